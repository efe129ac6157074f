//! The verification report: one entry per check and an overall verdict.
//!
//! Verification distinguishes "checked and invalid" (`failed` → verdict `invalid`) from "could not
//! check" (`error` → verdict `indeterminate`): an unreachable status list or DID document must never
//! read as valid, nor as forged. The check names follow the EDC verification checks (FORMAT, SEAL,
//! OWNER, REVOCATION, ACCREDITATION, EXPIRY of the EDCI wallet; origin in `testdata/SOURCES.md`)
//! under the names the W3C VC-API verify response uses in lower case.

use serde::{Deserialize, Serialize};

/// Which check an entry reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
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
}

/// Outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// Checked and passed.
    Ok,
    /// Checked and failed: the credential is invalid.
    Failed,
    /// Not run (not asked for, or not applicable to this format).
    Skipped,
    /// Could not be checked (network, missing data): the verdict cannot be `valid`.
    Error,
}

/// One check's entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}

impl CheckResult {
    /// An entry with no sub-checks.
    pub fn new(check: CheckKind, status: CheckStatus, message: impl Into<String>) -> Self {
        Self {
            check,
            status,
            message: message.into(),
            details: Vec::new(),
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
pub enum Verdict {
    /// Every check that ran passed.
    Valid,
    /// At least one check failed.
    Invalid,
    /// No check failed, but at least one could not be performed.
    Indeterminate,
}

/// The verification report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Overall verdict, derived from the checks.
    pub verdict: Verdict,
    /// One entry per check, in [`CheckKind::ALL`] order.
    pub checks: Vec<CheckResult>,
}

impl Report {
    /// Builds a report, deriving the verdict: any `failed` → invalid; else any `error` →
    /// indeterminate; else valid (a report whose checks were all skipped is indeterminate: nothing
    /// was verified).
    pub fn from_checks(mut checks: Vec<CheckResult>) -> Self {
        checks.sort_by_key(|c| c.check);
        let any = |s: CheckStatus| checks.iter().any(|c| c.status == s);
        let verdict = if any(CheckStatus::Failed) {
            Verdict::Invalid
        } else if any(CheckStatus::Error) || !any(CheckStatus::Ok) {
            Verdict::Indeterminate
        } else {
            Verdict::Valid
        };
        Self { verdict, checks }
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
