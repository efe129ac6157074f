//! RDF Dataset Canonicalization, W3C RDFC-1.0 (2024 Recommendation), §4 "Canonicalization":
//!
//! - §4.4 the canonicalization algorithm (canonicalization state, unique first-degree hashes
//!   issued first, then the N-degree hash path list);
//! - §4.5 identifier issuers (canonical issuer `c14n`, temporary issuers `b`);
//! - §4.6 Hash First Degree Quads (`_:a` for the reference node, `_:z` for the others);
//! - §4.7 Hash Related Blank Node;
//! - §4.8 Hash N-Degree Quads, with the permutation search (permutations generated in the
//!   Steinhaus–Johnson–Trotter order over the sorted related list, as the reference
//!   implementation does, so that ties between automorphic nodes resolve identically);
//! - §4.9 canonical N-Quads output (sorted, one line per quad, via [`crate::nquads`]).
//!
//! §4.4 requires implementations to guard against poison graphs ("Dataset Poisoning", §7): the
//! work is bounded by [`Limits`] (calls of Hash N-Degree Quads, permutations tried, recursion
//! depth) and exceeding it is [`CanonError::TooComplex`].
//! A dataset without blank nodes takes the fast path: serialize, sort, deduplicate.

use crate::nquads::{write_quad, write_term};
use crate::term::{Quad, Term};
use crate::CanonError;
use sha2::{Digest, Sha256, Sha384};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// The hash algorithm RDFC-1.0 runs with (§4.4: SHA-256 by default; the test suite also uses
/// SHA-384).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HashAlgorithm {
    /// SHA-256 (the default, and what `eddsa-rdfc-2022` uses).
    #[default]
    Sha256,
    /// SHA-384.
    Sha384,
}

impl HashAlgorithm {
    fn hex(self, data: &[u8]) -> String {
        match self {
            HashAlgorithm::Sha256 => hex::encode(Sha256::digest(data)),
            HashAlgorithm::Sha384 => hex::encode(Sha384::digest(data)),
        }
    }
}

/// Work bound for RDFC-1.0 (the poison-graph guard of RDFC-1.0 §4.4 / §7).
///
/// The defaults let every non-poison test of the W3C RDFC-1.0 suite through and stop its poison
/// graphs within milliseconds; real credentials (a handful of blank nodes at most) are far below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum number of Hash N-Degree Quads (§4.8) invocations, recursive ones included.
    pub max_ndegree_calls: u64,
    /// Maximum number of permutations tried, over all Hash N-Degree Quads invocations.
    pub max_permutations: u64,
    /// Maximum recursion depth of Hash N-Degree Quads.
    pub max_depth: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_ndegree_calls: 4_000,
            max_permutations: 10_000,
            max_depth: 128,
        }
    }
}

/// Result of RDFC-1.0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonicalized {
    /// The canonical N-Quads document: sorted lines, each ending in `"\n"`, no duplicates.
    pub nquads: String,
    /// The canonical quads (blank nodes relabeled `c14n0`, `c14n1`, ...), in output order.
    pub quads: Vec<Quad>,
    /// The issued identifiers map (§4.4 output "issued identifiers map"): input blank node label
    /// → canonical label, in issue order.
    pub issued: Vec<(String, String)>,
    /// The work done (to compare against [`Limits`]).
    pub work: Work,
}

/// Work counters of one RDFC-1.0 run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Work {
    /// Hash N-Degree Quads calls.
    pub ndegree_calls: u64,
    /// Permutations tried.
    pub permutations: u64,
    /// Deepest Hash N-Degree Quads recursion reached.
    pub max_depth: u64,
}

impl Canonicalized {
    /// The issued identifiers map as a hash map.
    pub fn issued_map(&self) -> HashMap<String, String> {
        self.issued.iter().cloned().collect()
    }
}

/// RDFC-1.0 with an explicit hash algorithm. Duplicate input quads are removed (a dataset is a
/// set).
pub fn canonicalize(
    quads: &[Quad],
    limits: &Limits,
    algorithm: HashAlgorithm,
) -> Result<Canonicalized, CanonError> {
    for (i, q) in quads.iter().enumerate() {
        validate(i, q)?;
    }
    let has_blank = quads.iter().any(|q| {
        q.subject.is_blank() || q.object.is_blank() || q.graph.as_ref().is_some_and(Term::is_blank)
    });
    if !has_blank {
        return Ok(fast_path(quads));
    }
    // Deduplicate, keeping first occurrences (their order fixes the blank node order, §4.4.3
    // step 2, which decides ties in the hash path list).
    let mut seen: HashSet<&Quad> = HashSet::with_capacity(quads.len());
    let unique: Vec<&Quad> = quads.iter().filter(|q| seen.insert(*q)).collect();

    let mut state = State::new(&unique, limits, algorithm);
    state.run()?;
    Ok(state.output(&unique))
}

