//! Quad output of the fast path: RDF terms kept as spans of one string arena, the literal
//! conversions of JSON-LD 1.1 API §8.6 (Object to RDF: booleans, `xsd:integer`, canonical
//! `xsd:double`, `rdf:JSON` via JCS, RFC 8785), and canonical N-Quads output (RDFC-1.0 §4.9 /
//! RDF 1.2 N-Quads canonical form, byte-identical to [`crate::nquads`]): without blank nodes the
//! canonical form is the sorted, deduplicated lines; with blank nodes the quads are handed to
//! [`crate::rdfc10`].

use super::{decline, Fail};
use crate::term::{Literal, Quad, Term};
use serde_json::Value;
use std::fmt::Write as _;

pub(crate) const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
pub(crate) const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
pub(crate) const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
pub(crate) const RDF_NIL: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
pub(crate) const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";
pub(crate) const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
pub(crate) const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
pub(crate) const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";
pub(crate) const XSD_DOUBLE: &str = "http://www.w3.org/2001/XMLSchema#double";

/// A byte range of the arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

/// A literal's datatype or language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    /// `xsd:string` (omitted in N-Quads).
    Plain,
    Lang(Span),
    Typed(Span),
}

/// An RDF term of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum T {
    Iri(Span),
    Blank(u32),
    Lit(Span, Tag),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Q {
    s: T,
    p: Span,
    o: T,
    g: Option<T>,
}

/// The quads of one toRdf run.
#[derive(Debug, Default)]
pub(crate) struct Out {
    arena: String,
    quads: Vec<Q>,
    next_blank: u32,
    pub has_blank: bool,
}

impl Out {
    fn span(&mut self, s: &str) -> Span {
        let start = self.arena.len() as u32;
        self.arena.push_str(s);
        Span {
            start,
            end: self.arena.len() as u32,
        }
    }

    fn get(&self, s: Span) -> &str {
        &self.arena[s.start as usize..s.end as usize]
    }

    pub(crate) fn iri(&mut self, iri: &str) -> T {
        T::Iri(self.span(iri))
    }

    /// A predicate IRI.
    pub(crate) fn pred(&mut self, iri: &str) -> Span {
        self.span(iri)
    }

    /// How many blank nodes have been created so far.
    pub(crate) fn blank_count(&self) -> u32 {
        self.next_blank
    }

    pub(crate) fn blank(&mut self) -> T {
        let b = self.next_blank;
        self.next_blank += 1;
        T::Blank(b)
    }

    pub(crate) fn plain(&mut self, lex: &str) -> Result<T, Fail> {
        check_lex(lex)?;
        Ok(T::Lit(self.span(lex), Tag::Plain))
    }

    pub(crate) fn lang(&mut self, lex: &str, lang: &str) -> Result<T, Fail> {
        check_lex(lex)?;
        if !well_formed_lang(lang) {
            return Err(decline("language tag not well-formed", lang.to_owned()));
        }
        let l = self.span(lex);
        // Language tags are written lower-cased, as jsonld.js and the oracle do (JSON-LD 1.1
        // §4.2.4 lets processors normalise them; BCP 47 tags are case-insensitive).
        let start = self.arena.len() as u32;
        for c in lang.bytes() {
            self.arena.push(char::from(c.to_ascii_lowercase()));
        }
        let t = Span {
            start,
            end: self.arena.len() as u32,
        };
        Ok(T::Lit(l, Tag::Lang(t)))
    }

    pub(crate) fn typed(&mut self, lex: &str, datatype: &str) -> Result<T, Fail> {
        if datatype == XSD_STRING {
            return self.plain(lex);
        }
        check_lex(lex)?;
        let l = self.span(lex);
        let t = self.span(datatype);
        Ok(T::Lit(l, Tag::Typed(t)))
    }

