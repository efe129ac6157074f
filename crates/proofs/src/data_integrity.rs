//! Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite: adding and verifying proofs, proof
//! sets and proof chains.
//!
//! Implements W3C VC Data Integrity 1.0 §4.2 (Add Proof), §4.3 (Add Proof Set/Chain), §4.4 (Verify
//! Proof) and §4.5 (Verify Proof Sets and Chains), with the algorithms of W3C Data Integrity EdDSA
//! Cryptosuites v1.0 §3.3 (`eddsa-rdfc-2022`):
//!
//! - transformation (§3.3.3): RDFC-1.0 canonical N-Quads of the document without `proof`
//!   ([`canon::canonicalize`], strict, bundled contexts only);
//! - proof configuration (§3.3.5): the proof options (everything but `proofValue`) with the
//!   document's `@context`, canonicalized the same way;
//! - hashing (§3.3.4): SHA-256(canonical proof configuration) ‖ SHA-256(canonical document);
//! - serialization (§3.3.6): Ed25519 over those 64 bytes; `proofValue` = multibase base58btc `z...`.
//!
//! As the reference JavaScript stack does, signing a VC 1.1 document appends
//! `https://w3id.org/security/data-integrity/v2` to its `@context` when absent, because VC 1.1's
//! context does not define the `DataIntegrityProof` terms. Verification checks every proof of a set;
//! a proof naming `previousProof` is verified over the document carrying exactly the proofs it names
//! (§4.5 step 2). Time is never read from the clock: `created` is a parameter.
//!
//! Presentations (VC Data Model 2.0 §4.13) are signed and verified with the `authentication`
//! purpose: [`ProofOptions::authentication`] writes `challenge` and `domain` into the proof, and
//! [`VerifyOptions::authentication`] requires them (the `domain` as a string or an array, §2.1)
//! and the presentation's `holder` as the controller of each method, which its DID document must
//! list under `authentication` (a credential's, under `assertionMethod`: DID Core §5.3).
//!
//! Verification also accepts, without producing them, the legacy `Ed25519Signature2020` proof
//! type and the `ecdsa-rdfc-2019` cryptosuite (P-256): the same signed bytes, another key type or
//! signature algorithm ([`crate::suites`]).
//!
//! The document is never copied to be hashed: "the document without `proof`, with the Data
//! Integrity context" is a [`canon::DocumentView`] of it, and [`canon::canonical_sha256`] hashes
//! its canonical N-Quads line by line. An EDC credential carries up to 100 KB of display images
//! in hundreds of JSON objects, and copying it cost more than hashing it (docs/PERFORMANCE.md).
//! [`sign_owned`] (the issuer's path) adds the proof to the document it is given; [`sign`]
//! copies the document once, for the result.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use crate::did::{KeyResolver, ResolveError};
use crate::keys::{decode_multibase_base58btc, encode_multibase_base58btc, Algorithm, KeyType};
use crate::signer::{SignError, Signer};

/// The only proof type produced and accepted.
pub const PROOF_TYPE: &str = "DataIntegrityProof";
/// The only cryptosuite produced and accepted.
pub const CRYPTOSUITE: &str = "eddsa-rdfc-2022";
/// The proof purpose of credentials.
pub const ASSERTION_METHOD: &str = "assertionMethod";
/// The proof purpose of presentations (VC Data Integrity §2.1.2; a holder proving control of a
/// key, with `challenge` and `domain`).
pub const AUTHENTICATION: &str = "authentication";

