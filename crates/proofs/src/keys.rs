//! Public keys, signature algorithms and multibase / Multikey encodings.
//!
//! Implements the key encodings the securing mechanisms share:
//! - W3C Controlled Identifiers 1.0 §2.2.2 "Multikey" and the Multibase / Multicodec drafts:
//!   `publicKeyMultibase` = `z` + base58btc(multicodec varint ‖ key), with `ed25519-pub` (0xed 0x01),
//!   `p256-pub` (0x80 0x24, SEC1 compressed point) and, for the W3C test vectors, `ed25519-priv`
//!   (0x80 0x26) secret keys;
//! - RFC 7518 §3 (JWS algorithms `RS256`, `PS256`, `ES256`) and RFC 8037 §3.1 (`EdDSA` over Ed25519),
//!   including the JOSE raw `r ‖ s` form of ECDSA signatures;
//! - RFC 5280 `SubjectPublicKeyInfo` decoding, used for X.509 seal certificates.

use std::fmt;

use ed25519_dalek::Verifier as _;
use rsa::pkcs1v15;
use rsa::pss;
use sha2::Sha256;
use spki::{DecodePublicKey, EncodePublicKey};

/// Multicodec prefix of an Ed25519 public key (`ed25519-pub`, 0xed as an unsigned varint).
pub const MULTICODEC_ED25519_PUB: [u8; 2] = [0xed, 0x01];
/// Multicodec prefix of an Ed25519 secret key (`ed25519-priv`, 0x1300 as an unsigned varint).
pub const MULTICODEC_ED25519_PRIV: [u8; 2] = [0x80, 0x26];
/// Multicodec prefix of a P-256 public key (`p256-pub`, 0x1200 as an unsigned varint).
pub const MULTICODEC_P256_PUB: [u8; 2] = [0x80, 0x24];

/// A JOSE signature algorithm this crate can produce or check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// Ed25519 (RFC 8037 `EdDSA`); also the primitive of `eddsa-rdfc-2022`.
    EdDsa,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3).
    Rs256,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (RFC 7518 §3.5).
    Ps256,
    /// ECDSA over P-256 with SHA-256, signature as raw `r ‖ s` (RFC 7518 §3.4).
    Es256,
}

impl Algorithm {
    /// The JOSE `alg` name.
    pub fn jose_name(self) -> &'static str {
        match self {
            Algorithm::EdDsa => "EdDSA",
            Algorithm::Rs256 => "RS256",
            Algorithm::Ps256 => "PS256",
            Algorithm::Es256 => "ES256",
        }
    }

    /// Parses a JOSE `alg` name; `None` for anything else (including `none`).
    pub fn from_jose_name(name: &str) -> Option<Self> {
        match name {
            "EdDSA" => Some(Algorithm::EdDsa),
            "RS256" => Some(Algorithm::Rs256),
            "PS256" => Some(Algorithm::Ps256),
            "ES256" => Some(Algorithm::Es256),
            _ => None,
        }
    }

    /// The key type the algorithm needs.
    pub fn key_type(self) -> KeyType {
        match self {
            Algorithm::EdDsa => KeyType::Ed25519,
            Algorithm::Rs256 | Algorithm::Ps256 => KeyType::Rsa,
            Algorithm::Es256 => KeyType::P256,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.jose_name())
    }
}

/// The family of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// Ed25519.
    Ed25519,
    /// RSA (any modulus length the `rsa` crate accepts, 2048 bits or more in practice).
    Rsa,
    /// NIST P-256 / secp256r1.
    P256,
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyType::Ed25519 => "Ed25519",
            KeyType::Rsa => "RSA",
            KeyType::P256 => "P-256",
        })
    }
}

/// A public key of any supported type.
#[derive(Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// Ed25519 verifying key.
    Ed25519(ed25519_dalek::VerifyingKey),
    /// RSA public key.
    Rsa(rsa::RsaPublicKey),
    /// P-256 public key.
    P256(p256::PublicKey),
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PublicKey({}, sha256:{})",
            self.key_type(),
            self.fingerprint()
        )
    }
}

/// Errors about key material and its encodings. Messages never contain key bytes.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    /// Not a multibase base58btc string (`z...`), or not base58.
    #[error("not a multibase base58btc value: {0}")]
    Multibase(String),
    /// The multicodec prefix is not the expected one.
    #[error("unsupported multicodec prefix {prefix} (expected {expected})")]
    Multicodec {
        /// Hex of the first two bytes found.
        prefix: String,
        /// What was expected.
        expected: &'static str,
    },
    /// Wrong byte length for the key type.
    #[error("{key_type} key has {found} bytes, expected {expected}")]
    Length {
        /// Key type.
        key_type: KeyType,
        /// Bytes found.
        found: usize,
        /// Bytes expected.
        expected: usize,
    },
    /// The bytes do not form a valid key (e.g. not a curve point).
    #[error("invalid {0} key")]
    Invalid(KeyType),
    /// A PEM / PKCS#8 / SPKI structure could not be decoded.
    #[error("cannot decode {what}: {reason}")]
    Encoding {
        /// Which structure.
        what: &'static str,
        /// Decoder message (never contains key bytes).
        reason: String,
    },
    /// The algorithm OID of a PKCS#8 or SPKI structure is not supported.
    #[error("unsupported key algorithm {0}")]
    UnsupportedAlgorithm(String),
}

