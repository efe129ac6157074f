//! Presentation proofs (VC Data Integrity §2.1, purpose `authentication`): signing writes
//! `challenge` and `domain` (one domain as a string, several as an array), and verification
//! requires the expected challenge, every expected domain, the `holder` as the controller of the
//! verification method, and the `authentication` purpose, each refusal with its own error.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use chrono::{TimeZone, Utc};
use proofs::data_integrity::{self, ProofError, ProofOptions, VerifyOptions};
use proofs::did::{did_key_from_ed25519, did_key_verification_method, StaticDidResolver};
use proofs::signer::Ed25519Signer;
use serde_json::{json, Value};

fn holder(seed: u8) -> (Ed25519Signer, String) {
    let key = Ed25519Signer::from_secret_bytes("k", &[seed; 32]);
    let did = did_key_from_ed25519(&key.verifying_key());
    (
        key.with_key_id(did_key_verification_method(&did).unwrap()),
        did,
    )
}

fn vp(holder: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder,
    })
}

fn sign(doc: &Value, key: &Ed25519Signer, challenge: &str, domain: &[&str]) -> Value {
    let created = Utc.with_ymd_and_hms(2026, 8, 1, 12, 0, 0).unwrap();
    let opts = ProofOptions::authentication(
        created,
        Some(challenge.into()),
        domain.iter().map(|d| d.to_string()).collect(),
    );
    data_integrity::sign(doc, key, &opts).unwrap()
}

fn check(doc: &Value, challenge: &str, domain: &[&str], holder: &str) -> Result<(), ProofError> {
    let opts = VerifyOptions::authentication(
        Some(challenge.into()),
        domain.iter().map(|d| d.to_string()).collect(),
        Some(holder.into()),
    );
    data_integrity::verify_with(doc, &StaticDidResolver::new(), &opts).map(|_| ())
}

#[test]
fn authentication_proofs_carry_and_require_challenge_domain_and_holder() {
    let (key, did) = holder(3);
    let signed = sign(&vp(&did), &key, "n-1", &["a.example"]);
    let proof = &signed["proof"];
    assert_eq!(proof["proofPurpose"], "authentication");
    assert_eq!(proof["challenge"], "n-1");
    assert_eq!(proof["domain"], "a.example");
    check(&signed, "n-1", &["a.example"], &did).unwrap();
    check(&signed, "n-1", &[], &did).unwrap();

    // Several domains: an array, every expected one must be in it.
    let multi = sign(&vp(&did), &key, "n-1", &["a.example", "b.example"]);
    assert_eq!(multi["proof"]["domain"], json!(["a.example", "b.example"]));
    check(&multi, "n-1", &["b.example"], &did).unwrap();
    check(&multi, "n-1", &["a.example", "b.example"], &did).unwrap();
    assert!(matches!(
        check(&multi, "n-1", &["c.example"], &did),
        Err(ProofError::DomainMismatch { .. })
    ));

    assert_eq!(
        check(&signed, "n-2", &["a.example"], &did),
        Err(ProofError::ChallengeMismatch {
            expected: "n-2".into(),
            found: Some("n-1".into())
        })
    );
    let (_, other) = holder(4);
    assert!(matches!(
        check(&signed, "n-1", &["a.example"], &other),
        Err(ProofError::ControllerNotHolder { .. })
    ));
    // The challenge is signed: changing it breaks the signature.
    let mut changed = signed.clone();
    changed["proof"]["challenge"] = json!("n-2");
    assert!(matches!(
        check(&changed, "n-2", &["a.example"], &did),
        Err(ProofError::SignatureMismatch { .. })
    ));
    changed["proof"]["challenge"] = json!(7);
    assert!(matches!(
        check(&changed, "n-2", &[], &did),
        Err(ProofError::MalformedProof(_))
    ));
    // A credential's policy (assertionMethod) refuses an authentication proof, and the reverse.
    assert!(matches!(
        data_integrity::verify(&signed, &StaticDidResolver::new()),
        Err(ProofError::ProofPurposeMismatch { .. })
    ));
    let assertion = data_integrity::sign(
        &vp(&did),
        &key,
        &ProofOptions::new(Utc.with_ymd_and_hms(2026, 8, 1, 12, 0, 0).unwrap()),
    )
    .unwrap();
    assert!(matches!(
        data_integrity::verify_with(
            &assertion,
            &StaticDidResolver::new(),
            &VerifyOptions::authentication(None, Vec::new(), Some(did.clone()))
        ),
        Err(ProofError::ProofPurposeMismatch { .. })
    ));
    // No challenge in the proof when one is expected.
    assert_eq!(
        data_integrity::verify_with(
            &assertion,
            &StaticDidResolver::new(),
            &VerifyOptions {
                expected_challenge: Some("n-1".into()),
                ..VerifyOptions::default()
            }
        )
        .map(|_| ()),
        Err(ProofError::ChallengeMismatch {
            expected: "n-1".into(),
            found: None
        })
    );
}

#[test]
fn a_did_web_holder_key_must_be_listed_for_authentication() {
    use proofs::signer::Signer as _;
    let did = "did:web:holder.example";
    let key = Ed25519Signer::from_secret_bytes(format!("{did}#k1"), &[5; 32]);
    let doc = |relationship: &str| {
        let mut d = json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did,
            "verificationMethod": [{"id": format!("{did}#k1"), "type": "Multikey",
                "controller": did, "publicKeyMultibase": key.public_key_multibase().unwrap()}],
        });
        d[relationship] = json!(["#k1"]);
        StaticDidResolver::documents_only()
            .with_document(&d)
            .unwrap()
    };
    let signed = sign(&vp(did), &key, "n-1", &["a.example"]);
    let opts = VerifyOptions::authentication(Some("n-1".into()), Vec::new(), Some(did.into()));
    data_integrity::verify_with(&signed, &doc("authentication"), &opts).unwrap();
    // Listed for assertions only: not a key the holder authenticates with.
    let err = data_integrity::verify_with(&signed, &doc("assertionMethod"), &opts).unwrap_err();
    assert!(
        err.to_string()
            .contains("not authorised for authentication"),
        "{err}"
    );
    // And the reverse: an authentication-only key does not sign credentials.
    let created = Utc.with_ymd_and_hms(2026, 8, 1, 12, 0, 0).unwrap();
    let credential = data_integrity::sign(&vp(did), &key, &ProofOptions::new(created)).unwrap();
    let err = data_integrity::verify(&credential, &doc("authentication")).unwrap_err();
    assert!(
        err.to_string()
            .contains("not authorised for assertionMethod"),
        "{err}"
    );
}
