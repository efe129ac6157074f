//! OpenID4VP 1.0 in the verification service (issue #17 point 3): the employer's and the
//! recognition office's wallet pages; thin handlers over [`crate::oid4vp`].
//!
//! - `GET /ask-wallet`, `POST /ask-wallet` (form, no JavaScript needed): what to ask for (credential
//!   forms, SD-JWT VC claims, universities, HAIP) → a request (§5, [`crate::oid4vp::request`]) →
//!   303 to its page;
//! - `GET /stack-from-wallet`, `POST /stack-from-wallet`: the same for all unit credentials of a
//!   programme ([`RequestPurpose::Stack`]);
//! - `GET /wallet-request?id=…&key=…`: the QR code and same-device link while waiting, then the
//!   verdict (every check in the QR verification's wording), or "expired";
//! - `GET /wallet-request/state?id=…&key=…`: `{"state": "pending" | "completed" | "expired"}`, no
//!   personal data, for the polling script;
//! - `GET /wallet-request.js`: that script (the page's CSP allows scripts from this service only).
//!
//! The request id travels in the QR code (`request_uri`), so whoever sees the code knows it; the
//! page also needs `key`, an HMAC-SHA256 of the id under a per-process random secret (the store
//! is per process too), which only the browser that created the request gets. Pages live at the
//! service root so that their relative links (`upload`, `ask-wallet`) resolve as on the others.

mod templates;

use std::sync::OnceLock;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use super::pages::message_page;
use super::{html_response, ApiError, ServiceState};
use crate::oid4vp::dcql::CredentialForm;
use crate::oid4vp::request::{self, create_request, RequestParams};
use crate::oid4vp::store::{RequestOutcome, RequestPurpose, ResponseMode};

/// The polling script (external: the CSP allows no inline script).
const POLL_JS: &str = include_str!("oid4vp_pages/wallet-request.js");

/// The routes (merged into [`super::router`]).
/// The form posts (each creates a request) are rate limited per client like the API.
pub(crate) fn routes(state: &ServiceState) -> Router<ServiceState> {
    let creating = Router::new()
        .route("/ask-wallet", axum::routing::post(ask_submit))
        .route("/stack-from-wallet", axum::routing::post(stack_submit))
        .route_layer(axum::middleware::from_fn_with_state(
            state.rate_limiter(),
            service_kit::rate_limit::rate_limit,
        ));
    Router::new()
        .route("/ask-wallet", get(ask_form))
        .route("/stack-from-wallet", get(stack_form))
        .route("/wallet-request", get(request_page))
        .route("/wallet-request/state", get(request_state))
        .route("/wallet-request.js", get(poll_script))
        .merge(creating)
}

/// The per-process secret of the page keys.
fn page_secret() -> Result<&'static str, ApiError> {
    static SECRET: OnceLock<Result<String, String>> = OnceLock::new();
    SECRET
        .get_or_init(|| crate::oid4vp::store::random_token().map_err(|e| e.to_string()))
        .as_deref()
        .map_err(|e| ApiError::internal(&format!("page key secret: {e}")))
}

/// The page key of request `id`: base64url(HMAC-SHA256(secret, id)).
fn page_key(id: &str) -> Result<String, ApiError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(page_secret()?.as_bytes())
        .map_err(|e| ApiError::internal(&format!("page key: {e}")))?;
    mac.update(id.as_bytes());
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

/// Whether `key` is the page key of `id` (constant-time comparison).
fn key_matches(id: &str, key: &str) -> Result<bool, ApiError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(page_secret()?.as_bytes())
        .map_err(|e| ApiError::internal(&format!("page key: {e}")))?;
    mac.update(id.as_bytes());
    let Ok(given) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(key) else {
        return Ok(false);
    };
    Ok(mac.verify_slice(&given).is_ok())
}

/// A form body (`application/x-www-form-urlencoded`).
#[derive(Debug, Default)]
struct AskForm {
    forms: Vec<CredentialForm>,
    claims: Vec<String>,
    universities: Vec<String>,
    haip: bool,
    programme: String,
}

