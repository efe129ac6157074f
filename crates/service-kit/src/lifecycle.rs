//! Graceful start and stop of both services: bind, serve in the background ([`crate::serve`]),
//! and on shutdown stop accepting connections and let in-flight requests finish, up to a grace
//! period after which the service stops with requests in flight. [`shutdown_signal`] waits for
//! SIGTERM or SIGINT (Ctrl-C).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::server::{serve, ServeOptions};

/// Why a service could not listen, or stopped serving with an error.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    /// The socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Address.
        addr: SocketAddr,
        /// Error.
        source: io::Error,
    },
    /// Serving failed.
    #[error("server: {0}")]
    Serve(#[from] io::Error),
}

/// Binds `addr` and returns the listener and its actual address (port 0 → a free port).
pub async fn bind(addr: SocketAddr) -> Result<(TcpListener, SocketAddr), ListenError> {
    let bound = async {
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        Ok((listener, local))
    };
    bound
        .await
        .map_err(|source| ListenError::Bind { addr, source })
}

/// How a started server stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopOptions {
    /// How long in-flight requests may run after the shutdown was asked for.
    pub grace: Duration,
}

/// A server running in the background.
#[derive(Debug)]
pub struct Running {
    /// The bound address (port 0 resolved).
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    handle: JoinHandle<io::Result<()>>,
}

impl Running {
    /// `http://<addr>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Triggers graceful shutdown and waits for it.
    pub async fn shutdown(mut self) -> Result<(), ListenError> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let result = self
            .handle
            .await
            .map_err(|e| io::Error::other(e.to_string()))?;
        Ok(result?)
    }
}

/// Serves `router` on `listener` in the background. When [`Running::shutdown`] is called,
/// `on_stop` runs first (e.g. to cancel long jobs), then in-flight requests get `stop.grace` to
/// finish, then `after` runs (e.g. to close the database) whatever the outcome.
pub fn start<F>(
    listener: TcpListener,
    router: Router,
    options: ServeOptions,
    stop: StopOptions,
    on_stop: impl FnOnce() + Send + 'static,
    after: F,
) -> Result<Running, ListenError>
where
    F: Future<Output = ()> + Send + 'static,
{
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut stop_rx2 = stop_rx.clone();
        let server = serve(listener, router, options, async move {
            let _ = rx.await;
            on_stop();
            let _ = stop_tx.send(true);
        });
        let deadline = async move {
            let _ = stop_rx2.wait_for(|v| *v).await;
            tokio::time::sleep(stop.grace).await;
        };
        let result = tokio::select! {
            r = server => r,
            _ = deadline => {
                tracing::warn!("graceful shutdown deadline reached; stopping with requests in flight");
                Ok(())
            }
        };
        drop(stop_rx);
        after.await;
        result
    });
    Ok(Running {
        addr,
        shutdown: Some(tx),
        handle,
    })
}

/// Completes on SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn starts_answers_and_stops_gracefully() {
        let (listener, addr) = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let router = Router::new().merge(crate::health::routes());
        let (done_tx, done_rx) = oneshot::channel();
        let running = start(
            listener,
            router,
            ServeOptions::default(),
            StopOptions {
                grace: Duration::from_secs(5),
            },
            || {},
            async move {
                let _ = done_tx.send(());
            },
        )
        .unwrap();
        assert_eq!(running.addr, addr);
        assert_eq!(running.url(), format!("http://{addr}"));
        let body = tokio::task::spawn_blocking(move || crate::test_support::get(addr, "/healthz"))
            .await
            .unwrap()
            .unwrap();
        assert!(body.starts_with("HTTP/1.1 200"), "{body}");
        assert!(body.ends_with("{\"status\":\"ok\"}"), "{body}");
        let t = std::time::Instant::now();
        running.shutdown().await.unwrap();
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        done_rx.await.unwrap();
    }
}
