//! Issue #7 on the issuer side, over real HTTP on 127.0.0.1, on SQLite AND on PostgreSQL (the
//! PostgreSQL variants need `ENHANCE_TEST_POSTGRES_URL`, see `scripts/start-postgres.sh`, and FAIL
//! without it):
//! - an award issued without display images carries a rendered certificate page PNG per display
//!   language whose QR code decodes (rqrr) to the credential's verification URL
//!   (`{verifier_url}/verify?credential={percent-encoded share URL}`); given images are kept;
//!   `renderImages: false` without images is rejected;
//! - the share link's QR codes encode the verification URL;
//! - `GET /share/{token}` gives the learner's HTML page to a browser and the JSON-LD to machines;
//!   the downloads (JSON-LD, JAdES, VC-JWT, PDF) carry `Content-Disposition` file names.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

mod support;

use std::path::PathBuf;
use std::process::Command;

use base64::Engine as _;
use issuer::config::Config;
use issuer::server::RunningServer;
use serde_json::{json, Value};
use service_kit::test_client::post_json;
use support::{stop, Db, ETH};

const VERIFIER: &str = "https://verify.example/";
const TUB: &str = "test-token-tub";

/// A fresh database (SQLite file or new PostgreSQL database) and token file.
async fn config(db: Db) -> Config {
    let dir = support::token_dir("issuer-learner", &[("tub", TUB), ("eth", ETH)], &[]);
    let url = support::fresh_database(db.is_postgres(), &dir.join("issuer.sqlite")).await;
    Config {
        verifier_url: VERIFIER.into(),
        ..support::config(&url, &dir.join("tokens.toml"))
    }
}

/// The server and its temp directory (removed by [`stop`]).
async fn server(db: Db) -> (RunningServer, PathBuf) {
    let config = config(db).await;
    let dir = config
        .tokens_file
        .as_ref()
        .and_then(|t| t.parent())
        .unwrap()
        .to_owned();
    support::serve(config, dir).await
}

fn example(file: &str) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(support::repo().join("examples/awards").join(file)).unwrap(),
    )
    .unwrap()
}

/// The verification URL the contract prescribes for a share URL.
fn verification_url(share_url: &str) -> String {
    let mut enc = String::new();
    for b in share_url.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            enc.push(b as char);
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    format!("https://verify.example/verify?credential={enc}")
}

