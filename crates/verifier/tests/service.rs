//! The verifier service over real HTTP on 127.0.0.1 (random port, in-process): VC-API
//! `POST /credentials/verify` (200 / 422 / 400 / 413), the verification page `GET /verify` (HTML vs
//! JSON by `Accept`, every verdict and reason), the upload page (multipart file and pasted text),
//! HTML escaping, `/healthz` and `/openapi.json`. Credentials are real: built from
//! `examples/awards/`, signed with the demo keys; status lists served by the fixture server.
#![cfg(feature = "service")]
// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use common::*;
use proofs::signer::Ed25519Signer;
use serde_json::{json, Value};
use service_kit::test_client::{get, get_accept, post_json};
use verifier::service::{RunningService, ServiceConfig};

async fn service() -> RunningService {
    start_service(service_config()).await
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

fn valid(server: &Server) -> Value {
    signed_with_list(
        server,
        "micro-credential-professional",
        &[5],
        "revocation",
        "94567",
    )
}

async fn post_verify(s: &RunningService, body: &Value) -> (u16, Value, String) {
    let res = post_json(&s.url(), "/credentials/verify", None, body).await;
    let status = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, res.json().await.unwrap_or(Value::Null), ct)
}

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .unwrap_or_else(|| panic!("no {name} in {report}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vc_api_verify_answers_200_422_400_and_413() {
    let server = Server::start();
    let s = service().await;

    // Valid: 200, every check ok.
    let (status, report, ct) = post_verify(
        &s,
        &json!({"verifiableCredential": valid(&server), "options": {}}),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert!(ct.starts_with("application/json"), "{ct}");
    assert_eq!(report["verdict"], "valid");
    assert_eq!(report["checks"].as_array().unwrap().len(), 6);
    for c in report["checks"].as_array().unwrap() {
        assert_eq!(c["status"], "ok", "{c}");
    }
    assert!(check(&report, "revocation")["message"]
        .as_str()
        .unwrap()
        .starts_with("not revoked: entry 94567"));

    // A VC-JWT string and a JAdES-sealed credential (eth's seal) are verified too.
    let (doc, uni) = built("micro-credential-professional");
    let jwt = proofs::vc_jwt::encode(&doc, &signer(&uni)).unwrap();
    let (status, report, _) = post_verify(&s, &json!({"verifiableCredential": jwt})).await;
    assert_eq!(status, 200, "{report}");
    assert!(check(&report, "proof")["message"]
        .as_str()
        .unwrap()
        .starts_with("VC-JWT signature (EdDSA)"));
    let sealed = seal_as(&doc, &uni);
    let (status, report, _) = post_verify(&s, &json!({"verifiableCredential": sealed})).await;
    assert_eq!(status, 200, "{report}");
    assert!(check(&report, "proof")["message"]
        .as_str()
        .unwrap()
        .contains("NTRCH-DEMO-ETH"));

    // The EU's JAdES-sealed sample: the seal verifies (intact), but its certificate expired in May
    // 2025 with no proof the seal was made before (ETSI EN 319 102-1 OUT_OF_BOUNDS_NO_POE), so trust
    // cannot be checked: 422 indeterminate, never invalid; with options.checks = proof + format it
    // is valid (200).
    let dir = testdata("edc/samples/elm-v3-official");
    let eu: Value =
        serde_json::from_slice(&std::fs::read(dir.join("Sample-MC-Annex1-signed.jsonld")).unwrap())
            .unwrap();
    let (status, report, _) = post_verify(&s, &json!({"verifiableCredential": eu})).await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(report["verdict"], "indeterminate");
    assert_eq!(report["integrity"], "intact");
    assert_eq!(check(&report, "proof")["status"], "ok");
    assert_eq!(check(&report, "trust")["status"], "error");
    let (status, report, _) = post_verify(
        &s,
        &json!({"verifiableCredential": eu, "options": {"checks": ["proof", "format"]}}),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(check(&report, "trust")["status"], "skipped");

    // Tampered: 422 invalid, proof failed.
    let mut tampered = valid(&server);
    tampered["credentialSubject"]["givenName"] = json!({"en": "Mallory"});
    let (status, report, _) = post_verify(&s, &json!({"verifiableCredential": tampered})).await;
    assert_eq!(status, 422);
    assert_eq!(report["verdict"], "invalid");
    assert_eq!(check(&report, "proof")["status"], "failed");

    // A status list nobody serves: 422 indeterminate.
    let cred = sign_with(
        &with_status(
            built("micro-credential-professional").0,
            "http://127.0.0.1:1/status/eth/1",
            "revocation",
            "3",
        ),
        &signer("eth"),
    );
    let (status, report, _) = post_verify(&s, &json!({"verifiableCredential": cred})).await;
    assert_eq!(status, 422);
    assert_eq!(report["verdict"], "indeterminate");
    assert_eq!(check(&report, "revocation")["status"], "error");

    // Malformed requests: 400 problem JSON naming the field.
    let res = client()
        .post(format!("{}/credentials/verify", s.url()))
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["status"], 400);
    assert_eq!(p["type"], "urn:enhance-credentials:problem:bad-request");
    assert!(p["title"].is_string());
    assert!(
        p["detail"].as_str().unwrap().contains("not valid JSON"),
        "{p}"
    );
    for (body, expected) in [
        (
            json!({"credential": valid(&server)}),
            "verifiableCredential is required",
        ),
        (
            json!({"verifiableCredential": 42}),
            "verifiableCredential must be",
        ),
        (
            json!({"verifiableCredential": [1]}),
            "verifiableCredential must be",
        ),
        (json!(["x"]), "JSON object"),
        (
            json!({"verifiableCredential": {}, "options": {"checks": ["nope"]}}),
            "unknown check \"nope\"",
        ),
        (
            json!({"verifiableCredential": {}, "options": "all"}),
            "options must be a JSON object",
        ),
    ] {
        let (status, p, ct) = post_verify(&s, &body).await;
        assert_eq!(status, 400, "{body}: {p}");
        assert_eq!(ct, "application/problem+json");
        assert!(
            p["detail"].as_str().unwrap().contains(expected),
            "{body}: {p}"
        );
    }

    // Over the 8 MiB default: 413 problem JSON.
    let big = json!({"verifiableCredential": {"padding": "x".repeat(9 * 1024 * 1024)}});
    let (status, p, ct) = post_verify(&s, &big).await;
    assert_eq!(status, 413, "{p}");
    assert_eq!(ct, "application/problem+json");
    assert!(p["detail"].as_str().unwrap().contains("8388608"), "{p}");
    s.shutdown().await.unwrap();
}

async fn page(
    s: &RunningService,
    credential_url: &str,
    accept: Option<&str>,
) -> (u16, String, reqwest::header::HeaderMap) {
    let mut r = client()
        .get(format!("{}/verify", s.url()))
        .query(&[("credential", credential_url)]);
    if let Some(a) = accept {
        r = r.header("accept", a);
    }
    let res = r.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, res.text().await.unwrap(), headers)
}

/// The `<h1 id="verdict" ...>` element.
fn verdict_h1(html: &str) -> &str {
    service_kit::test_support::element_with_id(html, "h1", "verdict")
        .unwrap_or_else(|| panic!("no verdict heading in {html}"))
}

fn check_li<'a>(html: &'a str, name: &str) -> &'a str {
    let start = html
        .find(&format!("<li class=\"check\" data-check=\"{name}\""))
        .unwrap_or_else(|| panic!("no {name} check"));
    &html[start..start + html[start..].find('>').unwrap() + 1]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_link_negotiates_html_and_json() {
    let server = Server::start();
    let s = service().await;
    let url = server.put_json("/creds/valid", &valid(&server));

    // Browsers (text/html preferred) and clients without preference get the page.
    for accept in [
        Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
        None,
        Some("*/*"),
    ] {
        let (status, html, headers) = page(&s, &url, accept).await;
        assert_eq!(status, 200, "{accept:?}");
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        assert_eq!(headers["cache-control"], "no-store");
        assert!(headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'"));
        assert_eq!(headers["referrer-policy"], "no-referrer");
        assert_eq!(
            verdict_h1(&html),
            "<h1 id=\"verdict\" data-verdict=\"valid\" data-reason=\"genuine\">Genuine</h1>"
        );
    }
    let (_, html, _) = page(&s, &url, Some("text/html")).await;
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(
        html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
    );
    assert_eq!(html.matches("<h1").count(), 1, "one h1: the verdict");
    assert!(!html.contains("<script"), "no JavaScript");
    for name in [
        "format",
        "proof",
        "revocation",
        "expiry",
        "trust",
        "awarding-body",
    ] {
        assert_eq!(
            check_li(&html, name),
            format!("<li class=\"check\" data-check=\"{name}\" data-status=\"ok\">")
        );
    }
    assert!(html.contains("nothing in the credential was changed since it was issued"));
    // The certificate and supplement (render crate), with the page's own URL as verification URL.
    assert!(
        html.contains("Lukas Meier"),
        "learner name in the certificate"
    );
    assert!(html.contains("Course Active Learning Design in Higher Education Teaching"));
    assert!(html.contains("<h2 id=\"certificate-title\" class=\"certificate-title\">"));
    assert!(
        html.contains("class=\"sheet supplement"),
        "supplement embedded"
    );
    let own = format!(
        "{}/verify?credential={}",
        s.url(),
        url.replace(':', "%3A").replace('/', "%2F")
    );
    assert!(
        html.contains(&format!("href=\"{own}\"")),
        "QR link is the page URL {own}"
    );
    assert!(
        html.contains("<svg") && html.contains("role=\"img\""),
        "QR code with a text alternative"
    );

    // JSON when preferred: the report, 200 (valid).
    let (status, body, headers) = page(&s, &url, Some("application/json")).await;
    assert_eq!(status, 200);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let report: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["verdict"], "valid");
    assert_eq!(report["checks"].as_array().unwrap().len(), 6);

    // No credential parameter: a form (HTML) or a problem (JSON), 400.
    let res = get(&s.url(), "/verify", None).await;
    assert_eq!(res.status(), 400);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<label for=\"credential-url\">") && html.contains("name=\"credential\"")
    );
    let res = get_accept(&s.url(), "/verify", "application/json").await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    assert!(res.json::<Value>().await.unwrap()["detail"]
        .as_str()
        .unwrap()
        .contains("`credential`"));
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_verdict_and_reason_on_the_page() {
    let server = Server::start();
    let s = service().await;
    let cases = verdict_cases(&server);
    for (name, cred, verdict, reason, headline, failing) in cases {
        let url = match &cred {
            Some(c) => server.put_json(&format!("/creds/{name}"), c),
            None => format!("{}/creds/{name}", server.base),
        };
        let (status, html, _) = page(&s, &url, Some("text/html")).await;
        assert_eq!(status, 200, "{name}");
        assert_eq!(
            verdict_h1(&html),
            format!("<h1 id=\"verdict\" data-verdict=\"{verdict}\" data-reason=\"{reason}\">{headline}</h1>"),
            "{name}"
        );
        if let Some((check, st)) = failing {
            assert_eq!(
                check_li(&html, check),
                format!("<li class=\"check\" data-check=\"{check}\" data-status=\"{st}\">"),
                "{name}"
            );
        }
        if verdict != "valid" {
            assert!(!html.contains(">Genuine<"), "{name}");
        }
        if cred.is_some() {
            assert!(
                html.contains("Lukas Meier") || html.contains("certificate-title"),
                "{name}: certificate shown"
            );
            if verdict != "valid" {
                assert!(
                    html.contains("class=\"sheet caution\""),
                    "{name}: warning above the certificate"
                );
            }
        }
        // The same verdict as JSON: 200 only when valid.
        let (status, body, _) = page(&s, &url, Some("application/json")).await;
        let report: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(report["verdict"], verdict, "{name}: {report}");
        assert_eq!(status, if verdict == "valid" { 200 } else { 422 }, "{name}");
    }

    unreachable_urls_are_not_checked(&s, &server).await;
    s.shutdown().await.unwrap();
}

