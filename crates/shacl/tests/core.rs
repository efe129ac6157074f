//! The validator on the bundled EDC shapes (what they use, that they compile) and on small shapes
//! graphs, one per supported constraint component (W3C SHACL §4), plus the load-time refusals of
//! unsupported constructs.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use canon::{Literal, Term};
use shacl::{compile_turtle, validate, Component, DataGraph, LoadError, Severity};

const PREFIXES: &str = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n\
@prefix ex: <http://example.org/> .\n\
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n\
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n";

fn ex(local: &str) -> Term {
    Term::iri(format!("http://example.org/{local}"))
}

fn triples(list: &[(Term, &str, Term)]) -> Vec<(Term, Term, Term)> {
    list.iter()
        .map(|(s, p, o)| {
            let p = if *p == "a" {
                Term::iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
            } else if *p == "subClassOf" {
                Term::iri("http://www.w3.org/2000/01/rdf-schema#subClassOf")
            } else {
                ex(p)
            };
            (s.clone(), p, o.clone())
        })
        .collect()
}

fn graph(triples: &[(Term, Term, Term)]) -> DataGraph<'_> {
    let mut g = DataGraph::new();
    for (s, p, o) in triples {
        g.insert(s, p, o);
    }
    g
}

fn run(shapes: &str, g: &DataGraph) -> Vec<(Component, Option<Term>)> {
    let shapes = compile_turtle(&[("test.ttl", &format!("{PREFIXES}{shapes}"))]).unwrap();
    let r = validate(&shapes, g);
    assert_eq!(
        r.conforms,
        r.results.iter().all(|x| x.severity != Severity::Violation)
    );
    r.results
        .into_iter()
        .map(|x| (x.component, x.value))
        .collect()
}

fn lit(v: &str, dt: &str) -> Term {
    Term::Literal(Literal::typed(
        v,
        format!("http://www.w3.org/2001/XMLSchema#{dt}"),
    ))
}

#[test]
fn the_edc_shapes_compile_with_the_measured_constructs() {
    let shapes = shacl::edc_shapes().unwrap();
    assert_eq!(shapes.triple_count(), 4675);
    let usage: std::collections::HashMap<&str, usize> = shapes
        .usage()
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    for (k, n) in [
        ("sh:class", 407),
        ("sh:datatype", 154),
        ("sh:maxCount", 188),
        ("sh:minCount", 90),
        ("sh:or", 51),
        ("sh:node", 38),
        ("sh:targetClass", 73),
        ("sh:uniqueLang", 50),
        ("sh:hasValue", 19),
        ("sh:deactivated", 14),
        ("sh:maxInclusive", 1),
        ("sh:nodeKind", 59),
        ("sh:nodekind", 1),
        ("a sh:NodeShape", 96),
        ("a sh:PropertyShape", 446),
        ("predicate path", 529),
    ] {
        assert_eq!(usage.get(k), Some(&n), "{k}");
    }
    for absent in [
        "sh:and",
        "sh:xone",
        "sh:not",
        "sh:qualifiedValueShape",
        "sh:pattern",
        "sh:in",
        "sh:sparql",
    ] {
        assert!(!usage.contains_key(absent), "{absent}");
    }
}

