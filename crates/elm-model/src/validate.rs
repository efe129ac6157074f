//! Validation of award requests, per credential kind (MS18 §4.2 taxonomy, §5.1 standard elements).
//!
//! Every check runs and every finding is collected ([`Issue`]: JSON path of the field, a stable
//! rule code, a message, a severity); nothing stops at the first error. The taxonomy table of §4.2
//! gives the kind rules: a micro-credential has learning outcomes, a formal assessment and credits
//! (at least 1 ECTS; below the recommended 3 ECTS is a warning, §5.1 "Notional workload"); a
//! certificate of completion is credit-bearing and assessed; a certificate of participation has no
//! assessment and no credits; a (micro-credential) programme has at least two learning units
//! (Annex 2) whose credits add up to the programme's unless an override reason is given.
//!
//! Rule codes are part of the interface (tests and clients match on them); [`RULES`] lists them.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use crate::award::{
    AssessmentSpec, Award, CertificateProfile, ContactHours, CredentialKind, Credits,
    FurtherInformation, LearningOutcomes, ModeOfLearning, OpportunityType, Period, Workload,
};
use crate::lang::LanguageMap;
use crate::university::Universities;
use crate::vocab;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The award cannot be issued.
    Error,
    /// Issuable, but against a recommendation.
    Warning,
}

/// One finding about an award request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// JSON path of the field, e.g. `learningOpportunity.units[1].workload.ects` (empty: the document).
    pub path: String,
    /// Stable rule code, e.g. `micro-credential.min-workload`.
    pub rule: &'static str,
    /// Human-readable explanation.
    pub message: String,
    /// Error or warning.
    pub severity: Severity,
}

impl Issue {
    /// An error.
    pub fn error(path: impl Into<String>, rule: &'static str, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            rule,
            message: message.into(),
            severity: Severity::Error,
        }
    }

    /// A warning.
    pub fn warning(
        path: impl Into<String>,
        rule: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            path: path.into(),
            rule,
            message: message.into(),
            severity: Severity::Warning,
        }
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `path: rule: message` (warnings prefixed `warning: `), the CLI's one-line form.
impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.severity == Severity::Warning {
            write!(f, "warning: ")?;
        }
        let path = if self.path.is_empty() {
            "(document)"
        } else {
            &self.path
        };
        write!(f, "{path}: {}: {}", self.rule, self.message)
    }
}

