//! SD-JWT (RFC 9901) and SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): issuance with selectively disclosable claims, presentations with a Key Binding JWT, and their verification (issue #16).
//!
//! - Issuance ([`issue`], RFC 9901 §4.1-4.2): the claims named by path (top-level names, or JSON
//!   Pointers (RFC 6901) for nested object members and array elements) are replaced by the
//!   SHA-256 digests of their Disclosures (`_sd` arrays, sorted; `{"...": digest}` array elements);
//!   `_sd_alg` is `sha-256`; salts are 128 random bits ([`RandomSalts`]) or, in tests, a
//!   deterministic [`SeededSalts`]; decoy digests optional ([`issue_with_decoys`], §4.2.5). The
//!   issuer-signed JWT is a compact JWS ([`crate::jose::sign_compact`]) with `typ` (`dc+sd-jwt`
//!   for SD-JWT VC) and the caller's header members (`x5c`, `kid`).
//! - Presentation ([`present`], [`present_with_key_binding`], §4.3): a subset of the Disclosures
//!   (by path: a nested claim brings the Disclosures of its ancestors) and a Key Binding JWT
//!   (`typ` `kb+jwt`, `iat`, `aud`, `nonce`, `sd_hash` over the presented SD-JWT) by the holder.
//! - Verification ([`SdJwt::parse`], [`SdJwt::verify`], §7.1-7.3): the issuer signature with a key
//!   the caller resolves (x5c, issuer metadata), every Disclosure's digest found exactly once (no
//!   digest twice, no unreferenced Disclosure, `_sd` / `...` never a disclosed claim name, no
//!   claim disclosed over an existing one), the processed payload rebuilt, and the Key Binding JWT
//!   (typ, algorithm, `cnf.jwk` key, `sd_hash`, `nonce`, `aud`, `iat` window at the caller's
//!   time) when presented or when required.

mod disclosure;
mod issue;
mod key_binding;
mod process;

pub use disclosure::{digest_of, Disclosure};
pub use issue::{issue, issue_with_decoys};
pub use key_binding::{
    key_binding_jwt, present, present_with_key_binding, sd_hash, KeyBinding, KeyBindingClaims,
    KeyBindingRules,
};
pub use process::{DisclosedClaim, SdJwt, Verified};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::jose::JoseError;

/// The `typ` of an SD-JWT VC's issuer-signed JWT (SD-JWT VC §3.2.1).
pub const TYP_SD_JWT_VC: &str = "dc+sd-jwt";
/// The `typ` SD-JWT VC used before draft 06, still sent by some wallets and issuers.
pub const TYP_SD_JWT_VC_LEGACY: &str = "vc+sd-jwt";
/// The `typ` of a Key Binding JWT (RFC 9901 §4.3).
pub const TYP_KEY_BINDING: &str = "kb+jwt";
/// The one digest algorithm used and accepted (`_sd_alg`, RFC 9901 §4.1.1; IANA "sha-256").
pub const SD_ALG: &str = "sha-256";
/// Claims an SD-JWT VC must not make selectively disclosable (SD-JWT VC §3.2.2.2), with `_sd_alg`.
pub const ALWAYS_VISIBLE: [&str; 8] = [
    "iss",
    "nbf",
    "exp",
    "cnf",
    "vct",
    "vct#integrity",
    "status",
    "_sd_alg",
];

/// Whether the claim at JSON Pointer `pointer` is, or lies inside, one of [`ALWAYS_VISIBLE`]: a
/// claim SD-JWT VC §3.2.2.2 forbids in a Disclosure (`/cnf` and `/cnf/jwk` alike).
pub fn must_stay_visible(pointer: &str) -> bool {
    let first = pointer
        .strip_prefix('/')
        .unwrap_or(pointer)
        .split('/')
        .next()
        .unwrap_or_default();
    ALWAYS_VISIBLE.contains(&first)
}

