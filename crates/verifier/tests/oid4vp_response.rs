//! OpenID4VP 1.0 responses (issue #17 point 2 and its negative tests): `direct_post` and
//! `direct_post.jwt` responses to requests of the store, verified with the full checks, matched
//! against the DCQL query; every refusal with its own code; results gone after their retention
//! time. SD-JWT VCs are sealed by ETH's demo seal with a Token Status List and presented with a
//! Key Binding JWT (`proofs::sd_jwt`); Data Integrity VPs are signed by a did:key holder; status
//! lists are served from 127.0.0.1.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use std::time::Instant;

use chrono::Duration;
use common::*;
use proofs::data_integrity::{self, ProofOptions};
use proofs::did::{did_key_from_ed25519, did_key_verification_method};
use proofs::sd_jwt::{self, KeyBindingClaims, RandomSalts};
use proofs::signer::Ed25519Signer;
use proofs::token_status_list::{self as tsl, StatusList};
use proofs::Signer;
use serde_json::{json, Value};
use verifier::oid4vp::jwe;
use verifier::oid4vp::response::{accept, verify_response, Answer, ResponseForm};
use verifier::oid4vp::store::{
    PendingRequest, PresentationResult, RequestOutcome, RequestPurpose, RequestStore, ResponseMode,
};
use verifier::{Clock as _, Verdict};

pub const CLIENT_ID: &str = "x509_san_dns:localhost";
pub const NONCE: &str = "n-0S6_WzA2Mj";
pub const STATE: &str = "st-4711";
pub const VCT: &str = "urn:eu.europa.ec.eudi:learning:credential:1";
const ETH_ISS: &str = "http://localhost:8080/universities/eth";

// ---------------------------------------------------------------- fixtures

fn sd_holder() -> Ed25519Signer {
    Ed25519Signer::from_secret_bytes("holder", &[3u8; 32])
}

fn now_ts() -> i64 {
    clock().now().timestamp()
}

