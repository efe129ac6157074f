//! The proof suites [`crate::data_integrity`] verifies, and what differs between them.
//!
//! All three sign the same 64 bytes: SHA-256 of the RDFC-1.0 (URDNA2015) canonical proof
//! configuration ‖ SHA-256 of the canonical document without its proof. They differ in how the
//! proof names its suite, in the key type and in the signature algorithm:
//!
//! | suite | proof `type` / `cryptosuite` | key | signature over the 64 bytes |
//! |---|---|---|---|
//! | `eddsa-rdfc-2022` (VC DI EdDSA v1.0 §3.3) | `DataIntegrityProof` / `eddsa-rdfc-2022` | Ed25519 | Ed25519 |
//! | `Ed25519Signature2020` ([`ed25519_signature_2020`]) | `Ed25519Signature2020` / — | Ed25519 | Ed25519 |
//! | `ecdsa-rdfc-2019` ([`ecdsa_rdfc_2019`], VC DI ECDSA v1.0 §3.3) | `DataIntegrityProof` / `ecdsa-rdfc-2019` | P-256 | ECDSA P-256 with SHA-256, `r ‖ s` |
//!
//! Only `eddsa-rdfc-2022` is produced; the other two are verified only (issue #15 point 6).

pub mod ecdsa_rdfc_2019;
pub mod ed25519_signature_2020;

use serde_json::{Map, Value};

use crate::data_integrity::{ProofError, CRYPTOSUITE, PROOF_TYPE};
use crate::keys::{Algorithm, KeyType, PublicKey, SignatureError};

/// A proof suite this library verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    /// `DataIntegrityProof` with `cryptosuite` `eddsa-rdfc-2022` (the one the issuer produces).
    EddsaRdfc2022,
    /// The legacy `Ed25519Signature2020` proof type (Open Badges 3.0 and DCC credentials).
    Ed25519Signature2020,
    /// `DataIntegrityProof` with `cryptosuite` `ecdsa-rdfc-2019`, P-256 keys.
    EcdsaRdfc2019,
}

impl Suite {
    /// The suite of a proof, from its `type` and `cryptosuite` members: `WrongProofType` for an
    /// unknown `type`, `UnsupportedCryptosuite` for an unknown `cryptosuite` of a
    /// `DataIntegrityProof` (an absent one is reported as `""`).
    pub fn from_members(proof_type: &str, cryptosuite: Option<&str>) -> Result<Self, ProofError> {
        match (proof_type, cryptosuite) {
            (PROOF_TYPE, Some(CRYPTOSUITE)) => Ok(Suite::EddsaRdfc2022),
            (PROOF_TYPE, Some(ecdsa_rdfc_2019::CRYPTOSUITE)) => Ok(Suite::EcdsaRdfc2019),
            (PROOF_TYPE, other) => Err(ProofError::UnsupportedCryptosuite(
                other.unwrap_or_default().to_string(),
            )),
            (ed25519_signature_2020::PROOF_TYPE, _) => Ok(Suite::Ed25519Signature2020),
            (other, _) => Err(ProofError::WrongProofType(other.to_string())),
        }
    }

    /// The suite of a proof object (see [`Suite::from_members`]); a missing `type` is `""`.
    pub fn of(proof: &Map<String, Value>) -> Result<Self, ProofError> {
        let ty = proof
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        Self::from_members(ty, proof.get("cryptosuite").and_then(Value::as_str))
    }

    /// The suite's name as reports show it (the `cryptosuite`, or the proof type of a legacy suite).
    pub fn name(self) -> &'static str {
        match self {
            Suite::EddsaRdfc2022 => CRYPTOSUITE,
            Suite::Ed25519Signature2020 => ed25519_signature_2020::PROOF_TYPE,
            Suite::EcdsaRdfc2019 => ecdsa_rdfc_2019::CRYPTOSUITE,
        }
    }

    /// The key type the suite's verification method must have.
    pub fn key_type(self) -> KeyType {
        match self {
            Suite::EddsaRdfc2022 | Suite::Ed25519Signature2020 => KeyType::Ed25519,
            Suite::EcdsaRdfc2019 => KeyType::P256,
        }
    }

    /// The signature algorithm applied to the 64 signed bytes.
    pub fn algorithm(self) -> Algorithm {
        match self {
            Suite::EddsaRdfc2022 | Suite::Ed25519Signature2020 => Algorithm::EdDsa,
            // ECDSA P-256 with SHA-256 over the 64 bytes (VC DI ECDSA §3.3.6), raw r ‖ s.
            Suite::EcdsaRdfc2019 => Algorithm::Es256,
        }
    }

    /// Length in bytes of the decoded `proofValue` (Ed25519: 64; P-256 `r ‖ s`: 64).
    pub fn signature_len(self) -> usize {
        64
    }

    /// Checks the decoded `proofValue` length (before any key is resolved).
    pub fn check_signature_len(self, signature: &[u8]) -> Result<(), ProofError> {
        if signature.len() == self.signature_len() {
            return Ok(());
        }
        Err(ProofError::MalformedProofValue(format!(
            "{} bytes, a {} signature has {}",
            signature.len(),
            self.name(),
            self.signature_len()
        )))
    }

    /// Checks that the verification method's key has the suite's key type.
    pub fn check_key(self, key: &PublicKey) -> Result<(), ProofError> {
        let got = key.key_type();
        if got == self.key_type() {
            Ok(())
        } else if self == Suite::EddsaRdfc2022 {
            Err(ProofError::KeyTypeMismatch(got))
        } else {
            Err(ProofError::SuiteKeyTypeMismatch {
                suite: self.name(),
                needs: self.key_type(),
                got,
            })
        }
    }

    /// Verifies `signature` over the 64 signed bytes with `key`, mapping each failure to its
    /// [`ProofError`] (`SignatureMismatch` names `verification_method`).
    pub fn verify_signature(
        self,
        key: &PublicKey,
        data: &[u8; 64],
        signature: &[u8],
        verification_method: &str,
    ) -> Result<(), ProofError> {
        self.check_key(key)?;
        match key.verify(self.algorithm(), data, signature) {
            Ok(()) => Ok(()),
            Err(SignatureError::Malformed { reason, .. }) => {
                Err(ProofError::MalformedProofValue(reason))
            }
            Err(SignatureError::KeyTypeMismatch { got, .. }) => {
                Err(ProofError::KeyTypeMismatch(got))
            }
            Err(SignatureError::Mismatch(_)) => Err(ProofError::SignatureMismatch {
                verification_method: verification_method.into(),
            }),
        }
    }
}
