//! Issue #16 point 2, credential offers (OpenID4VCI 1.0 §4.1) and pre-authorized codes (§3.5),
//! over real HTTP on 127.0.0.1, on SQLite AND on PostgreSQL (the PostgreSQL variants need
//! `ENHANCE_TEST_POSTGRES_URL`, see `scripts/start-postgres.sh`, and FAIL without it):
//! - the staff API (`POST /credentials/{id}/offers`, `POST /offers/batch`): 401 without a token,
//!   another university's credential answers like an unknown one (404), 403 without the `issue`
//!   role, revoked credentials are refused (422 `offer.credential-revoked`; their learner page
//!   shows no wallet section);
//! - the offer JSON (§4.1.1) served by reference, the deep link, `Cache-Control: no-store`;
//! - the database holds no secret in plain text (reference, code, PIN: hashes only);
//! - a code is single-use: of two concurrent redemptions at two servers (replicas) on the same
//!   database exactly one wins;
//! - PIN attempts are limited (5, also under concurrent guesses), `tx_code` missing or unexpected
//!   is `invalid_request`, expiry follows the clock;
//! - the share page offers "Add to your EU wallet": a form that answers the QR code, the deep link
//!   and the PIN, shown once, under the public rate limit.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod support;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, SubsecRound as _, Utc};
use issuer::config::Config;
use issuer::oid4vci::offers::OfferGrant;
use issuer::oid4vci::{ErrorCode, Oid4vciError};
use issuer::server::{Overrides, RunningServer};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sqlx::{Connection as _, Row as _};
use support::{Db, BASE, ETH, ETH_ADMIN, RWTH};

const ALL: [&str; 3] = [
    "enhance_edc_ldp_vc",
    "enhance_edc_jwt_vc_json",
    "eu.europa.ec.eudi.learning_credential_sd_jwt",
];
const GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";

/// A clock the test moves.
struct TestClock(Mutex<DateTime<Utc>>);

impl verifier::Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

impl TestClock {
    fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

struct Env {
    /// The server (`Some` once started).
    s: Option<RunningServer>,
    config: Config,
    dir: PathBuf,
    database_url: String,
    clock: Arc<TestClock>,
    http: reqwest::Client,
}

async fn env(db: Db, adjust: impl FnOnce(&mut Config)) -> Env {
    let dir = support::token_dir(
        "issuer-offers",
        &[("eth", ETH), ("rwth", RWTH)],
        &[("eth", ETH_ADMIN)],
    );
    let database_url = support::fresh_database(db.is_postgres(), &dir.join("issuer.sqlite")).await;
    let mut config = Config {
        admin_tokens_file: Some(dir.join("admin-tokens.toml")),
        render_display_images: false,
        ..support::config(&database_url, &dir.join("tokens.toml"))
    };
    adjust(&mut config);
    let clock = Arc::new(TestClock(Mutex::new(Utc::now().trunc_subsecs(0))));
    let mut e = Env {
        s: None,
        config,
        dir,
        database_url,
        clock,
        http: reqwest::Client::new(),
    };
    e.s = Some(e.replica().await);
    e
}

impl Env {
    /// The server.
    fn s(&self) -> &RunningServer {
        self.s.as_ref().unwrap()
    }

    /// Another server on the same database and clock (a replica).
    async fn replica(&self) -> RunningServer {
        let overrides = Overrides {
            clock: Some(self.clock.clone()),
            ..Overrides::default()
        };
        issuer::server::start(self.config.clone(), overrides)
            .await
            .unwrap()
    }

    async fn stop(self) {
        self.s.unwrap().shutdown().await.unwrap();
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value, String) {
        let mut req = self
            .http
            .post(format!("{}{path}", self.s().url()))
            .json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        read(req.send().await.unwrap()).await
    }

    async fn get(&self, url: &str) -> (u16, Value, String) {
        read(self.http.get(url).send().await.unwrap()).await
    }

    /// Issues ETH's example award; `(credential id, share token)`.
    async fn issue(&self) -> (String, String) {
        let (status, body, _) = self.post("/awards", Some(ETH), &support::eth_award()).await;
        assert_eq!(status, 201, "{body}");
        let share = body["shareUrl"].as_str().unwrap();
        let token = share.rsplit('/').next().unwrap().to_owned();
        (body["id"].as_str().unwrap().to_owned(), token)
    }

