//! The `verifier` command line: `verifier verify FILE [--json] [--checks LIST] [--trust FILE]
//! [--now RFC3339] [--offline] [--max-bytes N] [--presentation] [--challenge C] [--domain D]
//! [--allow-unsigned]` (a verifiable presentation, auto-detected by its type, is verified with
//! [`verifier::verify_presentation`]; an SD-JWT VC, auto-detected by its `~`-separated form, with
//! [`verifier::sd_jwt_vc::verify_sd_jwt_vc`], `--challenge` / `--domain` being the nonce / aud its
//! Key Binding JWT must carry), and `verifier serve [--config FILE] [--bind ADDR] [--trust FILE]
//! [--allow-local-network] [--public-url URL]` (the HTTP service, [`verifier::service`]), and
//! `verifier stack PROGRAMME UNIT... [--json]` (stackability, [`verifier::stack`]; exit 0 stacks,
//! 1 does not stack, 3 indeterminate).
//!
//! Runs [`verifier::verify`] (W3C VC Data Model 2.0 §7.1 verification; VC-API verify response
//! shape under `--json`). Exit codes: 0 valid, 1 invalid, 3 indeterminate, 2 usage error or
//! unreadable input (missing file, a file over `--max-bytes` (default 8 MiB, refused before it is
//! read), unreadable trust registry, bad `--now`).

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use clap::{Parser, Subcommand};
use verifier::{
    CheckKind, CheckStatus, FixedClock, NetworkPolicy, Policy, Report, SystemClock, TrustRegistry,
};

/// mimalloc: JSON credentials are hundreds of small allocations each (docs/PERFORMANCE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "verifier",
    version,
    about = "Verify ENHANCE / European Digital Credentials and W3C VCs"
)]
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
        /// Trust registry, verification time, network.
        #[command(flatten)]
        env: CheckEnvironment,
        /// Largest credential file read, in bytes: a larger one is refused (exit 2) without being
        /// read.
        #[arg(long, default_value_t = verifier::policy::DEFAULT_MAX_CREDENTIAL_BYTES as u64)]
        max_bytes: u64,
        /// Presentation options (a file whose `type` includes VerifiablePresentation is verified
        /// as a presentation without `--presentation`).
        #[command(flatten)]
        presentation: PresentationArgs,
    },
    /// Run the verifier service: VC-API `POST /credentials/verify`, the verification page
    /// `GET /verify?credential=URL`, the upload page `/upload` (settings: docs/CONFIG.md).
    #[cfg(feature = "service")]
    Serve(ServeArgs),
    /// Check whether unit credentials stack towards a programme (a programme specification file
    /// or a programme credential): a recommendation for the recognition office, not a decision.
    Stack(StackArgs),
    /// eIDAS trusted lists (EU LOTL and national lists) as a trust source for seals.
    #[command(subcommand)]
    Trust(TrustCommand),
}

/// `verifier trust ...` (settings: docs/CONFIG.md, "Trusted lists"; flags override them).
#[derive(Subcommand)]
enum TrustCommand {
    /// Download the LOTL and the national lists, verify every signature, and make the good set
    /// the cache's current set; the last good set is kept when a download or signature fails.
    Refresh {
        /// Cache directory (`ENHANCE_VERIFIER_TRUSTED_LISTS_CACHE_DIR`).
        #[arg(long)]
        cache: Option<PathBuf>,
        /// LOTL URL (`ENHANCE_VERIFIER_TRUSTED_LISTS_LOTL_URL`).
        #[arg(long)]
        lotl_url: Option<String>,
        /// PEM file with the Commission's LOTL signing certificates
        /// (`ENHANCE_VERIFIER_TRUSTED_LISTS_PINNED_CERTIFICATES`).
        #[arg(long)]
        pinned: Option<PathBuf>,
        /// DEMO/TEST ONLY: fetch over plain http and from loopback addresses.
        #[arg(long)]
        allow_local_network: bool,
    },
    /// Verify the cached set offline and list what it holds.
    Show {
        /// Cache directory (`ENHANCE_VERIFIER_TRUSTED_LISTS_CACHE_DIR`).
        #[arg(long)]
        cache: Option<PathBuf>,
        /// PEM file with the Commission's LOTL signing certificates.
        #[arg(long)]
        pinned: Option<PathBuf>,
    },
}

