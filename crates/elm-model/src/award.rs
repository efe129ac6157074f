//! The award request: what an ENHANCE university submits to issue one credential.
//!
//! An [`Award`] is a learning-opportunity specification (the reusable "template of learning
//! opportunity" of MS18 Annex 2, [`LearningOpportunitySpec`]), a [`Learner`] and the learner's
//! results ([`Achievement`]: dates, grades, which programme units were completed). Its fields cover
//! the 16 standard elements of the Council Recommendation of 16 June 2022, Annex I (MS18 §5.1) and
//! every field of the four certificate templates of MS18 Annex 3; the credential kinds follow the
//! taxonomy of MS18 §4.2. The JSON form (camelCase, unknown fields rejected) is documented in
//! `examples/awards/README.md`; its JSON Schema (`examples/awards/award.schema.json`) is generated
//! from these types.
//!
//! This module only describes and parses; [`crate::validate`] checks the rules and
//! [`crate::build`] maps a valid award to an EDC credential.

use std::fmt;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::lang::LanguageMap;
use crate::limits as lim;

/// One award request (the JSON document `issuer build` reads).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Award {
    /// Optional reference to the JSON Schema (ignored), so editors can validate the file.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub schema: Option<String>,
    /// Which ENHANCE credential this is (MS18 §4.2).
    pub kind: CredentialKind,
    /// Academic or professional achievement; required for micro-credentials (MS18 §5.1 "Title").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_profile: Option<CertificateProfile>,
    /// Id of the university that awards and issues the credential (`eth`, `tudelft`, ...).
    #[schemars(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub awarding_university: String,
    /// Standard element 1: identification of the learner.
    pub learner: Learner,
    /// The learning opportunity (template filled in: "specification of learning opportunity").
    pub learning_opportunity: LearningOpportunitySpec,
    /// What the learner did: dates, grade, completed units.
    pub achievement: Achievement,
    /// Standard element 5: date of issuing. May be overridden by the caller (`issuer build --issued`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<NaiveDate>,
    /// Optional end of validity of the credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
    /// The human-readable rendering carried in the credential (`displayParameter`).
    pub display: Display,
}

/// The credential kinds of the ENHANCE taxonomy (MS18 §4.2) that this project issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum CredentialKind {
    /// ENHANCE micro-credential for a single learning opportunity (course, summer school, MOOC,
    /// design project...): Certificate of Academic/Professional Achievement.
    MicroCredential,
    /// ENHANCE micro-credential for a (micro-credential) programme of two or more learning units.
    ProgrammeMicroCredential,
    /// Certificate of completion: credit-bearing, formally assessed, not a micro-credential.
    CertificateOfCompletion,
    /// Certificate of participation: no formal assessment, no credits.
    CertificateOfParticipation,
}

impl CredentialKind {
    /// Whether this kind is an ENHANCE micro-credential.
    pub fn is_micro_credential(self) -> bool {
        matches!(self, Self::MicroCredential | Self::ProgrammeMicroCredential)
    }

    /// The stable name used in rule codes and JSON (`microCredential`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MicroCredential => "microCredential",
            Self::ProgrammeMicroCredential => "programmeMicroCredential",
            Self::CertificateOfCompletion => "certificateOfCompletion",
            Self::CertificateOfParticipation => "certificateOfParticipation",
        }
    }
}

/// The two categories of certificates confirming ENHANCE micro-credentials (MS18 §5.1 "Title").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum CertificateProfile {
    /// Certificate of Academic Achievement (primarily bachelor, master, doctoral students).
    Academic,
    /// Certificate of Professional Achievement (primarily lifelong learners); may use CEU.
    Professional,
}

/// Standard element 1 (MS18 §5.1 "Identification of the learner", Annex 3 "Learner").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Learner {
    /// First name(s), as in the learner's identity document.
    #[schemars(length(max = lim::MAX_NAME_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub given_names: String,
    /// Last name(s).
    #[schemars(length(max = lim::MAX_NAME_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub family_names: String,
    /// Date of birth (optional only on certificates of participation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<NaiveDate>,
    /// Place of birth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_of_birth: Option<PlaceOfBirth>,
    /// Nationalities, as country codes of the EU country authority table (`POL`, `DEU`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = lim::MAX_LIST_ITEMS), inner(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN)))]
    pub nationality: Vec<String>,
    /// Student identification number or code at the home university, if available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub student_id: Option<String>,
    /// Id of the ENHANCE university the learner studies at ("BS/MS student of «university»").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub home_university: Option<String>,
    /// Study level at the home university, e.g. {"en": "MSc student"} (Annex 3 "BS/MS student of").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::limits::title_map_schema")]
    pub study_level: Option<LanguageMap>,
}

