//! A stable-toolchain fuzz harness for the workspace (issue #19, point 8).
//!
//! `cargo fuzz` (libFuzzer) needs a nightly toolchain: it builds with `-Z sanitizer=address` and
//! the `-C passes=sancov-module` coverage instrumentation, which stable rustc does not accept, and
//! the project's machines and CI have only the stable 1.95 toolchain. So this crate has a small
//! mutational engine of its own ([`engine`], [`mutate`], [`rng`]): seeds from `fuzz/corpus/`,
//! byte-level and JSON-aware mutations from a seeded RNG (the seed is printed, so a run is
//! reproducible), a time budget per target, `catch_unwind` around every input and a per-input
//! time limit. What it lacks against libFuzzer is coverage feedback and the sanitizers (the
//! workspace forbids `unsafe` in its own crates, so memory errors are not what it hunts).
//!
//! The targets are in [`targets`]; `fuzz/README.md` says how to run them for longer.

// Fuzz harness (issue #19 lints): a failing assumption should stop the run loudly and the
// harness reports on stdout/stderr, so these are allowed here (it is test code, not library).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

pub mod engine;
pub mod mutate;
pub mod rng;
pub mod targets;
