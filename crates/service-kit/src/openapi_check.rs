//! Test support (feature `test-support`): what the OpenAPI tests of both services share (issue
//! #19 §4, "the generated OpenAPI document covers every route"). The documented operations of an
//! OpenAPI 3.1 document (§4.8.8, Path Item Object), a concrete request path for a templated one
//! (§4.8.8.1 path templating) and the route paths an axum 0.8 `Router` holds, read from its
//! `Debug` form, so a test can compare the router with the document in both directions.

use std::collections::BTreeSet;

use serde_json::Value;

/// The HTTP methods the services may route, as OpenAPI Path Item keys.
pub const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// `(METHOD, path)` of every operation of the OpenAPI document `doc` (method upper-case).
pub fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut ops = Vec::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for m in METHODS {
            if item.get(m).is_some() {
                ops.push((m.to_uppercase(), path.clone()));
            }
        }
    }
    ops
}

/// `path` with each `{param}` template replaced by `x`, a path a router matches.
pub fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push('x');
            }
            '}' => in_param = false,
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

/// The route paths in the `Debug` form of an axum 0.8 `Router`: its `path_router` comes first
/// (`Node { paths: {RouteId(0): "/healthz", ...} }`), then the fallback router (`/` and axum's
/// private catch-all, not routes of the API). `None` when the form has no path router.
pub fn routed_paths(debug: &str) -> Option<BTreeSet<String>> {
    let at = debug.find("path_router:")?;
    let rest = debug.get(at..)?;
    let open = rest.find("paths: {")? + "paths: {".len();
    let rest = rest.get(open..)?;
    // The map ends at the first `}` outside a string (path templates contain braces).
    let mut in_str = false;
    let mut end = rest.len();
    for (k, c) in rest.char_indices() {
        match c {
            '"' => in_str = !in_str,
            '}' if !in_str => {
                end = k;
                break;
            }
            _ => {}
        }
    }
    Some(
        rest.get(..end)?
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_operations_paths_and_router_debug() {
        let doc = serde_json::json!({"paths": {"/a/{id}": {"get": {}, "post": {}}, "/b": {}}});
        assert_eq!(
            operations(&doc),
            vec![
                ("GET".to_owned(), "/a/{id}".to_owned()),
                ("POST".to_owned(), "/a/{id}".to_owned())
            ]
        );
        assert_eq!(concrete("/a/{id}/b/{n}"), "/a/x/b/x");
        let debug = r#"Router { path_router: Node { paths: {RouteId(0): "/a/{id}", RouteId(1): "/b"} }, fallback_router: Node { paths: {RouteId(2): "/"} } }"#;
        let paths = routed_paths(debug);
        assert_eq!(
            paths,
            Some(
                ["/a/{id}".to_owned(), "/b".to_owned()]
                    .into_iter()
                    .collect()
            )
        );
        assert_eq!(routed_paths("Router {}"), None);
    }
}
