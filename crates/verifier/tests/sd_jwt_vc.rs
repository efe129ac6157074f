//! SD-JWT VC verification (issue #16 point 5): credentials issued here with `proofs::sd_jwt`,
//! signed with a university's demo seal (x5c chain to the demo CA) or a key of JWT VC issuer
//! metadata, their Token Status List served from 127.0.0.1; every check passing and failing.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use common::*;
use proofs::sd_jwt::{self, KeyBindingClaims, RandomSalts};
use proofs::signer::Ed25519Signer;
use proofs::token_status_list::{self as tsl, StatusList};
use proofs::Signer;
use serde_json::{json, Map, Value};
use verifier::sd_jwt_vc::{verify_sd_jwt_vc, SdJwtVcOptions};
use verifier::{CheckKind, CheckStatus, Integrity, SignerKind, TrustVerdict, Verdict};

const ETH_ISS: &str = "http://localhost:8080/universities/eth";
const AUD: &str = "https://employer.example";
const NONCE: &str = "nonce-4711";

fn holder() -> Ed25519Signer {
    Ed25519Signer::from_secret_bytes("holder", &[3u8; 32])
}

fn now_ts() -> i64 {
    use verifier::Clock as _;
    clock().now().timestamp()
}

fn claims(iss: &str, status: Option<Value>, exp: i64) -> Map<String, Value> {
    let mut c = json!({
        "iss": iss,
        "iat": now_ts() - 86_400,
        "exp": exp,
        "vct": "urn:eu.europa.ec.eudi:learning:credential:1",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "achievement_title": "Data Literacy",
        "issuing_authority": "ETH Zurich",
        "grade": "5.5",
        "cnf": {"jwk": proofs::jose::public_key_to_jwk(&holder().public_key()).unwrap()}
    });
    if let Some(s) = status {
        c["status"] = s;
    }
    c.as_object().unwrap().clone()
}

