//! Multilingual text: JSON-LD language maps as ELM v3.2 uses them.
//!
//! ELM declares most text properties (`title`, `description`, `legalName`, `noteLiteral`, ...) with
//! `"@container": "@language"` in the `edc-ap` context (JSON-LD 1.1 §4.6.2 "Language Maps"), so a
//! value is `{"en": "Data Literacy", "de": "Datenkompetenz"}`. The EU's own samples also write
//! `{"en": ["Data Literacy"]}`; both read into a [`LanguageMap`], which always writes the first
//! (single string) form. Keys are BCP 47 tags, kept as given (FINDINGS: processors disagree on
//! case-folding, so the model writes lower-case tags and does not rewrite what it reads).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Text in one or more languages, keyed by lower-case BCP 47 language tag (`en`, `de`, `nl`, `pl`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LanguageMap(BTreeMap<String, Vec<String>>);

impl LanguageMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// A map with one entry.
    pub fn single(lang: &str, text: impl Into<String>) -> Self {
        let mut m = Self::new();
        m.insert(lang, text);
        m
    }

    /// Adds (or replaces) the text for `lang`.
    pub fn insert(&mut self, lang: &str, text: impl Into<String>) {
        self.0.insert(lang.to_owned(), vec![text.into()]);
    }

    /// The text in `lang`, if present (first value when the source carried several).
    pub fn get(&self, lang: &str) -> Option<&str> {
        self.0.get(lang).and_then(|v| v.first()).map(String::as_str)
    }

    /// The text in `lang`, else English, else the first language present.
    pub fn best(&self, lang: &str) -> Option<&str> {
        self.get(lang).or_else(|| self.get("en")).or_else(|| {
            self.0
                .values()
                .next()
                .and_then(|v| v.first())
                .map(String::as_str)
        })
    }

    /// The language tags present, sorted.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// Every (language, text) pair, sorted by language.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .flat_map(|(l, vs)| vs.iter().map(move |v| (l.as_str(), v.as_str())))
    }

    /// Whether no language has any text.
    pub fn is_empty(&self) -> bool {
        self.0
            .values()
            .all(|v| v.iter().all(|s| s.trim().is_empty()))
    }
}

impl<const N: usize> From<[(&str, &str); N]> for LanguageMap {
    fn from(pairs: [(&str, &str); N]) -> Self {
        let mut m = Self::new();
        for (l, t) in pairs {
            m.insert(l, t);
        }
        m
    }
}

impl Serialize for LanguageMap {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (lang, values) in &self.0 {
            match values.as_slice() {
                [one] => map.serialize_entry(lang, one)?,
                many => map.serialize_entry(lang, many)?,
            }
        }
        map.end()
    }
}

impl schemars::JsonSchema for LanguageMap {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LanguageMap".into()
    }

    /// A description-like text per language; the limits are those of
    /// [`crate::limits::TextClass::Text`] (title fields narrow them, see `crate::award`).
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        crate::limits::language_map_schema(crate::limits::TextClass::Text)
    }
}

impl<'de> Deserialize<'de> for LanguageMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        let raw = BTreeMap::<String, OneOrMany>::deserialize(d)?;
        Ok(Self(
            raw.into_iter()
                .map(|(k, v)| {
                    let v = match v {
                        OneOrMany::One(s) => vec![s],
                        OneOrMany::Many(v) => v,
                    };
                    (k, v)
                })
                .collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_forms_the_eu_samples_use() {
        let a: LanguageMap = serde_json::from_str(r#"{"en": "Data Literacy"}"#).unwrap();
        let b: LanguageMap = serde_json::from_str(r#"{"en": ["Data Literacy"]}"#).unwrap();
        assert_eq!(a, b);
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            r#"{"en":"Data Literacy"}"#
        );
    }

    #[test]
    fn best_falls_back_to_english_then_any() {
        let m = LanguageMap::from([("de", "Datenkompetenz"), ("en", "Data Literacy")]);
        assert_eq!(m.best("pl"), Some("Data Literacy"));
        assert_eq!(m.best("de"), Some("Datenkompetenz"));
        assert_eq!(LanguageMap::single("nl", "x").best("pl"), Some("x"));
        assert!(LanguageMap::new().is_empty());
    }
}
