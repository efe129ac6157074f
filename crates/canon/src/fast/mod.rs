//! The fast, exact path from a JSON-LD credential to canonical N-Quads (issue #8).
//!
//! # Why our own
//!
//! Measured on this machine class when the stack was chosen: every JSON-LD library spends
//! 300-1,000× the cost of an Ed25519 signature to canonicalize a European Digital Credential.
//! With `json-ld` 0.21, processing VC v1 + `edc-ap` costs about 820 µs per call, and expansion
//! then clones the whole active context for every nested object under VC v1's non-propagating
//! type-scoped contexts (about 35 µs each); the irreducible work (parse, RDFC-1.0 on ~300 quads,
//! SHA-256, one signature) is about 25 signatures' worth. This module removes the context work:
//!
//! - contexts are compiled once into immutable, shared term tables ([`context`]); applying a
//!   context (the document's, a type-scoped or a property-scoped one) to an active context is
//!   memoized process-wide for bundled contexts, so after warm-up a credential expands with no
//!   context processing at all, and a non-propagated context is a pointer to its previous
//!   context, not a copy;
//! - expansion and toRdf are fused ([`expand`]): quads are emitted while walking the JSON, with
//!   no expanded tree and no node map; without blank nodes (the EDC case) canonical N-Quads are
//!   the sorted unique lines ([`emit`]); with blank nodes the quads go through [`crate::rdfc10`].
//!
//! # What it implements
//!
//! JSON-LD 1.1 Processing Algorithms and API: §4.1 Context Processing, §4.2 Create Term
//! Definition, §5.1 Expansion, §5.2 IRI Expansion, §5.3 Value Expansion, §7.2 Node Map Generation
//! (only as far as it decides which quads exist), §8.2 Deserialize JSON-LD to RDF, §8.4 List to
//! RDF, §8.6 Object to RDF; RFC 8785 (JCS) for `rdf:JSON`; RDFC-1.0 (via [`crate::rdfc10`] or,
//! without blank nodes, its trivial case). Safe mode as the oracle ([`crate::oracle`]): an
//! undefined term or a relative IRI is an error.
//!
//! Supported: remote (bundled or loader-registered) and embedded contexts, `@version` 1.1,
//! `@protected`, `@propagate`, `@vocab`, `@base`, default `@language`, type-scoped and
//! property-scoped contexts, keyword aliases, compact IRIs and the prefix flag, `@type` coercion
//! (`@id`, `@vocab`, `@json`, datatype IRIs), `@container` `@set` / `@list` / `@language` /
//! `@graph` (with `@set`), term-level `@language`, value objects, `@list` / `@set` objects, lists
//! of lists, `@graph` (top-level and named), blank node identifiers, native booleans, integers
//! (|n| ≤ 2^53) and non-integer numbers (`xsd:double` `1.5E0` form, JSON-LD 1.1 §8.6; integral
//! values such as `1.0` are `xsd:integer`, as in jsonld.js). Language tags are written
//! lower-cased, as jsonld.js and the oracle do.
//!
//! Declined (the caller falls back to the oracle, never a different answer): `@reverse`,
//! `@nest`, `@included`, `@index` (keyword and container), `@id` / `@type` containers,
//! `@direction`, `@import`, a term definition for `@type`, keyword-like terms and values, terms
//! mapped to null used as keys, integers beyond 2^53, doubles whose 16-digit (jsonld.js) and
//! shortest round-trip (oracle) forms differ, non-integer numbers inside `@json` literals,
//! language tags that are not well-formed, relative IRIs inside lists (the oracle does not
//! reject those), IRIs that N-Quads cannot carry, blank-node or relative properties,
//! a relative `@vocab` or `@base` without a base IRI, `@language` inside a node object, `@set`
//! inside a list, non-node values in a `@graph` container, and a top-level `@graph` with other
//! entries.

mod context;
mod emit;
mod expand;
mod iri;

use crate::{CanonError, Limits, Quad};
use contexts::OfflineLoader;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Why the fast path did not answer; the caller must use the oracle instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("fast path declined ({reason}): {detail}")]
pub struct Declined {
    /// The unsupported feature.
    pub reason: &'static str,
    /// Where / which value.
    pub detail: String,
}

