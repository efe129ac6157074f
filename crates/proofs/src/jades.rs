//! JAdES baseline seals on credentials, as the EU's EDC issuer produces them.
//!
//! Implements an enveloping JAdES signature (ETSI TS 119 182-1 §5.1 / §5.2, baseline B-B) in the JWS
//! JSON serialization (RFC 7515 §7.2.1, general form with one signature) with an unencoded payload
//! (RFC 7797: `b64: false`, so `payload` is the credential JSON string exactly and the signing input
//! is ASCII(BASE64URL(protected)) ‖ "." ‖ payload bytes).
//!
//! Both serializations the EU's signing tools (DSS) produce are read: JWS JSON (general or
//! flattened, RFC 7515 §7.2) and compact (RFC 7515 §7.1, [`verify_compact`]; [`seal_compact`]
//! writes it with a base64url payload). Verification runs in named phases: parts → protected
//! header → algorithm → critical parameters → signing time → certificate chain (`x5c`, `x5t#S256`,
//! `kid`) → signature → certification path.
//!
//! Protected header written: `alg` (RS256, PS256 or ES256), `cty: "octet-stream"` and
//! `typ: "jose+json"` (as EDC writes them), `kid`, `x5t#S256`, `x5c` (leaf first), `b64: false`,
//! `sigT` (claimed signing time, ETSI TS 119 182-1 §5.2.1) and `crit: ["b64","sigT"]`.
//!
//! `kid` choice: like EDC, the base64 (standard alphabet) DER of an RFC 5035 `IssuerSerial`
//! (`SEQUENCE { issuer GeneralNames(directoryName), serialNumber }`) of the signing certificate, as
//! ETSI TS 119 182-1 §5.1.4 suggests. On verification `kid` must match the leaf certificate either
//! in that form or as its base64url SHA-256 thumbprint.
//!
//! Verification checks the signature with the `x5c` leaf key and, separately, the certification path
//! to the configured trust anchors ([`crate::certs::validate_path`]): an untrusted or expired chain is
//! a [`TrustStatus`] in the [`SealReport`], not a signature failure. Understood critical headers:
//! `b64`, `sigT`, `adoTst` (EDC includes a signed-data timestamp; its token is reported as present
//! but not validated here). Timestamps in the unprotected `etsiU` header are ignored.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use chrono::{DateTime, SecondsFormat, Utc};
use der::Encode as _;
use serde_json::{json, Map, Value};
use sha2::{Digest as _, Sha256};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;
use x509_cert::Certificate;

use crate::certs::{self, CertError, CertificateInfo, TrustAnchors, TrustStatus};
use crate::keys::{Algorithm, KeyType, SignatureError};
use crate::signer::{SignError, Signer};

/// JWS algorithms accepted in seals.
pub const ALLOWED_ALGORITHMS: [Algorithm; 3] =
    [Algorithm::Rs256, Algorithm::Ps256, Algorithm::Es256];
/// Critical header parameters this implementation understands.
pub const UNDERSTOOD_CRITICAL: [&str; 3] = ["b64", "sigT", "adoTst"];

