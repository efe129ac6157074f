//! The EUDI SD-JWT VC learning credential claims (`elm_model::learning_credential`, issue #16
//! point 3) of all five example awards, built with the EDC builder: every mapped claim present
//! with the value the award file gives (names, dates, grade, ECTS credits, issuer, title,
//! languages, learning outcomes, EQF level, ...), the selectively disclosable ones exactly the
//! learner's personal data and grade, the docs table and the type metadata in step with
//! [`elm_model::learning_credential::CLAIMS`], and errors that name the EDC field.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod award_support;

use award_support::*;
use elm_model::learning_credential::{
    claims, type_metadata, LearningCredentialError, Sd, CLAIMS, LABEL_LANGUAGES, VCT,
};
use serde_json::{json, Value};

/// The claims of each example award except `types_of_quality_assurance` (checked apart: a
/// long generated sentence), as the award files state them.
fn expected() -> Vec<(&'static str, Value)> {
    vec![
        (
            "certificate-of-completion.json",
            json!({
                "issuing_authority": "Politecnico di Milano", "issuing_country": "IT",
                "date_of_issuance": "2026-06-30",
                "family_name": "de Vries", "given_name": "Jan", "birthdate": "2003-08-21",
                "learner_identification": "5873412",
                "achievement_title": "Course Innovators of Tomorrow",
                "learning_outcomes": [
                    "Explain the stages of design thinking and lean start-up.",
                    "Prototype and test a product idea with real users.",
                    "Work in an interdisciplinary team and present its results to an external jury."
                ],
                "assessment_grade": "28/30", "language_of_classes": ["en"],
                "expected_study_time": "6 ECTS credits", "ects_credits": 6,
                "level_of_learning_experience": 6,
                "integration_stackability_options": false
            }),
        ),
        (
            "certificate-of-participation-staff-week.json",
            json!({
                "issuing_authority": "Warsaw University of Technology", "issuing_country": "PL",
                "date_of_issuance": "2026-05-22",
                "family_name": "Hoffmann", "given_name": "Sabine", "birthdate": "1979-05-30",
                "learner_identification": "SUBJECT-ID",
                "achievement_title": "Staff week Internationalisation at Home",
                "achievement_description": "Five-day staff week on embedding international and intercultural dimensions into curricula and campus services.",
                "language_of_classes": ["en"],
                "expected_study_time": "30 contact hours",
                "integration_stackability_options": false
            }),
        ),
        (
            "micro-credential-academic-course.json",
            json!({
                "issuing_authority": "Technische Universität Berlin", "issuing_country": "DE",
                "date_of_issuance": "2026-07-31",
                "family_name": "Kowalczyk", "given_name": "Zofia", "birthdate": "2001-03-14",
                "learner_identification": "K-318842",
                "achievement_title": "Course Sustainable Innovation",
                "achievement_description": "Methods for designing, assessing and scaling technical innovations that meet environmental and social goals.",
                "learning_outcomes": [
                    "Explain life-cycle assessment and circular-economy principles for technical products.",
                    "Assess the environmental impact of a product concept with a streamlined life-cycle assessment.",
                    "Develop a business model canvas for a sustainable innovation.",
                    "Lead an international student team through an innovation project and take responsibility for its sustainability decisions."
                ],
                "assessment_grade": "1.3", "language_of_classes": ["en"],
                "expected_study_time": "5 ECTS credits, 150 hours", "ects_credits": 5,
                "level_of_learning_experience": 7,
                "prerequisites_to_enroll": [
                    "Bachelor's degree in engineering or natural sciences; basic knowledge of business administration."
                ],
                "integration_stackability_options": true
            }),
        ),
        (
            "micro-credential-professional.json",
            json!({
                "issuing_authority": "ETH Zurich", "issuing_country": "CH",
                "date_of_issuance": "2026-04-10", "date_of_expiry": "2036-04-10",
                "family_name": "Meier", "given_name": "Lukas", "birthdate": "1986-11-02",
                "learner_identification": "SUBJECT-ID",
                "achievement_title": "Course Active Learning Design in Higher Education Teaching",
                "learning_outcomes": [
                    "Describe evidence-based active learning methods and constructive alignment.",
                    "Redesign a lecture-based course unit into an active learning unit with aligned assessment.",
                    "Evaluate one's own teaching with peer feedback and plan its further development."
                ],
                "assessment_grade": "passed", "language_of_classes": ["en", "de"],
                "expected_study_time": "8 credits (Continuing Education Unit (CEU)), 80 hours",
                "integration_stackability_options": false
            }),
        ),
        (
            "programme-micro-credential-data-literacy.json",
            json!({
                "issuing_authority": "Delft University of Technology", "issuing_country": "NL",
                "date_of_issuance": "2026-07-24",
                "family_name": "Wagner", "given_name": "Felix", "birthdate": "2002-01-09",
                "learner_identification": "412877",
                "achievement_title": "ENHANCE programme in Data Literacy",
                "achievement_description": "Joint micro-credential programme on collecting, analysing, visualising and responsibly using data in engineering.",
                "learning_outcomes": [
                    "Explain the data life cycle from collection to archiving, including FAIR principles.",
                    "Analyse engineering data sets with statistical methods and Python.",
                    "Communicate findings with clear and honest visualisations.",
                    "Judge the ethical and legal implications of data use and act accordingly."
                ],
                "assessment_grade": "8", "language_of_classes": ["en"],
                "expected_study_time": "12 ECTS credits", "ects_credits": 12,
                "level_of_learning_experience": 6,
                "integration_stackability_options": false
            }),
        ),
    ]
}

