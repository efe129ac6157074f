//! Securing issued credentials, on the `proofs` crate: W3C VC Data Integrity 1.0 proofs with the
//! `eddsa-rdfc-2022` cryptosuite (Data Integrity EdDSA Cryptosuites v1.0 §3.3), by the university's
//! current key of its key store (`keys_dir/<id>/keys.toml`); a JAdES seal (ETSI TS 119 182-1,
//! enveloping JWS JSON, `b64: false`, as EDC uses it) when the university has a seal certificate;
//! and a VC-JOSE-COSE `vc+jwt`, made when first asked for (a share-link download) from the stored
//! credential, by the key that made its Data Integrity proof: issuance signs and checks only what
//! issue #4 asks of it (Data Integrity, and JAdES where there is a seal), and the `vc+jwt` is
//! deterministic (EdDSA), so every download of it is the same bytes.
//!
//! Every secured form is then verified once more, before it is stored, by the `verifier` library
//! ([`IssuanceCheck`], VC Data Model 2.0 §7.1 "Verification"), offline, with a trust registry made
//! of the issuer's own universities and the DID documents it publishes: the same checks a relying
//! party runs (format, proof, trust, awarding body; revocation does not apply before the
//! credential exists, and expiry is not the issuer's to refuse: VC Data Model 2.0 §4.9 lets a
//! credential be issued with `validUntil` in the past or `validFrom` in the future, which a
//! verifier then reports as expired or not yet valid). The securer itself no longer verifies, so
//! the cost is not paid twice.
//!
//! The service talks to the [`Securer`] port only. Private keys never leave the key store: errors
//! and logs name the university and key id only.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use elm_model::Universities;
use proofs::data_integrity::{self, ProofOptions};
use proofs::keystore::{KeyStore, UniversityKeys};
use serde_json::{Map, Value};
use verifier::registry::{Alliance, DidEntry, Member, SealEntry, TrustRegistry};
use verifier::{CheckKind, CheckStatus, FixedClock, NetworkPolicy, Policy, Verdict};

use crate::domain::FieldError;

/// Why securing failed. Never contains key material.
#[derive(Debug, thiserror::Error)]
pub enum SecureError {
    /// No signing key is configured for the university.
    #[error("no signing key configured for university `{0}`")]
    NoKey(String),
    /// Signing failed (canonicalisation, signer).
    #[error("signing failed: {0}")]
    Sign(String),
    /// A proof or seal does not verify.
    #[error("proof does not verify: {0}")]
    Verify(String),
    /// The key store could not be loaded.
    #[error("key store: {0}")]
    KeyStore(String),
    /// The document is not valid JSON-LD for canonicalisation (undefined term, unknown context,
    /// relative IRI, protected term redefinition, poison graph, ...): the request's fault (422).
    #[error("invalid JSON-LD: {0}")]
    JsonLd(canon::CanonError),
}

/// A signing failure: canonicalisation errors are the document's fault ([`SecureError::JsonLd`]),
/// anything else the signer's.
fn sign_error(e: data_integrity::ProofError) -> SecureError {
    match e {
        data_integrity::ProofError::Canonicalization(c) => SecureError::JsonLd(c),
        other => SecureError::Sign(other.to_string()),
    }
}

/// Every form of one secured credential.
#[derive(Debug, Clone)]
pub struct Secured {
    /// JSON-LD with a Data Integrity proof.
    pub credential: Value,
    /// JAdES seal (JWS JSON text) of the unsecured credential, when the university has a seal
    /// and the securer gives it as text (with `jades_value`, exactly its serialisation).
    pub jades: Option<String>,
    /// The JAdES seal as JSON, when the securer has it (it then takes precedence over `jades`):
    /// spares [`IssuanceCheck`] parsing it, and the issuer serialising it when it is stored
    /// without its payload (issue #18: a 90 KB string per credential with a rendered page).
    /// [`KeyStoreSecurer`] gives only this. `None`: `jades` is parsed.
    pub jades_value: Option<Value>,
    /// `vc+jwt` of the unsecured credential, when the securer makes it at issuance
    /// ([`KeyStoreSecurer`] does not: see [`Securer::vc_jwt`]).
    pub vc_jwt: Option<String>,
    /// The hash of the canonical credential without its proof that the securer signed
    /// (`data_integrity::sign_owned_hashed`), when it gives it: [`IssuanceCheck`] then verifies
    /// the proof over it instead of canonicalising the credential again
    /// ([`verifier::verify_signed_credential`]). `None`: canonicalised again.
    pub document_hash: Option<[u8; 32]>,
}

