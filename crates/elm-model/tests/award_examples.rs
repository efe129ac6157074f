//! Every example award builds into an EDC credential of the expected shape (golden values of the
//! mapping of `elm_model::build`), deterministically, using only terms the contexts define.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod award_support;

use std::collections::BTreeSet;

use award_support::*;
use base64::Engine as _;
use serde_json::Value;

#[test]
fn every_example_builds_without_errors_and_deterministically() {
    let files = example_files();
    assert!(
        files.len() >= 5,
        "expected the five example kinds, found {files:?}"
    );
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let a = build_example(&name);
        let b = build_example(&name);
        assert_eq!(a, b, "{name}: two builds with the same id differ");
        assert_eq!(a["id"], CREDENTIAL_ID);
        assert_eq!(
            a["@context"],
            serde_json::json!([
                "https://www.w3.org/2018/credentials/v1",
                "http://data.europa.eu/snb/model/context/edc-ap"
            ])
        );
        assert_eq!(
            a["type"],
            serde_json::json!(["VerifiableCredential", "EuropeanDigitalCredential"])
        );
        assert_eq!(
            a["credentialSchema"]["id"],
            "http://data.europa.eu/snb/model/ap/edc-generic-full"
        );
        assert_eq!(
            a["credentialProfiles"][0]["id"],
            "http://data.europa.eu/snb/credential/e34929035b"
        );
    }
}

/// Terms of a context document: its top-level keys plus the keys of type-scoped contexts.
fn terms(url: &str, into: &mut BTreeSet<String>) {
    let doc: Value = serde_json::from_str(contexts::bundled(url).unwrap().text).unwrap();
    fn collect(ctx: &Value, into: &mut BTreeSet<String>) {
        if let Value::Object(m) = ctx {
            for (k, v) in m {
                into.insert(k.clone());
                if let Some(scoped) = v.get("@context") {
                    collect(scoped, into);
                }
            }
        }
    }
    collect(&doc["@context"], into);
}

#[test]
fn every_key_is_a_term_of_the_contexts_and_every_node_has_an_id() {
    let mut known = BTreeSet::new();
    terms("https://www.w3.org/2018/credentials/v1", &mut known);
    terms("http://data.europa.eu/snb/model/context/edc-ap", &mut known);
    for f in example_files() {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let c = build_example(&name);
        fn walk(v: &Value, known: &BTreeSet<String>, lang_map: bool, name: &str, path: &str) {
            match v {
                Value::Object(m) => {
                    let reference = m.len() == 1 && m.contains_key("id");
                    if !lang_map && !reference {
                        assert!(
                            m.contains_key("type"),
                            "{name}: object without type at {path} (blank node?)"
                        );
                        assert!(m.contains_key("id"), "{name}: node without id at {path}");
                    }
                    for (k, x) in m {
                        if k == "@context" {
                            continue;
                        }
                        if lang_map {
                            assert!(x.is_string(), "{name}: language map value at {path}.{k}");
                            continue;
                        }
                        assert!(
                            k == "id" || k == "type" || known.contains(k),
                            "{name}: undefined term `{k}` at {path}"
                        );
                        let is_lang_map = matches!(
                            k.as_str(),
                            "title"
                                | "description"
                                | "legalName"
                                | "noteLiteral"
                                | "prefLabel"
                                | "givenName"
                                | "familyName"
                                | "fullName"
                                | "geographicName"
                                | "category"
                                | "altLabel"
                                | "definition"
                        );
                        walk(x, known, is_lang_map, name, &format!("{path}.{k}"));
                    }
                }
                Value::Array(a) => {
                    for (i, x) in a.iter().enumerate() {
                        walk(x, known, lang_map, name, &format!("{path}[{i}]"));
                    }
                }
                Value::Number(n) => assert!(
                    n.is_u64() || n.is_i64(),
                    "{name}: non-integer number at {path}"
                ),
                _ => {}
            }
        }
        walk(&c, &known, false, &name, "");
    }
}

#[test]
fn academic_micro_credential_golden_values() {
    let c = build_example("micro-credential-academic-course.json");
    assert_issuer_and_display(&c);
    let s = &c["credentialSubject"];
    assert_learner(s);
    let claim = &s["hasClaim"][0];
    assert_claim_and_spec(claim);
    assert_spec_outcomes_and_notes(&claim["specifiedBy"]);
    assert_assessment_activity_and_home(claim);
}

