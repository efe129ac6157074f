//! Hostile input, issue #13 finding 4: duplicate JSON member names (RFC 8259 §4, I-JSON RFC 7493
//! §2.3). A genuinely signed document with a forged member inserted before the real one used to
//! verify as valid, because `serde_json` keeps the last value while "first wins" tools show the
//! forged one. Each case here is refused by the library, the CLI and `POST /credentials/verify`,
//! naming the duplicate: Data Integrity credentials, VC-JWT headers and payloads, JAdES protected
//! headers and payloads, presentations and status lists; and a JSON API body must say it is JSON.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::*;
use proofs::signer::Signer;
use serde_json::{json, Value};
use verifier::{verify, verify_json, CheckKind, CheckStatus, Report, Verdict};

const NOW: &str = "2026-11-29T12:00:00Z";

fn signed() -> Value {
    let (doc, uni) = built("micro-credential-professional");
    sign_with(&doc, &signer(&uni))
}

/// `value`'s compact JSON text with `"name": forged` inserted as its first member, i.e. before the
/// real `name`.
fn with_member_first(value: &Value, name: &str, forged: &Value) -> Vec<u8> {
    let text = serde_json::to_string(value).unwrap();
    assert!(text.starts_with('{') && text.len() > 2);
    format!("{{{}:{},{}", json!(name), forged, &text[1..]).into_bytes()
}

fn show(r: &Report) -> String {
    r.checks
        .iter()
        .map(|c| format!("{:?} {:?}: {}", c.check, c.status, c.message))
        .collect::<Vec<_>>()
        .join("\n")
}

fn timed(f: impl FnOnce() -> Report) -> Report {
    let t = Instant::now();
    let r = f();
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "took {:?}",
        t.elapsed()
    );
    r
}

/// The report is not valid and one failed check names the duplicate member and its path.
fn assert_refused(r: &Report, name: &str, path: &str) {
    assert_eq!(r.verdict, Verdict::Invalid, "{}", show(r));
    let needle = format!("duplicate member \"{name}\" at {path}");
    assert!(
        r.checks
            .iter()
            .any(|c| c.status == CheckStatus::Failed && c.message.contains(&needle)),
        "no failed check names {needle}:\n{}",
        show(r)
    );
}

fn forged_subject() -> Value {
    json!({"id": "did:example:mallory", "type": "Person", "givenName": {"en": "Mallory"}, "familyName": {"en": "Forger"}})
}

#[test]
fn a_forged_member_before_the_real_one_in_a_signed_credential_is_refused() {
    let genuine = signed();
    assert_eq!(
        verify_json(&genuine, &policy(), &clock()).verdict,
        Verdict::Valid
    );
    for (name, forged) in [
        ("credentialSubject", forged_subject()),
        (
            "issuer",
            json!({"id": "did:example:mallory", "type": "Organization"}),
        ),
    ] {
        let bytes = with_member_first(&genuine, name, &forged);
        // The attack: a last-wins parser sees exactly the genuine, validly signed credential.
        assert_eq!(serde_json::from_slice::<Value>(&bytes).unwrap(), genuine);
        let r = timed(|| verify(&bytes, &policy(), &clock()));
        assert_refused(&r, name, &format!("$.{name}"));
        assert_eq!(
            r.check(CheckKind::Format).unwrap().status,
            CheckStatus::Failed
        );
        // The proofs library refuses it too.
        let e =
            proofs::data_integrity::verify_bytes(&bytes, &proofs::did::DidKeyResolver).unwrap_err();
        assert!(
            e.to_string()
                .contains(&format!("duplicate member \"{name}\"")),
            "{e}"
        );
    }
    // Nested, and written with an escape: `proof.proofValue` twice.
    let text = serde_json::to_string(&genuine).unwrap();
    let nested = text.replacen(
        "\"proofValue\":",
        "\"proofValu\\u0065\":\"z1111\",\"proofValue\":",
        1,
    );
    assert_refused(
        &verify(nested.as_bytes(), &policy(), &clock()),
        "proofValue",
        "$.proof.proofValue",
    );
}

/// A compact JWS over exactly `header` and `payload` (texts), signed by `signer`.
fn jws(header: &str, payload: &str, signer: &dyn Signer) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature = signer.sign(input.as_bytes()).unwrap();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

