//! Domain errors, mapped by the HTTP layer to RFC 9457 problem details (one `ApiError`).

/// One validation finding: the JSON path of the field and the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FieldError {
    /// JSON path (`learner.givenName`, `credential.issuer`); empty for the whole document.
    pub path: String,
    /// Stable rule code (`award.parse`, `vc.context`, ...).
    pub rule: String,
    /// Human-readable message.
    pub message: String,
}

impl FieldError {
    /// A finding.
    pub fn new(
        path: impl Into<String>,
        rule: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            path: path.into(),
            rule: rule.into(),
            message: message.into(),
        }
    }
}

impl FieldError {
    /// The findings of the error-level `issues` (warnings do not refuse a request).
    pub fn errors_of(issues: &[elm_model::Issue]) -> Vec<Self> {
        issues
            .iter()
            .filter(|i| i.is_error())
            .map(Self::from)
            .collect()
    }
}

impl From<&elm_model::Issue> for FieldError {
    fn from(i: &elm_model::Issue) -> Self {
        Self::new(i.path.clone(), i.rule, i.message.clone())
    }
}

/// What can go wrong in an operation, independent of transport and storage.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The request is well-formed JSON but breaks rules (HTTP 422).
    #[error("validation failed: {} finding(s)", .0.len())]
    Validation(Vec<FieldError>),
    /// The request itself is malformed (HTTP 400).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Authenticated but not allowed (HTTP 403).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Not found, or not visible to this university (HTTP 404).
    #[error("not found: {0}")]
    NotFound(String),
    /// Conflicts with the current state (HTTP 409), e.g. an idempotency key reused with another body.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A status list is full (HTTP 503 until a new list is provisioned).
    #[error("status list full: {0}")]
    ListFull(String),
    /// The secured credential did not pass the `verifier` check before storage: one finding per
    /// check that failed (rule `verify.<check>`, or `verify.payload` when a JAdES / VC-JWT form
    /// carries another credential). Nothing was stored. HTTP 500 when the proof, seal, trust or
    /// payload check failed (the service's keys or securer are at fault), else 422.
    #[error("the issued credential did not verify: {} finding(s)", .0.len())]
    NotVerified(Vec<FieldError>),
    /// Signing failed (HTTP 500; never contains key material).
    #[error("securing failed: {0}")]
    Securing(String),
    /// Storage failed (HTTP 500/503).
    #[error("storage error: {0}")]
    Storage(String),
    /// A bounded resource is busy or the service is shutting down (HTTP 503 with `Retry-After`),
    /// e.g. no rendering worker was free within the render deadline.
    #[error("busy: {0}")]
    Busy(String),
}
