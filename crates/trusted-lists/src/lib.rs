//! eIDAS trusted lists as a trust source: the EU List of Trusted Lists (LOTL) and the national
//! trusted lists of ETSI TS 119 612 (v2.x XML), read as hostile input, their XMLDSig signatures
//! verified, and the qualified trust services indexed for one decision: is a seal certificate a
//! qualified certificate for electronic seals under a service that was granted at the seal's time
//! (Regulation (EU) No 910/2014 art. 3(30), 35-38; ETSI TS 119 615 §4.3 for the procedure).
//!
//! - [`xml`]: the hardened XML reader (no DTD, size, depth and node caps).
//! - [`c14n`]: Exclusive XML Canonicalization 1.0 (the method every list in use signs with).
//! - [`xmldsig`]: enveloped XMLDSig verification with signature-wrapping guards.
//! - [`model`]: the TS 119 612 structures ([`TrustedList`], pointers, providers, services).
//! - [`qc`]: QcStatements of a certificate (ETSI EN 319 412-5).
//! - [`index`]: [`TrustedListIndex`], the qualified CA/QC services with their status history,
//!   and [`TrustedListIndex::assess_seal`] giving a [`SealAssessment`].
#![forbid(unsafe_code)]

pub mod c14n;
pub mod index;
pub mod model;
pub mod qc;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod xml;
pub mod xmldsig;

pub use index::{load_list_set, IndexedService, ListSetReport, StatusPeriod, TrustedListIndex};
pub use model::{OtherTslPointer, TrustService, TrustServiceProvider, TrustedList};
pub use xml::XmlLimits;
pub use xmldsig::verify_and_parse;

/// Why a list was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlError {
    /// Bigger than the configured cap (checked before parsing).
    #[error("trusted list too large: {size} bytes, the limit is {limit} bytes")]
    TooLarge {
        /// Input size.
        size: usize,
        /// The cap.
        limit: usize,
    },
    /// A DTD (`<!DOCTYPE`) or an entity declaration: refused before parsing (no entity expansion,
    /// no external entities).
    #[error(
        "trusted list refused: it contains a DTD (<!DOCTYPE> / <!ENTITY>), which is not allowed"
    )]
    Dtd,
    /// Not well-formed XML, or over the node / depth caps.
    #[error("trusted list is not well-formed XML: {0}")]
    Xml(String),
    /// Well-formed, but not a TS 119 612 list (`field` names the element, `rule` what is wrong).
    #[error("trusted list structure: {field}: {rule}")]
    Structure {
        /// The element or attribute.
        field: String,
        /// The rule broken.
        rule: String,
    },
    /// The XMLDSig signature is missing, malformed, wrapped, or does not verify.
    #[error("trusted list signature: {0}")]
    Signature(String),
    /// The signature verifies, but not with any certificate trusted for this list.
    #[error("trusted list signed by an unknown key: {0}")]
    UnknownSigner(String),
}

/// The qualified e-seal decision for one seal certificate at one time.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SealAssessment {
    /// A qualified certificate for electronic seals, issued under a CA/QC service that was granted
    /// (or an equivalent historical status) at the time.
    QualifiedSeal {
        /// Subject O.
        organisation: String,
        /// Subject organizationIdentifier (2.5.4.97), if any.
        organisation_identifier: Option<String>,
        /// The trust service provider's name on the list.
        tsp: String,
        /// The list's scheme territory (country code).
        country: String,
        /// The service's name.
        service: String,
    },
    /// The issuing CA/QC service is listed, but was not granted at the time (withdrawn, not yet
    /// granted, or another status).
    ServiceNotGranted {
        /// TSP name.
        tsp: String,
        /// Country code.
        country: String,
        /// Service name.
        service: String,
        /// The status URI in force at the time, or `None` when the service's history starts later.
        status: Option<String>,
        /// The time asked about.
        at: chrono::DateTime<chrono::Utc>,
    },
    /// The issuing service is listed and granted, but the certificate is not a qualified
    /// certificate for electronic seals.
    NotQualified {
        /// What is missing, e.g. `QcStatement QcCompliance (0.4.0.1862.1.1)`.
        missing: Vec<String>,
        /// TSP name.
        tsp: String,
        /// Country code.
        country: String,
    },
    /// No CA/QC service on any loaded list issued the certificate.
    IssuerNotListed {
        /// The certificate's issuer DN.
        issuer: String,
    },
    /// No verified lists are loaded (never refreshed, or the cache is unreadable), or the chain is
    /// unusable.
    ListsUnavailable {
        /// Why.
        reason: String,
    },
}

impl SealAssessment {
    /// Whether this is a qualified electronic seal.
    pub fn is_qualified(&self) -> bool {
        matches!(self, Self::QualifiedSeal { .. })
    }

    /// A stable machine-readable code: `qualified_seal`, `service_not_granted`, `not_qualified`,
    /// `issuer_not_listed`, `lists_unavailable`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::QualifiedSeal { .. } => "qualified_seal",
            Self::ServiceNotGranted { .. } => "service_not_granted",
            Self::NotQualified { .. } => "not_qualified",
            Self::IssuerNotListed { .. } => "issuer_not_listed",
            Self::ListsUnavailable { .. } => "lists_unavailable",
        }
    }

    /// The outcome in words, for reports and pages.
    pub fn message(&self) -> String {
        match self {
            Self::QualifiedSeal {
                organisation,
                organisation_identifier,
                tsp,
                country,
                ..
            } => format!(
                "qualified electronic seal of {organisation} ({}), certificate from {tsp} ({country})",
                organisation_identifier.as_deref().unwrap_or("no organisationIdentifier")
            ),
            Self::ServiceNotGranted {
                tsp,
                country,
                service,
                status,
                at,
            } => format!(
                "not a qualified seal at {}: the issuing service \"{service}\" of {tsp} ({country}) was not granted then (status: {})",
                at.to_rfc3339(),
                status.as_deref().map(status_word).unwrap_or("not yet listed")
            ),
            Self::NotQualified { missing, tsp, country } => format!(
                "certificate from {tsp} ({country}) is not a qualified certificate for electronic seals: missing {}",
                missing.join(", ")
            ),
            Self::IssuerNotListed { issuer } => format!(
                "the certificate's issuer ({issuer}) is not a qualified CA on any EU trusted list"
            ),
            Self::ListsUnavailable { reason } => {
                format!("EU trusted lists unavailable: {reason}")
            }
        }
    }
}

/// The last path segment of a status URI (`.../Svcstatus/withdrawn` → `withdrawn`).
pub fn status_word(uri: &str) -> &str {
    uri.rsplit('/').next().unwrap_or(uri)
}
