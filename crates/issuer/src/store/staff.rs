//! Storage of staff accounts and console sessions (issue #18 item 1, migration 0006): accounts
//! per university (Argon2id password hash, TOTP secret, roles, failed attempts and lockout,
//! single-sign-on identity), and sessions stored by the SHA-256 hex of their id only, with their
//! CSRF token, language and expiry. Portable SQL (`$n` placeholders, text and BIGINT only).

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{map_unique, stamp, Store, StoreError};

/// A staff account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAccountRow {
    /// Account id (a UUID).
    pub id: String,
    /// The university it belongs to.
    pub university: String,
    /// Sign-in name, unique per university.
    pub username: String,
    /// Name shown in the console.
    pub display_name: String,
    /// E-mail address (personal data: never logged).
    pub email: Option<String>,
    /// Argon2id PHC string; `None` for single-sign-on-only accounts.
    pub password_hash: Option<String>,
    /// TOTP secret (base32), when the account uses a second factor.
    pub totp_secret: Option<String>,
    /// Comma-separated roles (`issue,revoke,admin`).
    pub roles: String,
    /// Failed sign-ins since the last success or lockout.
    pub failed_attempts: i64,
    /// Locked until this time (RFC 3339), if locked.
    pub locked_until: Option<String>,
    /// Disabled by an admin.
    pub disabled: bool,
    /// OpenID Connect issuer of a single-sign-on account.
    pub sso_issuer: Option<String>,
    /// OpenID Connect subject of a single-sign-on account.
    pub sso_subject: Option<String>,
    /// When created (RFC 3339).
    pub created_at: String,
}

/// A console session as stored (its id only as a hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSessionRow {
    /// The signed-in account.
    pub account_id: String,
    /// The session's CSRF token.
    pub csrf_token: String,
    /// Interface language tag.
    pub lang: String,
    /// When created (RFC 3339): absolute expiry counts from here.
    pub created_at: String,
    /// Absolute expiry (RFC 3339).
    pub expires_at: String,
    /// Last request (RFC 3339): idle expiry counts from here.
    pub last_seen_at: String,
}

/// `SELECT <every account column> FROM staff_accounts <tail>`, as one static string.
macro_rules! select_accounts {
    ($tail:literal) => {
        concat!(
            "SELECT id, university, username, display_name, email, password_hash, totp_secret, roles, failed_attempts, locked_until, disabled, sso_issuer, sso_subject, created_at FROM staff_accounts ",
            $tail
        )
    };
}

fn account(r: &AnyRow) -> Result<StaffAccountRow, StoreError> {
    Ok(StaffAccountRow {
        id: r.try_get("id")?,
        university: r.try_get("university")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        email: r.try_get("email")?,
        password_hash: r.try_get("password_hash")?,
        totp_secret: r.try_get("totp_secret")?,
        roles: r.try_get("roles")?,
        failed_attempts: r.try_get("failed_attempts")?,
        locked_until: r.try_get("locked_until")?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
        sso_issuer: r.try_get("sso_issuer")?,
        sso_subject: r.try_get("sso_subject")?,
        created_at: r.try_get("created_at")?,
    })
}

