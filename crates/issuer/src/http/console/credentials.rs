//! Console: credentials (issue #18 item 2). Search a university's credentials by learner name,
//! e-mail address or identifier, filter by specification, status and issue date (paginated);
//! a credential's page with its forms (JSON-LD, JAdES, VC-JWT downloads; an OpenID4VCI wallet
//! offer), its status and audit trail; revoke / suspend / reinstate behind a confirmation page
//! with a required reason, through the same use case as VC-API `POST /credentials/status`
//! (Bitstring Status List v1.0 §2.1). URL contract: [`super`].

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::layout::{esc, page};
use super::session::StaffSession;
use super::{html, see_other, ConsoleError, Lang};
use crate::app::api::{StatusChange, StatusRequest, StatusValue};
use crate::app::console::ConsoleCredential;
use crate::domain::Role;
use crate::http::AppState;
use crate::store::{AuditRow, CredentialSearch};

/// Rows per page of the console's lists.
pub const PAGE_SIZE: i64 = 25;

/// The routes of this part of the console.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(credentials_list))
        .routes(routes!(credential_detail))
        .routes(routes!(credential_download))
        .routes(routes!(credential_wallet_offer))
        .routes(routes!(credential_status_form, credential_status_change))
}

/// A path segment, percent-encoded (credential ids are URNs or URLs).
pub fn seg(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// A query value, percent-encoded.
pub fn qv(s: &str) -> String {
    seg(s)
}

/// A credential status in the interface language.
pub fn status_label(l: Lang, status: &str) -> &'static str {
    match status {
        "revoked" => l.pick([
            "Revoked",
            "Widerrufen",
            "Ingetrokken",
            "Unieważnione",
            "Revocato",
        ]),
        "suspended" => l.pick([
            "Suspended",
            "Ausgesetzt",
            "Opgeschort",
            "Zawieszone",
            "Sospeso",
        ]),
        _ => l.pick(["Active", "Gültig", "Geldig", "Ważne", "Valido"]),
    }
}

/// `YYYY-MM-DD` as the RFC 3339 instant starting that day (UTC), one day later when `next_day`
/// (an inclusive "to" date); `Ok("")` for an empty value; `Err` names the rule.
pub fn day_bound(value: &str, next_day: bool) -> Result<String, &'static str> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(String::new());
    }
    let day = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| "date.format")?;
    let day = if next_day {
        day.succ_opt().ok_or("date.range")?
    } else {
        day
    };
    Ok(format!("{}T00:00:00.000Z", day.format("%Y-%m-%d")))
}

/// The message of a date field's error, naming the rule.
pub fn date_error(l: Lang, rule: &str) -> String {
    let m = l.pick([
        "Enter a date as YYYY-MM-DD",
        "Datum als JJJJ-MM-TT eingeben",
        "Voer een datum in als JJJJ-MM-DD",
        "Podaj datę w formacie RRRR-MM-DD",
        "Inserire una data come AAAA-MM-GG",
    ]);
    format!("{m} ({rule})")
}

/// A labelled field with its error (if any) next to it, tied by `aria-describedby`.
pub fn field(id: &str, label: &str, input: &str, error: Option<&str>) -> String {
    let (described, err) = match error {
        Some(e) => (
            format!(" aria-describedby=\"{id}-error\" aria-invalid=\"true\""),
            format!("<p class=\"error\" id=\"{id}-error\">{}</p>", esc(e)),
        ),
        None => (String::new(), String::new()),
    };
    let input = input.replacen("<input ", &format!("<input id=\"{id}\"{described} "), 1);
    let input = input.replacen("<select ", &format!("<select id=\"{id}\"{described} "), 1);
    let input = input.replacen(
        "<textarea ",
        &format!("<textarea id=\"{id}\"{described} "),
        1,
    );
    format!(
        "<div><label for=\"{id}\">{}</label>{input}{err}</div>",
        esc(label)
    )
}

