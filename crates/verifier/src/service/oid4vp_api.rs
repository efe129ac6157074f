//! OpenID4VP 1.0 in the verification service (issue #17): api routes; thin handlers over [`crate::oid4vp`].
//!
//! The relying-party API and what the wallet fetches (OpenID4VP 1.0 §5, RFC 9101 §5.2):
//! - `POST /oid4vp/requests`: creates a presentation request ([`create_request`]) → 201 with its
//!   links (`request_uri`, the `openid4vp://` same-device link, the QR code URL, the result URL);
//! - `GET /oid4vp/requests/{id}/request.jwt`: the request object (`application/oauth-authz-req+jwt`);
//! - `GET /oid4vp/requests/{id}/qr.svg`: the QR code of the same-device link.
//!
//! All three are public, so per-client rate limited like the verification endpoints.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{ApiError, JsonBody, ServiceState};
use crate::oid4vp::dcql::CredentialForm;
use crate::oid4vp::request::{self, create_request, RequestError, RequestLinks, RequestParams};
use crate::oid4vp::store::{PendingRequest, RequestPurpose, ResponseMode, StoreError};
use chrono::{DateTime, Utc};

/// The routes (merged into [`super::router`]), rate limited per client.
pub(crate) fn routes(state: &ServiceState) -> Router<ServiceState> {
    Router::new()
        .route("/oid4vp/requests", post(create))
        .route("/oid4vp/requests/{id}/request.jwt", get(request_object))
        .route("/oid4vp/requests/{id}/qr.svg", get(qr))
        .route_layer(axum::middleware::from_fn_with_state(
            state.rate_limiter(),
            service_kit::rate_limit::rate_limit,
        ))
}

/// `POST /oid4vp/requests`: what to ask the wallet for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "forms": ["dc+sd-jwt", "ldp_vc"],
    "universities": ["tudelft"],
    "claims": ["given_name", "family_name", "assessment_grade"],
    "response_mode": "direct_post",
    "webhook_url": "https://hr.example/hooks/enhance"
}))]
#[serde(deny_unknown_fields)]
pub struct CreateRequestBody {
    /// Accepted credential forms: `dc+sd-jwt` (the SD-JWT VC learning credential), `ldp_vc`
    /// (the EDC with a Data Integrity proof), `jwt_vc_json` (the EDC as a VC-JWT). Default: all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forms: Option<Vec<CredentialForm>>,
    /// Only credentials of these universities (trust registry ids such as `eth`, or DIDs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub universities: Option<Vec<String>>,
    /// A programme specification (as `POST /stack` takes it): asks for one credential per unit
    /// and runs the stackability check on what the wallet sends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub programme: Option<Value>,
    /// SD-JWT VC claims to disclose (docs/LEARNING_CREDENTIAL.md); default: those every award has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Vec<String>>,
    /// `direct_post` (default) or `direct_post.jwt` (encrypted response, HAIP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_mode: Option<ResponseMode>,
    /// Where to POST the result (https).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
}

const FIELDS: [&str; 6] = [
    "forms",
    "universities",
    "programme",
    "claims",
    "response_mode",
    "webhook_url",
];

/// A 422 whose `detail` names the field and the rule.
fn unprocessable(detail: String) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation",
        "The request is not valid",
        detail,
    )
}

/// A 422 naming `field` and the rule.
fn invalid(field: &str, rule: &str) -> ApiError {
    unprocessable(format!("{field}: {rule}"))
}

/// A list of strings, or absent.
fn strings(body: &Value, field: &str) -> Result<Vec<String>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| invalid(&format!("{field}[{i}]"), "must be a string"))
            })
            .collect(),
        Some(_) => Err(invalid(field, "must be an array of strings")),
    }
}

/// Reads the body into request parameters; every error names its field.
fn parse_body(body: &Value, state: &ServiceState) -> Result<RequestParams, ApiError> {
    let obj = body
        .as_object()
        .ok_or_else(|| invalid("(body)", "must be a JSON object"))?;
    if let Some(unknown) = obj.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        let rule = format!("unknown member (expected: {})", FIELDS.join(", "));
        return Err(invalid(unknown, &rule));
    }
    let mut params = RequestParams::default();
    let forms = strings(body, "forms")?;
    if obj.contains_key("forms") {
        params.forms = Vec::new();
        for (i, f) in forms.iter().enumerate() {
            let form = CredentialForm::from_format(f).ok_or_else(|| {
                let rule = "must be dc+sd-jwt, ldp_vc or jwt_vc_json";
                invalid(&format!("forms[{i}]"), rule)
            })?;
            params.forms.push(form);
        }
    }
    let registry = &state.policy().registry;
    for (i, u) in strings(body, "universities")?.iter().enumerate() {
        let filter = request::issuer_filter(registry, u).ok_or_else(|| {
            invalid(
                &format!("universities[{i}]"),
                "not a university of the trust registry",
            )
        })?;
        params.issuers.push(filter);
    }
    params.claims = strings(body, "claims")?;
    match obj.get("response_mode") {
        None | Some(Value::Null) => {}
        Some(v) => {
            params.response_mode = v
                .as_str()
                .and_then(ResponseMode::parse)
                .ok_or_else(|| invalid("response_mode", "must be direct_post or direct_post.jwt"))?
        }
    }
    match obj.get("webhook_url") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => params.webhook_url = Some(s.clone()),
        Some(_) => return Err(invalid("webhook_url", "must be a string")),
    }
    match obj.get("programme") {
        None | Some(Value::Null) => {}
        Some(p) => {
            params.units = request::programme_units(p, registry).map_err(request_error)?;
            params.purpose = RequestPurpose::Stack {
                programme: p.clone(),
            };
        }
    }
    Ok(params)
}

