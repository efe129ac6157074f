//! The `revocation` check: Bitstring Status List v1.0 §3.2 "Validate Algorithm" for every
//! `credentialStatus` of type `BitstringStatusListEntry` (purposes `revocation` and `suspension`,
//! and `message` entries with `statusSize` / `statusMessage` (§2.1), such as the one 2-bit entry of
//! EDC awards whose values mean valid, suspended and revoked, docs/adr/0003; VC Data Model 2.0
//! §4.10 "Status").
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
/// revocation or suspension, or a `message` entry with its `statusMessage` table).
fn list_url(entry: &Value) -> Option<&str> {
    let purpose = entry.get("statusPurpose").and_then(Value::as_str);
    let read = match purpose {
        Some("revocation" | "suspension") => true,
        Some("message") => entry.get("statusMessage").is_some(),
        _ => false,
    };
    if !types(entry).contains(&"BitstringStatusListEntry") || !read {
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

/// An entry's outcome: its status and the reason.
type Outcome = (CheckStatus, String);

/// What the check reads from one entry.
struct Entry<'a> {
    /// `revocation`, `suspension` or `message`.
    purpose: &'a str,
    index: u64,
    /// `statusSize` (1 unless a `message` entry says otherwise).
    size: u32,
    /// `statusMessage` (`message` entries).
    messages: Option<&'a Value>,
    url: &'a str,
}

fn check_entry(
    entry: &Value,
    issuer: Option<&str>,
    policy: &Policy,
    clock: &dyn Clock,
    session: &Session<'_>,
) -> Outcome {
    let e = match parse_entry(entry, policy) {
        Ok(e) => e,
        Err(outcome) => return outcome,
    };
    let list = match fetch_list(e.url, policy, session) {
        Ok(l) => l,
        Err(outcome) => return outcome,
    };
    if let Err(outcome) = verify_list(&list, e.url, issuer, policy, clock, session) {
        return outcome;
    }
    match list_bits(&list, &e, policy) {
        Ok(bits) => read_status(&bits, &e),
        Err(outcome) => outcome,
    }
}

/// Phase 1: the entry's own fields (§2.1). A `message` entry is read when it has a
/// `statusMessage` table; without one it says nothing about validity.
fn parse_entry<'a>(entry: &'a Value, policy: &Policy) -> Result<Entry<'a>, Outcome> {
    use CheckStatus::{Error, Failed, Skipped};
    let ty = types(entry);
    if !ty.contains(&"BitstringStatusListEntry") {
        return Err((
            Error,
            format!(
                "credentialStatus of type {ty:?} is not supported (BitstringStatusListEntry only)"
            ),
        ));
    }
    let messages = entry.get("statusMessage");
    let purpose = match entry.get("statusPurpose").and_then(Value::as_str) {
        Some(p @ ("revocation" | "suspension")) => p,
        Some(p @ "message") if messages.is_some() => p,
        Some(p @ ("message" | "refresh")) => {
            return Err((
                Skipped,
                format!("status purpose {p} does not affect validity"),
            ))
        }
        Some(p) => return Err((Error, format!("status purpose {p:?} is not supported"))),
        None => {
            return Err((
                Failed,
                "credentialStatus entry without statusPurpose".into(),
            ))
        }
    };
    let size = if purpose == "message" {
        status::parse_size(entry.get("statusSize")).map_err(|e| (Failed, e))?
    } else {
        1
    };
    let index = match entry.get("statusListIndex").map(status::parse_index) {
        Some(Ok(i)) => i,
        Some(Err(e)) => return Err((Failed, e)),
        None => {
            return Err((
                Failed,
                "credentialStatus entry without statusListIndex".into(),
            ))
        }
    };
    let max_entries = policy.max_status_list_bytes as u64 * 8 / u64::from(size);
    if index >= max_entries {
        return Err((
            Failed,
            format!("statusListIndex {index} lies beyond the largest acceptable status list ({max_entries} entries)"),
        ));
    }
    let Some(url) = entry.get("statusListCredential").and_then(Value::as_str) else {
        return Err((
            Failed,
            "credentialStatus entry without statusListCredential".into(),
        ));
    };
    Ok(Entry {
        purpose,
        index,
        size,
        messages,
        url,
    })
}

