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
//!
//! Credentials from outside the alliance (issue #14; the signer is no registry member): each
//! awarding body is compared with the sealing organisation, its legal identifiers (ELM
//! `eIDASIdentifier`, `vatIdentifier`, `registration`, `identifier`) against the seal
//! certificate's organisationIdentifier (ETSI EN 319 412-1 §5.1.4, `VATES-A00000000` also matching
//! `A00000000` and `ES-A00000000`), or, for a DID signer, its `id` against the issuer DID. Where
//! they differ the check reports "awarded by A, sealed by B" as information, not a failure, unless
//! the policy demands a match ([`crate::Policy::awarding_body_must_be_signer`]). An awarding body
//! that is an ENHANCE member must still be the signer (or be covered by the on-behalf statement):
//! a stranger cannot award in a member's name.

use elm_model::view::{
    all_awarded_claims, read_awarded_claims, AwardedClaim, AwardingProcess, Organisation,
};
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
    /// The sealing organisation, when a JAdES seal verified.
    pub seal: Option<SealHolder>,
    /// Outside the alliance: fail (rather than inform) when an awarding body is not the signer.
    pub must_match: bool,
}

/// The subject of a seal certificate.
pub(crate) struct SealHolder {
    /// organizationName.
    pub organisation: Option<String>,
    /// organizationIdentifier (2.5.4.97).
    pub organisation_identifier: Option<String>,
}

impl SealHolder {
    fn describe(&self) -> String {
        crate::report::seal_label(
            self.organisation.as_deref(),
            self.organisation_identifier.as_deref(),
        )
    }
}

/// Whether an ELM identifier `notation` denotes the certificate's `organisation_identifier`:
/// equal, or equal to its value without the `TTTCC-` prefix (type and country, ETSI EN 319 412-1
/// §5.1.4), with or without the country (`CC-value`, `CCvalue`). Case and spaces are ignored.
pub(crate) fn identifier_matches(notation: &str, organisation_identifier: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect()
    };
    let (n, o) = (norm(notation), norm(organisation_identifier));
    if n.is_empty() {
        return false;
    }
    if n == o {
        return true;
    }
    let prefixed = o.get(5..6) == Some("-")
        && o.get(..5)
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_alphabetic()));
    match (prefixed, o.get(3..5), o.get(6..)) {
        (true, Some(cc), Some(value)) if !value.is_empty() => {
            n == value || n == format!("{cc}-{value}") || n == format!("{cc}{value}")
        }
        _ => false,
    }
}

/// Whether `body` is the organisation holding the seal (by a legal identifier).
fn is_seal_holder(body: &Organisation, seal: &SealHolder) -> bool {
    let Some(org_id) = seal.organisation_identifier.as_deref() else {
        return false;
    };
    body.eidas_identifier
        .iter()
        .chain(body.vat_identifier.iter())
        .chain(body.registration.iter())
        .chain(body.identifier.iter())
        .filter_map(|i| i.value())
        .any(|n| identifier_matches(&n, org_id))
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
        .or_else(|| signer.seal.as_ref().map(SealHolder::describe))
        .or_else(|| signer.did.clone())
        .unwrap_or_else(|| "the unidentified signer".into());
    if signer.member.is_none() {
        return outside_alliance(&claims, signer, registry, &signer_name);
    }
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
            let claim_name = claim_label(claim);
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

/// The awarding-body check of a credential whose signer is not an ENHANCE member: each body is
/// the signer (same DID, or a legal identifier equal to the seal's organisationIdentifier), or it
/// is reported as "awarded by A, sealed by B" (a failure only under `must_match`). A body that is
/// an ENHANCE member fails: a member's award is signed by that member.
fn outside_alliance(
    claims: &[&AwardedClaim],
    signer: &Signer<'_>,
    registry: &TrustRegistry,
    signer_name: &str,
) -> CheckResult {
    let verb = if signer.seal.is_some() {
        "sealed"
    } else {
        "signed"
    };
    let (mut failures, mut differ, mut same) = (Vec::new(), Vec::new(), 0usize);
    for claim in claims {
        for body in claim.awarding_bodies() {
            let by_did = matches!((body.id(), signer.did.as_deref()), (Some(a), Some(b)) if a == b);
            let by_seal = signer
                .seal
                .as_ref()
                .is_some_and(|s| is_seal_holder(body, s));
            if by_did || by_seal {
                same += 1;
                continue;
            }
            let claim_name = claim_label(claim);
            if let Some(m) = member_of(body, registry) {
                failures.push(format!(
                    "{claim_name} is awarded by the ENHANCE member {} ({}), but {verb} by {signer_name}, which is not that member",
                    m.name(),
                    m.id
                ));
            } else {
                differ.push(format!(
                    "{claim_name}: awarded by {}, {verb} by {signer_name}",
                    body_name(body)
                ));
            }
        }
    }
    if signer.must_match {
        failures.extend(
            differ
                .iter()
                .map(|d| format!("{d} (this service requires the awarding body to be the signer)")),
        );
    }
    if !failures.is_empty() {
        return CheckResult::failed(CheckKind::AwardingBody, failures.join("; "));
    }
    differ.dedup();
    let msg = if differ.is_empty() {
        format!("all {same} awarding bodies are the signer {signer_name}")
    } else {
        format!(
            "information: the awarding body is not the signer: {}{}",
            differ.join("; "),
            if same > 0 {
                format!("; {same} other awarding bodies are the signer")
            } else {
                String::new()
            }
        )
    };
    CheckResult::ok(CheckKind::AwardingBody, msg)
}

/// A title as it appears in a report: at most [`REPORTED_TITLE_CHARS`] characters, cut with "…"
/// (a programme may carry 100 unit titles of up to 500 characters each; the report names them, it
/// does not reprint them).
/// How messages name a claim: its English title (shortened), else its id.
fn claim_label(claim: &AwardedClaim) -> String {
    claim
        .title("en")
        .map(|t| format!("\"{}\"", shortened(t)))
        .or_else(|| claim.id().map(str::to_string))
        .unwrap_or_else(|| "a claim".into())
}

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
    fn organisation_identifiers_match_legal_identifiers() {
        let o = "VATES-A00000000";
        for n in [
            "VATES-A00000000",
            "A00000000",
            "ES-A00000000",
            "esa00000000",
            " A0000 0000",
        ] {
            assert!(identifier_matches(n, o), "{n}");
        }
        for n in ["", "A00000001", "FR-A00000000x", "VATES"] {
            assert!(!identifier_matches(n, o), "{n}");
        }
        assert!(identifier_matches("NTRCH-DEMO-ETH", "NTRCH-DEMO-ETH"));
        assert!(!identifier_matches("DEMO", "NTR-X"));
    }

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
