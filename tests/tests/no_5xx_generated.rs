//! Generated-input test (issue #15 point 7, "no client input produces a 5xx"): random and mutated
//! request bodies — bad JSON-LD (unknown, cyclic and protected-term-redefining contexts, undefined
//! terms, relative IRIs, `@graph` and `@id` tricks), wrong member types, missing and extra
//! members, non-JSON text — sent to EVERY `POST` endpoint of both services, the issuer
//! (`issuer::http::openapi_document()`) and the verifier (`verifier::service::api_doc::document()`),
//! each started on 127.0.0.1. No answer may be a 5xx.
//!
//! Only loopback is ever contacted: the issuer's public base URL is `http://localhost:8080`, so its
//! DIDs are the demo registry's (resolved offline by the verifier), and before a body is sent every
//! URL outside the JSON-LD context hosts, every other `did:web` and every JWT-looking string is
//! rewritten to point at `127.0.0.1:9` ([`keep_local`]), which the verifier refuses before any
//! connection (it fetches https from public addresses only) and the issuer's programme check
//! (local testing policy, loopback allowed) finds closed. Nothing triggers a DNS query for another
//! host.
//!
//! The generator is a seeded xorshift mutator (no randomness from the environment: the same seed
//! gives the same bodies), starting from each operation's documented example, the examples of the
//! schemas it references, and real credentials and awards. The number of bodies per endpoint is
//! fixed; the whole run is bounded well under 60 s on a loaded 2-core machine.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured (counts, answers per endpoint, time) for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stderr)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

const ETH: &str = "test-token-eth";
const ETH_DID: &str = "did:web:localhost%3A8080:universities:eth";
const V2: &str = "https://www.w3.org/ns/credentials/v2";
/// Mutated bodies per endpoint (plus the seeds themselves and the raw non-JSON bodies).
const BODIES_PER_ENDPOINT: usize = 400;
const SEED: u64 = 0x15_2026_1205;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % (n.max(1) as u64)) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Values of every JSON type, including the awkward ones.
fn random_value(rng: &mut Rng, depth: usize) -> Value {
    let leaves = [
        Value::Null,
        json!(true),
        json!(false),
        json!(0),
        json!(-1),
        json!(1e308),
        json!(18446744073709551615u64),
        json!(0.5),
        json!(""),
        json!("x"),
        json!("just/a/relative/path"),
        json!("_:b0"),
        json!("did:example:123"),
        json!("https://evil.example/x"),
        json!("did:web:evil.example"),
        json!("eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6d2ViOmV2aWwuZXhhbXBsZSJ9.c2ln"),
        json!("http://127.0.0.1:1/x"),
        json!("2020-01-01T00:00:00Z"),
        json!("not a date"),
        json!("\u{0000}\u{202e}ünïcødé"),
        json!("@id"),
        json!("VerifiableCredential"),
        json!("BitstringStatusListEntry"),
        json!("urn:uuid:00000000-0000-0000-0000-000000000000"),
        json!("A".repeat(300)),
        json!({}),
        json!([]),
    ];
    if depth == 0 || rng.below(3) > 0 {
        return rng.pick(&leaves).clone();
    }
    if rng.below(2) == 0 {
        let n = rng.below(4);
        Value::Array((0..n).map(|_| random_value(rng, depth - 1)).collect())
    } else {
        let mut m = Map::new();
        for _ in 0..rng.below(4) {
            m.insert(random_key(rng), random_value(rng, depth - 1));
        }
        Value::Object(m)
    }
}

