//! Staff API token management (issue #4 §2 "Universities and access"): a university's admins
//! create tokens with roles (`issue`, `revoke`, `admin`; the secret is returned once, only its
//! SHA-256 is stored, RFC 6750 bearer tokens), list them without secrets, and revoke them. Every
//! operation acts on the caller's own university only and is recorded in the audit log.

use serde_json::json;

use super::api::{NewToken, RoleName, TokenList, TokenRequest, TokenSummary};
use super::App;
use crate::domain::auth::new_token_secret;
use crate::domain::{hash_token, DomainError, Principal, Role};
use crate::store::AuditEntry;

impl App {
    /// Creates a token of the caller's university with the requested `roles` and `label`
    /// (body `{roles, label}`, read by [`super::FromJson`]); returns it with its secret, which is
    /// never shown again.
    pub async fn create_token(
        &self,
        principal: &Principal,
        request: &TokenRequest,
    ) -> Result<NewToken, DomainError> {
        let university = principal.university.as_str();
        principal.require(university, Role::Admin)?;
        let roles: Vec<Role> = request.roles.iter().copied().map(Role::from).collect();
        let label = request.label.clone();
        let id = uuid::Uuid::new_v4().to_string();
        let secret = new_token_secret();
        let now = self.now();
        let joined = Role::join(&roles);
        let mut tx = self.store.begin().await?;
        tx.insert_token(&id, &hash_token(&secret), university, &joined, &label, now)
            .await?;
        let actor = principal.actor();
        let detail =
            json!({"roles": roles.iter().map(|r| r.as_str()).collect::<Vec<_>>()}).to_string();
        tx.audit(&AuditEntry {
            at: now,
            actor: &actor,
            university,
            action: "token-create",
            target: &id,
            reason: None,
            detail: Some(&detail),
        })
        .await?;
        tx.commit().await?;
        tracing::info!(university, token = %id, roles = %joined, "API token created");
        Ok(NewToken {
            id,
            university: university.to_owned(),
            roles: request.roles.clone(),
            label,
            created_at: crate::store::stamp(now),
            token: secret,
        })
    }

    /// The caller's university's tokens (live and revoked), without secrets.
    pub async fn list_tokens(&self, principal: &Principal) -> Result<TokenList, DomainError> {
        principal.require(&principal.university, Role::Admin)?;
        let items = self
            .store
            .list_tokens(&principal.university)
            .await?
            .into_iter()
            .map(|t| TokenSummary {
                roles: Role::split(&t.roles)
                    .into_iter()
                    .map(RoleName::from)
                    .collect(),
                id: t.id,
                label: t.label,
                created_at: t.created_at,
                revoked_at: t.revoked_at,
            })
            .collect();
        Ok(TokenList { items })
    }

    /// Revokes token `id` of the caller's university (a token of another university answers like
    /// an unknown one: 404; already revoked: 409; the university's last live admin token: 409,
    /// rule `token.last-admin`, so a university cannot lock itself out). Audit-logged with `reason`.
    pub async fn revoke_token(
        &self,
        principal: &Principal,
        id: &str,
        reason: Option<&str>,
    ) -> Result<(), DomainError> {
        let (owner, revoked) = self
            .store
            .token_owner(id)
            .await?
            .ok_or_else(|| DomainError::NotFound(format!("token `{id}`")))?;
        principal.owns(&owner, &format!("token `{id}`"))?;
        principal.require(&owner, Role::Admin)?;
        if revoked {
            return Err(DomainError::Conflict(format!(
                "token `{id}` is already revoked"
            )));
        }
        let tokens = self.store.list_tokens(&owner).await?;
        let is_admin = |t: &crate::store::TokenInfo| {
            t.revoked_at.is_none() && Role::split(&t.roles).contains(&Role::Admin)
        };
        if tokens.iter().any(|t| t.id == id && is_admin(t))
            && !tokens.iter().any(|t| t.id != id && is_admin(t))
        {
            return Err(DomainError::Conflict(format!(
                "token `{id}` is the last live admin token of `{owner}` and cannot be revoked (rule token.last-admin): create another admin token first"
            )));
        }
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if !tx.revoke_token(&owner, id, now).await? {
            return Err(DomainError::Conflict(format!(
                "token `{id}` is already revoked"
            )));
        }
        let actor = principal.actor();
        tx.audit(&AuditEntry {
            at: now,
            actor: &actor,
            university: &owner,
            action: "token-revoke",
            target: id,
            reason,
            detail: None,
        })
        .await?;
        tx.commit().await?;
        tracing::info!(university = %owner, token = %id, "API token revoked");
        Ok(())
    }
}
