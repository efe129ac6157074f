//! Programme certificates on request (MS18 §7.4 "Implementing ILOs": the lead university issues
//! the certificate of a (micro-credential) programme whose units were taught at several
//! universities; Annex 3 "Certificate ... awarded upon completion of an ENHANCE (micro-credential)
//! programme").
//!
//! Pure domain, no I/O: reads a certificate request (`{"units": [...], "learner": {...}}`), where
//! each unit is a unit credential or a coordinator's confirmation; turns the matched units of a
//! passed stackability check ([`verifier::stack`]) into the programme award (the award format of
//! `elm-model`: the programme's learning opportunity with its units, the units' grades and periods)
//! and links each unit credential as `evidence` of the programme credential.
//!
//! Evidence: ELM `Evidence` (`dcType` in the EU evidence-type scheme, as shape
//! `EDC-generic-full` requires; the concept `urn:enhance:concept:evidence-type:unit-credential` is
//! ENHANCE's, following the EU builder's practice of putting missing concepts in the EU scheme with
//! its own ids). A unit credential's evidence node has the unit credential's id, so the programme
//! credential's RDF graph names each unit credential it stands on; `evidenceStatement` says which
//! unit, which university and when.

use chrono::{DateTime, FixedOffset, NaiveDate};
use elm_model::award::{
    Achievement, Award, CertificateProfile, CredentialKind, Credits, Display, DisplayImageRef,
    Learner, MediaType, Period, UnitResult,
};
use elm_model::programme::ProgrammeSpec;
use elm_model::view::CredentialView;
use elm_model::Universities;
use serde_json::{json, Value};
use verifier::stack::{ConfirmedUnit, ExpectedLearner, StackReport, UnitStatus};

use super::FieldError;

/// EU evidence-type scheme (shape `EvidenceTypeRestriction`).
pub const EVIDENCE_TYPE_SCHEME: &str = "http://data.europa.eu/snb/evidence-type/25831c2";
/// ENHANCE evidence type: a credential of a learning unit of the programme.
pub const UNIT_CREDENTIAL_EVIDENCE: &str = "urn:enhance:concept:evidence-type:unit-credential";
/// ENHANCE evidence type: a unit confirmed by the programme's academic coordinator.
pub const COORDINATOR_EVIDENCE: &str = "urn:enhance:concept:evidence-type:coordinator-confirmation";

/// A coordinator's confirmation of a unit (instead of a unit credential).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    /// The unit's specification id.
    pub specification_id: String,
    /// Grade.
    pub grade: Option<String>,
    /// When the unit took place.
    pub period: Option<Period>,
}

/// A parsed certificate request.
#[derive(Debug, Clone)]
pub struct CertificateRequest {
    /// Unit credentials, as JSON bytes, with their position in `units`.
    pub credentials: Vec<(usize, Vec<u8>)>,
    /// Coordinator confirmations, with their position in `units`.
    pub confirmations: Vec<(usize, Confirmation)>,
    /// The learner, when given.
    pub learner: Option<Learner>,
    /// The programme's overall grade, when given (default [`DEFAULT_GRADE`]).
    pub grade: Option<String>,
}

/// The programme's grade when the request gives none: the programme is passed by passing its
/// units, each graded by the university that teaches it (the units' grades are on the certificate).
pub const DEFAULT_GRADE: &str = "Passed";

