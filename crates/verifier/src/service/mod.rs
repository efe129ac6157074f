//! `verifier serve`: the verifier as an HTTP service (axum 0.8 + tokio). Thin handlers extract the
//! request, run [`crate::verify`] on the blocking pool (it may fetch did:web documents and status
//! lists with a blocking client), and answer with the report, a page, or one [`ApiError`]
//! (RFC 9457 problem JSON).
//!
//! Endpoints (the URL contract shared with the issuer and the browser tests):
//! - W3C VC-API `POST /credentials/verify` (§3.3.1 "Verify Credential"): body
//!   `{"verifiableCredential": <object | JAdES JWS-JSON object | VC-JWT string | SD-JWT VC string>,
//!   "options": {"checks": [..], "challenge"?, "domain"?}}` (challenge / domain: an SD-JWT VC's Key
//!   Binding JWT nonce / aud);
//!   200 + report when valid, 422 + report when invalid or indeterminate, 400 problem JSON for a
//!   malformed request, 413 over `max_body_bytes`; without `options.checks`, `trust` and
//!   `awarding-body` are reported as advisory and do not decide the verdict (ADR 0004: the pages
//!   and the CLI keep them as checks);
//! - W3C VC-API `POST /presentations/verify` (§3.3.2, [`crate::presentation`]): body
//!   `{"verifiablePresentation": {...}, "options": {"challenge", "domain", "checks", "allowUnsigned"}}`;
//!   200 + presentation report when valid, 422 + report otherwise (each reason a problem code),
//!   400 problem JSON for a malformed request;
//! - `GET /verify?credential=URL`: fetches the credential (guarded fetch, same network policy as the
//!   checks) and answers with the employer's verification page, or the report JSON when `Accept`
//!   prefers `application/json`;
//! - `GET /upload`, `POST /upload` (multipart/form-data: `file` or `credential`): the upload page and
//!   the verification page of what was uploaded;
//! - `POST /stack` (issue #6): `{"programme", "units": [...], "learner"?, "knownProgrammes"?}` →
//!   the stackability report of [`crate::stack`], 200 when the units stack, 422 when not or
//!   undecided, 400 for a malformed request;
//! - OpenID4VP (issue #17, docs/OID4VP.md): `POST /oid4vp/requests` (the relying-party API,
//!   `oid4vp_api`), `GET /oid4vp/requests/{id}/request.jwt` and `…/qr.svg`, rate-limited;
//!   `POST /oid4vp/responses/{id}` (the wallet's
//!   `direct_post` / `direct_post.jwt` response, [`oid4vp_response`], rate-limited) and
//!   `GET /oid4vp/requests/{id}/result`;
//! - issue #17, the wallet-request pages (`oid4vp_pages.rs`, docs/OID4VP.md "Pages"): `GET`/`POST
//!   /ask-wallet` (employers), `GET`/`POST /stack-from-wallet` (recognition offices),
//!   `GET /wallet-request?id&key` (QR code, waiting, verdict), its `/state` and `.js`;
//! - `GET /healthz`, `GET /openapi.json` (OpenAPI 3.1), `GET /` (redirects to the upload page).
//!
//! Logs carry the route template, method, status and latency only: never a query string (share
//! links are bearer secrets), a credential or a report.

pub mod api_doc; // the generated OpenAPI document
pub mod config;
pub mod error;
pub mod memory;
mod oid4vp_api; // issue #17: OpenID4VP requests (relying-party API, request_uri)
mod oid4vp_pages; // issue #17: the employer's and recognition office's wallet pages
mod oid4vp_response; // issue #17: the wallet's direct_post response, results
pub mod outcome;
pub mod pages;
mod presentations; // POST /presentations/verify

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Multipart, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::Semaphore;

pub use config::{LogFormat, ServiceConfig};
pub use error::ApiError;

use crate::clock::{Clock, SystemClock};
use crate::fetch::Fetcher;
use crate::policy::{NetworkPolicy, Policy};
use crate::registry::{RegistryError, TrustRegistry};
use crate::report::{CheckKind, Report, Verdict};
use crate::stack::{Programme, StackOptions};
use outcome::Outcome;
use pages::Source;