/// Every rule code with a one-line description.
pub const RULES: &[(&str, &str)] = &[
    (
        "award.parse",
        "the award JSON does not match the award format (unknown field, wrong type, missing field)",
    ),
    (
        "university.unknown",
        "a university id is not in the universities registry",
    ),
    ("text.required", "a required text is missing or empty"),
    ("text.english-required", "a text has no English version"),
    (
        "text.university-language",
        "warning: a text has no version in the awarding university's language",
    ),
    (
        "text.language-tag",
        "a language-map key is not a lower-case BCP 47 tag",
    ),
    (
        "language.unknown",
        "a language of instruction or display is not a known ISO 639-1 code",
    ),
    (
        "country.unknown",
        "a country code is not in the EU country authority table",
    ),
    (
        "isced-f.unknown",
        "an ISCED-F code is not in the ISCED-F 2013 table",
    ),
    ("uri.invalid", "an identifier is not an absolute URI"),
    ("uri.duplicate", "two specifications share an identifier"),
    ("eqf.level", "an EQF level is not 6, 7 or 8"),
    (
        "workload.one-system",
        "a workload gives neither or both of ects and ceu",
    ),
    ("workload.zero", "a workload of zero credits"),
    (
        "profile.required",
        "a micro-credential needs certificateProfile (academic or professional)",
    ),
    (
        "profile.not-applicable",
        "certificateProfile is only for micro-credentials",
    ),
    (
        "micro-credential.learning-outcomes",
        "a micro-credential needs learning outcomes",
    ),
    (
        "micro-credential.assessment",
        "a micro-credential needs a formal assessment",
    ),
    (
        "micro-credential.workload-required",
        "a micro-credential needs a workload",
    ),
    (
        "micro-credential.min-workload",
        "a micro-credential needs at least 1 ECTS (or 2.5 CEU)",
    ),
    (
        "micro-credential.recommended-workload",
        "warning: below the recommended 3 ECTS (or 7.5 CEU)",
    ),
    (
        "micro-credential.academic-ects",
        "a certificate of academic achievement uses ECTS",
    ),
    (
        "completion.learning-outcomes",
        "a certificate of completion needs learning outcomes",
    ),
    (
        "completion.assessment",
        "a certificate of completion needs a formal assessment",
    ),
    (
        "completion.workload-required",
        "a certificate of completion is credit-bearing",
    ),
    (
        "participation.no-credits",
        "a certificate of participation carries no credits",
    ),
    (
        "participation.no-assessment",
        "a certificate of participation has no formal assessment",
    ),
    (
        "participation.no-grade",
        "a certificate of participation has no grade",
    ),
    (
        "programme.opportunity-type",
        "a programme micro-credential is for an opportunity of type programme",
    ),
    (
        "programme.min-units",
        "a programme has at least two learning units",
    ),
    (
        "programme.units-not-allowed",
        "only programme micro-credentials have units",
    ),
    (
        "programme.ects-sum",
        "the programme's credits differ from the sum of its completed units'",
    ),
    (
        "programme.workload-system",
        "the programme and its units use different credit systems",
    ),
    (
        "programme.unit-result-unknown",
        "a unit result names no unit of the programme",
    ),
    (
        "programme.unit-result-duplicate",
        "two results for the same unit",
    ),
    (
        "programme.obligatory-unit-missing",
        "an obligatory unit has no result",
    ),
    (
        "programme.min-completed-units",
        "fewer than two completed units",
    ),
    (
        "programme.unit-results-not-allowed",
        "unit results given for a credential that is not a programme",
    ),
    (
        "assessment.types-empty",
        "an assessment names no assessment type",
    ),
    ("grade.no-assessment", "a grade without an assessment"),
    (
        "learner.date-of-birth-required",
        "the date of birth is required on this certificate",
    ),
    ("dates.period-order", "a period ends before it starts"),
    (
        "dates.issued-before-end",
        "the credential is issued before the activities ended",
    ),
    (
        "dates.birth-after-start",
        "the date of birth is not before the activities",
    ),
    (
        "dates.valid-until-before-issued",
        "validity ends before the issuing date",
    ),
    (
        "dates.issued-missing",
        "no issuing date (award.issued or the caller's)",
    ),
    (
        "form.contact-hours",
        "warning: the number of contact hours is not given",
    ),
    (
        "blended.contact-hours-split",
        "blended learning gives contact hours for both the in-presence and the online part",
    ),
    (
        "blended.periods",
        "warning: blended learning should give the in-presence and the online period",
    ),
    (
        "contact-hours.total-mismatch",
        "the total contact hours differ from in-presence + online",
    ),
    (
        "jointly-developed.min-two",
        "jointly developed means by two or more universities",
    ),
    (
        "jointly-developed.duplicate",
        "a university is listed twice",
    ),
    (
        "display.images-empty",
        "the credential needs at least one display image",
    ),
    (
        "display.primary-language",
        "no display image in the primary language",
    ),
    (
        "display.language-duplicate",
        "two display images for one language",
    ),
    (
        "display.media-type",
        "the image's media type is unknown (give mediaType or use .png/.jpg/.pdf)",
    ),
    (
        "display.image-missing",
        "no image bytes were supplied for a display image",
    ),
    ("display.image-empty", "an empty display image"),
    (
        "options.credential-id",
        "the credential id is not an absolute URI",
    ),
    // Size and character limits (crate::limits::LIMIT_RULES).
    (
        "award.max-bytes",
        "the JSON text of the award is larger than limits::MAX_AWARD_JSON_BYTES",
    ),
    ("text.max-length", "a text is longer than its field's limit"),
    (
        "text.control-character",
        "a text contains a control character (C0, DEL, C1; line feed and tab only in multi-line texts)",
    ),
    ("list.max-items", "a list has more items than its field's limit"),
    (
        "text.max-languages",
        "a language map has more languages than limits::MAX_LANGUAGES",
    ),
    (
        "award.max-total-text",
        "all text of the award together is longer than limits::MAX_TOTAL_TEXT_CHARS",
    ),
    (
        "display.image-too-large",
        "a display image is larger than limits::MAX_DISPLAY_IMAGE_BYTES",
    ),
    ("limits.more-issues", "more limit findings than reported"),
];

/// Validates `award` against the rules of its kind. `issued` is the effective date of issuing
/// (the caller's override, else `award.issued`). Returns every finding, errors and warnings.
pub fn validate(
    award: &Award,
    universities: &Universities,
    issued: Option<NaiveDate>,
) -> Vec<Issue> {
    // The size and character limits first: when one is broken only they are reported, so no
    // later rule (nor its message) handles an oversized or control-character text.
    let limits = crate::limits::check_award(award);
    if limits.iter().any(Issue::is_error) {
        return limits;
    }
    let mut v = Validator {
        out: limits,
        universities,
        university_language: None,
    };
    v.award(award, issued);
    v.out
}

struct Validator<'a> {
    out: Vec<Issue>,
    universities: &'a Universities,
    university_language: Option<String>,
}

/// An absolute IRI: `scheme:rest` with an RFC 3986 scheme, no whitespace and none of the
/// characters RFC 3987 excludes (`<>"{}|\^` and backtick). Also the verifier's VP `holder` rule.
pub fn is_absolute_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(|c| {
            c.is_whitespace() || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
        })
}

/// Whether `tag` is a lower-case BCP 47 tag as the model writes them (`en`, `de-ch`).
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase()));
    primary_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

