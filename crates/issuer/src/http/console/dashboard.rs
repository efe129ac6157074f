//! Console: the dashboard `/console` (issue #18 item 2): the university's issued, revoked and
//! suspended credential counts; recent batches (API batches from the audit log, action `batch`,
//! and console cohorts with their state); seal certificates of the university's JAdES seal chain
//! (ETSI TS 119 182-1 `x5c`) that expire within
//! [`crate::app::console::SEAL_EXPIRY_WARNING_DAYS`] days. URL contract: [`super`].

use axum::extract::State;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::credentials::{seg, table};
use super::layout::{esc, page};
use super::session::StaffSession;
use super::{html, ConsoleError, Lang};
use crate::app::cohort::{CohortState, CohortSummary};
use crate::app::console::{SealCertificate, StatusCounts};
use crate::http::AppState;
use crate::store::AuditRow;

/// Batches and cohorts shown.
const RECENT: usize = 10;

/// The routes of this part of the console.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(console_dashboard))
}

/// The console's start page.
#[utoipa::path(get, path = "/console", tag = "console",
    responses((status = 200, description = "Counts, recent batches and cohorts, seal certificates close to expiry (HTML); 303 to the sign-in page without a session", content_type = "text/html", body = String)))]
async fn console_dashboard(
    State(s): State<AppState>,
    session: StaffSession,
) -> Result<Response, ConsoleError> {
    let l = session.lang;
    let p = &session.principal;
    let counts = s.app.credential_counts(p).await?;
    let batches = s.app.recent_batches(p, 10).await?;
    let unfinished = s.app.unfinished_batches(p, 10).await?;
    let cohorts = crate::app::cohort::recent_cohorts(&s.app, &p.university, RECENT).await?;
    let seals = s.app.seal_certificates_expiring(p)?;
    let title = l.pick(["Dashboard", "Übersicht", "Overzicht", "Pulpit", "Riepilogo"]);
    let body = format!(
        "<h1>{title}</h1>{}{}{}{}",
        seal_warning(l, &seals),
        counts_cards(l, counts),
        batches_table(l, &batches, &unfinished),
        cohorts_table(l, &cohorts),
    );
    Ok(html(page(&session, title, &body)))
}

fn counts_cards(l: Lang, c: StatusCounts) -> String {
    let card = |n: i64, label: [&'static str; 5], href: &str| {
        format!(
            "<div class=\"card\"><p class=\"count\"><a href=\"{href}\"><strong>{n}</strong> {}</a></p></div>",
            l.pick(label)
        )
    };
    format!(
        "<h2>{}</h2><div class=\"counts\">{}{}{}</div>",
        l.pick([
            "Credentials",
            "Nachweise",
            "Credentials",
            "Poświadczenia",
            "Credenziali"
        ]),
        card(
            c.issued,
            [
                "issued",
                "ausgestellt",
                "uitgegeven",
                "wydanych",
                "rilasciate"
            ],
            "/console/credentials"
        ),
        card(
            c.revoked,
            [
                "revoked",
                "widerrufen",
                "ingetrokken",
                "unieważnionych",
                "revocate"
            ],
            "/console/credentials?status=revoked"
        ),
        card(
            c.suspended,
            [
                "suspended",
                "ausgesetzt",
                "opgeschort",
                "zawieszonych",
                "sospese"
            ],
            "/console/credentials?status=suspended"
        ),
    )
}

fn seal_warning(l: Lang, seals: &[SealCertificate]) -> String {
    if seals.is_empty() {
        return String::new();
    }
    let mut items = String::new();
    for c in seals {
        let when = if c.days_left < 0 {
            l.pick(["expired", "abgelaufen", "verlopen", "wygasł", "scaduto"])
                .to_owned()
        } else {
            format!(
                "{} {}",
                c.days_left,
                l.pick([
                    "days left",
                    "Tage übrig",
                    "dagen over",
                    "dni do wygaśnięcia",
                    "giorni rimanenti"
                ])
            )
        };
        items.push_str(&format!(
            "<li>{} — {} {} ({when})</li>",
            esc(&c.subject),
            l.pick([
                "valid until",
                "gültig bis",
                "geldig tot",
                "ważny do",
                "valido fino al"
            ]),
            esc(&c.not_after.format("%Y-%m-%d").to_string()),
        ));
    }
    format!(
        "<div class=\"card\" role=\"alert\"><h2 class=\"error\">{}</h2><p>{}</p><ul>{items}</ul></div>",
        l.pick([
            "Seal certificates close to expiry",
            "Siegelzertifikate laufen bald ab",
            "Zegelcertificaten verlopen binnenkort",
            "Certyfikaty pieczęci wkrótce wygasną",
            "Certificati di sigillo in scadenza",
        ]),
        l.pick([
            "Credentials sealed after the expiry cannot be verified. Order a new seal certificate from your trust service provider in time.",
            "Nach dem Ablauf besiegelte Nachweise lassen sich nicht prüfen. Bestellen Sie rechtzeitig ein neues Siegelzertifikat bei Ihrem Vertrauensdiensteanbieter.",
            "Credentials die na het verlopen worden bezegeld, zijn niet te verifiëren. Vraag tijdig een nieuw zegelcertificaat aan bij uw vertrouwensdienstverlener.",
            "Poświadczeń opieczętowanych po wygaśnięciu nie da się zweryfikować. Zamów z wyprzedzeniem nowy certyfikat pieczęci u dostawcy usług zaufania.",
            "Le credenziali sigillate dopo la scadenza non sono verificabili. Richiedete per tempo un nuovo certificato di sigillo al vostro prestatore di servizi fiduciari.",
        ]),
    )
}

