//! OpenID4VP 1.0 presentation requests (issue #17 points 1 and 4): the DCQL queries (§6) for each
//! credential form and restriction, the signed request object (RFC 9101, `x509_san_dns` with the
//! demo client certificate of `keys.example/verifier/`, verified against the demo CA), the
//! unsigned `redirect_uri` request, the request store (expiry, single use, retention, bound) with
//! an injected time, and the relying-party API over HTTP on 127.0.0.1 (201 with the links, the
//! request object and QR code, 422 naming the field).
#![cfg(feature = "service")]
// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use proofs::certs::{self, TrustAnchors, TrustStatus};
use serde_json::{json, Value};
use service_kit::test_client::{get, post_json};
use verifier::oid4vp::dcql::{build_query, CredentialForm, DcqlError, QuerySpec};
use verifier::oid4vp::request::{
    create_request, issuer_filter, programme_units, request_object, ClientIdentity, Oid4vpSettings,
    RequestParams, SettingsError,
};
use verifier::oid4vp::store::{
    PresentationResult, RequestOutcome, RequestPurpose, RequestStore, ResponseMode, StoreError,
};
use verifier::report::Verdict;
use verifier::service::config::ClientIdPrefix;

const BASE_URL: &str = "https://verifier.example";

fn key_file(name: &str) -> std::path::PathBuf {
    repo().join("keys.example").join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(key_file(name)).unwrap()
}

fn x509_settings() -> Oid4vpSettings {
    Oid4vpSettings::x509_san_dns(
        BASE_URL,
        &read("verifier/client.key.pem"),
        &read("verifier/client.chain.pem"),
        None,
        Duration::seconds(300),
    )
    .unwrap()
}

fn now() -> DateTime<Utc> {
    created()
}

fn registry() -> verifier::registry::TrustRegistry {
    verifier::registry::TrustRegistry::demo().unwrap()
}

