//! Hostile HTTP clients against `issuer serve` (issue #13, "HTTP hygiene", part of the
//! hostile-input suite), over real HTTP on 127.0.0.1 with SQLite:
//! - the learner's page carries a Content-Security-Policy (no script, hashed styles,
//!   `frame-ancestors 'none'`), `nosniff` and `no-referrer`;
//! - a client trickling its request head is disconnected after the header read timeout, one
//!   trickling its body gets 408 after the body read timeout;
//! - the public share-link routes answer 429 with `Retry-After` after the burst;
//! - another university's credential or token id and an unknown one get the same 404 on every
//!   route that takes an id;
//! - poison JSON-LD sent to `POST /credentials/issue` is a 4xx naming the term, never a 5xx;
//! - the last admin token of a university cannot be revoked (409), and keeps working.
//!
//! No response here may be a 5xx.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use base64::Engine as _;
use issuer::config::Config;
use issuer::server::RunningServer;
use serde_json::{json, Value};
use service_kit::test_client::get_accept;
use sha2::Digest as _;
use support::{eth_award, vc2, BASE, ETH, ETH_ADMIN, RWTH, RWTH_ADMIN};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A server on a fresh SQLite database with issue and admin tokens for eth and rwth; `tweak`
/// adjusts the configuration.
async fn server(tweak: impl FnOnce(&mut Config)) -> (RunningServer, PathBuf) {
    server_on(false, tweak).await
}

/// [`server`] on SQLite or (`postgres`) on PostgreSQL (`ENHANCE_TEST_POSTGRES_URL`, see
/// `scripts/start-postgres.sh`; the PostgreSQL variants fail without it, as in `service_api`).
async fn server_on(postgres: bool, tweak: impl FnOnce(&mut Config)) -> (RunningServer, PathBuf) {
    let dir = support::token_dir(
        "issuer-hostile-http",
        &[("eth", ETH), ("rwth", RWTH)],
        &[("eth", ETH_ADMIN), ("rwth", RWTH_ADMIN)],
    );
    let url = support::fresh_database(postgres, &dir.join("db/issuer.sqlite")).await;
    let mut config = Config {
        admin_tokens_file: Some(dir.join("admin-tokens.toml")),
        ..support::config(&url, &dir.join("tokens.toml"))
    };
    tweak(&mut config);
    support::serve(config, dir).await
}

