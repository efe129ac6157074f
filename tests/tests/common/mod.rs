//! Helpers shared by end-to-end tests: the EDC SHACL validator (`tests/shacl/validate.py`,
//! pyshacl, the EU's `EDC-generic-full` + `EDC-generic-no-cv` shapes, bundled contexts) and the
//! reference JavaScript verifier (`interop/js/verify.mjs`, @digitalbazaar/vc). Both fail loudly when
//! their toolchain is missing; they never pass silently.
#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

pub const SHACL_INSTALL: &str =
    "python3 with pyshacl and rdflib is required: python3 -m pip install -r tests/requirements.txt";

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs the SHACL validator on `credential`: (exit code, output). Exit 0 = conforms.
pub fn shacl(credential: &Value, name: &str) -> (i32, String) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e_shacl");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.jsonld"));
    std::fs::write(&file, serde_json::to_string_pretty(credential).unwrap()).unwrap();
    let out = Command::new("python3")
        .arg(repo().join("tests/shacl/validate.py"))
        .arg("--quiet")
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 ({e}); {SHACL_INSTALL}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// Verifies `credential` with the reference JS stack (`vc.verifyCredential`); `(verified, errors)`.
/// `did_documents` resolve did:web offline. Its status entries are not looked up by JS
/// (`skipStatusCheck`): the Rust verifier checks them.
pub fn js_verify(credential: &Value, did_documents: &[Value]) -> (bool, Vec<String>) {
    let js = repo().join("interop/js");
    assert!(
        js.join("node_modules/@digitalbazaar/vc").is_dir(),
        "the JS interop harness is not installed: run `npm ci --prefix interop/js` (Node >= 20)"
    );
    let request =
        json!({"credential": credential, "didDocuments": did_documents, "skipStatusCheck": true});
    let mut child = Command::new("node")
        .arg(js.join("verify.mjs"))
        .current_dir(&js)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `node` ({e}): install Node.js >= 20"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "verify.mjs usage error ({code}): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("verify.mjs prints JSON");
    let errors = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap_or_default().to_owned())
        .collect();
    (v["verified"].as_bool().unwrap(), errors)
}
