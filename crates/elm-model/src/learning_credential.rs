//! The EUDI SD-JWT VC learning credential (`vct` `urn:eu.europa.ec.eudi:learning:credential:1`): the claims of an ENHANCE award, mapped from its EDC credential (issue #16; the mapping table is docs/LEARNING_CREDENTIAL.md).
//!
//! The claim names are those of the EU reference issuer (eudi-srv-pid-issuer,
//! `adapter/out/learningcredential`, 2026: `issuing_authority`, `issuing_country`,
//! `date_of_issuance`, `date_of_expiry`, `family_name`, `given_name`, `achievement_title`,
//! `achievement_description`, `learning_outcomes`, `assessment_grade`, `language_of_classes`,
//! `learner_identification`, `expected_study_time`, `level_of_learning_experience`,
//! `types_of_quality_assurance`, `prerequisites_to_enroll`, `integration_stackability_options`),
//! which follow the elements of the Council Recommendation on micro-credentials (ENHANCE's 16
//! elements); two ENHANCE additions: `birthdate` (the OpenID Connect / PID claim name) and
//! `ects_credits` (a number). [`claims`] reads the EDC with the typed [`crate::view`]; [`CLAIMS`]
//! is the one table of names, selective disclosure and display labels, which the type metadata
//! ([`type_metadata`], SD-JWT VC draft §6 "Type Metadata") is built from.
//!
//! Selectively disclosable: what is about the learner (names, date of birth, learner
//! identification) and the result (grade). Always disclosed: what describes the learning
//! opportunity (title, workload, level, outcomes, quality assurance, ...), which is the same for
//! every learner of the course and public in its catalogue, and the issuer and dates a verifier
//! needs to judge the credential at all.

use chrono::NaiveDate;
use serde_json::{json, Map, Value};

use crate::view::{Claim, CredentialView, Note, Person, Specification, ViewError, ECTS};

mod country_codes;

/// The `vct` of the learning credential (the EU reference issuer's).
pub const VCT: &str = "urn:eu.europa.ec.eudi:learning:credential:1";

/// The language single-valued claims are written in: English when the EDC has it (every ENHANCE
/// award has), else the first language of the value.
pub const CLAIM_LANGUAGE: &str = "en";

/// The `sd` of a claim in the type metadata (SD-JWT VC draft §6.5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sd {
    /// `always`: issued as a Disclosure.
    Always,
    /// `never`: in the signed payload.
    Never,
}

impl Sd {
    /// The metadata value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Always => "always",
            Self::Never => "never",
        }
    }
}

/// One claim of the learning credential.
#[derive(Debug, Clone, Copy)]
pub struct ClaimSpec {
    /// The top-level claim name.
    pub name: &'static str,
    /// Selective disclosure.
    pub sd: Sd,
    /// Present for every ENHANCE award (else only when the award has the source field).
    pub mandatory: bool,
    /// Display labels: English, German, Dutch, Polish (the certificate languages).
    pub labels: [&'static str; 4],
}

/// The display languages of [`ClaimSpec::labels`].
pub const LABEL_LANGUAGES: [&str; 4] = ["en", "de", "nl", "pl"];

const fn spec(name: &'static str, sd: Sd, mandatory: bool, labels: [&'static str; 4]) -> ClaimSpec {
    ClaimSpec {
        name,
        sd,
        mandatory,
        labels,
    }
}

