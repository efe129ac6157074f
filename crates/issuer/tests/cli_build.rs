//! `issuer build`: the built binary on the example awards, and its errors and exit codes
//! (0 built, 1 invalid award with every finding as `path: rule: message`, 2 usage/unreadable).

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use support::{issuer_cli as issuer, repo};

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_build");
    std::fs::create_dir_all(dir.join("images")).unwrap();
    std::fs::copy(
        repo().join("examples/awards/images/certificate-page.png"),
        dir.join("images/certificate-page.png"),
    )
    .unwrap();
    dir.join(name)
}

/// The example award `examples/awards/<file>` as JSON.
fn example(file: &str) -> Value {
    let text = std::fs::read_to_string(repo().join("examples/awards").join(file)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// `doc` written to the test file `name` (next to the example's images, see [`tmp`]).
fn written(name: &str, doc: &Value) -> PathBuf {
    let path = tmp(name);
    std::fs::write(&path, doc.to_string()).unwrap();
    path
}

const ID: &str = "urn:uuid:5e0c2b8a-1d3f-4a6b-8c9d-0e1f2a3b4c5d";

#[test]
fn builds_every_example_with_defaults() {
    let mut n = 0;
    for e in std::fs::read_dir(repo().join("examples/awards")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "json")
            || p.to_string_lossy().ends_with(".schema.json")
        {
            continue;
        }
        let out = issuer(&["build", p.to_str().unwrap(), "--id", ID]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            p.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let c = stdout_json(&out);
        assert_eq!(c["id"], ID);
        assert!(c["issuer"]["id"]
            .as_str()
            .unwrap()
            .starts_with("did:web:localhost%3A8080:universities:"));
        n += 1;
    }
    assert!(n >= 5);
}

#[test]
fn options_set_id_base_url_and_issuing_date_and_output_is_deterministic() {
    let award = "examples/awards/micro-credential-academic-course.json";
    let args = [
        "build",
        award,
        "--id",
        ID,
        "--base-url",
        "https://credentials.enhance.eu",
        "--issued",
        "2026-08-03",
    ];
    let a = issuer(&args);
    assert_eq!(
        a.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&a.stderr)
    );
    let c = stdout_json(&a);
    assert_eq!(
        c["issuer"]["id"],
        "did:web:credentials.enhance.eu:universities:tub"
    );
    assert_eq!(c["issued"], "2026-08-03T00:00:00Z");
    assert_eq!(
        c["credentialSubject"]["memberOf"][0]["id"],
        "did:web:credentials.enhance.eu:universities:wut"
    );
    let b = issuer(&args);
    assert_eq!(a.stdout, b.stdout, "same input and id, same bytes");
    // Without --id each run gets a fresh urn:uuid.
    let x = stdout_json(&issuer(&["build", award]));
    let y = stdout_json(&issuer(&["build", award]));
    assert!(x["id"].as_str().unwrap().starts_with("urn:uuid:"));
    assert_ne!(x["id"], y["id"]);
}

#[test]
fn an_invalid_award_lists_every_error_and_exits_1() {
    let mut doc = example("micro-credential-academic-course.json");
    doc["awardingUniversity"] = "mit".into();
    doc["learningOpportunity"]["eqfLevel"] = 4.into();
    doc["learningOpportunity"]["workload"]["ects"] = "0.5".into();
    let path = written("invalid.json", &doc);
    let out = issuer(&["build", path.to_str().unwrap(), "--id", ID]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no credential on stdout");
    let err = String::from_utf8_lossy(&out.stderr);
    for line in [
        "awardingUniversity: university.unknown: unknown university `mit`",
        "learningOpportunity.eqfLevel: eqf.level: EQF level 4",
        "learningOpportunity.workload.ects: micro-credential.min-workload: 0.5 ECTS",
    ] {
        assert!(
            err.lines().any(|l| l.starts_with(line)),
            "missing `{line}` in:\n{err}"
        );
    }
}

#[test]
fn a_malformed_award_names_the_field_and_exits_1() {
    let mut doc = example("programme-micro-credential-data-literacy.json");
    doc["learningOpportunity"]["units"][1]["workload"]["ects"] = "many".into();
    let path = written("malformed.json", &doc);
    let out = issuer(&["build", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.lines()
            .any(|l| l.starts_with("learningOpportunity.units[1].workload.ects: award.parse: ")),
        "{err}"
    );
}

#[test]
fn usage_errors_and_unreadable_files_exit_2() {
    assert_eq!(issuer(&[]).status.code(), Some(2));
    assert_eq!(issuer(&["build"]).status.code(), Some(2));
    assert_eq!(
        issuer(&["build", "x.json", "--frobnicate"]).status.code(),
        Some(2)
    );
    assert_eq!(
        issuer(&[
            "build",
            "examples/awards/micro-credential-professional.json",
            "--issued",
            "31.12.2026"
        ])
        .status
        .code(),
        Some(2)
    );
    let completion = "examples/awards/certificate-of-completion.json";
    // (arguments, what the message names; "" where only the exit code is checked)
    let cases = [
        (
            vec!["build", "examples/awards/no-such-award.json"],
            "no-such-award.json",
        ),
        (
            vec!["build", completion, "--universities", "no/such.toml"],
            "no/such.toml",
        ),
        (vec!["build", completion, "--base-url", "ftp://x"], ""),
    ];
    for (args, named) in cases {
        let out = issuer(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(named));
    }
    // An image the award references but that does not exist.
    let mut doc = example("certificate-of-completion.json");
    doc["display"]["images"][0]["file"] = "images/missing.png".into();
    let path = written("missing-image.json", &doc);
    let out = issuer(&["build", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.png"));
}

#[test]
fn warnings_go_to_stderr_and_do_not_fail() {
    let mut doc = example("micro-credential-academic-course.json");
    doc["learningOpportunity"]["workload"]["ects"] = "2.5".into();
    let path = written("small.json", &doc);
    let out = issuer(&["build", path.to_str().unwrap(), "--id", ID]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.lines().any(|l| l.starts_with("warning: learningOpportunity.workload.ects: micro-credential.recommended-workload: 2.5 ECTS")),
        "{err}"
    );
    assert_eq!(
        stdout_json(&out)["credentialSubject"]["hasClaim"][0]["specifiedBy"]["creditPoint"][0]
            ["point"],
        "2.5"
    );
}
