//! Staff API tokens and roles (tenancy): a bearer token (RFC 6750 §2.1) belongs to exactly one
//! university and carries roles; every operation names the university it acts on and
//! [`Principal::require`] refuses any other university, whatever the roles.
//!
//! Tokens are stored as SHA-256 hex hashes only; the plain token is shown once, when created.

use sha2::{Digest, Sha256};

use super::error::{DomainError, FieldError};

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
        roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
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
            return Err(DomainError::Forbidden(format!(
                "this token lacks the `{}` role",
                role.as_str()
            )));
        }
        Ok(())
    }

    /// Hides another university's resources: `Ok` when `owner` is the caller's university, else
    /// [`DomainError::NotFound`] of `what`, the same answer as for an id that does not exist (so
    /// ids of other universities cannot be probed, issue #13).
    pub fn owns(&self, owner: &str, what: &str) -> Result<(), DomainError> {
        if self.university == owner {
            Ok(())
        } else {
            Err(DomainError::NotFound(what.to_owned()))
        }
    }

    /// Audit "who": `token:<id>@<university>`, or for a console session (`token_id`
    /// `staff:<account id>`) `staff:<account id>@<university>`.
    pub fn actor(&self) -> String {
        if self.token_id.starts_with("staff:") {
            return format!("{}@{}", self.token_id, self.university);
        }
        format!("token:{}@{}", self.token_id, self.university)
    }
}

/// The roles of a token-creation request (`roles: ["issue", "revoke", "admin"]`): a non-empty list
/// of known role names, duplicates removed; findings name `roles[i]`.
pub fn parse_requested_roles(
    value: Option<&serde_json::Value>,
) -> Result<Vec<Role>, Vec<FieldError>> {
    let Some(serde_json::Value::Array(items)) = value else {
        return Err(vec![FieldError::new(
            "roles",
            "token.roles",
            "`roles` must be a non-empty array of `issue`, `revoke`, `admin`",
        )]);
    };
    let mut roles = Vec::new();
    let mut errors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.as_str().and_then(Role::parse) {
            Some(r) if !roles.contains(&r) => roles.push(r),
            Some(_) => {}
            None => errors.push(FieldError::new(
                format!("roles[{i}]"),
                "token.roles",
                "unknown role: use `issue`, `revoke` or `admin`",
            )),
        }
    }
    if roles.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            "roles",
            "token.roles",
            "at least one role is required",
        ));
    }
    if errors.is_empty() {
        Ok(roles)
    } else {
        Err(errors)
    }
}

/// A token label: 1 to 200 characters, no control characters.
pub fn check_label(value: Option<&serde_json::Value>) -> Result<String, FieldError> {
    match value.and_then(serde_json::Value::as_str).map(str::trim) {
        Some(l)
            if !l.is_empty() && l.chars().count() <= 200 && !l.chars().any(char::is_control) =>
        {
            Ok(l.to_owned())
        }
        _ => Err(FieldError::new(
            "label",
            "token.label",
            "`label` must be 1 to 200 characters without control characters",
        )),
    }
}

/// A new secret token: `enh_` + 256 random bits, base64url.
pub fn new_token_secret() -> String {
    use base64::Engine as _;
    format!(
        "enh_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
    )
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
        let p = Principal {
            token_id: "t".into(),
            university: "eth".into(),
            roles: vec![Role::Admin],
        };
        assert!(p.require("eth", Role::Issue).is_ok());
        assert!(matches!(
            p.require("rwth", Role::Issue),
            Err(DomainError::Forbidden(_))
        ));
        let q = Principal {
            token_id: "t".into(),
            university: "eth".into(),
            roles: vec![Role::Revoke],
        };
        assert!(q.require("eth", Role::Issue).is_err());
        assert_eq!(
            Role::split("issue,revoke,bogus"),
            vec![Role::Issue, Role::Revoke]
        );
        assert_eq!(hash_token("abc").len(), 64);
    }

    #[test]
    fn requested_roles_and_labels_are_checked() {
        use serde_json::json;
        assert_eq!(
            parse_requested_roles(Some(&json!(["revoke", "issue", "revoke"]))).unwrap(),
            vec![Role::Revoke, Role::Issue]
        );
        let e = parse_requested_roles(Some(&json!(["issue", "root"]))).unwrap_err();
        assert_eq!(e[0].path, "roles[1]");
        assert_eq!(
            parse_requested_roles(Some(&json!([]))).unwrap_err()[0].path,
            "roles"
        );
        assert_eq!(parse_requested_roles(None).unwrap_err()[0].path, "roles");
        assert_eq!(
            check_label(Some(&json!(" registrar office "))).unwrap(),
            "registrar office"
        );
        assert_eq!(check_label(Some(&json!(""))).unwrap_err().path, "label");
        assert!(check_label(Some(&json!("a\nb"))).is_err());
        let (a, b) = (new_token_secret(), new_token_secret());
        assert!(a.starts_with("enh_") && a.len() == 47 && a != b);
    }
}
