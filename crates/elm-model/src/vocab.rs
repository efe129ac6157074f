//! Controlled-vocabulary concepts used in ENHANCE credentials (ELM v3.2 controlled vocabularies).
//!
//! Concept and scheme URIs come from the EU's ELM v3.2 vocabulary tables (origin in
//! `testdata/SOURCES.md`): EQF, ISCED-F, credit systems, modes of learning, learning
//! opportunity and activity types, assessment types, supervision/verification, languages,
//! countries, file types, encodings, credential profiles. The shape `EDC-generic-full.ttl` checks
//! a concept's `inScheme` for several of them, so every concept here carries its scheme.
//!
//! Where ENHANCE needs a concept the EU tables do not have (the "hybrid" modes, the CEU credit
//! system, the subjects of the notes that carry Annex 3 sections), the concept lives in an ENHANCE
//! scheme under `urn:enhance:` ([`ENHANCE_SCHEME_BASE`]), never in an EU scheme. The one
//! exception follows the EU's own EDC builder: supervision concepts the bundled tables lack are
//! put in the EU supervision scheme with `urn:enhance:` ids, as the EU samples do with `urn:epass:`.

use serde_json::{json, Value};

use crate::award::{AssessmentType, MediaType, ModeOfLearning, OpportunityType, Supervision};
use crate::lang::LanguageMap;
use crate::vocab_tables::{COUNTRIES, ISCED_F, LANGUAGES};

/// Prefix of ENHANCE-defined concept schemes.
pub const ENHANCE_SCHEME_BASE: &str = "urn:enhance:concept-scheme:";

/// EU language authority table.
pub const LANGUAGE_SCHEME: &str = "http://publications.europa.eu/resource/authority/language";
/// EU country authority table.
pub const COUNTRY_SCHEME: &str = "http://publications.europa.eu/resource/authority/country";
/// EU file-type authority table.
pub const FILE_TYPE_SCHEME: &str = "http://publications.europa.eu/resource/authority/file-type";
/// EQF levels.
pub const EQF_SCHEME: &str = "http://data.europa.eu/snb/eqf/25831c2";
/// ISCED-F 2013 fields.
pub const ISCED_F_SCHEME: &str = "http://data.europa.eu/snb/isced-f/25831c2";
/// Credit systems.
pub const CREDIT_SCHEME: &str = "http://data.europa.eu/snb/education-credit/25831c2";
/// ECTS.
pub const ECTS: &str = "http://data.europa.eu/snb/education-credit/6fcec5c5af";
/// Learning opportunity types.
pub const LEARNING_OPPORTUNITY_SCHEME: &str =
    "http://data.europa.eu/snb/learning-opportunity/25831c2";
/// Learning activity types.
pub const LEARNING_ACTIVITY_SCHEME: &str = "http://data.europa.eu/snb/learning-activity/25831c2";
/// Modes of learning and assessment.
pub const MODE_SCHEME: &str = "http://data.europa.eu/snb/learning-assessment/25831c2";
/// Assessment types.
pub const ASSESSMENT_SCHEME: &str = "http://data.europa.eu/snb/assessment/25831c2";
/// Supervision and identity verification of assessment.
pub const SUPERVISION_SCHEME: &str = "http://data.europa.eu/snb/supervision-verification/25831c2";
/// Learning settings (formal / non-formal).
pub const LEARNING_SETTING_SCHEME: &str = "http://data.europa.eu/snb/learning-setting/25831c2";
/// Skill types (knowledge / skill) of learning outcomes.
pub const SKILL_TYPE_SCHEME: &str = "http://data.europa.eu/snb/skill-type/25831c2";
/// Content encodings.
pub const ENCODING_SCHEME: &str = "http://data.europa.eu/snb/encoding/25831c2";
/// Credential profiles.
pub const CREDENTIAL_PROFILE_SCHEME: &str = "http://data.europa.eu/snb/credential/25831c2";
/// The Generic credential profile.
pub const GENERIC_PROFILE: &str = "http://data.europa.eu/snb/credential/e34929035b";

/// A SKOS concept as ELM writes it: `{"id", "type": "Concept", "inScheme", "prefLabel"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concept {
    /// Concept URI.
    pub id: String,
    /// Scheme URI.
    pub scheme: String,
    /// Preferred label (English at least).
    pub label: LanguageMap,
}

