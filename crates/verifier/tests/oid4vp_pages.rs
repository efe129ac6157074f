//! The wallet-request pages of the verification service over real HTTP on 127.0.0.1 (issue #17
//! point 3): the employer's form (no JavaScript needed) → 303 to the request's page → the QR
//! code, the same-device link and the waiting notice (no-JS refresh, external polling script
//! allowed by the page's own CSP) → the verdict once a result is in the store (stored directly
//! here; the wallet's response endpoint has its own tests), with every check in the QR
//! verification's wording and the disclosed claims; "expired" after the request's lifetime and
//! "unknown" after the retention time (injected clock); the page key; form errors naming the
//! field; the recognition office's stackability form and stack verdict; accessibility basics.
#![cfg(feature = "service")]
// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use common::*;
use serde_json::json;
use verifier::oid4vp::store::{PresentationResult, PresentedCredential, ResponseProblem};
use verifier::service::{build_state, router, Overrides, ServiceState};
use verifier::{Clock, Verdict};

/// A clock the test moves.
struct MovingClock(Mutex<DateTime<Utc>>);

impl Clock for MovingClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

impl MovingClock {
    fn advance(&self, d: Duration) {
        let mut t = self.0.lock().unwrap();
        *t += d;
    }
}

struct Service {
    url: String,
    state: ServiceState,
    clock: Arc<MovingClock>,
    task: tokio::task::JoinHandle<()>,
}

