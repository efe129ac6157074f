//! Stackability end to end (issue #6; MS18 §4.1, §7.4, Annex 3 programme certificate): the real
//! issuer service (SQLite in a temp dir, the demo keys, universities and API tokens of
//! `keys.example/`) on 127.0.0.1 with its public URL on the same port, so did:web documents and
//! status lists are served by it and fetched by the verifier (`NetworkPolicy::local_testing`).
//!
//! Three universities (TU Delft, WUT, ETH) issue unit credentials of the programme of
//! `examples/stack/` to one learner; TU Delft, the lead university, issues the programme
//! certificate through `POST /programmes/{id}/certificates`; `verifier stack` (library and CLI)
//! passes for the spec file and for the programme credential; the programme credential conforms to
//! the EDC SHACL shapes and verifies with the reference JS stack. Swapping in a unit of another
//! learner, a revoked unit, a unit from the wrong university, leaving out an obligatory unit, or a
//! forged unit each fails with that reason (service 422 with the stack report, and the library).

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

use base64::Engine as _;
use issuer::server::RunningServer;
use serde_json::{json, Value};
use verifier::stack::{check_stack, Programme, StackReport, UnitStatus};
use verifier::{NetworkPolicy, Policy, SystemClock, TrustRegistry};

use common::{demo_tokens, free_port, repo};

const PROGRAMME: &str = "data-literacy";
const PYTHON: &str = "https://credentials.enhance-alliance.eu/learning-opportunities/tudelft/data-analysis-with-python";
const STATISTICS: &str =
    "https://credentials.enhance-alliance.eu/learning-opportunities/wut/statistics-for-engineers";
const ML: &str = "https://credentials.enhance-alliance.eu/learning-opportunities/eth/machine-learning-for-engineers";

fn example(name: &str) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(repo().join("examples/stack").join(name)).unwrap(),
    )
    .unwrap()
}

