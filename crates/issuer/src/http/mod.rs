//! HTTP API of the issuer service (axum 0.8 + tokio): thin handlers that extract, call
//! [`crate::app::App`] and map [`crate::domain::DomainError`] into one [`ApiError`] (RFC 9457).
//!
//! Endpoints: W3C VC-API `POST /credentials/issue` (§3.2.1) and `POST /credentials/status`
//! (§3.2.3); ENHANCE awards `POST /awards`, `POST /awards/batch` (`Idempotency-Key`);
//! Bitstring Status List v1.0 §2.2 status list credentials at `GET /status/{university}/{list}`;
//! did:web documents at `GET /universities/{id}/did.json` (did:web §3.2); share links
//! `GET /share/{token}[?format=jsonld|jades|jwt|pdf]` (the learner's HTML page, [`pages`], when
//! `Accept` prefers `text/html`), `/share/{token}/qr.svg`, `/share/{token}/qr.png` (QR codes of the
//! credential's verification URL); `GET /credentials`, `GET /credentials/{id}`; learning opportunity
//! specifications (templates, versioned, never overwritten) `POST /specifications/{id}`,
//! `GET /specifications`, `GET /specifications/{id}`; `/healthz`, `/readyz`,
//! `/openapi.json`. Authentication: RFC 6750 bearer tokens (`Authorization: Bearer ...`).

pub mod admin; // staff API tokens (admin role)
pub mod error;
pub mod pages;
pub mod programme; // programme specifications and certificates (stackability)

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{
    DefaultBodyLimit, FromRequest, FromRequestParts, MatchedPath, Path, Query, Request, State,
};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

pub use error::ApiError;

use crate::app::App;
use crate::config::Limits;
use crate::domain::{FieldError, Principal, StatusPurpose};

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    /// The service.
    pub app: App,
    /// Limits.
    pub limits: Limits,
    rate: Arc<Mutex<HashMap<String, (Instant, u32)>>>,
}

impl AppState {
    /// State over `app`.
    pub fn new(app: App, limits: Limits) -> Self {
        Self {
            app,
            limits,
            rate: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Fixed one-minute window per token (per process: with N replicas the effective limit is at
    /// most N times the setting); `Err` with the seconds until the window ends (`Retry-After`).
    fn allow(&self, token_id: &str) -> Result<(), u64> {
        let limit = self.limits.rate_limit_per_minute;
        if limit == 0 {
            return Ok(());
        }
        let Ok(mut map) = self.rate.lock() else {
            return Ok(());
        };
        let now = Instant::now();
        let entry = map.entry(token_id.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(60) {
            *entry = (now, 0);
        }
        entry.1 += 1;
        if entry.1 <= limit {
            Ok(())
        } else {
            let left = Duration::from_secs(60).saturating_sub(now.duration_since(entry.0));
            Err(service_kit::rate_limit::retry_after_secs(left))
        }
    }
}

/// The authenticated caller.
pub struct Auth(pub Principal);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| ApiError::unauthorized("send `Authorization: Bearer <token>`"))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::unauthorized("the Authorization header must be `Bearer <token>`")
            })?;
        let principal = state
            .app
            .authenticate(token)
            .await?
            .ok_or_else(|| ApiError::unauthorized("unknown or revoked token"))?;
        if let Err(retry_after) = state.allow(&principal.token_id) {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "Too many requests",
                format!("the per-token rate limit (limits.rate_limit_per_minute) was reached; retry in {retry_after} s"),
            )
            .with_retry_after(retry_after));
        }
        Ok(Auth(principal))
    }
}

/// A JSON body (problem JSON otherwise): a `Content-Type` other than `application/json` or a
/// `+json` type is 415, malformed JSON and duplicate member names (RFC 7493 §2.3, [`strict_json`])
/// are 400, an over-size body is 413.
pub struct JsonBody(pub Value);

/// 415 unless `headers` announce JSON ([`strict_json::is_json_media_type`]).
fn require_json_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    if content_type
        .as_deref()
        .is_some_and(strict_json::is_json_media_type)
    {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
        "Unsupported media type",
        format!(
            "Content-Type must be {}; got {}",
            strict_json::JSON_MEDIA_TYPES,
            content_type.as_deref().unwrap_or("none")
        ),
    ))
}

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        require_json_content_type(req.headers())?;
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            let status = e.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    status,
                    "too-large",
                    "Request body too large",
                    "the body exceeds the configured limit (limits.max_body_bytes)",
                )
            } else {
                ApiError::bad_request(e.body_text())
            }
        })?;
        let v = strict_json::from_slice(&bytes)
            .map_err(|e| ApiError::bad_request(format!("body is not valid JSON: {e}")))?;
        Ok(JsonBody(v))
    }
}

