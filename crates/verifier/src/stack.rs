//! Stackability: do these unit credentials stack towards this programme? (MS18 §4.1 "(micro-
//! credential) programme", §7.4 "Implementing ILOs", Annex 3 programme certificate; standard element
//! 15 "integration/stackability" of the Council Recommendation of 16 June 2022 on micro-credentials.)
//!
//! [`check_stack`] takes the programme and the unit credentials and reports, unit by unit:
//! 1. every credential verifies ([`crate::verify()`]: proof, revocation, expiry, trust, awarding body);
//!    a revoked or forged unit fails with the verifier's reason;
//! 2. all belong to the same learner: a shared identifier (same scheme name and value, e.g. the
//!    student ID at the home university), else full name and date of birth; an identifier of the
//!    same scheme with a different value is a different learner. The rule used is reported;
//! 3. each unit credential matches a learning unit of the programme by the id of its main claim's
//!    specification, and was awarded by the university the programme names for that unit;
//! 4. every obligatory unit is present; the elective choice meets the programme's rule; the credits
//!    add up to the programme's minimum;
//! 5. a unit credential whose specification claims to be part of a programme (`isPartOf`) names this
//!    programme or one the caller knows ([`StackOptions::known_programmes`]).
//!
//! The programme ([`Programme`]) is either a programme specification (`elm_model::programme`) or a
//! programme credential: then the programme credential is verified too, its learner is the
//! reference learner, every unit in its `hasPart` must be backed by a unit credential, and its
//! credits are the minimum.
//!
//! The report is a recommendation, not a decision: recognition stays with the recognition office
//! (Council Recommendation, point 9 and Annex I element 15). [`StackReport::exit_code`]: 0 stacks,
//! 1 does not stack, 3 indeterminate (a check could not be performed, nothing failed).

use std::collections::BTreeSet;

use elm_model::award::Credits;
use elm_model::programme::{
    parse_programme, OutlineUnit, ProgrammeOutline, ProgrammeSpec, StackRules,
};
use elm_model::stacking::{credits_of, evaluate_rules, LearnerKey};
pub use elm_model::stacking::{CreditCheck, ElectiveCheck, ExpectedLearner};
use elm_model::view::{CredentialView, ECTS};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::clock::Clock;
use crate::policy::Policy;
use crate::report::{CheckStatus, Report, Verdict};

/// The sentence every report carries.
pub const RECOMMENDATION: &str = "This is a recommendation, not a decision: recognition of the credentials stays with the recognition office (Council Recommendation of 16 June 2022 on micro-credentials).";

/// The programme the units should stack towards.
#[derive(Debug, Clone)]
pub enum Programme {
    /// A programme specification (what the lead university publishes).
    Specification(Box<ProgrammeSpec>),
    /// A programme credential (JSON bytes): its `hasPart` units are what must be backed.
    Credential(Vec<u8>),
}

/// Why a programme could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StackError {
    /// Not JSON.
    #[error("the programme is not JSON: {0}")]
    Json(String),
    /// Looks like a programme specification but is not a valid one.
    #[error("the programme specification is invalid: {path}: {message}")]
    Specification {
        /// Field.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl Programme {
    /// Reads a PROGRAMME file: a JSON object with `leadUniversity` and `learningOpportunity` is a
    /// programme specification; anything else is taken as a programme credential (plain, upload
    /// wrapper, JAdES-sealed).
    pub fn from_slice(bytes: &[u8]) -> Result<Self, StackError> {
        let v: Value =
            strict_json::from_slice(bytes).map_err(|e| StackError::Json(e.to_string()))?;
        if v.get("leadUniversity").is_some() && v.get("learningOpportunity").is_some() {
            let text = String::from_utf8_lossy(bytes);
            let spec = parse_programme(&text).map_err(|i| StackError::Specification {
                path: i.path,
                message: i.message,
            })?;
            return Ok(Self::Specification(Box::new(spec)));
        }
        Ok(Self::Credential(bytes.to_vec()))
    }
}