fn b64json(part: &str) -> Value {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[test]
fn dcql_one_query_per_form_with_type_and_vct() {
    let q = build_query(&QuerySpec {
        forms: vec![
            CredentialForm::SdJwtVc,
            CredentialForm::LdpVc,
            CredentialForm::JwtVcJson,
        ],
        ..QuerySpec::default()
    })
    .unwrap();
    let creds = q["credentials"].as_array().unwrap();
    assert_eq!(creds.len(), 3);
    let sd = &creds[0];
    assert_eq!(sd["format"], "dc+sd-jwt");
    assert_eq!(
        sd["meta"]["vct_values"],
        json!(["urn:eu.europa.ec.eudi:learning:credential:1"])
    );
    // Default claims: the mandatory ones (every award has them), each a one-step path.
    let paths: Vec<&Value> = sd["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["path"])
        .collect();
    assert!(paths.contains(&&json!(["family_name"])), "{sd}");
    assert!(paths.contains(&&json!(["achievement_title"])), "{sd}");
    assert!(
        !paths.contains(&&json!(["assessment_grade"])),
        "not mandatory: {sd}"
    );
    for (c, format) in [(&creds[1], "ldp_vc"), (&creds[2], "jwt_vc_json")] {
        assert_eq!(c["format"], format);
        assert_eq!(
            c["meta"]["type_values"],
            json!([["VerifiableCredential", "EuropeanDigitalCredential"]])
        );
        assert!(c.get("claims").is_none(), "no restriction, no claims: {c}");
    }
    // Any one form answers: one credential set with one option per form.
    let ids: Vec<Value> = creds.iter().map(|c| json!([c["id"]])).collect();
    assert_eq!(
        q["credential_sets"],
        json!([{"options": ids, "required": true}])
    );
    // A single form: no credential set.
    let q = build_query(&QuerySpec {
        forms: vec![CredentialForm::LdpVc],
        ..QuerySpec::default()
    })
    .unwrap();
    assert!(q.get("credential_sets").is_none());
}

#[test]
fn dcql_restrictions_and_selective_disclosure() {
    let reg = registry();
    let tudelft = issuer_filter(&reg, "tudelft").unwrap();
    assert_eq!(issuer_filter(&reg, &tudelft.dids[0]), Some(tudelft.clone()));
    assert!(issuer_filter(&reg, "nowhere").is_none());
    let q = build_query(&QuerySpec {
        forms: vec![CredentialForm::SdJwtVc, CredentialForm::LdpVc],
        issuers: vec![tudelft.clone()],
        claims: vec![
            "given_name".into(),
            "assessment_grade".into(),
            "issuing_authority".into(),
        ],
        units: vec![],
    })
    .unwrap();
    let sd = &q["credentials"][0];
    assert_eq!(
        sd["claims"],
        json!([
            {"path": ["given_name"]},
            {"path": ["assessment_grade"]},
            {"path": ["issuing_authority"], "values": tudelft.names}
        ])
    );
    let ldp = &q["credentials"][1];
    assert_eq!(
        ldp["claims"],
        json!([{"path": ["issuer", "id"], "values": tudelft.dids}])
    );
    // Claim names are those of the learning credential; the error names the entry.
    let e = build_query(&QuerySpec {
        forms: vec![CredentialForm::SdJwtVc],
        claims: vec!["given_name".into(), "salary".into()],
        ..QuerySpec::default()
    })
    .unwrap_err();
    assert!(matches!(e, DcqlError::UnknownClaim { index: 1, .. }), "{e}");
    assert!(e.to_string().starts_with("claims[1]: \"salary\""), "{e}");
    assert_eq!(build_query(&QuerySpec::default()), Err(DcqlError::NoForm));
}

#[test]
fn dcql_stackability_one_credential_set_per_unit() {
    let programme: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("examples/stack/programme.json")).unwrap(),
    )
    .unwrap();
    let units = programme_units(&programme, &registry()).unwrap();
    assert_eq!(units.len(), 4);
    let q = build_query(&QuerySpec {
        forms: vec![CredentialForm::SdJwtVc, CredentialForm::LdpVc],
        units: units.clone(),
        ..QuerySpec::default()
    })
    .unwrap();
    assert_eq!(q["credentials"].as_array().unwrap().len(), 8);
    let sets = q["credential_sets"].as_array().unwrap();
    assert_eq!(sets.len(), 4);
    for (n, (set, unit)) in sets.iter().zip(&units).enumerate() {
        let ids = json!([
            [format!("unit{}_learning_sd_jwt", n + 1)],
            [format!("unit{}_edc_ldp", n + 1)]
        ]);
        assert_eq!(set["options"], ids);
        assert_eq!(set["required"], json!(unit.obligatory), "{set}");
    }
    // Two obligatory units (TU Delft, WUT), two electives.
    let required = sets.iter().filter(|s| s["required"] == true).count();
    assert_eq!(required, 2);
    let first_ldp = &q["credentials"][1];
    assert_eq!(
        first_ldp["claims"][1],
        json!({
            "path": ["credentialSubject", "hasClaim", null, "specifiedBy", "id"],
            "values": [units[0].specification_id]
        })
    );
    let first_sd = &q["credentials"][0];
    let title = first_sd["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == json!(["achievement_title"]))
        .unwrap();
    assert_eq!(title["values"], json!([units[0].title]));
    // A programme credential or a unit from outside the registry is refused, naming `programme`.
    let e = programme_units(&json!({"credentialSubject": {}}), &registry()).unwrap_err();
    assert!(e.to_string().starts_with("programme:"), "{e}");
}

#[test]
fn signed_request_object_verifies_to_the_demo_ca_and_matches_the_client_id() {
    let settings = x509_settings();
    let params = RequestParams {
        forms: vec![CredentialForm::SdJwtVc],
        ..RequestParams::default()
    };
    let (pending, links) = create_request(&params, &settings, now()).unwrap();
    assert_eq!(pending.client_id, "x509_san_dns:localhost");
    assert!(pending.id.len() >= 43 && pending.nonce.len() >= 43 && pending.state.len() >= 43);
    assert!(pending
        .id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    assert_ne!(pending.nonce, pending.state);
    assert_eq!(pending.expires_at, now() + Duration::seconds(300));
    assert_eq!(
        links.request_uri,
        format!("{BASE_URL}/oid4vp/requests/{}/request.jwt", pending.id)
    );
    assert_eq!(
        links.result_url,
        format!("{BASE_URL}/oid4vp/requests/{}/result", pending.id)
    );
    let deep = reqwest::Url::parse(&links.deep_link).unwrap();
    assert_eq!(deep.scheme(), "openid4vp");
    let q: std::collections::HashMap<_, _> = deep.query_pairs().into_owned().collect();
    assert_eq!(q["client_id"], "x509_san_dns:localhost");
    assert_eq!(q["request_uri"], links.request_uri);
    assert_eq!(q["request_uri_method"], "get");

    let jwt = request_object(&pending, &settings, now()).unwrap();
    let jws = proofs::jose::decode_compact(&jwt).unwrap();
    assert_eq!(jws.typ(), Some("oauth-authz-req+jwt"));
    let parts: Vec<&str> = jwt.split('.').collect();
    let header = b64json(parts[0]);
    assert_eq!(header["alg"], "ES256");
    let chain_der = proofs::jose::x5c_chain(header.as_object().unwrap()).unwrap();
    let chain: Vec<_> = chain_der
        .iter()
        .map(|d| certs::certificate_from_der(d).unwrap())
        .collect();
    let anchors = TrustAnchors::from_pem(&read("ca/ca.cert.pem")).unwrap();
    assert!(
        matches!(
            certs::validate_path(&chain, &anchors, now()),
            TrustStatus::Trusted { .. }
        ),
        "the x5c chain leads to the demo CA"
    );
    let leaf_key = certs::certificate_public_key(&chain[0]).unwrap();
    jws.verify(&leaf_key).unwrap();
    let dns = pending.client_id.strip_prefix("x509_san_dns:").unwrap();
    assert!(certs::dns_names(&chain[0])
        .unwrap()
        .iter()
        .any(|n| n == dns));
    // A tampered payload does not verify.
    let mut payload = jws.payload_json().unwrap();
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        {
            use base64::Engine as _;
            payload.insert("nonce".into(), json!("attacker"));
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(Value::Object(payload).to_string())
        },
        parts[2]
    );
    assert!(proofs::jose::decode_compact(&tampered)
        .unwrap()
        .verify(&leaf_key)
        .is_err());

    let claims = jws.payload_json().unwrap();
    assert_eq!(claims["client_id"], "x509_san_dns:localhost");
    assert_eq!(claims["response_type"], "vp_token");
    assert_eq!(claims["response_mode"], "direct_post");
    assert_eq!(claims["response_uri"], pending.response_uri);
    assert_eq!(
        pending.response_uri,
        format!("{BASE_URL}/oid4vp/responses/{}", pending.id)
    );
    assert_eq!(claims["nonce"], pending.nonce);
    assert_eq!(claims["state"], pending.state);
    assert_eq!(claims["aud"], "https://self-issued.me/v2");
    assert_eq!(claims["dcql_query"], pending.dcql_query);
    assert_eq!(claims["iat"], json!(now().timestamp()));
    assert_eq!(claims["exp"], json!(pending.expires_at.timestamp()));
    assert!(claims["client_metadata"]["vp_formats_supported"]["dc+sd-jwt"].is_object());
    assert!(claims["client_metadata"].get("jwks").is_none());
}

#[test]
fn direct_post_jwt_carries_the_ephemeral_encryption_key() {
    let settings = x509_settings();
    let params = RequestParams {
        response_mode: ResponseMode::DirectPostJwt,
        ..RequestParams::default()
    };
    let (pending, _) = create_request(&params, &settings, now()).unwrap();
    let key = pending.encryption_key.clone().unwrap();
    let jwt = request_object(&pending, &settings, now()).unwrap();
    let claims = proofs::jose::decode_compact(&jwt)
        .unwrap()
        .payload_json()
        .unwrap();
    assert_eq!(claims["response_mode"], "direct_post.jwt");
    let meta = &claims["client_metadata"];
    assert_eq!(
        meta["encrypted_response_enc_values_supported"],
        json!(["A128GCM", "A256GCM"])
    );
    let jwk = &meta["jwks"]["keys"][0];
    assert_eq!(
        (jwk["kty"].as_str(), jwk["crv"].as_str()),
        (Some("EC"), Some("P-256"))
    );
    assert_eq!(
        (jwk["alg"].as_str(), jwk["use"].as_str()),
        (Some("ECDH-ES"), Some("enc"))
    );
    assert!(jwk.get("d").is_none(), "public key only");
    assert!(jwk["kid"].is_string());
    let public = proofs::jose::public_key_from_jwk(jwk).unwrap();
    assert_eq!(public, proofs::PublicKey::P256(key.public_key()));
    // Debug never shows the private key.
    let debug = format!("{pending:?}");
    assert!(debug.contains("[redacted]"), "{debug}");
    let d = {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.to_bytes())
    };
    assert!(!debug.contains(&d) && !jwt.contains(&d));
    // Each request has its own key.
    let (other, _) = create_request(&params, &settings, now()).unwrap();
    assert_ne!(other.encryption_key.unwrap().to_bytes(), key.to_bytes());
}

