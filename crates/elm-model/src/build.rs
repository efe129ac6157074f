//! Award → unsigned European Digital Credential (ELM v3.2 JSON-LD, EDC generic profile).
//!
//! The output follows the EU's official samples (`Sample-MC-Annex1`, `Sample-CertOfPart`,
//! `credential-sample_ELM-3.2`) and conforms to the shapes `EDC-generic-full` + `EDC-generic-no-cv`
//! (checked by `tests/shacl/validate.py`):
//!
//! - `@context` = VC 1.1 + `edc-ap` (ADR 0001); `type` = VerifiableCredential,
//!   EuropeanDigitalCredential; `issuer` = the awarding university as an `Organisation` whose id is
//!   its DID; `issuanceDate` = `issued` = `validFrom` (+ `expirationDate` = `validUntil`).
//! - `credentialSubject` (Person) → `hasClaim`: a `LearningAchievement` (micro-credentials,
//!   completion) or a `LearningActivity` (participation), `awardedBy` an `AwardingProcess` whose
//!   `awardingBody` is the university and whose `description` is the Annex 3 awarding statement.
//! - Achievements are `specifiedBy` a `Qualification` (micro-credentials: carries `eqfLevel`) or a
//!   `LearningAchievementSpecification` (completion, programme units: `educationLevel`), `provenBy`
//!   a `LearningAssessment` (grade, supervision) specified by a `LearningAssessmentSpecification`
//!   (assessment types, grading scheme), `influencedBy` a `LearningActivity` (period, form of
//!   participation) specified by a `LearningActivitySpecification` (mode, contact hours).
//! - Programme units are `hasPart` of the programme achievement and of its specification, each
//!   awarded by the unit's university; unit specifications point back with `isPartOf`.
//! - Annex 3 sections without an ELM property of their own (quality assurance, stackability,
//!   further information, form of participation, instructors, jointly developed by, learning units,
//!   home university) are `additionalNote`s: an ELM `Note` with `noteLiteral` and a `subject`
//!   concept from the ENHANCE scheme `urn:enhance:concept-scheme:certificate-section`
//!   ([`crate::vocab::NoteSubject`]); the Note shape allows exactly one `subject` (dc:subject), so a
//!   reader finds a section by its subject id. `noteFormat` is not used (all notes are plain text).
//!
//! Every node has an id, so the output has no blank nodes. Specification nodes keep the award's
//! stable URIs (derived nodes of a specification get ids derived from the specification's URI, so
//! they are equal across credentials); all other node ids are `urn:uuid:` version-8 UUIDs derived
//! from the credential id with SHA-256 (RFC 9562 §5.8), so building the same award with the same id
//! twice gives identical output. Numbers: only integers are emitted (`page`); credit points are
//! strings, as ELM types `point` (xsd:string).

use base64::Engine as _;
use chrono::NaiveDate;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::award::{
    AssessmentSpec, Award, ComponentStatus, ContactHours, CredentialKind, DisplayImage,
    FurtherInformation, Instructor, LearningOutcomes, LearningUnit, ModeOfLearning,
    OpportunityType, Period, UnitResult, Workload,
};
use crate::lang::LanguageMap;
use crate::text;
use crate::university::{Universities, University};
use crate::validate::{self, Issue};
use crate::vocab::{self, Concept, NoteSubject};

/// VC Data Model 1.1 context.
pub const VC_V1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";
/// ELM 3.2 EDC application-profile context.
pub const EDC_AP_CONTEXT: &str = "http://data.europa.eu/snb/model/context/edc-ap";
/// The SHACL profile the credential declares (`credentialSchema`).
pub const EDC_GENERIC_FULL: &str = "http://data.europa.eu/snb/model/ap/edc-generic-full";
/// Id of the ENHANCE Alliance as an ELM `Group`.
pub const ENHANCE_GROUP_ID: &str = "urn:enhance:group:enhance-alliance";

/// What the caller decides for one build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOptions {
    /// The credential's id, e.g. `urn:uuid:…` (the caller generates it; the build is deterministic in it).
    pub credential_id: String,
    /// Date of issuing; overrides `award.issued` when given.
    pub issued: Option<NaiveDate>,
}

/// A built credential.
#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    /// The unsigned EDC credential.
    pub credential: Value,
    /// Warnings of the validation (the build had no errors).
    pub warnings: Vec<Issue>,
}

/// Why a build failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// The award breaks rules; every finding (errors and warnings) is listed.
    #[error("invalid award: {} error(s)", .0.iter().filter(|i| i.is_error()).count())]
    Invalid(Vec<Issue>),
}

impl BuildError {
    /// The findings.
    pub fn issues(&self) -> &[Issue] {
        match self {
            Self::Invalid(v) => v,
        }
    }
}

/// The findings about `images`, the bytes of the award's `display.images` (one per language,
/// none empty, none over the size limit).
fn image_issues(award: &Award, images: &[DisplayImage]) -> Vec<Issue> {
    let mut issues = Vec::new();
    for (i, r) in award.display.images.iter().enumerate() {
        match images.iter().find(|img| img.language == r.language) {
            None => issues.push(Issue::error(
                format!("display.images[{i}]"),
                "display.image-missing",
                format!("no image bytes supplied for `{}` ({})", r.language, r.file),
            )),
            Some(img) if img.bytes.is_empty() => issues.push(Issue::error(
                format!("display.images[{i}].file"),
                "display.image-empty",
                format!("`{}` is empty", r.file),
            )),
            Some(img) => issues.extend(crate::limits::check_image_size(
                &format!("display.images[{i}].file"),
                img.bytes.len(),
            )),
        }
    }
    issues
}

impl Built {
    /// The credential [`build`] makes with `images`, from this one, built from the same `award`
    /// and options with other bytes for each of its display images (placeholders, so the
    /// certificate page can be rendered from the credential before its image exists): only the
    /// images' `content` and `contentType` change, after the same checks as [`build`]'s.
    /// Building twice cost a cohort learner 0.5 ms (issue #18).
    pub fn with_images(
        mut self,
        award: &Award,
        images: &[DisplayImage],
    ) -> Result<Self, BuildError> {
        let errors = image_issues(award, images);
        if errors.iter().any(Issue::is_error) {
            let mut issues = self.warnings;
            issues.extend(errors);
            return Err(BuildError::Invalid(issues));
        }
        let entries = self
            .credential
            .pointer_mut("/displayParameter/individualDisplay")
            .and_then(Value::as_array_mut)
            .ok_or_else(|| {
                BuildError::Invalid(vec![Issue::error(
                    "display.images",
                    "display.image-missing",
                    "the credential has no individual display to put the images in",
                )])
            })?;
        // `display` lists the award's images in order, those of a known language only.
        let mut entries = entries.iter_mut();
        for r in award
            .display
            .images
            .iter()
            .filter(|r| vocab::language(&r.language).is_some())
        {
            let (Some(img), Some(entry)) = (
                images.iter().find(|i| i.language == r.language),
                entries.next(),
            ) else {
                return Err(BuildError::Invalid(vec![Issue::error(
                    "display.images",
                    "display.image-missing",
                    format!("no individual display for `{}`", r.language),
                )]));
            };
            let Some(Value::Object(media)) = entry.pointer_mut("/displayDetail/0/image") else {
                return Err(BuildError::Invalid(vec![Issue::error(
                    "display.images",
                    "display.image-missing",
                    format!("the individual display of `{}` has no image", r.language),
                )]));
            };
            let (content, content_type) = image_content(img);
            media.insert("content".into(), Value::String(content));
            media.insert("contentType".into(), content_type);
        }
        Ok(self)
    }
}

