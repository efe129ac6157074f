//! Preparing a credential for issuance, as VC-API `POST /credentials/issue` (W3C VC-API §3.2.1
//! "Issue Credential") requires: the caller sends an unsigned credential whose `issuer` is the
//! university's DID (VC Data Model 2.0 §4.7: a credential has an `issuer`; a missing one is refused
//! with rule `vc.issuer-required`, never filled in); the service gives it an `id` when absent, a
//! validity start when absent, and the status entries (Bitstring Status List v1.0 §2.1) it
//! allocated; the result is then secured.
//!
//! The VC Data Model rules on optional members ([`elm_model::vcdm`]: typed status, schema,
//! evidence, terms-of-use and refresh entries, related resources, a non-empty subject) are checked
//! here as they are by the verifier. A well-formed `credentialStatus` the caller supplies is
//! signed as given ([`check_caller_status`]); the issuer's own entries are appended when asked for.
//! Validity dates are the caller's to choose: `validUntil` in the past or `validFrom` in the
//! future is allowed (§4.9); their syntax is checked, and that the end is not before the start
//! (rules `vcdm.valid-until.before-valid-from`, `vcdm.expiration-date.before-issuance-date`),
//! including the start filled in here (so a past `validUntil` needs an earlier `validFrom`).
//!
//! VC Data Model 1.1 (`https://www.w3.org/2018/credentials/v1`, `issuanceDate`) and 2.0
//! (`https://www.w3.org/ns/credentials/v2`, `validFrom`) are both accepted; EDC credentials are 1.1
//! (ADR 0001).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

use super::error::{DomainError, FieldError};
use super::status_list::{STATUS_CONTEXT, VC1_CONTEXT, VC2_CONTEXT};

/// Which data model a credential uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VcVersion {
    /// VC Data Model 1.1.
    V1,
    /// VC Data Model 2.0.
    V2,
}