/// The signing port of the service.
pub trait Securer: Send + Sync {
    /// Adds a Data Integrity proof made with `university`'s current key at `created`.
    fn sign(
        &self,
        university: &str,
        document: Map<String, Value>,
        created: DateTime<Utc>,
    ) -> Result<Value, SecureError>;
    /// All forms of a credential made at issuance: Data Integrity, and JAdES where the university
    /// has a seal (a VC-JWT too, if the securer chooses). Not verified here: the service checks
    /// them with [`IssuanceCheck`] before storing.
    fn secure(
        &self,
        university: &str,
        document: Map<String, Value>,
        created: DateTime<Utc>,
    ) -> Result<Secured, SecureError>;
    /// The `vc+jwt` (VC-JOSE-COSE §3.1.1) of a stored Data Integrity credential of `university`:
    /// its payload is the credential without its proof ([`data_integrity::without_proof`]), signed
    /// by the key that made the proof.
    fn vc_jwt(&self, university: &str, credential: &Value) -> Result<String, SecureError> {
        let _ = credential;
        Err(SecureError::NoKey(university.to_owned()))
    }
    /// The university's DID document (every key, rotated ones included).
    fn did_document(&self, university: &str) -> Result<Value, SecureError>;
    /// The university's seal identity as a verifier's registry lists it (organisation, its
    /// identifier and the CA certificates the seal chains to); `None` without a seal.
    fn seal_entry(&self, _university: &str) -> Option<SealEntry> {
        None
    }
    /// The university's seal signer with its certificate chain (DER, leaf first), for JOSE
    /// signatures carrying `x5c` (SD-JWT VCs, issue #16); `None` without a seal.
    fn seal_signer(&self, _university: &str) -> Option<(&dyn proofs::Signer, Vec<Vec<u8>>)> {
        None
    }
    /// The university's did:key and its DID document, when it also signs as a did:key
    /// (`did_key = true` in its `keys.toml`, issue #15); `None` otherwise.
    fn did_key(&self, _university: &str) -> Option<(String, Value)> {
        None
    }
}

/// [`Securer`] over a `proofs` [`KeyStore`].
pub struct KeyStoreSecurer {
    keys: KeyStore,
}

impl std::fmt::Debug for KeyStoreSecurer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<_> = self.keys.universities().map(|u| u.id.as_str()).collect();
        f.debug_struct("KeyStoreSecurer")
            .field("universities", &ids)
            .finish_non_exhaustive()
    }
}

impl KeyStoreSecurer {
    /// The keys of `university` and the Data Integrity signer of `document`: the current key
    /// under the university's did:key when the document's `issuer` is that did:key, under its
    /// did:web otherwise; `NoKey` when it has none.
    fn current_keys(
        &self,
        university: &str,
        document: &Map<String, Value>,
    ) -> Result<(&UniversityKeys, std::sync::Arc<dyn proofs::Signer>), SecureError> {
        let no_key = || SecureError::NoKey(university.to_owned());
        let u = self.keys.university(university).ok_or_else(no_key)?;
        let issuer = data_integrity::issuer_of(document);
        if issuer.is_some() && issuer == u.did_key.as_deref() {
            return Ok((u, u.did_key_signer().ok_or_else(no_key)?));
        }
        let key = u.keys.iter().find(|k| k.current).ok_or_else(no_key)?;
        Ok((u, key.signer.clone()))
    }

    /// Loads the key store at `dir`; DIDs are built under `public_base_url`.
    pub fn load(dir: &std::path::Path, public_base_url: &str) -> Result<Self, SecureError> {
        let keys = KeyStore::load(dir, public_base_url)
            .map_err(|e| SecureError::KeyStore(e.to_string()))?;
        Ok(Self { keys })
    }

    /// Universities with keys.
    pub fn universities(&self) -> Vec<String> {
        self.keys.universities().map(|u| u.id.clone()).collect()
    }