#[test]
fn redirect_uri_requests_are_unsigned_and_passed_by_value() {
    let settings = Oid4vpSettings::redirect_uri(BASE_URL, Duration::seconds(60));
    let (pending, links) = create_request(&RequestParams::default(), &settings, now()).unwrap();
    assert_eq!(
        pending.client_id,
        format!("redirect_uri:{}", pending.response_uri)
    );
    let deep = reqwest::Url::parse(&links.deep_link).unwrap();
    let q: std::collections::HashMap<_, _> = deep.query_pairs().into_owned().collect();
    assert!(
        !q.contains_key("request_uri"),
        "§5.9.3: not signed, so by value"
    );
    assert_eq!(q["client_id"], pending.client_id);
    assert_eq!(q["nonce"], pending.nonce);
    assert_eq!(q["response_mode"], "direct_post");
    let query: Value = serde_json::from_str(&q["dcql_query"]).unwrap();
    assert_eq!(query, pending.dcql_query);
    let jwt = request_object(&pending, &settings, now()).unwrap();
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(
        b64json(parts[0]),
        json!({"typ": "oauth-authz-req+jwt", "alg": "none"})
    );
    assert_eq!(parts[2], "");
    assert_eq!(b64json(parts[1])["nonce"], pending.nonce);
}

