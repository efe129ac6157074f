//! Canonicalisation against the examples of the W3C specifications: Exclusive XML
//! Canonicalization 1.0 §2.2 (the same subtree, inclusive vs exclusive), plus attribute order and
//! escaping (Canonical XML 1.0 §2.3).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point

use trusted_lists::c14n::{canonicalize, Method};

fn c14n(xml: &str, element: &str, method: Method) -> String {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let node = doc
        .descendants()
        .find(|n| n.tag_name().name() == element)
        .unwrap();
    let mut out = Vec::new();
    canonicalize(node, None, method, &mut out);
    String::from_utf8(out).unwrap()
}

const EXC_EXAMPLE: &str = r#"<n0:local xmlns:n0="foo:bar" xmlns:n3="ftp://example.org"><n1:elem2 xmlns:n1="http://example.net" xml:lang="en"><n3:stuff xmlns:n3="ftp://example.org"/></n1:elem2></n0:local>"#;

#[test]
fn exclusive_and_inclusive_differ_as_the_spec_shows() {
    assert_eq!(
        c14n(EXC_EXAMPLE, "elem2", Method::Inclusive),
        r#"<n1:elem2 xmlns:n0="foo:bar" xmlns:n1="http://example.net" xmlns:n3="ftp://example.org" xml:lang="en"><n3:stuff></n3:stuff></n1:elem2>"#
    );
    assert_eq!(
        c14n(EXC_EXAMPLE, "elem2", Method::Exclusive),
        r#"<n1:elem2 xmlns:n1="http://example.net" xml:lang="en"><n3:stuff xmlns:n3="ftp://example.org"></n3:stuff></n1:elem2>"#
    );
}

#[test]
fn attributes_are_sorted_and_values_escaped() {
    let xml = "<a b=\"&lt;&quot;&#9;>\" xmlns=\"x\" c:d=\"1\" xmlns:c=\"y\" a=\"2\">t&amp;&gt;&#13;<!-- gone --><?pi data?><e/></a>";
    assert_eq!(
        c14n(xml, "a", Method::Exclusive),
        "<a xmlns=\"x\" xmlns:c=\"y\" a=\"2\" b=\"&lt;&quot;&#x9;>\" c:d=\"1\">t&amp;&gt;&#xD;<?pi data?><e></e></a>"
    );
}
