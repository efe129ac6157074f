//! The memory allocator settings of the issuer service (issue #18, docs/PERFORMANCE.md
//! "Cohort issuance").
//!
//! The `issuer` binary (and its benchmark) allocate with mimalloc 2.x. By default mimalloc gives
//! freed memory back to the operating system 10 ms after it is no longer used ("purge delay").
//! Issuing a cohort allocates and frees page-sized buffers for every learner (the credential in
//! three forms, its canonical N-Quads, the page image's rows), so memory was given back and
//! faulted in again all the time: 160,000–180,000 page faults for 1,600 learners, about 10 % of
//! the batch's CPU. With a delay of one second (mimalloc 3.x's default) memory freed by one
//! learner is reused by the next: about 2,000 page faults, and 8.9 instead of 10.2 ms of CPU per
//! learner. Memory left unused for a second is still given back.
//!
//! mimalloc reads its options from `MIMALLOC_*` environment variables when the process starts;
//! an operator's `MIMALLOC_PURGE_DELAY` is kept. Otherwise [`tune`] sets the delay through
//! mimalloc's option API, the one foreign call in this crate.

// `mi_option_get` / `mi_option_set` are C functions (libmimalloc-sys); they take and return
// integers only and have no memory-safety preconditions.
#![allow(unsafe_code)]

use libmimalloc_sys::{mi_option_get, mi_option_set, mi_option_t};

/// The purge delay the service runs with, in milliseconds.
pub const PURGE_DELAY_MS: i64 = 1000;

/// `mi_option_purge_delay` of mimalloc 2.x (`include/mimalloc.h`, enum `mi_option_e`, the 16th
/// option); libmimalloc-sys 0.1.49 has no constant for it. `tests` check that it reads
/// mimalloc's documented default before [`tune`].
const MI_OPTION_PURGE_DELAY: mi_option_t = 15;

/// Sets mimalloc's purge delay to [`PURGE_DELAY_MS`] unless `MIMALLOC_PURGE_DELAY` is set. Call
/// it first thing in `main`, before other threads start (mimalloc's option setter is not
/// thread-safe).
pub fn tune() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    let value = std::ffi::c_long::try_from(PURGE_DELAY_MS).unwrap_or(std::ffi::c_long::MAX);
    // SAFETY: an integer option index and value; mimalloc validates both.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, value) }
}

/// mimalloc's purge delay now, in milliseconds (-1: never).
// `c_long` is `i64` here but `i32` on Windows.
#[allow(clippy::useless_conversion)]
pub fn purge_delay_ms() -> i64 {
    // SAFETY: an integer option index; mimalloc validates it.
    i64::from(unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tune_sets_the_purge_delay_option() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // mimalloc 2.x's default (`mi_option_purge_delay` "(=10)"): the index is that option.
        assert_eq!(purge_delay_ms(), 10);
        tune();
        assert_eq!(purge_delay_ms(), PURGE_DELAY_MS);
    }
}
