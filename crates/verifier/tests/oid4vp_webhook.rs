//! Result webhooks of the OpenID4VP relying-party API (issue #17 point 4,
//! `verifier::oid4vp::webhook`): delivery to a loopback receiver with the Standard Webhooks
//! signature checked there, retries with back-off on 500, no retry on 400, a size-limited
//! answer, the per-attempt timeout, and the refusals (https only, private addresses refused by
//! the address check itself, loopback only when allowed, no secret), and the secret file of
//! `oid4vp.webhook_secret_file` checked when the service starts.
#![cfg(feature = "service")]
// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use base64::Engine as _;
use chrono::TimeZone;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use verifier::oid4vp::webhook::{deliver, validate_webhook_url, WebhookError, WebhookPolicy};
use verifier::FixedClock;

const SECRET: &[u8] = b"a shared secret of 32 bytes ....";

/// What the receiver saw: (headers, body) per request.
type Seen = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// A loopback receiver answering `statuses` in turn (then 200), optionally slowly or at length.
struct Receiver {
    url: String,
    seen: Seen,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Clone)]
struct Plan {
    seen: Seen,
    statuses: Arc<Mutex<Vec<u16>>>,
    delay: Duration,
    answer_bytes: usize,
}

async fn hook(State(p): State<Plan>, headers: HeaderMap, body: Bytes) -> (StatusCode, Vec<u8>) {
    p.seen.lock().unwrap().push((headers, body));
    tokio::time::sleep(p.delay).await;
    let status = {
        let mut s = p.statuses.lock().unwrap();
        if s.is_empty() {
            200
        } else {
            s.remove(0)
        }
    };
    (
        StatusCode::from_u16(status).unwrap(),
        vec![b'x'; p.answer_bytes],
    )
}

async fn receiver(statuses: &[u16], delay: Duration, answer_bytes: usize) -> Receiver {
    let seen: Seen = Arc::default();
    let plan = Plan {
        seen: seen.clone(),
        statuses: Arc::new(Mutex::new(statuses.to_vec())),
        delay,
        answer_bytes,
    };
    let app = Router::new().route("/hook", post(hook)).with_state(plan);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Receiver { url, seen, task }
}

fn policy() -> WebhookPolicy {
    let clock = FixedClock(chrono::Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap());
    let mut p = WebhookPolicy::new(SECRET, Arc::new(clock));
    p.allow_loopback = true;
    p.backoff = Duration::from_millis(50);
    p.timeout = Duration::from_secs(5);
    p
}

/// The receiver's side of Standard Webhooks: recompute the signature from the headers.
fn verify_signature(headers: &HeaderMap, body: &[u8]) -> bool {
    let h = |n: &str| headers.get(n).unwrap().to_str().unwrap().to_owned();
    let (id, ts, sig) = (
        h("webhook-id"),
        h("webhook-timestamp"),
        h("webhook-signature"),
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET).unwrap();
    mac.update(format!("{id}.{ts}.").as_bytes());
    mac.update(body);
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    sig == format!("v1,{expected}")
}

fn result() -> serde_json::Value {
    json!({"id": "req-1", "state": "completed", "verdict": "valid", "credentials": []})
}

#[tokio::test]
async fn delivered_signed_to_a_loopback_receiver() {
    let r = receiver(&[], Duration::ZERO, 0).await;
    deliver(&r.url, &result(), &policy()).await.unwrap();
    let seen = r.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    let (headers, body) = &seen[0];
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["webhook-timestamp"], "1772366400");
    assert!(verify_signature(headers, body), "signature checks out");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(body).unwrap(),
        result()
    );
    // A tampered body does not verify with the same headers.
    assert!(!verify_signature(headers, b"{\"verdict\":\"invalid\"}"));
    r.task.abort();
}