/// Why a seal could not be made or checked. Each rejection reason is its own variant.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JadesError {
    /// The input is not JSON.
    #[error("not JSON: {0}")]
    Json(String),
    /// The JWS JSON structure is wrong (no payload, not exactly one signature, bad base64...).
    #[error("malformed JWS JSON serialization: {0}")]
    Malformed(String),
    /// The protected header is not a base64url JSON object or a member has the wrong type.
    #[error("malformed protected header: {0}")]
    MalformedHeader(String),
    /// `alg: none`: an unsigned "seal".
    #[error("alg \"none\" is not a seal")]
    AlgNone,
    /// `alg` is not in the allow-list (RS256, PS256, ES256).
    #[error("algorithm {0:?} is not allowed")]
    UnsupportedAlgorithm(String),
    /// `crit` lists a parameter this implementation does not understand.
    #[error("critical header parameter {0:?} is not understood")]
    UnknownCritical(String),
    /// `crit` is malformed or names a parameter absent from the protected header, or `b64: false`
    /// is not marked critical (RFC 7797 §6).
    #[error("invalid crit: {0}")]
    InvalidCritical(String),
    /// No `x5c`.
    #[error("no x5c certificate chain")]
    MissingX5c,
    /// An `x5c` entry is not base64 DER of a certificate.
    #[error("x5c[{index}] is not a certificate: {reason}")]
    GarbageX5c {
        /// Position in `x5c`.
        index: usize,
        /// Why.
        reason: String,
    },
    /// `x5t#S256` is not the SHA-256 of the leaf certificate.
    #[error("x5t#S256 does not match the x5c leaf certificate")]
    ThumbprintMismatch,
    /// `kid` does not identify the leaf certificate.
    #[error("kid does not identify the x5c leaf certificate: {0}")]
    KidMismatch(String),
    /// The leaf key cannot be used with `alg` (e.g. ES256 with an RSA certificate).
    #[error("alg {alg} cannot be used with the certificate's {key_type} key")]
    AlgorithmKeyMismatch {
        /// Algorithm.
        alg: Algorithm,
        /// Key type of the leaf certificate.
        key_type: KeyType,
    },
    /// The signature value is malformed for the algorithm (e.g. truncated).
    #[error("malformed signature: {0}")]
    MalformedSignature(String),
    /// The signature does not verify with the leaf certificate's key.
    #[error("seal signature does not verify")]
    SignatureInvalid,
    /// Sealing: the signer's key is not the one certified by the leaf certificate.
    #[error("the signer's key is not the leaf certificate's key")]
    KeyCertificateMismatch,
    /// Sealing: the payload is not UTF-8 (an unencoded JWS JSON payload must be a JSON string).
    #[error("payload is not UTF-8")]
    PayloadNotUtf8,
    /// Signing failed.
    #[error(transparent)]
    Sign(#[from] SignError),
    /// Certificate problem while sealing.
    #[error(transparent)]
    Certificate(#[from] CertError),
    /// [`SealReport::require_trusted`]: a certificate of the path is expired or not yet valid.
    #[error("seal certificate not valid at the validation time: {0:?}")]
    CertificateExpired(TrustStatus),
    /// [`SealReport::require_trusted`]: the chain does not lead to a trust anchor, or is broken.
    #[error("seal certificate chain not trusted: {0:?}")]
    Untrusted(TrustStatus),
}

/// What a valid seal says.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SealReport {
    /// Signature algorithm.
    #[serde(serialize_with = "ser_alg")]
    pub algorithm: Algorithm,
    /// `sigT`, the claimed signing time.
    pub signing_time: Option<DateTime<Utc>>,
    /// The sealing certificate's subject and validity.
    pub signer: CertificateInfo,
    /// Whether the leaf certificate is within its validity at the validation time.
    pub certificate_valid_at_validation_time: bool,
    /// Whether the leaf certificate was within its validity at `sigT` (None without `sigT`).
    pub certificate_valid_at_signing_time: Option<bool>,
    /// Certification path result against the trust anchors.
    pub trust: TrustStatus,
    /// Critical header parameters present.
    pub critical: Vec<String>,
    /// Whether a signed-data timestamp (`adoTst`) is present (not validated).
    pub has_data_timestamp: bool,
    /// `kid` as received.
    pub kid: Option<String>,
    /// The sealed payload bytes (the credential JSON).
    #[serde(skip)]
    pub payload: Vec<u8>,
    /// The time the seal was validated at (the certification path and, in the verifier, the
    /// eIDAS trusted-list decision refer to it).
    pub validation_time: DateTime<Utc>,
    /// The `x5c` chain as DER, leaf first (for trust decisions outside this crate, e.g. the
    /// eIDAS trusted lists).
    #[serde(skip)]
    pub chain_der: Vec<Vec<u8>>,
}

fn ser_alg<S: serde::Serializer>(a: &Algorithm, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(a.jose_name())
}

impl SealReport {
    /// Turns anything but a trusted path into an error (expired certificates get their own variant).
    pub fn require_trusted(self) -> Result<Self, JadesError> {
        match &self.trust {
            TrustStatus::Trusted { .. } => Ok(self),
            s @ TrustStatus::Expired { .. } => Err(JadesError::CertificateExpired(s.clone())),
            s => Err(JadesError::Untrusted(s.clone())),
        }
    }

