//! Credential offers (OpenID4VCI 1.0 §4.1) with pre-authorized codes (§3.5) and `tx_code` PINs
//! (§4.1.1), issue #16 point 2.
//!
//! One offer names one stored award credential of one university and the credential
//! configurations it may be issued in (default: all three, [`ALL_CONFIGURATIONS`]). It is served
//! by reference (§4.1.3): the `credential_offer_uri` `{base}/universities/{id}/offers/{ref}` carries
//! a random 256-bit reference, and the deep link is
//! `openid-credential-offer://?credential_offer_uri=...` (§4.1, the `openid-credential-offer`
//! scheme). The pre-authorized code is derived from the reference (SHA-256 of a label and the
//! reference, so it has the reference's 256 bits): whoever can fetch the offer sees the code
//! anyway, and nothing needs to be stored in plain text. The database holds SHA-256 hashes only —
//! of the reference, of the code, and of the PIN keyed with the code (a stolen table cannot be
//! brute-forced for the 10^6 PINs without the codes).
//!
//! Codes are single-use (consumed by one conditional `UPDATE`, so across replicas too),
//! short-lived (config `oid4vci.offers.code_lifetime_secs`, default 10 minutes) and bound to their
//! credential and university. A `tx_code` (6 digits, numeric; default on) is the PIN the learner
//! gets on another channel: shown once, to the staff member who created the offer or behind the
//! share link. Each PIN comparison first takes one of `oid4vci.offers.tx_code_max_attempts`
//! (default 5) attempts; after the last failed one the code is dead.
//!
//! Token endpoint errors (§6.3): an unknown, used or expired code, a wrong PIN and exhausted
//! attempts are `invalid_grant`; a PIN missing where the offer has one, or sent where it has none,
//! is `invalid_request`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use rand::Rng as _;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::protocol::proof::seconds;
use super::protocol::{issuer_identifier, ALL_CONFIGURATIONS};
use super::{ErrorCode, Oid4vciError};
use crate::app::App;
use crate::domain::{hash_token, DomainError, FieldError, Principal, Role};
use crate::store::{stamp, AuditEntry, CredentialRow, NewOffer, OfferRow, StoreError};

pub mod api; // typed request and response bodies of the offer endpoints

pub use api::{
    BatchOfferItem, BatchOfferRequest, BatchOfferResponse, CreatedOffer, OfferItemStatus,
    OfferRequest,
};

/// The grant type of the pre-authorized code flow (OpenID4VCI 1.0 §4.1.1, §6.1); one constant,
/// kept at this path too.
pub use super::protocol::PRE_AUTHORIZED_GRANT;
/// The URI scheme of credential offers (OpenID4VCI 1.0 §4.1).
pub const OFFER_SCHEME: &str = "openid-credential-offer://";
/// Digits of a `tx_code` PIN.
pub const TX_CODE_LENGTH: usize = 6;
/// The `tx_code.description` wallets show (§4.1.1: at most 300 characters).
pub const TX_CODE_DESCRIPTION: &str =
    "Enter the 6-digit PIN shown with the offer on your credential's page at your university";

/// What a redeemed pre-authorized code grants: the credential of one university in the offered
/// configurations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferGrant {
    /// The offer's id (a UUID; not a secret).
    pub offer_id: String,
    /// The university whose credential issuer the code belongs to.
    pub university: String,
    /// The credential offered.
    pub credential_id: String,
    /// The credential configuration ids the offer names.
    pub configuration_ids: Vec<String>,
}

/// 256 random bits, base64url (an offer's reference).
fn new_reference() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// The pre-authorized code of the offer with reference `reference`.
fn code_of(reference: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"enhance-credentials/oid4vci/pre-authorized-code\0");
    h.update(reference.as_bytes());
    URL_SAFE_NO_PAD.encode(h.finalize())
}

/// The stored form of PIN `pin` of the offer with pre-authorized code `code`.
fn tx_code_hash(code: &str, pin: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"enhance-credentials/oid4vci/tx-code\0");
    h.update(code.as_bytes());
    h.update(b"\0");
    h.update(pin.as_bytes());
    hex::encode(h.finalize())
}

/// A uniformly random 6-digit PIN.
fn new_pin() -> String {
    format!("{:06}", rand::thread_rng().gen_range(0..1_000_000u32))
}