/// A unit the lead university's academic coordinator confirms directly (MS18 §7.4), instead of a
/// unit credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfirmedUnit {
    /// The unit's specification id.
    pub specification_id: String,
    /// Who confirmed it (e.g. `coordinator tudelft (token …)`).
    pub confirmed_by: String,
    /// Grade, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
}

/// What the caller adds to the check.
#[derive(Debug, Clone, Default)]
pub struct StackOptions {
    /// Programme ids a unit's `isPartOf` may name besides this programme.
    pub known_programmes: Vec<String>,
    /// Units confirmed by the coordinator.
    pub confirmed: Vec<ConfirmedUnit>,
    /// The reference learner (else the programme credential's, else the first unit's).
    pub learner: Option<ExpectedLearner>,
}

/// Overall result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StackVerdict {
    /// Every check passed: the units stack towards the programme.
    Stacks,
    /// At least one check failed.
    DoesNotStack,
    /// Nothing failed, but a unit's verification could not be completed.
    Indeterminate,
}

/// What became of one unit (a submitted credential, a confirmed unit, or a programme unit nobody
/// proved).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnitStatus {
    /// The credential proves this programme unit.
    Matched,
    /// The coordinator confirmed the unit.
    Confirmed,
    /// No credential for this programme unit.
    Missing,
    /// Awarded by another university than the programme names.
    WrongUniversity,
    /// Belongs to another learner.
    WrongLearner,
    /// The credential does not verify (revoked, forged, expired, untrusted) or could not be verified.
    NotVerified,
    /// Matches no unit of the programme.
    UnknownUnit,
    /// Claims to be part of a programme that is not known.
    UnknownProgramme,
    /// A second credential for a unit already proven.
    Duplicate,
    /// Not a readable EDC credential.
    Unreadable,
}

/// One entry of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnitEntry {
    /// Position in the submitted credentials (absent for missing and confirmed units).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<usize>,
    /// The credential's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<String>,
    /// The unit's specification id (the credential's main claim's, or the programme unit's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specification_id: Option<String>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The awarding body (DID) of the credential, or the programme's university for the unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub university: Option<String>,
    /// Whether the programme unit is obligatory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obligatory: Option<bool>,
    /// ECTS credits counted for the unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ects: Option<Credits>,
    /// Grade (English, else any language).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// How the learner was matched: `identifier` or `name-and-date-of-birth` (`reference`: this
    /// credential's learner is the one the others are compared with).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learner_match: Option<String>,
    /// The outcome.
    pub status: UnitStatus,
    /// Every problem found with this unit (empty when matched).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// The verifier's verdict on the credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verdict>,
}

/// The learner check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LearnerCheck {
    /// `identifier`, `name-and-date-of-birth`, `identifier and name-and-date-of-birth`, or `none`.
    pub rule: String,
    /// Whether every credential belongs to the reference learner.
    pub same_learner: bool,
    /// The reference learner's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learner: Option<String>,
    /// Explanation.
    pub message: String,
}

/// The programme the check ran against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgrammeInfo {
    /// `specification` or `credential`.
    pub source: String,
    /// The programme specification's id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Lead university (id or DID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_university: Option<String>,
    /// For a programme credential: the verifier's report on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<Report>,
}

/// The stackability report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackReport {
    /// Overall result.
    pub verdict: StackVerdict,
    /// `verdict == stacks`.
    pub stacks: bool,
    /// [`RECOMMENDATION`].
    pub notice: String,
    /// The programme.
    pub programme: ProgrammeInfo,
    /// The learner check.
    pub learner: LearnerCheck,
    /// One entry per submitted credential, confirmed unit and missing programme unit.
    pub units: Vec<UnitEntry>,
    /// Obligatory units nobody proved (specification ids).
    pub missing_obligatory: Vec<String>,
    /// The elective rule.
    pub electives: ElectiveCheck,
    /// The credit rule.
    pub credits: CreditCheck,
    /// Every reason the set does not stack (or is indeterminate), one sentence each.
    pub problems: Vec<String>,
}

