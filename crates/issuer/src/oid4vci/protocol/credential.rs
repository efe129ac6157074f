//! The credential endpoint (OpenID4VCI 1.0 §8): the access token (RFC 6750 `Bearer`, or RFC
//! 9449 `DPoP` with its proof), a JSON credential request (§8.2: `credential_configuration_id`
//! and `proofs.jwt` with one proof of possession), and the credential response (§8.3:
//! `{"credentials": [{"credential": ...}]}`).
//!
//! The credential is made at request time from the STORED award credential the grant names
//! (its EDC JSON-LD; so its `id` and status entry are the stored one's, and one revocation
//! reaches every form), bound to the holder key of the proof, and re-signed with the university's
//! keys through [`crate::securing::Securer`]:
//!
//! - `ldp_vc`: `credentialSubject.id` = the holder's `did:jwk` / `did:key`, a new Data Integrity
//!   `eddsa-rdfc-2022` proof; it passes [`crate::securing::IssuanceCheck`] (format, proof,
//!   trust, awarding body) before it is returned.
//! - `jwt_vc_json`: the same bound credential as a VC-JOSE `vc+jwt` ([`proofs::vc_jwt`]), checked
//!   the same way (with the Data Integrity form it is made from).
//! - `dc+sd-jwt`: the SD-JWT VC learning credential ([`super::sd_jwt_vc`]).
//!
//! A revoked or suspended credential is not handed out (`credential_request_denied`). Errors are
//! those §8.3.1 names; access token errors are RFC 6750 §3.1's and RFC 9449 §7.1's.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::dpop::DpopCheck;
use super::proof::{check_proof_jwt, HolderKey};
use super::token::server_error;
use super::{
    endpoint_url, issuer_identifier, ALL_CONFIGURATIONS, CONFIG_JWT_VC_JSON, CONFIG_LDP_VC,
};
use crate::app::App;
use crate::domain::{hash_token, FieldError};
use crate::oid4vci::{ErrorCode, Oid4vciError};
use crate::securing::Secured;
use crate::store::AccessTokenRow;

/// A credential request (§8.2). Members this issuer does not support are read to be refused
/// by name, not ignored.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CredentialRequest {
    /// The configuration asked for.
    pub credential_configuration_id: Option<String>,
    /// A credential identifier of `authorization_details` (not issued here).
    pub credential_identifier: Option<String>,
    /// `{"jwt": ["<proof>"]}`.
    pub proofs: Option<Value>,
    /// The single `proof` of drafts before 1.0 (not in 1.0).
    pub proof: Option<Value>,
    /// Response encryption (not supported).
    pub credential_response_encryption: Option<Value>,
}

/// The credential response body (§8.3).
pub type CredentialResponse = Value;

fn request_error(code: ErrorCode, description: impl Into<String>) -> Oid4vciError {
    Oid4vciError::new(code, description)
}

/// `Authorization: DPoP <token>` or `Bearer <token>` (schemes case-insensitive, RFC 9110 §11.1).
fn access_token(authorization: Option<&str>) -> Result<(bool, &str), Oid4vciError> {
    let header = authorization.ok_or_else(|| {
        request_error(
            ErrorCode::InvalidToken,
            "header `Authorization` with the access token (`DPoP <token>` or `Bearer <token>`) is required",
        )
    })?;
    let (scheme, token) = header.trim().split_once(' ').ok_or_else(|| {
        request_error(
            ErrorCode::InvalidToken,
            "header `Authorization` must be `DPoP <token>` or `Bearer <token>`",
        )
    })?;
    let token = token.trim();
    let dpop = if scheme.eq_ignore_ascii_case("DPoP") {
        true
    } else if scheme.eq_ignore_ascii_case("Bearer") {
        false
    } else {
        return Err(request_error(
            ErrorCode::InvalidToken,
            format!("authorization scheme `{scheme}` is not supported (DPoP, Bearer)"),
        ));
    };
    if token.is_empty() {
        return Err(request_error(
            ErrorCode::InvalidToken,
            "the access token is empty",
        ));
    }
    Ok((dpop, token))
}