/// A display image's `content` (base64) and `contentType` (the EU file-type concept).
fn image_content(img: &DisplayImage) -> (String, Value) {
    (
        base64::engine::general_purpose::STANDARD.encode(&img.bytes),
        vocab::file_type(img.media_type).to_json(),
    )
}

/// Validates `award` and maps it to an unsigned EDC credential.
///
/// `universities` must contain every university the award names (with DIDs filled in); `images`
/// holds the bytes of the award's `display.images`, one per language.
pub fn build(
    award: &Award,
    universities: &Universities,
    images: &[DisplayImage],
    options: &BuildOptions,
) -> Result<Built, BuildError> {
    let issued = options.issued.or(award.issued);
    let mut issues = validate::validate(award, universities, issued);
    if !validate::absolute_uri(&options.credential_id) {
        issues.push(Issue::error(
            "",
            "options.credential-id",
            format!(
                "credential id `{}` is not an absolute URI (use urn:uuid:…)",
                options.credential_id
            ),
        ));
    }
    issues.extend(image_issues(award, images));
    if issues.iter().any(Issue::is_error) {
        return Err(BuildError::Invalid(issues));
    }
    let Some(issued) = issued else {
        // validate() reported dates.issued-missing; unreachable in practice.
        return Err(BuildError::Invalid(issues));
    };
    let mut b = Builder {
        award,
        universities,
        cred_id: &options.credential_id,
        issued,
        languages: Vec::new(),
    };
    let awarding = b
        .uni(&award.awarding_university)
        .ok_or_else(|| BuildError::Invalid(issues.clone()))?;
    let mut wanted: Vec<&str> = vec![awarding.language.as_str()];
    wanted.extend(award.display.images.iter().map(|i| i.language.as_str()));
    b.languages = text::output_languages(wanted);
    let credential = b.credential(awarding, images);
    Ok(Built {
        credential,
        warnings: issues,
    })
}

/// A node id derived from `base` (a credential or specification id) and a local name:
/// `urn:uuid:` + RFC 9562 version-8 UUID of SHA-256(`base` + "#" + `local`).
pub fn derived_id(base: &str, local: &str) -> String {
    let mut h = Sha256::new();
    h.update(base.as_bytes());
    h.update(b"#");
    h.update(local.as_bytes());
    let d = h.finalize();
    let mut b = [0u8; 16];
    if let Some(head) = d.get(..16) {
        b.copy_from_slice(head);
    }
    b[6] = (b[6] & 0x0f) | 0x80; // version 8
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 9562 variant
    let x = hex::encode(b);
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &x[0..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )
}

fn date_time(d: NaiveDate) -> String {
    format!("{}T00:00:00Z", d.format("%Y-%m-%d"))
}

fn end_of_day(d: NaiveDate) -> String {
    format!("{}T23:59:59Z", d.format("%Y-%m-%d"))
}

struct Builder<'a> {
    award: &'a Award,
    universities: &'a Universities,
    cred_id: &'a str,
    issued: NaiveDate,
    /// Languages of generated texts: English first, then the university's and display languages.
    languages: Vec<String>,
}

/// Inserts `key` when `value` is not null / empty.
fn put(obj: &mut Map<String, Value>, key: &str, value: Value) {
    let empty = match &value {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    };
    if !empty {
        obj.insert(key.to_owned(), value);
    }
}

fn concepts(cs: impl IntoIterator<Item = Concept>) -> Value {
    Value::Array(cs.into_iter().map(|c| c.to_json()).collect())
}