impl Store {
    /// Stores a new account; [`StoreError::Duplicate`] when the username (or the single-sign-on
    /// identity) is taken in its university. `if_absent`: an existing username is left as it is
    /// and `Ok(false)` returned (idempotent seeding of demo accounts).
    pub async fn insert_staff_account(
        &self,
        a: &StaffAccountRow,
        if_absent: bool,
    ) -> Result<bool, StoreError> {
        let sql = if if_absent {
            "INSERT INTO staff_accounts (id, university, username, display_name, email, password_hash, totp_secret, roles, failed_attempts, locked_until, disabled, sso_issuer, sso_subject, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, NULL, 0, $9, $10, $11) ON CONFLICT (university, username) DO NOTHING"
        } else {
            "INSERT INTO staff_accounts (id, university, username, display_name, email, password_hash, totp_secret, roles, failed_attempts, locked_until, disabled, sso_issuer, sso_subject, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, NULL, 0, $9, $10, $11)"
        };
        let done = sqlx::query(sql)
            .bind(&a.id)
            .bind(&a.university)
            .bind(&a.username)
            .bind(&a.display_name)
            .bind(a.email.as_deref())
            .bind(a.password_hash.as_deref())
            .bind(a.totp_secret.as_deref())
            .bind(&a.roles)
            .bind(a.sso_issuer.as_deref())
            .bind(a.sso_subject.as_deref())
            .bind(&a.created_at)
            .execute(&self.pool)
            .await
            .map_err(|e| map_unique(e, "staff account"))?;
        Ok(done.rows_affected() == 1)
    }

    /// The account `username` of `university`.
    pub async fn staff_account_by_username(
        &self,
        university: &str,
        username: &str,
    ) -> Result<Option<StaffAccountRow>, StoreError> {
        let sql = select_accounts!("WHERE university = $1 AND username = $2");
        let row = self.row_for(sql, &[university, username]).await?;
        row.as_ref().map(account).transpose()
    }

    /// The account with this id.
    pub async fn staff_account(&self, id: &str) -> Result<Option<StaffAccountRow>, StoreError> {
        let sql = select_accounts!("WHERE id = $1");
        let row = self.row_for(sql, &[id]).await?;
        row.as_ref().map(account).transpose()
    }