impl Concept {
    /// A concept with an English label.
    pub fn new(id: impl Into<String>, scheme: impl Into<String>, label_en: &str) -> Self {
        Self {
            id: id.into(),
            scheme: scheme.into(),
            label: LanguageMap::single("en", label_en),
        }
    }

    /// The JSON-LD node.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "type": "Concept",
            "inScheme": { "id": self.scheme, "type": "ConceptScheme" },
            "prefLabel": self.label,
        })
    }
}

fn enhance(scheme: &str, code: &str, label: &str) -> Concept {
    Concept::new(
        format!("urn:enhance:concept:{scheme}:{code}"),
        format!("{ENHANCE_SCHEME_BASE}{scheme}"),
        label,
    )
}

/// EQF level concept (`http://data.europa.eu/snb/eqf/7`), for levels 1-8.
pub fn eqf(level: u8) -> Option<Concept> {
    (1..=8).contains(&level).then(|| {
        Concept::new(
            format!("http://data.europa.eu/snb/eqf/{level}"),
            EQF_SCHEME,
            &format!("Level {level}"),
        )
    })
}

/// ISCED-F field concept, if `code` is in the ISCED-F 2013 table.
pub fn isced_f(code: &str) -> Option<Concept> {
    ISCED_F.iter().find(|(c, _)| *c == code).map(|(c, l)| {
        Concept::new(
            format!("http://data.europa.eu/snb/isced-f/{c}"),
            ISCED_F_SCHEME,
            l,
        )
    })
}

/// Language concept for an ISO 639-1 tag (`en` → `.../language/ENG`).
pub fn language(tag: &str) -> Option<Concept> {
    LANGUAGES
        .iter()
        .find(|(t, _, _)| *t == tag)
        .map(|(_, code, l)| Concept::new(format!("{LANGUAGE_SCHEME}/{code}"), LANGUAGE_SCHEME, l))
}

/// English name of an ISO 639-1 language tag.
pub fn language_name(tag: &str) -> Option<&'static str> {
    LANGUAGES
        .iter()
        .find(|(t, _, _)| *t == tag)
        .map(|(_, _, l)| *l)
}

/// Country concept (`DEU` → `.../country/DEU`).
pub fn country(code: &str) -> Option<Concept> {
    COUNTRIES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(c, l)| Concept::new(format!("{COUNTRY_SCHEME}/{c}"), COUNTRY_SCHEME, l))
}

/// The ECTS credit system.
pub fn ects() -> Concept {
    Concept::new(ECTS, CREDIT_SCHEME, "European Credit Transfer System")
}

/// Continuing Education Units (1 CEU = 10 hours of instruction): not in the EU table.
pub fn ceu() -> Concept {
    enhance("credit-system", "ceu", "Continuing Education Unit (CEU)")
}

/// Mode of learning concept.
pub fn mode(mode: ModeOfLearning) -> Concept {
    let eu = |code: &str, label: &str| {
        Concept::new(
            format!("http://data.europa.eu/snb/learning-assessment/{code}"),
            MODE_SCHEME,
            label,
        )
    };
    match mode {
        ModeOfLearning::InPresence => eu("9191af2ed9", "Presential"),
        ModeOfLearning::Online => eu("920fbb3cbe", "Online"),
        ModeOfLearning::Blended => eu("e92d221e4d", "Blended"),
        ModeOfLearning::Hybrid => enhance("mode-of-learning", "hybrid", "Hybrid"),
        ModeOfLearning::HybridFlexible => {
            enhance("mode-of-learning", "hybrid-flexible", "Hybrid flexible")
        }
    }
}

/// English label of a mode of learning as MS18 names it.
pub fn mode_label(mode: ModeOfLearning) -> &'static str {
    match mode {
        ModeOfLearning::InPresence => "in-presence",
        ModeOfLearning::Online => "online",
        ModeOfLearning::Blended => "blended",
        ModeOfLearning::Hybrid => "hybrid",
        ModeOfLearning::HybridFlexible => "hybrid flexible",
    }
}

