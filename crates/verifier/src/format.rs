//! The `format` check: is this a well-formed Verifiable Credential?
//!
//! - VC Data Model 1.1 §4 / 2.0 §4 "Basic Concepts": `@context` whose first entry is the VC v1 or
//!   v2 context (1.1 §4.1, 2.0 §4.3), `type` including `VerifiableCredential` (§4.3 / §4.4), an
//!   `issuer` URL or object with an `id` (§4.5 / §4.7), a `credentialSubject` (§4.4 / §4.8), and
//!   date-times that parse: `issuanceDate` (required by 1.1 §4.6) / `expirationDate` (1.1 §4.7),
//!   `validFrom` / `validUntil` (2.0 §4.9, also written by EDC under 1.1).
//! - JSON-LD 1.1 in safe mode over the bundled contexts only ([`canon::to_rdf`]): no undefined
//!   term, no relative IRI, no unknown context, no protected-term redefinition.
//! - EDC (`EuropeanDigitalCredential`): W3C SHACL Core validation against the EU's EDC
//!   application-profile shapes (EDC-generic-full + EDC-generic-no-cv, ELM 3.2 class hierarchy in
//!   the data graph) with the [`shacl`] crate, on the default graph of the credential's RDF (the
//!   same [`canon::to_rdf`] output as the JSON-LD sub-check). Sub-check `edc-shacl`: `ok`, `failed`
//!   with the first violations (path and rule), or `error` when the RDF cannot be produced.
//!   Two W3C layers the EDC shapes predate are left to their own checks and taken out of the
//!   SHACL data graph: the link to a Data Integrity proof graph (`sec:proof` → a named graph; VC
//!   Data Integrity §2.1, checked by the proof check; the EDC shapes expect an EDC `elm:Proof`) and
//!   `credentialStatus` links to `BitstringStatusListEntry` nodes (Bitstring Status List §2.1,
//!   checked by the status checks; EDC-generic-no-cv wants one `elm:CredentialStatus`). Everything
//!   else the shapes require is enforced; pyshacl agrees result for result
//!   (`tests/tests/shacl_differential.rs`).

use serde_json::Value;

use crate::report::{CheckKind, CheckResult, CheckStatus, SubCheck};

/// How many SHACL violations the `edc-shacl` sub-check lists (the count is always given).
const SHOWN_VIOLATIONS: usize = 5;

const SEC_PROOF: &str = "https://w3id.org/security#proof";
const CRED_STATUS: &str = "https://www.w3.org/2018/credentials#credentialStatus";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const BITSTRING_ENTRY: &str = "https://www.w3.org/ns/credentials/status#BitstringStatusListEntry";

fn sub(name: &str, status: CheckStatus, message: impl Into<String>) -> SubCheck {
    SubCheck {
        name: name.into(),
        status,
        message: message.into(),
    }
}

/// Types of a node (`type` as a string or an array of strings).
pub(crate) fn types(v: &Value) -> Vec<&str> {
    match v.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Parses an xsd:dateTime as written in credentials.
pub(crate) fn parse_date(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    elm_model::view::parse_datetime(s).map(|d| d.with_timezone(&chrono::Utc))
}

/// VC data-model rules; returns the problems found.
fn data_model_problems(c: &Value) -> Vec<String> {
    let mut p = Vec::new();
    let Some(obj) = c.as_object() else {
        return vec!["the credential is not a JSON object".into()];
    };
    let first_ctx = match obj.get("@context") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(Value::Array(a)) => a.first().and_then(Value::as_str),
        _ => None,
    };
    let v1 = first_ctx == Some(contexts::urls::VC_V1);
    match first_ctx {
        Some(contexts::urls::VC_V1) | Some(contexts::urls::VC_V2) => {}
        Some(other) => p.push(format!(
            "the first @context is {other}, not the VC 1.1 or 2.0 context"
        )),
        None => p.push("no @context (its first entry must be the VC 1.1 or 2.0 context)".into()),
    }
    if !types(c).contains(&"VerifiableCredential") {
        p.push("type does not include VerifiableCredential".into());
    }
    match obj.get("issuer") {
        Some(Value::String(s)) if !s.is_empty() => {}
        Some(Value::Object(o))
            if o.get("id")
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty()) => {}
        Some(_) => p.push("issuer is neither a URL nor an object with an id".into()),
        None => p.push("no issuer".into()),
    }
    match obj.get("credentialSubject") {
        Some(Value::Object(_)) => {}
        Some(Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_object) => {}
        Some(_) => {
            p.push("credentialSubject is not an object (or a non-empty array of objects)".into())
        }
        None => p.push("no credentialSubject".into()),
    }
    if v1 && !obj.contains_key("issuanceDate") {
        p.push("no issuanceDate (required by VC Data Model 1.1)".into());
    }
    for field in ["issuanceDate", "expirationDate", "validFrom", "validUntil"] {
        match obj.get(field) {
            None => {}
            Some(Value::String(s)) if parse_date(s).is_some() => {}
            Some(v) => {
                let shown: String = v.to_string().chars().take(60).collect();
                p.push(format!("{field} {shown} is not an xsd:dateTime"));
            }
        }
    }
    if let Some(id) = obj.get("id") {
        if !id.is_string() {
            p.push("id is not a string".into());
        }
    }
    p
}