fn random_key(rng: &mut Rng) -> String {
    let keys = [
        "@context",
        "@id",
        "@type",
        "@graph",
        "@value",
        "@language",
        "@included",
        "@reverse",
        "@nest",
        "@list",
        "id",
        "type",
        "issuer",
        "credentialSubject",
        "credentialStatus",
        "proof",
        "validFrom",
        "validUntil",
        "evidence",
        "termsOfUse",
        "relatedResource",
        "credential",
        "options",
        "verifiableCredential",
        "verifiablePresentation",
        "checks",
        "award",
        "units",
        "programme",
        "learner",
        "roles",
        "label",
        "favouriteColour",
        "",
        "__proto__",
    ];
    rng.pick(&keys).to_string()
}

/// JSON-LD poison for a credential-like object.
fn poison_json_ld(rng: &mut Rng, v: &mut Value) {
    let Some(o) = v.as_object_mut() else { return };
    match rng.below(9) {
        0 => {
            o.insert(
                "@context".into(),
                json!([V2, "https://evil.example/context.jsonld"]),
            );
        }
        1 => {
            o.insert(
                "@context".into(),
                json!([V2, {"description": "https://evil.example/d"}]),
            );
        }
        2 => {
            o.insert(
                "@context".into(),
                json!([V2, {"ping": "pong:x", "pong": "ping:y"}]),
            );
            o.insert("ping".into(), json!("loop"));
        }
        3 => {
            o.insert("favouriteColour".into(), json!("blue"));
        }
        4 => {
            o.insert("id".into(), json!("just/a/path"));
        }
        5 => {
            o.insert("@context".into(), json!([V2, {"@vocab": "relative/"}]));
        }
        6 => {
            o.insert(
                "@graph".into(),
                json!([{"@id": "_:a", "urn:x:p": {"@id": "_:a"}}]),
            );
        }
        7 => {
            o.insert(
                "@context".into(),
                json!([V2, {"@import": "https://evil.example/i"}]),
            );
        }
        _ => {
            o.insert("@type".into(), json!(["@json", 5]));
        }
    }
}

/// Applies one random mutation somewhere in `v`.
fn mutate(rng: &mut Rng, v: &mut Value, depth: usize) {
    let descend = depth < 6 && rng.below(3) > 0;
    match v {
        Value::Object(o) if descend && !o.is_empty() => {
            let keys: Vec<String> = o.keys().cloned().collect();
            let k = rng.pick(&keys).clone();
            return mutate(rng, o.get_mut(&k).unwrap(), depth + 1);
        }
        Value::Array(a) if descend && !a.is_empty() => {
            let i = rng.below(a.len());
            return mutate(rng, &mut a[i], depth + 1);
        }
        _ => {}
    }
    match rng.below(7) {
        // Replace with a value of any type.
        0 | 1 => *v = random_value(rng, 3),
        // Remove a member.
        2 => {
            if let Some(o) = v.as_object_mut() {
                let keys: Vec<String> = o.keys().cloned().collect();
                if !keys.is_empty() {
                    o.shift_remove(&keys[rng.below(keys.len())]);
                }
            }
        }
        // Add an extra member.
        3 => {
            if let Some(o) = v.as_object_mut() {
                o.insert(random_key(rng), random_value(rng, 2));
            }
        }
        // Wrap in an array, or unwrap a one-element array.
        4 => {
            *v = match v.take() {
                Value::Array(mut a) if a.len() == 1 => a.pop().unwrap(),
                other => Value::Array(vec![other]),
            }
        }
        5 => poison_json_ld(rng, v),
        // Stringify (right content, wrong type).
        _ => {
            let mut inner = v.take();
            keep_local(&mut inner);
            *v = Value::String(inner.to_string());
        }
    }
}

/// Hosts of the JSON-LD contexts (never fetched: contexts are bundled) and the issuer's own base.
const KEPT_PREFIXES: [&str; 6] = [
    "https://www.w3.org/",
    "https://w3id.org/",
    "http://data.europa.eu/snb/model/",
    "https://purl.imsglobal.org/",
    "http://localhost:8080/",
    "did:web:localhost%3A8080",
];

