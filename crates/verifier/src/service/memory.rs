//! The verifier service's memory budget (issue #13, finding 3): verifications are admitted by a
//! semaphore weighted by the size of what they verify, so the total memory of the verifications
//! running at once stays within `memory_budget_mib` (docs/CONFIG.md), and further requests queue
//! instead of taking the process to gigabytes.
//!
//! One permit is one KiB of estimated peak memory. A verification of a credential of `n` bytes is
//! estimated at [`MIN_RESERVATION_BYTES`] + min([`PEAK_BYTES_PER_CREDENTIAL_BYTE`] × `n`,
//! [`MAX_RESERVATION_BYTES`]) (measured, docs/PERFORMANCE.md "Peak memory (issue #13)": the caps
//! of [`canon::Budget`] bound the worst case whatever the size in bytes). A request body is read
//! (its bytes only) and the reservation made BEFORE it is parsed ([`reserve_for_body`]).
//! A share link (`GET /verify?credential=`) reserves the fetch buffer while it fetches, then the
//! credential's own estimate once its size is known. No reservation exceeds the whole budget, so a
//! single large credential always runs (alone). `/healthz` and the static pages never reserve.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::ApiError;

/// Estimated peak memory of a verification per byte of credential (measured worst case of the
/// credentials the caps admit: ~340 bytes per byte for tiny blank-node objects, ~100 for typical
/// shapes; docs/PERFORMANCE.md).
pub const PEAK_BYTES_PER_CREDENTIAL_BYTE: u64 = 256;

/// Smallest reservation of a verification: parsing, the contexts, the report and the page.
pub const MIN_RESERVATION_BYTES: u64 = 4 * 1024 * 1024;

/// Largest reservation of a verification (beyond [`MIN_RESERVATION_BYTES`]): above the measured
/// peak of the worst credential the default caps of [`canon::Budget`] admit (250,000 JSON values,
/// 30,000 blank nodes, terms from an inline context so the json-ld crate path: ~280 MB whatever its
/// size in bytes; docs/PERFORMANCE.md). The caps are that high because the largest award this
/// project issues (a 100-unit programme, `tests/tests/max_awards.rs`) has ~96,000 values and ~12,200
/// blank nodes; so a credential over ~1.5 MB verifies alone under the default 512 MiB budget.
pub const MAX_RESERVATION_BYTES: u64 = 384 * 1024 * 1024;

/// The weighted semaphore of the verifications in flight.
#[derive(Debug, Clone)]
pub struct MemoryBudget {
    sem: Arc<Semaphore>,
    total_kib: u32,
    max_body_bytes: u64,
}

impl MemoryBudget {
    /// A budget of `budget_bytes` for request bodies of at most `max_body_bytes`.
    pub fn new(budget_bytes: u64, max_body_bytes: u64) -> Self {
        let total_kib = u32::try_from((budget_bytes / 1024).max(1))
            .unwrap_or(u32::MAX)
            .min(Semaphore::MAX_PERMITS as u32);
        Self {
            sem: Arc::new(Semaphore::new(total_kib as usize)),
            total_kib,
            max_body_bytes,
        }
    }

    /// Estimated peak memory, in bytes, of verifying a credential of `credential_bytes`.
    pub fn estimate(credential_bytes: u64) -> u64 {
        MIN_RESERVATION_BYTES.saturating_add(
            credential_bytes
                .saturating_mul(PEAK_BYTES_PER_CREDENTIAL_BYTE)
                .min(MAX_RESERVATION_BYTES),
        )
    }

    /// Permits (KiB) reserved for `bytes` of estimated memory: at least 1, at most the budget.
    pub fn permits_for(&self, bytes: u64) -> u32 {
        u32::try_from(bytes.div_ceil(1024))
            .unwrap_or(u32::MAX)
            .clamp(1, self.total_kib)
    }

    /// KiB not reserved right now.
    pub fn available_kib(&self) -> usize {
        self.sem.available_permits()
    }

    /// The whole budget in KiB.
    pub fn total_kib(&self) -> u32 {
        self.total_kib
    }