/// Why a signature check failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    /// The algorithm needs another key type.
    #[error("algorithm {alg} needs a {needs} key, got {got}")]
    KeyTypeMismatch {
        /// Algorithm asked for.
        alg: Algorithm,
        /// Key type it needs.
        needs: KeyType,
        /// Key type offered.
        got: KeyType,
    },
    /// The signature bytes have the wrong length or form for the algorithm.
    #[error("malformed {alg} signature: {reason}")]
    Malformed {
        /// Algorithm.
        alg: Algorithm,
        /// What is wrong.
        reason: String,
    },
    /// Well-formed, but does not verify.
    #[error("{0} signature does not verify")]
    Mismatch(Algorithm),
}

impl PublicKey {
    /// The key's family.
    pub fn key_type(&self) -> KeyType {
        match self {
            PublicKey::Ed25519(_) => KeyType::Ed25519,
            PublicKey::Rsa(_) => KeyType::Rsa,
            PublicKey::P256(_) => KeyType::P256,
        }
    }

    /// DER `SubjectPublicKeyInfo`.
    pub fn to_spki_der(&self) -> Result<Vec<u8>, KeyError> {
        let enc = |e: spki::Error| KeyError::Encoding {
            what: "SubjectPublicKeyInfo",
            reason: e.to_string(),
        };
        let doc = match self {
            PublicKey::Ed25519(k) => k.to_public_key_der().map_err(enc)?,
            PublicKey::Rsa(k) => k.to_public_key_der().map_err(enc)?,
            PublicKey::P256(k) => k.to_public_key_der().map_err(enc)?,
        };
        Ok(doc.as_bytes().to_vec())
    }