/// "Previous" / "next" links of page `page` (1-based) of a list, `more` when a next page exists;
/// `base` is the list's URL with its filters and a trailing `&` or `?`.
pub fn pager(l: Lang, base: &str, page: i64, more: bool) -> String {
    let mut links = String::new();
    if page > 1 {
        links.push_str(&format!(
            "<li><a href=\"{}page={}\" rel=\"prev\">{}</a></li>",
            esc(base),
            page - 1,
            l.pick([
                "Previous page",
                "Vorherige Seite",
                "Vorige pagina",
                "Poprzednia strona",
                "Pagina precedente"
            ])
        ));
    }
    links.push_str(&format!(
        "<li aria-current=\"page\">{} {page}</li>",
        l.pick(["Page", "Seite", "Pagina", "Strona", "Pagina"])
    ));
    if more {
        links.push_str(&format!(
            "<li><a href=\"{}page={}\" rel=\"next\">{}</a></li>",
            esc(base),
            page + 1,
            l.pick([
                "Next page",
                "Nächste Seite",
                "Volgende pagina",
                "Następna strona",
                "Pagina successiva"
            ])
        ));
    }
    format!(
        "<nav aria-label=\"{}\"><ul class=\"pager\">{links}</ul></nav>",
        l.pick(["Pages", "Seiten", "Pagina's", "Strony", "Pagine"])
    )
}

/// A table in its own scrolling box (reflow at 320 px): `caption`, one column header per
/// `heads` entry (`<th scope="col">`), the rows `body` (each row's first cell a `<th scope="row">`).
pub fn table(l: Lang, caption: &str, heads: &[[&'static str; 5]], body: &str) -> String {
    let heads: String = heads
        .iter()
        .map(|h| format!("<th scope=\"col\">{}</th>", l.pick(*h)))
        .collect();
    format!(
        "{}<table><caption>{}</caption><thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table></div>",
        super::layout::scroll_box(l),
        esc(caption)
    )
}

/// The audit entries as a table (the credential's trail and the audit log page).
pub fn audit_table(l: Lang, rows: &[AuditRow], caption: &str) -> String {
    let mut body = String::new();
    for r in rows {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.at),
            esc(&r.actor),
            esc(&r.action),
            esc(&r.target),
            esc(r.reason.as_deref().unwrap_or("")),
            esc(r.detail.as_deref().unwrap_or("")),
        ));
    }
    table(
        l,
        caption,
        &[
            ["When", "Wann", "Wanneer", "Kiedy", "Quando"],
            ["Who", "Wer", "Wie", "Kto", "Chi"],
            ["Action", "Aktion", "Actie", "Działanie", "Azione"],
            ["Target", "Ziel", "Doel", "Obiekt", "Oggetto"],
            ["Reason", "Grund", "Reden", "Powód", "Motivo"],
            ["Detail", "Details", "Details", "Szczegóły", "Dettagli"],
        ],
        &body,
    )
}

/// A filter value as searched: trimmed, control characters (NUL, which PostgreSQL refuses in
/// text) dropped, at most 200 characters.
pub fn filter_text(v: &Option<String>) -> String {
    v.as_deref()
        .unwrap_or("")
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect()
}

/// The page number of a `page` query value (1 when absent or not a positive number).
pub fn page_number(page: Option<&str>) -> i64 {
    page.and_then(|p| p.trim().parse::<i64>().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1)
}

/// Filters of the credential list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Learner name, e-mail address or identifier (words must all occur).
    q: Option<String>,
    /// Specification id (of this university).
    specification: Option<String>,
    /// `active`, `suspended` or `revoked`.
    status: Option<String>,
    /// Issued on or after (YYYY-MM-DD).
    from: Option<String>,
    /// Issued on or before (YYYY-MM-DD).
    to: Option<String>,
    /// Page (1-based).
    page: Option<String>,
}

/// Search the university's credentials.
#[utoipa::path(get, path = "/console/credentials", tag = "console", params(ListQuery),
    responses((status = 200, description = "The credentials matching the filters, newest first (HTML)", content_type = "text/html", body = String)))]
