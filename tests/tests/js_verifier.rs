//! Issue #5 acceptance, reference-implementation side: every check of `verifier::verify` passing
//! and failing on credentials signed by the reference JavaScript stack (`interop/js/sign.mjs`:
//! @digitalbazaar/vc 7 + `eddsa-rdfc-2022` Data Integrity, VC Data Integrity §4.2 / §4.4), not by
//! Rust.
//!
//! Each credential is a real ENHANCE credential built from `examples/awards/` by the issuer's
//! builder (`elm-model`), with a Bitstring Status List v1.0 §2.1 `BitstringStatusListEntry`
//! pointing at a status list credential (§2.2) served from 127.0.0.1 by
//! `common/status_server.rs`. The issuers are demo universities whose did:web documents are in the
//! demo trust registry (`keys.example/trust-registry.json`, base URL `http://localhost:8080`); JS
//! signs with the university's current Ed25519 key from `keys.example/<id>/`. The status lists are
//! JS-signed too. The verifier runs with `NetworkPolicy::local_testing()` and a fixed clock.
//!
//! Needs `node` (>= 20) and `npm ci --prefix interop/js`; without them every test FAILS, saying so.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;
#[path = "common/status_server.rs"]
mod status_server;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use base64::Engine as _;
use chrono::{TimeZone, Utc};
use common::{repo, require_js};
use elm_model::BuildOptions;
use proofs::data_integrity::{self, ProofOptions};
use proofs::keystore::KeyStore;
use proofs::signer::{Ed25519Signer, Signer as _};
use serde_json::{json, Value};
use service_kit::test_status_list::{encoded_list, status_list, with_status};
use status_server::StatusServer;
use verifier::registry::DEMO_BASE_URL;
use verifier::{
    CheckKind, CheckStatus, FixedClock, NetworkPolicy, Policy, Report, TrustRegistry, Verdict,
};

// ---------------------------------------------------------------------------------------------
// The JS signer
// ---------------------------------------------------------------------------------------------

/// `created` of every JS proof, and the clock vc.js checks validity dates against when issuing.
const CREATED: &str = "2026-08-01T12:00:00Z";

/// Signs `credential` with the reference JS stack (`vc.issue`, eddsa-rdfc-2022) under `key`
/// (`{seedHex, controller?, id?}`, see `interop/js/io.mjs`).
fn js_sign(credential: &Value, key: Value) -> Value {
    require_js();
    let request = json!({"credential": credential, "key": key, "created": CREATED, "now": CREATED});
    let out = common::run_node("sign.mjs", &request);
    assert_eq!(
        out.status.code(),
        Some(0),
        "sign.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed: Value = serde_json::from_slice(&out.stdout).expect("sign.mjs prints JSON");
    // It is the JS stack's proof, made with this key.
    let proof = &signed["proof"];
    assert_eq!(proof["type"], "DataIntegrityProof");
    assert_eq!(proof["cryptosuite"], "eddsa-rdfc-2022");
    assert_eq!(proof["proofPurpose"], "assertionMethod");
    assert_eq!(proof["created"], CREATED);
    if let Some(id) = key.get("id") {
        assert_eq!(&proof["verificationMethod"], id);
    }
    signed
}

// ---------------------------------------------------------------------------------------------
// Demo universities and their keys
// ---------------------------------------------------------------------------------------------

fn keystore() -> &'static KeyStore {
    static KS: OnceLock<KeyStore> = OnceLock::new();
    KS.get_or_init(|| KeyStore::load(&repo().join("keys.example"), DEMO_BASE_URL).unwrap())
}

fn did(university: &str) -> String {
    keystore().university(university).unwrap().did().to_string()
}

fn rust_signer(university: &str) -> &'static Ed25519Signer {
    keystore()
        .university(university)
        .unwrap()
        .current_file_signer()
        .unwrap()
}

