//! `issuer`: the ENHANCE credential issuer's command line.
//!
//! - `issuer build AWARD.json` prints the unsigned European Digital Credential (ELM v3.2, EDC
//!   generic profile) for an award request.
//! - `issuer sign AWARD.json [--format di|jades|vc-jwt] [--keys DIR]` builds it and secures it as the
//!   awarding university: a W3C Data Integrity `eddsa-rdfc-2022` proof (default), a JAdES seal
//!   (ETSI TS 119 182-1, as the EU's EDC issuer produces) or a VC-JOSE `vc+jwt`.
//! - `issuer serve [--config FILE] [--bind ADDR] [--database URL]` runs the issuer service (VC-API,
//!   awards and cohort batches, status lists, DID documents, share links); with no flags it uses
//!   the embedded SQLite default and the demo keys and tokens of `keys.example/` (docs/CONFIG.md).
//! - `issuer render CREDENTIAL --format pdf|html|png --out FILE [--lang en] [--verification-url URL]`
//!   renders a credential (plain, upload wrapper or JAdES-sealed) as the certificate page and
//!   supplement of the ENHANCE framework's Annex 3 (crate `render`).
//! - `issuer staff add --university ID --username U --display-name N --roles admin[,issue,revoke]
//!   [--totp] [--password-env VAR]` creates a console staff account (password from stdin or VAR).
//! - `issuer did UNIVERSITY` prints the university's did:web DID document (every key, rotated ones
//!   included, as `Multikey` verification methods).
//!
//! Exit codes: 0 done, 1 invalid award (every finding printed, one per line,
//! `path: rule: message`), 2 usage error or unreadable input (including keys).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use elm_model::BuildOptions;
use issuer::award_file::{self, AwardFileError};

mod cli_staff; // `issuer staff add`: console staff accounts (issue #18)

/// mimalloc: JSON credentials are hundreds of small allocations each (docs/PERFORMANCE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "issuer",
    version,
    about = "Issue ENHANCE European Digital Credentials"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the unsigned EDC credential (JSON-LD) of an award request and print it.
    Build(BuildArgs),
    /// Build and sign an award as its awarding university; print the secured credential.
    Sign(SignArgs),
    /// Print a university's DID document.
    Did(DidArgs),
    /// Run the issuer service.
    Serve(ServeArgs),
    /// Render a credential as HTML, PDF or PNG (certificate page and supplement, with a QR code).
    Render(RenderArgs),
    /// Manage staff accounts of the console (`issuer staff add`).
    #[command(subcommand)]
    Staff(cli_staff::StaffCommand),
}

/// Output format of `issuer render`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum RenderFormat {
    /// Standalone HTML5 document.
    Html,
    /// Text-searchable PDF (certificate page, then the supplement).
    Pdf,
    /// PNG of the certificate page (A4 at 100 dpi).
    Png,
}

#[derive(clap::Args)]
struct RenderArgs {
    /// The credential (JSON-LD; plain, upload wrapper or JAdES-sealed).
    credential: PathBuf,
    /// Output format.
    #[arg(long, value_enum)]
    format: RenderFormat,
    /// Output file.
    #[arg(long)]
    out: PathBuf,
    /// Label language (en, de, nl, pl); the credential's texts in this language when it has them.
    #[arg(long, default_value = "en")]
    lang: String,
    /// URL the QR code links to (the credential's verification page).
    #[arg(long, default_value = render::DEFAULT_VERIFICATION_URL)]
    verification_url: String,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Configuration file (TOML); environment variables `ENHANCE_ISSUER_*` override it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Address to listen on (overrides the configuration).
    #[arg(long)]
    bind: Option<std::net::SocketAddr>,
    /// Database URL: `sqlite://PATH?mode=rwc` or `postgres://...` (overrides the configuration).
    #[arg(long)]
    database: Option<String>,
}

/// Output format of `issuer sign`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum SignFormat {
    /// JSON-LD with a W3C Data Integrity `eddsa-rdfc-2022` proof.
    Di,
    /// JAdES seal (JWS JSON serialization, `b64: false`) with the university's X.509 seal.
    Jades,
    /// VC-JOSE compact JWS (`application/vc+jwt`).
    VcJwt,
}

