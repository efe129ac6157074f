//! N-Quads: the canonical serialization RDFC-1.0 §4.2/§4.4.3 prescribes (RDF 1.2 N-Quads §
//! "Canonical N-Quads": no whitespace but single spaces, `xsd:string` datatype omitted, literal
//! characters escaped as `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f` and the other C0 controls plus
//! U+007F as `\uXXXX` with upper-case hex; IRIs written as is) and a strict parser for the RDF 1.1
//! N-Quads grammar (used for the conformance suite inputs).

use crate::term::{Literal, Quad, Term, RDF_LANG_STRING, XSD_STRING};
use std::fmt::Write as _;

/// Canonical N-Quads of `quads`, in the given order, one line per quad, each ending in `"\n"`.
pub fn to_nquads(quads: &[Quad]) -> String {
    let mut out = String::with_capacity(quads.len() * 128);
    for q in quads {
        write_quad(&mut out, q);
    }
    out
}

/// Appends the canonical N-Quads line (with its final `"\n"`) of `quad` to `out`.
pub fn write_quad(out: &mut String, quad: &Quad) {
    write_term(out, &quad.subject);
    out.push(' ');
    write_term(out, &quad.predicate);
    out.push(' ');
    write_term(out, &quad.object);
    if let Some(g) = &quad.graph {
        out.push(' ');
        write_term(out, g);
    }
    out.push_str(" .\n");
}

/// Appends the canonical N-Quads form of one term.
pub fn write_term(out: &mut String, term: &Term) {
    match term {
        Term::Iri(iri) => {
            out.push('<');
            out.push_str(iri);
            out.push('>');
        }
        Term::Blank(label) => {
            out.push_str("_:");
            out.push_str(label);
        }
        Term::Literal(lit) => write_literal(out, lit),
    }
}

fn write_literal(out: &mut String, lit: &Literal) {
    // Room for the value at once: a literal can be a whole embedded file (a certificate image of
    // 50 KB in base64), which grown by doubling was a third of canonicalising such a credential.
    out.reserve(lit.value.len() + lit.datatype.len() + 8);
    out.push('"');
    escape_into(out, &lit.value);
    out.push('"');
    if let Some(lang) = &lit.language {
        out.push('@');
        out.push_str(lang);
    } else if lit.datatype != XSD_STRING {
        out.push_str("^^<");
        out.push_str(&lit.datatype);
        out.push('>');
    }
}

fn escape_into(out: &mut String, s: &str) {
    // Every character to escape is ASCII, and UTF-8 continuation/lead bytes are >= 0x80, so a
    // byte scan finds them; unescaped runs are copied in one go.
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            b if b < 0x20 || b == 0x7f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\u{:04X}", b);
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// A syntax error in N-Quads input, with its 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("N-Quads syntax error at line {line}, column {column}: {message}")]
pub struct NQuadsError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What was expected.
    pub message: String,
}

/// Parses N-Quads (RDF 1.1 N-Quads grammar, strict: absolute IRIs, well-formed escapes,
/// language tags and blank node labels). Comments and blank lines are skipped.
pub fn parse_nquads(input: &str) -> Result<Vec<Quad>, NQuadsError> {
    let mut quads = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let mut p = LineParser {
            chars: line.chars().collect(),
            pos: 0,
            line: i + 1,
        };
        p.skip_ws();
        if p.at_end_or_comment() {
            continue;
        }
        let subject = match p.peek() {
            Some('<') => Term::Iri(p.iri()?),
            Some('_') => Term::Blank(p.blank()?),
            _ => return Err(p.err("expected an IRI or a blank node as subject")),
        };
        p.skip_ws();
        let predicate = match p.peek() {
            Some('<') => Term::Iri(p.iri()?),
            _ => return Err(p.err("expected an IRI as predicate")),
        };
        p.skip_ws();
        let object = match p.peek() {
            Some('<') => Term::Iri(p.iri()?),
            Some('_') => Term::Blank(p.blank()?),
            Some('"') => Term::Literal(p.literal()?),
            _ => return Err(p.err("expected an IRI, a blank node or a literal as object")),
        };
        p.skip_ws();
        let graph = match p.peek() {
            Some('<') => Some(Term::Iri(p.iri()?)),
            Some('_') => Some(Term::Blank(p.blank()?)),
            _ => None,
        };
        p.skip_ws();
        if p.peek() != Some('.') {
            return Err(p.err("expected `.` at the end of the statement"));
        }
        p.pos += 1;
        p.skip_ws();
        if !p.at_end_or_comment() {
            return Err(p.err("unexpected content after `.`"));
        }
        quads.push(Quad {
            subject,
            predicate,
            object,
            graph,
        });
    }
    Ok(quads)
}

struct LineParser {
    chars: Vec<char>,
    pos: usize,
    line: usize,
}