/// Place of birth: a name and the country it is in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlaceOfBirth {
    /// Name of the place, e.g. {"en": "Warsaw", "pl": "Warszawa"}.
    #[schemars(schema_with = "crate::limits::title_map_schema")]
    pub name: LanguageMap,
    /// Country code (EU country authority table).
    #[schemars(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub country: String,
}

/// The specification of a learning opportunity: the reusable template, independent of the learner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LearningOpportunitySpec {
    /// Stable absolute URI of this specification. Credentials of the same opportunity share it;
    /// stackability matches unit credentials to programme units by it.
    #[schemars(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub id: String,
    /// Standard element 2 / Annex 3 "Learning activity/opportunity": e.g. course *Sustainable Innovation*.
    #[schemars(schema_with = "crate::limits::title_map_schema")]
    pub title: LanguageMap,
    /// Short description of the opportunity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LanguageMap>,
    /// Learning opportunity type (MS18 §4.1 categories and subcategories).
    #[serde(rename = "type")]
    pub opportunity_type: OpportunityType,
    /// Universities (ids) that jointly developed and implemented it ("jointly developed and
    /// implemented by «list of universities»"); empty for a single-university opportunity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = lim::MAX_LIST_ITEMS), inner(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN)))]
    pub jointly_developed_by: Vec<String>,
    /// Standard element 6: notional workload (absent for certificates of participation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<Workload>,
    /// Standard element 7: EQF level (6, 7 or 8), optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eqf_level: Option<u8>,
    /// ISCED-F 2013 field codes (e.g. `0688`), "Further information".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = lim::MAX_LIST_ITEMS), inner(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN)))]
    pub isced_f: Vec<String>,
    /// Standard element 8: learning outcomes, in the three EQF categories.
    #[serde(default, skip_serializing_if = "LearningOutcomes::is_empty")]
    pub learning_outcomes: LearningOutcomes,
    /// Language(s) of instruction, lower-case ISO 639-1 (`en`, `de`).
    #[schemars(length(max = lim::MAX_LIST_ITEMS), inner(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN)))]
    pub languages: Vec<String>,
    /// Standard element 9: mode of learning.
    pub mode_of_learning: ModeOfLearning,
    /// Standard element 9: number of contact hours (split for blended learning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_hours: Option<ContactHours>,
    /// Standard element 10: prerequisites needed to enrol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prerequisites: Option<LanguageMap>,
    /// Standard elements 11-12: type of assessment, supervision and identity verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<AssessmentSpec>,
    /// Instructors (Annex 3 "Instructors", optional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = lim::MAX_INSTRUCTORS))]
    pub instructors: Vec<Instructor>,
    /// Standard element 13: quality-assurance statement. When absent the two-level ENHANCE
    /// statement of Annex 3 is generated from the university and opportunity names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality_assurance: Option<LanguageMap>,
    /// Standard element 15: integration/stackability. Absent means stand-alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stackability: Option<Stackability>,
    /// Standard element 16: further information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub further_information: Option<FurtherInformation>,
    /// Programme units (only for `programmeMicroCredential`, at least two).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = lim::MAX_UNITS))]
    pub units: Vec<LearningUnit>,
}

