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
//! Keys in an HSM (PKCS#11, see [`crate::pkcs11`]): a `[pkcs11]` table names the module, the token
//! and where its user PIN comes from; a key with `backend = "pkcs11"` is then found on that token by
//! `key_label` (and `key_id`, hex `CKA_ID`, when labels repeat) instead of being read from `file`.
//! The private key never leaves the token; the seal certificate chain stays a file (it is public).
//!
//! ```toml
//! [pkcs11]
//! module = "/usr/lib/softhsm/libsofthsm2.so"
//! token_label = "eth-signing"
//! pin_env = "ETH_HSM_PIN"         # or pin_file = "/run/secrets/eth-hsm-pin"
//!
//! [[ed25519]]
//! id = "key-2026-01"
//! backend = "pkcs11"              # "file" (the default) or "pkcs11"
//! key_label = "eth-ed25519-2026-01"
//! current = true
//!
//! [seal]
//! algorithm = "ES256"
//! backend = "pkcs11"
//! key_label = "eth-seal"
//! chain_file = "seal.chain.pem"
//! ```
//!
//! did:key (W3C did:key v0.7, Ed25519 `Multikey`): `did_key = true` at the top of `keys.toml`
//! makes the university sign ALSO as `did:key:z6Mk...`, derived from its CURRENT Ed25519 key (no
//! second key to keep: the same private key signs under the did:key verification method
//! `did:key:z6Mk...#z6Mk...`). A rotation therefore changes the did:key; the trust registry lists
//! it next to the did:web ([`UniversityKeys::did_key`], [`UniversityKeys::did_key_signer`]).
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
use crate::pkcs11::{PinSource, Pkcs11Error, Token, TokenConfig};
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
    /// A PKCS#11 token or a key on it could not be used (`field` names the `keys.toml` entry).
    #[error("{path}: {field}: {source}")]
    Pkcs11 {
        /// The `keys.toml`.
        path: PathBuf,
        /// The entry, e.g. `[pkcs11]` or `[[ed25519]] key-2026-01`.
        field: String,
        /// Cause (never contains the PIN).
        #[source]
        source: Box<Pkcs11Error>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysToml {
    /// Also sign as the did:key of the current Ed25519 key.
    #[serde(default)]
    did_key: bool,
    pkcs11: Option<Pkcs11Table>,
    #[serde(default)]
    ed25519: Vec<Ed25519Entry>,
    seal: Option<SealEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Pkcs11Table {
    module: PathBuf,
    token_label: String,
    pin_env: Option<String>,
    pin_file: Option<PathBuf>,
}

/// Where a private key lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyBackend {
    /// A PKCS#8 PEM file next to `keys.toml` (demo and development only).
    #[default]
    File,
    /// A PKCS#11 token (HSM): the key cannot be read out.
    Pkcs11,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Ed25519Entry {
    id: String,
    #[serde(default)]
    backend: KeyBackend,
    file: Option<String>,
    key_label: Option<String>,
    key_id: Option<String>,
    #[serde(default)]
    current: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SealEntry {
    algorithm: String,
    #[serde(default)]
    backend: KeyBackend,
    key_file: Option<String>,
    key_label: Option<String>,
    key_id: Option<String>,
    chain_file: String,
}

/// Where one key of `keys.toml` comes from, checked: a file, or a label (and id) on the token.
enum KeySource<'a> {
    File(&'a str),
    Token { label: &'a str, id: Option<Vec<u8>> },
}

fn key_source<'a>(
    field: &str,
    backend: KeyBackend,
    file: Option<&'a str>,
    file_field: &str,
    key_label: Option<&'a str>,
    key_id: Option<&str>,
) -> Result<KeySource<'a>, String> {
    match backend {
        KeyBackend::File => {
            if key_label.is_some() || key_id.is_some() {
                return Err(format!(
                    "{field}: key_label / key_id need backend = \"pkcs11\""
                ));
            }
            file.map(KeySource::File)
                .ok_or_else(|| format!("{field}: {file_field} is required with backend = \"file\""))
        }
        KeyBackend::Pkcs11 => {
            if file.is_some() {
                return Err(format!("{field}: {file_field} is not used with backend = \"pkcs11\" (the key stays in the token)"));
            }
            let label = key_label.filter(|l| !l.is_empty()).ok_or_else(|| {
                format!("{field}: key_label is required with backend = \"pkcs11\"")
            })?;
            let id = key_id
                .map(|h| {
                    hex::decode(h).map_err(|_| {
                        format!("{field}: key_id {h:?} must be hex (the token's CKA_ID)")
                    })
                })
                .transpose()?;
            Ok(KeySource::Token { label, id })
        }
    }
}

/// One Ed25519 key of a university.
#[derive(Debug, Clone)]
pub struct UniversityKey {
    /// DID URL fragment (`key-2026-01`).
    pub fragment: String,
    /// Signer whose key id is the full verification method URL (a file key or a token key).
    pub signer: std::sync::Arc<dyn Signer>,
    /// Whether this key signs new credentials.
    pub current: bool,
    /// Where the private key lives.
    pub backend: KeyBackend,
    /// The same signer as a file key (`backend = "file"`), sharing the allocation.
    file: Option<std::sync::Arc<Ed25519Signer>>,
}

impl UniversityKey {
    /// The in-memory Ed25519 signer of a file key (`None` for a token key), e.g. for writing the
    /// demo key files or for tests that need the seed.
    pub fn file_signer(&self) -> Option<&Ed25519Signer> {
        self.file.as_deref()
    }
}

/// A university's JAdES seal: signing key and certificate chain (leaf first).
#[derive(Debug)]
pub struct SealKey {
    /// Signer (RS256, PS256 or ES256).
    pub signer: Box<dyn Signer>,
    /// Certificate chain, leaf first.
    pub chain: Vec<Certificate>,
    /// Where the private key lives.
    pub backend: KeyBackend,
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
    /// Its did:key (`did_key = true` in `keys.toml`): the current Ed25519 key's.
    pub did_key: Option<String>,
}

/// A signer under another key id: the current Ed25519 key as its did:key verification method.
#[derive(Debug)]
struct RenamedSigner {
    inner: std::sync::Arc<dyn Signer>,
    key_id: String,
}

impl Signer for RenamedSigner {
    fn algorithm(&self) -> Algorithm {
        self.inner.algorithm()
    }
    fn key_id(&self) -> &str {
        &self.key_id
    }
    fn public_key(&self) -> crate::keys::PublicKey {
        self.inner.public_key()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, crate::signer::SignError> {
        self.inner.sign(message)
    }
}

impl UniversityKeys {
    /// The DID (`did:web:...`).
    pub fn did(&self) -> &str {
        &self.did_web.did
    }

    /// The key that signs new credentials (`load` guarantees there is exactly one, so this is
    /// `Some` for a loaded store).
    pub fn current_signer(&self) -> Option<&dyn Signer> {
        self.keys
            .iter()
            .find(|k| k.current)
            .map(|k| k.signer.as_ref())
    }

    /// The current key's in-memory signer when it is a file key (see [`UniversityKey::file_signer`]).
    pub fn current_file_signer(&self) -> Option<&Ed25519Signer> {
        self.keys
            .iter()
            .find(|k| k.current)
            .and_then(UniversityKey::file_signer)
    }

    /// Whether any private key of this university (Ed25519 or seal) is a file: fine for the demo,
    /// a warning for a real deployment.
    pub fn uses_file_keys(&self) -> bool {
        self.keys.iter().any(|k| k.backend == KeyBackend::File)
            || self
                .seal
                .as_ref()
                .is_some_and(|s| s.backend == KeyBackend::File)
    }

    /// The signer of the did:key (the current key under `did:key:z...#z...`), when `did_key = true`.
    pub fn did_key_signer(&self) -> Option<std::sync::Arc<dyn Signer>> {
        let did_key = self.did_key.as_deref()?;
        let key = self.keys.iter().find(|k| k.current)?;
        let method = crate::did::did_key_verification_method(did_key).ok()?;
        Some(std::sync::Arc::new(RenamedSigner {
            inner: key.signer.clone(),
            key_id: method,
        }))
    }

    /// The did:key's DID document (one `Multikey` method, fragment = the multikey), when
    /// `did_key = true`: what a trust registry lists next to the did:web document.
    pub fn did_key_document(&self) -> Option<Result<Value, DidError>> {
        let did_key = self.did_key.as_deref()?;
        let key = self.keys.iter().find(|k| k.current)?;
        let public = key.signer.public_key();
        Some(
            public
                .to_multikey()
                .map_err(DidError::from)
                .and_then(|mk| build_did_document(did_key, &[(mk, public)])),
        )
    }

    /// Whether `did` is this university's did:web or (when configured) its did:key.
    pub fn is_own_did(&self, did: &str) -> bool {
        did == self.did() || self.did_key.as_deref() == Some(did)
    }

    /// The DID document listing every key (rotated ones included).
    pub fn did_document(&self) -> Result<Value, DidError> {
        let keys: Vec<_> = self
            .keys
            .iter()
            .map(|k| (k.fragment.clone(), k.signer.public_key()))
            .collect();
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
    std::fs::read_to_string(path).map_err(|source| KeyStoreError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Opens (and logs in to) the token of a `[pkcs11]` table; a relative `pin_file` is relative to
/// the university's directory.
fn open_token(t: &Pkcs11Table, dir: &Path, toml_path: &Path) -> Result<Token, KeyStoreError> {
    let cfg_err = |reason: &str| KeyStoreError::Config {
        path: toml_path.to_path_buf(),
        reason: format!("[pkcs11]: {reason}"),
    };
    let pin = match (&t.pin_env, &t.pin_file) {
        (Some(var), None) if !var.is_empty() => PinSource::Env(var.clone()),
        (None, Some(file)) => PinSource::File(dir.join(file)),
        _ => {
            return Err(cfg_err(
                "exactly one of pin_env (environment variable) or pin_file must be set",
            ))
        }
    };
    if t.token_label.is_empty() {
        return Err(cfg_err("token_label must not be empty"));
    }
    let config = TokenConfig {
        module: t.module.clone(),
        token_label: t.token_label.clone(),
        pin,
    };
    Token::open(&config).map_err(|source| KeyStoreError::Pkcs11 {
        path: toml_path.to_path_buf(),
        field: "[pkcs11]".into(),
        source: Box::new(source),
    })
}

/// The seal key of one university (`[seal]` of its keys.toml): the signer (file or token), the
/// certificate chain, and the check that the leaf certificate certifies that key.
fn load_seal(
    seal: &SealEntry,
    dir: &Path,
    toml_path: &Path,
    token: Option<&Token>,
) -> Result<SealKey, KeyStoreError> {
    let cfg_err = |reason: String| KeyStoreError::Config {
        path: toml_path.to_path_buf(),
        reason,
    };
    let token_for = |field: &str| {
        token.ok_or_else(|| cfg_err(format!("{field}: backend = \"pkcs11\" needs a [pkcs11] table (module, token_label, pin_env or pin_file)")))
    };
    let hsm_err = |field: String| {
        let path = toml_path.to_path_buf();
        move |source: Pkcs11Error| KeyStoreError::Pkcs11 {
            path: path.clone(),
            field: field.clone(),
            source: Box::new(source),
        }
    };
    let alg = Algorithm::from_jose_name(&seal.algorithm)
        .filter(|a| crate::jades::ALLOWED_ALGORITHMS.contains(a))
        .ok_or_else(|| {
            cfg_err(format!(
                "seal algorithm {:?} is not RS256, PS256 or ES256",
                seal.algorithm
            ))
        })?;
    let chain_path = dir.join(&seal.chain_file);
    let chain = certs::certificates_from_pem(&read(&chain_path)?).map_err(|e| {
        KeyStoreError::Certificate {
            path: chain_path.clone(),
            reason: e.to_string(),
        }
    })?;
    let leaf = chain.first().ok_or_else(|| KeyStoreError::Certificate {
        path: chain_path.clone(),
        reason: "no certificate in the seal chain_file".into(),
    })?;
    let kid = crate::jades::kid_for_certificate(leaf).map_err(|e| KeyStoreError::Certificate {
        path: chain_path.clone(),
        reason: e.to_string(),
    })?;
    let source = key_source(
        "[seal]",
        seal.backend,
        seal.key_file.as_deref(),
        "key_file",
        seal.key_label.as_deref(),
        seal.key_id.as_deref(),
    )
    .map_err(&cfg_err)?;
    let (signer, key_name): (Box<dyn Signer>, String) = match source {
        KeySource::File(file) => {
            let key_path = dir.join(file);
            let signer = signer_from_pkcs8_pem(kid, &read(&key_path)?, alg).map_err(|source| {
                KeyStoreError::Key {
                    path: key_path.clone(),
                    source,
                }
            })?;
            (signer, key_path.display().to_string())
        }
        KeySource::Token { label, id } => {
            let signer = token_for("[seal]")?
                .signer(kid, label, id.as_deref(), alg)
                .map_err(hsm_err("[seal]".into()))?;
            (
                Box::new(signer),
                format!("the token key labelled {label:?}"),
            )
        }
    };
    let cert_key = certs::certificate_public_key(leaf).map_err(|e| KeyStoreError::Certificate {
        path: chain_path.clone(),
        reason: e.to_string(),
    })?;
    if cert_key != signer.public_key() {
        return Err(KeyStoreError::Certificate {
            path: chain_path,
            reason: format!("leaf certificate does not certify {key_name}"),
        });
    }
    Ok(SealKey {
        signer,
        chain,
        backend: seal.backend,
    })
}

impl KeyStore {
    /// Loads `dir`: every subdirectory with a `keys.toml` is a university (its name is the id); DIDs
    /// are built under `public_base_url`. `dir/ca/*.pem` certificates become the trust anchors.
    pub fn load(dir: &Path, public_base_url: &str) -> Result<Self, KeyStoreError> {
        let entries = std::fs::read_dir(dir).map_err(|source| KeyStoreError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut names = Vec::new();
        for e in entries {
            let e = e.map_err(|source| KeyStoreError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
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
                .map_err(|source| KeyStoreError::Io {
                    path: ca_dir.clone(),
                    source,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.ends_with(".cert.pem"))
                })
                .collect();
            files.sort();
            for f in files {
                for c in certs::certificates_from_pem(&read(&f)?).map_err(|e| {
                    KeyStoreError::Certificate {
                        path: f.clone(),
                        reason: e.to_string(),
                    }
                })? {
                    trust_anchors.add(c);
                }
            }
        }
        Ok(Self {
            universities,
            trust_anchors,
        })
    }

    fn load_university(
        dir: &Path,
        id: &str,
        public_base_url: &str,
    ) -> Result<UniversityKeys, KeyStoreError> {
        let toml_path = dir.join("keys.toml");
        let config: KeysToml =
            toml::from_str(&read(&toml_path)?).map_err(|e| KeyStoreError::Config {
                path: toml_path.clone(),
                reason: e.to_string(),
            })?;
        let cfg_err = |reason: String| KeyStoreError::Config {
            path: toml_path.clone(),
            reason,
        };
        let did_web = DidWeb::for_university(public_base_url, id)?;
        if config.ed25519.is_empty() {
            return Err(cfg_err("no [[ed25519]] key".into()));
        }
        let current = config.ed25519.iter().filter(|k| k.current).count();
        if current != 1 {
            return Err(cfg_err(format!(
                "{current} keys marked current; exactly one must be"
            )));
        }
        let token = match &config.pkcs11 {
            None => None,
            Some(t) => Some(open_token(t, dir, &toml_path)?),
        };
        let token_for = |field: &str| {
            token.as_ref().ok_or_else(|| cfg_err(format!("{field}: backend = \"pkcs11\" needs a [pkcs11] table (module, token_label, pin_env or pin_file)")))
        };
        let hsm_err = |field: String| {
            let path = toml_path.clone();
            move |source: Pkcs11Error| KeyStoreError::Pkcs11 {
                path: path.clone(),
                field: field.clone(),
                source: Box::new(source),
            }
        };
        let mut keys = Vec::new();
        for entry in &config.ed25519 {
            if entry.id.is_empty()
                || !entry
                    .id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(cfg_err(format!(
                    "key id {:?} must be [A-Za-z0-9_-]+",
                    entry.id
                )));
            }
            if keys.iter().any(|k: &UniversityKey| k.fragment == entry.id) {
                return Err(cfg_err(format!("duplicate key id {}", entry.id)));
            }
            let field = format!("[[ed25519]] {}", entry.id);
            let source = key_source(
                &field,
                entry.backend,
                entry.file.as_deref(),
                "file",
                entry.key_label.as_deref(),
                entry.key_id.as_deref(),
            )
            .map_err(&cfg_err)?;
            let method = did_web.verification_method(&entry.id);
            let (signer, file): (std::sync::Arc<dyn Signer>, _) = match source {
                KeySource::File(file) => {
                    let path = dir.join(file);
                    let key = std::sync::Arc::new(
                        Ed25519Signer::from_pkcs8_pem(method, &read(&path)?)
                            .map_err(|source| KeyStoreError::Key { path, source })?,
                    );
                    (key.clone(), Some(key))
                }
                KeySource::Token { label, id } => (
                    std::sync::Arc::new(
                        token_for(&field)?
                            .signer(method, label, id.as_deref(), Algorithm::EdDsa)
                            .map_err(hsm_err(field.clone()))?,
                    ),
                    None,
                ),
            };
            keys.push(UniversityKey {
                fragment: entry.id.clone(),
                signer,
                current: entry.current,
                backend: entry.backend,
                file,
            });
        }
        let seal = match &config.seal {
            None => None,
            Some(seal) => Some(load_seal(seal, dir, &toml_path, token.as_ref())?),
        };
        let did_key = if config.did_key {
            let current = keys
                .iter()
                .find(|k| k.current)
                .ok_or_else(|| cfg_err("did_key = true needs a current [[ed25519]] key".into()))?;
            Some(
                crate::did::did_key_from_public_key(&current.signer.public_key())
                    .map_err(|e| cfg_err(format!("did_key: {e}")))?,
            )
        } else {
            None
        };
        Ok(UniversityKeys {
            id: id.to_string(),
            did_web,
            keys,
            seal,
            did_key,
        })
    }

    /// Universities any of whose private keys is a file (see [`UniversityKeys::uses_file_keys`]).
    pub fn universities_with_file_keys(&self) -> Vec<&str> {
        self.universities
            .values()
            .filter(|u| u.uses_file_keys())
            .map(|u| u.id.as_str())
            .collect()
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
