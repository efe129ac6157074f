//! Direct expansion to RDF: JSON-LD 1.1 Processing Algorithms and API §5.1.2 (Expansion
//! Algorithm), §5.3.2 (Value Expansion), §7.2.2 (Node Map Generation, as far as it decides which
//! quads exist) and §8.2 / §8.6 (Deserialize JSON-LD to RDF, Object to RDF, list conversion),
//! fused into one walk over the JSON document that emits quads as it goes. No expanded JSON tree
//! and no node map is built: a dataset is a set, so node merging is a sort + dedup at the end.
//!
//! Safe mode (as the oracle and jsonld.js `safe: true`): a key that expands to nothing is an
//! error, and so is a relative IRI in `@id`, `@type` or an IRI-coerced value. Every construct
//! outside the compiled subset is a [`Fail::Declined`], never a guess.

use super::context::{
    colon_after_first, expand_iri_ro, ActiveContext, Env, Mode, Str, TermDef, TypeMap, C_GRAPH,
    C_LANGUAGE, C_LIST,
};
use super::emit::{
    jcs, number_lex, Out, RDF_FIRST, RDF_JSON, RDF_NIL, RDF_REST, RDF_TYPE, T, XSD_BOOLEAN,
    XSD_DOUBLE,
};
use super::iri::{
    is_absolute, is_blank, is_keyword, is_nquads_safe, is_oracle_blank_id, looks_like_keyword,
    KEYWORDS,
};
use super::{decline, err, Fail, FastError};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

fn relative(value: &str) -> Fail {
    Fail::Error(FastError::RelativeIri(value.to_owned()))
}

/// The active property of an expansion step.
#[derive(Clone, Copy)]
enum Ap<'v> {
    /// Top level (null active property).
    Top,
    /// `@graph`.
    Graph,
    /// A term / IRI key of the enclosing node.
    Key(&'v str),
}

impl Ap<'_> {
    fn free_floating(self) -> bool {
        matches!(self, Ap::Top | Ap::Graph)
    }
}

/// One expanded value, its quads (if a node) already emitted.
enum Item {
    Node(T),
    Lit(T),
    List(Vec<Item>),
}

/// A key of a map after IRI expansion.
enum Key {
    Kw(&'static str),
    Prop(Str, Option<Arc<TermDef>>),
}

fn static_keyword(s: &str) -> Option<&'static str> {
    KEYWORDS.iter().copied().find(|k| *k == s)
}

/// A document's top-level object as a view: a map with some members left out and some replaced
/// or added, so Data Integrity can hash "the document without `proof`, with the DI context"
/// without copying a credential that may carry 100 KB of images (see [`crate::DocumentView`]).
#[derive(Clone, Copy)]
pub(crate) struct View<'v> {
    pub base: &'v Map<String, Value>,
    pub omit: &'v [&'v str],
    pub replace: &'v [(&'v str, &'v Value)],
}

/// A JSON object being expanded: a plain map or the top-level [`View`].
#[derive(Clone, Copy)]
enum Obj<'v> {
    Plain(&'v Map<String, Value>),
    View(View<'v>),
}

impl<'v> Obj<'v> {
    fn get(self, key: &str) -> Option<&'v Value> {
        match self {
            // Most objects of a credential have a handful of members: a scan beats hashing the
            // key with the map's SipHash.
            Obj::Plain(m) if m.len() <= 8 => {
                m.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
            }
            Obj::Plain(m) => m.get(key),
            Obj::View(v) => {
                if let Some((_, val)) = v.replace.iter().find(|(k, _)| *k == key) {
                    return Some(*val);
                }
                if v.omit.contains(&key) {
                    return None;
                }
                v.base.get(key)
            }
        }
    }

    fn contains_key(self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The members, in document order (replacements in place, additions last).
    fn entries(self) -> ObjIter<'v> {
        match self {
            Obj::Plain(m) => ObjIter {
                base: m.iter(),
                view: None,
                extra: 0,
            },
            Obj::View(v) => ObjIter {
                base: v.base.iter(),
                view: Some(v),
                extra: 0,
            },
        }
    }

    fn len(self) -> usize {
        self.entries().count()
    }
}

struct ObjIter<'v> {
    base: serde_json::map::Iter<'v>,
    view: Option<View<'v>>,
    extra: usize,
}

impl<'v> Iterator for ObjIter<'v> {
    type Item = (&'v str, &'v Value);

