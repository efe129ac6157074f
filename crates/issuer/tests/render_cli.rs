//! `issuer render`: renders a built credential as PDF, HTML and PNG through the CLI (crate
//! `render`), and reports unreadable input with exit code 2.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use std::process::Command;

fn issuer() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_issuer"));
    c.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    c
}

/// Runs `issuer <args>`, asserts it succeeded and writes its standard output to `file`.
fn run_to_file(args: &[&str], file: &std::path::Path) {
    let out = issuer().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    std::fs::write(file, &out.stdout).unwrap();
}

#[test]
fn render_builds_pdf_html_and_png() {
    let dir = std::env::temp_dir().join(format!("issuer-render-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let credential = dir.join("credential.json");
    let award = "examples/awards/certificate-of-completion.json";
    let id = "urn:uuid:8a0f3c1e-2b7d-4c5a-9e61-0d2f4b6a8c10";
    run_to_file(&["build", award, "--id", id], &credential);
    for (format, magic) in [
        ("pdf", &b"%PDF-"[..]),
        ("html", b"<!DOCTYPE html>"),
        ("png", b"\x89PNG"),
    ] {
        let out = dir.join(format!("certificate.{format}"));
        let status = issuer()
            .arg("render")
            .arg(&credential)
            .args([
                "--format",
                format,
                "--lang",
                "de",
                "--verification-url",
                "https://example.org/verify/1",
            ])
            .arg("--out")
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success(), "{format}");
        assert!(std::fs::read(&out).unwrap().starts_with(magic), "{format}");
    }
    let html = std::fs::read_to_string(dir.join("certificate.html")).unwrap();
    assert!(html.contains("<html lang=\"de\">") && html.contains("https://example.org/verify/1"));

    // A JAdES-sealed credential (as `issuer sign --format jades` writes it) renders too.
    let sealed_file = dir.join("sealed.json");
    let award = "examples/awards/micro-credential-academic-course.json";
    run_to_file(&["sign", award, "--format", "jades"], &sealed_file);
    let out = dir.join("sealed.html");
    let status = issuer()
        .arg("render")
        .arg(&sealed_file)
        .args(["--format", "html", "--lang", "de", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        html.contains("Zofia Kowalczyk")
            && html.contains("Technische Universität Berlin im Namen der ENHANCE-Allianz")
    );

    let missing = issuer()
        .args(["render", "no-such-file.json", "--format", "pdf", "--out"])
        .arg(dir.join("x.pdf"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-file.json"));
}
