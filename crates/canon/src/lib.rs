//! JSON-LD to RDF and RDFC-1.0 canonical N-Quads over the bundled contexts only.
//!
//! This crate is the foundation of Data Integrity `eddsa-rdfc-2022` signing and verification
//! (W3C VC Data Integrity EdDSA Cryptosuites v1.0 §3.2.3 "Transformation (eddsa-rdfc-2022)"):
//!
//! 1. [`to_rdf`]: JSON-LD 1.1 Processing Algorithms §6.1 (expansion) + §8 (Deserialize JSON-LD to
//!    RDF), in *safe mode* as the reference JavaScript stack (jsonld.js `safe: true`) applies it: an
//!    undefined term, a relative IRI, an unknown context or a protected-term redefinition is an
//!    error, never silently dropped. Contexts are resolved only through
//!    [`contexts::OfflineLoader`]; nothing is ever fetched. The implementation is [`oracle`], a
//!    thin strict wrapper around the `json-ld` crate (0.21.4), kept as the reference any faster
//!    path is compared against.
//! 2. [`rdfc10`]: W3C RDF Dataset Canonicalization (RDFC-1.0, 2024 Recommendation) §4, our own
//!    implementation in [`rdfc`], with a work bound against poison graphs
//!    ([`CanonError::TooComplex`]).
//! 3. [`canonicalize`]: both together, giving the canonical N-Quads that `eddsa-rdfc-2022` hashes.
//!
//! [`budget`] is the memory budget checked before any of this: caps on nesting depth, JSON nodes
//! and blank nodes, measured in one cheap pass over the parsed JSON (issue #13).
//!
//! [`nquads`] has the canonical N-Quads serialization (RDFC-1.0 §4.2 / RDF 1.2 N-Quads §
//! "Canonical N-Quads") and a strict N-Quads parser.

#![forbid(unsafe_code)]

pub mod budget;
pub mod fast;
pub mod nquads;
pub mod oracle;
pub mod rdfc;
mod term;

pub use budget::{Budget, BudgetError, Shape};
pub use nquads::{parse_nquads, to_nquads, NQuadsError};
pub use rdfc::{Canonicalized, HashAlgorithm, Limits, Work};
pub use term::{Literal, Quad, Term, RDF_LANG_STRING, XSD_STRING};

use contexts::OfflineLoader;

/// Options for [`canonicalize_with`] and [`to_rdf`].
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Where `@context` URLs are resolved. Default: the bundled contexts only.
    pub loader: OfflineLoader,
    /// Work bound for RDFC-1.0 (poison-graph guard).
    pub limits: Limits,
}

impl Options {
    /// Options over the bundled contexts plus `documents` (URL → JSON-LD document), e.g. the
    /// context files of a test suite. Bundled URLs cannot be overridden.
    pub fn with_documents<I>(documents: I) -> Self
    where
        I: IntoIterator<Item = (String, serde_json::Value)>,
    {
        Self {
            loader: OfflineLoader::with_documents(documents),
            limits: Limits::default(),
        }
    }
}

