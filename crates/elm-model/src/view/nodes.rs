//! The typed nodes of a European Digital Credential as ELM v3.2 and its EDC application profile
//! (`edc-ap` context) define them: the credential itself (W3C VC Data Model 1.1 §4, with the VC 2.0
//! `validFrom`/`validUntil` EDC also uses), the issuer and awarding bodies (`Organisation`), the
//! learner (`Person`), the claims (`LearningAchievement`, `LearningActivity`, `LearningAssessment`,
//! `LearningEntitlement`) with their specifications, and display parameters.
//!
//! Each node has `id`, `types`, typed members named after the JSON keys of the `edc-ap` context,
//! and `extra` with every member it does not interpret (see [`super::part`]).

use chrono::{DateTime, FixedOffset};

use super::part::{node, Literal, Many, Text};
use super::Decimal;

/// `http://data.europa.eu/snb/education-credit/6fcec5c5af`: the ECTS credit framework concept.
pub const ECTS: &str = "http://data.europa.eu/snb/education-credit/6fcec5c5af";
/// Prefix of EQF level concepts (`.../eqf/6`).
pub const EQF_PREFIX: &str = "http://data.europa.eu/snb/eqf/";
/// Prefix of ISCED-F field concepts (`.../isced-f/0688`).
pub const ISCED_F_PREFIX: &str = "http://data.europa.eu/snb/isced-f/";

/// The last path segment of an IRI (`.../country/IRL` → `IRL`).
pub fn iri_code(iri: &str) -> &str {
    iri.rsplit(['/', '#', ':']).next().unwrap_or(iri)
}

node! {
    /// A controlled-vocabulary term (`skos:Concept`): country, language, EQF level, ECTS, ...
    pub struct Concept {
        /// `prefLabel`.
        "prefLabel" => pref_label: Option<Text>,
        /// `notation` (EDC writes the scheme's short name here, e.g. `country`).
        "notation" => notation: Option<Literal>,
        /// `inScheme`.
        "inScheme" => in_scheme: Many<Resource>,
        /// `definition`.
        "definition" => definition: Option<Text>,
    }
}

impl Concept {
    /// The concept's code: the last segment of its IRI (`IRL`, `6`, `0688`, `JPEG`).
    pub fn code(&self) -> Option<&str> {
        self.id().map(iri_code)
    }

    /// The label in `lang`, else English, else any.
    pub fn label(&self, lang: &str) -> Option<&str> {
        self.pref_label.as_ref().and_then(|t| t.best(lang))
    }
}

node! {
    /// Any node the view only names (`ConceptScheme`, `credentialSchema`, ...): `id`, `type`, `extra`.
    pub struct Resource {}
}

node! {
    /// A `Note`: free text (`noteLiteral`), used for grades, entry requirements, additional notes.
    pub struct Note {
        /// `noteLiteral`.
        "noteLiteral" => note_literal: Option<Text>,
        /// `subject` (the topic of the note, a concept).
        "subject" => subject: Many<Concept>,
    }
}

impl Note {
    /// The text in `lang`, else English, else any.
    pub fn text(&self, lang: &str) -> Option<&str> {
        self.note_literal.as_ref().and_then(|t| t.best(lang))
    }
}

node! {
    /// An `Identifier` or `LegalIdentifier` (eIDAS identifier, registration, national ID, student ID).
    pub struct Identifier {
        /// `notation`: the identifier itself.
        "notation" => notation: Option<Literal>,
        /// `schemeName` (`Student ID`).
        "schemeName" => scheme_name: Option<Literal>,
        /// `schemeId`.
        "schemeId" => scheme_id: Option<Literal>,
        /// `spatial`: the issuing country (LegalIdentifier).
        "spatial" => spatial: Many<Concept>,
    }
}

impl Identifier {
    /// The identifier's value.
    pub fn value(&self) -> Option<String> {
        self.notation.as_ref().and_then(Literal::text)
    }
    /// The scheme name.
    pub fn scheme(&self) -> Option<&str> {
        self.scheme_name.as_ref().and_then(Literal::as_str)
    }
    /// The country code of `spatial` (`ESP`).
    pub fn country_code(&self) -> Option<&str> {
        self.spatial.first().and_then(Concept::code)
    }
}

node! {
    /// A `WebResource` (homepage, supplementary document).
    pub struct WebResource {
        /// `contentURL`.
        "contentURL" => content_url: Option<Literal>,
        /// `title`.
        "title" => title: Option<Text>,
    }
}

