//! JAdES seals: the EU's sealed EDC samples, round trips with the demo keys, and every rejection.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

mod common;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use common::*;
use proofs::certs::{CertificateInfo, TrustAnchors, TrustStatus};
use proofs::jades::{self, JadesError};
use proofs::Signer;
use serde_json::{json, Map, Value};

const EU_SAMPLES: [&str; 2] = [
    "edc/samples/elm-v3-official/Sample-MC-Annex1-signed.jsonld",
    "edc/samples/elm-v3-official/Sample-CertOfPart-signed.jsonld",
];

fn sig_t(bytes: &[u8]) -> chrono::DateTime<chrono::Utc> {
    let v: Value = serde_json::from_slice(bytes).unwrap();
    let h = protected_header(&v);
    chrono::DateTime::parse_from_rfc3339(h["sigT"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc)
}

fn protected_header(v: &Value) -> Map<String, Value> {
    let p = v["signatures"][0]["protected"].as_str().unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap()
}

#[test]
fn eu_sealed_samples_verify_and_report_the_sealing_organisation() {
    for path in EU_SAMPLES {
        let bytes = read_shared(path);
        let at = sig_t(&bytes);
        let report = jades::verify(&bytes, &TrustAnchors::empty(), at).unwrap();
        println!(
            "{path}: alg {} sigT {:?}\n  O = {:?}\n  organizationIdentifier = {:?}\n  CN = {:?}\n  C = {:?}\n  issuer = {}\n  valid {} .. {} (at sigT: {:?})\n  trust = {:?}",
            report.algorithm,
            report.signing_time,
            report.signer.organisation,
            report.signer.organisation_identifier,
            report.signer.common_name,
            report.signer.country,
            report.signer.issuer,
            report.signer.not_before,
            report.signer.not_after,
            report.certificate_valid_at_signing_time,
            report.trust
        );
        assert_eq!(report.algorithm, proofs::Algorithm::Rs256);
        assert_eq!(
            report.signer.organisation.as_deref(),
            Some("ORGANIZACION TEST")
        );
        assert_eq!(
            report.signer.organisation_identifier.as_deref(),
            Some("VATES-A00000000")
        );
        assert_eq!(report.signer.country.as_deref(), Some("ES"));
        assert_eq!(report.certificate_valid_at_signing_time, Some(true));
        assert!(report.has_data_timestamp, "EDC seals carry adoTst");
        assert_eq!(report.critical, ["b64", "sigT", "adoTst"]);
        // The EU's qualified CA is not one of our anchors: a genuine signature, an unknown CA.
        assert!(
            matches!(report.trust, TrustStatus::UnknownCa { .. }),
            "{:?}",
            report.trust
        );
        assert!(matches!(
            report.clone().require_trusted(),
            Err(JadesError::Untrusted(_))
        ));
        // The payload is the credential.
        assert_eq!(
            report.payload_json().unwrap()["type"][1],
            "EuropeanDigitalCredential"
        );
    }
}

#[test]
fn eu_kid_is_the_issuer_serial_we_write() {
    let v: Value = serde_json::from_slice(&read_shared(EU_SAMPLES[0])).unwrap();
    let h = protected_header(&v);
    let leaf = proofs::certs::certificate_from_der(
        &STANDARD.decode(h["x5c"][0].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(
        jades::kid_for_certificate(&leaf).unwrap(),
        h["kid"].as_str().unwrap()
    );
}

#[test]
fn changing_one_payload_byte_breaks_the_eu_seals() {
    for path in EU_SAMPLES {
        let bytes = read_shared(path);
        let at = sig_t(&bytes);
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        let payload = v["payload"].as_str().unwrap().to_string();
        for pos in [
            0,
            1,
            payload.len() / 3,
            payload.len() / 2,
            payload.len() - 2,
        ] {
            let mut b = payload.clone().into_bytes();
            // Swap one ASCII byte for another ASCII byte so the payload stays a valid string.
            b[pos] = if b[pos] == b'a' { b'b' } else { b'a' };
            let mut tampered = v.clone();
            tampered["payload"] = Value::String(String::from_utf8(b).unwrap());
            let r = jades::verify_value(&tampered, &TrustAnchors::empty(), at);
            assert_eq!(
                r.err(),
                Some(JadesError::SignatureInvalid),
                "{path} byte {pos}"
            );
        }
    }
}

fn credential() -> Vec<u8> {
    // Any JSON; the seal covers the exact bytes (including this spacing).
    r#"{"@context":["https://www.w3.org/2018/credentials/v1"], "type":["VerifiableCredential"], "name":"Zürich"}"#.as_bytes().to_vec()
}

#[test]
fn seal_round_trips_with_rs256_ps256_es256_and_a_trusted_path_to_the_demo_ca() {
    let store = keystore();
    let at = utc(2026, 6, 1);
    let mut seen = std::collections::BTreeSet::new();
    for u in store.universities() {
        let seal = u.seal.as_ref().unwrap();
        let sealed = seal_credential(seal);
        assert_eq!(
            sealed["payload"].as_str().unwrap().as_bytes(),
            credential().as_slice()
        );
        let h = protected_header(&sealed);
        assert_eq!(h["b64"], false);
        assert_eq!(h["crit"], json!(["b64", "sigT"]));
        assert_eq!(h["sigT"], "2026-05-01T12:00:00Z");
        let bytes = serde_json::to_vec(&sealed).unwrap();
        let report = jades::verify(&bytes, store.trust_anchors(), at)
            .unwrap()
            .require_trusted()
            .unwrap();
        assert_eq!(report.algorithm, seal.signer.algorithm());
        assert!(report
            .signer
            .organisation_identifier
            .as_deref()
            .unwrap()
            .ends_with(&u.id.to_uppercase()));
        assert!(
            matches!(report.trust, TrustStatus::Trusted { path_length: 2, .. }),
            "{:?}",
            report.trust
        );
        assert_eq!(report.payload, credential());
        seen.insert(report.algorithm.jose_name());
        println!(
            "{}: {} {:?}",
            u.id, report.algorithm, report.signer.organisation
        );
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        ["ES256", "PS256", "RS256"]
    );
}

/// The test credential sealed with `seal` on 2026-05-01.
fn seal_credential(seal: &proofs::keystore::SealKey) -> Value {
    jades::seal(
        &credential(),
        seal.signer.as_ref(),
        &seal.chain,
        utc(2026, 5, 1),
    )
    .unwrap()
}

/// Re-seals with an edited protected header, signed with the right key, so only the edit is wrong.
fn reseal(edit: impl Fn(&mut Map<String, Value>), signer: &dyn Signer) -> Value {
    let store = keystore();
    let u = store.university("eth").unwrap();
    let seal = u.seal.as_ref().unwrap();
    let sealed = seal_credential(seal);
    let mut h = protected_header(&sealed);
    edit(&mut h);
    let protected = URL_SAFE_NO_PAD.encode(Value::Object(h).to_string());
    let mut input = protected.clone().into_bytes();
    input.push(b'.');
    input.extend_from_slice(&credential());
    let sig = signer.sign(&input).unwrap();
    json!({"payload": sealed["payload"], "signatures": [{"protected": protected, "signature": URL_SAFE_NO_PAD.encode(sig)}]})
}

fn check(v: &Value) -> Result<proofs::jades::SealReport, JadesError> {
    jades::verify_value(v, keystore().trust_anchors(), utc(2026, 6, 1))
}

#[test]
fn rejections_each_have_their_own_error() {
    let store = keystore();
    let eth = store.university("eth").unwrap().seal.as_ref().unwrap();
    let s = eth.signer.as_ref();
    // Control: the unedited reseal verifies.
    check(&reseal(|_| {}, s))
        .unwrap()
        .require_trusted()
        .unwrap();

    assert_eq!(
        check(&reseal(
            |h| {
                h.insert("alg".into(), json!("none"));
            },
            s
        ))
        .err(),
        Some(JadesError::AlgNone)
    );
    assert_eq!(
        check(&reseal(
            |h| {
                h.insert("alg".into(), json!("HS256"));
            },
            s
        ))
        .err(),
        Some(JadesError::UnsupportedAlgorithm("HS256".into()))
    );
    assert!(matches!(
        check(&reseal(
            |h| {
                h.insert("alg".into(), json!("ES256"));
            },
            s
        ))
        .err(),
        Some(JadesError::AlgorithmKeyMismatch { .. })
    ));
    // A kid naming another certificate (tub's) is rejected even though the signature is right.
    let tub_kid = jades::kid_for_certificate(
        &store
            .university("tub")
            .unwrap()
            .seal
            .as_ref()
            .unwrap()
            .chain[0],
    )
    .unwrap();
    assert!(matches!(
        check(&reseal(
            |h| {
                h.insert("kid".into(), json!(tub_kid));
            },
            s
        ))
        .err(),
        Some(JadesError::KidMismatch(_))
    ));
    assert_eq!(
        check(&reseal(
            |h| {
                h.insert("crit".into(), json!(["b64", "sigT", "exp"]));
                h.insert("exp".into(), json!(1));
            },
            s
        ))
        .err(),
        Some(JadesError::UnknownCritical("exp".into()))
    );
    assert!(matches!(
        check(&reseal(
            |h| {
                h.insert("crit".into(), json!(["sigT"]));
            },
            s
        ))
        .err(),
        Some(JadesError::InvalidCritical(_))
    ));
    assert!(matches!(
        check(&reseal(
            |h| {
                h.insert("x5c".into(), json!(["bm90IGEgY2VydGlmaWNhdGU="]));
            },
            s
        ))
        .err(),
        Some(JadesError::GarbageX5c { index: 0, .. })
    ));
    assert!(matches!(
        check(&reseal(
            |h| {
                h.insert("x5c".into(), json!(["***"]));
            },
            s
        ))
        .err(),
        Some(JadesError::GarbageX5c { index: 0, .. })
    ));
    assert_eq!(
        check(&reseal(
            |h| {
                h.remove("x5c");
            },
            s
        ))
        .err(),
        Some(JadesError::MissingX5c)
    );
    assert_eq!(
        check(&reseal(
            |h| {
                h.insert("x5t#S256".into(), json!(URL_SAFE_NO_PAD.encode([0u8; 32])));
            },
            s
        ))
        .err(),
        Some(JadesError::ThumbprintMismatch)
    );
}

#[test]
fn wrong_keys_truncated_signatures_and_malformed_seals_are_rejected() {
    let store = keystore();
    let eth = store.university("eth").unwrap().seal.as_ref().unwrap();
    let s = eth.signer.as_ref();
    // Signed by another RSA key under eth's certificate.
    let rwth_pem = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../keys.example/rwth/seal.key.pem"
    ))
    .unwrap();
    let rwth_as_rs256 =
        proofs::signer::RsaSigner::from_pkcs8_pem("x", &rwth_pem, proofs::Algorithm::Rs256)
            .unwrap();
    assert_eq!(
        check(&reseal(|_| {}, &rwth_as_rs256)).err(),
        Some(JadesError::SignatureInvalid)
    );
    // Truncated signature.
    let mut v = reseal(|_| {}, s);
    let sig = URL_SAFE_NO_PAD
        .decode(v["signatures"][0]["signature"].as_str().unwrap())
        .unwrap();
    v["signatures"][0]["signature"] = json!(URL_SAFE_NO_PAD.encode(&sig[..sig.len() - 10]));
    assert!(matches!(
        check(&v).err(),
        Some(JadesError::MalformedSignature(_))
    ));
    // Sealing with a key the certificate does not certify.
    assert_eq!(
        jades::seal(&credential(), &rwth_as_rs256, &eth.chain, utc(2026, 5, 1)).err(),
        Some(JadesError::KeyCertificateMismatch)
    );
    assert!(matches!(
        jades::verify(b"{not json", store.trust_anchors(), utc(2026, 6, 1)),
        Err(JadesError::Json(_))
    ));
    assert!(matches!(
        check(&json!({"signatures": []})),
        Err(JadesError::Malformed(_))
    ));
}

#[test]
fn expired_and_untrusted_certificates_are_outcomes_not_signature_failures() {
    let store = keystore();
    let u = store.university("wut").unwrap();
    let seal = u.seal.as_ref().unwrap();
    let sealed = seal_credential(seal);
    // After 2035-01-01 the certificates are expired.
    let late = jades::verify_value(&sealed, store.trust_anchors(), utc(2036, 1, 1)).unwrap();
    assert!(!late.certificate_valid_at_validation_time);
    assert_eq!(late.certificate_valid_at_signing_time, Some(true));
    assert!(matches!(late.trust, TrustStatus::Expired { .. }));
    assert!(matches!(
        late.require_trusted(),
        Err(JadesError::CertificateExpired(_))
    ));
    // Without the demo CA as anchor the chain is unknown.
    let unknown = jades::verify_value(&sealed, &TrustAnchors::empty(), utc(2026, 6, 1)).unwrap();
    assert!(
        matches!(unknown.trust, TrustStatus::UnknownCa { .. }),
        "{:?}",
        unknown.trust
    );
    assert!(matches!(
        unknown.require_trusted(),
        Err(JadesError::Untrusted(_))
    ));
    // A self-made CA with the same name as the demo CA does not validate the chain: bad signature.
    let fake_key = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
    let real_ca = &store.trust_anchors().certificates()[0];
    let fake_ca = proofs::certs::issue_certificate(
        &proofs::certs::SubjectFields {
            country: "DE".into(),
            organisation: "ENHANCE Alliance DEMO".into(),
            organisation_identifier: None,
            common_name: "ENHANCE DEMO Seal CA (not for production)".into(),
        },
        &proofs::PublicKey::P256(p256::PublicKey::from(fake_key.verifying_key())),
        None,
        proofs::certs::IssuerKey::P256(&fake_key),
        1,
        utc(2025, 1, 1),
        utc(2035, 1, 1),
    )
    .unwrap();
    assert_eq!(
        fake_ca.tbs_certificate.subject,
        real_ca.tbs_certificate.subject
    );
    let fake_anchors = TrustAnchors::from_certificates(vec![fake_ca]);
    // Seal with only the leaf in x5c so the fake anchor is the only candidate issuer.
    let leaf_only = jades::seal(
        &credential(),
        seal.signer.as_ref(),
        &seal.chain[..1],
        utc(2026, 5, 1),
    )
    .unwrap();
    let r = jades::verify_value(&leaf_only, &fake_anchors, utc(2026, 6, 1)).unwrap();
    assert!(
        matches!(r.trust, TrustStatus::BadCertificateSignature { .. }),
        "{:?}",
        r.trust
    );
    // And with the real anchor, the leaf-only seal is trusted.
    let ok = jades::verify_value(&leaf_only, store.trust_anchors(), utc(2026, 6, 1)).unwrap();
    assert!(ok.trust.is_trusted());
    let info = CertificateInfo::of(&seal.chain[0]);
    assert_eq!(
        info.organisation.as_deref(),
        Some("Politechnika Warszawska")
    );
    assert_eq!(
        info.organisation_identifier.as_deref(),
        Some("NTRPL-DEMO-WUT")
    );
}
