//! Configuration of the issuer service (`issuer serve`): one typed [`Config`], read from TOML
//! (`--config FILE`) with environment variables overriding it (`ENHANCE_ISSUER_*`), and command-line
//! flags overriding both (the CLI applies them to the struct).
//!
//! Every setting, its default and its environment variable are documented in `docs/CONFIG.md` and
//! `crates/issuer/issuer.example.toml`; the defaults below start a working demo with no flags:
//! SQLite in `data/` (WAL), the demo universities, keys and API tokens of `keys.example/`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

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

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One JSON object per line.
    Json,
    /// Human-readable lines.
    Text,
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
            verifier_url: "http://127.0.0.1:8090".into(),
            render_display_images: true,
            log_format: LogFormat::Json,
            limits: Limits::default(),
            render: RenderConfig::default(),
        }
    }
}

/// Why a configuration could not be loaded. Never contains secrets (URLs are shown without
/// password).
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

impl Config {
    /// Loads the configuration: defaults, then `file` (if any), then the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let env: HashMap<String, String> = std::env::vars().collect();
        Self::load_with_env(file, &env)
    }

    /// Like [`Config::load`] with an explicit environment (for tests).
    pub fn load_with_env(
        file: Option<&Path>,
        env: &HashMap<String, String>,
    ) -> Result<Self, ConfigError> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_owned(),
                    source,
                })?;
                Self::from_toml_str(&text).map_err(|message| ConfigError::Toml {
                    path: path.to_owned(),
                    message,
                })?
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

    /// Applies the `ENHANCE_ISSUER_*` overrides present in `env`.
    pub fn apply_env(&mut self, env: &HashMap<String, String>) -> Result<(), ConfigError> {
        fn parse<T: std::str::FromStr>(var: &'static str, v: &str) -> Result<T, ConfigError>
        where
            T::Err: std::fmt::Display,
        {
            v.trim().parse().map_err(|e: T::Err| ConfigError::Env {
                var,
                message: e.to_string(),
            })
        }
        let get = |k: &str| env.get(k).map(String::as_str);
        if let Some(v) = get("ENHANCE_ISSUER_BIND") {
            self.bind = parse("ENHANCE_ISSUER_BIND", v)?;
        }
        if let Some(v) = get("ENHANCE_ISSUER_DATABASE_URL") {
            self.database_url = v.to_owned();
        }
        if let Some(v) = get("ENHANCE_ISSUER_DATABASE_MAX_CONNECTIONS") {
            self.database_max_connections = parse("ENHANCE_ISSUER_DATABASE_MAX_CONNECTIONS", v)?;
        }
        if let Some(v) = get("ENHANCE_ISSUER_PUBLIC_BASE_URL") {
            self.public_base_url = v.to_owned();
        }
        if let Some(v) = get("ENHANCE_ISSUER_KEYS_DIR") {
            self.keys_dir = PathBuf::from(v);
        }
        if let Some(v) = get("ENHANCE_ISSUER_UNIVERSITIES_FILE") {
            self.universities_file = PathBuf::from(v);
        }
        if let Some(v) = get("ENHANCE_ISSUER_TOKENS_FILE") {
            self.tokens_file = if v.is_empty() {
                None
            } else {
                Some(PathBuf::from(v))
            };
        }
        if let Some(v) = get("ENHANCE_ISSUER_ADMIN_TOKENS_FILE") {
            self.admin_tokens_file = if v.is_empty() {
                None
            } else {
                Some(PathBuf::from(v))
            };
        }
        if let Some(v) = get("ENHANCE_ISSUER_VERIFIER_URL") {
            self.verifier_url = v.to_owned();
        }
        if let Some(v) = get("ENHANCE_ISSUER_RENDER_DISPLAY_IMAGES") {
            self.render_display_images = parse("ENHANCE_ISSUER_RENDER_DISPLAY_IMAGES", v)?;
        }
        if let Some(v) = get("ENHANCE_ISSUER_LOG_FORMAT") {
            self.log_format = match v {
                "json" => LogFormat::Json,
                "text" => LogFormat::Text,
                other => {
                    return Err(ConfigError::Env {
                        var: "ENHANCE_ISSUER_LOG_FORMAT",
                        message: format!("`{other}` is not `json` or `text`"),
                    })
                }
            };
        }
        if let Some(v) = get("ENHANCE_ISSUER_RENDER_WORKERS") {
            self.render.workers = parse("ENHANCE_ISSUER_RENDER_WORKERS", v)?;
        }
        if let Some(v) = get("ENHANCE_ISSUER_RENDER_CACHE_BYTES") {
            self.render.cache_bytes = parse("ENHANCE_ISSUER_RENDER_CACHE_BYTES", v)?;
        }
        if let Some(v) = get("ENHANCE_ISSUER_RENDER_DEADLINE_MS") {
            self.render.deadline_ms = parse("ENHANCE_ISSUER_RENDER_DEADLINE_MS", v)?;
        }
        if let Some(v) = get("ENHANCE_ISSUER_RENDER_MAX_GLYPHS") {
            self.render.max_glyphs = parse("ENHANCE_ISSUER_RENDER_MAX_GLYPHS", v)?;
        }
        if let Some(v) = get("ENHANCE_ISSUER_RENDER_MAX_PAGES") {
            self.render.max_pages = parse("ENHANCE_ISSUER_RENDER_MAX_PAGES", v)?;
        }
        if let Some(v) = get("ENHANCE_ISSUER_MAX_BODY_BYTES") {
            self.limits.max_body_bytes = parse("ENHANCE_ISSUER_MAX_BODY_BYTES", v)?;
        }
        if let Some(v) = get("ENHANCE_ISSUER_MAX_BATCH_SIZE") {
            self.limits.max_batch_size = parse("ENHANCE_ISSUER_MAX_BATCH_SIZE", v)?;
        }
        if let Some(v) = get("ENHANCE_ISSUER_RATE_LIMIT_PER_MINUTE") {
            self.limits.rate_limit_per_minute = parse("ENHANCE_ISSUER_RATE_LIMIT_PER_MINUTE", v)?;
        }
        if let Some(v) = get("ENHANCE_ISSUER_STATUS_LIST_MAX_AGE") {
            self.limits.status_list_max_age_secs = parse("ENHANCE_ISSUER_STATUS_LIST_MAX_AGE", v)?;
        }
        if let Some(v) = get("ENHANCE_ISSUER_SHUTDOWN_GRACE_SECS") {
            self.limits.shutdown_grace_secs = parse("ENHANCE_ISSUER_SHUTDOWN_GRACE_SECS", v)?;
        }
        if let Some(v) = get("ENHANCE_ISSUER_HEADER_READ_TIMEOUT_SECS") {
            self.limits.header_read_timeout_secs =
                parse("ENHANCE_ISSUER_HEADER_READ_TIMEOUT_SECS", v)?;
        }
        if let Some(v) = get("ENHANCE_ISSUER_BODY_READ_TIMEOUT_SECS") {
            self.limits.body_read_timeout_secs = parse("ENHANCE_ISSUER_BODY_READ_TIMEOUT_SECS", v)?;
        }
        if let Some(v) = get("ENHANCE_ISSUER_PUBLIC_RATE_LIMIT_PER_SECOND") {
            self.limits.public_rate_limit.per_second =
                parse("ENHANCE_ISSUER_PUBLIC_RATE_LIMIT_PER_SECOND", v)?;
        }
        if let Some(v) = get("ENHANCE_ISSUER_PUBLIC_RATE_LIMIT_BURST") {
            self.limits.public_rate_limit.burst =
                parse("ENHANCE_ISSUER_PUBLIC_RATE_LIMIT_BURST", v)?;
        }
        if let Some(v) = get("ENHANCE_ISSUER_PUBLIC_RATE_LIMIT_EXEMPT") {
            self.limits.public_rate_limit.exempt = v
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| parse("ENHANCE_ISSUER_PUBLIC_RATE_LIMIT_EXEMPT", a))
                .collect::<Result<_, _>>()?;
        }
        Ok(())
    }

    /// Checks ranges and consistency.
    pub fn check(&self) -> Result<(), ConfigError> {
        let invalid = |setting, message: &str| {
            Err(ConfigError::Invalid {
                setting,
                message: message.into(),
            })
        };
        if !(self.database_url.starts_with("sqlite:")
            || self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://"))
        {
            return invalid("database_url", "must start with sqlite: or postgres://");
        }
        if !(self.public_base_url.starts_with("http://")
            || self.public_base_url.starts_with("https://"))
        {
            return invalid("public_base_url", "must be an http(s) URL");
        }
        if !(self.verifier_url.starts_with("http://") || self.verifier_url.starts_with("https://"))
            || self.verifier_url.contains(['?', '#'])
        {
            return invalid(
                "verifier_url",
                "must be an http(s) base URL without query or fragment",
            );
        }
        if self.database_max_connections == 0 {
            return invalid("database_max_connections", "must be at least 1");
        }
        if self.render.deadline_ms == 0 {
            return invalid("render.deadline_ms", "must be at least 1");
        }
        if self.render.max_glyphs == 0 {
            return invalid("render.max_glyphs", "must be at least 1");
        }
        if self.render.max_pages == 0 {
            return invalid("render.max_pages", "must be at least 1");
        }
        if self.limits.max_batch_size == 0 {
            return invalid("limits.max_batch_size", "must be at least 1");
        }
        if self.limits.header_read_timeout_secs == 0 {
            return invalid("limits.header_read_timeout_secs", "must be at least 1");
        }
        if self.limits.body_read_timeout_secs == 0 {
            return invalid("limits.body_read_timeout_secs", "must be at least 1");
        }
        if let Err(m) = self
            .limits
            .public_rate_limit
            .check("limits.public_rate_limit")
        {
            return Err(ConfigError::Invalid {
                setting: "limits.public_rate_limit",
                message: m,
            });
        }
        if self.limits.status_list_max_age_secs > 60 {
            return invalid(
                "limits.status_list_max_age_secs",
                "must be at most 60 (revocation must show quickly)",
            );
        }
        Ok(())
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
    fn shipped_example_parses_to_defaults() {
        let text = include_str!("../issuer.example.toml");
        assert_eq!(Config::from_toml_str(text).unwrap(), Config::default());
    }
}
