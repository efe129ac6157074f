//! OpenID4VCI 1.0 protocol endpoints of the issuer (issue #16) over real HTTP on 127.0.0.1: the
//! metadata, the pre-authorized code flow (offer → token with `tx_code` and DPoP → nonce →
//! credential in each W3C form, bound to the holder key) and each negative case the issue names,
//! with the error code the specifications give it. Proof and DPoP JWTs are made with
//! `proofs::jose` and software holder keys (`testdata/oid4vci/`); the clock is the test's, so
//! expiry is tested without waiting. The full flow runs on SQLite and on PostgreSQL
//! (`ENHANCE_TEST_POSTGRES_URL`).

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them. The full flow
// prints the time of a credential request (stderr) for docs/PERFORMANCE.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stderr)]

mod support;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use issuer::oid4vci::protocol::{
    ALL_CONFIGURATIONS, CONFIG_JWT_VC_JSON, CONFIG_LDP_VC, CONFIG_SD_JWT_VC, PRE_AUTHORIZED_GRANT,
};
use issuer::server::{start, Overrides, RunningServer};
use proofs::signer::{Ed25519Signer, P256Signer};
use proofs::Signer;
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};
use support::{Db, ETH};

/// A clock the test moves.
struct TestClock(Mutex<DateTime<Utc>>);

impl verifier::Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

struct Env {
    server: RunningServer,
    dir: PathBuf,
    clock: Arc<TestClock>,
    http: reqwest::Client,
    /// The university the helpers act for (its API token `test-token-<id>`, its endpoints).
    university: Mutex<&'static str>,
}

/// The six demo universities (each has an API token in the tests).
const UNIVERSITIES: [&str; 6] = ["eth", "rwth", "tudelft", "wut", "tub", "polimi"];

const ISSUER: &str = "http://issuer.test/universities/eth";

fn holder(name: &str) -> P256Signer {
    let pem =
        std::fs::read_to_string(support::repo().join(format!("testdata/oid4vci/{name}-p256.pem")))
            .unwrap();
    P256Signer::from_pkcs8_pem(name, &pem).unwrap()
}

async fn env(db: Db, haip: &[&str]) -> Env {
    let tokens: Vec<(&str, String)> = UNIVERSITIES
        .iter()
        .map(|u| (*u, format!("test-token-{u}")))
        .collect();
    let tokens: Vec<(&str, &str)> = tokens.iter().map(|(u, t)| (*u, t.as_str())).collect();
    let dir = support::token_dir("issuer-oid4vci", &tokens, &[]);
    let url = support::fresh_database(db.is_postgres(), &dir.join("db/issuer.sqlite")).await;
    let mut config = support::config(&url, &dir.join("tokens.toml"));
    config.oid4vci.haip_universities = haip.iter().map(|u| (*u).to_owned()).collect();
    let clock = Arc::new(TestClock(Mutex::new(Utc::now())));
    let overrides = Overrides {
        clock: Some(clock.clone()),
        ..Overrides::default()
    };
    let server = start(config, overrides).await.unwrap();
    Env {
        server,
        dir,
        clock,
        http: reqwest::Client::new(),
        university: Mutex::new("eth"),
    }
}

impl Env {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    fn act_as(&self, university: &'static str) {
        *self.university.lock().unwrap() = university;
    }

