//! Shared helpers of the render tests: builds the example awards into unsigned credentials (as
//! `crates/elm-model/tests/award_support` does), reads the EU samples, runs poppler-utils.

// Shared by several test crates; each uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use elm_model::{
    build, did_web, parse_award, Award, BuildOptions, DisplayImage, MediaType, Universities,
    University,
};
use serde_json::Value;

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
    #[derive(serde::Deserialize)]
    struct File {
        university: Vec<University>,
    }
    let text = std::fs::read_to_string(repo().join("keys.example/universities.toml")).unwrap();
    let mut f: File = toml::from_str(&text).unwrap();
    for u in &mut f.university {
        u.did = did_web("http://localhost:8080", &u.id).unwrap();
    }
    Universities::new(f.university)
}

fn images_for(award: &Award) -> Vec<DisplayImage> {
    let dir = repo().join("examples/awards");
    award
        .display
        .images
        .iter()
        .filter_map(|r| {
            Some(DisplayImage {
                language: r.language.clone(),
                media_type: r
                    .media_type
                    .or_else(|| MediaType::from_file_name(&r.file))?,
                bytes: std::fs::read(dir.join(&r.file)).ok()?,
            })
        })
        .collect()
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

/// Decodes every QR code found in a PNG; returns their contents.
pub fn decode_qr(png_bytes: &[u8]) -> Vec<String> {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let channels = info.color_type.samples();
    let luma = |x: usize, y: usize| -> u8 {
        let i = (y * w + x) * channels;
        match channels {
            1 | 2 => buf[i],
            _ => {
                let (r, g, b) = (buf[i] as u32, buf[i + 1] as u32, buf[i + 2] as u32);
                let a = if channels == 4 {
                    buf[i + 3] as u32
                } else {
                    255
                };
                // composite on white
                let l = (r * 299 + g * 587 + b * 114) / 1000;
                ((l * a + 255 * (255 - a)) / 255) as u8
            }
        }
    };
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, luma);
    img.detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, s)| s))
        .collect()
}