/// (name, credential served (None: 404), data-verdict, data-reason, headline, (check,
/// data-status)).
type Case = (
    &'static str,
    Option<Value>,
    &'static str,
    &'static str,
    &'static str,
    Option<(&'static str, &'static str)>,
);

/// One credential per verdict and reason: valid, revoked, suspended, expired, untrusted issuer,
/// tampered, status list unreachable, and not found.
fn verdict_cases(server: &Server) -> Vec<Case> {
    let (doc, uni) = built("micro-credential-professional");

    let revoked = signed_with_list(
        server,
        "micro-credential-professional",
        &[42],
        "revocation",
        "42",
    );
    let suspended = signed_with_list(server, "certificate-of-completion", &[9], "suspension", "9");
    let mut expired_doc = doc.clone();
    expired_doc["expirationDate"] = json!("2026-10-01T00:00:00Z");
    let expired = sign_with(&expired_doc, &signer(&uni));
    // A did:key "university" outside the registry: a valid proof, an untrusted issuer.
    let key = Ed25519Signer::from_secret_bytes("", &[7u8; 32]);
    let dk = proofs::did::did_key_from_ed25519(&key.verifying_key());
    let key = key.with_key_id(proofs::did::did_key_verification_method(&dk).unwrap());
    let mut untrusted_doc = doc.clone();
    untrusted_doc["issuer"]["id"] = json!(dk);
    let untrusted = sign_with(&untrusted_doc, &key);
    let mut tampered = valid(server);
    tampered["credentialSubject"]["familyName"] = json!({"en": "Mallory"});
    let unreachable_list = sign_with(
        &with_status(
            doc.clone(),
            "http://127.0.0.1:1/status/eth/1",
            "revocation",
            "3",
        ),
        &signer(&uni),
    );

    vec![
        (
            "valid",
            Some(valid(server)),
            "valid",
            "genuine",
            "Genuine",
            None,
        ),
        (
            "revoked",
            Some(revoked),
            "invalid",
            "revoked",
            "Revoked",
            Some(("revocation", "failed")),
        ),
        (
            "suspended",
            Some(suspended),
            "invalid",
            "suspended",
            "Suspended",
            Some(("revocation", "failed")),
        ),
        (
            "expired",
            Some(expired),
            "invalid",
            "expired",
            "Expired",
            Some(("expiry", "failed")),
        ),
        (
            "untrusted",
            Some(untrusted),
            "invalid",
            "untrusted",
            "Not from a trusted university",
            Some(("awarding-body", "failed")),
        ),
        (
            "tampered",
            Some(tampered),
            "invalid",
            "forged",
            "Not genuine: the credential was changed or the signature is wrong",
            Some(("proof", "failed")),
        ),
        (
            "list-unreachable",
            Some(unreachable_list),
            "indeterminate",
            "not-checked",
            "Could not check",
            Some(("revocation", "error")),
        ),
        (
            "missing",
            None,
            "indeterminate",
            "not-checked",
            "Could not check",
            Some(("format", "error")),
        ),
    ]
}

