//! SD-JWT VC interop with an independent implementation (issue #16): the OpenWallet Foundation's
//! `@sd-jwt/sd-jwt-vc` (npm, `interop/js/sd-jwt-issue.mjs` and `sd-jwt-verify.mjs`).
//!
//! - An SD-JWT VC the JS library issues with ETH's demo seal key (RS256, x5c chain to the demo CA)
//!   and presents with a Key Binding JWT verifies in `proofs::sd_jwt` and in the verifier (valid,
//!   trusted, the disclosed claims as the holder chose).
//! - One issued here (`proofs::sd_jwt::issue`) and presented here verifies in the JS library, with
//!   its Token Status List entry read by the JS library from a status list token made here (VALID,
//!   then INVALID after revocation, and our verifier agrees); a tampered Disclosure fails there.
//!
//! Needs `node` (>= 20) and `npm ci --prefix interop/js`; without them every test FAILS, saying so.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, TimeZone, Utc};
use proofs::keystore::KeyStore;
use proofs::sd_jwt::{self, KeyBindingClaims, KeyBindingRules, RandomSalts, SdJwt};
use proofs::signer::Ed25519Signer;
use proofs::token_status_list::{self as tsl, StatusList};
use proofs::Signer;
use serde_json::{json, Map, Value};
use verifier::sd_jwt_vc::{verify_sd_jwt_vc, SdJwtVcOptions};
use verifier::{CheckKind, CheckStatus, FixedClock, NetworkPolicy, Policy, TrustRegistry, Verdict};

const ETH_ISS: &str = "http://localhost:8080/universities/eth";
const AUD: &str = "https://employer.example";
const NONCE: &str = "n-2026-11-29";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap()
}

fn keystore() -> KeyStore {
    KeyStore::load(
        &common::repo().join("keys.example"),
        "http://localhost:8080",
    )
    .unwrap()
}

fn holder() -> Ed25519Signer {
    Ed25519Signer::from_secret_bytes("holder", &[42u8; 32])
}

fn policy() -> Policy {
    Policy::new(TrustRegistry::demo().unwrap()).with_network(NetworkPolicy::local_testing())
}

fn x5c(ks: &KeyStore) -> Value {
    let seal = ks.university("eth").unwrap().seal.as_ref().unwrap();
    let ders: Vec<Vec<u8>> = seal
        .chain
        .iter()
        .map(|c| proofs::certs::certificate_to_der(c).unwrap())
        .collect();
    proofs::jose::x5c_value(&ders)
}

fn claims(status: Option<Value>) -> Map<String, Value> {
    let mut c = json!({
        "iss": ETH_ISS,
        "iat": now().timestamp() - 86_400,
        "exp": now().timestamp() + 365 * 86_400,
        "vct": "urn:eu.europa.ec.eudi:learning:credential:1",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "grade": "5.5",
        "cnf": {"jwk": proofs::jose::public_key_to_jwk(&holder().public_key()).unwrap()}
    });
    if let Some(s) = status {
        c["status"] = s;
    }
    c.as_object().unwrap().clone()
}

fn require_js() {
    let modules = common::repo().join("interop/js/node_modules/@sd-jwt/sd-jwt-vc");
    assert!(
        modules.is_dir(),
        "the JS interop harness lacks @sd-jwt/sd-jwt-vc ({}): run `npm ci --prefix interop/js` \
         from the repository root (needs Node >= 20 and npm)",
        modules.display()
    );
}

fn node(script: &str, request: &Value) -> (bool, Value) {
    require_js();
    let out = common::run_node(script, request);
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "{script} failed ({code:?}): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{script} printed no JSON ({e}): {} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code == Some(0), v)
}

#[test]
fn an_sd_jwt_vc_issued_by_sd_jwt_js_verifies_here() {
    let ks = keystore();
    let seal_pem =
        std::fs::read_to_string(common::repo().join("keys.example/eth/seal.key.pem")).unwrap();
    // The holder key as a private JWK (OpenSSL refuses ed25519-dalek's PKCS#8 v2 PEM).
    let mut holder_jwk = proofs::jose::public_key_to_jwk(&holder().public_key()).unwrap();
    holder_jwk.insert("d".into(), json!(URL_SAFE_NO_PAD.encode([42u8; 32])));
    let request = json!({
        "claims": claims(None),
        "disclosable": ["given_name", "family_name", "grade"],
        "alg": "RS256",
        "privateKey": seal_pem,
        "header": {"x5c": x5c(&ks)},
        "present": {
            "disclose": ["given_name", "grade"],
            "kb": {"aud": AUD, "nonce": NONCE, "iat": now().timestamp(), "alg": "EdDSA",
                   "privateKey": holder_jwk}
        }
    });
    let (ok, out) = node("sd-jwt-issue.mjs", &request);
    assert!(ok, "{out}");
    let presentation = out["presentation"].as_str().unwrap();
    // proofs::sd_jwt with the seal certificate's key.
    let seal = ks.university("eth").unwrap().seal.as_ref().unwrap();
    let key = proofs::certs::certificate_public_key(&seal.chain[0]).unwrap();
    let parsed = SdJwt::parse(presentation).unwrap();
    assert_eq!(parsed.disclosures.len(), 2);
    let v = parsed
        .verify(&key, &KeyBindingRules::required(NONCE, AUD, now()))
        .unwrap();
    assert_eq!(v.payload["given_name"], "Ada");
    assert_eq!(v.payload["grade"], "5.5");
    assert!(!v.payload.contains_key("family_name"));
    // The verifier: every check, Key Binding demanded.
    let options = SdJwtVcOptions {
        nonce: Some(NONCE.into()),
        aud: Some(AUD.into()),
        require_key_binding: true,
    };
    let r = verify_sd_jwt_vc(presentation, &options, &policy(), &FixedClock(now()));
    let shown = serde_json::to_string_pretty(&r).unwrap();
    assert_eq!(r.verdict, Verdict::Valid, "{shown}");
    assert_eq!(
        r.check(CheckKind::Trust).unwrap().status,
        CheckStatus::Ok,
        "{shown}"
    );
    // The issued SD-JWT (all Disclosures, no Key Binding) through the auto-detecting entry point.
    let r = verifier::verify(
        out["sdJwt"].as_str().unwrap().as_bytes(),
        &policy(),
        &FixedClock(now()),
    );
    assert_eq!(r.verdict, Verdict::Valid);
    assert_eq!(r.disclosed.unwrap()["family_name"], "Lovelace");
    // And a wrong nonce is refused here as well.
    let wrong = SdJwtVcOptions {
        nonce: Some("other".into()),
        ..options
    };
    let r = verify_sd_jwt_vc(presentation, &wrong, &policy(), &FixedClock(now()));
    assert_eq!(r.verdict, Verdict::Invalid);
}

