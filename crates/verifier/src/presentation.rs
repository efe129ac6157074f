//! Verifiable presentations: `verify_presentation(vp, options, policy, clock)` checks a
//! presentation and every credential in it, and reports each in the credential [`Report`] model.
//!
//! Implements W3C VC Data Model 2.0 §4.13 "Verifiable Presentations" (1.1 §4.10) for the data
//! model rules, VC Data Integrity 1.0 §2.1 / §4.4 for the presentation's proof(s) (purpose
//! `authentication`, `challenge` and `domain`), and the W3C VC-API `POST /presentations/verify`
//! semantics (§3.3.2 "Verify Presentation"):
//!
//! - the first `@context` is the VC 2.0 or VC 1.1 context, `type` includes
//!   `VerifiablePresentation`, `holder` (when present) is an IRI or an object with an IRI `id`;
//! - each `verifiableCredential` item (an object, an `EnvelopedVerifiableCredential` with a
//!   `data:application/vc+jwt,` id, or a compact VC-JWT string) is verified with the full
//!   credential checks ([`crate::verify_json`]) and reported on its own;
//! - the presentation's Data Integrity proof(s) ([`proofs::data_integrity::verify_with`] with
//!   [`VerifyOptions::authentication`]): purpose `authentication`, the verifier's `challenge` and
//!   `domain` (string or array), each verification method listed under `authentication` in its
//!   controller's DID document and controlled by the `holder` when it is set. A presentation
//!   without a proof passes only when [`PresentationOptions::allow_unsigned`].
//!
//! Each failure has its own [`ProblemCode`] (wrong challenge, wrong domain, missing proof, bad
//! signature, tampered or revoked credential, ...), so a caller can tell them apart without
//! reading messages.

use proofs::data_integrity::{ProofError, VerifyOptions};
use proofs::did::ResolveError;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::clock::Clock;
use crate::fetch::Session;
use crate::format::types;
use crate::policy::Policy;
use crate::report::{
    CheckKind, CheckResult, CheckStatus, Report, SignerIdentity, SignerKind, Verdict,
};
use crate::resolve;

/// The VP type every presentation carries.
pub const PRESENTATION_TYPE: &str = "VerifiablePresentation";

/// What the verifier asks of a presentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PresentationOptions {
    /// The challenge (nonce) every proof must carry; `None`: not checked.
    pub challenge: Option<String>,
    /// The domain(s) every proof's `domain` must include; empty: not checked.
    pub domain: Vec<String>,
    /// The checks to run (on the presentation and its credentials); `None`: the policy's.
    pub checks: Option<Vec<CheckKind>>,
    /// Accept a presentation without a proof (its credentials are still verified).
    pub allow_unsigned: bool,
}

/// Why a presentation is not valid, machine-readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub enum ProblemCode {
    /// Not a presentation at all (not a JSON object, over the resource limits).
    NotAPresentation,
    /// A VP data model rule is broken (`@context`, `type`, `holder`, `verifiableCredential`).
    DataModel,
    /// No proof, and unsigned presentations are not allowed.
    MissingProof,
    /// A proof's purpose is not `authentication`.
    WrongProofPurpose,
    /// A proof's `challenge` is not the verifier's (or missing).
    WrongChallenge,
    /// A proof's `domain` does not include the verifier's (or is missing).
    WrongDomain,
    /// A proof's verification method is not controlled by the `holder`.
    HolderMismatch,
    /// A proof's signature does not verify: the presentation was changed after signing, or the
    /// wrong key signed it.
    BadSignature,
    /// A proof is malformed or of an unsupported kind.
    MalformedProof,
    /// A proof's verification method could not be resolved (could not check).
    UnresolvedKey,
    /// A credential's proof failed (changed after the issuer signed it).
    CredentialTampered,
    /// A credential is revoked or suspended.
    CredentialRevoked,
    /// A credential failed another check (format, expiry, trust, awarding body).
    CredentialInvalid,
    /// A credential could not be fully checked (or its signer is unknown).
    CredentialIndeterminate,
}

/// One problem of a presentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub struct Problem {
    /// What kind of problem.
    pub code: ProblemCode,
    /// Explanation, naming the field and the rule.
    pub message: String,
    /// The index of the credential concerned in `verifiableCredential`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<usize>,
}

/// The verification report of a presentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub struct PresentationReport {
    /// Overall verdict: invalid if the presentation or any credential is invalid; else
    /// indeterminate if anything could not be checked; else valid.
    pub verdict: Verdict,
    /// The `holder`, when the presentation names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    /// The presentation's own checks: `format` (VP data model rules) and `proof` (its
    /// `authentication` proof(s)); the signer is the holder's DID when the proof verified.
    pub presentation: Report,
    /// One report per `verifiableCredential` item, in order.
    pub credentials: Vec<Report>,
    /// Every problem, each with its code.
    pub problems: Vec<Problem>,
}

