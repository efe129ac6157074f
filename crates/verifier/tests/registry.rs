//! The committed demo registry is exactly what the key store produces.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use verifier::registry::{TrustRegistry, DEMO_BASE_URL, DEMO_REGISTRY_JSON};

#[test]
fn committed_registry_matches_the_key_store() {
    let generated =
        TrustRegistry::from_key_store(&common::repo().join("keys.example"), DEMO_BASE_URL).unwrap();
    let on_disk =
        std::fs::read_to_string(common::repo().join("keys.example/trust-registry.json")).unwrap();
    assert_eq!(
        generated.to_pretty_json(),
        on_disk,
        "keys.example/trust-registry.json is stale: cargo run -p verifier --example gen_trust_registry -- keys.example"
    );
    assert_eq!(
        DEMO_REGISTRY_JSON, on_disk,
        "the built-in registry is the committed file"
    );
    let r = TrustRegistry::demo().unwrap();
    let ids: Vec<&str> = r.members.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["eth", "rwth", "tudelft", "wut", "tub", "polimi"]);
    let eth = r
        .member_by_did("did:web:localhost%3A8080:universities:eth#key-2025-01")
        .unwrap();
    assert_eq!(eth.legal_identifier, "CH ZURICH01");
    assert_eq!(
        eth.seal.as_ref().unwrap().organisation_identifier,
        "NTRCH-DEMO-ETH"
    );
    assert_eq!(r.member_by_identifier("NTRPL-DEMO-WUT").unwrap().id, "wut");
    assert_eq!(
        r.member_by_legal_name("Politecnico di Milano").unwrap().id,
        "polimi"
    );
    assert_eq!(r.trust_anchors().certificates().len(), 1);
}

#[test]
fn a_malformed_registry_is_refused() {
    let mut v: serde_json::Value = serde_json::from_str(DEMO_REGISTRY_JSON).unwrap();
    v["members"][0]["dids"][0]["document"]["id"] = "did:web:other".into();
    assert!(TrustRegistry::from_json_bytes(v.to_string().as_bytes()).is_err());
    let mut v: serde_json::Value = serde_json::from_str(DEMO_REGISTRY_JSON).unwrap();
    v["members"][0]["seal"]["caCertificates"][0] = "garbage".into();
    assert!(TrustRegistry::from_json_bytes(v.to_string().as_bytes()).is_err());
    assert!(TrustRegistry::from_json_bytes(b"{\"name\": 1}").is_err());
}
