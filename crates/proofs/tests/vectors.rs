//! W3C vc-di-eddsa test vectors for `eddsa-rdfc-2022`, byte for byte: every intermediate value,
//! the signature, the signed documents, and proof sets / chains.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use chrono::{DateTime, Utc};
use common::*;
use proofs::data_integrity::{self, ProofOptions};
use proofs::did::DidKeyResolver;
use proofs::signer::Ed25519Signer;
use serde_json::Value;

fn options_from(config: &Value) -> ProofOptions {
    let created: DateTime<Utc> = DateTime::parse_from_rfc3339(config["created"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc);
    let mut o = ProofOptions::new(created);
    o.verification_method = config["verificationMethod"].as_str().map(str::to_string);
    o.id = config["id"].as_str().map(str::to_string);
    o.previous_proof = match &config["previousProof"] {
        Value::String(s) => vec![s.clone()],
        Value::Array(l) => l.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
        _ => Vec::new(),
    };
    o
}

fn check_intermediates(dir: &str, unsigned_file: &str) {
    let key = vector_json("keyPair.json");
    let unsigned = vector_json(unsigned_file);
    let config = vector_json(&format!("{dir}/proofConfigDataInt.json"));
    let input = data_integrity::signing_input(&unsigned, &config).unwrap();
    assert_eq!(
        input.canonical_document,
        vector(&format!("{dir}/canonDocDataInt.txt")),
        "{dir} canonical document"
    );
    assert_eq!(
        input.canonical_proof_config,
        vector(&format!("{dir}/proofCanonDataInt.txt")),
        "{dir} canonical proof config"
    );
    use sha2::Digest as _;
    assert_eq!(
        hex::encode(sha2::Sha256::digest(&input.canonical_document)),
        vector(&format!("{dir}/docHashDataInt.txt")).trim()
    );
    assert_eq!(
        hex::encode(sha2::Sha256::digest(&input.canonical_proof_config)),
        vector(&format!("{dir}/proofHashDataInt.txt")).trim()
    );
    assert_eq!(
        hex::encode(input.hash_data),
        vector(&format!("{dir}/combinedHashDataInt.txt")).trim()
    );

    let signer = Ed25519Signer::from_multibase_secret(
        config["verificationMethod"].as_str().unwrap(),
        key["privateKeyMultibase"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(
        proofs::keys::ed25519_to_multikey(&signer.verifying_key()),
        key["publicKeyMultibase"].as_str().unwrap()
    );
    let signed = data_integrity::sign(&unsigned, &signer, &options_from(&config)).unwrap();
    let proof_value = signed["proof"]["proofValue"].as_str().unwrap();
    let sig = proofs::keys::decode_multibase_base58btc(proof_value).unwrap();
    assert_eq!(
        hex::encode(&sig),
        vector(&format!("{dir}/sigHexDataInt.txt")).trim(),
        "{dir} signature"
    );
    assert_eq!(
        proof_value,
        vector(&format!("{dir}/sigBTC58DataInt.txt")).trim(),
        "{dir} proofValue"
    );
    let expected = vector_json(&format!("{dir}/signedDataInt.json"));
    assert_eq!(signed, expected, "{dir} signed document");
    let verified = data_integrity::verify_with(&expected, &DidKeyResolver, &lenient()).unwrap();
    assert_eq!(verified.len(), 1);
}

#[test]
fn alumni_vector_every_intermediate_value() {
    check_intermediates("eddsa-rdfc-2022", "unsigned.json");
}

#[test]
fn employment_authorization_vector_every_intermediate_value() {
    check_intermediates("eddsa-rdfc-2022/employ", "employmentAuth.json");
}

fn multikey_signer(n: u32, key_id: &str) -> Ed25519Signer {
    let pairs = vector_json("proof-set-chain/multiKeyPairs.json");
    let pair = &pairs[format!("keyPair{n}")];
    let s =
        Ed25519Signer::from_multibase_secret(key_id, pair["privateKeyMultibase"].as_str().unwrap())
            .unwrap();
    assert_eq!(
        proofs::keys::ed25519_to_multikey(&s.verifying_key()),
        pair["publicKeyMultibase"].as_str().unwrap()
    );
    s
}

#[test]
fn proof_sets_and_chains_reproduce_the_vectors_and_verify() {
    let steps = [
        (1, "proofSetConfig1.json", "signedProofSet1.json"),
        (2, "proofSetConfig2.json", "signedProofSet2.json"),
        (3, "proofChainConfig1.json", "signedProofChain1.json"),
        (4, "proofChainConfig2.json", "signedProofChain2.json"),
    ];
    let mut doc = vector_json("proof-set-chain/unsigned.json");
    for (n, (key, config_file, signed_file)) in steps.into_iter().enumerate() {
        let config = vector_json(&format!("proof-set-chain/{config_file}"));
        let signer = multikey_signer(key, config["verificationMethod"].as_str().unwrap());
        doc = data_integrity::sign(&doc, &signer, &options_from(&config)).unwrap();
        let expected = vector_json(&format!("proof-set-chain/{signed_file}"));
        assert_eq!(doc, expected, "{signed_file}");
        let verified = data_integrity::verify_with(&expected, &DidKeyResolver, &lenient()).unwrap();
        assert_eq!(verified.len(), n + 1, "{signed_file}: every proof verified");
    }
    // A chained proof whose predecessor is removed cannot be verified.
    let mut broken = vector_json("proof-set-chain/signedProofChain2.json");
    broken["proof"].as_array_mut().unwrap().remove(2);
    assert!(matches!(
        data_integrity::verify_with(&broken, &DidKeyResolver, &lenient()),
        Err(data_integrity::ProofError::PreviousProofNotFound(_))
    ));
    // Tampering with a proof of the set (here proof 1's `created`) makes that proof fail.
    let mut tampered = vector_json("proof-set-chain/signedProofChain1.json");
    tampered["proof"][1]["created"] = Value::String("2023-02-24T23:36:39Z".into());
    assert!(matches!(
        data_integrity::verify_with(&tampered, &DidKeyResolver, &lenient()),
        Err(data_integrity::ProofError::SignatureMismatch { .. })
    ));
}

#[test]
fn temp_documents_of_the_chain_vectors_are_what_chained_proofs_cover() {
    // proofChainTempDoc1 = the unsecured document plus exactly the proofs chain proof 1 names.
    let temp = vector_json("proof-set-chain/proofChainTempDoc1.json");
    let config = vector_json("proof-set-chain/proofChainConfig1.json");
    let mut cfg = config.as_object().unwrap().clone();
    cfg.insert("@context".into(), temp["@context"].clone());
    let input = data_integrity::signing_input(&temp, &Value::Object(cfg)).unwrap();
    let signer = multikey_signer(3, config["verificationMethod"].as_str().unwrap());
    let sig = proofs::Signer::sign(&signer, &input.hash_data).unwrap();
    let expected = vector_json("proof-set-chain/proofChainConfigSigned1.json");
    assert_eq!(
        proofs::keys::encode_multibase_base58btc(&sig),
        expected["proofValue"].as_str().unwrap()
    );
}
