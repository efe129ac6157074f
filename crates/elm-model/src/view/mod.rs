//! Parse-back typed view of a European Digital Credential (ELM v3.2, EDC application profile):
//! reads any EDC credential, sealed or not, into read-only typed parts for rendering, verification
//! (who awarded each claim) and stackability checks (which units, how many credits, which learner).
//!
//! Accepted inputs ([`CredentialView::from_json`], [`CredentialView::from_slice`]):
//! - a plain credential (W3C VC Data Model 1.1 §4 with the `edc-ap` context; also the VC 2.0
//!   flavour EBSI uses);
//! - the EDC upload wrapper `{"credential": {...}}`;
//! - a JAdES-sealed credential in JWS JSON serialization ([`seal`]: RFC 7515 §7.2, RFC 7797
//!   `b64: false`, ETSI TS 119 182-1), whose `payload` is the credential.
//!
//! Reading is tolerant the way JSON-LD is: any property may hold one value or an array, a node may
//! be a bare IRI, language maps may be `{"en": "x"}` or `{"en": ["x"]}`. Nothing is lost: every
//! node keeps the members it does not interpret in `extra` and remembers the form it was read
//! from, so [`CredentialView::to_json`] rebuilds the input exactly (see [`part`]); the view also
//! keeps the original JSON ([`CredentialView::original`]) and, for a sealed credential, the payload
//! string the signature covers.

pub mod decimal;
pub mod error;
pub mod nodes;
pub mod part;
pub mod seal;

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::{Map, Value};

pub use decimal::{Decimal, DecimalError};
pub use error::{Path, ViewError};
pub use nodes::{
    iri_code, Address, AwardingProcess, Claim, ClaimKind, Concept, Credential, CredentialStatus,
    CreditPoint, DisplayDetail, DisplayParameter, Evidence, GradingScheme, Identifier,
    IndividualDisplay, LearningOutcome, Location, MediaObject, Note, Organisation, PeriodOfTime,
    Person, Proof, Resource, Specification, WebResource, ECTS, EQF_PREFIX, ISCED_F_PREFIX,
};
pub use part::{parse_datetime, Literal, Many, Text, ViewPart, UNDETERMINED};
pub use seal::{Seal, SealSignature};

/// What the credential came wrapped in.
#[derive(Debug, Clone, PartialEq)]
pub enum Envelope {
    /// A bare credential.
    Plain,
    /// The EDC upload wrapper `{"credential": {...}}`; `extra` holds its other members.
    Upload {
        /// Members of the wrapper other than `credential`.
        extra: Map<String, Value>,
    },
    /// A JAdES seal (JWS JSON serialization) whose payload is the credential.
    Sealed(Seal),
}

/// A European Digital Credential read into typed parts. Read-only by design: the typed parts
/// are public for inspection, and [`CredentialView::to_json`] rebuilds the JSON they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialView {
    credential: Credential,
    envelope: Envelope,
    original: Value,
}

const TOP_LEVEL_EXPECTED: &str =
    "a credential object, an upload wrapper {\"credential\": ...} or a JWS JSON serialization";

fn read_credential(value: &Value, root: &str) -> Result<Credential, ViewError> {
    let path = Path::root(root);
    let obj = match value {
        Value::Object(o) => o,
        other => return Err(ViewError::type_at(&path, "a credential object", other)),
    };
    if matches!(obj.get("credentialSubject"), None | Some(Value::Null)) {
        return Err(ViewError::Missing {
            path: path.key("credentialSubject").to_string(),
            expected: "the learner (credentialSubject, a Person object): not a credential",
        });
    }
    Credential::from_value(value, &path)
}

/// The claims of a plain credential (each `credentialSubject`'s `hasClaim`, with their parts),
/// read as [`CredentialView::claims`] reads them but without reading the rest of the credential
/// (issuer, display images, evidence, ...): for checks that need the claims only, on the
/// verification path. `Ok(vec![])` when there is no subject or no claim.
pub fn read_claims(credential: &Value) -> Result<Vec<Claim>, ViewError> {
    use part::ViewPart as _;
    claims_read_with(credential, Claim::from_value)
}

