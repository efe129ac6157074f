//! The trusted-issuer registry: the ENHANCE member universities a verifier accepts as issuers, with
//! their legal identity, their DIDs **and DID documents** (so Data Integrity proofs verify offline,
//! W3C VC Data Integrity §4.4 step "retrieve the verification method") and the CA certificates
//! their JAdES seals chain to (ETSI TS 119 182-1 §5.1.8 `x5c`, RFC 5280 path validation).
//!
//! File format (`keys.example/trust-registry.json`, JSON, camelCase):
//!
//! ```json
//! {
//!   "$comment": "...",
//!   "name": "ENHANCE Alliance trusted issuers (DEMO)",
//!   "alliance": { "id": "urn:enhance:group:enhance-alliance", "name": "ENHANCE Alliance" },
//!   "members": [{
//!     "id": "eth",
//!     "legalName": { "de": "ETH Zürich", "en": "ETH Zurich" },
//!     "legalIdentifier": "CH ZURICH01",
//!     "country": "CHE",
//!     "dids": [{ "id": "did:web:localhost%3A8080:universities:eth", "document": { ...DID document... } }],
//!     // a university may also be listed by its did:key (issue #15): another entry of "dids",
//!     // { "id": "did:key:z6Mk...", "document": { ...its did:key document... } }
//!     "seal": { "organisation": "ETH Zürich", "organisationIdentifier": "NTRCH-DEMO-ETH",
//!               "caCertificates": ["-----BEGIN CERTIFICATE-----\n..."] }
//!   }]
//! }
//! ```
//!
//! The demo registry is generated from the key store (`keys.example/`) by
//! [`TrustRegistry::from_key_store`] (`cargo run -p verifier --example gen_trust_registry`); a test
//! asserts the committed file equals what the key store produces.

use std::collections::BTreeMap;
use std::path::Path;

use proofs::certs::{self, CertificateInfo, TrustAnchors};
use proofs::did::StaticDidResolver;
use proofs::keystore::KeyStore;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The committed demo registry (`keys.example/trust-registry.json`).
pub const DEMO_REGISTRY_JSON: &str = include_str!("../../../keys.example/trust-registry.json");

/// Base URL the demo DIDs are built under.
pub const DEMO_BASE_URL: &str = "http://localhost:8080";

/// Why a registry could not be loaded or generated.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// File unreadable.
    #[error("cannot read {path}: {source}")]
    Io {
        /// File.
        path: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// Not a registry document.
    #[error("invalid trust registry: {0}")]
    Invalid(String),
    /// A DID document of the registry is malformed.
    #[error("trust registry member {member}: bad DID document for {did}: {reason}")]
    DidDocument {
        /// Member id.
        member: String,
        /// DID.
        did: String,
        /// Why.
        reason: String,
    },
    /// A CA certificate of the registry is malformed.
    #[error("trust registry member {member}: bad CA certificate: {reason}")]
    Certificate {
        /// Member id.
        member: String,
        /// Why.
        reason: String,
    },
    /// Generating from a key store failed.
    #[error("key store: {0}")]
    KeyStore(String),
}

/// The alliance the members belong to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Alliance {
    /// Its id in credentials (`urn:enhance:group:enhance-alliance`).
    pub id: String,
    /// Its name.
    pub name: String,
}

/// A DID and its DID document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DidEntry {
    /// The DID.
    pub id: String,
    /// Its DID document (Multikey methods listed in `assertionMethod`).
    pub document: Value,
}

/// A member's seal identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SealEntry {
    /// Subject O of the seal certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// Subject organizationIdentifier (2.5.4.97) of the seal certificate.
    pub organisation_identifier: String,
    /// PEM certificates of the CA(s) the seal chains to.
    pub ca_certificates: Vec<String>,
}

/// One trusted university.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Member {
    /// Short id (`eth`).
    pub id: String,
    /// Legal name per language.
    pub legal_name: BTreeMap<String, String>,
    /// Legal identifier (the credential's `eIDASIdentifier` notation).
    pub legal_identifier: String,
    /// Country code (EU authority table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// DIDs with their documents.
    pub dids: Vec<DidEntry>,
    /// JAdES seal identity, if the member seals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal: Option<SealEntry>,
}

