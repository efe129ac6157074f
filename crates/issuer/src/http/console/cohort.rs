//! Console: cohort issuance (issue #18 item 2; ENHANCE framework MS18 §7.4 "Certification"):
//! upload a CSV or XLSX for a stored specification, preview every row with its findings next to
//! the field, fix or drop rows, issue the cohort as one idempotent batch (progress without
//! JavaScript by `<meta http-equiv="refresh">`, with it by polling `progress.json`), then the
//! learners' share links and all PDFs as one ZIP. The domain work is [`crate::app::cohort`]; see
//! [`super`] for the URL contract.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::layout::{esc, page};
use super::session::StaffSession;
use super::{html, see_other, ConsoleError, Lang};
use crate::app::cohort::{
    pdf_file_name, zip_files, CohortEdit, CohortState, CohortUpload, CohortView,
};
use crate::domain::{DomainError, Principal};
use crate::http::AppState;

/// The routes of this part of the console.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(cohort_new_form))
        .routes(routes!(cohort_create))
        .routes(routes!(cohort_template))
        .routes(routes!(cohort_progress_script))
        .routes(routes!(cohort_preview, cohort_edit))
        .routes(routes!(cohort_issue))
        .routes(routes!(cohort_progress))
        .routes(routes!(cohort_progress_json))
        .routes(routes!(cohort_result))
        .routes(routes!(cohort_pdfs))
}

/// The query of console pages (`?lang=`).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// Interface language: en, de, nl, pl, it.
    pub lang: Option<String>,
}

/// The query of the CSV template.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    /// The specification the cohort is for (its columns come from it).
    pub specification: Option<String>,
}

/// `id` (latest version) or `id@N` of the specification menu; empty: none.
fn parse_specification(value: &str) -> (Option<String>, Option<i64>) {
    let value = value.trim();
    if value.is_empty() {
        return (None, None);
    }
    match value.rsplit_once('@') {
        Some((id, v)) => match v.parse::<i64>() {
            Ok(v) => (Some(id.to_owned()), Some(v)),
            Err(_) => (Some(value.to_owned()), None),
        },
        None => (Some(value.to_owned()), None),
    }
}

