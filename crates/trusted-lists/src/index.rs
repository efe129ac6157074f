//! The index of qualified trust services (CA/QC) from a verified LOTL and its national lists, and
//! the qualified e-seal decision (ETSI TS 119 615 §4.3 "trusted list procedure", simplified):
//! find the listed CA/QC service that issued the seal certificate (its digital identity signed the
//! certificate, directly or through the chain's intermediates), take the service status in force
//! at the time (TS 119 612 §5.5.4-5.5.5 and the history, §5.6), then decide qualification from the
//! certificate's QcStatements, overridden by the list's Qualifications extension (§5.5.9.2).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use x509_cert::Certificate;

use crate::model::{Criteria, Qualification, TrustedList, SVC_TYPE_CA_QC};
use crate::qc::{QcFacts, OID_QCT_ESEAL};
use crate::xml::XmlLimits;
use crate::{SealAssessment, TlError};

const SVC_INFO_EXT: &str = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/";

/// Statuses under which a CA/QC service issues qualified certificates: `granted` (eIDAS) and
/// the pre-eIDAS `undersupervision`, `supervisionincessation` and `accredited` (TS 119 612 v1
/// status URIs, still in service histories; the EU Commission's DSS library treats them alike).
pub const GRANTED_STATUSES: [&str; 4] = [
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted",
    "http://uri.etsi.org/TrstSvc/Svcstatus/undersupervision",
    "http://uri.etsi.org/TrstSvc/Svcstatus/supervisionincessation",
    "http://uri.etsi.org/TrstSvc/Svcstatus/accredited",
];

fn is_granted(status: &str) -> bool {
    GRANTED_STATUSES.contains(&status)
}

/// A service's state from `start` until the next period starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusPeriod {
    /// ServiceStatus URI.
    pub status: String,
    /// StatusStartingTime (`None`: unknown, taken as the beginning of time).
    pub start: Option<DateTime<Utc>>,
    /// ServiceTypeIdentifier in this period.
    pub service_type: String,
    /// AdditionalServiceInformation URIs in this period.
    pub additional_info: Vec<String>,
    /// Qualifications in this period.
    pub qualifications: Vec<Qualification>,
}

/// A CA/QC service as indexed.
#[derive(Debug, Clone)]
pub struct IndexedService {
    /// The list's territory.
    pub country: String,
    /// TSP name.
    pub tsp: String,
    /// Service name (current).
    pub service: String,
    /// Digital identities (current and historical).
    pub certificates: Vec<Certificate>,
    /// Status periods, oldest first.
    pub history: Vec<StatusPeriod>,
}

impl IndexedService {
    /// The period in force at `at` (the latest one started at or before `at`).
    pub fn period_at(&self, at: DateTime<Utc>) -> Option<&StatusPeriod> {
        self.history
            .iter()
            .rfind(|p| p.start.is_none_or(|s| s <= at))
    }
}

/// One loaded list, for reports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ListSummary {
    /// Territory.
    pub territory: String,
    /// Sequence number.
    pub sequence_number: Option<u64>,
    /// Issue date.
    pub issue_date: Option<DateTime<Utc>>,
    /// Next update.
    pub next_update: Option<DateTime<Utc>>,
}

/// The qualified CA/QC services of the loaded lists.
#[derive(Debug, Clone, Default)]
pub struct TrustedListIndex {
    services: Vec<IndexedService>,
    lists: Vec<ListSummary>,
    refused: BTreeMap<String, String>,
    unavailable: Option<String>,
}

impl TrustedListIndex {
    /// An index with no lists: every assessment is [`SealAssessment::ListsUnavailable`].
    pub fn empty() -> Self {
        Self::default()
    }

