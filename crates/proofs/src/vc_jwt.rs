//! Credentials secured as `application/vc+jwt` (W3C VC-JOSE-COSE §3.1.1, "Securing with JOSE").
//!
//! Compact JWS (RFC 7515 §7.1) whose payload is the credential JSON itself, with protected header
//! `alg` (`EdDSA` or `ES256`), `typ: "vc+jwt"` and `kid` = the verification method URL. Verification
//! resolves `kid` through a [`KeyResolver`], requires the key type to match `alg`, and requires the
//! method's controller to be the credential's `issuer` (VC-JOSE-COSE §3.1.1: the issuer's key).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::did::{KeyResolver, ResolveError};
use crate::keys::{Algorithm, KeyType, SignatureError};
use crate::signer::{SignError, Signer};

/// The media type.
pub const MEDIA_TYPE: &str = "application/vc+jwt";
/// The `typ` header value.
pub const TYP: &str = "vc+jwt";
/// Algorithms accepted.
pub const ALLOWED_ALGORITHMS: [Algorithm; 2] = [Algorithm::EdDsa, Algorithm::Es256];

/// Why a VC-JWT could not be made or verified. One variant per rejection reason.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VcJwtError {
    /// Not three base64url parts with a JSON header and payload.
    #[error("malformed compact JWS: {0}")]
    Malformed(String),
    /// `alg: none`.
    #[error("alg \"none\" is not allowed")]
    AlgNone,
    /// `alg` outside the allow-list.
    #[error("algorithm {0:?} is not allowed")]
    UnsupportedAlgorithm(String),
    /// `typ` is not `vc+jwt`.
    #[error("typ {0:?} is not vc+jwt")]
    WrongType(String),
    /// No `kid`.
    #[error("no kid")]
    MissingKid,
    /// The credential has no issuer to compare the key with.
    #[error("credential has no issuer")]
    MissingIssuer,
    /// `kid` could not be resolved.
    #[error("kid {kid} cannot be resolved: {source}")]
    KeyNotFound {
        /// The kid.
        kid: String,
        /// Why.
        #[source]
        source: ResolveError,
    },
    /// `kid` is not a key of the credential's issuer.
    #[error("kid {kid} is controlled by {controller}, not by the issuer {issuer}")]
    KidNotIssuerKey {
        /// The kid.
        kid: String,
        /// Its controller.
        controller: String,
        /// The credential's issuer.
        issuer: String,
    },
    /// `alg` does not fit the key (e.g. ES256 header with an Ed25519 key).
    #[error("alg {alg} does not fit a {key_type} key")]
    AlgorithmKeyMismatch {
        /// Header alg.
        alg: Algorithm,
        /// Resolved key type.
        key_type: KeyType,
    },
    /// The signature is malformed (wrong length: e.g. truncated).
    #[error("malformed signature: {0}")]
    MalformedSignature(String),
    /// The signature does not verify.
    #[error("signature does not verify")]
    SignatureInvalid,
    /// Signing failed.
    #[error(transparent)]
    Sign(#[from] SignError),
}

/// A verified VC-JWT.
#[derive(Debug, Clone)]
pub struct VerifiedJwt {
    /// Protected header.
    pub header: Value,
    /// The credential (payload).
    pub credential: Value,
    /// `kid`.
    pub verification_method: String,
    /// The key's controller (= the issuer).
    pub controller: String,
    /// Algorithm.
    pub algorithm: Algorithm,
}

/// The issuer id of a credential: `issuer` as a string or `issuer.id`.
pub fn issuer_id(credential: &Value) -> Option<&str> {
    match credential.get("issuer")? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id")?.as_str(),
        _ => None,
    }
}

