//! The `revocation` check: Bitstring Status List v1.0 §3.2 "Validate Algorithm" for every
//! `credentialStatus` of type `BitstringStatusListEntry` (purposes `revocation` and `suspension`;
//! VC Data Model 2.0 §4.10 "Status").
//!
//! For each entry: dereference `statusListCredential` (guarded fetch, cached by URL with the
//! policy's TTL), verify the list credential's own Data Integrity proof (VC Data Integrity §4.4),
//! require its issuer to be the credential's issuer and its `statusPurpose` to match the entry's,
//! decode `encodedList` under a size cap, and read bit `statusListIndex`. A list that cannot be
//! fetched or decoded is "could not check" (`error`), never "valid"; a set bit, a forged list or an
//! index outside any acceptable list is `failed`.
//!
//! The lists of all entries (and the did:web documents their proofs need) are fetched
//! concurrently under the verification's one deadline ([`requests`], [`list_requests`],
//! [`Session`]); a list that does not answer in time is "could not check" with the URL and the
//! deadline in the reason.

use serde_json::Value;

use crate::clock::Clock;
use crate::fetch::{FetchError, Request, Session};
use crate::format::{parse_date, types};
use crate::policy::Policy;
use crate::report::{CheckKind, CheckResult, CheckStatus};
use crate::resolve;
use crate::status;

pub(crate) const ACCEPT: &str = "application/vc+ld+json, application/ld+json, application/json";

fn entries(credential: &Value) -> Vec<&Value> {
    match credential.get("credentialStatus") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
    }
}

fn issuer_id(v: &Value) -> Option<&str> {
    match v.get("issuer")? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id")?.as_str(),
        _ => None,
    }
}

/// The status list URL of an entry the check would fetch (a BitstringStatusListEntry for
/// revocation or suspension).
fn list_url(entry: &Value) -> Option<&str> {
    let purpose = entry.get("statusPurpose").and_then(Value::as_str);
    if !types(entry).contains(&"BitstringStatusListEntry")
        || !matches!(purpose, Some("revocation" | "suspension"))
    {
        return None;
    }
    entry.get("statusListCredential").and_then(Value::as_str)
}

/// The status lists the check fetches.
pub(crate) fn requests(credential: &Value, policy: &Policy) -> Vec<Request> {
    entries(credential)
        .into_iter()
        .filter_map(list_url)
        .map(|url| Request {
            url: url.to_string(),
            accept: ACCEPT,
            ttl: policy.status_list_ttl,
        })
        .collect()
}

/// The did:web documents the proofs of the status lists fetched so far need.
pub(crate) fn list_requests(
    credential: &Value,
    policy: &Policy,
    session: &Session<'_>,
) -> Vec<Request> {
    let mut out = Vec::new();
    for url in entries(credential).into_iter().filter_map(list_url) {
        let Some(body) = session.fetched(url) else {
            continue;
        };
        let Ok(list) = strict_json::from_slice(&body) else {
            continue;
        };
        out.extend(resolve::requests(proof_methods(&list), policy));
    }
    out
}

fn proof_methods(list: &Value) -> Vec<&str> {
    match list.get("proof") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|p| p.get("verificationMethod").and_then(Value::as_str))
            .collect(),
        Some(p @ Value::Object(_)) => p
            .get("verificationMethod")
            .and_then(Value::as_str)
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

/// Runs the revocation check.
pub(crate) fn check(
    credential: &Value,
    policy: &Policy,
    clock: &dyn Clock,
    session: &Session<'_>,
) -> CheckResult {
    let list = entries(credential);
    if list.is_empty() {
        return CheckResult::skipped(
            CheckKind::Revocation,
            "no credentialStatus: the credential cannot be revoked",
        );
    }
    let issuer = issuer_id(credential);
    let results: Vec<(CheckStatus, String)> = list
        .iter()
        .map(|e| check_entry(e, issuer, policy, clock, session))
        .collect();
    let pick = |s: CheckStatus| {
        results
            .iter()
            .filter(|(st, _)| *st == s)
            .map(|(_, m)| m.clone())
            .collect::<Vec<_>>()
    };
    let failed = pick(CheckStatus::Failed);
    if !failed.is_empty() {
        return CheckResult::failed(CheckKind::Revocation, failed.join("; "));
    }
    let errors = pick(CheckStatus::Error);
    if !errors.is_empty() {
        return CheckResult::error(CheckKind::Revocation, errors.join("; "));
    }
    let ok = pick(CheckStatus::Ok);
    if ok.is_empty() {
        return CheckResult::skipped(CheckKind::Revocation, pick(CheckStatus::Skipped).join("; "));
    }
    CheckResult::ok(CheckKind::Revocation, ok.join("; "))
}

