//! Typed request and response bodies of the credential offer endpoints (OpenID4VCI 1.0 §4.1,
//! issue #16): `POST /credentials/{id}/offers` and `POST /offers/batch`, read by
//! [`FromJson`] so each finding names its field and rule (422), and documented in the OpenAPI
//! document (`utoipa`). Transport-free.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::check_configuration_ids;
use crate::app::api::FromJson;
use crate::domain::{DomainError, FieldError};
use crate::oid4vci::protocol::ALL_CONFIGURATIONS;

/// Options of a new offer: `POST /credentials/{id}/offers` (`{}` for the defaults).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"txCode": true, "credentialConfigurationIds": ["eu.europa.ec.eudi.learning_credential_sd_jwt"]}))]
pub struct OfferRequest {
    /// Whether the code needs a 6-digit PIN (`tx_code`), returned once with the offer (default
    /// `true`).
    #[serde(default = "yes")]
    pub tx_code: bool,
    /// The credential configurations offered (default: all three,
    /// `enhance_edc_ldp_vc`, `enhance_edc_jwt_vc_json`,
    /// `eu.europa.ec.eudi.learning_credential_sd_jwt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_configuration_ids: Option<Vec<String>>,
}

fn yes() -> bool {
    true
}

impl Default for OfferRequest {
    fn default() -> Self {
        Self {
            tx_code: true,
            credential_configuration_ids: None,
        }
    }
}

impl OfferRequest {
    /// The configuration ids to offer.
    pub fn configuration_ids(&self) -> Vec<String> {
        self.credential_configuration_ids
            .clone()
            .unwrap_or_else(|| ALL_CONFIGURATIONS.iter().map(|s| (*s).to_owned()).collect())
    }

    /// Reads `txCode` and `credentialConfigurationIds` from `body`, removing them; findings into
    /// `errors`.
    fn take(body: &mut Map<String, Value>, errors: &mut Vec<FieldError>) -> Self {
        let tx_code = match body.remove("txCode") {
            None => true,
            Some(Value::Bool(b)) => b,
            Some(_) => {
                errors.push(FieldError::new(
                    "txCode",
                    "offer.tx-code",
                    "`txCode` must be true or false",
                ));
                true
            }
        };
        let path = "credentialConfigurationIds";
        let ids = match body.remove(path) {
            None => None,
            Some(Value::Array(items)) => {
                let ids: Vec<String> = items
                    .iter()
                    .map(|v| v.as_str().unwrap_or_default().to_owned())
                    .collect();
                if let Err(e) = check_configuration_ids(&ids, path) {
                    errors.extend(e);
                }
                Some(ids)
            }
            Some(_) => {
                errors.push(FieldError::new(
                    path,
                    "offer.configuration-ids",
                    "`credentialConfigurationIds` must be an array of configuration ids",
                ));
                None
            }
        };
        Self {
            tx_code,
            credential_configuration_ids: ids,
        }
    }
}

/// Findings for members of `body` no rule reads (rule `offer.unknown-member`).
fn unknown_members(body: &Map<String, Value>, errors: &mut Vec<FieldError>) {
    for name in body.keys() {
        errors.push(FieldError::new(
            name.clone(),
            "offer.unknown-member",
            format!("unknown member `{name}`"),
        ));
    }
}

fn object(body: Value) -> Result<Map<String, Value>, DomainError> {
    match body {
        Value::Object(o) => Ok(o),
        _ => Err(DomainError::BadRequest(
            "the body must be a JSON object".into(),
        )),
    }
}

impl FromJson for OfferRequest {
    fn from_json(body: Value) -> Result<Self, DomainError> {
        let mut body = object(body)?;
        let mut errors = Vec::new();
        let request = Self::take(&mut body, &mut errors);
        unknown_members(&body, &mut errors);
        if errors.is_empty() {
            Ok(request)
        } else {
            Err(DomainError::Validation(errors))
        }
    }
}

/// A credential offer just created. `txCode` (the PIN) and the pre-authorized code inside
/// `credentialOffer` are shown this once: only their hashes are stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "offerId": "0f8e2a4c-1b3d-4e5f-8a9b-0c1d2e3f4a5b",
    "credentialId": "urn:uuid:0b5c6f4e-8f0e-4d55-9d0c-3c1f0e7a2b11",
    "credentialOfferUri": "https://issuer.example/universities/eth/offers/x2Vb3rQm8T0pZk1sY7uN4wCfL9hJ6dAeGiOqRtUyWvE",
    "deepLink": "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fissuer.example%2Funiversities%2Feth%2Foffers%2Fx2Vb3rQm8T0pZk1sY7uN4wCfL9hJ6dAeGiOqRtUyWvE",
    "credentialOffer": {
        "credential_issuer": "https://issuer.example/universities/eth",
        "credential_configuration_ids": ["enhance_edc_ldp_vc", "enhance_edc_jwt_vc_json", "eu.europa.ec.eudi.learning_credential_sd_jwt"],
        "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": {
            "pre-authorized_code": "oaKazRN8I0IbtZ0C7JuMn5",
            "tx_code": {"input_mode": "numeric", "length": 6, "description": "Enter the 6-digit PIN shown with the offer on your credential's page at your university"}}}
    },
    "txCode": "493536",
    "expiresAt": "2026-07-01T10:10:00.000Z"
}))]
pub struct CreatedOffer {
    /// The offer's id (not a secret; in the audit log).
    pub offer_id: String,
    /// The credential offered.
    pub credential_id: String,
    /// The `credential_offer_uri` (§4.1.3) a wallet fetches the offer from (unguessable).
    pub credential_offer_uri: String,
    /// `openid-credential-offer://?credential_offer_uri=...`: the same-device link and the QR
    /// code's content.
    pub deep_link: String,
    /// The credential offer object (§4.1.1), as served at `credentialOfferUri`.
    #[schema(value_type = Object)]
    pub credential_offer: Value,
    /// The PIN (`tx_code`) to give the learner on another channel; absent when the offer has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_code: Option<String>,
    /// When the pre-authorized code expires (RFC 3339).
    pub expires_at: String,
}

