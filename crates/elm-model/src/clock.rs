//! Time as a parameter: every validity, expiry and status decision takes a [`Clock`], so tests and
//! the CLI's `--now` can fix the instant (W3C VC Data Model 2.0 §4.9 "Validity Period" checks are
//! only meaningful relative to a stated time). A shared domain concept of the issuer and the
//! verifier (issue #19), so it lives here, at the lowest floor both depend on; `verifier::clock`
//! re-exports it.

use chrono::{DateTime, Utc};

/// A source of "now".
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}
