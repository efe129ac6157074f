//! OpenID4VCI 1.0 endpoints (issue #16): thin handlers over [`crate::oid4vci::protocol`]:
//! credential issuer metadata (§12.2.2, path insertion), authorization server metadata
//! (RFC 8414), token (§6), nonce (§7) and credential (§8) endpoints, and the university's logo
//! the metadata's `display` points to.
//!
//! The protocol endpoints answer errors as OAuth does (`{"error", "error_description"}`, RFC 6749
//! §5.2, OpenID4VCI §6.3 and §8.3.1.2), not as problem JSON: wallets read these codes. At the
//! credential endpoint, access token and DPoP errors are 401 with `WWW-Authenticate` (RFC 6750
//! §3, RFC 9449 §7.1). Every protocol response is `Cache-Control: no-store` (RFC 6749 §5.1).
//! The three protocol endpoints are served under the public per-client rate limit
//! (`limits.public_rate_limit`, [`public_routes`]); the metadata, like DID documents, is not.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiError, AppState};
use crate::app::api::Problem;
use crate::oid4vci::protocol::{TokenRequest, HOLDER_ALGORITHMS};
use crate::oid4vci::{ErrorCode, Oid4vciError};

/// The metadata and logo routes (merged into [`super::api_routes`]).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(credential_issuer_metadata))
        .routes(routes!(authorization_server_metadata))
        .routes(routes!(logo))
}

/// The token, nonce and credential endpoints (merged into the share-link routes, under their
/// per-client rate limit).
pub fn public_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(token))
        .routes(routes!(nonce))
        .routes(routes!(credential))
}

/// An OAuth / OpenID4VCI error response; `resource`: at the credential endpoint (a protected
/// resource: 401 + `WWW-Authenticate` for token and DPoP errors).
struct OAuthError {
    error: Oid4vciError,
    resource: bool,
}

impl From<Oid4vciError> for OAuthError {
    fn from(error: Oid4vciError) -> Self {
        Self {
            error,
            resource: false,
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let code = self.error.code;
        let challenge = match code {
            ErrorCode::InvalidToken if self.resource => Some(format!(
                "Bearer error=\"invalid_token\", DPoP algs=\"{}\"",
                HOLDER_ALGORITHMS.join(" ")
            )),
            ErrorCode::InvalidDpopProof if self.resource => Some(format!(
                "DPoP error=\"invalid_dpop_proof\", algs=\"{}\"",
                HOLDER_ALGORITHMS.join(" ")
            )),
            _ => None,
        };
        let status = if challenge.is_some() {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::BAD_REQUEST)
        };
        let mut res = (status, Json(self.error.body())).into_response();
        let headers = res.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(v) = challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            headers.insert(header::WWW_AUTHENTICATE, v);
        }
        if let Some(v) = self
            .error
            .dpop_nonce
            .and_then(|n| HeaderValue::from_str(&n).ok())
        {
            headers.insert(HeaderName::from_static("dpop-nonce"), v);
        }
        res
    }
}

/// A JSON response with `Cache-Control: no-store`.
fn no_store(body: Value) -> Response {
    let mut res = Json(body).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// A metadata document: JSON, `Cache-Control: max-age=300` (wallets fetch it for every flow).
fn metadata(body: Value) -> Response {
    ([(header::CACHE_CONTROL, "max-age=300")], Json(body)).into_response()
}

/// The one value of header `name`; sent twice or not text: `invalid_request`-like `err`.
fn single_header<'a>(
    headers: &'a HeaderMap,
    name: &str,
    code: ErrorCode,
) -> Result<Option<&'a str>, Oid4vciError> {
    let mut values = headers.get_all(name).iter();
    let first = values.next();
    if values.next().is_some() {
        return Err(Oid4vciError::new(
            code,
            format!("header `{name}` is sent more than once"),
        ));
    }
    first
        .map(|v| {
            v.to_str()
                .map_err(|_| Oid4vciError::new(code, format!("header `{name}` is not text")))
        })
        .transpose()
}