impl PresentationReport {
    /// CLI exit code: 0 valid, 1 invalid, 3 indeterminate.
    pub fn exit_code(&self) -> i32 {
        match self.verdict {
            Verdict::Valid => 0,
            Verdict::Invalid => 1,
            Verdict::Indeterminate => 3,
        }
    }

    /// Whether a problem with `code` was found.
    pub fn has(&self, code: ProblemCode) -> bool {
        self.problems.iter().any(|p| p.code == code)
    }
}

fn problem(code: ProblemCode, message: impl Into<String>) -> Problem {
    Problem {
        code,
        message: message.into(),
        credential: None,
    }
}

/// Whether `value` has the shape of a JSON object that claims to be a presentation (its `type`
/// includes `VerifiablePresentation`): the CLI's auto-detection.
pub fn is_presentation(value: &Value) -> bool {
    value.is_object() && types(value).contains(&PRESENTATION_TYPE)
}

/// Verifies a presentation given as parsed JSON.
pub fn verify_presentation(
    vp: &Value,
    options: &PresentationOptions,
    policy: &Policy,
    clock: &dyn Clock,
) -> PresentationReport {
    let selected;
    let policy = match &options.checks {
        Some(k) => {
            selected = policy.clone().with_checks(k.iter().copied());
            &selected
        }
        None => policy,
    };
    if !vp.is_object() {
        return unreadable("the presentation is not a JSON object".into(), false);
    }
    if let Err(e) = canon::budget::measure(vp, &policy.budget) {
        // This verifier's resource policy, not a rule the presentation breaks: could not check.
        return unreadable(
            format!("not checked: the presentation exceeds this verifier's resource limits: {e}"),
            true,
        );
    }
    let holder = holder_of(vp);
    let mut problems = if policy.runs(CheckKind::Format) {
        data_model_problems(vp)
    } else {
        Vec::new()
    };
    let format = if !policy.runs(CheckKind::Format) {
        CheckResult::skipped(CheckKind::Format, "not selected")
    } else if problems.is_empty() {
        CheckResult::ok(
            CheckKind::Format,
            "follows the VP data model rules (@context, type, holder, verifiableCredential)",
        )
    } else {
        let all: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        CheckResult::failed(CheckKind::Format, all.join("; "))
    };
    let (proof, proof_problem, signer) = check_proof(vp, options, holder.as_deref(), policy, clock);
    problems.extend(proof_problem);
    let presentation =
        Report::from_checks(vec![format, proof]).with_signer(signer.map(|did| SignerIdentity {
            kind: SignerKind::Did,
            organisation: None,
            organisation_identifier: None,
            certificate_subject: None,
            certificate_issuer: None,
            did: Some(did),
            registry_name: None,
        }));
    let mut credentials = Vec::new();
    for (index, item) in credential_items(vp).into_iter().enumerate() {
        let report = match credential_of(item) {
            Some(c) => crate::verify_json(&c, policy, clock),
            // A data-model problem already names it; its own report says why too.
            None => crate::verify_json(&Value::Null, policy, clock),
        };
        problems.extend(credential_problem(index, &report));
        credentials.push(report);
    }
    let verdict = overall(&presentation, &credentials);
    PresentationReport {
        verdict,
        holder,
        presentation,
        credentials,
        problems,
    }
}

/// A report for input that is not a presentation (`over_budget`: one this verifier will not
/// process, indeterminate).
fn unreadable(why: String, over_budget: bool) -> PresentationReport {
    let format = if over_budget {
        CheckResult::error(CheckKind::Format, why.clone())
    } else {
        CheckResult::failed(CheckKind::Format, why.clone())
    };
    let presentation = Report::from_checks(vec![
        format,
        CheckResult::skipped(CheckKind::Proof, "input is not a readable presentation"),
    ]);
    PresentationReport {
        verdict: presentation.verdict,
        holder: None,
        presentation,
        credentials: Vec::new(),
        problems: vec![problem(ProblemCode::NotAPresentation, why)],
    }
}

/// Invalid if anything is invalid; else indeterminate if anything is; else valid.
fn overall(presentation: &Report, credentials: &[Report]) -> Verdict {
    let all = || std::iter::once(presentation).chain(credentials.iter());
    if all().any(|r| r.verdict == Verdict::Invalid) {
        Verdict::Invalid
    } else if all().any(|r| r.verdict == Verdict::Indeterminate) {
        Verdict::Indeterminate
    } else {
        Verdict::Valid
    }
}

