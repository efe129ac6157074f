//! What a rendered document shows, read from a [`CredentialView`] in one language: the
//! certificate page and the certificate supplement of the ENHANCE framework (MS18) **Annex 3**
//! ("Templates for ENHANCE credentials"), for the four kinds (micro-credential of academic or
//! professional achievement, programme micro-credential with one section per learning unit,
//! certificate of completion, certificate of participation).
//!
//! Everything comes from the ELM v3.2 claims tree, so the EU's own samples render too:
//! - the heading: `displayParameter.title`, else the main claim's title;
//! - the awarding statement ("«university» on behalf of / member of the ENHANCE Alliance"): the
//!   `awardedBy.description` ENHANCE credentials carry, else the awarding body's legal name;
//! - Annex 3 sections without an ELM property of their own: `additionalNote`s whose `subject` is a
//!   concept `urn:enhance:concept:certificate-section:<name>` (see `elm_model::build`);
//! - learning outcomes grouped by the `urn:enhance:concept:learning-outcome-category:<name>` note
//!   of each outcome (knowledge / skills / responsibility and autonomy), others under "other";
//! - form of participation, period and assessment from `influencedBy` / `provenBy` claims.
//!
//! Texts pick the requested language, else English, else any (`LanguageMap::best`).

use chrono::{DateTime, Datelike as _, FixedOffset, NaiveDate};
use elm_model::view::{Claim, ClaimKind, CredentialView, Note, Organisation, Specification};
use serde_json::Value;

use crate::labels::Labels;

const SECTION: &str = "urn:enhance:concept:certificate-section:";
const OUTCOME_CATEGORY: &str = "urn:enhance:concept:learning-outcome-category:";

/// The kind of certificate, which decides the wording of the certificate page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Micro-credential (academic or professional achievement): "on behalf of the ENHANCE Alliance",
    /// "has completed".
    MicroCredential,
    /// Certificate of completion: "member of the ENHANCE Alliance", "has completed".
    Completion,
    /// Certificate of participation: "has participated in ... taking place on/from ... to ...".
    Participation,
}

/// Learning-outcome categories (EQF descriptors), in the order Annex 3 lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeCategory {
    /// Knowledge.
    Knowledge,
    /// Skills.
    Skills,
    /// Responsibility and autonomy.
    ResponsibilityAndAutonomy,
    /// Uncategorised outcomes (e.g. the EU samples).
    Other,
}

impl OutcomeCategory {
    /// All categories in display order.
    pub const ALL: [OutcomeCategory; 4] = [
        Self::Knowledge,
        Self::Skills,
        Self::ResponsibilityAndAutonomy,
        Self::Other,
    ];
}

/// A label/value row of a supplement table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The field name (label language).
    pub label: String,
    /// The value (credential language).
    pub value: String,
}

/// One titled block of the supplement (a table, a list of outcomes, or paragraphs).
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A two-column table of fields.
    Table(Vec<Row>),
    /// Learning outcomes by category (label, outcomes).
    Outcomes(Vec<(String, Vec<String>)>),
    /// Paragraphs of text.
    Text(Vec<String>),
    /// A bulleted list.
    List(Vec<String>),
    /// An introductory sentence and a numbered list.
    Numbered(String, Vec<String>),
}

/// A section of the supplement: heading + block.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The heading.
    pub heading: String,
    /// What it shows.
    pub block: Block,
}

/// A rendered part of the supplement: the credential itself, or one learning unit of a programme.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// Heading of the part ("Certificate supplement", "Learning unit 1: …").
    pub heading: String,
    /// Its sections.
    pub sections: Vec<Section>,
}

/// The certificate page (Annex 3, first page of each template).
#[derive(Debug, Clone, PartialEq)]
pub struct CertificatePage {
    /// "CERTIFICATE OF ACADEMIC ACHIEVEMENT" etc.
    pub heading: String,
    /// "«university» on behalf of the ENHANCE Alliance".
    pub awarding_statement: String,
    /// "certifies that".
    pub certifies: String,
    /// The learner's full name.
    pub learner: String,
    /// "born on «date»", when the credential carries the date of birth.
    pub born_on: Option<(String, String)>,
    /// "has completed" / "has participated in".
    pub completed: String,
    /// The learning opportunity.
    pub opportunity: String,
    /// "taking place on «date»" / "from «start» to «end»" (participation).
    pub taking_place: Option<String>,
    /// "jointly developed and implemented by «universities»".
    pub jointly: Option<String>,
    /// Issuer (signer) line.
    pub signer: String,
    /// "«place», «date»".
    pub place_and_date: String,
    /// Name of the university for the logo placeholder.
    pub university: String,
}

