//! Shared by the issuer's integration tests (each test file is its own crate and uses what it
//! needs): the repository root, a fresh database on SQLite or on PostgreSQL, the service
//! configuration of the tests (demo keys and universities, a tokens file) and the example awards
//! with their display images.
// Shared by several test crates; each uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use sqlx::Connection as _;

pub mod console_browser; // a browser without JavaScript for the console's tests (issue #18)

/// The public base URL of the test issuers ([`config`], [`spawn_issuer`]).
pub const BASE: &str = "http://issuer.test";
/// API tokens of the test universities, written to the test's `tokens.toml` ([`token_dir`]).
pub const ETH: &str = "test-token-eth";
/// RWTH Aachen's API token in the tests.
pub const RWTH: &str = "test-token-rwth";
/// Admin tokens (`admin-tokens.toml`) of the tests.
pub const ETH_ADMIN: &str = "test-admin-eth";
/// RWTH Aachen's admin token in the tests.
pub const RWTH_ADMIN: &str = "test-admin-rwth";

/// The database a case runs on: each service case runs on both.
#[derive(Clone, Copy, Debug)]
pub enum Db {
    Sqlite,
    Postgres,
}

impl Db {
    pub fn is_postgres(self) -> bool {
        matches!(self, Db::Postgres)
    }
}

/// The repository root (demo keys, examples, the shared reference files' sibling).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The demo key store of `keys.example/` under the test issuers' base URL [`BASE`].
pub fn demo_keys() -> proofs::keystore::KeyStore {
    proofs::keystore::KeyStore::load(&repo().join("keys.example"), BASE).unwrap()
}

/// A fresh database URL: the SQLite file `sqlite_file` (created with its directory when the
/// store connects), or, with `postgres`, a new database with a random name on the cluster of
/// `ENHANCE_TEST_POSTGRES_URL`. PostgreSQL variants FAIL when that variable is not set, so a CI
/// machine without PostgreSQL cannot pass by skipping them.
pub async fn fresh_database(postgres: bool, sqlite_file: &Path) -> String {
    if !postgres {
        return format!("sqlite://{}?mode=rwc", sqlite_file.display());
    }
    let base = std::env::var("ENHANCE_TEST_POSTGRES_URL").unwrap_or_default();
    assert!(
        !base.is_empty(),
        "ENHANCE_TEST_POSTGRES_URL is not set: the PostgreSQL variant of this test cannot run. \
         Start a throwaway cluster with `export ENHANCE_TEST_POSTGRES_URL=$(bash scripts/start-postgres.sh)`."
    );
    sqlx::any::install_default_drivers();
    let mut c = sqlx::AnyConnection::connect(&base)
        .await
        .expect("connect to ENHANCE_TEST_POSTGRES_URL");
    let name = format!("issuer_test_{}", uuid::Uuid::new_v4().simple());
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut c)
        .await
        .unwrap();
    let (prefix, _) = base.rsplit_once('/').unwrap();
    format!("{prefix}/{name}")
}

/// The issuer configuration of the tests: on 127.0.0.1 (free port), public base URL
/// `http://issuer.test`, the demo keys and universities of `keys.example/`, `database_url`, and
/// the API tokens of `tokens_file`.
pub fn config(database_url: &str, tokens_file: &Path) -> issuer::config::Config {
    issuer::config::Config {
        bind: ([127, 0, 0, 1], 0).into(),
        database_url: database_url.to_owned(),
        public_base_url: "http://issuer.test".into(),
        keys_dir: repo().join("keys.example"),
        universities_file: repo().join("keys.example/universities.toml"),
        tokens_file: Some(tokens_file.to_owned()),
        ..issuer::config::Config::default()
    }
}

/// An example award of `examples/awards/` as a request envelope with its display images:
/// `{"award": ..., "images": {lang: base64}}` (nothing is rendered at issuance).
pub fn award_with_images(file: &str) -> serde_json::Value {
    use base64::Engine as _;
    let path = repo().join("examples/awards").join(file);
    let award: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut images = serde_json::Map::new();
    for img in award["display"]["images"].as_array().unwrap() {
        let bytes =
            std::fs::read(path.parent().unwrap().join(img["file"].as_str().unwrap())).unwrap();
        images.insert(
            img["language"].as_str().unwrap().into(),
            base64::engine::general_purpose::STANDARD
                .encode(bytes)
                .into(),
        );
    }
    serde_json::json!({"award": award, "images": images})
}

/// A batch body of `rows` copies of an example award with its display images, each for its own
/// learner (`givenNames` = `Learner{i}`).
pub fn batch_of(file: &str, rows: usize) -> serde_json::Value {
    let one = award_with_images(file);
    serde_json::Value::Array(
        (0..rows)
            .map(|i| {
                let mut row = one.clone();
                row["award"]["learner"]["givenNames"] = format!("Learner{i}").into();
                row
            })
            .collect(),
    )
}