    fn uni(&self) -> &'static str {
        *self.university.lock().unwrap()
    }

    /// The API token of the university acted for.
    fn api_token(&self) -> String {
        format!("test-token-{}", self.uni())
    }

    /// The URL of endpoint `name` of the university acted for.
    fn endpoint(&self, name: &str) -> String {
        self.url(&format!("/universities/{}/{name}", self.uni()))
    }

    fn now(&self) -> DateTime<Utc> {
        *self.clock.0.lock().unwrap()
    }

    fn advance(&self, by: Duration) {
        let mut now = self.clock.0.lock().unwrap();
        *now += by;
    }

    async fn stop(self) {
        self.server.shutdown().await.unwrap();
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    /// Issues ETH's example award; its stored credential.
    async fn issue_award(&self) -> Value {
        assert_eq!(self.uni(), "eth");
        self.issue(&support::eth_award()).await
    }

    /// Issues an award (an `{award, images}` request) as the university acted for.
    async fn issue(&self, request: &Value) -> Value {
        let res = self
            .http
            .post(self.url("/awards"))
            .bearer_auth(self.api_token())
            .json(request)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        res.json::<Value>().await.unwrap()["verifiableCredential"].clone()
    }

    /// An offer of credential `id` (`options` as `POST /credentials/{id}/offers` takes them):
    /// its pre-authorized code and PIN.
    async fn offer(&self, id: &str, options: Value) -> (String, Option<String>) {
        let res = self
            .http
            .post(self.url(&format!("/credentials/{}/offers", urlencode(id))))
            .bearer_auth(self.api_token())
            .json(&options)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let offer: Value = res.json().await.unwrap();
        let code = offer["credentialOffer"]["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
            .as_str()
            .unwrap()
            .to_owned();
        (code, offer["txCode"].as_str().map(str::to_owned))
    }

    /// A token request; the status and the JSON body.
    async fn token(&self, code: &str, tx_code: Option<&str>, dpop: Option<String>) -> (u16, Value) {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", PRE_AUTHORIZED_GRANT);
        form.append_pair("pre-authorized_code", code);
        if let Some(pin) = tx_code {
            form.append_pair("tx_code", pin);
        }
        let mut req = self
            .http
            .post(self.endpoint("token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.finish());
        if let Some(proof) = dpop {
            req = req.header("DPoP", proof);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        assert_eq!(res.headers()["cache-control"], "no-store");
        (status, res.json().await.unwrap())
    }

    async fn nonce(&self) -> String {
        let res = self.http.post(self.endpoint("nonce")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["cache-control"], "no-store");
        let body: Value = res.json().await.unwrap();
        body["c_nonce"].as_str().unwrap().to_owned()
    }

    /// A fresh `c_nonce`, a proof by `wallet` and a request for `configuration` with the
    /// DPoP-bound access `token` (and a DPoP proof by `wallet`): status and body.
    async fn fetch_bound(
        &self,
        wallet: &dyn Signer,
        token: &str,
        configuration: &str,
    ) -> (u16, Value) {
        let issuer = format!("http://issuer.test/universities/{}", self.uni());
        let proof = key_proof(
            wallet,
            "openid4vci-proof+jwt",
            &issuer,
            &self.nonce().await,
            self.now(),
        );
        let htu = format!("{issuer}/credential");
        let (status, body, _) = self
            .credential(
                &format!("DPoP {token}"),
                Some(dpop(wallet, &htu, Some(token), self.now())),
                &request(configuration, &proof),
            )
            .await;
        (status, body)
    }

    /// A credential request with `authorization` and `dpop` headers; status, body and the
    /// `WWW-Authenticate` header.
    async fn credential(
        &self,
        authorization: &str,
        dpop: Option<String>,
        body: &Value,
    ) -> (u16, Value, Option<String>) {
        let mut req = self
            .http
            .post(self.endpoint("credential"))
            .header("authorization", authorization)
            .json(body);
        if let Some(proof) = dpop {
            req = req.header("DPoP", proof);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let challenge = res
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_owned());
        (status, res.json().await.unwrap(), challenge)
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn jwk_of(signer: &dyn Signer) -> Value {
    Value::Object(proofs::jose::public_key_to_jwk(&signer.public_key()).unwrap())
}

fn sign(header: Value, claims: Value, signer: &dyn Signer) -> String {
    let Value::Object(header) = header else {
        panic!("header")
    };
    proofs::jose::sign_compact(header, claims.to_string().as_bytes(), signer).unwrap()
}

/// A DPoP proof (RFC 9449 §4.2) by `signer` for `POST url` at `iat`, with `ath` for `token`.
fn dpop(signer: &dyn Signer, url: &str, token: Option<&str>, iat: DateTime<Utc>) -> String {
    let mut claims = json!({
        "jti": uuid::Uuid::new_v4().to_string(),
        "htm": "POST",
        "htu": url,
        "iat": iat.timestamp(),
    });
    if let Some(t) = token {
        claims["ath"] = URL_SAFE_NO_PAD.encode(Sha256::digest(t.as_bytes())).into();
    }
    sign(
        json!({"typ": "dpop+jwt", "jwk": jwk_of(signer)}),
        claims,
        signer,
    )
}

/// A proof of possession (Appendix F.1) by `signer` (its `jwk` in the header).
fn key_proof(signer: &dyn Signer, typ: &str, aud: &str, nonce: &str, iat: DateTime<Utc>) -> String {
    sign(
        json!({"typ": typ, "jwk": jwk_of(signer)}),
        json!({"aud": aud, "nonce": nonce, "iat": iat.timestamp()}),
        signer,
    )
}

fn request(configuration: &str, proof: &str) -> Value {
    json!({"credential_configuration_id": configuration, "proofs": {"jwt": [proof]}})
}

const TOKEN_URL: &str = "http://issuer.test/universities/eth/token";
const CREDENTIAL_URL: &str = "http://issuer.test/universities/eth/credential";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metadata_of_issuer_and_authorization_server() {
    let e = env(Db::Sqlite, &[]).await;
    let res = e
        .http
        .get(e.url("/.well-known/openid-credential-issuer/universities/eth"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let m: Value = res.json().await.unwrap();
    assert_eq!(m["credential_issuer"], ISSUER);
    assert_eq!(m["authorization_servers"], json!([ISSUER]));
    assert_eq!(m["credential_endpoint"], CREDENTIAL_URL);
    assert_eq!(m["nonce_endpoint"], format!("{ISSUER}/nonce"));
    let locales: Vec<&str> = m["display"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["locale"].as_str().unwrap())
        .collect();
    assert_eq!(locales, ["en", "de"], "ETH's legal name languages");
    assert_eq!(m["display"][1]["name"], "ETH Zürich");
    assert_eq!(m["display"][0]["logo"]["uri"], format!("{ISSUER}/logo.svg"));
    let configs = m["credential_configurations_supported"]
        .as_object()
        .unwrap();
    let ids: Vec<&str> = configs.keys().map(String::as_str).collect();
    assert_eq!(ids, ALL_CONFIGURATIONS);
    let ldp = &configs[CONFIG_LDP_VC];
    assert_eq!(ldp["format"], "ldp_vc");
    assert_eq!(
        ldp["credential_definition"]["@context"],
        json!([
            "https://www.w3.org/2018/credentials/v1",
            "http://data.europa.eu/snb/model/context/edc-ap"
        ])
    );
    assert_eq!(
        ldp["credential_definition"]["type"],
        json!(["VerifiableCredential", "EuropeanDigitalCredential"])
    );
    assert_eq!(
        ldp["credential_signing_alg_values_supported"],
        json!(["eddsa-rdfc-2022"])
    );
    assert_eq!(configs[CONFIG_JWT_VC_JSON]["format"], "jwt_vc_json");
    let sd = &configs["eu.europa.ec.eudi.learning_credential_sd_jwt"];
    assert_eq!(sd["format"], "dc+sd-jwt");
    assert_eq!(sd["vct"], "urn:eu.europa.ec.eudi:learning:credential:1");
    assert_eq!(
        sd["cryptographic_binding_methods_supported"],
        json!(["jwk"])
    );
    assert_eq!(
        sd["credential_signing_alg_values_supported"],
        json!(["RS256"]),
        "ETH's seal"
    );
    for (id, c) in configs {
        assert_eq!(
            c["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"],
            json!(["ES256", "EdDSA"]),
            "{id}"
        );
        let languages: Vec<&str> = c["credential_metadata"]["display"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["locale"].as_str().unwrap())
            .collect();
        assert_eq!(languages, ["en", "de", "nl", "pl", "it"], "{id}");
    }
    for id in [CONFIG_LDP_VC, CONFIG_JWT_VC_JSON] {
        assert_eq!(
            configs[id]["cryptographic_binding_methods_supported"],
            json!(["did:jwk", "did:key"])
        );
    }

    let res = e
        .http
        .get(e.url("/.well-known/oauth-authorization-server/universities/eth"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let a: Value = res.json().await.unwrap();
    assert_eq!(a["issuer"], ISSUER);
    assert_eq!(a["token_endpoint"], TOKEN_URL);
    assert_eq!(a["pre-authorized_grant_anonymous_access_supported"], true);
    assert_eq!(a["grant_types_supported"], json!([PRE_AUTHORIZED_GRANT]));
    assert_eq!(
        a["dpop_signing_alg_values_supported"],
        json!(["ES256", "EdDSA"])
    );

    let logo = e
        .http
        .get(e.url("/universities/eth/logo.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(logo.status(), 200);
    assert_eq!(logo.headers()["content-type"], "image/svg+xml");
    assert!(logo.text().await.unwrap().contains("ETH Zurich"));
    for path in [
        "/.well-known/openid-credential-issuer/universities/nope",
        "/.well-known/oauth-authorization-server/universities/nope",
    ] {
        let res = e.http.get(e.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
    }
    e.stop().await;
}

/// The whole pre-authorized flow with a PIN and DPoP: `ldp_vc` and `jwt_vc_json` bound to the
/// holder's did:jwk, then a did:key holder; the code is single-use.
async fn full_flow(db: Db) {
    let e = env(db, &[]).await;
    let stored = e.issue_award().await;
    let id = stored["id"].as_str().unwrap();
    let (code, pin) = e.offer(id, json!({})).await;
    let pin = pin.expect("a PIN by default");
    let wallet = holder("holder-a");
    let (status, t) = e
        .token(
            &code,
            Some(&pin),
            Some(dpop(&wallet, TOKEN_URL, None, e.now())),
        )
        .await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["token_type"], "DPoP");
    assert_eq!(t["expires_in"], 600);
    let token = t["access_token"].as_str().unwrap().to_owned();
    let holder_did = proofs::did::did_jwk_from_public_key(&wallet.public_key()).unwrap();

    // ldp_vc: the stored credential, bound and re-signed.
    let started = std::time::Instant::now();
    let (status, body) = e.fetch_bound(&wallet, &token, CONFIG_LDP_VC).await;
    let ldp_ms = started.elapsed().as_millis();
    assert_eq!(status, 200, "{body}");
    let vc = &body["credentials"][0]["credential"];
    assert_eq!(vc["id"], stored["id"]);
    assert_eq!(vc["credentialStatus"], stored["credentialStatus"]);
    assert_eq!(vc["issuer"], stored["issuer"]);
    assert_eq!(vc["credentialSubject"]["id"], holder_did);
    assert_eq!(vc["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    assert_ne!(vc["proof"]["proofValue"], stored["proof"]["proofValue"]);
    // Everything else is the stored credential.
    let mut expected = stored.clone();
    expected["credentialSubject"]["id"] = holder_did.clone().into();
    expected.as_object_mut().unwrap().remove("proof");
    let mut got = vc.clone();
    got.as_object_mut().unwrap().remove("proof");
    assert_eq!(got, expected);

    // jwt_vc_json with the same access token and a new nonce.
    let (status, body) = e.fetch_bound(&wallet, &token, CONFIG_JWT_VC_JSON).await;
    assert_eq!(status, 200, "{body}");
    let jwt = body["credentials"][0]["credential"].as_str().unwrap();
    let payload: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(jwt.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(payload["id"], stored["id"]);
    assert_eq!(payload["credentialSubject"]["id"], holder_did);

    // dc+sd-jwt: the learning credential, `cnf.jwk` = the holder key, signed with the seal.
    let (status, body) = e.fetch_bound(&wallet, &token, CONFIG_SD_JWT_VC).await;
    assert_eq!(status, 200, "{body}");
    check_sd_jwt_vc(
        body["credentials"][0]["credential"].as_str().unwrap(),
        &wallet,
        e.now(),
    );

    // The code was used: a second token request fails.
    let (status, t) = e
        .token(
            &code,
            Some(&pin),
            Some(dpop(&wallet, TOKEN_URL, None, e.now())),
        )
        .await;
    assert_eq!(
        (status, t["error"].as_str()),
        (400, Some("invalid_grant")),
        "{t}"
    );

    // A Bearer token (no DPoP) and a did:key holder (EdDSA, `kid`).
    let (code, pin) = e.offer(id, json!({"txCode": false})).await;
    assert!(pin.is_none());
    let (status, t) = e.token(&code, None, None).await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["token_type"], "Bearer");
    let bearer = format!("Bearer {}", t["access_token"].as_str().unwrap());
    let ed = Ed25519Signer::from_secret_bytes("k", &[7u8; 32]);
    let did_key = proofs::did::did_key_from_public_key(&ed.public_key()).unwrap();
    let kid = proofs::did::did_key_verification_method(&did_key).unwrap();
    let proof = sign(
        json!({"typ": "openid4vci-proof+jwt", "kid": kid}),
        json!({"aud": ISSUER, "nonce": e.nonce().await, "iat": e.now().timestamp()}),
        &ed,
    );
    let (status, body, _) = e
        .credential(&bearer, None, &request(CONFIG_LDP_VC, &proof))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["credentials"][0]["credential"]["credentialSubject"]["id"],
        did_key
    );
    // Signing at request time (RDFC canonicalisation, Ed25519) and the issuance check: well under
    // a second alone; the bound is generous for a loaded 2-core machine.
    assert!(
        ldp_ms < 10_000,
        "ldp_vc credential request took {ldp_ms} ms"
    );
    eprintln!("ldp_vc credential request: {ldp_ms} ms");
    e.stop().await;
}

support::both_backends!(full_flow);

/// `sd_jwt` is an SD-JWT VC learning credential of ETH for `wallet`'s key, issued at `now`:
/// signed by the leaf of its `x5c`, every disclosure matching a digest.
fn check_sd_jwt_vc(sd_jwt: &str, wallet: &dyn Signer, now: DateTime<Utc>) {
    let parsed = proofs::sd_jwt::SdJwt::parse(sd_jwt).unwrap();
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(sd_jwt.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["typ"], "dc+sd-jwt");
    assert_eq!(header["alg"], "RS256", "ETH's seal");
    let chain = proofs::jose::x5c_chain(header.as_object().unwrap()).unwrap();
    let leaf = proofs::certs::certificate_from_der(&chain[0]).unwrap();
    let key = proofs::certs::certificate_public_key(&leaf).unwrap();
    // `kid`: the seal key's RFC 7638 thumbprint, as in the JWT VC Issuer Metadata `jwks` and
    // the status list tokens (review of issue #16: it was missing here).
    let jwk = Value::Object(proofs::jose::public_key_to_jwk(&key).unwrap());
    assert_eq!(header["kid"], proofs::jose::jwk_thumbprint(&jwk).unwrap());
    let verified = parsed
        .verify(&key, &proofs::sd_jwt::KeyBindingRules::optional(now))
        .unwrap();
    let claims = &verified.payload;
    assert_eq!(claims["vct"], "urn:eu.europa.ec.eudi:learning:credential:1");
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(claims["iat"], now.timestamp());
    assert_eq!(claims["cnf"]["jwk"], jwk_of(wallet));
    let status = &claims["status"]["status_list"];
    assert!(status["idx"].is_u64(), "{status}");
    assert!(status["uri"]
        .as_str()
        .unwrap()
        .starts_with("http://issuer.test/"));
    assert!(
        !verified.disclosed.is_empty(),
        "selectively disclosable claims"
    );
}

/// Every example award (each kind, each awarding university) in every form, through the flow
/// with a Bearer token: each passes the issuance checks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_award_in_every_form() {
    let e = env(Db::Sqlite, &[]).await;
    let wallet = holder("holder-b");
    let started = std::time::Instant::now();
    let mut forms = 0;
    for (file, university) in [
        ("micro-credential-professional.json", "eth"),
        ("micro-credential-academic-course.json", "tub"),
        ("certificate-of-completion.json", "polimi"),
        ("certificate-of-participation-staff-week.json", "wut"),
        ("programme-micro-credential-data-literacy.json", "tudelft"),
    ] {
        e.act_as(university);
        let stored = e.issue(&support::award_with_images(file)).await;
        let (code, pin) = e.offer(stored["id"].as_str().unwrap(), json!({})).await;
        let (status, t) = e.token(&code, pin.as_deref(), None).await;
        assert_eq!(status, 200, "{file}: {t}");
        let bearer = format!("Bearer {}", t["access_token"].as_str().unwrap());
        let issuer = format!("http://issuer.test/universities/{university}");
        for configuration in ALL_CONFIGURATIONS {
            let proof = key_proof(
                &wallet,
                "openid4vci-proof+jwt",
                &issuer,
                &e.nonce().await,
                e.now(),
            );
            let (status, body, _) = e
                .credential(&bearer, None, &request(configuration, &proof))
                .await;
            assert_eq!(status, 200, "{file} {configuration}: {body}");
            assert!(!body["credentials"][0]["credential"].is_null());
            forms += 1;
        }
    }
    assert_eq!(forms, 15);
    eprintln!(
        "5 awards issued, offered and fetched in 3 forms: {} ms",
        started.elapsed().as_millis()
    );
    e.stop().await;
}

/// Token endpoint errors: wrong, missing, exhausted PIN; expired code; another grant type;
/// HAIP without DPoP; DPoP for another URL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_errors() {
    let e = env(Db::Sqlite, &["eth"]).await;
    let stored = e.issue_award().await;
    let id = stored["id"].as_str().unwrap();
    let wallet = holder("holder-a");
    let proof = |e: &Env| Some(dpop(&wallet, TOKEN_URL, None, e.now()));
    let error = |(status, body): (u16, Value)| (status, body["error"].as_str().unwrap().to_owned());

    // HAIP: a DPoP proof is required.
    let (code, pin) = e.offer(id, json!({})).await;
    let pin = pin.unwrap();
    let r = e.token(&code, Some(&pin), None).await;
    assert_eq!(error(r), (400, "invalid_dpop_proof".into()));
    // DPoP proof for another URL (htu): refused, the code is not used up.
    let other = dpop(&wallet, CREDENTIAL_URL, None, e.now());
    let r = e.token(&code, Some(&pin), Some(other)).await;
    assert_eq!(
        error(r.clone()),
        (400, "invalid_dpop_proof".into()),
        "{}",
        r.1
    );
    assert!(r.1["error_description"].as_str().unwrap().contains("htu"));
    // A DPoP proof replayed.
    let once = dpop(&wallet, TOKEN_URL, None, e.now());
    let wrong = if pin == "000000" { "111111" } else { "000000" };
    let r = e.token(&code, Some(wrong), Some(once.clone())).await;
    assert_eq!(error(r), (400, "invalid_grant".into()), "wrong PIN");
    let r = e.token(&code, Some(&pin), Some(once)).await;
    assert_eq!(
        error(r),
        (400, "invalid_dpop_proof".into()),
        "replayed DPoP proof"
    );
    // Missing PIN.
    let r = e.token(&code, None, proof(&e)).await;
    assert_eq!(error(r), (400, "invalid_request".into()));
    // Exhausted: 5 wrong PINs (one above), then the right one is refused too.
    for _ in 0..4 {
        let r = e.token(&code, Some(wrong), proof(&e)).await;
        assert_eq!(error(r), (400, "invalid_grant".into()));
    }
    let r = e.token(&code, Some(&pin), proof(&e)).await;
    assert_eq!(error(r.clone()), (400, "invalid_grant".into()), "{}", r.1);

    // Expired code: 10 minutes and a second later.
    let (code, pin) = e.offer(id, json!({})).await;
    e.advance(Duration::seconds(601));
    let r = e.token(&code, pin.as_deref(), proof(&e)).await;
    assert_eq!(error(r), (400, "invalid_grant".into()), "expired code");

    // Another grant type; a form parameter twice; not a form.
    let res = e
        .http
        .post(e.url("/universities/eth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=authorization_code&code=x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "unsupported_grant_type"
    );
    let res = e
        .http
        .post(e.url("/universities/eth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=a&grant_type=b")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );
    let res = e
        .http
        .post(e.url("/universities/eth/token"))
        .json(&json!({"grant_type": PRE_AUTHORIZED_GRANT}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );
    e.stop().await;
}

/// The credential endpoint's error cases for a DPoP-bound `token` of holder-a granted `ldp_vc`
/// only: (name, body, DPoP proof, status, error).
async fn error_cases(
    e: &Env,
    token: &str,
) -> Vec<(&'static str, Value, Option<String>, u16, &'static str)> {
    let wallet = holder("holder-a");
    let now = e.now();
    let good_dpop = || Some(dpop(&wallet, CREDENTIAL_URL, Some(token), now));
    let mut nonces = Vec::new();
    for _ in 0..9 {
        nonces.push(e.nonce().await);
    }
    let mut nonces = nonces.into_iter();
    let mut proof = |typ: &str, aud: &str, iat: DateTime<Utc>| {
        key_proof(&wallet, typ, aud, &nonces.next().unwrap(), iat)
    };
    let typ = "openid4vci-proof+jwt";
    let rwth = "http://issuer.test/universities/rwth";
    let (bad, unauthorized) = (400, 401);
    vec![
        (
            "wrong nonce",
            request(
                CONFIG_LDP_VC,
                &key_proof(&wallet, typ, ISSUER, "not-a-nonce", now),
            ),
            good_dpop(),
            bad,
            "invalid_nonce",
        ),
        (
            "wrong aud",
            request(CONFIG_LDP_VC, &proof(typ, rwth, now)),
            good_dpop(),
            bad,
            "invalid_proof",
        ),
        (
            "wrong typ",
            request(CONFIG_LDP_VC, &proof("JWT", ISSUER, now)),
            good_dpop(),
            bad,
            "invalid_proof",
        ),
        (
            "old iat",
            request(
                CONFIG_LDP_VC,
                &proof(typ, ISSUER, now - Duration::seconds(301)),
            ),
            good_dpop(),
            bad,
            "invalid_proof",
        ),
        (
            "configuration not in the offer",
            request(CONFIG_JWT_VC_JSON, &proof(typ, ISSUER, now)),
            good_dpop(),
            bad,
            "unknown_credential_configuration",
        ),
        (
            "unknown configuration",
            request("nope", &proof(typ, ISSUER, now)),
            good_dpop(),
            bad,
            "unknown_credential_configuration",
        ),
        (
            "no proofs",
            json!({"credential_configuration_id": CONFIG_LDP_VC}),
            good_dpop(),
            bad,
            "invalid_proof",
        ),
        (
            "draft `proof`",
            json!({"credential_configuration_id": CONFIG_LDP_VC, "proof": {"proof_type": "jwt", "jwt": "x"}}),
            good_dpop(),
            bad,
            "invalid_credential_request",
        ),
        (
            "DPoP proof for another URL",
            request(CONFIG_LDP_VC, &proof(typ, ISSUER, now)),
            Some(dpop(&wallet, TOKEN_URL, Some(token), now)),
            unauthorized,
            "invalid_dpop_proof",
        ),
        (
            "DPoP proof by another key",
            request(CONFIG_LDP_VC, &proof(typ, ISSUER, now)),
            Some(dpop(&holder("holder-b"), CREDENTIAL_URL, Some(token), now)),
            unauthorized,
            "invalid_dpop_proof",
        ),
        (
            "DPoP proof without ath",
            request(CONFIG_LDP_VC, &proof(typ, ISSUER, now)),
            Some(dpop(&wallet, CREDENTIAL_URL, None, now)),
            unauthorized,
            "invalid_dpop_proof",
        ),
        (
            "no DPoP proof",
            request(CONFIG_LDP_VC, &proof(typ, ISSUER, now)),
            None,
            unauthorized,
            "invalid_dpop_proof",
        ),
    ]
}

/// Credential endpoint errors: proofs with a wrong nonce, aud or typ, or replayed; DPoP for
/// another URL or key; a configuration the offer did not include; token misuse and expiry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credential_errors() {
    let e = env(Db::Sqlite, &[]).await;
    let stored = e.issue_award().await;
    let id = stored["id"].as_str().unwrap();
    let (code, pin) = e
        .offer(id, json!({"credentialConfigurationIds": [CONFIG_LDP_VC]}))
        .await;
    let wallet = holder("holder-a");
    let (status, t) = e
        .token(
            &code,
            pin.as_deref(),
            Some(dpop(&wallet, TOKEN_URL, None, e.now())),
        )
        .await;
    assert_eq!(status, 200, "{t}");
    let token = t["access_token"].as_str().unwrap().to_owned();
    let auth = format!("DPoP {token}");
    let good_dpop = |e: &Env| Some(dpop(&wallet, CREDENTIAL_URL, Some(&token), e.now()));
    let proof_with =
        |e: &Env, typ: &str, aud: &str, nonce: &str| key_proof(&wallet, typ, aud, nonce, e.now());
    let typ = "openid4vci-proof+jwt";

    let cases = error_cases(&e, &token).await;
    for (name, body, dpop_proof, status, error) in cases {
        let (got, body, challenge) = e.credential(&auth, dpop_proof, &body).await;
        assert_eq!(
            (got, body["error"].as_str()),
            (status, Some(error)),
            "{name}: {body}"
        );
        if status == 401 {
            assert!(
                challenge
                    .unwrap()
                    .starts_with("DPoP error=\"invalid_dpop_proof\""),
                "{name}"
            );
        }
    }

    // A good request, then its nonce replayed.
    let nonce = e.nonce().await;
    let (status, body, _) = e
        .credential(
            &auth,
            good_dpop(&e),
            &request(CONFIG_LDP_VC, &proof_with(&e, typ, ISSUER, &nonce)),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body, _) = e
        .credential(
            &auth,
            good_dpop(&e),
            &request(CONFIG_LDP_VC, &proof_with(&e, typ, ISSUER, &nonce)),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_nonce")),
        "replayed nonce"
    );

    // The bound token as Bearer; an unknown token; the token after its lifetime.
    let proof = proof_with(&e, typ, ISSUER, &e.nonce().await);
    let (status, body, challenge) = e
        .credential(
            &format!("Bearer {token}"),
            None,
            &request(CONFIG_LDP_VC, &proof),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_token"))
    );
    assert!(challenge
        .unwrap()
        .starts_with("Bearer error=\"invalid_token\""));
    let (status, body, _) = e
        .credential("DPoP nope", good_dpop(&e), &request(CONFIG_LDP_VC, &proof))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_token"))
    );
    e.advance(Duration::seconds(601));
    let (status, body, _) = e
        .credential(&auth, good_dpop(&e), &request(CONFIG_LDP_VC, &proof))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_token")),
        "expired"
    );
    e.stop().await;
}

/// Revoked credentials are not handed to wallets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_credential_is_denied() {
    let e = env(Db::Sqlite, &[]).await;
    let stored = e.issue_award().await;
    let id = stored["id"].as_str().unwrap();
    let (code, pin) = e.offer(id, json!({"txCode": false})).await;
    assert!(pin.is_none());
    let (_, t) = e.token(&code, None, None).await;
    let auth = format!("Bearer {}", t["access_token"].as_str().unwrap());
    let res = e
        .http
        .post(e.url("/credentials/status"))
        .bearer_auth(ETH)
        .json(&json!({"credentialId": id, "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let wallet = holder("holder-b");
    let proof = key_proof(
        &wallet,
        "openid4vci-proof+jwt",
        ISSUER,
        &e.nonce().await,
        e.now(),
    );
    let (status, body, _) = e
        .credential(&auth, None, &request(CONFIG_LDP_VC, &proof))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("credential_request_denied")),
        "{body}"
    );
    e.stop().await;
}