/// Everything that can go wrong turning a JSON-LD document into canonical N-Quads.
///
/// Every message names the JSON path, term, IRI or rule involved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonError {
    /// A `@context` URL that is not bundled (nothing is ever fetched).
    #[error("unknown JSON-LD context `{url}`: only bundled contexts are allowed (no context is ever fetched)")]
    UnknownContext {
        /// The URL the document asked for.
        url: String,
    },
    /// A JSON key that no context defines (safe mode: an error, not silently dropped).
    #[error("undefined term `{term}` at {path}: no active context defines it (JSON-LD safe mode rejects undefined terms)")]
    UndefinedTerm {
        /// The JSON key.
        term: String,
        /// JSON path of the first occurrence of the key, e.g. `$.credentialSubject.foo`.
        path: String,
    },
    /// A relative IRI reference where an absolute IRI is required (`@id`, `@type`, a property
    /// or graph name): safe mode rejects it instead of dropping it.
    #[error("relative IRI `{value}` at {path}: an absolute IRI is required (JSON-LD safe mode rejects relative references)")]
    RelativeIri {
        /// The offending value.
        value: String,
        /// JSON path of the first occurrence of the value.
        path: String,
    },
    /// A context tried to redefine a protected term (JSON-LD 1.1 API §4.1.2 step 27.1, error
    /// `protected term redefinition`).
    #[error("protected term redefinition: `{term}` is protected by an earlier context and redefined{}", context.as_deref().map(|c| format!(" by `{c}`")).unwrap_or_default())]
    ProtectedTermRedefinition {
        /// The term, when it could be identified (`?` otherwise).
        term: String,
        /// The context that redefines it, when known.
        context: Option<String>,
    },
    /// Any other JSON-LD error (invalid context, invalid keyword value, ...), with the JSON-LD
    /// error code.
    #[error("invalid JSON-LD ({code}): {message}")]
    InvalidJsonLd {
        /// JSON-LD error code (JSON-LD 1.1 API §9.4.1 `JsonLdErrorCode`).
        code: String,
        /// Human-readable detail.
        message: String,
    },
    /// The RDFC-1.0 work bound was hit: the dataset is a poison graph (or too complex).
    #[error("RDFC-1.0 work limit exceeded: {what} reached {count} (limit {limit}); the dataset's blank nodes are too symmetric to canonicalize safely (poison graph)")]
    TooComplex {
        /// Which counter hit its limit (`Limits::max_ndegree_calls` or
        /// `Limits::max_permutations`).
        what: &'static str,
        /// The value reached.
        count: u64,
        /// The configured limit.
        limit: u64,
    },
    /// The RDF produced is not valid for canonicalization (e.g. a literal as subject).
    #[error("invalid RDF: {message}")]
    InvalidRdf {
        /// What is wrong and where.
        message: String,
    },
}

/// Canonical N-Quads (RDFC-1.0) of a JSON-LD document, strict safe mode, bundled contexts only.
/// Lines sorted, each ending in "\n" — exactly the bytes `eddsa-rdfc-2022` hashes.
pub fn canonicalize(doc: &serde_json::Value) -> Result<String, CanonError> {
    canonicalize_with(doc, default_options())
}

/// Same as [`canonicalize`] with explicit options (loader with extra test documents, work limits).
///
/// Runs the compiled-context fast path ([`fast`]) and falls back to the `json-ld` crate path
/// ([`oracle_canonicalize_with`]) when the document uses something the fast path does not cover;
/// fallbacks are counted ([`fast::fallback_count`]). Both paths give byte-identical output on
/// everything the fast path accepts (`tests/fast_*.rs`: the EU samples, the W3C vectors, a generated
/// corpus and the JSON-LD 1.1 conformance suites). When the fast path reports an error, the oracle
/// runs too and its error is returned, so errors are the reference ones.
pub fn canonicalize_with(doc: &serde_json::Value, opts: &Options) -> Result<String, CanonError> {
    match fast::canonicalize_with(doc, &fast_options(opts)) {
        Ok(Ok(nquads)) => Ok(nquads),
        // Declined, or an error: the reference path decides. Errors are the rare path (invalid or
        // hostile input, bounded by the same limits), and the oracle's error is the reference one
        // (e.g. it names the context of a protected-term redefinition).
        Ok(Err(_)) | Err(_) => oracle_canonicalize_with(doc, opts),
    }
}

/// A JSON object seen with some top-level members left out or replaced (or added), without
/// copying it: what Data Integrity hashes is "the credential without `proof`, with the Data
/// Integrity context appended" (VC Data Integrity §4.2 steps 2-3, eddsa-rdfc-2022 §3.3), and a
/// credential may carry 100 KB of display images, so copying it costs more than hashing it.
#[derive(Debug, Clone, Copy)]
pub struct DocumentView<'a> {
    /// The object.
    pub base: &'a serde_json::Map<String, serde_json::Value>,
    /// Top-level members left out.
    pub omit: &'a [&'a str],
    /// Top-level members replaced (in place) or added (at the end).
    pub replace: &'a [(&'a str, &'a serde_json::Value)],
}

