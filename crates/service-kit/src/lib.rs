//! HTTP plumbing shared by `issuer serve` and `verifier serve` (issue #13 "HTTP hygiene"; the
//! start of the shared service kit of issue #19). No domain logic:
//!
//! - [`server`]: the accept loop on hyper's HTTP/1 server with a header read timeout (RFC 9112
//!   §2: a request head trickled byte by byte closes the connection), graceful shutdown, and the
//!   client's socket address in every request's extensions ([`axum::extract::ConnectInfo`]);
//! - [`body_timeout`]: a total deadline for reading a request body, answered with 408;
//! - [`headers`]: security headers on every response, a Content-Security-Policy with the SHA-256
//!   hashes of the page's own `<style>` elements on every HTML page (CSP Level 3 §2.3.1 hash-source);
//! - [`rate_limit`]: per-client token buckets for the unauthenticated endpoints, 429 with
//!   `Retry-After` (RFC 9110 §10.2.3);
//! - [`problem`]: RFC 9457 problem JSON in the services' format.

pub mod body_timeout;
pub mod headers;
pub mod problem;
pub mod rate_limit;
pub mod server;

pub use body_timeout::BodyTimeout;
pub use rate_limit::{RateLimit, RateLimiter};
pub use server::{serve, ServeOptions};