    /// The single-sign-on account of `university` with this OpenID Connect `issuer` and `subject`.
    pub async fn staff_account_by_sso(
        &self,
        university: &str,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<StaffAccountRow>, StoreError> {
        let sql =
            select_accounts!("WHERE university = $1 AND sso_issuer = $2 AND sso_subject = $3");
        let row = self.row_for(sql, &[university, issuer, subject]).await?;
        row.as_ref().map(account).transpose()
    }

    /// The accounts of `university`, by username.
    pub async fn staff_accounts(
        &self,
        university: &str,
    ) -> Result<Vec<StaffAccountRow>, StoreError> {
        let sql = select_accounts!("WHERE university = $1 ORDER BY username");
        let rows = self.rows_for(sql, university).await?;
        rows.iter().map(account).collect()
    }

    /// Refreshes a single-sign-on account's name, address and roles (from the identity
    /// provider's claims, at every sign-in).
    pub async fn update_sso_account(
        &self,
        id: &str,
        display_name: &str,
        email: Option<&str>,
        roles: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE staff_accounts SET display_name = $1, email = $2, roles = $3 WHERE id = $4",
        )
        .bind(display_name)
        .bind(email)
        .bind(roles)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Counts a failed sign-in of account `id`; at `max_failures` the account is locked until
    /// `lock_until` and the counter starts again. Returns whether this failure locked it. One
    /// write transaction, so concurrent failures all count.
    pub async fn record_staff_failure(
        &self,
        id: &str,
        max_failures: u32,
        lock_until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query("UPDATE staff_accounts SET failed_attempts = failed_attempts + 1 WHERE id = $1 RETURNING failed_attempts")
            .bind(id)
            .fetch_optional(&mut *tx.tx)
            .await?;
        let failed: i64 = match row {
            Some(r) => r.try_get("failed_attempts")?,
            None => 0,
        };
        let locked = failed >= i64::from(max_failures.max(1));
        if locked {
            sqlx::query(
                "UPDATE staff_accounts SET failed_attempts = 0, locked_until = $1 WHERE id = $2",
            )
            .bind(stamp(lock_until))
            .bind(id)
            .execute(&mut *tx.tx)
            .await?;
        }
        tx.commit().await?;
        Ok(locked)
    }

    /// Clears the failed-attempt counter and any lockout (a successful sign-in, or an admin's
    /// unlock).
    pub async fn reset_staff_failures(&self, id: &str) -> Result<(), StoreError> {
        let sql =
            "UPDATE staff_accounts SET failed_attempts = 0, locked_until = NULL WHERE id = $1";
        self.execute_text(sql, &[id]).await?;
        Ok(())
    }

    /// Accepts TOTP time step `step` for account `id` once: `false` when that step or a later
    /// one was accepted before (a replayed code, RFC 6238 §5.2). Atomic: of two concurrent
    /// sign-ins with the same code one wins.
    pub async fn accept_totp_step(&self, id: &str, step: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE staff_accounts SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)")
            .bind(step)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Sets (or with `None` removes) the TOTP secret of account `id`.
    pub async fn set_staff_totp(&self, id: &str, secret: Option<&str>) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE staff_accounts SET totp_secret = $1, totp_last_step = NULL WHERE id = $2",
        )
        .bind(secret)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Disables (or enables) account `id`; disabling ends its sessions.
    pub async fn set_staff_disabled(&self, id: &str, disabled: bool) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE staff_accounts SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(id)
            .execute(&mut *tx.tx)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM staff_sessions WHERE account_id = $1")
                .bind(id)
                .execute(&mut *tx.tx)
                .await?;
        }
        tx.commit().await
    }

    /// Stores a new session (by the SHA-256 hex of its id) and drops expired ones.
    pub async fn insert_staff_session(
        &self,
        id_hash: &str,
        s: &StaffSessionRow,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM staff_sessions WHERE expires_at <= $1")
            .bind(stamp(now))
            .execute(&mut *tx.tx)
            .await?;
        sqlx::query("INSERT INTO staff_sessions (id_hash, account_id, csrf_token, lang, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id_hash)
            .bind(&s.account_id)
            .bind(&s.csrf_token)
            .bind(&s.lang)
            .bind(&s.created_at)
            .bind(&s.expires_at)
            .bind(&s.last_seen_at)
            .execute(&mut *tx.tx)
            .await
            .map_err(|e| map_unique(e, "staff session"))?;
        tx.commit().await
    }

    /// The session whose id hashes to `id_hash`.
    pub async fn staff_session(
        &self,
        id_hash: &str,
    ) -> Result<Option<StaffSessionRow>, StoreError> {
        let sql = "SELECT account_id, csrf_token, lang, created_at, expires_at, last_seen_at FROM staff_sessions WHERE id_hash = $1";
        let Some(r) = self.row_for(sql, &[id_hash]).await? else {
            return Ok(None);
        };
        Ok(Some(StaffSessionRow {
            account_id: r.try_get("account_id")?,
            csrf_token: r.try_get("csrf_token")?,
            lang: r.try_get("lang")?,
            created_at: r.try_get("created_at")?,
            expires_at: r.try_get("expires_at")?,
            last_seen_at: r.try_get("last_seen_at")?,
        }))
    }

    /// Records a request of the session (idle expiry) and, when given, its new language.
    pub async fn touch_staff_session(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
        lang: Option<&str>,
    ) -> Result<(), StoreError> {
        let now = stamp(now);
        match lang {
            Some(l) => {
                let sql =
                    "UPDATE staff_sessions SET last_seen_at = $1, lang = $2 WHERE id_hash = $3";
                self.execute_text(sql, &[&now, l, id_hash]).await?
            }
            None => {
                let sql = "UPDATE staff_sessions SET last_seen_at = $1 WHERE id_hash = $2";
                self.execute_text(sql, &[&now, id_hash]).await?
            }
        };
        Ok(())
    }

    /// Deletes the session whose id hashes to `id_hash` (sign-out, expiry).
    pub async fn delete_staff_session(&self, id_hash: &str) -> Result<(), StoreError> {
        let sql = "DELETE FROM staff_sessions WHERE id_hash = $1";
        self.execute_text(sql, &[id_hash]).await?;
        Ok(())
    }
}
