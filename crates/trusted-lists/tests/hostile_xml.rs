//! Hostile XML is refused quickly and without a panic: billion laughs, external entities, a 50 MB
//! list, and signature wrapping (issue #14 acceptance: each in < 1 s).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout
)] // test code: failing loudly is the point

use std::time::{Duration, Instant};

use chrono::{TimeZone as _, Utc};
use proofs::certs::SubjectFields;
use trusted_lists::testing::{certificate, key, lotl_body, sign_list};
use trusted_lists::xmldsig::verify_and_parse;
use trusted_lists::{TlError, XmlLimits};

const LIMIT: Duration = Duration::from_secs(1);

fn signed_lotl() -> (String, Vec<u8>) {
    let k = key(7).unwrap();
    let s = SubjectFields {
        country: "BE".into(),
        organisation: "European Commission".into(),
        organisation_identifier: None,
        common_name: "LOTL".into(),
    };
    let cert = certificate(
        &s,
        &k,
        None,
        None,
        1,
        Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2035, 1, 1, 0, 0, 0).unwrap(),
    )
    .unwrap();
    let xml = sign_list(
        &lotl_body(&[("LU", "https://127.0.0.1/LU.xml", &cert)]),
        &k,
        &cert,
    )
    .unwrap();
    (xml, cert)
}

fn refuse(name: &str, xml: &[u8], trusted: &[Vec<u8>]) -> TlError {
    let t = Instant::now();
    let r = std::panic::catch_unwind(|| verify_and_parse(xml, trusted, &XmlLimits::default()));
    let took = t.elapsed();
    let err = r
        .unwrap_or_else(|_| panic!("{name}: panicked"))
        .expect_err(name);
    println!("{name}: refused in {took:?}: {err}");
    assert!(took < LIMIT, "{name}: {took:?}");
    err
}

#[test]
fn billion_laughs_is_refused() {
    let mut xml =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        xml.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&lol{};", i - 1)
                .repeat(10)
                .replace("&lol0;", "&lol;")
        ));
    }
    xml.push_str("]>\n<TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\">&lol9;</TrustServiceStatusList>");
    assert_eq!(refuse("billion laughs", xml.as_bytes(), &[]), TlError::Dtd);
}

#[test]
fn external_entity_is_refused() {
    let xml = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\
               <TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\">&xxe;</TrustServiceStatusList>";
    assert_eq!(refuse("external entity", xml.as_bytes(), &[]), TlError::Dtd);
    // An entity reference without any DTD is simply not well-formed.
    let xml = "<TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\">&xxe;</TrustServiceStatusList>";
    assert!(matches!(
        refuse("undeclared entity", xml.as_bytes(), &[]),
        TlError::Xml(_)
    ));
}

#[test]
fn fifty_megabyte_list_is_refused() {
    let (xml, cert) = signed_lotl();
    let pad = "<!-- padding -->".repeat(50 * 1024 * 1024 / 16);
    let big = xml.replacen(
        "<SchemeInformation>",
        &format!("{pad}<SchemeInformation>"),
        1,
    );
    assert!(big.len() > 50 * 1024 * 1024);
    let err = refuse("50 MB list", big.as_bytes(), &[cert]);
    assert!(matches!(err, TlError::TooLarge { .. }), "{err}");
}

#[test]
fn deep_nesting_and_node_floods_are_refused() {
    let deep = format!("<TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\">{}{}</TrustServiceStatusList>", "<a>".repeat(5000), "</a>".repeat(5000));
    assert!(matches!(
        refuse("deep nesting", deep.as_bytes(), &[]),
        TlError::Xml(_)
    ));
    let limits = XmlLimits {
        max_nodes: 10_000,
        ..XmlLimits::default()
    };
    let flood = format!("<TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\">{}</TrustServiceStatusList>", "<a/>".repeat(20_000));
    let err = verify_and_parse(flood.as_bytes(), &[], &limits).unwrap_err();
    assert!(matches!(err, TlError::Xml(_)), "{err}");
}

#[test]
fn wrapped_signatures_are_refused() {
    let (xml, cert) = signed_lotl();
    let trusted = [cert];
    verify_and_parse(xml.as_bytes(), &trusted, &XmlLimits::default()).unwrap();
    // 1. The signed content kept inside the signature (ds:Object), a forged list outside it.
    let sig_start = xml.find("<ds:Signature").unwrap();
    let sig_end = xml.find("</ds:Signature>").unwrap();
    let original = &xml[xml.find("<TrustServiceStatusList").unwrap()..];
    let forged_body = xml[..sig_start].replace(
        "https://127.0.0.1/LU.xml",
        "https://attacker.example/LU.xml",
    );
    let wrapped = format!(
        "{forged_body}{}<ds:Object>{}</ds:Object></ds:Signature></TrustServiceStatusList>",
        &xml[sig_start..sig_end],
        original.replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "")
    );
    let err = refuse(
        "wrapped (original in ds:Object)",
        wrapped.as_bytes(),
        &trusted,
    );
    assert!(matches!(err, TlError::Signature(_)), "{err}");
    // 2. The forged list with the original signature: the digest no longer matches.
    let forged = xml.replace(
        "https://127.0.0.1/LU.xml",
        "https://attacker.example/LU.xml",
    );
    let err = refuse("forged content", forged.as_bytes(), &trusted);
    assert!(err.to_string().contains("digest does not match"), "{err}");
    // 3. The signature moved below another element.
    let moved = xml
        .replacen("<ds:Signature", "<SchemeExtensions><ds:Signature", 1)
        .replacen("</ds:Signature>", "</ds:Signature></SchemeExtensions>", 1);
    let err = refuse("moved signature", moved.as_bytes(), &trusted);
    assert!(
        err.to_string().contains("child of TrustServiceStatusList"),
        "{err}"
    );
    // 4. No signature at all.
    let unsigned = format!("{}</TrustServiceStatusList>", &xml[..sig_start]);
    let err = refuse("unsigned", unsigned.as_bytes(), &trusted);
    assert!(err.to_string().contains("found 0"), "{err}");
    // 5. An extra Id reference to content outside the signature.
    let extra = xml.replacen("</ds:SignedInfo>", "<ds:Reference URI=\"#tsl\"><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference></ds:SignedInfo>", 1);
    let err = refuse(
        "reference outside the signature",
        extra.as_bytes(),
        &trusted,
    );
    assert!(matches!(err, TlError::Signature(_)), "{err}");
}
