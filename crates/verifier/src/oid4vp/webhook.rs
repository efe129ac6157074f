//! Delivery of presentation results to relying-party systems by webhook (issue #17 point 4).
//!
//! A relying party that created a request with a `webhook` URL receives the result as a `POST`
//! of the result JSON, signed as the Standard Webhooks specification (v1, "Signature scheme")
//! describes: `webhook-id` (stable across the retries of one delivery), `webhook-timestamp`
//! (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256(secret, id "." timestamp "."
//! body)>` (RFC 2104 HMAC with SHA-256), so the receiver authenticates it with the shared secret
//! and rejects stale timestamps.
//!
//! Outbound rules (the guarded outbound policy of the fetcher, [`crate::fetch::is_public`]):
//! https only; no user information in the URL; the host must resolve to public addresses only,
//! checked on the addresses the connection then uses (no second DNS lookup to rebind); no
//! redirects; a total timeout per attempt; the response body is read up to a size limit and
//! discarded; a few attempts with exponential back-off on network errors, 408, 429 and 5xx.
//! Loopback (and plain http to it) only when [`WebhookPolicy::allow_loopback`] is set, for tests.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::clock::Clock;
use crate::fetch::is_public;

/// Why a webhook URL was refused or a result could not be delivered. Never carries the secret.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WebhookError {
    /// The URL breaks a rule (named in the message).
    #[error("webhook: {0}")]
    Url(String),
    /// The host resolves to an address that must not be contacted.
    #[error("webhook: {host} resolves to {address}: private, loopback or link-local addresses are refused")]
    Address {
        /// The URL's host.
        host: String,
        /// The refused address.
        address: IpAddr,
    },
    /// No secret is configured: results cannot be signed.
    #[error("webhook: no signing secret is configured (oid4vp.webhook_secret)")]
    NoSecret,
    /// Every attempt failed; the last reason.
    #[error("webhook: not delivered after {attempts} attempt(s): {last}")]
    Delivery {
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
}

/// How results are delivered.
#[derive(Clone)]
pub struct WebhookPolicy {
    /// The HMAC-SHA256 key shared with the relying parties (`oid4vp.webhook_secret`).
    pub secret: Vec<u8>,
    /// TEST ONLY: loopback addresses (and plain http to them) are allowed.
    pub allow_loopback: bool,
    /// Total deadline of one attempt (connect, TLS, request, response).
    pub timeout: Duration,
    /// Largest response body read (then discarded), in bytes.
    pub max_response_bytes: usize,
    /// Attempts in all (at least one).
    pub attempts: u32,
    /// Wait before the second attempt; doubled before each further one.
    pub backoff: Duration,
    /// Time of the `webhook-timestamp` header.
    pub clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for WebhookPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret is never shown.
        f.debug_struct("WebhookPolicy")
            .field("allow_loopback", &self.allow_loopback)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("attempts", &self.attempts)
            .field("backoff", &self.backoff)
            .finish_non_exhaustive()
    }
}

impl WebhookPolicy {
    /// The production defaults: 10 s per attempt, 64 KiB of response, 4 attempts 1 s, 2 s, 4 s
    /// apart, loopback refused.
    pub fn new(secret: impl Into<Vec<u8>>, clock: Arc<dyn Clock>) -> Self {
        Self {
            secret: secret.into(),
            allow_loopback: false,
            timeout: Duration::from_secs(10),
            max_response_bytes: 64 * 1024,
            attempts: 4,
            backoff: Duration::from_secs(1),
            clock,
        }
    }
}

/// Whether `ip` may be contacted.
fn address_allowed(ip: IpAddr, allow_loopback: bool) -> bool {
    is_public(ip) || (allow_loopback && ip.is_loopback())
}

/// Checks a webhook URL at request creation: absolute https URL (plain http only to a loopback
/// host when `allow_loopback`), no user information, no fragment, and a host that is a domain
/// name or a public IP address (private, loopback, link-local and other non-public literals are
/// refused here; names are checked again on the addresses they resolve to at delivery).
pub fn validate_webhook_url(url: &str, allow_loopback: bool) -> Result<(), WebhookError> {
    parse_webhook_url(url, allow_loopback).map(|_| ())
}