/// Everything a document shows.
#[derive(Debug, Clone)]
pub struct Document {
    /// The kind of certificate.
    pub kind: Kind,
    /// BCP 47 tag of the label language (`<html lang>`).
    pub language: String,
    /// The label set.
    pub labels: &'static Labels,
    /// The certificate page.
    pub page: CertificatePage,
    /// The supplement: the credential, then one part per learning unit.
    pub supplement: Vec<Part>,
    /// The verification URL (QR code).
    pub verification_url: String,
    /// Title of the credential (document title).
    pub title: String,
}

fn notes_json(extra: &serde_json::Map<String, Value>) -> Vec<&Value> {
    match extra.get("additionalNote") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    }
}

fn subject_ids(note: &Note) -> impl Iterator<Item = &str> {
    note.subject.iter().filter_map(|c| c.id())
}

fn section_note<'a>(notes: &'a [Note], name: &str, lang: &str) -> Option<&'a str> {
    let id = format!("{SECTION}{name}");
    notes
        .iter()
        .find(|n| subject_ids(n).any(|s| s == id))
        .and_then(|n| n.text(lang))
}

fn is_section_note(note: &Note) -> bool {
    subject_ids(note).any(|s| s.starts_with(SECTION))
}

/// A location's `geographicName` (ELM `Location.geographicName`, a language map) in `lang`.
fn geographic_name(l: &elm_model::view::Location, lang: &str) -> Option<String> {
    match l.extra.get("geographicName")? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o
            .get(lang)
            .or_else(|| o.get("en"))
            .or_else(|| o.values().next())
            .and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Array(a) => a.first().and_then(Value::as_str).map(str::to_owned),
                _ => None,
            }),
        _ => None,
    }
}

fn format_date(d: NaiveDate, labels: &Labels) -> String {
    let month = labels.months.get(d.month0() as usize);
    match month {
        Some(m) => (labels.date_format)(d.format("%-d").to_string(), m, d.format("%Y").to_string()),
        None => d.format("%Y-%m-%d").to_string(),
    }
}

fn date_of(dt: DateTime<FixedOffset>) -> NaiveDate {
    dt.date_naive()
}

/// Claims below `claim` (`influencedBy`) that are activities.
fn activities(claim: &Claim) -> impl Iterator<Item = &Claim> {
    std::iter::once(claim)
        .filter(|c| c.kind() == ClaimKind::Activity)
        .chain(claim.influenced_by.iter())
}

fn period_text(claim: &Claim, labels: &Labels) -> Option<String> {
    let p = activities(claim).find_map(Claim::period)?;
    let (s, e) = (p.start().map(date_of), p.end().map(date_of));
    match (s, e) {
        (Some(s), Some(e)) if s == e => Some(format!("{} {}", labels.on, format_date(s, labels))),
        (Some(s), Some(e)) => Some(format!(
            "{} {} {} {}",
            labels.from,
            format_date(s, labels),
            labels.to,
            format_date(e, labels)
        )),
        (Some(s), None) => Some(format!("{} {}", labels.from, format_date(s, labels))),
        (None, Some(e)) => Some(format!("{} {}", labels.on, format_date(e, labels))),
        (None, None) => None,
    }
}

fn org_name(o: &Organisation, lang: &str) -> Option<String> {
    o.legal_name(lang)
        .map(str::to_owned)
        .or_else(|| o.id().map(str::to_owned))
}

fn workload_text(claim: &Claim, notes: &[Note], labels: &Labels, lang: &str) -> Option<String> {
    let spec_notes: Vec<Note> = claim
        .specification()
        .map(|s| s.additional_note.to_vec())
        .unwrap_or_default();
    if let Some(w) = section_note(notes, "workload", lang)
        .or_else(|| section_note(&spec_notes, "workload", lang))
    {
        // The ENHANCE note reads "Workload: 5 ECTS, 125 h"; drop the label, the table has it.
        let w = w.split_once(": ").map(|(_, v)| v).unwrap_or(w);
        return Some(w.to_owned());
    }
    if let Some(ects) = claim.credits(elm_model::view::ECTS) {
        return Some(format!("{ects} ECTS"));
    }
    claim
        .specification()
        .and_then(|s| s.volume_of_learning.as_ref())
        .and_then(|v| v.text())
        .map(|d| duration_text(&d, labels))
}

