//! Renders the five example awards (built unsigned with `elm_model::build`) and the EU's two ELM
//! v3.2 samples to HTML, PDF and PNG, and checks what a reader sees: learner, title, awarding
//! body, workload, outcomes by category, one section per programme unit; the PDF's extracted text
//! (poppler `pdftotext`, non-ASCII included); the QR codes (decoded with `rqrr`) in the PNG and in
//! the PDF rasterised by `pdftoppm`; labels in German, Dutch and Polish.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod support;

use elm_model::view::CredentialView;
use render::{RenderOptions, DEFAULT_VERIFICATION_URL};
use serde_json::Value;
use support::{
    build_example, decode_qr, eu_sample, pdf_first_page_png, pdf_pages, pdf_text, VERIFY_URL,
};

fn view(v: &Value) -> CredentialView {
    CredentialView::from_json(v).unwrap()
}

fn en() -> RenderOptions {
    RenderOptions::new("en", VERIFY_URL)
}

/// What the documents of each input must show (English labels).
struct Golden {
    file: &'static str,
    learner: &'static str,
    title: &'static str,
    opportunity: &'static str,
    awarding: &'static str,
    workload: Option<&'static str>,
    categories: &'static [&'static str],
}

const GOLDEN: &[Golden] = &[
    Golden {
        file: "micro-credential-academic-course.json",
        learner: "Zofia Kowalczyk",
        title: "Certificate of Academic Achievement",
        opportunity: "Course Sustainable Innovation",
        awarding: "Technische Universität Berlin on behalf of the ENHANCE Alliance",
        workload: Some("5 ECTS, 150 h"),
        categories: &["Knowledge", "Skills", "Responsibility and autonomy"],
    },
    Golden {
        file: "micro-credential-professional.json",
        learner: "Lukas Meier",
        title: "Certificate of Professional Achievement",
        opportunity: "",
        awarding: "ETH Zurich on behalf of the ENHANCE Alliance",
        workload: Some("8 CEU (1 CEU = 10 h), 80 h"),
        categories: &["Knowledge", "Skills"],
    },
    Golden {
        file: "programme-micro-credential-data-literacy.json",
        learner: "Felix Wagner",
        title: "Certificate of Academic Achievement",
        opportunity: "",
        awarding: "Delft University of Technology on behalf of the ENHANCE Alliance",
        workload: Some("12 ECTS"),
        categories: &["Knowledge", "Skills"],
    },
    Golden {
        file: "certificate-of-completion.json",
        learner: "Jan de Vries",
        title: "Certificate of Completion",
        opportunity: "Course Innovators of Tomorrow",
        awarding: "Politecnico di Milano member of the ENHANCE Alliance",
        workload: Some("6 ECTS"),
        categories: &["Knowledge"],
    },
    Golden {
        file: "certificate-of-participation-staff-week.json",
        learner: "Sabine Hoffmann",
        title: "Certificate of Participation",
        opportunity: "Staff week Internationalisation at Home",
        awarding: "Warsaw University of Technology member of the ENHANCE Alliance",
        workload: None,
        categories: &[],
    },
];

fn credential(g: &Golden) -> Value {
    if g.file.ends_with(".jsonld") {
        eu_sample(g.file)
    } else {
        build_example(g.file)
    }
}

