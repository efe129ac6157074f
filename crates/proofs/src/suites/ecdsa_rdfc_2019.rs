//! The `ecdsa-rdfc-2019` cryptosuite with P-256 keys, verification only (W3C Data Integrity ECDSA
//! Cryptosuites v1.0 §3.3).
//!
//! - transformation (§3.3.3) and proof configuration (§3.3.5): RDFC-1.0 canonical N-Quads of the
//!   document without `proof` and of the proof options with the document's `@context`, exactly as
//!   for `eddsa-rdfc-2022`;
//! - hashing (§3.3.4): SHA-256 for P-256, proof configuration hash ‖ document hash (64 bytes);
//! - verification (§3.3.7): ECDSA P-256 with SHA-256 over those 64 bytes; `proofValue` is multibase
//!   base58btc of the IEEE P1363 `r ‖ s` signature (64 bytes); the key is a `Multikey` with the
//!   `p256-pub` multicodec (0x1200, SEC1 compressed point), e.g. did:key `zDn...`.
//!
//! P-384 (multicodec 0x1201, SHA-384) is not implemented: its keys are refused when the method
//! is resolved (unsupported multicodec). [`crate::data_integrity::verify`] dispatches on
//! [`crate::suites::Suite`].

/// The `cryptosuite` of a `DataIntegrityProof` of this suite.
pub const CRYPTOSUITE: &str = "ecdsa-rdfc-2019";
