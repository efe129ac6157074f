//! The `expiry` check: is the credential within its validity period at the clock's instant?
//!
//! VC Data Model 2.0 §4.9 "Validity Period" (`validFrom`, `validUntil`) and VC Data Model 1.1 §4.6
//! "Issuance Date" / §4.7 "Expiration" (`issuanceDate`: when the credential becomes valid,
//! `expirationDate`); EDC credentials carry `validFrom` / `validUntil` / `expirationDate` under
//! 1.1. "Not yet valid" and "expired" are distinct outcomes with distinct messages.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

use crate::format::parse_date;
use crate::report::{CheckKind, CheckResult};

fn show(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Runs the expiry check at `now`.
pub(crate) fn check(credential: &Value, now: DateTime<Utc>) -> CheckResult {
    let mut starts = Vec::new();
    let mut ends = Vec::new();
    for (field, is_start) in [
        ("validFrom", true),
        ("issuanceDate", true),
        ("validUntil", false),
        ("expirationDate", false),
    ] {
        let Some(v) = credential.get(field) else {
            continue;
        };
        let Some(t) = v.as_str().and_then(parse_date) else {
            let shown: String = v.to_string().chars().take(60).collect();
            return CheckResult::failed(
                CheckKind::Expiry,
                format!("{field} {shown} is not an xsd:dateTime"),
            );
        };
        if is_start {
            starts.push((field, t));
        } else {
            ends.push((field, t));
        }
    }
    if let Some((field, t)) = starts
        .iter()
        .filter(|(_, t)| *t > now)
        .max_by_key(|(_, t)| *t)
    {
        return CheckResult::failed(
            CheckKind::Expiry,
            format!(
                "not yet valid: {field} is {}, after the verification time {}",
                show(*t),
                show(now)
            ),
        );
    }
    if let Some((field, t)) = ends
        .iter()
        .filter(|(_, t)| *t < now)
        .min_by_key(|(_, t)| *t)
    {
        return CheckResult::failed(
            CheckKind::Expiry,
            format!(
                "expired: {field} was {}, before the verification time {}",
                show(*t),
                show(now)
            ),
        );
    }
    let from = starts
        .iter()
        .map(|(f, t)| format!("{f} {}", show(*t)))
        .collect::<Vec<_>>();
    let until = ends
        .iter()
        .map(|(f, t)| format!("{f} {}", show(*t)))
        .collect::<Vec<_>>();
    let mut parts = from;
    parts.extend(until);
    if parts.is_empty() {
        CheckResult::ok(
            CheckKind::Expiry,
            format!("no validity period stated; valid at {}", show(now)),
        )
    } else {
        CheckResult::ok(
            CheckKind::Expiry,
            format!("valid at {} ({})", show(now), parts.join(", ")),
        )
    }
}
