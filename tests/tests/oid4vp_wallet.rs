//! Issue #17 acceptance 1, "an independent wallet presents": the real issuer service and the real
//! verification service (both in-process on 127.0.0.1; the verifier's public URL is
//! `http://localhost:<port>`, the DNS name of its demo client certificate) and a headless wallet
//! that is not this project's code, `interop/wallet/`:
//!
//! - `wallet.mjs receive` gets the credentials over OpenID4VCI 1.0 (OWF `@openid4vc/openid4vci`,
//!   issue #16) into its store;
//! - `present.mjs` answers the verifier's OpenID4VP 1.0 request: OWF `@openid4vc/openid4vp` fetches
//!   the signed request object (JAR) by `request_uri`, checks its `x5c` chain up to the demo CA and
//!   the `x509_san_dns:localhost` client identifier, OWF `dcql` evaluates the DCQL query over the
//!   store, `@sd-jwt/sd-jwt-vc` makes the SD-JWT VC presentation with a Key Binding JWT and the
//!   reference Data Integrity stack (`@digitalbazaar/vc`, `interop/js`) signs the `ldp_vp`; the
//!   library posts the `vp_token` (`direct_post`, or an encrypted `direct_post.jwt`).
//!
//! The verdict is read from the relying-party API (`GET /oid4vp/requests/{id}/result`):
//!
//! - an SD-JWT VC with key binding → valid, with exactly the requested claims disclosed;
//! - a Data Integrity VP of the ENHANCE EDC → valid (also encrypted, `direct_post.jwt`);
//! - the EDC as a VC-JWT (`jwt_vc_json`) in a `jwt_vp_json` VP JWT signed with `jose` by the
//!   wallet's did:jwk → valid;
//! - the unit credentials of a programme (examples/stack/, three universities) for a
//!   stackability request → the stack verdict `stacks`;
//! - negatives made by the JS wallet, each with its own problem code: a tampered disclosure
//!   (`tampered-disclosure`; in an `ldp_vp`, a changed EDC claim: `credential-tampered`), a wrong
//!   nonce (`wrong-nonce`), a wrong audience (`wrong-audience`) and, after
//!   `POST /credentials/status`, a revoked credential (`credential-revoked`); the same request
//!   answered twice is refused (`replayed-response`, HTTP 400).
//!   The verifier's own tests (crates/verifier/tests/oid4vp_response.rs) cover every negative in
//!   Rust.
//!
//! Needs `node` (>= 20), `npm ci --prefix interop/wallet` and `npm ci --prefix interop/js`;
//! without them the tests FAIL, saying so.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;
#[path = "common/wallet.rs"]
mod wallet;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{award_with_images, demo_tokens, free_port, repo};
use issuer::server::RunningServer;
use serde_json::{json, Value};
use verifier::service::config::ClientIdPrefix;
use verifier::service::{RunningService, ServiceConfig};
use verifier::TrustRegistry;

/// The credential configurations of every university's credential issuer (issue #16).
const LDP_VC: &str = "enhance_edc_ldp_vc";
const SD_JWT_VC: &str = "eu.europa.ec.eudi.learning_credential_sd_jwt";

/// Fails (never skips) when the wallet or the reference JS stack it calls is not installed.
fn require_wallet() {
    wallet::require(&[
        "@openid4vc/openid4vci",
        "@openid4vc/openid4vp",
        "dcql",
        "@sd-jwt/sd-jwt-vc",
    ]);
}

/// The issuer and the verifier on loopback; the wallet's store under `dir/wallet`.
struct World {
    dir: PathBuf,
    issuer: RunningServer,
    verifier: RunningService,
    /// `http://localhost:<port>`: the verifier's public URL (`x509_san_dns:localhost`).
    verifier_url: String,
    http: reqwest::Client,
}

impl World {
    async fn start(name: &str) -> Self {
        let dir = wallet::temp_dir("oid4vp-wallet", name);
        std::fs::create_dir_all(&dir).unwrap();
        let mut config = common::issuer_config(&dir, free_port());
        // The wallet's many requests are one client's, not an attack.
        config.limits.public_rate_limit.exempt = vec![[127, 0, 0, 1].into()];
        let issuer = common::start_issuer(config).await;
        let registry =
            TrustRegistry::from_key_store(&repo().join("keys.example"), &issuer.url()).unwrap();
        let port = free_port();
        let verifier_url = format!("http://localhost:{port}");
        let mut vconfig = ServiceConfig {
            bind: format!("127.0.0.1:{port}").parse().unwrap(),
            public_url: verifier_url.clone(),
            allow_local_network: true,
            status_list_ttl_secs: 0,
            ..ServiceConfig::default()
        };
        // The test polls the result URL; the wallet and the test are one loopback client.
        vconfig.rate_limit.exempt = vec![[127, 0, 0, 1].into()];
        // Signed request objects: the demo client certificate (SAN DNS:localhost) of
        // keys.example/verifier/, issued by the demo CA the wallet is given (--trust-ca).
        let keys = repo().join("keys.example/verifier");
        vconfig.oid4vp.client_id_prefix = ClientIdPrefix::X509SanDns;
        vconfig.oid4vp.client_key_file = Some(keys.join("client.key.pem"));
        vconfig.oid4vp.client_chain_file = Some(keys.join("client.chain.pem"));
        let verifier = common::start_verifier(vconfig, registry).await;
        Self {
            dir,
            issuer,
            verifier,
            verifier_url,
            http: reqwest::Client::new(),
        }
    }

