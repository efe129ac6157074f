//! Issue #18 item 1, single sign-on of console staff with OpenID Connect (Core 1.0 §3.1, PKCE
//! RFC 7636):
//! - ID token validation (Core §3.1.3.7) with tokens signed here (RS256 and ES256): signature
//!   against the JWKS, `iss`, `aud`/`azp`, `exp`/`iat` with the clock skew, `nonce`;
//! - the claim-to-role mapping, the signed state cookie, the `next` check, the settings' checks
//!   (http issuers only for tests, roles by name, secrets never in `Debug`) and env overrides;
//! - an identity provider at a private or loopback address is refused by the address check
//!   before any connection;
//! - ACCEPTANCE: a real OpenID Connect provider (`oidc-provider` from npm, tests/oidc/provider.mjs)
//!   on 127.0.0.1 and the issuer service with single sign-on for ETH (RS256, client_secret_basic)
//!   and RWTH (ES256, client_secret_post): the authorization code flow driven like a browser
//!   (redirects followed by hand, the provider's login form submitted) signs in; roles come from
//!   the `groups` claim (officers: issue and revoke, `/console/tokens` 403; admins: admin, 200); a
//!   user without a mapped group, a wrong `state` and a missing state cookie are refused.
//!
//! Needs `node` (>= 20) and `npm ci --prefix tests/oidc` (scripts/test.sh runs it): without them
//! the acceptance test FAILS, it is never skipped.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod support;

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead as _;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone as _, Utc};
use issuer::app::sso::{
    map_roles, seal, unseal, verify_id_token, IdTokenExpect, Pending, Secret, SsoConfig, SsoError,
    SsoUniversity, TokenAuth,
};
use issuer::domain::Role;
use proofs::keys::Algorithm;
use proofs::signer::{P256Signer, RsaSigner, Signer};
use serde_json::{json, Map, Value};

const IDP: &str = "https://idp.example";
const CLIENT: &str = "enhance-console";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

fn es256() -> P256Signer {
    let pem = std::fs::read_to_string(support::repo().join("testdata/oid4vci/holder-a-p256.pem"))
        .unwrap();
    P256Signer::from_pkcs8_pem("es-1", &pem).unwrap()
}

fn rs256() -> RsaSigner {
    let pem =
        std::fs::read_to_string(support::repo().join("keys.example/eth/seal.key.pem")).unwrap();
    RsaSigner::from_pkcs8_pem("rs-1", &pem, Algorithm::Rs256).unwrap()
}

/// The JWKS of `signers` (each key with its `kid`, `use: sig` and `alg`).
fn jwks(signers: &[&dyn Signer]) -> Value {
    let keys: Vec<Value> = signers
        .iter()
        .map(|s| {
            let mut jwk = proofs::jose::public_key_to_jwk(&s.public_key()).unwrap();
            jwk.insert("kid".into(), json!(s.key_id()));
            jwk.insert("use".into(), json!("sig"));
            jwk.insert("alg".into(), json!(s.algorithm().jose_name()));
            Value::Object(jwk)
        })
        .collect();
    json!({ "keys": keys })
}

/// Good claims at [`now`], changed by `edit`.
fn claims(edit: impl FnOnce(&mut Map<String, Value>)) -> Value {
    let t = now().timestamp();
    let mut c = json!({
        "iss": IDP, "sub": "u-42", "aud": CLIENT, "nonce": "n-1",
        "iat": t - 5, "exp": t + 300, "name": "Olga Officer",
        "groups": ["staff", "credential-officers"]
    });
    edit(c.as_object_mut().unwrap());
    c
}

fn sign(signer: &dyn Signer, claims: &Value) -> String {
    let mut header = Map::new();
    header.insert("kid".into(), json!(signer.key_id()));
    header.insert("typ".into(), json!("JWT"));
    proofs::jose::sign_compact(header, claims.to_string().as_bytes(), signer).unwrap()
}

fn expect() -> IdTokenExpect<'static> {
    IdTokenExpect {
        issuer: IDP,
        client_id: CLIENT,
        nonce: "n-1",
        now: now(),
        skew_secs: 60,
        max_age_secs: 600,
    }
}

