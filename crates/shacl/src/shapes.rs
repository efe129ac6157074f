//! Compiling a shapes graph (Turtle) into an immutable [`Shapes`] structure.
//!
//! W3C SHACL §2.1 "Shapes": a shape is a SHACL instance of `sh:NodeShape` / `sh:PropertyShape`,
//! the subject of a target or of a constraint parameter, or the object of `sh:node`,
//! `sh:property` or a member of an `sh:or` list; a shape with `sh:path` is a property shape
//! (§2.3), otherwise a node shape (§2.2). §2.1.3 targets (`sh:targetClass` only), §2.1.5
//! `sh:deactivated`, §2.1.4 `sh:severity`, §2.1.6 `sh:message`, §2.3.1 predicate paths, and the
//! core constraint components of §4 that [`Constraint`] lists.
//!
//! Everything else in the `sh:` namespace is refused with [`LoadError::Unsupported`] (other
//! targets, complex paths, other constraint components, SPARQL constraints, rules, functions),
//! as are implicit class targets (a shape that is also an `rdfs:Class`, §2.1.3.3), datatypes whose
//! lexical space [`crate::xsd`] does not know, and recursive shape references (validation with
//! recursive shapes is undefined, SHACL §3.4.3). Non-validating properties (§2.3.2: `sh:name`,
//! `sh:description`, `sh:order`, `sh:group`, `sh:defaultValue`) are ignored, as are terms that are
//! not part of the SHACL vocabulary ([`NOT_SHACL`]: misspellings found in the EU shapes, which every
//! SHACL processor, pyshacl included, ignores like any other unknown triple).

use std::collections::{HashMap, HashSet};

use canon::{Literal, Term};

use crate::xsd::{self, XSD};
use crate::LoadError;

pub(crate) const SH: &str = "http://www.w3.org/ns/shacl#";
pub(crate) const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
const RDF_NIL: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
const RDFS_CLASS: &str = "http://www.w3.org/2000/01/rdf-schema#Class";
const OWL_CLASS: &str = "http://www.w3.org/2002/07/owl#Class";

/// `sh:` terms that are not in the SHACL vocabulary but occur in the EU's EDC shapes (misspellings:
/// `sh:nodekind` for `sh:nodeKind` on one property shape, `sh:propertyShape` for
/// `sh:PropertyShape` as a type). SHACL gives them no meaning; they are ignored, as pyshacl does.
pub const NOT_SHACL: &[&str] = &["nodekind", "propertyShape"];

/// Non-validating shape properties (SHACL §2.3.2), ignored.
const NON_VALIDATING: &[&str] = &["name", "description", "order", "group", "defaultValue"];

/// Index of a shape in [`Shapes`].
pub type ShapeId = usize;

/// Index of an IRI in the shapes' vocabulary (resolved against each data graph once).
pub(crate) type VocabId = usize;

/// `sh:severity` (SHACL §2.1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// `sh:Violation` (the default).
    Violation,
    /// `sh:Warning`.
    Warning,
    /// `sh:Info`.
    Info,
}

impl Severity {
    /// The IRI of the severity.
    pub fn iri(self) -> &'static str {
        match self {
            Severity::Violation => "http://www.w3.org/ns/shacl#Violation",
            Severity::Warning => "http://www.w3.org/ns/shacl#Warning",
            Severity::Info => "http://www.w3.org/ns/shacl#Info",
        }
    }
}

/// `sh:nodeKind` values (SHACL §4.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// `sh:IRI`.
    Iri,
    /// `sh:BlankNode`.
    BlankNode,
    /// `sh:Literal`.
    Literal,
    /// `sh:BlankNodeOrIRI`.
    BlankNodeOrIri,
    /// `sh:BlankNodeOrLiteral`.
    BlankNodeOrLiteral,
    /// `sh:IRIOrLiteral`.
    IriOrLiteral,
}

impl NodeKind {
    fn from_local(s: &str) -> Option<Self> {
        Some(match s {
            "IRI" => NodeKind::Iri,
            "BlankNode" => NodeKind::BlankNode,
            "Literal" => NodeKind::Literal,
            "BlankNodeOrIRI" => NodeKind::BlankNodeOrIri,
            "BlankNodeOrLiteral" => NodeKind::BlankNodeOrLiteral,
            "IRIOrLiteral" => NodeKind::IriOrLiteral,
            _ => return None,
        })
    }

