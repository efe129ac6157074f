//! The learner notification e-mail (issue #18 item 3): the checks of the award request's
//! `notify` member (a sane subset of RFC 5322 §3.4.1 `addr-spec`, one of the five interface
//! languages), the message's text and HTML parts in the learner's language (English, German,
//! Dutch, Polish, Italian), the stable RFC 5322 §3.6.4 `Message-ID`, and the retry back-off of
//! the outbox worker. No I/O: the worker (`crate::notify`) renders the PDF and talks SMTP.
//!
//! The message says what the learner received (the credential's title) and from which university,
//! links the share page, its Europass steps (`#europass-title`) and its EU wallet section
//! (`#wallet-title`), and names the attached PDF. No tracking pixels, no remote images, no
//! per-recipient tracking links: the HTML part is plain markup with escaped text.

use std::time::Duration;

// HTML escaping of the certificate pages, for the message's HTML part.
use render::html::escape as esc;

use super::error::FieldError;

/// The message languages (the console's: `en`, `de`, `nl`, `pl`, `it`).
pub const LANGUAGES: [&str; 5] = ["en", "de", "nl", "pl", "it"];

/// Longest address accepted (RFC 5321 §4.5.3.1.3 path limit less the angle brackets).
const MAX_EMAIL: usize = 254;

/// Checks an e-mail address against a sane subset of RFC 5322 `addr-spec`: ASCII
/// `local@domain`, the local part (1 to 64 characters) of dot-separated atoms of letters, digits
/// and ``!#$%&'*+/=?^_`{|}~-``, the domain of at least two dot-separated labels (1 to 63 letters,
/// digits or hyphens, no hyphen at either end), the top-level label not all digits; at most 254
/// characters. No quoted local parts, comments or address literals. Rule `notify.email`.
pub fn check_email(path: &str, email: &str) -> Result<(), FieldError> {
    let bad = |why: &str| {
        Err(FieldError::new(
            path,
            "notify.email",
            format!("not an e-mail address `local@domain`: {why}"),
        ))
    };
    if email.is_empty() || email.len() > MAX_EMAIL {
        return bad("must be 1 to 254 characters");
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return bad("no `@`");
    };
    let atom_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    if local.is_empty()
        || local.len() > 64
        || local
            .split('.')
            .any(|a| a.is_empty() || !a.chars().all(atom_char))
    {
        return bad("the part before `@` must be 1 to 64 letters, digits or !#$%&'*+/=?^_`{|}~- in dot-separated words");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if labels.len() < 2 || !labels.iter().all(label_ok) {
        return bad("the domain must be dot-separated labels of letters, digits and hyphens");
    }
    if labels
        .last()
        .is_some_and(|t| t.chars().all(|c| c.is_ascii_digit()))
    {
        return bad("the top-level domain cannot be all digits");
    }
    Ok(())
}

/// Checks a message language (rule `notify.language`).
pub fn check_language(path: &str, language: &str) -> Result<(), FieldError> {
    if LANGUAGES.contains(&language) {
        Ok(())
    } else {
        Err(FieldError::new(
            path,
            "notify.language",
            "must be one of en, de, nl, pl, it",
        ))
    }
}

/// The message language of an award without `notify.language`: its display's primary language
/// when it is one of [`LANGUAGES`], else `en`.
pub fn default_language(primary: &str) -> &'static str {
    LANGUAGES
        .iter()
        .find(|l| **l == primary)
        .copied()
        .unwrap_or("en")
}

/// The stable `Message-ID` of outbox message `row_id`: `<row_id.notify@host>`, the host of the
/// service's public base URL (`localhost` when it has none). The same on every attempt, so a mail
/// system receiving a message twice (a crash right after the SMTP server accepted it, before it
/// was marked sent) can recognise the duplicate.
pub fn message_id(row_id: &str, base_url: &str) -> String {
    let host = url::Url::parse(base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-".contains(c))
        })
        .unwrap_or_else(|| "localhost".to_owned());
    format!("<{row_id}.notify@{host}>")
}

/// The delay before attempt `attempts + 1` after `attempts` failed ones: `base · 2^(attempts-1)`,
/// at most a day.
pub fn backoff(base: Duration, attempts: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(20));
    base.saturating_mul(factor).min(Duration::from_secs(86_400))
}

/// What the message is about.
#[derive(Debug, Clone)]
pub struct MessageFacts<'a> {
    /// The credential's title (in the message language when the credential has it).
    pub title: &'a str,
    /// The awarding university's name.
    pub university: &'a str,
    /// The learner's share link.
    pub share_url: &'a str,
}

/// A composed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    /// `Subject`.
    pub subject: String,
    /// The `text/plain` part.
    pub text: String,
    /// The `text/html` part (no remote resources).
    pub html: String,
    /// File name of the attached PDF.
    pub attachment_name: String,
}

