//! `verify`: detect how a credential is secured, run the checks the policy selects, derive the
//! verdict (VC Data Model 2.0 §7.1 "Verification"; the W3C VC-API `POST /credentials/verify`
//! response's `checks` / `errors`).
//!
//! Formats detected:
//! - JSON-LD credential (VC 1.1 or 2.0, EDC or generic) with Data Integrity proof(s): VC Data
//!   Integrity §4.4 / §4.5, `eddsa-rdfc-2022` ([`proofs::data_integrity::verify`]);
//! - the same wrapped for upload (`{"credential": {...}}`) or in a VC-API request
//!   (`{"verifiableCredential": {...}}`);
//! - a JAdES-sealed EDC, in both serializations the EU's tools produce: JWS JSON (general or
//!   flattened, with `payload`) and compact JWS (a protected header with `x5c` and no JWT `typ`):
//!   ETSI TS 119 182-1 ([`proofs::jades::verify_value`], [`proofs::jades::verify_compact`]), the
//!   seal's organisation and organisationIdentifier reported;
//! - any of these inside the EDC upload wrapper (`{"credential": ...}`, the form of the EU's
//!   `*-uploadable.json` samples that the Europass wallet and EDC viewer accept);
//! - a compact `application/vc+jwt` (VC-JOSE-COSE §3.1.1, [`proofs::vc_jwt::verify`]).
//! - an SD-JWT VC, `<JWT>~<Disclosures>~[<KB-JWT>]` (issue #16, [`crate::sd_jwt_vc`]).
//!
//! The report keeps "intact, sealed/signed by X" (the proof check, [`Report::signer`]) apart from
//! "X is on the trust sources this service uses" (the trust check): a verified signer on none of
//! them is `unknown` ([`CheckStatus::Unknown`]), not a failure (issue #14). A JAdES seal covers the
//! payload bytes, so the format check treats members its contexts do not define as warnings
//! ([`format::Coverage::Bytes`]); under a Data Integrity proof they stay errors.
//!
//! Keys come from did:key, the trust registry's DID documents (offline), did:web over guarded
//! https ([`crate::resolve`]), or the seal's `x5c` chain. Input is parsed by serde_json, whose
//! recursion limit (128) turns absurd nesting into an error, not a stack overflow; a caller-built
//! [`Value`] is depth-checked before any processing.
//!
//! Resource bounds (issue #13): input over [`Policy::max_credential_bytes`] is not parsed, and a
//! credential over the [`Policy::budget`] caps (JSON values, blank nodes; [`canon::budget`]) is
//! not processed: both are "could not check" (`error`, verdict `indeterminate`), not "invalid",
//! because the limits are this verifier's resource policy, not a rule a credential breaks (a
//! verifier with larger limits may check it). The did:web documents and status lists a
//! verification needs are fetched concurrently, first, under one deadline
//! ([`Policy::verification_deadline`], [`crate::fetch::Session`]).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use proofs::certs::{CertificateInfo, TrustStatus};
use proofs::data_integrity::ProofError;
use proofs::did::ResolveError;
use proofs::jades::SealReport;
use proofs::vc_jwt::VcJwtError;
use serde_json::Value;

use crate::awarding::{self, Signer};
use crate::clock::Clock;
use crate::fetch::Session;
use crate::policy::Policy;
use crate::registry::Member;
use crate::report::{CheckKind, CheckResult, CheckStatus, Report, SignerIdentity, SignerKind};
use crate::{format, resolve, revocation, validity};

/// Deepest JSON nesting accepted (serde_json's own parser limit).
pub const MAX_DEPTH: usize = 128;

/// How the credential is secured.
enum Securing<'a> {
    /// JSON-LD credential; Data Integrity proofs, if any, with the hash of its canonical form
    /// when its signer gave it ([`verify_signed_credential`]).
    DataIntegrity(Option<[u8; 32]>),
    /// JAdES seal; the envelope.
    Jades(Envelope<'a>),
    /// Compact VC-JWT.
    Jwt(String),
}

/// A JAdES seal as received.
enum Envelope<'a> {
    /// JWS JSON serialization (general or flattened).
    Json(&'a Value),
    /// Compact serialization.
    Compact(String),
}

/// What the proof check established about the signer.
pub(crate) enum Identity {
    None,
    /// Verified controller DID of the proof(s) / JWT key.
    Did(String),
    /// Verified seal.
    Seal(Box<SealReport>),
}