    fn next(&mut self) -> Option<Self::Item> {
        let Some(view) = self.view else {
            return self.base.next().map(|(k, v)| (k.as_str(), v));
        };
        for (k, v) in self.base.by_ref() {
            if let Some((_, val)) = view.replace.iter().find(|(rk, _)| *rk == k.as_str()) {
                return Some((k.as_str(), *val));
            }
            if !view.omit.contains(&k.as_str()) {
                return Some((k.as_str(), v));
            }
        }
        while let Some((k, val)) = view.replace.get(self.extra) {
            self.extra += 1;
            if !view.base.contains_key(*k) {
                return Some((*k, *val));
            }
        }
        None
    }
}

/// The keys of a map with their expansion (Expansion §5.1.2 step 13.2) and their values.
type Keys<'v> = Vec<(&'v str, Key, &'v Value)>;

/// The keywords a map uses (Expansion §5.1.2 step 13.2), as far as the kind of object depends
/// on them.
#[derive(Clone, Copy, Default)]
struct KeyFlags {
    value: bool,
    list: bool,
    set: bool,
    id: bool,
    graph: bool,
    type_: bool,
}

pub(crate) struct Expander<'a, 'e, 'v> {
    pub env: &'e mut Env<'a>,
    pub out: Out,
    pub base_url: Option<Str>,
    doc_blanks: HashMap<String, T>,
    /// Depth of list nesting (relative IRIs inside lists are declined: the oracle does not
    /// reject them there).
    in_list: u32,
    /// Reusable item vectors (one allocation per nesting level, not per property).
    pool: Vec<Vec<Item>>,
    /// Current map nesting depth.
    depth: u32,
    /// Node objects already emitted in full, by (expanded `@id`, active context id, type-scoped
    /// context id; ids are unique per context, unlike addresses): an identical object met again
    /// (the same organisation with its 10 KB logo under several claims) would emit exactly the
    /// same quads, which the canonical form drops as duplicates, so it is not walked again. Only objects whose walk created no blank node are
    /// recorded (a walk that creates blank nodes makes new ones each time), only in the default
    /// graph and outside lists.
    node_memo: HashMap<(String, u64, u64), &'v Map<String, Value>>,
}

/// Maximum map nesting the fast path follows (deeper documents are declined).
const MAX_NESTING: u32 = 256;

impl<'a, 'e, 'v> Expander<'a, 'e, 'v> {
    pub(crate) fn new(env: &'e mut Env<'a>, base_url: Option<Str>, size_hint: usize) -> Self {
        Expander {
            env,
            out: Out::pooled(size_hint),
            base_url,
            doc_blanks: HashMap::new(),
            in_list: 0,
            pool: Vec::new(),
            depth: 0,
            node_memo: HashMap::new(),
        }
    }

    /// Runs expansion + toRdf over a whole document.
    pub(crate) fn document(
        &mut self,
        ctx: &Arc<ActiveContext>,
        doc: &'v Value,
    ) -> Result<(), Fail> {
        let mut items = Vec::new();
        self.element(ctx, None, Ap::Top, doc, None, false, &mut items)
    }

    /// Runs expansion + toRdf over a top-level [`View`].
    pub(crate) fn document_view(
        &mut self,
        ctx: &Arc<ActiveContext>,
        view: View<'v>,
    ) -> Result<(), Fail> {
        let mut items = Vec::new();
        self.depth += 1;
        let r = self.map(ctx, None, Ap::Top, Obj::View(view), None, &mut items);
        self.depth -= 1;
        r
    }

    fn blank_label(&mut self, label: &str) -> T {
        if let Some(t) = self.doc_blanks.get(label) {
            return *t;
        }
        let t = self.out.blank();
        self.doc_blanks.insert(label.to_owned(), t);
        t
    }

    /// A node identifier (`@id` value, IRI-coerced value, `@type` value) as a term.
    fn id_term(&mut self, iri: &str, what: &str) -> Result<T, Fail> {
        if is_blank(iri) {
            if !is_oracle_blank_id(iri) {
                return Err(decline(
                    "blank node identifier with an unusual label",
                    format!("{what}: {iri}"),
                ));
            }
            return Ok(self.blank_label(iri));
        }
        if is_keyword(iri) {
            return Err(decline("keyword as identifier", format!("{what}: {iri}")));
        }
        if !is_absolute(iri) {
            if self.in_list > 0 {
                return Err(decline(
                    "relative IRI inside a list",
                    format!("{what}: {iri}"),
                ));
            }
            return Err(relative(iri));
        }
        if !is_nquads_safe(iri) {
            return Err(decline("IRI not representable in N-Quads", iri.to_owned()));
        }
        Ok(self.out.iri(iri))
    }

