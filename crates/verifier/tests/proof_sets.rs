//! Proof sets and chains in the verifier's proof check (VC Data Integrity §4.5; issue #15 point
//! 5): a credential signed by its issuer and co-signed by another ENHANCE university (a proof
//! chained to the issuer's) verifies, both proofs are reported, and the issuer stays the signer;
//! a co-signer proof with a bad signature and a chain naming a missing proof fail the proof check
//! with their reason.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use common::*;
use proofs::data_integrity::{self, ProofOptions};
use proofs::signer::{Ed25519Signer, Signer as _};
use serde_json::{json, Value};
use verifier::{verify_json, CheckKind, CheckStatus, Verdict};

const ISSUER_PROOF: &str = "urn:uuid:7b2e0000-0000-4000-8000-000000000001";
const COSIGNER_PROOF: &str = "urn:uuid:7b2e0000-0000-4000-8000-000000000002";

/// The example credential of its awarding university, signed by it (proof [`ISSUER_PROOF`]),
/// then co-signed by `cosigner` with a proof chained to it. Returns it and the issuer's id.
fn cosigned(cosigner: &dyn proofs::signer::Signer) -> (Value, String) {
    let (doc, uni) = built("micro-credential-professional");
    let first = ProofOptions {
        id: Some(ISSUER_PROOF.into()),
        ..ProofOptions::new(created())
    };
    let signed = data_integrity::sign(&doc, &signer(&uni), &first).unwrap();
    let second = ProofOptions {
        id: Some(COSIGNER_PROOF.into()),
        previous_proof: vec![ISSUER_PROOF.into()],
        ..ProofOptions::new(created())
    };
    (
        data_integrity::sign(&signed, cosigner, &second).unwrap(),
        uni,
    )
}

fn other_than(uni: &str) -> &'static str {
    if uni == "eth" {
        "rwth"
    } else {
        "eth"
    }
}

#[test]
fn issuer_and_cosigner_proofs_verify_and_are_reported() {
    let (_, uni) = built("micro-credential-professional");
    let co = other_than(&uni);
    let (cred, _) = cosigned(&signer(co));
    let p = policy().with_checks([CheckKind::Proof, CheckKind::Trust]);
    let r = verify_json(&cred, &p, &clock());
    let proof = r.check(CheckKind::Proof).unwrap();
    assert_eq!(proof.status, CheckStatus::Ok, "{}", proof.message);
    assert!(
        proof.message.starts_with("2 Data Integrity proof(s)"),
        "{}",
        proof.message
    );
    assert!(
        proof.message.contains(&format!("co-signed by {}", did(co))),
        "{}",
        proof.message
    );
    assert_eq!(proof.details.len(), 2, "{:?}", proof.details);
    assert_eq!(proof.details[0].name, "issuer-proof");
    assert!(proof.details[0].message.contains(&did(&uni)));
    assert_eq!(proof.details[1].name, "co-signer-proof");
    assert!(proof.details[1].message.contains(&did(co)));
    assert!(proof.details[1]
        .message
        .contains(&format!("chained to {ISSUER_PROOF}")));
    // The issuer is the signer the trust check looks at, not the co-signer.
    assert_eq!(r.check(CheckKind::Trust).unwrap().status, CheckStatus::Ok);
    assert_eq!(r.verdict, Verdict::Valid);
}

#[test]
fn cosigner_bad_signature_and_missing_previous_proof_fail() {
    let (_, uni) = built("micro-credential-professional");
    let co = other_than(&uni);
    // A key that is not the co-signer's, claiming its verification method.
    let method = signer(co).key_id().to_string();
    let impostor = Ed25519Signer::from_secret_bytes(method.clone(), &[42u8; 32]);
    let (cred, _) = cosigned(&impostor);
    let p = policy().with_checks([CheckKind::Proof]);
    let r = verify_json(&cred, &p, &clock());
    let proof = r.check(CheckKind::Proof).unwrap();
    assert_eq!(proof.status, CheckStatus::Failed, "{}", proof.message);
    assert_eq!(
        proof.message,
        format!("signature does not verify for {method}")
    );
    assert_eq!(r.verdict, Verdict::Invalid);

    // Only the co-signer's (valid) proof kept: it names a proof the set does not hold.
    let (mut cred, _) = cosigned(&signer(co));
    let kept = cred["proof"][1].clone();
    cred["proof"] = json!([kept]);
    let r = verify_json(&cred, &p, &clock());
    let proof = r.check(CheckKind::Proof).unwrap();
    assert_eq!(proof.status, CheckStatus::Failed, "{}", proof.message);
    assert_eq!(
        proof.message,
        format!("previousProof {ISSUER_PROOF} not found in the document")
    );
}