/// Why a proof could not be added or verified. One variant per reason, so callers (and the
/// verifier's report) can tell a forged credential from an unsupported one.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProofError {
    /// The document is not a JSON object.
    #[error("the document is not a JSON object")]
    NotAnObject,
    /// The bytes given to [`verify_bytes`] are not JSON.
    #[error("not JSON: {0}")]
    InvalidJson(String),
    /// The document carries no `proof`.
    #[error("the document has no proof")]
    NoProof,
    /// A proof is not an object or misses a required member, or one is malformed (e.g. `created`).
    #[error("malformed proof: {0}")]
    MalformedProof(String),
    /// `type` is not `DataIntegrityProof`.
    #[error("proof type {0:?} is not DataIntegrityProof")]
    WrongProofType(String),
    /// `cryptosuite` is not `eddsa-rdfc-2022`.
    #[error("unsupported cryptosuite {0:?}")]
    UnsupportedCryptosuite(String),
    /// `proofPurpose` is not the expected one.
    #[error("proof purpose {found:?}, expected {expected:?}")]
    ProofPurposeMismatch {
        /// Expected purpose.
        expected: String,
        /// Purpose found.
        found: String,
    },
    /// `proofValue` is not multibase base58btc or does not decode to 64 bytes (e.g. truncated).
    #[error("malformed proofValue: {0}")]
    MalformedProofValue(String),
    /// The verification method cannot be resolved (unknown DID, key not in the DID document — for
    /// instance a key rotated out —, not an assertion method).
    #[error("verification method {verification_method} cannot be resolved: {source}")]
    KeyNotFound {
        /// Method URL.
        verification_method: String,
        /// Why.
        #[source]
        source: ResolveError,
    },
    /// The method's controller is not the credential's issuer (e.g. another university's key).
    #[error("verification method {verification_method} is controlled by {controller}, not by the issuer {issuer}")]
    ControllerNotIssuer {
        /// Method URL.
        verification_method: String,
        /// Its controller.
        controller: String,
        /// The document's issuer.
        issuer: String,
    },
    /// The resolved key is not Ed25519.
    #[error("eddsa-rdfc-2022 needs an Ed25519 key, the method has a {0} key")]
    KeyTypeMismatch(KeyType),
    /// The resolved key's type is not the one the proof's suite needs (`Ed25519Signature2020`:
    /// Ed25519, `ecdsa-rdfc-2019`: P-256).
    #[error("{suite} needs a {needs} key, the verificationMethod has a {got} key")]
    SuiteKeyTypeMismatch {
        /// The proof's suite ([`crate::suites::Suite::name`]).
        suite: &'static str,
        /// Key type the suite needs.
        needs: KeyType,
        /// Key type of the resolved method.
        got: KeyType,
    },
    /// The method's controller is not the presentation's `holder`.
    #[error("verification method {verification_method} is controlled by {controller}, not by the holder {holder}")]
    ControllerNotHolder {
        /// Method URL.
        verification_method: String,
        /// Its controller.
        controller: String,
        /// The presentation's holder.
        holder: String,
    },
    /// The proof's `challenge` is not the one the verifier expects (VC Data Integrity §2.1,
    /// `challenge`: replay protection), or the proof has none.
    #[error("proof challenge {found:?} is not the expected challenge {expected:?}")]
    ChallengeMismatch {
        /// Expected challenge.
        expected: String,
        /// Challenge found (`None`: the proof has no `challenge`).
        found: Option<String>,
    },
    /// The proof's `domain` (a string or an array, VC Data Integrity §2.1) does not include every
    /// domain the verifier expects, or the proof has none.
    #[error("proof domain {found:?} does not include the expected domain {expected:?}")]
    DomainMismatch {
        /// Expected domain(s).
        expected: Vec<String>,
        /// Domain(s) found.
        found: Vec<String>,
    },
    /// A `previousProof` id names no proof in the document.
    #[error("previousProof {0} not found in the document")]
    PreviousProofNotFound(String),
    /// The signature does not verify: the document or proof options were changed, or the wrong key signed.
    #[error("signature does not verify for {verification_method}")]
    SignatureMismatch {
        /// Method URL.
        verification_method: String,
    },
    /// The signer cannot make eddsa-rdfc-2022 proofs.
    #[error("eddsa-rdfc-2022 needs an Ed25519 signer, got {0}")]
    UnsupportedSigner(Algorithm),
    /// Signing failed.
    #[error(transparent)]
    Sign(#[from] SignError),
    /// Canonicalization failed (undefined term, unknown context, poison graph, ...).
    #[error("canonicalization failed: {0}")]
    Canonicalization(#[from] canon::CanonError),
}

/// Options of a new proof (VC Data Integrity §2.1). `created` is a parameter: the library never reads the clock.
#[derive(Debug, Clone)]
pub struct ProofOptions {
    /// `created`, written with second precision in UTC (`2023-02-24T23:36:38Z`).
    pub created: DateTime<Utc>,
    /// `verificationMethod`; defaults to the signer's key id.
    pub verification_method: Option<String>,
    /// `proofPurpose`; defaults to `assertionMethod`.
    pub proof_purpose: Option<String>,
    /// Optional proof `id` (needed to be referenced by a later chained proof).
    pub id: Option<String>,
    /// `previousProof` ids: makes the new proof part of a chain (§4.3).
    pub previous_proof: Vec<String>,
    /// `challenge` (presentations: the verifier's nonce).
    pub challenge: Option<String>,
    /// `domain`: one entry is written as a string, several as an array (presentations: the
    /// verifier's domain(s)).
    pub domain: Vec<String>,
}

impl ProofOptions {
    /// Options with `created` only.
    pub fn new(created: DateTime<Utc>) -> Self {
        Self {
            created,
            verification_method: None,
            proof_purpose: None,
            id: None,
            previous_proof: Vec::new(),
            challenge: None,
            domain: Vec::new(),
        }
    }

    /// Options of a presentation's proof: purpose `authentication`, with `challenge` and
    /// `domain` (VC Data Integrity §2.1; VC-API presentations).
    pub fn authentication(
        created: DateTime<Utc>,
        challenge: Option<String>,
        domain: Vec<String>,
    ) -> Self {
        Self {
            proof_purpose: Some(AUTHENTICATION.to_string()),
            challenge,
            domain,
            ..Self::new(created)
        }
    }
}

/// Verification policy.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Require each method's controller to equal the document's `issuer` (`issuer` or `issuer.id`)
    /// when the document has one. On by default; the W3C vectors (issuer `https://vc.example/...`
    /// signed with did:key) are verified with it off.
    pub require_issuer_controller: bool,
    /// Required `proofPurpose`.
    pub expected_proof_purpose: String,
    /// Required `challenge` of every proof (`None`: not checked).
    pub expected_challenge: Option<String>,
    /// Domains every proof's `domain` must include (empty: not checked).
    pub expected_domain: Vec<String>,
    /// Required controller of every proof's method (a presentation's `holder`; `None`: not
    /// checked).
    pub expected_holder: Option<String>,
    /// The hash of the canonical document without its proofs (§3.3.5 "hashing"), as the signer
    /// of an unchained proof computed it ([`sign_owned_hashed`]), taken instead of
    /// canonicalising the document again. Only for a document whose signer is known to have
    /// signed exactly it (the issuer checking what it has just signed, issue #18): with a hash
    /// of another document the proof check would say nothing about this one. `None` (default):
    /// computed from the document.
    pub document_hash: Option<[u8; 32]>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            require_issuer_controller: true,
            expected_proof_purpose: ASSERTION_METHOD.to_string(),
            expected_challenge: None,
            expected_domain: Vec::new(),
            expected_holder: None,
            document_hash: None,
        }
    }
}