/// `value` as one item or an array of items (absent or `null`: none), each read at its path.
fn one_or_many<T>(
    value: Option<&Value>,
    path: &Path<'_>,
    mut read: impl FnMut(&Value, &Path<'_>) -> Result<T, ViewError>,
) -> Result<Vec<T>, ViewError> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, v)| read(v, &path.index(i)))
            .collect(),
        Some(one) => Ok(vec![read(one, path)?]),
    }
}

/// Each `credentialSubject`'s `hasClaim` items, read by `read`: how [`read_claims`] and
/// [`read_awarded_claims`] find the claims.
fn claims_read_with<T>(
    credential: &Value,
    read: impl Fn(&Value, &Path<'_>) -> Result<T, ViewError>,
) -> Result<Vec<T>, ViewError> {
    let root = Path::root("$");
    let subjects = root.key("credentialSubject");
    let per_subject = one_or_many(
        credential.get("credentialSubject"),
        &subjects,
        |subject, path| one_or_many(subject.get("hasClaim"), &path.key("hasClaim"), &read),
    )?;
    Ok(per_subject.into_iter().flatten().collect())
}

/// A claim as far as who awarded it: its id, title, awarding processes and the claims under
/// it, read without the rest of the claim (specifications, learning outcomes, grades, notes:
/// the typed [`Claim`] copies all of them). For the verifier's awarding-body check, on the
/// verification path of every credential.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AwardedClaim {
    /// `id`.
    pub id: Option<String>,
    /// `title`.
    title: Option<Text>,
    /// `title` of the first `specifiedBy` ([`Claim::title`] falls back to it).
    specification_title: Option<Text>,
    /// `awardedBy`: the awarding processes, naming the awarding bodies.
    pub awarded_by: Many<AwardingProcess>,
    /// The claims under it, in [`Claim::children`] order (`hasPart`, `provenBy`,
    /// `influencedBy`, `entitlesTo`).
    pub children: Vec<AwardedClaim>,
}

impl AwardedClaim {
    /// The claim's IRI.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The title in `lang` (else English, else any), else its specification's (as [`Claim::title`]).
    pub fn title(&self, lang: &str) -> Option<&str> {
        self.title
            .as_ref()
            .and_then(|t| t.best(lang))
            .or_else(|| self.specification_title.as_ref().and_then(|t| t.best(lang)))
    }

    /// The awarding bodies named in this claim's awarding processes (not its parts').
    pub fn awarding_bodies(&self) -> impl Iterator<Item = &Organisation> {
        self.awarded_by.iter().flat_map(|p| p.awarding_body.iter())
    }

    /// Reads the members named above; members it does not read are not checked (the format
    /// check's SHACL shapes are).
    fn from_value(value: &Value, path: &Path<'_>) -> Result<Self, ViewError> {
        let map = match value {
            Value::Object(map) => map,
            Value::String(iri) => {
                return Ok(Self {
                    id: Some(iri.clone()),
                    ..Self::default()
                })
            }
            other => {
                return Err(ViewError::type_at(
                    path,
                    "a Claim object (or its IRI)",
                    other,
                ))
            }
        };
        fn field<F: part::Field>(
            map: &Map<String, Value>,
            key: &'static str,
            path: &Path<'_>,
        ) -> Result<F, ViewError> {
            match map.get(key) {
                None | Some(Value::Null) => Ok(F::default()),
                Some(v) => F::read_field(v, &path.key(key)),
            }
        }
        let specification_title = match map.get("specifiedBy") {
            Some(Value::Array(list)) => list.first(),
            other => other,
        }
        .and_then(Value::as_object)
        .and_then(|spec| spec.get("title"))
        .filter(|t| !t.is_null())
        .map(|t| Text::from_value(t, path))
        .transpose()?;
        let mut children = Vec::new();
        for key in ["hasPart", "provenBy", "influencedBy", "entitlesTo"] {
            children.extend(one_or_many(map.get(key), &path.key(key), Self::from_value)?);
        }
        Ok(Self {
            id: field(map, "id", path)?,
            title: field(map, "title", path)?,
            specification_title,
            awarded_by: field(map, "awardedBy", path)?,
            children,
        })
    }
}