/// Compares two hashes without an early exit.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Why an offer can no longer be redeemed at `now`, if it cannot.
fn dead_reason(row: &OfferRow, now: &str, max_attempts: u32) -> Option<String> {
    if row.used_at.is_some() {
        return Some("the pre-authorized code was already used (codes are single-use)".into());
    }
    if row.expires_at.as_str() <= now {
        return Some(format!(
            "the pre-authorized code expired at {}",
            row.expires_at
        ));
    }
    if row.tx_code_hash.is_some() && row.tx_code_attempts >= i64::from(max_attempts) {
        return Some(format!(
            "the tx_code attempts are exhausted ({max_attempts} wrong PINs): the pre-authorized code is no longer valid; ask for a new offer"
        ));
    }
    None
}

use super::protocol::token::server_error;

fn grant_error(description: impl Into<String>) -> Oid4vciError {
    Oid4vciError::new(ErrorCode::InvalidGrant, description)
}

/// Refuses credentials that cannot be offered: revoked (rule `offer.credential-revoked`), or not
/// an ENHANCE award (rule `offer.not-an-award`: a VC-API credential has no award to map).
fn check_offerable(row: &CredentialRow, path: &str) -> Result<(), DomainError> {
    if row.status == "revoked" {
        return Err(DomainError::Validation(vec![FieldError::new(
            path,
            "offer.credential-revoked",
            format!(
                "credential `{}` is revoked and cannot be offered to a wallet",
                row.id
            ),
        )]));
    }
    if row.kind != "edc" {
        return Err(DomainError::Validation(vec![FieldError::new(
            path,
            "offer.not-an-award",
            format!("credential `{}` was issued through the VC-API, not as an ENHANCE award: only awards can be offered to a wallet", row.id),
        )]));
    }
    Ok(())
}

impl App {
    /// The token endpoint's check of a pre-authorized code (OpenID4VCI 1.0 §6.1, errors §6.3) of
    /// `university`'s credential issuer, with the `tx_code` the wallet sent: consumes the code
    /// (single use) and returns what it grants.
    pub async fn redeem_pre_authorized_code(
        &self,
        university: &str,
        code: &str,
        tx_code: Option<&str>,
    ) -> Result<OfferGrant, Oid4vciError> {
        if code.is_empty() {
            return Err(Oid4vciError::new(
                ErrorCode::InvalidRequest,
                "`pre-authorized_code` is required",
            ));
        }
        let store = self.store();
        let row = store
            .offer_by_code(university, &hash_token(code))
            .await
            .map_err(server_error)?
            .ok_or_else(|| {
                grant_error("the pre-authorized code is unknown to this credential issuer")
            })?;
        let now = self.now();
        let max = self.oid4vci_settings().offers.tx_code_max_attempts;
        if let Some(reason) = dead_reason(&row, &stamp(now), max) {
            return Err(grant_error(reason));
        }
        match (&row.tx_code_hash, tx_code) {
            (Some(_), None) => {
                return Err(Oid4vciError::new(
                    ErrorCode::InvalidRequest,
                    "`tx_code` is required: this offer has a transaction code (PIN)",
                ))
            }
            (None, Some(_)) => {
                return Err(Oid4vciError::new(
                    ErrorCode::InvalidRequest,
                    "`tx_code` was sent, but this offer has no transaction code",
                ))
            }
            (Some(expected), Some(pin)) => self.check_pin(&row, code, expected, pin, now).await?,
            (None, None) => {}
        }
        let credential = store
            .credential(&row.university, &row.credential_id)
            .await
            .map_err(server_error)?;
        if credential.is_none_or(|c| c.status == "revoked") {
            return Err(grant_error(
                "the offered credential has been revoked and can no longer be issued",
            ));
        }
        if !store
            .consume_offer(&row.id, now)
            .await
            .map_err(server_error)?
        {
            return Err(self.why_dead(&row, now).await);
        }
        tracing::info!(university, offer = %row.id, credential = %row.credential_id, "pre-authorized code redeemed");
        let configuration_ids = serde_json::from_str(&row.configuration_ids).map_err(|e| {
            server_error(StoreError::Corrupt(format!(
                "configuration ids of offer {}: {e}",
                row.id
            )))
        })?;
        Ok(OfferGrant {
            offer_id: row.id,
            university: row.university,
            credential_id: row.credential_id,
            configuration_ids,
        })
    }

