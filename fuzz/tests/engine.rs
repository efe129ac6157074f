//! The engine itself: mutations are reproducible from the seed and capped, the JSON-aware
//! mutations reach what they are meant to (duplicate members, nesting beyond the parsers' limit,
//! `\u` escapes), and a panicking or slow target is caught, saved and reported.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use enhance_fuzz::engine::{fuzz, Kind, Settings};
use enhance_fuzz::mutate::{mutate, MAX_INPUT};
use enhance_fuzz::rng::Rng;
use enhance_fuzz::targets::Target;

const SEED_DOC: &[u8] = br#"{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:x","type":["VerifiableCredential"],"credentialSubject":{"id":"did:example:a","name":"Zo\u00eb","list":[1,2.5,true,null]}}"#;

fn run(seed: u64, n: usize) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(seed);
    let others = vec![SEED_DOC.to_vec(), b"a,b\r\n1,2\r\n".to_vec()];
    (0..n)
        .map(|_| mutate(&mut rng, SEED_DOC, &others))
        .collect()
}

#[test]
fn mutations_are_reproducible_capped_and_reach_json_edge_cases() {
    let a = run(42, 1000);
    assert_eq!(a, run(42, 1000), "same seed, same inputs");
    assert_ne!(a, run(43, 1000), "another seed, other inputs");
    assert!(a.iter().all(|m| m.len() <= MAX_INPUT));
    let (mut duplicates, mut too_deep, mut escapes, mut valid) = (0, 0, 0, 0);
    for m in &a {
        match strict_json::from_slice(m) {
            Ok(_) => valid += 1,
            Err(e) if e.is_duplicate() => duplicates += 1,
            Err(e) if e.to_string().contains("recursion limit") => too_deep += 1,
            Err(_) => {}
        }
        if m.windows(2).filter(|w| w == b"\\u").count() > 1 {
            escapes += 1;
        }
    }
    println!("1000 mutations: {valid} valid JSON, {duplicates} duplicate members, {too_deep} too deep, {escapes} with \\u escapes");
    assert!(valid >= 100 && duplicates >= 4 && too_deep >= 8 && escapes >= 20);
}

fn panics_on_boom(data: &[u8]) {
    assert!(!data.windows(4).any(|w| w == b"boom"), "boom found");
}

fn slow_on_slow(data: &[u8]) {
    if data.starts_with(b"slow") {
        std::thread::sleep(Duration::from_millis(400));
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("enhance-fuzz-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("corpus").join(name)).unwrap();
    dir
}

fn settings(root: &std::path::Path, limit_ms: u64) -> Settings {
    Settings {
        seed: 7,
        input_limit: Duration::from_millis(limit_ms),
        root: root.to_path_buf(),
        scratch: root.join("scratch"),
        stack_size: 2 << 20,
        max_inputs: None,
    }
}

#[test]
fn a_panic_is_caught_saved_and_ends_the_target() {
    let root = scratch("boom");
    std::fs::write(root.join("corpus/boom/seed"), b"ok ok boom").unwrap();
    let target = Target {
        name: "boom",
        run: panics_on_boom,
    };
    let start = Instant::now();
    let outcome = fuzz(target, Duration::from_secs(5), &settings(&root, 1000)).unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "stops at the first panic"
    );
    assert_eq!(outcome.findings.len(), 1);
    let finding = &outcome.findings[0];
    assert!(
        matches!(&finding.kind, Kind::Panic(m) if m.contains("boom found")),
        "{:?}",
        finding.kind
    );
    assert_eq!(std::fs::read(&finding.path).unwrap(), b"ok ok boom");
    let name = finding.path.file_name().unwrap().to_str().unwrap();
    assert_eq!(name.len(), 64, "sha256 hex name");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn an_input_over_the_limit_is_a_finding() {
    let root = scratch("slow");
    std::fs::write(root.join("corpus/slow/a"), b"fast").unwrap();
    std::fs::write(root.join("corpus/slow/b"), b"slow").unwrap();
    let target = Target {
        name: "slow",
        run: slow_on_slow,
    };
    let outcome = fuzz(target, Duration::from_millis(300), &settings(&root, 100)).unwrap();
    assert!(outcome.execs >= 2);
    assert!(outcome
        .findings
        .iter()
        .any(|f| matches!(f.kind, Kind::Slow(_))
            && std::fs::read(&f.path).unwrap().starts_with(b"slow")));
    let _ = std::fs::remove_dir_all(&root);
}
