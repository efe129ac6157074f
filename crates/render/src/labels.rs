//! Fixed texts of the rendered documents (headings, field names, the certificate page's
//! sentences of ENHANCE framework MS18 **Annex 3**) in English, German, Dutch and Polish. The
//! wording of the awarding statements matches `elm_model::text` ("im Namen der ENHANCE-Allianz",
//! "w imieniu Sojuszu ENHANCE"), which writes the same sentences into the credential itself.

use crate::model::OutcomeCategory;

/// The label set of one language.
#[derive(Debug)]
pub struct Labels {
    /// BCP 47 code (`en`).
    pub code: &'static str,
    /// "certifies that".
    pub certifies: &'static str,
    /// "born on".
    pub born_on: &'static str,
    /// "has completed".
    pub completed: &'static str,
    /// "has participated in".
    pub participated: &'static str,
    /// "taking place".
    pub taking_place: &'static str,
    /// "on" (a date).
    pub on: &'static str,
    /// "from" (a date).
    pub from: &'static str,
    /// "to" (a date).
    pub to: &'static str,
    /// Signer role under the signature line.
    pub signer_role: &'static str,
    /// "Signature".
    pub signature: &'static str,
    /// "Certificate supplement".
    pub supplement: &'static str,
    /// "Learner".
    pub learner: &'static str,
    /// "First and last name".
    pub name: &'static str,
    /// "Date of birth".
    pub date_of_birth: &'static str,
    /// "Place of birth".
    pub place_of_birth: &'static str,
    /// "Student of".
    pub student_of: &'static str,
    /// "Credential".
    pub credential: &'static str,
    /// "Name/Title".
    pub credential_title: &'static str,
    /// "Learning opportunity".
    pub opportunity: &'static str,
    /// "Awarding body".
    pub awarding_body: &'static str,
    /// "Date of issuing".
    pub date_of_issuing: &'static str,
    /// "Workload".
    pub workload: &'static str,
    /// "EQF level".
    pub eqf_level: &'static str,
    /// "Learning outcomes".
    pub learning_outcomes: &'static str,
    /// "Knowledge".
    pub knowledge: &'static str,
    /// "Skills".
    pub skills: &'static str,
    /// "Responsibility and autonomy".
    pub responsibility: &'static str,
    /// "Other learning outcomes".
    pub other_outcomes: &'static str,
    /// "Language(s) of instruction".
    pub languages: &'static str,
    /// "Form of participation in the learning activity".
    pub form_of_participation: &'static str,
    /// "Mode of learning".
    pub mode: &'static str,
    /// "Duration".
    pub duration: &'static str,
    /// "Number of contact hours".
    pub contact_hours: &'static str,
    /// "Instructors".
    pub instructors: &'static str,
    /// "Type of assessment".
    pub assessment: &'static str,
    /// "Identity verification".
    pub id_verification: &'static str,
    /// "Learning units".
    pub learning_units: &'static str,
    /// "The credential has been awarded following the completion of the following learning units:".
    pub units_intro: &'static str,
    /// "Quality assurance …".
    pub quality_assurance: &'static str,
    /// "Grade achieved".
    pub grade: &'static str,
    /// "Integration/stackability options".
    pub stackability: &'static str,
    /// "Further information".
    pub further_information: &'static str,
    /// "Learning unit" (heading of a unit's part).
    pub unit_heading: &'static str,
    /// "Learning unit" (table heading).
    pub unit: &'static str,
    /// "University".
    pub university: &'static str,
    /// "Component of the programme".
    pub component: &'static str,
    /// "University logo".
    pub university_logo: &'static str,
    /// "ENHANCE logo" alt text.
    pub enhance_logo: &'static str,
    /// QR alt text.
    pub qr_alt: &'static str,
    /// "Verify this certificate".
    pub verify: &'static str,
    /// "Page".
    pub page: &'static str,
    /// Units of durations: years, months, weeks, days.
    pub duration_units: [&'static str; 4],
    /// Month names.
    pub months: [&'static str; 12],
    /// Builds a date from day, month name and year.
    pub date_format: fn(String, &str, String) -> String,
}

impl Labels {
    /// The label of an outcome category.
    pub fn category(&self, c: OutcomeCategory) -> &'static str {
        match c {
            OutcomeCategory::Knowledge => self.knowledge,
            OutcomeCategory::Skills => self.skills,
            OutcomeCategory::ResponsibilityAndAutonomy => self.responsibility,
            OutcomeCategory::Other => self.other_outcomes,
        }
    }
}

fn day_month_year(d: String, m: &str, y: String) -> String {
    format!("{d} {m} {y}")
}

fn day_dot_month_year(d: String, m: &str, y: String) -> String {
    format!("{d}. {m} {y}")
}

/// English.
pub static EN: Labels = Labels {
    code: "en",
    duration_units: ["years", "months", "weeks", "days"],
    certifies: "certifies that",
    born_on: "born on",
    completed: "has completed",
    participated: "has participated in",
    taking_place: "taking place",
    on: "on",
    from: "from",
    to: "to",
    signer_role: "for the issuing university",
    signature: "Signature",
    supplement: "Certificate supplement",
    learner: "Learner",
    name: "First and last name",
    date_of_birth: "Date of birth",
    place_of_birth: "Place of birth",
    student_of: "Student of",
    credential: "Credential",
    credential_title: "Name/Title",
    opportunity: "Learning opportunity",
    awarding_body: "Awarding body",
    date_of_issuing: "Date of issuing",
    workload: "Workload",
    eqf_level: "EQF level",
    learning_outcomes: "Learning outcomes",
    knowledge: "Knowledge",
    skills: "Skills",
    responsibility: "Responsibility and autonomy",
    other_outcomes: "Learning outcomes",
    languages: "Language(s) of instruction",
    form_of_participation: "Form of participation in the learning activity",
    mode: "Mode of learning",
    duration: "Duration",
    contact_hours: "Number of contact hours",
    instructors: "Instructors",
    assessment: "Type of assessment",
    id_verification: "Identity verification",
    learning_units: "Learning units",
    units_intro:
        "The credential has been awarded following the completion of the following learning units:",
    quality_assurance: "Quality assurance of the credential and of the learning content",
    grade: "Grade achieved",
    stackability: "Integration/stackability options",
    further_information: "Further information",
    unit_heading: "Learning unit",
    unit: "Learning unit",
    university: "University",
    component: "Component of the programme",
    university_logo: "Logo of the issuing university",
    enhance_logo: "Logo of the ENHANCE Alliance",
    qr_alt: "QR code linking to the verification page of this certificate",
    verify: "Verify this certificate",
    page: "Page",
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    date_format: day_month_year,
};

/// German.
pub static DE: Labels = Labels {
    code: "de",
    duration_units: ["Jahre", "Monate", "Wochen", "Tage"],
    certifies: "bescheinigt, dass",
    born_on: "geboren am",
    completed: "erfolgreich abgeschlossen hat:",
    participated: "teilgenommen hat an:",
    taking_place: "durchgeführt",
    on: "am",
    from: "vom",
    to: "bis",
    signer_role: "für die ausstellende Universität",
    signature: "Unterschrift",
    supplement: "Zertifikatszusatz",
    learner: "Lernende Person",
    name: "Vor- und Nachname",
    date_of_birth: "Geburtsdatum",
    place_of_birth: "Geburtsort",
    student_of: "Studierende/r der",
    credential: "Zertifikat",
    credential_title: "Bezeichnung",
    opportunity: "Lernangebot",
    awarding_body: "Verleihende Stelle",
    date_of_issuing: "Ausstellungsdatum",
    workload: "Arbeitsaufwand",
    eqf_level: "EQR-Niveau",
    learning_outcomes: "Lernergebnisse",
    knowledge: "Kenntnisse",
    skills: "Fertigkeiten",
    responsibility: "Verantwortung und Selbstständigkeit",
    other_outcomes: "Lernergebnisse",
    languages: "Unterrichtssprache(n)",
    form_of_participation: "Form der Teilnahme an der Lernaktivität",
    mode: "Lernform",
    duration: "Dauer",
    contact_hours: "Kontaktstunden",
    instructors: "Lehrende",
    assessment: "Art der Prüfung",
    id_verification: "Identitätsprüfung",
    learning_units: "Lerneinheiten",
    units_intro: "Das Zertifikat wurde nach Abschluss der folgenden Lerneinheiten verliehen:",
    quality_assurance: "Qualitätssicherung des Zertifikats und der Lerninhalte",
    grade: "Erzielte Note",
    stackability: "Integrations- und Kombinationsmöglichkeiten",
    further_information: "Weitere Informationen",
    unit_heading: "Lerneinheit",
    unit: "Lerneinheit",
    university: "Universität",
    component: "Bestandteil des Programms",
    university_logo: "Logo der ausstellenden Universität",
    enhance_logo: "Logo der ENHANCE-Allianz",
    qr_alt: "QR-Code mit Link zur Prüfseite dieses Zertifikats",
    verify: "Dieses Zertifikat prüfen",
    page: "Seite",
    months: [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    date_format: day_dot_month_year,
};

/// Dutch.
pub static NL: Labels = Labels {
    code: "nl",
    duration_units: ["jaar", "maanden", "weken", "dagen"],
    certifies: "verklaart dat",
    born_on: "geboren op",
    completed: "met succes heeft voltooid:",
    participated: "heeft deelgenomen aan:",
    taking_place: "plaatsgevonden",
    on: "op",
    from: "van",
    to: "tot en met",
    signer_role: "namens de uitgevende universiteit",
    signature: "Handtekening",
    supplement: "Supplement bij het certificaat",
    learner: "Lerende",
    name: "Voor- en achternaam",
    date_of_birth: "Geboortedatum",
    place_of_birth: "Geboorteplaats",
    student_of: "Student van",
    credential: "Certificaat",
    credential_title: "Naam/titel",
    opportunity: "Leeraanbod",
    awarding_body: "Toekennende instelling",
    date_of_issuing: "Datum van afgifte",
    workload: "Studielast",
    eqf_level: "EQF-niveau",
    learning_outcomes: "Leerresultaten",
    knowledge: "Kennis",
    skills: "Vaardigheden",
    responsibility: "Verantwoordelijkheid en autonomie",
    other_outcomes: "Leerresultaten",
    languages: "Instructietaal/-talen",
    form_of_participation: "Vorm van deelname aan de leeractiviteit",
    mode: "Leervorm",
    duration: "Duur",
    contact_hours: "Aantal contacturen",
    instructors: "Docenten",
    assessment: "Wijze van toetsing",
    id_verification: "Identiteitscontrole",
    learning_units: "Leereenheden",
    units_intro: "Het certificaat is toegekend na voltooiing van de volgende leereenheden:",
    quality_assurance: "Kwaliteitszorg van het certificaat en de leerinhoud",
    grade: "Behaald cijfer",
    stackability: "Integratie- en stapelmogelijkheden",
    further_information: "Aanvullende informatie",
    unit_heading: "Leereenheid",
    unit: "Leereenheid",
    university: "Universiteit",
    component: "Onderdeel van het programma",
    university_logo: "Logo van de uitgevende universiteit",
    enhance_logo: "Logo van de ENHANCE-alliantie",
    qr_alt: "QR-code met een link naar de verificatiepagina van dit certificaat",
    verify: "Dit certificaat verifiëren",
    page: "Pagina",
    months: [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    date_format: day_month_year,
};

/// Polish.
pub static PL: Labels = Labels {
    code: "pl",
    duration_units: ["lat(a)", "mies.", "tyg.", "dni"],
    certifies: "zaświadcza, że",
    born_on: "urodzona/urodzony dnia",
    completed: "ukończyła/ukończył",
    participated: "uczestniczyła/uczestniczył w",
    taking_place: "odbywającym się",
    on: "dnia",
    from: "od",
    to: "do",
    signer_role: "w imieniu uczelni wydającej",
    signature: "Podpis",
    supplement: "Suplement do certyfikatu",
    learner: "Uczący się",
    name: "Imię i nazwisko",
    date_of_birth: "Data urodzenia",
    place_of_birth: "Miejsce urodzenia",
    student_of: "Student/studentka",
    credential: "Certyfikat",
    credential_title: "Nazwa",
    opportunity: "Oferta edukacyjna",
    awarding_body: "Instytucja przyznająca",
    date_of_issuing: "Data wydania",
    workload: "Nakład pracy",
    eqf_level: "Poziom ERK",
    learning_outcomes: "Efekty uczenia się",
    knowledge: "Wiedza",
    skills: "Umiejętności",
    responsibility: "Odpowiedzialność i samodzielność",
    other_outcomes: "Efekty uczenia się",
    languages: "Język(i) wykładowy(e)",
    form_of_participation: "Forma udziału w zajęciach",
    mode: "Tryb kształcenia",
    duration: "Czas trwania",
    contact_hours: "Liczba godzin kontaktowych",
    instructors: "Prowadzący",
    assessment: "Sposób weryfikacji efektów uczenia się",
    id_verification: "Weryfikacja tożsamości",
    learning_units: "Moduły",
    units_intro: "Certyfikat został przyznany po ukończeniu następujących modułów:",
    quality_assurance: "Zapewnianie jakości certyfikatu i treści kształcenia",
    grade: "Uzyskana ocena",
    stackability: "Możliwości łączenia (stackability)",
    further_information: "Dodatkowe informacje",
    unit_heading: "Moduł",
    unit: "Moduł",
    university: "Uczelnia",
    component: "Element programu",
    university_logo: "Logo uczelni wydającej",
    enhance_logo: "Logo Sojuszu ENHANCE",
    qr_alt: "Kod QR z odnośnikiem do strony weryfikacji tego certyfikatu",
    verify: "Zweryfikuj ten certyfikat",
    page: "Strona",
    months: [
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ],
    date_format: day_month_year,
};

/// The labels for `lang` (its primary subtag: `de-AT` → German); English when unsupported.
pub fn labels(lang: &str) -> &'static Labels {
    match lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
        .as_str()
    {
        "de" => &DE,
        "nl" => &NL,
        "pl" => &PL,
        _ => &EN,
    }
}

/// The label languages supported.
pub const LANGUAGES: &[&str] = &["en", "de", "nl", "pl"];
