//! Configuration of the verifier service (`verifier serve`): one typed [`ServiceConfig`], read from
//! TOML (`--config FILE`) with environment variables overriding it (`ENHANCE_VERIFIER_*`), and
//! command-line flags overriding both (the CLI applies them to the struct).
//!
//! Every setting, its default and its environment variable are documented in `docs/CONFIG.md`
//! ("Verifier service"). The defaults start a working demo with no flags: `127.0.0.1:8090`, the
//! committed demo trust registry, the guarded https-only network policy.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use service_kit::config::{check_rate_limit, require, Env};
pub use service_kit::config::{ConfigError, LogFormat};

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
    /// Total deadline of one fetch (a status list, a DID document, a credential behind a share
    /// link), in seconds: connect, TLS, headers and body together. `ENHANCE_VERIFIER_FETCH_TIMEOUT_SECS`.
    pub fetch_timeout_secs: u64,
    /// Deadline of all the fetches of one verification together (they run concurrently), in
    /// seconds; what misses it is "could not check". `ENHANCE_VERIFIER_VERIFICATION_DEADLINE_SECS`.
    pub verification_deadline_secs: u64,
    /// Most JSON values in a credential (checked before any JSON-LD processing; over it: "could
    /// not check"). `ENHANCE_VERIFIER_MAX_JSON_NODES`.
    pub max_json_nodes: usize,
    /// Most objects without an `id` (blank nodes) in a credential. `ENHANCE_VERIFIER_MAX_BLANK_NODES`.
    pub max_blank_nodes: usize,
    /// Estimated memory, in MiB, the verifications running at once may use together; each
    /// reserves an estimate weighted by its credential's size, the rest queue.
    /// `ENHANCE_VERIFIER_MEMORY_BUDGET_MIB`.
    pub memory_budget_mib: u64,
    /// Seconds a client has to send a complete request head (request line and headers); a client
    /// trickling it is disconnected. Also the keep-alive idle timeout.
    /// `ENHANCE_VERIFIER_HEADER_READ_TIMEOUT_SECS`.
    pub header_read_timeout_secs: u64,
    /// Seconds a client has to send a complete request body, from the first read (408 after).
    /// `ENHANCE_VERIFIER_BODY_READ_TIMEOUT_SECS`.
    pub body_read_timeout_secs: u64,
    /// Per-client-address rate limit of the verification endpoints (`/verify`, `POST /upload`,
    /// `POST /credentials/verify`, `POST /stack`): `per_second`, `burst`, `exempt` addresses.
    /// `ENHANCE_VERIFIER_RATE_LIMIT_PER_SECOND` (0: off), `ENHANCE_VERIFIER_RATE_LIMIT_BURST`,
    /// `ENHANCE_VERIFIER_RATE_LIMIT_EXEMPT` (comma-separated addresses).
    pub rate_limit: service_kit::RateLimit,
    /// eIDAS trusted lists (`[trusted_lists]`, `ENHANCE_VERIFIER_TRUSTED_LISTS_*`): the cache
    /// `verifier trust refresh` keeps, loaded at start ([`crate::eidas::TrustedListsConfig`]).
    pub trusted_lists: crate::eidas::TrustedListsConfig,
    /// For credentials from outside the alliance: fail the awarding-body check when an awarding
    /// body is not the sealing organisation / signing DID (default `false`: "awarded by A, sealed
    /// by B" is information). `ENHANCE_VERIFIER_AWARDING_BODY_MUST_BE_SIGNER` (`true`/`false`).
    pub awarding_body_must_be_signer: bool,
    /// PEM files of additional CA certificates trusted for https fetches (status lists, did:web
    /// documents, credential URLs) next to the built-in web PKI roots, for documents served inside
    /// a university's own PKI. Checked at start (readable, at least one certificate each).
    /// `ENHANCE_VERIFIER_EXTRA_CA_FILES` (comma-separated paths).
    pub extra_ca_files: Vec<PathBuf>,
    /// OpenID4VP presentation requests (`[oid4vp]`, `ENHANCE_VERIFIER_OID4VP_*`, issue #17).
    pub oid4vp: Oid4vpConfig,
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
            max_body_bytes: crate::policy::DEFAULT_MAX_CREDENTIAL_BYTES,
            status_list_ttl_secs: 60,
            did_document_ttl_secs: 3600,
            max_concurrent_verifications: 64,
            log_format: LogFormat::Json,
            shutdown_grace_secs: 30,
            fetch_timeout_secs: crate::policy::DEFAULT_FETCH_TIMEOUT.as_secs(),
            verification_deadline_secs: crate::policy::DEFAULT_VERIFICATION_DEADLINE.as_secs(),
            max_json_nodes: canon::Budget::DEFAULT_MAX_NODES,
            max_blank_nodes: canon::Budget::DEFAULT_MAX_BLANK_NODES,
            memory_budget_mib: 512,
            header_read_timeout_secs: 10,
            body_read_timeout_secs: 30,
            rate_limit: service_kit::RateLimit::default(),
            trusted_lists: crate::eidas::TrustedListsConfig::default(),
            awarding_body_must_be_signer: false,
            extra_ca_files: Vec::new(),
            oid4vp: Oid4vpConfig::default(),
        }
    }
}