    /// The `sh:` local name.
    pub fn local_name(self) -> &'static str {
        match self {
            NodeKind::Iri => "IRI",
            NodeKind::BlankNode => "BlankNode",
            NodeKind::Literal => "Literal",
            NodeKind::BlankNodeOrIri => "BlankNodeOrIRI",
            NodeKind::BlankNodeOrLiteral => "BlankNodeOrLiteral",
            NodeKind::IriOrLiteral => "IRIOrLiteral",
        }
    }
}

/// A constraint component (SHACL §4) with its parameter, as supported.
#[derive(Debug, Clone)]
pub(crate) enum Constraint {
    /// §4.1.1 `sh:class`.
    Class(VocabId),
    /// §4.1.2 `sh:datatype` (one of [`xsd::KNOWN_DATATYPES`]).
    Datatype(String),
    /// §4.1.3 `sh:nodeKind`.
    NodeKind(NodeKind),
    /// §4.2.1 `sh:minCount`.
    MinCount(u64),
    /// §4.2.2 `sh:maxCount`.
    MaxCount(u64),
    /// §4.3.2 `sh:maxInclusive` (a numeric literal).
    MaxInclusive(Literal),
    /// §4.4.5 `sh:uniqueLang true`.
    UniqueLang,
    /// §4.6.4 `sh:or`.
    Or(Vec<ShapeId>),
    /// §4.7.1 `sh:node`.
    Node(ShapeId),
    /// §4.7.2 `sh:property`.
    Property(ShapeId),
    /// §4.8.3 `sh:hasValue`.
    HasValue(Term),
}

/// The source constraint component of a result (SHACL §5.3.6 / §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Component {
    /// `sh:ClassConstraintComponent`.
    Class,
    /// `sh:DatatypeConstraintComponent`.
    Datatype,
    /// `sh:NodeKindConstraintComponent`.
    NodeKind,
    /// `sh:MinCountConstraintComponent`.
    MinCount,
    /// `sh:MaxCountConstraintComponent`.
    MaxCount,
    /// `sh:MaxInclusiveConstraintComponent`.
    MaxInclusive,
    /// `sh:UniqueLangConstraintComponent`.
    UniqueLang,
    /// `sh:OrConstraintComponent`.
    Or,
    /// `sh:NodeConstraintComponent`.
    Node,
    /// `sh:PropertyConstraintComponent` (never reported itself: a property shape's own results are).
    Property,
    /// `sh:HasValueConstraintComponent`.
    HasValue,
}

impl Component {
    /// The local name in the `sh:` namespace, e.g. `ClassConstraintComponent`.
    pub fn local_name(self) -> &'static str {
        match self {
            Component::Class => "ClassConstraintComponent",
            Component::Datatype => "DatatypeConstraintComponent",
            Component::NodeKind => "NodeKindConstraintComponent",
            Component::MinCount => "MinCountConstraintComponent",
            Component::MaxCount => "MaxCountConstraintComponent",
            Component::MaxInclusive => "MaxInclusiveConstraintComponent",
            Component::UniqueLang => "UniqueLangConstraintComponent",
            Component::Or => "OrConstraintComponent",
            Component::Node => "NodeConstraintComponent",
            Component::Property => "PropertyConstraintComponent",
            Component::HasValue => "HasValueConstraintComponent",
        }
    }

    /// The full IRI of the component.
    pub fn iri(self) -> String {
        format!("{SH}{}", self.local_name())
    }
}

/// A compiled shape.
#[derive(Debug, Clone)]
pub(crate) struct Shape {
    /// The shape's node in the shapes graph (IRI, or blank node with a document-scoped label).
    pub name: Term,
    /// `sh:path` of a property shape (a predicate IRI), as vocabulary index and IRI.
    pub path: Option<(VocabId, String)>,
    pub deactivated: bool,
    pub severity: Severity,
    /// `sh:message` (the first, preferring English or no language).
    pub message: Option<String>,
    pub constraints: Vec<Constraint>,
}

/// Compiled shapes: immutable, shared by every validation.
#[derive(Debug, Clone)]
pub struct Shapes {
    pub(crate) shapes: Vec<Shape>,
    /// IRIs the constraints refer to (classes, paths, targets).
    pub(crate) vocab: Vec<String>,
    /// `sh:targetClass` IRI → node shapes with that target.
    pub(crate) targets: HashMap<String, Vec<ShapeId>>,
    /// Construct → count, as found in the shapes graph (for the record; see the crate docs).
    pub(crate) usage: Vec<(String, usize)>,
    pub(crate) triples: usize,
}

