//! SD-JWT (RFC 9901): the RFC's own vectors (Disclosure digests, the §5.2 presentation with its
//! Key Binding JWT), issuance and presentation round trips, and every rejection of §7.1 / §7.3.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use proofs::sd_jwt::{
    self, digest_of, Disclosure, KeyBindingClaims, KeyBindingRules, SdJwt, SdJwtError, SeededSalts,
};
use proofs::signer::{Ed25519Signer, P256Signer};
use proofs::Signer;
use serde_json::{json, Map, Value};

/// RFC 9901 Appendix A.5: the example issuer's public key.
fn rfc_issuer_key() -> proofs::PublicKey {
    proofs::jose::public_key_from_jwk(&json!({
        "kty": "EC", "crv": "P-256",
        "x": "b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ",
        "y": "Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8"
    }))
    .unwrap()
}

fn rfc_presentation() -> String {
    std::fs::read_to_string(common::testdata("rfc9901/section-5.2-presentation.txt"))
        .unwrap()
        .trim()
        .to_string()
}

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap()
}

fn issuer() -> P256Signer {
    let key = p256::ecdsa::SigningKey::from_bytes(&[7u8; 32].into()).unwrap();
    P256Signer::new("https://uni.example/universities/eth#seal", key)
}

fn holder() -> Ed25519Signer {
    Ed25519Signer::from_secret_bytes("holder", &[9u8; 32])
}

fn holder_jwk() -> Value {
    Value::Object(proofs::jose::public_key_to_jwk(&holder().public_key()).unwrap())
}

fn claims() -> Map<String, Value> {
    json!({
        "iss": "https://uni.example/universities/eth",
        "iat": 1_700_000_000,
        "exp": 1_900_000_000,
        "vct": "urn:eu.europa.ec.eudi:learning:credential:1",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth": "1815-12-10",
        "achievement": {"title": "Analytical Engines", "grade": "6.0", "credits": 5},
        "languages": ["en", "fr", "it"],
        "cnf": {"jwk": holder_jwk()}
    })
    .as_object()
    .unwrap()
    .clone()
}

fn paths(p: &[&str]) -> Vec<String> {
    p.iter().map(|s| s.to_string()).collect()
}

fn issue_sample() -> String {
    sd_jwt::issue(
        claims(),
        &paths(&[
            "given_name",
            "family_name",
            "date_of_birth",
            "/achievement/grade",
            "/achievement",
            "/languages/1",
        ]),
        Map::new(),
        sd_jwt::TYP_SD_JWT_VC,
        &issuer(),
        &mut SeededSalts::new("test"),
    )
    .unwrap()
}

fn now() -> DateTime<Utc> {
    at(1_800_000_000)
}

fn kb_claims() -> KeyBindingClaims {
    KeyBindingClaims {
        aud: "https://verifier.example".into(),
        nonce: "n-0S6_WzA2Mj".into(),
        iat: now(),
    }
}

fn rules() -> KeyBindingRules<'static> {
    KeyBindingRules::required("n-0S6_WzA2Mj", "https://verifier.example", now())
}

fn verify(sd: &str, rules: &KeyBindingRules<'_>) -> Result<sd_jwt::Verified, SdJwtError> {
    SdJwt::parse(sd)?.verify(&issuer().public_key(), rules)
}

