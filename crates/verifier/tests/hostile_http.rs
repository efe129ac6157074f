//! Hostile HTTP clients against `verifier serve` (issue #13, "HTTP hygiene", part of the
//! hostile-input suite), over real HTTP on 127.0.0.1:
//! - the upload page, the verification page and the link page carry a Content-Security-Policy
//!   (no script, hashed styles, `frame-ancestors 'none'`), `nosniff` and `no-referrer`;
//! - a client trickling its request head is disconnected after the header read timeout;
//! - the verification endpoints answer 429 with `Retry-After` after the burst;
//! - a forged VC-JWT or JAdES seal reports trust "not checked", never "ok as claimed".
//!
//! No response here may be a 5xx.
#![cfg(feature = "service")]
// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

mod common;

use std::time::{Duration, Instant};

use base64::Engine as _;
use common::*;
use serde_json::{json, Value};
use service_kit::test_client::{get, get_accept, post_json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use verifier::report::{CheckKind, CheckStatus};
use verifier::service::ServiceConfig;

const BOUNDARY: &str = "----enhance-hostile-4b1d";

fn multipart_file(bytes: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.json\"\r\nContent-Type: application/json\r\n\r\n"
    )
    .into_bytes();
    out.extend_from_slice(bytes);
    out.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    out
}

