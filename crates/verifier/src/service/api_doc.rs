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
    /// serialisation), or a compact VC-JWT string.
    #[schema(value_type = Object)]
    pub verifiable_credential: Value,
    /// Options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<VerifyOptions>,
}

/// Options of a verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VerifyOptions {
    /// The checks to run (default: all): this service's names, or the VC-API names
    /// `credentialStatus` / `status` (revocation), `expiration` / `expirationDate` / `validUntil`
    /// / `validFrom` / `issuanceDate` / `validityPeriod` (expiry); `proof` is both
    /// (`CheckKind::parse_option`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<String>>)]
    pub checks: Option<Vec<CheckKind>>,
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
    /// The checks to run on the presentation and its credentials (default: all).
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
        root
    ),
    components(schemas(Report, PresentationReport, Problem, StackReportDoc)),
    tags(
        (name = "vc-api", description = "W3C VC-API verify"),
        (name = "pages", description = "The employer's verification page and the upload page"),
        (name = "stack", description = "Stackability of unit credentials"),
        (name = "service", description = "Health and this document")
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
    ]
}