/// Why an SD-JWT could not be issued, presented or verified. Each names the part and the rule.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SdJwtError {
    /// Not `<JWT>~<Disclosure>~...~[<KB-JWT>]` (RFC 9901 §4).
    #[error("malformed SD-JWT: {0}")]
    Malformed(String),
    /// The issuer-signed JWT is malformed or its signature does not verify.
    #[error("issuer-signed JWT: {0}")]
    IssuerJwt(JoseError),
    /// `_sd_alg` is not `sha-256`.
    #[error("_sd_alg {0:?} is not supported (sha-256 only, RFC 9901 §4.1.1)")]
    UnsupportedSdAlg(String),
    /// A Disclosure is malformed or breaks a processing rule (RFC 9901 §4.2, §7.1).
    #[error("disclosure {index} ({claim}): {reason}")]
    Disclosure {
        /// Its position among the presented Disclosures (1-based).
        index: usize,
        /// What it discloses: the claim name, or "array element".
        claim: String,
        /// The rule it breaks.
        reason: String,
    },
    /// A digest appears more than once in the issuer-signed JWT or its Disclosures (RFC 9901 §7.1
    /// step 4).
    #[error("digest {0} appears more than once (RFC 9901 §7.1)")]
    DuplicateDigest(String),
    /// A claim or claim path of the payload breaks a rule (at issuance: a path that names no claim,
    /// a claim that must stay visible; at verification: a malformed `_sd` array).
    #[error("claim {path}: {reason}")]
    Claim {
        /// JSON Pointer of the claim.
        path: String,
        /// The rule.
        reason: String,
    },
    /// The Key Binding JWT is required but not presented (RFC 9901 §7.3 step 3).
    #[error("a Key Binding JWT is required but the SD-JWT has none")]
    KeyBindingMissing,
    /// The Key Binding JWT breaks a rule (RFC 9901 §4.3, §7.3).
    #[error("Key Binding JWT {member}: {reason}")]
    KeyBinding {
        /// The header or payload member concerned (`typ`, `sd_hash`, `nonce`, `aud`, `iat`, `cnf`,
        /// `signature`).
        member: &'static str,
        /// The rule.
        reason: String,
    },
    /// The salt source failed.
    #[error("salt source: {0}")]
    Salt(String),
    /// Signing failed.
    #[error("signing: {0}")]
    Sign(JoseError),
}

/// Where Disclosure salts come from (RFC 9901 §4.2.1: 128 bits of cryptographically secure
/// randomness, base64url-encoded).
pub trait SaltSource {
    /// The next salt (base64url of 16 bytes).
    fn salt(&mut self) -> Result<String, SdJwtError>;
    /// 32 bytes for a decoy digest (RFC 9901 §4.2.5).
    fn decoy(&mut self) -> Result<[u8; 32], SdJwtError>;
}

/// Salts from the operating system's random generator: what issuance uses.
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomSalts;

impl SaltSource for RandomSalts {
    fn salt(&mut self) -> Result<String, SdJwtError> {
        let mut bytes = [0u8; 16];
        fill_random(&mut bytes)?;
        Ok(URL_SAFE_NO_PAD.encode(bytes))
    }
    fn decoy(&mut self) -> Result<[u8; 32], SdJwtError> {
        let mut bytes = [0u8; 32];
        fill_random(&mut bytes)?;
        Ok(bytes)
    }
}

fn fill_random(bytes: &mut [u8]) -> Result<(), SdJwtError> {
    use rand_core::RngCore as _;
    rand_core::OsRng
        .try_fill_bytes(bytes)
        .map_err(|e| SdJwtError::Salt(e.to_string()))
}

/// Deterministic salts for tests and reproducible examples: SHA-256 of the seed and a counter.
/// Never for real credentials: anyone who knows the seed can guess undisclosed claims.
#[derive(Debug, Clone)]
pub struct SeededSalts {
    seed: String,
    counter: u64,
}

impl SeededSalts {
    /// Salts derived from `seed`.
    pub fn new(seed: impl Into<String>) -> Self {
        Self {
            seed: seed.into(),
            counter: 0,
        }
    }

    fn next_block(&mut self) -> [u8; 32] {
        use sha2::Digest as _;
        self.counter = self.counter.wrapping_add(1);
        let mut h = sha2::Sha256::new();
        h.update(self.seed.as_bytes());
        h.update(self.counter.to_be_bytes());
        h.finalize().into()
    }
}

impl SaltSource for SeededSalts {
    fn salt(&mut self) -> Result<String, SdJwtError> {
        let block = self.next_block();
        let half = block.get(..16).unwrap_or(&block);
        Ok(URL_SAFE_NO_PAD.encode(half))
    }
    fn decoy(&mut self) -> Result<[u8; 32], SdJwtError> {
        Ok(self.next_block())
    }
}

/// A claim path as a JSON Pointer: top-level names (`given_name`) become `/given_name`; pointers
/// stay as they are.
pub fn normalise_path(path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{}", escape_pointer_token(path))
    }
}

/// A JSON Pointer reference token (RFC 6901 §3: `~` as `~0`, `/` as `~1`).
pub(crate) fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