/// The 32-byte Ed25519 seed (hex) of `university`'s current key, read from its PKCS#8 PEM file
/// (RFC 8410 §7: the seed is the OCTET STRING inside the privateKey OCTET STRING).
fn seed_hex(university: &str) -> String {
    let signer = rust_signer(university);
    let pem = signer.to_pkcs8_pem().unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let at = der
        .windows(4)
        .position(|w| w == [0x04, 0x22, 0x04, 0x20])
        .expect("Ed25519 PKCS#8 private key")
        + 4;
    let seed: [u8; 32] = der[at..at + 32].try_into().unwrap();
    assert_eq!(
        Ed25519Signer::from_secret_bytes("probe", &seed).verifying_key(),
        signer.verifying_key(),
        "{university}: the seed read from PKCS#8 is not the key's"
    );
    seed.iter().map(|b| format!("{b:02x}")).collect()
}

/// The JS key of `university`'s current key: its did:web as controller, `did#key-…` as id.
fn university_key(university: &str) -> Value {
    json!({"seedHex": seed_hex(university), "controller": did(university), "id": rust_signer(university).key_id()})
}

/// Signs as `university` with the JS stack.
fn js_sign_as(doc: &Value, university: &str) -> Value {
    js_sign(doc, university_key(university))
}

// ---------------------------------------------------------------------------------------------
// Credentials and status lists
// ---------------------------------------------------------------------------------------------

/// The unsigned EDC credential of `examples/awards/<name>.json`, built as the issuer CLI does, and
/// its awarding university.
fn built(name: &str) -> (Value, String) {
    let universities = issuer::universities::load(
        &repo().join("keys.example/universities.toml"),
        DEMO_BASE_URL,
    )
    .unwrap();
    let path = repo().join("examples/awards").join(format!("{name}.json"));
    let options = BuildOptions {
        credential_id: format!("urn:uuid:00000000-0000-4000-8000-{:012x}", name.len()),
        issued: None,
    };
    let credential = issuer::award_file::build_from_file(&path, &universities, &options)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .credential;
    let award: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let university = award["awardingUniversity"].as_str().unwrap().to_string();
    assert_eq!(
        credential["issuer"]["id"],
        json!(did(&university)),
        "{name}"
    );
    (credential, university)
}

/// Serves, at `path`, a status list issued by `issuer` and signed by JS as `signed_by`; its URL.
fn serve_js_list(
    server: &StatusServer,
    path: &str,
    issuer: &str,
    signed_by: &str,
    purpose: &str,
    set: &[u64],
) -> String {
    let url = format!("{}{path}", server.base);
    server.put_json(
        path,
        &js_sign_as(
            &status_list(&url, issuer, purpose, &encoded_list(set)),
            signed_by,
        ),
    );
    url
}

/// Serves, at `path`, a status list issued by `university` and JS-signed by it; its URL.
fn serve_own_list(
    server: &StatusServer,
    path: &str,
    university: &str,
    purpose: &str,
    set: &[u64],
) -> String {
    serve_js_list(server, path, &did(university), university, purpose, set)
}

// ---------------------------------------------------------------------------------------------
// Verifying
// ---------------------------------------------------------------------------------------------

/// Demo registry, all checks, loopback + http allowed (test only). A fresh policy has an empty
/// fetch cache.
fn policy() -> Policy {
    Policy::new(TrustRegistry::demo().unwrap()).with_network(NetworkPolicy::local_testing())
}

/// The verification time.
fn clock() -> FixedClock {
    FixedClock(Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap())
}

/// `verifier::verify` on the serialized credential, every check, as the CLI and service call it.
fn verify(credential: &Value) -> Report {
    verifier::verify(
        &serde_json::to_vec(credential).unwrap(),
        &policy(),
        &clock(),
    )
}

fn status(r: &Report, k: CheckKind) -> CheckStatus {
    r.check(k).unwrap().status
}

fn msg(r: &Report, k: CheckKind) -> String {
    r.check(k).unwrap().message.clone()
}

fn show(r: &Report) -> String {
    serde_json::to_string_pretty(r).unwrap()
}

