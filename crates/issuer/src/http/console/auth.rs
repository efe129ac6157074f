//! Console: sign-in, sign-out and the root redirect (issue #18 item 1; see [`super`] for the URL
//! contract). The sign-in form is protected against cross-site posts by a double-submit token
//! (OWASP CSRF Prevention, "signed double-submit cookie" without a session yet): a random
//! pre-session cookie whose value the form repeats in `_csrf`; a POST whose field does not match
//! the cookie is refused (403). Sign-in attempts are limited per client address
//! (`staff.sign_in_per_minute`), wrong credentials get one generic message, and success starts a
//! new session ([`session::start_session`]).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::layout::{bare_page, esc};
use super::session::{self, StaffSession};
use super::{html, see_other, ConsoleError, Lang};
use crate::domain::DomainError;
use crate::http::AppState;

/// The routes of this part of the console.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(root))
        .routes(routes!(sign_in_form, sign_in))
        .routes(routes!(sign_out))
}

/// The pre-session cookie of the sign-in form (double submit).
fn pre_cookie_name(state: &AppState) -> &'static str {
    if session::secure(state) {
        "__Host-enhance_console_pre"
    } else {
        "enhance_console_pre"
    }
}

/// The service's root: a browser (HTML preferred) goes to the console; other clients get the
/// service's links.
#[utoipa::path(get, path = "/", tag = "console",
    responses(
        (status = 303, description = "A browser (`Accept` prefers text/html): to `/console`"),
        (status = 200, description = "Other clients: links to the console and the OpenAPI document", content_type = "application/json", body = Object)))]
async fn root(headers: HeaderMap) -> Response {
    if crate::http::pages::prefers_html(&headers) {
        return see_other("/console");
    }
    axum::Json(serde_json::json!({
        "service": "ENHANCE credentials issuer",
        "console": "/console",
        "openapi": "/openapi.json",
    }))
    .into_response()
}

/// Query of the sign-in page.
#[derive(Debug, Deserialize, Default)]
struct SignInQuery {
    next: Option<String>,
    lang: Option<String>,
}

/// The sign-in form's fields.
#[derive(Debug, Deserialize, Default)]
struct SignInFields {
    university: Option<String>,
    username: Option<String>,
    password: Option<String>,
    totp: Option<String>,
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    next: Option<String>,
    lang: Option<String>,
}

/// The sign-in page: university, username, password, one-time code (when the account has TOTP).
#[utoipa::path(get, path = "/console/sign-in", tag = "console",
    params(
        ("next" = Option<String>, Query, description = "Console path to return to (only `/console...`)"),
        ("lang" = Option<String>, Query, description = "Interface language: en, de, nl, pl, it")),
    responses((status = 200, description = "The sign-in form, with its pre-session cookie (double-submit CSRF token)", content_type = "text/html", body = String)))]
async fn sign_in_form(
    State(state): State<AppState>,
    Query(q): Query<SignInQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::negotiate(q.lang.as_deref(), &headers);
    let fields = SignInFields {
        next: q.next,
        ..SignInFields::default()
    };
    form_response(&state, &headers, lang, &fields, None, StatusCode::OK)
}

/// Signs in with password (and one-time code): a new session and `303` to `next`.
#[utoipa::path(post, path = "/console/sign-in", tag = "console",
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "university, username, password, totp (when the account has TOTP), _csrf (the pre-session cookie's value), next, lang"),
    responses(
        (status = 303, description = "Signed in: the session cookie (HttpOnly, SameSite=Lax; Secure on https) and on to `next`"),
        (status = 200, description = "Never: wrong credentials re-show the form with one generic message (401); 403 without the pre-session token; 429 too many attempts from this address", content_type = "text/html", body = String)))]