/// Unreachable credential URLs: could not check, with the reason; never valid. The guarded
/// fetch refuses loopback when local networks are not allowed.
async fn unreachable_urls_are_not_checked(s: &RunningService, server: &Server) {
    // Unreachable credential URLs: could not check, with the reason; never valid.
    for (url, why) in [
        (format!("{}/creds/missing", server.base), "HTTP status 404"),
        (
            "http://127.0.0.1:1/share/x".to_string(),
            "could not be fetched",
        ),
        (
            "ftp://example.org/x".to_string(),
            "only https URLs are fetched",
        ),
    ] {
        let (status, html, _) = page(s, &url, None).await;
        assert_eq!(status, 200);
        assert!(
            verdict_h1(&html)
                .contains("data-verdict=\"indeterminate\" data-reason=\"not-checked\""),
            "{url}"
        );
        assert!(html.contains(why), "{url}: {why}");
        assert!(
            html.contains("The credential could not be retrieved from the link"),
            "{url}"
        );
    }
    // The guarded fetch refuses loopback when local networks are not allowed.
    let strict = start_service(ServiceConfig {
        allow_local_network: false,
        ..service_config()
    })
    .await;
    let url = server.put_json("/creds/valid2", &valid(server));
    let (_, html, _) = page(&strict, &url, None).await;
    assert!(verdict_h1(&html).contains("data-reason=\"not-checked\""));
    assert!(html.contains("only https URLs are fetched"), "{html}");
    strict.shutdown().await.unwrap();
}

