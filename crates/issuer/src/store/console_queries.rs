//! The staff console's read queries (issue #18 item 2): credentials of one university searched by
//! learner name, identifier or e-mail address and filtered by specification, status and issue
//! date; status counts; the audit log filtered by action, actor, target and date range; recent
//! batches. Every query is scoped to one university (the caller's), paginated with `LIMIT`/`OFFSET`.
//!
//! Portable SQL as in [`super`]: fixed statements with `$n` parameters, an empty string meaning
//! "no filter" (`$n = '' OR ...`), `LOWER(..) LIKE .. ESCAPE '\'` for substring matches (the
//! user's `%`, `_` and `\` escaped), timestamps compared as RFC 3339 text.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::{credential_row, CredentialRow, Store, StoreError};

/// Search terms of the credential list (every filter optional: `""` means none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialSearch {
    /// Words that must all occur in the credential (learner name, identifier, any text) or be its
    /// learner reference; an e-mail address (with `@`) also matches notification recipients.
    pub q: String,
    /// The learning opportunity URI (a specification's `id`) the credential must mention.
    pub specification_uri: String,
    /// `active`, `suspended` or `revoked`.
    pub status: String,
    /// Issued on or after this RFC 3339 instant.
    pub from: String,
    /// Issued before this RFC 3339 instant.
    pub to: String,
}

/// One audit log row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    /// Sequence number (the order of the log).
    pub seq: i64,
    /// When (RFC 3339).
    pub at: String,
    /// Who (`token:<id>@<university>`, `staff:<id>`, `system`).
    pub actor: String,
    /// What (`issue`, `revoke`, `batch`, ...).
    pub action: String,
    /// On what (credential id, batch key, ...).
    pub target: String,
    /// Why, when given.
    pub reason: Option<String>,
    /// Non-personal detail (JSON text).
    pub detail: Option<String>,
}

/// Filters of the audit log (every filter optional: `""` means none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Exact action.
    pub action: String,
    /// Substring of the actor.
    pub actor: String,
    /// Substring of the target.
    pub target: String,
    /// At or after this RFC 3339 instant.
    pub from: String,
    /// Before this RFC 3339 instant.
    pub to: String,
}

/// At most this many search words are matched (the rest are ignored): the statement is fixed.
pub const MAX_SEARCH_WORDS: usize = 4;

/// `%text%` for `LIKE ... ESCAPE '\'`, lower-cased, the user's wildcards escaped; `""` for none.
pub fn like_pattern(text: &str) -> String {
    like_exact(&text.trim().to_lowercase())
}

