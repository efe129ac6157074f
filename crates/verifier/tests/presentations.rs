//! Verifiable presentations (issue #15 point 1): `verifier::verify_presentation` and VC-API
//! `POST /presentations/verify`, with real credentials (built from `examples/awards/`, signed with
//! the demo keys, status lists on the fixture server at 127.0.0.1) in presentations signed by a
//! holder's did:key, here and by the reference JavaScript stack (`interop/js/sign-presentation.mjs`,
//! `verify-presentation.mjs`: `@digitalbazaar/vc` `signPresentation` / `verify`).
//!
//! Each failure has its own problem code: wrong challenge, wrong domain, missing proof, bad VP
//! signature, tampered inner credential, revoked inner credential, holder mismatch, wrong
//! purpose, broken data model rules.
//!
//! The JS tests need `node` (>= 20) and `npm ci --prefix interop/js`; without them they FAIL,
//! saying so.
#![cfg(feature = "service")]
// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them. It prints what it
// measured, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stderr)]

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Instant;

use common::*;
use proofs::data_integrity::{self, ProofOptions};
use proofs::did::{did_key_from_ed25519, did_key_verification_method};
use proofs::signer::Ed25519Signer;
use serde_json::{json, Value};
use service_kit::test_client::post_json;
use verifier::presentation::is_presentation;
use verifier::service::RunningService;
use verifier::{
    verify_presentation, CheckKind, CheckStatus, PresentationOptions, PresentationReport,
    ProblemCode, Verdict,
};

const CHALLENGE: &str = "c0ffee-7f3a";
const DOMAIN: &str = "verifier.enhance.example";

/// A holder's did:key signer (seed `[seed; 32]`) and its DID.
fn holder(seed: u8) -> (Ed25519Signer, String) {
    let key = Ed25519Signer::from_secret_bytes("k", &[seed; 32]);
    let did = did_key_from_ed25519(&key.verifying_key());
    let vm = did_key_verification_method(&did).unwrap();
    (key.with_key_id(vm), did)
}

/// A signed generic VC 2.0 credential of `wut` (no status entry).
fn credential_v2() -> Value {
    let doc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0d3c1f0e-6f1b-4d0e-8a53-2b1f0a6f3d12",
        "type": ["VerifiableCredential"],
        "issuer": did("wut"),
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Staff week attendance",
        "credentialSubject": {"id": "did:example:learner", "name": "Ada"},
    });
    sign_with(&doc, &signer("wut"))
}

/// `credential` changed after its issuer signed it (another given name).
fn tampered(credential: &Value) -> Value {
    let mut c = credential.clone();
    c["credentialSubject"]["givenName"] = json!({"en": ["Mallory"]});
    c
}

/// An unsigned presentation of `credentials` by `holder` (`version` 1 or 2).
fn presentation(version: u8, holder: &str, credentials: Vec<Value>) -> Value {
    let ctx = if version == 1 {
        "https://www.w3.org/2018/credentials/v1"
    } else {
        "https://www.w3.org/ns/credentials/v2"
    };
    json!({
        "@context": [ctx],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": credentials,
    })
}

/// `vp` signed by `key` with purpose authentication, `challenge` and `domain`.
fn sign_vp(vp: &Value, key: &Ed25519Signer, challenge: &str, domain: &[&str]) -> Value {
    let opts = ProofOptions::authentication(
        created(),
        Some(challenge.into()),
        domain.iter().map(|d| d.to_string()).collect(),
    );
    data_integrity::sign(vp, key, &opts).unwrap()
}

fn options() -> PresentationOptions {
    PresentationOptions {
        challenge: Some(CHALLENGE.into()),
        domain: vec![DOMAIN.into()],
        checks: None,
        allow_unsigned: false,
    }
}

fn verify(vp: &Value, options: &PresentationOptions) -> PresentationReport {
    verify_presentation(vp, options, &policy(), &clock())
}

fn show(r: &PresentationReport) -> String {
    serde_json::to_string_pretty(r).unwrap()
}

fn codes(r: &PresentationReport) -> Vec<ProblemCode> {
    r.problems.iter().map(|p| p.code).collect()
}

