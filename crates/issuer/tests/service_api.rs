//! Issuer service over real HTTP on 127.0.0.1 (random port), each case run on SQLite AND on
//! PostgreSQL. The PostgreSQL variants need `ENHANCE_TEST_POSTGRES_URL` (see
//! `scripts/start-postgres.sh`) and FAIL without it.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod support;

use std::collections::HashSet;
use std::path::PathBuf;

use base64::Engine as _;
use issuer::config::Config;
use issuer::domain::status_list::Bitstring;
use issuer::server::RunningServer;
use reqwest::header::HeaderMap;
use serde_json::{json, Value};
use service_kit::test_client::{
    client, get, get_json, post_json, post_json_parts, SendOrStop as _,
};
use sqlx::Connection as _;
use support::{eth_award, vc2, Db, BASE, ETH, RWTH};

struct Env {
    dir: PathBuf,
    url: String,
}

/// A fresh database (a new SQLite file, or a new PostgreSQL database) and tokens; the demo keys of
/// `keys.example/`.
async fn env(db: Db) -> Env {
    let dir = support::token_dir("issuer-test", &[("eth", ETH), ("rwth", RWTH)], &[]);
    let url = support::fresh_database(db.is_postgres(), &dir.join("db/issuer.sqlite")).await;
    Env { dir, url }
}

/// Runs SQL directly on the test database (as an operator with a SQL client would).
async fn sql(e: &Env, statement: &str) -> Result<u64, String> {
    sqlx::any::install_default_drivers();
    let mut c = sqlx::AnyConnection::connect(&e.url)
        .await
        .map_err(|e| e.to_string())?;
    let r = sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_owned()))
        .execute(&mut c)
        .await
        .map_err(|e| e.to_string())?;
    Ok(r.rows_affected())
}

fn config(e: &Env) -> Config {
    support::config(&e.url, &e.dir.join("tokens.toml"))
}

async fn server(e: &Env) -> RunningServer {
    support::start_server(config(e)).await
}

/// A fresh [`env`] and a server on it.
async fn started(db: Db) -> (Env, RunningServer) {
    let e = env(db).await;
    let s = server(&e).await;
    (e, s)
}

/// `POST /credentials/issue` of the minimal VC 2.0 credential [`vc2`] with `token`.
async fn issue_vc2(s: &RunningServer, token: Option<&str>) -> (u16, Value, HeaderMap) {
    post(
        s,
        "/credentials/issue",
        token,
        &json!({"credential": vc2()}),
    )
    .await
}