impl<'a> Builder<'a> {
    fn uni(&self, id: &str) -> Option<&'a University> {
        self.universities.get(id)
    }

    fn id(&self, local: &str) -> String {
        derived_id(self.cred_id, local)
    }

    fn credential(&self, awarding: &University, images: &[DisplayImage]) -> Value {
        let a = self.award;
        let mut c = Map::new();
        c.insert("@context".into(), json!([VC_V1_CONTEXT, EDC_AP_CONTEXT]));
        c.insert("id".into(), json!(self.cred_id));
        c.insert(
            "type".into(),
            json!(["VerifiableCredential", "EuropeanDigitalCredential"]),
        );
        c.insert(
            "credentialProfiles".into(),
            json!([vocab::generic_profile().to_json()]),
        );
        c.insert(
            "credentialSchema".into(),
            json!({"id": EDC_GENERIC_FULL, "type": "ShaclValidator2017"}),
        );
        c.insert("issuer".into(), self.organisation(awarding));
        let issued = date_time(self.issued);
        c.insert("issuanceDate".into(), json!(issued));
        c.insert("issued".into(), json!(issued));
        c.insert("validFrom".into(), json!(issued));
        if let Some(until) = a.valid_until {
            c.insert("expirationDate".into(), json!(end_of_day(until)));
            c.insert("validUntil".into(), json!(end_of_day(until)));
        }
        c.insert("displayParameter".into(), self.display(awarding, images));
        c.insert("credentialSubject".into(), self.subject(awarding));
        Value::Object(c)
    }

    /// An ENHANCE university as ELM `Organisation` (id = DID), member of the ENHANCE group.
    fn organisation(&self, u: &University) -> Value {
        let country = vocab::country(&u.country)
            .map(|c| c.to_json())
            .unwrap_or(Value::Null);
        let mut o = Map::new();
        o.insert("id".into(), json!(u.did));
        o.insert("type".into(), json!("Organisation"));
        o.insert("legalName".into(), json!(u.legal_name));
        o.insert(
            "eIDASIdentifier".into(),
            json!({
                "id": derived_id(&u.did, "eidas-legal-identifier"),
                "type": "LegalIdentifier",
                "notation": u.legal_identifier,
                "spatial": country,
            }),
        );
        o.insert(
            "location".into(),
            json!({
                "id": derived_id(&u.did, "location"),
                "type": "Location",
                "geographicName": u.city,
                "address": {
                    "id": derived_id(&u.did, "address"),
                    "type": "Address",
                    "countryCode": country,
                },
            }),
        );
        o.insert(
            "homepage".into(),
            json!({"id": derived_id(&u.did, "homepage"), "type": "WebResource", "contentURL": u.homepage}),
        );
        o.insert("groupMemberOf".into(), enhance_group());
        Value::Object(o)
    }

    /// The note `<spec_id>/<suffix>` about `subject` when `text` has a language; `None` otherwise.
    fn note_if_any(
        &self,
        spec_id: &str,
        suffix: &str,
        subject: NoteSubject,
        text: &LanguageMap,
    ) -> Option<Value> {
        (!text.is_empty()).then(|| self.note(derived_id(spec_id, suffix), subject, text))
    }

    fn note(&self, id: String, subject: NoteSubject, text: &LanguageMap) -> Value {
        json!({
            "id": id,
            "type": "Note",
            "subject": subject.concept().to_json(),
            "noteLiteral": text,
        })
    }

    fn display(&self, awarding: &University, images: &[DisplayImage]) -> Value {
        let a = self.award;
        let title = restrict(
            &text::credential_title(a.kind, a.certificate_profile),
            &self.languages,
        );
        let description = self.display_description(awarding);
        let lang_concepts: Vec<Value> = a
            .display
            .images
            .iter()
            .filter_map(|i| vocab::language(&i.language))
            .map(|c| c.to_json())
            .collect();
        let individual: Vec<Value> = a
            .display
            .images
            .iter()
            .enumerate()
            .filter_map(|(n, r)| {
                let img = images.iter().find(|i| i.language == r.language)?;
                let lang = vocab::language(&r.language)?;
                let (content, content_type) = image_content(img);
                Some(json!({
                    "id": self.id(&format!("display/{}", r.language)),
                    "type": "IndividualDisplay",
                    "language": lang.to_json(),
                    "displayDetail": [{
                        "id": self.id(&format!("display/{}/page/1", r.language)),
                        "type": "DisplayDetail",
                        "page": 1,
                        "image": {
                            "id": self.id(&format!("display/{}/page/1/image/{n}", r.language)),
                            "type": "MediaObject",
                            "content": content,
                            "contentEncoding": vocab::base64_encoding().to_json(),
                            "contentType": content_type,
                        },
                    }],
                }))
            })
            .collect();
        let primary = vocab::language(&a.display.primary_language)
            .map(|c| c.to_json())
            .unwrap_or(Value::Null);
        json!({
            "id": self.id("display"),
            "type": "DisplayParameter",
            "title": title,
            "description": description,
            "primaryLanguage": primary,
            "language": lang_concepts,
            "individualDisplay": individual,
        })
    }

    /// "«university» [on behalf of the ENHANCE Alliance] certifies that «name» has completed /
    /// participated in «opportunity»" in English (the certificate's first page, Annex 3).
    fn display_description(&self, awarding: &University) -> LanguageMap {
        let a = self.award;
        let statement = text::awarding_statement(
            &awarding.legal_name,
            a.kind.is_micro_credential(),
            &["en".to_owned()],
        );
        let verb = if a.kind == CredentialKind::CertificateOfParticipation {
            "has participated in"
        } else {
            "has completed"
        };
        let name = format!("{} {}", a.learner.given_names, a.learner.family_names);
        let title = a.learning_opportunity.title.best("en").unwrap_or("");
        LanguageMap::single(
            "en",
            format!(
                "{} certifies that {name} {verb} {title}",
                statement.get("en").unwrap_or("")
            ),
        )
    }

    fn subject(&self, awarding: &University) -> Value {
        let a = self.award;
        let l = &a.learner;
        let lang = self.award.display.primary_language.as_str();
        let mut p = Map::new();
        p.insert("id".into(), json!(self.id("person")));
        p.insert("type".into(), json!("Person"));
        p.insert(
            "givenName".into(),
            json!(LanguageMap::single(lang, l.given_names.clone())),
        );
        p.insert(
            "familyName".into(),
            json!(LanguageMap::single(lang, l.family_names.clone())),
        );
        p.insert(
            "fullName".into(),
            json!(LanguageMap::single(
                lang,
                format!("{} {}", l.given_names, l.family_names)
            )),
        );
        if let Some(d) = l.date_of_birth {
            p.insert("dateOfBirth".into(), json!(date_time(d)));
        }
        if let Some(pob) = &l.place_of_birth {
            p.insert(
                "placeOfBirth".into(),
                json!({
                    "id": self.id("person/place-of-birth"),
                    "type": "Location",
                    "geographicName": pob.name,
                    "address": {
                        "id": self.id("person/place-of-birth/address"),
                        "type": "Address",
                        "countryCode": vocab::country(&pob.country).map(|c| c.to_json()),
                    },
                }),
            );
        }
        put(
            &mut p,
            "citizenshipCountry",
            concepts(l.nationality.iter().filter_map(|c| vocab::country(c))),
        );
        if let Some(sid) = &l.student_id {
            let home = l.home_university.as_deref().and_then(|h| self.uni(h));
            let scheme = match home {
                Some(u) => format!("Student ID at {}", u.legal_name.best("en").unwrap_or(&u.id)),
                None => "Student ID".to_owned(),
            };
            p.insert(
                "identifier".into(),
                json!([{"id": self.id("person/student-id"), "type": "Identifier", "notation": sid, "schemeName": scheme}]),
            );
        }
        if let Some(home) = l.home_university.as_deref().and_then(|h| self.uni(h)) {
            p.insert("memberOf".into(), json!([self.organisation(home)]));
        }
        p.insert("hasClaim".into(), json!([self.claim(awarding)]));
        Value::Object(p)
    }

    /// The awarding process: body, Annex 3 awarding statement, "place and date" (the university's
    /// location and the date of issuing).
    fn awarding_process(&self, local: &str, u: &University, on_behalf: bool) -> Value {
        let org = self.organisation(u);
        json!({
            "id": self.id(local),
            "type": "AwardingProcess",
            "awardingBody": [org],
            "description": text::awarding_statement(&u.legal_name, on_behalf, &self.langs_for(u)),
            "awardingDate": date_time(self.issued),
            "location": [org.get("location")],
        })
    }

    /// Generated-text languages for texts about university `u`: English, `u`'s language, display languages.
    fn langs_for(&self, u: &University) -> Vec<String> {
        let mut wanted: Vec<&str> = vec![u.language.as_str()];
        wanted.extend(self.languages.iter().map(String::as_str));
        text::output_languages(wanted)
    }

    fn claim(&self, awarding: &University) -> Value {
        let a = self.award;
        let o = &a.learning_opportunity;
        let r = &a.achievement;
        let on_behalf = a.kind.is_micro_credential();
        let mut notes = Vec::new();
        if let Some(n) = self.home_university_note("claim/note/home-university") {
            notes.push(n);
        }

        if a.kind == CredentialKind::CertificateOfParticipation {
            return self.participation_claim(awarding, notes);
        }

        let claim_id = self.id("claim");
        let spec = self.claim_spec(awarding);
        let mut c = Map::new();
        c.insert("id".into(), json!(claim_id));
        c.insert("type".into(), json!("LearningAchievement"));
        c.insert("title".into(), json!(o.title));
        if let Some(d) = &o.description {
            c.insert("description".into(), json!(d));
        }
        let process = self.awarding_process("claim/awarding", awarding, on_behalf);
        c.insert("awardedBy".into(), process.clone());
        if let Some(asm) = &o.assessment {
            c.insert(
                "provenBy".into(),
                json!([self.assessment(
                    &process,
                    "claim/assessment",
                    &o.id,
                    &o.title,
                    asm,
                    r.grade.as_deref(),
                    awarding
                )]),
            );
        }
        let directed: Vec<&University> = if o.jointly_developed_by.is_empty() {
            vec![awarding]
        } else {
            o.jointly_developed_by
                .iter()
                .filter_map(|id| self.uni(id))
                .collect()
        };
        c.insert(
            "influencedBy".into(),
            json!([self.activity(
                "claim/activity",
                ActivityInput {
                    description: None,
                    spec_id: &derived_id(&o.id, "activity-specification"),
                    directed_by: &directed,
                    ..ActivityInput::of_opportunity(o, r, &process)
                },
            )]),
        );
        if let Some(cp) = o
            .workload
            .as_ref()
            .and_then(|w| self.credit_point(&self.id("claim/credit"), w))
        {
            c.insert("creditReceived".into(), json!([cp]));
        }
        c.insert("specifiedBy".into(), spec);
        if a.kind == CredentialKind::ProgrammeMicroCredential {
            let parts: Vec<Value> = r
                .units
                .iter()
                .enumerate()
                .filter_map(|(i, ur)| {
                    let u = o.units.iter().find(|u| u.id == ur.unit_id)?;
                    self.unit_achievement(i, u, ur, &claim_id, &o.id)
                })
                .collect();
            c.insert("hasPart".into(), Value::Array(parts));
        }
        put(&mut c, "additionalNote", Value::Array(notes));
        Value::Object(c)
    }

    /// The claim of a certificate of participation: the activity itself (as in the EU's
    /// Sample-CertOfPart), with the spec-level notes on its activity specification.
    fn participation_claim(&self, awarding: &University, notes: Vec<Value>) -> Value {
        let o = &self.award.learning_opportunity;
        let r = &self.award.achievement;
        // The claim is the activity itself (as in the EU's Sample-CertOfPart).
        let process = self.awarding_process("claim/awarding", awarding, false);
        let mut act = self.activity(
            "claim",
            ActivityInput {
                directed_by: &[awarding],
                ..ActivityInput::of_opportunity(o, r, &process)
            },
        );
        if let Value::Object(m) = &mut act {
            // The spec of a participation is the activity specification; add the spec-level notes.
            if let Some(Value::Object(spec)) = m.get_mut("specifiedBy") {
                let mut spec_notes = self.spec_notes(&o.id, awarding, true);
                if !o.learning_outcomes.is_empty() {
                    spec_notes.push(self.intended_outcomes_note(&o.id, &o.learning_outcomes));
                }
                if let Some(t) = &o.prerequisites {
                    spec_notes.push(json!({"id": derived_id(&o.id, "prerequisites"), "type": "Note", "noteLiteral": t}));
                }
                put(spec, "additionalNote", Value::Array(spec_notes));
                if let Some(h) = o
                    .further_information
                    .as_ref()
                    .and_then(|f| f.homepage.as_ref())
                {
                    spec.insert("homepage".into(), web_resource(&o.id, h));
                }
            }
            if let Some(Value::Array(existing)) = m.get_mut("additionalNote") {
                existing.extend(notes);
            } else {
                put(m, "additionalNote", Value::Array(notes));
            }
        }
        act
    }

    /// The specification of the claim: a qualification (micro-credentials) or a learning
    /// achievement specification, with its notes, the programme it is part of and its units.
    fn claim_spec(&self, awarding: &University) -> Value {
        let a = self.award;
        let o = &a.learning_opportunity;
        let spec_type = if a.kind.is_micro_credential() {
            "Qualification"
        } else {
            "LearningAchievementSpecification"
        };
        let mut spec = self.achievement_spec(
            &o.id,
            spec_type,
            SpecInput {
                title: &o.title,
                description: o.description.as_ref(),
                opportunity_type: o.opportunity_type,
                workload: o.workload.as_ref(),
                eqf_level: o.eqf_level,
                isced_f: &o.isced_f,
                outcomes: &o.learning_outcomes,
                languages: &o.languages,
                mode: o.mode_of_learning,
                contact_hours: o.contact_hours.as_ref(),
                prerequisites: o.prerequisites.as_ref(),
                assessment: o.assessment.as_ref(),
                university: awarding,
                further: o.further_information.as_ref(),
            },
        );
        if let Value::Object(m) = &mut spec {
            let mut spec_notes = self.spec_notes(&o.id, awarding, false);
            if let Value::Array(existing) = m.remove("additionalNote").unwrap_or(Value::Null) {
                spec_notes.extend(existing);
            }
            put(m, "additionalNote", Value::Array(spec_notes));
            if let Some(st) = &o.stackability {
                if let Some(pid) = &st.programme_id {
                    m.insert(
                        "isPartOf".into(),
                        json!([{"id": pid, "type": "Qualification", "title": st.programme}]),
                    );
                }
            }
            if a.kind == CredentialKind::ProgrammeMicroCredential {
                let parts: Vec<Value> = o.units.iter().map(|u| self.unit_spec(u, &o.id)).collect();
                m.insert("hasPart".into(), Value::Array(parts));
            }
        }

        spec
    }

    /// Notes that belong to the opportunity's specification: jointly developed by, quality
    /// assurance, stackability, learning units (programmes), further information.
    fn spec_notes(&self, spec_id: &str, awarding: &University, participation: bool) -> Vec<Value> {
        let a = self.award;
        let o = &a.learning_opportunity;
        let langs = self.langs_for(awarding);
        let mut notes = Vec::new();
        if !o.jointly_developed_by.is_empty() {
            let names: Vec<&LanguageMap> = o
                .jointly_developed_by
                .iter()
                .filter_map(|id| self.uni(id))
                .map(|u| &u.legal_name)
                .collect();
            notes.push(self.note(
                derived_id(spec_id, "note/jointly-developed-by"),
                NoteSubject::JointlyDevelopedBy,
                &text::jointly_developed(&names, &langs),
            ));
        }
        // Quality assurance: always for micro-credentials and completion (Annex 3); for
        // participation only when the award states one.
        let qa = match (&o.quality_assurance, participation) {
            (Some(q), _) => Some(q.clone()),
            (None, false) => Some(text::quality_assurance(
                &awarding.legal_name,
                &o.title,
                a.kind == CredentialKind::ProgrammeMicroCredential,
                &langs,
            )),
            (None, true) => None,
        };
        if let Some(qa) = qa {
            notes.push(self.note(
                derived_id(spec_id, "note/quality-assurance"),
                NoteSubject::QualityAssurance,
                &qa,
            ));
        }
        if let Some(st) = &o.stackability {
            let coordinator = self
                .uni(&st.coordinated_by)
                .map(|u| u.legal_name.clone())
                .unwrap_or_default();
            let statement = st.statement.clone().unwrap_or_else(|| {
                text::stackability(
                    &o.title,
                    st.component,
                    &st.programme,
                    &coordinator,
                    &st.leads_to,
                    &langs,
                )
            });
            notes.push(self.note(
                derived_id(spec_id, "note/stackability"),
                NoteSubject::Stackability,
                &statement,
            ));
        }
        if a.kind == CredentialKind::ProgrammeMicroCredential && !o.units.is_empty() {
            let mut m = LanguageMap::new();
            for l in &langs {
                let lines: Vec<String> = o
                    .units
                    .iter()
                    .enumerate()
                    .map(|(i, u)| {
                        let uni = self
                            .uni(&u.university)
                            .map(|x| x.legal_name.clone())
                            .unwrap_or_default();
                        let member = text::awarding_statement(&uni, false, std::slice::from_ref(l));
                        format!(
                            "{}. {} ({}; {})",
                            i + 1,
                            u.title.best(l).unwrap_or(""),
                            member.get(l).unwrap_or(""),
                            component_label(u.component, l)
                        )
                    })
                    .collect();
                m.insert(l, lines.join("\n"));
            }
            notes.push(self.note(
                derived_id(spec_id, "note/learning-units"),
                NoteSubject::LearningUnits,
                &m,
            ));
        }
        if let Some(f) = &o.further_information {
            if let Some(n) = self.further_note(spec_id, f, &o.isced_f, &o.languages, &langs) {
                notes.push(n);
            }
        }
        notes
    }

    fn further_note(
        &self,
        spec_id: &str,
        f: &FurtherInformation,
        isced: &[String],
        languages: &[String],
        langs: &[String],
    ) -> Option<Value> {
        let mut m = LanguageMap::new();
        for l in langs {
            let lab = text::labels(l);
            let mut parts: Vec<String> = Vec::new();
            if let Some(t) = f.text.as_ref().and_then(|t| {
                t.get(l)
                    .or_else(|| (l == "en").then(|| t.best("en")).flatten())
            }) {
                parts.push(t.to_owned());
            }
            if let Some(t) = &f.target_group {
                parts.push(format!("{}: {}", lab.target_group, t.best(l).unwrap_or("")));
            }
            if !f.partnerships.is_empty() {
                let v: Vec<&str> = f.partnerships.iter().filter_map(|p| p.best(l)).collect();
                parts.push(format!("{}: {}", lab.partnerships, v.join("; ")));
            }
            if !f.endorsements.is_empty() {
                let v: Vec<&str> = f.endorsements.iter().filter_map(|p| p.best(l)).collect();
                parts.push(format!("{}: {}", lab.endorsements, v.join("; ")));
            }
            if !isced.is_empty() {
                let v: Vec<String> = isced
                    .iter()
                    .filter_map(|c| {
                        vocab::isced_f(c)
                            .map(|k| format!("{c} {}", k.label.get("en").unwrap_or("")))
                    })
                    .collect();
                parts.push(format!("{}: {}", lab.isced, v.join("; ")));
            }
            if !languages.is_empty() {
                let v: Vec<&str> = languages
                    .iter()
                    .filter_map(|t| vocab::language_name(t))
                    .collect();
                parts.push(format!("{}: {}", lab.languages, v.join(", ")));
            }
            if !parts.is_empty() {
                m.insert(l, parts.join("\n"));
            }
        }
        self.note_if_any(
            spec_id,
            "note/further-information",
            NoteSubject::FurtherInformation,
            &m,
        )
    }

    fn intended_outcomes_note(&self, spec_id: &str, outcomes: &LearningOutcomes) -> Value {
        let mut m = LanguageMap::new();
        for l in &self.languages {
            let lines: Vec<String> = outcomes
                .iter()
                .filter_map(|(_, _, t)| t.get(l).map(|s| format!("- {s}")))
                .collect();
            if !lines.is_empty() {
                m.insert(
                    l,
                    format!(
                        "{}:\n{}",
                        text::labels(l).intended_outcomes,
                        lines.join("\n")
                    ),
                );
            }
        }
        json!({
            "id": derived_id(spec_id, "note/intended-learning-outcomes"),
            "type": "Note",
            "noteLiteral": m,
        })
    }

    fn home_university_note(&self, local: &str) -> Option<Value> {
        let l = &self.award.learner;
        let home = self.uni(l.home_university.as_deref()?)?;
        let mut m = LanguageMap::new();
        for lang in &self.langs_for(home) {
            let uni = home.legal_name.best(lang).unwrap_or("");
            let s = match &l.study_level {
                Some(level) => format!("{}, {uni}", level.best(lang).unwrap_or("")),
                None => format!("{} {uni}", text::labels(lang).student_of),
            };
            m.insert(lang, s);
        }
        Some(self.note(self.id(local), NoteSubject::HomeUniversity, &m))
    }

    fn credit_point(&self, id: &str, w: &Workload) -> Option<Value> {
        let (framework, points) = match (w.ects, w.ceu) {
            (Some(e), _) => (vocab::ects(), e),
            (None, Some(c)) => (vocab::ceu(), c),
            (None, None) => return None,
        };
        Some(json!({
            "id": id,
            "type": "CreditPoint",
            "framework": framework.to_json(),
            "point": points.to_string(),
        }))
    }

    fn achievement_spec(&self, id: &str, spec_type: &str, s: SpecInput<'_>) -> Value {
        let formal = s.assessment.is_some();
        let mut m = Map::new();
        m.insert("id".into(), json!(id));
        m.insert("type".into(), json!(spec_type));
        m.insert("title".into(), json!(s.title));
        if let Some(d) = s.description {
            m.insert("description".into(), json!(d));
        }
        m.insert(
            "dcType".into(),
            json!([vocab::learning_opportunity_type(s.opportunity_type).to_json()]),
        );
        m.insert(
            "category".into(),
            json!(restrict(
                &vocab::opportunity_type_label(s.opportunity_type),
                &self.langs_for(s.university)
            )),
        );
        if let Some(level) = s.eqf_level.and_then(vocab::eqf) {
            let key = if spec_type == "Qualification" {
                "eqfLevel"
            } else {
                "educationLevel"
            };
            m.insert(
                key.into(),
                if key == "eqfLevel" {
                    level.to_json()
                } else {
                    json!([level.to_json()])
                },
            );
        }
        put(
            &mut m,
            "thematicArea",
            concepts(s.isced_f.iter().filter_map(|c| vocab::isced_f(c))),
        );
        if let Some(cp) = s
            .workload
            .and_then(|w| self.credit_point(&derived_id(id, "credit-point"), w))
        {
            m.insert("creditPoint".into(), json!([cp]));
        }
        if let Some(h) = s.workload.and_then(|w| w.hours) {
            m.insert("volumeOfLearning".into(), json!(format!("PT{h}H")));
        }
        put(&mut m, "learningOutcome", self.outcomes(id, s.outcomes));
        put(
            &mut m,
            "language",
            concepts(s.languages.iter().filter_map(|l| vocab::language(l))),
        );
        m.insert("mode".into(), json!([vocab::mode(s.mode).to_json()]));
        m.insert(
            "learningSetting".into(),
            vocab::learning_setting(formal).to_json(),
        );
        if let Some(p) = s.prerequisites {
            m.insert(
                "entryRequirement".into(),
                json!({"id": derived_id(id, "entry-requirement"), "type": "Note", "noteLiteral": p}),
            );
        }
        let mut notes = Vec::new();
        if let Some(w) = s.workload {
            if let Some(n) = self.workload_note(id, w, s.university) {
                notes.push(n);
            }
        }
        put(&mut m, "additionalNote", Value::Array(notes));
        if let Some(h) = s.further.and_then(|f| f.homepage.as_ref()) {
            m.insert("homepage".into(), web_resource(id, h));
        }
        m.insert(
            "influencedBy".into(),
            json!([self.activity_spec(
                &derived_id(id, "activity-specification"),
                s.title,
                s.opportunity_type,
                s.mode,
                s.languages,
                s.contact_hours,
            )]),
        );
        if let Some(a) = s.assessment {
            m.insert(
                "provenBy".into(),
                json!([self.assessment_spec(id, s.title, a, s.university)]),
            );
        }
        Value::Object(m)
    }

    /// A human-readable workload line ("5 ECTS", "2 CEU (1 CEU = 10 hours of instruction)").
    fn workload_note(&self, spec_id: &str, w: &Workload, u: &University) -> Option<Value> {
        let mut m = LanguageMap::new();
        for l in &self.langs_for(u) {
            let label = text::labels(l).workload;
            let mut s = match (w.ects, w.ceu) {
                (Some(e), _) => format!("{label}: {e} ECTS"),
                (None, Some(c)) => format!("{label}: {c} CEU (1 CEU = 10 h)"),
                (None, None) => continue,
            };
            if let Some(h) = w.hours {
                s.push_str(&format!(", {h} h"));
            }
            if let Some(r) = &w.sum_override_reason {
                s.push_str(&format!(" – {r}"));
            }
            m.insert(l, s);
        }
        self.note_if_any(spec_id, "note/workload", NoteSubject::Workload, &m)
    }

    fn outcomes(&self, spec_id: &str, o: &LearningOutcomes) -> Value {
        Value::Array(
            o.iter()
                .map(|(cat, i, t)| {
                    let id = derived_id(spec_id, &format!("learning-outcome/{}/{i}", cat.field()));
                    let mut m = Map::new();
                    m.insert("id".into(), json!(id));
                    m.insert("type".into(), json!("LearningOutcome"));
                    m.insert("title".into(), json!(t));
                    match cat {
                        crate::award::OutcomeCategory::Knowledge => {
                            m.insert("dcType".into(), vocab::skill_type(true).to_json());
                        }
                        crate::award::OutcomeCategory::Skills => {
                            m.insert("dcType".into(), vocab::skill_type(false).to_json());
                        }
                        crate::award::OutcomeCategory::ResponsibilityAndAutonomy => {}
                    }
                    let c = vocab::outcome_category(cat);
                    m.insert(
                        "additionalNote".into(),
                        json!([{
                            "id": derived_id(&id, "category"),
                            "type": "Note",
                            "subject": c.to_json(),
                            "noteLiteral": c.label,
                        }]),
                    );
                    Value::Object(m)
                })
                .collect(),
        )
    }

    fn activity(&self, local: &str, x: ActivityInput<'_>) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id(local)));
        m.insert("type".into(), json!("LearningActivity"));
        if let Some(a) = x.awarded_by {
            // Every claim (activities and assessments too) is awarded: shape Claim/awardedBy.
            m.insert("awardedBy".into(), a.clone());
        }
        m.insert("title".into(), json!(x.title));
        if let Some(d) = x.description {
            m.insert("description".into(), json!(d));
        }
        m.insert(
            "temporal".into(),
            json!([self.period(&format!("{local}/period"), x.period)]),
        );
        m.insert(
            "directedBy".into(),
            Value::Array(x.directed_by.iter().map(|u| self.organisation(u)).collect()),
        );
        let spec = self.activity_spec(
            x.spec_id,
            x.title,
            x.opportunity_type,
            x.mode,
            x.languages,
            x.contact_hours,
        );
        m.insert("specifiedBy".into(), spec);
        let first = x.directed_by.first().copied();
        let langs = first
            .map(|u| self.langs_for(u))
            .unwrap_or_else(|| self.languages.clone());
        let mut notes = vec![self.note(
            self.id(&format!("{local}/note/form-of-participation")),
            NoteSubject::FormOfParticipation,
            &form_of_participation(&x, &langs),
        )];
        if !x.instructors.is_empty() {
            let line: Vec<String> = x
                .instructors
                .iter()
                .map(|i: &Instructor| match &i.affiliation {
                    Some(a) => {
                        let aff = self
                            .uni(a)
                            .and_then(|u| u.legal_name.best("en"))
                            .unwrap_or(a);
                        format!("{} ({aff})", i.name)
                    }
                    None => i.name.clone(),
                })
                .collect();
            notes.push(self.note(
                self.id(&format!("{local}/note/instructors")),
                NoteSubject::Instructors,
                &LanguageMap::single("en", line.join("; ")),
            ));
        }
        m.insert("additionalNote".into(), Value::Array(notes));
        Value::Object(m)
    }

    fn period(&self, local: &str, p: &Period) -> Value {
        json!({
            "id": self.id(local),
            "type": "PeriodOfTime",
            "startDate": date_time(p.start),
            "endDate": end_of_day(p.last_day()),
        })
    }

    // Each argument is one field of the EDC object built; a struct would only rename them.
    #[allow(clippy::too_many_arguments)]
    fn assessment(
        &self,
        awarded_by: &Value,
        local: &str,
        spec_base: &str,
        title: &LanguageMap,
        a: &AssessmentSpec,
        grade: Option<&str>,
        university: &University,
    ) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id(local)));
        m.insert("type".into(), json!("LearningAssessment"));
        m.insert("title".into(), json!(title));
        if let Some(g) = grade {
            m.insert(
                "grade".into(),
                json!({"id": self.id(&format!("{local}/grade")), "type": "Note", "noteLiteral": {"en": g}}),
            );
        }
        if let Some(s) = a.supervision {
            m.insert("idVerification".into(), vocab::supervision(s).to_json());
        }
        m.insert("assessedBy".into(), json!([self.organisation(university)]));
        m.insert("awardedBy".into(), awarded_by.clone());
        let spec = self.assessment_spec(spec_base, title, a, university);
        m.insert("specifiedBy".into(), spec);
        Value::Object(m)
    }

    /// The `LearningActivitySpecification` of an opportunity (id derived from its spec id, or the
    /// spec id itself for participation).
    fn activity_spec(
        &self,
        id: &str,
        title: &LanguageMap,
        opportunity_type: OpportunityType,
        mode: ModeOfLearning,
        languages: &[String],
        contact_hours: Option<&ContactHours>,
    ) -> Value {
        let mut spec = Map::new();
        spec.insert("id".into(), json!(id));
        spec.insert("type".into(), json!("LearningActivitySpecification"));
        spec.insert("title".into(), json!(title));
        spec.insert(
            "dcType".into(),
            json!([vocab::learning_activity_type(opportunity_type, mode).to_json()]),
        );
        put(
            &mut spec,
            "language",
            concepts(languages.iter().filter_map(|l| vocab::language(l))),
        );
        spec.insert("mode".into(), json!([vocab::mode(mode).to_json()]));
        if let Some(total) = contact_hours.and_then(ContactHours::sum) {
            spec.insert("contactHour".into(), json!([total.to_string()]));
        }
        Value::Object(spec)
    }

    /// The `LearningAssessmentSpecification` (types, description, grading scheme of the
    /// assessing university unless the spec names one).
    fn assessment_spec(
        &self,
        spec_base: &str,
        title: &LanguageMap,
        a: &AssessmentSpec,
        university: &University,
    ) -> Value {
        let scheme = a
            .grading_scheme
            .as_ref()
            .or(university.grading_scheme.as_ref());
        let mut spec = Map::new();
        spec.insert(
            "id".into(),
            json!(derived_id(spec_base, "assessment-specification")),
        );
        spec.insert("type".into(), json!("LearningAssessmentSpecification"));
        spec.insert("title".into(), json!(title));
        // The shape allows one dc:type; several assessment methods become parts, one type each.
        match a.types.as_slice() {
            [one] => {
                spec.insert("dcType".into(), vocab::assessment_type(*one).to_json());
            }
            many => {
                let parts: Vec<Value> = many
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        let c = vocab::assessment_type(*t);
                        json!({
                            "id": derived_id(spec_base, &format!("assessment-specification/part/{i}")),
                            "type": "LearningAssessmentSpecification",
                            "title": c.label,
                            "dcType": c.to_json(),
                        })
                    })
                    .collect();
                put(&mut spec, "hasPart", Value::Array(parts));
            }
        }
        if let Some(d) = &a.description {
            spec.insert("description".into(), json!(d));
        }
        if let Some(gs) = scheme {
            spec.insert(
                "gradingScheme".into(),
                json!({
                    "id": derived_id(spec_base, "grading-scheme"),
                    "type": "GradingScheme",
                    "title": gs.title,
                    "description": gs.description,
                }),
            );
        }
        Value::Object(spec)
    }

    fn unit_spec(&self, u: &LearningUnit, programme_id: &str) -> Value {
        let Some(uni) = self.uni(&u.university) else {
            return json!({"id": u.id});
        };
        // A part of a Qualification is a Qualification (shape Qualification-elm_hasPart); a
        // stand-alone credential for the unit uses the same type and id.
        let mut spec = self.achievement_spec(
            &u.id,
            "Qualification",
            SpecInput {
                title: &u.title,
                description: u.description.as_ref(),
                opportunity_type: u.opportunity_type,
                workload: Some(&u.workload),
                eqf_level: u.eqf_level,
                isced_f: &u.isced_f,
                outcomes: &u.learning_outcomes,
                languages: &u.languages,
                mode: u.mode_of_learning,
                contact_hours: u.contact_hours.as_ref(),
                prerequisites: u.prerequisites.as_ref(),
                assessment: Some(&u.assessment),
                university: uni,
                further: u.further_information.as_ref(),
            },
        );
        if let Value::Object(m) = &mut spec {
            m.insert("isPartOf".into(), json!([{"id": programme_id}]));
            let mut notes = match m.remove("additionalNote") {
                Some(Value::Array(v)) => v,
                _ => Vec::new(),
            };
            let langs = self.langs_for(uni);
            notes.push(self.note(
                derived_id(&u.id, "note/awarding-body"),
                NoteSubject::AwardingBody,
                &text::awarding_statement(&uni.legal_name, false, &langs),
            ));
            let mut comp = LanguageMap::new();
            for l in &langs {
                comp.insert(l, component_label(u.component, l));
            }
            notes.push(json!({
                "id": derived_id(&u.id, "note/component"),
                "type": "Note",
                "subject": vocab::component_status(u.component).to_json(),
                "noteLiteral": comp,
            }));
            if let Some(f) = &u.further_information {
                if let Some(n) = self.further_note(&u.id, f, &u.isced_f, &u.languages, &langs) {
                    notes.push(n);
                }
            }
            m.insert("additionalNote".into(), Value::Array(notes));
        }
        spec
    }

    fn unit_achievement(
        &self,
        i: usize,
        u: &LearningUnit,
        r: &UnitResult,
        parent_claim: &str,
        programme_id: &str,
    ) -> Option<Value> {
        let uni = self.uni(&u.university)?;
        let base = format!("claim/unit/{i}");
        let mut c = Map::new();
        c.insert("id".into(), json!(self.id(&base)));
        c.insert("type".into(), json!("LearningAchievement"));
        c.insert("title".into(), json!(u.title));
        let process = self.awarding_process(&format!("{base}/awarding"), uni, false);
        c.insert("awardedBy".into(), process.clone());
        c.insert(
            "provenBy".into(),
            json!([self.assessment(
                &process,
                &format!("{base}/assessment"),
                &u.id,
                &u.title,
                &u.assessment,
                r.grade.as_deref(),
                uni
            )]),
        );
        c.insert(
            "influencedBy".into(),
            json!([self.activity(
                &format!("{base}/activity"),
                ActivityInput {
                    awarded_by: Some(&process),
                    title: &u.title,
                    description: None,
                    spec_id: &derived_id(&u.id, "activity-specification"),
                    opportunity_type: u.opportunity_type,
                    mode: u.mode_of_learning,
                    languages: &u.languages,
                    contact_hours: u.contact_hours.as_ref(),
                    period: &r.period,
                    in_presence: r.in_presence_period.as_ref(),
                    online: r.online_period.as_ref(),
                    instructors: &u.instructors,
                    directed_by: &[uni],
                },
            )]),
        );
        if let Some(cp) = self.credit_point(&self.id(&format!("{base}/credit")), &u.workload) {
            c.insert("creditReceived".into(), json!([cp]));
        }
        c.insert("specifiedBy".into(), self.unit_spec(u, programme_id));
        c.insert("isPartOf".into(), json!([{"id": parent_claim}]));
        Some(Value::Object(c))
    }
}

