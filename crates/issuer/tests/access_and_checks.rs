//! Issuer service, issue #4 §2 and §4, over real HTTP on 127.0.0.1, each case on SQLite AND on
//! PostgreSQL (the PostgreSQL variants need `ENHANCE_TEST_POSTGRES_URL`, see
//! `scripts/start-postgres.sh`, and FAIL without it):
//!
//! - every secured credential is verified by the `verifier` library before it is stored: a securer
//!   that signs with the wrong key, or returns a broken VC-JWT form, gets its rows rejected with the
//!   failing check named, and nothing is stored (no credential, no status entry, no audit entry);
//! - staff tokens: an admin creates tokens with roles (secret shown once, only its hash stored),
//!   lists them without secrets, revokes them (401 at once); a revoke-only token cannot issue (403
//!   naming the role); one university's admin never sees nor affects another's tokens; all of it
//!   audit-logged.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod support;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use issuer::config::Config;
use issuer::securing::{KeyStoreSecurer, SecureError, Secured, Securer};
use issuer::server::{start, Overrides, RunningServer};
use proofs::Signer;
use serde_json::{json, Map, Value};
use sqlx::{Connection as _, Row as _};
use support::{eth_award, Db, BASE, ETH, ETH_ADMIN, RWTH, RWTH_ADMIN};

struct Env {
    dir: PathBuf,
    url: String,
}

async fn env(db: Db) -> Env {
    let dir = support::token_dir(
        "issuer-access",
        &[("eth", ETH), ("rwth", RWTH)],
        &[("eth", ETH_ADMIN), ("rwth", RWTH_ADMIN)],
    );
    let url = support::fresh_database(db.is_postgres(), &dir.join("db/issuer.sqlite")).await;
    Env { dir, url }
}

/// `SELECT COUNT(*)` on the test database, as an operator would run it.
async fn count(e: &Env, from_where: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let mut c = sqlx::AnyConnection::connect(&e.url).await.unwrap();
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) AS n FROM {from_where}"
    )))
    .fetch_one(&mut c)
    .await
    .unwrap();
    row.try_get::<i64, _>("n").unwrap()
}

fn config(e: &Env) -> Config {
    Config {
        admin_tokens_file: Some(e.dir.join("admin-tokens.toml")),
        ..support::config(&e.url, &e.dir.join("tokens.toml"))
    }
}

async fn call(
    s: &RunningServer,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut r = reqwest::Client::new()
        .request(method, format!("{}{path}", s.url()))
        .bearer_auth(token);
    if let Some(b) = body {
        r = r.json(b);
    }
    let res = r.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json::<Value>().await.unwrap_or(Value::Null))
}

/// The string member `key` of each object of the array `items`.
fn member_strings(items: &Value, key: &str) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x[key].as_str().unwrap().to_owned())
        .collect()
}

/// `DELETE /admin/tokens/{id}` with the admin token `admin`: status and body.
async fn revoke_token(s: &RunningServer, admin: &str, id: &str) -> (u16, Value) {
    let path = format!("/admin/tokens/{id}");
    call(s, reqwest::Method::DELETE, &path, admin, None).await
}

/// `POST /awards` of ETH's example award with `token`: the status and the body.
async fn award_as(s: &RunningServer, token: &str) -> (u16, Value) {
    call(
        s,
        reqwest::Method::POST,
        "/awards",
        token,
        Some(&eth_award()),
    )
    .await
}

/// `POST /admin/tokens` with the admin token `admin` and the request `body`: status and body.
async fn new_token(s: &RunningServer, admin: &str, body: &Value) -> (u16, Value) {
    call(s, reqwest::Method::POST, "/admin/tokens", admin, Some(body)).await
}

/// How the test securer goes wrong.
#[derive(Clone, Copy)]
enum Fault {
    /// Data Integrity proof made with another key under eth's verification method id.
    WrongKey,
    /// Correct Data Integrity and JAdES forms, and a VC-JWT made at issuance (as a securer may)
    /// with its signature altered.
    BrokenJwt,
    /// A VC-JWT correctly signed by the university, but of another credential.
    OtherJwtPayload,
    /// A JAdES seal correctly made with the university's seal, but of another credential.
    OtherSealPayload,
    /// A JAdES seal of the same credential written with other whitespace (pretty-printed): not
    /// the bytes the check recognises as it serialises, so it is parsed and compared, and passes.
    PrettySealPayload,
    /// A correctly signed credential handed over with the hash of its canonical form changed in
    /// one bit: the check verifies the proof over the hash it is given (issue #18), so it fails.
    OtherDocumentHash,
}

