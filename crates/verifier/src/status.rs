//! Bitstring Status List v1.0 (W3C Recommendation): reading a credential's status.
//!
//! - §2.1 `BitstringStatusListEntry`: `statusPurpose`, `statusListIndex` (a decimal string),
//!   `statusListCredential` (URL of a `BitstringStatusListCredential`, §2.2).
//! - §3.2 "Bitstring Expansion": `encodedList` is Multibase base64url (`u...`, no padding) of the
//!   GZIP-compressed bitstring; decoded here through a `take()`-limited decoder, so a GZIP bomb
//!   costs at most the cap in memory.
//! - §3.2 "Validate Algorithm": the list credential is verified (its own Data Integrity proof), its
//!   `statusPurpose` must match the entry's, the bitstring must have at least 131,072 entries
//!   (§4.1 "Minimum bitstring length", STATUS_LIST_LENGTH_ERROR), the index must lie inside it
//!   (RANGE_ERROR), and bit `statusListIndex` (index 0 = most significant bit of byte 0) is the status.
//! - §2.1 `statusSize` / `statusMessage`: an entry of `statusSize` n occupies bits
//!   `statusListIndex * n ..` (most significant first, [`value`]); `statusMessage` maps each value,
//!   written `0x..`, to a message ([`message_for`]). The issuer's EDC entries use n = 2 with the
//!   messages `valid`, `suspended` and `revoked` (docs/adr/0003-edc-conformant-status.md).

use std::io::Read as _;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// §4.1: a list has at least 131,072 entries (16 KiB).
pub const MIN_LIST_BITS: u64 = 131_072;

/// Why an `encodedList` could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusListError {
    /// Not `u` + base64url.
    #[error("encodedList is not multibase base64url (`u...`): {0}")]
    Multibase(String),
    /// Not GZIP data.
    #[error("encodedList is not GZIP data: {0}")]
    Gzip(String),
    /// Inflates beyond the cap (a compression bomb, or simply too large).
    #[error("encodedList inflates beyond {limit} bytes; refused")]
    TooLarge {
        /// The cap in bytes.
        limit: usize,
    },
    /// Shorter than the §4.1 minimum.
    #[error("status list has {bits} entries, fewer than the minimum {MIN_LIST_BITS} (STATUS_LIST_LENGTH_ERROR)")]
    TooShort {
        /// Its length in bits.
        bits: u64,
    },
}

/// Decodes an `encodedList` into its bytes, refusing to inflate beyond `max_bytes`.
pub fn decode_encoded_list(encoded: &str, max_bytes: usize) -> Result<Vec<u8>, StatusListError> {
    let b64 = encoded
        .strip_prefix('u')
        .ok_or_else(|| StatusListError::Multibase("missing `u` prefix".into()))?;
    let compressed = URL_SAFE_NO_PAD
        .decode(b64.trim_end_matches('='))
        .map_err(|e| StatusListError::Multibase(e.to_string()))?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .take(max_bytes as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| StatusListError::Gzip(e.to_string()))?;
    if bytes.len() > max_bytes {
        return Err(StatusListError::TooLarge { limit: max_bytes });
    }
    let bits = bytes.len() as u64 * 8;
    if bits < MIN_LIST_BITS {
        return Err(StatusListError::TooShort { bits });
    }
    Ok(bytes)
}

/// Bit `index` of `bits` (§3.1: index 0 is the left-most bit of byte 0); `None` out of range.
pub fn bit(bits: &[u8], index: u64) -> Option<bool> {
    let byte = usize::try_from(index / 8).ok()?;
    bits.get(byte).map(|b| b & (0x80u8 >> (index % 8)) != 0)
}

/// The `size`-bit value of entry `index` (§2.1 `statusSize`: bits `index * size ..`, the first the
/// most significant); `None` out of range or for a size outside 1..=8.
pub fn value(bits: &[u8], index: u64, size: u32) -> Option<u8> {
    if !(1..=8).contains(&size) {
        return None;
    }
    let first = index.checked_mul(u64::from(size))?;
    (0..u64::from(size)).try_fold(0u8, |v, k| {
        Some((v << 1) | u8::from(bit(bits, first.checked_add(k)?)?))
    })
}

/// `statusSize` of an entry (§2.1: a positive integer, 1 when absent); only sizes 1 to 8 are read.
pub fn parse_size(value: Option<&serde_json::Value>) -> Result<u32, String> {
    let n = match value {
        None => return Ok(1),
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) if s.len() <= 3 => s.parse::<u64>().ok(),
        Some(_) => None,
    };
    match n {
        Some(n @ 1..=8) => Ok(n as u32),
        _ => Err(format!(
            "statusSize {} is not an integer from 1 to 8",
            value.map(ToString::to_string).unwrap_or_default()
        )),
    }
}