/// A component of a (micro-credential) programme (MS18 Annex 3 "LEARNING UNIT n").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LearningUnit {
    /// Stable absolute URI of the unit's specification (the same URI a stand-alone credential for
    /// this unit carries as its `learningOpportunity.id`).
    #[schemars(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub id: String,
    /// Name of the unit, e.g. course *Statistics for Engineers*.
    #[schemars(schema_with = "crate::limits::title_map_schema")]
    pub title: LanguageMap,
    /// Short description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LanguageMap>,
    /// Id of the university that teaches the unit ("«university» member of the ENHANCE Alliance").
    #[schemars(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub university: String,
    /// Whether the unit is an obligatory or an elective component of the programme.
    pub component: ComponentStatus,
    /// Learning opportunity type of the unit.
    #[serde(rename = "type")]
    pub opportunity_type: OpportunityType,
    /// Workload of the unit.
    pub workload: Workload,
    /// EQF level (6, 7 or 8), optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eqf_level: Option<u8>,
    /// ISCED-F field codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = lim::MAX_LIST_ITEMS), inner(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN)))]
    pub isced_f: Vec<String>,
    /// Learning outcomes of the unit.
    pub learning_outcomes: LearningOutcomes,
    /// Language(s) of instruction.
    #[schemars(length(max = lim::MAX_LIST_ITEMS), inner(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN)))]
    pub languages: Vec<String>,
    /// Mode of learning.
    pub mode_of_learning: ModeOfLearning,
    /// Contact hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_hours: Option<ContactHours>,
    /// Prerequisites.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prerequisites: Option<LanguageMap>,
    /// Assessment of the unit.
    pub assessment: AssessmentSpec,
    /// Instructors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = lim::MAX_INSTRUCTORS))]
    pub instructors: Vec<Instructor>,
    /// Further information (e.g. partnership with an external organisation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub further_information: Option<FurtherInformation>,
}

/// Obligatory or elective component of a programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ComponentStatus {
    /// Every learner completes it.
    Obligatory,
    /// Learners choose among electives.
    Elective,
}

/// Learning opportunity types: the ENHANCE categories and subcategories of MS18 §4.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum OpportunityType {
    /// (Micro-credential) programme of several learning units.
    Programme,
    /// Instructor-paced course.
    InstructorPacedCourse,
    /// MOOC / self-paced course.
    Mooc,
    /// Summer school.
    SummerSchool,
    /// Winter school.
    WinterSchool,
    /// Blended Intensive Programme (Erasmus+ BIP).
    BlendedIntensiveProgramme,
    /// Collaborative Online International Learning module.
    Coil,
    /// Design project.
    DesignProject,
    /// Competition or challenge, including hackathons.
    Challenge,
    /// Training.
    Training,
    /// Workshop.
    Workshop,
    /// Staff week.
    StaffWeek,
    /// Seminar.
    Seminar,
    /// Mentoring programme.
    Mentoring,
    /// Service(-based) learning.
    ServiceLearning,
    /// (Language) tandem.
    Tandem,
}

/// Notional workload (standard element 6). Exactly one of `ects` and `ceu`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Workload {
    /// ECTS credit points (1 ECTS = 25-30 hours of work).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ects: Option<Credits>,
    /// Continuing Education Units (1 CEU = 10 hours of instruction); professional certificates only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceu: Option<Credits>,
    /// Notional learning hours, if stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<u32>,
    /// For a programme whose credits differ from the sum of its units' credits: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = lim::MAX_TEXT_CHARS), regex(pattern = lim::MULTI_LINE_PATTERN))]
    pub sum_override_reason: Option<String>,
}

/// A non-negative credit amount with at most two decimals (`5`, `2.5`), kept exact.
///
/// Read from a JSON number or a decimal string; written as an integer when whole, else as a string,
/// because non-integer JSON numbers are read differently by strict JSON-LD processors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Credits {
    hundredths: u64,
}

impl Credits {
    /// Whole credits.
    pub fn whole(n: u32) -> Self {
        Self {
            hundredths: u64::from(n) * 100,
        }
    }

    /// From hundredths (`250` is 2.5).
    pub fn from_hundredths(hundredths: u64) -> Self {
        Self { hundredths }
    }

    /// The amount in hundredths.
    pub fn hundredths(self) -> u64 {
        self.hundredths
    }

    /// Parses `5`, `5.0`, `2.5`, `0.25`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, f),
            None => (s, ""),
        };
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 2 {
            return None;
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let whole: u64 = int.parse().ok()?;
        let mut f = frac.to_owned();
        while f.len() < 2 {
            f.push('0');
        }
        let frac: u64 = f.parse().ok()?;
        Some(Self {
            hundredths: whole.checked_mul(100)?.checked_add(frac)?,
        })
    }
}

impl fmt::Display for Credits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, frac) = (self.hundredths / 100, self.hundredths % 100);
        match frac {
            0 => write!(f, "{whole}"),
            n if n % 10 == 0 => write!(f, "{whole}.{}", n / 10),
            n => write!(f, "{whole}.{n:02}"),
        }
    }
}

