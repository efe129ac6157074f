//! The universities registry file (`keys.example/universities.toml`).
//!
//! The file lists `[[university]]` records (snake_case fields of [`elm_model::University`] without
//! `did`); the DID of each is derived here from the base URL of the service (`did:web:` + host, a
//! port written `%3A`, + `:universities:` + id; W3C did:web §3.1), because the same registry serves
//! any deployment.

use std::path::Path;

use elm_model::{did_web, Universities, University};
use serde::Deserialize;

/// Why the registry could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The file cannot be read.
    #[error("cannot read universities file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a valid registry.
    #[error("invalid universities file {path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// What is wrong, with the TOML position.
        message: String,
    },
    /// The base URL cannot be turned into did:web identifiers.
    #[error(transparent)]
    BaseUrl(#[from] elm_model::university::InvalidBaseUrl),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    university: Vec<University>,
}

/// Parses registry TOML text; `origin` names the source in errors.
pub fn parse(text: &str, origin: &str, base_url: &str) -> Result<Universities, RegistryError> {
    let file: RegistryFile = toml::from_str(text).map_err(|e| RegistryError::Parse {
        path: origin.to_owned(),
        message: e.to_string(),
    })?;
    let mut list = file.university;
    for u in &mut list {
        u.did = did_web(base_url, &u.id)?;
    }
    Ok(Universities::new(list))
}

/// Reads and parses the registry at `path`.
pub fn load(path: &Path, base_url: &str) -> Result<Universities, RegistryError> {
    let text = std::fs::read_to_string(path).map_err(|source| RegistryError::Read {
        path: path.display().to_string(),
        source,
    })?;
    parse(&text, &path.display().to_string(), base_url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_registry_has_the_six_universities() {
        let text = include_str!("../../../keys.example/universities.toml");
        let unis = parse(text, "universities.toml", "http://localhost:8080").unwrap();
        assert_eq!(
            unis.ids(),
            ["eth", "rwth", "tudelft", "wut", "tub", "polimi"]
        );
        let eth = unis.get("eth").unwrap();
        assert_eq!(eth.did, "did:web:localhost%3A8080:universities:eth");
        assert_eq!(eth.country, "CHE");
        assert_eq!(eth.legal_identifier, "CH ZURICH01");
        let wut = unis.get("wut").unwrap();
        assert_eq!(wut.legal_name.get("pl"), Some("Politechnika Warszawska"));
        for u in unis.iter() {
            assert!(u.grading_scheme.is_some(), "{} has a grading scheme", u.id);
            assert!(elm_model::vocab::country(&u.country).is_some());
            assert!(u.legal_name.get("en").is_some() && u.legal_name.get(&u.language).is_some());
        }
    }

    #[test]
    fn unknown_fields_are_rejected_with_position() {
        let err = parse(
            "[[university]]\nid = \"x\"\nnickname = \"y\"\n",
            "t.toml",
            "http://localhost:8080",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("nickname"), "{err}");
    }
}
