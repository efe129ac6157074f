//! The [`Signer`] abstraction and its in-memory implementations (Ed25519, RSA RS256/PS256, ECDSA P-256 ES256).
//!
//! Every securing mechanism (Data Integrity, JAdES, VC-JOSE) signs through `&dyn Signer`, so a
//! hardware module or a cloud KMS can be added later as one more implementation without touching the
//! proof code. Signatures are produced in the form JOSE uses (RFC 7518 §3: PKCS#1 v1.5 / PSS bytes
//! for RSA, raw `r ‖ s` for ECDSA, RFC 8032 bytes for Ed25519).
//!
//! Keys load from PKCS#8 PEM (RFC 5958 / RFC 7468 `PRIVATE KEY`). PKCS#12 is not supported.
//!
//! Secret hygiene: private keys live only inside these structs (zeroized on drop by the underlying
//! crates), `Debug` prints the algorithm, the key id and a public-key fingerprint, and no error
//! carries key bytes.

use std::fmt;

use pkcs8::DecodePrivateKey;
use rsa::{pkcs1v15, pss};
use sha2::Sha256;
use signature::{RandomizedSigner as _, Signer as _};

use crate::keys::{Algorithm, KeyError, KeyType, PublicKey};

/// Why signing failed. Never contains key material.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignError {
    /// The backend could not produce a signature.
    #[error("{alg} signing failed: {reason}")]
    Backend {
        /// Algorithm.
        alg: Algorithm,
        /// Backend message.
        reason: String,
    },
    /// The key cannot be used with the requested algorithm.
    #[error("a {key_type} key cannot sign {alg}")]
    UnsupportedAlgorithm {
        /// Key type.
        key_type: KeyType,
        /// Algorithm asked for.
        alg: Algorithm,
    },
}

/// Something that signs bytes with one key under one algorithm.
///
/// Implement this for an HSM or a KMS; the proof code only needs these five methods.
pub trait Signer: fmt::Debug + Send + Sync {
    /// The algorithm every signature of this signer uses.
    fn algorithm(&self) -> Algorithm;
    /// The verification method URL (`did:...#fragment`) or other key id that names this key.
    fn key_id(&self) -> &str;
    /// The public half of the key.
    fn public_key(&self) -> PublicKey;
    /// Signs `message` (the algorithm hashes it itself where it hashes).
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError>;

    /// DER `SubjectPublicKeyInfo` of the public key.
    fn public_key_spki_der(&self) -> Result<Vec<u8>, KeyError> {
        self.public_key().to_spki_der()
    }
    /// Multikey `publicKeyMultibase` of the public key (Ed25519 and P-256 only).
    fn public_key_multibase(&self) -> Result<String, KeyError> {
        self.public_key().to_multikey()
    }
}

/// A shared signer signs like the signer it shares (the key store hands out `Arc<dyn Signer>`).
impl<S: Signer + ?Sized> Signer for std::sync::Arc<S> {
    fn algorithm(&self) -> Algorithm {
        (**self).algorithm()
    }
    fn key_id(&self) -> &str {
        (**self).key_id()
    }
    fn public_key(&self) -> PublicKey {
        (**self).public_key()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        (**self).sign(message)
    }
}

fn decode_err(what: &'static str) -> impl Fn(pkcs8::Error) -> KeyError {
    move |e| KeyError::Encoding {
        what,
        reason: e.to_string(),
    }
}

/// The key family of a PKCS#8 PEM private key, read from its algorithm OID.
pub fn pkcs8_pem_key_type(pem: &str) -> Result<KeyType, KeyError> {
    use der::Decode as _;
    let (label, doc) = der::SecretDocument::from_pem(pem).map_err(|e| KeyError::Encoding {
        what: "PKCS#8 PEM",
        reason: e.to_string(),
    })?;
    if label != "PRIVATE KEY" {
        return Err(KeyError::Encoding {
            what: "PKCS#8 PEM",
            reason: format!("label {label:?}, expected \"PRIVATE KEY\""),
        });
    }
    let info = pkcs8::PrivateKeyInfo::from_der(doc.as_bytes()).map_err(|e| KeyError::Encoding {
        what: "PKCS#8",
        reason: e.to_string(),
    })?;
    match info.algorithm.oid.to_string().as_str() {
        "1.3.101.112" => Ok(KeyType::Ed25519),
        "1.2.840.113549.1.1.1" => Ok(KeyType::Rsa),
        "1.2.840.10045.2.1" => Ok(KeyType::P256),
        other => Err(KeyError::UnsupportedAlgorithm(other.to_string())),
    }
}