node! {
    /// A `MediaObject`: an embedded file (display image, logo), base64 in `content`.
    pub struct MediaObject {
        /// `content` (base64 text, not decoded).
        "content" => content: Option<Literal>,
        /// `contentEncoding` (base64 concept).
        "contentEncoding" => content_encoding: Many<Concept>,
        /// `contentType` (file-type concept, e.g. `.../file-type/JPEG`).
        "contentType" => content_type: Many<Concept>,
        /// `contentSize`.
        "contentSize" => content_size: Option<Literal>,
        /// `contentURL`.
        "contentURL" => content_url: Option<Literal>,
    }
}

impl MediaObject {
    /// The EU file-type code (`JPEG`, `PNG`, `PDF`).
    pub fn file_type(&self) -> Option<&str> {
        self.content_type.first().and_then(Concept::code)
    }

    /// The IANA media type of the file (`image/jpeg`), from the EU file-type code.
    pub fn media_type(&self) -> Option<&'static str> {
        Some(match self.file_type()?.to_ascii_uppercase().as_str() {
            "JPEG" | "JPG" => "image/jpeg",
            "PNG" => "image/png",
            "GIF" => "image/gif",
            "SVG" => "image/svg+xml",
            "TIFF" => "image/tiff",
            "WEBP" => "image/webp",
            "PDF" | "PDF1X" | "PDFA1A" | "PDFA1B" | "PDFX" => "application/pdf",
            _ => return None,
        })
    }

    /// The base64 content, as written.
    pub fn content_base64(&self) -> Option<&str> {
        self.content.as_ref().and_then(Literal::as_str)
    }
}

node! {
    /// An `Address`.
    pub struct Address {
        /// `countryCode`.
        "countryCode" => country_code: Many<Concept>,
        /// `fullAddress`.
        "fullAddress" => full_address: Many<Note>,
    }
}

node! {
    /// A `Location`.
    pub struct Location {
        /// `address`.
        "address" => address: Many<Address>,
        /// `description`.
        "description" => description: Option<Text>,
        /// `spatialCode`.
        "spatialCode" => spatial_code: Many<Concept>,
    }
}

impl Location {
    /// The country of the first address.
    pub fn country(&self) -> Option<&Concept> {
        self.address.iter().find_map(|a| a.country_code.first())
    }
}

node! {
    /// An `Organisation`: the issuer, an awarding body, an assessor.
    pub struct Organisation {
        /// `legalName`.
        "legalName" => legal_name: Option<Text>,
        /// `altLabel`.
        "altLabel" => alt_label: Option<Text>,
        /// `eIDASIdentifier` (set when the EU's issuer seals).
        "eIDASIdentifier" => eidas_identifier: Many<Identifier>,
        /// `registration`.
        "registration" => registration: Many<Identifier>,
        /// `vatIdentifier`.
        "vatIdentifier" => vat_identifier: Many<Identifier>,
        /// `identifier`.
        "identifier" => identifier: Many<Identifier>,
        /// `location`.
        "location" => location: Many<Location>,
        /// `logo`.
        "logo" => logo: Many<MediaObject>,
        /// `homepage`.
        "homepage" => homepage: Many<WebResource>,
    }
}

impl Organisation {
    /// The legal name in `lang`, else English, else any.
    pub fn legal_name(&self, lang: &str) -> Option<&str> {
        self.legal_name.as_ref().and_then(|t| t.best(lang))
    }

    /// The organisation's country: the first location's address, else the eIDAS identifier's
    /// country, else the registration's.
    pub fn country(&self) -> Option<&Concept> {
        self.location
            .iter()
            .find_map(Location::country)
            .or_else(|| self.eidas_identifier.iter().find_map(|i| i.spatial.first()))
            .or_else(|| self.registration.iter().find_map(|i| i.spatial.first()))
    }

    /// The country's code (`IRL`).
    pub fn country_code(&self) -> Option<&str> {
        self.country().and_then(Concept::code)
    }

    /// The eIDAS legal identifier's notation (`VATES-A00000000`).
    pub fn eidas_notation(&self) -> Option<String> {
        self.eidas_identifier.first().and_then(Identifier::value)
    }

    /// The eIDAS legal identifier's country code (`ESP`).
    pub fn eidas_country_code(&self) -> Option<&str> {
        self.eidas_identifier
            .first()
            .and_then(Identifier::country_code)
    }
}

