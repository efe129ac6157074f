//! VC Data Model 2.0 rules in `POST /credentials/issue` (issue #15, points 2 and 3), over real
//! HTTP on 127.0.0.1 (SQLite): each rule of `elm_model::vcdm` with a failing input (422 naming the
//! field path and the rule) and a passing one (201); a missing `issuer` is 422, not filled in;
//! `validUntil` in the past and `validFrom` in the future are issued (the verify-before-store step
//! does not refuse them) and a verifier then reports them expired / not yet valid; a well-formed
//! caller-supplied `credentialStatus` is signed as given, with issuer-managed entries added only
//! when `options.credentialStatus` asks; JSON-LD errors are 422 naming the term and the path.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured (counts, answers per endpoint, time) for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stderr)]

mod support;

use issuer::server::{start, Overrides, RunningServer};
use serde_json::{json, Value};
use service_kit::test_client::post_json;
use support::vc2;

const ETH: &str = "test-token-eth";
const ETH_DID: &str = "did:web:issuer.test:universities:eth";
const V2: &str = "https://www.w3.org/ns/credentials/v2";

async fn server() -> (RunningServer, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("issuer-vcdm-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("tokens.toml"), format!("eth = \"{ETH}\"\n")).unwrap();
    let url = support::fresh_database(false, &dir.join("db/issuer.sqlite")).await;
    let s = start(
        support::config(&url, &dir.join("tokens.toml")),
        Overrides::default(),
    )
    .await
    .expect("server starts");
    (s, dir)
}

fn with(f: impl Fn(&mut Value)) -> Value {
    let mut c = vc2();
    f(&mut c);
    c
}

