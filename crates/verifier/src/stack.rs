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

use chrono::NaiveDate;
use elm_model::award::Credits;
use elm_model::programme::{
    parse_programme, OutlineUnit, ProgrammeOutline, ProgrammeSpec, StackRules,
};
use elm_model::view::{CredentialView, Decimal, ECTS};
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

/// The learner the credentials must belong to, when the caller knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpectedLearner {
    /// Full name ("given names" + " " + "family names").
    pub full_name: String,
    /// Date of birth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<NaiveDate>,
    /// Identifiers as (scheme name, value).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<(Option<String>, String)>,
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

/// The elective rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ElectiveCheck {
    /// Elective units required.
    pub min_units: u32,
    /// Elective units proven.
    pub units: u32,
    /// Elective ECTS required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ects: Option<Credits>,
    /// Elective ECTS proven.
    pub ects: Credits,
    /// Whether the rule is met.
    pub ok: bool,
}

/// The credit rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreditCheck {
    /// ECTS of the proven units.
    pub total: Credits,
    /// ECTS required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<Credits>,
    /// Whether the rule is met.
    pub ok: bool,
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

/// The learner as compared.
#[derive(Debug, Clone, Default)]
struct LearnerKey {
    name: Option<String>,
    dob: Option<NaiveDate>,
    ids: Vec<(Option<String>, String)>,
}

fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl LearnerKey {
    fn of_view(v: &CredentialView) -> Self {
        Self {
            name: v.learner_full_name().map(|n| norm(&n)),
            dob: v.learner_date_of_birth(),
            ids: v
                .learner_identifiers()
                .into_iter()
                .filter_map(|i| Some((i.scheme().map(norm), norm(&i.value()?))))
                .collect(),
        }
    }

    fn of_expected(e: &ExpectedLearner) -> Self {
        Self {
            name: Some(norm(&e.full_name)),
            dob: e.date_of_birth,
            ids: e
                .identifiers
                .iter()
                .map(|(s, v)| (s.as_deref().map(norm), norm(v)))
                .collect(),
        }
    }

    /// `Ok(rule)` or `Err(why not)`.
    fn matches(&self, other: &LearnerKey) -> Result<&'static str, String> {
        let shared = self.ids.iter().any(|(s1, v1)| {
            other
                .ids
                .iter()
                .any(|(s2, v2)| v1 == v2 && (s1 == s2 || s1.is_none() || s2.is_none()))
        });
        if shared {
            return Ok("identifier");
        }
        let conflicting = self
            .ids
            .iter()
            .find(|(s1, _)| s1.is_some() && other.ids.iter().any(|(s2, _)| s1 == s2));
        if let Some((Some(scheme), _)) = conflicting {
            return Err(format!(
                "another learner: the identifier `{scheme}` differs"
            ));
        }
        match (&self.name, &other.name, self.dob, other.dob) {
            (Some(a), Some(b), Some(d1), Some(d2)) if a == b && d1 == d2 => Ok("name-and-date-of-birth"),
            (Some(a), Some(b), _, _) if a != b => Err(format!("another learner: `{b}` is not `{a}`")),
            (_, _, Some(d1), Some(d2)) if d1 != d2 => Err(format!("another learner: born {d2}, not {d1}")),
            _ => Err("cannot establish that this is the same learner: no shared identifier, and name or date of birth missing".into()),
        }
    }
}

