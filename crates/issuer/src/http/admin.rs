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
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde_json::Value;

use super::{ApiError, AppState, Auth, JsonBody};

/// The admin routes (merged into [`super::router`]).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/tokens", get(list_tokens).post(create_token))
        .route("/admin/tokens/{id}", delete(revoke_token))
}

async fn create_token(
    State(s): State<AppState>,
    Auth(p): Auth,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let created = s.app.create_token(&p, &body).await?;
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(created),
    )
        .into_response())
}

async fn list_tokens(State(s): State<AppState>, Auth(p): Auth) -> Result<Json<Value>, ApiError> {
    Ok(Json(s.app.list_tokens(&p).await?))
}

#[derive(serde::Deserialize)]
struct RevokeQuery {
    /// Why (recorded in the audit log).
    reason: Option<String>,
}

async fn revoke_token(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    Query(q): Query<RevokeQuery>,
) -> Result<StatusCode, ApiError> {
    s.app.revoke_token(&p, &id, q.reason.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}
