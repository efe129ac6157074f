//! The structures of ETSI TS 119 612 v2.x (§5) that trust decisions need, read from a parsed and
//! already verified list: scheme information (§5.3: territory, sequence number, issue date,
//! pointers to other lists with their signing certificates, §5.3.13), trust service providers
//! (§5.4) and their services (§5.5: type, name, digital identity, status, status starting time,
//! extensions such as additional service information and qualifications, §5.5.9) with the service
//! history (§5.6).

use base64::Engine as _;
use chrono::{DateTime, Utc};
use roxmltree::Node;

use crate::xml::{child, child_text, children, text_of, NS_TSL};
use crate::TlError;

/// Service type of a CA issuing qualified certificates (TS 119 612 §5.5.1.1).
pub const SVC_TYPE_CA_QC: &str = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC";

/// One trusted list (the LOTL or a national list).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrustedList {
    /// SchemeTerritory (`EU` for the LOTL, else a country code; empty if absent).
    pub territory: String,
    /// TSLSequenceNumber.
    pub sequence_number: Option<u64>,
    /// TSLType URI.
    pub tsl_type: String,
    /// SchemeOperatorName (English if present).
    pub operator_name: String,
    /// ListIssueDateTime.
    pub issue_date: Option<DateTime<Utc>>,
    /// NextUpdate.
    pub next_update: Option<DateTime<Utc>>,
    /// PointersToOtherTSL.
    pub pointers: Vec<OtherTslPointer>,
    /// TrustServiceProviderList.
    pub providers: Vec<TrustServiceProvider>,
}

/// A pointer to another list (§5.3.13): where it is and who may sign it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OtherTslPointer {
    /// TSLLocation.
    pub location: String,
    /// SchemeTerritory of the list pointed to.
    pub territory: Option<String>,
    /// MimeType (`application/vnd.etsi.tsl+xml` for XML lists, else PDF).
    pub mime_type: Option<String>,
    /// TSLType of the list pointed to.
    pub tsl_type: Option<String>,
    /// DER certificates that may sign it.
    pub certificates: Vec<Vec<u8>>,
}

impl OtherTslPointer {
    /// Whether this points to a machine-processable (XML) list.
    pub fn is_xml(&self) -> bool {
        match &self.mime_type {
            Some(m) => m.contains("xml"),
            None => self.location.to_ascii_lowercase().ends_with(".xml"),
        }
    }
}

/// A trust service provider (§5.4).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrustServiceProvider {
    /// TSPName (English if present).
    pub name: String,
    /// Its services.
    pub services: Vec<TrustService>,
}

/// A service's state from one point in time (current information or a history instance).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceState {
    /// ServiceTypeIdentifier.
    pub service_type: String,
    /// ServiceName (English if present).
    pub name: String,
    /// ServiceStatus URI.
    pub status: String,
    /// StatusStartingTime.
    pub status_start: Option<DateTime<Utc>>,
    /// DER X509Certificate digital identities.
    pub certificates: Vec<Vec<u8>>,
    /// AdditionalServiceInformation URIs (e.g. `.../SvcInfoExt/ForeSeals`).
    pub additional_info: Vec<String>,
    /// Qualifications extension (§5.5.9.2).
    pub qualifications: Vec<Qualification>,
}

/// A service (§5.5) with its history (§5.6).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrustService {
    /// Current information.
    pub current: ServiceState,
    /// ServiceHistoryInstance entries, as listed.
    pub history: Vec<ServiceState>,
}

/// One QualificationElement: qualifiers applying to certificates that meet the criteria.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Qualification {
    /// Qualifier URIs (e.g. `.../SvcInfoExt/QCForESeal`, `.../QCWithQSCD`, `.../NotQualified`).
    pub qualifiers: Vec<String>,
    /// The criteria.
    pub criteria: Criteria,
}

/// A CriteriaList (§5.5.9.2.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Criteria {
    /// `all`, `atLeastOne` or `none`.
    pub assert: String,
    /// PolicySet: certificate policy OIDs (each set is one criterion: all its OIDs must be present).
    pub policy_sets: Vec<Vec<String>>,
    /// KeyUsage criteria: (bit name, value); each group is one criterion.
    pub key_usages: Vec<Vec<(String, bool)>>,
    /// Nested criteria lists.
    pub nested: Vec<Criteria>,
    /// Criteria of kinds not evaluated here (e.g. `otherCriteriaList`): counted as not met.
    pub unsupported: usize,
}

fn structure(field: &str, rule: &str) -> TlError {
    TlError::Structure {
        field: field.to_string(),
        rule: rule.to_string(),
    }
}

