//! SHACL Core validation (W3C SHACL, 2017 Recommendation, §2–§4) of European Digital Credentials
//! against the EU's EDC application-profile shapes, `EDC-generic-full.ttl` merged with
//! `EDC-generic-no-cv.ttl` (generic-full `owl:imports` no-cv; the import is resolved by merging,
//! nothing is fetched), with the ELM 3.2 class hierarchy (`ELM-3.2-hierarchy.nt`) added to the
//! data graph so that `sh:targetClass elm:Claim` reaches a `LearningAchievement` ("SHACL instance"
//! and "SHACL subclass", §1.5). These are the files `tests/shacl/validate.py` (pyshacl 0.40.1, the
//! project's oracle) reads; they are bundled with `include_str!` from `tests/shacl/shapes/`, so the
//! Rust validator and the oracle always see the same bytes.
//!
//! - [`Shapes::compile`] ([`shapes`]): Turtle (`oxttl`) → an immutable compiled structure; anything
//!   outside the supported subset is a [`LoadError::Unsupported`] at load time, so a future shape
//!   change cannot silently pass. [`edc_shapes`] compiles the bundled EDC shapes once (`OnceLock`).
//! - [`DataGraph`] ([`graph`]): the credential's RDF (default graph of `canon::to_rdf`), interned
//!   and indexed by (subject, predicate) and by `rdf:type`.
//! - [`validate`] ([`validate()`]): focus nodes, value nodes, the constraint components, the report.
//! - [`xsd`]: lexical spaces of the datatypes the shapes name, numeric comparison.
//!
//! # What the two shape files use (measured; 4,675 distinct triples, 747 shapes including `sh:or` members)
//!
//! | construct | count | supported |
//! | --- | ---: | --- |
//! | `a sh:NodeShape` / `a sh:PropertyShape` | 96 / 446 | yes |
//! | `a sh:propertyShape` (misspelt, not SHACL) | 1 | ignored, as by pyshacl |
//! | targets: `sh:targetClass` (73 node shapes; other target kinds: 0) | 73 | yes (with subclass closure) |
//! | `sh:path`: predicate paths / complex paths | 529 / 0 | predicate paths |
//! | `sh:property` | 537 | yes |
//! | `sh:class` | 407 | yes |
//! | `sh:datatype` (langString 74, dateTime 34, string 25, duration 7, anyURI 4, integer 4, positiveInteger 3, decimal 1, rdf:HTML 1, boolean 1) | 154 | yes, lexical forms checked |
//! | `sh:maxCount` / `sh:minCount` (all 1) | 188 / 90 | yes |
//! | `sh:nodeKind` (`sh:IRI` 57, `sh:Literal` 2) | 59 | yes (all six kinds) |
//! | `sh:nodekind` (misspelt, not SHACL) | 1 | ignored, as by pyshacl |
//! | `sh:or` (49 in property shapes, 2 in node shapes; members are `sh:class` or `sh:node` shapes) | 51 | yes |
//! | `sh:node` | 38 | yes |
//! | `sh:uniqueLang true` | 50 | yes |
//! | `sh:hasValue` (IRIs) | 19 | yes |
//! | `sh:maxInclusive` (`100`^^xsd:integer) | 1 | numeric bounds |
//! | `sh:deactivated true` (1 node shape, 13 property shapes) | 14 | yes |
//! | `sh:severity sh:Violation` (others none; default Violation) | 508 | Violation, Warning, Info |
//! | `sh:message` (2 node shapes) | 2 | yes |
//! | `sh:name` / `sh:description` (non-validating) | 510 / 477 | ignored |
//! | `sh:and`, `sh:xone`, `sh:not`, `sh:qualifiedValueShape`, `sh:in`, `sh:pattern`, string length, property pairs, `sh:closed`, other ranges, SPARQL constraints / targets, rules | 0 | no: [`LoadError::Unsupported`] |
//!
//! Shape references are acyclic (checked at load; recursion is undefined in SHACL §3.4.3).
//!
//! # Conformance and pyshacl
//!
//! `conforms` is false when a result has severity `sh:Violation` (pyshacl with
//! `allow_warnings=True`, as `validate.py` runs it; every EDC shape is a Violation anyway). The
//! differential tests (`tests/tests/shacl_differential.rs`) compare `conforms` and the multiset of
//! (focus node, path, constraint component, source shape, value, nested `sh:detail` results) with pyshacl on the example awards,
//! the EU samples and mutated credentials. Known, deliberate differences from rdflib, all on
//! ill-formed literals, where this crate follows XML Schema 1.1 Part 2 instead of Python's
//! parsers: rdflib accepts `"1_000"`/`" 7 "` as xsd:integer and `"1e3"`/`"NaN"` as xsd:decimal, and
//! rejects `rdf:HTML` literals that are not strict HTML5 (RDF 1.1 §5.2: any string is a valid
//! `rdf:HTML` lexical form) and xsd:dateTime values Python's `datetime` cannot hold (years beyond
//! 9999, `24:00:00`).
//! One difference of data graph, not of validator: rdflib's `Graph.parse` of JSON-LD puts the
//! triples of named graphs (a Data Integrity proof graph) into the data graph; SHACL validates the
//! default graph, which is what [`DataGraph::from_default_graph`] keeps.

#![forbid(unsafe_code)]

pub mod graph;
pub mod shapes;
pub mod validate;
pub mod xsd;

use std::sync::OnceLock;

use canon::{Quad, Term};

