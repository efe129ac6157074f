//! Bitstring Status List v1.0 (W3C Recommendation): the bitstring, its `encodedList` form, the
//! `BitstringStatusListEntry` put in issued credentials (§2.1) and the unsigned
//! `BitstringStatusListCredential` (§2.2).
//!
//! §3.1 "Bitstring Generation": index 0 is the left-most (most significant) bit of the first byte;
//! the bitstring is GZIP-compressed and encoded as Multibase base64url without padding (`u...`).
//! §4.1: lists have at least 131,072 entries (16 KiB uncompressed), so a single index says little
//! about which credential it belongs to.

use std::io::{Read, Write};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};

/// VC Data Model 2.0 context.
pub const VC2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// VC Data Model 1.1 context.
pub const VC1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";
/// Bitstring Status List v1.0 context (needed under VC 1.1; its terms are in VC 2.0's context).
pub const STATUS_CONTEXT: &str = "https://www.w3.org/ns/credentials/status/v1";

/// What a list's bits mean (§2.1 `statusPurpose`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusPurpose {
    /// Set bit = revoked, permanently.
    Revocation,
    /// Set bit = suspended (reversible).
    Suspension,
}

impl StatusPurpose {
    /// Both purposes, in list-creation order.
    pub const ALL: [StatusPurpose; 2] = [StatusPurpose::Revocation, StatusPurpose::Suspension];

    /// The spec's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Revocation => "revocation",
            Self::Suspension => "suspension",
        }
    }

    /// Parses the spec's name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "revocation" | "revoked" => Some(Self::Revocation),
            "suspension" | "suspended" => Some(Self::Suspension),
            _ => None,
        }
    }
}

/// Errors decoding an `encodedList`.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    /// Not `u` + base64url.
    #[error("encodedList is not multibase base64url (`u...`): {0}")]
    Multibase(String),
    /// Not GZIP data.
    #[error("encodedList is not GZIP data: {0}")]
    Gzip(String),
}

/// A bitstring of fixed length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitstring {
    bytes: Vec<u8>,
}

impl Bitstring {
    /// All-zero bitstring of `bits` bits (rounded up to whole bytes).
    pub fn new(bits: u32) -> Self {
        Self {
            bytes: vec![0; bits.div_ceil(8) as usize],
        }
    }

    /// Length in bits.
    pub fn len_bits(&self) -> u64 {
        self.bytes.len() as u64 * 8
    }

    /// Sets bit `index` (§3.1: index 0 is the most significant bit of byte 0). Out of range: ignored
    /// and `false` returned.
    pub fn set(&mut self, index: u32, value: bool) -> bool {
        let Some(b) = self.bytes.get_mut((index / 8) as usize) else {
            return false;
        };
        let mask = 0x80u8 >> (index % 8);
        if value {
            *b |= mask;
        } else {
            *b &= !mask;
        }
        true
    }

    /// Bit `index` (`false` out of range).
    pub fn get(&self, index: u32) -> bool {
        self.bytes
            .get((index / 8) as usize)
            .is_some_and(|b| b & (0x80u8 >> (index % 8)) != 0)
    }

    /// Indices of set bits.
    pub fn ones(&self) -> Vec<u32> {
        let mut out = Vec::new();
        for (i, b) in self.bytes.iter().enumerate() {
            if *b != 0 {
                for bit in 0..8u32 {
                    if b & (0x80 >> bit) != 0 {
                        out.push(i as u32 * 8 + bit);
                    }
                }
            }
        }
        out
    }

    /// `encodedList`: `u` + base64url-no-pad(GZIP(bits)) (§3.1 step 3-4).
    pub fn encode(&self) -> String {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing to a Vec cannot fail.
        let _ = gz.write_all(&self.bytes);
        let compressed = gz.finish().unwrap_or_default();
        format!("u{}", URL_SAFE_NO_PAD.encode(compressed))
    }