impl VerifyOptions {
    /// The policy of a presentation's proofs: purpose `authentication`, `challenge` and `domain`
    /// as given, each method controlled by `holder` when there is one.
    pub fn authentication(
        challenge: Option<String>,
        domain: Vec<String>,
        holder: Option<String>,
    ) -> Self {
        Self {
            require_issuer_controller: false,
            expected_proof_purpose: AUTHENTICATION.to_string(),
            expected_challenge: challenge,
            expected_domain: domain,
            expected_holder: holder,
            document_hash: None,
        }
    }
}

/// Proof member `name` as a list of strings: absent is none, a string is one, an array of
/// strings several (`domain`, VC Data Integrity §2.1; `previousProof`, §2.1.2).
fn strings_of(proof: &Map<String, Value>, name: &str) -> Result<Vec<String>, ProofError> {
    match proof.get(name) {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| {
                v.as_str().map(str::to_string).ok_or_else(|| {
                    ProofError::MalformedProof(format!("{name} entry is not a string"))
                })
            })
            .collect(),
        Some(_) => Err(ProofError::MalformedProof(format!(
            "{name} is neither a string nor an array"
        ))),
    }
}

/// `proof.domain` as a list: a string is one domain, an array of strings several.
fn domains_of(proof: &Map<String, Value>) -> Result<Vec<String>, ProofError> {
    strings_of(proof, "domain")
}

/// The `challenge` and `domain` rules of `opts` for one proof (VC Data Integrity §2.1).
fn check_challenge_and_domain(
    proof: &Map<String, Value>,
    opts: &VerifyOptions,
) -> Result<(), ProofError> {
    let challenge = match proof.get("challenge") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            return Err(ProofError::MalformedProof(
                "challenge is not a string".into(),
            ))
        }
    };
    if let Some(expected) = &opts.expected_challenge {
        if challenge.as_deref() != Some(expected.as_str()) {
            return Err(ProofError::ChallengeMismatch {
                expected: expected.clone(),
                found: challenge,
            });
        }
    }
    let found = domains_of(proof)?;
    if !opts.expected_domain.iter().all(|d| found.contains(d)) {
        return Err(ProofError::DomainMismatch {
            expected: opts.expected_domain.clone(),
            found,
        });
    }
    Ok(())
}

/// One verified proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedProof {
    /// Proof `id`, if any.
    pub id: Option<String>,
    /// `verificationMethod`.
    pub verification_method: String,
    /// Its controller, from the resolver.
    pub controller: String,
    /// `created`, as written.
    pub created: Option<String>,
    /// `proofPurpose`.
    pub proof_purpose: String,
    /// `previousProof` ids.
    pub previous_proof: Vec<String>,
    /// The proof's suite (`eddsa-rdfc-2022`, `Ed25519Signature2020` or `ecdsa-rdfc-2019`).
    pub suite: crate::suites::Suite,
}

