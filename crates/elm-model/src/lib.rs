//! ENHANCE credential domain and its mapping to European Digital Credentials (ELM v3.2, EDC
//! application profile), with no I/O.
//!
//! The domain follows the ENHANCE Framework for Innovative Learning Opportunities (MS18, 2025):
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
//! - [`stacking`]: what adds up towards a programme (learner matching, elective and credit
//!   rules), separate from verifying the unit credentials (the verifier's `stack`).
//! - [`clock`]: time as a parameter ([`clock::Clock`]).
//! - [`vcdm`]: the W3C VC Data Model rules on a credential's optional members (typed status,
//!   schema, evidence, terms of use, refresh service entries; related resources; a non-empty
//!   subject), shared by the issuer and the verifier; [`related_resource`] checks the
//!   `relatedResource` digests of the bundled contexts offline.
//! - [`limits`]: the size and character limits of awards and programme specifications, checked
//!   before every other rule (feature `test-support`: `limits::fill`, the largest valid award).
//! - `examples` (feature `test-support`): the example award files, as the test suites read them.

pub mod award;
pub mod build;
pub mod clock;
#[cfg(feature = "test-support")]
pub mod examples;
pub mod lang;
pub mod learning_credential; // issue #16: EUDI SD-JWT VC learning credential claims
pub mod limits;
pub mod programme;
pub mod related_resource; // relatedResource digests, checked offline (VC DM 2.0 §5.3)
pub mod stacking;
pub mod text;
pub mod university;
pub mod validate;
pub mod vcdm;
pub mod view;
pub mod vocab;
mod vocab_tables;

pub use award::{Award, CredentialKind, DisplayImage, MediaType};
pub use build::{build, derived_id, BuildError, BuildOptions, Built};
pub use lang::LanguageMap;
pub use university::{did_web, Universities, University};
pub use validate::{validate, Issue, Severity};

/// Parses an award request (JSON text). A mismatch with the award format is reported as one
/// [`Issue`] with rule `award.parse` and the JSON path of the offending field (serde stops at the
/// first such error; the rules of [`validate()`] then report everything else at once). A member
/// name repeated in one object is such a mismatch too (RFC 7493 §2.3, [`strict_json`]).
///
/// JSON text over [`limits::MAX_AWARD_JSON_BYTES`] is refused before it is parsed (rule
/// `award.max-bytes`); the field limits are rules of [`validate()`].
pub fn parse_award(json: &str) -> Result<Award, Issue> {
    if let Some(too_large) = limits::check_json_size(json) {
        return Err(too_large);
    }
    refuse_duplicate_members(json, "award.parse")?;
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let message = e.into_inner().to_string();
        Issue::error(path, "award.parse", message)
    })
}

/// A duplicate member name in `json` as one [`Issue`] with `rule` and the member's path (in the
/// `a.b[1]` form of the other parse issues). Syntax errors are left to the typed parse, whose
/// messages name the field.
pub(crate) fn refuse_duplicate_members(json: &str, rule: &'static str) -> Result<(), Issue> {
    match strict_json::from_str(json) {
        Err(e @ strict_json::Error::DuplicateMember { .. }) => {
            let path = e.path().strip_prefix('$').unwrap_or_default();
            let path = path.strip_prefix('.').unwrap_or(path).to_owned();
            Err(Issue::error(path, rule, e.to_string()))
        }
        _ => Ok(()),
    }
}

/// The JSON Schema (draft 2020-12) of the award format, generated from [`Award`].
pub fn award_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Award);
    schema.to_value()
}
