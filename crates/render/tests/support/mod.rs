//! Shared helpers of the render tests: builds the example awards into unsigned credentials (as
//! `crates/elm-model/tests/award_support` does), reads the EU samples, runs poppler-utils.

// Shared by several test crates; each uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use elm_model::{build, parse_award, Award, BuildOptions, DisplayImage, Universities};
use serde_json::Value;

#[path = "../../../elm-model/tests/award_support/demo.rs"]
mod demo;
mod qr;

pub const VERIFY_URL: &str =
    "https://credentials.enhance-alliance.eu/verify/8a0f3c1e-2b7d-4c5a-9e61-0d2f4b6a8c10";

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file of the repository's `testdata/` tree (the vendored reference data).
pub fn testdata(rel: &str) -> PathBuf {
    repo().join("testdata").join(rel)
}

pub const EXAMPLES: &[&str] = &[
    "certificate-of-completion.json",
    "certificate-of-participation-staff-week.json",
    "micro-credential-academic-course.json",
    "micro-credential-professional.json",
    "programme-micro-credential-data-literacy.json",
];

pub const EU_SAMPLES: &[&str] = &[
    "Sample-MC-Annex1-unsigned.jsonld",
    "Sample-CertOfPart-unsigned.jsonld",
];

pub fn universities() -> Universities {
    demo::demo_universities(&repo())
}

fn images_for(award: &Award) -> Vec<DisplayImage> {
    demo::images_in(&repo().join("examples/awards"), award)
}

/// The award file's JSON.
pub fn award_json(name: &str) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(repo().join("examples/awards").join(name)).unwrap(),
    )
    .unwrap()
}

/// The unsigned credential built from an example award.
pub fn build_example(name: &str) -> Value {
    let text = std::fs::read_to_string(repo().join("examples/awards").join(name)).unwrap();
    let award: Award = parse_award(&text).unwrap_or_else(|e| panic!("{e}"));
    let options = BuildOptions {
        credential_id: "urn:uuid:8a0f3c1e-2b7d-4c5a-9e61-0d2f4b6a8c10".into(),
        issued: None,
    };
    match build(&award, &universities(), &images_for(&award), &options) {
        Ok(b) => b.credential,
        Err(e) => panic!("{name}: {e}"),
    }
}

pub fn eu_sample(name: &str) -> Value {
    let p = testdata("edc/samples/elm-v3-official").join(name);
    serde_json::from_str(
        &std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    )
    .unwrap()
}

fn poppler(tool: &str) -> Command {
    let probe = Command::new(tool).arg("-v").output();
    assert!(
        probe.is_ok(),
        "`{tool}` is missing: install poppler-utils (`apt-get install -y poppler-utils`) to run the PDF tests"
    );
    Command::new(tool)
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("render-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The text `pdftotext` extracts from a PDF (layout order, UTF-8).
pub fn pdf_text(pdf: &[u8], name: &str) -> String {
    let input = tmp(&format!("{name}.pdf"));
    std::fs::write(&input, pdf).unwrap();
    let out = poppler("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&input)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Page count (`pdfinfo`).
pub fn pdf_pages(pdf: &[u8], name: &str) -> usize {
    let input = tmp(&format!("{name}-info.pdf"));
    std::fs::write(&input, pdf).unwrap();
    let out = poppler("pdfinfo").arg(&input).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap()))
        .unwrap_or_else(|| panic!("no page count in {text}"))
}

/// The first page rasterised at 150 dpi (`pdftoppm -png -r 150`).
pub fn pdf_first_page_png(pdf: &[u8], name: &str) -> Vec<u8> {
    let input = tmp(&format!("{name}-raster.pdf"));
    std::fs::write(&input, pdf).unwrap();
    let prefix = tmp(&format!("{}-page", name.replace('.', "_")));
    let out = poppler("pdftoppm")
        .args(["-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&input)
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(format!("{}.png", prefix.display())).unwrap()
}

// Not every test binary that includes this module reads QR codes.
#[allow(unused_imports)]
pub use qr::decode_qr;
