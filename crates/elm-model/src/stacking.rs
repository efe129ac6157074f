//! The programme stacking rules: what adds up towards a programme, separate from verifying the
//! unit credentials (MS18 §4.1 "(micro-credential) programme", §7.4 "Implementing ILOs"; standard
//! element 15 "integration/stackability" of the Council Recommendation of 16 June 2022 on
//! micro-credentials). A shared domain concept: the verifier's stack check (`verifier::stack`)
//! and the issuer's programme certificates both apply these rules.
//!
//! - [`LearnerKey`]: do two credentials belong to the same learner? A shared identifier (same
//!   scheme name and value), else full name and date of birth; an identifier of the same scheme
//!   with a different value is a different learner.
//! - [`evaluate_rules`]: the elective rule (units and ECTS) and the credit rule (the programme's
//!   minimum) over the units proven.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::award::Credits;
use crate::programme::ProgrammeOutline;
use crate::view::{CredentialView, Decimal};

/// The learner the credentials must belong to, when the caller knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpectedLearner {
    /// Full name ("given names" + " " + "family names").
    pub full_name: String,
    /// Date of birth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<NaiveDate>,
    /// Identifiers as (scheme name, value).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<(Option<String>, String)>,
}

/// The learner as compared: name, date of birth and identifiers, normalised (white space folded,
/// lower case).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LearnerKey {
    name: Option<String>,
    dob: Option<NaiveDate>,
    ids: Vec<(Option<String>, String)>,
}

fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl LearnerKey {
    /// The learner of a credential.
    pub fn of_view(v: &CredentialView) -> Self {
        Self {
            name: v.learner_full_name().map(|n| norm(&n)),
            dob: v.learner_date_of_birth(),
            ids: v
                .learner_identifiers()
                .into_iter()
                .filter_map(|i| Some((i.scheme().map(norm), norm(&i.value()?))))
                .collect(),
        }
    }

    /// The learner the caller names.
    pub fn of_expected(e: &ExpectedLearner) -> Self {
        Self {
            name: Some(norm(&e.full_name)),
            dob: e.date_of_birth,
            ids: e
                .identifiers
                .iter()
                .map(|(s, v)| (s.as_deref().map(norm), norm(v)))
                .collect(),
        }
    }

    /// `Ok(rule)` (`identifier` or `name-and-date-of-birth`) or `Err(why not)`.
    pub fn matches(&self, other: &LearnerKey) -> Result<&'static str, String> {
        let shared = self.ids.iter().any(|(s1, v1)| {
            other
                .ids
                .iter()
                .any(|(s2, v2)| v1 == v2 && (s1 == s2 || s1.is_none() || s2.is_none()))
        });
        if shared {
            return Ok("identifier");
        }
        let conflicting = self
            .ids
            .iter()
            .find(|(s1, _)| s1.is_some() && other.ids.iter().any(|(s2, _)| s1 == s2));
        if let Some((Some(scheme), _)) = conflicting {
            return Err(format!(
                "another learner: the identifier `{scheme}` differs"
            ));
        }
        match (&self.name, &other.name, self.dob, other.dob) {
            (Some(a), Some(b), Some(d1), Some(d2)) if a == b && d1 == d2 => Ok("name-and-date-of-birth"),
            (Some(a), Some(b), _, _) if a != b => Err(format!("another learner: `{b}` is not `{a}`")),
            (_, _, Some(d1), Some(d2)) if d1 != d2 => Err(format!("another learner: born {d2}, not {d1}")),
            _ => Err("cannot establish that this is the same learner: no shared identifier, and name or date of birth missing".into()),
        }
    }
}

/// ECTS credits of a credential's decimal, exactly when it has at most two decimals.
pub fn credits_of(d: Decimal) -> Credits {
    Credits::parse(&d.to_string())
        .unwrap_or_else(|| Credits::from_hundredths((d.to_f64().max(0.0) * 100.0).floor() as u64))
}

/// The elective rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ElectiveCheck {
    /// Elective units required.
    pub min_units: u32,
    /// Elective units proven.
    pub units: u32,
    /// Elective ECTS required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ects: Option<Credits>,
    /// Elective ECTS proven.
    pub ects: Credits,
    /// Whether the rule is met.
    pub ok: bool,
}

/// The credit rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreditCheck {
    /// ECTS of the proven units.
    pub total: Credits,
    /// ECTS required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<Credits>,
    /// Whether the rule is met.
    pub ok: bool,
}

/// What the rules say about the units proven.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesOutcome {
    /// The elective rule.
    pub electives: ElectiveCheck,
    /// The credit rule.
    pub credits: CreditCheck,
    /// One sentence per rule not met.
    pub problems: Vec<String>,
}

