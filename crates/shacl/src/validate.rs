//! Validation of a data graph against compiled shapes: SHACL §3 "Validation and Graphs" (§3.1
//! shapes graph and data graph, §3.2 focus nodes from `sh:targetClass` through "SHACL instance",
//! §3.3 validation against a node / property shape with value nodes, §3.4 conformance checking for
//! `sh:node` / `sh:or`), the constraint components of §4 the shapes use, and the report of §3.6 /
//! §5.3 (focus node, result path, value, source shape, source constraint component, severity,
//! message).
//!
//! Conformance follows `tests/shacl/validate.py` (pyshacl with `allow_warnings=True`): the graph
//! conforms when no result has severity `sh:Violation`. A nested shape used by `sh:node` / `sh:or`
//! conforms when validating against it yields no result at all (§3.4 "conformance checking"); its
//! results are not part of the report (as in pyshacl without `advanced`). A deactivated shape
//! (§2.1.5) conforms for every node.

use std::collections::HashMap;

use canon::Term;

use crate::graph::{DataGraph, Id};
use crate::shapes::{Component, Constraint, Severity, ShapeId, Shapes, SH};
use crate::xsd;

/// One validation result (SHACL §3.6.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationResult {
    /// `sh:focusNode`.
    pub focus_node: Term,
    /// `sh:resultPath`: the predicate of the property shape, if the shape has a path.
    pub path: Option<String>,
    /// `sh:sourceConstraintComponent`.
    pub component: Component,
    /// `sh:resultSeverity`.
    pub severity: Severity,
    /// `sh:sourceShape` (an IRI, or a blank node of the shapes graph).
    pub source_shape: Term,
    /// `sh:value`, when the component reports one.
    pub value: Option<Term>,
    /// `sh:resultMessage`: the shape's `sh:message`, else a generated one.
    pub message: String,
    /// `sh:detail` (§3.6.2.x, as pyshacl reports it for `sh:node`): the results of validating the
    /// value node against the `sh:node` shape, which explain why it does not conform. Empty for
    /// other components.
    pub details: Vec<ValidationResult>,
}

/// A validation report (SHACL §3.6.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationReport {
    /// `sh:conforms`: no result of severity `sh:Violation`.
    pub conforms: bool,
    /// The results, in evaluation order (shapes in shapes-graph order, focus nodes in data order).
    pub results: Vec<ValidationResult>,
}

impl ValidationReport {
    /// Results of severity `sh:Violation`.
    pub fn violations(&self) -> impl Iterator<Item = &ValidationResult> {
        self.results
            .iter()
            .filter(|r| r.severity == Severity::Violation)
    }
}

struct Raw {
    focus: Id,
    shape: ShapeId,
    constraint: usize,
    value: Option<Id>,
    detail: Option<String>,
    nested: Vec<Raw>,
}

/// Where results go: collected (top level) or only probed for conformance (nested shapes).
enum Sink<'a> {
    Collect(&'a mut Vec<Raw>),
    Probe,
}

impl Sink<'_> {
    /// Records a result; returns `false` when the caller can stop (probing: one result decides).
    fn push(&mut self, r: Raw) -> bool {
        match self {
            Sink::Collect(v) => {
                v.push(r);
                true
            }
            Sink::Probe => false,
        }
    }
}

struct Ctx<'a> {
    shapes: &'a Shapes,
    g: &'a DataGraph<'a>,
    /// Shapes vocabulary resolved against the data graph.
    vocab: Vec<Option<Id>>,
    /// Type → itself and its transitive superclasses, for every type used in the data.
    closure: HashMap<Id, Vec<Id>>,
}

