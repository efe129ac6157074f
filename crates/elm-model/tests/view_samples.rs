//! The parse-back view on the EU's official EDC samples (ELM v3.2) and the EBSI VC 2.0 examples:
//! real values read from each, the signed samples read like their unsigned twins, and every sample
//! round-trips exactly through the typed parts.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use chrono::NaiveDate;
use elm_model::view::{ClaimKind, CredentialView, Decimal, ViewPart, ECTS};
use serde_json::Value;

const OFFICIAL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../testdata/edc/samples/elm-v3-official/"
);
const EBSI: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../testdata/edc/samples/ebsi-vcdm2-edc-examples/"
);

const OFFICIAL_FILES: &[&str] = &[
    "Sample-MC-Annex1-unsigned.jsonld",
    "Sample-MC-Annex1-unsigned-uploadable.json",
    "Sample-MC-Annex1-signed.jsonld",
    "Sample-CertOfPart-unsigned.jsonld",
    "Sample-CertOfPart-unsigned-uploadable.json",
    "Sample-CertOfPart-signed.jsonld",
    "credential-sample_ELM-3.2.jsonld",
];
const EBSI_FILES: &[&str] = &[
    "Bengales_highSchoolDiploma.json",
    "DigiComp_Generic.json",
    "Diploma_rntuo_credential.json",
    "Francisco_Cruz_Argudo_Certificate_of_Completion.json",
    "Microcredential_-_Data_and_software_business.json",
    "Transcript_of_records_-_generic.json",
];

fn bytes(dir: &str, name: &str) -> Vec<u8> {
    std::fs::read(format!("{dir}{name}")).unwrap_or_else(|e| panic!("{dir}{name}: {e}"))
}

