//! Shared by the issuer's integration tests (each test file is its own crate and uses what it
//! needs): the repository root, and a fresh database on SQLite or on PostgreSQL.
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