// Command-line interface: it prints its report to stdout by design.
#[allow(clippy::print_stdout)]
fn trust(cmd: TrustCommand) -> anyhow::Result<u8> {
    use verifier::eidas::TrustedListsConfig;
    let mut cfg = TrustedListsConfig::from_process_env()?;
    match cmd {
        TrustCommand::Refresh {
            cache,
            lotl_url,
            pinned,
            allow_local_network,
        } => {
            cfg.cache_dir = cache.or(cfg.cache_dir);
            cfg.lotl_url = lotl_url.unwrap_or(cfg.lotl_url);
            cfg.pinned_certificates = pinned.or(cfg.pinned_certificates);
            let network = if allow_local_network {
                NetworkPolicy::local_testing()
            } else {
                NetworkPolicy::default()
            };
            let fetcher = verifier::fetch::Fetcher::default();
            let report = verifier::eidas::refresh(
                &cfg,
                &cfg.pinned()?,
                &fetcher,
                &network,
                chrono::Utc::now(),
            )?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(0)
        }
        TrustCommand::Show { cache, pinned } => {
            cfg.cache_dir = cache.or(cfg.cache_dir);
            cfg.pinned_certificates = pinned.or(cfg.pinned_certificates);
            let Some(loaded) = cfg.load() else {
                bail!("no cache directory: --cache or ENHANCE_VERIFIER_TRUSTED_LISTS_CACHE_DIR");
            };
            let (index, report) = loaded?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            println!(
                "{} qualified CA/QC services indexed",
                index.services().len()
            );
            Ok(0)
        }
    }
}

/// The options `verify` and `stack` share: whom to trust, when, and whether to use the network.
#[derive(clap::Args)]
struct CheckEnvironment {
    /// Trusted-issuer registry (JSON); default: the built-in demo registry
    /// (keys.example/trust-registry.json).
    #[arg(long)]
    trust: Option<PathBuf>,
    /// Verification time (RFC 3339); default: now.
    #[arg(long)]
    now: Option<String>,
    /// Never use the network (did:web outside the registry and status lists cannot be checked:
    /// indeterminate).
    #[arg(long)]
    offline: bool,
}

impl CheckEnvironment {
    /// A policy over the registry (`--trust` or the demo one), offline with `--offline`.
    fn policy(&self) -> anyhow::Result<Policy> {
        let registry = match &self.trust {
            Some(p) => {
                TrustRegistry::load(p).with_context(|| format!("trust registry {}", p.display()))?
            }
            None => TrustRegistry::demo().context("built-in demo trust registry")?,
        };
        let policy = Policy::new(registry);
        Ok(if self.offline {
            policy.with_network(NetworkPolicy::offline())
        } else {
            policy
        })
    }

    /// The clock: `--now`, else the system clock.
    fn clock(&self) -> anyhow::Result<Box<dyn verifier::Clock>> {
        Ok(match &self.now {
            Some(t) => {
                let at = chrono::DateTime::parse_from_rfc3339(t)
                    .with_context(|| format!("--now {t:?} is not an RFC 3339 date-time"))?
                    .with_timezone(&chrono::Utc);
                Box::new(FixedClock(at))
            }
            None => Box::new(SystemClock),
        })
    }
}

/// `verifier stack PROGRAMME UNIT... [--json]` (exit 0 stacks, 1 does not, 3 indeterminate).
#[derive(clap::Args)]
struct StackArgs {
    /// A programme specification (JSON with `leadUniversity` and `learningOpportunity`, e.g.
    /// examples/stack/programme.json) or a programme credential (its `hasPart` units must be backed).
    programme: PathBuf,
    /// The unit credentials.
    #[arg(required = true)]
    units: Vec<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Trust registry, verification time, network.
    #[command(flatten)]
    env: CheckEnvironment,
    /// DEMO/TEST ONLY: fetch status lists and DID documents over plain http and from loopback.
    #[arg(long)]
    allow_local_network: bool,
    /// Another programme id a unit may claim to be part of (repeatable).
    #[arg(long = "known-programme")]
    known_programmes: Vec<String>,
}