fn official(name: &str) -> CredentialView {
    CredentialView::from_slice(&bytes(OFFICIAL, name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn ebsi(name: &str) -> CredentialView {
    CredentialView::from_slice(&bytes(EBSI, name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn all_samples() -> Vec<(String, Vec<u8>)> {
    OFFICIAL_FILES
        .iter()
        .map(|n| (n.to_string(), bytes(OFFICIAL, n)))
        .chain(EBSI_FILES.iter().map(|n| (n.to_string(), bytes(EBSI, n))))
        .collect()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Round trip: nothing is lost.

#[test]
fn every_sample_round_trips_exactly_through_the_typed_parts() {
    for (name, raw) in all_samples() {
        let input: Value = serde_json::from_slice(&raw).unwrap();
        let view = CredentialView::from_json(&input).unwrap_or_else(|e| panic!("{name}: {e}"));
        let rebuilt = view.to_json();
        assert_eq!(rebuilt, input, "{name}: to_json() differs from the input");
        // Member order is kept too: the compact serialisations are byte-identical.
        assert_eq!(
            serde_json::to_string(&rebuilt).unwrap(),
            serde_json::to_string(&input).unwrap(),
            "{name}"
        );
        assert_eq!(view.original(), &input, "{name}");
    }
}

#[test]
fn sealed_samples_rebuild_the_credential_inside_the_payload() {
    for name in [
        "Sample-MC-Annex1-signed.jsonld",
        "Sample-CertOfPart-signed.jsonld",
    ] {
        let view = official(name);
        let payload = view.payload().expect("sealed");
        let inner: Value = serde_json::from_str(payload).unwrap();
        assert_eq!(view.credential_json(), inner, "{name}");
        assert_eq!(
            serde_json::to_string(&view.credential_json()).unwrap(),
            payload,
            "{name}: payload bytes"
        );
    }
}

#[test]
fn to_json_is_built_from_the_typed_parts_not_copied() {
    let view = official("Sample-MC-Annex1-unsigned.jsonld");
    let mut c = view.credential().clone();
    c.id = None;
    c.extra.insert("enhance:note".into(), Value::from("added"));
    let v = c.to_value();
    assert!(v.get("id").is_none());
    assert_eq!(v["enhance:note"], "added");
    // Everything else is still there.
    assert_eq!(v["credentialSubject"], view.original()["credentialSubject"]);
}

#[test]
fn upload_wrapper_and_plain_read_the_same_credential() {
    for (plain, upload) in [
        (
            "Sample-MC-Annex1-unsigned.jsonld",
            "Sample-MC-Annex1-unsigned-uploadable.json",
        ),
        (
            "Sample-CertOfPart-unsigned.jsonld",
            "Sample-CertOfPart-unsigned-uploadable.json",
        ),
    ] {
        let a = official(plain);
        let b = official(upload);
        assert!(!b.is_sealed());
        assert!(matches!(
            b.envelope(),
            elm_model::view::Envelope::Upload { .. }
        ));
        assert_eq!(a.id(), b.id());
        assert_eq!(a.title("en"), b.title("en"));
        assert_eq!(a.learner_full_name(), b.learner_full_name());
        assert_eq!(a.specification_ids(), b.specification_ids());
    }
}

// ---------------------------------------------------------------------------------------------
// Micro-credential (Annex I sample), unsigned, uploadable and signed.

fn assert_mc_common(name: &str, v: &CredentialView) {
    assert_eq!(
        v.types(),
        ["VerifiableCredential", "EuropeanDigitalCredential"],
        "{name}"
    );
    assert_eq!(
        v.contexts(),
        [
            "https://www.w3.org/2018/credentials/v1",
            "http://data.europa.eu/snb/model/context/edc-ap"
        ]
    );
    assert_eq!(v.title("en"), Some("Micro-Credential"));
    assert_eq!(
        v.title("de"),
        Some("Micro-Credential"),
        "falls back to English"
    );
    assert_eq!(v.credential_profiles()[0].code(), Some("e34929035b"));
    assert_eq!(v.credential_profiles()[0].label("en"), Some("Generic"));
    assert_eq!(
        v.credential().valid_from.as_ref().and_then(|l| l.as_str()),
        Some("2022-12-31T23:00:00Z")
    );
    assert_eq!(
        v.valid_from().unwrap().to_rfc3339(),
        "2022-12-31T23:00:00+00:00"
    );
    let cert_no = &v.credential().identifier[0];
    assert_eq!(
        (cert_no.scheme(), cert_no.value().as_deref()),
        (Some("Certificate number"), Some("C012"))
    );

    assert_mc_display_and_learner(v);
    // Main claim and its specification.
    let claim = v.main_claim().unwrap();
    assert_eq!(claim.kind(), ClaimKind::Achievement);
    assert_eq!(claim.id(), Some("urn:epass:learningAchievement:1"));
    assert_eq!(claim.title("en"), Some("Digital micro-credential creation"));
    let spec = claim.specification().unwrap();
    assert!(spec.has_type("Qualification"));
    assert_eq!(spec.id(), Some("urn:epass:qualification:1"));
    assert_eq!(
        spec.eqf_level_iri(),
        Some("http://data.europa.eu/snb/eqf/6")
    );
    assert_eq!(spec.eqf_level_number(), Some(6));
    assert_eq!(v.eqf_level(), Some(6));
    assert_eq!(spec.isced_f_codes(), ["003", "0688"]);
    let cp = &spec.credit_point[0];
    assert_eq!(cp.framework_iri(), Some(ECTS));
    assert_eq!(cp.point_str().as_deref(), Some("2"));
    assert_eq!(cp.point_decimal(), Some(dec("2")));
    assert_eq!(v.ects(), Some(dec("2")));
    assert_eq!(v.total_credits(ECTS), Some(dec("2")));
    assert_eq!(v.total_credits("http://example.org/other-framework"), None);
    assert_eq!(
        spec.volume_of_learning.as_ref().unwrap().as_str(),
        Some("PT60H")
    );
    assert_eq!(
        spec.maximum_duration.as_ref().unwrap().as_str(),
        Some("P1M")
    );
    assert_eq!(spec.mode[0].label("en"), Some("Blended"));
    assert_eq!(spec.learning_setting[0].code(), Some("e207a81fc7"));
    assert_eq!(
        spec.learning_setting[0].label("en"),
        Some("non-formal learning")
    );
    assert_eq!(spec.language[0].code(), Some("ENG"));
    assert_eq!(
        spec.dc_type[0].label("en"),
        Some("Short learning programme")
    );
    assert_eq!(
        spec.is_partial_qualification.as_ref().unwrap().as_bool(),
        Some(false)
    );
    assert!(spec.entry_requirement[0]
        .text("en")
        .unwrap()
        .starts_with("The learner needs to have an EDC"));

    assert_mc_outcomes_assessment_activity(v);
}

/// Display parameters and the learner of the EU MC samples.
fn assert_mc_display_and_learner(v: &CredentialView) {
    // Display.
    let d = v.display().unwrap();
    assert_eq!(d.primary_language[0].code(), Some("ENG"));
    assert_eq!(
        d.description.as_ref().unwrap().get("en"),
        Some("has successfully completed a micro-module")
    );
    let detail = &d.individual_display[0].display_detail[0];
    assert_eq!(detail.page.as_ref().unwrap().as_u64(), Some(1));
    let image = &detail.image[0];
    assert_eq!(image.file_type(), Some("JPEG"));
    assert_eq!(image.media_type(), Some("image/jpeg"));
    assert!(image.content_base64().unwrap().starts_with("/9j/"));

    // Learner.
    let p = v.learner().unwrap();
    assert_eq!(v.learner_full_name().as_deref(), Some("Ana Andromeda"));
    assert_eq!(p.given_name.as_ref().unwrap().get("en"), Some("Ana"));
    assert_eq!(p.family_name.as_ref().unwrap().get("en"), Some("Andromeda"));
    assert_eq!(
        p.date_of_birth.as_ref().unwrap().as_str(),
        Some("1999-10-01T22:00:00Z")
    );
    assert_eq!(
        v.learner_date_of_birth(),
        NaiveDate::from_ymd_opt(1999, 10, 1)
    );
    let ids = v.learner_identifiers();
    assert_eq!(ids.len(), 1);
    assert_eq!(ids[0].value().as_deref(), Some("LA-234218"));
    assert_eq!(ids[0].country_code(), Some("ITA"));
}

/// Learning outcomes, assessment, activity and awarding bodies of the EU MC samples.
fn assert_mc_outcomes_assessment_activity(v: &CredentialView) {
    let claim = v.main_claim().unwrap();
    // Learning outcomes.
    let outcomes = v.learning_outcomes();
    assert_eq!(outcomes.len(), 2);
    assert_eq!(
        outcomes[0].title("en"),
        Some("Communication, collaboration and creativity")
    );
    assert_eq!(outcomes[0].related_esco_skill.len(), 3);
    assert_eq!(
        outcomes[0].related_esco_skill[0].label("en"),
        Some("stimulate creativity in the team")
    );
    assert_eq!(outcomes[1].title("en"), Some("Developing digital content"));
    assert_eq!(outcomes[1].title("es"), Some("Contento digital"));
    assert_eq!(outcomes[1].related_esco_skill.len(), 1);
    assert!(outcomes[1].has_type("LearningOutcome"));

    // Assessment (provenBy).
    let assessment = &claim.proven_by[0];
    assert_eq!(assessment.kind(), ClaimKind::Assessment);
    assert_eq!(assessment.title("en"), Some("Digital artefact assessment"));
    assert_eq!(assessment.grade("en"), Some("Pass"));
    assert_eq!(
        assessment.id_verification[0].label("en"),
        Some("Unsupervised without ID Verification")
    );
    let aspec = assessment.specification().unwrap();
    assert_eq!(
        aspec.grading_scheme[0].title.as_ref().unwrap().get("en"),
        Some("Standard grading")
    );
    assert_eq!(aspec.mode[0].label("en"), Some("Online"));
    assert_eq!(
        assessment.assessed_by[0].legal_name("en"),
        Some("European Digital Credentials for Learning Support Team")
    );

    // Activity (influencedBy).
    let activity = &claim.influenced_by[0];
    assert_eq!(activity.kind(), ClaimKind::Activity);
    assert_eq!(activity.title("en"), Some("EDC building training course"));
    let period = activity.period().unwrap();
    assert_eq!(
        period.start().unwrap().to_rfc3339(),
        "2023-05-05T07:00:00+00:00"
    );
    assert_eq!(
        period.end().unwrap().to_rfc3339(),
        "2023-06-06T15:00:00+00:00"
    );
    assert_eq!(
        activity.specification().unwrap().mode[0].label("en"),
        Some("Blended")
    );
    assert_eq!(
        activity
            .specification()
            .unwrap()
            .volume_of_learning
            .as_ref()
            .unwrap()
            .as_str(),
        Some("P60M")
    );

    // Awarding bodies: org:1 awards the achievement, the activity and the assessment.
    let bodies = v.awarding_bodies();
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0].id(), Some("urn:epass:org:1"));
    assert_eq!(bodies[0].legal_name("en"), Some("University of Zed"));
    assert_eq!(bodies[0].country_code(), Some("IRL"));

    assert_eq!(v.all_claims().len(), 3);
    assert!(v.units().is_empty());
    assert_eq!(
        v.specification_ids(),
        [
            "urn:epass:qualification:1",
            "urn:epass:learningAssessmentSpec:1",
            "urn:epass:learningActivitySpec:1"
        ]
    );
}

#[test]
fn micro_credential_unsigned() {
    for name in [
        "Sample-MC-Annex1-unsigned.jsonld",
        "Sample-MC-Annex1-unsigned-uploadable.json",
    ] {
        let v = official(name);
        assert!(!v.is_sealed());
        assert_eq!(
            v.id(),
            Some("urn:credential:3ef0ac26-9a1f-41c6-871b-2b82e670907b")
        );
        assert_mc_common(name, &v);
        let issuer = v.issuer().unwrap();
        assert_eq!(issuer.legal_name("en"), Some("University of Zed"));
        assert_eq!(issuer.country_code(), Some("IRL"));
        assert_eq!(
            issuer.eidas_notation(),
            None,
            "the unsigned sample has no eIDAS identifier"
        );
        assert!(v.credential().issued.is_none());
        assert!(v.evidence().is_empty());
    }
}

#[test]
fn micro_credential_signed_reads_like_its_unsigned_twin() {
    let v = official("Sample-MC-Annex1-signed.jsonld");
    assert!(v.is_sealed());
    assert_eq!(
        v.id(),
        Some("urn:credential:1018d05f-21d5-4555-b7f0-8fabfd22ca75")
    );
    assert_mc_common("signed", &v);

    // Sealed by the EU's test seal, on behalf of the awarding body (mandate evidence).
    let issuer = v.issuer().unwrap();
    assert_eq!(issuer.legal_name("en"), Some("ORGANIZACION TEST"));
    assert_eq!(issuer.eidas_notation().as_deref(), Some("VATES-A00000000"));
    assert_eq!(issuer.eidas_country_code(), Some("ESP"));
    assert_eq!(
        issuer.country_code(),
        Some("IRL"),
        "the first location's country"
    );
    assert_eq!(
        v.credential().issued.as_ref().unwrap().as_str(),
        Some("2023-09-27T13:54:17+02:00")
    );
    assert_eq!(
        v.issued_at().unwrap().to_rfc3339(),
        "2023-09-27T13:54:17+02:00"
    );
    assert_eq!(v.evidence()[0].dc_type[0].code(), Some("c_18016257"));
    assert_eq!(v.evidence()[0].dc_type[0].label("en"), Some("Mandate"));

    // The seal.
    let seal = v.seal().unwrap();
    assert!(!seal.payload_base64url);
    assert!(!seal.flattened);
    assert_eq!(seal.signatures.len(), 1);
    let sig = seal.signature().unwrap();
    assert_eq!(sig.alg(), Some("RS256"));
    assert_eq!(sig.signing_time(), Some("2023-09-27T11:54:17Z"));
    assert!(!sig.b64());
    assert!(!sig.x5c().is_empty());
    assert!(
        sig.raw.contains_key("header"),
        "unprotected header (etsiU) kept"
    );
    assert!(v
        .payload()
        .unwrap()
        .starts_with(r#"{"id":"urn:credential:1018d05f"#));
    assert_eq!(seal.payload_bytes(), v.payload().unwrap().as_bytes());
}

// ---------------------------------------------------------------------------------------------
// Certificate of participation.

fn assert_cop_common(v: &CredentialView) {
    assert_eq!(
        v.id(),
        Some("urn:credential:43662fb0-c31c-4afb-b501-e85aea91c0a8")
    );
    assert_eq!(v.title("en"), Some("Certificate of Participation"));
    let p = v.learner().unwrap();
    assert_eq!(v.learner_full_name().as_deref(), Some("Ana Andromeda"));
    assert_eq!(
        v.learner_date_of_birth(),
        NaiveDate::from_ymd_opt(1999, 10, 1)
    );
    assert_eq!(p.citizenship_country[0].code(), Some("ITA"));
    assert_eq!(
        p.place_of_birth[0].country().and_then(|c| c.code()),
        Some("ITA")
    );
    assert_eq!(p.gender[0].label("en"), Some("female"));
    let ids = v.learner_identifiers();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0].scheme(), Some("Student ID"));
    assert_eq!(ids[0].value().as_deref(), Some("97168A"));
    assert_eq!(ids[1].value().as_deref(), Some("LA-234218"));
    assert!(ids[1].has_type("LegalIdentifier"));

    let claim = v.main_claim().unwrap();
    assert_eq!(claim.kind(), ClaimKind::Activity);
    assert_eq!(claim.title("en"), Some("EDC Updates Webinar"));
    assert_eq!(claim.workload.as_ref().unwrap().as_str(), Some("PT2H"));
    let period = claim.period().unwrap();
    assert_eq!(
        period.start_date.as_ref().unwrap().as_str(),
        Some("2023-06-28T12:00:00Z")
    );
    assert_eq!(
        period.end().unwrap().to_rfc3339(),
        "2023-06-28T14:00:00+00:00"
    );
    let spec = claim.specification().unwrap();
    assert!(spec.has_type("LearningActivitySpecification"));
    assert_eq!(
        spec.dc_type[0].label("en"),
        Some("workshop, seminar or conference")
    );
    assert_eq!(spec.mode[0].label("en"), Some("Online"));
    assert_eq!(
        spec.volume_of_learning.as_ref().unwrap().as_str(),
        Some("P2M")
    );
    assert_eq!(spec.supplementary_document.len(), 3);
    assert_eq!(
        spec.supplementary_document[2]
            .title
            .as_ref()
            .unwrap()
            .get("en"),
        Some("ELM on Github")
    );

    let bodies = v.awarding_bodies();
    assert_eq!(bodies.len(), 1);
    assert_eq!(
        bodies[0].legal_name("en"),
        Some("European Digital Credentials for Learning Support Team")
    );
    assert_eq!(bodies[0].country_code(), Some("BEL"));
    assert_eq!(claim.directed_by[0].id(), Some("urn:epass:org:1"));
    assert_eq!(v.ects(), None);
    assert_eq!(v.eqf_level(), None);
    assert!(v.learning_outcomes().is_empty());
    let image = &v.display().unwrap().individual_display[0].display_detail[0].image[0];
    assert_eq!(image.media_type(), Some("image/jpeg"));
}

#[test]
fn certificate_of_participation_unsigned_and_signed() {
    let unsigned = official("Sample-CertOfPart-unsigned.jsonld");
    assert_cop_common(&unsigned);
    assert_eq!(
        unsigned.issuer().unwrap().legal_name("en"),
        Some("European Digital Credentials for Learning Support Team")
    );
    let signed = official("Sample-CertOfPart-signed.jsonld");
    assert!(signed.is_sealed());
    assert_cop_common(&signed);
    assert_eq!(
        signed.issuer().unwrap().legal_name("en"),
        Some("ORGANIZACION TEST")
    );
    assert_eq!(
        signed.credential().issued.as_ref().unwrap().as_str(),
        Some("2023-09-27T14:07:01+02:00")
    );
    assert_eq!(
        signed.seal().unwrap().signature().unwrap().alg(),
        Some("RS256")
    );
    assert_eq!(
        unsigned.credential().credential_subject[0],
        signed.credential().credential_subject[0]
    );
    let uploadable = official("Sample-CertOfPart-unsigned-uploadable.json");
    assert_cop_common(&uploadable);
}

// ---------------------------------------------------------------------------------------------
// The ELM 3.2 reference sample (every VC-level member present).

#[test]
fn elm_3_2_reference_sample() {
    let v = official("credential-sample_ELM-3.2.jsonld");
    assert_eq!(v.id(), Some("http://example.org/credential132"));
    assert_eq!(v.title("en"), Some("Some kind of credential"));
    assert_eq!(v.credential_profiles()[0].code(), Some("bdc47cb449"));
    let d = v.display().unwrap();
    let langs: Vec<_> = d.language.iter().filter_map(|c| c.code()).collect();
    assert_eq!(langs, ["ENG", "FRA"]);
    let image = &d.individual_display[0].display_detail[0].image[0];
    assert_eq!(image.media_type(), Some("image/jpeg"));
    assert_eq!(image.content_base64(), Some(""));

    let issuer = v.issuer().unwrap();
    assert_eq!(issuer.legal_name("fr"), Some("un nom légal"));
    assert_eq!(issuer.legal_name("en"), Some("some legal name"));
    assert_eq!(issuer.eidas_notation().as_deref(), Some("126839"));
    assert_eq!(issuer.eidas_country_code(), Some("FRA"));
    assert_eq!(issuer.country_code(), Some("FRA"));

    let c = v.credential();
    assert_eq!(
        c.issuance_date.as_ref().unwrap().as_str(),
        Some("2010-01-01T00:00:00")
    );
    assert_eq!(
        v.issued_at().unwrap().to_rfc3339(),
        "2010-01-01T00:00:00+00:00"
    );
    assert_eq!(
        v.valid_from().unwrap().to_rfc3339(),
        "2010-10-01T00:00:00+00:00"
    );
    assert_eq!(
        c.expiration_date.as_ref().unwrap().as_str(),
        Some("2024-09-25T00:00:00")
    );
    assert_eq!(
        v.valid_until().unwrap().to_rfc3339(),
        "2024-09-25T00:00:00+00:00"
    );
    assert_eq!(
        c.credential_schema[0].id(),
        Some("http://data.europa.eu/snb/model/ap/edc-generic-no-cv")
    );

    let status = &v.credential_status()[0];
    assert_eq!(status.id(), Some("http://example.org/credentialStatus1"));
    assert!(status.has_type("CredentialStatus"));
    let proofs: Vec<_> = v.proofs().collect();
    assert_eq!(proofs.len(), 1);
    assert_eq!(proofs[0].id(), Some("http://example.org/proof1"));
    assert_eq!(v.evidence()[0].dc_type[0].code(), Some("c_18016257"));
    assert!(
        c.extra.contains_key("termsOfUse"),
        "uninterpreted members are kept"
    );

    let p = v.learner().unwrap();
    assert_eq!(v.learner_full_name().as_deref(), Some("Max Power"));
    assert_eq!(p.birth_name.as_ref().unwrap().get("en"), Some("Maxi"));
    assert_eq!(v.learner_date_of_birth(), None);

    let claim = v.main_claim().unwrap();
    assert_eq!(claim.title("fr"), Some("une sorte de réussite scolaire"));
    assert_eq!(claim.title("en"), Some("some kind of learning achievement"));
    assert!(claim.awarded_by[0]
        .extra
        .contains_key("educationalSystemNote"));
    let bodies = v.awarding_bodies();
    assert_eq!(bodies.len(), 1);
    assert_eq!(
        bodies[0].legal_name("en"),
        Some("some legal name of the organisation")
    );
    assert_eq!(bodies[0].country_code(), Some("FRA"));
    assert!(v.specification_ids().is_empty());
}

// ---------------------------------------------------------------------------------------------
// EBSI VC 2.0 examples.

fn assert_ebsi_common(name: &str, v: &CredentialView) {
    assert_ebsi_issuer_and_learner(name, v);
    let bodies = v.awarding_bodies();
    assert_eq!(bodies.len(), 1, "{name}");
    assert_eq!(bodies[0].legal_name("en"), Some("University of Life"));
    assert_eq!(bodies[0].country_code(), Some("BEL"));
}

fn assert_ebsi_issuer_and_learner(name: &str, v: &CredentialView) {
    assert!(!v.is_sealed());
    assert_eq!(
        v.types(),
        [
            "VerifiableCredential",
            "VerifiableAttestation",
            "EuropeanDigitalCredential"
        ],
        "{name}"
    );
    assert_eq!(v.contexts()[0], "https://www.w3.org/ns/credentials/v2");
    assert_eq!(
        v.learner_full_name().as_deref(),
        Some("David Smith"),
        "{name}"
    );
    assert_eq!(v.learner().unwrap().id(), Some("did:key:afsdlkj34134"));
    let issuer = v.issuer().unwrap();
    assert_eq!(issuer.id(), Some("did:ebsi:org:12345689"));
    assert_eq!(issuer.legal_name("en"), Some("ORGANIZACION TEST"));
    assert_eq!(issuer.country_code(), Some("ESP"));
    assert_eq!(v.credential().credential_schema.len(), 2);
}

#[test]
fn ebsi_high_school_diploma_has_subject_parts() {
    let v = ebsi("Bengales_highSchoolDiploma.json");
    assert_ebsi_common("diploma", &v);
    assert_eq!(v.title("en"), Some("Bengales_highSchoolDiploma"));
    assert_eq!(v.learner_identifiers()[0].scheme(), Some("Student ID"));
    assert_eq!(
        v.learner_identifiers()[0].value().as_deref(),
        Some("5547554")
    );
    let claim = v.main_claim().unwrap();
    assert_eq!(
        claim.title("en"),
        Some("Higher  Education Entrance Qualification - German International ABITUR School")
    );
    assert!(claim.has_part.was_array());
    let units: Vec<_> = v.units().iter().filter_map(|u| u.title("en")).collect();
    assert_eq!(units, ["History", "Art", "Religion", "English", "German"]);
    let history = &v.units()[0];
    assert_eq!(history.proven_by.len(), 4);
    assert_eq!(history.proven_by[0].title("en"), Some("History semester 3"));
    assert_eq!(history.proven_by[0].grade("en"), Some("Excellent (5)"));
    assert_eq!(
        history.specification().unwrap().id(),
        Some("urn:epass:learningAchievementSpec:1")
    );
    assert_eq!(
        claim.proven_by[0].title("en"),
        Some("Overall Qualification Q+A")
    );
    assert_eq!(claim.entitles_to[0].kind(), ClaimKind::Entitlement);
    assert_eq!(
        claim.entitles_to[0].title("en"),
        Some("Passed the German International Abitur")
    );
    let spec = claim.specification().unwrap();
    assert!(spec.has_type("Qualification"));
    assert_eq!(spec.title("en"), Some("German International Abitur"));
    assert_eq!(v.eqf_level(), Some(4));
    assert_eq!(spec.nqf_level[0].label("en"), Some("DQR Level 5"));
    assert_eq!(
        spec.is_partial_qualification.as_ref().unwrap().as_bool(),
        Some(true)
    );
    assert_eq!(v.ects(), Some(Decimal::ZERO));
    assert_eq!(
        v.display().unwrap().individual_display[0].display_detail[0].image[0].media_type(),
        Some("image/jpeg")
    );
    assert_eq!(
        v.credential().issued.as_ref().unwrap().as_str(),
        Some("2024-03-26T16:03:32+01:00")
    );
    assert!(v
        .specification_ids()
        .contains(&"urn:epass:learningAchievementSpec:5"));
}

#[test]
fn ebsi_digicomp_and_transcript() {
    let v = ebsi("DigiComp_Generic.json");
    assert_ebsi_common("digicomp", &v);
    assert_eq!(v.eqf_level(), Some(5));
    assert_eq!(v.units().len(), 2);
    assert_eq!(v.units()[0].title("en"), Some("Topic #1"));
    assert_eq!(v.main_claim().unwrap().proven_by[0].grade("en"), Some("10"));
    // Two outcomes on the programme, one more shared by both parts (same id, counted once).
    let outcomes: Vec<_> = v
        .learning_outcomes()
        .iter()
        .map(|o| (o.id().unwrap(), o.title("en").unwrap()))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("urn:epass:learningOutcome:2", "Name of DigiComp Competence"),
            (
                "urn:epass:learningOutcome:3",
                "Name of DigiComp Competence 2"
            ),
            ("urn:epass:learningOutcome:1", "Name of DigiComp Competence"),
        ]
    );
    assert_eq!(
        v.learning_outcomes()[0].related_skill[0].label("en"),
        Some("5.4 Identifying digital competence gaps")
    );

    let t = ebsi("Transcript_of_records_-_generic.json");
    assert_ebsi_common("transcript", &t);
    assert_eq!(t.title("en"), Some("Transcript of records - generic"));
    assert_eq!(t.ects(), Some(dec("1")));
    let units: Vec<_> = t.units().iter().filter_map(|u| u.title("en")).collect();
    assert_eq!(units, ["Topic #2", "Topic #1"]);
    assert_eq!(t.units()[0].proven_by[0].grade("en"), Some("Excellent (5)"));
}

#[test]
fn ebsi_micro_credential() {
    let v = ebsi("Microcredential_-_Data_and_software_business.json");
    assert_ebsi_common("mc", &v);
    assert_eq!(v.claims().len(), 4);
    let claim = v.main_claim().unwrap();
    assert_eq!(claim.title("en"), Some("Data and software business"));
    assert_eq!(
        claim.awarded_by[0].awarding_date.as_ref().unwrap().as_str(),
        Some("2020-07-20T00:00:00+02:00")
    );
    assert_eq!(v.ects(), Some(dec("5")));
    let titles: Vec<_> = v
        .learning_outcomes()
        .iter()
        .filter_map(|o| o.title("en"))
        .collect();
    assert_eq!(
        titles,
        [
            "Monetizing with data and software",
            "Basic principles of data and software business",
            "Collaboratively develop a data or software concept"
        ]
    );
    let overall = &claim.proven_by[0];
    assert_eq!(overall.grade("en"), Some("Excellent (5)"));
    assert_eq!(overall.has_part.len(), 3, "assessment parts");
    assert_eq!(
        overall.has_part[0].title("en"),
        Some("individual assignment 1")
    );
    assert_eq!(
        overall.has_part[0].specification().unwrap().grading_scheme[0]
            .title
            .as_ref()
            .unwrap()
            .get("en"),
        Some("General grading scheme in Finland")
    );
    let activities: Vec<_> = v
        .claims()
        .into_iter()
        .filter(|c| c.kind() == ClaimKind::Activity)
        .filter_map(|c| c.title("en"))
        .collect();
    assert_eq!(
        activities,
        ["Zoom lecture", "Course exercise", "Individual exercise"]
    );
}

#[test]
fn ebsi_diploma_and_certificate_of_completion() {
    let v = ebsi("Diploma_rntuo_credential.json");
    assert_ebsi_issuer_and_learner("rntuo", &v);
    let bodies = v.awarding_bodies();
    assert_eq!(bodies.len(), 1);
    assert_eq!(
        bodies[0].legal_name("es"),
        Some("Universidad Pontificia Comillas (Universidad de la Iglesia Católica)")
    );
    assert_eq!(bodies[0].country_code(), Some("ESP"));
    assert!(v
        .main_claim()
        .unwrap()
        .title("en")
        .unwrap()
        .starts_with("Máster Universitario en Asuntos Internacionales"));
    assert_eq!(
        v.credential().valid_until.as_ref().unwrap().as_str(),
        Some("2023-03-04T00:00:00+01:00")
    );
    assert_eq!(
        v.valid_until().unwrap().to_rfc3339(),
        "2023-03-04T00:00:00+01:00"
    );
    assert_eq!(
        v.learner_identifiers()[0].value().as_deref(),
        Some("75541452")
    );

    let c = ebsi("Francisco_Cruz_Argudo_Certificate_of_Completion.json");
    assert_ebsi_common("completion", &c);
    let kinds: Vec<_> = c.claims().iter().map(|cl| cl.kind()).collect();
    assert_eq!(kinds, [ClaimKind::Achievement, ClaimKind::Activity]);
    assert_eq!(
        c.main_claim().unwrap().title("en"),
        Some("Certificate of Completion")
    );
    let activity = c.claims()[1];
    assert_eq!(activity.workload.as_ref().unwrap().as_str(), Some("PT1H"));
    assert_eq!(
        activity.specification().unwrap().mode[0].label("en"),
        Some("Online")
    );
    assert!(activity.specification().unwrap().mode.was_array());
    assert_eq!(
        c.learner_identifiers()[0].scheme(),
        Some("Student Identifier")
    );
    assert_eq!(
        c.credential().identifier[0].scheme(),
        Some("Europass Wallet")
    );
}

/// `view::read_claims` (the claims without the rest of the view, used by the verifier's
/// awarding-body check) reads exactly the claims the full view reads, on every plain sample.
#[test]
fn read_claims_equals_the_views_claims_on_every_sample() {
    let mut compared = 0;
    for (dir, name) in OFFICIAL_FILES
        .iter()
        .map(|n| (OFFICIAL, *n))
        .chain(EBSI_FILES.iter().map(|n| (EBSI, *n)))
    {
        if name.contains("uploadable") {
            continue; // a wrapper, not a credential: the check gets the credential inside
        }
        let value: Value = serde_json::from_slice(&bytes(dir, name)).unwrap();
        if value.get("payload").is_some() && value.get("signatures").is_some() {
            continue; // sealed: the verifier reads the claims of the payload, a plain credential
        }
        let view = CredentialView::from_json(&value).unwrap();
        let claims = elm_model::view::read_claims(&value).unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected: Vec<_> = view.claims().into_iter().cloned().collect();
        assert!(!expected.is_empty(), "{name} has claims");
        assert_eq!(claims, expected, "{name}");
        let all: Vec<_> = elm_model::view::all_claims_of(&claims)
            .into_iter()
            .cloned()
            .collect();
        let expected_all: Vec<_> = view.all_claims().into_iter().cloned().collect();
        assert_eq!(all, expected_all, "{name}");
        // The lean reading of the awarding-body check: the same claims, ids, titles (in every
        // language the sample has, with the specification's title as fallback) and awarding
        // processes, in the same depth-first order.
        let awarded =
            elm_model::view::read_awarded_claims(&value).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(awarded.len(), claims.len(), "{name}");
        let lean = elm_model::view::all_awarded_claims(&awarded);
        assert_eq!(lean.len(), expected_all.len(), "{name}");
        for (l, full) in lean.iter().zip(&expected_all) {
            assert_eq!(l.id(), full.id(), "{name}");
            for lang in ["en", "de", "fr", "nl", "pl", "it", "xx"] {
                assert_eq!(l.title(lang), full.title(lang), "{name} {lang}");
            }
            assert_eq!(l.awarded_by, full.awarded_by, "{name}");
            assert_eq!(
                l.awarding_bodies().count(),
                full.awarding_bodies().count(),
                "{name}"
            );
        }
        compared += 1;
    }
    assert_eq!(compared, 9);
    // Not a credential: no subject, no claims; a claim that is not an object is an error.
    assert!(
        elm_model::view::read_claims(&serde_json::json!({"type": "VerifiableCredential"}))
            .unwrap()
            .is_empty()
    );
    assert!(elm_model::view::read_claims(
        &serde_json::json!({"credentialSubject": {"hasClaim": [42]}})
    )
    .is_err());
    assert!(elm_model::view::read_awarded_claims(
        &serde_json::json!({"type": "VerifiableCredential"})
    )
    .unwrap()
    .is_empty());
    let err = elm_model::view::read_awarded_claims(
        &serde_json::json!({"credentialSubject": {"hasClaim": [42]}}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("hasClaim[0]"), "{err}");
    let err = elm_model::view::read_awarded_claims(
        &serde_json::json!({"credentialSubject": {"hasClaim": {"hasPart": [{"awardedBy": 7}]}}}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("awardedBy"), "{err}");
}
