//! Each check passing and failing on real credentials: built from `examples/awards/` with
//! `elm-model`, signed with the demo keys through `proofs`, status lists served from 127.0.0.1.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use common::*;
use proofs::signer::Ed25519Signer;
use serde_json::{json, Value};
use verifier::{verify_json, CheckKind, CheckStatus, FixedClock, NetworkPolicy, Verdict};

#[test]
fn a_signed_example_credential_is_valid_on_every_check() {
    let server = Server::start();
    for name in [
        "micro-credential-professional",
        "programme-micro-credential-data-literacy",
        "certificate-of-completion",
    ] {
        let cred = signed_with_list(&server, name, &[5], "revocation", "94567");
        let r = verify_json(&cred, &policy(), &clock());
        assert_eq!(r.verdict, Verdict::Valid, "{name}: {}", show(&r));
        for k in CheckKind::ALL {
            assert_eq!(status(&r, k), CheckStatus::Ok, "{name} {k:?}: {}", show(&r));
        }
        assert_says(&r, CheckKind::Format, "EDC SHACL shapes");
        let shacl = shacl_detail(&r);
        assert_eq!(shacl.status, CheckStatus::Ok, "{}", show(&r));
        assert!(
            shacl
                .message
                .starts_with("conforms to the EDC SHACL shapes"),
            "{}",
            shacl.message
        );
    }
    // The programme micro-credential's units are awarded by other members, under "on behalf of".
    let cred = signed_with_list(
        &server,
        "programme-micro-credential-data-literacy",
        &[],
        "revocation",
        "7",
    );
    let r = verify_json(&cred, &policy(), &clock());
    assert_says(
        &r,
        CheckKind::AwardingBody,
        "on behalf of the ENHANCE Alliance",
    );
}

#[test]
fn untrusted_issuer_fails_trust_only() {
    // A did:key "university" signing for itself: a valid proof, but not in the registry.
    let key = Ed25519Signer::from_secret_bytes("", &[7u8; 32]);
    let did = proofs::did::did_key_from_ed25519(&key.verifying_key());
    let key = key.with_key_id(proofs::did::did_key_verification_method(&did).unwrap());
    let (mut doc, _) = built("micro-credential-professional");
    doc["issuer"]["id"] = json!(did);
    let cred = sign_with(&doc, &key);
    let r = verify_json(&cred, &policy(), &clock());
    assert_status(&r, CheckKind::Proof, CheckStatus::Ok);
    // Issue #14: a verified signer on no trust source is unknown here, not a failure; the award
    // of a member university signed by a stranger is what fails.
    assert_eq!(status(&r, CheckKind::Trust), CheckStatus::Unknown);
    assert!(msg(&r, CheckKind::Trust).contains("on none of the trust sources"));
    assert_eq!(status(&r, CheckKind::AwardingBody), CheckStatus::Failed);
    assert_eq!(r.verdict, Verdict::Invalid);
}

