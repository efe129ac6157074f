//! SD-JWT issuance (RFC 9901 §4.1, §4.2, §5.1): the claims named by path become Disclosures, the
//! payload keeps their digests, the issuer signs it.

use std::collections::BTreeSet;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use super::disclosure::Disclosure;
use super::{
    escape_pointer_token, must_stay_visible, normalise_path, SaltSource, SdJwtError, SD_ALG,
};
use crate::signer::Signer;

/// What one issuance builds while it walks the claims.
struct Concealer<'a> {
    wanted: BTreeSet<String>,
    found: BTreeSet<String>,
    disclosures: Vec<String>,
    salts: &'a mut dyn SaltSource,
    decoys: usize,
}

/// Issues an SD-JWT: `<issuer-signed JWT>~<Disclosure>~...~`.
///
/// `disclosable` names the selectively disclosable claims: top-level names (`given_name`) or JSON
/// Pointers (`/address/street_address`, `/nationalities/1`); a claim and members inside it may
/// both be disclosable (nested Disclosures, RFC 9901 §4.2.6). Every path must name a claim; the
/// claims of [`super::ALWAYS_VISIBLE`] and their members stay visible (SD-JWT VC §3.2.2.2).
/// `header_extra` adds protected header members (`x5c`, `kid`); `typ` is set (`dc+sd-jwt` for
/// SD-JWT VC), `alg` is the signer's.
pub fn issue(
    claims: Map<String, Value>,
    disclosable: &[String],
    header_extra: Map<String, Value>,
    typ: &str,
    signer: &dyn Signer,
    salts: &mut dyn SaltSource,
) -> Result<String, SdJwtError> {
    issue_with_decoys(claims, disclosable, header_extra, typ, signer, salts, 0)
}

/// [`issue`], adding `decoys` decoy digests (RFC 9901 §4.2.5) to every `_sd` array it makes, so a
/// verifier cannot count the undisclosed claims.
pub fn issue_with_decoys(
    claims: Map<String, Value>,
    disclosable: &[String],
    mut header_extra: Map<String, Value>,
    typ: &str,
    signer: &dyn Signer,
    salts: &mut dyn SaltSource,
    decoys: usize,
) -> Result<String, SdJwtError> {
    let wanted: BTreeSet<String> = disclosable.iter().map(|p| normalise_path(p)).collect();
    for path in &wanted {
        if must_stay_visible(path) {
            return Err(SdJwtError::Claim {
                path: path.clone(),
                reason: "must not be selectively disclosable (SD-JWT VC §3.2.2.2)".into(),
            });
        }
    }
    if claims.contains_key("_sd_alg") {
        return Err(SdJwtError::Claim {
            path: "/_sd_alg".into(),
            reason: "is set by the issuance itself".into(),
        });
    }
    let mut c = Concealer {
        wanted,
        found: BTreeSet::new(),
        disclosures: Vec::new(),
        salts,
        decoys,
    };
    let payload = c.object(claims, "")?;
    if let Some(missing) = c.wanted.difference(&c.found).next() {
        return Err(SdJwtError::Claim {
            path: missing.clone(),
            reason: "names no claim of the credential, so it cannot be made disclosable".into(),
        });
    }
    let mut payload = payload;
    payload.insert("_sd_alg".into(), Value::String(SD_ALG.into()));
    header_extra.insert("typ".into(), Value::String(typ.into()));
    let body = Value::Object(payload).to_string();
    let jwt = crate::jose::sign_compact(header_extra, body.as_bytes(), signer)
        .map_err(SdJwtError::Sign)?;
    let mut out = jwt;
    for d in &c.disclosures {
        out.push('~');
        out.push_str(d);
    }
    out.push('~');
    Ok(out)
}

impl Concealer<'_> {
    fn value(&mut self, value: Value, pointer: &str) -> Result<Value, SdJwtError> {
        match value {
            Value::Object(map) => Ok(Value::Object(self.object(map, pointer)?)),
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    let path = format!("{pointer}/{i}");
                    let item = self.value(item, &path)?;
                    if self.wanted.contains(&path) {
                        let digest = self.conceal(&path, None, item)?;
                        let mut m = Map::new();
                        m.insert("...".into(), Value::String(digest));
                        out.push(Value::Object(m));
                    } else {
                        out.push(item);
                    }
                }
                Ok(Value::Array(out))
            }
            other => Ok(other),
        }
    }

    fn object(
        &mut self,
        map: Map<String, Value>,
        pointer: &str,
    ) -> Result<Map<String, Value>, SdJwtError> {
        let mut out = Map::new();
        let mut digests = Vec::new();
        for (name, v) in map {
            let path = format!("{pointer}/{}", escape_pointer_token(&name));
            if name == "_sd" || name == "..." {
                return Err(SdJwtError::Claim {
                    path,
                    reason: "is a name RFC 9901 reserves (§4.2.4.1, §4.2.4.2)".into(),
                });
            }
            let v = self.value(v, &path)?;
            if self.wanted.contains(&path) {
                digests.push(self.conceal(&path, Some(&name), v)?);
            } else {
                out.insert(name, v);
            }
        }
        if !digests.is_empty() {
            for _ in 0..self.decoys {
                let random = self.salts.decoy()?;
                digests.push(URL_SAFE_NO_PAD.encode(Sha256::digest(random)));
            }
            // Sorted, so the order says nothing about the claims (RFC 9901 §4.2.4.1).
            digests.sort();
            out.insert(
                "_sd".into(),
                Value::Array(digests.into_iter().map(Value::String).collect()),
            );
        }
        Ok(out)
    }

    fn conceal(
        &mut self,
        path: &str,
        name: Option<&str>,
        value: Value,
    ) -> Result<String, SdJwtError> {
        let d = Disclosure::new(self.salts.salt()?, name, value);
        self.found.insert(path.to_string());
        self.disclosures.push(d.encoded);
        Ok(d.digest)
    }
}
