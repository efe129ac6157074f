//! Profiling aid for the issuance securing step (issue #4): `STAGE=secure|check|all ITER=n`
//! loops over `Securer::secure` and/or `IssuanceCheck::check` on the professional
//! micro-credential example, for `perf record`. Not a benchmark: see `benches/batch.rs`.

// Example program (issue #19 lints): it prints its results, and a failing assumption should
// stop it loudly, so print, unwrap, expect, panic and direct indexing are allowed here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

use std::path::PathBuf;

use anyhow::Context as _;
use issuer::securing::{IssuanceCheck, KeyStoreSecurer, Securer as _};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let base = "http://issuer.bench";
    let iter: usize = std::env::var("ITER")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let stage = std::env::var("STAGE").unwrap_or_else(|_| "all".into());
    let securer = KeyStoreSecurer::load(&repo.join("keys.example"), base)?;
    let universities =
        issuer::universities::load(&repo.join("keys.example/universities.toml"), base)?;
    let check = IssuanceCheck::new(&universities, &securer);
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
        std::env::var("DOC").context("DOC=unsigned credential json")?,
    )?)?;
    let doc = doc.as_object().context("object")?.clone();
    let created = chrono::Utc::now();
    let mut secured = securer.secure("eth", doc.clone(), created)?;
    check
        .check(&mut secured, created)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let t = std::time::Instant::now();
    for _ in 0..iter {
        match stage.as_str() {
            "secure" => {
                std::hint::black_box(securer.secure("eth", doc.clone(), created)?);
            }
            "check" => {
                check
                    .check(&mut secured, created)
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            }
            _ => {
                let mut s = securer.secure("eth", doc.clone(), created)?;
                check
                    .check(&mut s, created)
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            }
        }
    }
    println!(
        "{stage}: {:.3} ms/iter",
        t.elapsed().as_secs_f64() * 1e3 / iter as f64
    );
    Ok(())
}
