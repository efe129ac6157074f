//! IRI helpers for the fast path: keyword recognition (JSON-LD 1.1 §1.7 / API §5.2 IRI
//! Expansion steps 1-2), absolute-IRI and blank-node tests, RFC 3986 §5.2 reference resolution
//! (used only when a caller supplies a base IRI), and the N-Quads `IRIREF` well-formedness check
//! the JSON-LD to RDF algorithm (API §8.1) applies before emitting an IRI.

/// Every JSON-LD 1.1 keyword.
pub(crate) const KEYWORDS: &[&str] = &[
    "@base",
    "@container",
    "@context",
    "@direction",
    "@graph",
    "@id",
    "@import",
    "@included",
    "@index",
    "@json",
    "@language",
    "@list",
    "@nest",
    "@none",
    "@prefix",
    "@propagate",
    "@protected",
    "@reverse",
    "@set",
    "@type",
    "@value",
    "@version",
    "@vocab",
];

/// Whether `s` is a JSON-LD keyword.
pub(crate) fn is_keyword(s: &str) -> bool {
    s.starts_with('@') && KEYWORDS.contains(&s)
}

/// Whether `s` has the form of a keyword (`@` followed by one or more ALPHA), JSON-LD 1.1 §9.
pub(crate) fn looks_like_keyword(s: &str) -> bool {
    let b = s.as_bytes();
    match b.split_first() {
        Some((b'@', rest)) => !rest.is_empty() && rest.iter().all(|c| c.is_ascii_alphabetic()),
        _ => false,
    }
}

/// Whether `s` is a blank node identifier (`_:` prefix).
pub(crate) fn is_blank(s: &str) -> bool {
    s.starts_with("_:")
}

/// Whether the blank node identifier `s` (`_:` + label) has a label the oracle accepts: the
/// `json-ld` crate (through `rdf-types` 0.22 `BlankId`) takes `PN_CHARS_U | [0-9]` then `PN_CHARS*`
/// (RDF 1.1 N-Quads `BLANK_NODE_LABEL` without `.`) and treats anything else (`_:`, `_:a b`) as
/// a relative IRI reference, which safe mode rejects. The fast path declines those (found by the
/// `jsonld` fuzz target: `"proofPurpose": "_:"` was a blank node here and an error there).
pub(crate) fn is_oracle_blank_id(s: &str) -> bool {
    fn base(c: char) -> bool {
        matches!(c, 'A'..='Z' | 'a'..='z' | '\u{00c0}'..='\u{00d6}' | '\u{00d8}'..='\u{00f6}' | '\u{00f8}'..='\u{02ff}'
            | '\u{0370}'..='\u{037d}' | '\u{037f}'..='\u{1fff}' | '\u{200c}'..='\u{200d}' | '\u{2070}'..='\u{218f}'
            | '\u{2c00}'..='\u{2fef}' | '\u{3001}'..='\u{d7ff}' | '\u{f900}'..='\u{fdcf}' | '\u{fdf0}'..='\u{fffd}'
            | '\u{10000}'..='\u{effff}')
    }
    fn char_u(c: char) -> bool {
        base(c) || matches!(c, '_' | ':')
    }
    fn pn_char(c: char) -> bool {
        char_u(c)
            || matches!(c, '-' | '0'..='9' | '\u{00b7}' | '\u{0300}'..='\u{036f}' | '\u{203f}'..='\u{2040}')
    }
    let Some(label) = s.strip_prefix("_:") else {
        return false;
    };
    let mut chars = label.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_digit() || char_u(c)) && chars.all(pn_char)
}

/// Whether `s` starts with an RFC 3986 scheme followed by `:` (an absolute IRI).
pub(crate) fn is_absolute(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        Some(c) if c.is_ascii_alphabetic() => {}
        _ => return false,
    }
    for &c in b.iter().skip(1) {
        if c == b':' {
            return true;
        }
        if !(c.is_ascii_alphanumeric() || c == b'+' || c == b'-' || c == b'.') {
            return false;
        }
    }
    false
}

/// Bytes an IRI written as an N-Quads `IRIREF` cannot hold (controls, space, `<>"{}|^`\`, DEL),
/// and `[` `]`, which RFC 3987 allows only in an IP-literal host.
const fn forbidden(c: u8) -> bool {
    c <= 0x20
        || c == 0x7f
        || matches!(
            c,
            b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'^' | b'`' | b'\\' | b'[' | b']'
        )
}

/// Bytes that need a closer look in an IRI ([`forbidden`] ones, `#`, `%` and every non-ASCII
/// byte).
// Built in const evaluation, where `i < 256` holds and an out-of-range index would be a compile
// error, never a runtime panic.
#[allow(clippy::indexing_slicing)]
static SUSPICIOUS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        if forbidden(c) || c >= 0x80 || c == b'#' || c == b'%' {
            t[i] = 1;
        }
        i += 1;
    }
    t
};

#[inline(always)]
fn suspicious(c: u8) -> u8 {
    // Every u8 indexes the 256-entry table; the fallback is never taken.
    SUSPICIOUS.get(usize::from(c)).copied().unwrap_or(1)
}

