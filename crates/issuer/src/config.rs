//! Configuration of the issuer service (`issuer serve`): one typed [`Config`], read from TOML
//! (`--config FILE`) with environment variables overriding it (`ENHANCE_ISSUER_*`), and command-line
//! flags overriding both (the CLI applies them to the struct).
//!
//! Every setting, its default and its environment variable are documented in `docs/CONFIG.md` and
//! `crates/issuer/issuer.example.toml`; the defaults below start a working demo with no flags:
//! SQLite in `data/` (WAL), the demo universities, keys and API tokens of `keys.example/`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Deserialize;
use service_kit::config::{check_rate_limit, require, Env};
pub use service_kit::config::{ConfigError, LogFormat};

/// Every setting of the service.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Socket address to listen on. `ENHANCE_ISSUER_BIND`. Port 0 picks a free port.
    pub bind: SocketAddr,
    /// Database URL: `sqlite://PATH?mode=rwc` (WAL is switched on) or `postgres://...`.
    /// `ENHANCE_ISSUER_DATABASE_URL`.
    pub database_url: String,
    /// Maximum pooled database connections. `ENHANCE_ISSUER_DATABASE_MAX_CONNECTIONS`.
    pub database_max_connections: u32,
    /// Public base URL the service is reached at; did:web DIDs, status list URLs, credential ids and
    /// share links are built from it. `ENHANCE_ISSUER_PUBLIC_BASE_URL`.
    pub public_base_url: String,
    /// Directory of the universities' signing keys. `ENHANCE_ISSUER_KEYS_DIR`.
    pub keys_dir: PathBuf,
    /// TOML file of the universities (tenants). `ENHANCE_ISSUER_UNIVERSITIES_FILE`.
    pub universities_file: PathBuf,
    /// TOML file of API tokens seeded at start-up (`eth = "..."`, roles issue + revoke); empty
    /// string to seed none. `ENHANCE_ISSUER_TOKENS_FILE`.
    pub tokens_file: Option<PathBuf>,
    /// TOML file of admin API tokens seeded at start-up (`eth = "..."`, role admin: may manage the
    /// university's tokens at `/admin/tokens`, and issue and revoke); unset (default) or empty
    /// string to seed none. `ENHANCE_ISSUER_ADMIN_TOKENS_FILE`.
    pub admin_tokens_file: Option<PathBuf>,
    /// TOML file of DEMO staff accounts of the console seeded at start-up (`[eth] username,
    /// display_name, password, roles`), only on a demo set-up (public base URL on localhost or
    /// loopback); empty string to seed none. `ENHANCE_ISSUER_STAFF_FILE`.
    pub staff_file: Option<PathBuf>,
    /// Base URL of the verification service (`verifier serve`). A credential's verification URL,
    /// which its QR codes encode, is `{verifier_url}/verify?credential={percent-encoded share URL}`.
    /// `ENHANCE_ISSUER_VERIFIER_URL`.
    pub verifier_url: String,
    /// Render the certificate page PNG (the EDC `individualDisplay` image, one per display
    /// language) at issuance when an award request carries no image bytes for a language.
    /// `false`: such a request is rejected (`display.image-missing`), as before. A request may
    /// override it with `"renderImages": true|false`. `ENHANCE_ISSUER_RENDER_DISPLAY_IMAGES`.
    pub render_display_images: bool,
    /// Log format: `json` (structured, default) or `text`. `ENHANCE_ISSUER_LOG_FORMAT`.
    pub log_format: LogFormat,
    /// Operational limits.
    pub limits: Limits,
    /// Rendering of PDFs and certificate images (pool, cache, budget).
    pub render: RenderConfig,
    /// OpenID4VCI 1.0 credential issuance to wallets (issue #16).
    pub oid4vci: Oid4vciConfig,
    /// Learner notification e-mail: SMTP and the outbox worker (issue #18, `[notify]`).
    pub notify: crate::notify::NotifyConfig,
    /// OpenID Connect single sign-on of console staff (`[sso]`, issue #18).
    pub sso: crate::app::sso::SsoConfig,
    /// Staff sign-in: lockout, session expiry, sign-in rate limit (`[staff]`, issue #18).
    pub staff: crate::app::staff::StaffConfig,
}

