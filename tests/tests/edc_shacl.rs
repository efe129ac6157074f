//! SHACL conformance of the credentials `elm_model::build` produces: every example award of
//! `examples/awards/` is built and checked by `tests/shacl/validate.py` (pyshacl) against the EU's
//! EDC application-profile shapes `EDC-generic-full` + `EDC-generic-no-cv` (bundled in
//! `tests/shacl/shapes/`, nothing fetched). A deliberately broken credential must be reported
//! non-conformant, so the check itself can fail.
//!
//! Needs python3 with pyshacl and rdflib (`python3 -m pip install -r tests/requirements.txt`); when
//! they are missing the test fails and says so, it never passes silently.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

mod common;

use std::process::Command;

use common::{example_credentials, shacl, SHACL_INSTALL as INSTALL};

fn python_ready() {
    let out = Command::new("python3")
        .args([
            "-c",
            "import pyshacl, rdflib; print(pyshacl.__version__, rdflib.__version__)",
        ])
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 ({e}); {INSTALL}"));
    assert!(
        out.status.success(),
        "pyshacl/rdflib not importable: {}\n{INSTALL}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_example_credential_conforms_to_edc_generic_full() {
    python_ready();
    let creds = example_credentials();
    assert!(creds.len() >= 5, "expected at least five examples");
    let mut failures = Vec::new();
    for (name, c) in &creds {
        let (code, out) = shacl(c, name);
        eprintln!("{}", out.lines().next().unwrap_or(""));
        if code != 0 {
            failures.push(format!("{name} (exit {code}):\n{out}"));
        }
    }
    assert!(
        failures.is_empty(),
        "non-conformant credentials:\n{}",
        failures.join("\n")
    );
}

#[test]
fn a_broken_credential_is_reported_non_conformant() {
    python_ready();
    let (name, mut c) = example_credentials().into_iter().next().unwrap();
    // The issuer must carry an eIDAS legal identifier (EDC-generic-no-cv, IssuerNodeShape). The
    // issuer's node also appears as awarding body etc.; RDF merges them, so remove it everywhere.
    let issuer = c["issuer"]["id"].clone();
    common::remove_from_node(&mut c, &issuer, "eIDASIdentifier");
    assert!(
        !serde_json::to_string(&c)
            .unwrap()
            .contains("\"notation\":\"I MILANO02\"")
            || name != "certificate-of-completion"
    );
    let (code, out) = shacl(&c, &format!("{name}-without-eidas"));
    assert_eq!(code, 1, "expected non-conformance, got exit {code}:\n{out}");
    assert!(out.contains("DOES NOT CONFORM"), "{out}");
    assert!(out.contains("eidasLegalIdentifier"), "{out}");

    // A concept in the wrong scheme (EDC-generic-full: EQF level restriction).
    let (_, mut c) = example_credentials()
        .into_iter()
        .find(|(n, _)| n.contains("academic"))
        .unwrap();
    c["credentialSubject"]["hasClaim"][0]["specifiedBy"]["eqfLevel"]["inScheme"]["id"] =
        "http://example.org/not-eqf".into();
    let (code, out) = shacl(&c, "academic-wrong-eqf-scheme");
    assert_eq!(code, 1, "expected non-conformance, got exit {code}:\n{out}");
    assert!(out.contains("EQFLevel"), "{out}");
}