    /// Expands a key (§5.1.2 step 13.2-13.3 in safe mode).
    fn key(&self, ctx: &ActiveContext, key: &str) -> Result<Key, Fail> {
        if key.starts_with('@') {
            if let Some(k) = static_keyword(key) {
                return Ok(Key::Kw(k));
            }
        }
        if let Some(def) = ctx.terms.get(key) {
            return match &def.iri {
                None => Err(decline("term mapped to null", key.to_owned())),
                Some(iri) => {
                    if iri.starts_with('@') {
                        match static_keyword(iri) {
                            Some(k) => Ok(Key::Kw(k)),
                            None => Err(decline("odd keyword alias", key.to_owned())),
                        }
                    } else {
                        if !def.prop_ok {
                            check_property(iri)?;
                        }
                        Ok(Key::Prop(iri.clone(), Some(def.clone())))
                    }
                }
            };
        }
        if looks_like_keyword(key) {
            return Err(decline("keyword-like key", key.to_owned()));
        }
        match expand_iri_ro(ctx, key, false, true)? {
            Some(e) if e.contains(':') => {
                if let Some(k) = static_keyword(&e) {
                    return Ok(Key::Kw(k));
                }
                check_property(&e)?;
                Ok(Key::Prop(Str::from(&*e), None))
            }
            Some(e) if is_keyword(&e) => match static_keyword(&e) {
                Some(k) => Ok(Key::Kw(k)),
                None => Err(decline("odd keyword", key.to_owned())),
            },
            _ => Err(Fail::Error(FastError::UndefinedTerm(key.to_owned()))),
        }
    }

    /// Cheap key check for the step-7 revert test: does `key` expand to `kw`?
    fn kw_of<'c>(&self, ctx: &'c ActiveContext, key: &'c str) -> Option<&'c str> {
        if key.starts_with('@') {
            return Some(key);
        }
        ctx.alias_of(key)
    }

    fn key_is(&self, ctx: &ActiveContext, key: &str, kw: &str) -> bool {
        if key == kw {
            return true;
        }
        ctx.alias_of(key) == Some(kw)
    }

    /// Expansion §5.1.2 for any element; pushes the expanded items into `items`.
    // The parameters of the JSON-LD 1.1 API algorithm, passed as the specification names them.
    #[allow(clippy::too_many_arguments)]
    fn element(
        &mut self,
        ctx: &Arc<ActiveContext>,
        prop_def: Option<&Arc<TermDef>>,
        ap: Ap<'v>,
        element: &'v Value,
        graph: Option<T>,
        inside_list: bool,
        items: &mut Vec<Item>,
    ) -> Result<(), Fail> {
        match element {
            Value::Null => Ok(()),
            Value::Array(arr) => {
                for it in arr {
                    if inside_list && it.is_array() {
                        let mut sub = Vec::new();
                        self.element(ctx, prop_def, ap, it, graph, true, &mut sub)?;
                        items.push(Item::List(sub));
                    } else {
                        if inside_list {
                            if let Value::Object(m) = it {
                                if m.keys().any(|k| self.key_is(ctx, k, "@set")) {
                                    return Err(decline("@set inside a list", ""));
                                }
                            }
                        }
                        self.element(ctx, prop_def, ap, it, graph, inside_list, items)?;
                    }
                }
                Ok(())
            }
            Value::Object(map) => {
                // Nesting guard (a document built in memory can be deeper than serde_json parses).
                if self.depth > MAX_NESTING {
                    return Err(decline(
                        "nesting too deep",
                        format!("more than {MAX_NESTING} levels"),
                    ));
                }
                self.depth += 1;
                let r = self.map(ctx, prop_def, ap, Obj::Plain(map), graph, items);
                self.depth -= 1;
                r
            }
            scalar => {
                // Step 4.
                let key = match ap {
                    Ap::Top | Ap::Graph => return Ok(()),
                    Ap::Key(k) => k,
                };
                let (ctx2, def2);
                let (c, d) = match prop_def.and_then(|d| d.context.as_ref()) {
                    Some(scoped) => {
                        ctx2 = self
                            .env
                            .apply_scoped(ctx, scoped, Mode::ScalarPropertyScoped)?;
                        def2 = ctx2.terms.get(key).cloned();
                        (&ctx2, def2.as_ref())
                    }
                    None => (ctx, prop_def),
                };
                let t = self.value(c, d, scalar)?;
                items.push(t);
                Ok(())
            }
        }
    }

