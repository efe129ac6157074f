//! Tenants of the issuer service: the universities file (`keys.example/universities.toml`,
//! `[[university]]` records, parsed by [`crate::universities`]) and the seeded API tokens file (`keys.example/tokens.toml`, one line
//! `<university> = "<token>"` each, roles issue + revoke). Seeding is idempotent: universities are
//! upserted, tokens inserted only if their hash is new; only SHA-256 hashes of tokens are stored.

use std::collections::BTreeMap;
use std::path::Path;

use elm_model::University;

/// Why the tenant files could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TenantError {
    /// File unreadable.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// File.
        path: String,
        /// Why.
        reason: String,
    },
    /// File malformed (the message names the field; never a token value).
    #[error("invalid {path}: {reason}")]
    Parse {
        /// File.
        path: String,
        /// Why.
        reason: String,
    },
}

/// Reads the universities file with [`crate::universities::load`] (the one registry parser of the
/// crate; DIDs derived from `base_url`).
pub fn load_universities(path: &Path, base_url: &str) -> Result<Vec<University>, TenantError> {
    let unis = crate::universities::load(path, base_url).map_err(|e| TenantError::Parse {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    Ok(unis.iter().cloned().collect())
}

/// Reads the tokens file: university id → token.
pub fn load_tokens(path: &Path) -> Result<BTreeMap<String, String>, TenantError> {
    let text = std::fs::read_to_string(path).map_err(|e| TenantError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    toml::from_str::<BTreeMap<String, String>>(&text).map_err(|e| TenantError::Parse {
        path: path.display().to_string(),
        reason: e.message().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_demo_files() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../keys.example");
        let unis = load_universities(
            &Path::new(dir).join("universities.toml"),
            "http://localhost:8080",
        )
        .unwrap();
        let ids: Vec<_> = unis.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(ids, ["eth", "rwth", "tudelft", "wut", "tub", "polimi"]);
        assert_eq!(unis[0].did, "did:web:localhost%3A8080:universities:eth");
        let tokens = load_tokens(&Path::new(dir).join("tokens.toml")).unwrap();
        for id in ids {
            assert!(
                tokens
                    .get(id)
                    .is_some_and(|t| t.starts_with(&format!("demo-{id}-"))),
                "{id}"
            );
        }
    }
}
