//! Storage of the learner notification outbox (issue #18 item 3, migration 0008): the transactional
//! outbox pattern. A message row is inserted in the SAME transaction as the credential it announces
//! ([`Store::insert_issued_notifying`]), so a rolled-back issuance leaves no message and a committed
//! one always has its message. The worker (`crate::notify`) claims due rows one by one with a
//! conditional `UPDATE` (`pending` → `sending`: of two workers racing for a row, exactly one changes
//! it), and a `sending` row whose lease ran out (its worker crashed) is retaken the same way.
//!
//! Learner personal data (the recipient address) is stored here for sending and for the staff of
//! the university, and never put into errors or logs by this module.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{
    map_unique, stamp, Allocation, AuditEntry, Backend, NewCredential, Store, StoreError, StoreTx,
};

/// A message to enqueue.
#[derive(Debug, Clone)]
pub struct NewOutboxMessage<'a> {
    /// Row id (a UUID).
    pub id: &'a str,
    /// The credential it announces.
    pub credential_id: &'a str,
    /// Owning university.
    pub university: &'a str,
    /// The learner's e-mail address (personal data: never logged).
    pub recipient: &'a str,
    /// Message language (`en`, `de`, `nl`, `pl`, `it`).
    pub language: &'a str,
    /// The learner's share link token (the message links the share page).
    pub share_token: &'a str,
    /// RFC 5322 `Message-ID` (with angle brackets), stable over retries.
    pub message_id: &'a str,
    /// When enqueued (also the first attempt's due time).
    pub now: DateTime<Utc>,
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    /// Row id.
    pub id: String,
    /// The credential it announces.
    pub credential_id: String,
    /// Owning university.
    pub university: String,
    /// The learner's e-mail address.
    pub recipient: String,
    /// Message language.
    pub language: String,
    /// The share link token.
    pub share_token: String,
    /// `pending`, `sending`, `sent` or `failed`.
    pub state: String,
    /// Sending attempts started.
    pub attempts: i64,
    /// When the next attempt is due (RFC 3339).
    pub next_attempt_at: String,
    /// Why the last attempt failed (no personal data).
    pub last_error: Option<String>,
    /// RFC 5322 `Message-ID`.
    pub message_id: String,
    /// When enqueued.
    pub created_at: String,
    /// When the SMTP server accepted it.
    pub sent_at: Option<String>,
    /// Last change.
    pub updated_at: String,
}

const COLUMNS: &str = "id, credential_id, university, recipient, language, share_token, state, attempts, next_attempt_at, last_error, message_id, created_at, sent_at, updated_at";

