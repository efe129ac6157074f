//! RDF terms and quads (RDF 1.1 Concepts §3 "RDF Graphs", §4 "RDF Datasets"): IRIs, blank
//! nodes and literals with a datatype or a language tag; a quad's graph is `None` for the
//! default graph.

/// `xsd:string`, the datatype of a simple literal (omitted in canonical N-Quads).
pub const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
/// `rdf:langString`, the datatype of a language-tagged string.
pub const RDF_LANG_STRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";

/// An RDF literal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Literal {
    /// The lexical form.
    pub value: String,
    /// The datatype IRI (`rdf:langString` when `language` is set, `xsd:string` for a simple
    /// literal).
    pub datatype: String,
    /// The language tag, as given (not case-normalised).
    pub language: Option<String>,
}

impl Literal {
    /// A simple literal (`xsd:string`).
    pub fn string(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            datatype: XSD_STRING.to_owned(),
            language: None,
        }
    }
    /// A typed literal.
    pub fn typed(value: impl Into<String>, datatype: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            datatype: datatype.into(),
            language: None,
        }
    }
    /// A language-tagged string.
    pub fn lang(value: impl Into<String>, language: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            datatype: RDF_LANG_STRING.to_owned(),
            language: Some(language.into()),
        }
    }
}

/// An RDF term.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    /// An absolute IRI (without angle brackets).
    Iri(String),
    /// A blank node, by its label without the `_:` prefix.
    Blank(String),
    /// A literal.
    Literal(Literal),
}

impl Term {
    /// An IRI term.
    pub fn iri(iri: impl Into<String>) -> Self {
        Term::Iri(iri.into())
    }
    /// A blank node term (label without `_:`).
    pub fn blank(label: impl Into<String>) -> Self {
        Term::Blank(label.into())
    }
    /// The blank node label, if this is a blank node.
    pub fn as_blank(&self) -> Option<&str> {
        match self {
            Term::Blank(b) => Some(b),
            _ => None,
        }
    }
    /// Whether this is a blank node.
    pub fn is_blank(&self) -> bool {
        matches!(self, Term::Blank(_))
    }
}

/// An RDF quad; `graph == None` is the default graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quad {
    /// Subject: IRI or blank node.
    pub subject: Term,
    /// Predicate: IRI.
    pub predicate: Term,
    /// Object: IRI, blank node or literal.
    pub object: Term,
    /// Graph name: IRI or blank node; `None` for the default graph.
    pub graph: Option<Term>,
}

impl Quad {
    /// Builds a quad.
    pub fn new(subject: Term, predicate: Term, object: Term, graph: Option<Term>) -> Self {
        Self {
            subject,
            predicate,
            object,
            graph,
        }
    }
}