/// OpenID4VCI 1.0 (issue #16): lifetimes of access tokens and nonces, the proof time windows and
/// the universities whose profile is HAIP (DPoP required).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Oid4vciConfig {
    /// Seconds an access token of the token endpoint is valid (`expires_in`).
    /// `ENHANCE_ISSUER_OID4VCI_ACCESS_TOKEN_LIFETIME_SECS`.
    pub access_token_lifetime_secs: u64,
    /// Seconds a `c_nonce` of the nonce endpoint is valid (single use).
    /// `ENHANCE_ISSUER_OID4VCI_C_NONCE_LIFETIME_SECS`.
    pub c_nonce_lifetime_secs: u64,
    /// Seconds a proof of possession or a DPoP proof may be old (its `iat`), and ahead of the
    /// clock by at most a tenth of it. `ENHANCE_ISSUER_OID4VCI_PROOF_MAX_AGE_SECS`.
    pub proof_max_age_secs: u64,
    /// Universities whose profile is HAIP: their token endpoint requires a DPoP proof, and their
    /// access tokens are DPoP-bound. `ENHANCE_ISSUER_OID4VCI_HAIP_UNIVERSITIES` (comma-separated).
    pub haip_universities: Vec<String>,
    /// Credential offers and pre-authorized codes (`[oid4vci.offers]`).
    pub offers: OfferSettings,
}

/// Credential offers (OpenID4VCI 1.0 §4.1) and their pre-authorized codes (§3.5), `[oid4vci.offers]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OfferSettings {
    /// Seconds a pre-authorized code (and its offer) can be redeemed after creation (single use).
    /// `ENHANCE_ISSUER_OID4VCI_OFFER_LIFETIME_SECS`.
    pub code_lifetime_secs: u64,
    /// Wrong `tx_code` PINs a code survives: after this many failed attempts it is dead.
    /// `ENHANCE_ISSUER_OID4VCI_TX_CODE_MAX_ATTEMPTS`.
    pub tx_code_max_attempts: u32,
}

impl Default for OfferSettings {
    fn default() -> Self {
        Self {
            code_lifetime_secs: 600,
            tx_code_max_attempts: 5,
        }
    }
}

impl OfferSettings {
    /// Applies the `ENHANCE_ISSUER_OID4VCI_OFFER_*` / `_TX_CODE_*` overrides.
    fn apply_env(&mut self, env: Env<'_>) -> Result<(), ConfigError> {
        let life = "ENHANCE_ISSUER_OID4VCI_OFFER_LIFETIME_SECS";
        env.parse(life, &mut self.code_lifetime_secs)?;
        let attempts = "ENHANCE_ISSUER_OID4VCI_TX_CODE_MAX_ATTEMPTS";
        env.parse(attempts, &mut self.tx_code_max_attempts)
    }
}

impl Default for Oid4vciConfig {
    fn default() -> Self {
        Self {
            access_token_lifetime_secs: 600,
            c_nonce_lifetime_secs: 300,
            proof_max_age_secs: 300,
            haip_universities: Vec::new(),
            offers: OfferSettings::default(),
        }
    }
}

impl Oid4vciConfig {
    /// Applies the `ENHANCE_ISSUER_OID4VCI_*` overrides.
    fn apply_env(&mut self, env: Env<'_>) -> Result<(), ConfigError> {
        let token = "ENHANCE_ISSUER_OID4VCI_ACCESS_TOKEN_LIFETIME_SECS";
        env.parse(token, &mut self.access_token_lifetime_secs)?;
        let nonce = "ENHANCE_ISSUER_OID4VCI_C_NONCE_LIFETIME_SECS";
        env.parse(nonce, &mut self.c_nonce_lifetime_secs)?;
        let age = "ENHANCE_ISSUER_OID4VCI_PROOF_MAX_AGE_SECS";
        env.parse(age, &mut self.proof_max_age_secs)?;
        let haip = "ENHANCE_ISSUER_OID4VCI_HAIP_UNIVERSITIES";
        env.list(haip, &mut self.haip_universities)?;
        self.offers.apply_env(env)
    }
}