/// `doc` of `university` with a status entry (`list`, `purpose`, `index`), JS-signed as the
/// university and verified.
fn verify_with_entry(
    doc: &Value,
    university: &str,
    list: &str,
    purpose: &str,
    index: &str,
) -> Report {
    verify(&js_sign_as(
        &with_status(doc.clone(), list, purpose, index),
        university,
    ))
}

/// Asserts `kind` has `expected` status and a message containing each of `parts`.
fn assert_check(r: &Report, kind: CheckKind, expected: CheckStatus, parts: &[&str]) {
    assert_eq!(status(r, kind), expected, "{kind:?}: {}", show(r));
    let m = msg(r, kind);
    for p in parts {
        assert!(m.contains(p), "{kind:?} message lacks {p:?}: {m}");
    }
}

/// Asserts `kind` has `expected` status (the report in the failure message).
#[track_caller]
fn assert_status(r: &Report, kind: CheckKind, expected: CheckStatus) {
    assert_eq!(status(r, kind), expected, "{}", show(r));
}

fn assert_ok_except(r: &Report, except: &[CheckKind]) {
    for k in CheckKind::ALL.into_iter().filter(|k| !except.contains(k)) {
        assert_eq!(status(r, k), CheckStatus::Ok, "{k:?}: {}", show(r));
    }
}

// ---------------------------------------------------------------------------------------------
// The checks passing
// ---------------------------------------------------------------------------------------------

#[test]
fn js_signed_examples_with_js_signed_status_lists_are_valid_on_every_check() {
    let server = StatusServer::start();
    let names = [
        "micro-credential-professional",
        "micro-credential-academic-course",
        "programme-micro-credential-data-literacy",
        "certificate-of-completion",
        "certificate-of-participation-staff-week",
    ];
    for name in names {
        let (doc, uni) = built(name);
        let path = format!("/status/{uni}/{name}");
        let url = serve_js_list(&server, &path, &did(&uni), &uni, "revocation", &[5, 94_566]);
        let unsigned = with_status(doc, &url, "revocation", "94567");
        let cred = js_sign_as(&unsigned, &uni);
        let r = verify(&cred);
        assert_eq!(r.verdict, Verdict::Valid, "{name}: {}", show(&r));
        assert_ok_except(&r, &[]);
        let vm = rust_signer(&uni).key_id();
        assert_check(
            &r,
            CheckKind::Proof,
            CheckStatus::Ok,
            &["1 Data Integrity proof(s) (eddsa-rdfc-2022) verified", vm],
        );
        assert_check(
            &r,
            CheckKind::Trust,
            CheckStatus::Ok,
            &[&format!("issuer {} is", did(&uni)), "an ENHANCE member"],
        );
        assert_check(
            &r,
            CheckKind::Revocation,
            CheckStatus::Ok,
            &[&format!("not revoked: entry 94567 of {url} is clear")],
        );
        assert_check(
            &r,
            CheckKind::Expiry,
            CheckStatus::Ok,
            &["valid at 2026-11-29T12:00:00Z"],
        );
        assert_check(
            &r,
            CheckKind::AwardingBody,
            CheckStatus::Ok,
            &["the signing university", &format!("({uni})")],
        );
        if name == "programme-micro-credential-data-literacy" {
            // Its units are awarded by other members, under "on behalf of the ENHANCE Alliance".
            assert_check(
                &r,
                CheckKind::AwardingBody,
                CheckStatus::Ok,
                &["on behalf of the ENHANCE Alliance, and ENHANCE members"],
            );
        }
        assert!(
            server.hits_of(&path) >= 1,
            "{name}: the status list was not fetched"
        );

        // Same key, same `created`, deterministic Ed25519: Rust's signature is JS's.
        let rust = data_integrity::sign(
            &unsigned,
            rust_signer(&uni),
            &ProofOptions::new(Utc.with_ymd_and_hms(2026, 8, 1, 12, 0, 0).unwrap()),
        )
        .unwrap();
        assert_eq!(rust, cred, "{name}: Rust and JS signed documents differ");
    }
}