/// Every claim [`claims`] may write, in payload order.
pub static CLAIMS: &[ClaimSpec] = &[
    spec(
        "issuing_authority",
        Sd::Never,
        true,
        [
            "Issuing authority",
            "Ausstellende Einrichtung",
            "Uitgevende instelling",
            "Instytucja wydająca",
        ],
    ),
    spec(
        "issuing_country",
        Sd::Never,
        true,
        [
            "Issuing country",
            "Ausstellungsland",
            "Land van uitgifte",
            "Kraj wydania",
        ],
    ),
    spec(
        "date_of_issuance",
        Sd::Never,
        true,
        [
            "Date of issuance",
            "Ausstellungsdatum",
            "Datum van uitgifte",
            "Data wydania",
        ],
    ),
    spec(
        "date_of_expiry",
        Sd::Never,
        false,
        [
            "Date of expiry",
            "Ablaufdatum",
            "Vervaldatum",
            "Data ważności",
        ],
    ),
    spec(
        "family_name",
        Sd::Always,
        true,
        [
            "Family name(s)",
            "Familienname(n)",
            "Achternaam",
            "Nazwisko",
        ],
    ),
    spec(
        "given_name",
        Sd::Always,
        false,
        [
            "Given name(s)",
            "Vorname(n)",
            "Voornaam/voornamen",
            "Imię (imiona)",
        ],
    ),
    spec(
        "birthdate",
        Sd::Always,
        false,
        [
            "Date of birth",
            "Geburtsdatum",
            "Geboortedatum",
            "Data urodzenia",
        ],
    ),
    spec(
        "learner_identification",
        Sd::Always,
        true,
        [
            "Learner identification",
            "Kennung der lernenden Person",
            "Identificatie van de lerende",
            "Identyfikator osoby uczącej się",
        ],
    ),
    spec(
        "achievement_title",
        Sd::Never,
        true,
        [
            "Achievement title",
            "Titel der Leistung",
            "Titel van de prestatie",
            "Tytuł osiągnięcia",
        ],
    ),
    spec(
        "achievement_description",
        Sd::Never,
        false,
        [
            "Achievement description",
            "Beschreibung der Leistung",
            "Beschrijving van de prestatie",
            "Opis osiągnięcia",
        ],
    ),
    spec(
        "learning_outcomes",
        Sd::Never,
        false,
        [
            "Learning outcomes",
            "Lernergebnisse",
            "Leerresultaten",
            "Efekty uczenia się",
        ],
    ),
    spec(
        "assessment_grade",
        Sd::Always,
        false,
        ["Assessment grade", "Note", "Beoordeling", "Ocena"],
    ),
    spec(
        "language_of_classes",
        Sd::Never,
        true,
        [
            "Language of classes",
            "Unterrichtssprache",
            "Instructietaal",
            "Język zajęć",
        ],
    ),
    spec(
        "expected_study_time",
        Sd::Never,
        false,
        [
            "Expected study time",
            "Arbeitsaufwand",
            "Studiebelasting",
            "Nakład pracy",
        ],
    ),
    spec(
        "ects_credits",
        Sd::Never,
        false,
        [
            "ECTS credits",
            "ECTS-Punkte",
            "ECTS-studiepunten",
            "Punkty ECTS",
        ],
    ),
    spec(
        "level_of_learning_experience",
        Sd::Never,
        false,
        [
            "Level of learning experience (EQF)",
            "Niveau (EQR)",
            "Niveau (EQF)",
            "Poziom (ERK)",
        ],
    ),
    spec(
        "types_of_quality_assurance",
        Sd::Never,
        false,
        [
            "Types of quality assurance",
            "Qualitätssicherung",
            "Kwaliteitszorg",
            "Zapewnianie jakości",
        ],
    ),
    spec(
        "prerequisites_to_enroll",
        Sd::Never,
        false,
        [
            "Prerequisites to enroll",
            "Zulassungsvoraussetzungen",
            "Toelatingsvoorwaarden",
            "Warunki przyjęcia",
        ],
    ),
    spec(
        "integration_stackability_options",
        Sd::Never,
        true,
        [
            "Integration or stackability options",
            "Integrations- oder Kombinationsmöglichkeiten",
            "Integratie- of stapelmogelijkheden",
            "Możliwości integracji lub łączenia",
        ],
    ),
];

/// The claims of one award: the payload members (before SD-JWT processing) and which of them
/// are selectively disclosable (top-level claim names, as `proofs::sd_jwt` takes them).
#[derive(Debug, Clone, PartialEq)]
pub struct LearningClaims {
    /// The claims, in [`CLAIMS`] order.
    pub claims: Map<String, Value>,
    /// The names of the claims to issue as Disclosures.
    pub selectively_disclosable: Vec<String>,
}

/// Why an EDC cannot be mapped; names the EDC field and the rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LearningCredentialError {
    /// The EDC does not read as a credential.
    #[error("the EDC credential does not read: {0}")]
    View(#[from] ViewError),
    /// A field a mandatory claim comes from is missing or unusable.
    #[error("{path}: {rule} (needed for the learning credential claim `{claim}`)")]
    Missing {
        /// The EDC field (JSON path).
        path: &'static str,
        /// What it must hold.
        rule: &'static str,
        /// The claim it maps to.
        claim: &'static str,
    },
}

fn missing(path: &'static str, rule: &'static str, claim: &'static str) -> LearningCredentialError {
    LearningCredentialError::Missing { path, rule, claim }
}