async fn credentials_list(
    State(s): State<AppState>,
    session: StaffSession,
    Query(q): Query<ListQuery>,
) -> Result<Response, ConsoleError> {
    let l = session.lang;
    let text = filter_text;
    let (from, to) = (text(&q.from), text(&q.to));
    let from_bound = day_bound(&from, false);
    let to_bound = day_bound(&to, true);
    let specs = s.app.specifications(&session.principal, None).await?;
    let spec_id = text(&q.specification);
    // The spec's learning opportunity URI, which its credentials carry (`None`: an unknown
    // spec, which no credential matches).
    let spec_uri = if spec_id.is_empty() {
        Some(String::new())
    } else {
        specs
            .items
            .iter()
            .rev()
            .find(|v| v.id == spec_id)
            .and_then(|v| v.specification.get("id").and_then(|i| i.as_str()))
            .map(str::to_owned)
    };
    let status = text(&q.status);
    let status = if ["active", "suspended", "revoked"].contains(&status.as_str()) {
        status
    } else {
        String::new()
    };
    let page_no = page_number(q.page.as_deref());
    let search = CredentialSearch {
        q: text(&q.q),
        specification_uri: spec_uri.clone().unwrap_or_default(),
        status: status.clone(),
        from: from_bound.clone().unwrap_or_default(),
        to: to_bound.clone().unwrap_or_default(),
    };
    let (rows, more) = if from_bound.is_err() || to_bound.is_err() || spec_uri.is_none() {
        (Vec::new(), false)
    } else {
        let offset = (page_no - 1).saturating_mul(PAGE_SIZE);
        let mut rows = s
            .app
            .search_credentials(&session.principal, &search, PAGE_SIZE + 1, offset)
            .await?;
        let more = rows.len() > usize::try_from(PAGE_SIZE).unwrap_or(25);
        rows.truncate(usize::try_from(PAGE_SIZE).unwrap_or(25));
        (rows, more)
    };
    let mut spec_ids: Vec<&str> = specs.items.iter().map(|v| v.id.as_str()).collect();
    spec_ids.dedup();
    let filters = ListFilters {
        q: &search.q,
        spec_id: &spec_id,
        spec_ids: &spec_ids,
        status: &status,
        from: &from,
        to: &to,
        from_error: from_bound.err(),
        to_error: to_bound.err(),
    };
    let base = format!(
        "/console/credentials?q={}&specification={}&status={}&from={}&to={}&",
        qv(&search.q),
        qv(&spec_id),
        qv(&status),
        qv(&from),
        qv(&to)
    );
    let title = l.pick([
        "Credentials",
        "Nachweise",
        "Credentials",
        "Poświadczenia",
        "Credenziali",
    ]);
    let body = format!(
        "<h1>{title}</h1>{}{}{}",
        filter_form(l, &filters),
        results_table(l, &rows),
        pager(l, &base, page_no, more)
    );
    Ok(html(page(&session, title, &body)))
}

struct ListFilters<'a> {
    q: &'a str,
    spec_id: &'a str,
    spec_ids: &'a [&'a str],
    status: &'a str,
    from: &'a str,
    to: &'a str,
    from_error: Option<&'static str>,
    to_error: Option<&'static str>,
}

fn filter_form(l: Lang, f: &ListFilters<'_>) -> String {
    let all = l.pick(["All", "Alle", "Alle", "Wszystkie", "Tutte"]);
    let mut specs = format!("<option value=\"\">{all}</option>");
    for id in f.spec_ids {
        let sel = if *id == f.spec_id { " selected" } else { "" };
        specs.push_str(&format!("<option value=\"{0}\"{sel}>{0}</option>", esc(id)));
    }
    let mut statuses = format!("<option value=\"\">{all}</option>");
    for st in ["active", "suspended", "revoked"] {
        let sel = if st == f.status { " selected" } else { "" };
        statuses.push_str(&format!(
            "<option value=\"{st}\"{sel}>{}</option>",
            status_label(l, st)
        ));
    }
    let from_err = f.from_error.map(|r| date_error(l, r));
    let to_err = f.to_error.map(|r| date_error(l, r));
    format!(
        "<form method=\"get\" action=\"/console/credentials\" class=\"card\" role=\"search\">{}{}{}{}{}<p><button type=\"submit\">{}</button></p></form>",
        field(
            "q",
            l.pick(["Learner name, e-mail address or identifier", "Name, E-Mail-Adresse oder Kennung der lernenden Person", "Naam, e-mailadres of identificatie van de lerende", "Imię i nazwisko, adres e-mail lub identyfikator uczącego się", "Nome, indirizzo e-mail o identificativo del discente"]),
            &format!("<input type=\"search\" name=\"q\" value=\"{}\" maxlength=\"200\">", esc(f.q)),
            None
        ),
        field(
            "specification",
            l.pick(["Specification", "Spezifikation", "Specificatie", "Specyfikacja", "Specifica"]),
            &format!("<select name=\"specification\">{specs}</select>"),
            None
        ),
        field(
            "status",
            l.pick(["Status", "Status", "Status", "Status", "Stato"]),
            &format!("<select name=\"status\">{statuses}</select>"),
            None
        ),
        field(
            "from",
            l.pick(["Issued from (YYYY-MM-DD)", "Ausgestellt ab (JJJJ-MM-TT)", "Uitgegeven vanaf (JJJJ-MM-DD)", "Wydane od (RRRR-MM-DD)", "Rilasciate dal (AAAA-MM-GG)"]),
            &format!("<input type=\"date\" name=\"from\" value=\"{}\">", esc(f.from)),
            from_err.as_deref()
        ),
        field(
            "to",
            l.pick(["Issued until (YYYY-MM-DD)", "Ausgestellt bis (JJJJ-MM-TT)", "Uitgegeven tot en met (JJJJ-MM-DD)", "Wydane do (RRRR-MM-DD)", "Rilasciate fino al (AAAA-MM-GG)"]),
            &format!("<input type=\"date\" name=\"to\" value=\"{}\">", esc(f.to)),
            to_err.as_deref()
        ),
        l.pick(["Search", "Suchen", "Zoeken", "Szukaj", "Cerca"]),
    )
}