/// The sentences of the message, in `[en, de, nl, pl, it]` order.
struct Phrases {
    subject: [&'static str; 5],
    received: [&'static str; 5],
    page: [&'static str; 5],
    europass: [&'static str; 5],
    wallet: [&'static str; 5],
    pdf: [&'static str; 5],
    privacy: [&'static str; 5],
    footer: [&'static str; 5],
    hello: [&'static str; 5],
    open: [&'static str; 5],
}

const PHRASES: Phrases = Phrases {
    subject: [
        "Your digital credential: {title}",
        "Ihr digitaler Nachweis: {title}",
        "Uw digitale credential: {title}",
        "Twoje cyfrowe poświadczenie: {title}",
        "La tua credenziale digitale: {title}",
    ],
    hello: ["Hello,", "Guten Tag,", "Beste,", "Dzień dobry,", "Buongiorno,"],
    received: [
        "You have received a digital credential from {university}: {title}.",
        "Sie haben von {university} einen digitalen Nachweis erhalten: {title}.",
        "U hebt van {university} een digitale credential ontvangen: {title}.",
        "Otrzymujesz cyfrowe poświadczenie wydane przez {university}: {title}.",
        "Hai ricevuto una credenziale digitale da {university}: {title}.",
    ],
    page: [
        "View it, check it and download it on your credential page:",
        "Auf Ihrer Nachweisseite können Sie ihn ansehen, prüfen und herunterladen:",
        "Bekijk, controleer en download de credential op uw credentialpagina:",
        "Możesz je obejrzeć, sprawdzić i pobrać na stronie swojego poświadczenia:",
        "Puoi vederla, verificarla e scaricarla sulla pagina della tua credenziale:",
    ],
    europass: [
        "To add it to your Europass profile, follow the steps on the page (download the credential file, then upload it to your Europass Library):",
        "Um ihn Ihrem Europass-Profil hinzuzufügen, folgen Sie den Schritten auf der Seite (Nachweisdatei herunterladen, dann in Ihre Europass-Bibliothek hochladen):",
        "Om de credential aan uw Europass-profiel toe te voegen, volgt u de stappen op de pagina (download het credentialbestand en upload het naar uw Europass-bibliotheek):",
        "Aby dodać je do profilu Europass, wykonaj kroki opisane na stronie (pobierz plik poświadczenia, a następnie prześlij go do swojej biblioteki Europass):",
        "Per aggiungerla al tuo profilo Europass, segui i passaggi sulla pagina (scarica il file della credenziale, poi caricalo nella tua libreria Europass):",
    ],
    wallet: [
        "To receive it in an EU Digital Identity Wallet, open the wallet section of the page:",
        "Um ihn in einer EU-Brieftasche für die digitale Identität (EUDI-Wallet) zu empfangen, öffnen Sie den Wallet-Abschnitt der Seite:",
        "Om de credential in een EU-wallet voor digitale identiteit te ontvangen, opent u het walletgedeelte van de pagina:",
        "Aby otrzymać je w europejskim portfelu tożsamości cyfrowej (EUDI), otwórz sekcję portfela na stronie:",
        "Per riceverla in un portafoglio europeo di identità digitale (EUDI), apri la sezione del portafoglio sulla pagina:",
    ],
    pdf: [
        "The certificate is attached to this message as a PDF.",
        "Das Zertifikat ist dieser Nachricht als PDF beigefügt.",
        "Het certificaat is als pdf bij dit bericht gevoegd.",
        "Certyfikat jest załączony do tej wiadomości jako plik PDF.",
        "Il certificato è allegato a questo messaggio in formato PDF.",
    ],
    privacy: [
        "Anyone who has the link can see your credential: share it only with people who should see it.",
        "Wer den Link hat, kann Ihren Nachweis sehen: Geben Sie ihn nur an Personen weiter, die ihn sehen sollen.",
        "Iedereen met de link kan uw credential zien: deel de link alleen met mensen die hem mogen zien.",
        "Każdy, kto ma ten link, może zobaczyć Twoje poświadczenie: udostępniaj go tylko osobom, które powinny je zobaczyć.",
        "Chiunque abbia il link può vedere la tua credenziale: condividilo solo con chi deve vederla.",
    ],
    footer: [
        "This message was sent automatically on behalf of {university} by the ENHANCE credentials service.",
        "Diese Nachricht wurde im Auftrag von {university} automatisch vom ENHANCE-Nachweisdienst versandt.",
        "Dit bericht is namens {university} automatisch verzonden door de ENHANCE-credentialdienst.",
        "Ta wiadomość została wysłana automatycznie w imieniu {university} przez usługę poświadczeń ENHANCE.",
        "Questo messaggio è stato inviato automaticamente per conto di {university} dal servizio di credenziali ENHANCE.",
    ],
    open: [
        "Open your credential",
        "Nachweis öffnen",
        "Credential openen",
        "Otwórz poświadczenie",
        "Apri la credenziale",
    ],
};

/// The message of `facts` in `language` (one of [`LANGUAGES`]; others get English).
pub fn compose(language: &str, facts: &MessageFacts<'_>) -> Composed {
    let at = LANGUAGES.iter().position(|l| *l == language).unwrap_or(0);
    let lang = LANGUAGES.get(at).copied().unwrap_or("en");
    let pick = |p: &[&'static str; 5]| p.get(at).copied().unwrap_or(p[0]);
    // One line per field: titles and names are single-line in the award format, but a message
    // header must never carry a line break.
    let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let (title, university) = (one_line(facts.title), one_line(facts.university));
    let fill = |p: &[&'static str; 5]| {
        pick(p)
            .replace("{title}", &title)
            .replace("{university}", &university)
    };
    let page = format!("{}?lang={lang}", facts.share_url);
    let europass = format!("{page}#europass-title");
    let wallet = format!("{page}#wallet-title");
    let text = format!(
        "{}\n\n{}\n\n{}\n{page}\n\n{}\n{europass}\n\n{}\n{wallet}\n\n{}\n\n{}\n\n-- \n{}\n",
        pick(&PHRASES.hello),
        fill(&PHRASES.received),
        pick(&PHRASES.page),
        pick(&PHRASES.europass),
        pick(&PHRASES.wallet),
        pick(&PHRASES.pdf),
        pick(&PHRASES.privacy),
        fill(&PHRASES.footer),
    );
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{subject}</title></head>\
<body>\n<p>{hello}</p>\n<p>{received}</p>\n<p>{page_text}<br><a href=\"{page}\">{open}</a></p>\n\
<p>{europass_text}<br><a href=\"{europass}\">{europass}</a></p>\n\
<p>{wallet_text}<br><a href=\"{wallet}\">{wallet}</a></p>\n<p>{pdf}</p>\n<p>{privacy}</p>\n\
<p><small>{footer}</small></p>\n</body></html>\n",
        subject = esc(&fill(&PHRASES.subject)),
        hello = esc(pick(&PHRASES.hello)),
        received = esc(&fill(&PHRASES.received)),
        page_text = esc(pick(&PHRASES.page)),
        page = esc(&page),
        open = esc(pick(&PHRASES.open)),
        europass_text = esc(pick(&PHRASES.europass)),
        europass = esc(&europass),
        wallet_text = esc(pick(&PHRASES.wallet)),
        wallet = esc(&wallet),
        pdf = esc(pick(&PHRASES.pdf)),
        privacy = esc(pick(&PHRASES.privacy)),
        footer = esc(&fill(&PHRASES.footer)),
    );
    Composed {
        subject: fill(&PHRASES.subject),
        text,
        html,
        attachment_name: format!("certificate-{lang}.pdf"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_subset() {
        for ok in [
            "a@b.eu",
            "first.last+tag@uni-x.example.org",
            "o'neil@example.com",
        ] {
            assert!(check_email("e", ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a",
            "@b.eu",
            "a@",
            "a@b",
            "a..b@c.eu",
            ".a@c.eu",
            "a@-b.eu",
            "a@b.123",
            "a b@c.eu",
            "a@b.eu\r\nBcc: x@y.eu",
            "\"q\"@c.eu",
            "ä@c.eu",
        ] {
            let e = check_email("notify.email", bad).unwrap_err();
            assert_eq!(
                (e.path.as_str(), e.rule.as_str()),
                ("notify.email", "notify.email")
            );
        }
        assert!(check_email("e", &format!("{}@b.eu", "a".repeat(65))).is_err());
    }

    #[test]
    fn languages_and_backoff() {
        assert!(check_language("l", "pl").is_ok());
        assert_eq!(
            check_language("l", "fr").unwrap_err().rule,
            "notify.language"
        );
        assert_eq!(default_language("de"), "de");
        assert_eq!(default_language("fr"), "en");
        let b = Duration::from_secs(60);
        assert_eq!(backoff(b, 1), b);
        assert_eq!(backoff(b, 3), b * 4);
        assert_eq!(backoff(b, 40), Duration::from_secs(86_400));
        assert_eq!(
            message_id("r1", "https://issuer.example:8443/x"),
            "<r1.notify@issuer.example>"
        );
    }

    #[test]
    fn composed_in_language_and_escaped() {
        let facts = MessageFacts {
            title: "Kurs <b>Innovation</b>",
            university: "TU\nBerlin",
            share_url: "https://i.example/share/tok",
        };
        let m = compose("de", &facts);
        assert_eq!(m.subject, "Ihr digitaler Nachweis: Kurs <b>Innovation</b>");
        assert!(m
            .text
            .contains("Sie haben von TU Berlin einen digitalen Nachweis erhalten"));
        assert!(m
            .text
            .contains("https://i.example/share/tok?lang=de#europass-title"));
        assert!(m.html.contains("Kurs &lt;b&gt;Innovation&lt;/b&gt;"));
        assert!(!m.html.contains("<img"));
        for (l, phrase) in [
            ("en", "You have received"),
            ("nl", "U hebt van"),
            ("pl", "Otrzymujesz cyfrowe"),
            ("it", "Hai ricevuto"),
        ] {
            assert!(compose(l, &facts).text.contains(phrase), "{l}");
        }
    }
}
