//! The digests of a credential's `relatedResource` entries, checked offline (W3C VC Data Model
//! 2.0 §5.3 "Integrity of Related Resources": "If the digest provided by the issuer does not match
//! the digest computed for the retrieved resource, the conforming verifier implementation MUST
//! produce an error").
//!
//! Nothing is fetched. The resources this project holds are the bundled JSON-LD contexts
//! ([`contexts::BUNDLED`]); for those, `digestSRI` (W3C Subresource Integrity §3.5 hash
//! expressions: `sha256-`, `sha384-`, `sha512-` and base64, the strongest algorithm given decides)
//! and `digestMultibase` (multibase `u` base64url or `z` base58btc, of a raw SHA-256 digest or a
//! sha2-256/384/512 multihash) are computed over the bundled bytes and compared: a mismatch is an
//! error (rule `vcdm.related-resource.digest-mismatch`). The VC 2.0 base context is also known by
//! the SHA-256 digest that VC Data Model 2.0 §B.1 publishes for it (the revision of the
//! Recommendation, which differs from the bytes served later and bundled here); a SHA-384/512
//! digest of that context that does not match the bundled bytes cannot be told from one of the
//! Recommendation's revision, so it is "could not check". Any other resource, or a digest in no
//! supported algorithm, is "could not check" (a warning, rule `vcdm.related-resource.unchecked`).
//!
//! A `digestSRI` hash expression is checked against its grammar first, for every resource (VC
//! Data Model 2.0 §5.3 defines the value "by the hash-expression ABNF grammar" of SRI §3.5, whose
//! `base64-value` is CSP Level 2 §4.2's `1*( ALPHA / DIGIT / "+" / "/" )*2( "=" )`: standard
//! base64, not base64url). SRI §3.3.5 compares the expected value as a string with the standard
//! base64 encoding of the actual digest, so an expression with `-` or `_` in its value, or whose
//! value does not decode to a digest of its algorithm's length, matches no resource at all: an
//! error (rule `vcdm.related-resource.digest-sri-syntax`), never "could not check".

use base64::Engine as _;
use serde_json::Map;
use serde_json::Value;
use sha2::Digest as _;

use crate::validate::Issue;

/// SHA-256 digests published by a specification for a context URL, besides the bundled bytes:
/// VC Data Model 2.0 §B.1 ("the hexadecimal encoded SHA2-256 digest value of the base context
/// file").
const PUBLISHED_SHA256: &[(&str, &str)] = &[(
    contexts::urls::VC_V2,
    "24a18c90e9856d526111f29376e302d970b2bd10182e33959995b0207d7043b9",
)];

/// A digest algorithm of SRI or multihash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Alg {
    Sha256,
    Sha384,
    Sha512,
}

impl Alg {
    /// The digest length in bytes.
    fn len(self) -> usize {
        match self {
            Alg::Sha256 => 32,
            Alg::Sha384 => 48,
            Alg::Sha512 => 64,
        }
    }

    /// The SRI algorithm token.
    fn name(self) -> &'static str {
        match self {
            Alg::Sha256 => "sha256",
            Alg::Sha384 => "sha384",
            Alg::Sha512 => "sha512",
        }
    }

    fn digest(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            Alg::Sha256 => sha2::Sha256::digest(bytes).to_vec(),
            Alg::Sha384 => sha2::Sha384::digest(bytes).to_vec(),
            Alg::Sha512 => sha2::Sha512::digest(bytes).to_vec(),
        }
    }
}

/// What comparing one declared digest gave.
enum Outcome {
    Match,
    Mismatch,
    Unchecked(String),
}

/// The resource `id` as this service holds it: its bytes and the SHA-256 digests of its
/// published revisions.
struct Known {
    bytes: &'static [u8],
    published_sha256: Vec<Vec<u8>>,
}

impl Known {
    fn of(id: &str) -> Option<Self> {
        let bundled = contexts::bundled(id).ok()?;
        let published_sha256 = PUBLISHED_SHA256
            .iter()
            .filter(|(url, _)| *url == id)
            .filter_map(|(_, hex_digest)| hex::decode(hex_digest).ok())
            .collect();
        Some(Self {
            bytes: bundled.text.as_bytes(),
            published_sha256,
        })
    }

