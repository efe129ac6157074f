//! The cohorts of the staff console (issue #18, "cohort issuance"; migration 0007): an uploaded
//! CSV/XLSX as records, its state (`draft` → `issuing` → `done`), and the batch result. Every
//! query is scoped to the university; portable SQL for SQLite and PostgreSQL (sqlx `Any`).

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{stamp, Store, StoreError};

/// A new cohort (state `draft`).
#[derive(Debug, Clone)]
pub struct NewCohort<'a> {
    /// Cohort id (also its batch's Idempotency-Key).
    pub id: &'a str,
    /// Owning university.
    pub university: &'a str,
    /// The stored specification filling `learningOpportunity`, if any.
    pub specification: Option<&'a str>,
    /// Its version.
    pub version: Option<i64>,
    /// Who uploaded it (`Principal::actor`).
    pub created_by: &'a str,
    /// `csv` or `xlsx`.
    pub source: &'a str,
    /// The records as JSON.
    pub records: &'a str,
    /// When.
    pub now: DateTime<Utc>,
}

/// A stored cohort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortRow {
    /// Id.
    pub id: String,
    /// Owning university.
    pub university: String,
    /// Specification id.
    pub specification: Option<String>,
    /// Specification version.
    pub version: Option<i64>,
    /// Uploader.
    pub created_by: String,
    /// `draft`, `issuing` or `done`.
    pub state: String,
    /// `csv` or `xlsx`.
    pub source: String,
    /// Records JSON.
    pub records: String,
    /// The batch's Idempotency-Key.
    pub idempotency_key: String,
    /// Rows in the batch (set when issuing starts).
    pub total: i64,
    /// Result JSON (when done).
    pub result: Option<String>,
    /// Why the last issuing attempt stopped, if it did.
    pub error: Option<String>,
    /// Created.
    pub created_at: String,
}

/// A cohort as listed (dashboard).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortSummaryRow {
    /// Id.
    pub id: String,
    /// Specification id.
    pub specification: Option<String>,
    /// State.
    pub state: String,
    /// Rows in the batch (0 while a draft).
    pub total: i64,
    /// Created.
    pub created_at: String,
}

fn cohort_row(r: &sqlx::any::AnyRow) -> Result<CohortRow, StoreError> {
    Ok(CohortRow {
        id: r.try_get("id")?,
        university: r.try_get("university")?,
        specification: r.try_get("specification")?,
        version: r.try_get("version")?,
        created_by: r.try_get("created_by")?,
        state: r.try_get("state")?,
        source: r.try_get("source")?,
        records: r.try_get("records")?,
        idempotency_key: r.try_get("idempotency_key")?,
        total: r.try_get("total")?,
        result: r.try_get("result")?,
        error: r.try_get("error")?,
        created_at: r.try_get("created_at")?,
    })
}

impl Store {
    /// Stores a new draft cohort (its Idempotency-Key is its id).
    pub async fn insert_cohort(&self, c: &NewCohort<'_>) -> Result<(), StoreError> {
        let now = stamp(c.now);
        sqlx::query(
            "INSERT INTO cohorts (id, university, specification, version, created_by, state, source, records, idempotency_key, total, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $1, 0, $8, $8)",
        )
        .bind(c.id)
        .bind(c.university)
        .bind(c.specification)
        .bind(c.version)
        .bind(c.created_by)
        .bind(c.source)
        .bind(c.records)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Cohort `id` of `university` (another university's is `None`, like a missing one).
    pub async fn cohort(
        &self,
        university: &str,
        id: &str,
    ) -> Result<Option<CohortRow>, StoreError> {
        let sql = "SELECT id, university, specification, version, created_by, state, source, records, idempotency_key, total, result, error, created_at
             FROM cohorts WHERE university = $1 AND id = $2";
        let row = self.row_for(sql, &[university, id]).await?;
        row.as_ref().map(cohort_row).transpose()
    }

    /// Replaces the records of a draft cohort; `false` when it is no longer a draft.
    pub async fn update_cohort_records(
        &self,
        university: &str,
        id: &str,
        records: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let sql = "UPDATE cohorts SET records = $1, updated_at = $2 WHERE university = $3 AND id = $4 AND state = 'draft'";
        let now = stamp(now);
        Ok(self
            .execute_text(sql, &[records, &now, university, id])
            .await?
            == 1)
    }

    /// `draft` → `issuing` with `total` rows; `false` when it was not a draft (already started:
    /// a double submit starts nothing).
    pub async fn start_cohort(
        &self,
        university: &str,
        id: &str,
        total: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE cohorts SET state = 'issuing', total = $1, error = NULL, updated_at = $2
             WHERE university = $3 AND id = $4 AND state = 'draft'",
        )
        .bind(total)
        .bind(stamp(now))
        .bind(university)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// `issuing` → `done` with the batch result (JSON).
    pub async fn finish_cohort(
        &self,
        university: &str,
        id: &str,
        result: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE cohorts SET state = 'done', result = $1, updated_at = $2 WHERE university = $3 AND id = $4";
        let now = stamp(now);
        self.execute_text(sql, &[result, &now, university, id])
            .await?;
        Ok(())
    }

    /// `issuing` → `draft` after a failed attempt (`error` says why); issuing again resumes the
    /// batch under the same Idempotency-Key.
    pub async fn fail_cohort(
        &self,
        university: &str,
        id: &str,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE cohorts SET state = 'draft', error = $1, updated_at = $2 WHERE university = $3 AND id = $4 AND state = 'issuing'";
        let now = stamp(now);
        self.execute_text(sql, &[error, &now, university, id])
            .await?;
        Ok(())
    }

    /// How many credentials of `university` were stored under batch `key` (batch keys
    /// `<key>#<row>`): a range on the text, so `%` or `_` in a key match nothing extra.
    pub async fn batch_rows_stored(&self, university: &str, key: &str) -> Result<i64, StoreError> {
        let (from, to) = (format!("{key}#"), format!("{key}$"));
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM credentials WHERE university = $1 AND batch_key >= $2 AND batch_key < $3",
        )
        .bind(university)
        .bind(from)
        .bind(to)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("n")?)
    }

    /// The `n` newest cohorts of `university`.
    pub async fn recent_cohorts(
        &self,
        university: &str,
        n: i64,
    ) -> Result<Vec<CohortSummaryRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, specification, state, total, created_at FROM cohorts WHERE university = $1
             ORDER BY created_at DESC, id LIMIT $2",
        )
        .bind(university)
        .bind(n)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CohortSummaryRow {
                    id: r.try_get("id")?,
                    specification: r.try_get("specification")?,
                    state: r.try_get("state")?,
                    total: r.try_get("total")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }
}
