//! The `format` check: is this a well-formed Verifiable Credential?
//!
//! - VC Data Model 1.1 §4 / 2.0 §4 "Basic Concepts": `@context` whose first entry is the VC v1 or
//!   v2 context (1.1 §4.1, 2.0 §4.3), `type` including `VerifiableCredential` (§4.3 / §4.4), an
//!   `issuer` URL or object with an `id` (§4.5 / §4.7), a `credentialSubject` (§4.4 / §4.8), and
//!   date-times that parse: `issuanceDate` (required by 1.1 §4.6) / `expirationDate` (1.1 §4.7),
//!   `validFrom` / `validUntil` (2.0 §4.9, also written by EDC under 1.1). The rules on optional
//!   members (typed `credentialStatus` / `termsOfUse` / `evidence` / `refreshService` /
//!   `credentialSchema` entries, `relatedResource` ids and digests, a non-empty
//!   `credentialSubject`) are [`elm_model::vcdm`]'s, shared with the issuer.
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
//!   `credentialStatus` links to `BitstringStatusListEntry` nodes that are not also typed
//!   `elm:CredentialStatus` (the two 1-bit entries of credentials issued before ADR 0003; checked
//!   by the status checks; EDC-generic-no-cv wants one `elm:CredentialStatus`). Everything
//!   else the shapes require is enforced; pyshacl agrees result for result
//!   (`tests/tests/shacl_differential.rs`).
//! - Real-world EDCs (issue #14): under a JAdES seal ([`Coverage::Bytes`], ETSI TS 119 182-1: the
//!   seal covers the payload bytes, not an RDF graph) a member that the bundled contexts do not
//!   define (e.g. a wallet's holder-binding `cnf`, RFC 7800 §3.1) is a warning naming the member
//!   and its JSON path, and is left out of the graph that the data model and SHACL sub-checks see;
//!   under a Data Integrity proof ([`Coverage::Graph`]) it stays an error: it would be unsigned.

use serde_json::Value;

use crate::report::{CheckKind, CheckResult, CheckStatus, SubCheck, Warning};

/// How many SHACL violations the `edc-shacl` sub-check lists (the count is always given).
const SHOWN_VIOLATIONS: usize = 5;

const SEC_PROOF: &str = "https://w3id.org/security#proof";
const CRED_STATUS: &str = "https://www.w3.org/2018/credentials#credentialStatus";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const BITSTRING_ENTRY: &str = "https://www.w3.org/ns/credentials/status#BitstringStatusListEntry";
const ELM_CREDENTIAL_STATUS: &str = "http://data.europa.eu/snb/model/elm/CredentialStatus";

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
    // The rules shared with the issuer's request validation (typed entries, related resources,
    // a non-empty subject), each with its rule code and path.
    p.extend(
        elm_model::vcdm::check(c)
            .into_iter()
            .filter(elm_model::validate::Issue::is_error)
            .map(|i| format!("{}: {} (rule {})", i.path, i.message, i.rule)),
    );
    p
}

/// The warnings of the shared VC data model rules: a `relatedResource` digest this service could
/// not check (not a resource it holds offline; nothing is fetched).
fn data_model_warnings(c: &Value) -> Vec<Warning> {
    elm_model::vcdm::check(c)
        .into_iter()
        .filter(|i| !i.is_error())
        .map(|i| Warning {
            code: i.rule.to_string(),
            member: None,
            path: Some(format!("$.{}", i.path)),
            message: i.message,
        })
        .collect()
}

/// What the credential's proof covers, which decides how members its contexts do not define are
/// treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coverage {
    /// The proof signs the RDF graph (Data Integrity `eddsa-rdfc-2022`, or no proof): a member
    /// outside the graph would be unsigned content, so an undefined term is an error.
    Graph,
    /// The proof signs the bytes (a JAdES seal): an undefined member is covered by the seal; it is
    /// reported as a warning and left out of the graph that SHACL validates.
    Bytes,
}

/// Most undefined members left out of a byte-sealed credential's graph (each costs one more
/// JSON-LD pass over the credential); more is a format failure.
pub(crate) const MAX_UNDEFINED_MEMBERS: usize = 16;

/// Runs the format check on `credential` (for a sealed or JWT credential: the payload).
pub(crate) fn check(credential: &Value, coverage: Coverage) -> CheckResult {
    let mut details = Vec::new();
    let problems = data_model_problems(credential);
    details.push(if problems.is_empty() {
        sub("vc-data-model", CheckStatus::Ok, "VC data model rules hold")
    } else {
        sub("vc-data-model", CheckStatus::Failed, problems.join("; "))
    });
    let (rdf, warnings) = rdf_of(credential, coverage);
    details.push(json_ld_sub(&rdf, &warnings, coverage));
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
    let mut r = summary(&details, &warnings);
    r.details = details;
    r.warnings = warnings;
    r.warnings.extend(data_model_warnings(credential));
    r
}

