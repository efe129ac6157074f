//! Prints the canonical N-Quads (RDFC-1.0, strict safe mode, bundled contexts only) of a JSON-LD
//! file: `cargo run -p canon --example canonicalize -- FILE`. Exit code 1 on a canonicalization
//! error (printed on stderr), 2 on bad usage or unreadable input.

// Example program (issue #19 lints): it prints its results, and a failing assumption should
// stop it loudly, so print, unwrap, expect, panic and direct indexing are allowed here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: canonicalize FILE.jsonld");
        return ExitCode::from(2);
    };
    let doc: serde_json::Value = match std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    match canon::canonicalize(&doc) {
        Ok(nq) => {
            print!("{nq}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            ExitCode::FAILURE
        }
    }
}
