//! Guarded HTTP fetching of did:web DID documents (did:web §3.2.2 "Read (Resolve)") and status list
//! credentials (Bitstring Status List v1.0 §3.2 step 3, "dereference statusListCredential"), with a
//! TTL cache keyed by URL.
//!
//! Safety rules (did:web §2.5 / Bitstring Status List §6 "Security Considerations"; SSRF defence):
//! https only (plain http only when the TEST-only [`NetworkPolicy::allow_http`] is set), a connect
//! timeout and a TOTAL deadline per request (connect + TLS + headers + body, enforced around the
//! whole request: a server trickling one byte a second is cut off at the deadline, issue #13), a
//! response size cap checked while the body streams in, redirects only to the same host and port,
//! no proxy, and a DNS resolver that drops private, loopback, link-local, CGNAT, multicast,
//! documentation and unspecified addresses unless allow-listed. IP literals in URLs are checked the
//! same way before any connection. Nothing else is fetched (never a JSON-LD context). Cache ages
//! come from the caller's clock; deadlines are monotonic ([`Instant`]).
//!
//! Requests run on a small async runtime owned by the [`Fetcher`], so the documents one
//! verification needs are fetched CONCURRENTLY ([`Fetcher::get_all`], [`Session`]) under one
//! verification deadline, and a request that misses its deadline is cancelled (its connection
//! dropped), not left running. A missed deadline is [`FetchError::Timeout`]: "could not check".

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs as _};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::{Client, Url};

use crate::policy::{NetworkPolicy, Policy};

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
    /// The request (connect, TLS, headers and body together) did not finish within its total
    /// deadline: the fetch deadline, or what was left of the verification deadline.
    #[error("{url} did not answer within {within}")]
    Timeout {
        /// The URL.
        url: String,
        /// The deadline, e.g. `5 s` or `the verification deadline (10 s)`.
        within: String,
    },
    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    Client(String),
}

/// `2 s`, `1.5 s`, `250 ms`: a duration as error messages show it.
pub fn show_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
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
            // The system resolver blocks: run it on the runtime's blocking pool, so a slow DNS
            // answer cannot hold up the timers of other requests.
            let lookup = host.clone();
            let all: Vec<SocketAddr> = tokio::task::spawn_blocking(move || {
                (lookup.as_str(), 0u16)
                    .to_socket_addrs()
                    .map(|a| a.collect::<Vec<_>>())
            })
            .await
            .map_err(|e| format!("DNS lookup of {host}: {e}"))??;
            let kept: Vec<SocketAddr> = all
                .iter()
                .copied()
                .filter(|a| allowed(a.ip(), &allow))
                .collect();
            if kept.is_empty() {
                let refused = all
                    .first()
                    .map(|a| a.ip().to_string())
                    .unwrap_or_else(|| "no address".into());
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

/// One GET of a batch ([`Fetcher::get_all`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The URL.
    pub url: String,
    /// The `Accept` header.
    pub accept: &'static str,
    /// How long a cached body of this URL may be reused (zero: never cached).
    pub ttl: Duration,
}

/// The HTTP client, the URL cache and the async runtime of a [`crate::Policy`].
#[derive(Default)]
pub struct Fetcher {
    client: Mutex<Option<(NetworkPolicy, Client)>>,
    cache: Mutex<HashMap<String, Cached>>,
    /// Built on first use: two workers drive every request of every verification that shares
    /// this fetcher (requests are I/O; DNS runs on the runtime's blocking pool).
    runtime: OnceLock<Result<tokio::runtime::Runtime, String>>,
}

impl Drop for Fetcher {
    fn drop(&mut self) {
        // A runtime must not be dropped (blocking) inside another runtime's async context, where
        // the last policy of a service may go: shut it down without waiting.
        if let Some(Ok(rt)) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("cached_urls", &lock(&self.cache).len())
            .finish()
    }
}

