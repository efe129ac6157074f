//! Console: learning opportunity specifications (issue #18 item 2; MS18 Annex 3, the standard
//! elements of a micro-credential: title, description, type, workload in ECTS, EQF level,
//! learning outcomes, languages, mode of learning). List (id, versions, latest date), create from
//! a form, store a new version from the prefilled form (versions are appended, never
//! overwritten), list versions, preview the certificate with a sample learner (the render
//! crate's HTML). Members the form has no field for are edited as JSON ("further members").
//! Field errors are shown next to their field with the rule. URL contract: [`super`].

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::credentials::{field, seg, table};
use super::layout::{esc, page};
use super::session::StaffSession;
use super::{html, see_other, ConsoleError, Lang};
use crate::domain::DomainError;
use crate::http::AppState;

/// The routes of this part of the console.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(specs_list, spec_create))
        .routes(routes!(spec_new_form))
        .routes(routes!(spec_show, spec_add_version))
        .routes(routes!(spec_versions))
        .routes(routes!(spec_preview))
}

/// Interface languages, also the title and description languages of the form.
const LANGS: [&str; 5] = ["en", "de", "nl", "pl", "it"];

/// Learning opportunity types (MS18 §4.1), as the award format spells them.
const TYPES: [&str; 16] = [
    "programme",
    "instructorPacedCourse",
    "mooc",
    "summerSchool",
    "winterSchool",
    "blendedIntensiveProgramme",
    "coil",
    "designProject",
    "challenge",
    "training",
    "workshop",
    "staffWeek",
    "seminar",
    "mentoring",
    "serviceLearning",
    "tandem",
];

/// Modes of learning (MS18 Annex 2).
const MODES: [&str; 5] = [
    "inPresence",
    "online",
    "blended",
    "hybrid",
    "hybridFlexible",
];

/// The members the form edits; every other member is in "further members" (JSON).
const FORM_MEMBERS: [&str; 9] = [
    "id",
    "title",
    "description",
    "type",
    "workload",
    "eqfLevel",
    "learningOutcomes",
    "languages",
    "modeOfLearning",
];

/// Outcome categories: (form field, award format member).
const OUTCOMES: [(&str, &str); 3] = [
    ("knowledge", "knowledge"),
    ("skills", "skills"),
    ("responsibility", "responsibilityAndAutonomy"),
];

/// The form's values by field name (`title_en`, `ects`, ...).
type Fields = HashMap<String, String>;

/// Field errors: field name → message (with its rule).
type Errors = Vec<(String, String)>;

/// The form's values with CR LF as LF and other control characters (NUL, which PostgreSQL
/// refuses in text) dropped; tabs and line breaks kept.
fn clean_fields(f: Fields) -> Fields {
    f.into_iter()
        .map(|(k, v)| {
            let v = v
                .replace("\r\n", "\n")
                .chars()
                .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
                .collect();
            (k, v)
        })
        .collect()
}

fn get<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.get(name).map_or("", |v| v.trim())
}

/// A language map of the non-empty `{prefix}_{lang}` fields.
fn lang_map(f: &Fields, prefix: &str) -> Map<String, Value> {
    LANGS
        .iter()
        .filter_map(|l| {
            let v = get(f, &format!("{prefix}_{l}"));
            (!v.is_empty()).then(|| ((*l).to_owned(), Value::String(v.to_owned())))
        })
        .collect()
}