fn results_table(l: Lang, rows: &[ConsoleCredential]) -> String {
    if rows.is_empty() {
        return format!(
            "<p>{}</p>",
            l.pick([
                "No credentials match.",
                "Keine Nachweise gefunden.",
                "Geen credentials gevonden.",
                "Brak pasujących poświadczeń.",
                "Nessuna credenziale trovata."
            ])
        );
    }
    let mut body = String::new();
    for r in rows {
        body.push_str(&format!(
            "<tr><th scope=\"row\"><a href=\"/console/credentials/{}\">{}</a></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            seg(&r.id),
            esc(if r.learner.is_empty() { &r.id } else { &r.learner }),
            esc(&r.title),
            status_label(l, &r.status),
            esc(r.created_at.get(..10).unwrap_or(&r.created_at)),
            esc(&r.id),
        ));
    }
    table(
        l,
        l.pick([
            "Matching credentials, newest first",
            "Gefundene Nachweise, neueste zuerst",
            "Gevonden credentials, nieuwste eerst",
            "Znalezione poświadczenia, od najnowszych",
            "Credenziali trovate, dalla più recente",
        ]),
        &[
            [
                "Learner",
                "Lernende Person",
                "Lerende",
                "Uczący się",
                "Discente",
            ],
            [
                "Achievement",
                "Leistung",
                "Prestatie",
                "Osiągnięcie",
                "Risultato",
            ],
            ["Status", "Status", "Status", "Status", "Stato"],
            [
                "Issued",
                "Ausgestellt",
                "Uitgegeven",
                "Wydano",
                "Rilasciata",
            ],
            [
                "Identifier",
                "Kennung",
                "Identificatie",
                "Identyfikator",
                "Identificativo",
            ],
        ],
        &body,
    )
}

/// A credential's page.
#[utoipa::path(get, path = "/console/credentials/{id}", tag = "console",
    params(("id" = String, Path, description = "The credential's id")),
    responses((status = 200, description = "The credential: forms, status, audit trail (HTML); 404 for another university's", content_type = "text/html", body = String)))]
