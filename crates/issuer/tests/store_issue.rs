//! The store's issuance primitives on SQLite AND on PostgreSQL: `allocate_indices` (one
//! statement for every purpose) hands out unique indices under concurrency and starts a list
//! where there is none; `insert_issued` (one statement on PostgreSQL) stores a credential with its
//! status entries and audit entry all together or not at all. The PostgreSQL variants need
//! `ENHANCE_TEST_POSTGRES_URL` (see `scripts/start-postgres.sh`) and FAIL without it.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod support;

use std::collections::HashSet;

use chrono::Utc;
use issuer::domain::StatusPurpose;
use issuer::store::{Allocation, AuditEntry, NewCredential, Store, StoreError};
use sqlx::{Connection as _, Row as _};

async fn fresh_url(postgres: bool) -> String {
    let dir = std::env::temp_dir().join(format!("issuer-store-{}", uuid::Uuid::new_v4()));
    support::fresh_database(postgres, &dir.join("issuer.sqlite")).await
}

async fn count(url: &str, table: &str) -> i64 {
    let mut c = sqlx::AnyConnection::connect(url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) AS n FROM {table}"
    )))
    .fetch_one(&mut c)
    .await
    .unwrap()
    .get::<i64, _>("n")
}

/// An insert the store refuses: (credential id, share token hash, batch row key, status
/// allocations, the duplicate the error names; `None`: any).
type Refused<'a> = (
    &'a str,
    &'a str,
    Option<&'a str>,
    &'a [Allocation],
    Option<&'a str>,
);

/// (credentials, status entries, audit entries) stored.
async fn stored(url: &str) -> (i64, i64, i64) {
    (
        count(url, "credentials").await,
        count(url, "status_entries").await,
        count(url, "audit_log").await,
    )
}

fn credential<'a>(id: &'a str, share: &'a str, batch_key: Option<&'a str>) -> NewCredential<'a> {
    NewCredential {
        id,
        university: "eth",
        kind: "vc",
        learner_ref: None,
        credential: "{\"id\":\"x\"}",
        jades: None,
        jades_detached: false,
        vc_jwt: None,
        share_token_hash: share,
        batch_key,
        created_at: Utc::now(),
    }
}

fn audit(target: &str) -> AuditEntry<'_> {
    AuditEntry {
        at: Utc::now(),
        actor: "system",
        university: "eth",
        action: "issue",
        target,
        reason: None,
        detail: None,
    }
}

/// A store on `url` with the university `eth`.
async fn eth_store(url: &str) -> Store {
    let store = Store::connect(url, 8).await.unwrap();
    store
        .upsert_university(
            "eth",
            "did:web:issuer.test:eth",
            "CHE-000",
            "{}",
            Utc::now(),
        )
        .await
        .unwrap();
    store
}