/// The holder's id: `holder` as a string, or `holder.id`.
fn holder_of(vp: &Value) -> Option<String> {
    match vp.get("holder")? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

/// An absolute IRI (the EDC validator's rule, [`elm_model::validate::is_absolute_uri`]).
fn is_iri(s: &str) -> bool {
    elm_model::validate::is_absolute_uri(s)
}

/// The VP data model rules (VC Data Model 2.0 §4.13, 1.1 §4.10): one problem per broken rule.
fn data_model_problems(vp: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut bad = |m: String| out.push(problem(ProblemCode::DataModel, m));
    let first_context = match vp.get("@context") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(Value::Array(list)) => list.first().and_then(Value::as_str),
        _ => None,
    };
    if !matches!(
        first_context,
        Some(contexts::urls::VC_V2 | contexts::urls::VC_V1)
    ) {
        bad(format!(
            "@context: the first entry must be {} or {}",
            contexts::urls::VC_V2,
            contexts::urls::VC_V1
        ));
    }
    if !types(vp).contains(&PRESENTATION_TYPE) {
        bad(format!("type: must include {PRESENTATION_TYPE}"));
    }
    if let Some(id) = vp.get("id") {
        if !id.as_str().is_some_and(is_iri) {
            bad("id: must be an IRI (a URL or a URN)".into());
        }
    }
    match vp.get("holder") {
        None => {}
        Some(Value::String(s)) if is_iri(s) => {}
        Some(Value::Object(o)) if o.get("id").and_then(Value::as_str).is_some_and(is_iri) => {}
        Some(_) => bad("holder: must be an IRI, or an object whose id is an IRI".into()),
    }
    match vp.get("verifiableCredential") {
        None | Some(Value::Object(_) | Value::String(_)) => {}
        Some(Value::Array(list)) if !list.is_empty() => {}
        Some(Value::Array(_)) => {
            bad("verifiableCredential: an empty array (omit the member instead)".into())
        }
        Some(_) => bad("verifiableCredential: must be an object, a string or an array".into()),
    }
    for (i, item) in credential_items(vp).into_iter().enumerate() {
        if credential_of(item).is_none() {
            bad(format!(
                "verifiableCredential[{i}]: must be a credential object, an \
                 EnvelopedVerifiableCredential with a data:application/vc+jwt, id, or a VC-JWT \
                 string"
            ));
        }
    }
    out
}

/// The `verifiableCredential` items (one for a single object or string).
fn credential_items(vp: &Value) -> Vec<&Value> {
    match vp.get("verifiableCredential") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
    }
}

/// The credential an item holds, as [`crate::verify_json`] reads it: the object itself, the
/// compact JWT of an `EnvelopedVerifiableCredential` (VC 2.0 §4.13.1, a `data:` URL), or a JWT
/// string. `None` when the item is none of these.
fn credential_of(item: &Value) -> Option<Value> {
    const ENVELOPE: &str = "EnvelopedVerifiableCredential";
    match item {
        Value::Object(_) if types(item).contains(&ENVELOPE) => {
            let id = item.get("id").and_then(Value::as_str)?;
            let jwt = id
                .strip_prefix("data:application/vc+jwt,")
                .or_else(|| id.strip_prefix("data:application/vc+sd-jwt,"))?;
            Some(Value::String(jwt.to_string()))
        }
        Value::Object(_) => Some(item.clone()),
        Value::String(s) if s.starts_with("ey") && s.matches('.').count() == 2 => {
            Some(item.clone())
        }
        _ => None,
    }
}

/// The problem a credential's report adds, if it is not valid.
fn credential_problem(index: usize, report: &Report) -> Option<Problem> {
    let failed = |k: CheckKind| report.check(k).map(|c| c.status) == Some(CheckStatus::Failed);
    let message_of = |k: CheckKind| {
        report
            .check(k)
            .map(|c| c.message.clone())
            .unwrap_or_default()
    };
    let (code, message) = match report.verdict {
        Verdict::Valid => return None,
        Verdict::Invalid if failed(CheckKind::Proof) => (
            ProblemCode::CredentialTampered,
            format!(
                "verifiableCredential[{index}]: its proof fails: {}",
                message_of(CheckKind::Proof)
            ),
        ),
        Verdict::Invalid if failed(CheckKind::Revocation) => (
            ProblemCode::CredentialRevoked,
            format!(
                "verifiableCredential[{index}]: {}",
                message_of(CheckKind::Revocation)
            ),
        ),
        Verdict::Invalid => {
            let names: Vec<&str> = report
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::Failed)
                .map(|c| c.check.name())
                .collect();
            (
                ProblemCode::CredentialInvalid,
                format!(
                    "verifiableCredential[{index}]: failed the {} check(s)",
                    names.join(", ")
                ),
            )
        }
        Verdict::Indeterminate => (
            ProblemCode::CredentialIndeterminate,
            format!("verifiableCredential[{index}]: could not be fully verified"),
        ),
    };
    Some(Problem {
        code,
        message,
        credential: Some(index),
    })
}