#[test]
fn js_signed_credential_with_revocation_and_suspension_entries_both_clear() {
    let server = StatusServer::start();
    let (doc, uni) = built("micro-credential-professional");
    let rev = serve_own_list(&server, "/status/rev", &uni, "revocation", &[41, 43]);
    let sus = serve_own_list(&server, "/status/sus", &uni, "suspension", &[41, 43]);
    let cred = js_sign_as(
        &with_status(
            with_status(doc, &rev, "revocation", "42"),
            &sus,
            "suspension",
            "42",
        ),
        &uni,
    );
    let r = verify(&cred);
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    assert_check(
        &r,
        CheckKind::Revocation,
        CheckStatus::Ok,
        &[
            &format!("not revoked: entry 42 of {rev} is clear"),
            &format!("not suspended: entry 42 of {sus} is clear"),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// The checks failing
// ---------------------------------------------------------------------------------------------

#[test]
fn js_signed_by_an_untrusted_did_key_fails_trust() {
    // A did:key "university" signing for itself: a valid JS proof, but not in the registry.
    let seed = [7u8; 32];
    let did_key = proofs::did::did_key_from_ed25519(
        &Ed25519Signer::from_secret_bytes("", &seed).verifying_key(),
    );
    let (mut doc, _) = built("micro-credential-professional");
    doc["issuer"]["id"] = json!(did_key);
    let seed_hex: String = seed.iter().map(|b| format!("{b:02x}")).collect();
    let cred = js_sign(&doc, json!({"seedHex": seed_hex}));
    assert!(cred["proof"]["verificationMethod"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{did_key}#z6Mk")));
    let r = verify(&cred);
    assert_check(&r, CheckKind::Proof, CheckStatus::Ok, &[&did_key]);
    // Issue #14: unknown to this service (not a failure by itself)...
    assert_check(
        &r,
        CheckKind::Trust,
        CheckStatus::Unknown,
        &[&format!(
            "issuer {did_key} is on none of the trust sources this service uses"
        )],
    );
    // ...but a non-member may not sign for the member universities' awards.
    assert_check(
        &r,
        CheckKind::AwardingBody,
        CheckStatus::Failed,
        &["which is not that member"],
    );
    assert_eq!(r.verdict, Verdict::Invalid);
}

#[test]
fn js_signed_expired_credential_fails_expiry() {
    let (mut doc, uni) = built("micro-credential-professional");
    // The builder writes validUntil (ELM) and expirationDate (VC 1.1) ten years ahead; both end
    // before the verification time here.
    assert!(doc["validUntil"].is_string() && doc["expirationDate"].is_string());
    doc["validUntil"] = json!("2026-10-01T00:00:00Z");
    doc["expirationDate"] = json!("2026-10-01T00:00:00Z");
    let cred = js_sign_as(&doc, &uni);
    let r = verify(&cred);
    assert_check(
        &r,
        CheckKind::Expiry,
        CheckStatus::Failed,
        &["expired: validUntil was 2026-10-01T00:00:00Z, before the verification time 2026-11-29T12:00:00Z"],
    );
    assert_ok_except(&r, &[CheckKind::Expiry, CheckKind::Revocation]);
    assert_eq!(
        status(&r, CheckKind::Revocation),
        CheckStatus::Skipped,
        "no credentialStatus: {}",
        show(&r)
    );
    assert_eq!(r.verdict, Verdict::Invalid);

    // Only expirationDate in the past (validUntil still ahead): expired all the same.
    let mut doc2 = doc.clone();
    doc2["validUntil"] = json!("2036-04-10T23:59:59Z");
    let r = verify(&js_sign_as(&doc2, &uni));
    assert_check(
        &r,
        CheckKind::Expiry,
        CheckStatus::Failed,
        &["expired: expirationDate was 2026-10-01T00:00:00Z"],
    );
    assert_eq!(r.verdict, Verdict::Invalid);

    // The same credential before it became valid (issuanceDate / validFrom 2026-04-10).
    let early = FixedClock(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
    let r = verifier::verify_json(&cred, &policy(), &early);
    assert_check(
        &r,
        CheckKind::Expiry,
        CheckStatus::Failed,
        &[
            "not yet valid:",
            "after the verification time 2026-01-01T00:00:00Z",
        ],
    );
    assert_eq!(r.verdict, Verdict::Invalid);
}

#[test]
fn js_signed_revoked_and_suspended_credentials_fail_revocation() {
    let server = StatusServer::start();
    // (example, list path, purpose, the set entry, what the message starts with)
    let cases = [
        (
            "micro-credential-professional",
            "/status/eth/rev",
            "revocation",
            42,
            "revoked",
        ),
        (
            "certificate-of-completion",
            "/status/sus",
            "suspension",
            9,
            "suspended",
        ),
    ];
    let mut last = None;
    for (name, path, purpose, entry, word) in cases {
        let (doc, uni) = built(name);
        let list = serve_own_list(&server, path, &uni, purpose, &[entry]);
        let index = entry.to_string();
        let cred = js_sign_as(&with_status(doc.clone(), &list, purpose, &index), &uni);
        let r = verify(&cred);
        let says = format!("{word}: entry {entry} of {list} is set");
        assert_check(&r, CheckKind::Revocation, CheckStatus::Failed, &[&says]);
        assert!(
            msg(&r, CheckKind::Revocation).starts_with(&format!("{word}:")),
            "{}",
            show(&r)
        );
        assert_ok_except(&r, &[CheckKind::Revocation]);
        assert_eq!(r.verdict, Verdict::Invalid);
        last = Some((doc, uni, list));
    }
    let (doc, uni, sus) = last.unwrap();

    // The next entry of the same list is clear.
    let r = verify_with_entry(&doc, &uni, &sus, "suspension", "10");
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    assert_check(
        &r,
        CheckKind::Revocation,
        CheckStatus::Ok,
        &["not suspended: entry 10"],
    );
}

#[test]
fn js_signed_status_list_of_someone_else_fails_revocation() {
    let server = StatusServer::start();
    let (doc, uni) = built("micro-credential-professional");
    assert_ne!(uni, "rwth");

    // rwth publishes (and JS-signs) a list; the eth credential points at it.
    let url = serve_own_list(&server, "/status/rwth/1", "rwth", "revocation", &[]);
    let r = verify_with_entry(&doc, &uni, &url, "revocation", "3");
    assert_check(
        &r,
        CheckKind::Revocation,
        CheckStatus::Failed,
        &[&format!(
            "status list {url} is issued by {}, not by the credential's issuer {}",
            did("rwth"),
            did(&uni)
        )],
    );
    assert_eq!(r.verdict, Verdict::Invalid);

    // A list naming eth as its issuer but JS-signed with rwth's key: its proof does not verify.
    let (path, issuer) = ("/status/eth/forged", did(&uni));
    let url = serve_js_list(&server, path, &issuer, "rwth", "revocation", &[]);
    let r = verify_with_entry(&doc, &uni, &url, "revocation", "3");
    assert_check(
        &r,
        CheckKind::Revocation,
        CheckStatus::Failed,
        &[
            &format!("status list {url}: its proof does not verify"),
            &format!("is controlled by {}", did("rwth")),
        ],
    );
    assert_eq!(r.verdict, Verdict::Invalid);

    // eth's own JS-signed list, its bit flipped afterwards by someone else (no new signature).
    let url = format!("{}/status/eth/flipped", server.base);
    let list = status_list(&url, &did(&uni), "revocation", &encoded_list(&[]));
    let mut list = js_sign_as(&list, &uni);
    list["credentialSubject"]["encodedList"] = json!(encoded_list(&[3]));
    server.put_json("/status/eth/flipped", &list);
    let r = verify_with_entry(&doc, &uni, &url, "revocation", "3");
    assert_check(
        &r,
        CheckKind::Revocation,
        CheckStatus::Failed,
        &[
            &format!("status list {url}: its proof does not verify"),
            "signature does not verify",
        ],
    );
    assert_eq!(r.verdict, Verdict::Invalid);
}

fn set_awarding_body(claim: &mut Value, body: Value) {
    claim["awardedBy"]["awardingBody"] = json!([body]);
}

#[test]
fn js_signed_forged_awarding_body_fails() {
    // tudelft's certificate of completion claiming RWTH as the awarding body, signed by tudelft.
    let (mut doc, uni) = built("certificate-of-completion");
    assert_ne!(uni, "rwth");
    let rwth = json!({"id": did("rwth"), "type": "Organisation", "legalName": {"en": "RWTH Aachen University"}});
    set_awarding_body(&mut doc["credentialSubject"]["hasClaim"][0], rwth);
    let cred = js_sign_as(&doc, &uni);
    let r = verify(&cred);
    assert_check(
        &r,
        CheckKind::AwardingBody,
        CheckStatus::Failed,
        &[
            "is awarded by RWTH Aachen University (rwth), not by the signing university",
            &format!("({uni})"),
            "does not state",
        ],
    );
    assert_status(&r, CheckKind::Proof, CheckStatus::Ok);
    assert_status(&r, CheckKind::Trust, CheckStatus::Ok);
    assert_eq!(r.verdict, Verdict::Invalid);

    // A body outside the alliance.
    let (mut doc, uni) = built("micro-credential-professional");
    let evil = json!({"id": "did:web:evil.example", "type": "Organisation", "legalName": {"en": "Evil University"}});
    set_awarding_body(&mut doc["credentialSubject"]["hasClaim"][0], evil);
    let r = verify(&js_sign_as(&doc, &uni));
    assert_check(
        &r,
        CheckKind::AwardingBody,
        CheckStatus::Failed,
        &[
            "is awarded by Evil University (did:web:evil.example), which is neither the signing university",
            "nor an ENHANCE member",
        ],
    );
    assert_eq!(r.verdict, Verdict::Invalid);
}

#[test]
fn unreachable_js_status_list_is_indeterminate_never_valid() {
    let mut server = StatusServer::start();
    let (doc, uni) = built("micro-credential-professional");
    let url = serve_own_list(&server, "/status/eth/1", &uni, "revocation", &[]);
    let cred = js_sign_as(&with_status(doc.clone(), &url, "revocation", "3"), &uni);
    assert_eq!(verify(&cred).verdict, Verdict::Valid);

    // The status list host goes down (a fresh policy: nothing cached).
    server.stop();
    let r = verify_within_5s(&cred);
    assert_check(
        &r,
        CheckKind::Revocation,
        CheckStatus::Error,
        &["status list unavailable", &url],
    );
    assert_ok_except(&r, &[CheckKind::Revocation]);
    assert_eq!(r.verdict, Verdict::Indeterminate, "{}", show(&r));

    // A port nobody ever listened on.
    let closed = closed_port();
    let url = format!("http://127.0.0.1:{closed}/status/eth/1");
    let r = verify_with_entry(&doc, &uni, &url, "revocation", "3");
    assert_check(
        &r,
        CheckKind::Revocation,
        CheckStatus::Error,
        &["status list unavailable"],
    );
    assert_eq!(r.verdict, Verdict::Indeterminate, "{}", show(&r));

    // A list that is not there (404).
    let server = StatusServer::start();
    let url = format!("{}/status/eth/missing", server.base);
    let r = verify_with_entry(&doc, &uni, &url, "revocation", "3");
    assert_check(
        &r,
        CheckKind::Revocation,
        CheckStatus::Error,
        &["status list unavailable", "404"],
    );
    assert_eq!(r.verdict, Verdict::Indeterminate, "{}", show(&r));
}

/// A loopback port nobody listens on (bound, then released).
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// [`verify`], which must end within 5 s (an unreachable host is not waited for).
fn verify_within_5s(credential: &Value) -> Report {
    let t = Instant::now();
    let r = verify(credential);
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "took {:?}",
        t.elapsed()
    );
    r
}

/// The JS key `{did}#key-1` (controller `did`) with the seed `seed_hex`.
fn did_key_1(did: &str, seed_hex: &str) -> Value {
    json!({"seedHex": seed_hex, "controller": did, "id": format!("{did}#key-1")})
}

#[test]
fn unreachable_did_web_issuer_is_a_proof_error() {
    // A university outside the registry with a did:web on a host that does not answer.
    let closed = closed_port();
    let did = format!("did:web:127.0.0.1%3A{closed}:universities:outsider");
    let (mut doc, _) = built("micro-credential-professional");
    doc["issuer"]["id"] = json!(did);
    let seed_hex: String = [9u8; 32].iter().map(|b| format!("{b:02x}")).collect();
    let cred = js_sign(&doc, did_key_1(&did, &seed_hex));

    let r = verify_within_5s(&cred);
    assert_check(
        &r,
        CheckKind::Proof,
        CheckStatus::Error,
        &[&format!("cannot resolve {did}")],
    );
    // Every check: trust is about who signed, and no proof verified, so it is not checked
    // (issue #13: a claimed issuer is never reported as trusted or untrusted without a proof);
    // it can never be valid.
    assert_check(
        &r,
        CheckKind::Trust,
        CheckStatus::Skipped,
        &["not checked: no proof verified"],
    );
    assert_ne!(r.verdict, Verdict::Valid, "{}", show(&r));
    // The checks that do not depend on the registry: could not check.
    let p = policy().with_checks([
        CheckKind::Format,
        CheckKind::Proof,
        CheckKind::Expiry,
        CheckKind::Revocation,
    ]);
    let r = verifier::verify_json(&cred, &p, &clock());
    assert_status(&r, CheckKind::Proof, CheckStatus::Error);
    assert_eq!(r.verdict, Verdict::Indeterminate, "{}", show(&r));

    // Once the host answers with its DID document, the same JS proof verifies.
    let server = StatusServer::start();
    let did = format!("did:web:127.0.0.1%3A{}:universities:outsider", server.port);
    let key = Ed25519Signer::from_secret_bytes(format!("{did}#key-1"), &[9u8; 32]);
    let document =
        proofs::did::build_did_document(&did, &[("key-1".into(), key.public_key())]).unwrap();
    server.put_json("/universities/outsider/did.json", &document);
    doc["issuer"]["id"] = json!(did);
    let cred = js_sign(&doc, did_key_1(&did, &seed_hex));
    let r = verifier::verify_json(&cred, &p, &clock());
    assert_check(
        &r,
        CheckKind::Proof,
        CheckStatus::Ok,
        &[&format!("{did}#key-1")],
    );
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
}

#[test]
fn tampered_after_js_signing_fails_the_proof() {
    let (doc, uni) = built("micro-credential-professional");
    let signed = js_sign_as(&doc, &uni);
    let vm = rust_signer(&uni).key_id().to_string();
    assert_eq!(verify(&signed).verdict, Verdict::Valid);

    let mut cred = signed.clone();
    cred["credentialSubject"]["givenName"] = json!({"en": "Mallory"});
    let r = verify(&cred);
    assert_check(
        &r,
        CheckKind::Proof,
        CheckStatus::Failed,
        &[&format!("signature does not verify for {vm}")],
    );
    assert_eq!(r.verdict, Verdict::Invalid);

    // The proof's options changed after signing.
    let mut cred = signed.clone();
    cred["proof"]["created"] = json!("2026-08-01T12:00:01Z");
    let r = verify(&cred);
    assert_check(
        &r,
        CheckKind::Proof,
        CheckStatus::Failed,
        &["signature does not verify"],
    );

    // JS-signed by another member's key under this issuer: the key's controller is not the issuer.
    let r = verify(&js_sign_as(&doc, "rwth"));
    assert_check(
        &r,
        CheckKind::Proof,
        CheckStatus::Failed,
        &[&format!(
            "is controlled by {}, not by the issuer {}",
            did("rwth"),
            did(&uni)
        )],
    );
    assert_eq!(r.verdict, Verdict::Invalid);
}