#[test]
fn expired_and_not_yet_valid_are_distinct_failures() {
    let (mut doc, uni) = built("micro-credential-professional");
    doc["expirationDate"] = json!("2026-10-01T00:00:00Z");
    let cred = sign_with(&doc, &signer(&uni));
    let r = verify_json(&cred, &policy(), &clock());
    assert_eq!(status(&r, CheckKind::Expiry), CheckStatus::Failed);
    assert!(
        msg(&r, CheckKind::Expiry).starts_with("expired: expirationDate was 2026-10-01T00:00:00Z"),
        "{}",
        show(&r)
    );
    assert_eq!(status(&r, CheckKind::Proof), CheckStatus::Ok);
    assert_eq!(r.verdict, Verdict::Invalid);

    // Before the credential's validFrom / issuanceDate (2026-04-10).
    let cred = sign_with(&built("micro-credential-professional").0, &signer(&uni));
    let early = FixedClock(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
    let r = verify_json(&cred, &policy(), &early);
    assert_eq!(status(&r, CheckKind::Expiry), CheckStatus::Failed);
    assert!(
        msg(&r, CheckKind::Expiry).starts_with("not yet valid:"),
        "{}",
        show(&r)
    );
    let r = verify_json(&cred, &policy(), &clock());
    assert_eq!(status(&r, CheckKind::Expiry), CheckStatus::Ok);
}

#[test]
fn revoked_and_suspended_credentials_fail() {
    let server = Server::start();
    // (example, bits set in the list, purpose, the credential's index, the message's start)
    for (name, set, purpose, index, says) in [
        (
            "micro-credential-professional",
            42,
            "revocation",
            "42",
            "revoked: entry 42",
        ),
        (
            "certificate-of-completion",
            9,
            "suspension",
            "9",
            "suspended: entry 9",
        ),
    ] {
        let cred = signed_with_list(&server, name, &[set], purpose, index);
        let r = verify_json(&cred, &policy(), &clock());
        assert_status(&r, CheckKind::Revocation, CheckStatus::Failed);
        assert!(msg(&r, CheckKind::Revocation).starts_with(says));
        assert_eq!(r.verdict, Verdict::Invalid);
    }

    // Same list, another index: fine. And the list is cached: no second fetch within the TTL.
    let p = policy();
    let cred = signed_with_list(
        &server,
        "certificate-of-completion",
        &[9],
        "suspension",
        "10",
    );
    assert_eq!(
        status(&verify_json(&cred, &p, &clock()), CheckKind::Revocation),
        CheckStatus::Ok
    );
    let before = server.hits.lock().unwrap().len();
    assert_eq!(
        status(&verify_json(&cred, &p, &clock()), CheckKind::Revocation),
        CheckStatus::Ok
    );
    assert_eq!(
        server.hits.lock().unwrap().len(),
        before,
        "second verification must use the cache"
    );
}

#[test]
fn a_status_list_signed_by_someone_else_fails() {
    let server = Server::start();
    let (doc, uni) = built("micro-credential-professional");
    // (path, the list's issuer, who signs it, its purpose, what the failure says), each list
    // pointed at by an eth credential's revocation entry.
    let cases = [
        // rwth publishes (and signs) a list.
        (
            "/status/rwth/1",
            "rwth",
            "rwth",
            "revocation",
            "not by the credential's issuer",
        ),
        // A list claiming eth as issuer but signed with rwth's key: its proof fails.
        (
            "/status/eth/forged",
            uni.as_str(),
            "rwth",
            "revocation",
            "proof does not verify",
        ),
        // A list whose purpose differs from the entry's.
        (
            "/status/eth/susp",
            uni.as_str(),
            uni.as_str(),
            "suspension",
            "purpose",
        ),
    ];
    for (path, issuer, signed_by, purpose, says) in cases {
        let url = format!("{}{path}", server.base);
        let list = status_list(&url, &did(issuer), purpose, &encoded_list(&[]));
        server.put_json(path, &sign_with(&list, &signer(signed_by)));
        let cred = sign_with(
            &with_status(doc.clone(), &url, "revocation", "3"),
            &signer(&uni),
        );
        let r = verify_json(&cred, &policy(), &clock());
        assert_check_says(&r, CheckKind::Revocation, CheckStatus::Failed, says);
    }
}

fn set_awarding_body(claim: &mut Value, body: Value) {
    claim["awardedBy"]["awardingBody"] = json!([body]);
}

#[test]
fn forged_awarding_bodies_fail() {
    // A non-member awarding body.
    let (mut doc, uni) = built("micro-credential-professional");
    let claim = &mut doc["credentialSubject"]["hasClaim"][0];
    set_awarding_body(
        claim,
        json!({"id": "did:web:evil.example", "type": "Organisation", "legalName": {"en": "Evil University"}}),
    );
    let cred = sign_with(&doc, &signer(&uni));
    let r = verify_json(&cred, &policy(), &clock());
    assert_eq!(status(&r, CheckKind::Proof), CheckStatus::Ok);
    assert_check_says(
        &r,
        CheckKind::AwardingBody,
        CheckStatus::Failed,
        "Evil University",
    );
    assert!(msg(&r, CheckKind::AwardingBody).contains("nor an ENHANCE member"));

    // A non-member with a member's legal name but its own DID is still not a member.
    let (mut doc, uni) = built("micro-credential-professional");
    let claim = &mut doc["credentialSubject"]["hasClaim"][0];
    set_awarding_body(
        claim,
        json!({"id": "did:web:evil.example", "type": "Organisation", "legalName": {"en": "RWTH Aachen University"}}),
    );
    let r = verify_json(&sign_with(&doc, &signer(&uni)), &policy(), &clock());
    assert_status(&r, CheckKind::AwardingBody, CheckStatus::Failed);

    // Another member, without the "on behalf of the ENHANCE Alliance" framing (a certificate of
    // completion is awarded as "member of the ENHANCE Alliance").
    let (mut doc, uni) = built("certificate-of-completion");
    let rwth_body = json!({"id": did("rwth"), "type": "Organisation", "legalName": {"en": "RWTH Aachen University"}});
    set_awarding_body(
        &mut doc["credentialSubject"]["hasClaim"][0],
        rwth_body.clone(),
    );
    let r = verify_json(&sign_with(&doc, &signer(&uni)), &policy(), &clock());
    assert_check_says(
        &r,
        CheckKind::AwardingBody,
        CheckStatus::Failed,
        "does not state",
    );

    // The programme micro-credential without its "on behalf" statement: the units of wut and
    // polimi are no longer acceptable.
    let (doc, uni) = built("programme-micro-credential-data-literacy");
    let text = serde_json::to_string(&doc).unwrap();
    let mut stripped = text.clone();
    for (_, phrase) in verifier::ON_BEHALF_PHRASES {
        stripped = stripped.replace(phrase, "member of the ENHANCE Alliance");
    }
    assert_ne!(stripped, text);
    let doc: Value = serde_json::from_str(&stripped).unwrap();
    let r = verify_json(&sign_with(&doc, &signer(&uni)), &policy(), &clock());
    assert_status(&r, CheckKind::AwardingBody, CheckStatus::Failed);

    // The programme credential signed by a member that is not its lead (tub signing tudelft's
    // programme, issuer rewritten): tudelft's top-level claim is then "another university".
    let (mut doc, _) = built("programme-micro-credential-data-literacy");
    doc["issuer"]["id"] = json!(did("tub"));
    let r = verify_json(&sign_with(&doc, &signer("tub")), &policy(), &clock());
    assert_status(&r, CheckKind::AwardingBody, CheckStatus::Failed);
}

#[test]
fn unreachable_status_list_is_indeterminate() {
    let (doc, uni) = built("micro-credential-professional");
    let cred = sign_with(
        &with_status(doc, "http://127.0.0.1:1/status/eth/1", "revocation", "3"),
        &signer(&uni),
    );
    let t = Instant::now();
    let r = verify_json(&cred, &policy(), &clock());
    assert!(t.elapsed() < Duration::from_secs(5));
    assert_check_says(
        &r,
        CheckKind::Revocation,
        CheckStatus::Error,
        "status list unavailable",
    );
    assert_eq!(r.verdict, Verdict::Indeterminate, "{}", show(&r));

    // 404 too.
    let server = Server::start();
    let (doc, uni) = built("micro-credential-professional");
    let cred = sign_with(
        &with_status(doc, &format!("{}/missing", server.base), "revocation", "3"),
        &signer(&uni),
    );
    let r = verify_json(&cred, &policy(), &clock());
    assert_eq!(status(&r, CheckKind::Revocation), CheckStatus::Error);
    assert!(msg(&r, CheckKind::Revocation).contains("404"));
    assert_eq!(r.verdict, Verdict::Indeterminate);

    // Default network policy: loopback is not allow-listed, http refused.
    let p = verifier::Policy::new(verifier::TrustRegistry::demo().unwrap());
    let r = verify_json(&cred, &p, &clock());
    assert_status(&r, CheckKind::Revocation, CheckStatus::Error);
    assert_eq!(r.verdict, Verdict::Indeterminate);
    // Loopback over (allowed) http but not allow-listed: refused before connecting.
    let mut np = NetworkPolicy::local_testing();
    np.allow_addresses.clear();
    let r = verify_json(&cred, &p.clone().with_network(np), &clock());
    assert_says(&r, CheckKind::Revocation, "not allow-listed");
}

/// A university outside the registry publishing its DID document by did:web.
fn did_web_issuer(host_port: &str) -> (String, Ed25519Signer) {
    let did = format!(
        "did:web:{}:universities:outsider",
        host_port.replace(':', "%3A")
    );
    let key = Ed25519Signer::from_secret_bytes(format!("{did}#key-1"), &[9u8; 32]);
    (did, key)
}

#[test]
fn did_web_is_fetched_and_unreachable_did_web_is_indeterminate() {
    let server = Server::start();
    let (did, key) = did_web_issuer(&format!("127.0.0.1:{}", server.port));
    let document = did_document_key_1(&did, &key);
    server.put_json("/universities/outsider/did.json", &document);
    let (mut doc, _) = built("micro-credential-professional");
    doc["issuer"]["id"] = json!(did);
    let cred = sign_with(&doc, &key);
    let p = policy().with_checks([CheckKind::Proof, CheckKind::Trust]);
    let r = verify_json(&cred, &p, &clock());
    assert_status(&r, CheckKind::Proof, CheckStatus::Ok);
    // Outside the registry: unknown to this service (issue #14), not a failure.
    assert_eq!(status(&r, CheckKind::Trust), CheckStatus::Unknown);

    // The same DID on a port nobody listens on: could not check.
    let (did, key) = did_web_issuer("127.0.0.1:1");
    let (mut doc, _) = built("micro-credential-professional");
    doc["issuer"]["id"] = json!(did);
    let cred = sign_with(&doc, &key);
    let r = verify_json(&cred, &policy().with_checks([CheckKind::Proof]), &clock());
    assert_check_says(&r, CheckKind::Proof, CheckStatus::Error, "cannot resolve");
    assert_eq!(r.verdict, Verdict::Indeterminate);
}

#[test]
fn tampering_after_signing_fails_the_proof() {
    let (doc, uni) = built("micro-credential-professional");
    let mut cred = sign_with(&doc, &signer(&uni));
    cred["credentialSubject"]["givenName"] = json!({"en": "Mallory"});
    let r = verify_json(&cred, &policy(), &clock());
    assert_status(&r, CheckKind::Proof, CheckStatus::Failed);
    assert_eq!(r.verdict, Verdict::Invalid);

    // Unsigned: "no proof".
    let r = verify_json(&doc, &policy(), &clock());
    assert_eq!(status(&r, CheckKind::Proof), CheckStatus::Failed);
    assert!(msg(&r, CheckKind::Proof).starts_with("no proof"));

    // Signed by another member's key under this issuer: controller mismatch.
    let r = verify_json(&sign_with(&doc, &signer("rwth")), &policy(), &clock());
    assert_eq!(status(&r, CheckKind::Proof), CheckStatus::Failed);
}

#[test]
fn vc_jwt_verifies_and_respects_the_registry() {
    let (doc, uni) = built("micro-credential-professional");
    let jwt = proofs::vc_jwt::encode(&doc, &signer(&uni)).unwrap();
    let r = verifier::verify(jwt.as_bytes(), &policy(), &clock());
    assert_status(&r, CheckKind::Proof, CheckStatus::Ok);
    assert!(msg(&r, CheckKind::Proof).starts_with("VC-JWT signature (EdDSA)"));
    assert_eq!(status(&r, CheckKind::Trust), CheckStatus::Ok);
    assert_eq!(status(&r, CheckKind::AwardingBody), CheckStatus::Ok);
    // Tampered payload.
    let mut parts: Vec<String> = jwt.split('.').map(str::to_string).collect();
    let mut c = doc.clone();
    c["credentialSubject"]["givenName"] = json!({"en": "Mallory"});
    use base64::Engine as _;
    parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(c.to_string());
    let r = verifier::verify(parts.join(".").as_bytes(), &policy(), &clock());
    assert_status(&r, CheckKind::Proof, CheckStatus::Failed);
}

#[test]
fn a_jades_sealed_enhance_credential_verifies_with_the_registry_ca() {
    let (doc, uni) = built("micro-credential-professional");
    let sealed = seal_as(&doc, &uni);
    let r = verify_json(&sealed, &policy(), &clock());
    assert_check_says(&r, CheckKind::Proof, CheckStatus::Ok, "NTRCH-DEMO-ETH");
    assert_status(&r, CheckKind::Trust, CheckStatus::Ok);
    assert_status(&r, CheckKind::AwardingBody, CheckStatus::Ok);
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));

    // Another member's seal over eth's credential: the seal is genuine and trusted, but the
    // awarding body is not the sealing university.
    let sealed = seal_as(&doc, "rwth");
    let r = verify_json(&sealed, &policy(), &clock());
    assert_eq!(status(&r, CheckKind::Proof), CheckStatus::Ok);
    assert_check_says(
        &r,
        CheckKind::Trust,
        CheckStatus::Failed,
        "but the credential's issuer is",
    );
    assert_status(&r, CheckKind::AwardingBody, CheckStatus::Failed);
}