/// The intermediate values of eddsa-rdfc-2022 (for test vectors and diagnostics).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningInput {
    /// Canonical N-Quads of the document without proof.
    pub canonical_document: String,
    /// Canonical N-Quads of the proof configuration.
    pub canonical_proof_config: String,
    /// SHA-256(canonical proof configuration) ‖ SHA-256(canonical document): the signed bytes.
    pub hash_data: [u8; 64],
}

/// SHA-256(canonical proof configuration) ‖ SHA-256(canonical document) (§3.3.4).
pub fn hash_data(canonical_proof_config: &str, canonical_document: &str) -> [u8; 64] {
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&Sha256::digest(canonical_proof_config.as_bytes()));
    out[32..].copy_from_slice(&Sha256::digest(canonical_document.as_bytes()));
    out
}

/// The proof configuration (§3.3.5): `proof` without `proofValue`, with `@context` = the document's.
pub fn proof_configuration(proof: &Map<String, Value>, document_context: Option<&Value>) -> Value {
    let mut config = proof.clone();
    config.remove("proofValue");
    config.remove("@context");
    if let Some(ctx) = document_context {
        config.insert("@context".into(), ctx.clone());
    }
    Value::Object(config)
}

/// Canonicalizes `unsecured_document` and `proof_config` and hashes them (§3.3.3–3.3.5).
pub fn signing_input(
    unsecured_document: &Value,
    proof_config: &Value,
) -> Result<SigningInput, ProofError> {
    let canonical_document = canon::canonicalize(unsecured_document)?;
    let canonical_proof_config = canon::canonicalize(proof_config)?;
    let hash_data = hash_data(&canonical_proof_config, &canonical_document);
    Ok(SigningInput {
        canonical_document,
        canonical_proof_config,
        hash_data,
    })
}

fn is_vc_v1(context: &Value) -> bool {
    match context {
        Value::String(s) => s == contexts::urls::VC_V1,
        Value::Array(list) => list.first().and_then(Value::as_str) == Some(contexts::urls::VC_V1),
        _ => false,
    }
}

fn context_contains(context: &Value, url: &str) -> bool {
    match context {
        Value::String(s) => s == url,
        Value::Array(list) => list.iter().any(|c| c.as_str() == Some(url)),
        _ => false,
    }
}

/// Appends the Data Integrity v2 context to a VC 1.1 document's `@context` if absent (JS stack behaviour).
pub fn ensure_data_integrity_context(document: &mut Map<String, Value>) {
    if let Some(c) = with_data_integrity_context(document.get("@context")) {
        document.insert("@context".into(), c);
    }
}

fn proofs_of(document: &Map<String, Value>) -> Vec<Value> {
    match document.get("proof") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list.clone(),
        Some(other) => vec![other.clone()],
    }
}

fn previous_proof_ids(proof: &Map<String, Value>) -> Result<Vec<String>, ProofError> {
    strings_of(proof, "previousProof")
}

/// The previous proofs a chained proof names (VC Data Integrity §4.3 step 5 / §4.5 step 2.3), as
/// the `proof` member of the document it covers; `None` for an unchained proof.
fn chained_proofs(all_proofs: &[Value], previous: &[String]) -> Result<Option<Value>, ProofError> {
    if previous.is_empty() {
        return Ok(None);
    }
    let mut matching = Vec::with_capacity(previous.len());
    for id in previous {
        let p = all_proofs
            .iter()
            .find(|p| p.get("id").and_then(Value::as_str) == Some(id.as_str()))
            .ok_or_else(|| ProofError::PreviousProofNotFound(id.clone()))?;
        matching.push(p.clone());
    }
    Ok(Some(Value::Array(matching)))
}

/// SHA-256 of the canonical form of the document a proof covers: `document` without its `proof`
/// (or with `proof` = the chained previous proofs), with `@context` replaced when given. Works on
/// a view of the document ([`canon::DocumentView`]), so nothing is copied.
fn covered_document_hash(
    document: &Map<String, Value>,
    context: Option<&Value>,
    chained: Option<&Value>,
) -> Result<[u8; 32], ProofError> {
    let mut replace: Vec<(&str, &Value)> = Vec::with_capacity(2);
    if let Some(c) = context {
        replace.push(("@context", c));
    }
    let omit: &[&str] = match chained {
        Some(p) => {
            replace.push(("proof", p));
            &[]
        }
        None => &["proof"],
    };
    Ok(canon::canonical_sha256(canon::DocumentView {
        base: document,
        omit,
        replace: &replace,
    })?)
}

/// SHA-256 of the canonical proof configuration (§3.3.4 step 1).
fn config_hash(config: &Value) -> Result<[u8; 32], ProofError> {
    let map = config.as_object().ok_or(ProofError::NotAnObject)?;
    Ok(canon::canonical_sha256(canon::DocumentView {
        base: map,
        omit: &[],
        replace: &[],
    })?)
}