/// The upload page, `error` next to the file field.
async fn upload_page(
    s: &AppState,
    session: &StaffSession,
    error: Option<&str>,
) -> Result<String, ConsoleError> {
    let l = session.lang;
    let list = s.app.specifications(&session.principal, None).await?;
    let mut options = format!(
        "<option value=\"\">{}</option>",
        l.pick([
            "None: the file has learningOpportunity columns",
            "Keine: die Datei hat learningOpportunity-Spalten",
            "Geen: het bestand heeft learningOpportunity-kolommen",
            "Brak: plik ma kolumny learningOpportunity",
            "Nessuna: il file ha colonne learningOpportunity"
        ])
    );
    let latest = l.pick(["latest", "neueste", "nieuwste", "najnowsza", "più recente"]);
    let mut seen = Vec::new();
    let mut templates = String::new();
    for spec in list.items.iter().rev() {
        if !seen.contains(&spec.id) {
            seen.push(spec.id.clone());
            templates.push_str(&format!(
                "<li><a href=\"/console/cohorts/template.csv?specification={}\">{}</a></li>",
                percent_encoding::utf8_percent_encode(&spec.id, percent_encoding::NON_ALPHANUMERIC),
                esc(&spec.id)
            ));
            options.push_str(&format!(
                "<option value=\"{0}\">{0} ({latest})</option>",
                esc(&spec.id)
            ));
        }
        options.push_str(&format!(
            "<option value=\"{0}@{1}\">{0} v{1}</option>",
            esc(&spec.id),
            spec.version
        ));
    }
    let (described, error_html) = match error {
        Some(e) => (
            " aria-describedby=\"file-error\" aria-invalid=\"true\"",
            format!("<p id=\"file-error\" class=\"error\">{}</p>", esc(e)),
        ),
        None => ("", String::new()),
    };
    let body = format!(
        "<h1>{title}</h1><p>{intro}</p>\
<form method=\"post\" action=\"/console/cohorts\" enctype=\"multipart/form-data\">{csrf}\
<label for=\"specification\">{spec_label}</label><select id=\"specification\" name=\"specification\">{options}</select>\
<label for=\"file\">{file_label}</label>\
<input id=\"file\" name=\"file\" type=\"file\" required accept=\".csv,.xlsx,text/csv,{xlsx}\"{described}>{error_html}\
<p><button type=\"submit\">{upload}</button></p></form>\
<h2>{template}</h2><ul>{templates}<li><a href=\"/console/cohorts/template.csv\">{no_spec}</a></li></ul>",
        title = esc(l.pick(["Issue to a cohort", "An eine Kohorte ausstellen", "Uitgeven aan een cohort", "Wydaj dla grupy", "Rilascia a una coorte"])),
        intro = esc(l.pick([
            "Upload a CSV or XLSX file with one row per learner. Every row is checked before anything is issued.",
            "Laden Sie eine CSV- oder XLSX-Datei mit einer Zeile pro Lernendem hoch. Jede Zeile wird geprüft, bevor etwas ausgestellt wird.",
            "Upload een CSV- of XLSX-bestand met één rij per lerende. Elke rij wordt gecontroleerd voordat er iets wordt uitgegeven.",
            "Prześlij plik CSV lub XLSX z jednym wierszem na uczącego się. Każdy wiersz jest sprawdzany przed wydaniem.",
            "Carica un file CSV o XLSX con una riga per discente. Ogni riga viene verificata prima di rilasciare qualsiasi cosa."
        ])),
        csrf = session.csrf_field(),
        spec_label = esc(l.pick(["Specification", "Spezifikation", "Specificatie", "Specyfikacja", "Specifica"])),
        file_label = esc(l.pick(["File (.csv or .xlsx)", "Datei (.csv oder .xlsx)", "Bestand (.csv of .xlsx)", "Plik (.csv lub .xlsx)", "File (.csv o .xlsx)"])),
        xlsx = crate::app::cohort::XLSX_MEDIA_TYPE,
        upload = esc(l.pick(["Upload and check", "Hochladen und prüfen", "Uploaden en controleren", "Prześlij i sprawdź", "Carica e verifica"])),
        no_spec = esc(l.pick(["Without a specification (learningOpportunity column)", "Ohne Spezifikation (Spalte learningOpportunity)", "Zonder specificatie (kolom learningOpportunity)", "Bez specyfikacji (kolumna learningOpportunity)", "Senza specifica (colonna learningOpportunity)"])),
        template = esc(l.pick(["CSV templates (header row)", "CSV-Vorlagen (Kopfzeile)", "CSV-sjablonen (kopregel)", "Szablony CSV (wiersz nagłówka)", "Modelli CSV (riga di intestazione)"])),
    );
    Ok(page(
        session,
        l.pick([
            "Issue to a cohort",
            "An eine Kohorte ausstellen",
            "Uitgeven aan een cohort",
            "Wydaj dla grupy",
            "Rilascia a una coorte",
        ]),
        &body,
    ))
}

/// The upload form: a specification and a CSV or XLSX file.
#[utoipa::path(get, path = "/console/cohorts/new", tag = "console", params(LangQuery),
    responses((status = 200, description = "The cohort upload form", content_type = "text/html", body = String)))]
async fn cohort_new_form(
    State(s): State<AppState>,
    session: StaffSession,
    Query(_q): Query<LangQuery>,
) -> Result<Response, ConsoleError> {
    Ok(html(upload_page(&s, &session, None).await?))
}

