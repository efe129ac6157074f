//! Security headers of every response of both services.
//!
//! Every response: `X-Content-Type-Options: nosniff` (no MIME sniffing) and
//! `Referrer-Policy: no-referrer` (share links and verification URLs carry bearer secrets in the
//! path or query, which must not leak to other sites through `Referer`).
//!
//! Every HTML page (and SVG image, which a browser can open as a document): a
//! Content-Security-Policy (CSP Level 3) that allows no script at all, images from the service
//! itself and `data:` URLs, styles only from the page's own `<style>` elements — named by the
//! SHA-256 hash of their content (§2.3.1 hash-source), so an injected `<style>` or `style`
//! attribute is not applied — forms posting only to the service, no `<base>`, and no framing
//! (`frame-ancestors 'none'`, against clickjacking; `X-Frame-Options: DENY` for old browsers).
//! A handler that sets its own `Content-Security-Policy` (built on [`html_csp`]) keeps it.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The policy of documents that are not HTML (SVG images, problem JSON opened in a tab).
pub const NON_HTML_CSP: &str = "default-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Largest HTML page whose styles are hashed (pages are built in memory; a larger one gets a
/// policy without styles rather than being buffered).
const MAX_HASHED_PAGE: usize = 64 * 1024 * 1024;

/// The Content-Security-Policy of an HTML page whose inline `<style>` elements are `html`'s.
pub fn html_csp(html: &str) -> String {
    let hashes = style_hashes(html);
    let style = if hashes.is_empty() {
        "'none'".to_owned()
    } else {
        hashes.join(" ")
    };
    format!("default-src 'none'; img-src 'self' data:; style-src {style}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
}

/// `'sha256-<base64>'` of the content of every `<style>` element of `html`, in order, without
/// duplicates.
pub fn style_hashes(html: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(start) = find_ascii_ci(rest, "<style") {
        let after = &rest[start + "<style".len()..];
        // `<style>` or `<style attr...>`, not `<styles>`.
        if !after.starts_with(['>', ' ', '\t', '\n', '\r']) {
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        let content_and_rest = &after[gt + 1..];
        let Some(end) = find_ascii_ci(content_and_rest, "</style") else {
            break;
        };
        let content = &content_and_rest[..end];
        let digest = Sha256::digest(content.as_bytes());
        let source = format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest)
        );
        if !out.contains(&source) {
            out.push(source);
        }
        rest = &content_and_rest[end..];
    }
    out
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n))
}

/// Middleware (`axum::middleware::from_fn(security_headers)`): adds the headers above.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut res = if content_type.starts_with("text/html") {
        let (mut parts, body) = res.into_parts();
        match axum::body::to_bytes(body, MAX_HASHED_PAGE).await {
            Ok(bytes) => {
                // A page that needs more than the default (the verifier's wallet-request page
                // loads its own polling script) sets its own policy, built on `html_csp`.
                if !parts.headers.contains_key(header::CONTENT_SECURITY_POLICY) {
                    let csp = html_csp(&String::from_utf8_lossy(&bytes));
                    if let Ok(v) = HeaderValue::from_str(&csp) {
                        parts.headers.insert(header::CONTENT_SECURITY_POLICY, v);
                    }
                }
                parts
                    .headers
                    .insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
                Response::from_parts(parts, Body::from(bytes))
            }
            Err(e) => {
                tracing::error!(error = %e, "an HTML response could not be read");
                crate::problem::problem(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal error",
                    "the page could not be produced",
                )
                .into_response()
            }
        }
    } else {
        let mut res = res;
        if content_type.starts_with("image/svg+xml") {
            res.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(NON_HTML_CSP),
            );
        }
        res
    };
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_each_style_element_once() {
        let page = "<html><head><STYLE>a{b:c}</style><style media=\"print\">x{}</style><style>a{b:c}</style></head><body><styles></styles>&lt;style&gt;</body></html>";
        let h = style_hashes(page);
        assert_eq!(h.len(), 2, "{h:?}");
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"a{b:c}"));
        assert_eq!(h[0], format!("'sha256-{expected}'"));
        let csp = html_csp(page);
        assert!(
            csp.contains("frame-ancestors 'none'")
                && csp.contains("default-src 'none'")
                && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert!(html_csp("<p>no styles</p>").contains("style-src 'none'"));
        // An unterminated style element adds nothing.
        assert!(style_hashes("<style>a{").is_empty());
    }
}
