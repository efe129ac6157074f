//! The largest valid award, for tests (cargo feature `test-support`): [`fill_to_limits`] grows a
//! valid award until every limit of [`crate::limits`] is reached, so that renderers, signers and
//! stores can be measured against the worst input the issuer accepts (issue #13, "a stored
//! credential with the maximum allowed text renders in < 2 s and < 200 MB").
//!
//! What it does, in this order:
//! 1. **Lists** to their maximum count, with short realistic items: nationalities, ISCED-F codes
//!    and languages of instruction (distinct codes from the EU tables first, then repeated),
//!    learning outcomes of each category, instructors, assessment types, partnerships and
//!    endorsements; a programme gets [`MAX_UNITS`] units (the added ones elective, with a result
//!    each, so the programme's credits carry a `sumOverrideReason`). Optional texts the kind
//!    allows are added (description, prerequisites, quality assurance, stackability, further
//!    information, study level, place of birth, student id, grade).
//! 2. **Texts** to their maximum length (realistic words in mixed scripts: Latin with Polish and
//!    German diacritics, Greek), field by field in the order a reader meets them (learner,
//!    titles, grade, descriptions, outcomes, ...), until all text together reaches
//!    [`MAX_TOTAL_TEXT_CHARS`]: the last field filled may stop short of its own maximum, the
//!    fields after it keep their (short) text.
//!
//! Left as they are: the universities (`awardingUniversity`, `jointlyDevelopedBy`, unit
//! universities: the registry is the caller's), the display images (their bytes are the
//! caller's), the added units' own lists, unit ids, and the languages of each language map (32
//! languages per map would spend the total on text no renderer shows).
//!
//! The input must be valid; the result is valid under [`crate::validate()`] and builds.

use crate::award::{
    AssessmentType, Award, ComponentStatus, CredentialKind, FurtherInformation, GradingScheme,
    Instructor, LearningOutcomes, OpportunityType, PlaceOfBirth, Stackability, UnitResult,
};
use crate::lang::LanguageMap;
use crate::limits::{
    total_text_chars, TextClass, MAX_INSTRUCTORS, MAX_LIST_ITEMS, MAX_OUTCOMES_PER_CATEGORY,
    MAX_TOTAL_TEXT_CHARS, MAX_UNITS,
};
use crate::vocab_tables::{COUNTRIES, ISCED_F, LANGUAGES};

/// Words of the generated texts: English, Polish, German, Greek, with diacritics.
const WORDS: &[&str] = &[
    "learning",
    "outcomes",
    "zażółć",
    "gęślą",
    "jaźń",
    "engineering",
    "μάθηση",
    "αποτελέσματα",
    "Datenkompetenz",
    "Prüfungsleistung",
    "sustainable",
    "współpraca",
    "inżynierów",
    "Ευρωπαϊκή",
    "ανάλυση",
    "δεδομένων",
    "analysis",
    "Łódź",
    "źdźbło",
    "Übungsaufgaben",
    "responsibility",
    "γνώση",
    "δεξιότητες",
    "autonomia",
    "kształcenie",
    "Hochschule",
    "Wärmeübertragung",
    "πανεπιστήμιο",
    "assessment",
    "ocenianie",
    "ćwiczenia",
    "projektowanie",
    "Ökobilanz",
    "σχεδιασμός",
    "collaboration",
    "mikropoświadczenie",
    "Straßenbau",
    "έργο",
    "reflection",
];

/// Words of the generated names.
const NAME_WORDS: &[&str] = &[
    "Zofia",
    "Łucja",
    "Αλέξανδρος",
    "Małgorzata",
    "Wójcik-Świątek",
    "Grzegorz",
    "Παπαδοπούλου",
    "Jürgen",
    "Brzęczyszczykiewicz",
    "Ζωή",
    "Müller-Lüdenscheidt",
    "Νικολάου",
    "Żaneta",
    "Ó Súilleabháin",
    "Αικατερίνη",
    "Ścibor-Rylski",
];

const ASSESSMENT_TYPES: &[AssessmentType] = &[
    AssessmentType::ContinuousEvaluation,
    AssessmentType::GroupPerformance,
    AssessmentType::MarkedAssignment,
    AssessmentType::OralExamination,
    AssessmentType::PeerAssessment,
    AssessmentType::PeerReview,
    AssessmentType::Portfolio,
    AssessmentType::PracticalAssessment,
    AssessmentType::ProblemBasedLearning,
    AssessmentType::ProjectWork,
    AssessmentType::Quiz,
    AssessmentType::WrittenExamination,
    AssessmentType::ArtefactAssessment,
    AssessmentType::LevelOfAttendance,
];

