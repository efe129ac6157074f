//! Per-client rate limits of the unauthenticated endpoints: one token bucket per client address
//! (IPv4 address, or IPv6 /64 network, since one IPv6 host usually holds a whole /64). A bucket
//! holds at most [`RateLimit::burst`] requests and refills at [`RateLimit::per_second`]; a request
//! finding it empty is answered 429 Too Many Requests (RFC 6585 §4) with problem JSON and
//! `Retry-After` (RFC 9110 §10.2.3) in whole seconds until the next request would be allowed.
//!
//! Loopback is limited like any other address unless it is listed in [`RateLimit::exempt`]
//! (behind a reverse proxy every request comes from the proxy: exempt it there and limit at the
//! proxy). Limits are per process. Memory is bounded: buckets that have refilled are forgotten
//! when the table grows past [`MAX_TRACKED`].

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde::Deserialize;

use crate::problem::problem;

/// Most client addresses tracked at once; beyond it, full buckets are dropped (and if all are in
/// use, the oldest half).
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
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets per client address.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    limit: Arc<RateLimit>,
    buckets: Arc<Mutex<HashMap<IpAddr, Bucket>>>,
}

/// The bucket key of a client address: IPv4 (or IPv4-mapped IPv6) as is, IPv6 by its /64.
fn key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

impl RateLimiter {
    /// A limiter with `limit`.
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit: Arc::new(limit),
            buckets: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Takes one request from `ip`'s bucket at time `now`: `Ok` when allowed, else the time until
    /// the next request would be.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let limit = &self.limit;
        if !limit.enabled()
            || limit
                .exempt
                .iter()
                .any(|e| e.to_canonical() == ip.to_canonical())
        {
            return Ok(());
        }
        let rate = limit.per_second;
        let burst = f64::from(limit.burst.max(1));
        // A poisoned lock only means another request panicked mid-update: the table is still usable.
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_TRACKED && !map.contains_key(&key(ip)) {
            prune(&mut map, now, rate, burst);
        }
        let b = map.entry(key(ip)).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * rate).min(burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / rate))
        }
    }
}

fn prune(map: &mut HashMap<IpAddr, Bucket>, now: Instant, rate: f64, burst: f64) {
    map.retain(|_, b| b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * rate < burst);
    if map.len() >= MAX_TRACKED {
        let mut times: Vec<Instant> = map.values().map(|b| b.at).collect();
        times.sort_unstable();
        let cut = times[times.len() / 2];
        map.retain(|_, b| b.at > cut);
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
        if let Err(wait) = limiter.check(ip, Instant::now()) {
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

    fn limiter(per_second: f64, burst: u32, exempt: Vec<IpAddr>) -> RateLimiter {
        RateLimiter::new(RateLimit {
            per_second,
            burst,
            exempt,
        })
    }

    #[test]
    fn burst_then_sustained_rate() {
        let l = limiter(2.0, 3, vec![]);
        let t0 = Instant::now();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..3 {
            assert!(l.check(ip, t0).is_ok());
        }
        let wait = l.check(ip, t0).unwrap_err();
        assert!((wait.as_secs_f64() - 0.5).abs() < 1e-6, "{wait:?}");
        assert_eq!(retry_after_secs(wait), 1);
        // Another client has its own bucket; after 0.5 s one more request is allowed.
        assert!(l.check("10.0.0.1".parse().unwrap(), t0).is_ok());
        assert!(l.check(ip, t0 + Duration::from_millis(500)).is_ok());
        assert!(l.check(ip, t0 + Duration::from_millis(500)).is_err());
    }

    #[test]
    fn ipv6_by_64_exemptions_and_off() {
        let l = limiter(1.0, 1, vec!["::1".parse().unwrap()]);
        let t = Instant::now();
        assert!(l.check("2001:db8::1".parse().unwrap(), t).is_ok());
        assert!(
            l.check("2001:db8::2".parse().unwrap(), t).is_err(),
            "same /64, same bucket"
        );
        assert!(l.check("2001:db8:0:1::1".parse().unwrap(), t).is_ok());
        for _ in 0..10 {
            assert!(l.check("::1".parse().unwrap(), t).is_ok());
        }
        // An exempt IPv4 address is exempt when it arrives IPv4-mapped on a dual-stack socket.
        let l4 = limiter(1.0, 1, vec!["127.0.0.1".parse().unwrap()]);
        for _ in 0..3 {
            assert!(l4.check("::ffff:127.0.0.1".parse().unwrap(), t).is_ok());
        }
        let off = limiter(0.0, 1, vec![]);
        for _ in 0..10 {
            assert!(off.check("127.0.0.1".parse().unwrap(), t).is_ok());
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
    fn table_is_bounded() {
        let l = limiter(1.0, 1, vec![]);
        let t = Instant::now();
        for i in 0..(MAX_TRACKED as u32 + 10) {
            let _ = l.check(IpAddr::V4(i.into()), t);
        }
        assert!(l.buckets.lock().unwrap().len() <= MAX_TRACKED);
    }
}