/// `secured` without its Data Integrity proof(s): the credential as it was before [`sign`], for
/// the other securing forms (JAdES, VC-JWT) of the same credential. Removes `proof` and, for a VC
/// 1.1 document, the Data Integrity v2 context when it is the last `@context` entry (where
/// [`sign`] appends it). A `@context` that was one string before signing comes back as a
/// one-element array; a VC 1.1 document that listed the Data Integrity context last itself loses
/// it (its terms are used by the proof only).
pub fn without_proof(secured: &Map<String, Value>) -> Map<String, Value> {
    let mut unsecured = Map::with_capacity(secured.len());
    for (k, v) in secured {
        if k == "proof" {
            continue;
        }
        if k == "@context" && ends_with_appended_context(v) {
            if let Value::Array(list) = v {
                let without_last = list.split_last().map(|(_, init)| init.to_vec());
                unsecured.insert(k.clone(), Value::Array(without_last.unwrap_or_default()));
                continue;
            }
        }
        unsecured.insert(k.clone(), v.clone());
    }
    unsecured
}

/// Whether `context` is a VC 1.1 `@context` array whose last entry is the Data Integrity v2
/// context [`sign`] appends (and [`without_proof`] / [`with_unsecured`] take away).
fn ends_with_appended_context(context: &Value) -> bool {
    is_vc_v1(context)
        && matches!(context, Value::Array(list) if list.len() > 1 && list.last().and_then(Value::as_str) == Some(contexts::urls::DATA_INTEGRITY_V2))
}

/// Runs `f` on `secured` as [`without_proof`] gives it, without copying the document: the proof
/// and the appended Data Integrity context are taken out in place for the call and put back
/// afterwards at the positions they had, so `secured` is left exactly as it was (member order
/// included). For issuers that check the other securing forms of a credential they just signed.
pub fn with_unsecured<R>(secured: &mut Value, f: impl FnOnce(&Value) -> R) -> R {
    let Value::Object(map) = secured else {
        return f(secured);
    };
    let proof = map
        .keys()
        .position(|k| k == "proof")
        .and_then(|at| Some((at, map.shift_remove("proof")?)));
    let context = match map.get_mut("@context") {
        Some(v @ Value::Array(_)) if ends_with_appended_context(v) => {
            v.as_array_mut().and_then(Vec::pop)
        }
        _ => None,
    };
    let result = f(secured);
    if let Value::Object(map) = secured {
        if let (Some(c), Some(Value::Array(list))) = (context, map.get_mut("@context")) {
            list.push(c);
        }
        if let Some((at, p)) = proof {
            map.shift_insert(at, "proof".to_owned(), p);
        }
    }
    result
}

/// Whether `value`'s compact JSON serialisation (`serde_json::to_vec`) is exactly `bytes`,
/// found by comparing as it serialises: no copy of the text is made, and it stops at the first
/// byte that differs. Used to recognise a sealed or signed payload as a credential in hand
/// without parsing the payload.
pub fn serializes_to<T: serde::Serialize + ?Sized>(value: &T, bytes: &[u8]) -> bool {
    struct Compare<'a> {
        rest: &'a [u8],
    }
    impl std::io::Write for Compare<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            match self.rest.strip_prefix(buf) {
                Some(rest) => {
                    self.rest = rest;
                    Ok(buf.len())
                }
                None => Err(std::io::Error::other("differs")),
            }
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut compare = Compare { rest: bytes };
    serde_json::to_writer(&mut compare, value).is_ok() && compare.rest.is_empty()
}

/// The `@context` of a VC 1.1 document with the Data Integrity v2 context appended, when it must
/// be added (JS stack behaviour); `None` when the document's context stays as it is.
fn with_data_integrity_context(context: Option<&Value>) -> Option<Value> {
    let ctx = context?;
    if !is_vc_v1(ctx) || context_contains(ctx, contexts::urls::DATA_INTEGRITY_V2) {
        return None;
    }
    let di = Value::String(contexts::urls::DATA_INTEGRITY_V2.to_string());
    Some(match ctx {
        Value::Array(list) => {
            let mut list = list.clone();
            list.push(di);
            Value::Array(list)
        }
        other => Value::Array(vec![other.clone(), di]),
    })
}

/// Adds an `eddsa-rdfc-2022` `DataIntegrityProof` to `document` (§4.2, or §4.3 when the document
/// already has proofs: the new proof joins the set, and chains to `opts.previous_proof`).
///
/// Copies the document once for the result; [`sign_owned`] signs a document the caller gives
/// away and copies nothing.
pub fn sign(
    document: &Value,
    signer: &dyn Signer,
    opts: &ProofOptions,
) -> Result<Value, ProofError> {
    if !document.is_object() {
        return Err(ProofError::NotAnObject);
    }
    sign_owned(document.clone(), signer, opts)
}