/// Reads `{"units": [...], "learner": {...}, "grade": "..."}`; every finding names its field.
pub fn parse_request(body: &Value) -> Result<CertificateRequest, Vec<FieldError>> {
    let mut errors = Vec::new();
    let Some(obj) = body.as_object() else {
        return Err(vec![FieldError::new(
            "",
            "programme-certificate.body",
            "the body is `{\"units\": [...], \"learner\": {...}}`",
        )]);
    };
    for k in obj.keys() {
        if k != "units" && k != "learner" && k != "grade" {
            errors.push(FieldError::new(
                k.clone(),
                "programme-certificate.unknown-field",
                "unknown field (expected `units`, `learner`, `grade`)",
            ));
        }
    }
    let learner = match obj.get("learner") {
        None | Some(Value::Null) => None,
        Some(l) => match serde_json::from_value::<Learner>(l.clone()) {
            Ok(l) => Some(l),
            Err(e) => {
                errors.push(FieldError::new(
                    "learner",
                    "programme-certificate.learner",
                    e.to_string(),
                ));
                None
            }
        },
    };
    let grade = match obj.get("grade") {
        None | Some(Value::Null) => None,
        Some(Value::String(g)) if !g.trim().is_empty() => Some(g.clone()),
        Some(_) => {
            errors.push(FieldError::new(
                "grade",
                "programme-certificate.grade",
                "a non-empty string",
            ));
            None
        }
    };
    let mut credentials = Vec::new();
    let mut confirmations = Vec::new();
    match obj.get("units") {
        Some(Value::Array(units)) if !units.is_empty() => {
            for (i, u) in units.iter().enumerate() {
                let p = format!("units[{i}]");
                match u {
                    Value::Object(o) if o.contains_key("confirmedBy") => {
                        if o.get("confirmedBy").and_then(Value::as_str) != Some("coordinator") {
                            errors.push(FieldError::new(format!("{p}.confirmedBy"), "programme-certificate.confirmed-by", "must be `coordinator`"));
                        }
                        for k in o.keys() {
                            if !matches!(k.as_str(), "confirmedBy" | "specificationId" | "grade" | "period") {
                                errors.push(FieldError::new(format!("{p}.{k}"), "programme-certificate.unknown-field", "unknown field (expected confirmedBy, specificationId, grade, period)"));
                            }
                        }
                        let spec = o.get("specificationId").and_then(Value::as_str).filter(|s| !s.trim().is_empty());
                        if spec.is_none() {
                            errors.push(FieldError::new(format!("{p}.specificationId"), "programme-certificate.specification-id", "the unit's specification id is required"));
                        }
                        let grade = match o.get("grade") {
                            None | Some(Value::Null) => None,
                            Some(Value::String(g)) if !g.trim().is_empty() => Some(g.clone()),
                            Some(_) => {
                                errors.push(FieldError::new(format!("{p}.grade"), "programme-certificate.grade", "a non-empty string"));
                                None
                            }
                        };
                        let period = match o.get("period") {
                            None | Some(Value::Null) => None,
                            Some(v) => match serde_json::from_value::<Period>(v.clone()) {
                                Ok(p) => Some(p),
                                Err(e) => {
                                    errors.push(FieldError::new(format!("{p}.period"), "programme-certificate.period", e.to_string()));
                                    None
                                }
                            },
                        };
                        if let Some(s) = spec {
                            confirmations.push((i, Confirmation { specification_id: s.to_owned(), grade, period }));
                        }
                    }
                    Value::Object(_) => credentials.push((i, serde_json::to_vec(u).unwrap_or_default())),
                    Value::String(jwt) => credentials.push((i, jwt.as_bytes().to_vec())),
                    _ => errors.push(FieldError::new(p, "programme-certificate.unit", "a unit is a credential (object or VC-JWT string) or a coordinator confirmation")),
                }
            }
        }
        _ => errors.push(FieldError::new(
            "units",
            "programme-certificate.units",
            "a non-empty array of unit credentials or confirmations",
        )),
    }
    if errors.is_empty() {
        Ok(CertificateRequest {
            credentials,
            confirmations,
            learner,
            grade,
        })
    } else {
        Err(errors)
    }
}

/// The identifier scheme name `elm_model::build` writes for a student ID.
pub fn student_id_scheme(learner: &Learner, universities: &Universities) -> String {
    match learner
        .home_university
        .as_deref()
        .and_then(|h| universities.get(h))
    {
        Some(u) => format!("Student ID at {}", u.legal_name.best("en").unwrap_or(&u.id)),
        None => "Student ID".to_owned(),
    }
}

/// The learner the unit credentials must belong to.
pub fn expected_learner(learner: &Learner, universities: &Universities) -> ExpectedLearner {
    ExpectedLearner {
        full_name: format!("{} {}", learner.given_names, learner.family_names),
        date_of_birth: learner.date_of_birth,
        identifiers: learner
            .student_id
            .iter()
            .map(|s| (Some(student_id_scheme(learner, universities)), s.clone()))
            .collect(),
    }
}