/// `verifier serve` flags; they override the config file and `ENHANCE_VERIFIER_*` variables.
#[cfg(feature = "service")]
#[derive(clap::Args)]
struct ServeArgs {
    /// TOML configuration file.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Socket address to listen on (default 127.0.0.1:8090).
    #[arg(long)]
    bind: Option<std::net::SocketAddr>,
    /// Trusted-issuer registry (JSON); default: the built-in demo registry.
    #[arg(long)]
    trust: Option<PathBuf>,
    /// DEMO/TEST ONLY: fetch over plain http and from loopback addresses.
    #[arg(long)]
    allow_local_network: bool,
    /// Public URL of the service (page URLs and QR codes); default http://{bind}.
    #[arg(long)]
    public_url: Option<String>,
    /// PEM file of additional CA certificates trusted for https fetches (repeatable; replaces
    /// `extra_ca_files` of the config file and `ENHANCE_VERIFIER_EXTRA_CA_FILES`).
    #[arg(long = "extra-ca", value_name = "PEM")]
    extra_ca: Vec<PathBuf>,
}

#[cfg(feature = "service")]
fn serve(args: ServeArgs) -> anyhow::Result<u8> {
    use verifier::service::{self, ServiceConfig};
    let mut config = ServiceConfig::load(args.config.as_deref())?;
    if let Some(b) = args.bind {
        config.bind = b;
    }
    if let Some(t) = args.trust {
        config.trust_registry = Some(t);
    }
    if args.allow_local_network {
        config.allow_local_network = true;
    }
    if let Some(u) = args.public_url {
        config.public_url = u;
    }
    if !args.extra_ca.is_empty() {
        config.extra_ca_files = args.extra_ca;
    }
    config.check()?;
    // At least 4 async workers, even on 2 cores: while a burst of large request bodies is read,
    // a worker is still free to answer `/healthz` (issue #13); verifications run on the blocking
    // pool, not on these.
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .max(4);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(service::serve(config))?;
    Ok(0)
}

// Command-line interface: it reports to stderr by design.
#[allow(clippy::print_stderr)]
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

// Command-line interface: it prints its output to stdout by design.
#[allow(clippy::print_stdout)]
fn run(cli: Cli) -> anyhow::Result<u8> {
    let (file, json, checks, env, max_bytes, vp_args) = match cli.command {
        Command::Verify {
            file,
            json,
            checks,
            env,
            max_bytes,
            presentation,
        } => (file, json, checks, env, max_bytes, presentation),
        #[cfg(feature = "service")]
        Command::Serve(args) => return serve(args),
        Command::Stack(args) => return stack(args),
        Command::Trust(cmd) => return trust(cmd),
    };
    let mut policy = env.policy()?;
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
    // eIDAS trusted lists from the cache `verifier trust refresh` keeps (offline).
    policy.trusted_lists = verifier::eidas::TrustedListsConfig::from_process_env()?.index();
    policy.max_credential_bytes = usize::try_from(max_bytes).unwrap_or(usize::MAX);
    let input = read_capped(&file, max_bytes)?;
    let clock = env.clock()?;
    let report = if verifier::sd_jwt_vc::looks_like_sd_jwt(&input) {
        // issue #16: an SD-JWT VC; --challenge / --domain are its Key Binding JWT's nonce / aud
        // (and then a Key Binding JWT is required).
        let options = verifier::sd_jwt_vc::SdJwtVcOptions {
            nonce: vp_args.challenge.clone(),
            aud: vp_args.domain.first().cloned(),
            require_key_binding: vp_args.challenge.is_some() || !vp_args.domain.is_empty(),
        };
        let text = String::from_utf8_lossy(&input);
        verifier::sd_jwt_vc::verify_sd_jwt_vc(&text, &options, &policy, clock.as_ref())
    } else {
        if let Some(vp) = vp_args.presentation_in(&input)? {
            return verify_presentation(&vp, &vp_args, &policy, clock.as_ref(), json);
        }
        verifier::verify(&input, &policy, clock.as_ref())
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_summary(&report);
    }
    Ok(u8::try_from(report.exit_code()).unwrap_or(2))
}