/// Text of exactly `chars` characters from `words` (starting at word `seed`), one line, or with
/// a line feed every twelve words when `multi_line`. Never starts or ends with white space.
pub fn text_of(words: &[&str], chars: usize, seed: usize, multi_line: bool) -> String {
    let mut out = String::new();
    let mut n = 0;
    let mut i = seed;
    while n < chars {
        let Some(&w) = i.checked_rem(words.len()).and_then(|k| words.get(k)) else {
            break;
        };
        out.push_str(w);
        n += w.chars().count();
        i += 1;
        out.push(if multi_line && (i - seed).is_multiple_of(12) {
            '\n'
        } else {
            ' '
        });
        n += 1;
    }
    let mut s: String = out.chars().take(chars).collect();
    if s.ends_with(char::is_whitespace) {
        s.pop();
        s.push('a');
    }
    s
}

fn generated(class: TextClass, chars: usize, seed: usize) -> String {
    match class {
        TextClass::Name => text_of(NAME_WORDS, chars, seed, false),
        TextClass::Title => text_of(WORDS, chars, seed, false),
        TextClass::Text => text_of(WORDS, chars, seed, true),
        // Identifiers, codes, grades: ASCII without spaces (valid in a URI path).
        TextClass::Identifier => {
            let unit = format!("segment-{seed}-");
            unit.chars().cycle().take(chars).collect()
        }
    }
}

/// Grows `award` to the limits (see the module documentation). `award` must be valid; it stays
/// valid.
pub fn fill_to_limits(award: &mut Award) {
    lists(award);
    let used = total_text_chars(award);
    let mut f = Filler {
        budget: MAX_TOTAL_TEXT_CHARS.saturating_sub(used),
        seed: 0,
    };
    texts(award, &mut f);
}

fn short(text: &str) -> LanguageMap {
    LanguageMap::single("en", text)
}

fn grow<T: Clone>(list: &mut Vec<T>, max: usize, mut make: impl FnMut(usize) -> T) {
    let mut k = 0;
    while list.len() < max {
        list.push(make(k));
        k += 1;
    }
}

/// Distinct codes from `table` not yet in `list`, then the table again from the start.
fn grow_codes(list: &mut Vec<String>, max: usize, table: &[&str]) {
    let fresh: Vec<&str> = table
        .iter()
        .copied()
        .filter(|c| !list.iter().any(|x| x == c))
        .collect();
    let cycle: Vec<&str> = fresh.into_iter().chain(table.iter().copied()).collect();
    let mut k: usize = 0;
    while list.len() < max && !cycle.is_empty() {
        let Some(code) = k.checked_rem(cycle.len()).and_then(|j| cycle.get(j)) else {
            break;
        };
        list.push((*code).to_owned());
        k += 1;
    }
}

fn grow_outcomes(o: &mut LearningOutcomes) {
    let max = MAX_OUTCOMES_PER_CATEGORY;
    grow(&mut o.knowledge, max, |k| {
        short(&format!("Knowledge outcome {k}"))
    });
    grow(&mut o.skills, max, |k| short(&format!("Skill outcome {k}")));
    grow(&mut o.responsibility_and_autonomy, max, |k| {
        short(&format!("Autonomy outcome {k}"))
    });
}

