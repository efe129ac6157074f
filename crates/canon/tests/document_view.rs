//! `canonical_sha256_view` (the copy-free hash Data Integrity uses) against the oracle: for real
//! documents and views that leave out, replace and add top-level members, the digest equals
//! SHA-256 of the oracle's canonical N-Quads of the materialised document, and `to_value` builds
//! exactly that document.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use canon::DocumentView;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const TESTDATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata");

fn load(rel: &str) -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(format!("{TESTDATA}/{rel}")).unwrap();
    match serde_json::from_str(&text).unwrap() {
        Value::Object(m) => m,
        _ => panic!("{rel}: not an object"),
    }
}

fn oracle_hash(doc: &Value) -> [u8; 32] {
    Sha256::digest(canon::oracle_canonicalize(doc).unwrap().as_bytes()).into()
}

fn check(name: &str, view: DocumentView<'_>) {
    let materialised = view.to_value();
    let expected = oracle_hash(&materialised);
    let before = canon::fast::fallback_count();
    let got = canon::canonical_sha256(view).unwrap();
    assert_eq!(
        got, expected,
        "{name}: view digest differs from the oracle's"
    );
    assert_eq!(
        canon::fast::fallback_count(),
        before,
        "{name}: the fast path declined the view"
    );
}

#[test]
fn views_of_the_eu_samples_and_w3c_vectors_hash_like_the_oracle() {
    let di = Value::String("https://w3id.org/security/data-integrity/v2".into());
    for rel in [
        "edc/samples/elm-v3-official/Sample-MC-Annex1-unsigned.jsonld",
        "edc/samples/elm-v3-official/credential-sample_ELM-3.2.jsonld",
        "vectors/vc-di-eddsa/TestVectors/unsigned.json",
    ] {
        let doc = load(rel);
        // The whole document.
        check(
            rel,
            DocumentView {
                base: &doc,
                omit: &[],
                replace: &[],
            },
        );
        // Data Integrity's view: no proof, DI context appended.
        // (VC 1.1 documents only, as eddsa-rdfc-2022 signers do; VC 2.0 includes it.)
        let mut ctx = doc["@context"].clone();
        if let Value::Array(list) = &mut ctx {
            if list.first().and_then(Value::as_str)
                == Some("https://www.w3.org/2018/credentials/v1")
            {
                list.push(di.clone());
            }
        }
        check(
            rel,
            DocumentView {
                base: &doc,
                omit: &["proof"],
                replace: &[("@context", &ctx)],
            },
        );
        // Leaving out a member that exists changes the digest.
        let without_issuer = canon::canonical_sha256(DocumentView {
            base: &doc,
            omit: &["issuer"],
            replace: &[],
        })
        .unwrap();
        let whole = canon::canonical_sha256(DocumentView {
            base: &doc,
            omit: &[],
            replace: &[],
        })
        .unwrap();
        assert_ne!(
            without_issuer, whole,
            "{rel}: omitting issuer must change the digest"
        );
        check(
            rel,
            DocumentView {
                base: &doc,
                omit: &["issuer"],
                replace: &[],
            },
        );
    }
}

#[test]
fn replaced_and_added_members_are_hashed_like_the_materialised_document() {
    let doc = load("vectors/vc-di-eddsa/TestVectors/unsigned.json");
    let issuer = json!("did:example:another-issuer");
    let extra_type = json!(["VerifiableCredential", "AlumniCredential"]);
    let added = json!("2030-01-01T00:00:00Z");
    assert!(
        !doc.contains_key("validUntil"),
        "the vector has no validUntil"
    );
    // `validUntil` is defined by the VC v2 context the vector uses.
    let replace = [
        ("issuer", &issuer),
        ("type", &extra_type),
        ("validUntil", &added),
    ];
    let view = DocumentView {
        base: &doc,
        omit: &[],
        replace: &replace,
    };
    let v = view.to_value();
    assert_eq!(v["issuer"], issuer);
    assert_eq!(v["validUntil"], added);
    assert_eq!(
        v.as_object()
            .unwrap()
            .keys()
            .next_back()
            .map(String::as_str),
        Some("validUntil")
    );
    check("replace+add", view);
}

#[test]
fn an_invalid_view_is_an_error_not_a_digest() {
    let doc = load("vectors/vc-di-eddsa/TestVectors/unsigned.json");
    // An unknown context is an error (never fetched), through the view as without it.
    let unknown = json!([
        "https://www.w3.org/ns/credentials/v2",
        "https://unknown.example/context"
    ]);
    let view = DocumentView {
        base: &doc,
        omit: &[],
        replace: &[("@context", &unknown)],
    };
    let err = canon::canonical_sha256(view).unwrap_err();
    assert!(
        err.to_string().contains("https://unknown.example/context"),
        "{err}"
    );
    // A relative @id is an error in safe mode.
    let relative = json!("not-an-absolute-iri");
    let view = DocumentView {
        base: &doc,
        omit: &[],
        replace: &[("id", &relative)],
    };
    let err = canon::canonical_sha256(view).unwrap_err();
    assert!(err.to_string().contains("not-an-absolute-iri"), "{err}");
}