/// Runs the format check on `credential` (for a sealed or JWT credential: the payload).
pub(crate) fn check(credential: &Value) -> CheckResult {
    let mut details = Vec::new();
    let problems = data_model_problems(credential);
    details.push(if problems.is_empty() {
        sub("vc-data-model", CheckStatus::Ok, "VC data model rules hold")
    } else {
        sub("vc-data-model", CheckStatus::Failed, problems.join("; "))
    });
    let rdf = canon::to_rdf(credential, &canon::Options::default());
    match &rdf {
        Ok(quads) => details.push(sub(
            "json-ld",
            CheckStatus::Ok,
            format!(
                "expands strictly under bundled contexts ({} quads)",
                quads.len()
            ),
        )),
        Err(e) => details.push(sub("json-ld", CheckStatus::Failed, e.to_string())),
    }
    if types(credential).contains(&"EuropeanDigitalCredential") {
        details.push(match &rdf {
            Ok(quads) => edc_shacl(quads),
            Err(e) => sub(
                "edc-shacl",
                CheckStatus::Error,
                format!("no RDF to validate: {e}"),
            ),
        });
    }
    let listed = |status: CheckStatus| -> Vec<String> {
        details
            .iter()
            .filter(|d| d.status == status)
            .map(|d| format!("{}: {}", d.name, d.message))
            .collect()
    };
    let (failed, errors) = (listed(CheckStatus::Failed), listed(CheckStatus::Error));
    let mut r = if !failed.is_empty() {
        CheckResult::failed(CheckKind::Format, failed.join("; "))
    } else if !errors.is_empty() {
        CheckResult::error(CheckKind::Format, errors.join("; "))
    } else {
        let shacl = if details.iter().any(|d| d.name == "edc-shacl") {
            ", EDC SHACL shapes"
        } else {
            ""
        };
        CheckResult::ok(
            CheckKind::Format,
            format!("well-formed credential (VC data model, strict JSON-LD{shacl})"),
        )
    };
    r.details = details;
    r
}

/// The `edc-shacl` sub-check: the EDC shapes on the credential's default graph, without the links
/// to a Data Integrity proof graph and to Bitstring status entries (see the module docs).
fn edc_shacl(quads: &[canon::Quad]) -> SubCheck {
    use canon::Term;
    let graph_names: Vec<&Term> = quads.iter().filter_map(|q| q.graph.as_ref()).collect();
    let is_iri = |t: &Term, iri: &str| matches!(t, Term::Iri(i) if i == iri);
    let bitstring_entries: Vec<&Term> = quads
        .iter()
        .filter(|q| {
            q.graph.is_none()
                && is_iri(&q.predicate, RDF_TYPE)
                && is_iri(&q.object, BITSTRING_ENTRY)
        })
        .map(|q| &q.subject)
        .collect();
    let keep = |q: &canon::Quad| {
        q.graph.is_none()
            && !(is_iri(&q.predicate, SEC_PROOF) && graph_names.contains(&&q.object))
            && !(is_iri(&q.predicate, CRED_STATUS) && bitstring_entries.contains(&&q.object))
    };
    let triples = quads.iter().filter(|q| keep(q)).count();
    let report = match shacl::validate_edc_where(quads, keep) {
        Ok(r) => r,
        Err(e) => {
            return sub(
                "edc-shacl",
                CheckStatus::Error,
                format!("EDC shapes unavailable: {e}"),
            )
        }
    };
    let violations: Vec<&shacl::ValidationResult> = report.violations().collect();
    if report.conforms {
        return sub(
            "edc-shacl",
            CheckStatus::Ok,
            format!("conforms to the EDC SHACL shapes (EDC-generic-full + EDC-generic-no-cv, {} triples)", triples),
        );
    }
    let shown: Vec<String> = violations
        .iter()
        .take(SHOWN_VIOLATIONS)
        .map(|r| describe(r))
        .collect();
    let more = violations.len().saturating_sub(SHOWN_VIOLATIONS);
    let more = if more > 0 {
        format!("; and {more} more")
    } else {
        String::new()
    };
    sub(
        "edc-shacl",
        CheckStatus::Failed,
        format!(
            "{} violation(s) of the EDC SHACL shapes (EDC-generic-full + EDC-generic-no-cv): {}{more}",
            violations.len(),
            shown.join("; ")
        ),
    )
}

/// One SHACL result, human readable: where (focus node and path), which rule, the message.
fn describe(r: &shacl::ValidationResult) -> String {
    let focus = shacl::validate::show(&r.focus_node);
    let path = r
        .path
        .as_deref()
        .map(shacl::validate::short)
        .map(|p| format!(" {p}"))
        .unwrap_or_default();
    let rule = r
        .component
        .local_name()
        .trim_end_matches("ConstraintComponent");
    // For sh:node, the first nested result says why the value does not conform.
    let because = r
        .details
        .first()
        .map(|d| format!(", because {}", describe(d)))
        .unwrap_or_default();
    format!(
        "{focus}{path}: {rule} ({}; shape {}){because}",
        r.message,
        shacl::validate::show(&r.source_shape)
    )
}
