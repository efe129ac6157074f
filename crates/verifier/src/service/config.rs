//! Configuration of the verifier service (`verifier serve`): one typed [`ServiceConfig`], read from
//! TOML (`--config FILE`) with environment variables overriding it (`ENHANCE_VERIFIER_*`), and
//! command-line flags overriding both (the CLI applies them to the struct).
//!
//! Every setting, its default and its environment variable are documented in `docs/CONFIG.md`
//! ("Verifier service"). The defaults start a working demo with no flags: `127.0.0.1:8090`, the
//! committed demo trust registry, the guarded https-only network policy.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::policy::NetworkPolicy;

/// Every setting of the verifier service.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceConfig {
    /// Socket address to listen on. `ENHANCE_VERIFIER_BIND`. Port 0 picks a free port.
    pub bind: SocketAddr,
    /// Public URL the service is reached at (no trailing `/`); the verification page's own URL
    /// (shown and encoded in the certificate's QR code) is built from it. Empty: `http://{bind}`.
    /// `ENHANCE_VERIFIER_PUBLIC_URL`.
    pub public_url: String,
    /// Trusted-issuer registry (JSON, the format of `keys.example/trust-registry.json`); unset:
    /// the built-in demo registry. `ENHANCE_VERIFIER_TRUST_REGISTRY` (empty: the demo registry).
    pub trust_registry: Option<PathBuf>,
    /// DEMO/TEST ONLY: fetch over plain http and from loopback addresses
    /// (`NetworkPolicy::local_testing`). Default off: https only, public addresses only.
    /// `ENHANCE_VERIFIER_ALLOW_LOCAL_NETWORK` (`true`/`false`).
    pub allow_local_network: bool,
    /// Largest accepted request body, and largest credential fetched from a URL, in bytes.
    /// `ENHANCE_VERIFIER_MAX_BODY_BYTES`.
    pub max_body_bytes: usize,
    /// Seconds a fetched status list is reused (0: fetched for every verification).
    /// `ENHANCE_VERIFIER_STATUS_LIST_TTL_SECS`.
    pub status_list_ttl_secs: u64,
    /// Seconds a fetched did:web DID document is reused. `ENHANCE_VERIFIER_DID_DOCUMENT_TTL_SECS`.
    pub did_document_ttl_secs: u64,
    /// Verifications running at the same time (each on a blocking thread; further requests wait).
    /// `ENHANCE_VERIFIER_MAX_CONCURRENT_VERIFICATIONS`.
    pub max_concurrent_verifications: usize,
    /// Log format: `json` (structured, default) or `text`. `ENHANCE_VERIFIER_LOG_FORMAT`.
    pub log_format: LogFormat,
    /// Seconds graceful shutdown waits for in-flight requests. `ENHANCE_VERIFIER_SHUTDOWN_GRACE_SECS`.
    pub shutdown_grace_secs: u64,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One JSON object per line.
    Json,
    /// Human-readable lines.
    Text,
}

/// Default bind address of `verifier serve` (the issuer's default `verifier_url` points here).
pub const DEFAULT_BIND: ([u8; 4], u16) = ([127, 0, 0, 1], 8090);

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(DEFAULT_BIND),
            public_url: String::new(),
            trust_registry: None,
            allow_local_network: false,
            max_body_bytes: 2 * 1024 * 1024,
            status_list_ttl_secs: 60,
            did_document_ttl_secs: 3600,
            max_concurrent_verifications: 64,
            log_format: LogFormat::Json,
            shutdown_grace_secs: 30,
        }
    }
}

