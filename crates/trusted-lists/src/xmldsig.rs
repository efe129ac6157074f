//! Enveloped XMLDSig verification of a trusted list (W3C XML Signature 1.1 core validation as
//! profiled by ETSI TS 119 612 §5.7.1 and XAdES baseline: one enveloped signature on the document
//! element, `URI=""` with the enveloped-signature transform, plus the XAdES `SignedProperties`
//! reference).
//!
//! Signature-wrapping guards: exactly one `ds:Signature` in the document, a child of the document
//! element; exactly one reference with `URI=""` (the whole document minus the signature), every
//! other reference an `#Id` that resolves to exactly one element inside the signature; only the
//! enveloped-signature and canonicalisation transforms; the list is then read from the same
//! parsed tree whose document element was digested (never re-parsed). Algorithms: exclusive and
//! inclusive C14N 1.0 ([`crate::c14n`]); SHA-256/384/512 digests (SHA-1 refused); RSA PKCS#1 v1.5
//! with SHA-256/384/512, RSASSA-PSS with SHA-256/384/512 (RFC 6931 `*-rsa-MGF1`), ECDSA with
//! SHA-256 on P-256 and brainpoolP256r1 (signature as `r || s`, RFC 4050/6931).

use base64::Engine as _;
use der::Encode as _;
use roxmltree::{Document, Node};
use sha2::{Digest as _, Sha256, Sha384, Sha512};
use x509_cert::Certificate;

use crate::c14n::{self, Method};
use crate::model::{read_list, TrustedList};
use crate::xml::{child, children, parse, precheck, text_of, XmlLimits, NS_DS, NS_TSL};
use crate::TlError;

/// Most `Reference`s accepted in `SignedInfo` (each costs a canonicalisation; real lists have two).
const MAX_REFERENCES: usize = 4;

const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

fn sig_err(msg: impl Into<String>) -> TlError {
    TlError::Signature(msg.into())
}

/// Parses `xml`, verifies its signature with one of `trusted` (DER certificates), and reads the
/// list from the verified tree.
pub fn verify_and_parse(
    xml: &[u8],
    trusted: &[Vec<u8>],
    limits: &XmlLimits,
) -> Result<TrustedList, TlError> {
    let text = precheck(xml, limits)?;
    let doc = parse(text, limits)?;
    verify_document(&doc, trusted)?;
    read_list(doc.root_element())
}

/// Parses and reads a list WITHOUT checking its signature (inspection tools and tests only: never
/// use the result for a trust decision).
pub fn parse_unverified(xml: &[u8], limits: &XmlLimits) -> Result<TrustedList, TlError> {
    let text = precheck(xml, limits)?;
    let doc = parse(text, limits)?;
    read_list(doc.root_element())
}

/// The DER certificates in the signature's `KeyInfo` (not trusted by being there).
pub fn key_info_certificates(xml: &[u8], limits: &XmlLimits) -> Result<Vec<Vec<u8>>, TlError> {
    let text = precheck(xml, limits)?;
    let doc = parse(text, limits)?;
    let sig = the_signature(&doc)?;
    key_info(sig)
}

fn key_info(sig: Node<'_, '_>) -> Result<Vec<Vec<u8>>, TlError> {
    let mut out = Vec::new();
    if let Some(ki) = child(sig, NS_DS, "KeyInfo") {
        for c in ki.descendants().filter(|d| {
            d.is_element()
                && d.tag_name().name() == "X509Certificate"
                && d.tag_name().namespace() == Some(NS_DS)
        }) {
            out.push(b64(&text_of(c), "KeyInfo/X509Data/X509Certificate")?);
        }
    }
    Ok(out)
}

fn b64(s: &str, field: &str) -> Result<Vec<u8>, TlError> {
    let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(clean.as_bytes())
        .map_err(|_| sig_err(format!("{field} is not base64")))
}