fn disclosable() -> Vec<String> {
    ["given_name", "family_name", "grade"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// An SD-JWT VC of `claims` (the standard disclosable claims), typ `dc+sd-jwt`.
fn issue(claims: Map<String, Value>, header: Map<String, Value>, signer: &dyn Signer) -> String {
    sd_jwt::issue(
        claims,
        &disclosable(),
        header,
        sd_jwt::TYP_SD_JWT_VC,
        signer,
        &mut RandomSalts,
    )
    .unwrap()
}

/// Intact, but from an issuer this verifier does not know.
fn assert_unknown_issuer(r: &verifier::Report) {
    assert_eq!(
        (r.verdict, r.integrity, r.trust),
        (
            Verdict::Indeterminate,
            Integrity::Intact,
            TrustVerdict::Unknown
        ),
        "{}",
        show(r)
    );
    assert_check_says(
        r,
        CheckKind::Trust,
        CheckStatus::Unknown,
        "does not know this issuer",
    );
}

/// A status list token of `uri` with `entries` (index, status), signed by `signer` with `header`.
fn serve_token(
    server: &Server,
    path: &str,
    entries: &[(usize, u8)],
    signer: &dyn Signer,
    header: Map<String, Value>,
) -> String {
    let uri = format!("{}{path}", server.base);
    let mut list = StatusList::new(2, 1024).unwrap();
    for (i, v) in entries {
        list.set(*i, *v).unwrap();
    }
    let claims =
        tsl::status_list_token_claims(&uri, now_ts() - 60, Some(now_ts() + 3600), Some(300), &list)
            .unwrap();
    let mut header = header;
    header.insert("typ".into(), json!(tsl::STATUS_LIST_JWT_TYP));
    let token =
        proofs::jose::sign_compact(header, Value::Object(claims).to_string().as_bytes(), signer)
            .unwrap();
    server.put_typed(path, tsl::STATUS_LIST_JWT_MEDIA_TYPE, token);
    uri
}

/// ETH's SD-JWT VC, sealed (x5c), with a status entry `idx` on a token with `entries`.
fn eth_credential(server: &Server, idx: usize, entries: &[(usize, u8)], exp: i64) -> String {
    let set: Vec<String> = entries.iter().map(|(i, v)| format!("{i}x{v}")).collect();
    let path = format!("/status/eth/{idx}/{}", set.join("-"));
    let uri = serve_token(server, &path, entries, eth_seal_signer(), eth_seal_header());
    issue(
        claims(ETH_ISS, Some(tsl::status_reference(idx as u64, &uri)), exp),
        eth_seal_header(),
        eth_seal_signer(),
    )
}

fn presented(sd: &str, paths: &[&str], nonce: &str) -> String {
    use verifier::Clock as _;
    let paths: Vec<String> = paths.iter().map(|s| s.to_string()).collect();
    let kb = KeyBindingClaims {
        aud: AUD.into(),
        nonce: nonce.into(),
        iat: clock().now(),
    };
    sd_jwt::present_with_key_binding(sd, &paths, &kb, &holder()).unwrap()
}

fn required_kb() -> SdJwtVcOptions {
    SdJwtVcOptions {
        nonce: Some(NONCE.into()),
        aud: Some(AUD.into()),
        require_key_binding: true,
    }
}

fn far() -> i64 {
    now_ts() + 365 * 86_400
}

#[test]
fn a_sealed_sd_jwt_vc_of_a_member_verifies_with_key_binding_and_status() {
    let server = Server::start();
    let sd = eth_credential(&server, 7, &[(3, tsl::INVALID)], far());
    let p = presented(&sd, &["given_name", "grade"], NONCE);
    let t0 = std::time::Instant::now();
    let r = verify_sd_jwt_vc(&p, &required_kb(), &policy(), &clock());
    let took = t0.elapsed();
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    assert_eq!(
        (r.integrity, r.trust),
        (Integrity::Intact, TrustVerdict::Trusted)
    );
    let signer = r.signer.as_ref().unwrap();
    assert_eq!(signer.kind, SignerKind::Seal);
    assert_eq!(signer.registry_name.as_deref(), Some("ETH Zurich"));
    let d = r.disclosed.as_ref().unwrap();
    assert_eq!(
        (d["given_name"].as_str(), d["grade"].as_str()),
        (Some("Ada"), Some("5.5"))
    );
    assert!(!d.contains_key("family_name"), "not disclosed");
    assert_check_says(&r, CheckKind::Revocation, CheckStatus::Ok, "entry 7");
    assert_check_says(&r, CheckKind::Trust, CheckStatus::Ok, "registry member");
    assert_check_says(
        &r,
        CheckKind::AwardingBody,
        CheckStatus::Ok,
        "awarded by ETH Zurich, issued by ETH Zurich (eth)",
    );
    let proof = r.check(CheckKind::Proof).unwrap();
    let names: Vec<&str> = proof.details.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["issuer-signature", "disclosures", "holder-binding"]);
    assert!(
        proof.details.iter().all(|s| s.status == CheckStatus::Ok),
        "{}",
        show(&r)
    );
    assert!(took.as_secs() < 20, "took {took:?}");
    // Auto-detected by the library entry points (bytes and a JSON string), Key Binding optional.
    let r = verifier::verify(sd.as_bytes(), &policy(), &clock());
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    let r = verifier::verify_json(&json!({ "verifiableCredential": sd }), &policy(), &clock());
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    assert_eq!(r.disclosed.unwrap()["family_name"], "Lovelace");
}

#[test]
fn revoked_suspended_and_unreachable_status() {
    let server = Server::start();
    for (value, needle) in [
        (tsl::INVALID, "revoked: entry 5"),
        (tsl::SUSPENDED, "suspended: entry 5"),
    ] {
        let sd = eth_credential(&server, 5, &[(5, value), (6, tsl::VALID)], far());
        let r = verifier::verify(sd.as_bytes(), &policy(), &clock());
        assert_eq!(r.verdict, Verdict::Invalid, "{}", show(&r));
        assert_check_says(&r, CheckKind::Revocation, CheckStatus::Failed, needle);
    }
    // The token is gone: could not check, not revoked.
    let gone = tsl::status_reference(1, &format!("{}/nothing", server.base));
    let sd = issue(
        claims(ETH_ISS, Some(gone), far()),
        eth_seal_header(),
        eth_seal_signer(),
    );
    let r = verifier::verify(sd.as_bytes(), &policy(), &clock());
    assert_eq!(r.verdict, Verdict::Indeterminate, "{}", show(&r));
    assert_check_says(&r, CheckKind::Revocation, CheckStatus::Error, "unavailable");
    // A token signed by someone else: checked and invalid.
    let forger = Ed25519Signer::from_secret_bytes("forger", &[5u8; 32]);
    let uri = serve_token(&server, "/status/forged", &[], &forger, Map::new());
    let sd = issue(
        claims(ETH_ISS, Some(tsl::status_reference(1, &uri)), far()),
        eth_seal_header(),
        eth_seal_signer(),
    );
    let r = verifier::verify(sd.as_bytes(), &policy(), &clock());
    assert_check_says(
        &r,
        CheckKind::Revocation,
        CheckStatus::Failed,
        "not signed by the credential's issuer",
    );
}

#[test]
fn expired_tampered_and_unbound_presentations_fail() {
    let server = Server::start();
    let expired = eth_credential(&server, 1, &[], now_ts() - 3600);
    let r = verifier::verify(expired.as_bytes(), &policy(), &clock());
    assert_eq!(r.verdict, Verdict::Invalid, "{}", show(&r));
    assert_check_says(
        &r,
        CheckKind::Expiry,
        CheckStatus::Failed,
        "expired: exp was",
    );

    let sd = eth_credential(&server, 2, &[], far());
    // A Disclosure altered after issuance: integrity broken, the Disclosure named.
    let parsed = proofs::sd_jwt::SdJwt::parse(&sd).unwrap();
    let d = parsed
        .disclosures
        .iter()
        .find(|d| d.name.as_deref() == Some("grade"))
        .unwrap();
    use base64::Engine as _;
    let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(json!([d.salt, "grade", "6.0"]).to_string());
    let r = verifier::verify(
        sd.replace(&d.encoded, &forged).as_bytes(),
        &policy(),
        &clock(),
    );
    assert_eq!(
        (r.verdict, r.integrity),
        (Verdict::Invalid, Integrity::Broken),
        "{}",
        show(&r)
    );
    assert_check_says(&r, CheckKind::Proof, CheckStatus::Failed, "claim \"grade\"");
    assert!(r.disclosed.is_none());
    // Key Binding required: missing, wrong nonce, wrong audience.
    let r = verify_sd_jwt_vc(&sd, &required_kb(), &policy(), &clock());
    assert_check_says(
        &r,
        CheckKind::Proof,
        CheckStatus::Failed,
        "Key Binding JWT is required",
    );
    let p = presented(&sd, &["given_name"], "stale-nonce");
    let r = verify_sd_jwt_vc(&p, &required_kb(), &policy(), &clock());
    assert_check_says(&r, CheckKind::Proof, CheckStatus::Failed, "nonce");
    let other_aud = SdJwtVcOptions {
        aud: Some("https://someone-else.example".into()),
        ..required_kb()
    };
    let p = presented(&sd, &["given_name"], NONCE);
    let r = verify_sd_jwt_vc(&p, &other_aud, &policy(), &clock());
    assert_check_says(&r, CheckKind::Proof, CheckStatus::Failed, "aud");
    // An issuing authority that is not the signing member: the awarding-body check fails.
    let mut c = claims(ETH_ISS, None, far());
    c.insert(
        "issuing_authority".into(),
        json!("Technische Universität Berlin"),
    );
    let r = verifier::verify(
        issue(c, eth_seal_header(), eth_seal_signer()).as_bytes(),
        &policy(),
        &clock(),
    );
    assert_check_says(
        &r,
        CheckKind::AwardingBody,
        CheckStatus::Failed,
        "\"Technische Universität Berlin\" as awarding body, but it is issued by ETH Zurich",
    );
    // Not an SD-JWT VC: another typ.
    let plain = sd_jwt::issue(
        claims(ETH_ISS, None, far()),
        &[],
        eth_seal_header(),
        "example+sd-jwt",
        eth_seal_signer(),
        &mut RandomSalts,
    )
    .unwrap();
    let r = verifier::verify(plain.as_bytes(), &policy(), &clock());
    assert_check_says(&r, CheckKind::Format, CheckStatus::Failed, "dc+sd-jwt");
}

#[test]
fn issuer_metadata_keys_and_unknown_issuers() {
    let server = Server::start();
    let key = Ed25519Signer::from_secret_bytes("k1", &[11u8; 32]);
    let iss = format!("{}/issuers/stranger", server.base);
    let mut jwk = proofs::jose::public_key_to_jwk(&key.public_key()).unwrap();
    jwk.insert("kid".into(), json!("k1"));
    server.put_json(
        "/.well-known/jwt-vc-issuer/issuers/stranger",
        &json!({"issuer": iss, "jwks": {"keys": [jwk]}}),
    );
    let mut header = Map::new();
    header.insert("kid".into(), json!("k1"));
    let sd = issue(claims(&iss, None, far()), header, &key);
    let r = verifier::verify(sd.as_bytes(), &policy(), &clock());
    // Intact, signed by a key the issuer publishes, but the issuer is unknown here.
    assert_unknown_issuer(&r);
    assert_check_says(
        &r,
        CheckKind::Proof,
        CheckStatus::Ok,
        "/.well-known/jwt-vc-issuer/issuers/stranger",
    );
    assert_eq!(
        r.signer.as_ref().unwrap().did.as_deref(),
        Some(iss.as_str())
    );
    // A key the metadata does not publish.
    let other = Ed25519Signer::from_secret_bytes("k1", &[12u8; 32]);
    let mut header = Map::new();
    header.insert("kid".into(), json!("k1"));
    let forged = issue(claims(&iss, None, far()), header, &other);
    let r = verifier::verify(forged.as_bytes(), &policy(), &clock());
    assert_eq!(
        (r.verdict, r.integrity),
        (Verdict::Invalid, Integrity::Broken),
        "{}",
        show(&r)
    );
    // No metadata at all: could not check.
    let gone = format!("{}/issuers/gone", server.base);
    let sd = issue(claims(&gone, None, far()), Map::new(), &key);
    let r = verifier::verify(sd.as_bytes(), &policy(), &clock());
    assert_eq!(r.verdict, Verdict::Indeterminate, "{}", show(&r));
    assert_check_says(
        &r,
        CheckKind::Proof,
        CheckStatus::Error,
        "issuer metadata unavailable",
    );
    // A member's key published in its issuer metadata (the registry built for this server's
    // base URL, so ETH's issuer URL is one of its places): trusted, the member named.
    let eth_iss = format!("{}/universities/eth", server.base);
    let eth_key = signer("eth");
    let mut jwk = proofs::jose::public_key_to_jwk(&eth_key.public_key()).unwrap();
    jwk.insert("kid".into(), json!("key-2026-01"));
    server.put_json(
        "/.well-known/jwt-vc-issuer/universities/eth",
        &json!({"issuer": eth_iss, "jwks": {"keys": [jwk]}}),
    );
    let registry =
        verifier::TrustRegistry::from_key_store(&repo().join("keys.example"), &server.base)
            .unwrap();
    let here =
        verifier::Policy::new(registry).with_network(verifier::NetworkPolicy::local_testing());
    let sd = issue(claims(&eth_iss, None, far()), Map::new(), &eth_key);
    let r = verifier::verify(sd.as_bytes(), &here, &clock());
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    assert_check_says(
        &r,
        CheckKind::Trust,
        CheckStatus::Ok,
        "is ETH Zurich (eth), an ENHANCE member",
    );
    assert_eq!(
        r.signer.unwrap().registry_name.as_deref(),
        Some("ETH Zurich")
    );
    // ETH's seal, verified by a service whose registry is empty: intact, issuer unknown.
    let sd = eth_credential(&server, 9, &[], far());
    let empty = verifier::Policy::new(verifier::TrustRegistry::empty())
        .with_network(verifier::NetworkPolicy::local_testing());
    let r = verifier::verify(sd.as_bytes(), &empty, &clock());
    assert_unknown_issuer(&r);
}

/// `POST /credentials/verify` with an SD-JWT VC string (Key Binding demanded through
/// `options.challenge` / `options.domain`) and the employer's upload page.
#[cfg(feature = "service")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_verifies_sd_jwt_vcs_and_the_upload_page_lists_disclosed_claims() {
    use service_kit::test_client::post_json;
    let server = Server::start();
    let s = start_service(service_config()).await;
    let sd = eth_credential(&server, 4, &[], far());
    let p = presented(&sd, &["given_name"], NONCE);
    let body = json!({"verifiableCredential": p, "options": {"challenge": NONCE, "domain": AUD}});
    let res = post_json(&s.url(), "/credentials/verify", None, &body).await;
    assert_eq!(res.status(), 200);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["verdict"], "valid", "{report}");
    assert_eq!(report["disclosed"]["given_name"], "Ada");
    assert!(report["disclosed"].get("family_name").is_none());
    // The same presentation for another nonce: 422, the proof check names the nonce.
    let body = json!({"verifiableCredential": p, "options": {"challenge": "other"}});
    let res = post_json(&s.url(), "/credentials/verify", None, &body).await;
    assert_eq!(res.status(), 422);
    let report: Value = res.json().await.unwrap();
    let proof = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "proof")
        .unwrap();
    assert!(
        proof["message"].as_str().unwrap().contains("nonce"),
        "{report}"
    );
    let body = json!({"verifiableCredential": p, "options": {"challenge": 7}});
    let res = post_json(&s.url(), "/credentials/verify", None, &body).await;
    assert_eq!(res.status(), 400);
    // The upload page: pasted, verified, its disclosed claims listed (escaped).
    let boundary = "sdjwtboundary";
    let form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"credential\"\r\n\r\n{sd}\r\n--{boundary}--\r\n"
    );
    let res = reqwest::Client::new()
        .post(format!("{}/upload", s.url()))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("data-verdict=\"valid\""), "{html}");
    assert!(html.contains("id=\"disclosed\""), "{html}");
    assert!(
        html.contains("<dt>family_name</dt><dd>Lovelace</dd>"),
        "{html}"
    );
    s.shutdown().await.unwrap();
}

