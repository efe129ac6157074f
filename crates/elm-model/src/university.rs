//! ENHANCE member universities as issuers and awarding bodies.
//!
//! MS18 §5.1 "Awarding body" and "Country/region of the issuer": the Alliance has no legal status,
//! so each credential is awarded by a member university ("on behalf of the ENHANCE Alliance" for
//! micro-credentials, "member of the ENHANCE Alliance" otherwise). In the EDC a university is an
//! ELM `Organisation` with `legalName`, `eIDASIdentifier` (a `LegalIdentifier`) and a location; its
//! node id is its DID. The caller fills these records (the `issuer` crate reads
//! `keys.example/universities.toml` and derives the DIDs); this crate does no I/O.

use serde::{Deserialize, Serialize};

use crate::award::GradingScheme;
use crate::lang::LanguageMap;

/// One member university. Deserialises from the snake_case records of
/// `keys.example/universities.toml` (where `did` is absent: the caller derives it with [`did_web`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct University {
    /// Short id used in award requests (`eth`, `rwth`, `tudelft`, `wut`, `tub`, `polimi`).
    pub id: String,
    /// The university's DID, e.g. `did:web:localhost%3A8080:universities:eth`; the node id of the
    /// `Organisation` in credentials (and the credential's `issuer`).
    #[serde(default)]
    pub did: String,
    /// Legal name in English and in the university's language.
    pub legal_name: LanguageMap,
    /// Main language (ISO 639-1), used for generated statements besides English.
    pub language: String,
    /// City, per language.
    pub city: LanguageMap,
    /// Country code of the EU country authority table (`CHE`, `DEU`, ...).
    pub country: String,
    /// Legal identifier used as `eIDASIdentifier` (demo data: the Erasmus institution code).
    pub legal_identifier: String,
    /// Home page URL.
    pub homepage: String,
    /// Default grading scheme of the university.
    #[serde(default)]
    pub grading_scheme: Option<GradingScheme>,
}

/// The set of universities a build may refer to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Universities {
    list: Vec<University>,
}

impl Universities {
    /// A registry of `list`; later duplicates of an id are ignored.
    pub fn new(list: Vec<University>) -> Self {
        let mut out: Vec<University> = Vec::with_capacity(list.len());
        for u in list {
            if !out.iter().any(|o| o.id == u.id) {
                out.push(u);
            }
        }
        Self { list: out }
    }

    /// The university with this id.
    pub fn get(&self, id: &str) -> Option<&University> {
        self.list.iter().find(|u| u.id == id)
    }

    /// All universities, in registry order.
    pub fn iter(&self) -> impl Iterator<Item = &University> {
        self.list.iter()
    }

    /// The known ids, for error messages.
    pub fn ids(&self) -> Vec<&str> {
        self.list.iter().map(|u| u.id.as_str()).collect()
    }
}

/// `did:web` of a university served by this project: `did:web:` + host (a `:port` written `%3A`)
/// + `:universities:` + id (W3C did:web method, §3.1 "Create": port colons percent-encoded).
///
/// `base_url` is the service's base URL (`http://localhost:8080`); a path in it is appended as
/// further `:`-separated segments.
pub fn did_web(base_url: &str, university_id: &str) -> Result<String, InvalidBaseUrl> {
    let rest = base_url
        .strip_prefix("https://")
        .or_else(|| base_url.strip_prefix("http://"))
        .ok_or_else(|| InvalidBaseUrl(base_url.to_owned()))?;
    let rest = rest.trim_end_matches('/');
    let (host, path) = match rest.split_once('/') {
        Some((h, p)) => (h, p),
        None => (rest, ""),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'))
        && host.matches(':').count() <= 1;
    if !host_ok {
        return Err(InvalidBaseUrl(base_url.to_owned()));
    }
    let mut did = format!("did:web:{}", host.replace(':', "%3A"));
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        did.push(':');
        did.push_str(seg);
    }
    did.push_str(":universities:");
    did.push_str(university_id);
    Ok(did)
}

/// A base URL that cannot be turned into a did:web.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("base URL `{0}` is not an http(s) URL with a plain host[:port] (needed for did:web)")]
pub struct InvalidBaseUrl(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_web_percent_encodes_the_port() {
        assert_eq!(
            did_web("http://localhost:8080", "eth").unwrap(),
            "did:web:localhost%3A8080:universities:eth"
        );
        assert_eq!(
            did_web("https://credentials.enhance.eu/", "wut").unwrap(),
            "did:web:credentials.enhance.eu:universities:wut"
        );
        assert_eq!(
            did_web("https://example.org/issuer", "tub").unwrap(),
            "did:web:example.org:issuer:universities:tub"
        );
        assert!(did_web("ftp://x", "eth").is_err());
        assert!(did_web("http://", "eth").is_err());
    }
}
