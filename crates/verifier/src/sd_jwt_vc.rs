//! SD-JWT VC verification (issue #16): issuer signature (x5c chain or JWT VC issuer metadata), disclosures and `_sd` digests, `cnf` and Key Binding JWT, Token Status List, expiry, trust and awarding body.
//!
//! Implements the verifier side of SD-JWT VC (draft-ietf-oauth-sd-jwt-vc: §3.2 the `typ`
//! `dc+sd-jwt` and the claims `iss`, `vct`, `cnf`, `status`; §3.5 the issuer key from `x5c` or
//! §4 the JWT VC Issuer Metadata) over RFC 9901 (SD-JWT: §7.1 Disclosures, §7.3 the Key Binding
//! JWT; [`proofs::sd_jwt`]) and the IETF Token Status List ([`proofs::token_status_list`]), in the
//! verifier's report model ([`Report`]), with the same checks and wording as credentials:
//! - `format`: `typ`, `vct`, `iss`;
//! - `proof`: the issuer signature, every Disclosure matched to one digest, the holder binding
//!   (`cnf.jwk` and the Key Binding JWT: checked when presented, demanded when
//!   [`SdJwtVcOptions::require_key_binding`]), one detail each; the signer is the seal
//!   certificate of `x5c`, or `iss` when its metadata key signed;
//! - `revocation`: the Token Status List entry (VALID / INVALID (revoked) / SUSPENDED; a token that
//!   cannot be fetched is "could not check");
//! - `expiry`: `exp`, `nbf`, `iat`;
//! - `trust`: the x5c chain to the seal anchors and the registry member it names, or `iss` as a
//!   registry member (its did:web equivalent, [`issuer_key::did_web_of`]);
//! - `awarding-body`: the issuer is the ENHANCE member that awards, or names the awarding body.
//!
//! The disclosed claims (the processed payload) are in [`Report::disclosed`].

mod issuer_key;
mod token_status;

use chrono::{DateTime, SecondsFormat, Utc};
use proofs::sd_jwt::{KeyBindingRules, SdJwt};
use serde_json::{json, Map, Value};

use crate::clock::Clock;
use crate::fetch::Session;
use crate::policy::Policy;
use crate::registry::Member;
use crate::report::{CheckKind, CheckResult, CheckStatus, Report, SubCheck};
use crate::verify::Identity;
use issuer_key::{IssuerKeys, KeySource};

pub use issuer_key::did_web_of;

/// What the verifier demands of the holder binding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SdJwtVcOptions {
    /// The nonce the verifier gave the holder (the Key Binding JWT's `nonce`).
    pub nonce: Option<String>,
    /// This verifier's identifier (the Key Binding JWT's `aud`).
    pub aud: Option<String>,
    /// Refuse a presentation without a Key Binding JWT.
    pub require_key_binding: bool,
}

/// Whether `input` looks like an SD-JWT (`<JWT>~...`): base64url, dots and tildes, the first part
/// a compact JWS.
pub fn looks_like_sd_jwt(input: &[u8]) -> bool {
    let s = input.trim_ascii();
    let first = s.split(|c| *c == b'~').next().unwrap_or_default();
    s.starts_with(b"ey")
        && s.contains(&b'~')
        && first.iter().filter(|c| **c == b'.').count() == 2
        && s.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~'))
}