/// A VC-JWT-shaped string whose issuer is `did:web:127.0.0.1%3A9` (loopback, refused unfetched).
const LOCAL_JWT: &str =
    "eyJhbGciOiJFZERTQSIsInR5cCI6InZjK2p3dCJ9.eyJpc3MiOiJkaWQ6d2ViOjEyNy4wLjAuMSUzQTkifQ.c2ln";

/// Rewrites every string that could make a service contact a host other than loopback: URLs
/// outside [`KEPT_PREFIXES`] go to `http://127.0.0.1:9/`, other `did:web` DIDs to
/// `did:web:127.0.0.1%3A9`, JWT-looking strings (their payload could name any issuer) to
/// [`LOCAL_JWT`].
fn keep_local(v: &mut Value) {
    match v {
        Value::String(s) => {
            if KEPT_PREFIXES.iter().any(|p| s.starts_with(p)) {
                return;
            }
            let lower = s.to_ascii_lowercase();
            if let Some(rest) = ["http://", "https://"]
                .iter()
                .find_map(|scheme| lower.strip_prefix(scheme).map(|_| &s[scheme.len()..]))
            {
                let path = rest.find('/').map(|i| &rest[i..]).unwrap_or("/");
                *s = format!("http://127.0.0.1:9{path}");
            } else if lower.starts_with("did:web:") {
                *s = format!(
                    "did:web:127.0.0.1%3A9:{}",
                    &s["did:web:".len()..].replace(':', "-")
                );
            } else if s.starts_with("ey") && s.matches('.').count() >= 2 {
                *s = LOCAL_JWT.to_owned();
            }
        }
        Value::Array(a) => a.iter_mut().for_each(keep_local),
        Value::Object(o) => {
            for (_, x) in o.iter_mut() {
                keep_local(x);
            }
        }
        _ => {}
    }
}

/// Raw bodies that are not (valid) JSON.
fn raw_bodies() -> Vec<String> {
    vec![
        String::new(),
        "{".into(),
        "nul".into(),
        "[1, 2,]".into(),
        "{\"a\": 1, \"a\": 2}".into(),
        "\"\\ud800\"".into(),
        "1e999999".into(),
        format!("{}{}", "[".repeat(400), "]".repeat(400)),
        "\u{feff}{}".into(),
        "{\"credential\": {\"@context\": ".into(),
    ]
}

/// `(path, example bodies)` of every documented POST operation of `doc`: the operation's own
/// example and the examples of the schemas its request body references.
fn post_operations(doc: &Value) -> Vec<(String, Vec<Value>)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(op) = item.get("post") else { continue };
        let mut seeds = Vec::new();
        let mut content = Vec::new();
        if let Some(c) = op["requestBody"]["content"].as_object() {
            content.extend(c.values().cloned());
        }
        for c in content {
            if let Some(e) = c.get("example") {
                seeds.push(e.clone());
            }
            let reference = c["schema"]["$ref"]
                .as_str()
                .or_else(|| c["schema"]["items"]["$ref"].as_str());
            if let Some(name) = reference.and_then(|r| r.rsplit('/').next()) {
                if let Some(e) = doc["components"]["schemas"][name].get("example") {
                    seeds.push(e.clone());
                }
            }
        }
        ops.push((path.clone(), seeds));
    }
    ops
}