/// ETH's sealed SD-JWT VC with status entry `idx` on a token (served by `server`) where the
/// entries `revoked` are INVALID.
pub fn sd_jwt_vc(server: &Server, idx: usize, revoked: &[usize]) -> String {
    let set: Vec<String> = revoked.iter().map(|i| i.to_string()).collect();
    let path = format!("/status/oid4vp/{idx}/r{}", set.join("-"));
    let uri = format!("{}{path}", server.base);
    let mut list = StatusList::new(2, 1024).unwrap();
    for i in revoked {
        list.set(*i, tsl::INVALID).unwrap();
    }
    let claims =
        tsl::status_list_token_claims(&uri, now_ts() - 60, Some(now_ts() + 3600), Some(300), &list)
            .unwrap();
    let mut header = eth_seal_header();
    header.insert("typ".into(), json!(tsl::STATUS_LIST_JWT_TYP));
    let token = proofs::jose::sign_compact(
        header,
        Value::Object(claims).to_string().as_bytes(),
        eth_seal_signer(),
    )
    .unwrap();
    server.put_typed(&path, tsl::STATUS_LIST_JWT_MEDIA_TYPE, token);
    let claims = json!({
        "iss": ETH_ISS, "iat": now_ts() - 86_400, "exp": now_ts() + 365 * 86_400, "vct": VCT,
        "given_name": "Ada", "family_name": "Lovelace", "achievement_title": "Data Literacy",
        "issuing_authority": "ETH Zurich", "grade": "5.5",
        "cnf": {"jwk": proofs::jose::public_key_to_jwk(&sd_holder().public_key()).unwrap()},
        "status": tsl::status_reference(idx as u64, &uri),
    });
    let disclosable: Vec<String> = ["given_name", "family_name", "grade"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    sd_jwt::issue(
        claims.as_object().unwrap().clone(),
        &disclosable,
        eth_seal_header(),
        sd_jwt::TYP_SD_JWT_VC,
        eth_seal_signer(),
        &mut RandomSalts,
    )
    .unwrap()
}

/// `sd` presented with `given_name` and `grade`, Key Binding JWT for `aud` and `nonce`.
pub fn present(sd: &str, aud: &str, nonce: &str) -> String {
    let kb = KeyBindingClaims {
        aud: aud.into(),
        nonce: nonce.into(),
        iat: clock().now(),
    };
    let paths = ["given_name".to_string(), "grade".to_string()];
    sd_jwt::present_with_key_binding(sd, &paths, &kb, &sd_holder()).unwrap()
}

/// The DCQL query of the SD-JWT VC learning credential with `claims`.
pub fn sd_jwt_query(claims: &[&str]) -> Value {
    let claims: Vec<Value> = claims.iter().map(|c| json!({"path": [c]})).collect();
    json!({"credentials": [{"id": "learning", "format": "dc+sd-jwt",
        "meta": {"vct_values": [VCT]}, "claims": claims}]})
}

fn ldp_query() -> Value {
    json!({"credentials": [{"id": "edc", "format": "ldp_vc",
        "meta": {"type_values": [["VerifiableCredential"]]},
        "claims": [{"path": ["credentialSubject"]}]}]})
}

/// A request of the store: `id`, created now, expiring in 5 minutes.
pub fn request(id: &str, mode: ResponseMode, dcql_query: Value) -> PendingRequest {
    let now = clock().now();
    PendingRequest {
        id: id.into(),
        state: STATE.into(),
        nonce: NONCE.into(),
        client_id: CLIENT_ID.into(),
        response_uri: format!("http://127.0.0.1/oid4vp/responses/{id}"),
        response_mode: mode,
        dcql_query,
        purpose: RequestPurpose::Verify,
        encryption_key: (mode == ResponseMode::DirectPostJwt)
            .then(|| p256::SecretKey::random(&mut rand_core::OsRng)),
        webhook_url: None,
        created_at: now,
        expires_at: now + Duration::minutes(5),
    }
}

fn store() -> RequestStore {
    RequestStore::new(16, Duration::minutes(10))
}

fn form(vp_token: &Value) -> ResponseForm {
    ResponseForm {
        vp_token: Some(vp_token.to_string()),
        state: Some(STATE.into()),
        ..ResponseForm::default()
    }
}

/// Accepts and verifies `vp_token` for a fresh `direct_post` request with `query`.
fn answer(query: Value, vp_token: &Value) -> PresentationResult {
    let store = store();
    store
        .insert(request("r1", ResponseMode::DirectPost, query))
        .unwrap();
    let (req, ans) = accept(&store, "r1", form(vp_token), clock().now()).unwrap();
    verify_response(&req, &ans, &policy(), &clock())
}

fn codes(r: &PresentationResult) -> Vec<&str> {
    r.problems.iter().map(|p| p.code.as_str()).collect()
}

fn show(r: &PresentationResult) -> String {
    serde_json::to_string_pretty(r).unwrap()
}

/// The holder of the Data Integrity VPs and its DID.
fn vp_holder() -> (Ed25519Signer, String) {
    let key = Ed25519Signer::from_secret_bytes("k", &[9u8; 32]);
    let did = did_key_from_ed25519(&key.verifying_key());
    let vm = did_key_verification_method(&did).unwrap();
    (key.with_key_id(vm), did)
}

/// A VP of `credentials` signed by the holder with `challenge` and `domain`.
fn ldp_vp(credentials: Vec<Value>, challenge: &str, domain: &str) -> Value {
    let (key, did) = vp_holder();
    let vp = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiablePresentation"],
        "holder": did,
        "verifiableCredential": credentials,
    });
    let opts =
        ProofOptions::authentication(created(), Some(challenge.into()), vec![domain.to_string()]);
    data_integrity::sign(&vp, &key, &opts).unwrap()
}

// ---------------------------------------------------------------- tests