/// Subject-indexed view of the parsed shapes graph.
struct Graph {
    by_subject: HashMap<Term, Vec<(String, Term)>>,
}

impl Graph {
    fn objects<'a>(&'a self, s: &Term, p: &'a str) -> impl Iterator<Item = &'a Term> + 'a {
        self.by_subject
            .get(s)
            .into_iter()
            .flatten()
            .filter(move |(pp, _)| pp == p)
            .map(|(_, o)| o)
    }

    /// Members of an RDF list (RDF 1.1 Semantics / SHACL §1.4 "SHACL lists").
    fn list(&self, head: &Term, shape: &Term) -> Result<Vec<Term>, LoadError> {
        let mut out = Vec::new();
        let mut node = head.clone();
        let mut seen = HashSet::new();
        loop {
            if node == Term::iri(RDF_NIL) {
                return Ok(out);
            }
            if !seen.insert(node.clone()) {
                return Err(invalid(shape, "sh:or list is cyclic"));
            }
            let firsts: Vec<&Term> = self.objects(&node, RDF_FIRST).collect();
            let rests: Vec<&Term> = self.objects(&node, RDF_REST).collect();
            let ([first], [rest]) = (firsts.as_slice(), rests.as_slice()) else {
                return Err(invalid(shape, "sh:or value is not a well-formed RDF list"));
            };
            out.push((*first).clone());
            node = (*rest).clone();
        }
    }
}

fn show(t: &Term) -> String {
    match t {
        Term::Iri(i) => format!("<{i}>"),
        Term::Blank(b) => format!("_:{b}"),
        Term::Literal(l) => format!("{:?}^^<{}>", l.value, l.datatype),
    }
}

fn invalid(shape: &Term, rule: &str) -> LoadError {
    LoadError::Invalid {
        shape: show(shape),
        rule: rule.to_owned(),
    }
}

fn unsupported(shape: &Term, construct: impl Into<String>) -> LoadError {
    LoadError::Unsupported {
        shape: show(shape),
        construct: construct.into(),
    }
}

fn sh_local(iri: &str) -> Option<&str> {
    iri.strip_prefix(SH)
}

fn as_iri<'a>(t: &'a Term, shape: &Term, what: &str) -> Result<&'a str, LoadError> {
    match t {
        Term::Iri(i) => Ok(i),
        _ => Err(invalid(shape, &format!("{what} must be an IRI"))),
    }
}

fn as_count(t: &Term, shape: &Term, what: &str) -> Result<u64, LoadError> {
    match t {
        Term::Literal(l) if l.datatype == format!("{XSD}integer") => l
            .value
            .parse()
            .map_err(|_| invalid(shape, &format!("{what} must be a non-negative xsd:integer"))),
        _ => Err(invalid(
            shape,
            &format!("{what} must be an xsd:integer literal"),
        )),
    }
}

fn as_bool(t: &Term, shape: &Term, what: &str) -> Result<bool, LoadError> {
    match t {
        Term::Literal(l) if l.datatype == format!("{XSD}boolean") => match l.value.as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(invalid(shape, &format!("{what} must be an xsd:boolean"))),
        },
        _ => Err(invalid(
            shape,
            &format!("{what} must be an xsd:boolean literal"),
        )),
    }
}

impl Shapes {
    /// Compiles the shapes graph given as `triples` (every triple of every shapes document):
    /// find the shape nodes, index the graph by subject, add the `sh:or` members, compile each
    /// shape, then check references (SHACL §4.7) and recursion (§3.4.3).
    pub fn compile(triples: Vec<(Term, String, Term)>) -> Result<Self, LoadError> {
        // An RDF graph is a set: the same triple twice (the EU shapes repeat a few) counts once.
        let mut distinct = HashSet::new();
        let triples: Vec<(Term, String, Term)> = triples
            .into_iter()
            .filter(|t| distinct.insert(t.clone()))
            .collect();
        let triple_count = triples.len();
        let (mut nodes, mut usage) = ShapeNodes::find(&triples)?;
        let mut by_subject: HashMap<Term, Vec<(String, Term)>> = HashMap::new();
        for (s, p, o) in triples {
            by_subject.entry(s).or_default().push((p, o));
        }
        let graph = Graph { by_subject };
        nodes.add_or_members(&graph)?;
        let shape_nodes = nodes.nodes;
        let mut compiler = Compiler {
            ids: shape_nodes
                .iter()
                .enumerate()
                .map(|(i, t)| (t.clone(), i))
                .collect(),
            vocab: Vec::new(),
            vocab_ids: HashMap::new(),
            targets: HashMap::new(),
            path_kinds: HashMap::new(),
        };
        let mut shapes = Vec::with_capacity(shape_nodes.len());
        for (id, node) in shape_nodes.iter().enumerate() {
            shapes.push(compiler.shape(id, node, &graph)?);
        }
        for (k, v) in compiler.path_kinds {
            usage.insert(k.to_owned(), v);
        }
        check_references(&shapes)?;
        check_acyclic(&shapes)?;
        let mut targets = compiler.targets;
        for list in targets.values_mut() {
            list.dedup();
        }
        let mut usage: Vec<(String, usize)> = usage.into_iter().collect();
        usage.sort();
        Ok(Shapes {
            shapes,
            vocab: compiler.vocab,
            targets,
            usage,
            triples: triple_count,
        })
    }

