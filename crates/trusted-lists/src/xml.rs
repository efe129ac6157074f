//! The hardened XML reader for trusted lists (XML 1.0 as profiled by ETSI TS 119 612 §5: one
//! UTF-8 document, no DTD).
//!
//! Crate choice: `roxmltree` 0.20. It builds a read-only tree that keeps, for every element and
//! attribute, its byte range in the input, which exclusive canonicalisation needs (the prefix as
//! written); it resolves namespaces; it refuses DTDs when `allow_dtd` is off and caps the node
//! count (`nodes_limit`). `quick-xml` would have meant building our own tree and namespace scopes
//! for canonicalisation. The crate was already in the build (through the renderer's SVG stack).
//! Belt and braces, before the parser sees a byte: the size cap, UTF-8, and a scan that refuses
//! `<!DOCTYPE` / `<!ENTITY` anywhere (so no entity expansion, "billion laughs", or external
//! entity is ever attempted). After parsing: an element depth cap.

use crate::TlError;

/// Caps on an XML trusted list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XmlLimits {
    /// Largest document, in bytes (default 20 MiB; the LOTL is ~0.4 MB, the largest national
    /// lists a few MB).
    pub max_bytes: usize,
    /// Most XML nodes (elements, texts, comments, PIs; default 2,000,000).
    pub max_nodes: u32,
    /// Deepest element nesting (default 64; real lists are under 20 deep).
    pub max_depth: usize,
}

/// Default size cap: 20 MiB.
pub const DEFAULT_MAX_LIST_BYTES: usize = 20 * 1024 * 1024;

impl Default for XmlLimits {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_LIST_BYTES,
            max_nodes: 2_000_000,
            max_depth: 64,
        }
    }
}

/// Checks size, encoding and the absence of a DTD, and returns the text.
pub fn precheck<'a>(bytes: &'a [u8], limits: &XmlLimits) -> Result<&'a str, TlError> {
    if bytes.len() > limits.max_bytes {
        return Err(TlError::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| TlError::Xml(format!("not UTF-8 at byte {}", e.valid_up_to())))?;
    if contains_ascii_ci(text.as_bytes(), b"<!DOCTYPE")
        || contains_ascii_ci(text.as_bytes(), b"<!ENTITY")
    {
        return Err(TlError::Dtd);
    }
    check_depth(text.as_bytes(), limits.max_depth)?;
    Ok(text)
}

/// Position of `needle` in `hay` at or after `from` (or the end).
fn find_from(hay: &[u8], from: usize, needle: &[u8]) -> usize {
    hay.get(from..)
        .and_then(|rest| rest.windows(needle.len()).position(|w| w == needle))
        .map_or(hay.len(), |p| {
            from.saturating_add(p).saturating_add(needle.len())
        })
}

/// A linear scan of the element nesting before the (recursive) parser runs, so that deep nesting
/// cannot exhaust the stack: start tags open, end tags close, `/>` does both; comments, CDATA and
/// PIs are skipped; quotes inside tags are respected. Malformed input is left to the parser.
fn check_depth(b: &[u8], max: usize) -> Result<(), TlError> {
    let mut depth = 0usize;
    let mut i = 0usize;
    while i < b.len() {
        if b.get(i) != Some(&b'<') {
            i = i.saturating_add(1);
            continue;
        }
        let rest = b.get(i..).unwrap_or_default();
        if rest.starts_with(b"<!--") {
            i = find_from(b, i, b"-->");
        } else if rest.starts_with(b"<![CDATA[") {
            i = find_from(b, i, b"]]>");
        } else if rest.starts_with(b"<?") {
            i = find_from(b, i, b"?>");
        } else if rest.starts_with(b"</") || rest.starts_with(b"<!") {
            if rest.starts_with(b"</") {
                depth = depth.saturating_sub(1);
            }
            i = find_from(b, i, b">");
        } else {
            // A start tag: find its end outside quotes.
            let mut j = i.saturating_add(1);
            let mut quote: Option<u8> = None;
            let mut prev = 0u8;
            while let Some(&c) = b.get(j) {
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None if c == b'"' || c == b'\'' => quote = Some(c),
                    None if c == b'>' => break,
                    None => {}
                }
                prev = c;
                j = j.saturating_add(1);
            }
            if prev != b'/' {
                depth = depth.saturating_add(1);
                if depth > max {
                    return Err(TlError::Xml(format!(
                        "elements nested deeper than {max} levels"
                    )));
                }
            }
            i = j.saturating_add(1);
        }
    }
    Ok(())
}

fn contains_ascii_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Parses `text` (already [`precheck`]ed) with the node cap, DTDs refused, then checks the depth.
pub fn parse<'a>(text: &'a str, limits: &XmlLimits) -> Result<roxmltree::Document<'a>, TlError> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: limits.max_nodes,
    };
    let doc = roxmltree::Document::parse_with_options(text, opts).map_err(|e| match e {
        roxmltree::Error::DtdDetected => TlError::Dtd,
        other => TlError::Xml(other.to_string()),
    })?;
    let cap = limits.max_depth;
    for n in doc.descendants().filter(|n| n.is_element()) {
        // ancestors() includes the node and the document root.
        if n.ancestors().take(cap.saturating_add(2)).count() > cap.saturating_add(1) {
            return Err(TlError::Xml(format!(
                "elements nested deeper than {cap} levels"
            )));
        }
    }
    Ok(doc)
}

/// The TS 119 612 namespace.
pub const NS_TSL: &str = "http://uri.etsi.org/02231/v2#";
/// The XMLDSig namespace.
pub const NS_DS: &str = "http://www.w3.org/2000/09/xmldsig#";

/// The first child element of `node` named `name` in `ns`.
pub fn child<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    ns: &str,
    name: &str,
) -> Option<roxmltree::Node<'a, 'i>> {
    node.children().find(|c| {
        c.is_element() && c.tag_name().name() == name && c.tag_name().namespace() == Some(ns)
    })
}

/// Every child element of `node` named `name` in `ns`.
pub fn children<'a, 'i: 'a>(
    node: roxmltree::Node<'a, 'i>,
    ns: &'a str,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + 'a {
    node.children().filter(move |c| {
        c.is_element() && c.tag_name().name() == name && c.tag_name().namespace() == Some(ns)
    })
}

/// The trimmed text of `node`'s child `name` (TSL namespace).
pub fn child_text(node: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    child(node, NS_TSL, name).map(|c| text_of(c))
}

/// The concatenated, trimmed text content of `node`.
pub fn text_of(node: roxmltree::Node<'_, '_>) -> String {
    let mut s = String::new();
    for d in node.descendants().filter(|d| d.is_text()) {
        s.push_str(d.text().unwrap_or(""));
    }
    s.trim().to_string()
}