    async fn stop(self) {
        self.verifier.shutdown().await.unwrap();
        self.issuer.shutdown().await.unwrap();
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    fn store(&self) -> PathBuf {
        self.dir.join("wallet")
    }

    /// `POST /awards` as `university` with `body` (`{"award", "images"}`): the credential's id.
    async fn award(&self, university: &str, body: Value) -> String {
        wallet::award(&self.issuer.url(), &demo_tokens()[university], body).await
    }

    /// The wallet receives `credential_id` over OpenID4VCI into `wallet/<name>` (with the
    /// holder key `holder` when given): the wallet's report.
    async fn receive(
        &self,
        university: &str,
        credential_id: &str,
        name: &str,
        holder: Option<&Value>,
    ) -> Value {
        let token = &demo_tokens()[university];
        let (link, pin) = wallet::offer(&self.issuer.url(), token, credential_id).await;
        let mut request = json!({
            "mode": "receive", "offer": link, "txCode": pin,
            "trustAnchors": [wallet::ca_pem()], "storage": self.store().join(name),
        });
        if let Some(h) = holder {
            request["holder"] = h.clone();
        }
        let received = receive_into_store(request).await;
        for id in [LDP_VC, SD_JWT_VC] {
            assert!(
                received["credentials"][id]["error"].is_null(),
                "{id}: {}",
                received["credentials"][id]
            );
        }
        received
    }

    /// `POST /oid4vp/requests` with `body`: `(id, deep link)`.
    async fn request(&self, body: Value) -> (String, String) {
        let res = self
            .http
            .post(format!("{}/oid4vp/requests", self.verifier.url()))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let v: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "{v}");
        let link = v["deep_link"].as_str().unwrap().to_owned();
        assert!(link.starts_with("openid4vp://?"), "{link}");
        assert!(
            link.contains("client_id=x509_san_dns%3Alocalhost"),
            "{link}"
        );
        let request_uri = format!("request_uri={}", urlencode(&self.verifier_url));
        assert!(link.contains(&request_uri), "{link}");
        (v["id"].as_str().unwrap().to_owned(), link)
    }