#[derive(clap::Args)]
struct SignArgs {
    #[command(flatten)]
    build: BuildArgs,
    /// Securing mechanism.
    #[arg(long, value_enum, default_value = "di")]
    format: SignFormat,
    /// Key directory (one folder per university; see keys.example/README.md).
    #[arg(long, default_value = "keys.example")]
    keys: PathBuf,
    /// Proof creation / signing time (RFC 3339); now when absent.
    #[arg(long)]
    created: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(clap::Args)]
struct DidArgs {
    /// University id (e.g. `eth`).
    university: String,
    /// Key directory.
    #[arg(long, default_value = "keys.example")]
    keys: PathBuf,
    /// Base URL of the issuing service; the DID is did:web under it.
    #[arg(long, default_value = "http://localhost:8080")]
    base_url: String,
}

#[derive(clap::Args)]
struct BuildArgs {
    /// The award request (JSON; see examples/awards/README.md).
    award: PathBuf,
    /// Universities registry (TOML).
    #[arg(long, default_value = "keys.example/universities.toml")]
    universities: PathBuf,
    /// Base URL of the issuing service; universities' DIDs are did:web under it.
    #[arg(long, default_value = "http://localhost:8080")]
    base_url: String,
    /// Credential id (absolute URI); a random urn:uuid when absent.
    #[arg(long)]
    id: Option<String>,
    /// Date of issuing (YYYY-MM-DD); overrides the award's `issued`; today (UTC) when neither is given.
    #[arg(long)]
    issued: Option<NaiveDate>,
}

/// Exit code for an invalid award.
const EXIT_INVALID: u8 = 1;
/// Exit code for usage errors and unreadable input.
const EXIT_USAGE: u8 = 2;

// Command-line interface: it reports to stderr by design.
#[allow(clippy::print_stderr)]
fn main() -> ExitCode {
    // Before any other thread starts (issue #18, `issuer::allocator`).
    issuer::allocator::tune();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Build(args) => match build_credential(&args) {
            Ok((credential, _)) => print_json(&credential),
            Err(code) => code,
        },
        Command::Sign(args) => run_sign(args),
        Command::Did(args) => run_did(args),
        Command::Render(args) => run_render(args),
        Command::Staff(command) => match cli_staff::run(command) {
            Ok(lines) => {
                let mut out = std::io::stdout().lock();
                for line in lines {
                    let _ = writeln!(out, "{line}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(EXIT_USAGE)
            }
        },
        Command::Serve(args) => match run_serve(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(EXIT_USAGE)
            }
        },
    }
}

fn run_serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut config = issuer::config::Config::load(args.config.as_deref())?;
    if let Some(bind) = args.bind {
        config.bind = bind;
    }
    if let Some(database) = args.database {
        config.database_url = database;
    }
    config.check()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(issuer::serve(config))?;
    Ok(())
}

fn run_sign(args: SignArgs) -> ExitCode {
    let (credential, university) = match build_credential(&args.build) {
        Ok(built) => built,
        Err(code) => return code,
    };
    let keys = match proofs::keystore::KeyStore::load(&args.keys, &args.build.base_url) {
        Ok(k) => k,
        Err(e) => {
            return usage_error(format_args!(
                "cannot load keys from {}: {e}",
                args.keys.display()
            ))
        }
    };
    let Some(uni) = keys.university(&university) else {
        return usage_error(format_args!(
            "no keys for university `{university}` in {}",
            args.keys.display()
        ));
    };
    let Some(signer) = uni.current_signer() else {
        return usage_error(format_args!(
            "university `{university}` has no current Ed25519 key"
        ));
    };
    // The binary, not the library, reads the clock.
    let created = args.created.unwrap_or_else(chrono::Utc::now);
    match args.format {
        SignFormat::Di => {
            let options = proofs::data_integrity::ProofOptions::new(created);
            match proofs::data_integrity::sign(&credential, signer, &options) {
                Ok(signed) => print_json(&signed),
                Err(e) => usage_error(format_args!("signing failed: {e}")),
            }
        }
        SignFormat::VcJwt => match proofs::vc_jwt::encode(&credential, signer) {
            Ok(jwt) => print_text(&jwt),
            Err(e) => usage_error(format_args!("signing failed: {e}")),
        },
        SignFormat::Jades => {
            let Some(seal) = &uni.seal else {
                return usage_error(format_args!(
                    "university `{university}` has no seal certificate for JAdES"
                ));
            };
            let bytes = match serde_json::to_vec(&credential) {
                Ok(b) => b,
                Err(e) => return usage_error(format_args!("cannot serialise the credential: {e}")),
            };
            match proofs::jades::seal(&bytes, seal.signer.as_ref(), &seal.chain, created) {
                Ok(sealed) => print_json(&sealed),
                Err(e) => usage_error(format_args!("sealing failed: {e}")),
            }
        }
    }
}