async fn credential_detail(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, ConsoleError> {
    let l = session.lang;
    let record = s.app.credential(&session.principal, &id).await?;
    let trail = s.app.credential_trail(&session.principal, &id).await?;
    let share_url = s.app.credential_share_url(&session.principal, &id).await?;
    let (share, note) = match share_url {
        Some(url) => (
            format!(
                "<li><a href=\"{0}\">{1}</a></li><li><a href=\"{0}?format=pdf\">{2}</a></li>",
                esc(&url),
                l.pick(["The learner's share page", "Teilen-Seite der lernenden Person", "Deelpagina van de lerende", "Strona udostępniania uczącego się", "Pagina di condivisione del discente"]),
                l.pick(["PDF (certificate and supplement)", "PDF (Zertifikat und Anhang)", "Pdf (certificaat en supplement)", "PDF (certyfikat i suplement)", "PDF (certificato e supplemento)"]),
            ),
            String::new(),
        ),
        None => (String::new(), format!("<p>{}</p>", l.pick([
            "The learner's share page and its PDF are reached through the link sent to the learner at issuance (only its hash is stored).",
            "Die Teilen-Seite und ihr PDF erreicht die lernende Person über den bei der Ausstellung gesendeten Link (gespeichert ist nur sein Hash).",
            "De deelpagina en de pdf zijn bereikbaar via de link die bij uitgifte naar de lerende is gestuurd (alleen de hash ervan wordt bewaard).",
            "Strona udostępniania i jej PDF są dostępne przez link wysłany uczącemu się przy wydaniu (przechowywany jest tylko jego skrót).",
            "La pagina di condivisione e il suo PDF si raggiungono dal link inviato al discente al rilascio (ne è conservato solo l'hash).",
        ]))),
    };
    let (learner, title) =
        crate::app::console::credential_labels(&record.verifiable_credential.to_string());
    let heading = if learner.is_empty() {
        id.clone()
    } else {
        learner
    };
    let enc = seg(&id);
    let dl = |format: &str, label: [&'static str; 5]| {
        format!(
            "<li><a href=\"/console/credentials/{enc}/download?format={format}\">{}</a></li>",
            l.pick(label)
        )
    };
    let mut actions = String::new();
    if session.can(Role::Revoke) && record.status != "revoked" {
        let mut link = |action: &str, label: [&'static str; 5]| {
            actions.push_str(&format!(
                "<li><a href=\"/console/credentials/{enc}/status?action={action}\">{}</a></li>",
                l.pick(label)
            ));
        };
        link(
            "revoke",
            [
                "Revoke…",
                "Widerrufen…",
                "Intrekken…",
                "Unieważnij…",
                "Revoca…",
            ],
        );
        if record.status == "suspended" {
            link(
                "reinstate",
                [
                    "Reinstate…",
                    "Wieder gültig machen…",
                    "Herstellen…",
                    "Przywróć…",
                    "Ripristina…",
                ],
            );
        } else {
            link(
                "suspend",
                [
                    "Suspend…",
                    "Aussetzen…",
                    "Opschorten…",
                    "Zawieś…",
                    "Sospendi…",
                ],
            );
        }
    }
    let offer = format!(
        "<form method=\"post\" action=\"/console/credentials/{enc}/offer\">{}<button type=\"submit\">{}</button></form>",
        session.csrf_field(),
        l.pick([
            "Create an EU wallet offer (QR code and PIN; SD-JWT VC, JSON-LD, VC-JWT)",
            "EU-Wallet-Angebot erstellen (QR-Code und PIN; SD-JWT VC, JSON-LD, VC-JWT)",
            "EU-walletaanbod maken (QR-code en pincode; SD-JWT VC, JSON-LD, VC-JWT)",
            "Utwórz ofertę dla portfela UE (kod QR i PIN; SD-JWT VC, JSON-LD, VC-JWT)",
            "Crea un'offerta per il wallet UE (codice QR e PIN; SD-JWT VC, JSON-LD, VC-JWT)",
        ])
    );
    let body = format!(
        "<h1>{}</h1><dl class=\"card\"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd><code>{}</code></dd></dl>\
<h2>{}</h2><ul>{share}{}{}{}</ul>{}{offer}\
<h2>{}</h2><ul>{actions}<li><a href=\"/console/credentials/{enc}/messages\">{}</a></li></ul>\
<h2>{}</h2>{}",
        esc(&heading),
        l.pick(["Achievement", "Leistung", "Prestatie", "Osiągnięcie", "Risultato"]),
        esc(&title),
        l.pick(["Status", "Status", "Status", "Status", "Stato"]),
        status_label(l, &record.status),
        l.pick(["Issued", "Ausgestellt", "Uitgegeven", "Wydano", "Rilasciata"]),
        esc(&record.created_at),
        l.pick(["Identifier", "Kennung", "Identificatie", "Identyfikator", "Identificativo"]),
        esc(&id),
        l.pick(["Forms", "Formate", "Vormen", "Formaty", "Formati"]),
        dl("jsonld", ["EDC JSON-LD (Europass)", "EDC JSON-LD (Europass)", "EDC JSON-LD (Europass)", "EDC JSON-LD (Europass)", "EDC JSON-LD (Europass)"]),
        dl("jades", ["JAdES seal", "JAdES-Siegel", "JAdES-zegel", "Pieczęć JAdES", "Sigillo JAdES"]),
        dl("jwt", ["VC-JWT", "VC-JWT", "VC-JWT", "VC-JWT", "VC-JWT"]),
        note,
        l.pick(["Status and notifications", "Status und Benachrichtigungen", "Status en meldingen", "Status i powiadomienia", "Stato e notifiche"]),
        l.pick(["E-mail notifications and their delivery", "E-Mail-Benachrichtigungen und ihre Zustellung", "E-mailmeldingen en hun bezorging", "Powiadomienia e-mail i ich doręczenie", "Notifiche e-mail e loro consegna"]),
        l.pick(["Audit trail", "Prüfpfad", "Audittrail", "Ścieżka audytu", "Traccia di audit"]),
        audit_table(l, &trail, l.pick(["What happened to this credential, oldest first", "Was mit diesem Nachweis geschah, älteste zuerst", "Wat er met deze credential gebeurde, oudste eerst", "Historia tego poświadczenia, od najstarszych", "Cronologia di questa credenziale, dalla più vecchia"])),
    );
    Ok(html(page(&session, &heading, &body)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DownloadQuery {
    /// `jsonld`, `jades` or `jwt`.
    format: Option<String>,
}

/// Download one form of a credential.
#[utoipa::path(get, path = "/console/credentials/{id}/download", tag = "console",
    params(("id" = String, Path, description = "The credential's id"), DownloadQuery),
    responses((status = 200, description = "The form as a file: EDC JSON-LD, JAdES seal or VC-JWT; 404 when the credential has no such form", content_type = "text/html", body = String)))]
async fn credential_download(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Query(q): Query<DownloadQuery>,
) -> Result<Response, ConsoleError> {
    let (jsonld, jades, jwt) = s.app.credential_forms(&session.principal, &id).await?;
    let (bytes, ext, content_type) = match q.format.as_deref().unwrap_or("jsonld") {
        "jsonld" => (Some(jsonld.clone()), "jsonld", "application/ld+json"),
        "jades" => (jades, "jades.json", "application/jose+json"),
        "jwt" => (jwt, "jwt", "application/vc+jwt"),
        _ => {
            return Err(ConsoleError::BadRequest(
                "format: one of jsonld, jades, jwt (rule console.format)".into(),
            ))
        }
    };
    let bytes = bytes.ok_or(ConsoleError::NotFound)?;
    let name = format!("{}.{ext}", crate::http::pages::download_base_name(&jsonld));
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (
            header::CONTENT_DISPOSITION,
            crate::http::pages::attachment(&name),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ),
    ];
    Ok((headers, bytes).into_response())
}

/// The offer form (CSRF token only).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
struct OfferForm {
    /// The session's CSRF token.
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

/// Create an OpenID4VCI wallet offer of a credential (role `issue`): the page shows the QR code,
/// the same-device link and the PIN, this once (OpenID4VCI 1.0 §4.1).
#[utoipa::path(post, path = "/console/credentials/{id}/offer", tag = "console",
    params(("id" = String, Path, description = "The credential's id")),
    request_body(content = OfferForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "The offer's QR code, link and PIN, shown once (HTML); 404 for another university's credential", content_type = "text/html", body = String)))]
