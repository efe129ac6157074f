//! Migration 0003 (`message` status lists, docs/adr/0003-edc-conformant-status.md) on a SQLite
//! database made by the schema before it: the old `revocation` / `suspension` lists, their entries
//! and their set bits survive, a `message` list can be created and allocated from, and the
//! widened CHECK constraint still refuses other purposes. (SQLite widens the CHECK constraint by
//! the documented `writable_schema` edit; PostgreSQL by `ALTER TABLE`, run by every PostgreSQL
//! test of the service.)

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use chrono::Utc;
use issuer::domain::StatusPurpose;
use issuer::store::Store;
use sqlx::{Connection as _, Row as _};

#[tokio::test]
async fn a_database_from_before_gains_message_lists_and_keeps_its_old_ones() {
    let dir = std::env::temp_dir().join(format!("issuer-mig3-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("issuer.sqlite").display());
    sqlx::any::install_default_drivers();
    // The database as migrations 1 and 2 left it, with an issued credential's two 1-bit entries.
    let mut c = sqlx::AnyConnection::connect(&url).await.unwrap();
    for sql in [
        include_str!("../src/store/migrations/sqlite/0001_init.sql"),
        include_str!("../src/store/migrations/sqlite/0002_jades_detached.sql"),
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL);
         INSERT INTO schema_migrations VALUES (1, '2026-11-01T00:00:00.000Z'), (2, '2026-11-29T00:00:00.000Z');
         INSERT INTO universities (id, did, legal_identifier, profile, created_at)
           VALUES ('eth', 'did:web:x', 'CHE-1', '{}', '2026-11-01T00:00:00.000Z');
         INSERT INTO status_lists (id, university, purpose, size, perm_key, created_at)
           VALUES ('rev', 'eth', 'revocation', 131072, '0000000000000000000000000000000000000000000000000000000000000000', '2026-11-01T00:00:00.000Z'),
                  ('sus', 'eth', 'suspension', 131072, '0000000000000000000000000000000000000000000000000000000000000000', '2026-11-01T00:00:00.000Z');
         INSERT INTO credentials (id, university, kind, credential, share_token_hash, created_at)
           VALUES ('urn:uuid:old', 'eth', 'edc', '{}', 'h', '2026-11-01T00:00:00.000Z');
         INSERT INTO status_entries (list_id, idx, credential_id, value)
           VALUES ('rev', 7, 'urn:uuid:old', 1), ('sus', 9, 'urn:uuid:old', 0);",
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut c)
            .await
            .unwrap_or_else(|e| panic!("{e}: {sql}"));
    }
    c.close().await.unwrap();

    let store = Store::connect(&url, 2).await.expect("migrates to 0003");
    assert_eq!(store.status_values("rev").await.unwrap(), vec![(7, 1)]);
    assert!(store.status_values("sus").await.unwrap().is_empty());
    let a = store
        .allocate_indices("eth", &[StatusPurpose::Message], Utc::now())
        .await
        .unwrap();
    assert_eq!(a.len(), 1);
    let list = store
        .status_list("eth", &a[0].list_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(list.purpose, StatusPurpose::Message);
    // The old lists are still the active ones of their purposes.
    let old = store
        .allocate_indices("eth", &StatusPurpose::ALL, Utc::now())
        .await
        .unwrap();
    let ids: Vec<&str> = old.iter().map(|a| a.list_id.as_str()).collect();
    assert_eq!(ids, ["rev", "sus"]);
    store.close().await;

    let mut c = sqlx::AnyConnection::connect(&url).await.unwrap();
    let bogus = sqlx::query(
        "INSERT INTO status_lists (id, university, purpose, size, perm_key, created_at)
         VALUES ('x', 'eth', 'bogus', 1, '00', 'now')",
    )
    .execute(&mut c)
    .await;
    assert!(bogus.is_err(), "the CHECK constraint still holds");
    let check = sqlx::query("PRAGMA integrity_check")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(check.get::<String, _>(0), "ok");
}
