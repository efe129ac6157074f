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

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signer as _, Verifier as _};
use proofs::data_integrity::{self, ProofOptions, VerifyOptions};
use proofs::did::DidKeyResolver;
use proofs::keystore::KeyStore;
use proofs::signer::Ed25519Signer;
use serde_json::Value;

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
    samples.sort_by(|a, b| a.total_cmp(b));
    let median = samples[samples.len() / 2];
    eprintln!("  measured {name}: {} batches x {per_batch} calls", samples.len());
    median
}

fn read(path: PathBuf) -> Vec<u8> {
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not supported (the report is one table).
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../../../shared/reference");
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
    let vectors = shared.join("vectors/vc-di-eddsa/TestVectors");
    let unsigned: Value = serde_json::from_slice(&read(vectors.join("unsigned.json"))).unwrap();
    let pair: Value = serde_json::from_slice(&read(vectors.join("keyPair.json"))).unwrap();
    let vm = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
    let vector_signer = Ed25519Signer::from_multibase_secret(vm, pair["privateKeyMultibase"].as_str().unwrap()).unwrap();
    let created = chrono::DateTime::parse_from_rfc3339("2023-02-24T23:36:38Z").unwrap().with_timezone(&chrono::Utc);
    let opts = ProofOptions::new(created);
    let alumni_signed = serde_json::to_vec(&data_integrity::sign(&unsigned, &vector_signer, &opts).unwrap()).unwrap();
    let lenient = VerifyOptions { require_issuer_controller: false, ..VerifyOptions::default() };
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
    let mut mc: Value =
        serde_json::from_slice(&read(shared.join("edc/samples/elm-v3-official/Sample-MC-Annex1-unsigned.jsonld"))).unwrap();
    mc["issuer"]["id"] = Value::String(eth.did().to_string());
    let mc_signed = serde_json::to_vec(&data_integrity::sign(&mc, signer, &opts).unwrap()).unwrap();
    let mc_sign = measure("MC DI sign", budget, || {
        black_box(data_integrity::sign(black_box(&mc), signer, &opts).unwrap());
    });
    let mc_verify = measure("MC DI verify", budget, || {
        black_box(data_integrity::verify_bytes(black_box(&mc_signed), &resolver).unwrap());
    });

    println!();
    println!("| operation | µs (median) | ratio |");
    println!("|---|---:|---:|");
    println!("| raw Ed25519 sign (64 B) | {raw_sign:.1} | 1.0× raw sign |");
    println!("| raw Ed25519 verify (64 B) | {raw_verify:.1} | 1.0× raw verify |");
    println!("| DI sign, W3C alumni vector | {alumni_sign:.1} | {:.1}× raw sign |", alumni_sign / raw_sign);
    println!("| DI verify, W3C alumni vector (from bytes) | {alumni_verify:.1} | {:.1}× raw verify |", alumni_verify / raw_verify);
    println!(
        "| DI sign, Sample-MC-Annex1 ({} KB) | {mc_sign:.1} | {:.1}× raw sign (target ≤ 20×) |",
        mc_signed.len() / 1024,
        mc_sign / raw_sign
    );
    println!(
        "| DI verify, Sample-MC-Annex1 (from bytes) | {mc_verify:.1} | {:.1}× raw verify (target ≤ 12×) |",
        mc_verify / raw_verify
    );
}
