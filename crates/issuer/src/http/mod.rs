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
//! `/openapi.json` (generated from the routes and the typed bodies of [`crate::app::api`],
//! [`openapi`]). Authentication: RFC 6750 bearer tokens (`Authorization: Bearer ...`).
//!
//! Routes are registered only through [`api_routes`] (`utoipa_axum::routes!`), which records each
//! route's `#[utoipa::path]` documentation as it adds the route: a route cannot be served without
//! being documented.

pub mod admin; // staff API tokens (admin role)
pub mod console; // the staff console (issue #18)
pub mod error;
pub mod oid4vci; // OpenID4VCI 1.0 protocol endpoints (issue #16)
pub mod oid4vci_offers; // credential offers (issue #16)
pub mod openapi; // the generated OpenAPI document
pub mod pages;
pub mod programme; // programme specifications and certificates (stackability)
pub mod status_token; // IETF Token Status List tokens (issue #16)
pub mod typed; // typed JSON bodies (crate::app::api)
pub mod vct; // SD-JWT VC Type Metadata and JWT VC Issuer Metadata (issue #16)

use std::time::Duration;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use service_kit::body::require_json as require_json_content_type;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use error::ApiError;
pub use typed::Typed;

use crate::app::api::{
    AwardRequest, BatchResponse, CredentialList, CredentialRecord, Health, IssueRequest,
    IssueResponse, IssuedCredential, Page, Problem, SpecificationList, SpecificationVersion,
    StatusRequest, StatusResponse,
};
use crate::app::{App, BatchBody, BatchRows};
use crate::config::Limits;
use crate::domain::Principal;

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    /// The service.
    pub app: App,
    /// Limits.
    pub limits: Limits,
    rate: service_kit::KeyedLimiter<String>,
}

impl AppState {
    /// State over `app`.
    pub fn new(app: App, limits: Limits) -> Self {
        Self {
            app,
            rate: service_kit::KeyedLimiter::per_minute(limits.rate_limit_per_minute),
            limits,
        }
    }

    /// `limits.rate_limit_per_minute` per token (per process: with N replicas the effective
    /// limit is at most N times the setting); `Err` with the seconds until the next request
    /// would be allowed (`Retry-After`).
    fn allow(&self, token_id: &str) -> Result<(), u64> {
        self.rate
            .check(&token_id.to_owned())
            .map_err(service_kit::rate_limit::retry_after_secs)
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

/// The body extractors with limits (the service kit's): a strict JSON body (415 for another
/// media type, 400 for malformed JSON or duplicate member names, 413 over
/// `limits.max_body_bytes`) and a raw body (413 over the limit).
pub use service_kit::body::{JsonBody, RawBody};

/// Every route of the API with its documentation (`utoipa_axum::routes!` adds both), the share-link
/// routes `share` as given (the router wraps them in the public rate limit). The one table the
/// router and the OpenAPI document are built from.
fn api_routes(share: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::base())
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(openapi::openapi))
        .routes(routes!(did_document))
        .routes(routes!(status_list))
        .routes(routes!(vc_issue))
        .routes(routes!(vc_status))
        .routes(routes!(list_credentials))
        .routes(routes!(get_credential))
        .routes(routes!(award))
        .routes(routes!(award_batch))
        .merge(share)
        .routes(routes!(list_specifications))
        .routes(routes!(get_specification, add_specification))
        .merge(admin::routes())
        .merge(programme::routes())
        .merge(oid4vci::routes())
        .merge(oid4vci_offers::routes())
        .merge(status_token::routes())
        .merge(vct::routes())
        .merge(console::routes())
}

/// The share-link routes (no token: the link is the secret).
fn share_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(share))
        .routes(routes!(share_qr_svg))
        .routes(routes!(share_qr_png))
        .merge(oid4vci_offers::public_routes()) // offers by reference, the share page's wallet offer
        .merge(oid4vci::public_routes()) // OpenID4VCI token, nonce and credential endpoints
}

/// The OpenAPI 3.1 document of the API, generated from [`api_routes`] and the typed bodies.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    openapi::complete(api_routes(share_routes()).into_openapi())
}

