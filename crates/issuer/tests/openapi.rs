//! The generated OpenAPI document of the issuer service (issue #19 §4): it is what
//! `GET /openapi.json` serves; every documented operation is a route the router answers (not the
//! fallback), and the router has no route the document misses (routes are only registered by
//! `utoipa_axum::routes!`, which documents them, checked on the sources); every documented
//! example reads back into its Rust type; the document is structurally valid OpenAPI 3.1.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod support;

use std::collections::{BTreeSet, HashSet};

use issuer::server::{start, Overrides};
use serde_json::Value;
use service_kit::openapi_check::{concrete, operations, METHODS};
use service_kit::test_client::{get_json, probe, served_openapi};

fn document() -> Value {
    serde_json::to_value(issuer::http::openapi_document()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_route_is_served_and_the_served_document_is_the_generated_one() {
    let dir = support::token_dir("issuer-openapi", &[("eth", support::ETH)], &[]);
    let url = support::fresh_database(false, &dir.join("db/issuer.sqlite")).await;
    let mut config = support::config(&url, &dir.join("tokens.toml"));
    // The probes below are many requests from one address: no per-client limit in this test.
    config.limits.public_rate_limit.per_second = 0.0;
    let s = start(config, Overrides::default()).await.unwrap();
    let client = reqwest::Client::new();

    let served = served_openapi(&s.url()).await;
    assert_eq!(
        served,
        document(),
        "the served document is the generated one"
    );

    // The fallback's answer, for comparison.
    let fallback: Value = get_json(&s.url(), "/no/such/endpoint", None).await;
    assert_eq!(fallback["detail"], "no such endpoint");

    let ops = operations(&served);
    assert!(ops.len() >= 23, "{} operations documented", ops.len());
    for (method, path) in &ops {
        let url = format!("{}{}", s.url(), concrete(path));
        let (status, body) = probe(&client, method, &url).await;
        assert_ne!(status, 405, "{method} {path}: method not routed");
        assert!(
            !(status == 404 && body.contains("no such endpoint")),
            "{method} {path}: documented but not routed (fallback answered)"
        );
    }

    // The other direction, from the router itself: the paths axum registered (its `Debug` lists
    // them) are exactly the documented ones, and on each of them every undocumented method is
    // refused with 405 (so no method was added without its documentation).
    let router = issuer::http::router(issuer::http::AppState::new(
        s.app.clone(),
        issuer::config::Limits::default(),
    ));
    let routed = routed_paths(&format!("{router:?}"));
    let documented: BTreeSet<String> = ops.iter().map(|(_, p)| p.clone()).collect();
    assert_eq!(
        routed, documented,
        "paths of the router vs paths of the document"
    );
    let mut refused = 0;
    for path in &documented {
        for m in METHODS {
            let method = m.to_uppercase();
            if ops.contains(&(method.clone(), path.clone())) {
                continue;
            }
            let url = format!("{}{}", s.url(), concrete(path));
            let (status, _) = probe(&client, &method, &url).await;
            assert_eq!(status, 405, "{method} {path} is routed but not documented");
            refused += 1;
        }
    }
    assert!(
        refused > 50,
        "{refused} undocumented (method, path) pairs probed"
    );
    s.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The route paths in the `Debug` form of an axum 0.8 `Router`: its `path_router` comes first
/// (`Node { paths: {RouteId(0): "/healthz", ...} }`), then the fallback router (`/` and axum's
/// private catch-all, not routes of the API).
fn routed_paths(debug: &str) -> BTreeSet<String> {
    let paths = service_kit::openapi_check::routed_paths(debug)
        .unwrap_or_else(|| panic!("no path router in the router's Debug form: {debug}"));
    assert!(
        paths.len() > 10,
        "route paths found in the router's Debug form: {paths:?}"
    );
    paths
}

/// The router cannot hold an undocumented route: the HTTP sources register routes only through
/// `routes!(...)` (each handler there must carry `#[utoipa::path]`, or the crate does not compile),
/// never with axum's `.route(...)`, `.route_service(...)` or `.nest(...)`; and the handlers named
/// in `routes!` are exactly as many as the documented operations.
#[test]
fn routes_are_registered_only_with_their_documentation() {
    let dir = support::repo().join("crates/issuer/src/http");
    let mut handlers = 0;
    // The HTTP sources and those of the console's sub-module (issue #18).
    let list = |d: &std::path::Path| std::fs::read_dir(d).unwrap().map(|e| e.unwrap().path());
    let files: Vec<_> = list(&dir).chain(list(&dir.join("console"))).collect();
    for path in files {
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let src = std::fs::read_to_string(&path).unwrap();
        for forbidden in [".route(", ".route_service(", ".nest(", ".nest_service("] {
            assert!(
                !src.contains(forbidden),
                "{}: `{forbidden}` registers a route without documentation; use `.routes(routes!(handler))`",
                path.display()
            );
        }
        let mut rest = src.as_str();
        while let Some(i) = rest.find("routes!(") {
            rest = &rest[i + "routes!(".len()..];
            let end = rest.find(')').unwrap();
            handlers += rest[..end]
                .split(',')
                .filter(|h| !h.trim().is_empty())
                .count();
        }
    }
    assert_eq!(
        handlers,
        operations(&document()).len(),
        "each handler in routes!(...) is one documented operation"
    );
}

/// Every schema, operation or response of the document.
fn walk<'a>(v: &'a Value, at: String, out: &mut Vec<(String, &'a Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let here = format!("{at}/{k}");
                if k == "example" || k == "examples" {
                    out.push((here.clone(), x));
                }
                walk(x, here, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                walk(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_documented_example_deserialises_into_its_type() {
    let doc = document();
    let checks: std::collections::HashMap<_, _> =
        issuer::app::api::example_checks().into_iter().collect();
    let requests: std::collections::HashMap<_, _> =
        issuer::app::api::example_requests().into_iter().collect();
    let mut examples = Vec::new();
    walk(&doc, String::new(), &mut examples);
    let mut checked = 0;
    for (at, example) in examples {
        // A schema's example: `/components/schemas/<Name>/example`.
        if let Some(name) = at
            .strip_prefix("/components/schemas/")
            .and_then(|r| r.strip_suffix("/example"))
            .filter(|n| !n.contains('/'))
        {
            let check = checks.get(name).unwrap_or_else(|| {
                panic!("schema {name} has an example but no check in example_checks()")
            });
            check(example.clone()).unwrap_or_else(|e| panic!("example of {name}: {e}"));
            if let Some(read) = requests.get(name) {
                read(example.clone())
                    .unwrap_or_else(|e| panic!("example of {name} via FromJson: {e}"));
            }
            checked += 1;
            continue;
        }
        // The CSV body's example is a string of CSV (its type).
        if at.ends_with("/content/text~1csv/example") || at.contains("text/csv") {
            assert!(example.is_string(), "{at}");
            checked += 1;
            continue;
        }
        panic!("{at}: an example the test cannot check against a type");
    }
    assert!(checked >= 15, "{checked} examples checked");
    // Every example check names a schema of the document.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in checks.keys() {
        assert!(schemas.contains_key(*name), "{name} is not in the document");
        assert!(
            schemas[*name].get("example").is_some(),
            "{name} is checked but has no example"
        );
    }
}

/// Each `$ref` of `v`.
fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "$ref" {
                    out.push(x.as_str().unwrap());
                }
                refs(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[test]
fn the_document_is_valid_openapi_3_1() {
    let doc = document();
    // It reads back into the OpenAPI model (every member where the specification puts it).
    let _: utoipa::openapi::OpenApi = serde_json::from_value(doc.clone()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1."));
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(!doc["info"]["title"].as_str().unwrap().is_empty());
    assert!(!doc["info"]["version"].as_str().unwrap().is_empty());
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    let tags: HashSet<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let mut operation_ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        assert!(path.starts_with('/'), "{path}");
        let templated: Vec<&str> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            let at = format!("{} {path}", m.to_uppercase());
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{at}: operationId"));
            assert!(
                operation_ids.insert(id.to_owned()),
                "{at}: operationId {id} twice"
            );
            assert!(
                op.get("summary").is_some(),
                "{at}: summary (the handler's doc comment)"
            );
            let responses = op["responses"].as_object().unwrap();
            assert!(!responses.is_empty(), "{at}: responses");
            for (status, r) in responses {
                assert!(
                    status.len() == 3 && status.chars().all(|c| c.is_ascii_digit()),
                    "{at}: status {status}"
                );
                assert!(r["description"].is_string(), "{at} {status}: description");
            }
            // Path parameters: each template variable declared, required, in: path.
            let params = op.get("parameters").and_then(Value::as_array);
            for name in &templated {
                let p = params
                    .and_then(|ps| ps.iter().find(|p| p["name"] == *name && p["in"] == "path"))
                    .unwrap_or_else(|| panic!("{at}: path parameter {name} undeclared"));
                assert_eq!(p["required"], true, "{at}: {name} required");
            }
            for p in params.into_iter().flatten() {
                assert!(
                    ["path", "query", "header", "cookie"].contains(&p["in"].as_str().unwrap()),
                    "{at}: {p}"
                );
                if p["in"] == "path" {
                    assert!(
                        templated.contains(&p["name"].as_str().unwrap()),
                        "{at}: {p}"
                    );
                }
            }
            for s in op
                .get("security")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                for scheme in s.as_object().unwrap().keys() {
                    assert!(schemes.contains_key(scheme), "{at}: scheme {scheme}");
                }
                // Authenticated operations document 401 and 403.
                assert!(
                    responses.contains_key("401") && responses.contains_key("403"),
                    "{at}"
                );
            }
            if op
                .get("requestBody")
                .is_some_and(|b| b["content"].get("application/json").is_some())
            {
                assert!(responses.contains_key("415"), "{at}: 415");
            }
            for t in op
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                assert!(
                    tags.contains(t.as_str().unwrap()),
                    "{at}: tag {t} undeclared"
                );
            }
        }
    }
    // Every reference resolves.
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected $ref {r}"));
        assert!(schemas.contains_key(name), "$ref {r} does not resolve");
    }
}
