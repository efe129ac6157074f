//! The reading machinery of the view: how a JSON value becomes a typed part and back, without
//! losing anything.
//!
//! JSON-LD (and therefore the EDC application profile of ELM v3.2) lets any property hold one value
//! or an array of values, write a node either embedded (`{"id": ..., ...}`) or as a bare IRI
//! string, and write a language map as `{"en": "x"}` or `{"en": ["x"]}`. Each typed part remembers
//! which of these forms it was read from ([`Many`] whether it was an array, a node whether it was a
//! bare reference, [`Text`] and [`Literal`] their exact JSON), every node keeps the members it does
//! not interpret in its `extra` map and the order of its members, so [`ViewPart::to_value`]
//! rebuilds exactly the JSON that was read. That is the round-trip property the tests check on
//! every official sample.

use std::ops::Deref;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};

use super::error::{Path, ViewError};
use crate::LanguageMap;

/// A part of a credential that can be read from its JSON and written back to the same JSON.
pub trait ViewPart: Sized {
    /// Reads the part from `value`, found at `path`.
    fn from_value(value: &Value, path: &Path<'_>) -> Result<Self, ViewError>;
    /// Writes the part back to JSON (the JSON it was read from, unless it was changed since).
    fn to_value(&self) -> Value;
}

/// How a member is held in a node: `Option<T>` for a single value, [`Many`] for a property that may
/// repeat.
pub(crate) trait Field: Sized + Default {
    fn read_field(value: &Value, path: &Path<'_>) -> Result<Self, ViewError>;
    fn write_field(&self) -> Option<Value>;
}

impl<T: ViewPart> Field for Option<T> {
    fn read_field(value: &Value, path: &Path<'_>) -> Result<Self, ViewError> {
        T::from_value(value, path).map(Some)
    }
    fn write_field(&self) -> Option<Value> {
        self.as_ref().map(ViewPart::to_value)
    }
}

/// The values of a property that JSON-LD lets be written as one value or as an array: reads both,
/// derefs to a slice, and remembers which form it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Many<T> {
    items: Vec<T>,
    array: bool,
}

impl<T> Default for Many<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            array: false,
        }
    }
}

impl<T> Many<T> {
    /// Values that will be written as an array.
    pub fn array(items: Vec<T>) -> Self {
        Self { items, array: true }
    }

    /// One value, written without an array.
    pub fn one(item: T) -> Self {
        Self {
            items: vec![item],
            array: false,
        }
    }

    /// Whether the source wrote an array (`[x]`) rather than a single value (`x`).
    pub fn was_array(&self) -> bool {
        self.array
    }

    /// The values as a slice.
    pub fn as_slice(&self) -> &[T] {
        &self.items
    }
}

impl<T> Deref for Many<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<'a, T> IntoIterator for &'a Many<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T: ViewPart> Field for Many<T> {
    fn read_field(value: &Value, path: &Path<'_>) -> Result<Self, ViewError> {
        match value {
            Value::Array(values) => {
                let mut items = Vec::with_capacity(values.len());
                for (i, v) in values.iter().enumerate() {
                    items.push(T::from_value(v, &path.index(i))?);
                }
                Ok(Self { items, array: true })
            }
            one => Ok(Self {
                items: vec![T::from_value(one, path)?],
                array: false,
            }),
        }
    }
    fn write_field(&self) -> Option<Value> {
        match (self.array, self.items.as_slice()) {
            (false, []) => None,
            (false, [one]) => Some(one.to_value()),
            _ => Some(Value::Array(
                self.items.iter().map(ViewPart::to_value).collect(),
            )),
        }
    }
}

/// An IRI, a `type` name: must be a JSON string.
impl ViewPart for String {
    fn from_value(value: &Value, path: &Path<'_>) -> Result<Self, ViewError> {
        match value {
            Value::String(s) => Ok(s.clone()),
            other => Err(ViewError::type_at(path, "a string", other)),
        }
    }
    fn to_value(&self) -> Value {
        Value::String(self.clone())
    }
}