#[test]
fn the_eu_sealed_samples_verify_for_proof_and_format() {
    let dir = testdata("edc/samples/elm-v3-official");
    for f in [
        "Sample-MC-Annex1-signed.jsonld",
        "Sample-CertOfPart-signed.jsonld",
    ] {
        let bytes = std::fs::read(dir.join(f)).unwrap();
        let p = policy().with_checks([CheckKind::Proof, CheckKind::Format]);
        let r = verifier::verify(&bytes, &p, &clock());
        assert_eq!(r.verdict, Verdict::Valid, "{f}: {}", show(&r));
        assert!(
            msg(&r, CheckKind::Proof)
                .contains("sealed by ORGANIZACION TEST (organisationIdentifier VATES-A00000000)"),
            "{}",
            show(&r)
        );
        // pyshacl agrees: both sealed samples conform to EDC-generic-full + no-cv (shacl_differential.rs).
        let shacl = shacl_detail(&r);
        assert_eq!(shacl.status, CheckStatus::Ok, "{f}: {}", show(&r));
        // With every check: the EU's test seal certificate (valid to May 2025) is expired at the
        // verification time and a B-B seal has no proof of existence from before, so the trust
        // check cannot be made (ETSI EN 319 102-1 OUT_OF_BOUNDS_NO_POE): indeterminate, never
        // invalid; while it was valid, its CA is unknown here (tests/real_world.rs).
        let r = verifier::verify(&bytes, &policy(), &clock());
        assert_status(&r, CheckKind::Trust, CheckStatus::Error);
        assert!(msg(&r, CheckKind::Trust).contains("not valid at the verification time"));
        assert!(msg(&r, CheckKind::Trust).contains("OUT_OF_BOUNDS_NO_POE"));
        assert_eq!(r.verdict, Verdict::Indeterminate);
    }
}

