//! Issuing ENHANCE credentials: library, CLI and service.
//!
//! - [`universities`]: reads the universities registry (`keys.example/universities.toml`) and
//!   derives each university's did:web from the service's base URL.
//! - [`award_file`]: reads an award request file and the display images it references (relative
//!   to the award file), then builds the unsigned EDC credential with [`elm_model::build()`].

pub mod allocator; // issue #18: mimalloc purge delay of the service
pub mod app; // issuer service (issue #4): use cases
pub mod award_file;
pub mod config; // issuer service: settings (docs/CONFIG.md)
pub mod domain; // issuer service: domain (no axum/sqlx)
pub mod http; // issuer service: HTTP API
pub mod securing; // issuer service: Data Integrity signing port
pub mod server; // issuer service: start-up, `serve`
pub mod store; // issuer service: SQLite/PostgreSQL storage
pub mod tenants;
pub mod universities; // issuer service: universities and tokens files
pub use server::{serve, start, RunningServer, ServeError};
pub mod display; // issue #7: verification URL, certificate page images at issuance
pub mod notify; // issue #18: learner notification e-mail (outbox worker, SMTP)
pub mod oid4vci; // issue #16: OpenID4VCI 1.0 credential issuer (wallets)
pub mod qr; // issuer service: QR codes of share links
pub mod render_pool; // issue #13: bounded rendering pool and cache