/// The presentation's proof check (its `authentication` proof(s)), its problem if any, and the
/// DID that signed it (the controller of the first verified proof's method) if it verified.
fn check_proof(
    vp: &Value,
    options: &PresentationOptions,
    holder: Option<&str>,
    policy: &Policy,
    clock: &dyn Clock,
) -> (CheckResult, Option<Problem>, Option<String>) {
    let k = CheckKind::Proof;
    if !policy.runs(k) {
        return (CheckResult::skipped(k, "not selected"), None, None);
    }
    let proofs_list: Vec<&Value> = match vp.get("proof") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(p) => vec![p],
    };
    if proofs_list.is_empty() {
        if options.allow_unsigned {
            return (
                CheckResult::skipped(k, "unsigned presentation, accepted (allow unsigned)"),
                None,
                None,
            );
        }
        let why = "proof: the presentation has no proof (unsigned presentations are not allowed)";
        return (
            CheckResult::failed(k, why),
            Some(problem(ProblemCode::MissingProof, why)),
            None,
        );
    }
    let methods: Vec<&str> = proofs_list
        .iter()
        .filter_map(|p| p.get("verificationMethod").and_then(Value::as_str))
        .collect();
    let session = Session::new(policy, clock.now());
    session.prefetch(resolve::requests(methods.iter().copied(), policy));
    let res = resolve::resolve(methods.iter().copied(), policy, &session);
    if let Some((_, why)) = res.errors.first() {
        return (
            CheckResult::error(k, why.clone()),
            Some(problem(ProblemCode::UnresolvedKey, why.clone())),
            None,
        );
    }
    let opts = VerifyOptions::authentication(
        options.challenge.clone(),
        options.domain.clone(),
        holder.map(str::to_string),
    );
    match proofs::data_integrity::verify_with(vp, &res.resolver, &opts) {
        Ok(list) => {
            let who: Vec<&str> = list
                .iter()
                .map(|p| p.verification_method.as_str())
                .collect();
            let message = format!(
                "{} authentication proof(s) verified: {}",
                list.len(),
                who.join(", ")
            );
            let signer = list.first().map(|p| p.controller.clone());
            (CheckResult::ok(k, message), None, signer)
        }
        Err(e) => {
            let (code, status) = proof_error_code(&e);
            let message = format!("proof: {e}");
            (
                CheckResult::new(k, status, message.clone()),
                Some(problem(code, message)),
                None,
            )
        }
    }
}

/// The problem code and check status of a presentation proof's failure.
fn proof_error_code(e: &ProofError) -> (ProblemCode, CheckStatus) {
    let failed = |c| (c, CheckStatus::Failed);
    match e {
        ProofError::ChallengeMismatch { .. } => failed(ProblemCode::WrongChallenge),
        ProofError::DomainMismatch { .. } => failed(ProblemCode::WrongDomain),
        ProofError::ProofPurposeMismatch { .. } => failed(ProblemCode::WrongProofPurpose),
        ProofError::ControllerNotHolder { .. } => failed(ProblemCode::HolderMismatch),
        ProofError::SignatureMismatch { .. } => failed(ProblemCode::BadSignature),
        ProofError::KeyNotFound {
            source: ResolveError::UnsupportedMethod(_),
            ..
        } => (ProblemCode::UnresolvedKey, CheckStatus::Error),
        _ => failed(ProblemCode::MalformedProof),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iris() {
        assert!(is_iri("did:key:z6Mk"));
        assert!(is_iri("urn:uuid:1234"));
        assert!(is_iri("https://example.org/h"));
        assert!(!is_iri("holder"));
        assert!(!is_iri("1x:y"));
        assert!(!is_iri("did: key"));
        assert!(!is_iri("x:"));
    }

    #[test]
    fn data_model_rules_name_the_field() {
        let vp = serde_json::json!({
            "@context": ["https://example.org/ctx"],
            "type": ["Presentation"],
            "holder": "not an iri",
            "verifiableCredential": [42]
        });
        let p = data_model_problems(&vp);
        let fields: Vec<&str> = p
            .iter()
            .map(|p| p.message.split(':').next().unwrap_or_default())
            .collect();
        assert_eq!(
            fields,
            ["@context", "type", "holder", "verifiableCredential[0]"]
        );
        assert!(p.iter().all(|p| p.code == ProblemCode::DataModel));
    }
}