impl std::ops::Add for Credits {
    type Output = Credits;
    fn add(self, rhs: Self) -> Self {
        Self {
            hundredths: self.hundredths.saturating_add(rhs.hundredths),
        }
    }
}

impl Serialize for Credits {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.hundredths.is_multiple_of(100) {
            s.serialize_u64(self.hundredths / 100)
        } else {
            s.serialize_str(&self.to_string())
        }
    }
}

impl<'de> Deserialize<'de> for Credits {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(u64),
            Float(f64),
            Str(String),
        }
        let bad = || {
            serde::de::Error::custom(
                "expected a non-negative credit amount with at most two decimals, e.g. 5 or \"2.5\"",
            )
        };
        match Raw::deserialize(d)? {
            Raw::Int(n) => n
                .checked_mul(100)
                .map(Self::from_hundredths)
                .ok_or_else(bad),
            Raw::Float(x) => {
                let h = (x * 100.0).round();
                if x < 0.0 || !x.is_finite() || (x * 100.0 - h).abs() > 1e-6 || h > 1e15 {
                    return Err(bad());
                }
                Ok(Self::from_hundredths(h as u64))
            }
            Raw::Str(s) => Self::parse(&s).ok_or_else(bad),
        }
    }
}

impl JsonSchema for Credits {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Credits".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Non-negative credit amount with at most two decimals: an integer, or a decimal string such as \"2.5\".",
            "anyOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string", "pattern": "^[0-9]+(\\.[0-9]{1,2})?$" }
            ]
        })
    }
}

/// Learning outcomes in the three categories of the EQF level descriptors (MS18 §5.1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LearningOutcomes {
    /// Knowledge.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = lim::MAX_OUTCOMES_PER_CATEGORY))]
    pub knowledge: Vec<LanguageMap>,
    /// Skills.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = lim::MAX_OUTCOMES_PER_CATEGORY))]
    pub skills: Vec<LanguageMap>,
    /// Responsibility and autonomy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = lim::MAX_OUTCOMES_PER_CATEGORY))]
    pub responsibility_and_autonomy: Vec<LanguageMap>,
}

impl LearningOutcomes {
    /// Whether no outcome is stated.
    pub fn is_empty(&self) -> bool {
        self.knowledge.is_empty()
            && self.skills.is_empty()
            && self.responsibility_and_autonomy.is_empty()
    }

    /// Every outcome with its category and the JSON name of its list.
    pub fn iter(&self) -> impl Iterator<Item = (OutcomeCategory, usize, &LanguageMap)> {
        let k = self
            .knowledge
            .iter()
            .enumerate()
            .map(|(i, o)| (OutcomeCategory::Knowledge, i, o));
        let s = self
            .skills
            .iter()
            .enumerate()
            .map(|(i, o)| (OutcomeCategory::Skills, i, o));
        let r = self
            .responsibility_and_autonomy
            .iter()
            .enumerate()
            .map(|(i, o)| (OutcomeCategory::ResponsibilityAndAutonomy, i, o));
        k.chain(s).chain(r)
    }
}

/// The three EQF categories of learning outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeCategory {
    /// Knowledge.
    Knowledge,
    /// Skills.
    Skills,
    /// Responsibility and autonomy.
    ResponsibilityAndAutonomy,
}

impl OutcomeCategory {
    /// The JSON field name of the category's list.
    pub fn field(self) -> &'static str {
        match self {
            Self::Knowledge => "knowledge",
            Self::Skills => "skills",
            Self::ResponsibilityAndAutonomy => "responsibilityAndAutonomy",
        }
    }
}

/// Modes of learning (MS18 Annex 2 Glossary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ModeOfLearning {
    /// Physical presence of instructor and learners in the same place.
    InPresence,
    /// Learning activities carried out over the internet.
    Online,
    /// All learners take part in some activities in presence and in others online.
    Blended,
    /// Some learners in presence while others take part online at the same time.
    Hybrid,
    /// Hybrid, each learner choosing per activity.
    HybridFlexible,
}

/// Number of contact hours; for blended learning both parts are given (MS18 Annex 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactHours {
    /// Total contact hours (for blended learning, omit or give the sum of the two parts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u32>,
    /// Contact hours in presence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_presence: Option<u32>,
    /// Contact hours online.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online: Option<u32>,
}

