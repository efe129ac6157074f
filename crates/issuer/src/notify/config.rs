//! Settings of learner notification e-mail (issue #18 item 3), `[notify]` in the issuer's
//! configuration, `ENHANCE_ISSUER_NOTIFY_*` in the environment (docs/CONFIG.md "Learner
//! notification e-mail"): the SMTP server (RFC 5321) with STARTTLS (RFC 3207) or implicit TLS
//! (RFC 8314 §3.3) and AUTH (RFC 4954), the sender, and the outbox worker's retry policy.

use std::net::IpAddr;

use serde::Deserialize;
use service_kit::config::{require, ConfigError, Env};

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS, which is required (submission port 587).
    Starttls,
    /// TLS from the first byte (submissions port 465).
    Tls,
    /// No TLS at all: only to a loopback host (tests, a local relay), refused otherwise.
    None,
}

impl std::str::FromStr for SmtpSecurity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "starttls" => Ok(Self::Starttls),
            "tls" => Ok(Self::Tls),
            "none" => Ok(Self::None),
            _ => Err(format!("`{s}`: must be starttls, tls or none")),
        }
    }
}

/// `[notify]`: learner notification e-mail.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifyConfig {
    /// Run the sending worker. Messages are queued with their credentials either way (and sent
    /// once a worker runs). `ENHANCE_ISSUER_NOTIFY_ENABLED`.
    pub enabled: bool,
    /// SMTP server host name or address. `ENHANCE_ISSUER_NOTIFY_SMTP_HOST`.
    pub smtp_host: String,
    /// SMTP port. `ENHANCE_ISSUER_NOTIFY_SMTP_PORT`.
    pub smtp_port: u16,
    /// `starttls`, `tls` or `none` (loopback hosts only). `ENHANCE_ISSUER_NOTIFY_SMTP_SECURITY`.
    pub smtp_security: SmtpSecurity,
    /// AUTH user name (empty: no AUTH). `ENHANCE_ISSUER_NOTIFY_SMTP_USERNAME`.
    pub smtp_username: String,
    /// AUTH password. `ENHANCE_ISSUER_NOTIFY_SMTP_PASSWORD`.
    pub smtp_password: String,
    /// Seconds one SMTP command may take. `ENHANCE_ISSUER_NOTIFY_SMTP_TIMEOUT_SECS`.
    pub smtp_timeout_secs: u64,
    /// `From` of every message (`Name <address>` or `address`). `ENHANCE_ISSUER_NOTIFY_FROM`.
    pub from: String,
    /// `Reply-To` (empty: none). `ENHANCE_ISSUER_NOTIFY_REPLY_TO`.
    pub reply_to: String,
    /// Attempts before a message is `failed`. `ENHANCE_ISSUER_NOTIFY_MAX_ATTEMPTS`.
    pub max_attempts: u32,
    /// Delay before the second attempt, in milliseconds; doubled for each further one (at most a
    /// day). `ENHANCE_ISSUER_NOTIFY_RETRY_BASE_MS`.
    pub retry_base_ms: u64,
    /// Seconds after which a message left `sending` (its worker crashed) is taken again.
    /// `ENHANCE_ISSUER_NOTIFY_LEASE_SECS`.
    pub lease_secs: u64,
    /// Milliseconds between looks for due messages when there were none.
    /// `ENHANCE_ISSUER_NOTIFY_POLL_MS`.
    pub poll_ms: u64,
    /// Messages sent at once. `ENHANCE_ISSUER_NOTIFY_CONCURRENCY`.
    pub concurrency: usize,
}

// The password never appears in a log or an error (`Config` is `Debug`).
impl std::fmt::Debug for NotifyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifyConfig")
            .field("enabled", &self.enabled)
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_security", &self.smtp_security)
            .field("smtp_username", &self.smtp_username)
            .field("smtp_password", &"<redacted>")
            .field("from", &self.from)
            .field("max_attempts", &self.max_attempts)
            .field("retry_base_ms", &self.retry_base_ms)
            .field("lease_secs", &self.lease_secs)
            .finish_non_exhaustive()
    }
}

impl Default for NotifyConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            smtp_host: "localhost".into(),
            smtp_port: 587,
            smtp_security: SmtpSecurity::Starttls,
            smtp_username: String::new(),
            smtp_password: String::new(),
            smtp_timeout_secs: 30,
            from: "ENHANCE credentials <no-reply@localhost>".into(),
            reply_to: String::new(),
            max_attempts: 6,
            retry_base_ms: 60_000,
            lease_secs: 600,
            poll_ms: 1_000,
            concurrency: 4,
        }
    }
}

