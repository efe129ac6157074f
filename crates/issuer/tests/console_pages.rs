//! The staff console's pages (issue #18 item 2) over real HTTP on 127.0.0.1 against the service,
//! on SQLite and on PostgreSQL, signed in through the sign-in page:
//! - credential search finds by learner name and by identifier, and never another university's;
//! - revoke with confirmation: a POST without `_csrf` is 403 and changes nothing, an empty
//!   reason is refused next to its field, then the public status list bit flips (0 → 2);
//! - another university's credential id answers 404 on the detail, status and messages URLs;
//! - the audit log's CSV export has exactly the filtered rows, a formula cell guarded with `'`;
//! - API tokens: 403 for a non-admin; an admin creates one (secret shown once, it works on the
//!   API) and revokes it (401 afterwards);
//! - specifications: a form error is shown next to its field with its rule, a created spec gets
//!   a second version from the prefilled form, the preview renders the sample learner;
//! - the dashboard counts the revoked credential.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing)]

mod support;

use issuer::domain::status_list::Bitstring;
use issuer::domain::Role;
use issuer::server::RunningServer;
use serde_json::{json, Value};
use service_kit::test_client::{client, post_json_parts, SendOrStop as _};
use support::console_browser::{csrf_of, enc, staff_account, Browser};
use support::{eth_award, Db, BASE, ETH, RWTH};

/// The "further members" of the test specification: how it is assessed.
const ASSESSMENT: &str = r#"{"assessment": {"types": ["projectWork"], "supervision": "supervisedOnlineWithIdVerification"}}"#;

/// A spreadsheet formula as a revocation reason (the CSV export must not let it evaluate).
const FORMULA: &str = "=HYPERLINK(\"http://attacker.example\",\"click\")";

async fn started(db: Db) -> (RunningServer, std::path::PathBuf) {
    let dir = support::token_dir("console-pages", &[("eth", ETH), ("rwth", RWTH)], &[]);
    let url = support::fresh_database(db.is_postgres(), &dir.join("db/issuer.sqlite")).await;
    let server = support::start_server(support::config(&url, &dir.join("tokens.toml"))).await;
    let app = &server.app;
    staff_account(app, "eth", "coord", &[Role::Issue, Role::Revoke]).await;
    staff_account(app, "eth", "admin", &[Role::Admin]).await;
    staff_account(app, "rwth", "coord", &[Role::Issue, Role::Revoke]).await;
    (server, dir)
}

/// Issues ETH's example award to `given` `family` with student id `student_id`: `(id, vc)`.
async fn issue(s: &RunningServer, given: &str, family: &str, student_id: &str) -> (String, Value) {
    let mut award = eth_award();
    award["award"]["learner"]["givenNames"] = json!(given);
    award["award"]["learner"]["familyNames"] = json!(family);
    award["award"]["learner"]["studentId"] = json!(student_id);
    award["award"]["learner"]["homeUniversity"] = json!("eth");
    let (status, body, _) = post_json_parts(&s.url(), "/awards", Some(ETH), &award).await;
    assert_eq!(status, 201, "{body}");
    (
        body["id"].as_str().unwrap().to_owned(),
        body["verifiableCredential"].clone(),
    )
}

/// The 2-bit value of the credential's status entry in the served status list.
async fn status_value(s: &RunningServer, vc: &Value) -> Option<u8> {
    let entry = &vc["credentialStatus"];
    let entry = if entry.is_array() { &entry[0] } else { entry };
    let idx: u32 = entry["statusListIndex"].as_str().unwrap().parse().unwrap();
    let path = entry["statusListCredential"]
        .as_str()
        .unwrap()
        .strip_prefix(BASE)
        .unwrap();
    let res = client().get(format!("{}{path}", s.url())).sent().await;
    assert_eq!(res.status(), 200);
    let list: Value = res.json().await.unwrap();
    let bits =
        Bitstring::decode(list["credentialSubject"]["encodedList"].as_str().unwrap()).unwrap();
    bits.value(idx, 2)
}

