//! XML canonicalisation for XMLDSig over a `roxmltree` tree: Exclusive XML Canonicalization 1.0
//! (W3C REC xml-exc-c14n-20020718, without comments, no InclusiveNamespaces prefix list), the
//! method every trusted list in use signs with, and Canonical XML 1.0 (W3C REC
//! xml-c14n-20010315, without comments) for references without a canonicalisation transform.
//!
//! Written here because no maintained Rust crate canonicalises a read-only tree that we also
//! read the list from (the wrapping guard needs the verified node and the read node to be the
//! same); the `xml-c14n`-style crates re-parse text, which would mean two parsers that might
//! disagree. The rules implemented: elements as start/end tag pairs; attributes sorted by
//! (namespace URI, local name), values escaped (`& < " TAB LF CR`); text escaped (`& < > CR`);
//! comments dropped; processing instructions kept; namespace declarations emitted where
//! "visibly utilized" (exclusive) or in scope (inclusive) and not already emitted by the nearest
//! output ancestor; declarations sorted by prefix, the default first. Element and attribute
//! prefixes are taken from the input as written (byte ranges kept by the parser).

use roxmltree::{Node, NodeId};

/// The canonicalisation methods supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `http://www.w3.org/2001/10/xml-exc-c14n#`.
    Exclusive,
    /// `http://www.w3.org/TR/2001/REC-xml-c14n-20010315`.
    Inclusive,
}

impl Method {
    /// The method for an algorithm URI (`None`: not supported, including the WithComments forms).
    pub fn from_uri(uri: &str) -> Option<Self> {
        match uri {
            "http://www.w3.org/2001/10/xml-exc-c14n#" => Some(Self::Exclusive),
            "http://www.w3.org/TR/2001/REC-xml-c14n-20010315" => Some(Self::Inclusive),
            _ => None,
        }
    }
}

const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Canonicalises the subtree of `apex` (an element), leaving out the subtree of `exclude` (the
/// enveloped signature), into `out`.
pub fn canonicalize(
    apex: Node<'_, '_>,
    exclude: Option<NodeId>,
    method: Method,
    out: &mut Vec<u8>,
) {
    let mut rendered: Vec<(String, String)> = Vec::new();
    element(apex, exclude, method, &mut rendered, true, out);
}

/// Canonicalises a whole document (`URI=""`): the document element and any processing
/// instructions around it, leaving out `exclude`'s subtree.
pub fn canonicalize_document(
    doc: &roxmltree::Document<'_>,
    exclude: Option<NodeId>,
    method: Method,
    out: &mut Vec<u8>,
) {
    let mut seen_root = false;
    for n in doc.root().children() {
        if n.is_element() {
            canonicalize(n, exclude, method, out);
            seen_root = true;
        } else if let Some(pi) = n.pi() {
            if seen_root {
                out.push(b'\n');
            }
            write_pi(pi, out);
            if !seen_root {
                out.push(b'\n');
            }
        }
    }
}

fn write_pi(pi: roxmltree::PI<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<?");
    out.extend_from_slice(pi.target.as_bytes());
    if let Some(v) = pi.value.filter(|v| !v.is_empty()) {
        out.push(b' ');
        out.extend_from_slice(v.as_bytes());
    }
    out.extend_from_slice(b"?>");
}

/// The qualified name as written at the start of `range` in the input (after `skip` bytes).
fn written_qname(input: &str, start: usize) -> &str {
    let rest = input.get(start..).unwrap_or("");
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '/' || c == '>' || c == '=')
        .unwrap_or(rest.len());
    rest.get(..end).unwrap_or("")
}

fn prefix_of(qname: &str) -> &str {
    qname.split_once(':').map(|(p, _)| p).unwrap_or("")
}

fn lookup<'a>(rendered: &'a [(String, String)], prefix: &str) -> Option<&'a str> {
    rendered
        .iter()
        .rev()
        .find(|(p, _)| p == prefix)
        .map(|(_, u)| u.as_str())
}

