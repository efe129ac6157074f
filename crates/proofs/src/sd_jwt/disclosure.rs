//! Disclosures (RFC 9901 §4.2.1-4.2.3): `[salt, name, value]` for an object member, `[salt,
//! value]` for an array element, base64url-encoded; the digest is SHA-256 over the ASCII of that
//! base64url string (not over the JSON it decodes to).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

/// One Disclosure, as presented (`encoded`) and as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosure {
    /// The base64url string exactly as issued or presented (its digest is over these bytes).
    pub encoded: String,
    /// The salt.
    pub salt: String,
    /// The claim name of an object-member Disclosure; `None` for an array element.
    pub name: Option<String>,
    /// The disclosed value.
    pub value: Value,
    /// base64url(SHA-256(`encoded`)).
    pub digest: String,
}

/// base64url(SHA-256(ASCII(`encoded`))): the digest of a Disclosure (RFC 9901 §4.2.3), also of
/// `sd_hash` (§4.3.1).
pub fn digest_of(encoded: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(encoded.as_bytes()))
}

impl Disclosure {
    /// A new Disclosure of an object member (`name`) or an array element (`None`).
    pub fn new(salt: String, name: Option<&str>, value: Value) -> Self {
        let array = match name {
            Some(n) => Value::Array(vec![
                Value::String(salt.clone()),
                Value::String(n.to_string()),
                value.clone(),
            ]),
            None => Value::Array(vec![Value::String(salt.clone()), value.clone()]),
        };
        let encoded = URL_SAFE_NO_PAD.encode(array.to_string());
        let digest = digest_of(&encoded);
        Self {
            encoded,
            salt,
            name: name.map(str::to_string),
            value,
            digest,
        }
    }

    /// Reads a presented Disclosure. The error is the rule it breaks.
    pub fn parse(encoded: &str) -> Result<Self, String> {
        let bytes = URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| "is not base64url without padding".to_string())?;
        let value = strict_json::from_slice(&bytes)
            .map_err(|e| format!("is not a strict JSON array: {e}"))?;
        let Value::Array(items) = value else {
            return Err("is not a JSON array".into());
        };
        let mut it = items.into_iter();
        let salt = match it.next() {
            Some(Value::String(s)) => s,
            _ => return Err("the salt (first element) is not a string".into()),
        };
        let (name, value) = match (it.next(), it.next(), it.next()) {
            (Some(v), None, None) => (None, v),
            (Some(Value::String(n)), Some(v), None) => (Some(n), v),
            (Some(_), Some(_), None) => {
                return Err("the claim name (second element) is not a string".into())
            }
            _ => return Err("has neither 2 nor 3 elements".into()),
        };
        if let Some(n) = name.as_deref() {
            if n == "_sd" || n == "..." {
                return Err(format!(
                    "discloses the claim name {n:?}, which RFC 9901 §7.1 forbids"
                ));
            }
        }
        Ok(Self {
            encoded: encoded.to_string(),
            salt,
            name,
            value,
            digest: digest_of(encoded),
        })
    }

    /// "claim \"name\"" or "array element", as errors name a Disclosure.
    pub fn describe(&self) -> String {
        match &self.name {
            Some(n) => format!("claim {n:?}"),
            None => "array element".into(),
        }
    }
}