impl Validator<'_> {
    fn err(&mut self, path: impl Into<String>, rule: &'static str, msg: impl Into<String>) {
        self.out.push(Issue::error(path, rule, msg));
    }

    fn warn(&mut self, path: impl Into<String>, rule: &'static str, msg: impl Into<String>) {
        self.out.push(Issue::warning(path, rule, msg));
    }

    fn university(&mut self, path: &str, id: &str) -> bool {
        if self.universities.get(id).is_some() {
            return true;
        }
        let known = self.universities.ids().join(", ");
        self.err(
            path,
            "university.unknown",
            format!("unknown university `{id}` (known: {known})"),
        );
        false
    }

    /// A required multilingual text: non-empty, English present, tags valid; the awarding
    /// university's language recommended.
    fn text(&mut self, path: &str, text: &LanguageMap) {
        if text.is_empty() {
            self.err(path, "text.required", "text is missing or empty");
            return;
        }
        self.text_tags(path, text);
        match text.get("en") {
            None => self.err(path, "text.english-required", "no English (`en`) text"),
            Some(t) if t.trim().is_empty() => self.err(
                format!("{path}.en"),
                "text.required",
                "English text is empty",
            ),
            Some(_) => {}
        }
        for (lang, t) in text.iter() {
            if t.trim().is_empty() && lang != "en" {
                self.err(format!("{path}.{lang}"), "text.required", "text is empty");
            }
        }
        if let Some(lang) = self.university_language.clone() {
            if lang != "en" && text.get(&lang).is_none() {
                self.warn(
                    path,
                    "text.university-language",
                    format!("no text in the awarding university's language `{lang}`"),
                );
            }
        }
    }

    /// An optional or secondary text: tags valid, English present, no language recommendation.
    fn secondary_text(&mut self, path: &str, text: &LanguageMap) {
        if text.is_empty() {
            self.err(path, "text.required", "text is empty");
            return;
        }
        self.text_tags(path, text);
        if text.get("en").is_none_or(|t| t.trim().is_empty()) {
            self.err(path, "text.english-required", "no English (`en`) text");
        }
    }

    fn text_tags(&mut self, path: &str, text: &LanguageMap) {
        for lang in text.languages().collect::<Vec<_>>() {
            if !is_language_tag(lang) {
                self.err(
                    format!("{path}.{lang}"),
                    "text.language-tag",
                    format!("`{lang}` is not a lower-case BCP 47 language tag"),
                );
            }
        }
    }

    fn language(&mut self, path: &str, tag: &str) {
        if vocab::language(tag).is_none() {
            self.err(
                path,
                "language.unknown",
                format!("`{tag}` is not a known ISO 639-1 language code"),
            );
        }
    }

    fn country(&mut self, path: &str, code: &str) {
        if vocab::country(code).is_none() {
            self.err(
                path,
                "country.unknown",
                format!("`{code}` is not in the EU country table (use e.g. `DEU`, `POL`)"),
            );
        }
    }

    fn period(&mut self, path: &str, p: &Period) {
        if let Some(end) = p.end {
            if end < p.start {
                self.err(
                    format!("{path}.end"),
                    "dates.period-order",
                    format!("ends {end} before it starts {}", p.start),
                );
            }
        }
    }

    fn award(&mut self, a: &Award, issued: Option<NaiveDate>) {
        let kind = a.kind;
        if self.university("awardingUniversity", &a.awarding_university) {
            self.university_language = self
                .universities
                .get(&a.awarding_university)
                .map(|u| u.language.clone());
        }
        match (kind.is_micro_credential(), a.certificate_profile) {
            (true, None) => self.err(
                "certificateProfile",
                "profile.required",
                "a micro-credential is a certificate of academic or of professional achievement: set `academic` or `professional`",
            ),
            (false, Some(_)) => self.err(
                "certificateProfile",
                "profile.not-applicable",
                format!("certificateProfile is only for micro-credentials, not `{}`", kind.as_str()),
            ),
            _ => {}
        }
        self.learner(a);
        self.opportunity(a);
        self.achievement(a, issued);
        self.display(a);
    }

    fn learner(&mut self, a: &Award) {
        let l = &a.learner;
        if l.given_names.trim().is_empty() {
            self.err(
                "learner.givenNames",
                "text.required",
                "given name(s) missing",
            );
        }
        if l.family_names.trim().is_empty() {
            self.err(
                "learner.familyNames",
                "text.required",
                "family name(s) missing",
            );
        }
        if l.date_of_birth.is_none() && a.kind != CredentialKind::CertificateOfParticipation {
            self.err(
                "learner.dateOfBirth",
                "learner.date-of-birth-required",
                "the date of birth is part of the learner's identification on this certificate",
            );
        }
        if let Some(p) = &l.place_of_birth {
            self.secondary_text("learner.placeOfBirth.name", &p.name);
            self.country("learner.placeOfBirth.country", &p.country);
        }
        for (i, c) in l.nationality.iter().enumerate() {
            self.country(&format!("learner.nationality[{i}]"), c);
        }
        if let Some(h) = &l.home_university {
            self.university("learner.homeUniversity", h);
        }
        if let Some(s) = &l.study_level {
            self.secondary_text("learner.studyLevel", s);
        }
    }

    fn opportunity(&mut self, a: &Award) {
        let o = &a.learning_opportunity;
        let p = "learningOpportunity";
        let kind = a.kind;
        if !is_absolute_uri(&o.id) {
            self.err(
                format!("{p}.id"),
                "uri.invalid",
                format!("`{}` is not an absolute URI", o.id),
            );
        }
        self.text(&format!("{p}.title"), &o.title);
        if let Some(d) = &o.description {
            self.secondary_text(&format!("{p}.description"), d);
        }
        match o.jointly_developed_by.len() {
            0 => {}
            1 => self.err(
                format!("{p}.jointlyDevelopedBy"),
                "jointly-developed.min-two",
                "list two or more universities, or none for a single-university opportunity",
            ),
            _ => {}
        }
        let mut seen = BTreeSet::new();
        for (i, u) in o.jointly_developed_by.iter().enumerate() {
            let path = format!("{p}.jointlyDevelopedBy[{i}]");
            self.university(&path, u);
            if !seen.insert(u) {
                self.err(
                    path,
                    "jointly-developed.duplicate",
                    format!("`{u}` is listed twice"),
                );
            }
        }
        self.common_spec(p, &SpecView::of_opportunity(o), kind);

        self.kind_rules(a);
        self.programme_units(a);
    }

    /// The kind rules of the learning opportunity (MS18 §4.2 taxonomy table): outcomes,
    /// assessment and credits per kind of certificate.
    fn kind_rules(&mut self, a: &Award) {
        let o = &a.learning_opportunity;
        let p = "learningOpportunity";
        let kind = a.kind;
        let has_credits = o
            .workload
            .as_ref()
            .is_some_and(|w| w.ects.is_some() || w.ceu.is_some());
        match kind {
            CredentialKind::MicroCredential | CredentialKind::ProgrammeMicroCredential => {
                if o.learning_outcomes.is_empty() {
                    self.err(
                        format!("{p}.learningOutcomes"),
                        "micro-credential.learning-outcomes",
                        "a micro-credential has clearly defined learning outcomes",
                    );
                }
                if o.assessment.is_none() {
                    self.err(
                        format!("{p}.assessment"),
                        "micro-credential.assessment",
                        "a micro-credential has formally assessed learning outcomes",
                    );
                }
                match &o.workload {
                    None => self.err(format!("{p}.workload"), "micro-credential.workload-required", "a micro-credential specifies ECTS points (or CEU for professional certificates)"),
                    Some(w) => self.micro_workload(&format!("{p}.workload"), w, a.certificate_profile),
                }
            }
            CredentialKind::CertificateOfCompletion => {
                if o.learning_outcomes.is_empty() {
                    self.err(
                        format!("{p}.learningOutcomes"),
                        "completion.learning-outcomes",
                        "a certificate of completion confirms clearly defined learning outcomes",
                    );
                }
                if o.assessment.is_none() {
                    self.err(
                        format!("{p}.assessment"),
                        "completion.assessment",
                        "a certificate of completion confirms formally assessed learning outcomes",
                    );
                }
                if !has_credits {
                    self.err(format!("{p}.workload"), "completion.workload-required", "a certificate of completion is for a credit-bearing learning opportunity: give ects (or ceu)");
                }
            }
            CredentialKind::CertificateOfParticipation => {
                if has_credits {
                    self.err(format!("{p}.workload"), "participation.no-credits", "a certificate of participation is for a non-credit-bearing learning opportunity: no ects or ceu");
                }
                if o.assessment.is_some() {
                    self.err(format!("{p}.assessment"), "participation.no-assessment", "a certificate of participation involves no formal assessment of learning outcomes");
                }
            }
        }
    }

    /// Programmes: only a programme micro-credential has units (two or more), each with its own
    /// identifier, university, texts, outcomes and workload.
    fn programme_units(&mut self, a: &Award) {
        let o = &a.learning_opportunity;
        let p = "learningOpportunity";
        let kind = a.kind;
        if kind == CredentialKind::ProgrammeMicroCredential {
            if o.opportunity_type != OpportunityType::Programme {
                self.err(format!("{p}.type"), "programme.opportunity-type", "a programme micro-credential is awarded for an opportunity of type `programme`");
            }
            if o.units.len() < 2 {
                self.err(
                    format!("{p}.units"),
                    "programme.min-units",
                    format!(
                        "a (micro-credential) programme has two or more learning units, found {}",
                        o.units.len()
                    ),
                );
            }
        } else if !o.units.is_empty() {
            self.err(
                format!("{p}.units"),
                "programme.units-not-allowed",
                format!(
                    "units are only for programme micro-credentials, not `{}`",
                    kind.as_str()
                ),
            );
        }
        let mut ids = BTreeSet::new();
        ids.insert(o.id.as_str());
        for (i, u) in o.units.iter().enumerate() {
            let up = format!("{p}.units[{i}]");
            if !is_absolute_uri(&u.id) {
                self.err(
                    format!("{up}.id"),
                    "uri.invalid",
                    format!("`{}` is not an absolute URI", u.id),
                );
            } else if !ids.insert(u.id.as_str()) {
                self.err(
                    format!("{up}.id"),
                    "uri.duplicate",
                    format!("`{}` is used twice", u.id),
                );
            }
            // A unit's texts are recommended in the language of the university that teaches it.
            let awarding_language = self.university_language.clone();
            if self.university(&format!("{up}.university"), &u.university) {
                self.university_language = self
                    .universities
                    .get(&u.university)
                    .map(|x| x.language.clone());
            }
            self.text(&format!("{up}.title"), &u.title);
            if let Some(d) = &u.description {
                self.secondary_text(&format!("{up}.description"), d);
            }
            self.common_spec(&up, &SpecView::of_unit(u), kind);
            self.university_language = awarding_language;
            if u.learning_outcomes.is_empty() {
                self.err(
                    format!("{up}.learningOutcomes"),
                    "micro-credential.learning-outcomes",
                    "each learning unit has its own learning outcomes",
                );
            }
            self.workload_system(&format!("{up}.workload"), &u.workload);
        }
    }

    /// Checks shared by opportunities and units.
    fn common_spec(&mut self, p: &str, s: &SpecView<'_>, kind: CredentialKind) {
        if let Some(level) = s.eqf_level {
            if !(6..=8).contains(&level) {
                self.err(
                    format!("{p}.eqfLevel"),
                    "eqf.level",
                    format!("EQF level {level}: ENHANCE credentials are at EQF level 6, 7 or 8"),
                );
            }
        }
        for (i, code) in s.isced_f.iter().enumerate() {
            if vocab::isced_f(code).is_none() {
                self.err(
                    format!("{p}.iscedF[{i}]"),
                    "isced-f.unknown",
                    format!("`{code}` is not an ISCED-F 2013 code (e.g. `0688`)"),
                );
            }
        }
        for (cat, i, text) in s.outcomes.iter() {
            self.text(&format!("{p}.learningOutcomes.{}[{i}]", cat.field()), text);
        }
        if s.languages.is_empty() {
            self.err(
                format!("{p}.languages"),
                "text.required",
                "give the language(s) of instruction",
            );
        }
        for (i, l) in s.languages.iter().enumerate() {
            self.language(&format!("{p}.languages[{i}]"), l);
        }
        if let Some(w) = s.workload {
            if w.ects.is_some() || w.ceu.is_some() {
                self.workload_system(&format!("{p}.workload"), w);
            }
        }
        match s.contact_hours {
            None if kind != CredentialKind::CertificateOfParticipation
                || s.mode == ModeOfLearning::Blended =>
            {
                self.warn(
                    format!("{p}.contactHours"),
                    "form.contact-hours",
                    "the number of contact hours is part of the form of participation",
                )
            }
            None => {}
            Some(h) => self.contact_hours(&format!("{p}.contactHours"), h, s.mode),
        }
        if let Some(t) = s.prerequisites {
            self.secondary_text(&format!("{p}.prerequisites"), t);
        }
        if let Some(a) = s.assessment {
            self.assessment(&format!("{p}.assessment"), a);
        }
        for (i, ins) in s.instructors.iter().enumerate() {
            if ins.name.trim().is_empty() {
                self.err(
                    format!("{p}.instructors[{i}].name"),
                    "text.required",
                    "instructor name missing",
                );
            }
        }
        if let Some(q) = s.quality_assurance {
            self.text(&format!("{p}.qualityAssurance"), q);
        }
        if let Some(st) = s.stackability {
            let sp = format!("{p}.stackability");
            self.secondary_text(&format!("{sp}.programme"), &st.programme);
            self.secondary_text(&format!("{sp}.leadsTo"), &st.leads_to);
            self.university(&format!("{sp}.coordinatedBy"), &st.coordinated_by);
            if let Some(id) = &st.programme_id {
                if !is_absolute_uri(id) {
                    self.err(
                        format!("{sp}.programmeId"),
                        "uri.invalid",
                        format!("`{id}` is not an absolute URI"),
                    );
                }
            }
            if let Some(t) = &st.statement {
                self.secondary_text(&format!("{sp}.statement"), t);
            }
        }
        if let Some(f) = s.further_information {
            self.further(&format!("{p}.furtherInformation"), f);
        }
    }

    fn further(&mut self, p: &str, f: &FurtherInformation) {
        if let Some(t) = &f.text {
            self.secondary_text(&format!("{p}.text"), t);
        }
        for (i, t) in f.partnerships.iter().enumerate() {
            self.secondary_text(&format!("{p}.partnerships[{i}]"), t);
        }
        for (i, t) in f.endorsements.iter().enumerate() {
            self.secondary_text(&format!("{p}.endorsements[{i}]"), t);
        }
        if let Some(t) = &f.target_group {
            self.secondary_text(&format!("{p}.targetGroup"), t);
        }
        if let Some(h) = &f.homepage {
            if !(h.starts_with("https://") || h.starts_with("http://")) || !is_absolute_uri(h) {
                self.err(
                    format!("{p}.homepage"),
                    "uri.invalid",
                    format!("`{h}` is not an http(s) URL"),
                );
            }
        }
    }

    fn contact_hours(&mut self, p: &str, h: &ContactHours, mode: ModeOfLearning) {
        if mode == ModeOfLearning::Blended && (h.in_presence.is_none() || h.online.is_none()) {
            self.err(
                p,
                "blended.contact-hours-split",
                "for blended learning give both `inPresence` and `online` contact hours",
            );
        }
        if let (Some(t), Some(a), Some(b)) = (h.total, h.in_presence, h.online) {
            if t != a + b {
                self.err(
                    format!("{p}.total"),
                    "contact-hours.total-mismatch",
                    format!("total {t} differs from in-presence {a} + online {b}"),
                );
            }
        }
        if h.total.is_none() && h.in_presence.is_none() && h.online.is_none() {
            self.err(
                p,
                "text.required",
                "give `total`, or `inPresence` and `online`",
            );
        }
    }

    fn assessment(&mut self, p: &str, a: &AssessmentSpec) {
        if a.types.is_empty() {
            self.err(
                format!("{p}.types"),
                "assessment.types-empty",
                "name at least one assessment type",
            );
        }
        if let Some(d) = &a.description {
            self.secondary_text(&format!("{p}.description"), d);
        }
        if let Some(g) = &a.grading_scheme {
            self.secondary_text(&format!("{p}.gradingScheme.title"), &g.title);
            self.secondary_text(&format!("{p}.gradingScheme.description"), &g.description);
        }
    }

    fn workload_system(&mut self, p: &str, w: &Workload) {
        match (w.ects, w.ceu) {
            (Some(_), Some(_)) => self.err(
                p,
                "workload.one-system",
                "give either `ects` or `ceu`, not both",
            ),
            (None, None) => self.err(p, "workload.one-system", "give `ects` (or `ceu`)"),
            (Some(c), None) | (None, Some(c)) if c.hundredths() == 0 => {
                let field = if w.ects.is_some() { "ects" } else { "ceu" };
                self.err(
                    format!("{p}.{field}"),
                    "workload.zero",
                    "a workload of 0 credits",
                )
            }
            _ => {}
        }
    }

    fn micro_workload(&mut self, p: &str, w: &Workload, profile: Option<CertificateProfile>) {
        // 1 ECTS = 25-30 hours; 1 CEU = 10 hours of instruction: 1 ECTS ~ 2.5 CEU.
        if let Some(ects) = w.ects {
            if ects < Credits::whole(1) {
                self.err(
                    format!("{p}.ects"),
                    "micro-credential.min-workload",
                    format!("{ects} ECTS: an ENHANCE micro-credential has at least 1 ECTS"),
                );
            } else if ects < Credits::whole(3) {
                self.warn(
                    format!("{p}.ects"),
                    "micro-credential.recommended-workload",
                    format!("{ects} ECTS: at least 3 ECTS are recommended"),
                );
            }
        } else if let Some(ceu) = w.ceu {
            if profile == Some(CertificateProfile::Academic) {
                self.err(format!("{p}.ceu"), "micro-credential.academic-ects", "certificates of academic achievement are assigned ECTS points; CEU only for professional ones");
            }
            if ceu < Credits::from_hundredths(250) {
                self.err(format!("{p}.ceu"), "micro-credential.min-workload", format!("{ceu} CEU: an ENHANCE micro-credential has at least the equivalent of 1 ECTS (2.5 CEU)"));
            } else if ceu < Credits::from_hundredths(750) {
                self.warn(
                    format!("{p}.ceu"),
                    "micro-credential.recommended-workload",
                    format!(
                        "{ceu} CEU: at least the equivalent of 3 ECTS (7.5 CEU) is recommended"
                    ),
                );
            }
        }
    }

    fn achievement(&mut self, a: &Award, issued: Option<NaiveDate>) {
        let r = &a.achievement;
        let o = &a.learning_opportunity;
        let p = "achievement";
        self.period(&format!("{p}.period"), &r.period);
        if let Some(x) = &r.in_presence_period {
            self.period(&format!("{p}.inPresencePeriod"), x);
        }
        if let Some(x) = &r.online_period {
            self.period(&format!("{p}.onlinePeriod"), x);
        }
        if o.mode_of_learning == ModeOfLearning::Blended
            && (r.in_presence_period.is_none() || r.online_period.is_none())
        {
            self.warn(
                p,
                "blended.periods",
                "for blended learning give `inPresencePeriod` and `onlinePeriod`",
            );
        }
        if r.grade.is_some() {
            if a.kind == CredentialKind::CertificateOfParticipation {
                self.err(
                    format!("{p}.grade"),
                    "participation.no-grade",
                    "a certificate of participation carries no grade",
                );
            } else if o.assessment.is_none() {
                self.err(
                    format!("{p}.grade"),
                    "grade.no-assessment",
                    "a grade needs an assessment in learningOpportunity.assessment",
                );
            }
        }
        if let Some(g) = &r.grade {
            if g.trim().is_empty() {
                self.err(format!("{p}.grade"), "text.required", "empty grade");
            }
        }

        // Latest end of any activity, earliest start.
        let mut last = r.period.last_day();
        let mut first = r.period.start;
        for x in [&r.in_presence_period, &r.online_period]
            .into_iter()
            .flatten()
        {
            last = last.max(x.last_day());
            first = first.min(x.start);
        }

        self.unit_results(a, &mut first, &mut last);
        self.dates(a, issued, first, last);
    }

    /// The unit results of a programme micro-credential (each for a known unit, once; every
    /// obligatory unit; two or more; the credit sum), widening `first`..`last` by their periods.
    fn unit_results(&mut self, a: &Award, first: &mut NaiveDate, last: &mut NaiveDate) {
        let r = &a.achievement;
        let o = &a.learning_opportunity;
        let p = "achievement";
        if a.kind == CredentialKind::ProgrammeMicroCredential {
            let mut seen = BTreeSet::new();
            let mut completed: Vec<&crate::award::LearningUnit> = Vec::new();
            for (i, ur) in r.units.iter().enumerate() {
                let up = format!("{p}.units[{i}]");
                self.period(&format!("{up}.period"), &ur.period);
                for (name, x) in [
                    ("inPresencePeriod", &ur.in_presence_period),
                    ("onlinePeriod", &ur.online_period),
                ] {
                    if let Some(x) = x {
                        self.period(&format!("{up}.{name}"), x);
                        *last = (*last).max(x.last_day());
                        *first = (*first).min(x.start);
                    }
                }
                *last = (*last).max(ur.period.last_day());
                *first = (*first).min(ur.period.start);
                match o.units.iter().find(|u| u.id == ur.unit_id) {
                    None => self.err(
                        format!("{up}.unitId"),
                        "programme.unit-result-unknown",
                        format!("no unit `{}` in learningOpportunity.units", ur.unit_id),
                    ),
                    Some(u) => {
                        if !seen.insert(ur.unit_id.as_str()) {
                            self.err(
                                format!("{up}.unitId"),
                                "programme.unit-result-duplicate",
                                format!("a second result for `{}`", ur.unit_id),
                            );
                        } else {
                            completed.push(u);
                        }
                        if u.mode_of_learning == ModeOfLearning::Blended
                            && (ur.in_presence_period.is_none() || ur.online_period.is_none())
                        {
                            self.warn(
                                &up,
                                "blended.periods",
                                "for blended learning give `inPresencePeriod` and `onlinePeriod`",
                            );
                        }
                    }
                }
                if let Some(g) = &ur.grade {
                    if g.trim().is_empty() {
                        self.err(format!("{up}.grade"), "text.required", "empty grade");
                    }
                }
            }
            for (i, u) in o.units.iter().enumerate() {
                if u.component == crate::award::ComponentStatus::Obligatory
                    && !seen.contains(u.id.as_str())
                {
                    self.err(
                        format!("learningOpportunity.units[{i}]"),
                        "programme.obligatory-unit-missing",
                        format!(
                            "obligatory unit `{}` has no result in achievement.units",
                            u.id
                        ),
                    );
                }
            }
            if completed.len() < 2 && o.units.len() >= 2 {
                self.err(format!("{p}.units"), "programme.min-completed-units", format!("a programme micro-credential needs results for two or more units, found {}", completed.len()));
            }
            self.programme_sum(a, &completed);
        } else if !r.units.is_empty() {
            self.err(
                format!("{p}.units"),
                "programme.unit-results-not-allowed",
                "unit results are only for programme micro-credentials",
            );
        }
    }

    /// Dates (standard element 5: issued when all requirements are satisfied): issued after the
    /// last activity ended (`last`), valid until after issuing, born before the first started.
    fn dates(&mut self, a: &Award, issued: Option<NaiveDate>, first: NaiveDate, last: NaiveDate) {
        match issued {
            None => self.err(
                "issued",
                "dates.issued-missing",
                "no date of issuing: set `issued` or pass one",
            ),
            Some(d) => {
                if d < last {
                    self.err(
                        "issued",
                        "dates.issued-before-end",
                        format!("issued {d} before the learning activities ended {last}"),
                    );
                }
                if let Some(until) = a.valid_until {
                    if until <= d {
                        self.err(
                            "validUntil",
                            "dates.valid-until-before-issued",
                            format!("valid until {until}, not after the issuing date {d}"),
                        );
                    }
                }
            }
        }
        if let Some(dob) = a.learner.date_of_birth {
            if dob >= first {
                self.err(
                    "learner.dateOfBirth",
                    "dates.birth-after-start",
                    format!("born {dob}, not before the activities started {first}"),
                );
            }
        }
    }

    fn programme_sum(&mut self, a: &Award, completed: &[&crate::award::LearningUnit]) {
        let Some(w) = &a.learning_opportunity.workload else {
            return;
        };
        if completed.is_empty() {
            return;
        }
        let p = "learningOpportunity.workload";
        let (field, total, unit_values): (&str, Option<Credits>, Vec<Option<Credits>>) =
            if w.ects.is_some() {
                (
                    "ects",
                    w.ects,
                    completed.iter().map(|u| u.workload.ects).collect(),
                )
            } else {
                (
                    "ceu",
                    w.ceu,
                    completed.iter().map(|u| u.workload.ceu).collect(),
                )
            };
        let Some(total) = total else { return };
        if unit_values.iter().any(Option::is_none) {
            self.err(
                format!("{p}.{field}"),
                "programme.workload-system",
                format!("the programme gives `{field}` but not every completed unit does"),
            );
            return;
        }
        let sum = unit_values
            .into_iter()
            .flatten()
            .fold(Credits::default(), |s, c| s + c);
        if sum != total
            && w.sum_override_reason
                .as_deref()
                .is_none_or(|r| r.trim().is_empty())
        {
            self.err(
                format!("{p}.{field}"),
                "programme.ects-sum",
                format!("the programme has {total} {field} but its completed units add up to {sum}; correct it or give `sumOverrideReason`"),
            );
        }
    }

    fn display(&mut self, a: &Award) {
        let d = &a.display;
        let p = "display";
        self.language(&format!("{p}.primaryLanguage"), &d.primary_language);
        if d.images.is_empty() {
            self.err(
                format!("{p}.images"),
                "display.images-empty",
                "give at least one page image (in the primary language)",
            );
            return;
        }
        let mut seen = BTreeSet::new();
        for (i, img) in d.images.iter().enumerate() {
            let ip = format!("{p}.images[{i}]");
            self.language(&format!("{ip}.language"), &img.language);
            if !seen.insert(img.language.as_str()) {
                self.err(
                    format!("{ip}.language"),
                    "display.language-duplicate",
                    format!("a second image for `{}`", img.language),
                );
            }
            if img.media_type.is_none()
                && crate::award::MediaType::from_file_name(&img.file).is_none()
            {
                self.err(
                    format!("{ip}.mediaType"),
                    "display.media-type",
                    format!(
                        "cannot tell the media type of `{}`: give mediaType",
                        img.file
                    ),
                );
            }
        }
        if !seen.contains(d.primary_language.as_str()) {
            self.err(
                format!("{p}.primaryLanguage"),
                "display.primary-language",
                format!("no image for the primary language `{}`", d.primary_language),
            );
        }
    }
}