/// `document` sealed with `university`'s demo seal, its payload the given bytes.
fn seal_bytes(university: &str, bytes: &[u8], created: DateTime<Utc>) -> (String, Value) {
    let keys = support::demo_keys();
    let seal = keys.university(university).unwrap().seal.as_ref().unwrap();
    let sealed = proofs::jades::seal(bytes, seal.signer.as_ref(), &seal.chain, created).unwrap();
    (sealed.to_string(), sealed)
}

/// The current signing key of `university` in `keys`.
fn current_signer<'a>(keys: &'a proofs::keystore::KeyStore, university: &str) -> &'a dyn Signer {
    keys.university(university)
        .unwrap()
        .current_signer()
        .unwrap()
}

/// A securer over the demo keys that goes wrong in one way; it publishes the real DID documents.
struct Faulty {
    inner: KeyStoreSecurer,
    fault: Fault,
}

impl Securer for Faulty {
    fn sign(
        &self,
        university: &str,
        document: Map<String, Value>,
        created: DateTime<Utc>,
    ) -> Result<Value, SecureError> {
        self.inner.sign(university, document, created)
    }

    fn secure(
        &self,
        university: &str,
        document: Map<String, Value>,
        created: DateTime<Utc>,
    ) -> Result<Secured, SecureError> {
        match self.fault {
            Fault::WrongKey => {
                let keys = support::demo_keys();
                let vm = current_signer(&keys, university).key_id().to_owned();
                let wrong = proofs::signer::Ed25519Signer::from_secret_bytes(vm, &[7u8; 32]);
                let credential = proofs::data_integrity::sign(
                    &Value::Object(document),
                    &wrong,
                    &proofs::data_integrity::ProofOptions::new(created),
                )
                .unwrap();
                Ok(Secured {
                    credential,
                    jades: None,
                    jades_value: None,
                    vc_jwt: None,
                    document_hash: None,
                })
            }
            Fault::BrokenJwt => {
                let keys = support::demo_keys();
                let signer = current_signer(&keys, university);
                let jwt = proofs::vc_jwt::encode(&Value::Object(document.clone()), signer).unwrap();
                let mut s = self.inner.secure(university, document, created)?;
                let (head, sig) = jwt.rsplit_once('.').unwrap();
                let flipped = match sig.strip_prefix('A') {
                    Some(rest) => format!("B{rest}"),
                    None => format!("A{}", &sig[1..]),
                };
                s.vc_jwt = Some(format!("{head}.{flipped}"));
                Ok(s)
            }
            Fault::OtherDocumentHash => {
                let mut s = self.inner.secure(university, document, created)?;
                let hash = s
                    .document_hash
                    .as_mut()
                    .expect("the securer gives the hash");
                hash[7] ^= 0x10;
                Ok(s)
            }
            Fault::OtherJwtPayload => {
                let mut other = document.clone();
                other.insert("validUntil".into(), json!("2099-01-01T00:00:00Z"));
                let mut s = self.inner.secure(university, document, created)?;
                let keys = support::demo_keys();
                let signer = current_signer(&keys, university);
                s.vc_jwt = Some(proofs::vc_jwt::encode(&Value::Object(other), signer).unwrap());
                Ok(s)
            }
            Fault::OtherSealPayload | Fault::PrettySealPayload => {
                let bytes = match self.fault {
                    Fault::OtherSealPayload => {
                        let mut other = document.clone();
                        other.insert("validUntil".into(), json!("2099-01-01T00:00:00Z"));
                        serde_json::to_vec(&other).unwrap()
                    }
                    _ => serde_json::to_vec_pretty(&document).unwrap(),
                };
                let mut s = self.inner.secure(university, document, created)?;
                let (text, value) = seal_bytes(university, &bytes, created);
                // Either form the check may be handed: text only, or text with its parsed value.
                s.jades_value = if matches!(self.fault, Fault::OtherSealPayload) {
                    Some(value)
                } else {
                    None
                };
                s.jades = Some(text);
                Ok(s)
            }
        }
    }

    fn did_document(&self, university: &str) -> Result<Value, SecureError> {
        self.inner.did_document(university)
    }

    fn seal_entry(&self, university: &str) -> Option<verifier::registry::SealEntry> {
        self.inner.seal_entry(university)
    }
}

support::both_backends!(
    credentials_failing_the_verifier_are_never_stored,
    admins_manage_their_own_university_tokens
);

