//! The fast path sorts canonical lines by (subject rank, predicate rank, rest of the line)
//! (`fast::emit`); this must be exactly the byte order of whole lines. Adversarial IRIs: subjects
//! and predicates that are prefixes of one another followed by bytes below and above `>` (0x3E)
//! and the space, many quads per node, duplicates. Compared with the oracle byte for byte.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use serde_json::{json, Value};

fn doc() -> Value {
    // (No percent-encoded suffixes: the oracle's IRI type treats `p%41` and `pA` as the same IRI,
    // jsonld.js and the fast path do not; see the js_interop tests.)
    let suffixes = [
        "", "-", ".", "/", "0", "9", ":", "=", "?", "A", "a", "b", "~", "é", "%20x",
    ];
    let mut graph = Vec::new();
    for s in suffixes {
        let mut node = serde_json::Map::new();
        node.insert("@id".into(), json!(format!("urn:x:a{s}")));
        for p in suffixes {
            node.insert(
                format!("http://example.org/p{p}"),
                json!(format!("v{s}{p}")),
            );
        }
        // A duplicate value and a long literal shared by several nodes.
        node.insert(
            "http://example.org/p".into(),
            json!(["same", "same", "x".repeat(5000)]),
        );
        graph.push(Value::Object(node));
    }
    json!({ "@context": {"@version": 1.1}, "@graph": graph })
}

#[test]
fn ranked_sort_equals_byte_order_of_lines() {
    let d = doc();
    let fast = canon::fast::canonicalize(&d)
        .unwrap()
        .expect("the fast path must accept this document");
    let oracle = canon::oracle_canonicalize(&d).unwrap();
    if fast != oracle {
        let (f, o): (Vec<&str>, Vec<&str>) = (fast.lines().collect(), oracle.lines().collect());
        let i = f
            .iter()
            .zip(&o)
            .position(|(a, b)| a != b)
            .unwrap_or(f.len().min(o.len()));
        let cut = |s: Option<&&str>| s.map(|s| s.chars().take(120).collect::<String>());
        panic!(
            "line {i} differs: fast {:?} / oracle {:?} ({} vs {} lines)",
            cut(f.get(i)),
            cut(o.get(i)),
            f.len(),
            o.len()
        );
    }
    // More than the 32 quads below which the plain sort is used, and really sorted + unique.
    let lines: Vec<&str> = fast.lines().collect();
    assert!(lines.len() > 200, "{} lines", lines.len());
    assert!(lines.windows(2).all(|w| w[0].as_bytes() < w[1].as_bytes()));
}