#[test]
fn client_settings_are_checked() {
    let key = read("verifier/client.key.pem");
    let chain = read("verifier/client.chain.pem");
    let lifetime = Duration::seconds(60);
    let s = Oid4vpSettings::x509_san_dns(BASE_URL, &key, &chain, Some("localhost"), lifetime);
    let s = s.unwrap();
    assert!(matches!(s.client, ClientIdentity::X509SanDns { .. }));
    // §5.9.3: a wallet that does not know the client wants the response_uri's host to be the DNS
    // name; the service warns at start when the public URL does not give it.
    assert!(
        !s.response_host_matches(),
        "verifier.example is not localhost"
    );
    let local = "http://localhost:8090";
    let s = Oid4vpSettings::x509_san_dns(local, &key, &chain, None, lifetime).unwrap();
    assert!(s.response_host_matches());
    assert!(Oid4vpSettings::redirect_uri(BASE_URL, lifetime).response_host_matches());
    let e = Oid4vpSettings::x509_san_dns(BASE_URL, &key, &chain, Some("evil.example"), lifetime)
        .unwrap_err();
    assert!(matches!(e, SettingsError::DnsName(_)), "{e}");
    assert!(e.to_string().starts_with("oid4vp.client_dns_name"));
    // Another key than the certificate's.
    let other = read("wut/seal.key.pem");
    let e = Oid4vpSettings::x509_san_dns(BASE_URL, &other, &chain, None, lifetime).unwrap_err();
    assert!(matches!(e, SettingsError::Chain(_)), "{e}");
    // A certificate without a subjectAltName (a seal certificate).
    let e = Oid4vpSettings::x509_san_dns(
        BASE_URL,
        &other,
        &read("wut/seal.chain.pem"),
        None,
        lifetime,
    )
    .unwrap_err();
    assert!(e.to_string().contains("subjectAltName"), "{e}");
    // An RSA key is not ES256.
    let e =
        Oid4vpSettings::x509_san_dns(BASE_URL, &read("eth/seal.key.pem"), &chain, None, lifetime)
            .unwrap_err();
    assert!(matches!(e, SettingsError::Key(_)), "{e}");
}