impl LineParser {
    fn err(&self, message: &str) -> NQuadsError {
        NQuadsError {
            line: self.line,
            column: self.pos + 1,
            message: message.to_owned(),
        }
    }
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ') | Some('\t')) {
            self.pos += 1;
        }
    }
    fn at_end_or_comment(&self) -> bool {
        matches!(self.peek(), None | Some('#'))
    }

    fn uchar(&mut self, len: usize) -> Result<char, NQuadsError> {
        let mut v: u32 = 0;
        for _ in 0..len {
            let d = self
                .next()
                .and_then(|c| c.to_digit(16))
                .ok_or_else(|| self.err("invalid \\u/\\U escape"))?;
            v = v * 16 + d;
        }
        char::from_u32(v).ok_or_else(|| self.err("escape is not a Unicode scalar value"))
    }

    fn iri(&mut self) -> Result<String, NQuadsError> {
        self.pos += 1; // '<'
        let mut s = String::new();
        loop {
            match self.next() {
                None => return Err(self.err("unterminated IRI")),
                Some('>') => break,
                Some('\\') => {
                    let c = match self.next() {
                        Some('u') => self.uchar(4)?,
                        Some('U') => self.uchar(8)?,
                        _ => return Err(self.err("only \\u and \\U escapes are allowed in IRIs")),
                    };
                    check_iri_char(c).map_err(|m| self.err(m))?;
                    s.push(c);
                }
                Some(c) => {
                    check_iri_char(c).map_err(|m| self.err(m))?;
                    s.push(c);
                }
            }
        }
        if !is_absolute_iri(&s) {
            return Err(self.err("relative IRI (N-Quads requires absolute IRIs)"));
        }
        Ok(s)
    }

    fn blank(&mut self) -> Result<String, NQuadsError> {
        if self.next() != Some('_') || self.next() != Some(':') {
            return Err(self.err("expected `_:`"));
        }
        let start = self.pos;
        match self.peek() {
            Some(c) if c.is_alphanumeric() || c == '_' => self.pos += 1,
            _ => return Err(self.err("invalid blank node label")),
        }
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '\u{b7}') {
                self.pos += 1;
            } else {
                break;
            }
        }
        // A label cannot end in '.'.
        while self.pos > start + 1 && self.chars.get(self.pos - 1) == Some(&'.') {
            self.pos -= 1;
        }
        Ok(self
            .chars
            .get(start..self.pos)
            .unwrap_or_default()
            .iter()
            .collect())
    }

    fn literal(&mut self) -> Result<Literal, NQuadsError> {
        self.pos += 1; // '"'
        let mut value = String::new();
        loop {
            match self.next() {
                None => return Err(self.err("unterminated literal")),
                Some('"') => break,
                Some('\\') => {
                    let c = match self.next() {
                        Some('t') => '\t',
                        Some('b') => '\u{8}',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('f') => '\u{c}',
                        Some('"') => '"',
                        Some('\'') => '\'',
                        Some('\\') => '\\',
                        Some('u') => self.uchar(4)?,
                        Some('U') => self.uchar(8)?,
                        _ => return Err(self.err("invalid escape in literal")),
                    };
                    value.push(c);
                }
                Some('\n') | Some('\r') => return Err(self.err("raw line break in literal")),
                Some(c) => value.push(c),
            }
        }
        match self.peek() {
            Some('@') => {
                self.pos += 1;
                let start = self.pos;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == '-') {
                    self.pos += 1;
                }
                let tag: String = self
                    .chars
                    .get(start..self.pos)
                    .unwrap_or_default()
                    .iter()
                    .collect();
                if !is_lang_tag(&tag) {
                    return Err(self.err("invalid language tag"));
                }
                Ok(Literal {
                    value,
                    datatype: RDF_LANG_STRING.to_owned(),
                    language: Some(tag),
                })
            }
            Some('^') => {
                self.pos += 1;
                if self.next() != Some('^') || self.peek() != Some('<') {
                    return Err(self.err("expected `^^<datatype>`"));
                }
                let dt = self.iri()?;
                Ok(Literal {
                    value,
                    datatype: dt,
                    language: None,
                })
            }
            _ => Ok(Literal {
                value,
                datatype: XSD_STRING.to_owned(),
                language: None,
            }),
        }
    }
}

fn check_iri_char(c: char) -> Result<(), &'static str> {
    if (c as u32) <= 0x20 || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\') {
        Err("character not allowed in an IRI")
    } else {
        Ok(())
    }
}

/// Whether `s` starts with a URI scheme (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`).
pub(crate) fn is_absolute_iri(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return false;
    };
    let scheme = &s[..colon];
    let mut chars = scheme.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn is_lang_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first_ok = matches!(parts.next(), Some(p) if !p.is_empty() && p.chars().all(|c| c.is_ascii_alphabetic()));
    first_ok && parts.all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_escapes() {
        let src = "<urn:s> <urn:p> \"a\\\"b\\\\c\\nd\\re\\tf\\u0001\\u007F\" .\n";
        let q = parse_nquads(src).unwrap();
        assert_eq!(
            q[0].object,
            Term::Literal(Literal::string("a\"b\\c\nd\re\tf\u{1}\u{7f}"))
        );
        assert_eq!(to_nquads(&q), src);
    }

    #[test]
    fn typed_lang_and_graph() {
        let src = "_:b0 <urn:p> \"1\"^^<urn:int> <urn:g> .\n<urn:s> <urn:p> \"x\"@en-GB _:g .\n";
        let q = parse_nquads(src).unwrap();
        assert_eq!(q.len(), 2);
        assert_eq!(q[1].object, Term::Literal(Literal::lang("x", "en-GB")));
        assert_eq!(to_nquads(&q), src);
    }

    #[test]
    fn xsd_string_is_omitted() {
        let q = parse_nquads("<urn:s> <urn:p> \"x\"^^<http://www.w3.org/2001/XMLSchema#string> .")
            .unwrap();
        assert_eq!(to_nquads(&q), "<urn:s> <urn:p> \"x\" .\n");
    }

    #[test]
    fn rejects_bad_input() {
        assert!(parse_nquads("<rel> <urn:p> <urn:o> .").is_err());
        assert!(parse_nquads("<urn:s> <urn:p> <urn:o>").is_err());
        assert!(parse_nquads("<urn:s> <urn:p> \"x\\q\" .").is_err());
        assert!(parse_nquads("\"x\" <urn:p> <urn:o> .").is_err());
    }
}