async fn credential_wallet_offer(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<OfferForm>,
) -> Result<Response, ConsoleError> {
    session.check_csrf(form.csrf.as_deref())?;
    let request = crate::oid4vci::offers::OfferRequest::default();
    let offer = s
        .app
        .create_offer(&session.principal, &id, &request)
        .await?;
    let l = session.lang;
    let title = l.pick([
        "EU wallet offer",
        "EU-Wallet-Angebot",
        "EU-walletaanbod",
        "Oferta dla portfela UE",
        "Offerta per il wallet UE",
    ]);
    let qr = render::qr::Qr::new(&offer.deep_link)
        .map_err(|_| ConsoleError::Internal)?
        .svg(256.0, title);
    let pin = offer.tx_code.as_deref().map_or(String::new(), |pin| {
        format!(
            "<p>{}: <strong>{}</strong></p>",
            l.pick([
                "PIN (give it to the learner separately)",
                "PIN (der lernenden Person getrennt mitteilen)",
                "Pincode (apart aan de lerende geven)",
                "PIN (przekaż uczącemu się osobno)",
                "PIN (da comunicare separatamente al discente)"
            ]),
            esc(pin)
        )
    });
    let body = format!(
        "<style>.offer svg{{width:16rem;height:16rem;max-width:100%}}</style><h1>{title}</h1><p>{}</p><div class=\"card offer\">{qr}{pin}<p><a href=\"{}\">{}</a></p><p>{} {}</p></div><p><a href=\"/console/credentials/{}\">{}</a></p>",
        l.pick([
            "Shown only this once. The learner scans the QR code with the wallet; the offer can be used once.",
            "Wird nur dieses eine Mal angezeigt. Die lernende Person scannt den QR-Code mit der Wallet; das Angebot gilt einmal.",
            "Wordt alleen deze ene keer getoond. De lerende scant de QR-code met de wallet; het aanbod is eenmalig bruikbaar.",
            "Wyświetlane tylko ten jeden raz. Uczący się skanuje kod QR portfelem; oferty można użyć raz.",
            "Mostrato solo questa volta. Il discente scansiona il codice QR con il wallet; l'offerta è utilizzabile una volta.",
        ]),
        esc(&offer.deep_link),
        l.pick(["Same-device link", "Link für dasselbe Gerät", "Link op hetzelfde apparaat", "Link na tym samym urządzeniu", "Link sullo stesso dispositivo"]),
        l.pick(["Expires", "Läuft ab", "Verloopt", "Wygasa", "Scade"]),
        esc(&offer.expires_at),
        seg(&id),
        l.pick(["Back to the credential", "Zurück zum Nachweis", "Terug naar de credential", "Powrót do poświadczenia", "Torna alla credenziale"]),
    );
    Ok(html(page(&session, title, &body)))
}

