//! Issuer service benchmark (issue #4), over real HTTP on loopback against an in-process server:
//!
//! 1. **batch**: one `POST /awards/batch` of `BENCH_LEARNERS` (default 10,000) eth awards; learners
//!    per second;
//! 2. **bare**: in the same run, on the same cores, with as many threads as the batch keeps rows
//!    in flight, on the same credential (one the server issued, proof removed):
//!    - **bare sign + verify**: what issue #4 has every credential signed and verified with, done
//!      by the `proofs` library alone: the Data Integrity proof (`data_integrity::sign_owned` +
//!      `verify`) and, as the university has a seal, the JAdES seal (`jades::seal` +
//!      `jades::verify` with its certificate path);
//!    - **bare Data Integrity sign + verify** only, the smallest reference;
//!    - the service's securing step (`Securer::secure`, then every form checked by
//!      `verifier::verify` as the service does before storing, [`issuer::securing::IssuanceCheck`]).
//!
//!    The overhead is the share of the batch time (or CPU time) not explained by the reference
//!    work: storage, validation, building, status allocation and HTTP. `scripts/batch-breakdown.sh`
//!    measures the share of each stage directly (docs/PERFORMANCE.md);
//! 3. **load**: `BENCH_LOAD_SECS` (default 30) seconds of `BENCH_LOAD_CONCURRENCY` (default 8)
//!    clients sending single `POST /awards` back to back; throughput, p50/p99 latency, errors.
//!
//! 4. **cohort** (issue #18, only with `BENCH_MODE=cohort`): a cohort CSV of `BENCH_LEARNERS` rows
//!    issued the way the staff console does it (`POST /awards/batch?specification=…`, text/csv),
//!    **without image bytes**, so the service renders every learner's certificate page image
//!    (`render_display_images`, `render::cohort`); in the same run, as the reference, the same
//!    CSV of `BENCH_REFERENCE` rows (default 1,000) carrying the image bytes, before and after.
//!    Learners per second, CPU ms per learner, the ratio, the load average, and how many pages the
//!    renderer composed from a template.
//!
//! Run: `cargo bench -p issuer --bench batch` (release). `BENCH_DB=postgres` uses a fresh database
//! on `ENHANCE_TEST_POSTGRES_URL`; `BENCH_MODE=batch|load|cohort` runs one part only
//! (`BENCH_MODE=cohort BENCH_LEARNERS=1000` for a quick cohort run).

// Benchmark program (issue #19 lints): it prints its figures, and a failing assumption should
// stop it loudly, so print, unwrap, expect, panic and direct indexing are allowed here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use base64::Engine as _;
use issuer::config::Config;
use issuer::securing::{IssuanceCheck, KeyStoreSecurer, Securer as _};
use issuer::server::{start, Overrides};
use serde_json::{json, Value};

/// The allocator of the `issuer` binary, so the in-process server runs as in production.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const BASE: &str = "http://issuer.bench";
const TOKEN: &str = "bench-token-eth";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One eth award request (`{award, images}`) for learner `i`.
fn award(template: &Value, images: &Value, i: usize) -> Value {
    let mut a = template.clone();
    a["learner"]["givenNames"] = json!(format!("Learner{i}"));
    json!({"award": a, "images": images})
}

fn template() -> anyhow::Result<(Value, Value)> {
    let path = repo().join("examples/awards/micro-credential-professional.json");
    let award: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    let mut images = serde_json::Map::new();
    for img in award["display"]["images"]
        .as_array()
        .context("display.images")?
    {
        let file = path
            .parent()
            .context("award dir")?
            .join(img["file"].as_str().context("image file")?);
        images.insert(
            img["language"].as_str().context("language")?.into(),
            base64::engine::general_purpose::STANDARD
                .encode(std::fs::read(file)?)
                .into(),
        );
    }
    Ok((award, Value::Object(images)))
}