/// An `xsd:duration` for people: `PT125H` → `125 h`, `P2M` → `2 months` (units in the label
/// language); anything it does not understand as written.
fn duration_text(d: &str, labels: &Labels) -> String {
    let Some(rest) = d.strip_prefix('P') else {
        return d.to_owned();
    };
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    let mut parts = Vec::new();
    let mut push_units = |s: &str, units: &[(char, &str)]| -> bool {
        let mut num = String::new();
        for c in s.chars() {
            if c.is_ascii_digit() || c == '.' {
                num.push(c);
            } else if let Some((_, name)) = units.iter().find(|(u, _)| *u == c) {
                if num.is_empty() {
                    return false;
                }
                parts.push(format!("{} {name}", std::mem::take(&mut num)));
            } else {
                return false;
            }
        }
        num.is_empty()
    };
    let [y, mo, w, dd] = labels.duration_units;
    let ok = push_units(date, &[('Y', y), ('M', mo), ('W', w), ('D', dd)])
        && push_units(time, &[('H', "h"), ('M', "min"), ('S', "s")]);
    if ok && !parts.is_empty() {
        parts.join(" ")
    } else {
        d.to_owned()
    }
}

fn all_notes(claim: &Claim) -> Vec<Note> {
    let mut v: Vec<Note> = claim.additional_note.to_vec();
    if let Some(s) = claim.specification() {
        v.extend(s.additional_note.iter().cloned());
    }
    v
}

fn outcomes(
    spec: Option<&Specification>,
    labels: &Labels,
    lang: &str,
) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(OutcomeCategory, Vec<String>)> = OutcomeCategory::ALL
        .iter()
        .map(|c| (*c, Vec::new()))
        .collect();
    for o in spec.map(|s| s.learning_outcome.as_slice()).unwrap_or(&[]) {
        let Some(title) = o.title(lang) else { continue };
        let cat = notes_json(&o.extra)
            .into_iter()
            .filter_map(|n| n.get("subject"))
            .flat_map(|s| match s {
                Value::Array(a) => a.iter().collect::<Vec<_>>(),
                other => vec![other],
            })
            .filter_map(|s| s.get("id").and_then(Value::as_str))
            .find_map(|id| id.strip_prefix(OUTCOME_CATEGORY))
            .map(|c| match c {
                "knowledge" => OutcomeCategory::Knowledge,
                "skills" => OutcomeCategory::Skills,
                "responsibility-and-autonomy" => OutcomeCategory::ResponsibilityAndAutonomy,
                _ => OutcomeCategory::Other,
            })
            .unwrap_or(OutcomeCategory::Other);
        if let Some(g) = groups.iter_mut().find(|(c, _)| *c == cat) {
            g.1.push(title.to_owned());
        }
    }
    // Outcome summaries (EU samples often only carry those).
    if let Some(s) = spec {
        for n in s.learning_outcome_summary.iter() {
            if let (Some(t), Some(g)) = (
                n.text(lang),
                groups
                    .iter_mut()
                    .find(|(c, _)| *c == OutcomeCategory::Other),
            ) {
                g.1.push(t.to_owned());
            }
        }
    }
    let groups: Vec<(OutcomeCategory, Vec<String>)> =
        groups.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    let only_other = matches!(groups.as_slice(), [(OutcomeCategory::Other, _)]);
    groups
        .into_iter()
        // Uncategorised outcomes alone need no sub-heading under "Learning outcomes".
        .map(|(c, v)| {
            (
                if only_other {
                    String::new()
                } else {
                    labels.category(c).to_owned()
                },
                v,
            )
        })
        .collect()
}

fn concept_labels<'a>(
    concepts: impl Iterator<Item = &'a elm_model::view::Concept>,
    lang: &str,
) -> Vec<String> {
    concepts
        .filter_map(|c| {
            c.label(lang)
                .map(str::to_owned)
                .or_else(|| c.code().map(str::to_owned))
        })
        .collect()
}

