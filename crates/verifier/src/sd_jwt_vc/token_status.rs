//! The revocation check of an SD-JWT VC: its `status.status_list` reference (draft-ietf-oauth-
//! status-list §6.1), the Status List Token fetched from `uri` (§8.3: `typ` `statuslist+jwt`,
//! signed by the credential's issuer, `sub` = `uri`, not expired), and the entry `idx`: 0x00
//! VALID, 0x01 INVALID (revoked), 0x02 SUSPENDED (§7.1). A token that cannot be fetched, is no
//! JWS at all, or has expired, is "could not check" (`error`); a forged token, an index outside
//! the list or a set entry is `failed`.

use chrono::{DateTime, Utc};
use proofs::token_status_list::{self as tsl, TokenStatusListError};
use serde_json::{Map, Value};

use super::issuer_key::{IssuerKeys, KeySource};
use crate::fetch::{FetchError, Request, Session};
use crate::policy::Policy;
use crate::report::{CheckKind, CheckResult, CheckStatus};

/// `Accept` of status list token fetches (§8.1).
const ACCEPT: &str = "application/statuslist+jwt";

/// The status list token the check fetches, if the credential references one.
pub(crate) fn requests(payload: &Map<String, Value>, policy: &Policy) -> Vec<Request> {
    payload
        .get("status")
        .and_then(|s| tsl::parse_status_reference(s).ok())
        .map(|(_, uri)| Request {
            url: uri,
            accept: ACCEPT,
            ttl: policy.status_list_ttl,
        })
        .into_iter()
        .collect()
}

fn result(status: CheckStatus, message: String) -> CheckResult {
    CheckResult::new(CheckKind::Revocation, status, message)
}

/// Runs the check. `keys` are the issuer's keys the proof check established (`None` when it
/// could not: then the token cannot be authenticated).
pub(crate) fn check(
    payload: &Map<String, Value>,
    keys: Option<&IssuerKeys>,
    policy: &Policy,
    session: &Session<'_>,
    now: DateTime<Utc>,
) -> CheckResult {
    use CheckStatus::{Error, Failed};
    let Some(status) = payload.get("status") else {
        return CheckResult::skipped(
            CheckKind::Revocation,
            "no status claim: the credential cannot be revoked",
        );
    };
    let (idx, uri) = match tsl::parse_status_reference(status) {
        Ok(r) => r,
        Err(e) => return result(Failed, e.to_string()),
    };
    let body = match session.get(&uri, ACCEPT, policy.status_list_ttl) {
        Ok(b) => b,
        Err(e @ FetchError::Timeout { .. }) => {
            return result(Error, format!("status list token {e}"))
        }
        Err(e) => return result(Error, format!("status list token unavailable: {e}")),
    };
    let text = String::from_utf8_lossy(&body);
    // Not a JWS at all (an error page, another document): nothing says anything about the
    // credential's status, so "could not check" (draft-ietf-oauth-status-list §8.3: no
    // statement about the status can be made). A token that is one but is forged, stale or
    // malformed is "failed", as below.
    let jws = match proofs::jose::decode_compact(text.trim()) {
        Ok(j) => j,
        Err(e) => {
            return result(
                Error,
                format!(
                    "status list token {uri} is not a status list token (could not check): {e}"
                ),
            )
        }
    };
    if jws.typ() != Some(tsl::STATUS_LIST_JWT_TYP) {
        return result(
            Failed,
            format!(
                "status list token {uri}: typ is {:?}, not \"statuslist+jwt\" (draft-ietf-oauth-status-list §5.1)",
                jws.typ().unwrap_or("missing")
            ),
        );
    }
    let Some(keys) = keys else {
        return result(
            Error,
            format!("status list token {uri} cannot be authenticated: the issuer's key is not established (see the proof check)"),
        );
    };
    if !signed_by_issuer(&jws, keys, policy, now) {
        return result(
            Failed,
            format!("status list token {uri} is not signed by the credential's issuer"),
        );
    }
    let claims = match jws.payload_json() {
        Ok(c) => c,
        Err(e) => return result(Failed, format!("status list token {uri}: {e}")),
    };
    let list = match tsl::parse_status_list_token_claims(&claims, &uri, now.timestamp()) {
        Ok(l) => l,
        Err(e) => {
            let could_not = matches!(
                &e,
                TokenStatusListError::Claim { claim: "exp", .. }
                    | TokenStatusListError::Bomb { .. }
                    | TokenStatusListError::TooLong { .. }
            );
            return result(
                if could_not { Error } else { Failed },
                format!("status list token {uri}: {e}"),
            );
        }
    };
    read_status(&list, idx, &uri)
}

/// Signed by one of the issuer's keys, or (x5c, a rotated seal key) by a certificate of the same
/// subject, with the same intermediate certificates, whose own path to the seal anchors is valid
/// at `now`. (The path check matters when the credential's `x5c` is the leaf alone: "the same
/// intermediates" is then no check at all, and a self-signed certificate with the university's
/// subject name would pass.)
fn signed_by_issuer(
    jws: &proofs::jose::CompactJws,
    keys: &IssuerKeys,
    policy: &Policy,
    now: DateTime<Utc>,
) -> bool {
    if keys.keys.iter().any(|k| jws.verify(k).is_ok()) {
        return true;
    }
    let KeySource::X5c(report) = &keys.source else {
        return false;
    };
    let Ok(chain) = proofs::jose::x5c_chain(&jws.header) else {
        return false;
    };
    let Ok(certs) = chain
        .iter()
        .map(|der| proofs::certs::certificate_from_der(der))
        .collect::<Result<Vec<_>, _>>()
    else {
        return false;
    };
    let Some(leaf) = certs.first() else {
        return false;
    };
    let same_subject = proofs::certs::CertificateInfo::of(leaf).subject == report.signer.subject;
    let same_ca = report
        .chain_der
        .get(1..)
        .is_some_and(|rest| chain.get(1..) == Some(rest));
    same_subject
        && same_ca
        && proofs::certs::validate_path(&certs, &crate::verify::seal_anchors(policy), now)
            .is_trusted()
        && proofs::certs::certificate_public_key(leaf).is_ok_and(|k| jws.verify(&k).is_ok())
}

/// The entry `idx` of `list` (§7.1 Status Types).
fn read_status(list: &tsl::StatusList, idx: usize, uri: &str) -> CheckResult {
    use CheckStatus::{Error, Failed, Ok};
    let Some(v) = list.get(idx) else {
        return result(
            Failed,
            format!(
                "status_list.idx {idx} lies beyond the {} entries of {uri}",
                list.len()
            ),
        );
    };
    match v {
        tsl::VALID => result(
            Ok,
            format!("not revoked or suspended: entry {idx} of {uri} is 0x0 (VALID)"),
        ),
        tsl::INVALID => result(
            Failed,
            format!("revoked: entry {idx} of {uri} is 0x1 (INVALID)"),
        ),
        tsl::SUSPENDED => result(
            Failed,
            format!("suspended: entry {idx} of {uri} is 0x2 (SUSPENDED)"),
        ),
        other => result(
            Error,
            format!("entry {idx} of {uri} is 0x{other:x}, an application-specific status this verifier does not know"),
        ),
    }
}