/// The OpenAPI 3.1 description of the service ([`api_doc`]), serialised once.
static OPENAPI: std::sync::LazyLock<Result<String, String>> =
    std::sync::LazyLock::new(|| api_doc::document().to_json().map_err(|e| e.to_string()));

/// Why the service could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Configuration problem.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// The trust registry could not be loaded.
    #[error("trust registry: {0}")]
    Registry(#[from] RegistryError),
    /// Binding the socket or serving failed.
    #[error(transparent)]
    Listen(#[from] service_kit::lifecycle::ListenError),
}

/// Replacements for the production dependencies (tests fix the clock or build the registry).
#[derive(Clone, Default)]
pub struct Overrides {
    /// Clock (default: the system clock).
    pub clock: Option<Arc<dyn Clock>>,
    /// Trust registry (default: `trust_registry` of the configuration, else the demo registry).
    pub registry: Option<TrustRegistry>,
}

struct Inner {
    policy: Policy,
    clock: Arc<dyn Clock>,
    /// Credential fetches (share links): never cached.
    fetcher: Fetcher,
    /// Rules of credential fetches: the policy's, with the body limit as size cap.
    credential_network: NetworkPolicy,
    base_url: String,
    max_body_bytes: usize,
    permits: Semaphore,
    /// Estimated memory of the verifications in flight ([`memory`]).
    memory: memory::MemoryBudget,
    /// Per-client limit of the verification endpoints.
    rate_limit: service_kit::RateLimiter,
    /// Total read deadline of a request body.
    body_read_timeout: Duration,
    /// OpenID4VP requests and results (issue #17; per process, see docs/OID4VP.md).
    oid4vp_store: crate::oid4vp::store::RequestStore,
    /// OpenID4VP settings, or why `[oid4vp]` is unusable (`check` refuses to start then).
    oid4vp_settings: Result<crate::oid4vp::request::Oid4vpSettings, String>,
    /// Result webhooks: signing secret and delivery rules (`None`: no secret configured).
    oid4vp_webhook: Option<crate::oid4vp::webhook::WebhookPolicy>,
}

/// Shared state of the handlers.
#[derive(Clone)]
pub struct ServiceState {
    inner: Arc<Inner>,
}

impl ServiceState {
    /// State from `config`, trusting `registry`, with time from `clock`.
    pub fn new(config: &ServiceConfig, registry: TrustRegistry, clock: Arc<dyn Clock>) -> Self {
        let mut policy = Policy::new(registry).with_network(config.network());
        policy.status_list_ttl = config.status_list_ttl();
        policy.did_document_ttl = config.did_document_ttl();
        policy.verification_deadline = config.verification_deadline();
        policy.budget = config.budget();
        policy.max_credential_bytes = config.max_body_bytes;
        policy.awarding_body_must_be_signer = config.awarding_body_must_be_signer;
        policy.trusted_lists = config.trusted_lists.index();
        let mut credential_network = config.network();
        credential_network.max_response_bytes = config.max_body_bytes;
        let oid4vp_settings = config.oid4vp_settings().map_err(|e| e.to_string());
        if let Ok(s) = &oid4vp_settings {
            if !s.response_host_matches() {
                tracing::warn!(client = ?s.client, base_url = %s.base_url,
                    "oid4vp: the public URL's host is not the client certificate's DNS name; \
                     wallets that do not trust this client will refuse its requests (set public_url)");
            }
        }
        // `check` refuses an unreadable or short secret before the service starts.
        let oid4vp_webhook = config.oid4vp.webhook_secret().ok().flatten().map(|secret| {
            let mut w = crate::oid4vp::webhook::WebhookPolicy::new(secret, clock.clone());
            w.allow_loopback = config.allow_local_network;
            w
        });
        Self {
            inner: Arc::new(Inner {
                policy,
                clock,
                fetcher: Fetcher::default(),
                credential_network,
                base_url: config.base_url(),
                max_body_bytes: config.max_body_bytes,
                permits: Semaphore::new(config.max_concurrent_verifications),
                memory: memory::MemoryBudget::new(
                    config.memory_budget_mib.saturating_mul(1024 * 1024),
                    config.max_body_bytes as u64,
                ),
                rate_limit: service_kit::RateLimiter::new(config.rate_limit.clone()),
                body_read_timeout: Duration::from_secs(config.body_read_timeout_secs),
                oid4vp_store: crate::oid4vp::store::RequestStore::new(
                    config.oid4vp.max_pending,
                    config.oid4vp.result_retention(),
                ),
                oid4vp_settings,
                oid4vp_webhook,
            }),
        }
    }

    /// The verification policy in use.
    pub fn policy(&self) -> &Policy {
        &self.inner.policy
    }

    /// The current time (the injected clock).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.clock.now()
    }

    /// The delivery policy of result webhooks (`None`: no `oid4vp.webhook_secret_file`).
    pub(crate) fn oid4vp_webhook(&self) -> Option<crate::oid4vp::webhook::WebhookPolicy> {
        self.inner.oid4vp_webhook.clone()
    }

    /// The OpenID4VP requests and results of this process.
    pub fn oid4vp_store(&self) -> &crate::oid4vp::store::RequestStore {
        &self.inner.oid4vp_store
    }

    /// The OpenID4VP settings (500 when `[oid4vp]` is unusable: the service refuses to start
    /// then, so only a state built around `check` sees it).
    pub fn oid4vp_settings(&self) -> Result<&crate::oid4vp::request::Oid4vpSettings, ApiError> {
        self.inner
            .oid4vp_settings
            .as_ref()
            .map_err(|e| ApiError::internal(&format!("oid4vp settings: {e}")))
    }

    /// The per-client rate limiter of the public endpoints.
    pub fn rate_limiter(&self) -> service_kit::RateLimiter {
        self.inner.rate_limit.clone()
    }

    /// Runs `f` on the blocking pool, at most `max_concurrent_verifications` at a time.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Inner) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self
            .inner
            .permits
            .acquire()
            .await
            .map_err(|_| ApiError::internal("verification semaphore closed"))?;
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || f(&inner))
            .await
            .map_err(|e| ApiError::internal(&format!("verification task: {e}")))
    }

    /// The verification page's own URL for a credential URL.
    fn page_url(&self, credential_url: &str) -> String {
        let base = format!("{}/verify", self.inner.base_url);
        match reqwest::Url::parse(&base) {
            Ok(mut u) => {
                u.query_pairs_mut()
                    .append_pair("credential", credential_url);
                u.to_string()
            }
            Err(_) => base,
        }
    }
}

