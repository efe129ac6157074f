//! Presentations and Key Binding JWTs (RFC 9901 §4.3, §7.3): the holder picks Disclosures and
//! signs `iat`, `aud`, `nonce` and `sd_hash` (the digest of the presented SD-JWT) with the key
//! of the credential's `cnf.jwk`; the verifier checks them.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};

use super::disclosure::digest_of;
use super::process::SdJwt;
use super::{normalise_path, SdJwtError, TYP_KEY_BINDING};
use crate::signer::Signer;

/// What the holder signs in a Key Binding JWT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBindingClaims {
    /// The verifier (`aud`).
    pub aud: String,
    /// The verifier's nonce.
    pub nonce: String,
    /// Issued at.
    pub iat: DateTime<Utc>,
}

/// What a verifier demands of the Key Binding JWT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyBindingRules<'a> {
    /// Refuse an SD-JWT without a Key Binding JWT.
    pub required: bool,
    /// The nonce the verifier gave (checked when set).
    pub nonce: Option<&'a str>,
    /// The verifier's own identifier (checked against `aud` when set).
    pub aud: Option<&'a str>,
    /// The verification time.
    pub now: DateTime<Utc>,
    /// Oldest acceptable `iat`, before `now`.
    pub max_age: Duration,
    /// How far in the future `iat` may be (clock skew).
    pub leeway: Duration,
}

impl<'a> KeyBindingRules<'a> {
    /// A Key Binding JWT is checked if presented (5 minutes old at most, 1 minute of skew), but not
    /// required, and any nonce or audience is accepted.
    pub fn optional(now: DateTime<Utc>) -> Self {
        Self {
            required: false,
            nonce: None,
            aud: None,
            now,
            max_age: Duration::minutes(5),
            leeway: Duration::minutes(1),
        }
    }

    /// A Key Binding JWT with this `nonce` and `aud` is required.
    pub fn required(nonce: &'a str, aud: &'a str, now: DateTime<Utc>) -> Self {
        Self {
            required: true,
            nonce: Some(nonce),
            aud: Some(aud),
            ..Self::optional(now)
        }
    }
}

/// A verified Key Binding JWT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBinding {
    /// Its `aud`.
    pub aud: String,
    /// Its `nonce`.
    pub nonce: String,
    /// Its `iat`.
    pub iat: DateTime<Utc>,
    /// The holder key (`cnf.jwk` of the credential) that signed it.
    pub holder_jwk: Value,
}

/// `sd_hash`: base64url(SHA-256(`<JWT>~<D1>~...~<Dn>~`)) (RFC 9901 §4.3.1).
pub fn sd_hash(presented: &str) -> String {
    digest_of(presented)
}

/// The SD-JWT with only the Disclosures of `disclose` (paths as at issuance: a nested claim
/// brings its ancestors' Disclosures, RFC 9901 §7.2 step 1), `<JWT>~<D>~...~`. A Key Binding
/// JWT on the input is dropped.
pub fn present(sd_jwt: &str, disclose: &[String]) -> Result<String, SdJwtError> {
    let parsed = SdJwt::parse(sd_jwt)?;
    let (_, disclosed) = parsed.process()?;
    let wanted: BTreeSet<String> = disclose.iter().map(|p| normalise_path(p)).collect();
    let keep: BTreeSet<usize> = disclosed
        .iter()
        .filter(|c| {
            wanted.contains(&c.path)
                || wanted
                    .iter()
                    .any(|w| w.starts_with(&format!("{}/", c.path)))
        })
        .map(|c| c.disclosure)
        .collect();
    let mut out = parsed.issuer_jwt.clone();
    for (i, d) in parsed.disclosures.iter().enumerate() {
        if keep.contains(&i) {
            out.push('~');
            out.push_str(&d.encoded);
        }
    }
    out.push('~');
    Ok(out)
}

/// A Key Binding JWT over `presented` (`<JWT>~<D>~...~`), signed by the holder.
pub fn key_binding_jwt(
    presented: &str,
    claims: &KeyBindingClaims,
    holder: &dyn Signer,
) -> Result<String, SdJwtError> {
    let mut header = Map::new();
    header.insert("typ".into(), Value::String(TYP_KEY_BINDING.into()));
    let mut payload = Map::new();
    payload.insert("iat".into(), Value::from(claims.iat.timestamp()));
    payload.insert("aud".into(), Value::String(claims.aud.clone()));
    payload.insert("nonce".into(), Value::String(claims.nonce.clone()));
    payload.insert("sd_hash".into(), Value::String(sd_hash(presented)));
    let body = Value::Object(payload).to_string();
    crate::jose::sign_compact(header, body.as_bytes(), holder).map_err(SdJwtError::Sign)
}