    /// Indexes the CA/QC services of already verified lists (the LOTL itself lists none).
    pub fn from_lists(lists: &[TrustedList]) -> Self {
        let mut idx = Self::default();
        for list in lists {
            idx.lists.push(ListSummary {
                territory: list.territory.clone(),
                sequence_number: list.sequence_number,
                issue_date: list.issue_date,
                next_update: list.next_update,
            });
            for tsp in &list.providers {
                for svc in &tsp.services {
                    let states = std::iter::once(&svc.current).chain(svc.history.iter());
                    if !states.clone().any(|s| s.service_type == SVC_TYPE_CA_QC) {
                        continue;
                    }
                    let mut certificates = Vec::new();
                    for der in states.clone().flat_map(|s| s.certificates.iter()) {
                        if let Ok(c) = proofs::certs::certificate_from_der(der) {
                            if !certificates.contains(&c) {
                                certificates.push(c);
                            }
                        }
                    }
                    let mut history: Vec<StatusPeriod> = states
                        .map(|s| StatusPeriod {
                            status: s.status.clone(),
                            start: s.status_start,
                            service_type: s.service_type.clone(),
                            additional_info: s.additional_info.clone(),
                            qualifications: s.qualifications.clone(),
                        })
                        .collect();
                    history.sort_by_key(|p| p.start);
                    idx.services.push(IndexedService {
                        country: list.territory.clone(),
                        tsp: tsp.name.clone(),
                        service: svc.current.name.clone(),
                        certificates,
                        history,
                    });
                }
            }
        }
        idx
    }

    /// The indexed services.
    pub fn services(&self) -> &[IndexedService] {
        &self.services
    }

    /// The lists loaded.
    pub fn lists(&self) -> &[ListSummary] {
        &self.lists
    }

    /// Whether no list is loaded.
    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    /// Lists that were refused when this index was loaded (territory, reason).
    pub fn refused(&self) -> &BTreeMap<String, String> {
        &self.refused
    }

    /// An index with no lists because they could not be loaded (`reason` is reported by every
    /// assessment).
    pub fn unavailable(reason: impl Into<String>) -> Self {
        Self {
            unavailable: Some(reason.into()),
            ..Self::default()
        }
    }

    /// Records refused lists (shown when no list is usable).
    pub fn with_refused(mut self, refused: BTreeMap<String, String>) -> Self {
        self.refused = refused;
        self
    }

    /// Is `chain[0]` (DER, leaf first, then any intermediates) a qualified certificate for
    /// electronic seals, issued under a CA/QC service granted at `at`?
    pub fn assess_seal(&self, chain: &[Vec<u8>], at: DateTime<Utc>) -> SealAssessment {
        if self.is_empty() {
            let reason = if let Some(r) = &self.unavailable {
                r.clone()
            } else if self.refused.is_empty() {
                "no verified trusted lists are loaded (run `verifier trust refresh`)".to_string()
            } else {
                let why: Vec<String> = self
                    .refused
                    .iter()
                    .map(|(t, r)| format!("{t}: {r}"))
                    .collect();
                format!("every trusted list was refused ({})", why.join("; "))
            };
            return SealAssessment::ListsUnavailable { reason };
        }
        let mut certs = Vec::new();
        for (i, der) in chain.iter().enumerate() {
            match proofs::certs::certificate_from_der(der) {
                Ok(c) => certs.push(c),
                Err(e) => {
                    return SealAssessment::ListsUnavailable {
                        reason: format!("seal certificate chain entry {i} is unreadable: {e}"),
                    }
                }
            }
        }
        let Some(leaf) = certs.first() else {
            return SealAssessment::ListsUnavailable {
                reason: "no seal certificate given".into(),
            };
        };
        let issuers = self.issuing_services(&certs);
        if issuers.is_empty() {
            return SealAssessment::IssuerNotListed {
                issuer: leaf.tbs_certificate.issuer.to_string(),
            };
        }
        let granted = issuers.iter().find_map(|s| {
            s.period_at(at)
                .filter(|p| is_granted(&p.status) && p.service_type == SVC_TYPE_CA_QC)
                .map(|p| (*s, p))
        });
        let Some((svc, period)) = granted else {
            let s = issuers.first().copied();
            return match s {
                Some(s) => SealAssessment::ServiceNotGranted {
                    tsp: s.tsp.clone(),
                    country: s.country.clone(),
                    service: s.service.clone(),
                    status: s.period_at(at).map(|p| p.status.clone()),
                    at,
                },
                None => SealAssessment::IssuerNotListed {
                    issuer: leaf.tbs_certificate.issuer.to_string(),
                },
            };
        };
        let missing = missing_qualities(leaf, period);
        if !missing.is_empty() {
            return SealAssessment::NotQualified {
                missing,
                tsp: svc.tsp.clone(),
                country: svc.country.clone(),
            };
        }
        let info = proofs::certs::CertificateInfo::of(leaf);
        SealAssessment::QualifiedSeal {
            organisation: info
                .organisation
                .or(info.common_name)
                .unwrap_or_else(|| info.subject.clone()),
            organisation_identifier: info.organisation_identifier,
            tsp: svc.tsp.clone(),
            country: svc.country.clone(),
            service: svc.service.clone(),
        }
    }