impl StackReport {
    /// CLI exit code: 0 stacks, 1 does not stack, 3 indeterminate.
    pub fn exit_code(&self) -> i32 {
        match self.verdict {
            StackVerdict::Stacks => 0,
            StackVerdict::DoesNotStack => 1,
            StackVerdict::Indeterminate => 3,
        }
    }

    /// The entries with `status`.
    pub fn with_status(&self, status: UnitStatus) -> Vec<&UnitEntry> {
        self.units.iter().filter(|u| u.status == status).collect()
    }
}

/// [`check_stack_with`] with no options.
pub fn check_stack(
    programme: &Programme,
    units: &[&[u8]],
    policy: &Policy,
    clock: &dyn Clock,
) -> StackReport {
    check_stack_with(programme, units, &StackOptions::default(), policy, clock)
}

fn verification_problems(r: &Report) -> Vec<String> {
    r.checks
        .iter()
        .filter(|c| matches!(c.status, CheckStatus::Failed | CheckStatus::Error))
        .map(|c| {
            let what = if c.status == CheckStatus::Failed {
                "failed"
            } else {
                "could not be checked"
            };
            format!("{} {what}: {}", c.check.name(), c.message)
        })
        .collect()
}

fn component_of(spec: &elm_model::view::Specification) -> Option<bool> {
    spec.additional_note
        .iter()
        .flat_map(|n| n.subject.iter())
        .filter_map(|c| c.id())
        .find_map(|id| {
            if id.ends_with("component-status:obligatory") {
                Some(true)
            } else if id.ends_with("component-status:elective") {
                Some(false)
            } else {
                None
            }
        })
}

/// The outline of a programme credential: its `hasPart` units, all of them required.
fn outline_of_credential(v: &CredentialView) -> Option<ProgrammeOutline> {
    let main = v.main_claim()?;
    let spec = main.specification()?;
    let id = spec.id()?.to_owned();
    let mut units = Vec::new();
    for part in main.has_part.iter() {
        let Some(ps) = part.specification() else {
            continue;
        };
        let Some(pid) = ps.id() else { continue };
        units.push(OutlineUnit {
            specification_id: pid.to_owned(),
            title: part.title("en").unwrap_or_default().to_owned(),
            university: part
                .awarding_bodies()
                .find_map(|o| o.id())
                .unwrap_or_default()
                .to_owned(),
            obligatory: component_of(ps).unwrap_or(true),
            ects: part.credits(ECTS).map(credits_of),
        });
    }
    let electives = units.iter().filter(|u| !u.obligatory).count();
    Some(ProgrammeOutline {
        id,
        title: main.title("en").unwrap_or_default().to_owned(),
        lead_university: v.issuer().and_then(|o| o.id()).map(str::to_owned),
        units,
        rules: StackRules {
            min_elective_units: u32::try_from(electives).unwrap_or(u32::MAX),
            min_elective_ects: None,
            min_total_ects: main.credits(ECTS).map(credits_of),
        },
    })
}

/// Whether `did` (an awarding body's id) is the university `wanted` (a university id or a DID).
fn same_university(policy: &Policy, wanted: &str, did: &str) -> bool {
    if wanted == did {
        return true;
    }
    let base = |d: &str| d.split('#').next().unwrap_or(d).to_owned();
    if base(wanted) == base(did) {
        return true;
    }
    match policy.registry.member_by_did(did) {
        Some(m) => m.id == wanted || m.has_did(wanted),
        None => false,
    }
}

fn university_label(policy: &Policy, did: &str) -> String {
    match policy.registry.member_by_did(did) {
        Some(m) => format!("{} ({did})", m.id),
        None => did.to_owned(),
    }
}

