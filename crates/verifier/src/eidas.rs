//! eIDAS trusted lists as a trust source of the verifier (issue #14; Regulation (EU) No 910/2014
//! art. 22, ETSI TS 119 612 lists, ETSI TS 119 615 procedure): the settings, the on-disk cache of
//! the last good set of verified lists, `verifier trust refresh` (download over the guarded
//! fetcher, verify, swap in atomically, keep the last good set on any failure), loading the cache
//! offline into a [`TrustedListIndex`], and the TRUST check's use of it for JAdES seals.
//!
//! Cache layout: `DIR/CURRENT` names the set directory in use (`DIR/set-<time>-<pid>/`, holding
//! `lotl.xml` and one `<TERRITORY>.xml` per national list). A refresh writes a new set directory,
//! then replaces `CURRENT` by rename (atomic on POSIX), then removes older sets: a reader sees the
//! old set or the new one, never a mix. Every load re-verifies every signature (the LOTL against
//! the pinned Commission certificates, each national list against the LOTL's pointer), so a
//! tampered cache is refused like a tampered download.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use proofs::certs::TrustStatus;
use proofs::jades::SealReport;
use serde::Deserialize;
use trusted_lists::index::verify_national;
use trusted_lists::xml::DEFAULT_MAX_LIST_BYTES;
use trusted_lists::xmldsig::verify_and_parse;
use trusted_lists::{load_list_set, ListSetReport, SealAssessment, TrustedListIndex, XmlLimits};

use crate::fetch::{Fetcher, Request};
use crate::policy::{NetworkPolicy, Policy};
use crate::report::{CheckKind, CheckResult, CheckStatus};

/// Where the Commission publishes the LOTL.
pub const DEFAULT_LOTL_URL: &str = "https://ec.europa.eu/tools/lotl/eu-lotl.xml";

const ACCEPT: &str = "application/vnd.etsi.tsl+xml, application/xml;q=0.9, text/xml;q=0.8";

/// Settings of the trusted lists (`[trusted_lists]` in the verifier's TOML configuration;
/// `ENHANCE_VERIFIER_TRUSTED_LISTS_*` environment variables; docs/CONFIG.md).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrustedListsConfig {
    /// Cache directory of the last good set; unset: trusted lists are not used.
    /// `ENHANCE_VERIFIER_TRUSTED_LISTS_CACHE_DIR`.
    pub cache_dir: Option<PathBuf>,
    /// Where the LOTL is downloaded from. `ENHANCE_VERIFIER_TRUSTED_LISTS_LOTL_URL`.
    pub lotl_url: String,
    /// PEM file with the Commission's LOTL signing certificates (as published in the Official
    /// Journal); the LOTL must verify with one of them. `ENHANCE_VERIFIER_TRUSTED_LISTS_PINNED_CERTIFICATES`.
    pub pinned_certificates: Option<PathBuf>,
    /// Largest list accepted (download and parse), in bytes.
    /// `ENHANCE_VERIFIER_TRUSTED_LISTS_MAX_LIST_BYTES`.
    pub max_list_bytes: usize,
    /// Total deadline of one list download, in seconds.
    /// `ENHANCE_VERIFIER_TRUSTED_LISTS_FETCH_TIMEOUT_SECS`.
    pub fetch_timeout_secs: u64,
}

impl Default for TrustedListsConfig {
    fn default() -> Self {
        Self {
            cache_dir: None,
            lotl_url: DEFAULT_LOTL_URL.to_string(),
            pinned_certificates: None,
            max_list_bytes: DEFAULT_MAX_LIST_BYTES,
            fetch_timeout_secs: 30,
        }
    }
}

