//! IETF OAuth Token Status List (draft-ietf-oauth-status-list) endpoints (issue #16): signed
//! status list tokens (`application/statuslist+jwt`) with cache headers, derived from the same
//! stored status lists as the Bitstring Status List credentials; thin handlers.
//!
//! §8.1-8.2: the token is served as `application/statuslist+jwt`; a request whose `Accept` admits
//! neither that type, nor `application/jwt`, nor a wildcard (e.g. only
//! `application/statuslist+cwt`) gets 406. §8.3 / §13 caching: `Cache-Control: public, max-age` =
//! the token's `ttl` = `limits.status_list_max_age_secs` (at most 60 s, as for the status list
//! credentials), and a strong `ETag` (304 on `If-None-Match`).

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use proofs::token_status_list::STATUS_LIST_JWT_MEDIA_TYPE;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiError, AppState, Problem};

/// The status list token routes (merged into [`super::api_routes`]).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(status_list_token))
}

/// Whether `Accept` (absent: yes) admits `application/statuslist+jwt` (or the generic
/// `application/jwt`, or a wildcard).
fn accepts_token(headers: &HeaderMap) -> bool {
    let values: Vec<&str> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if values.is_empty() {
        return true;
    }
    service_kit::accept::media_ranges(values)
        .iter()
        .any(|(media, q)| {
            *q > 0.0
                && matches!(
                    media.as_str(),
                    STATUS_LIST_JWT_MEDIA_TYPE | "application/jwt" | "application/*" | "*/*"
                )
        })
}

/// A status list token (IETF Token Status List §5.1), the `status.status_list.uri` of the SD-JWT
/// VC learning credentials.
///
/// A JWT signed by the university's seal key (`x5c`: its certificate chain; `typ`
/// `statuslist+jwt`) with `iss`, `sub` (this URL), `iat`, `exp` (24 h), `ttl` and `status_list`
/// (`bits` 2 for the awards' `message` lists: 0 VALID, 1 INVALID (revoked), 2 SUSPENDED; `lst`
/// ZLIB-compressed, base64url). The same list and index as the credential's Bitstring Status
/// List entry: one status change shows in both. `Cache-Control: public, max-age` = `ttl` (at most
/// 60 s), `ETag` (304 on `If-None-Match`).
#[utoipa::path(get, path = "/status/{university}/{list}/token", tag = "public",
    params(
        ("university" = String, Path, description = "The university"),
        ("list" = String, Path, description = "The list's id")),
    responses(
        (status = 200, description = "The signed status list token", body = String, content_type = "application/statuslist+jwt"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, description = "No such list (or the university has no seal key)", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "`Accept` admits neither `application/statuslist+jwt`, `application/jwt` nor a wildcard", body = Problem, content_type = "application/problem+json")))]
async fn status_list_token(
    State(s): State<AppState>,
    Path((university, list)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !accepts_token(&headers) {
        return Err(ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            "not-acceptable",
            "Not acceptable",
            format!("this resource is {STATUS_LIST_JWT_MEDIA_TYPE} only (draft-ietf-oauth-status-list §8.2)"),
        ));
    }
    let ttl = s.limits.status_list_max_age_secs.min(60);
    let token = s
        .app
        .status_list_token(&university, &list, u64::from(ttl))
        .await?;
    let cache = format!("public, max-age={ttl}");
    let mut res = super::conditional(
        &headers,
        &token.etag,
        &cache,
        STATUS_LIST_JWT_MEDIA_TYPE,
        token.jwt,
    );
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept"));
    Ok(res)
}
