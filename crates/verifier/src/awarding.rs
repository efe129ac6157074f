//! The `awarding-body` check: who awarded each claim, and may the signing university say so?
//!
//! ELM v3.2 (`LearningAchievement` … `awardedBy` → `AwardingProcess` → `awardingBody`) and the
//! ENHANCE rule of MS18 §5.1 "Awarding body": the Alliance has no legal status, so every claim is
//! awarded by a member university. A claim's awarding body must be the signing university (same
//! DID, or same legal identifier / legal name as its registry entry) — unless the signing
//! university states, in the awarding process of a top-level claim it awards itself, that it
//! awards **on behalf of the ENHANCE Alliance** (the statement `elm_model::build` writes for
//! micro-credentials, `elm_model::text::awarding_statement`); then parts awarded by other ENHANCE
//! members are fine. A body outside the registry never is. (EDC's "issued by mandate" profile,
//! EDC-issuedByMandate.ttl, is the EU's general form of this; ENHANCE keys the rule on the
//! statement its builder writes.)

use elm_model::view::{all_awarded_claims, read_awarded_claims, AwardingProcess, Organisation};
use serde_json::Value;

use crate::format::types;
use crate::registry::{Member, TrustRegistry};
use crate::report::{CheckKind, CheckResult};

/// How the builder says "on behalf of the ENHANCE Alliance", per language (mirrors
/// `elm_model::text::awarding_statement`; a unit test keeps them in step).
pub const ON_BEHALF_PHRASES: [(&str, &str); 5] = [
    ("en", "on behalf of the ENHANCE Alliance"),
    ("de", "im Namen der ENHANCE-Allianz"),
    ("nl", "namens de ENHANCE-alliantie"),
    ("pl", "w imieniu Sojuszu ENHANCE"),
    ("it", "per conto dell'Alleanza ENHANCE"),
];

/// Who signed, as far as the proof / seal established it.
pub(crate) struct Signer<'a> {
    /// The credential's issuer id (the key's controller for DI / JWT).
    pub did: Option<String>,
    /// Its registry entry, if any.
    pub member: Option<&'a Member>,
}

fn states_on_behalf(process: &AwardingProcess) -> bool {
    process.description.as_ref().is_some_and(|t| {
        t.iter().any(|(_, text)| {
            ON_BEHALF_PHRASES
                .iter()
                .any(|(_, phrase)| text.contains(phrase))
        })
    })
}

fn body_name(body: &Organisation) -> String {
    match (body.legal_name("en"), body.id()) {
        (Some(n), Some(id)) => format!("{n} ({id})"),
        (Some(n), None) => n.to_string(),
        (None, Some(id)) => id.to_string(),
        (None, None) => "an unnamed organisation".into(),
    }
}

/// The registry member `body` denotes, if any: by DID, else legal identifier, else legal name.
fn member_of<'r>(body: &Organisation, registry: &'r TrustRegistry) -> Option<&'r Member> {
    if let Some(id) = body.id() {
        if let Some(m) = registry.member_by_did(id) {
            return Some(m);
        }
        if id.starts_with("did:") {
            // A DID that is no member's: the legal name cannot make it one.
            return None;
        }
    }
    body.eidas_identifier
        .iter()
        .filter_map(|i| i.value())
        .find_map(|n| registry.member_by_identifier(&n))
        .or_else(|| {
            body.legal_name
                .as_ref()
                .and_then(|t| t.iter().find_map(|(_, n)| registry.member_by_legal_name(n)))
        })
}

fn is_signer(body: &Organisation, signer: &Signer<'_>, registry: &TrustRegistry) -> bool {
    if let (Some(id), Some(did)) = (body.id(), signer.did.as_deref()) {
        if id == did {
            return true;
        }
    }
    match (signer.member, member_of(body, registry)) {
        (Some(s), Some(b)) => s.id == b.id,
        _ => false,
    }
}

