//! Storage of the OpenID4VCI 1.0 protocol state (issue #16, migration 0005): access tokens of the
//! token endpoint (OpenID4VCI 1.0 §6.2; only their SHA-256 is stored), `c_nonce`s of the nonce
//! endpoint (§7.2; single use) and the `jti`s of DPoP proofs (RFC 9449 §11.1; single use per
//! key). All in the database, so replicas share them: a nonce or a DPoP proof consumed in one
//! replica is refused in every other one (the consuming statement is atomic: `DELETE ...
//! RETURNING` and a primary key).

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{map_unique, stamp, Store, StoreError};

/// An access token as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessTokenRow {
    /// The credential issuer (university) it was issued by.
    pub university: String,
    /// The credential offer its pre-authorized code came from.
    pub offer_id: String,
    /// The stored credential the grant names.
    pub credential_id: String,
    /// The credential configurations the grant covers.
    pub configuration_ids: Vec<String>,
    /// JWK SHA-256 thumbprint (RFC 7638) of the DPoP key it is bound to, if any.
    pub dpop_jkt: Option<String>,
    /// When it stops being valid (RFC 3339).
    pub expires_at: String,
}

/// A new access token to store.
#[derive(Debug, Clone)]
pub struct NewAccessToken<'a> {
    /// SHA-256 hex of the token.
    pub token_hash: &'a str,
    /// The token's row.
    pub row: &'a AccessTokenRow,
    /// When issued.
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Stores an access token.
    pub async fn insert_access_token(&self, t: &NewAccessToken<'_>) -> Result<(), StoreError> {
        let ids = serde_json::to_string(&t.row.configuration_ids)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO oid4vci_access_tokens (token_hash, university, offer_id, credential_id, configuration_ids, dpop_jkt, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(t.token_hash)
            .bind(&t.row.university)
            .bind(&t.row.offer_id)
            .bind(&t.row.credential_id)
            .bind(ids)
            .bind(t.row.dpop_jkt.as_deref())
            .bind(stamp(t.created_at))
            .bind(&t.row.expires_at)
            .execute(&mut *tx.tx)
            .await
            .map_err(|e| map_unique(e, "access token"))?;
        tx.commit().await
    }

    /// The unexpired access token of `university` whose SHA-256 hex is `token_hash`.
    pub async fn access_token(
        &self,
        university: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<AccessTokenRow>, StoreError> {
        let row = sqlx::query("SELECT university, offer_id, credential_id, configuration_ids, dpop_jkt, expires_at FROM oid4vci_access_tokens WHERE token_hash = $1 AND university = $2 AND expires_at > $3")
            .bind(token_hash)
            .bind(university)
            .bind(stamp(now))
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = row else { return Ok(None) };
        let ids: String = r.try_get("configuration_ids")?;
        let configuration_ids = serde_json::from_str(&ids)
            .map_err(|e| StoreError::Corrupt(format!("access token configuration ids: {e}")))?;
        Ok(Some(AccessTokenRow {
            university: r.try_get("university")?,
            offer_id: r.try_get("offer_id")?,
            credential_id: r.try_get("credential_id")?,
            configuration_ids,
            dpop_jkt: r.try_get("dpop_jkt")?,
            expires_at: r.try_get("expires_at")?,
        }))
    }

    /// Stores a `c_nonce` of `university` (its SHA-256 hex) valid until `expires`, and drops the
    /// expired nonces, DPoP `jti`s and access tokens (housekeeping on a path every wallet takes).
    pub async fn insert_nonce(
        &self,
        university: &str,
        nonce_hash: &str,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        for table in [
            "DELETE FROM oid4vci_nonces WHERE expires_at <= $1",
            "DELETE FROM oid4vci_dpop_jtis WHERE expires_at <= $1",
            "DELETE FROM oid4vci_access_tokens WHERE expires_at <= $1",
        ] {
            sqlx::query(table)
                .bind(stamp(now))
                .execute(&mut *tx.tx)
                .await?;
        }
        sqlx::query("INSERT INTO oid4vci_nonces (nonce_hash, university, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(nonce_hash)
            .bind(university)
            .bind(stamp(now))
            .bind(stamp(expires))
            .execute(&mut *tx.tx)
            .await
            .map_err(|e| map_unique(e, "nonce"))?;
        tx.commit().await
    }

    /// Consumes a live `c_nonce` of `university`: `true` exactly once for a nonce issued and not
    /// expired at `now`, `false` for an unknown, used or expired one.
    pub async fn consume_nonce(
        &self,
        university: &str,
        nonce_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query("DELETE FROM oid4vci_nonces WHERE nonce_hash = $1 AND university = $2 AND expires_at > $3 RETURNING nonce_hash")
            .bind(nonce_hash)
            .bind(university)
            .bind(stamp(now))
            .fetch_optional(&mut *tx.tx)
            .await?;
        tx.commit().await?;
        Ok(row.is_some())
    }

    /// Records the `jti` of a DPoP proof by the key with thumbprint `jkt`, kept until `expires`
    /// (after which its `iat` is refused anyway): `false` when it was seen before (a replay).
    pub async fn record_dpop_jti(
        &self,
        jkt: &str,
        jti: &str,
        expires: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let inserted =
            sqlx::query("INSERT INTO oid4vci_dpop_jtis (jkt, jti, expires_at) VALUES ($1, $2, $3)")
                .bind(jkt)
                .bind(jti)
                .bind(stamp(expires))
                .execute(&mut *tx.tx)
                .await;
        match inserted.map_err(|e| map_unique(e, "DPoP jti")) {
            Ok(_) => {
                tx.commit().await?;
                Ok(true)
            }
            Err(StoreError::Duplicate(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }
}