/// What the phases of the check collect.
#[derive(Default)]
struct Tally {
    /// Reasons the set does not stack.
    problems: Vec<String>,
    /// Reasons the result is only indeterminate.
    soft: Vec<String>,
    /// The learner every credential is compared with, and their name.
    reference: Option<LearnerKey>,
    reference_name: Option<String>,
    entries: Vec<UnitEntry>,
    /// (index in the outline, ECTS counted) of each unit proven.
    proven: Vec<(usize, Credits)>,
    /// The learner rules that matched.
    rules_used: BTreeSet<&'static str>,
    learner_problems: usize,
}

impl Tally {
    fn is_proven(&self, k: usize) -> bool {
        self.proven.iter().any(|(j, _)| *j == k)
    }
}

/// Checks whether `units` stack towards `programme`, in four phases: resolve the programme,
/// verify the units (and match each to a programme unit and to the learner), add the
/// coordinator's confirmations and the missing units, evaluate the rules
/// ([`elm_model::stacking::evaluate_rules`]).
pub fn check_stack_with(
    programme: &Programme,
    units: &[&[u8]],
    options: &StackOptions,
    policy: &Policy,
    clock: &dyn Clock,
) -> StackReport {
    let mut t = Tally {
        reference: options.learner.as_ref().map(LearnerKey::of_expected),
        reference_name: options.learner.as_ref().map(|l| l.full_name.clone()),
        ..Tally::default()
    };
    let (outline, info) = resolve_programme(programme, policy, clock, &mut t);
    for (i, bytes) in units.iter().enumerate() {
        let e = verify_unit(i, bytes, &outline, options, policy, clock, &mut t);
        t.entries.push(e);
    }
    confirm_units(&options.confirmed, &outline, &mut t);
    let missing_obligatory = missing_units(&outline, &mut t);
    finish(outline, info, missing_obligatory, t)
}

/// Phase 1: the programme's outline and its description in the report. A programme credential
/// is verified, and its learner becomes the reference learner unless the caller named one.
fn resolve_programme(
    programme: &Programme,
    policy: &Policy,
    clock: &dyn Clock,
    t: &mut Tally,
) -> (ProgrammeOutline, ProgrammeInfo) {
    let bytes = match programme {
        Programme::Specification(spec) => {
            let o = spec.outline();
            let info = programme_info("specification", &o, None);
            return (o, info);
        }
        Programme::Credential(bytes) => bytes,
    };
    let report = crate::verify(bytes, policy, clock);
    match report.verdict {
        Verdict::Invalid => t.problems.push(format!(
            "the programme credential does not verify: {}",
            verification_problems(&report).join("; ")
        )),
        Verdict::Indeterminate => t.soft.push(format!(
            "the programme credential could not be fully verified: {}",
            verification_problems(&report).join("; ")
        )),
        Verdict::Valid => {}
    }
    let view = CredentialView::from_slice(bytes).ok();
    let o = match view.as_ref().and_then(outline_of_credential) {
        Some(o) => o,
        None => {
            t.problems.push("the programme credential names no programme specification (main claim `specifiedBy` with an id)".into());
            ProgrammeOutline {
                id: String::new(),
                title: String::new(),
                lead_university: None,
                units: vec![],
                rules: StackRules::default(),
            }
        }
    };
    if let (Some(v), None) = (&view, &t.reference) {
        t.reference = Some(LearnerKey::of_view(v));
        t.reference_name = v.learner_full_name();
    }
    let info = programme_info("credential", &o, Some(report));
    (o, info)
}

fn programme_info(
    source: &str,
    o: &ProgrammeOutline,
    verification: Option<Report>,
) -> ProgrammeInfo {
    ProgrammeInfo {
        source: source.into(),
        id: o.id.clone(),
        title: o.title.clone(),
        lead_university: o.lead_university.clone(),
        verification,
    }
}

/// An entry with only its status.
fn entry(status: UnitStatus) -> UnitEntry {
    UnitEntry {
        input: None,
        credential_id: None,
        specification_id: None,
        title: None,
        university: None,
        obligatory: None,
        ects: None,
        grade: None,
        learner_match: None,
        status,
        problems: vec![],
        verification: None,
    }
}