    /// The payload parsed as JSON.
    pub fn payload_json(&self) -> Result<Value, JadesError> {
        strict_json::from_slice(&self.payload).map_err(|e| JadesError::Json(e.to_string()))
    }
}

#[derive(der::Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial: SerialNumber,
}

/// The `kid` this crate writes for a certificate: base64 DER `IssuerSerial` (RFC 5035), as EDC does.
pub fn kid_for_certificate(cert: &Certificate) -> Result<String, CertError> {
    let is = IssuerSerial {
        issuer: vec![GeneralName::DirectoryName(
            cert.tbs_certificate.issuer.clone(),
        )],
        serial: cert.tbs_certificate.serial_number.clone(),
    };
    let der = is.to_der().map_err(|e| CertError::Decode(e.to_string()))?;
    Ok(STANDARD.encode(der))
}

fn thumbprint(cert_der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(cert_der))
}

/// Seals `credential_bytes` (the credential JSON, kept byte for byte) with `signer`, whose key must
/// be the public key of `chain[0]`. `signing_time` becomes `sigT`.
pub fn seal(
    credential_bytes: &[u8],
    signer: &dyn Signer,
    chain: &[Certificate],
    signing_time: DateTime<Utc>,
) -> Result<Value, JadesError> {
    let payload = std::str::from_utf8(credential_bytes).map_err(|_| JadesError::PayloadNotUtf8)?;
    let (protected, signature) = sign_parts(payload, false, signer, chain, signing_time)?;
    Ok(json!({
        "payload": payload,
        "signatures": [{ "protected": protected, "signature": signature }],
    }))
}

/// Seals `credential_bytes` in the compact serialization (RFC 7515 §7.1) with a base64url payload
/// (`b64` absent, i.e. true), the other JAdES form the EU's signing tools produce; same header as
/// [`seal`] otherwise.
pub fn seal_compact(
    credential_bytes: &[u8],
    signer: &dyn Signer,
    chain: &[Certificate],
    signing_time: DateTime<Utc>,
) -> Result<String, JadesError> {
    let payload = URL_SAFE_NO_PAD.encode(credential_bytes);
    let (protected, signature) = sign_parts(&payload, true, signer, chain, signing_time)?;
    Ok(format!("{protected}.{payload}.{signature}"))
}

/// The protected header (base64url) and the signature (base64url) over `protected '.' payload`
/// (`payload` as transmitted).
fn sign_parts(
    payload: &str,
    b64: bool,
    signer: &dyn Signer,
    chain: &[Certificate],
    signing_time: DateTime<Utc>,
) -> Result<(String, String), JadesError> {
    let alg = signer.algorithm();
    if !ALLOWED_ALGORITHMS.contains(&alg) {
        return Err(JadesError::UnsupportedAlgorithm(alg.jose_name().into()));
    }
    let leaf = chain.first().ok_or(JadesError::MissingX5c)?;
    if certs::certificate_public_key(leaf)? != signer.public_key() {
        return Err(JadesError::KeyCertificateMismatch);
    }
    let x5c = chain
        .iter()
        .map(|c| certs::certificate_to_der(c).map(|d| STANDARD.encode(d)))
        .collect::<Result<Vec<_>, _>>()?;
    let leaf_der = certs::certificate_to_der(leaf)?;
    // Written in this order (the JSON form's header is what EDC writes; the compact form drops
    // `b64: false` and says `typ: "jose"`, RFC 7515 §4.1.9).
    let mut header = Map::new();
    header.insert("alg".into(), json!(alg.jose_name()));
    header.insert("cty".into(), json!("octet-stream"));
    header.insert("kid".into(), json!(kid_for_certificate(leaf)?));
    header.insert("x5t#S256".into(), json!(thumbprint(&leaf_der)));
    header.insert("x5c".into(), json!(x5c));
    header.insert("typ".into(), json!(if b64 { "jose" } else { "jose+json" }));
    if !b64 {
        header.insert("b64".into(), json!(false));
    }
    header.insert(
        "sigT".into(),
        json!(signing_time.to_rfc3339_opts(SecondsFormat::Secs, true)),
    );
    let crit = if b64 {
        json!(["sigT"])
    } else {
        json!(["b64", "sigT"])
    };
    header.insert("crit".into(), crit);
    let header = Value::Object(header);
    let protected = URL_SAFE_NO_PAD.encode(header.to_string());
    let mut input = Vec::with_capacity(protected.len() + 1 + payload.len());
    input.extend_from_slice(protected.as_bytes());
    input.push(b'.');
    input.extend_from_slice(payload.as_bytes());
    let signature = signer.sign(&input)?;
    Ok((protected, URL_SAFE_NO_PAD.encode(signature)))
}

