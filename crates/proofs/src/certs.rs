//! X.509 certificates for seals: PEM/DER parsing, subject details, certification-path validation
//! against configured trust anchors, and issuing demo certificates.
//!
//! Implements the parts of RFC 5280 §6.1 (basic path validation) a seal verifier needs: each
//! certificate's signature checked with its issuer's key, validity at a given time, and
//! `basicConstraints cA` on every issuer. Revocation (CRL/OCSP) and policy processing are not done
//! here. Certificate signature algorithms: sha256/384/512WithRSAEncryption and ecdsa-with-SHA256 on
//! P-256. Subject attributes follow ETSI EN 319 412-3 for legal persons (`O`,
//! `organizationIdentifier` 2.5.4.97, `C`, `CN`).

use chrono::{DateTime, TimeZone as _, Utc};
use der::asn1::{Any, ObjectIdentifier, PrintableStringRef, SetOfVec, Utf8StringRef};
use der::{Decode as _, DecodePem as _, Encode as _, Tag, Tagged as _};
use sha2::{Digest as _, Sha256, Sha384, Sha512};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::ext::pkix::BasicConstraints;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::Certificate;

use crate::keys::PublicKey;

/// countryName.
pub const OID_C: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
/// organizationName.
pub const OID_O: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
/// organizationalUnitName.
pub const OID_OU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.11");
/// commonName.
pub const OID_CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
/// organizationIdentifier (ETSI EN 319 412-1 §5.1.4 semantics: `VATBE-...`, `NTRCH-...`).
pub const OID_ORGANIZATION_IDENTIFIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.97");
/// serialNumber (of the subject).
pub const OID_SERIAL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.5");
const OID_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const OID_SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const OID_SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const OID_SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const OID_ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");

/// Errors reading certificates.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CertError {
    /// Not DER / PEM of a certificate.
    #[error("cannot decode certificate: {0}")]
    Decode(String),
    /// The subject public key is of an unsupported type.
    #[error("unsupported certificate key: {0}")]
    Key(String),
    /// The certificate could not be built.
    #[error("cannot build certificate: {0}")]
    Build(String),
}

/// Parses a DER certificate.
pub fn certificate_from_der(der: &[u8]) -> Result<Certificate, CertError> {
    Certificate::from_der(der).map_err(|e| CertError::Decode(e.to_string()))
}

/// Parses every `CERTIFICATE` block of a PEM bundle, in order.
pub fn certificates_from_pem(pem: &str) -> Result<Vec<Certificate>, CertError> {
    let mut out = Vec::new();
    let begin = "-----BEGIN CERTIFICATE-----";
    let end = "-----END CERTIFICATE-----";
    let mut rest = pem;
    while let Some(start) = rest.find(begin) {
        let after = &rest[start..];
        let stop = after
            .find(end)
            .ok_or_else(|| CertError::Decode("unterminated PEM block".into()))?
            + end.len();
        out.push(
            Certificate::from_pem(
                after
                    .as_bytes()
                    .get(..stop)
                    .ok_or_else(|| CertError::Decode("unterminated PEM block".into()))?,
            )
            .map_err(|e| CertError::Decode(e.to_string()))?,
        );
        rest = &after[stop..];
    }
    if out.is_empty() {
        return Err(CertError::Decode("no CERTIFICATE block".into()));
    }
    Ok(out)
}

/// PEM of a certificate.
pub fn certificate_to_pem(cert: &Certificate) -> Result<String, CertError> {
    use der::EncodePem as _;
    cert.to_pem(der::pem::LineEnding::LF)
        .map_err(|e| CertError::Decode(e.to_string()))
}

/// DER of a certificate.
pub fn certificate_to_der(cert: &Certificate) -> Result<Vec<u8>, CertError> {
    cert.to_der().map_err(|e| CertError::Decode(e.to_string()))
}

/// The subject public key of a certificate.
pub fn certificate_public_key(cert: &Certificate) -> Result<PublicKey, CertError> {
    let der = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| CertError::Decode(e.to_string()))?;
    PublicKey::from_spki_der(&der).map_err(|e| CertError::Key(e.to_string()))
}