/// Validates `graph` against `shapes`.
pub fn validate(shapes: &Shapes, graph: &DataGraph<'_>) -> ValidationReport {
    let vocab = shapes.vocab.iter().map(|i| graph.iri_id(i)).collect();
    let mut closure: HashMap<Id, Vec<Id>> = HashMap::new();
    for s in graph.typed_subjects() {
        for &t in graph.types_of(s) {
            closure.entry(t).or_insert_with(|| graph.superclasses(t));
        }
    }
    let ctx = Ctx {
        shapes,
        g: graph,
        vocab,
        closure,
    };

    // Focus nodes (§2.1.3.2): SHACL instances of each sh:targetClass.
    let mut pairs: Vec<(ShapeId, usize, Id)> = Vec::new();
    for (order, s) in graph.typed_subjects().enumerate() {
        let mut classes: Vec<Id> = Vec::new();
        for t in graph.types_of(s) {
            for &c in ctx.closure.get(t).map(Vec::as_slice).unwrap_or(&[]) {
                if !classes.contains(&c) {
                    classes.push(c);
                }
            }
        }
        for c in classes {
            if let Term::Iri(iri) = graph.term(c) {
                if let Some(list) = shapes.targets.get(iri.as_str()) {
                    pairs.extend(list.iter().map(|&sh| (sh, order, s)));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();

    let mut raw = Vec::new();
    for &(shape, _, focus) in &pairs {
        ctx.validate_shape(shape, focus, &mut Sink::Collect(&mut raw));
    }
    let results: Vec<ValidationResult> = raw.into_iter().filter_map(|r| ctx.result(r)).collect();
    ValidationReport {
        conforms: !results.iter().any(|r| r.severity == Severity::Violation),
        results,
    }
}

impl Ctx<'_> {
    fn is_instance(&self, v: Id, class: Option<Id>) -> bool {
        let Some(c) = class else { return false };
        self.g
            .types_of(v)
            .iter()
            .any(|t| self.closure.get(t).is_some_and(|sup| sup.contains(&c)))
    }

    /// Validates `focus` against `shape_id`; returns whether it conforms (no result).
    fn validate_shape(&self, shape_id: ShapeId, focus: Id, sink: &mut Sink<'_>) -> bool {
        let Some(shape) = self.shapes.shapes.get(shape_id) else {
            // Shape ids come from the compiled shapes only; an unknown one has no constraints.
            return true;
        };
        if shape.deactivated {
            return true;
        }
        let focus_slot = [focus];
        let values: &[Id] = match &shape.path {
            Some((p, _)) => match self.vocab.get(*p).copied().flatten() {
                Some(p) => self.g.objects(focus, p),
                None => &[],
            },
            None => &focus_slot,
        };
        let mut conforms = true;
        for (ci, c) in shape.constraints.iter().enumerate() {
            let keep_going = match c {
                Constraint::Node(n) => {
                    self.check_node(*n, (shape_id, ci, focus), values, sink, &mut conforms)
                }
                Constraint::Property(p) => self.check_property(*p, values, sink, &mut conforms),
                other => {
                    let mut go_on = true;
                    for (value, detail) in self.failures(other, values, matches!(sink, Sink::Probe))
                    {
                        conforms = false;
                        let raw = Raw {
                            focus,
                            shape: shape_id,
                            constraint: ci,
                            value,
                            detail,
                            nested: Vec::new(),
                        };
                        if !sink.push(raw) {
                            go_on = false;
                            break;
                        }
                    }
                    go_on
                }
            };
            if !keep_going {
                return false;
            }
        }
        conforms
    }

    /// `sh:node` (§4.7.1): each value conforms to node shape `n`; a failure carries the node
    /// shape's own results as its details. Returns `false` when the caller can stop (probing).
    fn check_node(
        &self,
        n: ShapeId,
        (shape_id, ci, focus): (ShapeId, usize, Id),
        values: &[Id],
        sink: &mut Sink<'_>,
        conforms: &mut bool,
    ) -> bool {
        for &v in values {
            if !self.validate_shape(n, v, &mut Sink::Probe) {
                *conforms = false;
                let Sink::Collect(out) = sink else {
                    return false;
                };
                // The explanation (sh:detail): the node shape's results for v.
                let mut nested = Vec::new();
                self.validate_shape(n, v, &mut Sink::Collect(&mut nested));
                out.push(Raw {
                    focus,
                    shape: shape_id,
                    constraint: ci,
                    value: Some(v),
                    detail: None,
                    nested,
                });
            }
        }
        true
    }

    /// `sh:property` (§4.7.2): each value conforms to property shape `p`, whose results go to
    /// the same sink. Returns `false` when the caller can stop (probing).
    fn check_property(
        &self,
        p: ShapeId,
        values: &[Id],
        sink: &mut Sink<'_>,
        conforms: &mut bool,
    ) -> bool {
        for &v in values {
            if !self.validate_shape(p, v, sink) {
                *conforms = false;
                if matches!(sink, Sink::Probe) {
                    return false;
                }
            }
        }
        true
    }

    /// The failures of a value-level constraint (every component but `sh:node` and
    /// `sh:property`), in value order: (the value, if the component reports one; a detail).
    /// With `first_only` (probing), it stops at the first failure: one decides conformance.
    fn failures(
        &self,
        c: &Constraint,
        values: &[Id],
        first_only: bool,
    ) -> Vec<(Option<Id>, Option<String>)> {
        let mut out = Vec::new();
        macro_rules! fail {
            ($value:expr, $detail:expr) => {{
                out.push(($value, $detail));
                if first_only {
                    return out;
                }
            }};
        }
        match c {
            Constraint::Class(class) => {
                let class = self.vocab.get(*class).copied().flatten();
                for &v in values {
                    if matches!(self.g.term(v), Term::Literal(_)) || !self.is_instance(v, class) {
                        fail!(Some(v), None);
                    }
                }
            }
            Constraint::Datatype(dt) => {
                for &v in values {
                    let ok = match self.g.term(v) {
                        Term::Literal(l) => l.datatype == *dt && xsd::is_valid(dt, &l.value),
                        _ => false,
                    };
                    if !ok {
                        fail!(Some(v), None);
                    }
                }
            }
            Constraint::NodeKind(kind) => {
                use crate::shapes::NodeKind as K;
                for &v in values {
                    let ok = match self.g.term(v) {
                        Term::Iri(_) => {
                            matches!(kind, K::Iri | K::BlankNodeOrIri | K::IriOrLiteral)
                        }
                        Term::Blank(_) => matches!(
                            kind,
                            K::BlankNode | K::BlankNodeOrIri | K::BlankNodeOrLiteral
                        ),
                        Term::Literal(_) => {
                            matches!(kind, K::Literal | K::BlankNodeOrLiteral | K::IriOrLiteral)
                        }
                    };
                    if !ok {
                        fail!(Some(v), None);
                    }
                }
            }
            Constraint::MinCount(n) => {
                if (values.len() as u64) < *n {
                    fail!(None, None);
                }
            }
            Constraint::MaxCount(n) => {
                if (values.len() as u64) > *n {
                    fail!(None, None);
                }
            }
            Constraint::MaxInclusive(max) => {
                for &v in values {
                    let ok = match self.g.term(v) {
                        Term::Literal(l) => matches!(
                            xsd::compare_numeric(
                                (&l.value, &l.datatype),
                                (&max.value, &max.datatype)
                            ),
                            Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)
                        ),
                        _ => false,
                    };
                    if !ok {
                        fail!(Some(v), None);
                    }
                }
            }
            Constraint::UniqueLang => {
                let mut seen: Vec<String> = Vec::new();
                let mut dup: Vec<String> = Vec::new();
                for &v in values {
                    if let Term::Literal(l) = self.g.term(v) {
                        if let Some(lang) = l.language.as_deref().filter(|l| !l.is_empty()) {
                            let lang = lang.to_ascii_lowercase();
                            if seen.contains(&lang) {
                                if !dup.contains(&lang) {
                                    dup.push(lang);
                                }
                            } else {
                                seen.push(lang);
                            }
                        }
                    }
                }
                for lang in dup {
                    fail!(None, Some(lang));
                }
            }
            Constraint::HasValue(t) => {
                if !values.iter().any(|&v| self.g.term(v) == t) {
                    fail!(None, None);
                }
            }
            Constraint::Or(members) => {
                for &v in values {
                    if !members
                        .iter()
                        .any(|&m| self.validate_shape(m, v, &mut Sink::Probe))
                    {
                        fail!(Some(v), None);
                    }
                }
            }
            Constraint::Node(_) | Constraint::Property(_) => {}
        }
        out
    }

    /// The report entry of a raw result (`None` only for ids that no compiled shape has).
    fn result(&self, mut r: Raw) -> Option<ValidationResult> {
        let details = std::mem::take(&mut r.nested)
            .into_iter()
            .filter_map(|d| self.result(d))
            .collect();
        let shape = self.shapes.shapes.get(r.shape)?;
        let c = shape.constraints.get(r.constraint)?;
        let path = shape.path.as_ref().map(|(_, p)| p.clone());
        let value = r.value.map(|v| self.g.term(v).clone());
        let component = match c {
            Constraint::Class(_) => Component::Class,
            Constraint::Datatype(_) => Component::Datatype,
            Constraint::NodeKind(_) => Component::NodeKind,
            Constraint::MinCount(_) => Component::MinCount,
            Constraint::MaxCount(_) => Component::MaxCount,
            Constraint::MaxInclusive(_) => Component::MaxInclusive,
            Constraint::UniqueLang => Component::UniqueLang,
            Constraint::Or(_) => Component::Or,
            Constraint::Node(_) => Component::Node,
            Constraint::Property(_) => Component::Property,
            Constraint::HasValue(_) => Component::HasValue,
        };
        let message = shape
            .message
            .clone()
            .unwrap_or_else(|| self.generic_message(c, &r, path.as_deref()));
        Some(ValidationResult {
            focus_node: self.g.term(r.focus).clone(),
            path,
            component,
            severity: shape.severity,
            source_shape: shape.name.clone(),
            value,
            message,
            details,
        })
    }

    fn generic_message(&self, c: &Constraint, r: &Raw, path: Option<&str>) -> String {
        let path = path.map(short).unwrap_or_else(|| "the focus node".into());
        let value = r.value.map(|v| show(self.g.term(v))).unwrap_or_default();
        match c {
            Constraint::Class(cl) => format!(
                "value {value} of {path} is not an instance of {}",
                short(self.shapes.vocab.get(*cl).map_or("?", String::as_str))
            ),
            Constraint::Datatype(dt) => format!(
                "value {value} of {path} is not a valid literal of datatype {}",
                short(dt)
            ),
            Constraint::NodeKind(k) => format!(
                "value {value} of {path} is not of node kind sh:{}",
                k.local_name()
            ),
            Constraint::MinCount(n) => format!("{path} must have at least {n} value(s)"),
            Constraint::MaxCount(n) => format!("{path} must have at most {n} value(s)"),
            Constraint::MaxInclusive(m) => {
                format!("value {value} of {path} is not a number <= {}", m.value)
            }
            Constraint::UniqueLang => {
                format!(
                    "{path} has more than one value in language \"{}\"",
                    r.detail.as_deref().unwrap_or("")
                )
            }
            Constraint::HasValue(t) => format!("{path} must have the value {}", show(t)),
            Constraint::Or(_) => {
                format!("value {value} of {path} conforms to none of the sh:or shapes")
            }
            Constraint::Node(n) => {
                format!(
                    "value {value} of {path} does not conform to shape {}",
                    self.shapes
                        .shapes
                        .get(*n)
                        .map(|s| show(&s.name))
                        .unwrap_or_default()
                )
            }
            Constraint::Property(_) => format!("{path} does not conform"),
        }
    }
}

/// A compact IRI for messages (`elm:Claim`, `dc:title`, ...).
pub fn short(iri: &str) -> String {
    const PREFIXES: &[(&str, &str)] = &[
        ("elm:", "http://data.europa.eu/snb/model/elm/"),
        ("dc:", "http://purl.org/dc/terms/"),
        ("skos:", "http://www.w3.org/2004/02/skos/core#"),
        ("xsd:", "http://www.w3.org/2001/XMLSchema#"),
        ("rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
        ("cred:", "https://www.w3.org/2018/credentials#"),
        ("adms:", "http://www.w3.org/ns/adms#"),
        ("foaf:", "http://xmlns.com/foaf/0.1/"),
        ("sec:", "https://w3id.org/security#"),
        (
            "edc:",
            "http://data.europa.eu/snb/model/ap/edc-generic-no-cv/",
        ),
        (
            "edc-full:",
            "http://data.europa.eu/snb/model/ap/edc-generic-full/",
        ),
        ("sh:", SH),
    ];
    for (p, ns) in PREFIXES {
        if let Some(local) = iri.strip_prefix(ns) {
            return format!("{p}{local}");
        }
    }
    format!("<{iri}>")
}

/// A term for messages.
pub fn show(t: &Term) -> String {
    match t {
        Term::Iri(i) => short(i),
        Term::Blank(b) => format!("_:{b}"),
        Term::Literal(l) => {
            let v: String = l.value.chars().take(60).collect();
            match &l.language {
                Some(lang) => format!("\"{v}\"@{lang}"),
                None if l.datatype == canon::XSD_STRING => format!("\"{v}\""),
                None => format!("\"{v}\"^^{}", short(&l.datatype)),
            }
        }
    }
}