/// `%text%` for `LIKE ... ESCAPE '\'` as given (case kept), wildcards escaped; `""` for none.
fn like_exact(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

macro_rules! credential_search_sql {
    ($email:literal) => {
        concat!(
            "SELECT id, university, kind, status, credential, created_at FROM credentials WHERE university = $1",
            " AND ($2 = '' OR LOWER(credential) LIKE $2 ESCAPE '\\' OR COALESCE(learner_ref, '') = $11",
            $email,
            ")",
            " AND ($3 = '' OR LOWER(credential) LIKE $3 ESCAPE '\\')",
            " AND ($4 = '' OR LOWER(credential) LIKE $4 ESCAPE '\\')",
            " AND ($5 = '' OR LOWER(credential) LIKE $5 ESCAPE '\\')",
            " AND ($6 = '' OR credential LIKE $6 ESCAPE '\\')",
            " AND ($7 = '' OR status = $7)",
            " AND ($8 = '' OR created_at >= $8)",
            " AND ($9 = '' OR created_at < $9)",
            " ORDER BY created_at DESC, id LIMIT $12 OFFSET $13"
        )
    };
}

/// The search without notification recipients (before the outbox table exists).
const SEARCH_SQL: &str = credential_search_sql!(" OR ($10 <> '' AND 1 = 0)");
/// The search that also matches the recipients of learner notifications (migration 0008).
const SEARCH_SQL_EMAIL: &str = credential_search_sql!(
    " OR id IN (SELECT credential_id FROM outbox_messages WHERE university = $1 AND LOWER(recipient) = $10)"
);

impl Store {
    /// Whether table `name` exists (tables other parts of the service add in later migrations).
    pub async fn table_exists(&self, name: &str) -> Result<bool, StoreError> {
        let sql = match self.backend {
            super::Backend::Sqlite => {
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = $1"
            }
            super::Backend::Postgres => {
                "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1"
            }
        };
        let row = sqlx::query(sql).bind(name).fetch_one(&self.pool).await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    /// Credentials of `university` matching `search`, newest first, `limit` from `offset`.
    pub async fn search_credentials(
        &self,
        university: &str,
        search: &CredentialSearch,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<CredentialRow>, StoreError> {
        let words: Vec<String> = search
            .q
            .split_whitespace()
            .take(MAX_SEARCH_WORDS)
            .map(like_pattern)
            .collect();
        let word = |i: usize| words.get(i).cloned().unwrap_or_default();
        let q = search.q.trim();
        let email = if q.contains('@') {
            q.to_lowercase()
        } else {
            String::new()
        };
        let sql = if !email.is_empty() && self.table_exists("outbox_messages").await? {
            SEARCH_SQL_EMAIL
        } else {
            SEARCH_SQL
        };
        // With an e-mail address, the recipient match is an alternative to the word match.
        let first = if email.is_empty() {
            word(0)
        } else {
            like_pattern(q)
        };
        let (w1, w2, w3) = if email.is_empty() {
            (word(1), word(2), word(3))
        } else {
            Default::default()
        };
        let rows = sqlx::query(sql)
            .bind(university)
            .bind(first)
            .bind(w1)
            .bind(w2)
            .bind(w3)
            .bind(like_exact(&search.specification_uri))
            .bind(search.status.as_str())
            .bind(search.from.as_str())
            .bind(search.to.as_str())
            .bind(email)
            .bind(q)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(credential_row).collect()
    }

    /// How many credentials of `university` have each status: `(status, count)`.
    pub async fn credential_status_counts(
        &self,
        university: &str,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM credentials WHERE university = $1 GROUP BY status ORDER BY status",
        )
        .bind(university)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("status")?, r.try_get("n")?)))
            .collect()
    }

    /// Audit entries of `university` matching `filter`, newest first, `limit` from `offset`.
    pub async fn search_audit(
        &self,
        university: &str,
        filter: &AuditFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AuditRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, target, reason, detail FROM audit_log WHERE university = $1
             AND ($2 = '' OR action = $2)
             AND ($3 = '' OR LOWER(actor) LIKE $3 ESCAPE '\\')
             AND ($4 = '' OR LOWER(target) LIKE $4 ESCAPE '\\')
             AND ($5 = '' OR at >= $5)
             AND ($6 = '' OR at < $6)
             ORDER BY seq DESC LIMIT $7 OFFSET $8",
        )
        .bind(university)
        .bind(filter.action.trim())
        .bind(like_pattern(&filter.actor))
        .bind(like_pattern(&filter.target))
        .bind(filter.from.as_str())
        .bind(filter.to.as_str())
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_row).collect()
    }

    /// The audit entries of `university` about `target` (one credential's trail), oldest first.
    pub async fn audit_trail(
        &self,
        university: &str,
        target: &str,
    ) -> Result<Vec<AuditRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, target, reason, detail FROM audit_log
             WHERE university = $1 AND target = $2 ORDER BY seq LIMIT 500",
        )
        .bind(university)
        .bind(target)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_row).collect()
    }

    /// The specification versions of `university` (of `id` only, unless `""`):
    /// `(id, version, created_at, created_by)`, by id then version.
    pub async fn specification_versions(
        &self,
        university: &str,
        id: &str,
    ) -> Result<Vec<(String, i64, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, version, created_at, created_by FROM specifications
             WHERE university = $1 AND ($2 = '' OR id = $2) ORDER BY id, version",
        )
        .bind(university)
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    r.try_get("version")?,
                    r.try_get("created_at")?,
                    r.try_get("created_by")?,
                ))
            })
            .collect()
    }

    /// The batches of `university` claimed but without a stored response (running, or stopped
    /// by a crash until retried): `(idempotency key, claimed at)`, newest first.
    pub async fn unfinished_batches(
        &self,
        university: &str,
        limit: i64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT key, created_at FROM idempotency_keys WHERE university = $1 AND response = ''
             ORDER BY created_at DESC LIMIT $2",
        )
        .bind(university)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("key")?, r.try_get("created_at")?)))
            .collect()
    }

    /// The share token of credential `id` of `university` kept with its latest learner
    /// notification (the outbox of migration 0008), if it has one.
    pub async fn notified_share_token(
        &self,
        university: &str,
        id: &str,
    ) -> Result<Option<String>, StoreError> {
        if !self.table_exists("outbox_messages").await? {
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT share_token FROM outbox_messages WHERE university = $1 AND credential_id = $2
             ORDER BY created_at DESC LIMIT 1",
        )
        .bind(university)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.try_get("share_token")).transpose()?)
    }

    /// The distinct audit actions of `university` (the action filter's choices).
    pub async fn audit_actions(&self, university: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT action FROM audit_log WHERE university = $1 ORDER BY action",
        )
        .bind(university)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("action")?)).collect()
    }
}

fn audit_row(r: &AnyRow) -> Result<AuditRow, StoreError> {
    Ok(AuditRow {
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        actor: r.try_get("actor")?,
        action: r.try_get("action")?,
        target: r.try_get("target")?,
        reason: r.try_get("reason")?,
        detail: r.try_get("detail")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern(""), "");
        assert_eq!(like_pattern("  "), "");
        assert_eq!(like_pattern("Zofia"), "%zofia%");
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
