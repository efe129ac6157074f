//! The verifier's `format` check on `relatedResource` digests (VC Data Model 2.0 §5.3, issue
//! #15): a digest of a bundled context that does not match fails `format` naming the rule; a
//! matching one passes; a resource not held offline is a format warning ("could not check"),
//! never fetched. In the library and over HTTP (`POST /credentials/verify`).
#![cfg(feature = "service")]
// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use common::*;
use serde_json::{json, Value};
use service_kit::test_client::post_json_parts;
use verifier::{CheckKind, CheckStatus};

fn credential(related: Value) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": did("eth"),
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
        "relatedResource": [related],
    })
}

fn format_of(c: &Value) -> verifier::CheckResult {
    let r = verifier::verify_json(c, &policy().with_checks([CheckKind::Format]), &clock());
    r.check(CheckKind::Format).unwrap().clone()
}

#[test]
fn related_resource_digests_in_the_format_check() {
    let v2 = "https://www.w3.org/ns/credentials/v2";
    // VC Data Model 2.0 §B.1's published SHA-256 of its base context: ok, no warning.
    let ok = format_of(&credential(
        json!({"id": v2, "digestMultibase": "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k"}),
    ));
    assert_eq!(ok.status, CheckStatus::Ok, "{ok:?}");
    assert!(ok.warnings.is_empty(), "{ok:?}");
    // Another SHA-256: failed, naming the rule.
    let bad = format_of(&credential(
        json!({"id": v2, "digestMultibase": "uM4RgWQc3RUDtjJCSgTJtTfvpZ7SPEg_LNO0ESlovQC0"}),
    ));
    assert_eq!(bad.status, CheckStatus::Failed, "{bad:?}");
    assert!(
        bad.message
            .contains("vcdm.related-resource.digest-mismatch"),
        "{bad:?}"
    );
    // Not held offline: ok, with a warning at its path.
    let other = format_of(&credential(
        json!({"id": "https://example.org/syllabus.pdf", "digestSRI": "sha384-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}),
    ));
    assert_eq!(other.status, CheckStatus::Ok, "{other:?}");
    assert_eq!(other.warnings.len(), 1, "{other:?}");
    assert_eq!(other.warnings[0].code, "vcdm.related-resource.unchecked");
    assert_eq!(
        other.warnings[0].path.as_deref(),
        Some("$.relatedResource[0]")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn related_resource_digests_over_http() {
    let s = start_service(service_config()).await;
    let v2 = "https://www.w3.org/ns/credentials/v2";
    let mut answers = Vec::new();
    for digest in [
        "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k",
        "uM4RgWQc3RUDtjJCSgTJtTfvpZ7SPEg_LNO0ESlovQC0",
    ] {
        let c = credential(json!({"id": v2, "digestMultibase": digest}));
        let body = json!({"verifiableCredential": c, "options": {"checks": ["format"]}});
        let (status, report, _) =
            post_json_parts(&s.url(), "/credentials/verify", None, &body).await;
        answers.push((status, report["verdict"].clone()));
    }
    assert_eq!(
        answers,
        [(200, json!("valid")), (422, json!("invalid"))],
        "the published digest passes, another fails"
    );
    s.shutdown().await.unwrap();
}
