//! JWE (RFC 7516) decryption of `direct_post.jwt` responses: ECDH-ES (RFC 7518 §4.6) with P-256 and A128GCM/A256GCM, as HAIP asks.
//!
//! OpenID4VP 1.0 §8.3: the wallet encrypts the Authorization Response (a JSON object with
//! `vp_token` and `state`) to the verifier's ephemeral key of the request (`client_metadata.jwks`)
//! and posts it as `response`. Only the compact serialization (RFC 7516 §7.1) with direct key
//! agreement is accepted: `alg` `ECDH-ES` (the Concat KDF of NIST SP 800-56A, RFC 7518 §4.6.2,
//! with SHA-256), `enc` `A128GCM` or `A256GCM` (RFC 7518 §5.3), an `epk` on P-256, an empty
//! encrypted key, no `zip`. The additional authenticated data is the protected header as sent
//! (RFC 7516 §5.2 step 14).
//!
//! [`encrypt`] is the wallet's side (same KDF), for interoperability tests and tools.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use p256::elliptic_curve::sec1::{FromEncodedPoint as _, ToEncodedPoint as _};
use ring::aead;
use serde_json::{json, Map, Value};
use sha2::{Digest as _, Sha256};

/// The largest JWE this module reads (a response holds a few credentials).
pub const MAX_JWE_BYTES: usize = 4 * 1024 * 1024;

/// Why an encrypted response could not be decrypted; each names the field and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JweError {
    /// Not a compact JWE of five base64url parts.
    #[error("the response is not a compact JWE (RFC 7516 §7.1): {0}")]
    Malformed(String),
    /// A header member is missing or not what this verifier accepts.
    #[error("JWE header {field}: {rule}")]
    Header {
        /// The header member.
        field: &'static str,
        /// What was wrong.
        rule: String,
    },
    /// The authentication tag did not verify (wrong key, or the JWE was altered).
    #[error("the JWE does not decrypt with this request's key: the authentication tag does not verify (wrong key or altered ciphertext)")]
    Decrypt,
    /// The plaintext is not a JSON object.
    #[error("the decrypted response is not a JSON object: {0}")]
    Payload(String),
}

/// The content encryption algorithms accepted (`enc`), with their key length in bytes.
fn enc_algorithm(enc: &str) -> Option<(&'static aead::Algorithm, usize)> {
    match enc {
        "A128GCM" => Some((&aead::AES_128_GCM, 16)),
        "A256GCM" => Some((&aead::AES_256_GCM, 32)),
        _ => None,
    }
}

fn b64(part: &str, field: &'static str) -> Result<Vec<u8>, JweError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| JweError::Malformed(format!("the {field} is not base64url without padding")))
}

fn header_err(field: &'static str, rule: impl Into<String>) -> JweError {
    JweError::Header {
        field,
        rule: rule.into(),
    }
}

/// The Concat KDF of RFC 7518 §4.6.2 (NIST SP 800-56A §5.8.1, SHA-256) for direct key agreement:
/// `AlgorithmID` is the `enc` value, `SuppPubInfo` the key length in bits.
fn concat_kdf(z: &[u8], enc: &str, apu: &[u8], apv: &[u8], key_len: usize) -> Vec<u8> {
    let len32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX).to_be_bytes();
    let mut other = Vec::new();
    for part in [enc.as_bytes(), apu, apv] {
        other.extend_from_slice(&len32(part.len()));
        other.extend_from_slice(part);
    }
    other.extend_from_slice(&len32(key_len.saturating_mul(8)));
    let mut out = Vec::with_capacity(key_len);
    let mut counter: u32 = 1;
    while out.len() < key_len {
        let mut h = Sha256::new();
        h.update(counter.to_be_bytes());
        h.update(z);
        h.update(&other);
        out.extend_from_slice(&h.finalize());
        counter = counter.saturating_add(1);
    }
    out.truncate(key_len);
    out
}