fn parse_webhook_url(url: &str, allow_loopback: bool) -> Result<reqwest::Url, WebhookError> {
    let bad = |rule: &str| WebhookError::Url(format!("webhook URL {url:?}: {rule}"));
    if url.len() > 2048 {
        return Err(WebhookError::Url(
            "webhook URL: longer than 2048 characters".into(),
        ));
    }
    let u = reqwest::Url::parse(url).map_err(|e| bad(&format!("not an absolute URL ({e})")))?;
    if !u.username().is_empty() || u.password().is_some() {
        return Err(bad("must not carry a user name or password"));
    }
    if u.fragment().is_some() {
        return Err(bad("must not have a fragment"));
    }
    let loopback_host = match u.host() {
        None => return Err(bad("has no host")),
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            let local = d == "localhost" || d.ends_with(".localhost");
            if local && !allow_loopback {
                return Err(bad("localhost is refused"));
            }
            local
        }
        Some(url::Host::Ipv4(a)) => check_literal(url, IpAddr::V4(a), allow_loopback)?,
        Some(url::Host::Ipv6(a)) => check_literal(url, IpAddr::V6(a), allow_loopback)?,
    };
    match u.scheme() {
        "https" => Ok(u),
        "http" if allow_loopback && loopback_host => Ok(u),
        _ => Err(bad("must use https")),
    }
}

/// An IP literal host: whether it is loopback (allowed only with `allow_loopback`).
fn check_literal(url: &str, ip: IpAddr, allow_loopback: bool) -> Result<bool, WebhookError> {
    if address_allowed(ip, allow_loopback) {
        Ok(ip.is_loopback())
    } else {
        let host = reqwest::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        Err(WebhookError::Address { host, address: ip })
    }
}

