//! A total deadline for reading a request body: a client that trickles its body (or announces a
//! length and never sends it) is answered with 408 Request Timeout (RFC 9110 §15.5.9) and the
//! connection is closed. The deadline starts when the handler first reads the body and covers
//! the whole body, not each read, so one byte every few seconds does not keep it alive.
//!
//! The body is wrapped, not buffered: handlers read it as before (after authentication, within
//! their own size limit). When the deadline passes, the read fails, and whatever the handler
//! answers to that failure is replaced by the 408 problem.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};
use tokio::time::Sleep;

use crate::problem::problem;

/// The body read deadline (the middleware's state).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyTimeout(pub Duration);

/// The body read took longer than allowed.
#[derive(Debug)]
struct Elapsed;

impl std::fmt::Display for Elapsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("request body read timeout")
    }
}

impl std::error::Error for Elapsed {}

/// A body that fails once its deadline has passed.
struct TimedBody {
    inner: Body,
    limit: Duration,
    deadline: Option<Pin<Box<Sleep>>>,
    expired: Arc<AtomicBool>,
}

impl http_body::Body for TimedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let limit = self.limit;
        let deadline = self
            .deadline
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        if deadline.as_mut().poll(cx).is_ready() {
            self.expired.store(true, Ordering::SeqCst);
            return Poll::Ready(Some(Err(axum::Error::new(Elapsed))));
        }
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Middleware (`axum::middleware::from_fn_with_state(BodyTimeout(..), body_timeout)`): bounds the
/// time spent reading the request body; 408 problem JSON with `Connection: close` when exceeded.
pub async fn body_timeout(
    State(BodyTimeout(limit)): State<BodyTimeout>,
    req: Request,
    next: Next,
) -> Response {
    let expired = Arc::new(AtomicBool::new(false));
    let flag = expired.clone();
    let req = req.map(|inner| {
        Body::new(TimedBody {
            inner,
            limit,
            deadline: None,
            expired: flag,
        })
    });
    let res = next.run(req).await;
    if !expired.load(Ordering::SeqCst) {
        return res;
    }
    let mut res = problem(
        StatusCode::REQUEST_TIMEOUT,
        "request-timeout",
        "Request body too slow",
        &format!(
            "the request body was not received within {} s (body_read_timeout_secs)",
            limit.as_secs_f64()
        ),
    );
    res.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}
