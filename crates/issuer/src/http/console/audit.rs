//! Console: the audit log (issue #18 item 2; MS18 §7.4 "Certification": who issued, revoked or
//! changed what, when and why). Filter by action, actor, target and date range, paginated;
//! export the filtered rows as CSV (RFC 4180) with a formula-injection guard (OWASP "CSV
//! Injection": a cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading
//! `'`, so a spreadsheet shows it as text instead of evaluating it). URL contract: [`super`].

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::credentials::{
    audit_table, date_error, day_bound, field, filter_text, page_number, pager, qv,
};
use super::layout::{esc, page};
use super::session::StaffSession;
use super::{html, ConsoleError, Lang};
use crate::http::AppState;
use crate::store::{AuditFilter, AuditRow};

/// Rows per page of the audit log.
const PAGE_SIZE: i64 = 50;

/// At most this many rows in one CSV export (the filters narrow it down).
pub const MAX_EXPORT_ROWS: i64 = 100_000;

/// The routes of this part of the console.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(audit_log))
        .routes(routes!(audit_export))
}

/// Filters of the audit log.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// Exact action (`issue`, `revoke`, `batch`, ...).
    action: Option<String>,
    /// Part of the actor (`token:...`, `staff:...`).
    actor: Option<String>,
    /// Part of the target (credential id, batch key, ...).
    target: Option<String>,
    /// On or after (YYYY-MM-DD).
    from: Option<String>,
    /// On or before (YYYY-MM-DD).
    to: Option<String>,
    /// Page (1-based).
    page: Option<String>,
}

/// The query's filter, or the field errors of its dates (`from`, `to`).
struct Parsed {
    filter: AuditFilter,
    from: String,
    to: String,
    from_error: Option<&'static str>,
    to_error: Option<&'static str>,
}

fn parse(q: &AuditQuery) -> Parsed {
    let text = filter_text;
    let (from, to) = (text(&q.from), text(&q.to));
    let (from_bound, to_bound) = (day_bound(&from, false), day_bound(&to, true));
    Parsed {
        filter: AuditFilter {
            action: text(&q.action),
            actor: text(&q.actor),
            target: text(&q.target),
            from: from_bound.clone().unwrap_or_default(),
            to: to_bound.clone().unwrap_or_default(),
        },
        from,
        to,
        from_error: from_bound.err(),
        to_error: to_bound.err(),
    }
}

/// The query string of a filter (links to other pages and the CSV export).
fn query_string(p: &Parsed) -> String {
    format!(
        "action={}&actor={}&target={}&from={}&to={}",
        qv(&p.filter.action),
        qv(&p.filter.actor),
        qv(&p.filter.target),
        qv(&p.from),
        qv(&p.to)
    )
}

/// The university's audit log.
#[utoipa::path(get, path = "/console/audit", tag = "console", params(AuditQuery),
    responses((status = 200, description = "Audit entries matching the filters, newest first (HTML)", content_type = "text/html", body = String)))]
async fn audit_log(
    State(s): State<AppState>,
    session: StaffSession,
    Query(q): Query<AuditQuery>,
) -> Result<Response, ConsoleError> {
    let l = session.lang;
    let p = parse(&q);
    let page_no = page_number(q.page.as_deref());
    let actions = s.app.audit_actions(&session.principal).await?;
    let (rows, more) = if p.from_error.is_some() || p.to_error.is_some() {
        (Vec::new(), false)
    } else {
        let offset = (page_no - 1).saturating_mul(PAGE_SIZE);
        let mut rows = s
            .app
            .search_audit(&session.principal, &p.filter, PAGE_SIZE + 1, offset)
            .await?;
        let size = usize::try_from(PAGE_SIZE).unwrap_or(50);
        let more = rows.len() > size;
        rows.truncate(size);
        (rows, more)
    };
    let title = l.pick([
        "Audit log",
        "Prüfprotokoll",
        "Auditlog",
        "Dziennik audytu",
        "Registro di audit",
    ]);
    let qs = query_string(&p);
    let table = if rows.is_empty() {
        format!(
            "<p>{}</p>",
            l.pick([
                "No entries match.",
                "Keine Einträge gefunden.",
                "Geen vermeldingen gevonden.",
                "Brak pasujących wpisów.",
                "Nessuna voce trovata."
            ])
        )
    } else {
        audit_table(
            l,
            &rows,
            l.pick([
                "Audit entries, newest first",
                "Protokolleinträge, neueste zuerst",
                "Auditvermeldingen, nieuwste eerst",
                "Wpisy dziennika, od najnowszych",
                "Voci di audit, dalla più recente",
            ]),
        )
    };
    let body = format!(
        "<h1>{title}</h1>{}<p><a href=\"/console/audit.csv?{}\" download>{}</a></p>{table}{}",
        filter_form(l, &p, &actions),
        esc(&qs),
        l.pick([
            "Export these entries as CSV",
            "Diese Einträge als CSV exportieren",
            "Deze vermeldingen exporteren als CSV",
            "Eksportuj te wpisy do CSV",
            "Esporta queste voci in CSV",
        ]),
        pager(l, &format!("/console/audit?{qs}&"), page_no, more),
    );
    Ok(html(page(&session, title, &body)))
}

