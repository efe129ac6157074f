//! The console's page shell: `<html lang>`, a skip link, the navigation (by role), the language
//! menu, the sign-out form, and one style sheet (no external resources; CSP-friendly).
//!
//! WCAG 2.1 AA: 1.3.1 (landmarks `header`/`nav`/`main`, headings in order), 1.4.3 (text contrast
//! ≥ 4.5:1), 1.4.10 (reflow at 320 px: one column below 40rem, tables scroll in their own box),
//! 2.1.1 (everything is a link, button or form field), 2.4.1 (skip link), 2.4.7 (visible focus),
//! 3.1.1 (`lang`).

use super::session::StaffSession;
use super::Lang;

/// HTML-escapes text for element content and quoted attribute values (the render crate's
/// escaping, which also drops control characters other than tab and newline).
pub fn esc(s: &str) -> String {
    render::html::escape(s)
}

/// The style sheet of every console page.
pub const CSS: &str = "*{box-sizing:border-box}body{font-family:system-ui,sans-serif;color:#1a1a1a;background:#f5f6f8;margin:0;line-height:1.5}\
a{color:#0a4fa8}a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus{outline:3px solid #b35900;outline-offset:2px}\
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:9}\
header{background:#17324d;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center}\
header a{color:#fff}header nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}\
header form{display:inline;margin:0}label.inline{display:inline;margin:0}header .who{margin-left:auto}\
main{max-width:72rem;margin:0 auto;padding:1rem}\
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #c4c8cf;padding:.35rem .5rem;text-align:left;vertical-align:top}\
.scroll{overflow-x:auto;max-width:100%}\
label{display:block;font-weight:600;margin-top:.75rem}input,select,textarea{font:inherit;padding:.35rem;border:1px solid #6b7280;border-radius:3px;max-width:100%}\
button,.button{font:inherit;background:#0a4fa8;color:#fff;border:0;border-radius:3px;padding:.45rem .9rem;cursor:pointer;text-decoration:none;display:inline-block}\
button.danger{background:#a3191f}.error{color:#a3191f;font-weight:600}.ok{color:#1d6b2f;font-weight:600}\
.card{background:#fff;border:1px solid #c4c8cf;border-radius:4px;padding:1rem;margin:1rem 0}\
.counts{display:flex;flex-wrap:wrap;gap:1rem}.counts .card{flex:1 1 10rem;margin:0}\
progress{width:100%;height:1.5rem}\
.hint{color:#4a4f57;margin:.25rem 0}ul.langs{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}form.inline{display:inline;margin:0}code{overflow-wrap:anywhere}\
ul.pager{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem}dl.card dt{font-weight:600}dl.card dd{margin:0 0 .5rem;overflow-wrap:anywhere}.count{font-size:1.25rem;margin:0}fieldset{border:1px solid #c4c8cf;margin-top:.75rem}caption{text-align:left;font-weight:600;padding:.25rem 0}\
@media (max-width:40rem){header{display:block}header .who{margin:0}main{padding:.5rem}}";

/// A page without navigation (sign-in, errors).
pub fn bare_page(lang: Lang, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} · ENHANCE credentials</title><style>{CSS}</style></head>\
<body><a class=\"skip\" href=\"#main\">{skip}</a><main id=\"main\">{body}</main></body></html>",
        lang = lang.tag(),
        title = esc(title),
        skip = lang.pick([
            "Skip to content",
            "Zum Inhalt",
            "Naar de inhoud",
            "Przejdź do treści",
            "Vai al contenuto"
        ]),
    )
}

/// A console page of a signed-in staff member: header with navigation, the user, the language
/// menu and sign-out; `body` inside `<main>` (it starts with its own `<h1>`).
pub fn page(s: &StaffSession, title: &str, body: &str) -> String {
    let l = s.lang;
    let nav: [(&str, [&str; 5]); 6] = [
        (
            "/console",
            ["Dashboard", "Übersicht", "Overzicht", "Pulpit", "Riepilogo"],
        ),
        (
            "/console/specifications",
            [
                "Specifications",
                "Spezifikationen",
                "Specificaties",
                "Specyfikacje",
                "Specifiche",
            ],
        ),
        (
            "/console/cohorts/new",
            [
                "Issue to a cohort",
                "An Kohorte ausstellen",
                "Uitgeven aan cohort",
                "Wydaj dla grupy",
                "Rilascia a una coorte",
            ],
        ),
        (
            "/console/credentials",
            [
                "Credentials",
                "Nachweise",
                "Credentials",
                "Poświadczenia",
                "Credenziali",
            ],
        ),
        (
            "/console/audit",
            [
                "Audit log",
                "Prüfprotokoll",
                "Auditlog",
                "Dziennik audytu",
                "Registro di audit",
            ],
        ),
        (
            "/console/tokens",
            [
                "API tokens",
                "API-Tokens",
                "API-tokens",
                "Tokeny API",
                "Token API",
            ],
        ),
    ];
    let mut items = String::new();
    for (href, label) in nav {
        if href == "/console/tokens" && !s.is_admin() {
            continue;
        }
        items.push_str(&format!(
            "<li><a href=\"{href}?lang={}\">{}</a></li>",
            l.tag(),
            l.pick(label)
        ));
    }
    let mut langs = String::new();
    for other in Lang::ALL {
        let selected = if other == l { " selected" } else { "" };
        langs.push_str(&format!(
            "<option value=\"{}\"{selected}>{}</option>",
            other.tag(),
            other.name()
        ));
    }
    format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} · ENHANCE credentials</title><style>{CSS}</style></head><body>\
<a class=\"skip\" href=\"#main\">{skip}</a>\
<header><strong>ENHANCE · {university}</strong>\
<nav aria-label=\"{navlabel}\"><ul>{items}</ul></nav>\
<form method=\"get\" action=\"\"><label for=\"lang-menu\" class=\"inline\">{langlabel}</label> \
<select id=\"lang-menu\" name=\"lang\">{langs}</select> <button type=\"submit\">OK</button></form>\
<span class=\"who\">{who}</span>\
<form method=\"post\" action=\"/console/sign-out\"><input type=\"hidden\" name=\"_csrf\" value=\"{csrf}\">\
<button type=\"submit\">{signout}</button></form></header>\
<main id=\"main\">{body}</main></body></html>",
        lang = l.tag(),
        title = esc(title),
        skip = l.pick(["Skip to content", "Zum Inhalt", "Naar de inhoud", "Przejdź do treści", "Vai al contenuto"]),
        university = esc(&s.principal.university),
        navlabel = l.pick(["Console", "Konsole", "Console", "Konsola", "Console"]),
        langlabel = l.pick(["Language", "Sprache", "Taal", "Język", "Lingua"]),
        who = esc(&s.display_name),
        csrf = esc(&s.csrf_token),
        signout = l.pick(["Sign out", "Abmelden", "Afmelden", "Wyloguj", "Esci"]),
    )
}

/// The opening tag of a table's own scrolling box (reflow at 320 px, WCAG 1.4.10): focusable
/// and named, so keyboard users can scroll it (WCAG 2.1.1; axe `scrollable-region-focusable`).
pub fn scroll_box(l: Lang) -> String {
    format!(
        "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">",
        l.pick([
            "Table (scrolls sideways)",
            "Tabelle (seitlich scrollbar)",
            "Tabel (zijwaarts scrollen)",
            "Tabela (przewijana w poziomie)",
            "Tabella (scorre lateralmente)"
        ])
    )
}