/// Review of issue #16 (helper R): a status list token signed by a certificate that merely has
/// the issuer's subject name is refused, also when the credential's `x5c` is the leaf alone (the
/// "same intermediates" comparison is then empty, so the look-alike's own path to the seal
/// anchors must be checked); the same leaf-only credential with the genuine token verifies.
#[test]
fn a_status_token_from_a_look_alike_certificate_is_refused() {
    use proofs::certs::{CertificateInfo, IssuerKey, SubjectFields};
    use verifier::Clock as _;
    let server = Server::start();
    let seal = keystore().university("eth").unwrap().seal.as_ref().unwrap();
    let leaf = &seal.chain[0];
    let mut leaf_only = Map::new();
    let leaf_der = proofs::certs::certificate_to_der(leaf).unwrap();
    leaf_only.insert("x5c".into(), proofs::jose::x5c_value(&[leaf_der]));
    let credential = |uri: &str| {
        issue(
            claims(ETH_ISS, Some(tsl::status_reference(3, uri)), far()),
            leaf_only.clone(),
            eth_seal_signer(),
        )
    };
    // The genuine seal's token (entry 3 revoked), both with the leaf-only x5c.
    let genuine = serve_token(
        &server,
        "/status/leaf-only",
        &[(3, tsl::INVALID)],
        eth_seal_signer(),
        leaf_only.clone(),
    );
    let r = verifier::verify(credential(&genuine).as_bytes(), &policy(), &clock());
    assert_eq!(r.integrity, Integrity::Intact, "{}", show(&r));
    assert_check_says(&r, CheckKind::Trust, CheckStatus::Ok, "registry member");
    assert_check_says(
        &r,
        CheckKind::Revocation,
        CheckStatus::Failed,
        "revoked: entry 3",
    );

    // A self-signed certificate with ETH's subject name, whose token says entry 3 is VALID.
    let info = CertificateInfo::of(leaf);
    let fields = SubjectFields {
        country: info.country.clone().unwrap(),
        organisation: info.organisation.clone().unwrap(),
        organisation_identifier: info.organisation_identifier.clone(),
        common_name: info.common_name.clone().unwrap(),
    };
    let key = p256::ecdsa::SigningKey::from_slice(&[42u8; 32]).unwrap();
    let impostor = proofs::signer::P256Signer::new("impostor", key.clone());
    let now = clock().now();
    let cert = proofs::certs::issue_certificate(
        &fields,
        &impostor.public_key(),
        None,
        IssuerKey::P256(&key),
        4711,
        now - chrono::Duration::days(1),
        now + chrono::Duration::days(1),
    )
    .unwrap();
    assert_eq!(
        CertificateInfo::of(&cert).subject,
        info.subject,
        "a look-alike"
    );
    let mut header = Map::new();
    let der = proofs::certs::certificate_to_der(&cert).unwrap();
    header.insert("x5c".into(), proofs::jose::x5c_value(&[der]));
    let forged = serve_token(&server, "/status/look-alike", &[], &impostor, header);
    let r = verifier::verify(credential(&forged).as_bytes(), &policy(), &clock());
    assert_eq!(r.verdict, Verdict::Invalid, "{}", show(&r));
    assert_check_says(
        &r,
        CheckKind::Revocation,
        CheckStatus::Failed,
        "not signed by the credential's issuer",
    );
}