/// A string attribute value (UTF8String, PrintableString, IA5String, TeletexString as Latin-1, BMPString).
fn any_to_string(value: &Any) -> Option<String> {
    let bytes = value.value();
    match value.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::VisibleString => {
            std::str::from_utf8(bytes).ok().map(str::to_string)
        }
        Tag::TeletexString => Some(bytes.iter().map(|&b| b as char).collect()),
        Tag::BmpString => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .filter_map(|c| <[u8; 2]>::try_from(c).ok())
                .map(u16::from_be_bytes)
                .collect();
            String::from_utf16(&units).ok()
        }
        _ => None,
    }
}

/// The first value of attribute `oid` in a name.
pub fn name_attribute(name: &Name, oid: ObjectIdentifier) -> Option<String> {
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == oid)
        .and_then(|atv| any_to_string(&atv.value))
}

/// Converts an ASN.1 time to UTC.
pub fn time_to_utc(t: &x509_cert::time::Time) -> DateTime<Utc> {
    let d = t.to_unix_duration();
    Utc.timestamp_opt(d.as_secs() as i64, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// An ASN.1 time from UTC (UTCTime before 2050, GeneralizedTime after, as RFC 5280 §4.1.2.5 says).
pub fn utc_to_time(t: DateTime<Utc>) -> Result<x509_cert::time::Time, CertError> {
    let secs =
        u64::try_from(t.timestamp()).map_err(|_| CertError::Build("time before 1970".into()))?;
    let dt = der::DateTime::from_unix_duration(std::time::Duration::from_secs(secs))
        .map_err(|e| CertError::Build(e.to_string()))?;
    let time = x509_cert::time::Time::GeneralTime(der::asn1::GeneralizedTime::from_date_time(dt));
    Ok(time)
}

/// What a seal certificate says about its holder.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CertificateInfo {
    /// RFC 4514-style subject.
    pub subject: String,
    /// RFC 4514-style issuer.
    pub issuer: String,
    /// Subject organisation (O).
    pub organisation: Option<String>,
    /// Subject organizationIdentifier (2.5.4.97), e.g. `VATBE-0123456789`, `NTRCH-DEMO-ETH`.
    pub organisation_identifier: Option<String>,
    /// Subject CN.
    pub common_name: Option<String>,
    /// Subject country (C).
    pub country: Option<String>,
    /// Serial number, hex.
    pub serial_hex: String,
    /// notBefore.
    pub not_before: DateTime<Utc>,
    /// notAfter.
    pub not_after: DateTime<Utc>,
    /// Hex SHA-256 of the DER certificate.
    pub sha256_hex: String,
}

impl CertificateInfo {
    /// Reads the fields of `cert`.
    pub fn of(cert: &Certificate) -> Self {
        let tbs = &cert.tbs_certificate;
        let subject = &tbs.subject;
        Self {
            subject: subject.to_string(),
            issuer: tbs.issuer.to_string(),
            organisation: name_attribute(subject, OID_O),
            organisation_identifier: name_attribute(subject, OID_ORGANIZATION_IDENTIFIER),
            common_name: name_attribute(subject, OID_CN),
            country: name_attribute(subject, OID_C),
            serial_hex: hex::encode(tbs.serial_number.as_bytes()),
            not_before: time_to_utc(&tbs.validity.not_before),
            not_after: time_to_utc(&tbs.validity.not_after),
            sha256_hex: cert
                .to_der()
                .map(|d| hex::encode(Sha256::digest(d)))
                .unwrap_or_default(),
        }
    }

    /// Whether `at` lies within [notBefore, notAfter].
    pub fn valid_at(&self, at: DateTime<Utc>) -> bool {
        self.not_before <= at && at <= self.not_after
    }
}

/// The certificates a verifier trusts as roots of seal chains.
///
/// Clones share one memo of certificate signatures already verified (see [`SignatureMemo`]), so a
/// verifier that checks thousands of seals under the same chain verifies each link once.
#[derive(Debug, Clone, Default)]
pub struct TrustAnchors {
    certificates: Vec<Certificate>,
    memo: std::sync::Arc<SignatureMemo>,
}

/// Certificate signatures that verified: SHA-256 of (certificate DER, issuer DER). A signature
/// does not depend on time, so a hit skips only the public-key operation; validity periods,
/// `cA` and the path itself are checked on every call. Only successes are kept, and at most
/// [`SignatureMemo::CAPACITY`] of them (the memo is emptied when full), so an attacker sending
/// many chains costs memory of no more than that.
#[derive(Debug, Default)]
pub struct SignatureMemo {
    verified: std::sync::Mutex<std::collections::HashSet<[u8; 32]>>,
}

impl SignatureMemo {
    /// Most links remembered.
    pub const CAPACITY: usize = 4096;

    fn key(certificate: &Certificate, issuer: &Certificate) -> Option<[u8; 32]> {
        let mut hash = Sha256::new();
        hash.update(certificate.to_der().ok()?);
        hash.update(issuer.to_der().ok()?);
        Some(hash.finalize().into())
    }

    /// `verify_certificate_signature(certificate, issuer)`, remembered when it succeeds.
    fn verify(&self, certificate: &Certificate, issuer: &Certificate) -> Result<(), String> {
        let key = Self::key(certificate, issuer);
        let known = |k: &[u8; 32]| {
            self.verified
                .lock()
                .map(|set| set.contains(k))
                .unwrap_or(false)
        };
        if key.as_ref().is_some_and(known) {
            return Ok(());
        }
        verify_certificate_signature(certificate, issuer)?;
        if let (Some(key), Ok(mut set)) = (key, self.verified.lock()) {
            if set.len() >= Self::CAPACITY {
                set.clear();
            }
            set.insert(key);
        }
        Ok(())
    }

    /// How many links are remembered.
    pub fn len(&self) -> usize {
        self.verified.lock().map(|set| set.len()).unwrap_or(0)
    }

    /// Whether no link is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl TrustAnchors {
    /// No anchors: every chain is "unknown CA".
    pub fn empty() -> Self {
        Self::default()
    }
    /// From certificates.
    pub fn from_certificates(certificates: Vec<Certificate>) -> Self {
        Self {
            certificates,
            memo: Default::default(),
        }
    }
    /// From a PEM bundle.
    pub fn from_pem(pem: &str) -> Result<Self, CertError> {
        Ok(Self::from_certificates(certificates_from_pem(pem)?))
    }
    /// Adds one anchor.
    pub fn add(&mut self, certificate: Certificate) {
        self.certificates.push(certificate);
    }
    /// The anchors.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }
    /// SHA-256 over the anchors' DER, in order: tells two anchor sets apart.
    pub fn fingerprint(&self) -> [u8; 32] {
        let mut hash = Sha256::new();
        for c in &self.certificates {
            let der = c.to_der().unwrap_or_default();
            hash.update((der.len() as u64).to_be_bytes());
            hash.update(&der);
        }
        hash.finalize().into()
    }
    /// The memo of verified certificate signatures (shared by clones).
    pub fn signature_memo(&self) -> &SignatureMemo {
        &self.memo
    }
}

/// Outcome of certification-path validation. Only `Trusted` means the seal's holder is vouched for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum TrustStatus {
    /// A valid path to a configured anchor.
    Trusted {
        /// Subject of the anchor.
        anchor: String,
        /// Certificates in the path, leaf and anchor included.
        path_length: usize,
    },
    /// No configured anchor issued the top of the chain (e.g. the EU's qualified CA when only the
    /// demo CA is configured). The signature may still be genuine.
    UnknownCa {
        /// Issuer of the last certificate that could be placed.
        issuer: String,
    },
    /// A certificate of the path is outside its validity period at the validation time.
    Expired {
        /// Its subject.
        subject: String,
        /// Its notBefore.
        not_before: DateTime<Utc>,
        /// Its notAfter.
        not_after: DateTime<Utc>,
    },
    /// A certificate's signature does not verify with its issuer's key, or uses an unsupported algorithm.
    BadCertificateSignature {
        /// Its subject.
        subject: String,
        /// Why.
        reason: String,
    },
    /// An issuing certificate lacks `basicConstraints cA=TRUE`.
    IssuerNotCa {
        /// Its subject.
        subject: String,
    },
}

