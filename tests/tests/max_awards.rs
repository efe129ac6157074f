//! End to end, issue #13: the limits of the award model, the issuer's render budget and the
//! verifier's memory caps fit together. Every example award, filled to the model's limits
//! (`elm_model::limits::fill::fill_to_limits`: every list at its maximum count, texts at their
//! maximum lengths up to the award's total), is issued through `POST /awards` of the real issuer
//! service (which renders its certificate image) and every form of it (Data Integrity JSON-LD,
//! JAdES seal, VC-JWT) verifies as valid, with every check ok, on the real verifier service with
//! its DEFAULT size caps (body size, JSON node and blank-node budget). A valid award we issue must
//! never be refused by our own verifier's hostile-input defences.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

mod common;

use std::time::Instant;

use issuer::config::Config;
use serde_json::{json, Value};
use service_kit::test_client::{post_json, SendOrStop as _};
use verifier::service::ServiceConfig;
use verifier::TrustRegistry;

use common::{demo_tokens, free_port, repo};

const EXAMPLES: [&str; 5] = [
    "micro-credential-academic-course.json",
    "micro-credential-professional.json",
    "programme-micro-credential-data-literacy.json",
    "certificate-of-completion.json",
    "certificate-of-participation-staff-week.json",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_filled_to_the_limits_issues_and_verifies_on_default_caps() {
    let dir =
        std::env::temp_dir().join(format!("max-awards-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let issuer_base = format!("http://127.0.0.1:{port}");
    let tokens = demo_tokens();

    let registry =
        TrustRegistry::from_key_store(&repo().join("keys.example"), &issuer_base).unwrap();
    // Default caps; only loopback fetching is allowed (the issuer is on 127.0.0.1) and no rate
    // limit (the test sends 15 verifications in a burst).
    let mut vconfig = ServiceConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        allow_local_network: true,
        ..ServiceConfig::default()
    };
    let defaults = ServiceConfig::default();
    assert_eq!(vconfig.max_body_bytes, defaults.max_body_bytes);
    assert_eq!(vconfig.max_json_nodes, defaults.max_json_nodes);
    assert_eq!(vconfig.max_blank_nodes, defaults.max_blank_nodes);
    vconfig.rate_limit.burst = 1_000;
    let verifier = common::start_verifier(vconfig, registry).await;

    let config = Config {
        verifier_url: verifier.url(),
        ..common::issuer_config(&dir, port)
    };
    let issuer = common::start_issuer(config).await;
    let client = reqwest::Client::new();

    for name in EXAMPLES {
        let text = std::fs::read_to_string(repo().join("examples/awards").join(name)).unwrap();
        let mut award = elm_model::parse_award(&text).unwrap();
        elm_model::limits::fill::fill_to_limits(&mut award);
        let token = tokens
            .get(&award.awarding_university)
            .unwrap_or_else(|| panic!("no demo token for {}", award.awarding_university));
        let body = serde_json::to_value(&award).unwrap();
        // Kept for scripts/measure-rss.sh (the issuer's peak memory for the largest award).
        let keep = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("max-awards");
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::write(keep.join(name), serde_json::to_vec(&body).unwrap()).unwrap();

        let t = Instant::now();
        let res = post_json(&issuer.url(), "/awards", Some(token), &body).await;
        let status = res.status();
        let issued: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "{name}: {issued:.600}");
        let issue_ms = t.elapsed().as_millis();
        let share = issued["shareUrl"].as_str().unwrap().to_owned();

        let credential = issued["verifiableCredential"].clone();
        let jades: Value = client
            .get(format!("{share}?format=jades"))
            .sent()
            .await
            .json()
            .await
            .unwrap();
        let jwt = client
            .get(format!("{share}?format=jwt"))
            .sent()
            .await
            .text()
            .await
            .unwrap();
        let sizes = [
            credential.to_string().len(),
            jades.to_string().len(),
            jwt.len(),
        ];
        let unbounded = canon::Budget {
            max_depth: usize::MAX,
            max_nodes: usize::MAX,
            max_blank_nodes: usize::MAX,
        };
        let shape = canon::budget::measure(&credential, &unbounded).unwrap();
        println!(
            "{name}: {shape:?} (default caps {:?})",
            canon::Budget::default()
        );
        for (form, value) in [
            ("di", credential),
            ("jades", jades),
            ("jwt", Value::String(jwt.trim().to_owned())),
        ] {
            let body = json!({"verifiableCredential": value});
            let res = post_json(&verifier.url(), "/credentials/verify", None, &body).await;
            let status = res.status().as_u16();
            let report: Value = res.json().await.unwrap();
            assert_eq!(status, 200, "{name} {form}: {report:.1500}");
            assert_eq!(report["verdict"], "valid", "{name} {form}: {report:.1500}");
            for c in report["checks"].as_array().unwrap() {
                assert_eq!(c["status"], "ok", "{name} {form}: {c}");
            }
        }
        println!(
            "{name}: issued in {issue_ms} ms; DI {} B, JAdES {} B, VC-JWT {} B; all three valid",
            sizes[0], sizes[1], sizes[2]
        );
    }
    issuer.shutdown().await.unwrap();
    verifier.shutdown().await.unwrap();
}
