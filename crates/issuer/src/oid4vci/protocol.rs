//! The OpenID4VCI 1.0 protocol endpoints' domain logic: metadata (§12.2, RFC 8414), token (§6),
//! nonce (§7), credential (§8), proofs of possession (Appendix F.1) and DPoP (RFC 9449).
//!
//! Each university is a credential issuer of its own, identified by `{base}/universities/{id}`
//! ([`issuer_identifier`]), and its own authorization server (pre-authorized code flow only,
//! §3.5, anonymous access). Everything a replica must share (access tokens, `c_nonce`s, DPoP
//! `jti`s) is in the database ([`crate::store`], migration 0005).
//!
//! - [`metadata`]: credential issuer metadata (§12.2) and authorization server metadata.
//! - [`dpop`]: DPoP proofs (RFC 9449 §4.3) at the token and credential endpoints.
//! - [`token`]: the token endpoint (§6) and the nonce endpoint (§7).
//! - [`proof`]: proofs of possession of type `jwt` (Appendix F.1) and the holder's key.
//! - [`credential`]: the credential endpoint (§8): the bound credential in each format.
//! - [`sd_jwt_vc`]: the `dc+sd-jwt` form, the EUDI SD-JWT VC learning credential.

pub mod credential;
pub mod dpop;
pub mod metadata;
pub mod proof;
pub mod sd_jwt_vc;
pub mod token;

pub use credential::{CredentialRequest, CredentialResponse};
pub use dpop::DpopCheck;
pub use token::{TokenRequest, TokenResponse};

/// `ldp_vc`: the EDC JSON-LD with a Data Integrity `eddsa-rdfc-2022` proof.
pub const CONFIG_LDP_VC: &str = "enhance_edc_ldp_vc";
/// `jwt_vc_json`: the VC-JOSE compact JWT of the EDC.
pub const CONFIG_JWT_VC_JSON: &str = "enhance_edc_jwt_vc_json";
/// `dc+sd-jwt`: the EUDI SD-JWT VC learning credential.
pub const CONFIG_SD_JWT_VC: &str = "eu.europa.ec.eudi.learning_credential_sd_jwt";
/// Every credential configuration a university's credential issuer offers.
pub const ALL_CONFIGURATIONS: [&str; 3] = [CONFIG_LDP_VC, CONFIG_JWT_VC_JSON, CONFIG_SD_JWT_VC];

/// The `vct` of the SD-JWT VC learning credential (the EUDI reference issuer's).
pub const LEARNING_CREDENTIAL_VCT: &str = "urn:eu.europa.ec.eudi:learning:credential:1";
/// The grant type of the pre-authorized code flow (§4.1.1).
pub const PRE_AUTHORIZED_GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
/// Algorithms accepted for holder keys: proofs of possession and DPoP proofs (HAIP: ES256; and
/// EdDSA, which the W3C forms' did:key holders use).
pub const HOLDER_ALGORITHMS: [&str; 2] = ["ES256", "EdDSA"];

/// The credential issuer identifier of `university` (§12.2.1): `{base}/universities/{id}`.
pub fn issuer_identifier(base_url: &str, university: &str) -> String {
    format!(
        "{}/universities/{university}",
        base_url.trim_end_matches('/')
    )
}

/// The URL of one of a university's OpenID4VCI endpoints (`token`, `nonce`, `credential`).
pub fn endpoint_url(base_url: &str, university: &str, endpoint: &str) -> String {
    format!("{}/{endpoint}", issuer_identifier(base_url, university))
}
