//! DPoP proofs (RFC 9449 §4.3) at the token endpoint (binding the access token to the wallet's
//! key, §5) and the credential endpoint (the bound token's key, with `ath`, §7.1).
//!
//! Checked in the order of RFC 9449 §4.3: one compact JWS, `typ` `dpop+jwt`, an asymmetric
//! algorithm we accept (ES256, EdDSA), a public `jwk` in the header that verifies the signature,
//! `jti`, `htm` = the request's method, `htu` = the endpoint's public URL (query and fragment
//! ignored, both sides normalised by the WHATWG URL parser), `iat` within the configured window,
//! `ath` = base64url(SHA-256(access token)) when a token is presented; then the `jti` is recorded
//! in the database, so a proof is accepted once across replicas (§11.1). No server nonces.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use super::proof::{check_iat, holder_algorithm, seconds};
use crate::app::App;
use crate::oid4vci::{ErrorCode, Oid4vciError};

/// What a DPoP proof must match: the request it came with.
#[derive(Debug, Clone, Copy)]
pub struct DpopCheck<'a> {
    /// The HTTP method (`POST`).
    pub method: &'a str,
    /// The endpoint's public URL.
    pub url: &'a str,
    /// The access token presented with it (credential endpoint), for `ath`.
    pub access_token: Option<&'a str>,
}

/// Longest `jti` stored (RFC 9449 §4.2 asks for at least 96 bits of randomness; wallets send a
/// UUID or 16-32 random bytes).
const MAX_JTI: usize = 256;

fn invalid(description: impl Into<String>) -> Oid4vciError {
    Oid4vciError::new(ErrorCode::InvalidDpopProof, description)
}

/// A URL for comparison (§4.3 step 9): parsed and normalised, without query and fragment.
fn comparable_url(url: &str) -> Option<String> {
    let mut parsed = url::Url::parse(url).ok()?;
    parsed.set_query(None);
    parsed.set_fragment(None);
    Some(parsed.to_string())
}

/// Checks the DPoP proof `proof` against `check` at `now` (steps 1-11 of RFC 9449 §4.3 except
/// the `jti` replay check): the key's RFC 7638 thumbprint, the `jti` and the `iat`.
pub fn check_dpop_proof(
    proof: &str,
    check: &DpopCheck<'_>,
    now: DateTime<Utc>,
    max_age_secs: u64,
) -> Result<(String, String, DateTime<Utc>), Oid4vciError> {
    let jws = proofs::jose::decode_compact(proof.trim())
        .map_err(|e| invalid(format!("DPoP: not a compact JWS: {e}")))?;
    if jws.typ() != Some("dpop+jwt") {
        return Err(invalid(
            "DPoP: header `typ` must be `dpop+jwt` (RFC 9449 §4.2)",
        ));
    }
    holder_algorithm(&jws).map_err(|e| invalid(format!("DPoP: {e}")))?;
    let jwk = jws.header.get("jwk").ok_or_else(|| {
        invalid("DPoP: header `jwk` (the public key) is required (RFC 9449 §4.2)")
    })?;
    let key = proofs::jose::public_key_from_jwk(jwk)
        .map_err(|e| invalid(format!("DPoP: header `jwk`: {e}")))?;
    jws.verify(&key).map_err(|e| {
        invalid(format!(
            "DPoP: the signature does not verify with `jwk`: {e}"
        ))
    })?;
    let claims = jws
        .payload_json()
        .map_err(|e| invalid(format!("DPoP: {e}")))?;
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    let jti = text("jti")
        .filter(|j| !j.is_empty() && j.len() <= MAX_JTI)
        .ok_or_else(|| {
            invalid(format!(
                "DPoP: claim `jti` must be a string of 1 to {MAX_JTI} characters"
            ))
        })?;
    if text("htm") != Some(check.method) {
        return Err(invalid(format!(
            "DPoP: claim `htm` must be `{}`, the request's method",
            check.method
        )));
    }
    let htu = text("htu").and_then(comparable_url);
    if htu.is_none() || htu != comparable_url(check.url) {
        return Err(invalid(format!(
            "DPoP: claim `htu` must be `{}`, this endpoint's URL",
            check.url
        )));
    }
    let iat = check_iat(&claims, now, max_age_secs).map_err(|e| invalid(format!("DPoP: {e}")))?;
    check_ath(&claims, check.access_token)?;
    let thumbprint = proofs::jose::jwk_thumbprint(jwk)
        .map_err(|e| invalid(format!("DPoP: header `jwk`: {e}")))?;
    Ok((thumbprint, jti.to_owned(), iat))
}

/// `ath` (RFC 9449 §4.2): required with an access token, base64url(SHA-256(token)).
fn check_ath(claims: &Map<String, Value>, access_token: Option<&str>) -> Result<(), Oid4vciError> {
    let Some(token) = access_token else {
        return Ok(());
    };
    let expected = URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()));
    if claims.get("ath").and_then(Value::as_str) != Some(expected.as_str()) {
        return Err(invalid(
            "DPoP: claim `ath` must be the base64url SHA-256 of the access token (RFC 9449 §4.2)",
        ));
    }
    Ok(())
}

impl App {
    /// Verifies the DPoP proof `proof` for `check` and records its `jti` (a replay is refused):
    /// the thumbprint of its key.
    pub async fn verify_dpop(
        &self,
        proof: &str,
        check: &DpopCheck<'_>,
    ) -> Result<String, Oid4vciError> {
        let max_age = self.oid4vci_settings().proof_max_age_secs;
        let (jkt, jti, iat) = check_dpop_proof(proof, check, self.now(), max_age)?;
        // Kept as long as its `iat` is accepted (the window reaches a tenth ahead of the clock).
        let keep = iat
            .checked_add_signed(seconds(max_age.saturating_mul(2)))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let fresh = self
            .store()
            .record_dpop_jti(&jkt, &jti, keep)
            .await
            .map_err(super::token::server_error)?;
        if !fresh {
            return Err(invalid(
                "DPoP: this proof (its `jti`) was used before; make a new one for each request (RFC 9449 §11.1)",
            ));
        }
        Ok(jkt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn htu_is_compared_normalised_without_query_and_fragment() {
        let a = comparable_url("HTTP://Issuer.Test:80/universities/eth/token?x=1#f");
        assert_eq!(
            a.as_deref(),
            Some("http://issuer.test/universities/eth/token")
        );
        assert_ne!(
            comparable_url("http://issuer.test/universities/eth/token"),
            comparable_url("http://issuer.test/universities/eth/credential")
        );
        assert_ne!(
            comparable_url("https://issuer.test/universities/eth/token"),
            comparable_url("http://issuer.test/universities/eth/token")
        );
        assert_eq!(comparable_url("not a url"), None);
    }

    #[test]
    fn iat_window_is_the_configured_age_and_a_tenth_ahead() {
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
        let at = |secs: i64| {
            let mut claims = Map::new();
            claims.insert("iat".into(), (1_800_000_000 + secs).into());
            check_iat(&claims, now, 300)
        };
        assert!(at(0).is_ok());
        assert!(at(-300).is_ok());
        assert!(at(-301).unwrap_err().contains("300 s old"));
        assert!(at(30).is_ok());
        assert!(at(31).unwrap_err().contains("future"));
        assert!(check_iat(&Map::new(), now, 300).is_err());
    }
}