#[test]
fn all_five_example_awards_map_to_the_expected_claims() {
    let cases = expected();
    let files: Vec<String> = example_files()
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    assert_eq!(
        files,
        cases.iter().map(|(f, _)| f.to_string()).collect::<Vec<_>>()
    );
    for (file, mut want) in cases {
        let edc = build_example(file);
        let mut got = claims(&edc).unwrap_or_else(|e| panic!("{file}: {e}"));
        // Without a student ID the learner is identified by the credential's subject id.
        if want["learner_identification"] == "SUBJECT-ID" {
            want["learner_identification"] = edc["credentialSubject"]["id"].clone();
            assert!(want["learner_identification"]
                .as_str()
                .unwrap()
                .starts_with("urn:uuid:"));
        }
        // Payload order is the table order.
        let order: Vec<&str> = CLAIMS
            .iter()
            .map(|c| c.name)
            .filter(|n| got.claims.contains_key(*n))
            .collect();
        assert_eq!(
            got.claims.keys().map(String::as_str).collect::<Vec<_>>(),
            order,
            "{file}"
        );
        // Quality assurance: the award's generated Annex 3 sentence, naming issuer and title.
        let qa = got.claims.shift_remove("types_of_quality_assurance");
        if file.contains("staff-week") {
            assert_eq!(qa, None, "{file}: a participation certificate states no QA");
        } else {
            let qa = qa.unwrap_or_else(|| panic!("{file}: no types_of_quality_assurance"));
            let text = qa.as_array().unwrap()[0].as_str().unwrap();
            assert!(text.starts_with("The two-level mutual trust-based quality assurance"));
            assert!(
                text.contains(want["issuing_authority"].as_str().unwrap()),
                "{text}"
            );
            assert!(
                text.contains(want["achievement_title"].as_str().unwrap()),
                "{text}"
            );
        }
        assert_eq!(Value::Object(got.claims.clone()), want, "{file}");
        // Selectively disclosable: the learner's personal data and grade, nothing else.
        let mut sd = vec![
            "family_name",
            "given_name",
            "birthdate",
            "learner_identification",
        ];
        if want.get("assessment_grade").is_some() {
            sd.push("assessment_grade");
        }
        assert_eq!(got.selectively_disclosable, sd, "{file}");
    }
}

#[test]
fn the_upload_wrapper_reads_the_same() {
    let edc = build_example("micro-credential-academic-course.json");
    let wrapped = json!({ "credential": edc.clone() });
    assert_eq!(claims(&wrapped).unwrap(), claims(&edc).unwrap());
}

