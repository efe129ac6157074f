//! SD-JWT VC metadata endpoints (issue #16 point 3; thin handlers over [`crate::app::vct`]):
//! the learning credential's Type Metadata (draft-ietf-oauth-sd-jwt-vc §6) at
//! `GET /vct/learning-credential`, and each university's JWT VC Issuer Metadata
//! (draft-ietf-oauth-sd-jwt-vc-08 §5, well-known path insertion after the host:
//! `GET /.well-known/jwt-vc-issuer/universities/{id}` for the issuer `{base}/universities/{id}`).

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiError, AppState, Problem};
use crate::app::vct::learning_credential_type_metadata;

/// The metadata routes (merged into [`super::api_routes`]).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(learning_credential_type_metadata_doc))
        .routes(routes!(jwt_vc_issuer_metadata))
}

fn cacheable(mut res: Response, max_age: &'static str) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(max_age));
    res
}

/// The SD-JWT VC Type Metadata of the learning credential (`vct`
/// `urn:eu.europa.ec.eudi:learning:credential:1`).
///
/// `display` (en, de, nl, pl) and one `claims` entry per claim: `path`, `display` labels, `sd`
/// (`always` for the learner's names, date of birth, identification and grade; `never`
/// otherwise), `mandatory`. The bytes are fixed per release; their SHA-256 is the `ETag` and the
/// SD-JWT VC's `vct#integrity` (`sha256-...`). `Cache-Control: public, max-age=86400`.
#[utoipa::path(get, path = "/vct/learning-credential", tag = "public",
    responses((status = 200, description = "The Type Metadata document", body = Object, content_type = "application/json")))]
async fn learning_credential_type_metadata_doc() -> Response {
    let doc = learning_credential_type_metadata();
    let mut res = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        doc.body,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", doc.integrity)) {
        res.headers_mut().insert(header::ETAG, v);
    }
    cacheable(res, "public, max-age=86400")
}

/// JWT VC Issuer Metadata of a university (SD-JWT VC issuer key discovery).
///
/// `issuer` (`{base}/universities/{id}`, the `iss` of its SD-JWT VCs and status list tokens) and
/// `jwks`: its seal key as a JWK with `kid` (RFC 7638 thumbprint, as in those JWTs' headers),
/// `use` `sig`, `alg` and `x5c` (the seal certificate chain). `Cache-Control: public, max-age=300`.
#[utoipa::path(get, path = "/.well-known/jwt-vc-issuer/universities/{id}", tag = "public",
    params(("id" = String, Path, description = "The university (`eth`, `tudelft`, ...)")),
    responses(
        (status = 200, description = "The JWT VC Issuer Metadata", body = Object, content_type = "application/json"),
        (status = 404, description = "No such university (or it has no seal key)", body = Problem, content_type = "application/problem+json")))]
async fn jwt_vc_issuer_metadata(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let metadata = s.app.jwt_vc_issuer_metadata(&id)?;
    Ok(cacheable(
        Json(metadata).into_response(),
        "public, max-age=300",
    ))
}