fn push(rows: &mut Vec<Row>, label: &str, value: Option<String>) {
    if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
        rows.push(Row {
            label: label.to_owned(),
            value: v,
        });
    }
}

fn text_section(sections: &mut Vec<Section>, heading: &str, text: Option<&str>) {
    if let Some(t) = text.filter(|t| !t.trim().is_empty()) {
        let paras = t
            .split('\n')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        sections.push(Section {
            heading: heading.to_owned(),
            block: Block::Text(paras),
        });
    }
}

/// Sections shared by the credential and each unit: outcomes, language, form of participation,
/// instructors, assessment, grade.
fn claim_sections(
    claim: &Claim,
    notes: &[Note],
    labels: &Labels,
    lang: &str,
    sections: &mut Vec<Section>,
) {
    let spec = claim.specification();
    let outcome_groups = outcomes(spec, labels, lang);
    if !outcome_groups.is_empty() {
        sections.push(Section {
            heading: labels.learning_outcomes.to_owned(),
            block: Block::Outcomes(outcome_groups),
        });
    }

    let mut form = Vec::new();
    let languages = spec
        .map(|s| concept_labels(s.language.iter(), lang))
        .unwrap_or_default();
    push(
        &mut form,
        labels.languages,
        (!languages.is_empty()).then(|| languages.join(", ")),
    );
    let act_spec = activities(claim).find_map(Claim::specification);
    let modes: Vec<String> = [spec, act_spec]
        .into_iter()
        .flatten()
        .flat_map(|s| concept_labels(s.mode.iter(), lang))
        .fold(Vec::new(), |mut acc, m| {
            if !acc.contains(&m) {
                acc.push(m);
            }
            acc
        });
    let activity_notes: Vec<Note> = activities(claim).flat_map(all_notes).collect();
    let form_note = section_note(notes, "form-of-participation", lang)
        .or_else(|| section_note(&activity_notes, "form-of-participation", lang));
    if form_note.is_none() {
        push(
            &mut form,
            labels.mode,
            (!modes.is_empty()).then(|| modes.join(", ")),
        );
    }
    if form_note.is_none() {
        push(&mut form, labels.duration, period_text(claim, labels));
    }
    if form_note.is_none() {
        let hours = activities(claim)
            .find_map(|a| a.workload.as_ref().and_then(|w| w.text()))
            .map(|d| duration_text(&d, labels));
        push(&mut form, labels.contact_hours, hours);
    }
    match form_note {
        Some(note) => {
            // The ENHANCE note already says mode, duration and contact hours: show the table rows
            // (languages, period) followed by the note's lines.
            let items = form
                .iter()
                .map(|r| format!("{}: {}", r.label, r.value))
                .chain(
                    note.split('\n')
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned),
                )
                .collect();
            sections.push(Section {
                heading: labels.form_of_participation.to_owned(),
                block: Block::List(items),
            });
        }
        None if !form.is_empty() => {
            sections.push(Section {
                heading: labels.form_of_participation.to_owned(),
                block: Block::Table(form),
            });
        }
        None => {}
    }

    let instructors = section_note(notes, "instructors", lang)
        .or_else(|| section_note(&activity_notes, "instructors", lang));
    text_section(sections, labels.instructors, instructors);

    let mut assessment = Vec::new();
    for a in claim.proven_by.iter() {
        if let Some(s) = a.specification() {
            let kinds = concept_labels(s.dc_type.iter(), lang);
            // The assessment's own title, unless it only repeats the learning opportunity's.
            let title = s
                .title(lang)
                .filter(|t| Some(*t) != claim.title(lang))
                .map(str::to_owned);
            let desc = s
                .description
                .as_ref()
                .and_then(|d| d.best(lang))
                .map(str::to_owned);
            let line = [title, (!kinds.is_empty()).then(|| kinds.join(", ")), desc]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" – ");
            if !line.is_empty() {
                assessment.push(line);
            }
        }
        for n in a.additional_note.iter().filter(|n| !is_section_note(n)) {
            if let Some(t) = n.text(lang) {
                assessment.push(t.to_owned());
            }
        }
        let ids = concept_labels(a.id_verification.iter(), lang);
        if !ids.is_empty() {
            assessment.push(format!("{}: {}", labels.id_verification, ids.join(", ")));
        }
    }
    if !assessment.is_empty() {
        sections.push(Section {
            heading: labels.assessment.to_owned(),
            block: Block::List(assessment),
        });
    }
}

