//! The OpenAPI 3.1 document of the verification service (`GET /openapi.json`), generated with
//! `utoipa` from the handlers' `#[utoipa::path]` attributes and the report types
//! ([`crate::report::Report`]); the request bodies of W3C VC-API `POST /credentials/verify`
//! (VC-API §3.3.1), `POST /presentations/verify` (§3.3.2) and `POST /stack` are described by the types here (the handlers read them with
//! their own parsers, which name the field of each problem).
//!
//! The service's router is not built from this document: the test `tests/openapi.rs` compares the
//! two (the router's paths, and every method on them) so a route cannot go undocumented.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{OpenApi, ToSchema};

use crate::presentation::PresentationReport;
use crate::report::{CheckKind, Report};

/// VC-API `POST /credentials/verify` (§3.3.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "verifiableCredential": "eyJhbGciOiJFZERTQSIsInR5cCI6InZjK2p3dCJ9.eyJpc3MiOiJkaWQ6d2ViOmlzc3Vlci5leGFtcGxlIn0.c2ln",
    "options": {"checks": ["proof", "revocation"]}
}))]
pub struct VerifyRequest {
    /// A JSON-LD credential with Data Integrity proof(s), a JAdES-sealed EDC (JWS JSON
    /// serialisation), a compact VC-JWT string, or an SD-JWT VC string
    /// (`<JWT>~<Disclosure>~...~[<KB-JWT>]`, typ `dc+sd-jwt`; its disclosed claims are in the
    /// report's `disclosed`).
    #[schema(value_type = Object)]
    pub verifiable_credential: Value,
    /// Options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<VerifyOptions>,
}

/// Options of a verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VerifyOptions {
    /// The checks to run. Default: all, with `trust` and `awarding-body` reported but not counted
    /// in the verdict (marked `advisory`; ADR 0004); named here, they count. This service's names, or the VC-API names
    /// `credentialStatus` / `status` (revocation), `expiration` / `expirationDate` / `validUntil`
    /// / `validFrom` / `issuanceDate` / `validityPeriod` (expiry); `proof` is both
    /// (`CheckKind::parse_option`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<String>>)]
    pub checks: Option<Vec<CheckKind>>,
    /// SD-JWT VC only: the `nonce` its Key Binding JWT must carry. With `challenge` or
    /// `domain` a Key Binding JWT is required; without, one presented is still checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<String>,
    /// SD-JWT VC only: the `aud` its Key Binding JWT must carry (this verifier's identifier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
}

/// VC-API `POST /presentations/verify` (§3.3.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "verifiablePresentation": {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "verifiableCredential": [{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}],
        "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "authentication", "challenge": "c-123", "domain": "verifier.example"}
    },
    "options": {"challenge": "c-123", "domain": "verifier.example", "checks": ["proof", "revocation"]}
}))]
pub struct VerifyPresentationRequest {
    /// A JSON-LD presentation (VC 1.1 or 2.0) with Data Integrity proof(s) of purpose
    /// `authentication`; each `verifiableCredential` item is a credential object, an
    /// `EnvelopedVerifiableCredential` (`data:application/vc+jwt,...`) or a VC-JWT string.
    #[schema(value_type = Object)]
    pub verifiable_presentation: Value,
    /// Options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<VerifyPresentationOptions>,
}

/// Options of a presentation verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerifyPresentationOptions {
    /// The challenge every proof must carry (not checked when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<String>,
    /// The domain (a string) or domains (an array) every proof's `domain` must include.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub domain: Option<Value>,
    /// The checks to run on the presentation and its credentials (default: all, with `trust` and
    /// `awarding-body` reported but not counted in the verdict: ADR 0004).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checks: Option<Vec<CheckKind>>,
    /// Accept a presentation without a proof (default `false`: refused with `missing-proof`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_unsigned: Option<bool>,
}

/// `POST /stack`: do these unit credentials add up to the programme?
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "programme": {"leadUniversity": "tudelft"},
    "units": ["eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6d2ViOmV0aCJ9.c2ln"],
    "knownProgrammes": ["enhance-sustainability"]
}))]
pub struct StackRequest {
    /// A programme specification (`examples/stack/programme.json`) or a programme credential.
    #[schema(value_type = Object)]
    pub programme: Value,
    /// Unit credentials: JSON-LD with a Data Integrity proof, a JAdES (JWS JSON) object or a
    /// VC-JWT string.
    #[schema(value_type = Vec<Object>, min_items = 1)]
    pub units: Vec<Value>,
    /// The reference learner (`fullName`, `dateOfBirth`, ...); default: the first unit's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub learner: Option<Value>,
    /// Ids of programmes a unit may already have been counted towards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known_programmes: Option<Vec<String>>,
}

/// The stack report (`verifier::stack::StackReport`): verdict (`stacks`, `does-not-stack`,
/// `indeterminate`), the programme, the learner check, one entry per unit, the elective and
/// credit rules, and every problem in words. A recommendation, not a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"verdict": "does-not-stack", "stacks": false, "problems": ["obligatory unit `unit-2` is missing"]}))]
pub struct StackReportDoc {
    /// `stacks`, `does-not-stack` or `indeterminate`.
    pub verdict: String,
    /// `verdict == stacks`.
    pub stacks: bool,
    /// Every reason the set does not stack (or is indeterminate).
    #[serde(default)]
    pub problems: Vec<String>,
}

