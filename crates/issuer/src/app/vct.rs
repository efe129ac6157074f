//! SD-JWT VC metadata the issuer publishes (issue #16 point 3): the Type Metadata of the
//! learning credential (draft-ietf-oauth-sd-jwt-vc §6 "Type Metadata") and each university's
//! JWT VC Issuer Metadata (draft-ietf-oauth-sd-jwt-vc-08 §5: `issuer` + `jwks`).
//!
//! The `vct` is the EU reference issuer's URN `urn:eu.europa.ec.eudi:learning:credential:1`, which
//! no one can resolve (§6.3.1 retrieves Type Metadata from the `vct` only when it is an HTTPS
//! URL); we keep the URN, so EUDI verifiers that know it accept our credentials, and serve the
//! document at [`type_metadata_url`] (`{base}/vct/learning-credential`): a wallet finds it there
//! and in docs/LEARNING_CREDENTIAL.md, and checks it with the `vct#integrity` value
//! ([`TypeMetadataDocument::integrity`], W3C SRI `sha256-...` of the served bytes).
//!
//! The issuer metadata's `jwks` holds the university's seal key (the key of its SD-JWT VCs and
//! status list tokens), `kid` its RFC 7638 thumbprint (the `kid` of those JWTs' headers) and `x5c`
//! its certificate chain.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::status_token::seal_kid;
use super::App;
use crate::domain::DomainError;

/// The served Type Metadata document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeMetadataDocument {
    /// The JSON text, byte for byte as served.
    pub body: String,
    /// `sha256-<base64>` of `body` (W3C Subresource Integrity), the SD-JWT VC `vct#integrity`.
    pub integrity: String,
}

/// Where the learning credential's Type Metadata is served.
pub fn type_metadata_url(base_url: &str) -> String {
    format!("{}/vct/learning-credential", base_url.trim_end_matches('/'))
}

/// The Type Metadata of the learning credential, as served (deterministic bytes).
pub fn learning_credential_type_metadata() -> TypeMetadataDocument {
    let body = elm_model::learning_credential::type_metadata().to_string();
    let integrity = format!(
        "sha256-{}",
        STANDARD.encode(Sha256::digest(body.as_bytes()))
    );
    TypeMetadataDocument { body, integrity }
}

impl App {
    /// JWT VC Issuer Metadata of a university: `issuer` and `jwks` with its seal key (`kid`,
    /// `use` `sig`, `alg`, `x5c`). `NotFound` for an unknown university or one without a seal.
    pub fn jwt_vc_issuer_metadata(&self, university: &str) -> Result<Value, DomainError> {
        self.did(university)?;
        let (signer, chain) = self.securer.seal_signer(university).ok_or_else(|| {
            DomainError::NotFound(format!("a signing key of `{university}` (no seal)"))
        })?;
        let mut jwk = proofs::jose::public_key_to_jwk(&signer.public_key())
            .map_err(|e| DomainError::Securing(e.to_string()))?;
        jwk.insert("kid".into(), Value::String(seal_kid(signer)?));
        jwk.insert("use".into(), Value::from("sig"));
        jwk.insert("alg".into(), Value::from(signer.algorithm().jose_name()));
        jwk.insert("x5c".into(), proofs::jose::x5c_value(&chain));
        Ok(json!({
            "issuer": self.credential_issuer_id(university),
            "jwks": { "keys": [jwk] },
        }))
    }
}