/// The EU learning-opportunity type closest to an ENHANCE category (the ENHANCE category itself is
/// kept in `category` and the form-of-participation note).
pub fn learning_opportunity_type(t: OpportunityType) -> Concept {
    let eu = |code: &str, label: &str| {
        Concept::new(
            format!("http://data.europa.eu/snb/learning-opportunity/{code}"),
            LEARNING_OPPORTUNITY_SCHEME,
            label,
        )
    };
    use OpportunityType::*;
    match t {
        Programme => eu("74a4a268e8", "Short learning programme"),
        Mooc => eu("17744a2647", "MOOC"),
        Mentoring => eu("11252a5207", "Mentoring"),
        ServiceLearning => eu("8b965da2d4", "Service learning"),
        StaffWeek => eu("65a4cf5de2", "Study visit"),
        InstructorPacedCourse
        | SummerSchool
        | WinterSchool
        | BlendedIntensiveProgramme
        | Coil
        | DesignProject
        | Challenge
        | Training
        | Workshop
        | Seminar
        | Tandem => eu("05053c1cbe", "Course"),
    }
}

/// The EU learning-activity type for the activity of an opportunity.
pub fn learning_activity_type(t: OpportunityType, mode: ModeOfLearning) -> Concept {
    let eu = |code: &str, label: &str| {
        Concept::new(
            format!("http://data.europa.eu/snb/learning-activity/{code}"),
            LEARNING_ACTIVITY_SCHEME,
            label,
        )
    };
    use OpportunityType::*;
    match t {
        Programme => eu("fd33e234ae", "educational programme"),
        Workshop | Seminar | StaffWeek | Training => {
            eu("efff75e10a", "workshop, seminar or conference")
        }
        DesignProject | Challenge => eu("3c8bd58d62", "lab / simulation / practice coursework"),
        Mooc => eu("bf2e3a7bae", "e-learning coursework"),
        _ if mode == ModeOfLearning::Online => eu("bf2e3a7bae", "e-learning coursework"),
        _ => eu("ff436ea7c9", "classroom coursework"),
    }
}

/// ENHANCE category/subcategory name (MS18 §4.1), per language.
pub fn opportunity_type_label(t: OpportunityType) -> LanguageMap {
    use OpportunityType::*;
    let (en, de, nl, pl, it) = match t {
        Programme => (
            "(micro-credential) programme",
            "(Micro-Credential-)Programm",
            "(microcredential-)programma",
            "program (mikropoświadczenia)",
            "programma (micro-credenziale)",
        ),
        InstructorPacedCourse => (
            "instructor-paced course",
            "Kurs mit Lehrenden",
            "docentgestuurde cursus",
            "kurs prowadzony przez wykładowcę",
            "corso guidato dal docente",
        ),
        Mooc => (
            "MOOC / self-paced course",
            "MOOC / Selbstlernkurs",
            "MOOC / zelfstudiecursus",
            "MOOC / kurs samodzielny",
            "MOOC / corso in autoapprendimento",
        ),
        SummerSchool => (
            "summer school",
            "Sommerschule",
            "zomerschool",
            "szkoła letnia",
            "scuola estiva",
        ),
        WinterSchool => (
            "winter school",
            "Winterschule",
            "winterschool",
            "szkoła zimowa",
            "scuola invernale",
        ),
        BlendedIntensiveProgramme => (
            "Blended Intensive Programme (BIP)",
            "Blended Intensive Programme (BIP)",
            "Blended Intensive Programme (BIP)",
            "Blended Intensive Programme (BIP)",
            "Blended Intensive Programme (BIP)",
        ),
        Coil => (
            "COIL module",
            "COIL-Modul",
            "COIL-module",
            "moduł COIL",
            "modulo COIL",
        ),
        DesignProject => (
            "design project",
            "Designprojekt",
            "ontwerpproject",
            "projekt inżynierski",
            "progetto di design",
        ),
        Challenge => (
            "competition / challenge",
            "Wettbewerb / Challenge",
            "wedstrijd / challenge",
            "konkurs / wyzwanie",
            "competizione / sfida",
        ),
        Training => (
            "training",
            "Training",
            "training",
            "szkolenie",
            "formazione",
        ),
        Workshop => ("workshop", "Workshop", "workshop", "warsztaty", "workshop"),
        StaffWeek => (
            "staff week",
            "Staff Week",
            "staff week",
            "tydzień szkoleniowy dla pracowników",
            "staff week",
        ),
        Seminar => ("seminar", "Seminar", "seminarie", "seminarium", "seminario"),
        Mentoring => (
            "mentoring programme",
            "Mentoringprogramm",
            "mentorprogramma",
            "program mentoringowy",
            "programma di mentoring",
        ),
        ServiceLearning => (
            "service learning",
            "Service Learning",
            "service learning",
            "service learning",
            "service learning",
        ),
        Tandem => (
            "(language) tandem",
            "(Sprach-)Tandem",
            "(taal)tandem",
            "tandem (językowy)",
            "tandem (linguistico)",
        ),
    };
    LanguageMap::from([("en", en), ("de", de), ("nl", nl), ("pl", pl), ("it", it)])
}