impl ContactHours {
    /// Total hours: `total`, else the sum of the parts.
    pub fn sum(&self) -> Option<u32> {
        self.total.or(match (self.in_presence, self.online) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
        })
    }
}

/// Type of assessment and its supervision (standard elements 11 and 12).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssessmentSpec {
    /// Assessment methods (EU assessment vocabulary).
    #[schemars(length(max = lim::MAX_LIST_ITEMS))]
    pub types: Vec<AssessmentType>,
    /// Free description of the assessment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LanguageMap>,
    /// Supervision and identity verification during assessment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervision: Option<Supervision>,
    /// Grading scheme, when it differs from the university's default scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grading_scheme: Option<GradingScheme>,
}

/// Assessment types of the EU vocabulary (`http://data.europa.eu/snb/assessment/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum AssessmentType {
    /// Continuous evaluation.
    ContinuousEvaluation,
    /// Group performance.
    GroupPerformance,
    /// Marked assignment.
    MarkedAssignment,
    /// Oral examination.
    OralExamination,
    /// Peer assessment.
    PeerAssessment,
    /// Peer review.
    PeerReview,
    /// Portfolio.
    Portfolio,
    /// Practical assessment.
    PracticalAssessment,
    /// Problem based learning.
    ProblemBasedLearning,
    /// Project work.
    ProjectWork,
    /// Quiz.
    Quiz,
    /// Written examination.
    WrittenExamination,
    /// Artefact assessment.
    ArtefactAssessment,
    /// Level of attendance.
    LevelOfAttendance,
}

/// Supervision and identity verification during assessment (standard element 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Supervision {
    /// Unsupervised, no identity verification.
    UnsupervisedWithoutIdVerification,
    /// Supervised, no identity verification.
    SupervisedWithoutIdVerification,
    /// Supervised online with identity verification.
    SupervisedOnlineWithIdVerification,
    /// Supervised onsite (in presence) with identity verification.
    SupervisedOnsiteWithIdVerification,
}

/// A grading scheme (Annex 3: "the grading system of the university that awards the credential").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GradingScheme {
    /// Name, e.g. {"en": "Swiss grading scale 1-6"}.
    #[schemars(schema_with = "crate::limits::title_map_schema")]
    pub title: LanguageMap,
    /// How to read a grade, e.g. "6 = excellent ... 4 = sufficient (pass) ... 1 = very poor".
    pub description: LanguageMap,
}

/// An instructor (Annex 3 "Instructors": title and name, affiliation when not the issuer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Instructor {
    /// Name preceded by academic title, e.g. "Prof. Dr. Anna Nowak".
    #[schemars(length(max = lim::MAX_NAME_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub name: String,
    /// Affiliation: an ENHANCE university id or a free organisation name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = lim::MAX_TITLE_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub affiliation: Option<String>,
}

/// Integration/stackability (standard element 15): the opportunity is a component of a programme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Stackability {
    /// Obligatory or elective component of the programme.
    pub component: ComponentStatus,
    /// Name of the (micro-credential) programme.
    #[schemars(schema_with = "crate::limits::title_map_schema")]
    pub programme: LanguageMap,
    /// Stable URI of the programme's specification, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub programme_id: Option<String>,
    /// Id of the university that coordinates the programme.
    #[schemars(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub coordinated_by: String,
    /// Name of the credential issued on completion of the programme.
    #[schemars(schema_with = "crate::limits::title_map_schema")]
    pub leads_to: LanguageMap,
    /// Replaces the generated Annex 3 sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<LanguageMap>,
}

/// Further information (standard element 16).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FurtherInformation {
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<LanguageMap>,
    /// Partnerships with external organisations in developing/implementing the opportunity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = lim::MAX_LIST_ITEMS))]
    pub partnerships: Vec<LanguageMap>,
    /// Professional endorsements, recommendations, accreditation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = lim::MAX_LIST_ITEMS))]
    pub endorsements: Vec<LanguageMap>,
    /// General orientation and primary target group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_group: Option<LanguageMap>,
    /// Web page of the opportunity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub homepage: Option<String>,
}

