//! Shared helpers of the award tests: the example awards, the demo universities
//! (`keys.example/universities.toml`) and building with fixed ids.

// Shared by several test crates; each uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use elm_model::{build, parse_award, Award, BuildOptions, Built, DisplayImage, Universities};
use serde_json::Value;

mod demo;

pub const CREDENTIAL_ID: &str = "urn:uuid:8a0f3c1e-2b7d-4c5a-9e61-0d2f4b6a8c10";

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn examples_dir() -> PathBuf {
    repo().join("examples/awards")
}

/// The example award files (sorted), excluding the schema.
pub fn example_files() -> Vec<PathBuf> {
    elm_model::examples::example_award_files(&examples_dir()).unwrap()
}

pub fn example_text(name: &str) -> String {
    std::fs::read_to_string(examples_dir().join(name)).unwrap()
}

pub fn example_json(name: &str) -> Value {
    serde_json::from_str(&example_text(name)).unwrap()
}

pub fn universities() -> Universities {
    demo::demo_universities(&repo())
}

/// The images an award references, read from the examples directory.
pub fn images_for(award: &Award) -> Vec<DisplayImage> {
    demo::images_in(&examples_dir(), award)
}

pub fn options() -> BuildOptions {
    BuildOptions {
        credential_id: CREDENTIAL_ID.into(),
        issued: None,
    }
}

pub fn build_value(award_json: &Value) -> Result<Built, elm_model::BuildError> {
    let award: Award = parse_award(&award_json.to_string()).unwrap_or_else(|e| panic!("{e}"));
    build(&award, &universities(), &images_for(&award), &options())
}

pub fn build_example(name: &str) -> Value {
    match build_value(&example_json(name)) {
        Ok(b) => b.credential,
        Err(e) => panic!("{name}: {:#?}", e.issues()),
    }
}

/// Follows a path of keys / indexes (`"credentialSubject"`, `"hasClaim"`, `0`, ...).
pub fn at<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
    let mut cur = v;
    for p in path {
        cur = match p.parse::<usize>() {
            Ok(i) => &cur[i],
            Err(_) => &cur[*p],
        };
        assert!(!cur.is_null(), "no {p} in path {path:?}");
    }
    cur
}

/// Every node (object with `type`) in `v`, depth first.
pub fn nodes(v: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    fn walk<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
        match v {
            Value::Object(m) => {
                if m.contains_key("type") {
                    out.push(v);
                }
                for (k, x) in m {
                    if k != "@context" {
                        walk(x, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(v, &mut out);
    out
}

/// The notes under `v` whose subject is the ENHANCE section `code`.
pub fn notes_with_subject<'a>(v: &'a Value, code: &str) -> Vec<&'a Value> {
    let id = format!("urn:enhance:concept:certificate-section:{code}");
    nodes(v)
        .into_iter()
        .filter(|n| n["type"] == "Note" && n["subject"]["id"] == id.as_str())
        .collect()
}
