//! Typed request and response bodies of the issuer's HTTP API (issue #19 §4 "Typed API"): what
//! [`super::App`] takes and returns, and what the generated OpenAPI 3.1 document
//! (`GET /openapi.json`, built with `utoipa` from these types and the routes in `crate::http`)
//! describes. Transport-free: serde and `utoipa` derives only, no axum.
//!
//! Wire formats: W3C VC-API (`POST /credentials/issue` §3.2.1, `POST /credentials/status`
//! §3.2.3), Bitstring Status List v1.0 §2.1 status purposes, the ENHANCE award format of
//! `elm-model`, RFC 9457 problem details for errors.
//!
//! Requests are read by [`FromJson`] rather than plain serde so that every finding names its field
//! and rule (`credentialStatus[1].status`, rule `vc-api.status`) the way the API always answered:
//! a shape error is one 422 problem with all the findings, never serde's first-error message.
//! Credentials, awards and specifications stay JSON values here: their own formats are checked by
//! `elm-model` and the JSON-LD processor, and documented by reference.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use crate::domain::auth::{check_label, parse_requested_roles};
use crate::domain::{DomainError, FieldError, Role, StatusPurpose};

/// A request body read from its JSON value, each finding naming its field and rule.
pub trait FromJson: Sized {
    /// Reads `body`; [`DomainError::Validation`] (422) or [`DomainError::BadRequest`] (400).
    fn from_json(body: Value) -> Result<Self, DomainError>;
}

fn invalid(path: impl Into<String>, rule: &str, message: impl Into<String>) -> DomainError {
    DomainError::Validation(vec![FieldError::new(path, rule, message)])
}

/// `/healthz` and `/readyz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    /// `ok` (live) or `ready` (the database answers).
    pub status: String,
}

/// One status list entry wanted at issuance (`options.credentialStatus`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusEntryOption {
    /// `BitstringStatusListEntry` when given.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `revocation` or `suspension` (Bitstring Status List v1.0 §2.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_purpose: Option<String>,
}

/// The status entries wanted: `true` or absent (one revocation entry), `false` (none), one entry
/// or an array of entries (`[]`: none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum StatusOption {
    /// `true`: one revocation entry; `false`: none.
    Flag(bool),
    /// One entry.
    One(StatusEntryOption),
    /// Several entries.
    Many(Vec<StatusEntryOption>),
}

/// VC-API issuance options.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IssueOptions {
    /// Issuer-managed status list entries to add, after any `credentialStatus` the credential
    /// brings (default: one revocation entry; none when the credential brings its own or is a
    /// VC 1.1 credential).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_status: Option<StatusOption>,
}

/// `POST /credentials/issue` (VC-API §3.2.1).
///
/// `credential.issuer` is required and must be the university's DID (a string, or an object with
/// that `id`): 422 `vc.issuer-required` / `vc.issuer` otherwise, never filled in. The VC Data
/// Model rules (`elm_model::vcdm`) answer 422 naming the field path and the rule:
/// `credentialStatus`, `termsOfUse`, `evidence`, `refreshService` and `credentialSchema` entries
/// each have a `type` (`vcdm.<member>.type`), `credentialSubject` is not empty
/// (`vcdm.credential-subject.empty`), `relatedResource` entries are objects with a unique `id` and
/// a `digestSRI` or `digestMultibase` (`vcdm.related-resource.*`). `validUntil` in the past and
/// `validFrom` in the future are allowed (a verifier reports the credential expired or not yet
/// valid).
///
/// **Status.** A well-formed `credential.credentialStatus` (each entry typed; a
/// `BitstringStatusListEntry` with `statusPurpose`, a decimal `statusListIndex` and an absolute
/// `statusListCredential`, rule `vc.status-entry`) is signed as given: the issuer does not manage
/// it. Issuer-managed entries (on this service's status lists, changed with
/// `POST /credentials/status`) are added after it when `options.credentialStatus` asks for them;
/// without `options.credentialStatus` a credential that brings its own status gets none, nor does
/// a VC 1.1 one; a VC 2.0 credential without gets one revocation entry.
///
/// A client-chosen `credential.id` may be any URL (VC Data Model 2.0 §4.4; a non-URL is 422
/// `vc.id`), except that under this service's own URL it must be in the university's namespace
/// `{public_base_url}/universities/{university}/` (422 `vc.id-namespace`); an id already used
/// answers 409 (`duplicate credential id`, whichever university holds it). A VC 1.1 credential
/// gets no issuer-managed status entry unless `options.credentialStatus` asks for one
/// (Bitstring Status List v1.0 extends the VC 2.0 context). JSON-LD errors of the credential (undefined term, unknown context,
/// relative IRI, protected term redefinition, poison graph) answer 422 with the JSON path and a
/// `jsonld.*` rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "credential": {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:web:issuer.example:universities:eth",
        "credentialSubject": {"id": "did:example:learner"},
        "credentialStatus": {
            "id": "https://registry.example/status/7#42",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "42",
            "statusListCredential": "https://registry.example/status/7"
        }
    },
    "options": {"credentialStatus": [{"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}]}
}))]
pub struct IssueRequest {
    /// The unsigned credential (VC Data Model 1.1 or 2.0) with its `issuer` (the university's
    /// DID); `id` and `validFrom` (2.0) or `issuanceDate` (1.1) are filled in when absent. Its own
    /// `credentialStatus`, if any, is signed as given.
    #[schema(value_type = Object)]
    pub credential: Value,
    /// Options.
    #[serde(default)]
    pub options: IssueOptions,
}

