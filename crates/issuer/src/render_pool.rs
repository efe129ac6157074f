//! The issuer's rendering pool and cache (issue #13, "Bounded rendering").
//!
//! Every rendering of the service (the PDF and PNG of a share link, the certificate page image
//! made at issuance, [`crate::display`]) runs here:
//! - **off the async runtime, on a bounded pool**: a semaphore of `render.workers` permits, each
//!   rendering on tokio's blocking pool while it holds one; a request waits for a permit at most
//!   the render deadline, then gets [`PoolError::Busy`];
//! - **under a budget**: the `render` crate's [`render::Budget`] (most glyphs, most pages, the
//!   deadline `render.deadline_ms` from the start of the rendering) and a [`render::CancelFlag`];
//! - **cancelled when nobody waits any more**: the flag is set when the caller's future is dropped
//!   (the client disconnected, axum dropped the handler), and for downloads also when the service
//!   shuts down ([`RenderPool::shutdown`]; the images of awards being issued are not cancelled by
//!   a shutdown, because graceful shutdown lets issuance and batches finish); the rendering stops
//!   at its next check (every laid-out line and every page) and gives its permit back;
//! - **cached**: the PDFs and PNGs of stored credentials are kept in a least-recently-used cache
//!   bounded by bytes (`render.cache_bytes`), keyed by credential id, format and language. A stored
//!   credential never changes (revocation changes its status list, not its rendering), so entries
//!   are never invalidated. Concurrent requests for the same key render once: the others wait for
//!   the first and take its result from the cache.
//!
//! Counters ([`RenderStats`]) show what the pool did (renders started, finished, cancelled,
//! refused over budget, cache hits, renders running now).

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use render::{Budget, CancelFlag, RenderError};
use tokio::sync::Semaphore;

/// Settings of the pool (config section `[render]`, docs/CONFIG.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderSettings {
    /// Renderings running at once.
    pub workers: usize,
    /// Bytes of rendered documents kept in the cache (0: no cache).
    pub cache_bytes: usize,
    /// Longest one rendering may take (also the longest wait for a worker).
    pub deadline: Duration,
    /// Most characters laid out in one document.
    pub max_glyphs: usize,
    /// Most pages of one document.
    pub max_pages: usize,
}

impl Default for RenderSettings {
    fn default() -> Self {
        Self {
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            cache_bytes: 64 * 1024 * 1024,
            deadline: Duration::from_secs(20),
            max_glyphs: render::budget::DEFAULT_MAX_GLYPHS,
            max_pages: render::budget::DEFAULT_MAX_PAGES,
        }
    }
}

/// What a cached rendering is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Certificate and supplement as PDF.
    Pdf,
    /// Certificate page as PNG.
    Png,
}

/// Cache key: credential id, format, label language.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CacheKey {
    /// The credential's id.
    pub credential_id: String,
    /// The format.
    pub kind: Kind,
    /// The label language.
    pub language: String,
}

/// Why the pool gave no rendering.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// The renderer refused or failed (a budget exceeded, an unreadable credential, ...).
    #[error(transparent)]
    Render(#[from] RenderError),
    /// No worker became free within the deadline.
    #[error("all {0} rendering workers are busy")]
    Busy(usize),
    /// The service is shutting down.
    #[error("the service is shutting down")]
    ShuttingDown,
    /// The rendering task panicked (a bug in a renderer).
    #[error("the rendering task failed: {0}")]
    Task(String),
}

/// What the pool did so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderStats {
    /// Renderings started on a worker.
    pub started: u64,
    /// Renderings that ended (any outcome).
    pub finished: u64,
    /// Renderings that stopped because they were cancelled.
    pub cancelled: u64,
    /// Renderings refused or stopped by the budget (glyphs, pages, deadline, sizes).
    pub over_budget: u64,
    /// Requests answered from the cache.
    pub cache_hits: u64,
    /// Renderings running now.
    pub active: usize,
    /// Bytes in the cache now.
    pub cache_bytes: usize,
}

