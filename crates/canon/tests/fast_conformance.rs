//! W3C JSON-LD 1.1 conformance of the fast path: drives `toRdf-manifest.jsonld` and
//! `expand-manifest.jsonld` from `testdata/vectors/json-ld-api/`.
//!
//! Every test is PASSED (same dataset as expected, compared as RDFC-1.0 canonical N-Quads so that
//! blank node labels do not matter; for a negative test: an error), DECLINED (the fast path hands
//! the document to the oracle; also every test with non-default options such as
//! `processingMode: json-ld-1.0`, `rdfDirection`, `produceGeneralizedRdf`, `expandContext`),
//! SAFE (a positive test whose expected output silently drops an undefined term or a relative
//! IRI: safe mode, like the oracle, rejects it — checked against the oracle), or DIFFERENT. The
//! tests assert that nothing is DIFFERENT.
//!
//! Expand tests are compared through RDF: the expected expanded document is turned into RDF by
//! the oracle (`canon::oracle_to_rdf`) — or, when the oracle cannot (a relative IRI in the expected
//! output, which needs the test's base IRI the oracle does not take), by the fast path itself,
//! which for an already-expanded document exercises only toRdf — and both sides are canonicalized
//! with RDFC-1.0.
//!
//! Remote documents are the suite's own files: `https://w3c.github.io/json-ld-api/tests/` is
//! mapped to the local directory through `contexts::OfflineLoader::with_documents`.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

use canon::fast::{self, FastOptions};
use canon::{CanonError, Limits, Quad};
use contexts::OfflineLoader;
use serde_json::Value;
use std::path::Path;

const SUITE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../testdata/vectors/json-ld-api"
);
const BASE: &str = "https://w3c.github.io/json-ld-api/tests/";

fn collect(dir: &Path, rel: &str, docs: &mut Vec<(String, Value)>) {
    for e in std::fs::read_dir(dir).expect("suite directory").flatten() {
        let p = e.path();
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if p.is_dir() {
            collect(&p, &format!("{rel}{name}/"), docs);
            continue;
        }
        if !(name.ends_with(".jsonld") || name.ends_with(".json")) {
            continue;
        }
        if let Ok(v) =
            serde_json::from_str::<Value>(&std::fs::read_to_string(&p).unwrap_or_default())
        {
            docs.push((format!("{BASE}{rel}{name}"), v));
        }
    }
}

fn loader() -> OfflineLoader {
    let mut docs = Vec::new();
    for sub in ["toRdf", "expand"] {
        collect(&Path::new(SUITE).join(sub), &format!("{sub}/"), &mut docs);
    }
    OfflineLoader::with_documents(docs)
}

fn canonical(quads: &[Quad]) -> Result<String, CanonError> {
    Ok(canon::rdfc10(quads, &Limits::default())?.nquads)
}

#[derive(Default, Debug)]
struct Counts {
    total: usize,
    passed: usize,
    declined: usize,
    declined_options: usize,
    safe: usize,
    not_applicable: usize,
    error_code_matches: usize,
    different: Vec<String>,
    reasons: std::collections::BTreeMap<&'static str, usize>,
}

fn is_safe_mode_error(e: &CanonError) -> bool {
    matches!(
        e,
        CanonError::UndefinedTerm { .. } | CanonError::RelativeIri { .. }
    )
}

