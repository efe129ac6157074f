//! Signing and verification cost, in one run, relative to raw Ed25519.
//!
//! ```text
//! cargo bench -p proofs --bench signing
//! ```
//!
//! Reports (median µs per operation, one thread) raw Ed25519 sign/verify of 64 bytes; Data Integrity
//! `eddsa-rdfc-2022` sign/verify of the W3C alumni vector; and of the EU's
//! `Sample-MC-Annex1-unsigned.jsonld` with its issuer set to a demo university's DID (sign from an
//! in-memory `Value`; verify from bytes, parsing included). Each is also given as a multiple of raw
//! Ed25519 sign (for signing) or verify (for verification). Targets from issue #3: MC sign ≤ 20×
//! raw sign, MC verify ≤ 12× raw verify.

// Benchmark program (issue #19 lints): it prints its figures, and a failing assumption should
// stop it loudly, so print, unwrap, expect, panic and direct indexing are allowed here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signer as _, Verifier as _};
use proofs::data_integrity::{self, ProofOptions, VerifyOptions};
use proofs::did::DidKeyResolver;
use proofs::keystore::KeyStore;
use proofs::signer::Ed25519Signer;
use serde_json::Value;

/// The same global allocator as the `issuer` and `verifier` binaries, so the figures are theirs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Median over batches of the mean time per call, in µs; runs for about `budget`.
fn measure(name: &str, budget: Duration, mut f: impl FnMut()) -> f64 {
    // Warm-up and calibration: how many calls fill ~1/30 of the budget.
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < budget / 30 || calls < 3 {
        f();
        calls += 1;
    }
    let per_batch = calls.max(1);
    let mut samples = Vec::new();
    let run = Instant::now();
    while run.elapsed() < budget || samples.len() < 5 {
        let t = Instant::now();
        for _ in 0..per_batch {
            f();
        }
        samples.push(t.elapsed().as_secs_f64() * 1e6 / per_batch as f64);
    }
    median(name, per_batch, samples)
}

/// [`measure`] for an operation that consumes its input: each batch's inputs are made by `setup`
/// before the clock starts, so only `f` is timed.
fn measure_consuming<T>(
    name: &str,
    budget: Duration,
    mut setup: impl FnMut() -> T,
    mut f: impl FnMut(T),
) -> f64 {
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < budget / 30 || calls < 3 {
        f(setup());
        calls += 1;
    }
    let per_batch = calls.max(1);
    let mut samples = Vec::new();
    let run = Instant::now();
    let mut timed = Duration::ZERO;
    while timed < budget && run.elapsed() < budget * 4 || samples.len() < 5 {
        let inputs: Vec<T> = (0..per_batch).map(|_| setup()).collect();
        let t = Instant::now();
        for input in inputs {
            f(input);
        }
        let el = t.elapsed();
        timed += el;
        samples.push(el.as_secs_f64() * 1e6 / per_batch as f64);
    }
    median(name, per_batch, samples)
}

/// The median of `samples` (µs per call), logged with how many batches of `per_batch` calls.
fn median(name: &str, per_batch: u64, mut samples: Vec<f64>) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    eprintln!(
        "  measured {name}: {} batches x {per_batch} calls",
        samples.len()
    );
    samples[samples.len() / 2]
}

/// The EDC sample `path`, issued by `issuer`, and its signed form (bytes).
fn sample(
    path: PathBuf,
    issuer: &str,
    signer: &dyn proofs::Signer,
    opts: &ProofOptions,
) -> (Value, Vec<u8>) {
    let mut doc: Value = serde_json::from_slice(&read(path)).unwrap();
    doc["issuer"]["id"] = Value::String(issuer.to_string());
    let signed = serde_json::to_vec(&data_integrity::sign(&doc, signer, opts).unwrap()).unwrap();
    (doc, signed)
}

/// [`measure_consuming`] of `sign_owned` on copies of `doc` (the issuer's path).
fn measure_sign_owned(
    name: &str,
    budget: Duration,
    doc: &Value,
    signer: &dyn proofs::Signer,
    opts: &ProofOptions,
) -> f64 {
    measure_consuming(
        name,
        budget,
        || doc.clone(),
        |doc| {
            black_box(data_integrity::sign_owned(black_box(doc), signer, opts).unwrap());
        },
    )
}