/// Reads the JSON body and picks the configuration and the one `jwt` proof.
fn read_request(body: &[u8]) -> Result<(String, String), Oid4vciError> {
    let invalid = |d: String| request_error(ErrorCode::InvalidCredentialRequest, d);
    let value: Value = strict_json::from_slice(body)
        .map_err(|e| invalid(format!("the body is not strict JSON: {e}")))?;
    let request: CredentialRequest = serde_json::from_value(value)
        .map_err(|e| invalid(format!("the body is not a credential request (§8.2): {e}")))?;
    if request.credential_response_encryption.is_some() {
        return Err(invalid(
            "`credential_response_encryption` is not supported by this issuer".into(),
        ));
    }
    if request.credential_identifier.is_some() {
        return Err(request_error(
            ErrorCode::UnknownCredentialIdentifier,
            "`credential_identifier`: this issuer issues no credential identifiers; send `credential_configuration_id`",
        ));
    }
    let configuration = request
        .credential_configuration_id
        .ok_or_else(|| invalid("`credential_configuration_id` is required (§8.2)".into()))?;
    if request.proof.is_some() {
        return Err(invalid(
            "`proof` is not part of OpenID4VCI 1.0: send `proofs` {\"jwt\": [\"<proof>\"]} (§8.2)"
                .into(),
        ));
    }
    let proofs = request.proofs.ok_or_else(|| {
        request_error(
            ErrorCode::InvalidProof,
            "`proofs` is required: every configuration is bound to a holder key (§8.2)",
        )
    })?;
    let Some(Value::Array(jwts)) = proofs.as_object().and_then(|p| p.get("jwt")) else {
        return Err(request_error(
            ErrorCode::InvalidProof,
            "`proofs.jwt` must be an array of proof JWTs (only proof type `jwt` is supported)",
        ));
    };
    if proofs.as_object().is_some_and(|p| p.len() != 1) {
        return Err(invalid("`proofs` must have exactly one proof type".into()));
    }
    match jwts.as_slice() {
        [Value::String(jwt)] => Ok((configuration, jwt.clone())),
        [_] => Err(request_error(
            ErrorCode::InvalidProof,
            "`proofs.jwt[0]` must be a string (a compact JWT)",
        )),
        _ => Err(invalid(
            "`proofs.jwt` must hold exactly one proof: batch issuance is not supported".into(),
        )),
    }
}

impl App {
    /// The access token's row, checked with its DPoP proof (RFC 9449 §7.1) when it is bound.
    async fn authorize_credential_request(
        &self,
        university: &str,
        authorization: Option<&str>,
        dpop: Option<&str>,
    ) -> Result<AccessTokenRow, Oid4vciError> {
        let (dpop_scheme, token) = access_token(authorization)?;
        let row = self
            .store()
            .access_token(university, &hash_token(token), self.now())
            .await
            .map_err(server_error)?
            .ok_or_else(|| {
                request_error(
                    ErrorCode::InvalidToken,
                    "the access token is unknown or expired",
                )
            })?;
        let Some(bound) = row.dpop_jkt.as_deref() else {
            if dpop_scheme {
                return Err(request_error(
                    ErrorCode::InvalidToken,
                    "the access token is not DPoP-bound: present it as `Bearer`",
                ));
            }
            return Ok(row);
        };
        if !dpop_scheme {
            return Err(request_error(
                ErrorCode::InvalidToken,
                "the access token is DPoP-bound: present it as `Authorization: DPoP <token>` with a `DPoP` proof (RFC 9449 §7.1)",
            ));
        }
        let proof = dpop.ok_or_else(|| {
            request_error(
                ErrorCode::InvalidDpopProof,
                "header `DPoP` is required with a DPoP-bound access token",
            )
        })?;
        let url = endpoint_url(self.base_url(), university, "credential");
        let check = DpopCheck {
            method: "POST",
            url: &url,
            access_token: Some(token),
        };
        let jkt = self.verify_dpop(proof, &check).await?;
        if jkt != bound {
            return Err(request_error(
                ErrorCode::InvalidDpopProof,
                "the DPoP proof's key is not the key the access token is bound to",
            ));
        }
        Ok(row)
    }

    /// The credential endpoint of `university` (§8): `authorization` and `dpop` are the
    /// request's headers, `body` its JSON body. The credential response body.
    pub async fn oid4vci_credential(
        &self,
        university: &str,
        authorization: Option<&str>,
        dpop: Option<&str>,
        body: &[u8],
    ) -> Result<CredentialResponse, Oid4vciError> {
        let grant = self
            .authorize_credential_request(university, authorization, dpop)
            .await?;
        let (configuration, jwt) = read_request(body)?;
        if !ALL_CONFIGURATIONS.contains(&configuration.as_str())
            || !grant.configuration_ids.contains(&configuration)
        {
            return Err(request_error(
                ErrorCode::UnknownCredentialConfiguration,
                format!("credential configuration `{configuration}` is not one this access token was granted"),
            ));
        }
        let issuer = issuer_identifier(self.base_url(), university);
        let max_age = self.oid4vci_settings().proof_max_age_secs;
        let checked = check_proof_jwt(&jwt, &issuer, self.now(), max_age)?;
        let live = self
            .store()
            .consume_nonce(university, &hash_token(&checked.nonce), self.now())
            .await
            .map_err(server_error)?;
        if !live {
            return Err(request_error(
                ErrorCode::InvalidNonce,
                "proof: claim `nonce` is not a live `c_nonce` of this issuer (unknown, used or expired); get a new one from the nonce endpoint",
            ));
        }
        let stored = self.granted_credential(&grant).await?;
        let credential = match configuration.as_str() {
            CONFIG_LDP_VC | CONFIG_JWT_VC_JSON => {
                self.bound_w3c_credential(university, stored, &checked.holder, &configuration)
                    .await?
            }
            _ => {
                self.sd_jwt_vc(university, &grant, &stored, &checked.holder)
                    .await?
            }
        };
        tracing::info!(university, credential = %grant.credential_id, configuration, "credential issued to a wallet");
        Ok(json!({ "credentials": [{ "credential": credential }] }))
    }