/// A multipart upload read into memory (the body limit bounds it).
#[derive(Default)]
struct Upload {
    csrf: Option<String>,
    specification: String,
    file_name: String,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

async fn read_upload(mut multipart: Multipart) -> Result<Upload, String> {
    let mut up = Upload::default();
    while let Some(field) = multipart.next_field().await.map_err(|e| e.body_text())? {
        match field.name().unwrap_or_default() {
            "_csrf" => up.csrf = Some(field.text().await.map_err(|e| e.body_text())?),
            "specification" => up.specification = field.text().await.map_err(|e| e.body_text())?,
            "file" => {
                up.file_name = field.file_name().unwrap_or_default().to_owned();
                up.content_type = field.content_type().map(str::to_owned);
                up.bytes = field.bytes().await.map_err(|e| e.body_text())?.to_vec();
            }
            _ => {}
        }
    }
    Ok(up)
}

/// The upload form again (400) with `message` next to the file field.
async fn refused(
    s: &AppState,
    session: &StaffSession,
    message: String,
) -> Result<Response, ConsoleError> {
    let mut res = html(upload_page(s, session, Some(&message)).await?);
    *res.status_mut() = StatusCode::BAD_REQUEST;
    Ok(res)
}

/// Uploads a cohort file: `303` to its preview, or the form again with the finding.
#[utoipa::path(post, path = "/console/cohorts", tag = "console",
    request_body(content_type = "multipart/form-data", description = "Fields `_csrf`, `specification` (`id` or `id@version`), `file` (.csv or .xlsx)"),
    responses(
        (status = 303, description = "Stored: to the cohort's preview"),
        (status = 200, description = "The form again", content_type = "text/html", body = String),
        (status = 400, description = "The file was refused; the form names why", content_type = "text/html", body = String)))]
async fn cohort_create(
    State(s): State<AppState>,
    session: StaffSession,
    multipart: Multipart,
) -> Result<Response, ConsoleError> {
    let up = read_upload(multipart).await;
    let csrf = up.as_ref().ok().and_then(|u| u.csrf.as_deref());
    session.check_csrf(csrf)?;
    let up = up.map_err(ConsoleError::BadRequest)?;
    if up.bytes.len() > s.limits.max_body_bytes {
        return refused(
            &s,
            &session,
            format!(
                "file: {} bytes, more than limits.max_body_bytes ({})",
                up.bytes.len(),
                s.limits.max_body_bytes
            ),
        )
        .await;
    }
    let (specification, version) = parse_specification(&up.specification);
    let upload = CohortUpload {
        file_name: &up.file_name,
        content_type: up.content_type.as_deref(),
        bytes: &up.bytes,
        specification: specification.as_deref(),
        version,
        max_rows: s.limits.max_batch_size,
    };
    match s.app.create_cohort(&session.principal, upload).await {
        Ok(id) => Ok(see_other(&format!("/console/cohorts/{id}"))),
        Err(DomainError::BadRequest(m)) => refused(&s, &session, m).await,
        Err(DomainError::NotFound(m)) => {
            refused(&s, &session, format!("specification: {m} is not stored")).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A CSV template: the header row of the columns a cohort row needs.
#[utoipa::path(get, path = "/console/cohorts/template.csv", tag = "console", params(TemplateQuery),
    responses((status = 200, description = "The header row of a cohort CSV", content_type = "text/csv", body = String)))]
async fn cohort_template(
    State(s): State<AppState>,
    _session: StaffSession,
    Query(q): Query<TemplateQuery>,
) -> Response {
    let with_spec = q.specification.is_some_and(|v| !v.is_empty());
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
        (
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"cohort-template.csv\"",
        ),
    ];
    (headers, s.app.cohort_template(with_spec)).into_response()
}

fn counts_text(l: Lang, ready: usize, errors: usize) -> String {
    l.pick([
        "{n} ready, {m} with errors",
        "{n} bereit, {m} mit Fehlern",
        "{n} gereed, {m} met fouten",
        "{n} gotowych, {m} z błędami",
        "{n} pronte, {m} con errori",
    ])
    .replace("{n}", &ready.to_string())
    .replace("{m}", &errors.to_string())
}