#[test]
fn an_sd_jwt_vc_with_key_binding_is_valid_and_a_replay_is_refused() {
    let server = Server::start();
    let p = present(&sd_jwt_vc(&server, 7, &[3]), CLIENT_ID, NONCE);
    let store = store();
    store
        .insert(request(
            "r1",
            ResponseMode::DirectPost,
            sd_jwt_query(&["given_name", "grade"]),
        ))
        .unwrap();
    let token = json!({"learning": [p]});
    let t0 = Instant::now();
    let (req, ans) = accept(&store, "r1", form(&token), clock().now()).unwrap();
    let result = verify_response(&req, &ans, &policy(), &clock());
    let took = t0.elapsed();
    assert_eq!(result.verdict, Verdict::Valid, "{}", show(&result));
    assert!(result.problems.is_empty(), "{}", show(&result));
    assert_eq!(result.credentials.len(), 1);
    let d = result.credentials[0].report.disclosed.as_ref().unwrap();
    assert_eq!(
        (d["given_name"].as_str(), d["grade"].as_str()),
        (Some("Ada"), Some("5.5"))
    );
    assert!(took.as_secs() < 20, "took {took:?}");
    store.complete("r1", result);
    // The same response again: refused with its own code, the result stays.
    let e = accept(&store, "r1", form(&token), clock().now()).unwrap_err();
    assert_eq!(e.code(), "replayed-response", "{e}");
    assert!(matches!(
        store.outcome("r1", clock().now()),
        Some(RequestOutcome::Completed(_))
    ));
}

#[test]
fn each_negative_has_its_own_reason() {
    let server = Server::start();
    let sd = sd_jwt_vc(&server, 7, &[3]);
    let query = || sd_jwt_query(&["given_name"]);
    let cases: Vec<(&str, Value, Value)> = vec![
        (
            "wrong-nonce",
            query(),
            json!({"learning": [present(&sd, CLIENT_ID, "another-nonce")]}),
        ),
        (
            "wrong-audience",
            query(),
            json!({"learning": [present(&sd, "x509_san_dns:evil.example", NONCE)]}),
        ),
        (
            "credential-revoked",
            query(),
            json!({"learning": [present(&sd_jwt_vc(&server, 3, &[3]), CLIENT_ID, NONCE)]}),
        ),
        (
            // Asks for a claim the wallet did not disclose.
            "dcql-mismatch",
            sd_jwt_query(&["given_name", "family_name"]),
            json!({"learning": [present(&sd, CLIENT_ID, NONCE)]}),
        ),
        (
            // An id of no credential query, and the query itself unanswered.
            "dcql-mismatch",
            query(),
            json!({"other": [present(&sd, CLIENT_ID, NONCE)]}),
        ),
    ];
    for (code, q, token) in cases {
        let r = answer(q, &token);
        assert_eq!(r.verdict, Verdict::Invalid, "{code}: {}", show(&r));
        assert_eq!(codes(&r).first(), Some(&code), "{}", show(&r));
    }
    // The unanswered query of the last case is reported too.
    let r = answer(query(), &json!({"other": [present(&sd, CLIENT_ID, NONCE)]}));
    assert!(codes(&r).contains(&"missing-credentials"), "{}", show(&r));
}

#[test]
fn a_tampered_disclosure_is_refused() {
    let server = Server::start();
    let p = present(&sd_jwt_vc(&server, 7, &[]), CLIENT_ID, NONCE);
    // Replace the first disclosure by one of the same claim with another value.
    let mut parts: Vec<String> = p.split('~').map(str::to_owned).collect();
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let d: Value = serde_json::from_slice(&b64.decode(&parts[1]).unwrap()).unwrap();
    let forged = json!([d[0], d[1], "Mallory"]);
    parts[1] = b64.encode(forged.to_string());
    let r = answer(
        sd_jwt_query(&["given_name"]),
        &json!({"learning": [parts.join("~")]}),
    );
    assert_eq!(r.verdict, Verdict::Invalid, "{}", show(&r));
    assert_eq!(
        codes(&r).first(),
        Some(&"tampered-disclosure"),
        "{}",
        show(&r)
    );
}