node! {
    /// The learner: `credentialSubject`, a `Person`.
    pub struct Person {
        /// `givenName`.
        "givenName" => given_name: Option<Text>,
        /// `familyName`.
        "familyName" => family_name: Option<Text>,
        /// `fullName`.
        "fullName" => full_name: Option<Text>,
        /// `birthName`.
        "birthName" => birth_name: Option<Text>,
        /// `dateOfBirth`.
        "dateOfBirth" => date_of_birth: Option<Literal>,
        /// `placeOfBirth`.
        "placeOfBirth" => place_of_birth: Many<Location>,
        /// `citizenshipCountry` (nationality).
        "citizenshipCountry" => citizenship_country: Many<Concept>,
        /// `nationalID`.
        "nationalID" => national_id: Many<Identifier>,
        /// `identifier` (student ID, wallet ID).
        "identifier" => identifier: Many<Identifier>,
        /// `gender`.
        "gender" => gender: Many<Concept>,
        /// `hasClaim`: what the credential says about the learner.
        "hasClaim" => has_claim: Many<Claim>,
    }
}

impl Person {
    /// The full name in `lang` (else English, else any), else given and family name joined.
    pub fn full_name(&self, lang: &str) -> Option<String> {
        if let Some(n) = self.full_name.as_ref().and_then(|t| t.best(lang)) {
            return Some(n.to_owned());
        }
        let parts: Vec<&str> = [&self.given_name, &self.family_name]
            .into_iter()
            .filter_map(|t| t.as_ref().and_then(|t| t.best(lang)))
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

/// Which of ELM's four claim classes a [`Claim`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClaimKind {
    /// `LearningAchievement`.
    Achievement,
    /// `LearningActivity`.
    Activity,
    /// `LearningAssessment`.
    Assessment,
    /// `LearningEntitlement`.
    Entitlement,
    /// Another or no `type`.
    Other,
}

node! {
    /// A claim (`LearningAchievement`, `LearningActivity`, `LearningAssessment`,
    /// `LearningEntitlement`), with the members of all four classes.
    pub struct Claim {
        /// `title`.
        "title" => title: Option<Text>,
        /// `description`.
        "description" => description: Option<Text>,
        /// `awardedBy`: the awarding process, naming the awarding body.
        "awardedBy" => awarded_by: Many<AwardingProcess>,
        /// `specifiedBy`: what was achieved, taken part in, assessed, entitled to.
        "specifiedBy" => specified_by: Many<Specification>,
        /// `provenBy` (achievement): assessments.
        "provenBy" => proven_by: Many<Claim>,
        /// `influencedBy` (achievement): activities.
        "influencedBy" => influenced_by: Many<Claim>,
        /// `entitlesTo` (achievement): entitlements.
        "entitlesTo" => entitles_to: Many<Claim>,
        /// `hasPart`: sub-claims (programme units, subject results).
        "hasPart" => has_part: Many<Claim>,
        /// `isPartOf`.
        "isPartOf" => is_part_of: Many<Claim>,
        /// `creditReceived`.
        "creditReceived" => credit_received: Many<CreditPoint>,
        /// `additionalNote`.
        "additionalNote" => additional_note: Many<Note>,
        /// `grade` (assessment).
        "grade" => grade: Many<Note>,
        /// `idVerification` (assessment).
        "idVerification" => id_verification: Many<Concept>,
        /// `assessedBy` (assessment).
        "assessedBy" => assessed_by: Many<Organisation>,
        /// `temporal` (activity): when it took place.
        "temporal" => temporal: Many<PeriodOfTime>,
        /// `directedBy` (activity).
        "directedBy" => directed_by: Many<Organisation>,
        /// `workload` (activity, `xsd:duration`).
        "workload" => workload: Option<Literal>,
    }
}

impl Claim {
    /// Which claim class this is.
    pub fn kind(&self) -> ClaimKind {
        for t in &self.types {
            match t.as_str() {
                "LearningAchievement" => return ClaimKind::Achievement,
                "LearningActivity" => return ClaimKind::Activity,
                "LearningAssessment" => return ClaimKind::Assessment,
                "LearningEntitlement" => return ClaimKind::Entitlement,
                _ => {}
            }
        }
        ClaimKind::Other
    }

    /// The title in `lang`, else English, else any; else the specification's title.
    pub fn title(&self, lang: &str) -> Option<&str> {
        self.title
            .as_ref()
            .and_then(|t| t.best(lang))
            .or_else(|| self.specification().and_then(|s| s.title(lang)))
    }