/// [`sign`] for a document the caller hands over (the issuer's path): the proof is computed over a
/// view of the document and then added to it in place.
pub fn sign_owned(
    document: Value,
    signer: &dyn Signer,
    opts: &ProofOptions,
) -> Result<Value, ProofError> {
    sign_owned_hashed(document, signer, opts).map(|(signed, _)| signed)
}

/// [`sign_owned`], with the hash of the canonical document it signed when the new proof is not
/// chained (`None` for a chained one): what [`VerifyOptions::document_hash`] takes.
pub fn sign_owned_hashed(
    document: Value,
    signer: &dyn Signer,
    opts: &ProofOptions,
) -> Result<(Value, Option<[u8; 32]>), ProofError> {
    if signer.algorithm() != Algorithm::EdDsa {
        return Err(ProofError::UnsupportedSigner(signer.algorithm()));
    }
    let Value::Object(mut map) = document else {
        return Err(ProofError::NotAnObject);
    };
    let existing = proofs_of(&map);
    let new_context = with_data_integrity_context(map.get("@context"));

    let mut proof = Map::new();
    proof.insert("type".into(), PROOF_TYPE.into());
    if let Some(id) = &opts.id {
        proof.insert("id".into(), id.clone().into());
    }
    proof.insert("cryptosuite".into(), CRYPTOSUITE.into());
    proof.insert(
        "created".into(),
        opts.created
            .to_rfc3339_opts(SecondsFormat::Secs, true)
            .into(),
    );
    proof.insert(
        "verificationMethod".into(),
        opts.verification_method
            .clone()
            .unwrap_or_else(|| signer.key_id().to_string())
            .into(),
    );
    proof.insert(
        "proofPurpose".into(),
        opts.proof_purpose
            .clone()
            .unwrap_or_else(|| ASSERTION_METHOD.to_string())
            .into(),
    );
    if let Some(c) = &opts.challenge {
        proof.insert("challenge".into(), c.clone().into());
    }
    match opts.domain.as_slice() {
        [] => {}
        [one] => {
            proof.insert("domain".into(), one.clone().into());
        }
        many => {
            proof.insert("domain".into(), many.to_vec().into());
        }
    }
    match opts.previous_proof.as_slice() {
        [] => {}
        [one] => {
            proof.insert("previousProof".into(), one.clone().into());
        }
        many => {
            proof.insert("previousProof".into(), many.to_vec().into());
        }
    }

    let chained = chained_proofs(&existing, &opts.previous_proof)?;
    let context = new_context.as_ref().or_else(|| map.get("@context"));
    let config = proof_configuration(&proof, context);
    let doc_hash = covered_document_hash(&map, new_context.as_ref(), chained.as_ref())?;
    let mut data = [0u8; 64];
    data[..32].copy_from_slice(&config_hash(&config)?);
    data[32..].copy_from_slice(&doc_hash);
    let signature = signer.sign(&data)?;
    proof.insert(
        "proofValue".into(),
        encode_multibase_base58btc(&signature).into(),
    );

    if let Some(c) = new_context {
        map.insert("@context".into(), c);
    }
    let new_proof = Value::Object(proof);
    if existing.is_empty() {
        map.insert("proof".into(), new_proof);
    } else {
        let mut all = existing;
        all.push(new_proof);
        map.insert("proof".into(), Value::Array(all));
    }
    Ok((Value::Object(map), chained.is_none().then_some(doc_hash)))
}

/// Verification compatibility with jsonld.js (issue #15): a copy of `document` in which every
/// item of the top-level `@context` that is a map whose ONLY member is `@context` is replaced by
/// that member's value (repeatedly); `None` when there is no such item.
///
/// Such an item is not a valid JSON-LD 1.1 local context (Processing Algorithms §4.1.2 step 5
/// hands `@context` to Create Term Definition, which refuses a keyword, §4.2.2: "keyword
/// redefinition"), but jsonld.js (and pyld, its port) unwrap a context map's `@context` member,
/// the JSON-LD 1.0 context-document shape, and the W3C `vc-di-eddsa` suite's `previousProof`
/// vectors are signed that way. Unwrapping gives exactly the RDF those processors signed, and a
/// strict processor refuses the input, so no processor reads another meaning into it. Only
/// verifiers use this: the issuer signs nothing but valid JSON-LD 1.1 (its canonicalization
/// refuses the shape). A map with other members next to `@context` is not unwrapped (jsonld.js
/// would silently drop them) and stays an error.
pub fn unwrap_wrapped_contexts(document: &Value) -> Option<Value> {
    fn unwrap_item(item: &Value) -> Option<Value> {
        let mut current = item;
        let mut changed = false;
        while let Some(inner) = current
            .as_object()
            .filter(|m| m.len() == 1)
            .and_then(|m| m.get("@context"))
        {
            current = inner;
            changed = true;
        }
        changed.then(|| current.clone())
    }
    let context = document.as_object()?.get("@context")?;
    let replaced = match context {
        Value::Array(items) => {
            let mut any = false;
            let items: Vec<Value> = items
                .iter()
                .map(|item| match unwrap_item(item) {
                    Some(v) => {
                        any = true;
                        v
                    }
                    None => item.clone(),
                })
                .collect();
            if !any {
                return None;
            }
            Value::Array(items)
        }
        other => unwrap_item(other)?,
    };
    let mut copy = document.clone();
    if let Some(map) = copy.as_object_mut() {
        map.insert("@context".into(), replaced);
    }
    Some(copy)
}

