//! `enhance-fuzz`: runs the fuzz targets for a time budget (see `fuzz/README.md`).
//!
//! ```text
//! cargo run -p enhance-fuzz --release -- --seconds 60            # all targets, 60 s shared
//! cargo run -p enhance-fuzz --release -- --target jsonld --seconds 600 --seed 42
//! ```
//! Exits 1 when an input panicked or ran longer than the per-input limit (`--input-limit-ms`,
//! default 1000; the inputs are saved under `fuzz/crashes/<target>/`), 2 on a usage error.

// Fuzz harness (issue #19 lints): a failing assumption should stop the run loudly and the
// harness reports on stdout/stderr, so these are allowed here (it is test code, not library).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context as _};
use enhance_fuzz::engine::{fuzz, install_quiet_panic_hook, Kind, Settings};
use enhance_fuzz::targets::{by_name, Target, TARGETS};

fn main() -> ExitCode {
    match run() {
        Ok(0) => ExitCode::SUCCESS,
        Ok(findings) => {
            eprintln!("{findings} finding(s): the inputs are under fuzz/crashes/ (fuzz/README.md)");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("enhance-fuzz: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Runs the targets; the number of findings.
fn run() -> anyhow::Result<usize> {
    let mut args = std::env::args().skip(1);
    let mut seconds = 60u64;
    let mut names: Vec<String> = Vec::new();
    let mut seed: Option<u64> = None;
    let mut limit_ms = 1000u64;
    let mut stack_mib = 2usize;
    let mut max_inputs: Option<u64> = None;
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--seconds" => seconds = value()?.parse().context("--seconds")?,
            "--target" => names.push(value()?),
            "--seed" => seed = Some(value()?.parse().context("--seed")?),
            "--input-limit-ms" => limit_ms = value()?.parse().context("--input-limit-ms")?,
            "--stack-mib" => stack_mib = value()?.parse().context("--stack-mib")?,
            "--max-inputs" => max_inputs = Some(value()?.parse().context("--max-inputs")?),
            "--list" => {
                TARGETS.iter().for_each(|t| println!("{}", t.name));
                return Ok(0);
            }
            other => bail!(
                "unknown argument {other:?}; usage: enhance-fuzz [--seconds N] [--target NAME]... [--seed N] [--input-limit-ms N] [--stack-mib N] [--max-inputs N] [--list]"
            ),
        }
    }
    let targets: Vec<Target> = if names.is_empty() {
        TARGETS.to_vec()
    } else {
        names
            .iter()
            .map(|n| by_name(n).with_context(|| format!("no target {n:?} (--list)")))
            .collect::<anyhow::Result<_>>()?
    };
    let seed = seed.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let settings = Settings {
        seed,
        input_limit: Duration::from_millis(limit_ms),
        scratch: root.join("../target/fuzz"),
        root,
        stack_size: stack_mib << 20,
        max_inputs,
    };
    let per_target = Duration::from_secs(seconds) / targets.len().max(1) as u32;
    println!(
        "enhance-fuzz: seed {seed}, {} target(s), {per_target:?} each (repeat with --seed {seed})",
        targets.len()
    );
    install_quiet_panic_hook();
    let mut failed = 0;
    for target in targets {
        let o = fuzz(target, per_target, &settings)?;
        println!(
            "{:12} {:>8} inputs ({} seeds), slowest {:>8.1?}, {} finding(s)",
            o.target,
            o.execs,
            o.seeds,
            o.slowest,
            o.findings.len()
        );
        for f in &o.findings {
            let what = match &f.kind {
                Kind::Panic(m) => format!(
                    "panic: {}",
                    m.lines()
                        .find(|l| !l.starts_with("panicked at"))
                        .unwrap_or(m)
                        .chars()
                        .take(300)
                        .collect::<String>()
                ),
                Kind::Slow(d) => format!("slower than {d:?}"),
            };
            println!("    {what}: {}", f.path.display());
        }
        failed += o.findings.len();
    }
    if failed > 0 {
        println!("{failed} finding(s); repeat with --seed {seed}");
    }
    Ok(failed)
}
