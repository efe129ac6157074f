//! The `verifier` command line: `verifier verify FILE [--json] [--checks LIST] [--trust FILE]
//! [--now RFC3339] [--offline]`.
//!
//! Runs [`verifier::verify`] (W3C VC Data Model 2.0 §7.1 verification; VC-API verify response
//! shape under `--json`). Exit codes: 0 valid, 1 invalid, 3 indeterminate, 2 usage error or
//! unreadable input (missing file, unreadable trust registry, bad `--now`).

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use clap::{Parser, Subcommand};
use verifier::{CheckKind, CheckStatus, FixedClock, NetworkPolicy, Policy, Report, SystemClock, TrustRegistry};

#[derive(Parser)]
#[command(name = "verifier", version, about = "Verify ENHANCE / European Digital Credentials and W3C VCs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verify one credential (JSON-LD with Data Integrity proofs, JAdES-sealed EDC, or VC-JWT).
    Verify {
        /// The credential file (`-` for standard input).
        file: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Comma-separated checks to run: format, proof, revocation, expiry, trust, awarding-body
        /// (default: all).
        #[arg(long, value_delimiter = ',')]
        checks: Option<Vec<String>>,
        /// Trusted-issuer registry (JSON); default: the built-in demo registry
        /// (keys.example/trust-registry.json).
        #[arg(long)]
        trust: Option<PathBuf>,
        /// Verification time (RFC 3339); default: now.
        #[arg(long)]
        now: Option<String>,
        /// Never use the network (did:web outside the registry and status lists cannot be checked).
        #[arg(long)]
        offline: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("verifier: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    let Command::Verify { file, json, checks, trust, now, offline } = cli.command;
    let registry = match &trust {
        Some(p) => TrustRegistry::load(p).with_context(|| format!("trust registry {}", p.display()))?,
        None => TrustRegistry::demo().context("built-in demo trust registry")?,
    };
    let mut policy = Policy::new(registry);
    if let Some(list) = checks {
        let mut kinds = Vec::new();
        for name in list.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            match CheckKind::parse(name) {
                Some(k) => kinds.push(k),
                None => bail!(
                    "unknown check {name:?} (expected: {})",
                    CheckKind::ALL.map(CheckKind::name).join(", ")
                ),
            }
        }
        if kinds.is_empty() {
            bail!("--checks needs at least one check");
        }
        policy = policy.with_checks(kinds);
    }
    if offline {
        policy = policy.with_network(NetworkPolicy::offline());
    }
    let input = if file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).context("cannot read standard input")?;
        buf
    } else {
        std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?
    };
    let report = match now {
        Some(t) => {
            let at = chrono::DateTime::parse_from_rfc3339(&t)
                .with_context(|| format!("--now {t:?} is not an RFC 3339 date-time"))?
                .with_timezone(&chrono::Utc);
            verifier::verify(&input, &policy, &FixedClock(at))
        }
        None => verifier::verify(&input, &policy, &SystemClock),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_summary(&report);
    }
    Ok(u8::try_from(report.exit_code()).unwrap_or(2))
}

fn print_summary(report: &Report) {
    let verdict = serde_json::to_value(report.verdict).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    println!("verdict: {verdict}");
    for c in &report.checks {
        let status = match c.status {
            CheckStatus::Ok => "ok",
            CheckStatus::Failed => "FAILED",
            CheckStatus::Skipped => "skipped",
            CheckStatus::Error => "ERROR",
        };
        println!("  {:<14} {:<8} {}", c.check.name(), status, c.message);
    }
}