/// Verifies a credential given as bytes (JSON, or a compact VC-JWT).
pub fn verify(input: &[u8], policy: &Policy, clock: &dyn Clock) -> Report {
    if input.len() > policy.max_credential_bytes {
        return over_budget(
            policy,
            format!(
                "the credential is {} bytes, more than this verifier reads ({} bytes, limit max_credential_bytes)",
                input.len(),
                policy.max_credential_bytes
            ),
        );
    }
    let trimmed = input.trim_ascii();
    if trimmed.is_empty() {
        return unreadable(policy, "empty input".into());
    }
    if looks_like_jwt(trimmed) {
        let jwt = String::from_utf8_lossy(trimmed).into_owned();
        return verify_compact(jwt, policy, clock);
    }
    if crate::sd_jwt_vc::looks_like_sd_jwt(trimmed) {
        // issue #16: an SD-JWT VC (`<JWT>~<Disclosures>~[<KB-JWT>]`), Key Binding optional.
        let sd = String::from_utf8_lossy(trimmed);
        let options = crate::sd_jwt_vc::SdJwtVcOptions::default();
        return crate::sd_jwt_vc::verify_sd_jwt_vc(&sd, &options, policy, clock);
    }
    match strict_json::from_slice(trimmed) {
        Ok(v) => verify_json(&v, policy, clock),
        Err(e @ strict_json::Error::DuplicateMember { .. }) => {
            unreadable(policy, format!("not strict JSON: {e}"))
        }
        Err(e) => unreadable(policy, format!("not JSON: {e}")),
    }
}

/// Verifies a JSON-LD credential with Data Integrity proof(s) that the caller has just signed,
/// taking `document_hash`, the hash of its canonical form without proofs as the signer computed
/// it (`proofs::data_integrity::sign_owned_hashed`), instead of canonicalising it again: the
/// issuer's check before it stores what it issued (issue #18; canonicalising the same value with
/// the same code can only give the same hash, and was a twentieth of issuing a credential).
/// Every other check runs as in [`verify_json`], the signature is verified over that hash with
/// the key the trust registry's DID document gives. Never for a credential from elsewhere: with
/// a hash of another document the proof check says nothing about this one.
pub fn verify_signed_credential(
    credential: &Value,
    document_hash: [u8; 32],
    policy: &Policy,
    clock: &dyn Clock,
) -> Report {
    if depth_exceeds(credential, MAX_DEPTH) {
        return unreadable(
            policy,
            format!("JSON nested deeper than {MAX_DEPTH} levels"),
        );
    }
    run(
        credential,
        Securing::DataIntegrity(Some(document_hash)),
        policy,
        clock,
    )
}

/// Verifies a credential given as parsed JSON.
pub fn verify_json(value: &Value, policy: &Policy, clock: &dyn Clock) -> Report {
    if depth_exceeds(value, MAX_DEPTH) {
        return unreadable(
            policy,
            format!("JSON nested deeper than {MAX_DEPTH} levels"),
        );
    }
    match value {
        Value::String(s) if looks_like_jwt(s.trim().as_bytes()) => {
            verify_compact(s.trim().to_string(), policy, clock)
        }
        Value::String(s) if crate::sd_jwt_vc::looks_like_sd_jwt(s.as_bytes()) => {
            let options = crate::sd_jwt_vc::SdJwtVcOptions::default();
            crate::sd_jwt_vc::verify_sd_jwt_vc(s, &options, policy, clock)
        }
        Value::Object(o) => {
            if let Some(inner @ (Value::Object(_) | Value::String(_))) =
                o.get("verifiableCredential")
            {
                return verify_json(inner, policy, clock);
            }
            if o.get("payload").is_some_and(Value::is_string)
                && (o.contains_key("signatures") || o.contains_key("protected"))
            {
                let payload = o.get("payload").and_then(Value::as_str).unwrap_or_default();
                return match strict_json::from_str(payload) {
                    Ok(c) => run(&c, Securing::Jades(Envelope::Json(value)), policy, clock),
                    Err(e) => unreadable(
                        policy,
                        format!("the sealed payload is not strict JSON: {e}"),
                    ),
                };
            }
            if !o.contains_key("credentialSubject") {
                // The EDC upload wrapper: a credential, a JAdES envelope or a compact JWS.
                if let Some(inner @ (Value::Object(_) | Value::String(_))) = o.get("credential") {
                    return verify_json(inner, policy, clock);
                }
            }
            match proofs::data_integrity::unwrap_wrapped_contexts(value) {
                Some(unwrapped) => {
                    let mut report = run(&unwrapped, Securing::DataIntegrity(None), policy, clock);
                    report.warn(CheckKind::Format, wrapped_context_warning());
                    report
                }
                None => run(value, Securing::DataIntegrity(None), policy, clock),
            }
        }
        _ => unreadable(
            policy,
            "not a credential: expected a JSON object or a compact VC-JWT".into(),
        ),
    }
}

/// The `format` warning of a credential whose `@context` held `{"@context": ...}` items
/// ([`proofs::data_integrity::unwrap_wrapped_contexts`]).
fn wrapped_context_warning() -> crate::report::Warning {
    crate::report::Warning {
        code: "wrapped-context".into(),
        member: Some("@context".into()),
        path: Some("$['@context']".into()),
        message: "an @context item is a map whose only member is @context (the JSON-LD 1.0 context-document shape, not a valid JSON-LD 1.1 local context); it was unwrapped, as jsonld.js does, to verify the proof".into(),
    }
}

