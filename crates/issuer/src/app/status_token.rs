//! IETF Token Status List for the issuer (draft-ietf-oauth-status-list §5.1 "Status List Token in
//! JWT Format", §6.1 the Referenced Token's `status` claim, §8 caching; issue #16).
//!
//! The status list tokens are derived from the SAME stored lists and indices as the Bitstring
//! Status List credentials (crates/issuer/src/domain/status_list.rs, ADR 0003), so one
//! `POST /credentials/status` changes every form of an award at once:
//!
//! | stored list (Bitstring)        | token `bits` | stored value → Token Status Type           |
//! |--------------------------------|--------------|--------------------------------------------|
//! | `message` (2-bit, ADR 0003)    | 2            | 0x0 → VALID, 0x1 → SUSPENDED, 0x2/0x3 → INVALID |
//! | `revocation` (1-bit, before)   | 1            | 0 → VALID, 1 → INVALID                     |
//! | `suspension` (1-bit, before)   | 2            | 0 → VALID, 1 → SUSPENDED                   |
//!
//! A credential's reference names its `message` entry, else its `revocation` entry (credentials
//! of the two-entry form: their suspension is not conveyed by the token, their revocation is).
//!
//! Each token is signed by the university's seal key (the key of its JAdES seals and of its
//! SD-JWT VCs) with the seal's certificate chain in `x5c`, `typ` `statuslist+jwt`, `kid` the
//! key's JWK thumbprint (RFC 7638, also in the JWT VC Issuer Metadata `jwks`). Claims: `iss` (the
//! credential issuer identifier `{base}/universities/{id}`, equal to the SD-JWT VC's `iss`),
//! `sub` (the token's URL, equal to the reference's `uri`), `iat`, `exp` = `iat` + 24 h, `ttl`.
//! A signed token is reused until its list changes or it is an hour old.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use chrono::{DateTime, Utc};
use proofs::token_status_list::{self as tsl, StatusList};
use serde_json::{Map, Value};

use super::App;
use crate::domain::{DomainError, StatusPurpose};
use crate::store::CredentialStatusEntry;

/// How long a status list token is valid (`exp` − `iat`).
pub const TOKEN_LIFETIME_SECS: i64 = 24 * 60 * 60;
/// How long a signed token is served again while its list is unchanged.
const REUSE_SECS: i64 = 60 * 60;

/// A signed status list token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListToken {
    /// The compact JWT (`application/statuslist+jwt`).
    pub jwt: String,
    /// A strong validator: the list, its revision and the token's `iat`.
    pub etag: String,
}

#[derive(Clone)]
struct Cached {
    revision: i64,
    iat: i64,
    ttl: u64,
    jwt: String,
}

/// Signed tokens by their URL (`sub`), reused while their list's revision is unchanged and they
/// are younger than [`REUSE_SECS`].
static SIGNED: LazyLock<Mutex<HashMap<String, Cached>>> = LazyLock::new(Mutex::default);

/// The URL of the status list token of `list_id` (the reference's `uri`, the token's `sub`).
pub fn token_url(base_url: &str, university: &str, list_id: &str) -> String {
    format!(
        "{}/status/{university}/{list_id}/token",
        base_url.trim_end_matches('/')
    )
}

/// The token's `bits` and stored value → Token Status Type, per list purpose (module table).
fn token_bits(purpose: StatusPurpose) -> u8 {
    match purpose {
        StatusPurpose::Revocation => 1,
        StatusPurpose::Message | StatusPurpose::Suspension => 2,
    }
}

fn token_value(purpose: StatusPurpose, stored: u8) -> u8 {
    match (purpose, stored) {
        (_, 0) => tsl::VALID,
        (StatusPurpose::Message, 1) | (StatusPurpose::Suspension, _) => tsl::SUSPENDED,
        (StatusPurpose::Message | StatusPurpose::Revocation, _) => tsl::INVALID,
    }
}

/// The entry a credential's token reference names: `message`, else `revocation`.
fn referenced(entries: &[CredentialStatusEntry]) -> Option<&CredentialStatusEntry> {
    let of = |p: StatusPurpose| entries.iter().find(|e| e.purpose == p);
    of(StatusPurpose::Message).or_else(|| of(StatusPurpose::Revocation))
}

impl App {
    /// The Token Status List reference of a stored credential (§6.1), the `status` claim of its
    /// SD-JWT VC: `{"status_list": {"idx": N, "uri": "{base}/status/{university}/{list}/token"}}`,
    /// the same list and index as its Bitstring entry. `NotFound` for an unknown credential or
    /// one without a `message` or `revocation` entry.
    pub async fn token_status_reference(&self, credential_id: &str) -> Result<Value, DomainError> {
        let entries = self.store.credential_status_entries(credential_id).await?;
        let entry = referenced(&entries).ok_or_else(|| {
            DomainError::NotFound(format!(
                "a revocation or message status entry of credential `{credential_id}`"
            ))
        })?;
        let uri = token_url(&self.base_url, &entry.university, &entry.list_id);
        Ok(tsl::status_reference(u64::from(entry.index), &uri))
    }