async fn database_url(dir: &std::path::Path) -> anyhow::Result<(String, &'static str)> {
    if std::env::var("BENCH_DB").as_deref() != Ok("postgres") {
        return Ok((
            format!("sqlite://{}?mode=rwc", dir.join("issuer.sqlite").display()),
            "SQLite (WAL)",
        ));
    }
    use sqlx::Connection as _;
    let base = std::env::var("ENHANCE_TEST_POSTGRES_URL")
        .context("BENCH_DB=postgres needs ENHANCE_TEST_POSTGRES_URL")?;
    sqlx::any::install_default_drivers();
    let mut c = sqlx::AnyConnection::connect(&base).await?;
    let name = format!("issuer_bench_{}", uuid::Uuid::new_v4().simple());
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut c)
        .await?;
    let (prefix, _) = base.rsplit_once('/').context("database URL")?;
    Ok((format!("{prefix}/{name}"), "PostgreSQL"))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// CPU time (user + system, every thread) this process has used so far, from `/proc/self/stat`
/// (clock ticks of 10 ms); `None` where that file does not exist. On a shared machine CPU time per
/// operation is what can be compared between the batch and the reference work: wall-clock rates
/// change with whatever else runs.
fn process_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the `(comm)`: state is field 3, utime field 14, stime field 15.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Runs `per_thread` iterations of `f` on `threads` threads; operations per second.
fn throughput(
    threads: usize,
    per_thread: usize,
    f: impl Fn() -> anyhow::Result<()> + Sync,
) -> anyhow::Result<f64> {
    let t = Instant::now();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    for _ in 0..per_thread {
                        f()?;
                    }
                    Ok::<_, anyhow::Error>(())
                })
            })
            .collect();
        for h in handles {
            h.join()
                .map_err(|_| anyhow::anyhow!("bench thread panicked"))??;
        }
        Ok::<_, anyhow::Error>(())
    })?;
    Ok((threads * per_thread) as f64 / t.elapsed().as_secs_f64())
}

fn main() -> anyhow::Result<()> {
    // Before any other thread starts (issue #18, `issuer::allocator`), as the binary does.
    issuer::allocator::tune();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let learners: usize = env_or("BENCH_LEARNERS", 10_000);
    let bare_n: usize = env_or("BENCH_BARE", 600);
    let load_secs: u64 = env_or("BENCH_LOAD_SECS", 30);
    let load_conc: usize = env_or("BENCH_LOAD_CONCURRENCY", 8);
    let mode = std::env::var("BENCH_MODE").unwrap_or_else(|_| "all".into());
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());

    let dir = std::env::temp_dir().join(format!("issuer-bench-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("tokens.toml"), format!("eth = \"{TOKEN}\"\n"))?;
    let (db_url, db_name) = database_url(&dir).await?;
    let mut config = Config {
        bind: "127.0.0.1:0".parse()?,
        database_url: db_url,
        public_base_url: BASE.into(),
        keys_dir: repo().join("keys.example"),
        universities_file: repo().join("keys.example/universities.toml"),
        tokens_file: Some(dir.join("tokens.toml")),
        ..Config::default()
    };
    config.limits.rate_limit_per_minute = 0;
    config.limits.public_rate_limit.per_second = 0.0;
    config.limits.max_batch_size = learners.max(1);
    config.limits.max_body_bytes = 512 * 1024 * 1024;
    let server = start(config, Overrides::default()).await?;
    let url = server.url();
    let client = reqwest::Client::new();
    let (tmpl, images) = template()?;

    // Warm-up, and the credential for the bare comparison.
    let award0 = award(&tmpl, &images, 0);
    let issued = post_created(
        &client,
        &format!("{url}/awards"),
        &award0,
        "warm-up issuance",
    )
    .await?;
    let mut unsigned = issued["verifiableCredential"].clone();
    unsigned
        .as_object_mut()
        .context("credential object")?
        .remove("proof");

    println!("issuer benchmark: {db_name}, {cores} cores, HTTP on loopback, in-process server");
    if mode == "all" || mode == "batch" {
        batch_phase(
            &client,
            &url,
            (&tmpl, &images),
            &unsigned,
            (learners, bare_n, cores),
        )
        .await?;
    }
    if mode == "cohort" {
        let reference: usize = env_or("BENCH_REFERENCE", 1_000);
        cohort_phase(&client, &url, (&tmpl, &images), learners, reference).await?;
    }
    if mode == "all" || mode == "load" {
        load_phase(&client, &url, (&tmpl, &images), load_conc, load_secs).await?;
    }
    server.shutdown().await?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Library throughput of the same credential on the same cores, for comparison with the batch.
