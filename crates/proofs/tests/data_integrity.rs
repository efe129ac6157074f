//! Data Integrity round trips on EDC (VC 1.1) and VC 2.0 documents with the demo university keys,
//! and every rejection, each with its own error variant.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

mod common;

use common::*;
use proofs::data_integrity::{self, ProofError, ProofOptions};
use proofs::did::ResolveError;
use proofs::signer::Ed25519Signer;
use serde_json::{json, Value};

fn elm_sample(issuer: &str) -> Value {
    let mut doc = json_shared("edc/samples/elm-v3-official/credential-sample_ELM-3.2.jsonld");
    doc["issuer"]["id"] = Value::String(issuer.into());
    doc
}

fn opts() -> ProofOptions {
    ProofOptions::new(utc(2026, 11, 1))
}

#[test]
fn edc_vc11_round_trip_appends_the_data_integrity_context() {
    let store = keystore();
    let resolver = store.resolver().unwrap();
    let eth = store.university("eth").unwrap();
    let signer = eth.current_signer().unwrap();
    let doc = elm_sample(eth.did());
    let signed = data_integrity::sign(&doc, signer, &opts()).unwrap();
    assert_eq!(
        signed["@context"],
        json!([
            "https://www.w3.org/2018/credentials/v1",
            "http://data.europa.eu/snb/model/context/edc-ap",
            "https://w3id.org/security/data-integrity/v2"
        ])
    );
    let proof = &signed["proof"];
    assert_eq!(proof["type"], "DataIntegrityProof");
    assert_eq!(proof["cryptosuite"], "eddsa-rdfc-2022");
    assert_eq!(proof["created"], "2026-11-01T12:00:00Z");
    assert_eq!(proof["proofPurpose"], "assertionMethod");
    assert_eq!(
        proof["verificationMethod"],
        "did:web:localhost%3A8080:universities:eth#key-2026-01"
    );
    let verified = data_integrity::verify(&signed, &resolver).unwrap();
    assert_eq!(verified.len(), 1);
    assert_eq!(verified[0].controller, eth.did());
    // From bytes, as a verifier receives it.
    let bytes = serde_json::to_vec_pretty(&signed).unwrap();
    assert_eq!(
        data_integrity::verify_bytes(&bytes, &resolver).unwrap(),
        verified
    );
    // Signing is deterministic (Ed25519 and a fixed `created`).
    assert_eq!(data_integrity::sign(&doc, signer, &opts()).unwrap(), signed);
}

#[test]
fn vc20_round_trip_and_a_second_university_countersigning_as_a_proof_set() {
    let store = keystore();
    let eth = store.university("eth").unwrap();
    let doc = vc2_doc(eth.did());
    let signed = data_integrity::sign(&doc, eth.current_signer().unwrap(), &opts()).unwrap();
    assert_eq!(
        signed["@context"], doc["@context"],
        "VC 2.0 already defines the proof terms"
    );
    verify_by(&store, &signed).unwrap();
    // A key rotated out of signing (still in the DID document) keeps verifying.
    let rotated = &eth.keys.iter().find(|k| !k.current).unwrap().signer;
    let old = data_integrity::sign(&doc, rotated, &opts()).unwrap();
    verify_by(&store, &old).unwrap();
    // Both proofs as a set.
    let both = data_integrity::sign(&signed, rotated, &opts()).unwrap();
    assert_eq!(both["proof"].as_array().unwrap().len(), 2);
    assert_eq!(verify_by(&store, &both).unwrap().len(), 2);
}

/// Every leaf of the JSON (path, value), the proof included.
fn leaves(v: &Value, path: &mut Vec<Value>, out: &mut Vec<(Vec<Value>, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                path.push(Value::String(k.clone()));
                leaves(c, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                path.push(json!(i));
                leaves(c, path, out);
                path.pop();
            }
        }
        leaf => out.push((path.clone(), leaf.clone())),
    }
}