/// Verifies a JAdES seal (enveloping JWS JSON, `b64: false`) by a caller that holds the sealed
/// credential already parsed, as an issuer does right after sealing: `credential` stands in for
/// the envelope's `payload` only if its compact JSON serialisation is exactly the payload's bytes
/// (compared as it serialises, [`proofs::data_integrity::serializes_to`]); the seal's signature is
/// still verified over the payload bytes themselves. `None` when `credential` is not the payload:
/// the caller then verifies the envelope with [`verify_json`] (which parses the payload).
pub fn verify_sealed_credential(
    envelope: &Value,
    credential: &Value,
    policy: &Policy,
    clock: &dyn Clock,
) -> Option<Report> {
    let payload = envelope.get("payload").and_then(Value::as_str)?;
    // Depth first: the comparison serialises `credential` recursively.
    if depth_exceeds(envelope, MAX_DEPTH) || depth_exceeds(credential, MAX_DEPTH) {
        return Some(unreadable(
            policy,
            format!("JSON nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    if !proofs::data_integrity::serializes_to(credential, payload.as_bytes()) {
        return None;
    }
    Some(run(
        credential,
        Securing::Jades(Envelope::Json(envelope)),
        policy,
        clock,
    ))
}

fn looks_like_jwt(b: &[u8]) -> bool {
    b.starts_with(b"ey")
        && b.iter().filter(|c| **c == b'.').count() == 2
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'='))
}

fn depth_exceeds(v: &Value, max: usize) -> bool {
    let mut stack: Vec<(&Value, usize)> = vec![(v, 1)];
    while let Some((v, d)) = stack.pop() {
        if d > max {
            return true;
        }
        match v {
            Value::Array(a) => stack.extend(a.iter().map(|x| (x, d + 1))),
            Value::Object(o) => stack.extend(o.values().map(|x| (x, d + 1))),
            _ => {}
        }
    }
    false
}

/// A report for input that is not a credential at all: format failed, everything else skipped.
pub(crate) fn unreadable(policy: &Policy, why: String) -> Report {
    let mut checks = Vec::new();
    for kind in CheckKind::ALL {
        checks.push(
            if kind == CheckKind::Format || (kind == CheckKind::Proof && policy.runs(kind)) {
                CheckResult::failed(kind, why.clone())
            } else {
                CheckResult::skipped(kind, "input is not a readable credential")
            },
        );
    }
    if !policy.runs(CheckKind::Format) && !policy.runs(CheckKind::Proof) {
        // Nothing selected could even start: the input is still not valid.
        checks.retain(|c| c.check != CheckKind::Format);
        checks.push(CheckResult::failed(CheckKind::Format, why));
    }
    Report::from_checks(checks)
}

/// A report for a credential this verifier will not process (over a resource limit): format (and
/// proof, when selected) could not be checked, with `why`; everything else not run. The verdict
/// is `indeterminate`.
pub(crate) fn over_budget(policy: &Policy, why: String) -> Report {
    let checks = CheckKind::ALL
        .into_iter()
        .map(|kind| {
            if kind == CheckKind::Format || (kind == CheckKind::Proof && policy.runs(kind)) {
                CheckResult::error(kind, format!("not checked: {why}"))
            } else {
                CheckResult::skipped(
                    kind,
                    "not run: the credential exceeds this verifier's resource limits",
                )
            }
        })
        .collect();
    Report::from_checks(checks)
}

/// The verification methods a credential's proof check resolves (Data Integrity proofs'
/// `verificationMethod`s, a VC-JWT's `kid`).
fn proof_methods(credential: &Value, securing: &Securing<'_>) -> Vec<String> {
    match securing {
        Securing::Jades(_) => Vec::new(),
        Securing::Jwt(jwt) => jwt
            .split('.')
            .next()
            .and_then(|h| URL_SAFE_NO_PAD.decode(h.trim_end_matches('=')).ok())
            .and_then(|b| strict_json::from_slice(&b).ok())
            .and_then(|h| h.get("kid").and_then(Value::as_str).map(str::to_string))
            .into_iter()
            .collect(),
        Securing::DataIntegrity(_) => {
            let list: Vec<&Value> = match credential.get("proof") {
                Some(Value::Array(a)) => a.iter().collect(),
                Some(p @ Value::Object(_)) => vec![p],
                _ => Vec::new(),
            };
            list.iter()
                .filter_map(|p| {
                    p.get("verificationMethod")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .collect()
        }
    }
}

/// Fetches what the selected checks need, concurrently, in two rounds: the did:web documents of
/// the credential's proof and the status lists together, then the did:web documents of the
/// status lists' proofs (known only once the lists are in).
fn prefetch(
    credential: &Value,
    securing: &Securing<'_>,
    needs_identity: bool,
    policy: &Policy,
    session: &Session<'_>,
) {
    let mut reqs = Vec::new();
    if needs_identity {
        let methods = proof_methods(credential, securing);
        reqs.extend(resolve::requests(
            methods.iter().map(String::as_str),
            policy,
        ));
    }
    let revocation = policy.runs(CheckKind::Revocation);
    if revocation {
        reqs.extend(revocation::requests(credential, policy));
    }
    if reqs.is_empty() {
        return;
    }
    session.prefetch(reqs);
    if revocation {
        session.prefetch(revocation::list_requests(credential, policy, session));
    }
}

/// A compact JWS: a JAdES seal when its header says so ([`proofs::jades::is_compact_seal_header`]),
/// else a VC-JWT.
fn verify_compact(jws: String, policy: &Policy, clock: &dyn Clock) -> Report {
    let header = jws.split('.').next().unwrap_or_default();
    if !proofs::jades::is_compact_seal_header(header) {
        return verify_jwt(jws, policy, clock);
    }
    let payload = compact_payload(&jws);
    match payload.as_deref().map(strict_json::from_slice) {
        Some(Ok(c @ Value::Object(_))) => {
            run(&c, Securing::Jades(Envelope::Compact(jws)), policy, clock)
        }
        Some(Ok(_)) => unreadable(
            policy,
            "malformed compact JAdES seal: the payload is not a JSON object".into(),
        ),
        Some(Err(e)) => unreadable(
            policy,
            format!("malformed compact JAdES seal: the payload is not strict JSON: {e}"),
        ),
        None => unreadable(
            policy,
            "malformed compact JAdES seal: the payload is not base64url".into(),
        ),
    }
}

/// The payload bytes of a compact JWS (base64url-decoded unless the header says `b64: false`).
fn compact_payload(jws: &str) -> Option<Vec<u8>> {
    let mut parts = jws.split('.');
    let header = parts.next()?;
    let payload = parts.next()?;
    let unencoded = URL_SAFE_NO_PAD
        .decode(header.trim_end_matches('='))
        .ok()
        .and_then(|h| strict_json::from_slice(&h).ok())
        .and_then(|h: Value| h.get("b64").and_then(Value::as_bool))
        == Some(false);
    if unencoded {
        return Some(payload.as_bytes().to_vec());
    }
    URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()
}

fn verify_jwt(jwt: String, policy: &Policy, clock: &dyn Clock) -> Report {
    let payload = jwt.split('.').nth(1).unwrap_or_default();
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')) else {
        return unreadable(
            policy,
            "malformed VC-JWT: the payload is not base64url".into(),
        );
    };
    match strict_json::from_slice(&bytes) {
        Ok(c @ Value::Object(_)) => run(&c, Securing::Jwt(jwt), policy, clock),
        Ok(_) => unreadable(
            policy,
            "malformed VC-JWT: the payload is not a JSON object".into(),
        ),
        Err(e) => unreadable(
            policy,
            format!("malformed VC-JWT: the payload is not strict JSON: {e}"),
        ),
    }
}

fn issuer_id(v: &Value) -> Option<&str> {
    match v.get("issuer")? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id")?.as_str(),
        _ => None,
    }
}

fn run(credential: &Value, securing: Securing<'_>, policy: &Policy, clock: &dyn Clock) -> Report {
    if let Err(e) = canon::budget::measure(credential, &policy.budget) {
        return over_budget(policy, e.to_string());
    }
    let now = clock.now();
    let session = Session::new(policy, now);
    let mut checks = Vec::new();
    let needs_identity = policy.runs(CheckKind::Proof)
        || policy.runs(CheckKind::Trust)
        || policy.runs(CheckKind::AwardingBody);
    prefetch(credential, &securing, needs_identity, policy, &session);
    let (proof, identity) = if needs_identity {
        check_proof(credential, &securing, policy, &session, clock)
    } else {
        (
            CheckResult::skipped(CheckKind::Proof, "not selected"),
            Identity::None,
        )
    };
    let coverage = match securing {
        Securing::Jades(_) => format::Coverage::Bytes,
        Securing::DataIntegrity(_) | Securing::Jwt(_) => format::Coverage::Graph,
    };
    for kind in CheckKind::ALL {
        if !policy.runs(kind) {
            checks.push(CheckResult::skipped(kind, "not selected"));
            continue;
        }
        checks.push(match kind {
            CheckKind::Format => format::check(credential, coverage),
            CheckKind::Proof => proof.clone(),
            CheckKind::Expiry => validity::check(credential, now),
            CheckKind::Revocation => revocation::check(credential, policy, clock, &session),
            CheckKind::Trust => check_trust(credential, &identity, &proof, policy),
            CheckKind::AwardingBody => check_awarding(credential, &identity, &proof, policy),
        });
    }
    let signer = if proof.status == CheckStatus::Ok {
        signer_identity(&identity, policy)
    } else {
        None
    };
    Report::from_checks(checks)
        .with_advisory(&policy.advisory)
        .with_signer(signer)
}

/// The awarding-body check with what the proof established about the signer.
fn check_awarding(
    credential: &Value,
    identity: &Identity,
    proof: &CheckResult,
    policy: &Policy,
) -> CheckResult {
    let member = signer_member(credential, identity, policy);
    let issuer = issuer_id(credential).map(str::to_string);
    // A seal speaks for its holder: the issuer DID counts only if it is the holder's.
    let did = match (identity, member) {
        (Identity::Seal(_), Some(m)) => issuer.filter(|i| m.has_did(i)),
        (Identity::Seal(_), None) => None,
        _ => issuer,
    };
    let seal = match identity {
        Identity::Seal(rep) => Some(awarding::SealHolder {
            organisation: rep.signer.organisation.clone(),
            organisation_identifier: rep.signer.organisation_identifier.clone(),
        }),
        _ => None,
    };
    let signer = Signer {
        did,
        member,
        seal,
        must_match: policy.awarding_body_must_be_signer,
    };
    let mut r = awarding::check(credential, &signer, &policy.registry);
    if proof.status != CheckStatus::Ok
        && policy.runs(CheckKind::Proof)
        && r.status == CheckStatus::Ok
    {
        r.message
            .push_str(" (as claimed: the proof did not verify)");
    }
    r
}

/// Who sealed or signed, for the report (only called when the proof verified).
pub(crate) fn signer_identity(identity: &Identity, policy: &Policy) -> Option<SignerIdentity> {
    match identity {
        Identity::None => None,
        Identity::Seal(rep) => Some(SignerIdentity {
            kind: SignerKind::Seal,
            organisation: rep.signer.organisation.clone(),
            organisation_identifier: rep.signer.organisation_identifier.clone(),
            certificate_subject: Some(rep.signer.subject.clone()),
            certificate_issuer: Some(rep.signer.issuer.clone()),
            did: None,
            registry_name: seal_member(&rep.signer, policy).map(|m| m.name().to_string()),
        }),
        Identity::Did(did) => Some(SignerIdentity {
            kind: SignerKind::Did,
            organisation: None,
            organisation_identifier: None,
            certificate_subject: None,
            certificate_issuer: None,
            did: Some(did.clone()),
            registry_name: policy
                .registry
                .member_by_did(did)
                .map(|m| m.name().to_string()),
        }),
    }
}

fn signer_member<'p>(
    credential: &Value,
    identity: &Identity,
    policy: &'p Policy,
) -> Option<&'p Member> {
    match identity {
        Identity::Seal(rep) => seal_member(&rep.signer, policy),
        Identity::Did(did) => policy.registry.member_by_did(did),
        Identity::None => issuer_id(credential).and_then(|i| policy.registry.member_by_did(i)),
    }
}

