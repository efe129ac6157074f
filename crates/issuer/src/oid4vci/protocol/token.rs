//! The token endpoint (OpenID4VCI 1.0 §6, RFC 6749 §3.2) for the pre-authorized code grant
//! (§6.1), and the nonce endpoint (§7).
//!
//! A token request is `application/x-www-form-urlencoded` (RFC 6749 §3.2; a parameter sent twice
//! is refused, §3.1): `grant_type` = [`super::PRE_AUTHORIZED_GRANT`], `pre-authorized_code`,
//! and `tx_code` when the offer asked for one. The DPoP proof, when sent, is checked first (an
//! invalid one does not use up the code); the code is then redeemed
//! ([`App::redeem_pre_authorized_code`], single use) and an access token issued: 256 random bits,
//! stored only as its SHA-256 with its grant, its expiry and, with DPoP, the key's thumbprint
//! (`token_type` `DPoP`, RFC 9449 §5; `Bearer` otherwise). A university whose profile is HAIP
//! (config `oid4vci.haip_universities`) requires DPoP.
//!
//! The nonce endpoint hands out a fresh `c_nonce` (256 random bits, stored hashed, single use,
//! `oid4vci.c_nonce_lifetime_secs`) for the proofs of possession (§7.2).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Serialize;

use super::dpop::DpopCheck;
use super::proof::seconds;
use super::{endpoint_url, PRE_AUTHORIZED_GRANT};
use crate::app::App;
use crate::domain::{hash_token, DomainError};
use crate::oid4vci::{ErrorCode, Oid4vciError};
use crate::store::{AccessTokenRow, NewAccessToken, StoreError};

/// A token request (§6.1), read from its form body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenRequest {
    /// `grant_type`.
    pub grant_type: Option<String>,
    /// `pre-authorized_code`.
    pub pre_authorized_code: Option<String>,
    /// `tx_code`.
    pub tx_code: Option<String>,
}

impl TokenRequest {
    /// Reads an `application/x-www-form-urlencoded` body; a parameter twice is `invalid_request`
    /// (RFC 6749 §3.1), unknown parameters are ignored (§3.2).
    pub fn from_form(body: &[u8]) -> Result<Self, Oid4vciError> {
        let mut request = Self::default();
        for (name, value) in url::form_urlencoded::parse(body) {
            let slot = match name.as_ref() {
                "grant_type" => &mut request.grant_type,
                "pre-authorized_code" => &mut request.pre_authorized_code,
                "tx_code" => &mut request.tx_code,
                _ => continue,
            };
            if slot.is_some() {
                return Err(Oid4vciError::new(
                    ErrorCode::InvalidRequest,
                    format!("parameter `{name}` is sent more than once (RFC 6749 §3.1)"),
                ));
            }
            *slot = Some(value.into_owned());
        }
        Ok(request)
    }
}

/// A successful token response (§6.2, RFC 6749 §5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenResponse {
    /// The access token (only its hash is stored).
    pub access_token: String,
    /// `DPoP` (bound to the DPoP proof's key) or `Bearer`.
    pub token_type: String,
    /// Seconds until it expires.
    pub expires_in: u64,
}

/// A storage failure as the OAuth `server_error`: logged here, answered without the database's
/// own message (which may name tables, columns or hashed secrets), so the wallet may retry.
pub(crate) fn server_error(e: StoreError) -> Oid4vciError {
    tracing::error!(error = %e, "OpenID4VCI: storage failed");
    Oid4vciError::new(
        ErrorCode::ServerError,
        "the credential issuer could not reach its storage now; retry later",
    )
}

fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

impl App {
    /// `Ok` when `university` is one of this service's credential issuers.
    pub fn require_credential_issuer(&self, university: &str) -> Result<(), DomainError> {
        match self.universities().get(university) {
            Some(_) => Ok(()),
            None => Err(DomainError::NotFound(format!("university `{university}`"))),
        }
    }

