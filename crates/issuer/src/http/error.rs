//! The one error type of the HTTP API: the service kit's RFC 9457 problem details
//! ([`service_kit::ApiError`], `application/problem+json`: `type`, `title`, `status`, `detail`,
//! and for validation errors an `errors` array naming each field's JSON path and the rule it
//! breaks), re-exported here, with the issuer's mapping of [`DomainError`]s to problem types.
//!
//! Storage and signing failures are logged and answered with a generic detail: internal messages
//! (which may name tables or keys) never reach the client.

use axum::http::StatusCode;
pub use service_kit::problem::ApiError;

use crate::domain::{DomainError, FieldError};

impl service_kit::Finding for FieldError {
    fn path(&self) -> &str {
        &self.path
    }

    fn rule(&self) -> &str {
        &self.rule
    }

    fn message(&self) -> &str {
        &self.message
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Validation(errors) => ApiError::validation(errors),
            DomainError::BadRequest(m) => ApiError::bad_request(m),
            DomainError::Forbidden(m) => ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Not allowed for this token",
                m,
            ),
            DomainError::NotFound(m) => ApiError::new(
                StatusCode::NOT_FOUND,
                "not-found",
                "Not found",
                format!("{m} not found"),
            ),
            DomainError::Conflict(m) => ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                "Conflict with the current state",
                m,
            ),
            DomainError::ListFull(_) => {
                tracing::error!(error = %e, "status list full");
                ApiError::new(
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
                ApiError::new(
                    status,
                    "not-verified",
                    "The issued credential did not verify; nothing was stored",
                    detail,
                )
                .with_errors(&errors)
            }
            DomainError::Securing(_) => {
                tracing::error!(error = %e, "securing failed");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "securing",
                    "The credential could not be secured",
                    "signing or verifying the credential failed",
                )
            }
            DomainError::Storage(_) => {
                tracing::error!(error = %e, "storage failed");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage",
                    "Storage unavailable",
                    "the database failed; retry later",
                )
            }
            DomainError::Busy(m) => {
                tracing::warn!(reason = %m, "busy");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "Service busy", m)
                    .with_retry_after(5)
            }
        }
    }
}
