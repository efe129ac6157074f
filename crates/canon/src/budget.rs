//! A memory budget for JSON-LD input, checked BEFORE any JSON-LD processing or RDFC-1.0
//! canonicalisation (issue #13: a 1.9 MB credential made of small objects took ~400 MB to verify).
//!
//! [`measure`] is one cheap, iterative pass over a parsed JSON value (no recursion, no allocation
//! beyond its work stack) that counts
//! - the nesting depth (JSON-LD 1.1 Processing Algorithms §4 "Expansion" recurses once per level),
//! - the JSON nodes (every value: object, array, string, number, boolean, null), which bound the
//!   size of the expanded document and of the RDF dataset (§8 "Deserialize JSON-LD to RDF"),
//! - an upper estimate of the blank nodes: every JSON object outside `@context` that has no `id` /
//!   `@id` and is not a value object (`@value`), a list (`@list`) or a set (`@set`). Each such node
//!   object becomes a blank node (§7.2 "Node Map Generation" issues a blank node identifier for a
//!   node object without `@id`), and RDFC-1.0 §4.4 / §4.8 hash every blank node, which is what grows
//!   with blank-node-heavy input.
//!
//! and stops at the first cap exceeded ([`Budget`]), so an oversized document costs a bounded scan.
//! The error names the cap and its limit.

use serde_json::Value;

/// Caps on a JSON-LD document's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Deepest nesting accepted (objects and arrays; the top-level value is depth 1).
    pub max_depth: usize,
    /// Most JSON nodes (values of any kind) accepted.
    pub max_nodes: usize,
    /// Most blank nodes (estimated from above, see the module documentation) accepted.
    pub max_blank_nodes: usize,
}

impl Budget {
    /// Default deepest nesting: serde_json's own parser recursion limit.
    pub const DEFAULT_MAX_DEPTH: usize = 128;
    /// Default most JSON nodes (the largest real credentials seen, the EU's EDC samples, have
    /// ~2,400; a programme certificate with its units as evidence a few times that).
    pub const DEFAULT_MAX_NODES: usize = 250_000;
    /// Default most blank nodes (the EU's EDC samples: at most ~270).
    pub const DEFAULT_MAX_BLANK_NODES: usize = 30_000;
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_nodes: Self::DEFAULT_MAX_NODES,
            max_blank_nodes: Self::DEFAULT_MAX_BLANK_NODES,
        }
    }
}

/// What [`measure`] counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shape {
    /// Deepest nesting seen.
    pub depth: usize,
    /// JSON nodes.
    pub nodes: usize,
    /// Estimated blank nodes (an upper bound).
    pub blank_nodes: usize,
}

/// A cap of [`Budget`] exceeded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BudgetError {
    /// Nested deeper than `max_depth`.
    #[error("the document is nested deeper than {limit} levels (limit max_depth)")]
    TooDeep {
        /// The cap.
        limit: usize,
    },
    /// More JSON nodes than `max_nodes`.
    #[error("the document has more than {limit} JSON values (limit max_nodes)")]
    TooManyNodes {
        /// The cap.
        limit: usize,
    },
    /// More (estimated) blank nodes than `max_blank_nodes`.
    #[error("the document has more than {limit} objects without an id, each a blank node (limit max_blank_nodes)")]
    TooManyBlankNodes {
        /// The cap.
        limit: usize,
    },
}

/// Whether `o` is a JSON-LD node object that gets a blank node identifier.
fn is_blank_node_object(o: &serde_json::Map<String, Value>) -> bool {
    !(o.contains_key("id")
        || o.contains_key("@id")
        || o.contains_key("@value")
        || o.contains_key("@list")
        || o.contains_key("@set"))
}

/// Counts `doc`'s depth, nodes and blank nodes, stopping with an error at the first cap exceeded.
/// Members named `@context` are counted as nodes but never as blank nodes (a context is not data).
pub fn measure(doc: &Value, budget: &Budget) -> Result<Shape, BudgetError> {
    let mut shape = Shape::default();
    // (value, depth, inside a @context)
    let mut stack: Vec<(&Value, usize, bool)> = vec![(doc, 1, false)];
    while let Some((v, depth, in_context)) = stack.pop() {
        shape.nodes += 1;
        if shape.nodes > budget.max_nodes {
            return Err(BudgetError::TooManyNodes {
                limit: budget.max_nodes,
            });
        }
        if depth > budget.max_depth {
            return Err(BudgetError::TooDeep {
                limit: budget.max_depth,
            });
        }
        shape.depth = shape.depth.max(depth);
        match v {
            Value::Array(a) => stack.extend(a.iter().map(|x| (x, depth + 1, in_context))),
            Value::Object(o) => {
                if !in_context && is_blank_node_object(o) {
                    shape.blank_nodes += 1;
                    if shape.blank_nodes > budget.max_blank_nodes {
                        return Err(BudgetError::TooManyBlankNodes {
                            limit: budget.max_blank_nodes,
                        });
                    }
                }
                stack.extend(
                    o.iter()
                        .map(|(k, x)| (x, depth + 1, in_context || k == "@context")),
                );
            }
            _ => {}
        }
    }
    Ok(shape)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counts_and_caps() {
        let doc = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", {"x": {"@id": "https://e.example/x"}}],
            "id": "urn:x",
            "credentialSubject": {"name": {"@value": "A", "@language": "en"}, "hasClaim": [{"id": "urn:c"}, {"title": "t"}]},
            "proof": {"type": "DataIntegrityProof"}
        });
        let s = measure(&doc, &Budget::default()).unwrap();
        // credentialSubject, the {"title"} claim and the proof; not the context's term definition,
        // the value object, nor the identified claim or the top-level node.
        assert_eq!(s.blank_nodes, 3);
        assert_eq!(s.depth, 5);
        assert_eq!(s.nodes, 18);
        let tight = Budget {
            max_blank_nodes: 2,
            ..Budget::default()
        };
        assert_eq!(
            measure(&doc, &tight),
            Err(BudgetError::TooManyBlankNodes { limit: 2 })
        );
        let tight = Budget {
            max_nodes: 10,
            ..Budget::default()
        };
        assert_eq!(
            measure(&doc, &tight),
            Err(BudgetError::TooManyNodes { limit: 10 })
        );
        let tight = Budget {
            max_depth: 4,
            ..Budget::default()
        };
        assert_eq!(
            measure(&doc, &tight),
            Err(BudgetError::TooDeep { limit: 4 })
        );
        let e = measure(&doc, &tight).unwrap_err().to_string();
        assert!(e.contains("max_depth") && e.contains('4'), "{e}");
    }

    #[test]
    fn a_huge_flat_array_stops_at_the_cap() {
        let doc = Value::Array(vec![json!({}); 50_000]);
        let b = Budget {
            max_blank_nodes: 1_000,
            ..Budget::default()
        };
        assert_eq!(
            measure(&doc, &b),
            Err(BudgetError::TooManyBlankNodes { limit: 1_000 })
        );
    }
}
