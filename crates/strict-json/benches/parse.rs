//! Strict parsing (duplicate member names refused) against `serde_json::from_slice::<Value>` on
//! the EU's micro-credential sample (111 KB), the ELM 3.2 sample (6.4 KB), both from `testdata/`,
//! and the bundled EDC context (22 KB). Run: `cargo bench -p strict-json` (docs/PERFORMANCE.md).

// Benchmark program (issue #19 lints): a failing assumption should stop it loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use serde_json::Value;

fn benches(c: &mut Criterion) {
    let docs: [(&str, &[u8]); 3] = [
        (
            "EDC context",
            include_bytes!("../../contexts/documents/edc-ap-elm-3.2.jsonld"),
        ),
        (
            "EU MC sample",
            include_bytes!(
                "../../../testdata/edc/samples/elm-v3-official/Sample-MC-Annex1-unsigned.jsonld"
            ),
        ),
        (
            "ELM 3.2 sample",
            include_bytes!(
                "../../../testdata/edc/samples/elm-v3-official/credential-sample_ELM-3.2.jsonld"
            ),
        ),
    ];
    for (name, bytes) in docs {
        c.bench_function(
            &format!("serde_json::from_slice {name} ({} B)", bytes.len()),
            |b| b.iter(|| serde_json::from_slice::<Value>(black_box(bytes)).unwrap()),
        );
        c.bench_function(
            &format!("strict_json::from_slice {name} ({} B)", bytes.len()),
            |b| b.iter(|| strict_json::from_slice(black_box(bytes)).unwrap()),
        );
    }
}

criterion_group! {
    name = parse_benches;
    config = Criterion::default().sample_size(50).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(3));
    targets = benches
}
criterion_main!(parse_benches);
