//! IETF OAuth Token Status List (draft-ietf-oauth-status-list §4-5): 1/2/4/8-bit status lists, DEFLATE-compressed and base64url-encoded, and the claims of a status list token (`typ` `statuslist+jwt`) (issue #16).
//!
//! - [`StatusList`]: the byte array of §4.1 (statuses packed from the least significant bit of
//!   each byte), compressed with DEFLATE in the ZLIB format at the highest level (§4.1 step 4)
//!   and base64url-encoded without padding as the `lst` of §4.2. Decoding refuses output over a
//!   size cap ([`MAX_LIST_BYTES`]) so a small `lst` cannot inflate into gigabytes.
//! - [`status_list_token_claims`] / [`parse_status_list_token_claims`]: the JWT Claims Set of a
//!   Status List Token (§5.1: `sub`, `iat`, `exp`, `ttl`, `status_list`). Signing and verifying
//!   the JWT (header `typ` [`STATUS_LIST_JWT_TYP`]) is [`crate::jose`]'s.
//! - [`VALID`], [`INVALID`], [`SUSPENDED`]: the Status Types of §7.1.
//!
//! The draft's own examples (§4.1, Appendix "Test vectors") are the unit tests of this module
//! (crates/proofs/tests/token_status_list.rs).

use std::io::{Read as _, Write as _};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use serde_json::{json, Map, Value};

/// Status Type 0x00 "VALID" (§7.1).
pub const VALID: u8 = 0;
/// Status Type 0x01 "INVALID": revoked, irreversible (§7.1).
pub const INVALID: u8 = 1;
/// Status Type 0x02 "SUSPENDED": temporarily invalid, reversible (§7.1).
pub const SUSPENDED: u8 = 2;

/// The JWT `typ` header of a Status List Token (§5.1).
pub const STATUS_LIST_JWT_TYP: &str = "statuslist+jwt";
/// The media type of a Status List Token in JWT format (§8.2, §14.7).
pub const STATUS_LIST_JWT_MEDIA_TYPE: &str = "application/statuslist+jwt";

/// The largest decompressed status list [`StatusList::from_lst`] accepts: 16 MiB, i.e. 2^27
/// one-bit or 2^24 eight-bit entries (the draft's test vectors are 2^20 entries, at most 1 MiB).
/// A larger output is refused as a decompression bomb.
pub const MAX_LIST_BYTES: usize = 16 * 1024 * 1024;

/// A Token Status List error; each names the member or value and the rule it breaks.
#[derive(Debug, thiserror::Error)]
pub enum TokenStatusListError {
    /// `bits` is not 1, 2, 4 or 8 (§4.1 step 1).
    #[error("status_list.bits: {0} is not one of 1, 2, 4, 8 (draft-ietf-oauth-status-list §4.1)")]
    Bits(u64),
    /// An index past the end of the list.
    #[error("status index {idx} is out of range: the list has {len} entries")]
    Index {
        /// The index asked for.
        idx: usize,
        /// The number of entries of the list.
        len: usize,
    },
    /// A status value that does not fit into `bits` bits.
    #[error("status value {value} does not fit into {bits} bit(s)")]
    Value {
        /// The value.
        value: u8,
        /// The list's bits per status.
        bits: u8,
    },
    /// A list too large to address or to allocate.
    #[error(
        "a status list of {entries} entries of {bits} bit(s) is over the limit of {limit} bytes"
    )]
    TooLong {
        /// The number of entries asked for.
        entries: usize,
        /// The list's bits per status.
        bits: u8,
        /// The byte limit.
        limit: usize,
    },
    /// `lst` is not base64url without padding (§4.2).
    #[error("status_list.lst: not base64url without padding (RFC 7515 §2): {0}")]
    Base64(String),
    /// `lst` is not a ZLIB/DEFLATE stream (§4.1 step 4).
    #[error("status_list.lst: not a ZLIB (RFC 1950) DEFLATE stream: {0}")]
    Inflate(String),
    /// `lst` inflates to more than the cap (a decompression bomb, or a list this verifier will
    /// not hold).
    #[error("status_list.lst: decompresses to more than {limit} bytes")]
    Bomb {
        /// The cap in bytes.
        limit: usize,
    },
    /// Compressing failed (an I/O error of the in-memory encoder).
    #[error("status list compression failed: {0}")]
    Deflate(String),
    /// A claim of the Status List Token is missing or breaks a rule of §5.1.
    #[error("status list token claim {claim}: {rule}")]
    Claim {
        /// The claim (`sub`, `iat`, `exp`, `ttl`, `status_list`, ...).
        claim: &'static str,
        /// What is wrong.
        rule: String,
    },
}

type Result<T> = std::result::Result<T, TokenStatusListError>;

/// A Status List (§4.1): `bits` per entry, packed from the least significant bit of each byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    bits: u8,
    bytes: Vec<u8>,
}

