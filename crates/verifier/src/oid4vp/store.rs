//! Pending OpenID4VP requests and their results: single use, kept for a configurable retention time, then deleted (they hold personal data).
//!
//! OpenID4VP 1.0 §14.1 (replay: a `nonce` and a `state` per request, one response per request)
//! and §5 (the request's parameters, kept here between creation, `request_uri` fetch and
//! response). The store is in memory and **per process**: run one replica, or route the
//! `request_uri`, response and result URLs of a request to the same replica (sticky sessions).
//! Time is always a parameter (`now`), so tests drive expiry and retention with a fixed clock.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::report::{Report, Verdict};

/// How the wallet sends its response (OpenID4VP 1.0 §8.2, §8.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub enum ResponseMode {
    /// `direct_post`: form-encoded `vp_token` and `state` posted to `response_uri`.
    #[serde(rename = "direct_post")]
    DirectPost,
    /// `direct_post.jwt`: the response encrypted to the request's ephemeral key (JWE, HAIP).
    #[serde(rename = "direct_post.jwt")]
    DirectPostJwt,
}

impl ResponseMode {
    /// The `response_mode` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DirectPost => "direct_post",
            Self::DirectPostJwt => "direct_post.jwt",
        }
    }

    /// Parses a `response_mode` value.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "direct_post" => Some(Self::DirectPost),
            "direct_post.jwt" => Some(Self::DirectPostJwt),
            _ => None,
        }
    }
}

/// What the verification service does with the presented credentials.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestPurpose {
    /// Verify each credential (the employer's page, the API).
    Verify,
    /// Verify each credential, then run the stackability check ([`crate::stack`]) of the units
    /// against `programme` (the recognition office's page).
    Stack {
        /// The programme definition, as `POST /stack` takes it.
        programme: serde_json::Value,
    },
}

/// A request waiting for its response.
#[derive(Clone)]
pub struct PendingRequest {
    /// Random (256 bits), URL-safe: the request's path segment in `request_uri`, response and
    /// result URLs.
    pub id: String,
    /// `state` (§5.2), random.
    pub state: String,
    /// `nonce` (§5.2), random: the Key Binding JWT's `nonce`, the VP proof's `challenge`.
    pub nonce: String,
    /// `client_id` with its prefix (`x509_san_dns:…`, `redirect_uri:…`).
    pub client_id: String,
    /// Where the wallet posts its response.
    pub response_uri: String,
    /// `direct_post` or `direct_post.jwt`.
    pub response_mode: ResponseMode,
    /// The DCQL query (§6) sent.
    pub dcql_query: serde_json::Value,
    /// Verification only, or a stackability check.
    pub purpose: RequestPurpose,
    /// The ephemeral ECDH-ES key of a `direct_post.jwt` request (never logged: `Debug` redacts it).
    pub encryption_key: Option<p256::SecretKey>,
    /// Where to deliver the result (relying-party API), if anywhere.
    pub webhook_url: Option<String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// After this, the request object is no longer served and a response is refused.
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for PendingRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingRequest")
            .field("id", &self.id)
            .field("client_id", &self.client_id)
            .field("response_uri", &self.response_uri)
            .field("response_mode", &self.response_mode)
            .field("dcql_query", &self.dcql_query)
            .field("purpose", &self.purpose)
            .field(
                "encryption_key",
                &self.encryption_key.as_ref().map(|_| "[redacted]"),
            )
            .field("webhook_url", &self.webhook_url)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// One presented credential and its verification report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub struct PresentedCredential {
    /// The DCQL credential query id it answers.
    pub query_id: String,
    /// Its format (`dc+sd-jwt`, `ldp_vc`, `jwt_vc_json`).
    pub format: String,
    /// The full verification report.
    pub report: Report,
}

/// A problem of the response as a whole (not of one credential).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub struct ResponseProblem {
    /// Machine-readable: `wrong-nonce`, `wrong-audience`, `replayed-response`,
    /// `expired-request`, `dcql-mismatch`, …
    pub code: String,
    /// Explanation.
    pub message: String,
}

/// The outcome of a request's response.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub struct PresentationResult {
    /// Overall verdict.
    pub verdict: Verdict,
    /// Each presented credential with its report.
    pub credentials: Vec<PresentedCredential>,
    /// The stackability report, for a [`RequestPurpose::Stack`] request.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "service", schema(value_type = Option<Object>))]
    pub stack: Option<serde_json::Value>,
    /// Problems of the response as a whole.
    pub problems: Vec<ResponseProblem>,
    /// When the response was verified (the retention time runs from here).
    #[cfg_attr(feature = "service", schema(value_type = String, format = DateTime))]
    pub completed_at: DateTime<Utc>,
}

/// What the result URL shows.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestOutcome {
    /// No response yet (or being verified).
    Pending,
    /// The request expired without a response.
    Expired,
    /// The response was verified.
    Completed(PresentationResult),
}