    /// A new offer of `id` by ETH with `options`.
    async fn offer(&self, id: &str, options: &Value) -> Value {
        let path = format!("/credentials/{id}/offers");
        let (status, body, cache) = self.post(&path, Some(ETH), options).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(cache, "no-store");
        body
    }

    /// The offer's `credential_offer_uri` on this server (its public base URL is `BASE`).
    fn local(&self, uri: &str) -> String {
        format!("{}{}", self.s().url(), uri.strip_prefix(BASE).unwrap())
    }

    async fn redeem(
        &self,
        university: &str,
        code: &str,
        pin: Option<&str>,
    ) -> Result<OfferGrant, Oid4vciError> {
        self.s()
            .app
            .redeem_pre_authorized_code(university, code, pin)
            .await
    }

    /// Every row of `table` as text (all its columns), for secret scans.
    async fn dump(&self, table: &str) -> Vec<Vec<String>> {
        sqlx::any::install_default_drivers();
        let mut c = sqlx::AnyConnection::connect(&self.database_url)
            .await
            .unwrap();
        let rows = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("SELECT * FROM {table}")))
            .fetch_all(&mut c)
            .await
            .unwrap();
        rows.iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| {
                        r.try_get::<Option<String>, _>(i)
                            .ok()
                            .flatten()
                            .or_else(|| r.try_get::<i64, _>(i).ok().map(|n| n.to_string()))
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .collect()
    }
}

