//! The university key store: loads `keys.example/`-style directories of demo (or real) keys.
//!
//! Layout (documented for operators in `keys.example/README.md`):
//!
//! ```text
//! <dir>/ca/ca.cert.pem              trust anchor(s) for seal chains (PEM, one or more certificates)
//! <dir>/<university>/keys.toml      which keys exist and which one signs
//! <dir>/<university>/*.pem          PKCS#8 private keys and PEM certificates named in keys.toml
//! ```
//!
//! `keys.toml`:
//!
//! ```toml
//! [[ed25519]]              # one entry per Data Integrity / VC-JWT key, oldest first
//! id = "key-2025-01"       # DID URL fragment: did:web:...:universities:eth#key-2025-01
//! file = "ed25519-key-2025-01.pem"
//! current = false          # rotated out of signing, still published for verification
//!
//! [[ed25519]]
//! id = "key-2026-01"
//! file = "ed25519-key-2026-01.pem"
//! current = true           # exactly one key is current: it signs
//!
//! [seal]                   # optional JAdES seal
//! algorithm = "RS256"      # RS256 | PS256 (RSA key) or ES256 (P-256 key)
//! key_file = "seal.key.pem"
//! chain_file = "seal.chain.pem"   # leaf first, then the issuing CA(s)
//! ```
//!
//! Key rotation (DID Core §5.2 / did:web): every listed Ed25519 key goes into the university's DID
//! document as a `Multikey` in `assertionMethod`, so proofs made before a rotation keep verifying;
//! only the `current` key signs. Removing a key from `keys.toml` revokes it for verification too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use x509_cert::Certificate;

use crate::certs::{self, TrustAnchors};
use crate::did::{build_did_document, DidError, DidWeb, StaticDidResolver};
use crate::keys::{Algorithm, KeyError};
use crate::signer::{signer_from_pkcs8_pem, Ed25519Signer, Signer};

