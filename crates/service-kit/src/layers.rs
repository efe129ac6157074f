//! The layers every route of both services gets, in one place: the body size limit
//! ([`crate::body::limit_body`], 413), the total body read deadline ([`crate::body_timeout`],
//! 408), the security headers ([`crate::headers`]) and a request span per request carrying the
//! method and the route template only (`/share/{token}`, not the token; no query string, no
//! headers, no body), so neither personal data nor secrets reach the logs.

use std::time::Duration;

use axum::extract::{MatchedPath, Request};
use axum::Router;

use crate::body::{limit_body, BodyLimit};
use crate::body_timeout::{body_timeout, BodyTimeout};
use crate::headers::security_headers;

/// Settings of the common layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommonLayers {
    /// Request body size limit.
    pub body_limit: BodyLimit,
    /// Total time allowed to read a request body.
    pub body_read_timeout: Duration,
}

/// Applies the common layers to `router` (outermost: tracing, then security headers, the body
/// read deadline and the body limit).
pub fn with_common_layers<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    layers: CommonLayers,
) -> Router<S> {
    limit_body(router, layers.body_limit)
        .layer(axum::middleware::from_fn_with_state(
            BodyTimeout(layers.body_read_timeout),
            body_timeout,
        ))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let route = req
                        .extensions()
                        .get::<MatchedPath>()
                        .map(|m| m.as_str().to_owned())
                        .unwrap_or_else(|| "(unmatched)".into());
                    tracing::info_span!("request", method = %req.method(), route = %route)
                })
                .on_request(())
                .on_response(
                    tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO),
                ),
        )
}
