//! `jwt_vc_json` presentations (OpenID4VP 1.0 Appendix B.1.3.1, W3C VCs secured as JWTs): the
//! `jwt_vp_json` VP JWT a wallet signs with the holder's key, checked before its credentials.
//!
//! - the holder key: the protected header's `kid` (a did:jwk or did:key URL, resolved without I/O
//!   by [`proofs::did::DidKeyResolver`]) or its `jwk` (RFC 7515 §4.1.3); the signature must verify
//!   with it ([`proofs::jose`]). `iss` and `vp.holder`, when present, must name that key;
//! - `nonce` = the request's nonce and `aud` = its `client_id` (§B.1.3.1, RFC 7519 §4.1.3:
//!   a string or an array containing it);
//! - `iat` within the [`KeyBindingRules`] window (at most `max_age` old, `leeway` in the future),
//!   `exp` and `nbf` (when present) around the verification time;
//! - `vp.verifiableCredential`: one VC-JWT or an array of them (compact strings).
//!
//! The inner VC-JWTs get the library's full credential checks in [`super::response`];
//! [`holder_bound`] then checks that the VP's signer is the credential's subject
//! (`credentialSubject.id`, or the JWT `sub`, a did:jwk / did:key of the holder key).

use proofs::did::{did_jwk_from_public_key, DidKeyResolver, KeyResolver};
use proofs::jose::{self, CompactJws};
use proofs::sd_jwt::KeyBindingRules;
use proofs::PublicKey;
use serde_json::{Map, Value};

/// Why a VP JWT was refused: a code of the response's problem list and the field and rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtVpProblem {
    /// `invalid-presentation`, `bad-signature`, `unresolved-key`, `holder-mismatch`,
    /// `wrong-nonce` or `wrong-audience`.
    pub code: &'static str,
    /// The field and the rule it breaks.
    pub message: String,
}

fn problem(code: &'static str, message: impl Into<String>) -> JwtVpProblem {
    JwtVpProblem {
        code,
        message: message.into(),
    }
}

fn invalid(message: impl Into<String>) -> JwtVpProblem {
    problem("invalid-presentation", message)
}

/// A verified VP JWT.
#[derive(Debug, Clone)]
pub struct JwtVp {
    /// The holder: the DID of `kid`, or the did:jwk of the header's `jwk`.
    pub holder: String,
    /// The key that signed the VP.
    pub holder_key: PublicKey,
    /// The VC-JWTs of `vp.verifiableCredential`, not yet verified.
    pub credentials: Vec<String>,
}

/// Verifies the VP JWT `jwt` against `rules` (`nonce` and `aud` required, the time window).
pub fn verify_jwt_vp(jwt: &str, rules: &KeyBindingRules<'_>) -> Result<JwtVp, JwtVpProblem> {
    let jws = jose::decode_compact(jwt.trim())
        .map_err(|e| invalid(format!("the VP JWT is not a compact JWS: {e}")))?;
    let (holder, holder_key) = holder_key(&jws)?;
    jws.verify(&holder_key).map_err(|e| {
        problem(
            "bad-signature",
            format!("the VP JWT signature does not verify with the holder key of {holder}: {e}"),
        )
    })?;
    let claims = jws
        .payload_json()
        .map_err(|e| invalid(format!("VP JWT payload: {e}")))?;
    for member in ["iss", "holder"] {
        let named = if member == "iss" {
            claims.get("iss")
        } else {
            claims.get("vp").and_then(|vp| vp.get("holder"))
        };
        if let Some(named) = named {
            if !names_key(named.as_str(), &holder_key) {
                return Err(problem(
                    "holder-mismatch",
                    format!("VP JWT {member} {named}: not the holder {holder} whose key signed the VP (OpenID4VP 1.0 §B.1.3.1)"),
                ));
            }
        }
    }
    check_binding(&claims, rules)?;
    check_times(&claims, rules)?;
    let credentials = credentials_of(&claims)?;
    Ok(JwtVp {
        holder,
        holder_key,
        credentials,
    })
}

