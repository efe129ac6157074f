//! The real (historic) EU trusted lists of `testdata/eidas-tl/` (SOURCES.md): every one parses or
//! is refused cleanly, the good ones' signatures verify, the broken ones are refused with a reason.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout
)] // test code: failing loudly is the point

use std::path::PathBuf;

use trusted_lists::xmldsig::{key_info_certificates, parse_unverified, verify_and_parse};
use trusted_lists::{load_list_set, TlError, XmlLimits};

fn read(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/eidas-tl")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The LOTL's signing certificate pinned in `testdata/eidas-tl/EU-lotl-signer.pem`, as the
/// configuration pins the Commission's certificates.
fn pinned_lotl_signer() -> Vec<Vec<u8>> {
    let pem = String::from_utf8(read("EU-lotl-signer.pem")).unwrap();
    proofs::certs::certificates_from_pem(&pem)
        .unwrap()
        .iter()
        .map(|c| proofs::certs::certificate_to_der(c).unwrap())
        .collect()
}

/// A list's own signing certificate (from its KeyInfo): for lists the 2019 LOTL does not cover.
fn own_cert(name: &str) -> Vec<Vec<u8>> {
    key_info_certificates(&read(name), &XmlLimits::default()).unwrap()
}

/// Why the list in file `name` is refused against the signing certificates `trusted`.
fn refusal(name: &str, trusted: &[Vec<u8>]) -> TlError {
    verify_and_parse(&read(name), trusted, &XmlLimits::default()).unwrap_err()
}

const GOOD: [&str; 7] = [
    "EU.xml",
    "SI.xml",
    "NL.xml",
    "PL.xml",
    "fi-v6-sig-cert.xml",
    "tl-ecdsa-brainpool.xml",
    "CZ_broken-sig.xml",
];

#[test]
fn every_well_formed_list_parses() {
    for name in GOOD.iter().chain(["eu-lotl_broken-sig.xml"].iter()) {
        let list = parse_unverified(&read(name), &XmlLimits::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            !list.territory.is_empty() || *name == "tl-ecdsa-brainpool.xml",
            "{name}"
        );
        assert!(list.sequence_number.is_some(), "{name}");
    }
    let lotl = parse_unverified(&read("EU.xml"), &XmlLimits::default()).unwrap();
    assert_eq!(lotl.territory, "EU");
    assert_eq!(lotl.sequence_number, Some(248));
    assert!(
        lotl.pointers.len() > 28,
        "pointers: {}",
        lotl.pointers.len()
    );
    let si = parse_unverified(&read("SI.xml"), &XmlLimits::default()).unwrap();
    assert_eq!(si.territory, "SI");
    let ca_qc = si
        .providers
        .iter()
        .flat_map(|p| p.services.iter())
        .filter(|s| s.current.service_type == trusted_lists::model::SVC_TYPE_CA_QC)
        .count();
    assert!(ca_qc > 0);
}

#[test]
fn unparsable_list_is_refused_cleanly() {
    let err =
        parse_unverified(&read("eu-lotl_not-parsable.xml"), &XmlLimits::default()).unwrap_err();
    assert!(matches!(err, TlError::Xml(_)), "{err}");
    let err = refusal("eu-lotl_not-parsable.xml", &pinned_lotl_signer());
    assert!(matches!(err, TlError::Xml(_)), "{err}");
}

#[test]
fn good_signatures_verify_with_their_own_certificates() {
    // The well-formed lists but the one with a broken signature.
    for name in GOOD.into_iter().filter(|n| !n.contains("broken-sig")) {
        let t = std::time::Instant::now();
        let trusted = if name == "EU.xml" {
            pinned_lotl_signer()
        } else {
            own_cert(name)
        };
        let list = verify_and_parse(&read(name), &trusted, &XmlLimits::default());
        println!(
            "{name}: {:?} in {:?}",
            list.as_ref().map(|l| l.territory.clone()),
            t.elapsed()
        );
        list.unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn broken_signatures_are_refused_with_a_reason() {
    let err = refusal("eu-lotl_broken-sig.xml", &pinned_lotl_signer());
    assert!(matches!(err, TlError::Signature(_)), "{err}");
    println!("LOTL: {err}");
    let err = refusal("CZ_broken-sig.xml", &own_cert("CZ_broken-sig.xml"));
    assert!(matches!(err, TlError::Signature(_)), "{err}");
    println!("CZ: {err}");
}

#[test]
fn national_lists_verify_against_the_lotl_pointers() {
    let nationals: Vec<(String, Vec<u8>)> = ["SI", "NL", "PL"]
        .iter()
        .map(|c| (c.to_string(), read(&format!("{c}.xml"))))
        .chain([("CZ".to_string(), read("CZ_broken-sig.xml"))])
        .collect();
    let (index, report) = load_list_set(
        &read("EU.xml"),
        &pinned_lotl_signer(),
        &nationals,
        &XmlLimits::default(),
    )
    .unwrap();
    println!("{report:?}");
    assert_eq!(report.accepted, ["SI", "NL", "PL"], "{report:?}");
    let cz = report.refused.get("CZ").unwrap();
    assert!(cz.contains("digest does not match"), "{cz}");
    assert!(index.services().len() > 10, "{}", index.services().len());
    // The LOTL is refused against a certificate that did not sign it.
    let err = load_list_set(
        &read("EU.xml"),
        &own_cert("SI.xml"),
        &[],
        &XmlLimits::default(),
    )
    .unwrap_err();
    assert!(matches!(err, TlError::UnknownSigner(_)), "{err}");
}
