//! What the verification page tells an employer, derived from a [`Report`] (no HTTP here).
//!
//! - [`Outcome`]: the report of one verification, the credential as given (for the human-readable
//!   certificate) and when it was checked; built from bytes ([`from_bytes`]), a parsed JSON value
//!   ([`from_value`]) or a share link fetched through the guarded fetcher ([`from_url`]; a fetch
//!   failure is "could not check", never "valid").
//! - [`Reason`]: the single plain reason shown as the headline (`data-reason` of the page), chosen
//!   from the failed checks in order of what matters most to a reader (W3C VC Data Model 2.0 §7.1:
//!   a verifier reports why verification failed; Bitstring Status List v1.0 §3.2 distinguishes
//!   revocation from suspension; §4.9 validity period).
//! - [`explain`]: each check in plain language.
//!
//! Issue #14: "intact and sealed by X" is not "X is trusted". An intact credential whose signer
//! is on none of this service's trust sources gets the headline [`Reason::UnknownIssuer`]: it
//! says who sealed or signed it and that this service does not know them, and it says neither
//! "genuine" nor "not genuine".

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::clock::Clock;
use crate::fetch::Fetcher;
use crate::policy::{NetworkPolicy, Policy};
use crate::report::{CheckKind, CheckResult, CheckStatus, Report, SignerKind, Verdict};

/// `Accept` header of credential fetches (an issuer share link answers with the EDC JSON-LD).
pub const CREDENTIAL_ACCEPT: &str = "application/ld+json, application/json";

/// One verification, ready to be shown.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The report.
    pub report: Report,
    /// The credential JSON for display (VC-JWT payload decoded, VC-API wrapper removed; a
    /// JAdES envelope or upload wrapper is kept, the renderer reads those); `None` when nothing
    /// readable was received.
    pub credential: Option<Value>,
    /// Why the credential could not be fetched, if it could not.
    pub fetch_error: Option<String>,
    /// The verification time.
    pub checked_at: DateTime<Utc>,
}

/// Verifies credential bytes (JSON or a compact VC-JWT).
pub fn from_bytes(bytes: &[u8], policy: &Policy, clock: &dyn Clock) -> Outcome {
    let report = crate::verify(bytes, policy, clock);
    let trimmed = bytes.trim_ascii();
    let credential = match strict_json::from_slice(trimmed) {
        Ok(v) => display_credential(&v),
        Err(e) if e.is_duplicate() => None,
        // An SD-JWT VC is no EDC to render: its disclosed claims are listed (Report::disclosed).
        Err(_) if crate::sd_jwt_vc::looks_like_sd_jwt(trimmed) => None,
        Err(_) => jwt_payload(&String::from_utf8_lossy(trimmed)),
    };
    Outcome {
        report,
        credential,
        fetch_error: None,
        checked_at: clock.now(),
    }
}

/// Verifies a parsed credential (object, JAdES envelope, or a VC-JWT string).
pub fn from_value(value: &Value, policy: &Policy, clock: &dyn Clock) -> Outcome {
    let report = crate::verify_json(value, policy, clock);
    Outcome {
        report,
        credential: display_credential(value),
        fetch_error: None,
        checked_at: clock.now(),
    }
}

/// Fetches the credential at `url` (guarded: `network` rules, no cache) and verifies it.
pub fn from_url(
    url: &str,
    fetcher: &Fetcher,
    network: &NetworkPolicy,
    policy: &Policy,
    clock: &dyn Clock,
) -> Outcome {
    match fetcher.get_uncached(url, network, CREDENTIAL_ACCEPT) {
        Ok(bytes) => from_bytes(&bytes, policy, clock),
        Err(e) => {
            let why = format!("the credential could not be fetched: {e}");
            Outcome {
                report: not_fetched(&why),
                credential: None,
                fetch_error: Some(why),
                checked_at: clock.now(),
            }
        }
    }
}

/// The report of a credential that could not be fetched: `format` could not be checked (error),
/// everything else not run; the verdict is therefore `indeterminate`.
pub fn not_fetched(why: &str) -> Report {
    Report::from_checks(
        CheckKind::ALL
            .into_iter()
            .map(|k| {
                if k == CheckKind::Format {
                    CheckResult::error(k, why)
                } else {
                    CheckResult::skipped(k, "not run: the credential could not be fetched")
                }
            })
            .collect(),
    )
}