/// The preview table (inputs in the rows with findings while a draft).
fn preview_table(l: Lang, v: &CohortView) -> String {
    let draft = v.state == CohortState::Draft;
    let mut head = format!(
        "<tr><th scope=\"col\">{}</th>",
        esc(l.pick(["Row", "Zeile", "Rij", "Wiersz", "Riga"]))
    );
    if draft {
        head.push_str(&format!(
            "<th scope=\"col\" id=\"drophead\">{}</th>",
            esc(l.pick(["Drop", "Entfernen", "Verwijderen", "Usuń", "Elimina"]))
        ));
    }
    for (c, h) in v.header.iter().enumerate() {
        head.push_str(&format!("<th scope=\"col\" id=\"col-{c}\">{}</th>", esc(h)));
    }
    head.push_str(&format!(
        "<th scope=\"col\">{}</th></tr>",
        esc(l.pick(["Findings", "Befunde", "Bevindingen", "Uwagi", "Rilievi"]))
    ));
    let mut body = String::new();
    for (r, row) in v.rows.iter().enumerate() {
        let editable = draft && !row.findings.is_empty();
        body.push_str(&format!(
            "<tr><th scope=\"row\" id=\"row-{r}\">{}</th>",
            row.line
        ));
        if draft {
            body.push_str(&format!(
                "<td><input type=\"checkbox\" name=\"drop\" value=\"{r}\" id=\"d-{r}\" aria-labelledby=\"drophead row-{r}\"></td>"
            ));
        }
        for (c, cell) in row.cells.iter().enumerate() {
            let found: Vec<_> = row
                .findings
                .iter()
                .filter(|f| f.column == Some(c))
                .collect();
            let messages: String = found
                .iter()
                .map(|f| format!("{} ({})", f.error.message, f.error.rule))
                .collect::<Vec<_>>()
                .join("; ");
            let error = if found.is_empty() {
                String::new()
            } else {
                format!(
                    "<span id=\"e-{r}-{c}\" class=\"error\">{}</span>",
                    esc(&messages)
                )
            };
            if editable {
                let described = if found.is_empty() {
                    String::new()
                } else {
                    format!(" aria-invalid=\"true\" aria-describedby=\"e-{r}-{c}\"")
                };
                body.push_str(&format!(
                    "<td><input name=\"c.{r}.{c}\" id=\"c-{r}-{c}\" value=\"{}\" aria-labelledby=\"col-{c} row-{r}\"{described}>{error}</td>",
                    esc(cell)
                ));
            } else {
                body.push_str(&format!("<td>{}{error}</td>", esc(cell)));
            }
        }
        let rest: Vec<String> = row
            .findings
            .iter()
            .filter(|f| f.column.is_none())
            .map(|f| {
                let at = if f.error.path.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", f.error.path)
                };
                format!("{at}{} ({})", f.error.message, f.error.rule)
            })
            .collect();
        body.push_str(&format!(
            "<td class=\"error\">{}</td></tr>",
            esc(&rest.join("; "))
        ));
    }
    format!(
        "{}<table><thead>{head}</thead><tbody>{body}</tbody></table></div>",
        super::layout::scroll_box(l)
    )
}

/// The preview of a cohort: every row, each finding next to its field, fix / drop, issue.
#[utoipa::path(get, path = "/console/cohorts/{id}", tag = "console",
    params(("id" = String, Path, description = "The cohort"), LangQuery),
    responses(
        (status = 200, description = "The cohort's rows with their findings", content_type = "text/html", body = String),
        (status = 404, description = "No such cohort, or another university's", content_type = "text/html", body = String)))]
