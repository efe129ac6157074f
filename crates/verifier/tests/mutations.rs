//! Property: no mutation of a signed credential verifies.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use std::sync::OnceLock;

use common::*;
use proptest::prelude::*;
use serde_json::Value;
use verifier::{
    verify_json, CheckKind, CheckStatus, NetworkPolicy, Policy, TrustRegistry, Verdict,
};

fn signed() -> &'static Value {
    static S: OnceLock<Value> = OnceLock::new();
    S.get_or_init(|| {
        let (doc, uni) = built("micro-credential-professional");
        sign_with(&doc, &signer(&uni))
    })
}

fn leaves(v: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                path.push(k.clone());
                leaves(x, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(i.to_string());
                leaves(x, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

fn at<'a>(v: &'a mut Value, path: &[String]) -> &'a mut Value {
    path.iter().fold(v, |v, k| match v {
        Value::Array(a) => &mut a[k.parse::<usize>().unwrap()],
        Value::Object(o) => o.get_mut(k).unwrap(),
        _ => unreachable!(),
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_signed_credentials_never_verify(pick in any::<prop::sample::Index>(), kind in 0u8..3, extra in "[a-z0-9]{1,3}") {
        let mut all = Vec::new();
        leaves(signed(), &mut Vec::new(), &mut all);
        let path = pick.get(&all).clone();
        let mut c = signed().clone();
        let leaf = at(&mut c, &path);
        match (kind, &*leaf) {
            (0, Value::String(s)) => *leaf = Value::String(format!("{s}{extra}")),
            (1, Value::String(s)) if s.len() > 1 => { let mut t = s.clone(); t.pop(); *leaf = Value::String(t) }
            (_, Value::String(s)) => *leaf = Value::String(format!("{extra}{s}")),
            (_, Value::Number(n)) => *leaf = Value::from(n.as_f64().unwrap_or(0.0) as i64 + 1),
            (_, Value::Bool(b)) => *leaf = Value::Bool(!b),
            (_, Value::Null) => *leaf = Value::String(extra.clone()),
            _ => unreachable!(),
        }
        let policy = Policy::new(TrustRegistry::demo().unwrap())
            .with_network(NetworkPolicy::offline())
            .with_checks([CheckKind::Proof]);
        let r = verify_json(&c, &policy, &clock());
        prop_assert_ne!(r.check(CheckKind::Proof).unwrap().status, CheckStatus::Ok, "mutated {:?}", path);
        prop_assert_ne!(r.verdict, Verdict::Valid);
    }
}

#[test]
fn the_unmutated_credential_verifies() {
    let policy = Policy::new(TrustRegistry::demo().unwrap()).with_network(NetworkPolicy::offline());
    let r = verify_json(signed(), &policy.with_checks([CheckKind::Proof]), &clock());
    assert_eq!(r.verdict, Verdict::Valid, "{r:?}");
}