fn the_signature<'a, 'i>(doc: &'a Document<'i>) -> Result<Node<'a, 'i>, TlError> {
    let root = doc.root_element();
    if root.tag_name().name() != "TrustServiceStatusList"
        || root.tag_name().namespace() != Some(NS_TSL)
    {
        return Err(TlError::Structure {
            field: "TrustServiceStatusList".into(),
            rule: "the document element must be TrustServiceStatusList in the TS 119 612 namespace"
                .into(),
        });
    }
    let sigs: Vec<Node<'a, 'i>> = doc
        .descendants()
        .filter(|n| {
            n.is_element()
                && n.tag_name().name() == "Signature"
                && n.tag_name().namespace() == Some(NS_DS)
        })
        .collect();
    let [sig] = sigs.as_slice() else {
        return Err(sig_err(format!(
            "expected exactly one ds:Signature, found {} (a list with none is unsigned; more than one could be a signature-wrapping attack)",
            sigs.len()
        )));
    };
    if sig.parent_element() != Some(root) {
        return Err(sig_err(
            "ds:Signature must be a child of TrustServiceStatusList (enveloped signature); it is elsewhere (signature wrapping?)",
        ));
    }
    Ok(*sig)
}

/// XMLDSig core validation of the document's one enveloped signature against `trusted`.
/// Returns the DER of the trusted certificate whose key verified it.
pub fn verify_document(doc: &Document<'_>, trusted: &[Vec<u8>]) -> Result<Vec<u8>, TlError> {
    let sig = the_signature(doc)?;
    let signed_info = sig
        .first_element_child()
        .filter(|c| c.tag_name().name() == "SignedInfo" && c.tag_name().namespace() == Some(NS_DS))
        .ok_or_else(|| sig_err("ds:SignedInfo must be the first child of ds:Signature"))?;
    let c14n_uri = child(signed_info, NS_DS, "CanonicalizationMethod")
        .and_then(|c| c.attribute("Algorithm"))
        .ok_or_else(|| sig_err("SignedInfo/CanonicalizationMethod@Algorithm missing"))?;
    let c14n_method = Method::from_uri(c14n_uri).ok_or_else(|| {
        sig_err(format!(
            "CanonicalizationMethod {c14n_uri} is not supported"
        ))
    })?;
    let sig_alg = child(signed_info, NS_DS, "SignatureMethod")
        .and_then(|c| c.attribute("Algorithm"))
        .ok_or_else(|| sig_err("SignedInfo/SignatureMethod@Algorithm missing"))?;
    let refs: Vec<Node<'_, '_>> = children(signed_info, NS_DS, "Reference").collect();
    if refs.len() > MAX_REFERENCES {
        return Err(sig_err(format!(
            "SignedInfo has {} references; at most {MAX_REFERENCES} are accepted (the list and its signed properties)",
            refs.len()
        )));
    }
    if refs
        .iter()
        .filter(|r| r.attribute("URI") == Some(""))
        .count()
        != 1
    {
        return Err(sig_err(
            "SignedInfo must have exactly one Reference with URI=\"\" (the whole list); without it the list itself is not signed",
        ));
    }
    for r in &refs {
        check_reference(doc, sig, *r)?;
    }
    let mut signed = Vec::new();
    c14n::canonicalize(signed_info, None, c14n_method, &mut signed);
    let value = child(sig, NS_DS, "SignatureValue")
        .map(text_of)
        .ok_or_else(|| sig_err("ds:SignatureValue missing"))?;
    let value = b64(&value, "SignatureValue")?;
    verify_with(trusted, key_info(sig)?, sig_alg, &signed, &value)
}

