//! End to end with a LOTL and a national list generated and signed here: the qualified e-seal
//! decision and its distinct outcomes (issue #14 acceptance).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout
)] // test code: failing loudly is the point

use chrono::{DateTime, TimeZone as _, Utc};
use proofs::certs::SubjectFields;
use trusted_lists::testing::{
    certificate, key, lotl_body, national_list_body, sign_list, QcProfile, SigningKey,
};
use trusted_lists::{load_list_set, ListSetReport, SealAssessment, TrustedListIndex, XmlLimits};

fn t(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

fn subject(cn: &str, org: &str, id: Option<&str>, c: &str) -> SubjectFields {
    SubjectFields {
        country: c.into(),
        organisation: org.into(),
        organisation_identifier: id.map(str::to_string),
        common_name: cn.into(),
    }
}

/// A certificate for `subject`, valid 2020-2035, issued by `issuer` (self-signed without one).
fn cert(
    subject: &SubjectFields,
    key: &SigningKey,
    issuer: Option<(&[u8], &SigningKey)>,
    qc: Option<QcProfile>,
    serial: u64,
) -> Vec<u8> {
    certificate(
        subject,
        key,
        issuer,
        qc,
        serial,
        t(2020, 1, 1),
        t(2035, 1, 1),
    )
    .unwrap()
}

/// A self-signed certificate for `cn` of `org` in `country`, valid 2020-2035.
fn root(cn: &str, org: &str, country: &str, key: &SigningKey, serial: u64) -> Vec<u8> {
    cert(&subject(cn, org, None, country), key, None, None, serial)
}

struct World {
    lotl: String,
    lotl_cert: Vec<u8>,
    national: String,
    qualified_seal: Vec<u8>,
    plain_seal: Vec<u8>,
    other_ca_seal: Vec<u8>,
    rogue_national: String,
}

impl World {
    /// The list set of this LOTL (pinned by its certificate) with `national` as LU's list.
    fn load(&self, national: &str) -> (TrustedListIndex, ListSetReport) {
        let nationals = [("LU".to_string(), national.as_bytes().to_vec())];
        let pinned = std::slice::from_ref(&self.lotl_cert);
        load_list_set(
            self.lotl.as_bytes(),
            pinned,
            &nationals,
            &XmlLimits::default(),
        )
        .unwrap()
    }
}

fn world() -> World {
    let (commission, tl_signer, ca_key, seal_key, rogue) = (
        key(1).unwrap(),
        key(2).unwrap(),
        key(3).unwrap(),
        key(4).unwrap(),
        key(5).unwrap(),
    );
    let lotl_cert = root("LOTL signer", "European Commission", "BE", &commission, 1);
    let tl_cert = root("LU TL signer", "ILNAS", "LU", &tl_signer, 2);
    let ca = cert(
        &subject(
            "Test Qualified Seal CA",
            "Test Trust Services SA",
            Some("VATLU-12345678"),
            "LU",
        ),
        &ca_key,
        None,
        None,
        3,
    );
    let uni = subject(
        "Seal of Université Exemple",
        "Université Exemple",
        Some("VATLU-87654321"),
        "LU",
    );
    // The university's seal certificate (always the same key), issued by `ca` with `qc`.
    let seal = |ca: (&[u8], &SigningKey), qc: QcProfile, serial: u64| {
        cert(&uni, &seal_key, Some(ca), Some(qc), serial)
    };
    let qualified_seal = seal((&ca, &ca_key), QcProfile::QUALIFIED_SEAL, 10);
    let no_sscd = QcProfile {
        sscd: false,
        ..QcProfile::QUALIFIED_SEAL
    };
    let plain_seal = seal((&ca, &ca_key), no_sscd, 11);
    let other_ca = root("Unlisted CA", "Nobody", "LU", &rogue, 4);
    let other_ca_seal = seal((&other_ca, &rogue), QcProfile::QUALIFIED_SEAL, 12);
    let body = national_list_body(
        "LU",
        "Test Trust Services SA",
        "Test Qualified Seal CA",
        &ca,
        &[("granted", t(2020, 6, 1)), ("withdrawn", t(2026, 6, 1))],
    );
    let national = sign_list(&body, &tl_signer, &tl_cert).unwrap();
    let rogue_cert = root("LU TL signer", "ILNAS", "LU", &rogue, 5);
    let rogue_national = sign_list(&body, &rogue, &rogue_cert).unwrap();
    let lotl = sign_list(
        &lotl_body(&[("LU", "https://127.0.0.1/LU.xml", &tl_cert)]),
        &commission,
        &lotl_cert,
    )
    .unwrap();
    World {
        lotl,
        lotl_cert,
        national,
        qualified_seal,
        plain_seal,
        other_ca_seal,
        rogue_national,
    }
}

#[test]
fn qualified_withdrawn_not_qualified_unlisted_and_unknown_signer_are_distinct() {
    let w = world();
    let (index, report) = w.load(&w.national);
    assert_eq!(report.accepted, vec!["LU".to_string()], "{report:?}");

    let before = index.assess_seal(std::slice::from_ref(&w.qualified_seal), t(2026, 1, 15));
    println!("{}", before.message());
    assert_eq!(
        before,
        SealAssessment::QualifiedSeal {
            organisation: "Université Exemple".into(),
            organisation_identifier: Some("VATLU-87654321".into()),
            tsp: "Test Trust Services SA".into(),
            country: "LU".into(),
            service: "Test Qualified Seal CA".into(),
        }
    );
    assert_eq!(
        before.message(),
        "qualified electronic seal of Université Exemple (VATLU-87654321), certificate from Test Trust Services SA (LU)"
    );

    let after = index.assess_seal(std::slice::from_ref(&w.qualified_seal), t(2026, 7, 1));
    println!("{}", after.message());
    assert!(
        matches!(&after, SealAssessment::ServiceNotGranted { status: Some(s), .. } if s.ends_with("/withdrawn")),
        "{after:?}"
    );
    assert!(after.message().contains("withdrawn"));

    let early = index.assess_seal(std::slice::from_ref(&w.qualified_seal), t(2019, 7, 1));
    assert!(
        matches!(
            &early,
            SealAssessment::ServiceNotGranted { status: None, .. }
        ),
        "{early:?}"
    );

    let plain = index.assess_seal(std::slice::from_ref(&w.plain_seal), t(2026, 1, 15));
    println!("{}", plain.message());
    assert!(
        matches!(&plain, SealAssessment::NotQualified { missing, .. } if missing.len() == 1 && missing[0].contains("QcSSCD")),
        "{plain:?}"
    );

    let unlisted = index.assess_seal(std::slice::from_ref(&w.other_ca_seal), t(2026, 1, 15));
    println!("{}", unlisted.message());
    assert!(
        matches!(&unlisted, SealAssessment::IssuerNotListed { issuer } if issuer.contains("Unlisted CA")),
        "{unlisted:?}"
    );

    // The national list signed by a key the LOTL does not name: refused, so nothing is trusted.
    let (index, report) = w.load(&w.rogue_national);
    let why = report.refused.get("LU").unwrap();
    assert!(why.contains("unknown key"), "{why}");
    let unknown = index.assess_seal(std::slice::from_ref(&w.qualified_seal), t(2026, 1, 15));
    println!("{}", unknown.message());
    assert!(
        matches!(&unknown, SealAssessment::ListsUnavailable { reason } if reason.contains("unknown key")),
        "{unknown:?}"
    );

    let codes: std::collections::BTreeSet<&str> = [&before, &after, &plain, &unlisted, &unknown]
        .iter()
        .map(|a| a.code())
        .collect();
    assert_eq!(codes.len(), 5, "{codes:?}");
}

#[test]
fn a_lotl_signed_by_an_unpinned_key_is_refused() {
    let w = world();
    let other = certificate(
        &subject("Not the Commission", "X", None, "BE"),
        &key(9).unwrap(),
        None,
        None,
        9,
        t(2020, 1, 1),
        t(2035, 1, 1),
    )
    .unwrap();
    let err = load_list_set(w.lotl.as_bytes(), &[other], &[], &XmlLimits::default()).unwrap_err();
    assert!(
        matches!(err, trusted_lists::TlError::UnknownSigner(_)),
        "{err}"
    );
    println!("{err}");
}