#[test]
fn an_edc_credential_violating_the_shacl_shapes_fails_format_with_the_rules() {
    // A validly signed credential whose content breaks EDC-generic-no-cv: the claim has no title
    // (LearningAchievement dc:title, sh:minCount 1) and the issuer no eIDAS identifier
    // (IssuerNodeShape through sh:node on cred:issuer). The missing title breaks both the Claim and
    // the LearningAchievement shape: three violations.
    let (mut doc, uni) = built("micro-credential-professional");
    doc["credentialSubject"]["hasClaim"][0]
        .as_object_mut()
        .unwrap()
        .remove("title");
    let issuer = doc["issuer"]["id"].clone();
    fn strip(v: &mut Value, id: &Value) {
        match v {
            Value::Object(m) => {
                if m.get("id") == Some(id) {
                    m.remove("eIDASIdentifier");
                }
                m.values_mut().for_each(|x| strip(x, id));
            }
            Value::Array(a) => a.iter_mut().for_each(|x| strip(x, id)),
            _ => {}
        }
    }
    strip(&mut doc, &issuer);
    let cred = sign_with(&doc, &signer(&uni));
    let r = verify_json(&cred, &policy(), &clock());
    assert_status(&r, CheckKind::Proof, CheckStatus::Ok);
    assert_status(&r, CheckKind::Format, CheckStatus::Failed);
    assert_eq!(r.verdict, Verdict::Invalid);
    let shacl = shacl_detail(&r);
    assert_eq!(shacl.status, CheckStatus::Failed);
    assert!(
        shacl.message.contains("dc:title: MinCount"),
        "{}",
        shacl.message
    );
    assert!(
        shacl.message.contains("cred:issuer: Node"),
        "{}",
        shacl.message
    );
    assert!(
        shacl.message.contains("because")
            && shacl.message.contains("elm:eidasLegalIdentifier: MinCount"),
        "{}",
        shacl.message
    );
    assert_says(&r, CheckKind::Format, "edc-shacl: 3 violation(s)");
}

