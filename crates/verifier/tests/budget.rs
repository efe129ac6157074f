//! Hostile input, issue #13 finding 3, in the library: the caps checked before any JSON-LD work
//! (`Policy::budget`, `Policy::max_credential_bytes`). Over a cap the credential is not processed:
//! `format` and `proof` "could not check" naming the limit, verdict `indeterminate`, quickly and
//! without the memory canonicalisation would take. Real credentials (the EU's EDC samples, the
//! signed examples) are far inside the default caps.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};
use verifier::{verify, CheckKind, CheckStatus, Verdict};

/// A credential whose subject holds `n` objects without an id (`{"a": "x<i>"}`), each a blank node.
fn with_blank_nodes(n: usize) -> Vec<u8> {
    let items: Vec<Value> = (0..n).map(|i| json!({"a": format!("x{i}")})).collect();
    serde_json::to_vec(&json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", {"items": "https://example.org/items", "a": "https://example.org/a"}],
        "type": ["VerifiableCredential"],
        "issuer": did("eth"),
        "credentialSubject": {"id": "did:example:learner", "items": items},
    }))
    .unwrap()
}

fn assert_not_checked(input: &[u8], limit: &str) {
    let t = Instant::now();
    let r = verify(input, &policy(), &clock());
    let took = t.elapsed();
    assert!(took < Duration::from_secs(2), "{limit}: took {took:?}");
    assert_eq!(r.verdict, Verdict::Indeterminate, "{limit}");
    for k in [CheckKind::Format, CheckKind::Proof] {
        let c = r.check(k).unwrap();
        assert_eq!(c.status, CheckStatus::Error, "{limit} {k:?}: {}", c.message);
        assert!(c.message.contains(limit), "{limit} {k:?}: {}", c.message);
    }
    assert_eq!(
        r.check(CheckKind::Revocation).unwrap().status,
        CheckStatus::Skipped
    );
}

#[test]
fn over_the_caps_is_not_checked_and_says_which_limit() {
    // ~140,000 blank nodes in 2 MB (the finding: ~400 MB to verify).
    let heavy = with_blank_nodes(140_000);
    assert!(heavy.len() > 2_000_000, "{}", heavy.len());
    assert_not_checked(&heavy, "(limit max_blank_nodes)");
    // Just over the blank-node cap.
    let caps = canon::Budget::default();
    assert_not_checked(
        &with_blank_nodes(caps.max_blank_nodes + 1),
        &format!("more than {} objects without an id", caps.max_blank_nodes),
    );
    // Values rather than blank nodes: one array of strings, more than the value cap.
    let strings: Vec<String> = (0..caps.max_nodes + 10_000)
        .map(|i| i.to_string())
        .collect();
    let many = serde_json::to_vec(&json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:x", "name": strings},
    }))
    .unwrap();
    assert_not_checked(
        &many,
        &format!("more than {} JSON values (limit max_nodes)", caps.max_nodes),
    );
    // Bytes: over `max_credential_bytes`, refused before parsing.
    let mut p = policy();
    p.max_credential_bytes = 1000;
    let r = verify(&with_blank_nodes(100), &p, &clock());
    assert_eq!(r.verdict, Verdict::Indeterminate);
    assert!(r
        .check(CheckKind::Format)
        .unwrap()
        .message
        .contains("limit max_credential_bytes"));
}

#[test]
fn real_credentials_are_well_inside_the_default_caps() {
    let budget = canon::Budget::default();
    let mut seen = 0;
    for dir in [
        "testdata/edc/samples/elm-v3-official",
        "testdata/edc/samples/ebsi-vcdm2-edc-examples",
    ] {
        for entry in std::fs::read_dir(repo().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let Ok(v) = serde_json::from_slice::<Value>(&std::fs::read(&path).unwrap()) else {
                continue;
            };
            let shape = canon::budget::measure(&v, &budget)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // A tenth of each cap at most: room for programme certificates with their units.
            assert!(
                shape.nodes * 10 < budget.max_nodes,
                "{}: {shape:?}",
                path.display()
            );
            assert!(
                shape.blank_nodes * 10 < budget.max_blank_nodes,
                "{}: {shape:?}",
                path.display()
            );
            seen += 1;
        }
    }
    assert!(seen >= 5, "{seen} samples");
    // And a signed example still verifies with every check under the caps.
    let (doc, uni) = built("micro-credential-professional");
    let cred = serde_json::to_vec(&sign_with(&doc, &signer(&uni))).unwrap();
    let r = verify(
        &cred,
        &policy().with_checks([CheckKind::Format, CheckKind::Proof]),
        &clock(),
    );
    assert_eq!(r.verdict, Verdict::Valid, "{:?}", r.checks);
}
