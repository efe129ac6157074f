//! Rate limits, on the `governor` crate (GCRA, the token bucket's equivalent; one state per key):
//!
//! - [`RateLimiter`]: per-client limits of the unauthenticated endpoints, one bucket per client
//!   address (IPv4 address, or IPv6 /64 network, since one IPv6 host usually holds a whole /64).
//!   A bucket holds at most [`RateLimit::burst`] requests and refills at
//!   [`RateLimit::per_second`]; a request finding it empty is answered 429 Too Many Requests
//!   (RFC 6585 §4) with problem JSON and `Retry-After` (RFC 9110 §10.2.3) in whole seconds until
//!   the next request would be allowed;
//! - [`KeyedLimiter`]: the same for any key (the issuer's per-token limit, `N` per minute).
//!
//! Loopback is limited like any other address unless it is listed in [`RateLimit::exempt`]
//! (behind a reverse proxy every request comes from the proxy: exempt it there and limit at the
//! proxy). Limits are per process. Memory is bounded: keys whose bucket has refilled are
//! forgotten when the table grows past [`MAX_TRACKED`] (and if none has, the table is cleared:
//! a flood of that many distinct addresses costs every client its bucket's history, never memory).

use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::HashMapStateStore;
use governor::Quota;
use serde::Deserialize;

use crate::problem::problem;

/// Most keys tracked at once (see the module documentation).
pub const MAX_TRACKED: usize = 100_000;

/// A rate limit setting (part of both services' configuration).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimit {
    /// Sustained requests per second per client address (0: no limit).
    pub per_second: f64,
    /// Requests a client may make at once before the sustained rate applies (at least 1).
    pub burst: u32,
    /// Client addresses never limited (e.g. a reverse proxy's, or `127.0.0.1` in a demo).
    pub exempt: Vec<IpAddr>,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            per_second: 10.0,
            burst: 100,
            exempt: Vec::new(),
        }
    }
}

impl RateLimit {
    /// Whether the setting limits anything.
    pub fn enabled(&self) -> bool {
        self.per_second > 0.0
    }

    /// Checks ranges; the error names the setting (`prefix` is its path in the configuration).
    pub fn check(&self, prefix: &str) -> Result<(), String> {
        if !self.per_second.is_finite() || self.per_second < 0.0 {
            return Err(format!(
                "{prefix}.per_second must be a number ≥ 0 (0: no limit)"
            ));
        }
        if self.burst == 0 {
            return Err(format!("{prefix}.burst must be at least 1"));
        }
        Ok(())
    }

    /// The `governor` quota; `None` when the setting limits nothing.
    fn quota(&self) -> Option<Quota> {
        if !self.enabled() {
            return None;
        }
        // A rate too small to represent: one request per ~146 years.
        let period = Duration::try_from_secs_f64(1.0 / self.per_second)
            .unwrap_or(Duration::from_secs(u64::from(u32::MAX)));
        let burst = NonZeroU32::new(self.burst).unwrap_or(NonZeroU32::MIN);
        Quota::with_period(period).map(|q| q.allow_burst(burst))
    }
}

/// The current limiter, replaced by a fresh one when the table is full of keys still limited.
type Slot<K, C> = Arc<RwLock<Option<Arc<Governor<K, C>>>>>;

type Governor<K, C> =
    governor::RateLimiter<K, HashMapStateStore<K>, C, NoOpMiddleware<<C as Clock>::Instant>>;

/// A rate limiter per key (`None` quota: unlimited).
#[derive(Debug)]
pub struct KeyedLimiter<K: Hash + Eq + Clone, C: Clock = DefaultClock> {
    quota: Option<Quota>,
    limiter: Slot<K, C>,
    clock: C,
}

impl<K: Hash + Eq + Clone, C: Clock + Clone> Clone for KeyedLimiter<K, C> {
    fn clone(&self) -> Self {
        Self {
            quota: self.quota,
            limiter: self.limiter.clone(),
            clock: self.clock.clone(),
        }
    }
}

