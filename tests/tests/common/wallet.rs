//! The independent headless wallet of `interop/wallet/` (issue #16 `wallet.mjs`: OpenID4VCI;
//! issue #17 `present.mjs`: OpenID4VP), run as child processes by the wallet end-to-end tests.
//! A missing installation FAILS the test, saying so (never a skip).
// Shared by several test crates; each uses only part of it.
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;

use crate::common::{free_port, repo, run_node_in};

/// `interop/wallet/`.
pub fn dir() -> PathBuf {
    repo().join("interop/wallet")
}

/// Fails (never skips) when the wallet's `packages` or the reference JS stack it calls are not
/// installed.
pub fn require(packages: &[&str]) {
    let modules = dir().join("node_modules");
    for package in packages {
        assert!(
            modules.join(package).is_dir(),
            "the test wallet is not installed ({package} is missing): run `npm ci --prefix \
             interop/wallet` from the repository root (Node >= 20)"
        );
    }
    crate::common::require_js();
}

/// Runs `node interop/wallet/<script> <args>` with `stdin`; its JSON output. A failed run (exit
/// status not 0) fails the test with the script's stderr.
pub async fn run(script: &'static str, args: Vec<String>, stdin: Vec<u8>) -> Value {
    tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run_node_in(&dir(), script, &refs, &stdin);
        assert!(
            out.status.success(),
            "{script} {refs:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{script} prints JSON: {e}"))
    })
    .await
    .unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// A fresh temporary directory path `<prefix>-<name>-<pid>-<n>` (not created).
pub fn temp_dir(prefix: &str, name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "{prefix}-{name}-{}-{}",
        std::process::id(),
        free_port()
    ))
}

/// The demo seal CA (`keys.example/ca/ca.cert.pem`): the trust anchor of the universities' `x5c`
/// chains and of the verifier's demo client certificate.
pub fn ca_path() -> PathBuf {
    repo().join("keys.example/ca/ca.cert.pem")
}

/// [`ca_path`]'s PEM.
pub fn ca_pem() -> String {
    std::fs::read_to_string(ca_path()).unwrap_or_else(|e| panic!("{}: {e}", ca_path().display()))
}

/// `POST /awards` on the issuer at `issuer_url` with `token` and `body` (`{"award", "images"}`;
/// no rendered images): the new credential's id.
pub async fn award(issuer_url: &str, token: &str, mut body: Value) -> String {
    body["renderImages"] = Value::Bool(false);
    let res = reqwest::Client::new()
        .post(format!("{issuer_url}/awards"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST /awards: {e}"));
    let status = res.status();
    let v: Value = res.json().await.unwrap_or_default();
    assert_eq!(status, 201, "{v}");
    v["verifiableCredential"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no credential id: {v}"))
        .to_owned()
}

/// Staff's `POST /credentials/{id}/offers` (defaults: all three configurations, a PIN):
/// `(deep link, PIN)`.
pub async fn offer(issuer_url: &str, token: &str, credential_id: &str) -> (String, String) {
    let res = reqwest::Client::new()
        .post(format!("{issuer_url}/credentials/{credential_id}/offers"))
        .bearer_auth(token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST offers: {e}"));
    let status = res.status();
    let v: Value = res.json().await.unwrap_or_default();
    assert_eq!(status, 201, "{v}");
    let link = v["deepLink"].as_str().unwrap_or_default().to_owned();
    assert!(
        link.starts_with("openid-credential-offer://?credential_offer_uri="),
        "{link}"
    );
    (link, v["txCode"].as_str().unwrap_or_default().to_owned())
}
