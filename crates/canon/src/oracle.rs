//! The reference ("oracle") JSON-LD → RDF path: JSON-LD 1.1 Processing Algorithms and API
//! §4.1 (Context Processing), §5.1 (Expansion) and §8.2 (Deserialize JSON-LD to RDF), run by the
//! `json-ld` crate (pinned `=0.21.4`) in *safe mode* as jsonld.js `safe: true` applies it:
//!
//! - contexts are resolved only through [`contexts::OfflineLoader`]; an unknown URL is
//!   [`CanonError::UnknownContext`] and nothing is ever fetched;
//! - a JSON key that expands to nothing is [`CanonError::UndefinedTerm`] (expansion policy
//!   `allow_undefined: false`), not silently dropped;
//! - a relative IRI left in the expanded document (`@id`, `@type`, a property, a node reference,
//!   a graph name) is [`CanonError::RelativeIri`];
//! - a protected-term redefinition (§4.1.2 step 27.1) is
//!   [`CanonError::ProtectedTermRedefinition`], naming the term;
//! - language tags (language-map keys and `@language`) are lower-cased, as jsonld.js does (JSON-LD
//!   1.1 §4.2.4 lets processors normalise them): the reference stack's signatures hash lower-case
//!   tags, so keeping `EN-gb` would make a credential verify in one stack and fail in the other;
//! - a value with `@direction` becomes an `https://www.w3.org/ns/i18n#{language}_{direction}`
//!   typed literal (§8.6 step 13, `rdfDirection: i18n-datatype`, as the eddsa-rdfc-2022
//!   reference implementation sets it).
//!
//! The top-level `@context`, when it is a bundled URL or a list of bundled URLs, is processed
//! once per process and cached (keyed by the URL list); the document is then expanded from that
//! active context. This path stays in the codebase as the reference any faster path is compared
//! against.

use crate::term::{Literal, Quad, Term};
use crate::CanonError;
use contexts::OfflineLoader;
use json_ld::context_processing::{Error as CtxError, Process};
use json_ld::expansion::{self, Action, Expand, Policy};
use json_ld::rdf::RdfDirection;
use json_ld::rdf_types::{self, LiteralType};
use json_ld::syntax::{context::Context as LocalContext, TryFromJson};
use json_ld::{Context, Id, Iri, IriBuf, LoadError, ProcessingMode, RdfQuads, RemoteDocument};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// The lexical form a JSON number has in the reference stack: jsonld.js reads every JSON number as
/// an IEEE double, and JSON-LD 1.1 §8.6 step 10 makes an integral number below 10^21 an
/// `xsd:integer`. So `1.0` and `1e20` are written as integers (`1`, `100000000000000000000`) and an
/// integer beyond 2^53 takes the double's value (`12345678901234567890` → `12345678901234567168`),
/// as in jsonld.js; every other number keeps its text and becomes an `xsd:double`. (jsonld.js also
/// writes `1e-7` as `"0"^^xsd:integer`, a bug against §8.6; we follow the spec there.)
fn js_number_lexical(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e21 => {
            if f == 0.0 {
                "0".to_owned()
            } else {
                format!("{f:.0}")
            }
        }
        _ => n.to_string(),
    }
}

/// Converts a `serde_json` value to the `json-syntax` value the `json-ld` crate works on.
pub fn to_json_syntax(v: &serde_json::Value) -> json_ld::syntax::Value {
    use json_ld::syntax::{NumberBuf, Object, Value};
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Boolean(*b),
        serde_json::Value::Number(n) => match js_number_lexical(n).parse::<NumberBuf>() {
            Ok(nb) => Value::Number(nb),
            // serde_json only produces valid JSON numbers; keep the text if it ever does not.
            Err(_) => Value::String(n.to_string().as_str().into()),
        },
        serde_json::Value::String(s) => Value::String(s.as_str().into()),
        serde_json::Value::Array(a) => Value::Array(a.iter().map(to_json_syntax).collect()),
        serde_json::Value::Object(o) => {
            let mut obj = Object::new();
            for (k, v) in o {
                obj.push(k.as_str().into(), to_json_syntax(v));
            }
            Value::Object(obj)
        }
    }
}

/// `json_ld::Loader` over an [`OfflineLoader`]; remembers the first unknown URL asked for.
struct Loader<'a> {
    inner: &'a OfflineLoader,
    unknown: RefCell<Option<String>>,
}

