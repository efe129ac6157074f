//! The verification report: one entry per check and an overall verdict.
//!
//! Verification distinguishes "checked and invalid" (`failed` → verdict `invalid`) from "could not
//! check" (`error` → verdict `indeterminate`): an unreachable status list or DID document must never
//! read as valid, nor as forged. The check names follow the EDC verification checks (FORMAT, SEAL,
//! OWNER, REVOCATION, ACCREDITATION, EXPIRY of the EDCI wallet; origin in `testdata/SOURCES.md`)
//! under the names the W3C VC-API verify response uses in lower case.
//!
//! Besides the overall verdict the report keeps two verdicts people ask about separately (issue
//! #14): [`Integrity`], "is it intact, and who sealed or signed it" (the proof check, with the
//! [`SignerIdentity`] it established), and [`TrustVerdict`], "is that signer on the trust sources
//! this service uses" (the trust check). An intact credential whose signer is on none of them is
//! not invalid: its trust check is [`CheckStatus::Unknown`] and the verdict `indeterminate`.

use serde::{Deserialize, Serialize};

/// Which check an entry reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub enum CheckKind {
    /// Well-formed JSON-LD under bundled contexts, VC data model rules, EDC SHACL shapes.
    Format,
    /// Data Integrity proof(s), JAdES seal or JWT signature.
    Proof,
    /// Bitstring Status List revocation / suspension.
    Revocation,
    /// validFrom / validUntil / expirationDate against the clock.
    Expiry,
    /// The issuer is in the trusted-issuer registry.
    Trust,
    /// The awarding body of each claim is the signing university (or it acts on behalf of ENHANCE).
    AwardingBody,
}

impl CheckKind {
    /// Every check, in report order.
    pub const ALL: [CheckKind; 6] = [
        CheckKind::Format,
        CheckKind::Proof,
        CheckKind::Revocation,
        CheckKind::Expiry,
        CheckKind::Trust,
        CheckKind::AwardingBody,
    ];

    /// The kebab-case name used on the CLI (`--checks proof,expiry`) and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            CheckKind::Format => "format",
            CheckKind::Proof => "proof",
            CheckKind::Revocation => "revocation",
            CheckKind::Expiry => "expiry",
            CheckKind::Trust => "trust",
            CheckKind::AwardingBody => "awarding-body",
        }
    }

    /// Parses a CLI name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The names W3C VC-API clients send in `options.checks` (VC-API §3.3.1; the names of the
    /// W3C and DCC verifiers), with the check each selects.
    pub const VC_API_NAMES: [(&'static str, CheckKind); 8] = [
        ("credentialStatus", CheckKind::Revocation),
        ("status", CheckKind::Revocation),
        ("expiration", CheckKind::Expiry),
        ("expirationDate", CheckKind::Expiry),
        ("validUntil", CheckKind::Expiry),
        ("validFrom", CheckKind::Expiry),
        ("issuanceDate", CheckKind::Expiry),
        ("validityPeriod", CheckKind::Expiry),
    ];

    /// Parses an `options.checks` name: one of ours ([`Self::parse`], which covers the VC-API
    /// `proof`) or a VC-API name ([`Self::VC_API_NAMES`]).
    pub fn parse_option(name: &str) -> Option<Self> {
        Self::parse(name).or_else(|| {
            Self::VC_API_NAMES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, k)| *k)
        })
    }
}

/// Outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub enum CheckStatus {
    /// Checked and passed.
    Ok,
    /// Checked and failed: the credential is invalid.
    Failed,
    /// Not run (not asked for, or not applicable to this format).
    Skipped,
    /// Could not be checked (network, missing data): the verdict cannot be `valid`.
    Error,
    /// Checked, and the answer is not known to this service: the (verified) signer is on none of
    /// the trust sources it uses. Not a failure; the verdict cannot be `valid`.
    Unknown,
}

/// One check's entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub struct CheckResult {
    /// Which check.
    pub check: CheckKind,
    /// Its outcome.
    pub status: CheckStatus,
    /// A human-readable explanation (why it failed, what was verified).
    pub message: String,
    /// Sub-checks, when a check is made of several parts (e.g. `format`: JSON-LD, VC data model,
    /// EDC SHACL). The check's own status already accounts for them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<SubCheck>,
    /// Things a reader should know that do not change the check's status (e.g. `format`: a member
    /// of a sealed credential that its contexts do not define).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
    /// Reported, but not counted in the verdict: the policy runs this check for information only
    /// (the VC-API verify endpoints' default for `trust` and `awarding-body`, ADR 0004).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub advisory: bool,
}