/// `YYYY-MM-DD` (the EUDI claims' date format, ISO 8601 full-date).
fn full_date(d: NaiveDate) -> Value {
    Value::String(d.format("%Y-%m-%d").to_string())
}

/// An ISO 3166-1 alpha-2 code of an EU country authority code (`DEU` → `DE`).
pub fn alpha2(alpha3: &str) -> Option<&'static str> {
    country_codes::ALPHA3_TO_ALPHA2
        .binary_search_by(|(a3, _)| (*a3).cmp(alpha3))
        .ok()
        .and_then(|i| country_codes::ALPHA3_TO_ALPHA2.get(i))
        .map(|(_, a2)| *a2)
}

/// The ISO 639-1 tag of an EU language authority code (`ENG` → `en`).
pub fn language_tag(code: &str) -> Option<&'static str> {
    crate::vocab_tables::LANGUAGES
        .iter()
        .find(|(_, c, _)| *c == code)
        .map(|(tag, _, _)| *tag)
}

/// Maps an issued EDC credential (the JSON-LD the issuer stores; a sealed or wrapped form reads
/// too) to the learning credential claims. Every claim's source is in docs/LEARNING_CREDENTIAL.md.
pub fn claims(edc: &Value) -> Result<LearningClaims, LearningCredentialError> {
    let view = CredentialView::from_json(edc)?;
    let person = view.credential().credential_subject.first().ok_or(missing(
        "credentialSubject",
        "a Person is required",
        "family_name",
    ))?;
    let claim = person.has_claim.first().ok_or(missing(
        "credentialSubject.hasClaim",
        "the awarded claim is required",
        "achievement_title",
    ))?;
    let mut out = Map::new();
    issuer_claims(&view, &mut out)?;
    learner_claims(person, &mut out)?;
    achievement_claims(claim, &mut out)?;
    // Payload order = table order; only claims the award has.
    let mut claims = Map::new();
    for spec in CLAIMS {
        if let Some(v) = out.remove(spec.name) {
            claims.insert(spec.name.to_owned(), v);
        }
    }
    let selectively_disclosable = CLAIMS
        .iter()
        .filter(|s| s.sd == Sd::Always && claims.contains_key(s.name))
        .map(|s| s.name.to_owned())
        .collect();
    Ok(LearningClaims {
        claims,
        selectively_disclosable,
    })
}

/// `issuing_authority`, `issuing_country`, `date_of_issuance`, `date_of_expiry`.
fn issuer_claims(
    view: &CredentialView,
    out: &mut Map<String, Value>,
) -> Result<(), LearningCredentialError> {
    let issuer = view.issuer().ok_or(missing(
        "issuer",
        "an Organisation is required",
        "issuing_authority",
    ))?;
    let name = issuer.legal_name(CLAIM_LANGUAGE).ok_or(missing(
        "issuer.legalName",
        "a legal name is required",
        "issuing_authority",
    ))?;
    out.insert("issuing_authority".into(), Value::from(name));
    let country = issuer.country_code().and_then(alpha2).ok_or(missing(
        "issuer.location.address.countryCode",
        "an EU country authority concept with an ISO 3166-1 code is required",
        "issuing_country",
    ))?;
    out.insert("issuing_country".into(), Value::from(country));
    let c = view.credential();
    let issued = [&c.issued, &c.issuance_date, &c.valid_from]
        .into_iter()
        .find_map(|l| l.as_ref().and_then(|l| l.date()))
        .ok_or(missing(
            "issued",
            "an xsd:dateTime is required",
            "date_of_issuance",
        ))?;
    out.insert("date_of_issuance".into(), full_date(issued));
    if let Some(until) = [&c.valid_until, &c.expiration_date]
        .into_iter()
        .find_map(|l| l.as_ref().and_then(|l| l.date()))
    {
        out.insert("date_of_expiry".into(), full_date(until));
    }
    Ok(())
}

