//! Shared by the issuer's integration tests (each test file is its own crate and uses what it
//! needs): the repository root, a fresh database on SQLite or on PostgreSQL, the service
//! configuration of the tests (demo keys and universities, a tokens file) and the example awards
//! with their display images.
// Shared by several test crates; each uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use sqlx::Connection as _;

/// The repository root (demo keys, examples, the shared reference files' sibling).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
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