/// Loads any supported PKCS#8 PEM key as a boxed signer. `alg` chooses between RS256 and PS256 for
/// RSA keys and must match the key type otherwise.
pub fn signer_from_pkcs8_pem(
    key_id: impl Into<String>,
    pem: &str,
    alg: Algorithm,
) -> Result<Box<dyn Signer>, KeyError> {
    let key_type = pkcs8_pem_key_type(pem)?;
    if key_type != alg.key_type() {
        return Err(KeyError::UnsupportedAlgorithm(format!(
            "{alg} with a {key_type} key"
        )));
    }
    Ok(match key_type {
        KeyType::Ed25519 => Box::new(Ed25519Signer::from_pkcs8_pem(key_id, pem)?),
        KeyType::Rsa => Box::new(RsaSigner::from_pkcs8_pem(key_id, pem, alg)?),
        KeyType::P256 => Box::new(P256Signer::from_pkcs8_pem(key_id, pem)?),
    })
}

/// Ed25519 (RFC 8032) signer: `EdDSA` in JOSE, the primitive of `eddsa-rdfc-2022`.
#[derive(Clone)]
pub struct Ed25519Signer {
    key_id: String,
    key: ed25519_dalek::SigningKey,
}

impl Ed25519Signer {
    /// From the 32-byte secret seed.
    pub fn from_secret_bytes(key_id: impl Into<String>, secret: &[u8; 32]) -> Self {
        Self {
            key_id: key_id.into(),
            key: ed25519_dalek::SigningKey::from_bytes(secret),
        }
    }

    /// From a multibase `ed25519-priv` secret (`z3u2...`), the form of the W3C test vectors.
    pub fn from_multibase_secret(
        key_id: impl Into<String>,
        multibase: &str,
    ) -> Result<Self, KeyError> {
        let secret = crate::keys::ed25519_secret_from_multibase(multibase)?;
        Ok(Self::from_secret_bytes(key_id, &secret))
    }

    /// From PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    pub fn from_pkcs8_pem(key_id: impl Into<String>, pem: &str) -> Result<Self, KeyError> {
        let key = ed25519_dalek::SigningKey::from_pkcs8_pem(pem)
            .map_err(decode_err("Ed25519 PKCS#8 PEM"))?;
        Ok(Self {
            key_id: key_id.into(),
            key,
        })
    }

    /// PKCS#8 PEM of the secret key, for writing demo key files. The string zeroizes on drop.
    pub fn to_pkcs8_pem(&self) -> Result<zeroize::Zeroizing<String>, KeyError> {
        use pkcs8::EncodePrivateKey as _;
        self.key
            .to_pkcs8_pem(pkcs8::LineEnding::LF)
            .map_err(|e| KeyError::Encoding {
                what: "Ed25519 PKCS#8 PEM",
                reason: e.to_string(),
            })
    }

    /// The same key under another key id (e.g. once the DID is known).
    pub fn with_key_id(&self, key_id: impl Into<String>) -> Self {
        Self {
            key_id: key_id.into(),
            key: self.key.clone(),
        }
    }

    /// The Ed25519 verifying key.
    pub fn verifying_key(&self) -> ed25519_dalek::VerifyingKey {
        self.key.verifying_key()
    }
}

impl fmt::Debug for Ed25519Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ed25519Signer")
            .field("key_id", &self.key_id)
            .field(
                "public_key",
                &crate::keys::ed25519_to_multikey(&self.key.verifying_key()),
            )
            .finish_non_exhaustive()
    }
}

impl Signer for Ed25519Signer {
    fn algorithm(&self) -> Algorithm {
        Algorithm::EdDsa
    }
    fn key_id(&self) -> &str {
        &self.key_id
    }
    fn public_key(&self) -> PublicKey {
        PublicKey::Ed25519(self.key.verifying_key())
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        Ok(self.key.sign(message).to_bytes().to_vec())
    }
}

/// RSA signer for RS256 (PKCS#1 v1.5) or PS256 (PSS, salt = 32 bytes, as RFC 7518 §3.5 requires).
///
/// Signatures are made by `ring` (constant-time, blinded, about 3x faster than `rsa` 0.9, whose
/// private-key operation is open to the Marvin timing attack, RUSTSEC-2023-0071). Keys `ring`
/// refuses (below 2048 or above 4096 bits) are signed by the `rsa` crate. RS256 is deterministic,
/// so both backends give the same bytes (tested in `tests/rsa_backends.rs`).
#[derive(Clone)]
pub struct RsaSigner {
    key_id: String,
    alg: Algorithm,
    key: rsa::RsaPrivateKey,
    ring_key: Option<std::sync::Arc<ring::rsa::KeyPair>>,
}

