//! `relatedResource` digests checked offline (VC Data Model 2.0 §5.3, issue #15): each rule of
//! `elm_model::related_resource` with a failing and a passing input, through `vcdm::check` (the
//! rules the issuer's request validation and the verifier's format check share).

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use base64::Engine as _;
use elm_model::vcdm;
use serde_json::{json, Value};
use sha2::Digest as _;

const V1: &str = "https://www.w3.org/2018/credentials/v1";
const V2: &str = "https://www.w3.org/ns/credentials/v2";
/// VC Data Model 2.0 §B.1: the SHA-256 of the base context's Recommendation revision.
const V2_PUBLISHED: &str = "24a18c90e9856d526111f29376e302d970b2bd10182e33959995b0207d7043b9";

fn bytes(url: &str) -> &'static [u8] {
    contexts::bundled(url).unwrap().text.as_bytes()
}

fn sri384(b: &[u8]) -> String {
    let d = sha2::Sha384::digest(b);
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(d)
    )
}

fn u(b: &[u8]) -> String {
    format!(
        "u{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    )
}

/// The (rule, is_error) of every issue of a credential with `entry` as its one related resource.
fn issues(entry: Value) -> Vec<(&'static str, bool)> {
    let c = json!({"@context": [V2], "type": ["VerifiableCredential"], "issuer": "did:example:i",
        "credentialSubject": {"id": "did:example:s"}, "relatedResource": [entry]});
    vcdm::check(&c)
        .into_iter()
        .map(|i| (i.rule, i.is_error()))
        .collect()
}

const MISMATCH: (&str, bool) = ("vcdm.related-resource.digest-mismatch", true);
const UNCHECKED: (&str, bool) = ("vcdm.related-resource.unchecked", false);

#[test]
fn digests_of_bundled_contexts_are_compared() {
    let sha256 = sha2::Sha256::digest(bytes(V2)).to_vec();
    let published = hex::decode(V2_PUBLISHED).unwrap();
    let mut multihash = vec![0x12, 0x20];
    multihash.extend_from_slice(&sha256);
    // Passing: SRI of the bundled bytes, base64url SHA-256 of the bundled bytes or of the
    // published revision, a sha2-256 multihash, several SRI expressions with one matching.
    for entry in [
        json!({"id": V2, "digestSRI": sri384(bytes(V2))}),
        json!({"id": V2, "digestMultibase": u(&sha256)}),
        json!({"id": V2, "digestMultibase": u(&published)}),
        json!({"id": V2, "digestMultibase": u(&multihash)}),
        json!({"id": V1, "digestSRI": format!("sha384-AAAA {}", sri384(bytes(V1)))}),
    ] {
        assert_eq!(issues(entry.clone()), vec![], "{entry}");
    }
    // Failing: a SHA-256 that is neither; a SHA-384 of a context whose bundled bytes are the only
    // revision known (VC 1.1); both digests given, one wrong.
    let wrong = u(&sha2::Sha256::digest(b"something else"));
    for entry in [
        json!({"id": V2, "digestMultibase": wrong}),
        json!({"id": V1, "digestSRI": sri384(b"something else")}),
        json!({"id": V1, "digestSRI": sri384(bytes(V1)), "digestMultibase": wrong}),
        json!({"id": V2, "digestMultibase": "u!!"}),
    ] {
        assert_eq!(issues(entry.clone()), vec![MISMATCH], "{entry}");
    }
}

#[test]
fn what_cannot_be_checked_offline_is_a_warning() {
    // Not a resource held offline: never fetched, a warning.
    let entry = json!({"id": "https://example.org/syllabus.pdf", "digestSRI": sri384(b"x")});
    assert_eq!(issues(entry), vec![UNCHECKED]);
    // A SHA-384 of the VC 2.0 base context that is not the bundled revision's: it may be the
    // Recommendation's revision (only its SHA-256 is published).
    let entry = json!({"id": V2, "digestSRI": sri384(b"another revision")});
    assert_eq!(issues(entry), vec![UNCHECKED]);
    // No supported algorithm or multibase prefix.
    assert_eq!(
        issues(json!({"id": V2, "digestSRI": "md5-AAAA"})),
        vec![UNCHECKED]
    );
    assert_eq!(
        issues(json!({"id": V2, "digestMultibase": "mAAAA"})),
        vec![UNCHECKED]
    );
}
