//! The one error type of the verifier service's JSON API: the service kit's RFC 9457 problem
//! details ([`service_kit::ApiError`], `application/problem+json`: `type`, `title`, `status`,
//! `detail`), re-exported here.
//!
//! Only malformed requests are errors: a credential that fails verification is not an error but a
//! report (VC-API `POST /credentials/verify` answers it with 422 and the report). Internal failures
//! are logged and answered with a generic detail ([`ApiError::internal`]).

pub use service_kit::problem::ApiError;