fn at_mut<'a>(v: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(v, |v, p| match p {
        Value::String(k) => &mut v[k.as_str()],
        Value::Number(n) => &mut v[n.as_u64().unwrap() as usize],
        _ => unreachable!(),
    })
}

fn mutate(v: &Value) -> Value {
    match v {
        Value::String(s) if s.is_empty() => json!("x"),
        Value::String(s) => {
            // Change the last character (keeps IRIs absolute and dates parseable-looking).
            let mut c: Vec<char> = s.chars().collect();
            let last = c.len() - 1;
            c[last] = if c[last] == '1' { '2' } else { '1' };
            Value::String(c.into_iter().collect())
        }
        Value::Number(n) => json!(n.as_i64().map(|i| i + 1).unwrap_or(7)),
        Value::Bool(b) => json!(!b),
        Value::Null => json!("x"),
        _ => unreachable!(),
    }
}

#[test]
fn changing_any_single_leaf_of_a_signed_credential_fails_verification() {
    let store = keystore();
    let resolver = store.resolver().unwrap();
    let eth = store.university("eth").unwrap();
    for doc in [elm_sample(eth.did()), vc2_doc(eth.did())] {
        let signed = data_integrity::sign(&doc, eth.current_signer().unwrap(), &opts()).unwrap();
        let mut all = Vec::new();
        leaves(&signed, &mut Vec::new(), &mut all);
        assert!(all.len() > 10);
        let mut kinds = std::collections::BTreeMap::<String, usize>::new();
        for (path, value) in &all {
            let mut tampered = signed.clone();
            *at_mut(&mut tampered, path) = mutate(value);
            let err = data_integrity::verify(&tampered, &resolver)
                .err()
                .unwrap_or_else(|| panic!("mutating {path:?} ({value}) went unnoticed"));
            let kind = format!("{err:?}");
            *kinds
                .entry(kind.split([' ', '(', '{']).next().unwrap().to_string())
                .or_default() += 1;
        }
        println!("{} leaves mutated, all rejected: {kinds:?}", all.len());
    }
}

#[test]
fn wrong_key_is_a_signature_mismatch() {
    let store = keystore();
    let eth = store.university("eth").unwrap();
    let current = eth.current_signer().unwrap();
    // A key that is not eth's, claiming eth's verification method.
    let impostor = Ed25519Signer::from_secret_bytes(current.key_id(), &[42u8; 32]);
    let signed = data_integrity::sign(&elm_sample(eth.did()), &impostor, &opts()).unwrap();
    assert_signature_mismatch(verify_by(&store, &signed));
}

#[test]
fn another_universitys_key_is_rejected_as_controller_not_issuer() {
    let store = keystore();
    let eth = store.university("eth").unwrap();
    let rwth = store.university("rwth").unwrap();
    let signed = data_integrity::sign(
        &elm_sample(eth.did()),
        rwth.current_signer().unwrap(),
        &opts(),
    )
    .unwrap();
    assert_controller_not_issuer(verify_by(&store, &signed), rwth.did(), eth.did());
}

#[test]
fn key_rotated_out_of_the_did_document_and_unknown_dids_are_key_not_found() {
    let store = keystore();
    let eth = store.university("eth").unwrap();
    let removed = Ed25519Signer::from_secret_bytes(
        eth.did_web.verification_method("key-2024-01"),
        &[5u8; 32],
    );
    let signed = data_integrity::sign(&elm_sample(eth.did()), &removed, &opts()).unwrap();
    assert!(matches!(
        verify_by(&store, &signed),
        Err(ProofError::KeyNotFound {
            source: ResolveError::KeyNotFound(_),
            ..
        })
    ));
    let stranger = Ed25519Signer::from_secret_bytes("did:web:evil.example#k", &[5u8; 32]);
    let signed =
        data_integrity::sign(&elm_sample("did:web:evil.example"), &stranger, &opts()).unwrap();
    assert!(matches!(
        verify_by(&store, &signed),
        Err(ProofError::KeyNotFound {
            source: ResolveError::UnknownDid(_),
            ..
        })
    ));
}

