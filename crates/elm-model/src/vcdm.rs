//! The W3C VC Data Model rules on a credential's optional members, shared by the issuer's request
//! validation (`POST /credentials/issue`) and the verifier's `format` check, so both name the same
//! rule for the same problem.
//!
//! - VC Data Model 2.0 §4.8 "Credential Subject" (1.1 §4.4): `credentialSubject` is not empty
//!   (rule `vcdm.credential-subject.empty`): an object with no member, or an array holding one.
//! - 2.0 §4.10 "Status", §4.11 "Data Schemas", §5.6 "Refreshing", §5.7 "Terms of Use",
//!   §5.8 "Evidence" (1.1 §4.9, §5.4, §5.5, §5.6, §5.7): each entry of `credentialStatus`,
//!   `credentialSchema`, `refreshService`, `termsOfUse` and `evidence` is an object (rule
//!   `vcdm.<member>.object`) with a `type` that is a non-empty string or a non-empty array of
//!   non-empty strings (rule `vcdm.<member>.type`). A `credentialSchema` entry also needs an `id`
//!   (2.0 §4.11: "id" and "type" are required; rule `vcdm.credential-schema.id`).
//! - 2.0 §4.9 "Validity Period": `validUntil` is not before `validFrom` (rule
//!   `vcdm.valid-until.before-valid-from`); likewise under 1.1 §4.6–§4.7 `expirationDate` is not
//!   before `issuanceDate` (rule `vcdm.expiration-date.before-issuance-date`). Checked only when
//!   both dates parse (a malformed date is each caller's own rule).
//! - 2.0 §5.3 "Integrity of Related Resources": each `relatedResource` entry is an object
//!   (`vcdm.related-resource.object`) with an `id` string (`vcdm.related-resource.id`) that no
//!   other entry repeats (`vcdm.related-resource.unique-id`), and a `digestSRI` or
//!   `digestMultibase` string (`vcdm.related-resource.digest`); a `digestSRI` is a well-formed
//!   SRI hash expression (`vcdm.related-resource.digest-sri-syntax`), and a digest matches the
//!   resource when this service holds it offline (`vcdm.related-resource.digest-mismatch`), else a
//!   warning `vcdm.related-resource.unchecked` ([`crate::related_resource`]). Warnings are
//!   [`Issue`]s too: callers keep the errors (`Issue::is_error`) as failures.
//!
//! Every finding is an [`Issue`] whose path is relative to the credential (`credentialStatus[1].type`);
//! callers prefix it (`credential.`). Structural rules (context, type, issuer, dates) stay with
//! each caller, which words them for its own setting (a request to sign, a credential to verify).

use serde_json::Value;

use crate::validate::Issue;

/// The members whose entries need a `type`, with the kebab-case name their rules carry.
pub const TYPED_MEMBERS: [(&str, &str); 5] = [
    ("credentialStatus", "credential-status"),
    ("termsOfUse", "terms-of-use"),
    ("evidence", "evidence"),
    ("refreshService", "refresh-service"),
    ("credentialSchema", "credential-schema"),
];

/// Every violation of the rules of this module in `credential` (nothing when it is not an
/// object: the callers report that themselves).
pub fn check(credential: &Value) -> Vec<Issue> {
    let mut found = Vec::new();
    let Some(obj) = credential.as_object() else {
        return found;
    };
    if let Some(subject) = obj.get("credentialSubject") {
        subject_not_empty(subject, &mut found);
    }
    for (member, slug) in TYPED_MEMBERS {
        if let Some(v) = obj.get(member) {
            typed_entries(member, slug, v, &mut found);
        }
    }
    if let Some(v) = obj.get("relatedResource") {
        related_resources(v, &mut found);
    }
    if let Some(v) = obj.get("credentialSchema") {
        schema_ids(v, &mut found);
    }
    date_order(obj, &mut found);
    found
}

/// The ordered pairs of dates (start, end, rule) of VC DM 2.0 §4.9 and 1.1 §4.6–§4.7.
const DATE_PAIRS: [(&str, &str, &str); 2] = [
    (
        "validFrom",
        "validUntil",
        "vcdm.valid-until.before-valid-from",
    ),
    (
        "issuanceDate",
        "expirationDate",
        "vcdm.expiration-date.before-issuance-date",
    ),
];

/// The date-order rules alone, for a caller that fills in a default start after [`check`] (the
/// issuer's `validFrom` / `issuanceDate` of the time of issuance).
pub fn check_date_order(obj: &serde_json::Map<String, Value>) -> Vec<Issue> {
    let mut found = Vec::new();
    date_order(obj, &mut found);
    found
}

fn date_order(obj: &serde_json::Map<String, Value>, found: &mut Vec<Issue>) {
    let date = |field: &str| {
        obj.get(field)
            .and_then(Value::as_str)
            .and_then(crate::view::parse_datetime)
    };
    for (start, end, rule) in DATE_PAIRS {
        if let (Some(from), Some(until)) = (date(start), date(end)) {
            if until < from {
                found.push(Issue::error(
                    end,
                    rule,
                    format!("`{end}` must not be before `{start}` ({until} < {from})"),
                ));
            }
        }
    }
}