/// Why the store refused an operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// No such request (never created, or deleted after its retention time).
    #[error("unknown request")]
    Unknown,
    /// The request expired.
    #[error("the request expired")]
    Expired,
    /// The request was already answered: a response is accepted once.
    #[error("the request was already answered")]
    AlreadyAnswered,
    /// The response's `state` is not the request's.
    #[error("state: does not match the request's state")]
    StateMismatch,
    /// The store holds `max_pending` requests.
    #[error("too many pending requests (max_pending {0})")]
    Full(usize),
    /// The OS random source failed.
    #[error("random source: {0}")]
    Random(String),
}

/// A fresh random token: 32 bytes (256 bits) from the OS, base64url without padding.
pub fn random_token() -> Result<String, StoreError> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use rand_core::RngCore as _;
    let mut bytes = [0u8; 32];
    rand_core::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

enum Stage {
    Pending,
    /// A response was accepted and is being verified.
    Answering,
    Completed(PresentationResult),
}

struct Entry {
    request: PendingRequest,
    stage: Stage,
}

impl Entry {
    /// When the entry is deleted: `retention` after completion; for a request without a
    /// result, `retention` after its expiry (so that a late response still hears "expired").
    fn delete_at(&self, retention: Duration) -> DateTime<Utc> {
        let from = match &self.stage {
            Stage::Completed(result) => result.completed_at,
            Stage::Pending | Stage::Answering => self.request.expires_at,
        };
        from.checked_add_signed(retention)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// Pending requests and results, in memory, at most `max_pending` entries (pending or
/// answered). Per process: see the module documentation.
pub struct RequestStore {
    entries: Mutex<HashMap<String, Entry>>,
    max_pending: usize,
    retention: Duration,
}

impl RequestStore {
    /// An empty store of at most `max_pending` entries; results are deleted `retention` after
    /// completion, unanswered requests `retention` after their expiry.
    pub fn new(max_pending: usize, retention: Duration) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            max_pending,
            retention,
        }
    }

    /// The retention time of results.
    pub fn retention(&self) -> Duration {
        self.retention
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        // A panic while holding the lock cannot leave an entry half-written (every update is
        // one map operation), so a poisoned lock is still consistent.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds a request (purging what is due at its `created_at` first).
    pub fn insert(&self, req: PendingRequest) -> Result<(), StoreError> {
        let mut entries = self.lock();
        let retention = self.retention;
        let now = req.created_at;
        entries.retain(|_, e| e.delete_at(retention) > now);
        if entries.len() >= self.max_pending {
            return Err(StoreError::Full(self.max_pending));
        }
        entries.insert(
            req.id.clone(),
            Entry {
                request: req,
                stage: Stage::Pending,
            },
        );
        Ok(())
    }

    /// The request, while it has not expired (answered or not).
    pub fn get(&self, id: &str, now: DateTime<Utc>) -> Option<PendingRequest> {
        let entries = self.lock();
        let entry = entries.get(id)?;
        (now < entry.request.expires_at).then(|| entry.request.clone())
    }

    /// Accepts the one response of request `id`: refused when unknown, expired, already
    /// answered, or when `state` is not the request's (`None`: no `state` in the response,
    /// refused, every request of this service carries one). Afterwards the request is answered.
    pub fn begin_response(
        &self,
        id: &str,
        state: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<PendingRequest, StoreError> {
        let mut entries = self.lock();
        let entry = entries.get_mut(id).ok_or(StoreError::Unknown)?;
        if !matches!(entry.stage, Stage::Pending) {
            return Err(StoreError::AlreadyAnswered);
        }
        if now >= entry.request.expires_at {
            return Err(StoreError::Expired);
        }
        if state != Some(entry.request.state.as_str()) {
            return Err(StoreError::StateMismatch);
        }
        entry.stage = Stage::Answering;
        Ok(entry.request.clone())
    }

    /// Records the result of request `id` (nothing when it was deleted meanwhile).
    pub fn complete(&self, id: &str, result: PresentationResult) {
        if let Some(entry) = self.lock().get_mut(id) {
            entry.stage = Stage::Completed(result);
        }
    }

    /// The outcome of request `id`; `None` when unknown or deleted after the retention time.
    pub fn outcome(&self, id: &str, now: DateTime<Utc>) -> Option<RequestOutcome> {
        let entries = self.lock();
        let entry = entries.get(id)?;
        if entry.delete_at(self.retention) <= now {
            return None;
        }
        Some(match &entry.stage {
            Stage::Completed(result) => RequestOutcome::Completed(result.clone()),
            Stage::Pending if now >= entry.request.expires_at => RequestOutcome::Expired,
            Stage::Pending | Stage::Answering => RequestOutcome::Pending,
        })
    }

    /// Deletes results older than the retention time and requests expired for longer than it;
    /// returns how many entries were deleted.
    pub fn purge(&self, now: DateTime<Utc>) -> usize {
        let mut entries = self.lock();
        let before = entries.len();
        let retention = self.retention;
        entries.retain(|_, e| e.delete_at(retention) > now);
        before.saturating_sub(entries.len())
    }

    /// Number of entries (pending or answered).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// No entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