/// The claims of a plain credential as [`read_claims`] finds them, each read as an
/// [`AwardedClaim`] only.
pub fn read_awarded_claims(credential: &Value) -> Result<Vec<AwardedClaim>, ViewError> {
    claims_read_with(credential, AwardedClaim::from_value)
}

/// Every claim in the trees of `claims`, depth first (as [`all_claims_of`]).
pub fn all_awarded_claims(claims: &[AwardedClaim]) -> Vec<&AwardedClaim> {
    fn walk<'a>(c: &'a AwardedClaim, out: &mut Vec<&'a AwardedClaim>) {
        out.push(c);
        c.children.iter().for_each(|child| walk(child, out));
    }
    let mut out = Vec::new();
    for c in claims {
        walk(c, &mut out);
    }
    out
}

/// Every claim in the trees of `claims`, depth first (as [`CredentialView::all_claims`]).
pub fn all_claims_of(claims: &[Claim]) -> Vec<&Claim> {
    fn walk<'a>(c: &'a Claim, out: &mut Vec<&'a Claim>) {
        out.push(c);
        c.children().for_each(|child| walk(child, out));
    }
    let mut out = Vec::new();
    for c in claims {
        walk(c, &mut out);
    }
    out
}

impl CredentialView {
    /// Reads a credential, an upload wrapper or a sealed credential from parsed JSON.
    pub fn from_json(value: &Value) -> Result<Self, ViewError> {
        let obj = match value {
            Value::Object(o) => o,
            other => {
                return Err(ViewError::type_at(
                    &Path::root("$"),
                    TOP_LEVEL_EXPECTED,
                    other,
                ))
            }
        };
        let (credential, envelope) = if Seal::detect(obj) {
            let (seal, inner) = Seal::read(obj)?;
            (
                read_credential(&inner, "$.payload")?,
                Envelope::Sealed(seal),
            )
        } else if !obj.contains_key("credentialSubject")
            && obj.get("credential").is_some_and(Value::is_object)
        {
            let inner = obj.get("credential").unwrap_or(&Value::Null);
            let extra = obj
                .iter()
                .filter(|(k, _)| *k != "credential")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            (
                read_credential(inner, "$.credential")?,
                Envelope::Upload { extra },
            )
        } else {
            (read_credential(value, "$")?, Envelope::Plain)
        };
        Ok(Self {
            credential,
            envelope,
            original: value.clone(),
        })
    }

    /// Reads from JSON bytes (a `.jsonld` / `.json` file's content).
    pub fn from_slice(bytes: &[u8]) -> Result<Self, ViewError> {
        let value: Value = strict_json::from_slice(bytes).map_err(|e| ViewError::Json {
            path: e.path().to_owned(),
            message: e.to_string(),
        })?;
        Self::from_json(&value)
    }

    /// The typed credential.
    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// The JSON exactly as given to [`CredentialView::from_json`].
    pub fn original(&self) -> &Value {
        &self.original
    }

    /// What the credential came wrapped in.
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    /// Whether the credential came sealed (JAdES JWS JSON serialization).
    pub fn is_sealed(&self) -> bool {
        matches!(self.envelope, Envelope::Sealed(_))
    }

    /// The seal, for a sealed credential.
    pub fn seal(&self) -> Option<&Seal> {
        match &self.envelope {
            Envelope::Sealed(s) => Some(s),
            _ => None,
        }
    }

    /// The JWS payload exactly as sealed (the bytes the signature covers when `b64: false`).
    pub fn payload(&self) -> Option<&str> {
        self.seal().map(|s| s.payload.as_str())
    }

    /// Rebuilds the whole input (envelope included) from the typed parts: equal to
    /// [`CredentialView::original`] for anything read, member order included. A sealed payload
    /// is written back as the original string, never re-serialised.
    pub fn to_json(&self) -> Value {
        match &self.envelope {
            Envelope::Plain => self.credential.to_value(),
            Envelope::Upload { extra } => {
                let mut out = Map::new();
                out.insert("credential".into(), self.credential.to_value());
                out.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
                Value::Object(out)
            }
            Envelope::Sealed(seal) => seal.to_value(),
        }
    }