    pub(crate) fn quad(&mut self, s: T, p: Span, o: T, g: Option<T>) {
        if matches!(s, T::Blank(_)) || matches!(o, T::Blank(_)) || matches!(g, Some(T::Blank(_))) {
            self.has_blank = true;
        }
        self.quads.push(Q { s, p, o, g });
    }

    fn write_term(&self, out: &mut String, t: T) {
        match t {
            T::Iri(s) => {
                out.push('<');
                out.push_str(self.get(s));
                out.push('>');
            }
            T::Blank(b) => {
                out.push_str("_:b");
                let _ = write!(out, "{b}");
            }
            T::Lit(l, tag) => {
                out.push('"');
                escape_into(out, self.get(l));
                out.push('"');
                match tag {
                    Tag::Plain => {}
                    Tag::Lang(t) => {
                        out.push('@');
                        out.push_str(self.get(t));
                    }
                    Tag::Typed(t) => {
                        out.push_str("^^<");
                        out.push_str(self.get(t));
                        out.push('>');
                    }
                }
            }
        }
    }

    fn write_quad(&self, out: &mut String, q: &Q) {
        self.write_term(out, q.s);
        out.push_str(" <");
        out.push_str(self.get(q.p));
        out.push_str("> ");
        self.write_term(out, q.o);
        if let Some(g) = q.g {
            out.push(' ');
            self.write_term(out, g);
        }
        out.push_str(" .\n");
    }

    /// N-Quads in emission order, blank nodes labelled `_:b0`, `_:b1`, ... (not canonical).
    pub(crate) fn nquads(&self) -> String {
        let mut out = String::with_capacity(self.arena.len() + self.quads.len() * 16);
        for q in &self.quads {
            self.write_quad(&mut out, q);
        }
        out
    }

    /// Canonical N-Quads when there is no blank node: sorted unique lines.
    pub(crate) fn sorted_unique(&self) -> String {
        self.with_sorted_lines(|buf, lines| {
            let mut out = String::with_capacity(buf.len());
            for r in lines {
                out.push_str(&buf[r.0 as usize..r.1 as usize]);
            }
            out
        })
    }

    /// SHA-256 of [`Self::sorted_unique`], hashed line by line: the canonical N-Quads are never
    /// assembled (eddsa-rdfc-2022 §3.3.4 hashes them; Data Integrity needs only the digest).
    pub(crate) fn sorted_unique_sha256(&self) -> [u8; 32] {
        use sha2::Digest as _;
        self.with_sorted_lines(|buf, lines| {
            let mut h = sha2::Sha256::new();
            for r in lines {
                h.update(
                    buf.as_bytes()
                        .get(r.0 as usize..r.1 as usize)
                        .unwrap_or_default(),
                );
            }
            h.finalize().into()
        })
    }

    /// Writes every quad as an N-Quads line into a scratch buffer, sorts the line ranges and
    /// drops duplicates, then hands both to `f`. The scratch buffers are per thread and reused,
    /// so a credential with 100 KB of images costs no fresh large allocation (and no page faults)
    /// per call. (Sorting by subject and predicate ranks first was tried and measured: more
    /// instructions than the plain byte comparison on the EU samples.)
    fn with_sorted_lines<R>(&self, f: impl FnOnce(&str, &[(u32, u32)]) -> R) -> R {
        let (mut buf, mut lines) = SCRATCH.with(|s| std::mem::take(&mut *s.borrow_mut()));
        buf.clear();
        lines.clear();
        buf.reserve(self.arena.len() + self.quads.len() * 16);
        for q in &self.quads {
            let start = buf.len() as u32;
            self.write_quad(&mut buf, q);
            lines.push((start, buf.len() as u32));
        }
        {
            let bytes = buf.as_bytes();
            let line = |r: &(u32, u32)| bytes.get(r.0 as usize..r.1 as usize).unwrap_or_default();
            lines.sort_unstable_by(|a, b| line(a).cmp(line(b)));
            lines.dedup_by(|a, b| line(a) == line(b));
        }
        let r = f(&buf, &lines);
        if buf.capacity() <= MAX_POOLED_BYTES {
            SCRATCH.with(|s| *s.borrow_mut() = (buf, lines));
        }
        r
    }

