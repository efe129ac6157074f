//! did:key issuers end to end (issue #15 point 4): with `did_key = true` in ETH's `keys.toml`,
//! `POST /credentials/issue` with `issuer` = ETH's did:key signs with that did:key's method; the
//! credential verifies with the reference JavaScript stack (`interop/js/verify.mjs`, did:key
//! resolved from the identifier) and with our verifier, trusted when the registry lists the
//! did:key. The same request with the did:web still signs as the did:web.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;
#[path = "../../crates/verifier/tests/did_key_support/mod.rs"]
mod did_key_support;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::{json, Value};
use verifier::{verify_json, CheckKind, CheckStatus, NetworkPolicy, Policy, SystemClock};

/// A copy of `keys.example/` in the test's own directory, with `did_key = true` for ETH.
fn keys_with_did_key(dir: &Path) -> PathBuf {
    let keys = dir.join("keys");
    did_key_support::copy_keys_with_did_key(&repo(), &keys, "eth");
    keys
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn did_key_credential_from_vc_api_verifies_in_js_and_here() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("did_key_issue");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let keys = keys_with_did_key(&dir);
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let store = proofs::keystore::KeyStore::load(&keys, &base).unwrap();
    let eth = store.university("eth").unwrap();
    let did_key = eth.did_key.clone().unwrap();
    let config = issuer::config::Config {
        keys_dir: keys.clone(),
        ..issuer_config(&dir, port)
    };
    let server = start_issuer(config).await;
    let token = demo_tokens()["eth"].clone();
    let client = reqwest::Client::new();
    let issue = |issuer: String| {
        let body = json!({"credential": {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": issuer,
            "credentialSubject": {"id": "did:example:learner"}
        }});
        client
            .post(format!("{base}/credentials/issue"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let resp = issue(did_key.clone()).await.unwrap();
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(status, 201, "{body:#}");
    let vc = body["verifiableCredential"].clone();
    assert_eq!(vc["issuer"], json!(did_key));
    let method = vc["proof"]["verificationMethod"].as_str().unwrap();
    assert_eq!(
        method,
        format!("{did_key}#{}", did_key.trim_start_matches("did:key:"))
    );

    // The reference JavaScript stack: did:key resolved from the identifier, no document given.
    require_js();
    let (verified, errors) = js_verify(&vc, &[]);
    assert!(
        verified,
        "JS rejected the did:key credential: {errors:?}\n{vc:#}"
    );

    // Our verifier, trusting the registry of that key store (did:key listed next to did:web);
    // the status list is fetched from the issuer on 127.0.0.1.
    let registry = verifier::TrustRegistry::from_key_store(&keys, &base).unwrap();
    assert!(registry.member_by_did(&did_key).is_some());
    let policy = Policy::new(registry).with_network(NetworkPolicy::local_testing());
    let vc_for_verifier = vc.clone();
    let report =
        tokio::task::spawn_blocking(move || verify_json(&vc_for_verifier, &policy, &SystemClock))
            .await
            .unwrap();
    let show = serde_json::to_string_pretty(&report).unwrap();
    for k in [CheckKind::Proof, CheckKind::Trust, CheckKind::Revocation] {
        assert_eq!(
            report.check(k).unwrap().status,
            CheckStatus::Ok,
            "{k:?}: {show}"
        );
    }

    // The did:web still signs as the did:web; another university's DID is refused.
    let resp = issue(eth.did().to_string()).await.unwrap();
    assert_eq!(resp.status(), 201);
    let body: Value = resp.json().await.unwrap();
    let method = body["verifiableCredential"]["proof"]["verificationMethod"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(method.starts_with(&format!("{}#", eth.did())), "{method}");
    let other = store.university("rwth").unwrap().did().to_string();
    let resp = issue(other).await.unwrap();
    assert_eq!(resp.status(), 422);
    server.shutdown().await.unwrap();
}