    /// The first specification (`specifiedBy`).
    pub fn specification(&self) -> Option<&Specification> {
        self.specified_by.first()
    }

    /// The awarding bodies named in this claim's awarding processes (not its parts').
    pub fn awarding_bodies(&self) -> impl Iterator<Item = &Organisation> {
        self.awarded_by.iter().flat_map(|p| p.awarding_body.iter())
    }

    /// The first grade's text in `lang` (else English, else any).
    pub fn grade(&self, lang: &str) -> Option<&str> {
        self.grade.iter().find_map(|n| n.text(lang))
    }

    /// The first period (`temporal`).
    pub fn period(&self) -> Option<&PeriodOfTime> {
        self.temporal.first()
    }

    /// Direct children in the claims tree: `hasPart`, `provenBy`, `influencedBy`, `entitlesTo`.
    pub fn children(&self) -> impl Iterator<Item = &Claim> {
        self.has_part
            .iter()
            .chain(self.proven_by.iter())
            .chain(self.influenced_by.iter())
            .chain(self.entitles_to.iter())
    }

    /// Credits of this claim in `framework` (a concept IRI): `creditReceived` if given, else the
    /// specification's `creditPoint`, else the sum over `hasPart`. `None` when nothing says.
    pub fn credits(&self, framework: &str) -> Option<Decimal> {
        sum_credits(&self.credit_received, framework)
            .or_else(|| self.specified_by.iter().find_map(|s| s.credits(framework)))
            .or_else(|| {
                let parts: Vec<Decimal> = self
                    .has_part
                    .iter()
                    .filter_map(|p| p.credits(framework))
                    .collect();
                (!parts.is_empty()).then(|| parts.into_iter().sum())
            })
    }
}

fn sum_credits(points: &[CreditPoint], framework: &str) -> Option<Decimal> {
    let matching: Vec<Decimal> = points
        .iter()
        .filter(|c| c.framework_iri() == Some(framework))
        .filter_map(CreditPoint::point_decimal)
        .collect();
    (!matching.is_empty()).then(|| matching.into_iter().sum())
}

node! {
    /// An `AwardingProcess`.
    pub struct AwardingProcess {
        /// `awardingBody`.
        "awardingBody" => awarding_body: Many<Organisation>,
        /// `awardingDate`.
        "awardingDate" => awarding_date: Option<Literal>,
        /// `description`.
        "description" => description: Option<Text>,
    }
}

node! {
    /// A `PeriodOfTime`.
    pub struct PeriodOfTime {
        /// `startDate`.
        "startDate" => start_date: Option<Literal>,
        /// `endDate`.
        "endDate" => end_date: Option<Literal>,
    }
}

impl PeriodOfTime {
    /// The start, parsed.
    pub fn start(&self) -> Option<DateTime<FixedOffset>> {
        self.start_date.as_ref().and_then(Literal::datetime)
    }
    /// The end, parsed.
    pub fn end(&self) -> Option<DateTime<FixedOffset>> {
        self.end_date.as_ref().and_then(Literal::datetime)
    }
}

node! {
    /// A `CreditPoint`: `point` credits in `framework` (ECTS).
    pub struct CreditPoint {
        /// `framework`.
        "framework" => framework: Many<Concept>,
        /// `point` (an `xsd:string` holding a number).
        "point" => point: Option<Literal>,
    }
}

impl CreditPoint {
    /// The framework concept's IRI.
    pub fn framework_iri(&self) -> Option<&str> {
        self.framework.first().and_then(Concept::id)
    }
    /// The point as written (`"2"`).
    pub fn point_str(&self) -> Option<String> {
        self.point.as_ref().and_then(Literal::text)
    }
    /// The point as an exact decimal.
    pub fn point_decimal(&self) -> Option<Decimal> {
        self.point.as_ref().and_then(Literal::as_decimal)
    }
}

node! {
    /// A `LearningOutcome`.
    pub struct LearningOutcome {
        /// `title`.
        "title" => title: Option<Text>,
        /// `relatedESCOSkill`.
        "relatedESCOSkill" => related_esco_skill: Many<Concept>,
        /// `relatedSkill`.
        "relatedSkill" => related_skill: Many<Concept>,
        /// `reusabilityLevel`.
        "reusabilityLevel" => reusability_level: Many<Concept>,
    }
}

impl LearningOutcome {
    /// The title in `lang`, else English, else any.
    pub fn title(&self, lang: &str) -> Option<&str> {
        self.title.as_ref().and_then(|t| t.best(lang))
    }
}

node! {
    /// A `GradingScheme`.
    pub struct GradingScheme {
        /// `title`.
        "title" => title: Option<Text>,
        /// `description`.
        "description" => description: Option<Text>,
    }
}

node! {
    /// A specification (`Qualification`, `LearningAchievementSpecification`,
    /// `LearningActivitySpecification`, `LearningAssessmentSpecification`,
    /// `LearningEntitlementSpecification`), with the members of all of them.
    pub struct Specification {
        /// `title`.
        "title" => title: Option<Text>,
        /// `description`.
        "description" => description: Option<Text>,
        /// `dcType` (kind of learning opportunity, activity, assessment).
        "dcType" => dc_type: Many<Concept>,
        /// `eqfLevel` (Qualification).
        "eqfLevel" => eqf_level: Many<Concept>,
        /// `nqfLevel`.
        "nqfLevel" => nqf_level: Many<Concept>,
        /// `educationLevel`.
        "educationLevel" => education_level: Many<Concept>,
        /// `thematicArea` (ISCED-F codes).
        "thematicArea" => thematic_area: Many<Concept>,
        /// `creditPoint`.
        "creditPoint" => credit_point: Many<CreditPoint>,
        /// `volumeOfLearning` (`xsd:duration`).
        "volumeOfLearning" => volume_of_learning: Option<Literal>,
        /// `maximumDuration` (`xsd:duration`).
        "maximumDuration" => maximum_duration: Option<Literal>,
        /// `mode` (online, blended, in person).
        "mode" => mode: Many<Concept>,
        /// `learningSetting` (formal, non-formal).
        "learningSetting" => learning_setting: Many<Concept>,
        /// `language`.
        "language" => language: Many<Concept>,
        /// `learningOutcome`.
        "learningOutcome" => learning_outcome: Many<LearningOutcome>,
        /// `learningOutcomeSummary`.
        "learningOutcomeSummary" => learning_outcome_summary: Many<Note>,
        /// `entryRequirement`.
        "entryRequirement" => entry_requirement: Many<Note>,
        /// `additionalNote`.
        "additionalNote" => additional_note: Many<Note>,
        /// `isPartialQualification`.
        "isPartialQualification" => is_partial_qualification: Option<Literal>,
        /// `gradingScheme` (assessment specification).
        "gradingScheme" => grading_scheme: Many<GradingScheme>,
        /// `entitlementStatus` (entitlement specification).
        "entitlementStatus" => entitlement_status: Many<Concept>,
        /// `targetGroup`.
        "targetGroup" => target_group: Many<Concept>,
        /// `hasPart`.
        "hasPart" => has_part: Many<Specification>,
        /// `isPartOf`.
        "isPartOf" => is_part_of: Many<Specification>,
        /// `homepage`.
        "homepage" => homepage: Many<WebResource>,
        /// `supplementaryDocument`.
        "supplementaryDocument" => supplementary_document: Many<WebResource>,
    }
}

impl Specification {
    /// The title in `lang`, else English, else any.
    pub fn title(&self, lang: &str) -> Option<&str> {
        self.title.as_ref().and_then(|t| t.best(lang))
    }