    /// An empty output, reusing this thread's pooled arena and quad vector when there is one.
    pub(crate) fn pooled(size_hint: usize) -> Self {
        let mut out = POOL.with(|p| p.borrow_mut().take()).unwrap_or_default();
        out.arena.clear();
        out.quads.clear();
        out.next_blank = 0;
        out.has_blank = false;
        out.arena.reserve(size_hint);
        out
    }

    /// Gives the buffers back to this thread's pool (unless they grew unusually large).
    pub(crate) fn recycle(self) {
        if self.arena.capacity() <= MAX_POOLED_BYTES {
            POOL.with(|p| *p.borrow_mut() = Some(self));
        }
    }

    fn term(&self, t: T) -> Term {
        match t {
            T::Iri(s) => Term::Iri(self.get(s).to_owned()),
            T::Blank(b) => Term::Blank(format!("b{b}")),
            T::Lit(l, tag) => Term::Literal(match tag {
                Tag::Plain => Literal::string(self.get(l)),
                Tag::Lang(t) => Literal::lang(self.get(l), self.get(t)),
                Tag::Typed(t) => Literal::typed(self.get(l), self.get(t)),
            }),
        }
    }

    /// The quads as the crate's [`Quad`] type (for RDFC-1.0 when blank nodes occur).
    pub(crate) fn to_quads(&self) -> Vec<Quad> {
        self.quads
            .iter()
            .map(|q| Quad {
                subject: self.term(q.s),
                predicate: Term::Iri(self.get(q.p).to_owned()),
                object: self.term(q.o),
                graph: q.g.map(|g| self.term(g)),
            })
            .collect()
    }
}

/// Buffers larger than this are not kept between calls (a huge document should not pin memory).
const MAX_POOLED_BYTES: usize = 4 << 20;

thread_local! {
    /// Per-thread reusable output buffers (arena + quads) of [`Out::pooled`].
    static POOL: std::cell::RefCell<Option<Out>> = const { std::cell::RefCell::new(None) };
    /// Per-thread scratch (line buffer + line ranges) of [`Out::with_sorted_lines`].
    static SCRATCH: std::cell::RefCell<(String, Vec<(u32, u32)>)> = const { std::cell::RefCell::new((String::new(), Vec::new())) };
}

/// Characters the fast path declines inside literals: none. Escaping below is exactly
/// [`crate::nquads`]'s, so every string is representable.
fn check_lex(_lex: &str) -> Result<(), Fail> {
    Ok(())
}

/// BCP 47 shape `[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*` (the form the toRdf algorithm keeps).
fn well_formed_lang(tag: &str) -> bool {
    let mut parts = tag.split('-');
    match parts.next() {
        Some(p) if (1..=8).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_alphabetic()) => {}
        _ => return false,
    }
    parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_alphanumeric()))
}

#[inline(always)]
fn needs_escape(b: u8) -> bool {
    (b < 0x20) | (b == b'"') | (b == b'\\') | (b == 0x7f)
}

/// Whether a 32-byte block holds a byte to escape (branch-free, so it vectorizes).
#[inline(always)]
fn block_needs_escape(chunk: &[u8; 32]) -> bool {
    let mut acc = 0u8;
    for &b in chunk {
        acc |= u8::from(needs_escape(b));
    }
    acc != 0
}

