//! Compact JWS (RFC 7515 §7.1) and JWK (RFC 7517, RFC 7518 §6, RFC 8037 §2; thumbprints RFC 7638)
//! over the project's [`PublicKey`]s and [`Signer`]s: one implementation for the JWTs of issue #16
//! (DPoP proofs, OpenID4VCI proofs of possession, SD-JWT and Key Binding JWTs, status list tokens)
//! and for `did:jwk` ([`crate::did`]).
//!
//! Decoding is strict: exactly three base64url parts without padding, a header that is a JSON object
//! without duplicate members (RFC 7515 §4: "MUST reject"), `alg` one of ours (never `none`), and no
//! `crit` (RFC 7515 §4.1.11: we understand no extension, so a critical one must be refused). A JWK with
//! a private member (`d`, RSA CRT values, a symmetric `k`) is refused, so a key that was meant to be
//! public never carries its secret through this code. `vc_jwt` and `jades` keep their own encoders
//! (their headers and payload rules differ) and share [`crate::keys`] with this module.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use p256::elliptic_curve::sec1::{FromEncodedPoint as _, ToEncodedPoint as _};
use rsa::traits::PublicKeyParts as _;
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use crate::keys::{Algorithm, PublicKey, SignatureError};
use crate::signer::{SignError, Signer};

/// Members of a JWK that only a private (or symmetric) key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// Why a JWS or JWK was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JoseError {
    /// Not a compact JWS: the parts, their base64url or their JSON.
    #[error("malformed compact JWS: {0}")]
    Malformed(String),
    /// A header member is missing or wrong.
    #[error("JWS header member {member:?}: {reason}")]
    Header {
        /// The member.
        member: &'static str,
        /// The rule it breaks.
        reason: String,
    },
    /// `alg: none` (RFC 8725 §3.1: never accepted).
    #[error("alg \"none\" is not allowed")]
    AlgNone,
    /// An algorithm this project does not accept.
    #[error("algorithm {0:?} is not supported (EdDSA, ES256, PS256, RS256)")]
    UnsupportedAlgorithm(String),
    /// The JWK is malformed or of an unsupported type.
    #[error("JWK: {0}")]
    Jwk(String),
    /// The JWK carries private key material.
    #[error("JWK has the private member {0:?}: only public keys are accepted")]
    PrivateJwk(String),
    /// The signature does not verify (or does not fit the key).
    #[error("JWS signature: {0}")]
    Signature(#[from] SignatureError),
    /// Signing failed.
    #[error(transparent)]
    Sign(#[from] SignError),
}

/// A decoded, not yet verified compact JWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompactJws {
    /// The protected header.
    pub header: Map<String, Value>,
    /// The payload bytes.
    pub payload: Vec<u8>,
    /// The signature bytes (ES256: raw `r ‖ s`).
    pub signature: Vec<u8>,
    /// `BASE64URL(header) . BASE64URL(payload)`: what the signature covers.
    signing_input: String,
}

impl CompactJws {
    /// The header's `alg`: one of ours, never `none`.
    pub fn algorithm(&self) -> Result<Algorithm, JoseError> {
        let alg = self
            .header
            .get("alg")
            .and_then(Value::as_str)
            .ok_or_else(|| JoseError::Header {
                member: "alg",
                reason: "missing or not a string".into(),
            })?;
        if alg.eq_ignore_ascii_case("none") {
            return Err(JoseError::AlgNone);
        }
        Algorithm::from_jose_name(alg).ok_or_else(|| JoseError::UnsupportedAlgorithm(alg.into()))
    }

    /// The header's `typ`, if any.
    pub fn typ(&self) -> Option<&str> {
        self.header.get("typ").and_then(Value::as_str)
    }

    /// Checks the signature with `key` (the algorithm is the header's and must fit the key).
    pub fn verify(&self, key: &PublicKey) -> Result<(), JoseError> {
        let alg = self.algorithm()?;
        key.verify(alg, self.signing_input.as_bytes(), &self.signature)?;
        Ok(())
    }