/// A warning of a check: what and where, in words and machine-readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub struct Warning {
    /// Machine-readable kind, e.g. `undefined-member`.
    pub code: String,
    /// The JSON member concerned, if any (e.g. `cnf`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// Its JSON path, if any (e.g. `$.cnf`, `$.credentialSubject.hasClaim[0].x`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Explanation.
    pub message: String,
}

impl CheckResult {
    /// An entry with no sub-checks.
    pub fn new(check: CheckKind, status: CheckStatus, message: impl Into<String>) -> Self {
        Self {
            check,
            status,
            message: message.into(),
            details: Vec::new(),
            warnings: Vec::new(),
            advisory: false,
        }
    }

    /// `ok`.
    pub fn ok(check: CheckKind, message: impl Into<String>) -> Self {
        Self::new(check, CheckStatus::Ok, message)
    }

    /// `failed`.
    pub fn failed(check: CheckKind, message: impl Into<String>) -> Self {
        Self::new(check, CheckStatus::Failed, message)
    }

    /// `skipped`.
    pub fn skipped(check: CheckKind, message: impl Into<String>) -> Self {
        Self::new(check, CheckStatus::Skipped, message)
    }

    /// `error`.
    pub fn error(check: CheckKind, message: impl Into<String>) -> Self {
        Self::new(check, CheckStatus::Error, message)
    }
}

/// One part of a check (reported under [`CheckResult::details`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub struct SubCheck {
    /// Short name (`json-ld`, `vc-data-model`, `edc-shacl`).
    pub name: String,
    /// Its outcome.
    pub status: CheckStatus,
    /// Explanation.
    pub message: String,
}

/// Overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub enum Verdict {
    /// Every check that ran passed.
    Valid,
    /// At least one check failed.
    Invalid,
    /// No check failed, but at least one could not be performed.
    Indeterminate,
}

/// Is the credential intact (the proof check)?
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub enum Integrity {
    /// The proof, seal or JWT signature verified: unchanged since it was signed by the signer.
    Intact,
    /// The proof check failed: changed, badly signed, or not secured at all.
    Broken,
    /// Not checked, or could not be checked.
    #[default]
    Unchecked,
}

/// Is the signer on the trust sources this service uses (the trust check)?
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub enum TrustVerdict {
    /// On a trust source (the ENHANCE registry, or the eIDAS trusted lists when configured).
    Trusted,
    /// Verified signer, on none of the trust sources: this service does not know it.
    Unknown,
    /// The trust check failed (e.g. a member's seal over another issuer's credential, an expired
    /// or broken certificate chain).
    Untrusted,
    /// Not checked, or could not be checked (e.g. no proof verified).
    #[default]
    Unchecked,
}

/// How the signer was identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub enum SignerKind {
    /// A JAdES seal's X.509 certificate.
    Seal,
    /// A DID (Data Integrity proof or VC-JWT key controller).
    Did,
}

/// Who sealed or signed the credential, as the verified proof establishes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub struct SignerIdentity {
    /// Seal or DID.
    pub kind: SignerKind,
    /// Seal: the certificate subject's organizationName.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// Seal: the certificate subject's organizationIdentifier (ETSI EN 319 412-1 §5.1.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_identifier: Option<String>,
    /// Seal: the certificate subject DN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_subject: Option<String>,
    /// Seal: the certificate issuer DN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_issuer: Option<String>,
    /// DID: the controller of the verifying key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub did: Option<String>,
    /// The signer's name in this service's registry, when it is a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_name: Option<String>,
}

/// "ORG (organisationIdentifier)" of a seal certificate's subject, saying which part is missing.
pub(crate) fn seal_label(organisation: Option<&str>, identifier: Option<&str>) -> String {
    format!(
        "{} ({})",
        organisation.unwrap_or("an unnamed organisation"),
        identifier.unwrap_or("no organisationIdentifier")
    )
}

/// A seal certificate's subject organisation and organisationIdentifier as messages name them
/// ("an unnamed organisation", "none" when missing).
pub(crate) fn seal_names(s: &proofs::certs::CertificateInfo) -> (&str, &str) {
    (
        s.organisation
            .as_deref()
            .unwrap_or("an unnamed organisation"),
        s.organisation_identifier.as_deref().unwrap_or("none"),
    )
}

