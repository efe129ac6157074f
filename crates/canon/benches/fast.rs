//! Benchmark of the fast path (`canon::fast::canonicalize`) against the oracle
//! (`canon::oracle_canonicalize`) on the EU's `Sample-MC-Annex1-unsigned` (111 KB), the ELM 3.2 sample and
//! the W3C alumni vector, with a raw Ed25519 sign and verify of 64 bytes in the same run so that
//! every figure can be read as a multiple of one signature. Also measured: the whole
//! `eddsa-rdfc-2022` sign and verify pipelines on top of the fast path (parse the JSON, canonicalize
//! the document and the proof configuration, two SHA-256, one Ed25519 operation), and heap
//! allocations per call (counting global allocator).
//!
//! `cargo bench -p canon --bench fast`

// Benchmark program (issue #19 lints): it prints its figures, and a failing assumption should
// stop it loudly, so print, unwrap, expect, panic and direct indexing are allowed here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]
// The counting allocator must implement the unsafe `GlobalAlloc` trait; it only delegates to
// `System` (the workspace denies unsafe code everywhere else).
#![allow(unsafe_code)]

use criterion::{black_box, Criterion};
use ed25519_dalek::{Signer, SigningKey, Verifier};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

struct Counting;
static ALLOCS: AtomicU64 = AtomicU64::new(0);

// SAFETY: delegates to the system allocator; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const TESTDATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata");