/// Text of an HTML document without tags, entities decoded (enough for assertions).
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// Collapses whitespace (line breaks of the PDF layout) to single spaces.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn html_shows_annex3_content_for_every_example() {
    for g in GOLDEN {
        let v = view(&credential(g));
        let html = render::html(&v, &en()).unwrap();
        let text = flat(&html_text(&html));
        for want in [g.learner, g.title, g.awarding, g.opportunity]
            .into_iter()
            .filter(|s| !s.is_empty())
        {
            assert!(text.contains(want), "{}: HTML lacks {want:?}", g.file);
        }
        if let Some(w) = g.workload {
            assert!(
                text.contains(&format!("Workload {w}")),
                "{}: HTML lacks workload {w:?}",
                g.file
            );
        }
        for c in g.categories {
            assert!(
                html.contains(&format!("<h4>{c}</h4>")),
                "{}: no outcome category {c}",
                g.file
            );
        }
        // Categories in Annex 3 order.
        let pos: Vec<usize> = g
            .categories
            .iter()
            .map(|c| html.find(&format!("<h4>{c}</h4>")).unwrap())
            .collect();
        assert!(
            pos.windows(2).all(|w| w[0] < w[1]),
            "{}: categories out of order",
            g.file
        );
        // Standalone, accessible document.
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
            "{}",
            g.file
        );
        assert!(html
            .contains(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#));
        assert!(html.contains("@media print") && html.contains("size:A4"));
        assert!(!html.contains("<script"), "{}: no JavaScript", g.file);
        assert!(
            !html.contains("src=\"http")
                && !html.contains("href=\"http://")
                && !html.contains("<link")
        );
        assert!(html.contains(r#"<th scope="row">"#));
        assert!(html.contains(
            r#"aria-label="QR code linking to the verification page of this certificate""#
        ));
        assert!(html.contains(&format!("href=\"{VERIFY_URL}\"")));
        // Headings in order: one h1, then h2 / h3 (never h3 before the first h2).
        assert_eq!(html.matches("<h1").count(), 1);
        assert!(html.find("<h2").unwrap() < html.find("<h3").unwrap());
        assert!(html.find("<h1").unwrap() < html.find("<h2").unwrap());
    }
}

#[test]
fn certificate_page_wording_per_kind() {
    let mc = render::html(
        &view(&build_example("micro-credential-academic-course.json")),
        &en(),
    )
    .unwrap();
    assert!(
        mc.contains("has completed")
            && mc.contains("certifies that")
            && mc.contains("born on 14 March 2001")
    );
    let part = render::html(
        &view(&build_example(
            "certificate-of-participation-staff-week.json",
        )),
        &en(),
    )
    .unwrap();
    assert!(
        part.contains("has participated in"),
        "participation wording"
    );
    assert!(
        part.contains("taking place from 18 May 2026 to 22 May 2026"),
        "participation period"
    );
    let joint = render::html(
        &view(&build_example(
            "programme-micro-credential-data-literacy.json",
        )),
        &en(),
    )
    .unwrap();
    assert!(
        flat(&html_text(&joint)).contains("jointly developed and implemented by"),
        "joint programme"
    );
}

#[test]
fn programme_has_one_section_per_unit() {
    let cred = build_example("programme-micro-credential-data-literacy.json");
    let v = view(&cred);
    let units: Vec<String> = v
        .units()
        .iter()
        .map(|u| u.title("en").unwrap().to_owned())
        .collect();
    assert!(units.len() >= 3, "{units:?}");
    let html = render::html(&v, &en()).unwrap();
    assert_eq!(
        html.matches("class=\"sheet supplement unit\"").count(),
        units.len()
    );
    for (i, u) in units.iter().enumerate() {
        assert!(
            html.contains(&format!(">Learning unit {}: {u}</h2>", i + 1)),
            "unit section {u}"
        );
    }
    assert!(html.contains("Warsaw University of Technology member of the ENHANCE Alliance"));
    assert!(html.contains(
        "The credential has been awarded following the completion of the following learning units:"
    ));
    // The PDF starts every unit on a new page and names it.
    let pdf = render::pdf(&v, &en()).unwrap();
    let text = flat(&pdf_text(&pdf, "programme"));
    for (i, u) in units.iter().enumerate() {
        assert!(
            text.contains(&format!("LEARNING UNIT {}: {}", i + 1, u.to_uppercase())),
            "PDF unit {u}"
        );
    }
    assert!(pdf_pages(&pdf, "programme") >= 2 + units.len());
}

#[test]
fn pdf_text_is_searchable() {
    for g in GOLDEN {
        let v = view(&credential(g));
        let pdf = render::pdf(&v, &en()).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = flat(&pdf_text(&pdf, g.file));
        for want in [g.learner, g.title, g.awarding]
            .into_iter()
            .filter(|s| !s.is_empty())
        {
            assert!(
                text.contains(want),
                "{}: PDF text lacks {want:?}:\n{text}",
                g.file
            );
        }
        if let Some(w) = g.workload {
            assert!(
                text.contains(&format!("Workload {w}")),
                "{}: PDF text lacks workload {w:?}",
                g.file
            );
        }
        assert!(
            pdf_pages(&pdf, g.file) >= 2,
            "{}: certificate page + supplement",
            g.file
        );
        // The certificate page comes first.
        let cert = text.find("certifies that").unwrap();
        let supp = text.find("CERTIFICATE SUPPLEMENT").unwrap();
        assert!(cert < supp, "{}", g.file);
    }
}

#[test]
fn pdf_embeds_a_font_and_extracts_polish_and_german_characters() {
    // A learner name with ą ę ł ś ż ü ö ß.
    let mut cred = build_example("certificate-of-participation-staff-week.json");
    let name = "Łucja Żółtowska-Weiß Ąę Śćń Müller Öz";
    cred["credentialSubject"]["fullName"] = serde_json::json!({ "en": name });
    let v = view(&cred);
    for lang in ["en", "de", "pl"] {
        let pdf = render::pdf(&v, &RenderOptions::new(lang, VERIFY_URL)).unwrap();
        let text = flat(&pdf_text(&pdf, &format!("unicode-{lang}")));
        assert!(text.contains(name), "{lang}: {text}");
        // Real text with an embedded font, not an image of text.
        let raw = String::from_utf8_lossy(&pdf);
        assert!(
            raw.contains("/FontFile2") || raw.contains("/FontFile3"),
            "embedded font"
        );
        assert!(raw.contains("DejaVuSans"), "the bundled font");
        assert!(raw.contains("/ToUnicode"));
        if lang == "pl" {
            assert!(text.contains("zaświadcza, że"), "{text}");
            assert!(
                text.contains("Politechnika Warszawska, członek Sojuszu ENHANCE"),
                "{text}"
            );
        }
        if lang == "de" {
            assert!(
                text.contains("ZERTIFIKATSZUSATZ") && text.contains("Lernende Person"),
                "{text}"
            );
            assert!(
                text.contains("teilgenommen hat an:") && text.contains("Dieses Zertifikat prüfen"),
                "{text}"
            );
        }
    }
}

#[test]
fn png_is_the_certificate_page_with_a_scannable_qr_code() {
    for g in GOLDEN {
        let v = view(&credential(g));
        let png = render::png(&v, &en()).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{}", g.file);
        let dec = png::Decoder::new(std::io::Cursor::new(&png));
        let info = dec.read_info().unwrap().info().clone();
        assert_eq!(
            (info.width, info.height),
            (827, 1169),
            "{}: A4 at 100 dpi",
            g.file
        );
        assert_eq!(decode_qr(&png), vec![VERIFY_URL.to_owned()], "{}", g.file);
    }
}

#[test]
fn png_renders_from_the_unsigned_credential_value() {
    let cred = build_example("micro-credential-academic-course.json");
    let url = "https://enhance.example/v/1234";
    let png = render::png_for_credential(&cred, &RenderOptions::new("de", url)).unwrap();
    assert_eq!(decode_qr(&png), vec![url.to_owned()]);
    // Different languages give different images.
    let png_en = render::png_for_credential(&cred, &RenderOptions::new("en", url)).unwrap();
    assert_ne!(png, png_en);
}

#[test]
fn qr_code_decodes_for_short_and_long_urls() {
    let cred = build_example("micro-credential-professional.json");
    for url in [
        "https://e.eu/v/1",
        "https://credentials.enhance-alliance.eu/verify/8a0f3c1e",
        "https://credentials.enhance-alliance.eu/verify/8a0f3c1e-2b7d-4c5a-9e61-0d2f4b6a8c10?lang=pl&amp;ref=paper-certificate-2026",
    ] {
        let png = render::png_for_credential(&cred, &RenderOptions::new("pl", url)).unwrap();
        assert_eq!(decode_qr(&png), vec![url.to_owned()], "PNG {url}");
        let pdf = render::pdf(&view(&cred), &RenderOptions::new("pl", url)).unwrap();
        assert_eq!(decode_qr(&pdf_first_page_png(&pdf, "qr-lengths")), vec![url.to_owned()], "PDF {url}");
    }
}

#[test]
fn pdf_qr_code_decodes_after_rasterising() {
    for g in GOLDEN {
        let pdf = render::pdf(&view(&credential(g)), &en()).unwrap();
        let page = pdf_first_page_png(&pdf, g.file);
        assert_eq!(decode_qr(&page), vec![VERIFY_URL.to_owned()], "{}", g.file);
    }
}

#[test]
fn html_qr_code_is_inline_svg_of_the_url() {
    let v = view(&build_example("certificate-of-completion.json"));
    let html = render::html(&v, &en()).unwrap();
    // Rasterise the inline SVG QR with the same pipeline as the PNG and decode it.
    let start = html
        .find("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"QR code")
        .unwrap();
    let end = start + html[start..].find("</svg>").unwrap() + 6;
    let svg = &html[start..end];
    let png = render::svg_to_png(svg, 2.0).unwrap();
    assert_eq!(decode_qr(&png), vec![VERIFY_URL.to_owned()]);
}

#[test]
fn labels_switch_with_the_language() {
    let cred = build_example("micro-credential-academic-course.json");
    let v = view(&cred);
    let de = render::html(&v, &RenderOptions::new("de", VERIFY_URL)).unwrap();
    assert!(de.starts_with("<!DOCTYPE html>\n<html lang=\"de\">"));
    for want in [
        "Zertifikatszusatz",
        "bescheinigt, dass",
        "Verleihende Stelle",
        "Technische Universität Berlin im Namen der ENHANCE-Allianz",
        "Kenntnisse",
        "Fertigkeiten",
        "Verantwortung und Selbstständigkeit",
        "geboren am 14. März 2001",
        "QR-Code mit Link zur Prüfseite dieses Zertifikats",
    ] {
        assert!(de.contains(want), "de lacks {want:?}");
    }
    assert!(!de.contains("certifies that"));

    let nl = render::html(
        &view(&build_example(
            "programme-micro-credential-data-literacy.json",
        )),
        &RenderOptions::new("nl", VERIFY_URL),
    )
    .unwrap();
    for want in [
        "<html lang=\"nl\">",
        "Supplement bij het certificaat",
        "verklaart dat",
        "Leereenheid 1:",
        "Studielast",
        "Kennis",
    ] {
        assert!(nl.contains(want), "nl lacks {want:?}");
    }

    let pl = render::html(
        &view(&build_example(
            "certificate-of-participation-staff-week.json",
        )),
        &RenderOptions::new("pl", VERIFY_URL),
    )
    .unwrap();
    for want in [
        "<html lang=\"pl\">",
        "Suplement do certyfikatu",
        "zaświadcza, że",
        "Kod QR z odnośnikiem do strony weryfikacji tego certyfikatu",
    ] {
        assert!(pl.contains(want), "pl lacks {want:?}");
    }
    // Italian: English labels, the credential's Italian texts (the completion example carries it).
    let it = render::html(
        &view(&build_example("certificate-of-completion.json")),
        &RenderOptions::new("it", VERIFY_URL),
    )
    .unwrap();
    assert!(it.contains("<html lang=\"en\">") && it.contains("Certificate supplement"));
    assert!(
        it.contains("Politecnico di Milano, membro dell&#39;Alleanza ENHANCE"),
        "Italian statement"
    );
    // Unsupported label language: English labels.
    let fr = render::html(&v, &RenderOptions::new("fr", VERIFY_URL)).unwrap();
    assert!(fr.contains("Certificate supplement") && fr.contains("<html lang=\"en\">"));
}

#[test]
fn eu_samples_render_without_errors() {
    for (file, learner) in [
        ("Sample-MC-Annex1-unsigned.jsonld", "Ana Andromeda"),
        ("Sample-CertOfPart-unsigned.jsonld", "Ana Andromeda"),
    ] {
        let v = view(&eu_sample(file));
        let title = v.title("en").unwrap().to_owned();
        let body = v
            .main_claim()
            .unwrap()
            .awarding_bodies()
            .next()
            .unwrap()
            .legal_name("en")
            .unwrap()
            .to_owned();
        for lang in ["en", "de", "nl", "pl"] {
            let o = RenderOptions::new(lang, DEFAULT_VERIFICATION_URL);
            let html = render::html(&v, &o).unwrap();
            assert!(
                html.contains(learner) && html.contains(&title) && html.contains(&body),
                "{file} {lang}"
            );
            let pdf = render::pdf(&v, &o).unwrap();
            let text = flat(&pdf_text(&pdf, &format!("{file}-{lang}")));
            assert!(
                text.contains(learner) && text.contains(&body),
                "{file} {lang}: {text}"
            );
            render::png(&v, &o).unwrap();
        }
    }
    // Durations for people: the participation sample's `P2M` workload.
    let v = view(&eu_sample("Sample-CertOfPart-unsigned.jsonld"));
    let text = flat(&html_text(&render::html(&v, &en()).unwrap()));
    assert!(text.contains("Workload 2 months"), "{text}");
    let text = flat(&html_text(
        &render::html(&v, &RenderOptions::new("de", VERIFY_URL)).unwrap(),
    ));
    assert!(text.contains("Arbeitsaufwand 2 Monate"), "{text}");
    // The Annex 1 sample: 2 ECTS, EQF 6, two outcomes.
    let v = view(&eu_sample("Sample-MC-Annex1-unsigned.jsonld"));
    let text = flat(&pdf_text(&render::pdf(&v, &en()).unwrap(), "annex1"));
    assert!(
        text.contains("Workload 2 ECTS") && text.contains("EQF level 6"),
        "{text}"
    );
}

#[test]
fn render_file_reads_json_and_reports_errors() {
    let dir = std::env::temp_dir().join(format!("render-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("credential.json");
    std::fs::write(
        &input,
        serde_json::to_vec(&build_example("certificate-of-completion.json")).unwrap(),
    )
    .unwrap();
    for (fmt, magic) in [
        ("html", &b"<!DOCTYPE html>"[..]),
        ("pdf", b"%PDF-"),
        ("png", b"\x89PNG"),
    ] {
        let out = dir.join(format!("out.{fmt}"));
        render::render_file(&input, fmt.parse().unwrap(), &out, &en()).unwrap();
        assert!(std::fs::read(&out).unwrap().starts_with(magic), "{fmt}");
    }
    // The EDC upload wrapper renders too.
    let wrapped =
        serde_json::json!({ "credential": build_example("certificate-of-completion.json") });
    std::fs::write(&input, serde_json::to_vec(&wrapped).unwrap()).unwrap();
    render::render_file(
        &input,
        render::Format::Html,
        &dir.join("wrapped.html"),
        &en(),
    )
    .unwrap();
    assert!(std::fs::read_to_string(dir.join("wrapped.html"))
        .unwrap()
        .contains("Jan de Vries"));
    std::fs::write(&input, b"not json").unwrap();
    let err =
        render::render_file(&input, render::Format::Html, &dir.join("x.html"), &en()).unwrap_err();
    assert!(err.to_string().contains("not JSON"), "{err}");
    std::fs::write(&input, br#"{"hello": 1}"#).unwrap();
    let err =
        render::render_file(&input, render::Format::Html, &dir.join("x.html"), &en()).unwrap_err();
    assert!(
        err.to_string().contains("not a readable credential"),
        "{err}"
    );
    assert!("docx".parse::<render::Format>().is_err());
}
