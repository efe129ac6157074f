//! What a certificate says about itself for the qualified decision: the QcStatements extension
//! (RFC 3739 §3.2.6, ETSI EN 319 412-5 §4: QcCompliance, QcSSCD, QcType), the certificate
//! policies (RFC 5280 §4.2.1.4) and key usage (§4.2.1.3) that trusted-list criteria test
//! (ETSI TS 119 612 §5.5.9.2.2), and the subject's organisation (ETSI EN 319 412-3).

use der::asn1::{Any, ObjectIdentifier};
use der::{Decode as _, Sequence};
use x509_cert::ext::pkix::{CertificatePolicies, KeyUsage, KeyUsages};
use x509_cert::Certificate;

/// id-pe-qcStatements.
pub const OID_QC_STATEMENTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.3");
/// id-etsi-qcs-QcCompliance.
pub const OID_QC_COMPLIANCE: ObjectIdentifier = ObjectIdentifier::new_unwrap("0.4.0.1862.1.1");
/// id-etsi-qcs-QcSSCD (the private key is in a QSCD).
pub const OID_QC_SSCD: ObjectIdentifier = ObjectIdentifier::new_unwrap("0.4.0.1862.1.4");
/// id-etsi-qcs-QcType.
pub const OID_QC_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("0.4.0.1862.1.6");
/// id-etsi-qct-esign.
pub const OID_QCT_ESIGN: ObjectIdentifier = ObjectIdentifier::new_unwrap("0.4.0.1862.1.6.1");
/// id-etsi-qct-eseal.
pub const OID_QCT_ESEAL: ObjectIdentifier = ObjectIdentifier::new_unwrap("0.4.0.1862.1.6.2");
/// id-etsi-qct-web.
pub const OID_QCT_WEB: ObjectIdentifier = ObjectIdentifier::new_unwrap("0.4.0.1862.1.6.3");
const OID_CERT_POLICIES: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.32");
const OID_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");

/// One QCStatement (RFC 3739): `statementId` and optional `statementInfo`.
#[derive(Debug, Clone, Sequence)]
pub struct QcStatement {
    /// statementId.
    pub statement_id: ObjectIdentifier,
    /// statementInfo.
    pub statement_info: Option<Any>,
}

/// The qualified-certificate facts of one certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QcFacts {
    /// QcCompliance present.
    pub compliance: bool,
    /// QcSSCD present.
    pub sscd: bool,
    /// QcType OIDs (esign / eseal / web).
    pub types: Vec<ObjectIdentifier>,
    /// Certificate policy OIDs.
    pub policies: Vec<String>,
    /// Key usage bit names set (RFC 5280 names: digitalSignature, nonRepudiation, ...).
    pub key_usage: Vec<String>,
    /// Whether a QcStatements extension was present but unreadable.
    pub malformed: bool,
}

impl QcFacts {
    /// Reads the facts of `cert`.
    pub fn of(cert: &Certificate) -> Self {
        let mut f = Self::default();
        let Some(exts) = cert.tbs_certificate.extensions.as_ref() else {
            return f;
        };
        for ext in exts {
            let bytes = ext.extn_value.as_bytes();
            if ext.extn_id == OID_QC_STATEMENTS {
                match Vec::<QcStatement>::from_der(bytes) {
                    Ok(stmts) => f.read_statements(&stmts),
                    Err(_) => f.malformed = true,
                }
            } else if ext.extn_id == OID_CERT_POLICIES {
                if let Ok(p) = CertificatePolicies::from_der(bytes) {
                    f.policies =
                        p.0.iter()
                            .map(|i| i.policy_identifier.to_string())
                            .collect();
                }
            } else if ext.extn_id == OID_KEY_USAGE {
                if let Ok(ku) = KeyUsage::from_der(bytes) {
                    f.key_usage = key_usage_names(&ku);
                }
            }
        }
        f
    }

    fn read_statements(&mut self, stmts: &[QcStatement]) {
        for s in stmts {
            if s.statement_id == OID_QC_COMPLIANCE {
                self.compliance = true;
            } else if s.statement_id == OID_QC_SSCD {
                self.sscd = true;
            } else if s.statement_id == OID_QC_TYPE {
                let types = s
                    .statement_info
                    .as_ref()
                    .and_then(|a| a.to_der().ok())
                    .and_then(|d| Vec::<ObjectIdentifier>::from_der(&d).ok());
                match types {
                    Some(t) => self.types.extend(t),
                    None => self.malformed = true,
                }
            }
        }
    }
}

use der::Encode as _;

fn key_usage_names(ku: &KeyUsage) -> Vec<String> {
    let all = [
        (KeyUsages::DigitalSignature, "digitalSignature"),
        (KeyUsages::NonRepudiation, "nonRepudiation"),
        (KeyUsages::KeyEncipherment, "keyEncipherment"),
        (KeyUsages::DataEncipherment, "dataEncipherment"),
        (KeyUsages::KeyAgreement, "keyAgreement"),
        (KeyUsages::KeyCertSign, "keyCertSign"),
        (KeyUsages::CRLSign, "crlSign"),
        (KeyUsages::EncipherOnly, "encipherOnly"),
        (KeyUsages::DecipherOnly, "decipherOnly"),
    ];
    all.iter()
        .filter(|(bit, _)| ku.0.contains(*bit))
        .map(|(_, n)| (*n).to_string())
        .collect()
}
