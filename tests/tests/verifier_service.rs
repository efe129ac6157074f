//! End to end: the real issuer service (SQLite in a temp dir, the demo keys and universities) and
//! the verifier service, both on 127.0.0.1. A credential is awarded through `POST /awards`; its
//! share link is opened on the verifier (`GET /verify?credential=<share URL>`, the URL the issuer's
//! QR codes lead to): genuine. After `POST /credentials/status` revokes it, the same page says
//! revoked. The verifier trusts the issuer's universities under the test's base URL (registry
//! generated from `keys.example/`), fetches over plain http from loopback only because the test
//! allows it (`allow_local_network`, i.e. `NetworkPolicy::local_testing`), and reuses no status list
//! (`status_list_ttl_secs = 0`) so the revocation shows at once.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use issuer::config::Config;
use serde_json::{json, Value};
use service_kit::test_client::post_json;
use verifier::service::ServiceConfig;
use verifier::TrustRegistry;

use common::{award_with_images, free_port, repo};

const ETH: &str = "e2e-token-eth";

/// The eth example award with its display images.
fn award() -> Value {
    award_with_images("micro-credential-professional.json")
}

fn verdict_h1(html: &str) -> &str {
    service_kit::test_support::element_with_id(html, "h1", "verdict")
        .unwrap_or_else(|| panic!("no verdict heading in {html}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issued_credential_is_genuine_then_revoked_on_the_verification_page() {
    let dir = std::env::temp_dir().join(format!(
        "verifier-e2e-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("tokens.toml"), format!("eth = \"{ETH}\"\n")).unwrap();
    let port = free_port();
    let issuer_base = format!("http://127.0.0.1:{port}");

    // The verifier: trusts the demo universities with DIDs under the issuer's base URL.
    let registry =
        TrustRegistry::from_key_store(&repo().join("keys.example"), &issuer_base).unwrap();
    assert!(registry
        .member_by_did(&format!("did:web:127.0.0.1%3A{port}:universities:eth"))
        .is_some());
    let vconfig = ServiceConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        allow_local_network: true,
        status_list_ttl_secs: 0,
        ..ServiceConfig::default()
    };
    let verifier = common::start_verifier(vconfig, registry).await;

    // The issuer, its QR codes pointing at this verifier.
    let config = Config {
        tokens_file: Some(dir.join("tokens.toml")),
        verifier_url: verifier.url(),
        ..common::issuer_config(&dir, port)
    };
    let issuer = common::start_issuer(config).await;
    let client = reqwest::Client::new();

    let res = client
        .post(format!("{}/awards", issuer.url()))
        .bearer_auth(ETH)
        .json(&award())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    let id = body["verifiableCredential"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let share = body["shareUrl"].as_str().unwrap().to_owned();
    assert!(
        share.starts_with(&format!("{issuer_base}/share/")),
        "{share}"
    );

    let open = |credential_url: String, accept: &'static str| {
        let client = client.clone();
        let verify = format!("{}/verify", verifier.url());
        async move {
            let res = client
                .get(verify)
                .query(&[("credential", credential_url)])
                .header("accept", accept)
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            (status, res.text().await.unwrap())
        }
    };

    // Genuine: the page, and the report with every check ok.
    let (status, html) = open(share.clone(), "text/html").await;
    assert_eq!(status, 200);
    assert_eq!(
        verdict_h1(&html),
        "<h1 id=\"verdict\" data-verdict=\"valid\" data-reason=\"genuine\">Genuine</h1>",
        "{html}"
    );
    assert!(html.contains("Lukas Meier"), "the certificate is shown");
    let (status, report) = open(share.clone(), "application/json").await;
    assert_eq!(status, 200, "{report}");
    let report: Value = serde_json::from_str(&report).unwrap();
    for c in report["checks"].as_array().unwrap() {
        assert_eq!(c["status"], "ok", "{c}");
    }
    assert!(
        report["checks"][2]["message"]
            .as_str()
            .unwrap()
            .starts_with("not revoked"),
        "{report}"
    );
    // The same credential's JAdES seal and VC-JWT forms, through their share links.
    for format in ["jades", "jwt"] {
        let (status, report) = open(format!("{share}?format={format}"), "application/json").await;
        assert_eq!(status, 200, "{format}: {report}");
    }

    // Revoked by the university: the same link now says so.
    let body = json!({"credentialId": id, "credentialStatus": [{"type": "BitstringStatusListCredential", "status": "revoked"}]});
    let res = post_json(&issuer.url(), "/credentials/status", Some(ETH), &body).await;
    assert_eq!(res.status(), 200);
    let (status, html) = open(share.clone(), "text/html").await;
    assert_eq!(status, 200);
    assert_eq!(
        verdict_h1(&html),
        "<h1 id=\"verdict\" data-verdict=\"invalid\" data-reason=\"revoked\">Revoked</h1>"
    );
    assert!(html.contains("<li class=\"check\" data-check=\"revocation\" data-status=\"failed\">"));
    assert!(html.contains("The university has revoked this credential."));
    let (status, report) = open(share.clone(), "application/json").await;
    assert_eq!(status, 422);
    assert_eq!(
        serde_json::from_str::<Value>(&report).unwrap()["verdict"],
        "invalid"
    );

    // An unknown share token: could not check, never valid.
    let (status, html) = open(format!("{issuer_base}/share/not-a-token"), "text/html").await;
    assert_eq!(status, 200);
    assert!(
        verdict_h1(&html).contains("data-verdict=\"indeterminate\" data-reason=\"not-checked\"")
    );
    assert!(html.contains("HTTP status 404"));

    issuer.shutdown().await.unwrap();
    verifier.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
