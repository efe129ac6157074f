//! What rendering the `individualDisplay` page images at issuance costs (issue #7,
//! docs/PERFORMANCE.md): times [`issuer::display::complete_images`] (a draft build, then per
//! display language the certificate page PNG rendered by `render` and re-encoded as indexed
//! colour) against the plain EDC build, one thread, and prints the image and credential sizes.
//!
//! `cargo run --release -p issuer --example render_cost [-- AWARD_FILE [ITERATIONS]]`

// Example program (issue #19 lints): it prints its results, and a failing assumption should
// stop it loudly, so print, unwrap, expect, panic and direct indexing are allowed here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

use std::path::PathBuf;
use std::time::Instant;

use elm_model::{BuildOptions, DisplayImage};

fn main() -> anyhow::Result<()> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut args = std::env::args().skip(1);
    let file = args.next().map_or_else(
        || repo.join("examples/awards/micro-credential-academic-course.json"),
        PathBuf::from,
    );
    let n: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(50);
    let award = elm_model::parse_award(&std::fs::read_to_string(&file)?)
        .map_err(|i| anyhow::anyhow!("{}: {}", i.path, i.message))?;
    let universities = elm_model::Universities::new(issuer::tenants::load_universities(
        &repo.join("keys.example/universities.toml"),
        "https://issuer.example",
    )?);
    let options = BuildOptions {
        credential_id: "urn:uuid:8a0f3c1e-2b7d-4c5a-9e61-0d2f4b6a8c10".into(),
        issued: None,
    };
    let url = issuer::display::verification_url(
        "https://verify.example",
        "https://issuer.example/share/qP-knzssJsmkeuo0r3lHOUfgYlPbHMt67TrJzVxhozM",
    );
    let tiny = DisplayImage::placeholders(&award, 549);
    let languages = award.display.images.len();

    let mut images = Vec::new();
    let t = Instant::now();
    for _ in 0..n {
        images =
            issuer::display::complete_images(&award, &universities, &options, Vec::new(), &url)?;
    }
    let render = t.elapsed() / n;
    let t = Instant::now();
    let mut plain = 0;
    for _ in 0..n {
        plain = serde_json::to_string(
            &elm_model::build(&award, &universities, &tiny, &options)?.credential,
        )?
        .len();
    }
    let build = t.elapsed() / n;
    let with = serde_json::to_string(
        &elm_model::build(&award, &universities, &images, &options)?.credential,
    )?
    .len();
    let sizes: Vec<usize> = images.iter().map(|i| i.bytes.len()).collect();
    let t = Instant::now();
    let mut raw = 0;
    for _ in 0..n {
        raw = render::png_for_credential(
            &elm_model::build(&award, &universities, &tiny, &options)?.credential,
            &render::RenderOptions::new("en", url.clone()),
        )?
        .len();
    }
    let one_page = t.elapsed() / n;
    println!(
        "award {} ({languages} display languages), {n} iterations, one thread",
        file.display()
    );
    println!("plain EDC build:                          {build:?}");
    println!("complete_images (draft build + {languages} pages): {render:?}");
    println!(
        "one page: build + render (RGBA PNG):      {one_page:?} ({raw} bytes before re-encoding)"
    );
    println!("page images (indexed PNG):                {sizes:?} bytes");
    println!("credential JSON: {plain} bytes with a 549-byte image per language, {with} bytes with the rendered pages");
    Ok(())
}
