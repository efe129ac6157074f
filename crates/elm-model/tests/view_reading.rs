//! The parse-back view's tolerance (JSON-LD's one-or-many values, both language-map forms, bare
//! IRIs, base64url and flattened JWS), its preservation of unknown members, credit arithmetic over
//! programme units, and its errors on documents that are not credentials.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use elm_model::view::{ClaimKind, CredentialView, Decimal, ViewError, ECTS};
use serde_json::{json, Value};

fn ects(point: &str) -> Value {
    json!({"type": "CreditPoint", "framework": {"id": ECTS, "type": "Concept"}, "point": point})
}

fn unit(n: u32, point: Option<&str>, body: &str) -> Value {
    let mut spec = json!({"id": format!("urn:spec:unit{n}"), "type": "LearningAchievementSpecification",
                          "title": {"en": format!("Unit {n}")}});
    if let Some(p) = point {
        spec["creditPoint"] = ects(p);
    }
    json!({
        "id": format!("urn:claim:unit{n}"),
        "type": "LearningAchievement",
        "title": {"en": [format!("Unit {n}")]},
        "awardedBy": {"type": "AwardingProcess", "awardingBody": [{"id": body, "type": "Organisation",
            "legalName": {"en": body.trim_start_matches("urn:org:")}}]},
        "specifiedBy": spec
    })
}

/// A programme credential in the object-not-array style of the EU samples.
fn programme(parts: Value, programme_credits: Option<&str>) -> Value {
    let mut spec = json!({"id": "urn:spec:programme", "type": "Qualification",
        "eqfLevel": {"id": "http://data.europa.eu/snb/eqf/7", "type": "Concept"},
        "title": {"en": "Master of Things"}});
    if let Some(p) = programme_credits {
        spec["creditPoint"] = ects(p);
    }
    json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "http://data.europa.eu/snb/model/context/edc-ap"],
        "id": "urn:credential:1",
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "issuer": {"id": "did:web:lead.example", "type": "Organisation", "legalName": {"en": "Lead University"}},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:key:learner",
            "type": "Person",
            "givenName": {"en": "Jan"},
            "familyName": {"en": ["Kowalski"]},
            "dateOfBirth": "2001-05-17",
            "hasClaim": {
                "id": "urn:claim:programme",
                "type": "LearningAchievement",
                "title": {"en": "Master of Things", "pl": ["Magister Rzeczy"]},
                "awardedBy": {"type": "AwardingProcess", "awardingBody": {"id": "urn:org:Lead", "type": "Organisation",
                    "legalName": {"en": "Lead"}}},
                "specifiedBy": spec,
                "hasPart": parts
            }
        }
    })
}

fn read(v: &Value) -> CredentialView {
    let view = CredentialView::from_json(v).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&view.to_json(), v, "round trip");
    assert_eq!(
        serde_json::to_string(&view.to_json()).unwrap(),
        serde_json::to_string(v).unwrap(),
        "member order"
    );
    view
}

fn err(v: &Value) -> ViewError {
    match CredentialView::from_json(v) {
        Ok(_) => panic!("read as a credential: {v}"),
        Err(e) => e,
    }
}

#[test]
fn single_object_and_array_read_the_same_and_keep_their_form() {
    let as_array = programme(
        json!([
            unit(1, Some("5"), "urn:org:A"),
            unit(2, Some("2.5"), "urn:org:B")
        ]),
        None,
    );
    let as_object = programme(unit(1, Some("5"), "urn:org:A"), None);
    let a = read(&as_array);
    let o = read(&as_object);
    assert_eq!(a.units().len(), 2);
    assert_eq!(o.units().len(), 1);
    assert_eq!(a.units()[0], o.units()[0]);
    assert!(a.main_claim().unwrap().has_part.was_array());
    assert!(!o.main_claim().unwrap().has_part.was_array());

    // Everything single in the source reads as a one-element list too.
    let claim = o.main_claim().unwrap();
    assert_eq!(claim.kind(), ClaimKind::Achievement);
    assert_eq!(claim.awarded_by.len(), 1);
    assert_eq!(claim.awarding_bodies().count(), 1);
}

#[test]
fn both_language_map_forms_read_alike() {
    let v = read(&programme(json!([]), None));
    let claim = v.main_claim().unwrap();
    assert_eq!(claim.title("en"), Some("Master of Things"));
    assert_eq!(claim.title("pl"), Some("Magister Rzeczy"));
    assert_eq!(
        claim.title("de"),
        Some("Master of Things"),
        "falls back to English"
    );
    let p = v.learner().unwrap();
    assert_eq!(p.given_name.as_ref().unwrap().get("en"), Some("Jan"));
    assert_eq!(p.family_name.as_ref().unwrap().get("en"), Some("Kowalski"));
    assert_eq!(
        v.learner_full_name().as_deref(),
        Some("Jan Kowalski"),
        "no fullName: given + family"
    );
    assert_eq!(
        v.learner_date_of_birth(),
        chrono::NaiveDate::from_ymd_opt(2001, 5, 17)
    );
    assert_eq!(
        v.title("en"),
        Some("Master of Things"),
        "no display parameter: the main claim's title"
    );
    assert_eq!(v.units().len(), 0);
}

