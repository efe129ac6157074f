//! The service kit of `issuer serve` and `verifier serve` (issue #13 "HTTP hygiene", issue #19
//! "one service kit"): everything both services need around their own routes, written once.
//! No domain logic:
//!
//! - [`server`]: the accept loop on hyper's HTTP/1 server with a header read timeout (RFC 9112
//!   §2: a request head trickled byte by byte closes the connection), graceful shutdown, and the
//!   client's socket address in every request's extensions ([`axum::extract::ConnectInfo`]);
//! - [`lifecycle`]: bind, start in the background, graceful stop with a grace period, signals;
//! - [`problem`]: RFC 9457 problem JSON, the [`ApiError`] of both APIs;
//! - [`body`]: JSON and raw body extractors with limits (413/415/400 as problem JSON);
//! - [`body_timeout`]: a total deadline for reading a request body, answered with 408;
//! - [`headers`]: security headers on every response, a Content-Security-Policy with the SHA-256
//!   hashes of the page's own `<style>` elements on every HTML page (CSP Level 3 §2.3.1 hash-source);
//! - [`layers`]: the layers every route gets (limits, headers, request spans);
//! - [`rate_limit`]: per-client and per-key rate limits (`governor`), 429 with `Retry-After`
//!   (RFC 9110 §10.2.3);
//! - [`config`]: TOML + environment configuration loading and its errors, [`LogFormat`];
//! - [`logging`]: structured logging set-up;
//! - [`health`]: `GET /healthz` and the readiness answers;
//! - [`accept`]: `Accept` media ranges with their quality (content negotiation);
//! - `test_support` (feature `test-support`): the fixture HTTP server of the test suites;
//!   `openapi_check` (same feature): what the services' OpenAPI tests share; `test_client` (same
//!   feature): the HTTP client calls of the test suites; `test_status_list` (same feature): the
//!   Bitstring Status List fixtures they serve.

pub mod accept;
pub mod body;
pub mod body_timeout;
pub mod config;
pub mod headers;
pub mod health;
pub mod layers;
pub mod lifecycle;
pub mod logging;
#[cfg(any(test, feature = "test-support"))]
pub mod openapi_check;
pub mod problem;
pub mod rate_limit;
pub mod server;
#[cfg(feature = "test-support")]
pub mod test_client;
#[cfg(feature = "test-support")]
pub mod test_status_list;
#[cfg(any(test, feature = "test-support"))]
pub mod test_support;

pub use body::{BodyLimit, JsonBody, RawBody};
pub use body_timeout::BodyTimeout;
pub use config::{ConfigError, LogFormat};
pub use layers::{with_common_layers, CommonLayers};
pub use lifecycle::{Running, StopOptions};
pub use logging::init_logging;
pub use problem::{ApiError, Finding};
pub use rate_limit::{KeyedLimiter, RateLimit, RateLimiter};
pub use server::{serve, ServeOptions};