fn batches_table(l: Lang, rows: &[AuditRow], unfinished: &[(String, String)]) -> String {
    let heading = l.pick([
        "Recent API batches",
        "Letzte API-Stapel",
        "Recente API-batches",
        "Ostatnie partie API",
        "Lotti API recenti",
    ]);
    if rows.is_empty() && unfinished.is_empty() {
        return format!(
            "<h2>{heading}</h2><p>{}</p>",
            l.pick([
                "None yet.",
                "Noch keine.",
                "Nog geen.",
                "Jeszcze brak.",
                "Ancora nessuno."
            ])
        );
    }
    let mut body = String::new();
    for (key, at) in unfinished {
        body.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>—</td><td>{}</td></tr>",
            esc(key),
            esc(at),
            l.pick([
                "running, or interrupted (a retry with the same key resumes it)",
                "läuft oder unterbrochen (ein erneuter Versuch mit demselben Schlüssel setzt ihn fort)",
                "bezig of onderbroken (een nieuwe poging met dezelfde sleutel hervat hem)",
                "w toku lub przerwana (ponowienie z tym samym kluczem ją wznowi)",
                "in corso o interrotto (un nuovo tentativo con la stessa chiave lo riprende)",
            ])
        ));
    }
    for r in rows {
        let detail: serde_json::Value = r
            .detail
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or_default();
        let num = |k: &str| {
            detail
                .get(k)
                .and_then(serde_json::Value::as_i64)
                .unwrap_or(0)
        };
        let (total, issued) = (num("rows"), num("issued"));
        let state = if issued == total {
            l.pick([
                "all issued",
                "alle ausgestellt",
                "alles uitgegeven",
                "wszystkie wydane",
                "tutte rilasciate",
            ])
        } else {
            l.pick([
                "some rows rejected",
                "einige Zeilen abgelehnt",
                "sommige rijen geweigerd",
                "część wierszy odrzucona",
                "alcune righe respinte",
            ])
        };
        body.push_str(&format!(
            "<tr><th scope=\"row\"><a href=\"/console/audit?target={}\">{}</a></th><td>{}</td><td>{issued} / {total}</td><td>{state}</td></tr>",
            seg(&r.target),
            esc(&r.target),
            esc(&r.at),
        ));
    }
    format!(
        "<h2>{heading}</h2>{}",
        table(
            l,
            l.pick([
                "Batches sent to POST /awards/batch, newest first",
                "An POST /awards/batch gesendete Stapel, neueste zuerst",
                "Batches verzonden naar POST /awards/batch, nieuwste eerst",
                "Partie wysłane do POST /awards/batch, od najnowszych",
                "Lotti inviati a POST /awards/batch, dal più recente"
            ]),
            &[
                [
                    "Idempotency key",
                    "Idempotenzschlüssel",
                    "Idempotentiesleutel",
                    "Klucz idempotencji",
                    "Chiave di idempotenza"
                ],
                ["When", "Wann", "Wanneer", "Kiedy", "Quando"],
                [
                    "Issued / rows",
                    "Ausgestellt / Zeilen",
                    "Uitgegeven / rijen",
                    "Wydane / wiersze",
                    "Rilasciate / righe"
                ],
                ["State", "Zustand", "Staat", "Stan", "Stato"]
            ],
            &body
        )
    )
}

fn cohort_state(l: Lang, s: CohortState) -> &'static str {
    match s {
        CohortState::Draft => l.pick(["Draft", "Entwurf", "Concept", "Szkic", "Bozza"]),
        CohortState::Issuing => l.pick([
            "Issuing",
            "Wird ausgestellt",
            "Wordt uitgegeven",
            "W trakcie wydawania",
            "In rilascio",
        ]),
        CohortState::Done => l.pick(["Done", "Fertig", "Klaar", "Zakończono", "Completato"]),
    }
}

fn cohorts_table(l: Lang, rows: &[CohortSummary]) -> String {
    let heading = l.pick([
        "Recent cohorts",
        "Letzte Kohorten",
        "Recente cohorten",
        "Ostatnie grupy",
        "Coorti recenti",
    ]);
    if rows.is_empty() {
        return format!(
            "<h2>{heading}</h2><p><a href=\"/console/cohorts/new\">{}</a></p>",
            l.pick([
                "Issue to a cohort",
                "An Kohorte ausstellen",
                "Uitgeven aan cohort",
                "Wydaj dla grupy",
                "Rilascia a una coorte"
            ])
        );
    }
    let mut body = String::new();
    for c in rows {
        body.push_str(&format!(
            "<tr><th scope=\"row\"><a href=\"/console/cohorts/{}\">{}</a></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            seg(&c.id),
            esc(&c.id),
            esc(c.specification.as_deref().unwrap_or("")),
            c.total,
            cohort_state(l, c.state),
            esc(&c.created_at),
        ));
    }
    format!(
        "<h2>{heading}</h2>{}",
        table(
            l,
            l.pick([
                "Cohorts uploaded in the console, newest first",
                "In der Konsole hochgeladene Kohorten, neueste zuerst",
                "In de console geüploade cohorten, nieuwste eerst",
                "Grupy przesłane w konsoli, od najnowszych",
                "Coorti caricate nella console, dalla più recente"
            ]),
            &[
                ["Cohort", "Kohorte", "Cohort", "Grupa", "Coorte"],
                [
                    "Specification",
                    "Spezifikation",
                    "Specificatie",
                    "Specyfikacja",
                    "Specifica"
                ],
                ["Rows", "Zeilen", "Rijen", "Wiersze", "Righe"],
                ["State", "Zustand", "Staat", "Stan", "Stato"],
                ["Created", "Erstellt", "Aangemaakt", "Utworzono", "Creata"]
            ],
            &body
        )
    )
}
