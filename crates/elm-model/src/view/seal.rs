//! The sealed wrapper of a European Digital Credential: a JAdES signature (ETSI TS 119 182-1) in
//! JWS JSON serialization (RFC 7515 §7.2), general (`{"payload", "signatures": [...]}`) or
//! flattened (`{"payload", "protected", "header", "signature"}`) form.
//!
//! EDC seals with `b64: false` (RFC 7797): `payload` is the credential JSON itself, as a string, and
//! the signature covers exactly those bytes, so the view keeps the payload string untouched. With
//! the default `b64: true` the payload is base64url and is decoded. This module only reads; checking
//! the signature is the verifier's job.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

use super::error::ViewError;

/// One signature of a JWS JSON serialization, with its decoded protected header.
#[derive(Debug, Clone, PartialEq)]
pub struct SealSignature {
    /// The signature object exactly as written (`protected`, `header`, `signature`).
    pub raw: Map<String, Value>,
    /// The protected header, base64url-decoded and parsed (`None` if absent or unreadable).
    pub protected_header: Option<Map<String, Value>>,
}

impl SealSignature {
    fn protected_str(&self, key: &str) -> Option<&str> {
        self.protected_header.as_ref()?.get(key)?.as_str()
    }

    /// `alg` (`RS256`).
    pub fn alg(&self) -> Option<&str> {
        self.protected_str("alg")
    }

    /// `sigT`: the claimed signing time (JAdES).
    pub fn signing_time(&self) -> Option<&str> {
        self.protected_str("sigT")
    }

    /// `kid`.
    pub fn kid(&self) -> Option<&str> {
        self.protected_str("kid")
    }

    /// `x5c`: the certificate chain, leaf first, base64 DER.
    pub fn x5c(&self) -> Vec<&str> {
        self.protected_header
            .as_ref()
            .and_then(|h| h.get("x5c"))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    /// `b64` (RFC 7797): `false` when the payload is not base64url-encoded. Defaults to `true`.
    pub fn b64(&self) -> bool {
        self.protected_header
            .as_ref()
            .and_then(|h| h.get("b64"))
            .and_then(Value::as_bool)
            .unwrap_or(true)
    }

    /// The `protected` member as written (base64url).
    pub fn protected(&self) -> Option<&str> {
        self.raw.get("protected").and_then(Value::as_str)
    }

    /// The `signature` member as written (base64url).
    pub fn signature(&self) -> Option<&str> {
        self.raw.get("signature").and_then(Value::as_str)
    }
}

/// The JWS JSON serialization a sealed credential came in.
#[derive(Debug, Clone, PartialEq)]
pub struct Seal {
    /// The `payload` member exactly as written (for `b64: false`, the credential JSON text the
    /// signature covers).
    pub payload: String,
    /// Whether `payload` was base64url-encoded (`b64` true or absent).
    pub payload_base64url: bool,
    /// The signatures (one for the flattened form).
    pub signatures: Vec<SealSignature>,
    /// Whether the flattened form (signature members at top level) was used.
    pub flattened: bool,
    /// Top-level members other than `payload` and `signatures` (for the flattened form, including
    /// `protected`, `header`, `signature`).
    pub extra: Map<String, Value>,
}

impl Seal {
    /// Whether `obj` looks like a JWS JSON serialization.
    pub(crate) fn detect(obj: &Map<String, Value>) -> bool {
        obj.contains_key("payload")
            && (obj.contains_key("signatures") || obj.contains_key("signature"))
    }