/// Rendering of PDFs and certificate page images (issue #13, `crate::render_pool`): a bounded pool
/// off the async runtime, a budget per rendering and a cache of the renderings of stored
/// credentials.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RenderConfig {
    /// Renderings running at once (0: one per CPU core). `ENHANCE_ISSUER_RENDER_WORKERS`.
    pub workers: usize,
    /// Bytes of rendered PDFs and PNGs of stored credentials kept in memory (least recently used
    /// evicted; 0: no cache). `ENHANCE_ISSUER_RENDER_CACHE_BYTES`.
    pub cache_bytes: usize,
    /// Milliseconds one rendering may take, and a request may wait for a free worker.
    /// `ENHANCE_ISSUER_RENDER_DEADLINE_MS`.
    pub deadline_ms: u64,
    /// Most characters laid out in one document. `ENHANCE_ISSUER_RENDER_MAX_GLYPHS`.
    pub max_glyphs: usize,
    /// Most pages of one PDF. `ENHANCE_ISSUER_RENDER_MAX_PAGES`.
    pub max_pages: usize,
}

impl Default for RenderConfig {
    fn default() -> Self {
        Self {
            workers: 0,
            cache_bytes: 64 * 1024 * 1024,
            deadline_ms: 20_000,
            max_glyphs: render::budget::DEFAULT_MAX_GLYPHS,
            max_pages: render::budget::DEFAULT_MAX_PAGES,
        }
    }
}

impl RenderConfig {
    /// Applies the `ENHANCE_ISSUER_RENDER_*` overrides.
    fn apply_env(&mut self, env: Env<'_>) -> Result<(), ConfigError> {
        env.parse("ENHANCE_ISSUER_RENDER_WORKERS", &mut self.workers)?;
        env.parse("ENHANCE_ISSUER_RENDER_CACHE_BYTES", &mut self.cache_bytes)?;
        env.parse("ENHANCE_ISSUER_RENDER_DEADLINE_MS", &mut self.deadline_ms)?;
        env.parse("ENHANCE_ISSUER_RENDER_MAX_GLYPHS", &mut self.max_glyphs)?;
        env.parse("ENHANCE_ISSUER_RENDER_MAX_PAGES", &mut self.max_pages)
    }

    /// The pool settings (`workers = 0` resolved to the number of CPU cores).
    pub fn settings(&self) -> crate::render_pool::RenderSettings {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        crate::render_pool::RenderSettings {
            workers: if self.workers == 0 {
                cores
            } else {
                self.workers
            },
            cache_bytes: self.cache_bytes,
            deadline: std::time::Duration::from_millis(self.deadline_ms),
            max_glyphs: self.max_glyphs,
            max_pages: self.max_pages,
        }
    }
}