impl SignerIdentity {
    /// "ORG (organisationIdentifier)" for a seal, the DID for a DID signer.
    pub fn describe(&self) -> String {
        match self.kind {
            SignerKind::Seal => seal_label(
                self.organisation.as_deref(),
                self.organisation_identifier.as_deref(),
            ),
            SignerKind::Did => self
                .registry_name
                .as_ref()
                .map(|n| format!("{n} ({})", self.did.as_deref().unwrap_or("")))
                .or_else(|| self.did.clone())
                .unwrap_or_else(|| "an unidentified signer".into()),
        }
    }
}

/// The verdict of `checks`: any `failed` → invalid; else any `error` or `unknown` →
/// indeterminate; else valid, if at least one check passed (else indeterminate). An advisory
/// check's answer (`ok`, `failed`, `unknown`) is left out; an advisory check that could not be
/// performed (`error`, e.g. a seal certificate outside its validity with no proof of existence,
/// ETSI EN 319 102-1 OUT_OF_BOUNDS_NO_POE) still makes the verdict indeterminate (ADR 0004).
fn verdict_of(checks: &[CheckResult]) -> Verdict {
    let counts = |c: &CheckResult| !c.advisory || c.status == CheckStatus::Error;
    let any = |s: CheckStatus| checks.iter().any(|c| counts(c) && c.status == s);
    if any(CheckStatus::Failed) {
        Verdict::Invalid
    } else if any(CheckStatus::Error) || any(CheckStatus::Unknown) || !any(CheckStatus::Ok) {
        Verdict::Indeterminate
    } else {
        Verdict::Valid
    }
}

/// The verification report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub struct Report {
    /// Overall verdict, derived from the checks.
    pub verdict: Verdict,
    /// Is it intact (the proof check)? Derived from the checks.
    #[serde(default)]
    pub integrity: Integrity,
    /// Who sealed or signed it, when a proof verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<SignerIdentity>,
    /// Is the signer on this service's trust sources (the trust check)? Derived from the checks.
    #[serde(default)]
    pub trust: TrustVerdict,
    /// One entry per check, in [`CheckKind::ALL`] order.
    pub checks: Vec<CheckResult>,
    /// SD-JWT VC: the claims as disclosed (the processed payload of RFC 9901 §7.1; undisclosed
    /// claims are absent), when the Disclosures verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "service", schema(value_type = Option<Object>))]
    pub disclosed: Option<serde_json::Map<String, serde_json::Value>>,
}

impl Report {
    /// Builds a report, deriving the verdict: any `failed` → invalid; else any `error` or
    /// `unknown` → indeterminate; else valid (a report whose checks were all skipped is
    /// indeterminate: nothing was verified). Integrity and trust come from the proof and trust
    /// checks; the signer is set by [`Report::with_signer`].
    pub fn from_checks(mut checks: Vec<CheckResult>) -> Self {
        checks.sort_by_key(|c| c.check);
        let verdict = verdict_of(&checks);
        let status_of = |k: CheckKind| checks.iter().find(|c| c.check == k).map(|c| c.status);
        let integrity = match status_of(CheckKind::Proof) {
            Some(CheckStatus::Ok) => Integrity::Intact,
            Some(CheckStatus::Failed) => Integrity::Broken,
            _ => Integrity::Unchecked,
        };
        let trust = match status_of(CheckKind::Trust) {
            Some(CheckStatus::Ok) => TrustVerdict::Trusted,
            Some(CheckStatus::Unknown) => TrustVerdict::Unknown,
            Some(CheckStatus::Failed) => TrustVerdict::Untrusted,
            _ => TrustVerdict::Unchecked,
        };
        Self {
            verdict,
            integrity,
            signer: None,
            trust,
            checks,
            disclosed: None,
        }
    }

    /// The report with the disclosed claims of an SD-JWT VC.
    pub fn with_disclosed(
        mut self,
        disclosed: Option<serde_json::Map<String, serde_json::Value>>,
    ) -> Self {
        self.disclosed = disclosed;
        self
    }

    /// The report with the checks of `advisory` marked [`CheckResult::advisory`]: still reported
    /// (and still deciding [`Report::integrity`] and [`Report::trust`]), no longer counted in the
    /// verdict, which is derived again (ADR 0004).
    pub fn with_advisory(mut self, advisory: &std::collections::BTreeSet<CheckKind>) -> Self {
        for c in &mut self.checks {
            if advisory.contains(&c.check) {
                c.advisory = true;
            }
        }
        self.verdict = verdict_of(&self.checks);
        self
    }

