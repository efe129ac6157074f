//! Hostile input, issue #13 finding 3: the CLI refuses a credential file over `--max-bytes`
//! (default 8 MiB) with exit code 2 and a message naming the limit, from the file's size before
//! reading it (a sparse 8 MiB + 1 file), and standard input through a reader capped one byte past
//! the limit.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

#[test]
fn the_cli_refuses_a_file_over_max_bytes_with_exit_2() {
    let dir = std::env::temp_dir().join(format!("verifier-max-bytes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // 8 MiB + 1 byte (sparse): over the default, refused from its size without reading it.
    let big = dir.join("big.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(8 * 1024 * 1024 + 1)
        .unwrap();
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_verifier"))
        .arg("verify")
        .arg(&big)
        .output()
        .unwrap();
    let took = t.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "is 8388609 bytes, more than the 8388608 bytes this verifier reads (--max-bytes)"
        ),
        "{stderr}"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");

    // A real credential over a smaller --max-bytes: refused; within it: verified.
    let cred = serde_json::to_vec(&sign_with(
        &built("micro-credential-professional").0,
        &signer("eth"),
    ))
    .unwrap();
    let file = dir.join("cred.json");
    std::fs::write(&file, &cred).unwrap();
    let small = (cred.len() - 1).to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_verifier"))
        .args(["verify", "--offline", "--max-bytes", &small])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("(--max-bytes)"));
    // The same through standard input (no size to look at: read through a capped reader).
    let mut child = Command::new(env!("CARGO_BIN_EXE_verifier"))
        .args(["verify", "--offline", "--max-bytes", &small, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all(&cred);
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard input is larger than the"));
    let out = Command::new(env!("CARGO_BIN_EXE_verifier"))
        .args(["verify", "--offline", "--checks", "proof"])
        .arg(&file)
        .output()
        .unwrap();
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