/// Whether the request's `Content-Type` is `media_type` (parameters ignored).
fn content_type_is(headers: &HeaderMap, media_type: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(media_type))
}

/// Credential issuer metadata of a university (OpenID4VCI 1.0 §12.2.4).
///
/// At the well-known path with the issuer identifier's path inserted (§12.2.2): the issuer
/// identifier is `{base}/universities/{id}`. Three configurations: `enhance_edc_ldp_vc`,
/// `enhance_edc_jwt_vc_json`, `eu.europa.ec.eudi.learning_credential_sd_jwt`.
#[utoipa::path(get, path = "/.well-known/openid-credential-issuer/universities/{id}", tag = "oid4vci",
    params(("id" = String, Path, description = "The university (`eth`, `tudelft`, ...)")),
    responses(
        (status = 200, description = "The credential issuer metadata (Cache-Control max-age=300)", body = Object),
        (status = 404, description = "No such university", body = Problem, content_type = "application/problem+json")))]
async fn credential_issuer_metadata(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(metadata(s.app.credential_issuer_metadata(&id)?))
}

/// Authorization server metadata of a university (RFC 8414 §2, path insertion §3.1).
///
/// The pre-authorized code grant with anonymous access, DPoP algorithms.
#[utoipa::path(get, path = "/.well-known/oauth-authorization-server/universities/{id}", tag = "oid4vci",
    params(("id" = String, Path, description = "The university")),
    responses(
        (status = 200, description = "The authorization server metadata (Cache-Control max-age=300)", body = Object),
        (status = 404, description = "No such university", body = Problem, content_type = "application/problem+json")))]
async fn authorization_server_metadata(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(metadata(s.app.authorization_server_metadata(&id)?))
}

/// The university's logo for wallets (the metadata's `display.logo.uri`), SVG.
#[utoipa::path(get, path = "/universities/{id}/logo.svg", tag = "oid4vci",
    params(("id" = String, Path, description = "The university")),
    responses(
        (status = 200, description = "The logo", body = String, content_type = "image/svg+xml"),
        (status = 404, description = "No such university", body = Problem, content_type = "application/problem+json")))]
async fn logo(State(s): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let headers = [
        (header::CONTENT_TYPE, "image/svg+xml"),
        (header::CACHE_CONTROL, "max-age=86400"),
    ];
    Ok((headers, s.app.university_logo_svg(&id)?).into_response())
}

/// Token endpoint (OpenID4VCI 1.0 §6): the pre-authorized code grant.
///
/// Form body `grant_type=urn:ietf:params:oauth:grant-type:pre-authorized_code`,
/// `pre-authorized_code`, `tx_code` (when the offer has one). With a `DPoP` proof (RFC 9449; required
/// for HAIP universities) the token is DPoP-bound. Errors: `invalid_request`, `invalid_grant`
/// (unknown, used or expired code; wrong or exhausted `tx_code`), `unsupported_grant_type`,
/// `invalid_dpop_proof`.
#[utoipa::path(post, path = "/universities/{id}/token", tag = "oid4vci",
    params(
        ("id" = String, Path, description = "The university"),
        ("DPoP" = Option<String>, Header, description = "A DPoP proof (RFC 9449 §4) for this endpoint")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "grant_type, pre-authorized_code, tx_code"),
    responses(
        (status = 200, description = "`{access_token, token_type (DPoP or Bearer), expires_in}` (Cache-Control: no-store)", body = Object),
        (status = 400, description = "An OAuth error `{error, error_description}`", body = Object),
        (status = 404, description = "No such university", body = Problem, content_type = "application/problem+json")))]