/// A status change the console offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Revoke,
    Suspend,
    Reinstate,
}

impl Action {
    fn parse(s: Option<&str>) -> Result<Self, ConsoleError> {
        match s.unwrap_or("") {
            "revoke" => Ok(Action::Revoke),
            "suspend" => Ok(Action::Suspend),
            "reinstate" => Ok(Action::Reinstate),
            _ => Err(ConsoleError::BadRequest(
                "action: one of revoke, suspend, reinstate (rule console.status-action)".into(),
            )),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Action::Revoke => "revoke",
            Action::Suspend => "suspend",
            Action::Reinstate => "reinstate",
        }
    }

    fn value(self) -> StatusValue {
        match self {
            Action::Revoke => StatusValue::Revoked,
            Action::Suspend => StatusValue::Suspended,
            Action::Reinstate => StatusValue::Active,
        }
    }

    fn title(self, l: Lang) -> &'static str {
        match self {
            Action::Revoke => l.pick([
                "Revoke credential",
                "Nachweis widerrufen",
                "Credential intrekken",
                "Unieważnij poświadczenie",
                "Revoca credenziale",
            ]),
            Action::Suspend => l.pick([
                "Suspend credential",
                "Nachweis aussetzen",
                "Credential opschorten",
                "Zawieś poświadczenie",
                "Sospendi credenziale",
            ]),
            Action::Reinstate => l.pick([
                "Reinstate credential",
                "Nachweis wieder gültig machen",
                "Credential herstellen",
                "Przywróć poświadczenie",
                "Ripristina credenziale",
            ]),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ActionQuery {
    /// `revoke`, `suspend` or `reinstate`.
    action: Option<String>,
}

/// The confirmation form of a status change (role `revoke`).
fn confirm_page(
    session: &StaffSession,
    id: &str,
    action: Action,
    reason: &str,
    error: Option<&str>,
) -> String {
    let l = session.lang;
    let title = action.title(l);
    let warning = match action {
        Action::Revoke => l.pick([
            "Revocation is permanent: the credential can never be valid again.",
            "Der Widerruf ist endgültig: Der Nachweis kann nie wieder gültig werden.",
            "Intrekking is definitief: de credential kan nooit meer geldig worden.",
            "Unieważnienie jest nieodwracalne: poświadczenie nigdy nie będzie znów ważne.",
            "La revoca è definitiva: la credenziale non potrà più tornare valida.",
        ]),
        Action::Suspend => l.pick([
            "Verifiers will see the credential as suspended until it is reinstated.",
            "Prüfende sehen den Nachweis als ausgesetzt, bis er wieder gültig gemacht wird.",
            "Verificateurs zien de credential als opgeschort tot hij wordt hersteld.",
            "Weryfikujący zobaczą poświadczenie jako zawieszone do czasu przywrócenia.",
            "I verificatori vedranno la credenziale come sospesa finché non sarà ripristinata.",
        ]),
        Action::Reinstate => l.pick([
            "Verifiers will see the credential as valid again.",
            "Prüfende sehen den Nachweis wieder als gültig.",
            "Verificateurs zien de credential weer als geldig.",
            "Weryfikujący znów zobaczą poświadczenie jako ważne.",
            "I verificatori vedranno di nuovo la credenziale come valida.",
        ]),
    };
    let class = if action == Action::Revoke {
        "danger"
    } else {
        ""
    };
    let body = format!(
        "<h1>{title}</h1><p><code>{}</code></p><p>{warning}</p>\
<form method=\"post\" action=\"/console/credentials/{}/status\" class=\"card\">{}\
<input type=\"hidden\" name=\"action\" value=\"{}\">{}\
<p><button type=\"submit\" class=\"{class}\">{title}</button> <a href=\"/console/credentials/{}\">{}</a></p></form>",
        esc(id),
        seg(id),
        session.csrf_field(),
        action.as_str(),
        field(
            "reason",
            l.pick(["Reason (required, recorded in the audit log)", "Grund (Pflichtfeld, wird im Prüfprotokoll vermerkt)", "Reden (verplicht, vastgelegd in het auditlog)", "Powód (wymagany, zapisywany w dzienniku audytu)", "Motivo (obbligatorio, registrato nel registro di audit)"]),
            &format!("<textarea name=\"reason\" required maxlength=\"500\" rows=\"3\" cols=\"40\">{}</textarea>", esc(reason)),
            error,
        ),
        seg(id),
        l.pick(["Cancel", "Abbrechen", "Annuleren", "Anuluj", "Annulla"]),
    );
    page(session, title, &body)
}

/// Confirm a revocation, suspension or reinstatement.
#[utoipa::path(get, path = "/console/credentials/{id}/status", tag = "console",
    params(("id" = String, Path, description = "The credential's id"), ActionQuery),
    responses((status = 200, description = "The confirmation form with a required reason (HTML; role revoke)", content_type = "text/html", body = String)))]
