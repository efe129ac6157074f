//! Duplicate member names (RFC 7493 §2.3, issue #13 finding 4) in what `elm-model` reads from
//! text: an award, a programme specification, and a credential read back by the view (plain, and
//! the payload of a JAdES seal) are refused, naming the member and its path.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use elm_model::programme::parse_programme;
use elm_model::view::{CredentialView, ViewError};
use serde_json::{json, Value};

fn example(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `value`'s compact JSON text with `"name": forged` inserted as its first member.
fn with_member_first(value: &Value, name: &str, forged: &Value) -> String {
    let text = serde_json::to_string(value).unwrap();
    format!("{{{}:{},{}", json!(name), forged, &text[1..])
}

#[test]
fn an_award_with_a_duplicate_member_is_one_parse_issue_with_its_path() {
    let award = example("awards/micro-credential-professional.json");
    assert!(elm_model::parse_award(&award.to_string()).is_ok());
    let issue = elm_model::parse_award(&with_member_first(
        &award,
        "awardingUniversity",
        &json!("rwth"),
    ))
    .unwrap_err();
    assert_eq!(
        (issue.path.as_str(), issue.rule),
        ("awardingUniversity", "award.parse")
    );
    assert_eq!(
        issue.message,
        "duplicate member \"awardingUniversity\" at $.awardingUniversity"
    );
    let nested = award.to_string().replacen(
        "\"familyNames\":",
        "\"familyNames\":\"Forged\",\"famil\\u0079Names\":",
        1,
    );
    let issue = elm_model::parse_award(&nested).unwrap_err();
    assert_eq!(
        (issue.path.as_str(), issue.rule),
        ("learner.familyNames", "award.parse")
    );
    // Syntax errors keep the typed parser's message.
    assert!(elm_model::parse_award("{")
        .unwrap_err()
        .message
        .contains("EOF"));
}

#[test]
fn a_programme_specification_with_a_duplicate_member_is_refused() {
    let spec = example("stack/programme.json");
    assert!(parse_programme(&spec.to_string()).is_ok());
    let issue =
        parse_programme(&with_member_first(&spec, "leadUniversity", &json!("rwth"))).unwrap_err();
    assert_eq!(
        (issue.path.as_str(), issue.rule),
        ("leadUniversity", "programme-spec.parse")
    );
    assert!(
        issue
            .message
            .contains("duplicate member \"leadUniversity\""),
        "{}",
        issue.message
    );
}

#[test]
fn the_view_refuses_duplicates_in_a_credential_and_in_a_sealed_payload() {
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:learner"},
    });
    assert!(CredentialView::from_slice(credential.to_string().as_bytes()).is_ok());
    let forged = with_member_first(
        &credential,
        "credentialSubject",
        &json!({"id": "did:example:mallory"}),
    );
    match CredentialView::from_slice(forged.as_bytes()) {
        Err(e @ ViewError::Json { .. }) => {
            assert_eq!(e.path(), "$.credentialSubject");
            assert!(
                e.to_string()
                    .contains("duplicate member \"credentialSubject\""),
                "{e}"
            );
        }
        other => panic!("expected a JSON error, got {other:?}"),
    }
    // A JAdES envelope (b64: false) whose payload text holds the duplicate.
    let header = base64_url(&json!({"alg": "ES256", "b64": false, "crit": ["b64"]}).to_string());
    let sealed =
        json!({"payload": forged, "signatures": [{"protected": header, "signature": "AA"}]});
    let e = CredentialView::from_json(&sealed).unwrap_err();
    assert_eq!(e.path(), "$.payload");
    assert!(
        e.to_string()
            .contains("duplicate member \"credentialSubject\" at $.credentialSubject"),
        "{e}"
    );
}

fn base64_url(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}
