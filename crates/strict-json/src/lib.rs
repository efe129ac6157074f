//! Strict JSON parsing: a document whose objects repeat a member name is refused.
//!
//! RFC 8259 §4 says only that "the names within an object SHOULD be unique" and leaves the
//! behaviour with duplicates to each implementation: `serde_json` keeps the last value, other
//! tools keep the first. For a signed credential that difference is a signature-confusion bug: a
//! forged `credentialSubject` inserted before the real one is what a "first wins" reader shows,
//! while a "last wins" verifier checks the genuine one. I-JSON (RFC 7493 §2.3) makes it a MUST:
//! "Objects in I-JSON messages MUST NOT have members with duplicate names". This crate implements
//! that rule for every document the services read from bytes (credentials, presentations, JWT and
//! JAdES headers and payloads, status list credentials, DID documents, awards, request bodies).
//!
//! - [`from_slice`] / [`from_str`]: parse to a [`serde_json::Value`] (member order preserved, as
//!   the workspace's `preserve_order` feature does) or fail with [`Error::DuplicateMember`],
//!   which names the member and its JSON path (`duplicate member "credentialSubject" at
//!   $.credentialSubject`), in the JSONPath notation of the rest of the workspace.
//! - Names are compared after unescaping, so `"a"` and `"\u0061"` are the same name.
//! - Nesting depth is bounded by `serde_json`'s recursion limit (128), kept as it is: at most
//!   [`MAX_NESTING`] = 127 nested arrays or objects (the parser's stack never grows beyond it).
//! - The cost over `serde_json::from_slice::<Value>` is one extra branch per member: the
//!   duplicate check is the map insertion itself (`Map::entry`), and the path is only assembled
//!   when an error unwinds (`cargo bench -p strict-json`).
//! - [`is_json_media_type`]: the `Content-Type` check of the services' JSON bodies
//!   (`application/json`, RFC 8259 §11, or an `application/*+json` type, RFC 6839 §3.1).

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::fmt;

/// The maximum nesting of arrays and objects: 127, below `serde_json`'s recursion limit of 128,
/// which this parser keeps (deeper documents fail with "recursion limit exceeded"). A scalar inside
/// the innermost container is at depth 128, the `MAX_DEPTH` the verifier applies to parsed values.
pub const MAX_NESTING: usize = 127;

/// Why a document is not strict JSON.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An object has two members with the same name (after unescaping): RFC 8259 §4, I-JSON
    /// RFC 7493 §2.3. `name` is the member name as a JSON string (quoted), `path` the JSONPath of
    /// the second occurrence.
    #[error("duplicate member {name} at {path}")]
    DuplicateMember { name: String, path: String },
    /// Not JSON at all, or nested deeper than [`MAX_NESTING`]; `path` is where the parser was.
    #[error("{source}{}", if path == "$" { String::new() } else { format!(" (in {path})") })]
    Syntax {
        path: String,
        source: serde_json::Error,
    },
}

impl Error {
    /// The JSONPath of the error (`$` for the document itself).
    pub fn path(&self) -> &str {
        match self {
            Error::DuplicateMember { path, .. } | Error::Syntax { path, .. } => path,
        }
    }

    /// True for a duplicate member name.
    pub fn is_duplicate(&self) -> bool {
        matches!(self, Error::DuplicateMember { .. })
    }
}

/// True for a `Content-Type` that announces JSON: `application/json` (RFC 8259 §11) or any
/// `application/<name>+json` (the structured syntax suffix of RFC 6839 §3.1, e.g.
/// `application/ld+json`, `application/vc+ld+json`), parameters (`; charset=utf-8`) allowed,
/// case-insensitive. `text/plain` and a missing type are not JSON.
pub fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.strip_prefix("application/") {
        Some("json") => true,
        Some(sub) => {
            sub.len() > "+json".len()
                && sub.ends_with("+json")
                && !sub.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// The media types [`is_json_media_type`] accepts, for error messages.
pub const JSON_MEDIA_TYPES: &str =
    "application/json (or an application/*+json type such as application/ld+json)";

/// Parses JSON bytes (UTF-8, RFC 8259) into a value, refusing duplicate member names.
pub fn from_slice(bytes: &[u8]) -> Result<Value, Error> {
    parse(serde_json::Deserializer::from_slice(bytes))
}

/// Parses JSON text into a value, refusing duplicate member names.
pub fn from_str(text: &str) -> Result<Value, Error> {
    parse(serde_json::Deserializer::from_str(text))
}

/// Parses JSON bytes strictly into a `T`: first to a [`Value`] (duplicates refused), then `T`
/// from that value.
pub fn from_slice_to<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let value = from_slice(bytes)?;
    T::deserialize(value).map_err(|source| Error::Syntax {
        path: "$".into(),
        source,
    })
}

fn parse<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
) -> Result<Value, Error> {
    let failure = RefCell::new(Failure::default());
    let parsed = Seed { failure: &failure }
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    parsed.map_err(|source| {
        let failure = failure.into_inner();
        let path = failure.path();
        match failure.duplicate {
            Some(name) => Error::DuplicateMember {
                name: quoted(&name),
                path,
            },
            None => Error::Syntax { path, source },
        }
    })
}