fn validate(index: usize, q: &Quad) -> Result<(), CanonError> {
    let bad = |what: &str| {
        Err(CanonError::InvalidRdf {
            message: format!("quad #{index}: {what}"),
        })
    };
    if matches!(q.subject, Term::Literal(_)) {
        return bad("a literal cannot be a subject");
    }
    if !matches!(q.predicate, Term::Iri(_)) {
        return bad("the predicate must be an IRI");
    }
    if matches!(q.graph, Some(Term::Literal(_))) {
        return bad("a literal cannot be a graph name");
    }
    Ok(())
}

/// No blank nodes: the canonical form is the sorted, deduplicated serialization (§4.4.3 with
/// an empty blank node map).
fn fast_path(quads: &[Quad]) -> Canonicalized {
    let mut lines: Vec<(String, &Quad)> = quads
        .iter()
        .map(|q| {
            let mut s = String::with_capacity(128);
            write_quad(&mut s, q);
            (s, q)
        })
        .collect();
    lines.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    lines.dedup_by(|a, b| a.0 == b.0);
    let mut nquads = String::with_capacity(lines.iter().map(|(s, _)| s.len()).sum());
    for (s, _) in &lines {
        nquads.push_str(s);
    }
    let quads = lines.into_iter().map(|(_, q)| q.clone()).collect();
    Canonicalized {
        nquads,
        quads,
        issued: Vec::new(),
        work: Work::default(),
    }
}

/// A quad component: a pre-serialized non-blank term, or a blank node index.
#[derive(Clone)]
enum Pt {
    Fixed(String),
    Blank(usize),
}

struct Pq {
    s: Pt,
    /// `<predicate>` as serialized.
    p: String,
    o: Pt,
    g: Option<Pt>,
}

/// An identifier issuer (§4.5). Identifiers are `prefix` + a counter; stored per blank node
/// index so that the many copies the permutation search makes are cheap.
#[derive(Clone)]
struct Issuer {
    prefix: &'static str,
    /// Blank node index → issued number (`NONE` when not issued).
    ids: Vec<u32>,
    /// Blank nodes in issue order (the counter is `order.len()`).
    order: Vec<usize>,
}

const NONE: u32 = u32::MAX;

impl Issuer {
    fn new(prefix: &'static str, blank_nodes: usize) -> Self {
        Self {
            prefix,
            ids: vec![NONE; blank_nodes],
            order: Vec::new(),
        }
    }
    fn has(&self, b: usize) -> bool {
        self.ids.get(b).is_some_and(|&n| n != NONE)
    }
    /// The identifier issued to `b` (without `_:`), if any.
    fn label(&self, b: usize) -> Option<String> {
        self.issued(b).map(|n| format!("{}{n}", self.prefix))
    }
    /// The number issued to `b`, if any.
    fn issued(&self, b: usize) -> Option<u32> {
        self.ids.get(b).copied().filter(|&n| n != NONE)
    }
    /// Appends `_:` + the identifier issued to `b`, if any; returns whether it did.
    fn push_id(&self, out: &mut String, b: usize) -> bool {
        let Some(n) = self.issued(b) else {
            return false;
        };
        out.push_str("_:");
        out.push_str(self.prefix);
        // Writing to a String cannot fail.
        let _ = write!(out, "{n}");
        true
    }
    /// Issues an identifier to `b` unless it has one (§4.5.1).
    fn issue(&mut self, b: usize) {
        if !self.has(b) {
            if let Some(slot) = self.ids.get_mut(b) {
                *slot = self.order.len() as u32;
                self.order.push(b);
            }
        }
    }
}

struct State<'a> {
    quads: Vec<Pq>,
    labels: Vec<String>,
    label_index: HashMap<String, usize>,
    /// Blank node → indices of the quads that mention it (each quad once).
    bnode_quads: Vec<Vec<usize>>,
    first_degree: Vec<Option<String>>,
    canonical: Issuer,
    limits: &'a Limits,
    algorithm: HashAlgorithm,
    ndegree_calls: u64,
    permutations: u64,
    max_depth: u64,
}

