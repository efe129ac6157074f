//! Test support (cargo feature `test-support`, never in production builds): a small PKI of P-256
//! keys (CA/QC roots, list signers, seal certificates with chosen QcStatements, ETSI EN 319 412-5)
//! and ETSI TS 119 612 lists generated and signed here (enveloped XMLDSig, exclusive C14N,
//! ECDSA-SHA256), so the qualified e-seal decision can be tested end to end with today's dates.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use der::asn1::{Any, ObjectIdentifier};
use der::{Decode as _, Encode as _};
pub use p256::ecdsa::SigningKey;
use sha2::{Digest as _, Sha256};
use x509_cert::builder::{Builder as _, CertificateBuilder, Profile};

use crate::qc::{
    QcStatement, OID_QCT_ESEAL, OID_QC_COMPLIANCE, OID_QC_SSCD, OID_QC_STATEMENTS, OID_QC_TYPE,
};

fn e(x: impl std::fmt::Display) -> String {
    x.to_string()
}

/// A deterministic P-256 key from a seed byte (1..=255).
pub fn key(seed: u8) -> Result<SigningKey, String> {
    let mut bytes = [seed; 32];
    if let Some(b) = bytes.first_mut() {
        *b = 1;
    }
    SigningKey::from_slice(&bytes).map_err(e)
}

/// Which QcStatements a seal certificate carries.
#[derive(Debug, Clone, Copy)]
pub struct QcProfile {
    /// QcCompliance.
    pub compliance: bool,
    /// QcType eseal.
    pub eseal: bool,
    /// QcSSCD.
    pub sscd: bool,
}

impl QcProfile {
    /// All three: a qualified certificate for electronic seals on a QSCD.
    pub const QUALIFIED_SEAL: Self = Self {
        compliance: true,
        eseal: true,
        sscd: true,
    };
    /// None at all.
    pub const NONE: Self = Self {
        compliance: false,
        eseal: false,
        sscd: false,
    };
}

struct QcStatementsExt(Vec<u8>);

impl der::oid::AssociatedOid for QcStatementsExt {
    const OID: ObjectIdentifier = OID_QC_STATEMENTS;
}

impl der::Encode for QcStatementsExt {
    fn encoded_len(&self) -> der::Result<der::Length> {
        der::Length::try_from(self.0.len())
    }
    fn encode(&self, writer: &mut impl der::Writer) -> der::Result<()> {
        writer.write(&self.0)
    }
}

impl x509_cert::ext::AsExtension for QcStatementsExt {
    fn critical(&self, _: &x509_cert::name::Name, _: &[x509_cert::ext::Extension]) -> bool {
        false
    }
}

fn qc_statements(p: QcProfile) -> Result<Vec<u8>, String> {
    let mut v = Vec::new();
    if p.compliance {
        v.push(QcStatement {
            statement_id: OID_QC_COMPLIANCE,
            statement_info: None,
        });
    }
    if p.sscd {
        v.push(QcStatement {
            statement_id: OID_QC_SSCD,
            statement_info: None,
        });
    }
    if p.eseal {
        let types = vec![OID_QCT_ESEAL].to_der().map_err(e)?;
        v.push(QcStatement {
            statement_id: OID_QC_TYPE,
            statement_info: Some(Any::from_der(&types).map_err(e)?),
        });
    }
    v.to_der().map_err(e)
}

fn spki(key: &SigningKey) -> Result<spki::SubjectPublicKeyInfoOwned, String> {
    let der = proofs::keys::PublicKey::P256(p256::PublicKey::from(key.verifying_key()))
        .to_spki_der()
        .map_err(e)?;
    spki::SubjectPublicKeyInfoOwned::from_der(&der).map_err(e)
}