impl TrustStatus {
    /// True only for [`TrustStatus::Trusted`].
    pub fn is_trusted(&self) -> bool {
        matches!(self, TrustStatus::Trusted { .. })
    }
}

fn is_ca(cert: &Certificate) -> bool {
    cert.tbs_certificate
        .extensions
        .as_ref()
        .and_then(|exts| exts.iter().find(|e| e.extn_id == OID_BASIC_CONSTRAINTS))
        .and_then(|e| BasicConstraints::from_der(e.extn_value.as_bytes()).ok())
        .is_some_and(|bc| bc.ca)
}

/// Checks `cert`'s signature with `issuer`'s public key.
pub fn verify_certificate_signature(
    cert: &Certificate,
    issuer: &Certificate,
) -> Result<(), String> {
    let tbs = cert.tbs_certificate.to_der().map_err(|e| e.to_string())?;
    let sig = cert
        .signature
        .as_bytes()
        .ok_or("signature BIT STRING has unused bits")?;
    let key = certificate_public_key(issuer).map_err(|e| e.to_string())?;
    let alg = cert.signature_algorithm.oid;
    use signature::Verifier as _;
    match (&key, alg) {
        (PublicKey::Rsa(k), oid)
            if oid == OID_SHA256_WITH_RSA
                || oid == OID_SHA384_WITH_RSA
                || oid == OID_SHA512_WITH_RSA =>
        {
            let (scheme, hashed) = if oid == OID_SHA256_WITH_RSA {
                (
                    rsa::Pkcs1v15Sign::new::<Sha256>(),
                    Sha256::digest(&tbs).to_vec(),
                )
            } else if oid == OID_SHA384_WITH_RSA {
                (
                    rsa::Pkcs1v15Sign::new::<Sha384>(),
                    Sha384::digest(&tbs).to_vec(),
                )
            } else {
                (
                    rsa::Pkcs1v15Sign::new::<Sha512>(),
                    Sha512::digest(&tbs).to_vec(),
                )
            };
            k.verify(scheme, &hashed, sig)
                .map_err(|_| "RSA signature does not verify".to_string())
        }
        (PublicKey::P256(k), oid) if oid == OID_ECDSA_WITH_SHA256 => {
            let s = p256::ecdsa::Signature::from_der(sig)
                .map_err(|_| "malformed ECDSA DER signature".to_string())?;
            p256::ecdsa::VerifyingKey::from(k)
                .verify(&tbs, &s)
                .map_err(|_| "ECDSA signature does not verify".to_string())
        }
        (key, oid) => Err(format!(
            "unsupported certificate signature algorithm {oid} with a {} key",
            key.key_type()
        )),
    }
}

