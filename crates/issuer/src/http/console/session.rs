//! Staff sessions (issue #18): a random session id in a `Secure; HttpOnly; SameSite=Lax` cookie
//! (`__Host-` prefixed on https), stored hashed server-side with its account, university, roles,
//! CSRF token, language and expiry; a new id at every sign-in (no session fixation); CSRF tokens
//! checked on every POST form (field `_csrf`).
//!
//! The extractor [`StaffSession`] answers a request without a valid session with
//! [`ConsoleError::SignIn`] (`303` to the sign-in page).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;

use super::{see_other, ConsoleError, Lang};
use crate::domain::{Principal, Role};
use crate::http::AppState;

/// The signed-in staff member of a console request.
#[derive(Debug, Clone)]
pub struct StaffSession {
    /// Who, for the domain: the university and roles are the account's; `token_id` is
    /// `staff:<account id>`, so the audit log names the person.
    pub principal: Principal,
    /// The staff account's id.
    pub account_id: String,
    /// Name shown in the header.
    pub display_name: String,
    /// The session's CSRF token (hidden field `_csrf` of every POST form).
    pub csrf_token: String,
    /// Interface language (`?lang=` switches it for the session).
    pub lang: Lang,
}

impl StaffSession {
    /// Whether the account has the admin role.
    pub fn is_admin(&self) -> bool {
        self.principal.roles.contains(&Role::Admin)
    }

    /// Whether the account may do `role` (admins may do everything).
    pub fn can(&self, role: Role) -> bool {
        self.is_admin() || self.principal.roles.contains(&role)
    }

    /// `Ok` when `submitted` is this session's CSRF token (constant-time compare), else
    /// [`ConsoleError::Csrf`].
    pub fn check_csrf(&self, submitted: Option<&str>) -> Result<(), ConsoleError> {
        if tokens_match(submitted, &self.csrf_token) {
            Ok(())
        } else {
            Err(ConsoleError::Csrf)
        }
    }

    /// The hidden CSRF field for a form.
    pub fn csrf_field(&self) -> String {
        format!(
            "<input type=\"hidden\" name=\"_csrf\" value=\"{}\">",
            super::layout::esc(&self.csrf_token)
        )
    }
}

/// Whether `submitted` is the non-empty token `expected` (constant-time compare).
pub fn tokens_match(submitted: Option<&str>, expected: &str) -> bool {
    let Some(submitted) = submitted else {
        return false;
    };
    let (a, b) = (submitted.as_bytes(), expected.as_bytes());
    if a.len() != b.len() || expected.is_empty() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether the service is reached over https (then cookies are `Secure` and `__Host-`).
pub fn secure(state: &AppState) -> bool {
    state.app.base_url().starts_with("https://")
}

/// The session cookie's name: `__Host-enhance_console` (RFC 6265bis §4.1.3.2: `Secure`,
/// `Path=/`, no `Domain`) on https, else `enhance_console` with `Path=/console`.
pub fn cookie_name(state: &AppState) -> &'static str {
    if secure(state) {
        "__Host-enhance_console"
    } else {
        "enhance_console"
    }
}

/// `Set-Cookie` of a console cookie `name` (`HttpOnly; SameSite=Lax`, `Secure` and `Path=/` on
/// https, else `Path=/console`): `value` for the browser session, or with `value` empty deleted
/// (`Max-Age=0`).
pub fn console_cookie(state: &AppState, name: &str, value: &str) -> Option<HeaderValue> {
    let attributes = if secure(state) {
        "Path=/; Secure"
    } else {
        "Path=/console"
    };
    let max_age = if value.is_empty() { "; Max-Age=0" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; {attributes}; HttpOnly; SameSite=Lax{max_age}"
    ))
    .ok()
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn read_cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(k, v)| (k == name && !v.is_empty()).then_some(v))
}

/// `next` when it is a console path (`/console` or below, no `//`, no `\\`, no control
/// characters: never another site), else `/console`.
pub fn safe_next(next: &str) -> &str {
    let console =
        next == "/console" || next.starts_with("/console/") || next.starts_with("/console?");
    if console
        && !next.contains("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
    {
        next
    } else {
        "/console"
    }
}

/// Signs account `account_id` in: a NEW session (any session the request carried is ended, so
/// an id planted before sign-in is useless: no session fixation), its cookie, and `303` to
/// `next` (a console path, [`safe_next`]). For the password sign-in and single sign-on.
pub async fn start_session(
    state: &AppState,
    account_id: &str,
    lang: Lang,
    next: &str,
    request_headers: &HeaderMap,
) -> Result<Response, ConsoleError> {
    let name = cookie_name(state);
    if let Some(old) = read_cookie(request_headers, name) {
        state.app.end_staff_session(old).await?;
    }
    let opened = state.app.open_staff_session(account_id, lang.tag()).await?;
    let mut res = see_other(safe_next(next));
    let cookie = console_cookie(state, name, &opened.id).ok_or(ConsoleError::Internal)?;
    res.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(res)
}

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = ConsoleError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let next = parts
            .uri
            .path_and_query()
            .map_or("/console".to_owned(), |p| p.as_str().to_owned());
        let Some(id) = read_cookie(&parts.headers, cookie_name(state)) else {
            return Err(ConsoleError::SignIn { next });
        };
        let requested = parts.uri.query().and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "lang")
                .and_then(|(_, v)| Lang::parse(&v))
        });
        let info = state
            .app
            .staff_session(id, requested.map(Lang::tag))
            .await?
            .ok_or(ConsoleError::SignIn { next })?;
        Ok(StaffSession {
            lang: Lang::parse(&info.lang).unwrap_or_default(),
            principal: info.principal,
            account_id: info.account_id,
            display_name: info.display_name,
            csrf_token: info.csrf_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_a_console_path_only() {
        assert_eq!(
            safe_next("/console/credentials?q=x"),
            "/console/credentials?q=x"
        );
        assert_eq!(safe_next("/console"), "/console");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/console//evil",
            "/consolex",
            "/console/\\evil",
            "/",
        ] {
            assert_eq!(safe_next(bad), "/console", "{bad}");
        }
    }

    #[test]
    fn csrf_is_checked() {
        let s = StaffSession {
            principal: Principal {
                token_id: "staff:a".into(),
                university: "eth".into(),
                roles: vec![Role::Issue],
            },
            account_id: "a".into(),
            display_name: "A".into(),
            csrf_token: "tok".into(),
            lang: Lang::En,
        };
        assert!(s.check_csrf(Some("tok")).is_ok());
        assert!(s.check_csrf(Some("tik")).is_err());
        assert!(s.check_csrf(None).is_err());
        assert!(s.can(Role::Issue) && !s.can(Role::Revoke) && !s.is_admin());
    }
}
