//! The learner's page behind a share link (issue #7, item 4) and the share link's downloads.
//!
//! `GET /share/{token}` answers with this HTML page when the request's `Accept` header prefers
//! `text/html` (RFC 9110 §12.5.1 content negotiation; a browser's default `Accept` does, the
//! verifier's `application/ld+json, application/json` and a plain `*/*` do not, so machines keep
//! getting the EDC JSON-LD). The page shows the certificate and supplement (the `render` crate's
//! HTML, ENHANCE framework MS18 Annex 3), the downloads (EDC JSON-LD for Europass, the JAdES-sealed
//! file when the university seals, VC-JWT, PDF rendered on request), the QR code and link of the
//! credential's verification URL, and how to add the credential to a Europass wallet.
//!
//! No JavaScript; WCAG 2.1 AA basics: `<html lang>` and `lang` on the certificate part (3.1.1,
//! 3.1.2), headings in order, text alternatives (1.1.1), text contrast ≥ 4.5:1 (1.4.3), a visible
//! keyboard focus (2.4.7) and a skip link (2.4.1), reflow at 320 px (1.4.10, viewport meta).
//! Downloads carry `Content-Disposition: attachment` with a file name made from the credential id
//! (never from the share token, which is the secret of the link).
//!
//! The PDF (`?format=pdf`) and the certificate page image (`?format=png`) are rendered on the
//! service's rendering pool ([`crate::render_pool`], issue #13): within the render budget,
//! cancelled when the client disconnects, and cached by credential id, format and language, so a
//! public link cannot make the service render the same document again and again. A credential
//! over the budget (more glyphs or pages than configured: only credentials stored before the award
//! limits, or issued through the generic VC-API, can be) answers **422** `too-large-to-render`:
//! the refusal is permanent for that credential and format, and not the server's fault, so a
//! client must not retry (a 503 would invite retries of a render that can never succeed); a
//! busy pool, the deadline or a shutdown answers **503** with `Retry-After`.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use elm_model::view::CredentialView;
use serde_json::Value;

use super::{ApiError, AppState};
use crate::render_pool::{CacheKey, Kind, PoolError};
use render::{Exceeded, RenderError};

/// Label languages of the rendered certificate (the `render` crate's label sets).
pub const LANGUAGES: [(&str, &str); 4] = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("nl", "Nederlands"),
    ("pl", "Polski"),
];

/// Whether `Accept` prefers HTML over JSON: `text/html` (or `application/xhtml+xml`) is listed
/// with a quality above zero and at least the quality of every JSON type listed
/// (`application/ld+json`, `application/json`, `application/vc+ld+json`). Wildcards never select
/// the page.
pub fn prefers_html(headers: &HeaderMap) -> bool {
    let mut html = 0.0_f32;
    let mut json = 0.0_f32;
    let values = headers.get_all(header::ACCEPT);
    let ranges = service_kit::accept::media_ranges(values.iter().filter_map(|v| v.to_str().ok()));
    for (media, q) in ranges {
        match media.as_str() {
            "text/html" | "application/xhtml+xml" => html = html.max(q),
            "application/ld+json" | "application/json" | "application/vc+ld+json" => {
                json = json.max(q)
            }
            _ => {}
        }
    }
    html > 0.0 && html >= json
}

/// The label language to use: `requested` when supported, else the first supported language of
/// `Accept-Language` (RFC 9110 §12.5.4, quality order), else English.
pub fn pick_language(requested: Option<&str>, headers: &HeaderMap) -> &'static str {
    let supported = |tag: &str| {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        LANGUAGES.iter().map(|(l, _)| *l).find(|l| *l == primary)
    };
    if let Some(l) = requested.and_then(supported) {
        return l;
    }
    let mut ranked: Vec<(f32, &'static str)> = Vec::new();
    if let Some(v) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    {
        for item in v.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(l) = supported(tag) {
                if q > 0.0 {
                    ranked.push((q, l));
                }
            }
        }
    }
    // Stable sort: equal qualities keep the header's order.
    ranked.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
    ranked.first().map_or("en", |r| r.1)
}

/// `enhance-credential-<first 8 hex digits of the credential's UUID>` (or `enhance-credential`
/// when the id is not a `urn:uuid:`), from the credential's JSON-LD text.
pub fn download_base_name(credential_json: &str) -> String {
    let id = serde_json::from_str::<Value>(credential_json)
        .ok()
        .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_default();
    let short: String = id
        .strip_prefix("urn:uuid:")
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(8)
        .collect();
    if short.len() == 8 {
        format!("enhance-credential-{}", short.to_ascii_lowercase())
    } else {
        "enhance-credential".to_owned()
    }
}