    /// Number of shapes compiled.
    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    /// Whether there are no shapes.
    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// Number of triples in the shapes graph.
    pub fn triple_count(&self) -> usize {
        self.triples
    }

    /// How often each SHACL construct occurs in the shapes graph (`sh:class` → 407, `a
    /// sh:NodeShape` → 96, `predicate path` → 529, ...), sorted by name.
    pub fn usage(&self) -> &[(String, usize)] {
        &self.usage
    }
}

/// The shape nodes of a shapes graph (SHACL §2.1: subjects of `sh:` properties, objects of
/// `sh:property` / `sh:node`, instances of `sh:NodeShape` / `sh:PropertyShape`, `sh:or` members),
/// in first-seen order.
struct ShapeNodes {
    nodes: Vec<Term>,
    seen: HashSet<Term>,
}

impl ShapeNodes {
    fn add(&mut self, t: &Term) {
        if self.seen.insert(t.clone()) {
            self.nodes.push(t.clone());
        }
    }

    /// The shape nodes named by the triples, and how often each SHACL construct occurs.
    fn find(triples: &[(Term, String, Term)]) -> Result<(Self, HashMap<String, usize>), LoadError> {
        let mut found = ShapeNodes {
            nodes: Vec::new(),
            seen: HashSet::new(),
        };
        let mut usage: HashMap<String, usize> = HashMap::new();
        for (s, p, o) in triples {
            if let Some(local) = sh_local(p) {
                *usage.entry(format!("sh:{local}")).or_default() += 1;
                found.add(s);
                if matches!(local, "property" | "node") {
                    found.add(o);
                }
            }
            if p == RDF_TYPE {
                if let Term::Iri(o) = o {
                    if let Some(local) = sh_local(o) {
                        *usage.entry(format!("a sh:{local}")).or_default() += 1;
                        match local {
                            "NodeShape" | "PropertyShape" => found.add(s),
                            l if NOT_SHACL.contains(&l) => {}
                            l => return Err(unsupported(s, format!("rdf:type sh:{l}"))),
                        }
                    }
                }
            }
        }
        Ok((found, usage))
    }

    /// Members of `sh:or` lists are shapes too (and may have `sh:or` lists of their own).
    fn add_or_members(&mut self, graph: &Graph) -> Result<(), LoadError> {
        let mut i = 0;
        while let Some(s) = self.nodes.get(i).cloned() {
            for head in graph
                .objects(&s, &format!("{SH}or"))
                .cloned()
                .collect::<Vec<_>>()
            {
                for m in graph.list(&head, &s)? {
                    self.add(&m);
                }
            }
            i += 1;
        }
        Ok(())
    }
}

/// The state of compiling shapes: shape ids, the interned vocabulary, targets and path usage.
struct Compiler {
    ids: HashMap<Term, ShapeId>,
    vocab: Vec<String>,
    vocab_ids: HashMap<String, VocabId>,
    targets: HashMap<String, Vec<ShapeId>>,
    path_kinds: HashMap<&'static str, usize>,
}

impl Compiler {
    fn shape_id(&self, t: &Term) -> Result<ShapeId, LoadError> {
        self.ids
            .get(t)
            .copied()
            .ok_or_else(|| invalid(t, "referenced as a shape but not recognised as one"))
    }

    fn intern(&mut self, iri: &str) -> VocabId {
        if let Some(&v) = self.vocab_ids.get(iri) {
            return v;
        }
        let id = self.vocab.len();
        self.vocab.push(iri.to_owned());
        self.vocab_ids.insert(iri.to_owned(), id);
        id
    }