    /// Decodes an `encodedList` (§3.2 "Bitstring Expansion"). Accepts padded base64url too.
    pub fn decode(encoded: &str) -> Result<Self, DecodeError> {
        let b64 = encoded
            .strip_prefix('u')
            .ok_or_else(|| DecodeError::Multibase("missing `u` prefix".into()))?;
        let compressed = URL_SAFE_NO_PAD
            .decode(b64.trim_end_matches('='))
            .map_err(|e| DecodeError::Multibase(e.to_string()))?;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(compressed.as_slice())
            .read_to_end(&mut bytes)
            .map_err(|e| DecodeError::Gzip(e.to_string()))?;
        Ok(Self { bytes })
    }
}

/// URL of a status list credential: `{base}/status/{university}/{list}`.
pub fn list_url(base_url: &str, university: &str, list_id: &str) -> String {
    format!(
        "{}/status/{university}/{list_id}",
        base_url.trim_end_matches('/')
    )
}

/// A `BitstringStatusListEntry` (§2.1) for `index` on the list at `list_url`.
pub fn status_entry(list_url: &str, purpose: StatusPurpose, index: u32) -> Value {
    json!({
        "id": format!("{list_url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose.as_str(),
        "statusListIndex": index.to_string(),
        "statusListCredential": list_url,
    })
}

/// The unsigned `BitstringStatusListCredential` (§2.2, VC Data Model 2.0) of one list.
pub fn status_list_credential(
    list_url: &str,
    issuer_did: &str,
    purpose: StatusPurpose,
    bits: &Bitstring,
    valid_from: chrono::DateTime<chrono::Utc>,
) -> Value {
    json!({
        "@context": [VC2_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did,
        "validFrom": valid_from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "credentialSubject": {
            "id": format!("{list_url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": purpose.as_str(),
            "encodedList": bits.encode(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTORS: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/vectors/bitstring-status-list"
    );

    #[test]
    fn bit_order_is_msb_first_and_round_trips() {
        let mut b = Bitstring::new(131_072);
        assert_eq!(b.len_bits(), 131_072);
        b.set(0, true);
        b.set(94_567, true);
        b.set(131_071, true);
        assert_eq!(b.bytes[0], 0x80);
        let e = b.encode();
        assert!(
            e.starts_with("uH4sI"),
            "gzip magic 1f8b under base64url: {e}"
        );
        assert!(!e.contains('='));
        let d = Bitstring::decode(&e).unwrap();
        assert_eq!(d.ones(), vec![0, 94_567, 131_071]);
        assert!(d.get(94_567) && !d.get(94_566));
    }

    #[test]
    fn spec_example_lists_decode() {
        // Spec examples 2 and 4: a 131,072-entry (16 KiB) revocation list with no bit set, the
        // list the examples' entries (statusListIndex 94567) point to.
        for f in [
            "spec-example-02-example-bitstringstatuslistcredential.json",
            "spec-example-04-a-status-list-verifiable-credential.json",
        ] {
            let text = std::fs::read_to_string(format!("{VECTORS}/{f}")).unwrap();
            let v: Value = serde_json::from_str(&text).unwrap();
            let enc = v["credentialSubject"]["encodedList"].as_str().unwrap();
            let bits = Bitstring::decode(enc).unwrap();
            assert_eq!(bits.len_bits(), 131_072, "{f}");
            assert!(
                !bits.get(94_567),
                "{f}: the example's credential is not revoked"
            );
            assert!(bits.ones().is_empty(), "{f}");
            assert_eq!(v["credentialSubject"]["statusPurpose"], "revocation");
            // Our encoder produces a list of the same shape.
            assert_eq!(
                Bitstring::decode(&Bitstring::new(131_072).encode()).unwrap(),
                bits
            );
        }
    }

    #[test]
    fn entries_have_the_spec_shape() {
        let text = std::fs::read_to_string(format!(
            "{VECTORS}/spec-example-03-a-revocable-verifiable-credential.json"
        ))
        .unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        let ours = status_entry(
            "https://example.com/credentials/status/3",
            StatusPurpose::Revocation,
            94_567,
        );
        assert_eq!(v["credentialStatus"], ours);
    }
}