/// `attachment; filename="NAME"` (`name` is built here from ASCII letters, digits, `-` and `.`).
pub fn attachment(name: &str) -> HeaderValue {
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        .collect();
    HeaderValue::from_str(&format!("attachment; filename=\"{safe}\""))
        .unwrap_or(HeaderValue::from_static("attachment"))
}

fn internal(detail: impl Into<String>) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Internal error",
        detail,
    )
}

/// The problem answer of a rendering that did not produce a document (see the module docs).
pub fn render_problem(e: &PoolError) -> ApiError {
    match e {
        PoolError::Render(RenderError::Budget(Exceeded::Deadline)) | PoolError::Busy(_) | PoolError::ShuttingDown | PoolError::Render(RenderError::Cancelled) => {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "render-busy", "The document cannot be rendered now", format!("{e}; retry later")).with_retry_after(5)
        }
        PoolError::Render(RenderError::Budget(x)) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too-large-to-render",
            "The credential is too large to render",
            format!("the credential needs more than the render budget allows ({x}); its JSON-LD (`?format=jsonld`) is complete"),
        ),
        PoolError::Render(RenderError::View(v)) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not-renderable",
            "The credential cannot be rendered",
            format!("not a European Digital Credential this service can render: {v}"),
        ),
        other => internal(format!("rendering failed: {other}")),
    }
}

/// The `id` of a credential's JSON-LD text (the cache key), if it has one.
fn credential_id(json: &str) -> Option<String> {
    serde_json::from_str::<Value>(json)
        .ok()?
        .get("id")?
        .as_str()
        .map(str::to_owned)
}

/// `GET /share/{token}?format=pdf|png[&lang=..]`: the certificate and supplement as a PDF, or the
/// certificate page as a PNG, with the QR code of the verification URL; rendered on the pool
/// within the render budget, then served from the cache.
pub async fn rendered(
    s: &AppState,
    token: &str,
    lang: &'static str,
    kind: Kind,
) -> Result<Response, ApiError> {
    let json = s
        .app
        .shared_credential(token, crate::app::ShareFormat::JsonLd)
        .await?;
    let (ext, content_type) = match kind {
        Kind::Pdf => ("pdf", "application/pdf"),
        Kind::Png => ("png", "image/png"),
    };
    let name = format!("{}-{lang}.{ext}", download_base_name(&json));
    // A share token belongs to one credential, so the id (or, without one, the token's own link)
    // identifies the rendering, QR code included.
    let credential_id = credential_id(&json)
        .unwrap_or_else(|| format!("share:{}", crate::domain::hash_token(token)));
    let key = CacheKey {
        credential_id,
        kind,
        language: lang.to_owned(),
    };
    let verification_url = s.app.verification_url(token);
    let bytes = s
        .app
        .render_pool()
        .cached(key, move |budget| {
            let options = render::RenderOptions::new(lang, verification_url).with_budget(budget);
            let view = CredentialView::from_slice(json.as_bytes())?;
            match kind {
                Kind::Pdf => render::pdf(&view, &options),
                Kind::Png => render::png(&view, &options),
            }
        })
        .await
        .map_err(|e| render_problem(&e))?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CONTENT_DISPOSITION, attachment(&name));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}

/// `GET /share/{token}?format=pdf[&lang=..]`: [`rendered`] as a PDF.
pub async fn pdf(s: &AppState, token: &str, lang: &'static str) -> Result<Response, ApiError> {
    rendered(s, token, lang, Kind::Pdf).await
}