/// Checks the shape of an unsigned credential and fills in what the issuer decides.
///
/// Every finding is collected (path relative to the credential, prefixed with `prefix`, e.g.
/// `credential`).
pub fn prepare(
    credential: Value,
    issuer_did: &str,
    new_id: &str,
    now: DateTime<Utc>,
    prefix: &str,
) -> Result<(Map<String, Value>, VcVersion), DomainError> {
    let p = |f: &str| {
        if prefix.is_empty() {
            f.to_owned()
        } else {
            format!("{prefix}.{f}")
        }
    };
    let Value::Object(mut c) = credential else {
        return Err(DomainError::Validation(vec![FieldError::new(
            prefix,
            "vc.object",
            "the credential must be a JSON object",
        )]));
    };
    let mut errors = Vec::new();
    let version = match c.get("@context") {
        Some(Value::Array(a)) => match a.first().and_then(Value::as_str) {
            Some(VC1_CONTEXT) => Some(VcVersion::V1),
            Some(VC2_CONTEXT) => Some(VcVersion::V2),
            _ => None,
        },
        Some(Value::String(s)) if s == VC2_CONTEXT => Some(VcVersion::V2),
        Some(Value::String(s)) if s == VC1_CONTEXT => Some(VcVersion::V1),
        _ => None,
    };
    if version.is_none() {
        errors.push(FieldError::new(
            p("@context"),
            "vc.context",
            format!("the first @context must be `{VC1_CONTEXT}` or `{VC2_CONTEXT}`"),
        ));
    }
    let has_vc_type = match c.get("type") {
        Some(Value::Array(a)) => a.iter().any(|t| t == "VerifiableCredential"),
        Some(Value::String(s)) => s == "VerifiableCredential",
        _ => false,
    };
    if !has_vc_type {
        errors.push(FieldError::new(
            p("type"),
            "vc.type",
            "`type` must include `VerifiableCredential`",
        ));
    }
    match c.get("credentialSubject") {
        Some(Value::Object(_)) => {}
        Some(Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_object) => {}
        _ => errors.push(FieldError::new(
            p("credentialSubject"),
            "vc.subject",
            "`credentialSubject` must be an object or a non-empty array of objects",
        )),
    }
    if c.contains_key("proof") {
        errors.push(FieldError::new(
            p("proof"),
            "vc.unsigned",
            "send an unsigned credential: the issuer adds the proof",
        ));
    }
    errors.extend(
        elm_model::vcdm::check(&Value::Object(c.clone()))
            .iter()
            .filter(|i| i.is_error()) // a digest that could not be checked is no error
            .map(|i| FieldError::new(p(&i.path), i.rule, i.message.clone())),
    );
    if let Some(status) = c.get("credentialStatus") {
        errors.extend(check_caller_status(status, &p));
    }
    errors.extend(check_dates(&c, &p));
    match c.get("issuer") {
        None => errors.push(FieldError::new(
            p("issuer"),
            "vc.issuer-required",
            format!("`issuer` is required (VC Data Model 2.0 §4.7): this university's DID `{issuer_did}`"),
        )),
        Some(Value::String(s)) if s == issuer_did => {}
        Some(Value::Object(o)) if o.get("id").and_then(Value::as_str) == Some(issuer_did) => {}
        Some(_) => errors.push(FieldError::new(
            p("issuer"),
            "vc.issuer",
            format!("`issuer` must be this university's DID `{issuer_did}` (a string, or an object with that `id`)"),
        )),
    }
    match c.get("id") {
        None => {}
        Some(Value::String(s)) if is_absolute_uri(s) => {}
        Some(_) => errors.push(FieldError::new(
            p("id"),
            "vc.id",
            "`id` must be an absolute URI",
        )),
    }
    let Some(version) = version else {
        return Err(DomainError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(DomainError::Validation(errors));
    }
    if !c.contains_key("id") {
        c.insert("id".into(), Value::String(new_id.to_owned()));
    }
    let stamp = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    match version {
        VcVersion::V1 if !c.contains_key("issuanceDate") => {
            c.insert("issuanceDate".into(), Value::String(stamp));
        }
        VcVersion::V2 if !c.contains_key("validFrom") => {
            c.insert("validFrom".into(), Value::String(stamp));
        }
        _ => {}
    }
    // The caller's own dates were checked above; a start filled in here may still come after
    // the caller's end (a past `validUntil` alone): VC Data Model 2.0 §4.9 refuses that too.
    let late = elm_model::vcdm::check_date_order(&c);
    if !late.is_empty() {
        return Err(DomainError::Validation(
            late.iter()
                .map(|i| {
                    let hint = "the start defaults to the time of issuance: send an earlier one";
                    FieldError::new(p(&i.path), i.rule, format!("{} ({hint})", i.message))
                })
                .collect(),
        ));
    }
    Ok((c, version))
}

/// The shape of a caller-supplied `credentialStatus` beyond [`elm_model::vcdm`]'s typed entries:
/// an entry's `id`, when given, is an absolute URI (rule `vc.status-id`), and a
/// `BitstringStatusListEntry` (Bitstring Status List v1.0 §2.1) has a `statusPurpose` string, a
/// `statusListIndex` string of decimal digits and an absolute-URI `statusListCredential` (rule
/// `vc.status-entry`). `p` prefixes paths.
pub fn check_caller_status(status: &Value, p: &dyn Fn(&str) -> String) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let list: Vec<(String, &Value)> = match status {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, e)| (format!("credentialStatus[{i}]"), e))
            .collect(),
        other => vec![("credentialStatus".to_owned(), other)],
    };
    for (path, entry) in list {
        let Some(o) = entry.as_object() else {
            continue; // vcdm.credential-status.object
        };
        if o.get("id")
            .is_some_and(|id| !id.as_str().is_some_and(is_absolute_uri))
        {
            errors.push(FieldError::new(
                p(&format!("{path}.id")),
                "vc.status-id",
                "the `id` of a status entry must be an absolute URI",
            ));
        }
        let bitstring = match o.get("type") {
            Some(Value::String(t)) => t == "BitstringStatusListEntry",
            Some(Value::Array(a)) => a.iter().any(|t| t == "BitstringStatusListEntry"),
            _ => false,
        };
        if !bitstring {
            continue;
        }
        let text = |k: &str| o.get(k).and_then(Value::as_str);
        let bad = [
            (
                "statusPurpose",
                text("statusPurpose").is_some_and(|s| !s.is_empty()),
                "a non-empty string",
            ),
            (
                "statusListIndex",
                text("statusListIndex")
                    .is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())),
                "a string of decimal digits",
            ),
            (
                "statusListCredential",
                text("statusListCredential").is_some_and(is_absolute_uri),
                "an absolute URL",
            ),
        ];
        for (field, ok, what) in bad {
            if !ok {
                errors.push(FieldError::new(
                    p(&format!("{path}.{field}")),
                    "vc.status-entry",
                    format!("`{field}` of a BitstringStatusListEntry must be {what} (Bitstring Status List v1.0 §2.1)"),
                ));
            }
        }
    }
    errors
}

