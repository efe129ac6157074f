//! Storage of OpenID4VCI 1.0 credential offers (§4.1) and their pre-authorized codes (§3.5,
//! issue #16), table `oid4vci_offers` (migration 0004). Only SHA-256 hashes of the secrets are
//! stored (the offer's reference, the code, the `tx_code` PIN keyed with the code).
//!
//! Safety with several replicas comes from single statements: a code is consumed by
//! `UPDATE ... SET used_at WHERE used_at IS NULL AND expires_at > now` (exactly one of two
//! concurrent redemptions changes the row), and a PIN attempt is reserved by
//! `UPDATE ... SET tx_code_attempts = tx_code_attempts + 1 WHERE tx_code_attempts < max` before
//! the PIN is compared, so no more than `max` PINs are ever compared, however many requests race.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{map_unique, stamp, Backend, Store, StoreError};

/// Days an expired (or used) offer is kept, so the token endpoint can still say why its code is
/// dead ("already used", "expired") instead of "unknown"; then [`Store::insert_offer`] drops it.
pub const OFFER_RETENTION_DAYS: i64 = 7;

/// A new offer to insert.
#[derive(Debug, Clone)]
pub struct NewOffer<'a> {
    /// Offer id (a UUID: audit target, [`crate::oid4vci::offers::OfferGrant::offer_id`]).
    pub id: &'a str,
    /// Owning university.
    pub university: &'a str,
    /// The credential offered.
    pub credential_id: &'a str,
    /// SHA-256 hex of the reference in the `credential_offer_uri`.
    pub ref_hash: &'a str,
    /// SHA-256 hex of the pre-authorized code.
    pub code_hash: &'a str,
    /// JSON array of the offered credential configuration ids.
    pub configuration_ids: &'a str,
    /// Keyed hash of the `tx_code` PIN, when one is required.
    pub tx_code_hash: Option<&'a str>,
    /// Audit "who" (`token:<id>@<university>` or `share-link`).
    pub created_by: &'a str,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When the code stops being redeemable.
    pub expires_at: DateTime<Utc>,
}

/// A stored offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferRow {
    /// Offer id.
    pub id: String,
    /// Owning university.
    pub university: String,
    /// The credential offered.
    pub credential_id: String,
    /// SHA-256 hex of the pre-authorized code.
    pub code_hash: String,
    /// JSON array of the offered credential configuration ids.
    pub configuration_ids: String,
    /// Keyed hash of the PIN, when one is required.
    pub tx_code_hash: Option<String>,
    /// PIN attempts made so far.
    pub tx_code_attempts: i64,
    /// RFC 3339 expiry.
    pub expires_at: String,
    /// RFC 3339 time of redemption, once redeemed.
    pub used_at: Option<String>,
}

/// The hashed secrets an offer is found by.
#[derive(Clone, Copy)]
enum OfferKey {
    /// `ref_hash`: the reference of its `credential_offer_uri`.
    Reference,
    /// `code_hash`: its pre-authorized code.
    Code,
}

fn offer_row(r: &AnyRow) -> Result<OfferRow, StoreError> {
    Ok(OfferRow {
        id: r.try_get("id")?,
        university: r.try_get("university")?,
        credential_id: r.try_get("credential_id")?,
        code_hash: r.try_get("code_hash")?,
        configuration_ids: r.try_get("configuration_ids")?,
        tx_code_hash: r.try_get("tx_code_hash")?,
        tx_code_attempts: r.try_get("tx_code_attempts")?,
        expires_at: r.try_get("expires_at")?,
        used_at: r.try_get("used_at")?,
    })
}