const PAGE_CSS: &str = r#"
.skip{position:absolute;left:-999px;top:0;background:#fff;color:#1b365d;padding:.5rem 1rem;z-index:10}
.skip:focus{left:.5rem}
a:focus-visible,.button:focus-visible{outline:3px solid #b35900;outline-offset:2px}
.panel{background:#fff;margin:0 auto 1rem;padding:1rem 1.25rem;border-radius:4px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1.page-title{text-transform:none;letter-spacing:0;font-size:1.5rem;margin:.25rem 0 .5rem;text-align:left}
h1.page-title::after{content:none}
.kicker{color:#4a4a4a;font-size:.9rem;margin:0}
.panel h2{color:#1b365d;font-size:1.2rem;margin:.2rem 0 .6rem}
.verify{display:flex;gap:1rem;flex-wrap:wrap;align-items:flex-start}
.verify img{width:10rem;height:10rem;max-width:100%;border:1px solid #c8c8c8}
.verify div{flex:1 1 14rem;min-width:0}
.url{overflow-wrap:anywhere;font-size:.85rem}
a{color:#1b365d}
ul.downloads{list-style:none;padding:0;margin:0}
ul.downloads li{margin:.5rem 0}
.button{display:inline-block;background:#1b365d;color:#fff;padding:.45rem .9rem;border-radius:4px;text-decoration:none;font-weight:bold}
.button:hover{background:#0f2440}
.hint{color:#4a4a4a;font-size:.9rem}
nav.langs ul{list-style:none;padding:0;margin:.3rem 0;display:flex;gap:.75rem;flex-wrap:wrap}
nav.langs a[aria-current]{font-weight:bold;text-decoration:none}
button.button{border:0;font:inherit;cursor:pointer}
button.button:focus-visible{outline:3px solid #b35900;outline-offset:2px}
.pin{font-size:1.75rem;font-weight:bold;letter-spacing:.2em;margin:.2rem 0}
"#;

/// Splits the `render` crate's standalone HTML document into its style sheet and the content of
/// its `<main>` (the certificate and supplement sections), to place them inside this page.
pub fn certificate_parts(document: &str) -> Result<(&str, &str), ApiError> {
    let between = |start: &str, end: &str| -> Option<&str> {
        let a = document.find(start)? + start.len();
        let b = a + document[a..].rfind(end)?;
        Some(&document[a..b])
    };
    let css = between("<style>", "</style>")
        .ok_or_else(|| internal("the certificate HTML has no style sheet"))?;
    let main = between("<main>", "</main>")
        .ok_or_else(|| internal("the certificate HTML has no <main>"))?;
    Ok((css, main))
}

/// The learner's page of the credential behind `token`, certificate labels in `lang`.
pub async fn learner_page(
    s: &AppState,
    token: &str,
    lang: &'static str,
) -> Result<Response, ApiError> {
    let (json, jades, vc_jwt) = s.app.shared_forms(token).await?;
    let verification_url = s.app.verification_url(token);
    let base = download_base_name(&json);
    let mut options = render::RenderOptions::new(lang, verification_url.clone());
    options.budget.max_glyphs = s.app.render_pool().settings().max_glyphs;
    let (doc, certificate) = tokio::task::spawn_blocking(move || {
        // HTML is linear in the text; the glyph budget still refuses an over-large credential.
        let view = CredentialView::from_slice(json.as_bytes())
            .map_err(|e| render_problem(&PoolError::Render(e.into())))?;
        let doc = render::budgeted_document(&view, &options)
            .map_err(|e| render_problem(&PoolError::Render(e)))?;
        let html = render::html::document(&doc)
            .map_err(|e| internal(format!("rendering the certificate failed: {e}")))?;
        Ok::<_, ApiError>((doc, html))
    })
    .await
    .map_err(|_| internal("the rendering task failed"))??;
    let (cert_css, cert_main) = certificate_parts(&certificate)?;
    let e = render::html::escape;
    // Relative links: `/share/{token}` → `{token}?format=..`, `{token}/qr.svg` (right behind any
    // reverse proxy path).
    let t = e(token);
    let mut o = String::with_capacity(certificate.len() + 8 * 1024);
    o.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex, nofollow\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<title>{} – {}</title>\n<style>{cert_css}{PAGE_CSS}</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#certificate\">Skip to the certificate</a>\n<main>\n",
        e(&doc.title),
        e(&doc.page.learner)
    ));
    o.push_str(&format!(
        "<section class=\"panel\" aria-labelledby=\"page-title\">\n<p class=\"kicker\">ENHANCE European University Alliance – digital credential</p>\n<h1 id=\"page-title\" class=\"page-title\" lang=\"{l}\">{}</h1>\n<p>Issued to <strong>{}</strong> by <span lang=\"{l}\">{}</span>.</p>\n<p class=\"hint\">Anyone who has the link to this page can see this credential. Share it only with people who should see it.</p>\n</section>\n",
        e(&doc.page.opportunity),
        e(&doc.page.learner),
        e(&doc.page.university),
        l = e(&doc.language)
    ));
    o.push_str(&format!(
        "<section class=\"panel\" aria-labelledby=\"verify-title\">\n<h2 id=\"verify-title\">Check that it is genuine</h2>\n<div class=\"verify\"><img src=\"{t}/qr.svg\" width=\"160\" height=\"160\" alt=\"QR code linking to the verification page of this credential\"><div><p>An employer or admissions office scans this QR code (it is also printed on the PDF) or opens the verification page. It checks the university’s signature and whether the credential was revoked, and shows the result.</p><p><a id=\"verification-link\" href=\"{u}\">Open the verification page</a></p><p class=\"url\">{u}</p></div></div>\n</section>\n",
        u = e(&verification_url)
    ));
    o.push_str("<section class=\"panel\" aria-labelledby=\"downloads-title\">\n<h2 id=\"downloads-title\">Download</h2>\n<ul class=\"downloads\">\n");
    o.push_str(&format!(
        "<li><a class=\"button\" id=\"download-pdf\" href=\"{t}?format=pdf&amp;lang={lang}\" download=\"{base}-{lang}.pdf\">PDF document</a> <span class=\"hint\">Certificate and supplement to print or attach (with the QR code).</span></li>\n"
    ));
    o.push_str(&format!(
        "<li><a class=\"button\" id=\"download-jsonld\" href=\"{t}?format=jsonld\" download=\"{base}.jsonld\">Credential file (JSON-LD)</a> <span class=\"hint\">The European Digital Credential, for Europass and other wallets.</span></li>\n"
    ));
    if jades.is_some() {
        o.push_str(&format!(
            "<li><a class=\"button\" id=\"download-jades\" href=\"{t}?format=jades\" download=\"{base}.jades.json\">Sealed credential file (JAdES)</a> <span class=\"hint\">The same credential with the university’s electronic seal.</span></li>\n"
        ));
    }
    if vc_jwt.is_some() {
        o.push_str(&format!(
            "<li><a class=\"button\" id=\"download-jwt\" href=\"{t}?format=jwt\" download=\"{base}.jwt\">Credential as VC-JWT</a> <span class=\"hint\">For wallets and services that take JSON Web Tokens.</span></li>\n"
        ));
    }
    o.push_str("</ul>\n</section>\n");
    let sealed = if jades.is_some() {
        "the sealed credential file (JAdES) or, if Europass does not take it, the credential file (JSON-LD)"
    } else {
        "the credential file (JSON-LD)"
    };
    o.push_str(&format!(
        "<section class=\"panel\" aria-labelledby=\"europass-title\">\n<h2 id=\"europass-title\">Add it to your Europass wallet</h2>\n<ol>\n<li>Download {sealed} from this page.</li>\n<li>Sign in to your Europass profile at <a href=\"https://europass.europa.eu/\">europass.europa.eu</a> (creating a profile is free).</li>\n<li>Open your Europass Library (“My Library”), choose to add or upload a credential, and select the downloaded file.</li>\n</ol>\n<p class=\"hint\">Europass shows the credential and checks it when you upload it. The Europass site may name its menus differently from this description; this page cannot check what Europass accepts. The PDF is for people, not for wallets.</p>\n</section>\n"
    ));
    if s.app.share_offerable(token).await? {
        let lifetime = s.app.oid4vci_settings().offers.code_lifetime_secs;
        o.push_str(&wallet_section(&t, lifetime.div_ceil(60)));
    }
    o.push_str("<nav class=\"panel langs\" aria-label=\"Language of the certificate\">\n<p>Show the certificate in:</p><ul>");
    for (code, name) in LANGUAGES {
        let current = if code == lang {
            " aria-current=\"true\""
        } else {
            ""
        };
        o.push_str(&format!("<li><a href=\"{t}?lang={code}\" lang=\"{code}\" hreflang=\"{code}\"{current}>{name}</a></li>"));
    }
    o.push_str("</ul>\n</nav>\n");
    o.push_str(&format!("<div id=\"certificate\" lang=\"{}\" tabindex=\"-1\">\n{cert_main}</div>\n</main>\n</body>\n</html>\n", e(&doc.language)));
    let mut res = html_page(o);
    res.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Language"),
    );
    Ok(res)
}

/// An HTML page (the share link's, the console's): never stored by caches, no referrer, no
/// sniffing.
pub(crate) fn html_page(html: String) -> Response {
    let mut res = html.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    res
}

/// The learner page's "Add to your EU wallet" section (issue #16): a form (POST, no JavaScript)
/// to `{token}/wallet`, which answers [`wallet_offer_page`]; `t` is the escaped share token.
fn wallet_section(t: &str, minutes: u64) -> String {
    format!(
        "<section class=\"panel\" aria-labelledby=\"wallet-title\">\n<h2 id=\"wallet-title\">Add to your EU wallet</h2>\n<p>Receive this credential in an EU Digital Identity Wallet, or another wallet that supports OpenID for Verifiable Credential Issuance: as the European Digital Credential, as a VC-JWT and as the EU learning credential (SD-JWT VC).</p>\n<form method=\"post\" action=\"{t}/wallet\"><button class=\"button\" type=\"submit\" id=\"wallet-offer\">Show the QR code and PIN for my wallet</button></form>\n<p class=\"hint\">You get a QR code to scan with your wallet, a link for a wallet on this device, and a PIN the wallet asks for. Each is new every time, can be used once and expires after {minutes} minutes.</p>\n</section>\n"
    )
}

/// The page `POST /share/{token}/wallet` answers: the QR code of the offer's deep link (inline
/// SVG), the same-device link and the PIN, shown this once (issue #16; OpenID4VCI 1.0 §4.1).
pub fn wallet_offer_page(
    token: &str,
    offer: &crate::oid4vci::offers::CreatedOffer,
) -> Result<Response, ApiError> {
    let e = render::html::escape;
    let qr = render::qr::Qr::new(&offer.deep_link)
        .map_err(|err| internal(format!("QR code of the offer: {err}")))?
        .svg(
            256.0,
            "QR code of the wallet offer: scan it with your wallet",
        );
    let pin = match &offer.tx_code {
        Some(pin) => format!(
            "<h2 id=\"pin-title\">Your PIN</h2>\n<p class=\"pin\" id=\"tx-code\">{}</p>\n<p class=\"hint\">Your wallet asks for this PIN. It is shown only on this page, only this once: keep it to yourself.</p>\n",
            e(pin)
        ),
        None => String::new(),
    };
    let expires = chrono::DateTime::parse_from_rfc3339(&offer.expires_at)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| offer.expires_at.clone());
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex, nofollow\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<title>Add your credential to an EU wallet</title>\n<style>{WALLET_CSS}{PAGE_CSS}</style>\n</head>\n<body>\n<main>\n<section class=\"panel\" aria-labelledby=\"page-title\">\n<h1 id=\"page-title\" class=\"page-title\">Add your credential to an EU wallet</h1>\n<p>Scan the QR code with your wallet, or, if the wallet is on this device, open the link. The offer can be used once and expires at {exp} (UTC).</p>\n<div class=\"verify\">{qr}<div>\n{pin}<p><a class=\"button\" id=\"wallet-link\" href=\"{link}\">Open in the wallet on this device</a></p>\n</div></div>\n<p><a href=\"../{t}\">Back to your credential</a></p>\n</section>\n</main>\n</body>\n</html>\n",
        exp = e(&expires),
        link = e(&offer.deep_link),
        t = e(token),
    );
    Ok(html_page(html))
}

/// The offer page's base style (the learner page takes it from the certificate's style sheet).
const WALLET_CSS: &str = "body{font-family:system-ui,sans-serif;color:#1a1a1a;background:#f3f4f6;margin:0;padding:1rem;line-height:1.5}main{max-width:48rem;margin:0 auto}.verify svg{width:16rem;height:16rem;max-width:100%;border:1px solid #c8c8c8}";

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn negotiation() {
        assert!(prefers_html(&accept(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        )));
        assert!(!prefers_html(&accept(
            "application/ld+json, application/json"
        )));
        assert!(!prefers_html(&accept("*/*")));
        assert!(!prefers_html(&HeaderMap::new()));
        assert!(!prefers_html(&accept(
            "text/html;q=0.5, application/ld+json"
        )));
        assert!(!prefers_html(&accept("text/html;q=0")));
        assert!(prefers_html(&accept("application/json;q=0.2, text/html")));
    }

    #[test]
    fn language_and_names() {
        let mut h = HeaderMap::new();
        assert_eq!(pick_language(None, &h), "en");
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("fr-FR, pl;q=0.5, de-CH;q=0.8"),
        );
        assert_eq!(pick_language(None, &h), "de");
        assert_eq!(pick_language(Some("nl"), &h), "nl");
        assert_eq!(pick_language(Some("xx"), &h), "de");
        assert_eq!(
            download_base_name(r#"{"id":"urn:uuid:1A2B3C4D-0000-4000-8000-000000000000"}"#),
            "enhance-credential-1a2b3c4d"
        );
        assert_eq!(download_base_name("{}"), "enhance-credential");
        assert_eq!(
            attachment("a\"b.pdf").to_str().unwrap(),
            "attachment; filename=\"ab.pdf\""
        );
    }
}
