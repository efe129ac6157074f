//! The rows of a batch request (`POST /awards/batch`): a JSON array of awards (or of
//! `{award, images}` envelopes), or RFC 4180 CSV with one row per learner
//! ([`crate::domain::csv_rows`]), optionally filled from a stored learning opportunity
//! specification; and the request's identity for its `Idempotency-Key` (the JSON content, not its
//! formatting; for CSV the bytes and the specification version used).

use serde_json::Value;

use super::api::{AwardRequest, FromJson};
use super::App;
use crate::domain::{DomainError, FieldError, Principal};

/// A batch request body as received.
#[derive(Debug, Clone, Copy)]
pub struct BatchBody<'a> {
    /// The body.
    pub bytes: &'a [u8],
    /// `Content-Type: text/csv` (else JSON).
    pub csv: bool,
    /// CSV: the stored specification filling `learningOpportunity`.
    pub specification: Option<&'a str>,
    /// Its version (default: the latest).
    pub version: Option<i64>,
}

/// A batch read into rows; a row that cannot be read carries its findings.
#[derive(Debug, Clone)]
pub struct BatchRows {
    /// What identifies the request under its `Idempotency-Key` (hashed by [`App::issue_batch`]).
    pub identity: Vec<u8>,
    /// The rows, in order.
    pub rows: Vec<Result<AwardRequest, Vec<FieldError>>>,
}

/// A batch row's findings: a row that cannot be read is rejected, not the batch.
fn row_findings(e: DomainError) -> Vec<FieldError> {
    match e {
        DomainError::Validation(errors) => errors,
        other => vec![FieldError::new("", "batch.row", other.to_string())],
    }
}

impl App {
    /// Reads the rows of a batch body (400 for a body that is not a JSON array or usable CSV).
    pub async fn batch_rows(
        &self,
        principal: &Principal,
        body: BatchBody<'_>,
    ) -> Result<BatchRows, DomainError> {
        if !body.csv {
            let parsed: Value = strict_json::from_slice(body.bytes)
                .map_err(|e| DomainError::BadRequest(format!("body is not valid JSON: {e}")))?;
            // Identity of a JSON request: its content, not its formatting.
            let identity = serde_json::to_vec(&parsed).unwrap_or_default();
            let Value::Array(rows) = parsed else {
                return Err(DomainError::BadRequest(
                    "a batch body is a JSON array of awards (or text/csv)".into(),
                ));
            };
            let rows = rows
                .into_iter()
                .map(|v| AwardRequest::from_json(v).map_err(row_findings))
                .collect();
            return Ok(BatchRows { identity, rows });
        }
        let text = std::str::from_utf8(body.bytes)
            .map_err(|_| DomainError::BadRequest("the CSV is not UTF-8".into()))?;
        let lo = match body.specification {
            Some(id) => Some(self.specification_body(principal, id, body.version).await?),
            None => None,
        };
        let mut identity = body.bytes.to_vec();
        if let Some(lo) = &lo {
            // The specification version is part of the request's identity.
            identity.extend_from_slice(lo.to_string().as_bytes());
        }
        let rows = crate::domain::csv_rows::rows_to_awards(text, lo.as_ref())
            .map_err(|e| DomainError::BadRequest(e.to_string()))?
            .into_iter()
            .map(|row| row.and_then(|v| AwardRequest::from_json(v).map_err(row_findings)))
            .collect();
        Ok(BatchRows { identity, rows })
    }
}