/// Runs one manifest. `expected` maps a test to its expected dataset.
fn run_manifest(manifest: &str, expand: bool) -> Counts {
    let text = std::fs::read_to_string(Path::new(SUITE).join(manifest)).expect("manifest");
    let m: Value = serde_json::from_str(&text).expect("manifest JSON");
    let loader = loader();
    let oracle_opts = canon::Options {
        loader: loader.clone(),
        limits: Limits::default(),
    };
    let mut c = Counts::default();
    for t in m["sequence"].as_array().expect("sequence") {
        c.total += 1;
        let id = t["@id"].as_str().unwrap_or("?").to_owned();
        let types: Vec<&str> = t["@type"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let opts = t
            .get("option")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if opts.get("specVersion").and_then(Value::as_str) == Some("json-ld-1.0") {
            c.not_applicable += 1;
            continue;
        }
        if opts
            .keys()
            .any(|k| !matches!(k.as_str(), "specVersion" | "base" | "normative" | "useJCS"))
        {
            c.declined += 1;
            c.declined_options += 1;
            continue;
        }
        let input_rel = t["input"].as_str().expect("input");
        let input_path = Path::new(SUITE).join(input_rel);
        let Ok(input_text) = std::fs::read_to_string(&input_path) else {
            c.not_applicable += 1;
            continue;
        };
        let Ok(input) = serde_json::from_str::<Value>(&input_text) else {
            c.not_applicable += 1;
            continue;
        };
        let base = opts
            .get("base")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{BASE}{input_rel}"));
        let fopts = FastOptions {
            loader: loader.clone(),
            base: Some(base.clone()),
            limits: Limits::default(),
        };
        let got = fast::to_rdf(&input, &fopts);
        let negative = types.contains(&"jld:NegativeEvaluationTest");
        if negative {
            let code = t["expectErrorCode"].as_str().unwrap_or_default();
            match got {
                Err(e) => {
                    c.passed += 1;
                    if e.to_string().contains(code) {
                        c.error_code_matches += 1;
                    }
                }
                Ok(Err(d)) => {
                    c.declined += 1;
                    *c.reasons.entry(d.reason).or_default() += 1;
                }
                Ok(Ok(q)) => c.different.push(format!(
                    "{id}: expected error `{code}`, fast path answered:\n{}",
                    canon::to_nquads(&q)
                )),
            }
            continue;
        }
        // Expected dataset.
        let expected: Option<Vec<Quad>> = match t.get("expect").and_then(Value::as_str) {
            None => None,
            Some(rel) => {
                let text =
                    std::fs::read_to_string(Path::new(SUITE).join(rel)).expect("expected file");
                if expand {
                    let exp: Value = serde_json::from_str(&text).expect("expected JSON");
                    match canon::oracle_to_rdf(&exp, &oracle_opts) {
                        Ok(q) => Some(q),
                        Err(_) => match fast::to_rdf(&exp, &fopts) {
                            Ok(Ok(q)) => Some(q),
                            _ => {
                                c.not_applicable += 1;
                                continue;
                            }
                        },
                    }
                } else {
                    match canon::parse_nquads(&text) {
                        Ok(q) => Some(q),
                        Err(_) => {
                            c.not_applicable += 1;
                            continue;
                        }
                    }
                }
            }
        };
        match got {
            Ok(Err(d)) => {
                c.declined += 1;
                *c.reasons.entry(d.reason).or_default() += 1;
            }
            Ok(Ok(q)) => match expected {
                None => c.passed += 1,
                Some(exp) => {
                    let a = canonical(&q);
                    let b = canonical(&exp);
                    match (a, b) {
                        (Ok(a), Ok(b)) if a == b => c.passed += 1,
                        (a, b) => c.different.push(format!(
                            "{id} ({input_rel}):\nfast:\n{}\nexpected:\n{}",
                            a.unwrap_or_else(|e| e.to_string()),
                            b.unwrap_or_else(|e| e.to_string())
                        )),
                    }
                }
            },
            Err(e) if is_safe_mode_error(&e) => {
                // Safe mode by design; the oracle must reject the document too.
                match canon::oracle_to_rdf(&input, &oracle_opts) {
                    Err(_) => c.safe += 1,
                    Ok(q) => c.different.push(format!(
                        "{id}: fast path safe-mode error {e} but the oracle answers:\n{}",
                        canon::to_nquads(&q)
                    )),
                }
            }
            Err(e) => c.different.push(format!(
                "{id} ({input_rel}): fast path error {e} on a positive test"
            )),
        }
    }
    c
}

fn report(name: &str, c: &Counts) {
    println!(
        "{name}: total {} | passed {} (negative tests with the expected error code: {}) | declined {} (of which non-default options {}) | safe-mode rejections {} | not applicable (JSON-LD 1.0 only / unreadable) {} | different {}",
        c.total, c.passed, c.error_code_matches, c.declined, c.declined_options, c.safe, c.not_applicable, c.different.len()
    );
    println!("{name} decline reasons: {:?}", c.reasons);
}

/// Reports the counts of manifest `name` and asserts that no test gave a different result.
fn assert_none_different(name: &str, c: &Counts) {
    report(name, c);
    assert!(
        c.different.is_empty(),
        "{} different:\n{}",
        c.different.len(),
        c.different.join("\n\n")
    );
}

#[test]
fn to_rdf_manifest_zero_different() {
    let c = run_manifest("toRdf-manifest.jsonld", false);
    assert_none_different("toRdf", &c);
}

#[test]
fn expand_manifest_zero_different() {
    let c = run_manifest("expand-manifest.jsonld", true);
    assert_none_different("expand", &c);
}
