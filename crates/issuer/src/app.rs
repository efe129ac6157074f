//! The issuer application service: each use case of the API as one method — authenticate, issue
//! (VC-API `POST /credentials/issue`, single ENHANCE award, batch with idempotency key), change
//! status (VC-API `POST /credentials/status`, Bitstring Status List v1.0 §2.1 purposes), serve
//! status list credentials (§2.2) and DID documents (did:web §3.2).
//!
//! Every issuance is two short database transactions around the signing: (1) allocate the status
//! indices (commit), (2) sign (Data Integrity, JAdES, VC-JWT) → verify every form with the
//! `verifier` library ([`crate::securing::IssuanceCheck`]), outside any transaction, so issuances sign in parallel and no lock is held for milliseconds of CPU work,
//! (3) store the credential, its status entries and its audit entry in ONE transaction. Nothing is
//! issued unless (3) commits; an issuance that fails or crashes after (1) leaves its indices unused
//! for good (the counter never goes back, so an index is never handed out twice). Batches run
//! their rows concurrently, four per core. Transport-free: handlers map [`DomainError`] to HTTP;
//! the store adapter does the SQL.

use std::collections::HashMap;
use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use elm_model::{BuildOptions, Universities};
use futures_util::{StreamExt as _, TryStreamExt as _};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use verifier::Clock;

use crate::domain::prepare::{self, VcVersion};
use crate::domain::status_list::{self, Bitstring, MessageStatus};
use crate::domain::{hash_token, DomainError, FieldError, Principal, Role, StatusPurpose};
use crate::securing::{IssuanceCheck, SecureError, Securer};

use crate::store::{AuditEntry, NewCredential, Store, StoreError};

pub mod api; // typed request and response bodies (issue #19 §4), documented by the OpenAPI
mod batch_input; // the rows of a batch request (JSON or CSV)
pub mod cohort; // console cohort issuance: upload, check, fix, issue, results (issue #18)
pub mod console; // the staff console's searches, counts and expiry warnings (issue #18)
pub mod outbox; // learner notifications: message parts, delivery state, resend (issue #18)
mod programme; // programme specifications and certificates on request (stackability)
pub mod sso; // OpenID Connect single sign-on of console staff (issue #18)
pub mod staff; // staff accounts, password + TOTP sign-in, console sessions (issue #18)
mod status_change; // VC-API status changes (typed request)
pub mod status_token; // IETF Token Status List tokens and references (issue #16)
mod tokens; // staff API token management (admin role)
pub mod vct; // SD-JWT VC Type Metadata and JWT VC Issuer Metadata (issue #16)
pub use api::{
    AwardRequest, BatchResponse, CredentialList, CredentialRecord, CredentialSummary, FromJson,
    IssueRequest, IssuedCredential, Page, RowResult, RowStatus, SpecificationList,
    SpecificationVersion, StatusRequest, StatusResponse,
};
pub use batch_input::{BatchBody, BatchRows};
pub use programme::ProgrammeCertificate;

impl From<StoreError> for DomainError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::ListFull(l) => DomainError::ListFull(l),
            StoreError::Duplicate(what) => DomainError::Conflict(format!("duplicate {what}")),
            other => DomainError::Storage(other.to_string()),
        }
    }
}

impl From<SecureError> for DomainError {
    fn from(e: SecureError) -> Self {
        match e {
            SecureError::JsonLd(c) => DomainError::Validation(vec![jsonld_finding(&c)]),
            other => DomainError::Securing(other.to_string()),
        }
    }
}

/// A JSON-LD error of a submitted credential as a finding (issue #13: the client's fault, 422,
/// never 500): the JSON path of the term or value when the canonicaliser names one (`$.a.b` →
/// `credential.a.b`), else `credential.@context` or `credential`; the rule `jsonld.<kind>`.
fn jsonld_finding(e: &canon::CanonError) -> FieldError {
    use canon::CanonError as C;
    let at = |p: &str| match p.strip_prefix('$') {
        Some(rest) => format!("credential{rest}"),
        None if p.is_empty() => "credential".to_owned(),
        None => format!("credential.{p}"),
    };
    let (path, rule) = match e {
        C::UndefinedTerm { path, .. } => (at(path), "jsonld.undefined-term"),
        C::RelativeIri { path, .. } => (at(path), "jsonld.relative-iri"),
        C::UnknownContext { .. } => ("credential.@context".to_owned(), "jsonld.unknown-context"),
        C::ProtectedTermRedefinition { .. } => {
            ("credential.@context".to_owned(), "jsonld.protected-term")
        }
        C::InvalidJsonLd { .. } => ("credential".to_owned(), "jsonld.invalid"),
        C::TooComplex { .. } => ("credential".to_owned(), "jsonld.too-complex"),
        C::InvalidRdf { .. } => ("credential".to_owned(), "jsonld.invalid-rdf"),
        #[allow(unreachable_patterns)]
        _ => ("credential".to_owned(), "jsonld.invalid"),
    };
    FieldError::new(path, rule, e.to_string())
}

/// The stored forms a share link serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareFormat {
    /// EDC JSON-LD with Data Integrity proof.
    JsonLd,
    /// JAdES seal (JWS JSON).
    Jades,
    /// `vc+jwt`.
    VcJwt,
}

/// The result of one issuance.
#[derive(Debug, Clone)]
pub struct Issued {
    /// Credential id.
    pub id: String,
    /// The signed credential.
    pub credential: Value,
    /// Share link (unguessable; only its hash is stored), when created in this call.
    pub share_url: Option<String>,
}

