//! Generated certificate texts (MS18 Annex 3), in English and the alliance's languages.
//!
//! The certificate templates of Annex 3 fix several sentences: the awarding statement ("«issuing
//! university» on behalf of the ENHANCE Alliance" / "member of the ENHANCE Alliance"), "jointly
//! developed and implemented by", the two-level quality-assurance statement (one version for a
//! single opportunity, one for a programme) and the stackability sentence. They are generated per
//! language from the university and opportunity names; a language without a template here gets
//! English only. Names fall back to English when a name has no text in the target language.

use crate::award::{CertificateProfile, ComponentStatus, CredentialKind};
use crate::lang::LanguageMap;

/// Languages with templates.
pub const TEMPLATE_LANGUAGES: &[&str] = &["en", "de", "nl", "pl", "it"];

/// The credential's display title (Annex 3 headings), per template language.
pub fn credential_title(kind: CredentialKind, profile: Option<CertificateProfile>) -> LanguageMap {
    let t: [&str; 5] = match (kind, profile) {
        (CredentialKind::CertificateOfCompletion, _) => [
            "Certificate of Completion",
            "Abschlusszertifikat",
            "Certificaat van voltooiing",
            "Certyfikat ukończenia",
            "Certificato di completamento",
        ],
        (CredentialKind::CertificateOfParticipation, _) => [
            "Certificate of Participation",
            "Teilnahmebescheinigung",
            "Certificaat van deelname",
            "Certyfikat uczestnictwa",
            "Attestato di partecipazione",
        ],
        (_, Some(CertificateProfile::Professional)) => [
            "Certificate of Professional Achievement",
            "Zertifikat über berufliche Leistungen",
            "Certificaat van professionele prestatie",
            "Certyfikat osiągnięć zawodowych",
            "Certificato di risultato professionale",
        ],
        (_, _) => [
            "Certificate of Academic Achievement",
            "Zertifikat über akademische Leistungen",
            "Certificaat van academische prestatie",
            "Certyfikat osiągnięć akademickich",
            "Certificato di risultato accademico",
        ],
    };
    zip(t)
}

fn zip(t: [&str; 5]) -> LanguageMap {
    let mut m = LanguageMap::new();
    for (lang, text) in TEMPLATE_LANGUAGES.iter().zip(t) {
        m.insert(lang, text);
    }
    m
}

fn name<'a>(m: &'a LanguageMap, lang: &str) -> &'a str {
    m.best(lang).unwrap_or("")
}

/// Builds a map over `languages` (template languages only) with `f(lang)`.
fn per_language(languages: &[String], f: impl Fn(&str) -> Option<String>) -> LanguageMap {
    let mut m = LanguageMap::new();
    for lang in languages {
        if let Some(text) = f(lang) {
            m.insert(lang, text);
        }
    }
    m
}

/// The template languages among `wanted`, English first and always present.
pub fn output_languages<'a>(wanted: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out = vec!["en".to_owned()];
    for l in wanted {
        if TEMPLATE_LANGUAGES.contains(&l) && !out.iter().any(|o| o == l) {
            out.push(l.to_owned());
        }
    }
    out
}

/// "«university» on behalf of the ENHANCE Alliance" (micro-credentials) or "«university» member of
/// the ENHANCE Alliance" (other kinds, and units of programmes).
pub fn awarding_statement(
    university: &LanguageMap,
    on_behalf: bool,
    languages: &[String],
) -> LanguageMap {
    per_language(languages, |l| {
        let u = name(university, l);
        let s = match (l, on_behalf) {
            ("en", true) => format!("{u} on behalf of the ENHANCE Alliance"),
            ("en", false) => format!("{u} member of the ENHANCE Alliance"),
            ("de", true) => format!("{u} im Namen der ENHANCE-Allianz"),
            ("de", false) => format!("{u}, Mitglied der ENHANCE-Allianz"),
            ("nl", true) => format!("{u} namens de ENHANCE-alliantie"),
            ("nl", false) => format!("{u}, lid van de ENHANCE-alliantie"),
            ("pl", true) => format!("{u} w imieniu Sojuszu ENHANCE"),
            ("pl", false) => format!("{u}, członek Sojuszu ENHANCE"),
            ("it", true) => format!("{u} per conto dell'Alleanza ENHANCE"),
            ("it", false) => format!("{u}, membro dell'Alleanza ENHANCE"),
            _ => return None,
        };
        Some(s)
    })
}