fn enhance_group() -> Value {
    json!([{
        "id": ENHANCE_GROUP_ID,
        "type": "Group",
        "prefLabel": {"en": "ENHANCE Alliance"},
    }])
}

fn web_resource(base: &str, url: &str) -> Value {
    json!({"id": derived_id(base, "homepage"), "type": "WebResource", "contentURL": url})
}

/// `m` restricted to `languages` (English kept as fallback when none match).
fn restrict(m: &LanguageMap, languages: &[String]) -> LanguageMap {
    let mut out = LanguageMap::new();
    for l in languages {
        if let Some(t) = m.get(l) {
            out.insert(l, t);
        }
    }
    if out.is_empty() {
        if let Some(t) = m.best("en") {
            out.insert("en", t);
        }
    }
    out
}

fn component_label(c: ComponentStatus, lang: &str) -> &'static str {
    match (c, lang) {
        (ComponentStatus::Obligatory, "de") => "Pflichtbestandteil",
        (ComponentStatus::Elective, "de") => "Wahlbestandteil",
        (ComponentStatus::Obligatory, "nl") => "verplicht onderdeel",
        (ComponentStatus::Elective, "nl") => "keuzeonderdeel",
        (ComponentStatus::Obligatory, "pl") => "komponent obowiązkowy",
        (ComponentStatus::Elective, "pl") => "komponent obieralny",
        (ComponentStatus::Obligatory, "it") => "componente obbligatoria",
        (ComponentStatus::Elective, "it") => "componente a scelta",
        (ComponentStatus::Obligatory, _) => "obligatory component",
        (ComponentStatus::Elective, _) => "elective component",
    }
}