/// The specification body of the form, or the errors of its fields.
fn body_of(l: Lang, f: &Fields) -> Result<Value, Errors> {
    let mut errors = Errors::new();
    let mut err = |name: &str, msg: [&'static str; 5], rule: &str| {
        errors.push((name.to_owned(), format!("{} ({rule})", l.pick(msg))));
    };
    let mut body = match get(f, "extra") {
        "" => Map::new(),
        text => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => m,
            _ => {
                err(
                    "extra",
                    [
                        "Enter a JSON object, e.g. {\"instructors\": []}",
                        "Ein JSON-Objekt eingeben, z. B. {\"instructors\": []}",
                        "Voer een JSON-object in, bijv. {\"instructors\": []}",
                        "Wpisz obiekt JSON, np. {\"instructors\": []}",
                        "Inserire un oggetto JSON, ad es. {\"instructors\": []}",
                    ],
                    "spec.extra-json",
                );
                Map::new()
            }
        },
    };
    let uri = get(f, "uri");
    match url::Url::parse(uri) {
        Ok(_) => {
            body.insert("id".into(), Value::String(uri.to_owned()));
        }
        Err(_) => err(
            "uri",
            [
                "Enter an absolute URI, e.g. https://university.example/courses/ai",
                "Eine absolute URI eingeben, z. B. https://university.example/courses/ai",
                "Voer een absolute URI in, bijv. https://university.example/courses/ai",
                "Wpisz bezwzględny URI, np. https://university.example/courses/ai",
                "Inserire un URI assoluto, ad es. https://university.example/courses/ai",
            ],
            "spec.uri",
        ),
    }
    let title = lang_map(f, "title");
    if title.is_empty() {
        err(
            "title_en",
            [
                "Enter the title in at least one language",
                "Den Titel in mindestens einer Sprache eingeben",
                "Voer de titel in minstens één taal in",
                "Podaj tytuł w co najmniej jednym języku",
                "Inserire il titolo in almeno una lingua",
            ],
            "spec.title-required",
        );
    }
    body.insert("title".into(), Value::Object(title));
    let description = lang_map(f, "description");
    if description.is_empty() {
        body.remove("description");
    } else {
        body.insert("description".into(), Value::Object(description));
    }
    match get(f, "type") {
        t if TYPES.contains(&t) => {
            body.insert("type".into(), Value::String(t.to_owned()));
        }
        _ => err(
            "type",
            [
                "Choose a type",
                "Einen Typ wählen",
                "Kies een type",
                "Wybierz typ",
                "Scegliere un tipo",
            ],
            "spec.type",
        ),
    }
    match get(f, "mode") {
        m if MODES.contains(&m) => {
            body.insert("modeOfLearning".into(), Value::String(m.to_owned()));
        }
        _ => err(
            "mode",
            [
                "Choose a mode of learning",
                "Eine Lernform wählen",
                "Kies een leervorm",
                "Wybierz tryb nauki",
                "Scegliere una modalità di apprendimento",
            ],
            "spec.mode",
        ),
    }
    let langs: Vec<String> = get(f, "languages")
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_lowercase)
        .collect();
    if langs.is_empty()
        || !langs
            .iter()
            .all(|s| s.len() == 2 && s.chars().all(|c| c.is_ascii_lowercase()))
    {
        err(
            "languages",
            [
                "Enter ISO 639-1 codes separated by commas, e.g. en, de",
                "ISO-639-1-Codes durch Kommas getrennt eingeben, z. B. en, de",
                "Voer ISO 639-1-codes in, gescheiden door komma's, bijv. en, de",
                "Wpisz kody ISO 639-1 rozdzielone przecinkami, np. en, de",
                "Inserire codici ISO 639-1 separati da virgole, ad es. en, de",
            ],
            "spec.languages",
        );
    }
    body.insert("languages".into(), Value::from(langs));
    workload_of(f, &mut body, &mut err);
    match get(f, "eqf") {
        "" => {
            body.remove("eqfLevel");
        }
        e @ ("6" | "7" | "8") => {
            body.insert("eqfLevel".into(), Value::from(e.parse::<u8>().unwrap_or(7)));
        }
        _ => err(
            "eqf",
            [
                "Choose EQF level 6, 7 or 8",
                "EQR-Niveau 6, 7 oder 8 wählen",
                "Kies EQF-niveau 6, 7 of 8",
                "Wybierz poziom ERK 6, 7 lub 8",
                "Scegliere il livello EQF 6, 7 o 8",
            ],
            "spec.eqf",
        ),
    }
    outcomes_of(f, &mut body);
    if errors.is_empty() {
        Ok(Value::Object(body))
    } else {
        Err(errors)
    }
}

