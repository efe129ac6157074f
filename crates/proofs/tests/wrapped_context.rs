//! The W3C `vc-di-eddsa` suite's `previousProof` vectors (data-integrity-test-suite-assertion
//! 0.0.1, `inputs/eddsa-rdfc-2022/`), whose `@context` holds `{"@context": {...}}`: refused as
//! they are (not a valid JSON-LD 1.1 local context), verified after
//! [`data_integrity::unwrap_wrapped_contexts`] (the jsonld.js reading they were signed under),
//! and a chain naming a missing proof still fails with its own error (issue #15).

// Test code (issue #19 lints): a failing assumption should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use common::testdata;
use proofs::data_integrity::{self, ProofError, VerifyOptions};
use proofs::did::DidKeyResolver;
use serde_json::{json, Value};

fn vector(name: &str) -> Value {
    let path = testdata(&format!(
        "vectors/data-integrity-test-suite-assertion/{name}"
    ));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn opts() -> VerifyOptions {
    // The vectors' issuer is not the proofs' did:key (the suite checks proofs, not the binding).
    VerifyOptions {
        require_issuer_controller: false,
        ..VerifyOptions::default()
    }
}

#[test]
fn wrapped_context_vectors_verify_once_unwrapped_and_not_before() {
    for name in [
        "2.0-previousProofStringOk-SimpleSigned2.json",
        "2.0-previousProofArrayOk-SimpleSigned2.json",
        "1.1-previousProofStringOk-SimpleSigned2.json",
    ] {
        let doc = vector(name);
        let strict = data_integrity::verify_with(&doc, &DidKeyResolver, &opts());
        assert!(
            matches!(strict, Err(ProofError::Canonicalization(_))),
            "{name}: the wrapped context must be refused by the strict processor: {strict:?}"
        );
        let unwrapped = data_integrity::unwrap_wrapped_contexts(&doc).expect("has a wrapped item");
        assert!(unwrapped["@context"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c.get("@context").is_none()));
        let proofs = data_integrity::verify_with(&unwrapped, &DidKeyResolver, &opts())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(proofs.len(), 2, "{name}: both proofs of the chain verified");
    }
}

#[test]
fn a_chain_naming_a_missing_proof_fails_after_unwrapping() {
    let doc = vector("2.0-previousProofMissingFail-SimpleSigned2.json");
    let unwrapped = data_integrity::unwrap_wrapped_contexts(&doc).unwrap();
    let err = data_integrity::verify_with(&unwrapped, &DidKeyResolver, &opts()).unwrap_err();
    assert!(
        matches!(err, ProofError::PreviousProofNotFound(_)),
        "{err:?}"
    );
}

#[test]
fn a_tampered_unwrapped_vector_fails_its_signature() {
    let mut doc = vector("2.0-previousProofStringOk-SimpleSigned2.json");
    doc["credentialSubject"]["alumniOf"] = json!("Another School");
    let unwrapped = data_integrity::unwrap_wrapped_contexts(&doc).unwrap();
    assert!(data_integrity::verify_with(&unwrapped, &DidKeyResolver, &opts()).is_err());
}

#[test]
fn only_maps_whose_single_member_is_context_are_unwrapped() {
    // Valid contexts are left alone (no copy).
    let plain = json!({"@context": ["https://www.w3.org/ns/credentials/v2", {"a": "urn:a"}]});
    assert!(data_integrity::unwrap_wrapped_contexts(&plain).is_none());
    // A map with another member next to `@context` stays as it is (and stays an error).
    let mixed = json!({"@context": [{"@context": {"a": "urn:a"}, "b": "urn:b"}]});
    assert!(data_integrity::unwrap_wrapped_contexts(&mixed).is_none());
    // Nested wrappers unwrap fully; a wrapped string context too.
    let nested =
        json!({"@context": {"@context": {"@context": "https://www.w3.org/ns/credentials/v2"}}});
    assert_eq!(
        data_integrity::unwrap_wrapped_contexts(&nested).unwrap()["@context"],
        json!("https://www.w3.org/ns/credentials/v2")
    );
}
