//! The `dc+sd-jwt` form (OpenID4VCI 1.0 Appendix A.3): the EUDI SD-JWT VC learning credential
//! (`vct` [`super::LEARNING_CREDENTIAL_VCT`]) of a stored award, bound to the holder key by
//! `cnf.jwk` (SD-JWT VC §3.2.2.2), signed with the university's seal key (`x5c` = its chain,
//! SD-JWT VC §3.5 issuer key discovery by X.509).
//!
//! Its claims are [`elm_model::learning_credential::claims`] of the stored EDC credential (the
//! mapping is docs/LEARNING_CREDENTIAL.md, with the selectively disclosable ones), plus `iss`
//! (the credential issuer identifier), `iat`, `exp` (the award's `validUntil` /
//! `expirationDate`, if any), `vct`, `cnf` and `status.status_list` (the credential's Token
//! Status List entry: the same stored status as the other forms, so one revocation reaches it).
//! Before it is returned it passes [`crate::securing::IssuanceCheck::check_sd_jwt_vc`] (format,
//! signature and disclosures, trust of the seal chain, awarding body), as the other forms do.

use chrono::DateTime;
use serde_json::{json, Map, Value};

use super::proof::HolderKey;
use super::{issuer_identifier, LEARNING_CREDENTIAL_VCT};
use crate::app::App;
use crate::oid4vci::{ErrorCode, Oid4vciError};
use crate::store::AccessTokenRow;

fn denied(description: impl Into<String>) -> Oid4vciError {
    Oid4vciError::new(ErrorCode::CredentialRequestDenied, description)
}

/// The credential's expiry as seconds since the epoch: `validUntil` (VC 2.0) or
/// `expirationDate` (VC 1.1).
fn expiry(credential: &Value) -> Option<i64> {
    ["validUntil", "expirationDate"]
        .iter()
        .filter_map(|k| credential.get(*k).and_then(Value::as_str))
        .find_map(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.timestamp())
}

/// Signs `claims` as an SD-JWT VC with `university`'s seal: the header of its status list tokens
/// (`x5c` = its chain, `kid` = the key's thumbprint, as in its JWT VC Issuer Metadata `jwks`).
fn sign(
    securer: &dyn crate::securing::Securer,
    university: &str,
    claims: Map<String, Value>,
    disclosable: &[String],
) -> Result<String, String> {
    let (signer, chain) = securer
        .seal_signer(university)
        .ok_or("the university has no seal key to sign SD-JWT VCs with")?;
    let typ = proofs::sd_jwt::TYP_SD_JWT_VC;
    let header = crate::app::status_token::seal_jose_header(signer, &chain, typ)
        .map_err(|e| e.to_string())?;
    proofs::sd_jwt::issue(
        claims,
        disclosable,
        header,
        typ,
        signer,
        &mut proofs::sd_jwt::RandomSalts,
    )
    .map_err(|e| e.to_string())
}

impl App {
    /// The SD-JWT VC of `stored` (the EDC JSON-LD of the grant's credential) for `holder`.
    pub(super) async fn sd_jwt_vc(
        &self,
        university: &str,
        grant: &AccessTokenRow,
        stored: &Value,
        holder: &HolderKey,
    ) -> Result<Value, Oid4vciError> {
        let mapped = elm_model::learning_credential::claims(stored).map_err(|e| {
            denied(format!(
                "the award cannot be mapped to the learning credential: {e}"
            ))
        })?;
        let mut claims = mapped.claims;
        let status = self
            .token_status_reference(&grant.credential_id)
            .await
            .map_err(|e| denied(format!("no Token Status List entry: {e}")))?;
        claims.insert(
            "iss".into(),
            issuer_identifier(self.base_url(), university).into(),
        );
        claims.insert("iat".into(), self.now().timestamp().into());
        if let Some(exp) = expiry(stored) {
            claims.insert("exp".into(), exp.into());
        }
        claims.insert("vct".into(), LEARNING_CREDENTIAL_VCT.into());
        claims.insert("cnf".into(), json!({ "jwk": holder.jwk }));
        claims.insert("status".into(), status);
        let (securer, check) = (self.securer().clone(), self.issuance_check().clone());
        let (uni, now, disclosable) = (
            university.to_owned(),
            self.now(),
            mapped.selectively_disclosable,
        );
        let made = tokio::task::spawn_blocking(move || {
            let sd_jwt = sign(securer.as_ref(), &uni, claims, &disclosable)?;
            check
                .check_sd_jwt_vc(&sd_jwt, now)
                .map_err(|findings| super::credential::findings_text(&findings))?;
            Ok::<_, String>(sd_jwt)
        })
        .await
        .map_err(|e| denied(format!("signing task failed: {e}")))?;
        match made {
            Ok(sd_jwt) => Ok(Value::String(sd_jwt)),
            Err(e) => {
                tracing::warn!(university, error = %e, "SD-JWT VC not made");
                Err(denied(format!("the SD-JWT VC could not be made: {e}")))
            }
        }
    }
}