/// `workload` from `ects` and `hours` (kept from the further members when both are empty).
fn workload_of(
    f: &Fields,
    body: &mut Map<String, Value>,
    err: &mut impl FnMut(&str, [&'static str; 5], &str),
) {
    let (ects, hours) = (get(f, "ects"), get(f, "hours"));
    if ects.is_empty() && hours.is_empty() {
        return;
    }
    let mut w = Map::new();
    if !ects.is_empty() {
        let ok = ects.parse::<f64>().is_ok_and(|v| v >= 0.0)
            && ects.split('.').nth(1).is_none_or(|d| d.len() <= 2);
        if ok {
            w.insert("ects".into(), Value::String(ects.to_owned()));
        } else {
            err(
                "ects",
                [
                    "Enter a number of credits with at most two decimals, e.g. 5 or 2.5",
                    "Eine Zahl mit höchstens zwei Nachkommastellen eingeben, z. B. 5 oder 2.5",
                    "Voer een aantal studiepunten in met hoogstens twee decimalen, bijv. 5 of 2.5",
                    "Podaj liczbę punktów z najwyżej dwoma miejscami po przecinku, np. 5 lub 2.5",
                    "Inserire un numero di crediti con al massimo due decimali, ad es. 5 o 2.5",
                ],
                "spec.ects",
            );
        }
    }
    if !hours.is_empty() {
        match hours.parse::<u32>() {
            Ok(h) => {
                w.insert("hours".into(), Value::from(h));
            }
            Err(_) => err(
                "hours",
                [
                    "Enter whole hours, e.g. 150",
                    "Ganze Stunden eingeben, z. B. 150",
                    "Voer hele uren in, bijv. 150",
                    "Podaj pełne godziny, np. 150",
                    "Inserire ore intere, ad es. 150",
                ],
                "spec.hours",
            ),
        }
    }
    body.insert("workload".into(), Value::Object(w));
}

/// `learningOutcomes` from the three text areas (one outcome per line, in `outcomes_language`);
/// kept from the further members when all three are empty.
fn outcomes_of(f: &Fields, body: &mut Map<String, Value>) {
    let lang = match get(f, "outcomes_language") {
        l if LANGS.contains(&l) => l,
        _ => "en",
    };
    let mut outcomes = Map::new();
    for (name, member) in OUTCOMES {
        let items: Vec<Value> = get(f, name)
            .lines()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| serde_json::json!({ lang: s }))
            .collect();
        if !items.is_empty() {
            outcomes.insert(member.to_owned(), Value::Array(items));
        }
    }
    if !outcomes.is_empty() {
        body.insert("learningOutcomes".into(), Value::Object(outcomes));
    }
}

/// The form's fields prefilled from a stored specification body.
fn fields_of(body: &Value) -> Fields {
    let mut f = Fields::new();
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_owned();
    f.insert("uri".into(), text(body.get("id")));
    for l in LANGS {
        f.insert(
            format!("title_{l}"),
            text(body.get("title").and_then(|t| t.get(l))),
        );
        f.insert(
            format!("description_{l}"),
            text(body.get("description").and_then(|t| t.get(l))),
        );
    }
    f.insert("type".into(), text(body.get("type")));
    f.insert("mode".into(), text(body.get("modeOfLearning")));
    let langs: Vec<&str> = body
        .get("languages")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    f.insert("languages".into(), langs.join(", "));
    let w = body.get("workload");
    let num = |v: Option<&Value>| match v {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    f.insert("ects".into(), num(w.and_then(|w| w.get("ects"))));
    f.insert("hours".into(), num(w.and_then(|w| w.get("hours"))));
    f.insert("eqf".into(), num(body.get("eqfLevel")));
    let mut extra: Map<String, Value> = body
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| !FORM_MEMBERS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    // The workload's other members (CEU, sum override) and outcomes in several languages stay
    // JSON, so a new version loses nothing.
    let simple_workload = w
        .and_then(Value::as_object)
        .is_none_or(|m| m.keys().all(|k| k == "ects" || k == "hours"));
    if let (false, Some(w)) = (simple_workload, w) {
        extra.insert("workload".into(), w.clone());
        f.insert("ects".into(), String::new());
        f.insert("hours".into(), String::new());
    }
    prefill_outcomes(body.get("learningOutcomes"), &mut f, &mut extra);
    f.insert(
        "extra".into(),
        if extra.is_empty() {
            String::new()
        } else {
            serde_json::to_string_pretty(&Value::Object(extra)).unwrap_or_default()
        },
    );
    f
}

/// Outcomes in one language go to the text areas; otherwise they stay JSON in `extra`.
fn prefill_outcomes(outcomes: Option<&Value>, f: &mut Fields, extra: &mut Map<String, Value>) {
    let Some(outcomes) = outcomes else { return };
    let maps: Vec<&Map<String, Value>> = OUTCOMES
        .iter()
        .flat_map(|(_, m)| {
            outcomes
                .get(*m)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(Value::as_object)
        .collect();
    let lang = maps
        .first()
        .and_then(|m| m.keys().next())
        .cloned()
        .unwrap_or_default();
    let one_language = maps.iter().all(|m| m.len() == 1 && m.contains_key(&lang));
    if !one_language || !LANGS.contains(&lang.as_str()) {
        extra.insert("learningOutcomes".into(), outcomes.clone());
        return;
    }
    f.insert("outcomes_language".into(), lang.clone());
    for (name, member) in OUTCOMES {
        let lines: Vec<&str> = outcomes
            .get(member)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|o| o.get(&lang).and_then(Value::as_str))
                    .collect()
            })
            .unwrap_or_default();
        f.insert(name.to_owned(), lines.join("\n"));
    }
}

/// The form field a finding of the award format's path belongs to (`extra` for the rest).
fn field_of_path(path: &str) -> &'static str {
    let p = path.trim_start_matches("learningOpportunity.");
    let starts =
        |s: &str| p == s || p.starts_with(&format!("{s}.")) || p.starts_with(&format!("{s}["));
    match () {
        () if starts("title") => "title_en",
        () if starts("description") => "description_en",
        () if starts("type") => "type",
        () if starts("workload") => "ects",
        () if starts("eqfLevel") => "eqf",
        () if starts("learningOutcomes.knowledge") => "knowledge",
        () if starts("learningOutcomes.skills") => "skills",
        () if starts("learningOutcomes") => "responsibility",
        () if starts("languages") => "languages",
        () if starts("modeOfLearning") => "mode",
        () if starts("id") => "uri",
        () => "extra",
    }
}

