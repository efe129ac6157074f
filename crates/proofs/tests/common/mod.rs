//! Shared test helpers: paths to the reference material (`testdata/`) and the demo key store.
// Shared by several test crates; each uses only part of it.
#![allow(dead_code)]

use std::path::PathBuf;

use chrono::{DateTime, TimeZone as _, Utc};
use proofs::keystore::KeyStore;

pub const BASE_URL: &str = "http://localhost:8080";

/// A file of the repository's `testdata/` tree (the vendored reference data).
pub fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/")).join(rel)
}

pub fn read_shared(rel: &str) -> Vec<u8> {
    let p = testdata(rel);
    std::fs::read(&p)
        .unwrap_or_else(|e| panic!("{}: {e} (testdata/ is part of the repository)", p.display()))
}

pub fn json_shared(rel: &str) -> serde_json::Value {
    serde_json::from_slice(&read_shared(rel)).unwrap()
}

pub fn vector(rel: &str) -> String {
    String::from_utf8(read_shared(&format!(
        "vectors/vc-di-eddsa/TestVectors/{rel}"
    )))
    .unwrap()
}

pub fn vector_json(rel: &str) -> serde_json::Value {
    serde_json::from_str(&vector(rel)).unwrap()
}

pub fn keystore() -> KeyStore {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../keys.example"));
    KeyStore::load(&dir, BASE_URL).unwrap()
}

pub fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).single().unwrap()
}

/// Verification options for the W3C vectors: their issuer (https://vc.example/issuers/5678, or
/// another did:key) is not the signing key's controller, so the issuer/controller policy is off.
pub fn lenient() -> proofs::data_integrity::VerifyOptions {
    proofs::data_integrity::VerifyOptions {
        require_issuer_controller: false,
        ..proofs::data_integrity::VerifyOptions::default()
    }
}

/// The W3C vectors' unsigned VC 2.0 credential with `issuer` as its issuer.
pub fn vc2_doc(issuer: &str) -> serde_json::Value {
    let mut doc = vector_json("unsigned.json");
    doc["issuer"] = serde_json::Value::String(issuer.into());
    doc
}

/// Verifies the Data Integrity proof(s) of `doc` against the DID documents of `store`.
pub fn verify_by(
    store: &KeyStore,
    doc: &serde_json::Value,
) -> Result<Vec<proofs::data_integrity::VerifiedProof>, proofs::data_integrity::ProofError> {
    proofs::data_integrity::verify(doc, &store.resolver().unwrap())
}

/// Asserts that a verification failed because a key signed whose controller is not the issuer.
#[track_caller]
pub fn assert_controller_not_issuer(
    result: Result<Vec<proofs::data_integrity::VerifiedProof>, proofs::data_integrity::ProofError>,
    expected_controller: &str,
    expected_issuer: &str,
) {
    match result {
        Err(proofs::data_integrity::ProofError::ControllerNotIssuer {
            controller, issuer, ..
        }) => {
            assert_eq!(controller, expected_controller);
            assert_eq!(issuer, expected_issuer);
        }
        other => panic!("{other:?}"),
    }
}

/// Asserts that a verification failed on a signature that does not match.
#[track_caller]
pub fn assert_signature_mismatch(
    result: Result<Vec<proofs::data_integrity::VerifiedProof>, proofs::data_integrity::ProofError>,
) {
    assert!(
        matches!(
            result,
            Err(proofs::data_integrity::ProofError::SignatureMismatch { .. })
        ),
        "{result:?}"
    );
}