fn result(at: DateTime<Utc>) -> PresentationResult {
    PresentationResult {
        verdict: Verdict::Valid,
        credentials: vec![],
        stack: None,
        problems: vec![],
        completed_at: at,
    }
}

#[test]
fn store_single_use_expiry_and_retention() {
    let settings = Oid4vpSettings::redirect_uri(BASE_URL, Duration::seconds(300));
    let store = RequestStore::new(3, Duration::seconds(600));
    let t0 = now();
    let (a, _) = create_request(&RequestParams::default(), &settings, t0).unwrap();
    let (b, _) = create_request(&RequestParams::default(), &settings, t0).unwrap();
    store.insert(a.clone()).unwrap();
    store.insert(b.clone()).unwrap();
    assert_eq!(store.len(), 2);
    assert!(store.get(&a.id, t0).is_some());
    assert_eq!(store.outcome(&a.id, t0), Some(RequestOutcome::Pending));
    assert!(store.get("nope", t0).is_none());

    // Wrong or missing state: refused, and the request stays answerable.
    let t1 = t0 + Duration::seconds(10);
    assert_eq!(
        store.begin_response(&a.id, Some("x"), t1).unwrap_err(),
        StoreError::StateMismatch
    );
    assert_eq!(
        store.begin_response(&a.id, None, t1).unwrap_err(),
        StoreError::StateMismatch
    );
    assert_eq!(
        store
            .begin_response("nope", Some(&a.state), t1)
            .unwrap_err(),
        StoreError::Unknown
    );
    // Single use.
    let got = store.begin_response(&a.id, Some(&a.state), t1).unwrap();
    assert_eq!(got.nonce, a.nonce);
    assert_eq!(
        store.begin_response(&a.id, Some(&a.state), t1).unwrap_err(),
        StoreError::AlreadyAnswered
    );
    assert_eq!(
        store.outcome(&a.id, t1),
        Some(RequestOutcome::Pending),
        "being verified"
    );
    store.complete(&a.id, result(t1));
    assert_eq!(
        store.outcome(&a.id, t1),
        Some(RequestOutcome::Completed(result(t1)))
    );
    assert_eq!(
        store.begin_response(&a.id, Some(&a.state), t1).unwrap_err(),
        StoreError::AlreadyAnswered,
        "a replayed response"
    );

    // b expires unanswered after 300 s.
    let expired = t0 + Duration::seconds(300);
    assert!(store.get(&b.id, expired - Duration::seconds(1)).is_some());
    assert!(
        store.get(&b.id, expired).is_none(),
        "the request object is gone"
    );
    assert_eq!(
        store
            .begin_response(&b.id, Some(&b.state), expired)
            .unwrap_err(),
        StoreError::Expired
    );
    assert_eq!(store.outcome(&b.id, expired), Some(RequestOutcome::Expired));

    // Retention: a's result lives 600 s after completion; b's entry 600 s after expiry.
    let a_gone = t1 + Duration::seconds(600);
    assert!(store
        .outcome(&a.id, a_gone - Duration::seconds(1))
        .is_some());
    assert_eq!(
        store.outcome(&a.id, a_gone),
        None,
        "deleted after its retention time"
    );
    assert_eq!(store.purge(a_gone - Duration::seconds(1)), 0);
    assert_eq!(store.purge(a_gone), 1);
    assert_eq!(store.len(), 1);
    assert_eq!(
        store
            .begin_response(&a.id, Some(&a.state), a_gone)
            .unwrap_err(),
        StoreError::Unknown
    );
    let b_gone = expired + Duration::seconds(600);
    assert_eq!(store.purge(b_gone), 1);
    assert!(store.is_empty());
}

