//! Learner notifications in the application service (issue #18 item 3): what the outbox worker
//! needs to compose a message (the credential's title and university in the learner's language,
//! the share link, the PDF rendered on the service's rendering pool and cached like the share
//! link's download), and the staff use cases of the console: the delivery state of a credential's
//! messages, "resend" and "change address" (each a NEW pending message, audit-logged with the
//! credential id only: the audit log never holds the address).

use elm_model::view::CredentialView;

use super::App;
use crate::domain::notify_message::{self, Composed, MessageFacts};
use crate::domain::{DomainError, Principal, Role};
use crate::render_pool::{CacheKey, Kind};
use crate::store::{AuditEntry, NewOutboxMessage, OutboxRow};

/// Message states a list can be filtered by.
pub const MESSAGE_STATES: [&str; 4] = ["pending", "sending", "sent", "failed"];

impl App {
    /// The message of outbox row `row` and its PDF attachment (rendered on the pool within the
    /// render budget, cached by credential id and language).
    pub async fn notification(&self, row: &OutboxRow) -> Result<(Composed, Vec<u8>), DomainError> {
        let stored = self
            .store
            .credential(&row.university, &row.credential_id)
            .await?
            .ok_or_else(|| DomainError::NotFound(format!("credential `{}`", row.credential_id)))?;
        let language = notify_message::default_language(&row.language);
        let verification_url = self.verification_url(&row.share_token);
        let json = stored.credential;
        let (title, university) = {
            let view = CredentialView::from_slice(json.as_bytes())
                .map_err(|e| DomainError::Storage(format!("stored credential unreadable: {e}")))?;
            let doc = render::document(
                &view,
                &render::RenderOptions::new(language, verification_url.clone()),
            );
            (doc.page.opportunity, doc.page.university)
        };
        let share_url = self.share_url(&row.share_token);
        let composed = notify_message::compose(
            language,
            &MessageFacts {
                title: &title,
                university: &university,
                share_url: &share_url,
            },
        );
        let key = CacheKey {
            credential_id: row.credential_id.clone(),
            kind: Kind::Pdf,
            language: language.to_owned(),
        };
        let pdf = self
            .render_pool
            .cached(key, move |budget| {
                let options =
                    render::RenderOptions::new(language, verification_url).with_budget(budget);
                let view = CredentialView::from_slice(json.as_bytes())?;
                render::pdf(&view, &options)
            })
            .await
            .map_err(|e| DomainError::Securing(format!("rendering the PDF failed: {e}")))?;
        Ok((composed, pdf.to_vec()))
    }

    /// The messages of a credential of the caller's university (Issue role; another university's
    /// credential answers like an unknown id), oldest first.
    pub async fn credential_messages(
        &self,
        principal: &Principal,
        credential_id: &str,
    ) -> Result<Vec<OutboxRow>, DomainError> {
        let (owner, _) = self
            .owned_credential(principal, credential_id, Role::Issue)
            .await?;
        Ok(self
            .store
            .credential_messages(&owner, credential_id)
            .await?)
    }

    /// The messages of the caller's university in `state` (all when `None`), newest first, at
    /// most `limit`.
    pub async fn messages(
        &self,
        principal: &Principal,
        state: Option<&str>,
        limit: i64,
    ) -> Result<Vec<OutboxRow>, DomainError> {
        principal.require(&principal.university, Role::Issue)?;
        if let Some(s) = state.filter(|s| !MESSAGE_STATES.contains(s)) {
            return Err(DomainError::BadRequest(format!(
                "state `{s}`: must be pending, sending, sent or failed"
            )));
        }
        Ok(self
            .store
            .messages_in_state(&principal.university, state, limit.clamp(1, 1000))
            .await?)
    }

    /// Queues the credential's message again, as a new message (new `Message-ID`): to its last
    /// address, or to `new_address` (checked: rule `notify.email` on field `email`). Needs a
    /// message before (its share link and language are reused); audit-logged with the credential
    /// id only (`notify-resend`, `notify-address`). Returns the new message's row id.
    pub async fn resend_message(
        &self,
        principal: &Principal,
        credential_id: &str,
        new_address: Option<&str>,
    ) -> Result<String, DomainError> {
        let (owner, _) = self
            .owned_credential(principal, credential_id, Role::Issue)
            .await?;
        if let Some(a) = new_address {
            notify_message::check_email("email", a)
                .map_err(|f| DomainError::Validation(vec![f]))?;
        }
        let last = self
            .store
            .credential_messages(&owner, credential_id)
            .await?
            .pop()
            .ok_or_else(|| {
                DomainError::Conflict(
                    "this credential was issued without a notification: there is no message to send again".into(),
                )
            })?;
        let row_id = uuid::Uuid::new_v4().to_string();
        let message_id = notify_message::message_id(&row_id, &self.base_url);
        let now = self.now();
        let actor = principal.actor();
        let action = if new_address.is_some() {
            "notify-address"
        } else {
            "notify-resend"
        };
        self.store
            .enqueue_message(
                &NewOutboxMessage {
                    id: &row_id,
                    credential_id,
                    university: &owner,
                    recipient: new_address.unwrap_or(&last.recipient),
                    language: &last.language,
                    share_token: &last.share_token,
                    message_id: &message_id,
                    now,
                },
                &AuditEntry {
                    at: now,
                    actor: &actor,
                    university: &owner,
                    action,
                    target: credential_id,
                    reason: None,
                    detail: None,
                },
            )
            .await?;
        tracing::info!(university = %owner, credential = %credential_id, outbox_message = %row_id, action, "notification queued again");
        Ok(row_id)
    }
}