#[test]
fn a_generic_vc_2_0_credential() {
    let server = Server::start();
    let uni = "wut";
    let list_url = format!("{}/status/wut/generic", server.base);
    server.put_json(
        "/status/wut/generic",
        &sign_with(
            &status_list(&list_url, &did(uni), "revocation", &encoded_list(&[])),
            &signer(uni),
        ),
    );
    let doc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:5b1c7c35-8f0e-4e8e-9a53-2b1f0a6f3d11",
        "type": ["VerifiableCredential"],
        "issuer": did(uni),
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2027-01-01T00:00:00Z",
        "name": "Staff week attendance",
        "credentialSubject": {"id": "did:example:learner", "name": "Ada"},
    });
    let cred = sign_with(
        &with_status(doc.clone(), &list_url, "revocation", "17"),
        &signer(uni),
    );
    let r = verify_json(&cred, &policy(), &clock());
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    assert_eq!(status(&r, CheckKind::AwardingBody), CheckStatus::Skipped);
    assert_eq!(status(&r, CheckKind::Revocation), CheckStatus::Ok);
    assert!(r
        .check(CheckKind::Format)
        .unwrap()
        .details
        .iter()
        .all(|d| d.name != "edc-shacl"));

    // Data-model violations are format failures (and break the proof).
    let mut bad = doc.clone();
    bad["@context"] = json!(["https://www.w3.org/ns/credentials/v2"]);
    bad["type"] = json!(["Whatever"]);
    bad["validUntil"] = json!("next year");
    let r = verify_json(
        &sign_with(&doc, &signer(uni)),
        &policy().with_checks([CheckKind::Format]),
        &clock(),
    );
    assert_eq!(status(&r, CheckKind::Format), CheckStatus::Ok);
    let r = verify_json(
        &bad,
        &policy().with_checks([CheckKind::Format, CheckKind::Expiry]),
        &clock(),
    );
    assert_check_says(
        &r,
        CheckKind::Format,
        CheckStatus::Failed,
        "type does not include VerifiableCredential",
    );
    assert!(msg(&r, CheckKind::Format).contains("validUntil \"next year\" is not an xsd:dateTime"));
    assert_eq!(status(&r, CheckKind::Expiry), CheckStatus::Failed);
}