impl Member {
    /// English legal name, else any.
    pub fn name(&self) -> &str {
        self.legal_name
            .get("en")
            .or_else(|| self.legal_name.values().next())
            .map(String::as_str)
            .unwrap_or(&self.id)
    }

    /// Whether `did` (without fragment) is one of the member's DIDs.
    pub fn has_did(&self, did: &str) -> bool {
        let did = did.split('#').next().unwrap_or(did);
        self.dids.iter().any(|d| d.id == did)
    }

    /// Whether any language of the legal name equals `name` (case-insensitive, trimmed).
    pub fn has_legal_name(&self, name: &str) -> bool {
        let n = name.trim();
        !n.is_empty()
            && self
                .legal_name
                .values()
                .any(|v| v.trim().eq_ignore_ascii_case(n))
    }
}

/// The trusted-issuer registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrustRegistry {
    /// Free text (what this file is, how it was generated).
    #[serde(rename = "$comment", default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    /// Registry name.
    pub name: String,
    /// The alliance.
    pub alliance: Alliance,
    /// Trusted members.
    pub members: Vec<Member>,
}

#[derive(Debug, Deserialize)]
struct UniversitiesToml {
    university: Vec<UniversityRecord>,
}

#[derive(Debug, Deserialize)]
struct UniversityRecord {
    id: String,
    legal_name: BTreeMap<String, String>,
    country: Option<String>,
    legal_identifier: String,
}

impl TrustRegistry {
    /// Parses and validates a registry document (every DID document and CA certificate must parse).
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Self, RegistryError> {
        let r: Self =
            serde_json::from_slice(bytes).map_err(|e| RegistryError::Invalid(e.to_string()))?;
        r.validate()?;
        Ok(r)
    }