/// A raw body; over-size bodies become problem JSON.
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(req, state)
            .await
            .map(RawBody)
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(
                        e.status(),
                        "too-large",
                        "Request body too large",
                        "the body exceeds the configured limit (limits.max_body_bytes)",
                    )
                } else {
                    ApiError::bad_request(e.body_text())
                }
            })
    }
}

/// The router. Every response gets the security headers ([`service_kit::headers`]: CSP with
/// `frame-ancestors 'none'` on HTML pages, `nosniff`, `no-referrer`); request bodies have a total
/// read deadline (`limits.body_read_timeout_secs`, 408); the unauthenticated share-link routes a
/// per-client rate limit (`limits.public_rate_limit`, 429 + `Retry-After`). DID documents and
/// status lists are not rate limited: verifiers fetch them for every credential they check, they
/// are cheap (served from the stored, signed list) and cacheable, and limiting them per address
/// would make one busy verification service (one address) fail its revocation checks.
pub fn router(state: AppState) -> Router {
    let body_limit = state.limits.max_body_bytes;
    let limiter = service_kit::RateLimiter::new(state.limits.public_rate_limit.clone());
    let body_timeout =
        service_kit::BodyTimeout(Duration::from_secs(state.limits.body_read_timeout_secs));
    let public = Router::new()
        .route("/share/{token}", get(share))
        .route("/share/{token}/qr.svg", get(share_qr_svg))
        .route("/share/{token}/qr.png", get(share_qr_png))
        .route_layer(axum::middleware::from_fn_with_state(
            limiter,
            service_kit::rate_limit::rate_limit,
        ));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/openapi.json", get(openapi))
        .route("/universities/{id}/did.json", get(did_document))
        .route("/status/{university}/{list}", get(status_list))
        .route("/credentials/issue", post(vc_issue))
        .route("/credentials/status", post(vc_status))
        .route("/credentials", get(list_credentials))
        .route("/credentials/{id}", get(get_credential))
        .route("/awards", post(award))
        .route("/awards/batch", post(award_batch))
        .merge(public)
        .route("/specifications", get(list_specifications))
        .route(
            "/specifications/{id}",
            get(get_specification).post(add_specification),
        )
        .merge(admin::routes())
        .merge(programme::routes())
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not-found",
                "Not found",
                "no such endpoint",
            )
        })
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn_with_state(
            body_timeout,
            service_kit::body_timeout::body_timeout,
        ))
        .layer(axum::middleware::from_fn(
            service_kit::headers::security_headers,
        ))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    // The route template only (`/share/{token}`, not the token; no query strings,
                    // no headers): neither personal data nor secrets reach the logs.
                    let route = req
                        .extensions()
                        .get::<MatchedPath>()
                        .map(|m| m.as_str().to_owned())
                        .unwrap_or_else(|| "(unmatched)".into());
                    tracing::info_span!("request", method = %req.method(), route = %route)
                })
                .on_request(())
                .on_response(
                    tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO),
                ),
        )
        .with_state(state)
}

async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

async fn readyz(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    s.app.store().ping().await.map_err(|_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not-ready",
            "Not ready",
            "the database is not reachable",
        )
    })?;
    Ok(Json(json!({"status": "ready"})))
}

async fn openapi() -> Response {
    let mut res = crate::http::OPENAPI.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

/// The OpenAPI 3.1 description of the API.
pub const OPENAPI: &str = include_str!("openapi.json");

async fn did_document(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let doc = s.app.did_document(&id)?;
    let mut res = Json(doc).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/did+json"),
    );
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=300"),
    );
    Ok(res)
}

async fn status_list(
    State(s): State<AppState>,
    Path((university, list)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (body, revision) = s.app.status_list_credential(&university, &list).await?;
    let etag = format!("\"{list}-{revision}\"");
    let cache = format!(
        "public, max-age={}",
        s.limits.status_list_max_age_secs.min(60)
    );
    let mut res = if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = body.into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/vc+ld+json"),
        );
        r
    };
    if let Ok(v) = HeaderValue::from_str(&etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&cache) {
        res.headers_mut().insert(header::CACHE_CONTROL, v);
    }
    Ok(res)
}

