//! Hostile input, issue #13 finding 2: total deadlines on every fetch and one deadline per
//! verification. All servers are on 127.0.0.1 (allow-listed by `NetworkPolicy::local_testing`):
//! - a status list server trickling its body one byte a second ends in "indeterminate" within
//!   the fetch deadline (+1 s), not after the whole body;
//! - ten silent status list URLs (and a silent did:web issuer) in one credential end within ONE
//!   deadline, not ten: they are fetched concurrently;
//! - when the verification deadline is shorter than the fetch deadline, it is the one named;
//! - `GET /verify?credential=` of the service with a trickling credential URL ends in
//!   "indeterminate" within the configured `fetch_timeout_secs` (+1 s).
#![cfg(feature = "service")]
// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use common::*;
use proofs::signer::Ed25519Signer;
use serde_json::{json, Value};
use verifier::service::ServiceConfig;
use verifier::{
    verify_json, CheckKind, CheckStatus, NetworkPolicy, Policy, Report, TrustRegistry, Verdict,
};

/// How a hostile server answers.
#[derive(Clone, Copy)]
enum Mode {
    /// Accepts, reads the request, never answers.
    Silent,
    /// Sends the headers at once (a 100 KB body announced), then the body one byte a second.
    Trickle,
}

/// A server on 127.0.0.1 that answers every connection in `mode`; returns its base URL.
fn hostile_server(mode: Mode) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(s) = stream else { continue };
            std::thread::spawn(move || serve_hostile(s, mode));
        }
    });
    format!("http://127.0.0.1:{port}")
}