/// The credential to render from what was received.
fn display_credential(v: &Value) -> Option<Value> {
    match v {
        Value::String(s) => jwt_payload(s),
        Value::Object(o) => match o.get("verifiableCredential") {
            Some(inner @ (Value::Object(_) | Value::String(_))) => display_credential(inner),
            _ => Some(v.clone()),
        },
        _ => None,
    }
}

/// The JSON payload of a compact JWT (not verified: for display only).
fn jwt_payload(s: &str) -> Option<Value> {
    let s = s.trim();
    let mut parts = s.split('.');
    let (_, payload, _, rest) = (parts.next()?, parts.next()?, parts.next()?, parts.next());
    if rest.is_some() {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    strict_json::from_slice(&bytes)
        .ok()
        .filter(Value::is_object)
}

/// The headline reason (`data-reason`), one of the contract's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Every check that ran passed.
    Genuine,
    /// The issuer revoked it.
    Revoked,
    /// The issuer suspended it.
    Suspended,
    /// Outside its validity period (expired, or not yet valid).
    Expired,
    /// Not issued (or not awarded) by a trusted university.
    Untrusted,
    /// Changed, badly signed, malformed, or its status list is not the issuer's.
    Forged,
    /// Something could not be checked.
    NotChecked,
    /// Intact, and nothing failed, but the signer is on none of this service's trust sources.
    UnknownIssuer,
}

impl Reason {
    /// The `data-reason` value.
    pub fn name(self) -> &'static str {
        match self {
            Reason::Genuine => "genuine",
            Reason::Revoked => "revoked",
            Reason::Suspended => "suspended",
            Reason::Expired => "expired",
            Reason::Untrusted => "untrusted",
            Reason::Forged => "forged",
            Reason::NotChecked => "not-checked",
            Reason::UnknownIssuer => "unknown-issuer",
        }
    }
}

/// The verdict as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headline {
    /// The reason.
    pub reason: Reason,
    /// The headline (`Genuine`, `Revoked`, ...).
    pub text: &'static str,
    /// One or two sentences under it.
    pub summary: String,
}

fn failed(r: &Report, k: CheckKind) -> Option<&CheckResult> {
    r.check(k).filter(|c| c.status == CheckStatus::Failed)
}

/// Whether one of the `; `-joined parts of `message` starts with `prefix`.
fn part_starts(message: &str, prefix: &str) -> bool {
    message.split("; ").any(|p| p.starts_with(prefix))
}

/// Chooses the headline. Invalid credentials: a broken proof or unreadable input first (nothing
/// else in the credential can be believed), then revocation, suspension, an untrusted issuer or
/// awarding body, the validity period, a malformed document, a status list that is not the
/// issuer's.
pub fn headline(r: &Report) -> Headline {
    match r.verdict {
        Verdict::Valid => Headline {
            reason: Reason::Genuine,
            text: "Genuine",
            summary: valid_summary(r),
        },
        Verdict::Indeterminate if r.is_intact_from_unknown_signer() => unknown_issuer_headline(r),
        Verdict::Indeterminate => {
            let why: Vec<&str> = r
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::Error)
                .map(|c| c.message.as_str())
                .collect();
            let summary = if why.is_empty() {
                "Nothing could be checked. Do not treat this credential as valid.".to_string()
            } else {
                format!(
                    "Do not treat this credential as valid until it can be checked. Reason: {}.",
                    why.join("; ")
                )
            };
            Headline {
                reason: Reason::NotChecked,
                text: "Could not check",
                summary,
            }
        }
        Verdict::Invalid => invalid_headline(r),
    }
}

/// "sealed by ORG (orgId)" / "signed by DID", from the report's signer.
pub fn signed_by(r: &Report) -> Option<String> {
    let s = r.signer.as_ref()?;
    Some(match s.kind {
        SignerKind::Seal => {
            let from = s
                .certificate_issuer
                .as_deref()
                .map(|i| format!(", with a seal certificate issued by {i}"))
                .unwrap_or_default();
            format!("sealed by {}{from}", s.describe())
        }
        SignerKind::Did => format!("signed by {}", s.describe()),
    })
}

/// The trust check's words when the eIDAS trusted lists vouch for the seal ("qualified electronic
/// seal of ORG (orgId), certificate from TSP (country)").
fn qualified_seal_words(r: &Report) -> Option<&str> {
    r.check(CheckKind::Trust)
        .filter(|c| c.status == CheckStatus::Ok)
        .and_then(|c| {
            c.message
                .split("; ")
                .find(|p| p.starts_with("qualified electronic seal of"))
        })
}