impl<K: Hash + Eq + Clone> KeyedLimiter<K> {
    /// `n` requests per minute per key, all of them at once if need be (0: unlimited).
    pub fn per_minute(n: u32) -> Self {
        Self::with_clock(
            NonZeroU32::new(n).map(Quota::per_minute),
            DefaultClock::default(),
        )
    }
}

impl<K: Hash + Eq + Clone, C: Clock + Clone> KeyedLimiter<K, C> {
    /// A limiter with `quota` on `clock` (tests pass `governor::clock::FakeRelativeClock`).
    pub fn with_clock(quota: Option<Quota>, clock: C) -> Self {
        let limiter = quota.map(|q| Self::fresh(q, &clock));
        Self {
            quota,
            limiter: Arc::new(RwLock::new(limiter)),
            clock,
        }
    }

    fn fresh(quota: Quota, clock: &C) -> Arc<Governor<K, C>> {
        Arc::new(governor::RateLimiter::hashmap_with_clock(
            quota,
            clock.clone(),
        ))
    }

    /// The current limiter (a poisoned lock only means a panic elsewhere: the value is usable).
    fn current(&self) -> Option<Arc<Governor<K, C>>> {
        self.limiter
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Takes one request from `key`'s bucket: `Ok` when allowed, else the time until the next
    /// request would be.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        let Some(mut limiter) = self.current() else {
            return Ok(());
        };
        if limiter.len() >= MAX_TRACKED {
            limiter.retain_recent();
            limiter.shrink_to_fit();
            if let (true, Some(quota)) = (limiter.len() >= MAX_TRACKED, self.quota) {
                let fresh = Self::fresh(quota, &self.clock);
                *self.limiter.write().unwrap_or_else(|p| p.into_inner()) = Some(fresh.clone());
                limiter = fresh;
            }
        }
        limiter
            .check_key(key)
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    /// Keys tracked.
    pub fn tracked(&self) -> usize {
        self.current().map_or(0, |l| l.len())
    }
}

/// Per-client-address limits ([`RateLimit`]).
#[derive(Debug)]
pub struct RateLimiter<C: Clock = DefaultClock> {
    exempt: Arc<Vec<IpAddr>>,
    keyed: KeyedLimiter<IpAddr, C>,
}

impl<C: Clock + Clone> Clone for RateLimiter<C> {
    fn clone(&self) -> Self {
        Self {
            exempt: self.exempt.clone(),
            keyed: self.keyed.clone(),
        }
    }
}

/// The bucket key of a client address: IPv4 (or IPv4-mapped IPv6) as is, IPv6 by its /64.
fn key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let [a, b, c, d, ..] = v6.segments();
                IpAddr::V6(Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0))
            }
        },
    }
}

impl RateLimiter {
    /// A limiter with `limit`.
    pub fn new(limit: RateLimit) -> Self {
        Self::with_clock(limit, DefaultClock::default())
    }
}

impl<C: Clock + Clone> RateLimiter<C> {
    /// A limiter with `limit` on `clock`.
    pub fn with_clock(limit: RateLimit, clock: C) -> Self {
        let exempt = limit.exempt.iter().map(IpAddr::to_canonical).collect();
        Self {
            exempt: Arc::new(exempt),
            keyed: KeyedLimiter::with_clock(limit.quota(), clock),
        }
    }

    /// Takes one request from `ip`'s bucket: `Ok` when allowed, else the time until the next
    /// request would be.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        if self.exempt.contains(&ip.to_canonical()) {
            return Ok(());
        }
        self.keyed.check(&key(ip))
    }
}

/// `Retry-After` seconds for a wait: rounded up, at least 1.
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

