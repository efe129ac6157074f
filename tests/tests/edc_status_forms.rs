//! Issue #14 acceptance, "status that the EDC shapes accept" (docs/adr/0003-edc-conformant-status.md):
//!
//! - Every example award of `examples/awards/`, issued by the real issuer service through
//!   `POST /awards` and through `POST /awards/batch`, carries ONE `credentialStatus`, typed as the
//!   EDC `CredentialStatus` and as a `BitstringStatusListEntry` (2-bit `message` entry, Bitstring
//!   Status List v1.0 §2.1). Each form the issuer emits (the Data Integrity JSON-LD, the JAdES
//!   payload, the VC-JWT payload) conforms to EDC-generic-full + EDC-generic-no-cv under the
//!   project's SHACL crate and under pyshacl (`tests/shacl/validate.py`). The only triple left out
//!   of the Rust check is the Data Integrity proof's `sec:proof` link to the proof's named graph,
//!   asserted by name; nothing is left out for the payloads.
//! - Revoking and suspending a new credential sets the right 2-bit value in the published list, and
//!   the verifier reads it; a credential issued with the old two-entry form still verifies and is
//!   still revocable (`App::with_legacy_award_status`, the builder option kept for this).
//!
//! Needs python3 with pyshacl and rdflib (`python3 -m pip install -r tests/requirements.txt`); when
//! they are missing the test fails and says so.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use common::{demo_tokens as tokens, free_port, repo};
use issuer::config::Config;
use issuer::domain::status_list::Bitstring;
use issuer::server::RunningServer;
use serde_json::{json, Value};
use service_kit::test_client::post_json;
use verifier::{CheckKind, CheckStatus, NetworkPolicy, Policy, SystemClock, TrustRegistry};

const SEC_PROOF: &str = "https://w3id.org/security#proof";

/// Every example award as `(name, awarding university, {award, images})`.
fn example_awards() -> Vec<(String, String, Value)> {
    let dir = repo().join("examples/awards");
    common::example_award_files()
        .iter()
        .map(|f| {
            let award: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
            let images = common::images_base64(&award, &dir);
            let uni = award["awardingUniversity"].as_str().unwrap().to_owned();
            let name = f.file_stem().unwrap().to_string_lossy().to_string();
            (
                name,
                uni,
                json!({"award": award, "images": images, "renderImages": false}),
            )
        })
        .collect()
}

async fn issuer(tag: &str) -> (RunningServer, String) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("edc_status_forms")
        .join(format!("{tag}-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let config = Config {
        render_display_images: false,
        ..common::issuer_config(&dir, port)
    };
    let server = common::start_issuer(config).await;
    (server, base)
}

