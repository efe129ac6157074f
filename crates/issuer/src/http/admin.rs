//! Admin endpoints of the issuer service: a university's staff API tokens (RFC 6750 bearer
//! tokens; roles `issue`, `revoke`, `admin`). Thin handlers over [`crate::app::App`]; every
//! endpoint needs the `admin` role and acts on the caller's own university only.
//!
//! - `POST /admin/tokens` `{roles, label}` → 201 with the new token (its secret shown this once);
//! - `GET /admin/tokens` → the university's tokens without secrets;
//! - `DELETE /admin/tokens/{id}[?reason=...]` → 204; the token stops working at once.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiError, AppState, Auth, Typed};
use crate::app::api::{NewToken, Problem, TokenList, TokenRequest};

/// The admin routes (merged into [`super::api_routes`]).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

/// Create a staff API token of the caller's university (role `admin`).
///
/// The secret is returned once, only its SHA-256 is stored; audit-logged.
#[utoipa::path(post, path = "/admin/tokens", tag = "admin", security(("bearer" = [])),
    request_body = TokenRequest,
    responses(
        (status = 201, description = "Created; `token` is the bearer secret, shown this once (Cache-Control: no-store)", body = NewToken),
        (status = 422, description = "Unknown role or bad label (`token.roles`, `token.label`)", body = Problem, content_type = "application/problem+json")))]
async fn create_token(
    State(s): State<AppState>,
    Auth(p): Auth,
    Typed(request): Typed<TokenRequest>,
) -> Result<Response, ApiError> {
    let created = s.app.create_token(&p, &request).await?;
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(created),
    )
        .into_response())
}

/// The staff API tokens of the caller's university, without secrets (role `admin`).
#[utoipa::path(get, path = "/admin/tokens", tag = "admin", security(("bearer" = [])),
    responses((status = 200, description = "Live and revoked tokens", body = TokenList)))]
async fn list_tokens(
    State(s): State<AppState>,
    Auth(p): Auth,
) -> Result<Json<TokenList>, ApiError> {
    Ok(Json(s.app.list_tokens(&p).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct RevokeQuery {
    /// Why (recorded in the audit log).
    reason: Option<String>,
}

/// Revoke a staff API token of the caller's university (role `admin`).
///
/// It stops working at once; audit-logged with `reason`.
#[utoipa::path(delete, path = "/admin/tokens/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The token's id"), RevokeQuery),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such token of the caller's university", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The token is already revoked, or it is the university's last live admin token (rule token.last-admin)", body = Problem, content_type = "application/problem+json")))]
async fn revoke_token(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    Query(q): Query<RevokeQuery>,
) -> Result<StatusCode, ApiError> {
    s.app.revoke_token(&p, &id, q.reason.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}