/// Verifies an SD-JWT VC (or SD-JWT VC+KB) at the clock's time.
pub fn verify_sd_jwt_vc(
    input: &str,
    options: &SdJwtVcOptions,
    policy: &Policy,
    clock: &dyn Clock,
) -> Report {
    if input.len() > policy.max_credential_bytes {
        return crate::verify::over_budget(
            policy,
            format!(
                "the credential is {} bytes, more than this verifier reads ({} bytes, limit max_credential_bytes)",
                input.len(),
                policy.max_credential_bytes
            ),
        );
    }
    let sd = match SdJwt::parse(input) {
        Ok(sd) => sd,
        Err(e) => return crate::verify::unreadable(policy, format!("not an SD-JWT VC: {e}")),
    };
    let signed = match sd.signed_payload() {
        Ok(p) => p,
        Err(e) => return crate::verify::unreadable(policy, format!("not an SD-JWT VC: {e}")),
    };
    let now = clock.now();
    let session = Session::new(policy, now);
    let iss = signed.get("iss").and_then(Value::as_str);
    let mut reqs = issuer_key::requests(&sd.jws.header, iss, policy);
    if policy.runs(CheckKind::Revocation) {
        reqs.extend(token_status::requests(&signed, policy));
    }
    session.prefetch(reqs);
    let keys = issuer_key::resolve(&sd.jws.header, iss, policy, &session, now);
    let rules = KeyBindingRules {
        required: options.require_key_binding,
        nonce: options.nonce.as_deref(),
        aud: options.aud.as_deref(),
        ..KeyBindingRules::optional(now)
    };
    let (proof, processed) = check_proof(&sd, &keys, &rules);
    // The issuer's key counts once the issuer signature verified, even if a Disclosure or the
    // holder binding then failed: who signed is still known (trust, status, signer).
    let signature_ok = proof
        .details
        .first()
        .is_some_and(|d| d.name == "issuer-signature" && d.status == CheckStatus::Ok);
    let keys = keys.ok().filter(|_| signature_ok);
    let payload = processed.as_ref().unwrap_or(&signed);
    let member = iss.and_then(|i| member_of(i, policy));
    let mut checks = Vec::new();
    for kind in CheckKind::ALL {
        if !policy.runs(kind) {
            checks.push(CheckResult::skipped(kind, "not selected"));
            continue;
        }
        checks.push(match kind {
            CheckKind::Format => check_format(&sd, &signed),
            CheckKind::Proof => proof.clone(),
            CheckKind::Expiry => check_expiry(payload, now),
            CheckKind::Revocation => {
                token_status::check(payload, keys.as_ref(), policy, &session, now)
            }
            CheckKind::Trust => check_trust(iss, keys.as_ref(), member, policy),
            CheckKind::AwardingBody => check_awarding(payload, iss, member, &proof),
        });
    }
    let signer = keys
        .as_ref()
        .filter(|_| proof.status == CheckStatus::Ok)
        .and_then(|k| crate::verify::signer_identity(&identity(k, iss), policy))
        .map(|mut s| {
            // A metadata key: `iss` is no DID, its registry entry is found through did:web.
            if s.registry_name.is_none() && s.kind == crate::report::SignerKind::Did {
                s.registry_name = member.map(|m| m.name().to_string());
            }
            s
        });
    Report::from_checks(checks)
        .with_signer(signer)
        .with_advisory(&policy.advisory)
        .with_disclosed(processed)
}

/// The registry member an `iss` names (through its did:web equivalent).
fn member_of<'p>(iss: &str, policy: &'p Policy) -> Option<&'p Member> {
    did_web_of(iss).and_then(|did| policy.registry.member_by_did(&did))
}

/// The proof check's [`Identity`]: the x5c seal, or `iss` (its metadata key signed).
fn identity(keys: &IssuerKeys, iss: Option<&str>) -> Identity {
    match &keys.source {
        KeySource::X5c(report) => Identity::Seal(report.clone()),
        KeySource::Metadata { .. } => Identity::Did(iss.unwrap_or_default().to_string()),
    }
}

fn sub(name: &str, status: CheckStatus, message: impl Into<String>) -> SubCheck {
    SubCheck {
        name: name.into(),
        status,
        message: message.into(),
    }
}

