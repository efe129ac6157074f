//! Bitstring Status List v1.0 (W3C Recommendation): the bitstring, its `encodedList` form, the
//! `BitstringStatusListEntry` put in issued credentials (§2.1) and the unsigned
//! `BitstringStatusListCredential` (§2.2).
//!
//! §3.1 "Bitstring Generation": index 0 is the left-most (most significant) bit of the first byte;
//! the bitstring is GZIP-compressed and encoded as Multibase base64url without padding (`u...`).
//! §4.1: lists have at least 131,072 entries (16 KiB uncompressed), so a single index says little
//! about which credential it belongs to.
//!
//! EDC awards carry ONE entry (docs/adr/0003-edc-conformant-status.md): typed both as the EDC
//! `CredentialStatus` (`elm:CredentialStatus`, which EDC-generic-no-cv requires, at most once) and
//! `BitstringStatusListEntry`, with `statusPurpose` `message` and `statusSize` 2 (§2.1): the two
//! bits of entry `i` (bits `2i` and `2i + 1`) hold [`MessageStatus`], so one entry carries both
//! revocation and suspension. Credentials issued before carry two 1-bit entries (`revocation`,
//! `suspension`), which keep working.

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
    /// `statusSize` 2: each entry's two bits are a [`MessageStatus`] (valid, suspended, revoked).
    Message,
}

impl StatusPurpose {
    /// The two 1-bit purposes of the old two-entry form (VC-API credentials, and EDC awards issued
    /// before the one-entry form), in list-creation order.
    pub const ALL: [StatusPurpose; 2] = [StatusPurpose::Revocation, StatusPurpose::Suspension];

    /// The spec's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Revocation => "revocation",
            Self::Suspension => "suspension",
            Self::Message => "message",
        }
    }

    /// Parses the spec's name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "revocation" | "revoked" => Some(Self::Revocation),
            "suspension" | "suspended" => Some(Self::Suspension),
            "message" => Some(Self::Message),
            _ => None,
        }
    }

    /// Bits per entry (§2.1 `statusSize`).
    pub fn status_size(self) -> u32 {
        match self {
            Self::Message => MESSAGE_STATUS_SIZE,
            Self::Revocation | Self::Suspension => 1,
        }
    }
}

/// `statusSize` of the one-entry form.
pub const MESSAGE_STATUS_SIZE: u32 = 2;

/// The value of a `message` entry (two bits, the first the most significant): bit `2i` set =
/// revoked, bit `2i + 1` set = suspended. Revocation is final, so 3 reads as revoked as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageStatus {
    /// `0x0`.
    Valid = 0,
    /// `0x1`.
    Suspended = 1,
    /// `0x2`.
    Revoked = 2,
}

impl MessageStatus {
    /// The stored / encoded value.
    pub fn value(self) -> u8 {
        self as u8
    }

    /// The `statusMessage` table of the entry (§2.1: one message per value, `status` as hex).
    pub fn table() -> Value {
        json!([
            {"status": "0x0", "message": "valid"},
            {"status": "0x1", "message": "suspended"},
            {"status": "0x2", "message": "revoked"},
            {"status": "0x3", "message": "revoked"},
        ])
    }
}

/// The EDC class of the status entry (edc-ap context term, `elm:CredentialStatus`).
pub const EDC_STATUS_TYPE: &str = "CredentialStatus";

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

    /// Sets the `size`-bit value of entry `index` (bits `index * size ..`, most significant
    /// first). Out of range or too wide: nothing set and `false` returned.
    pub fn set_value(&mut self, index: u32, size: u32, value: u8) -> bool {
        let Some(first) = index.checked_mul(size) else {
            return false;
        };
        if size == 0 || size > 8 || u64::from(value) >> size != 0 {
            return false;
        }
        let Some(last) = first.checked_add(size - 1) else {
            return false;
        };
        if u64::from(last) >= self.len_bits() {
            return false;
        }
        for k in 0..size {
            let bit = (value >> (size - 1 - k)) & 1 == 1;
            self.set(first + k, bit);
        }
        true
    }

    /// The `size`-bit value of entry `index` (`None` out of range).
    pub fn value(&self, index: u32, size: u32) -> Option<u8> {
        let first = index.checked_mul(size)?;
        let last = first.checked_add(size.checked_sub(1)?)?;
        if size > 8 || u64::from(last) >= self.len_bits() {
            return None;
        }
        Some((0..size).fold(0u8, |v, k| (v << 1) | u8::from(self.get(first + k))))
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

/// A `BitstringStatusListEntry` (§2.1) for `index` on the list at `list_url`; for
/// [`StatusPurpose::Message`] the one-entry form ([`message_status_entry`]).
pub fn status_entry(list_url: &str, purpose: StatusPurpose, index: u32) -> Value {
    if purpose == StatusPurpose::Message {
        return message_status_entry(list_url, index);
    }
    json!({
        "id": format!("{list_url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose.as_str(),
        "statusListIndex": index.to_string(),
        "statusListCredential": list_url,
    })
}

/// The one status entry of an EDC award: an EDC `CredentialStatus` that is also a
/// `BitstringStatusListEntry` with `statusPurpose` `message`, `statusSize` 2 and its
/// `statusMessage` table (§2.1), so revocation and suspension share one entry.
pub fn message_status_entry(list_url: &str, index: u32) -> Value {
    json!({
        "id": format!("{list_url}#{index}"),
        "type": [EDC_STATUS_TYPE, "BitstringStatusListEntry"],
        "statusPurpose": StatusPurpose::Message.as_str(),
        "statusListIndex": index.to_string(),
        "statusListCredential": list_url,
        "statusSize": MESSAGE_STATUS_SIZE,
        "statusMessage": MessageStatus::table(),
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

    #[test]
    fn two_bit_values_sit_at_twice_the_index_msb_first() {
        let mut b = Bitstring::new(2 * 131_072);
        assert!(b.set_value(5, 2, MessageStatus::Revoked.value()));
        assert!(b.set_value(6, 2, MessageStatus::Suspended.value()));
        assert_eq!(b.ones(), vec![10, 13]);
        assert_eq!(b.value(5, 2), Some(2));
        assert_eq!(b.value(6, 2), Some(1));
        assert_eq!(b.value(7, 2), Some(0));
        assert!(b.set_value(6, 2, MessageStatus::Valid.value()));
        assert_eq!(b.ones(), vec![10]);
        assert!(!b.set_value(131_072, 2, 1), "beyond the list");
        assert!(!b.set_value(1, 2, 4), "wider than statusSize");
        assert_eq!(b.value(131_072, 2), None);
        assert_eq!(b.value(u32::MAX, 2), None);
        let e = message_status_entry("https://x.example/status/eth/l", 7);
        assert_eq!(
            e["type"],
            json!(["CredentialStatus", "BitstringStatusListEntry"])
        );
        assert_eq!(e["statusSize"], 2);
        assert_eq!(e["statusMessage"].as_array().unwrap().len(), 4);
        assert_eq!(
            status_entry("https://x.example/status/eth/l", StatusPurpose::Message, 7),
            e
        );
    }
}