/// Encodes `credential` as a compact JWS `vc+jwt`, signed by `signer` (EdDSA or ES256), `kid` = `signer.key_id()`.
pub fn encode(credential: &Value, signer: &dyn Signer) -> Result<String, VcJwtError> {
    let alg = signer.algorithm();
    if !ALLOWED_ALGORITHMS.contains(&alg) {
        return Err(VcJwtError::UnsupportedAlgorithm(alg.jose_name().into()));
    }
    let header = json!({ "alg": alg.jose_name(), "kid": signer.key_id(), "typ": TYP });
    let mut jws = URL_SAFE_NO_PAD.encode(header.to_string());
    jws.push('.');
    jws.push_str(&URL_SAFE_NO_PAD.encode(credential.to_string()));
    let signature = signer.sign(jws.as_bytes())?;
    jws.push('.');
    jws.push_str(&URL_SAFE_NO_PAD.encode(signature));
    Ok(jws)
}

/// A base64url JWT part decoded and parsed as a strict JSON object (duplicate member names
/// refused: RFC 7515 §4 lets a JWS parser reject duplicate header names, I-JSON RFC 7493 §2.3
/// forbids them); the error completes "header ..." / "payload ...".
fn strict_object(part: &str) -> Result<Value, String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| "is not base64url".to_string())?;
    match strict_json::from_slice(&bytes) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err("is not a JSON object".into()),
        Err(e) => Err(format!("is not a strict JSON object: {e}")),
    }
}

/// Verifies a compact `vc+jwt` and returns the credential.
pub fn verify(jwt: &str, resolver: &dyn KeyResolver) -> Result<VerifiedJwt, VcJwtError> {
    let malformed = |s: &str| VcJwtError::Malformed(s.to_string());
    let mut parts = jwt.trim().split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("expected three dot-separated parts"));
    };
    let header: Value = strict_object(h).map_err(|why| malformed(&format!("header {why}")))?;
    let alg_name = header
        .get("alg")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("no alg"))?;
    if alg_name.eq_ignore_ascii_case("none") {
        return Err(VcJwtError::AlgNone);
    }
    let alg = Algorithm::from_jose_name(alg_name)
        .filter(|a| ALLOWED_ALGORITHMS.contains(a))
        .ok_or_else(|| VcJwtError::UnsupportedAlgorithm(alg_name.into()))?;
    if let Some(crit) = header.get("crit") {
        return Err(VcJwtError::Malformed(format!("unsupported crit {crit}")));
    }
    match header.get("typ").and_then(Value::as_str) {
        Some(TYP) => {}
        other => return Err(VcJwtError::WrongType(other.unwrap_or_default().into())),
    }
    let kid = header
        .get("kid")
        .and_then(Value::as_str)
        .ok_or(VcJwtError::MissingKid)?
        .to_string();
    let credential: Value = strict_object(p).map_err(|why| malformed(&format!("payload {why}")))?;
    let signature = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| malformed("signature is not base64url"))?;

    let method = resolver
        .resolve(&kid)
        .map_err(|source| VcJwtError::KeyNotFound {
            kid: kid.clone(),
            source,
        })?;
    let issuer = issuer_id(&credential).ok_or(VcJwtError::MissingIssuer)?;
    if method.controller != issuer {
        return Err(VcJwtError::KidNotIssuerKey {
            kid,
            controller: method.controller,
            issuer: issuer.into(),
        });
    }
    let key_type = method.public_key.key_type();
    if key_type != alg.key_type() {
        return Err(VcJwtError::AlgorithmKeyMismatch { alg, key_type });
    }
    let input_len = h.len() + 1 + p.len();
    let signing_input = jwt
        .trim()
        .as_bytes()
        .get(..input_len)
        .ok_or_else(|| malformed("the signing input is shorter than header and payload"))?;
    match method.public_key.verify(alg, signing_input, &signature) {
        Ok(()) => {}
        Err(SignatureError::Malformed { reason, .. }) => {
            return Err(VcJwtError::MalformedSignature(reason))
        }
        Err(SignatureError::KeyTypeMismatch { .. }) => {
            return Err(VcJwtError::AlgorithmKeyMismatch { alg, key_type })
        }
        Err(SignatureError::Mismatch(_)) => return Err(VcJwtError::SignatureInvalid),
    }
    Ok(VerifiedJwt {
        header,
        credential,
        verification_method: kid,
        controller: method.controller,
        algorithm: alg,
    })
}
