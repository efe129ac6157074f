//! Staff sign-in of the console (issue #18 item 1), over real HTTP on 127.0.0.1 against the
//! service (the main flow on SQLite AND on PostgreSQL; the PostgreSQL variant needs
//! `ENHANCE_TEST_POSTGRES_URL` and FAILS without it):
//! - the session cookie is `HttpOnly; SameSite=Lax; Path=/console`; a sign-in POST without the
//!   pre-session token, or a sign-out without the session's CSRF token, is refused (403);
//! - the session id changes at sign-in (a planted or earlier id is useless), sign-out kills it;
//! - five wrong passwords lock the account, which then refuses the right password until the
//!   lockout (15 minutes on the test's clock) ends;
//! - an account with TOTP needs the RFC 6238 code (computed here from the secret), once;
//! - passwords are stored as Argon2id PHC strings;
//! - `issuer staff add` creates an admin who can sign in;
//! - another university's account id is 404 on the admin page; `?lang=` sticks to the session;
//! - on https the cookie is `__Host-enhance_console; Secure; Path=/`;
//! - the per-address sign-in rate limit answers 429; `GET /` in a browser leads to the console
//!   (other clients get the links to it and to the OpenAPI document).

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod support;

use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use issuer::app::staff::{NewStaffAccount, StaffConfig};
use issuer::config::Config;
use issuer::domain::Role;
use issuer::server::{Overrides, RunningServer};
use support::console_browser::{csrf_of, staff_account, Answer, Browser, PASSWORD};
use support::Db;

/// A clock the test moves.
struct TestClock(Mutex<DateTime<Utc>>);

impl verifier::Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// Opens the sign-in page and posts its form (coming back to `/console/staff`).
async fn sign_in(
    b: &mut Browser,
    university: &str,
    user: &str,
    password: &str,
    totp: &str,
) -> Answer {
    let form = b.get("/console/sign-in?next=/console/staff").await;
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = csrf_of(&form.body);
    let fields = [
        ("_csrf", csrf.as_str()),
        ("university", university),
        ("username", user),
        ("password", password),
        ("totp", totp),
        ("next", "/console/staff"),
    ];
    b.post("/console/sign-in", &fields).await
}

/// A started service on a fresh database with the test's clock, [`settings`] and `tune`.
async fn start(
    db: Db,
    name: &str,
    tune: impl FnOnce(&mut Config),
) -> (RunningServer, Arc<TestClock>, String) {
    let dir = support::token_dir(name, &[("eth", support::ETH)], &[]);
    let url = support::fresh_database(db.is_postgres(), &dir.join("issuer.sqlite")).await;
    let clock = Arc::new(TestClock(Mutex::new(Utc::now())));
    let mut config = support::config(&url, &dir.join("tokens.toml"));
    config.staff = settings();
    tune(&mut config);
    let overrides = Overrides {
        clock: Some(clock.clone()),
        ..Overrides::default()
    };
    let server = issuer::start(config, overrides).await.unwrap();
    (server, clock, url)
}

fn settings() -> StaffConfig {
    StaffConfig {
        sign_in_per_minute: 1000,
        ..StaffConfig::default()
    }
}

/// Creates `username` of `university` with the test password, `roles` and a TOTP secret; its
/// otpauth URI.
async fn totp_account(
    s: &RunningServer,
    university: &str,
    username: &str,
    roles: &[Role],
) -> String {
    let new = NewStaffAccount {
        university: university.into(),
        username: username.into(),
        display_name: username.into(),
        password: Some(PASSWORD.into()),
        roles: roles.to_vec(),
        totp: true,
        ..NewStaffAccount::default()
    };
    let created = s
        .app
        .create_staff_account(&new, "test", false)
        .await
        .unwrap();
    created.unwrap().otpauth_uri.unwrap()
}