async fn sign_in(
    State(state): State<AppState>,
    extensions: Extensions,
    headers: HeaderMap,
    Form(f): Form<SignInFields>,
) -> Result<Response, ConsoleError> {
    let pre = session::read_cookie(&headers, pre_cookie_name(&state)).unwrap_or_default();
    if !session::tokens_match(f.csrf.as_deref(), pre) {
        return Err(ConsoleError::Csrf);
    }
    let lang = Lang::negotiate(f.lang.as_deref(), &headers);
    if let Some(ConnectInfo(addr)) = extensions.get::<ConnectInfo<SocketAddr>>() {
        if let Err(wait) = state.app.allow_sign_in(addr.ip()) {
            return Err(ConsoleError::TooMany(format!(
                "Too many sign-in attempts from this address; try again in {wait} s."
            )));
        }
    }
    let text = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_owned();
    let (university, username) = (text(&f.university), text(&f.username));
    let password = f.password.clone().unwrap_or_default();
    if university.is_empty() || username.is_empty() || password.is_empty() {
        let missing = Problem::Missing;
        return Ok(form_response(
            &state,
            &headers,
            lang,
            &f,
            Some(missing),
            StatusCode::BAD_REQUEST,
        ));
    }
    let totp = f.totp.as_deref().filter(|c| !c.trim().is_empty());
    match state
        .app
        .sign_in_staff(&university, &username, &password, totp)
        .await
    {
        Ok(account) => {
            let next = f.next.as_deref().unwrap_or("/console");
            let mut res = session::start_session(&state, &account, lang, next, &headers).await?;
            if let Some(c) = session::console_cookie(&state, pre_cookie_name(&state), "") {
                res.headers_mut().append(header::SET_COOKIE, c);
            }
            Ok(res)
        }
        Err(DomainError::Forbidden(_)) => Ok(form_response(
            &state,
            &headers,
            lang,
            &f,
            Some(Problem::Refused),
            StatusCode::UNAUTHORIZED,
        )),
        Err(e) => Err(e.into()),
    }
}

/// The sign-out form's fields.
#[derive(Debug, Deserialize, Default)]
struct CsrfOnly {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

/// Signs out: the session is deleted server-side and its cookie removed.
#[utoipa::path(post, path = "/console/sign-out", tag = "console",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "_csrf: the session's CSRF token"),
    responses(
        (status = 303, description = "Signed out: to the sign-in page"),
        (status = 200, description = "Never: 403 without the session's CSRF token", content_type = "text/html", body = String)))]