/// Asserts `r` is invalid with exactly the problem codes `expected`.
fn assert_fails_with(r: &PresentationReport, expected: &[ProblemCode]) {
    assert_eq!(r.verdict, Verdict::Invalid, "{}", show(r));
    assert_eq!(codes(r), expected, "{}", show(r));
}

#[test]
fn a_signed_presentation_verifies_and_each_failure_has_its_own_reason() {
    let server = Server::start();
    let (key, holder_did) = holder(7);
    let cred = edc_with_status(&server, &[5], "94567");
    let vp = presentation(1, &holder_did, vec![cred.clone()]);

    let start = Instant::now();
    let r = verify(&sign_vp(&vp, &key, CHALLENGE, &[DOMAIN]), &options());
    let one = start.elapsed();
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    assert!(r.problems.is_empty());
    assert_eq!(r.holder.as_deref(), Some(holder_did.as_str()));
    assert_eq!(
        r.presentation.signer.as_ref().unwrap().did.as_deref(),
        Some(holder_did.as_str())
    );
    assert_eq!(r.credentials.len(), 1);
    for k in CheckKind::ALL {
        assert_eq!(
            r.credentials[0].check(k).unwrap().status,
            CheckStatus::Ok,
            "{k:?}: {}",
            show(&r)
        );
    }
    // A VC 2.0 presentation of a VC 2.0 credential, domain as an array that includes ours.
    let vp2 = presentation(2, &holder_did, vec![credential_v2()]);
    let r = verify(
        &sign_vp(&vp2, &key, CHALLENGE, &["other.example", DOMAIN]),
        &options(),
    );
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));

    // Wrong challenge, wrong domain, no domain at all.
    let r = verify(&sign_vp(&vp, &key, "replayed", &[DOMAIN]), &options());
    assert_fails_with(&r, &[ProblemCode::WrongChallenge]);
    assert!(r.problems[0].message.contains("replayed"), "{}", show(&r));
    let r = verify(
        &sign_vp(&vp, &key, CHALLENGE, &["evil.example"]),
        &options(),
    );
    assert_fails_with(&r, &[ProblemCode::WrongDomain]);
    let r = verify(&sign_vp(&vp, &key, CHALLENGE, &[]), &options());
    assert_fails_with(&r, &[ProblemCode::WrongDomain]);

    // Missing proof: refused, unless the options allow unsigned presentations.
    let r = verify(&vp, &options());
    assert_fails_with(&r, &[ProblemCode::MissingProof]);
    let unsigned_ok = PresentationOptions {
        allow_unsigned: true,
        ..options()
    };
    let r = verify(&vp, &unsigned_ok);
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    assert_eq!(
        r.presentation.check(CheckKind::Proof).unwrap().status,
        CheckStatus::Skipped
    );

    // The presentation changed after the holder signed it: bad signature.
    let mut changed = sign_vp(&vp, &key, CHALLENGE, &[DOMAIN]);
    changed["id"] = json!("urn:uuid:00000000-0000-4000-8000-0000000000ff");
    assert_fails_with(&verify(&changed, &options()), &[ProblemCode::BadSignature]);
    // Signed by another key than the holder's.
    let (other, _) = holder(8);
    let r = verify(&sign_vp(&vp, &other, CHALLENGE, &[DOMAIN]), &options());
    assert_fails_with(&r, &[ProblemCode::HolderMismatch]);
    // A credential-style proof (assertionMethod) is not an authentication proof.
    let assertion = data_integrity::sign(&vp, &key, &ProofOptions::new(created())).unwrap();
    assert_fails_with(
        &verify(&assertion, &options()),
        &[ProblemCode::WrongProofPurpose],
    );

    // The holder changed the credential, then signed: the VP proof is fine, the credential not.
    let tampered = tampered(&cred);
    let vp_t = presentation(1, &holder_did, vec![tampered]);
    let r = verify(&sign_vp(&vp_t, &key, CHALLENGE, &[DOMAIN]), &options());
    assert_fails_with(&r, &[ProblemCode::CredentialTampered]);
    assert_eq!(r.problems[0].credential, Some(0));
    assert_eq!(
        r.presentation.check(CheckKind::Proof).unwrap().status,
        CheckStatus::Ok
    );

    // A revoked credential, in a correctly signed presentation.
    let revoked = edc_with_status(&server, &[42], "42");
    let vp_r = presentation(1, &holder_did, vec![cred.clone(), revoked]);
    let r = verify(&sign_vp(&vp_r, &key, CHALLENGE, &[DOMAIN]), &options());
    assert_fails_with(&r, &[ProblemCode::CredentialRevoked]);
    assert_eq!(r.problems[0].credential, Some(1));
    assert_eq!(r.credentials[0].verdict, Verdict::Valid);
    assert!(
        r.problems[0].message.contains("revoked"),
        "{}",
        r.problems[0].message
    );
    eprintln!("one EDC presentation verified in {one:?}");
}