/// Search by name, identifier and e-mail address, ETH's credentials only (RWTH sees none).
async fn search(
    s: &RunningServer,
    eth: &mut Browser,
    rwth: &mut Browser,
    zofia: &str,
    lukas: &str,
) {
    // Search: by name (any word order), by identifier; RWTH finds none of ETH's.
    for q in ["Zofia", "kowalczyk zofia", "K-318842"] {
        let page = eth.get(&format!("/console/credentials?q={}", enc(q))).await;
        assert_eq!(page.status, 200, "{q}");
        assert!(page.body.contains(zofia), "{q} finds Zofia's credential");
        assert!(!page.body.contains(lukas), "{q} does not find Lukas's");
    }
    // By e-mail address: the recipient of the learner's notification (the outbox, migration 0008).
    let message = issuer::store::NewOutboxMessage {
        id: "msg-1",
        credential_id: zofia,
        university: "eth",
        recipient: "Zofia.K@example.org",
        language: "en",
        share_token: "not-used-here",
        message_id: "<msg-1@issuer.test>",
        now: s.app.now(),
    };
    let audit = issuer::store::AuditEntry {
        at: s.app.now(),
        actor: "test",
        university: "eth",
        action: "notify",
        target: zofia,
        reason: None,
        detail: None,
    };
    s.app
        .store()
        .enqueue_message(&message, &audit)
        .await
        .unwrap();
    let by_mail = eth
        .get("/console/credentials?q=zofia.k%40example.org")
        .await;
    assert!(by_mail.body.contains(zofia) && !by_mail.body.contains(lukas));
    let by_mail = rwth
        .get("/console/credentials?q=zofia.k%40example.org")
        .await;
    assert!(!by_mail.body.contains(zofia), "not another university's");
    // By specification: the awards' learning opportunity stored as ETH's spec `prof-mc`.
    let spec = &eth_award()["award"]["learningOpportunity"];
    let path = "/specifications/prof-mc";
    let (status, body, _) = post_json_parts(&s.url(), path, Some(ETH), spec).await;
    assert_eq!(status, 201, "{body}");
    let by_spec = eth.get("/console/credentials?specification=prof-mc").await;
    assert!(by_spec.body.contains(zofia) && by_spec.body.contains(lukas));
    let none = eth
        .get("/console/credentials?specification=no-such-spec")
        .await;
    assert!(!none.body.contains(zofia) && none.body.contains("No credentials match."));
    let all = eth.get("/console/credentials?status=active").await;
    assert!(all.body.contains(zofia) && all.body.contains(lukas));
    let theirs = rwth.get("/console/credentials?q=Zofia").await;
    assert_eq!(theirs.status, 200);
    assert!(!theirs.body.contains(zofia) && !theirs.body.contains("Kowalczyk"));
    let nul = eth
        .get("/console/credentials?q=%00%25&specification=%00")
        .await;
    assert_eq!(nul.status, 200, "a NUL in a filter is dropped, never a 5xx");
    let nul = eth.get("/console/audit.csv?actor=%00&action=%00").await;
    assert_eq!(nul.status, 200);
    let bad_date = eth.get("/console/credentials?from=05.12.2026").await;
    assert!(
        bad_date.body.contains("id=\"from-error\""),
        "date error next to its field"
    );
    assert!(bad_date.body.contains("aria-describedby=\"from-error\""));
}

/// The audit log page and its CSV export of the filtered rows, the formula cell guarded.
async fn audit(eth: &mut Browser, rwth: &mut Browser, zofia: &str) {
    // Audit log: the page and the CSV of the filtered rows, the formula guarded.
    let audit = eth.get("/console/audit?action=revoke").await;
    assert_eq!(audit.status, 200);
    assert!(audit.body.contains(zofia));
    let csv = eth.get("/console/audit.csv?action=revoke").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.content_type.starts_with("text/csv"),
        "{}",
        csv.content_type
    );
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "only the revocation: {}", csv.body);
    assert_eq!(&rows[0][3], "revoke");
    assert_eq!(&rows[0][4], zofia);
    assert_eq!(rows[0][5], format!("'{FORMULA}"), "formula guarded");
    let issues = eth.get("/console/audit.csv?action=issue").await;
    assert_eq!(
        csv::Reader::from_reader(issues.body.as_bytes())
            .records()
            .count(),
        2
    );
    let rwth_csv = rwth.get("/console/audit.csv").await;
    assert!(
        !rwth_csv.body.contains(zofia),
        "RWTH's log has none of ETH's entries"
    );
}

