//! The committed JSON Schema of the award format (`examples/awards/award.schema.json`) is the one
//! generated from the Rust types, and every example award validates against it.
//!
//! Regenerate after changing the award types: `UPDATE_AWARD_SCHEMA=1 cargo test -p elm-model --test award_schema`.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod award_support;

use award_support::*;

fn committed_path() -> std::path::PathBuf {
    examples_dir().join("award.schema.json")
}

#[test]
fn committed_schema_equals_generated() {
    let generated = elm_model::award_schema();
    let text = serde_json::to_string_pretty(&generated).unwrap() + "\n";
    if std::env::var_os("UPDATE_AWARD_SCHEMA").is_some() {
        std::fs::write(committed_path(), &text).unwrap();
    }
    let committed = std::fs::read_to_string(committed_path()).unwrap_or_default();
    assert!(
        committed == text,
        "examples/awards/award.schema.json is stale; regenerate with UPDATE_AWARD_SCHEMA=1 cargo test -p elm-model --test award_schema"
    );
}

#[test]
fn every_example_validates_against_the_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(committed_path()).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for f in example_files() {
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", f.display());
    }
}

#[test]
fn the_schema_rejects_what_serde_rejects() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(committed_path()).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut doc = example_json("micro-credential-academic-course.json");
    doc["learningOpportunity"]["nickname"] = "x".into();
    assert!(
        !validator.is_valid(&doc),
        "unknown field accepted by the schema"
    );
    let mut doc = example_json("micro-credential-academic-course.json");
    doc["kind"] = "badge".into();
    assert!(
        !validator.is_valid(&doc),
        "unknown kind accepted by the schema"
    );
    let mut doc = example_json("micro-credential-academic-course.json");
    doc["learningOpportunity"]["workload"]["ects"] = "2.555".into();
    assert!(
        !validator.is_valid(&doc),
        "three decimals accepted by the schema"
    );
}
