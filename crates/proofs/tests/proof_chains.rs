//! Proof sets and chains (VC Data Integrity §4.3, §4.5; issue #15 point 5): an issuer proof and
//! a co-signer's chained proof both verify and are both returned; a chain naming a proof that is
//! not in the set, a co-signer proof with a bad signature, a set without an issuer proof and a
//! `previousProof` cycle each fail with their own error.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use common::*;
use proofs::data_integrity::{self, ProofError, ProofOptions};
use proofs::keystore::KeyStore;
use proofs::signer::Ed25519Signer;
use serde_json::{json, Value};

const ISSUER_PROOF: &str = "urn:uuid:6a1f0000-0000-4000-8000-000000000001";
const COSIGNER_PROOF: &str = "urn:uuid:6a1f0000-0000-4000-8000-000000000002";

/// ETH's credential, signed by ETH (proof id [`ISSUER_PROOF`]), then co-signed by RWTH (an
/// endorsing party) with a proof chained to ETH's (`previousProof`).
fn chained(store: &KeyStore) -> Value {
    let eth = store.university("eth").unwrap();
    let rwth = store.university("rwth").unwrap();
    let first = ProofOptions {
        id: Some(ISSUER_PROOF.into()),
        ..ProofOptions::new(utc(2026, 11, 1))
    };
    let signed =
        data_integrity::sign(&vc2_doc(eth.did()), eth.current_signer().unwrap(), &first).unwrap();
    let second = ProofOptions {
        id: Some(COSIGNER_PROOF.into()),
        previous_proof: vec![ISSUER_PROOF.into()],
        ..ProofOptions::new(utc(2026, 11, 2))
    };
    data_integrity::sign(&signed, rwth.current_signer().unwrap(), &second).unwrap()
}

#[test]
fn issuer_and_cosigner_chain_verifies_and_both_are_reported() {
    let store = keystore();
    let resolver = store.resolver().unwrap();
    let eth = store.university("eth").unwrap();
    let rwth = store.university("rwth").unwrap();
    let doc = chained(&store);
    assert_eq!(doc["proof"][1]["previousProof"], ISSUER_PROOF);

    let verified = data_integrity::verify(&doc, &resolver).unwrap();
    assert_eq!(verified.len(), 2);
    assert_eq!(verified[0].controller, eth.did());
    assert_eq!(verified[1].controller, rwth.did());
    assert_eq!(verified[1].previous_proof, vec![ISSUER_PROOF.to_string()]);

    // The co-signer's proof listed first: the proof it chains to is still checked first.
    let mut swapped = doc.clone();
    swapped["proof"].as_array_mut().unwrap().reverse();
    let verified = data_integrity::verify(&swapped, &resolver).unwrap();
    assert_eq!(verified[0].id.as_deref(), Some(ISSUER_PROOF));
    assert_eq!(verified[1].id.as_deref(), Some(COSIGNER_PROOF));
}

#[test]
fn chain_naming_a_missing_proof_fails() {
    let store = keystore();
    let mut doc = chained(&store);
    // Only the co-signer's proof kept: the proof it chains to is not in the set.
    let cosigner = doc["proof"][1].clone();
    doc["proof"] = json!([cosigner]);
    assert_eq!(
        verify_by(&store, &doc).unwrap_err(),
        ProofError::PreviousProofNotFound(ISSUER_PROOF.into())
    );
    let message = ProofError::PreviousProofNotFound(ISSUER_PROOF.into()).to_string();
    assert!(message.contains("previousProof") && message.contains(ISSUER_PROOF));
}