/// `family_name`, `given_name`, `birthdate`, `learner_identification`.
fn learner_claims(
    person: &Person,
    out: &mut Map<String, Value>,
) -> Result<(), LearningCredentialError> {
    let best = |t: &Option<crate::view::Text>| {
        t.as_ref()
            .and_then(|t| t.best(CLAIM_LANGUAGE))
            .map(Value::from)
    };
    let family = best(&person.family_name).ok_or(missing(
        "credentialSubject.familyName",
        "a family name is required",
        "family_name",
    ))?;
    out.insert("family_name".into(), family);
    if let Some(given) = best(&person.given_name) {
        out.insert("given_name".into(), given);
    }
    if let Some(born) = person.date_of_birth.as_ref().and_then(|d| d.date()) {
        out.insert("birthdate".into(), full_date(born));
    }
    // The student ID the award names, else the learner's identifier in the credential.
    let learner = person
        .identifier
        .iter()
        .find_map(|i| i.value())
        .or_else(|| person.id().map(str::to_owned))
        .ok_or(missing(
            "credentialSubject.identifier",
            "a learner identifier (or credentialSubject.id) is required",
            "learner_identification",
        ))?;
    out.insert("learner_identification".into(), Value::String(learner));
    Ok(())
}

/// The `additionalNote` texts of `spec` whose subject is the ENHANCE certificate section
/// `section` (`quality-assurance`, `stackability`).
fn section_notes<'a>(spec: &'a Specification, section: &str) -> Vec<&'a Note> {
    let id = format!("urn:enhance:concept:certificate-section:{section}");
    spec.additional_note
        .iter()
        .filter(|n| n.subject.iter().any(|s| s.id() == Some(id.as_str())))
        .collect()
}

fn texts(notes: &[&Note]) -> Option<Value> {
    let t: Vec<Value> = notes
        .iter()
        .filter_map(|n| n.text(CLAIM_LANGUAGE))
        .map(Value::from)
        .collect();
    (!t.is_empty()).then_some(Value::Array(t))
}

/// The claim's specification, else (a credit-bearing achievement's) first activity's: where
/// languages and contact hours are.
fn specs(claim: &Claim) -> impl Iterator<Item = &Specification> {
    claim.specified_by.iter().chain(
        claim
            .influenced_by
            .iter()
            .flat_map(|a| a.specified_by.iter()),
    )
}

/// The achievement's claims: title, description, outcomes, grade, languages, workload, level,
/// quality assurance, prerequisites, stackability.
fn achievement_claims(
    claim: &Claim,
    out: &mut Map<String, Value>,
) -> Result<(), LearningCredentialError> {
    let title = claim.title(CLAIM_LANGUAGE).ok_or(missing(
        "credentialSubject.hasClaim.title",
        "a title is required",
        "achievement_title",
    ))?;
    out.insert("achievement_title".into(), Value::from(title));
    let spec = claim.specification();
    let description = claim
        .description
        .as_ref()
        .or(spec.and_then(|s| s.description.as_ref()))
        .and_then(|t| t.best(CLAIM_LANGUAGE));
    if let Some(d) = description {
        out.insert("achievement_description".into(), Value::from(d));
    }
    let outcomes: Vec<Value> = spec
        .map(|s| {
            s.learning_outcome
                .iter()
                .filter_map(|o| o.title(CLAIM_LANGUAGE))
                .map(Value::from)
                .collect()
        })
        .unwrap_or_default();
    if !outcomes.is_empty() {
        out.insert("learning_outcomes".into(), Value::Array(outcomes));
    }
    if let Some(grade) = claim.proven_by.iter().find_map(|a| a.grade(CLAIM_LANGUAGE)) {
        out.insert("assessment_grade".into(), Value::from(grade));
    }
    let languages = specs(claim)
        .map(|s| {
            s.language
                .iter()
                .filter_map(|l| l.code())
                .filter_map(language_tag)
                .collect::<Vec<_>>()
        })
        .find(|l| !l.is_empty())
        .ok_or(missing(
            "credentialSubject.hasClaim.specifiedBy.language",
            "at least one EU language authority concept is required",
            "language_of_classes",
        ))?;
    out.insert("language_of_classes".into(), json!(languages));
    workload_claims(claim, out);
    if let Some(level) = spec.and_then(Specification::eqf_level_number) {
        out.insert("level_of_learning_experience".into(), Value::from(level));
    }
    if let Some(qa) = spec.and_then(|s| texts(&section_notes(s, "quality-assurance"))) {
        out.insert("types_of_quality_assurance".into(), qa);
    }
    let entry: Vec<&Note> = spec
        .map(|s| s.entry_requirement.iter().collect())
        .unwrap_or_default();
    if let Some(pre) = texts(&entry) {
        out.insert("prerequisites_to_enroll".into(), pre);
    }
    let stackable = spec
        .is_some_and(|s| !s.is_part_of.is_empty() || !section_notes(s, "stackability").is_empty());
    out.insert(
        "integration_stackability_options".into(),
        Value::Bool(stackable),
    );
    Ok(())
}