/// The issuer id of a credential: `issuer` as a string or `issuer.id`.
pub fn issuer_of(document: &Map<String, Value>) -> Option<&str> {
    match document.get("issuer")? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id")?.as_str(),
        _ => None,
    }
}

/// Verifies every proof of `document` with the default policy (issuer must control each key).
pub fn verify(
    document: &Value,
    resolver: &dyn KeyResolver,
) -> Result<Vec<VerifiedProof>, ProofError> {
    verify_with(document, resolver, &VerifyOptions::default())
}

/// Parses `bytes` and verifies every proof (the verifier's path from a received file).
pub fn verify_bytes(
    bytes: &[u8],
    resolver: &dyn KeyResolver,
) -> Result<Vec<VerifiedProof>, ProofError> {
    let document: Value =
        strict_json::from_slice(bytes).map_err(|e| ProofError::InvalidJson(e.to_string()))?;
    verify(&document, resolver)
}

/// Verifies every proof of `document` (proof sets and chains, §4.5) under `opts`.
///
/// Every proof is verified, a chained proof after the proofs its `previousProof` names (each of
/// which must be in the set: [`ProofError::PreviousProofNotFound`]; a cycle is malformed). With
/// [`VerifyOptions::require_issuer_controller`], at least one proof must be by the document's
/// issuer (its method controlled by `issuer`); proofs by other parties (a co-signer, an endorsing
/// alliance) must verify too and are returned, their `controller` naming who they are by.
pub fn verify_with(
    document: &Value,
    resolver: &dyn KeyResolver,
    opts: &VerifyOptions,
) -> Result<Vec<VerifiedProof>, ProofError> {
    let doc = document.as_object().ok_or(ProofError::NotAnObject)?;
    let all_proofs = proofs_of(doc);
    if all_proofs.is_empty() {
        return Err(ProofError::NoProof);
    }
    let order = chain_order(&all_proofs)?;
    // The canonical document of unchained proofs is the same for all of them: compute it once.
    let mut unchained_doc_hash: Option<[u8; 32]> = opts.document_hash;
    let mut verified = Vec::with_capacity(all_proofs.len());
    for i in order {
        let proof_value = all_proofs
            .get(i)
            .ok_or_else(|| ProofError::MalformedProof("proof index out of range".into()))?;
        verified.push(verify_one(
            doc,
            proof_value,
            &all_proofs,
            resolver,
            opts,
            &mut unchained_doc_hash,
        )?);
    }
    if opts.require_issuer_controller {
        if let Some(issuer) = issuer_of(doc) {
            if !verified.iter().any(|p| p.controller == issuer) {
                let first = verified.first().ok_or(ProofError::NoProof)?;
                return Err(ProofError::ControllerNotIssuer {
                    verification_method: first.verification_method.clone(),
                    controller: first.controller.clone(),
                    issuer: issuer.into(),
                });
            }
        }
    }
    Ok(verified)
}

/// The order proofs are verified in (VC Data Integrity §4.5 step 2): document order, except that
/// a proof comes after every proof its `previousProof` names. Errors: an id naming no proof of the
/// set, a `previousProof` that is not a string or a list of strings, a cycle.
fn chain_order(all_proofs: &[Value]) -> Result<Vec<usize>, ProofError> {
    use std::collections::{HashMap, VecDeque};
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (i, p) in all_proofs.iter().enumerate() {
        if let Some(id) = p.get("id").and_then(Value::as_str) {
            by_id.entry(id).or_insert(i);
        }
    }
    let n = all_proofs.len();
    let mut waiting_on = vec![0usize; n];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, p) in all_proofs.iter().enumerate() {
        let Some(map) = p.as_object() else { continue };
        for prev in previous_proof_ids(map)? {
            let j = *by_id
                .get(prev.as_str())
                .ok_or_else(|| ProofError::PreviousProofNotFound(prev.clone()))?;
            if let (Some(w), Some(d)) = (waiting_on.get_mut(i), dependents.get_mut(j)) {
                *w += 1;
                d.push(i);
            }
        }
    }
    let mut ready: VecDeque<usize> = (0..n).filter(|&i| waiting_on.get(i) == Some(&0)).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_front() {
        order.push(i);
        for &d in dependents.get(i).map(Vec::as_slice).unwrap_or_default() {
            if let Some(w) = waiting_on.get_mut(d) {
                *w = w.saturating_sub(1);
                if *w == 0 {
                    ready.push_back(d);
                }
            }
        }
    }
    if order.len() < n {
        return Err(ProofError::MalformedProof(
            "previousProof: the proofs' previousProof references form a cycle".into(),
        ));
    }
    Ok(order)
}

