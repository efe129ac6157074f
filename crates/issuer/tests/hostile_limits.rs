//! Hostile input against the real issuer service (127.0.0.1, random port, SQLite), issue #13
//! "Limits in the model": 1, 2 and 5 MB learner names and titles sent to `POST /awards` are
//! refused with 422 naming the field and the limit, quickly, and nothing is stored; a batch (JSON
//! and CSV) with one oversized row reports that row and issues the others; control characters
//! are refused; a programme specification and a learning-opportunity specification get the same
//! limits; a VC-API body over the service's body limit is 413, never 5xx.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use issuer::config::Config;
use issuer::server::RunningServer;
use serde_json::{json, Value};
use service_kit::test_client::SendOrStop as _;
use support::{eth_award, ETH};

const MB: usize = 1024 * 1024;

struct Env {
    dir: PathBuf,
    url: String,
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn env() -> Env {
    let dir = support::token_dir("issuer-hostile-limits", &[("eth", ETH)], &[]);
    let url = support::fresh_database(false, &dir.join("db/issuer.sqlite")).await;
    Env { dir, url }
}

fn config(e: &Env) -> Config {
    let mut c = support::config(&e.url, &e.dir.join("tokens.toml"));
    // These cases test the model's limits, so the body limit must let 5 MB fields through to
    // them (the body limit itself is tested below).
    c.limits.max_body_bytes = c.limits.max_body_bytes.max(16 * MB);
    c.limits.rate_limit_per_minute = 0;
    c
}

async fn server(e: &Env) -> RunningServer {
    support::start_server(config(e)).await
}

/// A change made to a request body.
type Change = fn(&mut Value);

/// A fresh [`env`] and a server on it.
async fn started() -> (Env, RunningServer) {
    let e = env().await;
    let s = server(&e).await;
    (e, s)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// POSTs `body` as JSON; the time is the exchange's (the body is serialised before).
async fn post(s: &RunningServer, path: &str, body: &Value) -> (u16, Value, Duration) {
    let bytes = serde_json::to_vec(body).unwrap();
    let request = client()
        .post(format!("{}{path}", s.url()))
        .bearer_auth(ETH)
        .header("content-type", "application/json")
        .body(bytes);
    let t = Instant::now();
    let res = request.sent().await;
    let status = res.status().as_u16();
    let body = res.json::<Value>().await.unwrap_or(Value::Null);
    (status, body, t.elapsed())
}

/// `VmHWM` of /proc/self/status, in kB (0 where there is no /proc).
fn peak_rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

async fn stored_credentials(s: &RunningServer) -> usize {
    let list: Value = client()
        .get(format!("{}/credentials", s.url()))
        .bearer_auth(ETH)
        .sent()
        .await
        .json()
        .await
        .unwrap();
    list["items"].as_array().map_or(0, Vec::len)
}

/// The problem's findings as (path, rule, message).
fn findings(problem: &Value) -> Vec<(String, String, String)> {
    problem["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings in {problem:.300}"))
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap_or("").into(),
                e["rule"].as_str().unwrap_or("").into(),
                e["message"].as_str().unwrap_or("").into(),
            )
        })
        .collect()
}