#[test]
fn a_vc_jwt_with_a_duplicate_header_or_payload_member_is_refused() {
    let (doc, uni) = built("micro-credential-professional");
    let s = signer(&uni);
    let header = json!({"alg": "EdDSA", "kid": s.key_id(), "typ": proofs::vc_jwt::TYP}).to_string();
    // Control: the hand-made JWS of the genuine credential is valid.
    let genuine = jws(&header, &doc.to_string(), &s);
    assert_eq!(
        verify(genuine.as_bytes(), &policy(), &clock()).verdict,
        Verdict::Valid,
        "{}",
        show(&verify(genuine.as_bytes(), &policy(), &clock()))
    );

    // Payload: a forged subject or issuer before the real one, signed by the real key.
    for (name, forged) in [
        ("credentialSubject", forged_subject()),
        ("issuer", json!("did:example:mallory")),
    ] {
        let payload = String::from_utf8(with_member_first(&doc, name, &forged)).unwrap();
        let jwt = jws(&header, &payload, &s);
        assert_refused(
            &timed(|| verify(jwt.as_bytes(), &policy(), &clock())),
            name,
            &format!("$.{name}"),
        );
        let e = proofs::vc_jwt::verify(&jwt, &proofs::did::DidKeyResolver).unwrap_err();
        assert!(
            e.to_string().contains(&format!(
                "payload is not a strict JSON object: duplicate member \"{name}\""
            )),
            "{e}"
        );
    }
    // The JWT-claims form (VC Data Model 1.1 §6.3.1): `iss` and `vc` twice.
    for name in ["iss", "vc"] {
        let claims = json!({"iss": did(&uni), "vc": doc});
        let payload =
            String::from_utf8(with_member_first(&claims, name, &json!({"forged": true}))).unwrap();
        let jwt = jws(&header, &payload, &s);
        assert_refused(
            &verify(jwt.as_bytes(), &policy(), &clock()),
            name,
            &format!("$.{name}"),
        );
    }
    // Header: `alg` and `kid` twice.
    for (name, forged) in [
        ("alg", json!("none")),
        ("kid", json!("did:example:mallory#key-1")),
    ] {
        let h = String::from_utf8(with_member_first(
            &serde_json::from_str(&header).unwrap(),
            name,
            &forged,
        ))
        .unwrap();
        let jwt = jws(&h, &doc.to_string(), &s);
        let r = verify(jwt.as_bytes(), &policy(), &clock());
        assert_refused(&r, name, &format!("$.{name}"));
        assert_eq!(
            r.check(CheckKind::Proof).unwrap().status,
            CheckStatus::Failed
        );
        let e = proofs::vc_jwt::verify(&jwt, &proofs::did::DidKeyResolver).unwrap_err();
        assert!(
            e.to_string().contains(&format!(
                "header is not a strict JSON object: duplicate member \"{name}\""
            )),
            "{e}"
        );
    }
}

/// A JAdES seal of `uni` over `payload`, with `edit_header` applied to the protected header's text.
fn jades(uni: &str, payload: &[u8], edit_header: impl Fn(&Value) -> String) -> Value {
    let seal = keystore().university(uni).unwrap().seal.as_ref().unwrap();
    let sealed =
        proofs::jades::seal(payload, seal.signer.as_ref(), &seal.chain, created()).unwrap();
    let protected = sealed["signatures"][0]["protected"].as_str().unwrap();
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(protected).unwrap()).unwrap();
    let protected = URL_SAFE_NO_PAD.encode(edit_header(&header));
    let payload = std::str::from_utf8(payload).unwrap();
    let signature = seal
        .signer
        .sign(format!("{protected}.{payload}").as_bytes())
        .unwrap();
    json!({"payload": payload, "signatures": [{"protected": protected, "signature": URL_SAFE_NO_PAD.encode(signature)}]})
}

#[test]
fn a_jades_seal_with_a_duplicate_payload_or_protected_header_member_is_refused() {
    let (doc, uni) = built("micro-credential-professional");
    let bytes = serde_json::to_vec(&doc).unwrap();
    let genuine = jades(&uni, &bytes, Value::to_string);
    assert_eq!(
        verify_json(&genuine, &policy(), &clock()).verdict,
        Verdict::Valid,
        "{}",
        show(&verify_json(&genuine, &policy(), &clock()))
    );

    // Payload: the seal is genuine over bytes that hold a forged subject before the real one.
    let forged = with_member_first(&doc, "credentialSubject", &forged_subject());
    let sealed = jades(&uni, &forged, Value::to_string);
    assert_refused(
        &timed(|| verify_json(&sealed, &policy(), &clock())),
        "credentialSubject",
        "$.credentialSubject",
    );
    let text = serde_json::to_vec(&sealed).unwrap();
    assert_refused(
        &verify(&text, &policy(), &clock()),
        "credentialSubject",
        "$.credentialSubject",
    );
    let anchors = verifier::TrustRegistry::demo().unwrap().trust_anchors();
    let report = proofs::jades::verify_value(&sealed, &anchors, clock_now()).unwrap();
    let e = report.payload_json().unwrap_err();
    assert!(
        e.to_string()
            .contains("duplicate member \"credentialSubject\" at $.credentialSubject"),
        "{e}"
    );

    // Protected header: `sigT` and `x5t#S256` twice, signed by the real seal key.
    for (name, path) in [("sigT", "$.sigT"), ("x5t#S256", "$[\"x5t#S256\"]")] {
        let sealed = jades(&uni, &bytes, |h| {
            String::from_utf8(with_member_first(h, name, &json!("forged"))).unwrap()
        });
        let r = verify_json(&sealed, &policy(), &clock());
        assert_refused(&r, name, path);
        assert_eq!(
            r.check(CheckKind::Proof).unwrap().status,
            CheckStatus::Failed
        );
        let e = proofs::jades::verify_value(&sealed, &anchors, clock_now()).unwrap_err();
        assert!(
            e.to_string()
                .contains(&format!("duplicate member \"{name}\" at {path}")),
            "{e}"
        );
    }
}