/// The learner as a unit credential names them (when the request gives none): names, date of
/// birth and, when the scheme names one of `universities`, the student ID at that home university.
pub fn learner_from_credential(v: &CredentialView, universities: &Universities) -> Option<Learner> {
    let p = v.learner()?;
    let given = p
        .given_name
        .as_ref()
        .and_then(|t| t.best("en"))
        .map(str::to_owned);
    let family = p
        .family_name
        .as_ref()
        .and_then(|t| t.best("en"))
        .map(str::to_owned);
    let (given_names, family_names) = match (given, family) {
        (Some(g), Some(f)) => (g, f),
        _ => {
            let full = v.learner_full_name()?;
            let (g, f) = full.rsplit_once(' ')?;
            (g.to_owned(), f.to_owned())
        }
    };
    let mut learner = Learner {
        given_names,
        family_names,
        date_of_birth: v.learner_date_of_birth(),
        place_of_birth: None,
        nationality: vec![],
        student_id: None,
        home_university: None,
        study_level: None,
    };
    for id in p.identifier.iter() {
        let (Some(value), Some(scheme)) = (id.value(), id.scheme()) else {
            continue;
        };
        if let Some(u) = universities.iter().find(|u| {
            u.legal_name
                .best("en")
                .is_some_and(|n| scheme == format!("Student ID at {n}"))
        }) {
            learner.student_id = Some(value);
            learner.home_university = Some(u.id.clone());
            break;
        }
    }
    Some(learner)
}

fn date(d: Option<DateTime<FixedOffset>>) -> Option<NaiveDate> {
    d.map(|d| d.date_naive())
}

/// One unit of the programme certificate: what the award and the evidence need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitProof {
    /// The unit's specification id.
    pub specification_id: String,
    /// The unit credential's id (`None` for a coordinator's confirmation).
    pub credential_id: Option<String>,
    /// Grade.
    pub grade: Option<String>,
    /// When the unit took place.
    pub period: Period,
    /// ECTS counted.
    pub ects: Option<Credits>,
    /// The university (id) that teaches the unit.
    pub university: String,
    /// Unit title (English).
    pub title: String,
}

/// The period of a unit credential: its main claim's activity, else its issuing date.
pub fn credential_period(v: &CredentialView) -> Option<Period> {
    let main = v.main_claim()?;
    let activity = main.influenced_by.iter().find_map(|a| a.period());
    let start = date(activity.and_then(|p| p.start())).or_else(|| date(v.issued_at()))?;
    let end = date(activity.and_then(|p| p.end())).filter(|e| *e >= start);
    Some(Period { start, end })
}

/// The units the certificate names: every matched unit credential and confirmed unit of a report
/// that stacks. `credentials` are the bytes checked (in the report's `input` order).
pub fn unit_proofs(
    spec: &ProgrammeSpec,
    report: &StackReport,
    credentials: &[&[u8]],
    confirmations: &[Confirmation],
    issued: NaiveDate,
) -> Vec<UnitProof> {
    let mut out = Vec::new();
    for e in &report.units {
        let Some(sid) = &e.specification_id else {
            continue;
        };
        let Some(unit) = spec
            .learning_opportunity
            .units
            .iter()
            .find(|u| &u.id == sid)
        else {
            continue;
        };
        let title = unit.title.best("en").unwrap_or_default().to_owned();
        match e.status {
            UnitStatus::Matched => {
                let view = e
                    .input
                    .and_then(|i| credentials.get(i))
                    .and_then(|b| CredentialView::from_slice(b).ok());
                let period = view.as_ref().and_then(credential_period).unwrap_or(Period {
                    start: issued,
                    end: None,
                });
                out.push(UnitProof {
                    specification_id: sid.clone(),
                    credential_id: e.credential_id.clone(),
                    grade: e.grade.clone(),
                    period,
                    ects: e.ects,
                    university: unit.university.clone(),
                    title,
                });
            }
            UnitStatus::Confirmed => {
                let c = confirmations.iter().find(|c| &c.specification_id == sid);
                out.push(UnitProof {
                    specification_id: sid.clone(),
                    credential_id: None,
                    grade: c.and_then(|c| c.grade.clone()),
                    period: c.and_then(|c| c.period).unwrap_or(Period {
                        start: issued,
                        end: None,
                    }),
                    ects: e.ects,
                    university: unit.university.clone(),
                    title,
                });
            }
            _ => {}
        }
    }
    out
}

