//! Console: OpenID Connect single sign-on (issue #18 item 1; OpenID Connect Core 1.0 §3.1, the
//! authorization code flow with PKCE, RFC 7636). `GET /console/sso/{university}` sends the browser
//! to the university's identity provider with a short-lived signed state cookie;
//! `GET /console/sso/{university}/callback` checks it, lets [`crate::app::App::sso_finish`]
//! exchange the code and verify the ID token, and starts a console session. Failures are pages in
//! the staff member's language that say what to do; never a secret, never problem JSON.
//!
//! [`sso_links`] gives the sign-in page its "Sign in with … SSO" links.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::layout::{bare_page, esc};
use super::{html, see_other, session, Lang};
use crate::app::sso::{SsoCallback, SsoError};
use crate::http::AppState;

/// The routes of this part of the console.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sso_start))
        .routes(routes!(sso_callback))
}

/// "Sign in with <university> SSO" links, one per university with single sign-on (empty when
/// none is configured), for the sign-in page.
pub fn sso_links(state: &AppState, lang: Lang) -> String {
    let mut items = String::new();
    for id in state.app.sso().universities() {
        let name = state
            .app
            .universities()
            .get(id)
            .and_then(|u| u.legal_name.best(lang.tag()).map(str::to_owned))
            .unwrap_or_else(|| id.to_owned());
        let label = lang
            .pick([
                "Sign in with {} SSO",
                "Mit {} SSO anmelden",
                "Inloggen met {} SSO",
                "Zaloguj się przez SSO {}",
                "Accedi con SSO {}",
            ])
            .replace("{}", &esc(&name));
        let href = format!(
            "/console/sso/{}?lang={}",
            percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC),
            lang.tag()
        );
        items.push_str(&format!("<li><a href=\"{href}\">{label}</a></li>"));
    }
    if items.is_empty() {
        return String::new();
    }
    format!(
        "<section aria-labelledby=\"sso-heading\"><h2 id=\"sso-heading\">{}</h2><ul>{items}</ul></section>",
        lang.pick([
            "Single sign-on",
            "Einmalanmeldung (SSO)",
            "Eenmalige aanmelding (SSO)",
            "Logowanie jednokrotne (SSO)",
            "Accesso unico (SSO)",
        ])
    )
}

/// Query of the start URL.
#[derive(Debug, Deserialize, Default)]
struct StartQuery {
    /// The console path to come back to.
    next: Option<String>,
    /// Interface language.
    lang: Option<String>,
}

/// The state cookie's name: `__Secure-` prefixed on https (RFC 6265bis §4.1.3.1).
fn cookie_name(state: &AppState) -> &'static str {
    if secure(state) {
        "__Secure-enhance-sso"
    } else {
        "enhance-sso"
    }
}

fn secure(state: &AppState) -> bool {
    state.app.base_url().starts_with("https://")
}

/// `Set-Cookie` of the state cookie (`value` for `max_age` seconds; empty and 0 to delete it).
/// `SameSite=Lax`: the provider's redirect back is a top-level GET, which carries it.
fn set_cookie(state: &AppState, value: &str, max_age: u64) -> Option<HeaderValue> {
    let secure = if secure(state) { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}={value}; Path=/console/sso/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}",
        cookie_name(state)
    ))
    .ok()
}

/// Starts single sign-on at the university's identity provider.
#[utoipa::path(get, path = "/console/sso/{university}", tag = "console",
    params(
        ("university" = String, Path, description = "The university (`eth`, `tudelft`, ...)"),
        ("next" = Option<String>, Query, description = "Console path to return to after signing in"),
        ("lang" = Option<String>, Query, description = "Interface language: en, de, nl, pl, it")),
    responses(
        (status = 303, description = "To the identity provider's authorization endpoint (PKCE S256, state, nonce), with the short-lived signed state cookie"),
        (status = 404, description = "HTML page: the university has no single sign-on", content_type = "text/html", body = String),
        (status = 502, description = "HTML page: the identity provider cannot be reached or answers wrongly", content_type = "text/html", body = String)))]
