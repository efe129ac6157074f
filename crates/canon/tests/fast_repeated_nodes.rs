//! The fast path walks a node object that repeats an already emitted one (same `@id`, same
//! contexts, same JSON) only once (`fast::expand`, `node_memo`). These documents are built to
//! break that shortcut if it were wrong: repeats that contain blank nodes (each walk makes new
//! ones), the same `@id` with different content, the same object under different type-scoped
//! contexts, repeats inside lists, and references before and after the full object. Each must
//! give exactly the oracle's canonical N-Quads, without a fallback.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use serde_json::{json, Value};

fn same_as_oracle(name: &str, doc: &Value) {
    let fast = canon::fast::canonicalize(doc)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .unwrap_or_else(|d| panic!("{name}: declined: {d}"));
    let oracle = canon::oracle_canonicalize(doc).unwrap();
    assert_eq!(fast, oracle, "{name}");
}

fn org(name: &str, with_blank: bool) -> Value {
    let mut o = json!({
        "@id": "urn:x:org",
        "@type": "http://example.org/Org",
        "http://example.org/name": name,
        "http://example.org/logo": {"@id": "urn:x:logo", "http://example.org/content": "x".repeat(3000)}
    });
    if with_blank {
        o["http://example.org/address"] = json!({"http://example.org/city": "Zürich"});
    }
    o
}

#[test]
fn repeated_nodes_give_the_oracles_output() {
    let ctx = json!({"@version": 1.1});
    // Identical repeats, no blank node: the shortcut applies.
    same_as_oracle(
        "identical repeats",
        &json!({"@context": ctx, "@id": "urn:x:c", "http://example.org/a": org("ETH", false), "http://example.org/b": org("ETH", false), "http://example.org/c": [org("ETH", false), org("ETH", false)]}),
    );
    // Identical repeats that contain a blank node: each walk must add a new blank node.
    same_as_oracle(
        "repeats with blank nodes",
        &json!({"@context": ctx, "@id": "urn:x:c", "http://example.org/a": org("ETH", true), "http://example.org/b": org("ETH", true)}),
    );
    // Same @id, different content: both are emitted (and merge into one node).
    same_as_oracle(
        "same id, other content",
        &json!({"@context": ctx, "@id": "urn:x:c", "http://example.org/a": org("ETH", false), "http://example.org/b": org("ETH Zürich", false)}),
    );
    // A reference first, the full object later, and a reference again.
    same_as_oracle(
        "references around the object",
        &json!({"@context": ctx, "@id": "urn:x:c", "http://example.org/a": {"@id": "urn:x:org"}, "http://example.org/b": org("ETH", false), "http://example.org/c": {"@id": "urn:x:org"}}),
    );
    // Repeats inside a list (lists are blank-node chains; the object itself repeats).
    same_as_oracle(
        "repeats in a list",
        &json!({"@context": ctx, "@id": "urn:x:c", "http://example.org/l": {"@list": [org("ETH", false), org("ETH", false)]}}),
    );
    // The same JSON under different type-scoped contexts expands differently: `name` means
    // another IRI inside a `Claim`.
    let scoped = json!({
        "@version": 1.1,
        "name": "http://example.org/name",
        "Org": "http://example.org/Org",
        "org": {"@id": "http://example.org/org"},
        "Claim": {"@id": "http://example.org/Claim", "@context": {"name": "http://example.org/claimName"}},
        "claim": {"@id": "http://example.org/claim"}
    });
    let o = json!({"@id": "urn:x:org", "@type": "Org", "name": "ETH"});
    same_as_oracle(
        "same object, other type-scoped context",
        &json!({"@context": scoped, "@id": "urn:x:c", "org": o, "claim": {"@id": "urn:x:claim", "@type": "Claim", "org": o}}),
    );
    // A property-scoped context propagates into the nested object: the same JSON gives other
    // quads there, so the second walk must happen.
    let property_scoped = json!({
        "@version": 1.1,
        "name": "http://example.org/name",
        "Org": "http://example.org/Org",
        "org": {"@id": "http://example.org/org"},
        "inClaim": {"@id": "http://example.org/inClaim", "@context": {"name": "http://example.org/claimName"}}
    });
    let doc = json!({"@context": property_scoped, "@id": "urn:x:c", "org": o, "inClaim": {"@id": "urn:x:claim", "org": o}});
    same_as_oracle("same object, other property-scoped context", &doc);
    assert!(
        canon::oracle_canonicalize(&doc)
            .unwrap()
            .contains("claimName"),
        "the scoped context must apply"
    );
}

#[test]
fn the_eu_samples_repeat_organisations_and_still_match() {
    for rel in [
        "Sample-MC-Annex1-unsigned.jsonld",
        "Sample-CertOfPart-unsigned.jsonld",
        "credential-sample_ELM-3.2.jsonld",
    ] {
        let path = format!(
            "{}/../../testdata/edc/samples/elm-v3-official/{rel}",
            env!("CARGO_MANIFEST_DIR")
        );
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        same_as_oracle(rel, &doc);
    }
}