/// The `json-ld` sub-check from the RDF (or the error) and the members left out.
fn json_ld_sub(
    rdf: &Result<Vec<canon::Quad>, String>,
    warnings: &[Warning],
    coverage: Coverage,
) -> SubCheck {
    match rdf {
        Ok(quads) if warnings.is_empty() => sub(
            "json-ld",
            CheckStatus::Ok,
            format!(
                "expands strictly under bundled contexts ({} quads)",
                quads.len()
            ),
        ),
        Ok(quads) => sub(
            "json-ld",
            CheckStatus::Ok,
            format!(
                "expands strictly under bundled contexts ({} quads) once {} sealed member(s) the contexts do not define are left out (see the warnings)",
                quads.len(),
                warnings.len()
            ),
        ),
        Err(e) if coverage == Coverage::Graph && e.starts_with("undefined term") => sub(
            "json-ld",
            CheckStatus::Failed,
            format!("{e}; under a Data Integrity proof every member must be defined, or it would be unsigned content"),
        ),
        Err(e) => sub("json-ld", CheckStatus::Failed, e.clone()),
    }
}

/// The format check's status and message from its sub-checks.
fn summary(details: &[SubCheck], warnings: &[Warning]) -> CheckResult {
    let listed = |status: CheckStatus| -> Vec<String> {
        details
            .iter()
            .filter(|d| d.status == status)
            .map(|d| format!("{}: {}", d.name, d.message))
            .collect()
    };
    let (failed, errors) = (listed(CheckStatus::Failed), listed(CheckStatus::Error));
    if !failed.is_empty() {
        return CheckResult::failed(CheckKind::Format, failed.join("; "));
    }
    if !errors.is_empty() {
        return CheckResult::error(CheckKind::Format, errors.join("; "));
    }
    let shacl = if details.iter().any(|d| d.name == "edc-shacl") {
        ", EDC SHACL shapes"
    } else {
        ""
    };
    let warned = if warnings.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = warnings
            .iter()
            .map(|w| {
                format!(
                    "`{}` at {}",
                    w.member.as_deref().unwrap_or("?"),
                    w.path.as_deref().unwrap_or("?")
                )
            })
            .collect();
        format!(
            "; warning: sealed member(s) not defined by the credential's contexts, not checked: {}",
            list.join(", ")
        )
    };
    CheckResult::ok(
        CheckKind::Format,
        format!("well-formed credential (VC data model, strict JSON-LD{shacl}){warned}"),
    )
}

/// The credential's RDF (strict JSON-LD over the bundled contexts). Under [`Coverage::Bytes`] each
/// member that no context defines is left out (one at a time, at the path the JSON-LD error
/// names) and reported as a warning, up to [`MAX_UNDEFINED_MEMBERS`].
fn rdf_of(
    credential: &Value,
    coverage: Coverage,
) -> (Result<Vec<canon::Quad>, String>, Vec<Warning>) {
    let options = canon::Options::default();
    let mut warnings = Vec::new();
    let mut doc = std::borrow::Cow::Borrowed(credential);
    loop {
        match canon::to_rdf(&doc, &options) {
            Ok(quads) => return (Ok(quads), warnings),
            Err(canon::CanonError::UndefinedTerm { term, path }) if coverage == Coverage::Bytes => {
                if warnings.len() >= MAX_UNDEFINED_MEMBERS {
                    let e = format!(
                        "more than {MAX_UNDEFINED_MEMBERS} members the credential's contexts do not define (the next: `{term}` at {path}); this verifier leaves out at most {MAX_UNDEFINED_MEMBERS}"
                    );
                    return (Err(e), warnings);
                }
                let mut owned = doc.into_owned();
                if !remove_at_path(&mut owned, &path) {
                    let e = canon::CanonError::UndefinedTerm { term, path };
                    return (Err(e.to_string()), warnings);
                }
                warnings.push(undefined_member_warning(term, path));
                doc = std::borrow::Cow::Owned(owned);
            }
            Err(e) => return (Err(jsonld_message(&e)), warnings),
        }
    }
}