fn read(rel: &str) -> String {
    std::fs::read_to_string(format!("{TESTDATA}/{rel}")).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Median µs per call of `f` over `rounds` timed batches.
fn median_us(mut f: impl FnMut(), rounds: usize) -> f64 {
    // Batch size so that a batch takes ~5 ms.
    let t = Instant::now();
    let mut n = 0u32;
    while t.elapsed() < Duration::from_millis(20) {
        f();
        n += 1;
    }
    let per = t.elapsed().as_secs_f64() / f64::from(n);
    let batch = ((0.005 / per).ceil() as usize).max(1);
    let mut samples: Vec<f64> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..batch {
                f();
            }
            t.elapsed().as_secs_f64() * 1e6 / batch as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn allocs_per_call(mut f: impl FnMut()) -> u64 {
    f();
    let before = ALLOCS.load(Ordering::Relaxed);
    for _ in 0..10 {
        f();
    }
    (ALLOCS.load(Ordering::Relaxed) - before) / 10
}

/// The document as the JS stack signs a VC 1.1 credential (Data Integrity v2 context appended),
/// and its proof configuration.
fn with_proof_config(doc: &Value) -> (Value, Value) {
    let mut d = doc.clone();
    let mut ctx = match d.get("@context") {
        Some(Value::Array(a)) => a.clone(),
        Some(other) => vec![other.clone()],
        None => vec![],
    };
    let di = json!(contexts::urls::DATA_INTEGRITY_V2);
    if !ctx.contains(&di) && !ctx.contains(&json!(contexts::urls::VC_V2)) {
        ctx.push(di);
    }
    d["@context"] = Value::Array(ctx.clone());
    let proof = json!({
        "@context": ctx,
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-11-29T12:00:00Z",
        "verificationMethod": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "proofPurpose": "assertionMethod"
    });
    (d, proof)
}

fn fast_canon(v: &Value) -> String {
    match canon::fast::canonicalize(v) {
        Ok(Ok(s)) => s,
        other => panic!("fast path did not answer: {other:?}"),
    }
}

/// One named operation, run `n` times (see `FAST_BENCH_OP`).
/// The signed bytes of eddsa-rdfc-2022 (Data Integrity §4.3): SHA-256 of the canonical proof
/// configuration, then SHA-256 of the canonical document.
fn hash_data(proof: &Value, doc: &Value) -> Vec<u8> {
    let d = Sha256::digest(fast_canon(doc).as_bytes());
    let p = Sha256::digest(fast_canon(proof).as_bytes());
    let mut m = Vec::with_capacity(64);
    m.extend_from_slice(&p);
    m.extend_from_slice(&d);
    m
}

fn run_op(op: &str, n: usize, docs: &[(&str, String)], key: &SigningKey) {
    let vk = key.verifying_key();
    let msg = [42u8; 64];
    let sig = key.sign(&msg);
    let (what, doc) = op.split_once('-').unwrap_or((op, ""));
    let text = docs
        .iter()
        .find(|(d, _)| *d == doc)
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let (signed_doc, proof) = with_proof_config(&v);
    let signed_text = serde_json::to_string(&signed_doc).unwrap_or_default();
    let hash_and = |doc: &Value| hash_data(&proof, doc);
    // Warm-up (context compilation, oracle cache) in every run, so that it cancels out.
    let s2 = if doc.is_empty() {
        sig
    } else {
        let _ = canon::oracle_canonicalize(&v);
        key.sign(&hash_and(&signed_doc))
    };
    for _ in 0..n {
        match what {
            "sign" => {
                let _ = black_box(key.sign(black_box(&msg)));
            }
            "verify" => {
                let _ = black_box(vk.verify(black_box(&msg), &sig));
            }
            "parse" => drop(black_box(serde_json::from_str::<Value>(black_box(&text)))),
            "fast" => drop(black_box(fast_canon(black_box(&v)))),
            "oracle" => drop(black_box(canon::oracle_canonicalize(black_box(&v)))),
            "signpath" => {
                let d: Value = serde_json::from_str(black_box(&signed_text)).unwrap_or(Value::Null);
                let _ = black_box(key.sign(&hash_and(&d)));
            }
            "verifypath" => {
                let d: Value = serde_json::from_str(black_box(&signed_text)).unwrap_or(Value::Null);
                let _ = black_box(vk.verify(&hash_and(&d), &s2));
            }
            other => panic!("unknown op {other}"),
        }
    }
}

fn main() {
    let docs = [
        (
            "MC",
            read("edc/samples/elm-v3-official/Sample-MC-Annex1-unsigned.jsonld"),
        ),
        (
            "ELM",
            read("edc/samples/elm-v3-official/credential-sample_ELM-3.2.jsonld"),
        ),
        (
            "alumni",
            read("vectors/vc-di-eddsa/TestVectors/unsigned.json"),
        ),
    ];
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let vk = key.verifying_key();
    let msg = [42u8; 64];
    let sig = key.sign(&msg);

    // Instruction-count mode (load-independent ratios on a shared machine):
    // FAST_BENCH_OP=<op> FAST_BENCH_N=<n> runs one operation n times and exits; run it under
    // `valgrind --tool=callgrind` with n = 0 and n = k and divide the difference by k.
    if let Ok(op) = std::env::var("FAST_BENCH_OP") {
        let n: usize = std::env::var("FAST_BENCH_N")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        run_op(&op, n, &docs, &key);
        return;
    }

    criterion_benches(&docs, &key);
    if std::env::var_os("FAST_BENCH_NO_SUMMARY").is_some() {
        return;
    }

    // Summary table with ratios to one raw Ed25519 operation, measured in the same process.
    let sign_us = median_us(
        || {
            let _ = black_box(key.sign(black_box(&msg)));
        },
        40,
    );
    let verify_us = median_us(|| drop(black_box(vk.verify(black_box(&msg), &sig))), 40);
    println!("\n== summary (median µs per call; ratio = µs / raw Ed25519 sign {sign_us:.1} µs or verify {verify_us:.1} µs) ==");
    println!("raw ed25519: sign {sign_us:.1} µs, verify {verify_us:.1} µs");
    println!(
        "{:<8} {:>6} {:>10} {:>10} {:>8} {:>9} {:>9} {:>10} {:>10} {:>9} {:>9} {:>9} {:>9}",
        "doc",
        "quads",
        "parse",
        "fast",
        "fast/sg",
        "oracle",
        "orc/fast",
        "sign-path",
        "sign/sg",
        "verify-p",
        "ver/vf",
        "allocs-f",
        "allocs-o"
    );
    for (name, text) in &docs {
        summary_row(name, text, &key, sign_us, verify_us);
    }
    println!(
        "fast: {} calls, {} declined (fallback counter)",
        canon::fast::call_count(),
        canon::fast::fallback_count()
    );
}

/// The Criterion benchmarks (skipped with `FAST_BENCH_SUMMARY_ONLY`): raw Ed25519, then the fast
/// path and the oracle per document (checked equal first).
fn criterion_benches(docs: &[(&str, String)], key: &SigningKey) {
    let vk = key.verifying_key();
    let msg = [42u8; 64];
    let sig = key.sign(&msg);
    let summary_only = std::env::var_os("FAST_BENCH_SUMMARY_ONLY").is_some();
    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(30)
        .measurement_time(Duration::from_secs(2));
    if !summary_only {
        c.bench_function("ed25519 sign 64 B", |b| {
            b.iter(|| key.sign(black_box(&msg)))
        });
        c.bench_function("ed25519 verify 64 B", |b| {
            b.iter(|| vk.verify(black_box(&msg), &sig))
        });
        for (name, text) in docs {
            let v: Value = serde_json::from_str(text).expect("json");
            assert_eq!(
                canon::oracle_canonicalize(&v).expect("oracle"),
                fast_canon(&v),
                "{name}: fast != oracle"
            );
            c.bench_function(&format!("{name} fast canonicalize"), |b| {
                b.iter(|| fast_canon(black_box(&v)))
            });
            c.bench_function(&format!("{name} oracle canonicalize"), |b| {
                b.iter(|| canon::oracle_canonicalize(black_box(&v)))
            });
        }
        c.final_summary();
    }
}

/// One row of the summary table: parse, fast path, oracle, eddsa-rdfc-2022 sign and verify paths
/// of document `name`, with ratios to raw Ed25519 and allocations per call.
fn summary_row(name: &str, text: &str, key: &SigningKey, sign_us: f64, verify_us: f64) {
    let vk = key.verifying_key();
    let v: Value = serde_json::from_str(text).expect("json");
    let quads = fast_canon(&v).lines().count();
    let parse = median_us(
        || drop(black_box(serde_json::from_str::<Value>(black_box(text)))),
        30,
    );
    let fast = median_us(|| drop(black_box(fast_canon(black_box(&v)))), 30);
    let oracle = median_us(
        || drop(black_box(canon::oracle_canonicalize(black_box(&v)))),
        15,
    );
    let af = allocs_per_call(|| drop(fast_canon(&v)));
    let ao = allocs_per_call(|| drop(canon::oracle_canonicalize(&v)));
    // eddsa-rdfc-2022 on top of the fast path, from the JSON text.
    let (signed_doc, proof) = with_proof_config(&v);
    let signed_text = serde_json::to_string(&signed_doc).expect("json");
    assert_eq!(
        canon::oracle_canonicalize(&signed_doc).expect("oracle"),
        fast_canon(&signed_doc)
    );
    assert_eq!(
        canon::oracle_canonicalize(&proof).expect("oracle"),
        fast_canon(&proof)
    );
    let hash_and = |doc: &Value| hash_data(&proof, doc);
    let sign_path = median_us(
        || {
            let doc: Value = serde_json::from_str(black_box(&signed_text)).expect("json");
            let m = hash_and(&doc);
            let _ = black_box(key.sign(&m));
        },
        30,
    );
    let m = hash_and(&signed_doc);
    let s2 = key.sign(&m);
    let verify_path = median_us(
        || {
            let doc: Value = serde_json::from_str(black_box(&signed_text)).expect("json");
            let m = hash_and(&doc);
            drop(black_box(vk.verify(&m, &s2)));
        },
        30,
    );
    println!(
        "{:<8} {:>6} {:>10.1} {:>10.1} {:>8.1} {:>9.1} {:>9.1} {:>10.1} {:>9.1} {:>9.1} {:>9.1} {:>9} {:>9}",
        name, quads, parse, fast, fast / sign_us, oracle, oracle / fast, sign_path, sign_path / sign_us,
        verify_path, verify_path / verify_us, af, ao
    );
}