fn element(
    node: Node<'_, '_>,
    exclude: Option<NodeId>,
    method: Method,
    rendered: &mut Vec<(String, String)>,
    apex: bool,
    out: &mut Vec<u8>,
) {
    let input = node.document().input_text();
    let qname = written_qname(input, node.range().start.saturating_add(1));
    // Namespace declarations to emit.
    let mut decls: Vec<(String, String)> = Vec::new();
    let in_scope = |prefix: &str| -> String {
        node.namespaces()
            .find(|ns| ns.name().unwrap_or("") == prefix)
            .map(|ns| ns.uri().to_string())
            .unwrap_or_default()
    };
    let consider = |prefix: &str, uri: String, decls: &mut Vec<(String, String)>| {
        if prefix == "xml" || decls.iter().any(|(p, _)| p == prefix) {
            return;
        }
        let current = lookup(rendered, prefix).unwrap_or("");
        if current != uri {
            decls.push((prefix.to_string(), uri));
        }
    };
    let mut attrs: Vec<(String, String, String, String)> = Vec::new(); // (ns uri, local, qname, value)
    for a in node.attributes() {
        let aq = written_qname(input, a.range_qname().start);
        let aq = if aq.is_empty() { a.name() } else { aq };
        attrs.push((
            a.namespace().unwrap_or("").to_string(),
            a.name().to_string(),
            aq.to_string(),
            a.value().to_string(),
        ));
    }
    match method {
        Method::Exclusive => {
            let p = prefix_of(qname);
            consider(p, in_scope(p), &mut decls);
            for (ns, _, aq, _) in &attrs {
                if !ns.is_empty() {
                    let ap = prefix_of(aq);
                    consider(ap, in_scope(ap), &mut decls);
                }
            }
        }
        Method::Inclusive => {
            for ns in node.namespaces() {
                consider(ns.name().unwrap_or(""), ns.uri().to_string(), &mut decls);
            }
            if node.default_namespace().is_none() {
                consider("", String::new(), &mut decls);
            }
            if apex {
                // Canonical XML 1.0 §2.4: a subtree's apex inherits xml:* attributes.
                for anc in node.ancestors().skip(1).filter(|a| a.is_element()) {
                    for a in anc.attributes().filter(|a| a.namespace() == Some(XML_NS)) {
                        if !attrs
                            .iter()
                            .any(|(ns, l, _, _)| ns == XML_NS && l == a.name())
                        {
                            attrs.push((
                                XML_NS.into(),
                                a.name().into(),
                                format!("xml:{}", a.name()),
                                a.value().into(),
                            ));
                        }
                    }
                }
            }
        }
    }
    decls.sort_by(|a, b| a.0.cmp(&b.0));
    attrs.sort_by(|a, b| (a.0.as_str(), a.1.as_str()).cmp(&(b.0.as_str(), b.1.as_str())));
    out.push(b'<');
    out.extend_from_slice(qname.as_bytes());
    let mark = rendered.len();
    for (p, u) in decls {
        if p.is_empty() {
            out.extend_from_slice(b" xmlns=\"");
        } else {
            out.extend_from_slice(b" xmlns:");
            out.extend_from_slice(p.as_bytes());
            out.extend_from_slice(b"=\"");
        }
        escape_attr(&u, out);
        out.push(b'"');
        rendered.push((p, u));
    }
    for (_, _, aq, v) in &attrs {
        out.push(b' ');
        out.extend_from_slice(aq.as_bytes());
        out.extend_from_slice(b"=\"");
        escape_attr(v, out);
        out.push(b'"');
    }
    out.push(b'>');
    for c in node.children() {
        if Some(c.id()) == exclude {
            continue;
        }
        if c.is_element() {
            element(c, exclude, method, rendered, false, out);
        } else if c.is_text() {
            escape_text(c.text().unwrap_or(""), out);
        } else if let Some(pi) = c.pi() {
            write_pi(pi, out);
        }
    }
    rendered.truncate(mark);
    out.extend_from_slice(b"</");
    out.extend_from_slice(qname.as_bytes());
    out.push(b'>');
}

fn escape_text(s: &str, out: &mut Vec<u8>) {
    for b in s.bytes() {
        match b {
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            b'\r' => out.extend_from_slice(b"&#xD;"),
            _ => out.push(b),
        }
    }
}

fn escape_attr(s: &str, out: &mut Vec<u8>) {
    for b in s.bytes() {
        match b {
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'"' => out.extend_from_slice(b"&quot;"),
            b'\t' => out.extend_from_slice(b"&#x9;"),
            b'\n' => out.extend_from_slice(b"&#xA;"),
            b'\r' => out.extend_from_slice(b"&#xD;"),
            _ => out.push(b),
        }
    }
}