/// The programme award of `learner` for the proven `units`.
pub fn programme_award(
    spec: &ProgrammeSpec,
    learner: Learner,
    units: &[UnitProof],
    grade: Option<&str>,
    issued: NaiveDate,
) -> Award {
    let mut lo = spec.learning_opportunity.clone();
    lo.stackability = None;
    let sum = units
        .iter()
        .filter_map(|u| u.ects)
        .fold(Credits::default(), |a, b| a + b);
    if let Some(w) = lo.workload.as_mut() {
        if w.ects.is_some_and(|e| e != sum) && w.sum_override_reason.is_none() {
            w.sum_override_reason = Some(format!(
                "the learner completed units worth {sum} ECTS; the programme requires at least {}",
                spec.min_total_ects().unwrap_or_default()
            ));
        }
    }
    let start = units.iter().map(|u| u.period.start).min().unwrap_or(issued);
    let end = units
        .iter()
        .map(|u| u.period.last_day())
        .max()
        .unwrap_or(issued);
    let language = spec.primary_language.clone().unwrap_or_else(|| "en".into());
    Award {
        schema: None,
        kind: CredentialKind::ProgrammeMicroCredential,
        certificate_profile: Some(
            spec.certificate_profile
                .unwrap_or(CertificateProfile::Academic),
        ),
        awarding_university: spec.lead_university.clone(),
        learner,
        learning_opportunity: lo,
        achievement: Achievement {
            period: Period {
                start,
                end: (end > start).then_some(end),
            },
            in_presence_period: None,
            online_period: None,
            grade: Some(grade.unwrap_or(DEFAULT_GRADE).to_owned()),
            units: units
                .iter()
                .map(|u| UnitResult {
                    unit_id: u.specification_id.clone(),
                    period: u.period,
                    in_presence_period: None,
                    online_period: None,
                    grade: u.grade.clone(),
                })
                .collect(),
        },
        issued: Some(issued),
        valid_until: None,
        display: Display {
            primary_language: language.clone(),
            images: vec![DisplayImageRef {
                language,
                file: "certificate-page.png".into(),
                media_type: Some(MediaType::Png),
            }],
        },
    }
}

/// The `evidence` of the programme credential: one node per unit.
pub fn evidence(
    credential_id: &str,
    units: &[UnitProof],
    universities: &Universities,
    lead: &str,
    issued: NaiveDate,
) -> Value {
    let name = |id: &str| {
        universities
            .get(id)
            .and_then(|u| u.legal_name.best("en").map(str::to_owned))
            .unwrap_or_else(|| id.to_owned())
    };
    let items: Vec<Value> = units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let grade = u.grade.as_deref().map(|g| format!(", grade {g}")).unwrap_or_default();
            match &u.credential_id {
                Some(cid) => json!({
                    "id": cid,
                    "type": "Evidence",
                    "dcType": concept(UNIT_CREDENTIAL_EVIDENCE, "Credential of a learning unit of the programme"),
                    "evidenceStatement": format!("Unit credential {cid}: {} ({}{grade}), awarded by {}.", u.title, u.specification_id, name(&u.university)),
                }),
                None => json!({
                    "id": elm_model::derived_id(credential_id, &format!("evidence/unit/{i}")),
                    "type": "Evidence",
                    "dcType": concept(COORDINATOR_EVIDENCE, "Learning unit confirmed by the programme's academic coordinator"),
                    "evidenceStatement": format!(
                        "Confirmed on {issued} by the academic coordinator of {}: {} ({}{grade}), taught by {}.",
                        name(lead), u.title, u.specification_id, name(&u.university)
                    ),
                }),
            }
        })
        .collect();
    Value::Array(items)
}

fn concept(id: &str, label: &str) -> Value {
    json!({"id": id, "type": "Concept", "inScheme": {"id": EVIDENCE_TYPE_SCHEME, "type": "ConceptScheme"}, "prefLabel": {"en": label}})
}