    /// Value Expansion §5.3.2 followed by Object to RDF §8.6, for a scalar.
    fn value(
        &mut self,
        ctx: &ActiveContext,
        def: Option<&Arc<TermDef>>,
        v: &Value,
    ) -> Result<Item, Fail> {
        let tm = def.and_then(|d| d.type_map.as_ref());
        if let Value::String(s) = v {
            match tm {
                Some(TypeMap::Id) => {
                    let e = expand_iri_ro(ctx, s, true, false)?.unwrap_or_default();
                    return Ok(Item::Node(self.id_term(&e, "an @id-coerced value")?));
                }
                Some(TypeMap::Vocab) => {
                    let e = match expand_iri_ro(ctx, s, true, true)? {
                        Some(e) => e,
                        None => return Err(decline("@vocab value mapped to null", s.clone())),
                    };
                    return Ok(Item::Node(self.id_term(&e, "a @vocab-coerced value")?));
                }
                _ => {}
            }
        }
        match tm {
            Some(TypeMap::Json) => Err(decline("@json scalar via scoped context", "")),
            Some(TypeMap::Iri(dt)) => {
                let dt = dt.clone();
                Ok(Item::Lit(self.literal(v, Some(&dt), None)?))
            }
            _ => {
                let lang = if v.is_string() {
                    match def.and_then(|d| d.language.as_ref()) {
                        Some(l) => l.clone(),
                        None => ctx.language.clone(),
                    }
                } else {
                    None
                };
                Ok(Item::Lit(self.literal(v, None, lang.as_deref())?))
            }
        }
    }

    /// Object to RDF §8.6 for a value object's `@value` (not `@json`).
    fn literal(
        &mut self,
        v: &Value,
        datatype: Option<&str>,
        lang: Option<&str>,
    ) -> Result<T, Fail> {
        match v {
            Value::Bool(b) => {
                let lex = if *b { "true" } else { "false" };
                self.out.typed(lex, datatype.unwrap_or(XSD_BOOLEAN))
            }
            Value::Number(n) => {
                let (lex, default_dt) = number_lex(n, datatype)?;
                self.out.typed(&lex, datatype.unwrap_or(default_dt))
            }
            Value::String(s) => match (lang, datatype) {
                (Some(l), None) => self.out.lang(s, l),
                (None, Some(dt)) if dt == XSD_DOUBLE => {
                    Err(decline("string with xsd:double type", s.clone()))
                }
                (None, Some(dt)) => self.out.typed(s, dt),
                (None, None) => self.out.plain(s),
                (Some(_), Some(_)) => Err(err("invalid value object", "both @type and @language")),
            },
            _ => Err(err("invalid value object value", v.to_string())),
        }
    }

    fn json_literal(&mut self, v: &Value) -> Result<T, Fail> {
        let mut s = String::new();
        jcs(v, &mut s)?;
        self.out.typed(&s, RDF_JSON)
    }