/// The rule an `IdToken` error names (panics on success or another error).
fn refused(token: &str, keys: &Value) -> String {
    match verify_id_token(token, keys, &expect()) {
        Err(SsoError::IdToken(m)) => m,
        other => panic!("expected an ID token refusal, got {other:?}"),
    }
}

#[test]
fn id_tokens_are_verified_by_signature_issuer_audience_time_and_nonce() {
    let (es, rs) = (es256(), rs256());
    let keys = jwks(&[&rs, &es]);
    for signer in [&es as &dyn Signer, &rs] {
        let ok = verify_id_token(&sign(signer, &claims(|_| {})), &keys, &expect()).unwrap();
        assert_eq!(ok["sub"], "u-42", "{}", signer.algorithm().jose_name());
    }
    // Within the clock skew (60 s) either way; beyond it refused.
    let t = now().timestamp();
    let late = claims(|c| drop(c.insert("exp".into(), json!(t - 30))));
    assert!(verify_id_token(&sign(&es, &late), &keys, &expect()).is_ok());
    let expired = claims(|c| drop(c.insert("exp".into(), json!(t - 61))));
    assert!(refused(&sign(&es, &expired), &keys).contains("expired"));
    let future = claims(|c| drop(c.insert("iat".into(), json!(t + 61))));
    assert!(refused(&sign(&es, &future), &keys).contains("future"));
    let old = claims(|c| drop(c.insert("iat".into(), json!(t - 661))));
    assert!(refused(&sign(&es, &old), &keys).contains("too old"));
    // The nonce of another sign-in, another audience, another issuer.
    let nonce = claims(|c| drop(c.insert("nonce".into(), json!("n-2"))));
    assert!(refused(&sign(&es, &nonce), &keys).contains("nonce"));
    let no_nonce = claims(|c| drop(c.remove("nonce")));
    assert!(refused(&sign(&es, &no_nonce), &keys).contains("nonce"));
    let aud = claims(|c| drop(c.insert("aud".into(), json!("another-client"))));
    assert!(refused(&sign(&rs, &aud), &keys).contains("aud"));
    let many = claims(|c| drop(c.insert("aud".into(), json!([CLIENT, "other"]))));
    assert!(refused(&sign(&rs, &many), &keys).contains("azp"));
    let azp = claims(|c| {
        c.insert("aud".into(), json!([CLIENT, "other"]));
        c.insert("azp".into(), json!(CLIENT));
    });
    assert!(verify_id_token(&sign(&rs, &azp), &keys, &expect()).is_ok());
    let iss = claims(|c| drop(c.insert("iss".into(), json!("https://evil.example"))));
    assert!(refused(&sign(&es, &iss), &keys).contains("iss"));
    // A key that is not in the JWKS, a changed payload, alg none.
    let stranger = P256Signer::from_pkcs8_pem(
        "es-1",
        &std::fs::read_to_string(support::repo().join("testdata/oid4vci/holder-b-p256.pem"))
            .unwrap(),
    )
    .unwrap();
    assert!(refused(&sign(&stranger, &claims(|_| {})), &keys).starts_with("no key"));
    let good = sign(&es, &claims(|_| {}));
    let parts: Vec<&str> = good.split('.').collect();
    let admin = claims(|c| drop(c.insert("groups".into(), json!(["credential-admins"]))));
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        base64_url(admin.to_string().as_bytes()),
        parts[2]
    );
    assert!(refused(&forged, &keys).starts_with("no key"));
    let none = format!(
        "{}.{}.",
        base64_url(br#"{"alg":"none"}"#),
        base64_url(claims(|_| {}).to_string().as_bytes())
    );
    assert!(refused(&none, &keys).contains("none"));
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn university(roles: &[(&str, &[&str])]) -> SsoUniversity {
    SsoUniversity {
        issuer: IDP.into(),
        client_id: CLIENT.into(),
        client_secret: Secret("s3cret-value".into()),
        client_secret_file: None,
        token_auth: TokenAuth::ClientSecretBasic,
        scopes: vec!["openid".into(), "groups".into()],
        role_claim: "groups".into(),
        roles: roles
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.iter().map(|r| (*r).to_owned()).collect()))
            .collect(),
        display_name_claim: "name".into(),
    }
}

