//! Verification throughput: the library against the HTTP service, in the same run on the same
//! cores (ENHANCE issue #5; target: service ≥ 70 % of the library).
//!
//! `cargo bench -p verifier --bench service` (release). The credential is the eth example award
//! `micro-credential-professional` built with `elm-model`, signed with the demo key (Data
//! Integrity eddsa-rdfc-2022), with a Bitstring Status List entry whose list is served on
//! 127.0.0.1 by the test fixture server. Every check runs in both parts, with the same policy
//! settings: the status list is fetched once and then reused from the policy's cache (TTL one
//! hour), so neither part measures the status-list round trip; the DID document comes from the
//! trust registry (offline).
//!
//! - Library: `verifier::verify(bytes)` back to back on `BENCH_CONCURRENCY` threads (as many
//!   verifications at once as the service runs: on a shared machine the scheduler shares the CPU
//!   per thread, so fewer library threads would get a smaller share of it).
//! - Service: `verifier serve` started in-process on 127.0.0.1:0; `BENCH_CONCURRENCY` (default 8)
//!   clients (tokio tasks, one keep-alive `reqwest` client) send `POST /credentials/verify` back to
//!   back; throughput, p50 / p99 / max latency, errors.
//!
//! The machine is shared and noisy, so the two parts alternate in `BENCH_ROUNDS` (default 6) rounds,
//! each part running `BENCH_SECS / BENCH_ROUNDS` seconds per round (`BENCH_SECS` default 30: 30 s
//! of load in total, and 30 s of library): the ratio of the totals and the median of the
//! per-round ratios are reported. The load generator runs on the same cores as the service (it is
//! part of what the machine does). Besides throughput, the CPU time of the process per
//! verification (`/proc/self/stat` utime + stime, Linux) is compared: it does not depend on how
//! much of the machine the other users take.
//! Both parts use mimalloc, the allocator of the `verifier` binary.

// Benchmark program (issue #19 lints): it prints its figures, and a failing assumption should
// stop it loudly, so print, unwrap, expect, panic and direct indexing are allowed here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

#[path = "../tests/common/mod.rs"]
mod common;

/// The allocator of the `verifier` binary (`verifier serve`), for both parts.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::sync::Arc;
use std::time::{Duration, Instant};

use verifier::service::{start, Overrides, ServiceConfig};
use verifier::{CheckStatus, Verdict};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// CPU seconds (user + system) used by this process so far; Linux `/proc/self/stat`, 100 ticks/s.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, a)| a).unwrap_or_default();
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// `threads` long-lived library threads (like the service's blocking pool, whose threads and
/// allocator heaps also live across rounds).
struct LibraryPool {
    go: Vec<std::sync::mpsc::Sender<Instant>>,
    done: std::sync::mpsc::Receiver<u64>,
}

impl LibraryPool {
    fn new(bytes: Arc<Vec<u8>>, policy: verifier::Policy, threads: usize) -> Self {
        let (done_tx, done) = std::sync::mpsc::channel();
        let go = (0..threads)
            .map(|_| {
                let (tx, rx) = std::sync::mpsc::channel::<Instant>();
                let (bytes, policy, done_tx) = (bytes.clone(), policy.clone(), done_tx.clone());
                std::thread::spawn(move || {
                    let clock = common::clock();
                    while let Ok(deadline) = rx.recv() {
                        let mut n = 0u64;
                        while Instant::now() < deadline {
                            let r = verifier::verify(&bytes, &policy, &clock);
                            assert_eq!(r.verdict, Verdict::Valid);
                            n += 1;
                        }
                        let _ = done_tx.send(n);
                    }
                });
                tx
            })
            .collect();
        Self { go, done }
    }

    /// Verifications per second over `secs`.
    fn run(&self, secs: f64) -> f64 {
        let t0 = Instant::now();
        let deadline = t0 + Duration::from_secs_f64(secs);
        for tx in &self.go {
            let _ = tx.send(deadline);
        }
        let n: u64 = (0..self.go.len())
            .filter_map(|_| self.done.recv().ok())
            .sum();
        n as f64 / t0.elapsed().as_secs_f64()
    }
}