fn serve_hostile(mut s: TcpStream, mode: Mode) {
    let mut buf = [0u8; 4096];
    let mut seen = Vec::new();
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    match mode {
        Mode::Silent => {
            // Hold the connection (up to a minute) without a byte; the client must give up.
            let _ = s.set_read_timeout(Some(Duration::from_secs(60)));
            let _ = s.read(&mut buf);
        }
        Mode::Trickle => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
            if s.write_all(head.as_bytes()).is_err() {
                return;
            }
            // Stops at the first failed write: the client has hung up.
            for _ in 0..120 {
                if s.write_all(b" ").and_then(|()| s.flush()).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
}

/// Demo registry, loopback allowed, fetches limited to `fetch` each and `verification` in all.
fn policy_with(fetch: Duration, verification: Duration) -> Policy {
    let mut np = NetworkPolicy::local_testing();
    np.timeout = fetch;
    let mut p = Policy::new(TrustRegistry::demo().unwrap()).with_network(np);
    p.verification_deadline = verification;
    p
}

fn check(r: &Report, k: CheckKind) -> &verifier::CheckResult {
    r.check(k).unwrap()
}

/// A signed example credential with one status entry per URL.
fn with_status_lists(urls: &[String]) -> Value {
    let (mut doc, uni) = built("micro-credential-professional");
    for (i, url) in urls.iter().enumerate() {
        doc = with_status(doc, url, "revocation", &(i * 7 + 3).to_string());
    }
    sign_with(&doc, &signer(&uni))
}

/// Verifies `cred` under `p`, printing how long it took (labelled `what`) for the test log.
fn verify_timed(cred: &Value, p: &Policy, what: &str) -> (Report, Duration) {
    let t = Instant::now();
    let r = verify_json(cred, p, &clock());
    let took = t.elapsed();
    eprintln!("{what}: {took:?}");
    (r, took)
}

#[test]
fn a_trickling_status_list_is_indeterminate_within_the_fetch_deadline() {
    let base = hostile_server(Mode::Trickle);
    let cred = with_status_lists(&[format!("{base}/status/eth/1")]);
    let p = policy_with(Duration::from_secs(2), Duration::from_secs(10))
        .with_checks([CheckKind::Revocation]);
    let (r, took) = verify_timed(&cred, &p, "trickling status list");
    assert!(
        took < Duration::from_secs(3),
        "took {took:?}: the 2 s deadline is not total"
    );
    assert!(
        took >= Duration::from_millis(1900),
        "took {took:?}: gave up before the deadline"
    );
    let rev = check(&r, CheckKind::Revocation);
    assert_eq!(rev.status, CheckStatus::Error, "{}", rev.message);
    assert!(
        rev.message.contains(&format!(
            "status list {base}/status/eth/1 did not answer within 2 s"
        )),
        "{}",
        rev.message
    );
    assert_eq!(r.verdict, Verdict::Indeterminate);
}

#[test]
fn ten_silent_status_lists_and_a_silent_did_cost_one_deadline_not_eleven() {
    let base = hostile_server(Mode::Silent);
    let urls: Vec<String> = (0..10).map(|i| format!("{base}/status/eth/{i}")).collect();
    // The issuer is a did:web on the same silent server: its DID document is fetched together
    // with the ten lists.
    let host_port = base.trim_start_matches("http://").to_string();
    let did = format!(
        "did:web:{}:universities:outsider",
        host_port.replace(':', "%3A")
    );
    let key = Ed25519Signer::from_secret_bytes(format!("{did}#key-1"), &[9u8; 32]);
    let (mut doc, _) = built("micro-credential-professional");
    doc["issuer"]["id"] = json!(did);
    for (i, url) in urls.iter().enumerate() {
        doc = with_status(doc, url, "revocation", &(i * 7 + 3).to_string());
    }
    let cred = sign_with(&doc, &key);
    assert_eq!(cred["credentialStatus"].as_array().map(Vec::len), Some(10));

    let p = policy_with(Duration::from_secs(2), Duration::from_secs(10));
    let (r, took) = verify_timed(&cred, &p, "ten silent status lists + silent did:web");
    // One after another this was 11 × 2 s = 22 s.
    assert!(
        took < Duration::from_secs(3),
        "took {took:?}: the fetches are not concurrent"
    );
    let rev = check(&r, CheckKind::Revocation);
    assert_eq!(rev.status, CheckStatus::Error, "{}", rev.message);
    for url in &urls {
        assert!(
            rev.message
                .contains(&format!("status list {url} did not answer within 2 s")),
            "{url}: {}",
            rev.message
        );
    }
    let proof = check(&r, CheckKind::Proof);
    assert_eq!(proof.status, CheckStatus::Error, "{}", proof.message);
    assert!(
        proof.message.contains("did not answer within 2 s"),
        "{}",
        proof.message
    );
    // (Invalid overall: the outsider DID is not in the trusted-issuer registry.)
    assert_ne!(r.verdict, Verdict::Valid);

    // A verification deadline shorter than the fetch deadline cuts every fetch at once, and is
    // the deadline the reason names.
    let short = policy_with(Duration::from_secs(5), Duration::from_secs(1))
        .with_checks([CheckKind::Revocation]);
    let cred = with_status_lists(&urls);
    let what = "ten silent status lists, 1 s verification deadline";
    let (r, took) = verify_timed(&cred, &short, what);
    assert!(took < Duration::from_secs(2), "took {took:?}");
    let rev = check(&r, CheckKind::Revocation);
    assert_eq!(rev.status, CheckStatus::Error);
    assert!(
        rev.message
            .contains("did not answer within the verification deadline (1 s)"),
        "{}",
        rev.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickling_credential_url_is_indeterminate_within_the_fetch_deadline() {
    let base = hostile_server(Mode::Trickle);
    let config = ServiceConfig {
        fetch_timeout_secs: 2,
        ..service_config()
    };
    let s = start_service(config).await;
    let client = reqwest::Client::new();
    let url = format!("{base}/credentials/share/abc");
    let t = Instant::now();
    let res = client
        .get(format!("{}/verify", s.url()))
        .query(&[("credential", url.as_str())])
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let report: Value = res.json().await.unwrap();
    let took = t.elapsed();
    eprintln!("trickling /verify?credential=: {took:?}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert_eq!(status, 422, "{report}");
    assert_eq!(report["verdict"], "indeterminate", "{report}");
    let text = report.to_string();
    assert!(
        text.contains(&format!("{url} did not answer within 2 s")),
        "{text}"
    );
    s.shutdown().await.unwrap();
}