#[test]
fn credits_add_up_over_units_and_bodies_are_collected() {
    let parts = json!([
        unit(1, Some("5"), "urn:org:A"),
        unit(2, Some("2.5"), "urn:org:B"),
        unit(3, Some("0,5"), "urn:org:A")
    ]);
    // No credits on the programme: the sum of its units'.
    let v = read(&programme(parts.clone(), None));
    assert_eq!(v.ects(), Some(Decimal::from_int(8)));
    let unit_sum: Decimal = v.units().iter().filter_map(|u| u.credits(ECTS)).sum();
    assert_eq!(unit_sum, Decimal::from_int(8));
    // Credits on the programme win over the parts.
    let v = read(&programme(parts, Some("60")));
    assert_eq!(v.ects(), Some(Decimal::from_int(60)));
    assert_eq!(v.total_credits("http://example.org/other"), None);
    assert_eq!(v.eqf_level(), Some(7));

    let names: Vec<_> = v
        .awarding_bodies()
        .iter()
        .map(|o| o.legal_name("en").unwrap())
        .collect();
    assert_eq!(
        names,
        ["Lead", "A", "B"],
        "distinct, in order of first mention"
    );
    assert_eq!(
        v.specification_ids(),
        [
            "urn:spec:programme",
            "urn:spec:unit1",
            "urn:spec:unit2",
            "urn:spec:unit3"
        ]
    );
    assert_eq!(v.all_claims().len(), 4);
}

#[test]
fn credit_received_on_the_claim_wins() {
    let mut doc = programme(json!([]), Some("60"));
    doc["credentialSubject"]["hasClaim"]["creditReceived"] = json!([ects("42.5")]);
    assert_eq!(read(&doc).ects(), Some("42.5".parse().unwrap()));
}

#[test]
fn unknown_members_are_kept_in_extra_at_every_level() {
    let mut doc = programme(json!([unit(1, Some("5"), "urn:org:A")]), None);
    doc["enhance:batch"] = json!({"id": "urn:batch:7", "size": 30});
    doc["credentialSubject"]["hasClaim"]["hasPart"][0]["enhance:localCode"] = json!("INF-101");
    doc["credentialSubject"]["hasClaim"]["specifiedBy"]["eqfLevel"]["enhance:x"] =
        json!([1, 2, {"deep": null}]);
    doc["credentialSubject"]["nullMember"] = Value::Null;
    let v = read(&doc);
    assert_eq!(v.credential().extra["enhance:batch"]["size"], 30);
    assert_eq!(v.units()[0].extra["enhance:localCode"], "INF-101");
    let eqf = &v.main_claim().unwrap().specification().unwrap().eqf_level[0];
    assert_eq!(eqf.extra["enhance:x"], json!([1, 2, {"deep": null}]));
    assert!(v.learner().unwrap().extra["nullMember"].is_null());
}

#[test]
fn bare_iris_read_as_reference_nodes() {
    let mut doc = programme(json!([]), None);
    doc["issuer"] = json!("did:web:lead.example");
    doc["credentialSubject"]["hasClaim"]["awardedBy"]["awardingBody"] = json!("urn:org:Lead");
    let v = read(&doc);
    let issuer = v.issuer().unwrap();
    assert_eq!(issuer.id(), Some("did:web:lead.example"));
    assert!(issuer.is_reference());
    assert_eq!(v.awarding_bodies()[0].id(), Some("urn:org:Lead"));
}

#[test]
fn vc_status_and_data_integrity_proof_are_typed() {
    let mut doc = programme(json!([]), None);
    doc["credentialStatus"] = json!({"id": "https://lead.example/status/1#94567", "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": "94567",
        "statusListCredential": "https://lead.example/status/1"});
    doc["proof"] = json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
        "verificationMethod": "did:web:lead.example#key-1", "proofPurpose": "assertionMethod", "proofValue": "z58"});
    let v = read(&doc);
    let s = &v.credential_status()[0];
    assert_eq!(
        s.status_purpose.as_ref().unwrap().as_str(),
        Some("revocation")
    );
    assert_eq!(s.status_list_index.as_ref().unwrap().as_u64(), Some(94567));
    assert_eq!(
        s.status_list_credential.as_ref().unwrap().as_str(),
        Some("https://lead.example/status/1")
    );
    let p = v.proofs().next().unwrap();
    assert!(p.has_type("DataIntegrityProof"));
    assert_eq!(
        p.cryptosuite.as_ref().unwrap().as_str(),
        Some("eddsa-rdfc-2022")
    );
    assert_eq!(
        p.verification_method.as_ref().unwrap().as_str(),
        Some("did:web:lead.example#key-1")
    );
}

