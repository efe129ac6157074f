//! Staff API tokens and roles (tenancy): a bearer token (RFC 6750 §2.1) belongs to exactly one
//! university and carries roles; every operation names the university it acts on and
//! [`Principal::require`] refuses any other university, whatever the roles.
//!
//! Tokens are stored as SHA-256 hex hashes only; the plain token is shown once, when created.

use sha2::{Digest, Sha256};

use super::error::DomainError;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Issue credentials (single, batch, VC-API issue).
    Issue,
    /// Revoke and suspend credentials.
    Revoke,
    /// Manage the university's tokens and specifications.
    Admin,
}

impl Role {
    /// Name as stored (`issue`, `revoke`, `admin`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Issue => "issue",
            Role::Revoke => "revoke",
            Role::Admin => "admin",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "issue" => Some(Role::Issue),
            "revoke" => Some(Role::Revoke),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// Comma-separated list, as stored.
    pub fn join(roles: &[Role]) -> String {
        roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
    }

    /// Parses a comma-separated list, ignoring unknown names.
    pub fn split(s: &str) -> Vec<Role> {
        s.split(',').filter_map(Role::parse).collect()
    }
}

/// The authenticated caller: a token of one university.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Token id (not the secret): used in the audit log as "who".
    pub token_id: String,
    /// The university the token belongs to.
    pub university: String,
    /// Its roles.
    pub roles: Vec<Role>,
}

impl Principal {
    /// Allows acting on `university` with `role`; else [`DomainError::Forbidden`].
    pub fn require(&self, university: &str, role: Role) -> Result<(), DomainError> {
        if self.university != university {
            return Err(DomainError::Forbidden(format!(
                "this token belongs to another university and cannot act for `{university}`"
            )));
        }
        if !self.roles.contains(&role) && !self.roles.contains(&Role::Admin) {
            return Err(DomainError::Forbidden(format!("this token lacks the `{}` role", role.as_str())));
        }
        Ok(())
    }

    /// Audit "who": `token:<id>@<university>`.
    pub fn actor(&self) -> String {
        format!("token:{}@{}", self.token_id, self.university)
    }
}

/// SHA-256 hex of a token, the only form stored.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_university_is_forbidden_even_for_admin() {
        let p = Principal { token_id: "t".into(), university: "eth".into(), roles: vec![Role::Admin] };
        assert!(p.require("eth", Role::Issue).is_ok());
        assert!(matches!(p.require("rwth", Role::Issue), Err(DomainError::Forbidden(_))));
        let q = Principal { token_id: "t".into(), university: "eth".into(), roles: vec![Role::Revoke] };
        assert!(q.require("eth", Role::Issue).is_err());
        assert_eq!(Role::split("issue,revoke,bogus"), vec![Role::Issue, Role::Revoke]);
        assert_eq!(hash_token("abc").len(), 64);
    }
}