async fn sso_start(
    State(state): State<AppState>,
    Path(university): Path<String>,
    Query(q): Query<StartQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::negotiate(q.lang.as_deref(), &headers);
    let next = session::safe_next(q.next.as_deref().unwrap_or("/console"));
    match state.app.sso_start(&university, next, lang.tag()).await {
        Ok(start) => {
            let mut res = see_other(&start.location);
            if let Some(c) = set_cookie(&state, &start.cookie, start.max_age) {
                res.headers_mut().append(header::SET_COOKIE, c);
            }
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(e) => error_page(&university, lang, &e),
    }
}

/// The identity provider's redirect back: state, code exchange, ID token, roles, session.
#[utoipa::path(get, path = "/console/sso/{university}/callback", tag = "console",
    params(
        ("university" = String, Path, description = "The university"),
        ("code" = Option<String>, Query, description = "Authorization code"),
        ("state" = Option<String>, Query, description = "The state sent with the authorization request"),
        ("error" = Option<String>, Query, description = "Error code of the provider (RFC 6749 §4.1.2.1)"),
        ("error_description" = Option<String>, Query, description = "Its description"),
        ("iss" = Option<String>, Query, description = "The provider's issuer (RFC 9207)")),
    responses(
        (status = 303, description = "Signed in: a new console session cookie, on to the console page the sign-in started from"),
        (status = 400, description = "HTML page: wrong, missing or expired state, or the ID token was refused (the failed rule is named)", content_type = "text/html", body = String),
        (status = 403, description = "HTML page: no claim value maps to a console role, or the account is disabled", content_type = "text/html", body = String),
        (status = 502, description = "HTML page: the identity provider cannot be reached or answers wrongly", content_type = "text/html", body = String)))]