    /// Decodes a DER `SubjectPublicKeyInfo` (Ed25519, rsaEncryption, or id-ecPublicKey on P-256).
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        use der::Decode as _;
        let info =
            spki::SubjectPublicKeyInfoRef::from_der(der).map_err(|e| KeyError::Encoding {
                what: "SubjectPublicKeyInfo",
                reason: e.to_string(),
            })?;
        let oid = info.algorithm.oid;
        let enc = |e: spki::Error| KeyError::Encoding {
            what: "SubjectPublicKeyInfo",
            reason: e.to_string(),
        };
        match oid.to_string().as_str() {
            "1.3.101.112" => Ok(PublicKey::Ed25519(
                ed25519_dalek::VerifyingKey::from_public_key_der(der).map_err(enc)?,
            )),
            "1.2.840.113549.1.1.1" => Ok(PublicKey::Rsa(
                rsa::RsaPublicKey::from_public_key_der(der).map_err(enc)?,
            )),
            "1.2.840.10045.2.1" => Ok(PublicKey::P256(
                p256::PublicKey::from_public_key_der(der).map_err(enc)?,
            )),
            other => Err(KeyError::UnsupportedAlgorithm(other.to_string())),
        }
    }

    /// Hex SHA-256 of the DER SPKI: a safe way to name a key in logs.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest as _;
        match self.to_spki_der() {
            Ok(der) => hex::encode(Sha256::digest(&der).get(..8).unwrap_or_default()),
            Err(_) => "unencodable".to_string(),
        }
    }

    /// Multikey `publicKeyMultibase` (`z6Mk...` for Ed25519, `zDn...` for P-256); RSA has no Multikey form here.
    pub fn to_multikey(&self) -> Result<String, KeyError> {
        match self {
            PublicKey::Ed25519(k) => Ok(ed25519_to_multikey(k)),
            PublicKey::P256(k) => {
                use p256::elliptic_curve::sec1::ToEncodedPoint as _;
                let point = k.to_encoded_point(true);
                let mut bytes = MULTICODEC_P256_PUB.to_vec();
                bytes.extend_from_slice(point.as_bytes());
                Ok(encode_multibase_base58btc(&bytes))
            }
            PublicKey::Rsa(_) => Err(KeyError::UnsupportedAlgorithm(
                "RSA has no Multikey encoding here".into(),
            )),
        }
    }

    /// Decodes a Multikey `publicKeyMultibase` (Ed25519 or P-256).
    pub fn from_multikey(multibase: &str) -> Result<Self, KeyError> {
        let bytes = decode_multibase_base58btc(multibase)?;
        match bytes.get(..2) {
            Some(p) if p == MULTICODEC_ED25519_PUB => {
                let key = bytes.get(2..).unwrap_or_default();
                let arr: [u8; 32] = key.try_into().map_err(|_| KeyError::Length {
                    key_type: KeyType::Ed25519,
                    found: key.len(),
                    expected: 32,
                })?;
                ed25519_dalek::VerifyingKey::from_bytes(&arr)
                    .map(PublicKey::Ed25519)
                    .map_err(|_| KeyError::Invalid(KeyType::Ed25519))
            }
            Some(p) if p == MULTICODEC_P256_PUB => {
                let key = bytes.get(2..).unwrap_or_default();
                if key.len() != 33 {
                    return Err(KeyError::Length {
                        key_type: KeyType::P256,
                        found: key.len(),
                        expected: 33,
                    });
                }
                p256::PublicKey::from_sec1_bytes(key)
                    .map(PublicKey::P256)
                    .map_err(|_| KeyError::Invalid(KeyType::P256))
            }
            Some(p) => Err(KeyError::Multicodec {
                prefix: hex::encode(p),
                expected: "ed25519-pub (ed01) or p256-pub (8024)",
            }),
            None => Err(KeyError::Multibase("too short".into())),
        }
    }

    /// Whether `k`'s RS256 signatures are checked by ring (its RSASSA-PKCS1-v1_5 verifier takes
    /// moduli of 2048 to 8192 bits; others go to the `rsa` crate).
    pub fn rs256_verified_by_ring(&self) -> bool {
        matches!(self, PublicKey::Rsa(k) if ring_verifies(k))
    }

    /// Checks `signature` over `message` with `alg`. ES256 signatures are the JOSE raw `r ‖ s` form.
    pub fn verify(
        &self,
        alg: Algorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        let mismatch = || SignatureError::KeyTypeMismatch {
            alg,
            needs: alg.key_type(),
            got: self.key_type(),
        };
        match (alg, self) {
            (Algorithm::EdDsa, PublicKey::Ed25519(k)) => {
                let sig = ed25519_dalek::Signature::from_slice(signature).map_err(|_| {
                    SignatureError::Malformed {
                        alg,
                        reason: format!("{} bytes, expected 64", signature.len()),
                    }
                })?;
                // verify_strict rejects small-order keys and non-canonical R, as RFC 8032 §5.1.7 intends.
                k.verify_strict(message, &sig)
                    .map_err(|_| SignatureError::Mismatch(alg))
            }
            (Algorithm::Rs256, PublicKey::Rsa(k)) if ring_verifies(k) => {
                // ring's RSASSA-PKCS1-v1_5 verification (moduli of 2048–8192 bits): a seventh of
                // the `rsa` crate's time, which was 2.7 % of a cohort learner's CPU (issue #18).
                // Same verdicts: `tests/rsa_backends.rs`.
                use rsa::traits::PublicKeyParts as _;
                ring::signature::RsaPublicKeyComponents {
                    n: k.n().to_bytes_be(),
                    e: k.e().to_bytes_be(),
                }
                .verify(
                    &ring::signature::RSA_PKCS1_2048_8192_SHA256,
                    message,
                    signature,
                )
                .map_err(|_| SignatureError::Mismatch(alg))
            }
            (Algorithm::Rs256, PublicKey::Rsa(k)) => {
                let sig = pkcs1v15::Signature::try_from(signature).map_err(|e| {
                    SignatureError::Malformed {
                        alg,
                        reason: e.to_string(),
                    }
                })?;
                pkcs1v15::VerifyingKey::<Sha256>::new(k.clone())
                    .verify(message, &sig)
                    .map_err(|_| SignatureError::Mismatch(alg))
            }
            (Algorithm::Ps256, PublicKey::Rsa(k)) => {
                let sig =
                    pss::Signature::try_from(signature).map_err(|e| SignatureError::Malformed {
                        alg,
                        reason: e.to_string(),
                    })?;
                pss::VerifyingKey::<Sha256>::new(k.clone())
                    .verify(message, &sig)
                    .map_err(|_| SignatureError::Mismatch(alg))
            }
            (Algorithm::Es256, PublicKey::P256(k)) => {
                let sig = p256::ecdsa::Signature::from_slice(signature).map_err(|_| {
                    SignatureError::Malformed {
                        alg,
                        reason: format!("{} bytes, expected 64 (raw r||s)", signature.len()),
                    }
                })?;
                p256::ecdsa::VerifyingKey::from(k)
                    .verify(message, &sig)
                    .map_err(|_| SignatureError::Mismatch(alg))
            }
            _ => Err(mismatch()),
        }
    }
}

