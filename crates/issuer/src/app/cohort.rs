//! Cohort issuance of the staff console (issue #18 item 2; ENHANCE framework MS18 §7.4
//! "Certification"): a CSV or XLSX upload with one row per learner becomes a draft cohort (its
//! records stored, learner data in the database only), each row checked exactly as the batch API
//! would check it (the award parser, the tenancy rule, `elm_model::validate` with its size
//! limits, the image bytes) without signing; rows with findings are fixed or dropped; then the
//! whole cohort is issued in a background task through [`App::issue_batch`] with the cohort id
//! as the `Idempotency-Key` (a double submit or a retry never issues a row twice), its progress
//! read from the credentials stored under `<key>#<row>`, its result (credential ids, share-link
//! tokens, findings) stored with the cohort.

use std::io::Write as _;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::api::{AwardRequest, FromJson, RowStatus};
use super::App;
use crate::domain::csv_rows::{parse_csv, records_to_awards};
use crate::domain::{DomainError, FieldError, Principal, Role};
use crate::store::{CohortRow, NewCohort};

/// The records of a cohort: the header row and the data rows with their line in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Records {
    /// Column headers (award field paths, as in a CSV batch).
    pub header: Vec<String>,
    /// Data rows.
    pub rows: Vec<RecordRow>,
}

/// One data row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordRow {
    /// Its row number in the uploaded file (the header is row 1).
    pub line: usize,
    /// Its cells.
    pub cells: Vec<String>,
}

/// What kind of file an upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadFormat {
    /// RFC 4180 CSV.
    Csv,
    /// Office Open XML workbook.
    Xlsx,
}

/// The media type of XLSX workbooks.
pub const XLSX_MEDIA_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

impl UploadFormat {
    /// XLSX when the name or media type says so and the bytes are a ZIP archive; CSV when the
    /// name or media type says so (browsers on Windows send `application/vnd.ms-excel` for
    /// `.csv`); else `None`.
    pub fn detect(file_name: &str, content_type: Option<&str>, bytes: &[u8]) -> Option<Self> {
        let name = file_name.to_ascii_lowercase();
        let ct = content_type
            .and_then(|c| c.split(';').next())
            .map(|c| c.trim().to_ascii_lowercase())
            .unwrap_or_default();
        if (name.ends_with(".xlsx") || ct == XLSX_MEDIA_TYPE) && bytes.starts_with(b"PK\x03\x04") {
            return Some(Self::Xlsx);
        }
        let csv_type = matches!(ct.as_str(), "text/csv" | "application/vnd.ms-excel");
        (name.ends_with(".csv") || csv_type).then_some(Self::Csv)
    }

    /// `csv` or `xlsx`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }
}

/// An uploaded cohort file with the specification chosen for it.
#[derive(Debug, Clone, Copy)]
pub struct CohortUpload<'a> {
    /// The file's name as sent.
    pub file_name: &'a str,
    /// Its media type as sent.
    pub content_type: Option<&'a str>,
    /// Its bytes.
    pub bytes: &'a [u8],
    /// The stored specification filling `learningOpportunity` (none: the file has its columns).
    pub specification: Option<&'a str>,
    /// Its version (none: the latest).
    pub version: Option<i64>,
    /// At most this many data rows (config `limits.max_batch_size`).
    pub max_rows: usize,
}

/// A cohort's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CohortState {
    /// Uploaded; rows can be fixed or dropped.
    Draft,
    /// The batch is running.
    Issuing,
    /// The batch finished; the result is stored.
    Done,
}

impl CohortState {
    fn parse(s: &str) -> Self {
        match s {
            "issuing" => Self::Issuing,
            "done" => Self::Done,
            _ => Self::Draft,
        }
    }
}

/// A finding of a row, with the column it belongs to (none: the row as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Index into the header.
    pub column: Option<usize>,
    /// The finding (field path, rule, message).
    pub error: FieldError,
}

/// One row of the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortRowView {
    /// Its row number in the file.
    pub line: usize,
    /// Its cells (as many as the header, padded).
    pub cells: Vec<String>,
    /// What keeps it from being issued.
    pub findings: Vec<Finding>,
}