impl RsaSigner {
    /// Wraps an RSA private key; `alg` must be RS256 or PS256.
    pub fn new(
        key_id: impl Into<String>,
        key: rsa::RsaPrivateKey,
        alg: Algorithm,
    ) -> Result<Self, KeyError> {
        match alg {
            Algorithm::Rs256 | Algorithm::Ps256 => {
                use pkcs8::EncodePrivateKey as _;
                let ring_key = key
                    .to_pkcs8_der()
                    .ok()
                    .and_then(|der| ring::rsa::KeyPair::from_pkcs8(der.as_bytes()).ok())
                    .map(std::sync::Arc::new);
                Ok(Self {
                    key_id: key_id.into(),
                    alg,
                    key,
                    ring_key,
                })
            }
            other => Err(KeyError::UnsupportedAlgorithm(format!(
                "{other} with an RSA key"
            ))),
        }
    }

    /// From PKCS#8 PEM.
    pub fn from_pkcs8_pem(
        key_id: impl Into<String>,
        pem: &str,
        alg: Algorithm,
    ) -> Result<Self, KeyError> {
        let key = rsa::RsaPrivateKey::from_pkcs8_pem(pem).map_err(decode_err("RSA PKCS#8 PEM"))?;
        Self::new(key_id, key, alg)
    }

    /// PKCS#8 PEM of the private key, for writing demo key files.
    pub fn to_pkcs8_pem(&self) -> Result<zeroize::Zeroizing<String>, KeyError> {
        use pkcs8::EncodePrivateKey as _;
        self.key
            .to_pkcs8_pem(pkcs8::LineEnding::LF)
            .map_err(|e| KeyError::Encoding {
                what: "RSA PKCS#8 PEM",
                reason: e.to_string(),
            })
    }

    /// The RSA private key, for building certificates with the `x509-cert` builder.
    pub fn private_key(&self) -> &rsa::RsaPrivateKey {
        &self.key
    }

    /// Whether signatures are made by `ring` (false: by the `rsa` crate).
    pub fn signs_with_ring(&self) -> bool {
        self.ring_key.is_some()
    }

    /// The same signature made by the `rsa` crate, whatever the key size: the reference the
    /// `ring` path is tested against.
    pub fn sign_with_rsa_crate(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let backend = |e: signature::Error| SignError::Backend {
            alg: self.alg,
            reason: e.to_string(),
        };
        match self.alg {
            Algorithm::Rs256 => {
                let key = pkcs1v15::SigningKey::<Sha256>::new(self.key.clone());
                let sig = key.try_sign(message).map_err(backend)?;
                Ok(Box::<[u8]>::from(sig).into_vec())
            }
            Algorithm::Ps256 => {
                // PSS is randomised (the salt); the OS RNG is the only sensible source here.
                let key = pss::SigningKey::<Sha256>::new(self.key.clone());
                let sig = key
                    .try_sign_with_rng(&mut rand_core::OsRng, message)
                    .map_err(backend)?;
                Ok(Box::<[u8]>::from(sig).into_vec())
            }
            other => Err(SignError::UnsupportedAlgorithm {
                key_type: KeyType::Rsa,
                alg: other,
            }),
        }
    }
}

impl fmt::Debug for RsaSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaSigner")
            .field("key_id", &self.key_id)
            .field("alg", &self.alg)
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

impl Signer for RsaSigner {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }
    fn key_id(&self) -> &str {
        &self.key_id
    }
    fn public_key(&self) -> PublicKey {
        PublicKey::Rsa(self.key.to_public_key())
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let Some(ring_key) = &self.ring_key else {
            return self.sign_with_rsa_crate(message);
        };
        let padding: &'static dyn ring::signature::RsaEncoding = match self.alg {
            Algorithm::Rs256 => &ring::signature::RSA_PKCS1_SHA256,
            // PSS with a 32-byte salt from the OS RNG (`ring` takes the salt length from the hash).
            Algorithm::Ps256 => &ring::signature::RSA_PSS_SHA256,
            other => {
                return Err(SignError::UnsupportedAlgorithm {
                    key_type: KeyType::Rsa,
                    alg: other,
                })
            }
        };
        let mut signature = vec![0u8; ring_key.public().modulus_len()];
        ring_key
            .sign(
                padding,
                &ring::rand::SystemRandom::new(),
                message,
                &mut signature,
            )
            .map_err(|_| SignError::Backend {
                alg: self.alg,
                reason: "RSA signing failed".into(),
            })?;
        Ok(signature)
    }
}

/// ECDSA P-256 signer for ES256 (deterministic nonces per RFC 6979; raw `r ‖ s` output).
#[derive(Clone)]
pub struct P256Signer {
    key_id: String,
    key: p256::ecdsa::SigningKey,
}

