//! Console: the university's staff API tokens (issue #18 item 2; issue #4 §2 "Universities and
//! access"): list (without secrets), create with roles and a label (the RFC 6750 bearer secret
//! shown once, never stored in clear), revoke. Admins only (others: 403), through the same
//! [`crate::app::App`] token use cases as `/admin/tokens`. URL contract: [`super`].

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::credentials::{field, seg, table};
use super::layout::{esc, page};
use super::session::StaffSession;
use super::{html, see_other, ConsoleError, Lang};
use crate::app::api::{RoleName, TokenList, TokenRequest};
use crate::domain::auth::check_label;
use crate::http::AppState;

/// The routes of this part of the console.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(tokens_list, tokens_create))
        .routes(routes!(tokens_revoke))
}

/// 403 unless the session is an admin's.
fn require_admin(session: &StaffSession) -> Result<(), ConsoleError> {
    if session.is_admin() {
        Ok(())
    } else {
        Err(ConsoleError::Forbidden(
            "API tokens are managed by the university's admins (role admin)".into(),
        ))
    }
}

fn role_label(l: Lang, role: RoleName) -> &'static str {
    match role {
        RoleName::Issue => l.pick(["Issue", "Ausstellen", "Uitgeven", "Wydawanie", "Rilascio"]),
        RoleName::Revoke => l.pick([
            "Revoke and suspend",
            "Widerrufen und aussetzen",
            "Intrekken en opschorten",
            "Unieważnianie i zawieszanie",
            "Revoca e sospensione",
        ]),
        RoleName::Admin => l.pick([
            "Admin",
            "Verwaltung",
            "Beheer",
            "Administracja",
            "Amministrazione",
        ]),
    }
}

/// Errors of the creation form: `(label, roles)`.
#[derive(Default)]
struct FormErrors {
    label: Option<String>,
    roles: Option<String>,
}

fn tokens_page(
    session: &StaffSession,
    tokens: &TokenList,
    form: &TokenForm,
    errors: &FormErrors,
    created: Option<&str>,
) -> String {
    let l = session.lang;
    let title = l.pick([
        "API tokens",
        "API-Tokens",
        "API-tokens",
        "Tokeny API",
        "Token API",
    ]);
    let mut body = format!("<h1>{title}</h1>");
    if let Some(secret) = created {
        body.push_str(&format!(
            "<div class=\"card\" role=\"status\"><h2>{}</h2><p>{}</p><p><code>{}</code></p></div>",
            l.pick(["Token created", "Token erstellt", "Token aangemaakt", "Token utworzony", "Token creato"]),
            l.pick([
                "Copy it now: it is shown only this once and cannot be recovered.",
                "Jetzt kopieren: Es wird nur dieses eine Mal angezeigt und kann nicht wiederhergestellt werden.",
                "Kopieer het nu: het wordt alleen deze ene keer getoond en kan niet worden hersteld.",
                "Skopiuj go teraz: jest wyświetlany tylko ten jeden raz i nie da się go odzyskać.",
                "Copialo ora: viene mostrato solo questa volta e non può essere recuperato.",
            ]),
            esc(secret)
        ));
    }
    body.push_str(&token_table(session, tokens));
    body.push_str(&create_form(session, form, errors));
    page(session, title, &body)
}

