//! Programme specifications and their stacking rules (MS18 §4.1 "(micro-credential) programme",
//! §6.1, §7.4 and Annex 3 "Certificate ... awarded upon completion of an ENHANCE (micro-credential)
//! programme"; standard element 15 "integration/stackability" of the Council Recommendation of
//! 16 June 2022).
//!
//! A [`ProgrammeSpec`] is what the lead university publishes: the programme's learning-opportunity
//! specification (the award format's `learningOpportunity`, type `programme`, with its learning
//! units: which university teaches each, obligatory or elective, credits) plus the rules a set of
//! unit credentials must meet to stack towards the programme certificate ([`StackRules`]: elective
//! choice, total credits). [`ProgrammeSpec::validate`] reports every field and rule error at once.
//!
//! A [`ProgrammeOutline`] is the part of a programme that the stackability check needs (unit
//! specification ids, universities, obligatory/elective, credits, rules). It comes from a
//! specification ([`ProgrammeSpec::outline`]) or, in the verifier, from a programme credential's
//! `hasPart` units. No I/O.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::award::{
    CertificateProfile, ComponentStatus, Credits, LearningOpportunitySpec, OpportunityType,
};
use crate::validate::{absolute_uri, Issue};

/// A programme specification as the lead university stores it (`issuer` `POST /programmes/{id}`,
/// `examples/stack/programme.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProgrammeSpec {
    /// Optional reference to a JSON Schema (ignored).
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Id of the university that coordinates the programme and issues its certificate.
    pub lead_university: String,
    /// Academic (default) or professional achievement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_profile: Option<CertificateProfile>,
    /// The programme: type `programme`, two or more `units`, each naming its university and
    /// whether it is obligatory or elective.
    pub learning_opportunity: LearningOpportunitySpec,
    /// What a set of unit credentials must meet.
    #[serde(default)]
    pub rules: StackRules,
    /// Primary language of the programme certificate (ISO 639-1; `en` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_language: Option<String>,
}

/// The stacking rules of a programme besides "every obligatory unit".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StackRules {
    /// At least this many elective units (0: electives are optional).
    #[serde(default)]
    pub min_elective_units: u32,
    /// At least this many ECTS from elective units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_elective_ects: Option<Credits>,
    /// At least this many ECTS in total; absent: the programme's own `workload.ects`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_total_ects: Option<Credits>,
}

/// One learning unit as the stackability check sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutlineUnit {
    /// The unit's specification URI (a unit credential's `learningOpportunity.id` / the id of its
    /// main claim's `specifiedBy`).
    pub specification_id: String,
    /// Title (English, else any language).
    pub title: String,
    /// The university that teaches and awards the unit: a university id (`eth`) from a
    /// specification, or the awarding body's DID from a programme credential.
    pub university: String,
    /// Obligatory (`true`) or elective.
    pub obligatory: bool,
    /// ECTS credits of the unit, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ects: Option<Credits>,
}

/// What the stackability check needs to know about a programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgrammeOutline {
    /// The programme specification's URI.
    pub id: String,
    /// Title (English, else any language).
    pub title: String,
    /// The lead university (id or DID), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_university: Option<String>,
    /// The learning units.
    pub units: Vec<OutlineUnit>,
    /// The rules (with `min_total_ects` resolved).
    pub rules: StackRules,
}

impl ProgrammeOutline {
    /// The unit with this specification id.
    pub fn unit(&self, specification_id: &str) -> Option<&OutlineUnit> {
        self.units
            .iter()
            .find(|u| u.specification_id == specification_id)
    }
}

/// Stable rule codes of [`ProgrammeSpec::validate`] with their meaning.
pub const PROGRAMME_RULES: &[(&str, &str)] = &[
    (
        "programme-spec.parse",
        "the document is not a programme specification",
    ),
    (
        "programme-spec.lead-university",
        "the lead university is empty or unknown",
    ),
    (
        "programme-spec.id",
        "the programme id is not an absolute URI",
    ),
    (
        "programme-spec.type",
        "a programme specification is for an opportunity of type programme",
    ),
    (
        "programme-spec.min-units",
        "a programme has at least two learning units",
    ),
    (
        "programme-spec.unit-id",
        "a unit id is not an absolute URI, or is used twice",
    ),
    (
        "programme-spec.unit-university",
        "a unit names an unknown university",
    ),
    (
        "programme-spec.unit-ects",
        "every unit states its ECTS credits",
    ),
    (
        "programme-spec.electives",
        "the elective rule cannot be met by the programme's electives",
    ),
    (
        "programme-spec.total-ects",
        "the credit rule cannot be met by all units together",
    ),
    (
        "programme-spec.primary-language",
        "the primary language is not a two-letter code",
    ),
];