async fn vc_issue(
    State(s): State<AppState>,
    Auth(p): Auth,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let Value::Object(mut body) = body else {
        return Err(ApiError::bad_request(
            "body must be `{credential, options}`",
        ));
    };
    let credential = body.remove("credential").ok_or_else(|| {
        ApiError::validation(vec![FieldError::new(
            "credential",
            "vc-api.required",
            "`credential` is required",
        )])
    })?;
    let options = body.remove("options").unwrap_or(Value::Null);
    let issued = s.app.issue_vc(&p, credential, &options).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"verifiableCredential": issued.credential})),
    )
        .into_response())
}

async fn vc_status(
    State(s): State<AppState>,
    Auth(p): Auth,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let id = body
        .get("credentialId")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            ApiError::validation(vec![FieldError::new(
                "credentialId",
                "vc-api.required",
                "`credentialId` is required",
            )])
        })?;
    let reason = body.get("reason").and_then(Value::as_str);
    let entries = match body.get("credentialStatus") {
        Some(Value::Array(a)) if !a.is_empty() => a.clone(),
        Some(o @ Value::Object(_)) => vec![o.clone()],
        _ => {
            return Err(ApiError::validation(vec![FieldError::new(
                "credentialStatus",
                "vc-api.required",
                "`credentialStatus` must be a non-empty array of {type, status}",
            )]))
        }
    };
    let mut changes = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let status = e.get("status").and_then(Value::as_str).unwrap_or_default();
        let change = match status {
            "revoked" => (StatusPurpose::Revocation, true),
            "suspended" => (StatusPurpose::Suspension, true),
            "active" | "unsuspended" => (StatusPurpose::Suspension, false),
            _ => {
                return Err(ApiError::validation(vec![FieldError::new(
                    format!("credentialStatus[{i}].status"),
                    "vc-api.status",
                    "status must be `revoked`, `suspended` or `active`",
                )]))
            }
        };
        changes.push(change);
    }
    for (purpose, value) in changes {
        s.app.set_status(&p, id, purpose, value, reason).await?;
    }
    Ok(Json(json!({"credentialId": id, "status": "updated"})))
}

#[derive(serde::Deserialize)]
struct Page {
    #[serde(default = "default_limit")]
    limit: i64,
    #[serde(default)]
    offset: i64,
}

fn default_limit() -> i64 {
    100
}

async fn list_credentials(
    State(s): State<AppState>,
    Auth(p): Auth,
    Query(page): Query<Page>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        s.app.list_credentials(&p, page.limit, page.offset).await?,
    ))
}

async fn get_credential(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(s.app.credential(&p, &id).await?))
}

async fn award(
    State(s): State<AppState>,
    Auth(p): Auth,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let issued = s.app.issue_award(&p, &body, None).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": issued.id, "shareUrl": issued.share_url, "verifiableCredential": issued.credential}))).into_response())
}

#[derive(serde::Deserialize)]
struct BatchQuery {
    /// For CSV: stored specification filling `learningOpportunity`.
    specification: Option<String>,
    /// Its version (default: latest).
    version: Option<i64>,
}

/// `POST /awards/batch`: a JSON array of awards (or of `{award, images}` envelopes), or with
/// `Content-Type: text/csv` one row per learner (see [`crate::domain::csv_rows`]).
async fn award_batch(
    State(s): State<AppState>,
    Auth(p): Auth,
    headers: HeaderMap,
    Query(q): Query<BatchQuery>,
    RawBody(bytes): RawBody,
) -> Result<Json<Value>, ApiError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::bad_request("the `Idempotency-Key` header is required for batches")
        })?
        .to_owned();
    let is_csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/csv"));
    let mut request = bytes.to_vec();
    let rows: Vec<Result<Value, Vec<FieldError>>> = if is_csv {
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| ApiError::bad_request("the CSV is not UTF-8"))?;
        let lo = match &q.specification {
            Some(id) => Some(s.app.specification_body(&p, id, q.version).await?),
            None => None,
        };
        if let Some(lo) = &lo {
            // The specification version is part of the request's identity.
            request.extend_from_slice(lo.to_string().as_bytes());
        }
        crate::domain::csv_rows::rows_to_awards(text, lo.as_ref())
            .map_err(|e| ApiError::bad_request(e.to_string()))?
    } else {
        require_json_content_type(&headers)?;
        let parsed: Value = strict_json::from_slice(&bytes)
            .map_err(|e| ApiError::bad_request(format!("body is not valid JSON: {e}")))?;
        // Identity of a JSON request: its content, not its formatting.
        request = serde_json::to_vec(&parsed).unwrap_or_default();
        match parsed {
            Value::Array(rows) => rows.into_iter().map(Ok).collect(),
            _ => {
                return Err(ApiError::bad_request(
                    "a batch body is a JSON array of awards (or text/csv)",
                ))
            }
        }
    };
    if rows.len() > s.limits.max_batch_size {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch-too-large",
            "Batch too large",
            format!(
                "{} rows; at most {} per batch (limits.max_batch_size)",
                rows.len(),
                s.limits.max_batch_size
            ),
        ));
    }
    // Run the batch in its own task so a client disconnect does not abandon it half-way; graceful
    // shutdown waits for the request (and so the batch) to finish.
    let app = s.app.clone();
    let result = tokio::spawn(async move { app.issue_batch(&p, &key, &request, &rows).await })
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
                "the batch task failed",
            )
        })??;
    Ok(Json(result))
}

