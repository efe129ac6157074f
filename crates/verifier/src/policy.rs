//! The verification policy: which checks run, whom to trust, and how (and whether) the network may
//! be used.
//!
//! W3C VC Data Model 2.0 §7.1 "Verification" leaves to the verifier which checks it applies and
//! which issuers it trusts; the VC-API `/credentials/verify` `options.checks` selects checks the same
//! way. The network rules implement the safety advice of did:web §3.2.2 / §2.5 "Security
//! Considerations" and Bitstring Status List v1.0 §6 (privacy and availability of status lists):
//! https only, bounded time and size, no redirects to other hosts, and no requests to private,
//! loopback or link-local addresses unless explicitly allow-listed.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use proofs::certs::TrustAnchors;

use crate::fetch::Fetcher;
use crate::registry::TrustRegistry;
use crate::report::CheckKind;

/// Decompressed size cap of a status list bitstring (16 MiB = 134,217,728 entries).
pub const DEFAULT_MAX_STATUS_LIST_BYTES: usize = 16 * 1024 * 1024;

/// Default total deadline of one fetch (connect, TLS, headers and body together).
pub const DEFAULT_FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// Default deadline of one verification's fetches, all of them together (they run concurrently).
pub const DEFAULT_VERIFICATION_DEADLINE: Duration = Duration::from_secs(10);

/// Default largest credential [`crate::verify()`] reads, in bytes (the CLI's `--max-bytes`): the
/// VC-JWT form of the largest award this project issues (eight 512 KiB display images, base64
/// twice) is about 7.5 MB.
pub const DEFAULT_MAX_CREDENTIAL_BYTES: usize = 8 * 1024 * 1024;

/// What the verifier may fetch (did:web documents and status lists; never a JSON-LD context).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkPolicy {
    /// Whether anything may be fetched at all. When off, did:web issuers outside the registry and
    /// status lists cannot be checked (`error`).
    pub enabled: bool,
    /// Private, loopback, link-local (and other non-public) addresses that may nevertheless be
    /// contacted. Empty by default; tests allow-list `127.0.0.1`.
    pub allow_addresses: Vec<IpAddr>,
    /// TEST ONLY: allow plain `http://` (status list URLs and did:web documents). Never in production.
    pub allow_http: bool,
    /// TCP + TLS connect timeout.
    pub connect_timeout: Duration,
    /// Total deadline of one request: connect, TLS, headers and body together, enforced around
    /// the whole request (not per read).
    pub timeout: Duration,
    /// Largest response body read, in bytes.
    pub max_response_bytes: usize,
    /// Redirects followed (same host and scheme only).
    pub max_redirects: usize,
    /// PEM files of additional CA certificates trusted for https (next to the built-in web PKI
    /// roots): status lists and did:web documents served inside a university's own PKI. Read when
    /// the fetcher builds its client; a file that cannot be read or holds no certificate makes
    /// every fetch "could not check" ([`crate::fetch::FetchError::Client`]).
    pub extra_ca_files: Vec<std::path::PathBuf>,
}

impl Default for NetworkPolicy {
    fn default() -> Self {
        Self {
            enabled: true,
            allow_addresses: Vec::new(),
            allow_http: false,
            connect_timeout: Duration::from_secs(5),
            timeout: DEFAULT_FETCH_TIMEOUT,
            max_response_bytes: 2 * 1024 * 1024,
            max_redirects: 3,
            extra_ca_files: Vec::new(),
        }
    }
}

impl NetworkPolicy {
    /// No network access at all.
    pub fn offline() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// TEST ONLY: loopback allow-listed, plain http allowed, short timeouts.
    pub fn local_testing() -> Self {
        Self {
            enabled: true,
            allow_addresses: vec![
                IpAddr::from([127, 0, 0, 1]),
                IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1]),
            ],
            allow_http: true,
            connect_timeout: Duration::from_secs(2),
            timeout: Duration::from_secs(3),
            ..Self::default()
        }
    }
}

/// Everything a verification depends on besides the credential and the clock.
///
/// Cloning a policy shares its fetch cache.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The checks to run; the others are reported `skipped`.
    pub checks: BTreeSet<CheckKind>,
    /// Checks that run and are reported but do not count in the verdict (empty by default; the
    /// VC-API verify endpoints' default is `trust` and `awarding-body`, ADR 0004). With `trust`
    /// advisory or not selected, a Data Integrity proof set without a proof by the issuer is not a
    /// proof failure: the proof check warns, and the trust check (if it runs) fails the issuer
    /// binding.
    pub advisory: BTreeSet<CheckKind>,
    /// Trusted issuers (ENHANCE members), with their DID documents and seal CAs.
    pub registry: TrustRegistry,
    /// Seal CA trust anchors in addition to the registry's.
    pub trust_anchors: TrustAnchors,
    /// Network rules.
    pub network: NetworkPolicy,
    /// How long a fetched status list credential is reused.
    pub status_list_ttl: Duration,
    /// How long a fetched DID document is reused.
    pub did_document_ttl: Duration,
    /// Decompressed size cap of a status list bitstring.
    pub max_status_list_bytes: usize,
    /// Deadline of all the fetches of one verification together (status lists and DID
    /// documents, fetched concurrently); what misses it is "could not check".
    pub verification_deadline: Duration,
    /// Caps on the credential's shape (nesting, JSON values, blank nodes), checked before any
    /// JSON-LD processing ([`canon::budget`]); also applied to fetched status lists.
    pub budget: canon::Budget,
    /// Largest credential [`crate::verify()`] reads, in bytes.
    pub max_credential_bytes: usize,
    /// Whether a credential from outside the alliance fails the awarding-body check when its
    /// awarding body is not the sealing organisation / signing DID (default `false`: "awarded by
    /// A, sealed by B" is reported as information).
    pub awarding_body_must_be_signer: bool,
    /// The EU trusted lists (eIDAS) as a second trust source for JAdES seals
    /// ([`crate::eidas`]); `None`: not used.
    pub trusted_lists: Option<Arc<trusted_lists::TrustedListIndex>>,
    pub(crate) fetcher: Arc<Fetcher>,
    /// The seal anchors last built from `registry` and `trust_anchors`, with the fingerprint of
    /// what they were built from (so a changed registry is never served stale anchors). Shared by
    /// clones, so the anchors' memo of verified certificate signatures is too.
    pub(crate) seal_anchors: Arc<FingerprintCache<TrustAnchors>>,
    /// The registry's offline DID resolver last built, with the fingerprint of the DID documents
    /// it was built from (building it decodes every member's keys: more work than a proof).
    pub(crate) registry_resolver: Arc<FingerprintCache<proofs::did::StaticDidResolver>>,
}