impl json_ld::Loader for Loader<'_> {
    async fn load(&self, url: &Iri) -> Result<RemoteDocument<IriBuf>, LoadError> {
        match self.inner.load(url.as_str()) {
            Ok(doc) => Ok(RemoteDocument::new(
                Some(url.to_owned()),
                None,
                to_json_syntax(&doc),
            )),
            Err(e) => {
                if let contexts::LoadError::Unknown(u) = &e {
                    self.unknown
                        .borrow_mut()
                        .get_or_insert_with(|| u.url.clone());
                }
                Err(LoadError::new(url.to_owned(), e))
            }
        }
    }
}

/// The expansion policy of safe mode: undefined terms are errors; invalid (relative) IRIs are
/// kept so that [`check_no_relative_iris`] can name them and their JSON path.
fn expansion_options() -> expansion::Options {
    expansion::Options {
        processing_mode: ProcessingMode::JsonLd1_1,
        policy: Policy {
            invalid: Action::Keep,
            vocab: Action::Keep,
            allow_undefined: false,
        },
        ordered: false,
    }
}

/// Processed top-level contexts, keyed by their (bundled) URL list.
type Cache = Mutex<HashMap<Vec<String>, Arc<Context>>>;

fn context_cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The URL list of a top-level `@context` made only of bundled URLs (the cacheable case).
fn bundled_url_list(ctx: &serde_json::Value) -> Option<Vec<String>> {
    let urls: Vec<String> = match ctx {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(a) => a
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()?,
        _ => return None,
    };
    urls.iter()
        .all(|u| contexts::bundled(u).is_ok())
        .then_some(urls)
}

/// Stack of the thread the `json-ld` crate runs on. Its expansion recurses through boxed futures,
/// several KB per JSON nesting level: a credential of ~108 nested node objects (inside the 128
/// levels `Budget` and the verifier accept) overflowed the 2 MiB stack of a tokio worker or
/// blocking thread, which aborts the whole process (found by the `shacl` fuzz target). The
/// stack is reserved address space, committed only as far as it is used.
const ORACLE_STACK_BYTES: usize = 64 << 20;

/// Strict toRdf of `doc` (see the module documentation). Runs on a thread of its own with an
/// [`ORACLE_STACK_BYTES`] stack (the caller's thread when no thread can be started).
///
/// A panic inside the `json-ld` crate is caught and reported as [`CanonError::InvalidJsonLd`]
/// with code `processor failure`: `iref`/`pct-str` (through json-ld 0.21.4) unwrap the UTF-8
/// decoding of percent-encoded IRI characters, so an `id` such as `urn:x%ac` panicked (found by
/// the `shacl` fuzz target); bad input must give an error, never a panic.
pub fn to_rdf(doc: &serde_json::Value, loader: &OfflineLoader) -> Result<Vec<Quad>, CanonError> {
    let run = || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pollster::block_on(to_rdf_async(doc, loader))))
            .unwrap_or_else(|panic| {
                let what = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("a panic");
                Err(CanonError::InvalidJsonLd {
                    code: "processor failure".into(),
                    message: format!(
                        "the JSON-LD processor (json-ld 0.21.4) failed on this document ({what}); an IRI with a percent-encoded sequence that is not UTF-8 does this"
                    ),
                })
            })
    };
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("json-ld-oracle".into())
            .stack_size(ORACLE_STACK_BYTES)
            .spawn_scoped(scope, run);
        match spawned {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => run(),
        }
    })
}

async fn process_context(
    ctx: &serde_json::Value,
    loader: &Loader<'_>,
    doc: &serde_json::Value,
) -> Result<Context, CanonError> {
    let local = LocalContext::try_from_json(to_json_syntax(ctx)).map_err(|e| {
        CanonError::InvalidJsonLd {
            code: e.code().as_str().to_owned(),
            message: format!("$[\"@context\"]: {e}"),
        }
    })?;
    let processed = local
        .process_full(
            &mut (),
            &Context::default(),
            loader,
            None,
            json_ld::context_processing::Options {
                processing_mode: ProcessingMode::JsonLd1_1,
                ..Default::default()
            },
            (),
        )
        .await
        .map_err(|e| context_error(e, loader, doc))?;
    Ok(processed.into_processed())
}

