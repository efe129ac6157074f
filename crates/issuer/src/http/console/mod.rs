//! The staff console (issue #18): server-rendered HTML pages for academic coordinators and
//! education officers (ENHANCE framework MS18 §6 "Actors", §7.4 "Certification"), so issuing,
//! revoking and looking up credentials needs no `curl`. JavaScript only enhances (progress bar
//! polling); every page and form works without it. WCAG 2.1 AA: `<html lang>`, a skip link,
//! labelled fields, visible focus, contrast ≥ 4.5:1, reflow at 320 px (see [`layout`]).
//!
//! Handlers here are thin like the API's: extract (the signed-in [`session::StaffSession`], the
//! CSRF-checked form), call [`crate::app::App`] with the session's
//! [`crate::domain::Principal`] (so tenancy and roles are the API's), render HTML. Errors become
//! an HTML page ([`ConsoleError`]), never problem JSON.
//!
//! URL contract (the browser tests rely on it):
//! - `GET /` (HTML preferred) → `303 /console`; `GET /console` → the dashboard, or
//!   `303 /console/sign-in?next=...` without a session ([`auth`], [`dashboard`]).
//! - `GET|POST /console/sign-in` (fields `university`, `username`, `password`, `totp`, `_csrf`),
//!   `POST /console/sign-out`; `GET /console/sso/{university}` and `/console/sso/{university}/callback`
//!   (OpenID Connect, [`sso`]).
//! - `/console/specifications[/new|/{id}|/{id}/versions|/{id}/preview]` ([`specifications`]).
//! - `/console/cohorts/new`, `POST /console/cohorts`, `/console/cohorts/{id}` (preview),
//!   `/console/cohorts/{id}/issue`, `/console/cohorts/{id}/progress[.json]`,
//!   `/console/cohorts/{id}/result`, `/console/cohorts/{id}/pdfs.zip`,
//!   `/console/cohorts/template.csv[?specification=]`, `/console/cohorts/progress.js` ([`cohort`]).
//! - `/console/credentials?q=&specification=&status=&from=&to=`, `/console/credentials/{id}`,
//!   `/console/credentials/{id}/status?action=revoke|suspend|reinstate` (confirmation) and its
//!   POST ([`credentials`]); `/console/credentials/{id}/messages` ([`messages`]).
//! - `/console/audit`, `/console/audit.csv` ([`audit`]); `/console/tokens` ([`tokens`]).
//!
//! Every POST form carries the session's CSRF token in the hidden field `_csrf`
//! ([`session::StaffSession::check_csrf`]); a POST without it is refused (403).

pub mod audit; // audit log: filter and export
pub mod auth; // sign-in, sign-out, the root redirect
pub mod cohort; // cohort issuance: upload, preview, issue with progress, results
pub mod credentials; // search, detail, revoke / suspend / reinstate
pub mod dashboard; // counts, recent batches, seal certificates close to expiry
pub mod i18n; // interface languages: en, de, nl, pl, it
pub mod layout; // the page shell
pub mod messages; // learner notifications: delivery state, resend, change address
pub mod session; // staff sessions (cookies), CSRF
pub mod specifications; // learning opportunity specifications
pub mod sso; // OpenID Connect single sign-on
pub mod staff_admin; // staff accounts of the university (admins)
pub mod tokens; // API tokens (admins)

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;

use super::AppState;
pub use i18n::Lang;

/// Every console route (each documented under the OpenAPI tag `console`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(auth::routes())
        .merge(sso::routes())
        .merge(staff_admin::routes())
        .merge(dashboard::routes())
        .merge(specifications::routes())
        .merge(cohort::routes())
        .merge(credentials::routes())
        .merge(messages::routes())
        .merge(audit::routes())
        .merge(tokens::routes())
}

/// An HTML response of the console: never cached, no referrer, no sniffing (the learner page's
/// headers, [`super::pages::html_page`]).
pub fn html(body: String) -> Response {
    super::pages::html_page(body)
}

/// `303 See Other` to `location` (after a POST, and to the sign-in page).
pub fn see_other(location: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// Why a console request failed, shown as an HTML page in the user's language.
#[derive(Debug)]
pub enum ConsoleError {
    /// No (valid) session: `303` to the sign-in page, coming back to `next` afterwards.
    SignIn {
        /// The path to return to.
        next: String,
    },
    /// A POST without the session's CSRF token (403).
    Csrf,
    /// The session's roles do not allow this (403).
    Forbidden(String),
    /// Not found, or another university's (404: ids of other universities cannot be probed).
    NotFound,
    /// The input was wrong (400), with a message naming the field and the rule.
    BadRequest(String),
    /// Too many attempts (429).
    TooMany(String),
    /// A failure inside the service (500; details logged, not shown).
    Internal,
}

impl From<crate::domain::DomainError> for ConsoleError {
    fn from(e: crate::domain::DomainError) -> Self {
        use crate::domain::DomainError as D;
        match e {
            D::Forbidden(m) => ConsoleError::Forbidden(m),
            D::NotFound(_) => ConsoleError::NotFound,
            D::BadRequest(m) | D::Conflict(m) => ConsoleError::BadRequest(m),
            D::Validation(errors) => ConsoleError::BadRequest(
                errors
                    .iter()
                    .map(|f| format!("{}: {} ({})", f.path, f.message, f.rule))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            other => {
                tracing::error!(error = %other, "console request failed");
                ConsoleError::Internal
            }
        }
    }
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        let (status, title, detail) = match self {
            ConsoleError::SignIn { next } => {
                let next = percent_encoding::utf8_percent_encode(
                    &next,
                    percent_encoding::NON_ALPHANUMERIC,
                );
                return see_other(&format!("/console/sign-in?next={next}"));
            }
            ConsoleError::Csrf => (
                StatusCode::FORBIDDEN,
                "Form expired",
                "The form was not sent with this session's security token (_csrf). Reload the page and try again.".to_owned(),
            ),
            ConsoleError::Forbidden(m) => (StatusCode::FORBIDDEN, "Not allowed", m),
            ConsoleError::NotFound => (
                StatusCode::NOT_FOUND,
                "Not found",
                "There is nothing here, or it belongs to another university.".to_owned(),
            ),
            ConsoleError::BadRequest(m) => (StatusCode::BAD_REQUEST, "Please check the input", m),
            ConsoleError::TooMany(m) => (StatusCode::TOO_MANY_REQUESTS, "Too many attempts", m),
            ConsoleError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "The service could not complete the request. It was logged; please try again later.".to_owned(),
            ),
        };
        let body = layout::bare_page(
            Lang::En,
            title,
            &format!(
                "<h1>{}</h1><p>{}</p><p><a href=\"/console\">Console</a></p>",
                layout::esc(title),
                layout::esc(&detail)
            ),
        );
        let mut res = html(body);
        *res.status_mut() = status;
        res
    }
}