    /// Whether `university`'s profile is HAIP (DPoP required; config `oid4vci.haip_universities`).
    pub fn is_haip(&self, university: &str) -> bool {
        self.oid4vci_settings()
            .haip_universities
            .iter()
            .any(|u| u == university)
    }

    /// The token endpoint of `university` (§6): `dpop` is the `DPoP` header, if sent.
    pub async fn oid4vci_token(
        &self,
        university: &str,
        request: &TokenRequest,
        dpop: Option<&str>,
    ) -> Result<TokenResponse, Oid4vciError> {
        match request.grant_type.as_deref() {
            Some(PRE_AUTHORIZED_GRANT) => {}
            None => {
                return Err(Oid4vciError::new(
                    ErrorCode::InvalidRequest,
                    "parameter `grant_type` is required",
                ))
            }
            Some(other) => {
                return Err(Oid4vciError::new(
                    ErrorCode::UnsupportedGrantType,
                    format!("grant_type `{other}` is not supported; only `{PRE_AUTHORIZED_GRANT}`"),
                ))
            }
        }
        let code = request
            .pre_authorized_code
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| {
                Oid4vciError::new(
                    ErrorCode::InvalidRequest,
                    "parameter `pre-authorized_code` is required (§6.1)",
                )
            })?;
        let jkt = match dpop {
            Some(proof) => {
                let url = endpoint_url(self.base_url(), university, "token");
                let check = DpopCheck {
                    method: "POST",
                    url: &url,
                    access_token: None,
                };
                Some(self.verify_dpop(proof, &check).await?)
            }
            None if self.is_haip(university) => return Err(Oid4vciError::new(
                ErrorCode::InvalidDpopProof,
                "header `DPoP` is required: this credential issuer's profile is HAIP (RFC 9449 §5)",
            )),
            None => None,
        };
        let grant = self
            .redeem_pre_authorized_code(university, code, request.tx_code.as_deref())
            .await?;
        let settings = self.oid4vci_settings();
        let now = self.now();
        let expires = now
            .checked_add_signed(seconds(settings.access_token_lifetime_secs))
            .unwrap_or(now);
        let access_token = random_token();
        let row = AccessTokenRow {
            university: university.to_owned(),
            offer_id: grant.offer_id,
            credential_id: grant.credential_id,
            configuration_ids: grant.configuration_ids,
            dpop_jkt: jkt,
            expires_at: crate::store::stamp(expires),
        };
        let token_type = if row.dpop_jkt.is_some() {
            "DPoP"
        } else {
            "Bearer"
        };
        self.store()
            .insert_access_token(&NewAccessToken {
                token_hash: &hash_token(&access_token),
                row: &row,
                created_at: now,
            })
            .await
            .map_err(server_error)?;
        tracing::info!(university, offer = %row.offer_id, token_type, "OpenID4VCI access token issued");
        Ok(TokenResponse {
            access_token,
            token_type: token_type.to_owned(),
            expires_in: settings.access_token_lifetime_secs,
        })
    }

    /// The nonce endpoint of `university` (§7): a fresh `c_nonce`.
    pub async fn oid4vci_nonce(&self, university: &str) -> Result<String, Oid4vciError> {
        let nonce = random_token();
        let now = self.now();
        let expires = now
            .checked_add_signed(seconds(self.oid4vci_settings().c_nonce_lifetime_secs))
            .unwrap_or(now);
        self.store()
            .insert_nonce(university, &hash_token(&nonce), now, expires)
            .await
            .map_err(server_error)?;
        Ok(nonce)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Review of issue #16 (helper R): the database's own message is logged, not answered.
    #[test]
    fn storage_failures_do_not_reach_the_wallet() {
        let e = server_error(StoreError::Corrupt(
            "oid4vci_access_tokens.token_hash 9f86d0".into(),
        ));
        assert_eq!(e.code, ErrorCode::ServerError);
        assert!(!e.description.contains("oid4vci_access_tokens"), "{e}");
        assert!(!e.description.contains("9f86d0"), "{e}");
        assert!(e.description.contains("retry"), "{e}");
    }
}