async fn to_rdf_async(
    doc: &serde_json::Value,
    offline: &OfflineLoader,
) -> Result<Vec<Quad>, CanonError> {
    let loader = Loader {
        inner: offline,
        unknown: RefCell::new(None),
    };

    // Split off a top-level @context so that it can be processed once and cached.
    let (active, body) = match doc
        .as_object()
        .and_then(|o| o.get("@context").map(|c| (o, c)))
    {
        Some((obj, ctx)) => {
            let cached = bundled_url_list(ctx).map(|key| {
                let hit = context_cache()
                    .lock()
                    .ok()
                    .and_then(|c| c.get(&key).cloned());
                (key, hit)
            });
            let active = match cached {
                // Clone the (large) processed context outside the lock.
                Some((_, Some(hit))) => Context::clone(&hit),
                Some((key, None)) => {
                    let processed = process_context(ctx, &loader, doc).await?;
                    if let Ok(mut c) = context_cache().lock() {
                        c.insert(key, Arc::new(processed.clone()));
                    }
                    processed
                }
                None => process_context(ctx, &loader, doc).await?,
            };
            let mut rest = obj.clone();
            rest.shift_remove("@context");
            (active, to_json_syntax(&serde_json::Value::Object(rest)))
        }
        None => (Context::default(), to_json_syntax(doc)),
    };

    let expanded = body
        .expand_full(&mut (), active, None, &loader, expansion_options(), ())
        .await
        .map_err(|e| expansion_error(e, &loader, doc))?;

    check_no_relative_iris(&expanded, doc)?;

    let mut expanded = expanded;
    let mut generator = rdf_types::generator::Blank::new();
    expanded.relabel_and_canonicalize_with(&mut (), &mut generator);
    let mut quads = Vec::new();
    for q in expanded.rdf_quads_full(
        &mut (),
        &mut generator,
        Some(RdfDirection::I18nDatatype),
        false,
    ) {
        let rdf_types::Quad(s, p, o, g) = q;
        quads.push(Quad {
            subject: id_term(&s),
            predicate: id_term(&p),
            object: match o {
                rdf_types::Term::Id(id) => id_term(&id),
                rdf_types::Term::Literal(lit) => Term::Literal(match lit.type_ {
                    LiteralType::Any(dt) => Literal::typed(lit.value, i18n_datatype(dt.as_str())),
                    LiteralType::LangString(tag) => {
                        Literal::lang(lit.value, tag.as_str().to_ascii_lowercase())
                    }
                }),
            },
            graph: g.map(id_term),
        });
    }
    Ok(quads)
}

const I18N: &str = "https://www.w3.org/ns/i18n#";

/// JSON-LD 1.1 API §8.6 step 13.2.1 (`rdfDirection: i18n-datatype`): the datatype is
/// `i18n#` + the lower-cased language (or nothing) + `_` + the direction. json-ld 0.21 omits the
/// `_` when there is no language and keeps the language's case; jsonld.js follows the spec.
fn i18n_datatype(dt: &str) -> String {
    match dt.strip_prefix(I18N) {
        Some(dir @ ("ltr" | "rtl")) => format!("{I18N}_{dir}"),
        Some(rest) => format!("{I18N}{}", rest.to_ascii_lowercase()),
        None => dt.to_owned(),
    }
}

fn id_term(id: &rdf_types::Id) -> Term {
    match id {
        rdf_types::Id::Iri(i) => Term::Iri(i.as_str().to_owned()),
        rdf_types::Id::Blank(b) => Term::Blank(b.suffix().to_owned()),
    }
}

/// Safe mode: any identifier the expansion left invalid (a relative IRI reference, since there
/// is no base IRI) is an error naming the value and where it occurs in the input.
fn check_no_relative_iris(
    expanded: &json_ld::ExpandedDocument,
    doc: &serde_json::Value,
) -> Result<(), CanonError> {
    for fragment in expanded.traverse() {
        if let Some(Id::Invalid(value)) = fragment.into_id() {
            let path = find_path(doc, &|k, v| {
                k == Some(value.as_str()) || v.as_str() == Some(value.as_str())
            })
            .unwrap_or_else(|| "(unknown path)".to_owned());
            return Err(CanonError::RelativeIri {
                value: value.clone(),
                path,
            });
        }
    }
    Ok(())
}