/// The fields opportunities and units share, for [`Validator::common_spec`].
struct SpecView<'a> {
    eqf_level: Option<u8>,
    isced_f: &'a [String],
    outcomes: &'a LearningOutcomes,
    languages: &'a [String],
    mode: ModeOfLearning,
    workload: Option<&'a Workload>,
    contact_hours: Option<&'a ContactHours>,
    prerequisites: Option<&'a LanguageMap>,
    assessment: Option<&'a AssessmentSpec>,
    instructors: &'a [crate::award::Instructor],
    quality_assurance: Option<&'a LanguageMap>,
    stackability: Option<&'a crate::award::Stackability>,
    further_information: Option<&'a FurtherInformation>,
}

impl<'a> SpecView<'a> {
    fn of_opportunity(o: &'a crate::award::LearningOpportunitySpec) -> Self {
        Self {
            eqf_level: o.eqf_level,
            isced_f: &o.isced_f,
            outcomes: &o.learning_outcomes,
            languages: &o.languages,
            mode: o.mode_of_learning,
            workload: o.workload.as_ref(),
            contact_hours: o.contact_hours.as_ref(),
            prerequisites: o.prerequisites.as_ref(),
            assessment: o.assessment.as_ref(),
            instructors: &o.instructors,
            quality_assurance: o.quality_assurance.as_ref(),
            stackability: o.stackability.as_ref(),
            further_information: o.further_information.as_ref(),
        }
    }