/// Whether an IRI can be written as an N-Quads `IRIREF` without escapes. Anything else is
/// declined by the fast path (the toRdf algorithm would silently drop it). Also declined: what
/// RFC 3987 rejects and a processor may drop or flag (a second `#`, `[` or `]`, a `%` not followed
/// by two hex digits). Non-ASCII characters are allowed (IRIs), U+007F is not.
pub(crate) fn is_nquads_safe(s: &str) -> bool {
    let b = s.as_bytes();
    // Fast path: no byte that needs a closer look (branch-free, vectorizable).
    let mut acc = 0u8;
    for &c in b {
        acc |= suspicious(c);
    }
    if acc == 0 {
        return true;
    }
    let mut hashes = 0;
    for (i, &c) in b.iter().enumerate() {
        match c {
            c if forbidden(c) => return false,
            b'#' => {
                hashes += 1;
                if hashes > 1 {
                    return false;
                }
            }
            b'%' => {
                let ok = b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
                if !ok {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
}

/// Whether `s` can be a predicate as is: absolute, not a blank node, writable.
pub(crate) fn is_property_iri(s: &str) -> bool {
    !is_blank(s) && is_absolute(s) && is_nquads_safe(s)
}

/// Whether an IRI ends with a gen-delim character (JSON-LD 1.1 API §4.2.2 step 15.2.5).
pub(crate) fn ends_with_gen_delim(s: &str) -> bool {
    matches!(
        s.as_bytes().last(),
        Some(b':' | b'/' | b'?' | b'#' | b'[' | b']' | b'@')
    )
}

struct Parts<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

fn split(s: &str) -> Parts<'_> {
    let (rest, fragment) = match s.find('#') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (rest, query) = match rest.find('?') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (scheme, rest) = if is_absolute(rest) {
        match rest.find(':') {
            Some(i) => (Some(&rest[..i]), &rest[i + 1..]),
            None => (None, rest),
        }
    } else {
        (None, rest)
    };
    let (authority, path) = if let Some(r) = rest.strip_prefix("//") {
        match r.find('/') {
            Some(i) => (Some(&r[..i]), &r[i..]),
            None => (Some(r), ""),
        }
    } else {
        (None, rest)
    };
    Parts {
        scheme,
        authority,
        path,
        query,
        fragment,
    }
}

/// RFC 3986 §5.2.4 remove_dot_segments.
fn remove_dot_segments(path: &str) -> String {
    let mut input = path;
    let mut out: Vec<&str> = Vec::new();
    let mut out_string = String::with_capacity(path.len());
    // Work segment by segment, keeping the leading-slash structure.
    let absolute = input.starts_with('/');
    if absolute {
        input = &input[1..];
    }
    let segs: Vec<&str> = input.split('/').collect();
    let n = segs.len();
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == n;
        match *seg {
            "." => {
                if last {
                    out.push("");
                }
            }
            ".." => {
                out.pop();
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    if absolute {
        out_string.push('/');
    }
    out_string.push_str(&out.join("/"));
    out_string
}

fn merge(base: &Parts<'_>, rel_path: &str) -> String {
    if base.authority.is_some() && base.path.is_empty() {
        format!("/{rel_path}")
    } else {
        match base.path.rfind('/') {
            Some(i) => format!("{}{}", &base.path[..=i], rel_path),
            None => rel_path.to_owned(),
        }
    }
}

/// Resolves `reference` against the absolute `base` (RFC 3986 §5.2.2, strict).
pub(crate) fn resolve(base: &str, reference: &str) -> String {
    let r = split(reference);
    let b = split(base);
    let (scheme, authority, path, query);
    if r.scheme.is_some() {
        scheme = r.scheme;
        authority = r.authority;
        path = remove_dot_segments(r.path);
        query = r.query;
    } else {
        if r.authority.is_some() {
            authority = r.authority;
            path = remove_dot_segments(r.path);
            query = r.query;
        } else {
            if r.path.is_empty() {
                path = b.path.to_owned();
                query = if r.query.is_some() { r.query } else { b.query };
            } else {
                if r.path.starts_with('/') {
                    path = remove_dot_segments(r.path);
                } else {
                    path = remove_dot_segments(&merge(&b, r.path));
                }
                query = r.query;
            }
            authority = b.authority;
        }
        scheme = b.scheme;
    }
    let mut out = String::with_capacity(base.len() + reference.len());
    if let Some(s) = scheme {
        out.push_str(s);
        out.push(':');
    }
    if let Some(a) = authority {
        out.push_str("//");
        out.push_str(a);
    }
    out.push_str(&path);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    if let Some(f) = r.fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3986_examples() {
        let base = "http://a/b/c/d;p?q";
        for (r, want) in [
            ("g:h", "g:h"),
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q#s"),
            ("g#s", "http://a/b/c/g#s"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("/../g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
            ("..g", "http://a/b/c/..g"),
            ("./../g", "http://a/b/g"),
            ("./g/.", "http://a/b/c/g/"),
            ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"),
            ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
            ("g;x=1/../y", "http://a/b/c/y"),
        ] {
            assert_eq!(resolve(base, r), want, "{r}");
        }
    }
}