/// Verifies one proof of a set (§4.4): suite, purpose, challenge and domain, method resolution,
/// holder binding, and the signature over the document carrying the proofs it chains to.
fn verify_one(
    doc: &Map<String, Value>,
    proof_value: &Value,
    all_proofs: &[Value],
    resolver: &dyn KeyResolver,
    opts: &VerifyOptions,
    unchained_doc_hash: &mut Option<[u8; 32]>,
) -> Result<VerifiedProof, ProofError> {
    let context = doc.get("@context");
    let proof = proof_value
        .as_object()
        .ok_or_else(|| ProofError::MalformedProof("proof is not an object".into()))?;
    let str_member = |name: &str| -> Result<&str, ProofError> {
        proof
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| ProofError::MalformedProof(format!("no string {name}")))
    };
    // eddsa-rdfc-2022, or the verification-only Ed25519Signature2020 / ecdsa-rdfc-2019.
    let suite = crate::suites::Suite::of(proof)?;
    let purpose = str_member("proofPurpose")?;
    if purpose != opts.expected_proof_purpose {
        return Err(ProofError::ProofPurposeMismatch {
            expected: opts.expected_proof_purpose.clone(),
            found: purpose.into(),
        });
    }
    check_challenge_and_domain(proof, opts)?;
    let method_id = str_member("verificationMethod")?;
    let created = match proof.get("created") {
        None => None,
        Some(Value::String(s)) => {
            DateTime::parse_from_rfc3339(s)
                .map_err(|e| ProofError::MalformedProof(format!("created {s:?}: {e}")))?;
            Some(s.clone())
        }
        Some(_) => return Err(ProofError::MalformedProof("created is not a string".into())),
    };
    // A proof that states its own @context must agree with the document's (§3.3.2 step 3).
    if let Some(pctx) = proof.get("@context") {
        let doc_ctx: Vec<&Value> = match context {
            Some(Value::Array(l)) => l.iter().collect(),
            Some(v) => vec![v],
            None => Vec::new(),
        };
        let proof_ctx: Vec<&Value> = match pctx {
            Value::Array(l) => l.iter().collect(),
            v => vec![v],
        };
        if !doc_ctx.starts_with(&proof_ctx) {
            return Err(ProofError::MalformedProof(
                "proof @context does not match the document's".into(),
            ));
        }
    }
    let signature = decode_multibase_base58btc(str_member("proofValue")?)
        .map_err(|e| ProofError::MalformedProofValue(e.to_string()))?;
    suite.check_signature_len(&signature)?;
    let previous = previous_proof_ids(proof)?;

    // The relationship the purpose needs in the controller's DID document (DID Core §5.3).
    let relationship = if purpose == AUTHENTICATION {
        AUTHENTICATION
    } else {
        ASSERTION_METHOD
    };
    let method = resolver
        .resolve_for(method_id, relationship)
        .map_err(|source| ProofError::KeyNotFound {
            verification_method: method_id.into(),
            source,
        })?;
    if let Some(holder) = &opts.expected_holder {
        if &method.controller != holder {
            return Err(ProofError::ControllerNotHolder {
                verification_method: method_id.into(),
                controller: method.controller,
                holder: holder.clone(),
            });
        }
    }
    suite.check_key(&method.public_key)?;

    let config = proof_configuration(proof, context);
    let config_digest = config_hash(&config)?;
    let doc_hash: [u8; 32] = match chained_proofs(all_proofs, &previous)? {
        None => match *unchained_doc_hash {
            Some(h) => h,
            None => {
                let h = covered_document_hash(doc, None, None)?;
                *unchained_doc_hash = Some(h);
                h
            }
        },
        Some(chained) => covered_document_hash(doc, None, Some(&chained))?,
    };
    let mut data = [0u8; 64];
    data[..32].copy_from_slice(&config_digest);
    data[32..].copy_from_slice(&doc_hash);
    suite.verify_signature(&method.public_key, &data, &signature, method_id)?;
    Ok(VerifiedProof {
        id: proof.get("id").and_then(Value::as_str).map(str::to_string),
        verification_method: method_id.into(),
        controller: method.controller,
        created,
        proof_purpose: purpose.into(),
        previous_proof: previous,
        suite,
    })
}