/// Reads a list from its (verified) document element `TrustServiceStatusList`.
pub fn read_list(root: Node<'_, '_>) -> Result<TrustedList, TlError> {
    if root.tag_name().name() != "TrustServiceStatusList"
        || root.tag_name().namespace() != Some(NS_TSL)
    {
        return Err(structure(
            "TrustServiceStatusList",
            "the document element must be TrustServiceStatusList in the TS 119 612 namespace",
        ));
    }
    let scheme = child(root, NS_TSL, "SchemeInformation")
        .ok_or_else(|| structure("SchemeInformation", "required element missing"))?;
    // Required for EU lists (TS 119 612 §5.3.10); other TSL schemes (e.g. gematik's) omit it.
    let territory = child_text(scheme, "SchemeTerritory").unwrap_or_default();
    let sequence_number = match child_text(scheme, "TSLSequenceNumber") {
        Some(s) => Some(s.parse::<u64>().map_err(|_| {
            structure(
                "SchemeInformation/TSLSequenceNumber",
                "must be a non-negative integer",
            )
        })?),
        None => None,
    };
    let issue_date = opt_time(child_text(scheme, "ListIssueDateTime"), "ListIssueDateTime")?;
    let next_update = match child(scheme, NS_TSL, "NextUpdate") {
        Some(n) => opt_time(child_text(n, "dateTime"), "NextUpdate/dateTime")?,
        None => None,
    };
    let mut pointers = Vec::new();
    if let Some(p) = child(scheme, NS_TSL, "PointersToOtherTSL") {
        for ptr in children(p, NS_TSL, "OtherTSLPointer") {
            pointers.push(read_pointer(ptr)?);
        }
    }
    let mut providers = Vec::new();
    if let Some(list) = child(root, NS_TSL, "TrustServiceProviderList") {
        for tsp in children(list, NS_TSL, "TrustServiceProvider") {
            providers.push(read_provider(tsp)?);
        }
    }
    Ok(TrustedList {
        territory,
        sequence_number,
        tsl_type: child_text(scheme, "TSLType").unwrap_or_default(),
        operator_name: child(scheme, NS_TSL, "SchemeOperatorName")
            .map(english_name)
            .unwrap_or_default(),
        issue_date,
        next_update,
        pointers,
        providers,
    })
}

fn opt_time(s: Option<String>, field: &str) -> Result<Option<DateTime<Utc>>, TlError> {
    match s {
        None => Ok(None),
        Some(s) if s.is_empty() => Ok(None),
        Some(s) => parse_time(&s).map(Some).ok_or_else(|| {
            structure(
                field,
                "must be an xsd:dateTime (RFC 3339, e.g. 2019-09-04T00:00:00Z)",
            )
        }),
    }
}

/// Parses an xsd:dateTime as UTC (a missing zone is read as UTC, as TS 119 612 §5.1.4 requires UTC).
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|n| n.and_utc())
}

/// The English `Name` child (xml:lang="en"), else the first.
fn english_name(node: Node<'_, '_>) -> String {
    let names: Vec<Node<'_, '_>> = children(node, NS_TSL, "Name").collect();
    let en = names.iter().find(|n| {
        n.attribute(("http://www.w3.org/XML/1998/namespace", "lang"))
            .is_some_and(|l| l.eq_ignore_ascii_case("en"))
    });
    en.or(names.first())
        .map(|n| text_of(*n))
        .unwrap_or_default()
}

fn decode_cert(node: Node<'_, '_>, field: &str) -> Result<Vec<u8>, TlError> {
    let b64: String = text_of(node)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64.as_bytes())
        .map_err(|_| structure(field, "X509Certificate must be base64"))
}

/// DER certificates of `ServiceDigitalIdentity`/`ServiceDigitalIdentities` below `node`.
fn digital_identities(node: Node<'_, '_>, field: &str) -> Result<Vec<Vec<u8>>, TlError> {
    let mut out = Vec::new();
    for d in node.descendants().filter(|d| {
        d.is_element()
            && d.tag_name().name() == "X509Certificate"
            && d.tag_name().namespace() == Some(NS_TSL)
    }) {
        out.push(decode_cert(d, field)?);
    }
    Ok(out)
}

fn read_pointer(ptr: Node<'_, '_>) -> Result<OtherTslPointer, TlError> {
    let location = child_text(ptr, "TSLLocation")
        .ok_or_else(|| structure("OtherTSLPointer/TSLLocation", "required element missing"))?;
    let certificates = match child(ptr, NS_TSL, "ServiceDigitalIdentities") {
        Some(ids) => digital_identities(ids, "OtherTSLPointer/ServiceDigitalIdentities")?,
        None => Vec::new(),
    };
    let mut p = OtherTslPointer {
        location,
        certificates,
        ..OtherTslPointer::default()
    };
    if let Some(info) = child(ptr, NS_TSL, "AdditionalInformation") {
        for other in info.descendants().filter(|d| d.is_element()) {
            match other.tag_name().name() {
                "SchemeTerritory" => p.territory = Some(text_of(other)),
                "MimeType" => p.mime_type = Some(text_of(other)),
                "TSLType" => p.tsl_type = Some(text_of(other)),
                _ => {}
            }
        }
    }
    Ok(p)
}