/// A certificate for `subject` signed by `issuer` (self-signed root when `None`), with
/// QcStatements when `qc` is given. Returns DER.
#[allow(clippy::too_many_arguments)] // test support: one call site per kind of certificate, named arguments would not read better
pub fn certificate(
    subject: &proofs::certs::SubjectFields,
    subject_key: &SigningKey,
    issuer: Option<(&[u8], &SigningKey)>,
    qc: Option<QcProfile>,
    serial: u64,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
) -> Result<Vec<u8>, String> {
    let (profile, signer) = match issuer {
        None => (Profile::Root, subject_key),
        Some((ca_der, ca_key)) => {
            let ca = proofs::certs::certificate_from_der(ca_der).map_err(e)?;
            (
                Profile::Leaf {
                    issuer: ca.tbs_certificate.subject.clone(),
                    enable_key_agreement: false,
                    enable_key_encipherment: false,
                },
                ca_key,
            )
        }
    };
    let validity = x509_cert::time::Validity {
        not_before: proofs::certs::utc_to_time(not_before).map_err(e)?,
        not_after: proofs::certs::utc_to_time(not_after).map_err(e)?,
    };
    let serial = x509_cert::serial_number::SerialNumber::new(&serial.to_be_bytes()).map_err(e)?;
    let mut b = CertificateBuilder::new(
        profile,
        serial,
        validity,
        subject.to_name().map_err(e)?,
        spki(subject_key)?,
        signer,
    )
    .map_err(e)?;
    if let Some(p) = qc {
        b.add_extension(&QcStatementsExt(qc_statements(p)?))
            .map_err(e)?;
    }
    let cert = b.build::<p256::ecdsa::DerSignature>().map_err(e)?;
    cert.to_der().map_err(e)
}

/// Base64 of DER.
pub fn b64(der: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(der)
}

/// A service status period for [`national_list_body`]: (status word, start).
pub type Period<'a> = (&'a str, DateTime<Utc>);

/// The status URI of a word (`granted`, `withdrawn`, ...).
pub fn status_uri(word: &str) -> String {
    format!("http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/{word}")
}