/// (EDC field, how to break it, the claim that needs it).
type Breakage = (&'static str, fn(&mut Value), &'static str);

#[test]
fn errors_name_the_edc_field() {
    let edc = build_example("micro-credential-academic-course.json");
    let cases: [Breakage; 5] = [
        (
            "issuer.legalName",
            |v| {
                v["issuer"].as_object_mut().unwrap().remove("legalName");
            },
            "issuing_authority",
        ),
        (
            "credentialSubject.familyName",
            |v| {
                v["credentialSubject"]
                    .as_object_mut()
                    .unwrap()
                    .remove("familyName");
            },
            "family_name",
        ),
        (
            "credentialSubject.hasClaim",
            |v| {
                v["credentialSubject"]
                    .as_object_mut()
                    .unwrap()
                    .remove("hasClaim");
            },
            "achievement_title",
        ),
        (
            "issued",
            |v| {
                for k in ["issued", "issuanceDate", "validFrom"] {
                    v.as_object_mut().unwrap().remove(k);
                }
            },
            "date_of_issuance",
        ),
        (
            "issuer.location.address.countryCode",
            |v| {
                v["issuer"]["location"]["address"]["countryCode"]["id"] =
                    json!("http://publications.europa.eu/resource/authority/country/XXX");
                v["issuer"]["eIDASIdentifier"]["spatial"]["id"] =
                    json!("http://publications.europa.eu/resource/authority/country/XXX");
            },
            "issuing_country",
        ),
    ];
    for (path, break_it, claim) in cases {
        let mut v = edc.clone();
        break_it(&mut v);
        match claims(&v) {
            Err(e @ LearningCredentialError::Missing { .. }) => {
                let text = e.to_string();
                assert!(text.starts_with(&format!("{path}:")), "{text}");
                assert!(text.contains(&format!("`{claim}`")), "{text}");
            }
            other => panic!("{path}: {other:?}"),
        }
    }
    assert!(matches!(
        claims(&json!("not a credential")),
        Err(LearningCredentialError::View(_))
    ));
}

#[test]
fn type_metadata_follows_the_claims_table() {
    let m = type_metadata();
    assert_eq!(m["vct"], VCT);
    assert_eq!(VCT, "urn:eu.europa.ec.eudi:learning:credential:1");
    let locales: Vec<&str> = m["display"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["locale"].as_str().unwrap())
        .collect();
    assert_eq!(locales, LABEL_LANGUAGES);
    let listed = m["claims"].as_array().unwrap();
    assert_eq!(listed.len(), CLAIMS.len());
    for (c, spec) in listed.iter().zip(CLAIMS) {
        assert_eq!(c["path"], json!([spec.name]));
        assert_eq!(
            c["sd"],
            if spec.sd == Sd::Always {
                "always"
            } else {
                "never"
            }
        );
        assert_eq!(c["mandatory"], spec.mandatory);
        let labels = c["display"].as_array().unwrap();
        assert_eq!(labels.len(), 4, "{}", spec.name);
        assert!(labels
            .iter()
            .all(|l| !l["label"].as_str().unwrap().is_empty()));
    }
    // Every mandatory claim is in every example's claims.
    for f in example_files() {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let got = claims(&build_example(&name)).unwrap();
        for spec in CLAIMS.iter().filter(|s| s.mandatory) {
            assert!(got.claims.contains_key(spec.name), "{name}: {}", spec.name);
        }
    }
}

/// docs/LEARNING_CREDENTIAL.md has one table row per claim, with its selective disclosure.
#[test]
fn the_docs_table_lists_every_claim() {
    let doc = std::fs::read_to_string(repo().join("docs/LEARNING_CREDENTIAL.md")).unwrap();
    for spec in CLAIMS {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", spec.name)))
            .unwrap_or_else(|| panic!("no table row for `{}`", spec.name));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let sd = if spec.sd == Sd::Always { "yes" } else { "no" };
        assert_eq!(cells[3], sd, "SD column of `{}`: {row}", spec.name);
    }
}