/// `verifier verify --presentation`: the options of a presentation's verification.
#[derive(clap::Args)]
struct PresentationArgs {
    /// Verify FILE as a verifiable presentation (its authentication proof and every credential
    /// in it).
    #[arg(long)]
    presentation: bool,
    /// The challenge the presentation's proof must carry (an SD-JWT VC: its Key Binding JWT's
    /// nonce).
    #[arg(long)]
    challenge: Option<String>,
    /// A domain the presentation's proof must carry (repeatable; an SD-JWT VC: the first is its
    /// Key Binding JWT's aud).
    #[arg(long)]
    domain: Vec<String>,
    /// Accept a presentation without a proof (its credentials are still verified).
    #[arg(long)]
    allow_unsigned: bool,
}

impl PresentationArgs {
    /// The presentation in `input`: with `--presentation` it must be one (JSON); otherwise a JSON
    /// object whose `type` includes VerifiablePresentation is one.
    fn presentation_in(&self, input: &[u8]) -> anyhow::Result<Option<serde_json::Value>> {
        // Only a file that names the type is parsed here (a credential is parsed once, later).
        let named = input
            .windows(b"VerifiablePresentation".len())
            .any(|w| w == b"VerifiablePresentation");
        let parsed = if self.presentation || named {
            strict_json::from_slice(input.trim_ascii())
        } else {
            Ok(serde_json::Value::Null)
        };
        match parsed {
            Ok(v) if self.presentation || verifier::presentation::is_presentation(&v) => {
                Ok(Some(v))
            }
            Err(e) if self.presentation => {
                bail!("--presentation: the file is not strict JSON: {e}")
            }
            _ if self.challenge.is_some() || !self.domain.is_empty() || self.allow_unsigned => {
                bail!("--challenge, --domain and --allow-unsigned apply to presentations (and SD-JWT VCs) only")
            }
            _ => Ok(None),
        }
    }
}

/// Verifies a presentation and prints its report; the exit code of its verdict.
// Command-line interface: it prints its output to stdout by design.
#[allow(clippy::print_stdout)]
fn verify_presentation(
    vp: &serde_json::Value,
    args: &PresentationArgs,
    policy: &Policy,
    clock: &dyn verifier::Clock,
    json: bool,
) -> anyhow::Result<u8> {
    let options = verifier::PresentationOptions {
        challenge: args.challenge.clone(),
        domain: args.domain.clone(),
        checks: None,
        allow_unsigned: args.allow_unsigned,
    };
    let report = verifier::verify_presentation(vp, &options, policy, clock);
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(u8::try_from(report.exit_code()).unwrap_or(2));
    }
    println!(
        "presentation of {}",
        report.holder.as_deref().unwrap_or("an unnamed holder")
    );
    print_summary(&report.presentation);
    for (i, c) in report.credentials.iter().enumerate() {
        println!("verifiableCredential[{i}]:");
        print_summary(c);
    }
    for p in &report.problems {
        let code = serde_json::to_value(p.code).unwrap_or_default();
        println!(
            "problem: {} {}",
            code.as_str().unwrap_or_default(),
            p.message
        );
    }
    let verdict = serde_json::to_value(report.verdict).unwrap_or_default();
    println!(
        "presentation verdict: {}",
        verdict.as_str().unwrap_or_default()
    );
    Ok(u8::try_from(report.exit_code()).unwrap_or(2))
}

/// Reads `file` (`-`: standard input), refusing more than `max` bytes: a regular file by its size
/// before reading anything, any input through a reader that stops one byte past the limit.
fn read_capped(file: &std::path::Path, max: u64) -> anyhow::Result<Vec<u8>> {
    let too_large = |size: String| {
        anyhow::anyhow!(
            "{} is {size} the {max} bytes this verifier reads (--max-bytes)",
            if file.as_os_str() == "-" {
                "standard input".to_string()
            } else {
                file.display().to_string()
            }
        )
    };
    let mut buf = Vec::new();
    if file.as_os_str() == "-" {
        std::io::stdin()
            .take(max.saturating_add(1))
            .read_to_end(&mut buf)
            .context("cannot read standard input")?;
    } else {
        let f =
            std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
        let meta = f
            .metadata()
            .with_context(|| format!("cannot read {}", file.display()))?;
        if meta.is_file() && meta.len() > max {
            return Err(too_large(format!("{} bytes, more than", meta.len())));
        }
        f.take(max.saturating_add(1))
            .read_to_end(&mut buf)
            .with_context(|| format!("cannot read {}", file.display()))?;
    }
    if buf.len() as u64 > max {
        return Err(too_large("larger than".to_string()));
    }
    Ok(buf)
}