service_kit::config_loaders!(ServiceConfig);

impl ServiceConfig {
    /// Applies the `ENHANCE_VERIFIER_*` overrides present in `env`.
    pub fn apply_env(&mut self, env: &HashMap<String, String>) -> Result<(), ConfigError> {
        self.trusted_lists
            .apply_env(env)
            .map_err(|e| ConfigError::invalid("trusted_lists", e.to_string()))?;
        let env = Env::new(env);
        env.parse("ENHANCE_VERIFIER_BIND", &mut self.bind)?;
        env.string("ENHANCE_VERIFIER_PUBLIC_URL", &mut self.public_url);
        self.public_url = self.public_url.trim().to_owned();
        env.optional_path("ENHANCE_VERIFIER_TRUST_REGISTRY", &mut self.trust_registry);
        let local = "ENHANCE_VERIFIER_ALLOW_LOCAL_NETWORK";
        env.parse(local, &mut self.allow_local_network)?;
        let awarding = "ENHANCE_VERIFIER_AWARDING_BODY_MUST_BE_SIGNER";
        env.parse(awarding, &mut self.awarding_body_must_be_signer)?;
        env.list("ENHANCE_VERIFIER_EXTRA_CA_FILES", &mut self.extra_ca_files)?;
        env.parse("ENHANCE_VERIFIER_MAX_BODY_BYTES", &mut self.max_body_bytes)?;
        self.oid4vp.apply_env(&env)?;
        let ttl = "ENHANCE_VERIFIER_STATUS_LIST_TTL_SECS";
        env.parse(ttl, &mut self.status_list_ttl_secs)?;
        let ttl = "ENHANCE_VERIFIER_DID_DOCUMENT_TTL_SECS";
        env.parse(ttl, &mut self.did_document_ttl_secs)?;
        let max = "ENHANCE_VERIFIER_MAX_CONCURRENT_VERIFICATIONS";
        env.parse(max, &mut self.max_concurrent_verifications)?;
        env.parse("ENHANCE_VERIFIER_LOG_FORMAT", &mut self.log_format)?;
        let grace = "ENHANCE_VERIFIER_SHUTDOWN_GRACE_SECS";
        env.parse(grace, &mut self.shutdown_grace_secs)?;
        let fetch = "ENHANCE_VERIFIER_FETCH_TIMEOUT_SECS";
        env.parse(fetch, &mut self.fetch_timeout_secs)?;
        let deadline = "ENHANCE_VERIFIER_VERIFICATION_DEADLINE_SECS";
        env.parse(deadline, &mut self.verification_deadline_secs)?;
        env.parse("ENHANCE_VERIFIER_MAX_JSON_NODES", &mut self.max_json_nodes)?;
        env.parse(
            "ENHANCE_VERIFIER_MAX_BLANK_NODES",
            &mut self.max_blank_nodes,
        )?;
        env.parse(
            "ENHANCE_VERIFIER_MEMORY_BUDGET_MIB",
            &mut self.memory_budget_mib,
        )?;
        let header = "ENHANCE_VERIFIER_HEADER_READ_TIMEOUT_SECS";
        env.parse(header, &mut self.header_read_timeout_secs)?;
        let body = "ENHANCE_VERIFIER_BODY_READ_TIMEOUT_SECS";
        env.parse(body, &mut self.body_read_timeout_secs)?;
        env.rate_limit(
            [
                "ENHANCE_VERIFIER_RATE_LIMIT_PER_SECOND",
                "ENHANCE_VERIFIER_RATE_LIMIT_BURST",
                "ENHANCE_VERIFIER_RATE_LIMIT_EXEMPT",
            ],
            &mut self.rate_limit,
        )
    }