#[test]
fn unsupported_constructs_are_refused_at_load_time() {
    for (shape, what) in [
        ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:pattern \"^a\" ] .", "sh:pattern"),
        ("ex:S a sh:NodeShape ; sh:targetNode ex:x .", "sh:targetNode"),
        ("ex:S a sh:NodeShape ; sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] .", "complex property path"),
        ("ex:S a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:datatype xsd:gYear ] .", "sh:datatype"),
        ("ex:S a sh:NodeShape ; sh:not [ sh:class ex:C ] .", "sh:not"),
        ("ex:S a sh:NodeShape ; sh:sparql [ sh:select \"SELECT $this WHERE {}\" ] .", "sh:sparql"),
        ("ex:S a sh:NodeShape, rdfs:Class ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .", "implicit class target"),
        ("ex:S a sh:NodeShape ; sh:node ex:T . ex:T a sh:NodeShape ; sh:node ex:S .", "recursive"),
        ("ex:S a sh:SPARQLConstraint .", "sh:SPARQLConstraint"),
    ] {
        match compile_turtle(&[("t.ttl", &format!("{PREFIXES}{shape}"))]) {
            Err(LoadError::Unsupported { construct, .. }) => assert!(construct.contains(what), "{construct} vs {what}"),
            other => panic!("{shape}: expected Unsupported({what}), got {other:?}"),
        }
    }
    assert!(matches!(
        compile_turtle(&[("t.ttl", &format!("{PREFIXES}ex:S sh:minCount \"x\" ."))]),
        Err(LoadError::Invalid { .. })
    ));
    assert!(matches!(
        compile_turtle(&[("t.ttl", "ex:S a sh:NodeShape")]),
        Err(LoadError::Syntax { .. })
    ));
}

#[test]
fn class_targets_and_sh_class_follow_the_subclass_closure() {
    let shapes = "ex:S a sh:NodeShape ; sh:targetClass ex:Claim ; sh:property [ sh:path ex:by ; sh:class ex:Agent ] .";
    let g_t = triples(&[
        (ex("Achievement"), "subClassOf", ex("Claim")),
        (ex("Org"), "subClassOf", ex("Agent")),
        (ex("a1"), "a", ex("Achievement")),
        (ex("a1"), "by", ex("o1")),
        (ex("o1"), "a", ex("Org")),
        (ex("a2"), "a", ex("Achievement")),
        (ex("a2"), "by", ex("p1")),
        (ex("a2"), "by", Term::Literal(Literal::string("x"))),
        (ex("p1"), "a", ex("Thing")),
    ]);
    let g = graph(&g_t);
    let r = run(shapes, &g);
    assert_eq!(
        r,
        vec![
            (Component::Class, Some(ex("p1"))),
            (Component::Class, Some(Term::Literal(Literal::string("x"))))
        ]
    );
}

#[test]
fn datatype_node_kind_and_counts() {
    let shapes = "ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:property [ sh:path ex:d ; sh:datatype xsd:dateTime ; sh:maxCount 1 ] ;
        sh:property [ sh:path ex:t ; sh:datatype rdf:langString ; sh:minCount 1 ; sh:uniqueLang true ] ;
        sh:property [ sh:path ex:k ; sh:nodeKind sh:IRI ] .";
    let g_t = triples(&[
        (ex("x"), "a", ex("C")),
        (ex("x"), "d", lit("2024-01-01T00:00:00Z", "dateTime")),
        (ex("x"), "d", lit("2024-02-30T00:00:00Z", "dateTime")),
        (ex("x"), "k", Term::blank("b")),
        (ex("x"), "t", Term::Literal(Literal::lang("a", "en"))),
        (ex("x"), "t", Term::Literal(Literal::lang("b", "EN"))),
        (ex("x"), "t", Term::Literal(Literal::string("plain"))),
        (ex("y"), "a", ex("C")),
    ]);
    let g = graph(&g_t);
    let mut r = run(shapes, &g);
    r.sort_by_key(|x| format!("{x:?}"));
    let mut want = vec![
        (
            Component::Datatype,
            Some(lit("2024-02-30T00:00:00Z", "dateTime")),
        ),
        (Component::MaxCount, None),
        (
            Component::Datatype,
            Some(Term::Literal(Literal::string("plain"))),
        ),
        (Component::UniqueLang, None),
        (Component::NodeKind, Some(Term::blank("b"))),
        (Component::MinCount, None),
    ];
    want.sort_by_key(|x| format!("{x:?}"));
    assert_eq!(r, want);
}

