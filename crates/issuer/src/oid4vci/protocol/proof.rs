//! Proofs of possession of type `jwt` (OpenID4VCI 1.0 §8.2.1.1 and Appendix F.1) and the holder
//! key they prove.
//!
//! A proof is a compact JWS with `typ` `openid4vci-proof+jwt`, an algorithm of
//! [`super::HOLDER_ALGORITHMS`], and its key either in `jwk` (a public JWK) or named by `kid` (a
//! `did:key` or `did:jwk` DID URL, resolved without I/O); `x5c` and key attestations are not
//! supported. Its claims: `aud` = the credential issuer identifier, `iat` within the configured
//! window, `nonce` = a `c_nonce` of the nonce endpoint (required: the issuer has one, §7). The
//! nonce itself is consumed by the caller ([`crate::store::Store::consume_nonce`]), after every
//! other check passed.

use chrono::{DateTime, Duration, Utc};
use proofs::jose::CompactJws;
use proofs::PublicKey;
use serde_json::{Map, Value};

use super::HOLDER_ALGORITHMS;
use crate::oid4vci::{ErrorCode, Oid4vciError};

/// The holder key a proof of possession proved.
#[derive(Debug, Clone)]
pub struct HolderKey {
    /// The public key.
    pub key: PublicKey,
    /// The holder's DID for the W3C forms' `credentialSubject.id`: the `did:key` or `did:jwk`
    /// the proof's `kid` named, or the `did:jwk` of its `jwk`.
    pub did: String,
    /// The public JWK, for the SD-JWT VC's `cnf.jwk`.
    pub jwk: Map<String, Value>,
}

/// A checked proof: the holder key and the `nonce` to consume.
#[derive(Debug, Clone)]
pub struct CheckedProof {
    /// The key.
    pub holder: HolderKey,
    /// The proof's `nonce` (a `c_nonce` of this issuer, not yet consumed).
    pub nonce: String,
}

/// Seconds as a duration, saturating (a configured window never overflows date arithmetic).
pub(crate) fn seconds(secs: u64) -> Duration {
    Duration::try_seconds(i64::try_from(secs).unwrap_or(i64::MAX)).unwrap_or(Duration::MAX)
}

/// The JWS's algorithm, which must be one of [`HOLDER_ALGORITHMS`].
pub(crate) fn holder_algorithm(jws: &CompactJws) -> Result<proofs::Algorithm, String> {
    let alg = jws.algorithm().map_err(|e| format!("header `alg`: {e}"))?;
    if !HOLDER_ALGORITHMS.contains(&alg.jose_name()) {
        return Err(format!(
            "header `alg` {} is not accepted for holder keys (only {})",
            alg.jose_name(),
            HOLDER_ALGORITHMS.join(", ")
        ));
    }
    Ok(alg)
}

/// `iat` (a number of seconds) at most `max_age_secs` old and at most a tenth of it ahead of
/// `now` (clock skew).
pub(crate) fn check_iat(
    claims: &Map<String, Value>,
    now: DateTime<Utc>,
    max_age_secs: u64,
) -> Result<DateTime<Utc>, String> {
    let iat = claims
        .get("iat")
        .and_then(Value::as_i64)
        .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
        .ok_or("claim `iat` (seconds since the epoch) is required")?;
    let oldest = now.checked_sub_signed(seconds(max_age_secs));
    let newest = now.checked_add_signed(seconds(max_age_secs / 10));
    if oldest.is_some_and(|o| iat < o) {
        return Err(format!(
            "claim `iat` is more than {max_age_secs} s old (config oid4vci.proof_max_age_secs)"
        ));
    }
    if newest.is_some_and(|n| iat > n) {
        return Err("claim `iat` is in the future".into());
    }
    Ok(iat)
}

fn invalid(description: impl Into<String>) -> Oid4vciError {
    Oid4vciError::new(ErrorCode::InvalidProof, description)
}