/// The 429 answer: problem JSON and `Retry-After`.
pub fn too_many_requests(wait: Duration, detail: &str) -> Response {
    let secs = retry_after_secs(wait);
    let mut res = problem(
        StatusCode::TOO_MANY_REQUESTS,
        "rate-limited",
        "Too many requests",
        &format!("{detail}; retry in {secs} s"),
    );
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

/// Middleware (`axum::middleware::from_fn_with_state(limiter, rate_limit)`, as a `route_layer` of
/// the unauthenticated routes): 429 when the client's bucket is empty. Requests without a client
/// address (not served by [`crate::serve`]) are not limited.
pub async fn rate_limit(State(limiter): State<RateLimiter>, req: Request, next: Next) -> Response {
    let client = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(ip) = client {
        if let Err(wait) = limiter.check(ip) {
            return too_many_requests(
                wait,
                "the per-client rate limit of this endpoint was reached",
            );
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    fn limiter(
        per_second: f64,
        burst: u32,
        exempt: Vec<IpAddr>,
    ) -> (RateLimiter<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        let limit = RateLimit {
            per_second,
            burst,
            exempt,
        };
        (RateLimiter::with_clock(limit, clock.clone()), clock)
    }

    #[test]
    fn burst_then_sustained_rate() {
        let (l, clock) = limiter(2.0, 3, vec![]);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..3 {
            assert!(l.check(ip).is_ok());
        }
        let wait = l.check(ip).unwrap_err();
        assert!((wait.as_secs_f64() - 0.5).abs() < 1e-6, "{wait:?}");
        assert_eq!(retry_after_secs(wait), 1);
        // Another client has its own bucket; after 0.5 s one more request is allowed.
        assert!(l.check("10.0.0.1".parse().unwrap()).is_ok());
        clock.advance(Duration::from_millis(500));
        assert!(l.check(ip).is_ok());
        assert!(l.check(ip).is_err());
    }

    #[test]
    fn ipv6_by_64_exemptions_and_off() {
        let (l, _) = limiter(1.0, 1, vec!["::1".parse().unwrap()]);
        assert!(l.check("2001:db8::1".parse().unwrap()).is_ok());
        assert!(
            l.check("2001:db8::2".parse().unwrap()).is_err(),
            "same /64, same bucket"
        );
        assert!(l.check("2001:db8:0:1::1".parse().unwrap()).is_ok());
        for _ in 0..10 {
            assert!(l.check("::1".parse().unwrap()).is_ok());
        }
        // An exempt IPv4 address is exempt when it arrives IPv4-mapped on a dual-stack socket.
        let (l4, _) = limiter(1.0, 1, vec!["127.0.0.1".parse().unwrap()]);
        for _ in 0..3 {
            assert!(l4.check("::ffff:127.0.0.1".parse().unwrap()).is_ok());
        }
        let (off, _) = limiter(0.0, 1, vec![]);
        for _ in 0..10 {
            assert!(off.check("127.0.0.1".parse().unwrap()).is_ok());
        }
        assert!(RateLimit {
            per_second: -1.0,
            ..RateLimit::default()
        }
        .check("rate_limit")
        .unwrap_err()
        .contains("rate_limit.per_second"));
        assert!(RateLimit {
            burst: 0,
            ..RateLimit::default()
        }
        .check("x")
        .unwrap_err()
        .contains("x.burst"));
    }

    #[test]
    fn per_minute_per_key() {
        let clock = FakeRelativeClock::default();
        let l = KeyedLimiter::with_clock(NonZeroU32::new(2).map(Quota::per_minute), clock.clone());
        assert!(l.check(&"a").is_ok() && l.check(&"a").is_ok());
        let wait = l.check(&"a").unwrap_err();
        assert_eq!(retry_after_secs(wait), 30, "{wait:?}");
        assert!(l.check(&"b").is_ok(), "another token has its own budget");
        clock.advance(Duration::from_secs(30));
        assert!(l.check(&"a").is_ok());
        assert!(KeyedLimiter::<&str>::per_minute(0).check(&"a").is_ok());
    }

    #[test]
    fn table_is_bounded() {
        let (l, _) = limiter(1.0, 1, vec![]);
        for i in 0..(MAX_TRACKED as u32 + 10) {
            let _ = l.check(IpAddr::V4(i.into()));
        }
        assert!(l.keyed.tracked() <= MAX_TRACKED, "{}", l.keyed.tracked());
    }
}
