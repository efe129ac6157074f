//! Console: staff accounts of the university, for admins (issue #18 item 1): the list (roles,
//! second factor, locked, disabled, single sign-on), a form to add an account, and per account
//! unlock, disable / enable and a new TOTP secret (its `otpauth://` URI shown once). Another
//! university's account id answers 404 like a missing one.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::layout::{esc, page};
use super::session::StaffSession;
use super::{html, see_other, ConsoleError, Lang};
use crate::app::staff::{NewStaffAccount, StaffAction, StaffSummary};
use crate::domain::{DomainError, Role};
use crate::http::AppState;

/// The routes of this part of the console.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(staff_page, add_staff))
        .routes(routes!(staff_action))
}

fn t(l: Lang, s: [&'static str; 5]) -> &'static str {
    l.pick(s)
}

/// The staff accounts of the university, with the form to add one.
#[utoipa::path(get, path = "/console/staff", tag = "console",
    params(("lang" = Option<String>, Query, description = "Interface language: en, de, nl, pl, it")),
    responses((status = 200, description = "The university's staff accounts and the form to add one (admins; 403 otherwise)", content_type = "text/html", body = String)))]
async fn staff_page(
    State(state): State<AppState>,
    s: StaffSession,
) -> Result<Response, ConsoleError> {
    let accounts = state.app.staff_accounts(&s.principal).await?;
    Ok(html(render(&s, &accounts, None, "")))
}

/// The add-account form's fields.
#[derive(Debug, Deserialize, Default)]
struct AddFields {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    username: Option<String>,
    display_name: Option<String>,
    email: Option<String>,
    password: Option<String>,
    role_issue: Option<String>,
    role_revoke: Option<String>,
    role_admin: Option<String>,
    totp: Option<String>,
}

/// Adds a staff account to the university.
#[utoipa::path(post, path = "/console/staff", tag = "console",
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "_csrf, username, display_name, email, password, role_issue, role_revoke, role_admin, totp"),
    responses((status = 200, description = "The list again: with the new account (and its TOTP URI, once), or with the findings next to their fields (400)", content_type = "text/html", body = String)))]
async fn add_staff(
    State(state): State<AppState>,
    s: StaffSession,
    Form(f): Form<AddFields>,
) -> Result<Response, ConsoleError> {
    s.check_csrf(f.csrf.as_deref())?;
    if !s.is_admin() {
        return Err(DomainError::Forbidden("only admins manage staff accounts".into()).into());
    }
    let text = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_owned();
    let roles = [
        (Role::Issue, &f.role_issue),
        (Role::Revoke, &f.role_revoke),
        (Role::Admin, &f.role_admin),
    ]
    .iter()
    .filter(|(_, v)| v.is_some())
    .map(|(r, _)| *r)
    .collect();
    let new = NewStaffAccount {
        university: s.principal.university.clone(),
        username: text(&f.username),
        display_name: text(&f.display_name),
        email: Some(text(&f.email)).filter(|e| !e.is_empty()),
        password: f.password.clone(),
        roles,
        totp: f.totp.is_some(),
    };
    let actor = s.principal.actor();
    let (notice, errors) = match state.app.create_staff_account(&new, &actor, false).await {
        Ok(created) => (created.and_then(|c| c.otpauth_uri), Vec::new()),
        Err(DomainError::Validation(findings)) => (None, findings),
        Err(DomainError::Conflict(_)) => (
            None,
            vec![crate::domain::FieldError::new(
                "username",
                "staff.username-taken",
                "this username is taken",
            )],
        ),
        Err(e) => return Err(e.into()),
    };
    let accounts = state.app.staff_accounts(&s.principal).await?;
    let mut res = html(render(&s, &accounts, notice.as_deref(), &form(&s, &errors)));
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    }
    Ok(res)
}

/// The action form's fields.
#[derive(Debug, Deserialize, Default)]
struct ActionFields {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    action: Option<String>,
}

/// Unlocks, disables, enables an account or gives it a new TOTP secret.
#[utoipa::path(post, path = "/console/staff/{id}", tag = "console",
    params(("id" = String, Path, description = "The account's id")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "_csrf, action: unlock | disable | enable | reset-totp"),
    responses((status = 200, description = "After reset-totp: the list with the new otpauth:// URI (once); otherwise 303 to the list; 404 for another university's account", content_type = "text/html", body = String)))]