// Command-line interface: it prints its output to stdout by design.
#[allow(clippy::print_stdout)]
fn print_summary(report: &Report) {
    let verdict = serde_json::to_value(report.verdict)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    println!("verdict: {verdict}");
    let word = |v: serde_json::Result<serde_json::Value>| {
        v.ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let signer = report
        .signer
        .as_ref()
        .map(|s| format!(" ({})", s.describe()))
        .unwrap_or_default();
    println!(
        "integrity: {}{signer}",
        word(serde_json::to_value(report.integrity))
    );
    println!("trust: {}", word(serde_json::to_value(report.trust)));
    for c in &report.checks {
        let status = match c.status {
            CheckStatus::Ok => "ok",
            CheckStatus::Failed => "FAILED",
            CheckStatus::Skipped => "skipped",
            CheckStatus::Error => "ERROR",
            CheckStatus::Unknown => "UNKNOWN",
        };
        println!("  {:<14} {:<8} {}", c.check.name(), status, c.message);
        for w in &c.warnings {
            println!("  {:<14} {:<8} {}", "", "warning", w.message);
        }
    }
    if let Some(claims) = &report.disclosed {
        // An SD-JWT VC: the claims its holder disclosed.
        println!("disclosed claims:");
        for (name, value) in claims {
            println!("  {name}: {value}");
        }
    }
}

// Command-line interface: it prints its output to stdout by design.
#[allow(clippy::print_stdout)]
fn stack(args: StackArgs) -> anyhow::Result<u8> {
    use verifier::stack::{check_stack_with, Programme, StackOptions};
    let mut policy = args.env.policy()?;
    if !args.env.offline && args.allow_local_network {
        policy = policy.with_network(NetworkPolicy::local_testing());
    }
    let programme_bytes = std::fs::read(&args.programme)
        .with_context(|| format!("cannot read {}", args.programme.display()))?;
    let programme = Programme::from_slice(&programme_bytes)
        .with_context(|| format!("{}", args.programme.display()))?;
    let mut units = Vec::new();
    for f in &args.units {
        units.push(std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?);
    }
    let unit_refs: Vec<&[u8]> = units.iter().map(Vec::as_slice).collect();
    let options = StackOptions {
        known_programmes: args.known_programmes.clone(),
        ..StackOptions::default()
    };
    let clock = args.env.clock()?;
    let report = check_stack_with(&programme, &unit_refs, &options, &policy, clock.as_ref());
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        let verdict = serde_json::to_value(report.verdict)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        println!(
            "stackability: {verdict}  ({} {})",
            report.programme.title, report.programme.id
        );
        println!("  learner: {}", report.learner.message);
        for u in &report.units {
            let name = match u.input {
                Some(i) => args
                    .units
                    .get(i)
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                None => u.specification_id.clone().unwrap_or_default(),
            };
            let status = serde_json::to_value(u.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            println!("  {status:<18} {name}");
            for p in &u.problems {
                println!("  {:<18}   {p}", "");
            }
        }
        let req = report
            .credits
            .required
            .map(|c| c.to_string())
            .unwrap_or_else(|| "-".into());
        println!("  credits: {} ECTS (required {req})", report.credits.total);
        println!(
            "  electives: {} unit(s), {} ECTS (required {} unit(s))",
            report.electives.units, report.electives.ects, report.electives.min_units
        );
        for p in &report.problems {
            println!("  problem: {p}");
        }
        println!("{}", report.notice);
    }
    Ok(u8::try_from(report.exit_code()).unwrap_or(2))
}