fn verify_with(
    trusted: &[Vec<u8>],
    key_info: Vec<Vec<u8>>,
    sig_alg: &str,
    signed: &[u8],
    value: &[u8],
) -> Result<Vec<u8>, TlError> {
    let mut last_err = None;
    for der in trusted {
        let Ok(cert) = proofs::certs::certificate_from_der(der) else {
            continue;
        };
        match verify_signature(sig_alg, &cert, signed, value) {
            Ok(()) => return Ok(der.clone()),
            Err(e) => last_err = Some(e),
        }
    }
    if let Some(e @ TlError::Signature(_)) = &last_err {
        if e.to_string().contains("not supported") {
            return Err(e.clone());
        }
    }
    for der in key_info.iter().filter(|d| !trusted.contains(d)) {
        if let Ok(cert) = proofs::certs::certificate_from_der(der) {
            if verify_signature(sig_alg, &cert, signed, value).is_ok() {
                return Err(TlError::UnknownSigner(format!(
                    "signed by \"{}\", which is not among the {} certificate(s) trusted for this list",
                    cert.tbs_certificate.subject,
                    trusted.len()
                )));
            }
        }
    }
    if trusted.is_empty() {
        return Err(TlError::UnknownSigner(
            "no certificate is trusted for this list".into(),
        ));
    }
    Err(sig_err(format!(
        "SignatureValue ({sig_alg}) does not verify with any of the {} certificate(s) trusted for this list",
        trusted.len()
    )))
}

fn check_reference(doc: &Document<'_>, sig: Node<'_, '_>, r: Node<'_, '_>) -> Result<(), TlError> {
    let uri = r
        .attribute("URI")
        .ok_or_else(|| sig_err("a Reference without URI is not accepted"))?;
    let transforms: Vec<&str> = child(r, NS_DS, "Transforms")
        .map(|t| {
            children(t, NS_DS, "Transform")
                .filter_map(|x| x.attribute("Algorithm"))
                .collect()
        })
        .unwrap_or_default();
    let mut method = Method::Inclusive;
    let mut enveloped = false;
    for t in &transforms {
        if *t == ENVELOPED {
            enveloped = true;
        } else if let Some(m) = Method::from_uri(t) {
            method = m;
        } else {
            return Err(sig_err(format!(
                "Reference URI=\"{uri}\": transform {t} is not accepted"
            )));
        }
    }
    let mut data = Vec::new();
    if uri.is_empty() {
        if !enveloped {
            return Err(sig_err(
                "Reference URI=\"\" must use the enveloped-signature transform",
            ));
        }
        c14n::canonicalize_document(doc, Some(sig.id()), method, &mut data);
    } else if let Some(id) = uri.strip_prefix('#') {
        if enveloped {
            return Err(sig_err(format!(
                "Reference {uri}: enveloped-signature transform only applies to URI=\"\""
            )));
        }
        let targets: Vec<Node<'_, '_>> = doc
            .descendants()
            .filter(|n| {
                n.is_element()
                    && ["Id", "ID", "id"]
                        .iter()
                        .any(|a| n.attribute(*a) == Some(id))
            })
            .collect();
        let [target] = targets.as_slice() else {
            return Err(sig_err(format!(
                "Reference {uri} must resolve to exactly one element, found {} (duplicate Ids are a wrapping attack)",
                targets.len()
            )));
        };
        if !target.ancestors().any(|a| a == sig) {
            return Err(sig_err(format!(
                "Reference {uri} points outside the signature; only the XAdES SignedProperties may be referenced by Id"
            )));
        }
        c14n::canonicalize(*target, None, method, &mut data);
    } else {
        return Err(sig_err(format!(
            "Reference URI=\"{uri}\" is not same-document; not accepted"
        )));
    }
    let dm = child(r, NS_DS, "DigestMethod")
        .and_then(|d| d.attribute("Algorithm"))
        .ok_or_else(|| sig_err(format!("Reference URI=\"{uri}\": DigestMethod missing")))?;
    let digest = match dm {
        "http://www.w3.org/2001/04/xmlenc#sha256" => Sha256::digest(&data).to_vec(),
        "http://www.w3.org/2001/04/xmldsig-more#sha384" => Sha384::digest(&data).to_vec(),
        "http://www.w3.org/2001/04/xmlenc#sha512" => Sha512::digest(&data).to_vec(),
        other => {
            return Err(sig_err(format!(
                "Reference URI=\"{uri}\": DigestMethod {other} is not accepted"
            )))
        }
    };
    let expected = child(r, NS_DS, "DigestValue")
        .map(text_of)
        .ok_or_else(|| sig_err(format!("Reference URI=\"{uri}\": DigestValue missing")))?;
    if b64(&expected, "DigestValue")? != digest {
        let what = if uri.is_empty() {
            "the list"
        } else {
            "the signed properties"
        };
        return Err(sig_err(format!(
            "Reference URI=\"{uri}\": digest does not match, {what} changed after signing"
        )));
    }
    Ok(())
}

