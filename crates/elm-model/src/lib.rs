//! ENHANCE credential domain and its mapping to European Digital Credentials (ELM v3.2, EDC
//! application profile), with no I/O.
//!
//! The domain follows the ENHANCE Framework MS18 (`../shared/seed/enhance-framework-ms18.md`):
//! section 4.2 (taxonomy of credentials), 5.1 (the 16 standard elements of the Council
//! Recommendation of 16 June 2022, Annex I) and Annex 3 (certificate templates).
//!
//! - [`award`]: the award request (learning-opportunity specification + learner + results).
//! - [`validate`]: the rules per credential kind; every finding collected with its JSON path.
//! - [`build`]: award → unsigned EDC credential (JSON-LD, ELM v3.2, EDC generic-full profile).
//! - [`university`]: ENHANCE member universities (filled by the caller), did:web derivation.
//! - [`vocab`]: controlled-vocabulary concepts (EU vocabularies; ENHANCE extensions).
//! - [`text`]: the generated Annex 3 sentences per language.
//! - [`programme`]: programme specifications, their stacking rules and outline (stackability).

pub mod award;
pub mod build;
pub mod lang;
pub mod programme;
pub mod text;
pub mod university;
pub mod validate;
pub mod vocab;
mod vocab_tables;
pub mod view;

pub use award::{Award, CredentialKind, DisplayImage, MediaType};
pub use build::{build, derived_id, BuildError, BuildOptions, Built};
pub use lang::LanguageMap;
pub use university::{did_web, University, Universities};
pub use validate::{validate, Issue, Severity};

/// Parses an award request (JSON text). A mismatch with the award format is reported as one
/// [`Issue`] with rule `award.parse` and the JSON path of the offending field (serde stops at the
/// first such error; the rules of [`validate()`] then report everything else at once).
pub fn parse_award(json: &str) -> Result<Award, Issue> {
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let message = e.into_inner().to_string();
        Issue::error(path, "award.parse", message)
    })
}

/// The JSON Schema (draft 2020-12) of the award format, generated from [`Award`].
pub fn award_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Award);
    schema.to_value()
}