struct Rates {
    threads: usize,
    per_thread: usize,
    bare: f64,
    bare_cpu: Option<f64>,
    required: f64,
    required_cpu: Option<f64>,
    secure: f64,
    secure_cpu: Option<f64>,
}

/// Bare sign + verify rates: Data Integrity only, DI + the JAdES seal (what issuance must do),
/// and the service's securing step, each with its CPU time per operation.
fn bare_rates(unsigned: &Value, bare_n: usize, cores: usize) -> anyhow::Result<Rates> {
    let keys = proofs::keystore::KeyStore::load(&repo().join("keys.example"), BASE)?;
    let resolver = keys.resolver()?;
    let signer = keys
        .university("eth")
        .and_then(|u| u.current_signer())
        .context("eth signer")?;
    let created = chrono::Utc::now();
    // As many threads as the batch keeps rows in flight (4 per core): on an idle machine the
    // same as one per core (CPU-bound work), on a shared one the same share of the CPU as the
    // batch gets.
    let threads = cores * 4;
    let per_thread = bare_n.div_ceil(threads);
    let cpu1 = process_cpu_secs();
    let bare = throughput(threads, per_thread, || {
        let signed = proofs::data_integrity::sign(
            unsigned,
            signer,
            &proofs::data_integrity::ProofOptions::new(created),
        )?;
        proofs::data_integrity::verify(&signed, &resolver)?;
        Ok(())
    })?;
    let bare_cpu = cpu1
        .zip(process_cpu_secs())
        .map(|(a, b)| (b - a) / (per_thread * threads) as f64);
    // Bare sign + verify of the forms issuance must make: Data Integrity and the JAdES seal.
    let seal = keys
        .university("eth")
        .and_then(|u| u.seal.as_ref())
        .context("eth seal")?;
    let anchors = keys.trust_anchors().clone();
    let unsigned_map = unsigned.as_object().context("object")?.clone();
    let cpu3 = process_cpu_secs();
    let required = throughput(threads, per_thread, || {
        let doc = unsigned_map.clone();
        let bytes = serde_json::to_vec(&doc)?;
        let sealed = proofs::jades::seal(&bytes, seal.signer.as_ref(), &seal.chain, created)?;
        let signed = proofs::data_integrity::sign_owned(
            Value::Object(doc),
            signer,
            &proofs::data_integrity::ProofOptions::new(created),
        )?;
        proofs::data_integrity::verify(&signed, &resolver)?;
        proofs::jades::verify_value(&sealed, &anchors, created)?;
        Ok(())
    })?;
    let required_cpu = cpu3
        .zip(process_cpu_secs())
        .map(|(a, b)| (b - a) / (per_thread * threads) as f64);
    let securer = Arc::new(KeyStoreSecurer::load(&repo().join("keys.example"), BASE)?);
    let universities =
        issuer::universities::load(&repo().join("keys.example/universities.toml"), BASE)?;
    let check = IssuanceCheck::new(&universities, securer.as_ref());
    let doc = unsigned.as_object().context("object")?.clone();
    let cpu2 = process_cpu_secs();
    let secure = throughput(threads, per_thread.div_ceil(2), || {
        let mut secured = securer.secure("eth", doc.clone(), created)?;
        check
            .check(&mut secured, created)
            .map_err(|e| anyhow::anyhow!("issuance check: {e:?}"))?;
        Ok(())
    })?;
    let secure_cpu = cpu2
        .zip(process_cpu_secs())
        .map(|(a, b)| (b - a) / (per_thread.div_ceil(2) * threads) as f64);
    Ok(Rates {
        threads,
        per_thread,
        bare,
        bare_cpu,
        required,
        required_cpu,
        secure,
        secure_cpu,
    })
}