#[test]
fn the_vp_data_model_rules_are_checked() {
    let (key, holder_did) = holder(7);
    let mut vp = presentation(2, &holder_did, vec![credential_v2()]);
    vp["type"] = json!(["VerifiableCredential"]);
    // (Not signable: `holder` is defined only for a VerifiablePresentation.)
    let r = verify(&vp, &options());
    assert_fails_with(&r, &[ProblemCode::DataModel, ProblemCode::MissingProof]);
    assert!(r.problems[0].message.starts_with("type:"), "{}", show(&r));
    assert!(!is_presentation(&vp));

    let mut vp = presentation(2, &holder_did, vec![json!(7)]);
    vp["@context"] = json!(["https://www.w3.org/ns/did/v1"]);
    vp["holder"] = json!("no iri");
    let r = verify(&vp, &options());
    let fields: Vec<&str> = r
        .problems
        .iter()
        .filter(|p| p.code == ProblemCode::DataModel)
        .map(|p| p.message.split(':').next().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["@context", "holder", "verifiableCredential[0]"],
        "{}",
        show(&r)
    );
    assert_eq!(r.verdict, Verdict::Invalid);

    // Not an object at all; an empty presentation signed by its holder is valid.
    assert_fails_with(
        &verify(&json!("x"), &options()),
        &[ProblemCode::NotAPresentation],
    );
    let empty = json!({"@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "VerifiablePresentation", "holder": holder_did});
    let r = verify(&sign_vp(&empty, &key, CHALLENGE, &[DOMAIN]), &options());
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    assert!(is_presentation(&empty));

    // options.checks: only the proof of the presentation and of its credentials.
    let vp = presentation(2, &holder_did, vec![credential_v2()]);
    let proof_only = PresentationOptions {
        checks: Some(vec![CheckKind::Proof]),
        ..options()
    };
    let r = verify(&sign_vp(&vp, &key, CHALLENGE, &[DOMAIN]), &proof_only);
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    assert_eq!(
        r.credentials[0].check(CheckKind::Trust).unwrap().status,
        CheckStatus::Skipped
    );
}

// ---------------------------------------------------------------------------------------------
// Over HTTP
// ---------------------------------------------------------------------------------------------

async fn post(s: &RunningService, body: &Value) -> (u16, Value) {
    let res = post_json(&s.url(), "/presentations/verify", None, body).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

fn body(vp: &Value) -> Value {
    json!({"verifiablePresentation": vp, "options": {"challenge": CHALLENGE, "domain": DOMAIN}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_presentations_verify_answers_200_or_422_with_the_reason() {
    let server = Server::start();
    let s = start_service(service_config()).await;
    let (key, holder_did) = holder(7);
    let cred = edc_with_status(&server, &[5], "94567");
    let vp = presentation(1, &holder_did, vec![cred.clone()]);

    let (status, report) = post(&s, &body(&sign_vp(&vp, &key, CHALLENGE, &[DOMAIN]))).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["verdict"], "valid");
    assert_eq!(report["holder"], holder_did.as_str());
    assert_eq!(report["credentials"][0]["verdict"], "valid");
    assert_eq!(report["presentation"]["integrity"], "intact");

    let tampered = tampered(&cred);
    let revoked = edc_with_status(&server, &[42], "42");
    let mut changed = sign_vp(&vp, &key, CHALLENGE, &[DOMAIN]);
    changed["id"] = json!("urn:uuid:00000000-0000-4000-8000-0000000000ff");
    let cases = [
        (sign_vp(&vp, &key, "old", &[DOMAIN]), "wrong-challenge"),
        (
            sign_vp(&vp, &key, CHALLENGE, &["x.example"]),
            "wrong-domain",
        ),
        (vp.clone(), "missing-proof"),
        (changed, "bad-signature"),
        (
            sign_vp(
                &presentation(1, &holder_did, vec![tampered]),
                &key,
                CHALLENGE,
                &[DOMAIN],
            ),
            "credential-tampered",
        ),
        (
            sign_vp(
                &presentation(1, &holder_did, vec![revoked]),
                &key,
                CHALLENGE,
                &[DOMAIN],
            ),
            "credential-revoked",
        ),
    ];
    for (vp_case, code) in cases {
        let (status, report) = post(&s, &body(&vp_case)).await;
        assert_eq!(status, 422, "{code}: {report}");
        assert_eq!(report["verdict"], "invalid", "{code}: {report}");
        assert_eq!(problem_codes(&report), [code], "{report}");
    }
    // Unsigned, allowed by the options.
    let (status, report) = post(
        &s,
        &json!({"verifiablePresentation": vp, "options": {"allowUnsigned": true}}),
    )
    .await;
    assert_eq!(status, 200, "{report}");

    // Malformed requests: 400 problem JSON naming the field.
    for (bad, field) in [
        (json!({}), "verifiablePresentation"),
        (
            json!({"verifiablePresentation": "x"}),
            "verifiablePresentation",
        ),
        (
            json!({"verifiablePresentation": vp, "options": {"domain": 3}}),
            "options.domain",
        ),
        (
            json!({"verifiablePresentation": vp, "options": {"checks": ["nope"]}}),
            "options.checks",
        ),
    ] {
        let (status, problem) = post(&s, &bad).await;
        assert_eq!(status, 400, "{problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains(field),
            "{problem}"
        );
    }
    s.shutdown().await.unwrap();
}

// ---------------------------------------------------------------------------------------------
// The reference JavaScript stack
// ---------------------------------------------------------------------------------------------

/// Runs `node interop/js/<script>` with `request` on stdin: (exit code, stdout, stderr).
fn node(script: &str, request: &Value) -> (i32, String, String) {
    let js = repo().join("interop/js");
    assert!(
        js.join("node_modules/@digitalbazaar/vc").is_dir(),
        "the JS interop harness is not installed: run `npm ci --prefix interop/js` (Node >= 20)"
    );
    let mut child = Command::new("node")
        .arg(js.join(script))
        .current_dir(&js)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `node` ({e}): install Node.js >= 20"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const JS_NOW: &str = "2026-11-29T12:00:00Z";

/// The DID documents of the demo universities (did:web under the tests' base URL).
fn did_documents() -> Vec<Value> {
    keystore()
        .universities()
        .map(|u| u.did_document().unwrap())
        .collect()
}

fn js_sign(vp: &Value, challenge: &str, domain: &str) -> Value {
    let request = json!({"presentation": vp, "key": {"seedHex": hex_seed(7)},
        "challenge": challenge, "domain": domain, "created": "2026-08-01T12:00:00Z"});
    let (code, stdout, stderr) = node("sign-presentation.mjs", &request);
    assert_eq!(code, 0, "sign-presentation.mjs: {stderr}");
    serde_json::from_str(&stdout).unwrap()
}

fn js_verify(vp: &Value, challenge: &str) -> (bool, Value) {
    let request = json!({"presentation": vp, "challenge": challenge, "domain": DOMAIN,
        "didDocuments": did_documents(), "now": JS_NOW, "skipStatusCheck": true});
    let (code, stdout, stderr) = node("verify-presentation.mjs", &request);
    assert!(
        code == 0 || code == 1,
        "verify-presentation.mjs ({code}): {stderr}"
    );
    let v: Value = serde_json::from_str(&stdout).unwrap();
    (v["verified"].as_bool().unwrap(), v)
}

fn hex_seed(seed: u8) -> String {
    format!("{seed:02x}").repeat(32)
}

#[test]
fn presentations_interoperate_with_the_reference_javascript_stack() {
    let server = Server::start();
    let (key, holder_did) = holder(7);
    let cred = edc_with_status(&server, &[5], "94567");
    for (version, c) in [(1, cred.clone()), (2, credential_v2())] {
        // Signed by the JS stack (vc.signPresentation), verified here.
        let vp = presentation(version, &holder_did, vec![c.clone()]);
        let start = Instant::now();
        let signed = js_sign(&vp, CHALLENGE, DOMAIN);
        let js_ms = start.elapsed();
        assert_eq!(signed["proof"]["proofPurpose"], "authentication");
        assert_eq!(
            signed["proof"]["verificationMethod"],
            did_key_verification_method(&holder_did).unwrap().as_str(),
            "the same seed gives the same did:key on both sides"
        );
        let r = verify(&signed, &options());
        assert_eq!(r.verdict, Verdict::Valid, "VC {version}: {}", show(&r));
        assert_fails_with(
            &verify(&js_sign(&vp, "other", DOMAIN), &options()),
            &[ProblemCode::WrongChallenge],
        );
        assert_fails_with(
            &verify(&js_sign(&vp, CHALLENGE, "other.example"), &options()),
            &[ProblemCode::WrongDomain],
        );

        // Signed here, verified by the JS stack (vc.verify with challenge and domain).
        let ours = sign_vp(&vp, &key, CHALLENGE, &[DOMAIN]);
        let (ok, out) = js_verify(&ours, CHALLENGE);
        assert!(ok, "VC {version}: JS refuses our presentation: {out}");
        let (ok, out) = js_verify(&ours, "other");
        assert!(!ok, "JS accepts a wrong challenge: {out}");
        assert_eq!(out["presentationVerified"], false, "{out}");
        eprintln!("VC {version}: JS signing took {js_ms:?}");
    }

    // A JS-signed presentation of a tampered and of a revoked credential fail here, each with
    // its reason; JS too refuses the tampered one.
    let tampered = tampered(&cred);
    let revoked = edc_with_status(&server, &[42], "42");
    for (c, code) in [
        (tampered, ProblemCode::CredentialTampered),
        (revoked, ProblemCode::CredentialRevoked),
    ] {
        let signed = js_sign(&presentation(1, &holder_did, vec![c]), CHALLENGE, DOMAIN);
        assert_fails_with(&verify(&signed, &options()), &[code]);
        if code == ProblemCode::CredentialTampered {
            let (ok, out) = js_verify(&signed, CHALLENGE);
            assert!(!ok, "{out}");
            assert_eq!(out["presentationVerified"], true, "{out}");
            assert_eq!(out["credentialsVerified"], json!([false]), "{out}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------------------------

#[test]
fn verifier_verify_detects_a_presentation_and_checks_challenge_and_domain() {
    let (key, holder_did) = holder(7);
    let vp = sign_vp(
        &presentation(2, &holder_did, vec![credential_v2()]),
        &key,
        CHALLENGE,
        &[DOMAIN],
    );
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verifier-cli-vp");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("vp.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&vp).unwrap()).unwrap();
    let file = file.to_str().unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_verifier"))
            .args(["verify", file, "--json", "--offline", "--now", JS_NOW])
            .args(args)
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.code().unwrap(), report, out.stderr)
    };
    let (code, report, err) = run(&["--challenge", CHALLENGE, "--domain", DOMAIN]);
    assert_eq!(code, 0, "{report} {}", String::from_utf8_lossy(&err));
    assert_eq!(report["holder"], holder_did.as_str());
    let (code, report, _) = run(&["--challenge", "other", "--domain", DOMAIN]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(problem_codes(&report), ["wrong-challenge"]);
    let (code, report, _) = run(&["--challenge", CHALLENGE, "--domain", "x.example"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(problem_codes(&report), ["wrong-domain"]);
}