async fn sso_callback(
    State(state): State<AppState>,
    Path(university): Path<String>,
    Query(callback): Query<SsoCallback>,
    headers: HeaderMap,
) -> Response {
    let cookie = session::read_cookie(&headers, cookie_name(&state));
    let result = state.app.sso_finish(&university, &callback, cookie).await;
    let mut res = match result {
        Ok(signed_in) => {
            let lang = Lang::parse(&signed_in.lang).unwrap_or_default();
            match session::start_session(
                &state,
                &signed_in.account_id,
                lang,
                &signed_in.next,
                &headers,
            )
            .await
            {
                Ok(res) => res,
                Err(e) => axum::response::IntoResponse::into_response(e),
            }
        }
        Err(e) => error_page(&university, Lang::negotiate(None, &headers), &e),
    };
    // The state cookie is single use: deleted whatever the outcome.
    if let Some(c) = set_cookie(&state, "", 0) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

/// The page of a failed single sign-on: what happened and what to do, in `lang`.
fn error_page(university: &str, lang: Lang, e: &SsoError) -> Response {
    let (status, title, advice) = match e {
        SsoError::NotConfigured(_) => (
            StatusCode::NOT_FOUND,
            ["Single sign-on is not available", "Einmalanmeldung nicht verfügbar", "Eenmalige aanmelding niet beschikbaar", "Logowanie jednokrotne niedostępne", "Accesso unico non disponibile"],
            ["This university has no single sign-on set up. Sign in with your console password.", "Für diese Hochschule ist keine Einmalanmeldung eingerichtet. Melden Sie sich mit Ihrem Konsolen-Passwort an.", "Voor deze universiteit is geen eenmalige aanmelding ingesteld. Meld u aan met uw consolewachtwoord.", "Ta uczelnia nie ma skonfigurowanego logowania jednokrotnego. Zaloguj się hasłem do konsoli.", "Per questa università non è configurato l'accesso unico. Accedi con la password della console."],
        ),
        SsoError::NoRole { .. } | SsoError::Disabled(_) => (
            StatusCode::FORBIDDEN,
            ["No access to the credentials console", "Kein Zugang zur Nachweis-Konsole", "Geen toegang tot de credentialconsole", "Brak dostępu do konsoli poświadczeń", "Nessun accesso alla console delle credenziali"],
            ["Your university account was recognised, but none of its groups gives a role in the credentials console. Ask your administrator to add you to a group for credential officers.", "Ihr Hochschulkonto wurde erkannt, aber keine seiner Gruppen gibt eine Rolle in der Nachweis-Konsole. Bitten Sie Ihre Administration, Sie einer Gruppe für Nachweis-Beauftragte hinzuzufügen.", "Uw universiteitsaccount is herkend, maar geen van de groepen geeft een rol in de credentialconsole. Vraag uw beheerder u toe te voegen aan een groep voor credentialbeheerders.", "Konto uczelniane zostało rozpoznane, ale żadna z jego grup nie daje roli w konsoli poświadczeń. Poproś administratora o dodanie do grupy osób wydających poświadczenia.", "Il tuo account universitario è stato riconosciuto, ma nessuno dei suoi gruppi dà un ruolo nella console delle credenziali. Chiedi all'amministratore di aggiungerti a un gruppo per i responsabili delle credenziali."],
        ),
        SsoError::State(_) => (
            StatusCode::BAD_REQUEST,
            ["Sign-in expired", "Anmeldung abgelaufen", "Aanmelding verlopen", "Logowanie wygasło", "Accesso scaduto"],
            ["This sign-in was not started in this browser, was already used, or took too long. Start it again.", "Diese Anmeldung wurde nicht in diesem Browser begonnen, schon verwendet oder dauerte zu lange. Beginnen Sie erneut.", "Deze aanmelding is niet in deze browser gestart, al gebruikt of duurde te lang. Begin opnieuw.", "To logowanie nie zostało rozpoczęte w tej przeglądarce, zostało już użyte lub trwało zbyt długo. Zacznij od nowa.", "Questo accesso non è stato avviato in questo browser, è già stato usato o è durato troppo. Ricomincia."],
        ),
        SsoError::Refused(_) | SsoError::IdToken(_) => (
            StatusCode::BAD_REQUEST,
            ["Sign-in refused", "Anmeldung abgelehnt", "Aanmelding geweigerd", "Logowanie odrzucone", "Accesso rifiutato"],
            ["The identity provider did not sign you in, or its answer failed our checks. Try again; if it keeps failing, tell your administrator.", "Der Identitätsanbieter hat Sie nicht angemeldet, oder seine Antwort hat unsere Prüfung nicht bestanden. Versuchen Sie es erneut; wenn es weiter scheitert, informieren Sie Ihre Administration.", "De identiteitsprovider heeft u niet aangemeld, of zijn antwoord doorstond onze controles niet. Probeer het opnieuw; lukt het blijvend niet, meld het dan aan uw beheerder.", "Dostawca tożsamości nie zalogował Cię albo jego odpowiedź nie przeszła naszych kontroli. Spróbuj ponownie; jeśli problem się powtarza, powiadom administratora.", "Il fornitore di identità non ti ha autenticato, o la sua risposta non ha superato i nostri controlli. Riprova; se continua a fallire, avvisa l'amministratore."],
        ),
        SsoError::Account(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            ["Something went wrong", "Etwas ist schiefgegangen", "Er ging iets mis", "Coś poszło nie tak", "Qualcosa è andato storto"],
            ["Your sign-in was verified, but the console could not open your account. It was logged; please try again later.", "Ihre Anmeldung wurde geprüft, aber die Konsole konnte Ihr Konto nicht öffnen. Der Fehler wurde protokolliert; bitte versuchen Sie es später erneut.", "Uw aanmelding is gecontroleerd, maar de console kon uw account niet openen. Dit is gelogd; probeer het later opnieuw.", "Logowanie zostało sprawdzone, ale konsola nie mogła otworzyć Twojego konta. Błąd zapisano; spróbuj ponownie później.", "L'accesso è stato verificato, ma la console non ha potuto aprire il tuo account. L'errore è stato registrato; riprova più tardi."],
        ),
        SsoError::Provider(_) | SsoError::Secret { .. } => (
            StatusCode::BAD_GATEWAY,
            ["Identity provider unavailable", "Identitätsanbieter nicht erreichbar", "Identiteitsprovider niet bereikbaar", "Dostawca tożsamości niedostępny", "Fornitore di identità non disponibile"],
            ["Your university's identity provider could not be reached or answered wrongly. Try again later, or sign in with your console password.", "Der Identitätsanbieter Ihrer Hochschule war nicht erreichbar oder antwortete fehlerhaft. Versuchen Sie es später erneut oder melden Sie sich mit Ihrem Konsolen-Passwort an.", "De identiteitsprovider van uw universiteit was niet bereikbaar of antwoordde fout. Probeer het later opnieuw, of meld u aan met uw consolewachtwoord.", "Dostawca tożsamości uczelni był nieosiągalny lub odpowiedział błędnie. Spróbuj później albo zaloguj się hasłem do konsoli.", "Il fornitore di identità della tua università non era raggiungibile o ha risposto in modo errato. Riprova più tardi, o accedi con la password della console."],
        ),
    };
    // The reason names the failed rule (never a secret or personal data); logged by id only.
    tracing::warn!(%university, reason = %e, "console single sign-on failed");
    let title = lang.pick(title);
    let detail = match e {
        SsoError::State(_)
        | SsoError::Refused(_)
        | SsoError::IdToken(_)
        | SsoError::NoRole { .. }
        | SsoError::Disabled(_) => {
            format!(
                "<p>{}: {}</p>",
                lang.pick(["Reason", "Grund", "Reden", "Powód", "Motivo"]),
                esc(&e.to_string())
            )
        }
        _ => String::new(),
    };
    let again = format!(
        "/console/sso/{}?lang={}",
        percent_encoding::utf8_percent_encode(university, percent_encoding::NON_ALPHANUMERIC),
        lang.tag()
    );
    let body = format!(
        "<h1>{}</h1><p>{}</p>{detail}<ul><li><a href=\"{}\">{}</a></li><li><a href=\"/console/sign-in?lang={}\">{}</a></li></ul>",
        esc(title),
        esc(lang.pick(advice)),
        esc(&again),
        lang.pick(["Start single sign-on again", "Einmalanmeldung neu starten", "Eenmalige aanmelding opnieuw starten", "Zacznij logowanie jednokrotne od nowa", "Riavvia l'accesso unico"]),
        lang.tag(),
        lang.pick(["Sign in with a password", "Mit Passwort anmelden", "Aanmelden met wachtwoord", "Zaloguj się hasłem", "Accedi con password"]),
    );
    let mut res = html(bare_page(lang, title, &body));
    *res.status_mut() = status;
    res
}