    /// Reads the envelope, returning it and the credential JSON inside.
    pub(crate) fn read(obj: &Map<String, Value>) -> Result<(Self, Value), ViewError> {
        let payload = match obj.get("payload") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                return Err(ViewError::Type {
                    path: "$.payload".into(),
                    expected: "the JWS payload as a string",
                    found: super::error::describe(other).to_owned(),
                })
            }
            None => {
                return Err(ViewError::Missing {
                    path: "$.payload".into(),
                    expected: "the JWS payload",
                })
            }
        };
        let flattened = !obj.contains_key("signatures");
        let signatures = if flattened {
            vec![signature_of(obj.clone())]
        } else {
            match obj.get("signatures") {
                Some(Value::Array(sigs)) => {
                    let mut out = Vec::with_capacity(sigs.len());
                    for (i, s) in sigs.iter().enumerate() {
                        match s {
                            Value::Object(m) => out.push(signature_of(m.clone())),
                            other => {
                                return Err(ViewError::Type {
                                    path: format!("$.signatures[{i}]"),
                                    expected: "a JWS signature object",
                                    found: super::error::describe(other).to_owned(),
                                })
                            }
                        }
                    }
                    out
                }
                Some(other) => {
                    return Err(ViewError::Type {
                        path: "$.signatures".into(),
                        expected: "an array of JWS signature objects",
                        found: super::error::describe(other).to_owned(),
                    })
                }
                None => Vec::new(),
            }
        };
        let declared_b64 = signatures
            .first()
            .and_then(|s| s.protected_header.as_ref()?.get("b64")?.as_bool());
        let (credential, payload_base64url) = decode_payload(&payload, declared_b64)?;
        let extra = obj
            .iter()
            .filter(|(k, _)| k.as_str() != "payload" && k.as_str() != "signatures")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok((
            Self {
                payload,
                payload_base64url,
                signatures,
                flattened,
                extra,
            },
            credential,
        ))
    }

    /// The first signature.
    pub fn signature(&self) -> Option<&SealSignature> {
        self.signatures.first()
    }

    /// The payload's bytes exactly as the signature covers them (`b64: false`), or as encoded.
    pub fn payload_bytes(&self) -> &[u8] {
        self.payload.as_bytes()
    }

    /// Writes the envelope back, with the payload exactly as read.
    pub(crate) fn to_value(&self) -> Value {
        let mut out = Map::new();
        out.insert("payload".into(), Value::String(self.payload.clone()));
        if !self.flattened {
            let sigs = self
                .signatures
                .iter()
                .map(|s| Value::Object(s.raw.clone()))
                .collect();
            out.insert("signatures".into(), Value::Array(sigs));
        }
        for (k, v) in &self.extra {
            out.insert(k.clone(), v.clone());
        }
        Value::Object(out)
    }
}

fn signature_of(raw: Map<String, Value>) -> SealSignature {
    let protected_header = raw
        .get("protected")
        .and_then(Value::as_str)
        .and_then(|p| URL_SAFE_NO_PAD.decode(p.trim_end_matches('=')).ok())
        .and_then(|bytes| strict_json::from_slice_to::<Map<String, Value>>(&bytes).ok());
    SealSignature {
        raw,
        protected_header,
    }
}

/// The credential JSON inside `payload`: read directly when the header sets `b64: false`,
/// base64url-decoded when it sets `b64: true`; when it does not say, whichever works (JSON first).
fn decode_payload(payload: &str, declared_b64: Option<bool>) -> Result<(Value, bool), ViewError> {
    let json_err = |message: String| ViewError::Json {
        path: "$.payload".into(),
        message,
    };
    let as_json = || strict_json::from_str(payload);
    let as_b64 = || -> Result<Value, ViewError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .map_err(|e| ViewError::Payload {
                path: "$.payload".into(),
                message: format!(
                    "expected base64url (the JWS header does not set b64: false): {e}"
                ),
            })?;
        strict_json::from_slice(&bytes).map_err(|e| json_err(e.to_string()))
    };
    match declared_b64 {
        Some(false) => as_json()
            .map(|v| (v, false))
            .map_err(|e| json_err(e.to_string())),
        Some(true) => as_b64().map(|v| (v, true)),
        None => match as_json() {
            Ok(v) => Ok((v, false)),
            Err(_) => as_b64().map(|v| (v, true)),
        },
    }
}