fn clock_now() -> chrono::DateTime<chrono::Utc> {
    use verifier::Clock as _;
    clock().now()
}

/// A presentation holding `verifiableCredential` twice: another member's credential first.
fn presentation_bytes() -> Vec<u8> {
    let (other, other_uni) = built("certificate-of-completion");
    let vp = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": signed(),
    });
    with_member_first(
        &vp,
        "verifiableCredential",
        &sign_with(&other, &signer(&other_uni)),
    )
}

#[test]
fn a_presentation_with_a_duplicate_verifiable_credential_is_refused() {
    let bytes = presentation_bytes();
    let r = timed(|| verify(&bytes, &policy(), &clock()));
    assert_refused(&r, "verifiableCredential", "$.verifiableCredential");
    // Without the duplicate, the presentation's credential is verified (and valid).
    let single: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        verify_json(&single, &policy(), &clock()).verdict,
        Verdict::Valid
    );
}

#[test]
fn a_status_list_with_a_duplicate_member_is_not_trusted() {
    let server = Server::start();
    let (doc, uni) = built("micro-credential-professional");
    let path = "/status/eth/dup";
    let url = format!("{}{path}", server.base);
    let list = sign_with(
        &status_list(&url, &did(&uni), "revocation", &encoded_list(&[7])),
        &signer(&uni),
    );
    // The signed list says bit 7 is set; a forged "nothing revoked" list comes first.
    let forged = json!({"id": format!("{url}#list"), "type": "BitstringStatusList", "statusPurpose": "revocation", "encodedList": encoded_list(&[])});
    server.put(path, with_member_first(&list, "credentialSubject", &forged));
    let cred = sign_with(&with_status(doc, &url, "revocation", "7"), &signer(&uni));
    let r = timed(|| verify_json(&cred, &policy(), &clock()));
    assert_ne!(r.verdict, Verdict::Valid, "{}", show(&r));
    let revocation = r.check(CheckKind::Revocation).unwrap();
    assert_ne!(revocation.status, CheckStatus::Ok, "{}", show(&r));
    assert!(
        revocation
            .message
            .contains("duplicate member \"credentialSubject\" at $.credentialSubject"),
        "{}",
        revocation.message
    );
}

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verifier-hostile-json");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A VC-JWT of `doc` signed by `uni` whose signed payload has `issuer` twice (a forged one first).
fn jwt_with_duplicate_issuer(doc: &Value, uni: &str) -> String {
    let s = signer(uni);
    let header = json!({"alg": "EdDSA", "kid": s.key_id(), "typ": proofs::vc_jwt::TYP}).to_string();
    let payload = with_member_first(doc, "issuer", &json!("did:example:mallory"));
    jws(&header, std::str::from_utf8(&payload).unwrap(), &s)
}

