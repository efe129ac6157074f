//! Issue #15, the fixes the W3C suites found, over real HTTP on 127.0.0.1 (SQLite), each with a
//! failing and a passing input: a `relatedResource` digest of a bundled context is compared
//! offline (422 `vcdm.related-resource.digest-mismatch`; one not held offline is issued); a VC 1.1
//! credential gets no issuer-managed status entry unless `options.credentialStatus` asks (a VC 2.0
//! one does). Client-chosen URL ids: `hostile_http.rs` (`client_chosen_ids_...`).

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod support;

use issuer::server::RunningServer;
use serde_json::{json, Value};
use service_kit::test_client::post_json_parts;
use support::{vc2, ETH};

const V1: &str = "https://www.w3.org/2018/credentials/v1";
const V2: &str = "https://www.w3.org/ns/credentials/v2";
const STATUS_CONTEXT: &str = "https://www.w3.org/ns/credentials/status/v1";

async fn server() -> RunningServer {
    let dir = support::token_dir("issuer-conformance", &[("eth", ETH)], &[]);
    let url = support::fresh_database(false, &dir.join("db/issuer.sqlite")).await;
    support::serve(support::config(&url, &dir.join("tokens.toml")), dir)
        .await
        .0
}

async fn issue(s: &RunningServer, body: &Value) -> (u16, Value) {
    let (status, body, _) = post_json_parts(&s.url(), "/credentials/issue", Some(ETH), body).await;
    (status, body)
}

fn with_related(entry: Value) -> Value {
    let mut c = vc2();
    c["relatedResource"] = json!([entry]);
    json!({"credential": c})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn related_resource_digests_of_bundled_contexts_are_checked() {
    let s = server().await;
    // The SHA-256 VC Data Model 2.0 §B.1 publishes for its base context: issued.
    let published = json!({"id": V2,
        "digestMultibase": "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k"});
    let (status, body) = issue(&s, &with_related(published)).await;
    assert_eq!(status, 201, "{body}");
    // Another SHA-256: 422 naming the field and the rule.
    let wrong =
        json!({"id": V2, "digestMultibase": "uM4RgWQc3RUDtjJCSgTJtTfvpZ7SPEg_LNO0ESlovQC0"});
    let (status, problem) = issue(&s, &with_related(wrong)).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(
        problem["errors"][0]["path"],
        "credential.relatedResource[0].digestMultibase"
    );
    assert_eq!(
        problem["errors"][0]["rule"],
        "vcdm.related-resource.digest-mismatch"
    );
    // A resource this service does not hold offline: not fetched, issued as given.
    let other = json!({"id": "https://example.org/syllabus.pdf",
        "digestSRI": "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg"});
    let (status, body) = issue(&s, &with_related(other)).await;
    assert_eq!(status, 201, "{body}");
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vc_1_1_credential_gets_a_status_entry_only_when_asked() {
    let s = server().await;
    let mut v1 = vc2();
    v1["@context"] = json!([V1]);
    // No options: no issuer-managed entry, no status context (Bitstring Status List is VC 2.0's).
    let (status, body) = issue(&s, &json!({"credential": v1})).await;
    assert_eq!(status, 201, "{body}");
    let vc = &body["verifiableCredential"];
    assert!(vc.get("credentialStatus").is_none(), "{vc}");
    assert_eq!(
        vc["@context"],
        json!([V1, "https://w3id.org/security/data-integrity/v2"])
    );
    assert!(vc["issuanceDate"].is_string(), "{vc}");
    // Asked for: one revocation entry and the status context.
    let asked = json!({"credential": v1, "options": {"credentialStatus":
        [{"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}]}});
    let (status, body) = issue(&s, &asked).await;
    assert_eq!(status, 201, "{body}");
    let vc = &body["verifiableCredential"];
    assert_eq!(
        vc["credentialStatus"]["statusPurpose"], "revocation",
        "{vc}"
    );
    assert!(vc["@context"]
        .as_array()
        .unwrap()
        .contains(&json!(STATUS_CONTEXT)));
    // VC 2.0 without options: one revocation entry, as before.
    let (status, body) = issue(&s, &json!({"credential": vc2()})).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body["verifiableCredential"]["credentialStatus"]["statusPurpose"],
        "revocation"
    );
    s.shutdown().await.unwrap();
}
