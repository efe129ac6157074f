//! Cohort issuance of the staff console (issue #18 item 2) on the real service (127.0.0.1,
//! random port), on SQLite and on PostgreSQL: a 50-row CSV with 3 bad rows (`testdata/cohort/`)
//! and the same cohort as XLSX give the same records and findings; the bad rows are dropped, the
//! cohort is issued in the background (progress reaches 47), a second "issue" issues nothing,
//! every share link opens the learner page, the ZIP holds 47 PDFs; another university sees 404.
//! The domain functions are called with a staff principal (the console's handlers are thin
//! wrappers over them); the learner pages and the console's sign-in redirect go over HTTP.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    // The test prints its measured times (issuance, learner pages, ZIP) for the report.
    clippy::print_stderr
)]

mod support;

use std::io::Read as _;
use std::time::{Duration, Instant};

use issuer::app::cohort::{CohortEdit, CohortState, CohortUpload, CohortView};
use issuer::app::App;
use issuer::domain::{DomainError, Principal, Role};
use service_kit::test_client::{client, SendOrStop as _};
use support::{Db, ETH, RWTH};

const CSV: &str = include_str!("../../../testdata/cohort/cohort-50.csv");

fn staff(university: &str) -> Principal {
    Principal {
        token_id: format!("staff-{university}"),
        university: university.to_owned(),
        roles: vec![Role::Issue],
    }
}