    /// Rebuilds the credential itself (without envelope) from the typed parts.
    pub fn credential_json(&self) -> Value {
        self.credential.to_value()
    }

    // ---- credential-level members ----

    /// The credential's `id`.
    pub fn id(&self) -> Option<&str> {
        self.credential.id()
    }

    /// The credential's `type`s.
    pub fn types(&self) -> Vec<&str> {
        self.credential.types.iter().map(String::as_str).collect()
    }

    /// The `@context` IRIs (inline context objects are skipped).
    pub fn contexts(&self) -> Vec<&str> {
        self.credential
            .context
            .iter()
            .filter_map(Literal::as_str)
            .collect()
    }

    /// The issuer (the sealing organisation).
    pub fn issuer(&self) -> Option<&Organisation> {
        self.credential.issuer.first()
    }

    /// The credential profiles (`Generic`, `Diploma Supplement`, ...).
    pub fn credential_profiles(&self) -> &[Concept] {
        &self.credential.credential_profiles
    }

    /// The display parameters.
    pub fn display(&self) -> Option<&DisplayParameter> {
        self.credential.display_parameter.first()
    }

    /// When it was issued: `issued`, else `issuanceDate`.
    pub fn issued_at(&self) -> Option<DateTime<FixedOffset>> {
        let c = &self.credential;
        c.issued
            .as_ref()
            .or(c.issuance_date.as_ref())
            .and_then(Literal::datetime)
    }

    /// From when it is valid: `validFrom`, else `issuanceDate`.
    pub fn valid_from(&self) -> Option<DateTime<FixedOffset>> {
        let c = &self.credential;
        c.valid_from
            .as_ref()
            .or(c.issuance_date.as_ref())
            .and_then(Literal::datetime)
    }

    /// Until when it is valid: `validUntil`, else `expirationDate`.
    pub fn valid_until(&self) -> Option<DateTime<FixedOffset>> {
        let c = &self.credential;
        c.valid_until
            .as_ref()
            .or(c.expiration_date.as_ref())
            .and_then(Literal::datetime)
    }

    /// `credentialStatus` entries.
    pub fn credential_status(&self) -> &[CredentialStatus] {
        &self.credential.credential_status
    }

    /// Data Integrity proofs (`proof` and `sec:proof`).
    pub fn proofs(&self) -> impl Iterator<Item = &Proof> {
        self.credential
            .proof
            .iter()
            .chain(self.credential.sec_proof.iter())
    }

    /// `evidence`.
    pub fn evidence(&self) -> &[Evidence] {
        &self.credential.evidence
    }

    /// The credential's title in `lang` (else English, else any): the display title, else the
    /// main claim's title.
    pub fn title(&self, lang: &str) -> Option<&str> {
        self.display()
            .and_then(|d| d.title.as_ref())
            .and_then(|t| t.best(lang))
            .or_else(|| self.main_claim().and_then(|c| c.title(lang)))
    }

    // ---- the learner ----

    /// The learner (the first `credentialSubject`).
    pub fn learner(&self) -> Option<&Person> {
        self.credential.credential_subject.first()
    }

    /// The learner's full name (English, else any language), else given + family name.
    pub fn learner_full_name(&self) -> Option<String> {
        self.learner().and_then(|p| p.full_name("en"))
    }

    /// The learner's date of birth: the calendar date as written in `dateOfBirth`. EDC writes a
    /// UTC instant (`1999-10-01T22:00:00Z` for someone born on 2 October in Central Europe), and
    /// this returns its date part without guessing a time zone; the raw value is
    /// `learner().date_of_birth`.
    pub fn learner_date_of_birth(&self) -> Option<NaiveDate> {
        self.learner()
            .and_then(|p| p.date_of_birth.as_ref())
            .and_then(Literal::date)
    }

    /// The learner's identifiers: `identifier`s (student ID, ...), then `nationalID`s.
    pub fn learner_identifiers(&self) -> Vec<&Identifier> {
        self.learner()
            .map(|p| p.identifier.iter().chain(p.national_id.iter()).collect())
            .unwrap_or_default()
    }

    // ---- the claims tree ----