/// A domain error of storing the form as field errors (validation) or a console error.
fn form_errors(e: DomainError, new: bool) -> Result<Errors, ConsoleError> {
    match e {
        DomainError::Validation(findings) => Ok(findings
            .iter()
            .map(|f| {
                let name = if new && f.path == "id" && f.rule == "specification.id" {
                    "id"
                } else if f.path.is_empty() {
                    "extra"
                } else {
                    field_of_path(&f.path)
                };
                (name.to_owned(), format!("{} ({})", f.message, f.rule))
            })
            .collect()),
        other => Err(other.into()),
    }
}

/// The form's values and errors, rendering its controls.
struct FormView<'a> {
    l: Lang,
    f: &'a Fields,
    errors: &'a Errors,
}

impl FormView<'_> {
    /// The errors of field `name`, joined.
    fn error(&self, name: &str) -> Option<String> {
        let all: Vec<&str> = self
            .errors
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, m)| m.as_str())
            .collect();
        (!all.is_empty()).then(|| all.join("; "))
    }

    /// A labelled control with its error.
    fn row(&self, name: &str, label: &str, control: &str) -> String {
        field(name, label, control, self.error(name).as_deref())
    }

    fn input(&self, name: &str, extra: &str) -> String {
        format!(
            "<input type=\"text\" name=\"{name}\" value=\"{}\"{extra}>",
            esc(get(self.f, name))
        )
    }

    fn select(&self, name: &str, options: &[&str], empty: bool) -> String {
        let mut o = if empty {
            "<option value=\"\">—</option>".to_owned()
        } else {
            String::new()
        };
        for v in options {
            let sel = if get(self.f, name) == *v {
                " selected"
            } else {
                ""
            };
            o.push_str(&format!("<option value=\"{v}\"{sel}>{v}</option>"));
        }
        format!("<select name=\"{name}\">{o}</select>")
    }

    fn textarea(&self, name: &str, rows: u8) -> String {
        format!(
            "<textarea name=\"{name}\" rows=\"{rows}\" cols=\"60\">{}</textarea>",
            esc(get(self.f, name))
        )
    }

    /// Id (new only), URI, titles and descriptions in the five languages.
    fn texts(&self, new: bool) -> String {
        let l = self.l;
        let mut out = String::new();
        if new {
            out.push_str(&self.row(
                "id",
                l.pick([
                    "Short id (letters, digits, . _ -)",
                    "Kurzkennung (Buchstaben, Ziffern, . _ -)",
                    "Korte id (letters, cijfers, . _ -)",
                    "Krótki identyfikator (litery, cyfry, . _ -)",
                    "Id breve (lettere, cifre, . _ -)",
                ]),
                &self.input(
                    "id",
                    " required maxlength=\"200\" pattern=\"[A-Za-z0-9._\\-]+\"",
                ),
            ));
        }
        out.push_str(&self.row(
            "uri",
            l.pick([
                "Learning opportunity URI",
                "URI der Lerngelegenheit",
                "URI van de leermogelijkheid",
                "URI możliwości uczenia się",
                "URI dell'opportunità di apprendimento",
            ]),
            &self.input("uri", " required"),
        ));
        for (prefix, what) in [
            ("title", ["Title", "Titel", "Titel", "Tytuł", "Titolo"]),
            (
                "description",
                [
                    "Description",
                    "Beschreibung",
                    "Beschrijving",
                    "Opis",
                    "Descrizione",
                ],
            ),
        ] {
            for (lang, ui) in LANGS.iter().zip(Lang::ALL) {
                let name = format!("{prefix}_{lang}");
                let label = format!("{} ({})", l.pick(what), ui.name());
                let control = if prefix == "title" {
                    self.input(&name, "")
                } else {
                    self.textarea(&name, 2)
                };
                out.push_str(&self.row(&name, &label, &control));
            }
        }
        out
    }

    /// Type, workload, EQF level.
    fn facts(&self) -> String {
        let l = self.l;
        [
            self.row(
                "type",
                l.pick(["Type", "Typ", "Type", "Typ", "Tipo"]),
                &self.select("type", &TYPES, false),
            ),
            self.row(
                "ects",
                l.pick([
                    "Credits (ECTS)",
                    "Leistungspunkte (ECTS)",
                    "Studiepunten (ECTS)",
                    "Punkty ECTS",
                    "Crediti (ECTS)",
                ]),
                &self.input("ects", " inputmode=\"decimal\""),
            ),
            self.row(
                "hours",
                l.pick([
                    "Notional learning hours",
                    "Arbeitsstunden",
                    "Studie-uren",
                    "Godziny nauki",
                    "Ore di studio",
                ]),
                &self.input("hours", " inputmode=\"numeric\""),
            ),
            self.row(
                "eqf",
                l.pick([
                    "EQF level",
                    "EQR-Niveau",
                    "EQF-niveau",
                    "Poziom ERK",
                    "Livello EQF",
                ]),
                &self.select("eqf", &["6", "7", "8"], true),
            ),
        ]
        .concat()
    }

    /// Learning outcomes, languages, mode and the further members.
    fn outcomes_and_rest(&self) -> String {
        let l = self.l;
        let mut out = self.row(
            "outcomes_language",
            l.pick([
                "Language of the learning outcomes",
                "Sprache der Lernergebnisse",
                "Taal van de leerresultaten",
                "Język efektów uczenia się",
                "Lingua dei risultati di apprendimento",
            ]),
            &self.select("outcomes_language", &LANGS, false),
        );
        for (name, label) in [
            (
                "knowledge",
                [
                    "Knowledge (one outcome per line)",
                    "Wissen (ein Ergebnis pro Zeile)",
                    "Kennis (één resultaat per regel)",
                    "Wiedza (jeden efekt w wierszu)",
                    "Conoscenze (un risultato per riga)",
                ],
            ),
            (
                "skills",
                [
                    "Skills (one outcome per line)",
                    "Fertigkeiten (ein Ergebnis pro Zeile)",
                    "Vaardigheden (één resultaat per regel)",
                    "Umiejętności (jeden efekt w wierszu)",
                    "Abilità (un risultato per riga)",
                ],
            ),
            (
                "responsibility",
                [
                    "Responsibility and autonomy (one outcome per line)",
                    "Verantwortung und Selbstständigkeit (ein Ergebnis pro Zeile)",
                    "Verantwoordelijkheid en autonomie (één resultaat per regel)",
                    "Odpowiedzialność i autonomia (jeden efekt w wierszu)",
                    "Responsabilità e autonomia (un risultato per riga)",
                ],
            ),
        ] {
            out.push_str(&self.row(name, l.pick(label), &self.textarea(name, 3)));
        }
        out.push_str(&self.row(
            "languages",
            l.pick([
                "Languages of instruction (ISO 639-1, comma-separated)",
                "Unterrichtssprachen (ISO 639-1, durch Kommas getrennt)",
                "Onderwijstalen (ISO 639-1, gescheiden door komma's)",
                "Języki nauczania (ISO 639-1, rozdzielone przecinkami)",
                "Lingue di insegnamento (ISO 639-1, separate da virgole)",
            ]),
            &self.input("languages", " required"),
        ));
        out.push_str(&self.row(
            "mode",
            l.pick([
                "Mode of learning",
                "Lernform",
                "Leervorm",
                "Tryb nauki",
                "Modalità di apprendimento",
            ]),
            &self.select("mode", &MODES, false),
        ));
        out.push_str(&self.row(
            "extra",
            l.pick([
                "Further members (JSON object: assessment, instructors, stackability, ...)",
                "Weitere Angaben (JSON-Objekt: assessment, instructors, stackability, ...)",
                "Overige gegevens (JSON-object: assessment, instructors, stackability, ...)",
                "Pozostałe pola (obiekt JSON: assessment, instructors, stackability, ...)",
                "Altri campi (oggetto JSON: assessment, instructors, stackability, ...)",
            ]),
            &self.textarea("extra", 8),
        ));
        out
    }
}