/// The id of a new credential issued by ETH ([`issue_vc2`]).
async fn issued_id(s: &RunningServer) -> String {
    let (_, body, _) = issue_vc2(s, Some(ETH)).await;
    body["verifiableCredential"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn post(
    s: &RunningServer,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> (u16, Value, HeaderMap) {
    post_json_parts(&s.url(), path, token, body).await
}

/// GETs a status list by its URL under BASE, decodes the bitstring.
async fn status_bits(s: &RunningServer, list_url: &str) -> (Bitstring, HeaderMap) {
    let path = list_url.strip_prefix(BASE).unwrap();
    let res = get(&s.url(), path, None).await;
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        v["type"],
        json!(["VerifiableCredential", "BitstringStatusListCredential"])
    );
    assert!(v["proof"]["proofValue"].as_str().unwrap().starts_with('z'));
    (
        Bitstring::decode(v["credentialSubject"]["encodedList"].as_str().unwrap()).unwrap(),
        headers,
    )
}

/// `POST /awards/batch` with ETH's token, the idempotency key `key` (when given) and JSON `rows`.
async fn batch(base: &str, key: Option<&str>, rows: &Value) -> reqwest::Response {
    let mut r = client()
        .post(format!("{base}/awards/batch"))
        .bearer_auth(ETH);
    if let Some(k) = key {
        r = r.header("idempotency-key", k);
    }
    r.json(rows).sent().await
}

fn entries(vc: &Value) -> Vec<Value> {
    match &vc["credentialStatus"] {
        Value::Array(a) => a.clone(),
        o @ Value::Object(_) => vec![o.clone()],
        _ => vec![],
    }
}

support::both_backends!(
    issue_with_token,
    award_with_token_and_share_link,
    wrong_university_token_is_forbidden,
    no_token_is_unauthorized,
    malformed_award_is_422_naming_the_field,
    revoke_sets_the_bit_in_the_served_list,
    idempotent_batch_retry_issues_once,
    two_instances_allocate_unique_indices,
    audit_log_is_written_and_append_only,
    health_readiness_did_and_openapi,
    specifications_are_versioned_per_university,
    csv_batch_one_row_per_learner,
    full_status_list_rolls_over_to_a_new_list,
    graceful_shutdown_finishes_an_in_flight_batch,
    limits_give_problem_json,
    batch_resumes_after_a_crash_without_duplicates,
);

async fn issue_with_token(db: Db) {
    let (_e, s) = started(db).await;
    let (status, body, _) = post(
        &s,
        "/credentials/issue",
        Some(ETH),
        &json!({"credential": vc2(), "options": {}}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let vc = &body["verifiableCredential"];
    assert_eq!(vc["issuer"], "did:web:issuer.test:universities:eth");
    assert!(vc["id"].as_str().unwrap().starts_with("urn:uuid:"));
    assert_eq!(vc["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    assert_eq!(
        vc["proof"]["verificationMethod"], "did:web:issuer.test:universities:eth#key-2026-01",
        "the current key signs"
    );
    assert_eq!(entries(vc).len(), 1);
    assert_eq!(entries(vc)[0]["statusPurpose"], "revocation");
    // Stored and readable by its own university.
    let id = vc["id"].as_str().unwrap();
    let res = get(&s.url(), &format!("/credentials/{id}"), Some(ETH)).await;
    assert_eq!(res.status(), 200);
    // A VC 1.1 credential gets the status context and an issuanceDate.
    let v1 = json!({"credential": {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": "did:web:issuer.test:universities:eth",
        "credentialSubject": {"id": "did:example:learner"}
    }, "options": {"credentialStatus": [{"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}]}});
    let (status, body, _) = post(&s, "/credentials/issue", Some(ETH), &v1).await;
    assert_eq!(status, 201, "{body}");
    let vc = &body["verifiableCredential"];
    assert!(vc["issuanceDate"].is_string());
    assert!(vc["@context"]
        .as_array()
        .unwrap()
        .contains(&json!("https://www.w3.org/ns/credentials/status/v1")));
    s.shutdown().await.unwrap();
}

async fn award_with_token_and_share_link(db: Db) {
    let (e, s) = started(db).await;
    let (status, body, _) = post(&s, "/awards", Some(ETH), &eth_award()).await;
    assert_eq!(status, 201, "{body}");
    let vc = &body["verifiableCredential"];
    assert_eq!(
        entries(vc).len(),
        1,
        "one entry for revocation and suspension (ADR 0003)"
    );
    let share = body["shareUrl"]
        .as_str()
        .unwrap()
        .strip_prefix(BASE)
        .unwrap()
        .to_owned();
    let res = get(&s.url(), &share, None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["id"], vc["id"]);
    // The same credential as a JAdES seal (ETH has a seal certificate) and as a VC-JWT.
    let res = get(&s.url(), &format!("{share}?format=jades"), None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/jose+json");
    let jades_text = res.text().await.unwrap();
    let jades: Value = serde_json::from_str(&jades_text).unwrap();
    let payload: Value = serde_json::from_str(jades["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["id"], vc["id"]);
    // Stored without its payload (a quarter of the credential's size at most), put back on
    // download: the seal verifies, its payload the credential without its proof, byte for byte.
    let detached = "UPDATE credentials SET status = status WHERE jades_detached = 1 AND length(jades) * 4 < length(credential)";
    assert_eq!(sql(&e, detached).await.unwrap(), 1);
    let anchors = support::demo_keys().trust_anchors().clone();
    proofs::jades::verify_value(&jades, &anchors, chrono::Utc::now()).unwrap();
    let unsecured = serde_json::to_vec(&proofs::data_integrity::without_proof(
        vc.as_object().unwrap(),
    ))
    .unwrap();
    assert_eq!(
        jades["payload"].as_str().unwrap().as_bytes(),
        unsecured.as_slice()
    );
    // A row stored whole (before seals were stored detached) is served as stored.
    let whole = format!(
        "UPDATE credentials SET jades = '{}', jades_detached = 0",
        jades_text.replace('\'', "''")
    );
    assert_eq!(sql(&e, &whole).await.unwrap(), 1);
    let again = get(&s.url(), &format!("{share}?format=jades"), None)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(again, jades_text);
    // The VC-JWT is made on first download from the stored credential, by the key of its proof:
    // it verifies, carries the credential without its proof, and is the same bytes every time.
    let res = get(&s.url(), &format!("{share}?format=jwt"), None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/vc+jwt");
    let jwt = res.text().await.unwrap();
    let again = get(&s.url(), &format!("{share}?format=jwt"), None)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        jwt, again,
        "EdDSA is deterministic: one VC-JWT per credential"
    );
    let keys = support::demo_keys();
    let verified = proofs::vc_jwt::verify(&jwt, &keys.resolver().unwrap()).unwrap();
    let proof = &vc["proof"];
    assert_eq!(
        Some(verified.verification_method.as_str()),
        proof["verificationMethod"].as_str()
    );
    assert_eq!(verified.credential["id"], vc["id"]);
    assert_eq!(verified.credential.get("proof"), None);
    // Its payload is the sealed payload: the same credential in every form.
    assert_eq!(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(jwt.split('.').nth(1).unwrap())
            .unwrap(),
        jades["payload"].as_str().unwrap().as_bytes()
    );
    let res = get(&s.url(), &format!("{share}/qr.png"), None).await;
    assert_eq!(res.headers()["content-type"], "image/png");
    assert!(res.bytes().await.unwrap().starts_with(b"\x89PNG"));
    let res = get(&s.url(), &format!("{share}/qr.svg"), None).await;
    assert!(res.text().await.unwrap().contains("<svg"));
    let res = get(&s.url(), "/share/not-a-token", None).await;
    assert_eq!(res.status(), 404);
    s.shutdown().await.unwrap();
}

async fn wrong_university_token_is_forbidden(db: Db) {
    let (_e, s) = started(db).await;
    // An ETH award with RWTH's token.
    let (status, body, headers) = post(&s, "/awards", Some(RWTH), &eth_award()).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(headers["content-type"], "application/problem+json");
    // RWTH can neither read, nor revoke, nor list ETH's credential.
    let id = issued_id(&s).await;
    // Another university's credential answers like an unknown one (issue #13: ids cannot be probed).
    let res = get(&s.url(), &format!("/credentials/{id}"), Some(RWTH)).await;
    assert_eq!(res.status(), 404);
    let (status, _, _) = post(&s, "/credentials/status", Some(RWTH), &json!({"credentialId": id, "credentialStatus": [{"type": "BitstringStatusListCredential", "status": "revoked"}]})).await;
    assert_eq!(status, 404);
    let list: Value = get_json(&s.url(), "/credentials", Some(RWTH)).await;
    assert!(list["items"].as_array().unwrap().is_empty());
    // A VC-API credential naming ETH as issuer, sent with RWTH's token.
    let mut c = vc2();
    c["issuer"] = json!("did:web:issuer.test:universities:eth");
    let (status, body, _) = post(
        &s,
        "/credentials/issue",
        Some(RWTH),
        &json!({"credential": c}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["path"], "credential.issuer");
    s.shutdown().await.unwrap();
}

async fn no_token_is_unauthorized(db: Db) {
    let (_e, s) = started(db).await;
    let (status, body, headers) = issue_vc2(&s, None).await;
    assert_eq!(status, 401);
    assert_eq!(body["status"], 401);
    assert_eq!(headers["www-authenticate"], "Bearer");
    let (status, _, _) = post(&s, "/awards", Some("not-a-token"), &eth_award()).await;
    assert_eq!(status, 401);
    s.shutdown().await.unwrap();
}

async fn malformed_award_is_422_naming_the_field(db: Db) {
    let (_e, s) = started(db).await;
    let mut a = eth_award();
    a["award"]["learner"]["givenNames"] = json!(42);
    let (status, body, headers) = post(&s, "/awards", Some(ETH), &a).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(headers["content-type"], "application/problem+json");
    assert_eq!(body["status"], 422);
    assert!(body["type"].as_str().unwrap().ends_with(":validation"));
    assert!(body["title"].is_string());
    let err = &body["errors"][0];
    assert_eq!(err["path"], "learner.givenNames", "{body}");
    assert_eq!(err["rule"], "award.parse");
    // Not JSON at all: 400 problem.
    let res = client()
        .post(format!("{}/awards", s.url()))
        .bearer_auth(ETH)
        .header("content-type", "application/json")
        .body("{nope")
        .sent()
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    s.shutdown().await.unwrap();
}

async fn revoke_sets_the_bit_in_the_served_list(db: Db) {
    let (_e, s) = started(db).await;
    let (status, body, _) = post(&s, "/awards", Some(ETH), &eth_award()).await;
    assert_eq!(status, 201, "{body}");
    let vc = body["verifiableCredential"].clone();
    let id = vc["id"].as_str().unwrap();
    // One entry (ADR 0003): a 2-bit `message` entry, 0x0 valid, 0x1 suspended, 0x2 revoked.
    let all = entries(&vc);
    assert_eq!(all.len(), 1, "{vc}");
    let rev = all[0].clone();
    assert_eq!(rev["statusPurpose"], "message");
    assert_eq!(rev["statusSize"], 2);
    let idx: u32 = rev["statusListIndex"].as_str().unwrap().parse().unwrap();
    let url = rev["statusListCredential"].as_str().unwrap();
    let (bits, h1) = status_bits(&s, url).await;
    assert_eq!(bits.value(idx, 2), Some(0));
    assert_eq!(bits.len_bits(), 2 * 131_072);
    let cc = h1["cache-control"].to_str().unwrap();
    assert!(cc.contains("max-age=60"), "{cc}");
    let (status, body, _) = post(
        &s,
        "/credentials/status",
        Some(ETH),
        &json!({
            "credentialId": id, "reason": "issued in error",
            "credentialStatus": [{"type": "BitstringStatusListCredential", "status": "revoked"}]
        }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (bits, h2) = status_bits(&s, url).await;
    assert_eq!(bits.value(idx, 2), Some(2), "revocation visible at once");
    assert_eq!(
        bits.ones(),
        vec![2 * idx],
        "the first (revoked) bit of the entry"
    );
    assert_ne!(h1["etag"], h2["etag"]);
    // ETag revalidation.
    let path = url.strip_prefix(BASE).unwrap();
    let res = client()
        .get(format!("{}{path}", s.url()))
        .header("if-none-match", h2["etag"].clone())
        .sent()
        .await;
    assert_eq!(res.status(), 304);
    // Revocation is permanent.
    let (status, _, _) = post(
        &s,
        "/credentials/status",
        Some(ETH),
        &json!({"credentialId": id, "credentialStatus": [{"type": "x", "status": "suspended"}]}),
    )
    .await;
    assert_eq!(status, 409);
    s.shutdown().await.unwrap();
}

async fn idempotent_batch_retry_issues_once(db: Db) {
    let (_e, s) = started(db).await;
    let mut bad = eth_award();
    bad["award"]["kind"] = json!("notAKind");
    let rows = json!([eth_award(), bad, eth_award()]);
    let send = |key: &'static str, rows: Value| {
        let base = s.url();
        async move {
            let res = batch(&base, Some(key), &rows).await;
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }
    };
    let (status, first) = send("cohort-2026-a", rows.clone()).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["issued"], 2);
    assert_eq!(first["rejected"], 1);
    assert_eq!(first["results"][1]["status"], "rejected");
    assert_eq!(first["results"][1]["errors"][0]["path"], "kind");
    let (status, again) = send("cohort-2026-a", rows.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(again, first, "a retry returns the same result");
    let list: Value = get_json(&s.url(), "/credentials", Some(ETH)).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "no duplicates");
    // Same key, other body: conflict. No key: 400.
    let (status, _) = send("cohort-2026-a", json!([eth_award()])).await;
    assert_eq!(status, 409);
    let res = batch(&s.url(), None, &rows).await;
    assert_eq!(res.status(), 400);
    s.shutdown().await.unwrap();
}

async fn two_instances_allocate_unique_indices(db: Db) {
    let e = env(db).await;
    // Both start at once on a fresh database: migrations and seeding race too.
    let (a, b) = tokio::join!(server(&e), server(&e));
    let mut tasks = Vec::new();
    for i in 0..24 {
        let url = if i % 2 == 0 { a.url() } else { b.url() };
        tasks.push(tokio::spawn(async move {
            let both = json!([{"statusPurpose": "revocation"}, {"statusPurpose": "suspension"}]);
            let body = json!({"credential": vc2(), "options": {"credentialStatus": both}});
            let res = post_json(&url, "/credentials/issue", Some(ETH), &body).await;
            assert_eq!(res.status(), 201);
            res.json::<Value>().await.unwrap()
        }));
    }
    let mut seen = HashSet::new();
    let mut order = Vec::new();
    for t in tasks {
        let v = t.await.unwrap();
        for en in entries(&v["verifiableCredential"]) {
            let key = (
                en["statusListCredential"].as_str().unwrap().to_owned(),
                en["statusListIndex"].as_str().unwrap().to_owned(),
            );
            if en["statusPurpose"] == "revocation" {
                order.push(key.1.parse::<u32>().unwrap());
            }
            assert!(seen.insert(key.clone()), "index used twice: {key:?}");
        }
    }
    assert_eq!(seen.len(), 48);
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_ne!(
        sorted,
        (0..24).collect::<Vec<u32>>(),
        "indices are not the issuance counter"
    );
    a.shutdown().await.unwrap();
    b.shutdown().await.unwrap();
}

async fn audit_log_is_written_and_append_only(db: Db) {
    let (e, s) = started(db).await;
    let id = issued_id(&s).await;
    let (status, _, _) = post(&s, "/credentials/status", Some(ETH), &json!({"credentialId": id, "reason": "exam fraud", "credentialStatus": [{"type": "BitstringStatusListCredential", "status": "revoked"}]})).await;
    assert_eq!(status, 200);
    let rows = s.app.store().audit_entries("eth").await.unwrap();
    let actions: Vec<_> = rows.iter().map(|r| (r.2.as_str(), r.3.as_str())).collect();
    assert_eq!(actions, [("issue", id.as_str()), ("revoke", id.as_str())]);
    assert!(rows[1].1.starts_with("token:") && rows[1].1.ends_with("@eth"));
    assert_eq!(rows[1].4.as_deref(), Some("exam fraud"));
    // The code has no UPDATE/DELETE on audit_log; the database refuses them from anyone.
    let err = sql(
        &e,
        &format!(
            "UPDATE audit_log SET reason = 'tampered' WHERE seq = {}",
            rows[0].0
        ),
    )
    .await
    .unwrap_err();
    assert!(err.contains("append-only"), "{err}");
    let err = sql(&e, "DELETE FROM audit_log").await.unwrap_err();
    assert!(err.contains("append-only"), "{err}");
    assert_eq!(s.app.store().audit_entries("eth").await.unwrap().len(), 2);
    s.shutdown().await.unwrap();
}

async fn health_readiness_did_and_openapi(db: Db) {
    let (e, s) = started(db).await;
    for p in ["/healthz", "/readyz", "/openapi.json"] {
        assert_eq!(get(&s.url(), p, None).await.status(), 200, "{p}");
    }
    let api: Value = get_json(&s.url(), "/openapi.json", None).await;
    assert_eq!(api["openapi"], "3.1.0");
    for p in [
        "/credentials/issue",
        "/credentials/status",
        "/awards",
        "/awards/batch",
        "/status/{university}/{list}",
    ] {
        assert!(api["paths"].get(p).is_some(), "{p} documented");
    }
    let did: Value = get_json(&s.url(), "/universities/eth/did.json", None).await;
    assert_eq!(did["id"], "did:web:issuer.test:universities:eth");
    assert_eq!(
        did["assertionMethod"].as_array().unwrap().len(),
        2,
        "current and rotated key"
    );
    let res = get(&s.url(), "/universities/nope/did.json", None).await;
    assert_eq!(res.status(), 404);
    // Seeding again (a restart, or a second replica) is idempotent.
    let again = server(&e).await;
    again.shutdown().await.unwrap();
    s.shutdown().await.unwrap();
}

async fn specifications_are_versioned_per_university(db: Db) {
    let (_e, s) = started(db).await;
    let spec = eth_award()["award"]["learningOpportunity"].clone();
    let (status, body, _) = post(&s, "/specifications/data-literacy", Some(ETH), &spec).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["version"], 1);
    let mut v2 = spec.clone();
    v2["title"] = json!({"en": "Data Literacy (2027)"});
    let (status, body, _) = post(&s, "/specifications/data-literacy", Some(ETH), &v2).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["version"], 2);
    let list: Value = get_json(&s.url(), "/specifications/data-literacy", Some(ETH)).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "version 1 is kept");
    assert_eq!(items[0]["specification"], spec);
    // Other universities see none of it.
    let res = get(&s.url(), "/specifications/data-literacy", Some(RWTH)).await;
    assert_eq!(res.status(), 404);
    let (status, body, _) = post(&s, "/specifications/bad", Some(ETH), &json!({"title": 3})).await;
    assert_eq!(status, 422, "{body}");
    s.shutdown().await.unwrap();
}

async fn csv_batch_one_row_per_learner(db: Db) {
    let (_e, s) = started(db).await;
    let env_award = eth_award();
    let a = &env_award["award"];
    let (status, _, _) = post(
        &s,
        "/specifications/prof-mc",
        Some(ETH),
        &a["learningOpportunity"],
    )
    .await;
    assert_eq!(status, 201);
    let q = |v: &Value| format!("\"{}\"", v.to_string().replace('"', "\"\""));
    let header = "kind,certificateProfile,awardingUniversity,learner.givenNames,learner.familyNames,learner.dateOfBirth,achievement:json,display:json,images.en";
    let constant = |given: &str| {
        format!(
            "microCredential,professional,eth,{given},Muster,1990-01-01,{},{},{}",
            q(&a["achievement"]),
            q(&a["display"]),
            env_award["images"]["en"].as_str().unwrap()
        )
    };
    let csv = format!(
        "{header}\r\n{}\r\n{}\r\nmicroCredential,professional,eth,Bad,Row,not-a-date,{{,,\r\n",
        constant("Anna"),
        constant("Ben")
    );
    let res = client()
        .post(format!("{}/awards/batch?specification=prof-mc", s.url()))
        .bearer_auth(ETH)
        .header("idempotency-key", "csv-1")
        .header("content-type", "text/csv")
        .body(csv.clone())
        .sent()
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["issued"], 2, "{body}");
    assert_eq!(body["rejected"], 1);
    assert_eq!(
        body["results"][2]["errors"][0]["path"], "achievement",
        "{body}"
    );
    let list: Value = get_json(&s.url(), "/credentials", Some(ETH)).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    s.shutdown().await.unwrap();
}

async fn full_status_list_rolls_over_to_a_new_list(db: Db) {
    let (e, s) = started(db).await;
    let issue = || async {
        let (status, body, _) = issue_vc2(&s, Some(ETH)).await;
        assert_eq!(status, 201, "{body}");
        entries(&body["verifiableCredential"])[0].clone()
    };
    let first = issue().await;
    sql(&e, "UPDATE status_lists SET next_counter = 131071 WHERE university = 'eth' AND purpose = 'revocation' AND active = 1").await.unwrap();
    let last = issue().await; // counter 131071: the last index of the first list
    assert_eq!(last["statusListCredential"], first["statusListCredential"]);
    let next = issue().await; // the list is full: a new one takes over
    assert_ne!(next["statusListCredential"], first["statusListCredential"]);
    let (old_bits, _) = status_bits(&s, first["statusListCredential"].as_str().unwrap()).await;
    let (new_bits, _) = status_bits(&s, next["statusListCredential"].as_str().unwrap()).await;
    assert_eq!(old_bits.len_bits(), 131_072);
    assert_eq!(new_bits.len_bits(), 131_072);
    s.shutdown().await.unwrap();
}

async fn graceful_shutdown_finishes_an_in_flight_batch(db: Db) {
    let (_e, s) = started(db).await;
    let rows = Value::Array((0..12).map(|_| eth_award()).collect());
    let base = s.url();
    let request = tokio::spawn(async move {
        let res = batch(&base, Some("shutdown-1"), &rows).await;
        (res.status().as_u16(), res.json::<Value>().await.unwrap())
    });
    // Wait until the batch is under way, then ask the server to stop.
    let store = s.app.store().clone();
    for _ in 0..200 {
        if !store
            .list_credentials("eth", 1, 0)
            .await
            .unwrap()
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    s.shutdown().await.unwrap();
    let (status, body) = request.await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["issued"], 12, "the batch ran to its end");
}

async fn limits_give_problem_json(db: Db) {
    let e = env(db).await;
    let mut c = config(&e);
    c.limits.max_batch_size = 2;
    c.limits.max_body_bytes = 64 * 1024;
    c.limits.rate_limit_per_minute = 6;
    let s = support::start_server(c).await;
    let res = batch(&s.url(), Some("too-many"), &json!([{}, {}, {}])).await;
    assert_eq!(res.status(), 413);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let big = json!({"credential": {"pad": "x".repeat(70 * 1024)}});
    let (status, body, _) = post(&s, "/credentials/issue", Some(ETH), &big).await;
    assert_eq!(status, 413, "{body}");
    let mut last = 0;
    for _ in 0..7 {
        last = get(&s.url(), "/credentials", Some(RWTH))
            .await
            .status()
            .as_u16();
    }
    assert_eq!(last, 429, "rate limit per token");
    // Another token is not affected.
    let res = get(&s.url(), "/credentials", Some(ETH)).await;
    assert_eq!(res.status(), 200);
    s.shutdown().await.unwrap();
}

async fn batch_resumes_after_a_crash_without_duplicates(db: Db) {
    use sha2::Digest as _;
    let (_e, s) = started(db).await;
    let rows = json!([eth_award(), eth_award(), eth_award()]);
    // A process died after claiming the key and issuing row 0 (each row commits on its own).
    let hash = hex::encode(sha2::Sha256::digest(serde_json::to_vec(&rows).unwrap()));
    let store = s.app.store();
    assert!(store
        .claim_idempotency_key("eth", "crashed", &hash, s.app.now())
        .await
        .unwrap()
        .is_none());
    let principal = s.app.authenticate(ETH).await.unwrap().unwrap();
    let row0 = s
        .app
        .issue_award(
            &principal,
            &<issuer::app::AwardRequest as issuer::app::FromJson>::from_json(rows[0].clone())
                .unwrap(),
            Some("crashed#0"),
        )
        .await
        .unwrap();
    // The client retries.
    let res = batch(&s.url(), Some("crashed"), &rows).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["issued"], 3, "{body}");
    assert_eq!(
        body["results"][0]["credentialId"],
        json!(row0.id),
        "row 0 is not issued again"
    );
    assert_eq!(
        store.list_credentials("eth", 100, 0).await.unwrap().len(),
        3
    );
    s.shutdown().await.unwrap();
}