#[test]
fn claims_map_to_roles_and_nothing_else() {
    let u = university(&[
        ("credential-officers", &["issue", "revoke"]),
        ("credential-admins", &["admin"]),
    ]);
    let c = |v: Value| claims(|c| drop(c.insert("groups".into(), v)));
    let roles = |v: Value| map_roles(c(v).as_object().unwrap(), &u);
    assert_eq!(
        roles(json!(["staff", "credential-officers"])),
        [Role::Issue, Role::Revoke]
    );
    assert_eq!(roles(json!("credential-admins")), [Role::Admin]);
    assert_eq!(
        roles(json!(["credential-admins", "credential-officers"])),
        [Role::Issue, Role::Revoke, Role::Admin]
    );
    assert!(roles(json!(["students", "Credential-Officers"])).is_empty());
    assert!(roles(json!(42)).is_empty());
    // A dotted path reaches into an object (Keycloak's `realm_access.roles`).
    let mut nested = university(&[("officer", &["issue"])]);
    nested.role_claim = "realm_access.roles".into();
    let kc = claims(|c| drop(c.insert("realm_access".into(), json!({"roles": ["officer"]}))));
    assert_eq!(map_roles(kc.as_object().unwrap(), &nested), [Role::Issue]);
}

#[test]
fn the_state_cookie_is_signed_single_university_and_short_lived() {
    let p = Pending {
        university: "eth".into(),
        state: "s".into(),
        nonce: "n".into(),
        verifier: "v".into(),
        next: "/console/credentials".into(),
        lang: "de".into(),
        expires: now().timestamp() + 600,
    };
    let sealed = seal(b"key-1", &p);
    assert_eq!(unseal(b"key-1", &sealed, now()).unwrap(), p);
    let late = now() + chrono::Duration::seconds(601);
    assert!(
        matches!(unseal(b"key-1", &sealed, late), Err(SsoError::State(m)) if m.contains("too long"))
    );
    assert!(matches!(
        unseal(b"key-2", &sealed, now()),
        Err(SsoError::State(_))
    ));
    let (body, tag) = sealed.split_once('.').unwrap();
    let mut changed = p.clone();
    changed.next = "https://evil.example/".into();
    let other_body = seal(b"other", &changed);
    let forged = format!("{}.{tag}", other_body.split_once('.').unwrap().0);
    assert!(unseal(b"key-1", &forged, now()).is_err());
    assert!(unseal(b"key-1", body, now()).is_err());
}

