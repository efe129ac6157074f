//! Security acceptance of the staff console (issue #18 "Security tests"), over real HTTP on
//! 127.0.0.1 against the service, each case on SQLite AND on PostgreSQL (the PostgreSQL variants
//! need `ENHANCE_TEST_POSTGRES_URL`). Written from the URL contract of
//! `crates/issuer/src/http/console/mod.rs`, with a cookie jar of its own (no redirects followed):
//! - a form POST without the session's CSRF token (or with a wrong one) is refused with 403 on
//!   every console form, and nothing changes;
//! - a coordinator of another university gets 404 (the answer of a missing id, never 403 or 200)
//!   on every console URL that names this university's credential, cohort or specification;
//! - a locked-out account stays locked, even with the right password;
//! - the session id changes at sign-in (fixation), a planted id never authenticates, and a
//!   signed-out id is dead.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod support;

use std::path::PathBuf;
use std::time::Duration;

use issuer::domain::Role;
use issuer::server::RunningServer;
use serde_json::Value;
use service_kit::test_client::{post_json_parts, SendOrStop as _};
use support::console_browser::{csrf_of, enc, staff_account, Answer, Browser, PASSWORD};
use support::{eth_award, Db, ETH, RWTH};

/// The session cookie's name on http (crates/issuer/src/http/console/session.rs).
const SESSION_COOKIE: &str = "enhance_console";