/// The holder key of the header: `kid` (did:jwk / did:key URL) or `jwk`.
fn holder_key(jws: &CompactJws) -> Result<(String, PublicKey), JwtVpProblem> {
    if let Some(kid) = jws.header.get("kid").and_then(Value::as_str) {
        let method = DidKeyResolver.resolve(kid).map_err(|e| {
            problem(
                "unresolved-key",
                format!("VP JWT header kid {kid:?}: {e} (a did:jwk or did:key URL is expected)"),
            )
        })?;
        return Ok((method.controller, method.public_key));
    }
    let Some(jwk) = jws.header.get("jwk") else {
        return Err(problem(
            "unresolved-key",
            "VP JWT header: neither kid (a did:jwk or did:key URL) nor jwk names the holder key",
        ));
    };
    let key = jose::public_key_from_jwk(jwk)
        .map_err(|e| problem("unresolved-key", format!("VP JWT header jwk: {e}")))?;
    let did = did_jwk_from_public_key(&key)
        .map_err(|e| problem("unresolved-key", format!("VP JWT header jwk: {e}")))?;
    Ok((did, key))
}

/// Whether `did` (a did:jwk or did:key, with or without a fragment) names `key`.
fn names_key(did: Option<&str>, key: &PublicKey) -> bool {
    did.and_then(|d| DidKeyResolver.resolve(d).ok())
        .is_some_and(|m| &m.public_key == key)
}

/// `nonce` and `aud` (§B.1.3.1).
fn check_binding(
    claims: &Map<String, Value>,
    rules: &KeyBindingRules<'_>,
) -> Result<(), JwtVpProblem> {
    let nonce = claims.get("nonce").and_then(Value::as_str);
    if let Some(want) = rules.nonce.filter(|w| nonce != Some(*w)) {
        return Err(problem(
            "wrong-nonce",
            format!("VP JWT nonce is {nonce:?}, expected the request's nonce {want:?} (OpenID4VP 1.0 §B.1.3.1)"),
        ));
    }
    let aud = claims.get("aud");
    let has = |want: &str| match aud {
        Some(Value::String(s)) => s == want,
        Some(Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(want)),
        _ => false,
    };
    if let Some(want) = rules.aud.filter(|w| !has(w)) {
        let shown = aud
            .map(Value::to_string)
            .unwrap_or_else(|| "missing".into());
        return Err(problem(
            "wrong-audience",
            format!(
                "VP JWT aud is {shown}, expected the client_id {want:?} (OpenID4VP 1.0 §B.1.3.1)"
            ),
        ));
    }
    Ok(())
}

/// A NumericDate claim (seconds), if present; an error if present but not one.
fn numeric_date(
    claims: &Map<String, Value>,
    name: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, JwtVpProblem> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
            .map(Some)
            .ok_or_else(|| invalid(format!("VP JWT {name}: not a NumericDate in seconds"))),
    }
}

