//! SD-JWT verification (RFC 9901 §7.1-7.3): parsing the compact serialization, checking the
//! issuer signature with the caller's key, matching every Disclosure to exactly one digest and
//! rebuilding the processed payload.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::disclosure::Disclosure;
use super::key_binding::{verify_key_binding, KeyBinding, KeyBindingRules};
use super::{escape_pointer_token, SdJwtError, SD_ALG};
use crate::jose::CompactJws;
use crate::keys::PublicKey;

/// Deepest nesting of the processed payload (issuer JWT and Disclosures together).
const MAX_DEPTH: usize = 128;

/// A parsed (not yet verified) SD-JWT or SD-JWT+KB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdJwt {
    /// The issuer-signed JWT as presented.
    pub issuer_jwt: String,
    /// The issuer-signed JWT decoded (header, payload, signature).
    pub jws: CompactJws,
    /// The Disclosures in presentation order.
    pub disclosures: Vec<Disclosure>,
    /// The Key Binding JWT, when presented.
    pub key_binding_jwt: Option<String>,
}

/// A claim a Disclosure revealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisclosedClaim {
    /// JSON Pointer of the claim in the processed payload (array elements by their index in the
    /// issuer-signed array).
    pub path: String,
    /// The value as disclosed (nested Disclosures resolved).
    pub value: Value,
    /// Index of its Disclosure in [`SdJwt::disclosures`].
    pub disclosure: usize,
}

/// A verified SD-JWT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The issuer-signed JWT's protected header.
    pub header: Map<String, Value>,
    /// The processed payload (RFC 9901 §7.1 step 7): disclosed claims in place, `_sd`, `_sd_alg`
    /// and undisclosed array elements removed.
    pub payload: Map<String, Value>,
    /// What the Disclosures revealed, in the order they were found.
    pub disclosed: Vec<DisclosedClaim>,
    /// The verified Key Binding JWT, when presented.
    pub key_binding: Option<KeyBinding>,
}

impl SdJwt {
    /// Splits `<JWT>~<D1>~...~<Dn>~[<KB-JWT>]` and decodes its parts (RFC 9901 §4, §7.1 steps 1-2).
    /// Nothing is verified yet.
    pub fn parse(input: &str) -> Result<Self, SdJwtError> {
        let input = input.trim();
        let mut parts: Vec<&str> = input.split('~').collect();
        if parts.len() < 2 {
            return Err(SdJwtError::Malformed(
                "no '~': an SD-JWT is <JWT>~<Disclosures>~[<KB-JWT>] (RFC 9901 §4)".into(),
            ));
        }
        let kb = parts.pop().filter(|s| !s.is_empty()).map(str::to_string);
        let mut it = parts.into_iter();
        let issuer_jwt = it.next().unwrap_or_default().to_string();
        let jws = crate::jose::decode_compact(&issuer_jwt).map_err(SdJwtError::IssuerJwt)?;
        let mut disclosures: Vec<Disclosure> = Vec::new();
        let mut digests = HashSet::new();
        for (i, encoded) in it.enumerate() {
            let index = i + 1;
            if encoded.is_empty() {
                return Err(SdJwtError::Malformed(format!(
                    "disclosure {index} is empty ('~~')"
                )));
            }
            let d = Disclosure::parse(encoded).map_err(|reason| SdJwtError::Disclosure {
                index,
                claim: "unreadable".into(),
                reason,
            })?;
            if !digests.insert(d.digest.clone()) {
                return Err(SdJwtError::Disclosure {
                    index,
                    claim: d.describe(),
                    reason: "is presented twice (RFC 9901 §7.1)".into(),
                });
            }
            disclosures.push(d);
        }
        Ok(Self {
            issuer_jwt,
            jws,
            disclosures,
            key_binding_jwt: kb,
        })
    }

    /// The SD-JWT without its Key Binding JWT, `<JWT>~<D1>~...~<Dn>~`: what `sd_hash` covers.
    pub fn presented(&self) -> String {
        let mut s = self.issuer_jwt.clone();
        for d in &self.disclosures {
            s.push('~');
            s.push_str(&d.encoded);
        }
        s.push('~');
        s
    }

