//! The data graph (SHACL §1.5 "data graph"): interned terms, indexed by (subject, predicate) and
//! by subject for `rdf:type`, plus the `rdfs:subClassOf` edges that "SHACL subclass" / "SHACL
//! instance" (§1.5) follow. Triples are a set: inserting one twice keeps one.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use canon::{Quad, Term};

use crate::shapes::RDF_TYPE;

pub(crate) const RDFS_SUBCLASS_OF: &str = "http://www.w3.org/2000/01/rdf-schema#subClassOf";

/// Index of a term in a [`DataGraph`].
pub(crate) type Id = u32;

/// FxHash (the rustc hasher): the keys are short IRIs and integer ids from our own interner, so a
/// fast non-keyed hash is fine (nothing here is keyed by untrusted data an attacker could collide
/// beyond a credential's own size, which the JSON-LD step bounds).
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            if let Some(head) = word.get_mut(..chunk.len()) {
                head.copy_from_slice(chunk);
            }
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// An RDF graph prepared for validation. It borrows its terms from the triples it was built from
/// (the credential's quads, the bundled hierarchy): building it copies no string.
#[derive(Debug, Clone, Default)]
pub struct DataGraph<'a> {
    terms: Vec<&'a Term>,
    /// IRIs and blank nodes are interned (literals are not: two equal literals get two ids, and
    /// the per-(subject, predicate) duplicate check compares them by value).
    iris: FxMap<&'a str, Id>,
    blanks: FxMap<&'a str, Id>,
    /// (subject, predicate) → objects, in insertion order, without duplicates.
    sp: FxMap<(Id, Id), Vec<Id>>,
    /// subject → its rdf:type objects.
    types: FxMap<Id, Vec<Id>>,
    /// class → direct superclasses (rdfs:subClassOf).
    supers: FxMap<Id, Vec<Id>>,
    /// Typed subjects in first-seen order (deterministic focus-node order).
    typed: Vec<Id>,
    triples: usize,
    rdf_type: Option<Id>,
    subclass_of: Option<Id>,
}

impl<'a> DataGraph<'a> {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// The default-graph triples of `quads` (named graphs, e.g. a Data Integrity proof graph, are
    /// not part of the SHACL data graph).
    pub fn from_default_graph(quads: &'a [Quad]) -> Self {
        Self::from_default_graph_where(quads, |_| true)
    }

    /// [`DataGraph::from_default_graph`] of the quads `keep` accepts (without copying them).
    pub fn from_default_graph_where(quads: &'a [Quad], keep: impl Fn(&Quad) -> bool) -> Self {
        let n = quads.len();
        let mut g = Self {
            terms: Vec::with_capacity(n),
            iris: FxMap::with_capacity_and_hasher(n / 2, Default::default()),
            blanks: FxMap::default(),
            sp: FxMap::with_capacity_and_hasher(n, Default::default()),
            types: FxMap::with_capacity_and_hasher(n / 4, Default::default()),
            ..Self::default()
        };
        for q in quads.iter().filter(|q| q.graph.is_none() && keep(q)) {
            g.insert(&q.subject, &q.predicate, &q.object);
        }
        g
    }

    fn intern(&mut self, t: &'a Term) -> Id {
        let existing = match t {
            Term::Iri(i) => self.iris.get(i.as_str()),
            Term::Blank(b) => self.blanks.get(b.as_str()),
            Term::Literal(_) => None,
        };
        if let Some(&id) = existing {
            return id;
        }
        let id = self.terms.len() as Id;
        self.terms.push(t);
        match t {
            Term::Iri(i) => {
                self.iris.insert(i.as_str(), id);
                if i == RDF_TYPE {
                    self.rdf_type = Some(id);
                } else if i == RDFS_SUBCLASS_OF {
                    self.subclass_of = Some(id);
                }
            }
            Term::Blank(b) => {
                self.blanks.insert(b.as_str(), id);
            }
            Term::Literal(_) => {}
        }
        id
    }

    /// Adds a triple. A predicate that is not an IRI, or a literal subject, is ignored (not RDF).
    pub fn insert(&mut self, subject: &'a Term, predicate: &'a Term, object: &'a Term) {
        if matches!(subject, Term::Literal(_)) || !matches!(predicate, Term::Iri(_)) {
            return;
        }
        let s = self.intern(subject);
        let p = self.intern(predicate);
        if let Term::Literal(l) = object {
            let terms = &self.terms;
            let dup = self.sp.get(&(s, p)).is_some_and(|os| {
                os.iter()
                    .any(|&x| matches!(terms.get(x as usize), Some(Term::Literal(m)) if m == l))
            });
            if dup {
                return;
            }
        }
        let o = self.intern(object);
        let objects = self.sp.entry((s, p)).or_default();
        if objects.contains(&o) {
            return;
        }
        objects.push(o);
        self.triples += 1;
        if Some(p) == self.rdf_type {
            let types = self.types.entry(s).or_default();
            if types.is_empty() {
                self.typed.push(s);
            }
            types.push(o);
        } else if Some(p) == self.subclass_of {
            self.supers.entry(s).or_default().push(o);
        }
    }

    /// Number of (distinct) triples.
    pub fn len(&self) -> usize {
        self.triples
    }

    /// Whether the graph has no triple.
    pub fn is_empty(&self) -> bool {
        self.triples == 0
    }

    pub(crate) fn term(&self, id: Id) -> &'a Term {
        // Ids come from this graph's interner only, so the fallback is never taken.
        static MISSING: Term = Term::Blank(String::new());
        self.terms.get(id as usize).copied().unwrap_or(&MISSING)
    }

    pub(crate) fn iri_id(&self, iri: &str) -> Option<Id> {
        self.iris.get(iri).copied()
    }

    pub(crate) fn objects(&self, s: Id, p: Id) -> &[Id] {
        self.sp.get(&(s, p)).map(Vec::as_slice).unwrap_or(&[])
    }

    pub(crate) fn types_of(&self, s: Id) -> &[Id] {
        self.types.get(&s).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Typed subjects, in first-seen order.
    pub(crate) fn typed_subjects(&self) -> impl Iterator<Item = Id> + '_ {
        self.typed.iter().copied()
    }

    /// `c` and its transitive superclasses (SHACL subclass, §1.5), without duplicates.
    pub(crate) fn superclasses(&self, c: Id) -> Vec<Id> {
        let mut out = vec![c];
        let mut i = 0;
        while let Some(&current) = out.get(i) {
            if let Some(next) = self.supers.get(&current) {
                for &n in next {
                    if !out.contains(&n) {
                        out.push(n);
                    }
                }
            }
            i += 1;
        }
        out
    }
}
