//! The issuer key of an SD-JWT VC (SD-JWT VC §3.5 "Issuer-signed JWT Verification Key
//! Validation"): the leaf of an `x5c` chain (validated against the seal anchors, as JAdES seal
//! certificates are), or a key of the JWT VC Issuer Metadata at
//! `{iss origin}/.well-known/jwt-vc-issuer{iss path}` (SD-JWT VC §4, its `jwks` or `jwks_uri`),
//! fetched through the verifier's guarded fetcher.

use chrono::{DateTime, Utc};
use proofs::certs::CertificateInfo;
use proofs::jades::SealReport;
use proofs::PublicKey;
use serde_json::{Map, Value};

use crate::fetch::{Request, Session};
use crate::policy::Policy;
use crate::report::CheckStatus;

/// `Accept` of JWT VC Issuer Metadata and JWKS fetches.
const METADATA_ACCEPT: &str = "application/json";

/// Where the issuer key came from.
pub(crate) enum KeySource {
    /// The header's `x5c`: the leaf certificate, its path to the anchors, as a seal report.
    X5c(Box<SealReport>),
    /// The issuer's JWT VC Issuer Metadata at `url`.
    Metadata {
        /// The metadata URL.
        url: String,
    },
}

/// The issuer's candidate keys and where they came from.
pub(crate) struct IssuerKeys {
    /// Keys the issuer-signed JWT (and its status list token) may be signed with.
    pub keys: Vec<PublicKey>,
    /// Their source.
    pub source: KeySource,
}

/// Why no key: `Failed` (the credential's own key material is wrong) or `Error` (the metadata
/// could not be fetched), with the reason.
pub(crate) type KeyFailure = (CheckStatus, String);

/// `{origin}/.well-known/jwt-vc-issuer{path}` of an `iss` (SD-JWT VC §4.1; http only under the
/// TEST-only [`crate::NetworkPolicy::allow_http`]).
pub(crate) fn metadata_url(iss: &str, policy: &Policy) -> Result<String, String> {
    let url = reqwest::Url::parse(iss).map_err(|e| format!("iss {iss:?} is not a URL: {e}"))?;
    let https = url.scheme() == "https";
    if !(https || (url.scheme() == "http" && policy.network.allow_http)) {
        return Err(format!(
            "iss {iss:?} is not an https URL, so its JWT VC Issuer Metadata cannot be looked up (SD-JWT VC §4)"
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "iss {iss:?} has a query or fragment (SD-JWT VC §4.1)"
        ));
    }
    let host = url.host_str().unwrap_or_default();
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let path = url.path().trim_end_matches('/');
    let scheme = if https { "https" } else { "http" };
    Ok(format!(
        "{scheme}://{host}{port}/.well-known/jwt-vc-issuer{path}"
    ))
}

/// The did:web DID naming the same place as an https `iss` (did:web §3.2: host, `%3A` port,
/// path segments), by which the registry knows its members: `https://h:8080/universities/eth`
/// is `did:web:h%3A8080:universities:eth`.
pub fn did_web_of(iss: &str) -> Option<String> {
    let url = reqwest::Url::parse(iss).ok()?;
    if !matches!(url.scheme(), "https" | "http") {
        return None;
    }
    let mut did = format!("did:web:{}", url.host_str()?);
    if let Some(p) = url.port() {
        did.push_str(&format!("%3A{p}"));
    }
    for seg in url.path().split('/').filter(|s| !s.is_empty()) {
        did.push(':');
        did.push_str(seg);
    }
    Some(did)
}

/// What the prefetch round fetches for the key: the metadata, unless the header has `x5c`.
pub(crate) fn requests(
    header: &Map<String, Value>,
    iss: Option<&str>,
    policy: &Policy,
) -> Vec<Request> {
    if header.contains_key("x5c") {
        return Vec::new();
    }
    iss.and_then(|i| metadata_url(i, policy).ok())
        .map(|url| Request {
            url,
            accept: METADATA_ACCEPT,
            ttl: policy.did_document_ttl,
        })
        .into_iter()
        .collect()
}

/// The issuer's keys for `header` (x5c first, else the metadata of `iss`).
pub(crate) fn resolve(
    header: &Map<String, Value>,
    iss: Option<&str>,
    policy: &Policy,
    session: &Session<'_>,
    now: DateTime<Utc>,
) -> Result<IssuerKeys, KeyFailure> {
    if header.contains_key("x5c") {
        return from_x5c(header, policy, now);
    }
    let Some(iss) = iss else {
        return Err((
            CheckStatus::Failed,
            "no x5c header and no iss claim: the issuer's key cannot be found (SD-JWT VC §3.5)"
                .into(),
        ));
    };
    from_metadata(header, iss, policy, session)
}