impl<'a> State<'a> {
    fn new<'q>(unique: &[&'q Quad], limits: &'a Limits, algorithm: HashAlgorithm) -> Self {
        let mut index: HashMap<&'q str, usize> = HashMap::new();
        let mut labels: Vec<String> = Vec::new();
        let mut bnode_quads: Vec<Vec<usize>> = Vec::new();
        let mut quads = Vec::with_capacity(unique.len());
        for (qi, q) in unique.iter().enumerate() {
            let mut conv = |t: &'q Term| -> Pt {
                match t {
                    Term::Blank(label) => {
                        let b = *index.entry(label.as_str()).or_insert_with(|| {
                            labels.push(label.clone());
                            bnode_quads.push(Vec::new());
                            labels.len() - 1
                        });
                        if let Some(mentions) = bnode_quads.get_mut(b) {
                            if mentions.last() != Some(&qi) {
                                mentions.push(qi);
                            }
                        }
                        Pt::Blank(b)
                    }
                    other => {
                        let mut s = String::new();
                        write_term(&mut s, other);
                        Pt::Fixed(s)
                    }
                }
            };
            // Components in the order subject, object, graph (§4.4.3 step 2).
            let q: &'q Quad = q;
            let s = conv(&q.subject);
            let o = conv(&q.object);
            let g = q.graph.as_ref().map(&mut conv);
            let mut p = String::new();
            write_term(&mut p, &q.predicate);
            quads.push(Pq { s, p, o, g });
        }
        let n = labels.len();
        let label_index = index.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        Self {
            quads,
            labels,
            label_index,
            bnode_quads,
            first_degree: vec![None; n],
            canonical: Issuer::new("c14n", n),
            limits,
            algorithm,
            ndegree_calls: 0,
            permutations: 0,
            max_depth: 0,
        }
    }

    /// §4.4.3 steps 3-6.
    fn run(&mut self) -> Result<(), CanonError> {
        let n = self.labels.len();
        // Step 3: first-degree hashes; hash → blank nodes (in blank node order).
        let mut by_hash: HashMap<String, Vec<usize>> = HashMap::new();
        for b in 0..n {
            let h = self.hash_first_degree(b);
            by_hash.entry(h).or_default().push(b);
        }
        let mut hashes: Vec<String> = by_hash.keys().cloned().collect();
        hashes.sort_unstable();
        // Step 4: unique hashes get canonical identifiers first, in hash order.
        let mut non_unique: Vec<Vec<usize>> = Vec::new();
        for h in &hashes {
            if let Some(list) = by_hash.remove(h) {
                match list.as_slice() {
                    [only] => self.canonical.issue(*only),
                    _ => non_unique.push(list),
                }
            }
        }
        // Step 5: the rest, by N-degree hash, in first-degree hash order.
        for list in non_unique {
            let mut hash_path_list: Vec<(String, Issuer)> = Vec::new();
            for &b in &list {
                if self.canonical.has(b) {
                    continue;
                }
                let mut temp = Issuer::new("b", self.labels.len());
                temp.issue(b);
                hash_path_list.push(self.hash_n_degree(b, temp, 0)?);
            }
            // Stable sort: equal hashes keep blank node order.
            hash_path_list.sort_by(|a, b| a.0.cmp(&b.0));
            for (_, issuer) in hash_path_list {
                for &b in &issuer.order {
                    self.canonical.issue(b);
                }
            }
        }
        Ok(())
    }

    fn output(&self, unique: &[&Quad]) -> Canonicalized {
        let relabel = |t: &Term| -> Term {
            match t {
                Term::Blank(label) => {
                    // Every blank node has been issued a canonical identifier by now.
                    let id = self
                        .label_index
                        .get(label)
                        .and_then(|&b| self.canonical.label(b))
                        .unwrap_or_else(|| label.clone());
                    Term::Blank(id)
                }
                other => other.clone(),
            }
        };
        let mut lines: Vec<(String, Quad)> = unique
            .iter()
            .zip(&self.quads)
            .map(|(q, pq)| {
                let mut s = String::with_capacity(160);
                self.write_pq(&mut s, pq, &|b| {
                    format!(
                        "_:{}",
                        self.canonical
                            .label(b)
                            .or_else(|| self.labels.get(b).cloned())
                            .unwrap_or_default()
                    )
                });
                let quad = Quad::new(
                    relabel(&q.subject),
                    q.predicate.clone(),
                    relabel(&q.object),
                    q.graph.as_ref().map(relabel),
                );
                (s, quad)
            })
            .collect();
        lines.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        lines.dedup_by(|a, b| a.0 == b.0);
        let nquads = lines.iter().map(|(s, _)| s.as_str()).collect();
        let quads = lines.into_iter().map(|(_, q)| q).collect();
        let issued = self
            .canonical
            .order
            .iter()
            .filter_map(|&b| Some((self.labels.get(b)?.clone(), self.canonical.label(b)?)))
            .collect();
        let work = Work {
            ndegree_calls: self.ndegree_calls,
            permutations: self.permutations,
            max_depth: self.max_depth,
        };
        Canonicalized {
            nquads,
            quads,
            issued,
            work,
        }
    }

    fn write_pq(&self, out: &mut String, q: &Pq, label: &dyn Fn(usize) -> String) {
        let comp = |out: &mut String, t: &Pt| match t {
            Pt::Fixed(s) => out.push_str(s),
            Pt::Blank(b) => out.push_str(&label(*b)),
        };
        comp(out, &q.s);
        out.push(' ');
        out.push_str(&q.p);
        out.push(' ');
        comp(out, &q.o);
        if let Some(g) = &q.g {
            out.push(' ');
            comp(out, g);
        }
        out.push_str(" .\n");
    }

    /// §4.6 Hash First Degree Quads (memoized).
    fn hash_first_degree(&mut self, b: usize) -> String {
        if let Some(Some(h)) = self.first_degree.get(b) {
            return h.clone();
        }
        let mut lines: Vec<String> = self
            .bnode_quads
            .get(b)
            .into_iter()
            .flatten()
            .filter_map(|&qi| self.quads.get(qi))
            .map(|quad| {
                let mut s = String::with_capacity(160);
                self.write_pq(&mut s, quad, &|x| {
                    if x == b {
                        "_:a".to_owned()
                    } else {
                        "_:z".to_owned()
                    }
                });
                s
            })
            .collect();
        lines.sort_unstable();
        let h = self.algorithm.hex(lines.concat().as_bytes());
        if let Some(slot) = self.first_degree.get_mut(b) {
            *slot = Some(h.clone());
        }
        h
    }

    /// §4.7 Hash Related Blank Node.
    fn hash_related(
        &mut self,
        related: usize,
        qi: usize,
        issuer: &Issuer,
        position: char,
    ) -> String {
        let mut input = String::with_capacity(160);
        input.push(position);
        if position != 'g' {
            if let Some(q) = self.quads.get(qi) {
                input.push_str(&q.p);
            }
        }
        if self.canonical.push_id(&mut input, related) || issuer.push_id(&mut input, related) {
            // The canonical identifier, else the one `issuer` issued.
        } else {
            input.push_str(&self.hash_first_degree(related));
        }
        self.algorithm.hex(input.as_bytes())
    }

    /// §4.8 Hash N-Degree Quads. Returns the hash and the resulting issuer.
    fn hash_n_degree(
        &mut self,
        b: usize,
        mut issuer: Issuer,
        depth: u64,
    ) -> Result<(String, Issuer), CanonError> {
        self.ndegree_calls += 1;
        if self.ndegree_calls > self.limits.max_ndegree_calls {
            return Err(CanonError::TooComplex {
                what: "Limits::max_ndegree_calls (Hash N-Degree Quads calls)",
                count: self.ndegree_calls,
                limit: self.limits.max_ndegree_calls,
            });
        }
        self.max_depth = self.max_depth.max(depth);
        if depth > self.limits.max_depth {
            return Err(CanonError::TooComplex {
                what: "Limits::max_depth (Hash N-Degree Quads recursion depth)",
                count: depth,
                limit: self.limits.max_depth,
            });
        }
        // Steps 1-3: related hash → related blank nodes (duplicates kept, as in the reference
        // implementation).
        let mut related: HashMap<String, Vec<usize>> = HashMap::new();
        let quad_ids = self.bnode_quads.get(b).cloned().unwrap_or_default();
        for qi in quad_ids {
            let comps: [(Option<usize>, char); 3] = {
                let Some(q) = self.quads.get(qi) else {
                    continue;
                };
                let blank = |t: &Pt| match t {
                    Pt::Blank(x) if *x != b => Some(*x),
                    _ => None,
                };
                [
                    (blank(&q.s), 's'),
                    (blank(&q.o), 'o'),
                    (q.g.as_ref().and_then(blank), 'g'),
                ]
            };
            for (c, pos) in comps {
                if let Some(r) = c {
                    let h = self.hash_related(r, qi, &issuer, pos);
                    related.entry(h).or_default().push(r);
                }
            }
        }
        let mut keys: Vec<String> = related.keys().cloned().collect();
        keys.sort_unstable();
        // Steps 4-5.
        let mut data = String::new();
        for key in keys {
            data.push_str(&key);
            let mut list = related.remove(&key).unwrap_or_default();
            let mut chosen_path = String::new();
            let mut chosen_issuer: Option<Issuer> = None;
            let labels = &self.labels;
            list.sort_by(|x, y| labels.get(*x).cmp(&labels.get(*y)));
            // Rank by label: equal labels (duplicates) share a rank.
            let mut ranked: Vec<(usize, usize)> = Vec::with_capacity(list.len());
            for (i, &x) in list.iter().enumerate() {
                let rank = match ranked.last() {
                    Some(&(prev, r)) if labels.get(prev) == labels.get(x) => r,
                    _ => i,
                };
                ranked.push((x, rank));
            }
            let mut perms = Permuter::new(ranked);
            while let Some(perm) = perms.next_perm() {
                self.permutations += 1;
                if self.permutations > self.limits.max_permutations {
                    return Err(CanonError::TooComplex {
                        what: "Limits::max_permutations (permutations tried)",
                        count: self.permutations,
                        limit: self.limits.max_permutations,
                    });
                }
                let mut issuer_copy = issuer.clone();
                let mut path = String::new();
                let mut recursion: Vec<usize> = Vec::new();
                let mut skip = false;
                for &r in &perm {
                    if !self.canonical.push_id(&mut path, r) {
                        if !issuer_copy.has(r) {
                            recursion.push(r);
                        }
                        issuer_copy.issue(r);
                        issuer_copy.push_id(&mut path, r);
                    }
                    if passes_chosen(&path, &chosen_path) {
                        skip = true;
                        break;
                    }
                }
                if skip {
                    continue;
                }
                for r in recursion {
                    let (h, result_issuer) =
                        self.hash_n_degree(r, issuer_copy.clone(), depth + 1)?;
                    issuer_copy.issue(r);
                    issuer_copy.push_id(&mut path, r);
                    path.push('<');
                    path.push_str(&h);
                    path.push('>');
                    issuer_copy = result_issuer;
                    if passes_chosen(&path, &chosen_path) {
                        skip = true;
                        break;
                    }
                }
                if skip {
                    continue;
                }
                if chosen_path.is_empty() || path < chosen_path {
                    chosen_path = path;
                    chosen_issuer = Some(issuer_copy);
                }
            }
            data.push_str(&chosen_path);
            if let Some(ci) = chosen_issuer {
                issuer = ci;
            }
        }
        Ok((self.algorithm.hex(data.as_bytes()), issuer))
    }
}