    /// Checks ranges and consistency.
    pub fn check(&self) -> Result<(), ConfigError> {
        let url = self.public_url.trim();
        require(
            url.is_empty() || url.starts_with("http://") || url.starts_with("https://"),
            "public_url",
            "must be an http(s) URL (or empty for http://{bind})",
        )?;
        require(
            self.max_body_bytes >= 1024,
            "max_body_bytes",
            "must be at least 1024",
        )?;
        let at_least_1 = [
            (
                "max_concurrent_verifications",
                self.max_concurrent_verifications as u64,
            ),
            ("fetch_timeout_secs", self.fetch_timeout_secs),
            (
                "verification_deadline_secs",
                self.verification_deadline_secs,
            ),
        ];
        for (setting, value) in at_least_1 {
            require(value >= 1, setting, "must be at least 1")?;
        }
        require(
            self.max_json_nodes >= 1000,
            "max_json_nodes",
            "must be at least 1000",
        )?;
        require(
            self.max_blank_nodes >= 100,
            "max_blank_nodes",
            "must be at least 100",
        )?;
        require(
            self.memory_budget_mib >= 16,
            "memory_budget_mib",
            "must be at least 16",
        )?;
        let at_least_1 = [
            ("header_read_timeout_secs", self.header_read_timeout_secs),
            ("body_read_timeout_secs", self.body_read_timeout_secs),
        ];
        for (setting, value) in at_least_1 {
            require(value >= 1, setting, "must be at least 1")?;
        }
        crate::fetch::load_extra_cas(&self.extra_ca_files)
            .map_err(|e| ConfigError::invalid("extra_ca_files", e))?;
        self.oid4vp_settings()?;
        self.oid4vp.webhook_secret()?;
        check_rate_limit(&self.rate_limit, "rate_limit")
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

    /// The network rules for status lists, did:web documents and credential URLs (total
    /// deadline `fetch_timeout_secs` per fetch).
    pub fn network(&self) -> NetworkPolicy {
        let mut np = if self.allow_local_network {
            NetworkPolicy::local_testing()
        } else {
            NetworkPolicy::default()
        };
        np.timeout = self.fetch_timeout();
        np.connect_timeout = np.connect_timeout.min(np.timeout);
        np.extra_ca_files.clone_from(&self.extra_ca_files);
        np
    }

    /// [`ServiceConfig::fetch_timeout_secs`] as a duration.
    pub fn fetch_timeout(&self) -> Duration {
        Duration::from_secs(self.fetch_timeout_secs)
    }

    /// [`ServiceConfig::verification_deadline_secs`] as a duration.
    pub fn verification_deadline(&self) -> Duration {
        Duration::from_secs(self.verification_deadline_secs)
    }

    /// The caps on a credential's shape ([`canon::Budget`]).
    pub fn budget(&self) -> canon::Budget {
        canon::Budget {
            max_nodes: self.max_json_nodes,
            max_blank_nodes: self.max_blank_nodes,
            ..canon::Budget::default()
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

/// The `client_id` prefix of OpenID4VP requests (OpenID4VP 1.0 §5.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum ClientIdPrefix {
    /// `x509_san_dns`: signed request objects (`client_key_file`, `client_chain_file`).
    #[serde(rename = "x509_san_dns")]
    X509SanDns,
    /// `redirect_uri`: unsigned requests; for local tests and demos only.
    #[serde(rename = "redirect_uri")]
    RedirectUri,
}

impl std::str::FromStr for ClientIdPrefix {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "x509_san_dns" => Ok(Self::X509SanDns),
            "redirect_uri" => Ok(Self::RedirectUri),
            _ => Err("expected x509_san_dns or redirect_uri".into()),
        }
    }
}

/// `[oid4vp]`: OpenID4VP presentation requests (docs/OID4VP.md, docs/CONFIG.md).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Oid4vpConfig {
    /// `x509_san_dns` (production: signed request objects) or `redirect_uri` (default: local
    /// tests and demos, unsigned). `ENHANCE_VERIFIER_OID4VP_CLIENT_ID_PREFIX`.
    pub client_id_prefix: ClientIdPrefix,
    /// The client key (PKCS#8 PEM, P-256) signing request objects (`x509_san_dns`).
    /// `ENHANCE_VERIFIER_OID4VP_CLIENT_KEY_FILE`.
    pub client_key_file: Option<PathBuf>,
    /// Its certificate chain (PEM, leaf first; the leaf's subjectAltName names the DNS name).
    /// `ENHANCE_VERIFIER_OID4VP_CLIENT_CHAIN_FILE`.
    pub client_chain_file: Option<PathBuf>,
    /// The dNSName of the `client_id` (unset: the certificate's first).
    /// `ENHANCE_VERIFIER_OID4VP_CLIENT_DNS_NAME`.
    pub client_dns_name: Option<String>,
    /// Seconds a request can be answered. `ENHANCE_VERIFIER_OID4VP_REQUEST_LIFETIME_SECS`.
    pub request_lifetime_secs: u64,
    /// Seconds a result (personal data) is kept after the response, then deleted.
    /// `ENHANCE_VERIFIER_OID4VP_RESULT_RETENTION_SECS`.
    pub result_retention_secs: u64,
    /// At most this many requests and results are held (memory bound; creation answers 503
    /// beyond it). `ENHANCE_VERIFIER_OID4VP_MAX_PENDING`.
    pub max_pending: usize,
    /// A file holding the HMAC-SHA256 secret that signs result webhooks (at least 32 bytes;
    /// one trailing newline ignored). Unset: results are kept for polling only, webhooks are
    /// not delivered. `ENHANCE_VERIFIER_OID4VP_WEBHOOK_SECRET_FILE`.
    pub webhook_secret_file: Option<PathBuf>,
}