#[test]
fn store_is_bounded() {
    let settings = Oid4vpSettings::redirect_uri(BASE_URL, Duration::seconds(60));
    let store = RequestStore::new(2, Duration::seconds(60));
    let t0 = now();
    for _ in 0..2 {
        store
            .insert(
                create_request(&RequestParams::default(), &settings, t0)
                    .unwrap()
                    .0,
            )
            .unwrap();
    }
    let (c, _) = create_request(&RequestParams::default(), &settings, t0).unwrap();
    assert_eq!(store.insert(c.clone()).unwrap_err(), StoreError::Full(2));
    // Once the others are past expiry and retention, an insert purges them first.
    let mut later = c;
    later.created_at = t0 + Duration::seconds(120);
    later.expires_at = later.created_at + Duration::seconds(60);
    store.insert(later).unwrap();
    assert_eq!(store.len(), 1);
}

async fn service_with(prefix: ClientIdPrefix) -> verifier::service::RunningService {
    let mut config = service_config();
    config.oid4vp.client_id_prefix = prefix;
    config.oid4vp.client_key_file = Some(key_file("verifier/client.key.pem"));
    config.oid4vp.client_chain_file = Some(key_file("verifier/client.chain.pem"));
    start_service(config).await
}

#[tokio::test]
async fn api_creates_requests_and_serves_the_request_object() {
    let s = service_with(ClientIdPrefix::X509SanDns).await;
    let base = s.url();
    let body = json!({
        "forms": ["dc+sd-jwt", "ldp_vc"],
        "universities": ["tudelft"],
        "claims": ["given_name", "family_name"],
        "response_mode": "direct_post.jwt",
        "webhook_url": "https://hr.example/hook"
    });
    let res = post_json(&base, "/oid4vp/requests", None, &body).await;
    assert_eq!(res.status().as_u16(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let links: Value = res.json().await.unwrap();
    let id = links["id"].as_str().unwrap();
    assert_eq!(location, links["result_url"]);
    assert_eq!(
        links["request_uri"],
        format!("{base}/oid4vp/requests/{id}/request.jwt")
    );
    assert_eq!(links["qr"], format!("{base}/oid4vp/requests/{id}/qr.svg"));
    assert!(links["deep_link"]
        .as_str()
        .unwrap()
        .starts_with("openid4vp://?client_id=x509_san_dns%3Alocalhost&request_uri="));
    let expires: DateTime<Utc> = links["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        expires,
        clock().0 + Duration::seconds(300),
        "the injected clock"
    );

    let res = get(&base, &format!("/oid4vp/requests/{id}/request.jwt"), None).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/oauth-authz-req+jwt"
    );
    let jwt = res.text().await.unwrap();
    let claims = proofs::jose::decode_compact(&jwt)
        .unwrap()
        .payload_json()
        .unwrap();
    assert_eq!(claims["response_mode"], "direct_post.jwt");
    assert_eq!(
        claims["response_uri"],
        format!("{base}/oid4vp/responses/{id}")
    );
    assert_eq!(
        claims["dcql_query"]["credentials"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        claims["dcql_query"]["credentials"][1]["claims"][0]["path"],
        json!(["issuer", "id"])
    );

    let res = get(&base, &format!("/oid4vp/requests/{id}/qr.svg"), None).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    assert!(res.text().await.unwrap().starts_with("<svg"));

    let res = get(&base, "/oid4vp/requests/unknown/request.jwt", None).await;
    assert_eq!(res.status().as_u16(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");

    // A stackability request: one credential set per unit of the programme.
    let programme: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("examples/stack/programme.json")).unwrap(),
    )
    .unwrap();
    let res = post_json(
        &base,
        "/oid4vp/requests",
        None,
        &json!({"programme": programme}),
    )
    .await;
    assert_eq!(res.status().as_u16(), 201);
    s.shutdown().await.unwrap();
}

#[tokio::test]
async fn api_errors_name_the_field() {
    let s = service_with(ClientIdPrefix::RedirectUri).await;
    let base = s.url();
    let cases = [
        (json!({"forms": ["mso_mdoc"]}), "forms[0]"),
        (json!({"forms": []}), "forms:"),
        (json!({"forms": "ldp_vc"}), "forms:"),
        (json!({"claims": ["given_name", "salary"]}), "claims[1]"),
        (json!({"universities": ["harvard"]}), "universities[0]"),
        (json!({"response_mode": "fragment"}), "response_mode"),
        (
            json!({"webhook_url": "http://hr.example/hook"}),
            "webhook_url",
        ),
        (json!({"webhook_url": 7}), "webhook_url"),
        // A private address is refused when the request is made (the address check only).
        (
            json!({"webhook_url": "https://10.0.0.1/hook"}),
            "webhook_url",
        ),
        (
            json!({"webhook_url": "https://[fd00::1]/hook"}),
            "webhook_url",
        ),
        (json!({"programme": {"leadUniversity": "x"}}), "programme:"),
        (json!({"form": ["ldp_vc"]}), "form:"),
        (json!([1]), "(body)"),
    ];
    for (body, field) in cases {
        let res = post_json(&base, "/oid4vp/requests", None, &body).await;
        assert_eq!(res.status().as_u16(), 422, "{body}");
        let problem: Value = res.json().await.unwrap();
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.starts_with(field), "{body}: {detail}");
    }
    // The defaults (every form, redirect_uri) work with an empty object.
    let res = post_json(&base, "/oid4vp/requests", None, &json!({})).await;
    assert_eq!(res.status().as_u16(), 201);
    let links: Value = res.json().await.unwrap();
    assert!(links["deep_link"]
        .as_str()
        .unwrap()
        .contains("client_id=redirect_uri%3A"));
    s.shutdown().await.unwrap();
}

#[test]
fn config_names_the_oid4vp_settings() {
    use std::collections::HashMap;
    use verifier::service::ServiceConfig;
    let c = ServiceConfig::default();
    assert_eq!(c.oid4vp.client_id_prefix, ClientIdPrefix::RedirectUri);
    assert_eq!(
        (
            c.oid4vp.request_lifetime_secs,
            c.oid4vp.result_retention_secs
        ),
        (300, 600)
    );
    let env: HashMap<String, String> = [
        ("ENHANCE_VERIFIER_OID4VP_CLIENT_ID_PREFIX", "x509_san_dns"),
        ("ENHANCE_VERIFIER_OID4VP_RESULT_RETENTION_SECS", "30"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let c = ServiceConfig::load_with_env(None, &env)
        .unwrap_err()
        .to_string();
    assert!(c.contains("oid4vp.client_key_file"), "{c}");
    let c = ServiceConfig::from_toml_str(
        "[oid4vp]\nclient_id_prefix = \"redirect_uri\"\nrequest_lifetime_secs = 5\n",
    )
    .unwrap();
    let e = c.check().unwrap_err().to_string();
    assert!(e.contains("oid4vp.request_lifetime_secs"), "{e}");
    let c = ServiceConfig::from_toml_str("[oid4vp]\nmax_pendin = 5\n").unwrap_err();
    assert!(c.contains("max_pendin"), "{c}");
    // The purpose of a request is stored with it.
    let settings = Oid4vpSettings::redirect_uri(BASE_URL, Duration::seconds(60));
    let params = RequestParams {
        purpose: RequestPurpose::Stack {
            programme: json!({"id": "p"}),
        },
        ..RequestParams::default()
    };
    let (p, _) = create_request(&params, &settings, now()).unwrap();
    assert_eq!(p.purpose, params.purpose);
}