fn seal_member<'p>(info: &CertificateInfo, policy: &'p Policy) -> Option<&'p Member> {
    info.organisation_identifier
        .as_deref()
        .and_then(|i| policy.registry.member_by_identifier(i))
}

/// Whether the credential's `issuer` is `m`: one of its DIDs, or its legal identifier / seal
/// organisationIdentifier as the issuer's `eIDASIdentifier`.
fn issuer_is_member(credential: &Value, m: &Member) -> bool {
    if issuer_id(credential).is_some_and(|i| m.has_did(i)) {
        return true;
    }
    let notations: Vec<&str> = match credential
        .get("issuer")
        .and_then(|i| i.get("eIDASIdentifier"))
    {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.get("notation").and_then(Value::as_str))
            .collect(),
        Some(o) => o
            .get("notation")
            .and_then(Value::as_str)
            .into_iter()
            .collect(),
        None => Vec::new(),
    };
    notations.iter().any(|n| {
        *n == m.legal_identifier
            || m.seal
                .as_ref()
                .is_some_and(|s| s.organisation_identifier == *n)
    })
}

/// The policy's seal anchors and the registry members' seal CAs. Built once per distinct
/// registry and anchor set (parsing the registry's PEM on every seal cost more than the seal's
/// own signature check), so the anchors' memo of verified certificate signatures lives on.
pub(crate) fn seal_anchors(policy: &Policy) -> proofs::certs::TrustAnchors {
    use sha2::Digest as _;
    let mut fingerprint = sha2::Sha256::new();
    for m in &policy.registry.members {
        for pem in m.seal.iter().flat_map(|s| s.ca_certificates.iter()) {
            fingerprint.update((pem.len() as u64).to_be_bytes());
            fingerprint.update(pem.as_bytes());
        }
    }
    fingerprint.update(policy.trust_anchors.fingerprint());
    policy
        .seal_anchors
        .get_or_build(fingerprint.finalize().into(), || {
            // The policy's own anchors first (sharing their memo), then the registry's not among them.
            let mut anchors = policy.trust_anchors.clone();
            for c in policy.registry.trust_anchors().certificates() {
                if !anchors.certificates().contains(c) {
                    anchors.add(c.clone());
                }
            }
            anchors
        })
}

