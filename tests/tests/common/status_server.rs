//! The fixture HTTP server of the end-to-end tests: the service kit's shared one
//! ([`service_kit::test_support::FixtureServer`]) on 127.0.0.1, serving status list credentials
//! (Bitstring Status List v1.0 §2.2) and DID documents (did:web §3.2.2) by path; stopped, its port
//! refuses connections (an "unreachable" status list host).
//!
//! Test only: plain http on loopback, which the verifier accepts only under
//! `verifier::NetworkPolicy::local_testing()`.
// Shared by several test crates; each uses only part of it.
#![allow(dead_code)]

pub use service_kit::test_support::FixtureServer as StatusServer;