/// The proof check: issuer signature, Disclosures, holder binding (one detail each), and the
/// processed payload when the Disclosures check out.
fn check_proof(
    sd: &SdJwt,
    keys: &Result<IssuerKeys, issuer_key::KeyFailure>,
    rules: &KeyBindingRules<'_>,
) -> (CheckResult, Option<Map<String, Value>>) {
    use CheckStatus::{Failed, Ok, Skipped};
    let k = CheckKind::Proof;
    let keys = match keys {
        Result::Ok(keys) => keys,
        Err((status, why)) => {
            return (
                CheckResult::new(k, *status, format!("SD-JWT VC: {why}")),
                None,
            )
        }
    };
    let alg = sd
        .jws
        .algorithm()
        .map(|a| a.jose_name())
        .unwrap_or("unknown");
    let from = match &keys.source {
        KeySource::X5c(r) => format!(
            "the x5c certificate {} ({})",
            r.signer.subject,
            crate::report::seal_label(
                r.signer.organisation.as_deref(),
                r.signer.organisation_identifier.as_deref()
            )
        ),
        KeySource::Metadata { url } => format!("a key of the issuer metadata {url}"),
    };
    let mut details = Vec::new();
    let signature = keys
        .keys
        .iter()
        .map(|key| sd.verify_signature(key))
        .find(Result::is_ok)
        .unwrap_or_else(|| {
            keys.keys
                .first()
                .map_or(Result::Ok(()), |key| sd.verify_signature(key))
        });
    if let Err(e) = signature {
        let msg =
            format!("SD-JWT VC: the issuer signature ({alg}) does not verify with {from}: {e}");
        return (CheckResult::failed(k, msg), None);
    }
    details.push(sub(
        "issuer-signature",
        Ok,
        format!("issuer-signed JWT ({alg}) verified with {from}"),
    ));
    let (payload, disclosed) = match sd.process() {
        Result::Ok(p) => p,
        Err(e) => {
            let mut r = CheckResult::failed(k, format!("SD-JWT VC: {e}"));
            details.push(sub("disclosures", Failed, e.to_string()));
            r.details = details;
            return (r, None);
        }
    };
    let hidden = disclosed
        .iter()
        .find(|c| proofs::sd_jwt::must_stay_visible(&c.path));
    if let Some(c) = hidden {
        let why = format!(
            "{} is in a Disclosure, but SD-JWT VC §3.2.2.2 forbids making it selectively disclosable (a holder could withhold it)",
            c.path
        );
        let mut r = CheckResult::failed(k, format!("SD-JWT VC: {why}"));
        details.push(sub("disclosures", Failed, why));
        r.details = details;
        return (r, None);
    }
    let paths: Vec<&str> = disclosed.iter().map(|c| c.path.as_str()).collect();
    details.push(sub(
        "disclosures",
        Ok,
        format!(
            "{} disclosure(s), each matching one digest (RFC 9901 §7.1){}",
            disclosed.len(),
            if paths.is_empty() {
                String::new()
            } else {
                format!(": {}", paths.join(", "))
            }
        ),
    ));
    let binding = match sd.verify_key_binding(&payload, rules) {
        Result::Ok(Some(kb)) => sub(
            "holder-binding",
            Ok,
            format!(
                "Key Binding JWT by the holder key of cnf.jwk verified (aud {}, nonce {}, iat {})",
                kb.aud,
                kb.nonce,
                show(kb.iat)
            ),
        ),
        Result::Ok(None) if payload.contains_key("cnf") => sub(
            "holder-binding",
            Skipped,
            "bound to the holder key of cnf.jwk; no Key Binding JWT presented, so possession was not proven",
        ),
        Result::Ok(None) => sub(
            "holder-binding",
            Skipped,
            "no cnf: the credential is not bound to a holder key",
        ),
        Err(e) => sub("holder-binding", Failed, e.to_string()),
    };
    let failed = binding.status == Failed;
    let binding_msg = binding.message.clone();
    details.push(binding);
    let mut r = if failed {
        CheckResult::failed(k, format!("SD-JWT VC holder binding: {binding_msg}"))
    } else {
        CheckResult::ok(
            k,
            format!(
                "SD-JWT VC signature ({alg}) verified with {from}; {} disclosure(s) verified",
                disclosed.len()
            ),
        )
    };
    r.details = details;
    (r, Some(payload))
}