    /// Compiles the shape `node` (id `id`) from its properties.
    fn shape(&mut self, id: ShapeId, node: &Term, graph: &Graph) -> Result<Shape, LoadError> {
        let mut shape = Shape {
            name: node.clone(),
            path: None,
            deactivated: false,
            severity: Severity::Violation,
            message: None,
            constraints: Vec::new(),
        };
        let mut seen_single: HashSet<&str> = HashSet::new();
        let empty = Vec::new();
        let props = graph.by_subject.get(node).unwrap_or(&empty);
        for (p, o) in props {
            if p == RDF_TYPE {
                if let Term::Iri(c) = o {
                    if c == RDFS_CLASS || c == OWL_CLASS {
                        return Err(unsupported(
                            node,
                            "implicit class target (a shape that is also a class, SHACL §2.1.3.3)",
                        ));
                    }
                }
                continue;
            }
            let Some(local) = sh_local(p) else { continue };
            if matches!(local, "path" | "deactivated" | "severity") && !seen_single.insert(local) {
                return Err(invalid(node, &format!("more than one sh:{local}")));
            }
            self.property(&mut shape, (id, node), local, o, graph)?;
        }
        Ok(shape)
    }

    /// Applies one `sh:` property (`local` is its local name, `o` its value) to `shape`.
    fn property(
        &mut self,
        shape: &mut Shape,
        (id, node): (ShapeId, &Term),
        local: &str,
        o: &Term,
        graph: &Graph,
    ) -> Result<(), LoadError> {
        match local {
            "targetClass" => {
                let c = as_iri(o, node, "sh:targetClass")?;
                self.targets.entry(c.to_owned()).or_default().push(id);
            }
            "path" => match o {
                Term::Iri(i) => {
                    *self.path_kinds.entry("predicate path").or_default() += 1;
                    shape.path = Some((self.intern(i), i.clone()));
                }
                _ => {
                    return Err(unsupported(
                        node,
                        "complex property path (only predicate paths, SHACL §2.3.1.1)",
                    ))
                }
            },
            "deactivated" => shape.deactivated = as_bool(o, node, "sh:deactivated")?,
            "severity" => {
                shape.severity = match o {
                    Term::Iri(i) if i == Severity::Violation.iri() => Severity::Violation,
                    Term::Iri(i) if i == Severity::Warning.iri() => Severity::Warning,
                    Term::Iri(i) if i == Severity::Info.iri() => Severity::Info,
                    other => return Err(unsupported(node, format!("sh:severity {}", show(other)))),
                }
            }
            "message" => {
                if let Term::Literal(l) = o {
                    let preferred = matches!(l.language.as_deref(), None | Some("en"));
                    if shape.message.is_none() || preferred {
                        shape.message = Some(l.value.clone());
                    }
                }
            }
            "class" => {
                let c = as_iri(o, node, "sh:class")?;
                shape.constraints.push(Constraint::Class(self.intern(c)));
            }
            "datatype" => {
                let d = as_iri(o, node, "sh:datatype")?;
                if !xsd::KNOWN_DATATYPES.contains(&d) {
                    return Err(unsupported(
                        node,
                        format!("sh:datatype <{d}> (lexical space not implemented)"),
                    ));
                }
                shape.constraints.push(Constraint::Datatype(d.to_owned()));
            }
            "nodeKind" => {
                let k = as_iri(o, node, "sh:nodeKind")?;
                let kind = sh_local(k).and_then(NodeKind::from_local).ok_or_else(|| {
                    invalid(node, "sh:nodeKind must be one of the six sh: node kinds")
                })?;
                shape.constraints.push(Constraint::NodeKind(kind));
            }
            "minCount" => {
                shape
                    .constraints
                    .push(Constraint::MinCount(as_count(o, node, "sh:minCount")?))
            }
            "maxCount" => {
                shape
                    .constraints
                    .push(Constraint::MaxCount(as_count(o, node, "sh:maxCount")?))
            }
            "maxInclusive" => match o {
                Term::Literal(l) if xsd::is_numeric_datatype(&l.datatype) => {
                    shape.constraints.push(Constraint::MaxInclusive(l.clone()))
                }
                other => {
                    return Err(unsupported(
                        node,
                        format!("sh:maxInclusive {} (only numeric bounds)", show(other)),
                    ))
                }
            },
            "uniqueLang" => {
                if as_bool(o, node, "sh:uniqueLang")? {
                    shape.constraints.push(Constraint::UniqueLang);
                }
            }
            "hasValue" => shape.constraints.push(Constraint::HasValue(o.clone())),
            "or" => {
                let members = graph
                    .list(o, node)?
                    .iter()
                    .map(|m| self.shape_id(m))
                    .collect::<Result<Vec<_>, _>>()?;
                shape.constraints.push(Constraint::Or(members));
            }
            "node" => shape.constraints.push(Constraint::Node(self.shape_id(o)?)),
            "property" => shape
                .constraints
                .push(Constraint::Property(self.shape_id(o)?)),
            l if NON_VALIDATING.contains(&l) || NOT_SHACL.contains(&l) => {}
            l => return Err(unsupported(node, format!("sh:{l}"))),
        }
        Ok(())
    }
}