/// Assessment type concept.
pub fn assessment_type(t: AssessmentType) -> Concept {
    use AssessmentType::*;
    let (code, label) = match t {
        ContinuousEvaluation => ("3484bd7e51", "continuous evaluation"),
        GroupPerformance => ("56539a6507", "group performance"),
        MarkedAssignment => ("2939dae15f", "marked assignment"),
        OralExamination => ("d30284d7df", "oral examination"),
        PeerAssessment => ("19a2e5e671", "peer assessment"),
        PeerReview => ("812e3b0ae1", "peer review"),
        Portfolio => ("4f03b91c0e", "portfolio"),
        PracticalAssessment => ("6a4db9f11d", "practical assessment"),
        ProblemBasedLearning => ("c4256a2726", "problem based learning"),
        ProjectWork => ("795dac4096", "project work"),
        Quiz => ("b1b68f6735", "quiz"),
        WrittenExamination => ("6e6cb2cc78", "written examination"),
        ArtefactAssessment => ("de4d165a6c", "artefact assessment"),
        LevelOfAttendance => ("7331eb4762", "level of attendance"),
    };
    Concept::new(
        format!("http://data.europa.eu/snb/assessment/{code}"),
        ASSESSMENT_SCHEME,
        label,
    )
}

/// Supervision and identity-verification concept.
pub fn supervision(s: Supervision) -> Concept {
    let ours = |code: &str, label: &str| {
        Concept::new(
            format!("urn:enhance:concept:supervision-verification:{code}"),
            SUPERVISION_SCHEME,
            label,
        )
    };
    match s {
        Supervision::UnsupervisedWithoutIdVerification => Concept::new(
            "http://data.europa.eu/snb/supervision-verification/c598449d64",
            SUPERVISION_SCHEME,
            "Unsupervised without ID Verification",
        ),
        Supervision::SupervisedWithoutIdVerification => ours(
            "supervised-without-id-verification",
            "Supervised without ID Verification",
        ),
        Supervision::SupervisedOnlineWithIdVerification => ours(
            "supervised-online-with-id-verification",
            "Supervised online with ID Verification",
        ),
        Supervision::SupervisedOnsiteWithIdVerification => ours(
            "supervised-onsite-with-id-verification",
            "Supervised onsite with ID Verification",
        ),
    }
}

/// Formal (credit-bearing, assessed) or non-formal learning setting.
pub fn learning_setting(formal: bool) -> Concept {
    if formal {
        Concept::new(
            "http://data.europa.eu/snb/learning-setting/6fd4685715",
            LEARNING_SETTING_SCHEME,
            "formal learning",
        )
    } else {
        Concept::new(
            "http://data.europa.eu/snb/learning-setting/e207a81fc7",
            LEARNING_SETTING_SCHEME,
            "non-formal learning",
        )
    }
}

/// Skill type of a learning outcome: `knowledge` or `skill` (the EU table has no concept for
/// "responsibility and autonomy").
pub fn skill_type(knowledge: bool) -> Concept {
    if knowledge {
        Concept::new(
            "http://data.europa.eu/snb/skill-type/knowledge",
            SKILL_TYPE_SCHEME,
            "knowledge",
        )
    } else {
        Concept::new(
            "http://data.europa.eu/snb/skill-type/skill",
            SKILL_TYPE_SCHEME,
            "skill",
        )
    }
}

/// ENHANCE concept naming the EQF category of a learning outcome.
pub fn outcome_category(category: crate::award::OutcomeCategory) -> Concept {
    use crate::award::OutcomeCategory::*;
    match category {
        Knowledge => enhance("learning-outcome-category", "knowledge", "Knowledge"),
        Skills => enhance("learning-outcome-category", "skills", "Skills"),
        ResponsibilityAndAutonomy => enhance(
            "learning-outcome-category",
            "responsibility-and-autonomy",
            "Responsibility and autonomy",
        ),
    }
}