impl FromJson for IssueRequest {
    fn from_json(body: Value) -> Result<Self, DomainError> {
        let Value::Object(mut body) = body else {
            return Err(DomainError::BadRequest(
                "body must be `{credential, options}`".into(),
            ));
        };
        let credential = body
            .remove("credential")
            .ok_or_else(|| invalid("credential", "vc-api.required", "`credential` is required"))?;
        // Members of `options` other than `credentialStatus` (VC-API names more) are ignored.
        let status = match body.remove("options") {
            Some(Value::Object(mut o)) => o.remove("credentialStatus"),
            _ => None,
        };
        let credential_status = match status {
            None | Some(Value::Null) => None,
            Some(v) => Some(serde_json::from_value(v).map_err(|_| {
                invalid(
                    "options.credentialStatus",
                    "options.status",
                    "must be an object, an array of objects or a boolean",
                )
            })?),
        };
        Ok(Self {
            credential,
            options: IssueOptions { credential_status },
        })
    }
}

impl IssueOptions {
    /// The status purposes wanted (rule `options.status` on an unknown purpose or entry type).
    pub fn purposes(&self) -> Result<Vec<StatusPurpose>, DomainError> {
        let bad = |m: &str| invalid("options.credentialStatus", "options.status", m);
        let purpose = |e: &StatusEntryOption| {
            if e.kind
                .as_deref()
                .is_some_and(|t| t != "BitstringStatusListEntry")
            {
                return None;
            }
            // The 2-bit `message` entry is typed as an EDC `CredentialStatus`: EDC awards only.
            StatusPurpose::parse(e.status_purpose.as_deref()?)
                .filter(|p| *p != StatusPurpose::Message)
        };
        match &self.credential_status {
            None | Some(StatusOption::Flag(true)) => Ok(vec![StatusPurpose::Revocation]),
            Some(StatusOption::Flag(false)) => Ok(vec![]),
            Some(StatusOption::One(e)) => purpose(e)
                .map(|p| vec![p])
                .ok_or_else(|| bad("statusPurpose must be `revocation` or `suspension`")),
            Some(StatusOption::Many(entries)) => entries
                .iter()
                .map(|e| {
                    purpose(e).ok_or_else(|| {
                        bad("each entry needs statusPurpose `revocation` or `suspension`")
                    })
                })
                .collect(),
        }
    }
}

/// `POST /credentials/issue` → 201.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"verifiableCredential": {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "id": "urn:uuid:0b5c6f4e-8f0e-4d55-9d0c-3c1f0e7a2b11",
    "type": ["VerifiableCredential"],
    "issuer": "did:web:issuer.example:universities:eth",
    "validFrom": "2026-07-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:learner"},
    "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}
}}))]
pub struct IssueResponse {
    /// The signed credential (Data Integrity `eddsa-rdfc-2022`).
    #[schema(value_type = Object)]
    pub verifiable_credential: Value,
}