fn read(path: PathBuf) -> Vec<u8> {
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not supported (the report is one table).
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let testdata = root.join("../../testdata");
    let budget = Duration::from_secs(3);

    // Raw Ed25519.
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let vk = key.verifying_key();
    let msg = [0xabu8; 64];
    let sig = key.sign(&msg);
    let raw_sign = measure("raw sign", budget, || {
        black_box(key.sign(black_box(&msg)));
    });
    let raw_verify = measure("raw verify", budget, || {
        black_box(vk.verify(black_box(&msg), &sig)).ok();
    });

    // W3C alumni vector.
    let vectors = testdata.join("vectors/vc-di-eddsa/TestVectors");
    let unsigned: Value = serde_json::from_slice(&read(vectors.join("unsigned.json"))).unwrap();
    let pair: Value = serde_json::from_slice(&read(vectors.join("keyPair.json"))).unwrap();
    let vm = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
    let vector_signer =
        Ed25519Signer::from_multibase_secret(vm, pair["privateKeyMultibase"].as_str().unwrap())
            .unwrap();
    let created = chrono::DateTime::parse_from_rfc3339("2023-02-24T23:36:38Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let opts = ProofOptions::new(created);
    let alumni_signed =
        serde_json::to_vec(&data_integrity::sign(&unsigned, &vector_signer, &opts).unwrap())
            .unwrap();
    let lenient = VerifyOptions {
        require_issuer_controller: false,
        ..VerifyOptions::default()
    };
    let alumni_sign = measure("alumni DI sign", budget, || {
        black_box(data_integrity::sign(black_box(&unsigned), &vector_signer, &opts).unwrap());
    });
    let alumni_verify = measure("alumni DI verify", budget, || {
        let doc: Value = serde_json::from_slice(black_box(&alumni_signed)).unwrap();
        black_box(data_integrity::verify_with(&doc, &DidKeyResolver, &lenient).unwrap());
    });

    // The EU's MC sample, issued by a demo university.
    let store = KeyStore::load(&root.join("../../keys.example"), "http://localhost:8080").unwrap();
    let resolver = store.resolver().unwrap();
    let eth = store.university("eth").unwrap();
    let signer = eth.current_signer().unwrap();
    let samples = testdata.join("edc/samples/elm-v3-official");
    let mc_path = samples.join("Sample-MC-Annex1-unsigned.jsonld");
    let (mc, mc_signed) = sample(mc_path, eth.did(), signer, &opts);
    let mc_sign = measure("MC DI sign", budget, || {
        black_box(data_integrity::sign(black_box(&mc), signer, &opts).unwrap());
    });
    let mc_sign_owned = measure_sign_owned("MC DI sign_owned", budget, &mc, signer, &opts);
    let mc_verify = measure("MC DI verify", budget, || {
        black_box(data_integrity::verify_bytes(black_box(&mc_signed), &resolver).unwrap());
    });
    let mc_parsed: Value = serde_json::from_slice(&mc_signed).unwrap();
    let mc_verify_parsed = measure("MC DI verify parsed", budget, || {
        black_box(data_integrity::verify(black_box(&mc_parsed), &resolver).unwrap());
    });
    let mc_parse = measure("MC parse", budget, || {
        black_box(serde_json::from_slice::<Value>(black_box(&mc_signed)).unwrap());
    });

    // The ELM 3.2 sample (issue #8 targets: sign ≤ 8×, verify ≤ 5×).
    let elm_path = samples.join("credential-sample_ELM-3.2.jsonld");
    let (elm, elm_signed) = sample(elm_path, eth.did(), signer, &opts);
    let elm_sign_owned = measure_sign_owned("ELM DI sign_owned", budget, &elm, signer, &opts);
    let elm_verify = measure("ELM DI verify", budget, || {
        black_box(data_integrity::verify_bytes(black_box(&elm_signed), &resolver).unwrap());
    });

    println!();
    println!(
        "fast-path calls: {}, fallbacks to the oracle: {} (must be 0)",
        canon::fast::call_count(),
        canon::fast::fallback_count()
    );
    println!("| operation | µs (median) | ratio |");
    println!("|---|---:|---:|");
    let (sign, verify) = ("raw sign", "raw verify");
    let mc_kb = mc_signed.len() / 1024;
    let elm_kb = elm_signed.len() / 1024;
    // (operation, µs, the raw operation it is a multiple of, what that is and the target)
    let rows = [
        ("raw Ed25519 sign (64 B)".to_owned(), raw_sign, raw_sign, sign),
        ("raw Ed25519 verify (64 B)".to_owned(), raw_verify, raw_verify, verify),
        ("DI sign, W3C alumni vector".to_owned(), alumni_sign, raw_sign, sign),
        ("DI verify, W3C alumni vector (from bytes)".to_owned(), alumni_verify, raw_verify, verify),
        (format!("DI sign, Sample-MC-Annex1 ({mc_kb} KB), document moved in (`sign_owned`, the issuer's path)"), mc_sign_owned, raw_sign, "raw sign (target ≤ 20×)"),
        ("DI sign, Sample-MC-Annex1, borrowed (`sign`: copies the document for the result)".to_owned(), mc_sign, raw_sign, sign),
        ("DI verify, Sample-MC-Annex1, from bytes (JSON parse included)".to_owned(), mc_verify, raw_verify, "raw verify (target ≤ 12×)"),
        ("DI verify, Sample-MC-Annex1, parsed document".to_owned(), mc_verify_parsed, raw_verify, verify),
        (format!("DI sign, credential-sample_ELM-3.2 ({elm_kb} KB), `sign_owned`"), elm_sign_owned, raw_sign, "raw sign (target ≤ 8×)"),
        ("DI verify, credential-sample_ELM-3.2, from bytes".to_owned(), elm_verify, raw_verify, "raw verify (target ≤ 5×)"),
        ("(JSON parse of the signed MC sample alone)".to_owned(), mc_parse, raw_verify, verify),
    ];
    for (operation, us, raw, of) in rows {
        println!("| {operation} | {us:.1} | {:.1}× {of} |", us / raw);
    }
}
