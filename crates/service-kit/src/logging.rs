//! Structured logging of both services through `tracing`: JSON lines (default) or human-readable
//! text, filtered by `RUST_LOG` (default `info`). Request spans carry the route template only
//! (see [`crate::layers`]), so neither personal data nor secrets reach the logs.

use crate::config::LogFormat;

/// Initialises logging in `format`; a no-op if a subscriber is already installed.
pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