/// The specification form: `id` (store id) only for a new specification.
fn spec_form(s: &StaffSession, action: &str, new: bool, f: &Fields, errors: &Errors) -> String {
    let l = s.lang;
    let v = FormView { l, f, errors };
    let submit = if new {
        l.pick([
            "Create specification",
            "Spezifikation anlegen",
            "Specificatie aanmaken",
            "Utwórz specyfikację",
            "Crea specifica",
        ])
    } else {
        l.pick([
            "Save as new version",
            "Als neue Version speichern",
            "Opslaan als nieuwe versie",
            "Zapisz jako nową wersję",
            "Salva come nuova versione",
        ])
    };
    format!(
        "<form method=\"post\" action=\"{action}\" class=\"card\">{}{}{}{}<p><button type=\"submit\">{submit}</button></p></form>",
        s.csrf_field(),
        v.texts(new),
        v.facts(),
        v.outcomes_and_rest(),
    )
}

/// The university's specifications.
#[utoipa::path(get, path = "/console/specifications", tag = "console",
    responses((status = 200, description = "Specifications with their number of versions and latest date (HTML)", content_type = "text/html", body = String)))]
async fn specs_list(
    State(s): State<AppState>,
    session: StaffSession,
) -> Result<Response, ConsoleError> {
    let l = session.lang;
    let all = s
        .app
        .specification_versions(&session.principal, None)
        .await?;
    let mut rows = String::new();
    let mut i = 0;
    while let Some(first) = all.get(i) {
        let n = all.iter().skip(i).take_while(|v| v.id == first.id).count();
        let last = all.get(i + n - 1).unwrap_or(first);
        rows.push_str(&format!(
            "<tr><th scope=\"row\"><a href=\"/console/specifications/{}\">{}</a></th><td>{}</td><td>{}</td><td><a href=\"/console/specifications/{0}/preview\">{}</a></td></tr>",
            seg(&first.id), esc(&first.id), last.version, esc(&last.created_at),
            l.pick(["Preview", "Vorschau", "Voorbeeld", "Podgląd", "Anteprima"]),
        ));
        i += n;
    }
    let title = l.pick([
        "Specifications",
        "Spezifikationen",
        "Specificaties",
        "Specyfikacje",
        "Specifiche",
    ]);
    let body = format!(
        "<h1>{title}</h1><p><a class=\"button\" href=\"/console/specifications/new\">{}</a></p>{}",
        l.pick([
            "New specification",
            "Neue Spezifikation",
            "Nieuwe specificatie",
            "Nowa specyfikacja",
            "Nuova specifica"
        ]),
        table(
            l,
            l.pick([
                "Learning opportunity specifications of the university",
                "Spezifikationen der Lerngelegenheiten der Hochschule",
                "Specificaties van leermogelijkheden van de universiteit",
                "Specyfikacje możliwości uczenia się uczelni",
                "Specifiche delle opportunità di apprendimento dell'università"
            ]),
            &[
                ["Id", "Kennung", "Id", "Identyfikator", "Id"],
                ["Versions", "Versionen", "Versies", "Wersje", "Versioni"],
                [
                    "Latest version",
                    "Neueste Version",
                    "Nieuwste versie",
                    "Najnowsza wersja",
                    "Ultima versione"
                ],
                [
                    "Certificate",
                    "Zertifikat",
                    "Certificaat",
                    "Certyfikat",
                    "Certificato"
                ]
            ],
            &rows
        )
    );
    Ok(html(page(&session, title, &body)))
}