fn check_proof(
    credential: &Value,
    securing: &Securing<'_>,
    policy: &Policy,
    session: &Session<'_>,
    clock: &dyn Clock,
) -> (CheckResult, Identity) {
    match securing {
        Securing::Jades(envelope) => check_seal(envelope, policy, clock),
        Securing::Jwt(jwt) => check_jwt(jwt, policy, session),
        Securing::DataIntegrity(hash) => check_data_integrity(credential, *hash, policy, session),
    }
}

/// The proof check of a JAdES seal (either serialization).
fn check_seal(
    envelope: &Envelope<'_>,
    policy: &Policy,
    clock: &dyn Clock,
) -> (CheckResult, Identity) {
    let k = CheckKind::Proof;
    let anchors = seal_anchors(policy);
    let (verified, form) = match envelope {
        Envelope::Json(v) => (
            proofs::jades::verify_value(v, &anchors, clock.now()),
            "JAdES seal",
        ),
        Envelope::Compact(jws) => (
            proofs::jades::verify_compact(jws, &anchors, clock.now()),
            "JAdES seal (compact serialization)",
        ),
    };
    match verified {
        Ok(rep) => {
            let s = &rep.signer;
            let msg =
                format!(
                "{form} ({}) verified: sealed by {} (organisationIdentifier {}), certificate {}{}",
                rep.algorithm.jose_name(),
                s.organisation.as_deref().unwrap_or("an unnamed organisation"),
                s.organisation_identifier.as_deref().unwrap_or("none"),
                s.subject,
                rep.signing_time
                    .map(|t| format!(", signing time {}", t.to_rfc3339()))
                    .unwrap_or_default()
            );
            (CheckResult::ok(k, msg), Identity::Seal(Box::new(rep)))
        }
        Err(e) => (
            CheckResult::failed(k, format!("{form}: {e}")),
            Identity::None,
        ),
    }
}