/// `iat` in the rules' window; `exp` not passed and `nbf` reached (with the leeway).
fn check_times(
    claims: &Map<String, Value>,
    rules: &KeyBindingRules<'_>,
) -> Result<(), JwtVpProblem> {
    let now = rules.now;
    let Some(iat) = numeric_date(claims, "iat")? else {
        return Err(invalid(
            "VP JWT iat: missing (it dates the holder's proof of possession)",
        ));
    };
    let latest = now.checked_add_signed(rules.leeway);
    let oldest = now.checked_sub_signed(rules.max_age);
    if latest.is_some_and(|l| iat > l) {
        return Err(invalid(format!(
            "VP JWT iat {} is in the future (verification time {})",
            iat.to_rfc3339(),
            now.to_rfc3339()
        )));
    }
    if oldest.is_some_and(|o| iat < o) {
        return Err(invalid(format!(
            "VP JWT iat {} is more than {} s before the verification time {}",
            iat.to_rfc3339(),
            rules.max_age.num_seconds(),
            now.to_rfc3339()
        )));
    }
    let earliest = now.checked_sub_signed(rules.leeway);
    if let Some(exp) = numeric_date(claims, "exp")? {
        if earliest.is_some_and(|e| exp <= e) {
            return Err(invalid(format!(
                "VP JWT exp {} has passed (verification time {})",
                exp.to_rfc3339(),
                now.to_rfc3339()
            )));
        }
    }
    if let Some(nbf) = numeric_date(claims, "nbf")? {
        if latest.is_some_and(|l| nbf > l) {
            return Err(invalid(format!(
                "VP JWT nbf {} is after the verification time {}",
                nbf.to_rfc3339(),
                now.to_rfc3339()
            )));
        }
    }
    Ok(())
}

/// `vp.verifiableCredential`: a VC-JWT or a non-empty array of them.
fn credentials_of(claims: &Map<String, Value>) -> Result<Vec<String>, JwtVpProblem> {
    let Some(vp) = claims.get("vp").and_then(Value::as_object) else {
        return Err(invalid(
            "VP JWT vp: missing or not a JSON object (OpenID4VP 1.0 §B.1.3.1)",
        ));
    };
    let list: Vec<&Value> = match vp.get("verifiableCredential") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    if list.is_empty() {
        return Err(invalid("VP JWT vp.verifiableCredential: missing or empty"));
    }
    list.into_iter()
        .map(|v| {
            v.as_str().map(str::to_owned).ok_or_else(|| {
                invalid("VP JWT vp.verifiableCredential: a jwt_vc_json credential is a compact VC-JWT string")
            })
        })
        .collect()
}

/// The credential of a VC-JWT payload: the payload itself (VC-JOSE `vc+jwt`) or its `vc` claim
/// (VC Data Model 1.1 JWTs); `None` when the JWT cannot be decoded.
pub fn credential_of(vc_jwt: &str) -> Option<Value> {
    let payload = jose::decode_compact(vc_jwt.trim())
        .ok()?
        .payload_json()
        .ok()?;
    Some(match payload.get("vc") {
        Some(vc @ Value::Object(_)) => vc.clone(),
        _ => Value::Object(payload),
    })
}