fn new_page(session: &StaffSession, f: &Fields, errors: &Errors) -> String {
    let l = session.lang;
    let title = l.pick([
        "New specification",
        "Neue Spezifikation",
        "Nieuwe specificatie",
        "Nowa specyfikacja",
        "Nuova specifica",
    ]);
    let body = format!(
        "<h1>{title}</h1>{}",
        spec_form(session, "/console/specifications", true, f, errors)
    );
    page(session, title, &body)
}

/// The form for a new specification.
#[utoipa::path(get, path = "/console/specifications/new", tag = "console",
    responses((status = 200, description = "The empty specification form (HTML)", content_type = "text/html", body = String)))]
async fn spec_new_form(session: StaffSession) -> Result<Response, ConsoleError> {
    let mut f = Fields::new();
    f.insert("languages".into(), "en".into());
    f.insert("type".into(), "instructorPacedCourse".into());
    f.insert("mode".into(), "online".into());
    Ok(html(new_page(&session, &f, &Errors::new())))
}

/// The form again with its errors, `400`.
fn invalid(page_html: String) -> Response {
    let mut res = html(page_html);
    *res.status_mut() = StatusCode::BAD_REQUEST;
    res
}

/// Create a specification (version 1).
#[utoipa::path(post, path = "/console/specifications", tag = "console",
    request_body(content = HashMap<String, String>, description = "The form's fields (`_csrf`, `id`, `uri`, `title_en`..`title_it`, `description_*`, `type`, `ects`, `hours`, `eqf`, `knowledge`, `skills`, `responsibility`, `outcomes_language`, `languages`, `mode`, `extra`)", content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "303 to the new specification; the form with its field errors (400) (HTML)", content_type = "text/html", body = String)))]