#[tokio::test]
async fn retries_with_backoff_on_500_not_on_400() {
    let r = receiver(&[500, 503], Duration::ZERO, 0).await;
    let t = Instant::now();
    deliver(&r.url, &result(), &policy()).await.unwrap();
    let took = t.elapsed();
    let seen = r.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "two failures, then delivered");
    // Back-off 50 ms then 100 ms: at least 150 ms in all.
    assert!(took >= Duration::from_millis(150), "{took:?}");
    // The same message id every time (the receiver's idempotency key), each attempt signed.
    let ids: Vec<_> = seen.iter().map(|(h, _)| h["webhook-id"].clone()).collect();
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");
    assert!(seen.iter().all(|(h, b)| verify_signature(h, b)));
    r.task.abort();

    let r = receiver(&[500, 500, 500, 500, 500], Duration::ZERO, 0).await;
    let e = deliver(&r.url, &result(), &policy()).await.unwrap_err();
    assert!(
        matches!(&e, WebhookError::Delivery { attempts: 4, last } if last.contains("500")),
        "{e}"
    );
    assert_eq!(r.seen.lock().unwrap().len(), 4, "four attempts, no more");
    r.task.abort();

    let r = receiver(&[400], Duration::ZERO, 0).await;
    let e = deliver(&r.url, &result(), &policy()).await.unwrap_err();
    assert!(
        matches!(e, WebhookError::Delivery { attempts: 1, .. }),
        "{e}"
    );
    assert_eq!(r.seen.lock().unwrap().len(), 1, "a 400 is not retried");
    r.task.abort();
}

#[tokio::test]
async fn a_slow_receiver_times_out_and_a_long_answer_is_not_read_whole() {
    let r = receiver(&[], Duration::from_secs(30), 0).await;
    let mut p = policy();
    p.timeout = Duration::from_millis(300);
    p.attempts = 2;
    let t = Instant::now();
    let e = deliver(&r.url, &result(), &p).await.unwrap_err();
    assert!(
        matches!(e, WebhookError::Delivery { attempts: 2, .. }),
        "{e}"
    );
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    r.task.abort();

    // 8 MiB of answer: read up to the limit, then dropped; the delivery still counts (2xx).
    let r = receiver(&[], Duration::ZERO, 8 * 1024 * 1024).await;
    let mut p = policy();
    p.max_response_bytes = 1024;
    deliver(&r.url, &result(), &p).await.unwrap();
    r.task.abort();
}

#[tokio::test]
async fn refusals_name_the_rule() {
    let p = policy();
    // https only: plain http to a public name is refused even in test mode.
    let e = deliver("http://rp.example.org/hook", &result(), &p)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("must use https"), "{e}");
    // Loopback is refused unless allowed (production default).
    let mut strict = policy();
    strict.allow_loopback = false;
    let e = deliver("http://127.0.0.1:9/hook", &result(), &strict)
        .await
        .unwrap_err();
    assert!(matches!(e, WebhookError::Address { .. }), "{e}");
    // No secret, no delivery (results are always signed).
    let mut unsigned = policy();
    unsigned.secret.clear();
    assert_eq!(
        deliver("http://127.0.0.1:9/hook", &result(), &unsigned).await,
        Err(WebhookError::NoSecret)
    );
    // Private and link-local addresses: the address check, no connection attempted.
    for url in [
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/hook",
        "https://[fc00::5]/hook",
    ] {
        assert!(
            matches!(
                validate_webhook_url(url, true),
                Err(WebhookError::Address { .. })
            ),
            "{url}"
        );
    }
    assert!(validate_webhook_url("https://rp.example.org/hooks/result", false).is_ok());
    // The secret never appears in errors or Debug output.
    assert!(!format!("{p:?}").contains("shared secret"));
}

#[test]
fn the_secret_file_is_checked_at_start() {
    let dir = std::env::temp_dir().join(format!("oid4vp-webhook-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("secret");
    let mut config = verifier::service::ServiceConfig::default();
    config.oid4vp.webhook_secret_file = Some(file.clone());
    std::fs::write(&file, "too short\n").unwrap();
    let e = config.check().unwrap_err().to_string();
    assert!(
        e.contains("oid4vp.webhook_secret_file") && e.contains("at least 32 bytes"),
        "{e}"
    );
    std::fs::write(&file, format!("{}\n", "s".repeat(32))).unwrap();
    config.check().unwrap();
    assert_eq!(
        config.oid4vp.webhook_secret().unwrap().unwrap().len(),
        32,
        "one trailing newline is not part of the secret"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    let e = config.check().unwrap_err().to_string();
    assert!(e.contains("cannot be read"), "{e}");
}
