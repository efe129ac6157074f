//! The legacy `Ed25519Signature2020` proof type, verification only (W3C CCG "Ed25519 Signature
//! 2020" §3 and the `Ed25519Signature2020` algorithms of W3C Data Integrity EdDSA Cryptosuites
//! v1.0, Appendix "Ed25519Signature2020"): many Open Badges 3.0 and DCC credentials carry it.
//!
//! The algorithm is that of `eddsa-rdfc-2022` with another proof shape: the proof has `type`
//! `Ed25519Signature2020` and no `cryptosuite`; the signed bytes are SHA-256(URDNA2015 canonical
//! proof options, i.e. the proof without `proofValue` with the document's `@context`) ‖
//! SHA-256(URDNA2015 canonical document without `proof`); `proofValue` is multibase base58btc of
//! the 64-byte Ed25519 signature. The verification method is an `Ed25519VerificationKey2020` or a
//! `Multikey` (did:key `z6Mk...`). The suite's terms come from the bundled
//! `https://w3id.org/security/suites/ed25519-2020/v1` context, which the document must list:
//! without it the proof options do not canonicalize (an undefined-term error naming the term).
//! [`crate::data_integrity::verify`] dispatches on [`crate::suites::Suite`].

/// The proof `type` of the suite.
pub const PROOF_TYPE: &str = "Ed25519Signature2020";
/// The JSON-LD context defining the suite's terms (bundled in `crates/contexts`).
pub const CONTEXT: &str = "https://w3id.org/security/suites/ed25519-2020/v1";
/// The verification method type of the suite's keys (`publicKeyMultibase` `z6Mk...`).
pub const VERIFICATION_KEY_TYPE: &str = "Ed25519VerificationKey2020";