/// VC DM 2.0 §4.11: each `credentialSchema` entry (an object; other shapes are reported by the
/// typed-entry rules) has an `id`, the URL of the schema.
fn schema_ids(v: &Value, found: &mut Vec<Issue>) {
    for (path, e) in entries("credentialSchema", v) {
        let Some(o) = e.as_object() else {
            continue;
        };
        if o.get("id")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            found.push(Issue::error(
                format!("{path}.id"),
                "vcdm.credential-schema.id",
                "each `credentialSchema` entry must have an `id` (the URL of the schema)",
            ));
        }
    }
}

/// The entries of a member that may be one value or an array, each with its path.
fn entries<'a>(member: &str, v: &'a Value) -> Vec<(String, &'a Value)> {
    match v {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, e)| (format!("{member}[{i}]"), e))
            .collect(),
        other => vec![(member.to_owned(), other)],
    }
}

fn subject_not_empty(subject: &Value, found: &mut Vec<Issue>) {
    for (path, s) in entries("credentialSubject", subject) {
        if s.as_object().is_some_and(|o| o.is_empty()) {
            found.push(Issue::error(
                path,
                "vcdm.credential-subject.empty",
                "a credential subject must make at least one claim (an `id` or another member); `{}` is empty",
            ));
        }
    }
}

/// Rule codes per member, as `&'static str` (an [`Issue`] carries a static rule).
fn rule(slug: &str, what: &str) -> &'static str {
    match (slug, what) {
        ("credential-status", "object") => "vcdm.credential-status.object",
        ("credential-status", _) => "vcdm.credential-status.type",
        ("terms-of-use", "object") => "vcdm.terms-of-use.object",
        ("terms-of-use", _) => "vcdm.terms-of-use.type",
        ("evidence", "object") => "vcdm.evidence.object",
        ("evidence", _) => "vcdm.evidence.type",
        ("refresh-service", "object") => "vcdm.refresh-service.object",
        ("refresh-service", _) => "vcdm.refresh-service.type",
        ("credential-schema", "object") => "vcdm.credential-schema.object",
        _ => "vcdm.credential-schema.type",
    }
}

/// Is `v` a usable `type`: a non-empty string or a non-empty array of non-empty strings?
pub fn is_type_value(v: &Value) -> bool {
    match v {
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => {
            !a.is_empty() && a.iter().all(|t| t.as_str().is_some_and(|s| !s.is_empty()))
        }
        _ => false,
    }
}

fn typed_entries(member: &str, slug: &str, v: &Value, found: &mut Vec<Issue>) {
    if v.as_array().is_some_and(|a| a.is_empty()) {
        found.push(Issue::error(
            member,
            rule(slug, "object"),
            format!("`{member}` is an empty array: leave it out, or give entries with a `type`"),
        ));
        return;
    }
    for (path, e) in entries(member, v) {
        let Some(o) = e.as_object() else {
            found.push(Issue::error(
                path,
                rule(slug, "object"),
                format!("each `{member}` entry must be an object with a `type`"),
            ));
            continue;
        };
        match o.get("type") {
            Some(t) if is_type_value(t) => {}
            Some(_) => found.push(Issue::error(
                format!("{path}.type"),
                rule(slug, "type"),
                format!("the `type` of a `{member}` entry must be a non-empty string or array of strings"),
            )),
            None => found.push(Issue::error(
                format!("{path}.type"),
                rule(slug, "type"),
                format!("each `{member}` entry must have a `type`"),
            )),
        }
    }
}

fn related_resources(v: &Value, found: &mut Vec<Issue>) {
    let mut seen: Vec<&str> = Vec::new();
    for (path, e) in entries("relatedResource", v) {
        let Some(o) = e.as_object() else {
            found.push(Issue::error(
                path,
                "vcdm.related-resource.object",
                "each `relatedResource` entry must be an object with an `id` and a `digestSRI` or `digestMultibase`",
            ));
            continue;
        };
        match o.get("id").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => {
                if seen.contains(&id) {
                    found.push(Issue::error(
                        format!("{path}.id"),
                        "vcdm.related-resource.unique-id",
                        format!("`{id}` is the `id` of an earlier `relatedResource` entry; each must be unique"),
                    ));
                } else {
                    seen.push(id);
                }
            }
            _ => found.push(Issue::error(
                format!("{path}.id"),
                "vcdm.related-resource.id",
                "each `relatedResource` entry must have an `id` (the URL of the resource)",
            )),
        }
        let digest = ["digestSRI", "digestMultibase"].iter().any(|d| {
            o.get(*d)
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty())
        });
        if !digest {
            found.push(Issue::error(
                path,
                "vcdm.related-resource.digest",
                "each `relatedResource` entry must have a `digestSRI` or a `digestMultibase` string",
            ));
        } else {
            found.extend(crate::related_resource::check_entry(&path, o));
        }
    }
}