/// The status a credential is set to (`active` and `unsuspended` clear the suspension bit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatusValue {
    /// Revocation bit set, for good.
    Revoked,
    /// Suspension bit set.
    Suspended,
    /// Suspension bit cleared.
    Active,
    /// Suspension bit cleared (an alias of `active`).
    Unsuspended,
}

impl StatusValue {
    /// The purpose bit and its new value.
    pub fn change(self) -> (StatusPurpose, bool) {
        match self {
            StatusValue::Revoked => (StatusPurpose::Revocation, true),
            StatusValue::Suspended => (StatusPurpose::Suspension, true),
            StatusValue::Active | StatusValue::Unsuspended => (StatusPurpose::Suspension, false),
        }
    }
}

/// One status change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusChange {
    /// The entry type (`BitstringStatusListEntry`), informative.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The new status.
    pub status: StatusValue,
}

/// `POST /credentials/status` (VC-API §3.2.3): revoke, suspend or reactivate a credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "credentialId": "urn:uuid:0b5c6f4e-8f0e-4d55-9d0c-3c1f0e7a2b11",
    "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "suspended"}],
    "reason": "under investigation"
}))]
pub struct StatusRequest {
    /// The credential's id.
    pub credential_id: String,
    /// The changes, applied in order (one object is accepted too).
    pub credential_status: Vec<StatusChange>,
    /// Why (recorded in the audit log).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl FromJson for StatusRequest {
    fn from_json(body: Value) -> Result<Self, DomainError> {
        let credential_id = body
            .get("credentialId")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                invalid(
                    "credentialId",
                    "vc-api.required",
                    "`credentialId` is required",
                )
            })?
            .to_owned();
        let reason = body
            .get("reason")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let entries = match body.get("credentialStatus") {
            Some(Value::Array(a)) if !a.is_empty() => a.clone(),
            Some(o @ Value::Object(_)) => vec![o.clone()],
            _ => {
                return Err(invalid(
                    "credentialStatus",
                    "vc-api.required",
                    "`credentialStatus` must be a non-empty array of {type, status}",
                ))
            }
        };
        let mut changes = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let status = e.get("status").cloned().unwrap_or(Value::Null);
            let status = serde_json::from_value(status).map_err(|_| {
                invalid(
                    format!("credentialStatus[{i}].status"),
                    "vc-api.status",
                    "status must be `revoked`, `suspended` or `active`",
                )
            })?;
            let kind = e.get("type").and_then(Value::as_str).map(str::to_owned);
            changes.push(StatusChange { kind, status });
        }
        Ok(Self {
            credential_id,
            credential_status: changes,
            reason,
        })
    }
}

/// `POST /credentials/status` → 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"credentialId": "urn:uuid:0b5c6f4e-8f0e-4d55-9d0c-3c1f0e7a2b11", "status": "updated"}))]
pub struct StatusResponse {
    /// The credential's id.
    pub credential_id: String,
    /// `updated`.
    pub status: String,
}

/// `POST /awards`: one ENHANCE award (the award format of `elm-model`,
/// `examples/awards/award.schema.json`), bare or in this envelope.
///
/// `images` carries the bytes (base64) of the award's `display.images`, one per language; a
/// display language without bytes gets the certificate page rendered as PNG (its QR code the
/// credential's verification URL) unless `renderImages` is false or the service's
/// `render_display_images` is off.
///
/// `notify` (issue #18) e-mails the learner the share link and the PDF certificate in their
/// language; the message is queued in the credential's own transaction (docs/CONFIG.md "Learner
/// notification e-mail"). CSV uploads fill it from the columns `notify.email`, `notify.language`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "award": {"awardingUniversity": "eth", "learner": {"givenName": "Ada", "familyName": "Lovelace"}},
    "images": {"en": "iVBORw0KGgo="},
    "renderImages": false,
    "notify": {"email": "ada.lovelace@student.example.org", "language": "en"}
}))]
pub struct AwardRequest {
    /// The award (award format).
    #[schema(value_type = Object)]
    pub award: Value,
    /// Image bytes (base64) by display language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub images: BTreeMap<String, String>,
    /// Render missing display images (default: the service's `render_display_images`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub render_images: Option<bool>,
    /// E-mail the learner about the credential (issue #18): the message is queued in the same
    /// transaction as the credential and sent by the notification worker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<NotifyRequest>,
}