/// An error the fast path found (the oracle reports the same document as an error too).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FastError {
    /// A JSON-LD error with its error code.
    #[error("invalid JSON-LD ({code}): {detail}")]
    JsonLd { code: &'static str, detail: String },
    /// Safe mode: a key no context defines.
    #[error("undefined term `{0}`")]
    UndefinedTerm(String),
    /// Safe mode: a relative IRI where an absolute one is required.
    #[error("relative IRI `{0}`")]
    RelativeIri(String),
    /// A context URL neither bundled nor registered.
    #[error("unknown context `{url}`")]
    UnknownContext { url: String },
    /// §4.2.2 step 27.1.
    #[error("protected term redefinition `{term}`")]
    ProtectedTermRedefinition { term: String },
}

/// Internal result of every step: an error of the document, or a decline.
#[derive(Debug, Clone)]
pub(crate) enum Fail {
    Error(FastError),
    Declined(Declined),
}

/// A document error: the JSON-LD error `code` (JSON-LD 1.1 API §9.4.2) with `detail`.
fn err(code: &'static str, detail: impl Into<String>) -> Fail {
    Fail::Error(FastError::JsonLd {
        code,
        detail: detail.into(),
    })
}

/// A decline: the fast path does not handle this document (`reason`), the oracle does.
fn decline(reason: &'static str, detail: impl Into<String>) -> Fail {
    Fail::Declined(Declined {
        reason,
        detail: detail.into(),
    })
}

/// Options of [`to_rdf_with`] / [`canonicalize_with`].
#[derive(Debug, Clone, Default)]
pub struct FastOptions {
    /// Resolves context URLs that are not bundled (bundled ones are compiled once per process).
    pub loader: OfflineLoader,
    /// Base IRI of the document (`None`, the default for credentials: relative IRIs are errors).
    pub base: Option<String>,
    /// RDFC-1.0 work bound, used only when blank nodes occur.
    pub limits: Limits,
}

static CALLS: AtomicU64 = AtomicU64::new(0);
static FALLBACKS: AtomicU64 = AtomicU64::new(0);

/// Number of calls of this module's entry points that returned [`Declined`] (a metric: each is a
/// fallback to the oracle).
pub fn fallback_count() -> u64 {
    FALLBACKS.load(Ordering::Relaxed)
}

/// Number of calls of this module's entry points.
pub fn call_count() -> u64 {
    CALLS.load(Ordering::Relaxed)
}

fn default_options() -> &'static FastOptions {
    static D: std::sync::OnceLock<FastOptions> = std::sync::OnceLock::new();
    D.get_or_init(FastOptions::default)
}

/// An expander over the initial context of `opts`, handed to `walk`; its output on success (the
/// buffers go back to the thread's pool on failure).
fn expand_with<'v>(
    opts: &FastOptions,
    walk: impl FnOnce(
        &mut expand::Expander<'_, '_, 'v>,
        &Arc<context::ActiveContext>,
    ) -> Result<(), Fail>,
) -> Result<emit::Out, Fail> {
    let mut env = context::Env::new(&opts.loader);
    let base: Option<context::Str> = opts.base.as_deref().map(context::Str::from);
    let ctx = match &base {
        None => context::EMPTY.clone(),
        Some(b) => Arc::new(context::ActiveContext::initial(Some(b.clone()))),
    };
    let mut ex = expand::Expander::new(&mut env, base, 64 * 1024);
    match walk(&mut ex, &ctx) {
        Ok(()) => Ok(ex.out),
        Err(e) => {
            ex.out.recycle();
            Err(e)
        }
    }
}

fn run(doc: &serde_json::Value, opts: &FastOptions) -> Result<emit::Out, Fail> {
    expand_with(opts, |ex, ctx| ex.document(ctx, doc))
}

fn run_view(view: crate::DocumentView<'_>, opts: &FastOptions) -> Result<emit::Out, Fail> {
    let v = expand::View {
        base: view.base,
        omit: view.omit,
        replace: view.replace,
    };
    expand_with(opts, |ex, ctx| ex.document_view(ctx, v))
}

fn finish<T>(
    doc: &serde_json::Value,
    r: Result<T, Fail>,
) -> Result<Result<T, Declined>, CanonError> {
    CALLS.fetch_add(1, Ordering::Relaxed);
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(Fail::Declined(d)) => {
            FALLBACKS.fetch_add(1, Ordering::Relaxed);
            Ok(Err(d))
        }
        Err(Fail::Error(e)) => Err(to_canon_error(e, doc)),
    }
}