async fn spec_create(
    State(s): State<AppState>,
    session: StaffSession,
    Form(f): Form<Fields>,
) -> Result<Response, ConsoleError> {
    session.check_csrf(f.get("_csrf").map(String::as_str))?;
    let f = clean_fields(f);
    let id = get(&f, "id").to_owned();
    let body = match body_of(session.lang, &f) {
        Ok(b) => b,
        Err(errors) => return Ok(invalid(new_page(&session, &f, &errors))),
    };
    match s
        .app
        .add_specification(&session.principal, &id, &body)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/console/specifications/{}", seg(&id)))),
        Err(e) => Ok(invalid(new_page(&session, &f, &form_errors(e, true)?))),
    }
}

fn show_page(session: &StaffSession, id: &str, f: &Fields, errors: &Errors) -> String {
    let l = session.lang;
    let enc = seg(id);
    let body = format!(
        "<h1>{}</h1><ul><li><a href=\"/console/specifications/{enc}/versions\">{}</a></li><li><a href=\"/console/specifications/{enc}/preview\">{}</a></li></ul><h2>{}</h2>{}",
        esc(id),
        l.pick(["All versions", "Alle Versionen", "Alle versies", "Wszystkie wersje", "Tutte le versioni"]),
        l.pick(["Preview the certificate", "Zertifikat in der Vorschau", "Voorbeeld van het certificaat", "Podgląd certyfikatu", "Anteprima del certificato"]),
        l.pick(["New version (prefilled with the latest)", "Neue Version (mit der neuesten vorausgefüllt)", "Nieuwe versie (vooraf ingevuld met de nieuwste)", "Nowa wersja (wypełniona najnowszą)", "Nuova versione (precompilata con l'ultima)"]),
        spec_form(session, &format!("/console/specifications/{enc}"), false, f, errors),
    );
    page(session, id, &body)
}

/// A specification: the latest version in the form, to store a new version.
#[utoipa::path(get, path = "/console/specifications/{id}", tag = "console",
    params(("id" = String, Path, description = "The specification's id")),
    responses((status = 200, description = "The latest version, prefilled in the new-version form (HTML); 404 for another university's", content_type = "text/html", body = String)))]
async fn spec_show(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, ConsoleError> {
    let body = s
        .app
        .specification_body(&session.principal, &id, None)
        .await?;
    Ok(html(show_page(
        &session,
        &id,
        &fields_of(&body),
        &Errors::new(),
    )))
}

/// Store a new version of a specification.
#[utoipa::path(post, path = "/console/specifications/{id}", tag = "console",
    params(("id" = String, Path, description = "The specification's id")),
    request_body(content = HashMap<String, String>, description = "The form's fields, as for a new specification without `id`", content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "303 to the versions; the form with its field errors (400) (HTML); 404 for another university's", content_type = "text/html", body = String)))]