impl Document {
    /// The characters of every text the document shows (certificate page, supplement, title and
    /// verification URL): what the glyph budget is checked against before any layout.
    pub fn text_chars(&self) -> usize {
        let n = |s: &str| s.chars().count();
        let p = &self.page;
        let mut total = [
            &p.heading,
            &p.awarding_statement,
            &p.certifies,
            &p.learner,
            &p.completed,
            &p.opportunity,
            &p.signer,
            &p.place_and_date,
            &p.university,
            &self.title,
            &self.verification_url,
        ]
        .iter()
        .map(|s| n(s))
        .sum::<usize>();
        total += p.born_on.as_ref().map_or(0, |(a, b)| n(a) + n(b));
        total += p.taking_place.as_deref().map_or(0, n) + p.jointly.as_deref().map_or(0, n);
        for part in &self.supplement {
            total += n(&part.heading);
            for s in &part.sections {
                total += n(&s.heading);
                total += match &s.block {
                    Block::Table(rows) => rows.iter().map(|r| n(&r.label) + n(&r.value)).sum(),
                    Block::Outcomes(groups) => groups
                        .iter()
                        .map(|(c, items)| n(c) + items.iter().map(|i| n(i)).sum::<usize>())
                        .sum(),
                    Block::Text(items) | Block::List(items) => items.iter().map(|i| n(i)).sum(),
                    Block::Numbered(intro, items) => {
                        n(intro) + items.iter().map(|i| n(i)).sum::<usize>()
                    }
                };
            }
        }
        total
    }

    /// Reads what to show from the view in `lang` (labels in `lang` when available, else English).
    pub fn from_view(view: &CredentialView, lang: &str, verification_url: &str) -> Document {
        let labels = crate::labels::labels(lang);
        let lang = content_language(lang, labels);
        let lang = lang.as_str();
        let main = view.main_claim();
        let notes: Vec<Note> = main.map(all_notes).unwrap_or_default();
        let kind = kind_of(main, &notes);

        let body = main
            .and_then(|c| c.awarding_bodies().next())
            .or_else(|| view.issuer());
        let university = body.and_then(|b| org_name(b, lang)).unwrap_or_default();
        let statement = main
            .and_then(|c| c.awarded_by.first())
            .and_then(|p| p.description.as_ref())
            .and_then(|d| d.best(lang))
            .map(str::to_owned)
            .or_else(|| section_note(&notes, "awarding-body", lang).map(str::to_owned))
            .unwrap_or_else(|| university.clone());
        let opportunity = main
            .and_then(|c| c.title(lang))
            .map(str::to_owned)
            .unwrap_or_default();
        let title = view
            .title(lang)
            .map(str::to_owned)
            .unwrap_or_else(|| opportunity.clone());
        let heading = title.clone();
        let learner = view
            .learner()
            .and_then(|p| p.full_name(lang))
            .unwrap_or_default();
        let dob = view.learner_date_of_birth().map(|d| format_date(d, labels));
        let issued = view.issued_at().map(date_of).or_else(|| {
            main.and_then(|c| c.awarded_by.first())
                .and_then(|p| p.awarding_date.as_ref())
                .and_then(|d| d.date())
        });
        let place_and_date = place_and_date(body, issued, labels, lang);
        let jointly = section_note(&notes, "jointly-developed-by", lang).map(str::to_owned);
        let taking_place = (kind == Kind::Participation)
            .then(|| main.and_then(|c| period_text(c, labels)))
            .flatten()
            .map(|p| format!("{} {p}", labels.taking_place));

        let page = CertificatePage {
            heading,
            awarding_statement: statement.clone(),
            certifies: labels.certifies.to_owned(),
            learner: learner.clone(),
            born_on: dob.clone().map(|d| (labels.born_on.to_owned(), d)),
            completed: if kind == Kind::Participation {
                labels.participated
            } else {
                labels.completed
            }
            .to_owned(),
            opportunity: opportunity.clone(),
            taking_place,
            jointly,
            signer: format!("{} – {}", university, labels.signer_role),
            place_and_date,
            university: university.clone(),
        };

        let mut supplement = Vec::new();
        let mut sections = Vec::new();
        sections.push(learner_section(view, &notes, labels, lang, learner, dob));

        // Credential.
        let mut cred = Vec::new();
        push(&mut cred, labels.credential_title, Some(title.clone()));
        push(&mut cred, labels.opportunity, Some(opportunity.clone()));
        push(&mut cred, labels.awarding_body, Some(statement));
        push(
            &mut cred,
            labels.date_of_issuing,
            issued.map(|d| format_date(d, labels)),
        );
        push(
            &mut cred,
            labels.workload,
            main.and_then(|c| workload_text(c, &notes, labels, lang)),
        );
        push(
            &mut cred,
            labels.eqf_level,
            view.eqf_level().map(|n| n.to_string()),
        );
        if kind == Kind::Participation {
            push(
                &mut cred,
                labels.duration,
                main.and_then(|c| period_text(c, labels)),
            );
        }
        sections.push(Section {
            heading: labels.credential.to_owned(),
            block: Block::Table(cred),
        });

        if let Some(c) = main {
            claim_sections(c, &notes, labels, lang, &mut sections);
        }

        let units: Vec<&Claim> = view.units().iter().collect();
        sections.extend(units_section(&units, labels, lang));

        text_section(
            &mut sections,
            labels.quality_assurance,
            section_note(&notes, "quality-assurance", lang),
        );
        sections.extend(main.and_then(|c| grade_section(c, labels, lang)));
        text_section(
            &mut sections,
            labels.stackability,
            section_note(&notes, "stackability", lang),
        );
        further_section(main, &notes, labels, lang, &mut sections);
        supplement.push(Part {
            heading: labels.supplement.to_owned(),
            sections,
        });

        for (i, u) in units.iter().enumerate() {
            supplement.push(unit_part(i, u, labels, lang));
        }

        Document {
            kind,
            language: labels.code.to_owned(),
            labels,
            page,
            supplement,
            verification_url: verification_url.to_owned(),
            title,
        }
    }
}