/// Steinhaus–Johnson–Trotter permutations of a list sorted by label (the reference
/// implementation's permuter; equal elements share a direction, so duplicates are not permuted
/// among themselves). Elements are `(blank node, rank of its label)`.
struct Permuter {
    current: Vec<(usize, usize)>,
    /// Direction per rank: `true` = looking left.
    dir_left: HashMap<usize, bool>,
    done: bool,
}

impl Permuter {
    fn new(sorted: Vec<(usize, usize)>) -> Self {
        let dir_left = sorted.iter().map(|&(_, r)| (r, true)).collect();
        Self {
            current: sorted,
            dir_left,
            done: false,
        }
    }

    fn next_perm(&mut self) -> Option<Vec<usize>> {
        if self.done {
            return None;
        }
        let rval = self.current.iter().map(|&(b, _)| b).collect();
        let mut k: Option<usize> = None;
        let mut pos = 0;
        for (i, &(_, e)) in self.current.iter().enumerate() {
            let left = self.dir_left.get(&e).copied().unwrap_or(true);
            let larger = k.is_none_or(|kv| e > kv);
            // Mobile: larger than the neighbour it looks at.
            let neighbour = if left {
                i.checked_sub(1)
            } else {
                i.checked_add(1)
            };
            let mobile = neighbour
                .and_then(|j| self.current.get(j))
                .is_some_and(|&(_, n)| e > n);
            if larger && mobile {
                k = Some(e);
                pos = i;
            }
        }
        match k {
            None => self.done = true,
            Some(kv) => {
                let left = self.dir_left.get(&kv).copied().unwrap_or(true);
                let swap = if left { pos - 1 } else { pos + 1 };
                self.current.swap(pos, swap);
                // Toggled once per occurrence, as the reference implementation does.
                let larger: Vec<usize> = self
                    .current
                    .iter()
                    .map(|&(_, r)| r)
                    .filter(|&r| r > kv)
                    .collect();
                for r in larger {
                    if let Some(d) = self.dir_left.get_mut(&r) {
                        *d = !*d;
                    }
                }
            }
        }
        Some(rval)
    }
}

/// RDFC-1.0 §4.8.3 (Hash N-Degree Quads), step 5.4: once `path` is at least as long as a
/// non-empty `chosen` path and sorts after it, the permutation is skipped.
fn passes_chosen(path: &str, chosen: &str) -> bool {
    !chosen.is_empty() && path.len() >= chosen.len() && path > chosen
}