    /// The services whose digital identity issued `certs[0]`, directly or through intermediates
    /// of `certs` (each link's signature verified).
    fn issuing_services(&self, certs: &[Certificate]) -> Vec<&IndexedService> {
        let mut out = Vec::new();
        let Some(mut cur) = certs.first() else {
            return out;
        };
        for _ in 0..certs.len() {
            for s in &self.services {
                if s.certificates.iter().any(|ca| issued_by(cur, ca))
                    && !out.iter().any(|o| std::ptr::eq(*o, s))
                {
                    out.push(s);
                }
            }
            if !out.is_empty() {
                return out;
            }
            match certs
                .iter()
                .skip(1)
                .find(|c| *c != cur && issued_by(cur, c))
            {
                Some(next) => cur = next,
                None => return out,
            }
        }
        out
    }
}

fn issued_by(cert: &Certificate, ca: &Certificate) -> bool {
    cert.tbs_certificate.issuer == ca.tbs_certificate.subject
        && proofs::certs::verify_certificate_signature(cert, ca).is_ok()
}

/// What keeps `leaf` from being a qualified certificate for electronic seals under `period`
/// (empty: nothing). The list's qualifiers override the certificate (TS 119 612 §5.5.9.2).
fn missing_qualities(leaf: &Certificate, period: &StatusPeriod) -> Vec<String> {
    let facts = QcFacts::of(leaf);
    let mut qualifiers: Vec<&str> = Vec::new();
    for q in &period.qualifications {
        if criteria_met(&q.criteria, &facts) {
            qualifiers.extend(q.qualifiers.iter().map(String::as_str));
        }
    }
    let has = |name: &str| qualifiers.iter().any(|q| q.ends_with(&format!("/{name}")));
    let compliance = has("QCStatement") || facts.compliance;
    let eseal = has("QCForESeal")
        || (!has("QCForESig") && !has("QCForWSA") && facts.types.contains(&OID_QCT_ESEAL));
    let qscd = has("QCWithQSCD")
        || has("QCQSCDManagedOnBehalf")
        || has("QCWithSSCD")
        || (!has("QCNoQSCD") && !has("QCNoSSCD") && facts.sscd);
    let mut missing = Vec::new();
    if has("NotQualified") {
        missing
            .push("the trusted list's qualifier NotQualified applies to this certificate".into());
    }
    if !compliance {
        missing.push("QcStatement QcCompliance (0.4.0.1862.1.1)".into());
    }
    if !eseal {
        missing.push("QcStatement QcType eseal (0.4.0.1862.1.6.2)".into());
    }
    if !qscd {
        missing
            .push("QcStatement QcSSCD (0.4.0.1862.1.4): key in a qualified device (QSCD)".into());
    }
    let seals_listed = period.additional_info.is_empty()
        || period
            .additional_info
            .iter()
            .any(|u| u == &format!("{SVC_INFO_EXT}ForeSeals"));
    if !seals_listed {
        missing.push(
            "the service is not listed for e-seals (AdditionalServiceInformation ForeSeals)".into(),
        );
    }
    if facts.malformed {
        missing.push("a readable QcStatements extension (it is malformed)".into());
    }
    missing
}