fn check_bits(bits: u64) -> Result<u8> {
    match bits {
        1 | 2 | 4 | 8 => u8::try_from(bits).map_err(|_| TokenStatusListError::Bits(bits)),
        _ => Err(TokenStatusListError::Bits(bits)),
    }
}

impl StatusList {
    /// A list of `len` entries of `bits` bits, all [`VALID`]. The byte array is rounded up to
    /// whole bytes (§4.1 step 2: "or greater"), so [`StatusList::len`] may be larger than `len`.
    pub fn new(bits: u8, len: usize) -> Result<Self> {
        let bits = check_bits(u64::from(bits))?;
        let too_long = TokenStatusListError::TooLong {
            entries: len,
            bits,
            limit: MAX_LIST_BYTES,
        };
        let total_bits = len.checked_mul(usize::from(bits)).ok_or(too_long)?;
        let n = total_bits.div_ceil(8);
        if n > MAX_LIST_BYTES {
            return Err(TokenStatusListError::TooLong {
                entries: len,
                bits,
                limit: MAX_LIST_BYTES,
            });
        }
        Ok(Self {
            bits,
            bytes: vec![0; n],
        })
    }

    /// A list over an uncompressed byte array (§4.1), e.g. the draft's `byte_array` examples.
    pub fn from_bytes(bits: u8, bytes: Vec<u8>) -> Result<Self> {
        let bits = check_bits(u64::from(bits))?;
        Ok(Self { bits, bytes })
    }

    /// Bits per entry (1, 2, 4 or 8).
    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// The uncompressed byte array.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The number of entries the byte array holds (`bytes * 8 / bits`).
    pub fn len(&self) -> usize {
        self.bytes.len().saturating_mul(8) / usize::from(self.bits)
    }

    /// Whether the list holds no entry.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn mask(&self) -> u8 {
        // bits is 1, 2, 4 or 8: (1 << bits) - 1 computed in u16 so 8 bits do not overflow.
        u8::try_from((1u16 << self.bits) - 1).unwrap_or(u8::MAX)
    }

    /// (byte position, bit shift) of entry `idx`.
    fn position(&self, idx: usize) -> Option<(usize, u32)> {
        let bit = idx.checked_mul(usize::from(self.bits))?;
        let shift = u32::try_from(bit % 8).ok()?;
        Some((bit / 8, shift))
    }

    /// The status of entry `idx`; `None` past the end of the list.
    pub fn get(&self, idx: usize) -> Option<u8> {
        let (pos, shift) = self.position(idx)?;
        let byte = self.bytes.get(pos)?;
        Some((byte >> shift) & self.mask())
    }

    /// Sets entry `idx` to `value`; refuses an index past the end or a value over `bits` bits.
    pub fn set(&mut self, idx: usize, value: u8) -> Result<()> {
        let mask = self.mask();
        if value & !mask != 0 {
            return Err(TokenStatusListError::Value {
                value,
                bits: self.bits,
            });
        }
        let len = self.len();
        let (pos, shift) = self
            .position(idx)
            .ok_or(TokenStatusListError::Index { idx, len })?;
        let byte = self
            .bytes
            .get_mut(pos)
            .ok_or(TokenStatusListError::Index { idx, len })?;
        *byte = (*byte & !(mask << shift)) | (value << shift);
        Ok(())
    }

    /// The `lst` of §4.2: ZLIB (RFC 1950) DEFLATE at the best compression level, base64url
    /// without padding.
    pub fn to_lst(&self) -> Result<String> {
        let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
        z.write_all(&self.bytes)
            .map_err(|e| TokenStatusListError::Deflate(e.to_string()))?;
        let compressed = z
            .finish()
            .map_err(|e| TokenStatusListError::Deflate(e.to_string()))?;
        Ok(URL_SAFE_NO_PAD.encode(compressed))
    }

    /// Decodes an `lst` (§4.2) of `bits` bits per entry, refusing more than [`MAX_LIST_BYTES`]
    /// of decompressed output.
    pub fn from_lst(bits: u64, lst: &str) -> Result<Self> {
        Self::from_lst_capped(bits, lst, MAX_LIST_BYTES)
    }

    /// [`StatusList::from_lst`] with a caller's cap on the decompressed size in bytes.
    pub fn from_lst_capped(bits: u64, lst: &str, max_bytes: usize) -> Result<Self> {
        let bits = check_bits(bits)?;
        let compressed = URL_SAFE_NO_PAD
            .decode(lst)
            .map_err(|e| TokenStatusListError::Base64(e.to_string()))?;
        let limit = u64::try_from(max_bytes)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        let mut bytes = Vec::new();
        ZlibDecoder::new(compressed.as_slice())
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(|e| TokenStatusListError::Inflate(e.to_string()))?;
        if bytes.len() > max_bytes {
            return Err(TokenStatusListError::Bomb { limit: max_bytes });
        }
        Ok(Self { bits, bytes })
    }

    /// The JSON `status_list` object of §4.2 (`bits`, `lst`).
    pub fn to_json(&self) -> Result<Value> {
        Ok(json!({ "bits": self.bits, "lst": self.to_lst()? }))
    }
}