/// `notify` of an award request: whom to e-mail the share link and PDF to, in which language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"email": "learner@example.org", "language": "de"}))]
pub struct NotifyRequest {
    /// The learner's e-mail address (`local@domain`, at most 254 characters; rule
    /// `notify.email`).
    pub email: String,
    /// `en`, `de`, `nl`, `pl` or `it` (rule `notify.language`); default: the award's
    /// `display.primaryLanguage` when it is one of them, else `en`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl FromJson for AwardRequest {
    fn from_json(body: Value) -> Result<Self, DomainError> {
        let Value::Object(mut envelope) = body else {
            // Not an object: the award parser names the problem.
            return Ok(Self::bare(body));
        };
        let Some(award) = envelope.remove("award") else {
            return Ok(Self::bare(Value::Object(envelope)));
        };
        let render_images = match envelope.remove("renderImages") {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(b),
            Some(_) => {
                return Err(invalid(
                    "renderImages",
                    "award.render-images",
                    "must be true or false",
                ))
            }
        };
        let images = match envelope.remove("images") {
            None | Some(Value::Null) => BTreeMap::new(),
            Some(Value::Object(m)) => images_of(m)?,
            Some(_) => {
                return Err(invalid(
                    "images",
                    "images.base64",
                    "an object of base64 strings by language",
                ))
            }
        };
        let notify = notify_of(envelope.remove("notify"))?;
        Ok(Self {
            award,
            images,
            render_images,
            notify,
        })
    }
}

/// The envelope's `notify` member: `{email, language?}`, each checked (rules `notify.email`,
/// `notify.language`; [`crate::domain::notify_message`]).
fn notify_of(v: Option<Value>) -> Result<Option<NotifyRequest>, DomainError> {
    use crate::domain::notify_message::{check_email, check_language};
    let m = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(m)) => m,
        Some(_) => {
            return Err(invalid(
                "notify",
                "notify.object",
                "must be an object {email, language}",
            ))
        }
    };
    let text = |key: &str| match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(_) => Err(FieldError::new(
            format!("notify.{key}"),
            format!("notify.{key}"),
            "must be a string",
        )),
    };
    let mut errors = Vec::new();
    let email = match text("email") {
        Ok(Some(e)) => check_email("notify.email", &e)
            .map(|()| e)
            .map_err(|f| errors.push(f))
            .ok(),
        Ok(None) => {
            errors.push(FieldError::new(
                "notify.email",
                "notify.email",
                "`notify.email` is required when `notify` is given",
            ));
            None
        }
        Err(f) => {
            errors.push(f);
            None
        }
    };
    let language = match text("language") {
        Ok(Some(l)) => check_language("notify.language", &l)
            .map(|()| Some(l))
            .unwrap_or_else(|f| {
                errors.push(f);
                None
            }),
        Ok(None) => None,
        Err(f) => {
            errors.push(f);
            None
        }
    };
    match email {
        Some(email) if errors.is_empty() => Ok(Some(NotifyRequest { email, language })),
        _ => Err(DomainError::Validation(errors)),
    }
}

fn images_of(m: Map<String, Value>) -> Result<BTreeMap<String, String>, DomainError> {
    let mut images = BTreeMap::new();
    let mut errors = Vec::new();
    for (lang, v) in m {
        match v {
            Value::String(s) => {
                images.insert(lang, s);
            }
            _ => errors.push(FieldError::new(
                format!("images.{lang}"),
                "images.base64",
                "a base64 string",
            )),
        }
    }
    if errors.is_empty() {
        Ok(images)
    } else {
        Err(DomainError::Validation(errors))
    }
}

impl AwardRequest {
    /// An award without images (the service's rendering setting applies).
    pub fn bare(award: Value) -> Self {
        Self {
            award,
            images: BTreeMap::new(),
            render_images: None,
            notify: None,
        }
    }
}