    /// Reads a registry file.
    pub fn load(path: &Path) -> Result<Self, RegistryError> {
        let bytes = std::fs::read(path).map_err(|source| RegistryError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json_bytes(&bytes)
    }

    /// The committed demo registry.
    pub fn demo() -> Result<Self, RegistryError> {
        Self::from_json_bytes(DEMO_REGISTRY_JSON.as_bytes())
    }

    /// A registry trusting nobody.
    pub fn empty() -> Self {
        Self {
            comment: String::new(),
            name: "empty".into(),
            alliance: Alliance {
                id: elm_model::build::ENHANCE_GROUP_ID.into(),
                name: "ENHANCE Alliance".into(),
            },
            members: Vec::new(),
        }
    }

    fn validate(&self) -> Result<(), RegistryError> {
        for m in &self.members {
            for d in &m.dids {
                if d.document.get("id").and_then(Value::as_str) != Some(d.id.as_str()) {
                    return Err(RegistryError::DidDocument {
                        member: m.id.clone(),
                        did: d.id.clone(),
                        reason: "document id differs from the DID".into(),
                    });
                }
                StaticDidResolver::documents_only()
                    .add_document(&d.document)
                    .map_err(|e| RegistryError::DidDocument {
                        member: m.id.clone(),
                        did: d.id.clone(),
                        reason: e.to_string(),
                    })?;
            }
            if let Some(seal) = &m.seal {
                for pem in &seal.ca_certificates {
                    certs::certificates_from_pem(pem).map_err(|e| RegistryError::Certificate {
                        member: m.id.clone(),
                        reason: e.to_string(),
                    })?;
                }
            }
        }
        Ok(())
    }

    /// Generates the registry of a key store directory (`keys.example/`: `universities.toml`, the
    /// per-university keys and seal chains, `ca/`), with DIDs under `base_url`.
    pub fn from_key_store(dir: &Path, base_url: &str) -> Result<Self, RegistryError> {
        let store =
            KeyStore::load(dir, base_url).map_err(|e| RegistryError::KeyStore(e.to_string()))?;
        let toml_path = dir.join("universities.toml");
        let text = std::fs::read_to_string(&toml_path).map_err(|source| RegistryError::Io {
            path: toml_path.display().to_string(),
            source,
        })?;
        let records: UniversitiesToml = toml::from_str(&text)
            .map_err(|e| RegistryError::KeyStore(format!("{}: {e}", toml_path.display())))?;
        let ca_pems = store
            .trust_anchors()
            .certificates()
            .iter()
            .map(certs::certificate_to_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| RegistryError::KeyStore(e.to_string()))?;
        let mut members = Vec::new();
        for rec in records.university {
            let Some(keys) = store.university(&rec.id) else {
                return Err(RegistryError::KeyStore(format!(
                    "university {} has no keys in {}",
                    rec.id,
                    dir.display()
                )));
            };
            let document = keys
                .did_document()
                .map_err(|e| RegistryError::KeyStore(e.to_string()))?;
            let mut dids = vec![DidEntry {
                id: keys.did().to_string(),
                document,
            }];
            // `did_key = true` in keys.toml: the did:key is listed next to the did:web.
            if let (Some(did_key), Some(document)) = (&keys.did_key, keys.did_key_document()) {
                dids.push(DidEntry {
                    id: did_key.clone(),
                    document: document.map_err(|e| RegistryError::KeyStore(e.to_string()))?,
                });
            }
            let seal = match &keys.seal {
                None => None,
                Some(s) => {
                    let leaf = s.chain.first().ok_or_else(|| {
                        RegistryError::KeyStore(format!("{}: empty seal chain", rec.id))
                    })?;
                    let info = CertificateInfo::of(leaf);
                    Some(SealEntry {
                        organisation: info.organisation,
                        organisation_identifier: info.organisation_identifier.ok_or_else(|| {
                            RegistryError::KeyStore(format!(
                                "{}: seal certificate without organizationIdentifier",
                                rec.id
                            ))
                        })?,
                        ca_certificates: ca_pems.clone(),
                    })
                }
            };
            members.push(Member {
                id: rec.id.clone(),
                legal_name: rec.legal_name,
                legal_identifier: rec.legal_identifier,
                country: rec.country,
                dids,
                seal,
            });
        }
        Ok(Self {
            comment: format!(
                "DEMO trusted-issuer registry of the ENHANCE verifier, generated from keys.example/ (DIDs under {base_url}) by `cargo run -p verifier --example gen_trust_registry -- keys.example`. DEMO KEYS: trusts nothing real."
            ),
            name: "ENHANCE Alliance trusted issuers (DEMO)".into(),
            alliance: Alliance { id: elm_model::build::ENHANCE_GROUP_ID.into(), name: "ENHANCE Alliance".into() },
            members,
        })
    }

    /// Pretty JSON with a final newline (the committed file's form).
    pub fn to_pretty_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The member owning `did` (fragment ignored).
    pub fn member_by_did(&self, did: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.has_did(did))
    }

    /// The member with this legal identifier (or seal organisationIdentifier).
    pub fn member_by_identifier(&self, identifier: &str) -> Option<&Member> {
        let id = identifier.trim();
        if id.is_empty() {
            return None;
        }
        self.members.iter().find(|m| {
            m.legal_identifier == id
                || m.seal
                    .as_ref()
                    .is_some_and(|s| s.organisation_identifier == id)
        })
    }

    /// The member with this legal name (any language).
    pub fn member_by_legal_name(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.has_legal_name(name))
    }

    /// An offline resolver over every member's DID documents (and did:key).
    pub fn resolver(&self) -> StaticDidResolver {
        let mut r = StaticDidResolver::new();
        for m in &self.members {
            for d in &m.dids {
                // Validated at load; a document that fails here is simply not served.
                let _ = r.add_document(&d.document);
            }
        }
        r
    }

    /// Every member's seal CA certificates as trust anchors.
    pub fn trust_anchors(&self) -> TrustAnchors {
        let mut anchors = TrustAnchors::empty();
        for m in &self.members {
            for pem in m.seal.iter().flat_map(|s| s.ca_certificates.iter()) {
                if let Ok(list) = certs::certificates_from_pem(pem) {
                    for c in list {
                        if !anchors.certificates().contains(&c) {
                            anchors.add(c);
                        }
                    }
                }
            }
        }
        anchors
    }
}
