//! The HTML pages of the verifier service (ENHANCE issue #7): the employer's verification page, the
//! upload page and plain message pages. Standalone HTML5, inline CSS, no JavaScript, no external
//! resources. WCAG 2.1 AA basics: `<html lang>` (3.1.1), one `h1` then `h2`s (1.3.1), labelled form
//! controls (1.3.1 / 3.3.2 / 4.1.2), status words besides colours (1.4.1), text contrast ≥ 4.5:1
//! (1.4.3; asserted by a test), a visible focus outline (2.4.7), reflow on a 320 px wide screen
//! (1.4.10; viewport meta, no fixed widths).
//!
//! The human-readable certificate and supplement (ENHANCE framework MS18 Annex 3) come from the
//! `render` crate's HTML, embedded with its heading demoted to `h2`, and its QR code pointing at
//! the page's own URL. Everything that comes from a credential or a report is HTML-escaped
//! ([`render::html::escape`]).

use elm_model::view::CredentialView;
use render::html::escape;
use render::RenderOptions;

use super::outcome::{self, Outcome};
use crate::report::{CheckStatus, Integrity, TrustVerdict, Verdict};

/// Foreground / background colour pairs of the pages (checked for ≥ 4.5:1 contrast in tests).
pub const COLOUR_PAIRS: &[(&str, &str, &str)] = &[
    ("body text", "#1a1a1a", "#ffffff"),
    ("muted text", "#4a4a4a", "#ffffff"),
    ("genuine banner", "#0b5d27", "#e7f4eb"),
    ("invalid banner", "#9b1117", "#fbe9ea"),
    ("not-checked banner", "#6b4200", "#fdf3dc"),
    ("unknown-issuer banner", "#1b365d", "#e8eef7"),
    ("status passed", "#ffffff", "#0b5d27"),
    ("status failed", "#ffffff", "#9b1117"),
    ("status error", "#ffffff", "#6b4200"),
    ("status skipped", "#ffffff", "#4a4a4a"),
    ("status unknown", "#ffffff", "#1b365d"),
    ("links and buttons", "#ffffff", "#1b365d"),
    ("header", "#ffffff", "#1b365d"),
    ("page background text", "#1a1a1a", "#eef1f5"),
];