#[test]
fn the_cli_refuses_duplicates_with_exit_code_1() {
    let (doc, uni) = built("micro-credential-professional");
    let jwt = jwt_with_duplicate_issuer(&doc, &uni);
    let cases = [
        (
            "credential.jsonld",
            with_member_first(&signed(), "credentialSubject", &forged_subject()),
            "credentialSubject",
        ),
        ("credential.jwt", jwt.into_bytes(), "issuer"),
        (
            "presentation.json",
            presentation_bytes(),
            "verifiableCredential",
        ),
    ];
    for (file, bytes, name) in cases {
        let p = write(file, &bytes);
        let o = Command::new(env!("CARGO_BIN_EXE_verifier"))
            .args(["verify", p.to_str().unwrap(), "--now", NOW])
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{file}: {out}{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(out.starts_with("verdict: invalid"), "{file}: {out}");
        assert!(
            out.contains(&format!("duplicate member \"{name}\" at $.{name}")),
            "{file}: {out}"
        );
    }
}

#[cfg(feature = "service")]
mod service {
    use super::*;
    use verifier::service::RunningService;

    async fn service() -> RunningService {
        start_service(service_config()).await
    }

    /// Posts `credential` for verification: 422, an invalid verdict, and the report contains
    /// `needle`.
    async fn assert_invalid_naming(s: &RunningService, credential: Value, needle: &str) {
        let body = serde_json::to_vec(&json!({ "verifiableCredential": credential })).unwrap();
        let (status, report) = post(s, Some("application/json"), body).await;
        assert_eq!(
            (status, report["verdict"].as_str()),
            (422, Some("invalid")),
            "{report}"
        );
        assert!(report.to_string().contains(needle), "{report}");
    }

    async fn post(s: &RunningService, content_type: Option<&str>, body: Vec<u8>) -> (u16, Value) {
        let mut r = reqwest::Client::new()
            .post(format!("{}/credentials/verify", s.url()))
            .body(body);
        if let Some(ct) = content_type {
            r = r.header("content-type", ct);
        }
        let res = r.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// `{"verifiableCredential": <raw>}` with `raw` spliced in byte for byte.
    fn vc_api_body(raw: &[u8]) -> Vec<u8> {
        let mut body = b"{\"verifiableCredential\":".to_vec();
        body.extend_from_slice(raw);
        body.push(b'}');
        body
    }

    fn assert_problem(status: u16, p: &Value, expected_status: u16, needle: &str) {
        assert_eq!(status, expected_status, "{p}");
        assert_eq!(p["status"], expected_status, "{p}");
        assert!(
            p["detail"].as_str().unwrap_or_default().contains(needle),
            "{p}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn post_credentials_verify_refuses_duplicates_and_non_json_media_types() {
        let s = service().await;
        let genuine = serde_json::to_vec(&signed()).unwrap();
        let t = Instant::now();
        let (status, report) = post(&s, Some("application/json"), vc_api_body(&genuine)).await;
        assert_eq!(
            (status, report["verdict"].as_str()),
            (200, Some("valid")),
            "{report}"
        );

        // A forged subject inside the credential: 400 naming the member and its path.
        let forged = with_member_first(&signed(), "credentialSubject", &forged_subject());
        let (status, p) = post(&s, Some("application/json"), vc_api_body(&forged)).await;
        assert_problem(
            status,
            &p,
            400,
            "duplicate member \"credentialSubject\" at $.verifiableCredential.credentialSubject",
        );
        // A presentation with verifiableCredential twice, sent as the body.
        let (status, p) = post(&s, Some("application/json"), presentation_bytes()).await;
        assert_problem(
            status,
            &p,
            400,
            "duplicate member \"verifiableCredential\" at $.verifiableCredential",
        );
        // A VC-JWT string whose signed payload has a duplicate: 422, invalid, naming it.
        let (doc, uni) = built("micro-credential-professional");
        let jwt = jwt_with_duplicate_issuer(&doc, &uni);
        assert_invalid_naming(
            &s,
            json!(jwt),
            "duplicate member \\\"issuer\\\" at $.issuer",
        )
        .await;
        // A JAdES seal whose sealed payload has a duplicate.
        let sealed = jades(
            &uni,
            &with_member_first(&doc, "credentialSubject", &forged_subject()),
            Value::to_string,
        );
        assert_invalid_naming(
            &s,
            json!(sealed),
            "duplicate member \\\"credentialSubject\\\"",
        )
        .await;

        // Media types: text/plain, a form and none are 415 naming the expected type; +json is JSON.
        for ct in [
            Some("text/plain"),
            Some("text/plain; charset=utf-8"),
            Some("application/x-www-form-urlencoded"),
            None,
        ] {
            let (status, p) = post(&s, ct, vc_api_body(&genuine)).await;
            assert_problem(status, &p, 415, "application/json");
            assert_eq!(
                p["type"],
                "urn:enhance-credentials:problem:unsupported-media-type"
            );
        }
        for ct in [
            "application/ld+json",
            "application/vc+ld+json; charset=utf-8",
            "Application/JSON",
        ] {
            let (status, report) = post(&s, Some(ct), vc_api_body(&genuine)).await;
            assert_eq!(
                (status, report["verdict"].as_str()),
                (200, Some("valid")),
                "{ct}: {report}"
            );
        }
        eprintln!("service cases: {:?}", t.elapsed());
    }
}