fn from_x5c(
    header: &Map<String, Value>,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<IssuerKeys, KeyFailure> {
    let failed = |why: String| (CheckStatus::Failed, why);
    let chain_der = proofs::jose::x5c_chain(header).map_err(|e| failed(e.to_string()))?;
    let certs = chain_der
        .iter()
        .enumerate()
        .map(|(i, der)| {
            proofs::certs::certificate_from_der(der)
                .map_err(|e| failed(format!("x5c[{i}] is not an X.509 certificate: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let leaf = certs.first().ok_or_else(|| failed("x5c is empty".into()))?;
    let key =
        proofs::certs::certificate_public_key(leaf).map_err(|e| failed(format!("x5c[0]: {e}")))?;
    let info = CertificateInfo::of(leaf);
    let trust = proofs::certs::validate_path(&certs, &crate::verify::seal_anchors(policy), now);
    let algorithm = proofs::Algorithm::from_jose_name(
        header
            .get("alg")
            .and_then(Value::as_str)
            .unwrap_or_default(),
    )
    .unwrap_or(proofs::Algorithm::Es256);
    let report = SealReport {
        algorithm,
        signing_time: None,
        certificate_valid_at_validation_time: info.valid_at(now),
        certificate_valid_at_signing_time: None,
        signer: info,
        trust,
        critical: Vec::new(),
        has_data_timestamp: false,
        kid: header
            .get("kid")
            .and_then(Value::as_str)
            .map(str::to_string),
        payload: Vec::new(),
        validation_time: now,
        chain_der,
    };
    Ok(IssuerKeys {
        keys: vec![key],
        source: KeySource::X5c(Box::new(report)),
    })
}

fn fetch_json(url: &str, policy: &Policy, session: &Session<'_>) -> Result<Value, KeyFailure> {
    let body = session
        .get(url, METADATA_ACCEPT, policy.did_document_ttl)
        .map_err(|e| {
            (
                CheckStatus::Error,
                format!("issuer metadata unavailable: {e}"),
            )
        })?;
    strict_json::from_slice(&body)
        .map_err(|e| (CheckStatus::Error, format!("{url} is not strict JSON: {e}")))
}

fn from_metadata(
    header: &Map<String, Value>,
    iss: &str,
    policy: &Policy,
    session: &Session<'_>,
) -> Result<IssuerKeys, KeyFailure> {
    let url = metadata_url(iss, policy).map_err(|e| (CheckStatus::Failed, e))?;
    let doc = fetch_json(&url, policy, session)?;
    if doc.get("issuer").and_then(Value::as_str) != Some(iss) {
        return Err((
            CheckStatus::Failed,
            format!("the JWT VC Issuer Metadata at {url} is not that of iss {iss} (its issuer differs, SD-JWT VC §4.3)"),
        ));
    }
    let jwks = match (doc.get("jwks"), doc.get("jwks_uri").and_then(Value::as_str)) {
        (Some(j), _) => j.clone(),
        (None, Some(uri)) => fetch_json(uri, policy, session)?,
        (None, None) => {
            return Err((
                CheckStatus::Failed,
                format!("the JWT VC Issuer Metadata at {url} has neither jwks nor jwks_uri"),
            ))
        }
    };
    let kid = header.get("kid").and_then(Value::as_str);
    let keys: Vec<PublicKey> = jwks
        .get("keys")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|k| kid.is_none() || k.get("kid").and_then(Value::as_str) == kid)
        .filter_map(|k| proofs::jose::public_key_from_jwk(k).ok())
        .collect();
    if keys.is_empty() {
        return Err((
            CheckStatus::Failed,
            format!(
                "the JWT VC Issuer Metadata at {url} has no usable key{}",
                kid.map(|k| format!(" with kid {k:?}")).unwrap_or_default()
            ),
        ));
    }
    Ok(IssuerKeys {
        keys,
        source: KeySource::Metadata { url },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_urls_insert_the_well_known_path_before_the_issuer_path() {
        let p = Policy::new(crate::TrustRegistry::empty());
        assert_eq!(
            metadata_url("https://uni.example/universities/eth", &p).unwrap(),
            "https://uni.example/.well-known/jwt-vc-issuer/universities/eth"
        );
        assert_eq!(
            metadata_url("https://uni.example:8443", &p).unwrap(),
            "https://uni.example:8443/.well-known/jwt-vc-issuer"
        );
        for bad in [
            "http://uni.example/x",
            "https://uni.example/x?q=1",
            "urn:x",
            "nope",
        ] {
            assert!(metadata_url(bad, &p).is_err(), "{bad}");
        }
        let local = p.with_network(crate::NetworkPolicy::local_testing());
        assert!(metadata_url("http://127.0.0.1:1/x", &local).is_ok());
    }

    #[test]
    fn an_issuer_url_names_the_did_web_of_the_same_place() {
        assert_eq!(
            did_web_of("https://localhost:8080/universities/eth").as_deref(),
            Some("did:web:localhost%3A8080:universities:eth")
        );
        assert_eq!(
            did_web_of("https://uni.example/").as_deref(),
            Some("did:web:uni.example")
        );
        assert_eq!(did_web_of("did:web:uni.example"), None);
    }
}