/// Request size, batch size and rate limits.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest accepted request body in bytes. `ENHANCE_ISSUER_MAX_BODY_BYTES`.
    pub max_body_bytes: usize,
    /// Most rows in one batch. `ENHANCE_ISSUER_MAX_BATCH_SIZE`.
    pub max_batch_size: usize,
    /// Requests per minute allowed per API token (0: unlimited). `ENHANCE_ISSUER_RATE_LIMIT_PER_MINUTE`.
    pub rate_limit_per_minute: u32,
    /// `Cache-Control: max-age` of status list credentials, in seconds (at most 60).
    /// `ENHANCE_ISSUER_STATUS_LIST_MAX_AGE`.
    pub status_list_max_age_secs: u32,
    /// Seconds graceful shutdown waits for in-flight requests. `ENHANCE_ISSUER_SHUTDOWN_GRACE_SECS`.
    pub shutdown_grace_secs: u64,
    /// Seconds a client has to send a complete request head (request line and headers); a client
    /// trickling it is disconnected. Also the keep-alive idle timeout.
    /// `ENHANCE_ISSUER_HEADER_READ_TIMEOUT_SECS`.
    pub header_read_timeout_secs: u64,
    /// Seconds a client has to send a complete request body, from the first read (408 after).
    /// `ENHANCE_ISSUER_BODY_READ_TIMEOUT_SECS`.
    pub body_read_timeout_secs: u64,
    /// Per-client-address rate limit of the unauthenticated share-link endpoints
    /// (`/share/{token}` with its downloads and QR codes): `per_second`, `burst`, `exempt`
    /// addresses. `ENHANCE_ISSUER_PUBLIC_RATE_LIMIT_PER_SECOND` (0: off),
    /// `ENHANCE_ISSUER_PUBLIC_RATE_LIMIT_BURST`, `ENHANCE_ISSUER_PUBLIC_RATE_LIMIT_EXEMPT`
    /// (comma-separated addresses).
    pub public_rate_limit: service_kit::RateLimit,
}

impl Limits {
    /// Applies the `ENHANCE_ISSUER_*` overrides of the limits.
    fn apply_env(&mut self, env: Env<'_>) -> Result<(), ConfigError> {
        env.parse("ENHANCE_ISSUER_MAX_BODY_BYTES", &mut self.max_body_bytes)?;
        env.parse("ENHANCE_ISSUER_MAX_BATCH_SIZE", &mut self.max_batch_size)?;
        let rate = "ENHANCE_ISSUER_RATE_LIMIT_PER_MINUTE";
        env.parse(rate, &mut self.rate_limit_per_minute)?;
        let max_age = "ENHANCE_ISSUER_STATUS_LIST_MAX_AGE";
        env.parse(max_age, &mut self.status_list_max_age_secs)?;
        let grace = "ENHANCE_ISSUER_SHUTDOWN_GRACE_SECS";
        env.parse(grace, &mut self.shutdown_grace_secs)?;
        let header = "ENHANCE_ISSUER_HEADER_READ_TIMEOUT_SECS";
        env.parse(header, &mut self.header_read_timeout_secs)?;
        let body = "ENHANCE_ISSUER_BODY_READ_TIMEOUT_SECS";
        env.parse(body, &mut self.body_read_timeout_secs)?;
        env.rate_limit(
            [
                "ENHANCE_ISSUER_PUBLIC_RATE_LIMIT_PER_SECOND",
                "ENHANCE_ISSUER_PUBLIC_RATE_LIMIT_BURST",
                "ENHANCE_ISSUER_PUBLIC_RATE_LIMIT_EXEMPT",
            ],
            &mut self.public_rate_limit,
        )
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 64 * 1024 * 1024,
            max_batch_size: 10_000,
            rate_limit_per_minute: 600,
            status_list_max_age_secs: 60,
            shutdown_grace_secs: 300,
            header_read_timeout_secs: 10,
            body_read_timeout_secs: 120,
            public_rate_limit: service_kit::RateLimit::default(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://data/issuer.sqlite?mode=rwc".into(),
            database_max_connections: 8,
            public_base_url: "http://localhost:8080".into(),
            keys_dir: PathBuf::from("keys.example"),
            universities_file: PathBuf::from("keys.example/universities.toml"),
            tokens_file: Some(PathBuf::from("keys.example/tokens.toml")),
            admin_tokens_file: None,
            staff_file: Some(PathBuf::from("keys.example/staff.toml")),
            verifier_url: "http://127.0.0.1:8090".into(),
            render_display_images: true,
            log_format: LogFormat::Json,
            limits: Limits::default(),
            render: RenderConfig::default(),
            oid4vci: Oid4vciConfig::default(),
            notify: crate::notify::NotifyConfig::default(),
            sso: crate::app::sso::SsoConfig::default(),
            staff: crate::app::staff::StaffConfig::default(),
        }
    }
}