#[test]
fn cosigner_proof_with_a_bad_signature_fails() {
    let store = keystore();
    let rwth = store.university("rwth").unwrap();
    let eth = store.university("eth").unwrap();
    let signed = data_integrity::sign(
        &vc2_doc(eth.did()),
        eth.current_signer().unwrap(),
        &ProofOptions {
            id: Some(ISSUER_PROOF.into()),
            ..ProofOptions::new(utc(2026, 11, 1))
        },
    )
    .unwrap();
    // A key that is not RWTH's, claiming RWTH's verification method.
    let method = rwth.current_signer().unwrap().key_id().to_string();
    let impostor = Ed25519Signer::from_secret_bytes(method.clone(), &[42u8; 32]);
    let second = ProofOptions {
        id: Some(COSIGNER_PROOF.into()),
        previous_proof: vec![ISSUER_PROOF.into()],
        ..ProofOptions::new(utc(2026, 11, 2))
    };
    let doc = data_integrity::sign(&signed, &impostor, &second).unwrap();
    assert_eq!(
        verify_by(&store, &doc).unwrap_err(),
        ProofError::SignatureMismatch {
            verification_method: method
        }
    );

    // The co-signer's proof changed after signing (its `created`): fails too.
    let mut doc = chained(&store);
    doc["proof"][1]["created"] = json!("2026-11-03T00:00:00Z");
    assert_signature_mismatch(verify_by(&store, &doc));
}

#[test]
fn a_set_without_an_issuer_proof_and_a_cycle_fail() {
    let store = keystore();
    let eth = store.university("eth").unwrap();
    let rwth = store.university("rwth").unwrap();
    // Only RWTH signed ETH's credential: no proof by the issuer.
    let doc = data_integrity::sign(
        &vc2_doc(eth.did()),
        rwth.current_signer().unwrap(),
        &ProofOptions::new(utc(2026, 11, 1)),
    )
    .unwrap();
    assert_controller_not_issuer(verify_by(&store, &doc), rwth.did(), eth.did());

    // Two proofs naming each other.
    let mut doc = chained(&store);
    doc["proof"][0]["previousProof"] = json!(COSIGNER_PROOF);
    match verify_by(&store, &doc) {
        Err(ProofError::MalformedProof(why)) => assert!(why.contains("cycle"), "{why}"),
        other => panic!("{other:?}"),
    }
}

/// The hash `sign_owned_hashed` gives is the one verification computes (issue #18: the issuer's
/// check takes it instead of canonicalising again): the proof verifies over it, and over a hash
/// changed in one bit it does not; a chained proof gives none.
#[test]
fn the_signed_document_hash_is_the_one_verification_computes() {
    let store = keystore();
    let resolver = store.resolver().unwrap();
    let eth = store.university("eth").unwrap();
    let (signed, hash) = data_integrity::sign_owned_hashed(
        vc2_doc(eth.did()),
        eth.current_signer().unwrap(),
        &ProofOptions::new(utc(2026, 11, 1)),
    )
    .unwrap();
    let hash = hash.expect("an unchained proof gives its document hash");
    let with = |document_hash| data_integrity::VerifyOptions {
        document_hash,
        ..Default::default()
    };
    data_integrity::verify_with(&signed, &resolver, &with(None)).unwrap();
    data_integrity::verify_with(&signed, &resolver, &with(Some(hash))).unwrap();
    let mut other = hash;
    other[0] ^= 1;
    assert!(matches!(
        data_integrity::verify_with(&signed, &resolver, &with(Some(other))),
        Err(ProofError::SignatureMismatch { .. })
    ));

    let rwth = store.university("rwth").unwrap();
    let second = ProofOptions {
        id: Some(COSIGNER_PROOF.into()),
        previous_proof: vec![ISSUER_PROOF.into()],
        ..ProofOptions::new(utc(2026, 11, 2))
    };
    let first = ProofOptions {
        id: Some(ISSUER_PROOF.into()),
        ..ProofOptions::new(utc(2026, 11, 1))
    };
    let (issued, _) = data_integrity::sign_owned_hashed(
        vc2_doc(eth.did()),
        eth.current_signer().unwrap(),
        &first,
    )
    .unwrap();
    let (_, chained_hash) =
        data_integrity::sign_owned_hashed(issued, rwth.current_signer().unwrap(), &second).unwrap();
    assert_eq!(chained_hash, None);
}