fn b64_json(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

#[test]
fn rfc9901_disclosure_vectors_byte_for_byte() {
    // RFC 9901 §4.2.1 (object property) and §4.2.3 (its digest).
    let d = Disclosure::parse(
        "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0",
    )
    .unwrap();
    assert_eq!(d.salt, "_26bc4LT-ac6q2KI6cBW5es");
    assert_eq!(d.name.as_deref(), Some("family_name"));
    assert_eq!(d.value, json!("Möbius"));
    assert_eq!(d.digest, "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0");
    // RFC 9901 §4.2.2 (array element) and §4.2.3: ["lklxF5jMYlGTPUovMNIvCA", "FR"].
    let a = Disclosure::parse("WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0").unwrap();
    assert_eq!((a.name.as_deref(), &a.value), (None, &json!("FR")));
    assert_eq!(a.digest, "w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs");
    // RFC 9901 §5.1: given_name's Disclosure and the digest the issuer-signed payload carries.
    assert_eq!(
        digest_of("WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiLCAiSm9obiJd"),
        "jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4"
    );
    // Our own encoding of the same array is another (valid) Disclosure with another digest: the
    // digest is over the presented bytes, never over re-serialised JSON.
    let ours = Disclosure::new(
        "_26bc4LT-ac6q2KI6cBW5es".into(),
        Some("family_name"),
        json!("Möbius"),
    );
    assert_ne!(ours.digest, d.digest);
    assert_eq!(Disclosure::parse(&ours.encoded).unwrap(), ours);
}

#[test]
fn rfc9901_section_5_2_presentation_verifies_with_its_key_binding_jwt() {
    let sd = SdJwt::parse(&rfc_presentation()).unwrap();
    assert_eq!(sd.disclosures.len(), 4);
    // RFC 9901 §5.2: the sd_hash the holder signed.
    assert_eq!(
        sd_jwt::sd_hash(&sd.presented()),
        "0_Af-2B-EhLWX5ydh_w2xzwmO6iM66B_2QCEanI4fUY"
    );
    let rules = KeyBindingRules::required(
        "1234567890",
        "https://verifier.example.org",
        at(1_748_537_244),
    );
    let v = sd.verify(&rfc_issuer_key(), &rules).unwrap();
    // The Processed SD-JWT Payload listed in RFC 9901 §5.2.
    let expected = json!({
        "iss": "https://issuer.example.com", "iat": 1683000000, "exp": 1883000000,
        "sub": "user_42", "nationalities": ["US"],
        "cnf": {"jwk": {"kty": "EC", "crv": "P-256",
            "x": "TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc",
            "y": "ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ"}},
        "family_name": "Doe",
        "address": {"street_address": "123 Main St", "locality": "Anytown",
            "region": "Anystate", "country": "US"},
        "given_name": "John"
    });
    assert_eq!(Value::Object(v.payload), expected);
    let kb = v.key_binding.unwrap();
    assert_eq!(
        (kb.nonce.as_str(), kb.iat),
        ("1234567890", at(1_748_537_244))
    );
    let mut paths: Vec<&str> = v.disclosed.iter().map(|c| c.path.as_str()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/address",
            "/family_name",
            "/given_name",
            "/nationalities/0"
        ]
    );
    // The same presentation with a wrong nonce, a wrong audience, or late.
    let e = sd
        .verify(
            &rfc_issuer_key(),
            &KeyBindingRules {
                nonce: Some("other"),
                ..rules
            },
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            SdJwtError::KeyBinding {
                member: "nonce",
                ..
            }
        ),
        "{e}"
    );
    let e = sd
        .verify(
            &rfc_issuer_key(),
            &KeyBindingRules {
                aud: Some("https://elsewhere.example"),
                ..rules
            },
        )
        .unwrap_err();
    assert!(
        matches!(e, SdJwtError::KeyBinding { member: "aud", .. }),
        "{e}"
    );
    let e = sd
        .verify(
            &rfc_issuer_key(),
            &KeyBindingRules {
                now: at(1_748_537_244 + 3600),
                ..rules
            },
        )
        .unwrap_err();
    assert!(
        matches!(e, SdJwtError::KeyBinding { member: "iat", .. }),
        "{e}"
    );
    // Review of issue #16 (helper R): windows past the representable dates bound nothing on
    // that side and do not panic (checked date arithmetic).
    let wide = KeyBindingRules {
        max_age: chrono::Duration::MAX,
        leeway: chrono::Duration::MAX,
        ..rules
    };
    assert!(sd.verify(&rfc_issuer_key(), &wide).is_ok());
    // Another issuer key: the issuer signature fails.
    let e = sd.verify(&issuer().public_key(), &rules).unwrap_err();
    assert!(matches!(e, SdJwtError::IssuerJwt(_)), "{e}");
}

