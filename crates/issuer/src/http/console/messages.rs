//! Console: learner notifications (issue #18 item 3). `/console/credentials/{id}/messages` shows
//! the delivery state of a credential's e-mail messages (state, attempts, next attempt, last
//! error, when sent) with "resend" and "change address" (each POST, CSRF-checked first, queues a
//! new message through [`crate::app::App::resend_message`]); `/console/messages?state=failed`
//! lists the university's messages by state. Role `issue`; another university's credential is
//! 404. Addresses are shown to the university's staff only and never logged.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::credentials::seg;
use super::layout::{esc, page};
use super::session::StaffSession;
use super::{html, see_other, ConsoleError, Lang};
use crate::domain::DomainError;
use crate::http::AppState;
use crate::store::OutboxRow;

/// The routes of this part of the console.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(credential_messages))
        .routes(routes!(resend_message))
        .routes(routes!(change_message_address))
        .routes(routes!(messages_list))
}

/// A message state in the interface language.
fn state_label(l: Lang, state: &str) -> &'static str {
    match state {
        "pending" => l.pick([
            "waiting to be sent",
            "wartet auf Versand",
            "wacht op verzending",
            "oczekuje na wysłanie",
            "in attesa di invio",
        ]),
        "sending" => l.pick([
            "being sent",
            "wird gesendet",
            "wordt verzonden",
            "w trakcie wysyłania",
            "in invio",
        ]),
        "sent" => l.pick(["sent", "gesendet", "verzonden", "wysłana", "inviato"]),
        "failed" => l.pick([
            "failed",
            "fehlgeschlagen",
            "mislukt",
            "nieudana",
            "non riuscito",
        ]),
        _ => l.pick([
            "unknown",
            "unbekannt",
            "onbekend",
            "nieznany",
            "sconosciuto",
        ]),
    }
}

/// The table of `rows` (with a link to each credential's page when `link`).
fn table(l: Lang, rows: &[OutboxRow], link: bool) -> String {
    let heads = [
        l.pick(["Queued", "Eingereiht", "In wachtrij", "Dodano", "In coda"]),
        l.pick([
            "Recipient",
            "Empfänger",
            "Ontvanger",
            "Odbiorca",
            "Destinatario",
        ]),
        l.pick(["Language", "Sprache", "Taal", "Język", "Lingua"]),
        l.pick(["State", "Status", "Status", "Stan", "Stato"]),
        l.pick(["Attempts", "Versuche", "Pogingen", "Próby", "Tentativi"]),
        l.pick([
            "Next attempt",
            "Nächster Versuch",
            "Volgende poging",
            "Następna próba",
            "Prossimo tentativo",
        ]),
        l.pick([
            "Last error",
            "Letzter Fehler",
            "Laatste fout",
            "Ostatni błąd",
            "Ultimo errore",
        ]),
        l.pick(["Sent", "Gesendet", "Verzonden", "Wysłano", "Inviato"]),
    ];
    let mut o = super::layout::scroll_box(l) + "<table><thead><tr>";
    if link {
        o.push_str(&format!(
            "<th scope=\"col\">{}</th>",
            l.pick([
                "Credential",
                "Nachweis",
                "Credential",
                "Poświadczenie",
                "Credenziale"
            ])
        ));
    }
    for h in heads {
        o.push_str(&format!("<th scope=\"col\">{h}</th>"));
    }
    o.push_str("</tr></thead><tbody>");
    for r in rows {
        o.push_str("<tr>");
        if link {
            o.push_str(&format!(
                "<td><a href=\"/console/credentials/{}/messages\">{}</a></td>",
                seg(&r.credential_id),
                esc(&r.credential_id)
            ));
        }
        let next = if r.state == "pending" {
            r.next_attempt_at.as_str()
        } else {
            ""
        };
        o.push_str(&format!(
            "<th scope=\"row\">{}</th><td>{}</td><td>{}</td><td class=\"state-{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.created_at),
            esc(&r.recipient),
            esc(&r.language),
            esc(&r.state),
            state_label(l, &r.state),
            r.attempts,
            esc(next),
            esc(r.last_error.as_deref().unwrap_or("")),
            esc(r.sent_at.as_deref().unwrap_or("")),
        ));
    }
    o.push_str("</tbody></table></div>");
    o
}