    /// The payload as a JSON object (strict: duplicate member names are refused).
    pub fn payload_json(&self) -> Result<Map<String, Value>, JoseError> {
        match strict_json::from_slice(&self.payload) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err(JoseError::Malformed(
                "the payload is not a JSON object".into(),
            )),
            Err(e) => Err(JoseError::Malformed(format!(
                "the payload is not strict JSON: {e}"
            ))),
        }
    }

    /// The bytes the signature covers.
    pub fn signing_input(&self) -> &[u8] {
        self.signing_input.as_bytes()
    }
}

/// Signs `payload` as a compact JWS with `header` (its `alg` is set to the signer's).
pub fn sign_compact(
    mut header: Map<String, Value>,
    payload: &[u8],
    signer: &dyn Signer,
) -> Result<String, JoseError> {
    header.insert(
        "alg".into(),
        Value::String(signer.algorithm().jose_name().into()),
    );
    let mut jws = URL_SAFE_NO_PAD.encode(Value::Object(header).to_string());
    jws.push('.');
    jws.push_str(&URL_SAFE_NO_PAD.encode(payload));
    let signature = signer.sign(jws.as_bytes())?;
    jws.push('.');
    jws.push_str(&URL_SAFE_NO_PAD.encode(signature));
    Ok(jws)
}

/// Decodes a compact JWS without verifying it.
pub fn decode_compact(jws: &str) -> Result<CompactJws, JoseError> {
    let malformed = |s: &str| JoseError::Malformed(s.to_string());
    let mut parts = jws.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("expected three '.'-separated parts"));
    };
    let decode = |part: &str, what: &str| {
        URL_SAFE_NO_PAD.decode(part).map_err(|_| {
            JoseError::Malformed(format!("the {what} is not base64url without padding"))
        })
    };
    let header_bytes = decode(h, "header")?;
    let header = match strict_json::from_slice(&header_bytes) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err(malformed("the header is not a JSON object")),
        Err(e) => {
            return Err(JoseError::Malformed(format!(
                "the header is not strict JSON: {e}"
            )))
        }
    };
    if header.contains_key("crit") {
        return Err(JoseError::Header {
            member: "crit",
            reason: "no critical extension is supported (RFC 7515 §4.1.11)".into(),
        });
    }
    let jws = CompactJws {
        header,
        payload: decode(p, "payload")?,
        signature: decode(s, "signature")?,
        signing_input: format!("{h}.{p}"),
    };
    jws.algorithm()?;
    Ok(jws)
}

/// The DER certificates of the header's `x5c` (RFC 7515 §4.1.6: standard base64, not base64url),
/// leaf first. An empty list when there is no `x5c`.
pub fn x5c_chain(header: &Map<String, Value>) -> Result<Vec<Vec<u8>>, JoseError> {
    let Some(x5c) = header.get("x5c") else {
        return Ok(Vec::new());
    };
    let bad = |reason: &str| JoseError::Header {
        member: "x5c",
        reason: reason.into(),
    };
    let items = x5c
        .as_array()
        .filter(|a| !a.is_empty())
        .ok_or_else(|| bad("must be a non-empty array of base64 DER certificates"))?;
    items
        .iter()
        .map(|item| {
            let s = item
                .as_str()
                .ok_or_else(|| bad("an item is not a string"))?;
            STANDARD
                .decode(s)
                .map_err(|_| bad("an item is not standard base64 (RFC 7515 §4.1.6)"))
        })
        .collect()
}

/// The `x5c` header value of DER certificates (standard base64, leaf first).
pub fn x5c_value(chain_der: &[Vec<u8>]) -> Value {
    Value::Array(
        chain_der
            .iter()
            .map(|der| Value::String(STANDARD.encode(der)))
            .collect(),
    )
}