#[derive(serde::Deserialize)]
struct ShareQuery {
    /// `jsonld` (default), `jades`, `jwt` or `pdf`.
    format: Option<String>,
    /// Label language of the learner's page and the PDF (`en`, `de`, `nl`, `pl`).
    lang: Option<String>,
}

/// `GET /share/{token}[?format=jsonld|jades|jwt|pdf]`: a shared credential, no token needed (the
/// link is the secret: 256 random bits, only its hash stored). Without `format`, a request whose
/// `Accept` prefers `text/html` gets the learner's page ([`pages`]); an explicit `format` is a
/// download (`Content-Disposition: attachment`).
async fn share(
    State(s): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<ShareQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = pages::pick_language(q.lang.as_deref(), &headers);
    let (format, content_type, ext) = match q.format.as_deref() {
        None if pages::prefers_html(&headers) => {
            return pages::learner_page(&s, &token, lang).await
        }
        Some("pdf") => return pages::pdf(&s, &token, lang).await,
        Some("png") => {
            return pages::rendered(&s, &token, lang, crate::render_pool::Kind::Png).await
        }
        None | Some("jsonld") => (
            crate::app::ShareFormat::JsonLd,
            "application/ld+json",
            "jsonld",
        ),
        Some("jades") => (
            crate::app::ShareFormat::Jades,
            "application/jose+json",
            "jades.json",
        ),
        Some("jwt") => (crate::app::ShareFormat::VcJwt, "application/vc+jwt", "jwt"),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "unknown format `{other}`: use jsonld, jades, jwt, pdf or png"
            )))
        }
    };
    let (json, body) = s.app.shared_download(&token, format).await?;
    // A download is named after the credential (its title and learner).
    let name = q
        .format
        .is_some()
        .then(|| format!("{}.{ext}", pages::download_base_name(&json)));
    let mut res = body.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    if let Some(name) = name {
        res.headers_mut()
            .insert(header::CONTENT_DISPOSITION, pages::attachment(&name));
    }
    Ok(res)
}

/// The QR code of a share link (the link must exist): it encodes the credential's verification
/// URL (`{verifier_url}/verify?credential={share URL}`).
async fn share_qr(s: &AppState, token: &str) -> Result<String, ApiError> {
    s.app
        .shared_credential(token, crate::app::ShareFormat::JsonLd)
        .await?;
    Ok(s.app.verification_url(token))
}

async fn share_qr_svg(
    State(s): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let url = share_qr(&s, &token).await?;
    let svg = crate::qr::svg(&url).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            e.to_string(),
        )
    })?;
    let mut res = svg.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(res)
}

async fn share_qr_png(
    State(s): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let url = share_qr(&s, &token).await?;
    let png = crate::qr::png(&url, 8).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            e.to_string(),
        )
    })?;
    let mut res = png.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(res)
}

async fn add_specification(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let v = s.app.add_specification(&p, &id, &body).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

async fn list_specifications(
    State(s): State<AppState>,
    Auth(p): Auth,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(s.app.specifications(&p, None).await?))
}

async fn get_specification(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(s.app.specifications(&p, Some(&id)).await?))
}

/// Binds `addr` and returns the listener and its actual address (port 0 → a free port).
pub async fn bind(addr: SocketAddr) -> std::io::Result<(tokio::net::TcpListener, SocketAddr)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}