fn signed_eth() -> (proofs::keystore::KeyStore, Value) {
    let store = keystore();
    let eth = store.university("eth").unwrap();
    let signed =
        data_integrity::sign(&vc2_doc(eth.did()), eth.current_signer().unwrap(), &opts()).unwrap();
    (store, signed)
}

#[test]
fn proof_member_rejections_each_have_their_own_error() {
    let (store, signed) = signed_eth();
    let resolver = store.resolver().unwrap();
    let check = |edit: &dyn Fn(&mut Value)| {
        let mut v = signed.clone();
        edit(&mut v);
        data_integrity::verify(&v, &resolver).err()
    };
    let pv = signed["proof"]["proofValue"].as_str().unwrap().to_string();
    // Truncated signature: valid base58, 60 bytes.
    let sig = proofs::keys::decode_multibase_base58btc(&pv).unwrap();
    let truncated = proofs::keys::encode_multibase_base58btc(&sig[..60]);
    assert!(matches!(
        check(&|v| v["proof"]["proofValue"] = json!(truncated)),
        Some(ProofError::MalformedProofValue(_))
    ));
    assert!(matches!(
        check(&|v| v["proof"]["proofValue"] = json!(&pv[..40])),
        Some(ProofError::MalformedProofValue(_))
    ));
    assert!(matches!(
        check(&|v| v["proof"]["proofValue"] = json!(format!("u{}", &pv[1..]))),
        Some(ProofError::MalformedProofValue(_))
    ));
    assert!(matches!(
        check(&|v| v["proof"]["proofValue"] = json!("z0OIl")),
        Some(ProofError::MalformedProofValue(_))
    ));
    assert_eq!(
        check(&|v| v["proof"]["cryptosuite"] = json!("ecdsa-sd-2023")),
        Some(ProofError::UnsupportedCryptosuite("ecdsa-sd-2023".into()))
    );
    assert_eq!(
        check(&|v| v["proof"]["type"] = json!("RsaSignature2018")),
        Some(ProofError::WrongProofType("RsaSignature2018".into()))
    );
    assert!(matches!(
        check(&|v| v["proof"]["proofPurpose"] = json!("authentication")),
        Some(ProofError::ProofPurposeMismatch { .. })
    ));
    assert!(matches!(
        check(&|v| v["proof"]["created"] = json!("yesterday")),
        Some(ProofError::MalformedProof(_))
    ));
    assert!(matches!(
        check(&|v| v["proof"]["created"] = json!("2026-11-01T12:00:01Z")),
        Some(ProofError::SignatureMismatch { .. })
    ));
    assert_eq!(
        check(&|v| {
            v.as_object_mut().unwrap().remove("proof");
        }),
        Some(ProofError::NoProof)
    );
    assert!(matches!(
        check(&|v| v["proof"]["previousProof"] = json!("urn:uuid:nothing")),
        Some(ProofError::PreviousProofNotFound(_))
    ));
    assert_eq!(
        data_integrity::verify(&json!([1]), &resolver),
        Err(ProofError::NotAnObject)
    );
}