#[test]
fn settings_are_checked_and_secrets_never_shown() {
    let mut c = SsoConfig::default();
    c.universities.insert(
        "eth".into(),
        university(&[("credential-officers", &["issue", "revoke"])]),
    );
    c.check().unwrap();
    let shown = format!("{c:?}");
    assert!(
        !shown.contains("s3cret-value") && shown.contains("***"),
        "{shown}"
    );
    // Env overrides (the secret from the environment).
    let env: HashMap<String, String> = [
        ("ENHANCE_ISSUER_SSO_ETH_CLIENT_SECRET", "from-env"),
        ("ENHANCE_ISSUER_SSO_ETH_CLIENT_ID", "console-2"),
        ("ENHANCE_ISSUER_SSO_TIMEOUT_SECS", "4"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let mut with_env = c.clone();
    with_env
        .apply_env(service_kit::config::Env::new(&env))
        .unwrap();
    let eth = &with_env.universities["eth"];
    assert_eq!(
        (eth.client_secret.0.as_str(), eth.client_id.as_str()),
        ("from-env", "console-2")
    );
    assert_eq!(with_env.timeout_secs, 4);
    // http issuers only for tests; roles by name; a mapping is required.
    let mut http = c.clone();
    http.universities.get_mut("eth").unwrap().issuer = "http://idp.example".into();
    let e = http.check().unwrap_err().to_string();
    assert!(e.contains("eth.issuer") && e.contains("https"), "{e}");
    http.allow_local_network = true;
    http.check().unwrap();
    let mut role = c.clone();
    role.universities
        .insert("rwth".into(), university(&[("x", &["superuser"])]));
    let e = role.check().unwrap_err().to_string();
    assert!(e.contains("rwth.roles.x") && e.contains("superuser"), "{e}");
    // The whole issuer config: TOML with an `[sso]` table.
    let toml = "[sso.universities.eth]\nissuer = \"https://login.ethz.ch\"\nclient_id = \"c\"\n\
                client_secret = \"x\"\nroles = { credential-officers = [\"issue\", \"revoke\"] }\n";
    let cfg = issuer::config::Config::from_toml_str(toml).unwrap();
    cfg.check().unwrap();
    assert_eq!(cfg.sso.universities["eth"].role_claim, "groups");
    assert!(issuer::config::Config::from_toml_str("[sso]\nunknown = 1\n").is_err());
}

/// A client without redirects or cookies: the test follows redirects and carries cookies itself,
/// as a browser would.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn sso_config(issuer: &str, secret: &str) -> SsoConfig {
    let mut c = SsoConfig {
        allow_local_network: true,
        timeout_secs: 10,
        ..SsoConfig::default()
    };
    let roles: BTreeMap<String, Vec<String>> = [
        ("credential-officers", vec!["issue", "revoke"]),
        ("credential-admins", vec!["admin"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(String::from).collect()))
    .collect();
    for (id, auth) in [
        ("eth", TokenAuth::ClientSecretBasic),
        ("rwth", TokenAuth::ClientSecretPost),
    ] {
        c.universities.insert(
            id.into(),
            SsoUniversity {
                issuer: issuer.into(),
                client_id: format!("{id}-console"),
                client_secret: Secret(secret.into()),
                client_secret_file: None,
                token_auth: auth,
                scopes: vec![
                    "openid".into(),
                    "profile".into(),
                    "email".into(),
                    "groups".into(),
                ],
                role_claim: "groups".into(),
                roles: roles.clone(),
                display_name_claim: "name".into(),
            },
        );
    }
    c
}

#[tokio::test]
async fn private_and_loopback_identity_providers_are_refused_before_connecting() {
    let dir = support::token_dir("issuer-sso-private", &[("eth", support::ETH)], &[]);
    let url = support::fresh_database(false, &dir.join("db/issuer.sqlite")).await;
    let mut config = support::config(&url, &dir.join("tokens.toml"));
    config.sso = sso_config("https://10.1.2.3", "x");
    config.sso.allow_local_network = false;
    config.sso.universities.get_mut("rwth").unwrap().issuer = "https://127.0.0.1:9".into();
    config.check().unwrap();
    let server = support::serve(config, dir).await;
    let base = format!("http://{}", server.0.addr);
    for (uni, addr) in [("eth", "10.1.2.3"), ("rwth", "127.0.0.1")] {
        let started = Instant::now();
        let res = client()
            .get(format!("{base}/console/sso/{uni}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 502, "{uni}");
        assert!(res.headers().get("set-cookie").is_none());
        let body = res.text().await.unwrap();
        assert!(body.contains("Identity provider unavailable"), "{body}");
        // The address check refuses the literal at once: no connection attempt, no timeout.
        assert!(started.elapsed() < Duration::from_secs(5), "{uni} {addr}");
    }
    let res = client()
        .get(format!("{base}/console/sso/tudelft"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    support::stop(server).await;
}

/// The OpenID Connect provider of tests/oidc/provider.mjs on 127.0.0.1; stopped when dropped.
struct Provider {
    child: std::process::Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_provider(clients: &Value) -> Provider {
    let dir = support::repo().join("tests/oidc");
    assert!(
        dir.join("node_modules/oidc-provider").is_dir(),
        "tests/oidc/node_modules is missing: run `npm ci --prefix tests/oidc` (scripts/test.sh does)"
    );
    let mut child = std::process::Command::new("node")
        .arg("provider.mjs")
        .arg(json!({ "clients": clients }).to_string())
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("`node` (>= 20) is needed for the SSO acceptance test");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = std::io::BufReader::new(stdout).lines();
        if let Some(Ok(line)) = lines.next() {
            let _ = tx.send(line);
        }
        for _ in lines {}
    });
    let line = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the OpenID provider did not start within 60 s");
    let v: Value = serde_json::from_str(&line).unwrap();
    Provider {
        child,
        issuer: v["issuer"].as_str().unwrap().to_owned(),
    }
}

/// `name=value` of every `Set-Cookie` of `res` into `jar` (an empty value deletes).
fn keep_cookies(jar: &mut BTreeMap<String, String>, res: &reqwest::Response) {
    for v in res.headers().get_all("set-cookie") {
        let first = v.to_str().unwrap().split(';').next().unwrap();
        let (k, val) = first.split_once('=').unwrap();
        if val.is_empty() {
            jar.remove(k.trim());
        } else {
            jar.insert(k.trim().to_owned(), val.to_owned());
        }
    }
}

fn cookie_header(jar: &BTreeMap<String, String>) -> String {
    jar.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn location(res: &reqwest::Response) -> String {
    assert!(
        res.status().is_redirection(),
        "expected a redirect from {}, got {}",
        res.url(),
        res.status()
    );
    res.headers()["location"].to_str().unwrap().to_owned()
}

/// One browser: our service at `base`, cookies per site.
struct Browser {
    base: String,
    ours: BTreeMap<String, String>,
    idp: BTreeMap<String, String>,
}

impl Browser {
    fn new(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            ours: BTreeMap::new(),
            idp: BTreeMap::new(),
        }
    }

    async fn get(&mut self, url: &str) -> reqwest::Response {
        let (url, jar) = match url.strip_prefix(support::BASE) {
            Some(path) => (format!("{}{path}", self.base), &mut self.ours),
            None if url.starts_with('/') => (format!("{}{url}", self.base), &mut self.ours),
            None => (url.to_owned(), &mut self.idp),
        };
        let res = client()
            .get(&url)
            .header("cookie", cookie_header(jar))
            .send()
            .await
            .unwrap();
        keep_cookies(jar, &res);
        res
    }

    /// From our start URL through the provider's login form (user `login`) to the redirect back
    /// to our callback; returns that callback URL (not yet opened).
    async fn through_provider(&mut self, university: &str, login: &str, next: &str) -> String {
        let res = self
            .get(&format!("/console/sso/{university}?next={next}&lang=en"))
            .await;
        let auth = location(&res);
        assert!(
            self.ours.keys().any(|k| k == "enhance-sso"),
            "{:?}",
            self.ours
        );
        assert!(
            auth.contains("code_challenge_method=S256") && auth.contains("nonce="),
            "{auth}"
        );
        let interaction = location(&self.get(&auth).await);
        let provider = auth.split("/auth").next().unwrap().to_owned();
        let page = self.get(&format!("{provider}{interaction}")).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        let action = html
            .split("action=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("the provider's login form")
            .replace("&amp;", "&");
        let action = if action.starts_with('/') {
            format!("{provider}{action}")
        } else {
            action
        };
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("prompt", "login")
            .append_pair("login", login)
            .append_pair("password", "any")
            .finish();
        let res = client()
            .post(&action)
            .header("cookie", cookie_header(&self.idp))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        keep_cookies(&mut self.idp, &res);
        let mut next = location(&res);
        // Resume the authorization (consent is pre-granted for staff) until it returns to us.
        for _ in 0..5 {
            if next.starts_with(support::BASE) {
                return next;
            }
            let url = if next.starts_with('/') {
                format!("{provider}{next}")
            } else {
                next.clone()
            };
            next = location(&self.get(&url).await);
        }
        panic!("the provider never redirected back to us (last: {next})");
    }
}

/// The issuer with single sign-on for ETH and RWTH at `provider`.
async fn issuer_with_sso(provider: &str) -> (issuer::server::RunningServer, std::path::PathBuf) {
    let dir = support::token_dir("issuer-sso", &[("eth", support::ETH)], &[]);
    let url = support::fresh_database(false, &dir.join("db/issuer.sqlite")).await;
    let mut config = support::config(&url, &dir.join("tokens.toml"));
    config.sso = sso_config(provider, "client-secret-of-the-test");
    config.check().unwrap();
    support::serve(config, dir).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_with_a_real_openid_provider_and_roles_from_groups() {
    let clients = json!([
        {"client_id": "eth-console", "client_secret": "client-secret-of-the-test",
         "redirect_uri": "http://issuer.test/console/sso/eth/callback", "alg": "RS256",
         "auth": "client_secret_basic"},
        {"client_id": "rwth-console", "client_secret": "client-secret-of-the-test",
         "redirect_uri": "http://issuer.test/console/sso/rwth/callback", "alg": "ES256",
         "auth": "client_secret_post"}
    ]);
    let provider = start_provider(&clients);
    let server = issuer_with_sso(&provider.issuer).await;
    let base = format!("http://{}", server.0.addr);

    // The sign-in page links to single sign-on for the configured universities only.
    let sign_in = client()
        .get(format!("{base}/console/sign-in?lang=en"))
        .send()
        .await
        .unwrap();
    let page = sign_in.text().await.unwrap();
    assert!(page.contains("Sign in with ETH Zurich SSO"), "{page}");
    assert!(
        page.contains("href=\"/console/sso/rwth?lang=en\""),
        "{page}"
    );
    assert!(!page.contains("/console/sso/tudelft"), "{page}");

    // An officer at ETH (RS256 ID token, client_secret_basic): signed in with issue + revoke.
    let mut officer = Browser::new(&base);
    let callback = officer
        .through_provider("eth", "officer", "/console/credentials%3Fq%3Dx")
        .await;
    assert!(
        callback.contains("state=") && callback.contains("code="),
        "{callback}"
    );
    let res = officer.get(&callback).await;
    // Back to the console page the sign-in started from.
    assert_eq!(
        location(&res),
        "/console/credentials?q=x",
        "{:?}",
        res.headers()
    );
    assert!(
        !officer.ours.contains_key("enhance-sso"),
        "the state cookie is single use"
    );
    let dashboard = officer.get("/console").await;
    assert_eq!(dashboard.status(), 200);
    // The name comes from the `name` claim (display_name_claim).
    assert!(dashboard.text().await.unwrap().contains("Olga Officer"));
    assert_eq!(officer.get("/console/tokens").await.status(), 403);

    // An admin at RWTH (ES256 ID token, client_secret_post): admin.
    let mut admin = Browser::new(&base);
    let callback = admin
        .through_provider("rwth", "admin", "https%3A%2F%2Fevil.example%2F")
        .await;
    let res = admin.get(&callback).await;
    // `next` outside the console (an open redirect) becomes the dashboard.
    assert_eq!(location(&res), "/console");
    assert_eq!(admin.get("/console/tokens").await.status(), 200);

    // A user whose groups map to no role: refused with a page saying so.
    let mut nobody = Browser::new(&base);
    let callback = nobody.through_provider("eth", "nobody", "/console").await;
    let res = nobody.get(&callback).await;
    assert_eq!(res.status(), 403);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("No access to the credentials console"),
        "{page}"
    );
    assert_eq!(
        location(&nobody.get("/console").await).split('?').next(),
        Some("/console/sign-in")
    );

    // A wrong state (another sign-in's, or forged): refused, no session.
    let mut forger = Browser::new(&base);
    let callback = forger.through_provider("eth", "officer", "/console").await;
    let forged = callback.replace("state=", "state=x");
    let res = forger.get(&forged).await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("Sign-in expired"));
    // ... and the state cookie is gone: the genuine callback is refused too (single use).
    assert_eq!(forger.get(&callback).await.status(), 400);

    // A callback without the state cookie (another browser): refused.
    let mut first = Browser::new(&base);
    let callback = first.through_provider("eth", "officer", "/console").await;
    let mut other = Browser::new(&base);
    assert_eq!(other.get(&callback).await.status(), 400);

    support::stop(server).await;
    drop(provider);
}