/// The public JWK of `key`: OKP/Ed25519 (RFC 8037), EC/P-256 or RSA (RFC 7518 §6).
pub fn public_key_to_jwk(key: &PublicKey) -> Result<Map<String, Value>, JoseError> {
    let b64 = |bytes: &[u8]| Value::String(URL_SAFE_NO_PAD.encode(bytes));
    let mut jwk = Map::new();
    match key {
        PublicKey::Ed25519(k) => {
            jwk.insert("kty".into(), "OKP".into());
            jwk.insert("crv".into(), "Ed25519".into());
            jwk.insert("x".into(), b64(k.as_bytes()));
        }
        PublicKey::P256(k) => {
            let point = k.to_encoded_point(false);
            let (Some(x), Some(y)) = (point.x(), point.y()) else {
                return Err(JoseError::Jwk("the P-256 key is the identity point".into()));
            };
            jwk.insert("kty".into(), "EC".into());
            jwk.insert("crv".into(), "P-256".into());
            jwk.insert("x".into(), b64(x));
            jwk.insert("y".into(), b64(y));
        }
        PublicKey::Rsa(k) => {
            jwk.insert("kty".into(), "RSA".into());
            jwk.insert("n".into(), b64(&k.n().to_bytes_be()));
            jwk.insert("e".into(), b64(&k.e().to_bytes_be()));
        }
    }
    Ok(jwk)
}

fn jwk_member<'a>(jwk: &'a Map<String, Value>, name: &str) -> Result<&'a str, JoseError> {
    jwk.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| JoseError::Jwk(format!("member {name:?} is missing or not a string")))
}

fn jwk_bytes(jwk: &Map<String, Value>, name: &str) -> Result<Vec<u8>, JoseError> {
    URL_SAFE_NO_PAD
        .decode(jwk_member(jwk, name)?)
        .map_err(|_| JoseError::Jwk(format!("member {name:?} is not base64url without padding")))
}

fn fixed<const N: usize>(bytes: Vec<u8>, name: &str) -> Result<[u8; N], JoseError> {
    let len = bytes.len();
    bytes
        .try_into()
        .map_err(|_| JoseError::Jwk(format!("member {name:?} has {len} bytes, expected {N}")))
}

/// The key of a public JWK (OKP/Ed25519, EC/P-256, RSA ≥ 2048 bits). Refuses private members.
pub fn public_key_from_jwk(jwk: &Value) -> Result<PublicKey, JoseError> {
    let jwk = jwk
        .as_object()
        .ok_or_else(|| JoseError::Jwk("not a JSON object".into()))?;
    if let Some(private) = PRIVATE_MEMBERS.iter().find(|m| jwk.contains_key(**m)) {
        return Err(JoseError::PrivateJwk((*private).to_string()));
    }
    let invalid = |what: &str| JoseError::Jwk(format!("not a valid {what} key"));
    match (
        jwk_member(jwk, "kty")?,
        jwk.get("crv").and_then(Value::as_str),
    ) {
        ("OKP", Some("Ed25519")) => {
            let x = fixed::<32>(jwk_bytes(jwk, "x")?, "x")?;
            ed25519_dalek::VerifyingKey::from_bytes(&x)
                .map(PublicKey::Ed25519)
                .map_err(|_| invalid("Ed25519"))
        }
        ("EC", Some("P-256")) => {
            let x = fixed::<32>(jwk_bytes(jwk, "x")?, "x")?;
            let y = fixed::<32>(jwk_bytes(jwk, "y")?, "y")?;
            let point = p256::EncodedPoint::from_affine_coordinates(&x.into(), &y.into(), false);
            Option::<p256::PublicKey>::from(p256::PublicKey::from_encoded_point(&point))
                .map(PublicKey::P256)
                .ok_or_else(|| invalid("P-256 (the point is not on the curve)"))
        }
        ("RSA", _) => {
            let n = rsa::BigUint::from_bytes_be(&jwk_bytes(jwk, "n")?);
            let e = rsa::BigUint::from_bytes_be(&jwk_bytes(jwk, "e")?);
            if n.bits() < 2048 {
                return Err(JoseError::Jwk(format!(
                    "RSA modulus of {} bits: at least 2048 are required",
                    n.bits()
                )));
            }
            rsa::RsaPublicKey::new(n, e)
                .map(PublicKey::Rsa)
                .map_err(|_| invalid("RSA"))
        }
        (kty, crv) => Err(JoseError::Jwk(format!(
            "kty {kty:?} with crv {crv:?} is not supported (OKP/Ed25519, EC/P-256, RSA)"
        ))),
    }
}