fn read_provider(tsp: Node<'_, '_>) -> Result<TrustServiceProvider, TlError> {
    let name = child(tsp, NS_TSL, "TSPInformation")
        .and_then(|i| child(i, NS_TSL, "TSPName"))
        .map(english_name)
        .ok_or_else(|| {
            structure(
                "TrustServiceProvider/TSPInformation/TSPName",
                "required element missing",
            )
        })?;
    let mut services = Vec::new();
    if let Some(list) = child(tsp, NS_TSL, "TSPServices") {
        for svc in children(list, NS_TSL, "TSPService") {
            let info = child(svc, NS_TSL, "ServiceInformation").ok_or_else(|| {
                structure("TSPService/ServiceInformation", "required element missing")
            })?;
            let current = read_state(info)?;
            let mut history = Vec::new();
            if let Some(h) = child(svc, NS_TSL, "ServiceHistory") {
                for inst in children(h, NS_TSL, "ServiceHistoryInstance") {
                    history.push(read_state(inst)?);
                }
            }
            services.push(TrustService { current, history });
        }
    }
    Ok(TrustServiceProvider { name, services })
}

fn read_state(info: Node<'_, '_>) -> Result<ServiceState, TlError> {
    let mut st = ServiceState {
        service_type: child_text(info, "ServiceTypeIdentifier")
            .ok_or_else(|| structure("ServiceTypeIdentifier", "required element missing"))?,
        name: child(info, NS_TSL, "ServiceName")
            .map(english_name)
            .unwrap_or_default(),
        status: child_text(info, "ServiceStatus")
            .ok_or_else(|| structure("ServiceStatus", "required element missing"))?,
        status_start: opt_time(child_text(info, "StatusStartingTime"), "StatusStartingTime")?,
        certificates: match child(info, NS_TSL, "ServiceDigitalIdentity") {
            Some(id) => digital_identities(id, "ServiceDigitalIdentity")?,
            None => Vec::new(),
        },
        ..ServiceState::default()
    };
    if let Some(exts) = child(info, NS_TSL, "ServiceInformationExtensions") {
        for ext in children(exts, NS_TSL, "Extension") {
            for e in ext.children().filter(|c| c.is_element()) {
                match e.tag_name().name() {
                    "AdditionalServiceInformation" => {
                        if let Some(u) = child_text(e, "URI") {
                            st.additional_info.push(u);
                        }
                    }
                    "Qualifications" => {
                        for q in e.children().filter(|c| {
                            c.is_element() && c.tag_name().name() == "QualificationElement"
                        }) {
                            st.qualifications.push(read_qualification(q));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(st)
}

fn read_qualification(q: Node<'_, '_>) -> Qualification {
    let mut out = Qualification::default();
    for c in q.children().filter(|c| c.is_element()) {
        match c.tag_name().name() {
            "Qualifiers" => {
                for qual in c
                    .children()
                    .filter(|x| x.is_element() && x.tag_name().name() == "Qualifier")
                {
                    if let Some(u) = qual.attribute("uri") {
                        out.qualifiers.push(u.to_string());
                    }
                }
            }
            "CriteriaList" => out.criteria = read_criteria(c, 0),
            _ => {}
        }
    }
    out
}

fn read_criteria(c: Node<'_, '_>, depth: usize) -> Criteria {
    let mut out = Criteria {
        assert: c.attribute("assert").unwrap_or("all").to_string(),
        ..Criteria::default()
    };
    for e in c.children().filter(|x| x.is_element()) {
        match e.tag_name().name() {
            "PolicySet" => out.policy_sets.push(
                e.descendants()
                    .filter(|d| d.is_element() && d.tag_name().name() == "Identifier")
                    .map(|d| {
                        let t = text_of(d);
                        t.strip_prefix("urn:oid:").unwrap_or(&t).to_string()
                    })
                    .collect(),
            ),
            "KeyUsage" => out.key_usages.push(
                e.children()
                    .filter(|d| d.is_element() && d.tag_name().name() == "KeyUsageBit")
                    .map(|d| {
                        (
                            d.attribute("name").unwrap_or("").to_string(),
                            text_of(d) == "true",
                        )
                    })
                    .collect(),
            ),
            "CriteriaList" if depth < 8 => {
                out.nested.push(read_criteria(e, depth.saturating_add(1)))
            }
            "Description" => {}
            _ => out.unsupported = out.unsupported.saturating_add(1),
        }
    }
    out
}