/// The router. Every response gets the security headers ([`service_kit::headers`]: CSP with
/// `frame-ancestors 'none'` on HTML pages, `nosniff`, `no-referrer`); request bodies have a total
/// read deadline (`limits.body_read_timeout_secs`, 408); the unauthenticated share-link routes a
/// per-client rate limit (`limits.public_rate_limit`, 429 + `Retry-After`). DID documents and
/// status lists are not rate limited: verifiers fetch them for every credential they check, they
/// are cheap (served from the stored, signed list) and cacheable, and limiting them per address
/// would make one busy verification service (one address) fail its revocation checks.
pub fn router(state: AppState) -> Router {
    let layers = service_kit::CommonLayers {
        body_limit: service_kit::BodyLimit {
            max_bytes: state.limits.max_body_bytes,
            setting: "limits.max_body_bytes",
        },
        body_read_timeout: Duration::from_secs(state.limits.body_read_timeout_secs),
    };
    let limiter = service_kit::RateLimiter::new(state.limits.public_rate_limit.clone());
    let public = share_routes().route_layer(axum::middleware::from_fn_with_state(
        limiter,
        service_kit::rate_limit::rate_limit,
    ));
    let (routes, _document) = api_routes(public).split_for_parts();
    let routes = routes.fallback(|| async { ApiError::not_found() });
    service_kit::with_common_layers(routes, layers).with_state(state)
}

/// Liveness.
#[utoipa::path(get, path = "/healthz", tag = "service",
    responses((status = 200, description = "The process answers", body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

/// Readiness: the database is reachable.
#[utoipa::path(get, path = "/readyz", tag = "service", responses(
    (status = 200, description = "Ready", body = Health),
    (status = 503, description = "The database is not reachable", body = Problem, content_type = "application/problem+json")))]
async fn readyz(State(s): State<AppState>) -> Result<Json<Health>, ApiError> {
    s.app.store().ping().await.map_err(|_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not-ready",
            "Not ready",
            "the database is not reachable",
        )
    })?;
    Ok(Json(Health {
        status: "ready".into(),
    }))
}

/// did:web DID document of a university (did:web §3.2; every key in `assertionMethod`).
#[utoipa::path(get, path = "/universities/{id}/did.json", tag = "public",
    params(("id" = String, Path, description = "The university (`eth`, `tudelft`, ...)")),
    responses(
        (status = 200, description = "The DID document (Cache-Control max-age=300)", body = Object, content_type = "application/did+json"),
        (status = 404, description = "No such university", body = Problem, content_type = "application/problem+json")))]
async fn did_document(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let doc = s.app.did_document(&id)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/did+json"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        Json(doc),
    )
        .into_response())
}

/// A status list credential (Bitstring Status List v1.0 §2.2).
///
/// Signed; re-signed only when the list changed. `Cache-Control: public, max-age<=60`, `ETag`
/// (304 on `If-None-Match`).
#[utoipa::path(get, path = "/status/{university}/{list}", tag = "public",
    params(
        ("university" = String, Path, description = "The university"),
        ("list" = String, Path, description = "The list's id")),
    responses(
        (status = 200, description = "The signed status list credential", body = Object, content_type = "application/vc+ld+json"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, description = "No such list", body = Problem, content_type = "application/problem+json")))]
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
    Ok(conditional(
        &headers,
        &etag,
        &cache,
        "application/vc+ld+json",
        body,
    ))
}

/// A cacheable document (status lists and status list tokens): `304 Not Modified` when
/// `If-None-Match` lists `etag` or is `*` (RFC 9110 §13.1.2), else `body` as `content_type`;
/// `ETag` and `Cache-Control` on both.
pub(crate) fn conditional(
    request: &HeaderMap,
    etag: &str,
    cache_control: &str,
    content_type: &'static str,
    body: impl IntoResponse,
) -> Response {
    let not_modified = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut res = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, content_type)], body).into_response()
    };
    for (name, value) in [(header::ETAG, etag), (header::CACHE_CONTROL, cache_control)] {
        if let Ok(v) = HeaderValue::from_str(value) {
            res.headers_mut().insert(name, v);
        }
    }
    res
}

/// Issue a credential (VC-API §3.2.1).
///
/// Signs the credential with `eddsa-rdfc-2022`: a `credentialStatus` the credential brings is
/// signed as given, and the issuer-managed status entries `options.credentialStatus` asks for are
/// added (one revocation entry by default when the credential brings none).
#[utoipa::path(post, path = "/credentials/issue", tag = "vc-api", security(("bearer" = [])),
    request_body = IssueRequest,
    responses(
        (status = 201, description = "Issued", body = IssueResponse),
        (status = 409, description = "The client-chosen `credential.id` is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The credential or the options break a rule (`vc.*` such as `vc.issuer-required`, `vcdm.*` VC Data Model rules, `jsonld.*`, `options.status`, `vc-api.required`), each finding naming its field path", body = Problem, content_type = "application/problem+json")))]
async fn vc_issue(
    State(s): State<AppState>,
    Auth(p): Auth,
    Typed(request): Typed<IssueRequest>,
) -> Result<(StatusCode, Json<IssueResponse>), ApiError> {
    let issued = s.app.issue_vc(&p, request).await?;
    Ok((
        StatusCode::CREATED,
        Json(IssueResponse {
            verifiable_credential: issued.credential,
        }),
    ))
}

