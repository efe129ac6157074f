//! Native JSON numbers and booleans (JSON-LD 1.1 API §8.6 Object to RDF): the fast path against
//! the oracle on integers, non-integers, exponents, big values and coerced datatypes. A case the
//! fast path declines is fine; a different answer is not.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
// It prints what it measured or what failed, for the test log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]
#![allow(clippy::print_stderr)]

use serde_json::{json, Value};

fn doc(v: Value) -> Value {
    json!({
        "@context": {
            "@vocab": "http://example.org/",
            "dbl": {"@id": "http://example.org/dbl", "@type": "http://www.w3.org/2001/XMLSchema#double"},
            "int": {"@id": "http://example.org/int", "@type": "http://www.w3.org/2001/XMLSchema#integer"},
            "dec": {"@id": "http://example.org/dec", "@type": "http://www.w3.org/2001/XMLSchema#decimal"}
        },
        "@id": "http://example.org/s",
        "p": v.clone(),
        "dbl": v.clone(),
        "int": v.clone(),
        "dec": v
    })
}

#[test]
fn numbers_match_the_oracle_or_decline() {
    let cases: Vec<Value> = vec![
        json!(0),
        json!(1),
        json!(-7),
        json!(9007199254740992u64),
        json!(9007199254740993u64),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(true),
        json!(false),
        serde_json::from_str("1.0").unwrap(),
        serde_json::from_str("1.5").unwrap(),
        serde_json::from_str("-0.0").unwrap(),
        serde_json::from_str("0.1").unwrap(),
        serde_json::from_str("1e21").unwrap(),
        serde_json::from_str("1E3").unwrap(),
        serde_json::from_str("123.456e-7").unwrap(),
        serde_json::from_str("5.0e0").unwrap(),
        serde_json::from_str("3.14159265358979").unwrap(),
        serde_json::from_str("0.30000000000000004").unwrap(),
        serde_json::from_str("1e20").unwrap(),
        serde_json::from_str("-1.25e-300").unwrap(),
        serde_json::from_str("9.999999999999999e22").unwrap(),
        serde_json::from_str("123456789012345.6").unwrap(),
        serde_json::from_str("2.5").unwrap(),
    ];
    let (mut same, mut declined) = (0, 0);
    for v in cases {
        let d = doc(v.clone());
        let o = canon::oracle_canonicalize(&d);
        let f = canon::fast::canonicalize(&d);
        match (&o, &f) {
            (_, Ok(Err(_))) => {
                declined += 1;
                println!(
                    "declined {v}: oracle says\n{}",
                    o.as_ref().map(String::as_str).unwrap_or("(error)")
                );
            }
            (Ok(a), Ok(Ok(b))) if a == b => same += 1,
            (Err(_), Err(_)) => same += 1,
            _ => panic!("{v}: oracle {o:?}\nfast {f:?}"),
        }
    }
    println!("numbers: {same} same, {declined} declined");
    assert!(same >= 15, "too many declines");
}
