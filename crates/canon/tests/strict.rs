//! Safe-mode strictness (as jsonld.js `safe: true`): undefined terms, relative IRIs, unknown
//! contexts and protected-term redefinitions are errors naming the term / path; poison graphs
//! hit the RDFC-1.0 work bound quickly.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use canon::{CanonError, Limits};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn elm_sample() -> Value {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/edc/samples/elm-v3-official/credential-sample_ELM-3.2.jsonld"
    );
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn alumni() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": "https://vc.example/issuers/5678",
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"}
    })
}

#[test]
fn undefined_term_is_an_error_naming_term_and_path() {
    let mut doc = elm_sample();
    doc["credentialSubject"]["favouriteColour"] = json!("blue");
    let err = canon::canonicalize(&doc).unwrap_err();
    assert_eq!(
        err,
        CanonError::UndefinedTerm {
            term: "favouriteColour".into(),
            path: "$.credentialSubject.favouriteColour".into()
        }
    );
    assert!(err.to_string().contains("favouriteColour"), "{err}");
}

#[test]
fn undefined_term_deep_inside_an_array() {
    let mut doc = elm_sample();
    let claims = doc["credentialSubject"]["hasClaim"].clone();
    let first = if claims.is_array() {
        claims[0].clone()
    } else {
        claims
    };
    let mut first = first;
    first["notInAnyContext"] = json!(1);
    doc["credentialSubject"]["hasClaim"] = json!([first]);
    match canon::canonicalize(&doc).unwrap_err() {
        CanonError::UndefinedTerm { term, path } => {
            assert_eq!(term, "notInAnyContext");
            assert_eq!(path, "$.credentialSubject.hasClaim[0].notInAnyContext");
        }
        other => panic!("expected UndefinedTerm, got {other:?}"),
    }
}

#[test]
fn relative_id_is_an_error() {
    let mut doc = elm_sample();
    doc["credentialSubject"]["id"] = json!("person-1");
    let err = canon::canonicalize(&doc).unwrap_err();
    assert_eq!(
        err,
        CanonError::RelativeIri {
            value: "person-1".into(),
            path: "$.credentialSubject.id".into()
        }
    );
}

#[test]
fn relative_type_is_an_error() {
    // VC 1.1 + edc-ap has no @vocab: an unknown type stays a relative IRI.
    let mut doc = elm_sample();
    doc["type"] = json!(["VerifiableCredential", "NoSuchType"]);
    match canon::canonicalize(&doc).unwrap_err() {
        CanonError::RelativeIri { value, path } => {
            assert_eq!(value, "NoSuchType");
            assert_eq!(path, "$.type[1]");
        }
        other => panic!("expected RelativeIri, got {other:?}"),
    }
}

#[test]
fn relative_node_reference_is_an_error() {
    // `issuer` is `@type: @id` in VC 2.0: a relative string is a relative node reference.
    let mut doc = alumni();
    doc["issuer"] = json!("issuers/5678");
    match canon::canonicalize(&doc).unwrap_err() {
        CanonError::RelativeIri { value, path } => {
            assert_eq!(value, "issuers/5678");
            assert_eq!(path, "$.issuer");
        }
        other => panic!("expected RelativeIri, got {other:?}"),
    }
}

