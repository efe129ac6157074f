//! The issuer service's domain: tenants and roles, status index allocation, Bitstring Status
//! Lists, VC-API credential preparation, and the errors the API reports. No I/O: nothing here
//! imports axum or sqlx (the `http` handlers and the `store` adapter do).

pub mod auth;
pub mod csv_rows;
pub mod error;
pub mod permutation;
pub mod prepare;
pub mod programme;
pub mod status_list;

pub use auth::{hash_token, Principal, Role};
pub use error::{DomainError, FieldError};
pub use status_list::StatusPurpose;
