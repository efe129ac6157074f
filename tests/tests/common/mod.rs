//! Helpers shared by end-to-end tests: the EDC SHACL validator (`tests/shacl/validate.py`,
//! pyshacl, the EU's `EDC-generic-full` + `EDC-generic-no-cv` shapes, bundled contexts) and the
//! reference JavaScript verifier (`interop/js/verify.mjs`, @digitalbazaar/vc). Both fail loudly when
//! their toolchain is missing; they never pass silently. Also the services' test set-up: a free
//! loopback port and the demo API tokens.
// Shared by several test crates; each uses only part of it.
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

/// A free TCP port on 127.0.0.1 (bound, then released for the service under test).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The demo API tokens of `keys.example/tokens.toml` (`university = "token"` lines).
pub fn demo_tokens() -> std::collections::HashMap<String, String> {
    let text = std::fs::read_to_string(repo().join("keys.example/tokens.toml")).unwrap();
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().trim_matches('"').to_owned()))
        .collect()
}

/// An example award of `examples/awards/` as a request envelope with its display images:
/// `{"award": ..., "images": {lang: base64}}`.
pub fn award_with_images(file: &str) -> Value {
    use base64::Engine as _;
    let path = repo().join("examples/awards").join(file);
    let award: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut images = serde_json::Map::new();
    for img in award["display"]["images"].as_array().unwrap() {
        let bytes =
            std::fs::read(path.parent().unwrap().join(img["file"].as_str().unwrap())).unwrap();
        images.insert(
            img["language"].as_str().unwrap().into(),
            base64::engine::general_purpose::STANDARD
                .encode(bytes)
                .into(),
        );
    }
    json!({"award": award, "images": images})
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