#[test]
fn unknown_context_is_a_typed_error_and_nothing_is_fetched() {
    let mut doc = alumni();
    doc["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!("https://example.com/evil-context"));
    let start = Instant::now();
    let err = canon::canonicalize(&doc).unwrap_err();
    assert_eq!(
        err,
        CanonError::UnknownContext {
            url: "https://example.com/evil-context".into()
        }
    );
    // An offline lookup, not a network timeout.
    assert!(start.elapsed() < Duration::from_secs(1));
    // A single unknown context, too.
    let doc = json!({"@context": "https://example.com/other", "@id": "urn:x", "urn:p": "v"});
    assert_eq!(
        canon::canonicalize(&doc).unwrap_err(),
        CanonError::UnknownContext {
            url: "https://example.com/other".into()
        }
    );
}

#[test]
fn vc2_with_edc_ap_is_a_protected_term_redefinition() {
    let mut doc = elm_sample();
    doc["@context"] = json!([
        "https://www.w3.org/ns/credentials/v2",
        "http://data.europa.eu/snb/model/context/edc-ap"
    ]);
    match canon::canonicalize(&doc).unwrap_err() {
        CanonError::ProtectedTermRedefinition { term, context } => {
            assert_eq!(term, "description");
            assert_eq!(
                context.as_deref(),
                Some("http://data.europa.eu/snb/model/context/edc-ap")
            );
        }
        other => panic!("expected ProtectedTermRedefinition, got {other:?}"),
    }
    // The EU's own choice, VC 1.1 + edc-ap, is fine.
    assert!(canon::canonicalize(&elm_sample()).is_ok());
}

#[test]
fn inline_protected_redefinition_is_named() {
    let doc = json!({
        "@context": [
            {"@protected": true, "name": "https://schema.org/name"},
            {"name": "https://example.org/otherName"}
        ],
        "@id": "urn:x",
        "name": "n"
    });
    match canon::canonicalize(&doc).unwrap_err() {
        CanonError::ProtectedTermRedefinition { term, .. } => assert_eq!(term, "name"),
        other => panic!("expected ProtectedTermRedefinition, got {other:?}"),
    }
    // An identical redefinition is allowed (JSON-LD 1.1 §4.1.2 step 27.2).
    let doc = json!({
        "@context": [
            {"@protected": true, "name": "https://schema.org/name"},
            {"name": "https://schema.org/name"}
        ],
        "@id": "urn:x",
        "name": "n"
    });
    assert_eq!(
        canon::canonicalize(&doc).unwrap(),
        "<urn:x> <https://schema.org/name> \"n\" .\n"
    );
}

/// Project policy: language tags are lower-cased as jsonld.js 9 does (`"colour"@en-gb`), so a
/// credential with a non-lower-case language key hashes the same in both stacks (json-ld 0.21 and
/// ssi keep the case; `tests/tests/js_interop.rs` checks the JS side).
#[test]
fn language_tags_are_lower_cased_like_jsonld_js() {
    let doc = json!({
        "@context": {"label": {"@id": "urn:label", "@container": "@language"}},
        "@id": "urn:x",
        "label": {"EN-gb": "colour", "de": ["Farbe", "Farbton"]}
    });
    assert_eq!(
        canon::canonicalize(&doc).unwrap(),
        "<urn:x> <urn:label> \"Farbe\"@de .\n<urn:x> <urn:label> \"Farbton\"@de .\n<urn:x> <urn:label> \"colour\"@en-gb .\n"
    );
    let value_object = json!({
        "@context": {"label": {"@id": "urn:label"}},
        "@id": "urn:x",
        "label": {"@value": "colour", "@language": "EN-GB"}
    });
    assert_eq!(
        canon::canonicalize(&value_object).unwrap(),
        "<urn:x> <urn:label> \"colour\"@en-gb .\n"
    );
}

#[test]
fn blank_nodes_are_canonicalized() {
    // Two anonymous nodes, in two member orders: same canonical output (the expected bytes are
    // jsonld.js 9's, via `interop/js/canonize.mjs`).
    let a = json!({
        "@context": {"knows": {"@id": "urn:knows"}, "name": "urn:name"},
        "@id": "urn:root",
        "knows": [{"name": "A"}, {"name": "B"}]
    });
    let b = json!({
        "@context": {"knows": {"@id": "urn:knows"}, "name": "urn:name"},
        "@id": "urn:root",
        "knows": [{"name": "B"}, {"name": "A"}]
    });
    let ca = canon::canonicalize(&a).unwrap();
    assert_eq!(ca, canon::canonicalize(&b).unwrap());
    assert_eq!(
        ca,
        "<urn:root> <urn:knows> _:c14n0 .\n<urn:root> <urn:knows> _:c14n1 .\n_:c14n0 <urn:name> \"A\" .\n_:c14n1 <urn:name> \"B\" .\n"
    );
}

fn clique_nquads(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        for j in 0..n {
            if i != j {
                s.push_str(&format!("_:n{i} <urn:ex:p> _:n{j} .\n"));
            }
        }
    }
    s
}

#[test]
fn poison_graph_as_nquads_is_too_complex_quickly() {
    let quads = canon::parse_nquads(&clique_nquads(10)).unwrap();
    let start = Instant::now();
    let err = canon::rdfc10(&quads, &Limits::default()).unwrap_err();
    let elapsed = start.elapsed();
    assert!(matches!(err, CanonError::TooComplex { .. }), "{err:?}");
    assert!(err.to_string().contains("Limits::"), "{err}");
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
}