#[derive(Default)]
struct Counters {
    started: AtomicU64,
    finished: AtomicU64,
    cancelled: AtomicU64,
    over_budget: AtomicU64,
    cache_hits: AtomicU64,
    active: AtomicUsize,
}

/// Least-recently-used map bounded by the bytes of its values.
#[derive(Default)]
struct Lru {
    entries: HashMap<CacheKey, (Bytes, u64)>,
    order: BTreeMap<u64, CacheKey>,
    tick: u64,
    bytes: usize,
}

impl Lru {
    fn get(&mut self, key: &CacheKey) -> Option<Bytes> {
        self.tick += 1;
        let tick = self.tick;
        let (value, used) = self.entries.get_mut(key)?;
        self.order.remove(used);
        *used = tick;
        self.order.insert(tick, key.clone());
        Some(value.clone())
    }

    fn put(&mut self, key: CacheKey, value: Bytes, cap: usize) {
        if value.len() > cap {
            return;
        }
        if let Some((old, used)) = self.entries.remove(&key) {
            self.order.remove(&used);
            self.bytes -= old.len();
        }
        while self.bytes + value.len() > cap {
            let Some((_, oldest)) = self.order.pop_first() else {
                break;
            };
            if let Some((old, _)) = self.entries.remove(&oldest) {
                self.bytes -= old.len();
            }
        }
        self.tick += 1;
        self.bytes += value.len();
        self.order.insert(self.tick, key.clone());
        self.entries.insert(key, (value, self.tick));
    }
}

struct Inner {
    settings: RenderSettings,
    permits: Arc<Semaphore>,
    cache: Mutex<Lru>,
    /// One lock per key being rendered (the others wait for it, then read the cache).
    rendering: Mutex<HashMap<CacheKey, Arc<tokio::sync::Mutex<()>>>>,
    /// Cancellation flags of the renderings in flight, by ticket.
    in_flight: Mutex<HashMap<u64, CancelFlag>>,
    next_ticket: AtomicU64,
    closing: AtomicBool,
    counters: Counters,
}

/// The rendering pool and cache (cheap to clone: shared).
#[derive(Clone)]
pub struct RenderPool {
    inner: Arc<Inner>,
}

impl Default for RenderPool {
    fn default() -> Self {
        Self::new(RenderSettings::default())
    }
}

/// Sets the flag of a rendering when the future waiting for it is dropped (client gone) and
/// forgets the rendering.
struct CancelOnDrop {
    inner: Arc<Inner>,
    ticket: u64,
    flag: CancelFlag,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.flag.cancel();
        if let Ok(mut m) = self.inner.in_flight.lock() {
            m.remove(&self.ticket);
        }
    }
}

/// Counts a rendering as running while it lives on the worker.
struct Running<'a>(&'a Counters);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::SeqCst);
        self.0.finished.fetch_add(1, Ordering::SeqCst);
    }
}

impl RenderPool {
    /// A pool with `settings` (at least one worker).
    pub fn new(settings: RenderSettings) -> Self {
        let workers = settings.workers.max(1);
        Self {
            inner: Arc::new(Inner {
                settings: RenderSettings {
                    workers,
                    ..settings
                },
                permits: Arc::new(Semaphore::new(workers)),
                cache: Mutex::new(Lru::default()),
                rendering: Mutex::new(HashMap::new()),
                in_flight: Mutex::new(HashMap::new()),
                next_ticket: AtomicU64::new(0),
                closing: AtomicBool::new(false),
                counters: Counters::default(),
            }),
        }
    }

    /// The settings.
    pub fn settings(&self) -> &RenderSettings {
        &self.inner.settings
    }

    /// What the pool did so far.
    pub fn stats(&self) -> RenderStats {
        let c = &self.inner.counters;
        RenderStats {
            started: c.started.load(Ordering::SeqCst),
            finished: c.finished.load(Ordering::SeqCst),
            cancelled: c.cancelled.load(Ordering::SeqCst),
            over_budget: c.over_budget.load(Ordering::SeqCst),
            cache_hits: c.cache_hits.load(Ordering::SeqCst),
            active: c.active.load(Ordering::SeqCst),
            cache_bytes: self.inner.cache.lock().map(|l| l.bytes).unwrap_or(0),
        }
    }