/// The JWT Claims Set of a Status List Token (§5.1): `sub` (the token's own URI, which every
/// Referenced Token's `status.status_list.uri` equals), `iat`, the RECOMMENDED `exp` and `ttl`
/// (seconds a consumer may cache it), and `status_list`.
pub fn status_list_token_claims(
    sub_uri: &str,
    iat: i64,
    exp: Option<i64>,
    ttl: Option<u64>,
    list: &StatusList,
) -> Result<Map<String, Value>> {
    let mut claims = Map::new();
    claims.insert("sub".into(), Value::from(sub_uri));
    claims.insert("iat".into(), Value::from(iat));
    if let Some(exp) = exp {
        claims.insert("exp".into(), Value::from(exp));
    }
    if let Some(ttl) = ttl {
        claims.insert("ttl".into(), Value::from(ttl));
    }
    claims.insert("status_list".into(), list.to_json()?);
    Ok(claims)
}

fn claim(claim: &'static str, rule: impl Into<String>) -> TokenStatusListError {
    TokenStatusListError::Claim {
        claim,
        rule: rule.into(),
    }
}

fn numeric_date(claims: &Map<String, Value>, name: &'static str) -> Result<Option<i64>> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| claim(name, "must be a NumericDate (integer seconds, RFC 7519 §2)")),
    }
}

/// Checks the Claims Set of a Status List Token (§5.1, §8.3 steps 4-6) and returns its list:
/// `sub` equals `expected_uri` (the Referenced Token's `status.status_list.uri`), `iat` is a
/// NumericDate, `exp` (when present) is after `now` (seconds since the epoch), `ttl` (when
/// present) is a positive integer, and `status_list` holds a valid `bits` and `lst`.
/// The signature and the `typ` header are checked by the caller ([`crate::jose`]).
pub fn parse_status_list_token_claims(
    claims: &Map<String, Value>,
    expected_uri: &str,
    now: i64,
) -> Result<StatusList> {
    match claims.get("sub").and_then(Value::as_str) {
        Some(sub) if sub == expected_uri => {}
        Some(sub) => {
            return Err(claim(
                "sub",
                format!("{sub:?} is not the status list uri {expected_uri:?}"),
            ))
        }
        None => {
            return Err(claim(
                "sub",
                "required string (the URI of the status list token)",
            ))
        }
    }
    if numeric_date(claims, "iat")?.is_none() {
        return Err(claim("iat", "required NumericDate"));
    }
    if let Some(exp) = numeric_date(claims, "exp")? {
        if exp <= now {
            return Err(claim(
                "exp",
                format!("the status list token expired at {exp}"),
            ));
        }
    }
    if let Some(ttl) = claims.get("ttl") {
        if matches!(ttl.as_u64(), None | Some(0)) {
            return Err(claim("ttl", "must be a positive integer number of seconds"));
        }
    }
    let list = claims
        .get("status_list")
        .and_then(Value::as_object)
        .ok_or_else(|| claim("status_list", "required object with bits and lst"))?;
    let bits = list
        .get("bits")
        .and_then(Value::as_u64)
        .ok_or_else(|| claim("status_list", "bits: required integer 1, 2, 4 or 8"))?;
    let lst = list
        .get("lst")
        .and_then(Value::as_str)
        .ok_or_else(|| claim("status_list", "lst: required base64url string"))?;
    StatusList::from_lst(bits, lst)
}

/// The status reference of a Referenced Token (§6.1): `{"status_list": {"idx": N, "uri": U}}`,
/// the value of its `status` claim.
pub fn status_reference(idx: u64, uri: &str) -> Value {
    json!({ "status_list": { "idx": idx, "uri": uri } })
}

/// Reads a Referenced Token's `status` claim (§6.1): the `idx` (a non-negative integer) and `uri`
/// (a string) of its `status_list` member.
pub fn parse_status_reference(status: &Value) -> Result<(usize, String)> {
    let entry = status
        .get("status_list")
        .and_then(Value::as_object)
        .ok_or_else(|| claim("status", "status_list: required object with idx and uri"))?;
    let idx = entry
        .get("idx")
        .and_then(Value::as_u64)
        .and_then(|i| usize::try_from(i).ok())
        .ok_or_else(|| claim("status", "status_list.idx: required non-negative integer"))?;
    let uri = entry
        .get("uri")
        .and_then(Value::as_str)
        .ok_or_else(|| claim("status", "status_list.uri: required string (a URI)"))?;
    Ok((idx, uri.to_owned()))
}