/// The Standard Webhooks signature header value of `body`: `v1,<base64 HMAC-SHA256>` over
/// `id.timestamp.body`.
pub fn sign(secret: &[u8], id: &str, timestamp: i64, body: &[u8]) -> Result<String, WebhookError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| WebhookError::NoSecret)?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The `webhook-id` of a delivery: derived from the body, the same for every retry (the
/// receiver's idempotency key).
fn message_id(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!(
        "msg_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(digest.get(..16).unwrap_or_default())
    )
}

/// Resolves the URL's host and keeps the addresses that may be contacted; refuses the host when
/// any address may not (a name that also points inside the network is not trusted).
async fn resolve(u: &reqwest::Url, allow_loopback: bool) -> Result<Vec<SocketAddr>, WebhookError> {
    let host = u.host_str().unwrap_or_default().to_owned();
    let port = u.port_or_known_default().unwrap_or(443);
    let lookup = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((lookup.as_str(), port))
        .await
        .map_err(|e| WebhookError::Delivery {
            attempts: 0,
            last: format!("DNS lookup of {host}: {e}"),
        })?
        .collect();
    if let Some(bad) = addrs
        .iter()
        .find(|a| !address_allowed(a.ip(), allow_loopback))
    {
        return Err(WebhookError::Address {
            host,
            address: bad.ip(),
        });
    }
    if addrs.is_empty() {
        return Err(WebhookError::Delivery {
            attempts: 0,
            last: format!("{host} has no address"),
        });
    }
    Ok(addrs)
}

/// One attempt: `Ok(())` on 2xx, `Err((retry, reason))` otherwise.
async fn attempt(
    client: &reqwest::Client,
    u: &reqwest::Url,
    headers: &[(&'static str, String)],
    body: &[u8],
    max_response_bytes: usize,
) -> Result<(), (bool, String)> {
    let mut req = client
        .post(u.clone())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_vec());
    for (name, value) in headers {
        req = req.header(*name, value.as_str());
    }
    let mut res = req.send().await.map_err(|e| (true, e.to_string()))?;
    // Read (and discard) at most `max_response_bytes` of the answer.
    let mut read = 0usize;
    while let Some(chunk) = res.chunk().await.map_err(|e| (true, e.to_string()))? {
        read = read.saturating_add(chunk.len());
        if read > max_response_bytes {
            break;
        }
    }
    let status = res.status();
    if status.is_success() {
        Ok(())
    } else {
        let retry = status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429;
        Err((retry, format!("the receiver answered {status}")))
    }
}

/// Delivers `result` to `url` (see the module documentation): `Ok(())` once the receiver answered
/// 2xx; the URL is checked again and its host resolved to allowed addresses first.
pub async fn deliver(
    url: &str,
    result: &serde_json::Value,
    policy: &WebhookPolicy,
) -> Result<(), WebhookError> {
    if policy.secret.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    let u = parse_webhook_url(url, policy.allow_loopback)?;
    let addrs = resolve(&u, policy.allow_loopback).await?;
    let host = u.host_str().unwrap_or_default().to_owned();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(policy.timeout)
        .connect_timeout(policy.timeout)
        .resolve_to_addrs(&host, &addrs)
        .user_agent("enhance-verifier-webhook/1")
        .build()
        .map_err(|e| WebhookError::Delivery {
            attempts: 0,
            last: format!("HTTP client: {e}"),
        })?;
    let body = serde_json::to_vec(result).map_err(|e| WebhookError::Delivery {
        attempts: 0,
        last: format!("result JSON: {e}"),
    })?;
    let id = message_id(&body);
    let attempts = policy.attempts.max(1);
    let mut wait = policy.backoff;
    let mut last = String::new();
    for n in 1..=attempts {
        let timestamp = policy.clock.now().timestamp();
        let headers = [
            ("webhook-id", id.clone()),
            ("webhook-timestamp", timestamp.to_string()),
            (
                "webhook-signature",
                sign(&policy.secret, &id, timestamp, &body)?,
            ),
        ];
        match attempt(&client, &u, &headers, &body, policy.max_response_bytes).await {
            Ok(()) => return Ok(()),
            Err((retry, reason)) => {
                last = reason;
                if !retry {
                    return Err(WebhookError::Delivery { attempts: n, last });
                }
            }
        }
        if n < attempts {
            tokio::time::sleep(wait).await;
            wait = wait.saturating_mul(2);
        }
    }
    Err(WebhookError::Delivery { attempts, last })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_loopback_literals_are_refused_by_the_address_check() {
        for url in [
            "https://10.0.0.1/hook",
            "https://192.168.1.20/hook",
            "https://172.16.0.5/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://127.0.0.1/hook",
            "https://[::1]/hook",
            "https://[fd00::1]/hook",
            "https://[fe80::1]/hook",
            "https://[::ffff:10.0.0.1]/hook",
            "https://0.0.0.0/hook",
            "https://100.64.0.1/hook",
        ] {
            let e = validate_webhook_url(url, false);
            assert!(
                matches!(e, Err(WebhookError::Address { .. })),
                "{url}: {e:?}"
            );
        }
        assert!(validate_webhook_url("https://localhost/hook", false).is_err());
        // Loopback only when configured (tests), and then plain http to it too.
        assert!(validate_webhook_url("http://127.0.0.1:8080/hook", true).is_ok());
        assert!(validate_webhook_url("https://[::1]/hook", true).is_ok());
        assert!(validate_webhook_url("https://10.0.0.1/hook", true).is_err());
    }

    #[test]
    fn only_https_without_credentials() {
        assert!(validate_webhook_url("https://rp.example.org/hooks/oid4vp", false).is_ok());
        assert!(validate_webhook_url("https://93.184.215.14/hook", false).is_ok());
        for (url, rule) in [
            ("http://rp.example.org/hook", "must use https"),
            ("http://rp.example.org/hook", "must use https"),
            ("ftp://rp.example.org/hook", "must use https"),
            (
                "https://user:pw@rp.example.org/hook",
                "user name or password",
            ),
            ("https://rp.example.org/hook#x", "fragment"),
            ("/relative", "not an absolute URL"),
        ] {
            let e = validate_webhook_url(url, false).expect_err(url).to_string();
            assert!(e.contains(rule), "{url}: {e}");
        }
        // Plain http is refused even with loopback allowed, unless the host is loopback.
        assert!(validate_webhook_url("http://rp.example.org/hook", true).is_err());
    }

    #[test]
    fn signature_follows_standard_webhooks() {
        // Standard Webhooks reference example (whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw).
        let secret = base64::engine::general_purpose::STANDARD
            .decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .expect("secret");
        let sig = sign(
            &secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        )
        .expect("sign");
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
