//! W3C `eddsa-rdfc-2022` test vectors (VC Data Integrity EdDSA Cryptosuites v1.0, Appendix A):
//! the canonical N-Quads of the unsigned documents and of the proof configurations, byte for byte.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use std::path::PathBuf;

fn vectors() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/vectors/vc-di-eddsa/TestVectors"
    ))
}

fn json(rel: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(vectors().join(rel)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn text(rel: &str) -> String {
    std::fs::read_to_string(vectors().join(rel)).unwrap()
}

/// The vector files hold the N-Quads without a trailing newline on the last line.
fn assert_canon(doc_rel: &str, expected_rel: &str) {
    let got = canon::canonicalize(&json(doc_rel)).unwrap();
    let mut expected = text(expected_rel);
    if !expected.ends_with('\n') {
        expected.push('\n');
    }
    assert_eq!(got, expected, "{doc_rel} vs {expected_rel}");
}

#[test]
fn alumni_document() {
    assert_canon("unsigned.json", "eddsa-rdfc-2022/canonDocDataInt.txt");
}

#[test]
fn alumni_proof_configuration() {
    assert_canon(
        "eddsa-rdfc-2022/proofConfigDataInt.json",
        "eddsa-rdfc-2022/proofCanonDataInt.txt",
    );
}

#[test]
fn employment_document() {
    assert_canon(
        "employmentAuth.json",
        "eddsa-rdfc-2022/employ/canonDocDataInt.txt",
    );
}

#[test]
fn employment_proof_configuration() {
    assert_canon(
        "eddsa-rdfc-2022/employ/proofConfigDataInt.json",
        "eddsa-rdfc-2022/employ/proofCanonDataInt.txt",
    );
}

/// The proof-set/chain vectors ship no canonical files: their documents, and their proof
/// configurations given the document's `@context` (as the Data Integrity algorithms do), must
/// canonicalize strictly; without a `@context` a proof configuration is all undefined terms.
#[test]
fn proof_set_and_chain_documents_canonicalize() {
    let unsigned = json("proof-set-chain/unsigned.json");
    for f in [
        "proof-set-chain/unsigned.json",
        "proof-set-chain/proofChainTempDoc1.json",
        "proof-set-chain/proofChainTempDoc2.json",
    ] {
        let out = canon::canonicalize(&json(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(
            out.ends_with(" .\n") && out.lines().count() >= 5,
            "{f}: {out}"
        );
    }
    for f in [
        "proof-set-chain/proofSetConfig1.json",
        "proof-set-chain/proofSetConfig2.json",
        "proof-set-chain/proofChainConfig1.json",
        "proof-set-chain/proofChainConfig2.json",
    ] {
        let bare = json(f);
        match canon::canonicalize(&bare) {
            Err(canon::CanonError::UndefinedTerm { .. }) => {}
            other => panic!("{f} without @context: expected UndefinedTerm, got {other:?}"),
        }
        let mut config = bare;
        config["@context"] = unsigned["@context"].clone();
        let out = canon::canonicalize(&config).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(
            out.contains("<https://w3id.org/security#cryptosuite> \"eddsa-rdfc-2022\"^^<https://w3id.org/security#cryptosuiteString>"),
            "{f}: {out}"
        );
    }
}

/// The signed document minus its proof canonicalizes to the same bytes as the unsigned one.
#[test]
fn signed_minus_proof_equals_unsigned() {
    let mut signed = json("eddsa-rdfc-2022/signedDataInt.json");
    signed.as_object_mut().unwrap().remove("proof");
    assert_eq!(
        canon::canonicalize(&signed).unwrap(),
        canon::canonicalize(&json("unsigned.json")).unwrap()
    );
}
