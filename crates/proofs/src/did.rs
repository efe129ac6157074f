//! DIDs and key resolution: `did:key`, `did:web` for universities, DID documents, and [`KeyResolver`].
//!
//! - `did:key` (W3C CCG did:key v0.7 §3): `did:key:` + Multikey (`z6Mk...` for Ed25519, `zDn...` for
//!   P-256); its single verification method is `did:key:X#X`.
//! - `did:web` (W3C CCG did:web §3.2): `did:web:` + host (a port's `:` percent-encoded as `%3A`) +
//!   `:`-joined path; the document lives at `https://host/path/did.json`. A university's DID is
//!   `did:web:<host>:universities:<id>` under the project's public base URL.
//! - DID documents (DID Core 1.0 §5) with `Multikey` verification methods (Controlled Identifiers
//!   §2.2.2) under the contexts `did/v1` + `multikey/v1`, listing every key, including rotated ones,
//!   in `assertionMethod` and `authentication`, so credentials signed before a rotation still verify.
//!
//! Resolution over the network is not done here (the verifier does it); [`StaticDidResolver`] serves a
//! fixed set of documents, offline.

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::keys::{KeyError, PublicKey};

/// Errors building or parsing DIDs.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DidError {
    /// Not a DID of the expected method.
    #[error("not a did:{method} DID: {did}")]
    WrongMethod {
        /// Expected method.
        method: &'static str,
        /// The value.
        did: String,
    },
    /// The base URL cannot make a did:web.
    #[error("invalid base URL {url}: {reason}")]
    BaseUrl {
        /// URL.
        url: String,
        /// Why.
        reason: &'static str,
    },
    /// Key encoding error inside the DID.
    #[error("bad key in DID: {0}")]
    Key(#[from] KeyError),
    /// A DID document is not of the expected shape.
    #[error("malformed DID document: {0}")]
    MalformedDocument(String),
    /// A did:jwk whose identifier is not a public JWK.
    #[error("malformed DID: {0}")]
    Malformed(String),
}

/// Why a verification method could not be resolved to a key.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ResolveError {
    /// The DID method is not handled by this resolver.
    #[error("unsupported DID method in {0}")]
    UnsupportedMethod(String),
    /// The DID is not known to this resolver (no document for it).
    #[error("unknown DID {0}")]
    UnknownDid(String),
    /// The DID document exists but has no such verification method (e.g. a key rotated out).
    #[error("verification method {0} not found in its DID document")]
    KeyNotFound(String),
    /// The method exists but is not listed under the required verification relationship.
    #[error("verification method {method} is not authorised for {relationship}")]
    NotAuthorized {
        /// Method id.
        method: String,
        /// Relationship (e.g. `assertionMethod`).
        relationship: &'static str,
    },
    /// The verification method URL or its key encoding is malformed.
    #[error("malformed verification method {method}: {reason}")]
    Malformed {
        /// Method id.
        method: String,
        /// Why.
        reason: String,
    },
}

/// A resolved verification method: its key and its controller (who the key speaks for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationMethod {
    /// Absolute id (`did:...#fragment`).
    pub id: String,
    /// The controller DID, as the DID document states it.
    pub controller: String,
    /// The key.
    pub public_key: PublicKey,
}

/// Turns a verification method URL into its key, for the `assertionMethod` relationship.
///
/// Returns the controller with the key (not just the key, as a first draft of the API had it) so the
/// caller can check that the controller is the credential's issuer from the DID document itself
/// rather than from string surgery on the URL.
pub trait KeyResolver: Send + Sync {
    /// Resolves `verification_method` (an absolute DID URL) for assertions.
    fn resolve(&self, verification_method: &str) -> Result<VerificationMethod, ResolveError>;

    /// Resolves `verification_method` for `relationship` (`assertionMethod` for credentials,
    /// `authentication` for presentations: DID Core §5.3). The default is [`Self::resolve`], for
    /// resolvers whose keys serve every relationship (did:key, fixed test keys).
    fn resolve_for(
        &self,
        verification_method: &str,
        relationship: &'static str,
    ) -> Result<VerificationMethod, ResolveError> {
        let _ = relationship;
        self.resolve(verification_method)
    }
}

/// `did:key:` + Multikey of an Ed25519 key.
pub fn did_key_from_ed25519(key: &ed25519_dalek::VerifyingKey) -> String {
    format!("did:key:{}", crate::keys::ed25519_to_multikey(key))
}