/// Phase 2: dereference `statusListCredential` (§3.2 step 3): guarded fetch, strict JSON, budget.
fn fetch_list(url: &str, policy: &Policy, session: &Session<'_>) -> Result<Value, Outcome> {
    use CheckStatus::Error;
    let body = match session.get(url, ACCEPT, policy.status_list_ttl) {
        Result::Ok(b) => b,
        Err(e @ FetchError::Timeout { .. }) => return Err((Error, format!("status list {e}"))),
        Err(e) => return Err((Error, format!("status list unavailable: {e}"))),
    };
    let list: Value = strict_json::from_slice(&body)
        .map_err(|e| (Error, format!("status list {url} is not strict JSON: {e}")))?;
    if let Err(e) = canon::budget::measure(&list, &policy.budget) {
        return Err((
            Error,
            format!("status list {url} is too large to check: {e}"),
        ));
    }
    Ok(list)
}

/// Phase 3: the list credential is genuine (its own Data Integrity proof), a
/// `BitstringStatusListCredential` of the credential's issuer, valid at the verification time.
fn verify_list(
    list: &Value,
    url: &str,
    issuer: Option<&str>,
    policy: &Policy,
    clock: &dyn Clock,
    session: &Session<'_>,
) -> Result<(), Outcome> {
    use CheckStatus::{Error, Failed};
    if !matches!(list.get("proof"), Some(Value::Array(_) | Value::Object(_))) {
        return Err((Failed, format!("status list {url} has no proof")));
    }
    let res = resolve::resolve(proof_methods(list), policy, session);
    if let Some((_, why)) = res.errors.first() {
        return Err((Error, format!("status list {url}: {why}")));
    }
    if let Err(e) = proofs::data_integrity::verify(list, &res.resolver) {
        return Err((
            Failed,
            format!("status list {url}: its proof does not verify: {e}"),
        ));
    }
    if !types(list).contains(&"BitstringStatusListCredential") {
        return Err((
            Failed,
            format!("{url} is not a BitstringStatusListCredential"),
        ));
    }
    let list_issuer = issuer_id(list);
    // The same issuer, or (issue #15) another DID of the same trust registry member: a university
    // signing as its did:key keeps publishing its status lists under its did:web.
    let same_member = match (list_issuer, issuer) {
        (Some(a), Some(b)) => policy
            .registry
            .member_by_did(a)
            .is_some_and(|m| m.has_did(b)),
        _ => false,
    };
    if list_issuer.is_none() || (list_issuer != issuer && !same_member) {
        return Err((
            Failed,
            format!(
                "status list {url} is issued by {}, not by the credential's issuer {}",
                list_issuer.unwrap_or("nobody"),
                issuer.unwrap_or("(none)")
            ),
        ));
    }
    let now = clock.now();
    for (field, start) in [("validFrom", true), ("validUntil", false)] {
        if let Some(t) = list.get(field).and_then(Value::as_str).and_then(parse_date) {
            if (start && t > now) || (!start && t < now) {
                return Err((
                    Error,
                    format!(
                        "status list {url} is not valid at the verification time ({field} {t})"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Phase 4: the list's purpose matches the entry's (STATUS_VERIFICATION_ERROR) and its
/// `encodedList` decodes under the size cap.
fn list_bits(list: &Value, e: &Entry<'_>, policy: &Policy) -> Result<Vec<u8>, Outcome> {
    use CheckStatus::{Error, Failed};
    let url = e.url;
    let Some(subject) = list.get("credentialSubject").filter(|s| s.is_object()) else {
        return Err((
            Failed,
            format!("status list {url} has no credentialSubject object"),
        ));
    };
    let list_purposes: Vec<&str> = match subject.get("statusPurpose") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !list_purposes.contains(&e.purpose) {
        return Err((
            Failed,
            format!("status list {url} has purpose {list_purposes:?}, the entry's purpose is {} (STATUS_VERIFICATION_ERROR)", e.purpose),
        ));
    }
    let Some(encoded) = subject.get("encodedList").and_then(Value::as_str) else {
        return Err((Error, format!("status list {url} has no encodedList")));
    };
    status::decode_encoded_list(encoded, policy.max_status_list_bytes)
        .map_err(|err| (Error, format!("status list {url}: {err}")))
}

/// Phase 5: the entry's value. 1-bit entries: set = revoked / suspended. `message` entries: the
/// value's `statusMessage` (`revoked` and `suspended` fail, `valid` passes; another message says
/// nothing about validity).
fn read_status(bits: &[u8], e: &Entry<'_>) -> Outcome {
    use CheckStatus::{Failed, Ok, Skipped};
    let (index, url) = (e.index, e.url);
    let Some(v) = status::value(bits, index, e.size) else {
        return (
            Failed,
            format!(
                "statusListIndex {index} (statusSize {}) lies beyond the {} bits of {url} (RANGE_ERROR)",
                e.size,
                bits.len() as u64 * 8
            ),
        );
    };
    match (e.purpose, v) {
        ("revocation", 0) => (Ok, format!("not revoked: entry {index} of {url} is clear")),
        ("revocation", _) => (Failed, format!("revoked: entry {index} of {url} is set")),
        ("suspension", 0) => (Ok, format!("not suspended: entry {index} of {url} is clear")),
        ("suspension", _) => (Failed, format!("suspended: entry {index} of {url} is set")),
        _ => match status::message_for(e.messages, v) {
            Some(m @ ("revoked" | "suspended")) => (
                Failed,
                format!("{m}: entry {index} of {url} is 0x{v:x} ({m})"),
            ),
            Some("valid") => (
                Ok,
                format!("not revoked or suspended: entry {index} of {url} is 0x{v:x} (valid)"),
            ),
            Some(m) => (
                Skipped,
                format!("entry {index} of {url} is 0x{v:x}, status message {m:?}: not a validity status"),
            ),
            None => (
                Failed,
                format!("entry {index} of {url} is 0x{v:x}, which its statusMessage does not name (STATUS_VERIFICATION_ERROR)"),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(messages: &Value) -> Entry<'_> {
        Entry {
            purpose: "message",
            index: 3,
            size: 2,
            messages: Some(messages),
            url: "https://u.example/status/1",
        }
    }

    #[test]
    fn two_bit_message_values_map_to_valid_suspended_revoked() {
        let table = json!([
            {"status": "0x0", "message": "valid"},
            {"status": "0x1", "message": "suspended"},
            {"status": "0x2", "message": "revoked"},
            {"status": "0x3", "message": "revoked"},
        ]);
        // Entry 3 of a 2-bit list: bits 6 and 7 of byte 0.
        let mut bits = vec![0u8; 16 * 1024];
        let cases = [
            (0b00, CheckStatus::Ok, "not revoked or suspended:"),
            (0b01, CheckStatus::Failed, "suspended:"),
            (0b10, CheckStatus::Failed, "revoked:"),
            (0b11, CheckStatus::Failed, "revoked:"),
        ];
        for (v, status, starts) in cases {
            bits[0] = v;
            let (s, m) = read_status(&bits, &entry(&table));
            assert_eq!(s, status, "{m}");
            assert!(m.starts_with(starts), "{m}");
        }
        // A value the table does not name, another message, an index beyond the list.
        bits[0] = 0b01;
        let short = json!([{"status": "0x0", "message": "valid"}]);
        assert_eq!(read_status(&bits, &entry(&short)).0, CheckStatus::Failed);
        let other = json!([{"status": "0x1", "message": "pending review"}]);
        assert_eq!(read_status(&bits, &entry(&other)).0, CheckStatus::Skipped);
        let mut far = entry(&table);
        far.index = 65_536;
        let (s, m) = read_status(&bits, &far);
        assert_eq!(s, CheckStatus::Failed);
        assert!(m.contains("RANGE_ERROR"), "{m}");
    }

    #[test]
    fn message_entries_need_a_table_and_a_size_from_1_to_8() {
        let policy = Policy::new(crate::TrustRegistry::empty());
        let base = json!({"type": "BitstringStatusListEntry", "statusPurpose": "message",
            "statusListIndex": "3", "statusListCredential": "https://u.example/s"});
        let (s, _) = parse_entry(&base, &policy).err().unwrap();
        assert_eq!(
            s,
            CheckStatus::Skipped,
            "no statusMessage: not about validity"
        );
        let mut e = base.clone();
        e["statusMessage"] = json!([]);
        e["statusSize"] = json!(2);
        let parsed = parse_entry(&e, &policy).ok().unwrap();
        assert_eq!((parsed.size, parsed.index), (2, 3));
        e["statusSize"] = json!(9);
        assert_eq!(
            parse_entry(&e, &policy).err().unwrap().0,
            CheckStatus::Failed
        );
    }
}