/// What the learner did: the instance of the learning opportunity and its results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Achievement {
    /// Beginning and end of the learning activities (one date: `start` only).
    pub period: Period,
    /// In-presence part of a blended activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_presence_period: Option<Period>,
    /// Online part of a blended activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_period: Option<Period>,
    /// Standard element 14: grade achieved, in the awarding university's grading scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub grade: Option<String>,
    /// Results of the programme units the learner completed (programmes only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = lim::MAX_UNITS))]
    pub units: Vec<UnitResult>,
}

/// The learner's result in one programme unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UnitResult {
    /// `id` of the unit in `learningOpportunity.units`.
    #[schemars(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub unit_id: String,
    /// When the unit's activities took place.
    pub period: Period,
    /// In-presence part (blended units).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_presence_period: Option<Period>,
    /// Online part (blended units).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_period: Option<Period>,
    /// Grade, in the grading scheme of the university that teaches the unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub grade: Option<String>,
}

/// A date range; `end` absent means the single day `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Period {
    /// First day.
    pub start: NaiveDate,
    /// Last day (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
}

impl Period {
    /// The last day (inclusive).
    pub fn last_day(&self) -> NaiveDate {
        self.end.unwrap_or(self.start)
    }
}

/// The human-readable rendering of the credential (`displayParameter`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Display {
    /// Primary language of the credential (ISO 639-1); `en` by default.
    #[serde(default = "default_primary_language")]
    #[schemars(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub primary_language: String,
    /// One page image per display language.
    #[schemars(length(max = lim::MAX_DISPLAY_IMAGES))]
    pub images: Vec<DisplayImageRef>,
}

fn default_primary_language() -> String {
    "en".to_owned()
}

/// A page image of the certificate in one language, referenced by file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DisplayImageRef {
    /// Language of the rendering (ISO 639-1).
    #[schemars(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub language: String,
    /// Path of the image file, relative to the award file.
    #[schemars(length(max = lim::MAX_IDENTIFIER_CHARS), regex(pattern = lim::ONE_LINE_PATTERN))]
    pub file: String,
    /// Media type; derived from the file extension when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<MediaType>,
}

/// Media types of display images (EU file-type authority table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum MediaType {
    /// PNG.
    #[serde(rename = "image/png")]
    Png,
    /// JPEG.
    #[serde(rename = "image/jpeg")]
    Jpeg,
    /// PDF.
    #[serde(rename = "application/pdf")]
    Pdf,
}

impl MediaType {
    /// From a file name's extension (`.png`, `.jpg`, `.jpeg`, `.pdf`, case-insensitive).
    pub fn from_file_name(name: &str) -> Option<Self> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "png" => Some(Self::Png),
            "jpg" | "jpeg" => Some(Self::Jpeg),
            "pdf" => Some(Self::Pdf),
            _ => None,
        }
    }
}

/// Image bytes for one display language, read by the caller (the model does no I/O).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayImage {
    /// Language (ISO 639-1).
    pub language: String,
    /// Media type.
    pub media_type: MediaType,
    /// The image.
    pub bytes: Vec<u8>,
}

impl DisplayImage {
    /// The images `award.display.images` references, each with the bytes `read` gives for its
    /// file name (relative to the award file; the model does no I/O). A reference whose media type
    /// cannot be told (no `mediaType` and no known extension, see [`MediaType::from_file_name`])
    /// is left out: validation reports it as `display.media-type`.
    pub fn referenced<E>(
        award: &Award,
        mut read: impl FnMut(&str) -> Result<Vec<u8>, E>,
    ) -> Result<Vec<DisplayImage>, E> {
        let mut out = Vec::with_capacity(award.display.images.len());
        for r in &award.display.images {
            let Some(media_type) = r.media_type.or_else(|| MediaType::from_file_name(&r.file))
            else {
                continue;
            };
            out.push(DisplayImage {
                language: r.language.clone(),
                media_type,
                bytes: read(&r.file)?,
            });
        }
        Ok(out)
    }

    /// Stand-ins for the images `award` references: one PNG of `len` zero bytes per language, for
    /// a credential whose image bytes nobody looks at (a draft to render the certificate page
    /// from, a cost measurement).
    pub fn placeholders(award: &Award, len: usize) -> Vec<DisplayImage> {
        award
            .display
            .images
            .iter()
            .map(|r| DisplayImage {
                language: r.language.clone(),
                media_type: MediaType::Png,
                bytes: vec![0; len],
            })
            .collect()
    }
}
