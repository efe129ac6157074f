//! Health endpoints: `GET /healthz` answers `{"status":"ok"}` while the process serves requests
//! (liveness; it touches no dependency and is never rate limited). Readiness (`/readyz`, which
//! checks the database) is the issuer's own, built with [`ready`] and [`not_ready`].

use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::problem::ApiError;

/// `GET /healthz`.
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// The liveness route, to merge into a service's router.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/healthz", get(healthz))
}

/// The readiness answer: `{"status":"ready"}`.
pub fn ready() -> Json<Value> {
    Json(json!({"status": "ready"}))
}

/// 503 not ready; `detail` says which dependency is unreachable.
pub fn not_ready(detail: &str) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "not-ready",
        "Not ready",
        detail,
    )
}
