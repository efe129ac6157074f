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

const SRI_SYNTAX: (&str, bool) = ("vcdm.related-resource.digest-sri-syntax", true);

/// SRI §3.5 / CSP Level 2 §4.2: a hash expression's value is standard base64; SRI §3.3.5 compares
/// it as a string with the standard base64 of the actual digest. A base64url value, or one that
/// is not a digest of its algorithm's length, matches no resource: an error for every resource,
/// held or not, and for the VC 2.0 base context even though other SHA-384 digests of it are
/// "could not check".
#[test]
fn a_digest_sri_that_matches_no_resource_is_an_error() {
    let digest = sha2::Sha384::digest(b"another revision");
    let url_safe = format!(
        "sha384-{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
    );
    // The VC 2.0 data model suite's wrong digestSRI (vc-data-model-2.0 tests/5-advanced-concepts.js).
    let suite_wrong = "sha384-_rCVIV7fSXXTNIvpiq26jRDyj8JG8TDjij-tD0ewLk4JpnXEz6a5AeeY_1qQ0d0P";
    for id in [V2, V1, "https://example.org/syllabus.pdf"] {
        for value in [
            suite_wrong,
            "sha384-AAAA",
            "sha384-",
            "sha384-AAAA===",
            "sha256-a+b/c d",
        ] {
            let entry = json!({"id": id, "digestSRI": value});
            assert_eq!(issues(entry.clone()), vec![SRI_SYNTAX], "{entry}");
        }
    }
    // The same digest in standard base64 is well-formed: "could not check" for the base context
    // (another revision may have it), not an error. Unpadded standard base64 is accepted too.
    let standard = base64::engine::general_purpose::STANDARD.encode(digest);
    if url_safe.contains(['-', '_']) || standard.contains(['+', '/']) {
        assert_eq!(
            issues(json!({"id": V2, "digestSRI": url_safe})),
            vec![SRI_SYNTAX]
        );
    }
    assert_eq!(
        issues(json!({"id": V2, "digestSRI": format!("sha384-{standard}")})),
        vec![UNCHECKED]
    );
    let unpadded = sri384(bytes(V1)).trim_end_matches('=').to_owned();
    assert_eq!(issues(json!({"id": V1, "digestSRI": unpadded})), vec![]);
    // The suite's own positive digest stays "could not check" (a warning, so the credential is
    // issued): it is well-formed and may be the Recommendation revision's.
    let suite_positive = "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg";
    assert_eq!(
        issues(json!({"id": V2, "digestSRI": suite_positive})),
        vec![UNCHECKED]
    );
    // A malformed expression next to a matching one of the same algorithm: the matching one
    // decides (SRI §3.3.5 "any of them").
    let mixed = format!("sha384-AAAA {}", sri384(bytes(V1)));
    assert_eq!(issues(json!({"id": V1, "digestSRI": mixed})), vec![]);
}