/// The format check: `typ` `dc+sd-jwt` (or the earlier `vc+sd-jwt`), a `vct` and an `iss`
/// (SD-JWT VC §3.2.1, §3.2.2.2).
fn check_format(sd: &SdJwt, signed: &Map<String, Value>) -> CheckResult {
    let k = CheckKind::Format;
    let typ = sd.jws.typ();
    if !matches!(
        typ,
        Some(proofs::sd_jwt::TYP_SD_JWT_VC | proofs::sd_jwt::TYP_SD_JWT_VC_LEGACY)
    ) {
        return CheckResult::failed(
            k,
            format!(
                "typ is {}, not \"dc+sd-jwt\" (SD-JWT VC §3.2.1)",
                typ.map_or_else(|| "missing".to_string(), |t| format!("{t:?}"))
            ),
        );
    }
    let Some(vct) = signed.get("vct").and_then(Value::as_str) else {
        return CheckResult::failed(k, "vct: required string (SD-JWT VC §3.2.2.1.1)");
    };
    let Some(iss) = signed.get("iss").and_then(Value::as_str) else {
        return CheckResult::failed(
            k,
            "iss: required here (the issuer is found and trusted by it; SD-JWT VC §3.2.2.2)",
        );
    };
    let mut r = CheckResult::ok(
        k,
        format!(
            "SD-JWT VC (typ {}) of type {vct} from {iss}",
            typ.unwrap_or_default()
        ),
    );
    if typ == Some(proofs::sd_jwt::TYP_SD_JWT_VC_LEGACY) {
        r.warnings.push(crate::report::Warning {
            code: "legacy-typ".into(),
            member: Some("typ".into()),
            path: None,
            message: "typ vc+sd-jwt is the name before SD-JWT VC draft 06; dc+sd-jwt is current"
                .into(),
        });
    }
    r
}