/// The `message` that `statusMessage` (§2.1: `[{"status": "0x..", "message": ".."}]`) gives the
/// value `v`; `None` when no entry names it.
pub fn message_for(status_message: Option<&serde_json::Value>, v: u8) -> Option<&str> {
    status_message?.as_array()?.iter().find_map(|m| {
        let hex = m.get("status")?.as_str()?;
        let digits = hex.strip_prefix("0x").or_else(|| hex.strip_prefix("0X"))?;
        (u8::from_str_radix(digits, 16).ok()? == v)
            .then(|| m.get("message")?.as_str())
            .flatten()
    })
}

/// Parses `statusListIndex` (§2.1: a string of decimal digits; a JSON number is accepted too).
pub fn parse_index(value: &serde_json::Value) -> Result<u64, String> {
    match value {
        serde_json::Value::String(s)
            if !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit()) =>
        {
            s.parse::<u64>()
                .map_err(|_| format!("statusListIndex {s:?} is out of range"))
        }
        serde_json::Value::Number(n) => n
            .as_u64()
            .ok_or_else(|| format!("statusListIndex {n} is not a non-negative integer")),
        serde_json::Value::String(s) => {
            let shown: String = s.chars().take(40).collect();
            Err(format!(
                "statusListIndex {shown:?} is not a decimal integer"
            ))
        }
        other => Err(format!(
            "statusListIndex is not a string of digits: {other}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn encode(bytes: &[u8]) -> String {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(bytes).unwrap();
        format!("u{}", URL_SAFE_NO_PAD.encode(gz.finish().unwrap()))
    }

    #[test]
    fn spec_example_list_decodes_to_16_kib_of_zeros() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/vectors/bitstring-status-list"
        );
        let text = std::fs::read_to_string(format!(
            "{dir}/spec-example-04-a-status-list-verifiable-credential.json"
        ))
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let list = v["credentialSubject"]["encodedList"].as_str().unwrap();
        let bytes = decode_encoded_list(list, 16 << 20).unwrap();
        assert_eq!(bytes.len(), 16 * 1024);
        assert!(bytes.iter().all(|b| *b == 0));
    }

    #[test]
    fn bit_order_bounds_and_caps() {
        let mut raw = vec![0u8; 16 * 1024];
        raw[0] = 0x80;
        raw[11820] = 0x01; // index 94,567 = byte 11,820, bit 7
        let enc = encode(&raw);
        let bytes = decode_encoded_list(&enc, 1 << 20).unwrap();
        assert_eq!(bit(&bytes, 0), Some(true));
        assert_eq!(bit(&bytes, 1), Some(false));
        assert_eq!(bit(&bytes, 94_567), Some(true));
        assert_eq!(bit(&bytes, 131_072), None);
        assert_eq!(bit(&bytes, u64::MAX), None);
        assert!(matches!(
            decode_encoded_list(&enc, 1000),
            Err(StatusListError::TooLarge { limit: 1000 })
        ));
        assert!(matches!(
            decode_encoded_list(&encode(&[0u8; 100]), 1 << 20),
            Err(StatusListError::TooShort { .. })
        ));
        assert!(matches!(
            decode_encoded_list("zabc", 1 << 20),
            Err(StatusListError::Multibase(_))
        ));
        assert!(matches!(
            decode_encoded_list("uAAAA", 1 << 20),
            Err(StatusListError::Gzip(_))
        ));
        assert_eq!(parse_index(&serde_json::json!("94567")), Ok(94_567));
        // statusSize 2: entry 0 is bits 0-1 ("10" = 2), entry 47,283 is bits 94,566-94,567.
        assert_eq!(value(&bytes, 0, 2), Some(2));
        assert_eq!(value(&bytes, 47_283, 2), Some(1));
        assert_eq!(value(&bytes, 1, 2), Some(0));
        assert_eq!(value(&bytes, 65_536, 2), None);
        assert_eq!(value(&bytes, u64::MAX, 2), None);
        assert_eq!(value(&bytes, 0, 9), None);
        assert_eq!(parse_size(None), Ok(1));
        assert_eq!(parse_size(Some(&serde_json::json!(2))), Ok(2));
        assert!(parse_size(Some(&serde_json::json!(0))).is_err());
        assert!(parse_size(Some(&serde_json::json!(-2))).is_err());
        let table = serde_json::json!([{"status": "0x0", "message": "valid"},
            {"status": "0x2", "message": "revoked"}]);
        assert_eq!(message_for(Some(&table), 2), Some("revoked"));
        assert_eq!(message_for(Some(&table), 0), Some("valid"));
        assert_eq!(message_for(Some(&table), 1), None);
        assert_eq!(message_for(None, 0), None);
        assert!(parse_index(&serde_json::json!("-1")).is_err());
        assert!(parse_index(&serde_json::json!("99999999999999999999999")).is_err());
    }
}
