//! Shared test fixtures: real credentials built with `elm-model` from `examples/awards/`, signed
//! with the demo keys of `keys.example/` through `proofs`, status lists, a tiny HTTP server on
//! 127.0.0.1.
// Shared by several test crates; each uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{DateTime, TimeZone, Utc};
use elm_model::{
    build, did_web, parse_award, BuildOptions, DisplayImage, Universities, University,
};
use proofs::data_integrity::{self, ProofOptions};
use proofs::keystore::KeyStore;
use proofs::signer::{Ed25519Signer, Signer};
use serde_json::Value;
use verifier::{FixedClock, NetworkPolicy, Policy, TrustRegistry};

pub const BASE: &str = "http://localhost:8080";

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file of the repository's `testdata/` tree (the vendored reference data).
pub fn testdata(rel: &str) -> PathBuf {
    repo().join("testdata").join(rel)
}

pub fn keystore() -> &'static KeyStore {
    static KS: OnceLock<KeyStore> = OnceLock::new();
    KS.get_or_init(|| KeyStore::load(&repo().join("keys.example"), BASE).unwrap())
}

pub fn signer(university: &str) -> Ed25519Signer {
    keystore()
        .university(university)
        .unwrap()
        .current_file_signer()
        .unwrap()
        .clone()
}

pub fn did(university: &str) -> String {
    keystore().university(university).unwrap().did().to_string()
}

pub fn universities() -> Universities {
    let text = std::fs::read_to_string(repo().join("keys.example/universities.toml")).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    let list: Vec<University> = table["university"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let mut u: University = u.clone().try_into().unwrap();
            u.did = did_web(BASE, &u.id).unwrap();
            u
        })
        .collect();
    Universities::new(list)
}

/// The unsigned EDC credential of `examples/awards/<name>.json` and its awarding university.
pub fn built(name: &str) -> (Value, String) {
    built_in("examples/awards", name)
}

/// The unsigned EDC credential of `<dir>/<name>.json` (relative to the repository) and its
/// awarding university.
pub fn built_in(dir: &str, name: &str) -> (Value, String) {
    let dir = repo().join(dir);
    let award =
        parse_award(&std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap()).unwrap();
    let images = DisplayImage::referenced(&award, |f| std::fs::read(dir.join(f))).unwrap();
    let options = BuildOptions {
        credential_id: format!("urn:uuid:00000000-0000-4000-8000-{:012x}", name.len()),
        issued: None,
    };
    let b = build(&award, &universities(), &images, &options)
        .unwrap_or_else(|e| panic!("{name}: {:#?}", e.issues()));
    (b.credential, award.awarding_university.clone())
}

pub fn created() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 8, 1, 12, 0, 0).unwrap()
}

/// Verification time of most tests.
pub fn clock() -> FixedClock {
    FixedClock(Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap())
}

pub fn sign_with(doc: &Value, s: &dyn Signer) -> Value {
    data_integrity::sign(doc, s, &ProofOptions::new(created())).unwrap()
}

/// The Bitstring Status List fixtures (status list credential, `encodedList`, entries): the
/// service kit's shared ones.
#[allow(unused_imports)] // not every test binary that includes `common` uses status lists
pub use service_kit::test_status_list::{encoded_list, gzip, status_list, with_status};

/// A tiny HTTP/1.1 server on 127.0.0.1 serving fixed bodies by path (404 otherwise): the
/// service kit's shared fixture server.
#[allow(unused_imports)] // not every test binary that includes `common` serves fixtures
pub use service_kit::test_support::FixtureServer as Server;

/// Demo registry, all checks, loopback + http allowed (test only).
pub fn policy() -> Policy {
    Policy::new(TrustRegistry::demo().unwrap()).with_network(NetworkPolicy::local_testing())
}

/// The verification service's test configuration: 127.0.0.1 (a free port), fetching from
/// loopback allowed (the fixture servers of the tests).
#[cfg(feature = "service")]
pub fn service_config() -> verifier::service::ServiceConfig {
    verifier::service::ServiceConfig {
        bind: ([127, 0, 0, 1], 0).into(),
        allow_local_network: true,
        ..verifier::service::ServiceConfig::default()
    }
}

/// Starts the verification service with `config` at the tests' fixed [`clock`] and the built-in
/// demo registry.
#[cfg(feature = "service")]
pub async fn start_service(
    config: verifier::service::ServiceConfig,
) -> verifier::service::RunningService {
    let overrides = verifier::service::Overrides {
        clock: Some(std::sync::Arc::new(clock())),
        registry: None,
    };
    verifier::service::start(config, overrides)
        .await
        .expect("service starts")
}

/// `doc` sealed (JAdES, JSON serialization) with `university`'s demo seal at [`created`].
pub fn seal_as(doc: &Value, university: &str) -> Value {
    let seal = keystore()
        .university(university)
        .unwrap()
        .seal
        .as_ref()
        .unwrap();
    let bytes = serde_json::to_vec(doc).unwrap();
    proofs::jades::seal(&bytes, seal.signer.as_ref(), &seal.chain, created()).unwrap()
}

/// The DID document of `did` with one Ed25519 verification method, `#key-1`, for `key`.
pub fn did_document_key_1(did: &str, key: &Ed25519Signer) -> Value {
    let key = proofs::PublicKey::Ed25519(key.verifying_key());
    proofs::did::build_did_document(did, &[("key-1".to_string(), key)]).unwrap()
}