/// A strict JSON body within `max_body_bytes` (the service kit's; problem JSON otherwise).
pub use service_kit::body::JsonBody;

/// The router. Every response gets the security headers ([`service_kit::headers`]: CSP with
/// `frame-ancestors 'none'` on the pages, `nosniff`, `no-referrer`); request bodies have a total
/// read deadline (`body_read_timeout_secs`, 408); the verification endpoints, all public, a
/// per-client rate limit (`rate_limit`, 429 + `Retry-After`). The upload form, `/healthz` and
/// `/openapi.json` are static and not limited.
pub fn router(state: ServiceState) -> Router {
    let layers = service_kit::CommonLayers {
        body_limit: service_kit::BodyLimit {
            max_bytes: state.inner.max_body_bytes,
            setting: "max_body_bytes",
        },
        body_read_timeout: state.inner.body_read_timeout,
    };
    let limiter = state.inner.rate_limit.clone();
    let limited = Router::new()
        .route("/credentials/verify", axum::routing::post(vc_verify))
        .route("/presentations/verify", axum::routing::post(presentations::verify_presentation))
        .route("/stack", axum::routing::post(stack))
        .route("/verify", get(verify_link))
        .route("/upload", axum::routing::post(upload))
        .merge(oid4vp_response::limited_routes()) // the wallet's response (issue #17)
        // Inner layer (runs after the rate limit): the memory reservation of the body's verification.
        .route_layer(axum::middleware::from_fn_with_state(state.inner.memory.clone(), memory::reserve_for_body))
        .route_layer(axum::middleware::from_fn_with_state(limiter, service_kit::rate_limit::rate_limit));
    let router = Router::new()
        .route("/", get(|| async { Redirect::to("upload") }))
        .merge(service_kit::health::routes())
        .route("/openapi.json", get(openapi))
        .route("/upload", get(upload_form))
        .merge(limited)
        .merge(oid4vp_api::routes(&state))
        .merge(oid4vp_response::routes())
        .merge(oid4vp_pages::routes(&state))
        .fallback(|| async { ApiError::not_found() });
    service_kit::with_common_layers(router, layers).with_state(state)
}