    /// The issuer-signed payload as signed (digests, not claims). Not verified.
    pub fn signed_payload(&self) -> Result<Map<String, Value>, SdJwtError> {
        self.jws.payload_json().map_err(SdJwtError::IssuerJwt)
    }

    /// Checks the issuer signature with `key` (the caller resolved it: x5c, issuer metadata).
    pub fn verify_signature(&self, key: &PublicKey) -> Result<(), SdJwtError> {
        self.jws.verify(key).map_err(SdJwtError::IssuerJwt)
    }

    /// Matches the Disclosures to the digests and rebuilds the payload (RFC 9901 §7.1 steps
    /// 3-5). Does not check the signature ([`SdJwt::verify`] does both).
    pub fn process(&self) -> Result<(Map<String, Value>, Vec<DisclosedClaim>), SdJwtError> {
        let payload = self.signed_payload()?;
        match payload.get("_sd_alg") {
            None => {}
            Some(Value::String(a)) if a == SD_ALG => {}
            Some(other) => {
                return Err(SdJwtError::UnsupportedSdAlg(
                    other
                        .as_str()
                        .map_or_else(|| other.to_string(), str::to_string),
                ))
            }
        }
        let mut p = Processor {
            disclosures: &self.disclosures,
            by_digest: self
                .disclosures
                .iter()
                .enumerate()
                .map(|(i, d)| (d.digest.as_str(), i))
                .collect(),
            used: vec![false; self.disclosures.len()],
            seen: HashSet::new(),
            disclosed: Vec::new(),
        };
        let mut payload = payload;
        payload.remove("_sd_alg");
        let processed = p.object(payload, "", 1)?;
        if let Some(i) = p.used.iter().position(|u| !u) {
            let claim = self
                .disclosures
                .get(i)
                .map(Disclosure::describe)
                .unwrap_or_default();
            return Err(SdJwtError::Disclosure {
                index: i + 1,
                claim,
                reason: "is not referenced by any digest of the issuer-signed JWT: altered, or \
                         from another SD-JWT (RFC 9901 §7.1 step 5)"
                    .into(),
            });
        }
        Ok((processed, p.disclosed))
    }

    /// Checks the Key Binding JWT against the processed `payload` (its `cnf.jwk`) under `rules`
    /// (RFC 9901 §7.3): `None` when there is none and `rules.required` is false.
    pub fn verify_key_binding(
        &self,
        payload: &Map<String, Value>,
        rules: &KeyBindingRules<'_>,
    ) -> Result<Option<KeyBinding>, SdJwtError> {
        verify_key_binding(self, payload, rules)
    }

    /// Verifies the SD-JWT: issuer signature with `key`, Disclosures, and the Key Binding JWT
    /// under `rules` (checked when presented; its absence is an error when `rules.required`).
    pub fn verify(
        &self,
        key: &PublicKey,
        rules: &KeyBindingRules<'_>,
    ) -> Result<Verified, SdJwtError> {
        self.verify_signature(key)?;
        let (payload, disclosed) = self.process()?;
        let key_binding = verify_key_binding(self, &payload, rules)?;
        Ok(Verified {
            header: self.jws.header.clone(),
            payload,
            disclosed,
            key_binding,
        })
    }
}

struct Processor<'a> {
    disclosures: &'a [Disclosure],
    by_digest: HashMap<&'a str, usize>,
    used: Vec<bool>,
    seen: HashSet<String>,
    disclosed: Vec<DisclosedClaim>,
}