/// An award of `examples/stack/` with its display image bytes.
fn with_images(award: Value) -> Value {
    let png = std::fs::read(repo().join("examples/stack/images/certificate-page.png")).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(png);
    let images: serde_json::Map<String, Value> = award["display"]["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["language"].as_str().unwrap().to_owned(), json!(b64)))
        .collect();
    json!({"award": award, "images": images})
}

struct World {
    issuer: RunningServer,
    base: String,
    tokens: HashMap<String, String>,
    client: reqwest::Client,
    registry: TrustRegistry,
}

impl World {
    async fn start() -> Self {
        let dir =
            std::env::temp_dir().join(format!("stack-e2e-{}-{}", std::process::id(), free_port()));
        std::fs::create_dir_all(&dir).unwrap();
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let config = common::issuer_config(&dir, port);
        let issuer = common::start_issuer(config).await;
        let registry = TrustRegistry::from_key_store(&repo().join("keys.example"), &base).unwrap();
        let w = World {
            issuer,
            base,
            tokens: demo_tokens(),
            client: reqwest::Client::new(),
            registry,
        };
        let (status, body) = w
            .post(
                "tudelft",
                &format!("/programmes/{PROGRAMME}"),
                &example("programme.json"),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        w
    }

    async fn post(&self, university: &str, path: &str, body: &Value) -> (u16, Value) {
        let res = self
            .client
            .post(format!("{}{path}", self.issuer.url()))
            .bearer_auth(&self.tokens[university])
            .json(body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Issues `award` (JSON) as `university`; the signed credential.
    async fn issue(&self, university: &str, award: Value) -> Value {
        let (status, body) = self.post(university, "/awards", &with_images(award)).await;
        assert_eq!(status, 201, "{university}: {body}");
        body["verifiableCredential"].clone()
    }

    async fn revoke(&self, university: &str, id: &str) {
        let (status, body) = self
            .post(university, "/credentials/status", &json!({"credentialId": id, "credentialStatus": [{"type": "BitstringStatusListCredential", "status": "revoked"}]}))
            .await;
        assert_eq!(status, 200, "{body}");
    }

    async fn certificate(&self, units: &[&Value], extra: Value) -> (u16, Value) {
        let mut body = json!({"units": units});
        if let Value::Object(m) = extra {
            body.as_object_mut().unwrap().extend(m);
        }
        self.post(
            "tudelft",
            &format!("/programmes/{PROGRAMME}/certificates"),
            &body,
        )
        .await
    }

    fn policy(&self) -> Policy {
        Policy::new(self.registry.clone()).with_network(NetworkPolicy::local_testing())
    }

    /// `verifier::stack::check_stack` on a blocking thread (it fetches status lists).
    async fn stack(&self, programme: Programme, units: &[&Value]) -> StackReport {
        let policy = self.policy();
        let units: Vec<Vec<u8>> = units
            .iter()
            .map(|u| serde_json::to_vec(u).unwrap())
            .collect();
        tokio::task::spawn_blocking(move || {
            let refs: Vec<&[u8]> = units.iter().map(Vec::as_slice).collect();
            check_stack(&programme, &refs, &policy, &SystemClock)
        })
        .await
        .unwrap()
    }

    async fn did_document(&self, university: &str) -> Value {
        let res = self
            .client
            .get(format!(
                "{}/universities/{university}/did.json",
                self.issuer.url()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }
}

fn spec() -> Programme {
    Programme::from_slice(&std::fs::read(repo().join("examples/stack/programme.json")).unwrap())
        .unwrap()
}

/// The three unit credentials of the learner (TU Delft, WUT, ETH).
async fn units(w: &World) -> (Value, Value, Value) {
    let python = w
        .issue("tudelft", example("unit-tudelft-data-analysis.json"))
        .await;
    let stats = w.issue("wut", example("unit-wut-statistics.json")).await;
    let ml = w
        .issue("eth", example("unit-eth-machine-learning.json"))
        .await;
    (python, stats, ml)
}

fn entry<'a>(report: &'a Value, spec_id: &str, input: bool) -> &'a Value {
    report["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["specificationId"] == spec_id && u.get("input").is_some() == input)
        .unwrap_or_else(|| panic!("no entry for {spec_id} in {report:#}"))
}

/// The `verifier` binary of this build profile (`target/<profile>/verifier`), brought up to date
/// once per test run with the workspace's feature set, so after `cargo test --workspace` (which
/// builds it) this is a no-op.
fn verifier_binary() -> PathBuf {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().unwrap();
        let profile_dir = exe.parent().unwrap().parent().unwrap().to_path_buf(); // target/<profile>
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args([
            "build",
            "-q",
            "--locked",
            "--workspace",
            "--bin",
            "verifier",
        ])
        .current_dir(repo());
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("cargo build of the verifier binary");
        assert!(status.success(), "cannot build the verifier binary");
        let bin = profile_dir.join(format!("verifier{}", std::env::consts::EXE_SUFFIX));
        assert!(bin.is_file(), "{} missing", bin.display());
        bin
    })
    .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn programme_certificate_from_three_universities_stacks_conforms_and_verifies() {
    let w = World::start().await;
    let (python, stats, ml) = units(&w).await;
    let learner = example("unit-tudelft-data-analysis.json")["learner"].clone();

    // The library: the three units stack towards the specification, learner matched by student ID.
    let r = w.stack(spec(), &[&python, &stats, &ml]).await;
    assert!(r.stacks, "{}", serde_json::to_string_pretty(&r).unwrap());
    assert_eq!(r.learner.rule, "identifier");
    assert_eq!(r.credits.total.to_string(), "12");
    assert_eq!(r.electives.units, 1);
    assert_eq!(r.with_status(UnitStatus::Matched).len(), 3);
    assert!(r.notice.contains("not a decision"));

    // The lead university issues the programme certificate from them.
    let (status, body) = w
        .certificate(&[&python, &stats, &ml], json!({"learner": learner}))
        .await;
    assert_eq!(status, 201, "{body:#}");
    let programme = body["verifiableCredential"].clone();
    assert_eq!(
        programme["issuer"]["id"],
        format!(
            "did:web:127.0.0.1%3A{}:universities:tudelft",
            w.base.rsplit(':').next().unwrap()
        )
    );
    // Each unit credential is linked as evidence.
    let evidence = programme["evidence"].as_array().expect("evidence");
    let ids: Vec<&str> = evidence.iter().map(|e| e["id"].as_str().unwrap()).collect();
    for u in [&python, &stats, &ml] {
        assert!(ids.contains(&u["id"].as_str().unwrap()), "{ids:?}");
    }
    assert_eq!(
        evidence[0]["dcType"]["id"],
        "urn:enhance:concept:evidence-type:unit-credential"
    );
    assert_units_taught(&programme);
    assert_programme_credential_stacks(&w, &programme, [&python, &stats, &ml]).await;
    assert_cli_stacks(&w, &programme, [&python, &stats, &ml]).await;
    assert_conforms_and_verifies_in_js(&w, &programme).await;
}

/// The programme certificate's units: the three taught ones with their grades and universities.
fn assert_units_taught(programme: &Value) {
    let claim = &programme["credentialSubject"]["hasClaim"][0];
    let parts = claim["hasPart"].as_array().unwrap();
    assert_eq!(parts.len(), 3);
    let text = programme.to_string();
    for grade in ["\"8.5\"", "\"4.5\"", "\"5.5\""] {
        assert!(text.contains(grade), "grade {grade} missing");
    }
    for uni in ["wut", "eth", "tudelft"] {
        assert!(
            parts.iter().any(|p| p["awardedBy"]["awardingBody"][0]["id"]
                .as_str()
                .unwrap()
                .ends_with(&format!(":{uni}"))),
            "{uni}"
        );
    }
}

/// The verifier library: the programme credential verifies; its units stack towards it, and
/// without the WUT unit they do not.
async fn assert_programme_credential_stacks(w: &World, programme: &Value, units: [&Value; 3]) {
    let [python, stats, ml] = units;
    let programme_bytes = serde_json::to_vec(&programme).unwrap();
    let report = {
        let (p, b) = (w.policy(), programme_bytes.clone());
        tokio::task::spawn_blocking(move || verifier::verify(&b, &p, &SystemClock))
            .await
            .unwrap()
    };
    assert_eq!(report.verdict, verifier::Verdict::Valid, "{report:#?}");
    let r = w
        .stack(
            Programme::Credential(programme_bytes.clone()),
            &[python, stats, ml],
        )
        .await;
    assert!(r.stacks, "{}", serde_json::to_string_pretty(&r).unwrap());
    assert_eq!(r.programme.source, "credential");
    let r = w
        .stack(
            Programme::Credential(programme_bytes.clone()),
            &[python, ml],
        )
        .await;
    assert!(!r.stacks);
    assert_eq!(
        r.missing_obligatory,
        vec![STATISTICS.to_owned()],
        "the programme credential's WUT unit is unproven"
    );
}

/// `verifier stack` (the CLI) on the specification file and on the programme credential.
async fn assert_cli_stacks(w: &World, programme: &Value, units: [&Value; 3]) {
    let [python, stats, ml] = units;
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("stack-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("trust.json"), w.registry.to_pretty_json()).unwrap();
    for (name, v) in [
        ("programme.jsonld", programme),
        ("python.jsonld", python),
        ("stats.jsonld", stats),
        ("ml.jsonld", ml),
    ] {
        std::fs::write(dir.join(name), serde_json::to_vec(v).unwrap()).unwrap();
    }
    let cli = {
        let dir = dir.clone();
        move |programme: PathBuf, units: &[&str], json: bool| {
            let mut c = Command::new(verifier_binary());
            c.arg("stack").arg(programme);
            for u in units {
                c.arg(dir.join(u));
            }
            c.arg("--allow-local-network")
                .arg("--trust")
                .arg(dir.join("trust.json"));
            if json {
                c.arg("--json");
            }
            let out = c.output().unwrap();
            (
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stdout).into_owned()
                    + &String::from_utf8_lossy(&out.stderr),
            )
        }
    };
    let spec_file = repo().join("examples/stack/programme.json");
    let (code, out, code2, out2, code3, out3) = {
        let (cli, spec_file, dir) = (cli.clone(), spec_file.clone(), dir.clone());
        tokio::task::spawn_blocking(move || {
            let (c1, o1) = cli(
                spec_file.clone(),
                &["python.jsonld", "stats.jsonld", "ml.jsonld"],
                false,
            );
            let (c2, o2) = cli(
                dir.join("programme.jsonld"),
                &["python.jsonld", "stats.jsonld", "ml.jsonld"],
                true,
            );
            let (c3, o3) = cli(spec_file, &["python.jsonld", "ml.jsonld"], false);
            (c1, o1, c2, o2, c3, o3)
        })
        .await
        .unwrap()
    };
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("stackability: stacks") && out.contains("recommendation, not a decision"),
        "{out}"
    );
    assert_eq!(code2, 0, "{out2}");
    let json_report: Value = serde_json::from_str(&out2).unwrap();
    assert_eq!(json_report["verdict"], "stacks");
    assert_eq!(code3, 1, "{out3}");
    assert!(
        out3.contains("obligatory unit `Course Statistics for Engineers`"),
        "{out3}"
    );
}

/// EDC SHACL conformance of the programme credential, and the reference JS stack's verdict.
async fn assert_conforms_and_verifies_in_js(w: &World, programme: &Value) {
    // EDC SHACL conformance of the programme credential's EDC content (its W3C securing, the
    // Data Integrity proof and the Bitstring status entries, are checked by the verifiers above).
    let mut content = programme.clone();
    content.as_object_mut().unwrap().remove("proof");
    content.as_object_mut().unwrap().remove("credentialStatus");
    let (code, out) = common::shacl(&content, "programme-certificate");
    assert_eq!(code, 0, "the programme credential does not conform:\n{out}");
    // The shapes do check the evidence: without its type it does not conform.
    content["evidence"][0]
        .as_object_mut()
        .unwrap()
        .remove("dcType");
    let (code, out) = common::shacl(&content, "programme-certificate-broken");
    assert_eq!(code, 1, "evidence without dcType accepted:\n{out}");
    // The reference JavaScript implementation verifies it (DID document served by the issuer).
    let did_doc = w.did_document("tudelft").await;
    let (verified, errors) = common::js_verify(programme, std::slice::from_ref(&did_doc));
    assert!(verified, "JS: {errors:?}");
    // ... and rejects it once changed.
    let mut forged = programme.clone();
    forged["evidence"][0]["evidenceStatement"] = json!("Unit credential of someone else.");
    let (verified, _) = common::js_verify(&forged, &[did_doc]);
    assert!(!verified, "JS accepted a changed programme credential");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_bad_unit_fails_with_its_reason() {
    let w = World::start().await;
    let (python, stats, ml) = units(&w).await;
    let [other, revoked, wrong, forged] = bad_statistics_units(&w, &stats).await;
    let cases = [
        (
            "another learner",
            &other,
            "wrong-learner",
            "another learner",
        ),
        ("revoked", &revoked, "not-verified", "revoked"),
        (
            "wrong university",
            &wrong,
            "wrong-university",
            "taught by `wut`",
        ),
        ("forged", &forged, "not-verified", "proof failed"),
    ];
    for (name, bad, status, reason) in cases {
        assert_refused_with_reason(&w, name, &[&python, bad, &ml], status, reason).await;
    }
    let (status, body) = w.certificate(&[&python, &other, &ml], json!({})).await;
    assert_eq!(status, 422);
    assert_eq!(body["stackReport"]["learner"]["sameLearner"], false);
    assert_eq!(body["stackReport"]["learner"]["learner"], "Felix Wagner");
    assert_rules_refuse(&w, [&python, &stats, &ml]).await;
    assert_coordinator_confirms(&w, &python, &ml).await;
}

/// Statistics credentials that must not stack: another learner's, a revoked one, one awarded
/// by ETH instead of WUT, and the genuine one with a better grade written in.
async fn bad_statistics_units(w: &World, stats: &Value) -> [Value; 4] {
    // A WUT statistics credential of another learner.
    let mut other = example("unit-wut-statistics.json");
    other["learner"] = json!({"givenNames": "Anna", "familyNames": "Berg", "dateOfBirth": "2001-05-02", "studentId": "500100", "homeUniversity": "rwth"});
    let other = w.issue("wut", other).await;
    // A second statistics credential of the learner, revoked by WUT.
    let revoked = w.issue("wut", example("unit-wut-statistics.json")).await;
    w.revoke("wut", revoked["id"].as_str().unwrap()).await;
    // The statistics unit, but awarded (and signed) by ETH instead of WUT.
    let mut wrong = example("unit-wut-statistics.json");
    wrong["awardingUniversity"] = json!("eth");
    let wrong = w.issue("eth", wrong).await;
    // The genuine statistics credential with a better grade written in.
    let mut forged = stats.clone();
    let grade =
        &mut forged["credentialSubject"]["hasClaim"][0]["provenBy"][0]["grade"]["noteLiteral"];
    assert!(grade.is_object(), "grade note found");
    *grade = json!({"en": "5"});
    [other, revoked, wrong, forged]
}

/// The service refuses the certificate for `units` (the statistics unit being bad) with
/// `status` and `reason` on that unit; the library agrees unit by unit.
async fn assert_refused_with_reason(
    w: &World,
    name: &str,
    units: &[&Value],
    status: &str,
    reason: &str,
) {
    let (code, body) = w.certificate(units, json!({})).await;
    assert_eq!(code, 422, "{name}: {body:#}");
    assert_eq!(
        body["type"], "urn:enhance-credentials:problem:does-not-stack",
        "{name}"
    );
    let report = &body["stackReport"];
    assert_eq!(report["verdict"], "does-not-stack", "{name}");
    let e = entry(report, STATISTICS, true);
    assert_eq!(e["status"], status, "{name}: {e:#}");
    assert!(e["problems"].to_string().contains(reason), "{name}: {e:#}");
    // The other two units are fine.
    assert_eq!(entry(report, PYTHON, true)["status"], "matched", "{name}");
    assert_eq!(entry(report, ML, true)["status"], "matched", "{name}");
    // The library agrees.
    let r = w.stack(spec(), units).await;
    assert!(!r.stacks, "{name}");
    let lib = serde_json::to_value(&r).unwrap();
    let outcome = |v: &Value| -> Vec<(Value, Value, Value)> {
        v["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| {
                (
                    u["specificationId"].clone(),
                    u["status"].clone(),
                    u["problems"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(outcome(&lib), outcome(report), "{name}");
}

/// The programme's rules: a missing obligatory unit, and no elective, are each refused.
async fn assert_rules_refuse(w: &World, units: [&Value; 3]) {
    let [python, stats, ml] = units;
    // A missing obligatory unit.
    let (status, body) = w.certificate(&[python, ml], json!({})).await;
    assert_eq!(status, 422, "{body:#}");
    let report = &body["stackReport"];
    assert_eq!(report["missingObligatory"], json!([STATISTICS]));
    assert_eq!(entry(report, STATISTICS, false)["status"], "missing");
    assert_eq!(report["credits"]["ok"], false);
    assert!(
        body["detail"].as_str().unwrap().contains("is missing"),
        "{body:#}"
    );
    // No elective: the elective rule fails.
    let (status, body) = w.certificate(&[python, stats], json!({})).await;
    assert_eq!(status, 422);
    assert_eq!(body["stackReport"]["electives"]["ok"], false);
}

/// The lead university's coordinator confirms the WUT unit: issued and audit-logged; only the
/// lead university may do so.
async fn assert_coordinator_confirms(w: &World, python: &Value, ml: &Value) {
    // The lead university's coordinator confirms the WUT unit directly: issued, audit-logged.
    let confirm = json!({"confirmedBy": "coordinator", "specificationId": STATISTICS, "grade": "4.5", "period": {"start": "2026-04-20", "end": "2026-06-19"}});
    let (status, body) = w.certificate(&[python, &confirm, ml], json!({})).await;
    assert_eq!(status, 201, "{body:#}");
    let programme = &body["verifiableCredential"];
    let evidence = programme["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 3);
    assert!(
        evidence
            .iter()
            .any(|e| e["dcType"]["id"]
                == "urn:enhance:concept:evidence-type:coordinator-confirmation")
    );
    let audit = w.issuer.app.store().audit_entries("tudelft").await.unwrap();
    assert!(
        audit
            .iter()
            .any(|(_, _, action, target, _)| action == "confirm-unit"
                && target == programme["id"].as_str().unwrap()),
        "{audit:?}"
    );
    // Only the lead university can confirm or issue: ETH's token is refused.
    let (status, _) = w
        .post(
            "eth",
            &format!("/programmes/{PROGRAMME}/certificates"),
            &json!({"units": [python, &confirm, ml]}),
        )
        .await;
    assert_eq!(status, 404, "ETH has no programme `{PROGRAMME}`");
    // A programme whose lead is another university cannot be stored by ETH.
    let (status, body) = w
        .post("eth", "/programmes/x", &example("programme.json"))
        .await;
    assert_eq!(status, 422);
    assert!(
        body.to_string().contains("programme-spec.lead-university"),
        "{body}"
    );
}