/// A cohort as previewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortView {
    /// Id.
    pub id: String,
    /// The specification filling `learningOpportunity`, and its version.
    pub specification: Option<(String, i64)>,
    /// State.
    pub state: CohortState,
    /// `csv` or `xlsx`.
    pub source: String,
    /// The header.
    pub header: Vec<String>,
    /// The rows with their findings (checked now).
    pub rows: Vec<CohortRowView>,
    /// Why the last issuing attempt stopped, if it did.
    pub error: Option<String>,
}

impl CohortView {
    /// Rows without findings.
    pub fn ready(&self) -> usize {
        self.rows.iter().filter(|r| r.findings.is_empty()).count()
    }

    /// Rows with findings.
    pub fn with_errors(&self) -> usize {
        self.rows.len().saturating_sub(self.ready())
    }
}

/// Fixes and drops of a draft cohort's rows (indices into the current rows).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CohortEdit {
    /// `(row, column, new value)`.
    pub cells: Vec<(usize, usize, String)>,
    /// Rows to drop.
    pub drop: Vec<usize>,
}

/// How far the batch of a cohort is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CohortProgress {
    /// State.
    pub state: CohortState,
    /// Rows stored so far.
    pub issued: usize,
    /// Rows in the batch.
    pub total: usize,
}

/// One row of a finished cohort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultRow {
    /// Its row number in the file.
    pub line: usize,
    /// The learner's name (from the row's `learner.*` cells).
    pub name: String,
    /// The issued credential.
    pub credential_id: Option<String>,
    /// Its share link's token (a bearer secret: console only, never logged). None for a row
    /// issued by an earlier, interrupted attempt (its link was shown to nobody).
    pub share_token: Option<String>,
    /// Why it was not issued.
    pub errors: Vec<FieldError>,
}

/// A cohort as listed on the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortSummary {
    /// Id.
    pub id: String,
    /// Specification id.
    pub specification: Option<String>,
    /// State.
    pub state: CohortState,
    /// Rows in the batch (0 while a draft).
    pub total: usize,
    /// Created (RFC 3339).
    pub created_at: String,
}

/// The `n` newest cohorts of `university` (for the console's dashboard; the caller has checked
/// the session belongs to `university`).
pub async fn recent_cohorts(
    app: &App,
    university: &str,
    n: usize,
) -> Result<Vec<CohortSummary>, DomainError> {
    let n = i64::try_from(n.min(100)).unwrap_or(100);
    let rows = app.store().recent_cohorts(university, n).await?;
    Ok(rows
        .into_iter()
        .map(|r| CohortSummary {
            id: r.id,
            specification: r.specification,
            state: CohortState::parse(&r.state),
            total: usize::try_from(r.total).unwrap_or(0),
            created_at: r.created_at,
        })
        .collect())
}

fn bad(path: &str, rule: &str, message: impl Into<String>) -> DomainError {
    DomainError::BadRequest(format!("{path}: {} (rule {rule})", message.into()))
}

/// The column a finding at `path` belongs to: the column of that path, else the `:json` column
/// holding it, else the first column below it (a finding on `learner` → `learner.givenNames`).
pub fn column_of(header: &[String], path: &str) -> Option<usize> {
    let names: Vec<&str> = header
        .iter()
        .map(|h| h.trim().strip_suffix(":json").unwrap_or(h.trim()))
        .collect();
    if path.is_empty() {
        return None;
    }
    names
        .iter()
        .position(|n| *n == path)
        .or_else(|| {
            names.iter().position(|n| {
                path.strip_prefix(n)
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
            })
        })
        .or_else(|| {
            names.iter().position(|n| {
                n.strip_prefix(path)
                    .is_some_and(|rest| rest.starts_with('.'))
            })
        })
}

/// What [`running`] does.
#[derive(Clone, Copy)]
enum Running {
    Has,
    Add,
    Remove,
}

/// The cohorts whose batch runs in this process: `Has` → whether `id` is one; `Add` → `false`
/// when it already was (so one process never runs a batch twice at once); `Remove` → `true`.
fn running(id: &str, op: Running) -> bool {
    static RUNNING: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    // A poisoned lock still holds a usable list (only pushes and removals happen under it).
    let mut ids = RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let has = ids.iter().any(|r| r == id);
    match op {
        Running::Has => has,
        Running::Add if has => false,
        Running::Add => {
            ids.push(id.to_owned());
            true
        }
        Running::Remove => {
            ids.retain(|r| r != id);
            true
        }
    }
}