/// `POST /offers/batch`: offers for many credentials of the caller's university.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"batchKey": "cohort-2026-07", "txCode": true}))]
pub struct BatchOfferRequest {
    /// Credential ids to offer.
    #[serde(default)]
    pub credential_ids: Vec<String>,
    /// The `Idempotency-Key` of a `POST /awards/batch`: every credential issued in it is offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_key: Option<String>,
    /// The options of every offer (`txCode`, `credentialConfigurationIds`).
    #[serde(flatten)]
    pub offer: OfferRequest,
}

impl FromJson for BatchOfferRequest {
    fn from_json(body: Value) -> Result<Self, DomainError> {
        let mut body = object(body)?;
        let mut errors = Vec::new();
        let offer = OfferRequest::take(&mut body, &mut errors);
        let mut credential_ids = Vec::new();
        match body.remove("credentialIds") {
            None => {}
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    match item.as_str() {
                        Some(s) if !s.is_empty() => credential_ids.push(s.to_owned()),
                        _ => errors.push(FieldError::new(
                            format!("credentialIds[{i}]"),
                            "offer.credential-ids",
                            "each credential id must be a non-empty string",
                        )),
                    }
                }
            }
            Some(_) => errors.push(FieldError::new(
                "credentialIds",
                "offer.credential-ids",
                "`credentialIds` must be an array of credential ids",
            )),
        }
        let batch_key = match body.remove("batchKey") {
            None => None,
            Some(Value::String(k)) if !k.is_empty() && k.len() <= 200 => Some(k),
            Some(_) => {
                errors.push(FieldError::new(
                    "batchKey",
                    "offer.batch-key",
                    "`batchKey` must be the Idempotency-Key of a batch (1 to 200 characters)",
                ));
                None
            }
        };
        unknown_members(&body, &mut errors);
        if errors.is_empty() && credential_ids.is_empty() && batch_key.is_none() {
            errors.push(FieldError::new(
                "credentialIds",
                "offer.credential-ids",
                "give `credentialIds` (a non-empty array) and/or `batchKey`",
            ));
        }
        if !errors.is_empty() {
            return Err(DomainError::Validation(errors));
        }
        Ok(Self {
            credential_ids,
            batch_key,
            offer,
        })
    }
}

/// The result of one credential of a batch of offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OfferItemStatus {
    /// The offer was created.
    Created,
    /// The credential cannot be offered (`errors` says why).
    Rejected,
}

/// One credential of a batch of offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BatchOfferItem {
    /// The credential.
    pub credential_id: String,
    /// `created` or `rejected`.
    pub status: OfferItemStatus,
    /// The offer, when created (its PIN shown this once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<CreatedOffer>,
    /// Why it was rejected (`offer.credential-revoked`, `offer.not-an-award`,
    /// `offer.credential-unknown`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl BatchOfferItem {
    /// A rejected credential.
    pub fn rejected(credential_id: &str, errors: Vec<FieldError>) -> Self {
        Self {
            credential_id: credential_id.to_owned(),
            status: OfferItemStatus::Rejected,
            offer: None,
            errors,
        }
    }
}

/// `POST /offers/batch` → 200: one item per credential, in order (`credentialIds` first, then the
/// batch's credentials; each credential once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BatchOfferResponse {
    /// The results.
    pub items: Vec<BatchOfferItem>,
}

/// The schemas of this module with an example, each with a check that the example deserialises
/// into its type (merged into [`crate::app::api::example_checks`]).
pub fn example_checks() -> Vec<(&'static str, crate::app::api::ExampleCheck)> {
    fn check<T: serde::de::DeserializeOwned>(v: Value) -> Result<(), String> {
        serde_json::from_value::<T>(v)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
    vec![
        ("OfferRequest", check::<OfferRequest>),
        ("CreatedOffer", check::<CreatedOffer>),
        ("BatchOfferRequest", check::<BatchOfferRequest>),
    ]
}

/// The request examples of this module read by [`FromJson`] (merged into
/// [`crate::app::api::example_requests`]).
pub fn example_requests() -> Vec<(&'static str, crate::app::api::ExampleRead)> {
    fn read<T: FromJson>(v: Value) -> Result<(), DomainError> {
        T::from_json(v).map(|_| ())
    }
    vec![
        ("OfferRequest", read::<OfferRequest>),
        ("BatchOfferRequest", read::<BatchOfferRequest>),
    ]
}