/// A status list token of `uri` with entry `idx` = `value`, sealed by ETH (x5c).
fn status_token(ks: &KeyStore, uri: &str, idx: usize, value: u8) -> String {
    let seal = ks.university("eth").unwrap().seal.as_ref().unwrap();
    let mut list = StatusList::new(2, 256).unwrap();
    list.set(idx, value).unwrap();
    let t = now().timestamp();
    let claims =
        tsl::status_list_token_claims(uri, t - 60, Some(t + 3600), Some(300), &list).unwrap();
    let mut header = Map::new();
    header.insert("typ".into(), json!(tsl::STATUS_LIST_JWT_TYP));
    header.insert("x5c".into(), x5c(ks));
    proofs::jose::sign_compact(
        header,
        Value::Object(claims).to_string().as_bytes(),
        seal.signer.as_ref(),
    )
    .unwrap()
}

#[test]
fn an_sd_jwt_vc_issued_here_verifies_in_sd_jwt_js_with_its_status() {
    let ks = keystore();
    let seal = ks.university("eth").unwrap().seal.as_ref().unwrap();
    let server = service_kit::test_support::FixtureServer::start();
    let path = "/status/eth/sd-jwt-js";
    let uri = format!("{}{path}", server.base);
    let mut header = Map::new();
    header.insert("x5c".into(), x5c(&ks));
    let sd = sd_jwt::issue(
        claims(Some(tsl::status_reference(9, &uri))),
        &["given_name".into(), "family_name".into(), "grade".into()],
        header,
        sd_jwt::TYP_SD_JWT_VC,
        seal.signer.as_ref(),
        &mut RandomSalts,
    )
    .unwrap();
    let kb = KeyBindingClaims {
        aud: AUD.into(),
        nonce: NONCE.into(),
        iat: now(),
    };
    let presentation =
        sd_jwt::present_with_key_binding(&sd, &["family_name".into()], &kb, &holder()).unwrap();
    let request = |sd_jwt: &str, token: &str| {
        json!({"sdJwt": sd_jwt, "now": now().timestamp(), "kb": {"nonce": NONCE, "aud": AUD},
               "requiredClaims": ["family_name"], "statusListToken": token})
    };
    // VALID: the JS library verifies signature, Disclosures, Key Binding and status.
    let valid = status_token(&ks, &uri, 3, tsl::INVALID);
    let (ok, out) = node("sd-jwt-verify.mjs", &request(&presentation, &valid));
    assert!(ok, "{out}");
    assert_eq!(out["payload"]["family_name"], "Lovelace");
    assert!(out["payload"].get("given_name").is_none(), "{out}");
    assert_eq!(
        (out["kb"]["nonce"].as_str(), out["status"].as_u64()),
        (Some(NONCE), Some(0))
    );
    // A Disclosure altered here is refused there.
    let parsed = SdJwt::parse(&presentation).unwrap();
    let d = &parsed.disclosures[0];
    let forged = URL_SAFE_NO_PAD.encode(json!([d.salt, "family_name", "Byron"]).to_string());
    let (ok, out) = node(
        "sd-jwt-verify.mjs",
        &request(&presentation.replace(&d.encoded, &forged), &valid),
    );
    assert!(!ok, "{out}");
    // Revoked: the JS library reads INVALID (1), and so does our verifier.
    let revoked = status_token(&ks, &uri, 9, tsl::INVALID);
    let (ok, out) = node("sd-jwt-verify.mjs", &request(&presentation, &revoked));
    assert!(!ok, "{out}");
    assert_eq!(out["status"], 1, "{out}");
    server.put_typed(path, tsl::STATUS_LIST_JWT_MEDIA_TYPE, revoked);
    let options = SdJwtVcOptions {
        nonce: Some(NONCE.into()),
        aud: Some(AUD.into()),
        require_key_binding: true,
    };
    let r = verify_sd_jwt_vc(&presentation, &options, &policy(), &FixedClock(now()));
    assert_eq!(r.verdict, Verdict::Invalid);
    let rev = r.check(CheckKind::Revocation).unwrap();
    assert_eq!(rev.status, CheckStatus::Failed);
    assert!(rev.message.starts_with("revoked:"), "{}", rev.message);
}