const BOUNDARY: &str = "----enhance-test-7f3a9c";

/// A multipart/form-data body: (field name, file name, bytes).
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, file, bytes) in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some(f) => out.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/json\r\n\r\n").as_bytes(),
            ),
            None => out.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

async fn upload(s: &RunningService, body: Vec<u8>) -> (u16, String) {
    let res = client()
        .post(format!("{}/upload", s.url()))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_page_file_and_pasted_text() {
    let server = Server::start();
    let s = service().await;

    let res = get(&s.url(), "/upload", None).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(
        html.contains("<label for=\"file\">")
            && html.contains("<input type=\"file\" id=\"file\" name=\"file\"")
    );
    assert!(
        html.contains("<label for=\"credential\">")
            && html.contains("<textarea id=\"credential\" name=\"credential\"")
    );
    assert!(html.contains("method=\"post\" action=\"upload\" enctype=\"multipart/form-data\""));
    // `/` leads to the upload page.
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/", s.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "upload");

    // A file: valid.
    let cred = serde_json::to_vec_pretty(&valid(&server)).unwrap();
    let (status, html) = upload(
        &s,
        multipart(&[
            ("file", Some("credential.json"), &cred),
            ("credential", None, b""),
        ]),
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(
        verdict_h1(&html).contains("data-verdict=\"valid\" data-reason=\"genuine\""),
        "{}",
        verdict_h1(&html)
    );
    assert!(html.contains("uploaded or pasted"));
    assert!(html.contains("Lukas Meier"));
    assert!(
        html.contains(&format!("href=\"{}/upload\"", s.url())),
        "QR link is the upload page"
    );

    // Pasted text: a revoked credential, and a VC-JWT.
    let revoked = signed_with_list(
        &server,
        "micro-credential-professional",
        &[42],
        "revocation",
        "42",
    );
    let (status, html) = upload(
        &s,
        multipart(&[
            ("file", Some(""), b""),
            ("credential", None, revoked.to_string().as_bytes()),
        ]),
    )
    .await;
    assert_eq!(status, 200);
    assert!(verdict_h1(&html).contains("data-verdict=\"invalid\" data-reason=\"revoked\">Revoked<"));
    let (doc, uni) = built("micro-credential-professional");
    let jwt = proofs::vc_jwt::encode(&doc, &signer(&uni)).unwrap();
    let (status, html) = upload(
        &s,
        multipart(&[("credential", None, format!("\n{jwt}\n").as_bytes())]),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        verdict_h1(&html).contains("data-reason=\"genuine\""),
        "{}",
        verdict_h1(&html)
    );
    assert!(html.contains("Lukas Meier"), "the JWT payload is rendered");

    // Not a credential: not genuine, nothing rendered.
    let (status, html) = upload(&s, multipart(&[("credential", None, b"hello, world")])).await;
    assert_eq!(status, 200);
    assert!(verdict_h1(&html).contains("data-verdict=\"invalid\" data-reason=\"forged\">Not genuine: this is not a readable credential<"));
    assert!(!html.contains("id=\"certificate-title\""));

    // Nothing given; not multipart; too large.
    let (status, html) = upload(
        &s,
        multipart(&[("file", Some(""), b""), ("credential", None, b"  ")]),
    )
    .await;
    assert_eq!(status, 400);
    assert!(html.contains("Choose a credential file or paste the credential"));
    assert!(html.contains("role=\"alert\""));
    let res = client()
        .post(format!("{}/upload", s.url()))
        .form(&[("credential", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("multipart/form-data"));
    let big = vec![b'x'; 9 * 1024 * 1024];
    let (status, html) = upload(&s, multipart(&[("file", Some("big.json"), &big)])).await;
    assert_eq!(status, 413);
    assert!(html.contains("larger than this service accepts"));
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_from_credentials_is_escaped() {
    let s = service().await;
    let evil = "<script>alert(\"x\")</script> & 'Co'";
    let (mut doc, uni) = built("micro-credential-professional");
    doc["credentialSubject"]["givenName"] = json!({"en": evil});
    doc["credentialSubject"]["fullName"] = json!({"en": evil});
    let cred = sign_with(&doc, &signer(&uni));
    let (status, html) = upload(
        &s,
        multipart(&[("file", Some("c.json"), cred.to_string().as_bytes())]),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        verdict_h1(&html).contains("data-reason=\"genuine\""),
        "signed as is: {}",
        verdict_h1(&html)
    );
    assert!(
        html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;"),
        "escaped learner name: {}",
        &html[html.find("class=\"learner\"").unwrap_or(0)..][..300]
    );
    assert!(!html.contains("<script"));

    // Text from the report (an issuer named by the credential) is escaped too.
    let bogus = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:web:evil.example:<b onmouseover=alert(1)>x</b>",
        "credentialSubject": {"id": "did:example:x"}
    });
    let (status, html) = upload(
        &s,
        multipart(&[("credential", None, bogus.to_string().as_bytes())]),
    )
    .await;
    assert_eq!(status, 200);
    assert!(verdict_h1(&html).contains("data-verdict=\"invalid\""));
    assert!(
        html.contains("&lt;b onmouseover=alert(1)&gt;x&lt;/b&gt;"),
        "{html}"
    );
    assert!(!html.contains("<b onmouseover"));
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_openapi_and_unknown_routes() {
    let s = service().await;
    let res = get(&s.url(), "/healthz", None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"status": "ok"}));
    let res = get(&s.url(), "/openapi.json", None).await;
    assert_eq!(res.headers()["content-type"], "application/json");
    let doc: Value = res.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for (path, method) in [
        ("/credentials/verify", "post"),
        ("/verify", "get"),
        ("/upload", "get"),
        ("/upload", "post"),
        ("/healthz", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
    assert!(doc["paths"]["/credentials/verify"]["post"]["responses"]["413"].is_object());
    let res = get(&s.url(), "/nope", None).await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    s.shutdown().await.unwrap();
}

/// `POST /stack`: the `examples/stack` scenario (TU Delft's programme, units from TU Delft, ETH
/// and WUT for one learner) stacks (200); without the obligatory WUT unit it does not (422, the
/// report names it); a malformed request is a 400 problem naming the field.
#[tokio::test(flavor = "multi_thread")]
async fn stack_endpoint_reports_whether_units_stack() {
    let svc = service().await;
    let url = format!("http://{}/stack", svc.addr);
    let (programme, units) = stack_scenario();

    let res = client()
        .post(&url)
        .json(&json!({"programme": programme, "units": units}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["stacks"], true, "{report:#}");
    assert_eq!(report["verdict"], "stacks");
    assert!(
        report["notice"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("recommend"),
        "{}",
        report["notice"]
    );

    let res = client()
        .post(&url)
        .json(&json!({"programme": programme, "units": units[..2]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["stacks"], false);
    assert_eq!(
        report["missingObligatory"].as_array().map(Vec::len),
        Some(1),
        "{report:#}"
    );

    let res = client()
        .post(&url)
        .json(&json!({"programme": programme}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let problem: Value = res.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("units"),
        "{problem}"
    );
    svc.shutdown().await.unwrap();
}