/// Revoke, suspend or reactivate a credential (VC-API §3.2.3).
///
/// A credential of the caller's university (role `revoke`); revocation is for good;
/// audit-logged with `reason`.
#[utoipa::path(post, path = "/credentials/status", tag = "vc-api", security(("bearer" = [])),
    request_body = StatusRequest,
    responses(
        (status = 200, description = "Updated", body = StatusResponse),
        (status = 404, description = "No such credential of the caller's university", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Revoked already (revocation is permanent), or no entry for that purpose", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A missing field or an unknown status (`vc-api.required`, `vc-api.status`)", body = Problem, content_type = "application/problem+json")))]
async fn vc_status(
    State(s): State<AppState>,
    Auth(p): Auth,
    Typed(request): Typed<StatusRequest>,
) -> Result<Json<StatusResponse>, ApiError> {
    Ok(Json(s.app.change_status(&p, &request).await?))
}

/// Credentials of the caller's university, newest first.
#[utoipa::path(get, path = "/credentials", tag = "credentials", security(("bearer" = [])),
    params(Page),
    responses((status = 200, description = "The credentials", body = CredentialList)))]
async fn list_credentials(
    State(s): State<AppState>,
    Auth(p): Auth,
    Query(page): Query<Page>,
) -> Result<Json<CredentialList>, ApiError> {
    Ok(Json(s.app.list_credentials(&p, page).await?))
}

/// One credential of the caller's university (another university's answers like an unknown id).
#[utoipa::path(get, path = "/credentials/{id}", tag = "credentials", security(("bearer" = [])),
    params(("id" = String, Path, description = "The credential's id")),
    responses(
        (status = 200, description = "The credential and its status", body = CredentialRecord),
        (status = 404, description = "No such credential", body = Problem, content_type = "application/problem+json")))]
async fn get_credential(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<CredentialRecord>, ApiError> {
    Ok(Json(s.app.credential(&p, &id).await?))
}

/// Issue one ENHANCE award as an EDC credential.
///
/// Data Integrity, JAdES and VC-JWT forms, one status entry, a share link.
#[utoipa::path(post, path = "/awards", tag = "awards", security(("bearer" = [])),
    request_body = AwardRequest,
    responses(
        (status = 201, description = "Issued", body = IssuedCredential),
        (status = 422, description = "The award breaks a rule of the award format (each finding names its field)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No rendering worker free for the display images; Retry-After says when to retry", body = Problem, content_type = "application/problem+json")))]
async fn award(
    State(s): State<AppState>,
    Auth(p): Auth,
    Typed(request): Typed<AwardRequest>,
) -> Result<(StatusCode, Json<IssuedCredential>), ApiError> {
    let issued = s.app.issue_award(&p, &request, None).await?;
    Ok((StatusCode::CREATED, Json(issued.into())))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct BatchQuery {
    /// For CSV: stored specification filling `learningOpportunity`.
    specification: Option<String>,
    /// Its version (default: latest).
    version: Option<i64>,
}

/// Issue a batch of awards under an `Idempotency-Key`.
///
/// A JSON array of awards (or of `{award, images}` envelopes), or with `Content-Type: text/csv`
/// one row per learner: the header row names the award field each column fills, dotted
/// (`learner.givenNames`; `:json` cells are JSON; `images.<lang>` columns carry image bytes). A
/// retry never issues a row twice; a bad row does not stop the others.
#[utoipa::path(post, path = "/awards/batch", tag = "awards", security(("bearer" = [])),
    params(
        ("Idempotency-Key" = String, Header, description = "Identifies the batch (1 to 200 characters); the same key with another body is 409"),
        BatchQuery),
    request_body(content(
        (Vec<AwardRequest> = "application/json"),
        (String = "text/csv", example = "kind,awardingUniversity,learner.givenNames,learner.familyName\nmicroCredential,eth,Ada,Lovelace")),
        description = "A JSON array of awards, or CSV (one row per learner; `?specification=` fills learningOpportunity)"),
    responses(
        (status = 200, description = "Per-row results", body = BatchResponse),
        (status = 409, description = "The Idempotency-Key was used with another body", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "More rows than limits.max_batch_size, or the body exceeds limits.max_body_bytes", body = Problem, content_type = "application/problem+json")))]
async fn award_batch(
    State(s): State<AppState>,
    Auth(p): Auth,
    headers: HeaderMap,
    Query(q): Query<BatchQuery>,
    RawBody(bytes): RawBody,
) -> Result<Json<BatchResponse>, ApiError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::bad_request("the `Idempotency-Key` header is required for batches")
        })?
        .to_owned();
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/csv"));
    if !csv {
        require_json_content_type(&headers)?;
    }
    let body = BatchBody {
        bytes: &bytes,
        csv,
        specification: q.specification.as_deref(),
        version: q.version,
    };
    let BatchRows {
        identity: request,
        rows,
    } = s.app.batch_rows(&p, body).await?;
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

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ShareQuery {
    /// `jsonld` (default), `jades`, `jwt` or `pdf`.
    format: Option<String>,
    /// Label language of the learner's page and the PDF (`en`, `de`, `nl`, `pl`).
    lang: Option<String>,
}

