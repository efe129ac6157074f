//! OpenID for Verifiable Credential Issuance 1.0 (final, 2025) under the HAIP profile (issue #16):
//! one credential issuer per university (`{base}/universities/{id}`), the pre-authorized code flow,
//! and the three credential formats of one award (`ldp_vc`, `jwt_vc_json`, `dc+sd-jwt`).
//!
//! - [`error`]: the error responses the specification names (§6.3 token, §8.3.1.2 credential).
//! - [`offers`]: credential offers (§4.1), pre-authorized codes and `tx_code` PINs.
//! - [`protocol`]: metadata (§12.2, RFC 8414), token (§6), nonce (§7) and credential (§8)
//!   endpoints, proofs of possession (Appendix F.1), DPoP (RFC 9449).

pub mod error;
pub mod offers;
pub mod protocol;

pub use error::{ErrorCode, Oid4vciError};