async fn cohort_preview(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, ConsoleError> {
    let l = session.lang;
    let v = s.app.cohort(&session.principal, &id).await?;
    let (ready, errors) = (v.ready(), v.with_errors());
    let title = l.pick(["Cohort", "Kohorte", "Cohort", "Grupa", "Coorte"]);
    let spec = match &v.specification {
        Some((spec, version)) => format!("{} v{version}", esc(spec)),
        None => "–".to_owned(),
    };
    let mut body = format!(
        "<h1>{title}</h1><p>{spec_label}: {spec} · {source}</p>\
<p class=\"card\" role=\"status\"><strong>{counts}</strong></p>",
        title = esc(title),
        spec_label = esc(l.pick([
            "Specification",
            "Spezifikation",
            "Specificatie",
            "Specyfikacja",
            "Specifica"
        ])),
        source = esc(&v.source.to_uppercase()),
        counts = esc(&counts_text(l, ready, errors)),
    );
    if let Some(e) = &v.error {
        body.push_str(&format!("<p class=\"error\">{}</p>", esc(e)));
    }
    let table = preview_table(l, &v);
    match v.state {
        CohortState::Draft => {
            body.push_str(&format!(
                "<form method=\"post\" action=\"/console/cohorts/{id}\">{csrf}{table}\
<p><button type=\"submit\">{save}</button></p></form>",
                id = esc(&v.id),
                csrf = session.csrf_field(),
                save = esc(l.pick([
                    "Save changes, drop the ticked rows and check again",
                    "Änderungen speichern, markierte Zeilen entfernen und neu prüfen",
                    "Wijzigingen opslaan, aangevinkte rijen verwijderen en opnieuw controleren",
                    "Zapisz zmiany, usuń zaznaczone wiersze i sprawdź ponownie",
                    "Salva le modifiche, elimina le righe selezionate e verifica di nuovo"
                ])),
            ));
            if errors == 0 && ready > 0 {
                body.push_str(&format!(
                    "<form method=\"post\" action=\"/console/cohorts/{id}/issue\">{csrf}<p><button type=\"submit\">{issue}</button></p></form>",
                    id = esc(&v.id),
                    csrf = session.csrf_field(),
                    issue = esc(&l.pick(["Issue {n} credentials", "{n} Nachweise ausstellen", "{n} credentials uitgeven", "Wydaj {n} poświadczeń", "Rilascia {n} credenziali"]).replace("{n}", &ready.to_string())),
                ));
            } else {
                body.push_str(&format!("<p>{}</p>", esc(l.pick([
                    "Fix or drop the rows with errors to issue the cohort.",
                    "Korrigieren oder entfernen Sie die fehlerhaften Zeilen, um die Kohorte auszustellen.",
                    "Corrigeer of verwijder de rijen met fouten om het cohort uit te geven.",
                    "Popraw lub usuń wiersze z błędami, aby wydać grupę.",
                    "Correggi o elimina le righe con errori per rilasciare la coorte."
                ]))));
            }
        }
        CohortState::Issuing => body.push_str(&format!(
            "{table}<p><a href=\"/console/cohorts/{}/progress\">{}</a></p>",
            esc(&v.id),
            esc(l.pick([
                "Issuing: see the progress",
                "Wird ausgestellt: Fortschritt",
                "Bezig met uitgeven: voortgang",
                "Wydawanie: postęp",
                "Rilascio in corso: avanzamento"
            ]))
        )),
        CohortState::Done => body.push_str(&format!(
            "{table}<p><a href=\"/console/cohorts/{}/result\">{}</a></p>",
            esc(&v.id),
            esc(l.pick([
                "Issued: see the result",
                "Ausgestellt: Ergebnis",
                "Uitgegeven: resultaat",
                "Wydano: wynik",
                "Rilasciata: risultato"
            ]))
        )),
    }
    Ok(html(page(&session, title, &body)))
}

/// The fixes (`c.<row>.<column>`) and drops (`drop=<row>`) of a form.
fn edit_of(fields: &[(String, String)]) -> Result<CohortEdit, ConsoleError> {
    let mut edit = CohortEdit::default();
    for (name, value) in fields {
        if name == "drop" {
            let r = value.parse().map_err(|_| {
                ConsoleError::BadRequest(format!("drop: `{value}` is not a row number"))
            })?;
            edit.drop.push(r);
        } else if let Some(rc) = name.strip_prefix("c.") {
            let parsed = rc
                .split_once('.')
                .and_then(|(r, c)| Some((r.parse().ok()?, c.parse().ok()?)));
            let (r, c) = parsed.ok_or_else(|| {
                ConsoleError::BadRequest(format!("{name}: not a cell (c.<row>.<column>)"))
            })?;
            edit.cells.push((r, c, value.clone()));
        }
    }
    Ok(edit)
}

/// Saves fixed cells and drops ticked rows of a draft cohort; `303` back to the preview.
#[utoipa::path(post, path = "/console/cohorts/{id}", tag = "console",
    params(("id" = String, Path, description = "The cohort")),
    request_body(content_type = "application/x-www-form-urlencoded", description = "`_csrf`, `c.<row>.<column>` cell values, `drop=<row>` (repeated)"),
    responses(
        (status = 303, description = "Saved: back to the preview"),
        (status = 200, description = "Not used (always 303 or an error page)", content_type = "text/html", body = String)))]