/// Evaluates the programme's elective and credit rules over `proven`: (index of the unit in
/// `outline.units`, ECTS counted for it). An index outside the outline counts as obligatory.
pub fn evaluate_rules(outline: &ProgrammeOutline, proven: &[(usize, Credits)]) -> RulesOutcome {
    let rules = &outline.rules;
    let mut problems = Vec::new();
    let elective: Vec<Credits> = proven
        .iter()
        .filter(|(k, _)| outline.units.get(*k).is_some_and(|u| !u.obligatory))
        .map(|(_, c)| *c)
        .collect();
    let elective_ects = elective.iter().fold(Credits::default(), |a, b| a + *b);
    let elective_units = u32::try_from(elective.len()).unwrap_or(u32::MAX);
    let electives_ok = elective_units >= rules.min_elective_units
        && rules.min_elective_ects.is_none_or(|m| elective_ects >= m);
    if !electives_ok {
        problems.push(format!(
            "elective rule not met: {elective_units} elective unit(s) with {elective_ects} ECTS, the programme requires {} unit(s){}",
            rules.min_elective_units,
            rules.min_elective_ects.map(|m| format!(" and {m} ECTS")).unwrap_or_default()
        ));
    }
    let total = proven.iter().fold(Credits::default(), |a, (_, c)| a + *c);
    let credits_ok = rules.min_total_ects.is_none_or(|m| total >= m);
    if !credits_ok {
        problems.push(format!(
            "credits do not add up: {total} ECTS proven, the programme requires {}",
            rules.min_total_ects.unwrap_or_default()
        ));
    }
    RulesOutcome {
        electives: ElectiveCheck {
            min_units: rules.min_elective_units,
            units: elective_units,
            min_ects: rules.min_elective_ects,
            ects: elective_ects,
            ok: electives_ok,
        },
        credits: CreditCheck {
            total,
            required: rules.min_total_ects,
            ok: credits_ok,
        },
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::programme::{OutlineUnit, StackRules};

    fn key(name: &str, dob: Option<&str>, ids: &[(&str, &str)]) -> LearnerKey {
        LearnerKey {
            name: Some(norm(name)),
            dob: dob.map(|d| d.parse().unwrap()),
            ids: ids.iter().map(|(s, v)| (Some(norm(s)), norm(v))).collect(),
        }
    }

    #[test]
    fn learner_rules() {
        let a = key(
            "Felix  Wagner",
            Some("2002-01-09"),
            &[("Student ID at RWTH", "412877")],
        );
        assert_eq!(
            a.matches(&key(
                "felix wagner",
                Some("2002-01-09"),
                &[("Student ID at RWTH", "412877")]
            )),
            Ok("identifier")
        );
        // Shared identifier wins over a differently written name.
        assert_eq!(
            a.matches(&key("F. Wagner", None, &[("Student ID at RWTH", "412877")])),
            Ok("identifier")
        );
        // Same scheme, other value: another learner even with the same name and birthday.
        assert!(a
            .matches(&key(
                "Felix Wagner",
                Some("2002-01-09"),
                &[("Student ID at RWTH", "999")]
            ))
            .unwrap_err()
            .contains("identifier"));
        // No shared scheme: name and date of birth.
        assert_eq!(
            a.matches(&key(
                "Felix Wagner",
                Some("2002-01-09"),
                &[("Student ID at ETH", "1")]
            )),
            Ok("name-and-date-of-birth")
        );
        assert!(a
            .matches(&key("Anna Berg", Some("2002-01-09"), &[]))
            .unwrap_err()
            .contains("anna berg"));
        assert!(a
            .matches(&key("Felix Wagner", Some("2001-01-09"), &[]))
            .unwrap_err()
            .contains("born"));
        assert!(a
            .matches(&key("Felix Wagner", None, &[]))
            .unwrap_err()
            .contains("cannot establish"));
        let expected = ExpectedLearner {
            full_name: "FELIX wagner".into(),
            date_of_birth: "2002-01-09".parse().ok(),
            identifiers: vec![],
        };
        assert_eq!(
            LearnerKey::of_expected(&expected).matches(&a),
            Ok("name-and-date-of-birth")
        );
    }

    #[test]
    fn credits_convert_exactly() {
        assert_eq!(
            credits_of("7.5".parse().unwrap()),
            Credits::from_hundredths(750)
        );
        assert_eq!(credits_of(Decimal::from_int(12)), Credits::whole(12));
    }

    #[test]
    fn elective_and_credit_rules() {
        let unit = |id: &str, obligatory: bool, ects: u32| OutlineUnit {
            specification_id: id.into(),
            title: id.into(),
            university: "eth".into(),
            obligatory,
            ects: Some(Credits::whole(ects)),
        };
        let outline = ProgrammeOutline {
            id: "p".into(),
            title: "P".into(),
            lead_university: None,
            units: vec![unit("a", true, 5), unit("b", false, 5), unit("c", false, 3)],
            rules: StackRules {
                min_elective_units: 1,
                min_elective_ects: Some(Credits::whole(4)),
                min_total_ects: Some(Credits::whole(10)),
            },
        };
        let ok = evaluate_rules(&outline, &[(0, Credits::whole(5)), (1, Credits::whole(5))]);
        assert!(ok.electives.ok && ok.credits.ok && ok.problems.is_empty());
        assert_eq!(
            (ok.electives.units, ok.credits.total),
            (1, Credits::whole(10))
        );
        let short = evaluate_rules(&outline, &[(0, Credits::whole(5)), (2, Credits::whole(3))]);
        assert!(!short.electives.ok && !short.credits.ok);
        assert!(short.problems[0].contains("elective rule not met: 1 elective unit(s) with 3 ECTS"));
        assert!(short.problems[1].contains("8 ECTS proven, the programme requires 10"));
    }
}