async fn token(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Response> {
    s.app
        .require_credential_issuer(&id)
        .map_err(|e| ApiError::from(e).into_response())?;
    let answer = async {
        if !content_type_is(&headers, "application/x-www-form-urlencoded") {
            return Err(Oid4vciError::new(
                ErrorCode::InvalidRequest,
                "Content-Type must be application/x-www-form-urlencoded (RFC 6749 §3.2)",
            ));
        }
        let request = TokenRequest::from_form(&body)?;
        let dpop = single_header(&headers, "dpop", ErrorCode::InvalidDpopProof)?;
        s.app.oid4vci_token(&id, &request, dpop).await
    }
    .await;
    match answer {
        Ok(t) => {
            let mut res = no_store(json!(t));
            res.headers_mut()
                .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
            Ok(res)
        }
        Err(e) => Err(OAuthError::from(e).into_response()),
    }
}

/// Nonce endpoint (OpenID4VCI 1.0 §7): a fresh `c_nonce` for proofs of possession.
///
/// Single use, short-lived (`oid4vci.c_nonce_lifetime_secs`), valid in every replica.
#[utoipa::path(post, path = "/universities/{id}/nonce", tag = "oid4vci",
    params(("id" = String, Path, description = "The university")),
    responses(
        (status = 200, description = "`{c_nonce}` (Cache-Control: no-store)", body = Object),
        (status = 404, description = "No such university", body = Problem, content_type = "application/problem+json")))]
async fn nonce(State(s): State<AppState>, Path(id): Path<String>) -> Result<Response, Response> {
    s.app
        .require_credential_issuer(&id)
        .map_err(|e| ApiError::from(e).into_response())?;
    match s.app.oid4vci_nonce(&id).await {
        Ok(c_nonce) => Ok(no_store(json!({ "c_nonce": c_nonce }))),
        Err(e) => Err(OAuthError::from(e).into_response()),
    }
}

/// Credential endpoint (OpenID4VCI 1.0 §8): the credential, bound to the holder key.
///
/// `Authorization: DPoP <token>` with a `DPoP` proof (or `Bearer <token>` for a token that is not
/// DPoP-bound); JSON body `{credential_configuration_id, proofs: {jwt: [<proof>]}}`. Response
/// `{credentials: [{credential}]}`. Errors: `invalid_credential_request`,
/// `unknown_credential_configuration`, `invalid_proof`, `invalid_nonce`,
/// `credential_request_denied` (400); `invalid_token`, `invalid_dpop_proof` (401).
#[utoipa::path(post, path = "/universities/{id}/credential", tag = "oid4vci",
    params(
        ("id" = String, Path, description = "The university"),
        ("DPoP" = Option<String>, Header, description = "The DPoP proof (RFC 9449 §7) for a DPoP-bound token")),
    request_body(content = Object, content_type = "application/json", description = "The credential request (§8.2)"),
    responses(
        (status = 200, description = "The credential response (Cache-Control: no-store)", body = Object),
        (status = 400, description = "An OpenID4VCI error `{error, error_description}`", body = Object),
        (status = 401, description = "`invalid_token` or `invalid_dpop_proof`, with WWW-Authenticate", body = Object),
        (status = 404, description = "No such university", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`invalid_credential_request`: Content-Type is not application/json", body = Object)))]
async fn credential(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Response> {
    s.app
        .require_credential_issuer(&id)
        .map_err(|e| ApiError::from(e).into_response())?;
    if !content_type_is(&headers, "application/json") {
        let error = Oid4vciError::new(
            ErrorCode::InvalidCredentialRequest,
            "Content-Type must be application/json (§8.2)",
        );
        let mut res = OAuthError::from(error).into_response();
        *res.status_mut() = StatusCode::UNSUPPORTED_MEDIA_TYPE;
        return Err(res);
    }
    let answer = async {
        let authorization = single_header(&headers, "authorization", ErrorCode::InvalidToken)?;
        let dpop = single_header(&headers, "dpop", ErrorCode::InvalidDpopProof)?;
        s.app
            .oid4vci_credential(&id, authorization, dpop, &body)
            .await
    }
    .await;
    match answer {
        Ok(response) => Ok(no_store(response)),
        Err(error) => Err(OAuthError {
            error,
            resource: true,
        }
        .into_response()),
    }
}
