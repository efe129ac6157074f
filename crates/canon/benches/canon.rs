//! Timing of the oracle path: `canonicalize` (strict toRdf via json-ld 0.21 with the cached
//! top-level context + our RDFC-1.0) on the EU MC sample (111 KB, 292 quads) and the ELM 3.2
//! sample (6.4 KB, 92 quads), `to_rdf` alone, and `rdfc10` alone (no blank nodes: the fast
//! path; with blank nodes: the signed W3C vector, whose proof is a blank-node graph).
//! Run: `cargo bench -p canon --bench canon`.

// Benchmark program (issue #19 lints): a failing assumption should stop it loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::path::PathBuf;

fn load(rel: &str) -> serde_json::Value {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata")).join(rel);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn benches(c: &mut Criterion) {
    let mc = load("edc/samples/elm-v3-official/Sample-MC-Annex1-unsigned.jsonld");
    let elm = load("edc/samples/elm-v3-official/credential-sample_ELM-3.2.jsonld");
    let signed = load("vectors/vc-di-eddsa/TestVectors/eddsa-rdfc-2022/signedDataInt.json");
    let opts = canon::Options::default();
    let limits = canon::Limits::default();

    c.bench_function("canonicalize MC sample (oracle)", |b| {
        b.iter(|| canon::canonicalize(black_box(&mc)).unwrap())
    });
    c.bench_function("canonicalize ELM sample (oracle)", |b| {
        b.iter(|| canon::canonicalize(black_box(&elm)).unwrap())
    });
    c.bench_function("to_rdf MC sample (oracle)", |b| {
        b.iter(|| canon::to_rdf(black_box(&mc), &opts).unwrap())
    });
    let mc_quads = canon::to_rdf(&mc, &opts).unwrap();
    c.bench_function("rdfc10 MC quads (292, no blank nodes)", |b| {
        b.iter(|| canon::rdfc10(black_box(&mc_quads), &limits).unwrap())
    });
    let elm_quads = canon::to_rdf(&elm, &opts).unwrap();
    c.bench_function("rdfc10 ELM quads (92, no blank nodes)", |b| {
        b.iter(|| canon::rdfc10(black_box(&elm_quads), &limits).unwrap())
    });
    let signed_quads = canon::to_rdf(&signed, &opts).unwrap();
    c.bench_function(
        "rdfc10 signed alumni vector (blank-node proof graph)",
        |b| b.iter(|| canon::rdfc10(black_box(&signed_quads), &limits).unwrap()),
    );
}

criterion_group! {
    name = canon_benches;
    config = Criterion::default().sample_size(30).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(3));
    targets = benches
}
criterion_main!(canon_benches);