/// The fields of a specification built by [`Builder::achievement_spec`].
struct SpecInput<'a> {
    title: &'a LanguageMap,
    description: Option<&'a LanguageMap>,
    opportunity_type: OpportunityType,
    workload: Option<&'a Workload>,
    eqf_level: Option<u8>,
    isced_f: &'a [String],
    outcomes: &'a LearningOutcomes,
    languages: &'a [String],
    mode: ModeOfLearning,
    contact_hours: Option<&'a ContactHours>,
    prerequisites: Option<&'a LanguageMap>,
    assessment: Option<&'a AssessmentSpec>,
    university: &'a University,
    further: Option<&'a FurtherInformation>,
}

/// The fields of an activity built by [`Builder::activity`].
struct ActivityInput<'a> {
    awarded_by: Option<&'a Value>,
    title: &'a LanguageMap,
    description: Option<&'a LanguageMap>,
    spec_id: &'a str,
    opportunity_type: OpportunityType,
    mode: ModeOfLearning,
    languages: &'a [String],
    contact_hours: Option<&'a ContactHours>,
    period: &'a Period,
    in_presence: Option<&'a Period>,
    online: Option<&'a Period>,
    instructors: &'a [Instructor],
    directed_by: &'a [&'a University],
}

impl<'a> ActivityInput<'a> {
    /// The activity of the learning opportunity `o` as the learner followed it (`r`), awarded
    /// by `awarded_by`: described by `o`'s own description and specification id, directed by
    /// no one (callers set `directed_by`).
    fn of_opportunity(
        o: &'a crate::award::LearningOpportunitySpec,
        r: &'a crate::award::Achievement,
        awarded_by: &'a Value,
    ) -> Self {
        Self {
            awarded_by: Some(awarded_by),
            title: &o.title,
            description: o.description.as_ref(),
            spec_id: &o.id,
            opportunity_type: o.opportunity_type,
            mode: o.mode_of_learning,
            languages: &o.languages,
            contact_hours: o.contact_hours.as_ref(),
            period: &r.period,
            in_presence: r.in_presence_period.as_ref(),
            online: r.online_period.as_ref(),
            instructors: &o.instructors,
            directed_by: &[],
        }
    }
}