fn valid_summary(r: &Report) -> String {
    let who = signed_by(r)
        .map(|w| format!(" It was {w}."))
        .unwrap_or_default();
    let qualified = qualified_seal_words(r)
        .map(|q| format!(" The EU trusted lists confirm a {q}."))
        .unwrap_or_default();
    format!(
        "This credential is genuine: its issuer is on the trust sources this service uses, it has not been changed since it was \
         issued, and it is neither revoked, suspended nor expired.{who}{qualified}"
    )
}

/// An intact credential from a signer this service does not know: who sealed it, and that it is
/// not known here (never "genuine", never "not genuine").
fn unknown_issuer_headline(r: &Report) -> Headline {
    let who = signed_by(r).unwrap_or_else(|| "sealed or signed by its issuer".into());
    Headline {
        reason: Reason::UnknownIssuer,
        text: "Intact, from an issuer this service does not know",
        summary: format!(
            "The credential has not been changed since it was {who}. This issuer is not on the trust sources this \
             service uses, so it cannot tell whether they may award this credential: check who they are before relying on it."
        ),
    }
}

fn invalid_headline(r: &Report) -> Headline {
    let h = |reason, text, summary: &str| Headline {
        reason,
        text,
        summary: summary.to_string(),
    };
    let format = failed(r, CheckKind::Format);
    if let Some(p) = failed(r, CheckKind::Proof) {
        if format.is_some_and(|f| f.message == p.message) {
            return h(
                Reason::Forged,
                "Not genuine: this is not a readable credential",
                "What was received is not a credential this service can read, so it cannot be genuine.",
            );
        }
        return h(
            Reason::Forged,
            "Not genuine: the credential was changed or the signature is wrong",
            "The university's digital signature does not match the credential: it was changed after it was issued, \
             or it was not signed by the university it names.",
        );
    }
    if let Some(c) = failed(r, CheckKind::Revocation) {
        if part_starts(&c.message, "revoked:") {
            return h(
                Reason::Revoked,
                "Revoked",
                "The university that issued this credential has revoked it. It is no longer valid.",
            );
        }
        if part_starts(&c.message, "suspended:") {
            return h(
                Reason::Suspended,
                "Suspended",
                "The university that issued this credential has suspended it. It is not valid while suspended.",
            );
        }
    }
    if failed(r, CheckKind::Trust).is_some() {
        return h(
            Reason::Untrusted,
            "Not from a trusted university",
            "The credential is not issued by a university in the list of trusted ENHANCE universities.",
        );
    }
    if failed(r, CheckKind::AwardingBody).is_some() {
        return h(
            Reason::Untrusted,
            "Not from a trusted university",
            "The credential states an award by a body that neither signed it nor is an ENHANCE university acting on \
             behalf of the alliance.",
        );
    }
    if let Some(c) = failed(r, CheckKind::Expiry) {
        if c.message.starts_with("not yet valid") {
            return h(
                Reason::Expired,
                "Not yet valid",
                "The credential's validity period has not started yet.",
            );
        }
        return h(
            Reason::Expired,
            "Expired",
            "The credential's validity period has ended.",
        );
    }
    if format.is_some() {
        return h(
            Reason::Forged,
            "Not genuine: the credential is malformed",
            "The credential does not follow the European Digital Credentials data model, so it cannot be accepted.",
        );
    }
    h(
        Reason::Forged,
        "Not genuine: its revocation list is not the university's",
        "The list the credential points to for revocation was not published by its issuer or is malformed.",
    )
}

/// The check's name for readers.
pub fn check_title(k: CheckKind) -> &'static str {
    match k {
        CheckKind::Format => "Format",
        CheckKind::Proof => "Signature",
        CheckKind::Revocation => "Revocation",
        CheckKind::Expiry => "Validity period",
        CheckKind::Trust => "Trusted issuer",
        CheckKind::AwardingBody => "Awarding body",
    }
}

/// The status word for readers (never conveyed by colour alone).
pub fn status_word(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Ok => "Passed",
        CheckStatus::Failed => "Failed",
        CheckStatus::Skipped => "Not checked",
        CheckStatus::Error => "Could not check",
        CheckStatus::Unknown => "Not known",
    }
}