/// Sends a request; asserts it is not a 5xx; returns status, headers and the body (JSON or text).
async fn call(
    s: &RunningServer,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut r = reqwest::Client::new().request(method.clone(), format!("{}{path}", s.url()));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    if let Some(b) = body {
        r = r.json(b);
    }
    let res = r.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap();
    assert!(status < 500, "{method} {path}: {status} {text}");
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A problem body without the fields that may differ between occurrences, with `id` replaced.
fn normalised(body: &Value, id: &str) -> String {
    let mut b = body.clone();
    if let Some(o) = b.as_object_mut() {
        o.remove("instance");
        o.remove("traceId");
    }
    b.to_string().replace(id, "{ID}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn learner_page_has_csp_and_frame_ancestors() {
    let (s, _dir) = server(|_| {}).await;
    let (status, _, issued) = call(
        &s,
        reqwest::Method::POST,
        "/awards",
        Some(ETH),
        Some(&eth_award()),
    )
    .await;
    assert_eq!(status, 201, "{issued}");
    let path = issued["shareUrl"]
        .as_str()
        .unwrap()
        .strip_prefix(BASE)
        .unwrap()
        .to_owned();
    let res = get_accept(&s.url(), &path, "text/html").await;
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    let page = res.text().await.unwrap();
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    let csp = h["content-security-policy"].to_str().unwrap().to_owned();
    for directive in [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "img-src 'self' data:",
    ] {
        assert!(csp.contains(directive), "{directive} missing in {csp}");
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("script-src"),
        "{csp}"
    );
    // The page's one style sheet is allowed by its hash.
    let style = page
        .split("<style>")
        .nth(1)
        .unwrap()
        .split("</style>")
        .next()
        .unwrap();
    let hash =
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(style.as_bytes()));
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
    assert!(!page.contains("<script"), "the page has no script");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    // JSON answers carry nosniff and no-referrer too.
    let (_, h, _) = call(&s, reqwest::Method::GET, "/healthz", None, None).await;
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    s.shutdown().await.unwrap();
}

/// Writes `bytes` one at a time every `gap` until the peer closes; returns the time from connect
/// to the close (read EOF, reset or failed write) and what the server sent.
async fn trickle(
    addr: std::net::SocketAddr,
    head: &[u8],
    bytes: &[u8],
    gap: Duration,
) -> (Duration, String) {
    let t0 = Instant::now();
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let reader = tokio::spawn(async move {
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
        (t0.elapsed(), String::from_utf8_lossy(&got).into_owned())
    });
    let (head, bytes) = (head.to_vec(), bytes.to_vec());
    let writer = tokio::spawn(async move {
        if wr.write_all(&head).await.is_err() {
            return;
        }
        for b in bytes {
            if wr.write_all(&[b]).await.is_err() {
                return;
            }
            tokio::time::sleep(gap).await;
        }
        // Keep the socket open: only the server may end the exchange.
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let out = tokio::time::timeout(Duration::from_secs(20), reader)
        .await
        .expect("the server never closed the connection")
        .unwrap();
    writer.abort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_header_client_is_disconnected() {
    let (s, _dir) = server(|c| c.limits.header_read_timeout_secs = 1).await;
    let head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    let (elapsed, answer) = trickle(s.addr, b"", head, Duration::from_millis(500)).await;
    eprintln!("slow header client disconnected after {elapsed:?}");
    assert!(
        elapsed >= Duration::from_millis(900),
        "closed too early: {elapsed:?}"
    );
    assert!(
        elapsed <= Duration::from_secs(2),
        "header read timeout 1 s, closed after {elapsed:?}"
    );
    assert!(!answer.contains("200 OK"), "{answer}");
    // A normal client is served.
    let (status, _, _) = call(&s, reqwest::Method::GET, "/healthz", None, None).await;
    assert_eq!(status, 200);
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_body_client_gets_408() {
    let (s, _dir) = server(|c| c.limits.body_read_timeout_secs = 1).await;
    let head = format!(
        "POST /credentials/issue HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {ETH}\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"
    );
    let body = [b' '; 400];
    let (elapsed, answer) =
        trickle(s.addr, head.as_bytes(), &body, Duration::from_millis(500)).await;
    eprintln!("slow body client answered after {elapsed:?}");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("body_read_timeout_secs"), "{answer}");
    assert!(
        elapsed <= Duration::from_secs(3),
        "body read timeout 1 s, answered after {elapsed:?}"
    );
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_routes_are_rate_limited_with_retry_after() {
    let (s, _dir) = server(|c| {
        c.limits.public_rate_limit.per_second = 0.5;
        c.limits.public_rate_limit.burst = 3;
    })
    .await;
    // The burst: three share-link guesses (404 each, counted: the limit slows guessing too).
    for _ in 0..3 {
        let (status, _, _) = call(
            &s,
            reqwest::Method::GET,
            "/share/not-a-real-token",
            None,
            None,
        )
        .await;
        assert_eq!(status, 404);
    }
    let (status, h, body) = call(
        &s,
        reqwest::Method::GET,
        "/share/not-a-real-token/qr.svg",
        None,
        None,
    )
    .await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(h["content-type"], "application/problem+json");
    assert_eq!(h["retry-after"], "2", "one request per 2 s");
    assert_eq!(body["type"], "urn:enhance-credentials:problem:rate-limited");
    // Other routes are not limited by it.
    let (status, _, _) = call(
        &s,
        reqwest::Method::GET,
        "/universities/eth/did.json",
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, _) = call(&s, reqwest::Method::GET, "/credentials", Some(ETH), None).await;
    assert_eq!(status, 200);
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_token_429_has_retry_after() {
    let (s, _dir) = server(|c| c.limits.rate_limit_per_minute = 2).await;
    for _ in 0..2 {
        assert_eq!(
            call(&s, reqwest::Method::GET, "/credentials", Some(ETH), None)
                .await
                .0,
            200
        );
    }
    let (status, h, body) = call(&s, reqwest::Method::GET, "/credentials", Some(ETH), None).await;
    assert_eq!(status, 429, "{body}");
    let secs: u64 = h["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&secs), "{secs}");
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_and_unknown_ids_answer_the_same_404() {
    foreign_and_unknown_ids(false).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_and_unknown_ids_answer_the_same_404_postgres() {
    foreign_and_unknown_ids(true).await
}

async fn foreign_and_unknown_ids(postgres: bool) {
    use reqwest::Method;
    let (s, _dir) = server_on(postgres, |_| {}).await;
    let (status, _, issued) = call(
        &s,
        Method::POST,
        "/credentials/issue",
        Some(ETH),
        Some(&json!({"credential": vc2()})),
    )
    .await;
    assert_eq!(status, 201, "{issued}");
    let foreign = issued["verifiableCredential"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let unknown = "urn:uuid:00000000-0000-4000-8000-000000000000";
    let (_, _, spec) = call(
        &s,
        Method::POST,
        "/specifications/eth-only-spec",
        Some(ETH),
        Some(&json!({})),
    )
    .await;
    let (_, _, tokens) = call(&s, Method::GET, "/admin/tokens", Some(ETH_ADMIN), None).await;
    let eth_token = tokens["items"][0]["id"].as_str().unwrap().to_owned();
    // (route template, method, body) for every route taking an id; `{ID}` is the id.
    let routes: Vec<(&str, Method, Option<Value>, &str)> = vec![
        ("/credentials/{ID}", Method::GET, None, RWTH),
        (
            "/credentials/status",
            Method::POST,
            Some(
                json!({"credentialId": "{ID}", "credentialStatus": [{"type": "BitstringStatusListCredential", "status": "revoked"}]}),
            ),
            RWTH,
        ),
        (
            "/credentials/status",
            Method::POST,
            Some(
                json!({"credentialId": "{ID}", "credentialStatus": [{"type": "BitstringStatusListCredential", "status": "suspended"}]}),
            ),
            RWTH_ADMIN,
        ),
        ("/credentials/{ID}", Method::GET, None, RWTH_ADMIN),
    ];
    for (template, method, body, token) in routes {
        let mut answers = Vec::new();
        for id in [foreign.as_str(), unknown] {
            let path = template.replace("{ID}", &urlencode(id));
            let body = body.as_ref().map(|b| {
                serde_json::from_str::<Value>(&b.to_string().replace("{ID}", id)).unwrap()
            });
            let (status, h, problem) =
                call(&s, method.clone(), &path, Some(token), body.as_ref()).await;
            assert_eq!(status, 404, "{method} {template} with {id}: {problem}");
            answers.push((h["content-type"].clone(), normalised(&problem, id)));
        }
        assert_eq!(
            answers[0], answers[1],
            "{method} {template}: foreign and unknown ids differ"
        );
    }
    // Tokens: rwth's admin revoking eth's token, or an unknown one.
    let mut answers = Vec::new();
    for id in [eth_token.as_str(), "00000000-0000-4000-8000-000000000000"] {
        let (status, _, problem) = call(
            &s,
            Method::DELETE,
            &format!("/admin/tokens/{id}"),
            Some(RWTH_ADMIN),
            None,
        )
        .await;
        assert_eq!(status, 404, "{problem}");
        answers.push(normalised(&problem, id));
    }
    assert_eq!(answers[0], answers[1]);
    // Specifications are per university: eth's id is unknown to rwth.
    if spec.get("id").is_some() {
        let a = call(
            &s,
            Method::GET,
            "/specifications/eth-only-spec",
            Some(RWTH),
            None,
        )
        .await;
        let b = call(
            &s,
            Method::GET,
            "/specifications/no-such-spec",
            Some(RWTH),
            None,
        )
        .await;
        assert_eq!((a.0, b.0), (404, 404));
        assert_eq!(
            normalised(&a.2, "eth-only-spec"),
            normalised(&b.2, "no-such-spec")
        );
    }
    // The token still works for eth, and eth still sees its credential.
    let (status, _, _) = call(
        &s,
        Method::GET,
        &format!("/credentials/{}", urlencode(&foreign)),
        Some(ETH),
        None,
    )
    .await;
    assert_eq!(status, 200);
    s.shutdown().await.unwrap();
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poison_json_ld_is_4xx_naming_the_term() {
    let (s, _dir) = server(|_| {}).await;
    let v2 = "https://www.w3.org/ns/credentials/v2";
    let with = |f: &dyn Fn(&mut Value)| {
        let mut c = vc2();
        f(&mut c);
        c
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "undefined term",
            with(&|c| c["credentialSubject"]["favouriteColour"] = json!("blue")),
            "favouriteColour",
        ),
        // `description` is a protected top-level term of the VC 2.0 context.
        (
            "redefined protected term",
            with(&|c| {
                c["@context"] = json!([v2, {"description": "https://evil.example/description"}])
            }),
            "description",
        ),
        (
            "relative IRI",
            with(&|c| c["credentialSubject"]["id"] = json!("just/a/path")),
            "just/a/path",
        ),
        (
            "unknown context URL",
            with(&|c| c["@context"] = json!([v2, "https://evil.example/context.jsonld"])),
            "https://evil.example/context.jsonld",
        ),
        (
            "cyclic IRI mapping",
            with(&|c| {
                c["@context"] = json!([v2, {"ping": "pong:x", "pong": "ping:y"}]);
                c["credentialSubject"]["ping"] = json!("loop");
            }),
            "ping",
        ),
        // A `@graph` of blank nodes all linked to each other in a cycle of cycles: every node
        // looks the same to RDFC-1.0, which would try every permutation (poison graph).
        (
            "@graph blank-node clique",
            with(&|c| {
                let nodes: Vec<Value> = (0..10)
                .map(|i| json!({"@id": format!("_:n{i}"), "urn:example:p": (0..10).filter(|j| *j != i).map(|j| json!({"@id": format!("_:n{j}")})).collect::<Vec<_>>()}))
                .collect();
                c["credentialSubject"]["@graph"] = Value::Array(nodes);
            }),
            "poison graph",
        ),
    ];
    for (name, credential, term) in cases {
        let (status, h, problem) = call(
            &s,
            reqwest::Method::POST,
            "/credentials/issue",
            Some(ETH),
            Some(&json!({"credential": credential})),
        )
        .await;
        eprintln!("{name}: {status} {problem}");
        assert!((400..500).contains(&status), "{name}: {status} {problem}");
        assert_eq!(h["content-type"], "application/problem+json", "{name}");
        assert!(
            problem.to_string().contains(term),
            "{name}: the answer does not name `{term}`: {problem}"
        );
    }
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_admin_token_cannot_be_revoked() {
    last_admin_token(false).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_admin_token_cannot_be_revoked_postgres() {
    last_admin_token(true).await
}

async fn last_admin_token(postgres: bool) {
    use reqwest::Method;
    let (s, _dir) = server_on(postgres, |_| {}).await;
    let (_, _, tokens) = call(&s, Method::GET, "/admin/tokens", Some(ETH_ADMIN), None).await;
    let admin_id = tokens["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["roles"].as_array().unwrap().contains(&json!("admin")))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, h, problem) = call(
        &s,
        Method::DELETE,
        &format!("/admin/tokens/{admin_id}"),
        Some(ETH_ADMIN),
        None,
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(h["content-type"], "application/problem+json");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("token.last-admin"),
        "{problem}"
    );
    // It still works.
    let (status, _, _) = call(&s, Method::GET, "/admin/tokens", Some(ETH_ADMIN), None).await;
    assert_eq!(status, 200);
    // With a second admin token, the first can go.
    let (status, _, second) = call(
        &s,
        Method::POST,
        "/admin/tokens",
        Some(ETH_ADMIN),
        Some(&json!({"roles": ["admin"], "label": "deputy"})),
    )
    .await;
    assert_eq!(status, 201, "{second}");
    let (status, _, _) = call(
        &s,
        Method::DELETE,
        &format!("/admin/tokens/{admin_id}"),
        Some(ETH_ADMIN),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _, _) = call(&s, Method::GET, "/admin/tokens", Some(ETH_ADMIN), None).await;
    assert_eq!(status, 401);
    // Now the deputy is the last one.
    let deputy = second["token"].as_str().unwrap().to_owned();
    let (status, _, _) = call(
        &s,
        Method::DELETE,
        &format!("/admin/tokens/{}", second["id"].as_str().unwrap()),
        Some(&deputy),
        None,
    )
    .await;
    assert_eq!(status, 409);
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_chosen_ids_cannot_probe_other_universities() {
    use reqwest::Method;
    let (s, _dir) = server(|_| {}).await;
    // Each request names the university whose token it carries as issuer.
    let issue = |uni: &str, id: String| {
        let mut c = vc2();
        c["id"] = json!(id);
        c["issuer"] = json!(format!("did:web:issuer.test:universities:{uni}"));
        json!({"credential": c})
    };
    let uuid = format!("urn:uuid:{}", uuid::Uuid::new_v4());
    let (status, _, body) = call(
        &s,
        Method::POST,
        "/credentials/issue",
        Some(ETH),
        Some(&issue("eth", uuid.clone())),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    // The same UUID again: 409 for eth and for rwth, with the same answer.
    let own = call(
        &s,
        Method::POST,
        "/credentials/issue",
        Some(ETH),
        Some(&issue("eth", uuid.clone())),
    )
    .await;
    let other = call(
        &s,
        Method::POST,
        "/credentials/issue",
        Some(RWTH),
        Some(&issue("rwth", uuid.clone())),
    )
    .await;
    assert_eq!((own.0, other.0), (409, 409), "{} {}", own.2, other.2);
    assert_eq!(normalised(&own.2, &uuid), normalised(&other.2, &uuid));
    // Ids in another university's namespace of this service are refused (also when spelled with
    // another case of scheme and host); any other URL is the client's to choose (VC DM 2.0 §4.4).
    for id in [
        format!("{BASE}/universities/eth/credentials/1"),
        format!("{BASE}/credentials/1"),
        format!("{BASE}/universities/eth/credentials/1").replace("http", "HTTP"),
    ] {
        let (status, _, problem) = call(
            &s,
            Method::POST,
            "/credentials/issue",
            Some(RWTH),
            Some(&issue("rwth", id.clone())),
        )
        .await;
        assert_eq!(status, 422, "{id}: {problem}");
        assert_eq!(problem["errors"][0]["path"], "credential.id");
        assert_eq!(problem["errors"][0]["rule"], "vc.id-namespace");
    }
    // A URL outside this service is the client's to choose; once taken, a second credential
    // with it is 409 for everyone, with the same answer whoever holds it (issue #15).
    let foreign = "https://example.org/credentials/1".to_owned();
    let (status, _, body) = call(
        &s,
        Method::POST,
        "/credentials/issue",
        Some(ETH),
        Some(&issue("eth", foreign.clone())),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let mut again = Vec::new();
    for (token, uni) in [(ETH, "eth"), (RWTH, "rwth")] {
        let body = issue(uni, foreign.clone());
        again.push(
            call(
                &s,
                Method::POST,
                "/credentials/issue",
                Some(token),
                Some(&body),
            )
            .await,
        );
    }
    assert_eq!((again[0].0, again[1].0), (409, 409), "{:?}", again);
    assert!(again[0].2["detail"]
        .as_str()
        .unwrap()
        .contains("duplicate credential id"));
    assert_eq!(
        normalised(&again[0].2, &foreign),
        normalised(&again[1].2, &foreign)
    );
    // A non-URL id: the `vc.id` rule.
    let (status, _, problem) = call(
        &s,
        Method::POST,
        "/credentials/issue",
        Some(RWTH),
        Some(&issue("rwth", "https ://not-a-url/1".to_owned())),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["path"], "credential.id");
    assert_eq!(problem["errors"][0]["rule"], "vc.id");
    // Its own namespace is fine.
    let (status, _, body) = call(
        &s,
        Method::POST,
        "/credentials/issue",
        Some(RWTH),
        Some(&issue(
            "rwth",
            format!("{BASE}/universities/rwth/credentials/1"),
        )),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    s.shutdown().await.unwrap();
}