/// Literal escaping of canonical N-Quads, identical to `crate::nquads`. Scans 32 bytes at a time
/// with a branch-free test (vectorizable) and copies clean runs whole.
fn escape_into(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut last = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes
            .get(i..i + 32)
            .and_then(|c| <&[u8; 32]>::try_from(c).ok())
        {
            if !block_needs_escape(chunk) {
                i += 32;
                continue;
            }
        }
        let end = (i + 32).min(bytes.len());
        let block = bytes.get(i..end).unwrap_or_default();
        for (at, &b) in (i..).zip(block) {
            if needs_escape(b) {
                // Escaped bytes are ASCII, so `last` and `at` are character boundaries.
                out.push_str(s.get(last..at).unwrap_or_default());
                last = at + 1;
                match b {
                    b'"' => out.push_str("\\\""),
                    b'\\' => out.push_str("\\\\"),
                    b'\n' => out.push_str("\\n"),
                    b'\r' => out.push_str("\\r"),
                    b'\t' => out.push_str("\\t"),
                    0x08 => out.push_str("\\b"),
                    0x0c => out.push_str("\\f"),
                    c => {
                        let _ = write!(out, "\\u{:04X}", c);
                    }
                }
            }
        }
        i = end;
    }
    out.push_str(s.get(last..).unwrap_or_default());
}

/// Largest integer magnitude kept exact by every JSON-LD processor (2^53).
const MAX_SAFE: u64 = 1 << 53;

/// The native-type part of Object to RDF (§8.6 steps 9-12) for a number: (lexical form,
/// default datatype). `datatype` is the value object's `@type`, if any.
pub(crate) fn number_lex(
    n: &serde_json::Number,
    datatype: Option<&str>,
) -> Result<(String, &'static str), Fail> {
    let as_int: Option<i128> = if let Some(i) = n.as_i64() {
        Some(i128::from(i))
    } else {
        n.as_u64().map(i128::from)
    };
    if let Some(i) = as_int {
        if i.unsigned_abs() > u128::from(MAX_SAFE) {
            return Err(decline("integer beyond 2^53", n.to_string()));
        }
        if datatype == Some(XSD_DOUBLE) {
            // |i| <= 2^53 (checked above), so the conversion to f64 is exact.
            #[allow(clippy::cast_precision_loss)]
            let f = i as f64;
            let (js, shortest) = (double_lex(f)?, shortest_double_lex(f));
            if js != shortest {
                return Err(decline(
                    "xsd:double lexical forms differ between processors",
                    n.to_string(),
                ));
            }
            return Ok((js, XSD_DOUBLE));
        }
        return Ok((i.to_string(), XSD_INTEGER));
    }
    // A JSON number that is not an integer token (`1.5`, `1.0`, `1e3`): its f64 value decides, as
    // in jsonld.js and the oracle.
    let f = n
        .as_f64()
        .ok_or_else(|| decline("unrepresentable JSON number", n.to_string()))?;
    if !f.is_finite() {
        return Err(decline("non-finite JSON number", n.to_string()));
    }
    if f.fract() == 0.0 && f.abs() < 1e21 && datatype != Some(XSD_DOUBLE) {
        // 2^53 is exactly representable as an f64.
        #[allow(clippy::cast_precision_loss)]
        if f.abs() > MAX_SAFE as f64 {
            return Err(decline("integer beyond 2^53", n.to_string()));
        }
        // An integral f64 below 2^53 in magnitude (checked above) fits an i64 exactly.
        #[allow(clippy::cast_possible_truncation)]
        return Ok(((f as i64).to_string(), XSD_INTEGER));
    }
    // Canonical xsd:double. jsonld.js writes toExponential(15) (16 significant digits), the
    // oracle the shortest round-trip digits; answer only where both agree.
    // -0 is written as 0 (ECMAScript toExponential).
    let f = if f == 0.0 { 0.0 } else { f };
    let js = double_lex(f)?;
    let shortest = shortest_double_lex(f);
    if js != shortest {
        return Err(decline(
            "xsd:double lexical forms differ between processors",
            n.to_string(),
        ));
    }
    Ok((js, XSD_DOUBLE))
}