async fn staff_action(
    State(state): State<AppState>,
    s: StaffSession,
    Path(id): Path<String>,
    Form(f): Form<ActionFields>,
) -> Result<Response, ConsoleError> {
    s.check_csrf(f.csrf.as_deref())?;
    let action = match f.action.as_deref() {
        Some("unlock") => StaffAction::Unlock,
        Some("disable") => StaffAction::Disable,
        Some("enable") => StaffAction::Enable,
        Some("reset-totp") => StaffAction::ResetTotp,
        _ => {
            return Err(ConsoleError::BadRequest(
                "action: must be unlock, disable, enable or reset-totp".into(),
            ))
        }
    };
    match state
        .app
        .staff_account_action(&s.principal, &id, action)
        .await?
    {
        Some(uri) => {
            let accounts = state.app.staff_accounts(&s.principal).await?;
            Ok(html(render(&s, &accounts, Some(&uri), "")))
        }
        None => Ok(see_other(&format!("/console/staff?lang={}", s.lang.tag()))),
    }
}

/// The page: optional TOTP notice, the table, the add form (`add_form`, or a fresh one).
fn render(
    s: &StaffSession,
    accounts: &[StaffSummary],
    totp_uri: Option<&str>,
    add_form: &str,
) -> String {
    let l = s.lang;
    let title = t(
        l,
        [
            "Staff accounts",
            "Mitarbeiterkonten",
            "Medewerkersaccounts",
            "Konta pracowników",
            "Account del personale",
        ],
    );
    let notice = totp_uri.map_or(String::new(), |uri| {
        format!(
            "<section aria-labelledby=\"totp-h\"><h2 id=\"totp-h\">{}</h2><p>{}</p><p><code>{}</code></p></section>",
            t(l, ["New authenticator secret", "Neues Authenticator-Geheimnis", "Nieuw authenticator-geheim", "Nowy sekret uwierzytelniania", "Nuovo segreto di autenticazione"]),
            t(l, [
                "Add this URI to the authenticator app now: it is shown only once.",
                "Fügen Sie diese URI jetzt der Authenticator-App hinzu: Sie wird nur einmal angezeigt.",
                "Voeg deze URI nu toe aan de authenticator-app: hij wordt maar één keer getoond.",
                "Dodaj ten URI do aplikacji uwierzytelniającej teraz: jest pokazywany tylko raz.",
                "Aggiungi ora questo URI all'app di autenticazione: viene mostrato una sola volta.",
            ]),
            esc(uri)
        )
    });
    let mut rows = String::new();
    for a in accounts {
        rows.push_str(&row(s, a));
    }
    let add = if add_form.is_empty() {
        form(s, &[])
    } else {
        add_form.to_owned()
    };
    let body = format!(
        "<h1>{title}</h1>{notice}{scroll}<table><caption>{caption}</caption><thead><tr>\
<th scope=\"col\">{user}</th><th scope=\"col\">{name}</th><th scope=\"col\">{roles}</th><th scope=\"col\">{state}</th><th scope=\"col\">{actions}</th>\
</tr></thead><tbody>{rows}</tbody></table></div>{add}",
        title = esc(title),
        scroll = super::layout::scroll_box(l),
        caption = t(l, ["Accounts of this university", "Konten dieser Hochschule", "Accounts van deze universiteit", "Konta tej uczelni", "Account di questa università"]),
        user = t(l, ["Username", "Benutzername", "Gebruikersnaam", "Nazwa użytkownika", "Nome utente"]),
        name = t(l, ["Name", "Name", "Naam", "Imię i nazwisko", "Nome"]),
        roles = t(l, ["Roles", "Rollen", "Rollen", "Role", "Ruoli"]),
        state = t(l, ["State", "Status", "Status", "Stan", "Stato"]),
        actions = t(l, ["Actions", "Aktionen", "Acties", "Działania", "Azioni"]),
    );
    page(s, title, &body)
}

/// One account's table row with its action buttons.
fn row(s: &StaffSession, a: &StaffSummary) -> String {
    let l = s.lang;
    let mut state = Vec::new();
    if a.disabled {
        state.push(t(
            l,
            [
                "disabled",
                "deaktiviert",
                "uitgeschakeld",
                "wyłączone",
                "disattivato",
            ],
        ));
    }
    if a.locked {
        state.push(t(
            l,
            [
                "locked",
                "gesperrt",
                "geblokkeerd",
                "zablokowane",
                "bloccato",
            ],
        ));
    }
    if a.totp {
        state.push(t(
            l,
            [
                "authenticator app",
                "Authenticator-App",
                "authenticator-app",
                "aplikacja uwierzytelniająca",
                "app di autenticazione",
            ],
        ));
    }
    if a.sso {
        state.push(t(
            l,
            [
                "single sign-on",
                "Einmalanmeldung",
                "eenmalige aanmelding",
                "logowanie jednokrotne",
                "accesso unico",
            ],
        ));
    }
    let toggle = if a.disabled { "enable" } else { "disable" };
    let buttons = [
        (
            "unlock",
            t(
                l,
                ["Unlock", "Entsperren", "Deblokkeren", "Odblokuj", "Sblocca"],
            ),
        ),
        (
            "reset-totp",
            t(
                l,
                [
                    "New authenticator secret",
                    "Neues Authenticator-Geheimnis",
                    "Nieuw authenticator-geheim",
                    "Nowy sekret",
                    "Nuovo segreto",
                ],
            ),
        ),
        (
            toggle,
            if a.disabled {
                t(
                    l,
                    ["Enable", "Aktivieren", "Inschakelen", "Włącz", "Attiva"],
                )
            } else {
                t(
                    l,
                    [
                        "Disable",
                        "Deaktivieren",
                        "Uitschakelen",
                        "Wyłącz",
                        "Disattiva",
                    ],
                )
            },
        ),
    ];
    let mut forms = String::new();
    for (action, label) in buttons {
        forms.push_str(&format!(
            "<form method=\"post\" action=\"/console/staff/{id}\" class=\"inline\">{csrf}<input type=\"hidden\" name=\"action\" value=\"{action}\"><button type=\"submit\" aria-label=\"{label}: {user}\">{label}</button></form> ",
            id = esc(&a.id),
            csrf = s.csrf_field(),
            user = esc(&a.username),
        ));
    }
    let roles: Vec<&str> = a.roles.iter().map(|r| r.as_str()).collect();
    format!(
        "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{forms}</td></tr>",
        esc(&a.username),
        esc(&a.display_name),
        roles.join(", "),
        state.join(", ")
    )
}