async fn service() -> Service {
    let clock = Arc::new(MovingClock(Mutex::new(common::clock().0)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let mut config = service_config();
    config.public_url = url.clone();
    let overrides = Overrides {
        clock: Some(clock.clone()),
        registry: None,
    };
    let state = build_state(&config, &overrides).unwrap();
    let app = router(state.clone());
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    Service {
        url,
        state,
        clock,
        task,
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn get(url: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let res = client().get(url).send().await.unwrap();
    let (status, headers) = (res.status().as_u16(), res.headers().clone());
    (status, headers, res.text().await.unwrap())
}

async fn post_form(url: &str, body: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let res = client()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let (status, headers) = (res.status().as_u16(), res.headers().clone());
    (status, headers, res.text().await.unwrap())
}

/// Accessibility basics of every page: language, viewport, one h1, a label for every control.
fn assert_accessible(page: &str) {
    assert!(page.contains("<html lang=\"en\">") && page.contains("name=\"viewport\""));
    assert_eq!(page.matches("<h1").count(), 1, "one h1");
    let mut rest = page;
    while let Some(i) = rest.find("<input ") {
        let tag = &rest[i..i + rest[i..].find('>').unwrap()];
        let id = tag
            .split("id=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert!(page.contains(&format!("for=\"{id}\"")), "label of {id}");
        rest = &rest[i + 1..];
    }
}

/// The id and key of a request page location.
fn id_of(location: &str) -> (String, String) {
    let u = reqwest::Url::parse(&format!("http://x/{location}")).unwrap();
    let q: std::collections::HashMap<_, _> = u.query_pairs().into_owned().collect();
    (q["id"].clone(), q["key"].clone())
}

/// A genuine credential's full report, with disclosed claims as an SD-JWT VC's would have.
fn genuine_report() -> verifier::Report {
    let (doc, uni) = built("micro-credential-academic-course");
    let signed = sign_with(&doc, &signer(&uni));
    let mut r = verifier::verify(signed.to_string().as_bytes(), &policy(), &common::clock());
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    let claims = json!({"family_name": "Kowalska <b>", "given_name": "Ana"});
    r.disclosed = Some(claims.as_object().unwrap().clone());
    r
}

#[tokio::test]
async fn employer_form_qr_page_waiting_then_verdict() {
    let s = service().await;
    let t = std::time::Instant::now();
    // The upload page links to the wallet request.
    let (_, _, upload) = get(&format!("{}/upload", s.url)).await;
    assert!(upload.contains("href=\"ask-wallet\""), "{upload}");

    let (status, headers, form) = get(&format!("{}/ask-wallet", s.url)).await;
    assert_eq!(status, 200);
    assert_accessible(&form);
    assert!(form.contains("<form method=\"post\" action=\"ask-wallet\">"));
    assert!(form.contains("value=\"dc+sd-jwt\"") && form.contains("value=\"family_name\""));
    assert!(
        form.contains("value=\"tudelft\""),
        "universities of the registry"
    );
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );

    let body = "form=dc%2Bsd-jwt&form=ldp_vc&claim=family_name&claim=given_name&university=tudelft";
    let (status, headers, _) = post_form(&format!("{}/ask-wallet", s.url), body).await;
    assert_eq!(status, 303);
    let location = headers["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("wallet-request?id="), "{location}");
    let (id, key) = id_of(&location);
    let page_url = format!("{}/{location}", s.url);

    // Waiting: QR code, same-device link, no-JS refresh and the polling script.
    let (status, headers, page) = get(&page_url).await;
    assert_eq!(status, 200);
    assert_accessible(&page);
    assert!(page.contains("<svg") && page.contains("QR code of the presentation request"));
    assert!(
        page.contains("href=\"openid4vp://?client_id="),
        "same-device link"
    );
    assert!(page.contains("<noscript><meta http-equiv=\"refresh\" content=\"5\"></noscript>"));
    assert!(page.contains("<script src=\"wallet-request.js\" defer></script>"));
    assert!(page.contains("role=\"status\"") && page.contains("id=\"check-now\""));
    assert!(
        page.contains("SD-JWT VC claims: family_name, given_name"),
        "{page}"
    );
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'")
            && csp.contains("connect-src 'self'")
            && csp.contains("frame-ancestors 'none'")
            && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(headers["cache-control"], "no-store");
    let (status, headers, js) = get(&format!("{}/wallet-request.js", s.url)).await;
    assert_eq!(status, 200);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(js.contains("data-state-url"));
    let state_url = format!("{}/wallet-request/state?id={id}&key={key}", s.url);
    let (status, _, st) = get(&state_url).await;
    assert_eq!((status, st.as_str()), (200, "{\"state\":\"pending\"}"));

    // The request id alone (it is in the QR code) or a wrong key opens nothing.
    for bad in [
        format!("{}/wallet-request?id={id}&key=AAAA", s.url),
        format!("{}/wallet-request?id={id}&key={key}x", s.url),
        format!("{}/wallet-request?id=nope&key={key}", s.url),
    ] {
        assert_eq!(get(&bad).await.0, 404, "{bad}");
    }
    assert_eq!(
        get(&format!("{}/wallet-request/state?id={id}&key=AAAA", s.url))
            .await
            .0,
        404
    );

    // The wallet answered (stored directly): the verdict with every check and the claims.
    let report = genuine_report();
    let checks = report.checks.len();
    s.state.oid4vp_store().complete(
        &id,
        PresentationResult {
            verdict: Verdict::Valid,
            credentials: vec![PresentedCredential {
                query_id: "learning_sd_jwt".into(),
                format: "dc+sd-jwt".into(),
                report,
            }],
            stack: None,
            problems: vec![],
            completed_at: s.state.now(),
        },
    );
    let (_, _, st) = get(&state_url).await;
    assert_eq!(st, "{\"state\":\"completed\"}");
    let (status, headers, page) = get(&page_url).await;
    assert_eq!(status, 200);
    assert_accessible(&page);
    assert!(
        page.contains("<h1 id=\"verdict\" data-verdict=\"valid\">Genuine</h1>"),
        "{page}"
    );
    assert!(page.contains("data-reason=\"genuine\""));
    assert_eq!(
        page.matches("<li class=\"check\"").count(),
        checks,
        "every check shown"
    );
    assert!(page.contains("data-check=\"proof\" data-status=\"ok\""));
    assert!(
        page.contains("<dt>family_name</dt><dd>Kowalska &lt;b&gt;</dd>"),
        "escaped claim"
    );
    assert!(!page.contains("http-equiv=\"refresh\"") && !page.contains("<script"));
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        !csp.contains("script-src"),
        "the verdict page runs no script: {csp}"
    );

    // Results are deleted after the retention time (600 s by default).
    s.clock.advance(Duration::seconds(601));
    let (status, _, page) = get(&page_url).await;
    assert_eq!(status, 404);
    assert!(page.contains("deleted after the retention time"));
    assert!(
        t.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        t.elapsed()
    );
    s.task.abort();
}

#[tokio::test]
async fn an_unanswered_request_expires() {
    let s = service().await;
    let (status, headers, _) =
        post_form(&format!("{}/ask-wallet", s.url), "form=ldp_vc&haip=1").await;
    assert_eq!(status, 303);
    let location = headers["location"].to_str().unwrap().to_owned();
    let (id, key) = id_of(&location);
    // HAIP asked: the request answers with an encrypted response.
    let req = s.state.oid4vp_store().get(&id, s.state.now()).unwrap();
    assert_eq!(req.response_mode.as_str(), "direct_post.jwt");
    s.clock.advance(Duration::seconds(301));
    let (status, _, page) = get(&format!("{}/{location}", s.url)).await;
    assert_eq!(status, 410);
    assert!(page.contains("The request expired"), "{page}");
    let (_, _, st) = get(&format!("{}/wallet-request/state?id={id}&key={key}", s.url)).await;
    assert_eq!(st, "{\"state\":\"expired\"}");
    s.task.abort();
}

#[tokio::test]
async fn form_errors_name_the_field() {
    let s = service().await;
    let url = format!("{}/ask-wallet", s.url);
    for (body, needle) in [
        ("claim=family_name", "Choose at least one credential form"),
        ("form=mso_mdoc", "form: &quot;mso_mdoc&quot; is not one of"),
        (
            "form=dc%2Bsd-jwt&claim=shoe_size",
            "claims[0]: &quot;shoe_size&quot;",
        ),
        (
            "form=ldp_vc&university=nowhere",
            "university: &quot;nowhere&quot; is not in the trust registry",
        ),
    ] {
        let (status, _, page) = post_form(&url, body).await;
        assert_eq!(status, 400, "{body}");
        assert!(page.contains(needle), "{body}: {page}");
        assert!(page.contains("role=\"alert\""));
        assert_accessible(&page);
    }
    assert_eq!(s.state.oid4vp_store().len(), 0, "no request created");
    s.task.abort();
}

#[tokio::test]
async fn recognition_office_asks_for_all_units_of_a_programme() {
    let s = service().await;
    let url = format!("{}/stack-from-wallet", s.url);
    let (status, _, form) = get(&url).await;
    assert_eq!(status, 200);
    assert_accessible(&form);
    assert!(form.contains("<textarea id=\"programme\" name=\"programme\""));

    let (status, _, page) = post_form(&url, "form=ldp_vc&programme=%7Bnot").await;
    assert_eq!(status, 400);
    assert!(page.contains("programme: not JSON"), "{page}");
    assert!(
        page.contains(">{not</textarea>"),
        "the text is kept: {page}"
    );

    let programme = std::fs::read_to_string(repo().join("examples/stack/programme.json")).unwrap();
    let body = format!(
        "form=ldp_vc&form=dc%2Bsd-jwt&programme={}",
        url::form_urlencoded::byte_serialize(programme.as_bytes()).collect::<String>()
    );
    let (status, headers, page) = post_form(&url, &body).await;
    assert_eq!(status, 303, "{page}");
    let location = headers["location"].to_str().unwrap().to_owned();
    let (id, _) = id_of(&location);
    let req = s.state.oid4vp_store().get(&id, s.state.now()).unwrap();
    assert!(matches!(
        req.purpose,
        verifier::oid4vp::store::RequestPurpose::Stack { .. }
    ));
    let sets = req.dcql_query["credential_sets"].as_array().unwrap();
    assert!(
        sets.len() >= 3,
        "one credential set per unit: {}",
        req.dcql_query
    );

    // The stack verdict, rendered from the stack report of the result.
    let stack = json!({
        "verdict": "does-not-stack", "stacks": false,
        "notice": "A recommendation, not a decision.",
        "programme": {"source": "specification", "id": "p", "title": "Data Literacy <i>"},
        "units": [
            {"title": "Statistics", "university": "wut", "status": "matched"},
            {"title": "Data Analysis", "university": "tudelft", "status": "missing", "problems": ["no credential"]}
        ],
        "missingObligatory": ["Data Analysis"], "problems": []
    });
    s.state.oid4vp_store().complete(
        &id,
        PresentationResult {
            verdict: Verdict::Invalid,
            credentials: vec![],
            stack: Some(stack),
            problems: vec![ResponseProblem {
                code: "dcql-mismatch".into(),
                message: "credential set 2: no credential presented".into(),
            }],
            completed_at: s.state.now(),
        },
    );
    let (status, _, page) = get(&format!("{}/{location}", s.url)).await;
    assert_eq!(status, 200);
    assert_accessible(&page);
    assert!(page.contains("data-stack-verdict=\"does-not-stack\""));
    assert!(page.contains("The units do not stack into the programme"));
    assert!(page.contains("Programme: Data Literacy &lt;i&gt;"));
    assert!(page.contains("<tr data-status=\"missing\"><td>Data Analysis</td>"));
    assert!(page.contains("Missing obligatory units: Data Analysis"));
    assert!(page.contains("<li data-code=\"dcql-mismatch\">"));
    assert!(page.contains("<h1 id=\"verdict\" data-verdict=\"invalid\">Not genuine</h1>"));
    s.task.abort();
}
