//! The demo key store: layout, DID documents with rotated keys, and configuration errors.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use std::path::{Path, PathBuf};

use common::*;
use proofs::keystore::{KeyStore, KeyStoreError};
use proofs::Signer as _;

const IDS: [&str; 6] = ["eth", "polimi", "rwth", "tub", "tudelft", "wut"];

#[test]
fn demo_store_has_six_universities_two_keys_each_and_seals() {
    let store = keystore();
    let ids: Vec<&str> = store.universities().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, IDS);
    let mut algs = Vec::new();
    for u in store.universities() {
        assert_eq!(
            u.did(),
            format!("did:web:localhost%3A8080:universities:{}", u.id)
        );
        assert_eq!(
            u.did_web.document_url,
            format!("http://localhost:8080/universities/{}/did.json", u.id)
        );
        assert_eq!(u.keys.len(), 2);
        assert_eq!(u.keys.iter().filter(|k| k.current).count(), 1);
        let current = u.current_signer().unwrap();
        assert_eq!(current.key_id(), format!("{}#key-2026-01", u.did()));
        let doc = u.did_document().unwrap();
        assert_eq!(
            doc["@context"],
            serde_json::json!([
                "https://www.w3.org/ns/did/v1",
                "https://w3id.org/security/multikey/v1"
            ])
        );
        assert_eq!(
            doc["verificationMethod"].as_array().unwrap().len(),
            2,
            "rotated key stays published"
        );
        assert_eq!(doc["assertionMethod"].as_array().unwrap().len(), 2);
        assert_eq!(doc["verificationMethod"][1]["controller"], u.did());
        let seal = u.seal.as_ref().unwrap();
        assert_eq!(seal.chain.len(), 2);
        algs.push(seal.signer.algorithm().jose_name());
    }
    assert_eq!(algs, ["RS256", "ES256", "PS256", "ES256", "RS256", "ES256"]);
    assert_eq!(store.trust_anchors().certificates().len(), 1);
    // Every university's keys are distinct.
    let mut all: Vec<String> = store
        .universities()
        .flat_map(|u| {
            u.keys
                .iter()
                .map(|k| k.signer.public_key_multibase().unwrap())
        })
        .collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 12);
}

/// Copies keys.example/eth into a fresh temporary store and lets the test edit keys.toml.
fn temp_store(name: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("proofs-keystore-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let src = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../keys.example/eth"
    ));
    let dst = dir.join("eth");
    std::fs::create_dir_all(&dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
    }
    let toml = std::fs::read_to_string(dst.join("keys.toml")).unwrap();
    std::fs::write(dst.join("keys.toml"), edit(&toml)).unwrap();
    dir
}

#[test]
fn configuration_errors_are_reported() {
    let two_current = temp_store("two", |t| t.replace("current = false", "current = true"));
    assert!(matches!(
        KeyStore::load(&two_current, BASE_URL),
        Err(KeyStoreError::Config { .. })
    ));
    let missing = temp_store("missing", |t| {
        t.replace("ed25519-key-2025-01.pem", "nope.pem")
    });
    assert!(matches!(
        KeyStore::load(&missing, BASE_URL),
        Err(KeyStoreError::Io { .. })
    ));
    let wrong_alg = temp_store("alg", |t| t.replace("RS256", "ES256"));
    assert!(matches!(
        KeyStore::load(&wrong_alg, BASE_URL),
        Err(KeyStoreError::Key { .. })
    ));
    let wrong_cert = temp_store("cert", |t| {
        t.replace(
            "key_file = \"seal.key.pem\"",
            "key_file = \"seal2.key.pem\"",
        )
    });
    let rwth_key = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../keys.example/rwth/seal.key.pem"
    ));
    std::fs::copy(rwth_key, wrong_cert.join("eth/seal2.key.pem")).unwrap();
    assert!(matches!(
        KeyStore::load(&wrong_cert, BASE_URL),
        Err(KeyStoreError::Certificate { .. })
    ));
    let unknown_field = temp_store("field", |t| format!("{t}\nfoo = 1\n"));
    assert!(matches!(
        KeyStore::load(&unknown_field, BASE_URL),
        Err(KeyStoreError::Config { .. })
    ));
    let ok = temp_store("ok", |t| t.to_string());
    let store = KeyStore::load(&ok, BASE_URL).unwrap();
    assert_eq!(store.universities().count(), 1);
    assert!(
        store.trust_anchors().certificates().is_empty(),
        "no ca/ directory here"
    );
    for d in [
        two_current,
        missing,
        wrong_alg,
        wrong_cert,
        unknown_field,
        ok,
    ] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn regenerating_the_demo_keys_is_reproducible() {
    // The generator is deterministic: re-derive eth's current Ed25519 key from its public seed label
    // and compare with the committed file.
    use sha2::Digest as _;
    let seed: [u8; 32] = sha2::Sha256::digest(
        "enhance-credentials DEMO seed, public, never production: eth/key-2026-01",
    )
    .into();
    let expected = proofs::signer::Ed25519Signer::from_secret_bytes("x", &seed);
    let store = keystore();
    assert_eq!(
        store
            .university("eth")
            .unwrap()
            .current_signer()
            .unwrap()
            .public_key(),
        proofs::Signer::public_key(&expected)
    );
}