    /// The EQF level's IRI (`http://data.europa.eu/snb/eqf/6`): `eqfLevel` (on a `Qualification`),
    /// else an `educationLevel` from the EQF scheme (how a plain
    /// `LearningAchievementSpecification` states it).
    pub fn eqf_level_iri(&self) -> Option<&str> {
        self.eqf_level.first().and_then(Concept::id).or_else(|| {
            self.education_level
                .iter()
                .filter_map(Concept::id)
                .find(|id| id.starts_with(EQF_PREFIX))
        })
    }

    /// The EQF level as a number 1-8.
    pub fn eqf_level_number(&self) -> Option<u8> {
        let iri = self.eqf_level_iri()?;
        iri.strip_prefix(EQF_PREFIX)
            .unwrap_or(iri_code(iri))
            .parse()
            .ok()
            .filter(|n| (1..=8).contains(n))
    }

    /// The ISCED-F codes of `thematicArea` (`["003", "0688"]`).
    pub fn isced_f_codes(&self) -> Vec<&str> {
        self.thematic_area
            .iter()
            .filter_map(Concept::code)
            .collect()
    }

    /// The sum of `creditPoint`s in `framework`.
    pub fn credits(&self, framework: &str) -> Option<Decimal> {
        sum_credits(&self.credit_point, framework)
    }