fn outbox_row(r: &AnyRow) -> Result<OutboxRow, StoreError> {
    Ok(OutboxRow {
        id: r.try_get("id")?,
        credential_id: r.try_get("credential_id")?,
        university: r.try_get("university")?,
        recipient: r.try_get("recipient")?,
        language: r.try_get("language")?,
        share_token: r.try_get("share_token")?,
        state: r.try_get("state")?,
        attempts: r.try_get("attempts")?,
        next_attempt_at: r.try_get("next_attempt_at")?,
        last_error: r.try_get("last_error")?,
        message_id: r.try_get("message_id")?,
        created_at: r.try_get("created_at")?,
        sent_at: r.try_get("sent_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

impl StoreTx {
    /// Enqueues a message (state `pending`, due now) in this transaction.
    pub async fn enqueue_message(&mut self, m: &NewOutboxMessage<'_>) -> Result<(), StoreError> {
        let now = stamp(m.now);
        sqlx::query(
            "INSERT INTO outbox_messages (id, credential_id, university, recipient, language, share_token, state, attempts, next_attempt_at, last_error, message_id, created_at, sent_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, NULL, $8, $7, NULL, $7)",
        )
        .bind(m.id)
        .bind(m.credential_id)
        .bind(m.university)
        .bind(m.recipient)
        .bind(m.language)
        .bind(m.share_token)
        .bind(now)
        .bind(m.message_id)
        .execute(&mut *self.tx)
        .await
        .map_err(|e| map_unique(e, "outbox message id"))?;
        Ok(())
    }
}

impl Store {
    /// [`Store::insert_issued`], and with `message` its notification enqueued in the same
    /// transaction: the credential and its message are committed together or not at all.
    pub async fn insert_issued_notifying(
        &self,
        c: &NewCredential<'_>,
        allocs: &[Allocation],
        audit: &AuditEntry<'_>,
        message: Option<&NewOutboxMessage<'_>>,
    ) -> Result<(), StoreError> {
        let Some(message) = message else {
            return self.insert_issued(c, allocs, audit).await;
        };
        if self.backend == Backend::Sqlite {
            return self
                .insert_issued_grouped(c, allocs, audit, Some(message))
                .await;
        }
        let mut tx = self.begin().await?;
        tx.insert_issued(c, allocs, audit, Some(message)).await?;
        tx.commit().await
    }

    /// Enqueues a message with its audit entry (resend, change of address), atomically.
    pub async fn enqueue_message(
        &self,
        m: &NewOutboxMessage<'_>,
        audit: &AuditEntry<'_>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.enqueue_message(m).await?;
        tx.audit(audit).await?;
        tx.commit().await
    }

    /// Claims up to `limit` due messages for sending: `pending` ones whose `next_attempt_at` has
    /// come, and `sending` ones last touched before `stale_before` (their worker died). Each is
    /// taken with a conditional `UPDATE` (state `sending`, `attempts + 1`), so a row is claimed by
    /// one worker only even when several poll at once.
    pub async fn claim_due_messages(
        &self,
        now: DateTime<Utc>,
        stale_before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        let (now, stale) = (stamp(now), stamp(stale_before));
        let candidates = sqlx::query(
            "SELECT id FROM outbox_messages
             WHERE (state = 'pending' AND next_attempt_at <= $1) OR (state = 'sending' AND updated_at < $2)
             ORDER BY next_attempt_at, id LIMIT $3",
        )
        .bind(&now)
        .bind(&stale)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut claimed = Vec::new();
        for c in candidates {
            let id: String = c.try_get("id")?;
            let mut tx = self.begin().await?;
            let taken = sqlx::query(
                "UPDATE outbox_messages SET state = 'sending', attempts = attempts + 1, updated_at = $1
                 WHERE id = $2 AND ((state = 'pending' AND next_attempt_at <= $1) OR (state = 'sending' AND updated_at < $3))",
            )
            .bind(&now)
            .bind(&id)
            .bind(&stale)
            .execute(&mut *tx.tx)
            .await?
            .rows_affected();
            let row = if taken == 1 {
                let sql = format!("SELECT {COLUMNS} FROM outbox_messages WHERE id = $1");
                let r = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(&id)
                    .fetch_one(&mut *tx.tx)
                    .await?;
                Some(outbox_row(&r)?)
            } else {
                None
            };
            tx.commit().await?;
            claimed.extend(row);
        }
        Ok(claimed)
    }

    /// Marks a claimed message sent (the SMTP server accepted it).
    pub async fn mark_message_sent(&self, id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE outbox_messages SET state = 'sent', sent_at = $1, updated_at = $1, last_error = NULL
             WHERE id = $2 AND state = 'sending'",
        )
        .bind(stamp(now))
        .bind(id)
        .execute(&mut *tx.tx)
        .await?;
        tx.commit().await
    }

    /// Records a failed attempt of a claimed message: back to `pending`, due at `retry_at`, or
    /// `failed` for good when `retry_at` is `None`. `error` carries no personal data.
    pub async fn mark_message_failed(
        &self,
        id: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (state, due) = match retry_at {
            Some(at) => ("pending", stamp(at)),
            None => ("failed", stamp(now)),
        };
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE outbox_messages SET state = $1, next_attempt_at = $2, last_error = $3, updated_at = $4
             WHERE id = $5 AND state = 'sending'",
        )
        .bind(state)
        .bind(due)
        .bind(error)
        .bind(stamp(now))
        .bind(id)
        .execute(&mut *tx.tx)
        .await?;
        tx.commit().await
    }

    /// The messages of a credential of `university`, oldest first.
    pub async fn credential_messages(
        &self,
        university: &str,
        credential_id: &str,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox_messages WHERE university = $1 AND credential_id = $2 ORDER BY created_at, id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(university)
            .bind(credential_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(outbox_row).collect()
    }

    /// The messages of `university` in `state` (all states when `None`), newest first.
    pub async fn messages_in_state(
        &self,
        university: &str,
        state: Option<&str>,
        limit: i64,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox_messages WHERE university = $1 AND ($2 = '' OR state = $2) ORDER BY updated_at DESC, id LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(university)
            .bind(state.unwrap_or_default())
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(outbox_row).collect()
    }
}