impl P256Signer {
    /// Wraps a P-256 signing key.
    pub fn new(key_id: impl Into<String>, key: p256::ecdsa::SigningKey) -> Self {
        Self {
            key_id: key_id.into(),
            key,
        }
    }

    /// From PKCS#8 PEM.
    pub fn from_pkcs8_pem(key_id: impl Into<String>, pem: &str) -> Result<Self, KeyError> {
        let key =
            p256::ecdsa::SigningKey::from_pkcs8_pem(pem).map_err(decode_err("P-256 PKCS#8 PEM"))?;
        Ok(Self::new(key_id, key))
    }

    /// PKCS#8 PEM of the private key, for writing demo key files.
    pub fn to_pkcs8_pem(&self) -> Result<zeroize::Zeroizing<String>, KeyError> {
        use pkcs8::EncodePrivateKey as _;
        self.key
            .to_pkcs8_pem(pkcs8::LineEnding::LF)
            .map_err(|e| KeyError::Encoding {
                what: "P-256 PKCS#8 PEM",
                reason: e.to_string(),
            })
    }

    /// The same key under another key id.
    pub fn with_key_id(&self, key_id: impl Into<String>) -> Self {
        Self {
            key_id: key_id.into(),
            key: self.key.clone(),
        }
    }

    /// The ECDSA signing key, for building certificates with the `x509-cert` builder.
    pub fn signing_key(&self) -> &p256::ecdsa::SigningKey {
        &self.key
    }
}

impl fmt::Debug for P256Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("P256Signer")
            .field("key_id", &self.key_id)
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

impl Signer for P256Signer {
    fn algorithm(&self) -> Algorithm {
        Algorithm::Es256
    }
    fn key_id(&self) -> &str {
        &self.key_id
    }
    fn public_key(&self) -> PublicKey {
        PublicKey::P256(p256::PublicKey::from(self.key.verifying_key()))
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let sig: p256::ecdsa::Signature =
            self.key.try_sign(message).map_err(|e| SignError::Backend {
                alg: Algorithm::Es256,
                reason: e.to_string(),
            })?;
        Ok(sig.to_bytes().to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::SeedableRng as _;

    fn rng() -> rand_chacha::ChaCha20Rng {
        rand_chacha::ChaCha20Rng::seed_from_u64(7)
    }

    #[test]
    fn every_signer_round_trips_and_rejects_a_flipped_bit() {
        let mut rng = rng();
        let rsa = rsa::RsaPrivateKey::new(&mut rng, 2048).unwrap();
        let signers: Vec<Box<dyn Signer>> = vec![
            Box::new(Ed25519Signer::from_secret_bytes("ed", &[7u8; 32])),
            Box::new(RsaSigner::new("rs", rsa.clone(), Algorithm::Rs256).unwrap()),
            Box::new(RsaSigner::new("ps", rsa, Algorithm::Ps256).unwrap()),
            Box::new(P256Signer::new(
                "es",
                p256::ecdsa::SigningKey::random(&mut rng),
            )),
        ];
        for s in &signers {
            let sig = s.sign(b"hello").unwrap();
            s.public_key()
                .verify(s.algorithm(), b"hello", &sig)
                .unwrap();
            let mut bad = sig.clone();
            bad[5] ^= 1;
            assert!(
                s.public_key()
                    .verify(s.algorithm(), b"hello", &bad)
                    .is_err(),
                "{s:?}"
            );
            assert_eq!(
                s.public_key().verify(s.algorithm(), b"hellp", &sig),
                Err(crate::keys::SignatureError::Mismatch(s.algorithm()))
            );
        }
        assert_eq!(
            signers[3].sign(b"x").unwrap().len(),
            64,
            "ES256 is raw r||s"
        );
    }

    #[test]
    fn pkcs8_pem_round_trip_for_each_key_type() {
        let mut rng = rng();
        let ed = Ed25519Signer::from_secret_bytes("a", &[9u8; 32]);
        let pem = ed.to_pkcs8_pem().unwrap();
        let back = signer_from_pkcs8_pem("a", &pem, Algorithm::EdDsa).unwrap();
        assert_eq!(back.public_key(), ed.public_key());
        let p = P256Signer::new("b", p256::ecdsa::SigningKey::random(&mut rng));
        let pem = p.to_pkcs8_pem().unwrap();
        assert_eq!(pkcs8_pem_key_type(&pem).unwrap(), KeyType::P256);
        assert!(signer_from_pkcs8_pem("b", &pem, Algorithm::Rs256).is_err());
        assert!(matches!(
            Ed25519Signer::from_pkcs8_pem("x", "garbage"),
            Err(KeyError::Encoding { .. })
        ));
    }
}
