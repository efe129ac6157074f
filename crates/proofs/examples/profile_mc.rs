//! Profiling driver (not a benchmark): signs or verifies the EU MC sample in a loop so `perf record`
//! sees a steady state. `cargo run --release -p proofs --example profile_mc -- sign|verify N`.

// Example program (issue #19 lints): it prints its results, and a failing assumption should
// stop it loudly, so print, unwrap, expect, panic and direct indexing are allowed here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]
use std::path::PathBuf;

use proofs::data_integrity::{self, ProofOptions};
use proofs::keystore::KeyStore;
use serde_json::Value;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str).unwrap_or("sign");
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let testdata = root.join("../../testdata");
    let store =
        KeyStore::load(&root.join("../../keys.example"), "http://localhost:8080").expect("keys");
    let resolver = store.resolver().expect("resolver");
    let eth = store.university("eth").expect("eth");
    let signer = eth.current_signer().expect("signer");
    let file =
        std::env::var("SAMPLE").unwrap_or_else(|_| "Sample-MC-Annex1-unsigned.jsonld".into());
    let bytes =
        std::fs::read(testdata.join("edc/samples/elm-v3-official").join(file)).expect("sample");
    let mut mc: Value = serde_json::from_slice(&bytes).expect("json");
    mc["issuer"]["id"] = Value::String(eth.did().to_string());
    let created = chrono::DateTime::parse_from_rfc3339("2023-02-24T23:36:38Z")
        .expect("date")
        .with_timezone(&chrono::Utc);
    let opts = ProofOptions::new(created);
    let signed =
        serde_json::to_vec(&data_integrity::sign(&mc, signer, &opts).expect("sign")).expect("ser");
    let t = std::time::Instant::now();
    for _ in 0..n {
        if mode == "sign" {
            std::hint::black_box(
                data_integrity::sign_owned(mc.clone(), signer, &opts).expect("sign"),
            );
        } else {
            std::hint::black_box(data_integrity::verify_bytes(&signed, &resolver).expect("verify"));
        }
    }
    eprintln!(
        "{mode}: {:.1} µs/op",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}