impl Default for Oid4vpConfig {
    fn default() -> Self {
        Self {
            client_id_prefix: ClientIdPrefix::RedirectUri,
            client_key_file: None,
            client_chain_file: None,
            client_dns_name: None,
            request_lifetime_secs: 300,
            result_retention_secs: 600,
            max_pending: 10_000,
            webhook_secret_file: None,
        }
    }
}

impl Oid4vpConfig {
    fn apply_env(&mut self, env: &Env<'_>) -> Result<(), ConfigError> {
        let prefix = "ENHANCE_VERIFIER_OID4VP_CLIENT_ID_PREFIX";
        env.parse(prefix, &mut self.client_id_prefix)?;
        env.optional_path(
            "ENHANCE_VERIFIER_OID4VP_CLIENT_KEY_FILE",
            &mut self.client_key_file,
        );
        let chain = "ENHANCE_VERIFIER_OID4VP_CLIENT_CHAIN_FILE";
        env.optional_path(chain, &mut self.client_chain_file);
        if let Some(v) = env.get("ENHANCE_VERIFIER_OID4VP_CLIENT_DNS_NAME") {
            self.client_dns_name = (!v.trim().is_empty()).then(|| v.trim().to_owned());
        }
        let lifetime = "ENHANCE_VERIFIER_OID4VP_REQUEST_LIFETIME_SECS";
        env.parse(lifetime, &mut self.request_lifetime_secs)?;
        let retention = "ENHANCE_VERIFIER_OID4VP_RESULT_RETENTION_SECS";
        env.parse(retention, &mut self.result_retention_secs)?;
        env.optional_path(
            "ENHANCE_VERIFIER_OID4VP_WEBHOOK_SECRET_FILE",
            &mut self.webhook_secret_file,
        );
        env.parse("ENHANCE_VERIFIER_OID4VP_MAX_PENDING", &mut self.max_pending)
    }