impl From<Issued> for IssuedCredential {
    fn from(i: Issued) -> Self {
        Self {
            id: i.id,
            share_url: i.share_url,
            verifiable_credential: i.credential,
        }
    }
}

/// The service.
#[derive(Clone)]
pub struct App {
    store: Store,
    securer: Arc<dyn Securer>,
    clock: Arc<dyn Clock>,
    base_url: String,
    universities: Arc<Universities>,
    dids: Arc<HashMap<String, String>>,
    /// Base URL of the verification service (config `verifier_url`).
    verifier_url: String,
    /// Render missing display images at issuance (config `render_display_images`).
    render_images: bool,
    /// Every rendering (PDF, PNG, images at issuance): bounded pool, budget, cache (config `render`).
    render_pool: crate::render_pool::RenderPool,
    check: Arc<IssuanceCheck>,
    /// Status entries of EDC awards: one 2-bit `message` entry (default), or the two 1-bit entries
    /// of before ([`App::with_legacy_award_status`]; docs/adr/0003-edc-conformant-status.md).
    award_status: &'static [StatusPurpose],
    /// OpenID4VCI settings (config `oid4vci`, issue #16).
    oid4vci: Arc<crate::config::Oid4vciConfig>,
    /// Single sign-on of console staff (config `sso`, issue #18).
    sso: Arc<sso::Sso>,
    /// Staff sign-in and console sessions (config `staff`, issue #18).
    staff: Arc<staff::Staff>,
}

/// The status entry of EDC awards: one entry on a 2-bit `message` list.
const AWARD_STATUS: &[StatusPurpose] = &[StatusPurpose::Message];

impl App {
    /// Wires the service.
    pub fn new(
        store: Store,
        securer: Arc<dyn Securer>,
        clock: Arc<dyn Clock>,
        base_url: &str,
        universities: Universities,
    ) -> Self {
        let dids = universities
            .iter()
            .map(|u| (u.id.clone(), u.did.clone()))
            .collect();
        let check = Arc::new(IssuanceCheck::new(&universities, securer.as_ref()));
        Self {
            store,
            securer,
            clock,
            base_url: base_url.trim_end_matches('/').to_owned(),
            universities: Arc::new(universities),
            dids: Arc::new(dids),
            verifier_url: "http://127.0.0.1:8090".to_owned(),
            render_images: true,
            render_pool: crate::render_pool::RenderPool::default(),
            check,
            award_status: AWARD_STATUS,
            oid4vci: Arc::default(),
            sso: Arc::default(),
            staff: Arc::default(),
        }
    }

    /// Sets the OpenID4VCI settings (config `oid4vci`; default: [`crate::config::Oid4vciConfig::default`]).
    pub fn with_oid4vci(mut self, settings: crate::config::Oid4vciConfig) -> Self {
        self.oid4vci = Arc::new(settings);
        self
    }

    /// The OpenID4VCI settings (config `oid4vci`).
    pub fn oid4vci_settings(&self) -> &crate::config::Oid4vciConfig {
        &self.oid4vci
    }

    /// The public base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The universities (tenants).
    pub fn universities(&self) -> &Universities {
        &self.universities
    }

    /// The signing port.
    pub(crate) fn securer(&self) -> &Arc<dyn Securer> {
        &self.securer
    }

    /// The check every secured credential passes before it is handed out.
    pub(crate) fn issuance_check(&self) -> &Arc<IssuanceCheck> {
        &self.check
    }

    /// EDC awards get the two 1-bit entries (`revocation`, `suspension`) credentials were issued
    /// with before the one-entry form: for tests and drills that need such a credential (ADR
    /// 0003). Not a setting: new credentials carry the one EDC-conformant entry.
    pub fn with_legacy_award_status(mut self, legacy: bool) -> Self {
        self.award_status = if legacy {
            &StatusPurpose::ALL
        } else {
            AWARD_STATUS
        };
        self
    }