#[test]
fn an_expired_request_and_a_wrong_state_are_refused() {
    let store = store();
    store
        .insert(request("r1", ResponseMode::DirectPost, sd_jwt_query(&[])))
        .unwrap();
    let token = json!({"learning": ["x~"]});
    let mut bad_state = form(&token);
    bad_state.state = Some("guess".into());
    let e = accept(&store, "r1", bad_state, clock().now()).unwrap_err();
    assert_eq!(e.code(), "state-mismatch");
    let late = clock().now() + Duration::minutes(6);
    let e = accept(&store, "r1", form(&token), late).unwrap_err();
    assert_eq!(e.code(), "expired-request", "{e}");
    let e = accept(&store, "nope", form(&token), clock().now()).unwrap_err();
    assert_eq!(e.code(), "unknown-request");
    // A vp_token that is not an object of arrays: refused before the gate, request still open.
    let e = accept(&store, "r1", form(&json!(["x"])), clock().now()).unwrap_err();
    assert_eq!(e.code(), "invalid-response");
    assert!(e.to_string().starts_with("vp_token:"), "{e}");
}

#[test]
fn a_data_integrity_vp_is_valid_with_nonce_and_client_id_else_refused() {
    let server = Server::start();
    let vc = edc_with_status(&server, &[2], "5");
    let r = answer(
        ldp_query(),
        &json!({"edc": [ldp_vp(vec![vc.clone()], NONCE, CLIENT_ID)]}),
    );
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    assert_eq!(
        (r.credentials.len(), r.credentials[0].format.as_str()),
        (1, "ldp_vc")
    );
    for (vp, code) in [
        (
            ldp_vp(vec![vc.clone()], "old-nonce", CLIENT_ID),
            "wrong-nonce",
        ),
        (
            ldp_vp(vec![vc.clone()], NONCE, "redirect_uri:https://evil.example"),
            "wrong-audience",
        ),
        (
            ldp_vp(vec![edc_with_status(&server, &[5], "5")], NONCE, CLIENT_ID),
            "credential-revoked",
        ),
    ] {
        let r = answer(ldp_query(), &json!({"edc": [vp]}));
        assert_eq!(r.verdict, Verdict::Invalid, "{}", show(&r));
        assert_eq!(codes(&r), [code], "{}", show(&r));
    }
    // A format this service does not verify.
    let r = answer(
        json!({"credentials": [{"id": "edc", "format": "mso_mdoc"}]}),
        &json!({"edc": [ldp_vp(vec![vc.clone()], NONCE, CLIENT_ID)]}),
    );
    assert!(codes(&r).contains(&"unsupported-format"), "{}", show(&r));
    // A Data Integrity VP where a jwt_vc_json was asked for: not a VP JWT.
    let r = answer(
        jwt_vc_query(),
        &json!({"edc": [ldp_vp(vec![vc], NONCE, CLIENT_ID)]}),
    );
    assert_eq!(codes(&r), ["invalid-presentation"], "{}", show(&r));
}

// ---------------------------------------------------------------- jwt_vc_json

fn jwt_vc_query() -> Value {
    json!({"credentials": [{"id": "edc", "format": "jwt_vc_json",
        "meta": {"type_values": [["VerifiableCredential"]]},
        "claims": [{"path": ["credentialSubject"]}]}]})
}

/// The holder of the VP JWTs (Ed25519) and its did:jwk.
fn jwt_holder(seed: u8) -> (Ed25519Signer, String) {
    let key = Ed25519Signer::from_secret_bytes("h", &[seed; 32]);
    let did = proofs::did::did_jwk_from_public_key(&key.public_key()).unwrap();
    (key, did)
}

