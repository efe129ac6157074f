//! What a valid ENHANCE credential is: the verification library behind the `verifier` CLI and
//! service.
//!
//! `verify(credential, &Policy, &Clock) -> Report` runs the checks of [`report::CheckKind`] and
//! derives a verdict (W3C VC Data Model 2.0 §7 "Verification"; VC-API `/credentials/verify`).
//!
//! - [`verify()`] / [`verify_json`]: format detection and the checks ([`verify`](mod@verify)).
//! - [`verify_presentation`]: a verifiable presentation (its `authentication` proof with
//!   challenge and domain, and each credential in it) ([`presentation`]).
//! - [`Policy`]: checks, [`TrustRegistry`], CA anchors, [`NetworkPolicy`], cache TTLs.
//! - [`registry`]: the trusted-issuer registry (`keys.example/trust-registry.json`).
//! - [`status`]: Bitstring Status List decoding; [`fetch`]: guarded HTTP.
//! - [`eidas`]: the EU trusted lists as a trust source for seals (`verifier trust refresh`, the
//!   cache, the qualified e-seal decision of the trust check).
//! - [`stack`]: stackability of unit credentials towards a programme ([`check_stack()`]).
//! - `service` (cargo feature `service`, on by default): `verifier serve`, the HTTP service
//!   (VC-API verify, the employer's verification page, the upload page).
#![forbid(unsafe_code)]

mod awarding;
pub mod clock;
pub mod eidas;
pub mod fetch;
mod format;
pub mod oid4vp; // issue #17: OpenID4VP 1.0 presentation requests
pub mod policy;
pub mod presentation;
pub mod registry;
pub mod report;
mod resolve;
mod revocation;
pub mod sd_jwt_vc; // issue #16: SD-JWT VC verification
#[cfg(feature = "service")]
pub mod service;
pub mod stack;
pub mod status;
mod validity;
pub mod verify;

pub use awarding::ON_BEHALF_PHRASES;
pub use clock::{Clock, FixedClock, SystemClock};
pub use policy::{NetworkPolicy, Policy};
pub use presentation::{verify_presentation, PresentationOptions, PresentationReport, ProblemCode};
pub use registry::TrustRegistry;
pub use report::{
    CheckKind, CheckResult, CheckStatus, Integrity, Report, SignerIdentity, SignerKind, SubCheck,
    TrustVerdict, Verdict, Warning,
};
pub use stack::{
    check_stack, check_stack_with, Programme, StackOptions, StackReport, StackVerdict, UnitStatus,
};
pub use verify::{verify, verify_json, verify_sealed_credential, verify_signed_credential};