fn to_credits(d: Decimal) -> Credits {
    Credits::parse(&d.to_string())
        .unwrap_or_else(|| Credits::from_hundredths((d.to_f64().max(0.0) * 100.0).floor() as u64))
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
            ects: part.credits(ECTS).map(to_credits),
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
            min_total_ects: main.credits(ECTS).map(to_credits),
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

/// Checks whether `units` stack towards `programme`.
pub fn check_stack_with(
    programme: &Programme,
    units: &[&[u8]],
    options: &StackOptions,
    policy: &Policy,
    clock: &dyn Clock,
) -> StackReport {
    let mut problems: Vec<String> = Vec::new();
    let mut soft: Vec<String> = Vec::new();
    let mut reference: Option<LearnerKey> = options.learner.as_ref().map(LearnerKey::of_expected);
    let mut reference_name = options.learner.as_ref().map(|l| l.full_name.clone());

    // The programme.
    let (outline, info) = match programme {
        Programme::Specification(spec) => {
            let o = spec.outline();
            let info = ProgrammeInfo {
                source: "specification".into(),
                id: o.id.clone(),
                title: o.title.clone(),
                lead_university: o.lead_university.clone(),
                verification: None,
            };
            (o, info)
        }
        Programme::Credential(bytes) => {
            let report = crate::verify(bytes, policy, clock);
            match report.verdict {
                Verdict::Invalid => problems.push(format!(
                    "the programme credential does not verify: {}",
                    verification_problems(&report).join("; ")
                )),
                Verdict::Indeterminate => soft.push(format!(
                    "the programme credential could not be fully verified: {}",
                    verification_problems(&report).join("; ")
                )),
                Verdict::Valid => {}
            }
            let view = CredentialView::from_slice(bytes).ok();
            let outline = view.as_ref().and_then(outline_of_credential);
            let o = match outline {
                Some(o) => o,
                None => {
                    problems.push("the programme credential names no programme specification (main claim `specifiedBy` with an id)".into());
                    ProgrammeOutline {
                        id: String::new(),
                        title: String::new(),
                        lead_university: None,
                        units: vec![],
                        rules: StackRules::default(),
                    }
                }
            };
            if let Some(v) = &view {
                if reference.is_none() {
                    reference = Some(LearnerKey::of_view(v));
                    reference_name = v.learner_full_name();
                }
            }
            let info = ProgrammeInfo {
                source: "credential".into(),
                id: o.id.clone(),
                title: o.title.clone(),
                lead_university: o.lead_university.clone(),
                verification: Some(report),
            };
            (o, info)
        }
    };

    // The units.
    let mut entries: Vec<UnitEntry> = Vec::new();
    let mut proven: Vec<(usize, Credits)> = Vec::new(); // (outline index, ects counted)
    let mut rules_used: BTreeSet<&'static str> = BTreeSet::new();
    let mut learner_problems = 0usize;
    for (i, bytes) in units.iter().enumerate() {
        let report = crate::verify(bytes, policy, clock);
        let mut e = UnitEntry {
            input: Some(i),
            credential_id: None,
            specification_id: None,
            title: None,
            university: None,
            obligatory: None,
            ects: None,
            grade: None,
            learner_match: None,
            status: UnitStatus::Matched,
            problems: vec![],
            verification: Some(report.verdict),
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
                problems.push(format!("credential {i}: {}", e.problems.join("; ")));
                entries.push(e);
                continue;
            }
        };
        let main = view.main_claim();
        let spec_id = main
            .and_then(|c| c.specification())
            .and_then(|s| s.id())
            .map(str::to_owned);
        e.credential_id = view.id().map(str::to_owned);
        e.specification_id = spec_id.clone();
        e.title = main.and_then(|c| c.title("en")).map(str::to_owned);
        let body = main
            .and_then(|c| c.awarding_bodies().find_map(|o| o.id()))
            .map(str::to_owned);
        e.university = body.clone();
        e.grade = main
            .and_then(|c| c.proven_by.iter().find_map(|a| a.grade("en")))
            .map(str::to_owned);
        let credential_ects = main.and_then(|c| c.credits(ECTS)).map(to_credits);

        let mut statuses: Vec<UnitStatus> = Vec::new();
        let mut indeterminate = false;
        match report.verdict {
            Verdict::Valid => {}
            Verdict::Invalid => {
                statuses.push(UnitStatus::NotVerified);
                e.problems.extend(verification_problems(&report));
            }
            Verdict::Indeterminate => {
                statuses.push(UnitStatus::NotVerified);
                indeterminate = true;
                e.problems.extend(verification_problems(&report));
            }
        }
        let unit_index = spec_id
            .as_deref()
            .and_then(|id| outline.units.iter().position(|u| u.specification_id == id));
        match unit_index {
            None => {
                statuses.push(UnitStatus::UnknownUnit);
                e.problems.push(format!(
                    "its learning opportunity `{}` is not a unit of the programme `{}`",
                    spec_id.as_deref().unwrap_or("(none)"),
                    outline.id
                ));
            }
            Some(k) => {
                let u = &outline.units[k];
                e.obligatory = Some(u.obligatory);
                if e.title.is_none() {
                    e.title = Some(u.title.clone());
                }
                match &body {
                    Some(did) if same_university(policy, &u.university, did) => {}
                    Some(did) => {
                        statuses.push(UnitStatus::WrongUniversity);
                        e.problems.push(format!(
                            "awarded by {}, but the programme has this unit taught by `{}`",
                            university_label(policy, did),
                            u.university
                        ));
                    }
                    None => {
                        statuses.push(UnitStatus::WrongUniversity);
                        e.problems
                            .push("the credential names no awarding body".into());
                    }
                }
                if proven.iter().any(|(j, _)| *j == k) {
                    statuses.push(UnitStatus::Duplicate);
                    e.problems
                        .push("a second credential for a unit already proven".into());
                }
            }
        }
        // Learner.
        let key = LearnerKey::of_view(&view);
        match &reference {
            None => {
                reference_name = view.learner_full_name();
                e.learner_match = Some("reference".into());
                reference = Some(key);
            }
            Some(r) => match r.matches(&key) {
                Ok(rule) => {
                    rules_used.insert(rule);
                    e.learner_match = Some(rule.into());
                }
                Err(why) => {
                    learner_problems += 1;
                    statuses.push(UnitStatus::WrongLearner);
                    e.problems.push(why);
                }
            },
        }
        // isPartOf.
        if let Some(spec) = main.and_then(|c| c.specification()) {
            for p in spec.is_part_of.iter().filter_map(|p| p.id()) {
                if p != outline.id && !options.known_programmes.iter().any(|k| k == p) {
                    statuses.push(UnitStatus::UnknownProgramme);
                    e.problems.push(format!("it claims to be part of programme `{p}`, which is not `{}` nor a known programme", outline.id));
                }
            }
        }
        // Status: the first problem found, in the order checked.
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
        if let Some(k) = unit_index {
            let ects = credential_ects
                .or(outline.units[k].ects)
                .unwrap_or_default();
            e.ects = Some(ects);
            // A unit whose verification is merely indeterminate counts provisionally, so the
            // verdict is "indeterminate", not "missing obligatory unit".
            if e.status == UnitStatus::Matched || only_indeterminate {
                proven.push((k, ects));
            }
        }
        if e.status != UnitStatus::Matched {
            let line = format!(
                "credential {i} ({}): {}",
                e.title
                    .as_deref()
                    .or(e.credential_id.as_deref())
                    .unwrap_or("?"),
                e.problems.join("; ")
            );
            if only_indeterminate {
                soft.push(line);
            } else {
                problems.push(line);
            }
        }
        entries.push(e);
    }

    // Coordinator confirmations.
    for c in &options.confirmed {
        let unit_index = outline
            .units
            .iter()
            .position(|u| u.specification_id == c.specification_id);
        let mut e = UnitEntry {
            input: None,
            credential_id: None,
            specification_id: Some(c.specification_id.clone()),
            title: None,
            university: None,
            obligatory: None,
            ects: None,
            grade: c.grade.clone(),
            learner_match: None,
            status: UnitStatus::Confirmed,
            problems: vec![],
            verification: None,
        };
        match unit_index {
            None => {
                e.status = UnitStatus::UnknownUnit;
                e.problems.push(format!(
                    "`{}` is not a unit of the programme",
                    c.specification_id
                ));
            }
            Some(k) if proven.iter().any(|(j, _)| *j == k) => {
                e.status = UnitStatus::Duplicate;
                e.problems.push("the unit is already proven".into());
            }
            Some(k) => {
                let u = &outline.units[k];
                e.title = Some(u.title.clone());
                e.university = Some(u.university.clone());
                e.obligatory = Some(u.obligatory);
                e.ects = u.ects;
                proven.push((k, u.ects.unwrap_or_default()));
            }
        }
        if e.status != UnitStatus::Confirmed {
            problems.push(format!(
                "confirmed unit `{}`: {}",
                c.specification_id,
                e.problems.join("; ")
            ));
        } else {
            e.problems = vec![format!("confirmed by {}", c.confirmed_by)];
        }
        entries.push(e);
    }

    // Missing units.
    let mut missing_obligatory = Vec::new();
    for (k, u) in outline.units.iter().enumerate() {
        if proven.iter().any(|(j, _)| *j == k) {
            continue;
        }
        let mut e = UnitEntry {
            input: None,
            credential_id: None,
            specification_id: Some(u.specification_id.clone()),
            title: Some(u.title.clone()),
            university: Some(u.university.clone()),
            obligatory: Some(u.obligatory),
            ects: u.ects,
            grade: None,
            learner_match: None,
            status: UnitStatus::Missing,
            problems: vec![],
            verification: None,
        };
        if u.obligatory {
            e.problems
                .push("obligatory unit: no valid credential for it".into());
            missing_obligatory.push(u.specification_id.clone());
            problems.push(format!(
                "obligatory unit `{}` ({}) is missing",
                u.title, u.specification_id
            ));
        } else {
            e.problems.push("elective unit not taken".into());
        }
        entries.push(e);
    }

    // Electives and credits.
    let rules = &outline.rules;
    let elective: Vec<Credits> = proven
        .iter()
        .filter(|(k, _)| !outline.units[*k].obligatory)
        .map(|(_, c)| *c)
        .collect();
    let elective_ects = elective.iter().fold(Credits::default(), |a, b| a + *b);
    let elective_units = u32::try_from(elective.len()).unwrap_or(u32::MAX);
    let electives_ok = elective_units >= rules.min_elective_units
        && rules.min_elective_ects.is_none_or(|m| elective_ects >= m);
    if !electives_ok {
        problems.push(format!(
            "elective rule not met: {elective_units} elective unit(s) with {elective_ects} ECTS, the programme requires {} unit(s){}",
            rules.min_elective_units,
            rules.min_elective_ects.map(|m| format!(" and {m} ECTS")).unwrap_or_default()
        ));
    }
    let total = proven.iter().fold(Credits::default(), |a, (_, c)| a + *c);
    let credits_ok = rules.min_total_ects.is_none_or(|m| total >= m);
    if !credits_ok {
        problems.push(format!(
            "credits do not add up: {total} ECTS proven, the programme requires {}",
            rules.min_total_ects.unwrap_or_default()
        ));
    }

    let rule = match (
        rules_used.contains("identifier"),
        rules_used.contains("name-and-date-of-birth"),
    ) {
        (true, true) => "identifier and name-and-date-of-birth",
        (true, false) => "identifier",
        (false, true) => "name-and-date-of-birth",
        (false, false) => "none",
    };
    let learner = LearnerCheck {
        rule: rule.into(),
        same_learner: learner_problems == 0,
        learner: reference_name,
        message: if learner_problems == 0 {
            match rule {
                "none" => "only one credential of the learner: nothing to compare".into(),
                r => format!("every credential belongs to the same learner (matched by {r})"),
            }
        } else {
            format!("{learner_problems} credential(s) belong to another learner")
        },
    };
    let verdict = if !problems.is_empty() {
        StackVerdict::DoesNotStack
    } else if !soft.is_empty() {
        StackVerdict::Indeterminate
    } else {
        StackVerdict::Stacks
    };
    problems.extend(soft);
    StackReport {
        verdict,
        stacks: verdict == StackVerdict::Stacks,
        notice: RECOMMENDATION.into(),
        programme: info,
        learner,
        units: entries,
        missing_obligatory,
        electives: ElectiveCheck {
            min_units: rules.min_elective_units,
            units: elective_units,
            min_ects: rules.min_elective_ects,
            ects: elective_ects,
            ok: electives_ok,
        },
        credits: CreditCheck {
            total,
            required: rules.min_total_ects,
            ok: credits_ok,
        },
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, dob: Option<&str>, ids: &[(&str, &str)]) -> LearnerKey {
        LearnerKey {
            name: Some(norm(name)),
            dob: dob.map(|d| d.parse().unwrap()),
            ids: ids.iter().map(|(s, v)| (Some(norm(s)), norm(v))).collect(),
        }
    }

    #[test]
    fn learner_rules() {
        let a = key(
            "Felix  Wagner",
            Some("2002-01-09"),
            &[("Student ID at RWTH", "412877")],
        );
        assert_eq!(
            a.matches(&key(
                "felix wagner",
                Some("2002-01-09"),
                &[("Student ID at RWTH", "412877")]
            )),
            Ok("identifier")
        );
        // Shared identifier wins over a differently written name.
        assert_eq!(
            a.matches(&key("F. Wagner", None, &[("Student ID at RWTH", "412877")])),
            Ok("identifier")
        );
        // Same scheme, other value: another learner even with the same name and birthday.
        assert!(a
            .matches(&key(
                "Felix Wagner",
                Some("2002-01-09"),
                &[("Student ID at RWTH", "999")]
            ))
            .unwrap_err()
            .contains("identifier"));
        // No shared scheme: name and date of birth.
        assert_eq!(
            a.matches(&key(
                "Felix Wagner",
                Some("2002-01-09"),
                &[("Student ID at ETH", "1")]
            )),
            Ok("name-and-date-of-birth")
        );
        assert!(a
            .matches(&key("Anna Berg", Some("2002-01-09"), &[]))
            .unwrap_err()
            .contains("anna berg"));
        assert!(a
            .matches(&key("Felix Wagner", Some("2001-01-09"), &[]))
            .unwrap_err()
            .contains("born"));
        assert!(a
            .matches(&key("Felix Wagner", None, &[]))
            .unwrap_err()
            .contains("cannot establish"));
    }

    #[test]
    fn credits_convert_exactly() {
        assert_eq!(
            to_credits("7.5".parse().unwrap()),
            Credits::from_hundredths(750)
        );
        assert_eq!(to_credits(Decimal::from_int(12)), Credits::whole(12));
    }

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