    /// Whether the bundled bytes are (one of) the published revision(s), or none is published.
    fn bundled_is_published(&self) -> bool {
        let own = Alg::Sha256.digest(self.bytes);
        self.published_sha256.is_empty() || self.published_sha256.contains(&own)
    }

    fn compare(&self, alg: Alg, declared: &[u8]) -> Outcome {
        if alg.digest(self.bytes) == declared
            || (alg == Alg::Sha256 && self.published_sha256.iter().any(|d| d == declared))
        {
            Outcome::Match
        } else if alg != Alg::Sha256 && !self.bundled_is_published() {
            Outcome::Unchecked(format!(
                "a {alg:?} digest of another revision than the bundled one cannot be checked (the specification publishes the SHA-256 digest of its revision only)"
            ))
        } else {
            Outcome::Mismatch
        }
    }
}

/// The digest issues of one `relatedResource` entry at `path` (errors and warnings).
pub(crate) fn check_entry(path: &str, entry: &Map<String, Value>) -> Vec<Issue> {
    let Some(id) = entry.get("id").and_then(Value::as_str) else {
        return Vec::new();
    };
    let declared: Vec<(&str, &str)> = ["digestSRI", "digestMultibase"]
        .into_iter()
        .filter_map(|m| entry.get(m).and_then(Value::as_str).map(|v| (m, v)))
        .collect();
    if declared.is_empty() {
        return Vec::new();
    }
    let syntax: Vec<Issue> = declared
        .iter()
        .filter(|(member, _)| *member == "digestSRI")
        .filter_map(|(member, value)| {
            sri_syntax_error(value).map(|why| {
                Issue::error(
                    format!("{path}.{member}"),
                    "vcdm.related-resource.digest-sri-syntax",
                    why,
                )
            })
        })
        .collect();
    if !syntax.is_empty() {
        return syntax;
    }
    let Some(known) = Known::of(id) else {
        return vec![Issue::warning(
            path,
            "vcdm.related-resource.unchecked",
            format!("`{id}` is not a resource this service holds offline (the bundled JSON-LD contexts): its digest could not be checked (nothing is fetched)"),
        )];
    };
    let mut issues = Vec::new();
    for (member, value) in declared {
        let outcome = if member == "digestSRI" {
            sri(&known, value)
        } else {
            multibase(&known, value)
        };
        match outcome {
            Outcome::Match => {}
            Outcome::Mismatch => issues.push(Issue::error(
                format!("{path}.{member}"),
                "vcdm.related-resource.digest-mismatch",
                format!("`{member}` does not match the digest of `{id}` (VC Data Model 2.0 §5.3)"),
            )),
            Outcome::Unchecked(why) => issues.push(Issue::warning(
                format!("{path}.{member}"),
                "vcdm.related-resource.unchecked",
                format!("`{member}` of `{id}` could not be checked: {why}"),
            )),
        }
    }
    issues
}

/// SRI §3.3.5: among the supported hash expressions, those of the strongest algorithm decide; the
/// resource matches if one of them does.
fn sri(known: &Known, value: &str) -> Outcome {
    let expressions = sri_expressions(value);
    let Some(strongest) = expressions.iter().map(|(a, _)| *a).max() else {
        return Outcome::Unchecked("no sha256, sha384 or sha512 hash expression".into());
    };
    let mut outcome = Outcome::Mismatch;
    for (_, digest) in expressions.iter().filter(|(a, _)| *a == strongest) {
        match digest.as_deref().map(|d| known.compare(strongest, d)) {
            Some(Outcome::Match) => return Outcome::Match,
            Some(u @ Outcome::Unchecked(_)) => outcome = u,
            Some(Outcome::Mismatch) | None => {}
        }
    }
    outcome
}

/// The hash expressions of a supported algorithm in a `digestSRI` value, each with its digest;
/// `None` where the base64 value cannot be a digest of that algorithm (see [`sri_syntax_error`]).
fn sri_expressions(value: &str) -> Vec<(Alg, Option<Vec<u8>>)> {
    value
        .split_ascii_whitespace()
        .filter_map(|token| {
            let (alg, rest) = token.split_once('-')?;
            let alg = match alg {
                "sha256" => Alg::Sha256,
                "sha384" => Alg::Sha384,
                "sha512" => Alg::Sha512,
                _ => return None,
            };
            let b64 = rest.split('?').next().unwrap_or_default();
            Some((alg, sri_digest(alg, b64)))
        })
        .collect()
}