/// The field a finding is about: its path, or for the parser's "missing field `x`" the path of
/// that field (`learner` + `familyNames`).
fn field_of(error: &FieldError) -> String {
    let missing = error
        .message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name);
    match missing {
        Some(name) if error.path.is_empty() => name.to_owned(),
        Some(name) => format!("{}.{name}", error.path),
        None => error.path.clone(),
    }
}

/// The learner's name of a row: its `learner.givenNames` and `learner.familyNames` cells.
fn learner_name(header: &[String], cells: &[String]) -> String {
    let cell = |name: &str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .and_then(|i| cells.get(i))
            .map(|c| c.trim().to_owned())
            .unwrap_or_default()
    };
    [cell("learner.givenNames"), cell("learner.familyNames")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A file name for a learner's PDF: the name and the credential's UUID, letters and digits
/// kept (any script), everything else `-`, at most 80 characters before `.pdf`.
pub fn pdf_file_name(name: &str, credential_id: &str) -> String {
    let id = credential_id.rsplit(':').next().unwrap_or(credential_id);
    let raw = format!("{name}-{id}");
    let mut out = String::new();
    for c in raw.chars().take(80) {
        let keep = c.is_alphanumeric() || c == '-';
        if keep || !out.ends_with('-') {
            out.push(if keep { c } else { '-' });
        }
    }
    let out = out.trim_matches('-');
    format!("{}.pdf", if out.is_empty() { "credential" } else { out })
}

/// One ZIP archive (deflate) of `files` (`(name, bytes)`).
pub fn zip_files(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, DomainError> {
    let failed = |e: &dyn std::fmt::Display| DomainError::Storage(format!("zip: {e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options)
            .map_err(|e| failed(&e))?;
        zip.write_all(bytes).map_err(|e| failed(&e))?;
    }
    Ok(zip.finish().map_err(|e| failed(&e))?.into_inner())
}

/// The records of an upload (header first), refused with a message naming the file or cell.
fn read_upload(upload: &CohortUpload<'_>, format: UploadFormat) -> Result<Records, DomainError> {
    let records = match format {
        UploadFormat::Csv => {
            let text = std::str::from_utf8(upload.bytes)
                .map_err(|_| bad("file", "csv.utf8", "the CSV is not UTF-8"))?;
            parse_csv(text).map_err(|e| bad("file", "csv.parse", e.to_string()))?
        }
        UploadFormat::Xlsx => {
            // An XLSX expands several times; 32 times the upload is generous for text cells.
            let limit = u64::try_from(upload.bytes.len())
                .unwrap_or(u64::MAX)
                .saturating_mul(32)
                .max(1 << 20);
            crate::domain::xlsx_rows::parse_xlsx(upload.bytes, limit)
                .map_err(|e| DomainError::BadRequest(e.to_string()))?
        }
    };
    let mut records = records.into_iter();
    let header = records
        .next()
        .ok_or_else(|| bad("file", "csv.header", "the file has no header row"))?;
    // A header that is not a list of field paths refuses the file (as the batch API does).
    records_to_awards(vec![header.clone()], None)
        .map_err(|e| bad("file", "csv.header", e.to_string()))?;
    let rows: Vec<RecordRow> = records
        .enumerate()
        .map(|(i, cells)| RecordRow {
            line: i.saturating_add(2),
            cells,
        })
        .collect();
    if rows.is_empty() {
        return Err(bad("file", "cohort.rows", "the file has no learner rows"));
    }
    if rows.len() > upload.max_rows {
        return Err(bad(
            "file",
            "cohort.rows",
            format!(
                "{} learner rows; at most {} per cohort (limits.max_batch_size)",
                rows.len(),
                upload.max_rows
            ),
        ));
    }
    Ok(Records { header, rows })
}

impl App {
    /// Stores an uploaded CSV or XLSX as a draft cohort of the caller's university; its id.
    pub async fn create_cohort(
        &self,
        principal: &Principal,
        upload: CohortUpload<'_>,
    ) -> Result<String, DomainError> {
        principal.require(&principal.university, Role::Issue)?;
        let format = UploadFormat::detect(upload.file_name, upload.content_type, upload.bytes)
            .ok_or_else(|| {
                bad(
                    "file",
                    "cohort.file-type",
                    "upload a .csv (RFC 4180, UTF-8) or .xlsx workbook",
                )
            })?;
        let records = read_upload(&upload, format)?;
        let version = match upload.specification {
            Some(spec) => Some(
                self.specification_version(principal, spec, upload.version)
                    .await?,
            ),
            None => None,
        };
        let text =
            serde_json::to_string(&records).map_err(|e| DomainError::Storage(e.to_string()))?;
        let id = format!("cohort-{}", uuid::Uuid::new_v4());
        self.store()
            .insert_cohort(&NewCohort {
                id: &id,
                university: &principal.university,
                specification: upload.specification,
                version,
                created_by: &principal.actor(),
                source: format.as_str(),
                records: &text,
                now: self.now(),
            })
            .await?;
        tracing::info!(university = %principal.university, cohort = %id, rows = records.rows.len(), "cohort uploaded");
        Ok(id)
    }

    /// The version `version` of specification `id` if stored, else (none asked) the latest.
    async fn specification_version(
        &self,
        principal: &Principal,
        id: &str,
        version: Option<i64>,
    ) -> Result<i64, DomainError> {
        let list = self.specifications(principal, Some(id)).await?;
        let found = match version {
            Some(v) => list.items.iter().find(|s| s.version == v),
            None => list.items.iter().max_by_key(|s| s.version),
        };
        found.map(|s| s.version).ok_or_else(|| {
            DomainError::NotFound(format!(
                "version {} of specification `{id}`",
                version.unwrap_or(0)
            ))
        })
    }

    /// Cohort `id` of the caller's university (another university's answers like a missing one).
    async fn owned_cohort(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<(CohortRow, Records), DomainError> {
        principal.require(&principal.university, Role::Issue)?;
        let row = self
            .store()
            .cohort(&principal.university, id)
            .await?
            .ok_or_else(|| DomainError::NotFound(format!("cohort `{id}`")))?;
        let records: Records = serde_json::from_str(&row.records)
            .map_err(|e| DomainError::Storage(format!("cohort records: {e}")))?;
        Ok((row, records))
    }

    /// The request of every row (a row that cannot be read carries its findings) and the batch
    /// identity (the records and the specification body).
    async fn cohort_requests(
        &self,
        principal: &Principal,
        row: &CohortRow,
        records: &Records,
    ) -> Result<(Vec<u8>, Vec<Result<AwardRequest, Vec<FieldError>>>), DomainError> {
        let lo = match &row.specification {
            Some(spec) => Some(
                self.specification_body(principal, spec, row.version)
                    .await?,
            ),
            None => None,
        };
        let mut identity =
            serde_json::to_vec(records).map_err(|e| DomainError::Storage(e.to_string()))?;
        if let Some(lo) = &lo {
            identity.extend_from_slice(lo.to_string().as_bytes());
        }
        let all = std::iter::once(records.header.clone())
            .chain(records.rows.iter().map(|r| r.cells.clone()))
            .collect();
        let rows = records_to_awards(all, lo.as_ref())
            .map_err(|e| bad("file", "csv.header", e.to_string()))?
            .into_iter()
            .map(|r| {
                r.and_then(|v| {
                    AwardRequest::from_json(v).map_err(|e| match e {
                        DomainError::Validation(errors) => errors,
                        other => vec![FieldError::new("", "batch.row", other.to_string())],
                    })
                })
            })
            .collect();
        Ok((identity, rows))
    }

    /// The findings issuing `request` would give before signing: the award parser (with the
    /// oversized-field findings), the awarding university's tenancy, `elm_model::validate` (size
    /// limits first) on today's date, and the image bytes.
    pub fn check_award_request(
        &self,
        principal: &Principal,
        request: &AwardRequest,
    ) -> Vec<FieldError> {
        let text = match serde_json::to_string(&request.award) {
            Ok(t) => t,
            Err(e) => return vec![FieldError::new("", "award.parse", e.to_string())],
        };
        let award = match elm_model::parse_award(&text) {
            Ok(a) => a,
            Err(i) if i.rule == "award.max-bytes" => {
                let issues =
                    elm_model::limits::oversized_award_findings(&request.award, text.len());
                return FieldError::errors_of(&issues);
            }
            Err(i) => return FieldError::errors_of(&[i]),
        };
        if let Err(e) = principal.require(&award.awarding_university, Role::Issue) {
            return vec![FieldError::new(
                "awardingUniversity",
                "auth.university",
                e.to_string(),
            )];
        }
        let issued = Some(self.now().date_naive());
        let mut out =
            FieldError::errors_of(&elm_model::validate(&award, self.universities(), issued));
        for (lang, b64) in &request.images {
            if let Err(e) = base64::engine::general_purpose::STANDARD.decode(b64) {
                out.push(FieldError::new(
                    format!("images.{lang}"),
                    "images.base64",
                    e.to_string(),
                ));
            }
        }
        out
    }

    /// Cohort `id` with every row checked now.
    pub async fn cohort(&self, principal: &Principal, id: &str) -> Result<CohortView, DomainError> {
        let (row, records) = self.owned_cohort(principal, id).await?;
        let (_, requests) = self.cohort_requests(principal, &row, &records).await?;
        let width = records.header.len();
        let rows = records
            .rows
            .iter()
            .zip(requests)
            .map(|(r, request)| {
                let errors = match request {
                    Ok(request) => self.check_award_request(principal, &request),
                    Err(errors) => errors,
                };
                let mut cells = r.cells.clone();
                if cells.len() < width {
                    cells.resize(width, String::new());
                }
                CohortRowView {
                    line: r.line,
                    cells,
                    findings: errors
                        .into_iter()
                        .map(|error| Finding {
                            column: column_of(&records.header, &field_of(&error)),
                            error,
                        })
                        .collect(),
                }
            })
            .collect();
        Ok(CohortView {
            id: row.id,
            specification: row.specification.zip(row.version),
            state: CohortState::parse(&row.state),
            source: row.source,
            header: records.header,
            rows,
            error: row.error,
        })
    }

    /// Fixes cells and drops rows of a draft cohort (409 once issuing started).
    pub async fn edit_cohort(
        &self,
        principal: &Principal,
        id: &str,
        edit: &CohortEdit,
    ) -> Result<(), DomainError> {
        let (row, mut records) = self.owned_cohort(principal, id).await?;
        if row.state != "draft" {
            return Err(DomainError::Conflict(
                "the cohort is issued; it cannot be changed".into(),
            ));
        }
        let width = records.header.len();
        for (r, c, value) in &edit.cells {
            let cells = records
                .rows
                .get_mut(*r)
                .map(|row| &mut row.cells)
                .ok_or_else(|| bad(&format!("row {r}"), "cohort.row", "no such row"))?;
            if *c >= width {
                return Err(bad(
                    &format!("row {r} column {c}"),
                    "cohort.column",
                    "no such column",
                ));
            }
            if cells.len() < width {
                cells.resize(width, String::new());
            }
            if let Some(cell) = cells.get_mut(*c) {
                value.trim().clone_into(cell);
            }
        }
        let mut index = 0usize;
        records.rows.retain(|_| {
            let keep = !edit.drop.contains(&index);
            index = index.saturating_add(1);
            keep
        });
        let text =
            serde_json::to_string(&records).map_err(|e| DomainError::Storage(e.to_string()))?;
        if !self
            .store()
            .update_cohort_records(&principal.university, id, &text, self.now())
            .await?
        {
            return Err(DomainError::Conflict(
                "the cohort is issued; it cannot be changed".into(),
            ));
        }
        tracing::info!(university = %principal.university, cohort = %id, fixed = edit.cells.len(), dropped = edit.drop.len(), "cohort edited");
        Ok(())
    }

    /// Starts issuing a draft cohort whose rows all pass (409 naming how many do not) in a
    /// background task; `false` when it was started before (nothing more is started).
    pub async fn start_cohort_issue(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<bool, DomainError> {
        let (row, records) = self.owned_cohort(principal, id).await?;
        // A batch left `issuing` by a stopped process is resumed (the same key and rows: rows
        // already stored are skipped); one running in this process is left alone.
        let resume = row.state == "issuing" && !running(id, Running::Has);
        if row.state != "draft" && !resume {
            return Ok(false);
        }
        let (identity, requests) = self.cohort_requests(principal, &row, &records).await?;
        let failing = requests
            .iter()
            .filter(|r| match r {
                Ok(request) => !self.check_award_request(principal, request).is_empty(),
                Err(_) => true,
            })
            .count();
        if failing > 0 {
            return Err(DomainError::Conflict(format!(
                "{failing} rows still have errors: fix or drop them before issuing"
            )));
        }
        if requests.is_empty() {
            return Err(DomainError::Conflict(
                "the cohort has no rows left to issue".into(),
            ));
        }
        let total = i64::try_from(requests.len()).unwrap_or(i64::MAX);
        let university = principal.university.clone();
        if !resume
            && !self
                .store()
                .start_cohort(&university, id, total, self.now())
                .await?
        {
            return Ok(false);
        }
        if !running(id, Running::Add) {
            return Ok(false);
        }
        let (app, principal, id) = (self.clone(), principal.clone(), id.to_owned());
        tokio::spawn(async move {
            let outcome = app
                .run_cohort(
                    &principal,
                    &row.idempotency_key,
                    &identity,
                    &requests,
                    &records,
                )
                .await;
            let stored = match outcome {
                Ok(result) => {
                    app.store()
                        .finish_cohort(&university, &id, &result, app.now())
                        .await
                }
                Err(e) => {
                    tracing::warn!(university = %university, cohort = %id, error = %e, "cohort batch stopped");
                    app.store()
                        .fail_cohort(&university, &id, &e.to_string(), app.now())
                        .await
                }
            };
            if let Err(e) = stored {
                tracing::error!(university = %university, cohort = %id, error = %e, "cohort state not stored");
            }
            running(&id, Running::Remove);
        });
        Ok(true)
    }

    /// Issues the batch and returns the result JSON (one [`ResultRow`] per row).
    async fn run_cohort(
        &self,
        principal: &Principal,
        key: &str,
        identity: &[u8],
        requests: &[Result<AwardRequest, Vec<FieldError>>],
        records: &Records,
    ) -> Result<String, DomainError> {
        let response = self.issue_batch(principal, key, identity, requests).await?;
        let prefix = self.share_url("");
        let rows: Vec<ResultRow> = records
            .rows
            .iter()
            .zip(&response.results)
            .map(|(r, result)| ResultRow {
                line: r.line,
                name: learner_name(&records.header, &r.cells),
                credential_id: result.credential_id.clone(),
                share_token: result
                    .share_url
                    .as_deref()
                    .and_then(|u| u.strip_prefix(&prefix))
                    .map(str::to_owned),
                errors: if result.status == RowStatus::Issued {
                    Vec::new()
                } else {
                    result.errors.clone()
                },
            })
            .collect();
        tracing::info!(university = %principal.university, cohort = %key, issued = response.issued, rejected = response.rejected, "cohort issued");
        serde_json::to_string(&rows).map_err(|e| DomainError::Storage(e.to_string()))
    }

    /// How far cohort `id`'s batch is: the rows stored under its key.
    pub async fn cohort_progress(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<CohortProgress, DomainError> {
        let (row, records) = self.owned_cohort(principal, id).await?;
        let state = CohortState::parse(&row.state);
        let issued = self
            .store()
            .batch_rows_stored(&principal.university, &row.idempotency_key)
            .await?;
        let total = if state == CohortState::Draft {
            records.rows.len()
        } else {
            usize::try_from(row.total).unwrap_or(0)
        };
        Ok(CohortProgress {
            state,
            issued: usize::try_from(issued).unwrap_or(0),
            total,
        })
    }

    /// The result of a finished cohort (409 before it finished).
    pub async fn cohort_result(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<Vec<ResultRow>, DomainError> {
        let (row, _) = self.owned_cohort(principal, id).await?;
        let Some(result) = row.result.filter(|_| row.state == "done") else {
            return Err(DomainError::Conflict(
                "the cohort has not finished issuing".into(),
            ));
        };
        serde_json::from_str(&result)
            .map_err(|e| DomainError::Storage(format!("cohort result: {e}")))
    }

    /// A CSV template for `specification` (or for none): the header row of the columns a row
    /// needs (`learningOpportunity` comes from the specification).
    pub fn cohort_template(&self, with_specification: bool) -> String {
        let mut columns = vec![
            "kind",
            "certificateProfile",
            "awardingUniversity",
            "learner.givenNames",
            "learner.familyNames",
            "learner.dateOfBirth",
            "achievement.period.start",
            "achievement.period.end",
            "achievement.grade",
            "issued",
            "validUntil",
            "display:json",
        ];
        if !with_specification {
            columns.push("learningOpportunity:json");
        }
        let mut line = columns.join(",");
        line.push_str("\r\n");
        line
    }
}
