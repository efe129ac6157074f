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

/// RS256 verification (issue #18): ring for moduli of 2048–8192 bits, the `rsa` crate otherwise;
/// both give the `rsa` crate's verdicts on valid, tampered, truncated and foreign signatures.
#[test]
fn rs256_verification_by_ring_agrees_with_the_rsa_crate() {
    let signer = RsaSigner::from_pkcs8_pem("seal", &demo_seal_pem(), Algorithm::Rs256).unwrap();
    let public = signer.public_key();
    assert!(public.rs256_verified_by_ring(), "a 2048-bit key");
    let proofs::keys::PublicKey::Rsa(rsa_key) = &public else {
        panic!("an RSA key")
    };
    let reference = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(rsa_key.clone());
    let message = vec![0x5a; 70_000];
    let good = signer.sign(&message).unwrap();
    let mut flipped = good.clone();
    flipped[17] ^= 1;
    let other = signer.sign(b"another message").unwrap();
    for (what, msg, sig) in [
        ("valid", &message[..], &good[..]),
        ("tampered message", &b"x"[..], &good[..]),
        ("flipped bit", &message[..], &flipped[..]),
        ("truncated", &message[..], &good[..255]),
        ("other message's", &message[..], &other[..]),
        ("empty", &message[..], &[][..]),
    ] {
        let ours = public.verify(Algorithm::Rs256, msg, sig).is_ok();
        let theirs = rsa::pkcs1v15::Signature::try_from(sig)
            .map(|s| reference.verify(msg, &s).is_ok())
            .unwrap_or(false);
        assert_eq!(ours, theirs, "{what}");
        assert_eq!(ours, what == "valid", "{what}");
    }
    // A 1024-bit key (below ring's range) is still verified, by the rsa crate.
    let mut rng = rand_core::OsRng;
    let small = rsa::RsaPrivateKey::new(&mut rng, 1024).unwrap();
    let small_public = proofs::keys::PublicKey::Rsa(small.to_public_key());
    assert!(!small_public.rs256_verified_by_ring());
    let signing = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(small);
    let sig: rsa::pkcs1v15::Signature = rsa::signature::Signer::sign(&signing, b"m");
    let sig = rsa::signature::SignatureEncoding::to_vec(&sig);
    assert!(small_public.verify(Algorithm::Rs256, b"m", &sig).is_ok());
    assert!(small_public.verify(Algorithm::Rs256, b"n", &sig).is_err());
}