/// The `epk` of the header as a P-256 public key.
fn epk_of(header: &Map<String, Value>) -> Result<p256::PublicKey, JweError> {
    let epk = header
        .get("epk")
        .ok_or_else(|| header_err("epk", "missing: ECDH-ES needs the sender's ephemeral key"))?;
    match (
        epk.get("kty").and_then(Value::as_str),
        epk.get("crv").and_then(Value::as_str),
    ) {
        (Some("EC"), Some("P-256")) => {}
        (kty, crv) => {
            return Err(header_err(
                "epk",
                format!("kty {kty:?} crv {crv:?}: only EC keys on P-256 are accepted"),
            ))
        }
    }
    let coord = |name: &'static str| -> Result<[u8; 32], JweError> {
        let s = epk
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| header_err("epk", format!("member {name:?} is missing")))?;
        let bytes = b64(s, "epk coordinate")?;
        <[u8; 32]>::try_from(bytes.as_slice())
            .map_err(|_| header_err("epk", format!("member {name:?} is not 32 bytes")))
    };
    let (x, y) = (coord("x")?, coord("y")?);
    let point = p256::EncodedPoint::from_affine_coordinates(&x.into(), &y.into(), false);
    Option::<p256::PublicKey>::from(p256::PublicKey::from_encoded_point(&point))
        .ok_or_else(|| header_err("epk", "the point is not on P-256"))
}

/// An optional base64url header member (`apu`, `apv`), decoded.
fn party_info(header: &Map<String, Value>, field: &'static str) -> Result<Vec<u8>, JweError> {
    match header.get(field) {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => b64(s, field),
        Some(_) => Err(header_err(field, "not a base64url string")),
    }
}

/// The content encryption key of a header: checks `alg`, `enc`, `zip`, `crit`, then ECDH with
/// `key` and the Concat KDF.
fn content_key(
    header: &Map<String, Value>,
    key: &p256::SecretKey,
) -> Result<(&'static aead::Algorithm, Vec<u8>), JweError> {
    match header.get("alg").and_then(Value::as_str) {
        Some("ECDH-ES") => {}
        other => {
            return Err(header_err(
                "alg",
                format!(
                    "{other:?}: only ECDH-ES (direct key agreement, RFC 7518 §4.6) is accepted"
                ),
            ))
        }
    }
    let enc = header
        .get("enc")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (algorithm, key_len) = enc_algorithm(enc).ok_or_else(|| {
        header_err(
            "enc",
            format!("{enc:?}: only A128GCM and A256GCM are accepted"),
        )
    })?;
    if header.contains_key("zip") {
        return Err(header_err("zip", "compressed responses are not accepted"));
    }
    if header.contains_key("crit") {
        return Err(header_err("crit", "no critical extension is understood"));
    }
    let epk = epk_of(header)?;
    let shared = p256::ecdh::diffie_hellman(key.to_nonzero_scalar(), epk.as_affine());
    let apu = party_info(header, "apu")?;
    let apv = party_info(header, "apv")?;
    let cek = concat_kdf(
        shared.raw_secret_bytes().as_slice(),
        enc,
        &apu,
        &apv,
        key_len,
    );
    Ok((algorithm, cek))
}

/// A decrypted JWE.
#[derive(Debug, Clone, PartialEq)]
pub struct Decrypted {
    /// The protected header.
    pub header: Map<String, Value>,
    /// The plaintext as a JSON object (the Authorization Response parameters).
    pub payload: Map<String, Value>,
}

/// Decrypts a compact JWE (ECDH-ES, P-256, A128GCM/A256GCM) with the request's private key, and
/// reads its plaintext as a JSON object.
pub fn decrypt(jwe: &str, key: &p256::SecretKey) -> Result<Decrypted, JweError> {
    let jwe = jwe.trim();
    if jwe.len() > MAX_JWE_BYTES {
        return Err(JweError::Malformed(format!(
            "{} bytes, more than the {MAX_JWE_BYTES} accepted",
            jwe.len()
        )));
    }
    let parts: Vec<&str> = jwe.split('.').collect();
    let [protected, encrypted_key, iv, ciphertext, tag] = parts.as_slice() else {
        return Err(JweError::Malformed(format!(
            "{} dot-separated parts, expected 5",
            parts.len()
        )));
    };
    let header: Map<String, Value> = serde_json::from_slice(&b64(protected, "protected header")?)
        .map_err(|e| {
        JweError::Malformed(format!("the protected header is not a JSON object: {e}"))
    })?;
    let (algorithm, cek) = content_key(&header, key)?;
    if !encrypted_key.is_empty() {
        return Err(header_err(
            "alg",
            "ECDH-ES is direct key agreement: the JWE Encrypted Key must be empty",
        ));
    }
    let iv = b64(iv, "initialization vector")?;
    let nonce = aead::Nonce::try_assume_unique_for_key(&iv)
        .map_err(|_| JweError::Malformed("the initialization vector is not 96 bits".into()))?;
    let mut in_out = b64(ciphertext, "ciphertext")?;
    let tag = b64(tag, "authentication tag")?;
    if tag.len() != algorithm.tag_len() {
        return Err(JweError::Malformed(
            "the authentication tag is not 128 bits".into(),
        ));
    }
    in_out.extend_from_slice(&tag);
    let unbound = aead::UnboundKey::new(algorithm, &cek).map_err(|_| JweError::Decrypt)?;
    let plain = aead::LessSafeKey::new(unbound)
        .open_in_place(nonce, aead::Aad::from(protected.as_bytes()), &mut in_out)
        .map_err(|_| JweError::Decrypt)?;
    let payload: Map<String, Value> =
        serde_json::from_slice(plain).map_err(|e| JweError::Payload(e.to_string()))?;
    Ok(Decrypted { header, payload })
}

