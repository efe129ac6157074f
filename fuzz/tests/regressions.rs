//! Replays every saved fuzz finding through its target: each file under `fuzz/crashes/<target>/`
//! (inputs the fuzzer saved because they panicked or ran too long, kept after the fix) and under
//! `fuzz/regressions/<target>/` (hand-picked hostile inputs), and every seed of `fuzz/corpus/`.
//! None may panic, and none may take longer than a generous bound on a loaded debug build.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use enhance_fuzz::engine::{load_dir, run_one};
use enhance_fuzz::targets::{by_name, Target, TARGETS};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// Per input on a loaded 2-core machine in a debug build (the fuzzer's own limit is 1 s).
const BOUND: Duration = Duration::from_secs(20);

/// One saved input: its target, its file and its bytes.
type SavedInput = (Target, PathBuf, Vec<u8>);

/// Every saved input under `fuzz/<kind>/<target>/` (none when `fuzz/<kind>` is missing) with its
/// target; a directory named after no fuzz target is listed in the second part.
fn saved_inputs(kind: &str) -> (Vec<SavedInput>, Vec<String>) {
    let (mut inputs, mut strays) = (Vec::new(), Vec::new());
    let Ok(dirs) = std::fs::read_dir(Path::new(ROOT).join(kind)) else {
        return (inputs, strays);
    };
    for dir in dirs
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
    {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let Some(target) = by_name(&name) else {
            strays.push(format!("{}: no fuzz target {name:?}", dir.display()));
            continue;
        };
        for (path, data) in load_dir(&dir) {
            inputs.push((target, path, data));
        }
    }
    (inputs, strays)
}

fn replay(kind: &str) -> usize {
    let (inputs, mut failures) = saved_inputs(kind);
    for (target, path, data) in &inputs {
        let start = Instant::now();
        let result = run_one(*target, data);
        let took = start.elapsed();
        match result {
            Err(message) => failures.push(format!("{}: panicked: {message}", path.display())),
            Ok(()) if took > BOUND => failures.push(format!("{}: took {took:?}", path.display())),
            Ok(()) => println!("{}: ok in {took:?}", path.display()),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    inputs.len()
}

#[test]
fn saved_crashes_and_regressions_replay_cleanly() {
    let n = replay("crashes") + replay("regressions");
    println!("{n} saved inputs replayed");
}

#[test]
fn every_target_has_a_seed_corpus_and_accepts_its_seeds() {
    for target in TARGETS {
        let seeds = load_dir(&Path::new(ROOT).join("corpus").join(target.name));
        assert!(!seeds.is_empty(), "fuzz/corpus/{} is empty", target.name);
    }
    assert!(replay("corpus") >= TARGETS.len());
}

/// Findings not fixed yet, kept under `fuzz/open/<target>/` and reported (fuzz/README.md lists
/// them): each still fails its target. When one is fixed this test fails for it: move the file
/// to `fuzz/crashes/<target>/`, where the test above keeps it fixed.
#[test]
fn open_findings_still_reproduce() {
    let (inputs, mut fixed) = saved_inputs("open");
    for (target, path, data) in inputs {
        if run_one(target, &data).is_ok() {
            fixed.push(path.display().to_string());
        }
    }
    assert!(fixed.is_empty(), "fixed, move to fuzz/crashes/: {fixed:?}");
}