/// Whether the VP's signer is the subject of `credential` (`credentialSubject.id`, every one of
/// an array, or the JWT `sub`): a did:jwk / did:key of the holder key. The error names the rule.
pub fn holder_bound(credential: &Value, vp: &JwtVp) -> Result<(), String> {
    let subjects: Vec<Option<&str>> = match credential.get("credentialSubject") {
        Some(Value::Array(a)) => a
            .iter()
            .map(|s| s.get("id").and_then(Value::as_str))
            .collect(),
        Some(s) => vec![s.get("id").and_then(Value::as_str)],
        None => vec![credential.get("sub").and_then(Value::as_str)],
    };
    if subjects.is_empty() {
        return Err("credentialSubject: empty, the credential names no holder".into());
    }
    for id in subjects {
        if !names_key(id, &vp.holder_key) {
            return Err(format!(
                "credentialSubject.id {}: not the holder {} who signed the VP JWT (the credential is bound to its holder's DID)",
                id.unwrap_or("(missing)"),
                vp.holder
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)] // tests: a failure is the assertion

    use super::*;
    use chrono::{DateTime, TimeZone, Utc};
    use proofs::signer::Ed25519Signer;
    use proofs::Signer as _;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap()
    }

    fn key() -> Ed25519Signer {
        Ed25519Signer::from_secret_bytes("h", &[7u8; 32])
    }

    fn did() -> String {
        did_jwk_from_public_key(&key().public_key()).unwrap()
    }

    /// A VP JWT by [`key`] with `header` members and `payload` (defaults: nonce `n`, aud `a`,
    /// iat now, one credential) merged with `changes`.
    fn vp(header: Value, changes: Value) -> String {
        let mut payload = json!({"iss": did(), "nonce": "n", "aud": "a", "iat": now().timestamp(),
            "vp": {"type": ["VerifiablePresentation"], "verifiableCredential": ["x.y.z"]}});
        for (k, v) in changes.as_object().unwrap() {
            payload[k] = v.clone();
        }
        let header = header.as_object().unwrap().clone();
        jose::sign_compact(header, payload.to_string().as_bytes(), &key()).unwrap()
    }

    fn check(jwt: &str) -> Result<JwtVp, &'static str> {
        verify_jwt_vp(jwt, &KeyBindingRules::required("n", "a", now())).map_err(|p| p.code)
    }

    #[test]
    fn a_kid_or_a_jwk_names_the_holder() {
        let kid = json!({"kid": format!("{}#0", did())});
        let ok = check(&vp(kid.clone(), json!({}))).unwrap();
        assert_eq!(
            (ok.holder.as_str(), ok.credentials.len()),
            (did().as_str(), 1)
        );
        let jwk = jose::public_key_to_jwk(&key().public_key()).unwrap();
        let ok = check(&vp(json!({"jwk": jwk}), json!({"aud": ["b", "a"]}))).unwrap();
        assert_eq!(ok.holder, did());
        assert_eq!(
            check(&vp(json!({}), json!({}))).unwrap_err(),
            "unresolved-key"
        );
        let other = Ed25519Signer::from_secret_bytes("o", &[8u8; 32]);
        let other = did_jwk_from_public_key(&other.public_key()).unwrap();
        let wrong = json!({"kid": format!("{other}#0")});
        assert_eq!(check(&vp(wrong, json!({}))).unwrap_err(), "bad-signature");
        let iss = json!({"iss": other});
        assert_eq!(check(&vp(kid, iss)).unwrap_err(), "holder-mismatch");
    }

    #[test]
    fn nonce_aud_times_and_credentials_are_checked() {
        let kid = json!({"kid": format!("{}#0", did())});
        let t = now().timestamp();
        for (changes, code) in [
            (json!({"nonce": "m"}), "wrong-nonce"),
            (json!({"nonce": null}), "wrong-nonce"),
            (json!({"aud": ["b"]}), "wrong-audience"),
            (json!({"iat": t - 301}), "invalid-presentation"),
            (json!({"iat": t + 61}), "invalid-presentation"),
            (json!({"iat": "now"}), "invalid-presentation"),
            (json!({"exp": t - 61}), "invalid-presentation"),
            (json!({"nbf": t + 61}), "invalid-presentation"),
            (
                json!({"vp": {"verifiableCredential": []}}),
                "invalid-presentation",
            ),
            (
                json!({"vp": {"verifiableCredential": [{"a": 1}]}}),
                "invalid-presentation",
            ),
        ] {
            let got = check(&vp(kid.clone(), changes.clone()));
            assert_eq!(got.unwrap_err(), code, "{changes}");
        }
        let ok = json!({"iat": t - 299, "exp": t + 10, "nbf": t});
        assert!(check(&vp(kid, ok)).is_ok());
    }

    #[test]
    fn the_credential_subject_must_be_the_holder() {
        let kid = json!({"kid": format!("{}#0", did())});
        let vp = check(&vp(kid, json!({}))).unwrap();
        let mine = json!({"credentialSubject": {"id": did()}});
        assert!(holder_bound(&mine, &vp).is_ok());
        let v11 = json!({"sub": did()});
        assert!(holder_bound(&v11, &vp).is_ok());
        for other in [
            json!({"credentialSubject": {"id": "did:example:someone"}}),
            json!({"credentialSubject": {}}),
            json!({"credentialSubject": []}),
        ] {
            assert!(holder_bound(&other, &vp).is_err(), "{other}");
        }
    }
}
