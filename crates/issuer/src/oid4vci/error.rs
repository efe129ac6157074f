//! Error responses of OpenID4VCI 1.0 and OAuth 2.0: `{"error", "error_description"}` JSON, not
//! RFC 9457 problem JSON, because wallets read these codes (RFC 6749 §5.2 for the token endpoint,
//! OpenID4VCI 1.0 §6.3 and §8.3.1.2 for the token and credential endpoints, RFC 6750 §3.1 for
//! access tokens, RFC 9449 §7.1 and §8 for DPoP).

use std::fmt;

/// An error code the specifications name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// RFC 6749 §5.2 / OpenID4VCI §6.3: a missing or wrong parameter (also: `tx_code` sent when
    /// not expected, or missing when expected).
    InvalidRequest,
    /// RFC 6749 §5.2: client authentication failed.
    InvalidClient,
    /// RFC 6749 §5.2 / OpenID4VCI §6.3: the pre-authorized code is unknown, used or expired, or
    /// the `tx_code` is wrong or its attempts are exhausted.
    InvalidGrant,
    /// RFC 6749 §5.2.
    UnsupportedGrantType,
    /// RFC 6750 §3.1: the access token is unknown, expired or bound to another key.
    InvalidToken,
    /// RFC 9449 §7.1: the DPoP proof is missing or invalid.
    InvalidDpopProof,
    /// RFC 9449 §8: the server requires a DPoP nonce (response carries `DPoP-Nonce`).
    UseDpopNonce,
    /// OpenID4VCI §8.3.1.2.
    InvalidCredentialRequest,
    /// OpenID4VCI §8.3.1.2: the configuration is unknown or not authorised by the token.
    UnknownCredentialConfiguration,
    /// OpenID4VCI §8.3.1.2.
    UnknownCredentialIdentifier,
    /// OpenID4VCI §8.3.1.2: the proof of possession is invalid.
    InvalidProof,
    /// OpenID4VCI §8.3.1.2: the proof's `nonce` is missing, unknown, used or expired.
    InvalidNonce,
    /// OpenID4VCI §8.3.1.2.
    CredentialRequestDenied,
    /// RFC 6749 §4.1.2.1 `server_error`, used by OAuth servers at any endpoint: the issuer failed
    /// (its database), not the request; HTTP 500, the wallet may retry.
    ServerError,
}

impl ErrorCode {
    /// The code as the specifications spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidToken => "invalid_token",
            Self::InvalidDpopProof => "invalid_dpop_proof",
            Self::UseDpopNonce => "use_dpop_nonce",
            Self::InvalidCredentialRequest => "invalid_credential_request",
            Self::UnknownCredentialConfiguration => "unknown_credential_configuration",
            Self::UnknownCredentialIdentifier => "unknown_credential_identifier",
            Self::InvalidProof => "invalid_proof",
            Self::InvalidNonce => "invalid_nonce",
            Self::CredentialRequestDenied => "credential_request_denied",
            Self::ServerError => "server_error",
        }
    }

    /// The HTTP status: 401 for access-token and client errors (RFC 6750 §3.1, RFC 6749 §5.2),
    /// 400 otherwise.
    pub fn http_status(self) -> u16 {
        match self {
            Self::InvalidClient | Self::InvalidToken => 401,
            Self::ServerError => 500,
            // RFC 9449 §7.1: at the resource server an invalid DPoP proof is a 401 with
            // `WWW-Authenticate: DPoP error="invalid_dpop_proof"`; at the token endpoint a 400.
            // The handler decides; 400 is the token endpoint's.
            _ => 400,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An OpenID4VCI / OAuth error with a description that names the field and the rule (never key
/// material or a PIN).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {description}")]
pub struct Oid4vciError {
    /// The code.
    pub code: ErrorCode,
    /// `error_description`.
    pub description: String,
    /// A fresh DPoP nonce to send back in `DPoP-Nonce` (RFC 9449 §8), where there is one.
    pub dpop_nonce: Option<String>,
}

impl Oid4vciError {
    /// An error with `code` and `description`.
    pub fn new(code: ErrorCode, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
            dpop_nonce: None,
        }
    }

    /// With a `DPoP-Nonce` for the response.
    pub fn with_dpop_nonce(mut self, nonce: impl Into<String>) -> Self {
        self.dpop_nonce = Some(nonce.into());
        self
    }

    /// The JSON body `{"error", "error_description"}`.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({ "error": self.code.as_str(), "error_description": self.description })
    }
}