/// Credits in a system other than ECTS (`8`, `Continuing Education Unit (CEU)`): the claim's
/// `creditReceived`, else its specification's `creditPoint`.
fn other_credits(claim: &Claim) -> Option<(String, &str)> {
    let spec_points = claim
        .specified_by
        .iter()
        .flat_map(|s| s.credit_point.iter());
    claim
        .credit_received
        .iter()
        .chain(spec_points)
        .find_map(|c| {
            let system = c.framework.first().and_then(|f| f.label(CLAIM_LANGUAGE))?;
            Some((c.point_str()?, system))
        })
}

/// Hours of an `xsd:duration` of whole hours (`PT150H` → 150).
fn whole_hours(duration: &str) -> Option<u64> {
    duration.strip_prefix("PT")?.strip_suffix('H')?.parse().ok()
}

/// `expected_study_time` (Council Recommendation element: notional workload, "in ECTS credits,
/// wherever possible"): the credits (ECTS, else the award's credit system) and the volume of
/// learning in hours, else the contact hours; `ects_credits` as a number.
fn workload_claims(claim: &Claim, out: &mut Map<String, Value>) {
    let mut parts = Vec::new();
    if let Some(ects) = claim.credits(ECTS) {
        parts.push(format!("{ects} ECTS credits"));
        if let Ok(n) = serde_json::from_str::<serde_json::Number>(&ects.to_string()) {
            out.insert("ects_credits".into(), Value::Number(n));
        }
    } else if let Some((point, system)) = other_credits(claim) {
        parts.push(format!("{point} credits ({system})"));
    }
    let volume = claim
        .specification()
        .and_then(|s| s.volume_of_learning.as_ref())
        .and_then(|l| l.as_str());
    match volume.map(|v| (v, whole_hours(v))) {
        Some((_, Some(h))) => parts.push(format!("{h} hours")),
        Some((raw, None)) => parts.push(raw.to_owned()),
        None => {}
    }
    if parts.is_empty() {
        let contact = specs(claim).find_map(|s| match s.extra.get("contactHour") {
            Some(Value::Array(a)) => a.first().and_then(Value::as_str).map(str::to_owned),
            Some(Value::String(h)) => Some(h.clone()),
            _ => None,
        });
        if let Some(h) = contact {
            parts.push(format!("{h} contact hours"));
        }
    }
    if !parts.is_empty() {
        out.insert(
            "expected_study_time".into(),
            Value::String(parts.join(", ")),
        );
    }
}

/// The SD-JWT VC Type Metadata document of the learning credential (SD-JWT VC draft §6.2,
/// draft -13 member names: `display[].locale`, `claims[].path`, `sd`, `mandatory`), built from
/// [`CLAIMS`]. `vct` is [`VCT`]; the issuer serves it at a URL of its own (docs/LEARNING_CREDENTIAL.md).
pub fn type_metadata() -> Value {
    let names = [
        ("en", "Learning credential", "A micro-credential, certificate of completion or of participation of the ENHANCE Alliance"),
        ("de", "Lernnachweis", "Ein Microcredential, Abschluss- oder Teilnahmezertifikat der ENHANCE-Allianz"),
        ("nl", "Leerbewijs", "Een microcredential, certificaat van voltooiing of van deelname van de ENHANCE-alliantie"),
        ("pl", "Poświadczenie uczenia się", "Mikropoświadczenie, certyfikat ukończenia lub uczestnictwa Sojuszu ENHANCE"),
    ];
    let display: Vec<Value> = names
        .iter()
        .map(|(locale, name, description)| json!({"locale": locale, "name": name, "description": description}))
        .collect();
    let claims: Vec<Value> = CLAIMS
        .iter()
        .map(|c| {
            let display: Vec<Value> = LABEL_LANGUAGES
                .iter()
                .zip(c.labels)
                .map(|(locale, label)| json!({"locale": locale, "label": label}))
                .collect();
            json!({"path": [c.name], "display": display, "sd": c.sd.as_str(), "mandatory": c.mandatory})
        })
        .collect();
    json!({
        "vct": VCT,
        "name": "EUDI learning credential (ENHANCE Alliance)",
        "description": "The EU reference issuer's learning credential claims, issued by ENHANCE Alliance universities from their European Digital Credentials (ELM v3.2).",
        "display": display,
        "claims": claims,
    })
}