/// The validity dates the caller sets must be xsd:dateTime strings (rule `vc.date`); their values
/// are the caller's: past `validUntil` and future `validFrom` are allowed (VC Data Model 2.0
/// §4.9).
fn check_dates(c: &Map<String, Value>, p: &dyn Fn(&str) -> String) -> Vec<FieldError> {
    ["issuanceDate", "expirationDate", "validFrom", "validUntil"]
        .into_iter()
        .filter_map(|field| {
            let v = c.get(field)?;
            let ok = v
                .as_str()
                .is_some_and(|s| elm_model::view::parse_datetime(s).is_some());
            (!ok).then(|| {
                FieldError::new(
                    p(field),
                    "vc.date",
                    format!("`{field}` must be an xsd:dateTime, e.g. `2026-07-01T00:00:00Z`"),
                )
            })
        })
        .collect()
}

/// Adds the issuer's status entries after those the caller supplied (signed as given); under VC
/// 1.1 also the status list context (its terms are built into the VC 2.0 context).
pub fn attach_status(c: &mut Map<String, Value>, version: VcVersion, entries: Vec<Value>) {
    if entries.is_empty() {
        return;
    }
    let mut entries = entries;
    match c.remove("credentialStatus") {
        None => {}
        Some(Value::Array(given)) => {
            entries.splice(0..0, given);
        }
        Some(given) => entries.insert(0, given),
    }
    if version == VcVersion::V1 {
        if let Some(Value::Array(ctx)) = c.get_mut("@context") {
            if !ctx.iter().any(|x| x == STATUS_CONTEXT) {
                ctx.push(Value::String(STATUS_CONTEXT.into()));
            }
        }
    }
    let status = if entries.len() == 1 {
        entries.into_iter().next().unwrap_or(Value::Null)
    } else {
        Value::Array(entries)
    };
    c.insert("credentialStatus".into(), status);
}

/// `scheme:rest` with an RFC 3986 scheme.
pub fn is_absolute_uri(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, rest)) => {
            !rest.is_empty()
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fills_issuer_id_and_dates() {
        let now = Utc::now();
        let (c, v) = prepare(
            json!({"@context": [VC2_CONTEXT], "type": ["VerifiableCredential"], "issuer": "did:web:x:universities:eth", "credentialSubject": {"id": "did:example:1"}}),
            "did:web:x:universities:eth",
            "urn:uuid:1",
            now,
            "credential",
        )
        .unwrap();
        assert_eq!(v, VcVersion::V2);
        assert_eq!(c["issuer"], "did:web:x:universities:eth");
        assert_eq!(c["id"], "urn:uuid:1");
        assert!(c.contains_key("validFrom"));
    }

    #[test]
    fn reports_every_bad_field() {
        let err = prepare(
            json!({"@context": ["x"], "issuer": "did:other"}),
            "did:me",
            "urn:uuid:1",
            Utc::now(),
            "credential",
        )
        .unwrap_err();
        let DomainError::Validation(v) = err else {
            panic!()
        };
        let paths: Vec<_> = v.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "credential.@context",
                "credential.type",
                "credential.credentialSubject",
                "credential.issuer"
            ]
        );
    }
}