    fn of_unit(u: &'a crate::award::LearningUnit) -> Self {
        Self {
            eqf_level: u.eqf_level,
            isced_f: &u.isced_f,
            outcomes: &u.learning_outcomes,
            languages: &u.languages,
            mode: u.mode_of_learning,
            workload: None, // checked by the caller (units always have one)
            contact_hours: u.contact_hours.as_ref(),
            prerequisites: u.prerequisites.as_ref(),
            assessment: Some(&u.assessment),
            instructors: &u.instructors,
            quality_assurance: None,
            stackability: None,
            further_information: u.further_information.as_ref(),
        }
    }
}

/// Checks an absolute URI as [`validate`] does (exposed for the builder's option check).
pub(crate) fn absolute_uri(s: &str) -> bool {
    is_absolute_uri(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_and_tag_checks() {
        assert!(is_absolute_uri("urn:uuid:1234"));
        assert!(is_absolute_uri("https://enhance.example/lo/1"));
        assert!(!is_absolute_uri("relative/path"));
        assert!(!is_absolute_uri("https://x y"));
        assert!(is_language_tag("en"));
        assert!(is_language_tag("de-ch"));
        assert!(!is_language_tag("EN"));
        assert!(!is_language_tag("english"));
    }

    #[test]
    fn every_rule_code_is_listed_once() {
        let mut seen = BTreeSet::new();
        for (code, _) in RULES {
            assert!(seen.insert(*code), "duplicate rule {code}");
        }
        let src = [
            include_str!("validate.rs"),
            include_str!("build.rs"),
            include_str!("lib.rs"),
            include_str!("limits.rs"),
        ]
        .concat();
        for (code, _) in RULES {
            assert!(
                src.matches(&format!("\"{code}\"")).count() >= 2,
                "rule {code} is listed but never raised"
            );
        }
    }
}