/// The batch measure: `learners` awards in one `POST /awards/batch`, against bare library rates.
async fn batch_phase(
    client: &reqwest::Client,
    url: &str,
    (tmpl, images): (&Value, &Value),
    unsigned: &Value,
    (learners, bare_n, cores): (usize, usize, usize),
) -> anyhow::Result<()> {
    let body = Value::Array((0..learners).map(|i| award(tmpl, images, i)).collect());
    let bytes = serde_json::to_vec(&body)?;
    let json_body = ("application/json", bytes);
    let (batch_rate, batch_cpu) =
        post_batch(client, (url, ""), "bench-batch", json_body, learners).await?;
    let batch_secs = learners as f64 / batch_rate;

    let rates = bare_rates(unsigned, bare_n, cores)?;
    let (threads, per_thread) = (rates.threads, rates.per_thread);
    let (bare, required, secure) = (rates.bare, rates.required, rates.secure);
    let overhead = 100.0 * (1.0 - batch_rate / bare);
    println!();
    println!("| measure | value |");
    println!("|---|---:|");
    println!("| batch: {learners} learners, one `POST /awards/batch` | {batch_secs:.1} s |");
    println!("| batch throughput | {batch_rate:.1} learners/s |");
    println!("| bare sign + verify (DI proof and JAdES seal, `proofs` library), {threads} threads on {cores} cores ({} ops) | {required:.1} /s |", per_thread * threads);
    println!("| bare DI sign + verify only | {bare:.1} /s |");
    println!("| service securing step (secured, every form checked by `verifier::verify`) | {secure:.1} /s |");
    println!("| **overhead vs bare sign + verify** (storage, validation, building, allocation, HTTP) | **{:.1} %** |", 100.0 * (1.0 - batch_rate / required));
    println!("| overhead vs bare DI sign + verify only (the above, and the JAdES seal) | {overhead:.1} % |");
    println!("| overhead vs the securing step (storage, elm-model validation, building, allocation, HTTP) | {:.1} % |", 100.0 * (1.0 - batch_rate / secure));
    let cpu = (
        batch_cpu,
        rates.bare_cpu,
        rates.required_cpu,
        rates.secure_cpu,
    );
    if let (Some(b), Some(r), Some(q), Some(sc)) = cpu {
        println!(
            "| CPU per learner in the batch (server + client, all threads) | {:.2} ms |",
            b * 1e3
        );
        println!(
            "| CPU per bare sign + verify (DI + JAdES) | {:.2} ms |",
            q * 1e3
        );
        println!("| CPU per bare DI sign + verify only | {:.2} ms |", r * 1e3);
        println!("| CPU per securing step | {:.2} ms |", sc * 1e3);
        println!(
            "| **overhead by CPU time vs bare sign + verify** | **{:.1} %** |",
            100.0 * (1.0 - q / b)
        );
        println!(
            "| overhead by CPU time vs bare DI sign + verify only | {:.1} % |",
            100.0 * (1.0 - r / b)
        );
        println!(
            "| overhead by CPU time vs the securing step | {:.1} % |",
            100.0 * (1.0 - sc / b)
        );
    }
    Ok(())
}