impl Processor<'_> {
    /// The Disclosure of `digest`, if any; each digest may appear once (RFC 9901 §7.1 step 4).
    fn lookup(&mut self, digest: &str) -> Result<Option<(usize, Disclosure)>, SdJwtError> {
        if !self.seen.insert(digest.to_string()) {
            return Err(SdJwtError::DuplicateDigest(digest.to_string()));
        }
        let Some(&i) = self.by_digest.get(digest) else {
            return Ok(None);
        };
        if let Some(u) = self.used.get_mut(i) {
            *u = true;
        }
        Ok(self.disclosures.get(i).map(|d| (i, d.clone())))
    }

    /// The disclosed `value` at `path` (nested Disclosures resolved), recorded.
    fn reveal(
        &mut self,
        index: usize,
        value: Value,
        path: String,
        depth: usize,
    ) -> Result<Value, SdJwtError> {
        let value = self.value(value, &path, depth + 1)?;
        self.disclosed.push(DisclosedClaim {
            path,
            value: value.clone(),
            disclosure: index,
        });
        Ok(value)
    }

    fn too_deep(pointer: &str, depth: usize) -> Result<(), SdJwtError> {
        if depth > MAX_DEPTH {
            return Err(SdJwtError::Claim {
                path: pointer.to_string(),
                reason: format!("nested deeper than {MAX_DEPTH} levels"),
            });
        }
        Ok(())
    }

    fn value(&mut self, v: Value, pointer: &str, depth: usize) -> Result<Value, SdJwtError> {
        Self::too_deep(pointer, depth)?;
        match v {
            Value::Object(map) => Ok(Value::Object(self.object(map, pointer, depth)?)),
            Value::Array(items) => self.array(items, pointer, depth),
            other => Ok(other),
        }
    }

    fn array(
        &mut self,
        items: Vec<Value>,
        pointer: &str,
        depth: usize,
    ) -> Result<Value, SdJwtError> {
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let path = format!("{pointer}/{i}");
            let digest = match &item {
                Value::Object(m) if m.len() == 1 => m.get("...").cloned(),
                _ => None,
            };
            let Some(digest) = digest else {
                out.push(self.value(item, &path, depth + 1)?);
                continue;
            };
            let Value::String(digest) = digest else {
                return Err(SdJwtError::Claim {
                    path,
                    reason: "the \"...\" member is not a digest string".into(),
                });
            };
            let Some((index, d)) = self.lookup(&digest)? else {
                continue; // not disclosed (or a decoy): removed (§7.1 step 3.3.2)
            };
            if d.name.is_some() {
                return Err(broken(
                    index,
                    &d,
                    format!(
                        "discloses an object member, but its digest is the array element {path}"
                    ),
                ));
            }
            out.push(self.reveal(index, d.value, path, depth)?);
        }
        Ok(Value::Array(out))
    }

    fn object(
        &mut self,
        mut map: Map<String, Value>,
        pointer: &str,
        depth: usize,
    ) -> Result<Map<String, Value>, SdJwtError> {
        Self::too_deep(pointer, depth)?;
        let sd = map.remove("_sd");
        let mut out = Map::new();
        for (name, v) in map {
            let path = format!("{pointer}/{}", escape_pointer_token(&name));
            let v = self.value(v, &path, depth + 1)?;
            out.insert(name, v);
        }
        let Some(sd) = sd else {
            return Ok(out);
        };
        let sd_path = format!("{pointer}/_sd");
        let Value::Array(digests) = sd else {
            return Err(SdJwtError::Claim {
                path: sd_path,
                reason: "must be an array of digests (RFC 9901 §4.2.4.1)".into(),
            });
        };
        for digest in digests {
            let Value::String(digest) = digest else {
                return Err(SdJwtError::Claim {
                    path: sd_path,
                    reason: "has an element that is not a digest string".into(),
                });
            };
            let Some((index, d)) = self.lookup(&digest)? else {
                continue; // undisclosed or decoy
            };
            let Some(name) = d.name.clone() else {
                let at = if pointer.is_empty() { "/" } else { pointer };
                let why =
                    format!("discloses an array element, but its digest is in the _sd of {at}");
                return Err(broken(index, &d, why));
            };
            let path = format!("{pointer}/{}", escape_pointer_token(&name));
            if out.contains_key(&name) {
                let why = format!(
                    "discloses {path}, which the payload already has (RFC 9901 §7.1 step 3.2.2.3)"
                );
                return Err(broken(index, &d, why));
            }
            let value = self.reveal(index, d.value, path, depth)?;
            out.insert(name, value);
        }
        Ok(out)
    }
}

/// The error of Disclosure `index` (0-based) breaking a rule.
fn broken(index: usize, d: &Disclosure, reason: String) -> SdJwtError {
    SdJwtError::Disclosure {
        index: index + 1,
        claim: d.describe(),
        reason,
    }
}