    /// Expansion §5.1.2 steps 6-20 for a map.
    fn map(
        &mut self,
        ctx_in: &Arc<ActiveContext>,
        prop_def: Option<&Arc<TermDef>>,
        ap: Ap<'v>,
        map: Obj<'v>,
        graph: Option<T>,
        items: &mut Vec<Item>,
    ) -> Result<(), Fail> {
        let (ctx, type_ctx) = self.contexts(ctx_in, prop_def, map)?;
        let (keys, flags) = self.keys_of(&ctx, map)?;
        let KeyFlags {
            value: has_value,
            list: has_list,
            set: has_set,
            id: has_id,
            graph: has_graph,
            type_: has_type,
        } = flags;
        if has_value {
            return self.value_object(&type_ctx, ap, &keys, items);
        }
        if has_list || has_set {
            return self.set_or_list(&ctx, prop_def, ap, &keys, flags, graph, items);
        }
        if map.contains_key("@language")
            || keys
                .iter()
                .any(|(_, k, _)| matches!(k, Key::Kw("@language")))
        {
            return Err(decline("@language in a node object", ""));
        }

        // A node object. Top-level unwrap of a lone @graph (expansion §5.1.2 post-processing).
        let mut unwrap = false;
        if has_graph && matches!(ap, Ap::Top) && !has_id && !has_type {
            let others = keys
                .iter()
                .filter(|(_, k, _)| !matches!(k, Key::Kw("@graph")))
                .count();
            let null_others = keys
                .iter()
                .filter(|(_, k, v)| !matches!(k, Key::Kw("@graph")) && v.is_null())
                .count();
            if others == null_others {
                unwrap = true;
            } else {
                return Err(decline("top-level @graph with other entries", ""));
            }
        }

        // Subject.
        let mut memo_key: Option<(String, u64, u64)> = None;
        let subject = match keys.iter().find(|(_, k, _)| matches!(k, Key::Kw("@id"))) {
            Some((_, _, v)) => match v {
                Value::String(s) => {
                    if looks_like_keyword(s) {
                        return Err(decline("keyword-like @id", s.clone()));
                    }
                    let e = expand_iri_ro(&ctx, s, true, false)?.unwrap_or_default();
                    let t = self.id_term(&e, "@id")?;
                    if let (Obj::Plain(m), None, 0, false, T::Iri(_)) =
                        (map, graph, self.in_list, has_graph, t)
                    {
                        let key = (e.to_string(), ctx.id, type_ctx.id);
                        if let Some(prev) = self.node_memo.get(&key) {
                            if std::ptr::eq(*prev, m) || **prev == *m {
                                // Already emitted, quad for quad: only the reference is new.
                                if !ap.free_floating() {
                                    items.push(Item::Node(t));
                                }
                                return Ok(());
                            }
                        }
                        memo_key = Some(key);
                    }
                    t
                }
                _ => return Err(err("invalid @id value", v.to_string())),
            },
            None => self.out.blank(),
        };
        let blanks_before = self.out.blank_count();

        for (k, kk, v) in &keys {
            match kk {
                Key::Kw("@id") => {}
                Key::Kw("@type") => {
                    let vals: Vec<&Value> = match v {
                        Value::Array(a) => a.iter().collect(),
                        other => vec![other],
                    };
                    let p = self.out.pred(RDF_TYPE);
                    for tv in vals {
                        let s = match tv {
                            Value::String(s) => s,
                            _ => return Err(err("invalid type value", tv.to_string())),
                        };
                        let e = match expand_iri_ro(&type_ctx, s, true, true)? {
                            Some(e) => e,
                            None => return Err(decline("@type value mapped to null", s.clone())),
                        };
                        let t = self.id_term(&e, "@type")?;
                        self.out.quad(subject, p, t, graph);
                    }
                }
                Key::Kw("@graph") => {
                    let g = if unwrap { None } else { Some(subject) };
                    let mut sub = Vec::new();
                    self.element(&ctx, None, Ap::Graph, v, g, false, &mut sub)?;
                }
                Key::Kw(other) => {
                    return Err(decline("keyword in node object", (*other).to_owned()))
                }
                Key::Prop(iri, def) => {
                    self.property(&ctx, subject, iri, def.as_ref(), k, v, graph)?;
                }
            }
        }
        if let (Some(key), Obj::Plain(m)) = (memo_key, map) {
            if self.out.blank_count() == blanks_before {
                self.node_memo.insert(key, m);
            }
        }
        if !ap.free_floating() {
            items.push(Item::Node(subject));
        }
        Ok(())
    }

    /// Expansion §5.1.2 steps 7-11: the active context for a map (a non-propagated context
    /// reverted, then property-scoped, embedded and type-scoped contexts applied) and the
    /// type-scoped context its `@type` values are expanded in.
    fn contexts(
        &mut self,
        ctx_in: &Arc<ActiveContext>,
        prop_def: Option<&Arc<TermDef>>,
        map: Obj<'v>,
    ) -> Result<(Arc<ActiveContext>, Arc<ActiveContext>), Fail> {
        let mut ctx = ctx_in.clone();
        // Step 7: revert a non-propagated context for a new node object.
        if let Some(prev) = &ctx_in.previous {
            let mut revert = true;
            for (k, _) in map.entries() {
                match self.kw_of(ctx_in, k) {
                    Some("@value") => {
                        revert = false;
                        break;
                    }
                    Some("@id") if map.len() == 1 => {
                        revert = false;
                        break;
                    }
                    _ => {}
                }
            }
            if revert {
                ctx = prev.clone();
            }
        }
        // Step 8: property-scoped context (from the term definition in the incoming context).
        if let Some(scoped) = prop_def.and_then(|d| d.context.as_ref()) {
            ctx = self.env.apply_scoped(&ctx, scoped, Mode::PropertyScoped)?;
        }
        // Step 9: embedded context.
        if let Some(local) = map.get("@context") {
            let base = self.base_url.clone();
            ctx = self.env.apply_embedded(&ctx, local, base.as_ref())?;
        }
        // Steps 10-11: type-scoped contexts (looked up in the type-scoped context, applied in
        // lexicographic order of key, then of value).
        let type_ctx = ctx.clone();
        let mut type_entries: [Option<(&'v str, &'v Value)>; 2] = [None, None];
        let mut n_type = 0;
        for (k, v) in map.entries() {
            if self.kw_of(&type_ctx, k) == Some("@type") {
                if let Some(slot) = type_entries.get_mut(n_type) {
                    *slot = Some((k, v));
                }
                n_type += 1;
            }
        }
        if n_type > 2 {
            return Err(decline("more than two @type entries", ""));
        }
        if n_type == 2 {
            if let [Some(a), Some(b)] = &mut type_entries {
                if b.0 < a.0 {
                    std::mem::swap(a, b);
                }
            }
        }
        for (_, tv) in type_entries.iter().flatten() {
            let vals: &[Value] = match tv {
                Value::Array(a) => a,
                other => std::slice::from_ref(*other),
            };
            let mut scoped: Vec<(&str, Arc<super::context::Scoped>)> = Vec::new();
            for t in vals.iter().filter_map(Value::as_str) {
                if let Some(sc) = type_ctx.terms.get(t).and_then(|d| d.context.clone()) {
                    scoped.push((t, sc));
                }
            }
            scoped.sort_unstable_by(|a, b| a.0.cmp(b.0));
            for (_, sc) in &scoped {
                ctx = self.env.apply_scoped(&ctx, sc, Mode::TypeScoped)?;
            }
        }
        Ok((ctx, type_ctx))
    }