#[test]
fn poison_graph_as_json_ld_is_too_complex_quickly() {
    let n = 10;
    let graph: Vec<Value> = (0..n)
        .map(|i| {
            let others: Vec<Value> = (0..n)
                .filter(|&j| j != i)
                .map(|j| json!({"@id": format!("_:n{j}")}))
                .collect();
            json!({"@id": format!("_:n{i}"), "urn:ex:p": others})
        })
        .collect();
    let doc = json!({"@graph": graph});
    let start = Instant::now();
    let err = canon::canonicalize(&doc).unwrap_err();
    let elapsed = start.elapsed();
    assert!(matches!(err, CanonError::TooComplex { .. }), "{err:?}");
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
}

#[test]
fn small_symmetric_graphs_still_canonicalize() {
    // A 4-clique is symmetric but small: within the default bound.
    let quads = canon::parse_nquads(&clique_nquads(4)).unwrap();
    let c = canon::rdfc10(&quads, &Limits::default()).unwrap();
    assert_eq!(c.nquads.lines().count(), 12);
    // And a tight explicit limit makes it fail, naming the limit.
    let tight = Limits {
        max_ndegree_calls: 2,
        ..Limits::default()
    };
    match canon::rdfc10(&quads, &tight).unwrap_err() {
        CanonError::TooComplex { limit, .. } => assert_eq!(limit, 2),
        other => panic!("{other:?}"),
    }
}

#[test]
fn cached_context_gives_identical_results_across_threads() {
    let doc = elm_sample();
    let first = canon::canonicalize(&doc).unwrap();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let d = doc.clone();
            std::thread::spawn(move || canon::canonicalize(&d).unwrap())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), first);
    }
}

#[test]
fn extra_documents_resolve_through_options() {
    let opts = canon::Options::with_documents([(
        "https://example.org/test-context".to_owned(),
        json!({"@context": {"name": "urn:name"}}),
    )]);
    let doc = json!({"@context": "https://example.org/test-context", "@id": "urn:x", "name": "n"});
    assert_eq!(
        canon::canonicalize_with(&doc, &opts).unwrap(),
        "<urn:x> <urn:name> \"n\" .\n"
    );
    // Not with the default options.
    assert!(matches!(
        canon::canonicalize(&doc),
        Err(CanonError::UnknownContext { .. })
    ));
}

fn identical_list(n: usize) -> Value {
    let items: Vec<Value> = (0..n).map(|_| json!("x")).collect();
    json!({
        "@context": {"seq": {"@id": "urn:seq", "@container": "@list"}},
        "@id": "urn:r",
        "seq": items
    })
}

/// A list of identical items is the realistic worst case (its middle nodes all share a
/// first-degree hash; the work is quadratic). A moderate one canonicalizes (jsonld.js's
/// rdf-canonize, with its default `maxWorkFactor` 1, already refuses 5 items); a long one hits
/// the bound fast and without exhausting the (2 MiB test-thread) stack.
#[test]
fn lists_of_identical_items() {
    let out = canon::canonicalize(&identical_list(40)).unwrap();
    assert_eq!(out.lines().count(), 1 + 2 * 40);
    assert!(out.starts_with("<urn:r> <urn:seq> _:c14n"));
    let start = Instant::now();
    match canon::canonicalize(&identical_list(400)) {
        Err(CanonError::TooComplex { .. }) => {}
        other => panic!("expected TooComplex, got {other:?}"),
    }
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
}

/// `@direction` becomes an i18n datatype (`rdfDirection: i18n-datatype`, as the
/// eddsa-rdfc-2022 reference implementation canonicalizes); expected bytes from jsonld.js 9.
#[test]
fn direction_uses_i18n_datatype() {
    let doc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:x",
        "type": "VerifiableCredential",
        "issuer": "urn:i",
        "name": {"@value": "x", "@language": "ar-EG", "@direction": "rtl"},
        "description": {"@value": "y", "@direction": "ltr"},
        "credentialSubject": {"id": "urn:s"}
    });
    assert_eq!(
        canon::canonicalize(&doc).unwrap(),
        "<urn:x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/2018/credentials#VerifiableCredential> .\n\
         <urn:x> <https://schema.org/description> \"y\"^^<https://www.w3.org/ns/i18n#_ltr> .\n\
         <urn:x> <https://schema.org/name> \"x\"^^<https://www.w3.org/ns/i18n#ar-eg_rtl> .\n\
         <urn:x> <https://www.w3.org/2018/credentials#credentialSubject> <urn:s> .\n\
         <urn:x> <https://www.w3.org/2018/credentials#issuer> <urn:i> .\n"
    );
}