/// The XLSX of the CSV's records: dates as real spreadsheet dates (`yyyy-mm-dd` format), other
/// cells as text, as a registrar's spreadsheet holds them.
fn xlsx_of(csv: &str) -> Vec<u8> {
    let records = issuer::domain::csv_rows::parse_csv(csv).unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let sheet = book.add_worksheet();
    for (r, record) in records.iter().enumerate() {
        for (c, cell) in record.iter().enumerate() {
            let (r, c) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
            match chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d") {
                Ok(d) => {
                    use chrono::Datelike as _;
                    let dt = rust_xlsxwriter::ExcelDateTime::from_ymd(
                        u16::try_from(d.year()).unwrap(),
                        u8::try_from(d.month()).unwrap(),
                        u8::try_from(d.day()).unwrap(),
                    )
                    .unwrap();
                    sheet.write_datetime_with_format(r, c, &dt, &date).unwrap();
                }
                Err(_) if cell.is_empty() => {}
                Err(_) => {
                    sheet.write_string(r, c, cell).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

fn upload<'a>(name: &'a str, bytes: &'a [u8]) -> CohortUpload<'a> {
    CohortUpload {
        file_name: name,
        content_type: None,
        bytes,
        specification: Some("prof-mc"),
        version: None,
        max_rows: 1000,
    }
}

/// `(line, column header, rule)` of every finding of a cohort.
fn findings(v: &CohortView) -> Vec<(usize, Option<String>, String)> {
    v.rows
        .iter()
        .flat_map(|r| {
            r.findings.iter().map(|f| {
                let column = f.column.map(|c| v.header[c].clone());
                (r.line, column, f.error.rule.clone())
            })
        })
        .collect()
}

async fn started(db: Db) -> (issuer::server::RunningServer, std::path::PathBuf, String) {
    let dir = support::token_dir("console-cohort", &[("eth", ETH), ("rwth", RWTH)], &[]);
    let url = support::fresh_database(db.is_postgres(), &dir.join("db/issuer.sqlite")).await;
    let mut config = support::config(&url, &dir.join("tokens.toml"));
    // The certificate page images are rendered once per learner otherwise (not what this tests).
    config.render_display_images = false;
    (support::start_server(config).await, dir, url)
}

async fn issued_count(app: &App) -> usize {
    app.store()
        .list_credentials("eth", 1000, 0)
        .await
        .unwrap()
        .len()
}

async fn cohort_end_to_end(db: Db) {
    let (s, dir, url) = started(db).await;
    let app = s.app.clone();
    let eth = staff("eth");
    let spec = support::eth_award()["award"]["learningOpportunity"].clone();
    app.add_specification(&eth, "prof-mc", &spec).await.unwrap();

    domain_checks(&app, &eth).await;
    let (mut web, location, id) = upload_and_fix_over_http(&s).await;
    issue_twice_over_http(&mut web, &location, &app).await;
    results_over_http(&mut web, &s, &location, &id).await;

    // Without a session: 303 to the sign-in page.
    web.cookie.clear();
    let (status, to, _) = web.get(&location).await;
    assert_eq!(status, 303);
    assert!(to.starts_with("/console/sign-in"), "{to}");
    resumes_after_a_stop(&app, &url).await;
    support::stop((s, dir)).await;
}

/// A browser without JavaScript holding a console session cookie.
struct Console {
    base: String,
    client: reqwest::Client,
    cookie: String,
    csrf: String,
}

impl Console {
    /// A staff account of `university` with the issue role and a session opened for it.
    async fn signed_in(s: &issuer::server::RunningServer, university: &str, user: &str) -> Self {
        let account = s
            .app
            .create_staff_account(
                &issuer::app::staff::NewStaffAccount {
                    university: university.into(),
                    username: user.into(),
                    display_name: format!("{user} of {university}"),
                    email: None,
                    password: Some("correct horse battery staple".into()),
                    roles: vec![Role::Issue],
                    totp: false,
                },
                "test",
                false,
            )
            .await
            .unwrap()
            .unwrap();
        let session = s.app.open_staff_session(&account.id, "en").await.unwrap();
        let mut c = Self {
            base: s.url(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookie: format!("enhance_console={}", session.id),
            csrf: String::new(),
        };
        let (status, _, page) = c.get("/console/cohorts/new").await;
        assert_eq!(status, 200, "{page}");
        let at = page.find("name=\"_csrf\" value=\"").unwrap() + "name=\"_csrf\" value=\"".len();
        c.csrf = page[at..at + page[at..].find('"').unwrap()].to_owned();
        c
    }

    async fn raw(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .sent()
            .await
    }

    async fn answer(res: reqwest::Response) -> (u16, String, String) {
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, location, res.text().await.unwrap())
    }

    async fn get(&mut self, path: &str) -> (u16, String, String) {
        Self::answer(self.raw(path).await).await
    }

    async fn post(&mut self, path: &str, form: &str) -> (u16, String, String) {
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_owned())
            .sent()
            .await;
        Self::answer(res).await
    }

    /// `POST /console/cohorts` as a browser sends the upload form (multipart/form-data).
    async fn upload(
        &mut self,
        csrf: &str,
        (name, media_type): (&str, &str),
        bytes: &[u8],
    ) -> (u16, String, String) {
        let b = "----cohort-test-boundary";
        let mut body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
--{b}\r\nContent-Disposition: form-data; name=\"specification\"\r\n\r\nprof-mc\r\n\
--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {media_type}\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
        let res = self
            .client
            .post(format!("{}/console/cohorts", self.base))
            .header("cookie", &self.cookie)
            .header("content-type", format!("multipart/form-data; boundary={b}"))
            .body(body)
            .sent()
            .await;
        Self::answer(res).await
    }
}

/// The domain functions: CSV and XLSX agree, fixes are re-checked, drops, tenancy.
async fn domain_checks(app: &App, eth: &Principal) {
    let eth = eth.clone();
    // CSV and XLSX of the same cohort: the same records, the same findings at the same fields.
    let from_csv = app
        .create_cohort(&eth, upload("cohort.csv", CSV.as_bytes()))
        .await
        .unwrap();
    let xlsx = xlsx_of(CSV);
    let from_xlsx = app
        .create_cohort(&eth, upload("cohort.xlsx", &xlsx))
        .await
        .unwrap();
    let csv_view = app.cohort(&eth, &from_csv).await.unwrap();
    let xlsx_view = app.cohort(&eth, &from_xlsx).await.unwrap();
    assert_eq!(csv_view.rows.len(), 50);
    assert_eq!(csv_view.header, xlsx_view.header);
    assert_eq!(
        csv_view.rows, xlsx_view.rows,
        "XLSX and CSV give the same rows"
    );
    assert_eq!(xlsx_view.source, "xlsx");
    assert_eq!((csv_view.ready(), csv_view.with_errors()), (47, 3));
    let found = findings(&csv_view);
    let at = |line: usize| {
        found
            .iter()
            .filter(|f| f.0 == line)
            .cloned()
            .collect::<Vec<_>>()
    };
    assert!(
        !at(8).is_empty()
            && at(8)
                .iter()
                .all(|f| f.1.as_deref() == Some("learner.dateOfBirth")),
        "{found:?}"
    );
    assert!(
        !at(20).is_empty()
            && at(20)
                .iter()
                .all(|f| f.1.as_deref() == Some("learner.familyNames")),
        "{found:?}"
    );
    assert_eq!(
        at(34),
        vec![(
            34,
            Some("awardingUniversity".into()),
            "auth.university".into()
        )]
    );
    assert_eq!(
        found.len(),
        at(8).len() + at(20).len() + at(34).len(),
        "{found:?}"
    );

    // Issuing is refused while rows have errors; a fix is re-checked; the bad rows are dropped.
    assert!(matches!(
        app.start_cohort_issue(&eth, &from_csv).await,
        Err(DomainError::Conflict(_))
    ));
    let fix = CohortEdit {
        cells: vec![(6, 5, "1990-02-28".into())],
        drop: vec![],
    };
    app.edit_cohort(&eth, &from_csv, &fix).await.unwrap();
    assert_eq!(app.cohort(&eth, &from_csv).await.unwrap().with_errors(), 2);
    let drop = CohortEdit {
        cells: vec![],
        drop: vec![6, 18, 32],
    };
    app.edit_cohort(&eth, &from_csv, &drop).await.unwrap();
    let view = app.cohort(&eth, &from_csv).await.unwrap();
    assert_eq!((view.ready(), view.with_errors()), (47, 0));

    // Another university: 404 for every operation.
    let rwth = staff("rwth");
    assert!(matches!(
        app.cohort(&rwth, &from_csv).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(matches!(
        app.edit_cohort(&rwth, &from_csv, &drop).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(matches!(
        app.start_cohort_issue(&rwth, &from_csv).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(matches!(
        app.cohort_progress(&rwth, &from_csv).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(matches!(
        app.cohort_result(&rwth, &from_csv).await,
        Err(DomainError::NotFound(_))
    ));
}

/// Upload, the findings next to their fields, drops; another university's 404s.
async fn upload_and_fix_over_http(s: &issuer::server::RunningServer) -> (Console, String, String) {
    // The rest over HTTP as a signed-in coordinator without JavaScript: upload, drop, issue.
    let mut web = Console::signed_in(s, "eth", "coordinator").await;
    let form = web.get("/console/cohorts/new").await;
    assert_eq!(form.0, 200);
    assert!(form.2.contains("<option value=\"prof-mc\">"), "{}", form.2);
    let csrf = web.csrf.clone();
    let (status, _, template) = web
        .get("/console/cohorts/template.csv?specification=prof-mc")
        .await;
    assert_eq!(status, 200);
    let columns = template.trim_end().split(',').collect::<Vec<_>>();
    assert!(columns.contains(&"learner.familyNames") && columns.contains(&"display:json"));
    assert!(!template.contains("learningOpportunity"), "{template}");
    assert!(CSV.starts_with(template.trim_end().split(",display").next().unwrap()));
    // Another type of file: the form again, the message tied to the file field.
    let (status, _, body) = web
        .upload(&csrf, ("grades.pdf", "application/pdf"), b"%PDF-1.7")
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("aria-describedby=\"file-error\""), "{body}");
    assert!(body.contains("cohort.file-type"), "{body}");
    let (status, location, body) = web
        .upload(&csrf, ("cohort.csv", "text/csv"), CSV.as_bytes())
        .await;
    assert_eq!(status, 303, "{body}");
    let id = location
        .strip_prefix("/console/cohorts/")
        .unwrap()
        .to_owned();
    let (status, _, page) = web.get(&location).await;
    assert_eq!(status, 200);
    assert!(page.contains("47 ready, 3 with errors"), "{page}");
    // Each error next to its field: the input says it is invalid and points at its message.
    for (row, col) in [(6, 5), (18, 4), (32, 2)] {
        let input = format!("id=\"c-{row}-{col}\"");
        let at = page
            .find(&input)
            .unwrap_or_else(|| panic!("{input}: {page}"));
        let tail = &page[at..at + 400];
        let described = format!("aria-describedby=\"e-{row}-{col}\"");
        assert!(tail.contains(&described), "{tail}");
        assert!(page.contains(&format!("<span id=\"e-{row}-{col}\" class=\"error\">")));
    }
    assert_eq!(page.matches("aria-invalid=\"true\"").count(), 3);
    assert!(
        !page.contains(&format!("/console/cohorts/{id}/issue")),
        "no issue button yet"
    );
    let drop = format!("_csrf={csrf}&drop=6&drop=18&drop=32");
    assert_eq!(web.post(&location, "drop=6").await.0, 403, "no CSRF token");
    assert_eq!(web.post(&location, &drop).await.0, 303);
    let (_, _, page) = web.get(&location).await;
    assert!(page.contains("47 ready, 0 with errors"), "{page}");
    assert!(page.contains("Issue 47 credentials"), "{page}");

    // Another university's coordinator: 404 on every page of the cohort.
    let mut other = Console::signed_in(s, "rwth", "other").await;
    for path in ["", "/progress", "/progress.json", "/result", "/pdfs.zip"] {
        assert_eq!(
            other.get(&format!("{location}{path}")).await.0,
            404,
            "{path}"
        );
    }
    let other_csrf = other.csrf.clone();
    let stolen = format!("_csrf={other_csrf}");
    assert_eq!(
        other.post(&format!("{location}/issue"), &stolen).await.0,
        404
    );

    (web, location, id)
}

/// Issue twice (a double submit): progress reaches 47, nothing is issued twice.
async fn issue_twice_over_http(web: &mut Console, location: &str, app: &App) {
    let csrf = web.csrf.clone();
    // Issue twice (a double submit): the second starts nothing.
    let t0 = Instant::now();
    let issue = format!("{location}/issue");
    let form = format!("_csrf={csrf}");
    assert_eq!(web.post(&issue, "").await.0, 403, "no CSRF token");
    let (status, to, _) = web.post(&issue, &form).await;
    assert_eq!(
        (status, to.as_str()),
        (303, format!("{location}/progress").as_str())
    );
    assert_eq!(web.post(&issue, &form).await.0, 303);
    let (status, _, progress_page) = web.get(&format!("{location}/progress")).await;
    if status == 200 {
        assert!(
            progress_page.contains("<progress id=\"cohort-progress\" max=\"47\""),
            "{progress_page}"
        );
        assert!(
            progress_page.contains("http-equiv=\"refresh\""),
            "{progress_page}"
        );
    }
    let mut seen = Vec::new();
    loop {
        let (status, _, json) = web.get(&format!("{location}/progress.json")).await;
        assert_eq!(status, 200);
        let p: serde_json::Value = serde_json::from_str(&json).unwrap();
        seen.push(p["issued"].as_u64().unwrap());
        if p["state"] == "done" {
            assert_eq!(
                (p["issued"].as_u64(), p["total"].as_u64()),
                (Some(47), Some(47))
            );
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(300),
            "cohort not issued in 300 s: {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!("47 issued in {:?}; progress seen {seen:?}", t0.elapsed());
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "progress only grows: {seen:?}"
    );
    assert_eq!(
        web.get(&format!("{location}/progress")).await.0,
        303,
        "done: to the result"
    );
    assert_eq!(web.post(&issue, &form).await.0, 303);
    assert_eq!(issued_count(app).await, 47, "47 issued, not 94");
}

/// The result page's share links open the learner pages; the ZIP has every PDF.
async fn results_over_http(
    web: &mut Console,
    s: &issuer::server::RunningServer,
    location: &str,
    id: &str,
) {
    let (app, eth, rwth) = (&s.app, staff("eth"), staff("rwth"));
    // The result: 47 share links, each opening the learner's page.
    let (status, _, page) = web.get(&format!("{location}/result")).await;
    assert_eq!(status, 200);
    let prefix = format!("<a href=\"{}/share/", support::BASE);
    let tokens: Vec<&str> = page
        .split(&prefix)
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert_eq!(tokens.len(), 47, "{page}");
    assert!(page.contains("Anna Müller"));
    let t1 = Instant::now();
    for token in &tokens {
        let res = client()
            .get(format!("{}/share/{token}", s.url()))
            .header("accept", "text/html")
            .sent()
            .await;
        assert_eq!(res.status(), 200);
    }
    eprintln!("47 learner pages in {:?}", t1.elapsed());

    // All PDFs as one ZIP.
    let t2 = Instant::now();
    let res = web.raw(&format!("{location}/pdfs.zip")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let zip = res.bytes().await.unwrap().to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    assert_eq!(archive.len(), 47);
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        assert!(name.ends_with(".pdf"), "{name}");
        let mut head = [0u8; 4];
        f.read_exact(&mut head).unwrap();
        assert_eq!(&head, b"%PDF", "{name}");
    }
    eprintln!("ZIP of 47 PDFs in {:?}", t2.elapsed());
    // The domain's view of the same cohort.
    let result = app.cohort_result(&eth, id).await.unwrap();
    assert!(result
        .iter()
        .all(|r| r.errors.is_empty() && r.share_token.is_some()));
    assert!(matches!(
        app.cohort_result(&rwth, id).await,
        Err(DomainError::NotFound(_))
    ));
}

/// A cohort left `issuing` by a stopped process (state set as the crash left it) is resumed by
/// "issue" and finishes; nothing is issued twice.
async fn resumes_after_a_stop(app: &App, url: &str) {
    use sqlx::Connection as _;
    let eth = staff("eth");
    let before = issued_count(app).await;
    let two: String = CSV
        .split("\r\n")
        .take(3)
        .map(|l| format!("{l}\r\n"))
        .collect();
    let id = app
        .create_cohort(&eth, upload("two.csv", two.as_bytes()))
        .await
        .unwrap();
    sqlx::any::install_default_drivers();
    let mut c = sqlx::AnyConnection::connect(url).await.unwrap();
    let crashed = format!("UPDATE cohorts SET state = 'issuing', total = 2 WHERE id = '{id}'");
    sqlx::raw_sql(sqlx::AssertSqlSafe(crashed))
        .execute(&mut c)
        .await
        .unwrap();
    assert!(app.start_cohort_issue(&eth, &id).await.unwrap(), "resumed");
    let t0 = Instant::now();
    while app.cohort_progress(&eth, &id).await.unwrap().state != CohortState::Done {
        assert!(
            t0.elapsed() < Duration::from_secs(120),
            "resumed cohort not done"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!app.start_cohort_issue(&eth, &id).await.unwrap());
    assert_eq!(issued_count(app).await, before + 2);
    assert_eq!(app.cohort_result(&eth, &id).await.unwrap().len(), 2);
}

support::both_backends!(cohort_end_to_end);