/// Validates the path from `chain[0]` (the leaf) through the rest of `chain` (in any order) to one of
/// `anchors`, at time `at`.
pub fn validate_path(
    chain: &[Certificate],
    anchors: &TrustAnchors,
    at: DateTime<Utc>,
) -> TrustStatus {
    let Some(leaf) = chain.first() else {
        return TrustStatus::UnknownCa {
            issuer: String::new(),
        };
    };
    let mut current = leaf.clone();
    // Bounded: a path never needs more links than there are certificates on offer.
    for path_length in 1..=(chain.len() + anchors.certificates.len() + 1) {
        let info = CertificateInfo::of(&current);
        if !info.valid_at(at) {
            return TrustStatus::Expired {
                subject: info.subject,
                not_before: info.not_before,
                not_after: info.not_after,
            };
        }
        let issuer_name = &current.tbs_certificate.issuer;
        // An anchor that issued `current` ends the path (this also covers a self-signed anchor sent in x5c).
        if let Some(anchor) = anchors
            .certificates
            .iter()
            .find(|a| &a.tbs_certificate.subject == issuer_name)
        {
            let anchor_info = CertificateInfo::of(anchor);
            if let Err(reason) = anchors.memo.verify(&current, anchor) {
                return TrustStatus::BadCertificateSignature {
                    subject: info.subject,
                    reason,
                };
            }
            if !is_ca(anchor) {
                return TrustStatus::IssuerNotCa {
                    subject: anchor_info.subject,
                };
            }
            if !anchor_info.valid_at(at) {
                return TrustStatus::Expired {
                    subject: anchor_info.subject,
                    not_before: anchor_info.not_before,
                    not_after: anchor_info.not_after,
                };
            }
            let same = current.to_der().ok() == anchor.to_der().ok();
            return TrustStatus::Trusted {
                anchor: anchor_info.subject,
                path_length: path_length + usize::from(!same),
            };
        }
        let next = chain.iter().find(|c| {
            &c.tbs_certificate.subject == issuer_name
                && c.tbs_certificate.subject != current.tbs_certificate.subject
        });
        let Some(next) = next else {
            return TrustStatus::UnknownCa {
                issuer: issuer_name.to_string(),
            };
        };
        if let Err(reason) = anchors.memo.verify(&current, next) {
            return TrustStatus::BadCertificateSignature {
                subject: info.subject,
                reason,
            };
        }
        if !is_ca(next) {
            return TrustStatus::IssuerNotCa {
                subject: next.tbs_certificate.subject.to_string(),
            };
        }
        current = next.clone();
    }
    TrustStatus::UnknownCa {
        issuer: current.tbs_certificate.issuer.to_string(),
    }
}