    /// Takes one PIN attempt of `row` and compares `pin` with the stored hash `expected`.
    async fn check_pin(
        &self,
        row: &OfferRow,
        code: &str,
        expected: &str,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Oid4vciError> {
        let max = self.oid4vci_settings().offers.tx_code_max_attempts;
        let Some(made) = self
            .store()
            .reserve_tx_code_attempt(&row.id, max, now)
            .await
            .map_err(server_error)?
        else {
            return Err(self.why_dead(row, now).await);
        };
        if same(&tx_code_hash(code, pin), expected) {
            return Ok(());
        }
        let left = i64::from(max).saturating_sub(made).max(0);
        tracing::info!(offer = %row.id, attempts = made, "wrong tx_code");
        Err(grant_error(if left == 0 {
            format!("the tx_code is wrong; that was the last of {max} attempts: the pre-authorized code is no longer valid; ask for a new offer")
        } else {
            format!("the tx_code is wrong; {left} attempt(s) left")
        }))
    }

    /// The `invalid_grant` of an offer a conditional update found no longer redeemable.
    async fn why_dead(&self, row: &OfferRow, now: DateTime<Utc>) -> Oid4vciError {
        let max = self.oid4vci_settings().offers.tx_code_max_attempts;
        let fresh = self
            .store()
            .offer_by_code(&row.university, &row.code_hash)
            .await;
        match fresh {
            Ok(Some(fresh)) => grant_error(
                dead_reason(&fresh, &stamp(now), max)
                    .unwrap_or_else(|| "the pre-authorized code is no longer valid".into()),
            ),
            Ok(None) => grant_error("the pre-authorized code is unknown to this credential issuer"),
            Err(e) => server_error(e),
        }
    }

    /// The issuer identifier of `university`'s credential issuer (§12.2.1): `{base}/universities/{id}`.
    pub fn credential_issuer_id(&self, university: &str) -> String {
        issuer_identifier(self.base_url(), university)
    }

    /// The credential offer (§4.1.1) behind a `credential_offer_uri` of `university` (public: the
    /// reference is the secret). 404 when unknown, used, expired or its PIN attempts exhausted.
    pub async fn credential_offer(
        &self,
        university: &str,
        reference: &str,
    ) -> Result<Value, DomainError> {
        let row = self
            .store()
            .offer_by_ref(university, &hash_token(reference))
            .await?
            .ok_or_else(|| DomainError::NotFound("credential offer".into()))?;
        let max = self.oid4vci_settings().offers.tx_code_max_attempts;
        if let Some(reason) = dead_reason(&row, &stamp(self.now()), max) {
            return Err(DomainError::NotFound(format!(
                "live credential offer ({reason})"
            )));
        }
        let ids: Vec<String> = serde_json::from_str(&row.configuration_ids)
            .map_err(|e| DomainError::Storage(format!("offer {}: {e}", row.id)))?;
        Ok(self.offer_json(
            university,
            &ids,
            &code_of(reference),
            row.tx_code_hash.is_some(),
        ))
    }

    /// The credential offer object (§4.1.1).
    fn offer_json(&self, university: &str, ids: &[String], code: &str, tx_code: bool) -> Value {
        let mut grant = Map::new();
        grant.insert("pre-authorized_code".into(), Value::String(code.to_owned()));
        if tx_code {
            grant.insert(
                "tx_code".into(),
                json!({"input_mode": "numeric", "length": TX_CODE_LENGTH, "description": TX_CODE_DESCRIPTION}),
            );
        }
        json!({
            "credential_issuer": self.credential_issuer_id(university),
            "credential_configuration_ids": ids,
            "grants": { PRE_AUTHORIZED_GRANT: grant },
        })
    }

    /// Creates an offer of credential `credential_id` of `university` (checked by the caller) and
    /// records it in the audit log as `actor`'s; the secrets are in the result only.
    async fn new_offer(
        &self,
        university: &str,
        credential_id: &str,
        request: &OfferRequest,
        actor: &str,
    ) -> Result<CreatedOffer, DomainError> {
        let ids = request.configuration_ids();
        let reference = new_reference();
        let code = code_of(&reference);
        let pin = request.tx_code.then(new_pin);
        let pin_hash = pin.as_deref().map(|p| tx_code_hash(&code, p));
        let id = uuid::Uuid::new_v4().to_string();
        let now = self.now();
        let lifetime = self.oid4vci_settings().offers.code_lifetime_secs;
        // Checked (`now + Duration` panics on overflow and the lifetime is configurable); an
        // absurd lifetime gives a code that is dead at once, as at the token and nonce endpoints.
        let expires_at = now.checked_add_signed(seconds(lifetime)).unwrap_or(now);
        let ids_json =
            serde_json::to_string(&ids).map_err(|e| DomainError::Storage(e.to_string()))?;
        let (ref_hash, code_hash) = (hash_token(&reference), hash_token(&code));
        let offer = NewOffer {
            id: &id,
            university,
            credential_id,
            ref_hash: &ref_hash,
            code_hash: &code_hash,
            configuration_ids: &ids_json,
            tx_code_hash: pin_hash.as_deref(),
            created_by: actor,
            created_at: now,
            expires_at,
        };
        let detail = json!({"offer": id, "configurationIds": ids, "txCode": pin.is_some()});
        let detail = detail.to_string();
        let audit = AuditEntry {
            at: now,
            actor,
            university,
            action: "offer",
            target: credential_id,
            reason: None,
            detail: Some(&detail),
        };
        self.store().insert_offer(&offer, &audit).await?;
        tracing::info!(university, credential = %credential_id, offer = %id, "credential offer created");
        let uri = format!(
            "{}/offers/{reference}",
            self.credential_issuer_id(university)
        );
        Ok(CreatedOffer {
            offer_id: id,
            credential_id: credential_id.to_owned(),
            deep_link: deep_link(&uri),
            credential_offer: self.offer_json(university, &ids, &code, pin.is_some()),
            credential_offer_uri: uri,
            tx_code: pin,
            expires_at: stamp(expires_at),
        })
    }

    /// Staff: an offer of credential `id` of the caller's university (role `issue`; another
    /// university's credential answers like an unknown id, 404).
    pub async fn create_offer(
        &self,
        principal: &Principal,
        id: &str,
        request: &OfferRequest,
    ) -> Result<CreatedOffer, DomainError> {
        let row = self
            .offerable_credential(principal, id, "credentialId")
            .await?;
        self.new_offer(&row.university, id, request, &principal.actor())
            .await
    }

    /// The credential `id` of the caller's university, checked to be offerable.
    async fn offerable_credential(
        &self,
        principal: &Principal,
        id: &str,
        path: &str,
    ) -> Result<CredentialRow, DomainError> {
        let not_found = || DomainError::NotFound(format!("credential `{id}`"));
        let owner = self
            .store()
            .credential_owner(id)
            .await?
            .ok_or_else(not_found)?;
        principal.owns(&owner, &format!("credential `{id}`"))?;
        principal.require(&owner, Role::Issue)?;
        let row = self
            .store()
            .credential(&owner, id)
            .await?
            .ok_or_else(not_found)?;
        check_offerable(&row, path)?;
        Ok(row)
    }

    /// Staff: offers for many credentials of the caller's university (`credentialIds` and/or every
    /// credential of the batch `batchKey`), one result per credential in order; a credential that
    /// cannot be offered does not stop the others.
    pub async fn create_offers(
        &self,
        principal: &Principal,
        request: &BatchOfferRequest,
    ) -> Result<BatchOfferResponse, DomainError> {
        principal.require(&principal.university, Role::Issue)?;
        let mut ids = request.credential_ids.clone();
        if let Some(key) = &request.batch_key {
            let batch = self
                .store()
                .batch_credential_ids(&principal.university, key)
                .await?;
            if batch.is_empty() {
                return Err(DomainError::NotFound(format!(
                    "batch `{key}` (no credential was issued under this Idempotency-Key)"
                )));
            }
            ids.extend(batch);
        }
        let mut seen = std::collections::HashSet::new();
        ids.retain(|id| seen.insert(id.clone()));
        let mut items = Vec::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            let path = format!("items[{i}].credentialId");
            let result = match self.offerable_credential(principal, id, &path).await {
                Ok(row) => {
                    self.new_offer(&row.university, id, &request.offer, &principal.actor())
                        .await
                }
                Err(e) => Err(e),
            };
            items.push(match result {
                Ok(offer) => BatchOfferItem {
                    credential_id: id.clone(),
                    status: OfferItemStatus::Created,
                    offer: Some(offer),
                    errors: Vec::new(),
                },
                Err(DomainError::Validation(errors)) => BatchOfferItem::rejected(id, errors),
                Err(DomainError::NotFound(m)) => BatchOfferItem::rejected(
                    id,
                    vec![FieldError::new(
                        path,
                        "offer.credential-unknown",
                        format!("{m} not found"),
                    )],
                ),
                Err(other) => return Err(other),
            });
        }
        Ok(BatchOfferResponse { items })
    }