/// Segments of an error path printed in full; a deeper path (a nesting attack) is cut there.
const MAX_PATH_SEGMENTS: usize = 32;

/// What went wrong, filled only while an error unwinds: the duplicate name, and the path
/// segments innermost first.
#[derive(Default)]
struct Failure {
    duplicate: Option<String>,
    rev_path: Vec<Seg>,
}

enum Seg {
    Key(String),
    Index(usize),
}

impl Failure {
    /// The JSONPath, printed like `elm_model::view::Path`: `.name` for plain names,
    /// `["@context"]` for the others, `[i]` for array elements.
    fn path(&self) -> String {
        let mut out = String::from("$");
        for (depth, seg) in self.rev_path.iter().rev().enumerate() {
            if depth == MAX_PATH_SEGMENTS {
                out.push_str(&format!("…({} levels)", self.rev_path.len()));
                break;
            }
            match seg {
                Seg::Key(k)
                    if !k.is_empty()
                        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
                {
                    out.push('.');
                    out.push_str(k);
                }
                Seg::Key(k) => {
                    out.push('[');
                    out.push_str(&quoted(k));
                    out.push(']');
                }
                Seg::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

fn quoted(name: &str) -> String {
    Value::String(name.to_owned()).to_string()
}

/// Deserialises one JSON value; the same visitor as `serde_json::Value`'s, with the duplicate
/// check on member insertion.
#[derive(Clone, Copy)]
struct Seed<'f> {
    failure: &'f RefCell<Failure>,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            match seq.next_element_seed(self) {
                Ok(Some(item)) => items.push(item),
                Ok(None) => return Ok(Value::Array(items)),
                Err(e) => {
                    self.failure
                        .borrow_mut()
                        .rev_path
                        .push(Seg::Index(items.len()));
                    return Err(e);
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            match map.entry(key) {
                Entry::Occupied(seen) => {
                    let name = seen.key().clone();
                    let message = format!("duplicate member {}", quoted(&name));
                    let mut failure = self.failure.borrow_mut();
                    failure.rev_path.push(Seg::Key(name.clone()));
                    failure.duplicate = Some(name);
                    return Err(A::Error::custom(message));
                }
                Entry::Vacant(slot) => match access.next_value_seed(self) {
                    Ok(value) => {
                        slot.insert(value);
                    }
                    Err(e) => {
                        self.failure
                            .borrow_mut()
                            .rev_path
                            .push(Seg::Key(slot.key().clone()));
                        return Err(e);
                    }
                },
            }
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dup(text: &str) -> (String, String) {
        match from_str(text) {
            Err(Error::DuplicateMember { name, path }) => (name, path),
            other => panic!("expected a duplicate member in {text}, got {other:?}"),
        }
    }

    #[test]
    fn duplicate_at_top_level() {
        let (name, path) = dup(
            r#"{"credentialSubject": {"id": "forged"}, "id": "x", "credentialSubject": {"id": "real"}}"#,
        );
        assert_eq!(name, r#""credentialSubject""#);
        assert_eq!(path, "$.credentialSubject");
        let e = from_slice(br#"{"issuer": "a", "issuer": "b"}"#).unwrap_err();
        assert_eq!(e.to_string(), r#"duplicate member "issuer" at $.issuer"#);
        assert!(e.is_duplicate());
    }

    #[test]
    fn duplicate_nested_and_in_arrays() {
        assert_eq!(dup(r#"{"a": {"b": {"c": 1, "c": 2}}}"#).1, "$.a.b.c");
        assert_eq!(dup(r#"[1, {"x": 1}, {"y": 1, "y": 1}]"#).1, "$[2].y");
        assert_eq!(
            dup(r#"{"@context": [{}, {"@vocab": "a", "@vocab": "b"}]}"#).1,
            r#"$["@context"][1]["@vocab"]"#
        );
        assert_eq!(
            dup(
                r#"{"verifiableCredential": [{"proof": {"proofValue": "z1", "proofValue": "z2"}}]}"#
            )
            .1,
            "$.verifiableCredential[0].proof.proofValue"
        );
    }

    #[test]
    fn escaped_equal_names_are_the_same_name() {
        let (name, path) = dup(r#"{"a": 1, "\u0061": 2}"#);
        assert_eq!((name.as_str(), path.as_str()), (r#""a""#, "$.a"));
        assert!(from_str(r#"{"issuer": 1, "iss\u0075er": 2}"#)
            .unwrap_err()
            .is_duplicate());
        // A name with a quote is printed as a JSON string in the path.
        assert_eq!(
            dup(r#"{"x": {"a\"b": 1, "a\u0022b": 2}}"#).1,
            r#"$.x["a\"b"]"#
        );
        // Different names that only look alike are fine.
        assert!(from_str(r#"{"a": 1, "A": 2, "a ": 3}"#).is_ok());
    }

    #[test]
    fn same_names_in_different_objects_are_fine() {
        let v =
            from_str(r#"{"a": {"id": 1}, "b": {"id": 2}, "c": [{"id": 3}, {"id": 4}]}"#).unwrap();
        assert_eq!(v["c"][1]["id"], 4);
    }

    #[test]
    fn same_value_as_serde_json_incl_member_order() {
        let text = r#"{"z": 1, "a": [true, null, -3, 18446744073709551615, 1.5e300, "s\u00e9\n"], "m": {"y": {}, "b": []}}"#;
        let strict = from_str(text).unwrap();
        let loose: Value = serde_json::from_str(text).unwrap();
        assert_eq!(strict, loose);
        assert_eq!(
            serde_json::to_string(&strict).unwrap(),
            serde_json::to_string(&loose).unwrap()
        );
        // Real documents: the bundled EDC context and the EU's signed micro-credential sample.
        for text in [
            include_str!("../../contexts/documents/edc-ap-elm-3.2.jsonld"),
            include_str!(
                "../../../testdata/edc/samples/elm-v3-official/Sample-MC-Annex1-signed.jsonld"
            ),
        ] {
            let strict = from_slice(text.as_bytes()).unwrap();
            assert_eq!(
                serde_json::to_string(&strict).unwrap(),
                serde_json::to_string(&serde_json::from_str::<Value>(text).unwrap()).unwrap()
            );
        }
    }

    #[test]
    fn syntax_errors_and_trailing_data() {
        let e = from_str(r#"{"a": [1, 2, }"#).unwrap_err();
        assert!(!e.is_duplicate());
        assert_eq!(e.path(), "$.a[2]");
        assert!(e.to_string().contains("line 1"), "{e}");
        assert!(from_str(r#"{"a": 1} {"a": 2}"#).is_err());
        assert!(from_str("").is_err());
        assert!(from_slice(b"\xff").is_err());
        assert_eq!(from_str(" 1 ").unwrap(), 1);
    }

    #[test]
    fn nesting_depth_is_bounded() {
        let ok = format!("{}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
        assert!(from_str(&ok).is_ok());
        assert!(
            serde_json::from_str::<Value>(&ok).is_ok(),
            "the same limit as serde_json"
        );
        let deep = format!(
            "{}{}",
            "[".repeat(MAX_NESTING + 1),
            "]".repeat(MAX_NESTING + 1)
        );
        assert!(
            serde_json::from_str::<Value>(&deep).is_err(),
            "the same limit as serde_json"
        );
        let e = from_str(&deep).unwrap_err();
        assert!(e.to_string().contains("recursion limit"), "{e}");
        assert!(
            e.path().starts_with("$[0][0]") && e.path().ends_with("…(127 levels)"),
            "{}",
            e.path()
        );
        assert!(e.to_string().len() < 200, "{e}");
        // A hostile 1 MB nesting attempt fails fast without growing the stack.
        let hostile = "{\"a\":".repeat(500_000);
        assert!(from_str(&hostile)
            .unwrap_err()
            .to_string()
            .contains("recursion limit"));
    }

    #[test]
    fn json_media_types() {
        for ok in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/ld+json",
            "application/vc+ld+json",
            "application/problem+json ; x=y",
        ] {
            assert!(is_json_media_type(ok), "{ok}");
        }
        for no in [
            "text/plain",
            "text/json",
            "",
            "application/jsonx",
            "application/+json",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/csv",
        ] {
            assert!(!is_json_media_type(no), "{no}");
        }
    }

    #[test]
    fn typed_parse() {
        #[derive(Debug, serde::Deserialize)]
        struct Header {
            alg: String,
        }
        let h: Header = from_slice_to(br#"{"alg": "EdDSA"}"#).unwrap();
        assert_eq!(h.alg, "EdDSA");
        assert!(
            from_slice_to::<Header>(br#"{"alg": "EdDSA", "alg": "none"}"#)
                .unwrap_err()
                .is_duplicate()
        );
    }
}