/// `did:key:` for any key with a Multikey form (Ed25519, P-256).
pub fn did_key_from_public_key(key: &PublicKey) -> Result<String, DidError> {
    Ok(format!("did:key:{}", key.to_multikey()?))
}

/// The verification method URL of a did:key: `did:key:X#X`.
pub fn did_key_verification_method(did_key: &str) -> Result<String, DidError> {
    let mk = did_key
        .strip_prefix("did:key:")
        .ok_or_else(|| DidError::WrongMethod {
            method: "key",
            did: did_key.into(),
        })?;
    Ok(format!("{did_key}#{mk}"))
}

/// Decodes a did:key (with or without `#fragment`) to its public key.
pub fn parse_did_key(did_key: &str) -> Result<PublicKey, DidError> {
    let did = did_key.split('#').next().unwrap_or(did_key);
    let mk = did
        .strip_prefix("did:key:")
        .ok_or_else(|| DidError::WrongMethod {
            method: "key",
            did: did_key.into(),
        })?;
    Ok(PublicKey::from_multikey(mk)?)
}

/// A did:web identifier and the URL of its DID document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DidWeb {
    /// `did:web:...`.
    pub did: String,
    /// Where its DID document is served (`.../did.json`).
    pub document_url: String,
}

impl DidWeb {
    /// The did:web of university `university_id` under the public base URL (e.g.
    /// `http://localhost:8080` → `did:web:localhost%3A8080:universities:eth`, document at
    /// `http://localhost:8080/universities/eth/did.json`). The base URL's scheme is kept for the
    /// document URL so local demos over http work; did:web itself implies https in production.
    pub fn for_university(public_base_url: &str, university_id: &str) -> Result<Self, DidError> {
        let bad = |reason| DidError::BaseUrl {
            url: public_base_url.into(),
            reason,
        };
        let (scheme, rest) = public_base_url
            .split_once("://")
            .ok_or_else(|| bad("no scheme"))?;
        if scheme != "https" && scheme != "http" {
            return Err(bad("scheme must be http or https"));
        }
        if rest.contains(['?', '#', '@']) {
            return Err(bad("query, fragment or user info not allowed"));
        }
        if university_id.is_empty()
            || !university_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(bad("university id must be [A-Za-z0-9_-]+"));
        }
        let rest = rest.trim_end_matches('/');
        let (host, path) = match rest.split_once('/') {
            Some((h, p)) => (h, p),
            None => (rest, ""),
        };
        if host.is_empty() {
            return Err(bad("empty host"));
        }
        let mut did = format!("did:web:{}", host.replace(':', "%3A"));
        let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        segments.push("universities");
        segments.push(university_id);
        for s in &segments {
            if s.contains(':') {
                return Err(bad("path segments must not contain ':'"));
            }
            did.push(':');
            did.push_str(s);
        }
        let document_url = format!("{scheme}://{host}/{}/did.json", segments.join("/"));
        Ok(Self { did, document_url })
    }

    /// The https URL of any did:web's DID document (did:web §3.2.2): `did:web:example.com` →
    /// `https://example.com/.well-known/did.json`; with a path → `https://host/a/b/did.json`.
    pub fn document_url_of(did: &str) -> Result<String, DidError> {
        let id = did.split('#').next().unwrap_or(did);
        let rest = id
            .strip_prefix("did:web:")
            .ok_or_else(|| DidError::WrongMethod {
                method: "web",
                did: did.into(),
            })?;
        let mut parts = rest.split(':');
        let host = parts
            .next()
            .unwrap_or_default()
            .replace("%3A", ":")
            .replace("%3a", ":");
        if host.is_empty() {
            return Err(DidError::WrongMethod {
                method: "web",
                did: did.into(),
            });
        }
        let path: Vec<&str> = parts.collect();
        Ok(if path.is_empty() {
            format!("https://{host}/.well-known/did.json")
        } else {
            format!("https://{host}/{}/did.json", path.join("/"))
        })
    }

    /// The verification method URL of key `fragment` (`did#fragment`).
    pub fn verification_method(&self, fragment: &str) -> String {
        format!("{}#{fragment}", self.did)
    }
}