    /// Whether the credential behind share link `token` can be offered to a wallet (an award,
    /// not revoked): the learner's page shows its "Add to your EU wallet" section only then.
    pub async fn share_offerable(&self, token: &str) -> Result<bool, DomainError> {
        let row = self.store().credential_by_share(&hash_token(token)).await?;
        Ok(row.is_some_and(|r| check_offerable(&r, "credential").is_ok()))
    }

    /// The learner's share link: a new offer of its credential with a PIN (all configurations),
    /// recorded in the audit log as `share-link`'s.
    pub async fn share_offer(&self, token: &str) -> Result<CreatedOffer, DomainError> {
        let row = self
            .store()
            .credential_by_share(&hash_token(token))
            .await?
            .ok_or_else(|| DomainError::NotFound("share link".into()))?;
        check_offerable(&row, "credential")?;
        self.new_offer(
            &row.university,
            &row.id,
            &OfferRequest::default(),
            "share-link",
        )
        .await
    }
}

/// The same-device link of an offer: `openid-credential-offer://?credential_offer_uri=...`.
pub fn deep_link(credential_offer_uri: &str) -> String {
    format!(
        "{OFFER_SCHEME}?credential_offer_uri={}",
        crate::display::percent_encode_component(credential_offer_uri)
    )
}