    /// Service shutdown: stops every download rendering in flight and refuses new ones
    /// (renderings for issuance go on, see the module docs).
    pub fn shutdown(&self) {
        self.inner.closing.store(true, Ordering::SeqCst);
        if let Ok(m) = self.inner.in_flight.lock() {
            for flag in m.values() {
                flag.cancel();
            }
        }
    }

    /// Runs `job` (a rendering for issuance) on a worker with a fresh budget: the configured
    /// glyphs, pages and deadline, and a cancellation flag set when this future is dropped.
    pub async fn run<T, F>(&self, job: F) -> Result<T, PoolError>
    where
        T: Send + 'static,
        F: FnOnce(Budget) -> Result<T, RenderError> + Send + 'static,
    {
        self.run_as(job, false).await
    }

    /// Like [`RenderPool::run`] for a download: also cancelled when the service shuts down.
    pub async fn run_download<T, F>(&self, job: F) -> Result<T, PoolError>
    where
        T: Send + 'static,
        F: FnOnce(Budget) -> Result<T, RenderError> + Send + 'static,
    {
        self.run_as(job, true).await
    }

    async fn run_as<T, F>(&self, job: F, download: bool) -> Result<T, PoolError>
    where
        T: Send + 'static,
        F: FnOnce(Budget) -> Result<T, RenderError> + Send + 'static,
    {
        let inner = &self.inner;
        let closing = || download && inner.closing.load(Ordering::SeqCst);
        if closing() {
            return Err(PoolError::ShuttingDown);
        }
        let permit = match tokio::time::timeout(
            inner.settings.deadline,
            Arc::clone(&inner.permits).acquire_owned(),
        )
        .await
        {
            Ok(Ok(p)) => p,
            Ok(Err(_)) => return Err(PoolError::ShuttingDown),
            Err(_) => return Err(PoolError::Busy(inner.settings.workers)),
        };
        let flag = CancelFlag::new();
        let ticket = inner.next_ticket.fetch_add(1, Ordering::SeqCst);
        if download {
            if let Ok(mut m) = inner.in_flight.lock() {
                m.insert(ticket, flag.clone());
            }
        }
        let _guard = CancelOnDrop {
            inner: Arc::clone(inner),
            ticket,
            flag: flag.clone(),
        };
        if closing() {
            return Err(PoolError::ShuttingDown);
        }
        let budget = Budget {
            max_glyphs: inner.settings.max_glyphs,
            max_pages: inner.settings.max_pages,
            cancel: Some(flag),
            ..Budget::default()
        }
        .with_timeout(inner.settings.deadline);
        let worker = Arc::clone(inner);
        let task = tokio::task::spawn_blocking(move || {
            // The permit is held for as long as the rendering runs, not as long as the request.
            let _permit = permit;
            let c = &worker.counters;
            c.started.fetch_add(1, Ordering::SeqCst);
            c.active.fetch_add(1, Ordering::SeqCst);
            let _running = Running(c);
            let result = job(budget);
            match &result {
                Err(RenderError::Cancelled) => {
                    c.cancelled.fetch_add(1, Ordering::SeqCst);
                }
                Err(RenderError::Budget(_)) => {
                    c.over_budget.fetch_add(1, Ordering::SeqCst);
                }
                _ => {}
            }
            result
        });
        match task.await {
            Ok(r) => r.map_err(PoolError::from),
            Err(e) => Err(PoolError::Task(e.to_string())),
        }
    }

