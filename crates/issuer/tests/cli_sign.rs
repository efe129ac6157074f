//! `issuer sign` and `issuer did`: the built binary signs every example award in each format as its
//! awarding university, and the output verifies with the `proofs` library against the demo key
//! store (Data Integrity eddsa-rdfc-2022, JAdES with a trust path to the demo CA, VC-JWT).

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod support;

use std::process::Output;

use chrono::{TimeZone, Utc};
use proofs::keystore::KeyStore;
use serde_json::Value;
use support::{issuer_cli as issuer, repo};

fn keys() -> KeyStore {
    KeyStore::load(&repo().join("keys.example"), "http://localhost:8080").unwrap()
}

const EXAMPLES: [(&str, &str); 5] = [
    ("micro-credential-academic-course.json", "tub"),
    ("micro-credential-professional.json", "eth"),
    ("programme-micro-credential-data-literacy.json", "tudelft"),
    ("certificate-of-completion.json", "polimi"),
    ("certificate-of-participation-staff-week.json", "wut"),
];

fn sign(example: &str, format: &str) -> Output {
    let path = format!("examples/awards/{example}");
    let out = issuer(&[
        "sign",
        &path,
        "--format",
        format,
        "--created",
        "2026-11-29T10:00:00Z",
    ]);
    assert!(
        out.status.success(),
        "{example} {format}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn data_integrity_output_verifies_as_the_awarding_university() {
    let keys = keys();
    let resolver = keys.resolver().unwrap();
    for (example, university) in EXAMPLES {
        let signed: Value = serde_json::from_slice(&sign(example, "di").stdout).unwrap();
        let expected_did = keys.university(university).unwrap().did().to_owned();
        assert_eq!(signed["issuer"]["id"], expected_did.as_str(), "{example}");
        assert_eq!(signed["proof"]["cryptosuite"], "eddsa-rdfc-2022");
        assert_eq!(signed["proof"]["created"], "2026-11-29T10:00:00Z");
        let proofs = proofs::data_integrity::verify(&signed, &resolver).unwrap();
        assert_eq!(proofs.len(), 1, "{example}");

        // One changed character of the learner's family name breaks it.
        let mut forged = signed.clone();
        let name = forged["credentialSubject"]["familyName"]
            .as_object_mut()
            .unwrap();
        let (_, v) = name.iter_mut().next().unwrap();
        *v = Value::String(format!("{}x", v.as_str().unwrap()));
        assert!(
            proofs::data_integrity::verify(&forged, &resolver).is_err(),
            "{example}"
        );
    }
}

#[test]
fn jades_output_verifies_with_a_trust_path_to_the_demo_ca() {
    let keys = keys();
    let at = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
    for (example, university) in EXAMPLES {
        let out = sign(example, "jades");
        let report = proofs::jades::verify(&out.stdout, keys.trust_anchors(), at).unwrap();
        assert!(report.trust.is_trusted(), "{example}: {:?}", report.trust);
        let legal_name = report.signer.organisation.clone().unwrap_or_default();
        assert!(
            !legal_name.is_empty(),
            "{example} ({university}): seal names no organisation"
        );
        let payload = report.payload_json().unwrap();
        assert_eq!(
            payload["issuer"]["id"],
            keys.university(university).unwrap().did()
        );
    }
}

#[test]
fn vc_jwt_output_verifies() {
    let keys = keys();
    let resolver = keys.resolver().unwrap();
    for (example, _) in EXAMPLES {
        let out = sign(example, "vc-jwt");
        let jwt = String::from_utf8(out.stdout).unwrap();
        let jwt = jwt.trim();
        assert_eq!(jwt.split('.').count(), 3);
        proofs::vc_jwt::verify(jwt, &resolver).unwrap();
        let mut tampered = jwt.to_owned();
        tampered.pop();
        tampered.push(if jwt.ends_with('A') { 'B' } else { 'A' });
        assert!(proofs::vc_jwt::verify(&tampered, &resolver).is_err());
    }
}

#[test]
fn did_prints_every_key_of_the_university() {
    let out = issuer(&["did", "rwth"]);
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["id"], "did:web:localhost%3A8080:universities:rwth");
    let methods = doc["verificationMethod"].as_array().unwrap();
    assert_eq!(methods.len(), 2, "rotated and current key");
    assert!(methods.iter().all(|m| m["type"] == "Multikey"));

    let out = issuer(&[
        "did",
        "rwth",
        "--base-url",
        "https://credentials.rwth-aachen.de",
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["id"],
        "did:web:credentials.rwth-aachen.de:universities:rwth"
    );
}

#[test]
fn usage_errors_exit_2_without_key_material() {
    let out = issuer(&["did", "sorbonne"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown university `sorbonne`"), "{err}");

    let out = issuer(&[
        "sign",
        "examples/awards/certificate-of-completion.json",
        "--keys",
        "/nonexistent",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot load keys"), "{err}");
    assert!(!err.contains("PRIVATE KEY"));
}