    /// ECTS credits.
    pub fn ects(&self) -> Option<Decimal> {
        self.credits(ECTS)
    }
}

node! {
    /// `displayParameter`: how the credential is shown (titles, languages, page images).
    pub struct DisplayParameter {
        /// `title`.
        "title" => title: Option<Text>,
        /// `description`.
        "description" => description: Option<Text>,
        /// `primaryLanguage`.
        "primaryLanguage" => primary_language: Many<Concept>,
        /// `language`.
        "language" => language: Many<Concept>,
        /// `individualDisplay`: one per language.
        "individualDisplay" => individual_display: Many<IndividualDisplay>,
        /// `summaryDisplay`.
        "summaryDisplay" => summary_display: Option<Literal>,
    }
}

node! {
    /// An `IndividualDisplay`: the rendering in one language.
    pub struct IndividualDisplay {
        /// `language`.
        "language" => language: Many<Concept>,
        /// `displayDetail`: one per page.
        "displayDetail" => display_detail: Many<DisplayDetail>,
    }
}

node! {
    /// A `DisplayDetail`: one page image.
    pub struct DisplayDetail {
        /// `image`.
        "image" => image: Many<MediaObject>,
        /// `page`.
        "page" => page: Option<Literal>,
    }
}

node! {
    /// A `credentialStatus` entry (EDC `CredentialStatus`, W3C Bitstring / StatusList2021 entries).
    pub struct CredentialStatus {
        /// `statusPurpose` (`revocation`, `suspension`).
        "statusPurpose" => status_purpose: Option<Literal>,
        /// `statusListIndex`.
        "statusListIndex" => status_list_index: Option<Literal>,
        /// `statusListCredential`.
        "statusListCredential" => status_list_credential: Option<Literal>,
    }
}

node! {
    /// A Data Integrity `proof` (VC Data Integrity 1.0), or EDC's placeholder `Proof`.
    pub struct Proof {
        /// `cryptosuite` (`eddsa-rdfc-2022`).
        "cryptosuite" => cryptosuite: Option<Literal>,
        /// `verificationMethod`.
        "verificationMethod" => verification_method: Option<Literal>,
        /// `proofPurpose`.
        "proofPurpose" => proof_purpose: Option<Literal>,
        /// `created`.
        "created" => created: Option<Literal>,
        /// `proofValue`.
        "proofValue" => proof_value: Option<Literal>,
        /// `jws`.
        "jws" => jws: Option<Literal>,
    }
}

node! {
    /// An `Evidence` (e.g. the mandate EDC adds when the sealer is not the awarding body).
    pub struct Evidence {
        /// `dcType` (`.../evidence-type/c_18016257`: Mandate).
        "dcType" => dc_type: Many<Concept>,
        /// `evidenceStatement`.
        "evidenceStatement" => evidence_statement: Option<Literal>,
    }
}

node! {
    /// The credential: a `VerifiableCredential` + `EuropeanDigitalCredential`.
    pub struct Credential {
        /// `@context`.
        "@context" => context: Many<Literal>,
        /// `credentialProfiles`.
        "credentialProfiles" => credential_profiles: Many<Concept>,
        /// `displayParameter`.
        "displayParameter" => display_parameter: Many<DisplayParameter>,
        /// `identifier`.
        "identifier" => identifier: Many<Identifier>,
        /// `issuer`.
        "issuer" => issuer: Many<Organisation>,
        /// `credentialSubject`.
        "credentialSubject" => credential_subject: Many<Person>,
        /// `credentialSchema`.
        "credentialSchema" => credential_schema: Many<Resource>,
        /// `issuanceDate` (VC 1.1).
        "issuanceDate" => issuance_date: Option<Literal>,
        /// `issued` (ELM: when it was sealed).
        "issued" => issued: Option<Literal>,
        /// `validFrom`.
        "validFrom" => valid_from: Option<Literal>,
        /// `validUntil`.
        "validUntil" => valid_until: Option<Literal>,
        /// `expirationDate` (VC 1.1).
        "expirationDate" => expiration_date: Option<Literal>,
        /// `credentialStatus`.
        "credentialStatus" => credential_status: Many<CredentialStatus>,
        /// `evidence`.
        "evidence" => evidence: Many<Evidence>,
        /// `proof`.
        "proof" => proof: Many<Proof>,
        /// `sec:proof` (as the ELM 3.2 sample writes it).
        "sec:proof" => sec_proof: Many<Proof>,
    }
}
