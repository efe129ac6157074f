//! The issuer service's domain: tenants and roles, status index allocation, Bitstring Status
//! Lists, VC-API credential preparation, and the errors the API reports. No I/O: nothing here
//! imports axum or sqlx (the `http` handlers and the `store` adapter do).

pub mod auth;
pub mod csv_rows;
pub mod error;
pub mod notify_message; // the learner notification e-mail (issue #18)
pub mod permutation;
pub mod prepare;
pub mod programme;
pub mod staff; // staff sign-in: Argon2id passwords, TOTP (RFC 6238), lockout (issue #18)
pub mod status_list;
pub mod xlsx_rows; // XLSX cohort uploads read into the records of a CSV (issue #18)

pub use auth::{hash_token, Principal, Role};
pub use error::{DomainError, FieldError};
pub use status_list::StatusPurpose;