/// Phase 2, one unit credential: verify it, read it, match it to a programme unit and its
/// university, to the learner and to the programmes it claims to be part of; then settle its
/// status and whether it counts.
fn verify_unit(
    i: usize,
    bytes: &[u8],
    outline: &ProgrammeOutline,
    options: &StackOptions,
    policy: &Policy,
    clock: &dyn Clock,
    t: &mut Tally,
) -> UnitEntry {
    let report = crate::verify(bytes, policy, clock);
    let mut e = UnitEntry {
        input: Some(i),
        verification: Some(report.verdict),
        ..entry(UnitStatus::Matched)
    };
    let view = match CredentialView::from_slice(bytes) {
        Ok(v) => v,
        Err(err) => {
            e.status = if report.verdict == Verdict::Invalid {
                UnitStatus::NotVerified
            } else {
                UnitStatus::Unreadable
            };
            e.problems.extend(verification_problems(&report));
            e.problems
                .push(format!("not a readable EDC credential: {err}"));
            t.problems
                .push(format!("credential {i}: {}", e.problems.join("; ")));
            return e;
        }
    };
    let main = view.main_claim();
    e.credential_id = view.id().map(str::to_owned);
    e.specification_id = main
        .and_then(|c| c.specification())
        .and_then(|s| s.id())
        .map(str::to_owned);
    e.title = main.and_then(|c| c.title("en")).map(str::to_owned);
    e.university = main
        .and_then(|c| c.awarding_bodies().find_map(|o| o.id()))
        .map(str::to_owned);
    e.grade = main
        .and_then(|c| c.proven_by.iter().find_map(|a| a.grade("en")))
        .map(str::to_owned);
    let credential_ects = main.and_then(|c| c.credits(ECTS)).map(credits_of);

    let mut statuses: Vec<UnitStatus> = Vec::new();
    if report.verdict != Verdict::Valid {
        statuses.push(UnitStatus::NotVerified);
        e.problems.extend(verification_problems(&report));
    }
    let indeterminate = report.verdict == Verdict::Indeterminate;
    let unit_index = match_unit(outline, policy, t, &mut e, &mut statuses);
    match_learner(&view, t, &mut e, &mut statuses);
    if let Some(spec) = main.and_then(|c| c.specification()) {
        for p in spec.is_part_of.iter().filter_map(|p| p.id()) {
            if p != outline.id && !options.known_programmes.iter().any(|k| k == p) {
                statuses.push(UnitStatus::UnknownProgramme);
                e.problems.push(format!("it claims to be part of programme `{p}`, which is not `{}` nor a known programme", outline.id));
            }
        }
    }
    let unit = unit_index.and_then(|k| Some((k, outline.units.get(k)?)));
    settle_unit(i, e, &statuses, indeterminate, unit, credential_ects, t)
}

/// The programme unit the credential proves (by its specification id), checking that the
/// university the programme names for it awarded it and that it is not proven twice.
fn match_unit(
    outline: &ProgrammeOutline,
    policy: &Policy,
    t: &Tally,
    e: &mut UnitEntry,
    statuses: &mut Vec<UnitStatus>,
) -> Option<usize> {
    let spec_id = e.specification_id.as_deref();
    let found = spec_id.and_then(|id| {
        outline
            .units
            .iter()
            .enumerate()
            .find(|(_, u)| u.specification_id == id)
    });
    let Some((k, u)) = found else {
        statuses.push(UnitStatus::UnknownUnit);
        e.problems.push(format!(
            "its learning opportunity `{}` is not a unit of the programme `{}`",
            spec_id.unwrap_or("(none)"),
            outline.id
        ));
        return None;
    };
    e.obligatory = Some(u.obligatory);
    if e.title.is_none() {
        e.title = Some(u.title.clone());
    }
    match &e.university {
        Some(did) if same_university(policy, &u.university, did) => {}
        Some(did) => {
            statuses.push(UnitStatus::WrongUniversity);
            let label = university_label(policy, did);
            e.problems.push(format!(
                "awarded by {label}, but the programme has this unit taught by `{}`",
                u.university
            ));
        }
        None => {
            statuses.push(UnitStatus::WrongUniversity);
            e.problems
                .push("the credential names no awarding body".into());
        }
    }
    if t.is_proven(k) {
        statuses.push(UnitStatus::Duplicate);
        e.problems
            .push("a second credential for a unit already proven".into());
    }
    Some(k)
}