async fn allocate_and_insert(postgres: bool) {
    let url = fresh_url(postgres).await;
    let store = eth_store(&url).await;
    // No list yet: the first allocation starts one per purpose.
    let first = store
        .allocate_indices("eth", &StatusPurpose::ALL, Utc::now())
        .await
        .unwrap();
    assert_eq!(first.len(), 2);
    assert_ne!(first[0].list_id, first[1].list_id, "one list per purpose");
    // 300 concurrent allocations of both purposes: every index unique on its list.
    let tasks: Vec<_> = (0..300)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .allocate_indices("eth", &StatusPurpose::ALL, Utc::now())
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut seen = HashSet::new();
    for a in first.iter() {
        seen.insert((a.list_id.clone(), a.index));
    }
    for t in tasks {
        let allocs = t.await.unwrap();
        assert_eq!(allocs.len(), 2);
        assert_eq!(
            allocs[0].list_id, first[0].list_id,
            "revocation first, as asked"
        );
        assert_eq!(allocs[1].list_id, first[1].list_id);
        for a in allocs {
            assert!(
                seen.insert((a.list_id.clone(), a.index)),
                "index {} of {} given twice",
                a.index,
                a.list_id
            );
        }
    }
    assert_eq!(seen.len(), 602);
    // One purpose alone.
    let one = store
        .allocate_indices("eth", &[StatusPurpose::Suspension], Utc::now())
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].list_id, first[1].list_id);

    // A credential with its entries and audit entry.
    store
        .insert_issued(
            &credential("urn:a", "share-a", Some("k#0")),
            &first,
            &audit("urn:a"),
        )
        .await
        .unwrap();
    assert_eq!(stored(&url).await, (1, 2, 1));
    // Taken index: nothing of the second credential is stored, not even its row or audit entry.
    let reused = [
        first[0].clone(),
        Allocation {
            list_id: first[1].list_id.clone(),
            index: one[0].index,
        },
    ];
    // Then a taken batch row key, then a taken id: the same.
    let fresh = store
        .allocate_indices("eth", &StatusPurpose::ALL, Utc::now())
        .await
        .unwrap();
    let refused: [Refused; 3] = [
        ("urn:b", "share-b", None, &reused, Some("status index")),
        (
            "urn:c",
            "share-c",
            Some("k#0"),
            &fresh,
            Some("credential id"),
        ),
        ("urn:a", "share-d", None, &fresh, None),
    ];
    for (id, share, key, allocations, duplicate) in refused {
        let e = store
            .insert_issued(&credential(id, share, key), allocations, &audit(id))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, StoreError::Duplicate(what) if duplicate.is_none_or(|d| what == d)),
            "{id}: {e:?}"
        );
    }
    assert_eq!(stored(&url).await, (1, 2, 1));
    // Without status entries.
    store
        .insert_issued(&credential("urn:e", "share-e", None), &[], &audit("urn:e"))
        .await
        .unwrap();
    assert_eq!(stored(&url).await, (2, 2, 2));
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_allocate_and_insert() {
    allocate_and_insert(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_allocate_and_insert() {
    allocate_and_insert(true).await;
}

/// SQLite group commit (issue #18): writes queued while the write lock is held are written
/// together (fewer transactions than writes), and a write that fails in a group (a batch row key
/// already taken) fails alone: the others of its group are stored, each exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_group_commit_shares_transactions_and_isolates_a_failure() {
    let url = fresh_url(false).await;
    let store = eth_store(&url).await;
    store
        .insert_issued(
            &credential("urn:g:first", "share-g-first", Some("g#0")),
            &[],
            &audit("urn:g:first"),
        )
        .await
        .unwrap();
    let pause = std::time::Duration::from_millis(300);

    // Twelve allocations queued behind a held write lock: written in fewer transactions.
    let before = store.group_commit_counts();
    let held = store.begin().await.unwrap();
    let allocating: Vec<_> = (0..12)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .allocate_indices("eth", &[StatusPurpose::Revocation], Utc::now())
                    .await
            })
        })
        .collect();
    tokio::time::sleep(pause).await;
    held.commit().await.unwrap();
    let mut allocations = Vec::new();
    for t in allocating {
        allocations.push(t.await.unwrap().unwrap());
    }
    let after = store.group_commit_counts();
    let (transactions, writes) = (after.0 - before.0, after.1 - before.1);
    assert_eq!(writes, 12, "every allocation written once");
    assert!(
        transactions < writes,
        "queued writes shared transactions: {transactions} for {writes}"
    );
    let indices: HashSet<u32> = allocations.iter().map(|a| a[0].index).collect();
    assert_eq!(indices.len(), 12, "unique indices");

    // Twelve credentials and one whose batch row key is taken, in one queue: the twelve are
    // stored, the one is refused.
    let held = store.begin().await.unwrap();
    let inserting: Vec<_> = allocations
        .into_iter()
        .enumerate()
        .map(|(i, allocs)| {
            let store = store.clone();
            tokio::spawn(async move {
                let (id, share, key) = (
                    format!("urn:g:{i}"),
                    format!("share-g-{i}"),
                    format!("g#{}", i + 1),
                );
                store
                    .insert_issued(&credential(&id, &share, Some(&key)), &allocs, &audit(&id))
                    .await
            })
        })
        .collect();
    let duplicate = {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .insert_issued(
                    &credential("urn:g:again", "share-g-again", Some("g#0")),
                    &[],
                    &audit("urn:g:again"),
                )
                .await
        })
    };
    tokio::time::sleep(pause).await;
    held.commit().await.unwrap();
    for t in inserting {
        t.await.unwrap().unwrap();
    }
    assert!(matches!(
        duplicate.await.unwrap(),
        Err(StoreError::Duplicate(_))
    ));
    // 13 credentials (the first and the twelve), one status entry each of the twelve.
    assert_eq!(stored(&url).await.0, 13);
    assert_eq!(stored(&url).await.1, 12);
}

/// SQLite group commit (issue #18): a queued write whose caller has gone before its group is
/// written is not written; the others are.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_group_commit_skips_a_write_whose_caller_has_gone() {
    let url = fresh_url(false).await;
    let store = eth_store(&url).await;
    let held = store.begin().await.unwrap();
    let insert = |id: &'static str| {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .insert_issued(&credential(id, id, None), &[], &audit(id))
                .await
        })
    };
    let gone = insert("urn:g:gone");
    let kept = insert("urn:g:kept");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    gone.abort();
    assert!(gone.await.unwrap_err().is_cancelled());
    held.commit().await.unwrap();
    kept.await.unwrap().unwrap();
    let mut c = sqlx::AnyConnection::connect(&url).await.unwrap();
    let ids: Vec<String> = sqlx::query("SELECT id FROM credentials ORDER BY id")
        .fetch_all(&mut c)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("id"))
        .collect();
    assert_eq!(ids, ["urn:g:kept"]);
}