    /// Universities any of whose private keys is a plain file (`backend = "file"`), not a
    /// PKCS#11 token: fine for the demo, warned about at start-up otherwise.
    pub fn universities_with_file_keys(&self) -> Vec<String> {
        self.keys
            .universities_with_file_keys()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }
}

/// Whether `public_base_url` is a demo deployment: its host is `localhost` (or a `*.localhost`
/// name, RFC 6761 §6.3) or a loopback address (127.0.0.0/8, `::1`). Only such a deployment may
/// sign with file keys without a start-up warning.
pub fn is_demo_base_url(public_base_url: &str) -> bool {
    // WHATWG URL parsing (the `url` crate): userinfo, ports, IPv6 brackets and host
    // normalisation (lower case, IPv4 forms such as `127.1`) are the parser's, not ours.
    match url::Url::parse(public_base_url)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()))
    {
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.');
            name == "localhost" || name.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

impl Securer for KeyStoreSecurer {
    fn sign(
        &self,
        university: &str,
        document: Map<String, Value>,
        created: DateTime<Utc>,
    ) -> Result<Value, SecureError> {
        let (_, signer) = self.current_keys(university, &document)?;
        data_integrity::sign_owned(
            Value::Object(document),
            &signer,
            &ProofOptions::new(created),
        )
        .map_err(sign_error)
    }

    fn secure(
        &self,
        university: &str,
        document: Map<String, Value>,
        created: DateTime<Utc>,
    ) -> Result<Secured, SecureError> {
        let (u, signer) = self.current_keys(university, &document)?;
        let unsecured = Value::Object(document);
        let (jades, jades_value) = match &u.seal {
            None => (None, None),
            Some(seal) => {
                let bytes =
                    serde_json::to_vec(&unsecured).map_err(|e| SecureError::Sign(e.to_string()))?;
                let sealed =
                    proofs::jades::seal(&bytes, seal.signer.as_ref(), &seal.chain, created)
                        .map_err(|e| SecureError::Sign(e.to_string()))?;
                (None, Some(sealed))
            }
        };
        // Last, so the document is moved into the proof step rather than copied.
        let (credential, document_hash) =
            data_integrity::sign_owned_hashed(unsecured, &signer, &ProofOptions::new(created))
                .map_err(sign_error)?;
        Ok(Secured {
            credential,
            jades,
            jades_value,
            vc_jwt: None,
            document_hash,
        })
    }

    fn vc_jwt(&self, university: &str, credential: &Value) -> Result<String, SecureError> {
        let u = self
            .keys
            .university(university)
            .ok_or_else(|| SecureError::NoKey(university.to_owned()))?;
        let Value::Object(secured) = credential else {
            return Err(SecureError::Sign(
                "the credential is not a JSON object".into(),
            ));
        };
        let method = match secured.get("proof") {
            Some(Value::Object(p)) => p.get("verificationMethod").and_then(Value::as_str),
            Some(Value::Array(set)) => set
                .first()
                .and_then(|p| p.get("verificationMethod"))
                .and_then(Value::as_str),
            _ => None,
        }
        .ok_or_else(|| SecureError::Sign("the credential has no Data Integrity proof".into()))?;
        let signer = u
            .keys
            .iter()
            .map(|k| k.signer.clone())
            .chain(u.did_key_signer())
            .find(|s| proofs::Signer::key_id(s) == method)
            .ok_or_else(|| SecureError::NoKey(format!("{university} ({method})")))?;
        proofs::vc_jwt::encode(
            &Value::Object(data_integrity::without_proof(secured)),
            &signer,
        )
        .map_err(|e| SecureError::Sign(e.to_string()))
    }

    fn did_document(&self, university: &str) -> Result<Value, SecureError> {
        let u = self
            .keys
            .university(university)
            .ok_or_else(|| SecureError::NoKey(university.to_owned()))?;
        u.did_document()
            .map_err(|e| SecureError::KeyStore(e.to_string()))
    }

    fn did_key(&self, university: &str) -> Option<(String, Value)> {
        let u = self.keys.university(university)?;
        let document = u.did_key_document()?.ok()?;
        Some((u.did_key.clone()?, document))
    }

    fn seal_signer(&self, university: &str) -> Option<(&dyn proofs::Signer, Vec<Vec<u8>>)> {
        let seal = self.keys.university(university)?.seal.as_ref()?;
        let chain = seal
            .chain
            .iter()
            .map(|c| proofs::certs::certificate_to_der(c).ok())
            .collect::<Option<Vec<_>>>()?;
        Some((seal.signer.as_ref(), chain))
    }

    fn seal_entry(&self, university: &str) -> Option<SealEntry> {
        let seal = self.keys.university(university)?.seal.as_ref()?;
        let info = proofs::certs::CertificateInfo::of(seal.chain.first()?);
        let ca_certificates = self
            .keys
            .trust_anchors()
            .certificates()
            .iter()
            .filter_map(|c| proofs::certs::certificate_to_pem(c).ok())
            .collect();
        Some(SealEntry {
            organisation: info.organisation,
            organisation_identifier: info.organisation_identifier?,
            ca_certificates,
        })
    }
}

/// The check every secured credential passes before it is stored: `verifier::verify` of each
/// form (Data Integrity JSON-LD, JAdES seal, VC-JWT) under an offline policy whose trusted-issuer
/// registry is the issuer's own universities with the DID documents (and seal CAs) it publishes.
///
/// The Data Integrity form gets every check that applies before storage (format, proof, trust,
/// awarding body; not expiry, see the module docs). The JAdES and VC-JWT forms get the checks
/// that depend on how they are secured (proof / seal and trust), and their payload must be the
/// same credential as the Data Integrity form (which adds only its proof and, for VC 1.1, the
/// Data Integrity context): so format and awarding body, which depend on the content only, are
/// not run three times.
#[derive(Debug, Clone)]
pub struct IssuanceCheck {
    full: Policy,
    secondary: Policy,
}

/// The trusted-issuer registry entry of one of the issuer's own universities: its DID with the
/// `document` the issuer publishes, and its `seal`.
pub(crate) fn own_member(
    u: &elm_model::University,
    document: Value,
    seal: Option<SealEntry>,
) -> Member {
    Member {
        id: u.id.clone(),
        legal_name: u
            .legal_name
            .iter()
            .map(|(l, v)| (l.to_owned(), v.to_owned()))
            .collect(),
        legal_identifier: u.legal_identifier.clone(),
        country: Some(u.country.clone()),
        dids: vec![DidEntry {
            id: u.did.clone(),
            document,
        }],
        seal,
    }
}

/// A trusted-issuer registry, named `name`, of the issuer's own universities (`members`, see
/// [`own_member`]) in the ENHANCE Alliance.
pub(crate) fn own_registry(name: &str, members: Vec<Member>) -> TrustRegistry {
    TrustRegistry {
        comment: String::new(),
        name: name.into(),
        alliance: Alliance {
            id: elm_model::build::ENHANCE_GROUP_ID.into(),
            name: "ENHANCE Alliance".into(),
        },
        members,
    }
}

impl IssuanceCheck {
    /// The check for `universities` (those whose DID document `securer` cannot give are left out
    /// of the registry: nothing they sign can pass).
    pub fn new(universities: &Universities, securer: &dyn Securer) -> Self {
        let mut members = Vec::new();
        // Seal CAs parsed once, as the policy's anchors (not per verification from the registry).
        let mut anchors = proofs::certs::TrustAnchors::empty();
        for u in universities.iter() {
            let Ok(document) = securer.did_document(&u.id) else {
                continue;
            };
            let seal = securer.seal_entry(&u.id).map(|mut seal| {
                for pem in std::mem::take(&mut seal.ca_certificates) {
                    for c in proofs::certs::certificates_from_pem(&pem).unwrap_or_default() {
                        if !anchors.certificates().contains(&c) {
                            anchors.add(c);
                        }
                    }
                }
                seal
            });
            let mut member = own_member(u, document, seal);
            // A university that also signs as a did:key is listed by it too.
            if let Some((id, document)) = securer.did_key(&u.id) {
                member.dids.push(DidEntry { id, document });
            }
            members.push(member);
        }
        let mut full = Policy::new(own_registry("issuer's own universities", members));
        full.trust_anchors = anchors;
        let full = full.with_network(NetworkPolicy::offline()).with_checks([
            CheckKind::Format,
            CheckKind::Proof,
            CheckKind::Trust,
            CheckKind::AwardingBody,
        ]);
        let secondary = full
            .clone()
            .with_checks([CheckKind::Proof, CheckKind::Trust]);
        Self { full, secondary }
    }

    /// Verifies every form of `secured` at `at`; the findings of every check that did not pass
    /// (rule `verify.<check>`, the message naming the form), or what was established.
    ///
    /// `secured` is borrowed mutably only to look at its credential without its proof in place
    /// ([`data_integrity::with_unsecured`]); it is left exactly as it was.
    pub fn check(
        &self,
        secured: &mut Secured,
        at: DateTime<Utc>,
    ) -> Result<Checked, Vec<FieldError>> {
        let clock = FixedClock(at);
        let mut findings = Vec::new();
        let record = |findings: &mut Vec<FieldError>, form: &str, report: &verifier::Report| {
            if report.verdict != Verdict::Valid {
                for c in report
                    .checks
                    .iter()
                    .filter(|c| matches!(c.status, CheckStatus::Failed | CheckStatus::Error))
                {
                    findings.push(FieldError::new(
                        "",
                        format!("verify.{}", c.check.name()),
                        format!("{form}: {}", c.message),
                    ));
                }
            }
        };
        let Secured {
            credential,
            jades,
            jades_value,
            vc_jwt,
            document_hash,
        } = secured;
        let report = match document_hash {
            Some(hash) => verifier::verify_signed_credential(credential, *hash, &self.full, &clock),
            None => verifier::verify_json(credential, &self.full, &clock),
        };
        record(&mut findings, "Data Integrity credential", &report);
        let parsed;
        let envelope: Option<&Value> = match (&*jades, &*jades_value) {
            (_, Some(v)) => Some(v),
            (None, None) => None,
            (Some(text), None) => match strict_json::from_str(text) {
                Ok(v) => {
                    parsed = v;
                    Some(&parsed)
                }
                Err(e) => {
                    findings.push(FieldError::new(
                        "",
                        "verify.format",
                        format!("JAdES seal: not JSON: {e}"),
                    ));
                    None
                }
            },
        };
        let sealed_payload = envelope
            .and_then(|v| v.get("payload"))
            .and_then(Value::as_str);
        let mut sealed_is_credential = false;
        let mut seal_bytes_match = false;
        if let Some(v) = envelope {
            // The seal made by this service carries the very bytes of the credential without its
            // proof: recognised as it serialises, neither parsed nor copied.
            let report = data_integrity::with_unsecured(credential, |unsecured| {
                verifier::verify_sealed_credential(v, unsecured, &self.secondary, &clock)
            });
            match report {
                Some(report) => {
                    sealed_is_credential = true;
                    seal_bytes_match = true;
                    record(&mut findings, "JAdES seal", &report);
                }
                None => {
                    record(
                        &mut findings,
                        "JAdES seal",
                        &verifier::verify_json(v, &self.secondary, &clock),
                    );
                    sealed_is_credential =
                        sealed_payload.is_some_and(|p| payload_is(credential, p.as_bytes()));
                    if !sealed_is_credential {
                        findings.push(FieldError::new("", "verify.payload", "JAdES seal: the sealed credential is not the Data Integrity credential"));
                    }
                }
            }
        }
        if let Some(jwt) = &*vc_jwt {
            record(
                &mut findings,
                "VC-JWT",
                &verifier::verify_json(&Value::String(jwt.clone()), &self.secondary, &clock),
            );
            let payload = jwt
                .split('.')
                .nth(1)
                .and_then(|p| URL_SAFE_NO_PAD.decode(p).ok())
                .unwrap_or_default();
            // Same bytes as the sealed payload (when that is the credential), or compared itself.
            let same = (sealed_is_credential
                && sealed_payload.is_some_and(|s| s.as_bytes() == payload.as_slice()))
                || payload_is(credential, &payload);
            if !same {
                findings.push(FieldError::new(
                    "",
                    "verify.payload",
                    "VC-JWT: the signed credential is not the Data Integrity credential",
                ));
            }
        }
        if findings.is_empty() {
            Ok(Checked {
                seal_payload_is_credential: sealed_is_credential && seal_bytes_match,
            })
        } else {
            Err(findings)
        }
    }
}

impl IssuanceCheck {
    /// Verifies an SD-JWT VC made for a wallet (issue #16) at `at` with the checks of the Data
    /// Integrity form (format, proof, trust, awarding body; offline): the findings of every check
    /// that did not pass, as [`IssuanceCheck::check`].
    pub fn check_sd_jwt_vc(&self, sd_jwt: &str, at: DateTime<Utc>) -> Result<(), Vec<FieldError>> {
        let report = verifier::sd_jwt_vc::verify_sd_jwt_vc(
            sd_jwt,
            &verifier::sd_jwt_vc::SdJwtVcOptions::default(),
            &self.full,
            &FixedClock(at),
        );
        if report.verdict == Verdict::Valid {
            return Ok(());
        }
        Err(report
            .checks
            .iter()
            .filter(|c| matches!(c.status, CheckStatus::Failed | CheckStatus::Error))
            .map(|c| {
                FieldError::new(
                    "",
                    format!("verify.{}", c.check.name()),
                    format!("SD-JWT VC: {}", c.message),
                )
            })
            .collect())
    }
}

/// What [`IssuanceCheck::check`] established besides "valid".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    /// The JAdES seal's payload is, byte for byte, the Data Integrity credential without its
    /// proof as [`data_integrity::with_unsecured`] gives it, serialised by `serde_json`: the seal
    /// can be stored without its payload and made whole again from the stored credential.
    pub seal_payload_is_credential: bool,
}