#[track_caller]
fn assert_finding(problem: &Value, path: &str, rule: &str, message: &str) {
    let f = findings(problem);
    assert!(
        f.iter()
            .any(|(p, r, m)| p == path && r == rule && m.contains(message)),
        "expected `{path}: {rule}: ..{message}..` in {f:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn megabyte_names_and_titles_are_refused_quickly_naming_field_and_limit() {
    let (_e, s) = started().await;
    for mb in [1, 2, 5] {
        let n = mb * MB;
        // Names: ASCII and two-byte characters (counted as characters, not bytes).
        for (field, pointer, fill) in [
            ("learner.givenNames", "/award/learner/givenNames", "A"),
            ("learner.familyNames", "/award/learner/familyNames", "ż"),
            (
                "learningOpportunity.title.en",
                "/award/learningOpportunity/title/en",
                "Ω",
            ),
        ] {
            let mut body = eth_award();
            *body.pointer_mut(pointer).unwrap() = json!(fill.repeat(n));
            let (status, problem, took) = post(&s, "/awards", &body).await;
            assert_eq!(status, 422, "{mb} MB {field}: {problem:.300}");
            let limit = if field.starts_with("learner") {
                200
            } else {
                500
            };
            assert_finding(
                &problem,
                field,
                "text.max-length",
                &format!("must be at most {limit} characters, got {n}"),
            );
            assert!(
                problem.to_string().len() < 4096,
                "the problem does not echo the field: {} bytes",
                problem.to_string().len()
            );
            assert!(took < Duration::from_secs(2), "{mb} MB {field}: {took:?}");
            eprintln!("{mb} MB {field}: 422 in {took:?}");
        }
    }
    assert_eq!(stored_credentials(&s).await, 0, "nothing stored");
    // Peak memory of this process (server and client together, the client holding the 10 MB
    // bodies): far from the gigabytes an unbounded render took (issue #13: 1.6 GB for 1 MB).
    let peak_kb = peak_rss_kb();
    eprintln!("peak RSS of the test process: {} MB", peak_kb / 1024);
    assert!(peak_kb < 600 * 1024, "peak RSS {peak_kb} kB");
    // The service is still fine: a normal award is issued.
    let (status, body, took) = post(&s, "/awards", &eth_award()).await;
    assert_eq!(status, 201, "{body:.300}");
    eprintln!("normal award: 201 in {took:?}");
    assert_eq!(stored_credentials(&s).await, 1);
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_and_oversized_images_are_refused() {
    let (_e, s) = started().await;
    // (the change to ETH's award, the field named, the rule, what the finding says)
    let cases: [(Change, &str, &str, &str); 3] = [
        (
            |b| b["award"]["learner"]["givenNames"] = json!("Anna\u{0}Maria"),
            "learner.givenNames",
            "text.control-character",
            "U+0000",
        ),
        (
            |b| b["award"]["learningOpportunity"]["title"]["en"] = json!("Title\u{85}"),
            "learningOpportunity.title.en",
            "text.control-character",
            "U+0085",
        ),
        // A display image over the byte limit is refused before it is decoded.
        (
            |b| b["images"]["en"] = json!("A".repeat(2 * MB)),
            "images.en",
            "display.image-too-large",
            "must be at most 524288 bytes",
        ),
    ];
    for (change, path, rule, says) in cases {
        let mut body = eth_award();
        change(&mut body);
        let (status, problem, _) = post(&s, "/awards", &body).await;
        assert_eq!(status, 422, "{problem:.300}");
        assert_finding(&problem, path, rule, says);
    }
    assert_eq!(stored_credentials(&s).await, 0);
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_reports_its_oversized_row_and_issues_the_others() {
    let (_e, s) = started().await;
    // JSON batch: row 1 has a 2 MB family name.
    let good = eth_award();
    let mut bad = eth_award();
    bad["award"]["learner"]["familyNames"] = json!("Ł".repeat(2 * MB));
    let t = Instant::now();
    let res = client()
        .post(format!("{}/awards/batch", s.url()))
        .bearer_auth(ETH)
        .header("idempotency-key", "hostile-json")
        .json(&json!([good, bad, good]))
        .sent()
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    eprintln!("JSON batch with one 2 MB row: {:?}", t.elapsed());
    assert_eq!(
        (body["issued"].as_u64(), body["rejected"].as_u64()),
        (Some(2), Some(1)),
        "{body:.500}"
    );
    let row = &body["results"][1];
    assert_eq!(row["row"], 1);
    assert_eq!(row["status"], "rejected");
    assert!(
        row["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"] == "learner.familyNames" && e["rule"] == "text.max-length"),
        "{row:.500}"
    );
    // CSV batch: row 0 has a 1 MB given name.
    let a = &good["award"];
    let q = |v: &Value| format!("\"{}\"", v.to_string().replace('"', "\"\""));
    let header = "kind,certificateProfile,awardingUniversity,learner.givenNames,learner.familyNames,learner.dateOfBirth,learningOpportunity:json,achievement:json,display:json,images.en";
    let row = |given: &str| {
        format!(
            "microCredential,professional,eth,{given},Muster,1990-01-01,{},{},{},{}",
            q(&a["learningOpportunity"]),
            q(&a["achievement"]),
            q(&a["display"]),
            good["images"]["en"].as_str().unwrap()
        )
    };
    let csv = format!("{header}\r\n{}\r\n{}\r\n", row(&"B".repeat(MB)), row("Ben"));
    let res = client()
        .post(format!("{}/awards/batch", s.url()))
        .bearer_auth(ETH)
        .header("idempotency-key", "hostile-csv")
        .header("content-type", "text/csv")
        .body(csv)
        .sent()
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (body["issued"].as_u64(), body["rejected"].as_u64()),
        (Some(1), Some(1)),
        "{body:.500}"
    );
    let row = &body["results"][0];
    assert!(
        row["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"] == "learner.givenNames"
                && e["rule"] == "text.max-length"
                && e["message"]
                    .as_str()
                    .unwrap()
                    .contains("at most 200 characters, got 1048576")),
        "{row:.500}"
    );
    assert_eq!(stored_credentials(&s).await, 3, "the good rows only");
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn specifications_and_programmes_get_the_same_limits() {
    let (_e, s) = started().await;
    let mut lo = eth_award()["award"]["learningOpportunity"].clone();
    lo["title"]["en"] = json!("T".repeat(MB));
    let (status, problem, _) = post(&s, "/specifications/huge", &lo).await;
    assert_eq!(status, 422, "{problem:.300}");
    assert_finding(
        &problem,
        "title.en",
        "text.max-length",
        "at most 500 characters, got 1048576",
    );
    let mut programme: Value = serde_json::from_str(
        &std::fs::read_to_string(support::repo().join("examples/stack/programme.json")).unwrap(),
    )
    .unwrap();
    programme["learningOpportunity"]["units"][0]["title"]["en"] = json!("Ü".repeat(MB));
    let (status, problem, took) = post(&s, "/programmes/huge", &programme).await;
    assert!((400..500).contains(&status), "{status} {problem:.300}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(
        problem
            .to_string()
            .contains("learningOpportunity.units[0].title.en"),
        "{problem:.500}"
    );
    assert!(
        problem.to_string().contains("text.max-length"),
        "{problem:.500}"
    );
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vc_api_body_over_the_body_limit_is_413() {
    let e = env().await;
    let mut c = config(&e);
    c.limits.max_body_bytes = MB;
    let s = support::start_server(c).await;
    let big = json!({"credential": {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:learner", "name": "N".repeat(2 * MB)}
    }});
    let (status, problem, took) = post(&s, "/credentials/issue", &big).await;
    assert_eq!(status, 413, "{problem:.300}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    // An award over the body limit too.
    let mut award = eth_award();
    award["award"]["learner"]["givenNames"] = json!("A".repeat(2 * MB));
    let (status, _, _) = post(&s, "/awards", &award).await;
    assert_eq!(status, 413);
    assert_eq!(stored_credentials(&s).await, 0);
    s.shutdown().await.unwrap();
}

/// A VC-API credential that the verifier's memory budget would refuse to process (more blank
/// nodes than `canon::Budget`'s cap) is the client's error: 422 naming the cap, before signing,
/// nothing stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vc_api_credential_over_the_verifier_budget_is_422() {
    let (_e, s) = started().await;
    let cap = canon::Budget::default().max_blank_nodes;
    let credential = |n: usize| {
        let items: Vec<Value> = (0..n)
            .map(|i| json!({"name": format!("item {i}")}))
            .collect();
        json!({"credential": {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": "did:example:learner", "name": "N", "knows": items}
        }})
    };
    let (status, problem, _) = post(&s, "/credentials/issue", &credential(cap + 1)).await;
    assert_eq!(status, 422, "{problem:.600}");
    assert_finding(&problem, "credential", "vc.too-large", "max_blank_nodes");
    assert_eq!(stored_credentials(&s).await, 0);
    s.shutdown().await.unwrap();
}

/// `issuer build` and `issuer sign` (the same reader): an oversized field is exit 1 naming the
/// field and the limit; a file over the JSON size limit is exit 1 with `award.max-bytes`, and an
/// oversized image file is refused before it is read.
#[test]
fn the_cli_refuses_oversized_awards() {
    use std::process::Command;
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("hostile-limits-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(dir.join("images")).unwrap();
    let award = eth_award()["award"].clone();
    let run = |name: &str, award: &Value, sub: &str| {
        let path = dir.join(name);
        std::fs::write(&path, serde_json::to_vec(award).unwrap()).unwrap();
        let t = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_issuer"))
            .args([sub, path.to_str().unwrap()])
            .current_dir(support::repo())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            t.elapsed(),
        )
    };
    let mut long = award.clone();
    long["learner"]["givenNames"] = json!("A".repeat(MB));
    for sub in ["build", "sign"] {
        let (code, stderr, took) = run("long-name.json", &long, sub);
        assert_eq!(code, Some(1), "{sub}: {stderr:.500}");
        assert!(
            stderr.contains(
                "learner.givenNames: text.max-length: must be at most 200 characters, got 1048576"
            ),
            "{stderr:.500}"
        );
        assert!(stderr.len() < 4096, "the finding does not echo the field");
        eprintln!("issuer {sub} with a 1 MB name: exit 1 in {took:?}");
    }
    let mut huge = award.clone();
    huge["learner"]["givenNames"] = json!("A".repeat(3 * MB));
    let (code, stderr, _) = run("huge.json", &huge, "build");
    assert_eq!(code, Some(1), "{stderr:.500}");
    assert!(
        stderr.contains("award.max-bytes: the JSON text must be at most 2097152 bytes"),
        "{stderr:.500}"
    );
    // A display image file over the byte limit.
    std::fs::write(dir.join("images/big.png"), vec![0u8; 2 * MB]).unwrap();
    let mut big_image = award;
    big_image["display"]["images"][0]["file"] = json!("images/big.png");
    let (code, stderr, _) = run("big-image.json", &big_image, "build");
    assert_eq!(code, Some(1), "{stderr:.500}");
    assert!(stderr.contains("display.images[0].file: display.image-too-large: must be at most 524288 bytes, got 2097152"), "{stderr:.500}");
    let _ = std::fs::remove_dir_all(&dir);
}