/// "jointly developed and implemented by «list of universities»".
pub fn jointly_developed(universities: &[&LanguageMap], languages: &[String]) -> LanguageMap {
    per_language(languages, |l| {
        let names: Vec<&str> = universities.iter().map(|u| name(u, l)).collect();
        let (prefix, and) = match l {
            "en" => ("jointly developed and implemented by", "and"),
            "de" => ("gemeinsam entwickelt und durchgeführt von", "und"),
            "nl" => ("gezamenlijk ontwikkeld en uitgevoerd door", "en"),
            "pl" => ("wspólnie opracowany i realizowany przez", "i"),
            "it" => ("sviluppato e realizzato congiuntamente da", "e"),
            _ => return None,
        };
        Some(format!("{prefix} {}", list(&names, and)))
    })
}

fn list(names: &[&str], and: &str) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    }
}

/// The two-level quality-assurance statement of Annex 3 (`programme`: the version for a
/// (micro-credential) programme, whose units other universities may conduct).
pub fn quality_assurance(
    university: &LanguageMap,
    opportunity: &LanguageMap,
    programme: bool,
    languages: &[String],
) -> LanguageMap {
    per_language(languages, |l| {
        let (u, o) = (name(university, l), name(opportunity, l));
        let s = match (l, programme) {
            ("en", false) => format!(
                "The two-level mutual trust-based quality assurance scheme has been adopted: at the university level, {u} has applied its internal quality assurance procedures and structures to the proposal of {o} it submitted to ENHANCE and to its implementation – the related learning activities; at the Alliance level, the body composed of Education Officers has made decisions regarding the inclusion of {o} proposed by {u} to the Innovative Learning Campus part of the joint ENHANCE educational offer, based on the compliance with the formal requirements and ENHANCE goals."
            ),
            ("en", true) => format!(
                "The two-level mutual trust-based quality assurance scheme has been adopted: at the university level, {u} has applied its internal quality assurance procedures and structures to the proposal of {o} it submitted to ENHANCE; each university that conducted learning activities associated with {o} has applied its internal quality assurance procedures and structures to these learning activities; at the Alliance level, the body composed of Education Officers has made decisions regarding the inclusion of {o} proposed by {u} to the Innovative Learning Campus part of the joint ENHANCE educational offer, based on the compliance with the formal requirements and ENHANCE goals."
            ),
            ("de", p) => format!(
                "Es gilt das zweistufige, auf gegenseitigem Vertrauen beruhende Qualitätssicherungsverfahren: auf Ebene der Universität hat {u} ihre internen Qualitätssicherungsverfahren und -strukturen auf den bei ENHANCE eingereichten Vorschlag für {o}{}; auf Ebene der Allianz hat das aus den Education Officers bestehende Gremium auf Grundlage der formalen Anforderungen und der Ziele von ENHANCE über die Aufnahme von {o}, vorgeschlagen von {u}, in den Innovative Learning Campus des gemeinsamen Bildungsangebots von ENHANCE entschieden.",
                if p { format!(" angewandt; jede Universität, die Lernaktivitäten im Rahmen von {o} durchgeführt hat, hat ihre internen Qualitätssicherungsverfahren und -strukturen auf diese Lernaktivitäten angewandt") } else { " und auf dessen Durchführung – die zugehörigen Lernaktivitäten – angewandt".to_owned() }
            ),
            ("nl", p) => format!(
                "Het tweeledige, op wederzijds vertrouwen gebaseerde kwaliteitszorgsysteem is toegepast: op universitair niveau heeft {u} haar interne procedures en structuren voor kwaliteitszorg toegepast op het voorstel voor {o} dat zij bij ENHANCE heeft ingediend{}; op het niveau van de alliantie heeft het orgaan van Education Officers besloten over de opname van {o}, voorgesteld door {u}, in de Innovative Learning Campus van het gezamenlijke onderwijsaanbod van ENHANCE, op basis van de formele eisen en de doelen van ENHANCE.",
                if p { format!("; elke universiteit die leeractiviteiten binnen {o} heeft uitgevoerd, heeft haar interne procedures en structuren voor kwaliteitszorg op deze leeractiviteiten toegepast") } else { " en op de uitvoering ervan – de bijbehorende leeractiviteiten".to_owned() }
            ),
            ("pl", p) => format!(
                "Zastosowano dwupoziomowy system zapewniania jakości oparty na wzajemnym zaufaniu: na poziomie uczelni {u} zastosowała wewnętrzne procedury i struktury zapewniania jakości do propozycji {o} zgłoszonej do ENHANCE{}; na poziomie Sojuszu organ złożony z Education Officers podjął decyzję o włączeniu {o}, zaproponowanej przez {u}, do Innovative Learning Campus – części wspólnej oferty edukacyjnej ENHANCE – na podstawie zgodności z wymaganiami formalnymi i celami ENHANCE.",
                if p { format!("; każda uczelnia, która prowadziła zajęcia w ramach {o}, zastosowała do nich swoje wewnętrzne procedury i struktury zapewniania jakości") } else { " oraz do jej realizacji – powiązanych działań edukacyjnych".to_owned() }
            ),
            ("it", p) => format!(
                "È stato adottato il sistema di assicurazione della qualità a due livelli basato sulla fiducia reciproca: a livello di ateneo, {u} ha applicato le proprie procedure e strutture interne di assicurazione della qualità alla proposta di {o} presentata a ENHANCE{}; a livello di Alleanza, l'organo composto dagli Education Officers ha deciso l'inclusione di {o}, proposto da {u}, nell'Innovative Learning Campus dell'offerta formativa congiunta di ENHANCE, sulla base della conformità ai requisiti formali e agli obiettivi di ENHANCE.",
                if p { format!("; ogni ateneo che ha svolto attività di apprendimento nell'ambito di {o} ha applicato a tali attività le proprie procedure e strutture interne di assicurazione della qualità") } else { " e alla sua realizzazione – le relative attività di apprendimento".to_owned() }
            ),
            _ => return None,
        };
        Some(s)
    })
}

