//! The memo of verified certificate signatures in [`proofs::certs::TrustAnchors`] (RFC 5280 §6.1
//! path validation) must only ever skip the public-key operation of a link it has seen verify:
//! validity periods are still checked, a changed certificate is verified afresh, and clones share it.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use std::path::PathBuf;

use chrono::{TimeZone as _, Utc};
use proofs::certs::{certificates_from_pem, validate_path, TrustAnchors, TrustStatus};
use x509_cert::Certificate;

fn demo() -> (Vec<Certificate>, TrustAnchors) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../keys.example");
    let chain =
        certificates_from_pem(&std::fs::read_to_string(dir.join("eth/seal.chain.pem")).unwrap())
            .unwrap();
    let anchors =
        TrustAnchors::from_pem(&std::fs::read_to_string(dir.join("ca/ca.cert.pem")).unwrap())
            .unwrap();
    (chain, anchors)
}

/// Asserts that `validate_path(chain, anchors, at)` matches `$status`, showing what it was.
macro_rules! assert_path {
    ($chain:expr, $anchors:expr, $at:expr, $status:pat) => {{
        let got = validate_path($chain, $anchors, $at);
        assert!(matches!(got, $status), "{got:?}");
    }};
}

#[test]
fn a_remembered_link_still_gets_its_validity_checked() {
    let (chain, anchors) = demo();
    let now = Utc::now();
    assert!(anchors.signature_memo().is_empty());
    assert_path!(&chain, &anchors, now, TrustStatus::Trusted { .. });
    assert!(
        !anchors.signature_memo().is_empty(),
        "the verified link is remembered"
    );
    // Same chain, a time far outside the certificates' validity: expired, memo or not.
    let later = Utc.with_ymd_and_hms(2300, 1, 1, 0, 0, 0).unwrap();
    assert_path!(&chain, &anchors, later, TrustStatus::Expired { .. });
    let earlier = Utc.with_ymd_and_hms(1990, 1, 1, 0, 0, 0).unwrap();
    assert_path!(&chain, &anchors, earlier, TrustStatus::Expired { .. });
    // And valid again now.
    assert_path!(&chain, &anchors, now, TrustStatus::Trusted { .. });
}

#[test]
fn a_changed_certificate_is_verified_afresh() {
    let (chain, anchors) = demo();
    let now = Utc::now();
    assert_path!(&chain, &anchors, now, TrustStatus::Trusted { .. });
    // The leaf with one bit of its signature flipped: not the remembered link.
    let mut forged = chain.clone();
    let mut sig = forged[0].signature.raw_bytes().to_vec();
    let middle = sig.len() / 2;
    sig[middle] ^= 0x01;
    forged[0].signature = der::asn1::BitString::from_bytes(&sig).unwrap();
    assert_path!(
        &forged,
        &anchors,
        now,
        TrustStatus::BadCertificateSignature { .. }
    );
    // A forged link is never remembered: it fails every time.
    assert_path!(
        &forged,
        &anchors,
        now,
        TrustStatus::BadCertificateSignature { .. }
    );
}

#[test]
fn clones_share_the_memo_and_other_anchor_sets_do_not() {
    let (chain, anchors) = demo();
    let clone = anchors.clone();
    assert_path!(&chain, &anchors, Utc::now(), TrustStatus::Trusted { .. });
    assert_eq!(clone.signature_memo().len(), anchors.signature_memo().len());
    assert!(!clone.signature_memo().is_empty());
    let (_, fresh) = demo();
    assert!(fresh.signature_memo().is_empty());
    assert_eq!(fresh.fingerprint(), anchors.fingerprint());
    assert_ne!(TrustAnchors::empty().fingerprint(), anchors.fingerprint());
}