    /// `GET /oid4vp/requests/{id}/result` until it is no longer pending (202): the result.
    async fn result(&self, id: &str) -> Value {
        let url = format!("{}/oid4vp/requests/{id}/result", self.verifier.url());
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let res = self.http.get(&url).send().await.unwrap();
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap();
            if status == 200 {
                return body;
            }
            assert_eq!(status, 202, "{body}");
            assert!(Instant::now() < deadline, "no result after 60 s: {body}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Creates a request with `body`, lets the wallet answer it (`args`: extra present.mjs
    /// arguments) and returns `(what present.mjs printed, the verifier's result)`.
    async fn ask(&self, body: Value, args: &[&str]) -> (Value, Value) {
        let (sent, result, _) = self.ask_keeping_link(body, args).await;
        (sent, result)
    }

    /// [`Self::ask`], also returning the request's deep link.
    async fn ask_keeping_link(&self, body: Value, args: &[&str]) -> (Value, Value, String) {
        let (id, link) = self.request(body).await;
        let sent = present(&link, &self.store(), args).await;
        assert_eq!(sent["status"], 200, "the response endpoint: {sent}");
        assert_eq!(sent["prefix"], "x509_san_dns", "{sent}");
        (sent, self.result(&id).await, link)
    }
}

/// `s` percent-encoded as a query value (`:` and `/` are all a URL base needs here).
fn urlencode(s: &str) -> String {
    s.replace(':', "%3A").replace('/', "%2F")
}

/// Runs `node interop/wallet/wallet.mjs` with `request` on stdin; its JSON output.
async fn receive_into_store(request: Value) -> Value {
    require_wallet();
    wallet::run("wallet.mjs", Vec::new(), request.to_string().into_bytes()).await
}

/// Runs `node interop/wallet/present.mjs --request <link> --store <store> --trust-ca <demo CA>
/// <args>`; its JSON output (it must exit 0: the response was sent).
async fn present(link: &str, store: &Path, args: &[&str]) -> Value {
    require_wallet();
    let mut argv: Vec<String> = vec![
        "--request".into(),
        link.into(),
        "--store".into(),
        store.display().to_string(),
        "--trust-ca".into(),
        wallet::ca_path().display().to_string(),
    ];
    argv.extend(args.iter().map(|a| (*a).to_owned()));
    wallet::run("present.mjs", argv, Vec::new()).await
}

/// The problem codes of a result: the response's and each credential report's failed checks.
fn problem_codes(result: &Value) -> Vec<String> {
    result["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect()
}

/// The one presented credential of a result (asserting there is one, of `format`).
fn only_credential<'a>(result: &'a Value, format: &str) -> &'a Value {
    let list = result["credentials"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{result}");
    assert_eq!(list[0]["format"], format, "{result}");
    &list[0]
}

/// Asserts a negative: verdict invalid, `code` among the problems, and none of the codes of the
/// other faults (each fault has its own reason).
fn assert_refused_for(result: &Value, code: &str) {
    assert_eq!(result["verdict"], "invalid", "{code}: {result}");
    let codes = problem_codes(result);
    assert!(
        codes.iter().any(|c| c == code),
        "{code}: {codes:?} {result}"
    );
    for other in [
        "wrong-nonce",
        "wrong-audience",
        "tampered-disclosure",
        "credential-tampered",
        "credential-revoked",
    ] {
        if other != code {
            assert!(!codes.iter().any(|c| c == other), "{code}: {codes:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_independent_wallet_presents_sd_jwt_and_data_integrity_then_each_fault_is_named() {
    let w = World::start("present").await;
    let started = Instant::now();
    let id = w
        .award(
            "eth",
            award_with_images("micro-credential-professional.json"),
        )
        .await;
    w.receive("eth", &id, "eth", None).await;
    let received_ms = started.elapsed().as_millis();

    // 1. The SD-JWT VC with key binding, two claims asked: valid, exactly those disclosed.
    let t = Instant::now();
    let claims = json!(["achievement_title", "issuing_authority"]);
    let (sent, result, link) = w
        .ask_keeping_link(json!({"forms": ["dc+sd-jwt"], "claims": claims}), &[])
        .await;
    assert_eq!(sent["responseMode"], "direct_post", "{sent}");
    assert_eq!(result["verdict"], "valid", "{result}");
    assert!(problem_codes(&result).is_empty(), "{result}");
    let sd = only_credential(&result, "dc+sd-jwt");
    assert_eq!(sd["report"]["verdict"], "valid", "{sd}");
    let disclosed = sd["report"]["disclosed"].as_object().unwrap();
    for name in ["achievement_title", "issuing_authority"] {
        assert!(disclosed.contains_key(name), "{name}: {disclosed:?}");
    }
    // Not asked, not disclosed (selective disclosure by the wallet's DCQL evaluation).
    for name in ["family_name", "given_name", "birth_date"] {
        assert!(!disclosed.contains_key(name), "{name}: {disclosed:?}");
    }
    let sd_ms = t.elapsed().as_millis();
    // The wallet answers the same request again: refused, the request is single use (§14.1).
    let again = present(&link, &w.store(), &[]).await;
    assert_eq!(again["status"], 400, "{again}");
    assert_eq!(again["body"]["code"], "replayed-response", "{again}");

    // 2. The Data Integrity VP of the ENHANCE EDC: valid; again, encrypted (direct_post.jwt).
    let t = Instant::now();
    let (_, result) = w.ask(json!({"forms": ["ldp_vc"]}), &[]).await;
    assert_eq!(result["verdict"], "valid", "{result}");
    let ldp = only_credential(&result, "ldp_vc");
    assert_eq!(ldp["report"]["verdict"], "valid", "{ldp}");
    let ldp_ms = t.elapsed().as_millis();
    let (sent, result) = w
        .ask(
            json!({"forms": ["ldp_vc"], "response_mode": "direct_post.jwt"}),
            &[],
        )
        .await;
    assert_eq!(sent["responseMode"], "direct_post.jwt", "{sent}");
    assert_eq!(result["verdict"], "valid", "{result}");
    // The EDC as a VC-JWT in the wallet's jwt_vp_json VP JWT (its did:jwk, nonce, aud): valid.
    let t = Instant::now();
    let (_, result) = w.ask(json!({"forms": ["jwt_vc_json"]}), &[]).await;
    assert_eq!(result["verdict"], "valid", "{result}");
    let jwt = only_credential(&result, "jwt_vc_json");
    assert_eq!(jwt["report"]["verdict"], "valid", "{jwt}");
    let jwt_ms = t.elapsed().as_millis();

    // 3. Faults the JS wallet makes, each with its own reason.
    let sd_request = json!({"forms": ["dc+sd-jwt"]});
    let (_, result) = w.ask(sd_request.clone(), &["--tamper", "disclosure"]).await;
    assert_refused_for(&result, "tampered-disclosure");
    let (_, result) = w.ask(sd_request.clone(), &["--tamper", "nonce"]).await;
    assert_refused_for(&result, "wrong-nonce");
    let (_, result) = w.ask(sd_request.clone(), &["--tamper", "aud"]).await;
    assert_refused_for(&result, "wrong-audience");
    let ldp_request = json!({"forms": ["ldp_vc"]});
    let (_, result) = w.ask(ldp_request.clone(), &["--tamper", "nonce"]).await;
    assert_refused_for(&result, "wrong-nonce");
    // In the EDC of the ldp_vp a claim changed: the issuer's proof fails.
    let (_, result) = w.ask(ldp_request, &["--tamper", "disclosure"]).await;
    assert_refused_for(&result, "credential-tampered");

    // 4. Revoked through the issuer's API: the three forms say so.
    let res = w
        .http
        .post(format!("{}/credentials/status", w.issuer.url()))
        .bearer_auth(&demo_tokens()["eth"])
        .json(&json!({"credentialId": id, "credentialStatus": [
            {"type": "BitstringStatusListCredential", "status": "revoked"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    for form in ["dc+sd-jwt", "ldp_vc", "jwt_vc_json"] {
        let (_, result) = w.ask(json!({"forms": [form]}), &[]).await;
        assert_refused_for(&result, "credential-revoked");
    }
    println!(
        "oid4vp wallet e2e: receive {received_ms} ms, SD-JWT VC request -> verdict {sd_ms} ms, \
         ldp_vp request -> verdict {ldp_ms} ms, jwt_vp_json request -> verdict {jwt_ms} ms, \
         whole test {} ms",
        started.elapsed().as_millis()
    );
    w.stop().await;
}

/// A unit award of examples/stack/ as a request envelope with its display images.
fn unit_award(file: &str) -> Value {
    let dir = repo().join("examples/stack");
    let award: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap();
    let images = common::images_base64(&award, &dir);
    json!({"award": award, "images": images})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_independent_wallet_presents_three_unit_credentials_for_a_stackability_request() {
    let w = World::start("stack").await;
    let started = Instant::now();
    // One learner's wallet (one holder key) receives the units of three universities.
    let mut holder: Option<Value> = None;
    for (university, file) in [
        ("tudelft", "unit-tudelft-data-analysis.json"),
        ("wut", "unit-wut-statistics.json"),
        ("eth", "unit-eth-machine-learning.json"),
    ] {
        let id = w.award(university, unit_award(file)).await;
        w.receive(university, &id, university, holder.as_ref())
            .await;
        if holder.is_none() {
            let state =
                std::fs::read_to_string(w.store().join(university).join("wallet-state.json"))
                    .unwrap();
            holder = Some(serde_json::from_str::<Value>(&state).unwrap()["holder"].clone());
        }
    }
    let programme: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("examples/stack/programme.json")).unwrap(),
    )
    .unwrap();
    let (sent, result) = w
        .ask(json!({"forms": ["ldp_vc"], "programme": programme}), &[])
        .await;
    // One presentation per unit the wallet holds (the elective of Politecnico di Milano is not).
    let presented = sent["presented"].as_object().unwrap();
    assert_eq!(presented.len(), 3, "{sent}");
    assert_eq!(
        result["credentials"].as_array().unwrap().len(),
        3,
        "{result}"
    );
    for c in result["credentials"].as_array().unwrap() {
        assert_eq!(c["report"]["verdict"], "valid", "{c}");
    }
    let stack = &result["stack"];
    assert_eq!(stack["verdict"], "stacks", "{stack}");
    assert_eq!(stack["learner"]["sameLearner"], true, "{stack}");
    let matched: Vec<&str> = stack["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["status"] == "matched")
        .map(|u| u["university"].as_str().unwrap())
        .collect();
    assert_eq!(matched.len(), 3, "{stack}");
    for university in ["tudelft", "wut", "eth"] {
        let suffix = format!(":universities:{university}");
        assert!(
            matched.iter().any(|u| u.ends_with(&suffix)),
            "{university}: {stack}"
        );
    }
    assert_eq!(stack["credits"]["total"], 12, "{stack}");
    assert!(
        stack["missingObligatory"].as_array().unwrap().is_empty(),
        "{stack}"
    );
    assert_eq!(result["verdict"], "valid", "{result}");
    println!(
        "oid4vp stack e2e: 3 units received and presented, verdict in {} ms",
        started.elapsed().as_millis()
    );
    w.stop().await;
}