/// Reads the form; unknown fields are ignored, an unknown credential form is an error.
fn parse_form(body: &[u8]) -> Result<AskForm, String> {
    let mut f = AskForm::default();
    for (name, value) in url::form_urlencoded::parse(body) {
        match name.as_ref() {
            "form" => {
                let form = CredentialForm::from_format(&value).ok_or_else(|| {
                    format!("form: {value:?} is not one of ldp_vc, dc+sd-jwt, jwt_vc_json")
                })?;
                if !f.forms.contains(&form) {
                    f.forms.push(form);
                }
            }
            "claim" => f.claims.push(value.into_owned()),
            "university" => f.universities.push(value.into_owned()),
            "haip" => f.haip = value == "1",
            "programme" => f.programme = value.into_owned(),
            _ => {}
        }
    }
    if f.forms.is_empty() {
        return Err("Choose at least one credential form.".into());
    }
    crate::oid4vp::dcql::check_claims(&f.claims).map_err(|e| e.to_string())?;
    Ok(f)
}

/// The universities of the trust registry, for the form.
fn universities(s: &ServiceState) -> Vec<templates::UniversityChoice> {
    s.policy()
        .registry
        .members
        .iter()
        .map(|m| templates::UniversityChoice {
            id: m.id.clone(),
            name: m.name().to_owned(),
        })
        .collect()
}

/// The employer's form: what to ask the candidate's wallet for.
#[utoipa::path(get, path = "/ask-wallet", tag = "pages",
    responses((status = 200, description = "The employer's \"Ask for it from the candidate's wallet\" form", content_type = "text/html")))]
pub(super) async fn ask_form(State(s): State<ServiceState>) -> Response {
    html_response(StatusCode::OK, templates::ask_page(&universities(&s), None))
}

/// Creates a request from the employer's form and redirects (303) to its page.
#[utoipa::path(post, path = "/ask-wallet", tag = "pages",
    request_body(content = String, description = "form: form=<ldp_vc|dc+sd-jwt|jwt_vc_json>…, claim=<name>…, university=<registry id>…, haip=1", content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 303, description = "The request's page (`wallet-request?id=…&key=…`)"),
        (status = 400, description = "The form again, with what is wrong", content_type = "text/html")))]
pub(super) async fn ask_submit(
    State(s): State<ServiceState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let form = parse_form(&body).map(|f| (f, RequestPurpose::Verify));
    submit(&s, form, |e| {
        templates::ask_page(&universities(&s), Some(e))
    })
}

/// Creates the request of a submitted form: 303 to its page, or 400 with `again` (the form
/// with the error above it).
fn submit(
    s: &ServiceState,
    form: Result<(AskForm, RequestPurpose), String>,
    again: impl Fn(&str) -> String,
) -> Result<Response, ApiError> {
    let created = match form {
        Ok((f, purpose)) => create(s, &f, purpose)?,
        Err(e) => Err(e),
    };
    match created {
        Ok(id) => redirect_to_page(&id),
        Err(e) => Ok(html_response(StatusCode::BAD_REQUEST, again(&e))),
    }
}

/// The recognition office's form: a programme whose unit credentials are asked for.
#[utoipa::path(get, path = "/stack-from-wallet", tag = "pages",
    responses((status = 200, description = "The recognition office's stackability request form", content_type = "text/html")))]
pub(super) async fn stack_form() -> Response {
    html_response(StatusCode::OK, templates::stack_ask_page(None, ""))
}

/// Creates a stackability request (all units of the programme) and redirects (303) to its page.
#[utoipa::path(post, path = "/stack-from-wallet", tag = "pages",
    request_body(content = String, description = "form: programme=<programme JSON>, form=…, haip=1", content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 303, description = "The request's page (`wallet-request?id=…&key=…`)"),
        (status = 400, description = "The form again, with what is wrong", content_type = "text/html")))]