async fn credential_status_form(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Query(q): Query<ActionQuery>,
) -> Result<Response, ConsoleError> {
    s.app
        .credential_for_status_change(&session.principal, &id)
        .await?;
    let action = Action::parse(q.action.as_deref())?;
    Ok(html(confirm_page(&session, &id, action, "", None)))
}

/// The status change form.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
struct StatusForm {
    /// The session's CSRF token.
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    /// `revoke`, `suspend` or `reinstate`.
    action: Option<String>,
    /// Why (required).
    reason: Option<String>,
}

/// Revoke, suspend or reinstate a credential (the VC-API status change; role `revoke`).
#[utoipa::path(post, path = "/console/credentials/{id}/status", tag = "console",
    params(("id" = String, Path, description = "The credential's id")),
    request_body(content = StatusForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "The form again with the reason's error (HTML); success is 303 to the credential's page", content_type = "text/html", body = String)))]
async fn credential_status_change(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Result<Response, ConsoleError> {
    session.check_csrf(form.csrf.as_deref())?;
    let action = Action::parse(form.action.as_deref())?;
    // Control characters (NUL, which PostgreSQL refuses in text) dropped; line breaks kept.
    let reason: String = form
        .reason
        .as_deref()
        .unwrap_or("")
        .trim()
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect();
    let reason = reason.as_str();
    if reason.is_empty() || reason.chars().count() > 500 {
        s.app
            .credential_for_status_change(&session.principal, &id)
            .await?;
        let l = session.lang;
        let msg = l.pick([
            "Give a reason of 1 to 500 characters (rule console.reason-required)",
            "Einen Grund mit 1 bis 500 Zeichen angeben (Regel console.reason-required)",
            "Geef een reden van 1 tot 500 tekens (regel console.reason-required)",
            "Podaj powód o długości od 1 do 500 znaków (reguła console.reason-required)",
            "Indicare un motivo di 1-500 caratteri (regola console.reason-required)",
        ]);
        let mut res = html(confirm_page(&session, &id, action, reason, Some(msg)));
        *res.status_mut() = StatusCode::BAD_REQUEST;
        return Ok(res);
    }
    let request = StatusRequest {
        credential_id: id.clone(),
        credential_status: vec![StatusChange {
            kind: Some("BitstringStatusListEntry".into()),
            status: action.value(),
        }],
        reason: Some(reason.to_owned()),
    };
    s.app.change_status(&session.principal, &request).await?;
    Ok(see_other(&format!("/console/credentials/{}", seg(&id))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_bounds() {
        assert_eq!(day_bound("", false), Ok(String::new()));
        assert_eq!(
            day_bound("2026-02-28", true),
            Ok("2026-03-01T00:00:00.000Z".into())
        );
        assert_eq!(
            day_bound("2026-02-28", false),
            Ok("2026-02-28T00:00:00.000Z".into())
        );
        assert_eq!(day_bound("28.02.2026", false), Err("date.format"));
        assert_eq!(page_number(Some("0")), 1);
        assert_eq!(page_number(Some("3")), 3);
        assert_eq!(page_number(Some("x")), 1);
    }
}