/// Well-formedness of references (SHACL §4.7.1: sh:node values are node shapes; §4.7.2:
/// sh:property values are property shapes).
fn check_references(shapes: &[Shape]) -> Result<(), LoadError> {
    for shape in shapes {
        for c in &shape.constraints {
            match c {
                Constraint::Node(n) if shapes.get(*n).is_some_and(|t| t.path.is_some()) => {
                    return Err(invalid(&shape.name, "sh:node refers to a property shape"))
                }
                Constraint::Property(p) if shapes.get(*p).is_some_and(|t| t.path.is_none()) => {
                    return Err(invalid(
                        &shape.name,
                        "sh:property refers to a shape without sh:path",
                    ))
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Rejects recursive shapes (SHACL §3.4.3: validation with recursive shapes is not defined).
fn check_acyclic(shapes: &[Shape]) -> Result<(), LoadError> {
    const UNVISITED: u8 = 0;
    const ON_STACK: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![UNVISITED; shapes.len()];
    let set = |state: &mut Vec<u8>, s: ShapeId, v: u8| {
        if let Some(slot) = state.get_mut(s) {
            *slot = v;
        }
    };
    for start in 0..shapes.len() {
        if state.get(start) != Some(&UNVISITED) {
            continue;
        }
        let mut stack: Vec<(ShapeId, usize)> = vec![(start, 0)];
        set(&mut state, start, ON_STACK);
        while let Some((s, i)) = stack.pop() {
            let refs: Vec<ShapeId> = shapes
                .get(s)
                .into_iter()
                .flat_map(|shape| &shape.constraints)
                .flat_map(|c| match c {
                    Constraint::Or(m) => m.clone(),
                    Constraint::Node(n) | Constraint::Property(n) => vec![*n],
                    _ => Vec::new(),
                })
                .collect();
            let Some(&r) = refs.get(i) else {
                set(&mut state, s, DONE);
                continue;
            };
            stack.push((s, i + 1));
            match state.get(r) {
                Some(&ON_STACK) => {
                    static UNNAMED: Term = Term::Blank(String::new());
                    let name = shapes.get(r).map_or(&UNNAMED, |t| &t.name);
                    return Err(unsupported(
                        name,
                        "recursive shape reference (SHACL §3.4.3)",
                    ));
                }
                Some(&UNVISITED) => {
                    set(&mut state, r, ON_STACK);
                    stack.push((r, 0));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Converts an oxrdf term of a shapes document into a [`Term`]; blank nodes are scoped to the
/// document (`doc` prefix) so that merging documents never joins their blank nodes.
pub(crate) fn from_ox(term: oxrdf::Term, doc: usize) -> Option<Term> {
    // oxrdf's term enums grow variants behind features (RDF-star); the catch-all stays for them.
    #[allow(unreachable_patterns)]
    match term {
        oxrdf::Term::NamedNode(n) => Some(Term::Iri(n.into_string())),
        oxrdf::Term::BlankNode(b) => Some(Term::Blank(format!("d{doc}-{}", b.as_str()))),
        oxrdf::Term::Literal(l) => {
            let (value, datatype, language) = l.destruct();
            Some(Term::Literal(match (datatype, language) {
                (_, Some(lang)) => Literal::lang(value, lang),
                (Some(dt), None) => Literal::typed(value, dt.into_string()),
                (None, None) => Literal::string(value),
            }))
        }
        _ => None,
    }
}

pub(crate) fn subject_from_ox(s: oxrdf::Subject, doc: usize) -> Option<Term> {
    // oxrdf's term enums grow variants behind features (RDF-star); the catch-all stays for them.
    #[allow(unreachable_patterns)]
    match s {
        oxrdf::Subject::NamedNode(n) => Some(Term::Iri(n.into_string())),
        oxrdf::Subject::BlankNode(b) => Some(Term::Blank(format!("d{doc}-{}", b.as_str()))),
        _ => None,
    }
}