    /// The top-level claims (`hasClaim` of every subject).
    pub fn claims(&self) -> Vec<&Claim> {
        self.credential
            .credential_subject
            .iter()
            .flat_map(|p| p.has_claim.iter())
            .collect()
    }

    /// The main claim: the first top-level `LearningAchievement`, else the first claim.
    pub fn main_claim(&self) -> Option<&Claim> {
        let claims = self.claims();
        claims
            .iter()
            .find(|c| c.kind() == ClaimKind::Achievement)
            .or_else(|| claims.first())
            .copied()
    }

    /// Every claim in the tree, depth first: top-level claims and, below each, its `hasPart`,
    /// `provenBy`, `influencedBy` and `entitlesTo` claims.
    pub fn all_claims(&self) -> Vec<&Claim> {
        let mut out = Vec::new();
        for c in self.claims() {
            out.extend(all_claims_of(std::slice::from_ref(c)));
        }
        out
    }

    /// The units: the `hasPart` claims of the main claim.
    pub fn units(&self) -> &[Claim] {
        self.main_claim()
            .map(|c| c.has_part.as_slice())
            .unwrap_or(&[])
    }

    /// All distinct awarding bodies named anywhere in the claims tree, in order of first mention
    /// (distinct by `id`, or by legal name for a body without one).
    pub fn awarding_bodies(&self) -> Vec<&Organisation> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for claim in self.all_claims() {
            for body in claim.awarding_bodies() {
                let key = body
                    .id()
                    .map(|i| format!("id:{i}"))
                    .or_else(|| body.legal_name("en").map(|n| format!("name:{n}")));
                if key.is_none_or(|k| seen.insert(k)) {
                    out.push(body);
                }
            }
        }
        out
    }

    /// The credential's credits in `framework` (a concept IRI, e.g. [`ECTS`]): the sum over the
    /// top-level claims of [`Claim::credits`] (the claim's own credits, else its specification's,
    /// else the sum of its parts'). `None` when no claim carries credits in that framework.
    pub fn total_credits(&self, framework: &str) -> Option<Decimal> {
        let credits: Vec<Decimal> = self
            .claims()
            .iter()
            .filter_map(|c| c.credits(framework))
            .collect();
        (!credits.is_empty()).then(|| credits.into_iter().sum())
    }

    /// ECTS credits ([`CredentialView::total_credits`] with [`ECTS`]).
    pub fn ects(&self) -> Option<Decimal> {
        self.total_credits(ECTS)
    }

    /// The EQF level (1-8) of the main claim's specification.
    pub fn eqf_level(&self) -> Option<u8> {
        self.main_claim()
            .and_then(Claim::specification)
            .and_then(Specification::eqf_level_number)
    }

    /// Every specification in the claims tree (and their `hasPart`s), in order of first mention.
    pub fn specifications(&self) -> Vec<&Specification> {
        fn walk<'a>(s: &'a Specification, out: &mut Vec<&'a Specification>) {
            out.push(s);
            s.has_part.iter().for_each(|p| walk(p, out));
        }
        let mut out = Vec::new();
        for claim in self.all_claims() {
            claim.specified_by.iter().for_each(|s| walk(s, &mut out));
        }
        out
    }

    /// The distinct `id`s of the specifications in the claims tree.
    pub fn specification_ids(&self) -> Vec<&str> {
        let mut seen = HashSet::new();
        self.specifications()
            .into_iter()
            .filter_map(Specification::id)
            .filter(|id| seen.insert(*id))
            .collect()
    }

    /// The distinct learning outcomes of all specifications (distinct by `id`; outcomes without
    /// one are all kept).
    pub fn learning_outcomes(&self) -> Vec<&LearningOutcome> {
        let mut seen = HashSet::new();
        self.specifications()
            .into_iter()
            .flat_map(|s| s.learning_outcome.iter())
            .filter(|o| o.id().is_none_or(|id| seen.insert(id)))
            .collect()
    }
}

impl std::str::FromStr for CredentialView {
    type Err = ViewError;
    fn from_str(s: &str) -> Result<Self, ViewError> {
        Self::from_slice(s.as_bytes())
    }
}