/// The credential's learner against the reference learner (the first credential's learner
/// becomes the reference when none is known yet).
fn match_learner(
    view: &CredentialView,
    t: &mut Tally,
    e: &mut UnitEntry,
    statuses: &mut Vec<UnitStatus>,
) {
    let key = LearnerKey::of_view(view);
    match &t.reference {
        None => {
            t.reference_name = view.learner_full_name();
            e.learner_match = Some("reference".into());
            t.reference = Some(key);
        }
        Some(r) => match r.matches(&key) {
            Ok(rule) => {
                t.rules_used.insert(rule);
                e.learner_match = Some(rule.into());
            }
            Err(why) => {
                t.learner_problems += 1;
                statuses.push(UnitStatus::WrongLearner);
                e.problems.push(why);
            }
        },
    }
}

/// The unit's status (the first problem found, in the order checked), whether it counts
/// towards the programme, and its line in the report's problems.
fn settle_unit(
    i: usize,
    mut e: UnitEntry,
    statuses: &[UnitStatus],
    indeterminate: bool,
    unit: Option<(usize, &OutlineUnit)>,
    credential_ects: Option<Credits>,
    t: &mut Tally,
) -> UnitEntry {
    let order = [
        UnitStatus::NotVerified,
        UnitStatus::UnknownUnit,
        UnitStatus::WrongLearner,
        UnitStatus::WrongUniversity,
        UnitStatus::UnknownProgramme,
        UnitStatus::Duplicate,
    ];
    e.status = order
        .into_iter()
        .find(|s| statuses.contains(s))
        .unwrap_or(UnitStatus::Matched);
    let only_indeterminate =
        indeterminate && statuses.iter().all(|s| *s == UnitStatus::NotVerified);
    if let Some((k, u)) = unit {
        let ects = credential_ects.or(u.ects).unwrap_or_default();
        e.ects = Some(ects);
        // A unit whose verification is merely indeterminate counts provisionally, so the
        // verdict is "indeterminate", not "missing obligatory unit".
        if e.status == UnitStatus::Matched || only_indeterminate {
            t.proven.push((k, ects));
        }
    }
    if e.status != UnitStatus::Matched {
        let what = e.title.as_deref().or(e.credential_id.as_deref());
        let line = format!(
            "credential {i} ({}): {}",
            what.unwrap_or("?"),
            e.problems.join("; ")
        );
        if only_indeterminate {
            t.soft.push(line);
        } else {
            t.problems.push(line);
        }
    }
    e
}

/// Phase 3a: the units the coordinator confirmed.
fn confirm_units(confirmed: &[ConfirmedUnit], outline: &ProgrammeOutline, t: &mut Tally) {
    for c in confirmed {
        let found = outline
            .units
            .iter()
            .enumerate()
            .find(|(_, u)| u.specification_id == c.specification_id);
        let mut e = UnitEntry {
            specification_id: Some(c.specification_id.clone()),
            grade: c.grade.clone(),
            ..entry(UnitStatus::Confirmed)
        };
        match found {
            None => {
                e.status = UnitStatus::UnknownUnit;
                e.problems.push(format!(
                    "`{}` is not a unit of the programme",
                    c.specification_id
                ));
            }
            Some((k, _)) if t.is_proven(k) => {
                e.status = UnitStatus::Duplicate;
                e.problems.push("the unit is already proven".into());
            }
            Some((k, u)) => {
                e.title = Some(u.title.clone());
                e.university = Some(u.university.clone());
                e.obligatory = Some(u.obligatory);
                e.ects = u.ects;
                t.proven.push((k, u.ects.unwrap_or_default()));
            }
        }
        if e.status != UnitStatus::Confirmed {
            t.problems.push(format!(
                "confirmed unit `{}`: {}",
                c.specification_id,
                e.problems.join("; ")
            ));
        } else {
            e.problems = vec![format!("confirmed by {}", c.confirmed_by)];
        }
        t.entries.push(e);
    }
}