    /// Waits until `bytes` of estimated memory can be reserved; released when the permit drops.
    pub async fn reserve(&self, bytes: u64) -> Result<OwnedSemaphorePermit, ApiError> {
        self.sem
            .clone()
            .acquire_many_owned(self.permits_for(bytes))
            .await
            .map_err(|_| ApiError::internal("memory budget semaphore closed"))
    }

    /// Reserves the estimate of verifying a credential of `credential_bytes`.
    pub async fn reserve_verification(
        &self,
        credential_bytes: u64,
    ) -> Result<OwnedSemaphorePermit, ApiError> {
        self.reserve(Self::estimate(credential_bytes)).await
    }

    /// Reserves the buffer of a credential being fetched (at most `max_body_bytes`).
    pub async fn reserve_fetch(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        self.reserve(self.max_body_bytes).await
    }
}

/// Middleware of the endpoints that verify a request body: reads the body (at most
/// `max_body_bytes`, under the body read deadline of the outer layer), then reserves its
/// verification's estimate BEFORE the body is parsed, and holds it until the response is built.
/// The body is read first so a queued client is not left with an unread request for longer than
/// its TCP user timeout (reqwest's default: 30 s); a queued body costs its bytes only. Requests
/// without a body (GET) pass through: their handler reserves what it needs.
pub async fn reserve_for_body(
    State(budget): State<MemoryBudget>,
    req: Request,
    next: Next,
) -> Response {
    use axum::body::HttpBody as _;
    if req.method() == axum::http::Method::GET || req.method() == axum::http::Method::HEAD {
        return next.run(req).await;
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > budget.max_body_bytes) {
        // The extractor answers 413 without reading it.
        return next.run(req).await;
    }
    let (parts, mut body) = req.into_parts();
    let mut buf: Vec<u8> = Vec::with_capacity(usize::try_from(declared.unwrap_or(0)).unwrap_or(0));
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let frame = match frame {
            Ok(f) => f,
            // A body too slow is answered 408 by the body read timeout layer around this one.
            Err(e) => {
                return ApiError::bad_request(format!("the request body could not be read: {e}"))
                    .into_response()
            }
        };
        if let Ok(data) = frame.into_data() {
            if (buf.len() + data.len()) as u64 > budget.max_body_bytes {
                return ApiError::too_large(
                    usize::try_from(budget.max_body_bytes).unwrap_or(usize::MAX),
                    "max_body_bytes",
                )
                .into_response();
            }
            buf.extend_from_slice(&data);
        }
    }
    let permit = match budget.reserve_verification(buf.len() as u64).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let res = next
        .run(Request::from_parts(parts, axum::body::Body::from(buf)))
        .await;
    drop(permit);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservations_are_weighted_and_clamped() {
        let b = MemoryBudget::new(1024 * 1024 * 1024, 2 * 1024 * 1024);
        assert_eq!(b.total_kib(), 1024 * 1024);
        // 2 MiB credential: 4 MiB + min(512 MiB, 384 MiB); 100 KiB: 4 MiB + 25 MiB.
        assert_eq!(
            b.permits_for(MemoryBudget::estimate(2 * 1024 * 1024)),
            388 * 1024
        );
        assert_eq!(b.permits_for(MemoryBudget::estimate(100 * 1024)), 29 * 1024);
        assert_eq!(b.permits_for(MemoryBudget::estimate(0)), 4 * 1024);
        let small = MemoryBudget::new(16 * 1024 * 1024, 2 * 1024 * 1024);
        assert_eq!(
            small.permits_for(u64::MAX),
            small.total_kib(),
            "never more than the whole budget"
        );
    }

    #[tokio::test]
    async fn a_second_large_verification_waits_for_the_first() {
        let b = MemoryBudget::new(300 * 1024 * 1024, 2 * 1024 * 1024);
        let first = b.reserve_verification(2 * 1024 * 1024).await.unwrap();
        let second = tokio::time::timeout(
            std::time::Duration::from_millis(50),
            b.reserve_verification(2 * 1024 * 1024),
        )
        .await;
        assert!(second.is_err(), "the second 2 MiB verification must queue");
        drop(first);
        let second = tokio::time::timeout(
            std::time::Duration::from_secs(1),
            b.reserve_verification(2 * 1024 * 1024),
        )
        .await;
        assert!(second.is_ok());
    }
}