/// The public JWK of `key` (`kty` EC, `crv` P-256, `x`, `y`), for `client_metadata.jwks`.
pub fn public_jwk(key: &p256::PublicKey) -> Map<String, Value> {
    let point = key.to_encoded_point(false);
    let coord = |c: Option<&p256::FieldBytes>| {
        Value::String(URL_SAFE_NO_PAD.encode(c.map(|b| b.as_slice()).unwrap_or_default()))
    };
    let mut jwk = Map::new();
    jwk.insert("kty".into(), json!("EC"));
    jwk.insert("crv".into(), json!("P-256"));
    jwk.insert("x".into(), coord(point.x()));
    jwk.insert("y".into(), coord(point.y()));
    jwk
}

/// Encrypts `payload` to `recipient` (the wallet's side of §8.3): ECDH-ES with a fresh ephemeral
/// key, `enc` A128GCM or A256GCM, `kid` copied into the header when given.
pub fn encrypt(
    payload: &Value,
    recipient: &p256::PublicKey,
    enc: &str,
    kid: Option<&str>,
) -> Result<String, JweError> {
    let (algorithm, key_len) = enc_algorithm(enc)
        .ok_or_else(|| header_err("enc", format!("{enc:?}: only A128GCM and A256GCM")))?;
    let ephemeral = p256::SecretKey::random(&mut rand_core::OsRng);
    let mut header = Map::new();
    header.insert("alg".into(), json!("ECDH-ES"));
    header.insert("enc".into(), json!(enc));
    header.insert(
        "epk".into(),
        Value::Object(public_jwk(&ephemeral.public_key())),
    );
    if let Some(kid) = kid {
        header.insert("kid".into(), json!(kid));
    }
    let shared = p256::ecdh::diffie_hellman(ephemeral.to_nonzero_scalar(), recipient.as_affine());
    let cek = concat_kdf(shared.raw_secret_bytes().as_slice(), enc, &[], &[], key_len);
    let protected = URL_SAFE_NO_PAD.encode(Value::Object(header).to_string());
    let mut iv = [0u8; 12];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut iv);
    let unbound = aead::UnboundKey::new(algorithm, &cek).map_err(|_| JweError::Decrypt)?;
    let mut in_out = payload.to_string().into_bytes();
    let tag = aead::LessSafeKey::new(unbound)
        .seal_in_place_separate_tag(
            aead::Nonce::assume_unique_for_key(iv),
            aead::Aad::from(protected.as_bytes()),
            &mut in_out,
        )
        .map_err(|_| JweError::Decrypt)?;
    Ok(format!(
        "{protected}..{}.{}.{}",
        URL_SAFE_NO_PAD.encode(iv),
        URL_SAFE_NO_PAD.encode(&in_out),
        URL_SAFE_NO_PAD.encode(tag.as_ref())
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)] // tests: a failure is the assertion

    use super::*;

    fn key() -> p256::SecretKey {
        p256::SecretKey::random(&mut rand_core::OsRng)
    }

    #[test]
    fn round_trip_both_encodings() {
        let k = key();
        let payload = json!({"vp_token": {"q": ["x~y~"]}, "state": "s"});
        for enc in ["A128GCM", "A256GCM"] {
            let jwe = encrypt(&payload, &k.public_key(), enc, Some("k1")).unwrap();
            let d = decrypt(&jwe, &k).unwrap();
            assert_eq!(Value::Object(d.payload), payload);
            assert_eq!(d.header["kid"], "k1");
        }
    }

    #[test]
    fn wrong_key_and_tampering_are_refused() {
        let k = key();
        let jwe = encrypt(&json!({"a": 1}), &k.public_key(), "A128GCM", None).unwrap();
        assert_eq!(decrypt(&jwe, &key()), Err(JweError::Decrypt));
        let mut parts: Vec<String> = jwe.split('.').map(str::to_owned).collect();
        let mut ct = URL_SAFE_NO_PAD.decode(&parts[3]).unwrap();
        ct[0] ^= 1;
        parts[3] = URL_SAFE_NO_PAD.encode(ct);
        assert_eq!(decrypt(&parts.join("."), &k), Err(JweError::Decrypt));
    }

    #[test]
    fn header_rules_name_the_field() {
        let k = key();
        let h = URL_SAFE_NO_PAD.encode(r#"{"alg":"RSA-OAEP","enc":"A128GCM"}"#);
        let e = decrypt(
            &format!("{h}..AAAAAAAAAAAAAAAA.AA.AAAAAAAAAAAAAAAAAAAAAA"),
            &k,
        );
        assert!(
            matches!(e, Err(JweError::Header { field: "alg", .. })),
            "{e:?}"
        );
        let h = URL_SAFE_NO_PAD.encode(r#"{"alg":"ECDH-ES","enc":"A192CBC"}"#);
        let e = decrypt(&format!("{h}..AA.AA.AA"), &k);
        assert!(
            matches!(e, Err(JweError::Header { field: "enc", .. })),
            "{e:?}"
        );
        assert!(matches!(decrypt("a.b.c", &k), Err(JweError::Malformed(_))));
    }

    /// A JWE of the `jose` npm library (v6.2.19, `CompactEncrypt`, ECDH-ES, A128GCM and A256GCM, kid
    /// `k1`) to a P-256 key it generated (private scalar `d` below, test only): an independent
    /// implementation's output decrypts.
    #[test]
    fn decrypts_what_the_jose_library_encrypted() {
        let d = URL_SAFE_NO_PAD
            .decode("EBUxvBJ70B0FdWrV81_If-OPtD8qEDH7An_5iqKyy1c")
            .unwrap();
        let key = p256::SecretKey::from_slice(&d).unwrap();
        for jwe in [
            "eyJhbGciOiJFQ0RILUVTIiwiZW5jIjoiQTEyOEdDTSIsImtpZCI6ImsxIiwiZXBrIjp7IngiOiI1b0V4elB6dGl3U2xHUFVJRi0wS3lwZGhQVGI1ZEtfbGtja3lzSFJPN1IwIiwiY3J2IjoiUC0yNTYiLCJrdHkiOiJFQyIsInkiOiJIR3N3UWp0bnJmQmVweDI3WGJiU3VYbERQMG13dHpMN09JandfQUl3emNvIn19..NkG7lkxjxqERWJNd.N2iGFVugOLPEgomldj38LFB0RDygshOakmTZuMsIBlmStcm37V2tag.eQkB0umVSqV3hay0kMHvPg",
            "eyJhbGciOiJFQ0RILUVTIiwiZW5jIjoiQTI1NkdDTSIsImtpZCI6ImsxIiwiZXBrIjp7IngiOiItOFB5OENIUDNRMDJTRXFpdXUyQ0lyVldQd2p2VThocGtkMDl1MUtKeUM0IiwiY3J2IjoiUC0yNTYiLCJrdHkiOiJFQyIsInkiOiJYSm1UUTFpMnJxTENkZk1lNlhtci1LYzBORkNmVlI2ZTlhQ09sTFdVQU44In19..51oHOPIUbDpVFftw.WMXNcuyMSTEOO-4ArZKo6fLZ-swNSGSTnQkQg_E9zB6tjeiuLdrOOA.uLJc-YVeOILd87yxAYnhlg",
        ] {
            let got = decrypt(jwe, &key).unwrap();
            assert_eq!(
                Value::Object(got.payload),
                json!({"vp_token": {"q": ["a~b~"]}, "state": "s1"})
            );
            assert_eq!(got.header["kid"], "k1");
        }
    }

    /// RFC 7518 Appendix C: the Concat KDF example (ECDH-ES, A128GCM, apu "Alice", apv "Bob").
    #[test]
    fn concat_kdf_matches_rfc7518_appendix_c() {
        let z = [
            158, 86, 217, 29, 129, 113, 53, 211, 114, 131, 66, 131, 191, 132, 38, 156, 251, 49,
            110, 163, 218, 128, 106, 72, 246, 218, 167, 121, 140, 254, 144, 196,
        ];
        let cek = concat_kdf(&z, "A128GCM", b"Alice", b"Bob", 16);
        assert_eq!(URL_SAFE_NO_PAD.encode(cek), "VqqN6vgjbSBcIijNcacQGg");
    }
}