/// Builds a DID document for `did` listing every key `(fragment, key)` as a `Multikey` method in
/// `verificationMethod`, `assertionMethod` and `authentication`.
pub fn build_did_document(did: &str, keys: &[(String, PublicKey)]) -> Result<Value, DidError> {
    let mut methods = Vec::with_capacity(keys.len());
    let mut ids = Vec::with_capacity(keys.len());
    for (fragment, key) in keys {
        let id = format!("{did}#{fragment}");
        methods.push(json!({
            "id": id,
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.to_multikey()?,
        }));
        ids.push(Value::String(id));
    }
    Ok(json!({
        "@context": [contexts::urls::DID_V1, contexts::urls::MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids.clone(),
        "authentication": ids,
    }))
}

/// `did:jwk:` + base64url(JWK) of a public key (did:jwk §2; the JWK's required members only, as
/// wallets derive it from a proof's `jwk`).
pub fn did_jwk_from_public_key(key: &PublicKey) -> Result<String, DidError> {
    let jwk =
        crate::jose::public_key_to_jwk(key).map_err(|e| DidError::Malformed(e.to_string()))?;
    Ok(format!(
        "did:jwk:{}",
        URL_SAFE_NO_PAD.encode(Value::Object(jwk).to_string())
    ))
}

/// Decodes a did:jwk (with or without `#0`) to its public key (did:jwk §3: the JWK must be
/// public; a private member is refused).
pub fn parse_did_jwk(did_jwk: &str) -> Result<PublicKey, DidError> {
    let did = did_jwk.split('#').next().unwrap_or(did_jwk);
    let encoded = did
        .strip_prefix("did:jwk:")
        .ok_or_else(|| DidError::Malformed(format!("{did_jwk} is not a did:jwk")))?;
    let bytes = URL_SAFE_NO_PAD
        .decode(encoded)
        .map_err(|_| DidError::Malformed("did:jwk: the identifier is not base64url".into()))?;
    let jwk: Value = strict_json::from_slice(&bytes)
        .map_err(|e| DidError::Malformed(format!("did:jwk: the JWK is not strict JSON: {e}")))?;
    crate::jose::public_key_from_jwk(&jwk).map_err(|e| DidError::Malformed(format!("did:jwk: {e}")))
}

/// Resolves did:key and did:jwk verification methods (no I/O: the key is in the identifier).
#[derive(Debug, Clone, Copy, Default)]
pub struct DidKeyResolver;

impl KeyResolver for DidKeyResolver {
    fn resolve(&self, verification_method: &str) -> Result<VerificationMethod, ResolveError> {
        let (did, fragment) = verification_method
            .split_once('#')
            .unwrap_or((verification_method, ""));
        if did.starts_with("did:jwk:") {
            // did:jwk §3.2: the one verification method is `#0`.
            if !fragment.is_empty() && fragment != "0" {
                return Err(ResolveError::KeyNotFound(verification_method.into()));
            }
            let public_key = parse_did_jwk(did).map_err(|e| ResolveError::Malformed {
                method: verification_method.into(),
                reason: e.to_string(),
            })?;
            return Ok(VerificationMethod {
                id: format!("{did}#0"),
                controller: did.to_string(),
                public_key,
            });
        }
        let Some(mk) = did.strip_prefix("did:key:") else {
            return Err(ResolveError::UnsupportedMethod(verification_method.into()));
        };
        // The only method of a did:key document is `did:key:X#X`.
        if !fragment.is_empty() && fragment != mk {
            return Err(ResolveError::KeyNotFound(verification_method.into()));
        }
        let public_key = PublicKey::from_multikey(mk).map_err(|e| ResolveError::Malformed {
            method: verification_method.into(),
            reason: e.to_string(),
        })?;
        Ok(VerificationMethod {
            id: format!("{did}#{mk}"),
            controller: did.to_string(),
            public_key,
        })
    }
}

/// Serves a fixed set of DID documents (the demo universities, a trust registry's snapshot, tests).
/// did:key URLs are resolved too, since they need no document.
#[derive(Debug, Clone, Default)]
pub struct StaticDidResolver {
    /// DID → (method id → resolved method, assertionMethod ids).
    documents: HashMap<String, StaticDocument>,
    resolve_did_key: bool,
}

#[derive(Debug, Clone)]
struct StaticDocument {
    methods: HashMap<String, VerificationMethod>,
    assertion: Vec<String>,
    authentication: Vec<String>,
}

impl StaticDidResolver {
    /// An empty resolver that also resolves did:key.
    pub fn new() -> Self {
        Self {
            documents: HashMap::new(),
            resolve_did_key: true,
        }
    }

    /// An empty resolver that resolves only the documents added (no did:key).
    pub fn documents_only() -> Self {
        Self {
            documents: HashMap::new(),
            resolve_did_key: false,
        }
    }

    /// Adds (or replaces) a DID document. Methods may be embedded in `verificationMethod` or in
    /// `assertionMethod`; relative ids (`#key-1`) are made absolute against the document's `id`.
    pub fn add_document(&mut self, document: &Value) -> Result<(), DidError> {
        let bad = |s: &str| DidError::MalformedDocument(s.to_string());
        let did = document
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no string id"))?;
        let absolute = |id: &str| {
            if id.starts_with('#') {
                format!("{did}{id}")
            } else {
                id.to_string()
            }
        };
        let mut methods = HashMap::new();
        let mut parse_method = |m: &Value| -> Result<String, DidError> {
            let id = absolute(
                m.get("id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad("method without id"))?,
            );
            let controller = m
                .get("controller")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("method without controller"))?;
            let ty = m.get("type").and_then(Value::as_str).unwrap_or_default();
            let public_key = match (ty, m.get("publicKeyMultibase").and_then(Value::as_str)) {
                ("Multikey" | "Ed25519VerificationKey2020", Some(mb)) => {
                    PublicKey::from_multikey(mb)?
                }
                _ => {
                    return Err(DidError::MalformedDocument(format!(
                        "method {id}: unsupported type {ty:?} or no publicKeyMultibase"
                    )))
                }
            };
            methods.insert(
                id.clone(),
                VerificationMethod {
                    id: id.clone(),
                    controller: controller.to_string(),
                    public_key,
                },
            );
            Ok(id)
        };
        if let Some(list) = document.get("verificationMethod") {
            for m in list
                .as_array()
                .ok_or_else(|| bad("verificationMethod is not an array"))?
            {
                parse_method(m)?;
            }
        }
        // The methods of a verification relationship: references or embedded methods.
        let mut relationship = |name: &str| -> Result<Vec<String>, DidError> {
            let mut ids = Vec::new();
            let Some(list) = document.get(name) else {
                return Ok(ids);
            };
            for entry in list
                .as_array()
                .ok_or_else(|| bad(&format!("{name} is not an array")))?
            {
                match entry {
                    Value::String(s) => ids.push(absolute(s)),
                    Value::Object(_) => ids.push(parse_method(entry)?),
                    _ => {
                        return Err(bad(&format!(
                            "{name} entry is neither a string nor an object"
                        )))
                    }
                }
            }
            Ok(ids)
        };
        let assertion = relationship("assertionMethod")?;
        let authentication = relationship("authentication")?;
        self.documents.insert(
            did.to_string(),
            StaticDocument {
                methods,
                assertion,
                authentication,
            },
        );
        Ok(())
    }

    /// Builder form of [`Self::add_document`].
    pub fn with_document(mut self, document: &Value) -> Result<Self, DidError> {
        self.add_document(document)?;
        Ok(self)
    }
}

impl KeyResolver for StaticDidResolver {
    fn resolve(&self, verification_method: &str) -> Result<VerificationMethod, ResolveError> {
        self.resolve_for(verification_method, "assertionMethod")
    }

    fn resolve_for(
        &self,
        verification_method: &str,
        relationship: &'static str,
    ) -> Result<VerificationMethod, ResolveError> {
        let did = verification_method
            .split('#')
            .next()
            .unwrap_or(verification_method);
        if (did.starts_with("did:key:") || did.starts_with("did:jwk:"))
            && self.resolve_did_key
            && !self.documents.contains_key(did)
        {
            return DidKeyResolver.resolve(verification_method);
        }
        let doc = self.documents.get(did).ok_or_else(|| {
            if did.starts_with("did:") {
                ResolveError::UnknownDid(did.to_string())
            } else {
                ResolveError::UnsupportedMethod(verification_method.to_string())
            }
        })?;
        let method = doc
            .methods
            .get(verification_method)
            .ok_or_else(|| ResolveError::KeyNotFound(verification_method.to_string()))?;
        let listed = match relationship {
            "authentication" => &doc.authentication,
            _ => &doc.assertion,
        };
        if !listed.iter().any(|a| a == verification_method) {
            return Err(ResolveError::NotAuthorized {
                method: verification_method.into(),
                relationship,
            });
        }
        Ok(method.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_web_for_a_university() {
        let w = DidWeb::for_university("http://localhost:8080", "eth").unwrap();
        assert_eq!(w.did, "did:web:localhost%3A8080:universities:eth");
        assert_eq!(
            w.document_url,
            "http://localhost:8080/universities/eth/did.json"
        );
        let w = DidWeb::for_university("https://creds.enhance.eu/base/", "tub").unwrap();
        assert_eq!(w.did, "did:web:creds.enhance.eu:base:universities:tub");
        assert_eq!(
            w.document_url,
            "https://creds.enhance.eu/base/universities/tub/did.json"
        );
        assert_eq!(
            DidWeb::document_url_of("did:web:localhost%3A8080:universities:eth#key-1").unwrap(),
            "https://localhost:8080/universities/eth/did.json"
        );
        assert_eq!(
            DidWeb::document_url_of("did:web:example.com").unwrap(),
            "https://example.com/.well-known/did.json"
        );
        assert!(DidWeb::for_university("ftp://x", "eth").is_err());
        assert!(DidWeb::for_university("https://x", "e:th").is_err());
    }

    #[test]
    fn did_key_round_trip_and_resolution() {
        let sk = ed25519_dalek::SigningKey::from_bytes(&[1u8; 32]);
        let did = did_key_from_ed25519(&sk.verifying_key());
        assert!(did.starts_with("did:key:z6Mk"));
        assert_eq!(
            parse_did_key(&did).unwrap(),
            PublicKey::Ed25519(sk.verifying_key())
        );
        let vm = did_key_verification_method(&did).unwrap();
        let r = DidKeyResolver.resolve(&vm).unwrap();
        assert_eq!(r.controller, did);
        assert!(matches!(
            DidKeyResolver.resolve(&format!("{did}#other")),
            Err(ResolveError::KeyNotFound(_))
        ));
        assert!(matches!(
            DidKeyResolver.resolve("did:web:x#k"),
            Err(ResolveError::UnsupportedMethod(_))
        ));
    }

    #[test]
    fn static_resolver_serves_documents_and_rejects_unknown_keys() {
        let k1 =
            PublicKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[1u8; 32]).verifying_key());
        let k2 =
            PublicKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[2u8; 32]).verifying_key());
        let did = "did:web:localhost%3A8080:universities:eth";
        let doc =
            build_did_document(did, &[("key-1".into(), k1.clone()), ("key-2".into(), k2)]).unwrap();
        assert_eq!(doc["@context"][1], "https://w3id.org/security/multikey/v1");
        assert_eq!(doc["verificationMethod"][0]["type"], "Multikey");
        let r = StaticDidResolver::new().with_document(&doc).unwrap();
        assert_eq!(r.resolve(&format!("{did}#key-1")).unwrap().public_key, k1);
        assert!(matches!(
            r.resolve(&format!("{did}#key-3")),
            Err(ResolveError::KeyNotFound(_))
        ));
        assert!(matches!(
            r.resolve("did:web:other#key-1"),
            Err(ResolveError::UnknownDid(_))
        ));
    }

    #[test]
    fn did_jwk_round_trip_and_resolution() {
        let key = p256::ecdsa::SigningKey::from_slice(&[5u8; 32]).unwrap();
        let public = PublicKey::P256(p256::PublicKey::from(key.verifying_key()));
        let did = did_jwk_from_public_key(&public).unwrap();
        assert!(did.starts_with("did:jwk:eyJ"), "{did}");
        assert_eq!(parse_did_jwk(&did).unwrap(), public);
        let vm = DidKeyResolver.resolve(&format!("{did}#0")).unwrap();
        assert_eq!(
            (vm.controller.as_str(), vm.public_key),
            (did.as_str(), public.clone())
        );
        assert!(matches!(
            DidKeyResolver.resolve(&format!("{did}#1")),
            Err(ResolveError::KeyNotFound(_))
        ));
        assert!(StaticDidResolver::new()
            .resolve(&format!("{did}#0"))
            .is_ok());
        // did:jwk spec §2 example (P-256), decoded to its key.
        let example = "did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9";
        assert!(matches!(parse_did_jwk(example), Ok(PublicKey::P256(_))));
        // A private JWK in a did:jwk is refused.
        let private = format!(
            "did:jwk:{}",
            URL_SAFE_NO_PAD.encode(r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}"#)
        );
        assert!(
            matches!(parse_did_jwk(&private), Err(DidError::Malformed(m)) if m.contains("private"))
        );
    }
}