/// Whether `host` is a loopback host: `localhost` or a loopback IP address (the only hosts
/// plain SMTP may go to). Decided on the name and address alone, never by resolving or connecting.
pub fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl NotifyConfig {
    /// Applies the `ENHANCE_ISSUER_NOTIFY_*` overrides.
    pub fn apply_env(&mut self, env: Env<'_>) -> Result<(), ConfigError> {
        env.parse("ENHANCE_ISSUER_NOTIFY_ENABLED", &mut self.enabled)?;
        env.string("ENHANCE_ISSUER_NOTIFY_SMTP_HOST", &mut self.smtp_host);
        env.parse("ENHANCE_ISSUER_NOTIFY_SMTP_PORT", &mut self.smtp_port)?;
        let security = "ENHANCE_ISSUER_NOTIFY_SMTP_SECURITY";
        env.parse(security, &mut self.smtp_security)?;
        let user = "ENHANCE_ISSUER_NOTIFY_SMTP_USERNAME";
        env.string(user, &mut self.smtp_username);
        let password = "ENHANCE_ISSUER_NOTIFY_SMTP_PASSWORD";
        env.string(password, &mut self.smtp_password);
        let timeout = "ENHANCE_ISSUER_NOTIFY_SMTP_TIMEOUT_SECS";
        env.parse(timeout, &mut self.smtp_timeout_secs)?;
        env.string("ENHANCE_ISSUER_NOTIFY_FROM", &mut self.from);
        env.string("ENHANCE_ISSUER_NOTIFY_REPLY_TO", &mut self.reply_to);
        let attempts = "ENHANCE_ISSUER_NOTIFY_MAX_ATTEMPTS";
        env.parse(attempts, &mut self.max_attempts)?;
        env.parse(
            "ENHANCE_ISSUER_NOTIFY_RETRY_BASE_MS",
            &mut self.retry_base_ms,
        )?;
        env.parse("ENHANCE_ISSUER_NOTIFY_LEASE_SECS", &mut self.lease_secs)?;
        env.parse("ENHANCE_ISSUER_NOTIFY_POLL_MS", &mut self.poll_ms)?;
        env.parse("ENHANCE_ISSUER_NOTIFY_CONCURRENCY", &mut self.concurrency)
    }

    /// Checks ranges, the addresses, and that plain SMTP goes to a loopback host only.
    pub fn check(&self) -> Result<(), ConfigError> {
        for (setting, value) in [
            ("notify.max_attempts", u64::from(self.max_attempts)),
            ("notify.retry_base_ms", self.retry_base_ms),
            ("notify.lease_secs", self.lease_secs),
            ("notify.poll_ms", self.poll_ms),
            ("notify.concurrency", self.concurrency as u64),
            ("notify.smtp_timeout_secs", self.smtp_timeout_secs),
        ] {
            require(value >= 1, setting, "must be at least 1")?;
        }
        require(
            self.from.parse::<lettre::message::Mailbox>().is_ok(),
            "notify.from",
            "must be an address `name@domain` or `Name <name@domain>`",
        )?;
        require(
            self.reply_to.is_empty() || self.reply_to.parse::<lettre::message::Mailbox>().is_ok(),
            "notify.reply_to",
            "must be empty or an address `name@domain` or `Name <name@domain>`",
        )?;
        require(
            self.smtp_security != SmtpSecurity::None || is_loopback_host(&self.smtp_host),
            "notify.smtp_security",
            "`none` (plain SMTP, no TLS) is allowed only to a loopback smtp_host (localhost, 127.0.0.0/8, ::1); use starttls or tls",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_smtp_only_to_loopback() {
        for host in ["127.0.0.1", "127.5.0.1", "::1", "[::1]", "localhost"] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "10.0.0.5",
            "192.168.1.1",
            "172.16.0.1",
            "169.254.1.1",
            "0.0.0.0",
            "mail.example.org",
            "fd00::1",
            "localhost.example",
        ] {
            assert!(!is_loopback_host(host), "{host}");
            let c = NotifyConfig {
                smtp_host: host.into(),
                smtp_security: SmtpSecurity::None,
                ..NotifyConfig::default()
            };
            let err = c.check().unwrap_err().to_string();
            assert!(err.contains("notify.smtp_security"), "{err}");
            let tls = NotifyConfig {
                smtp_security: SmtpSecurity::Tls,
                ..c
            };
            assert!(tls.check().is_ok());
        }
        let local = NotifyConfig {
            smtp_host: "127.0.0.1".into(),
            smtp_security: SmtpSecurity::None,
            ..NotifyConfig::default()
        };
        assert!(local.check().is_ok());
    }

    #[test]
    fn env_overrides_and_redacted_debug() {
        let mut env = std::collections::HashMap::new();
        env.insert(
            "ENHANCE_ISSUER_NOTIFY_SMTP_SECURITY".to_owned(),
            "tls".to_owned(),
        );
        env.insert(
            "ENHANCE_ISSUER_NOTIFY_SMTP_PASSWORD".to_owned(),
            "s3cret-pw".to_owned(),
        );
        env.insert(
            "ENHANCE_ISSUER_NOTIFY_MAX_ATTEMPTS".to_owned(),
            "3".to_owned(),
        );
        let mut c = NotifyConfig::default();
        c.apply_env(Env::new(&env)).unwrap();
        assert_eq!(c.smtp_security, SmtpSecurity::Tls);
        assert_eq!(c.max_attempts, 3);
        assert!(!format!("{c:?}").contains("s3cret-pw"));
        env.insert(
            "ENHANCE_ISSUER_NOTIFY_SMTP_SECURITY".to_owned(),
            "ssl".to_owned(),
        );
        assert!(c.apply_env(Env::new(&env)).is_err());
        let bad = NotifyConfig {
            from: "not an address".into(),
            ..NotifyConfig::default()
        };
        assert!(bad.check().unwrap_err().to_string().contains("notify.from"));
    }
}
