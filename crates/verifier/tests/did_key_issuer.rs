//! did:key issuers (issue #15 point 4): a university with `did_key = true` in its `keys.toml`
//! signs as the did:key of its current Ed25519 key; the trust registry generated from the key
//! store lists that did:key next to its did:web, and a credential issued by it verifies and is
//! trusted; a registry without it verifies the proof (did:key resolves from the identifier) but
//! does not know the issuer.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;
mod did_key_support;

use std::path::PathBuf;

use common::*;
use proofs::keystore::KeyStore;
use serde_json::json;
use verifier::{verify_json, CheckKind, CheckStatus, NetworkPolicy, Policy, TrustRegistry};

/// A copy of `keys.example/` in a fresh temporary directory, with `did_key = true` for `uni`.
fn key_store_with_did_key(uni: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("enhance-did-key-{}", std::process::id()));
    did_key_support::copy_keys_with_did_key(&repo(), &dir, uni);
    dir
}

#[test]
fn did_key_issuer_listed_in_the_registry_is_trusted() {
    let (mut doc, uni) = built("micro-credential-professional");
    let dir = key_store_with_did_key(&uni);
    let store = KeyStore::load(&dir, BASE).unwrap();
    let keys = store.university(&uni).unwrap();
    let did_key = keys.did_key.clone().unwrap();
    assert!(did_key.starts_with("did:key:z6Mk"), "{did_key}");
    assert!(keys.is_own_did(&did_key) && keys.is_own_did(keys.did()));
    let signer = keys.did_key_signer().unwrap();
    assert_eq!(
        proofs::signer::Signer::key_id(&signer),
        format!("{did_key}#{}", did_key.trim_start_matches("did:key:"))
    );

    // The registry of that key store lists the did:key next to the did:web.
    let registry = TrustRegistry::from_key_store(&dir, BASE).unwrap();
    let member = registry.member_by_did(&did_key).unwrap();
    assert_eq!(member.id, uni);
    assert_eq!(member.dids.len(), 2);
    assert_eq!(member.dids[0].id, keys.did());
    // The registry file round-trips (its did:key document is validated at load).
    let reloaded = TrustRegistry::from_json_bytes(registry.to_pretty_json().as_bytes()).unwrap();
    assert!(reloaded.member_by_did(&did_key).is_some());

    doc["issuer"]["id"] = json!(did_key);
    let cred = sign_with(&doc, &signer);
    assert_eq!(
        cred["proof"]["verificationMethod"],
        json!(proofs::signer::Signer::key_id(&signer))
    );
    let checks = [CheckKind::Proof, CheckKind::Trust];
    // `cred` verified offline against `registry`: the Proof and Trust statuses and the report.
    let verify = |registry: TrustRegistry| {
        let p = Policy::new(registry)
            .with_network(NetworkPolicy::offline())
            .with_checks(checks);
        let r = verify_json(&cred, &p, &clock());
        let statuses = (status(&r, CheckKind::Proof), status(&r, CheckKind::Trust));
        (statuses, show(&r))
    };
    let (statuses, report) = verify(reloaded);
    assert_eq!(statuses, (CheckStatus::Ok, CheckStatus::Ok), "{report}");

    // The demo registry does not list the did:key: the proof verifies, the issuer is unknown.
    let ((proof, trust), report) = verify(TrustRegistry::demo().unwrap());
    assert_eq!(proof, CheckStatus::Ok, "{report}");
    assert_ne!(trust, CheckStatus::Ok, "{report}");
    let _ = std::fs::remove_dir_all(&dir);
}