/// Issuer (DID, eIDAS identifier, country, alliance), dates and display parameters.
fn assert_issuer_and_display(c: &Value) {
    // Issuer: the awarding university by its DID, with eIDAS identifier and country.
    assert_eq!(
        c["issuer"]["id"],
        "did:web:localhost%3A8080:universities:tub"
    );
    assert_eq!(c["issuer"]["type"], "Organisation");
    assert_eq!(
        c["issuer"]["legalName"]["en"],
        "Technische Universität Berlin"
    );
    assert_eq!(c["issuer"]["eIDASIdentifier"]["notation"], "D BERLIN02");
    assert_eq!(
        c["issuer"]["eIDASIdentifier"]["spatial"]["id"],
        "http://publications.europa.eu/resource/authority/country/DEU"
    );
    assert_eq!(
        c["issuer"]["location"]["address"]["countryCode"]["id"],
        "http://publications.europa.eu/resource/authority/country/DEU"
    );
    assert_eq!(
        c["issuer"]["groupMemberOf"][0]["prefLabel"]["en"],
        "ENHANCE Alliance"
    );
    assert_eq!(c["issuanceDate"], "2026-07-31T00:00:00Z");
    assert_eq!(c["issued"], "2026-07-31T00:00:00Z");
    assert_eq!(c["validFrom"], "2026-07-31T00:00:00Z");
    assert!(c.get("expirationDate").is_none());
    // Display.
    let d = &c["displayParameter"];
    assert_eq!(d["title"]["en"], "Certificate of Academic Achievement");
    assert_eq!(d["title"]["de"], "Zertifikat über akademische Leistungen");
    assert_eq!(
        d["primaryLanguage"]["id"],
        "http://publications.europa.eu/resource/authority/language/ENG"
    );
    assert_eq!(d["language"].as_array().unwrap().len(), 2);
    assert_eq!(
        d["individualDisplay"][1]["language"]["id"],
        "http://publications.europa.eu/resource/authority/language/DEU"
    );
    let image = &d["individualDisplay"][0]["displayDetail"][0]["image"];
    assert_eq!(
        image["contentType"]["id"],
        "http://publications.europa.eu/resource/authority/file-type/PNG"
    );
    assert_eq!(
        image["contentEncoding"]["id"],
        "http://data.europa.eu/snb/encoding/6146cde7dd"
    );
    let png = base64::engine::general_purpose::STANDARD
        .decode(image["content"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        png,
        std::fs::read(examples_dir().join("images/certificate-page.png")).unwrap()
    );
    assert_eq!(d["individualDisplay"][0]["displayDetail"][0]["page"], 1);
}

/// The learner: names, birth, citizenship, identifier, home university.
fn assert_learner(s: &Value) {
    // Learner.
    assert_eq!(s["type"], "Person");
    assert_eq!(s["givenName"]["en"], "Zofia");
    assert_eq!(s["familyName"]["en"], "Kowalczyk");
    assert_eq!(s["dateOfBirth"], "2001-03-14T00:00:00Z");
    assert_eq!(s["placeOfBirth"]["geographicName"]["pl"], "Kraków");
    assert_eq!(
        s["placeOfBirth"]["address"]["countryCode"]["id"],
        "http://publications.europa.eu/resource/authority/country/POL"
    );
    assert_eq!(
        s["citizenshipCountry"][0]["id"],
        "http://publications.europa.eu/resource/authority/country/POL"
    );
    assert_eq!(s["identifier"][0]["notation"], "K-318842");
    assert_eq!(
        s["identifier"][0]["schemeName"],
        "Student ID at Warsaw University of Technology"
    );
    assert_eq!(
        s["memberOf"][0]["id"],
        "did:web:localhost%3A8080:universities:wut"
    );
}

/// The claim, its awarding process and its specification (a qualification).
fn assert_claim_and_spec(claim: &Value) {
    // Claim.
    assert_eq!(claim["type"], "LearningAchievement");
    assert_eq!(claim["title"]["en"], "Course Sustainable Innovation");
    assert_eq!(
        claim["awardedBy"]["awardingBody"][0]["id"],
        "did:web:localhost%3A8080:universities:tub"
    );
    assert_eq!(
        claim["awardedBy"]["description"]["en"],
        "Technische Universität Berlin on behalf of the ENHANCE Alliance"
    );
    assert_eq!(
        claim["awardedBy"]["description"]["de"],
        "Technische Universität Berlin im Namen der ENHANCE-Allianz"
    );
    assert_eq!(claim["awardedBy"]["awardingDate"], "2026-07-31T00:00:00Z");
    assert_eq!(
        claim["awardedBy"]["location"][0]["geographicName"]["en"],
        "Berlin"
    );
    let spec = &claim["specifiedBy"];
    assert_eq!(spec["type"], "Qualification");
    assert_eq!(
        spec["id"],
        "https://credentials.enhance-alliance.eu/learning-opportunities/tub/sustainable-innovation"
    );
    assert_eq!(spec["eqfLevel"]["id"], "http://data.europa.eu/snb/eqf/7");
    assert_eq!(
        spec["eqfLevel"]["inScheme"]["id"],
        "http://data.europa.eu/snb/eqf/25831c2"
    );
    assert_eq!(
        spec["thematicArea"][0]["id"],
        "http://data.europa.eu/snb/isced-f/0788"
    );
    assert_eq!(
        spec["creditPoint"][0]["framework"]["id"],
        "http://data.europa.eu/snb/education-credit/6fcec5c5af"
    );
    assert_eq!(spec["creditPoint"][0]["point"], "5");
    assert_eq!(spec["volumeOfLearning"], "PT150H");
    assert_eq!(
        spec["dcType"][0]["id"],
        "http://data.europa.eu/snb/learning-opportunity/05053c1cbe"
    );
    assert_eq!(
        spec["mode"][0]["id"],
        "http://data.europa.eu/snb/learning-assessment/920fbb3cbe"
    );
    assert_eq!(
        spec["language"][0]["id"],
        "http://publications.europa.eu/resource/authority/language/ENG"
    );
    assert_eq!(
        spec["learningSetting"]["id"],
        "http://data.europa.eu/snb/learning-setting/6fd4685715"
    );
    assert_eq!(spec["entryRequirement"]["noteLiteral"]["en"], "Bachelor's degree in engineering or natural sciences; basic knowledge of business administration.");
    assert_eq!(
        spec["isPartOf"][0]["id"],
        "https://credentials.enhance-alliance.eu/learning-opportunities/rwth/climate-action"
    );
}

/// Learning outcomes, quality assurance, stackability and further information of the spec.
fn assert_spec_outcomes_and_notes(spec: &Value) {
    // Learning outcomes: 1 knowledge, 2 skills, 1 responsibility and autonomy.
    let los = spec["learningOutcome"].as_array().unwrap();
    assert_eq!(los.len(), 4);
    assert_eq!(
        los[0]["dcType"]["id"],
        "http://data.europa.eu/snb/skill-type/knowledge"
    );
    assert_eq!(
        los[1]["dcType"]["id"],
        "http://data.europa.eu/snb/skill-type/skill"
    );
    assert!(los[3].get("dcType").is_none());
    assert_eq!(
        los[3]["additionalNote"][0]["subject"]["id"],
        "urn:enhance:concept:learning-outcome-category:responsibility-and-autonomy"
    );
    // Quality assurance and stackability statements (Annex 3).
    let qa = notes_with_subject(spec, "quality-assurance");
    assert_eq!(qa.len(), 1);
    let qa_en = qa[0]["noteLiteral"]["en"].as_str().unwrap();
    assert!(qa_en.starts_with("The two-level mutual trust-based quality assurance scheme has been adopted: at the university level, Technische Universität Berlin has applied its internal quality assurance procedures and structures to the proposal of Course Sustainable Innovation it submitted to ENHANCE"), "{qa_en}");
    let st = notes_with_subject(spec, "stackability");
    assert_eq!(
        st[0]["noteLiteral"]["en"],
        "Course Sustainable Innovation is an elective component of ENHANCE programme in Climate Action coordinated by RWTH Aachen University leading to ENHANCE Certificate in Climate Action."
    );
    assert_eq!(
        st[0]["noteLiteral"]["de"],
        "Kurs Nachhaltige Innovation ist ein Wahlbestandteil von ENHANCE-Programm Klimaschutz, koordiniert von Rheinisch-Westfälische Technische Hochschule Aachen, das zu ENHANCE-Zertifikat Klimaschutz führt."
    );
    let fi = notes_with_subject(spec, "further-information");
    assert!(fi[0]["noteLiteral"]["en"]
        .as_str()
        .unwrap()
        .contains("Partnerships: Developed with the Berlin Climate Innovation Lab"));
    assert!(fi[0]["noteLiteral"]["en"]
        .as_str()
        .unwrap()
        .contains("ISCED-F field: 0788"));
}

/// Assessment, activity and the home university note of the claim.
fn assert_assessment_activity_and_home(claim: &Value) {
    // Assessment: grade, supervision, grading scheme of TU Berlin, two methods as parts.
    let asm = &claim["provenBy"][0];
    assert_eq!(asm["type"], "LearningAssessment");
    assert_eq!(asm["grade"]["noteLiteral"]["en"], "1.3");
    assert_eq!(
        asm["idVerification"]["inScheme"]["id"],
        "http://data.europa.eu/snb/supervision-verification/25831c2"
    );
    assert_eq!(
        asm["specifiedBy"]["gradingScheme"]["title"]["en"],
        "German grading scale (TU Berlin)"
    );
    let parts = asm["specifiedBy"]["hasPart"].as_array().unwrap();
    assert_eq!(
        parts[0]["dcType"]["id"],
        "http://data.europa.eu/snb/assessment/795dac4096"
    );
    assert_eq!(
        parts[1]["dcType"]["id"],
        "http://data.europa.eu/snb/assessment/d30284d7df"
    );
    // Activity: period, contact hours, instructors, form of participation.
    let act = &claim["influencedBy"][0];
    assert_eq!(act["type"], "LearningActivity");
    assert_eq!(act["temporal"][0]["startDate"], "2026-04-13T00:00:00Z");
    assert_eq!(act["temporal"][0]["endDate"], "2026-07-17T23:59:59Z");
    assert_eq!(act["specifiedBy"]["contactHour"][0], "42");
    let ins = notes_with_subject(act, "instructors");
    assert_eq!(
        ins[0]["noteLiteral"]["en"],
        "Prof. Dr. Katrin Vogel; Dr. Marco Bianchi (Politecnico di Milano)"
    );
    let form = notes_with_subject(act, "form-of-participation");
    assert_eq!(
        form[0]["noteLiteral"]["en"],
        "Learning opportunity type: instructor-paced course\nMode of learning: online\nDuration: 2026-04-13 – 2026-07-17\nNumber of contact hours: 42"
    );
    // Home university note.
    let home = notes_with_subject(claim, "home-university");
    assert_eq!(
        home[0]["noteLiteral"]["en"],
        "MSc student, Warsaw University of Technology"
    );
    assert_eq!(
        home[0]["noteLiteral"]["pl"],
        "Studentka studiów magisterskich, Politechnika Warszawska"
    );
}

#[test]
fn professional_micro_credential_uses_ceu_and_validity() {
    let c = build_example("micro-credential-professional.json");
    assert_eq!(
        c["displayParameter"]["title"]["en"],
        "Certificate of Professional Achievement"
    );
    assert_eq!(c["issuer"]["eIDASIdentifier"]["notation"], "CH ZURICH01");
    assert_eq!(c["issuer"]["location"]["geographicName"]["de"], "Zürich");
    assert_eq!(c["expirationDate"], "2036-04-10T23:59:59Z");
    assert_eq!(c["validUntil"], "2036-04-10T23:59:59Z");
    let spec = at(&c, &["credentialSubject", "hasClaim", "0", "specifiedBy"]);
    assert_eq!(
        spec["creditPoint"][0]["framework"]["id"],
        "urn:enhance:concept:credit-system:ceu"
    );
    assert_eq!(spec["creditPoint"][0]["point"], "8");
    assert!(spec.get("eqfLevel").is_none());
    assert_eq!(
        spec["dcType"][0]["id"],
        "http://data.europa.eu/snb/learning-opportunity/17744a2647"
    );
    let asm = at(&c, &["credentialSubject", "hasClaim", "0", "provenBy", "0"]);
    assert_eq!(
        asm["idVerification"]["id"],
        "http://data.europa.eu/snb/supervision-verification/c598449d64"
    );
    assert_eq!(
        asm["specifiedBy"]["gradingScheme"]["title"]["en"],
        "Pass/fail"
    );
    assert_eq!(
        asm["specifiedBy"]["hasPart"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(
        c["credentialSubject"]["citizenshipCountry"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[test]
fn programme_micro_credential_has_units_awarded_by_their_universities() {
    let c = build_example("programme-micro-credential-data-literacy.json");
    let claim = at(&c, &["credentialSubject", "hasClaim", "0"]);
    assert_eq!(
        claim["awardedBy"]["awardingBody"][0]["id"],
        "did:web:localhost%3A8080:universities:tudelft"
    );
    assert_eq!(
        claim["awardedBy"]["description"]["nl"],
        "Technische Universiteit Delft namens de ENHANCE-alliantie"
    );
    let spec = &claim["specifiedBy"];
    assert_eq!(spec["type"], "Qualification");
    assert_eq!(spec["creditPoint"][0]["point"], "12");
    assert_eq!(
        spec["dcType"][0]["id"],
        "http://data.europa.eu/snb/learning-opportunity/74a4a268e8"
    );
    let jd = notes_with_subject(spec, "jointly-developed-by");
    assert_eq!(
        jd[0]["noteLiteral"]["en"],
        "jointly developed and implemented by Delft University of Technology, Warsaw University of Technology and Politecnico di Milano"
    );
    let qa = notes_with_subject(spec, "quality-assurance");
    assert!(qa[0]["noteLiteral"]["en"].as_str().unwrap().contains("each university that conducted learning activities associated with ENHANCE programme in Data Literacy"));
    let units_note = notes_with_subject(spec, "learning-units");
    assert_eq!(
        units_note[0]["noteLiteral"]["en"],
        "1. Course Data Analysis with Python (Delft University of Technology member of the ENHANCE Alliance; obligatory component)\n2. Course Statistics for Engineers (Warsaw University of Technology member of the ENHANCE Alliance; obligatory component)\n3. Summer school Data Visualisation and Ethics (Politecnico di Milano member of the ENHANCE Alliance; elective component)"
    );
    // Specification parts: the three units, stable ids, pointing back to the programme.
    let spec_parts = spec["hasPart"].as_array().unwrap();
    assert_eq!(spec_parts.len(), 3);
    assert_eq!(spec_parts[1]["id"], "https://credentials.enhance-alliance.eu/learning-opportunities/wut/statistics-for-engineers");
    assert_eq!(
        spec_parts[1]["isPartOf"][0]["id"],
        "https://credentials.enhance-alliance.eu/learning-opportunities/enhance/data-literacy"
    );
    assert_eq!(
        spec_parts[1]["eqfLevel"]["id"],
        "http://data.europa.eu/snb/eqf/6"
    );
    // Obligatory/elective, machine-readable: a note whose subject is the component-status concept.
    let status = |p: &Value| -> Vec<String> {
        nodes(p)
            .into_iter()
            .filter_map(|n| n["subject"]["id"].as_str())
            .filter(|id| id.starts_with("urn:enhance:concept:component-status:"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        status(&spec_parts[0]),
        ["urn:enhance:concept:component-status:obligatory"]
    );
    assert_eq!(
        status(&spec_parts[2]),
        ["urn:enhance:concept:component-status:elective"]
    );
    // Claim parts: one achievement per completed unit, awarded by the unit's university.
    let parts = claim["hasPart"].as_array().unwrap();
    assert_eq!(parts.len(), 3);
    let expect = [
        ("tudelft", "8.5", "5", "Dutch grading scale (TU Delft)"),
        (
            "wut",
            "4.5",
            "4",
            "Polish grading scale (Warsaw University of Technology)",
        ),
        (
            "polimi",
            "27/30",
            "3",
            "Italian grading scale (Politecnico di Milano)",
        ),
    ];
    for (p, (uni, grade, ects, scheme)) in parts.iter().zip(expect) {
        assert_eq!(p["type"], "LearningAchievement");
        let did = format!("did:web:localhost%3A8080:universities:{uni}");
        assert_eq!(p["awardedBy"]["awardingBody"][0]["id"], did.as_str());
        assert!(p["awardedBy"]["description"]["en"]
            .as_str()
            .unwrap()
            .ends_with("member of the ENHANCE Alliance"));
        assert_eq!(p["provenBy"][0]["grade"]["noteLiteral"]["en"], grade);
        assert_eq!(
            p["provenBy"][0]["specifiedBy"]["gradingScheme"]["title"]["en"],
            scheme
        );
        assert_eq!(p["creditReceived"][0]["point"], ects);
        assert_eq!(p["specifiedBy"]["creditPoint"][0]["point"], ects);
        assert_eq!(p["isPartOf"][0]["id"], claim["id"]);
        assert_eq!(p["influencedBy"][0]["directedBy"][0]["id"], did.as_str());
    }
    // Blended: contact hours split in the form of participation.
    let act = &claim["influencedBy"][0];
    assert_eq!(act["specifiedBy"]["contactHour"][0], "96");
    let form = notes_with_subject(act, "form-of-participation");
    let en = form[0]["noteLiteral"]["en"].as_str().unwrap();
    assert!(en.contains("Mode of learning: blended"), "{en}");
    assert!(en.contains("Duration: 2026-02-09 – 2026-07-10 (in presence: 2026-07-06 – 2026-07-10; online: 2026-02-09 – 2026-06-19)"), "{en}");
    assert!(
        en.contains("Number of contact hours: 96 (in presence: 40; online: 56)"),
        "{en}"
    );
    assert_eq!(act["directedBy"].as_array().map(Vec::len), Some(3));
}

#[test]
fn completion_certificate_is_awarded_as_member_not_on_behalf() {
    let c = build_example("certificate-of-completion.json");
    assert_eq!(
        c["displayParameter"]["title"]["en"],
        "Certificate of Completion"
    );
    assert_eq!(
        c["displayParameter"]["title"]["it"],
        "Certificato di completamento"
    );
    let claim = at(&c, &["credentialSubject", "hasClaim", "0"]);
    assert_eq!(claim["type"], "LearningAchievement");
    assert_eq!(
        claim["awardedBy"]["description"]["en"],
        "Politecnico di Milano member of the ENHANCE Alliance"
    );
    assert_eq!(
        claim["awardedBy"]["description"]["it"],
        "Politecnico di Milano, membro dell'Alleanza ENHANCE"
    );
    let spec = &claim["specifiedBy"];
    assert_eq!(spec["type"], "LearningAchievementSpecification");
    assert_eq!(
        spec["educationLevel"][0]["id"],
        "http://data.europa.eu/snb/eqf/6"
    );
    assert!(spec.get("eqfLevel").is_none());
    assert_eq!(spec["creditPoint"][0]["point"], "6");
    assert_eq!(claim["provenBy"][0]["grade"]["noteLiteral"]["en"], "28/30");
    assert_eq!(notes_with_subject(spec, "quality-assurance").len(), 1);
}

#[test]
fn participation_certificate_has_an_activity_claim_without_credits_or_assessment() {
    let c = build_example("certificate-of-participation-staff-week.json");
    assert_eq!(
        c["displayParameter"]["title"]["en"],
        "Certificate of Participation"
    );
    assert_eq!(
        c["displayParameter"]["title"]["pl"],
        "Certyfikat uczestnictwa"
    );
    assert_eq!(
        c["displayParameter"]["description"]["en"],
        "Warsaw University of Technology member of the ENHANCE Alliance certifies that Sabine Hoffmann has participated in Staff week Internationalisation at Home"
    );
    let claim = at(&c, &["credentialSubject", "hasClaim", "0"]);
    assert_eq!(claim["type"], "LearningActivity");
    assert_eq!(
        claim["awardedBy"]["description"]["pl"],
        "Politechnika Warszawska, członek Sojuszu ENHANCE"
    );
    assert_eq!(claim["temporal"][0]["startDate"], "2026-05-18T00:00:00Z");
    assert_eq!(claim["temporal"][0]["endDate"], "2026-05-22T23:59:59Z");
    assert_eq!(
        claim["specifiedBy"]["type"],
        "LearningActivitySpecification"
    );
    assert_eq!(claim["specifiedBy"]["id"], "https://credentials.enhance-alliance.eu/learning-opportunities/wut/staff-week-internationalisation-at-home-2026");
    assert_eq!(
        claim["specifiedBy"]["dcType"][0]["id"],
        "http://data.europa.eu/snb/learning-activity/efff75e10a"
    );
    let text = serde_json::to_string(&c).unwrap();
    assert!(
        !text.contains("\"creditPoint\""),
        "no credits on a certificate of participation"
    );
    assert!(
        !text.contains("\"provenBy\""),
        "no assessment on a certificate of participation"
    );
    assert!(!text.contains("\"grade\""));
    let home = notes_with_subject(claim, "home-university");
    assert_eq!(
        home[0]["noteLiteral"]["en"],
        "International Office staff member, RWTH Aachen University"
    );
}

#[test]
fn node_ids_derive_from_the_credential_id() {
    let a = build_example("certificate-of-completion.json");
    let other = example_json("certificate-of-completion.json");
    let award: elm_model::Award = elm_model::parse_award(&other.to_string()).unwrap();
    let opts = elm_model::BuildOptions {
        credential_id: "urn:uuid:11111111-2222-4333-8444-555555555555".into(),
        issued: None,
    };
    let b = elm_model::build(&award, &universities(), &images_for(&award), &opts)
        .unwrap()
        .credential;
    assert_ne!(a["credentialSubject"]["id"], b["credentialSubject"]["id"]);
    // Specification ids are stable across credentials.
    assert_eq!(
        a["credentialSubject"]["hasClaim"][0]["specifiedBy"]["id"],
        b["credentialSubject"]["hasClaim"][0]["specifiedBy"]["id"]
    );
    let id = a["credentialSubject"]["id"].as_str().unwrap();
    assert!(
        id.starts_with("urn:uuid:") && id.len() == 45 && &id[23..24] == "8",
        "{id}"
    );
}

/// `Built::with_images` (issue #18: the cohort renders the page from a credential built with
/// placeholder images, then puts the rendered images in) gives exactly the credential `build`
/// gives with those images, for every example award; and it refuses what `build` refuses.
#[test]
fn with_images_is_build_with_those_images() {
    let universities = universities();
    for f in example_files() {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let award = elm_model::parse_award(&example_text(&name)).unwrap();
        let images = images_for(&award);
        assert!(!images.is_empty(), "{name}: no display images");
        let placeholders: Vec<elm_model::DisplayImage> = images
            .iter()
            .map(|i| elm_model::DisplayImage {
                language: i.language.clone(),
                media_type: elm_model::MediaType::Png,
                bytes: vec![0],
            })
            .collect();
        let direct = elm_model::build(&award, &universities, &images, &options()).unwrap();
        let draft = elm_model::build(&award, &universities, &placeholders, &options()).unwrap();
        assert_ne!(draft.credential, direct.credential, "{name}");
        let replaced = draft.clone().with_images(&award, &images).unwrap();
        assert_eq!(replaced.credential, direct.credential, "{name}");
        // The same bytes too (map equality ignores member order; the JAdES payload does not).
        assert_eq!(
            serde_json::to_string(&replaced.credential).unwrap(),
            serde_json::to_string(&direct.credential).unwrap(),
            "{name}"
        );
        assert_eq!(replaced.warnings, direct.warnings, "{name}");
        // An empty or missing image is refused as `build` refuses it.
        let mut empty = images.clone();
        empty[0].bytes.clear();
        let rules = |e: elm_model::BuildError| -> Vec<&'static str> {
            e.issues()
                .iter()
                .filter(|i| i.is_error())
                .map(|i| i.rule)
                .collect()
        };
        assert_eq!(
            rules(draft.clone().with_images(&award, &empty).unwrap_err()),
            rules(elm_model::build(&award, &universities, &empty, &options()).unwrap_err()),
            "{name}"
        );
        assert_eq!(
            rules(draft.clone().with_images(&award, &images[1..]).unwrap_err()),
            vec!["display.image-missing"],
            "{name}"
        );
    }
}