/// What a check's outcome means, in plain language.
pub fn explain(c: &CheckResult) -> &'static str {
    use CheckKind as K;
    use CheckStatus as S;
    let m = c.message.as_str();
    match (c.check, c.status) {
        (K::Format, S::Ok) if !c.warnings.is_empty() => "The credential is well-formed: it follows the European Digital Credentials / W3C Verifiable Credentials data model. Some sealed parts use terms its vocabularies do not define: they are listed below and were not checked.",
        (K::Format, S::Ok) => "The credential is well-formed: it follows the European Digital Credentials / W3C Verifiable Credentials data model.",
        (K::Format, S::Failed) => "The credential is not well-formed: it does not follow the data model.",
        (K::Format, S::Error) if m.starts_with("the credential could not be fetched") => {
            "The credential could not be retrieved from the link, so nothing could be checked."
        }
        (K::Format, S::Error) => "The format could not be checked.",
        (K::Proof, S::Ok) => "The university's digital signature (or electronic seal) is intact: nothing in the credential was changed since it was issued.",
        (K::Proof, S::Failed) => "The digital signature does not match: the credential was changed after it was issued, or it was not signed by the key it names.",
        (K::Proof, S::Error) => "The signature could not be checked: the university's public key could not be retrieved.",
        (K::Revocation, S::Ok) => "The university has not revoked or suspended the credential.",
        (K::Revocation, S::Failed) if part_starts(m, "revoked:") => "The university has revoked this credential.",
        (K::Revocation, S::Failed) if part_starts(m, "suspended:") => "The university has suspended this credential.",
        (K::Revocation, S::Failed) => "The revocation list the credential points to cannot be trusted: it is not the issuer's, or it is malformed.",
        (K::Revocation, S::Error) => "The university's revocation list could not be reached, so it is unknown whether the credential was revoked.",
        (K::Revocation, S::Skipped) if m.starts_with("no credentialStatus") => "The credential has no revocation entry: its issuer cannot revoke it.",
        (K::Expiry, S::Ok) => "The credential is within its validity period.",
        (K::Expiry, S::Failed) if m.starts_with("expired") => "The credential has expired.",
        (K::Expiry, S::Failed) if m.starts_with("not yet valid") => "The credential is not valid yet.",
        (K::Expiry, S::Failed) => "The credential's validity dates are malformed.",
        (K::Trust, S::Ok) if m.contains("qualified electronic seal of") => "The seal is a qualified electronic seal according to the EU trusted lists, one of the trust sources this service uses.",
        (K::Trust, S::Ok) => "The issuer is an ENHANCE university listed in this service's register of trusted issuers.",
        (K::Trust, S::Unknown) => "The organisation that sealed or signed the credential is not on the trust sources this service uses, so this service does not know them. This is not a sign that the credential was changed.",
        (K::Trust, S::Failed) => "The issuer is not in this service's register of trusted ENHANCE universities.",
        (K::AwardingBody, S::Ok) if m.starts_with("information:") => "An achievement is awarded by an organisation other than the one that sealed or signed the credential; this is shown for information.",
        (K::AwardingBody, S::Ok) if m.contains("are the signer ") => "Each achievement is awarded by the organisation that sealed or signed the credential.",
        (K::AwardingBody, S::Ok) => "Each achievement is awarded by the signing university, or by ENHANCE universities on behalf of the alliance.",
        (K::AwardingBody, S::Failed) => "An achievement names an awarding body that did not sign the credential and is not an ENHANCE university acting on behalf of the alliance.",
        (_, S::Error) => "This could not be checked.",
        (_, S::Skipped) => "This was not checked.",
        (_, S::Unknown) => "This service does not know the answer.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(list: &[(CheckKind, CheckStatus, &str)]) -> Report {
        Report::from_checks(
            list.iter()
                .map(|(k, s, m)| CheckResult::new(*k, *s, *m))
                .collect(),
        )
    }

    #[test]
    fn precedence_of_reasons() {
        use CheckKind::*;
        use CheckStatus::*;
        let ok = |k| (k, Ok, "");
        let r = report(&[
            ok(Format),
            ok(Proof),
            ok(Revocation),
            ok(Expiry),
            ok(Trust),
            ok(AwardingBody),
        ]);
        assert_eq!(headline(&r).reason, Reason::Genuine);
        // Revoked and expired: revoked wins; a broken proof wins over both.
        let r = report(&[
            (
                Revocation,
                Failed,
                "not suspended: x; revoked: entry 3 of u is set",
            ),
            (Expiry, Failed, "expired: ..."),
            ok(Proof),
        ]);
        assert_eq!(headline(&r).reason, Reason::Revoked);
        let r = report(&[
            (Revocation, Failed, "revoked: entry 3"),
            (Proof, Failed, "bad signature"),
        ]);
        assert_eq!(headline(&r).reason, Reason::Forged);
        let r = report(&[(Revocation, Failed, "suspended: entry 9"), ok(Proof)]);
        assert_eq!(headline(&r).text, "Suspended");
        let r = report(&[(Expiry, Failed, "not yet valid: validFrom ..."), ok(Proof)]);
        assert_eq!(
            (headline(&r).reason, headline(&r).text),
            (Reason::Expired, "Not yet valid")
        );
        let r = report(&[
            (Trust, Failed, "untrusted issuer"),
            (Expiry, Failed, "expired: x"),
            ok(Proof),
        ]);
        assert_eq!(headline(&r).reason, Reason::Untrusted);
        let r = report(&[(AwardingBody, Failed, "x"), ok(Proof)]);
        assert_eq!(headline(&r).reason, Reason::Untrusted);
        let r = report(&[
            (Revocation, Failed, "status list u has no proof"),
            ok(Proof),
        ]);
        assert_eq!(headline(&r).reason, Reason::Forged);
        // An error and a failure: invalid wins; errors only: not checked, with the reason.
        let r = report(&[
            (Revocation, Error, "status list unavailable: 404"),
            (Expiry, Failed, "expired: x"),
            ok(Proof),
        ]);
        assert_eq!(headline(&r).reason, Reason::Expired);
        let r = report(&[
            (Revocation, Error, "status list unavailable: 404"),
            ok(Proof),
        ]);
        let h = headline(&r);
        assert_eq!((h.reason, h.text), (Reason::NotChecked, "Could not check"));
        assert!(h.summary.contains("status list unavailable: 404"));
        // Unreadable input: format and proof fail with the same message.
        let r = report(&[(Format, Failed, "not JSON"), (Proof, Failed, "not JSON")]);
        assert_eq!(
            headline(&r).text,
            "Not genuine: this is not a readable credential"
        );
    }

    #[test]
    fn an_intact_credential_of_an_unknown_issuer_is_neither_genuine_nor_forged() {
        use crate::report::SignerIdentity;
        use CheckKind::*;
        use CheckStatus::*;
        let signer = SignerIdentity {
            kind: SignerKind::Seal,
            organisation: Some("Universidad X".into()),
            organisation_identifier: Some("VATES-A00000000".into()),
            certificate_subject: None,
            certificate_issuer: Some("CN=Some CA".into()),
            did: None,
            registry_name: None,
        };
        let checks = [
            (Format, Ok, ""),
            (Proof, Ok, ""),
            (Trust, Unknown, "sealed by Universidad X"),
            (AwardingBody, Ok, "information: ..."),
        ];
        let r = report(&checks).with_signer(Some(signer.clone()));
        assert_eq!(r.verdict, Verdict::Indeterminate);
        let h = headline(&r);
        assert_eq!(h.reason, Reason::UnknownIssuer);
        assert!(
            h.summary
                .contains("sealed by Universidad X (VATES-A00000000), with a seal certificate issued by CN=Some CA"),
            "{}",
            h.summary
        );
        let words = format!("{} {}", h.text, h.summary).to_lowercase();
        assert!(!words.contains("genuine"), "{words}");
        assert!(explain(r.check(Trust).unwrap()).contains("does not know"));
        // Something else could not be checked: that comes first.
        let mut with_error = checks.to_vec();
        with_error.push((Revocation, Error, "status list unavailable"));
        let r = report(&with_error).with_signer(Some(signer));
        assert_eq!(headline(&r).reason, Reason::NotChecked);
    }

    #[test]
    fn a_fetch_failure_is_indeterminate() {
        let r = not_fetched("the credential could not be fetched: HTTP status 404");
        assert_eq!(r.verdict, Verdict::Indeterminate);
        assert_eq!(headline(&r).reason, Reason::NotChecked);
        assert!(explain(r.check(CheckKind::Format).unwrap()).contains("could not be retrieved"));
    }

    #[test]
    fn display_credential_unwraps_requests_and_jwts() {
        let cred = serde_json::json!({"credentialSubject": {"id": "x"}});
        let jwt = format!(
            "eyJhbGciOiJFZERTQSJ9.{}.c2ln",
            URL_SAFE_NO_PAD.encode(cred.to_string())
        );
        assert_eq!(
            display_credential(&serde_json::json!({"verifiableCredential": jwt})),
            Some(cred.clone())
        );
        assert_eq!(
            display_credential(&serde_json::json!({"verifiableCredential": cred})),
            Some(cred.clone())
        );
        assert_eq!(jwt_payload("a.b"), None);
        assert_eq!(display_credential(&serde_json::json!(42)), None);
    }
}