/// POSTs `multipart/form-data` (text `fields` and the CSV `file`) with the session of `b`.
/// Its status and `Location`.
async fn post_multipart(
    base: &str,
    b: &Browser,
    fields: &[(&str, &str)],
    csv: &str,
) -> (u16, String) {
    let boundary = "----console-security-boundary-7d3f";
    let mut body = String::new();
    for (k, v) in fields {
        body.push_str(&format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"cohort.csv\"\r\ncontent-type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    ));
    let cookie = format!(
        "{SESSION_COOKIE}={}",
        b.cookie(SESSION_COOKIE).unwrap_or_default()
    );
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = no_redirects
        .post(format!("{base}/console/cohorts"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("cookie", cookie)
        .header("accept", "text/html")
        .header("origin", base)
        .body(body)
        .sent()
        .await;
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let status = res.status().as_u16();
    if status == 200 {
        // The form again: its error, for the test's message.
        let text = res.text().await.unwrap_or_default();
        return (status, text.split("<main").nth(1).unwrap_or("").to_owned());
    }
    (status, location)
}

/// Posts the sign-in form of `b` (its pre-session cookie and `_csrf`) with `password`.
async fn sign_in_answer(
    b: &mut Browser,
    university: &str,
    username: &str,
    password: &str,
) -> Answer {
    let csrf = csrf_of(&b.get("/console/sign-in").await.body);
    let fields = [
        ("university", university),
        ("username", username),
        ("password", password),
        ("_csrf", csrf.as_str()),
    ];
    b.post("/console/sign-in", &fields).await
}

struct Env {
    dir: PathBuf,
    server: RunningServer,
}

/// The service with staff accounts `coord` (ETH), `coord` (RWTH) and `locky` (ETH).
async fn started(db: Db) -> Env {
    let dir = support::token_dir("console-sec", &[("eth", ETH), ("rwth", RWTH)], &[]);
    let url = support::fresh_database(db.is_postgres(), &dir.join("db/issuer.sqlite")).await;
    let server = support::start_server(support::config(&url, &dir.join("tokens.toml"))).await;
    let roles = [Role::Issue, Role::Revoke];
    for (university, username) in [("eth", "coord"), ("rwth", "coord"), ("eth", "locky")] {
        staff_account(&server.app, university, username, &roles).await;
    }
    Env { dir, server }
}

/// ETH's objects: a credential (API), a specification (API) and an issued cohort (console).
struct Objects {
    credential: String,
    spec: String,
    cohort: String,
}

async fn eth_objects(s: &RunningServer, eth: &mut Browser) -> Objects {
    let base = s.url();
    let env_award = eth_award();
    let (status, body, _) = post_json_parts(&base, "/awards", Some(ETH), &env_award).await;
    assert_eq!(status, 201, "{body}");
    let credential = body["id"].as_str().unwrap().to_owned();
    let a = &env_award["award"];
    let spec = "prof-mc";
    let (status, body, _) = post_json_parts(
        &base,
        &format!("/specifications/{spec}"),
        Some(ETH),
        &a["learningOpportunity"],
    )
    .await;
    assert_eq!(status, 201, "{body}");
    // A cohort of two learners, uploaded and issued through the console.
    let q = |v: &Value| format!("\"{}\"", v.to_string().replace('"', "\"\""));
    let header = "kind,certificateProfile,awardingUniversity,learner.givenNames,learner.familyNames,learner.dateOfBirth,achievement:json,display:json,images.en";
    let row = |given: &str| {
        format!(
            "microCredential,professional,eth,{given},Muster,1990-01-01,{},{},{}",
            q(&a["achievement"]),
            q(&a["display"]),
            env_award["images"]["en"].as_str().unwrap()
        )
    };
    let csv = format!("{header}\r\n{}\r\n{}\r\n", row("Anna"), row("Ben"));
    let page = eth.get("/console/cohorts/new").await;
    assert_eq!(page.status, 200, "cohort upload form");
    let csrf = csrf_of(&page.body);
    let fields = [("_csrf", csrf.as_str()), ("specification", spec)];
    let (status, location) = post_multipart(&base, eth, &fields, &csv).await;
    assert_eq!(status, 303, "upload: {location}");
    let cohort = location
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let issue = eth
        .post(
            &format!("/console/cohorts/{cohort}/issue"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(issue.status, 303, "issue: {}", issue.body);
    let mut done = false;
    for _ in 0..600 {
        let p = eth
            .get(&format!("/console/cohorts/{cohort}/progress.json"))
            .await;
        let v: Value = serde_json::from_str(&p.body).unwrap_or(Value::Null);
        if v["state"] == "done" {
            assert_eq!(v["issued"], 2, "{v}");
            done = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(done, "the cohort finished issuing within 60 s");
    Objects {
        credential,
        spec: spec.to_owned(),
        cohort,
    }
}

/// The status shown on a credential's console page (`<dt>Status</dt><dd>...</dd>`).
fn status_on(page: &str) -> String {
    let at = page
        .find("<dt>Status</dt><dd>")
        .expect("a status on the page")
        + 19;
    page[at..].split("</dd>").next().unwrap().to_owned()
}

async fn csrf_is_required_on_every_form(db: Db) {
    let e = started(db).await;
    let base = e.server.url();
    let mut eth = Browser::signed_in(&base, "eth", "coord").await;
    let o = eth_objects(&e.server, &mut eth).await;
    let cred = enc(&o.credential);
    let before = eth.get(&format!("/console/credentials/{cred}")).await;
    assert_eq!(before.status, 200);
    let status_before = status_on(&before.body);
    let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/console/credentials/{cred}/status"),
            vec![("action", "revoke"), ("reason", "csrf probe")],
        ),
        (
            format!("/console/credentials/{cred}/status"),
            vec![("action", "suspend"), ("reason", "csrf probe")],
        ),
        (
            format!("/console/cohorts/{}", o.cohort),
            vec![("drop", "0")],
        ),
        (format!("/console/cohorts/{}/issue", o.cohort), vec![]),
        (
            format!("/console/credentials/{cred}/messages/resend"),
            vec![],
        ),
        (
            format!("/console/credentials/{cred}/messages/address"),
            vec![("email", "attacker@example.org")],
        ),
        (
            "/console/specifications".to_owned(),
            vec![("id", "csrf-probe"), ("title_en", "CSRF probe")],
        ),
        (
            format!("/console/specifications/{}", o.spec),
            vec![("title_en", "CSRF probe")],
        ),
        ("/console/sign-out".to_owned(), vec![]),
    ];
    for (path, fields) in &forms {
        for token in [None, Some(""), Some("not-the-token")] {
            let mut f = fields.clone();
            if let Some(t) = token {
                f.push(("_csrf", t));
            }
            let res = eth.post(path, &f).await;
            assert_eq!(
                res.status, 403,
                "POST {path} with _csrf {token:?}: {}",
                res.body
            );
        }
    }
    let (status, _) = post_multipart(&base, &eth, &[("specification", &o.spec)], "a,b\r\n").await;
    assert_eq!(status, 403, "multipart upload without _csrf");
    // Nothing changed: still signed in, the credential's status unchanged.
    let after = eth.get(&format!("/console/credentials/{cred}")).await;
    assert_eq!(
        after.status, 200,
        "still signed in (sign-out without token refused)"
    );
    assert_eq!(status_on(&after.body), status_before);
    let probe = eth.get("/console/specifications/csrf-probe").await;
    assert_eq!(probe.status, 404, "no specification was created");
    // The sign-in form needs its page's token too (login CSRF).
    let mut fresh = Browser::new(&base);
    fresh.get("/console/sign-in").await;
    let res = fresh
        .post(
            "/console/sign-in",
            &[
                ("university", "eth"),
                ("username", "coord"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, 403, "sign-in without _csrf: {}", res.body);
    e.server.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(e.dir);
}

async fn another_university_gets_404_everywhere(db: Db) {
    let e = started(db).await;
    let base = e.server.url();
    let mut eth = Browser::signed_in(&base, "eth", "coord").await;
    let o = eth_objects(&e.server, &mut eth).await;
    let mut rwth = Browser::signed_in(&base, "rwth", "coord").await;
    let rwth_csrf = csrf_of(&rwth.get("/console").await.body);
    let (cred, cohort, spec) = (enc(&o.credential), enc(&o.cohort), enc(&o.spec));
    let gets = [
        format!("/console/credentials/{cred}"),
        format!("/console/credentials/{cred}/download?format=jsonld"),
        format!("/console/credentials/{cred}/status?action=revoke"),
        format!("/console/credentials/{cred}/status?action=suspend"),
        format!("/console/credentials/{cred}/messages"),
        format!("/console/cohorts/{cohort}"),
        format!("/console/cohorts/{cohort}/progress"),
        format!("/console/cohorts/{cohort}/progress.json"),
        format!("/console/cohorts/{cohort}/result"),
        format!("/console/cohorts/{cohort}/pdfs.zip"),
        format!("/console/specifications/{spec}"),
        format!("/console/specifications/{spec}/versions"),
        format!("/console/specifications/{spec}/preview"),
    ];
    let missing_404 = rwth.get("/console/credentials/urn%3Auuid%3Amissing").await;
    assert_eq!(missing_404.status, 404);
    for path in &gets {
        let mine = eth.get(path).await;
        // A finished cohort's progress page sends its own university on to the result.
        // (The preview of this professional specification answers 400: see
        // `specification_preview_of_a_stored_specification`; the route exists, it is not 404.)
        let own_ok = mine.status == 200
            || (path.ends_with("/progress") && mine.status == 303)
            || (path.ends_with("/preview") && mine.status == 400);
        assert!(own_ok, "ETH's own {path}: {} {}", mine.status, mine.body);
        let theirs = rwth.get(path).await;
        assert_eq!(theirs.status, 404, "RWTH on {path}: {}", theirs.body);
        assert!(
            !theirs.body.contains("Muster"),
            "RWTH on {path}: no learner data"
        );
    }
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/console/credentials/{cred}/status"),
            vec![("action", "revoke"), ("reason", "cross-tenant probe")],
        ),
        (format!("/console/cohorts/{cohort}"), vec![("drop", "0")]),
        (format!("/console/cohorts/{cohort}/issue"), vec![]),
        (
            format!("/console/credentials/{cred}/messages/resend"),
            vec![],
        ),
        (
            format!("/console/credentials/{cred}/messages/address"),
            vec![("email", "probe@example.org")],
        ),
        (
            format!("/console/specifications/{spec}"),
            vec![("title_en", "cross-tenant probe")],
        ),
    ];
    for (path, fields) in &posts {
        let mut f = fields.clone();
        f.push(("_csrf", &rwth_csrf));
        let res = rwth.post(path, &f).await;
        assert_eq!(res.status, 404, "RWTH POST {path}: {}", res.body);
    }
    // The credential is untouched.
    let detail = eth.get(&format!("/console/credentials/{cred}")).await;
    assert!(!status_on(&detail.body).to_lowercase().contains("revoked"));
    e.server.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(e.dir);
}

async fn locked_out_account_stays_locked(db: Db) {
    let e = started(db).await;
    let base = e.server.url();
    Browser::signed_in(&base, "eth", "locky").await; // the account works
    let mut b = Browser::new(&base);
    for i in 0..8 {
        let wrong = format!("wrong password number {i}");
        let res = sign_in_answer(&mut b, "eth", "locky", &wrong).await;
        assert!(
            (400..500).contains(&res.status),
            "wrong password {i}: {}",
            res.status
        );
    }
    for _ in 0..2 {
        let mut fresh = Browser::new(&base);
        let res = sign_in_answer(&mut fresh, "eth", "locky", PASSWORD).await;
        assert_ne!(res.status, 303, "locked: the right password is refused");
        assert_eq!(fresh.get("/console").await.status, 303, "no session");
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    // The other account of the university is not affected.
    Browser::signed_in(&base, "eth", "coord").await;
    e.server.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(e.dir);
}

async fn session_id_changes_at_sign_in(db: Db) {
    let e = started(db).await;
    let base = e.server.url();
    // An attacker plants a session id of their choosing under the session cookie's name.
    let mut b = Browser::new(&base);
    let planted = "attacker-chosen-session-id-0123456789abcdef";
    b.set_cookie(SESSION_COOKIE, planted);
    let res = sign_in_answer(&mut b, "eth", "coord", PASSWORD).await;
    assert_eq!(res.status, 303, "sign-in with a planted id: {}", res.body);
    let set = res
        .set_cookies
        .iter()
        .find(|c| c.starts_with(&format!("{SESSION_COOKIE}=")))
        .expect("the sign-in sets the session cookie");
    let lower = set.to_ascii_lowercase();
    assert!(lower.contains("httponly"), "{set}");
    assert!(
        lower.contains("samesite=lax") || lower.contains("samesite=strict"),
        "{set}"
    );
    let id = b.cookie(SESSION_COOKIE).unwrap();
    assert_ne!(id, planted, "a new session id at sign-in");
    let mut attacker = Browser::new(&base);
    attacker.set_cookie(SESSION_COOKIE, planted);
    assert_eq!(
        attacker.get("/console").await.status,
        303,
        "the planted id is not signed in"
    );
    // A second sign-in in the same browser replaces the session: the first id is dead.
    let res = sign_in_answer(&mut b, "eth", "coord", PASSWORD).await;
    assert_eq!(res.status, 303);
    let second = b.cookie(SESSION_COOKIE).unwrap();
    assert_ne!(second, id, "a new id at every sign-in");
    let mut old = Browser::new(&base);
    old.set_cookie(SESSION_COOKIE, &id);
    assert_eq!(
        old.get("/console").await.status,
        303,
        "the replaced id is dead"
    );
    // Sign-out ends the session for good.
    let csrf = csrf_of(&b.get("/console").await.body);
    assert_eq!(
        b.post("/console/sign-out", &[("_csrf", &csrf)])
            .await
            .status,
        303
    );
    let mut replay = Browser::new(&base);
    replay.set_cookie(SESSION_COOKIE, &second);
    assert_eq!(
        replay.get("/console").await.status,
        303,
        "a signed-out id is dead"
    );
    e.server.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(e.dir);
}

/// A specification stored through the API (ETH's professional micro-credential, workload in
/// CEU and hours) can be previewed in the console: the preview must not refuse a specification
/// the service accepts for issuing.
async fn specification_preview_of_a_stored_specification(db: Db) {
    let e = started(db).await;
    let base = e.server.url();
    let env_award = eth_award();
    let spec = &env_award["award"]["learningOpportunity"];
    let (status, body, _) =
        post_json_parts(&base, "/specifications/prof-mc", Some(ETH), spec).await;
    assert_eq!(status, 201, "{body}");
    let mut eth = Browser::signed_in(&base, "eth", "coord").await;
    let res = eth.get("/console/specifications/prof-mc/preview").await;
    let detail = res.body.split("<main").nth(1).unwrap_or("").to_owned();
    assert_eq!(res.status, 200, "preview of prof-mc: {detail}");
    e.server.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(e.dir);
}

support::both_backends!(
    specification_preview_of_a_stored_specification,
    csrf_is_required_on_every_form,
    another_university_gets_404_everywhere,
    locked_out_account_stays_locked,
    session_id_changes_at_sign_in,
);