fn b64url_decode(s: &str, what: &str) -> Result<Vec<u8>, JadesError> {
    // Tolerate padding: some producers emit it although RFC 7515 §2 says not to.
    URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .map_err(|e| JadesError::Malformed(format!("{what} is not base64url: {e}")))
}

/// Verifies a JAdES seal at validation time `at`: the bytes of a JWS JSON document (general or
/// flattened serialization, RFC 7515 §7.2) or of a compact JWS (RFC 7515 §7.1), the two forms the
/// EU's signing tools (DSS) produce.
pub fn verify(
    jades_bytes: &[u8],
    trust: &TrustAnchors,
    at: DateTime<Utc>,
) -> Result<SealReport, JadesError> {
    let trimmed = jades_bytes.trim_ascii();
    if !trimmed.starts_with(b"{") {
        if let Ok(compact) = std::str::from_utf8(trimmed) {
            if compact.split('.').count() == 3 {
                return verify_compact(compact, trust, at);
            }
        }
    }
    let value: Value =
        strict_json::from_slice(trimmed).map_err(|e| JadesError::Json(e.to_string()))?;
    verify_value(&value, trust, at)
}

/// [`verify`] on a parsed JWS JSON document (general or flattened serialization).
pub fn verify_value(
    jades: &Value,
    trust: &TrustAnchors,
    at: DateTime<Utc>,
) -> Result<SealReport, JadesError> {
    verify_parts(&json_parts(jades)?, trust, at)
}

/// [`verify`] on a compact JWS (`BASE64URL(header) '.' payload '.' BASE64URL(signature)`, RFC 7515
/// §7.1; with `b64: false` the payload is the credential JSON itself, RFC 7797 §5.2).
pub fn verify_compact(
    jws: &str,
    trust: &TrustAnchors,
    at: DateTime<Utc>,
) -> Result<SealReport, JadesError> {
    verify_parts(&compact_parts(jws.trim())?, trust, at)
}

/// Whether `header_b64` (the first part of a compact JWS) is a JAdES seal's protected header
/// rather than a VC-JWT's: it carries an `x5c` chain and no JWT media type (`typ` `JWT`,
/// `vc+jwt`, `vc+ld+jwt`; VC-JOSE-COSE §3.1.1).
pub fn is_compact_seal_header(header_b64: &str) -> bool {
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(header_b64.trim_end_matches('=')) else {
        return false;
    };
    let Ok(Value::Object(header)) = strict_json::from_slice(&bytes) else {
        return false;
    };
    let jwt_typ = header.get("typ").and_then(Value::as_str).is_some_and(|t| {
        let t = t.to_ascii_lowercase();
        t == "jwt" || t.ends_with("vc+jwt") || t.ends_with("vc+ld+jwt")
    });
    header.contains_key("x5c") && !jwt_typ
}

/// The parts of a JWS as transmitted: the signing input is `protected '.' payload`.
struct Parts<'a> {
    protected_b64: &'a str,
    /// The payload exactly as transmitted (base64url, or the JSON itself with `b64: false`).
    payload: &'a str,
    signature_b64: &'a str,
    unprotected: Option<&'a Map<String, Value>>,
}