fn filter_form(l: Lang, p: &Parsed, actions: &[String]) -> String {
    let mut options = format!(
        "<option value=\"\">{}</option>",
        l.pick(["All", "Alle", "Alle", "Wszystkie", "Tutte"])
    );
    for a in actions {
        let sel = if *a == p.filter.action {
            " selected"
        } else {
            ""
        };
        options.push_str(&format!("<option value=\"{0}\"{sel}>{0}</option>", esc(a)));
    }
    let text = |name: &str, value: &str| {
        format!(
            "<input type=\"text\" name=\"{name}\" value=\"{}\" maxlength=\"200\">",
            esc(value)
        )
    };
    let date = |name: &str, value: &str| {
        format!(
            "<input type=\"date\" name=\"{name}\" value=\"{}\">",
            esc(value)
        )
    };
    let from_err = p.from_error.map(|r| date_error(l, r));
    let to_err = p.to_error.map(|r| date_error(l, r));
    format!(
        "<form method=\"get\" action=\"/console/audit\" class=\"card\" role=\"search\">{}{}{}{}{}<p><button type=\"submit\">{}</button></p></form>",
        field(
            "action",
            l.pick(["Action", "Aktion", "Actie", "Działanie", "Azione"]),
            &format!("<select name=\"action\">{options}</select>"),
            None
        ),
        field(
            "actor",
            l.pick(["Who (part of)", "Wer (Teil davon)", "Wie (deel van)", "Kto (fragment)", "Chi (parte di)"]),
            &text("actor", &p.filter.actor),
            None
        ),
        field(
            "target",
            l.pick(["Target (part of)", "Ziel (Teil davon)", "Doel (deel van)", "Obiekt (fragment)", "Oggetto (parte di)"]),
            &text("target", &p.filter.target),
            None
        ),
        field(
            "from",
            l.pick(["From (YYYY-MM-DD)", "Von (JJJJ-MM-TT)", "Van (JJJJ-MM-DD)", "Od (RRRR-MM-DD)", "Dal (AAAA-MM-GG)"]),
            &date("from", &p.from),
            from_err.as_deref()
        ),
        field(
            "to",
            l.pick(["Until (YYYY-MM-DD)", "Bis (JJJJ-MM-TT)", "Tot en met (JJJJ-MM-DD)", "Do (RRRR-MM-DD)", "Al (AAAA-MM-GG)"]),
            &date("to", &p.to),
            to_err.as_deref()
        ),
        l.pick(["Filter", "Filtern", "Filteren", "Filtruj", "Filtra"]),
    )
}

/// A CSV cell a spreadsheet will not evaluate: a leading `'` before `=`, `+`, `-`, `@`, tab or
/// carriage return.
pub fn guard_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The audit rows as CSV (header `seq,at,actor,action,target,reason,detail`), every cell guarded.
pub fn audit_csv(rows: &[AuditRow]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["seq", "at", "actor", "action", "target", "reason", "detail"])?;
    for r in rows {
        let seq = r.seq.to_string();
        w.write_record([
            guard_cell(&seq).as_ref(),
            guard_cell(&r.at).as_ref(),
            guard_cell(&r.actor).as_ref(),
            guard_cell(&r.action).as_ref(),
            guard_cell(&r.target).as_ref(),
            guard_cell(r.reason.as_deref().unwrap_or("")).as_ref(),
            guard_cell(r.detail.as_deref().unwrap_or("")).as_ref(),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// The filtered audit log as CSV.
#[utoipa::path(get, path = "/console/audit.csv", tag = "console", params(AuditQuery),
    responses((status = 200, description = "The filtered entries as CSV (newest first; cells starting with = + - @ prefixed with ')", content_type = "text/csv", body = String)))]
async fn audit_export(
    State(s): State<AppState>,
    session: StaffSession,
    Query(q): Query<AuditQuery>,
) -> Result<Response, ConsoleError> {
    let p = parse(&q);
    if let Some(rule) = p.from_error {
        return Err(ConsoleError::BadRequest(format!(
            "from: {}",
            date_error(Lang::En, rule)
        )));
    }
    if let Some(rule) = p.to_error {
        return Err(ConsoleError::BadRequest(format!(
            "to: {}",
            date_error(Lang::En, rule)
        )));
    }
    let rows = s
        .app
        .search_audit(&session.principal, &p.filter, MAX_EXPORT_ROWS, 0)
        .await?;
    let bytes = audit_csv(&rows).map_err(|e| {
        tracing::error!(error = %e, "audit CSV export failed");
        ConsoleError::Internal
    })?;
    let headers = [
        (
            header::CONTENT_TYPE,
            "text/csv; charset=utf-8; header=present",
        ),
        (
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"audit-log.csv\"",
        ),
        (header::CACHE_CONTROL, "private, no-store"),
    ];
    Ok((headers, bytes).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_guarded() {
        assert_eq!(guard_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard_cell("+1"), "'+1");
        assert_eq!(guard_cell("-1"), "'-1");
        assert_eq!(guard_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(guard_cell("issue"), "issue");
        let rows = vec![AuditRow {
            seq: 1,
            at: "2026-01-01T00:00:00.000Z".into(),
            actor: "staff:a".into(),
            action: "revoke".into(),
            target: "urn:uuid:1".into(),
            reason: Some("=cmd|' /C calc'!A0".into()),
            detail: None,
        }];
        let text = String::from_utf8(audit_csv(&rows).unwrap()).unwrap();
        assert!(text.starts_with("seq,at,actor,action,target,reason,detail\n"));
        assert!(text.contains(",'=cmd|' /C calc'!A0,"), "{text}");
    }
}