/// Parses a programme specification (JSON text); a mismatch with the format is one [`Issue`]
/// (`programme-spec.parse`) naming the field.
///
/// JSON text over [`crate::limits::MAX_AWARD_JSON_BYTES`] is refused before it is parsed (rule
/// `award.max-bytes`).
pub fn parse_programme(json: &str) -> Result<ProgrammeSpec, Issue> {
    if let Some(too_large) = crate::limits::check_json_size(json) {
        return Err(too_large);
    }
    crate::refuse_duplicate_members(json, "programme-spec.parse")?;
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        Issue::error(path, "programme-spec.parse", e.into_inner().to_string())
    })
}

/// The JSON Schema of the programme specification format.
pub fn programme_schema() -> serde_json::Value {
    schemars::schema_for!(ProgrammeSpec).to_value()
}

fn title_of(m: &crate::lang::LanguageMap) -> String {
    m.best("en").unwrap_or_default().to_owned()
}

impl ProgrammeSpec {
    /// The programme's specification URI.
    pub fn id(&self) -> &str {
        &self.learning_opportunity.id
    }

    /// The minimum total ECTS: the rule's, else the programme's `workload.ects`.
    pub fn min_total_ects(&self) -> Option<Credits> {
        self.rules.min_total_ects.or_else(|| {
            self.learning_opportunity
                .workload
                .as_ref()
                .and_then(|w| w.ects)
        })
    }

    /// The outline the stackability check uses.
    pub fn outline(&self) -> ProgrammeOutline {
        let o = &self.learning_opportunity;
        ProgrammeOutline {
            id: o.id.clone(),
            title: title_of(&o.title),
            lead_university: Some(self.lead_university.clone()),
            units: o
                .units
                .iter()
                .map(|u| OutlineUnit {
                    specification_id: u.id.clone(),
                    title: title_of(&u.title),
                    university: u.university.clone(),
                    obligatory: u.component == ComponentStatus::Obligatory,
                    ects: u.workload.ects,
                })
                .collect(),
            rules: StackRules {
                min_total_ects: self.min_total_ects(),
                ..self.rules.clone()
            },
        }
    }