async fn credentials_failing_the_verifier_are_never_stored(db: Db) {
    let cases = [
        (
            Fault::WrongKey,
            "verify.proof",
            "Data Integrity credential",
            500,
        ),
        (
            Fault::OtherDocumentHash,
            "verify.proof",
            "Data Integrity credential",
            500,
        ),
        (Fault::BrokenJwt, "verify.proof", "VC-JWT", 500),
        (Fault::OtherJwtPayload, "verify.payload", "VC-JWT", 500),
        (Fault::OtherSealPayload, "verify.payload", "JAdES seal", 500),
    ];
    for (fault, rule, form, single_status) in cases {
        let e = env(db).await;
        let inner = KeyStoreSecurer::load(&support::repo().join("keys.example"), BASE).unwrap();
        let overrides = Overrides {
            securer: Some(Arc::new(Faulty { inner, fault })),
            ..Overrides::default()
        };
        let s = start(config(&e), overrides).await.unwrap();
        let res = reqwest::Client::new()
            .post(format!("{}/awards/batch", s.url()))
            .bearer_auth(ETH)
            .header("idempotency-key", "faulty-1")
            .json(&json!([eth_award(), eth_award()]))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["issued"], 0, "{body}");
        assert_eq!(body["rejected"], 2, "{body}");
        for row in body["results"].as_array().unwrap() {
            assert_eq!(row["status"], "rejected");
            let errors = row["errors"].as_array().unwrap();
            assert!(
                errors
                    .iter()
                    .any(|e| e["rule"] == rule && e["message"].as_str().unwrap().starts_with(form)),
                "row names the failed check and form: {row}"
            );
        }
        // A single issuance: problem JSON naming the check (500 when the proof fails: the keys are
        // at fault).
        let (status, problem) = award_as(&s, ETH).await;
        assert_eq!(status, single_status, "{problem}");
        assert_eq!(
            problem["type"],
            "urn:enhance-credentials:problem:not-verified"
        );
        assert!(
            problem["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["rule"] == rule),
            "{problem}"
        );
        // Nothing stored: no credential, no status entry, no issue in the audit log.
        assert_eq!(count(&e, "credentials").await, 0);
        assert_eq!(
            count(&e, "status_entries").await,
            0,
            "no status index is held by a rejected credential"
        );
        assert_eq!(count(&e, "audit_log WHERE action = 'issue'").await, 0);
        s.shutdown().await.unwrap();
    }
    // A seal of the same credential in other whitespace is parsed, found equal and stored.
    let e = env(db).await;
    let inner = KeyStoreSecurer::load(&support::repo().join("keys.example"), BASE).unwrap();
    let overrides = Overrides {
        securer: Some(Arc::new(Faulty {
            inner,
            fault: Fault::PrettySealPayload,
        })),
        ..Overrides::default()
    };
    let s = start(config(&e), overrides).await.unwrap();
    let (status, body) = award_as(&s, ETH).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(count(&e, "credentials").await, 1);
    s.shutdown().await.unwrap();
    // The genuine securer on the same configuration issues and stores (the control).
    let e = env(db).await;
    let s = start(config(&e), Overrides::default()).await.unwrap();
    let (status, body) = award_as(&s, ETH).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(count(&e, "credentials").await, 1);
    // One status entry per award (the 2-bit `message` entry, ADR 0003).
    assert_eq!(count(&e, "status_entries").await, 1);
    s.shutdown().await.unwrap();
}

