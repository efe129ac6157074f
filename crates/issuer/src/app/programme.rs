//! Use cases of programme specifications and programme certificates (MS18 §4.1, §7.4, Annex 3
//! programme certificate): the lead university stores its programme specifications (versioned, in
//! the specification store under `programme:<id>`, a key ordinary specification ids cannot take),
//! and issues the programme certificate when a learner's unit credentials stack
//! ([`verifier::stack`]); when they do not, the caller gets the stack report.
//!
//! Unit credentials are verified with the `verifier` library under a policy whose trusted issuers
//! are this service's universities (their DID documents, offline); status lists are fetched over
//! the network (guarded https; plain http on loopback only when the service's own public URL is a
//! loopback address, i.e. a local demo or test deployment).

use elm_model::programme::{parse_programme, ProgrammeSpec};
use elm_model::BuildOptions;
use serde_json::{json, Value};
use verifier::stack::{check_stack_with, Programme, StackOptions, StackReport};
use verifier::{NetworkPolicy, Policy};

use super::api::ProgrammeVersion;
use super::{App, Issued};
use crate::domain::prepare::VcVersion;
use crate::domain::programme as dp;
use crate::domain::{DomainError, FieldError, Principal, Role};
use crate::securing::{own_member, own_registry};
use crate::store::AuditEntry;

/// The outcome of a certificate request.
#[derive(Debug)]
pub enum ProgrammeCertificate {
    /// The units stack: the programme credential was issued.
    Issued(Box<Issued>),
    /// They do not (or could not be checked): the report says why, unit by unit.
    DoesNotStack(Box<StackReport>),
}

fn store_key(id: &str) -> String {
    format!("programme:{id}")
}

fn check_id(id: &str) -> Result<(), DomainError> {
    check_store_id(id, "programme-spec.store-id")
}

/// The id a specification or programme is stored under: 1-200 characters of `[A-Za-z0-9._-]`
/// (a finding with `rule` otherwise).
pub(super) fn check_store_id(id: &str, rule: &str) -> Result<(), DomainError> {
    if id.is_empty()
        || id.len() > 200
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(DomainError::Validation(vec![FieldError::new(
            "id",
            rule,
            "1-200 characters of [A-Za-z0-9._-]",
        )]));
    }
    Ok(())
}

