//! Verification-only suites (issue #15 point 6) against the published W3C test vectors:
//! `Ed25519Signature2020` (w3c/vc-di-eddsa `TestVectors/Ed25519Signature2020/`) and
//! `ecdsa-rdfc-2019` P-256 (w3c/vc-di-ecdsa `TestVectors/ecdsa-rdfc-2019-p256/`, the alumni
//! credential and the employment authorization document), byte for byte where the vectors give
//! intermediate values, and each rejection with its own error.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use common::*;
use proofs::data_integrity::{self, ProofError};
use proofs::did::{DidKeyResolver, KeyResolver, ResolveError, VerificationMethod};
use proofs::keys::{decode_multibase_base58btc, KeyType, PublicKey};
use proofs::suites::Suite;
use serde_json::{json, Value};

fn ecdsa_text(rel: &str) -> String {
    String::from_utf8(read_shared(&format!(
        "vectors/vc-di-ecdsa/TestVectors/{rel}"
    )))
    .unwrap()
}

fn ecdsa_json(rel: &str) -> Value {
    serde_json::from_str(&ecdsa_text(rel)).unwrap()
}

/// The alumni credential of the ecdsa-rdfc-2019 P-256 vector, as the vector signs it: the
/// vc-di-eddsa `unsigned.json` (the same credential in both repositories; its document hash is
/// the second half of `combinedHashECDSAP256.txt`), with the proof of the vector's key pair and
/// its published signature `sigBTC58ECDSAP256.txt`.
fn alumni_p256_signed() -> Value {
    let key = ecdsa_json("p256KeyPair.json")["publicKeyMultibase"]
        .as_str()
        .unwrap()
        .to_string();
    let mut doc = vector_json("unsigned.json");
    doc["proof"] = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "ecdsa-rdfc-2019",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": format!("did:key:{key}#{key}"),
        "proofPurpose": "assertionMethod",
        "proofValue": ecdsa_text("ecdsa-rdfc-2019-p256/sigBTC58ECDSAP256.txt"),
    });
    doc
}

/// Resolves every method to one fixed key (a "wrong key" for the document).
struct FixedKeyResolver(PublicKey);

impl KeyResolver for FixedKeyResolver {
    fn resolve(&self, vm: &str) -> Result<VerificationMethod, ResolveError> {
        Ok(VerificationMethod {
            id: vm.into(),
            controller: "did:example:other".into(),
            public_key: self.0.clone(),
        })
    }
}

fn without_proof(doc: &Value) -> Value {
    let mut d = doc.clone();
    d.as_object_mut().unwrap().remove("proof");
    d
}

fn combined_hash_hex(signed: &Value) -> String {
    let proof = signed["proof"].as_object().unwrap();
    let config = data_integrity::proof_configuration(proof, signed.get("@context"));
    let input = data_integrity::signing_input(&without_proof(signed), &config).unwrap();
    hex::encode(input.hash_data)
}

#[test]
fn ed25519_signature_2020_vector_verifies_and_its_proof_config_matches() {
    let signed = vector_json("Ed25519Signature2020/signedEdSig.json");
    let proofs = data_integrity::verify_with(&signed, &DidKeyResolver, &lenient()).unwrap();
    assert_eq!(proofs.len(), 1);
    assert_eq!(proofs[0].suite, Suite::Ed25519Signature2020);
    assert_eq!(
        proofs[0].verification_method,
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    );
    assert_eq!(
        Suite::of(signed["proof"].as_object().unwrap()),
        Ok(Suite::Ed25519Signature2020)
    );
    // The proof configuration we hash is the vector's proofConfigEdSig.json, member for member.
    let config = data_integrity::proof_configuration(
        signed["proof"].as_object().unwrap(),
        signed.get("@context"),
    );
    assert_eq!(
        config,
        vector_json("Ed25519Signature2020/proofConfigEdSig.json")
    );
}

/// Why `signed`, changed by `edit`, does not verify (under the vectors' lenient options).
fn rejection(signed: &Value, edit: &dyn Fn(&mut Value)) -> Option<ProofError> {
    let mut v = signed.clone();
    edit(&mut v);
    data_integrity::verify_with(&v, &DidKeyResolver, &lenient()).err()
}

#[test]
fn ed25519_signature_2020_rejections_each_have_their_own_error() {
    let signed = vector_json("Ed25519Signature2020/signedEdSig.json");
    let check = |edit: &dyn Fn(&mut Value)| rejection(&signed, edit);
    // One value of the credential changed.
    assert!(matches!(
        check(&|v| v["credentialSubject"]["alumniOf"] = json!("The School of Forgeries")),
        Some(ProofError::SignatureMismatch { .. })
    ));
    // One proof option changed.
    assert!(matches!(
        check(&|v| v["proof"]["created"] = json!("2023-02-24T23:36:39Z")),
        Some(ProofError::SignatureMismatch { .. })
    ));
    // The suite context removed: VC 2.0's `@vocab` then maps the suite's terms to
    // issuer-dependent IRIs, so the proof options canonicalize differently and do not verify.
    assert!(matches!(
        check(&|v| {
            v["@context"].as_array_mut().unwrap().pop();
        }),
        Some(ProofError::SignatureMismatch { .. })
    ));
    // A P-256 key where the suite needs Ed25519.
    let p256 =
        PublicKey::from_multikey("zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP").unwrap();
    assert_eq!(
        data_integrity::verify_with(&signed, &FixedKeyResolver(p256), &lenient()).err(),
        Some(ProofError::SuiteKeyTypeMismatch {
            suite: "Ed25519Signature2020",
            needs: KeyType::Ed25519,
            got: KeyType::P256
        })
    );
    // Another Ed25519 key (from a fixed seed).
    let other = PublicKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key());
    assert!(matches!(
        data_integrity::verify_with(&signed, &FixedKeyResolver(other), &lenient()).err(),
        Some(ProofError::SignatureMismatch { .. })
    ));
}

