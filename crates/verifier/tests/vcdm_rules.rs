//! VC Data Model 2.0 rules in the verifier's `format` check (issue #15, points 2 and 7): each rule
//! of `elm_model::vcdm` with a failing and a passing credential, on the library
//! ([`verifier::verify_json`]) and on `POST /credentials/verify` over 127.0.0.1; a credential
//! signed with `validUntil` in the past / `validFrom` in the future is reported expired / not yet
//! valid with an intact proof; JSON-LD errors answer 422 naming the term and the path;
//! `options.checks` accepts the VC-API names.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use std::sync::Arc;

use common::*;
use serde_json::{json, Value};
use service_kit::test_client::post_json;
use verifier::service::{start, Overrides, RunningService, ServiceConfig};
use verifier::{verify_json, CheckKind, CheckStatus};

const V2: &str = "https://www.w3.org/ns/credentials/v2";

fn vc2() -> Value {
    json!({
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "id": "urn:uuid:4b1d3e4c-7f55-4e2a-9d0c-3c1f0e7a2b11",
        "issuer": did("eth"),
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"}
    })
}

fn with(f: impl Fn(&mut Value)) -> Value {
    let mut c = vc2();
    f(&mut c);
    c
}

/// (name, failing credential, the rule and path the format check names, passing credential).
fn rule_cases() -> Vec<(&'static str, Value, &'static str, &'static str, Value)> {
    let typed = |member: &'static str, entry: Value| with(move |c| c[member] = entry.clone());
    let entry = json!({
        "id": "https://registry.example/status/7#3",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "3",
        "statusListCredential": "https://registry.example/status/7"
    });
    vec![
        (
            "credentialStatus",
            typed(
                "credentialStatus",
                json!({"id": "https://registry.example/s#1"}),
            ),
            "vcdm.credential-status.type",
            "credentialStatus.type",
            typed("credentialStatus", entry),
        ),
        (
            "termsOfUse",
            typed("termsOfUse", json!([{"id": "https://tou.example/1"}])),
            "vcdm.terms-of-use.type",
            "termsOfUse[0].type",
            typed(
                "termsOfUse",
                json!([{"id": "https://tou.example/1", "type": "https://vocab.example/Policy"}]),
            ),
        ),
        (
            "evidence",
            typed(
                "evidence",
                json!([{"id": "https://evidence.example/1", "type": []}]),
            ),
            "vcdm.evidence.type",
            "evidence[0].type",
            typed(
                "evidence",
                json!([{"id": "https://evidence.example/1", "type": ["https://vocab.example/Evidence"]}]),
            ),
        ),
        (
            "refreshService",
            typed("refreshService", json!({"id": "https://refresh.example/1"})),
            "vcdm.refresh-service.type",
            "refreshService.type",
            typed(
                "refreshService",
                json!({"id": "https://refresh.example/1", "type": "https://vocab.example/Refresh"}),
            ),
        ),
        (
            "credentialSchema",
            typed(
                "credentialSchema",
                json!([{"id": "https://schema.example/1.json"}]),
            ),
            "vcdm.credential-schema.type",
            "credentialSchema[0].type",
            typed(
                "credentialSchema",
                json!([{"id": "https://schema.example/1.json", "type": "JsonSchema"}]),
            ),
        ),
        (
            "credentialSchema id",
            typed("credentialSchema", json!({"type": "JsonSchema"})),
            "vcdm.credential-schema.id",
            "credentialSchema.id",
            typed(
                "credentialSchema",
                json!({"id": "https://schema.example/1.json", "type": "JsonSchema"}),
            ),
        ),
        (
            "validUntil before validFrom",
            with(|c| c["validUntil"] = json!("2025-12-31T23:59:59Z")),
            "vcdm.valid-until.before-valid-from",
            "validUntil",
            with(|c| c["validUntil"] = json!("2026-01-01T00:00:00Z")),
        ),
        (
            "credentialSubject",
            with(|c| c["credentialSubject"] = json!([{"id": "did:example:a"}, {}])),
            "vcdm.credential-subject.empty",
            "credentialSubject[1]",
            with(|c| c["credentialSubject"] = json!([{"id": "did:example:a"}, {"name": "B"}])),
        ),
        (
            "relatedResource object",
            typed("relatedResource", json!("https://resource.example/a")),
            "vcdm.related-resource.object",
            "relatedResource",
            typed(
                "relatedResource",
                json!({"id": "https://resource.example/a", "digestSRI": "sha384-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}),
            ),
        ),
        (
            "relatedResource id",
            typed("relatedResource", json!([{"digestMultibase": "uEiBZ"}])),
            "vcdm.related-resource.id",
            "relatedResource[0].id",
            typed(
                "relatedResource",
                json!([{"id": "https://resource.example/a", "digestMultibase": "uEiBZ"}]),
            ),
        ),
        (
            "relatedResource unique ids",
            typed(
                "relatedResource",
                json!([
                    {"id": "https://resource.example/a", "digestSRI": "sha384-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
                    {"id": "https://resource.example/a", "digestSRI": "sha384-yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"}
                ]),
            ),
            "vcdm.related-resource.unique-id",
            "relatedResource[1].id",
            typed(
                "relatedResource",
                json!([
                    {"id": "https://resource.example/a", "digestSRI": "sha384-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
                    {"id": "https://resource.example/b", "digestSRI": "sha384-yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"}
                ]),
            ),
        ),
        (
            "relatedResource digest",
            typed(
                "relatedResource",
                json!([{"id": "https://resource.example/a", "digestSRI": ""}]),
            ),
            "vcdm.related-resource.digest",
            "relatedResource[0]",
            typed(
                "relatedResource",
                json!([{"id": "https://resource.example/a", "digestSRI": "sha384-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}]),
            ),
        ),
    ]
}

fn format_only() -> verifier::Policy {
    policy().with_checks([CheckKind::Format])
}

#[test]
fn every_vcdm_rule_fails_and_passes_in_the_library() {
    for (name, failing, rule, path, passing) in rule_cases() {
        let r = verify_json(&failing, &format_only(), &clock());
        let f = r.check(CheckKind::Format).unwrap();
        assert_eq!(f.status, CheckStatus::Failed, "{name}: {f:?}");
        assert!(
            f.message.contains(&format!("{path}: ")) && f.message.contains(rule),
            "{name}: the format check does not name {rule} at {path}: {}",
            f.message
        );
        let r = verify_json(&passing, &format_only(), &clock());
        let f = r.check(CheckKind::Format).unwrap();
        assert_eq!(f.status, CheckStatus::Ok, "{name} (passing): {f:?}");
    }
}

#[test]
fn signed_past_valid_until_and_future_valid_from_verify_intact_but_expired_or_not_yet_valid() {
    let now = clock().0;
    for (field, value, expected) in [
        ("validUntil", now - chrono::Duration::days(1), "expired"),
        (
            "validFrom",
            now + chrono::Duration::days(1),
            "not yet valid",
        ),
    ] {
        let doc = with(|c| c[field] = json!(value.to_rfc3339()));
        let signed = sign_with(&doc, &signer("eth"));
        let r = verify_json(&signed, &policy(), &clock());
        assert_eq!(r.check(CheckKind::Proof).unwrap().status, CheckStatus::Ok);
        assert_eq!(r.check(CheckKind::Format).unwrap().status, CheckStatus::Ok);
        let e = r.check(CheckKind::Expiry).unwrap();
        assert_eq!(e.status, CheckStatus::Failed, "{field}");
        assert!(e.message.starts_with(expected), "{field}: {}", e.message);
    }
}

async fn service() -> RunningService {
    let config = ServiceConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        allow_local_network: true,
        ..ServiceConfig::default()
    };
    let overrides = Overrides {
        clock: Some(Arc::new(clock())),
        registry: None,
    };
    start(config, overrides).await.expect("service starts")
}

async fn verify(s: &RunningService, body: &Value) -> (u16, Value) {
    let res = post_json(&s.url(), "/credentials/verify", None, body).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn format_message(report: &Value) -> String {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "format")
        .map(|c| c["message"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_vcdm_rule_fails_and_passes_over_http() {
    let s = service().await;
    for (name, failing, rule, path, passing) in rule_cases() {
        let body = json!({"verifiableCredential": failing, "options": {"checks": ["format"]}});
        let (status, report) = verify(&s, &body).await;
        assert_eq!(status, 422, "{name}: {report}");
        let m = format_message(&report);
        assert!(m.contains(rule) && m.contains(path), "{name}: {m}");
        let body = json!({"verifiableCredential": passing, "options": {"checks": ["format"]}});
        let (status, report) = verify(&s, &body).await;
        assert_eq!(status, 200, "{name} (passing): {report}");
    }
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_ld_errors_are_422_naming_the_term_and_the_path() {
    let s = service().await;
    for (name, credential, needles) in [
        (
            "undefined term",
            with(|c| c["credentialSubject"]["favouriteColour"] = json!("blue")),
            ["favouriteColour", "$.credentialSubject.favouriteColour"],
        ),
        (
            "redefined protected term",
            with(|c| c["@context"] = json!([V2, {"description": "https://evil.example/d"}])),
            ["description", "$.@context"],
        ),
        (
            "invalid (relative) IRI",
            with(|c| c["credentialSubject"]["id"] = json!("just/a/path")),
            ["just/a/path", "$.credentialSubject.id"],
        ),
    ] {
        let signed = sign_with(&vc2(), &signer("eth"));
        let mut tampered = credential.clone();
        tampered["proof"] = signed["proof"].clone();
        for c in [credential, tampered] {
            let (status, report) = verify(&s, &json!({"verifiableCredential": c})).await;
            assert_eq!(status, 422, "{name}: {report}");
            let m = format_message(&report);
            for n in needles {
                assert!(m.contains(n), "{name}: `{n}` not named: {m}");
            }
        }
    }
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_checks_accept_the_vc_api_names() {
    let s = service().await;
    let signed = sign_with(&vc2(), &signer("eth"));
    for (names, ran) in [
        (json!(["proof"]), vec!["proof"]),
        (
            json!(["proof", "credentialStatus"]),
            vec!["proof", "revocation"],
        ),
        (json!(["expiration", "validFrom"]), vec!["expiry"]),
        (
            json!(["format", "status", "issuanceDate"]),
            vec!["format", "revocation", "expiry"],
        ),
    ] {
        let body = json!({"verifiableCredential": signed, "options": {"checks": names}});
        let (status, report) = verify(&s, &body).await;
        assert!(status == 200 || status == 422, "{names}: {status} {report}");
        let mut run: Vec<&str> = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["message"] != "not selected")
            .map(|c| c["check"].as_str().unwrap())
            .collect();
        run.sort_unstable();
        let mut want = ran.clone();
        want.sort_unstable();
        assert_eq!(run, want, "{names}: {report}");
    }
    let body =
        json!({"verifiableCredential": signed, "options": {"checks": ["credentialStatusX"]}});
    let (status, problem) = verify(&s, &body).await;
    assert_eq!(status, 400, "{problem}");
    assert!(
        problem.to_string().contains("credentialStatus"),
        "{problem}"
    );
    s.shutdown().await.unwrap();
}