const CSS: &str = r#"
.bar{background:#1b365d;color:#fff;margin:-1rem -1rem 1rem;padding:.75rem 1rem;display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem}
.bar p{margin:0;font-weight:bold}
.bar a{color:#fff}
a{color:#1b365d}
:focus-visible,a:focus,button:focus,input:focus,textarea:focus{outline:3px solid #1b365d;outline-offset:2px}
.bar a:focus,.bar a:focus-visible{outline-color:#fff}
#verdict{font-size:2.2rem;line-height:1.2;text-transform:none;letter-spacing:0;margin:0 0 .5rem;overflow-wrap:anywhere}
#verdict::after{content:none}
.result{border-left:.6rem solid}
.result-valid{background:#e7f4eb;border-color:#0b5d27}.result-valid #verdict,.result-valid .summary{color:#0b5d27}
.result-invalid{background:#fbe9ea;border-color:#9b1117}.result-invalid #verdict,.result-invalid .summary{color:#9b1117}
.result-indeterminate{background:#fdf3dc;border-color:#6b4200}.result-indeterminate #verdict,.result-indeterminate .summary{color:#6b4200}
.result-unknown-issuer{background:#e8eef7;border-color:#1b365d}.result-unknown-issuer #verdict,.result-unknown-issuer .summary{color:#1b365d}
.summary{font-size:1.15rem;font-weight:bold;overflow-wrap:anywhere}
.source{color:#1a1a1a;overflow-wrap:anywhere}
h2.section{color:#1b365d;font-size:1.3rem;margin:0 0 .75rem}
.checks{list-style:none;padding:0;margin:0}
.check{border-top:1px solid #c8c8c8;padding:.6rem 0}
.check h3{display:inline;font-size:1.05rem;margin:0 0 0 .4rem;color:#1a1a1a}
.status{display:inline-block;min-width:7.5rem;text-align:center;font-weight:bold;font-size:.9rem;padding:.1rem .5rem;border-radius:.25rem;color:#fff}
.status-ok{background:#0b5d27}.status-failed{background:#9b1117}.status-error{background:#6b4200}.status-skipped{background:#4a4a4a}.status-unknown{background:#1b365d}
.check p{margin:.3rem 0 0}
.detail{color:#4a4a4a;font-size:.85rem;overflow-wrap:anywhere}
.caution{border:2px solid #9b1117;padding:.6rem .8rem;font-weight:bold;color:#9b1117;background:#fff}
h2.certificate-title{color:#1b365d;font-size:1.6rem;letter-spacing:.04em;text-transform:uppercase;margin:.5rem 0 1.75rem}
form .field{margin:0 0 1.2rem}
label{display:block;font-weight:bold;margin:0 0 .3rem}
input[type=file],input[type=url],textarea{display:block;width:100%;font:inherit;padding:.5rem;border:2px solid #4a4a4a;border-radius:.25rem;background:#fff;color:#1a1a1a}
textarea{min-height:10rem;font-family:"DejaVu Sans Mono",Consolas,monospace;font-size:.85rem}
.hint{color:#4a4a4a;font-size:.9rem;margin:.2rem 0 .4rem}
button{font:inherit;font-weight:bold;background:#1b365d;color:#fff;border:0;border-radius:.25rem;padding:.7rem 1.4rem;cursor:pointer;min-height:44px}
.error{color:#9b1117;font-weight:bold}
@media (max-width:36rem){.bar{margin:-.25rem -.25rem 1rem}#verdict{font-size:1.7rem}.status{min-width:0}}
"#;

/// The start of a page: `<head>` with the styles (`extra_css` first), the service bar, `<main>`.
pub(super) fn head(title: &str, extra_css: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} – ENHANCE credential verification</title>\n<style>{extra_css}{BASE_CSS}{CSS}</style>\n</head>\n<body>\n<header class=\"bar\"><p>ENHANCE credential verification</p><nav aria-label=\"Service\"><a href=\"upload\">Check another credential</a></nav></header>\n<main>\n",
        escape(title)
    )
}

/// Page basics used when the certificate's stylesheet is not embedded.
const BASE_CSS: &str = r#"
*{box-sizing:border-box}
html{font-family:"DejaVu Sans",Verdana,"Segoe UI",Arial,sans-serif;color:#1a1a1a;background:#eef1f5;line-height:1.5;-webkit-text-size-adjust:100%}
body{margin:0;padding:1rem}
main{max-width:50rem;margin:0 auto}
.sheet{background:#fff;margin:0 auto 1.5rem;padding:1.5rem 1.75rem;box-shadow:0 1px 4px rgba(0,0,0,.15)}
@media (max-width:36rem){body{padding:.25rem}.sheet{padding:1rem}}
"#;

pub(super) const FOOT: &str = "</main>\n</body>\n</html>\n";

/// The certificate of `credential` as (stylesheet, body sections), via the `render` crate, within
/// its default budget (issue #13: a credential from anywhere is not bounded by the ENHANCE award
/// limits; one with more text than the glyph budget is refused before any layout). The error is
/// the sentence the page shows.
fn certificate(credential: &serde_json::Value, page_url: &str) -> Result<(String, String), String> {
    let not_edc = |e: &dyn std::fmt::Display| {
        format!("this is not a European Digital Credential this service can display ({e})")
    };
    let view = CredentialView::from_json(credential).map_err(|e| not_edc(&e))?;
    let html = render::html(&view, &RenderOptions::new("en", page_url)).map_err(|e| match e {
        render::RenderError::Budget(x) => format!("the credential is too large to display ({x})"),
        other => not_edc(&other),
    })?;
    let between = |start: &str, end: &str| -> Option<String> {
        let from = html.find(start)? + start.len();
        let to = from + html[from..].find(end)?;
        Some(html[from..to].to_string())
    };
    let css = between("<style>", "</style>").unwrap_or_default();
    let body = between("<main>", "</main>")
        .ok_or_else(|| "the rendered certificate has no <main>".to_string())?;
    // The page's h1 is the verdict: the certificate title becomes an h2 (everything in the rendered
    // body is escaped, so these tags can only be the renderer's own).
    let body = body
        .replacen(
            "<h1 id=\"certificate-title\">",
            "<h2 id=\"certificate-title\" class=\"certificate-title\">",
            1,
        )
        .replace("</h1>", "</h2>");
    Ok((css, body))
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Valid => "valid",
        Verdict::Invalid => "invalid",
        Verdict::Indeterminate => "indeterminate",
    }
}

fn integrity_name(i: Integrity) -> &'static str {
    match i {
        Integrity::Intact => "intact",
        Integrity::Broken => "broken",
        Integrity::Unchecked => "unchecked",
    }
}

fn trust_name(t: TrustVerdict) -> &'static str {
    match t {
        TrustVerdict::Trusted => "trusted",
        TrustVerdict::Unknown => "unknown",
        TrustVerdict::Untrusted => "untrusted",
        TrustVerdict::Unchecked => "unchecked",
    }
}

fn status_name(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Ok => "ok",
        CheckStatus::Failed => "failed",
        CheckStatus::Skipped => "skipped",
        CheckStatus::Error => "error",
        CheckStatus::Unknown => "unknown",
    }
}

/// Where the credential came from, for the page.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// Fetched from this URL.
    Url(&'a str),
    /// Uploaded or pasted.
    Upload,
}

/// An SD-JWT VC's disclosed claims (issue #16), as the holder disclosed them: name and JSON
/// value, escaped; claims the holder withheld are not there to show.
/// `id` is the section's id (its heading's is `{id}-heading`), unique on the page.
pub(super) fn disclosed_claims(
    p: &mut String,
    claims: &serde_json::Map<String, serde_json::Value>,
    id: &str,
) {
    p.push_str(&format!("<section class=\"sheet\" id=\"{id}\" aria-labelledby=\"{id}-heading\">\n<h2 class=\"section\" id=\"{id}-heading\">Disclosed claims</h2>\n<p>This SD-JWT VC shows only the claims its holder chose to disclose.</p>\n<dl class=\"claims\">\n"));
    for (name, value) in claims {
        let shown = match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        p.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>\n",
            escape(name),
            escape(&shown)
        ));
    }
    p.push_str("</dl>\n</section>\n");
}

/// The employer's verification page.
pub fn verification_page(o: &Outcome, source: Source<'_>, page_url: &str) -> String {
    let r = &o.report;
    let h = outcome::headline(r);
    let rendered = o.credential.as_ref().map(|c| certificate(c, page_url));
    let cert_css = match &rendered {
        Some(Ok((css, _))) => css.as_str(),
        _ => "",
    };
    let mut p = head(h.text, cert_css);
    let verdict = verdict_name(r.verdict);
    let banner = if h.reason == outcome::Reason::UnknownIssuer {
        "unknown-issuer"
    } else {
        verdict
    };
    p.push_str(&format!(
        "<section class=\"sheet result result-{banner}\" id=\"result\" data-integrity=\"{}\" data-trust=\"{}\" aria-labelledby=\"verdict\">\n<h1 id=\"verdict\" data-verdict=\"{verdict}\" data-reason=\"{}\">{}</h1>\n<p class=\"summary\">{}</p>\n",
        integrity_name(r.integrity),
        trust_name(r.trust),
        h.reason.name(),
        escape(h.text),
        escape(&h.summary)
    ));
    if let Some(who) = outcome::signed_by(r) {
        p.push_str(&format!(
            "<p class=\"source\" id=\"signer\">Intact: {}.</p>\n",
            escape(&who)
        ));
    }
    match source {
        Source::Url(u) => p.push_str(&format!(
            "<p class=\"source\">Credential: <a href=\"{u}\" rel=\"noreferrer nofollow\">{u}</a></p>\n",
            u = escape(u)
        )),
        Source::Upload => p.push_str("<p class=\"source\">Credential: uploaded or pasted on this service.</p>\n"),
    }
    p.push_str(&format!(
        "<p class=\"source\">Checked on {} UTC.</p>\n</section>\n",
        escape(&o.checked_at.format("%-d %B %Y, %H:%M").to_string())
    ));

    checks_section(&mut p, r, "checks-heading");
    if let Some(claims) = &r.disclosed {
        disclosed_claims(&mut p, claims, "disclosed");
    }

    match rendered {
        Some(Ok((_, body))) => {
            p.push_str("<div id=\"certificate\">\n");
            if h.reason == outcome::Reason::UnknownIssuer {
                p.push_str("<p class=\"sheet caution\" role=\"note\">The certificate below is shown as the credential states it. This service does not know its issuer: check who they are before relying on it.</p>\n");
            } else if r.verdict != Verdict::Valid {
                p.push_str("<p class=\"sheet caution\" role=\"note\">The certificate below is shown as the credential states it. The checks above did not pass: do not rely on it.</p>\n");
            }
            p.push_str(&body);
            p.push_str("</div>\n");
        }
        Some(Err(e)) => p.push_str(&format!(
            "<section class=\"sheet\" aria-labelledby=\"certificate-heading\"><h2 class=\"section\" id=\"certificate-heading\">Certificate</h2><p>No human-readable certificate can be shown: {}.</p></section>\n",
            escape(&e)
        )),
        None => {}
    }
    p.push_str(FOOT);
    p
}

/// "What was checked": every check of `r` with its status word, title, explanation and details,
/// in the wording of the QR verification (also the wallet-request verdict pages, issue #17).
/// `heading_id` is the section heading's id (unique on the page).
pub(super) fn checks_section(p: &mut String, r: &crate::report::Report, heading_id: &str) {
    p.push_str(&format!("<section class=\"sheet\" aria-labelledby=\"{heading_id}\">\n<h2 class=\"section\" id=\"{heading_id}\">What was checked</h2>\n<ul class=\"checks\">\n"));
    for c in &r.checks {
        p.push_str(&format!(
            "<li class=\"check\" data-check=\"{name}\" data-status=\"{st}\"><span class=\"status status-{st}\">{word}</span><h3>{title}</h3><p>{plain}</p><p class=\"detail\">{detail}</p>",
            name = c.check.name(),
            st = status_name(c.status),
            word = outcome::status_word(c.status),
            title = outcome::check_title(c.check),
            plain = escape(outcome::explain(c)),
            detail = escape(&c.message),
        ));
        if !c.warnings.is_empty() {
            p.push_str("<ul class=\"detail warnings\">");
            for w in &c.warnings {
                p.push_str(&format!("<li>Warning: {}</li>", escape(&w.message)));
            }
            p.push_str("</ul>");
        }
        if !c.details.is_empty() {
            p.push_str("<ul class=\"detail\">");
            for d in &c.details {
                p.push_str(&format!(
                    "<li>{}: {} – {}</li>",
                    escape(&d.name),
                    outcome::status_word(d.status),
                    escape(&d.message)
                ));
            }
            p.push_str("</ul>");
        }
        p.push_str("</li>\n");
    }
    p.push_str("</ul>\n</section>\n");
}

/// The upload page: a file input (`file`) and a paste area (`credential`), posted as
/// multipart/form-data to `upload`. `error` is shown above the form.
pub fn upload_page(error: Option<&str>) -> String {
    let mut p = head("Check a credential", "");
    p.push_str("<section class=\"sheet\" aria-labelledby=\"upload-heading\">\n<h1 id=\"upload-heading\">Check a credential</h1>\n");
    p.push_str("<p>Check whether an ENHANCE credential is genuine: upload the credential file you received, or paste its content. The credential is checked and shown to you; it is not stored.</p>\n");
    if let Some(e) = error {
        p.push_str(&format!(
            "<p class=\"error\" role=\"alert\">{}</p>\n",
            escape(e)
        ));
    }
    p.push_str(concat!(
        "<form method=\"post\" action=\"upload\" enctype=\"multipart/form-data\">\n",
        "<div class=\"field\"><label for=\"file\">Credential file</label>",
        "<p class=\"hint\" id=\"file-hint\">A .json or .jsonld file (European Digital Credential, also JAdES-sealed or in the Europass upload format), or a .jwt file (VC-JWT or compact JAdES seal).</p>",
        "<input type=\"file\" id=\"file\" name=\"file\" aria-describedby=\"file-hint\" accept=\".json,.jsonld,.jwt,.txt,application/json,application/ld+json,text/plain\"></div>\n",
        "<div class=\"field\"><label for=\"credential\">Or paste the credential</label>",
        "<p class=\"hint\" id=\"credential-hint\">The JSON of the credential, or a VC-JWT, SD-JWT VC or compact JAdES seal (a long text starting with “ey”).</p>",
        "<textarea id=\"credential\" name=\"credential\" rows=\"10\" spellcheck=\"false\" aria-describedby=\"credential-hint\"></textarea></div>\n",
        "<button type=\"submit\">Check the credential</button>\n</form>\n",
        "<p id=\"ask-wallet-link\">The candidate keeps it in an EU wallet? <a href=\"ask-wallet\">Ask for it from the candidate's wallet</a>.</p>\n</section>\n",
    ));
    p.push_str(FOOT);
    p
}

/// A page asking for a share link (`GET /verify` without `credential`), with `error` shown.
pub fn link_page(error: Option<&str>) -> String {
    let mut p = head("Check a share link", "");
    p.push_str("<section class=\"sheet\" aria-labelledby=\"link-heading\">\n<h1 id=\"link-heading\">Check a share link</h1>\n");
    if let Some(e) = error {
        p.push_str(&format!(
            "<p class=\"error\" role=\"alert\">{}</p>\n",
            escape(e)
        ));
    }
    p.push_str(concat!(
        "<form method=\"get\" action=\"verify\">\n",
        "<div class=\"field\"><label for=\"credential-url\">Share link of the credential</label>",
        "<input type=\"url\" id=\"credential-url\" name=\"credential\" required placeholder=\"https://\"></div>\n",
        "<button type=\"submit\">Check the link</button>\n</form>\n",
        "<p>Have the file instead? <a href=\"upload\">Upload the credential</a>.</p>\n</section>\n",
    ));
    p.push_str(FOOT);
    p
}

/// A page with a message only (errors of the HTML routes).
pub fn message_page(title: &str, detail: &str) -> String {
    let mut p = head(title, "");
    p.push_str(&format!(
        "<section class=\"sheet\" aria-labelledby=\"message-heading\">\n<h1 id=\"message-heading\">{}</h1>\n<p class=\"error\">{}</p>\n<p><a href=\"upload\">Check a credential</a></p>\n</section>\n",
        escape(title),
        escape(detail)
    ));
    p.push_str(FOOT);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue #13: a credential from anywhere is rendered within the render budget; one with more
    /// text than the glyph budget (here a 2 MB full name) is refused before any layout, quickly.
    #[test]
    fn an_over_large_credential_is_not_laid_out() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/edc/samples/elm-v3-official/Sample-MC-Annex1-unsigned.jsonld"
        );
        let mut credential: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert!(certificate(&credential, "https://verify.example/verify").is_ok());
        credential["credentialSubject"]["fullName"]["en"] =
            serde_json::Value::String("Ana ".repeat(512 * 1024));
        let t = std::time::Instant::now();
        let e = certificate(&credential, "https://verify.example/verify").unwrap_err();
        assert!(
            e.contains("too large to display") && e.contains("glyphs"),
            "{e}"
        );
        assert!(
            t.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            t.elapsed()
        );
    }

    fn luminance(hex: &str) -> f64 {
        let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap();
        let ch = |shift: u32| {
            let c = f64::from((v >> shift) & 0xff) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(16) + 0.7152 * ch(8) + 0.0722 * ch(0)
    }

    /// WCAG 2.1 contrast ratio.
    fn contrast(a: &str, b: &str) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn every_colour_pair_has_aa_contrast() {
        assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        for (what, fg, bg) in COLOUR_PAIRS {
            let c = contrast(fg, bg);
            assert!(c >= 4.5, "{what}: {fg} on {bg} is {c:.2}:1");
            // The pair is really used by the stylesheet.
            let css = format!("{CSS}{BASE_CSS}").to_ascii_lowercase();
            assert!(
                css.contains(fg) || *fg == "#ffffff" || *fg == "#1a1a1a",
                "{what}: {fg} unused"
            );
            assert!(css.contains(bg) || *bg == "#ffffff", "{what}: {bg} unused");
        }
    }

    #[test]
    fn upload_page_labels_every_control() {
        let p = upload_page(Some("<b>bad</b>"));
        for id in ["file", "credential"] {
            assert!(p.contains(&format!("<label for=\"{id}\">")), "{id}");
            assert!(p.contains(&format!("id=\"{id}\" name=\"{id}\"")), "{id}");
        }
        assert!(p.contains("enctype=\"multipart/form-data\""));
        assert!(p.contains("&lt;b&gt;bad&lt;/b&gt;") && !p.contains("<b>bad"));
        assert!(p.contains("<html lang=\"en\">") && p.contains("name=\"viewport\""));
    }
}