/// `z` + base58btc(bytes): the multibase form used by `proofValue` and `publicKeyMultibase`.
pub fn encode_multibase_base58btc(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 138 / 100 + 2);
    out.push('z');
    out.push_str(&bs58::encode(bytes).into_string());
    out
}

/// Decodes a multibase base58btc value (`z...`).
pub fn decode_multibase_base58btc(value: &str) -> Result<Vec<u8>, KeyError> {
    let rest = value
        .strip_prefix('z')
        .ok_or_else(|| KeyError::Multibase("missing the base58btc prefix 'z'".into()))?;
    bs58::decode(rest)
        .into_vec()
        .map_err(|e| KeyError::Multibase(e.to_string()))
}

/// Multikey `publicKeyMultibase` of an Ed25519 key: `z` + base58btc(0xed01 ‖ key).
pub fn ed25519_to_multikey(key: &ed25519_dalek::VerifyingKey) -> String {
    let mut bytes = [0u8; 34];
    bytes[..2].copy_from_slice(&MULTICODEC_ED25519_PUB);
    bytes[2..].copy_from_slice(key.as_bytes());
    encode_multibase_base58btc(&bytes)
}

/// Decodes an Ed25519 Multikey `publicKeyMultibase`.
pub fn ed25519_from_multikey(multibase: &str) -> Result<ed25519_dalek::VerifyingKey, KeyError> {
    match PublicKey::from_multikey(multibase)? {
        PublicKey::Ed25519(k) => Ok(k),
        other => Err(KeyError::Multicodec {
            prefix: other.key_type().to_string(),
            expected: "ed25519-pub (ed01)",
        }),
    }
}

/// Decodes an Ed25519 secret key in multibase form (`z3u2...`, `ed25519-priv`), as in the W3C vectors.
/// The secret is wrapped in `Zeroizing` so the stack copy is wiped.
pub fn ed25519_secret_from_multibase(
    multibase: &str,
) -> Result<zeroize::Zeroizing<[u8; 32]>, KeyError> {
    let bytes = zeroize::Zeroizing::new(decode_multibase_base58btc(multibase)?);
    if bytes.get(..2) != Some(&MULTICODEC_ED25519_PRIV[..]) {
        return Err(KeyError::Multicodec {
            prefix: bytes.get(..2).map(hex::encode).unwrap_or_default(),
            expected: "ed25519-priv (8026)",
        });
    }
    let key: &[u8; 32] =
        bytes
            .get(2..)
            .and_then(|k| k.try_into().ok())
            .ok_or(KeyError::Length {
                key_type: KeyType::Ed25519,
                found: bytes.len().saturating_sub(2),
                expected: 32,
            })?;
    let mut out = zeroize::Zeroizing::new([0u8; 32]);
    out.copy_from_slice(key);
    Ok(out)
}

/// Whether ring's RSASSA-PKCS1-v1_5 verifier takes `k` (a modulus of 2048 to 8192 bits).
fn ring_verifies(k: &rsa::RsaPublicKey) -> bool {
    use rsa::traits::PublicKeyParts as _;
    (2048..=8192).contains(&k.n().bits())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multikey_round_trip_of_the_w3c_vector_key() {
        let mk = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
        let key = ed25519_from_multikey(mk).unwrap();
        assert_eq!(ed25519_to_multikey(&key), mk);
        let secret =
            ed25519_secret_from_multibase("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
                .unwrap();
        let sk = ed25519_dalek::SigningKey::from_bytes(&secret);
        assert_eq!(sk.verifying_key(), key);
    }

    #[test]
    fn multibase_errors_are_distinct() {
        assert!(matches!(
            decode_multibase_base58btc("u1234"),
            Err(KeyError::Multibase(_))
        ));
        assert!(matches!(
            decode_multibase_base58btc("z0OIl"),
            Err(KeyError::Multibase(_))
        ));
        // A truncated Ed25519 key.
        let short = encode_multibase_base58btc(&[0xed, 0x01, 1, 2, 3]);
        assert!(matches!(
            PublicKey::from_multikey(&short),
            Err(KeyError::Length { .. })
        ));
        let rsa_prefix = encode_multibase_base58btc(&[0x85, 0x24, 1, 2, 3]);
        assert!(matches!(
            PublicKey::from_multikey(&rsa_prefix),
            Err(KeyError::Multicodec { .. })
        ));
    }

    #[test]
    fn algorithm_names() {
        for a in [
            Algorithm::EdDsa,
            Algorithm::Rs256,
            Algorithm::Ps256,
            Algorithm::Es256,
        ] {
            assert_eq!(Algorithm::from_jose_name(a.jose_name()), Some(a));
        }
        assert_eq!(Algorithm::from_jose_name("none"), None);
        assert_eq!(Algorithm::from_jose_name("HS256"), None);
    }
}