async fn issue(s: &RunningServer, token: &str, body: &Value) -> (u16, Value) {
    let res = post_json(&s.url(), "/awards", Some(token), body).await;
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn get(
    s: &RunningServer,
    path: &str,
    accept: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut r = reqwest::Client::new().get(format!("{}{path}", s.url()));
    if let Some(a) = accept {
        r = r.header("accept", a);
    }
    let res = r.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

#[path = "../../render/tests/support/qr.rs"]
mod qr;
use qr::decode_qr;

fn token_of(share_url: &str) -> String {
    share_url.rsplit('/').next().unwrap().to_owned()
}

fn display_images(credential: &Value) -> Vec<(String, Vec<u8>)> {
    credential["displayParameter"]["individualDisplay"]
        .as_array()
        .expect("individualDisplay")
        .iter()
        .map(|d| {
            let lang = d["language"]["id"].as_str().unwrap().to_owned();
            let image = &d["displayDetail"][0]["image"];
            assert!(
                image["contentType"]["id"]
                    .as_str()
                    .unwrap()
                    .ends_with("/PNG"),
                "{}",
                image["contentType"]
            );
            (
                lang,
                base64::engine::general_purpose::STANDARD
                    .decode(image["content"].as_str().unwrap())
                    .unwrap(),
            )
        })
        .collect()
}

async fn rendered_images_at_issuance(db: Db) {
    let running = server(db).await;
    let s = &running.0;
    // tub's academic course has display images in en and de; none are sent.
    let started = std::time::Instant::now();
    let (status, body) = issue(
        s,
        TUB,
        &json!({"award": example("micro-credential-academic-course.json")}),
    )
    .await;
    let took = started.elapsed();
    assert_eq!(status, 201, "{body}");
    let share_url = body["shareUrl"].as_str().unwrap();
    assert!(share_url.starts_with("http://issuer.test/share/"));
    let expected = verification_url(share_url);
    assert_eq!(s.app.verification_url(&token_of(share_url)), expected);
    let images = display_images(&body["verifiableCredential"]);
    assert_eq!(images.len(), 2, "one image per display language");
    let mut langs: Vec<&str> = images
        .iter()
        .map(|(l, _)| l.rsplit('/').next().unwrap())
        .collect();
    langs.sort();
    assert_eq!(langs, ["DEU", "ENG"]);
    for (lang, png) in &images {
        assert!(png.starts_with(b"\x89PNG"), "{lang}");
        assert_eq!(
            decode_qr(png),
            vec![expected.clone()],
            "QR of the {lang} page image"
        );
    }
    assert_ne!(
        images[0].1, images[1].1,
        "the pages differ by label language"
    );
    eprintln!(
        "issuance with 2 rendered page images took {took:?} (PNG sizes {} and {} bytes)",
        images[0].1.len(),
        images[1].1.len()
    );

    // The share link's QR codes encode the verification URL too.
    let (status, headers, png) =
        get(s, &format!("/share/{}/qr.png", token_of(share_url)), None).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(decode_qr(&png), vec![expected.clone()]);
    let (_, _, svg) = get(s, &format!("/share/{}/qr.svg", token_of(share_url)), None).await;
    assert!(String::from_utf8(svg).unwrap().contains("<svg"));

    // Given images are kept byte for byte.
    let award = example("micro-credential-professional.json");
    let given =
        std::fs::read(support::repo().join("examples/awards/images/certificate-page.png")).unwrap();
    let mut imgs = serde_json::Map::new();
    for r in award["display"]["images"].as_array().unwrap() {
        imgs.insert(
            r["language"].as_str().unwrap().into(),
            base64::engine::general_purpose::STANDARD
                .encode(&given)
                .into(),
        );
    }
    let (status, body) = issue(s, ETH, &json!({"award": award, "images": imgs})).await;
    assert_eq!(status, 201, "{body}");
    for (lang, png) in display_images(&body["verifiableCredential"]) {
        assert_eq!(png, given, "{lang}: the given image is used");
    }

    // Without images and with rendering switched off for the request: rejected, naming the field.
    let (status, body) = issue(
        s,
        TUB,
        &json!({"award": example("micro-credential-academic-course.json"), "renderImages": false}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("display.image-missing"), "{body}");
    let (status, body) = issue(
        s,
        TUB,
        &json!({"award": example("micro-credential-academic-course.json"), "renderImages": "yes"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("renderImages"), "{body}");
    stop(running).await;
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

fn disposition(h: &reqwest::header::HeaderMap) -> String {
    h.get("content-disposition")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

async fn learner_page_and_downloads(db: Db) {
    let running = server(db).await;
    let s = &running.0;
    let (status, body) = issue(
        s,
        TUB,
        &json!({"award": example("micro-credential-academic-course.json")}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let share_url = body["shareUrl"].as_str().unwrap();
    let token = token_of(share_url);
    let id = body["id"].as_str().unwrap();
    let short = &id["urn:uuid:".len().."urn:uuid:".len() + 8];
    let base = format!("enhance-credential-{short}");
    let expected = verification_url(share_url);
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    // A browser gets the learner's page.
    let (status, h, page) = get(s, &format!("/share/{token}"), Some(browser)).await;
    assert_eq!(status, 200);
    assert_eq!(h["content-type"], "text/html; charset=utf-8");
    assert_eq!(h["cache-control"], "private, no-store");
    let page = text(&page);
    for needle in [
        "<html lang=\"en\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        "Zofia",
        "Kowalczyk",
        "Course Sustainable Innovation",
        "<div id=\"certificate\" lang=\"en\"",
        &format!("href=\"{token}?format=pdf&amp;lang=en\""),
        &format!("href=\"{token}?format=jsonld\""),
        &format!("href=\"{token}?format=jades\""),
        &format!("href=\"{token}?format=jwt\""),
        &format!("<img src=\"{token}/qr.svg\""),
        &format!("href=\"{}\"", expected.replace('&', "&amp;")),
        "Add it to your Europass wallet",
        "europass.europa.eu",
        "href=\"#certificate\"",
    ] {
        assert!(page.contains(needle), "the page lacks {needle}");
    }
    assert!(!page.contains("<script"), "no JavaScript");
    for img in page.split("<img").skip(1) {
        let tag = &img[..img.find('>').unwrap()];
        assert!(
            tag.contains(" alt=\"") && !tag.contains(" alt=\"\""),
            "an image without text alternative: <img{tag}>"
        );
    }
    // The page is the certificate too (the render crate's HTML, with the verification URL).
    assert!(page.contains("id=\"certificate-title\""));
    assert_eq!(page.matches("<main>").count(), 1);

    // German labels on request, and from Accept-Language.
    let (_, _, de) = get(s, &format!("/share/{token}?lang=de"), Some(browser)).await;
    let de = text(&de);
    assert!(
        de.contains("<div id=\"certificate\" lang=\"de\"")
            && de.contains("Kurs Nachhaltige Innovation")
    );
    assert!(de.contains(&format!("href=\"{token}?format=pdf&amp;lang=de\"")));
    assert!(
        de.contains("class=\"page-title\" lang=\"de\">Kurs Nachhaltige Innovation</h1>"),
        "the German title is marked as German (WCAG 3.1.2)"
    );

    // Machines (the verifier, curl) keep getting the JSON-LD, with no download name.
    for accept in [
        Some("application/ld+json, application/json"),
        Some("*/*"),
        None,
    ] {
        let (status, h, b) = get(s, &format!("/share/{token}"), accept).await;
        assert_eq!(status, 200);
        assert_eq!(h["content-type"], "application/ld+json", "{accept:?}");
        assert!(h.get("content-disposition").is_none());
        let v: Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(v["id"], id);
    }

    // Downloads.
    let share = format!("/share/{token}");
    let share = share.as_str();
    let download = |query: &'static str, accept: Option<&'static str>, file: String| async move {
        let (status, h, b) = get(s, &format!("{share}?{query}"), accept).await;
        assert_eq!(status, 200, "{query}");
        assert_eq!(disposition(&h), format!("attachment; filename=\"{file}\""));
        (h, b)
    };
    let (_, b) = download("format=jsonld", Some(browser), format!("{base}.jsonld")).await;
    assert_eq!(serde_json::from_slice::<Value>(&b).unwrap()["id"], id);
    let (h, b) = download("format=jades", None, format!("{base}.jades.json")).await;
    assert_eq!(h["content-type"], "application/jose+json");
    assert!(serde_json::from_slice::<Value>(&b).unwrap()["signatures"].is_array());
    let (_, b) = download("format=jwt", None, format!("{base}.jwt")).await;
    assert_eq!(text(&b).matches('.').count(), 2, "compact JWS");
    let (h, pdf) = download("format=pdf&lang=de", None, format!("{base}-de.pdf")).await;
    assert_eq!(h["content-type"], "application/pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let file = std::env::temp_dir().join(format!("learner-{}.pdf", uuid::Uuid::new_v4()));
    std::fs::write(&file, &pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let _ = std::fs::remove_file(&file);
    let pdf_text = text(&out.stdout);
    assert!(
        pdf_text.contains("Kowalczyk") && pdf_text.contains("Kurs Nachhaltige Innovation"),
        "{pdf_text}"
    );

    // Errors: unknown format (problem JSON naming the choices), unknown link (404 even for a browser).
    let (status, _, b) = get(s, &format!("/share/{token}?format=docx"), None).await;
    assert_eq!(status, 400);
    assert!(text(&b).contains("jsonld, jades, jwt, pdf or png"));
    let (status, h, _) = get(s, "/share/no-such-token", Some(browser)).await;
    assert_eq!(status, 404);
    assert_eq!(h["content-type"], "application/problem+json");
    stop(running).await;
}

support::both_backends!(rendered_images_at_issuance, learner_page_and_downloads);
