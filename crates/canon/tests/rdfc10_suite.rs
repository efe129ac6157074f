//! The W3C RDFC-1.0 conformance suite (`rdf-canon/manifest.jsonld`), driven from the manifest:
//! eval tests compare canonical N-Quads byte for byte, map tests compare the issued identifiers
//! map, negative tests expect the poison-graph bound ([`canon::CanonError::TooComplex`]).

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

use canon::{parse_nquads, rdfc, CanonError, HashAlgorithm, Limits};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn suite() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/vectors/rdf-canon"
    ))
}

struct Entry {
    id: String,
    kind: String,
    name: String,
    action: String,
    result: Option<String>,
    algorithm: HashAlgorithm,
}

fn entries() -> Vec<Entry> {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(suite().join("manifest.jsonld")).unwrap())
            .unwrap();
    manifest["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| Entry {
            id: e["id"].as_str().unwrap().to_owned(),
            kind: e["type"].as_str().unwrap().to_owned(),
            name: e["name"].as_str().unwrap_or_default().to_owned(),
            action: e["action"].as_str().unwrap().to_owned(),
            result: e["result"].as_str().map(str::to_owned),
            algorithm: match e["hashAlgorithm"].as_str() {
                None | Some("SHA256") => HashAlgorithm::Sha256,
                Some("SHA384") => HashAlgorithm::Sha384,
                Some(other) => panic!("unknown hash algorithm {other}"),
            },
        })
        .collect()
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(suite().join(rel)).unwrap()
}

#[derive(Default, Debug)]
struct Tally {
    passed: usize,
    total: usize,
}

#[test]
fn rdfc10_conformance_suite() {
    let limits = Limits::default();
    let mut tallies: HashMap<&str, Tally> = HashMap::new();
    let mut failures = Vec::new();
    let mut max_work = (0u64, 0u64, 0u64);
    for e in entries() {
        let input = parse_nquads(&read(&e.action)).unwrap_or_else(|err| panic!("{}: {err}", e.id));
        let start = Instant::now();
        let got = rdfc::canonicalize(&input, &limits, e.algorithm);
        let elapsed = start.elapsed();
        let short = match e.kind.as_str() {
            "rdfc:RDFC10EvalTest" => "eval",
            "rdfc:RDFC10MapTest" => "map",
            "rdfc:RDFC10NegativeEvalTest" => "negative",
            other => panic!("unknown test type {other}"),
        };
        let outcome: Result<(), String> = match (short, got) {
            ("eval", Ok(c)) => {
                let expected = read(e.result.as_deref().unwrap());
                max_work.0 = max_work.0.max(c.work.ndegree_calls);
                max_work.1 = max_work.1.max(c.work.permutations);
                max_work.2 = max_work.2.max(c.work.max_depth);
                if c.nquads == expected {
                    Ok(())
                } else {
                    Err(format!("expected:\n{expected}\ngot:\n{}", c.nquads))
                }
            }
            ("map", Ok(c)) => {
                let expected: HashMap<String, String> =
                    serde_json::from_str(&read(e.result.as_deref().unwrap())).unwrap();
                if c.issued_map() == expected {
                    Ok(())
                } else {
                    Err(format!("expected map {expected:?}, got {:?}", c.issued))
                }
            }
            ("negative", Err(CanonError::TooComplex { .. })) => {
                if elapsed < Duration::from_secs(1) {
                    Ok(())
                } else {
                    Err(format!("bound fired only after {elapsed:?}"))
                }
            }
            ("negative", other) => Err(format!("expected TooComplex, got {other:?}")),
            (_, Err(err)) => Err(format!("error: {err}")),
            _ => unreachable!(),
        };
        let t = tallies.entry(short).or_default();
        t.total += 1;
        match outcome {
            Ok(()) => t.passed += 1,
            Err(msg) => failures.push(format!("{} ({}, {}): {msg}", e.id, e.name, short)),
        }
    }
    for kind in ["eval", "map", "negative"] {
        let t = tallies
            .get(kind)
            .map(|t| (t.passed, t.total))
            .unwrap_or((0, 0));
        println!("RDFC-1.0 {kind} tests: {} passed / {} total", t.0, t.1);
    }
    println!(
        "max work over eval tests: {} N-degree calls, {} permutations, depth {}",
        max_work.0, max_work.1, max_work.2
    );
    for f in &failures {
        println!("FAIL {f}");
    }
    assert_eq!(tallies["eval"].total, 64);
    assert_eq!(tallies["map"].total, 21);
    assert_eq!(tallies["negative"].total, 1);
    assert!(
        failures.is_empty(),
        "{} conformance failures",
        failures.len()
    );
}