impl App {
    /// Stores a new version of programme specification `id` of the caller's university (which must
    /// be its lead university). Needs the `issue` role.
    pub async fn add_programme(
        &self,
        principal: &Principal,
        id: &str,
        body: &Value,
    ) -> Result<ProgrammeVersion, DomainError> {
        principal.require(&principal.university, Role::Issue)?;
        check_id(id)?;
        let text = body.to_string();
        let spec = parse_programme(&text).map_err(|i| {
            // Over the size limit: the body is parsed already, so name the oversized fields too.
            let issues = if i.rule == "award.max-bytes" {
                elm_model::limits::oversized_programme_findings(body, text.len())
            } else {
                vec![i]
            };
            DomainError::Validation(issues.iter().map(FieldError::from).collect())
        })?;
        let known: Vec<&str> = self.universities.iter().map(|u| u.id.as_str()).collect();
        let mut errors: Vec<FieldError> =
            spec.validate(&known).iter().map(FieldError::from).collect();
        if spec.lead_university != principal.university {
            errors.push(FieldError::new(
                "leadUniversity",
                "programme-spec.lead-university",
                format!(
                    "`{}` is not the caller's university `{}`",
                    spec.lead_university, principal.university
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(DomainError::Validation(errors));
        }
        let version = self
            .store
            .add_specification(
                &principal.university,
                &store_key(id),
                &body.to_string(),
                &principal.actor(),
                self.now(),
            )
            .await?;
        Ok(ProgrammeVersion {
            id: id.to_owned(),
            version,
            programme: body.clone(),
        })
    }

    /// The latest version of programme specification `id` of the caller's university.
    pub async fn programme(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<ProgrammeVersion, DomainError> {
        let (version, spec) = self.latest_programme(principal, id).await?;
        let programme =
            serde_json::to_value(&spec).map_err(|e| DomainError::Storage(e.to_string()))?;
        Ok(ProgrammeVersion {
            id: id.to_owned(),
            version,
            programme,
        })
    }

    /// The latest version of programme specification `id`, parsed.
    async fn latest_programme(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<(i64, ProgrammeSpec), DomainError> {
        principal.require(&principal.university, Role::Issue)?;
        let rows = self
            .store
            .specifications(&principal.university, Some(&store_key(id)))
            .await?;
        let (_, version, body) = rows
            .into_iter()
            .last()
            .ok_or_else(|| DomainError::NotFound(format!("programme `{id}`")))?;
        let spec = parse_programme(&body)
            .map_err(|e| DomainError::Storage(format!("stored programme `{id}`: {}", e.message)))?;
        Ok((version, spec))
    }

    /// The policy unit credentials are verified under.
    fn stack_policy(&self) -> Policy {
        let mut members = Vec::new();
        for u in self.universities.iter() {
            let Ok(document) = self.securer.did_document(&u.id) else {
                continue;
            };
            members.push(own_member(u, document, self.securer.seal_entry(&u.id)));
        }
        let registry = own_registry("issuer's universities", members);
        let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
            .iter()
            .any(|p| self.base_url.starts_with(p));
        let network = if local {
            NetworkPolicy::local_testing()
        } else {
            NetworkPolicy::default()
        };
        Policy::new(registry).with_network(network)
    }

    /// Programme certificate on request: checks that the submitted unit credentials (and the
    /// coordinator's confirmations) stack towards programme `id`, then issues the programme
    /// micro-credential of the caller's (lead) university with each unit credential linked as
    /// evidence; coordinator confirmations are audit-logged. Needs the `issue` role.
    pub async fn issue_programme_certificate(
        &self,
        principal: &Principal,
        id: &str,
        request: &dp::CertificateRequest,
    ) -> Result<ProgrammeCertificate, DomainError> {
        principal.require(&principal.university, Role::Issue)?;
        let (version, spec) = self.latest_programme(principal, id).await?;
        let confirmed_by = format!("the academic coordinator ({})", principal.actor());
        let confirmations: Vec<dp::Confirmation> = request
            .confirmations
            .iter()
            .map(|(_, c)| c.clone())
            .collect();
        let learner = match &request.learner {
            Some(l) => Some(l.clone()),
            None => request
                .credentials
                .iter()
                .find_map(|(_, b)| elm_model::view::CredentialView::from_slice(b).ok())
                .and_then(|v| dp::learner_from_credential(&v, &self.universities)),
        };
        let Some(learner) = learner else {
            return Err(DomainError::Validation(vec![FieldError::new(
                "learner",
                "programme-certificate.learner",
                "give the learner: no unit credential names one",
            )]));
        };
        let options = StackOptions {
            known_programmes: vec![],
            confirmed: dp::confirmed_units(&confirmations, &confirmed_by),
            learner: Some(dp::expected_learner(&learner, &self.universities)),
        };
        let policy = self.stack_policy();
        let programme = Programme::Specification(Box::new(spec.clone()));
        let credentials: Vec<Vec<u8>> =
            request.credentials.iter().map(|(_, b)| b.clone()).collect();
        let clock = self.clock.clone();
        let report = tokio::task::spawn_blocking(move || {
            let refs: Vec<&[u8]> = credentials.iter().map(Vec::as_slice).collect();
            (
                check_stack_with(&programme, &refs, &options, &policy, clock.as_ref()),
                credentials,
            )
        })
        .await
        .map_err(|e| DomainError::Storage(format!("stackability task failed: {e}")))?;
        let (report, credentials) = report;
        if !report.stacks {
            tracing::info!(university = %principal.university, programme = id, "programme certificate refused: units do not stack");
            return Ok(ProgrammeCertificate::DoesNotStack(Box::new(report)));
        }

        let issued = self.now().date_naive();
        let refs: Vec<&[u8]> = credentials.iter().map(Vec::as_slice).collect();
        let units = dp::unit_proofs(&spec, &report, &refs, &confirmations, issued);
        let award = dp::programme_award(&spec, learner, &units, request.grade.as_deref(), issued);
        let credential_id = Self::new_credential_id();
        let options = BuildOptions {
            credential_id: credential_id.clone(),
            issued: Some(issued),
        };
        let share_token = Self::new_share_token();
        let completed = {
            let (award, universities, options, url) = (
                award.clone(),
                self.universities.clone(),
                options.clone(),
                self.verification_url(&share_token),
            );
            crate::display::complete_images_pooled(
                self.render_pool(),
                award,
                universities,
                options,
                Vec::new(),
                url,
            )
            .await?
        };
        let built = completed
            .build(&award, &self.universities, &options)
            .map_err(|e| {
                DomainError::Validation(
                    e.issues()
                        .iter()
                        .filter(|i| i.is_error())
                        .map(|i| {
                            FieldError::new(
                                format!("programme.{}", i.path),
                                i.rule,
                                i.message.clone(),
                            )
                        })
                        .collect(),
                )
            })?;
        let serde_json::Value::Object(mut doc) = built.credential else {
            return Err(DomainError::Securing(
                "the EDC builder did not produce an object".into(),
            ));
        };
        doc.insert(
            "evidence".into(),
            dp::evidence(
                &credential_id,
                &units,
                &self.universities,
                &spec.lead_university,
                issued,
            ),
        );
        let issued_cred = self
            .issue_prepared(
                principal,
                "edc",
                doc,
                VcVersion::V1,
                self.award_status(),
                None,
                share_token,
            )
            .await?;

        if !confirmations.is_empty() {
            let mut tx = self.store.begin().await?;
            let actor = principal.actor();
            for c in &confirmations {
                let detail = json!({"programme": id, "programmeVersion": version, "specificationId": c.specification_id, "grade": c.grade}).to_string();
                tx.audit(&AuditEntry {
                    at: self.now(),
                    actor: &actor,
                    university: &principal.university,
                    action: "confirm-unit",
                    target: &issued_cred.id,
                    reason: None,
                    detail: Some(&detail),
                })
                .await?;
            }
            tx.commit().await?;
        }
        tracing::info!(university = %principal.university, programme = id, credential = %issued_cred.id, "programme certificate issued");
        Ok(ProgrammeCertificate::Issued(Box::new(issued_cred)))
    }
}