async fn search_revoke_audit_and_tenancy(db: Db) {
    let (s, dir) = started(db).await;
    let base = s.url();
    let (zofia, zofia_vc) = issue(&s, "Zofia", "Kowalczyk", "K-318842").await;
    let (lukas, _) = issue(&s, "Lukas", "Meier", "M-1001").await;
    let mut eth = Browser::signed_in(&base, "eth", "coord").await;
    let mut rwth = Browser::signed_in(&base, "rwth", "coord").await;

    search(&s, &mut eth, &mut rwth, &zofia, &lukas).await;
    // Another university's credential: 404 everywhere, like a missing id.
    let cred = enc(&zofia);
    for path in [
        format!("/console/credentials/{cred}"),
        format!("/console/credentials/{cred}/status?action=revoke"),
        format!("/console/credentials/{cred}/messages"),
        format!("/console/credentials/{cred}/download?format=jsonld"),
    ] {
        let res = rwth.get(&path).await;
        assert_eq!(res.status, 404, "RWTH on {path}");
        assert!(!res.body.contains("Zofia"));
    }
    let rwth_csrf = csrf_of(&rwth.get("/console").await.body);
    let probe = [
        ("_csrf", rwth_csrf.as_str()),
        ("action", "revoke"),
        ("reason", "probe"),
    ];
    let res = rwth
        .post(&format!("/console/credentials/{cred}/status"), &probe)
        .await;
    assert_eq!(res.status, 404, "RWTH POST status");

    // Revoke with confirmation.
    assert_eq!(status_value(&s, &zofia_vc).await, Some(0));
    let confirm = eth
        .get(&format!("/console/credentials/{cred}/status?action=revoke"))
        .await;
    assert_eq!(confirm.status, 200);
    assert!(
        confirm.body.contains("<textarea id=\"reason\""),
        "a reason field"
    );
    let csrf = csrf_of(&confirm.body);
    let path = format!("/console/credentials/{cred}/status");
    let res = eth
        .post(&path, &[("action", "revoke"), ("reason", "x")])
        .await;
    assert_eq!(res.status, 403, "no _csrf");
    let res = eth
        .post(
            &path,
            &[("_csrf", &csrf), ("action", "revoke"), ("reason", " ")],
        )
        .await;
    assert_eq!(res.status, 400, "empty reason");
    assert!(
        res.body.contains("id=\"reason-error\"") && res.body.contains("console.reason-required")
    );
    assert_eq!(
        status_value(&s, &zofia_vc).await,
        Some(0),
        "nothing changed yet"
    );
    let res = eth
        .post(
            &path,
            &[("_csrf", &csrf), ("action", "revoke"), ("reason", FORMULA)],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(
        status_value(&s, &zofia_vc).await,
        Some(2),
        "the public list says revoked"
    );
    let detail = eth.get(&format!("/console/credentials/{cred}")).await;
    assert!(detail.body.contains("<dt>Status</dt><dd>Revoked</dd>"));
    // The share link kept with the learner's notification: share page and PDF linked.
    assert!(detail.body.contains("/share/not-used-here?format=pdf"));
    assert!(
        detail.body.contains("revoke"),
        "the audit trail shows the revocation"
    );
    // A wallet offer from the credential's page (QR code, link and PIN shown once).
    let offer_path = format!("/console/credentials/{}/offer", enc(&lukas));
    let res = rwth.post(&offer_path, &[("_csrf", &rwth_csrf)]).await;
    assert_eq!(res.status, 404, "RWTH offers none of ETH's");
    let offer = eth.post(&offer_path, &[("_csrf", &csrf)]).await;
    assert_eq!(offer.status, 200, "{}", offer.body);
    assert!(offer.body.contains("openid-credential-offer://") && offer.body.contains("<svg"));
    for p in [&detail.body, &offer.body, &confirm.body] {
        assert!(!p.contains(" style=\""), "no style attributes (CSP)");
    }
    let dash = eth.get("/console").await;
    assert!(
        dash.body.contains("<strong>2</strong> issued"),
        "{}",
        dash.body
    );
    assert!(dash.body.contains("<strong>1</strong> revoked"));

    audit(&mut eth, &mut rwth, &zofia).await;

    s.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

/// Specifications: create from the form (an error first), a new version, preview; RWTH sees 404.
async fn specifications(base: &str, coord: &mut Browser) {
    let form = coord.get("/console/specifications/new").await;
    assert_eq!(form.status, 200);
    let csrf = csrf_of(&form.body);
    let mut fields = vec![
        ("_csrf", csrf.as_str()),
        ("id", "ai-basics"),
        ("uri", "https://credentials.example/eth/ai-basics"),
        ("type", "instructorPacedCourse"),
        ("ects", "5"),
        ("hours", "150"),
        ("eqf", "7"),
        (
            "knowledge",
            "Explain supervised learning\nName three model families",
        ),
        ("languages", "en, de"),
        ("mode", "online"),
        ("extra", ASSESSMENT),
    ];
    let res = coord.post("/console/specifications", &fields).await;
    assert_eq!(res.status, 400, "no title");
    assert!(res.body.contains("id=\"title_en-error\"") && res.body.contains("spec.title-required"));
    assert!(res.body.contains("aria-describedby=\"title_en-error\""));
    fields.push(("description_en", "A NUL \u{0} and\r\nlines"));
    fields.push(("title_en", "AI basics"));
    let res = coord.post("/console/specifications", &fields).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let show = coord.get("/console/specifications/ai-basics").await;
    assert_eq!(show.status, 200);
    assert!(show.body.contains("value=\"AI basics\""), "prefilled");
    assert!(show.body.contains("Name three model families"));
    let mut v2 = fields.clone();
    v2.retain(|(k, _)| *k != "id" && *k != "title_en");
    v2.push(("title_en", "AI basics (2027)"));
    v2.push(("title_de", "KI-Grundlagen"));
    let res = coord.post("/console/specifications/ai-basics", &v2).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let versions = coord
        .get("/console/specifications/ai-basics/versions")
        .await;
    assert!(
        versions.body.contains("<th scope=\"row\">2</th>")
            && versions.body.contains("<th scope=\"row\">1</th>")
    );
    let preview = coord.get("/console/specifications/ai-basics/preview").await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(preview.body.contains("Alex Sample") && preview.body.contains("AI basics (2027)"));
    let list = coord.get("/console/specifications?lang=de").await;
    assert!(list.body.contains("ai-basics") && list.body.contains("<html lang=\"de\""));
    let mut rwth = Browser::signed_in(base, "rwth", "coord").await;
    for path in [
        "/console/specifications/ai-basics",
        "/console/specifications/ai-basics/preview",
    ] {
        assert_eq!(rwth.get(path).await.status, 404, "RWTH on {path}");
    }
}

async fn tokens_and_specifications(db: Db) {
    let (s, dir) = started(db).await;
    let base = s.url();
    let mut coord = Browser::signed_in(&base, "eth", "coord").await;
    assert_eq!(
        coord.get("/console/tokens").await.status,
        403,
        "not an admin"
    );
    assert!(
        !coord.get("/console").await.body.contains("/console/tokens"),
        "no menu entry"
    );
    let mut admin = Browser::signed_in(&base, "eth", "admin").await;
    let page = admin.get("/console/tokens").await;
    assert_eq!(page.status, 200);
    let csrf = csrf_of(&page.body);
    let res = admin
        .post(
            "/console/tokens",
            &[("label", "registrar export"), ("role_issue", "on")],
        )
        .await;
    assert_eq!(res.status, 403, "no _csrf");
    let res = admin
        .post("/console/tokens", &[("_csrf", &csrf), ("label", "x")])
        .await;
    assert_eq!(res.status, 400, "no role");
    assert!(res.body.contains("id=\"roles-error\"") && res.body.contains("token.roles"));
    let fields = [
        ("_csrf", csrf.as_str()),
        ("label", "registrar export"),
        ("role_issue", "on"),
    ];
    let created = admin.post("/console/tokens", &fields).await;
    assert_eq!(created.status, 200, "{}", created.body);
    let at = created
        .body
        .find("<code>enh_")
        .expect("the secret is shown")
        + 6;
    let secret = created.body[at..].split('<').next().unwrap().to_owned();
    let api = |secret: String| {
        let url = format!("{base}/credentials");
        async move {
            client()
                .get(url)
                .bearer_auth(secret)
                .sent()
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(api(secret.clone()).await, 200, "the new token works");
    let list = admin.get("/console/tokens").await;
    assert!(!list.body.contains(&secret), "shown once only");
    // The revocation form in the new token's row (the bootstrap token of tokens.toml is listed too).
    let row = list
        .body
        .split("<tr>")
        .find(|r| r.contains("registrar export"))
        .unwrap();
    let marker = "action=\"";
    let revoke_path = row[row.find(marker).unwrap() + marker.len()..]
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert!(revoke_path.ends_with("/revoke"), "{revoke_path}");
    let res = admin.post(&revoke_path, &[("_csrf", &csrf)]).await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(api(secret).await, 401, "the revoked token stops working");
    assert_eq!(
        api(ETH.to_owned()).await,
        200,
        "the other tokens still work"
    );

    // The dashboard's batches: a finished API batch and one claimed but unfinished (a crash).
    let res = client()
        .post(format!("{base}/awards/batch"))
        .bearer_auth(ETH)
        .header("idempotency-key", "batch-console-1")
        .json(&support::batch_of("micro-credential-professional.json", 2))
        .sent()
        .await;
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let store = s.app.store();
    store
        .claim_idempotency_key("eth", "stuck-key", "h", s.app.now())
        .await
        .unwrap();
    let dash = coord.get("/console").await;
    assert!(
        dash.body.contains("batch-console-1</a></th>"),
        "{}",
        dash.body
    );
    assert!(dash.body.contains("<td>2 / 2</td><td>all issued</td>"));
    assert!(dash.body.contains("stuck-key</th>") && dash.body.contains("running, or interrupted"));

    specifications(&base, &mut coord).await;

    s.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

support::both_backends!(search_revoke_audit_and_tenancy, tokens_and_specifications);