/// "«unit» is an obligatory/elective component of «programme» coordinated by «university»
/// leading to «credential»."
pub fn stackability(
    unit: &LanguageMap,
    component: ComponentStatus,
    programme: &LanguageMap,
    coordinator: &LanguageMap,
    leads_to: &LanguageMap,
    languages: &[String],
) -> LanguageMap {
    let obligatory = component == ComponentStatus::Obligatory;
    per_language(languages, |l| {
        let (u, p, c, t) = (
            name(unit, l),
            name(programme, l),
            name(coordinator, l),
            name(leads_to, l),
        );
        let s =
            match l {
                "en" => format!(
                    "{u} is an {} component of {p} coordinated by {c} leading to {t}.",
                    if obligatory { "obligatory" } else { "elective" }
                ),
                "de" => format!(
                    "{u} ist ein {} von {p}, koordiniert von {c}, das zu {t} führt.",
                    if obligatory {
                        "Pflichtbestandteil"
                    } else {
                        "Wahlbestandteil"
                    }
                ),
                "nl" => format!(
                    "{u} is een {} van {p}, gecoördineerd door {c}, dat leidt tot {t}.",
                    if obligatory {
                        "verplicht onderdeel"
                    } else {
                        "keuzeonderdeel"
                    }
                ),
                "pl" => {
                    format!(
                "{u} jest {} komponentem {p} koordynowanego przez {c}, prowadzącego do {t}.",
                if obligatory { "obowiązkowym" } else { "obieralnym" }
            )
                }
                "it" => format!(
                    "{u} è una componente {} di {p} coordinato da {c} che porta a {t}.",
                    if obligatory {
                        "obbligatoria"
                    } else {
                        "a scelta"
                    }
                ),
                _ => return None,
            };
        Some(s)
    })
}

/// Labels of the "Form of participation" and other supplement lines, per template language.
pub struct Labels {
    /// "Learning opportunity type".
    pub opportunity_type: &'static str,
    /// "Mode of learning".
    pub mode: &'static str,
    /// "Duration".
    pub duration: &'static str,
    /// "Number of contact hours".
    pub contact_hours: &'static str,
    /// "in presence".
    pub in_presence: &'static str,
    /// "online".
    pub online: &'static str,
    /// "Student of".
    pub student_of: &'static str,
    /// "Intended learning outcomes".
    pub intended_outcomes: &'static str,
    /// "Partnerships".
    pub partnerships: &'static str,
    /// "Endorsements".
    pub endorsements: &'static str,
    /// "Target group".
    pub target_group: &'static str,
    /// "ISCED-F field".
    pub isced: &'static str,
    /// "Language(s) of instruction".
    pub languages: &'static str,
    /// "Workload".
    pub workload: &'static str,
}

