//! ADR 0004 (issue #15): the VC-API verify endpoints report trust, awarding body and the issuer
//! binding without counting them in the verdict when the caller names no `options.checks`; the
//! library's default policy (the pages, the CLI) and a caller that names `trust` keep them as
//! checks. Each rule with a failing and a passing input, in the library and over HTTP.
//!
//! Inputs: a VC 2.0 credential issued and signed by a did:key no trust source lists; the same
//! credential naming ETH's did:web as issuer but signed by that did:key (no proof by the issuer);
//! a tampered copy (must stay invalid).
#![cfg(feature = "service")]
// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use common::*;
use proofs::did::{did_key_from_ed25519, did_key_verification_method};
use proofs::signer::Ed25519Signer;
use serde_json::{json, Value};
use service_kit::test_client::post_json_parts;
use verifier::{CheckKind, CheckStatus, TrustVerdict, Verdict};

/// A credential with `issuer`, signed by the did:key of seed 9.
fn signed_by_did_key(issuer: Option<&str>) -> (Value, String) {
    let key = Ed25519Signer::from_secret_bytes("k", &[9; 32]);
    let did_key = did_key_from_ed25519(&key.verifying_key());
    let key = key.with_key_id(did_key_verification_method(&did_key).unwrap());
    let doc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:3f0e3b52-6a44-4d4e-9a0c-5b2f7c1d9e01",
        "type": ["VerifiableCredential"],
        "issuer": issuer.unwrap_or(&did_key),
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Ada"},
    });
    (sign_with(&doc, &key), did_key)
}

fn tampered(c: &Value) -> Value {
    let mut c = c.clone();
    c["credentialSubject"]["name"] = json!("Mallory");
    c
}

#[test]
fn library_unknown_signer_counts_only_where_trust_is_a_check() {
    let (c, _) = signed_by_did_key(None);
    // The pages' and the CLI's policy: trust is a check, an unknown signer is indeterminate.
    let strict = verifier::verify_json(&c, &policy(), &clock());
    assert_eq!(strict.verdict, Verdict::Indeterminate, "{}", show(&strict));
    assert_eq!(status(&strict, CheckKind::Trust), CheckStatus::Unknown);
    // The VC-API default: valid, trust still reported (unknown, advisory).
    let r = verifier::verify_json(&c, &policy().vc_api_default(), &clock());
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    assert_eq!(r.trust, TrustVerdict::Unknown);
    let trust = r.check(CheckKind::Trust).unwrap();
    assert!(
        trust.advisory && trust.status == CheckStatus::Unknown,
        "{}",
        show(&r)
    );
    assert!(!r.check(CheckKind::Proof).unwrap().advisory);
    // Tampered stays invalid under both.
    let bad = verifier::verify_json(&tampered(&c), &policy().vc_api_default(), &clock());
    assert_eq!(bad.verdict, Verdict::Invalid, "{}", show(&bad));
    assert_eq!(status(&bad, CheckKind::Proof), CheckStatus::Failed);
}

#[test]
fn library_issuer_binding_is_reported_by_the_trust_check() {
    let eth = did("eth");
    let (c, did_key) = signed_by_did_key(Some(&eth));
    // Strict: no proof by the issuer fails the proof check.
    let strict = verifier::verify_json(&c, &policy(), &clock());
    assert_eq!(strict.verdict, Verdict::Invalid, "{}", show(&strict));
    assert_says(&strict, CheckKind::Proof, "not by the issuer");
    // VC-API default: the proof verifies with an `issuer-binding` warning; trust fails the
    // binding (never "trusted" although the issuer named is an ENHANCE member); valid.
    let r = verifier::verify_json(&c, &policy().vc_api_default(), &clock());
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    let proof = r.check(CheckKind::Proof).unwrap();
    assert_eq!(proof.status, CheckStatus::Ok);
    assert!(
        proof.warnings.iter().any(|w| w.code == "issuer-binding"),
        "{}",
        show(&r)
    );
    assert_eq!(r.trust, TrustVerdict::Untrusted, "{}", show(&r));
    assert_says(
        &r,
        CheckKind::Trust,
        &format!("signed by {did_key}, not by the issuer"),
    );
    // Signatures only (`checks: proof`): the binding is trust's, so the proof verifies, warned.
    let r = verifier::verify_json(&c, &policy().with_checks([CheckKind::Proof]), &clock());
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    assert!(r
        .check(CheckKind::Proof)
        .unwrap()
        .warnings
        .iter()
        .any(|w| w.code == "issuer-binding"));
    // Its own proof by ETH passes the binding: trusted.
    let doc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": eth,
        "credentialSubject": {"id": "did:example:learner"},
    });
    let own = sign_with(&doc, &signer("eth"));
    let r = verifier::verify_json(&own, &policy().vc_api_default(), &clock());
    assert_eq!(r.trust, TrustVerdict::Trusted, "{}", show(&r));
}

async fn post(s: &verifier::service::RunningService, path: &str, body: &Value) -> (u16, Value) {
    let (status, report, _) = post_json_parts(&s.url(), path, None, body).await;
    (status, report)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_verify_endpoints_count_trust_only_when_asked() {
    let s = start_service(service_config()).await;
    let (c, _) = signed_by_did_key(None);
    // No options.checks: 200, trust reported as advisory.
    let (code, report) = post(
        &s,
        "/credentials/verify",
        &json!({"verifiableCredential": c}),
    )
    .await;
    assert_eq!(code, 200, "{report}");
    let trust = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["check"] == "trust")
        .unwrap();
    assert_eq!(
        (trust["status"].clone(), trust["advisory"].clone()),
        (json!("unknown"), json!(true))
    );
    assert_eq!(report["trust"], "unknown");
    // Asking for trust makes it count: 422 indeterminate.
    let asked = json!({"verifiableCredential": c, "options": {"checks": ["proof", "trust"]}});
    let (code, report) = post(&s, "/credentials/verify", &asked).await;
    assert_eq!(
        (code, report["verdict"].clone()),
        (422, json!("indeterminate")),
        "{report}"
    );
    // Tampered: 422 invalid either way.
    let bad = json!({"verifiableCredential": tampered(&c)});
    let (code, report) = post(&s, "/credentials/verify", &bad).await;
    assert_eq!(
        (code, report["verdict"].clone()),
        (422, json!("invalid")),
        "{report}"
    );
    // A presentation without a proof (allowed) of that credential: 200; asking for trust: 422.
    let vp = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [c],
    });
    let body = json!({"verifiablePresentation": vp, "options": {"allowUnsigned": true}});
    let (code, report) = post(&s, "/presentations/verify", &body).await;
    assert_eq!(code, 200, "{report}");
    let body = json!({"verifiablePresentation": vp,
        "options": {"allowUnsigned": true, "checks": ["format", "proof", "trust"]}});
    let (code, report) = post(&s, "/presentations/verify", &body).await;
    assert_eq!(code, 422, "{report}");
    s.shutdown().await.unwrap();
}