/// Review of issue #16 (helper R): SD-JWT VC §3.2.2.2 claims (`status`, `cnf`, ...) in a
/// Disclosure fail the proof check (a holder could withhold a selectively disclosable `status`
/// and so hide a revocation); and `exp` equal to the verification time has expired (RFC 7519
/// §4.1.4: the time must be before `exp`).
#[test]
fn always_visible_claims_in_disclosures_and_exp_now_fail() {
    let server = Server::start();
    let uri = serve_token(
        &server,
        "/status/hidden",
        &[(1, tsl::INVALID)],
        eth_seal_signer(),
        eth_seal_header(),
    );
    let mut c = claims(ETH_ISS, None, far());
    let d = sd_jwt::Disclosure::new(
        "c2FsdC1mb3ItdGhlLXRlc3Q".into(),
        Some("status"),
        tsl::status_reference(1, &uri),
    );
    c.insert("_sd".into(), json!([d.digest]));
    c.insert("_sd_alg".into(), json!(sd_jwt::SD_ALG));
    let mut header = eth_seal_header();
    header.insert("typ".into(), json!(sd_jwt::TYP_SD_JWT_VC));
    let body = Value::Object(c).to_string();
    let jwt = proofs::jose::sign_compact(header, body.as_bytes(), eth_seal_signer()).unwrap();
    let r = verifier::verify(
        format!("{jwt}~{}~", d.encoded).as_bytes(),
        &policy(),
        &clock(),
    );
    assert_eq!(r.verdict, Verdict::Invalid, "{}", show(&r));
    assert_check_says(
        &r,
        CheckKind::Proof,
        CheckStatus::Failed,
        "/status is in a Disclosure, but SD-JWT VC §3.2.2.2 forbids",
    );
    // The issuance side refuses such claims and their members.
    for path in ["status", "/cnf/jwk", "/status/status_list"] {
        let e = sd_jwt::issue(
            claims(ETH_ISS, Some(tsl::status_reference(1, &uri)), far()),
            &[path.to_string()],
            eth_seal_header(),
            sd_jwt::TYP_SD_JWT_VC,
            eth_seal_signer(),
            &mut RandomSalts,
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("must not be selectively disclosable"),
            "{path}: {e}"
        );
    }
    let at_exp = issue(
        claims(ETH_ISS, None, now_ts()),
        eth_seal_header(),
        eth_seal_signer(),
    );
    let r = verifier::verify(at_exp.as_bytes(), &policy(), &clock());
    assert_check_says(
        &r,
        CheckKind::Expiry,
        CheckStatus::Failed,
        "expired: exp was",
    );
}

/// Review of issue #16 (helper R): a status `uri` that answers something other than a JWS (an
/// error page) leaves the status unknown: "could not check", not "revoked".
#[test]
fn a_status_uri_serving_no_token_is_could_not_check() {
    let server = Server::start();
    let uri = server.put_typed(
        "/status/error-page",
        "text/html",
        "<html>maintenance</html>",
    );
    let sd = issue(
        claims(ETH_ISS, Some(tsl::status_reference(1, &uri)), far()),
        eth_seal_header(),
        eth_seal_signer(),
    );
    let r = verifier::verify(sd.as_bytes(), &policy(), &clock());
    assert_eq!(r.verdict, Verdict::Indeterminate, "{}", show(&r));
    assert_check_says(
        &r,
        CheckKind::Revocation,
        CheckStatus::Error,
        "is not a status list token (could not check)",
    );
}