/// Labels for `lang` (English when there is no template for it).
pub fn labels(lang: &str) -> Labels {
    match lang {
        "de" => Labels {
            opportunity_type: "Art des Lernangebots",
            mode: "Lernform",
            duration: "Dauer",
            contact_hours: "Kontaktstunden",
            in_presence: "in Präsenz",
            online: "online",
            student_of: "Studierende/r der",
            intended_outcomes: "Angestrebte Lernergebnisse",
            partnerships: "Partnerschaften",
            endorsements: "Anerkennungen",
            target_group: "Zielgruppe",
            isced: "ISCED-F-Fachgebiet",
            languages: "Unterrichtssprache(n)",
            workload: "Arbeitsaufwand",
        },
        "nl" => Labels {
            opportunity_type: "Type leeraanbod",
            mode: "Leervorm",
            duration: "Duur",
            contact_hours: "Contacturen",
            in_presence: "fysiek",
            online: "online",
            student_of: "Student van",
            intended_outcomes: "Beoogde leerresultaten",
            partnerships: "Partnerschappen",
            endorsements: "Erkenningen",
            target_group: "Doelgroep",
            isced: "ISCED-F-studiegebied",
            languages: "Instructietaal/-talen",
            workload: "Studielast",
        },
        "pl" => Labels {
            opportunity_type: "Rodzaj oferty edukacyjnej",
            mode: "Forma kształcenia",
            duration: "Czas trwania",
            contact_hours: "Liczba godzin kontaktowych",
            in_presence: "stacjonarnie",
            online: "online",
            student_of: "Student/ka uczelni",
            intended_outcomes: "Zakładane efekty uczenia się",
            partnerships: "Partnerstwa",
            endorsements: "Rekomendacje",
            target_group: "Grupa docelowa",
            isced: "Dziedzina ISCED-F",
            languages: "Język(i) wykładowy(e)",
            workload: "Nakład pracy",
        },
        "it" => Labels {
            opportunity_type: "Tipo di opportunità di apprendimento",
            mode: "Modalità di apprendimento",
            duration: "Durata",
            contact_hours: "Ore di contatto",
            in_presence: "in presenza",
            online: "online",
            student_of: "Studente/ssa di",
            intended_outcomes: "Risultati di apprendimento attesi",
            partnerships: "Partenariati",
            endorsements: "Riconoscimenti",
            target_group: "Destinatari",
            isced: "Campo ISCED-F",
            languages: "Lingua/e di insegnamento",
            workload: "Carico di lavoro",
        },
        _ => Labels {
            opportunity_type: "Learning opportunity type",
            mode: "Mode of learning",
            duration: "Duration",
            contact_hours: "Number of contact hours",
            in_presence: "in presence",
            online: "online",
            student_of: "Student of",
            intended_outcomes: "Intended learning outcomes",
            partnerships: "Partnerships",
            endorsements: "Endorsements",
            target_group: "Target group",
            isced: "ISCED-F field",
            languages: "Language(s) of instruction",
            workload: "Workload",
        },
    }
}

/// The mode of learning in `lang`.
pub fn mode_name(mode: crate::award::ModeOfLearning, lang: &str) -> &'static str {
    use crate::award::ModeOfLearning::*;
    match (lang, mode) {
        ("de", InPresence) => "Präsenz",
        ("de", Online) => "online",
        ("de", Blended) => "Blended Learning",
        ("de", Hybrid) => "hybrid",
        ("de", HybridFlexible) => "hybrid-flexibel",
        ("nl", InPresence) => "fysiek",
        ("nl", Online) => "online",
        ("nl", Blended) => "blended",
        ("nl", Hybrid) => "hybride",
        ("nl", HybridFlexible) => "hybride-flexibel",
        ("pl", InPresence) => "stacjonarna",
        ("pl", Online) => "online",
        ("pl", Blended) => "mieszana",
        ("pl", Hybrid) => "hybrydowa",
        ("pl", HybridFlexible) => "hybrydowa elastyczna",
        ("it", InPresence) => "in presenza",
        ("it", Online) => "online",
        ("it", Blended) => "mista (blended)",
        ("it", Hybrid) => "ibrida",
        ("it", HybridFlexible) => "ibrida flessibile",
        (_, m) => crate::vocab::mode_label(m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annex3_sentences_in_english() {
        let langs = output_languages(["nl", "xx"]);
        assert_eq!(langs, vec!["en", "nl"]);
        let tud = LanguageMap::from([
            ("en", "Delft University of Technology"),
            ("nl", "Technische Universiteit Delft"),
        ]);
        let s = awarding_statement(&tud, true, &langs);
        assert_eq!(
            s.get("en"),
            Some("Delft University of Technology on behalf of the ENHANCE Alliance")
        );
        assert_eq!(
            s.get("nl"),
            Some("Technische Universiteit Delft namens de ENHANCE-alliantie")
        );
        let a = LanguageMap::single("en", "A");
        let b = LanguageMap::single("en", "B");
        let c = LanguageMap::single("en", "C");
        assert_eq!(
            jointly_developed(&[&a, &b, &c], &langs).get("en"),
            Some("jointly developed and implemented by A, B and C")
        );
        let st = stackability(&a, ComponentStatus::Elective, &b, &tud, &c, &langs);
        assert_eq!(
            st.get("en"),
            Some("A is an elective component of B coordinated by Delft University of Technology leading to C.")
        );
        let qa = quality_assurance(&tud, &a, false, &langs);
        assert!(qa.get("en").is_some_and(|t| t.contains(
            "Delft University of Technology has applied its internal quality assurance"
        )));
        assert!(qa
            .get("nl")
            .is_some_and(|t| t.contains("Technische Universiteit Delft")));
    }
}