fn show(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The expiry check over `nbf`, `iat` and `exp` (RFC 7519 §4.1.4-4.1.6), worded like the
/// credentials' ([`crate::validity`]).
fn check_expiry(payload: &Map<String, Value>, now: DateTime<Utc>) -> CheckResult {
    let k = CheckKind::Expiry;
    let mut parts = Vec::new();
    for (field, is_start) in [("nbf", true), ("iat", true), ("exp", false)] {
        let Some(v) = payload.get(field) else {
            continue;
        };
        let Some(t) = v
            .as_i64()
            .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
        else {
            let shown: String = v.to_string().chars().take(60).collect();
            return CheckResult::failed(k, format!("{field} {shown} is not a NumericDate"));
        };
        if is_start && t > now {
            return CheckResult::failed(
                k,
                format!(
                    "not yet valid: {field} is {}, after the verification time {}",
                    show(t),
                    show(now)
                ),
            );
        }
        // RFC 7519 §4.1.4: the current time must be before `exp` (at `exp` it has expired).
        if !is_start && t <= now {
            return CheckResult::failed(
                k,
                format!(
                    "expired: {field} was {}, before the verification time {}",
                    show(t),
                    show(now)
                ),
            );
        }
        parts.push(format!("{field} {}", show(t)));
    }
    if parts.is_empty() {
        CheckResult::ok(
            k,
            format!("no validity period stated; valid at {}", show(now)),
        )
    } else {
        CheckResult::ok(k, format!("valid at {} ({})", show(now), parts.join(", ")))
    }
}

/// The trust check (once the issuer signature verified): an x5c seal as JAdES seals are judged ([`crate::verify::seal_trust`], with
/// `iss` as the issuer a member's seal must match); a metadata key by `iss` being a member.
fn check_trust(
    iss: Option<&str>,
    keys: Option<&IssuerKeys>,
    member: Option<&Member>,
    policy: &Policy,
) -> CheckResult {
    let k = CheckKind::Trust;
    let iss_shown = iss.unwrap_or("not named");
    let Some(keys) = keys else {
        return CheckResult::skipped(
            k,
            format!("not checked: no proof verified, so the signer is unknown; the credential claims to be issued by {iss_shown}"),
        );
    };
    match (&keys.source, member) {
        (KeySource::X5c(report), _) => {
            let issuer = iss.and_then(did_web_of).unwrap_or_else(|| iss_shown.into());
            crate::verify::seal_trust(&json!({ "issuer": issuer }), report, policy)
        }
        (KeySource::Metadata { .. }, Some(m)) => CheckResult::ok(
            k,
            format!("issuer {iss_shown} is {} ({}), an ENHANCE member in the trusted-issuer registry", m.name(), m.id),
        ),
        (KeySource::Metadata { .. }, None) => CheckResult::new(
            k,
            CheckStatus::Unknown,
            format!(
                "issuer {iss_shown} is on none of the trust sources this service uses ({}): this service does not know this issuer",
                crate::verify::TRUST_SOURCES
            ),
        ),
    }
}

/// Claims of the learning credential that name the awarding organisation, most specific first.
const AWARDING_BODY_CLAIMS: [&str; 3] =
    ["awarding_body", "issuing_authority", "awarding_body_name"];

/// The awarding-body check: the awarding body the credential names (if it names one) is the
/// registry member `iss` is, or that member awards on behalf of the ENHANCE Alliance.
fn check_awarding(
    payload: &Map<String, Value>,
    iss: Option<&str>,
    member: Option<&Member>,
    proof: &CheckResult,
) -> CheckResult {
    let k = CheckKind::AwardingBody;
    let iss_shown = iss.unwrap_or("not named");
    let suffix = if proof.status == CheckStatus::Ok {
        ""
    } else {
        " (as claimed: the proof did not verify)"
    };
    let Some(m) = member else {
        return CheckResult::skipped(
            k,
            format!("not checked: the issuer {iss_shown} is no ENHANCE member, so no awarding rule applies (see the trust check)"),
        );
    };
    let named = AWARDING_BODY_CLAIMS.iter().find_map(|c| {
        payload.get(*c).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other
                .get("name")
                .and_then(Value::as_str)
                .map_or_else(|| other.to_string(), str::to_string),
        })
    });
    match named {
        Some(body) if !m.has_legal_name(&body) && !on_behalf(&body) => CheckResult::failed(
            k,
            format!("the credential names {body:?} as awarding body, but it is issued by {} ({}){suffix}", m.name(), m.id),
        ),
        Some(body) => CheckResult::ok(
            k,
            format!("awarded by {body}, issued by {} ({}), an ENHANCE member{suffix}", m.name(), m.id),
        ),
        None => CheckResult::ok(
            k,
            format!("awarded by the issuer {iss_shown}: {} ({}), an ENHANCE member{suffix}", m.name(), m.id),
        ),
    }
}

fn on_behalf(text: &str) -> bool {
    crate::ON_BEHALF_PHRASES
        .iter()
        .any(|(_, phrase)| text.contains(phrase))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sd_jwts_are_told_from_jwts_and_json() {
        assert!(looks_like_sd_jwt(b"eyJh.eyJi.c2ln~WyJh~"));
        assert!(looks_like_sd_jwt(b" eyJh.eyJi.c2ln~ \n"));
        assert!(looks_like_sd_jwt(b"eyJh.eyJi.c2ln~WyJh~eyJr.eyJw.c2ln"));
        for not in [
            &b"eyJh.eyJi.c2ln"[..],
            b"{\"a\": \"~\"}",
            b"eyJh.eyJi~",
            b"eyJh.eyJi.c2ln~<script>",
        ] {
            assert!(!looks_like_sd_jwt(not), "{}", String::from_utf8_lossy(not));
        }
    }
}