service_kit::config_loaders!(Config);

impl Config {
    /// Applies the `ENHANCE_ISSUER_*` overrides present in `env`.
    pub fn apply_env(&mut self, env: &HashMap<String, String>) -> Result<(), ConfigError> {
        let env = Env::new(env);
        env.parse("ENHANCE_ISSUER_BIND", &mut self.bind)?;
        env.string("ENHANCE_ISSUER_DATABASE_URL", &mut self.database_url);
        let max = "ENHANCE_ISSUER_DATABASE_MAX_CONNECTIONS";
        env.parse(max, &mut self.database_max_connections)?;
        env.string("ENHANCE_ISSUER_PUBLIC_BASE_URL", &mut self.public_base_url);
        env.path("ENHANCE_ISSUER_KEYS_DIR", &mut self.keys_dir);
        env.path(
            "ENHANCE_ISSUER_UNIVERSITIES_FILE",
            &mut self.universities_file,
        );
        env.optional_path("ENHANCE_ISSUER_TOKENS_FILE", &mut self.tokens_file);
        env.optional_path(
            "ENHANCE_ISSUER_ADMIN_TOKENS_FILE",
            &mut self.admin_tokens_file,
        );
        env.optional_path("ENHANCE_ISSUER_STAFF_FILE", &mut self.staff_file);
        env.string("ENHANCE_ISSUER_VERIFIER_URL", &mut self.verifier_url);
        let images = "ENHANCE_ISSUER_RENDER_DISPLAY_IMAGES";
        env.parse(images, &mut self.render_display_images)?;
        env.parse("ENHANCE_ISSUER_LOG_FORMAT", &mut self.log_format)?;
        self.render.apply_env(env)?;
        self.oid4vci.apply_env(env)?;
        self.notify.apply_env(env)?;
        self.sso.apply_env(env)?;
        self.staff.apply_env(env)?;
        self.limits.apply_env(env)
    }

    /// Checks ranges and consistency.
    pub fn check(&self) -> Result<(), ConfigError> {
        let http = |url: &str| url.starts_with("http://") || url.starts_with("https://");
        let db = &self.database_url;
        require(
            db.starts_with("sqlite:")
                || db.starts_with("postgres://")
                || db.starts_with("postgresql://"),
            "database_url",
            "must start with sqlite: or postgres://",
        )?;
        require(
            http(&self.public_base_url),
            "public_base_url",
            "must be an http(s) URL",
        )?;
        require(
            http(&self.verifier_url) && !self.verifier_url.contains(['?', '#']),
            "verifier_url",
            "must be an http(s) base URL without query or fragment",
        )?;
        let at_least_1 = [
            (
                "database_max_connections",
                u64::from(self.database_max_connections),
            ),
            ("render.deadline_ms", self.render.deadline_ms),
            (
                "oid4vci.access_token_lifetime_secs",
                self.oid4vci.access_token_lifetime_secs,
            ),
            (
                "oid4vci.c_nonce_lifetime_secs",
                self.oid4vci.c_nonce_lifetime_secs,
            ),
            (
                "oid4vci.proof_max_age_secs",
                self.oid4vci.proof_max_age_secs,
            ),
            (
                "oid4vci.offers.code_lifetime_secs",
                self.oid4vci.offers.code_lifetime_secs,
            ),
            (
                "oid4vci.offers.tx_code_max_attempts",
                u64::from(self.oid4vci.offers.tx_code_max_attempts),
            ),
            ("render.max_glyphs", self.render.max_glyphs as u64),
            ("render.max_pages", self.render.max_pages as u64),
            ("limits.max_batch_size", self.limits.max_batch_size as u64),
            (
                "limits.header_read_timeout_secs",
                self.limits.header_read_timeout_secs,
            ),
            (
                "limits.body_read_timeout_secs",
                self.limits.body_read_timeout_secs,
            ),
        ];
        for (setting, value) in at_least_1 {
            require(value >= 1, setting, "must be at least 1")?;
        }
        let rate = &self.limits.public_rate_limit;
        check_rate_limit(rate, "limits.public_rate_limit")?;
        self.notify.check()?;
        self.sso.check()?;
        self.staff.check()?;
        require(
            self.limits.status_list_max_age_secs <= 60,
            "limits.status_list_max_age_secs",
            "must be at most 60 (revocation must show quickly)",
        )
    }