    /// The status purposes EDC awards get entries on.
    pub(crate) fn award_status(&self) -> &'static [StatusPurpose] {
        self.award_status
    }

    /// Sets the verification service's base URL (config `verifier_url`; default
    /// `http://127.0.0.1:8090`).
    pub fn with_verifier_url(mut self, verifier_url: &str) -> Self {
        self.verifier_url = verifier_url.trim_end_matches('/').to_owned();
        self
    }

    /// Whether award requests without image bytes get rendered certificate page PNGs (config
    /// `render_display_images`; default `true`).
    pub fn with_render_display_images(mut self, render: bool) -> Self {
        self.render_images = render;
        self
    }

    /// Sets the rendering pool (config `render`; default: [`crate::render_pool::RenderSettings::default`]).
    pub fn with_render_pool(mut self, pool: crate::render_pool::RenderPool) -> Self {
        self.render_pool = pool;
        self
    }

    /// The rendering pool and cache (handlers, shutdown, tests).
    pub fn render_pool(&self) -> &crate::render_pool::RenderPool {
        &self.render_pool
    }

    /// A credential's verification URL: `{verifier_url}/verify?credential={share URL}`.
    pub fn verification_url(&self, token: &str) -> String {
        crate::display::verification_url(&self.verifier_url, &self.share_url(token))
    }

    fn new_share_token() -> String {
        URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
    }

    /// The store (readiness checks, tests).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Now, from the clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn did(&self, university: &str) -> Result<&str, DomainError> {
        self.dids
            .get(university)
            .map(String::as_str)
            .ok_or_else(|| DomainError::NotFound(format!("university `{university}`")))
    }

    /// The principal of a bearer token, `None` for an unknown or revoked token.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Principal>, DomainError> {
        let row = self.store.find_token(&hash_token(token)).await?;
        Ok(row.map(|t| Principal {
            token_id: t.id,
            university: t.university,
            roles: Role::split(&t.roles),
        }))
    }

    fn new_credential_id() -> String {
        format!("urn:uuid:{}", uuid::Uuid::new_v4())
    }

    /// Allocates fresh status entries (committed at once), signs and verifies `doc` outside any
    /// transaction, then stores the credential with its entries and audit entry atomically
    /// ([`crate::store::Store::insert_issued`]).
    #[allow(clippy::too_many_arguments)] // the parts of one issuance, each from its caller
    async fn issue_prepared(
        &self,
        principal: &Principal,
        kind: &str,
        doc: Map<String, Value>,
        version: VcVersion,
        purposes: &[StatusPurpose],
        batch_key: Option<&str>,
        share_token: String,
    ) -> Result<Issued, DomainError> {
        let parts = (kind, doc, version, purposes);
        self.issue_prepared_notifying(principal, parts, batch_key, share_token, None)
            .await
    }

    /// [`App::issue_prepared`], and with `notify` (`(e-mail, language)`) the learner's
    /// notification enqueued in the credential's transaction (issue #18, [`crate::notify`]).
    async fn issue_prepared_notifying(
        &self,
        principal: &Principal,
        (kind, mut doc, version, purposes): (&str, Map<String, Value>, VcVersion, &[StatusPurpose]),
        batch_key: Option<&str>,
        share_token: String,
        notify: Option<(&str, &str)>,
    ) -> Result<Issued, DomainError> {
        let university = principal.university.as_str();
        let now = self.now();
        let id = doc
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let allocs = if purposes.is_empty() {
            Vec::new()
        } else {
            self.store
                .allocate_indices(university, purposes, now)
                .await?
        };
        let entries = allocs
            .iter()
            .zip(purposes)
            .map(|(a, p)| {
                status_list::status_entry(
                    &status_list::list_url(&self.base_url, university, &a.list_id),
                    *p,
                    a.index,
                )
            })
            .collect();
        prepare::attach_status(&mut doc, version, entries);
        let (securer, check) = (self.securer.clone(), self.check.clone());
        let uni = university.to_owned();
        // Sign, then verify every form with the `verifier` library; only a credential that passes
        // is stored (its allocated indices stay unused otherwise).
        let (secured, checked) = tokio::task::spawn_blocking(move || {
            let mut secured = securer.secure(&uni, doc, now)?;
            let checked = check
                .check(&mut secured, now)
                .map_err(DomainError::NotVerified)?;
            Ok::<_, DomainError>((secured, checked))
        })
        .await
        .map_err(|e| DomainError::Securing(format!("signing task failed: {e}")))??;
        let signed = secured.credential;
        let text =
            serde_json::to_string(&signed).map_err(|e| DomainError::Securing(e.to_string()))?;
        // A seal whose payload is the credential is stored without it (the payload is most of
        // its size, and the credential is stored anyway); put back on download.
        let (jades, jades_detached) = match secured.jades_value {
            Some(Value::Object(mut envelope))
                if checked.seal_payload_is_credential && envelope.contains_key("payload") =>
            {
                envelope.insert("payload".into(), Value::String(String::new()));
                (Some(Value::Object(envelope).to_string()), true)
            }
            other => (
                secured
                    .jades
                    .or_else(|| other.as_ref().map(Value::to_string)),
                false,
            ),
        };
        let actor = principal.actor();
        let credential = NewCredential {
            id: &id,
            university,
            kind,
            learner_ref: None,
            credential: &text,
            jades: jades.as_deref(),
            jades_detached,
            vc_jwt: secured.vc_jwt.as_deref(),
            share_token_hash: &hash_token(&share_token),
            batch_key,
            created_at: now,
        };
        let audit = AuditEntry {
            at: now,
            actor: &actor,
            university,
            action: "issue",
            target: &id,
            reason: None,
            detail: batch_key,
        };
        // The learner's notification (issue #18): its row and stable Message-ID, when asked for.
        let ids = notify.map(|_| {
            let row = uuid::Uuid::new_v4().to_string();
            let message_id = crate::domain::notify_message::message_id(&row, &self.base_url);
            (row, message_id)
        });
        let message = notify
            .zip(ids.as_ref())
            .map(
                |((recipient, language), (row, mid))| crate::store::NewOutboxMessage {
                    id: row,
                    credential_id: &id,
                    university,
                    recipient,
                    language,
                    share_token: &share_token,
                    message_id: mid,
                    now,
                },
            );
        self.store
            .insert_issued_notifying(&credential, &allocs, &audit, message.as_ref())
            .await?;
        tracing::info!(university, credential = %id, kind, notify = message.is_some(), "credential issued");
        Ok(Issued {
            id,
            credential: signed,
            share_url: Some(self.share_url(&share_token)),
        })
    }

    /// VC-API issue: `{credential, options}`. `options.credentialStatus` lists the status purposes
    /// wanted (`[{"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}]`); absent means
    /// one revocation entry (none when the credential brings its own `credentialStatus`, which is
    /// signed as given, or is a VC 1.1 credential), `[]` none.
    pub async fn issue_vc(
        &self,
        principal: &Principal,
        request: IssueRequest,
    ) -> Result<Issued, DomainError> {
        principal.require(&principal.university, Role::Issue)?;
        let IssueRequest {
            credential,
            options,
        } = request;
        // A credential the verifier's memory budget would not process (issue #13) is the client's
        // to fix: refused here (422 naming the cap), not after signing as a failed self-check.
        if let Err(e) = canon::budget::measure(&credential, &canon::Budget::default()) {
            return Err(DomainError::Validation(vec![FieldError::new(
                "credential",
                "vc.too-large",
                e.to_string(),
            )]));
        }
        let mut did = self.did(&principal.university)?.to_owned();
        // A university that also signs as a did:key (issue #15) issues as it when the
        // credential's `issuer` names it; the securer then signs with that method.
        if let Some((did_key, _)) = self.securer.did_key(&principal.university) {
            let named = match credential.get("issuer") {
                Some(Value::String(s)) => Some(s.as_str()),
                Some(Value::Object(o)) => o.get("id").and_then(Value::as_str),
                _ => None,
            };
            if named == Some(did_key.as_str()) {
                did = did_key;
            }
        }
        if let Some(id) = credential.get("id").and_then(Value::as_str) {
            self.check_client_credential_id(&principal.university, id)?;
        }
        let (doc, version) = prepare::prepare(
            credential,
            &did,
            &Self::new_credential_id(),
            self.now(),
            "credential",
        )?;
        // A caller-supplied `credentialStatus` is signed as given: the issuer adds its own entries
        // only when `options.credentialStatus` asks for them (absent options mean none then).
        // Bitstring Status List v1.0 is a VC 2.0 mechanism (its context extends the VC 2.0 one):
        // a VC 1.1 credential gets an issuer-managed entry only when the options ask for one.
        let purposes = if options.credential_status.is_none()
            && (doc.contains_key("credentialStatus") || version == VcVersion::V1)
        {
            Vec::new()
        } else {
            options.purposes()?
        };
        self.issue_prepared(
            principal,
            "vc",
            doc,
            version,
            &purposes,
            None,
            Self::new_share_token(),
        )
        .await
    }

    /// A credential id chosen by the client (VC-API `credential.id`): VC Data Model 2.0 §4.4 allows
    /// any URL (`vc.id` in [`prepare::prepare`] refuses a non-URL). Under this service's own URL
    /// space, each university owns `{public_base_url}/universities/{university}/` (rule
    /// `vc.id-namespace`: one university can never pick, and so probe for, an id in another's
    /// namespace). Ids stay unique across the service: a second credential with an id already used
    /// answers 409 "duplicate credential id", the same answer whichever university holds it, so it
    /// tells only that the id is taken (a `urn:uuid:` collision needs the other credential's
    /// random id, which only someone holding that credential knows; issue #13).
    fn check_client_credential_id(&self, university: &str, id: &str) -> Result<(), DomainError> {
        // Compared as URLs (scheme and host case, default port, dot segments normalised).
        let normalise = |s: &str| url::Url::parse(s).map(|u| u.to_string()).ok();
        let Some(id_url) = normalise(id) else {
            return Ok(()); // not a URL: `vc.id` in `prepare` names it
        };
        let service = normalise(&format!("{}/", self.base_url)).unwrap_or_default();
        let own = format!("{service}universities/{university}/");
        if service.is_empty()
            || !id_url.starts_with(&service)
            || (id_url.starts_with(&own) && id_url.len() > own.len())
        {
            return Ok(());
        }
        Err(DomainError::Validation(vec![FieldError::new(
            "credential.id",
            "vc.id-namespace",
            format!("an `id` under this service's URL `{service}` must start with `{own}` (the university's own namespace); any other URL, or `urn:uuid:<UUID>`, is the client's to choose; omit it and the service assigns a `urn:uuid:`"),
        )]))
    }

    /// Issues one ENHANCE award (the `elm-model` award format) as an EDC credential with one
    /// status entry for revocation and suspension (a 2-bit `message` entry, ADR 0003).
    ///
    /// The body is either the award itself or `{"award": {...}, "images": {"<lang>": "<base64>"}}`
    /// carrying the bytes of the award's `display.images` (one per language). A language without
    /// bytes gets the certificate page rendered as PNG, its QR code the credential's verification
    /// URL (config `render_display_images`, overridden by the body's `"renderImages": bool`).
    pub async fn issue_award(
        &self,
        principal: &Principal,
        request: &AwardRequest,
        batch_key: Option<&str>,
    ) -> Result<Issued, DomainError> {
        let award = &request.award;
        let text =
            serde_json::to_string(award).map_err(|e| DomainError::BadRequest(e.to_string()))?;
        let award = elm_model::parse_award(&text).map_err(|i| {
            // Over the size limit: the body is parsed already, so name the oversized fields too.
            let issues = if i.rule == "award.max-bytes" {
                elm_model::limits::oversized_award_findings(award, text.len())
            } else {
                vec![i]
            };
            DomainError::Validation(FieldError::errors_of(&issues))
        })?;
        principal.require(&award.awarding_university, Role::Issue)?;
        // The size and character limits (issue #13) before anything costly: images, rendering,
        // signing, storage.
        let over = FieldError::errors_of(&elm_model::limits::check_award(&award));
        if !over.is_empty() {
            return Err(DomainError::Validation(over));
        }
        let mut images = Vec::new();
        for r in &award.display.images {
            let Some(b64) = request.images.get(&r.language) else {
                continue;
            };
            // Refused before decoding: at least this many bytes (base64 carries 3 per 4 characters).
            if let Some(i) = elm_model::limits::check_image_size(
                &format!("images.{}", r.language),
                (b64.len() / 4 * 3).saturating_sub(2),
            ) {
                return Err(DomainError::Validation(vec![FieldError::from(&i)]));
            }
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| {
                    DomainError::Validation(vec![FieldError::new(
                        format!("images.{}", r.language),
                        "images.base64",
                        e.to_string(),
                    )])
                })?;
            let media_type = r.media_type.unwrap_or(elm_model::MediaType::Png);
            images.push(elm_model::DisplayImage {
                language: r.language.clone(),
                media_type,
                bytes,
            });
        }
        let id = Self::new_credential_id();
        let options = BuildOptions {
            credential_id: id,
            issued: Some(self.now().date_naive()),
        };
        let share_token = Self::new_share_token();
        let render_images = request.render_images.unwrap_or(self.render_images);
        let built =
            if render_images && !crate::display::missing_languages(&award, &images).is_empty() {
                let (award_owned, universities, options, url) = (
                    award.clone(),
                    self.universities.clone(),
                    options.clone(),
                    self.verification_url(&share_token),
                );
                crate::display::complete_images_pooled(
                    &self.render_pool,
                    award_owned,
                    universities,
                    options.clone(),
                    images,
                    url,
                )
                .await?
                .build(&award, &self.universities, &options)
            } else {
                elm_model::build(&award, &self.universities, &images, &options)
            }
            .map_err(|e| DomainError::Validation(FieldError::errors_of(e.issues())))?;
        let Value::Object(doc) = built.credential else {
            return Err(DomainError::Securing(
                "the EDC builder did not produce an object".into(),
            ));
        };
        let language = request.notify.as_ref().map(|n| {
            n.language.clone().unwrap_or_else(|| {
                crate::domain::notify_message::default_language(&award.display.primary_language)
                    .to_owned()
            })
        });
        let notify = request
            .notify
            .as_ref()
            .zip(language.as_deref())
            .map(|(n, l)| (n.email.as_str(), l));
        let parts = ("edc", doc, VcVersion::V1, self.award_status());
        self.issue_prepared_notifying(principal, parts, batch_key, share_token, notify)
            .await
    }

    /// Batch of awards under an idempotency key: each row is issued in its own transaction and
    /// recorded under `<key>#<row>`, so a retry (even after a crash mid-batch) skips the rows
    /// already issued and never issues twice; a bad row does not stop the others.
    ///
    /// `request` is the request body as received (its SHA-256 identifies the request: the same key
    /// with another body is a conflict); `rows` are the rows parsed from it, a row that could not
    /// be read carrying its findings.
    pub async fn issue_batch(
        &self,
        principal: &Principal,
        key: &str,
        request: &[u8],
        rows: &[Result<AwardRequest, Vec<FieldError>>],
    ) -> Result<BatchResponse, DomainError> {
        principal.require(&principal.university, Role::Issue)?;
        if key.is_empty() || key.len() > 200 {
            return Err(DomainError::BadRequest(
                "Idempotency-Key must be 1 to 200 characters".into(),
            ));
        }
        let university = principal.university.as_str();
        let request_hash = hex::encode(Sha256::digest(request));
        let claimed = self
            .store
            .claim_idempotency_key(university, key, &request_hash, self.now())
            .await?;
        // A key claimed just now has no rows issued under it yet: rows need not be looked up
        // first (a concurrent retry's row meets the unique `(university, batch_key)` index and
        // is answered from the stored row, see `batch_row`).
        let fresh = claimed.is_none();
        if let Some((hash, response)) = claimed {
            if hash != request_hash {
                return Err(DomainError::Conflict(
                    "this Idempotency-Key was used with a different request body".into(),
                ));
            }
            if !response.is_empty() {
                return serde_json::from_str::<BatchResponse>(&response)
                    .map_err(|e| DomainError::Storage(e.to_string()));
            }
            // Claimed but unfinished (crash, or a concurrent retry): resume row by row.
        }
        // Rows run concurrently (their signing on the blocking pool), results kept in row order;
        // a storage failure stops the batch (the retry resumes it).
        // (Futures collected first: a stream `map` closure over borrowed rows is not `Send` for
        // every lifetime, which the spawned batch task needs.)
        // Each row in its own task, so building, parsing and database work spread over the worker
        // threads instead of all being polled on the batch's one task.
        let pending: Vec<_> = rows
            .iter()
            .enumerate()
            .map(|(i, row)| async move {
                let (app, principal, key, row) =
                    (self.clone(), principal.clone(), key.to_owned(), row.clone());
                tokio::spawn(async move { app.batch_row(&principal, &key, i, &row, fresh).await })
                    .await
                    .map_err(|e| DomainError::Storage(format!("batch row task failed: {e}")))?
            })
            .collect();
        let results: Vec<RowResult> = futures_util::stream::iter(pending)
            .buffered(batch_concurrency())
            .try_collect()
            .await?;
        let issued = results
            .iter()
            .filter(|r| r.status == RowStatus::Issued)
            .count();
        let response = BatchResponse {
            idempotency_key: key.to_owned(),
            issued,
            rejected: results.len().saturating_sub(issued),
            results,
        };
        let text =
            serde_json::to_string(&response).map_err(|e| DomainError::Storage(e.to_string()))?;
        self.store.finish_idempotent(university, key, &text).await?;
        let mut tx = self.store.begin().await?;
        let actor = principal.actor();
        let detail = json!({"rows": rows.len(), "issued": issued}).to_string();
        tx.audit(&AuditEntry {
            at: self.now(),
            actor: &actor,
            university,
            action: "batch",
            target: key,
            reason: None,
            detail: Some(&detail),
        })
        .await?;
        tx.commit().await?;
        Ok(response)
    }

    /// One row of a batch: skipped if already issued under `<key>#<row>`, else issued. `fresh`:
    /// the key was claimed by this request, so no row can have been issued under it before.
    async fn batch_row(
        &self,
        principal: &Principal,
        key: &str,
        i: usize,
        row: &Result<AwardRequest, Vec<FieldError>>,
        fresh: bool,
    ) -> Result<RowResult, DomainError> {
        let university = principal.university.as_str();
        let row_key = format!("{key}#{i}");
        if !fresh {
            if let Some(c) = self
                .store
                .credential_by_batch_key(university, &row_key)
                .await?
            {
                return Ok(RowResult {
                    row: i,
                    status: RowStatus::Issued,
                    credential_id: Some(c.id),
                    errors: vec![],
                    share_url: None,
                });
            }
        }
        let row = match row {
            Ok(row) => row,
            Err(errors) => return Ok(rejected(i, errors.clone())),
        };
        Ok(
            match self.issue_award(principal, row, Some(&row_key)).await {
                Ok(issued) => RowResult {
                    row: i,
                    status: RowStatus::Issued,
                    credential_id: Some(issued.id),
                    errors: vec![],
                    share_url: issued.share_url,
                },
                Err(DomainError::Conflict(_)) => match self
                    .store
                    .credential_by_batch_key(university, &row_key)
                    .await?
                {
                    Some(c) => RowResult {
                        row: i,
                        status: RowStatus::Issued,
                        credential_id: Some(c.id),
                        errors: vec![],
                        share_url: None,
                    },
                    None => rejected(
                        i,
                        vec![FieldError::new(
                            "",
                            "batch.conflict",
                            "conflict while issuing this row; retry",
                        )],
                    ),
                },
                Err(DomainError::Validation(errors) | DomainError::NotVerified(errors)) => {
                    if errors.iter().any(|e| e.rule.starts_with("verify.")) {
                        tracing::warn!(
                            university,
                            row = i,
                            "issued credential failed verification; not stored"
                        );
                    }
                    rejected(i, errors)
                }
                Err(DomainError::Forbidden(m)) => rejected(
                    i,
                    vec![FieldError::new("awardingUniversity", "auth.university", m)],
                ),
                Err(DomainError::BadRequest(m)) => {
                    rejected(i, vec![FieldError::new("", "batch.row", m)])
                }
                Err(e @ (DomainError::Storage(_) | DomainError::ListFull(_))) => return Err(e),
                Err(e) => {
                    tracing::warn!(university, row = i, error = %e, "batch row failed");
                    rejected(
                        i,
                        vec![FieldError::new(
                            "",
                            "issue.failed",
                            "the credential could not be issued",
                        )],
                    )
                }
            },
        )
    }

    /// VC-API status change: sets (`true`) or clears the `purpose` bit of a credential. Revocation
    /// is permanent. Audit-logged with `reason`.
    pub async fn set_status(
        &self,
        principal: &Principal,
        credential_id: &str,
        purpose: StatusPurpose,
        value: bool,
        reason: Option<&str>,
    ) -> Result<(), DomainError> {
        let (owner, current) = self
            .owned_credential(principal, credential_id, Role::Revoke)
            .await?;
        if current.status == "revoked" {
            return Err(DomainError::Conflict(
                "the credential is revoked; revocation is permanent".into(),
            ));
        }
        if purpose == StatusPurpose::Revocation && !value {
            return Err(DomainError::Conflict("revocation cannot be undone".into()));
        }
        let (message, status, action) = match (purpose, value) {
            (StatusPurpose::Revocation, _) => (MessageStatus::Revoked, "revoked", "revoke"),
            (StatusPurpose::Suspension, true) => (MessageStatus::Suspended, "suspended", "suspend"),
            (StatusPurpose::Suspension, false) => (MessageStatus::Valid, "active", "unsuspend"),
            (StatusPurpose::Message, _) => {
                return Err(DomainError::BadRequest(
                    "a status change is `revoked`, `suspended` or `active`".into(),
                ))
            }
        };
        let mut tx = self.store.begin().await?;
        // The one 2-bit entry (ADR 0003), else the 1-bit entry of the purpose (credentials issued
        // before, and VC-API credentials).
        if !tx
            .set_message_status(&owner, credential_id, message.value())
            .await?
            && !tx
                .set_status_bit(&owner, credential_id, purpose, value)
                .await?
        {
            return Err(DomainError::Conflict(format!(
                "the credential has no {} status entry",
                purpose.as_str()
            )));
        }
        tx.set_credential_status(&owner, credential_id, status)
            .await?;
        let actor = principal.actor();
        tx.audit(&AuditEntry {
            at: self.now(),
            actor: &actor,
            university: &owner,
            action,
            target: credential_id,
            reason,
            detail: None,
        })
        .await?;
        tx.commit().await?;
        tracing::info!(university = %owner, credential = %credential_id, action, "status changed");
        Ok(())
    }

    /// The signed status list credential of a list and its revision (for the ETag). Re-signed
    /// only when the list changed since the cached copy.
    pub async fn status_list_credential(
        &self,
        university: &str,
        list_id: &str,
    ) -> Result<(String, i64), DomainError> {
        let list = self
            .store
            .status_list(university, list_id)
            .await?
            .ok_or_else(|| DomainError::NotFound(format!("status list `{list_id}`")))?;
        if list.signed_revision == list.revision {
            if let Some(c) = list.signed_credential {
                return Ok((c, list.revision));
            }
        }
        let size = list.purpose.status_size();
        let mut bits = Bitstring::new(crate::domain::permutation::LIST_SIZE.saturating_mul(size));
        for (i, v) in self.store.status_values(&list.id).await? {
            bits.set_value(i, size, v);
        }
        let did = self.did(university)?;
        let url = status_list::list_url(&self.base_url, university, &list.id);
        let unsigned =
            status_list::status_list_credential(&url, did, list.purpose, &bits, self.now());
        let Value::Object(doc) = unsigned else {
            return Err(DomainError::Securing("status list is not an object".into()));
        };
        let securer = self.securer.clone();
        let uni = university.to_owned();
        let now = self.now();
        let signed = tokio::task::spawn_blocking(move || securer.sign(&uni, doc, now))
            .await
            .map_err(|e| DomainError::Securing(format!("signing task failed: {e}")))??;
        let text =
            serde_json::to_string(&signed).map_err(|e| DomainError::Securing(e.to_string()))?;
        self.store
            .cache_signed_list(&list.id, list.revision, &text)
            .await?;
        Ok((text, list.revision))
    }

    /// The did:web DID document of a university (every key in `assertionMethod`).
    pub fn did_document(&self, university: &str) -> Result<Value, DomainError> {
        self.did(university)?;
        self.securer
            .did_document(university)
            .map_err(|_| DomainError::NotFound(format!("DID document of `{university}`")))
    }

    /// The public URL of a share link.
    pub fn share_url(&self, token: &str) -> String {
        format!("{}/share/{token}", self.base_url)
    }

    /// A credential by share token (public, unguessable link) in one of its forms.
    pub async fn shared_credential(
        &self,
        token: &str,
        format: ShareFormat,
    ) -> Result<String, DomainError> {
        Ok(self.shared_download(token, format).await?.1)
    }

    /// A credential by share token in one of its forms, with its JSON-LD form (which names the
    /// download): `(JSON-LD, the form asked for)`, from one read.
    pub async fn shared_download(
        &self,
        token: &str,
        format: ShareFormat,
    ) -> Result<(String, String), DomainError> {
        let stored = self
            .store
            .share_formats(&hash_token(token))
            .await?
            .ok_or_else(|| DomainError::NotFound("share link".into()))?;
        let form = match format {
            ShareFormat::JsonLd => Some(stored.credential.clone()),
            ShareFormat::Jades => {
                Self::jades_of(&stored.credential, stored.jades, stored.jades_detached)?
            }
            ShareFormat::VcJwt => {
                self.vc_jwt_of(&stored.university, &stored.credential, stored.vc_jwt)
            }
        };
        let name = match format {
            ShareFormat::JsonLd => "JSON-LD",
            ShareFormat::Jades => "JAdES",
            ShareFormat::VcJwt => "VC-JWT",
        };
        let form =
            form.ok_or_else(|| DomainError::NotFound(format!("{name} form of this credential")))?;
        Ok((stored.credential, form))
    }

    /// Every form of a shared credential (the learner's page): JSON-LD, then the JAdES and VC-JWT
    /// forms when the credential has them.
    pub async fn shared_forms(
        &self,
        token: &str,
    ) -> Result<(String, Option<String>, Option<String>), DomainError> {
        let stored = self
            .store
            .share_formats(&hash_token(token))
            .await?
            .ok_or_else(|| DomainError::NotFound("share link".into()))?;
        let vc_jwt = self.vc_jwt_of(&stored.university, &stored.credential, stored.vc_jwt);
        let jades = Self::jades_of(&stored.credential, stored.jades, stored.jades_detached)?;
        Ok((stored.credential, jades, vc_jwt))
    }

    /// Every form of a credential of the caller's university, as [`App::shared_forms`]: JSON-LD,
    /// then the JAdES and VC-JWT forms when the credential has them.
    pub async fn credential_forms(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<(String, Option<String>, Option<String>), DomainError> {
        let not_found = || DomainError::NotFound(format!("credential `{id}`"));
        let owner = self
            .store
            .credential_owner(id)
            .await?
            .ok_or_else(not_found)?;
        principal.owns(&owner, &format!("credential `{id}`"))?;
        principal.require(&owner, Role::Issue)?;
        let stored = self
            .store
            .credential_formats(&owner, id)
            .await?
            .ok_or_else(not_found)?;
        let vc_jwt = self.vc_jwt_of(&stored.university, &stored.credential, stored.vc_jwt);
        let jades = Self::jades_of(&stored.credential, stored.jades, stored.jades_detached)?;
        Ok((stored.credential, jades, vc_jwt))
    }

    /// The stored JAdES seal, its payload put back when it was stored without it: the stored
    /// credential without its proof, serialised, which issuance checked to be the sealed bytes.
    fn jades_of(
        credential: &str,
        jades: Option<String>,
        detached: bool,
    ) -> Result<Option<String>, DomainError> {
        let Some(jades) = jades else { return Ok(None) };
        if !detached {
            return Ok(Some(jades));
        }
        let corrupt = |what: &str, e: &dyn std::fmt::Display| {
            DomainError::Storage(format!("stored {what} unreadable: {e}"))
        };
        let mut envelope: Value = serde_json::from_str(&jades).map_err(|e| corrupt("seal", &e))?;
        let mut credential: Value =
            serde_json::from_str(credential).map_err(|e| corrupt("credential", &e))?;
        let payload =
            proofs::data_integrity::with_unsecured(&mut credential, serde_json::to_string)
                .map_err(|e| corrupt("credential", &e))?;
        match envelope.get_mut("payload") {
            Some(p @ Value::String(_)) => *p = Value::String(payload),
            _ => {
                return Err(DomainError::Storage(
                    "stored seal has no payload member".into(),
                ))
            }
        }
        Ok(Some(envelope.to_string()))
    }

    /// The stored `vc+jwt`, or one made now from the stored credential by the key of its proof
    /// (deterministic: the same bytes on every call). `None` when that key is no longer held.
    fn vc_jwt_of(
        &self,
        university: &str,
        credential: &str,
        stored: Option<String>,
    ) -> Option<String> {
        if stored.is_some() {
            return stored;
        }
        let credential: Value = serde_json::from_str(credential).ok()?;
        match self.securer.vc_jwt(university, &credential) {
            Ok(jwt) => Some(jwt),
            Err(e) => {
                tracing::warn!(university, error = %e, "no VC-JWT form for a shared credential");
                None
            }
        }
    }

    /// The owner and the row of credential `id`, when the caller's university owns it (another
    /// university's answers like an unknown id) and the caller has `role` there.
    async fn owned_credential(
        &self,
        principal: &Principal,
        id: &str,
        role: Role,
    ) -> Result<(String, crate::store::CredentialRow), DomainError> {
        let what = format!("credential `{id}`");
        let not_found = || DomainError::NotFound(what.clone());
        let owner = self
            .store
            .credential_owner(id)
            .await?
            .ok_or_else(not_found)?;
        principal.owns(&owner, &what)?;
        principal.require(&owner, role)?;
        let row = self
            .store
            .credential(&owner, id)
            .await?
            .ok_or_else(not_found)?;
        Ok((owner, row))
    }

    /// A credential of the caller's university (another university's answers like an unknown id).
    pub async fn credential(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<CredentialRecord, DomainError> {
        let (_, row) = self.owned_credential(principal, id, Role::Issue).await?;
        let credential: Value = serde_json::from_str(&row.credential)
            .map_err(|e| DomainError::Storage(e.to_string()))?;
        Ok(CredentialRecord {
            id: row.id,
            status: row.status,
            kind: row.kind,
            created_at: row.created_at,
            verifiable_credential: credential,
        })
    }

    /// Credentials of the caller's university, newest first.
    pub async fn list_credentials(
        &self,
        principal: &Principal,
        page: Page,
    ) -> Result<CredentialList, DomainError> {
        principal.require(&principal.university, Role::Issue)?;
        let rows = self
            .store
            .list_credentials(
                &principal.university,
                page.limit.clamp(1, 1000),
                page.offset.max(0),
            )
            .await?;
        let items = rows
            .into_iter()
            .map(|r| CredentialSummary {
                id: r.id,
                status: r.status,
                kind: r.kind,
                created_at: r.created_at,
            })
            .collect();
        Ok(CredentialList { items })
    }
}

impl App {
    /// Stores a new version of learning opportunity specification `id` (the `learningOpportunity`
    /// part of the award format, checked by parsing it inside a minimal award). Versions are
    /// appended, never overwritten. Needs the `admin` or `issue` role.
    pub async fn add_specification(
        &self,
        principal: &Principal,
        id: &str,
        body: &Value,
    ) -> Result<SpecificationVersion, DomainError> {
        principal.require(&principal.university, Role::Issue)?;
        programme::check_store_id(id, "specification.id")?;
        let text = body.to_string();
        if let Some(i) = elm_model::limits::check_json_size(&text) {
            return Err(DomainError::Validation(vec![FieldError::from(&i)]));
        }
        match serde_json::from_value::<elm_model::award::LearningOpportunitySpec>(body.clone()) {
            Err(e) => {
                return Err(DomainError::Validation(vec![FieldError::new(
                    "",
                    "specification.parse",
                    e.to_string(),
                )]))
            }
            // The size and character limits of the award format (issue #13).
            Ok(spec) => {
                let findings = elm_model::limits::check_learning_opportunity(&spec);
                let over = FieldError::errors_of(&findings);
                if !over.is_empty() {
                    return Err(DomainError::Validation(over));
                }
            }
        }
        let version = self
            .store
            .add_specification(
                &principal.university,
                id,
                &text,
                &principal.actor(),
                self.now(),
            )
            .await?;
        Ok(SpecificationVersion {
            id: id.to_owned(),
            version,
            specification: body.clone(),
        })
    }

    /// The body of a stored specification: version `version`, or the latest.
    pub async fn specification_body(
        &self,
        principal: &Principal,
        id: &str,
        version: Option<i64>,
    ) -> Result<Value, DomainError> {
        principal.require(&principal.university, Role::Issue)?;
        let rows = self
            .store
            .specifications(&principal.university, Some(id))
            .await?;
        let found = match version {
            Some(v) => rows.into_iter().find(|r| r.1 == v),
            None => rows.into_iter().last(),
        };
        let (_, _, body) =
            found.ok_or_else(|| DomainError::NotFound(format!("specification `{id}`")))?;
        serde_json::from_str(&body).map_err(|e| DomainError::Storage(e.to_string()))
    }

    /// Specifications of the caller's university (every version), or the versions of one.
    pub async fn specifications(
        &self,
        principal: &Principal,
        id: Option<&str>,
    ) -> Result<SpecificationList, DomainError> {
        principal.require(&principal.university, Role::Issue)?;
        let rows = self.store.specifications(&principal.university, id).await?;
        if id.is_some() && rows.is_empty() {
            return Err(DomainError::NotFound(format!(
                "specification `{}`",
                id.unwrap_or_default()
            )));
        }
        let items = rows
            .into_iter()
            .map(|(id, version, body)| SpecificationVersion {
                id,
                version,
                specification: serde_json::from_str::<Value>(&body).unwrap_or(Value::Null),
            })
            .collect();
        Ok(SpecificationList { items })
    }
}

/// Batch rows in flight at once: four per core, so rows waiting on the database (or on the
/// SQLite write lock) never leave a core without signing work (2 per core measured 63 learners/s,
/// single requests from 8 clients 92/s; docs/PERFORMANCE.md).
fn batch_concurrency() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()) * 4
}

fn rejected(row: usize, errors: Vec<FieldError>) -> RowResult {
    RowResult {
        row,
        status: RowStatus::Rejected,
        credential_id: None,
        errors,
        share_url: None,
    }
}