/// Stores `v` as the result of request `i` (an index of the batch being fetched).
fn put<T>(results: &mut [Option<T>], i: usize, v: T) {
    if let Some(slot) = results.get_mut(i) {
        *slot = Some(v);
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The CA certificates of the PEM files `files` ([`NetworkPolicy::extra_ca_files`]). Errors name
/// the file and the rule: readable, PEM, at least one `CERTIFICATE` block.
pub fn load_extra_cas(files: &[std::path::PathBuf]) -> Result<Vec<reqwest::Certificate>, String> {
    let mut all = Vec::new();
    for f in files {
        let shown = f.display();
        let pem = std::fs::read(f).map_err(|e| format!("extra_ca_files: {shown}: {e}"))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| format!("extra_ca_files: {shown}: not a PEM certificate bundle: {e}"))?;
        if certs.is_empty() {
            return Err(format!(
                "extra_ca_files: {shown}: no PEM CERTIFICATE block in the file"
            ));
        }
        all.extend(certs);
    }
    Ok(all)
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
            f.host_str() == attempt.url().host_str()
                && f.port_or_known_default() == attempt.url().port_or_known_default()
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
    let mut builder = Client::builder().use_rustls_tls();
    for ca in load_extra_cas(&np.extra_ca_files).map_err(FetchError::Client)? {
        builder = builder.add_root_certificate(ca);
    }
    builder
        .https_only(!np.allow_http)
        .no_proxy()
        .connect_timeout(np.connect_timeout)
        // reqwest's own total timeout, a backstop only: every request runs under
        // `tokio::time::timeout` with its deadline (`get_all`), which fires first.
        .timeout(np.timeout + Duration::from_secs(1))
        .redirect(redirect)
        .dns_resolver(Arc::new(FilteringResolver { allow: np.allow_addresses.clone() }))
        .user_agent(concat!("enhance-credentials-verifier/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| FetchError::Client(error_chain(&e)))
}

/// The URL checks made before any connection: scheme, IP literal, user info.
fn check_url(url: &str, np: &NetworkPolicy) -> Result<Url, FetchError> {
    if !np.enabled {
        return Err(FetchError::Offline);
    }
    let parsed = Url::parse(url).map_err(|e| FetchError::BadUrl {
        url: url.into(),
        reason: e.to_string(),
    })?;
    match parsed.scheme() {
        "https" => {}
        "http" if np.allow_http => {}
        _ => return Err(FetchError::Scheme { url: url.into() }),
    }
    let host = parsed.host_str().ok_or_else(|| FetchError::BadUrl {
        url: url.into(),
        reason: "no host".into(),
    })?;
    let literal = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .ok();
    if let Some(addr) = literal {
        if !allowed(addr, &np.allow_addresses) {
            return Err(FetchError::Blocked {
                url: url.into(),
                addr,
            });
        }
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(FetchError::BadUrl {
            url: url.into(),
            reason: "user info not allowed".into(),
        });
    }
    Ok(parsed)
}

/// GET `url` and read its body under the size cap, checked chunk by chunk as it arrives. A
/// timeout of the client itself (connect timeout) is reported as [`FetchError::Timeout`] `within`.
async fn fetch_body(
    client: Client,
    url: Url,
    accept: &'static str,
    limit: usize,
    within: String,
) -> Result<Vec<u8>, FetchError> {
    let shown = url.to_string();
    read_body(
        client.get(url).header(reqwest::header::ACCEPT, accept),
        shown,
        limit,
        within,
    )
    .await
}

/// Sends `request` and reads its body under the size cap `limit` (2xx only); `shown` is the URL
/// as errors name it.
async fn read_body(
    request: reqwest::RequestBuilder,
    shown: String,
    limit: usize,
    within: String,
) -> Result<Vec<u8>, FetchError> {
    let failed = |e: reqwest::Error| {
        if e.is_timeout() {
            FetchError::Timeout {
                url: shown.clone(),
                within: within.clone(),
            }
        } else {
            FetchError::Network {
                url: shown.clone(),
                reason: error_chain(&e),
            }
        }
    };
    let mut resp = request.send().await.map_err(failed)?;
    if !resp.status().is_success() {
        return Err(FetchError::Status {
            url: shown,
            status: resp.status().as_u16(),
        });
    }
    if resp.content_length().is_some_and(|l| l > limit as u64) {
        return Err(FetchError::TooLarge { url: shown, limit });
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(failed)? {
        if body.len() + chunk.len() > limit {
            return Err(FetchError::TooLarge { url: shown, limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Grace given to a request's task, past its own deadline, to report before it is abandoned
/// (scheduling on a loaded machine; the task's own `tokio::time::timeout` fires at the deadline).
const REPORT_GRACE: Duration = Duration::from_millis(200);

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

    fn runtime(&self) -> Result<&tokio::runtime::Runtime, FetchError> {
        let rt = self.runtime.get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .max_blocking_threads(16)
                .thread_name("verifier-fetch")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        });
        rt.as_ref()
            .map_err(|e| FetchError::Client(format!("cannot start the fetch runtime: {e}")))
    }

    /// GETs `url` (or returns a cached body younger than `ttl` at `now`), within the policy's
    /// total fetch deadline ([`NetworkPolicy::timeout`]).
    pub fn get(
        &self,
        url: &str,
        np: &NetworkPolicy,
        ttl: Duration,
        now: DateTime<Utc>,
        accept: &'static str,
    ) -> Result<Arc<Vec<u8>>, FetchError> {
        let req = Request {
            url: url.to_string(),
            accept,
            ttl,
        };
        let deadline = Instant::now() + np.timeout;
        self.get_all(std::slice::from_ref(&req), np, now, deadline, None)
            .pop()
            .unwrap_or_else(|| Err(FetchError::Client("no result".into())))
    }

    /// GETs `url` without reading or filling the cache (documents that are fetched once, such as
    /// a credential behind a share link), within the total fetch deadline.
    pub fn get_uncached(
        &self,
        url: &str,
        np: &NetworkPolicy,
        accept: &'static str,
    ) -> Result<Vec<u8>, FetchError> {
        let req = Request {
            url: url.to_string(),
            accept,
            ttl: Duration::ZERO,
        };
        let deadline = Instant::now() + np.timeout;
        let res = self
            .get_all(std::slice::from_ref(&req), np, Utc::now(), deadline, None)
            .pop();
        match res {
            Some(Ok(body)) => {
                Ok(Arc::try_unwrap(body).unwrap_or_else(|shared| shared.as_ref().clone()))
            }
            Some(Err(e)) => Err(e),
            None => Err(FetchError::Client("no result".into())),
        }
    }

    /// POSTs the form `body` (`application/x-www-form-urlencoded`) to `url` under the same rules
    /// as a GET (scheme, address filter, redirects, size cap, total deadline of the policy), with
    /// `authorization` as the `Authorization` header when given; never cached. For protocol
    /// back-channel calls such as an OAuth 2.0 token request (RFC 6749 §4.1.3). Blocks: call it
    /// off the async runtime (`spawn_blocking`).
    pub fn post_form(
        &self,
        url: &str,
        np: &NetworkPolicy,
        body: String,
        authorization: Option<String>,
    ) -> Result<Vec<u8>, FetchError> {
        let u = check_url(url, np)?;
        let client = self.client(np)?;
        let rt = self.runtime()?;
        let within = show_duration(np.timeout);
        let on_timeout = FetchError::Timeout {
            url: u.to_string(),
            within: within.clone(),
        };
        let mut request = client
            .post(u.clone())
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body);
        if let Some(value) = authorization {
            request = request.header(reqwest::header::AUTHORIZATION, value);
        }
        let (limit, timeout) = (np.max_response_bytes, np.timeout);
        let (tx, rx) = std::sync::mpsc::channel();
        let task = rt.spawn(async move {
            let r = tokio::time::timeout(timeout, read_body(request, u.to_string(), limit, within))
                .await;
            let _ = tx.send(r);
        });
        let result = rx.recv_timeout(timeout + REPORT_GRACE);
        task.abort();
        match result {
            Ok(Ok(r)) => r,
            _ => Err(on_timeout),
        }
    }

    /// GETs every request CONCURRENTLY; results in the order of `reqs`. Each request ends by
    /// `min(now + np.timeout, deadline)` at the latest (connect, TLS, headers and body together);
    /// one that has not is cancelled and gives [`FetchError::Timeout`]. Cached bodies younger than
    /// their request's `ttl` (at `now`) are returned without a request; fetched ones are cached
    /// when `ttl` is not zero. `verification` is the whole verification's deadline, named in the
    /// error when it is what cut a request short.
    pub fn get_all(
        &self,
        reqs: &[Request],
        np: &NetworkPolicy,
        now: DateTime<Utc>,
        deadline: Instant,
        verification: Option<Duration>,
    ) -> Vec<Result<Arc<Vec<u8>>, FetchError>> {
        let mut results: Vec<Option<Result<Arc<Vec<u8>>, FetchError>>> = vec![None; reqs.len()];
        let mut pending: Vec<(usize, Url)> = Vec::new();
        for (i, r) in reqs.iter().enumerate() {
            if !r.ttl.is_zero() {
                if let Some(c) = lock(&self.cache).get(&r.url) {
                    let age = now.signed_duration_since(c.at);
                    if age >= chrono::Duration::zero() && age.to_std().is_ok_and(|a| a < r.ttl) {
                        put(&mut results, i, Ok(c.body.clone()));
                        continue;
                    }
                }
            }
            match check_url(&r.url, np) {
                Ok(u) => pending.push((i, u)),
                Err(e) => put(&mut results, i, Err(e)),
            }
        }
        if !pending.is_empty() {
            let start = Instant::now();
            let own = start + np.timeout;
            let (end, within) = match verification {
                Some(v) if deadline < own => (
                    deadline,
                    format!("the verification deadline ({})", show_duration(v)),
                ),
                _ => (own.min(deadline), show_duration(np.timeout)),
            };
            let timeout = |url: &Url| FetchError::Timeout {
                url: url.to_string(),
                within: within.clone(),
            };
            match (self.client(np), self.runtime()) {
                (Err(e), _) | (_, Err(e)) => {
                    for (i, _) in &pending {
                        put(&mut results, *i, Err(e.clone()));
                    }
                }
                (Ok(client), Ok(rt)) => {
                    let (tx, rx) =
                        std::sync::mpsc::channel::<(usize, Result<Vec<u8>, FetchError>)>();
                    let mut tasks = Vec::new();
                    let budget = end.saturating_duration_since(Instant::now());
                    for (i, url) in &pending {
                        let Some(req) = reqs.get(*i) else { continue };
                        let (i, tx, client, url, accept) =
                            (*i, tx.clone(), client.clone(), url.clone(), req.accept);
                        let limit = np.max_response_bytes;
                        let on_timeout = timeout(&url);
                        let within = within.clone();
                        tasks.push(rt.spawn(async move {
                            let r = match tokio::time::timeout(
                                budget,
                                fetch_body(client, url, accept, limit, within),
                            )
                            .await
                            {
                                Ok(r) => r,
                                Err(_) => Err(on_timeout),
                            };
                            let _ = tx.send((i, r));
                        }));
                    }
                    drop(tx);
                    let mut left = pending.len();
                    while left > 0 {
                        let wait = (end + REPORT_GRACE).saturating_duration_since(Instant::now());
                        match rx.recv_timeout(wait) {
                            Ok((i, r)) => {
                                left -= 1;
                                put(&mut results, i, r.map(Arc::new));
                            }
                            Err(_) => break,
                        }
                    }
                    // Whatever has not reported is cancelled: its connection is dropped.
                    for t in &tasks {
                        t.abort();
                    }
                    for (i, url) in &pending {
                        if results.get(*i).is_some_and(Option::is_none) {
                            put(&mut results, *i, Err(timeout(url)));
                        }
                    }
                }
            }
            for (i, _) in &pending {
                if let (Some(Some(Ok(body))), Some(req)) = (results.get(*i), reqs.get(*i)) {
                    if !req.ttl.is_zero() {
                        self.remember(
                            &req.url,
                            Cached {
                                at: now,
                                body: body.clone(),
                            },
                        );
                    }
                }
            }
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(FetchError::Client("no result".into()))))
            .collect()
    }

    /// Caches `entry` under `url`, then evicts the oldest entries beyond [`MAX_CACHED_URLS`] /
    /// [`MAX_CACHED_BYTES`].
    fn remember(&self, url: &str, entry: Cached) {
        let mut cache = lock(&self.cache);
        cache.insert(url.to_string(), entry);
        let mut bytes: usize = cache.values().map(|c| c.body.len()).sum();
        while cache.len() > MAX_CACHED_URLS || (bytes > MAX_CACHED_BYTES && cache.len() > 1) {
            let Some(oldest) = cache
                .iter()
                .filter(|(k, _)| k.as_str() != url)
                .min_by_key(|(_, c)| c.at)
                .map(|(k, _)| k.clone())
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
}

/// A fetched body, or why it could not be fetched.
type Fetched = Result<Arc<Vec<u8>>, FetchError>;

/// The fetches of ONE verification: one deadline for all of them
/// ([`crate::Policy::verification_deadline`] from the start), each URL fetched at most once (a
/// failure is remembered too, so a silent server costs one deadline, not one per use), and
/// batches fetched concurrently ([`Session::prefetch`]).
pub(crate) struct Session<'p> {
    policy: &'p Policy,
    now: DateTime<Utc>,
    deadline: Instant,
    memo: Mutex<HashMap<String, Fetched>>,
}

impl<'p> Session<'p> {
    /// A session starting now (`now` is the verification time, for cache ages).
    pub(crate) fn new(policy: &'p Policy, now: DateTime<Utc>) -> Self {
        Self {
            policy,
            now,
            deadline: Instant::now() + policy.verification_deadline,
            memo: Mutex::default(),
        }
    }

    /// Fetches, concurrently, every request not fetched yet in this session.
    pub(crate) fn prefetch(&self, reqs: Vec<Request>) {
        let mut todo: Vec<Request> = Vec::new();
        {
            let memo = lock(&self.memo);
            for r in reqs {
                if !memo.contains_key(&r.url) && !todo.iter().any(|t| t.url == r.url) {
                    todo.push(r);
                }
            }
        }
        if todo.is_empty() {
            return;
        }
        let p = self.policy;
        let results = p.fetcher.get_all(
            &todo,
            &p.network,
            self.now,
            self.deadline,
            Some(p.verification_deadline),
        );
        let mut memo = lock(&self.memo);
        for (r, res) in todo.into_iter().zip(results) {
            memo.insert(r.url, res);
        }
    }

    /// The body of `url`: fetched in this session already, or now (within what is left of the
    /// deadline).
    pub(crate) fn get(&self, url: &str, accept: &'static str, ttl: Duration) -> Fetched {
        if let Some(r) = lock(&self.memo).get(url) {
            return r.clone();
        }
        self.prefetch(vec![Request {
            url: url.to_string(),
            accept,
            ttl,
        }]);
        lock(&self.memo)
            .get(url)
            .cloned()
            .unwrap_or_else(|| Err(FetchError::Client("no result".into())))
    }

    /// The body of `url` if this session fetched it successfully.
    pub(crate) fn fetched(&self, url: &str) -> Option<Arc<Vec<u8>>> {
        lock(&self.memo)
            .get(url)
            .and_then(|r| r.as_ref().ok().cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_addresses() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::",
        ] {
            assert!(!is_public(a.parse().unwrap()), "{a}");
        }
        for a in [
            "8.8.8.8",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(a.parse().unwrap()), "{a}");
        }
        assert!(allowed(
            "127.0.0.1".parse().unwrap(),
            &["127.0.0.1".parse().unwrap()]
        ));
    }

    #[test]
    fn the_cache_is_bounded_and_keeps_the_newest() {
        let f = Fetcher::default();
        let t0 = chrono::DateTime::<Utc>::UNIX_EPOCH;
        for i in 0..(MAX_CACHED_URLS + 40) {
            let at = t0 + chrono::Duration::seconds(i as i64);
            f.remember(
                &format!("https://x.example/{i}"),
                Cached {
                    at,
                    body: Arc::new(vec![0; 10]),
                },
            );
        }
        assert_eq!(f.cached_urls(), MAX_CACHED_URLS);
        let cache = lock(&f.cache);
        assert!(!cache.contains_key("https://x.example/0"), "oldest evicted");
        assert!(
            cache.contains_key(&format!("https://x.example/{}", MAX_CACHED_URLS + 39)),
            "newest kept"
        );
        drop(cache);
        // Byte cap: two bodies of 40 MiB cannot both stay; the newer one does.
        let g = Fetcher::default();
        g.remember(
            "https://a.example/",
            Cached {
                at: t0,
                body: Arc::new(vec![0; 40 << 20]),
            },
        );
        g.remember(
            "https://b.example/",
            Cached {
                at: t0 + chrono::Duration::seconds(1),
                body: Arc::new(vec![0; 40 << 20]),
            },
        );
        assert_eq!(g.cached_urls(), 1);
        assert!(lock(&g.cache).contains_key("https://b.example/"));
    }

    #[test]
    fn durations_as_reasons_show_them() {
        assert_eq!(show_duration(Duration::from_secs(5)), "5 s");
        assert_eq!(show_duration(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(show_duration(Duration::from_millis(250)), "250 ms");
        let e = FetchError::Timeout {
            url: "https://x.example/s".into(),
            within: show_duration(Duration::from_secs(5)),
        };
        assert_eq!(
            e.to_string(),
            "https://x.example/s did not answer within 5 s"
        );
    }

    #[test]
    fn refusals_before_any_connection() {
        let f = Fetcher::default();
        let now = chrono::DateTime::<Utc>::UNIX_EPOCH;
        let ttl = Duration::from_secs(1);
        let np = NetworkPolicy::default();
        assert!(matches!(
            f.get("http://example.com/x", &np, ttl, now, "*/*"),
            Err(FetchError::Scheme { .. })
        ));
        assert!(matches!(
            f.get("https://127.0.0.1/x", &np, ttl, now, "*/*"),
            Err(FetchError::Blocked { .. })
        ));
        assert!(matches!(
            f.get("https://[::1]/x", &np, ttl, now, "*/*"),
            Err(FetchError::Blocked { .. })
        ));
        assert!(matches!(
            f.get("https://169.254.169.254/latest", &np, ttl, now, "*/*"),
            Err(FetchError::Blocked { .. })
        ));
        assert!(matches!(
            f.get("file:///etc/passwd", &np, ttl, now, "*/*"),
            Err(FetchError::Scheme { .. })
        ));
        assert!(matches!(
            f.get("https://user:pw@8.8.8.8/x", &np, ttl, now, "*/*"),
            Err(FetchError::BadUrl { .. })
        ));
        assert!(matches!(
            f.get(
                "https://x.example/",
                &NetworkPolicy::offline(),
                ttl,
                now,
                "*/*"
            ),
            Err(FetchError::Offline)
        ));
    }

    #[test]
    fn form_posts_follow_the_same_rules_before_connecting() {
        let f = Fetcher::default();
        let np = NetworkPolicy::default();
        let post = |url: &str, np: &NetworkPolicy| f.post_form(url, np, "a=b".into(), None);
        assert!(matches!(
            post("http://idp.example/token", &np),
            Err(FetchError::Scheme { .. })
        ));
        for url in [
            "https://10.1.2.3/token",
            "https://[::1]/token",
            "https://127.0.0.1/t",
        ] {
            assert!(
                matches!(post(url, &np), Err(FetchError::Blocked { .. })),
                "{url}"
            );
        }
        assert!(matches!(
            post("https://user:pw@idp.example/token", &np),
            Err(FetchError::BadUrl { .. })
        ));
        assert!(matches!(
            post("https://idp.example/token", &NetworkPolicy::offline()),
            Err(FetchError::Offline)
        ));
    }
}