async fn cohort_edit(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, ConsoleError> {
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.as_str());
    session.check_csrf(csrf)?;
    let edit = edit_of(&fields)?;
    s.app.edit_cohort(&session.principal, &id, &edit).await?;
    Ok(see_other(&format!("/console/cohorts/{id}")))
}

/// The `_csrf` field of a form.
#[derive(Debug, serde::Deserialize)]
struct CsrfForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

/// Starts issuing the cohort (once: a double submit starts nothing more); `303` to its progress.
#[utoipa::path(post, path = "/console/cohorts/{id}/issue", tag = "console",
    params(("id" = String, Path, description = "The cohort")),
    request_body(content_type = "application/x-www-form-urlencoded", description = "`_csrf`"),
    responses(
        (status = 303, description = "Started (or already started): to the progress page"),
        (status = 200, description = "Not used (always 303 or an error page)", content_type = "text/html", body = String),
        (status = 400, description = "Rows still have errors", content_type = "text/html", body = String)))]
async fn cohort_issue(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, ConsoleError> {
    session.check_csrf(form.csrf.as_deref())?;
    s.app.start_cohort_issue(&session.principal, &id).await?;
    Ok(see_other(&format!("/console/cohorts/{id}/progress")))
}

/// `"{k} of {n} issued"`.
fn progress_text(l: Lang) -> &'static str {
    l.pick([
        "{k} of {n} issued",
        "{k} von {n} ausgestellt",
        "{k} van {n} uitgegeven",
        "Wydano {k} z {n}",
        "{k} di {n} rilasciate",
    ])
}

/// The progress of a cohort's batch: a `<progress>` bar, reloaded every 2 s without JavaScript
/// and polled with it; `303` to the result when done.
#[utoipa::path(get, path = "/console/cohorts/{id}/progress", tag = "console",
    params(("id" = String, Path, description = "The cohort"), LangQuery),
    responses(
        (status = 200, description = "The progress page", content_type = "text/html", body = String),
        (status = 303, description = "Done: to the result")))]