#[test]
fn base64url_and_flattened_jws_payloads_are_read() {
    let doc = programme(json!([]), None);
    let text = serde_json::to_string(&doc).unwrap();
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"EdDSA"}"#);
    let general = json!({"payload": URL_SAFE_NO_PAD.encode(&text), "signatures": [{"protected": header, "signature": "c2ln"}]});
    let v = read(&general);
    assert!(v.is_sealed());
    assert!(v.seal().unwrap().payload_base64url);
    assert_eq!(v.credential_json(), doc);
    assert_eq!(v.seal().unwrap().signature().unwrap().alg(), Some("EdDSA"));

    let b64_false = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","b64":false,"crit":["b64"]}"#);
    let flattened = json!({"payload": text, "protected": b64_false, "signature": "c2ln"});
    let v = read(&flattened);
    let seal = v.seal().unwrap();
    assert!(seal.flattened && !seal.payload_base64url);
    assert_eq!(v.payload(), Some(text.as_str()));
    assert_eq!(v.learner_full_name().as_deref(), Some("Jan Kowalski"));
}

// ---- errors name the path ----

#[test]
fn a_json_array_is_not_a_credential() {
    let e = err(&json!([programme(json!([]), None)]));
    assert_eq!(e.path(), "$");
    assert!(matches!(e, ViewError::Type { found, .. } if found == "an array"));
}

#[test]
fn missing_credential_subject_is_named() {
    let mut doc = programme(json!([]), None);
    doc.as_object_mut().unwrap().remove("credentialSubject");
    let e = err(&doc);
    assert!(matches!(e, ViewError::Missing { .. }));
    assert_eq!(e.path(), "$.credentialSubject");
    assert!(
        e.to_string().starts_with("$.credentialSubject: missing"),
        "{e}"
    );

    let e = err(&json!({"credential": doc}));
    assert_eq!(e.path(), "$.credential.credentialSubject");
    let e = err(&json!({"payload": serde_json::to_string(&doc).unwrap(), "signatures": []}));
    assert_eq!(e.path(), "$.payload.credentialSubject");
    assert_eq!(
        err(&json!({"hello": "world"})).path(),
        "$.credentialSubject"
    );
}

#[test]
fn wrongly_typed_nodes_are_named_with_their_path() {
    let mut doc = programme(json!([unit(1, None, "urn:org:A"), 42]), None);
    let e = err(&doc);
    assert_eq!(e.path(), "$.credentialSubject.hasClaim.hasPart[1]");
    assert_eq!(e.to_string(), "$.credentialSubject.hasClaim.hasPart[1]: expected a Claim object (or its IRI), found a number");

    doc = programme(json!([]), None);
    doc["credentialSubject"]["hasClaim"]["type"] = json!(["LearningAchievement", 7]);
    assert_eq!(err(&doc).path(), "$.credentialSubject.hasClaim.type[1]");

    doc = programme(json!([]), None);
    doc["@context"] = json!(["https://www.w3.org/2018/credentials/v1", {"@vocab": "urn:x#"}]);
    assert!(
        CredentialView::from_json(&doc).is_ok(),
        "inline contexts are fine"
    );
    doc["issuer"] = json!(true);
    let e = err(&doc);
    assert_eq!(
        e.to_string(),
        "$.issuer: expected a Organisation object (or its IRI), found a boolean"
    );
}

#[test]
fn bad_bytes_and_bad_payloads_are_reported() {
    let e = CredentialView::from_slice(b"{not json").unwrap_err();
    assert!(matches!(e, ViewError::Json { .. }));
    assert_eq!(e.path(), "$");
    let e = err(
        &json!({"payload": "{broken", "signatures": [{"protected": URL_SAFE_NO_PAD.encode(br#"{"b64":false}"#)}]}),
    );
    assert_eq!(e.path(), "$.payload");
    let e = err(&json!({"payload": 5, "signatures": []}));
    assert_eq!(e.path(), "$.payload");
    let e = err(&json!({"payload": "{}", "signatures": {}}));
    assert_eq!(e.path(), "$.signatures");
    let e = err(&json!({"credential": "x", "credentialSubject": null}));
    assert_eq!(e.path(), "$.credentialSubject");
}