/// Phase 1a: the parts of a JWS JSON document (general serialization with exactly one signature,
/// or flattened).
fn json_parts(jades: &Value) -> Result<Parts<'_>, JadesError> {
    let obj = jades
        .as_object()
        .ok_or_else(|| JadesError::Malformed("not a JSON object".into()))?;
    let payload = obj.get("payload").and_then(Value::as_str).ok_or_else(|| {
        JadesError::Malformed("no string payload (detached seals are not supported)".into())
    })?;
    // General serialization (`signatures`) or flattened (`protected` + `signature` at the top).
    let sig_obj: &Map<String, Value> = match obj.get("signatures") {
        Some(Value::Array(list)) => match list.as_slice() {
            [one] => one
                .as_object()
                .ok_or_else(|| JadesError::Malformed("signature entry is not an object".into()))?,
            _ => {
                return Err(JadesError::Malformed(format!(
                    "{} signatures; exactly one seal is supported",
                    list.len()
                )))
            }
        },
        Some(_) => return Err(JadesError::Malformed("signatures is not an array".into())),
        None => obj,
    };
    let protected_b64 = sig_obj
        .get("protected")
        .and_then(Value::as_str)
        .ok_or_else(|| JadesError::Malformed("no protected header".into()))?;
    let signature_b64 = sig_obj
        .get("signature")
        .and_then(Value::as_str)
        .ok_or_else(|| JadesError::Malformed("no signature".into()))?;
    Ok(Parts {
        protected_b64,
        payload,
        signature_b64,
        unprotected: sig_obj.get("header").and_then(Value::as_object),
    })
}

/// Phase 1b: the parts of a compact JWS (no unprotected header exists in this form).
fn compact_parts(jws: &str) -> Result<Parts<'_>, JadesError> {
    let mut it = jws.split('.');
    match (it.next(), it.next(), it.next(), it.next()) {
        (Some(protected_b64), Some(payload), Some(signature_b64), None) => {
            if payload.is_empty() {
                return Err(JadesError::Malformed(
                    "empty payload (detached seals are not supported)".into(),
                ));
            }
            Ok(Parts {
                protected_b64,
                payload,
                signature_b64,
                unprotected: None,
            })
        }
        _ => Err(JadesError::Malformed(
            "a compact JWS has exactly three dot-separated parts".into(),
        )),
    }
}

/// Phase 2: the protected header as a JSON object, disjoint from the unprotected one, which must
/// not carry `crit` (RFC 7515 §4.1.11, §7.2.1).
fn protected_header(parts: &Parts<'_>) -> Result<Map<String, Value>, JadesError> {
    let header_bytes = URL_SAFE_NO_PAD
        .decode(parts.protected_b64)
        .map_err(|e| JadesError::MalformedHeader(format!("not base64url: {e}")))?;
    let header: Map<String, Value> = match strict_json::from_slice(&header_bytes) {
        Ok(Value::Object(header)) => header,
        Ok(_) => return Err(JadesError::MalformedHeader("not a JSON object".into())),
        Err(e) => {
            return Err(JadesError::MalformedHeader(format!(
                "not a strict JSON object: {e}"
            )))
        }
    };
    if let Some(unprotected) = parts.unprotected {
        if let Some(dup) = unprotected.keys().find(|k| header.contains_key(*k)) {
            return Err(JadesError::MalformedHeader(format!(
                "{dup} in both protected and unprotected header"
            )));
        }
        if unprotected.contains_key("crit") {
            return Err(JadesError::InvalidCritical("crit must be protected".into()));
        }
    }
    Ok(header)
}

/// Phase 3a: `alg` from the allow-list, `none` singled out.
fn header_algorithm(header: &Map<String, Value>) -> Result<Algorithm, JadesError> {
    let alg_name = header
        .get("alg")
        .and_then(Value::as_str)
        .ok_or_else(|| JadesError::MalformedHeader("no string alg".into()))?;
    if alg_name.eq_ignore_ascii_case("none") {
        return Err(JadesError::AlgNone);
    }
    Algorithm::from_jose_name(alg_name)
        .filter(|a| ALLOWED_ALGORITHMS.contains(a))
        .ok_or_else(|| JadesError::UnsupportedAlgorithm(alg_name.into()))
}