/// Subject fields of a seal or CA certificate to issue.
#[derive(Debug, Clone)]
pub struct SubjectFields {
    /// C (two letters).
    pub country: String,
    /// O.
    pub organisation: String,
    /// organizationIdentifier, if any.
    pub organisation_identifier: Option<String>,
    /// CN.
    pub common_name: String,
}

fn atv(
    oid: ObjectIdentifier,
    value: &str,
    printable: bool,
) -> Result<AttributeTypeAndValue, CertError> {
    let b = |e: der::Error| CertError::Build(e.to_string());
    let value = if printable {
        Any::from(PrintableStringRef::new(value).map_err(b)?)
    } else {
        Any::from(Utf8StringRef::new(value).map_err(b)?)
    };
    Ok(AttributeTypeAndValue { oid, value })
}

impl SubjectFields {
    /// The X.501 name, in the order C, O, organizationIdentifier, CN.
    pub fn to_name(&self) -> Result<Name, CertError> {
        let b = |e: der::Error| CertError::Build(e.to_string());
        let mut atvs = vec![
            atv(OID_C, &self.country, true)?,
            atv(OID_O, &self.organisation, false)?,
        ];
        if let Some(id) = &self.organisation_identifier {
            atvs.push(atv(OID_ORGANIZATION_IDENTIFIER, id, true)?);
        }
        atvs.push(atv(OID_CN, &self.common_name, false)?);
        let rdns = atvs
            .into_iter()
            .map(|a| {
                SetOfVec::try_from(vec![a])
                    .map(RelativeDistinguishedName)
                    .map_err(b)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RdnSequence(rdns))
    }
}

/// A certificate issuer key for the `x509-cert` builder.
pub enum IssuerKey<'a> {
    /// RSA, signs sha256WithRSAEncryption.
    Rsa(&'a rsa::RsaPrivateKey),
    /// P-256, signs ecdsa-with-SHA256.
    P256(&'a p256::ecdsa::SigningKey),
}

/// Issues a certificate: self-signed CA when `issuer` is `None` (profile Root), otherwise a leaf seal
/// certificate (digitalSignature + nonRepudiation) issued by `issuer`.
pub fn issue_certificate(
    subject: &SubjectFields,
    subject_public_key: &PublicKey,
    issuer: Option<&Certificate>,
    issuer_key: IssuerKey<'_>,
    serial: u64,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
) -> Result<Certificate, CertError> {
    let validity = (not_before, not_after);
    issue_with_dns_names(
        subject,
        subject_public_key,
        issuer,
        issuer_key,
        serial,
        validity,
        &[],
    )
}

/// Issues a leaf certificate like [`issue_certificate`] with a subjectAltName of `dns_names`
/// (RFC 5280 §4.2.1.6 dNSName): an OpenID4VP verifier's client certificate, whose
/// `x509_san_dns` client identifier is one of these names (OpenID4VP 1.0 §5.9.3).
pub fn issue_certificate_with_dns_names(
    subject: &SubjectFields,
    subject_public_key: &PublicKey,
    issuer: &Certificate,
    issuer_key: IssuerKey<'_>,
    serial: u64,
    validity: (DateTime<Utc>, DateTime<Utc>),
    dns_names: &[&str],
) -> Result<Certificate, CertError> {
    let (key, ca) = (subject_public_key, Some(issuer));
    issue_with_dns_names(subject, key, ca, issuer_key, serial, validity, dns_names)
}

/// The subjectAltName dNSName entries of `cert` (empty when it has none).
pub fn dns_names(cert: &Certificate) -> Result<Vec<String>, CertError> {
    use x509_cert::ext::pkix::name::GeneralName;
    use x509_cert::ext::pkix::SubjectAltName;
    let san = cert
        .tbs_certificate
        .get::<SubjectAltName>()
        .map_err(|e| CertError::Decode(format!("subjectAltName: {e}")))?;
    Ok(san
        .map(|(_, SubjectAltName(names))| {
            names
                .into_iter()
                .filter_map(|n| match n {
                    GeneralName::DnsName(name) => Some(name.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default())
}

fn issue_with_dns_names(
    subject: &SubjectFields,
    subject_public_key: &PublicKey,
    issuer: Option<&Certificate>,
    issuer_key: IssuerKey<'_>,
    serial: u64,
    (not_before, not_after): (DateTime<Utc>, DateTime<Utc>),
    dns_names: &[&str],
) -> Result<Certificate, CertError> {
    use x509_cert::builder::{Builder as _, CertificateBuilder, Profile};
    let b = |e: x509_cert::builder::Error| CertError::Build(e.to_string());
    let profile = match issuer {
        None => Profile::Root,
        Some(ca) => Profile::Leaf {
            issuer: ca.tbs_certificate.subject.clone(),
            enable_key_agreement: false,
            enable_key_encipherment: false,
        },
    };
    let serial = x509_cert::serial_number::SerialNumber::new(&serial.to_be_bytes())
        .map_err(|e| CertError::Build(e.to_string()))?;
    let validity = x509_cert::time::Validity {
        not_before: utc_to_time(not_before)?,
        not_after: utc_to_time(not_after)?,
    };
    let spki_der = subject_public_key
        .to_spki_der()
        .map_err(|e| CertError::Key(e.to_string()))?;
    let spki = spki::SubjectPublicKeyInfoOwned::from_der(&spki_der)
        .map_err(|e| CertError::Build(e.to_string()))?;
    let name = subject.to_name()?;
    let san = subject_alt_name(dns_names)?;
    match issuer_key {
        IssuerKey::Rsa(key) => {
            let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(key.clone());
            let mut builder =
                CertificateBuilder::new(profile, serial, validity, name, spki, &signer)
                    .map_err(b)?;
            if let Some(san) = &san {
                builder.add_extension(san).map_err(b)?;
            }
            builder.build::<rsa::pkcs1v15::Signature>().map_err(b)
        }
        IssuerKey::P256(key) => {
            let mut builder =
                CertificateBuilder::new(profile, serial, validity, name, spki, key).map_err(b)?;
            if let Some(san) = &san {
                builder.add_extension(san).map_err(b)?;
            }
            builder.build::<p256::ecdsa::DerSignature>().map_err(b)
        }
    }
}

/// The subjectAltName extension of `dns_names` (`None` when empty).
fn subject_alt_name(
    dns_names: &[&str],
) -> Result<Option<x509_cert::ext::pkix::SubjectAltName>, CertError> {
    use x509_cert::ext::pkix::name::GeneralName;
    if dns_names.is_empty() {
        return Ok(None);
    }
    let names = dns_names
        .iter()
        .map(|n| {
            der::asn1::Ia5String::new(n)
                .map(GeneralName::DnsName)
                .map_err(|e| CertError::Build(format!("dNSName {n:?}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(x509_cert::ext::pkix::SubjectAltName(names)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signer::{P256Signer, Signer as _};

    #[test]
    fn subject_alt_name_dns_names_round_trip() {
        let ca_key = P256Signer::new("ca", p256::ecdsa::SigningKey::from_slice(&[7; 32]).unwrap());
        let leaf_key = P256Signer::new("l", p256::ecdsa::SigningKey::from_slice(&[9; 32]).unwrap());
        let subject = SubjectFields {
            country: "DE".into(),
            organisation: "Test".into(),
            organisation_identifier: None,
            common_name: "Test".into(),
        };
        let t0 = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        let t1 = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        let ca_signing = IssuerKey::P256(ca_key.signing_key());
        let ca =
            issue_certificate(&subject, &ca_key.public_key(), None, ca_signing, 1, t0, t1).unwrap();
        assert!(
            dns_names(&ca).unwrap().is_empty(),
            "no SAN on a plain certificate"
        );
        let names = ["verifier.example", "localhost"];
        let ca_signing = IssuerKey::P256(ca_key.signing_key());
        let leaf = issue_certificate_with_dns_names(
            &subject,
            &leaf_key.public_key(),
            &ca,
            ca_signing,
            2,
            (t0, t1),
            &names,
        )
        .unwrap();
        assert_eq!(dns_names(&leaf).unwrap(), names);
        let anchors = TrustAnchors::from_certificates(vec![ca]);
        assert!(validate_path(&[leaf], &anchors, t0).is_trusted());
        // A dNSName must be IA5 (ASCII).
        let ca_signing = IssuerKey::P256(ca_key.signing_key());
        let e = issue_with_dns_names(
            &subject,
            &leaf_key.public_key(),
            None,
            ca_signing,
            3,
            (t0, t1),
            &["bücher.example"],
        )
        .unwrap_err();
        assert!(e.to_string().contains("dNSName"), "{e}");
    }
}