    /// The rendering under `key` from the cache, else from `job` on a worker (then cached).
    pub async fn cached<F>(&self, key: CacheKey, job: F) -> Result<Bytes, PoolError>
    where
        F: FnOnce(Budget) -> Result<Vec<u8>, RenderError> + Send + 'static,
    {
        if let Some(hit) = self.lookup(&key) {
            return Ok(hit);
        }
        let lock = {
            let mut m = self
                .inner
                .rendering
                .lock()
                .map_err(|_| PoolError::Task("cache lock poisoned".into()))?;
            Arc::clone(m.entry(key.clone()).or_default())
        };
        let result = async {
            let _one_at_a_time = lock.lock().await;
            if let Some(hit) = self.lookup(&key) {
                return Ok(hit);
            }
            let bytes = Bytes::from(self.run_download(job).await?);
            if self.inner.settings.cache_bytes > 0 {
                if let Ok(mut c) = self.inner.cache.lock() {
                    c.put(key.clone(), bytes.clone(), self.inner.settings.cache_bytes);
                }
            }
            Ok(bytes)
        }
        .await;
        if let Ok(mut m) = self.inner.rendering.lock() {
            // Forget the key's lock when nobody else holds it.
            if m.get(&key).is_some_and(|l| Arc::strong_count(l) <= 2) {
                m.remove(&key);
            }
        }
        result
    }

    fn lookup(&self, key: &CacheKey) -> Option<Bytes> {
        let hit = self.inner.cache.lock().ok()?.get(key)?;
        self.inner
            .counters
            .cache_hits
            .fetch_add(1, Ordering::SeqCst);
        Some(hit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str) -> CacheKey {
        CacheKey {
            credential_id: id.into(),
            kind: Kind::Pdf,
            language: "en".into(),
        }
    }

    #[test]
    fn lru_evicts_least_recently_used_by_bytes() {
        let mut l = Lru::default();
        l.put(key("a"), Bytes::from(vec![0; 40]), 100);
        l.put(key("b"), Bytes::from(vec![0; 40]), 100);
        assert!(l.get(&key("a")).is_some());
        l.put(key("c"), Bytes::from(vec![0; 40]), 100);
        assert!(l.get(&key("b")).is_none(), "b was the least recently used");
        assert!(l.get(&key("a")).is_some() && l.get(&key("c")).is_some());
        assert_eq!(l.bytes, 80);
        l.put(key("d"), Bytes::from(vec![0; 101]), 100);
        assert!(
            l.get(&key("d")).is_none(),
            "larger than the whole cache: not kept"
        );
        assert_eq!(l.bytes, 80);
    }

    #[tokio::test]
    async fn cached_renders_once_and_dropping_the_caller_cancels() {
        let pool = RenderPool::new(RenderSettings {
            workers: 1,
            deadline: Duration::from_secs(30),
            ..RenderSettings::default()
        });
        let a = pool.cached(key("x"), |_| Ok(vec![1, 2, 3])).await.unwrap();
        let b = pool.cached(key("x"), |_| Ok(vec![9])).await.unwrap();
        assert_eq!((&a[..], &b[..]), (&[1u8, 2, 3][..], &[1u8, 2, 3][..]));
        assert_eq!(pool.stats().started, 1);
        assert_eq!(pool.stats().cache_hits, 1);

        // A job that only ends when cancelled: dropping the caller's future cancels it.
        let slow = pool.run(|budget: Budget| loop {
            budget.check_time()?;
            std::thread::sleep(Duration::from_millis(5));
        });
        let r: Result<Result<(), PoolError>, _> =
            tokio::time::timeout(Duration::from_millis(200), slow).await;
        assert!(r.is_err(), "still running when the caller gave up");
        let t = std::time::Instant::now();
        while pool.stats().active > 0 {
            assert!(
                t.elapsed() < Duration::from_secs(1),
                "the rendering went on after the caller left"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(pool.stats().cancelled, 1);
        // The only permit is free again.
        let quick = tokio::time::timeout(Duration::from_secs(1), pool.run(|_| Ok(7)))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(quick, 7);

        pool.shutdown();
        assert!(matches!(
            pool.run_download(|_| Ok(1)).await,
            Err(PoolError::ShuttingDown)
        ));
        assert_eq!(
            pool.run(|_| Ok(1)).await.unwrap(),
            1,
            "issuance renderings finish during a graceful shutdown"
        );
    }
}