/// Runs the awarding-body check.
pub(crate) fn check(
    credential: &Value,
    signer: &Signer<'_>,
    registry: &TrustRegistry,
) -> CheckResult {
    let is_edc = types(credential).contains(&"EuropeanDigitalCredential");
    // Who awarded each claim only: reading the whole credential view (display images, issuer,
    // evidence), or even the whole claims, cost more than the rest of this check.
    let top_level = match read_awarded_claims(credential) {
        Ok(v) => v,
        Err(e) if is_edc => {
            return CheckResult::failed(
                CheckKind::AwardingBody,
                format!("cannot read the credential's claims: {e}"),
            )
        }
        Err(_) => {
            return CheckResult::skipped(
                CheckKind::AwardingBody,
                "not an EDC credential: no awarding bodies to check",
            )
        }
    };
    let claims = all_awarded_claims(&top_level);
    if claims.iter().all(|c| c.awarding_bodies().next().is_none()) {
        return if is_edc {
            CheckResult::failed(CheckKind::AwardingBody, "no claim names an awarding body")
        } else {
            CheckResult::skipped(
                CheckKind::AwardingBody,
                "not an EDC credential: no awarding bodies to check",
            )
        };
    }
    let signer_name = signer
        .member
        .map(|m| format!("{} ({})", m.name(), m.id))
        .or_else(|| signer.did.clone())
        .unwrap_or_else(|| "the unidentified signer".into());
    // "On behalf of the ENHANCE Alliance", stated by a member signer for a top-level claim it awards.
    let on_behalf = signer.member.is_some()
        && top_level.iter().any(|c| {
            c.awarded_by.iter().any(|p| {
                states_on_behalf(p)
                    && p.awarding_body
                        .iter()
                        .any(|b| is_signer(b, signer, registry))
            })
        });
    let mut failures = Vec::new();
    let mut checked = 0usize;
    let mut others = Vec::new();
    for claim in &claims {
        for body in claim.awarding_bodies() {
            checked += 1;
            if is_signer(body, signer, registry) {
                continue;
            }
            let claim_name = claim
                .title("en")
                .map(|t| format!("\"{}\"", shortened(t)))
                .or_else(|| claim.id().map(str::to_string))
                .unwrap_or_else(|| "a claim".into());
            match member_of(body, registry) {
                Some(m) if on_behalf => others.push(m.id.clone()),
                Some(m) => failures.push(format!(
                    "{claim_name} is awarded by {} ({}), not by the signing university {signer_name}, and the credential does not state that {signer_name} awards on behalf of the ENHANCE Alliance",
                    m.name(),
                    m.id
                )),
                None => failures.push(format!(
                    "{claim_name} is awarded by {}, which is neither the signing university {signer_name} nor an ENHANCE member",
                    body_name(body)
                )),
            }
        }
    }
    if !failures.is_empty() {
        return CheckResult::failed(CheckKind::AwardingBody, failures.join("; "));
    }
    others.sort();
    others.dedup();
    let msg = if others.is_empty() {
        format!("all {checked} awarding bodies are the signing university {signer_name}")
    } else {
        format!(
            "{checked} awarding bodies: the signing university {signer_name}, on behalf of the ENHANCE Alliance, and ENHANCE members {}",
            others.join(", ")
        )
    };
    CheckResult::ok(CheckKind::AwardingBody, msg)
}

/// A title as it appears in a report: at most [`REPORTED_TITLE_CHARS`] characters, cut with "…"
/// (a programme may carry 100 unit titles of up to 500 characters each; the report names them, it
/// does not reprint them).
fn shortened(title: &str) -> String {
    match title.char_indices().nth(REPORTED_TITLE_CHARS) {
        Some((cut, _)) => format!("{}…", &title[..cut]),
        None => title.to_owned(),
    }
}

/// Longest title quoted in a report message.
const REPORTED_TITLE_CHARS: usize = 80;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_are_shortened_in_reports() {
        assert_eq!(shortened("Data literacy"), "Data literacy");
        let long = "ź".repeat(500);
        let s = shortened(&long);
        assert_eq!(s.chars().count(), REPORTED_TITLE_CHARS + 1);
        assert!(s.ends_with('…'));
    }
    use elm_model::LanguageMap;

    #[test]
    fn phrases_match_the_builders_statement() {
        let mut name = LanguageMap::new();
        for (lang, _) in ON_BEHALF_PHRASES {
            name.insert(lang, "Uni X");
        }
        for (lang, phrase) in ON_BEHALF_PHRASES {
            let s = elm_model::text::awarding_statement(&name, true, &[lang.to_string()]);
            let text = s.get(lang).unwrap_or_default();
            assert!(text.contains(phrase), "{lang}: {text:?} lacks {phrase:?}");
            let member = elm_model::text::awarding_statement(&name, false, &[lang.to_string()]);
            assert!(!member.get(lang).unwrap_or_default().contains(phrase));
        }
    }
}