pub use graph::DataGraph;
pub use shapes::{Component, NodeKind, Severity, ShapeId, Shapes};
pub use validate::{validate, ValidationReport, ValidationResult};

/// `EDC-generic-full.ttl` (EDC application profile, controlled-vocabulary constraints, v1.2.0).
pub const EDC_GENERIC_FULL: &str = include_str!("../../../tests/shacl/shapes/EDC-generic-full.ttl");
/// `EDC-generic-no-cv.ttl` (EDC application profile constraints, v1.2.0).
pub const EDC_GENERIC_NO_CV: &str =
    include_str!("../../../tests/shacl/shapes/EDC-generic-no-cv.ttl");
/// `ELM-3.2-hierarchy.nt`: rdfs:subClassOf / rdfs:subPropertyOf of the ELM 3.2 ontology.
pub const ELM_HIERARCHY: &str = include_str!("../../../tests/shacl/shapes/ELM-3.2-hierarchy.nt");

/// Why a shapes graph cannot be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// A Turtle / N-Triples syntax error.
    #[error("shapes document {document}: syntax error: {message}")]
    Syntax {
        /// Which document (its name).
        document: String,
        /// The parser's message (with position).
        message: String,
    },
    /// A SHACL construct this validator does not implement: refusing is safer than ignoring it.
    #[error("unsupported SHACL construct {construct} on shape {shape}")]
    Unsupported {
        /// The shape's node.
        shape: String,
        /// The construct (e.g. `sh:pattern`, `complex property path`).
        construct: String,
    },
    /// A shape that is not well-formed SHACL.
    #[error("ill-formed shape {shape}: {rule}")]
    Invalid {
        /// The shape's node.
        shape: String,
        /// The rule broken.
        rule: String,
    },
}

/// Parses Turtle (or N-Triples, a subset) into triples; blank nodes are scoped by `doc`.
fn parse_turtle(
    name: &str,
    text: &str,
    doc: usize,
) -> Result<Vec<(Term, String, Term)>, LoadError> {
    let mut out = Vec::new();
    for t in oxttl::TurtleParser::new().for_slice(text.as_bytes()) {
        let t = t.map_err(|e| LoadError::Syntax {
            document: name.to_owned(),
            message: e.to_string(),
        })?;
        let (Some(s), Some(o)) = (
            shapes::subject_from_ox(t.subject, doc),
            shapes::from_ox(t.object, doc),
        ) else {
            return Err(LoadError::Syntax {
                document: name.to_owned(),
                message: "RDF-star triple term".into(),
            });
        };
        out.push((s, t.predicate.into_string(), o));
    }
    Ok(out)
}

/// Compiles shapes from Turtle documents `(name, text)`, merged into one shapes graph.
pub fn compile_turtle(documents: &[(&str, &str)]) -> Result<Shapes, LoadError> {
    let mut triples = Vec::new();
    for (i, (name, text)) in documents.iter().enumerate() {
        triples.extend(parse_turtle(name, text, i)?);
    }
    Shapes::compile(triples)
}

struct Edc {
    shapes: Shapes,
    hierarchy: Vec<(Term, Term, Term)>,
}

fn edc() -> Result<&'static Edc, LoadError> {
    static EDC: OnceLock<Result<Edc, LoadError>> = OnceLock::new();
    EDC.get_or_init(|| {
        let shapes = compile_turtle(&[
            ("EDC-generic-full.ttl", EDC_GENERIC_FULL),
            ("EDC-generic-no-cv.ttl", EDC_GENERIC_NO_CV),
        ])?;
        let hierarchy = parse_turtle("ELM-3.2-hierarchy.nt", ELM_HIERARCHY, usize::MAX)?
            .into_iter()
            .map(|(s, p, o)| (s, Term::Iri(p), o))
            .collect();
        Ok(Edc { shapes, hierarchy })
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// The bundled EDC shapes (generic-full + no-cv), compiled on first use.
pub fn edc_shapes() -> Result<&'static Shapes, LoadError> {
    edc().map(|e| &e.shapes)
}

/// The data graph SHACL validates for a credential: the default graph of `quads` (the credential's
/// JSON-LD toRdf output) plus the ELM 3.2 class hierarchy.
pub fn edc_data_graph(quads: &[Quad]) -> Result<DataGraph<'_>, LoadError> {
    edc_data_graph_where(quads, |_| true)
}

/// [`edc_data_graph`] of the quads `keep` accepts.
pub fn edc_data_graph_where(
    quads: &[Quad],
    keep: impl Fn(&Quad) -> bool,
) -> Result<DataGraph<'_>, LoadError> {
    let edc = edc()?;
    let mut g = DataGraph::from_default_graph_where(quads, keep);
    for (s, p, o) in &edc.hierarchy {
        g.insert(s, p, o);
    }
    Ok(g)
}

/// Validates a credential's RDF (`canon::to_rdf` output) against the EDC shapes.
pub fn validate_edc(quads: &[Quad]) -> Result<ValidationReport, LoadError> {
    validate_edc_where(quads, |_| true)
}

/// [`validate_edc`] on the quads `keep` accepts (a filtered view, so the caller need not copy
/// the quads it leaves out).
pub fn validate_edc_where(
    quads: &[Quad],
    keep: impl Fn(&Quad) -> bool,
) -> Result<ValidationReport, LoadError> {
    let g = edc_data_graph_where(quads, keep)?;
    Ok(validate(edc_shapes()?, &g))
}