    /// Adds `warning` to the `kind` check's warnings (warnings do not change a status).
    pub fn warn(&mut self, kind: CheckKind, warning: Warning) {
        if let Some(c) = self.checks.iter_mut().find(|c| c.check == kind) {
            c.warnings.push(warning);
        }
    }

    /// The report with `signer` (only meaningful when the proof verified).
    pub fn with_signer(mut self, signer: Option<SignerIdentity>) -> Self {
        self.signer = signer;
        self
    }

    /// Whether the credential is intact and its signer verified, but unknown to this service:
    /// no check failed or could not run, the trust check's answer is `unknown`.
    pub fn is_intact_from_unknown_signer(&self) -> bool {
        self.integrity == Integrity::Intact
            && self.trust == TrustVerdict::Unknown
            && !self
                .checks
                .iter()
                .any(|c| matches!(c.status, CheckStatus::Failed | CheckStatus::Error))
    }

    /// The entry for `check`, if present.
    pub fn check(&self, check: CheckKind) -> Option<&CheckResult> {
        self.checks.iter().find(|c| c.check == check)
    }

    /// CLI exit code: 0 valid, 1 invalid, 3 indeterminate.
    pub fn exit_code(&self) -> i32 {
        match self.verdict {
            Verdict::Valid => 0,
            Verdict::Invalid => 1,
            Verdict::Indeterminate => 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(check: CheckKind, status: CheckStatus) -> CheckResult {
        CheckResult::new(check, status, "")
    }

    #[test]
    fn verdict_precedence() {
        use CheckKind::*;
        use CheckStatus::*;
        assert_eq!(
            Report::from_checks(vec![c(Proof, Ok), c(Expiry, Ok)]).verdict,
            Verdict::Valid
        );
        assert_eq!(
            Report::from_checks(vec![c(Proof, Ok), c(Revocation, Error)]).verdict,
            Verdict::Indeterminate
        );
        assert_eq!(
            Report::from_checks(vec![c(Proof, Failed), c(Revocation, Error)]).verdict,
            Verdict::Invalid
        );
        assert_eq!(
            Report::from_checks(vec![c(Proof, Skipped)]).verdict,
            Verdict::Indeterminate
        );
        assert_eq!(
            Report::from_checks(vec![c(Proof, Ok), c(Trust, Skipped)]).exit_code(),
            0
        );
    }

    #[test]
    fn integrity_and_trust_are_derived_from_the_proof_and_trust_checks() {
        use CheckKind::*;
        use CheckStatus::*;
        let r = Report::from_checks(vec![c(Proof, Ok), c(Trust, Unknown), c(Format, Ok)]);
        assert_eq!(
            (r.verdict, r.integrity, r.trust),
            (
                Verdict::Indeterminate,
                Integrity::Intact,
                TrustVerdict::Unknown
            )
        );
        assert!(r.is_intact_from_unknown_signer());
        let r = Report::from_checks(vec![c(Proof, Failed), c(Trust, Skipped)]);
        assert_eq!(
            (r.verdict, r.integrity, r.trust),
            (Verdict::Invalid, Integrity::Broken, TrustVerdict::Unchecked)
        );
        let r = Report::from_checks(vec![c(Proof, Ok), c(Trust, Failed)]);
        assert_eq!(r.trust, TrustVerdict::Untrusted);
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(
            (v["integrity"].as_str(), v["trust"].as_str()),
            (Some("intact"), Some("untrusted"))
        );
        // Reports written before these fields still read.
        let old: Report =
            serde_json::from_value(serde_json::json!({"verdict": "valid", "checks": []})).unwrap();
        assert_eq!(old.integrity, Integrity::Unchecked);
    }

    #[test]
    fn checks_are_sorted_and_named() {
        let r = Report::from_checks(vec![
            c(CheckKind::AwardingBody, CheckStatus::Ok),
            c(CheckKind::Format, CheckStatus::Ok),
        ]);
        assert_eq!(r.checks[0].check, CheckKind::Format);
        assert_eq!(
            CheckKind::parse("awarding-body"),
            Some(CheckKind::AwardingBody)
        );
        assert_eq!(
            serde_json::to_value(&r).unwrap()["checks"][1]["check"],
            "awarding-body"
        );
    }
}