/// A shared credential (the learner's share link).
///
/// `GET /share/{token}[?format=jsonld|jades|jwt|pdf|png]`, no token needed (the link is the
/// secret: 256 random bits, only its hash stored). Without `format`, a request whose `Accept`
/// prefers `text/html` gets the learner's page; an explicit `format` is a download
/// (`Content-Disposition: attachment`); `pdf` (certificate and supplement) and `png` (certificate
/// page) are rendered on request within the render budget, then cached.
#[utoipa::path(get, path = "/share/{token}", tag = "public",
    params(("token" = String, Path, description = "The share link's secret"), ShareQuery),
    responses(
        (status = 200, description = "The credential in the form asked for", content(
            (Object = "application/ld+json"),
            (Object = "application/jose+json"),
            (String = "application/vc+jwt"),
            (String = "application/pdf"),
            (String = "image/png"),
            (String = "text/html"))),
        (status = 400, description = "Unknown format", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such share link, or no such form of this credential", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "too-large-to-render (the credential needs more than the render budget) or not-renderable", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The per-client limit of the share-link routes (limits.public_rate_limit); also on qr.svg and qr.png", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until a request is allowed again"))),
        (status = 503, description = "render-busy (no rendering worker free, render deadline, shutdown); Retry-After says when to retry", body = Problem, content_type = "application/problem+json")))]
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
    let headers = [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, "private, no-store"),
        (header::VARY, "Accept"),
    ];
    let mut res = (headers, body).into_response();
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

/// The QR code (SVG) of the credential's verification URL.
///
/// It encodes `{verifier_url}/verify?credential={share URL}`.
#[utoipa::path(get, path = "/share/{token}/qr.svg", tag = "public",
    params(("token" = String, Path, description = "The share link's secret")),
    responses(
        (status = 200, description = "The QR code", body = String, content_type = "image/svg+xml"),
        (status = 404, description = "No such share link", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate-limited (limits.public_rate_limit)", body = Problem, content_type = "application/problem+json")))]
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
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        svg,
    )
        .into_response())
}

/// The QR code (PNG) of the credential's verification URL.
#[utoipa::path(get, path = "/share/{token}/qr.png", tag = "public",
    params(("token" = String, Path, description = "The share link's secret")),
    responses(
        (status = 200, description = "The QR code", body = String, content_type = "image/png"),
        (status = 404, description = "No such share link", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate-limited (limits.public_rate_limit)", body = Problem, content_type = "application/problem+json")))]
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
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        png,
    )
        .into_response())
}

/// Add a new version of a learning opportunity specification (never overwrites).
#[utoipa::path(post, path = "/specifications/{id}", tag = "specifications", security(("bearer" = [])),
    params(("id" = String, Path, description = "1-200 characters of [A-Za-z0-9._-]")),
    request_body(content = Object, description = "The `learningOpportunity` part of the award format", content_type = "application/json"),
    responses(
        (status = 201, description = "Stored", body = SpecificationVersion),
        (status = 409, description = "A concurrent version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a learning opportunity of the award format", body = Problem, content_type = "application/problem+json")))]
async fn add_specification(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<SpecificationVersion>), ApiError> {
    let v = s.app.add_specification(&p, &id, &body).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// Learning opportunity specifications of the caller's university (every version).
#[utoipa::path(get, path = "/specifications", tag = "specifications", security(("bearer" = [])),
    responses((status = 200, description = "The specifications", body = SpecificationList)))]
async fn list_specifications(
    State(s): State<AppState>,
    Auth(p): Auth,
) -> Result<Json<SpecificationList>, ApiError> {
    Ok(Json(s.app.specifications(&p, None).await?))
}

/// The versions of one specification.
#[utoipa::path(get, path = "/specifications/{id}", tag = "specifications", security(("bearer" = [])),
    params(("id" = String, Path, description = "The specification's id")),
    responses(
        (status = 200, description = "Its versions", body = SpecificationList),
        (status = 404, description = "No such specification", body = Problem, content_type = "application/problem+json")))]
async fn get_specification(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<SpecificationList>, ApiError> {
    Ok(Json(s.app.specifications(&p, Some(&id)).await?))
}

/// Binds `addr` and returns the listener and its actual address (port 0 → a free port).
pub use service_kit::lifecycle::bind;