/// TS 119 612 §5.5.9.2.2: `all` / `atLeastOne` / `none` of the criteria.
fn criteria_met(c: &Criteria, facts: &QcFacts) -> bool {
    let mut results: Vec<bool> = Vec::new();
    for set in &c.policy_sets {
        results.push(set.iter().all(|oid| facts.policies.contains(oid)));
    }
    for ku in &c.key_usages {
        results.push(
            ku.iter().all(|(name, v)| {
                facts.key_usage.iter().any(|k| k.eq_ignore_ascii_case(name)) == *v
            }),
        );
    }
    for n in &c.nested {
        results.push(criteria_met(n, facts));
    }
    results.extend(std::iter::repeat_n(false, c.unsupported));
    match c.assert.as_str() {
        "atLeastOne" => results.iter().any(|r| *r),
        "none" => !results.iter().any(|r| *r),
        _ => results.iter().all(|r| *r),
    }
}

/// What loading a set of lists did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ListSetReport {
    /// The LOTL's summary.
    pub lotl: Option<ListSummary>,
    /// Territories whose list verified and was indexed.
    pub accepted: Vec<String>,
    /// Territories whose list was refused, with the reason.
    pub refused: BTreeMap<String, String>,
}

/// Verifies the LOTL against `pinned` (DER certificates of the Commission), then each national list
/// (territory, XML) against the certificates the LOTL's pointer for that territory names, and
/// indexes the lists that verify. A refused national list is reported, not fatal; a refused LOTL is.
pub fn load_list_set(
    lotl_xml: &[u8],
    pinned: &[Vec<u8>],
    nationals: &[(String, Vec<u8>)],
    limits: &XmlLimits,
) -> Result<(TrustedListIndex, ListSetReport), TlError> {
    let lotl = crate::xmldsig::verify_and_parse(lotl_xml, pinned, limits)?;
    let mut report = ListSetReport {
        lotl: Some(ListSummary {
            territory: lotl.territory.clone(),
            sequence_number: lotl.sequence_number,
            issue_date: lotl.issue_date,
            next_update: lotl.next_update,
        }),
        ..ListSetReport::default()
    };
    let mut lists = Vec::new();
    for (territory, xml) in nationals {
        match verify_national(&lotl, territory, xml, limits) {
            Ok(list) => {
                report.accepted.push(territory.clone());
                lists.push(list);
            }
            Err(e) => {
                report.refused.insert(territory.clone(), e.to_string());
            }
        }
    }
    let index = TrustedListIndex::from_lists(&lists).with_refused(report.refused.clone());
    Ok((index, report))
}

/// Verifies one national list against the LOTL's pointer for `territory`.
pub fn verify_national(
    lotl: &TrustedList,
    territory: &str,
    xml: &[u8],
    limits: &XmlLimits,
) -> Result<TrustedList, TlError> {
    let certs: Vec<Vec<u8>> = lotl
        .pointers
        .iter()
        .filter(|p| p.territory.as_deref() == Some(territory) && p.is_xml())
        .flat_map(|p| p.certificates.iter().cloned())
        .collect();
    if certs.is_empty() {
        return Err(TlError::UnknownSigner(format!(
            "the LOTL names no signing certificate for territory {territory}"
        )));
    }
    let list = crate::xmldsig::verify_and_parse(xml, &certs, limits)?;
    if list.territory != territory {
        return Err(TlError::Structure {
            field: "SchemeInformation/SchemeTerritory".into(),
            rule: format!(
                "expected {territory} (the LOTL pointer), found {}",
                list.territory
            ),
        });
    }
    Ok(list)
}