/// Why a configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// File.
        path: PathBuf,
        /// I/O error.
        source: std::io::Error,
    },
    /// Not valid TOML or unknown/mistyped setting.
    #[error("invalid config file {path}: {message}")]
    Toml {
        /// File.
        path: PathBuf,
        /// Parser message (names the setting).
        message: String,
    },
    /// An environment variable has a value of the wrong form.
    #[error("invalid value for environment variable {var}: {message}")]
    Env {
        /// Variable name.
        var: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A setting is out of range or inconsistent.
    #[error("invalid setting {setting}: {message}")]
    Invalid {
        /// Setting name.
        setting: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl ServiceConfig {
    /// Loads the configuration: defaults, then `file` (if any), then the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let env: HashMap<String, String> = std::env::vars().collect();
        Self::load_with_env(file, &env)
    }

    /// Like [`ServiceConfig::load`] with an explicit environment (for tests).
    pub fn load_with_env(file: Option<&Path>, env: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let mut config = match file {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_owned(), source })?;
                Self::from_toml_str(&text).map_err(|message| ConfigError::Toml { path: path.to_owned(), message })?
            }
            None => Self::default(),
        };
        config.apply_env(env)?;
        config.check()?;
        Ok(config)
    }

    /// Parses TOML text (missing settings take their defaults); the error names the setting.
    pub fn from_toml_str(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// Applies the `ENHANCE_VERIFIER_*` overrides present in `env`.
    pub fn apply_env(&mut self, env: &HashMap<String, String>) -> Result<(), ConfigError> {
        fn parse<T: std::str::FromStr>(var: &'static str, v: &str) -> Result<T, ConfigError>
        where
            T::Err: std::fmt::Display,
        {
            v.trim().parse().map_err(|e: T::Err| ConfigError::Env { var, message: e.to_string() })
        }
        let get = |k: &str| env.get(k).map(String::as_str);
        if let Some(v) = get("ENHANCE_VERIFIER_BIND") {
            self.bind = parse("ENHANCE_VERIFIER_BIND", v)?;
        }
        if let Some(v) = get("ENHANCE_VERIFIER_PUBLIC_URL") {
            self.public_url = v.trim().to_owned();
        }
        if let Some(v) = get("ENHANCE_VERIFIER_TRUST_REGISTRY") {
            self.trust_registry = if v.is_empty() { None } else { Some(PathBuf::from(v)) };
        }
        if let Some(v) = get("ENHANCE_VERIFIER_ALLOW_LOCAL_NETWORK") {
            self.allow_local_network = parse("ENHANCE_VERIFIER_ALLOW_LOCAL_NETWORK", v)?;
        }
        if let Some(v) = get("ENHANCE_VERIFIER_MAX_BODY_BYTES") {
            self.max_body_bytes = parse("ENHANCE_VERIFIER_MAX_BODY_BYTES", v)?;
        }
        if let Some(v) = get("ENHANCE_VERIFIER_STATUS_LIST_TTL_SECS") {
            self.status_list_ttl_secs = parse("ENHANCE_VERIFIER_STATUS_LIST_TTL_SECS", v)?;
        }
        if let Some(v) = get("ENHANCE_VERIFIER_DID_DOCUMENT_TTL_SECS") {
            self.did_document_ttl_secs = parse("ENHANCE_VERIFIER_DID_DOCUMENT_TTL_SECS", v)?;
        }
        if let Some(v) = get("ENHANCE_VERIFIER_MAX_CONCURRENT_VERIFICATIONS") {
            self.max_concurrent_verifications = parse("ENHANCE_VERIFIER_MAX_CONCURRENT_VERIFICATIONS", v)?;
        }
        if let Some(v) = get("ENHANCE_VERIFIER_LOG_FORMAT") {
            self.log_format = match v.trim() {
                "json" => LogFormat::Json,
                "text" => LogFormat::Text,
                other => {
                    return Err(ConfigError::Env {
                        var: "ENHANCE_VERIFIER_LOG_FORMAT",
                        message: format!("`{other}` is not `json` or `text`"),
                    })
                }
            };
        }
        if let Some(v) = get("ENHANCE_VERIFIER_SHUTDOWN_GRACE_SECS") {
            self.shutdown_grace_secs = parse("ENHANCE_VERIFIER_SHUTDOWN_GRACE_SECS", v)?;
        }
        Ok(())
    }

    /// Checks ranges and consistency.
    pub fn check(&self) -> Result<(), ConfigError> {
        let invalid = |setting, message: &str| Err(ConfigError::Invalid { setting, message: message.into() });
        let url = self.public_url.trim();
        if !url.is_empty() && !url.starts_with("http://") && !url.starts_with("https://") {
            return invalid("public_url", "must be an http(s) URL (or empty for http://{bind})");
        }
        if self.max_body_bytes < 1024 {
            return invalid("max_body_bytes", "must be at least 1024");
        }
        if self.max_concurrent_verifications == 0 {
            return invalid("max_concurrent_verifications", "must be at least 1");
        }
        Ok(())
    }

    /// The public URL without a trailing `/` (`http://{bind}` when unset).
    pub fn base_url(&self) -> String {
        let url = self.public_url.trim().trim_end_matches('/');
        if url.is_empty() {
            format!("http://{}", self.bind)
        } else {
            url.to_owned()
        }
    }

    /// The network rules for status lists, did:web documents and credential URLs.
    pub fn network(&self) -> NetworkPolicy {
        if self.allow_local_network {
            NetworkPolicy::local_testing()
        } else {
            NetworkPolicy::default()
        }
    }

    /// [`ServiceConfig::status_list_ttl_secs`] as a duration.
    pub fn status_list_ttl(&self) -> Duration {
        Duration::from_secs(self.status_list_ttl_secs)
    }

    /// [`ServiceConfig::did_document_ttl_secs`] as a duration.
    pub fn did_document_ttl(&self) -> Duration {
        Duration::from_secs(self.did_document_ttl_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_file_and_environment() {
        let c = ServiceConfig::default();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8090");
        assert_eq!(c.base_url(), "http://127.0.0.1:8090");
        assert_eq!(c.max_body_bytes, 2 * 1024 * 1024);
        assert!(!c.network().allow_http);

        let mut c = ServiceConfig::from_toml_str(
            "bind = \"0.0.0.0:9000\"\npublic_url = \"https://verify.example/\"\nstatus_list_ttl_secs = 5\n",
        )
        .unwrap();
        assert_eq!(c.base_url(), "https://verify.example");
        assert_eq!(c.status_list_ttl(), Duration::from_secs(5));
        let env: HashMap<String, String> = [
            ("ENHANCE_VERIFIER_ALLOW_LOCAL_NETWORK", "true"),
            ("ENHANCE_VERIFIER_MAX_BODY_BYTES", "4096"),
            ("ENHANCE_VERIFIER_LOG_FORMAT", "text"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        c.apply_env(&env).unwrap();
        assert!(c.network().allow_http);
        assert_eq!(c.max_body_bytes, 4096);
        assert_eq!(c.log_format, LogFormat::Text);
    }

    #[test]
    fn bad_settings_are_named() {
        let e = ServiceConfig::from_toml_str("max_body_bytez = 1").unwrap_err();
        assert!(e.contains("max_body_bytez"), "{e}");
        let env: HashMap<String, String> =
            [("ENHANCE_VERIFIER_ALLOW_LOCAL_NETWORK".to_owned(), "yes".to_owned())].into_iter().collect();
        let e = ServiceConfig::load_with_env(None, &env).unwrap_err().to_string();
        assert!(e.contains("ENHANCE_VERIFIER_ALLOW_LOCAL_NETWORK"), "{e}");
        let c = ServiceConfig { public_url: "ftp://x".into(), ..ServiceConfig::default() };
        assert!(c.check().unwrap_err().to_string().contains("public_url"));
        let c = ServiceConfig { max_concurrent_verifications: 0, ..ServiceConfig::default() };
        assert!(c.check().unwrap_err().to_string().contains("max_concurrent_verifications"));
    }
}