/// An issued credential (`POST /awards`, `POST /programmes/{id}/certificates` → 201).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "urn:uuid:0b5c6f4e-8f0e-4d55-9d0c-3c1f0e7a2b11",
    "shareUrl": "https://issuer.example/share/q3Zr0v8c2sQ9kG1xWw7mYb5nTt4uJh6pLa0dEfCgRiE",
    "verifiableCredential": {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential", "EuropeanDigitalCredential"]}
}))]
pub struct IssuedCredential {
    /// The credential's id.
    pub id: String,
    /// The learner's share link (unguessable; only its hash is stored).
    pub share_url: Option<String>,
    /// The signed EDC credential (JSON-LD with Data Integrity proof).
    #[schema(value_type = Object)]
    pub verifiable_credential: Value,
}

/// Paging of `GET /credentials`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// At most this many (1 to 1000; default 100).
    #[serde(default = "default_limit")]
    #[param(minimum = 1, maximum = 1000, default = 100)]
    pub limit: i64,
    /// Skip this many (default 0).
    #[serde(default)]
    #[param(minimum = 0, default = 0)]
    pub offset: i64,
}

fn default_limit() -> i64 {
    100
}

impl Default for Page {
    fn default() -> Self {
        Self {
            limit: default_limit(),
            offset: 0,
        }
    }
}

/// One credential of a university, without the credential itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CredentialSummary {
    /// The credential's id.
    pub id: String,
    /// `active`, `suspended` or `revoked`.
    pub status: String,
    /// `edc` (an award) or `vc` (VC-API issue).
    pub kind: String,
    /// When it was issued (RFC 3339).
    pub created_at: String,
}

/// `GET /credentials`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": [{"id": "urn:uuid:0b5c6f4e-8f0e-4d55-9d0c-3c1f0e7a2b11", "status": "active", "kind": "edc", "createdAt": "2026-07-01T10:00:00Z"}]}))]
pub struct CredentialList {
    /// The credentials.
    pub items: Vec<CredentialSummary>,
}

/// `GET /credentials/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"id": "urn:uuid:0b5c6f4e-8f0e-4d55-9d0c-3c1f0e7a2b11", "status": "revoked", "kind": "vc", "createdAt": "2026-07-01T10:00:00Z", "verifiableCredential": {"type": ["VerifiableCredential"]}}))]
pub struct CredentialRecord {
    /// The credential's id.
    pub id: String,
    /// `active`, `suspended` or `revoked`.
    pub status: String,
    /// `edc` or `vc`.
    pub kind: String,
    /// When it was issued (RFC 3339).
    pub created_at: String,
    /// The signed credential.
    #[schema(value_type = Object)]
    pub verifiable_credential: Value,
}

/// Outcome of one batch row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RowStatus {
    /// Issued (now, or by an earlier request under the same key).
    Issued,
    /// Not issued; `errors` say why.
    Rejected,
}

/// Result of one batch row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RowResult {
    /// Row number (0-based).
    pub row: usize,
    /// `issued` or `rejected`.
    pub status: RowStatus,
    /// Issued credential id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<String>,
    /// Why rejected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The share link of a credential issued by this call (a bearer secret): for the staff
    /// console's cohort results only, never serialised (not in the API response, nor in the
    /// response stored under the `Idempotency-Key`).
    #[serde(skip)]
    pub share_url: Option<String>,
}

/// `POST /awards/batch` → 200: per-row results, in row order (a retry with the same
/// `Idempotency-Key` and body gets the same answer and issues nothing twice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "idempotencyKey": "cohort-2026-07",
    "issued": 1,
    "rejected": 1,
    "results": [
        {"row": 0, "status": "issued", "credentialId": "urn:uuid:0b5c6f4e-8f0e-4d55-9d0c-3c1f0e7a2b11"},
        {"row": 1, "status": "rejected", "errors": [{"path": "learner.givenName", "rule": "award.required", "message": "`givenName` is required"}]}
    ]
}))]
pub struct BatchResponse {
    /// The request's `Idempotency-Key`.
    pub idempotency_key: String,
    /// Rows issued.
    pub issued: usize,
    /// Rows rejected.
    pub rejected: usize,
    /// One result per row.
    pub results: Vec<RowResult>,
}