/// The confirmations as the stackability check takes them.
pub fn confirmed_units(confirmations: &[Confirmation], by: &str) -> Vec<ConfirmedUnit> {
    confirmations
        .iter()
        .map(|c| ConfirmedUnit {
            specification_id: c.specification_id.clone(),
            confirmed_by: by.to_owned(),
            grade: c.grade.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_findings_name_fields() {
        let e = parse_request(&json!({"units": [1, {"confirmedBy": "dean", "grade": 3}], "extra": true, "learner": {"givenNames": "A"}})).unwrap_err();
        let paths: Vec<(&str, &str)> = e
            .iter()
            .map(|f| (f.path.as_str(), f.rule.as_str()))
            .collect();
        for want in [
            ("extra", "programme-certificate.unknown-field"),
            ("learner", "programme-certificate.learner"),
            ("units[0]", "programme-certificate.unit"),
            ("units[1].confirmedBy", "programme-certificate.confirmed-by"),
            (
                "units[1].specificationId",
                "programme-certificate.specification-id",
            ),
            ("units[1].grade", "programme-certificate.grade"),
        ] {
            assert!(paths.contains(&want), "{want:?} not in {paths:?}");
        }
        assert_eq!(
            parse_request(&json!({"units": []})).unwrap_err()[0].path,
            "units"
        );
    }

    #[test]
    fn request_splits_credentials_and_confirmations() {
        let r = parse_request(&json!({"units": [
            {"credentialSubject": {}},
            {"confirmedBy": "coordinator", "specificationId": "urn:x", "grade": "8", "period": {"start": "2026-03-01"}},
            "eyJhbGciOiJFZERTQSJ9.e30.sig"
        ]}))
        .unwrap();
        assert_eq!(
            r.credentials.iter().map(|c| c.0).collect::<Vec<_>>(),
            vec![0, 2]
        );
        assert_eq!(r.confirmations.len(), 1);
        assert_eq!(r.confirmations[0].1.grade.as_deref(), Some("8"));
        assert_eq!(
            r.confirmations[0].1.period.unwrap().start.to_string(),
            "2026-03-01"
        );
        assert!(r.learner.is_none());
    }

    #[test]
    fn award_sums_units_and_explains_a_difference() {
        let spec = elm_model::programme::parse_programme(include_str!(
            "../../../../examples/stack/programme.json"
        ))
        .unwrap();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let unit = |i: usize, ects: u32, start: &str, end: &str| UnitProof {
            specification_id: spec.learning_opportunity.units[i].id.clone(),
            credential_id: Some(format!("urn:uuid:{i}")),
            grade: Some("8".into()),
            period: Period {
                start: d(start),
                end: Some(d(end)),
            },
            ects: Some(Credits::whole(ects)),
            university: spec.learning_opportunity.units[i].university.clone(),
            title: "t".into(),
        };
        let learner: Learner = serde_json::from_value(
            json!({"givenNames": "Felix", "familyNames": "Wagner", "dateOfBirth": "2002-01-09"}),
        )
        .unwrap();
        let units = [
            unit(0, 5, "2026-02-09", "2026-04-17"),
            unit(1, 4, "2026-04-20", "2026-06-19"),
            unit(2, 3, "2026-05-04", "2026-06-26"),
            unit(3, 3, "2026-07-06", "2026-07-10"),
        ];
        let a = programme_award(&spec, learner.clone(), &units, None, d("2026-07-24"));
        assert_eq!(a.achievement.grade.as_deref(), Some(DEFAULT_GRADE));
        assert_eq!(
            a.achievement.period,
            Period {
                start: d("2026-02-09"),
                end: Some(d("2026-07-10"))
            }
        );
        assert_eq!(a.achievement.units.len(), 4);
        assert_eq!(a.awarding_university, "tudelft");
        // 15 ECTS completed for a 12-ECTS programme: the difference is explained.
        let override_reason = |a: &elm_model::Award| {
            let workload = a.learning_opportunity.workload.as_ref().unwrap();
            workload.sum_override_reason.clone()
        };
        assert!(override_reason(&a).unwrap().contains("15 ECTS"));
        let a = programme_award(&spec, learner, &units[..3], Some("8"), d("2026-07-24"));
        assert_eq!(a.achievement.grade.as_deref(), Some("8"));
        assert!(override_reason(&a).is_none());
        let ev = evidence(
            "urn:uuid:p",
            &units[..2],
            &Universities::new(vec![]),
            "tudelft",
            d("2026-07-24"),
        );
        assert_eq!(ev[0]["id"], "urn:uuid:0");
        assert_eq!(ev[1]["dcType"]["inScheme"]["id"], EVIDENCE_TYPE_SCHEME);
        assert!(ev[0]["evidenceStatement"]
            .as_str()
            .unwrap()
            .contains("urn:uuid:0"));
    }
}