/// The digest a CSP Level 2 §4.2 `base64-value` encodes, if it is one and has `alg`'s length.
fn sri_digest(alg: Alg, b64: &str) -> Option<Vec<u8>> {
    let body = b64.trim_end_matches('=');
    let well_formed = !body.is_empty()
        && b64.len() - body.len() <= 2
        && body
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/');
    if !well_formed {
        return None;
    }
    let digest = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(body)
        .ok()?;
    (digest.len() == alg.len()).then_some(digest)
}

/// Why a `digestSRI` value matches no resource at all, if it does not: a hash expression of a
/// supported algorithm whose value is not standard base64 of a digest of that algorithm's length
/// (SRI §3.5 with CSP Level 2 §4.2; SRI §3.3.5 compares it as a string with the standard base64
/// of the actual digest). Expressions of other algorithms are left alone (SRI §3.3.3 ignores
/// algorithms it does not know).
fn sri_syntax_error(value: &str) -> Option<String> {
    let expressions = sri_expressions(value);
    let strongest = expressions.iter().map(|(a, _)| *a).max()?;
    let decide: Vec<_> = expressions
        .iter()
        .filter(|(a, _)| *a == strongest)
        .collect();
    decide.iter().all(|(_, d)| d.is_none()).then(|| {
        format!(
            "no {} hash expression in `digestSRI` is a `base64-value` of a {}-byte digest (SRI §3.5, CSP Level 2 §4.2: standard base64 `A-Z a-z 0-9 + /` with up to two `=`, not base64url), so it matches no resource (SRI §3.3.5)",
            strongest.name(),
            strongest.len()
        )
    })
}

/// A multibase digest: `u` (base64url) or `z` (base58btc) of a raw SHA-256 digest or of a
/// sha2-256 / sha2-384 / sha2-512 multihash.
fn multibase(known: &Known, value: &str) -> Outcome {
    let bytes = match value.split_at_checked(1) {
        Some(("u", rest)) => base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(rest)
            .ok(),
        Some(("z", rest)) => base58btc(rest),
        _ => {
            return Outcome::Unchecked(
                "only the multibase prefixes `u` (base64url) and `z` (base58btc) are supported"
                    .into(),
            )
        }
    };
    let Some(bytes) = bytes else {
        return Outcome::Mismatch;
    };
    let (alg, digest) = match bytes.as_slice() {
        [0x12, 0x20, d @ ..] if d.len() == 32 => (Alg::Sha256, d),
        [0x20, 0x30, d @ ..] if d.len() == 48 => (Alg::Sha384, d),
        [0x13, 0x40, d @ ..] if d.len() == 64 => (Alg::Sha512, d),
        d if d.len() == 32 => (Alg::Sha256, d),
        _ => return Outcome::Mismatch,
    };
    known.compare(alg, digest)
}

/// Decodes base58btc (the Bitcoin alphabet); `None` on a character outside it.
fn base58btc(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut out: Vec<u8> = Vec::new(); // little-endian base-256 digits
    for c in s.bytes() {
        let mut carry = u32::try_from(ALPHABET.iter().position(|a| *a == c)?).ok()?;
        for byte in &mut out {
            carry = carry.checked_add(u32::from(*byte).checked_mul(58)?)?;
            *byte = u8::try_from(carry & 0xff).ok()?;
            carry >>= 8;
        }
        while carry > 0 {
            out.push(u8::try_from(carry & 0xff).ok()?);
            carry >>= 8;
        }
    }
    let zeros = s.bytes().take_while(|c| *c == b'1').count();
    out.extend(std::iter::repeat_n(0, zeros));
    out.reverse();
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base58btc_decodes_leading_zeros_and_values() {
        assert_eq!(base58btc("1112"), Some(vec![0, 0, 0, 1]));
        assert_eq!(base58btc("5R"), Some(vec![1, 0]));
        assert_eq!(base58btc("0"), None);
    }
}