async fn sign_out(
    State(state): State<AppState>,
    staff: StaffSession,
    headers: HeaderMap,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, ConsoleError> {
    staff.check_csrf(f.csrf.as_deref())?;
    let name = session::cookie_name(&state);
    if let Some(id) = session::read_cookie(&headers, name) {
        state.app.end_staff_session(id).await?;
    }
    tracing::info!(account = %staff.account_id, "staff signed out");
    let mut res = see_other(&format!("/console/sign-in?lang={}", staff.lang.tag()));
    if let Some(c) = session::console_cookie(&state, name, "") {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}

/// What went wrong with a sign-in.
#[derive(Debug, Clone, Copy)]
enum Problem {
    /// A required field is empty.
    Missing,
    /// Wrong credentials, or locked (one message).
    Refused,
}

/// The sign-in page (with its pre-session cookie: the request's, or a new one).
fn form_response(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    f: &SignInFields,
    problem: Option<Problem>,
    status: StatusCode,
) -> Response {
    let name = pre_cookie_name(state);
    let token = match session::read_cookie(headers, name) {
        Some(t)
            if t.len() >= 32
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            t.to_owned()
        }
        _ => crate::domain::auth::new_token_secret(),
    };
    let mut res = html(sign_in_html(state, lang, &token, f, problem));
    *res.status_mut() = status;
    if let Some(c) = session::console_cookie(state, name, &token) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

/// The sign-in page's HTML.
fn sign_in_html(
    state: &AppState,
    l: Lang,
    csrf: &str,
    f: &SignInFields,
    problem: Option<Problem>,
) -> String {
    let chosen = f.university.as_deref().unwrap_or_default();
    let mut options = String::new();
    for u in state.app.universities().iter() {
        let name = u.legal_name.best(l.tag()).unwrap_or(&u.id);
        let selected = if u.id == chosen { " selected" } else { "" };
        options.push_str(&format!(
            "<option value=\"{}\"{selected}>{}</option>",
            esc(&u.id),
            esc(name)
        ));
    }
    let error = match problem {
        None => String::new(),
        Some(p) => format!(
            "<p id=\"sign-in-error\" class=\"error\" role=\"alert\">{}</p>",
            l.pick(match p {
                Problem::Missing => [
                    "Please fill in university, username and password.",
                    "Bitte Hochschule, Benutzername und Passwort ausfüllen.",
                    "Vul universiteit, gebruikersnaam en wachtwoord in.",
                    "Uzupełnij uczelnię, nazwę użytkownika i hasło.",
                    "Compila università, nome utente e password.",
                ],
                Problem::Refused => [
                    "Sign-in failed: the university, username, password or one-time code is wrong, or the account is locked for a while after too many failed attempts.",
                    "Anmeldung fehlgeschlagen: Hochschule, Benutzername, Passwort oder Einmalcode ist falsch, oder das Konto ist nach zu vielen Fehlversuchen vorübergehend gesperrt.",
                    "Aanmelden mislukt: universiteit, gebruikersnaam, wachtwoord of eenmalige code is onjuist, of het account is na te veel mislukte pogingen tijdelijk geblokkeerd.",
                    "Logowanie nie powiodło się: uczelnia, nazwa użytkownika, hasło lub kod jednorazowy są błędne albo konto jest czasowo zablokowane po zbyt wielu nieudanych próbach.",
                    "Accesso non riuscito: università, nome utente, password o codice monouso errati, oppure l'account è bloccato per un po' dopo troppi tentativi falliti.",
                ],
            })
        ),
    };
    let described = if problem.is_some() {
        " aria-describedby=\"sign-in-error\" aria-invalid=\"true\""
    } else {
        ""
    };
    let next = session::safe_next(f.next.as_deref().unwrap_or("/console"));
    let title = l.pick(["Sign in", "Anmelden", "Aanmelden", "Zaloguj się", "Accedi"]);
    let body = format!(
        "<h1>{h1}</h1>{error}\
<form method=\"post\" action=\"/console/sign-in\">\
<input type=\"hidden\" name=\"_csrf\" value=\"{csrf}\">\
<input type=\"hidden\" name=\"next\" value=\"{next}\">\
<input type=\"hidden\" name=\"lang\" value=\"{lang}\">\
<label for=\"university\">{uni}</label><select id=\"university\" name=\"university\" required>{options}</select>\
<label for=\"username\">{user}</label><input id=\"username\" name=\"username\" autocomplete=\"username\" autocapitalize=\"none\" required value=\"{username}\"{described}>\
<label for=\"password\">{pass}</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required{described}>\
<label for=\"totp\">{code}</label><input id=\"totp\" name=\"totp\" inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9 ]*\" aria-describedby=\"totp-hint\">\
<p id=\"totp-hint\" class=\"hint\">{hint}</p>\
<p><button type=\"submit\">{submit}</button></p></form>{sso}\
<nav aria-label=\"{langs}\"><ul class=\"langs\">{links}</ul></nav>",
        h1 = esc(title),
        csrf = esc(csrf),
        next = esc(next),
        lang = l.tag(),
        uni = l.pick(["University", "Hochschule", "Universiteit", "Uczelnia", "Università"]),
        user = l.pick(["Username", "Benutzername", "Gebruikersnaam", "Nazwa użytkownika", "Nome utente"]),
        username = esc(f.username.as_deref().unwrap_or_default()),
        pass = l.pick(["Password", "Passwort", "Wachtwoord", "Hasło", "Password"]),
        code = l.pick(["One-time code", "Einmalcode", "Eenmalige code", "Kod jednorazowy", "Codice monouso"]),
        hint = l.pick([
            "Only if your account uses an authenticator app: the 6 digits it shows.",
            "Nur wenn Ihr Konto eine Authenticator-App nutzt: die 6 Ziffern, die sie anzeigt.",
            "Alleen als uw account een authenticator-app gebruikt: de 6 cijfers die deze toont.",
            "Tylko jeśli konto używa aplikacji uwierzytelniającej: 6 cyfr, które pokazuje.",
            "Solo se l'account usa un'app di autenticazione: le 6 cifre che mostra.",
        ]),
        submit = esc(title),
        sso = super::sso::sso_links(state, l),
        langs = l.pick(["Language", "Sprache", "Taal", "Język", "Lingua"]),
        links = lang_links(l, next),
    );
    bare_page(l, title, &body)
}

/// Links to the sign-in page in the other languages.
fn lang_links(current: Lang, next: &str) -> String {
    let next = percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC);
    Lang::ALL
        .iter()
        .filter(|l| **l != current)
        .map(|l| {
            format!(
                "<li><a href=\"/console/sign-in?lang={tag}&amp;next={next}\" lang=\"{tag}\">{name}</a></li>",
                tag = l.tag(),
                name = l.name()
            )
        })
        .collect()
}
