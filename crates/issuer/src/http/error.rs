//! The one error type of the HTTP API, rendered as RFC 9457 problem details
//! (`application/problem+json`: `type`, `title`, `status`, `detail`, and for validation errors an
//! `errors` array naming each field's JSON path and the rule it breaks).
//!
//! Storage and signing failures are logged and answered with a generic detail: internal messages
//! (which may name tables or keys) never reach the client.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::domain::{DomainError, FieldError};

/// An API error.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Problem type slug (rendered as `urn:enhance-credentials:problem:<slug>`).
    pub kind: &'static str,
    /// Short summary of the problem type.
    pub title: &'static str,
    /// Explanation of this occurrence.
    pub detail: String,
    /// Field findings (validation).
    pub errors: Vec<FieldError>,
    /// `Retry-After` seconds (429, 503).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// A problem without field findings.
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
            errors: Vec::new(),
            retry_after: None,
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

    /// 401 no or unknown token.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authentication required",
            detail,
        )
    }

    /// The same problem with `Retry-After: secs`.
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// 422 with findings.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = match errors.first() {
            Some(e) if errors.len() == 1 => format!(
                "{}: {} ({})",
                if e.path.is_empty() {
                    "(document)"
                } else {
                    &e.path
                },
                e.message,
                e.rule
            ),
            _ => format!("{} fields are invalid; see `errors`", errors.len()),
        };
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            kind: "validation",
            title: "The request is not valid",
            detail,
            errors,
            retry_after: None,
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Validation(errors) => Self::validation(errors),
            DomainError::BadRequest(m) => Self::bad_request(m),
            DomainError::Forbidden(m) => Self::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Not allowed for this token",
                m,
            ),
            DomainError::NotFound(m) => Self::new(
                StatusCode::NOT_FOUND,
                "not-found",
                "Not found",
                format!("{m} not found"),
            ),
            DomainError::Conflict(m) => Self::new(
                StatusCode::CONFLICT,
                "conflict",
                "Conflict with the current state",
                m,
            ),
            DomainError::ListFull(_) => {
                tracing::error!(error = %e, "status list full");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "status-list-full",
                    "No status index available",
                    "the status list is full; contact the operator",
                )
            }
            DomainError::NotVerified(errors) => {
                let server_fault = errors.iter().any(|e| {
                    matches!(
                        e.rule.as_str(),
                        "verify.proof" | "verify.trust" | "verify.payload"
                    )
                });
                let detail = errors
                    .iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ");
                if server_fault {
                    tracing::error!(
                        findings = errors.len(),
                        "issued credential failed verification; not stored"
                    );
                }
                let status = if server_fault {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::UNPROCESSABLE_ENTITY
                };
                Self {
                    status,
                    kind: "not-verified",
                    title: "The issued credential did not verify; nothing was stored",
                    detail,
                    errors,
                    retry_after: None,
                }
            }
            DomainError::Securing(_) => {
                tracing::error!(error = %e, "securing failed");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "securing",
                    "The credential could not be secured",
                    "signing or verifying the credential failed",
                )
            }
            DomainError::Storage(_) => {
                tracing::error!(error = %e, "storage failed");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage",
                    "Storage unavailable",
                    "the database failed; retry later",
                )
            }
            DomainError::Busy(m) => {
                tracing::warn!(reason = %m, "busy");
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "Service busy", m)
                    .with_retry_after(5)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "type": format!("urn:enhance-credentials:problem:{}", self.kind),
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        if !self.errors.is_empty() {
            body["errors"] = json!(self.errors);
        }
        let mut res = (self.status, body.to_string()).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}