#[test]
fn issued_sd_jwt_has_sorted_digests_and_verifies_with_every_disclosure() {
    let sd = issue_sample();
    assert!(sd.ends_with('~'));
    let parsed = SdJwt::parse(&sd).unwrap();
    assert_eq!(parsed.jws.typ(), Some("dc+sd-jwt"));
    assert_eq!(parsed.disclosures.len(), 6);
    let signed = parsed.signed_payload().unwrap();
    assert_eq!(signed["_sd_alg"], "sha-256");
    for hidden in ["given_name", "family_name", "date_of_birth", "achievement"] {
        assert!(!signed.contains_key(hidden), "{hidden} is visible");
    }
    let top: Vec<&str> = signed["_sd"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    let mut sorted = top.clone();
    sorted.sort();
    assert_eq!((top.len(), &top), (4, &sorted));
    assert_eq!(signed["languages"][0], "en");
    assert!(signed["languages"][1]["..."].is_string());
    // Salts are 128 bits.
    for d in &parsed.disclosures {
        assert_eq!(URL_SAFE_NO_PAD.decode(&d.salt).unwrap().len(), 16);
    }
    let v = verify(&sd, &KeyBindingRules::optional(now())).unwrap();
    let mut expected = claims();
    expected.remove("cnf");
    let mut got = v.payload.clone();
    got.remove("cnf");
    assert_eq!(Value::Object(got), Value::Object(expected));
    assert!(v.key_binding.is_none());
    // Deterministic salts (and Ed25519/ES256-RFC 6979 signatures) give the same SD-JWT twice.
    assert_eq!(issue_sample(), sd);
}

#[test]
fn random_salts_and_decoys() {
    let sd = sd_jwt::issue_with_decoys(
        claims(),
        &paths(&["given_name"]),
        Map::new(),
        sd_jwt::TYP_SD_JWT_VC,
        &issuer(),
        &mut sd_jwt::RandomSalts,
        3,
    )
    .unwrap();
    let parsed = SdJwt::parse(&sd).unwrap();
    assert_eq!(
        parsed.signed_payload().unwrap()["_sd"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    let v = verify(&sd, &KeyBindingRules::optional(now())).unwrap();
    assert_eq!(v.payload["given_name"], "Ada");
    let again = sd_jwt::issue(
        claims(),
        &paths(&["given_name"]),
        Map::new(),
        sd_jwt::TYP_SD_JWT_VC,
        &issuer(),
        &mut sd_jwt::RandomSalts,
    )
    .unwrap();
    assert_ne!(
        SdJwt::parse(&again).unwrap().disclosures[0].salt,
        parsed.disclosures[0].salt
    );
}

#[test]
fn presentation_selects_disclosures_with_their_ancestors_and_key_binding() {
    let sd = issue_sample();
    let p = sd_jwt::present_with_key_binding(
        &sd,
        &paths(&["/achievement/grade", "given_name"]),
        &kb_claims(),
        &holder(),
    )
    .unwrap();
    let v = verify(&p, &rules()).unwrap();
    assert_eq!(v.payload["given_name"], "Ada");
    assert_eq!(v.payload["achievement"]["grade"], "6.0");
    assert_eq!(v.payload["achievement"]["title"], "Analytical Engines");
    assert!(!v.payload.contains_key("family_name"));
    assert!(!v.payload.contains_key("date_of_birth"));
    assert_eq!(v.payload["languages"], json!(["en", "it"]));
    let kb = v.key_binding.unwrap();
    assert_eq!(kb.aud, "https://verifier.example");
    assert_eq!(kb.holder_jwk, holder_jwk());
    // Only the achievement without its grade: the grade's Disclosure is not sent.
    let p2 = sd_jwt::present(&sd, &paths(&["/achievement"])).unwrap();
    assert_eq!(SdJwt::parse(&p2).unwrap().disclosures.len(), 1);
    let v2 = verify(&p2, &KeyBindingRules::optional(now())).unwrap();
    assert_eq!(
        v2.payload["achievement"],
        json!({"title": "Analytical Engines", "credits": 5})
    );
}

#[test]
fn a_tampered_disclosure_fails_naming_it() {
    let sd = issue_sample();
    let parsed = SdJwt::parse(&sd).unwrap();
    let i = parsed
        .disclosures
        .iter()
        .position(|d| d.name.as_deref() == Some("family_name"))
        .unwrap();
    let d = &parsed.disclosures[i];
    let forged = b64_json(&json!([d.salt, "family_name", "Byron"]));
    let tampered = sd.replace(&d.encoded, &forged);
    let e = verify(&tampered, &KeyBindingRules::optional(now())).unwrap_err();
    match &e {
        SdJwtError::Disclosure {
            index,
            claim,
            reason,
        } => {
            assert_eq!((*index, claim.as_str()), (i + 1, "claim \"family_name\""));
            assert!(reason.contains("not referenced"), "{reason}");
        }
        other => panic!("{other}"),
    }
    assert!(e.to_string().contains("family_name"), "{e}");
}

#[test]
fn duplicate_and_reserved_disclosures_are_refused() {
    let sd = issue_sample();
    let parsed = SdJwt::parse(&sd).unwrap();
    let first = &parsed.disclosures[0].encoded;
    let dup = format!("{sd}{first}~");
    let e = verify(&dup, &KeyBindingRules::optional(now())).unwrap_err();
    assert!(
        matches!(&e, SdJwtError::Disclosure { reason, .. } if reason.contains("twice")),
        "{e}"
    );
    // A Disclosure whose claim name is `_sd` or `...` (RFC 9901 §7.1 step 3.2.2.2).
    for name in ["_sd", "..."] {
        let bad = b64_json(&json!(["c2FsdHNhbHRzYWx0", name, "x"]));
        let e = verify(&format!("{sd}{bad}~"), &KeyBindingRules::optional(now())).unwrap_err();
        assert!(
            matches!(&e, SdJwtError::Disclosure { reason, .. } if reason.contains("forbids")),
            "{e}"
        );
    }
    // Signed payloads that break §7.1: one digest twice, in `_sd` and as an array element; a
    // Disclosure over an existing claim; a malformed `_sd`.
    let d = sd_jwt::Disclosure::new("c2FsdA".into(), Some("x"), json!(1));
    let e_arr = sd_jwt::Disclosure::new("c2FsdA".into(), None, json!(1));
    let cases: Vec<(Value, Vec<&sd_jwt::Disclosure>, &str)> = vec![
        (
            json!({"_sd": [d.digest], "a": [{"...": d.digest}]}),
            vec![],
            "more than once",
        ),
        (json!({"_sd": [d.digest], "x": 2}), vec![&d], "already has"),
        (json!({"_sd": "nope"}), vec![], "array of digests"),
        (
            json!({"_sd": [e_arr.digest]}),
            vec![&e_arr],
            "array element",
        ),
        (json!({"a": [{"...": d.digest}]}), vec![&d], "object member"),
        (json!({"_sd_alg": "sha-512"}), vec![], "sha-256 only"),
    ];
    for (payload, ds, want) in cases {
        let jwt = proofs::jose::sign_compact(Map::new(), payload.to_string().as_bytes(), &issuer())
            .unwrap();
        let mut s = jwt;
        for d in ds {
            s.push('~');
            s.push_str(&d.encoded);
        }
        s.push('~');
        let e = verify(&s, &KeyBindingRules::optional(now())).unwrap_err();
        assert!(e.to_string().contains(want), "{payload}: {e}");
    }
}

#[test]
fn key_binding_rejections() {
    let sd = issue_sample();
    let presented = sd_jwt::present(&sd, &paths(&["given_name"])).unwrap();
    // Missing when required.
    assert_eq!(
        verify(&presented, &rules()).unwrap_err(),
        SdJwtError::KeyBindingMissing
    );
    // sd_hash over another presentation (the holder signed one set, another is sent).
    let other = sd_jwt::present(&sd, &paths(&["family_name"])).unwrap();
    let kb = sd_jwt::key_binding_jwt(&other, &kb_claims(), &holder()).unwrap();
    let e = verify(&format!("{presented}{kb}"), &rules()).unwrap_err();
    assert!(
        matches!(
            e,
            SdJwtError::KeyBinding {
                member: "sd_hash",
                ..
            }
        ),
        "{e}"
    );
    // Wrong nonce, wrong aud, iat in the future.
    for (claims, member) in [
        (
            KeyBindingClaims {
                nonce: "replayed".into(),
                ..kb_claims()
            },
            "nonce",
        ),
        (
            KeyBindingClaims {
                aud: "https://attacker.example".into(),
                ..kb_claims()
            },
            "aud",
        ),
        (
            KeyBindingClaims {
                iat: now() + Duration::hours(1),
                ..kb_claims()
            },
            "iat",
        ),
    ] {
        let kb = sd_jwt::key_binding_jwt(&presented, &claims, &holder()).unwrap();
        let e = verify(&format!("{presented}{kb}"), &rules()).unwrap_err();
        assert!(
            matches!(e, SdJwtError::KeyBinding { member: m, .. } if m == member),
            "{member}: {e}"
        );
    }
    // Signed by a key that is not cnf.jwk.
    let stranger = Ed25519Signer::from_secret_bytes("x", &[1u8; 32]);
    let kb = sd_jwt::key_binding_jwt(&presented, &kb_claims(), &stranger).unwrap();
    let e = verify(&format!("{presented}{kb}"), &rules()).unwrap_err();
    assert!(
        matches!(
            e,
            SdJwtError::KeyBinding {
                member: "signature",
                ..
            }
        ),
        "{e}"
    );
    // typ other than kb+jwt; alg none.
    let payload = json!({"iat": now().timestamp(), "aud": "https://verifier.example",
        "nonce": "n-0S6_WzA2Mj", "sd_hash": sd_jwt::sd_hash(&presented)});
    let mut h = Map::new();
    h.insert("typ".into(), json!("JWT"));
    let kb = proofs::jose::sign_compact(h, payload.to_string().as_bytes(), &holder()).unwrap();
    let e = verify(&format!("{presented}{kb}"), &rules()).unwrap_err();
    assert!(
        matches!(e, SdJwtError::KeyBinding { member: "typ", .. }),
        "{e}"
    );
    let none = format!(
        "{}.{}.",
        b64_json(&json!({"alg": "none", "typ": "kb+jwt"})),
        b64_json(&payload)
    );
    let e = verify(&format!("{presented}{none}"), &rules()).unwrap_err();
    assert!(e.to_string().contains("none"), "{e}");
    // No cnf in the credential: nothing to check a Key Binding JWT with.
    let mut c = claims();
    c.remove("cnf");
    let unbound = sd_jwt::issue(
        c,
        &[],
        Map::new(),
        "dc+sd-jwt",
        &issuer(),
        &mut SeededSalts::new("u"),
    )
    .unwrap();
    let kb = sd_jwt::key_binding_jwt(&unbound, &kb_claims(), &holder()).unwrap();
    let e = verify(&format!("{unbound}{kb}"), &rules()).unwrap_err();
    assert!(
        matches!(e, SdJwtError::KeyBinding { member: "cnf", .. }),
        "{e}"
    );
}

#[test]
fn issuance_refuses_unknown_paths_and_always_visible_claims() {
    let issue = |p: &[&str]| {
        sd_jwt::issue(
            claims(),
            &paths(p),
            Map::new(),
            "dc+sd-jwt",
            &issuer(),
            &mut SeededSalts::new("x"),
        )
    };
    for (p, want) in [
        ("/achievement/nope", "names no claim"),
        ("/languages/7", "names no claim"),
        ("iss", "must not be selectively disclosable"),
        ("cnf", "must not be selectively disclosable"),
        ("vct", "must not be selectively disclosable"),
    ] {
        let e = issue(&[p]).unwrap_err();
        assert!(e.to_string().contains(want), "{p}: {e}");
    }
    assert!(SdJwt::parse("eyJhbGciOiJFUzI1NiJ9.e30.AA").is_err());
    assert!(matches!(
        SdJwt::parse("not-a-jwt~"),
        Err(SdJwtError::IssuerJwt(_))
    ));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Any one character of an issued SD-JWT+KB changed: verification never panics, and it
    /// succeeds only when the change does not alter what was signed (a base64url character
    /// whose low bits are padding, or nothing at all).
    #[test]
    fn a_changed_character_fails_verification_or_changes_nothing(
        pos in 0usize..100_000,
        replacement in proptest::sample::select(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".to_vec()
        ),
    ) {
        let original = sd_jwt::present_with_key_binding(
            &issue_sample(),
            &paths(&["given_name", "/achievement/grade"]),
            &kb_claims(),
            &holder(),
        )
        .unwrap();
        let mut bytes = original.clone().into_bytes();
        let pos = pos % bytes.len();
        bytes[pos] = replacement;
        let changed = String::from_utf8(bytes).unwrap();
        let baseline = verify(&original, &rules()).unwrap();
        if let Ok(v) = verify(&changed, &rules()) {
            proptest::prop_assert_eq!(v.payload, baseline.payload);
        }
    }
}