async fn cohort_progress(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, ConsoleError> {
    let l = session.lang;
    let p = s.app.cohort_progress(&session.principal, &id).await?;
    if p.state == CohortState::Done {
        return Ok(see_other(&format!("/console/cohorts/{id}/result")));
    }
    let title = l.pick([
        "Issuing",
        "Ausstellung läuft",
        "Bezig met uitgeven",
        "Wydawanie",
        "Rilascio in corso",
    ]);
    let text = progress_text(l);
    let mut body = format!(
        "<h1>{title}</h1><label for=\"cohort-progress\">{label}</label>\
<progress id=\"cohort-progress\" max=\"{n}\" value=\"{k}\">{k} / {n}</progress>\
<p id=\"cohort-progress-text\" role=\"status\" aria-live=\"polite\" data-url=\"/console/cohorts/{id}/progress.json\" data-template=\"{template}\">{now}</p>",
        title = esc(title),
        label = esc(l.pick(["Credentials issued", "Ausgestellte Nachweise", "Uitgegeven credentials", "Wydane poświadczenia", "Credenziali rilasciate"])),
        n = p.total,
        k = p.issued,
        id = esc(&id),
        template = esc(text),
        now = esc(&text.replace("{k}", &p.issued.to_string()).replace("{n}", &p.total.to_string())),
    );
    if p.state == CohortState::Draft {
        body.push_str(&format!(
            "<p><a href=\"/console/cohorts/{}\">{}</a></p>",
            esc(&id),
            esc(l.pick([
                "Back to the cohort",
                "Zurück zur Kohorte",
                "Terug naar het cohort",
                "Powrót do grupy",
                "Torna alla coorte"
            ]))
        ));
    }
    body.push_str("<script src=\"/console/cohorts/progress.js\" defer></script>");
    let mut page = page(&session, title, &body);
    if p.state == CohortState::Issuing {
        page = page.replacen(
            "</head>",
            "<meta http-equiv=\"refresh\" content=\"2\"></head>",
            1,
        );
    }
    let csp = format!(
        "{}; script-src 'self'; connect-src 'self'",
        service_kit::headers::html_csp(&page)
    );
    let mut res = html(page);
    if let Ok(v) = HeaderValue::from_str(&csp) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    Ok(res)
}

/// The progress as JSON (for the progress page's script).
#[utoipa::path(get, path = "/console/cohorts/{id}/progress.json", tag = "console",
    params(("id" = String, Path, description = "The cohort")),
    responses((status = 200, description = "`{state, issued, total, result}`", content_type = "application/json", body = Object)))]
async fn cohort_progress_json(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, ConsoleError> {
    let p = s.app.cohort_progress(&session.principal, &id).await?;
    let state = match p.state {
        CohortState::Draft => "draft",
        CohortState::Issuing => "issuing",
        CohortState::Done => "done",
    };
    let body = serde_json::json!({
        "state": state,
        "issued": p.issued,
        "total": p.total,
        "result": format!("/console/cohorts/{id}/result"),
    });
    Ok((
        [(header::CACHE_CONTROL, "private, no-store")],
        axum::Json(body),
    )
        .into_response())
}

const PROGRESS_JS: &str = r#"(function () {
  var t = document.getElementById('cohort-progress-text');
  var bar = document.getElementById('cohort-progress');
  if (!t || !bar || !window.fetch) { return; }
  var url = t.getAttribute('data-url');
  var template = t.getAttribute('data-template');
  function poll() {
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        bar.max = p.total; bar.value = p.issued;
        t.textContent = template.replace('{k}', p.issued).replace('{n}', p.total);
        if (p.state === 'done') { window.location.href = p.result; } else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
"#;

/// The progress page's polling script (the page works without it).
#[utoipa::path(get, path = "/console/cohorts/progress.js", tag = "console",
    responses((status = 200, description = "The progress page's polling script", content_type = "text/javascript", body = String)))]
async fn cohort_progress_script() -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
        (header::CACHE_CONTROL, "public, max-age=300"),
    ];
    (headers, PROGRESS_JS).into_response()
}

/// The result of a finished cohort: each learner's share link, the rows that failed.
#[utoipa::path(get, path = "/console/cohorts/{id}/result", tag = "console",
    params(("id" = String, Path, description = "The cohort"), LangQuery),
    responses((status = 200, description = "Share links and failed rows", content_type = "text/html", body = String)))]