/// Why a key store could not be loaded. Never contains key material.
#[derive(Debug, thiserror::Error)]
pub enum KeyStoreError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// File.
        path: PathBuf,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// `keys.toml` is not valid.
    #[error("invalid {path}: {reason}")]
    Config {
        /// File.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A key file is not a usable key.
    #[error("bad key in {path}: {source}")]
    Key {
        /// File.
        path: PathBuf,
        /// Cause.
        #[source]
        source: KeyError,
    },
    /// A certificate file is not usable.
    #[error("bad certificate in {path}: {reason}")]
    Certificate {
        /// File.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The DID could not be built.
    #[error(transparent)]
    Did(#[from] DidError),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysToml {
    #[serde(default)]
    ed25519: Vec<Ed25519Entry>,
    seal: Option<SealEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Ed25519Entry {
    id: String,
    file: String,
    #[serde(default)]
    current: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SealEntry {
    algorithm: String,
    key_file: String,
    chain_file: String,
}

/// One Ed25519 key of a university.
#[derive(Debug, Clone)]
pub struct UniversityKey {
    /// DID URL fragment (`key-2026-01`).
    pub fragment: String,
    /// Signer whose key id is the full verification method URL.
    pub signer: Ed25519Signer,
    /// Whether this key signs new credentials.
    pub current: bool,
}

/// A university's JAdES seal: signing key and certificate chain (leaf first).
#[derive(Debug)]
pub struct SealKey {
    /// Signer (RS256, PS256 or ES256).
    pub signer: Box<dyn Signer>,
    /// Certificate chain, leaf first.
    pub chain: Vec<Certificate>,
}

/// All keys of one university.
#[derive(Debug)]
pub struct UniversityKeys {
    /// Short id (`eth`).
    pub id: String,
    /// Its did:web.
    pub did_web: DidWeb,
    /// Ed25519 keys, in `keys.toml` order; exactly one is current.
    pub keys: Vec<UniversityKey>,
    /// The seal, if configured.
    pub seal: Option<SealKey>,
}

impl UniversityKeys {
    /// The DID (`did:web:...`).
    pub fn did(&self) -> &str {
        &self.did_web.did
    }

    /// The key that signs new credentials (`load` guarantees there is exactly one, so this is
    /// `Some` for a loaded store).
    pub fn current_signer(&self) -> Option<&Ed25519Signer> {
        self.keys.iter().find(|k| k.current).map(|k| &k.signer)
    }

    /// The DID document listing every key (rotated ones included).
    pub fn did_document(&self) -> Result<Value, DidError> {
        let keys: Vec<_> = self.keys.iter().map(|k| (k.fragment.clone(), k.signer.public_key())).collect();
        build_did_document(self.did(), &keys)
    }
}

/// Every university's keys plus the seal trust anchors.
#[derive(Debug)]
pub struct KeyStore {
    universities: BTreeMap<String, UniversityKeys>,
    trust_anchors: TrustAnchors,
}

fn read(path: &Path) -> Result<String, KeyStoreError> {
    std::fs::read_to_string(path).map_err(|source| KeyStoreError::Io { path: path.to_path_buf(), source })
}

impl KeyStore {
    /// Loads `dir`: every subdirectory with a `keys.toml` is a university (its name is the id); DIDs
    /// are built under `public_base_url`. `dir/ca/*.pem` certificates become the trust anchors.
    pub fn load(dir: &Path, public_base_url: &str) -> Result<Self, KeyStoreError> {
        let entries = std::fs::read_dir(dir).map_err(|source| KeyStoreError::Io { path: dir.to_path_buf(), source })?;
        let mut names = Vec::new();
        for e in entries {
            let e = e.map_err(|source| KeyStoreError::Io { path: dir.to_path_buf(), source })?;
            if e.path().join("keys.toml").is_file() {
                names.push(e.file_name().to_string_lossy().into_owned());
            }
        }
        names.sort();
        let mut universities = BTreeMap::new();
        for name in names {
            let u = Self::load_university(&dir.join(&name), &name, public_base_url)?;
            universities.insert(name, u);
        }
        let mut trust_anchors = TrustAnchors::empty();
        let ca_dir = dir.join("ca");
        if ca_dir.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&ca_dir)
                .map_err(|source| KeyStoreError::Io { path: ca_dir.clone(), source })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".cert.pem")))
                .collect();
            files.sort();
            for f in files {
                for c in certs::certificates_from_pem(&read(&f)?)
                    .map_err(|e| KeyStoreError::Certificate { path: f.clone(), reason: e.to_string() })?
                {
                    trust_anchors.add(c);
                }
            }
        }
        Ok(Self { universities, trust_anchors })
    }

    fn load_university(dir: &Path, id: &str, public_base_url: &str) -> Result<UniversityKeys, KeyStoreError> {
        let toml_path = dir.join("keys.toml");
        let config: KeysToml = toml::from_str(&read(&toml_path)?)
            .map_err(|e| KeyStoreError::Config { path: toml_path.clone(), reason: e.to_string() })?;
        let cfg_err = |reason: String| KeyStoreError::Config { path: toml_path.clone(), reason };
        let did_web = DidWeb::for_university(public_base_url, id)?;
        if config.ed25519.is_empty() {
            return Err(cfg_err("no [[ed25519]] key".into()));
        }
        let current = config.ed25519.iter().filter(|k| k.current).count();
        if current != 1 {
            return Err(cfg_err(format!("{current} keys marked current; exactly one must be")));
        }
        let mut keys = Vec::new();
        for entry in &config.ed25519 {
            if entry.id.is_empty() || !entry.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                return Err(cfg_err(format!("key id {:?} must be [A-Za-z0-9_-]+", entry.id)));
            }
            if keys.iter().any(|k: &UniversityKey| k.fragment == entry.id) {
                return Err(cfg_err(format!("duplicate key id {}", entry.id)));
            }
            let path = dir.join(&entry.file);
            let signer = Ed25519Signer::from_pkcs8_pem(did_web.verification_method(&entry.id), &read(&path)?)
                .map_err(|source| KeyStoreError::Key { path, source })?;
            keys.push(UniversityKey { fragment: entry.id.clone(), signer, current: entry.current });
        }
        let seal = match &config.seal {
            None => None,
            Some(seal) => {
                let alg = Algorithm::from_jose_name(&seal.algorithm)
                    .filter(|a| crate::jades::ALLOWED_ALGORITHMS.contains(a))
                    .ok_or_else(|| cfg_err(format!("seal algorithm {:?} is not RS256, PS256 or ES256", seal.algorithm)))?;
                let chain_path = dir.join(&seal.chain_file);
                let chain = certs::certificates_from_pem(&read(&chain_path)?)
                    .map_err(|e| KeyStoreError::Certificate { path: chain_path.clone(), reason: e.to_string() })?;
                let key_path = dir.join(&seal.key_file);
                let kid = crate::jades::kid_for_certificate(&chain[0])
                    .map_err(|e| KeyStoreError::Certificate { path: chain_path.clone(), reason: e.to_string() })?;
                let signer = signer_from_pkcs8_pem(kid, &read(&key_path)?, alg)
                    .map_err(|source| KeyStoreError::Key { path: key_path.clone(), source })?;
                let cert_key = certs::certificate_public_key(&chain[0])
                    .map_err(|e| KeyStoreError::Certificate { path: chain_path.clone(), reason: e.to_string() })?;
                if cert_key != signer.public_key() {
                    return Err(KeyStoreError::Certificate {
                        path: chain_path,
                        reason: format!("leaf certificate does not certify {}", key_path.display()),
                    });
                }
                Some(SealKey { signer, chain })
            }
        };
        Ok(UniversityKeys { id: id.to_string(), did_web, keys, seal })
    }

    /// One university.
    pub fn university(&self, id: &str) -> Option<&UniversityKeys> {
        self.universities.get(id)
    }

    /// All universities, by id.
    pub fn universities(&self) -> impl Iterator<Item = &UniversityKeys> {
        self.universities.values()
    }

    /// Seal trust anchors from `ca/`.
    pub fn trust_anchors(&self) -> &TrustAnchors {
        &self.trust_anchors
    }

    /// An offline resolver with every university's DID document (and did:key).
    pub fn resolver(&self) -> Result<StaticDidResolver, DidError> {
        let mut r = StaticDidResolver::new();
        for u in self.universities.values() {
            r.add_document(&u.did_document()?)?;
        }
        Ok(r)
    }
}