/// A literal (string, number, boolean, or a JSON-LD value object `{"@value": ...}`), kept exactly
/// as written; accessors read it as text, a decimal, a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Literal(Value);

impl Literal {
    /// A string literal.
    pub fn new(s: impl Into<String>) -> Self {
        Self(Value::String(s.into()))
    }

    /// The JSON exactly as written.
    pub fn as_value(&self) -> &Value {
        &self.0
    }

    fn scalar(&self) -> &Value {
        match &self.0 {
            Value::Object(o) => o.get("@value").unwrap_or(&self.0),
            v => v,
        }
    }

    /// The literal when it is a string (or a value object holding one).
    pub fn as_str(&self) -> Option<&str> {
        self.scalar().as_str()
    }

    /// The literal as text: strings as they are, numbers and booleans as JSON writes them.
    pub fn text(&self) -> Option<String> {
        match self.scalar() {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The literal as a boolean (`true`, `"true"`, `false`, `"false"`).
    pub fn as_bool(&self) -> Option<bool> {
        match self.scalar() {
            Value::Bool(b) => Some(*b),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The literal as a non-negative integer (`1` or `"1"`).
    pub fn as_u64(&self) -> Option<u64> {
        match self.scalar() {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The literal as an exact decimal (`"2"`, `"7.5"`, `7.5`, `"7,5"`).
    pub fn as_decimal(&self) -> Option<super::Decimal> {
        self.text().and_then(|t| t.parse().ok())
    }

    /// The literal as an `xsd:dateTime`: RFC 3339 with an offset, or without one (read as UTC),
    /// or a bare date (midnight UTC).
    pub fn datetime(&self) -> Option<DateTime<FixedOffset>> {
        self.as_str().and_then(parse_datetime)
    }

    /// The calendar date of the literal as written (the date part, before any time zone shift).
    pub fn date(&self) -> Option<NaiveDate> {
        let s = self.as_str()?.trim();
        let head = s.get(..10)?;
        NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
    }
}

impl ViewPart for Literal {
    fn from_value(value: &Value, _path: &Path<'_>) -> Result<Self, ViewError> {
        Ok(Self(value.clone()))
    }
    fn to_value(&self) -> Value {
        self.0.clone()
    }
}

/// Parses an `xsd:dateTime` as EDC writes it (`2023-09-27T13:54:17+02:00`, `1999-10-01T22:00:00Z`,
/// `2010-01-01T00:00:00` without offset, read as UTC) or an `xsd:date` (`2023-06-28`, midnight UTC).
pub fn parse_datetime(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt);
    }
    let utc = FixedOffset::east_opt(0)?;
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
            return naive.and_local_timezone(utc).single();
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|naive| naive.and_local_timezone(utc).single())
}

/// Multilingual text (a JSON-LD language map, `"@container": "@language"`): reads `{"en": "x"}`,
/// `{"en": ["x"]}`, a bare string (language `und`) and JSON-LD value objects; derefs to
/// [`LanguageMap`] and writes back exactly what it read.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    map: LanguageMap,
    raw: Value,
}

impl Text {
    /// The text as a language map.
    pub fn map(&self) -> &LanguageMap {
        &self.map
    }

    /// The JSON exactly as written.
    pub fn as_value(&self) -> &Value {
        &self.raw
    }
}

impl From<LanguageMap> for Text {
    fn from(map: LanguageMap) -> Self {
        let raw = serde_json::to_value(&map).unwrap_or(Value::Null);
        Self { map, raw }
    }
}

impl Deref for Text {
    type Target = LanguageMap;
    fn deref(&self) -> &LanguageMap {
        &self.map
    }
}

/// Language tag used for text written without one.
pub const UNDETERMINED: &str = "und";

fn push_text(acc: &mut Map<String, Value>, lang: &str, text: &str) {
    let entry = acc
        .entry(lang.to_owned())
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(a) = entry {
        a.push(Value::String(text.to_owned()));
    }
}

fn collect_text(acc: &mut Map<String, Value>, v: &Value) {
    match v {
        Value::String(s) => push_text(acc, UNDETERMINED, s),
        Value::Array(items) => items.iter().for_each(|i| collect_text(acc, i)),
        Value::Object(o) if o.contains_key("@value") => {
            if let Some(s) = o.get("@value").and_then(Value::as_str) {
                let lang = o
                    .get("@language")
                    .and_then(Value::as_str)
                    .unwrap_or(UNDETERMINED);
                push_text(acc, lang, s);
            }
        }
        Value::Object(o) => {
            for (lang, texts) in o {
                match texts {
                    Value::String(s) => push_text(acc, lang, s),
                    Value::Array(a) => a
                        .iter()
                        .filter_map(Value::as_str)
                        .for_each(|s| push_text(acc, lang, s)),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

impl ViewPart for Text {
    fn from_value(value: &Value, _path: &Path<'_>) -> Result<Self, ViewError> {
        let mut acc = Map::new();
        collect_text(&mut acc, value);
        let map = serde_json::from_value(Value::Object(acc)).unwrap_or_default();
        Ok(Self {
            map,
            raw: value.clone(),
        })
    }
    fn to_value(&self) -> Value {
        self.raw.clone()
    }
}

/// Where a node's members came from: their order, and whether the node was written as a bare IRI.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Layout {
    order: Vec<String>,
    reference: bool,
}

impl Layout {
    pub(crate) fn reference() -> Self {
        Self {
            order: Vec::new(),
            reference: true,
        }
    }
    pub(crate) fn is_reference(&self) -> bool {
        self.reference
    }
}

/// Reads the members of one JSON object into typed fields, keeping track of what it interpreted.
pub(crate) struct ObjReader<'a, 'p> {
    map: &'a Map<String, Value>,
    path: &'p Path<'p>,
    taken: Vec<&'static str>,
}

impl<'a, 'p> ObjReader<'a, 'p> {
    pub(crate) fn new(map: &'a Map<String, Value>, path: &'p Path<'p>) -> Self {
        Self {
            map,
            path,
            taken: Vec::new(),
        }
    }

    /// Reads member `key` (absent or `null`: the field's default, and a `null` stays in `extra`).
    pub(crate) fn field<F: Field>(&mut self, key: &'static str) -> Result<F, ViewError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(F::default()),
            Some(v) => {
                self.taken.push(key);
                F::read_field(v, &self.path.key(key))
            }
        }
    }

    /// The members not interpreted, and the layout of the object.
    pub(crate) fn finish(self) -> (Map<String, Value>, Layout) {
        let extra = self
            .map
            .iter()
            .filter(|(k, _)| !self.taken.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let order = self.map.keys().cloned().collect();
        (
            extra,
            Layout {
                order,
                reference: false,
            },
        )
    }
}

/// Writes typed fields and `extra` back into one JSON object, in the order they were read.
pub(crate) struct ObjWriter {
    typed: Vec<(&'static str, Value)>,
}

impl ObjWriter {
    pub(crate) fn new() -> Self {
        Self { typed: Vec::new() }
    }

    pub(crate) fn put<F: Field>(&mut self, key: &'static str, field: &F) {
        if let Some(v) = field.write_field() {
            self.typed.push((key, v));
        }
    }

    pub(crate) fn finish(mut self, layout: &Layout, extra: &Map<String, Value>) -> Value {
        let mut out = Map::new();
        for k in &layout.order {
            if let Some(pos) = self.typed.iter().position(|(t, _)| t == k) {
                let (_, v) = self.typed.swap_remove(pos);
                out.insert(k.clone(), v);
            } else if let Some(v) = extra.get(k) {
                out.insert(k.clone(), v.clone());
            }
        }
        for (k, v) in self.typed {
            out.entry(k.to_owned()).or_insert(v);
        }
        for (k, v) in extra {
            if !out.contains_key(k) {
                out.insert(k.clone(), v.clone());
            }
        }
        Value::Object(out)
    }
}

/// Declares a node type of the view: `id`, `types`, the listed members (JSON key => field), `extra`
/// for everything else, and its [`ViewPart`] reading and writing.
macro_rules! node {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $key:literal => $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name {
            /// `id`: the node's IRI.
            pub id: Option<String>,
            /// `type`: the node's class names as written (`"Concept"`, `["VerifiableCredential", ...]`).
            pub types: $crate::view::part::Many<String>,
            $( $(#[$fmeta])* pub $field: $ty, )*
            /// Members this view does not interpret, kept verbatim.
            pub extra: serde_json::Map<String, serde_json::Value>,
            layout: $crate::view::part::Layout,
        }

        impl $crate::view::part::ViewPart for $name {
            fn from_value(
                value: &serde_json::Value,
                path: &$crate::view::error::Path<'_>,
            ) -> Result<Self, $crate::view::error::ViewError> {
                let map = match value {
                    serde_json::Value::Object(map) => map,
                    serde_json::Value::String(iri) => {
                        return Ok(Self {
                            id: Some(iri.clone()),
                            layout: $crate::view::part::Layout::reference(),
                            ..Default::default()
                        })
                    }
                    other => {
                        return Err($crate::view::error::ViewError::type_at(
                            path,
                            concat!("a ", stringify!($name), " object (or its IRI)"),
                            other,
                        ))
                    }
                };
                let mut r = $crate::view::part::ObjReader::new(map, path);
                let id = r.field("id")?;
                let types = r.field("type")?;
                $( let $field = r.field($key)?; )*
                let (extra, layout) = r.finish();
                Ok(Self { id, types, $( $field, )* extra, layout })
            }

            fn to_value(&self) -> serde_json::Value {
                if self.layout.is_reference() {
                    if let Some(id) = &self.id {
                        return serde_json::Value::String(id.clone());
                    }
                }
                let mut w = $crate::view::part::ObjWriter::new();
                w.put("id", &self.id);
                w.put("type", &self.types);
                $( w.put($key, &self.$field); )*
                w.finish(&self.layout, &self.extra)
            }
        }

        impl $name {
            /// The node's IRI.
            pub fn id(&self) -> Option<&str> {
                self.id.as_deref()
            }

            /// Whether `type` names `class` (`"Qualification"`).
            pub fn has_type(&self, class: &str) -> bool {
                self.types.iter().any(|t| t == class)
            }

            /// Whether the node was written as a bare IRI rather than embedded.
            pub fn is_reference(&self) -> bool {
                self.layout.is_reference()
            }
        }
    };
}

pub(crate) use node;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn many_remembers_its_form() {
        let p = Path::root("$");
        let one: Many<String> = Field::read_field(&json!("a"), &p).unwrap();
        let arr: Many<String> = Field::read_field(&json!(["a"]), &p).unwrap();
        assert_eq!(one.as_slice(), arr.as_slice());
        assert_eq!(one.write_field(), Some(json!("a")));
        assert_eq!(arr.write_field(), Some(json!(["a"])));
    }

    #[test]
    fn text_reads_every_form() {
        let p = Path::root("$");
        for v in [
            json!({"en": "x"}),
            json!({"en": ["x"]}),
            json!([{"@value": "x", "@language": "en"}]),
        ] {
            let t = Text::from_value(&v, &p).unwrap();
            assert_eq!(t.get("en"), Some("x"), "{v}");
            assert_eq!(t.to_value(), v);
        }
        let bare = Text::from_value(&json!("x"), &p).unwrap();
        assert_eq!(bare.best("en"), Some("x"));
    }

    #[test]
    fn dates_parse_as_edc_writes_them() {
        for s in [
            "2023-09-27T13:54:17+02:00",
            "1999-10-01T22:00:00Z",
            "2010-01-01T00:00:00",
            "2023-06-28",
        ] {
            assert!(parse_datetime(s).is_some(), "{s}");
        }
        assert_eq!(
            Literal::new("1999-10-01T22:00:00Z").date(),
            NaiveDate::from_ymd_opt(1999, 10, 1)
        );
        assert!(parse_datetime("yesterday").is_none());
    }
}
