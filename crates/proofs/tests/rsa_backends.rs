//! The `ring` RSA path of [`proofs::signer::RsaSigner`] against the `rsa` crate (the reference):
//! RS256 (RFC 7518 §3.3, PKCS#1 v1.5, deterministic) must give the same bytes; PS256 (§3.5,
//! randomised salt) must verify under the `rsa` crate's PSS verifier; and the JAdES seal made
//! through it verifies.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use std::path::PathBuf;

use proofs::keys::Algorithm;
use proofs::signer::{RsaSigner, Signer as _};
use rsa::signature::Verifier as _;

fn demo_seal_pem() -> String {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../keys.example/eth/seal.key.pem");
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn rs256_signatures_are_byte_identical_to_the_rsa_crate() {
    let signer = RsaSigner::from_pkcs8_pem("seal", &demo_seal_pem(), Algorithm::Rs256).unwrap();
    assert!(signer.signs_with_ring(), "a 2048-bit key is signed by ring");
    for message in [
        &b""[..],
        b"x",
        &[0xa5; 70_000],
        "{\"payload\":\"été\"}".as_bytes(),
    ] {
        let fast = signer.sign(message).unwrap();
        let reference = signer.sign_with_rsa_crate(message).unwrap();
        assert_eq!(fast.len(), 256);
        assert_eq!(fast, reference, "RS256 of a {}-byte message", message.len());
    }
    // A changed message gives another signature (the comparison above is not vacuous).
    assert_ne!(signer.sign(b"a").unwrap(), signer.sign(b"b").unwrap());
}

#[test]
fn ps256_signatures_verify_with_the_rsa_crate() {
    let signer = RsaSigner::from_pkcs8_pem("seal", &demo_seal_pem(), Algorithm::Ps256).unwrap();
    let public = signer.private_key().to_public_key();
    let verifier = rsa::pss::VerifyingKey::<sha2::Sha256>::new(public);
    let message = b"sealed payload";
    let a = signer.sign(message).unwrap();
    let b = signer.sign(message).unwrap();
    assert_ne!(a, b, "PSS salts are random");
    for sig in [&a, &b] {
        let sig = rsa::pss::Signature::try_from(sig.as_slice()).unwrap();
        verifier.verify(message, &sig).unwrap();
        assert!(verifier.verify(b"other payload", &sig).is_err());
    }
}