/// One version of a learning opportunity specification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "ml-basics", "version": 2, "specification": {"title": {"en": "Machine learning basics"}}}))]
pub struct SpecificationVersion {
    /// The specification's id.
    pub id: String,
    /// Its version (1, 2, ...).
    pub version: i64,
    /// The `learningOpportunity` part of the award format.
    #[schema(value_type = Object)]
    pub specification: Value,
}

/// Specifications (every version).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SpecificationList {
    /// The versions, oldest first per id.
    pub items: Vec<SpecificationVersion>,
}

/// One version of a programme specification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "enhance-sustainability", "version": 1, "programme": {"leadUniversity": "tudelft"}}))]
pub struct ProgrammeVersion {
    /// The programme's id.
    pub id: String,
    /// Its version.
    pub version: i64,
    /// The programme specification (`elm_model::programme::ProgrammeSpec`): leadUniversity,
    /// certificateProfile, learningOpportunity (type programme, units with university and
    /// component obligatory|elective), rules {minElectiveUnits, minElectiveEcts, minTotalEcts},
    /// primaryLanguage; example: `examples/stack/programme.json`.
    #[schema(value_type = Object)]
    pub programme: Value,
}

/// `POST /programmes/{id}/certificates` (documentation of the body; read by
/// [`crate::domain::programme::parse_request`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "units": [
        {"confirmedBy": "coordinator", "specificationId": "unit-1", "grade": "5.5"}
    ],
    "learner": {"givenName": "Ada", "familyName": "Lovelace"},
    "grade": "Passed"
}))]
pub struct CertificateRequestBody {
    /// Unit credentials (EDC JSON-LD object, JAdES JWS JSON, or VC-JWT string), or a
    /// coordinator's confirmation `{confirmedBy: "coordinator", specificationId, grade?,
    /// period?: {start, end?}}` (audit-logged).
    #[schema(value_type = Vec<Object>, min_items = 1)]
    pub units: Vec<Value>,
    /// The learner (award format); default: as named by the first unit credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub learner: Option<Value>,
    /// The programme's overall grade; default `Passed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
}

impl FromJson for crate::domain::programme::CertificateRequest {
    fn from_json(body: Value) -> Result<Self, DomainError> {
        crate::domain::programme::parse_request(&body).map_err(DomainError::Validation)
    }
}

/// A role of a staff API token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RoleName {
    /// Issue credentials.
    Issue,
    /// Revoke and suspend credentials.
    Revoke,
    /// Manage the university's tokens.
    Admin,
}

impl From<Role> for RoleName {
    fn from(r: Role) -> Self {
        match r {
            Role::Issue => RoleName::Issue,
            Role::Revoke => RoleName::Revoke,
            Role::Admin => RoleName::Admin,
        }
    }
}

impl From<RoleName> for Role {
    fn from(r: RoleName) -> Self {
        match r {
            RoleName::Issue => Role::Issue,
            RoleName::Revoke => Role::Revoke,
            RoleName::Admin => Role::Admin,
        }
    }
}

/// `POST /admin/tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"roles": ["issue", "revoke"], "label": "registrar's office"}))]
pub struct TokenRequest {
    /// The roles (at least one).
    #[schema(min_items = 1)]
    pub roles: Vec<RoleName>,
    /// What the token is for (1 to 200 characters, no control characters).
    #[schema(min_length = 1, max_length = 200)]
    pub label: String,
}

impl FromJson for TokenRequest {
    fn from_json(body: Value) -> Result<Self, DomainError> {
        let mut errors = Vec::new();
        let roles = parse_requested_roles(body.get("roles")).unwrap_or_else(|e| {
            errors.extend(e);
            Vec::new()
        });
        let label = check_label(body.get("label")).unwrap_or_else(|e| {
            errors.push(e);
            String::new()
        });
        if !errors.is_empty() {
            return Err(DomainError::Validation(errors));
        }
        Ok(Self {
            roles: roles.into_iter().map(RoleName::from).collect(),
            label,
        })
    }
}