/// A VC-JWT header that no key could make valid (unreadable, no `alg`, `none`, an algorithm off
/// the allow-list): refused before anything is resolved. Otherwise the header, if readable.
fn jwt_header(jwt: &str) -> Result<Option<Value>, String> {
    let header = jwt
        .split('.')
        .next()
        .and_then(|h| URL_SAFE_NO_PAD.decode(h.trim_end_matches('=')).ok())
        .map(|b| strict_json::from_slice(&b));
    let header = match header {
        Some(Err(e)) => return Err(format!("VC-JWT: the header is not strict JSON: {e}")),
        Some(Ok(h)) => Some(h),
        None => None,
    };
    let alg = header
        .as_ref()
        .and_then(|h| h.get("alg"))
        .and_then(Value::as_str);
    match alg {
        None => Err("VC-JWT: malformed header (no alg)".into()),
        Some(a) if a.eq_ignore_ascii_case("none") => {
            Err(format!("VC-JWT: {}", VcJwtError::AlgNone))
        }
        Some(a)
            if !proofs::Algorithm::from_jose_name(a)
                .is_some_and(|x| proofs::vc_jwt::ALLOWED_ALGORITHMS.contains(&x)) =>
        {
            Err(format!(
                "VC-JWT: {}",
                VcJwtError::UnsupportedAlgorithm(a.into())
            ))
        }
        Some(_) => Ok(header),
    }
}

