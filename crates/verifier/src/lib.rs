//! What a valid ENHANCE credential is: the verification library behind the `verifier` CLI and
//! service.
//!
//! `verify(credential, &Policy, &Clock) -> Report` runs the checks of [`report::CheckKind`] and
//! derives a verdict (W3C VC Data Model 2.0 §7 "Verification"; VC-API `/credentials/verify`).
//!
//! - [`verify()`] / [`verify_json`]: format detection and the checks ([`verify`](mod@verify)).
//! - [`Policy`]: checks, [`TrustRegistry`], CA anchors, [`NetworkPolicy`], cache TTLs.
//! - [`registry`]: the trusted-issuer registry (`keys.example/trust-registry.json`).
//! - [`status`]: Bitstring Status List decoding; [`fetch`]: guarded HTTP.
#![forbid(unsafe_code)]

mod awarding;
pub mod clock;
pub mod fetch;
mod format;
pub mod policy;
pub mod registry;
pub mod report;
mod resolve;
mod revocation;
pub mod status;
mod validity;
pub mod verify;

pub use awarding::ON_BEHALF_PHRASES;
pub use clock::{Clock, FixedClock, SystemClock};
pub use format::SHACL_UNAVAILABLE;
pub use policy::{NetworkPolicy, Policy};
pub use registry::TrustRegistry;
pub use report::{CheckKind, CheckResult, CheckStatus, Report, SubCheck, Verdict};
pub use verify::{verify, verify_json};