fn run_render(args: RenderArgs) -> ExitCode {
    let format = match args.format {
        RenderFormat::Html => render::Format::Html,
        RenderFormat::Pdf => render::Format::Pdf,
        RenderFormat::Png => render::Format::Png,
    };
    let options = render::RenderOptions::new(args.lang, args.verification_url);
    match render::render_file(&args.credential, format, &args.out, &options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => usage_error(format_args!("cannot render: {e}")),
    }
}

fn run_did(args: DidArgs) -> ExitCode {
    let keys = match proofs::keystore::KeyStore::load(&args.keys, &args.base_url) {
        Ok(k) => k,
        Err(e) => {
            return usage_error(format_args!(
                "cannot load keys from {}: {e}",
                args.keys.display()
            ))
        }
    };
    let Some(uni) = keys.university(&args.university) else {
        let known: Vec<_> = keys.universities().map(|u| u.id.as_str()).collect();
        return usage_error(format_args!(
            "unknown university `{}` (known: {})",
            args.university,
            known.join(", ")
        ));
    };
    match uni.did_document() {
        Ok(doc) => print_json(&doc),
        Err(e) => usage_error(format_args!("cannot build the DID document: {e}")),
    }
}

// Command-line interface: it reports to stderr by design.
#[allow(clippy::print_stderr)]
fn usage_error(message: std::fmt::Arguments<'_>) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_USAGE)
}

fn print_json(value: &serde_json::Value) -> ExitCode {
    match serde_json::to_string_pretty(value) {
        Ok(text) => print_text(&text),
        Err(e) => usage_error(format_args!("cannot serialise the output: {e}")),
    }
}

fn print_text(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`issuer build … | head`) is the reader's choice, not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => usage_error(format_args!("cannot write the output: {e}")),
    }
}

/// Builds the unsigned credential of `args.award`; returns it with the awarding university's id,
/// or the exit code after printing the findings.
// Command-line interface: it reports to stderr by design.
#[allow(clippy::print_stderr)]
fn build_credential(args: &BuildArgs) -> Result<(serde_json::Value, String), ExitCode> {
    let universities = match issuer::universities::load(&args.universities, &args.base_url) {
        Ok(u) => u,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(ExitCode::from(EXIT_USAGE));
        }
    };
    let award = match award_file::read_award(&args.award) {
        Ok(a) => a,
        Err(e) => return Err(report(e)),
    };
    // The binary, not the model, reads the clock: an award without a date is issued today.
    let issued = args
        .issued
        .or(award.issued)
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    // A random version-4 `urn:uuid:` (RFC 9562 §5.4) unless one is given, as the service does.
    let credential_id = args
        .id
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().urn().to_string());
    let options = BuildOptions {
        credential_id,
        issued: Some(issued),
    };
    match award_file::build_from_file(&args.award, &universities, &options) {
        Ok(built) => {
            for w in &built.warnings {
                eprintln!("{w}");
            }
            Ok((built.credential, award.awarding_university.clone()))
        }
        Err(e) => Err(report(e)),
    }
}

// Command-line interface: it reports to stderr by design.
#[allow(clippy::print_stderr)]
fn report(e: AwardFileError) -> ExitCode {
    match e {
        AwardFileError::Unreadable { .. } => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE)
        }
        AwardFileError::Invalid(issues) => {
            let errors = issues.iter().filter(|i| i.is_error()).count();
            for i in &issues {
                eprintln!("{i}");
            }
            eprintln!("error: invalid award: {errors} error(s)");
            ExitCode::from(EXIT_INVALID)
        }
    }
}
