//! The shared VC Data Model rules (`elm_model::vcdm`, issue #15 point 2) on the library: each rule
//! with a failing input (its rule code at the field path) and a passing one (no finding).

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use elm_model::vcdm;
use serde_json::{json, Value};

fn vc(extra: Value) -> Value {
    let mut c = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:learner"}
    });
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

/// The errors (a related resource not held offline is only a warning: `related_resource.rs`).
fn findings(c: &Value) -> Vec<(String, &'static str)> {
    vcdm::check(c)
        .into_iter()
        .filter(|i| i.is_error())
        .map(|i| (i.path, i.rule))
        .collect()
}

#[test]
fn each_typed_member_needs_a_type_on_every_entry() {
    for (member, slug) in vcdm::TYPED_MEMBERS {
        let type_rule = format!("vcdm.{slug}.type");
        let object_rule = format!("vcdm.{slug}.object");
        // One entry without a type; an array whose second entry has a non-string type.
        let f = findings(&vc(json!({member: {"id": "https://x.example/1"}})));
        assert_eq!(f.len(), 1, "{member}: {f:?}");
        assert_eq!(
            (f[0].0.as_str(), f[0].1),
            (format!("{member}.type").as_str(), type_rule.as_str())
        );
        let f = findings(&vc(
            json!({member: [{"id": "x:0", "type": "A"}, {"id": "x:1", "type": [1]}]}),
        ));
        assert_eq!(
            f,
            [(format!("{member}[1].type"), type_rule.as_str())],
            "{member}"
        );
        // Not an object, and an empty array.
        let f = findings(&vc(json!({member: ["https://x.example/1"]})));
        assert_eq!(f[0].0, format!("{member}[0]"));
        assert_eq!(f[0].1, object_rule);
        let f = findings(&vc(json!({member: []})));
        assert_eq!(f[0].1, object_rule);
        // Passing: a string type, an array of types.
        assert!(
            findings(&vc(json!({member: {"id": "x:0", "type": "A"}}))).is_empty(),
            "{member}"
        );
        assert!(findings(&vc(
            json!({member: [{"id": "x:0", "type": ["A", "B"]}, {"id": "x:1", "type": "C"}]})
        ))
        .is_empty());
    }
}

#[test]
fn the_credential_subject_is_not_empty() {
    let f = findings(&vc(json!({"credentialSubject": {}})));
    assert_eq!(
        f,
        [(
            "credentialSubject".to_owned(),
            "vcdm.credential-subject.empty"
        )]
    );
    let f = findings(&vc(
        json!({"credentialSubject": [{"id": "did:example:a"}, {}]}),
    ));
    assert_eq!(
        f,
        [(
            "credentialSubject[1]".to_owned(),
            "vcdm.credential-subject.empty"
        )]
    );
    assert!(findings(&vc(json!({"credentialSubject": {"name": "Ada"}}))).is_empty());
    assert!(findings(&vc(json!({"credentialSubject": [{"id": "did:example:a"}]}))).is_empty());
}

#[test]
fn related_resources_have_unique_ids_and_a_digest() {
    let ok = json!({"id": "https://r.example/a", "digestSRI": "sha384-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"});
    assert!(findings(&vc(json!({"relatedResource": [ok.clone()]}))).is_empty());
    assert!(findings(&vc(
        json!({"relatedResource": {"id": "https://r.example/a", "digestMultibase": "uEiB"}})
    ))
    .is_empty());
    let cases = [
        (
            json!(["https://r.example/a"]),
            "relatedResource[0]",
            "vcdm.related-resource.object",
        ),
        (
            json!([{"digestSRI": "sha384-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}]),
            "relatedResource[0].id",
            "vcdm.related-resource.id",
        ),
        (
            json!([ok.clone(), ok.clone()]),
            "relatedResource[1].id",
            "vcdm.related-resource.unique-id",
        ),
        (
            json!([{"id": "https://r.example/a"}]),
            "relatedResource[0]",
            "vcdm.related-resource.digest",
        ),
        (
            json!([{"id": "https://r.example/a", "digestMultibase": 5}]),
            "relatedResource[0]",
            "vcdm.related-resource.digest",
        ),
    ];
    for (value, path, rule) in cases {
        let f = findings(&vc(json!({"relatedResource": value})));
        assert_eq!(f, [(path.to_owned(), rule)], "{value}");
    }
}

#[test]
fn non_objects_and_credentials_without_these_members_have_no_findings() {
    assert!(vcdm::check(&json!("a string")).is_empty());
    assert!(vcdm::check(&json!([1, 2])).is_empty());
    assert!(findings(&vc(json!({}))).is_empty());
}

#[test]
fn a_credential_schema_entry_needs_an_id() {
    let f = findings(&vc(json!({"credentialSchema": [
        {"id": "https://schema.example/1.json", "type": "JsonSchema"},
        {"type": "JsonSchema"},
        {"id": "", "type": "JsonSchema"}
    ]})));
    assert_eq!(
        f,
        [
            (
                "credentialSchema[1].id".to_owned(),
                "vcdm.credential-schema.id"
            ),
            (
                "credentialSchema[2].id".to_owned(),
                "vcdm.credential-schema.id"
            )
        ]
    );
    let one =
        json!({"credentialSchema": {"id": "https://schema.example/1.json", "type": "JsonSchema"}});
    assert!(findings(&vc(one)).is_empty());
}

#[test]
fn the_end_of_the_validity_period_is_not_before_its_start() {
    // VC DM 2.0 §4.9, and the VC 1.1 pair; offsets are compared as instants.
    let f = findings(&vc(json!({
        "validFrom": "2026-07-01T00:00:00Z",
        "validUntil": "2026-06-30T23:59:59Z"
    })));
    assert_eq!(
        f,
        [(
            "validUntil".to_owned(),
            "vcdm.valid-until.before-valid-from"
        )]
    );
    let f = findings(&vc(json!({
        "issuanceDate": "2026-07-01T00:00:00+02:00",
        "expirationDate": "2026-06-30T21:00:00Z"
    })));
    assert_eq!(
        f,
        [(
            "expirationDate".to_owned(),
            "vcdm.expiration-date.before-issuance-date"
        )]
    );
    // Passing: equal instants (written with different offsets), a later end, one date alone, and
    // an unparsable date (each caller's own date rule names that).
    for extra in [
        json!({"validFrom": "2026-07-01T02:00:00+02:00", "validUntil": "2026-07-01T00:00:00Z"}),
        json!({"validFrom": "2026-07-01T00:00:00Z", "validUntil": "2027-07-01T00:00:00Z"}),
        json!({"validUntil": "2020-01-01T00:00:00Z"}),
        json!({"validFrom": "2026-07-01T00:00:00Z", "validUntil": "next year"}),
        json!({"issuanceDate": "2026-07-01T00:00:00Z", "expirationDate": "2026-07-01T00:00:00Z"}),
    ] {
        assert!(findings(&vc(extra.clone())).is_empty(), "{extra}");
    }
}
