//! Interface languages of the console (issue #18): English, German, Dutch, Polish, Italian.
//!
//! Strings live next to the page that uses them, as `[en, de, nl, pl, it]` arrays picked with
//! [`Lang::pick`], so a page and its translations are read and reviewed together.

use axum::http::{header, HeaderMap};

/// A console language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English (default).
    #[default]
    En,
    /// German.
    De,
    /// Dutch.
    Nl,
    /// Polish.
    Pl,
    /// Italian.
    It,
}

impl Lang {
    /// All, in the order of translation arrays.
    pub const ALL: [Lang; 5] = [Lang::En, Lang::De, Lang::Nl, Lang::Pl, Lang::It];

    /// BCP 47 tag (`<html lang>`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Nl => "nl",
            Lang::Pl => "pl",
            Lang::It => "it",
        }
    }

    /// The language's own name (the language menu).
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::De => "Deutsch",
            Lang::Nl => "Nederlands",
            Lang::Pl => "Polski",
            Lang::It => "Italiano",
        }
    }

    /// Parses a tag's primary subtag (`de-CH` → German).
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// The string of this language from `[en, de, nl, pl, it]`.
    pub fn pick(self, strings: [&'static str; 5]) -> &'static str {
        let [en, de, nl, pl, it] = strings;
        match self {
            Lang::En => en,
            Lang::De => de,
            Lang::Nl => nl,
            Lang::Pl => pl,
            Lang::It => it,
        }
    }

    /// `requested` (a `?lang=` or the session's choice) when supported, else the best of
    /// `Accept-Language` (RFC 9110 §12.5.4), else English.
    pub fn negotiate(requested: Option<&str>, headers: &HeaderMap) -> Lang {
        if let Some(l) = requested.and_then(Lang::parse) {
            return l;
        }
        let mut best: Option<(f32, Lang)> = None;
        let value = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        for item in value.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::En, |(_, l)| l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_accept_language_by_quality() {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_LANGUAGE,
            "fr;q=1, pl;q=0.5, it;q=0.8".parse().unwrap(),
        );
        assert_eq!(Lang::negotiate(None, &h), Lang::It);
        assert_eq!(Lang::negotiate(Some("nl-BE"), &h), Lang::Nl);
        assert_eq!(Lang::negotiate(Some("xx"), &HeaderMap::new()), Lang::En);
    }
}