fn main() -> anyhow::Result<()> {
    let secs: f64 = env_or("BENCH_SECS", 30.0);
    let rounds: usize = env_or("BENCH_ROUNDS", 6usize).max(1);
    let concurrency: usize = env_or("BENCH_CONCURRENCY", 8);
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let per_round = secs / rounds as f64;

    // The credential, its status list on 127.0.0.1, and a policy that reuses the list.
    let server = common::Server::start();
    let (doc, uni) = common::built("micro-credential-professional");
    let path = format!("/status/{uni}/revocation-bench");
    let url = format!("{}{path}", server.base);
    let list = common::sign_with(
        &common::status_list(
            &url,
            &common::did(&uni),
            "revocation",
            &common::encoded_list(&[5]),
        ),
        &common::signer(&uni),
    );
    server.put_json(&path, &list);
    let cred = common::sign_with(
        &common::with_status(doc, &url, "revocation", "94567"),
        &common::signer(&uni),
    );
    let bytes = serde_json::to_vec(&cred)?;
    let mut policy = common::policy();
    policy.status_list_ttl = Duration::from_secs(3600);
    let r = verifier::verify(&bytes, &policy, &common::clock());
    anyhow::ensure!(
        r.verdict == Verdict::Valid,
        "the bench credential must be valid: {r:?}"
    );
    anyhow::ensure!(
        r.checks.iter().all(|c| c.status == CheckStatus::Ok),
        "every check must run: {r:?}"
    );
    println!(
        "credential: {} bytes; {cores} cores; {rounds} rounds of {per_round:.1} s library ({concurrency} threads) + {per_round:.1} s service ({concurrency} clients)",
        bytes.len()
    );

    let pool = LibraryPool::new(Arc::new(bytes.clone()), policy.clone(), concurrency);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .enable_all()
        .build()?;
    let mut config = ServiceConfig {
        bind: "127.0.0.1:0".parse()?,
        allow_local_network: true,
        status_list_ttl_secs: 3600,
        ..ServiceConfig::default()
    };
    // A load test from one address: no per-client rate limit.
    config.rate_limit.per_second = 0.0;
    let service = runtime.block_on(start(
        config,
        Overrides {
            clock: Some(Arc::new(common::clock())),
            registry: None,
        },
    ))?;
    let endpoint = format!("{}/credentials/verify", service.url());
    let body = axum::body::Bytes::from(serde_json::to_vec(
        &serde_json::json!({"verifiableCredential": cred}),
    )?);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?;
    // Warm-up: connections, status list cache.
    runtime.block_on(async {
        for _ in 0..concurrency {
            let res = client
                .post(&endpoint)
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await?;
            anyhow::ensure!(res.status() == 200, "warm-up: {}", res.text().await?);
        }
        Ok(())
    })?;

    let (mut lib_n, mut lib_t, mut svc_n, mut svc_t, mut errors) = (0.0, 0.0, 0.0, 0.0, 0u64);
    let (mut lib_cpu, mut svc_cpu) = (0.0, 0.0);
    let mut lat: Vec<Duration> = Vec::new();
    let mut ratios = Vec::new();
    for round in 1..=rounds {
        let c0 = cpu_secs();
        let lib = pool.run(per_round);
        let c1 = cpu_secs();
        let (n, elapsed, l, e) =
            runtime.block_on(load(&client, &endpoint, &body, concurrency, per_round))?;
        let c2 = cpu_secs();
        lib_cpu += c1 - c0;
        svc_cpu += c2 - c1;
        let svc = n as f64 / elapsed;
        println!(
            "round {round}: library {lib:.1}/s ({:.2} cores busy), service {svc:.1}/s ({:.2} cores busy), ratio {:.1} %",
            (c1 - c0) / per_round,
            (c2 - c1) / elapsed,
            svc / lib * 100.0
        );
        ratios.push(svc / lib);
        lib_n += lib * per_round;
        lib_t += per_round;
        svc_n += n as f64;
        svc_t += elapsed;
        lat.extend(l);
        errors += e;
    }
    runtime.block_on(service.shutdown())?;
    lat.sort();
    ratios.sort_by(f64::total_cmp);
    let (lib, svc) = (lib_n / lib_t, svc_n / svc_t);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!();
    println!("| measure | value |");
    println!("|---|---:|");
    println!("| library, {concurrency} threads, {lib_t:.0} s | {lib:.1} verifications/s |");
    println!("| service, {concurrency} keep-alive clients, {svc_t:.0} s | {svc:.1} requests/s ({} requests, {errors} errors) |", lat.len());
    println!(
        "| service / library (totals) | {:.1} % |",
        svc / lib * 100.0
    );
    println!(
        "| service / library per round: median (min–max) | {:.1} % ({:.1}–{:.1} %) |",
        ratios[ratios.len() / 2] * 100.0,
        ratios[0] * 100.0,
        ratios[ratios.len() - 1] * 100.0
    );
    let (lib_cpu_ms, svc_cpu_ms) = (lib_cpu / lib_n * 1e3, svc_cpu / svc_n * 1e3);
    println!("| CPU per verification: library / service (incl. load generator) | {lib_cpu_ms:.2} ms / {svc_cpu_ms:.2} ms |");
    println!(
        "| library / service CPU per verification | {:.1} % |",
        lib_cpu_ms / svc_cpu_ms * 100.0
    );
    println!("| latency p50 | {:.1} ms |", ms(percentile(&lat, 0.50)));
    println!("| latency p99 | {:.1} ms |", ms(percentile(&lat, 0.99)));
    println!(
        "| latency max | {:.1} ms |",
        ms(lat.last().copied().unwrap_or_default())
    );
    anyhow::ensure!(errors == 0, "{errors} requests failed");
    Ok(())
}

/// `concurrency` clients sending the request back to back for `secs`: (requests, elapsed seconds,
/// latencies, errors).
async fn load(
    client: &reqwest::Client,
    endpoint: &str,
    body: &axum::body::Bytes,
    concurrency: usize,
    secs: f64,
) -> anyhow::Result<(usize, f64, Vec<Duration>, u64)> {
    let t0 = Instant::now();
    let deadline = t0 + Duration::from_secs_f64(secs);
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, endpoint, body) = (client.clone(), endpoint.to_owned(), body.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0u64;
            while Instant::now() < deadline {
                let t = Instant::now();
                let ok = match client
                    .post(&endpoint)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
                {
                    Ok(res) => res.status() == 200 && res.bytes().await.is_ok(),
                    Err(_) => false,
                };
                lat.push(t.elapsed());
                if !ok {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    let mut lat = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await?;
        lat.extend(l);
        errors += e;
    }
    Ok((lat.len(), t0.elapsed().as_secs_f64(), lat, errors))
}