/// Whether a learning unit is an obligatory or an elective component of its programme, as an
/// ENHANCE concept (`urn:enhance:concept:component-status:obligatory`): the subject of the note on
/// a unit's specification, so stackability checks can read it without parsing text.
pub fn component_status(c: crate::award::ComponentStatus) -> Concept {
    match c {
        crate::award::ComponentStatus::Obligatory => {
            enhance("component-status", "obligatory", "Obligatory component")
        }
        crate::award::ComponentStatus::Elective => {
            enhance("component-status", "elective", "Elective component")
        }
    }
}

/// Sections of the ENHANCE certificate (MS18 Annex 3) carried as `additionalNote`s: the note's
/// `subject` says which section the text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteSubject {
    /// "Quality assurance of the credential and, where relevant, of the learning content".
    QualityAssurance,
    /// "Integration/stackability options".
    Stackability,
    /// "Further information".
    FurtherInformation,
    /// "Form of participation in the learning activity" (type, mode, duration, contact hours).
    FormOfParticipation,
    /// "Instructors".
    Instructors,
    /// The awarding statement ("«university» on behalf of the ENHANCE Alliance").
    AwardingBody,
    /// "jointly developed and implemented by «list of universities»".
    JointlyDevelopedBy,
    /// The learner's home university ("BS/MS student of «university»").
    HomeUniversity,
    /// Workload in a unit other than ECTS, or notional hours.
    Workload,
    /// "Learning units" of a programme (names and universities).
    LearningUnits,
}

impl NoteSubject {
    /// The ENHANCE concept of this section.
    pub fn concept(self) -> Concept {
        let (code, label) = match self {
            Self::QualityAssurance => ("quality-assurance", "Quality assurance"),
            Self::Stackability => ("stackability", "Integration/stackability options"),
            Self::FurtherInformation => ("further-information", "Further information"),
            Self::FormOfParticipation => (
                "form-of-participation",
                "Form of participation in the learning activity",
            ),
            Self::Instructors => ("instructors", "Instructors"),
            Self::AwardingBody => ("awarding-body", "Awarding body"),
            Self::JointlyDevelopedBy => (
                "jointly-developed-by",
                "Jointly developed and implemented by",
            ),
            Self::HomeUniversity => ("home-university", "Student of"),
            Self::Workload => ("workload", "Workload"),
            Self::LearningUnits => ("learning-units", "Learning units"),
        };
        enhance("certificate-section", code, label)
    }
}

/// base64 content encoding.
pub fn base64_encoding() -> Concept {
    Concept::new(
        "http://data.europa.eu/snb/encoding/6146cde7dd",
        ENCODING_SCHEME,
        "base64",
    )
}

/// File-type concept of a media type.
pub fn file_type(m: MediaType) -> Concept {
    let code = match m {
        MediaType::Png => "PNG",
        MediaType::Jpeg => "JPEG",
        MediaType::Pdf => "PDF",
    };
    Concept::new(format!("{FILE_TYPE_SCHEME}/{code}"), FILE_TYPE_SCHEME, code)
}

/// The Generic credential profile.
pub fn generic_profile() -> Concept {
    Concept::new(GENERIC_PROFILE, CREDENTIAL_PROFILE_SCHEME, "Generic")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eu_uris_follow_the_vocabularies() {
        assert_eq!(
            eqf(7).map(|c| c.id).as_deref(),
            Some("http://data.europa.eu/snb/eqf/7")
        );
        assert!(eqf(9).is_none());
        assert_eq!(
            isced_f("0688").map(|c| c.id).as_deref(),
            Some("http://data.europa.eu/snb/isced-f/0688")
        );
        assert!(isced_f("1234").is_none());
        assert_eq!(
            language("en").map(|c| c.id).as_deref(),
            Some("http://publications.europa.eu/resource/authority/language/ENG")
        );
        assert_eq!(
            language("nl").map(|c| c.id).as_deref(),
            Some("http://publications.europa.eu/resource/authority/language/NLD")
        );
        assert!(language("xx").is_none());
        assert_eq!(
            country("DEU").map(|c| c.id).as_deref(),
            Some("http://publications.europa.eu/resource/authority/country/DEU")
        );
        assert!(country("XYZ").is_none());
        assert_eq!(
            ects().id,
            "http://data.europa.eu/snb/education-credit/6fcec5c5af"
        );
    }
}