fn to_canon_error(e: FastError, doc: &serde_json::Value) -> CanonError {
    match e {
        FastError::JsonLd { code, detail } => CanonError::InvalidJsonLd {
            code: code.to_owned(),
            message: detail,
        },
        FastError::UndefinedTerm(term) => {
            let path = crate::oracle::find_path(doc, &|k, _| k == Some(term.as_str()))
                .unwrap_or_else(|| "(unknown path)".to_owned());
            CanonError::UndefinedTerm { term, path }
        }
        FastError::RelativeIri(value) => {
            let path = crate::oracle::find_path(doc, &|k, v| {
                k == Some(value.as_str()) || v.as_str() == Some(value.as_str())
            })
            .unwrap_or_else(|| "(unknown path)".to_owned());
            CanonError::RelativeIri { value, path }
        }
        FastError::UnknownContext { url } => CanonError::UnknownContext { url },
        FastError::ProtectedTermRedefinition { term } => CanonError::ProtectedTermRedefinition {
            term,
            context: None,
        },
    }
}

/// Canonical N-Quads (RDFC-1.0) of `doc` over the bundled contexts, safe mode: `Ok(Ok(nquads))`
/// byte-identical to [`crate::canonicalize`], `Ok(Err(declined))` when the document uses a
/// feature outside the compiled subset (call the oracle), `Err` when the document is invalid.
pub fn canonicalize(doc: &serde_json::Value) -> Result<Result<String, Declined>, CanonError> {
    canonicalize_with(doc, default_options())
}

/// [`canonicalize`] with explicit options.
pub fn canonicalize_with(
    doc: &serde_json::Value,
    opts: &FastOptions,
) -> Result<Result<String, Declined>, CanonError> {
    let out = match finish(doc, run(doc, opts))? {
        Ok(out) => out,
        Err(d) => return Ok(Err(d)),
    };
    let r = if out.has_blank {
        crate::rdfc10(&out.to_quads(), &opts.limits).map(|c| c.nquads)
    } else {
        Ok(out.sorted_unique())
    };
    out.recycle();
    Ok(Ok(r?))
}

/// SHA-256 of the canonical N-Quads of a top-level [`crate::DocumentView`] (what
/// `eddsa-rdfc-2022` hashes), without copying the document or assembling the N-Quads:
/// `Ok(Err(declined))` when the document is outside the compiled subset.
pub fn canonical_sha256_view(
    view: crate::DocumentView<'_>,
    opts: &FastOptions,
) -> Result<Result<[u8; 32], Declined>, CanonError> {
    let r = run_view(view, opts);
    let out = match r {
        Ok(out) => {
            CALLS.fetch_add(1, Ordering::Relaxed);
            out
        }
        Err(fail) => {
            // Errors need the document for their path: build it (rare path).
            let doc = view.to_value();
            return match finish::<()>(&doc, Err(fail))? {
                Ok(()) => unreachable_ok(),
                Err(d) => Ok(Err(d)),
            };
        }
    };
    let r = if out.has_blank {
        use sha2::Digest as _;
        crate::rdfc10(&out.to_quads(), &opts.limits)
            .map(|c| sha2::Sha256::digest(c.nquads.as_bytes()).into())
    } else {
        Ok(out.sorted_unique_sha256())
    };
    out.recycle();
    Ok(Ok(r?))
}

/// `finish` never returns `Ok(Ok(()))` for an `Err` input; this keeps the match total without a
/// panic.
fn unreachable_ok() -> Result<Result<[u8; 32], Declined>, CanonError> {
    Err(CanonError::InvalidRdf {
        message: "internal: fast path failure without a reason".into(),
    })
}

/// JSON-LD → RDF (toRdf) of `doc`: the quads (duplicates possible, blank nodes labelled `b0`,
/// `b1`, ... in emission order).
pub fn to_rdf(
    doc: &serde_json::Value,
    opts: &FastOptions,
) -> Result<Result<Vec<Quad>, Declined>, CanonError> {
    Ok(finish(doc, run(doc, opts))?.map(|out| {
        let quads = out.to_quads();
        out.recycle();
        quads
    }))
}

/// [`to_rdf`] as N-Quads text, in emission order (not canonical).
pub fn to_rdf_nquads(
    doc: &serde_json::Value,
    opts: &FastOptions,
) -> Result<Result<String, Declined>, CanonError> {
    Ok(finish(doc, run(doc, opts))?.map(|out| {
        let nquads = out.nquads();
        out.recycle();
        nquads
    }))
}