/// The problem of a [`RequestError`]: 422 naming the field, 503 when the store is full.
fn request_error(e: RequestError) -> ApiError {
    match e {
        RequestError::Query(q) => unprocessable(q.to_string()),
        RequestError::Invalid(m) => unprocessable(m),
        RequestError::Store(StoreError::Full(n)) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "Too many pending requests",
            format!("{n} presentation requests are pending (oid4vp.max_pending); retry later"),
        )
        .with_retry_after(10),
        other => ApiError::internal(&other.to_string()),
    }
}

/// Creates a presentation request.
#[utoipa::path(post, path = "/oid4vp/requests", tag = "oid4vp",
    request_body = CreateRequestBody,
    responses(
        (status = 201, description = "Created: the request's links", body = RequestLinks),
        (status = 400, description = "Malformed JSON", body = super::api_doc::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (named in `detail`)", body = super::api_doc::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited", body = super::api_doc::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many pending requests", body = super::api_doc::Problem, content_type = "application/problem+json")
    ))]
pub(super) async fn create(
    State(state): State<ServiceState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let params = parse_body(&body, &state)?;
    if let Some(url) = &params.webhook_url {
        // The service's own policy (loopback only where `allow_local_network` is set).
        let allow_loopback = state.oid4vp_webhook().is_some_and(|p| p.allow_loopback);
        crate::oid4vp::webhook::validate_webhook_url(url, allow_loopback)
            .map_err(|e| unprocessable(format!("webhook_url: {e}")))?;
    }
    let settings = state.oid4vp_settings()?;
    let now = state.now();
    let (pending, links) = create_request(&params, settings, now).map_err(request_error)?;
    state
        .oid4vp_store()
        .insert(pending)
        .map_err(|e| request_error(e.into()))?;
    let mut res = (StatusCode::CREATED, Json(&links)).into_response();
    if let Ok(v) = HeaderValue::from_str(&links.result_url) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// The pending request `id` (404 when unknown or expired) and the time.
fn pending(state: &ServiceState, id: &str) -> Result<(PendingRequest, DateTime<Utc>), ApiError> {
    let now = state.now();
    let request = state.oid4vp_store().get(id, now).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            "id: no such presentation request, or it expired",
        )
    })?;
    Ok((request, now))
}

/// The request object the wallet fetches at the `request_uri`.
#[utoipa::path(get, path = "/oid4vp/requests/{id}/request.jwt", tag = "oid4vp",
    params(("id" = String, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The request object: a JWS signed with the verifier's client key (`x509_san_dns`), or an unsecured JWT (`redirect_uri`)", body = String, content_type = "application/oauth-authz-req+jwt"),
        (status = 404, description = "Unknown or expired request", body = super::api_doc::Problem, content_type = "application/problem+json")
    ))]
pub(super) async fn request_object(
    State(state): State<ServiceState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (pending, now) = pending(&state, &id)?;
    let jwt = request::request_object(&pending, state.oid4vp_settings()?, now)
        .map_err(|e| ApiError::internal(&e.to_string()))?;
    Ok(typed(jwt, "application/oauth-authz-req+jwt"))
}

/// The QR code of the request's same-device link.
#[utoipa::path(get, path = "/oid4vp/requests/{id}/qr.svg", tag = "oid4vp",
    params(("id" = String, Path, description = "The request's id")),
    responses(
        (status = 200, description = "SVG QR code of the `openid4vp://` link", body = String, content_type = "image/svg+xml"),
        (status = 404, description = "Unknown or expired request", body = super::api_doc::Problem, content_type = "application/problem+json")
    ))]
pub(super) async fn qr(
    State(state): State<ServiceState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (pending, _) = pending(&state, &id)?;
    let links = request::request_links(&pending, state.oid4vp_settings()?)
        .map_err(|e| ApiError::internal(&e.to_string()))?;
    let code = render::qr::Qr::new(&links.deep_link)
        .map_err(|e| ApiError::internal(&format!("QR code: {e}")))?;
    Ok(typed(
        code.svg(320.0, "QR code: open the request in your wallet"),
        "image/svg+xml",
    ))
}

/// `body` with `content_type`, not cached.
fn typed(body: String, content_type: &'static str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