const OID_EC_PUBLIC_KEY: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_BRAINPOOL_P256R1: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.3.36.3.3.2.8.1.1.7");

fn verify_signature(
    alg: &str,
    cert: &Certificate,
    data: &[u8],
    value: &[u8],
) -> Result<(), TlError> {
    let bad = || sig_err(format!("SignatureValue does not verify ({alg})"));
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok());
    if spki.algorithm.oid == OID_EC_PUBLIC_KEY && curve == Some(OID_BRAINPOOL_P256R1) {
        return verify_brainpool(alg, spki.subject_public_key.raw_bytes(), data, value);
    }
    let key = proofs::certs::certificate_public_key(cert)
        .map_err(|e| sig_err(format!("signing certificate key: {e}")))?;
    use proofs::keys::PublicKey;
    use signature::Verifier as _;
    const MORE: &str = "http://www.w3.org/2001/04/xmldsig-more#";
    const MORE07: &str = "http://www.w3.org/2007/05/xmldsig-more#";
    let name = alg
        .strip_prefix(MORE)
        .or_else(|| alg.strip_prefix(MORE07))
        .unwrap_or(alg);
    match (&key, name) {
        (PublicKey::Rsa(k), "rsa-sha256") => k
            .verify(
                rsa::Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(data),
                value,
            )
            .map_err(|_| bad()),
        (PublicKey::Rsa(k), "rsa-sha384") => k
            .verify(
                rsa::Pkcs1v15Sign::new::<Sha384>(),
                &Sha384::digest(data),
                value,
            )
            .map_err(|_| bad()),
        (PublicKey::Rsa(k), "rsa-sha512") => k
            .verify(
                rsa::Pkcs1v15Sign::new::<Sha512>(),
                &Sha512::digest(data),
                value,
            )
            .map_err(|_| bad()),
        (PublicKey::Rsa(k), "sha256-rsa-MGF1") => k
            .verify(rsa::Pss::new::<Sha256>(), &Sha256::digest(data), value)
            .map_err(|_| bad()),
        (PublicKey::Rsa(k), "sha384-rsa-MGF1") => k
            .verify(rsa::Pss::new::<Sha384>(), &Sha384::digest(data), value)
            .map_err(|_| bad()),
        (PublicKey::Rsa(k), "sha512-rsa-MGF1") => k
            .verify(rsa::Pss::new::<Sha512>(), &Sha512::digest(data), value)
            .map_err(|_| bad()),
        (PublicKey::P256(k), "ecdsa-sha256") => {
            let s = p256::ecdsa::Signature::from_slice(value).map_err(|_| bad())?;
            p256::ecdsa::VerifyingKey::from(k)
                .verify(data, &s)
                .map_err(|_| bad())
        }
        (k, _) => Err(sig_err(format!(
            "SignatureMethod {alg} with a {} key is not supported",
            k.key_type()
        ))),
    }
}

fn verify_brainpool(alg: &str, point: &[u8], data: &[u8], value: &[u8]) -> Result<(), TlError> {
    use ecdsa_bp::signature::Verifier as _;
    let bad = || sig_err(format!("SignatureValue does not verify ({alg})"));
    if alg != "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" {
        return Err(sig_err(format!(
            "SignatureMethod {alg} with a brainpoolP256r1 key is not supported"
        )));
    }
    let key = ecdsa_bp::VerifyingKey::<bp256::BrainpoolP256r1>::from_sec1_bytes(point)
        .map_err(|_| bad())?;
    let s = bp256::r1::ecdsa::Signature::from_slice(value).map_err(|_| bad())?;
    key.verify(data, &s).map_err(|_| bad())
}

/// The DER of `cert`, for callers holding parsed certificates.
pub fn to_der(cert: &Certificate) -> Option<Vec<u8>> {
    cert.to_der().ok()
}