fn lists(a: &mut Award) {
    let countries: Vec<&str> = COUNTRIES.iter().map(|(c, _)| *c).collect();
    let isced: Vec<&str> = ISCED_F.iter().map(|(c, _)| *c).collect();
    let languages: Vec<&str> = LANGUAGES.iter().map(|(t, _, _)| *t).collect();
    let kind = a.kind;
    let awarding = a.awarding_university.clone();

    let l = &mut a.learner;
    grow_codes(&mut l.nationality, MAX_LIST_ITEMS, &countries);
    l.place_of_birth.get_or_insert_with(|| PlaceOfBirth {
        name: LanguageMap::from([("en", "Kraków"), ("pl", "Kraków")]),
        country: "POL".into(),
    });
    l.student_id.get_or_insert_with(|| "1".into());
    l.study_level.get_or_insert_with(|| short("MSc student"));

    let o = &mut a.learning_opportunity;
    o.description.get_or_insert_with(|| short("Description"));
    grow_codes(&mut o.isced_f, MAX_LIST_ITEMS, &isced);
    grow_outcomes(&mut o.learning_outcomes);
    grow_codes(&mut o.languages, MAX_LIST_ITEMS, &languages);
    o.prerequisites
        .get_or_insert_with(|| short("Prerequisites"));
    if let Some(s) = &mut o.assessment {
        let have = s.types.len();
        grow(&mut s.types, MAX_LIST_ITEMS, |k| {
            let at = (have + k) % ASSESSMENT_TYPES.len();
            ASSESSMENT_TYPES
                .get(at)
                .copied()
                .unwrap_or(AssessmentType::ContinuousEvaluation)
        });
        s.description.get_or_insert_with(|| short("Assessment"));
        s.grading_scheme.get_or_insert_with(|| GradingScheme {
            title: short("Grading scheme"),
            description: short("Grades"),
        });
    }
    grow(&mut o.instructors, MAX_INSTRUCTORS, |k| Instructor {
        name: format!("Dr. Zofia Nowak {k}"),
        affiliation: Some(format!("Ośrodek {k}")),
    });
    o.quality_assurance
        .get_or_insert_with(|| short("Quality assurance"));
    if o.stackability.is_none() && o.opportunity_type != OpportunityType::Programme {
        o.stackability = Some(Stackability {
            component: ComponentStatus::Elective,
            programme: short("Programme"),
            programme_id: Some("https://enhance.example/programme/1".into()),
            coordinated_by: awarding.clone(),
            leads_to: short("Programme certificate"),
            statement: Some(short("Statement")),
        });
    }
    let f = o
        .further_information
        .get_or_insert_with(FurtherInformation::default);
    f.text.get_or_insert_with(|| short("Further information"));
    grow(&mut f.partnerships, MAX_LIST_ITEMS, |k| {
        short(&format!("Partner {k}"))
    });
    grow(&mut f.endorsements, MAX_LIST_ITEMS, |k| {
        short(&format!("Endorsement {k}"))
    });
    f.target_group.get_or_insert_with(|| short("Students"));
    f.homepage
        .get_or_insert_with(|| "https://enhance.example/".into());
    if let Some(w) = &mut o.workload {
        w.sum_override_reason.get_or_insert_with(|| "Reason".into());
    }

    // Programme units: elective copies of the first unit, each with a result.
    if kind == CredentialKind::ProgrammeMicroCredential {
        if let Some(template) = o.units.first().cloned() {
            let period = a.achievement.period;
            let have = o.units.len();
            grow(&mut o.units, MAX_UNITS, |k| {
                let mut u = template.clone();
                u.id = format!("urn:enhance:unit:{}", have + k);
                u.title = short(&format!("Unit {}", have + k));
                u.description = None;
                u.component = ComponentStatus::Elective;
                u.learning_outcomes = LearningOutcomes {
                    knowledge: vec![short("Outcome")],
                    ..LearningOutcomes::default()
                };
                u.languages = vec!["en".into()];
                u.isced_f.clear();
                u.instructors.clear();
                u.prerequisites = None;
                u.further_information = None;
                u.assessment.description = None;
                u.assessment.grading_scheme = None;
                u
            });
            let results: Vec<UnitResult> = o
                .units
                .get(have..)
                .unwrap_or_default()
                .iter()
                .map(|u| UnitResult {
                    unit_id: u.id.clone(),
                    period,
                    in_presence_period: None,
                    online_period: None,
                    grade: Some("1".into()),
                })
                .collect();
            let r = &mut a.achievement.units;
            for x in results {
                if r.len() < MAX_UNITS {
                    r.push(x);
                }
            }
        }
    }
    let assessed = a.learning_opportunity.assessment.is_some();
    if kind != CredentialKind::CertificateOfParticipation && assessed {
        a.achievement.grade.get_or_insert_with(|| "1".into());
    }
}

struct Filler {
    budget: usize,
    seed: usize,
}

impl Filler {
    /// The length `current` can grow to: its class's maximum, within the remaining total.
    fn target(&self, current: usize, class: TextClass) -> usize {
        class.max_chars().min(current + self.budget)
    }

    fn string(&mut self, s: &mut String, class: TextClass) {
        let current = s.chars().count();
        let target = self.target(current, class);
        if target > current {
            self.seed += 7;
            *s = generated(class, target, self.seed);
            self.budget -= target - current;
        }
    }

    fn opt(&mut self, s: &mut Option<String>, class: TextClass) {
        if let Some(s) = s {
            self.string(s, class);
        }
    }