async fn admins_manage_their_own_university_tokens(db: Db) {
    use reqwest::Method;
    let e = env(db).await;
    let s = start(config(&e), Overrides::default()).await.unwrap();
    // Issue/revoke staff are not admins.
    let (status, problem) = call(&s, Method::GET, "/admin/tokens", ETH, None).await;
    assert_eq!(status, 403, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("`admin`"),
        "{problem}"
    );
    // Bad requests name the fields.
    let (status, problem) = new_token(
        &s,
        ETH_ADMIN,
        &json!({"roles": ["issue", "root"], "label": ""}),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let paths: Vec<_> = member_strings(&problem["errors"], "path");
    assert_eq!(paths, ["roles[1]", "label"]);
    // A revoke-only token: created once with its secret, cannot issue.
    let (status, revoker) = new_token(
        &s,
        ETH_ADMIN,
        &json!({"roles": ["revoke"], "label": "registrar"}),
    )
    .await;
    assert_eq!(status, 201, "{revoker}");
    assert_eq!(revoker["roles"], json!(["revoke"]));
    assert_eq!(revoker["university"], "eth");
    let revoker_secret = revoker["token"].as_str().unwrap().to_owned();
    let (status, problem) = award_as(&s, &revoker_secret).await;
    assert_eq!(status, 403, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("lacks the `issue` role"),
        "{problem}"
    );
    // An issue token works at once.
    let (status, issuer_tok) = new_token(
        &s,
        ETH_ADMIN,
        &json!({"roles": ["issue"], "label": "coordinator"}),
    )
    .await;
    assert_eq!(status, 201);
    let issuer_secret = issuer_tok["token"].as_str().unwrap().to_owned();
    let issuer_id = issuer_tok["id"].as_str().unwrap().to_owned();
    let (status, issued) = award_as(&s, &issuer_secret).await;
    assert_eq!(status, 201, "{issued}");
    // The revoke-only token revokes it.
    let (status, _) = call(&s, Method::POST, "/credentials/status", &revoker_secret, Some(&json!({"credentialId": issued["id"], "credentialStatus": [{"type": "BitstringStatusListCredential", "status": "revoked"}]}))).await;
    assert_eq!(status, 200);
    // Only hashes are stored.
    assert_eq!(
        count(
            &e,
            &format!(
                "api_tokens WHERE token_hash = '{issuer_secret}' OR label LIKE '%{issuer_secret}%'"
            )
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &e,
            &format!(
                "api_tokens WHERE token_hash = '{}'",
                issuer::domain::hash_token(&issuer_secret)
            )
        )
        .await,
        1
    );
    token_listing_revocation_and_audit(&s, &revoker, &issuer_id, &issuer_secret).await;
    s.shutdown().await.unwrap();
}

/// Token administration, continued: listing (own university, no secrets), revocation across
/// universities, and the audit log.
async fn token_listing_revocation_and_audit(
    s: &RunningServer,
    revoker: &Value,
    issuer_id: &str,
    issuer_secret: &str,
) {
    use reqwest::Method;
    let revoker_secret = revoker["token"].as_str().unwrap().to_owned();
    let (issuer_id, issuer_secret) = (issuer_id.to_owned(), issuer_secret.to_owned());
    // Listing: own university only, no secrets.
    let (status, list) = call(s, Method::GET, "/admin/tokens", ETH_ADMIN, None).await;
    assert_eq!(status, 200);
    let text = list.to_string();
    assert!(
        !text.contains(&issuer_secret)
            && !text.contains(&revoker_secret)
            && !text.contains("token\""),
        "{text}"
    );
    let ids: Vec<_> = member_strings(&list["items"], "id");
    assert_eq!(
        ids.len(),
        4,
        "seeded issue token, seeded admin token, two created: {list}"
    );
    assert!(ids.contains(&issuer_id));
    let (_, rwth_list) = call(s, Method::GET, "/admin/tokens", RWTH_ADMIN, None).await;
    let rwth_ids: Vec<_> = member_strings(&rwth_list["items"], "id");
    assert_eq!(rwth_ids.len(), 2);
    assert!(
        rwth_ids.iter().all(|i| !ids.contains(i)),
        "no eth token in rwth's list"
    );
    // rwth's admin cannot revoke eth's token (it is "not found" for rwth, issue #13); it keeps working.
    let (status, problem) = revoke_token(s, RWTH_ADMIN, &issuer_id).await;
    assert_eq!(status, 404, "{problem}");
    let (status, _) = call(s, Method::GET, "/credentials", &issuer_secret, None).await;
    assert_eq!(status, 200);
    // eth's admin revokes it: 401 at once; a second revocation conflicts; unknown ids are 404.
    let res = reqwest::Client::new()
        .delete(format!(
            "{}/admin/tokens/{issuer_id}?reason=left%20the%20office",
            s.url()
        ))
        .bearer_auth(ETH_ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (status, _) = call(s, Method::GET, "/credentials", &issuer_secret, None).await;
    assert_eq!(status, 401);
    let (status, _) = revoke_token(s, ETH_ADMIN, &issuer_id).await;
    assert_eq!(status, 409);
    let (status, _) = revoke_token(s, ETH_ADMIN, "no-such-token").await;
    assert_eq!(status, 404);
    let (_, list) = call(s, Method::GET, "/admin/tokens", ETH_ADMIN, None).await;
    let revoked = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == json!(issuer_id))
        .unwrap()
        .clone();
    assert!(revoked["revokedAt"].is_string(), "{revoked}");
    // rwth's tokens are untouched.
    let (status, _) = call(s, Method::GET, "/credentials", RWTH, None).await;
    assert_eq!(status, 200);
    // Audit: who created and revoked which token, on eth's log only.
    let audit = s.app.store().audit_entries("eth").await.unwrap();
    let token_actions: Vec<_> = audit
        .iter()
        .filter(|r| r.2.starts_with("token-"))
        .map(|r| (r.2.as_str(), r.3.as_str(), r.4.as_deref()))
        .collect();
    assert_eq!(
        token_actions,
        [
            ("token-create", revoker["id"].as_str().unwrap(), None),
            ("token-create", issuer_id.as_str(), None),
            ("token-revoke", issuer_id.as_str(), Some("left the office")),
        ]
    );
    assert!(audit
        .iter()
        .filter(|r| r.2.starts_with("token-"))
        .all(|r| r.1.ends_with("@eth")));
    assert!(s
        .app
        .store()
        .audit_entries("rwth")
        .await
        .unwrap()
        .iter()
        .all(|r| !r.2.starts_with("token-")));
}