/// The Data Integrity context a VC 1.1 credential gains when signed (Data Integrity 1.0 §2.1).
const DATA_INTEGRITY_CONTEXT: &str = "https://w3id.org/security/data-integrity/v2";

/// Whether `payload` (JSON bytes: the unsecured credential as sealed or JWT-signed) is the Data
/// Integrity credential `secured` without its proof: every member equal, and the credential's
/// `@context` the payload's plus, at most, the Data Integrity context. (`secured` is looked at
/// in place and left as it was.)
fn payload_is(secured: &mut Value, payload: &[u8]) -> bool {
    // The forms this service makes carry the very bytes of the unsecured credential: compared as
    // it serialises instead of parsing the payload.
    if data_integrity::with_unsecured(secured, |u| data_integrity::serializes_to(u, payload)) {
        return true;
    }
    let Some(di) = secured.as_object() else {
        return false;
    };
    let Ok(Value::Object(p)) = strict_json::from_slice(payload) else {
        return false;
    };
    if p.iter()
        .any(|(k, v)| k != "@context" && di.get(k) != Some(v))
    {
        return false;
    }
    if di
        .keys()
        .any(|k| k != "proof" && k != "@context" && !p.contains_key(k))
    {
        return false;
    }
    let list = |v: Option<&Value>| -> Vec<Value> {
        match v {
            Some(Value::Array(a)) => a.clone(),
            Some(v) => vec![v.clone()],
            None => Vec::new(),
        }
    };
    let (dc, pc) = (list(di.get("@context")), list(p.get("@context")));
    dc.strip_prefix(pc.as_slice()).is_some_and(|rest| {
        rest.iter()
            .all(|c| c.as_str() == Some(DATA_INTEGRITY_CONTEXT))
    })
}

#[cfg(test)]
mod demo_tests {
    use super::is_demo_base_url;

    #[test]
    fn only_loopback_and_localhost_base_urls_are_demo() {
        for demo in [
            "http://localhost:8080",
            "http://127.0.0.1:8080/",
            "http://[::1]:8080",
            "https://issuer.localhost",
            "http://127.8.0.1",
            "http://LOCALHOST:8080",
            "http://127.1:8080",
        ] {
            assert!(is_demo_base_url(demo), "{demo}");
        }
        for real in [
            "https://credentials.ethz.ch",
            "http://10.0.0.5:8080",
            "https://localhost.example.org",
            "http://user@evil.example",
            "http://[2001:db8::1]",
            "http://localhost@evil.example",
            "not a url",
        ] {
            assert!(!is_demo_base_url(real), "{real}");
        }
    }
}