/// The EDC as a VC-JWT (VC-JOSE `vc+jwt`) signed by its university, bound to `subject`, with a
/// revocation entry at `index` of a list whose bits `set` are revoked.
fn edc_vc_jwt(server: &Server, set: &[u64], index: &str, subject: &str) -> String {
    let mut doc = edc_with_status(server, set, index);
    doc.as_object_mut().unwrap().remove("proof");
    doc["credentialSubject"]["id"] = json!(subject);
    let (_, uni) = built("micro-credential-professional");
    proofs::vc_jwt::encode(&doc, &signer(&uni)).unwrap()
}

/// A `jwt_vp_json` VP JWT of `vcs` by the holder of `seed` (`kid` its did:jwk URL).
fn vp_jwt(seed: u8, vcs: &[String], nonce: &str, aud: &str) -> String {
    let (key, did) = jwt_holder(seed);
    let header = json!({"typ": "JWT", "kid": format!("{did}#0")});
    let payload = json!({"iss": did, "aud": aud, "nonce": nonce, "iat": now_ts(),
        "vp": {"@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiablePresentation"], "holder": did, "verifiableCredential": vcs}});
    proofs::jose::sign_compact(
        header.as_object().unwrap().clone(),
        payload.to_string().as_bytes(),
        &key,
    )
    .unwrap()
}

/// `jwt` with its payload changed (`credentialSubject.id` kept), the signature left as it was.
fn tampered(jwt: &str) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = jwt.split('.').collect();
    let mut payload: Value = serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
    payload["validFrom"] = json!("2020-01-01T00:00:00Z");
    format!(
        "{}.{}.{}",
        parts[0],
        b64.encode(payload.to_string()),
        parts[2]
    )
}

#[test]
fn a_jwt_vc_json_presentation_is_valid_with_nonce_and_client_id_else_refused() {
    let server = Server::start();
    let holder = jwt_holder(5).1;
    let vc = edc_vc_jwt(&server, &[2], "5", &holder);
    let t0 = Instant::now();
    let r = answer(
        jwt_vc_query(),
        &json!({"edc": [vp_jwt(5, std::slice::from_ref(&vc), NONCE, CLIENT_ID)]}),
    );
    eprintln!("jwt_vc_json valid: {:?}", t0.elapsed());
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    assert_eq!(
        (r.credentials.len(), r.credentials[0].format.as_str()),
        (1, "jwt_vc_json")
    );
    let other = edc_vc_jwt(&server, &[2], "5", &jwt_holder(6).1);
    for (vp, code) in [
        (
            vp_jwt(5, std::slice::from_ref(&vc), "old-nonce", CLIENT_ID),
            "wrong-nonce",
        ),
        (
            vp_jwt(
                5,
                std::slice::from_ref(&vc),
                NONCE,
                "redirect_uri:https://evil.example",
            ),
            "wrong-audience",
        ),
        (
            vp_jwt(5, &[tampered(&vc)], NONCE, CLIENT_ID),
            "credential-tampered",
        ),
        (
            vp_jwt(
                5,
                &[edc_vc_jwt(&server, &[5], "5", &holder)],
                NONCE,
                CLIENT_ID,
            ),
            "credential-revoked",
        ),
        // Bound to another holder's did:jwk: a stolen credential.
        (vp_jwt(5, &[other], NONCE, CLIENT_ID), "holder-mismatch"),
    ] {
        let r = answer(jwt_vc_query(), &json!({"edc": [vp]}));
        assert_eq!(r.verdict, Verdict::Invalid, "{}", show(&r));
        assert_eq!(codes(&r), [code], "{}", show(&r));
    }
    // The VP JWT changed after the holder signed it.
    let r = answer(
        jwt_vc_query(),
        &json!({"edc": [tampered(&vp_jwt(5, &[vc], NONCE, CLIENT_ID))]}),
    );
    assert_eq!(codes(&r), ["bad-signature"], "{}", show(&r));
}