/// The page of a credential's messages; `address_error`: the change-address field's error.
fn messages_page(
    session: &StaffSession,
    id: &str,
    rows: &[OutboxRow],
    address: &str,
    address_error: Option<&str>,
) -> String {
    let l = session.lang;
    let title = l.pick([
        "E-mail messages to the learner",
        "E-Mail-Nachrichten an die lernende Person",
        "E-mailberichten aan de lerende",
        "Wiadomości e-mail do osoby uczącej się",
        "Messaggi e-mail alla persona discente",
    ]);
    let enc = seg(id);
    let mut body = format!(
        "<h1>{}</h1><p>{}: <a href=\"/console/credentials/{enc}\">{}</a></p>",
        esc(title),
        l.pick([
            "Credential",
            "Nachweis",
            "Credential",
            "Poświadczenie",
            "Credenziale"
        ]),
        esc(id)
    );
    if rows.is_empty() {
        body.push_str(&format!("<p>{}</p>", l.pick([
            "No messages: this credential was issued without an e-mail address (`notify.email`), so there is no message to resend.",
            "Keine Nachrichten: Dieser Nachweis wurde ohne E-Mail-Adresse (`notify.email`) ausgestellt; es gibt keine Nachricht zum erneuten Senden.",
            "Geen berichten: deze credential is uitgegeven zonder e-mailadres (`notify.email`), er is dus geen bericht om opnieuw te verzenden.",
            "Brak wiadomości: to poświadczenie wydano bez adresu e-mail (`notify.email`), więc nie ma wiadomości do ponownego wysłania.",
            "Nessun messaggio: questa credenziale è stata rilasciata senza indirizzo e-mail (`notify.email`), quindi non c'è alcun messaggio da reinviare.",
        ])));
        return page(session, title, &body);
    }
    body.push_str(&table(l, rows, false));
    let csrf = session.csrf_field();
    body.push_str(&format!(
        "<h2>{}</h2><p>{}</p><form method=\"post\" action=\"/console/credentials/{enc}/messages/resend\">{csrf}<button type=\"submit\">{}</button></form>",
        l.pick(["Send again", "Erneut senden", "Opnieuw verzenden", "Wyślij ponownie", "Invia di nuovo"]),
        l.pick([
            "Queues a new message to the last address.",
            "Reiht eine neue Nachricht an die letzte Adresse ein.",
            "Zet een nieuw bericht naar het laatste adres in de wachtrij.",
            "Dodaje nową wiadomość na ostatni adres do kolejki.",
            "Mette in coda un nuovo messaggio all'ultimo indirizzo.",
        ]),
        l.pick(["Resend", "Erneut senden", "Opnieuw verzenden", "Wyślij ponownie", "Reinvia"]),
    ));
    let (described, error) = match address_error {
        Some(e) => (
            " aria-describedby=\"email-error\" aria-invalid=\"true\"",
            format!("<p id=\"email-error\" class=\"error\">{}</p>", esc(e)),
        ),
        None => ("", String::new()),
    };
    body.push_str(&format!(
        "<h2>{}</h2><form method=\"post\" action=\"/console/credentials/{enc}/messages/address\">{csrf}\
<label for=\"email\">{}</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"off\" required maxlength=\"254\" value=\"{}\"{described}>{error}\
<p><button type=\"submit\">{}</button></p></form>",
        l.pick(["Change address", "Adresse ändern", "Adres wijzigen", "Zmień adres", "Cambia indirizzo"]),
        l.pick(["New e-mail address", "Neue E-Mail-Adresse", "Nieuw e-mailadres", "Nowy adres e-mail", "Nuovo indirizzo e-mail"]),
        esc(address),
        l.pick(["Send to this address", "An diese Adresse senden", "Naar dit adres verzenden", "Wyślij na ten adres", "Invia a questo indirizzo"]),
    ));
    page(session, title, &body)
}

/// The delivery state of a credential's messages, with "resend" and "change address".
#[utoipa::path(get, path = "/console/credentials/{id}/messages", tag = "console",
    params(("id" = String, Path, description = "The credential's id")),
    responses((status = 200, description = "The credential's e-mail messages: state, attempts, last error; resend and change-address forms (HTML; 404 for another university's credential)", content_type = "text/html", body = String)))]
async fn credential_messages(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, ConsoleError> {
    let rows = s.app.credential_messages(&session.principal, &id).await?;
    Ok(html(messages_page(&session, &id, &rows, "", None)))
}

/// A form with only the CSRF token.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
struct CsrfForm {
    /// The session's CSRF token.
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

/// The change-address form.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
struct AddressForm {
    /// The session's CSRF token.
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    /// The new address.
    email: Option<String>,
}

/// Queues the credential's message again (a new message to the last address).
#[utoipa::path(post, path = "/console/credentials/{id}/messages/resend", tag = "console",
    params(("id" = String, Path, description = "The credential's id")),
    request_body(content = CsrfForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "Success is 303 to the credential's messages page (HTML)", content_type = "text/html", body = String)))]