/// Phase 3b: an entry per programme unit nobody proved; returns the obligatory ones.
fn missing_units(outline: &ProgrammeOutline, t: &mut Tally) -> Vec<String> {
    let mut missing_obligatory = Vec::new();
    for (k, u) in outline.units.iter().enumerate() {
        if t.is_proven(k) {
            continue;
        }
        let mut e = UnitEntry {
            specification_id: Some(u.specification_id.clone()),
            title: Some(u.title.clone()),
            university: Some(u.university.clone()),
            obligatory: Some(u.obligatory),
            ects: u.ects,
            ..entry(UnitStatus::Missing)
        };
        if u.obligatory {
            e.problems
                .push("obligatory unit: no valid credential for it".into());
            missing_obligatory.push(u.specification_id.clone());
            t.problems.push(format!(
                "obligatory unit `{}` ({}) is missing",
                u.title, u.specification_id
            ));
        } else {
            e.problems.push("elective unit not taken".into());
        }
        t.entries.push(e);
    }
    missing_obligatory
}

/// The learner check over the whole set.
fn learner_check(t: &Tally) -> LearnerCheck {
    let rule = match (
        t.rules_used.contains("identifier"),
        t.rules_used.contains("name-and-date-of-birth"),
    ) {
        (true, true) => "identifier and name-and-date-of-birth",
        (true, false) => "identifier",
        (false, true) => "name-and-date-of-birth",
        (false, false) => "none",
    };
    let message = match (t.learner_problems, rule) {
        (0, "none") => "only one credential of the learner: nothing to compare".into(),
        (0, r) => format!("every credential belongs to the same learner (matched by {r})"),
        (n, _) => format!("{n} credential(s) belong to another learner"),
    };
    LearnerCheck {
        rule: rule.into(),
        same_learner: t.learner_problems == 0,
        learner: t.reference_name.clone(),
        message,
    }
}

/// Phase 4: evaluate the programme's rules and assemble the report.
fn finish(
    outline: ProgrammeOutline,
    info: ProgrammeInfo,
    missing_obligatory: Vec<String>,
    mut t: Tally,
) -> StackReport {
    let rules = evaluate_rules(&outline, &t.proven);
    t.problems.extend(rules.problems);
    let learner = learner_check(&t);
    let verdict = if !t.problems.is_empty() {
        StackVerdict::DoesNotStack
    } else if !t.soft.is_empty() {
        StackVerdict::Indeterminate
    } else {
        StackVerdict::Stacks
    };
    t.problems.append(&mut t.soft);
    StackReport {
        verdict,
        stacks: verdict == StackVerdict::Stacks,
        notice: RECOMMENDATION.into(),
        programme: info,
        learner,
        units: t.entries,
        missing_obligatory,
        electives: rules.electives,
        credits: rules.credits,
        problems: t.problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programme_file_kinds() {
        let spec = include_bytes!("../../../examples/stack/programme.json");
        assert!(matches!(
            Programme::from_slice(spec),
            Ok(Programme::Specification(_))
        ));
        assert!(matches!(
            Programme::from_slice(b"{\"credentialSubject\": {}}"),
            Ok(Programme::Credential(_))
        ));
        assert!(matches!(
            Programme::from_slice(b"nope"),
            Err(StackError::Json(_))
        ));
        let broken =
            String::from_utf8_lossy(spec).replace("\"minElectiveUnits\"", "\"minElectives\"");
        match Programme::from_slice(broken.as_bytes()) {
            Err(StackError::Specification { path, message }) => {
                assert!(path.starts_with("rules"), "{path}");
                assert!(message.contains("minElectives"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}