#[test]
fn a_direct_post_jwt_response_round_trips_and_plain_or_foreign_ones_are_refused() {
    let server = Server::start();
    let p = present(&sd_jwt_vc(&server, 7, &[]), CLIENT_ID, NONCE);
    let store = store();
    let req = request("r2", ResponseMode::DirectPostJwt, sd_jwt_query(&["grade"]));
    let public = req.encryption_key.as_ref().unwrap().public_key();
    store.insert(req).unwrap();
    let payload = json!({"vp_token": {"learning": [p]}, "state": STATE});
    // Unencrypted, or encrypted to another key: refused, the request stays open.
    let e = accept(&store, "r2", form(&payload["vp_token"]), clock().now()).unwrap_err();
    assert_eq!(e.code(), "invalid-response");
    let other = p256::SecretKey::random(&mut rand_core::OsRng).public_key();
    let foreign = ResponseForm {
        response: Some(jwe::encrypt(&payload, &other, "A128GCM", None).unwrap()),
        ..ResponseForm::default()
    };
    let e = accept(&store, "r2", foreign, clock().now()).unwrap_err();
    assert_eq!(e.code(), "invalid-jwe", "{e}");
    let sealed = ResponseForm {
        response: Some(jwe::encrypt(&payload, &public, "A256GCM", Some("k")).unwrap()),
        ..ResponseForm::default()
    };
    let (req, ans) = accept(&store, "r2", sealed.clone(), clock().now()).unwrap();
    assert!(matches!(ans, Answer::VpToken(_)));
    let r = verify_response(&req, &ans, &policy(), &clock());
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    let e = accept(&store, "r2", sealed, clock().now()).unwrap_err();
    assert_eq!(e.code(), "replayed-response");
}

#[test]
fn a_wallet_error_answers_the_request() {
    let store = store();
    store
        .insert(request("r1", ResponseMode::DirectPost, sd_jwt_query(&[])))
        .unwrap();
    let f = ResponseForm {
        error: Some("access_denied".into()),
        state: Some(STATE.into()),
        ..ResponseForm::default()
    };
    let (req, ans) = accept(&store, "r1", f, clock().now()).unwrap();
    let r = verify_response(&req, &ans, &policy(), &clock());
    assert_eq!(
        (r.verdict, codes(&r)),
        (Verdict::Invalid, vec!["wallet-error"])
    );
}

/// A stackability request (RequestPurpose::Stack): the unit credentials of `examples/stack` in one
/// VP; the stack check runs on what the wallet sent.
#[test]
fn a_stackability_request_runs_the_stack_check_on_the_presented_units() {
    let (programme, units) = stack_scenario();
    let query = json!({"credentials": [{"id": "units", "format": "ldp_vc", "multiple": true,
        "meta": {"type_values": [["VerifiableCredential"]]}}]});
    for (presented, stacks) in [(units.clone(), true), (units[..2].to_vec(), false)] {
        let store = store();
        let mut req = request("s1", ResponseMode::DirectPost, query.clone());
        req.purpose = RequestPurpose::Stack {
            programme: programme.clone(),
        };
        store.insert(req).unwrap();
        let token = json!({"units": [ldp_vp(presented.clone(), NONCE, CLIENT_ID)]});
        let (req, ans) = accept(&store, "s1", form(&token), clock().now()).unwrap();
        let r = verify_response(&req, &ans, &policy(), &clock());
        assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
        assert_eq!(r.credentials.len(), presented.len());
        let stack = r.stack.as_ref().unwrap();
        assert_eq!(stack["stacks"], stacks, "{stack:#}");
    }
}

// ---------------------------------------------------------------- over HTTP

/// A clock the test moves (the service's injected clock).
struct MovingClock(std::sync::Mutex<chrono::DateTime<chrono::Utc>>);

impl verifier::Clock for MovingClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        *self.0.lock().unwrap()
    }
}

impl MovingClock {
    fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap();
        *t += by;
    }
}

