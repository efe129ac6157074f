//! Verification-method resolution for the verifier (VC Data Integrity §4.4 "Verify Proof" step
//! "retrieve the verification method"; DID Core §7.1 "DID Resolution"; did:web §3.2.2).
//!
//! The DIDs a verification needs are resolved *before* verifying, into an offline
//! [`StaticDidResolver`]: the trust registry's DID documents first (no network), did:key and
//! did:jwk from the identifier itself, and other did:web DIDs by fetching their `did.json`
//! through the guarded [`crate::fetch::Fetcher`]. A DID that cannot be resolved (network failure, unsupported method) is
//! returned as an error, so the caller reports "could not check" instead of "forged".
//!
//! Fetches go through the verification's [`Session`]: [`requests`] lists the documents a set of
//! methods needs, so the caller can fetch them concurrently with the status lists before resolving.

use std::collections::BTreeSet;

use proofs::did::{DidWeb, StaticDidResolver};
use serde_json::Value;

use crate::fetch::{Request, Session};
use crate::policy::Policy;

/// `Accept` of DID document fetches.
pub(crate) const DID_ACCEPT: &str = "application/did+json, application/json";

/// A resolver over the registry plus everything fetched, and the DIDs that could not be resolved.
pub(crate) struct Resolution {
    pub resolver: StaticDidResolver,
    /// `(did, why)` for DIDs that could not be resolved.
    pub errors: Vec<(String, String)>,
}

/// The DID of a DID URL (`did:x:y#frag` → `did:x:y`).
pub(crate) fn did_of(url: &str) -> &str {
    url.split('#').next().unwrap_or(url)
}

/// Builds a resolver able to resolve `methods` (verification method URLs).
/// The registry's resolver ([`crate::registry::TrustRegistry::resolver`]), built once per
/// distinct set of member DID documents and then cloned.
fn registry_resolver(policy: &Policy) -> proofs::did::StaticDidResolver {
    use sha2::Digest as _;
    let mut fingerprint = sha2::Sha256::new();
    for m in &policy.registry.members {
        for d in &m.dids {
            let bytes = serde_json::to_vec(&d.document).unwrap_or_default();
            fingerprint.update((bytes.len() as u64).to_be_bytes());
            fingerprint.update(&bytes);
        }
    }
    policy
        .registry_resolver
        .get_or_build(fingerprint.finalize().into(), || policy.registry.resolver())
}

/// The did:web documents that resolving `methods` fetches (none for did:key or registry members).
pub(crate) fn requests<'a>(
    methods: impl IntoIterator<Item = &'a str>,
    policy: &Policy,
) -> Vec<Request> {
    let dids: BTreeSet<&str> = methods.into_iter().map(did_of).collect();
    dids.into_iter()
        .filter(|did| did.starts_with("did:web:") && policy.registry.member_by_did(did).is_none())
        .filter_map(|did| document_url(did, policy).ok())
        .map(|url| Request {
            url,
            accept: DID_ACCEPT,
            ttl: policy.did_document_ttl,
        })
        .collect()
}

pub(crate) fn resolve<'a>(
    methods: impl IntoIterator<Item = &'a str>,
    policy: &Policy,
    session: &Session<'_>,
) -> Resolution {
    let mut resolver = registry_resolver(policy);
    let mut errors = Vec::new();
    let dids: BTreeSet<&str> = methods.into_iter().map(did_of).collect();
    for did in dids {
        // did:key and did:jwk carry their key (proofs' resolver decodes them, no I/O); did:jwk
        // is how OpenID4VCI / OpenID4VP wallets name their holders (issue #17's ldp_vp).
        if did.starts_with("did:key:")
            || did.starts_with("did:jwk:")
            || policy.registry.member_by_did(did).is_some()
        {
            continue;
        }
        if !did.starts_with("did:web:") {
            errors.push((
                did.to_string(),
                format!("cannot resolve {did}: only did:key, did:jwk and did:web are supported"),
            ));
            continue;
        }
        match fetch_did_web(did, policy, session) {
            Ok(doc) => {
                if let Err(e) = resolver.add_document(&doc) {
                    errors.push((
                        did.to_string(),
                        format!("DID document of {did} is malformed: {e}"),
                    ));
                }
            }
            Err(why) => errors.push((did.to_string(), why)),
        }
    }
    Resolution { resolver, errors }
}

/// The URL of `did`'s DID document (did:web §3.2.2).
fn document_url(did: &str, policy: &Policy) -> Result<String, String> {
    let mut url = DidWeb::document_url_of(did).map_err(|e| format!("cannot resolve {did}: {e}"))?;
    if policy.network.allow_http {
        // TEST ONLY (NetworkPolicy::allow_http): local test servers speak plain http.
        if let Some(rest) = url.strip_prefix("https://") {
            url = format!("http://{rest}");
        }
    }
    Ok(url)
}

fn fetch_did_web(did: &str, policy: &Policy, session: &Session<'_>) -> Result<Value, String> {
    let url = document_url(did, policy)?;
    let body = session
        .get(&url, DID_ACCEPT, policy.did_document_ttl)
        .map_err(|e| format!("cannot resolve {did}: {e}"))?;
    let doc: Value = strict_json::from_slice(&body)
        .map_err(|e| format!("cannot resolve {did}: DID document is not strict JSON: {e}"))?;
    if doc.get("id").and_then(Value::as_str) != Some(did) {
        return Err(format!(
            "cannot resolve {did}: the document at {url} is not its DID document (id differs)"
        ));
    }
    Ok(doc)
}