#[test]
fn ecdsa_rdfc_2019_p256_alumni_vector_reproduces_hashes_and_verifies() {
    let signed = alumni_p256_signed();
    assert_eq!(
        combined_hash_hex(&signed),
        ecdsa_text("ecdsa-rdfc-2019-p256/combinedHashECDSAP256.txt")
    );
    let proofs = data_integrity::verify_with(&signed, &DidKeyResolver, &lenient()).unwrap();
    assert_eq!(proofs.len(), 1);
    assert_eq!(proofs[0].suite, Suite::EcdsaRdfc2019);
    assert_eq!(
        proofs[0].controller,
        "did:key:zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP"
    );
}

#[test]
fn ecdsa_rdfc_2019_p256_employment_vector_verifies_with_its_did_key() {
    let dir = "ecdsa-rdfc-2019-p256/employ";
    let signed = ecdsa_json(&format!("{dir}/signedECDSAP256.json"));
    assert_eq!(
        signed["proof"]["proofValue"].as_str().unwrap(),
        ecdsa_text(&format!("{dir}/sigBTC58ECDSAP256.txt"))
    );
    let combined = combined_hash_hex(&signed);
    assert_eq!(
        combined,
        ecdsa_text(&format!("{dir}/combinedHashECDSAP256.txt"))
    );
    let proofs = data_integrity::verify_with(&signed, &DidKeyResolver, &lenient()).unwrap();
    assert_eq!(
        proofs[0].controller,
        "did:key:zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP"
    );
    // With the default policy the issuer (another did:key) must control the key: refused.
    assert!(matches!(
        data_integrity::verify(&signed, &DidKeyResolver),
        Err(ProofError::ControllerNotIssuer { .. })
    ));
}

#[test]
fn ecdsa_rdfc_2019_rejections_each_have_their_own_error() {
    let signed = alumni_p256_signed();
    let check = |edit: &dyn Fn(&mut Value)| rejection(&signed, edit);
    assert!(matches!(
        check(&|v| v["credentialSubject"]["alumniOf"] = json!("The School of Forgeries")),
        Some(ProofError::SignatureMismatch { .. })
    ));
    assert!(matches!(
        check(&|v| v["validFrom"] = json!("2023-01-01T00:00:01Z")),
        Some(ProofError::SignatureMismatch { .. })
    ));
    // r ‖ s with one bit flipped in s.
    let pv = signed["proof"]["proofValue"].as_str().unwrap();
    let mut sig = decode_multibase_base58btc(pv).unwrap();
    sig[63] ^= 1;
    let flipped = proofs::keys::encode_multibase_base58btc(&sig);
    assert!(matches!(
        check(&|v| v["proof"]["proofValue"] = json!(flipped)),
        Some(ProofError::SignatureMismatch { .. })
    ));
    // A DER-length or truncated signature is malformed, not a mismatch.
    let short = proofs::keys::encode_multibase_base58btc(&sig[..63]);
    assert!(matches!(
        check(&|v| v["proof"]["proofValue"] = json!(short)),
        Some(ProofError::MalformedProofValue(_))
    ));
    assert_eq!(
        check(&|v| v["proof"]["cryptosuite"] = json!("ecdsa-sd-2023")),
        Some(ProofError::UnsupportedCryptosuite("ecdsa-sd-2023".into()))
    );
    // Wrong key: the vector's key pair is right, a fresh P-256 key is not.
    let wrong =
        PublicKey::from_multikey("zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76").unwrap();
    assert!(matches!(
        data_integrity::verify_with(&signed, &FixedKeyResolver(wrong), &lenient()).err(),
        Some(ProofError::SignatureMismatch { .. })
    ));
    // An Ed25519 key where the suite needs P-256.
    let ed = PublicKey::from_multikey(
        vector_json("keyPair.json")["publicKeyMultibase"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        data_integrity::verify_with(&signed, &FixedKeyResolver(ed), &lenient()).err(),
        Some(ProofError::SuiteKeyTypeMismatch {
            suite: "ecdsa-rdfc-2019",
            needs: KeyType::P256,
            got: KeyType::Ed25519
        })
    );
}

#[test]
fn suite_names_and_unknown_types() {
    assert_eq!(
        Suite::from_members("DataIntegrityProof", Some("eddsa-rdfc-2022")),
        Ok(Suite::EddsaRdfc2022)
    );
    assert_eq!(
        Suite::from_members("DataIntegrityProof", None),
        Err(ProofError::UnsupportedCryptosuite(String::new()))
    );
    assert_eq!(
        Suite::from_members("RsaSignature2018", None),
        Err(ProofError::WrongProofType("RsaSignature2018".into()))
    );
    assert_eq!(Suite::EcdsaRdfc2019.key_type(), KeyType::P256);
}