/// A fresh directory `<temp>/<prefix>-<uuid>` holding `tokens.toml` with the API tokens `tokens`
/// (`(university, token)`) and, when `admin` is not empty, `admin-tokens.toml` with those.
pub fn token_dir(prefix: &str, tokens: &[(&str, &str)], admin: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let lines = |pairs: &[(&str, &str)]| -> String {
        pairs
            .iter()
            .map(|(u, t)| format!("{u} = \"{t}\"\n"))
            .collect()
    };
    std::fs::write(dir.join("tokens.toml"), lines(tokens)).unwrap();
    if !admin.is_empty() {
        std::fs::write(dir.join("admin-tokens.toml"), lines(admin)).unwrap();
    }
    dir
}

/// Starts the `issuer serve` binary on 127.0.0.1 (port 0) with public base URL
/// `http://issuer.test`, the demo keys and universities, `database_url`, the API tokens of
/// `tokens_file`, JSON logs and `extra_env`. Returns the process and a channel that receives the
/// bound address from the start-up log line; the output is drained after it so the process never
/// blocks on a full pipe.
pub fn spawn_issuer(
    database_url: &str,
    tokens_file: &Path,
    extra_env: &[(&str, &str)],
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    spawn_issuer_logged(database_url, tokens_file, extra_env, None)
}

/// [`spawn_issuer`], every log line also appended to `log` when given (tests that check what the
/// service logs).
pub fn spawn_issuer_logged(
    database_url: &str,
    tokens_file: &Path,
    extra_env: &[(&str, &str)],
    log: Option<&Path>,
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead as _, Write as _};
    let mut log = log.map(|p| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .unwrap()
    });
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_issuer"))
        .arg("serve")
        .args(["--bind", "127.0.0.1:0", "--database", database_url])
        .current_dir(repo())
        .env("ENHANCE_ISSUER_PUBLIC_BASE_URL", "http://issuer.test")
        .env("ENHANCE_ISSUER_KEYS_DIR", repo().join("keys.example"))
        .env(
            "ENHANCE_ISSUER_UNIVERSITIES_FILE",
            repo().join("keys.example/universities.toml"),
        )
        .env("ENHANCE_ISSUER_TOKENS_FILE", tokens_file)
        .env("ENHANCE_ISSUER_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .envs(extra_env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the issuer binary");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(f) = log.as_mut() {
                let _ = writeln!(f, "{line}");
            }
            if sent {
                continue;
            }
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
                if v["fields"]["message"] == "issuer service listening" {
                    if let Some(addr) = v["fields"]["addr"].as_str() {
                        sent = tx.send(addr.to_owned()).is_ok();
                    }
                }
            }
        }
    });
    (child, rx)
}

/// Starts the issuer service with `config`, keeping the test directory `dir` it lives in (for
/// [`stop`]).
pub async fn serve(
    config: issuer::config::Config,
    dir: PathBuf,
) -> (issuer::server::RunningServer, PathBuf) {
    (start_server(config).await, dir)
}

/// Starts the issuer service with `config` (no overrides).
pub async fn start_server(config: issuer::config::Config) -> issuer::server::RunningServer {
    issuer::server::start(config, issuer::server::Overrides::default())
        .await
        .expect("server starts")
}

/// Stops a server of [`serve`] and removes its directory.
pub async fn stop((s, dir): (issuer::server::RunningServer, PathBuf)) {
    s.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

/// A minimal VC 2.0 credential by ETH (a VC-API issue request names its issuer: VC Data Model
/// 2.0 §4.7).
pub fn vc2() -> serde_json::Value {
    serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:web:issuer.test:universities:eth",
        "credentialSubject": {"id": "did:example:learner"}
    })
}

/// Runs the built `issuer` binary with `args` in the repository root; its output.
pub fn issuer_cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_issuer"))
        .args(args)
        .current_dir(repo())
        .output()
        .unwrap()
}

/// ETH's example award (the professional micro-credential) with its display images, as an
/// issuance request (nothing is rendered at issuance).
pub fn eth_award() -> serde_json::Value {
    award_with_images("micro-credential-professional.json")
}

/// Declares each `async fn name(db: Db)` of the calling test file as two tests, `sqlite::name`
/// and `postgres::name` (the PostgreSQL ones need `ENHANCE_TEST_POSTGRES_URL`, see
/// [`fresh_database`]).
// Test files that run no case on both databases include this module without using the macro.
#[allow(unused_macros)]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name(super::Db::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name(super::Db::Postgres).await } )*
        }
    };
}
// The same test files leave this re-export unused.
#[allow(unused_imports)]
pub(crate) use both_backends;