/// The last value built from some policy inputs, kept with the SHA-256 fingerprint of those
/// inputs: a caller with other inputs gets a fresh value, never a stale one.
#[derive(Debug)]
pub(crate) struct FingerprintCache<T>(std::sync::Mutex<Option<([u8; 32], T)>>);

impl<T> Default for FingerprintCache<T> {
    fn default() -> Self {
        Self(std::sync::Mutex::new(None))
    }
}

impl<T: Clone> FingerprintCache<T> {
    /// The value built from inputs with `fingerprint`: the kept one if it matches, else `build()`
    /// (then kept).
    pub(crate) fn get_or_build(&self, fingerprint: [u8; 32], build: impl FnOnce() -> T) -> T {
        if let Ok(kept) = self.0.lock() {
            if let Some((_, value)) = kept.as_ref().filter(|(f, _)| *f == fingerprint) {
                return value.clone();
            }
        }
        let value = build();
        if let Ok(mut kept) = self.0.lock() {
            *kept = Some((fingerprint, value.clone()));
        }
        value
    }
}

impl Policy {
    /// All checks, `registry`, default network rules (public https only, 5 s per fetch), 10 s
    /// for all the fetches of one verification, 5-minute status cache, 1-hour DID document cache,
    /// the default [`canon::Budget`], credentials up to 8 MiB.
    pub fn new(registry: TrustRegistry) -> Self {
        Self {
            checks: CheckKind::ALL.into_iter().collect(),
            advisory: BTreeSet::new(),
            registry,
            trust_anchors: TrustAnchors::empty(),
            network: NetworkPolicy::default(),
            status_list_ttl: Duration::from_secs(300),
            did_document_ttl: Duration::from_secs(3600),
            max_status_list_bytes: DEFAULT_MAX_STATUS_LIST_BYTES,
            verification_deadline: DEFAULT_VERIFICATION_DEADLINE,
            budget: canon::Budget::default(),
            max_credential_bytes: DEFAULT_MAX_CREDENTIAL_BYTES,
            awarding_body_must_be_signer: false,
            trusted_lists: None,
            fetcher: Arc::new(Fetcher::default()),
            seal_anchors: Arc::default(),
            registry_resolver: Arc::default(),
        }
    }

    /// [`Policy::new`] with the committed demo registry (`keys.example/trust-registry.json`).
    pub fn demo() -> Result<Self, crate::registry::RegistryError> {
        Ok(Self::new(TrustRegistry::demo()?))
    }

    /// Only `checks` run.
    pub fn with_checks(mut self, checks: impl IntoIterator<Item = CheckKind>) -> Self {
        self.checks = checks.into_iter().collect();
        self
    }

    /// Runs `advisory` for information only: reported, not counted in the verdict
    /// ([`Policy::advisory`]).
    pub fn with_advisory(mut self, advisory: impl IntoIterator<Item = CheckKind>) -> Self {
        self.advisory = advisory.into_iter().collect();
        self
    }

    /// The VC-API verify endpoints' default when a request names no `options.checks` (ADR 0004):
    /// every check runs; `trust` and `awarding-body` (who the signer is to this service) are
    /// reported but do not decide `verified`, which answers "cryptographically valid, well-formed,
    /// unrevoked, within its validity period".
    pub fn vc_api_default(self) -> Self {
        self.with_advisory([CheckKind::Trust, CheckKind::AwardingBody])
    }

    /// Uses the EU trusted lists of `index` as a trust source for seals ([`crate::eidas`]).
    pub fn with_trusted_lists(mut self, index: Arc<trusted_lists::TrustedListIndex>) -> Self {
        self.trusted_lists = Some(index);
        self
    }

    /// Replaces the network rules.
    pub fn with_network(mut self, network: NetworkPolicy) -> Self {
        self.network = network;
        self
    }

    /// Whether `check` is selected.
    pub fn runs(&self, check: CheckKind) -> bool {
        self.checks.contains(&check)
    }

    /// Empties the fetch cache (status lists and DID documents).
    pub fn clear_cache(&self) {
        self.fetcher.clear();
    }
}