/// `POST /admin/tokens` → 201; `token` is the bearer secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"id": "5f0c2d7e-3b1a-4f6e-9c8d-2a1b0c9d8e7f", "university": "eth", "roles": ["issue"], "label": "registrar's office", "createdAt": "2026-07-01T10:00:00Z", "token": "ek_8GQy1vX0p3Jr5Tn7Ls2Wd4Hf6Kb9Mc0Za1Qe3Ru5Io"}))]
pub struct NewToken {
    /// The token's id (not the secret).
    pub id: String,
    /// Its university.
    pub university: String,
    /// Its roles.
    pub roles: Vec<RoleName>,
    /// Its label.
    pub label: String,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// The secret (`Authorization: Bearer <token>`); never shown again.
    pub token: String,
}

/// A staff API token without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenSummary {
    /// The token's id.
    pub id: String,
    /// Its roles.
    pub roles: Vec<RoleName>,
    /// Its label.
    pub label: String,
    /// When it was created.
    pub created_at: String,
    /// When it was revoked (`null` while it works).
    pub revoked_at: Option<String>,
}

/// `GET /admin/tokens`: live and revoked tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": [{"id": "5f0c2d7e-3b1a-4f6e-9c8d-2a1b0c9d8e7f", "roles": ["admin"], "label": "bootstrap", "createdAt": "2026-07-01T10:00:00Z", "revokedAt": null}]}))]
pub struct TokenList {
    /// The tokens.
    pub items: Vec<TokenSummary>,
}

/// An RFC 9457 problem (`application/problem+json`); validation problems (422) list every
/// finding with its JSON path and rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:enhance-credentials:problem:validation",
    "title": "Validation failed",
    "status": 422,
    "detail": "credential: `credential` is required (vc-api.required)",
    "errors": [{"path": "credential", "rule": "vc-api.required", "message": "`credential` is required"}]
}))]
pub struct Problem {
    /// `urn:enhance-credentials:problem:<slug>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the problem type.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// This occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Field findings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// 422 of `POST /programmes/{id}/certificates` when the units do not stack (or could not be
/// checked): the stack report says why, unit by unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "type": "urn:enhance-credentials:problem:does-not-stack",
    "title": "The unit credentials do not stack towards the programme",
    "status": 422,
    "detail": "obligatory unit `unit-2` is missing",
    "stackReport": {"stacks": false, "problems": ["obligatory unit `unit-2` is missing"]}
}))]
pub struct DoesNotStackProblem {
    /// `urn:enhance-credentials:problem:does-not-stack`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Summary.
    pub title: String,
    /// 422.
    pub status: u16,
    /// The report's problems, joined.
    pub detail: String,
    /// `verifier::stack::StackReport`.
    #[schema(value_type = Object)]
    pub stack_report: Value,
}

impl DoesNotStackProblem {
    /// The problem of `report`.
    pub fn of(report: &verifier::stack::StackReport) -> Self {
        Self {
            kind: "urn:enhance-credentials:problem:does-not-stack".into(),
            title: "The unit credentials do not stack towards the programme".into(),
            status: 422,
            detail: report.problems.join("; "),
            stack_report: serde_json::to_value(report).unwrap_or(Value::Null),
        }
    }
}

/// The 422 problems of `POST /programmes/{id}/certificates`: a validation problem, or the units do
/// not stack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum CertificateProblem {
    /// The units do not stack (`stackReport`).
    DoesNotStack(DoesNotStackProblem),
    /// A validation problem (`errors`).
    Validation(Problem),
}

/// Reads an example into its type (`serde_json::from_value`).
pub type ExampleCheck = fn(Value) -> Result<(), String>;

/// Reads an example through [`FromJson`].
pub type ExampleRead = fn(Value) -> Result<(), DomainError>;