/// This document (OpenAPI 3.1).
#[utoipa::path(get, path = "/openapi.json", tag = "service",
    responses((status = 200, description = "OpenAPI 3.1", body = Object, content_type = "application/json")))]
async fn openapi() -> Result<Response, ApiError> {
    let json = OPENAPI
        .as_ref()
        .map_err(|e| ApiError::internal(&format!("the OpenAPI document: {e}")))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json.clone()).into_response())
}

/// The report as JSON: 200 when valid, 422 otherwise (VC-API).
fn report_response(report: &Report) -> Response {
    outcome_response(report.verdict == Verdict::Valid, report)
}

/// An outcome as JSON, not cached: 200 when `passed`, 422 otherwise (VC-API).
fn outcome_response(passed: bool, body: &impl serde::Serialize) -> Response {
    let status = if passed {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut res = (status, Json(body)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// An HTML page, not cached (a verdict changes when a credential is revoked). The security
/// headers of every page (CSP without scripts and with the hashes of the page's styles,
/// `frame-ancestors 'none'`, no referrer: the page URL carries the share link) are added by
/// [`service_kit::headers::security_headers`] in [`router`].
fn html_response(status: StatusCode, body: String) -> Response {
    let mut res = (status, body).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Reads `options.checks` of a VC-API verify request (credentials and presentations): our check
/// names or the VC-API ones, at least one; `None` when absent.
fn parse_checks(value: Option<&Value>) -> Result<Option<Vec<CheckKind>>, ApiError> {
    let list = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(list)) => list,
        Some(_) => {
            return Err(ApiError::bad_request(
                "options.checks must be an array of check names",
            ))
        }
    };
    let mut kinds = Vec::new();
    for item in list {
        let name = item
            .as_str()
            .ok_or_else(|| ApiError::bad_request("options.checks: every entry must be a string"))?;
        let kind = CheckKind::parse_option(name).ok_or_else(|| {
            let vc_api: Vec<&str> = CheckKind::VC_API_NAMES.iter().map(|(n, _)| *n).collect();
            ApiError::bad_request(format!(
                "options.checks: unknown check {name:?} (expected: {}; or the VC-API names {})",
                CheckKind::ALL.map(CheckKind::name).join(", "),
                vc_api.join(", ")
            ))
        })?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    if kinds.is_empty() {
        return Err(ApiError::bad_request(
            "options.checks: name at least one check",
        ));
    }
    Ok(Some(kinds))
}

/// The Key Binding demands of a verify request's `options` for an SD-JWT VC (issue #16):
/// `challenge` is the nonce, `domain` the audience; either makes a Key Binding JWT required.
fn sd_jwt_options(body: &Value) -> Result<crate::sd_jwt_vc::SdJwtVcOptions, ApiError> {
    let options = body.get("options").and_then(Value::as_object);
    let read = |name: &str| match options.and_then(|o| o.get(name)) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::bad_request(format!(
            "options.{name} must be a string"
        ))),
    };
    let (nonce, aud) = (read("challenge")?, read("domain")?);
    Ok(crate::sd_jwt_vc::SdJwtVcOptions {
        require_key_binding: nonce.is_some() || aud.is_some(),
        nonce,
        aud,
    })
}

/// Reads a VC-API verify request: the credential and the selected checks.
fn parse_verify_request(body: Value) -> Result<(Value, Option<Vec<CheckKind>>), ApiError> {
    let Value::Object(mut o) = body else {
        return Err(ApiError::bad_request(
            "the body must be a JSON object with a `verifiableCredential` member",
        ));
    };
    let checks = match o.get("options") {
        None | Some(Value::Null) => None,
        Some(Value::Object(opts)) => parse_checks(opts.get("checks"))?,
        Some(_) => return Err(ApiError::bad_request("options must be a JSON object")),
    };
    match o.remove("verifiableCredential") {
        None | Some(Value::Null) => Err(ApiError::bad_request("verifiableCredential is required")),
        Some(v @ (Value::Object(_) | Value::String(_))) => Ok((v, checks)),
        Some(_) => Err(ApiError::bad_request(
            "verifiableCredential must be a credential object, a JAdES (JWS JSON) object, a VC-JWT or an SD-JWT VC string",
        )),
    }
}

/// Verify a credential (W3C VC-API §3.3.1).
#[utoipa::path(post, path = "/credentials/verify", tag = "vc-api",
    request_body = api_doc::VerifyRequest,
    responses(
        (status = 200, description = "Valid: every check that ran passed", body = Report),
        (status = 422, description = "Invalid (a check failed) or indeterminate (a check could not be performed; without options.checks the trust and awarding-body outcomes are reported as advisory and do not count, ADR 0004)", body = Report),
        (status = 400, description = "Malformed request (not JSON or a duplicate member name, verifiableCredential missing or of the wrong type, unknown check)", body = api_doc::Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body was not received within body_read_timeout_secs (the connection is closed)", body = api_doc::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body larger than max_body_bytes", body = api_doc::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Content-Type is not application/json or an application/*+json type", body = api_doc::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Per-client rate limit (rate_limit) reached; also on GET /verify, POST /upload and POST /stack", body = api_doc::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until a request is allowed again"))),
        (status = 503, description = "The memory budget of verifications in flight is exhausted; Retry-After says when to retry", body = api_doc::Problem, content_type = "application/problem+json")))]
async fn vc_verify(
    State(s): State<ServiceState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let sd_jwt = sd_jwt_options(&body)?;
    let (credential, checks) = parse_verify_request(body)?;
    let report = s
        .blocking(move |i| {
            let clock = i.clock.as_ref();
            // ADR 0004: without `options.checks`, trust and awarding body are reported, not
            // counted in `verified`; a caller that names them gets them as checks.
            let policy = match checks {
                Some(k) => i.policy.clone().with_checks(k),
                None => i.policy.clone().vc_api_default(),
            };
            match &credential {
                // issue #16: an SD-JWT VC, with the Key Binding demands of the options.
                Value::String(sd) if crate::sd_jwt_vc::looks_like_sd_jwt(sd.as_bytes()) => {
                    crate::sd_jwt_vc::verify_sd_jwt_vc(sd, &sd_jwt, &policy, clock)
                }
                _ => crate::verify_json(&credential, &policy, clock),
            }
        })
        .await?;
    Ok(report_response(&report))
}

/// The inputs of one stack check: the programme's bytes, each unit's bytes (as a file would hold
/// them) and the options.
type StackInputs = (Vec<u8>, Vec<Vec<u8>>, StackOptions);

/// Parses a `POST /stack` body: `{"programme": <programme specification or programme credential>,
/// "units": [<credential object | JAdES object | VC-JWT string>, ...], "learner"?: {...},
/// "knownProgrammes"?: [id, ...]}` into the check's inputs (each as the bytes a file would hold).
fn parse_stack_request(body: Value) -> Result<StackInputs, ApiError> {
    let Value::Object(mut o) = body else {
        return Err(ApiError::bad_request("the body must be a JSON object"));
    };
    let bytes_of = |v: &Value, field: &str| -> Result<Vec<u8>, ApiError> {
        match v {
            Value::String(s) => Ok(s.clone().into_bytes()),
            Value::Object(_) => {
                serde_json::to_vec(v).map_err(|e| ApiError::bad_request(format!("{field}: {e}")))
            }
            _ => Err(ApiError::bad_request(format!(
                "{field} must be a JSON object or a VC-JWT string"
            ))),
        }
    };
    let programme = match o.get("programme") {
        None | Some(Value::Null) => {
            return Err(ApiError::bad_request(
                "programme is required (a programme specification or a programme credential)",
            ))
        }
        Some(v) => bytes_of(v, "programme")?,
    };
    let units = match o.get("units") {
        Some(Value::Array(list)) if !list.is_empty() => list
            .iter()
            .enumerate()
            .map(|(i, v)| bytes_of(v, &format!("units[{i}]")))
            .collect::<Result<Vec<_>, _>>()?,
        _ => {
            return Err(ApiError::bad_request(
                "units is required: a non-empty array of unit credentials",
            ))
        }
    };
    let mut options = StackOptions::default();
    if let Some(l) = o.remove("learner").filter(|v| !v.is_null()) {
        options.learner = Some(
            serde_json::from_value(l)
                .map_err(|e| ApiError::bad_request(format!("learner: {e}")))?,
        );
    }
    if let Some(k) = o.remove("knownProgrammes").filter(|v| !v.is_null()) {
        options.known_programmes = serde_json::from_value(k).map_err(|e| {
            ApiError::bad_request(format!("knownProgrammes must be an array of strings: {e}"))
        })?;
    }
    Ok((programme, units, options))
}

/// Stackability: do these unit credentials add up to the programme?
///
/// A recommendation, not a decision: 200 when they stack, 422 with the report when they do not
/// or it could not be decided, 400 for a malformed request.
#[utoipa::path(post, path = "/stack", tag = "stack",
    request_body = api_doc::StackRequest,
    responses(
        (status = 200, description = "The units stack; the stack report", body = api_doc::StackReportDoc),
        (status = 422, description = "The units do not stack or it could not be decided; the stack report", body = api_doc::StackReportDoc),
        (status = 400, description = "Malformed request", body = api_doc::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body larger than max_body_bytes", body = api_doc::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Content-Type is not application/json or an application/*+json type", body = api_doc::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Per-client rate limit (rate_limit) reached", body = api_doc::Problem, content_type = "application/problem+json")))]
async fn stack(
    State(s): State<ServiceState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let (programme, units, options) = parse_stack_request(body)?;
    let programme = Programme::from_slice(&programme)
        .map_err(|e| ApiError::bad_request(format!("programme: {e}")))?;
    let report = s
        .blocking(move |i| {
            let refs: Vec<&[u8]> = units.iter().map(Vec::as_slice).collect();
            crate::check_stack_with(&programme, &refs, &options, &i.policy, i.clock.as_ref())
        })
        .await?;
    Ok(outcome_response(report.stacks, &report))
}

/// Whether `Accept` prefers JSON over HTML (`*/*`, no header or a tie: HTML).
pub fn prefers_json(accept: Option<&str>) -> bool {
    let Some(accept) = accept else { return false };
    let (mut json, mut html) = (0.0f32, 0.0f32);
    for (media, q) in service_kit::accept::media_ranges([accept]) {
        match media.as_str() {
            "application/json" | "application/ld+json" | "application/problem+json" => {
                json = json.max(q)
            }
            "text/html" | "application/xhtml+xml" => html = html.max(q),
            "*/*" | "text/*" if html == 0.0 => html = html.max(q * 0.99),
            _ => {}
        }
    }
    json > html
}

#[derive(Debug, Deserialize)]
struct VerifyQuery {
    credential: Option<String>,
}

/// The employer's verification page of a credential behind a URL (an issuer share link).
#[utoipa::path(get, path = "/verify", tag = "pages",
    params(("credential" = String, Query, description = "Absolute URL of the credential; fetched with Accept: application/ld+json, application/json")),
    responses(
        (status = 200, description = "The verification page (text/html, default), or the report when Accept prefers application/json and the verdict is valid", content(
            (String = "text/html"),
            (Report = "application/json"))),
        (status = 422, description = "Report (Accept: application/json) of an invalid or indeterminate credential, including one that could not be fetched", body = Report),
        (status = 400, description = "No credential parameter (HTML form page, or problem JSON)", body = api_doc::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Per-client rate limit (rate_limit) reached", body = api_doc::Problem, content_type = "application/problem+json")))]
async fn verify_link(
    State(s): State<ServiceState>,
    headers: HeaderMap,
    query: Result<Query<VerifyQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let wants_json = prefers_json(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()));
    let url = query
        .ok()
        .and_then(|Query(q)| q.credential)
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty());
    let Some(url) = url else {
        return Ok(if wants_json {
            ApiError::bad_request(
                "the query parameter `credential` (the credential's absolute URL) is required",
            )
            .into_response()
        } else {
            html_response(
                StatusCode::BAD_REQUEST,
                pages::link_page(Some("Enter the share link of the credential to check.")),
            )
        });
    };
    let page_url = s.page_url(&url);
    // The fetch (under the total fetch deadline) reserves its buffer; once the credential's size
    // is known, its verification reserves its own estimate ([`memory`]).
    let fetch_permit = s.inner.memory.reserve_fetch().await?;
    let fetch_url = url.clone();
    let fetched = s
        .blocking(move |i| {
            i.fetcher.get_uncached(
                &fetch_url,
                &i.credential_network,
                outcome::CREDENTIAL_ACCEPT,
            )
        })
        .await?;
    drop(fetch_permit);
    let _permit = match &fetched {
        Ok(bytes) => Some(
            s.inner
                .memory
                .reserve_verification(bytes.len() as u64)
                .await?,
        ),
        Err(_) => None,
    };
    s.blocking(move |i| {
        let o = match fetched {
            Ok(bytes) => outcome::from_bytes(&bytes, &i.policy, i.clock.as_ref()),
            Err(e) => {
                let why = format!("the credential could not be fetched: {e}");
                Outcome {
                    report: outcome::not_fetched(&why),
                    credential: None,
                    fetch_error: Some(why),
                    checked_at: i.clock.now(),
                }
            }
        };
        if wants_json {
            report_response(&o.report)
        } else {
            html_response(
                StatusCode::OK,
                pages::verification_page(&o, Source::Url(&url), &page_url),
            )
        }
    })
    .await
}

/// The upload page (file input `file`, paste area `credential`).
#[utoipa::path(get, path = "/upload", tag = "pages",
    responses((status = 200, description = "Upload page", body = String, content_type = "text/html")))]
async fn upload_form() -> Response {
    html_response(StatusCode::OK, pages::upload_page(None))
}

/// What an upload form carried.
#[derive(Default)]
struct Upload {
    file: Option<Bytes>,
    pasted: Option<String>,
}

async fn read_upload(multipart: &mut Multipart) -> Result<Upload, (StatusCode, String)> {
    let mut up = Upload::default();
    let fail = |e: axum::extract::multipart::MultipartError| {
        let status = e.status();
        let text = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "The credential is larger than this service accepts.".to_string()
        } else {
            format!("The form could not be read: {}", e.body_text())
        };
        (status, text)
    };
    while let Some(field) = multipart.next_field().await.map_err(fail)? {
        match field.name() {
            Some("file") => up.file = Some(field.bytes().await.map_err(fail)?),
            Some("credential") => up.pasted = Some(field.text().await.map_err(fail)?),
            _ => {
                // Unknown fields are read and ignored.
                field.bytes().await.map_err(fail)?;
            }
        }
    }
    Ok(up)
}

/// Verify an uploaded or pasted credential.
#[utoipa::path(post, path = "/upload", tag = "pages",
    request_body(content = api_doc::UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The verification page", body = String, content_type = "text/html"),
        (status = 400, description = "Neither a file nor pasted text, or not multipart/form-data (upload page with the error)", body = String, content_type = "text/html"),
        (status = 413, description = "Larger than max_body_bytes", body = String, content_type = "text/html"),
        (status = 429, description = "Per-client rate limit (rate_limit) reached", body = api_doc::Problem, content_type = "application/problem+json")))]
async fn upload(
    State(s): State<ServiceState>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let mut multipart = match multipart {
        Ok(m) => m,
        Err(e) => {
            let msg = format!("Send the form as multipart/form-data ({}).", e.body_text());
            return Ok(html_response(
                StatusCode::BAD_REQUEST,
                pages::upload_page(Some(&msg)),
            ));
        }
    };
    let up = match read_upload(&mut multipart).await {
        Ok(u) => u,
        Err((status, msg)) => return Ok(html_response(status, pages::upload_page(Some(&msg)))),
    };
    let bytes: Vec<u8> = match (
        up.file.filter(|b| !b.trim_ascii().is_empty()),
        up.pasted.filter(|t| !t.trim().is_empty()),
    ) {
        (Some(f), _) => f.to_vec(),
        (None, Some(t)) => t.into_bytes(),
        (None, None) => {
            return Ok(html_response(
                StatusCode::BAD_REQUEST,
                pages::upload_page(Some(
                    "Choose a credential file or paste the credential, then check it.",
                )),
            ))
        }
    };
    let page_url = format!("{}/upload", s.inner.base_url);
    s.blocking(move |i| {
        let o: Outcome = outcome::from_bytes(&bytes, &i.policy, i.clock.as_ref());
        html_response(
            StatusCode::OK,
            pages::verification_page(&o, Source::Upload, &page_url),
        )
    })
    .await
}

/// A started service.
pub struct RunningService {
    /// The bound address (port 0 resolved).
    pub addr: SocketAddr,
    running: service_kit::Running,
}

impl RunningService {
    /// `http://<addr>`.
    pub fn url(&self) -> String {
        self.running.url()
    }

    /// Triggers graceful shutdown and waits for it.
    pub async fn shutdown(self) -> Result<(), ServeError> {
        Ok(self.running.shutdown().await?)
    }
}

/// Initialises structured logging (JSON lines by default); a no-op if already initialised.
pub use service_kit::init_logging;

/// The handler state from `config` and `overrides` (loads the trust registry).
pub fn build_state(
    config: &ServiceConfig,
    overrides: &Overrides,
) -> Result<ServiceState, ServeError> {
    config.check()?;
    let registry = match (&overrides.registry, &config.trust_registry) {
        (Some(r), _) => r.clone(),
        (None, Some(path)) => TrustRegistry::load(path)?,
        (None, None) => TrustRegistry::demo()?,
    };
    let clock: Arc<dyn Clock> = overrides
        .clock
        .clone()
        .unwrap_or_else(|| Arc::new(SystemClock));
    Ok(ServiceState::new(config, registry, clock))
}

/// Starts the service in the background and returns once it listens. With port 0 and an empty
/// `public_url`, the page URLs use the bound address.
pub async fn start(
    mut config: ServiceConfig,
    overrides: Overrides,
) -> Result<RunningService, ServeError> {
    let (listener, addr) = service_kit::lifecycle::bind(config.bind).await?;
    config.bind = addr;
    let state = build_state(&config, &overrides)?;
    // issue #17: expired OpenID4VP requests and results past their retention time are deleted.
    tokio::spawn(oid4vp_response::purge_task(state.clone()));
    let options = service_kit::ServeOptions {
        header_read_timeout: Some(Duration::from_secs(config.header_read_timeout_secs)),
    };
    let stop = service_kit::StopOptions {
        grace: Duration::from_secs(config.shutdown_grace_secs),
    };
    let running =
        service_kit::lifecycle::start(listener, router(state), options, stop, || {}, async {})?;
    tracing::info!(%addr, "verifier service listening");
    Ok(RunningService { addr, running })
}

/// `verifier serve`: starts the service and runs it until SIGTERM or SIGINT, then shuts down
/// gracefully (in-flight requests finish, up to `shutdown_grace_secs`).
pub async fn serve(config: ServiceConfig) -> Result<(), ServeError> {
    init_logging(config.log_format);
    let server = start(config, Overrides::default()).await?;
    service_kit::lifecycle::shutdown_signal().await;
    tracing::info!("shutdown signal received; finishing in-flight requests");
    server.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accept_negotiation() {
        assert!(!prefers_json(None));
        assert!(!prefers_json(Some("*/*")));
        assert!(prefers_json(Some("application/json")));
        assert!(prefers_json(Some("application/json, */*;q=0.1")));
        assert!(!prefers_json(Some(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        )));
        assert!(!prefers_json(Some("text/html, application/json;q=0.9")));
        assert!(prefers_json(Some("text/html;q=0.5, application/json")));
        assert!(!prefers_json(Some("application/json;q=0, text/html")));
    }

    #[test]
    fn verify_requests_name_the_field() {
        let e = parse_verify_request(json!([])).unwrap_err();
        assert!(e.detail.contains("JSON object"));
        let e = parse_verify_request(json!({"credential": {}})).unwrap_err();
        assert_eq!(e.detail, "verifiableCredential is required");
        let e = parse_verify_request(json!({"verifiableCredential": 42})).unwrap_err();
        assert!(e.detail.starts_with("verifiableCredential must be"));
        let e = parse_verify_request(
            json!({"verifiableCredential": {}, "options": {"checks": ["proof", "nope"]}}),
        )
        .unwrap_err();
        assert!(e.detail.contains("unknown check \"nope\""), "{}", e.detail);
        let (_, checks) = parse_verify_request(
            json!({"verifiableCredential": "ey.x.y", "options": {"checks": ["proof"]}}),
        )
        .unwrap();
        assert_eq!(checks, Some(vec![CheckKind::Proof]));
    }
}