/// The configuration ids an offer may name: every known one, each once.
pub fn check_configuration_ids(ids: &[String], path: &str) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if ids.is_empty() {
        errors.push(FieldError::new(
            path,
            "offer.configuration-ids",
            format!("name at least one of {}", ALL_CONFIGURATIONS.join(", ")),
        ));
    }
    for (i, id) in ids.iter().enumerate() {
        if !ALL_CONFIGURATIONS.contains(&id.as_str()) {
            errors.push(FieldError::new(
                format!("{path}[{i}]"),
                "offer.configuration-ids",
                format!(
                    "unknown credential configuration `{id}`: use {}",
                    ALL_CONFIGURATIONS.join(", ")
                ),
            ));
        } else if ids.iter().take(i).any(|o| o == id) {
            errors.push(FieldError::new(
                format!("{path}[{i}]"),
                "offer.configuration-ids",
                format!("`{id}` is named twice"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_hashes() {
        let r = new_reference();
        assert_eq!(URL_SAFE_NO_PAD.decode(&r).unwrap().len(), 32);
        assert_ne!(code_of(&r), r);
        assert_eq!(code_of(&r), code_of(&r));
        assert_eq!(URL_SAFE_NO_PAD.decode(code_of(&r)).unwrap().len(), 32);
        let pin = new_pin();
        assert!(pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(tx_code_hash("code", &pin).len(), 64);
        assert_ne!(
            tx_code_hash("code", "123456"),
            tx_code_hash("other", "123456")
        );
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }

    #[test]
    fn deep_link_and_configuration_ids() {
        assert_eq!(
            deep_link("https://x.example/universities/eth/offers/abc"),
            "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fx.example%2Funiversities%2Feth%2Foffers%2Fabc"
        );
        let all: Vec<String> = ALL_CONFIGURATIONS.iter().map(|s| s.to_string()).collect();
        assert!(check_configuration_ids(&all, "c").is_ok());
        let e = check_configuration_ids(&["x".into(), all[0].clone(), all[0].clone()], "c")
            .unwrap_err();
        assert_eq!(
            e.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
            ["c[0]", "c[2]"]
        );
        assert_eq!(check_configuration_ids(&[], "c").unwrap_err()[0].path, "c");
    }
}