    /// Expansion §5.1.2 step 13.2 for every key of a map (`@context` aside), in the final
    /// active context, with the keywords the map uses.
    fn keys_of(&self, ctx: &ActiveContext, map: Obj<'v>) -> Result<(Keys<'v>, KeyFlags), Fail> {
        let pending = map
            .entries()
            .filter(|(k, _)| *k != "@context")
            .map(|(k, v)| (k, self.key(ctx, k), v));
        // Step 13.2 for every key, in the final active context.
        let mut keys: Vec<(&'v str, Key, &'v Value)> = Vec::with_capacity(16);
        let (mut has_value, mut has_list, mut has_set, mut has_id, mut has_graph, mut has_type) =
            (false, false, false, false, false, false);
        let mut seen_kw: u32 = 0;
        for (k, kk, v) in pending {
            let kk = kk?;
            if let Key::Kw(kw) = &kk {
                let bit = KEYWORDS.iter().position(|x| x == kw).unwrap_or(0) as u32;
                if *kw != "@type" {
                    if seen_kw & (1 << bit) != 0 {
                        return Err(err("colliding keywords", (*kw).to_owned()));
                    }
                    seen_kw |= 1 << bit;
                }
                match *kw {
                    "@value" => has_value = true,
                    "@list" => has_list = true,
                    "@set" => has_set = true,
                    "@id" => has_id = true,
                    "@graph" => has_graph = true,
                    "@type" => has_type = true,
                    "@context" => return Err(decline("aliased @context", k.to_owned())),
                    "@language" => {}
                    _ => {
                        return Err(decline(
                            "keyword outside the compiled subset",
                            (*kw).to_owned(),
                        ))
                    }
                }
            }
            keys.push((k, kk, v));
        }

        let flags = KeyFlags {
            value: has_value,
            list: has_list,
            set: has_set,
            id: has_id,
            graph: has_graph,
            type_: has_type,
        };
        Ok((keys, flags))
    }

    /// A set or list object (Expansion §5.1.2 steps 13.4.13 / 13.4.14 and 18).
    // The expansion state of the map being expanded, passed as the algorithm's own parameters.
    #[allow(clippy::too_many_arguments)]
    fn set_or_list(
        &mut self,
        ctx: &Arc<ActiveContext>,
        prop_def: Option<&Arc<TermDef>>,
        ap: Ap<'v>,
        keys: &[(&'v str, Key, &'v Value)],
        KeyFlags {
            list: has_list,
            set: has_set,
            ..
        }: KeyFlags,
        graph: Option<T>,
        items: &mut Vec<Item>,
    ) -> Result<(), Fail> {
        for (k, kk, _) in keys {
            match kk {
                Key::Kw("@list") | Key::Kw("@set") => {}
                _ => return Err(err("invalid set or list object", (*k).to_owned())),
            }
        }
        if has_list && has_set {
            return Err(err("invalid set or list object", "both @list and @set"));
        }
        let Some((_, _, v)) = keys.first() else {
            return Err(decline("empty set or list object", ""));
        };
        if has_set {
            let inside = prop_def.is_some_and(|d| d.container & C_LIST != 0);
            if inside {
                return Err(decline("@set inside a list", ""));
            }
            let d = ctx.terms.get(ap_key(ap)).cloned();
            return self.element(ctx, d.as_ref(), ap, v, graph, false, items);
        }
        // @list
        if ap.free_floating() {
            return Ok(());
        }
        let d = ctx.terms.get(ap_key(ap)).cloned();
        let mut sub = Vec::new();
        self.in_list += 1;
        self.element(ctx, d.as_ref(), ap, v, graph, true, &mut sub)?;
        self.in_list -= 1;
        items.push(Item::List(sub));
        Ok(())
    }

