//! The HTML of the wallet-request pages (issue #17 point 3): the employer's "Ask for it from the
//! candidate's wallet" form, the recognition office's stackability form, the page with the QR
//! code and the same-device link (OpenID4VP 1.0 §5: the `openid4vp://` authorization request by
//! reference, `request_uri`), waiting, and the verdict. Same style, structure and accessibility
//! rules as [`super::super::pages`] (WCAG 2.1 AA basics); everything from a credential, a
//! report or a form is HTML-escaped.

use elm_model::learning_credential::CLAIMS;
use render::html::escape;

use super::super::outcome;
use super::super::pages::{checks_section, disclosed_claims, head, FOOT};
use crate::oid4vp::dcql::CredentialForm;
use crate::oid4vp::store::{PresentationResult, ResponseProblem};
use crate::report::Verdict;

/// Extra styles of these pages (colours from [`super::super::pages::COLOUR_PAIRS`]).
const CSS: &str = r#"
fieldset{border:1px solid #c8c8c8;border-radius:.25rem;margin:0 0 1.2rem;padding:.6rem .9rem}
legend{font-weight:bold;padding:0 .3rem}
label.choice{display:flex;gap:.5rem;align-items:flex-start;font-weight:normal;margin:.35rem 0;min-height:24px}
label.choice input{width:1.2rem;height:1.2rem;margin:.15rem 0 0;flex:none}
.qr{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
.qr svg{max-width:100%;height:auto;border:1px solid #c8c8c8}
a.button{display:inline-block;background:#1b365d;color:#fff;font-weight:bold;text-decoration:none;border-radius:.25rem;padding:.7rem 1.4rem;min-height:44px}
.waiting{font-weight:bold}
.problems li{color:#9b1117}
.units{border-collapse:collapse;width:100%}
.units th,.units td{border-top:1px solid #c8c8c8;padding:.4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
"#;

/// A university the employer may restrict the request to (a trust registry member).
pub struct UniversityChoice {
    /// Registry id (the form value).
    pub id: String,
    /// Its name.
    pub name: String,
}

/// Error paragraph of a form page.
fn error_paragraph(p: &mut String, error: Option<&str>) {
    if let Some(e) = error {
        p.push_str(&format!(
            "<p class=\"error\" role=\"alert\" id=\"form-error\">{}</p>\n",
            escape(e)
        ));
    }
}

fn form_name(f: CredentialForm) -> &'static str {
    match f {
        CredentialForm::SdJwtVc => {
            "Learning credential as SD-JWT VC (the candidate discloses only the claims below)"
        }
        CredentialForm::LdpVc => "European Digital Credential with a Data Integrity proof",
        CredentialForm::JwtVcJson => "European Digital Credential as a VC-JWT",
    }
}

fn checkbox(p: &mut String, name: &str, value: &str, id: &str, checked: bool, label: &str) {
    p.push_str(&format!(
        "<label class=\"choice\" for=\"{id}\"><input type=\"checkbox\" id=\"{id}\" name=\"{name}\" value=\"{v}\"{c}><span>{l}</span></label>\n",
        v = escape(value),
        c = if checked { " checked" } else { "" },
        l = escape(label),
    ));
}

/// The credential forms fieldset (all checked).
fn forms_fieldset(p: &mut String) {
    p.push_str("<fieldset><legend>Credential forms the wallet may present</legend>\n");
    for (i, f) in CredentialForm::ALL.iter().enumerate() {
        checkbox(
            p,
            "form",
            f.format(),
            &format!("form-{i}"),
            true,
            form_name(*f),
        );
    }
    p.push_str("</fieldset>\n");
}

/// The response mode choice (HAIP: encrypted response).
fn haip_fieldset(p: &mut String) {
    p.push_str("<fieldset><legend>Response</legend>\n");
    checkbox(
        p,
        "haip",
        "1",
        "haip",
        false,
        "Encrypted response (direct_post.jwt, as the EUDI wallet profile HAIP asks)",
    );
    p.push_str("</fieldset>\n");
}

/// The employer's form (`GET /ask-wallet`): credential forms, claims to disclose, universities.
pub fn ask_page(universities: &[UniversityChoice], error: Option<&str>) -> String {
    let mut p = head("Ask for it from the candidate's wallet", CSS);
    p.push_str("<section class=\"sheet\" aria-labelledby=\"ask-heading\">\n<h1 id=\"ask-heading\">Ask for it from the candidate's wallet</h1>\n<p>Choose what to ask for. The next page shows a QR code for the candidate to scan with their EU wallet; the wallet asks them what to share, and this service checks what it sends with the same checks as a QR code or an uploaded file.</p>\n");
    error_paragraph(&mut p, error);
    p.push_str("<form method=\"post\" action=\"ask-wallet\">\n");
    forms_fieldset(&mut p);
    p.push_str("<fieldset><legend>Claims to disclose (SD-JWT VC)</legend>\n<p class=\"hint\">Ask only for what you need. The other forms cannot disclose selectively: they show the whole credential.</p>\n");
    for (i, c) in CLAIMS.iter().enumerate() {
        let label = format!(
            "{} ({})",
            c.labels.first().copied().unwrap_or(c.name),
            c.name
        );
        checkbox(
            &mut p,
            "claim",
            c.name,
            &format!("claim-{i}"),
            c.mandatory,
            &label,
        );
    }
    p.push_str("</fieldset>\n");
    if !universities.is_empty() {
        p.push_str("<fieldset><legend>Only from these universities (optional)</legend>\n<p class=\"hint\">None chosen: from any university.</p>\n");
        for (i, u) in universities.iter().enumerate() {
            checkbox(
                &mut p,
                "university",
                &u.id,
                &format!("university-{i}"),
                false,
                &u.name,
            );
        }
        p.push_str("</fieldset>\n");
    }
    haip_fieldset(&mut p);
    p.push_str("<button type=\"submit\">Show the QR code</button>\n</form>\n</section>\n");
    p.push_str(FOOT);
    p
}

/// The recognition office's form (`GET /stack-from-wallet`): the programme specification (or
/// programme credential) whose unit credentials are asked for in one request.
pub fn stack_ask_page(error: Option<&str>, programme: &str) -> String {
    let mut p = head("Stackability: ask the learner's wallet", CSS);
    p.push_str("<section class=\"sheet\" aria-labelledby=\"stack-heading\">\n<h1 id=\"stack-heading\">Stackability: ask the learner's wallet</h1>\n<p>Paste the programme specification (or the programme credential). The learner's wallet is asked, in one request, for the credential of every unit of the programme; this service verifies each and checks whether they add up to the programme.</p>\n");
    error_paragraph(&mut p, error);
    p.push_str("<form method=\"post\" action=\"stack-from-wallet\">\n<div class=\"field\"><label for=\"programme\">Programme</label><p class=\"hint\" id=\"programme-hint\">The JSON of the programme specification, as <code>verifier stack</code> and <code>POST /stack</code> take it.</p>\n");
    p.push_str(&format!(
        "<textarea id=\"programme\" name=\"programme\" rows=\"10\" spellcheck=\"false\" required aria-describedby=\"programme-hint\">{}</textarea></div>\n",
        escape(programme)
    ));
    forms_fieldset(&mut p);
    haip_fieldset(&mut p);
    p.push_str("<button type=\"submit\">Show the QR code</button>\n</form>\n</section>\n");
    p.push_str(FOOT);
    p
}

/// What the waiting page shows.
pub struct Waiting<'a> {
    /// The QR code of `deep_link` (inline SVG).
    pub qr_svg: &'a str,
    /// The same-device link (`openid4vp://?client_id=…&request_uri=…`).
    pub deep_link: &'a str,
    /// Expiry, UTC, as shown.
    pub expires: &'a str,
    /// The page's own relative URL (the no-JavaScript "check again" link).
    pub self_url: &'a str,
    /// The relative URL of the state JSON the script polls.
    pub state_url: &'a str,
    /// What is asked for, in words.
    pub asked: &'a str,
}

/// The page with the QR code, the same-device link and the waiting notice. Without JavaScript
/// it reloads itself every 5 seconds (`<noscript>` refresh; a "check now" link too); with
/// JavaScript the external `wallet-request.js` polls the state and reloads once it changed.
pub fn waiting_page(w: &Waiting<'_>) -> String {
    let mut p = head("Waiting for the wallet", CSS);
    let extra = "<noscript><meta http-equiv=\"refresh\" content=\"5\"></noscript>\n<script src=\"wallet-request.js\" defer></script>\n</head>";
    p = p.replacen("</head>", extra, 1);
    p.push_str(&format!(
        "<section class=\"sheet\" aria-labelledby=\"wait-heading\">\n<h1 id=\"wait-heading\">Scan with the wallet</h1>\n<p>Asking for: {asked}.</p>\n<p>Show this QR code to the candidate: they scan it with their EU wallet and choose what to share. On the device with the wallet, open the link instead. The request expires at {exp} (UTC).</p>\n<div class=\"qr\">{qr}<div>\n<p><a class=\"button\" id=\"wallet-link\" href=\"{link}\">Open in the wallet on this device</a></p>\n</div></div>\n<p class=\"waiting\" id=\"waiting\" role=\"status\" data-state-url=\"{state}\">Waiting for the wallet's answer… This page shows the result as soon as it arrives.</p>\n<p><a id=\"check-now\" href=\"{me}\">Check for the answer now</a></p>\n</section>\n",
        asked = escape(w.asked),
        exp = escape(w.expires),
        qr = w.qr_svg,
        link = escape(w.deep_link),
        state = escape(w.state_url),
        me = escape(w.self_url),
    ));
    p.push_str(FOOT);
    p
}

/// The headline of a whole response: (verdict class, heading, summary).
fn overall(result: &PresentationResult) -> (&'static str, &'static str, String) {
    let n = result.credentials.len();
    match result.verdict {
        Verdict::Valid => (
            "valid",
            "Genuine",
            format!("The wallet presented {n} credential(s); every check passed."),
        ),
        Verdict::Invalid => (
            "invalid",
            "Not genuine",
            "Do not rely on what the wallet presented: a check failed (see below).".to_owned(),
        ),
        Verdict::Indeterminate => (
            "indeterminate",
            "Could not check",
            "Do not treat what the wallet presented as valid until it can be checked.".to_owned(),
        ),
    }
}

fn problems_list(p: &mut String, problems: &[ResponseProblem]) {
    if problems.is_empty() {
        return;
    }
    p.push_str("<ul class=\"problems\" id=\"problems\">\n");
    for pr in problems {
        p.push_str(&format!(
            "<li data-code=\"{}\">{}</li>\n",
            escape(&pr.code),
            escape(&pr.message)
        ));
    }
    p.push_str("</ul>\n");
}

/// The verdict page: the overall verdict, the response's problems, then each presented
/// credential with its headline, every check (the QR verification's wording) and the claims its
/// holder disclosed; for a stackability request, the stack report first.
pub fn result_page(result: &PresentationResult) -> String {
    let (class, text, summary) = overall(result);
    let mut p = head(text, CSS);
    p.push_str(&format!(
        "<section class=\"sheet result result-{class}\" id=\"result\" aria-labelledby=\"verdict\">\n<h1 id=\"verdict\" data-verdict=\"{v}\">{text}</h1>\n<p class=\"summary\">{s}</p>\n",
        v = verdict_word(result.verdict),
        s = escape(&summary),
    ));
    problems_list(&mut p, &result.problems);
    p.push_str(&format!(
        "<p class=\"source\">Presented from a wallet (OpenID4VP); checked on {} UTC.</p>\n</section>\n",
        escape(&result.completed_at.format("%-d %B %Y, %H:%M").to_string())
    ));
    if let Some(stack) = &result.stack {
        stack_section(&mut p, stack);
    }
    for (i, c) in result.credentials.iter().enumerate() {
        let h = outcome::headline(&c.report);
        p.push_str(&format!(
            "<section class=\"sheet\" id=\"credential-{i}\" data-verdict=\"{v}\" data-reason=\"{reason}\" aria-labelledby=\"credential-{i}-heading\">\n<h2 class=\"section\" id=\"credential-{i}-heading\">Credential {n}: {title}</h2>\n<p><strong>{format}</strong> (query <code>{q}</code>)</p>\n<p class=\"summary\">{summary}</p>\n",
            n = i + 1,
            v = verdict_word(c.report.verdict),
            reason = h.reason.name(),
            title = escape(h.text),
            format = escape(&c.format),
            q = escape(&c.query_id),
            summary = escape(&h.summary),
        ));
        if let Some(who) = outcome::signed_by(&c.report) {
            p.push_str(&format!(
                "<p class=\"source\">Intact: {}.</p>\n",
                escape(&who)
            ));
        }
        p.push_str("</section>\n");
        if let Some(claims) = &c.report.disclosed {
            disclosed_claims(&mut p, claims, &format!("disclosed-{i}"));
        }
        checks_section(&mut p, &c.report, &format!("checks-{i}-heading"));
    }
    p.push_str("<p class=\"sheet\"><a href=\"ask-wallet\">Ask another wallet</a></p>\n");
    p.push_str(FOOT);
    p
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Valid => "valid",
        Verdict::Invalid => "invalid",
        Verdict::Indeterminate => "indeterminate",
    }
}

/// The string at JSON pointer `at` of `v` (empty when absent or not a string).
fn text_at(v: &serde_json::Value, at: &str) -> String {
    v.pointer(at)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The strings of the array at JSON pointer `at` of `v`.
fn texts_at(v: &serde_json::Value, at: &str) -> Vec<String> {
    v.pointer(at)
        .and_then(serde_json::Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The stack report (`crate::stack::StackReport` as JSON): verdict, notice, each unit.
fn stack_section(p: &mut String, stack: &serde_json::Value) {
    let verdict = text_at(stack, "/verdict");
    let heading = match verdict.as_str() {
        "stacks" => "The units stack into the programme",
        "does-not-stack" => "The units do not stack into the programme",
        _ => "Stackability could not be decided",
    };
    p.push_str(&format!(
        "<section class=\"sheet\" id=\"stack\" data-stack-verdict=\"{v}\" aria-labelledby=\"stack-heading\">\n<h2 class=\"section\" id=\"stack-heading\">{heading}</h2>\n<p>Programme: {t}</p>\n<p>{notice}</p>\n",
        v = escape(&verdict),
        t = escape(&text_at(stack, "/programme/title")),
        notice = escape(&text_at(stack, "/notice")),
    ));
    let units = stack
        .pointer("/units")
        .and_then(serde_json::Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if !units.is_empty() {
        p.push_str("<table class=\"units\"><caption>Units</caption><thead><tr><th scope=\"col\">Unit</th><th scope=\"col\">University</th><th scope=\"col\">Status</th><th scope=\"col\">Problems</th></tr></thead><tbody>\n");
        for u in units {
            p.push_str(&format!(
                "<tr data-status=\"{st}\"><td>{t}</td><td>{uni}</td><td>{st}</td><td>{pr}</td></tr>\n",
                t = escape(&text_at(u, "/title")),
                uni = escape(&text_at(u, "/university")),
                st = escape(&text_at(u, "/status")),
                pr = escape(&texts_at(u, "/problems").join("; ")),
            ));
        }
        p.push_str("</tbody></table>\n");
    }
    for (at, label) in [
        ("/missingObligatory", "Missing obligatory units"),
        ("/problems", "Problems"),
    ] {
        let items = texts_at(stack, at);
        if !items.is_empty() {
            p.push_str(&format!("<p>{label}: {}</p>\n", escape(&items.join("; "))));
        }
    }
    p.push_str("</section>\n");
}

/// The credential forms and claims asked for, in words (the waiting page).
pub fn asked_words(forms: &[CredentialForm], claims: &[String]) -> String {
    let f: Vec<&str> = forms.iter().map(|f| f.format()).collect();
    if claims.is_empty() || !forms.contains(&CredentialForm::SdJwtVc) {
        format!("a credential as {}", f.join(", "))
    } else {
        format!(
            "a credential as {}; SD-JWT VC claims: {}",
            f.join(", "),
            claims.join(", ")
        )
    }
}
