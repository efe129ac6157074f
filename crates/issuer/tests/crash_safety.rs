//! Crash safety of batch issuance (issue #4), against the real `issuer` binary: a 2,000-learner
//! batch is sent, the process is killed with SIGKILL part-way through, restarted on the same
//! database, and then:
//!
//! - every credential is either fully stored with its status entries or absent: no credential
//!   without its status entry (the one 2-bit `message` entry, ADR 0003), no status entry without a
//!   credential, every entry in a credential's document matches the stored entry, and every
//!   stored credential's Data Integrity proof verifies;
//! - re-sending the batch with the same `Idempotency-Key` completes it without duplicates: exactly
//!   2,000 credentials, one per row, rows stored before the crash keep their credential;
//! - no status index is used twice (by the documents and by the table).
//!
//! Runs on SQLite (a temp file) and PostgreSQL (a fresh database on `ENHANCE_TEST_POSTGRES_URL`,
//! which must be set: `export ENHANCE_TEST_POSTGRES_URL=$(bash scripts/start-postgres.sh)`).

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

mod support;

use std::collections::{HashMap, HashSet};
use std::process::Child;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sqlx::{Connection as _, Row as _};

const BASE: &str = "http://issuer.test";
const TOKEN: &str = "crash-test-token-eth";
const LEARNERS: usize = 2_000;
const KEY: &str = "crash-batch-1";

/// The `issuer serve` process and the address it reported.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `issuer serve` on port 0 and reads the bound address from its JSON start-up log line;
/// keeps draining its output so the process never blocks on a full pipe.
fn start(db_url: &str, dir: &std::path::Path) -> Server {
    let (mut child, rx) = support::spawn_issuer(
        db_url,
        &dir.join("tokens.toml"),
        &[("ENHANCE_ISSUER_RATE_LIMIT_PER_MINUTE", "0")],
    );
    let addr = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(a) => a,
        Err(_) => {
            let _ = child.kill();
            let status = child.wait();
            panic!("the issuer did not report its address within 60 s (exit: {status:?})");
        }
    };
    Server {
        child,
        url: format!("http://{addr}"),
    }
}

/// The batch body: one eth award per learner, each with its own name.
fn batch() -> Value {
    let batch = support::batch_of("micro-credential-professional.json", LEARNERS);
    assert_eq!(batch[0]["award"]["awardingUniversity"], "eth");
    batch
}

async fn connect(url: &str) -> sqlx::AnyConnection {
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(url)
        .await
        .expect("connect to the test database")
}

async fn count(c: &mut sqlx::AnyConnection, sql: &str) -> i64 {
    let row = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&mut *c)
        .await
        .unwrap();
    row.try_get::<i64, _>(0).unwrap()
}

/// Batch-row credentials: batch key → (credential id, document).
async fn stored_credentials(c: &mut sqlx::AnyConnection) -> HashMap<String, (String, Value)> {
    let rows =
        sqlx::query("SELECT id, batch_key, credential FROM credentials WHERE university = 'eth'")
            .fetch_all(&mut *c)
            .await
            .unwrap();
    rows.iter()
        .map(|r| {
            let key: Option<String> = r.try_get("batch_key").unwrap();
            let doc: String = r.try_get("credential").unwrap();
            (
                key.expect("every credential here comes from the batch"),
                (
                    r.try_get("id").unwrap(),
                    serde_json::from_str(&doc).unwrap(),
                ),
            )
        })
        .collect()
}

/// Checks the database is consistent: each credential has exactly its revocation and suspension
/// entries, as in its document; no orphan entry; no (list, index) used twice; every proof verifies
/// (when `verify_proofs`). Returns the number of credentials.
async fn assert_consistent(c: &mut sqlx::AnyConnection, verify_proofs: bool) -> usize {
    let orphans = count(c, "SELECT COUNT(*) FROM status_entries e LEFT JOIN credentials c ON c.id = e.credential_id WHERE c.id IS NULL").await;
    assert_eq!(orphans, 0, "status entries without a credential");
    let creds = stored_credentials(c).await;
    let rows = sqlx::query("SELECT e.list_id AS list_id, e.idx AS idx, e.credential_id AS credential_id, l.purpose AS purpose FROM status_entries e JOIN status_lists l ON l.id = e.list_id")
        .fetch_all(&mut *c)
        .await
        .unwrap();
    let mut by_credential: HashMap<String, Vec<(String, i64, String)>> = HashMap::new();
    let mut used = HashSet::new();
    for r in &rows {
        let list: String = r.try_get("list_id").unwrap();
        let idx: i64 = r.try_get("idx").unwrap();
        assert!(
            used.insert((list.clone(), idx)),
            "status index {list}#{idx} stored twice"
        );
        by_credential
            .entry(r.try_get("credential_id").unwrap())
            .or_default()
            .push((list, idx, r.try_get("purpose").unwrap()));
    }
    let mut in_documents = HashSet::new();
    for (key, (id, doc)) in &creds {
        let mut stored = by_credential.remove(id).unwrap_or_default();
        stored.sort();
        assert_eq!(
            stored.len(),
            1,
            "credential of row {key} has {} status entries, not 1",
            stored.len()
        );
        // One entry (ADR 0003): a 2-bit `message` entry, an object.
        let mut documented: Vec<(String, i64, String)> =
            std::slice::from_ref(&doc["credentialStatus"])
                .iter()
                .map(|e| {
                    let url = e["statusListCredential"].as_str().unwrap();
                    let list = url
                        .strip_prefix(&format!("{BASE}/status/eth/"))
                        .expect("an eth status list URL")
                        .to_owned();
                    let idx: i64 = e["statusListIndex"].as_str().unwrap().parse().unwrap();
                    (list, idx, e["statusPurpose"].as_str().unwrap().to_owned())
                })
                .collect();
        documented.sort();
        assert_eq!(
            documented, stored,
            "the status entries in the document of row {key} are not the stored ones"
        );
        for (list, idx, _) in documented {
            assert!(
                in_documents.insert((list.clone(), idx)),
                "status index {list}#{idx} is in two credentials"
            );
        }
    }
    assert!(
        by_credential.is_empty(),
        "status entries of credentials that do not exist"
    );
    if verify_proofs {
        let keys = support::demo_keys();
        let resolver = keys.resolver().unwrap();
        let docs: Vec<&Value> = creds.values().map(|(_, d)| d).collect();
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let chunk = docs.len().div_ceil(threads).max(1);
        std::thread::scope(|s| {
            for part in docs.chunks(chunk) {
                let resolver = &resolver;
                s.spawn(move || {
                    for d in part {
                        if let Err(e) = proofs::data_integrity::verify(d, resolver) {
                            panic!("a stored credential's proof does not verify: {e}");
                        }
                    }
                });
            }
        });
    }
    creds.len()
}

