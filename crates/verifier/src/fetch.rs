//! Guarded HTTP fetching of did:web DID documents (did:web §3.2.2 "Read (Resolve)") and status list
//! credentials (Bitstring Status List v1.0 §3.2 step 3, "dereference statusListCredential"), with a
//! TTL cache keyed by URL.
//!
//! Safety rules (did:web §2.5 / Bitstring Status List §6 "Security Considerations"; SSRF defence):
//! https only (plain http only when the TEST-only [`NetworkPolicy::allow_http`] is set), connect and
//! whole-request timeouts, a response size cap read through a `take()`-limited reader, redirects
//! only to the same host and port, no proxy, and a DNS resolver that drops private, loopback,
//! link-local, CGNAT, multicast, documentation and unspecified addresses unless allow-listed. IP
//! literals in URLs are checked the same way before any connection. Nothing else is fetched (never
//! a JSON-LD context). Cache ages come from the caller's clock.

use std::collections::HashMap;
use std::io::Read as _;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs as _};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::blocking::Client;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;

use crate::policy::NetworkPolicy;

/// Why a document could not be fetched. Every variant means "could not check", never "invalid".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The policy forbids network access.
    #[error("network access is disabled by the verification policy")]
    Offline,
    /// Not a URL.
    #[error("invalid URL {url}: {reason}")]
    BadUrl {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// Not https (and http not allowed).
    #[error("{url}: only https URLs are fetched")]
    Scheme {
        /// The URL.
        url: String,
    },
    /// The host is (or resolves to) a non-public address that is not allow-listed.
    #[error("{url}: address {addr} is private, loopback or link-local and not allow-listed")]
    Blocked {
        /// The URL.
        url: String,
        /// The refused address.
        addr: IpAddr,
    },
    /// Connection, TLS, DNS, timeout or redirect failure.
    #[error("{url}: {reason}")]
    Network {
        /// The URL.
        url: String,
        /// What went wrong (error chain).
        reason: String,
    },
    /// Non-2xx HTTP status.
    #[error("{url}: HTTP status {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The body exceeds the size cap.
    #[error("{url}: response larger than {limit} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The cap.
        limit: usize,
    },
    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    Client(String),
}

/// Whether `ip` is a public unicast address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            let o = a.octets();
            !(a.is_private()
                || a.is_loopback()
                || a.is_link_local()
                || a.is_unspecified()
                || a.is_broadcast()
                || a.is_documentation()
                || a.is_multicast()
                || o[0] == 0
                || o[0] >= 240
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || (o[0] == 198 && (o[1] & 0xfe) == 18))
        }
        IpAddr::V6(a) => {
            if let Some(v4) = a.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = a.segments();
            !(a.is_loopback()
                || a.is_unspecified()
                || a.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || (s[0] == 0 && s[1] == 0 && s[2] == 0 && s[3] == 0 && s[4] == 0 && s[5] == 0))
        }
    }
}

fn allowed(ip: IpAddr, allow: &[IpAddr]) -> bool {
    allow.contains(&ip) || is_public(ip)
}

/// DNS resolution through the system resolver, keeping only permitted addresses.
#[derive(Debug)]
struct FilteringResolver {
    allow: Vec<IpAddr>,
}

impl Resolve for FilteringResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = self.allow.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let all: Vec<SocketAddr> = (host.as_str(), 0u16).to_socket_addrs()?.collect();
            let kept: Vec<SocketAddr> = all.iter().copied().filter(|a| allowed(a.ip(), &allow)).collect();
            if kept.is_empty() {
                let refused = all.first().map(|a| a.ip().to_string()).unwrap_or_else(|| "no address".into());
                return Err(format!(
                    "{host} resolves to {refused}: private, loopback or link-local addresses are not allow-listed"
                )
                .into());
            }
            let addrs: Addrs = Box::new(kept.into_iter());
            Ok(addrs)
        })
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let m = c.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        cur = c.source();
    }
    s
}

#[derive(Debug, Clone)]
struct Cached {
    at: DateTime<Utc>,
    body: Arc<Vec<u8>>,
}

/// Most URLs kept in a [`Fetcher`]'s cache. Credentials choose their status list URLs, so a
/// long-running service must not cache an unbounded number of them; the oldest entries go first.
pub const MAX_CACHED_URLS: usize = 256;