fn b64url_json(part: &str) -> Value {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// The JAdES payload: JSON text under `b64: false` (RFC 7797, as the issuer seals), else base64url.
fn jades_payload(jades: &Value) -> Value {
    let protected = jades["protected"]
        .as_str()
        .or(jades["signatures"][0]["protected"].as_str());
    let header = b64url_json(protected.unwrap());
    let payload = jades["payload"].as_str().unwrap();
    if header["b64"] == false {
        serde_json::from_str(payload).unwrap()
    } else {
        b64url_json(payload)
    }
}

/// The three forms of a stored credential: `(form name, JSON-LD document)`.
async fn forms(server: &RunningServer, token: &str, id: &str) -> Vec<(&'static str, Value)> {
    let principal = server.app.authenticate(token).await.unwrap().unwrap();
    let (di, jades, jwt) = server.app.credential_forms(&principal, id).await.unwrap();
    let jades: Value = serde_json::from_str(&jades.expect("a JAdES seal")).unwrap();
    let jwt = jwt.expect("a VC-JWT");
    let jwt_payload = jwt.split('.').nth(1).expect("compact JWT");
    vec![
        ("di", serde_json::from_str(&di).unwrap()),
        ("jades-payload", jades_payload(&jades)),
        ("vc-jwt-payload", b64url_json(jwt_payload)),
    ]
}

/// The one EDC-conformant status entry (ADR 0003).
fn assert_one_edc_status_entry(doc: &Value, what: &str) -> Value {
    let entry = &doc["credentialStatus"];
    assert!(
        entry.is_object(),
        "{what}: exactly one credentialStatus object: {entry}"
    );
    assert_eq!(
        entry["type"],
        json!(["CredentialStatus", "BitstringStatusListEntry"]),
        "{what}"
    );
    assert_eq!(entry["statusPurpose"], "message", "{what}");
    assert_eq!(entry["statusSize"], 2, "{what}");
    assert!(
        entry["id"].as_str().unwrap().starts_with("http"),
        "{what}: an IRI (sh:nodeKind sh:IRI)"
    );
    entry.clone()
}

/// The project's SHACL check on `doc`, leaving out only the `sec:proof` link to a proof graph.
/// Returns how many triples were left out (all of them `sec:proof`, asserted here).
fn rust_shacl(doc: &Value, what: &str) -> usize {
    use canon::Term;
    let quads = canon::to_rdf(doc, &canon::Options::default())
        .unwrap_or_else(|e| panic!("{what}: strict JSON-LD: {e}"));
    let graphs: Vec<&Term> = quads.iter().filter_map(|q| q.graph.as_ref()).collect();
    let proof_link = |q: &canon::Quad| {
        matches!(&q.predicate, Term::Iri(p) if p == SEC_PROOF) && graphs.contains(&&q.object)
    };
    let keep = |q: &canon::Quad| q.graph.is_none() && !proof_link(q);
    let left_out: Vec<&canon::Quad> = quads
        .iter()
        .filter(|q| q.graph.is_none() && !keep(q))
        .collect();
    for q in &left_out {
        assert!(
            matches!(&q.predicate, Term::Iri(p) if p == SEC_PROOF),
            "{what}: only sec:proof may be left out, not {q:?}"
        );
    }
    let violations = shacl_violations(&quads, keep);
    assert!(
        violations.is_empty(),
        "{what}: EDC SHACL violations (Rust): {violations:#?}"
    );
    left_out.len()
}

/// The EDC SHACL violations of the quads `keep` accepts: `(path, message)`.
fn shacl_violations(
    quads: &[canon::Quad],
    keep: impl Fn(&canon::Quad) -> bool,
) -> Vec<(String, String)> {
    let report = shacl::validate_edc_where(quads, keep).unwrap();
    let v: Vec<(String, String)> = report
        .violations()
        .map(|r| (r.path.clone().unwrap_or_default(), r.message.clone()))
        .collect();
    assert_eq!(report.conforms, v.is_empty());
    v
}

/// pyshacl (`tests/shacl/validate.py --json`) on each file, in one Python process: exit code and
/// JSON report per file.
fn pyshacl(files: &[PathBuf]) -> Vec<(PathBuf, i64, String)> {
    let script = r#"
import contextlib, io, json, sys
sys.path.insert(0, sys.argv[1])
import validate
out = []
for f in sys.argv[2:]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        code = validate.main(["--json", f])
    out.append([f, code, buf.getvalue()])
print(json.dumps(out))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(repo().join("tests/shacl"))
        .args(files)
        .output()
        .expect("python3 runs (pyshacl: python3 -m pip install -r tests/requirements.txt)");
    assert!(
        out.status.success(),
        "pyshacl driver failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Vec<(PathBuf, i64, String)> = serde_json::from_slice(&out.stdout).unwrap();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_form_of_every_issued_award_conforms_to_the_edc_shapes_with_its_status() {
    let (server, _) = issuer("forms").await;
    let tokens = tokens();
    let client = reqwest::Client::new();
    let awards = example_awards();
    assert!(awards.len() >= 5, "the five example awards");
    // (label, university, credential id)
    let mut issued = Vec::new();
    for (name, uni, body) in &awards {
        let token = &tokens[uni];
        let res = post_json(&server.url(), "/awards", Some(token), body).await;
        assert_eq!(res.status(), 201, "{name}: {}", res.text().await.unwrap());
        let v: Value = res.json().await.unwrap();
        issued.push((
            format!("{name}-single"),
            uni.clone(),
            v["id"].as_str().unwrap().to_owned(),
        ));
        let res = client
            .post(format!("{}/awards/batch", server.url()))
            .bearer_auth(token)
            .header("idempotency-key", format!("edc-status-{name}"))
            .json(&json!([body]))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let v: Value = res.json().await.unwrap();
        assert_eq!(v["issued"], 1, "{name}: {v}");
        let id = v["results"][0]["credentialId"].as_str().unwrap().to_owned();
        issued.push((format!("{name}-batch"), uni.clone(), id));
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("edc_status_forms");
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (label, uni, id) in &issued {
        for (form, doc) in forms(&server, &tokens[uni], id).await {
            let what = format!("{label} {form}");
            assert_one_edc_status_entry(&doc, &what);
            let left_out = rust_shacl(&doc, &what);
            let proofs = usize::from(doc.get("proof").is_some());
            assert_eq!(
                left_out, proofs,
                "{what}: the proof link, and only it, is left out"
            );
            let file = dir.join(format!("{label}-{form}.jsonld"));
            std::fs::write(&file, serde_json::to_string(&doc).unwrap()).unwrap();
            files.push(file);
        }
    }
    assert_eq!(files.len(), awards.len() * 2 * 3);
    // pyshacl: the payloads conform; the Data Integrity form has exactly one result, the
    // sec:proof link to the proof graph (the one exception, ADR 0003), and nothing else.
    let mut failures = Vec::new();
    for (file, code, out) in pyshacl(&files) {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let report: Value = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("{name}: validate.py --json ({code}): {e}: {out}"));
        let results = report["results"].as_array().unwrap();
        let only_proof_link = results.len() == 1
            && results[0]["resultPath"] == format!("<{SEC_PROOF}>")
            && results[0]["sourceShape"]
                .as_str()
                .is_some_and(|s| s.ends_with("EuropeanDigitalCredential-sec_proof>"));
        let ok = if name.ends_with("-di.jsonld") {
            code == 1 && only_proof_link
        } else {
            code == 0 && report["conforms"] == true && results.is_empty()
        };
        if !ok {
            failures.push(format!("{name} (exit {code}): {:#}", report["results"]));
        }
    }
    assert!(
        failures.is_empty(),
        "pyshacl: non-conformant forms:\n{}",
        failures.join("\n")
    );
    server.shutdown().await.unwrap();
}

/// The 2-bit value of `entry` in its published list, and the list's `statusPurpose`.
async fn published_value(entry: &Value) -> (u8, Value) {
    let url = entry["statusListCredential"].as_str().unwrap();
    let list: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    let bits =
        Bitstring::decode(list["credentialSubject"]["encodedList"].as_str().unwrap()).unwrap();
    let index: u32 = entry["statusListIndex"].as_str().unwrap().parse().unwrap();
    let size = entry["statusSize"].as_u64().unwrap_or(1) as u32;
    (
        bits.value(index, size).unwrap(),
        list["credentialSubject"]["statusPurpose"].clone(),
    )
}

/// The verifier's revocation check on `credential` (every check run).
async fn revocation(credential: &Value, base: &str) -> (CheckStatus, String, bool) {
    let registry = TrustRegistry::from_key_store(&repo().join("keys.example"), base).unwrap();
    let policy = Policy::new(registry).with_network(NetworkPolicy::local_testing());
    let credential = credential.clone();
    let report = tokio::task::spawn_blocking(move || {
        verifier::verify_json(&credential, &policy, &SystemClock)
    })
    .await
    .unwrap();
    let format_ok = report
        .checks
        .iter()
        .any(|c| c.check == CheckKind::Format && c.status == CheckStatus::Ok);
    let c = report
        .checks
        .iter()
        .find(|c| c.check == CheckKind::Revocation)
        .unwrap();
    (c.status, c.message.clone(), format_ok)
}

/// The reference JS library's reading of `credential`'s status (`interop/js/status.mjs`), its
/// lists and the issuer's DID document fetched from the issuer first.
async fn js_status(credential: &Value, base: &str, university: &str) -> Value {
    let js = repo().join("interop/js");
    assert!(
        js.join("node_modules/@digitalbazaar/vc-bitstring-status-list")
            .is_dir(),
        "the JS interop harness is not installed: run `npm ci --prefix interop/js` (Node >= 20)"
    );
    let mut lists = serde_json::Map::new();
    let entries = match &credential["credentialStatus"] {
        Value::Array(a) => a.clone(),
        v => vec![v.clone()],
    };
    for e in &entries {
        let url = e["statusListCredential"].as_str().unwrap();
        let list: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
        lists.insert(url.to_owned(), list);
    }
    let did: Value = reqwest::get(format!("{base}/universities/{university}/did.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let request = json!({"credential": credential, "statusLists": lists, "didDocuments": [did]});
    let out = tokio::task::spawn_blocking(move || common::run_node("status.mjs", &request))
        .await
        .unwrap();
    assert!(
        out.status.code() == Some(0),
        "status.mjs: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn set_status(server: &RunningServer, token: &str, id: &str, status: &str) {
    let body = json!({"credentialId": id, "credentialStatus": [{"type": "BitstringStatusListCredential", "status": status}]});
    let res = post_json(&server.url(), "/credentials/status", Some(token), &body).await;
    assert_eq!(res.status(), 200, "{status}: {}", res.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_changes_reach_the_two_bit_list_and_old_two_entry_credentials_still_work() {
    let (server, base) = issuer("changes").await;
    let tokens = tokens();
    let eth = &tokens["eth"];
    let (_, _, body) = example_awards()
        .into_iter()
        .find(|(_, u, _)| u == "eth")
        .unwrap();
    let res = post_json(&server.url(), "/awards", Some(eth), &body).await;
    assert_eq!(res.status(), 201);
    let v: Value = res.json().await.unwrap();
    let (id, credential) = (
        v["id"].as_str().unwrap().to_owned(),
        v["verifiableCredential"].clone(),
    );
    let entry = assert_one_edc_status_entry(&credential, "new award");

    // Valid (0x0), suspended (0x1), valid again, revoked (0x2): the list and the verifier agree.
    let steps = [
        (None, 0u8, CheckStatus::Ok, "not revoked or suspended"),
        (Some("suspended"), 1, CheckStatus::Failed, "suspended"),
        (
            Some("active"),
            0,
            CheckStatus::Ok,
            "not revoked or suspended",
        ),
        (Some("revoked"), 2, CheckStatus::Failed, "revoked"),
    ];
    for (change, value, status, says) in steps {
        if let Some(change) = change {
            set_status(&server, eth, &id, change).await;
        }
        let (got, purpose) = published_value(&entry).await;
        assert_eq!(purpose, "message");
        assert_eq!(got, value, "after {change:?}");
        let (st, msg, format_ok) = revocation(&credential, &base).await;
        assert_eq!(st, status, "after {change:?}: {msg}");
        assert!(msg.starts_with(says), "after {change:?}: {msg}");
        assert!(
            format_ok,
            "format check (EDC SHACL with the status link) passes"
        );
        // The reference JS library: its checkStatus refuses the typed entry (2.0.1 reads only
        // `type: "BitstringStatusListEntry"` as a string, 1-bit), its parts read the value.
        let js = js_status(&credential, &base, "eth").await;
        assert_eq!(js["method"], "decodeList", "{js}");
        assert!(
            js["checkStatusError"]
                .as_str()
                .unwrap()
                .contains("BitstringStatusListEntry"),
            "{js}"
        );
        assert_eq!(
            js["results"][0]["value"], value,
            "JS after {change:?}: {js}"
        );
        assert_eq!(js["results"][0]["statusSize"], 2, "{js}");
    }

    // A credential of the old two-entry form (two 1-bit entries): verifies, and is revocable.
    let principal = server.app.authenticate(eth).await.unwrap().unwrap();
    let old = server
        .app
        .clone()
        .with_legacy_award_status(true)
        .issue_award(
            &principal,
            &<issuer::app::AwardRequest as issuer::app::FromJson>::from_json(body.clone()).unwrap(),
            None,
        )
        .await
        .unwrap();
    let entries = old.credential["credentialStatus"]
        .as_array()
        .unwrap()
        .clone();
    let purposes: Vec<&str> = entries
        .iter()
        .map(|e| e["statusPurpose"].as_str().unwrap())
        .collect();
    assert_eq!(purposes, ["revocation", "suspension"]);
    assert!(entries
        .iter()
        .all(|e| e["type"] == "BitstringStatusListEntry"));
    // The project's check with only the proof link left out does see the old form's three
    // violations (two entries, neither an elm:CredentialStatus): the check can fail.
    let mut payload = old.credential.clone();
    payload.as_object_mut().unwrap().remove("proof");
    let quads = canon::to_rdf(&payload, &canon::Options::default()).unwrap();
    let old_violations = shacl_violations(&quads, |q| q.graph.is_none());
    assert_eq!(old_violations.len(), 3, "{old_violations:#?}");
    assert!(
        old_violations
            .iter()
            .all(|(path, _)| path == "https://www.w3.org/2018/credentials#credentialStatus"),
        "{old_violations:#?}"
    );
    let (st, msg, format_ok) = revocation(&old.credential, &base).await;
    assert_eq!(st, CheckStatus::Ok, "{msg}");
    assert!(format_ok, "an old credential's format check still passes");
    let js_values = |js: &Value| -> Vec<u64> {
        assert_eq!(
            js["method"], "checkStatus",
            "the library reads the old form itself: {js}"
        );
        js["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["value"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(
        js_values(&js_status(&old.credential, &base, "eth").await),
        [0, 0]
    );
    set_status(&server, eth, &old.id, "suspended").await;
    assert_eq!(published_value(&entries[1]).await.0, 1);
    assert_eq!(
        js_values(&js_status(&old.credential, &base, "eth").await),
        [0, 1]
    );
    let (st, msg, _) = revocation(&old.credential, &base).await;
    assert_eq!(st, CheckStatus::Failed, "{msg}");
    assert!(msg.contains("suspended"), "{msg}");
    set_status(&server, eth, &old.id, "revoked").await;
    assert_eq!(published_value(&entries[0]).await.0, 1);
    let (st, msg, _) = revocation(&old.credential, &base).await;
    assert_eq!(st, CheckStatus::Failed, "{msg}");
    assert!(msg.contains("revoked"), "{msg}");
    assert_eq!(
        js_values(&js_status(&old.credential, &base, "eth").await),
        [1, 1]
    );
    server.shutdown().await.unwrap();
}