/// Phase 3b: `crit` (RFC 7515 §4.1.11: every member understood and present in the protected
/// header) and `b64` (RFC 7797 §3, §6: `false` only when critical). Returns (critical, b64).
fn header_critical(header: &Map<String, Value>) -> Result<(Vec<String>, bool), JadesError> {
    let mut critical = Vec::new();
    if let Some(crit) = header.get("crit") {
        let list = crit
            .as_array()
            .filter(|l| !l.is_empty())
            .ok_or_else(|| JadesError::InvalidCritical("not a non-empty array".into()))?;
        for c in list {
            let name = c
                .as_str()
                .ok_or_else(|| JadesError::InvalidCritical("member is not a string".into()))?;
            if !UNDERSTOOD_CRITICAL.contains(&name) {
                return Err(JadesError::UnknownCritical(name.into()));
            }
            if !header.contains_key(name) {
                return Err(JadesError::InvalidCritical(format!(
                    "{name} is not in the protected header"
                )));
            }
            critical.push(name.to_string());
        }
    }
    let b64 = match header.get("b64") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(JadesError::MalformedHeader("b64 is not a boolean".into())),
    };
    if !b64 && !critical.iter().any(|c| c == "b64") {
        return Err(JadesError::InvalidCritical(
            "b64 false but b64 not critical (RFC 7797 §6)".into(),
        ));
    }
    Ok((critical, b64))
}

/// Phase 3c: `sigT`, the claimed signing time (ETSI TS 119 182-1 §5.2.1).
fn header_signing_time(header: &Map<String, Value>) -> Result<Option<DateTime<Utc>>, JadesError> {
    match header.get("sigT") {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(
            DateTime::parse_from_rfc3339(s)
                .map_err(|e| JadesError::MalformedHeader(format!("sigT: {e}")))?
                .with_timezone(&Utc),
        )),
        Some(_) => Err(JadesError::MalformedHeader("sigT is not a string".into())),
    }
}

/// Phase 4: the `x5c` chain (standard base64 DER, leaf first, RFC 7515 §4.1.6), checked against
/// `x5t#S256` and `kid`. Returns the chain and the `kid`.
fn header_chain(
    header: &Map<String, Value>,
) -> Result<(Vec<Certificate>, Option<String>), JadesError> {
    let x5c = match header.get("x5c") {
        None => return Err(JadesError::MissingX5c),
        Some(Value::Array(list)) if !list.is_empty() => list,
        Some(_) => {
            return Err(JadesError::GarbageX5c {
                index: 0,
                reason: "not a non-empty array".into(),
            })
        }
    };
    let mut chain = Vec::with_capacity(x5c.len());
    let mut leaf_der = Vec::new();
    for (index, entry) in x5c.iter().enumerate() {
        let garbage = |reason: String| JadesError::GarbageX5c { index, reason };
        let s = entry
            .as_str()
            .ok_or_else(|| garbage("not a string".into()))?;
        let der = STANDARD
            .decode(s)
            .map_err(|e| garbage(format!("not base64: {e}")))?;
        let cert = certs::certificate_from_der(&der).map_err(|e| garbage(e.to_string()))?;
        if index == 0 {
            leaf_der = der;
        }
        chain.push(cert);
    }
    let leaf = chain.first().ok_or(JadesError::MissingX5c)?;
    if let Some(t) = header.get("x5t#S256") {
        if t.as_str() != Some(thumbprint(&leaf_der).as_str()) {
            return Err(JadesError::ThumbprintMismatch);
        }
    }
    let kid = match header.get("kid") {
        None => None,
        Some(Value::String(kid)) => {
            let expected = kid_for_certificate(leaf)?;
            if *kid != expected && *kid != thumbprint(&leaf_der) {
                return Err(JadesError::KidMismatch(
                    "neither the IssuerSerial nor the SHA-256 thumbprint of the leaf certificate"
                        .into(),
                ));
            }
            Some(kid.clone())
        }
        Some(_) => return Err(JadesError::MalformedHeader("kid is not a string".into())),
    };
    Ok((chain, kid))
}