fn expansion_error(
    e: expansion::Error,
    loader: &Loader<'_>,
    doc: &serde_json::Value,
) -> CanonError {
    match e {
        expansion::Error::KeyExpansionFailed(term) => {
            let path = find_path(doc, &|k, _| k == Some(term.as_str()))
                .unwrap_or_else(|| "(unknown path)".to_owned());
            CanonError::UndefinedTerm { term, path }
        }
        expansion::Error::ContextProcessing(e) => context_error(e, loader, doc),
        other => CanonError::InvalidJsonLd {
            code: other.code().as_str().to_owned(),
            message: other.to_string(),
        },
    }
}

fn context_error(e: CtxError, loader: &Loader<'_>, doc: &serde_json::Value) -> CanonError {
    if let Some(url) = loader.unknown.borrow().clone() {
        return CanonError::UnknownContext { url };
    }
    match e {
        CtxError::ProtectedTermRedefinition => {
            let (term, context) = find_protected_redefinition(doc, loader.inner)
                .map(|(t, c)| (t, Some(c)))
                .unwrap_or_else(|| ("?".to_owned(), None));
            CanonError::ProtectedTermRedefinition { term, context }
        }
        other => CanonError::InvalidJsonLd {
            code: other.code().as_str().to_owned(),
            message: other.to_string(),
        },
    }
}

/// Names the protected term a top-level context list redefines: the first term that an earlier
/// context in the list protects and a later one defines differently.
fn find_protected_redefinition(
    doc: &serde_json::Value,
    loader: &OfflineLoader,
) -> Option<(String, String)> {
    let list: Vec<serde_json::Value> = match doc.get("@context")? {
        serde_json::Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    // Resolve each entry to (name, its term definitions).
    let resolved: Vec<(String, Vec<serde_json::Map<String, serde_json::Value>>)> = list
        .iter()
        .map(|entry| match entry {
            serde_json::Value::String(url) => {
                let defs = loader
                    .load(url)
                    .ok()
                    .map(|d| context_objects(d.get("@context").unwrap_or(&serde_json::Value::Null)))
                    .unwrap_or_default();
                (url.clone(), defs)
            }
            other => ("(inline context)".to_owned(), context_objects(other)),
        })
        .collect();
    let mut protected: HashMap<String, serde_json::Value> = HashMap::new();
    for (name, objs) in &resolved {
        for obj in objs {
            for (term, def) in obj.iter().filter(|(k, _)| !k.starts_with('@')) {
                if let Some(prev) = protected.get(term) {
                    if prev != def {
                        return Some((term.clone(), name.clone()));
                    }
                }
            }
            let all = obj
                .get("@protected")
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            for (term, def) in obj.iter().filter(|(k, _)| !k.starts_with('@')) {
                let own = def.get("@protected").and_then(|v| v.as_bool());
                if own.unwrap_or(all) {
                    protected.insert(term.clone(), def.clone());
                }
            }
        }
    }
    None
}

fn context_objects(v: &serde_json::Value) -> Vec<serde_json::Map<String, serde_json::Value>> {
    match v {
        serde_json::Value::Object(o) => vec![o.clone()],
        serde_json::Value::Array(a) => a.iter().flat_map(context_objects).collect(),
        _ => Vec::new(),
    }
}

/// JSON path (`$.a.b[0]["@id"]`) of the first entry (depth-first, document order) for which
/// `pred(key, value)` holds; `key` is `None` for array items.
pub(crate) fn find_path(
    doc: &serde_json::Value,
    pred: &dyn Fn(Option<&str>, &serde_json::Value) -> bool,
) -> Option<String> {
    fn walk(
        v: &serde_json::Value,
        path: &mut String,
        pred: &dyn Fn(Option<&str>, &serde_json::Value) -> bool,
    ) -> bool {
        match v {
            serde_json::Value::Object(o) => {
                for (k, child) in o {
                    if k == "@context" {
                        continue;
                    }
                    let len = path.len();
                    if !k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || c == '_') {
                        path.push('.');
                        path.push_str(k);
                    } else {
                        path.push_str(&format!("[{}]", serde_json::Value::String(k.clone())));
                    }
                    if pred(Some(k), child) || walk(child, path, pred) {
                        return true;
                    }
                    path.truncate(len);
                }
                false
            }
            serde_json::Value::Array(a) => {
                for (i, child) in a.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    if pred(None, child) || walk(child, path, pred) {
                        return true;
                    }
                    path.truncate(len);
                }
                false
            }
            _ => false,
        }
    }
    let mut path = "$".to_owned();
    walk(doc, &mut path, pred).then_some(path)
}