/// The language of the credential's texts to show: the requested language's primary subtag
/// (e.g. `it` even though labels then fall back to English), else the labels' language; texts
/// missing in it fall back to English, else any.
fn content_language(requested: &str, labels: &Labels) -> String {
    let primary = requested
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if primary.is_empty() {
        labels.code.to_owned()
    } else {
        primary
    }
}

/// The kind of certificate (ENHANCE Framework MS18 Annex 3): participation for an activity,
/// else completion when the awarding statement names the university as a member of the
/// alliance, else a micro-credential.
fn kind_of(main: Option<&Claim>, notes: &[Note]) -> Kind {
    if let Some(ClaimKind::Activity) = main.map(Claim::kind) {
        return Kind::Participation;
    }
    let statement_en = main
        .and_then(|c| c.awarded_by.first())
        .and_then(|p| p.description.as_ref())
        .and_then(|d| d.best("en"))
        .unwrap_or("");
    let behalf = section_note(notes, "awarding-body", "en").unwrap_or(statement_en);
    if behalf.contains("member of") {
        Kind::Completion
    } else {
        Kind::MicroCredential
    }
}

/// "Place, date" under the signature: the awarding body's location (or country) and the date of
/// issuing.
fn place_and_date(
    body: Option<&Organisation>,
    issued: Option<NaiveDate>,
    labels: &Labels,
    lang: &str,
) -> String {
    let place = body
        .and_then(|b| b.location.iter().find_map(|l| geographic_name(l, lang)))
        .or_else(|| {
            body.and_then(|b| b.country())
                .and_then(|c| c.label(lang))
                .map(str::to_owned)
        });
    [place, issued.map(|d| format_date(d, labels))]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
}

/// The supplement's learner section: name, date and place of birth, home university.
fn learner_section(
    view: &CredentialView,
    notes: &[Note],
    labels: &Labels,
    lang: &str,
    learner: String,
    dob: Option<String>,
) -> Section {
    let mut learner_rows = Vec::new();
    push(&mut learner_rows, labels.name, Some(learner));
    push(&mut learner_rows, labels.date_of_birth, dob);
    let pob = view
        .learner()
        .and_then(|p| p.place_of_birth.first())
        .and_then(|l| {
            geographic_name(l, lang).or_else(|| {
                l.description
                    .as_ref()
                    .and_then(|d| d.best(lang).map(str::to_owned))
                    .or_else(|| {
                        l.address
                            .first()
                            .and_then(|a| a.full_address.first())
                            .and_then(|n| n.text(lang))
                            .map(str::to_owned)
                    })
            })
        });
    push(&mut learner_rows, labels.place_of_birth, pob);
    push(
        &mut learner_rows,
        labels.student_of,
        section_note(notes, "home-university", lang).map(str::to_owned),
    );
    Section {
        heading: labels.learner.to_owned(),
        block: Block::Table(learner_rows),
    }
}