/// Errors of the trusted-list cache and refresh.
#[derive(Debug, thiserror::Error)]
pub enum EidasError {
    /// A setting is missing or wrong (`field` names it).
    #[error("trusted_lists.{field}: {rule}")]
    Config {
        /// The setting.
        field: &'static str,
        /// What is wrong.
        rule: String,
    },
    /// The LOTL could not be downloaded (the last good set is kept).
    #[error("cannot download the LOTL from {url}: {reason}; the last good set is kept")]
    Download {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The LOTL was refused (the last good set is kept).
    #[error("the LOTL was refused: {0}; the last good set is kept")]
    Lotl(trusted_lists::TlError),
    /// The cache is empty or unreadable.
    #[error("trusted-list cache {dir}: {reason}")]
    Cache {
        /// The directory.
        dir: String,
        /// Why.
        reason: String,
    },
}

fn config_err(field: &'static str, rule: impl Into<String>) -> EidasError {
    EidasError::Config {
        field,
        rule: rule.into(),
    }
}

impl TrustedListsConfig {
    /// Applies `ENHANCE_VERIFIER_TRUSTED_LISTS_*` variables from `env`.
    pub fn apply_env(&mut self, env: &HashMap<String, String>) -> Result<(), EidasError> {
        let var = |k: &str| env.get(&format!("ENHANCE_VERIFIER_TRUSTED_LISTS_{k}"));
        if let Some(v) = var("CACHE_DIR") {
            self.cache_dir = (!v.is_empty()).then(|| PathBuf::from(v));
        }
        if let Some(v) = var("LOTL_URL") {
            self.lotl_url = v.clone();
        }
        if let Some(v) = var("PINNED_CERTIFICATES") {
            self.pinned_certificates = (!v.is_empty()).then(|| PathBuf::from(v));
        }
        if let Some(v) = var("MAX_LIST_BYTES") {
            self.max_list_bytes = v.parse().map_err(|_| {
                config_err(
                    "max_list_bytes",
                    format!("must be a number of bytes, got {v:?}"),
                )
            })?;
        }
        if let Some(v) = var("FETCH_TIMEOUT_SECS") {
            self.fetch_timeout_secs = v.parse().map_err(|_| {
                config_err(
                    "fetch_timeout_secs",
                    format!("must be a number of seconds, got {v:?}"),
                )
            })?;
        }
        self.check()
    }

    /// Checks the values.
    pub fn check(&self) -> Result<(), EidasError> {
        if self.max_list_bytes == 0 {
            return Err(config_err("max_list_bytes", "must be at least 1"));
        }
        if self.fetch_timeout_secs == 0 {
            return Err(config_err("fetch_timeout_secs", "must be at least 1"));
        }
        if self.lotl_url.is_empty() {
            return Err(config_err("lotl_url", "must not be empty"));
        }
        Ok(())
    }

    /// The XML caps.
    pub fn limits(&self) -> XmlLimits {
        XmlLimits {
            max_bytes: self.max_list_bytes,
            ..XmlLimits::default()
        }
    }