    /// The signed status list token of a list (§5.1) with `ttl` seconds (the route's
    /// `Cache-Control: max-age`). `NotFound` for an unknown list or a university without a seal.
    pub async fn status_list_token(
        &self,
        university: &str,
        list_id: &str,
        ttl: u64,
    ) -> Result<StatusListToken, DomainError> {
        let list = self
            .store
            .status_list(university, list_id)
            .await?
            .ok_or_else(|| DomainError::NotFound(format!("status list `{list_id}`")))?;
        let now = self.now();
        let sub = token_url(&self.base_url, university, list_id);
        let etag = |c: &Cached| format!("\"{list_id}-{}-{}\"", c.revision, c.iat);
        if let Some(c) = reusable(&sub, list.revision, ttl, now) {
            return Ok(StatusListToken {
                etag: etag(&c),
                jwt: c.jwt,
            });
        }
        let mut bits = StatusList::new(
            token_bits(list.purpose),
            usize::try_from(crate::domain::permutation::LIST_SIZE).unwrap_or(usize::MAX),
        )
        .map_err(|e| DomainError::Storage(e.to_string()))?;
        for (i, v) in self.store.status_values(&list.id).await? {
            let idx = usize::try_from(i).unwrap_or(usize::MAX);
            bits.set(idx, token_value(list.purpose, v))
                .map_err(|e| DomainError::Storage(format!("status list `{list_id}`: {e}")))?;
        }
        let iat = now.timestamp();
        let mut claims = tsl::status_list_token_claims(
            &sub,
            iat,
            Some(iat.saturating_add(TOKEN_LIFETIME_SECS)),
            Some(ttl),
            &bits,
        )
        .map_err(|e| DomainError::Securing(e.to_string()))?;
        claims.insert(
            "iss".into(),
            Value::String(self.credential_issuer_id(university)),
        );
        let jwt = self.sign_status_token(university, claims).await?;
        let cached = Cached {
            revision: list.revision,
            iat,
            ttl,
            jwt,
        };
        if let Ok(mut map) = SIGNED.lock() {
            map.insert(sub, cached.clone());
        }
        Ok(StatusListToken {
            etag: etag(&cached),
            jwt: cached.jwt,
        })
    }

    /// Signs status list token claims with the university's seal key (`x5c`, `kid`).
    async fn sign_status_token(
        &self,
        university: &str,
        claims: Map<String, Value>,
    ) -> Result<String, DomainError> {
        let securer = Arc::clone(&self.securer);
        let uni = university.to_owned();
        tokio::task::spawn_blocking(move || {
            let no_seal = || {
                DomainError::NotFound(format!(
                    "a status list token of `{uni}`: the university has no seal key"
                ))
            };
            let (signer, chain) = securer.seal_signer(&uni).ok_or_else(no_seal)?;
            let header = seal_jose_header(signer, &chain, tsl::STATUS_LIST_JWT_TYP)?;
            let payload = serde_json::to_vec(&Value::Object(claims))
                .map_err(|e| DomainError::Securing(e.to_string()))?;
            proofs::jose::sign_compact(header, &payload, signer)
                .map_err(|e| DomainError::Securing(format!("status list token: {e}")))
        })
        .await
        .map_err(|e| DomainError::Securing(format!("signing task failed: {e}")))?
    }
}

/// The JOSE header of a JWT the seal key signs: `typ`, `kid` (the key's RFC 7638 thumbprint) and
/// `x5c` (the seal chain, leaf first). `alg` is set by [`proofs::jose::sign_compact`].
pub fn seal_jose_header(
    signer: &dyn proofs::Signer,
    chain: &[Vec<u8>],
    typ: &str,
) -> Result<Map<String, Value>, DomainError> {
    let mut header = Map::new();
    header.insert("typ".into(), Value::from(typ));
    header.insert("kid".into(), Value::String(seal_kid(signer)?));
    header.insert("x5c".into(), proofs::jose::x5c_value(chain));
    Ok(header)
}

/// The `kid` of a seal key: the RFC 7638 thumbprint of its public JWK.
pub fn seal_kid(signer: &dyn proofs::Signer) -> Result<String, DomainError> {
    let jwk = proofs::jose::public_key_to_jwk(&signer.public_key())
        .map_err(|e| DomainError::Securing(e.to_string()))?;
    proofs::jose::jwk_thumbprint(&Value::Object(jwk))
        .map_err(|e| DomainError::Securing(e.to_string()))
}

/// The cached token at `sub` when its revision and `ttl` are current and it is younger than
/// [`REUSE_SECS`] (and not from the future: test clocks move back).
fn reusable(sub: &str, revision: i64, ttl: u64, now: DateTime<Utc>) -> Option<Cached> {
    let map = SIGNED.lock().ok()?;
    let c = map.get(sub)?;
    let age = now.timestamp().checked_sub(c.iat)?;
    (c.revision == revision && c.ttl == ttl && (0..REUSE_SECS).contains(&age)).then(|| c.clone())
}
