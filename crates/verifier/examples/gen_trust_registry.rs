//! Generates the demo trusted-issuer registry from a key store directory:
//! `cargo run -p verifier --example gen_trust_registry -- keys.example [http://localhost:8080]`
//! writes `keys.example/trust-registry.json`.

// Example program (issue #19 lints): it prints its results, and a failing assumption should
// stop it loudly, so print, unwrap, expect, panic and direct indexing are allowed here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "keys.example".into());
    let base = args
        .next()
        .unwrap_or_else(|| verifier::registry::DEMO_BASE_URL.into());
    let registry = verifier::TrustRegistry::from_key_store(Path::new(&dir), &base)?;
    let out = Path::new(&dir).join("trust-registry.json");
    std::fs::write(&out, registry.to_pretty_json())?;
    println!(
        "wrote {} ({} members)",
        out.display(),
        registry.members.len()
    );
    Ok(())
}
