//! The staff console's use cases (issue #18 item 2): credential search, status counts, audit log
//! search and a credential's audit trail, recent batches, and the university's seal certificates
//! close to expiry (ETSI EN 319 412-1 seal certificates; the chain the JAdES seals carry in `x5c`).
//! Every call is scoped to the caller's university ([`Principal::university`]) and needs a role
//! there, like the API's; another university's credential answers "not found".

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::App;
use crate::domain::{DomainError, Principal, Role};
use crate::store::{AuditFilter, AuditRow, CredentialSearch};

/// A seal certificate is "close to expiry" this many days before its `notAfter`: two months
/// leaves time to order a qualified seal certificate from a trust service provider and roll it
/// out (identity checks by the provider commonly take weeks).
pub const SEAL_EXPIRY_WARNING_DAYS: i64 = 60;

/// Page size limits of the console's lists.
pub const MAX_PAGE_SIZE: i64 = 200;

/// One credential of the console's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleCredential {
    /// Credential id.
    pub id: String,
    /// `edc` or `vc`.
    pub kind: String,
    /// `active`, `suspended` or `revoked`.
    pub status: String,
    /// When issued (RFC 3339).
    pub created_at: String,
    /// The learner's full name (from `credentialSubject`), `""` when the credential has none.
    pub learner: String,
    /// The title of the achievement (the credential's `name` or the claim's title).
    pub title: String,
}

/// Counts of a university's credentials by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusCounts {
    /// Issued (every status).
    pub issued: i64,
    /// Revoked.
    pub revoked: i64,
    /// Suspended.
    pub suspended: i64,
}

/// A seal certificate of the university's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealCertificate {
    /// Its subject (RFC 4514).
    pub subject: String,
    /// Its `notAfter`.
    pub not_after: DateTime<Utc>,
    /// Whole days left (negative: expired).
    pub days_left: i64,
}

/// The first text of a JSON-LD language map (`{"en": "..."}`), a plain string, or `""`.
fn text_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(m)) => m
            .values()
            .find_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Array(a) => a.first().and_then(Value::as_str).map(str::to_owned),
                _ => None,
            })
            .unwrap_or_default(),
        Some(Value::Array(a)) => text_of(a.first()),
        _ => String::new(),
    }
}

/// The learner's name and the achievement's title of a stored credential (JSON text).
pub fn credential_labels(credential: &str) -> (String, String) {
    let Ok(doc) = serde_json::from_str::<Value>(credential) else {
        return (String::new(), String::new());
    };
    let subject = match doc.get("credentialSubject") {
        Some(Value::Array(a)) => a.first(),
        other => other,
    };
    let mut learner = text_of(subject.and_then(|s| s.get("fullName")));
    if learner.is_empty() {
        learner = text_of(subject.and_then(|s| s.get("name")));
    }
    let claim = subject
        .and_then(|s| s.get("hasClaim"))
        .and_then(|c| c.get(0).or(Some(c)));
    let mut title = text_of(claim.and_then(|c| c.get("title")));
    if title.is_empty() {
        title = text_of(doc.get("name"));
    }
    (learner, title)
}

/// `limit` within 1..=[`MAX_PAGE_SIZE`], `offset` at least 0.
fn page_bounds(limit: i64, offset: i64) -> (i64, i64) {
    (limit.clamp(1, MAX_PAGE_SIZE), offset.max(0))
}

impl App {
    /// Staff of the caller's university with any role may read (lists, audit log).
    fn require_staff(principal: &Principal) -> Result<(), DomainError> {
        if principal.roles.is_empty() {
            return Err(DomainError::Forbidden("this account has no role".into()));
        }
        Ok(())
    }