    /// The pinned Commission certificates (DER), read from the PEM file.
    pub fn pinned(&self) -> Result<Vec<Vec<u8>>, EidasError> {
        let path = self.pinned_certificates.as_ref().ok_or_else(|| {
            config_err(
                "pinned_certificates",
                "not set: the LOTL can only be trusted against the Commission's signing certificates pinned here",
            )
        })?;
        let pem = std::fs::read_to_string(path).map_err(|e| {
            config_err(
                "pinned_certificates",
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        let certs = proofs::certs::certificates_from_pem(&pem)
            .map_err(|e| config_err("pinned_certificates", format!("{}: {e}", path.display())))?;
        if certs.is_empty() {
            return Err(config_err(
                "pinned_certificates",
                format!("{} holds no certificate", path.display()),
            ));
        }
        certs
            .iter()
            .map(|c| {
                proofs::certs::certificate_to_der(c)
                    .map_err(|e| config_err("pinned_certificates", e.to_string()))
            })
            .collect()
    }

    /// Defaults overridden by the process environment (the CLI's configuration).
    pub fn from_process_env() -> Result<Self, EidasError> {
        let env: HashMap<String, String> = std::env::vars()
            .filter(|(k, _)| k.starts_with("ENHANCE_VERIFIER_TRUSTED_LISTS_"))
            .collect();
        let mut cfg = Self::default();
        cfg.apply_env(&env)?;
        Ok(cfg)
    }

    /// The index a policy should use: `None` when no cache is configured; when the cache cannot
    /// be loaded, an index with no lists whose every assessment says why ("lists unavailable").
    pub fn index(&self) -> Option<Arc<TrustedListIndex>> {
        let loaded = self.load()?;
        let index = loaded
            .map(|(i, _)| i)
            .unwrap_or_else(|e| TrustedListIndex::unavailable(e.to_string()));
        Some(Arc::new(index))
    }

    /// Loads the cached set when `cache_dir` is set (`None` when it is not).
    pub fn load(&self) -> Option<Result<(TrustedListIndex, ListSetReport), EidasError>> {
        let dir = self.cache_dir.as_ref()?;
        Some(
            self.pinned()
                .and_then(|p| load_cache(dir, &p, &self.limits())),
        )
    }
}

fn cache_err(dir: &Path, reason: impl Into<String>) -> EidasError {
    EidasError::Cache {
        dir: dir.display().to_string(),
        reason: reason.into(),
    }
}

/// The set directory `DIR/CURRENT` names, if any.
fn current_set(dir: &Path) -> Option<PathBuf> {
    let name = std::fs::read_to_string(dir.join("CURRENT")).ok()?;
    let name = name.trim();
    let valid = name.starts_with("set-") && !name.contains(['/', '\\']) && !name.contains("..");
    valid.then(|| dir.join(name))
}

/// Whether `name` is a territory file name (`XX.xml`, letters only, not the LOTL).
fn territory_of(file: &Path) -> Option<String> {
    let stem = file.file_stem()?.to_str()?;
    let ok = file.extension().is_some_and(|e| e == "xml")
        && stem != "lotl"
        && (2..=8).contains(&stem.len())
        && stem.chars().all(|c| c.is_ascii_alphabetic());
    ok.then(|| stem.to_string())
}

/// Loads and re-verifies the cached set of `dir` (offline).
pub fn load_cache(
    dir: &Path,
    pinned: &[Vec<u8>],
    limits: &XmlLimits,
) -> Result<(TrustedListIndex, ListSetReport), EidasError> {
    let set = current_set(dir)
        .ok_or_else(|| cache_err(dir, "no lists yet (run `verifier trust refresh`)"))?;
    let lotl = std::fs::read(set.join("lotl.xml"))
        .map_err(|e| cache_err(dir, format!("lotl.xml: {e}")))?;
    let mut nationals = Vec::new();
    let entries = std::fs::read_dir(&set).map_err(|e| cache_err(dir, e.to_string()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if let Some(t) = territory_of(&path) {
            let bytes = std::fs::read(&path)
                .map_err(|e| cache_err(dir, format!("{}: {e}", path.display())))?;
            nationals.push((t, bytes));
        }
    }
    nationals.sort_by(|a, b| a.0.cmp(&b.0));
    load_list_set(&lotl, pinned, &nationals, limits)
        .map_err(|e| cache_err(dir, format!("cached LOTL refused: {e}")))
}

/// What a refresh did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RefreshReport {
    /// The new LOTL's sequence number.
    pub lotl_sequence: Option<u64>,
    /// Territories downloaded and verified now.
    pub updated: Vec<String>,
    /// Territories whose download or signature failed and whose previous, still valid, list was kept.
    pub kept_previous: BTreeMap<String, String>,
    /// Territories with no valid list (reason).
    pub failed: BTreeMap<String, String>,
    /// The set directory now in use.
    pub set_dir: String,
}

/// Downloads the LOTL and the national lists it points to, verifies every signature, and makes
/// the good set the cache's current set. The last good set stays in use when the LOTL cannot be
/// downloaded or verified; a national list that fails keeps its previous copy if that still
/// verifies against the new LOTL.
pub fn refresh(
    cfg: &TrustedListsConfig,
    pinned: &[Vec<u8>],
    fetcher: &Fetcher,
    network: &NetworkPolicy,
    now: DateTime<Utc>,
) -> Result<RefreshReport, EidasError> {
    let dir = cfg
        .cache_dir
        .as_ref()
        .ok_or_else(|| config_err("cache_dir", "not set: nowhere to keep the lists"))?;
    let limits = cfg.limits();
    let np = NetworkPolicy {
        max_response_bytes: cfg.max_list_bytes,
        timeout: Duration::from_secs(cfg.fetch_timeout_secs),
        ..network.clone()
    };
    let lotl_bytes = fetch_all(fetcher, &np, now, std::slice::from_ref(&cfg.lotl_url))
        .pop()
        .unwrap_or_else(|| Err("no result".into()))
        .map_err(|reason| EidasError::Download {
            url: cfg.lotl_url.clone(),
            reason,
        })?;
    let lotl = verify_and_parse(&lotl_bytes, pinned, &limits).map_err(EidasError::Lotl)?;
    let pointers: Vec<(String, String)> = lotl
        .pointers
        .iter()
        .filter(|p| p.is_xml() && p.territory.as_deref().is_some_and(|t| t != lotl.territory))
        .filter_map(|p| p.territory.clone().map(|t| (t, p.location.clone())))
        .filter(|(t, _)| territory_of(Path::new(&format!("{t}.xml"))).is_some())
        .collect();
    let urls: Vec<String> = pointers.iter().map(|(_, u)| u.clone()).collect();
    let bodies = fetch_all(fetcher, &np, now, &urls);
    let previous = current_set(dir);
    let mut report = RefreshReport {
        lotl_sequence: lotl.sequence_number,
        ..RefreshReport::default()
    };
    let mut good: Vec<(String, Vec<u8>)> = Vec::new();
    for ((territory, _), body) in pointers.iter().zip(bodies) {
        let fresh = body.and_then(|b| {
            verify_national(&lotl, territory, &b, &limits)
                .map(|_| b)
                .map_err(|e| e.to_string())
        });
        match fresh {
            Ok(b) => {
                report.updated.push(territory.clone());
                good.push((territory.clone(), b));
            }
            Err(why) => {
                let old = previous
                    .as_ref()
                    .and_then(|p| std::fs::read(p.join(format!("{territory}.xml"))).ok())
                    .filter(|b| verify_national(&lotl, territory, b, &limits).is_ok());
                match old {
                    Some(b) => {
                        report.kept_previous.insert(territory.clone(), why);
                        good.push((territory.clone(), b));
                    }
                    None => {
                        report.failed.insert(territory.clone(), why);
                    }
                }
            }
        }
    }
    let set = write_set(dir, now, &lotl_bytes, &good)?;
    report.set_dir = set.display().to_string();
    Ok(report)
}

/// Fetches `urls` concurrently; each result is the body or the reason it failed.
fn fetch_all(
    fetcher: &Fetcher,
    np: &NetworkPolicy,
    now: DateTime<Utc>,
    urls: &[String],
) -> Vec<Result<Vec<u8>, String>> {
    let reqs: Vec<Request> = urls
        .iter()
        .map(|u| Request {
            url: u.clone(),
            accept: ACCEPT,
            ttl: Duration::ZERO,
        })
        .collect();
    let deadline = Instant::now() + np.timeout;
    fetcher
        .get_all(&reqs, np, now, deadline, None)
        .into_iter()
        .map(|r| r.map(|b| b.as_ref().clone()).map_err(|e| e.to_string()))
        .collect()
}

/// Writes a new set directory and makes it current (atomic rename of `CURRENT`), then removes
/// the other sets.
fn write_set(
    dir: &Path,
    now: DateTime<Utc>,
    lotl: &[u8],
    nationals: &[(String, Vec<u8>)],
) -> Result<PathBuf, EidasError> {
    let io = |what: &str, e: std::io::Error| cache_err(dir, format!("{what}: {e}"));
    std::fs::create_dir_all(dir).map_err(|e| io("create", e))?;
    let name = format!(
        "set-{}-{}",
        now.format("%Y%m%dT%H%M%S%.9fZ"),
        std::process::id()
    );
    let set = dir.join(&name);
    std::fs::create_dir_all(&set).map_err(|e| io("create set", e))?;
    std::fs::write(set.join("lotl.xml"), lotl).map_err(|e| io("write lotl.xml", e))?;
    for (t, bytes) in nationals {
        std::fs::write(set.join(format!("{t}.xml")), bytes).map_err(|e| io("write list", e))?;
    }
    let tmp = dir.join(format!("CURRENT.tmp-{}", std::process::id()));
    std::fs::write(&tmp, format!("{name}\n")).map_err(|e| io("write CURRENT", e))?;
    std::fs::rename(&tmp, dir.join("CURRENT")).map_err(|e| io("replace CURRENT", e))?;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let n = entry.file_name();
            let n = n.to_string_lossy();
            if n.starts_with("set-") && n != name.as_str() {
                // Best effort: an old set left behind is harmless (never read again).
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    Ok(set)
}

/// The TRUST check's answer from the trusted lists for a seal that the alliance registry does
/// not vouch for: `None` when no lists are configured or the chain result is not one the lists
/// can speak to (expired or broken chains keep their own wording). The decision is made at the
/// verification time: `sigT` is the signer's claim, not a timestamp.
pub fn seal_trust_from_lists(rep: &SealReport, policy: &Policy) -> Option<CheckResult> {
    let index = policy.trusted_lists.as_ref()?;
    if !matches!(
        rep.trust,
        TrustStatus::Trusted { .. } | TrustStatus::UnknownCa { .. }
    ) {
        return None;
    }
    let a = index.assess_seal(&rep.chain_der, rep.validation_time);
    Some(check_result(&a, rep))
}

/// The TRUST check result of an assessment.
pub fn check_result(a: &SealAssessment, rep: &SealReport) -> CheckResult {
    let k = CheckKind::Trust;
    if a.is_qualified() {
        return CheckResult::ok(k, a.message());
    }
    let (org, org_id) = crate::report::seal_names(&rep.signer);
    CheckResult::new(
        k,
        CheckStatus::Unknown,
        format!(
            "sealed by {org} ({org_id}); not a qualified seal per the EU trusted lists: {}",
            a.message()
        ),
    )
}