fn fmt_period(p: &Period) -> String {
    match p.end {
        Some(end) if end != p.start => format!("{} – {}", p.start, end),
        _ => p.start.to_string(),
    }
}

/// Annex 3 "Form of participation in the learning activity": type, mode, duration, contact hours
/// (both parts for blended learning).
fn form_of_participation(x: &ActivityInput<'_>, langs: &[String]) -> LanguageMap {
    let mut m = LanguageMap::new();
    let type_label = vocab::opportunity_type_label(x.opportunity_type);
    for l in langs {
        let lab = text::labels(l);
        let mut lines = vec![
            format!(
                "{}: {}",
                lab.opportunity_type,
                type_label.best(l).unwrap_or("")
            ),
            format!("{}: {}", lab.mode, text::mode_name(x.mode, l)),
        ];
        let mut duration = format!("{}: {}", lab.duration, fmt_period(x.period));
        let parts: Vec<String> = [(lab.in_presence, x.in_presence), (lab.online, x.online)]
            .into_iter()
            .filter_map(|(name, p)| p.map(|p| format!("{name}: {}", fmt_period(p))))
            .collect();
        if !parts.is_empty() {
            duration.push_str(&format!(" ({})", parts.join("; ")));
        }
        lines.push(duration);
        if let Some(h) = x.contact_hours {
            let mut s = format!("{}: {}", lab.contact_hours, h.sum().unwrap_or(0));
            let parts: Vec<String> = [(lab.in_presence, h.in_presence), (lab.online, h.online)]
                .into_iter()
                .filter_map(|(name, n)| n.map(|n| format!("{name}: {n}")))
                .collect();
            if !parts.is_empty() {
                s.push_str(&format!(" ({})", parts.join("; ")));
            }
            lines.push(s);
        }
        m.insert(l, lines.join("\n"));
    }
    m
}