    /// Every field and rule error. `known_universities`: the university ids that exist (empty:
    /// not checked).
    ///
    /// The size and character limits of [`crate::limits`] run first; when one is broken only
    /// they are reported (rules `text.max-length`, `list.max-items`, ...: see
    /// [`crate::validate::RULES`]).
    pub fn validate(&self, known_universities: &[&str]) -> Vec<Issue> {
        let limits = crate::limits::check_programme(self);
        if limits.iter().any(Issue::is_error) {
            return limits;
        }
        let mut out = limits;
        let known = |id: &str| known_universities.is_empty() || known_universities.contains(&id);
        if self.lead_university.trim().is_empty() || !known(&self.lead_university) {
            out.push(Issue::error(
                "leadUniversity",
                "programme-spec.lead-university",
                format!("`{}` is not a known university", self.lead_university),
            ));
        }
        let o = &self.learning_opportunity;
        if !absolute_uri(&o.id) {
            out.push(Issue::error(
                "learningOpportunity.id",
                "programme-spec.id",
                format!("`{}` is not an absolute URI", o.id),
            ));
        }
        if o.opportunity_type != OpportunityType::Programme {
            out.push(Issue::error(
                "learningOpportunity.type",
                "programme-spec.type",
                "a programme specification has `type`: `programme`",
            ));
        }
        if o.units.len() < 2 {
            out.push(Issue::error(
                "learningOpportunity.units",
                "programme-spec.min-units",
                format!(
                    "a programme has two or more learning units, found {}",
                    o.units.len()
                ),
            ));
        }
        let mut ids = BTreeSet::new();
        for (i, u) in o.units.iter().enumerate() {
            let p = format!("learningOpportunity.units[{i}]");
            if !absolute_uri(&u.id) {
                out.push(Issue::error(
                    format!("{p}.id"),
                    "programme-spec.unit-id",
                    format!("`{}` is not an absolute URI", u.id),
                ));
            } else if !ids.insert(u.id.as_str()) || u.id == o.id {
                out.push(Issue::error(
                    format!("{p}.id"),
                    "programme-spec.unit-id",
                    format!("`{}` is used twice", u.id),
                ));
            }
            if !known(&u.university) {
                out.push(Issue::error(
                    format!("{p}.university"),
                    "programme-spec.unit-university",
                    format!("`{}` is not a known university", u.university),
                ));
            }
            if u.workload.ects.is_none() {
                out.push(Issue::error(
                    format!("{p}.workload.ects"),
                    "programme-spec.unit-ects",
                    "state the unit's ECTS credits",
                ));
            }
        }
        let electives: Vec<_> = o
            .units
            .iter()
            .filter(|u| u.component == ComponentStatus::Elective)
            .collect();
        let r = &self.rules;
        if r.min_elective_units as usize > electives.len() {
            out.push(Issue::error(
                "rules.minElectiveUnits",
                "programme-spec.electives",
                format!(
                    "{} elective unit(s) required but the programme has {}",
                    r.min_elective_units,
                    electives.len()
                ),
            ));
        }
        let elective_ects = electives
            .iter()
            .filter_map(|u| u.workload.ects)
            .fold(Credits::default(), |a, b| a + b);
        if let Some(min) = r.min_elective_ects {
            if min > elective_ects {
                out.push(Issue::error(
                    "rules.minElectiveEcts",
                    "programme-spec.electives",
                    format!("{min} elective ECTS required but all electives together give {elective_ects}"),
                ));
            }
        }
        let all_ects = o
            .units
            .iter()
            .filter_map(|u| u.workload.ects)
            .fold(Credits::default(), |a, b| a + b);
        if let Some(min) = self.min_total_ects() {
            if min > all_ects {
                out.push(Issue::error(
                    if r.min_total_ects.is_some() {
                        "rules.minTotalEcts"
                    } else {
                        "learningOpportunity.workload.ects"
                    },
                    "programme-spec.total-ects",
                    format!("{min} ECTS required but all units together give {all_ects}"),
                ));
            }
        }
        if let Some(l) = &self.primary_language {
            if l.len() != 2 || !l.bytes().all(|b| b.is_ascii_lowercase()) {
                out.push(Issue::error(
                    "primaryLanguage",
                    "programme-spec.primary-language",
                    format!("`{l}` is not an ISO 639-1 code"),
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> ProgrammeSpec {
        let text = include_str!("../../../examples/stack/programme.json");
        parse_programme(text).unwrap()
    }

    #[test]
    fn example_is_valid_and_outlines() {
        let p = example();
        assert_eq!(p.validate(&["tudelft", "eth", "wut", "polimi"]), vec![]);
        let o = p.outline();
        assert_eq!(o.units.len(), 4);
        assert_eq!(o.units.iter().filter(|u| u.obligatory).count(), 2);
        assert_eq!(o.rules.min_total_ects, Some(Credits::whole(12)));
        assert_eq!(
            o.unit(&o.units[2].specification_id)
                .map(|u| u.university.as_str()),
            Some("eth")
        );
    }

    fn rules(issues: &[Issue]) -> Vec<(&str, &str)> {
        issues.iter().map(|i| (i.path.as_str(), i.rule)).collect()
    }

    #[test]
    fn every_rule_is_reported_with_its_field() {
        let mut p = example();
        p.lead_university = "nowhere".into();
        p.learning_opportunity.opportunity_type = OpportunityType::Mooc;
        p.learning_opportunity.units[1].id = p.learning_opportunity.units[0].id.clone();
        p.learning_opportunity.units[2].university = "atlantis".into();
        p.learning_opportunity.units[3].workload.ects = None;
        p.rules.min_elective_units = 5;
        p.rules.min_total_ects = Some(Credits::whole(100));
        p.primary_language = Some("English".into());
        let issues = p.validate(&["tudelft", "eth", "wut", "polimi"]);
        let r = rules(&issues);
        for want in [
            ("leadUniversity", "programme-spec.lead-university"),
            ("learningOpportunity.type", "programme-spec.type"),
            ("learningOpportunity.units[1].id", "programme-spec.unit-id"),
            (
                "learningOpportunity.units[2].university",
                "programme-spec.unit-university",
            ),
            (
                "learningOpportunity.units[3].workload.ects",
                "programme-spec.unit-ects",
            ),
            ("rules.minElectiveUnits", "programme-spec.electives"),
            ("rules.minTotalEcts", "programme-spec.total-ects"),
            ("primaryLanguage", "programme-spec.primary-language"),
        ] {
            assert!(r.contains(&want), "{want:?} missing from {r:?}");
        }
        assert!(issues.iter().all(Issue::is_error));
        for i in &issues {
            assert!(
                PROGRAMME_RULES.iter().any(|(c, _)| *c == i.rule),
                "{} not listed",
                i.rule
            );
        }
    }

    #[test]
    fn elective_ects_rule_and_single_unit() {
        let mut p = example();
        p.rules.min_elective_ects = Some(Credits::whole(50));
        p.learning_opportunity.units.truncate(1);
        let r = p.validate(&[]);
        assert!(
            rules(&r).contains(&("rules.minElectiveEcts", "programme-spec.electives")),
            "{r:?}"
        );
        assert!(
            rules(&r).contains(&("learningOpportunity.units", "programme-spec.min-units")),
            "{r:?}"
        );
    }

    #[test]
    fn parse_error_names_the_field() {
        let text = include_str!("../../../examples/stack/programme.json")
            .replace("\"leadUniversity\"", "\"leadUni\"");
        let e = parse_programme(&text).unwrap_err();
        assert_eq!(e.rule, "programme-spec.parse");
        assert!(e.message.contains("leadUni"), "{}", e.message);
    }
}