/// [`present`] followed by a Key Binding JWT: the SD-JWT+KB a holder sends a verifier.
pub fn present_with_key_binding(
    sd_jwt: &str,
    disclose: &[String],
    claims: &KeyBindingClaims,
    holder: &dyn Signer,
) -> Result<String, SdJwtError> {
    let mut presented = present(sd_jwt, disclose)?;
    let kb = key_binding_jwt(&presented, claims, holder)?;
    presented.push_str(&kb);
    Ok(presented)
}

fn kb_err(member: &'static str, reason: impl Into<String>) -> SdJwtError {
    SdJwtError::KeyBinding {
        member,
        reason: reason.into(),
    }
}

/// A string member of the Key Binding JWT payload.
fn kb_string(claims: &Map<String, Value>, member: &'static str) -> Result<String, SdJwtError> {
    claims
        .get(member)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| kb_err(member, "missing or not a string (RFC 9901 §4.3)"))
}

fn shown(s: &str) -> String {
    let short: String = s.chars().take(80).collect();
    format!("{short:?}")
}

/// RFC 9901 §7.3 steps 3-5: the Key Binding JWT of `sd` against the processed `payload`.
pub(super) fn verify_key_binding(
    sd: &SdJwt,
    payload: &Map<String, Value>,
    rules: &KeyBindingRules<'_>,
) -> Result<Option<KeyBinding>, SdJwtError> {
    let Some(kb) = sd.key_binding_jwt.as_deref() else {
        return if rules.required {
            Err(SdJwtError::KeyBindingMissing)
        } else {
            Ok(None)
        };
    };
    let jws = crate::jose::decode_compact(kb).map_err(|e| kb_err("header", e.to_string()))?;
    if jws.typ() != Some(TYP_KEY_BINDING) {
        return Err(kb_err(
            "typ",
            format!(
                "is {}, not \"kb+jwt\" (RFC 9901 §4.3)",
                jws.typ().map_or_else(|| "missing".into(), shown)
            ),
        ));
    }
    let jwk = payload
        .get("cnf")
        .and_then(|c| c.get("jwk"))
        .ok_or_else(|| {
            kb_err(
                "cnf",
                "the credential has no cnf.jwk holder key to check it with",
            )
        })?;
    let key = crate::jose::public_key_from_jwk(jwk).map_err(|e| kb_err("cnf", e.to_string()))?;
    jws.verify(&key).map_err(|e| {
        kb_err(
            "signature",
            format!("{e}: not signed by the holder key of cnf.jwk"),
        )
    })?;
    let claims = jws
        .payload_json()
        .map_err(|e| kb_err("payload", e.to_string()))?;
    let expected_hash = sd_hash(&sd.presented());
    let got_hash = kb_string(&claims, "sd_hash")?;
    if got_hash != expected_hash {
        return Err(kb_err(
            "sd_hash",
            format!(
                "is {}, but the presented SD-JWT hashes to {expected_hash}: the Disclosures or the \
                 issuer-signed JWT are not those the holder signed (RFC 9901 §7.3 step 5)",
                shown(&got_hash)
            ),
        ));
    }
    let nonce = kb_string(&claims, "nonce")?;
    if let Some(want) = rules.nonce.filter(|w| *w != nonce) {
        return Err(kb_err(
            "nonce",
            format!("is {}, expected {}", shown(&nonce), shown(want)),
        ));
    }
    let aud = kb_string(&claims, "aud")?;
    if let Some(want) = rules.aud.filter(|w| *w != aud) {
        return Err(kb_err(
            "aud",
            format!("is {}, expected {}", shown(&aud), shown(want)),
        ));
    }
    let iat = claims
        .get("iat")
        .and_then(Value::as_i64)
        .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
        .ok_or_else(|| kb_err("iat", "missing or not a NumericDate in seconds"))?;
    // Checked date arithmetic: `DateTime ± Duration` panics on overflow, and the rules' windows
    // are the caller's (a window past the representable dates is no bound on that side).
    let latest = rules.now.checked_add_signed(rules.leeway);
    if latest.is_some_and(|latest| iat > latest) {
        return Err(kb_err(
            "iat",
            format!(
                "{} is in the future (verification time {})",
                iat.to_rfc3339(),
                rules.now.to_rfc3339()
            ),
        ));
    }
    let oldest = rules.now.checked_sub_signed(rules.max_age);
    if oldest.is_some_and(|oldest| iat < oldest) {
        return Err(kb_err(
            "iat",
            format!(
                "{} is more than {} s before the verification time {}: too old to prove possession now",
                iat.to_rfc3339(),
                rules.max_age.num_seconds(),
                rules.now.to_rfc3339()
            ),
        ));
    }
    Ok(Some(KeyBinding {
        aud,
        nonce,
        iat,
        holder_jwk: jwk.clone(),
    }))
}