/// Most body bytes kept in a [`Fetcher`]'s cache (see [`MAX_CACHED_URLS`]).
pub const MAX_CACHED_BYTES: usize = 64 * 1024 * 1024;

/// The HTTP client and the URL cache of a [`crate::Policy`].
#[derive(Default)]
pub struct Fetcher {
    client: Mutex<Option<(NetworkPolicy, Client)>>,
    cache: Mutex<HashMap<String, Cached>>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher").field("cached_urls", &lock(&self.cache).len()).finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn build_client(np: &NetworkPolicy) -> Result<Client, FetchError> {
    let max = np.max_redirects;
    let allow_http = np.allow_http;
    let redirect = reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > max {
            return attempt.error(format!("more than {max} redirects"));
        }
        let first = attempt.previous().first();
        let same_origin = first.is_some_and(|f| {
            f.host_str() == attempt.url().host_str() && f.port_or_known_default() == attempt.url().port_or_known_default()
        });
        if !same_origin {
            let to = attempt.url().to_string();
            attempt.error(format!("redirect to another host refused ({to})"))
        } else if attempt.url().scheme() != "https" && !allow_http {
            attempt.error("redirect to a non-https URL refused")
        } else {
            attempt.follow()
        }
    });
    Client::builder()
        .use_rustls_tls()
        .https_only(!np.allow_http)
        .no_proxy()
        .connect_timeout(np.connect_timeout)
        .timeout(np.timeout)
        .redirect(redirect)
        .dns_resolver(Arc::new(FilteringResolver { allow: np.allow_addresses.clone() }))
        .user_agent(concat!("enhance-credentials-verifier/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| FetchError::Client(error_chain(&e)))
}

impl Fetcher {
    /// Forgets every cached response.
    pub fn clear(&self) {
        lock(&self.cache).clear();
    }

    fn client(&self, np: &NetworkPolicy) -> Result<Client, FetchError> {
        let mut guard = lock(&self.client);
        if let Some((p, c)) = guard.as_ref() {
            if p == np {
                return Ok(c.clone());
            }
        }
        let c = build_client(np)?;
        *guard = Some((np.clone(), c.clone()));
        Ok(c)
    }

    /// GETs `url` (or returns a cached body younger than `ttl` at `now`).
    pub fn get(
        &self,
        url: &str,
        np: &NetworkPolicy,
        ttl: Duration,
        now: DateTime<Utc>,
        accept: &str,
    ) -> Result<Arc<Vec<u8>>, FetchError> {
        if let Some(c) = lock(&self.cache).get(url) {
            let age = now.signed_duration_since(c.at);
            if age >= chrono::Duration::zero() && age.to_std().is_ok_and(|a| a < ttl) {
                return Ok(c.body.clone());
            }
        }
        let body = Arc::new(self.fetch(url, np, accept)?);
        self.remember(url, Cached { at: now, body: body.clone() });
        Ok(body)
    }

    /// GETs `url` without reading or filling the cache (documents that are fetched once, such as
    /// a credential behind a share link).
    pub fn get_uncached(&self, url: &str, np: &NetworkPolicy, accept: &str) -> Result<Vec<u8>, FetchError> {
        self.fetch(url, np, accept)
    }

    /// Caches `entry` under `url`, then evicts the oldest entries beyond [`MAX_CACHED_URLS`] /
    /// [`MAX_CACHED_BYTES`].
    fn remember(&self, url: &str, entry: Cached) {
        let mut cache = lock(&self.cache);
        cache.insert(url.to_string(), entry);
        let mut bytes: usize = cache.values().map(|c| c.body.len()).sum();
        while cache.len() > MAX_CACHED_URLS || (bytes > MAX_CACHED_BYTES && cache.len() > 1) {
            let Some(oldest) = cache.iter().filter(|(k, _)| k.as_str() != url).min_by_key(|(_, c)| c.at).map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some(c) = cache.remove(&oldest) {
                bytes -= c.body.len();
            }
        }
    }

    /// Number of cached URLs.
    pub fn cached_urls(&self) -> usize {
        lock(&self.cache).len()
    }

    fn fetch(&self, url: &str, np: &NetworkPolicy, accept: &str) -> Result<Vec<u8>, FetchError> {
        if !np.enabled {
            return Err(FetchError::Offline);
        }
        let parsed = Url::parse(url).map_err(|e| FetchError::BadUrl { url: url.into(), reason: e.to_string() })?;
        match parsed.scheme() {
            "https" => {}
            "http" if np.allow_http => {}
            _ => return Err(FetchError::Scheme { url: url.into() }),
        }
        let host = parsed
            .host_str()
            .ok_or_else(|| FetchError::BadUrl { url: url.into(), reason: "no host".into() })?;
        let literal = host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().ok();
        if let Some(addr) = literal {
            if !allowed(addr, &np.allow_addresses) {
                return Err(FetchError::Blocked { url: url.into(), addr });
            }
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(FetchError::BadUrl { url: url.into(), reason: "user info not allowed".into() });
        }
        let client = self.client(np)?;
        let resp = client
            .get(parsed)
            .header(reqwest::header::ACCEPT, accept)
            .send()
            .map_err(|e| FetchError::Network { url: url.into(), reason: error_chain(&e) })?;
        if !resp.status().is_success() {
            return Err(FetchError::Status { url: url.into(), status: resp.status().as_u16() });
        }
        let limit = np.max_response_bytes;
        if resp.content_length().is_some_and(|l| l > limit as u64) {
            return Err(FetchError::TooLarge { url: url.into(), limit });
        }
        let mut body = Vec::new();
        resp.take(limit as u64 + 1)
            .read_to_end(&mut body)
            .map_err(|e| FetchError::Network { url: url.into(), reason: error_chain(&e) })?;
        if body.len() > limit {
            return Err(FetchError::TooLarge { url: url.into(), limit });
        }
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_addresses() {
        for a in ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::"] {
            assert!(!is_public(a.parse().unwrap()), "{a}");
        }
        for a in ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"] {
            assert!(is_public(a.parse().unwrap()), "{a}");
        }
        assert!(allowed("127.0.0.1".parse().unwrap(), &["127.0.0.1".parse().unwrap()]));
    }

    #[test]
    fn the_cache_is_bounded_and_keeps_the_newest() {
        let f = Fetcher::default();
        let t0 = chrono::DateTime::<Utc>::UNIX_EPOCH;
        for i in 0..(MAX_CACHED_URLS + 40) {
            let at = t0 + chrono::Duration::seconds(i as i64);
            f.remember(&format!("https://x.example/{i}"), Cached { at, body: Arc::new(vec![0; 10]) });
        }
        assert_eq!(f.cached_urls(), MAX_CACHED_URLS);
        let cache = lock(&f.cache);
        assert!(!cache.contains_key("https://x.example/0"), "oldest evicted");
        assert!(cache.contains_key(&format!("https://x.example/{}", MAX_CACHED_URLS + 39)), "newest kept");
        drop(cache);
        // Byte cap: two bodies of 40 MiB cannot both stay; the newer one does.
        let g = Fetcher::default();
        g.remember("https://a.example/", Cached { at: t0, body: Arc::new(vec![0; 40 << 20]) });
        g.remember("https://b.example/", Cached { at: t0 + chrono::Duration::seconds(1), body: Arc::new(vec![0; 40 << 20]) });
        assert_eq!(g.cached_urls(), 1);
        assert!(lock(&g.cache).contains_key("https://b.example/"));
    }

    #[test]
    fn refusals_before_any_connection() {
        let f = Fetcher::default();
        let now = chrono::DateTime::<Utc>::UNIX_EPOCH;
        let ttl = Duration::from_secs(1);
        let np = NetworkPolicy::default();
        assert!(matches!(f.get("http://example.com/x", &np, ttl, now, "*/*"), Err(FetchError::Scheme { .. })));
        assert!(matches!(f.get("https://127.0.0.1/x", &np, ttl, now, "*/*"), Err(FetchError::Blocked { .. })));
        assert!(matches!(f.get("https://[::1]/x", &np, ttl, now, "*/*"), Err(FetchError::Blocked { .. })));
        assert!(matches!(f.get("https://169.254.169.254/latest", &np, ttl, now, "*/*"), Err(FetchError::Blocked { .. })));
        assert!(matches!(f.get("file:///etc/passwd", &np, ttl, now, "*/*"), Err(FetchError::Scheme { .. })));
        assert!(matches!(f.get("https://user:pw@8.8.8.8/x", &np, ttl, now, "*/*"), Err(FetchError::BadUrl { .. })));
        assert!(matches!(f.get("https://x.example/", &NetworkPolicy::offline(), ttl, now, "*/*"), Err(FetchError::Offline)));
    }
}