    /// The stored EDC credential the grant names, if it is active.
    async fn granted_credential(&self, grant: &AccessTokenRow) -> Result<Value, Oid4vciError> {
        let row = self
            .store()
            .credential(&grant.university, &grant.credential_id)
            .await
            .map_err(server_error)?
            .ok_or_else(|| {
                request_error(
                    ErrorCode::CredentialRequestDenied,
                    "the offered credential no longer exists",
                )
            })?;
        if row.status != "active" {
            return Err(request_error(
                ErrorCode::CredentialRequestDenied,
                format!("the offered credential is {}", row.status),
            ));
        }
        serde_json::from_str(&row.credential)
            .map_err(|e| request_error(ErrorCode::ServerError, format!("stored credential: {e}")))
    }

    /// The `ldp_vc` (a JSON object) or `jwt_vc_json` (a string) form of `stored`, bound to
    /// `holder`, signed now and checked as at issuance.
    async fn bound_w3c_credential(
        &self,
        university: &str,
        stored: Value,
        holder: &HolderKey,
        configuration: &str,
    ) -> Result<Value, Oid4vciError> {
        let Value::Object(stored) = stored else {
            return Err(request_error(
                ErrorCode::ServerError,
                "the stored credential is not a JSON object",
            ));
        };
        let mut document = proofs::data_integrity::without_proof(&stored);
        bind_subject(&mut document, &holder.did);
        let (securer, check) = (self.securer().clone(), self.issuance_check().clone());
        let (uni, now, as_jwt) = (
            university.to_owned(),
            self.now(),
            configuration == CONFIG_JWT_VC_JSON,
        );
        let denied = |what: &str, e: &dyn std::fmt::Display| {
            tracing::warn!(university, error = %e, "{what}");
            request_error(
                ErrorCode::CredentialRequestDenied,
                // The findings of the issuer's own check or the signer's error: never key
                // material (SecureError and the verifier's messages name keys by id only).
                format!("the bound credential could not be made: {what}: {e}"),
            )
        };
        let made = tokio::task::spawn_blocking(move || {
            let credential = securer
                .sign(&uni, document, now)
                .map_err(|e| e.to_string())?;
            let vc_jwt = if as_jwt {
                Some(
                    securer
                        .vc_jwt(&uni, &credential)
                        .map_err(|e| e.to_string())?,
                )
            } else {
                None
            };
            let mut secured = Secured {
                credential,
                jades: None,
                jades_value: None,
                vc_jwt,
                document_hash: None,
            };
            check
                .check(&mut secured, now)
                .map_err(|findings| findings_text(&findings))?;
            Ok::<_, String>(secured)
        })
        .await
        .map_err(|e| denied("signing task failed", &e))?
        .map_err(|e| denied("signing or its check failed", &e))?;
        Ok(match made.vc_jwt {
            Some(jwt) => Value::String(jwt),
            None => made.credential,
        })
    }
}

/// `credentialSubject.id` = `did` (the first subject, when there are several).
fn bind_subject(document: &mut Map<String, Value>, did: &str) {
    let subject = match document.get_mut("credentialSubject") {
        Some(Value::Array(subjects)) => subjects.first_mut(),
        other => other,
    };
    match subject {
        Some(Value::Object(subject)) => {
            subject.insert("id".into(), Value::String(did.to_owned()));
        }
        _ => {
            document.insert("credentialSubject".into(), json!({ "id": did }));
        }
    }
}

/// Findings as one line (`rule: message; ...`).
pub(super) fn findings_text(findings: &[FieldError]) -> String {
    findings
        .iter()
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect::<Vec<_>>()
        .join("; ")
}