/// Shortest round-trip digits in the `1.5E0` shape.
fn shortest_double_lex(f: f64) -> String {
    let s = format!("{f:e}");
    match s.split_once('e') {
        Some((m, e)) if m.contains('.') => format!("{m}E{e}"),
        Some((m, e)) => format!("{m}.0E{e}"),
        None => s,
    }
}

/// Canonical `xsd:double` as JSON-LD 1.1 §8.6 / jsonld.js: `toExponential(15)` with trailing
/// zeros of the mantissa removed (`1.5E0`, `1.0E0`, `-2.25E-10`).
pub(crate) fn double_lex(f: f64) -> Result<String, Fail> {
    if !f.is_finite() {
        return Err(decline("non-finite double", f.to_string()));
    }
    // Decline exact ties at the 16th significant digit (rounding rules could differ).
    let exact = format!("{:.60e}", f);
    if let Some((m, _)) = exact.split_once('e') {
        let digits: String = m.chars().filter(char::is_ascii_digit).collect();
        if digits.len() > 16 {
            let tail = &digits[16..];
            if tail.starts_with('5') && tail[1..].bytes().all(|c| c == b'0') {
                return Err(decline("double rounding tie", exact));
            }
        }
    }
    let s = format!("{:.15e}", f);
    let (m, e) = s
        .split_once('e')
        .ok_or_else(|| decline("double format", s.clone()))?;
    let m = match m.split_once('.') {
        Some((int, frac)) => {
            let frac = frac.trim_end_matches('0');
            let frac = if frac.is_empty() { "0" } else { frac };
            format!("{int}.{frac}")
        }
        None => format!("{m}.0"),
    };
    Ok(format!("{m}E{e}"))
}

/// JSON Canonicalization Scheme (RFC 8785) of a JSON value, for `rdf:JSON` literals.
pub(crate) fn jcs(v: &Value, out: &mut String) -> Result<(), Fail> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            // JCS numbers are ECMAScript Number.toString: only integer tokens are compiled.
            if n.as_i64().is_none() && n.as_u64().is_none() {
                return Err(decline(
                    "non-integer number in a JSON literal",
                    n.to_string(),
                ));
            }
            let (lex, _) = number_lex(n, None)?;
            out.push_str(&lex);
        }
        Value::String(s) => jcs_string(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                jcs(x, out)?;
            }
            out.push(']');
        }
        Value::Object(o) => {
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                jcs_string(k, out);
                out.push(':');
                if let Some(x) = o.get(k.as_str()) {
                    jcs(x, out)?;
                }
            }
            out.push('}');
        }
    }
    Ok(())
}

fn jcs_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles() {
        assert_eq!(double_lex(1.5).unwrap(), "1.5E0");
        assert_eq!(double_lex(1.0).unwrap(), "1.0E0");
        assert_eq!(double_lex(-2.25e-10).unwrap(), "-2.25E-10");
        assert_eq!(double_lex(1e21).unwrap(), "1.0E21");
        assert_eq!(double_lex(0.1).unwrap(), "1.0E-1");
        assert_eq!(double_lex(123.456).unwrap(), "1.23456E2");
        assert_eq!(shortest_double_lex(1e21), "1.0E21");
        assert_eq!(
            shortest_double_lex(0.30000000000000004),
            "3.0000000000000004E-1"
        );
        assert_eq!(double_lex(0.30000000000000004).unwrap(), "3.0E-1");
    }

    #[test]
    fn escaping_matches_crate_nquads() {
        let s = "a\"b\\c\nd\re\tf\u{8}g\u{c}h\u{1}i\u{7f}jé€😀";
        let mut mine = String::new();
        escape_into(&mut mine, s);
        let theirs = crate::nquads::to_nquads(&[Quad {
            subject: Term::Iri("urn:s".into()),
            predicate: Term::Iri("urn:p".into()),
            object: Term::Literal(Literal::string(s)),
            graph: None,
        }]);
        assert_eq!(theirs, format!("<urn:s> <urn:p> \"{mine}\" .\n"));
    }
}
