//! Securing issued credentials, on the `proofs` crate: W3C VC Data Integrity 1.0 proofs with the
//! `eddsa-rdfc-2022` cryptosuite (Data Integrity EdDSA Cryptosuites v1.0 §3.3), by the university's
//! current key of its key store (`keys_dir/<id>/keys.toml`); a JAdES seal (ETSI TS 119 182-1,
//! enveloping JWS JSON, `b64: false`, as EDC uses it) when the university has a seal certificate;
//! a VC-JOSE-COSE `vc+jwt`; and the check of each proof and seal right after securing, offline
//! (the university's own DID documents, the key store's CA anchors).
//!
//! The service talks to the [`Securer`] port only. Private keys never leave the key store: errors
//! and logs name the university and key id only.

use chrono::{DateTime, Utc};
use proofs::data_integrity::{self, ProofOptions};
use proofs::did::StaticDidResolver;
use proofs::keystore::KeyStore;
use serde_json::{Map, Value};

/// Why securing failed. Never contains key material.
#[derive(Debug, thiserror::Error)]
pub enum SecureError {
    /// No signing key is configured for the university.
    #[error("no signing key configured for university `{0}`")]
    NoKey(String),
    /// Signing failed (canonicalisation, signer).
    #[error("signing failed: {0}")]
    Sign(String),
    /// A proof or seal does not verify.
    #[error("proof does not verify: {0}")]
    Verify(String),
    /// The key store could not be loaded.
    #[error("key store: {0}")]
    KeyStore(String),
}

/// Every form of one secured credential.
#[derive(Debug, Clone)]
pub struct Secured {
    /// JSON-LD with a Data Integrity proof.
    pub credential: Value,
    /// JAdES seal (JWS JSON text) of the unsecured credential, when the university has a seal.
    pub jades: Option<String>,
    /// `vc+jwt` of the unsecured credential.
    pub vc_jwt: Option<String>,
}

/// The signing port of the service.
pub trait Securer: Send + Sync {
    /// Adds a Data Integrity proof made with `university`'s current key at `created`.
    fn sign(&self, university: &str, document: Map<String, Value>, created: DateTime<Utc>) -> Result<Value, SecureError>;
    /// All forms of a credential: Data Integrity, and JAdES / VC-JWT where the keys allow; each
    /// checked once more before it is returned.
    fn secure(&self, university: &str, document: Map<String, Value>, created: DateTime<Utc>) -> Result<Secured, SecureError>;
    /// The university's DID document (every key, rotated ones included).
    fn did_document(&self, university: &str) -> Result<Value, SecureError>;
}

/// [`Securer`] over a `proofs` [`KeyStore`].
pub struct KeyStoreSecurer {
    keys: KeyStore,
    resolver: StaticDidResolver,
}

impl std::fmt::Debug for KeyStoreSecurer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<_> = self.keys.universities().map(|u| u.id.as_str()).collect();
        f.debug_struct("KeyStoreSecurer").field("universities", &ids).finish_non_exhaustive()
    }
}

impl KeyStoreSecurer {
    /// Loads the key store at `dir`; DIDs are built under `public_base_url`.
    pub fn load(dir: &std::path::Path, public_base_url: &str) -> Result<Self, SecureError> {
        let keys = KeyStore::load(dir, public_base_url).map_err(|e| SecureError::KeyStore(e.to_string()))?;
        let resolver = keys.resolver().map_err(|e| SecureError::KeyStore(e.to_string()))?;
        Ok(Self { keys, resolver })
    }

    /// Universities with keys.
    pub fn universities(&self) -> Vec<String> {
        self.keys.universities().map(|u| u.id.clone()).collect()
    }
}

impl Securer for KeyStoreSecurer {
    fn sign(&self, university: &str, document: Map<String, Value>, created: DateTime<Utc>) -> Result<Value, SecureError> {
        let u = self.keys.university(university).ok_or_else(|| SecureError::NoKey(university.to_owned()))?;
        let signer = u.current_signer().ok_or_else(|| SecureError::NoKey(university.to_owned()))?;
        data_integrity::sign(&Value::Object(document), signer, &ProofOptions::new(created)).map_err(|e| SecureError::Sign(e.to_string()))
    }

    fn secure(&self, university: &str, document: Map<String, Value>, created: DateTime<Utc>) -> Result<Secured, SecureError> {
        let u = self.keys.university(university).ok_or_else(|| SecureError::NoKey(university.to_owned()))?;
        let signer = u.current_signer().ok_or_else(|| SecureError::NoKey(university.to_owned()))?;
        let unsecured = Value::Object(document);
        let credential = data_integrity::sign(&unsecured, signer, &ProofOptions::new(created)).map_err(|e| SecureError::Sign(e.to_string()))?;
        data_integrity::verify(&credential, &self.resolver).map_err(|e| SecureError::Verify(e.to_string()))?;
        let vc_jwt = proofs::vc_jwt::encode(&unsecured, signer).map_err(|e| SecureError::Sign(e.to_string()))?;
        proofs::vc_jwt::verify(&vc_jwt, &self.resolver).map_err(|e| SecureError::Verify(e.to_string()))?;
        let jades = match &u.seal {
            None => None,
            Some(seal) => {
                let bytes = serde_json::to_vec(&unsecured).map_err(|e| SecureError::Sign(e.to_string()))?;
                let sealed = proofs::jades::seal(&bytes, seal.signer.as_ref(), &seal.chain, created).map_err(|e| SecureError::Sign(e.to_string()))?;
                proofs::jades::verify_value(&sealed, self.keys.trust_anchors(), created).map_err(|e| SecureError::Verify(e.to_string()))?;
                Some(sealed.to_string())
            }
        };
        Ok(Secured { credential, jades, vc_jwt: Some(vc_jwt) })
    }

    fn did_document(&self, university: &str) -> Result<Value, SecureError> {
        let u = self.keys.university(university).ok_or_else(|| SecureError::NoKey(university.to_owned()))?;
        u.did_document().map_err(|e| SecureError::KeyStore(e.to_string()))
    }
}