fn token_table(session: &StaffSession, tokens: &TokenList) -> String {
    let l = session.lang;
    let mut rows = String::new();
    for t in &tokens.items {
        let roles: Vec<&str> = t.roles.iter().map(|r| role_label(l, *r)).collect();
        let state = match &t.revoked_at {
            Some(at) => format!(
                "{} {}",
                l.pick(["Revoked", "Widerrufen", "Ingetrokken", "Unieważniony", "Revocato"]),
                esc(at)
            ),
            None => format!(
                "<form method=\"post\" action=\"/console/tokens/{}/revoke\">{}<button type=\"submit\" class=\"danger\" aria-label=\"{} {}\">{}</button></form>",
                seg(&t.id),
                session.csrf_field(),
                l.pick(["Revoke token", "Token widerrufen", "Token intrekken", "Unieważnij token", "Revoca token"]),
                esc(&t.label),
                l.pick(["Revoke", "Widerrufen", "Intrekken", "Unieważnij", "Revoca"]),
            ),
        };
        rows.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td><code>{}</code></td><td>{state}</td></tr>",
            esc(&t.label),
            esc(&roles.join(", ")),
            esc(&t.created_at),
            esc(&t.id),
        ));
    }
    table(
        l,
        l.pick([
            "The university's API tokens",
            "API-Tokens der Hochschule",
            "API-tokens van de universiteit",
            "Tokeny API uczelni",
            "Token API dell'università",
        ]),
        &[
            ["Label", "Bezeichnung", "Label", "Etykieta", "Etichetta"],
            ["Roles", "Rollen", "Rollen", "Role", "Ruoli"],
            ["Created", "Erstellt", "Aangemaakt", "Utworzono", "Creato"],
            ["Id", "Kennung", "Id", "Identyfikator", "Id"],
            ["State", "Zustand", "Staat", "Stan", "Stato"],
        ],
        &rows,
    )
}

fn create_form(session: &StaffSession, form: &TokenForm, errors: &FormErrors) -> String {
    let l = session.lang;
    let mut boxes = String::new();
    for (name, role, checked) in [
        ("role_issue", RoleName::Issue, form.role_issue.is_some()),
        ("role_revoke", RoleName::Revoke, form.role_revoke.is_some()),
        ("role_admin", RoleName::Admin, form.role_admin.is_some()),
    ] {
        let checked = if checked { " checked" } else { "" };
        boxes.push_str(&format!(
            "<div><input type=\"checkbox\" id=\"{name}\" name=\"{name}\" value=\"on\"{checked}> <label class=\"inline\" for=\"{name}\">{}</label></div>",
            role_label(l, role)
        ));
    }
    let (described, roles_err) = match &errors.roles {
        Some(e) => (
            " aria-describedby=\"roles-error\"",
            format!("<p class=\"error\" id=\"roles-error\">{}</p>", esc(e)),
        ),
        None => ("", String::new()),
    };
    format!(
        "<h2>{}</h2><form method=\"post\" action=\"/console/tokens\" class=\"card\">{}{}\
<fieldset{described}><legend>{}</legend>{boxes}{roles_err}</fieldset><p><button type=\"submit\">{}</button></p></form>",
        l.pick(["New token", "Neues Token", "Nieuw token", "Nowy token", "Nuovo token"]),
        session.csrf_field(),
        field(
            "label",
            l.pick(["Label (what the token is for)", "Bezeichnung (wofür das Token ist)", "Label (waarvoor het token dient)", "Etykieta (do czego służy token)", "Etichetta (a cosa serve il token)"]),
            &format!("<input type=\"text\" name=\"label\" required maxlength=\"200\" value=\"{}\">", esc(form.label.as_deref().unwrap_or(""))),
            errors.label.as_deref(),
        ),
        l.pick(["Roles", "Rollen", "Rollen", "Role", "Ruoli"]),
        l.pick(["Create token", "Token erstellen", "Token aanmaken", "Utwórz token", "Crea token"]),
    )
}

/// The university's API tokens (admins).
#[utoipa::path(get, path = "/console/tokens", tag = "console",
    responses((status = 200, description = "The tokens without secrets and the creation form (HTML; admins only, else 403)", content_type = "text/html", body = String)))]
async fn tokens_list(
    State(s): State<AppState>,
    session: StaffSession,
) -> Result<Response, ConsoleError> {
    require_admin(&session)?;
    let blank = (TokenForm::default(), FormErrors::default());
    tokens_response(&s, &session, &blank.0, &blank.1, None).await
}