    /// Credentials of the caller's university matching `search`, newest first (role `issue`).
    pub async fn search_credentials(
        &self,
        principal: &Principal,
        search: &CredentialSearch,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ConsoleCredential>, DomainError> {
        principal.require(&principal.university, Role::Issue)?;
        let (limit, offset) = page_bounds(limit, offset);
        let rows = self
            .store
            .search_credentials(&principal.university, search, limit, offset)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let (learner, title) = credential_labels(&r.credential);
                ConsoleCredential {
                    id: r.id,
                    kind: r.kind,
                    status: r.status,
                    created_at: r.created_at,
                    learner,
                    title,
                }
            })
            .collect())
    }

    /// The caller's university's credentials by status.
    pub async fn credential_counts(
        &self,
        principal: &Principal,
    ) -> Result<StatusCounts, DomainError> {
        Self::require_staff(principal)?;
        let mut counts = StatusCounts::default();
        for (status, n) in self
            .store
            .credential_status_counts(&principal.university)
            .await?
        {
            counts.issued = counts.issued.saturating_add(n);
            match status.as_str() {
                "revoked" => counts.revoked = n,
                "suspended" => counts.suspended = n,
                _ => {}
            }
        }
        Ok(counts)
    }

    /// Audit entries of the caller's university matching `filter`, newest first.
    pub async fn search_audit(
        &self,
        principal: &Principal,
        filter: &AuditFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AuditRow>, DomainError> {
        Self::require_staff(principal)?;
        let (limit, offset) = (limit.clamp(1, 100_000), offset.max(0));
        Ok(self
            .store
            .search_audit(&principal.university, filter, limit, offset)
            .await?)
    }

    /// The actions recorded in the caller's university's audit log.
    pub async fn audit_actions(&self, principal: &Principal) -> Result<Vec<String>, DomainError> {
        Self::require_staff(principal)?;
        Ok(self.store.audit_actions(&principal.university).await?)
    }

    /// The audit trail of credential `id` of the caller's university (another university's
    /// answers "not found"; role `issue`).
    pub async fn credential_trail(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<Vec<AuditRow>, DomainError> {
        let (owner, _) = self.owned_credential(principal, id, Role::Issue).await?;
        Ok(self.store.audit_trail(&owner, id).await?)
    }

    /// The learner's share link of credential `id` of the caller's university, when a
    /// notification kept it (only the hash is stored with the credential; role `issue`).
    pub async fn credential_share_url(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<Option<String>, DomainError> {
        let (owner, _) = self.owned_credential(principal, id, Role::Issue).await?;
        let token = self.store.notified_share_token(&owner, id).await?;
        Ok(token.map(|t| self.share_url(&t)))
    }

    /// Checks that credential `id` is the caller's university's and the caller may change its
    /// status (role `revoke`): the confirmation page of a status change.
    pub async fn credential_for_status_change(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<String, DomainError> {
        let (_, row) = self.owned_credential(principal, id, Role::Revoke).await?;
        Ok(row.status)
    }

    /// The most recent API batches of the caller's university (audit action `batch`).
    pub async fn recent_batches(
        &self,
        principal: &Principal,
        limit: i64,
    ) -> Result<Vec<AuditRow>, DomainError> {
        let filter = AuditFilter {
            action: "batch".into(),
            ..AuditFilter::default()
        };
        self.search_audit(principal, &filter, limit, 0).await
    }

    /// The API batches of the caller's university still without a result (running, or
    /// interrupted until the client retries with the same key): `(key, claimed at)`.
    pub async fn unfinished_batches(
        &self,
        principal: &Principal,
        limit: i64,
    ) -> Result<Vec<(String, String)>, DomainError> {
        Self::require_staff(principal)?;
        Ok(self
            .store
            .unfinished_batches(&principal.university, limit.clamp(1, MAX_PAGE_SIZE))
            .await?)
    }

    /// The seal certificates of the caller's university's chain that expire within
    /// [`SEAL_EXPIRY_WARNING_DAYS`] days (or have expired), leaf first.
    pub fn seal_certificates_expiring(
        &self,
        principal: &Principal,
    ) -> Result<Vec<SealCertificate>, DomainError> {
        Self::require_staff(principal)?;
        let now = self.now();
        let Some((_, chain)) = self.securer.seal_signer(&principal.university) else {
            return Ok(Vec::new());
        };
        let horizon = now + Duration::days(SEAL_EXPIRY_WARNING_DAYS);
        Ok(chain
            .iter()
            .filter_map(|der| proofs::certs::certificate_from_der(der).ok())
            .map(|c| proofs::certs::CertificateInfo::of(&c))
            .filter(|info| info.not_after <= horizon)
            .map(|info| SealCertificate {
                days_left: (info.not_after - now).num_days(),
                subject: info.subject,
                not_after: info.not_after,
            })
            .collect())
    }
}

/// One stored version of a specification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecVersionInfo {
    /// Store id.
    pub id: String,
    /// Version (1, 2, ...).
    pub version: i64,
    /// When stored (RFC 3339).
    pub created_at: String,
    /// Who stored it (audit actor).
    pub created_by: String,
}

/// The sample award a specification is previewed with: a fictitious learner ("Alex Sample")
/// of `university`, the achievement period the 90 days before `today`, one page image (a
/// placeholder) in English. The kind follows the spec (MS18 §4.2): a programme → programme
/// micro-credential; assessed and credit-bearing → micro-credential; neither → certificate of
/// participation (anything else is previewed as a micro-credential, whose findings then say
/// what is missing); the professional profile when the workload is in CEU, else academic.
pub fn sample_award(university: &str, spec: &Value, today: chrono::NaiveDate) -> Value {
    let start = today - Duration::days(90);
    let assessed = spec.get("assessment").is_some();
    let credits = spec
        .get("workload")
        .is_some_and(|w| w.get("ects").is_some() || w.get("ceu").is_some());
    let kind = match (spec.get("type").and_then(Value::as_str), assessed, credits) {
        (Some("programme"), _, _) => "programmeMicroCredential",
        (_, false, false) => "certificateOfParticipation",
        _ => "microCredential",
    };
    // CEU are for certificates of professional achievement only (MS18 §4.3).
    let professional = spec.get("workload").is_some_and(|w| w.get("ceu").is_some());
    let profile = if professional {
        "professional"
    } else {
        "academic"
    };
    serde_json::json!({
        "kind": kind,
        "certificateProfile": profile,
        "awardingUniversity": university,
        "learner": {"givenNames": "Alex", "familyNames": "Sample", "dateOfBirth": "2000-01-01"},
        "learningOpportunity": spec,
        "achievement": {"period": {"start": start.to_string(), "end": today.to_string()}},
        "issued": today.to_string(),
        "display": {"primaryLanguage": "en", "images": [{"language": "en", "file": "preview.png"}]}
    })
}

/// The preview's placeholder page image: a white 4 × 3 PNG.
fn placeholder_image() -> Result<elm_model::DisplayImage, DomainError> {
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"3\"><rect width=\"4\" height=\"3\" fill=\"#fff\"/></svg>";
    let bytes = render::svg_to_png(svg, 1.0)
        .map_err(|e| DomainError::Securing(format!("preview image: {e}")))?;
    Ok(elm_model::DisplayImage {
        language: "en".into(),
        media_type: elm_model::MediaType::Png,
        bytes,
    })
}

impl App {
    /// Every stored version of the caller's university's specifications (of `id` only, unless
    /// `None`; an unknown or another university's `id` answers "not found"; role `issue`).
    pub async fn specification_versions(
        &self,
        principal: &Principal,
        id: Option<&str>,
    ) -> Result<Vec<SpecVersionInfo>, DomainError> {
        principal.require(&principal.university, Role::Issue)?;
        let rows = self
            .store
            .specification_versions(&principal.university, id.unwrap_or(""))
            .await?;
        if let (Some(id), true) = (id, rows.is_empty()) {
            return Err(DomainError::NotFound(format!("specification `{id}`")));
        }
        Ok(rows
            .into_iter()
            .map(|(id, version, created_at, created_by)| SpecVersionInfo {
                id,
                version,
                created_at,
                created_by,
            })
            .collect())
    }

    /// The certificate of specification `id` (version `version`, else the latest) as the render
    /// crate's standalone HTML document in `language`, for a sample learner ([`sample_award`]);
    /// unsigned, never stored. Findings of the award format if the spec cannot make an award.
    pub async fn specification_preview(
        &self,
        principal: &Principal,
        id: &str,
        version: Option<i64>,
        language: &str,
    ) -> Result<String, DomainError> {
        let spec = self.specification_body(principal, id, version).await?;
        let now = self.now();
        let award = sample_award(&principal.university, &spec, now.date_naive());
        let award = elm_model::parse_award(&award.to_string())
            .map_err(|i| DomainError::Validation(crate::domain::FieldError::errors_of(&[i])))?;
        let options = elm_model::BuildOptions {
            credential_id: "urn:uuid:00000000-0000-4000-8000-000000000000".into(),
            issued: Some(now.date_naive()),
        };
        let images = [placeholder_image()?];
        let built =
            elm_model::build(&award, &self.universities, &images, &options).map_err(|e| {
                DomainError::Validation(crate::domain::FieldError::errors_of(e.issues()))
            })?;
        let json = built.credential.to_string();
        let mut render_options =
            render::RenderOptions::new(language, format!("{}/verify", self.verifier_url));
        render_options.budget.max_glyphs = self.render_pool.settings().max_glyphs;
        tokio::task::spawn_blocking(move || {
            let view = elm_model::view::CredentialView::from_slice(json.as_bytes())
                .map_err(|e| DomainError::Securing(format!("preview: {e}")))?;
            render::html(&view, &render_options)
                .map_err(|e| DomainError::Securing(format!("preview: {e}")))
        })
        .await
        .map_err(|e| DomainError::Securing(format!("preview task failed: {e}")))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_from_an_edc_subject() {
        let doc = serde_json::json!({
            "name": {"en": "Certificate"},
            "credentialSubject": {"fullName": {"en": "Zofia Kowalczyk"},
                "hasClaim": [{"title": {"en": "Sustainable Innovation"}}]}
        });
        let (learner, title) = credential_labels(&doc.to_string());
        assert_eq!(learner, "Zofia Kowalczyk");
        assert_eq!(title, "Sustainable Innovation");
        assert_eq!(
            credential_labels("not json"),
            (String::new(), String::new())
        );
    }
}