/// A JSON-LD error as the `json-ld` sub-check words it: the canonicaliser's message, which names
/// the term and its JSON path; a protected-term redefinition (which the canonicaliser reports
/// without a path) is placed in the credential's `@context`.
fn jsonld_message(e: &canon::CanonError) -> String {
    match e {
        canon::CanonError::ProtectedTermRedefinition { .. } => {
            format!("{e} (at $.@context: a context of the credential)")
        }
        _ => e.to_string(),
    }
}

fn undefined_member_warning(term: String, path: String) -> Warning {
    Warning {
        code: "undefined-member".into(),
        message: format!(
            "member `{term}` at {path} is not defined by the credential's JSON-LD contexts: the seal covers it, but it is left out of the data checked against the data model and the EDC shapes"
        ),
        member: Some(term),
        path: Some(path),
    }
}

/// One step of a JSON path as [`canon::CanonError`] writes it.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    Member(String),
    Index(usize),
}

/// Parses `$`, `.name`, `[3]` and `["any name"]` steps; `None` if malformed.
fn parse_path(path: &str) -> Option<Vec<Step>> {
    let mut rest = path.strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let (name, after) = r.split_at_checked(end)?;
            steps.push(Step::Member(name.to_string()));
            rest = after;
        } else if let Some(r) = rest.strip_prefix("[\"") {
            // A JSON string: read it with serde_json, which knows where it ends.
            let quoted = format!("\"{r}");
            let mut it = serde_json::Deserializer::from_str(&quoted).into_iter::<String>();
            let name = it.next()?.ok()?;
            let used = it.byte_offset();
            let after = quoted.get(used..)?.strip_prefix(']')?;
            steps.push(Step::Member(name));
            rest = r.get(r.len().checked_sub(after.len())?..)?;
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let (digits, after) = r.split_at_checked(end)?;
            steps.push(Step::Index(digits.parse().ok()?));
            rest = after.strip_prefix(']')?;
        } else {
            return None;
        }
    }
    Some(steps)
}

/// Removes the member `path` names (its last step must be a member name); false if there is none.
fn remove_at_path(doc: &mut Value, path: &str) -> bool {
    let Some(mut steps) = parse_path(path) else {
        return false;
    };
    let Some(Step::Member(last)) = steps.pop() else {
        return false;
    };
    let mut node = doc;
    for step in steps {
        let next = match (step, node) {
            (Step::Member(m), Value::Object(o)) => o.get_mut(&m),
            (Step::Index(i), Value::Array(a)) => a.get_mut(i),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => return false,
        }
    }
    node.as_object_mut()
        .is_some_and(|o| o.shift_remove(&last).is_some())
}

/// The `edc-shacl` sub-check: the EDC shapes on the credential's default graph, without the links
/// to a Data Integrity proof graph and to Bitstring status entries (see the module docs).
fn edc_shacl(quads: &[canon::Quad]) -> SubCheck {
    use canon::Term;
    let graph_names: Vec<&Term> = quads.iter().filter_map(|q| q.graph.as_ref()).collect();
    let is_iri = |t: &Term, iri: &str| matches!(t, Term::Iri(i) if i == iri);
    let typed = |class: &'static str| {
        quads
            .iter()
            .filter(move |q| {
                q.graph.is_none() && is_iri(&q.predicate, RDF_TYPE) && is_iri(&q.object, class)
            })
            .map(|q| &q.subject)
    };
    // Only entries of the old two-entry form (not typed `elm:CredentialStatus`, ADR 0003) are
    // left out: the one EDC-typed entry the issuer writes now is checked like everything else.
    let edc_statuses: Vec<&Term> = typed(ELM_CREDENTIAL_STATUS).collect();
    let bitstring_entries: Vec<&Term> = typed(BITSTRING_ENTRY)
        .filter(|s| !edc_statuses.contains(s))
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_as_canon_writes_them_are_parsed_and_removed() {
        assert_eq!(
            parse_path("$.a[2][\"x.y]\"].b"),
            Some(vec![
                Step::Member("a".into()),
                Step::Index(2),
                Step::Member("x.y]".into()),
                Step::Member("b".into())
            ])
        );
        assert_eq!(parse_path("a.b"), None);
        assert_eq!(parse_path("$[x]"), None);
        let mut v = json!({"a": [{"cnf": 1, "k": 2}], "b": {"x.y": {"cnf": 3}}});
        assert!(remove_at_path(&mut v, "$.a[0].cnf"));
        assert!(remove_at_path(&mut v, "$.b[\"x.y\"].cnf"));
        assert!(!remove_at_path(&mut v, "$.a[1].cnf"));
        assert!(!remove_at_path(&mut v, "$.a[0]"));
        assert_eq!(v, json!({"a": [{"k": 2}], "b": {"x.y": {}}}));
    }
}