/// The token page over the university's current tokens.
async fn tokens_response(
    s: &AppState,
    session: &StaffSession,
    form: &TokenForm,
    errors: &FormErrors,
    created: Option<&str>,
) -> Result<Response, ConsoleError> {
    let tokens = s.app.list_tokens(&session.principal).await?;
    Ok(html(tokens_page(session, &tokens, form, errors, created)))
}

/// The token creation form.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
struct TokenForm {
    /// The session's CSRF token.
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    /// What the token is for.
    label: Option<String>,
    /// Role `issue` (checkbox).
    role_issue: Option<String>,
    /// Role `revoke` (checkbox).
    role_revoke: Option<String>,
    /// Role `admin` (checkbox).
    role_admin: Option<String>,
}

/// Create a token; the page shows its secret once.
#[utoipa::path(post, path = "/console/tokens", tag = "console",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "The tokens with the new secret shown once, or the form with its errors (400) (HTML; admins only)", content_type = "text/html", body = String)))]
async fn tokens_create(
    State(s): State<AppState>,
    session: StaffSession,
    Form(form): Form<TokenForm>,
) -> Result<Response, ConsoleError> {
    session.check_csrf(form.csrf.as_deref())?;
    require_admin(&session)?;
    let l = session.lang;
    let mut errors = FormErrors::default();
    let label = form.label.clone().unwrap_or_default();
    let label = check_label(Some(&serde_json::Value::String(label))).map_err(|e| {
        errors.label = Some(format!(
            "{} ({})",
            l.pick([
                "Enter 1 to 200 characters without control characters",
                "1 bis 200 Zeichen ohne Steuerzeichen eingeben",
                "Voer 1 tot 200 tekens in zonder stuurtekens",
                "Wpisz od 1 do 200 znaków bez znaków sterujących",
                "Inserire da 1 a 200 caratteri senza caratteri di controllo",
            ]),
            e.rule
        ));
    });
    let mut roles = Vec::new();
    for (on, role) in [
        (&form.role_issue, RoleName::Issue),
        (&form.role_revoke, RoleName::Revoke),
        (&form.role_admin, RoleName::Admin),
    ] {
        if on.is_some() {
            roles.push(role);
        }
    }
    if roles.is_empty() {
        errors.roles = Some(
            l.pick([
                "Choose at least one role (token.roles)",
                "Mindestens eine Rolle wählen (token.roles)",
                "Kies minstens één rol (token.roles)",
                "Wybierz co najmniej jedną rolę (token.roles)",
                "Scegliere almeno un ruolo (token.roles)",
            ])
            .to_owned(),
        );
    }
    let (Ok(label), None) = (label, &errors.roles) else {
        let mut res = tokens_response(&s, &session, &form, &errors, None).await?;
        *res.status_mut() = StatusCode::BAD_REQUEST;
        return Ok(res);
    };
    let created = s
        .app
        .create_token(&session.principal, &TokenRequest { roles, label })
        .await?;
    let blank = (TokenForm::default(), FormErrors::default());
    tokens_response(&s, &session, &blank.0, &blank.1, Some(&created.token)).await
}

/// The revocation form (CSRF token only).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
struct RevokeForm {
    /// The session's CSRF token.
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

/// Revoke a token of the university (admins).
#[utoipa::path(post, path = "/console/tokens/{id}/revoke", tag = "console",
    params(("id" = String, Path, description = "The token's id")),
    request_body(content = RevokeForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "303 to the token list when revoked; 404 for another university's token, 400 for the last admin token (HTML)", content_type = "text/html", body = String)))]
async fn tokens_revoke(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<RevokeForm>,
) -> Result<Response, ConsoleError> {
    session.check_csrf(form.csrf.as_deref())?;
    require_admin(&session)?;
    s.app
        .revoke_token(
            &session.principal,
            &id,
            Some("revoked in the staff console"),
        )
        .await?;
    Ok(see_other("/console/tokens"))
}