/// The add-account form, with `errors` next to their fields.
fn form(s: &StaffSession, errors: &[crate::domain::FieldError]) -> String {
    let l = s.lang;
    let field = |id: &str, path: &str, label: &str, kind: &str, auto: &str| {
        let err = errors.iter().find(|e| e.path == path);
        let (described, msg) = match err {
            Some(e) => (
                format!(" aria-invalid=\"true\" aria-describedby=\"{id}-error\""),
                format!(
                    "<p id=\"{id}-error\" class=\"error\">{}</p>",
                    esc(&e.message)
                ),
            ),
            None => (String::new(), String::new()),
        };
        format!("<label for=\"{id}\">{label}</label><input id=\"{id}\" name=\"{id}\" type=\"{kind}\" autocomplete=\"{auto}\"{described}>{msg}")
    };
    let roles_error = errors
        .iter()
        .find(|e| e.path == "roles")
        .map_or(String::new(), |e| {
            format!(
                "<p id=\"roles-error\" class=\"error\">{}</p>",
                esc(&e.message)
            )
        });
    let check = |name: &str, label: &str| {
        format!("<label class=\"inline\"><input type=\"checkbox\" name=\"{name}\" value=\"on\"> {label}</label> ")
    };
    format!(
        "<section aria-labelledby=\"add-h\"><h2 id=\"add-h\">{h}</h2><form method=\"post\" action=\"/console/staff\">{csrf}\
{username}{name}{email}{password}<fieldset><legend>{roles}</legend>{issue}{revoke}{admin}{roles_error}</fieldset>\
{totp}<p><button type=\"submit\">{submit}</button></p></form></section>",
        h = t(l, ["Add a staff account", "Mitarbeiterkonto hinzufügen", "Medewerkersaccount toevoegen", "Dodaj konto pracownika", "Aggiungi un account"]),
        csrf = s.csrf_field(),
        username = field("username", "username", t(l, ["Username", "Benutzername", "Gebruikersnaam", "Nazwa użytkownika", "Nome utente"]), "text", "off"),
        name = field("display_name", "displayName", t(l, ["Name", "Name", "Naam", "Imię i nazwisko", "Nome"]), "text", "off"),
        email = field("email", "email", t(l, ["E-mail address", "E-Mail-Adresse", "E-mailadres", "Adres e-mail", "Indirizzo e-mail"]), "email", "off"),
        password = field("password", "password", t(l, ["Password (at least 12 characters)", "Passwort (mindestens 12 Zeichen)", "Wachtwoord (minstens 12 tekens)", "Hasło (co najmniej 12 znaków)", "Password (almeno 12 caratteri)"]), "password", "new-password"),
        roles = t(l, ["Roles", "Rollen", "Rollen", "Role", "Ruoli"]),
        issue = check("role_issue", t(l, ["issue", "ausstellen", "uitgeven", "wydawanie", "rilascio"])),
        revoke = check("role_revoke", t(l, ["revoke", "widerrufen", "intrekken", "unieważnianie", "revoca"])),
        admin = check("role_admin", t(l, ["admin", "Administration", "beheer", "administracja", "amministrazione"])),
        totp = check("totp", t(l, ["Require an authenticator app (TOTP)", "Authenticator-App verlangen (TOTP)", "Authenticator-app vereisen (TOTP)", "Wymagaj aplikacji uwierzytelniającej (TOTP)", "Richiedi un'app di autenticazione (TOTP)"])),
        submit = t(l, ["Add account", "Konto hinzufügen", "Account toevoegen", "Dodaj konto", "Aggiungi account"]),
    )
}