async fn spec_add_version(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Result<Response, ConsoleError> {
    session.check_csrf(f.get("_csrf").map(String::as_str))?;
    let f = clean_fields(f);
    // Only an existing specification of the university gets versions here (404 otherwise).
    s.app
        .specification_versions(&session.principal, Some(&id))
        .await?;
    let body = match body_of(session.lang, &f) {
        Ok(b) => b,
        Err(errors) => return Ok(invalid(show_page(&session, &id, &f, &errors))),
    };
    match s
        .app
        .add_specification(&session.principal, &id, &body)
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/console/specifications/{}/versions",
            seg(&id)
        ))),
        Err(e) => Ok(invalid(show_page(
            &session,
            &id,
            &f,
            &form_errors(e, false)?,
        ))),
    }
}

/// The versions of a specification.
#[utoipa::path(get, path = "/console/specifications/{id}/versions", tag = "console",
    params(("id" = String, Path, description = "The specification's id")),
    responses((status = 200, description = "Every stored version with its date and author (HTML); 404 for another university's", content_type = "text/html", body = String)))]
async fn spec_versions(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, ConsoleError> {
    let l = session.lang;
    let all = s
        .app
        .specification_versions(&session.principal, Some(&id))
        .await?;
    let enc = seg(&id);
    let mut rows = String::new();
    for v in all.iter().rev() {
        rows.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td><a href=\"/console/specifications/{enc}/preview?version={0}\">{}</a></td></tr>",
            v.version, esc(&v.created_at), esc(&v.created_by),
            l.pick(["Preview", "Vorschau", "Voorbeeld", "Podgląd", "Anteprima"]),
        ));
    }
    let title = l.pick(["Versions", "Versionen", "Versies", "Wersje", "Versioni"]);
    let body = format!(
        "<h1>{title}: {}</h1><p><a href=\"/console/specifications/{enc}\">{}</a></p>{}",
        esc(&id),
        l.pick([
            "New version",
            "Neue Version",
            "Nieuwe versie",
            "Nowa wersja",
            "Nuova versione"
        ]),
        table(
            l,
            l.pick([
                "Stored versions, newest first (never overwritten)",
                "Gespeicherte Versionen, neueste zuerst (nie überschrieben)",
                "Opgeslagen versies, nieuwste eerst (nooit overschreven)",
                "Zapisane wersje, od najnowszej (nigdy nie nadpisywane)",
                "Versioni salvate, dalla più recente (mai sovrascritte)"
            ]),
            &[
                ["Version", "Version", "Versie", "Wersja", "Versione"],
                ["Stored", "Gespeichert", "Opgeslagen", "Zapisano", "Salvata"],
                ["By", "Von", "Door", "Przez", "Da"],
                [
                    "Certificate",
                    "Zertifikat",
                    "Certificaat",
                    "Certyfikat",
                    "Certificato"
                ]
            ],
            &rows
        )
    );
    Ok(html(page(&session, title, &body)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct PreviewQuery {
    /// The version (default: the latest).
    version: Option<i64>,
}

/// The certificate of a specification with a sample learner.
#[utoipa::path(get, path = "/console/specifications/{id}/preview", tag = "console",
    params(("id" = String, Path, description = "The specification's id"), PreviewQuery),
    responses((status = 200, description = "The rendered certificate and supplement for the sample learner Alex Sample (HTML); 404 for another university's", content_type = "text/html", body = String)))]
async fn spec_preview(
    State(s): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Query(q): Query<PreviewQuery>,
) -> Result<Response, ConsoleError> {
    let l = session.lang;
    let document = s
        .app
        .specification_preview(&session.principal, &id, q.version, l.tag())
        .await?;
    let (css, main) =
        crate::http::pages::certificate_parts(&document).map_err(|_| ConsoleError::Internal)?;
    let title = l.pick([
        "Certificate preview",
        "Zertifikatsvorschau",
        "Voorbeeld van het certificaat",
        "Podgląd certyfikatu",
        "Anteprima del certificato",
    ]);
    let body = format!(
        "<style>{css}</style><h1>{title}: {}</h1><p>{}</p><div class=\"card\">{main}</div>",
        esc(&id),
        l.pick([
            "With the sample learner Alex Sample; not signed and not stored.",
            "Mit der Beispielperson Alex Sample; nicht signiert und nicht gespeichert.",
            "Met de voorbeeldlerende Alex Sample; niet ondertekend en niet opgeslagen.",
            "Z przykładowym uczącym się Alex Sample; niepodpisany i niezapisany.",
            "Con il discente di esempio Alex Sample; non firmato e non salvato.",
        ]),
    );
    Ok(html(page(&session, title, &body)))
}