    /// Steps 13.5-13.14 for one property of a node, emitting its quads.
    // The parameters of the JSON-LD 1.1 API algorithm, passed as the specification names them.
    #[allow(clippy::too_many_arguments)]
    fn property(
        &mut self,
        ctx: &Arc<ActiveContext>,
        subject: T,
        iri: &str,
        def: Option<&Arc<TermDef>>,
        key: &'v str,
        v: &'v Value,
        graph: Option<T>,
    ) -> Result<(), Fail> {
        let container = def.map_or(0, |d| d.container);
        // 13.6 @json
        if matches!(def.and_then(|d| d.type_map.as_ref()), Some(TypeMap::Json)) {
            let o = self.json_literal(v)?;
            let p = self.out.pred(iri);
            self.out.quad(subject, p, o, graph);
            return Ok(());
        }
        // 13.7 language map
        if container & C_LANGUAGE != 0 {
            if let Value::Object(lm) = v {
                let p = self.out.pred(iri);
                for (lang, lv) in lm {
                    let none = lang == "@none"
                        || ctx.terms.get(lang.as_str()).and_then(|d| d.iri.as_deref())
                            == Some("@none");
                    let vals: &[Value] = match lv {
                        Value::Array(a) => a,
                        other => std::slice::from_ref(other),
                    };
                    for item in vals {
                        match item {
                            Value::Null => {}
                            Value::String(s) => {
                                let o = if none {
                                    self.out.plain(s)?
                                } else {
                                    self.out.lang(s, lang)?
                                };
                                self.out.quad(subject, p, o, graph);
                            }
                            _ => return Err(err("invalid language map value", item.to_string())),
                        }
                    }
                }
                return Ok(());
            }
        }
        if container & C_GRAPH != 0 {
            // 13.12: each value becomes its own (blank-node named) graph.
            let vals: &[Value] = match v {
                Value::Array(a) => a,
                other => std::slice::from_ref(other),
            };
            let p = self.out.pred(iri);
            for ev in vals {
                if !ev.is_object() {
                    if ev.is_null() {
                        continue;
                    }
                    return Err(decline("non-node value in a @graph container", ""));
                }
                if let Value::Object(m) = ev {
                    if m.keys().any(|k| {
                        self.key_is(ctx, k, "@set")
                            || self.key_is(ctx, k, "@list")
                            || self.key_is(ctx, k, "@value")
                    }) {
                        return Err(decline("non-node value in a @graph container", ""));
                    }
                }
                let g = self.out.blank();
                let mut one = Vec::new();
                self.element(ctx, def, Ap::Key(key), ev, Some(g), false, &mut one)?;
                for it in one {
                    match it {
                        Item::Node(_) => self.out.quad(subject, p, g, graph),
                        _ => return Err(decline("non-node value in a @graph container", "")),
                    }
                }
            }
            return Ok(());
        }
        let is_list = container & C_LIST != 0;
        if is_list {
            if let Value::Object(m) = v {
                if m.keys().any(|k| self.key_is(ctx, k, "@set")) {
                    return Err(decline("@set inside a list", ""));
                }
            }
        }
        let mut sub = self.pool.pop().unwrap_or_default();
        self.in_list += u32::from(is_list);
        self.element(ctx, def, Ap::Key(key), v, graph, is_list, &mut sub)?;
        self.in_list -= u32::from(is_list);
        if is_list {
            // 13.10 / 13.11
            let already_list =
                v.is_object() && sub.len() == 1 && matches!(sub.first(), Some(Item::List(_)));
            if v.is_null() || (v.is_object() && sub.is_empty()) {
                self.pool.push(sub);
                return Ok(());
            }
            if !already_list {
                let inner = std::mem::take(&mut sub);
                sub.push(Item::List(inner));
            }
        }
        if !sub.is_empty() {
            let p = self.out.pred(iri);
            for it in sub.drain(..) {
                let o = self.item_term(it, graph);
                self.out.quad(subject, p, o, graph);
            }
        }
        self.pool.push(sub);
        Ok(())
    }