/// Asserts the security headers of an HTML page, and that its CSP allows exactly its styles.
fn assert_page_headers(what: &str, h: &reqwest::header::HeaderMap, page: &str) {
    assert!(
        h["content-type"].to_str().unwrap().starts_with("text/html"),
        "{what}"
    );
    let csp = h["content-security-policy"].to_str().unwrap();
    for directive in [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ] {
        assert!(
            csp.contains(directive),
            "{what}: {directive} missing in {csp}"
        );
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("script-src"),
        "{what}: {csp}"
    );
    for style in page.split("<style>").skip(1) {
        let css = style.split("</style>").next().unwrap();
        use sha2::Digest as _;
        let hash =
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(css.as_bytes()));
        assert!(
            csp.contains(&format!("'sha256-{hash}'")),
            "{what}: style not allowed by {csp}"
        );
    }
    assert!(!page.contains("<script"), "{what} has a script");
    assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(h["referrer-policy"], "no-referrer", "{what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_has_csp_and_frame_ancestors() {
    let s = start_service(service_config()).await;
    let client = reqwest::Client::new();
    // The upload page.
    let res = get(&s.url(), "/upload", None).await;
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    assert_page_headers("upload page", &h, &res.text().await.unwrap());
    // The verification page of an uploaded credential (signed, no status entry).
    let (doc, uni) = built("micro-credential-professional");
    let signed = sign_with(&doc, &signer(&uni));
    let res = client
        .post(format!("{}/upload", s.url()))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart_file(signed.to_string().as_bytes()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    let page = res.text().await.unwrap();
    assert!(
        page.contains("<style>"),
        "the verification page embeds the certificate's style sheet"
    );
    assert_page_headers("verification page", &h, &page);
    // The link page (no credential URL given).
    let res = get_accept(&s.url(), "/verify", "text/html").await;
    assert_eq!(res.status(), 400);
    let h = res.headers().clone();
    assert_page_headers("link page", &h, &res.text().await.unwrap());
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_header_client_is_disconnected() {
    let s = start_service(ServiceConfig {
        header_read_timeout_secs: 1,
        ..service_config()
    })
    .await;
    let head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n".to_vec();
    let t0 = Instant::now();
    let stream = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let writer = tokio::spawn(async move {
        for b in head {
            if wr.write_all(&[b]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let mut buf = [0u8; 1024];
    let mut got = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    let elapsed = t0.elapsed();
    writer.abort();
    eprintln!("slow header client disconnected after {elapsed:?}");
    assert!(closed.is_ok(), "the server never closed the connection");
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed <= Duration::from_secs(2),
        "header read timeout 1 s, closed after {elapsed:?}"
    );
    assert!(!String::from_utf8_lossy(&got).contains("200 OK"));
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_endpoints_are_rate_limited_with_retry_after() {
    let mut c = service_config();
    c.rate_limit.per_second = 0.25;
    c.rate_limit.burst = 2;
    let s = start_service(c).await;
    let client = reqwest::Client::new();
    let body = json!({"verifiableCredential": "not.a.jwt"});
    for _ in 0..2 {
        let res = post_json(&s.url(), "/credentials/verify", None, &body).await;
        assert!(
            res.status().as_u16() < 500 && res.status() != 429,
            "{}",
            res.status()
        );
    }
    let res = client
        .get(format!(
            "{}/verify?credential=http%3A%2F%2F127.0.0.1%3A9%2Fx",
            s.url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "4", "one request per 4 s");
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let problem: Value = res.json().await.unwrap();
    assert_eq!(
        problem["type"],
        "urn:enhance-credentials:problem:rate-limited"
    );
    // Static routes are not limited.
    for path in ["/healthz", "/upload", "/openapi.json"] {
        assert_eq!(get(&s.url(), path, None).await.status(), 200, "{path}");
    }
    s.shutdown().await.unwrap();
}

fn trust(r: &verifier::report::Report) -> (CheckStatus, String) {
    let c = r.check(CheckKind::Trust).unwrap();
    (c.status, c.message.clone())
}

#[test]
fn forged_jwt_and_jades_report_trust_not_checked() {
    let (doc, uni) = built("micro-credential-professional");
    // A VC-JWT claiming eth as issuer, signed with rwth's key.
    let forged = proofs::vc_jwt::encode(&doc, &signer("rwth")).unwrap();
    let r = verifier::verify(forged.as_bytes(), &policy(), &clock());
    assert_ne!(r.check(CheckKind::Proof).unwrap().status, CheckStatus::Ok);
    let (status, message) = trust(&r);
    assert_eq!(status, CheckStatus::Skipped, "{message}");
    assert!(message.starts_with("not checked"), "{message}");
    assert!(!message.contains("as claimed"), "{message}");
    // A genuine JWT with a tampered payload.
    let jwt = proofs::vc_jwt::encode(&doc, &signer(&uni)).unwrap();
    let mut parts: Vec<String> = jwt.split('.').map(str::to_string).collect();
    let mut c = doc.clone();
    c["credentialSubject"]["givenName"] = json!({"en": "Mallory"});
    parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(c.to_string());
    let r = verifier::verify(parts.join(".").as_bytes(), &policy(), &clock());
    assert_eq!(trust(&r).0, CheckStatus::Skipped, "{}", trust(&r).1);
    // A JAdES seal over a changed payload.
    let mut sealed = seal_as(&doc, &uni);
    // (The seal's payload is the unencoded JSON text, `b64: false`.)
    assert!(sealed["payload"].as_str().unwrap().starts_with('{'));
    sealed["payload"] = json!(c.to_string());
    let r = verifier::verify_json(&sealed, &policy(), &clock());
    assert_ne!(r.check(CheckKind::Proof).unwrap().status, CheckStatus::Ok);
    let (status, message) = trust(&r);
    assert_eq!(status, CheckStatus::Skipped, "{message}");
    assert!(message.starts_with("not checked"), "{message}");
    // The genuine ones still are trusted.
    let r = verifier::verify(jwt.as_bytes(), &policy(), &clock());
    assert_eq!(trust(&r).0, CheckStatus::Ok, "{}", trust(&r).1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_jwt_over_http_reports_trust_not_checked() {
    let s = start_service(service_config()).await;
    let (doc, _) = built("micro-credential-professional");
    let forged = proofs::vc_jwt::encode(&doc, &signer("rwth")).unwrap();
    let body = json!({"verifiableCredential": forged});
    let res = post_json(&s.url(), "/credentials/verify", None, &body).await;
    assert_eq!(res.status(), 422);
    let report: Value = res.json().await.unwrap();
    let trust = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "trust")
        .unwrap();
    assert_eq!(trust["status"], "skipped", "{report}");
    assert!(
        trust["message"]
            .as_str()
            .unwrap()
            .starts_with("not checked"),
        "{report}"
    );
    s.shutdown().await.unwrap();
}
