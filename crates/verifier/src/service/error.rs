//! The one error type of the verifier service's JSON API, rendered as RFC 9457 problem details
//! (`application/problem+json`: `type`, `title`, `status`, `detail`).
//!
//! Only malformed requests are errors: a credential that fails verification is not an error but a
//! report (VC-API `POST /credentials/verify` answers it with 422 and the report). Internal failures
//! are logged and answered with a generic detail.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An API error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Problem type slug (rendered as `urn:enhance-credentials:problem:<slug>`).
    pub kind: &'static str,
    /// Short summary of the problem type.
    pub title: &'static str,
    /// Explanation of this occurrence (names the field and the rule).
    pub detail: String,
}

impl ApiError {
    /// A problem.
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            kind,
            title,
            detail: detail.into(),
        }
    }

    /// 400 malformed request.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Malformed request",
            detail,
        )
    }

    /// 413 body over the configured limit.
    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Request body too large",
            format!("the body exceeds the configured limit of {limit} bytes (max_body_bytes)"),
        )
    }

    /// 404 no such endpoint.
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            "no such endpoint",
        )
    }

    /// 500; `what` is logged, never sent.
    pub fn internal(what: &str) -> Self {
        tracing::error!(error = %what, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the verification could not be run; retry later",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "type": format!("urn:enhance-credentials:problem:{}", self.kind),
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        let mut res = (self.status, body.to_string()).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        res
    }
}