impl DocumentView<'_> {
    /// The document the view stands for, as a value (a copy; used only off the fast path).
    pub fn to_value(&self) -> serde_json::Value {
        let mut map = serde_json::Map::with_capacity(self.base.len() + self.replace.len());
        for (k, v) in self.base {
            if let Some((_, r)) = self.replace.iter().find(|(rk, _)| *rk == k.as_str()) {
                map.insert(k.clone(), (*r).clone());
            } else if !self.omit.contains(&k.as_str()) {
                map.insert(k.clone(), v.clone());
            }
        }
        for (k, v) in self.replace {
            if !self.base.contains_key(*k) {
                map.insert((*k).to_owned(), (*v).clone());
            }
        }
        serde_json::Value::Object(map)
    }
}

/// SHA-256 of the canonical N-Quads of `view` ([`canonicalize`] of [`DocumentView::to_value`],
/// hashed): the fast path hashes the sorted lines directly and copies nothing; when it declines
/// or reports an error, the oracle runs on the materialised document, exactly as
/// [`canonicalize_with`] does.
pub fn canonical_sha256_view(
    view: DocumentView<'_>,
    opts: &Options,
) -> Result<[u8; 32], CanonError> {
    use sha2::Digest as _;
    match fast::canonical_sha256_view(view, &fast_options(opts)) {
        Ok(Ok(hash)) => Ok(hash),
        Ok(Err(_)) | Err(_) => {
            let nquads = oracle_canonicalize_with(&view.to_value(), opts)?;
            Ok(sha2::Sha256::digest(nquads.as_bytes()).into())
        }
    }
}

/// [`canonical_sha256_view`] with the default options (bundled contexts, default limits).
pub fn canonical_sha256(view: DocumentView<'_>) -> Result<[u8; 32], CanonError> {
    canonical_sha256_view(view, default_options())
}

/// The reference path alone: the `json-ld` crate's toRdf (strict safe mode) and our RDFC-1.0. Kept
/// as the oracle the fast path is tested against, and as its run-time fallback.
pub fn oracle_canonicalize(doc: &serde_json::Value) -> Result<String, CanonError> {
    oracle_canonicalize_with(doc, default_options())
}

/// [`oracle_canonicalize`] with explicit options.
pub fn oracle_canonicalize_with(
    doc: &serde_json::Value,
    opts: &Options,
) -> Result<String, CanonError> {
    let quads = oracle_to_rdf(doc, opts)?;
    Ok(rdfc10(&quads, &opts.limits)?.nquads)
}

/// Strict JSON-LD → RDF (toRdf): unsorted quads of the default graph and named graphs, with
/// blank node labels as the JSON-LD processor issued them.
///
/// Fast path first, the `json-ld` crate path when the fast path declines (as [`canonicalize_with`]).
pub fn to_rdf(doc: &serde_json::Value, opts: &Options) -> Result<Vec<Quad>, CanonError> {
    match fast::to_rdf(doc, &fast_options(opts)) {
        Ok(Ok(quads)) => Ok(quads),
        Ok(Err(_)) | Err(_) => oracle_to_rdf(doc, opts),
    }
}

/// The reference toRdf alone (the `json-ld` crate in strict safe mode).
pub fn oracle_to_rdf(doc: &serde_json::Value, opts: &Options) -> Result<Vec<Quad>, CanonError> {
    oracle::to_rdf(doc, &opts.loader)
}

fn fast_options(opts: &Options) -> fast::FastOptions {
    fast::FastOptions {
        loader: opts.loader.clone(),
        base: None,
        limits: opts.limits,
    }
}

/// RDFC-1.0 over a dataset (SHA-256): canonical labels + sorted canonical N-Quads, with a work
/// bound. Duplicate quads are removed (a dataset is a set).
pub fn rdfc10(quads: &[Quad], limits: &Limits) -> Result<Canonicalized, CanonError> {
    rdfc::canonicalize(quads, limits, HashAlgorithm::Sha256)
}

fn default_options() -> &'static Options {
    static DEFAULT: std::sync::OnceLock<Options> = std::sync::OnceLock::new();
    DEFAULT.get_or_init(Options::default)
}