    /// The object term of an item; a list becomes its rdf:first/rdf:rest chain (§8.2 step 1.3.2.5,
    /// §8.4 List to RDF).
    fn item_term(&mut self, it: Item, graph: Option<T>) -> T {
        match it {
            Item::Node(t) | Item::Lit(t) => t,
            Item::List(list) => {
                if list.is_empty() {
                    return self.out.iri(RDF_NIL);
                }
                let heads: Vec<T> = list.iter().map(|_| self.out.blank()).collect();
                let first = self.out.pred(RDF_FIRST);
                let rest = self.out.pred(RDF_REST);
                for (i, (it, &head)) in list.into_iter().zip(&heads).enumerate() {
                    let o = self.item_term(it, graph);
                    self.out.quad(head, first, o, graph);
                    let next = match heads.get(i + 1) {
                        Some(&next) => next,
                        None => self.out.iri(RDF_NIL),
                    };
                    self.out.quad(head, rest, next, graph);
                }
                match heads.first() {
                    Some(&head) => head,
                    None => self.out.iri(RDF_NIL),
                }
            }
        }
    }

    /// A value object (steps 13.4.4, 13.4.7, 13.4.8, 15).
    fn value_object(
        &mut self,
        type_ctx: &ActiveContext,
        ap: Ap<'_>,
        keys: &[(&str, Key, &Value)],
        items: &mut Vec<Item>,
    ) -> Result<(), Fail> {
        let (mut value, mut ty, mut lang): (Option<&Value>, Option<&Value>, Option<&Value>) =
            (None, None, None);
        for (k, kk, v) in keys {
            match kk {
                Key::Kw("@value") => value = Some(v),
                Key::Kw("@type") => ty = Some(v),
                Key::Kw("@language") => lang = Some(v),
                _ => return Err(err("invalid value object", (*k).to_owned())),
            }
        }
        let value = value.unwrap_or(&Value::Null);
        // 13.4.4: @type must be a string (an array is an invalid typed value for a value object).
        let dt: Option<String> = match ty {
            None => None,
            Some(Value::String(s)) => match expand_iri_ro(type_ctx, s, true, true)? {
                Some(e) => Some(e.into_owned()),
                None => return Err(decline("@type value mapped to null", s.clone())),
            },
            Some(Value::Array(a)) if a.iter().all(Value::is_string) => {
                return Err(err("invalid typed value", "array @type in a value object"))
            }
            Some(other) => return Err(err("invalid type value", other.to_string())),
        };
        let is_json = dt.as_deref() == Some("@json");
        if !is_json && (value.is_array() || value.is_object()) {
            return Err(err("invalid value object value", value.to_string()));
        }
        let lang_s: Option<&str> = match lang {
            None => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => return Err(err("invalid language-tagged string", other.to_string())),
        };
        if dt.is_some() && lang_s.is_some() {
            return Err(err("invalid value object", "both @type and @language"));
        }
        if is_json {
            if ap.free_floating() {
                return Ok(());
            }
            let t = self.json_literal(value)?;
            items.push(Item::Lit(t));
            return Ok(());
        }
        if value.is_null() {
            return Ok(());
        }
        if lang_s.is_some() && !value.is_string() {
            return Err(err("invalid language-tagged value", value.to_string()));
        }
        if let Some(d) = &dt {
            if is_keyword(d) || !is_absolute(d) {
                if is_absolute(d) || d.starts_with('@') || is_blank(d) {
                    return Err(err("invalid typed value", d.clone()));
                }
                // A relative datatype IRI: invalid typed value in JSON-LD 1.1.
                return Err(err("invalid typed value", d.clone()));
            }
            if !is_nquads_safe(d) {
                return Err(decline("IRI not representable in N-Quads", d.clone()));
            }
        }
        if ap.free_floating() {
            return Ok(());
        }
        if let (Value::String(s), Some(d)) = (value, dt.as_deref()) {
            if d == XSD_DOUBLE {
                return Err(decline("string with xsd:double type", s.clone()));
            }
        }
        let t = self.literal(value, dt.as_deref(), lang_s)?;
        items.push(Item::Lit(t));
        Ok(())
    }
}

fn ap_key(ap: Ap<'_>) -> &str {
    match ap {
        Ap::Key(k) => k,
        _ => "",
    }
}

/// A property IRI must be absolute and writable (a blank-node or relative property would be
/// dropped by toRdf: declined).
fn check_property(iri: &str) -> Result<(), Fail> {
    if is_blank(iri) {
        return Err(decline("blank node property", iri.to_owned()));
    }
    if !is_absolute(iri) || colon_after_first(iri).is_none() {
        return Err(decline("non-absolute property IRI", iri.to_owned()));
    }
    if !is_nquads_safe(iri) {
        return Err(decline("IRI not representable in N-Quads", iri.to_owned()));
    }
    Ok(())
}
