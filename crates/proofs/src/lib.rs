//! Securing mechanisms: Data Integrity eddsa-rdfc-2022, JAdES seals, VC-JOSE; university keys and DIDs.
//!
//! - [`keys`] / [`signer`]: key types, Multikey encodings and the [`signer::Signer`] trait (Ed25519,
//!   RSA RS256/PS256, ECDSA P-256 ES256), PKCS#8 PEM loading.
//! - [`did`]: did:key, did:web for universities, DID documents, [`did::KeyResolver`].
//! - [`keystore`]: the on-disk university key store (`keys.example/`), file or PKCS#11 keys.
//! - [`pkcs11`]: [`signer::Signer`] over keys held in an HSM (PKCS#11, `cryptoki`).
//! - [`certs`]: X.509 parsing, subject details, path validation, demo certificate issuing.
//! - [`jades`]: JAdES enveloping JWS JSON seals (`b64: false`), as EDC uses them.
//! - [`vc_jwt`]: `application/vc+jwt` (VC-JOSE-COSE).
//! - [`suites`]: the proof suites Data Integrity verification accepts (`eddsa-rdfc-2022`, and
//!   verification only: `Ed25519Signature2020`, `ecdsa-rdfc-2019` P-256).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod certs;
pub mod data_integrity;
pub mod did;
pub mod jades;
pub mod jose; // issue #16: compact JWS and JWK (RFC 7515, 7517, 7638)
pub mod keys;
pub mod keystore;
pub mod pkcs11;
pub mod sd_jwt; // issue #16: SD-JWT and SD-JWT VC
pub mod signer;
pub mod suites;
pub mod token_status_list; // issue #16: IETF Token Status List
pub mod vc_jwt;

pub use keys::{Algorithm, KeyType, PublicKey};
pub use signer::Signer;
