//! Issue #2 acceptance: every credential built from `examples/awards/` converts to RDF under a
//! strict JSON-LD 1.1 processor in safe mode with no term dropped — `canon` rejects undefined terms,
//! relative IRIs and unknown contexts instead of dropping them — and the reference JavaScript stack
//! (jsonld.js in safe mode, `interop/js/canonize.mjs`) produces byte-identical canonical N-Quads, as
//! do the compiled fast path and the json-ld crate oracle (issue #8).
//! Also checks that the VC 2.0 + edc-ap combination is rejected (ADR 0001).

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use common::repo;
use elm_model::BuildOptions;
use serde_json::{json, Value};

fn examples() -> Vec<(String, Value)> {
    let universities = issuer::universities::load(
        &repo().join("keys.example/universities.toml"),
        "http://localhost:8080",
    )
    .unwrap();
    let mut built = Vec::new();
    for entry in std::fs::read_dir(repo().join("examples/awards")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".json") || name.ends_with(".schema.json") {
            continue;
        }
        let options = BuildOptions {
            credential_id: format!("urn:uuid:00000000-0000-4000-8000-{:012}", built.len()),
            issued: None,
        };
        let credential = issuer::award_file::build_from_file(&path, &universities, &options)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .credential;
        built.push((name, credential));
    }
    assert!(
        built.len() >= 5,
        "expected the five example awards, found {}",
        built.len()
    );
    built
}

fn js_canonize(doc: &Value) -> (i32, String, String) {
    let js = repo().join("interop/js");
    assert!(
        js.join("node_modules").is_dir(),
        "interop/js/node_modules is missing: run `npm ci --prefix interop/js`"
    );
    let out = common::run_node("canonize.mjs", doc);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn every_example_canonicalizes_strictly_and_as_jsonld_js_does() {
    for (name, credential) in examples() {
        let ours = canon::canonicalize(&credential).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Issue #8: the compiled fast path answers (it does not decline) and equals the oracle.
        let fast = canon::fast::canonicalize(&credential)
            .unwrap_or_else(|e| panic!("{name}: fast path error {e}"))
            .unwrap_or_else(|d| panic!("{name}: fast path declined: {d:?}"));
        let oracle =
            canon::oracle_canonicalize(&credential).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(fast, oracle, "{name}: fast path differs from the oracle");
        assert_eq!(ours, oracle, "{name}");
        let quads = ours.lines().count();
        assert!(quads > 100, "{name}: only {quads} quads");
        assert!(
            !ours.contains("_:"),
            "{name}: blank nodes in a built credential"
        );
        let (code, theirs, err) = js_canonize(&credential);
        assert_eq!(code, 0, "{name}: jsonld.js safe mode refused it: {err}");
        assert_eq!(
            ours, theirs,
            "{name}: canonical N-Quads differ from jsonld.js"
        );
    }
}

#[test]
fn a_term_outside_the_contexts_is_an_error_not_dropped() {
    let (name, mut credential) = examples().remove(0);
    credential["credentialSubject"]["shoeSize"] = json!(44);
    let err = canon::canonicalize(&credential).unwrap_err();
    assert!(err.to_string().contains("shoeSize"), "{name}: {err}");
    assert_eq!(
        js_canonize(&credential).0,
        1,
        "jsonld.js safe mode must refuse it too"
    );
}

#[test]
fn vc2_with_edc_ap_is_rejected_as_adr_0001_says() {
    let (_, mut credential) = examples().remove(0);
    credential["@context"] = json!([
        "https://www.w3.org/ns/credentials/v2",
        "http://data.europa.eu/snb/model/context/edc-ap"
    ]);
    let err = canon::canonicalize(&credential).unwrap_err();
    assert!(
        matches!(err, canon::CanonError::ProtectedTermRedefinition { .. }),
        "{err}"
    );
    assert_eq!(
        js_canonize(&credential).0,
        1,
        "jsonld.js must refuse it too"
    );
}