#[test]
fn canonicalization_failures_are_wrapped() {
    let store = keystore();
    let eth = store.university("eth").unwrap();
    let signer = eth.current_signer().unwrap();
    // (The VC 2.0 examples context has an @vocab, so the undefined term goes into the EDC document.)
    let mut undefined = elm_sample(eth.did());
    undefined["credentialSubject"]["notDefinedAnywhere"] = json!("x");
    let err = data_integrity::sign(&undefined, signer, &opts());
    assert!(
        matches!(
            err,
            Err(ProofError::Canonicalization(
                canon::CanonError::UndefinedTerm { .. }
            ))
        ),
        "{err:?}"
    );
    let mut unknown = vc2_doc(eth.did());
    unknown["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!("https://example.com/unknown-context"));
    assert!(matches!(
        data_integrity::sign(&unknown, signer, &opts()),
        Err(ProofError::Canonicalization(
            canon::CanonError::UnknownContext { .. }
        ))
    ));
    // The same on verification: a signed document whose context was swapped for an unknown one.
    let (store, signed) = signed_eth();
    let mut v = signed.clone();
    v["@context"][1] = json!("https://example.com/unknown-context");
    assert!(matches!(
        verify_by(&store, &v),
        Err(ProofError::Canonicalization(
            canon::CanonError::UnknownContext { .. }
        ))
    ));
}

#[test]
fn only_ed25519_signers_make_eddsa_proofs() {
    let store = keystore();
    let seal = store.university("wut").unwrap().seal.as_ref().unwrap();
    assert!(matches!(
        data_integrity::sign(&vc2_doc("did:x"), seal.signer.as_ref(), &opts()),
        Err(ProofError::UnsupportedSigner(proofs::Algorithm::Es256))
    ));
}

/// `with_unsecured` shows the callback exactly what `without_proof` returns (VC 1.1: proof and
/// the appended Data Integrity context gone; VC 2.0: proof gone) and leaves the signed document
/// as it was, byte for byte, even where the proof is not the last member.
#[test]
fn with_unsecured_is_without_proof_in_place() {
    let store = keystore();
    let eth = store.university("eth").unwrap();
    let signer = eth.current_signer().unwrap();
    for doc in [elm_sample(eth.did()), vc2_doc(eth.did())] {
        let signed = data_integrity::sign(&doc, signer, &opts()).unwrap();
        // The proof moved to the front too: its position must come back.
        let mut proof_first = serde_json::Map::new();
        proof_first.insert("proof".into(), signed["proof"].clone());
        for (k, v) in signed.as_object().unwrap() {
            if k != "proof" {
                proof_first.insert(k.clone(), v.clone());
            }
        }
        for original in [signed.clone(), Value::Object(proof_first)] {
            let before = serde_json::to_vec(&original).unwrap();
            let expected =
                Value::Object(data_integrity::without_proof(original.as_object().unwrap()));
            let mut secured = original.clone();
            let seen = data_integrity::with_unsecured(&mut secured, |unsecured| unsecured.clone());
            assert_eq!(seen, expected);
            assert_eq!(
                serde_json::to_vec(&secured).unwrap(),
                before,
                "document not restored"
            );
        }
        // The unsecured form is what was signed (the VC 1.1 one gained only proof and context).
        let mut secured = signed.clone();
        let bytes = serde_json::to_vec(&data_integrity::without_proof(signed.as_object().unwrap()))
            .unwrap();
        assert!(data_integrity::with_unsecured(&mut secured, |u| {
            data_integrity::serializes_to(u, &bytes)
        }));
        assert!(
            data_integrity::serializes_to(&doc, &bytes),
            "the unsecured form is not the document signed"
        );
    }
}

/// `serializes_to` is exact: equal bytes only, not a prefix, not an extension, not other spacing.
#[test]
fn serializes_to_compares_exact_bytes() {
    let v = json!({"a": [1, "x\"y"], "b": {"c": null}});
    let exact = serde_json::to_vec(&v).unwrap();
    assert!(data_integrity::serializes_to(&v, &exact));
    assert!(!data_integrity::serializes_to(
        &v,
        &exact[..exact.len() - 1]
    ));
    let mut longer = exact.clone();
    longer.push(b' ');
    assert!(!data_integrity::serializes_to(&v, &longer));
    assert!(!data_integrity::serializes_to(
        &v,
        serde_json::to_string_pretty(&v).unwrap().as_bytes()
    ));
    let mut flipped = exact.clone();
    flipped[5] ^= 1;
    assert!(!data_integrity::serializes_to(&v, &flipped));
    assert!(!data_integrity::serializes_to(&v, b""));
}