/// The proof check of a compact VC-JWT.
fn check_jwt(jwt: &str, policy: &Policy, session: &Session<'_>) -> (CheckResult, Identity) {
    let k = CheckKind::Proof;
    let header = match jwt_header(jwt) {
        Ok(h) => h,
        Err(why) => return (CheckResult::failed(k, why), Identity::None),
    };
    let kid = header
        .as_ref()
        .and_then(|h| h.get("kid"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let res = resolve::resolve(kid.as_deref(), policy, session);
    if let Some((_, why)) = res.errors.first() {
        return (CheckResult::error(k, why.clone()), Identity::None);
    }
    match proofs::vc_jwt::verify(jwt, &res.resolver) {
        Ok(v) => (
            CheckResult::ok(
                k,
                format!(
                    "VC-JWT signature ({}) by {} verified",
                    v.algorithm.jose_name(),
                    v.verification_method
                ),
            ),
            Identity::Did(v.controller),
        ),
        Err(VcJwtError::KeyNotFound {
            source: ResolveError::UnsupportedMethod(m),
            ..
        }) => (
            CheckResult::error(k, format!("cannot resolve {m}")),
            Identity::None,
        ),
        Err(e) => (
            CheckResult::failed(k, format!("VC-JWT: {e}")),
            Identity::None,
        ),
    }
}

/// A proof of a type or cryptosuite this verifier does not implement (refused before resolving).
fn unsupported_proof(proofs_list: &[&Value]) -> Option<String> {
    // The suites the proofs crate verifies: eddsa-rdfc-2022, Ed25519Signature2020 and
    // ecdsa-rdfc-2019 (P-256), issue #15 point 6.
    proofs_list.iter().find_map(|p| {
        let ty = p.get("type").and_then(Value::as_str).unwrap_or_default();
        let suite = p.get("cryptosuite").and_then(Value::as_str);
        proofs::suites::Suite::from_members(ty, suite)
            .err()
            .map(|e| e.to_string())
    })
}

/// The proof check of Data Integrity proof(s).
fn check_data_integrity(
    credential: &Value,
    document_hash: Option<[u8; 32]>,
    policy: &Policy,
    session: &Session<'_>,
) -> (CheckResult, Identity) {
    let k = CheckKind::Proof;
    let proofs_list: Vec<&Value> = match credential.get("proof") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(p) => vec![p],
    };
    if proofs_list.is_empty() {
        return (
            CheckResult::failed(k, "no proof: the credential is not secured"),
            Identity::None,
        );
    }
    if let Some(why) = unsupported_proof(&proofs_list) {
        return (CheckResult::failed(k, why), Identity::None);
    }
    let methods: Vec<&str> = proofs_list
        .iter()
        .filter_map(|p| p.get("verificationMethod").and_then(Value::as_str))
        .collect();
    let res = resolve::resolve(methods.iter().copied(), policy, session);
    if let Some((_, why)) = res.errors.first() {
        return (CheckResult::error(k, why.clone()), Identity::None);
    }
    // ADR 0004: the issuer binding (a proof by the issuer) is trust policy: when trust does not
    // count (advisory, or not selected) it is reported, not a proof failure.
    let binding_advisory =
        !policy.runs(CheckKind::Trust) || policy.advisory.contains(&CheckKind::Trust);
    let opts = proofs::data_integrity::VerifyOptions {
        require_issuer_controller: !binding_advisory,
        document_hash,
        ..Default::default()
    };
    match proofs::data_integrity::verify_with(credential, &res.resolver, &opts) {
        Ok(list) => {
            let issuer = issuer_id(credential);
            let (mut result, controller) = verified_proofs_result(&list, issuer);
            if let Some(i) = issuer.filter(|i| !list.iter().any(|p| p.controller == *i)) {
                result.warnings.push(crate::report::Warning {
                    code: "issuer-binding".into(),
                    member: Some("issuer".into()),
                    path: Some("$.issuer".into()),
                    message: format!("no proof is by the issuer {i}: the issuer binding is the trust check's (ADR 0004)"),
                });
            }
            (
                result,
                controller.map(Identity::Did).unwrap_or(Identity::None),
            )
        }
        Err(ProofError::KeyNotFound {
            source: ResolveError::UnsupportedMethod(m),
            ..
        }) => (
            CheckResult::error(k, format!("cannot resolve {m}")),
            Identity::None,
        ),
        Err(e) => (CheckResult::failed(k, e.to_string()), Identity::None),
    }
}

/// The proof check of a verified proof set (VC Data Integrity §4.5): every proof's method, the
/// co-signers (proofs by another party than the issuer: an endorsing alliance, a second
/// university) named in the message, and one detail per proof when there are several. The
/// signer identity is the controller of the issuer's proof (the first proof's without an issuer).
fn verified_proofs_result(
    list: &[proofs::data_integrity::VerifiedProof],
    issuer: Option<&str>,
) -> (CheckResult, Option<String>) {
    let k = CheckKind::Proof;
    let who: Vec<&str> = list
        .iter()
        .map(|p| p.verification_method.as_str())
        .collect();
    let by_issuer =
        |p: &proofs::data_integrity::VerifiedProof| Some(p.controller.as_str()) == issuer;
    let controller = list
        .iter()
        .find(|p| by_issuer(p))
        .or(list.first())
        .map(|p| p.controller.clone());
    let mut suites: Vec<&str> = Vec::new();
    for name in list.iter().map(|p| p.suite.name()) {
        if !suites.contains(&name) {
            suites.push(name);
        }
    }
    let mut message = format!(
        "{} Data Integrity proof(s) ({}) verified: {}",
        list.len(),
        suites.join(", "),
        who.join(", ")
    );
    let mut cosigners: Vec<&str> = Vec::new();
    for p in list.iter().filter(|p| !by_issuer(p)) {
        if !cosigners.contains(&p.controller.as_str()) {
            cosigners.push(&p.controller);
        }
    }
    if issuer.is_some() && !cosigners.is_empty() {
        message.push_str(&format!("; co-signed by {}", cosigners.join(", ")));
    }
    let mut result = CheckResult::ok(k, message);
    if list.len() > 1 {
        result.details = list
            .iter()
            .map(|p| {
                let role = if by_issuer(p) { "issuer" } else { "co-signer" };
                let chained = if p.previous_proof.is_empty() {
                    String::new()
                } else {
                    format!(", chained to {}", p.previous_proof.join(", "))
                };
                crate::report::SubCheck {
                    name: format!("{role}-proof"),
                    status: CheckStatus::Ok,
                    message: format!(
                        "{} proof {}by {} ({}) verified{chained}",
                        p.suite.name(),
                        p.id.as_deref().map(|i| format!("{i} ")).unwrap_or_default(),
                        p.controller,
                        p.verification_method
                    ),
                }
            })
            .collect();
    }
    (result, controller)
}

/// The trust sources named in messages.
pub(crate) const TRUST_SOURCES: &str = "the ENHANCE trusted-issuer registry";

fn check_trust(
    credential: &Value,
    identity: &Identity,
    proof: &CheckResult,
    policy: &Policy,
) -> CheckResult {
    let k = CheckKind::Trust;
    // Trust is about who signed; without a verified proof that is unknown, and the issuer the
    // credential names is only a claim (issue #13: a forged credential must not read "trusted").
    if policy.runs(CheckKind::Proof) && proof.status != CheckStatus::Ok {
        let claimed = issuer_id(credential)
            .map(|i| format!("; the credential claims to be issued by {i}"))
            .unwrap_or_default();
        return CheckResult::skipped(
            k,
            format!("not checked: no proof verified, so the signer is unknown{claimed}"),
        );
    }
    match identity {
        Identity::Seal(rep) => seal_trust(credential, rep, policy),
        _ => did_trust(credential, identity, policy),
    }
}

/// Trust in a verified seal: a registry member's seal (chaining to a trusted CA, over the
/// member's own credential) is trusted; a seal that names a member but is not theirs, or whose
/// certificate is expired or broken, fails; any other seal is `unknown` to this service.
pub(crate) fn seal_trust(credential: &Value, rep: &SealReport, policy: &Policy) -> CheckResult {
    let k = CheckKind::Trust;
    let s = &rep.signer;
    let (org, org_id) = crate::report::seal_names(s);
    let member = seal_member(s, policy);
    // --- eIDAS trusted lists (helper T, issue #14 point 3): a seal the alliance registry does not
    // vouch for is decided by the EU trusted lists when the policy has them. ---
    if member.is_none() {
        if let Some(r) = crate::eidas::seal_trust_from_lists(rep, policy) {
            return r;
        }
    }
    // --- end eIDAS trusted lists ---
    match (&rep.trust, member) {
        (TrustStatus::Trusted { .. }, Some(m)) if !issuer_is_member(credential, m) => {
            CheckResult::failed(
                k,
                format!(
                    "sealed by {} ({}), but the credential's issuer is {}",
                    m.name(),
                    m.id,
                    issuer_id(credential).unwrap_or("not named")
                ),
            )
        }
        (TrustStatus::Trusted { anchor, .. }, Some(m)) => CheckResult::ok(
            k,
            format!("seal of {org} ({org_id}) chains to {anchor}; registry member {} ({})", m.name(), m.id),
        ),
        (TrustStatus::Trusted { anchor, .. }, None) => CheckResult::new(
            k,
            CheckStatus::Unknown,
            format!("sealed by {org} ({org_id}); the certificate chains to {anchor}, but {org_id} is on none of the trust sources this service uses ({TRUST_SOURCES}): this service does not know this issuer"),
        ),
        (TrustStatus::UnknownCa { issuer }, Some(m)) => CheckResult::failed(
            k,
            format!("the seal names {} ({org_id}), a registry member, but its certificate does not chain to a trusted CA (chain ends at {issuer}): it is not that member's seal", m.name()),
        ),
        (TrustStatus::UnknownCa { issuer }, None) => CheckResult::new(
            k,
            CheckStatus::Unknown,
            format!("sealed by {org} ({org_id}) with a certificate from {issuer}, which is on none of the trust sources this service uses ({TRUST_SOURCES}): this service does not know this issuer"),
        ),
        // ETSI EN 319 102-1 §5.2.6: a certificate outside its validity at the validation time,
        // with no proof of existence of the seal from before (a B-B seal has none: `sigT` is the
        // sealer's own claim), gives INDETERMINATE/OUT_OF_BOUNDS_NO_POE (or NOT_YET_VALID), not
        // TOTAL-FAILED: the seal may well have been made while the certificate was valid, so this
        // service cannot check it rather than knowing it to be false.
        (TrustStatus::Expired { subject, not_before, not_after }, _) => CheckResult::error(
            k,
            format!("seal certificate {subject} is not valid at the verification time (valid {not_before} to {not_after}) and nothing proves the seal was made before (ETSI EN 319 102-1 OUT_OF_BOUNDS_NO_POE): the seal cannot be checked against its certificate's validity"),
        ),
        (other, _) => CheckResult::failed(
            k,
            format!("seal certificate chain of {org} ({org_id}) is invalid: {other:?}"),
        ),
    }
}

/// Trust in a DID signer (or, without a proof check, the issuer the credential names): a
/// registry member is trusted, anyone else `unknown` to this service.
fn did_trust(credential: &Value, identity: &Identity, policy: &Policy) -> CheckResult {
    let k = CheckKind::Trust;
    let Some(issuer) = issuer_id(credential) else {
        return CheckResult::failed(k, "the credential names no issuer");
    };
    // The issuer binding, when the proof check left it to this check (ADR 0004): the verified
    // signer must be the issuer the credential names.
    if let Identity::Did(signer) = identity {
        if signer != issuer {
            return CheckResult::failed(
                k,
                format!("signed by {signer}, not by the issuer {issuer}: no proof binds the credential to its issuer (issuer binding)"),
            );
        }
    }
    let verified = matches!(identity, Identity::Did(_));
    let suffix = if verified || !policy.runs(CheckKind::Proof) {
        ""
    } else {
        " (as claimed: no verified proof)"
    };
    match policy.registry.member_by_did(issuer) {
        Some(m) => CheckResult::ok(
            k,
            format!("issuer {issuer} is {} ({}), an ENHANCE member in the trusted-issuer registry{suffix}", m.name(), m.id),
        ),
        None => CheckResult::new(
            k,
            CheckStatus::Unknown,
            format!(
                "issuer {issuer} is on none of the trust sources this service uses ({TRUST_SOURCES}{}): this service does not know this issuer{suffix}",
                if policy.trusted_lists.is_some() { "; the EU trusted lists vouch for seals, not DIDs" } else { "" }
            ),
        ),
    }
}