impl Store {
    /// Runs one writing statement that returns at most one row: on SQLite in the writers' queue
    /// on the write connection ([`Store::begin`]), on PostgreSQL on the pool.
    async fn write_returning(
        &self,
        query: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> Result<Option<AnyRow>, StoreError> {
        match self.backend {
            Backend::Sqlite => {
                let mut tx = self.begin().await?;
                let row = query.fetch_optional(&mut *tx.tx).await?;
                tx.commit().await?;
                Ok(row)
            }
            Backend::Postgres => Ok(query.fetch_optional(&self.pool).await?),
        }
    }

    /// Stores a new offer with its audit entry, atomically, and drops the offers that expired
    /// more than [`OFFER_RETENTION_DAYS`] before it (housekeeping: every share-link visit makes
    /// an offer, so the table would otherwise only grow; the audit log keeps each creation).
    pub async fn insert_offer(
        &self,
        offer: &NewOffer<'_>,
        audit: &super::AuditEntry<'_>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let horizon = offer
            .created_at
            .checked_sub_signed(chrono::Duration::days(OFFER_RETENTION_DAYS))
            .unwrap_or(offer.created_at);
        sqlx::query("DELETE FROM oid4vci_offers WHERE expires_at <= $1")
            .bind(stamp(horizon))
            .execute(&mut *tx.tx)
            .await?;
        sqlx::query(
            "INSERT INTO oid4vci_offers (id, university, credential_id, ref_hash, code_hash, configuration_ids, tx_code_hash, tx_code_attempts, created_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10)",
        )
        .bind(offer.id)
        .bind(offer.university)
        .bind(offer.credential_id)
        .bind(offer.ref_hash)
        .bind(offer.code_hash)
        .bind(offer.configuration_ids)
        .bind(offer.tx_code_hash)
        .bind(offer.created_by)
        .bind(stamp(offer.created_at))
        .bind(stamp(offer.expires_at))
        .execute(&mut *tx.tx)
        .await
        .map_err(|e| map_unique(e, "offer"))?;
        tx.audit(audit).await?;
        tx.commit().await
    }

    /// The offer of `university` whose reference hashes to `ref_hash`.
    pub async fn offer_by_ref(
        &self,
        university: &str,
        ref_hash: &str,
    ) -> Result<Option<OfferRow>, StoreError> {
        self.offer_where(OfferKey::Reference, university, ref_hash)
            .await
    }

    /// The offer of `university` whose pre-authorized code hashes to `code_hash`.
    pub async fn offer_by_code(
        &self,
        university: &str,
        code_hash: &str,
    ) -> Result<Option<OfferRow>, StoreError> {
        self.offer_where(OfferKey::Code, university, code_hash)
            .await
    }

    /// The offer of `university` whose `key` column is `hash`.
    async fn offer_where(
        &self,
        key: OfferKey,
        university: &str,
        hash: &str,
    ) -> Result<Option<OfferRow>, StoreError> {
        let sql = match key {
            OfferKey::Reference => "SELECT id, university, credential_id, code_hash, configuration_ids, tx_code_hash, tx_code_attempts, expires_at, used_at
             FROM oid4vci_offers WHERE ref_hash = $1 AND university = $2",
            OfferKey::Code => "SELECT id, university, credential_id, code_hash, configuration_ids, tx_code_hash, tx_code_attempts, expires_at, used_at
             FROM oid4vci_offers WHERE code_hash = $1 AND university = $2",
        };
        let row = sqlx::query(sql)
            .bind(hash)
            .bind(university)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(offer_row).transpose()
    }

    /// Reserves one PIN attempt of offer `id` (unused, unexpired at `now`, fewer than `max`
    /// attempts made): the attempt count after it, or `None` when no attempt is left (or the
    /// code is used or expired).
    pub async fn reserve_tx_code_attempt(
        &self,
        id: &str,
        max: u32,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        let query = sqlx::query(
            "UPDATE oid4vci_offers SET tx_code_attempts = tx_code_attempts + 1
             WHERE id = $1 AND used_at IS NULL AND expires_at > $2 AND tx_code_attempts < $3
             RETURNING tx_code_attempts",
        )
        .bind(id)
        .bind(stamp(now))
        .bind(i64::from(max));
        let row = self.write_returning(query).await?;
        Ok(row.map(|r| r.try_get("tx_code_attempts")).transpose()?)
    }

    /// Consumes offer `id` at `now` if it is unused and unexpired: `true` for exactly one caller.
    pub async fn consume_offer(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let query = sqlx::query(
            "UPDATE oid4vci_offers SET used_at = $2
             WHERE id = $1 AND used_at IS NULL AND expires_at > $2
             RETURNING id",
        )
        .bind(id)
        .bind(stamp(now));
        Ok(self.write_returning(query).await?.is_some())
    }

    /// The ids of the credentials of `university` issued in the batch of Idempotency-Key `key`
    /// (batch row keys `<key>#<row>`), in row order (`<key>#9` before `<key>#10`).
    pub async fn batch_credential_ids(
        &self,
        university: &str,
        key: &str,
    ) -> Result<Vec<String>, StoreError> {
        let prefix = format!("{key}#");
        let rows = sqlx::query(
            "SELECT id FROM credentials WHERE university = $1 AND batch_key IS NOT NULL
             AND substr(batch_key, 1, CAST($3 AS INTEGER)) = $2 ORDER BY length(batch_key), batch_key",
        )
        .bind(university)
        .bind(&prefix)
        .bind(i64::try_from(prefix.chars().count()).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<String, _>("id")?))
            .collect()
    }
}