/// Status, JSON body (`null` if none) and `Cache-Control` of a response.
async fn read(res: reqwest::Response) -> (u16, Value, String) {
    let status = res.status().as_u16();
    let cache = header(&res, "cache-control");
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::Null),
        cache,
    )
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn code_of(offer: &Value) -> String {
    offer["credentialOffer"]["grants"][GRANT]["pre-authorized_code"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

fn grant_error(r: Result<OfferGrant, Oid4vciError>) -> Oid4vciError {
    let e = r.expect_err("the redemption must fail");
    assert_eq!(e.code, ErrorCode::InvalidGrant, "{e}");
    e
}

/// The offer JSON, the deep link and the storage: only hashes, no plain secret anywhere; the
/// offer by reference; single use under two concurrent redemptions; tenancy and authorisation.
async fn offer_shape_storage_and_single_use(db: Db) {
    let e = env(db, |_| {}).await;
    let (id, _) = e.issue().await;
    let path = format!("/credentials/{id}/offers");
    let (status, _, _) = e.post(&path, None, &json!({})).await;
    assert_eq!(status, 401, "no token");
    let (status, body, _) = e.post(&path, Some(RWTH), &json!({})).await;
    assert_eq!(
        status, 404,
        "another university's credential is hidden: {body}"
    );
    let (status, token, _) = e
        .post(
            "/admin/tokens",
            Some(ETH_ADMIN),
            &json!({"roles": ["revoke"], "label": "revoker"}),
        )
        .await;
    assert_eq!(status, 201, "{token}");
    let (status, body, _) = e.post(&path, token["token"].as_str(), &json!({})).await;
    assert_eq!(status, 403, "a token without the issue role: {body}");
    let (status, body, _) = e
        .post(
            &path,
            Some(ETH),
            &json!({"credentialConfigurationIds": ["x"], "pin": 1}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let rules: Vec<(&str, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rules,
        [
            ("credentialConfigurationIds[0]", "offer.configuration-ids"),
            ("pin", "offer.unknown-member")
        ]
    );

    let offer = e.offer(&id, &json!({})).await;
    let uri = offer["credentialOfferUri"].as_str().unwrap();
    let reference = uri
        .strip_prefix(&format!("{BASE}/universities/eth/offers/"))
        .unwrap_or_else(|| panic!("offer URI {uri}"));
    assert!(reference.len() >= 43, "256-bit reference: {reference}");
    let encoded: String = url_encode(uri);
    assert_eq!(
        offer["deepLink"],
        format!("openid-credential-offer://?credential_offer_uri={encoded}")
    );
    let code = code_of(&offer);
    assert!(code.len() >= 22, "at least 128 bits: {code}");
    let pin = offer["txCode"].as_str().unwrap().to_owned();
    assert!(
        pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit()),
        "{pin}"
    );
    assert_eq!(
        offer["credentialOffer"],
        json!({
            "credential_issuer": format!("{BASE}/universities/eth"),
            "credential_configuration_ids": ALL,
            "grants": {GRANT: {"pre-authorized_code": code, "tx_code": {
                "input_mode": "numeric", "length": 6,
                "description": issuer::oid4vci::offers::TX_CODE_DESCRIPTION}}}
        })
    );
    let (status, served, cache) = e.get(&e.local(uri)).await;
    assert_eq!((status, cache.as_str()), (200, "no-store"));
    assert_eq!(served, offer["credentialOffer"], "the offer by reference");
    let (status, _, _) = e.get(&e.local(&format!("{uri}x"))).await;
    assert_eq!(status, 404, "an unknown reference");
    let (status, _, _) = e.get(&e.local(&uri.replace("/eth/", "/rwth/"))).await;
    assert_eq!(status, 404, "another university's path");

    // Hashes only: the code's SHA-256 is stored, the code, the reference and the PIN are not.
    let rows = e.dump("oid4vci_offers").await;
    assert_eq!(rows.len(), 1);
    let text = format!("{rows:?}{:?}", e.dump("audit_log").await);
    for secret in [code.as_str(), reference] {
        assert!(!text.contains(secret), "a secret in the database");
    }
    assert!(
        rows[0].contains(&sha256_hex(&code)),
        "the code's hash is stored"
    );
    assert!(
        !rows[0].contains(&sha256_hex(&pin)),
        "the PIN is keyed, not a bare hash"
    );
    assert!(!rows[0].contains(&pin), "the PIN is not stored");

    // Tenancy: the code is unknown at another university's issuer.
    let other = grant_error(e.redeem("rwth", &code, Some(&pin)).await);
    assert!(other.description.contains("unknown"), "{other}");
    // Single use across replicas: of two concurrent redemptions at two servers on the same
    // database exactly one wins.
    let replica = e.replica().await;
    let (a, b) = tokio::join!(
        e.redeem("eth", &code, Some(&pin)),
        replica
            .app
            .redeem_pre_authorized_code("eth", &code, Some(&pin))
    );
    replica.shutdown().await.unwrap();
    let (won, lost) = match (a, b) {
        (Ok(g), Err(l)) | (Err(l), Ok(g)) => (g, l),
        other => panic!("exactly one redemption must win: {other:?}"),
    };
    assert_eq!(lost.code, ErrorCode::InvalidGrant);
    assert_eq!(
        (
            won.university.as_str(),
            won.credential_id.as_str(),
            won.configuration_ids.clone()
        ),
        ("eth", id.as_str(), ALL.map(str::to_owned).to_vec())
    );
    assert_eq!(won.offer_id, offer["offerId"]);
    let again = grant_error(e.redeem("eth", &code, Some(&pin)).await);
    assert!(again.description.contains("already used"), "{again}");
    let (status, _, _) = e.get(&e.local(uri)).await;
    assert_eq!(status, 404, "a used offer is gone");
    e.stop().await;
}

/// RFC 3986 unreserved characters kept, every other byte `%XX`.
fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `tx_code` rules: missing or unexpected is `invalid_request`; five wrong PINs kill the code,
/// also when twelve guesses race (at most five are compared); the right PIN works before that.
async fn pin_attempts_are_limited(db: Db) {
    let e = env(db, |_| {}).await;
    let (id, _) = e.issue().await;
    let offer = e.offer(&id, &json!({"txCode": true})).await;
    let (code, pin) = (
        code_of(&offer),
        offer["txCode"].as_str().unwrap().to_owned(),
    );
    let wrong = if pin == "000000" { "000001" } else { "000000" };
    let missing = e.redeem("eth", &code, None).await.unwrap_err();
    assert_eq!(missing.code, ErrorCode::InvalidRequest, "{missing}");
    for left in (1..=4).rev() {
        let err = grant_error(e.redeem("eth", &code, Some(wrong)).await);
        assert!(
            err.description.contains(&format!("{left} attempt(s) left")),
            "{err}"
        );
    }
    let err = grant_error(e.redeem("eth", &code, Some(wrong)).await);
    assert!(err.description.contains("last of 5 attempts"), "{err}");
    let err = grant_error(e.redeem("eth", &code, Some(&pin)).await);
    assert!(
        err.description.contains("exhausted"),
        "the right PIN is too late: {err}"
    );
    let (status, _, _) = e
        .get(&e.local(offer["credentialOfferUri"].as_str().unwrap()))
        .await;
    assert_eq!(status, 404, "an exhausted offer is gone");

    // Twelve concurrent wrong guesses: five attempts are taken, no more.
    let offer = e.offer(&id, &json!({})).await;
    let (code, pin) = (
        code_of(&offer),
        offer["txCode"].as_str().unwrap().to_owned(),
    );
    let wrong = if pin == "999999" { "999998" } else { "999999" };
    let guesses = (0..12).map(|_| e.redeem("eth", &code, Some(wrong)));
    for r in futures_util::future::join_all(guesses).await {
        grant_error(r);
    }
    let rows = e.dump("oid4vci_offers").await;
    let attempts: Vec<&str> = rows.iter().map(|r| r[7].as_str()).collect();
    assert!(
        attempts.contains(&"5"),
        "attempts counted up to 5 only: {rows:?}"
    );
    let err = grant_error(e.redeem("eth", &code, Some(&pin)).await);
    assert!(err.description.contains("exhausted"), "{err}");

    // Without a PIN: a PIN sent is invalid_request; none works; the right PIN on a fresh offer too.
    let offer = e
        .offer(
            &id,
            &json!({"txCode": false, "credentialConfigurationIds": [ALL[2]]}),
        )
        .await;
    assert!(offer.get("txCode").is_none(), "{offer}");
    let grant = &offer["credentialOffer"]["grants"][GRANT];
    assert!(grant.get("tx_code").is_none(), "{grant}");
    let code = code_of(&offer);
    let sent = e.redeem("eth", &code, Some("123456")).await.unwrap_err();
    assert_eq!(sent.code, ErrorCode::InvalidRequest, "{sent}");
    let g = e.redeem("eth", &code, None).await.unwrap();
    assert_eq!(g.configuration_ids, [ALL[2]]);
    let offer = e.offer(&id, &json!({})).await;
    let pin = offer["txCode"].as_str().unwrap();
    assert!(e.redeem("eth", &code_of(&offer), Some(pin)).await.is_ok());
    e.stop().await;
}

/// Expiry follows the clock (and the configured lifetime); a revoked credential is neither
/// offered nor redeemed; batches by credential ids and by batch key.
async fn expiry_revocation_and_batches(db: Db) {
    let e = env(db, |c| c.oid4vci.offers.code_lifetime_secs = 120).await;
    let (id, share) = e.issue().await;
    let offer = e.offer(&id, &json!({})).await;
    let expires: DateTime<Utc> = offer["expiresAt"].as_str().unwrap().parse().unwrap();
    assert_eq!(expires - e.s().app.now(), Duration::seconds(120));
    e.clock.advance(Duration::seconds(121));
    let err = grant_error(
        e.redeem("eth", &code_of(&offer), offer["txCode"].as_str())
            .await,
    );
    assert!(err.description.contains("expired"), "{err}");
    let (status, _, _) = e
        .get(&e.local(offer["credentialOfferUri"].as_str().unwrap()))
        .await;
    assert_eq!(status, 404, "an expired offer is gone");

    // Offered, then revoked: the code no longer redeems; a new offer is refused.
    let pending = e.offer(&id, &json!({})).await;
    let revoke = json!({"credentialId": id, "credentialStatus": [{"status": "revoked"}]});
    let (status, body, _) = e.post("/credentials/status", Some(ETH), &revoke).await;
    assert_eq!(status, 200, "{body}");
    let err = grant_error(
        e.redeem("eth", &code_of(&pending), pending["txCode"].as_str())
            .await,
    );
    assert!(err.description.contains("revoked"), "{err}");
    let (status, body, _) = e
        .post(&format!("/credentials/{id}/offers"), Some(ETH), &json!({}))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["errors"][0]["rule"], "offer.credential-revoked",
        "{body}"
    );
    // The learner's page of a revoked credential offers no wallet; its form's URL answers 422.
    let res = e
        .http
        .get(format!("{}/share/{share}", e.s().url()))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("<h1 ") && !html.contains("wallet-title"));
    let (status, body, _) = e
        .post(&format!("/share/{share}/wallet"), None, &json!({}))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["rule"], "offer.credential-revoked");

    // A batch by Idempotency-Key, plus an unknown and a revoked credential id.
    let res = e
        .http
        .post(format!("{}/awards/batch", e.s().url()))
        .bearer_auth(ETH)
        .header("idempotency-key", "cohort-1")
        .json(&support::batch_of("micro-credential-professional.json", 2))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let batch: Value = res.json().await.unwrap();
    let issued: Vec<&str> = batch["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["credentialId"].as_str().unwrap())
        .collect();
    assert_eq!(issued.len(), 2, "{batch}");
    let body = json!({"credentialIds": ["urn:uuid:00000000-0000-4000-8000-000000000000", id],
        "batchKey": "cohort-1", "txCode": false});
    let (status, result, cache) = e.post("/offers/batch", Some(ETH), &body).await;
    assert_eq!((status, cache.as_str()), (200, "no-store"), "{result}");
    let items = result["items"].as_array().unwrap();
    let summary: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|i| {
            (
                i["credentialId"].as_str().unwrap(),
                i["status"].as_str().unwrap(),
                i["errors"][0]["rule"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "urn:uuid:00000000-0000-4000-8000-000000000000",
                "rejected",
                "offer.credential-unknown"
            ),
            (id.as_str(), "rejected", "offer.credential-revoked"),
            (issued[0], "created", ""),
            (issued[1], "created", ""),
        ]
    );
    let code = code_of(&items[2]["offer"]);
    assert_eq!(
        e.redeem("eth", &code, None).await.unwrap().credential_id,
        issued[0]
    );
    let (status, _, _) = e
        .post(
            "/offers/batch",
            Some(RWTH),
            &json!({"batchKey": "cohort-1"}),
        )
        .await;
    assert_eq!(
        status, 404,
        "another university's batch key is unknown to it"
    );
    let (status, body, _) = e.post("/offers/batch", Some(ETH), &json!({})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["rule"], "offer.credential-ids");
    let (status, _, _) = e
        .post("/offers/batch", None, &json!({"batchKey": "cohort-1"}))
        .await;
    assert_eq!(status, 401);
    e.stop().await;
}

/// Review of issue #16 (helper R): housekeeping. Creating an offer deletes the offers that expired
/// more than 7 days (`OFFER_RETENTION_DAYS`) before; a code that died recently still says why.
async fn dead_offers_are_purged_after_their_retention(db: Db) {
    let e = env(db, |c| c.oid4vci.offers.code_lifetime_secs = 60).await;
    let (id, _) = e.issue().await;
    let no_pin = json!({"txCode": false});
    let old = e.offer(&id, &no_pin).await;
    e.clock.advance(Duration::days(7));
    e.offer(&id, &no_pin).await;
    assert_eq!(
        e.dump("oid4vci_offers").await.len(),
        2,
        "dead < 7 days: kept"
    );
    let err = grant_error(e.redeem("eth", &code_of(&old), None).await);
    assert!(err.description.contains("expired"), "{err}");
    e.clock.advance(Duration::seconds(61));
    e.offer(&id, &no_pin).await;
    assert_eq!(
        e.dump("oid4vci_offers").await.len(),
        2,
        "the old one is gone"
    );
    let err = grant_error(e.redeem("eth", &code_of(&old), None).await);
    assert!(err.description.contains("unknown"), "{err}");
    e.stop().await;
}

support::both_backends!(
    offer_shape_storage_and_single_use,
    pin_attempts_are_limited,
    expiry_revocation_and_batches,
    dead_offers_are_purged_after_their_retention
);

/// The share page: an "Add to your EU wallet" section with a form; the POST answers the QR code of
/// the deep link, the link and the PIN, which the share page never shows again; the offer redeems
/// with that PIN; the public rate limit applies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn share_page_offers_the_credential_to_a_wallet() {
    let e = env(Db::Sqlite, |c| {
        c.limits.public_rate_limit.per_second = 0.01;
        c.limits.public_rate_limit.burst = 4;
    })
    .await;
    let (_, token) = e.issue().await;
    let page = |method: reqwest::Method, path: String| {
        e.http
            .request(method, format!("{}/share/{path}", e.s().url()))
            .header("accept", "text/html")
            .send()
    };
    let res = page(reqwest::Method::GET, token.clone()).await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<h2 id=\"wallet-title\">Add to your EU wallet</h2>"),
        "{html}"
    );
    assert!(
        html.contains(&format!("<form method=\"post\" action=\"{token}/wallet\">")),
        "a form that works without JavaScript"
    );
    let res = page(reqwest::Method::POST, format!("{token}/wallet"))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "cache-control"), "private, no-store");
    let html = res.text().await.unwrap();
    let pin = between(&html, "<p class=\"pin\" id=\"tx-code\">", "</p>");
    assert!(
        pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit()),
        "{pin}"
    );
    let link = between(&html, "id=\"wallet-link\" href=\"", "\"").replace("&amp;", "&");
    let uri = link
        .strip_prefix("openid-credential-offer://?credential_offer_uri=")
        .unwrap();
    let uri = percent_decode(uri);
    assert!(
        uri.starts_with(&format!("{BASE}/universities/eth/offers/")),
        "{uri}"
    );
    let qr = render::qr::Qr::new(&link).unwrap().svg(
        256.0,
        "QR code of the wallet offer: scan it with your wallet",
    );
    assert!(html.contains(&qr), "the QR code encodes the deep link");
    assert!(
        html.contains("<html lang=\"en\">") && html.contains("<h1 "),
        "{html}"
    );

    let res = page(reqwest::Method::GET, token.clone()).await.unwrap();
    let again = res.text().await.unwrap();
    assert!(!again.contains("id=\"tx-code\""), "the PIN is shown once");
    let (status, offer, _) = e.get(&e.local(&uri)).await;
    assert_eq!(status, 200, "{offer}");
    let code = offer["grants"][GRANT]["pre-authorized_code"]
        .as_str()
        .unwrap();
    let grant = e.redeem("eth", code, Some(pin)).await.unwrap();
    assert_eq!(grant.configuration_ids, ALL.map(str::to_owned).to_vec());

    // Four requests so far from this address (burst 4): the next one is refused.
    let res = page(reqwest::Method::POST, format!("{token}/wallet"))
        .await
        .unwrap();
    assert_eq!(res.status(), 429, "the public rate limit");
    e.stop().await;
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let a = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {text}"))
        + start.len();
    let b = a + text[a..].find(end).unwrap();
    &text[a..b]
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// `[oid4vci.offers]` from TOML and the environment; zero is refused, naming the setting.
#[test]
fn offer_settings_are_configurable() {
    let c = Config::from_toml_str("[oid4vci.offers]\ncode_lifetime_secs = 60\n").unwrap();
    assert_eq!(
        (
            c.oid4vci.offers.code_lifetime_secs,
            c.oid4vci.offers.tx_code_max_attempts
        ),
        (60, 5)
    );
    let env: std::collections::HashMap<String, String> = [
        ("ENHANCE_ISSUER_OID4VCI_OFFER_LIFETIME_SECS", "30"),
        ("ENHANCE_ISSUER_OID4VCI_TX_CODE_MAX_ATTEMPTS", "3"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let c = Config::load_with_env(None, &env).unwrap();
    assert_eq!(
        (
            c.oid4vci.offers.code_lifetime_secs,
            c.oid4vci.offers.tx_code_max_attempts
        ),
        (30, 3)
    );
    let mut c = Config::default();
    c.oid4vci.offers.tx_code_max_attempts = 0;
    let e = c.check().unwrap_err().to_string();
    assert!(e.contains("oid4vci.offers.tx_code_max_attempts"), "{e}");
}