/// The path with each `{param}` filled in (`{university}` → `eth`, others → `fuzz-1`).
fn concrete(path: &str) -> String {
    path.replace("{university}", "eth")
        .split('/')
        .map(|seg| {
            if seg.starts_with('{') && seg.ends_with('}') {
                "fuzz-1"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn vc2() -> Value {
    json!({
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "issuer": ETH_DID,
        "credentialSubject": {"id": "did:example:learner", "name": "Ada"}
    })
}

struct Target {
    name: &'static str,
    base: String,
    operations: Vec<(String, Vec<Value>)>,
}

/// Sends every body to every operation of `target`; returns (requests, 5xx findings).
async fn hammer(
    client: &reqwest::Client,
    target: &Target,
    extra_seeds: &[(&str, Value)],
    rng: &mut Rng,
) -> (usize, Vec<String>) {
    let mut sent = 0;
    let mut bad = Vec::new();
    for (path, seeds) in &target.operations {
        let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
        let url = format!("{}{}", target.base, concrete(path));
        let mut seeds = seeds.clone();
        // The real inputs meant for this endpoint, then those of every other endpoint.
        seeds.extend(
            extra_seeds
                .iter()
                .filter(|(p, _)| p == path)
                .map(|(_, v)| v.clone()),
        );
        let own = seeds.len().max(1);
        seeds.extend(
            extra_seeds
                .iter()
                .filter(|(p, _)| p != path)
                .map(|(_, v)| v.clone()),
        );
        let mut values = seeds.clone();
        for _ in 0..BODIES_PER_ENDPOINT {
            // Three times in four from this endpoint's own inputs.
            let from = if rng.below(4) > 0 {
                &seeds[..own]
            } else {
                &seeds[..]
            };
            let mut v = rng.pick(from).clone();
            for _ in 0..=rng.below(3) {
                mutate(rng, &mut v, 0);
            }
            values.push(v);
        }
        let mut bodies: Vec<String> = values
            .into_iter()
            .map(|mut v| {
                keep_local(&mut v);
                v.to_string()
            })
            .collect();
        bodies.extend(raw_bodies());
        for (i, body) in bodies.into_iter().enumerate() {
            let content_type = if i % 17 == 16 {
                "application/ld+json"
            } else {
                "application/json"
            };
            let res = client
                .post(&url)
                .bearer_auth(ETH)
                .header("content-type", content_type)
                .header("idempotency-key", format!("fuzz-{i}-{}", rng.next()))
                .body(body.clone())
                .send()
                .await
                .unwrap_or_else(|e| panic!("{} POST {path}: no answer: {e}", target.name));
            sent += 1;
            let status = res.status().as_u16();
            *statuses.entry(status).or_default() += 1;
            if status >= 500 {
                let answer = res.text().await.unwrap_or_default();
                let shown: String = body.chars().take(400).collect();
                let answer: String = answer.chars().take(400).collect();
                bad.push(format!(
                    "{} POST {path} → {status}\n  body: {shown}\n  answer: {answer}",
                    target.name
                ));
            }
        }
        eprintln!("  {} POST {path}: answers {statuses:?}", target.name);
    }
    (sent, bad)
}

/// Both services on 127.0.0.1: the issuer on SQLite in `dir` with limits that let the test
/// through, the verifier with the demo registry and no rate limit for loopback.
async fn start_services(
    dir: &std::path::Path,
) -> (
    issuer::server::RunningServer,
    verifier::service::RunningService,
) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("tokens.toml"), format!("eth = \"{ETH}\"\n")).unwrap();
    let mut config = issuer::config::Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        public_base_url: "http://localhost:8080".into(),
        tokens_file: Some(dir.join("tokens.toml")),
        ..common::issuer_config(dir, 0)
    };
    config.limits.rate_limit_per_minute = 1_000_000;
    config.limits.public_rate_limit.exempt = vec![[127, 0, 0, 1].into()];
    let issuer = common::start_issuer(config).await;
    let vconfig = verifier::service::ServiceConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        rate_limit: service_kit::RateLimit {
            exempt: vec![[127, 0, 0, 1].into()],
            ..service_kit::RateLimit::default()
        },
        ..verifier::service::ServiceConfig::default()
    };
    let clock: Arc<dyn verifier::Clock> = Arc::new(verifier::FixedClock(chrono::Utc::now()));
    let overrides = verifier::service::Overrides {
        clock: Some(clock),
        registry: None,
    };
    let verifier_service = verifier::service::start(vconfig, overrides)
        .await
        .expect("verifier starts");
    (issuer, verifier_service)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_generated_body_gets_a_5xx_from_any_post_endpoint_of_either_service() {
    let t = Instant::now();
    let dir = std::env::temp_dir().join(format!(
        "issuer-no5xx-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
    ));
    let (issuer, verifier_service) = start_services(&dir).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();

    // Real inputs as extra seeds: a credential issued here, an award, a programme.
    let issued: Value = client
        .post(format!("{}/credentials/issue", issuer.url()))
        .bearer_auth(ETH)
        .json(&json!({"credential": vc2()}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let signed = issued["verifiableCredential"].clone();
    assert!(signed["proof"].is_object(), "{issued}");
    let award = common::award_with_images("micro-credential-professional.json");
    let programme: Value = serde_json::from_str(
        &std::fs::read_to_string(common::repo().join("examples/stack/programme.json")).unwrap(),
    )
    .unwrap();
    let issuer_seeds = vec![
        ("/credentials/issue", json!({"credential": vc2()})),
        (
            "/credentials/issue",
            json!({"credential": vc2(), "options": {"credentialStatus": [{"statusPurpose": "suspension"}]}}),
        ),
        (
            "/credentials/status",
            json!({"credentialId": signed["id"].clone(), "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "suspended"}]}),
        ),
        ("/awards", award.clone()),
        ("/awards/batch", json!([award["award"].clone()])),
        (
            "/specifications/{id}",
            award["award"]["learningOpportunity"].clone(),
        ),
        ("/programmes/{id}", programme.clone()),
        (
            "/programmes/{id}/certificates",
            json!({"units": [signed.clone()]}),
        ),
    ];
    let verifier_seeds = vec![
        (
            "/credentials/verify",
            json!({"verifiableCredential": signed.clone()}),
        ),
        (
            "/credentials/verify",
            json!({"verifiableCredential": signed.clone(), "options": {"checks": ["proof", "credentialStatus"]}}),
        ),
        (
            "/presentations/verify",
            json!({"verifiablePresentation": {"@context": [V2], "type": ["VerifiablePresentation"], "verifiableCredential": [signed.clone()]}}),
        ),
        (
            "/stack",
            json!({"programme": programme, "units": [signed.clone()]}),
        ),
    ];

    let issuer_doc = serde_json::to_value(issuer::http::openapi_document()).unwrap();
    let verifier_doc = serde_json::to_value(verifier::service::api_doc::document()).unwrap();
    let targets = [
        (
            Target {
                name: "issuer",
                base: issuer.url(),
                operations: post_operations(&issuer_doc),
            },
            issuer_seeds,
        ),
        (
            Target {
                name: "verifier",
                base: verifier_service.url(),
                operations: post_operations(&verifier_doc),
            },
            verifier_seeds,
        ),
    ];
    let mut rng = Rng(SEED);
    let mut failures = Vec::new();
    for (target, seeds) in &targets {
        assert!(
            target.operations.len() >= 2,
            "{}: POST operations found: {:?}",
            target.name,
            target.operations.iter().map(|o| &o.0).collect::<Vec<_>>()
        );
        let started = Instant::now();
        let (sent, bad) = hammer(&client, target, seeds, &mut rng).await;
        eprintln!(
            "{}: {} POST endpoints {:?}, {sent} bodies in {:?}, {} 5xx",
            target.name,
            target.operations.len(),
            target
                .operations
                .iter()
                .map(|o| o.0.as_str())
                .collect::<Vec<_>>(),
            started.elapsed(),
            bad.len()
        );
        failures.extend(bad);
    }
    issuer.shutdown().await.unwrap();
    verifier_service.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("total {:?}", t.elapsed());
    assert!(
        failures.is_empty(),
        "{} answer(s) were 5xx:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        t.elapsed() < Duration::from_secs(60),
        "took {:?}",
        t.elapsed()
    );
}
