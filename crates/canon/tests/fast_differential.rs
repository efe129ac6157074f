//! Differential test of the fast path (`canon::fast`) against the oracle (`canon::oracle_canonicalize`),
//! byte for byte, on real documents: the EU's EDC samples (unsigned, and the credential inside each
//! JAdES-signed one), every JSON document of the W3C vc-di-eddsa test vectors (unsigned
//! credentials, signed ones, proof configurations), the Bitstring Status List examples and the
//! project's own award examples. Each document is either answered identically (same canonical
//! N-Quads, or an error on both sides) or declined by the fast path; nothing else is allowed.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

use serde_json::Value;
use std::path::{Path, PathBuf};

const TESTDATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata");
const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("json" | "jsonld")
        ) {
            out.push(p);
        }
    }
}

#[derive(Debug, PartialEq)]
enum Verdict {
    Same,
    BothError,
    Declined(String),
    Different(String),
}

fn compare(doc: &Value) -> Verdict {
    let oracle = canon::oracle_canonicalize(doc);
    let fast = canon::fast::canonicalize(doc);
    match (oracle, fast) {
        (_, Ok(Err(d))) => Verdict::Declined(d.to_string()),
        (Ok(a), Ok(Ok(b))) if a == b => Verdict::Same,
        (Err(_), Err(_)) => Verdict::BothError,
        (o, f) => Verdict::Different(format!("oracle: {o:?}\nfast: {f:?}")),
    }
}

/// Every document of the corpus, with a name.
fn corpus() -> Vec<(String, Value)> {
    let mut paths = Vec::new();
    files(
        &Path::new(TESTDATA).join("edc/samples/elm-v3-official"),
        &mut paths,
    );
    files(
        &Path::new(TESTDATA).join("vectors/vc-di-eddsa/TestVectors"),
        &mut paths,
    );
    files(
        &Path::new(TESTDATA).join("vectors/bitstring-status-list"),
        &mut paths,
    );
    files(Path::new(EXAMPLES), &mut paths);
    let mut docs = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(&p).expect("readable");
        let Ok(doc) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let name = p.display().to_string();
        // A JAdES-signed EDC: the credential is the `payload` string.
        if let Some(payload) = doc.get("payload").and_then(Value::as_str) {
            if let Ok(inner) = serde_json::from_str::<Value>(payload) {
                docs.push((format!("{name}#payload"), inner));
            }
            continue;
        }
        // An "uploadable" EDC: the credential under `credential`.
        if let Some(inner) = doc.get("credential").filter(|c| c.is_object()) {
            docs.push((format!("{name}#credential"), inner.clone()));
            continue;
        }
        docs.push((name, doc));
    }
    docs
}

#[test]
fn fast_path_matches_oracle_on_real_documents() {
    let docs = corpus();
    assert!(docs.len() >= 20, "corpus too small: {}", docs.len());
    let (mut same, mut both_err, mut declined, mut different) = (0, 0, 0, Vec::new());
    for (name, doc) in &docs {
        match compare(doc) {
            Verdict::Same => same += 1,
            Verdict::BothError => {
                both_err += 1;
                println!(
                    "both error: {name}: oracle {:?} / fast {:?}",
                    canon::oracle_canonicalize(doc).err(),
                    canon::fast::canonicalize(doc).err()
                );
            }
            Verdict::Declined(r) => {
                declined += 1;
                println!("declined: {name}: {r}");
            }
            Verdict::Different(d) => different.push(format!("{name}\n{d}")),
        }
    }
    println!(
        "differential: {} documents: {same} identical, {both_err} error on both sides, {declined} declined, {} different",
        docs.len(),
        different.len()
    );
    assert!(
        different.is_empty(),
        "fast path differs from the oracle:\n{}",
        different.join("\n\n")
    );
}

#[test]
fn eu_samples_are_answered_not_declined() {
    for name in [
        "Sample-MC-Annex1-unsigned.jsonld",
        "Sample-CertOfPart-unsigned.jsonld",
        "credential-sample_ELM-3.2.jsonld",
    ] {
        let path = Path::new(TESTDATA)
            .join("edc/samples/elm-v3-official")
            .join(name);
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(compare(&doc), Verdict::Same, "{name}");
    }
}

/// The W3C vc-di-eddsa `eddsa-rdfc-2022` vectors: the canonical document and the canonical proof
/// configuration the specification publishes, byte for byte.
#[test]
fn w3c_eddsa_rdfc_2022_canonical_forms() {
    for dir in ["eddsa-rdfc-2022", "eddsa-rdfc-2022/employ"] {
        let base = Path::new(TESTDATA)
            .join("vectors/vc-di-eddsa/TestVectors")
            .join(dir);
        let read = |f: &str| std::fs::read_to_string(base.join(f)).unwrap();
        let mut signed: Value = serde_json::from_str(&read("signedDataInt.json")).unwrap();
        signed.as_object_mut().unwrap().remove("proof");
        assert_eq!(
            canon::fast::canonicalize(&signed).unwrap().unwrap(),
            read("canonDocDataInt.txt"),
            "{dir}: document"
        );
        let config: Value = serde_json::from_str(&read("proofConfigDataInt.json")).unwrap();
        assert_eq!(
            canon::fast::canonicalize(&config).unwrap().unwrap(),
            read("proofCanonDataInt.txt"),
            "{dir}: proof configuration"
        );
    }
}

/// The compiled contexts and memo tables are shared by all threads: concurrent calls give the
/// single-threaded answer.
#[test]
fn concurrent_calls_agree() {
    let docs: Vec<Value> = [
        "Sample-MC-Annex1-unsigned.jsonld",
        "credential-sample_ELM-3.2.jsonld",
        "Sample-CertOfPart-unsigned.jsonld",
    ]
    .iter()
    .map(|n| {
        let p = Path::new(TESTDATA)
            .join("edc/samples/elm-v3-official")
            .join(n);
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    })
    .collect();
    let expected: Vec<String> = docs
        .iter()
        .map(|d| canon::oracle_canonicalize(d).unwrap())
        .collect();
    std::thread::scope(|s| {
        for t in 0..4 {
            let (docs, expected) = (&docs, &expected);
            s.spawn(move || {
                for i in 0..30 {
                    let k = (i + t) % docs.len();
                    assert_eq!(
                        &canon::fast::canonicalize(&docs[k]).unwrap().unwrap(),
                        &expected[k]
                    );
                }
            });
        }
    });
}
