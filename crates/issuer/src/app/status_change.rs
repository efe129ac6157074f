//! VC-API `POST /credentials/status` (VC-API §3.2.3) as one use case: the typed request's changes
//! applied in order through [`App::set_status`] (Bitstring Status List v1.0 §2.1 purposes).

use super::api::{StatusRequest, StatusResponse};
use super::App;
use crate::domain::{DomainError, Principal};

impl App {
    /// Applies each change of `request` in order (`revoked`, `suspended`, `active`); the first
    /// refused change stops the rest. Audit-logged with `reason`.
    pub async fn change_status(
        &self,
        principal: &Principal,
        request: &StatusRequest,
    ) -> Result<StatusResponse, DomainError> {
        for change in &request.credential_status {
            let (purpose, value) = change.status.change();
            self.set_status(
                principal,
                &request.credential_id,
                purpose,
                value,
                request.reason.as_deref(),
            )
            .await?;
        }
        Ok(StatusResponse {
            credential_id: request.credential_id.clone(),
            status: "updated".into(),
        })
    }
}