    fn map(&mut self, m: &mut LanguageMap, class: TextClass) {
        let languages: Vec<String> = m.languages().map(str::to_owned).collect();
        for lang in languages {
            // Every value of the language counts; the filled one replaces them all.
            let current: usize = m
                .iter()
                .filter(|(l, _)| *l == lang)
                .map(|(_, v)| v.chars().count())
                .sum();
            let target = self.target(current, class);
            if target > current {
                self.seed += 7;
                m.insert(&lang, generated(class, target, self.seed));
                self.budget -= target - current;
            }
        }
    }

    fn opt_map(&mut self, m: &mut Option<LanguageMap>, class: TextClass) {
        if let Some(m) = m {
            self.map(m, class);
        }
    }

    fn maps(&mut self, list: &mut [LanguageMap], class: TextClass) {
        for m in list {
            self.map(m, class);
        }
    }

    fn outcomes(&mut self, o: &mut LearningOutcomes) {
        self.maps(&mut o.knowledge, TextClass::Text);
        self.maps(&mut o.skills, TextClass::Text);
        self.maps(&mut o.responsibility_and_autonomy, TextClass::Text);
    }
}

fn texts(a: &mut Award, f: &mut Filler) {
    use TextClass::*;
    // What the certificate page shows first.
    f.string(&mut a.learner.given_names, Name);
    f.string(&mut a.learner.family_names, Name);
    let o = &mut a.learning_opportunity;
    f.map(&mut o.title, Title);
    for u in &mut o.units {
        f.map(&mut u.title, Title);
    }
    f.opt(&mut a.achievement.grade, Identifier);
    f.opt_map(&mut a.learner.study_level, Title);
    if let Some(p) = &mut a.learner.place_of_birth {
        f.map(&mut p.name, Title);
    }
    for i in &mut o.instructors {
        f.string(&mut i.name, Name);
        f.opt(&mut i.affiliation, Title);
    }
    // The certificate supplement.
    f.opt_map(&mut o.description, Text);
    f.outcomes(&mut o.learning_outcomes);
    f.opt_map(&mut o.prerequisites, Text);
    if let Some(s) = &mut o.assessment {
        f.opt_map(&mut s.description, Text);
        if let Some(g) = &mut s.grading_scheme {
            f.map(&mut g.title, Title);
            f.map(&mut g.description, Text);
        }
    }
    f.opt_map(&mut o.quality_assurance, Text);
    if let Some(s) = &mut o.stackability {
        f.map(&mut s.programme, Title);
        f.map(&mut s.leads_to, Title);
        f.opt_map(&mut s.statement, Text);
    }
    if let Some(x) = &mut o.further_information {
        f.opt_map(&mut x.text, Text);
        f.maps(&mut x.partnerships, Text);
        f.maps(&mut x.endorsements, Text);
        f.opt_map(&mut x.target_group, Text);
    }
    if let Some(w) = &mut o.workload {
        f.opt(&mut w.sum_override_reason, Text);
    }
    for u in &mut o.units {
        f.opt_map(&mut u.description, Text);
        f.outcomes(&mut u.learning_outcomes);
        f.opt_map(&mut u.prerequisites, Text);
        for i in &mut u.instructors {
            f.string(&mut i.name, Name);
        }
    }
    for r in &mut a.achievement.units {
        f.opt(&mut r.grade, Identifier);
    }
    // Identifiers.
    f.opt(&mut a.learner.student_id, Identifier);
    if let Some(x) = &mut o.further_information {
        if let Some(h) = &mut x.homepage {
            grow_uri(h, f);
        }
    }
    if let Some(s) = &mut o.stackability {
        if let Some(id) = &mut s.programme_id {
            grow_uri(id, f);
        }
    }
    grow_uri(&mut o.id, f);
}

/// A URI grown by a path segment (it stays an absolute URI, and distinct from the others).
fn grow_uri(uri: &mut String, f: &mut Filler) {
    let current = uri.chars().count();
    let target = f.target(current, TextClass::Identifier);
    if target > current {
        let sep = if uri.ends_with('/') { "" } else { "/" };
        f.seed += 7;
        let extra = target - current;
        let tail = generated(
            TextClass::Identifier,
            extra.saturating_sub(sep.len()),
            f.seed,
        );
        uri.push_str(if extra > 0 { sep } else { "" });
        uri.push_str(&tail);
        f.budget -= uri.chars().count() - current;
    }
}
