//! Graceful shutdown of the real `issuer serve` process (issue #4 §8 "graceful shutdown that
//! finishes in-flight batches"): a batch is sent, the process gets SIGTERM while the batch is
//! being issued, and then the client still receives the complete batch response, every row is
//! stored, and the process exits with status 0. Runs on SQLite and on PostgreSQL (which needs
//! `ENHANCE_TEST_POSTGRES_URL`: `export ENHANCE_TEST_POSTGRES_URL=$(bash scripts/start-postgres.sh)`).

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod support;

use std::process::{Child, Command};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sqlx::{Connection as _, Row as _};

const TOKEN: &str = "sigterm-test-token-eth";
const ROWS: usize = 150;

/// Kills the process on drop if the test failed before it exited.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Starts `issuer serve` on port 0; returns the process and its URL (from the start-up log line).
fn start(db_url: &str, dir: &std::path::Path) -> (Server, String) {
    let (child, rx) = support::spawn_issuer(db_url, &dir.join("tokens.toml"), &[]);
    let server = Server(child);
    let addr = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the issuer reports its address");
    (server, format!("http://{addr}"))
}

fn batch() -> Value {
    support::batch_of("micro-credential-professional.json", ROWS)
}

async fn stored(url: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let mut c = sqlx::AnyConnection::connect(url).await.unwrap();
    let row = sqlx::query("SELECT COUNT(*) AS n FROM credentials")
        .fetch_one(&mut c)
        .await
        .unwrap();
    row.try_get::<i64, _>("n").unwrap()
}

async fn sigterm_finishes_the_in_flight_batch_and_exits_0(postgres: bool) {
    let dir = std::env::temp_dir().join(format!("issuer-sigterm-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("tokens.toml"), format!("eth = \"{TOKEN}\"\n")).unwrap();
    let db = support::fresh_database(postgres, &dir.join("issuer.sqlite")).await;
    let (mut server, url) = start(&db, &dir);
    let body = batch();
    let request = tokio::spawn(async move {
        let res = reqwest::Client::new()
            .post(format!("{url}/awards/batch"))
            .bearer_auth(TOKEN)
            .header("idempotency-key", "sigterm-batch")
            .json(&body)
            .send()
            .await
            .expect("the batch request gets an answer");
        (res.status().as_u16(), res.json::<Value>().await.unwrap())
    });
    // Wait until the batch is under way, then SIGTERM.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut at_signal = 0;
    while Instant::now() < deadline {
        at_signal = stored(&db).await;
        if at_signal >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(at_signal >= 3, "the batch never started");
    let pid = server.0.id().to_string();
    let kill = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(kill.success());
    assert!(
        (at_signal as usize) < ROWS,
        "the signal came while the batch was in flight ({at_signal} of {ROWS} stored)"
    );
    let (status, answer) = request.await.unwrap();
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["issued"],
        json!(ROWS),
        "the in-flight batch ran to its end"
    );
    // The process exits by itself, with status 0.
    let exit = tokio::task::spawn_blocking(move || {
        let t = Instant::now();
        loop {
            if let Some(s) = server.0.try_wait().unwrap() {
                return Some(s);
            }
            if t.elapsed() > Duration::from_secs(60) {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    })
    .await
    .unwrap();
    let exit = exit.expect("the issuer exits within 60 s of finishing the batch");
    assert_eq!(exit.code(), Some(0), "exit status {exit:?}");
    assert_eq!(
        stored(&db).await,
        ROWS as i64,
        "every row of the batch is stored"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_sigterm_finishes_the_in_flight_batch_and_exits_0() {
    sigterm_finishes_the_in_flight_batch_and_exits_0(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_sigterm_finishes_the_in_flight_batch_and_exits_0() {
    sigterm_finishes_the_in_flight_batch_and_exits_0(true).await;
}