/// An RFC 9457 problem (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"type": "urn:enhance-credentials:problem:bad-request", "title": "Malformed request", "status": 400, "detail": "verifiableCredential is required"}))]
pub struct Problem {
    /// `urn:enhance-credentials:problem:<slug>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Summary of the problem type.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// This occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The upload form (`multipart/form-data`): a file or pasted text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UploadForm {
    /// The credential file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Binary)]
    pub file: Option<String>,
    /// The credential, pasted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// An OAuth error response (RFC 6749 §5.2) of the OpenID4VP response endpoint (OpenID4VP 1.0
/// §8.2), with this service's machine-readable `code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"error": "invalid_request", "error_description": "replayed response: this request was already answered", "code": "replayed-response"}))]
pub struct OAuthError {
    /// `invalid_request`.
    pub error: String,
    /// Why, naming the field and the rule.
    pub error_description: String,
    /// `replayed-response`, `expired-request`, `state-mismatch`, `unknown-request`,
    /// `invalid-response` or `invalid-jwe`.
    pub code: String,
}

/// `/healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    /// `ok`.
    pub status: String,
}

/// Liveness (the service kit's `/healthz`).
#[utoipa::path(get, path = "/healthz", tag = "service",
    responses((status = 200, description = "Running", body = Health)))]
#[allow(dead_code)] // documentation only: the route is `service_kit::health::routes`
fn healthz() {}

/// The upload page (a redirect).
#[utoipa::path(get, path = "/", tag = "pages",
    responses((status = 303, description = "See /upload", headers(("Location" = String, description = "upload")))))]
#[allow(dead_code)] // documentation only: the route is a closure in `super::router`
fn root() {}

/// The document's fixed parts and its paths.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "ENHANCE credential verifier",
        description = "Verifies ENHANCE / European Digital Credentials (JSON-LD with Data \
                       Integrity proofs, JAdES-sealed EDC, VC-JWT): W3C VC-API verify, the \
                       employer's verification page, an upload page and the stackability check. \
                       Errors are RFC 9457 problem details."
    ),
    paths(
        super::vc_verify,
        super::presentations::verify_presentation,
        super::stack,
        super::verify_link,
        super::upload_form,
        super::upload,
        super::openapi,
        healthz,
        root,
        super::oid4vp_api::create,
        super::oid4vp_api::request_object,
        super::oid4vp_api::qr,
        super::oid4vp_response::response,
        super::oid4vp_response::result,
        super::oid4vp_pages::ask_form,
        super::oid4vp_pages::ask_submit,
        super::oid4vp_pages::stack_form,
        super::oid4vp_pages::stack_submit,
        super::oid4vp_pages::request_page,
        super::oid4vp_pages::request_state,
        super::oid4vp_pages::poll_script
    ),
    components(schemas(Report, PresentationReport, Problem, StackReportDoc, OAuthError)),
    tags(
        (name = "vc-api", description = "W3C VC-API verify"),
        (name = "pages", description = "The employer's verification page, the upload page, and the wallet-request pages of employers and recognition offices (issue #17, docs/OID4VP.md)"),
        (name = "stack", description = "Stackability of unit credentials"),
        (name = "service", description = "Health and this document"),
        (name = "oid4vp", description = "OpenID4VP 1.0 presentation requests, wallet responses and results. \
            Webhook: a request created with `webhook_url` (https) gets its result POSTed there as \
            the result JSON, signed per Standard Webhooks: headers `webhook-id` (the same for \
            every retry), `webhook-timestamp` (Unix seconds) and `webhook-signature: \
            v1,<base64 HMAC-SHA256(oid4vp.webhook_secret, id + '.' + timestamp + '.' + body)>`; \
            any 2xx acknowledges it, network errors, 408, 429 and 5xx are retried (4 attempts, \
            1 s, 2 s, 4 s apart); the host must resolve to public addresses only.")
    )
)]
pub struct ApiDoc;

/// The generated document.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// Reads an example into its type.
pub type ExampleCheck = fn(Value) -> Result<(), String>;

/// Each schema with an example, with a check that the example reads back into its type.
pub fn example_checks() -> Vec<(&'static str, ExampleCheck)> {
    fn check<T: serde::de::DeserializeOwned>(v: Value) -> Result<(), String> {
        serde_json::from_value::<T>(v)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
    vec![
        ("VerifyRequest", check::<VerifyRequest>),
        (
            "VerifyPresentationRequest",
            check::<VerifyPresentationRequest>,
        ),
        ("StackRequest", check::<StackRequest>),
        ("StackReportDoc", check::<StackReportDoc>),
        ("Problem", check::<Problem>),
        ("Health", check::<Health>),
        ("OAuthError", check::<OAuthError>),
        (
            "CreateRequestBody",
            check::<super::oid4vp_api::CreateRequestBody>,
        ),
    ]
}