/// The verification service's router on 127.0.0.1 with a moving clock; its state (to add
/// requests to the store as the request API does) and base URL.
async fn serve(
    retention_secs: u64,
) -> (
    verifier::service::ServiceState,
    std::sync::Arc<MovingClock>,
    String,
) {
    let clock = std::sync::Arc::new(MovingClock(std::sync::Mutex::new(clock().now())));
    let mut config = service_config();
    config.oid4vp.result_retention_secs = retention_secs;
    let registry = verifier::TrustRegistry::demo().unwrap();
    let state = verifier::service::ServiceState::new(&config, registry, clock.clone());
    let app = verifier::service::router(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (state, clock, base)
}

async fn post_form(base: &str, id: &str, fields: &[(&str, String)]) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(format!("{base}/oid4vp/responses/{id}"))
        .form(fields)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn get_result(base: &str, id: &str) -> (u16, Value) {
    let res = reqwest::get(format!("{base}/oid4vp/requests/{id}/result"))
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_http_a_response_is_verified_once_and_its_result_is_gone_after_retention() {
    let server = Server::start();
    let (state, clock, base) = serve(120).await;
    let store = state.oid4vp_store();
    store
        .insert(request(
            "h1",
            ResponseMode::DirectPost,
            sd_jwt_query(&["given_name"]),
        ))
        .unwrap();
    assert_eq!(
        get_result(&base, "h1").await,
        (202, json!({"state": "pending"}))
    );
    let p = present(&sd_jwt_vc(&server, 7, &[]), CLIENT_ID, NONCE);
    let fields = [
        ("vp_token", json!({"learning": [p]}).to_string()),
        ("state", STATE.to_string()),
    ];
    let t0 = Instant::now();
    assert_eq!(post_form(&base, "h1", &fields).await, (200, json!({})));
    let took = t0.elapsed();
    let (status, r) = get_result(&base, "h1").await;
    assert_eq!(
        (status, r["state"].as_str()),
        (200, Some("completed")),
        "{r}"
    );
    assert_eq!(r["verdict"], "valid", "{r}");
    assert_eq!(
        r["credentials"][0]["report"]["disclosed"]["given_name"],
        "Ada"
    );
    assert!(took.as_secs() < 20, "took {took:?}");
    // The same response again: refused with its own code (OAuth error JSON).
    let (status, e) = post_form(&base, "h1", &fields).await;
    assert_eq!(
        (status, e["error"].as_str(), e["code"].as_str()),
        (400, Some("invalid_request"), Some("replayed-response")),
        "{e}"
    );
    // Unknown request, not a form: refused, each with its code.
    let (status, e) = post_form(&base, "nope", &fields).await;
    assert_eq!((status, e["code"].as_str()), (400, Some("unknown-request")));
    let res = reqwest::Client::new()
        .post(format!("{base}/oid4vp/responses/h1"))
        .json(&json!({"vp_token": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "invalid-response"
    );
    // Still there just before the retention time, gone after it.
    clock.advance(Duration::seconds(119));
    assert_eq!(get_result(&base, "h1").await.0, 200);
    clock.advance(Duration::seconds(2));
    assert_eq!(get_result(&base, "h1").await.0, 404);
    assert!(store.is_empty(), "purged on access");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_http_each_negative_has_its_own_reason() {
    let server = Server::start();
    let (state, clock, base) = serve(600).await;
    let store = state.oid4vp_store();
    let sd = sd_jwt_vc(&server, 7, &[3]);
    let cases = [
        ("n1", present(&sd, CLIENT_ID, "stale"), "wrong-nonce"),
        (
            "n2",
            present(&sd, "redirect_uri:https://evil.example/cb", NONCE),
            "wrong-audience",
        ),
        (
            "n3",
            present(&sd_jwt_vc(&server, 3, &[3]), CLIENT_ID, NONCE),
            "credential-revoked",
        ),
        ("n4", present(&sd, CLIENT_ID, NONCE), "dcql-mismatch"),
    ];
    for (id, p, code) in &cases {
        let claims: &[&str] = if *code == "dcql-mismatch" {
            &["family_name"]
        } else {
            &["grade"]
        };
        store
            .insert(request(id, ResponseMode::DirectPost, sd_jwt_query(claims)))
            .unwrap();
        let fields = [
            ("vp_token", json!({"learning": [p]}).to_string()),
            ("state", STATE.to_string()),
        ];
        assert_eq!(post_form(&base, id, &fields).await, (200, json!({})));
        let (_, r) = get_result(&base, id).await;
        assert_eq!(r["verdict"], "invalid", "{r}");
        assert_eq!(problem_codes(&r), [*code], "{r}");
    }
    // direct_post.jwt over HTTP: the JWE decrypts with the request's key.
    let req = request("j1", ResponseMode::DirectPostJwt, sd_jwt_query(&["grade"]));
    let public = req.encryption_key.as_ref().unwrap().public_key();
    store.insert(req).unwrap();
    let payload =
        json!({"vp_token": {"learning": [present(&sd, CLIENT_ID, NONCE)]}, "state": STATE});
    let jwe = jwe::encrypt(&payload, &public, "A128GCM", None).unwrap();
    assert_eq!(
        post_form(&base, "j1", &[("response", jwe)]).await,
        (200, json!({}))
    );
    assert_eq!(get_result(&base, "j1").await.1["verdict"], "valid");
    // An expired request: refused; its result URL says so until it is deleted.
    store
        .insert(request("x1", ResponseMode::DirectPost, sd_jwt_query(&[])))
        .unwrap();
    clock.advance(Duration::minutes(6));
    let fields = [
        ("vp_token", json!({"learning": ["x~"]}).to_string()),
        ("state", STATE.to_string()),
    ];
    let (status, e) = post_form(&base, "x1", &fields).await;
    assert_eq!(
        (status, e["code"].as_str()),
        (400, Some("expired-request")),
        "{e}"
    );
    assert_eq!(
        get_result(&base, "x1").await,
        (200, json!({"state": "expired"}))
    );
}

/// A request with a webhook: once the response is verified, the result is POSTed to the
/// (loopback, test-only) receiver, signed (Standard Webhooks headers).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_result_is_delivered_to_the_request_webhook() {
    use axum::body::Bytes;
    use axum::http::HeaderMap;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(HeaderMap, Bytes)>();
    let hook = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let tx = tx.clone();
            async move {
                tx.send((headers, body)).unwrap();
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, hook).await.unwrap() });

    let dir = std::env::temp_dir().join(format!("oid4vp-response-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let secret = dir.join("webhook-secret");
    std::fs::write(&secret, "0123456789abcdef0123456789abcdef-test-only").unwrap();
    let clock = std::sync::Arc::new(MovingClock(std::sync::Mutex::new(clock().now())));
    let mut config = service_config();
    config.oid4vp.webhook_secret_file = Some(secret);
    let state = verifier::service::ServiceState::new(
        &config,
        verifier::TrustRegistry::demo().unwrap(),
        clock,
    );
    let app = verifier::service::router(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let server = Server::start();
    let mut req = request("w1", ResponseMode::DirectPost, sd_jwt_query(&["grade"]));
    req.webhook_url = Some(hook_url);
    state.oid4vp_store().insert(req).unwrap();
    let p = present(&sd_jwt_vc(&server, 7, &[]), CLIENT_ID, NONCE);
    let fields = [
        ("vp_token", json!({"learning": [p]}).to_string()),
        ("state", STATE.to_string()),
    ];
    assert_eq!(post_form(&base, "w1", &fields).await, (200, json!({})));
    let (headers, body) = tokio::time::timeout(std::time::Duration::from_secs(20), rx.recv())
        .await
        .expect("delivered within 20 s")
        .unwrap();
    let delivered: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (delivered["state"].as_str(), delivered["verdict"].as_str()),
        (Some("completed"), Some("valid")),
        "{delivered}"
    );
    assert_eq!(
        delivered,
        get_result(&base, "w1").await.1,
        "the result URL's JSON"
    );
    let signature = headers["webhook-signature"].to_str().unwrap();
    assert!(signature.starts_with("v1,"), "{signature}");
    std::fs::remove_dir_all(&dir).unwrap();
}