fn check_entry(
    entry: &Value,
    issuer: Option<&str>,
    policy: &Policy,
    clock: &dyn Clock,
    session: &Session<'_>,
) -> (CheckStatus, String) {
    use CheckStatus::{Error, Failed, Ok, Skipped};
    let ty = types(entry);
    if !ty.contains(&"BitstringStatusListEntry") {
        return (
            Error,
            format!(
                "credentialStatus of type {ty:?} is not supported (BitstringStatusListEntry only)"
            ),
        );
    }
    let purpose = match entry.get("statusPurpose").and_then(Value::as_str) {
        Some(p @ ("revocation" | "suspension")) => p,
        Some(p @ ("message" | "refresh")) => {
            return (
                Skipped,
                format!("status purpose {p} does not affect validity"),
            )
        }
        Some(p) => return (Error, format!("status purpose {p:?} is not supported")),
        None => {
            return (
                Failed,
                "credentialStatus entry without statusPurpose".into(),
            )
        }
    };
    let index = match entry.get("statusListIndex").map(status::parse_index) {
        Some(Result::Ok(i)) => i,
        Some(Err(e)) => return (Failed, e),
        None => {
            return (
                Failed,
                "credentialStatus entry without statusListIndex".into(),
            )
        }
    };
    let max_bits = policy.max_status_list_bytes as u64 * 8;
    if index >= max_bits {
        return (
            Failed,
            format!("statusListIndex {index} lies beyond the largest acceptable status list ({max_bits} entries)"),
        );
    }
    let Some(url) = entry.get("statusListCredential").and_then(Value::as_str) else {
        return (
            Failed,
            "credentialStatus entry without statusListCredential".into(),
        );
    };
    let now = clock.now();
    let body = match session.get(url, ACCEPT, policy.status_list_ttl) {
        Result::Ok(b) => b,
        Err(e @ FetchError::Timeout { .. }) => return (Error, format!("status list {e}")),
        Err(e) => return (Error, format!("status list unavailable: {e}")),
    };
    let list: Value = match strict_json::from_slice(&body) {
        Result::Ok(v) => v,
        Err(e) => return (Error, format!("status list {url} is not strict JSON: {e}")),
    };
    if let Err(e) = canon::budget::measure(&list, &policy.budget) {
        return (
            Error,
            format!("status list {url} is too large to check: {e}"),
        );
    }
    // The list's own proof.
    let methods: Vec<&str> = match list.get("proof") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|p| p.get("verificationMethod").and_then(Value::as_str))
            .collect(),
        Some(p @ Value::Object(_)) => p
            .get("verificationMethod")
            .and_then(Value::as_str)
            .into_iter()
            .collect(),
        _ => return (Failed, format!("status list {url} has no proof")),
    };
    let res = resolve::resolve(methods.iter().copied(), policy, session);
    if let Some((_, why)) = res.errors.first() {
        return (Error, format!("status list {url}: {why}"));
    }
    if let Err(e) = proofs::data_integrity::verify(&list, &res.resolver) {
        return (
            Failed,
            format!("status list {url}: its proof does not verify: {e}"),
        );
    }
    if !types(&list).contains(&"BitstringStatusListCredential") {
        return (
            Failed,
            format!("{url} is not a BitstringStatusListCredential"),
        );
    }
    let list_issuer = issuer_id(&list);
    if list_issuer.is_none() || list_issuer != issuer {
        return (
            Failed,
            format!(
                "status list {url} is issued by {}, not by the credential's issuer {}",
                list_issuer.unwrap_or("nobody"),
                issuer.unwrap_or("(none)")
            ),
        );
    }
    for (field, start) in [("validFrom", true), ("validUntil", false)] {
        if let Some(t) = list.get(field).and_then(Value::as_str).and_then(parse_date) {
            if (start && t > now) || (!start && t < now) {
                return (
                    Error,
                    format!(
                        "status list {url} is not valid at the verification time ({field} {t})"
                    ),
                );
            }
        }
    }
    let Some(subject) = list.get("credentialSubject").filter(|s| s.is_object()) else {
        return (
            Failed,
            format!("status list {url} has no credentialSubject object"),
        );
    };
    let list_purposes: Vec<&str> = match subject.get("statusPurpose") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !list_purposes.contains(&purpose) {
        return (
            Failed,
            format!("status list {url} has purpose {list_purposes:?}, the entry's purpose is {purpose} (STATUS_VERIFICATION_ERROR)"),
        );
    }
    let Some(encoded) = subject.get("encodedList").and_then(Value::as_str) else {
        return (Error, format!("status list {url} has no encodedList"));
    };
    let bits = match status::decode_encoded_list(encoded, policy.max_status_list_bytes) {
        Result::Ok(b) => b,
        Err(e) => return (Error, format!("status list {url}: {e}")),
    };
    match status::bit(&bits, index) {
        None => (
            Failed,
            format!(
                "statusListIndex {index} lies beyond the {} entries of {url} (RANGE_ERROR)",
                bits.len() as u64 * 8
            ),
        ),
        Some(true) if purpose == "revocation" => {
            (Failed, format!("revoked: entry {index} of {url} is set"))
        }
        Some(true) => (Failed, format!("suspended: entry {index} of {url} is set")),
        Some(false) => (
            Ok,
            format!(
                "not {}: entry {index} of {url} is clear",
                if purpose == "revocation" {
                    "revoked"
                } else {
                    "suspended"
                }
            ),
        ),
    }
}