    /// The webhook signing secret of [`Oid4vpConfig::webhook_secret_file`] (`None` when unset).
    pub fn webhook_secret(&self) -> Result<Option<Vec<u8>>, ConfigError> {
        let setting = "oid4vp.webhook_secret_file";
        let Some(path) = &self.webhook_secret_file else {
            return Ok(None);
        };
        let mut secret = std::fs::read(path).map_err(|e| {
            ConfigError::invalid(setting, format!("{} cannot be read: {e}", path.display()))
        })?;
        if secret.last() == Some(&b'\n') {
            secret.pop();
        }
        if secret.len() < 32 {
            return Err(ConfigError::invalid(
                setting,
                format!("{} must hold at least 32 bytes", path.display()),
            ));
        }
        Ok(Some(secret))
    }

    /// [`Oid4vpConfig::result_retention_secs`] as a duration.
    pub fn result_retention(&self) -> chrono::Duration {
        chrono::Duration::seconds(i64::try_from(self.result_retention_secs).unwrap_or(i64::MAX))
    }
}

impl ServiceConfig {
    /// The OpenID4VP settings: `[oid4vp]` with the client key material read and checked.
    pub fn oid4vp_settings(&self) -> Result<crate::oid4vp::request::Oid4vpSettings, ConfigError> {
        use crate::oid4vp::request::Oid4vpSettings;
        let o = &self.oid4vp;
        let day = 24 * 3600;
        let lifetime = "oid4vp.request_lifetime_secs";
        require(
            (10..=day).contains(&o.request_lifetime_secs),
            lifetime,
            "must be 10..=86400",
        )?;
        let retention = "oid4vp.result_retention_secs";
        require(
            (1..=7 * day).contains(&o.result_retention_secs),
            retention,
            "must be 1..=604800",
        )?;
        require(
            o.max_pending >= 1,
            "oid4vp.max_pending",
            "must be at least 1",
        )?;
        let lifetime = chrono::Duration::seconds(o.request_lifetime_secs as i64);
        let base = self.base_url();
        if o.client_id_prefix == ClientIdPrefix::RedirectUri {
            return Ok(Oid4vpSettings::redirect_uri(&base, lifetime));
        }
        let read = |setting: &'static str, path: &Option<PathBuf>| {
            let path = path.as_ref().ok_or_else(|| {
                ConfigError::invalid(setting, "required with client_id_prefix x509_san_dns")
            })?;
            std::fs::read_to_string(path)
                .map_err(|e| ConfigError::invalid(setting, format!("{}: {e}", path.display())))
        };
        let key = read("oid4vp.client_key_file", &o.client_key_file)?;
        let chain = read("oid4vp.client_chain_file", &o.client_chain_file)?;
        let dns = o.client_dns_name.as_deref();
        Oid4vpSettings::x509_san_dns(&base, &key, &chain, dns, lifetime)
            .map_err(|e| ConfigError::invalid("oid4vp", e.to_string()))
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
        assert_eq!(c.max_body_bytes, 8 * 1024 * 1024);
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
    fn read_timeouts_and_rate_limit() {
        let c = ServiceConfig::from_toml_str(
            "header_read_timeout_secs = 2\n[rate_limit]\nper_second = 0.5\nburst = 4\n",
        )
        .unwrap();
        assert_eq!((c.header_read_timeout_secs, c.rate_limit.burst), (2, 4));
        assert_eq!(c.rate_limit.per_second, 0.5);
        let env: HashMap<String, String> = [
            ("ENHANCE_VERIFIER_BODY_READ_TIMEOUT_SECS", "5"),
            ("ENHANCE_VERIFIER_RATE_LIMIT_PER_SECOND", "0"),
            ("ENHANCE_VERIFIER_RATE_LIMIT_EXEMPT", "192.0.2.1"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let c = ServiceConfig::load_with_env(None, &env).unwrap();
        assert_eq!(c.body_read_timeout_secs, 5);
        assert!(!c.rate_limit.enabled());
        assert_eq!(c.rate_limit.exempt.len(), 1);
        let c = ServiceConfig {
            body_read_timeout_secs: 0,
            ..ServiceConfig::default()
        };
        assert!(c
            .check()
            .unwrap_err()
            .to_string()
            .contains("body_read_timeout_secs"));
        let mut c = ServiceConfig::default();
        c.rate_limit.per_second = f64::NAN;
        assert!(c
            .check()
            .unwrap_err()
            .to_string()
            .contains("rate_limit.per_second"));
    }

    #[test]
    fn deadlines_caps_and_memory_budget() {
        let c = ServiceConfig::default();
        assert_eq!(
            (
                c.fetch_timeout_secs,
                c.verification_deadline_secs,
                c.memory_budget_mib
            ),
            (5, 10, 512)
        );
        assert_eq!(c.network().timeout, Duration::from_secs(5));
        assert_eq!(c.budget(), canon::Budget::default());
        let env: HashMap<String, String> = [
            ("ENHANCE_VERIFIER_FETCH_TIMEOUT_SECS", "2"),
            ("ENHANCE_VERIFIER_VERIFICATION_DEADLINE_SECS", "3"),
            ("ENHANCE_VERIFIER_MAX_JSON_NODES", "20000"),
            ("ENHANCE_VERIFIER_MAX_BLANK_NODES", "2000"),
            ("ENHANCE_VERIFIER_MEMORY_BUDGET_MIB", "256"),
            ("ENHANCE_VERIFIER_ALLOW_LOCAL_NETWORK", "true"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let c = ServiceConfig::load_with_env(None, &env).unwrap();
        assert_eq!(
            c.network().timeout,
            Duration::from_secs(2),
            "the fetch deadline applies to local testing too"
        );
        assert_eq!(c.verification_deadline(), Duration::from_secs(3));
        assert_eq!(
            (
                c.budget().max_nodes,
                c.budget().max_blank_nodes,
                c.memory_budget_mib
            ),
            (20_000, 2_000, 256)
        );
        for (setting, c) in [
            (
                "fetch_timeout_secs",
                ServiceConfig {
                    fetch_timeout_secs: 0,
                    ..ServiceConfig::default()
                },
            ),
            (
                "verification_deadline_secs",
                ServiceConfig {
                    verification_deadline_secs: 0,
                    ..ServiceConfig::default()
                },
            ),
            (
                "max_json_nodes",
                ServiceConfig {
                    max_json_nodes: 10,
                    ..ServiceConfig::default()
                },
            ),
            (
                "max_blank_nodes",
                ServiceConfig {
                    max_blank_nodes: 10,
                    ..ServiceConfig::default()
                },
            ),
            (
                "memory_budget_mib",
                ServiceConfig {
                    memory_budget_mib: 1,
                    ..ServiceConfig::default()
                },
            ),
        ] {
            assert!(
                c.check().unwrap_err().to_string().contains(setting),
                "{setting}"
            );
        }
    }

    #[test]
    fn bad_settings_are_named() {
        let e = ServiceConfig::from_toml_str("max_body_bytez = 1").unwrap_err();
        assert!(e.contains("max_body_bytez"), "{e}");
        let env: HashMap<String, String> = [(
            "ENHANCE_VERIFIER_ALLOW_LOCAL_NETWORK".to_owned(),
            "yes".to_owned(),
        )]
        .into_iter()
        .collect();
        let e = ServiceConfig::load_with_env(None, &env)
            .unwrap_err()
            .to_string();
        assert!(e.contains("ENHANCE_VERIFIER_ALLOW_LOCAL_NETWORK"), "{e}");
        let c = ServiceConfig {
            public_url: "ftp://x".into(),
            ..ServiceConfig::default()
        };
        assert!(c.check().unwrap_err().to_string().contains("public_url"));
        let c = ServiceConfig {
            max_concurrent_verifications: 0,
            ..ServiceConfig::default()
        };
        assert!(c
            .check()
            .unwrap_err()
            .to_string()
            .contains("max_concurrent_verifications"));
    }
}