async fn resend_message(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, ConsoleError> {
    session.check_csrf(form.csrf.as_deref())?;
    s.app.resend_message(&session.principal, &id, None).await?;
    Ok(see_other(&format!(
        "/console/credentials/{}/messages",
        seg(&id)
    )))
}

/// Queues the credential's message to a new, checked address.
#[utoipa::path(post, path = "/console/credentials/{id}/messages/address", tag = "console",
    params(("id" = String, Path, description = "The credential's id")),
    request_body(content = AddressForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "The page again with the address's error next to the field (HTML, 400); success is 303 to the messages page", content_type = "text/html", body = String)))]
async fn change_message_address(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<AddressForm>,
) -> Result<Response, ConsoleError> {
    session.check_csrf(form.csrf.as_deref())?;
    let email = form.email.as_deref().unwrap_or("").trim().to_owned();
    match s
        .app
        .resend_message(&session.principal, &id, Some(&email))
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/console/credentials/{}/messages",
            seg(&id)
        ))),
        Err(DomainError::Validation(errors)) => {
            let l = session.lang;
            let rule = errors.first().map_or("notify.email", |e| e.rule.as_str());
            let msg = format!(
                "{} ({} {rule})",
                l.pick([
                    "Enter an e-mail address like name@university.eu",
                    "Eine E-Mail-Adresse wie name@universitaet.eu eingeben",
                    "Voer een e-mailadres in zoals naam@universiteit.eu",
                    "Wpisz adres e-mail, np. imie@uczelnia.eu",
                    "Inserire un indirizzo e-mail come nome@universita.eu",
                ]),
                l.pick(["rule", "Regel", "regel", "reguła", "regola"]),
            );
            let rows = s.app.credential_messages(&session.principal, &id).await?;
            let mut res = html(messages_page(&session, &id, &rows, &email, Some(&msg)));
            *res.status_mut() = StatusCode::BAD_REQUEST;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

/// `?state=` of the messages list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct StateQuery {
    /// `pending`, `sending`, `sent` or `failed` (default: all).
    state: Option<String>,
}

/// The university's e-mail messages by state (e.g. `?state=failed`), newest first.
#[utoipa::path(get, path = "/console/messages", tag = "console", params(StateQuery),
    responses((status = 200, description = "The university's learner e-mail messages in the state asked for (HTML)", content_type = "text/html", body = String)))]
async fn messages_list(
    State(s): State<AppState>,
    session: StaffSession,
    Query(q): Query<StateQuery>,
) -> Result<Response, ConsoleError> {
    let l = session.lang;
    let state = q.state.as_deref().filter(|s| !s.is_empty());
    let rows = s.app.messages(&session.principal, state, 500).await?;
    let title = l.pick([
        "E-mail messages to learners",
        "E-Mail-Nachrichten an Lernende",
        "E-mailberichten aan lerenden",
        "Wiadomości e-mail do osób uczących się",
        "Messaggi e-mail ai discenti",
    ]);
    let mut options = format!(
        "<option value=\"\">{}</option>",
        l.pick(["all", "alle", "alle", "wszystkie", "tutti"])
    );
    for st in crate::app::outbox::MESSAGE_STATES {
        let selected = if state == Some(st) { " selected" } else { "" };
        options.push_str(&format!(
            "<option value=\"{st}\"{selected}>{}</option>",
            state_label(l, st)
        ));
    }
    let mut body = format!(
        "<h1>{}</h1><form method=\"get\" action=\"/console/messages\"><label for=\"state\">{}</label>\
<select id=\"state\" name=\"state\">{options}</select> <button type=\"submit\">{}</button></form>",
        esc(title),
        l.pick(["State", "Status", "Status", "Stan", "Stato"]),
        l.pick(["Show", "Anzeigen", "Tonen", "Pokaż", "Mostra"]),
    );
    if rows.is_empty() {
        body.push_str(&format!(
            "<p>{}</p>",
            l.pick([
                "No messages.",
                "Keine Nachrichten.",
                "Geen berichten.",
                "Brak wiadomości.",
                "Nessun messaggio."
            ])
        ));
    } else {
        body.push_str(&table(l, &rows, true));
    }
    Ok(html(page(&session, title, &body)))
}
