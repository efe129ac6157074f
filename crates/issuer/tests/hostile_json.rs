//! Hostile input, issue #13 finding 4 and the `text/plain` finding: duplicate JSON member names
//! (RFC 8259 §4, I-JSON RFC 7493 §2.3) are refused by the issuer service's JSON bodies and by
//! `issuer build` / `issuer render`, naming the member and its path; a JSON API body must be sent
//! as `application/json` or a `+json` type (otherwise 415 problem JSON). SQLite only: nothing here
//! reaches the database.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

mod support;

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use issuer::server::RunningServer;
use serde_json::{json, Value};
use support::ETH;

async fn server(tag: &str) -> RunningServer {
    let dir = support::token_dir(&format!("issuer-hostile-json-{tag}"), &[("eth", ETH)], &[]);
    let url = support::fresh_database(false, &dir.join("db/issuer.sqlite")).await;
    let config = support::config(&url, &dir.join("tokens.toml"));
    support::start_server(config).await
}

/// `value`'s compact JSON text with `"name": forged` inserted as its first member.
fn with_member_first(value: &Value, name: &str, forged: &Value) -> String {
    let text = serde_json::to_string(value).unwrap();
    format!("{{{}:{},{}", json!(name), forged, &text[1..])
}

fn award() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(
            support::repo().join("examples/awards/micro-credential-professional.json"),
        )
        .unwrap(),
    )
    .unwrap()
}

async fn post(
    s: &RunningServer,
    path: &str,
    content_type: Option<&str>,
    body: String,
) -> (u16, Value) {
    let excerpt: String = body.chars().take(300).collect();
    let mut r = reqwest::Client::new()
        .post(format!("{}{path}", s.url()))
        .bearer_auth(ETH)
        .header("idempotency-key", "hostile-json")
        .body(body);
    if let Some(ct) = content_type {
        r = r.header("content-type", ct);
    }
    let res = r.send().await.unwrap();
    let status = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        ct, "application/problem+json",
        "{path}: {status} for {excerpt}"
    );
    (status, res.json().await.unwrap_or(Value::Null))
}

fn assert_problem(p: &Value, status: u16, needle: &str) {
    assert_eq!(p["status"], status, "{p}");
    assert!(
        p["detail"].as_str().unwrap_or_default().contains(needle),
        "{p}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_bodies_refuse_duplicate_members_with_their_path() {
    let s = server("dup").await;
    let t = Instant::now();
    let mut learner = award()["learner"].clone();
    learner["givenNames"] = json!("Mallory");
    // A second learner before the real one; a duplicate nested in the learner; written with an escape.
    let dup_learner = with_member_first(&award(), "learner", &learner);
    let nested = serde_json::to_string(&award()).unwrap().replacen(
        "\"givenNames\":",
        "\"givenNames\":\"Mallory\",\"given\\u004eames\":",
        1,
    );
    assert_ne!(nested, serde_json::to_string(&award()).unwrap());
    for (path, body, needle) in [
        (
            "/awards",
            dup_learner.clone(),
            "duplicate member \"learner\" at $.learner",
        ),
        (
            "/awards",
            nested.clone(),
            "duplicate member \"givenNames\" at $.learner.givenNames",
        ),
        (
            "/awards/batch",
            format!("[{}, {dup_learner}]", award()),
            "duplicate member \"learner\" at $[1].learner",
        ),
        (
            "/credentials/issue",
            with_member_first(
                &json!({"credential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "credentialSubject": {"id": "did:example:learner"}}}),
                "credential",
                &json!({"credentialSubject": {"id": "did:example:mallory"}}),
            ),
            "duplicate member \"credential\" at $.credential",
        ),
        (
            "/credentials/status",
            r#"{"credentialId": "urn:uuid:1", "credentialId": "urn:uuid:2"}"#.to_owned(),
            "duplicate member \"credentialId\" at $.credentialId",
        ),
    ] {
        let (status, p) = post(&s, path, Some("application/json"), body).await;
        assert_eq!(status, 400, "{path}: {p}");
        assert_problem(&p, 400, needle);
    }
    eprintln!("duplicate cases: {:?}", t.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_endpoints_answer_415_to_other_media_types() {
    let s = server("415").await;
    let body = json!({"award": award()}).to_string();
    for path in [
        "/awards",
        "/credentials/issue",
        "/credentials/status",
        "/awards/batch",
    ] {
        for ct in [
            Some("text/plain"),
            Some("text/plain; charset=utf-8"),
            Some("application/x-www-form-urlencoded"),
            None,
        ] {
            let (status, p) = post(&s, path, ct, body.clone()).await;
            assert_eq!(status, 415, "{path} {ct:?}: {p}");
            assert_problem(&p, 415, "Content-Type must be application/json");
            assert_eq!(
                p["type"],
                "urn:enhance-credentials:problem:unsupported-media-type"
            );
        }
    }
    // A +json type is JSON: the request gets past the extractor (here to validation of an empty award).
    let (status, p) = post(&s, "/awards", Some("application/ld+json"), "{}".into()).await;
    assert_eq!(status, 422, "{p}");
}

fn issuer(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_issuer"))
        .args(args)
        .current_dir(support::repo())
        .output()
        .unwrap()
}

fn tmp(name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("issuer-hostile-json");
    std::fs::create_dir_all(dir.join("images")).unwrap();
    std::fs::copy(
        support::repo().join("examples/awards/images/certificate-page.png"),
        dir.join("images/certificate-page.png"),
    )
    .unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn the_cli_refuses_duplicate_members_in_awards_and_credentials() {
    let mut learner = award()["learner"].clone();
    learner["givenNames"] = json!("Mallory");
    let p = tmp(
        "dup-award.json",
        &with_member_first(&award(), "learner", &learner),
    );
    let out = issuer(&["build", p.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.lines()
            .any(|l| l
                .starts_with("learner: award.parse: duplicate member \"learner\" at $.learner")),
        "{err}"
    );

    // A built credential with a second credentialSubject is not rendered.
    let ok = tmp("award.json", &award().to_string());
    let out = issuer(&["build", ok.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let credential: Value = serde_json::from_slice(&out.stdout).unwrap();
    let forged = tmp(
        "dup-credential.jsonld",
        &with_member_first(
            &credential,
            "credentialSubject",
            &json!({"id": "did:example:mallory"}),
        ),
    );
    let out = issuer(&[
        "render",
        forged.to_str().unwrap(),
        "--format",
        "html",
        "--out",
        tmp("out.html", "").to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("duplicate member \"credentialSubject\" at $.credentialSubject"),
        "{err}"
    );
}