/// The key of the proof's header: `jwk`, or `kid` naming a did:key or did:jwk (exactly one).
fn header_key(jws: &CompactJws) -> Result<HolderKey, Oid4vciError> {
    let header = &jws.header;
    if header.contains_key("x5c") || header.contains_key("key_attestation") {
        return Err(invalid(
            "proof: header `x5c` and key attestations are not supported; send `jwk` or a did:key/did:jwk `kid`",
        ));
    }
    match (header.get("jwk"), header.get("kid")) {
        (Some(jwk), None) => {
            let key = proofs::jose::public_key_from_jwk(jwk)
                .map_err(|e| invalid(format!("proof: header `jwk`: {e}")))?;
            let did = proofs::did::did_jwk_from_public_key(&key)
                .map_err(|e| invalid(format!("proof: header `jwk`: {e}")))?;
            let jwk = proofs::jose::public_key_to_jwk(&key)
                .map_err(|e| invalid(format!("proof: header `jwk`: {e}")))?;
            Ok(HolderKey { key, did, jwk })
        }
        (None, Some(Value::String(kid))) => {
            let did = kid.split('#').next().unwrap_or(kid).to_owned();
            let key = if did.starts_with("did:key:") {
                proofs::did::parse_did_key(&did)
            } else if did.starts_with("did:jwk:") {
                proofs::did::parse_did_jwk(&did)
            } else {
                return Err(invalid(
                    "proof: header `kid` must be a did:key or did:jwk DID URL (cryptographic_binding_methods_supported)",
                ));
            }
            .map_err(|e| invalid(format!("proof: header `kid`: {e}")))?;
            let jwk = proofs::jose::public_key_to_jwk(&key)
                .map_err(|e| invalid(format!("proof: header `kid`: {e}")))?;
            Ok(HolderKey { key, did, jwk })
        }
        (Some(_), Some(_)) => Err(invalid(
            "proof: header `kid` must not be present together with `jwk` (Appendix F.1)",
        )),
        _ => Err(invalid(
            "proof: header `jwk` or `kid` (a string) is required (Appendix F.1)",
        )),
    }
}

/// `aud`: the credential issuer identifier (a string, or an array holding it).
fn check_aud(claims: &Map<String, Value>, audience: &str) -> Result<(), Oid4vciError> {
    let ok = match claims.get("aud") {
        Some(Value::String(a)) => a == audience,
        Some(Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(audience)),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(invalid(format!(
            "proof: claim `aud` must be the credential issuer identifier `{audience}` (Appendix F.1)"
        )))
    }
}

/// Checks a `jwt` proof of possession (Appendix F.1) for the issuer `audience` at `now`; the
/// nonce is returned, not consumed.
pub fn check_proof_jwt(
    jwt: &str,
    audience: &str,
    now: DateTime<Utc>,
    max_age_secs: u64,
) -> Result<CheckedProof, Oid4vciError> {
    let jws = proofs::jose::decode_compact(jwt)
        .map_err(|e| invalid(format!("proof: not a compact JWS: {e}")))?;
    if jws.typ() != Some("openid4vci-proof+jwt") {
        return Err(invalid(
            "proof: header `typ` must be `openid4vci-proof+jwt` (Appendix F.1)",
        ));
    }
    holder_algorithm(&jws).map_err(|e| invalid(format!("proof: {e}")))?;
    let holder = header_key(&jws)?;
    jws.verify(&holder.key).map_err(|e| {
        invalid(format!(
            "proof: the signature does not verify with the header's key: {e}"
        ))
    })?;
    let claims = jws
        .payload_json()
        .map_err(|e| invalid(format!("proof: {e}")))?;
    check_aud(&claims, audience)?;
    check_iat(&claims, now, max_age_secs).map_err(|e| invalid(format!("proof: {e}")))?;
    let nonce = claims
        .get("nonce")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            Oid4vciError::new(
                ErrorCode::InvalidNonce,
                "proof: claim `nonce` is required: a `c_nonce` of the nonce endpoint (§7)",
            )
        })?;
    Ok(CheckedProof {
        holder,
        nonce: nonce.to_owned(),
    })
}
