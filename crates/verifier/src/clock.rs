//! Time as a parameter ([`Clock`]): the shared domain concept lives in [`elm_model::clock`]
//! (W3C VC Data Model 2.0 §4.9 "Validity Period" checks are only meaningful relative to a stated
//! time); re-exported here so `verifier::Clock` keeps working.

pub use elm_model::clock::{Clock, FixedClock, SystemClock};