/// A signed example credential with a status entry of `purpose` at `index` on a list (bits `set`)
/// served by `server`.
pub fn signed_with_list(
    server: &Server,
    name: &str,
    set: &[u64],
    purpose: &str,
    index: &str,
) -> Value {
    let (doc, uni) = built(name);
    let path = format!("/status/{uni}/{purpose}-{name}-{index}");
    let url = serve_status_list(server, &path, &uni, purpose, &encoded_list(set));
    sign_with(&with_status(doc, &url, purpose, index), &signer(&uni))
}

/// Serves at `path` of `server` a status list of `purpose` with the bits `encoded`, issued and
/// signed by `uni`; returns its URL.
pub fn serve_status_list(
    server: &Server,
    path: &str,
    uni: &str,
    purpose: &str,
    encoded: &str,
) -> String {
    let url = format!("{}{path}", server.base);
    let list = status_list(&url, &did(uni), purpose, encoded);
    server.put_json(path, &sign_with(&list, &signer(uni)));
    url
}

/// The status of check `k` in `r`.
pub fn status(r: &verifier::Report, k: verifier::CheckKind) -> verifier::CheckStatus {
    r.check(k).unwrap().status
}

/// The message of check `k` in `r`.
pub fn msg(r: &verifier::Report, k: verifier::CheckKind) -> String {
    r.check(k).unwrap().message.clone()
}

/// `r` as pretty JSON, for assertion messages.
pub fn show(r: &verifier::Report) -> String {
    serde_json::to_string_pretty(r).unwrap()
}

/// The `edc-shacl` detail of the format check of `r` (the EDC SHACL shapes' verdict).
pub fn shacl_detail(r: &verifier::Report) -> &verifier::report::SubCheck {
    r.check(verifier::CheckKind::Format)
        .unwrap()
        .details
        .iter()
        .find(|d| d.name == "edc-shacl")
        .unwrap()
}

/// Asserts that check `k` of `r` has status `expected` (the report in the failure message).
#[track_caller]
pub fn assert_status(
    r: &verifier::Report,
    k: verifier::CheckKind,
    expected: verifier::CheckStatus,
) {
    assert_eq!(status(r, k), expected, "{}", show(r));
}

/// Asserts that the message of check `k` of `r` contains `needle` (the report in the failure
/// message).
#[track_caller]
pub fn assert_says(r: &verifier::Report, k: verifier::CheckKind, needle: &str) {
    assert!(msg(r, k).contains(needle), "{}", show(r));
}

/// Asserts that check `k` of `r` has status `expected` and a message containing `needle`.
#[track_caller]
pub fn assert_check_says(
    r: &verifier::Report,
    k: verifier::CheckKind,
    expected: verifier::CheckStatus,
    needle: &str,
) {
    assert_status(r, k, expected);
    assert_says(r, k, needle);
}

/// The header members of ETH's demo seal: x5c (leaf, then the demo CA).
pub fn eth_seal_header() -> serde_json::Map<String, Value> {
    let seal = keystore().university("eth").unwrap().seal.as_ref().unwrap();
    let ders: Vec<Vec<u8>> = seal
        .chain
        .iter()
        .map(|c| proofs::certs::certificate_to_der(c).unwrap())
        .collect();
    let mut h = serde_json::Map::new();
    h.insert("x5c".into(), proofs::jose::x5c_value(&ders));
    h
}

/// ETH's demo seal signer.
pub fn eth_seal_signer() -> &'static dyn Signer {
    keystore()
        .university("eth")
        .unwrap()
        .seal
        .as_ref()
        .unwrap()
        .signer
        .as_ref()
}

/// The `code` of each problem of a report or result (JSON).
pub fn problem_codes(report: &Value) -> Vec<String> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect()
}

/// A signed EDC credential (`micro-credential-professional`, VC 1.1) with a revocation entry at
/// `index` on a list whose set bits are `set`, served by `server`.
pub fn edc_with_status(server: &Server, set: &[u64], index: &str) -> Value {
    let (doc, uni) = built("micro-credential-professional");
    let bits: Vec<String> = set.iter().map(|i| i.to_string()).collect();
    let path = format!("/status/{uni}/vp-{index}-s{}", bits.join("-"));
    let url = format!("{}{path}", server.base);
    let list = sign_with(
        &status_list(&url, &did(&uni), "revocation", &encoded_list(set)),
        &signer(&uni),
    );
    server.put_json(&path, &list);
    sign_with(&with_status(doc, &url, "revocation", index), &signer(&uni))
}

/// The `examples/stack` scenario: TU Delft's programme and the three unit credentials (TU Delft,
/// ETH, WUT) of one learner, each signed by its university.
pub fn stack_scenario() -> (Value, Vec<Value>) {
    let programme: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("examples/stack/programme.json")).unwrap(),
    )
    .unwrap();
    let unit = |name: &str| {
        let (doc, uni) = built_in("examples/stack", name);
        sign_with(&doc, &signer(&uni))
    };
    let units = vec![
        unit("unit-tudelft-data-analysis"),
        unit("unit-eth-machine-learning"),
        unit("unit-wut-statistics"),
    ];
    (programme, units)
}