/// The load measure: `load_conc` clients sending `POST /awards` for `load_secs` seconds.
async fn load_phase(
    client: &reqwest::Client,
    url: &str,
    (tmpl, images): (&Value, &Value),
    load_conc: usize,
    load_secs: u64,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(load_secs);
    let max_requests = 1_000_000usize;
    let sent = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let t = Instant::now();
    let workers: Vec<_> = (0..load_conc)
        .map(|w| {
            let client = client.clone();
            let url = format!("{url}/awards");
            let body = serde_json::to_vec(&award(tmpl, images, 100_000 + w)).unwrap_or_default();
            let sent = sent.clone();
            tokio::spawn(async move {
                let (mut lat, mut errors) = (Vec::new(), 0usize);
                while Instant::now() < deadline
                    && sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < max_requests
                {
                    let t = Instant::now();
                    let r = client
                        .post(&url)
                        .bearer_auth(TOKEN)
                        .header("content-type", "application/json")
                        .body(body.clone())
                        .send()
                        .await;
                    let ok = match r {
                        Ok(r) => r.status() == 201 && r.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    lat.push(t.elapsed());
                    if !ok {
                        errors += 1;
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    let (mut lat, mut errors) = (Vec::new(), 0);
    for w in workers {
        let (l, e) = w.await?;
        lat.extend(l);
        errors += e;
    }
    let secs = t.elapsed().as_secs_f64();
    lat.sort();
    println!();
    println!("| load: {load_conc} concurrent clients, {load_secs} s of `POST /awards` | value |");
    println!("|---|---:|");
    println!("| requests | {} |", lat.len());
    println!("| errors | {errors} |");
    println!("| throughput | {:.1} req/s |", lat.len() as f64 / secs);
    println!(
        "| latency p50 | {:.1} ms |",
        percentile(&lat, 0.50).as_secs_f64() * 1e3
    );
    println!(
        "| latency p99 | {:.1} ms |",
        percentile(&lat, 0.99).as_secs_f64() * 1e3
    );
    println!(
        "| latency max | {:.1} ms |",
        lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    );
    if errors > 0 {
        bail!("{errors} requests failed");
    }
    Ok(())
}

/// The load average of the machine (`/proc/loadavg`: 1, 5 and 15 minutes), for the record.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// A cohort CSV of `rows` learners (`start`..): the columns the console's cohort issuance sends,
/// names of several lengths and scripts, `images.en` only when `images` is given.
fn cohort_csv(tmpl: &Value, images: Option<&Value>, start: usize, rows: usize) -> String {
    const FAMILY: [&str; 6] = [
        "Meier",
        "Øster-Łukasiewicz",
        "Παπαδοπούλου",
        "Кузнецова",
        "de Vries",
        "García Márquez",
    ];
    let q = |v: &Value| format!("\"{}\"", v.to_string().replace('"', "\"\""));
    let mut csv = String::from("kind,certificateProfile,awardingUniversity,learner.givenNames,learner.familyNames,learner.dateOfBirth,achievement:json,display:json");
    if images.is_some() {
        csv.push_str(",images.en");
    }
    csv.push_str("\r\n");
    let constant = format!("{},{}", q(&tmpl["achievement"]), q(&tmpl["display"]));
    for i in start..start + rows {
        csv.push_str(&format!(
            "microCredential,professional,eth,Learner{i},{},1990-{:02}-{:02},{constant}",
            FAMILY[i % FAMILY.len()],
            i % 12 + 1,
            i % 28 + 1
        ));
        if let Some(img) = images {
            csv.push(',');
            csv.push_str(img["en"].as_str().unwrap_or_default());
        }
        csv.push_str("\r\n");
    }
    csv
}

/// POSTs `body` as JSON with the demo token; anything but `201 Created` fails `what`.
async fn post_created(
    client: &reqwest::Client,
    url: &str,
    body: &Value,
    what: &str,
) -> anyhow::Result<Value> {
    let res = client
        .post(url)
        .bearer_auth(TOKEN)
        .json(body)
        .send()
        .await?;
    if res.status() != 201 {
        bail!("{what} failed: {} {}", res.status(), res.text().await?);
    }
    Ok(res.json().await?)
}

/// One `POST /awards/batch` of `rows` rows (`query`: e.g. `?specification=…`; `content_type`:
/// JSON or CSV) that must all be issued: (learners per second, CPU seconds per learner).
async fn post_batch(
    client: &reqwest::Client,
    (url, query): (&str, &str),
    key: &str,
    (content_type, body): (&str, Vec<u8>),
    rows: usize,
) -> anyhow::Result<(f64, Option<f64>)> {
    let cpu0 = process_cpu_secs();
    let t = Instant::now();
    let res = client
        .post(format!("{url}/awards/batch{query}"))
        .bearer_auth(TOKEN)
        .header("idempotency-key", key)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await?;
    let status = res.status();
    let answer: Value = res.json().await?;
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu0
        .zip(process_cpu_secs())
        .map(|(a, b)| (b - a) / rows as f64);
    if status != 200 || answer["issued"] != json!(rows) {
        bail!(
            "batch {key} failed: {status}: issued {} rejected {}: {}",
            answer["issued"],
            answer["rejected"],
            answer["results"][0]
        );
    }
    Ok((rows as f64 / secs, cpu))
}

/// One cohort CSV batch: (learners per second, CPU seconds per learner).
async fn cohort_batch(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    csv: String,
    rows: usize,
) -> anyhow::Result<(f64, Option<f64>)> {
    let body = ("text/csv", csv.into_bytes());
    post_batch(
        client,
        (url, "?specification=bench-cohort"),
        key,
        body,
        rows,
    )
    .await
}

/// The cohort measure (issue #18): `learners` rows rendered by the service, against `reference`
/// rows with client-sent images before and after.
async fn cohort_phase(
    client: &reqwest::Client,
    url: &str,
    (tmpl, images): (&Value, &Value),
    learners: usize,
    reference: usize,
) -> anyhow::Result<()> {
    let spec_url = format!("{url}/specifications/bench-cohort");
    let spec = &tmpl["learningOpportunity"];
    post_created(client, &spec_url, spec, "storing the specification").await?;
    let before = load_average();
    let half = reference.div_ceil(2);
    let csv = cohort_csv(tmpl, Some(images), 0, half);
    let (ref1, ref1_cpu) = cohort_batch(client, url, "cohort-ref-1", csv, half).await?;
    let pages0 = render::cohort::PageCache::shared().counts();
    let csv = cohort_csv(tmpl, None, 100_000, learners);
    let (rate, cpu) = cohort_batch(client, url, "cohort-rendered", csv, learners).await?;
    let pages1 = render::cohort::PageCache::shared().counts();
    let csv = cohort_csv(tmpl, Some(images), 200_000, half);
    let (ref2, ref2_cpu) = cohort_batch(client, url, "cohort-ref-2", csv, half).await?;
    let after = load_average();
    let ref_rate = (ref1 + ref2) / 2.0;
    println!();
    println!("| cohort: CSV, `?specification=`, images rendered by the service | value |");
    println!("|---|---:|");
    println!("| rendered: {learners} learners, one `POST /awards/batch` (text/csv) | **{rate:.1} learners/s** |");
    println!("| reference: {half} + {half} learners with client-sent images (before, after) | {ref1:.1} / {ref2:.1} learners/s |");
    println!(
        "| throughput ratio rendered / reference | {:.2} |",
        rate / ref_rate
    );
    if let (Some(c), Some(r1), Some(r2)) = (cpu, ref1_cpu, ref2_cpu) {
        let r = (r1 + r2) / 2.0;
        println!(
            "| CPU per learner, rendered (server + client, all threads) | {:.2} ms |",
            c * 1e3
        );
        println!("| CPU per learner, reference | {:.2} ms |", r * 1e3);
        println!(
            "| CPU cost of the rendered image per learner | {:.2} ms |",
            (c - r) * 1e3
        );
    }
    println!(
        "| pages composed from a cached template / rendered whole | {} / {} |",
        pages1.0 - pages0.0,
        pages1.1 - pages0.1
    );
    println!("| load average (1, 5, 15 min) before / after | {before} / {after} |");
    Ok(())
}
