//! Request body extractors with limits, answered with problem JSON ([`crate::problem::ApiError`]):
//!
//! - [`JsonBody`]: a `Content-Type` other than `application/json` or a `+json` type is 415
//!   (RFC 9110 §15.5.16), malformed JSON and duplicate member names (I-JSON RFC 7493 §2.3,
//!   [`strict_json`]) are 400, a body over the limit is 413 (RFC 9110 §15.5.14);
//! - [`RawBody`]: any bytes within the limit.
//!
//! The limit is set once per router with [`limit_body`], which also tells the extractors its size
//! and the name of its setting, so that the 413 detail names both.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Router;
use serde_json::Value;

use crate::problem::ApiError;

/// Bodies larger than this are parsed on the blocking pool: a 2 MB body takes tens of
/// milliseconds to parse, which the async workers (and `/healthz`) must not wait for.
const PARSE_INLINE_MAX: usize = 64 * 1024;

/// The request body limit of a router.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimit {
    /// Largest accepted body in bytes.
    pub max_bytes: usize,
    /// The configuration setting that sets it (named in the 413 detail).
    pub setting: &'static str,
}

/// Applies `limit` to every route of `router` (as [`DefaultBodyLimit`]) and records it for the
/// extractors' 413 answers.
pub fn limit_body<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    limit: BodyLimit,
) -> Router<S> {
    router
        .layer(DefaultBodyLimit::max(limit.max_bytes))
        .layer(axum::Extension(limit))
}

/// Reads the whole body within the router's limit.
async fn read_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    let limit = req.extensions().get::<BodyLimit>().copied();
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            match limit {
                Some(l) => ApiError::too_large(l.max_bytes, l.setting),
                None => ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too-large",
                    "Request body too large",
                    "the body exceeds the configured limit",
                ),
            }
        } else {
            ApiError::bad_request(e.body_text())
        }
    })
}

/// 415 unless `headers` announce JSON ([`strict_json::is_json_media_type`]).
pub fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    if content_type
        .as_deref()
        .is_some_and(strict_json::is_json_media_type)
    {
        Ok(())
    } else {
        Err(ApiError::unsupported_media_type(content_type.as_deref()))
    }
}

/// A strict JSON body (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        require_json(req.headers())?;
        let bytes = read_bytes(req, state).await?;
        let parsed = if bytes.len() > PARSE_INLINE_MAX {
            tokio::task::spawn_blocking(move || strict_json::from_slice(&bytes))
                .await
                .map_err(|e| ApiError::internal(&format!("JSON parse task: {e}")))?
        } else {
            strict_json::from_slice(&bytes)
        };
        parsed
            .map(JsonBody)
            .map_err(|e| ApiError::bad_request(format!("body is not valid JSON: {e}")))
    }
}

/// A raw body within the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        read_bytes(req, state).await.map(RawBody)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::post;
    use tower::ServiceExt as _;

    async fn answer(content_type: Option<&str>, body: &str) -> (u16, String) {
        let router: Router = limit_body(
            Router::new().route(
                "/",
                post(|JsonBody(v): JsonBody| async move { v.to_string() }),
            ),
            BodyLimit {
                max_bytes: 64,
                setting: "limits.max_body_bytes",
            },
        );
        let mut req = Request::post("/");
        if let Some(t) = content_type {
            req = req.header(header::CONTENT_TYPE, t);
        }
        let res = router
            .oneshot(req.body(Body::from(body.to_owned())).unwrap())
            .await
            .unwrap();
        let status = res.status().as_u16();
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    #[tokio::test]
    async fn json_body_answers_415_400_413_as_problems() {
        assert_eq!(
            answer(Some("application/ld+json"), r#"{"a":1}"#).await,
            (200, r#"{"a":1}"#.to_owned())
        );
        let (status, problem) = answer(Some("text/plain"), "{}").await;
        assert_eq!(status, 415);
        assert!(problem.contains("got text/plain"), "{problem}");
        let (status, problem) = answer(Some("application/json"), r#"{"a":1,"a":2}"#).await;
        assert_eq!(status, 400);
        assert!(problem.contains("body is not valid JSON"), "{problem}");
        let (status, problem) = answer(Some("application/json"), &"x".repeat(65)).await;
        assert_eq!(status, 413);
        assert!(
            problem.contains("limit of 64 bytes (limits.max_body_bytes)"),
            "{problem}"
        );
    }
}