#[test]
fn or_node_has_value_max_inclusive_deactivated_and_severity() {
    let shapes = "ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:property [ sh:path ex:o ; sh:or ( [ sh:class ex:A ] [ sh:class ex:B ] ) ] ;
        sh:property [ sh:path ex:n ; sh:node ex:N ] ;
        sh:property [ sh:path ex:v ; sh:maxInclusive 100 ] ;
        sh:property [ sh:path ex:off ; sh:minCount 1 ; sh:deactivated true ] ;
        sh:property [ sh:path ex:w ; sh:minCount 1 ; sh:severity sh:Warning ] .
      ex:N a sh:NodeShape ; sh:property [ sh:path ex:s ; sh:hasValue ex:eqf ] .
      ex:Off a sh:NodeShape ; sh:targetClass ex:C ; sh:deactivated true ; sh:property [ sh:path ex:z ; sh:minCount 1 ] .";
    let good_t = triples(&[
        (ex("x"), "a", ex("C")),
        (ex("x"), "o", ex("b1")),
        (ex("b1"), "a", ex("B")),
        (ex("x"), "n", ex("lvl")),
        (ex("lvl"), "s", ex("eqf")),
        (ex("x"), "v", lit("100.0", "decimal")),
        (ex("x"), "w", ex("w")),
    ]);
    let good = graph(&good_t);
    assert_eq!(run(shapes, &good), vec![]);
    let bad_t = triples(&[
        (ex("x"), "a", ex("C")),
        (ex("x"), "o", ex("c1")),
        (ex("c1"), "a", ex("Other")),
        (ex("x"), "n", ex("lvl")),
        (ex("lvl"), "s", ex("not-eqf")),
        (ex("x"), "v", lit("101", "integer")),
        (ex("x"), "v", lit("7", "string")),
    ]);
    let bad = graph(&bad_t);
    let shapes_c = compile_turtle(&[("t.ttl", &format!("{PREFIXES}{shapes}"))]).unwrap();
    let report = validate(&shapes_c, &bad);
    let got: Vec<(Component, Severity)> = report
        .results
        .iter()
        .map(|r| (r.component, r.severity))
        .collect();
    assert_eq!(
        got,
        vec![
            (Component::Or, Severity::Violation),
            (Component::Node, Severity::Violation),
            (Component::MaxInclusive, Severity::Violation),
            (Component::MaxInclusive, Severity::Violation),
            (Component::MinCount, Severity::Warning),
        ]
    );
    assert!(!report.conforms);
    // Only the warning left: conforms (pyshacl allow_warnings=True, as tests/shacl/validate.py).
    let warn_only_t = triples(&[(ex("x"), "a", ex("C"))]);
    let warn_only = graph(&warn_only_t);
    let report = validate(&shapes_c, &warn_only);
    assert_eq!(report.results.len(), 1);
    assert!(report.conforms);
}

#[test]
fn a_graph_is_a_set_duplicate_triples_count_once() {
    let shapes = "ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:property [ sh:path ex:v ; sh:maxCount 1 ] ; sh:property [ sh:path ex:o ; sh:maxCount 1 ] .";
    let t = triples(&[
        (ex("x"), "a", ex("C")),
        (ex("x"), "a", ex("C")),
        (ex("x"), "v", Term::Literal(Literal::lang("a", "en"))),
        (ex("x"), "v", Term::Literal(Literal::lang("a", "en"))),
        (ex("x"), "o", ex("y")),
        (ex("x"), "o", ex("y")),
    ]);
    let g = graph(&t);
    assert_eq!(g.len(), 3);
    assert_eq!(run(shapes, &g), vec![]);
    let t2 = triples(&[
        (ex("x"), "a", ex("C")),
        (ex("x"), "v", Term::Literal(Literal::lang("a", "en"))),
        (ex("x"), "v", Term::Literal(Literal::lang("a", "de"))),
    ]);
    assert_eq!(run(shapes, &graph(&t2)), vec![(Component::MaxCount, None)]);
}