async fn send_batch(url: &str, body: &Value) -> reqwest::Result<reqwest::Response> {
    reqwest::Client::new()
        .post(format!("{url}/awards/batch"))
        .bearer_auth(TOKEN)
        .header("idempotency-key", KEY)
        .json(body)
        .send()
        .await
}

async fn crash_mid_batch_then_resume(postgres: bool) {
    let t0 = Instant::now();
    let dir = std::env::temp_dir().join(format!("issuer-crash-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("tokens.toml"), format!("eth = \"{TOKEN}\"\n")).unwrap();
    let db = support::fresh_database(postgres, &dir.join("issuer.sqlite")).await;
    let body = batch();

    // 1. Start, send the batch, and SIGKILL the process once some rows are stored.
    let mut server = start(&db, &dir);
    let url = server.url.clone();
    let request_body = body.clone();
    let request = tokio::spawn(async move {
        send_batch(&url, &request_body)
            .await
            .map(|r| r.status().as_u16())
    });
    let mut c = connect(&db).await;
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen = 0;
    while seen < 100 {
        assert!(
            Instant::now() < deadline,
            "the batch did not start within 120 s ({seen} rows stored)"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
        seen = count(&mut c, "SELECT COUNT(*) FROM credentials").await;
    }
    server.child.kill().expect("SIGKILL the issuer"); // Child::kill is SIGKILL on Unix
    let _ = server.child.wait();
    let killed_at = t0.elapsed();
    assert!(
        request.await.unwrap().is_err(),
        "the killed server must not have answered the batch"
    );

    // 2. The database after the crash: some rows, not all, each one complete.
    let stored = assert_consistent(&mut c, true).await;
    assert!(
        stored > 0 && stored < LEARNERS,
        "killed mid-batch: {stored} of {LEARNERS} rows stored"
    );
    let before = stored_credentials(&mut c).await;
    let verified_at = t0.elapsed();

    // 3. Restart on the same database and re-send the batch with the same key.
    let server = start(&db, &dir);
    let res = send_batch(&server.url, &body)
        .await
        .expect("the retried batch is answered");
    assert_eq!(res.status().as_u16(), 200);
    let answer: Value = res.json().await.unwrap();
    assert_eq!(
        answer["issued"], LEARNERS,
        "every row issued after the retry"
    );
    assert_eq!(answer["rejected"], 0);
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), LEARNERS);
    let ids: HashSet<&str> = results
        .iter()
        .map(|r| r["credentialId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), LEARNERS, "one distinct credential per row");
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r["row"], i);
        if let Some((id, _)) = before.get(&format!("{KEY}#{i}")) {
            assert_eq!(
                r["credentialId"],
                json!(id),
                "row {i} was issued before the crash and must keep its credential"
            );
        }
    }
    let completed_at = t0.elapsed();

    // 4. Exactly one credential per row, consistent, no index used twice; a third send is a replay.
    assert_eq!(
        count(&mut c, "SELECT COUNT(*) FROM credentials").await,
        LEARNERS as i64
    );
    let after = stored_credentials(&mut c).await;
    let expected: HashSet<String> = (0..LEARNERS).map(|i| format!("{KEY}#{i}")).collect();
    assert_eq!(
        after.keys().cloned().collect::<HashSet<_>>(),
        expected,
        "one credential per batch row"
    );
    assert_eq!(assert_consistent(&mut c, false).await, LEARNERS);
    assert_eq!(
        count(&mut c, "SELECT COUNT(*) FROM status_entries").await,
        LEARNERS as i64
    );
    let replay: Value = send_batch(&server.url, &body)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        replay, answer,
        "a completed batch is replayed, not re-issued"
    );
    assert_eq!(
        count(&mut c, "SELECT COUNT(*) FROM credentials").await,
        LEARNERS as i64
    );
    drop(server);
    eprintln!(
        "{}: killed after {stored} of {LEARNERS} rows at {:.1?}; checked (proofs verified) at {:.1?}; batch completed at {:.1?}; total {:.1?}",
        if postgres { "postgres" } else { "sqlite" },
        killed_at,
        verified_at,
        completed_at,
        t0.elapsed()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_batch_survives_sigkill() {
    crash_mid_batch_then_resume(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_batch_survives_sigkill() {
    crash_mid_batch_then_resume(true).await;
}