pub(super) async fn stack_submit(
    State(s): State<ServiceState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let form = parse_form(&body).and_then(|f| {
        let programme = match strict_json::from_slice(f.programme.as_bytes()) {
            Ok(v @ serde_json::Value::Object(_)) => v,
            Ok(_) => {
                return Err("programme: must be a JSON object (a programme specification)".into())
            }
            Err(e) => return Err(format!("programme: not JSON ({e})")),
        };
        Ok((f, RequestPurpose::Stack { programme }))
    });
    // The pasted text is shown again with an error.
    let text = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == "programme")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    submit(&s, form, |e| templates::stack_ask_page(Some(e), &text))
}

/// Creates and stores the request of `form`; `Ok(Err(sentence))` when the form asks for
/// something that cannot be requested (shown above the form again).
fn create(
    s: &ServiceState,
    form: &AskForm,
    purpose: RequestPurpose,
) -> Result<Result<String, String>, ApiError> {
    let registry = &s.policy().registry;
    let mut params = RequestParams {
        forms: form.forms.clone(),
        claims: form.claims.clone(),
        response_mode: if form.haip {
            ResponseMode::DirectPostJwt
        } else {
            ResponseMode::DirectPost
        },
        ..RequestParams::default()
    };
    for u in &form.universities {
        match request::issuer_filter(registry, u) {
            Some(f) => params.issuers.push(f),
            None => {
                return Ok(Err(format!(
                    "university: {u:?} is not in the trust registry"
                )))
            }
        }
    }
    if let RequestPurpose::Stack { programme } = &purpose {
        match request::programme_units(programme, registry) {
            Ok(units) => params.units = units,
            Err(e) => return Ok(Err(e.to_string())),
        }
    }
    params.purpose = purpose;
    let settings = s.oid4vp_settings()?;
    let (pending, links) = match create_request(&params, settings, s.now()) {
        Ok(created) => created,
        Err(e) => return Ok(Err(e.to_string())),
    };
    if let Err(e) = s.oid4vp_store().insert(pending) {
        return Ok(Err(format!("{e}: try again in a few minutes")));
    }
    Ok(Ok(links.id))
}

/// 303 to the page of request `id`.
fn redirect_to_page(id: &str) -> Result<Response, ApiError> {
    let url = format!("wallet-request?id={id}&key={}", page_key(id)?);
    let mut res = StatusCode::SEE_OTHER.into_response();
    let location =
        HeaderValue::from_str(&url).map_err(|e| ApiError::internal(&format!("redirect: {e}")))?;
    res.headers_mut().insert(header::LOCATION, location);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// `id` and `key` of a request page URL.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(super) struct PageQuery {
    /// The request id.
    id: String,
    /// The page key (only the browser that created the request has it).
    key: String,
}

/// What a page URL names: the outcome, or the "unknown" page.
fn lookup(s: &ServiceState, q: &PageQuery) -> Result<Option<RequestOutcome>, ApiError> {
    if !key_matches(&q.id, &q.key)? {
        return Ok(None);
    }
    Ok(s.oid4vp_store().outcome(&q.id, s.now()))
}

/// The page of a request: QR code and waiting, then the verdict.
#[utoipa::path(get, path = "/wallet-request", tag = "pages", params(PageQuery),
    responses(
        (status = 200, description = "Waiting (QR code, same-device link) or the verdict", content_type = "text/html"),
        (status = 404, description = "Unknown request, wrong key, or deleted after the retention time", content_type = "text/html"),
        (status = 410, description = "The request expired without an answer", content_type = "text/html")))]
pub(super) async fn request_page(
    State(s): State<ServiceState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let unknown = || {
        html_response(
            StatusCode::NOT_FOUND,
            message_page(
                "Unknown request",
                "This wallet request does not exist, or its result was deleted after the retention time (results hold personal data).",
            ),
        )
    };
    let Some(outcome) = lookup(&s, &q)? else {
        return Ok(unknown());
    };
    match outcome {
        RequestOutcome::Completed(result) => Ok(html_response(
            StatusCode::OK,
            templates::result_page(&result),
        )),
        RequestOutcome::Expired => Ok(html_response(
            StatusCode::GONE,
            message_page(
                "The request expired",
                "The wallet did not answer in time. Ask again for a new QR code.",
            ),
        )),
        RequestOutcome::Pending => {
            let Some(req) = s.oid4vp_store().get(&q.id, s.now()) else {
                return Ok(unknown());
            };
            waiting_response(&s, &req, &q)
        }
    }
}

