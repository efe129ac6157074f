//! ENHANCE credential domain and its mapping to European Digital Credentials (ELM v3.2, EDC
//! application profile), with no I/O.
//!
//! The domain follows the ENHANCE Framework MS18 (`../shared/seed/enhance-framework-ms18.md`):
//! section 4.2 (taxonomy of credentials), 5.1 (the 16 standard elements of the Council
//! Recommendation of 16 June 2022, Annex I) and Annex 3 (certificate templates).

pub mod lang;

pub use lang::LanguageMap;
