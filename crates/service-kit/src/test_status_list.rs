//! Test support (feature `test-support`): the Bitstring Status List v1.0 fixtures the services'
//! test suites serve from the [`crate::test_support::FixtureServer`] — a status list credential
//! (§2.2 `BitstringStatusListCredential`, VC 2.0), its `encodedList` (§2.1: a GZIP-compressed
//! bitstring of at least 131,072 entries, index 0 the left-most bit, multibase base64url) and a
//! `BitstringStatusListEntry` (§2.1) added to a credential. Written once for the verifier's tests
//! and the cross-crate tests.

use std::io::Write as _;

use base64::Engine as _;
use serde_json::{json, Value};

/// The number of entries of a fixture list (§2.1 minimum, 16 KiB).
pub const LIST_ENTRIES: u64 = 131_072;

/// GZIP of `bytes` (RFC 1952).
#[allow(clippy::expect_used)] // test support: writing to memory cannot fail
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).expect("gzip into memory");
    gz.finish().expect("gzip into memory")
}

/// `encodedList` of a [`LIST_ENTRIES`]-entry list with the bits `set` (§3.1: index 0 is the
/// left-most bit); indices past the list are left out.
pub fn encoded_list(set: &[u64]) -> String {
    let mut bits = vec![0u8; (LIST_ENTRIES / 8) as usize];
    for i in set {
        if let Some(byte) = usize::try_from(*i / 8).ok().and_then(|k| bits.get_mut(k)) {
            *byte |= 0x80 >> (*i % 8);
        }
    }
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(gzip(&bits));
    format!("u{encoded}")
}

/// An unsigned `BitstringStatusListCredential` (VC 2.0) at `url` by `issuer` for `purpose`,
/// with the `encodedList` `encoded`.
pub fn status_list(url: &str, issuer: &str, purpose: &str, encoded: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded,
        }
    })
}

/// `doc` with a `BitstringStatusListEntry` for entry `index` of the list at `list_url` added to
/// its `credentialStatus` (and the status context under VC 1.1, once).
pub fn with_status(mut doc: Value, list_url: &str, purpose: &str, index: &str) -> Value {
    const V1: &str = "https://www.w3.org/2018/credentials/v1";
    const STATUS_V1: &str = "https://www.w3.org/ns/credentials/status/v1";
    if let Some(Value::Array(ctx)) = doc.get_mut("@context") {
        if ctx.first().and_then(Value::as_str) == Some(V1) && !ctx.contains(&json!(STATUS_V1)) {
            ctx.push(json!(STATUS_V1));
        }
    }
    let entry = json!({
        "id": format!("{list_url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": index,
        "statusListCredential": list_url,
    });
    let status = match doc.get("credentialStatus").cloned() {
        Some(Value::Array(mut a)) => {
            a.push(entry);
            Value::Array(a)
        }
        Some(v @ Value::Object(_)) => json!([v, entry]),
        _ => entry,
    };
    if let Some(map) = doc.as_object_mut() {
        map.insert("credentialStatus".into(), status);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_entries_and_context() {
        let list = status_list("http://127.0.0.1:1/l", "did:example:i", "revocation", "u");
        assert_eq!(list["credentialSubject"]["id"], "http://127.0.0.1:1/l#list");
        assert!(encoded_list(&[0, LIST_ENTRIES - 1, LIST_ENTRIES]).starts_with('u'));
        let doc = json!({"@context": ["https://www.w3.org/2018/credentials/v1"]});
        let doc = with_status(doc, "http://l", "revocation", "1");
        let doc = with_status(doc, "http://l", "suspension", "2");
        assert_eq!(doc["@context"].as_array().map(Vec::len), Some(2));
        assert_eq!(doc["credentialStatus"][1]["statusPurpose"], "suspension");
    }
}