/// SchemeInformation + one TSP with one CA/QC service identified by `ca_der`, whose status is
/// `periods` (oldest first; the last is the current status, the others the history).
pub fn national_list_body(
    territory: &str,
    tsp: &str,
    service: &str,
    ca_der: &[u8],
    periods: &[Period<'_>],
) -> String {
    let identity = format!(
        "<ServiceDigitalIdentity><DigitalId><X509Certificate>{}</X509Certificate></DigitalId></ServiceDigitalIdentity>",
        b64(ca_der)
    );
    let state = |word: &str, start: DateTime<Utc>| {
        format!(
            "<ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/CA/QC</ServiceTypeIdentifier>\
             <ServiceName><Name xml:lang=\"en\">{service}</Name></ServiceName>{identity}\
             <ServiceStatus>{}</ServiceStatus><StatusStartingTime>{}</StatusStartingTime>",
            status_uri(word),
            start.format("%Y-%m-%dT%H:%M:%SZ")
        )
    };
    let ext = "<ServiceInformationExtensions><Extension Critical=\"false\"><AdditionalServiceInformation>\
               <URI xml:lang=\"en\">http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSeals</URI>\
               </AdditionalServiceInformation></Extension></ServiceInformationExtensions>";
    let (current, history) = match periods.split_last() {
        Some((c, h)) => (state(c.0, c.1), h),
        None => (String::new(), &[][..]),
    };
    let history: String = history
        .iter()
        .rev()
        .map(|(w, s)| {
            format!(
                "<ServiceHistoryInstance>{}</ServiceHistoryInstance>",
                state(w, *s)
            )
        })
        .collect();
    format!(
        "<SchemeInformation><TSLVersionIdentifier>5</TSLVersionIdentifier><TSLSequenceNumber>1</TSLSequenceNumber>\
         <TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</TSLType>\
         <SchemeOperatorName><Name xml:lang=\"en\">Supervisory body of {territory}</Name></SchemeOperatorName>\
         <SchemeTerritory>{territory}</SchemeTerritory><ListIssueDateTime>2025-01-01T00:00:00Z</ListIssueDateTime>\
         <NextUpdate><dateTime>2027-06-01T00:00:00Z</dateTime></NextUpdate></SchemeInformation>\
         <TrustServiceProviderList><TrustServiceProvider><TSPInformation><TSPName><Name xml:lang=\"en\">{tsp}</Name></TSPName>\
         </TSPInformation><TSPServices><TSPService><ServiceInformation>{current}{ext}</ServiceInformation>\
         <ServiceHistory>{history}</ServiceHistory></TSPService></TSPServices></TrustServiceProvider></TrustServiceProviderList>"
    )
}

/// A LOTL body pointing to `(territory, location, signer certificate DER)` lists.
pub fn lotl_body(pointers: &[(&str, &str, &[u8])]) -> String {
    let ptrs: String = pointers
        .iter()
        .map(|(t, loc, cert)| {
            format!(
                "<OtherTSLPointer><ServiceDigitalIdentities><ServiceDigitalIdentity><DigitalId><X509Certificate>{}</X509Certificate>\
                 </DigitalId></ServiceDigitalIdentity></ServiceDigitalIdentities><TSLLocation>{loc}</TSLLocation>\
                 <AdditionalInformation><OtherInformation><TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</TSLType></OtherInformation>\
                 <OtherInformation><SchemeTerritory>{t}</SchemeTerritory></OtherInformation>\
                 <OtherInformation><ns3:MimeType xmlns:ns3=\"http://uri.etsi.org/02231/v2/additionaltypes#\">application/vnd.etsi.tsl+xml</ns3:MimeType></OtherInformation>\
                 </AdditionalInformation></OtherTSLPointer>",
                b64(cert)
            )
        })
        .collect();
    format!(
        "<SchemeInformation><TSLVersionIdentifier>5</TSLVersionIdentifier><TSLSequenceNumber>300</TSLSequenceNumber>\
         <TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists</TSLType>\
         <SchemeOperatorName><Name xml:lang=\"en\">European Commission</Name></SchemeOperatorName>\
         <SchemeTerritory>EU</SchemeTerritory><PointersToOtherTSL>{ptrs}</PointersToOtherTSL>\
         <ListIssueDateTime>2025-01-01T00:00:00Z</ListIssueDateTime>\
         <NextUpdate><dateTime>2027-06-01T00:00:00Z</dateTime></NextUpdate></SchemeInformation>"
    )
}

const SIG_TEMPLATE: &str = "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" Id=\"sig\"><ds:SignedInfo>\
<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>\
<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\"/>\
<ds:Reference URI=\"\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>\
<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>\
<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>@DIGEST@</ds:DigestValue></ds:Reference>\
</ds:SignedInfo><ds:SignatureValue>@SIGVAL@</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>@CERT@</ds:X509Certificate>\
</ds:X509Data></ds:KeyInfo></ds:Signature>";

/// The list document `body` wrapped in `TrustServiceStatusList`, signed (enveloped, exclusive
/// C14N, ECDSA-SHA256) with `signer` whose certificate `cert_der` goes into KeyInfo.
pub fn sign_list(body: &str, signer: &SigningKey, cert_der: &[u8]) -> Result<String, String> {
    use signature::Signer as _;
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\" \
         Id=\"tsl\" TSLTag=\"http://uri.etsi.org/19612/TSLTag\">{body}{}</TrustServiceStatusList>",
        SIG_TEMPLATE.replace("@CERT@", &b64(cert_der))
    );
    let digest = {
        let parsed = roxmltree::Document::parse(&doc).map_err(e)?;
        let sig = parsed
            .descendants()
            .find(|n| n.tag_name().name() == "Signature")
            .ok_or("no signature")?;
        let mut out = Vec::new();
        crate::c14n::canonicalize_document(
            &parsed,
            Some(sig.id()),
            crate::c14n::Method::Exclusive,
            &mut out,
        );
        b64(&Sha256::digest(&out))
    };
    let doc = doc.replace("@DIGEST@", &digest);
    let sigval = {
        let parsed = roxmltree::Document::parse(&doc).map_err(e)?;
        let si = parsed
            .descendants()
            .find(|n| n.tag_name().name() == "SignedInfo")
            .ok_or("no SignedInfo")?;
        let mut out = Vec::new();
        crate::c14n::canonicalize(si, None, crate::c14n::Method::Exclusive, &mut out);
        let s: p256::ecdsa::Signature = signer.sign(&out);
        b64(&s.to_bytes())
    };
    Ok(doc.replace("@SIGVAL@", &sigval))
}