/// The waiting page of a pending request, with its own CSP: the default of the pages plus
/// scripts and fetches from this service (the polling script).
fn waiting_response(
    s: &ServiceState,
    req: &crate::oid4vp::store::PendingRequest,
    q: &PageQuery,
) -> Result<Response, ApiError> {
    let links = request::request_links(req, s.oid4vp_settings()?)
        .map_err(|e| ApiError::internal(&format!("links of the request: {e}")))?;
    let deep_link = links.deep_link;
    let qr = render::qr::Qr::new(&deep_link)
        .map_err(|e| ApiError::internal(&format!("QR code of the request: {e}")))?
        .svg(
            288.0,
            "QR code of the presentation request: scan it with the wallet",
        );
    let query = format!(
        "id={}&key={}",
        url::form_urlencoded::byte_serialize(q.id.as_bytes()).collect::<String>(),
        url::form_urlencoded::byte_serialize(q.key.as_bytes()).collect::<String>()
    );
    let expires = req.expires_at.format("%Y-%m-%d %H:%M:%S").to_string();
    let asked = asked_words(&req.dcql_query);
    let page = templates::waiting_page(&templates::Waiting {
        qr_svg: &qr,
        deep_link: &deep_link,
        expires: &expires,
        self_url: &format!("wallet-request?{query}"),
        state_url: &format!("wallet-request/state?{query}"),
        asked: &asked,
    });
    let csp = format!(
        "{}; script-src 'self'; connect-src 'self'",
        service_kit::headers::html_csp(&page)
    );
    let mut res = html_response(StatusCode::OK, page);
    let csp = HeaderValue::from_str(&csp).map_err(|e| ApiError::internal(&format!("CSP: {e}")))?;
    res.headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, csp);
    Ok(res)
}

/// What a DCQL query asks for, in words: its credential formats and SD-JWT VC claim names.
fn asked_words(query: &serde_json::Value) -> String {
    let mut forms: Vec<CredentialForm> = Vec::new();
    let mut claims: Vec<String> = Vec::new();
    let list = query
        .get("credentials")
        .and_then(serde_json::Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for c in list {
        let form = c
            .get("format")
            .and_then(serde_json::Value::as_str)
            .and_then(CredentialForm::from_format);
        if let Some(f) = form.filter(|f| !forms.contains(f)) {
            forms.push(f);
        }
        if form != Some(CredentialForm::SdJwtVc) {
            continue;
        }
        let paths = c.get("claims").and_then(serde_json::Value::as_array);
        for claim in paths.map(Vec::as_slice).unwrap_or_default() {
            let name = claim
                .pointer("/path/0")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned);
            if let Some(n) = name.filter(|n| !claims.contains(n)) {
                claims.push(n);
            }
        }
    }
    templates::asked_words(&forms, &claims)
}

/// The state of a request, for the polling script: no personal data.
#[utoipa::path(get, path = "/wallet-request/state", tag = "pages", params(PageQuery),
    responses(
        (status = 200, description = "`{\"state\": \"pending\" | \"completed\" | \"expired\"}`", body = Object, content_type = "application/json"),
        (status = 404, description = "Unknown request or wrong key", body = super::api_doc::Problem, content_type = "application/problem+json")))]
pub(super) async fn request_state(
    State(s): State<ServiceState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let state = match lookup(&s, &q)? {
        None => return Err(ApiError::not_found()),
        Some(RequestOutcome::Pending) => "pending",
        Some(RequestOutcome::Expired) => "expired",
        Some(RequestOutcome::Completed(_)) => "completed",
    };
    let mut res = axum::Json(serde_json::json!({ "state": state })).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// The polling script of the waiting page.
#[utoipa::path(get, path = "/wallet-request.js", tag = "pages",
    responses((status = 200, description = "The waiting page's polling script", content_type = "text/javascript")))]
pub(super) async fn poll_script() -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
        (header::CACHE_CONTROL, "public, max-age=300"),
    ];
    (headers, POLL_JS).into_response()
}