async fn issue(s: &RunningServer, body: &Value) -> (u16, Value) {
    let res = post_json(&s.url(), "/credentials/issue", Some(ETH), body).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The finding with `rule` at `path` in a 422 problem.
fn has_finding(problem: &Value, path: &str, rule: &str) -> bool {
    problem["errors"]
        .as_array()
        .is_some_and(|e| e.iter().any(|f| f["path"] == path && f["rule"] == rule))
}

fn status_entry(index: &str) -> Value {
    json!({
        "id": format!("https://registry.example/status/7#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": index,
        "statusListCredential": "https://registry.example/status/7"
    })
}

/// (name, failing credential, path, rule, passing credential).
type RuleCase = (&'static str, Value, &'static str, &'static str, Value);

/// Every rule case: the typed-entry and date rules, then the subject, related-resource, issuer
/// and status-entry rules.
fn rule_cases() -> Vec<RuleCase> {
    let mut cases = typed_entry_and_date_cases();
    cases.extend(content_cases());
    cases
}

/// A credential with `member` set to `entry`.
fn typed(member: &'static str, entry: Value) -> Value {
    with(move |c| c[member] = entry.clone())
}

/// The rules on typed entries (credentialStatus, termsOfUse, evidence, refreshService,
/// credentialSchema) and on the order of the validity dates.
fn typed_entry_and_date_cases() -> Vec<RuleCase> {
    vec![
        (
            "credentialStatus entry without type",
            typed(
                "credentialStatus",
                json!({"id": "https://registry.example/s#1"}),
            ),
            "credential.credentialStatus.type",
            "vcdm.credential-status.type",
            typed("credentialStatus", status_entry("1")),
        ),
        (
            "termsOfUse entry without type",
            typed("termsOfUse", json!([{"id": "https://tou.example/1"}])),
            "credential.termsOfUse[0].type",
            "vcdm.terms-of-use.type",
            typed(
                "termsOfUse",
                json!([{"id": "https://tou.example/1", "type": "https://vocab.example/TrustFrameworkPolicy"}]),
            ),
        ),
        (
            "evidence entry without type",
            typed(
                "evidence",
                json!([{"type": "https://vocab.example/Evidence"}, {"id": "https://evidence.example/2"}]),
            ),
            "credential.evidence[1].type",
            "vcdm.evidence.type",
            typed(
                "evidence",
                json!([{"type": "https://vocab.example/Evidence"}, {"id": "https://evidence.example/2", "type": ["https://vocab.example/Evidence"]}]),
            ),
        ),
        (
            "refreshService entry without type",
            typed("refreshService", json!({"id": "https://refresh.example/1"})),
            "credential.refreshService.type",
            "vcdm.refresh-service.type",
            typed(
                "refreshService",
                json!({"id": "https://refresh.example/1", "type": "https://vocab.example/RefreshService"}),
            ),
        ),
        (
            "credentialSchema entry with an empty type",
            typed(
                "credentialSchema",
                json!({"id": "https://schema.example/1.json", "type": ""}),
            ),
            "credential.credentialSchema.type",
            "vcdm.credential-schema.type",
            typed(
                "credentialSchema",
                json!({"id": "https://schema.example/1.json", "type": "JsonSchema"}),
            ),
        ),
        (
            "credentialSchema entry without an id (VC DM 2.0 §4.11)",
            typed("credentialSchema", json!([{"type": "JsonSchema"}])),
            "credential.credentialSchema[0].id",
            "vcdm.credential-schema.id",
            typed(
                "credentialSchema",
                json!([{"id": "https://schema.example/1.json", "type": "JsonSchema"}]),
            ),
        ),
        (
            "validUntil before validFrom (VC DM 2.0 §4.9)",
            with(|c| {
                c["validFrom"] = json!("2026-07-01T00:00:00Z");
                c["validUntil"] = json!("2026-06-30T00:00:00Z");
            }),
            "credential.validUntil",
            "vcdm.valid-until.before-valid-from",
            with(|c| {
                c["validFrom"] = json!("2026-07-01T00:00:00Z");
                c["validUntil"] = json!("2036-07-01T00:00:00Z");
            }),
        ),
    ]
}

/// The rules on the subject, related resources, the issuer and caller-supplied status entries.
fn content_cases() -> Vec<RuleCase> {
    vec![
        (
            "empty credentialSubject",
            with(|c| c["credentialSubject"] = json!({})),
            "credential.credentialSubject",
            "vcdm.credential-subject.empty",
            with(|c| c["credentialSubject"] = json!({"name": "Ada"})),
        ),
        (
            "relatedResource entry that is not an object",
            typed("relatedResource", json!(["https://resource.example/a.png"])),
            "credential.relatedResource[0]",
            "vcdm.related-resource.object",
            typed(
                "relatedResource",
                json!([{"id": "https://resource.example/a.png", "digestSRI": "sha384-abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabca"}]),
            ),
        ),
        (
            "relatedResource entry without id",
            typed(
                "relatedResource",
                json!([{"digestSRI": "sha384-abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabca"}]),
            ),
            "credential.relatedResource[0].id",
            "vcdm.related-resource.id",
            typed(
                "relatedResource",
                json!([{"id": "https://resource.example/a", "digestSRI": "sha384-abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabca"}]),
            ),
        ),
        (
            "relatedResource ids repeated",
            typed(
                "relatedResource",
                json!([
                    {"id": "https://resource.example/a", "digestSRI": "sha384-abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabca"},
                    {"id": "https://resource.example/a", "digestMultibase": "uEiBZ"}
                ]),
            ),
            "credential.relatedResource[1].id",
            "vcdm.related-resource.unique-id",
            typed(
                "relatedResource",
                json!([
                    {"id": "https://resource.example/a", "digestSRI": "sha384-abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabca"},
                    {"id": "https://resource.example/b", "digestMultibase": "uEiBZ"}
                ]),
            ),
        ),
        (
            "relatedResource entry without digest",
            typed(
                "relatedResource",
                json!([{"id": "https://resource.example/a"}]),
            ),
            "credential.relatedResource[0]",
            "vcdm.related-resource.digest",
            typed(
                "relatedResource",
                json!([{"id": "https://resource.example/a", "digestMultibase": "uEiBZ"}]),
            ),
        ),
        (
            "missing issuer",
            with(|c| {
                c.as_object_mut().unwrap().remove("issuer");
            }),
            "credential.issuer",
            "vc.issuer-required",
            with(|c| c["issuer"] = json!({"id": ETH_DID, "name": "ETH Zürich"})),
        ),
        (
            "malformed caller-supplied BitstringStatusListEntry",
            with(|c| {
                let mut e = status_entry("12");
                e["statusListIndex"] = json!("twelve");
                c["credentialStatus"] = e;
            }),
            "credential.credentialStatus.statusListIndex",
            "vc.status-entry",
            with(|c| c["credentialStatus"] = json!([status_entry("12"), status_entry("13")])),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_vcdm_rule_refuses_its_failing_input_and_issues_its_passing_one() {
    let (s, dir) = server().await;
    let t = std::time::Instant::now();
    for (name, failing, path, rule, passing) in rule_cases() {
        let (status, problem) = issue(&s, &json!({"credential": failing})).await;
        assert_eq!(status, 422, "{name}: {problem}");
        assert!(
            has_finding(&problem, path, rule),
            "{name}: no finding {rule} at {path}: {problem}"
        );
        let (status, body) = issue(&s, &json!({"credential": passing})).await;
        assert_eq!(status, 201, "{name} (passing input): {body}");
    }
    eprintln!(
        "{} rules, failing + passing: {:?}",
        rule_cases().len(),
        t.elapsed()
    );
    s.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_valid_until_and_future_valid_from_are_issued_and_verify_as_expired_or_not_yet_valid()
{
    use verifier::{CheckKind, CheckStatus, FixedClock, Policy, TrustRegistry};
    let (s, dir) = server().await;
    let now = chrono::Utc::now();
    let policy = Policy::new(TrustRegistry::empty()).with_checks([CheckKind::Expiry]);
    for (field, value, expected) in [
        ("validUntil", "2020-01-01T00:00:00Z", "expired"),
        ("validFrom", "2099-01-01T00:00:00Z", "not yet valid"),
    ] {
        let (status, body) = issue(
            &s,
            &json!({"credential": with(|c| {
                c[field] = json!(value);
                if field == "validUntil" {
                    c["validFrom"] = json!("2019-01-01T00:00:00Z");
                }
            })}),
        )
        .await;
        assert_eq!(status, 201, "{field} {value}: {body}");
        let vc = &body["verifiableCredential"];
        assert_eq!(vc[field], value, "signed as given");
        let report = verifier::verify_json(vc, &policy, &FixedClock(now));
        let expiry = report.check(CheckKind::Expiry).unwrap();
        assert_eq!(expiry.status, CheckStatus::Failed, "{field}: {expiry:?}");
        assert!(
            expiry.message.starts_with(expected),
            "{field}: {}",
            expiry.message
        );
    }
    // A past `validUntil` alone ends before the `validFrom` the issuer fills in (now): refused,
    // naming the field and the rule (VC DM 2.0 §4.9), not left to the verify-before-store step.
    let (status, problem) = issue(
        &s,
        &json!({"credential": with(|c| c["validUntil"] = json!("2020-01-01T00:00:00Z"))}),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert!(
        has_finding(
            &problem,
            "credential.validUntil",
            "vcdm.valid-until.before-valid-from"
        ),
        "{problem}"
    );
    // Malformed dates are still the client's error, named.
    let (status, problem) = issue(
        &s,
        &json!({"credential": with(|c| c["validUntil"] = json!("next year"))}),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert!(
        has_finding(&problem, "credential.validUntil", "vc.date"),
        "{problem}"
    );
    s.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

fn statuses(vc: &Value) -> Vec<Value> {
    match &vc["credentialStatus"] {
        Value::Array(a) => a.clone(),
        Value::Null => Vec::new(),
        one => vec![one.clone()],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caller_supplied_status_is_signed_as_given_and_options_add_issuer_entries() {
    let (s, dir) = server().await;
    let own = status_entry("42");
    // Alone: signed as given, no issuer-managed entry added.
    let (status, body) = issue(
        &s,
        &json!({"credential": with(|c| c["credentialStatus"] = own.clone())}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let vc = &body["verifiableCredential"];
    assert_eq!(vc["credentialStatus"], own);
    assert!(vc["proof"].is_object());
    // With options asking for a suspension entry: the caller's first, then the issuer's.
    let body = json!({
        "credential": with(|c| c["credentialStatus"] = json!([own.clone()])),
        "options": {"credentialStatus": [{"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}]}
    });
    let (status, body) = issue(&s, &body).await;
    assert_eq!(status, 201, "{body}");
    let entries = statuses(&body["verifiableCredential"]);
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(entries[0], own);
    assert_eq!(entries[1]["statusPurpose"], "suspension");
    assert!(entries[1]["statusListCredential"]
        .as_str()
        .unwrap()
        .starts_with("http://issuer.test/status/eth/"));
    // Without a status of its own: one issuer-managed revocation entry, as before.
    let (status, body) = issue(&s, &json!({"credential": vc2()})).await;
    assert_eq!(status, 201, "{body}");
    let entries = statuses(&body["verifiableCredential"]);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["statusPurpose"], "revocation");
    s.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_ld_errors_are_422_naming_the_term_and_the_path() {
    let (s, dir) = server().await;
    for (name, credential, path, rule, needle) in [
        (
            "undefined term",
            with(|c| c["credentialSubject"]["favouriteColour"] = json!("blue")),
            "credential.credentialSubject.favouriteColour",
            "jsonld.undefined-term",
            "favouriteColour",
        ),
        (
            "redefined protected term",
            with(|c| c["@context"] = json!([V2, {"description": "https://evil.example/d"}])),
            "credential.@context",
            "jsonld.protected-term",
            "description",
        ),
        (
            "invalid (relative) IRI",
            with(|c| c["credentialSubject"]["id"] = json!("just/a/path")),
            "credential.credentialSubject.id",
            "jsonld.relative-iri",
            "just/a/path",
        ),
    ] {
        let (status, problem) = issue(&s, &json!({"credential": credential})).await;
        assert_eq!(status, 422, "{name}: {problem}");
        assert!(has_finding(&problem, path, rule), "{name}: {problem}");
        assert!(problem.to_string().contains(needle), "{name}: {problem}");
    }
    s.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}