/// The RFC 7638 thumbprint of a public JWK: base64url(SHA-256 of its required members, in
/// lexicographic order, without white space).
pub fn jwk_thumbprint(jwk: &Value) -> Result<String, JoseError> {
    let map = jwk
        .as_object()
        .ok_or_else(|| JoseError::Jwk("not a JSON object".into()))?;
    let required: &[&str] = match jwk_member(map, "kty")? {
        "OKP" => &["crv", "kty", "x"],
        "EC" => &["crv", "kty", "x", "y"],
        "RSA" => &["e", "kty", "n"],
        kty => return Err(JoseError::Jwk(format!("kty {kty:?} is not supported"))),
    };
    let mut canonical = Map::new();
    for name in required {
        canonical.insert(
            (*name).to_string(),
            Value::String(jwk_member(map, name)?.into()),
        );
    }
    // serde_json keeps insertion order (preserve_order), which is the lexicographic order above.
    let json = Value::Object(canonical).to_string();
    Ok(URL_SAFE_NO_PAD.encode(Sha256::digest(json.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signer::{Ed25519Signer, P256Signer};
    use serde_json::json;

    /// RFC 7638 §3.1: the thumbprint of the RFC 7517 Appendix A.1 RSA key.
    #[test]
    fn rfc7638_thumbprint_example() {
        let jwk = json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        });
        assert_eq!(
            jwk_thumbprint(&jwk).unwrap(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
        // The key itself parses (2048-bit RSA) and round-trips to the same members.
        let key = public_key_from_jwk(&jwk).unwrap();
        let back = public_key_to_jwk(&key).unwrap();
        assert_eq!(back.get("n"), jwk.get("n"));
        assert_eq!(back.get("e"), jwk.get("e"));
    }

    /// RFC 8037 Appendix A.2/A.3: the Ed25519 public key and its thumbprint.
    #[test]
    fn rfc8037_ed25519_thumbprint() {
        let jwk =
            json!({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"});
        assert_eq!(
            jwk_thumbprint(&jwk).unwrap(),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
        assert!(public_key_from_jwk(&jwk).is_ok());
    }

    /// RFC 8037 Appendix A.4: signing "Example of Ed25519 signing" with the Appendix A.1 key gives
    /// the published compact JWS byte for byte (Ed25519 is deterministic).
    #[test]
    fn rfc8037_ed25519_jws_vector() {
        let secret: [u8; 32] = URL_SAFE_NO_PAD
            .decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")
            .unwrap()
            .try_into()
            .unwrap();
        let signer = Ed25519Signer::from_secret_bytes("k", &secret);
        let mut header = Map::new();
        header.insert("alg".into(), "EdDSA".into());
        let jws = sign_compact(header, b"Example of Ed25519 signing", &signer).unwrap();
        assert_eq!(
            jws,
            "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
        );
        let decoded = decode_compact(&jws).unwrap();
        decoded.verify(&signer.public_key()).unwrap();
        assert_eq!(decoded.payload, b"Example of Ed25519 signing");
    }

    #[test]
    fn p256_round_trip_and_tampering() {
        let key = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
        let signer = P256Signer::new("k", key);
        let jwk = Value::Object(public_key_to_jwk(&signer.public_key()).unwrap());
        assert_eq!(public_key_from_jwk(&jwk).unwrap(), signer.public_key());
        let mut header = Map::new();
        header.insert("typ".into(), "dpop+jwt".into());
        header.insert("jwk".into(), jwk.clone());
        let jws = sign_compact(header, br#"{"htm":"POST"}"#, &signer).unwrap();
        let decoded = decode_compact(&jws).unwrap();
        assert_eq!(decoded.algorithm().unwrap(), Algorithm::Es256);
        assert_eq!(decoded.typ(), Some("dpop+jwt"));
        decoded.verify(&signer.public_key()).unwrap();
        assert_eq!(decoded.payload_json().unwrap()["htm"], "POST");
        // Another payload under the same signature fails.
        let mut parts: Vec<&str> = jws.split('.').collect();
        let other = URL_SAFE_NO_PAD.encode(br#"{"htm":"GET"}"#);
        parts[1] = &other;
        let forged = decode_compact(&parts.join(".")).unwrap();
        assert!(matches!(
            forged.verify(&signer.public_key()),
            Err(JoseError::Signature(_))
        ));
        // Another key fails.
        let other_key = P256Signer::new(
            "o",
            p256::ecdsa::SigningKey::from_slice(&[9u8; 32]).unwrap(),
        );
        assert!(decoded.verify(&other_key.public_key()).is_err());
    }

    #[test]
    fn refuses_none_crit_private_and_malformed() {
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode("{}")
        );
        assert_eq!(decode_compact(&none).unwrap_err(), JoseError::AlgNone);
        let crit = format!(
            "{}.{}.AA",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"ES256","crit":["b64"],"b64":false}"#),
            URL_SAFE_NO_PAD.encode("{}")
        );
        assert!(matches!(
            decode_compact(&crit),
            Err(JoseError::Header { member: "crit", .. })
        ));
        let dup = format!(
            "{}.{}.AA",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"ES256","alg":"none"}"#),
            URL_SAFE_NO_PAD.encode("{}")
        );
        assert!(matches!(decode_compact(&dup), Err(JoseError::Malformed(_))));
        assert!(matches!(
            decode_compact("a.b"),
            Err(JoseError::Malformed(_))
        ));
        assert!(matches!(
            decode_compact("a.b.c.d"),
            Err(JoseError::Malformed(_))
        ));
        let hs = format!("{}.e30.AA", URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256"}"#));
        assert_eq!(
            decode_compact(&hs).unwrap_err(),
            JoseError::UnsupportedAlgorithm("HS256".into())
        );
        let private = json!({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"});
        assert_eq!(
            public_key_from_jwk(&private).unwrap_err(),
            JoseError::PrivateJwk("d".into())
        );
        let off_curve = json!({"kty":"EC","crv":"P-256","x":URL_SAFE_NO_PAD.encode([1u8;32]),"y":URL_SAFE_NO_PAD.encode([2u8;32])});
        assert!(matches!(
            public_key_from_jwk(&off_curve),
            Err(JoseError::Jwk(_))
        ));
        let short_rsa = json!({"kty":"RSA","n":URL_SAFE_NO_PAD.encode([0xffu8;128]),"e":"AQAB"});
        assert!(
            matches!(public_key_from_jwk(&short_rsa), Err(JoseError::Jwk(m)) if m.contains("1024 bits"))
        );
    }

    #[test]
    fn x5c_is_standard_base64() {
        let certs = vec![vec![0xfbu8, 0xff, 0x01], vec![0x30, 0x82]];
        let mut header = Map::new();
        header.insert("x5c".into(), x5c_value(&certs));
        assert_eq!(header["x5c"][0], "+/8B");
        assert_eq!(x5c_chain(&header).unwrap(), certs);
        header.insert("x5c".into(), json!(["-_8B"]));
        assert!(x5c_chain(&header).is_err());
        assert!(x5c_chain(&Map::new()).unwrap().is_empty());
    }
}