/// Each schema of this module that carries an example, with a check that the example reads
/// back into its type (`serde_json::from_value`); the OpenAPI test runs every one and fails on
/// an example of a schema missing here.
pub fn example_checks() -> Vec<(&'static str, ExampleCheck)> {
    fn check<T: serde::de::DeserializeOwned>(v: Value) -> Result<(), String> {
        serde_json::from_value::<T>(v)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
    let mut all: Vec<(&'static str, ExampleCheck)> = vec![
        ("Health", check::<Health>),
        ("IssueRequest", check::<IssueRequest>),
        ("IssueResponse", check::<IssueResponse>),
        ("StatusRequest", check::<StatusRequest>),
        ("StatusResponse", check::<StatusResponse>),
        ("AwardRequest", check::<AwardRequest>),
        ("NotifyRequest", check::<NotifyRequest>),
        ("IssuedCredential", check::<IssuedCredential>),
        ("CredentialList", check::<CredentialList>),
        ("CredentialRecord", check::<CredentialRecord>),
        ("BatchResponse", check::<BatchResponse>),
        ("SpecificationVersion", check::<SpecificationVersion>),
        ("ProgrammeVersion", check::<ProgrammeVersion>),
        ("CertificateRequestBody", check::<CertificateRequestBody>),
        ("TokenRequest", check::<TokenRequest>),
        ("NewToken", check::<NewToken>),
        ("TokenList", check::<TokenList>),
        ("Problem", check::<Problem>),
        ("DoesNotStackProblem", check::<DoesNotStackProblem>),
    ];
    all.extend(crate::oid4vci::offers::api::example_checks());
    all
}

/// The examples go through [`FromJson`] too (the path the service reads them by), where a type
/// has one.
pub fn example_requests() -> Vec<(&'static str, ExampleRead)> {
    fn read<T: FromJson>(v: Value) -> Result<(), DomainError> {
        T::from_json(v).map(|_| ())
    }
    let mut all: Vec<(&'static str, ExampleRead)> = vec![
        ("IssueRequest", read::<IssueRequest>),
        ("StatusRequest", read::<StatusRequest>),
        ("AwardRequest", read::<AwardRequest>),
        ("TokenRequest", read::<TokenRequest>),
    ];
    all.extend(crate::oid4vci::offers::api::example_requests());
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn status_request_findings_name_the_field() {
        let e = StatusRequest::from_json(json!({"credentialId": "x", "credentialStatus": [{"status": "revoked"}, {"status": "gone"}]}))
            .unwrap_err();
        let DomainError::Validation(f) = e else {
            panic!("{e:?}")
        };
        assert_eq!(f[0].path, "credentialStatus[1].status");
        assert_eq!(f[0].rule, "vc-api.status");
        let one = StatusRequest::from_json(
            json!({"credentialId": "x", "credentialStatus": {"status": "unsuspended"}}),
        )
        .unwrap();
        assert_eq!(
            one.credential_status[0].status.change(),
            (StatusPurpose::Suspension, false)
        );
    }

    #[test]
    fn issue_options_default_to_one_revocation_entry() {
        let r = IssueRequest::from_json(json!({"credential": {}})).unwrap();
        assert_eq!(
            r.options.purposes().unwrap(),
            vec![StatusPurpose::Revocation]
        );
        let r = IssueRequest::from_json(
            json!({"credential": {}, "options": {"credentialStatus": false}}),
        )
        .unwrap();
        assert!(r.options.purposes().unwrap().is_empty());
        let r = IssueRequest::from_json(json!({"credential": {}, "options": {"credentialStatus": [{"statusPurpose": "suspension"}, {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}]}}))
            .unwrap();
        assert_eq!(
            r.options.purposes().unwrap(),
            vec![StatusPurpose::Suspension, StatusPurpose::Revocation]
        );
        let r = IssueRequest::from_json(json!({"credential": {}, "options": {"credentialStatus": [{"statusPurpose": "refresh"}]}}))
            .unwrap();
        assert!(r.options.purposes().is_err());
        assert!(matches!(
            IssueRequest::from_json(json!({"credential": {}, "options": {"credentialStatus": 5}})),
            Err(DomainError::Validation(_))
        ));
        assert!(matches!(
            IssueRequest::from_json(json!({"options": {}})),
            Err(DomainError::Validation(_))
        ));
    }

    #[test]
    fn award_request_bare_or_enveloped() {
        let bare = AwardRequest::from_json(json!({"awardingUniversity": "eth"})).unwrap();
        assert_eq!(bare.award, json!({"awardingUniversity": "eth"}));
        let env = AwardRequest::from_json(
            json!({"award": {"a": 1}, "images": {"en": "AA=="}, "renderImages": true}),
        )
        .unwrap();
        assert_eq!(env.images.get("en").map(String::as_str), Some("AA=="));
        assert_eq!(env.render_images, Some(true));
        let DomainError::Validation(f) =
            AwardRequest::from_json(json!({"award": {}, "renderImages": "yes"})).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(f[0].path, "renderImages");
    }
}
