//! RFC 9457 problem details (`application/problem+json`) in the format both services use:
//! `type` = `urn:enhance-credentials:problem:<slug>`, `title`, `status`, `detail`, and for
//! validation errors the extension member `errors` (RFC 9457 §3.2), one finding per field naming
//! its JSON path and the rule it breaks.
//!
//! [`ApiError`] is the one error type of both services' HTTP APIs. Each service keeps its own
//! mapping from domain errors to problem types (`impl From<DomainError> for ApiError` in the
//! issuer); internal failures are logged and answered with a generic detail.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// A problem JSON response.
pub fn problem(status: StatusCode, kind: &str, title: &str, detail: &str) -> Response {
    ApiError {
        status,
        kind: "",
        title: "",
        detail: String::new(),
        errors: Vec::new(),
        retry_after: None,
    }
    .render(kind, title, detail)
}

/// A field finding of a validation problem: the JSON path, the rule and a message.
pub trait Finding: serde::Serialize {
    /// JSON path of the field (empty: the whole document).
    fn path(&self) -> &str;
    /// Stable rule code.
    fn rule(&self) -> &str;
    /// Human-readable message.
    fn message(&self) -> &str;
}

/// An API error, rendered as problem JSON.
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
    /// Field findings (the `errors` extension member), serialised.
    pub errors: Vec<Value>,
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

    /// 401 no or unknown token (answered with `WWW-Authenticate: Bearer`).
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authentication required",
            detail,
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

    /// 413 body over the limit of `limit` bytes set by `setting`.
    pub fn too_large(limit: usize, setting: &str) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Request body too large",
            format!("the body exceeds the configured limit of {limit} bytes ({setting})"),
        )
    }

    /// 415 the body is not JSON; `got` is the request's `Content-Type`.
    pub fn unsupported_media_type(got: Option<&str>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            format!(
                "Content-Type must be {}; got {}",
                strict_json::JSON_MEDIA_TYPES,
                got.unwrap_or("none")
            ),
        )
    }

    /// 500; `what` is logged, never sent.
    pub fn internal(what: &str) -> Self {
        tracing::error!(error = %what, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the request could not be completed; retry later",
        )
    }

    /// 422 with findings; the detail names the field and rule when there is one finding.
    pub fn validation<F: Finding>(errors: Vec<F>) -> Self {
        let detail = match errors.first() {
            Some(e) if errors.len() == 1 => {
                let path = if e.path().is_empty() {
                    "(document)"
                } else {
                    e.path()
                };
                format!("{path}: {} ({})", e.message(), e.rule())
            }
            _ => format!("{} fields are invalid; see `errors`", errors.len()),
        };
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "The request is not valid",
            detail,
        )
        .with_errors(&errors)
    }

    /// The same problem with field findings in `errors`.
    pub fn with_errors<F: serde::Serialize>(mut self, errors: &[F]) -> Self {
        self.errors = errors
            .iter()
            .filter_map(|e| serde_json::to_value(e).ok())
            .collect();
        self
    }

    /// The same problem with `Retry-After: secs`.
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    fn render(&self, kind: &str, title: &str, detail: &str) -> Response {
        let mut body = json!({
            "type": format!("urn:enhance-credentials:problem:{kind}"),
            "title": title,
            "status": self.status.as_u16(),
            "detail": detail,
        });
        if let (false, Some(members)) = (self.errors.is_empty(), body.as_object_mut()) {
            members.insert("errors".into(), Value::Array(self.errors.clone()));
        }
        let mut res = (self.status, body.to_string()).into_response();
        let headers = res.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.kind, self.detail)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.render(self.kind, self.title, &self.detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct F(&'static str);

    impl Finding for F {
        fn path(&self) -> &str {
            self.0
        }
        fn rule(&self) -> &str {
            "r.one"
        }
        fn message(&self) -> &str {
            "is wrong"
        }
    }

    #[test]
    fn validation_names_field_and_rule() {
        let e = ApiError::validation(vec![F("learner.name")]);
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.detail, "learner.name: is wrong (r.one)");
        assert_eq!(e.errors, vec![json!("learner.name")]);
        let e = ApiError::validation(vec![F(""), F("x")]);
        assert_eq!(e.detail, "2 fields are invalid; see `errors`");
        let res = ApiError::unauthorized("no token")
            .with_retry_after(3)
            .into_response();
        assert_eq!(res.headers()[header::WWW_AUTHENTICATE], "Bearer");
        assert_eq!(res.headers()[header::RETRY_AFTER], "3");
        assert_eq!(
            res.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
    }
}
