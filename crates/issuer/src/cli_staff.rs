//! `issuer staff add` (issue #18 item 1, part of the `issuer` binary): creates a console staff
//! account, typically the first admin of a university, on the database of the service's
//! configuration (`--config`, `ENHANCE_ISSUER_*`, `--database`; the same as `issuer serve`).
//! The password is read from standard input or from the environment variable named by
//! `--password-env`, never from the command line (argv is visible to other users); with `--totp`
//! the account gets an RFC 6238 secret whose `otpauth://` URI is printed once.

use std::io::BufRead as _;
use std::path::PathBuf;

use anyhow::Context as _;
use issuer::app::staff::NewStaffAccount;
use issuer::domain::Role;

/// `issuer staff ...`.
#[derive(clap::Subcommand)]
pub enum StaffCommand {
    /// Create a staff account of the console (e.g. the first admin of a university).
    Add(AddArgs),
}

/// `issuer staff add`.
#[derive(clap::Args)]
pub struct AddArgs {
    /// The university (an id of the universities file, e.g. `eth`).
    #[arg(long)]
    university: String,
    /// Sign-in name (lower-case letters, digits, `.`, `_`, `-`, `@`).
    #[arg(long)]
    username: String,
    /// Name shown in the console.
    #[arg(long)]
    display_name: String,
    /// Roles, comma-separated: admin, issue, revoke.
    #[arg(long, value_delimiter = ',', required = true)]
    roles: Vec<String>,
    /// E-mail address of the staff member.
    #[arg(long)]
    email: Option<String>,
    /// Give the account a TOTP second factor (prints its otpauth:// URI once).
    #[arg(long)]
    totp: bool,
    /// Read the password from this environment variable instead of standard input.
    #[arg(long)]
    password_env: Option<String>,
    /// Configuration file (TOML), as for `issuer serve`.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Database URL (overrides the configuration).
    #[arg(long)]
    database: Option<String>,
}

/// Runs `issuer staff ...`; what to print on success.
pub fn run(command: StaffCommand) -> anyhow::Result<Vec<String>> {
    let StaffCommand::Add(args) = command;
    let mut roles = Vec::new();
    for r in &args.roles {
        let role = Role::parse(r)
            .with_context(|| format!("--roles: unknown role `{r}` (use admin, issue, revoke)"))?;
        roles.push(role);
    }
    let password = match &args.password_env {
        Some(var) => std::env::var(var)
            .with_context(|| format!("--password-env: the variable {var} is not set"))?,
        None => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("cannot read the password from standard input")?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let mut config = issuer::config::Config::load(args.config.as_deref())?;
    if let Some(db) = &args.database {
        config.database_url = db.clone();
    }
    let new = NewStaffAccount {
        university: args.university.clone(),
        username: args.username.clone(),
        display_name: args.display_name.clone(),
        email: args.email.clone(),
        password: Some(password),
        roles,
        totp: args.totp,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let app = issuer::server::build_app(&config, &issuer::server::Overrides::default()).await?;
        let created = app
            .create_staff_account(&new, "system:cli", false)
            .await
            .map_err(describe)?
            .context("the account was not created")?;
        app.store().close().await;
        let mut out = vec![format!(
            "created staff account {} ({}@{})",
            created.id, new.username, new.university
        )];
        if let Some(uri) = created.otpauth_uri {
            out.push(format!(
                "TOTP (add to an authenticator app; shown once): {uri}"
            ));
        }
        Ok(out)
    })
}

/// A domain error with its findings (`field: message (rule)`).
fn describe(e: issuer::domain::DomainError) -> anyhow::Error {
    match e {
        issuer::domain::DomainError::Validation(findings) => anyhow::anyhow!(
            "{}",
            findings
                .iter()
                .map(|f| format!("{}: {} ({})", f.path, f.message, f.rule))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow::anyhow!("{other}"),
    }
}