/// The numbered list of learning units (title – university), if the credential has units.
fn units_section(units: &[&Claim], labels: &Labels, lang: &str) -> Option<Section> {
    if units.is_empty() {
        return None;
    }
    let items: Vec<String> = units
        .iter()
        .map(|u| {
            let name = u.title(lang).unwrap_or("");
            let uni = u.awarding_bodies().next().and_then(|b| org_name(b, lang));
            match uni {
                Some(uni) => format!("{name} – {uni}"),
                None => name.to_owned(),
            }
        })
        .collect();
    Some(Section {
        heading: labels.learning_units.to_owned(),
        block: Block::Numbered(labels.units_intro.to_owned(), items),
    })
}

/// The grade of a claim (its own, else its assessment's), as a one-row table.
fn grade_section(c: &Claim, labels: &Labels, lang: &str) -> Option<Section> {
    let g = c
        .grade(lang)
        .or_else(|| c.proven_by.iter().find_map(|a| a.grade(lang)))?;
    Some(Section {
        heading: labels.grade.to_owned(),
        block: Block::Table(vec![Row {
            label: labels.grade.to_owned(),
            value: g.to_owned(),
        }]),
    })
}

/// "Further information": the section note, the claim's other notes and its ISCED-F codes.
fn further_section(
    main: Option<&Claim>,
    notes: &[Note],
    labels: &Labels,
    lang: &str,
    sections: &mut Vec<Section>,
) {
    let mut further: Vec<String> = section_note(notes, "further-information", lang)
        .map(|t| vec![t.to_owned()])
        .unwrap_or_default();
    // Other (non-section) notes of the main claim, e.g. in the EU samples.
    further.extend(
        notes
            .iter()
            .filter(|n| !is_section_note(n))
            .filter_map(|n| n.text(lang))
            .map(str::to_owned),
    );
    if let Some(isced) = main
        .and_then(Claim::specification)
        .map(|s| s.isced_f_codes())
        .filter(|c| !c.is_empty())
    {
        further.push(format!("ISCED-F: {}", isced.join(", ")));
    }
    if !further.is_empty() {
        text_section(
            sections,
            labels.further_information,
            Some(&further.join("\n")),
        );
    }
}

/// The supplement part of learning unit `i` (0-based): its table, sections, grade and further
/// information.
fn unit_part(i: usize, u: &Claim, labels: &Labels, lang: &str) -> Part {
    let unotes = all_notes(u);
    let mut s = Vec::new();
    let mut rows = Vec::new();
    push(
        &mut rows,
        labels.credential_title,
        u.title(lang).map(str::to_owned),
    );
    let uni = u
        .awarded_by
        .first()
        .and_then(|p| p.description.as_ref())
        .and_then(|d| d.best(lang))
        .map(str::to_owned)
        .or_else(|| u.awarding_bodies().next().and_then(|b| org_name(b, lang)));
    push(&mut rows, labels.university, uni);
    push(
        &mut rows,
        labels.workload,
        workload_text(u, &unotes, labels, lang),
    );
    push(
        &mut rows,
        labels.eqf_level,
        u.specification()
            .and_then(Specification::eqf_level_number)
            .map(|n| n.to_string()),
    );
    push(
        &mut rows,
        labels.component,
        section_note(&unotes, "stackability", lang).map(str::to_owned),
    );
    s.push(Section {
        heading: labels.unit.to_owned(),
        block: Block::Table(rows),
    });
    claim_sections(u, &unotes, labels, lang, &mut s);
    s.extend(grade_section(u, labels, lang));
    text_section(
        &mut s,
        labels.further_information,
        section_note(&unotes, "further-information", lang),
    );
    Part {
        heading: format!(
            "{} {}: {}",
            labels.unit_heading,
            i + 1,
            u.title(lang).unwrap_or("")
        ),
        sections: s,
    }
}