/// Phase 5: the signature over `protected '.' payload` (as transmitted) with the leaf key.
fn check_signature(
    leaf: &Certificate,
    alg: Algorithm,
    parts: &Parts<'_>,
) -> Result<(), JadesError> {
    let key = certs::certificate_public_key(leaf).map_err(|e| JadesError::GarbageX5c {
        index: 0,
        reason: e.to_string(),
    })?;
    if key.key_type() != alg.key_type() {
        return Err(JadesError::AlgorithmKeyMismatch {
            alg,
            key_type: key.key_type(),
        });
    }
    let signature = b64url_decode(parts.signature_b64, "signature")?;
    let mut input = Vec::with_capacity(parts.protected_b64.len() + 1 + parts.payload.len());
    input.extend_from_slice(parts.protected_b64.as_bytes());
    input.push(b'.');
    input.extend_from_slice(parts.payload.as_bytes());
    match key.verify(alg, &input, &signature) {
        Ok(()) => Ok(()),
        Err(SignatureError::Malformed { reason, .. }) => {
            Err(JadesError::MalformedSignature(reason))
        }
        Err(SignatureError::KeyTypeMismatch { .. }) => Err(JadesError::AlgorithmKeyMismatch {
            alg,
            key_type: key.key_type(),
        }),
        Err(SignatureError::Mismatch(_)) => {
            // RSA signatures shorter than the modulus are "malformed", not merely wrong.
            if let crate::keys::PublicKey::Rsa(k) = &key {
                use rsa::traits::PublicKeyParts as _;
                if signature.len() != k.size() {
                    return Err(JadesError::MalformedSignature(format!(
                        "{} bytes, modulus is {}",
                        signature.len(),
                        k.size()
                    )));
                }
            }
            Err(JadesError::SignatureInvalid)
        }
    }
}

/// The phases in order: header, algorithm, critical parameters, signing time, certificate chain,
/// signature, then the certification path (reported, not an error).
fn verify_parts(
    parts: &Parts<'_>,
    trust: &TrustAnchors,
    at: DateTime<Utc>,
) -> Result<SealReport, JadesError> {
    let header = protected_header(parts)?;
    let alg = header_algorithm(&header)?;
    let (critical, b64) = header_critical(&header)?;
    let signing_time = header_signing_time(&header)?;
    let (chain, kid) = header_chain(&header)?;
    let leaf = chain.first().ok_or(JadesError::MissingX5c)?;
    // Decode before the signature check: a payload that is not base64url is malformed input.
    let payload = if b64 {
        b64url_decode(parts.payload, "payload")?
    } else {
        parts.payload.as_bytes().to_vec()
    };
    check_signature(leaf, alg, parts)?;
    let info = CertificateInfo::of(leaf);
    let trust = certs::validate_path(&chain, trust, at);
    Ok(SealReport {
        algorithm: alg,
        signing_time,
        certificate_valid_at_validation_time: info.valid_at(at),
        certificate_valid_at_signing_time: signing_time.map(|t| info.valid_at(t)),
        signer: info,
        trust,
        has_data_timestamp: header.contains_key("adoTst"),
        critical,
        kid,
        payload,
        validation_time: at,
        chain_der: chain.iter().filter_map(|c| c.to_der().ok()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(v: &Value) -> String {
        URL_SAFE_NO_PAD.encode(v.to_string())
    }

    #[test]
    fn compact_seal_headers_are_told_from_vc_jwt_headers() {
        assert!(is_compact_seal_header(&b64(
            &json!({"alg": "ES256", "x5c": ["AA=="], "typ": "jose"})
        )));
        assert!(is_compact_seal_header(&b64(
            &json!({"alg": "RS256", "x5c": ["AA=="]})
        )));
        for typ in ["JWT", "vc+jwt", "application/vc+jwt", "vc+ld+jwt"] {
            assert!(!is_compact_seal_header(&b64(
                &json!({"alg": "ES256", "x5c": ["AA=="], "typ": typ})
            )));
        }
        assert!(!is_compact_seal_header(&b64(
            &json!({"alg": "EdDSA", "kid": "did:key:z"})
        )));
        assert!(!is_compact_seal_header("not base64!"));
    }

    #[test]
    fn a_compact_jws_has_three_parts_and_a_payload() {
        let anchors = TrustAnchors::empty();
        let at = Utc::now();
        for bad in ["a.b", "a.b.c.d", "a..c"] {
            assert!(
                matches!(
                    verify_compact(bad, &anchors, at),
                    Err(JadesError::Malformed(_))
                ),
                "{bad}"
            );
        }
        // Three parts: the header is read (and refused) before anything else.
        assert!(matches!(
            verify(b"e30.e30.AA", &anchors, at),
            Err(JadesError::MalformedHeader(_))
        ));
    }
}