    /// The public base URL without a trailing `/`.
    pub fn base_url(&self) -> &str {
        self.public_base_url.trim_end_matches('/')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_documented_values() {
        let c = Config::default();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database_url, "sqlite://data/issuer.sqlite?mode=rwc");
        assert_eq!(c.public_base_url, "http://localhost:8080");
        assert_eq!(c.verifier_url, "http://127.0.0.1:8090");
        assert!(c.render_display_images);
        assert!(c.check().is_ok());
    }

    #[test]
    fn toml_then_env_override() {
        let dir = std::env::temp_dir().join(format!("issuer-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("issuer.toml");
        std::fs::write(&file, "bind = \"0.0.0.0:9000\"\npublic_base_url = \"https://x.example\"\n[limits]\nmax_batch_size = 5\n").unwrap();
        let mut env = HashMap::new();
        env.insert(
            "ENHANCE_ISSUER_BIND".to_string(),
            "127.0.0.1:9100".to_string(),
        );
        let c = Config::load_with_env(Some(&file), &env).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:9100");
        assert_eq!(c.public_base_url, "https://x.example");
        assert_eq!(c.limits.max_batch_size, 5);
        assert_eq!(c.limits.max_body_bytes, Limits::default().max_body_bytes);
        let mut env = HashMap::new();
        env.insert(
            "ENHANCE_ISSUER_VERIFIER_URL".to_string(),
            "https://verify.example/".to_string(),
        );
        env.insert(
            "ENHANCE_ISSUER_RENDER_DISPLAY_IMAGES".to_string(),
            "false".to_string(),
        );
        let c = Config::load_with_env(None, &env).unwrap();
        assert_eq!(c.verifier_url, "https://verify.example/");
        assert!(!c.render_display_images);
        env.insert(
            "ENHANCE_ISSUER_VERIFIER_URL".to_string(),
            "ftp://x".to_string(),
        );
        assert!(Config::load_with_env(None, &env)
            .unwrap_err()
            .to_string()
            .contains("verifier_url"));
        assert!(Config::from_toml_str("bnid = 1")
            .unwrap_err()
            .contains("bnid"));
    }

    #[test]
    fn read_timeouts_and_public_rate_limit() {
        let c = Config::from_toml_str("[limits]\nheader_read_timeout_secs = 3\n[limits.public_rate_limit]\nper_second = 2\nburst = 5\nexempt = [\"10.0.0.1\"]\n").unwrap();
        assert_eq!(c.limits.header_read_timeout_secs, 3);
        assert_eq!(c.limits.public_rate_limit.per_second, 2.0);
        assert_eq!(
            c.limits.public_rate_limit.exempt,
            vec!["10.0.0.1".parse::<std::net::IpAddr>().unwrap()]
        );
        let env: HashMap<String, String> = [
            ("ENHANCE_ISSUER_BODY_READ_TIMEOUT_SECS", "7"),
            ("ENHANCE_ISSUER_PUBLIC_RATE_LIMIT_BURST", "9"),
            ("ENHANCE_ISSUER_PUBLIC_RATE_LIMIT_EXEMPT", "127.0.0.1, ::1"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let c = Config::load_with_env(None, &env).unwrap();
        assert_eq!(
            (
                c.limits.body_read_timeout_secs,
                c.limits.public_rate_limit.burst
            ),
            (7, 9)
        );
        assert_eq!(c.limits.public_rate_limit.exempt.len(), 2);
        let env: HashMap<String, String> = [(
            "ENHANCE_ISSUER_PUBLIC_RATE_LIMIT_EXEMPT".to_owned(),
            "localhost".to_owned(),
        )]
        .into_iter()
        .collect();
        assert!(Config::load_with_env(None, &env)
            .unwrap_err()
            .to_string()
            .contains("ENHANCE_ISSUER_PUBLIC_RATE_LIMIT_EXEMPT"));
        let mut c = Config::default();
        c.limits.header_read_timeout_secs = 0;
        assert!(c
            .check()
            .unwrap_err()
            .to_string()
            .contains("limits.header_read_timeout_secs"));
        let mut c = Config::default();
        c.limits.public_rate_limit.burst = 0;
        assert!(c
            .check()
            .unwrap_err()
            .to_string()
            .contains("limits.public_rate_limit.burst"));
    }

    #[test]
    fn render_settings_from_env_and_checked() {
        let mut env = HashMap::new();
        env.insert("ENHANCE_ISSUER_RENDER_WORKERS".to_string(), "3".to_string());
        env.insert(
            "ENHANCE_ISSUER_RENDER_CACHE_BYTES".to_string(),
            "1024".to_string(),
        );
        env.insert(
            "ENHANCE_ISSUER_RENDER_DEADLINE_MS".to_string(),
            "1500".to_string(),
        );
        env.insert(
            "ENHANCE_ISSUER_RENDER_MAX_GLYPHS".to_string(),
            "5000".to_string(),
        );
        env.insert(
            "ENHANCE_ISSUER_RENDER_MAX_PAGES".to_string(),
            "7".to_string(),
        );
        let c = Config::load_with_env(None, &env).unwrap();
        let s = c.render.settings();
        assert_eq!(
            (
                s.workers,
                s.cache_bytes,
                s.deadline.as_millis(),
                s.max_glyphs,
                s.max_pages
            ),
            (3, 1024, 1500, 5000, 7)
        );
        assert!(
            Config::default().render.settings().workers >= 1,
            "0 means one per core"
        );
        env.insert(
            "ENHANCE_ISSUER_RENDER_DEADLINE_MS".to_string(),
            "0".to_string(),
        );
        assert!(Config::load_with_env(None, &env)
            .unwrap_err()
            .to_string()
            .contains("render.deadline_ms"));
    }

    #[test]
    fn oid4vci_settings_from_toml_env_and_checked() {
        let c = Config::from_toml_str(
            "[oid4vci]\naccess_token_lifetime_secs = 120\nhaip_universities = [\"eth\"]\n",
        )
        .unwrap();
        assert_eq!(c.oid4vci.access_token_lifetime_secs, 120);
        assert_eq!(c.oid4vci.haip_universities, ["eth"]);
        let env: HashMap<String, String> = [
            ("ENHANCE_ISSUER_OID4VCI_HAIP_UNIVERSITIES", "eth, rwth"),
            ("ENHANCE_ISSUER_OID4VCI_C_NONCE_LIFETIME_SECS", "60"),
            ("ENHANCE_ISSUER_OID4VCI_PROOF_MAX_AGE_SECS", "0"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let err = Config::load_with_env(None, &env).unwrap_err().to_string();
        assert!(err.contains("oid4vci.proof_max_age_secs"), "{err}");
        let mut c = Config::default();
        c.apply_env(&env).unwrap();
        assert_eq!(c.oid4vci.haip_universities, ["eth", "rwth"]);
        assert_eq!(c.oid4vci.c_nonce_lifetime_secs, 60);
    }

    #[test]
    fn shipped_example_parses_to_defaults() {
        let text = include_str!("../issuer.example.toml");
        assert_eq!(Config::from_toml_str(text).unwrap(), Config::default());
    }
}
