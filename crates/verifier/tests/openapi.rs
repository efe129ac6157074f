//! The generated OpenAPI document of the verification service (issue #19 §4): it is what
//! `GET /openapi.json` serves; the router's paths (from the router itself) are exactly the
//! documented ones, every documented operation is routed (not the fallback) and every other
//! method on those paths is refused with 405; every documented example reads back into its type;
//! the document is structurally valid OpenAPI 3.1.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;
use service_kit::openapi_check::{operations, METHODS};
use service_kit::test_client::{get, probe, served_openapi};
use verifier::service::{build_state, router, start, Overrides, ServiceConfig};

fn document() -> Value {
    serde_json::to_value(verifier::service::api_doc::document()).unwrap()
}

/// The route paths of an axum 0.8 `Router`'s `Debug` form (its `path_router` node; the fallback
/// router after it holds no route of the API).
fn routed_paths(debug: &str) -> BTreeSet<String> {
    let paths = service_kit::openapi_check::routed_paths(debug)
        .unwrap_or_else(|| panic!("no path router in the router's Debug form: {debug}"));
    assert!(paths.len() >= 5, "route paths found: {paths:?}");
    paths
}

fn config() -> ServiceConfig {
    let mut config = ServiceConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        allow_local_network: true,
        ..ServiceConfig::default()
    };
    // The probes are many requests from one address: no per-client limit in this test.
    config.rate_limit.per_second = 0.0;
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_is_documented_and_every_documented_route_is_served() {
    let s = start(config(), Overrides::default()).await.unwrap();
    let served = served_openapi(&s.url()).await;
    assert_eq!(
        served,
        document(),
        "the served document is the generated one"
    );

    let fallback = get(&s.url(), "/no/such/endpoint", None).await;
    assert_eq!(fallback.status(), 404);
    let fallback = fallback.text().await.unwrap();

    let ops = operations(&served);
    let documented: BTreeSet<String> = ops.iter().map(|(_, p)| p.clone()).collect();
    let state = build_state(&config(), &Overrides::default()).unwrap();
    let routed = routed_paths(&format!("{:?}", router(state)));
    assert_eq!(
        routed, documented,
        "paths of the router vs paths of the document"
    );

    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut refused = 0;
    for path in &documented {
        for m in METHODS {
            let method = m.to_uppercase();
            let url = format!("{}{path}", s.url());
            let (status, body) = probe(&no_redirects, &method, &url).await;
            if ops.contains(&(method.clone(), path.clone())) {
                assert_ne!(status, 405, "{method} {path}: documented, not routed");
                assert!(
                    !(status == 404 && body == fallback),
                    "{method} {path}: documented, answered by the fallback"
                );
            } else {
                assert_eq!(status, 405, "{method} {path} is routed but not documented");
                refused += 1;
            }
        }
    }
    assert!(
        refused >= 25,
        "{refused} undocumented (method, path) pairs probed"
    );
    s.shutdown().await.unwrap();
}

#[test]
fn every_documented_example_deserialises_into_its_type() {
    let doc = document();
    let checks: HashMap<_, _> = verifier::service::api_doc::example_checks()
        .into_iter()
        .collect();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut checked = 0;
    for (name, schema) in schemas {
        if let Some(example) = schema.get("example") {
            let check = checks
                .get(name.as_str())
                .unwrap_or_else(|| panic!("{name} has an example but no check"));
            check(example.clone()).unwrap_or_else(|e| panic!("example of {name}: {e}"));
            checked += 1;
        }
    }
    assert_eq!(
        checked,
        checks.len(),
        "every check names a schema with an example"
    );
    // No example elsewhere (it would go unchecked).
    let text = serde_json::to_string(&doc["paths"]).unwrap();
    assert!(
        !text.contains("\"example\""),
        "an example outside the schemas"
    );
}

#[test]
fn the_document_is_valid_openapi_3_1() {
    let doc = document();
    let _: utoipa::openapi::OpenApi = serde_json::from_value(doc.clone()).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(!doc["info"]["title"].as_str().unwrap().is_empty());
    assert!(!doc["info"]["version"].as_str().unwrap().is_empty());
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    // The report is generated from the report types, with their documented members.
    for member in ["verdict", "integrity", "trust", "checks"] {
        assert!(
            schemas["Report"]["properties"].get(member).is_some(),
            "Report.{member}"
        );
    }
    let mut ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            let at = format!("{m} {path}");
            assert!(
                ids.insert(op["operationId"].as_str().unwrap().to_owned()),
                "{at}"
            );
            assert!(op.get("summary").is_some(), "{at}: summary");
            for (status, r) in op["responses"].as_object().unwrap() {
                assert!(status.len() == 3, "{at}: {status}");
                assert!(r["description"].is_string(), "{at} {status}");
            }
        }
    }
    let text = serde_json::to_string(&doc).unwrap();
    for r in text.split("\"$ref\":\"").skip(1) {
        let r = &r[..r.find('"').unwrap()];
        let name = r.strip_prefix("#/components/schemas/").unwrap();
        assert!(schemas.contains_key(name), "$ref {r} does not resolve");
    }
}