async fn sign_in_flow(db: Db) {
    let (s, _, _) = start(db, "console-auth-flow", |_| {}).await;
    staff_account(&s.app, "eth", "coord", &[Role::Admin]).await;
    let mut b = Browser::new(&s.url());
    // Without a session: to the sign-in page, coming back afterwards.
    let r = b.get("/console/staff").await;
    assert_eq!(
        (r.status, r.location.as_str()),
        (303, "/console/sign-in?next=%2Fconsole%2Fstaff")
    );
    // The sign-in form without its pre-session token, or with another one: 403.
    let form = b.get("/console/sign-in").await;
    let pre = b.cookie("enhance_console_pre").expect("pre-session cookie");
    assert_eq!(csrf_of(&form.body), pre);
    let fields = [
        ("university", "eth"),
        ("username", "coord"),
        ("password", PASSWORD),
    ];
    assert_eq!(b.post("/console/sign-in", &fields).await.status, 403);
    let wrong = [
        ("_csrf", "A".repeat(pre.len())),
        ("university", "eth".into()),
        ("username", "coord".into()),
        ("password", PASSWORD.into()),
    ];
    let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(b.post("/console/sign-in", &wrong).await.status, 403);
    // A planted session id (fixation) is replaced at sign-in and never authenticates.
    b.set_cookie("enhance_console", "planted-by-an-attacker");
    let r = sign_in(&mut b, "eth", "coord", PASSWORD, "").await;
    assert_eq!(
        (r.status, r.location.as_str()),
        (303, "/console/staff"),
        "{}",
        r.body
    );
    let cookie = r
        .set_cookies
        .iter()
        .find(|c| c.starts_with("enhance_console="))
        .expect("session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/console"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain http test service: {cookie}"
    );
    let first = b.cookie("enhance_console").unwrap();
    assert_ne!(first, "planted-by-an-attacker");
    assert_eq!(first.len(), 43, "32 random bytes, base64url");
    let page = b.get("/console/staff").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("coord of eth") && page.body.contains("<html lang=\"en\""));
    let mut attacker = Browser::new(&s.url());
    attacker.set_cookie("enhance_console", "planted-by-an-attacker");
    assert_eq!(attacker.get("/console/staff").await.status, 303);
    // Signing in again gives another id; the earlier one is dead.
    let r = sign_in(&mut b, "eth", "coord", PASSWORD, "").await;
    assert_eq!(r.status, 303);
    let second = b.cookie("enhance_console").unwrap();
    assert_ne!(first, second);
    attacker.set_cookie("enhance_console", &first);
    assert_eq!(attacker.get("/console/staff").await.status, 303);
    // `?lang=` switches the session's language, which sticks.
    let page = b.get("/console/staff?lang=de").await;
    assert!(page.body.contains("<html lang=\"de\"") && page.body.contains("Mitarbeiterkonten"));
    let page = b.get("/console/staff").await;
    assert!(page.body.contains("<html lang=\"de\""));
    // Sign-out: refused without the session's CSRF token, then the id is dead.
    let csrf = csrf_of(&page.body);
    assert_eq!(b.post("/console/sign-out", &[]).await.status, 403);
    assert_eq!(
        b.post("/console/sign-out", &[("_csrf", "nope")])
            .await
            .status,
        403
    );
    let r = b.post("/console/sign-out", &[("_csrf", &csrf)]).await;
    assert_eq!(
        (r.status, r.location.as_str()),
        (303, "/console/sign-in?lang=de")
    );
    attacker.set_cookie("enhance_console", &second);
    assert_eq!(attacker.get("/console/staff").await.status, 303);
    // Passwords are Argon2id PHC strings.
    let stored = s
        .app
        .store()
        .staff_account_by_username("eth", "coord")
        .await
        .unwrap()
        .unwrap();
    assert!(stored.password_hash.unwrap().starts_with("$argon2id$v=19$"));
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_flow_sqlite() {
    sign_in_flow(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_flow_postgres() {
    sign_in_flow(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locked_account_stays_locked_until_the_lockout_ends() {
    let (s, clock, _) = start(Db::Sqlite, "console-auth-lockout", |_| {}).await;
    staff_account(&s.app, "eth", "locky", &[Role::Issue]).await;
    let mut b = Browser::new(&s.url());
    for i in 0..5 {
        let r = sign_in(&mut b, "eth", "locky", "wrong password guess", "").await;
        assert_eq!(r.status, 401, "attempt {i}");
        assert!(r.body.contains("Sign-in failed"), "{}", r.body);
    }
    // Locked: the right password is refused with the same generic answer as a wrong one.
    let refused = sign_in(&mut b, "eth", "locky", PASSWORD, "").await;
    assert_eq!(refused.status, 401);
    let unknown = sign_in(&mut b, "eth", "nobody", PASSWORD, "").await;
    assert_eq!(unknown.status, 401);
    let message = |s: &str| {
        s.split("role=\"alert\">")
            .nth(1)
            .unwrap()
            .split("</p>")
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        message(&refused.body),
        message(&unknown.body),
        "no account enumeration"
    );
    *clock.0.lock().unwrap() += Duration::minutes(14);
    assert_eq!(
        sign_in(&mut b, "eth", "locky", PASSWORD, "").await.status,
        401,
        "still locked at 14 min"
    );
    *clock.0.lock().unwrap() += Duration::minutes(2);
    let r = sign_in(&mut b, "eth", "locky", PASSWORD, "").await;
    assert_eq!(r.status, 303, "unlocked after 15 min: {}", r.body);
    s.shutdown().await.unwrap();
}

/// RFC 6238 TOTP (HMAC-SHA-1, 30 s, 6 digits) of the base32 `secret` at `t`, written here
/// independently of the service's code.
fn totp(secret: &str, t: i64) -> String {
    let mut bits = 0u64;
    let mut n = 0;
    let mut key = Vec::new();
    for c in secret.bytes() {
        let v = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
            .iter()
            .position(|x| *x == c)
            .unwrap() as u64;
        bits = (bits << 5) | v;
        n += 5;
        if n >= 8 {
            n -= 8;
            key.push((bits >> n) as u8);
        }
    }
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).unwrap();
    mac.update(&((t / 30) as u64).to_be_bytes());
    let d = mac.finalize().into_bytes();
    let o = (d[19] & 15) as usize;
    let v = u32::from_be_bytes([d[o] & 0x7f, d[o + 1], d[o + 2], d[o + 3]]) % 1_000_000;
    format!("{v:06}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn totp_is_required_when_the_account_has_it() {
    let (s, clock, _) = start(Db::Sqlite, "console-auth-totp", |_| {}).await;
    let uri = totp_account(&s, "eth", "twofactor", &[Role::Issue]).await;
    assert!(
        uri.starts_with("otpauth://totp/") && uri.contains("digits=6&period=30"),
        "{uri}"
    );
    let secret = uri
        .split("secret=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let now = clock.0.lock().unwrap().timestamp();
    let mut b = Browser::new(&s.url());
    assert_eq!(
        sign_in(&mut b, "eth", "twofactor", PASSWORD, "")
            .await
            .status,
        401,
        "code missing"
    );
    let wrong = format!(
        "{:06}",
        (totp(secret, now).parse::<u32>().unwrap() + 1) % 1_000_000
    );
    assert_eq!(
        sign_in(&mut b, "eth", "twofactor", PASSWORD, &wrong)
            .await
            .status,
        401,
        "wrong code"
    );
    assert_eq!(
        sign_in(
            &mut b,
            "eth",
            "twofactor",
            PASSWORD,
            &totp(secret, now - 300)
        )
        .await
        .status,
        401,
        "old code"
    );
    let r = sign_in(&mut b, "eth", "twofactor", PASSWORD, &totp(secret, now)).await;
    assert_eq!(r.status, 303, "right code: {}", r.body);
    // A code is accepted once (RFC 6238 §5.2): replayed, it is refused; the next step's works.
    let replay = sign_in(&mut b, "eth", "twofactor", PASSWORD, &totp(secret, now)).await;
    assert_eq!(replay.status, 401, "replayed code");
    *clock.0.lock().unwrap() += Duration::seconds(30);
    let r = sign_in(
        &mut b,
        "eth",
        "twofactor",
        PASSWORD,
        &totp(secret, now + 30),
    )
    .await;
    assert_eq!(r.status, 303, "next code: {}", r.body);
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_universities_accounts_are_not_found_and_admin_only() {
    let (s, _, _) = start(Db::Sqlite, "console-auth-tenancy", |_| {}).await;
    staff_account(&s.app, "eth", "ethadmin", &[Role::Admin]).await;
    staff_account(&s.app, "eth", "ethissuer", &[Role::Issue]).await;
    staff_account(&s.app, "rwth", "rwthadmin", &[Role::Admin]).await;
    let eth_id = s
        .app
        .store()
        .staff_account_by_username("eth", "ethissuer")
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut rwth = Browser::new(&s.url());
    assert_eq!(
        sign_in(&mut rwth, "rwth", "rwthadmin", PASSWORD, "")
            .await
            .status,
        303
    );
    let page = rwth.get("/console/staff").await;
    assert!(
        !page.body.contains("ethissuer"),
        "only RWTH's accounts are listed"
    );
    let csrf = csrf_of(&page.body);
    for action in ["unlock", "disable", "reset-totp"] {
        let r = rwth
            .post(
                &format!("/console/staff/{eth_id}"),
                &[("_csrf", &csrf), ("action", action)],
            )
            .await;
        assert_eq!(r.status, 404, "{action}");
    }
    let missing = rwth
        .post(
            "/console/staff/no-such-id",
            &[("_csrf", &csrf), ("action", "unlock")],
        )
        .await;
    assert_eq!(missing.status, 404);
    // ETH's issuer (no admin role) may not see the page; ETH's admin disables the account.
    let mut issuer = Browser::new(&s.url());
    assert_eq!(
        sign_in(&mut issuer, "eth", "ethissuer", PASSWORD, "")
            .await
            .status,
        303
    );
    assert_eq!(issuer.get("/console/staff").await.status, 403);
    let mut admin = Browser::new(&s.url());
    assert_eq!(
        sign_in(&mut admin, "eth", "ethadmin", PASSWORD, "")
            .await
            .status,
        303
    );
    let csrf = csrf_of(&admin.get("/console/staff").await.body);
    let r = admin
        .post(
            &format!("/console/staff/{eth_id}"),
            &[("_csrf", &csrf), ("action", "disable")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        issuer.get("/console/staff").await.status,
        303,
        "disabling ends the sessions"
    );
    assert_eq!(
        sign_in(&mut issuer, "eth", "ethissuer", PASSWORD, "")
            .await
            .status,
        401
    );
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_rate_limit_and_root_redirect() {
    let tune = |c: &mut Config| c.staff.sign_in_per_minute = 3;
    let (s, _, _) = start(Db::Sqlite, "console-auth-rate", tune).await;
    let mut b = Browser::new(&s.url());
    let statuses = [
        sign_in(&mut b, "eth", "nobody", PASSWORD, "").await.status,
        sign_in(&mut b, "eth", "nobody", PASSWORD, "").await.status,
        sign_in(&mut b, "eth", "nobody", PASSWORD, "").await.status,
        sign_in(&mut b, "eth", "nobody", PASSWORD, "").await.status,
    ];
    assert_eq!(statuses, [401, 401, 401, 429]);
    let r = b.get("/").await;
    assert_eq!((r.status, r.location.as_str()), (303, "/console"));
    let json = reqwest::Client::new()
        .get(format!("{}/", s.url()))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 200);
    let links: serde_json::Value = json.json().await.unwrap();
    assert_eq!(links["openapi"], "/openapi.json");
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_add_command_creates_an_admin_who_can_sign_in() {
    let dir = support::token_dir("console-auth-cli", &[("eth", support::ETH)], &[]);
    let db = dir.join("issuer.sqlite");
    let url = format!("sqlite://{}?mode=rwc", db.display());
    let repo = support::repo();
    let run = |args: &[&str], stdin: &str| {
        use std::io::Write as _;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_issuer"))
            .args(args)
            .env("ENHANCE_ISSUER_DATABASE_URL", &url)
            .env("ENHANCE_ISSUER_KEYS_DIR", repo.join("keys.example"))
            .env(
                "ENHANCE_ISSUER_UNIVERSITIES_FILE",
                repo.join("keys.example/universities.toml"),
            )
            .env("ENHANCE_ISSUER_TOKENS_FILE", dir.join("tokens.toml"))
            .env("ENHANCE_ISSUER_PUBLIC_BASE_URL", support::BASE)
            .env("FIRST_ADMIN_PASSWORD", PASSWORD)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let add = [
        "staff",
        "add",
        "--university",
        "eth",
        "--username",
        "first",
        "--display-name",
        "First Admin",
        "--roles",
        "admin,issue",
    ];
    let out = run(
        &[&add[..], &["--password-env", "FIRST_ADMIN_PASSWORD"]].concat(),
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(
        printed.contains("created staff account") && !printed.contains(PASSWORD),
        "{printed}"
    );
    // From standard input, with TOTP: the otpauth URI is printed once.
    let second = [
        "staff",
        "add",
        "--university",
        "eth",
        "--username",
        "second",
        "--display-name",
        "Second",
        "--roles",
        "revoke",
        "--totp",
    ];
    let out = run(&second, &format!("{PASSWORD}\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("otpauth://totp/"));
    // A taken username, a short password and an unknown role are refused (exit 2), naming why.
    let out = run(
        &[&add[..], &["--password-env", "FIRST_ADMIN_PASSWORD"]].concat(),
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("duplicate"));
    let third = |role: &'static str| {
        [
            "staff",
            "add",
            "--university",
            "eth",
            "--username",
            "third",
            "--display-name",
            "T",
            "--roles",
            role,
        ]
    };
    let out = run(&third("admin"), "short\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("password: 12 to 256 characters"));
    let out = run(&third("root"), "x\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown role `root`"));
    // The service on that database: the admin signs in and sees the admin page.
    let mut config = support::config(&url, &dir.join("tokens.toml"));
    config.staff = settings();
    let s = issuer::start(config, Overrides::default()).await.unwrap();
    let mut b = Browser::new(&s.url());
    let r = sign_in(&mut b, "eth", "first", PASSWORD, "").await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = b.get("/console/staff").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("First Admin") && page.body.contains("second"));
    s.shutdown().await.unwrap();
    assert!(Path::new(&db).exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_base_url_gives_a_host_prefixed_secure_cookie() {
    let https = |c: &mut Config| c.public_base_url = "https://issuer.test".into();
    let (s, _, _) = start(Db::Sqlite, "console-auth-https", https).await;
    staff_account(&s.app, "eth", "coord", &[Role::Issue]).await;
    let mut b = Browser::new(&s.url());
    let r = sign_in(&mut b, "eth", "coord", PASSWORD, "").await;
    assert_eq!(r.status, 303, "{}", r.body);
    let cookie = r
        .set_cookies
        .iter()
        .find(|c| c.starts_with("__Host-enhance_console="))
        .expect("__Host- session cookie");
    for attribute in ["Path=/;", "Secure", "HttpOnly", "SameSite=Lax"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert_eq!(
        b.get("/console/staff").await.status,
        403,
        "signed in, not an admin"
    );
    s.shutdown().await.unwrap();
}
