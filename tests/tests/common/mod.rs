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
    let dir = repo().join("examples/awards");
    let award: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap();
    let images = images_base64(&award, &dir);
    json!({"award": award, "images": images})
}

/// The display images an award (as JSON) references, read relative to `dir`:
/// `{language: base64}`, the `images` member of an issuance request.
pub fn images_base64(award: &Value, dir: &Path) -> serde_json::Map<String, Value> {
    use base64::Engine as _;
    let mut images = serde_json::Map::new();
    for img in award["display"]["images"].as_array().into_iter().flatten() {
        let bytes = std::fs::read(dir.join(img["file"].as_str().unwrap())).unwrap();
        let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
        images.insert(img["language"].as_str().unwrap().into(), encoded.into());
    }
    images
}

/// The example award files of `examples/awards/`, sorted, without the JSON Schema.
pub fn example_award_files() -> Vec<PathBuf> {
    elm_model::examples::example_award_files(&repo().join("examples/awards")).unwrap()
}

/// The issuer configuration of the end-to-end tests: listening on 127.0.0.1:`port`, which is
/// also its public base URL; a SQLite database in `dir`; the demo keys, universities and API
/// tokens of `keys.example/`. Callers change what their case needs with `..issuer_config(..)`.
pub fn issuer_config(dir: &Path, port: u16) -> issuer::config::Config {
    issuer::config::Config {
        bind: format!("127.0.0.1:{port}").parse().unwrap(),
        database_url: format!("sqlite://{}?mode=rwc", dir.join("issuer.sqlite").display()),
        public_base_url: format!("http://127.0.0.1:{port}"),
        keys_dir: repo().join("keys.example"),
        universities_file: repo().join("keys.example/universities.toml"),
        tokens_file: Some(repo().join("keys.example/tokens.toml")),
        ..issuer::config::Config::default()
    }
}

/// The reference JavaScript harness, `interop/js`.
pub fn js_dir() -> PathBuf {
    repo().join("interop/js")
}

/// Fails (never skips) when the JS side is not installed.
pub fn require_js() {
    let modules = js_dir().join("node_modules");
    assert!(
        modules.join("@digitalbazaar/vc").is_dir() && modules.join("jsonld").is_dir(),
        "the JS interop harness is not installed ({} is missing): run `npm ci --prefix interop/js` \
         from the repository root (needs Node >= 20 and npm)",
        modules.display()
    );
}

/// Runs `node interop/js/<script>` (in `interop/js`) with `request` as JSON on standard input and
/// returns its output; fails loudly when `node` cannot be started.
pub fn run_node(script: &str, request: &Value) -> std::process::Output {
    run_node_with(script, &[], request.to_string().as_bytes())
}

/// [`run_node`] with command-line `args` and raw `stdin`.
pub fn run_node_with(script: &str, args: &[&str], stdin: &[u8]) -> std::process::Output {
    run_node_in(&js_dir(), script, args, stdin)
}

/// Runs `node <dir>/<script> [args]` in `dir` (an npm package of `interop/`) with raw `stdin`;
/// fails loudly when `node` cannot be started.
pub fn run_node_in(dir: &Path, script: &str, args: &[&str], stdin: &[u8]) -> std::process::Output {
    let mut child = Command::new("node")
        .arg(dir.join(script))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `node` ({e}): install Node.js >= 20, then `npm ci --prefix {}`",
                dir.display()
            )
        });
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// Sets `issuer` (a string) or `issuer.id` (an object) of `credential` to `did`.
pub fn with_issuer(mut credential: Value, did: &str) -> Value {
    match &mut credential["issuer"] {
        Value::Object(o) => {
            o.insert("id".into(), json!(did));
        }
        other => *other = json!(did),
    }
    credential
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
    let out = run_node("verify.mjs", &request);
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

/// Starts the verification service with `config`, trusting `registry` (the demo universities
/// under the test issuer's base URL), on the system clock.
pub async fn start_verifier(
    config: verifier::service::ServiceConfig,
    registry: verifier::TrustRegistry,
) -> verifier::service::RunningService {
    let overrides = verifier::service::Overrides {
        clock: None,
        registry: Some(registry),
    };
    verifier::service::start(config, overrides)
        .await
        .expect("the verifier starts")
}

/// Removes member `name` from every object of `v` whose `id` is `id` (RDF merges the nodes of
/// one id, so a property is gone only when no occurrence of the node has it).
pub fn remove_from_node(v: &mut Value, id: &Value, name: &str) {
    match v {
        Value::Object(m) => {
            if m.get("id") == Some(id) {
                m.remove(name);
            }
            m.values_mut().for_each(|x| remove_from_node(x, id, name));
        }
        Value::Array(a) => a.iter_mut().for_each(|x| remove_from_node(x, id, name)),
        _ => {}
    }
}

/// Starts the issuer service with `config` (see [`issuer_config`]).
pub async fn start_issuer(config: issuer::config::Config) -> issuer::server::RunningServer {
    issuer::server::start(config, issuer::server::Overrides::default())
        .await
        .expect("issuer starts")
}

/// The demo universities of `keys.example/universities.toml`, their DIDs under
/// `http://localhost:8080`.
pub fn universities() -> elm_model::Universities {
    issuer::universities::load(
        &repo().join("keys.example/universities.toml"),
        "http://localhost:8080",
    )
    .unwrap()
}

/// Every example award of `examples/awards/` built (unsigned) with its display images:
/// `(file stem, credential)`.
pub fn example_credentials() -> Vec<(String, Value)> {
    let dir = repo().join("examples/awards");
    let unis = universities();
    example_award_files()
        .iter()
        .map(|f| {
            let award = elm_model::parse_award(&std::fs::read_to_string(f).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            let images =
                elm_model::DisplayImage::referenced(&award, |f| std::fs::read(dir.join(f)))
                    .unwrap();
            let options = elm_model::BuildOptions {
                credential_id: "urn:uuid:3f1c2a9e-7b4d-4e21-9c0a-5d6e7f8a9b0c".into(),
                issued: None,
            };
            let built = elm_model::build(&award, &unis, &images, &options)
                .unwrap_or_else(|e| panic!("{}: {:#?}", f.display(), e.issues()));
            let stem = f.file_stem().unwrap().to_string_lossy().to_string();
            (stem, built.credential)
        })
        .collect()
}
