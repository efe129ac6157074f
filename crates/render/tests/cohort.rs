//! The cohort page images (issue #18, `render::cohort`): for learners with names of different
//! lengths and scripts and their own dates of birth, in several languages and award kinds,
//! the image composed from the cached template decodes to exactly the pixels of the whole page
//! rasterised as before (`render::png::certificate_png`), its QR code decodes to the learner's
//! own verification URL, and the template was reused (not a silent fallback).

// Integration test (issue #19 lints): a failed assumption should fail the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing)]

mod support;

use elm_model::view::CredentialView;
use elm_model::{build, parse_award, BuildOptions, DisplayImage};
use render::cohort::PageCache;
use render::{Budget, RenderOptions};
use serde_json::Value;

/// The unsigned credential of example award `name` for a learner with these names.
fn credential(name: &str, given: &str, family: &str, birth: Option<&str>, i: usize) -> Value {
    let mut json = support::award_json(name);
    json["learner"]["givenNames"] = given.into();
    json["learner"]["familyNames"] = family.into();
    match birth {
        Some(b) => json["learner"]["dateOfBirth"] = b.into(),
        None => {
            if let Some(l) = json["learner"].as_object_mut() {
                l.remove("dateOfBirth");
            }
        }
    }
    let award = parse_award(&json.to_string()).unwrap_or_else(|e| panic!("{e:?}"));
    let options = BuildOptions {
        credential_id: format!("urn:uuid:8a0f3c1e-2b7d-4c5a-9e61-{i:012}"),
        issued: None,
    };
    let images = DisplayImage::placeholders(&award, 1);
    build(&award, &support::universities(), &images, &options)
        .unwrap_or_else(|e| panic!("{:?}", e.issues()))
        .credential
}

/// RGB pixels of a PNG (palette and alpha expanded, alpha dropped after checking it is opaque).
fn rgb(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let channels = info.color_type.samples();
    let pixels = if channels == 4 {
        assert!(buf.chunks_exact(4).all(|p| p[3] == 255), "opaque");
        buf.chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect()
    } else {
        assert_eq!(channels, 3);
        buf
    };
    (info.width, info.height, pixels)
}

const LEARNERS: &[(&str, &str, Option<&str>)] = &[
    ("Lukas", "Meier", Some("1986-11-02")),
    ("Zoë", "Øster-Łukasiewicz", Some("1975-12-24")),
    ("Ana", "Li", Some("2001-01-31")),
    ("Ελένη", "Παπαδοπούλου", Some("2004-02-29")),
    ("Анна-Мария", "Кузнецова", Some("1999-07-14")),
    (
        "Maximiliane Theodora Wilhelmina Friederike",
        "von Hohenzollern-Sigmaringen und Schwarzenberg-Lichtenstein",
        Some("1990-05-05"),
    ),
    ("Jan", "de Vries", Some("1980-01-01")),
];

#[test]
fn composed_images_are_the_whole_page_pixels_with_each_learners_qr_code() {
    let cache = PageCache::new(8);
    let budget = Budget::default();
    let mut checked = 0;
    for (award, languages) in [
        ("micro-credential-professional.json", &["en", "de"][..]),
        ("certificate-of-completion.json", &["en", "pl"][..]),
    ] {
        for (i, (given, family, birth)) in LEARNERS.iter().enumerate() {
            let cred = credential(award, given, family, *birth, i);
            let view = CredentialView::from_json(&cred).unwrap();
            for lang in languages {
                // Share tokens of the issuer's length (43 characters), one per learner.
                let url = format!(
                    "https://verify.example/verify?credential=https%3A%2F%2Fissuer.example%2Fshare%2F{i:0>43}"
                );
                let options = RenderOptions::new(*lang, url.clone());
                let doc = render::budgeted_document(&view, &options).unwrap();
                let fast = cache.certificate_png(&doc, &budget).unwrap();
                let full = render::png::certificate_png(&doc, &budget).unwrap();
                let (fw, fh, fast_px) = rgb(&fast);
                let (w, h, full_px) = rgb(&full);
                assert_eq!((fw, fh), (w, h));
                assert!(
                    fast_px == full_px,
                    "{award} {lang} {given} {family}: {} pixels differ",
                    fast_px
                        .chunks_exact(3)
                        .zip(full_px.chunks_exact(3))
                        .filter(|(a, b)| a != b)
                        .count()
                );
                assert_eq!(
                    support::decode_qr(&fast),
                    vec![url.clone()],
                    "{award} {lang} {given}"
                );
                // The name is drawn: the page differs from another learner's in the name's rows.
                assert!(fast.len() * 4 < full.len(), "indexed: {} bytes", fast.len());
                checked += 1;
            }
        }
    }
    let (composed, whole) = cache.counts();
    assert_eq!(composed + whole, checked);
    // Most pages reuse a template (the long name moves the lines below it: its own template).
    assert_eq!(whole, 0, "no page fell back to the whole rendering");
    assert!(
        cache.len() < checked as usize / 2,
        "{} templates for {checked} pages",
        cache.len()
    );
}

#[test]
fn each_image_shows_its_own_learner() {
    // Two learners of one template: their images differ, and only where the learner's parts are
    // (the name's rows and the QR code's), never in the rest of the page.
    let cache = PageCache::new(2);
    let budget = Budget::default();
    let url = "https://verify.example/verify?credential=x";
    let page = |given: &str| {
        let cred = credential(
            "micro-credential-professional.json",
            given,
            "Meier",
            Some("1986-11-02"),
            1,
        );
        let view = CredentialView::from_json(&cred).unwrap();
        let doc = render::budgeted_document(&view, &RenderOptions::new("en", url)).unwrap();
        rgb(&cache.certificate_png(&doc, &budget).unwrap()).2
    };
    let (a, b) = (page("Lukas"), page("Lena"));
    assert_ne!(a, b);
    assert_eq!(cache.len(), 1, "one template");
    let w = 827 * 3;
    let rows: Vec<usize> = (0..a.len() / w)
        .filter(|y| a[y * w..(y + 1) * w] != b[y * w..(y + 1) * w])
        .collect();
    let (first, last) = (rows[0], rows[rows.len() - 1]);
    assert!(
        last - first < 60,
        "the names differ in rows {first}..={last} only"
    );
}