async fn cohort_result(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, ConsoleError> {
    let l = session.lang;
    let rows = s.app.cohort_result(&session.principal, &id).await?;
    let issued = rows.iter().filter(|r| r.credential_id.is_some()).count();
    let mut table = format!(
        "<tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr>",
        esc(l.pick(["Row", "Zeile", "Rij", "Wiersz", "Riga"])),
        esc(l.pick(["Learner", "Lernende/r", "Lerende", "Uczący się", "Discente"])),
        esc(l.pick(["Share link", "Freigabelink", "Deellink", "Link do udostępnienia", "Link di condivisione"])),
        esc(l.pick(["Findings", "Befunde", "Bevindingen", "Uwagi", "Rilievi"])),
    );
    for r in &rows {
        let link = match (&r.credential_id, &r.share_token) {
            (Some(_), Some(token)) => {
                let url = s.app.share_url(token);
                format!("<a href=\"{0}\">{0}</a>", esc(&url))
            }
            (Some(cid), None) => format!(
                "<a href=\"/console/credentials/{}\">{}</a>",
                esc(&percent_encoding::utf8_percent_encode(
                    cid,
                    percent_encoding::NON_ALPHANUMERIC
                )
                .to_string()),
                esc(cid)
            ),
            (None, _) => String::new(),
        };
        let findings: Vec<String> = r
            .errors
            .iter()
            .map(|e| format!("{}: {} ({})", e.path, e.message, e.rule))
            .collect();
        table.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"url\">{link}</td><td class=\"error\">{}</td></tr>",
            r.line,
            esc(&r.name),
            esc(&findings.join("; "))
        ));
    }
    let title = l.pick([
        "Cohort issued",
        "Kohorte ausgestellt",
        "Cohort uitgegeven",
        "Grupa wydana",
        "Coorte rilasciata",
    ]);
    let body = format!(
        "<h1>{title}</h1><p role=\"status\">{summary}</p>\
<p><a class=\"button\" href=\"/console/cohorts/{id}/pdfs.zip\">{zip}</a></p>\
{scroll}<table>{table}</table></div>",
        scroll = super::layout::scroll_box(l),
        title = esc(title),
        summary = esc(&progress_text(l)
            .replace("{k}", &issued.to_string())
            .replace("{n}", &rows.len().to_string())),
        id = esc(&id),
        zip = esc(l.pick([
            "Download all PDFs (ZIP)",
            "Alle PDFs herunterladen (ZIP)",
            "Alle pdf's downloaden (ZIP)",
            "Pobierz wszystkie pliki PDF (ZIP)",
            "Scarica tutti i PDF (ZIP)"
        ])),
    );
    Ok(html(page(&session, title, &body)))
}

/// Every issued learner's PDF (certificate and supplement, rendered through the render pool) as
/// one ZIP; file names from the learner's name and the credential id.
pub async fn cohort_pdfs_zip(
    s: &AppState,
    principal: &Principal,
    id: &str,
    lang: &'static str,
) -> Result<Vec<u8>, ConsoleError> {
    let rows = s.app.cohort_result(principal, id).await?;
    let mut files = Vec::new();
    for r in &rows {
        let (Some(cid), Some(token)) = (&r.credential_id, &r.share_token) else {
            continue;
        };
        let res = crate::http::pages::pdf(s, token, lang).await.map_err(|e| {
            tracing::warn!(cohort = %id, credential = %cid, "cohort PDF not rendered");
            ConsoleError::BadRequest(format!(
                "the PDF of {cid} could not be rendered: {}",
                e.into_response().status()
            ))
        })?;
        let bytes = axum::body::to_bytes(res.into_body(), 256 * 1024 * 1024)
            .await
            .map_err(|_| ConsoleError::Internal)?;
        files.push((pdf_file_name(&r.name, cid), bytes.to_vec()));
    }
    Ok(zip_files(&files)?)
}

/// All PDFs of a finished cohort as one ZIP.
#[utoipa::path(get, path = "/console/cohorts/{id}/pdfs.zip", tag = "console",
    params(("id" = String, Path, description = "The cohort")),
    responses((status = 200, description = "One PDF per issued learner", content_type = "application/zip", body = Vec<u8>)))]
async fn cohort_pdfs(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, ConsoleError> {
    let lang = match session.lang {
        Lang::It => "en",
        other => other.tag(),
    };
    let zip = cohort_pdfs_zip(&s, &session.principal, &id, lang).await?;
    let headers = [
        (header::CONTENT_TYPE, "application/zip"),
        (header::CACHE_CONTROL, "private, no-store"),
    ];
    let mut res = (headers, zip).into_response();
    let disposition = format!(
        "attachment; filename=\"{}.zip\"",
        id.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_")
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
