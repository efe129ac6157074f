//! Pins every bundled context to the SHA-256 recorded in `../shared/reference/SOURCES.md`, and
//! checks the bundle against the shared reference copy when it is present (it is in CI).

use sha2::{Digest, Sha256};

#[test]
fn every_bundled_context_matches_its_pin() {
    assert!(contexts::BUNDLED.len() >= 26);
    for c in contexts::BUNDLED {
        let digest = hex::encode(Sha256::digest(c.text.as_bytes()));
        assert_eq!(digest, c.sha256, "context {} ({}) changed", c.url, c.file);
        let parsed: serde_json::Value = serde_json::from_str(c.text).expect("valid JSON");
        assert!(parsed.get("@context").is_some(), "{} has no @context", c.url);
    }
}

#[test]
fn every_url_of_the_reference_index_is_bundled_with_the_same_file() {
    let index_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference/contexts/index.json");
    let Ok(text) = std::fs::read_to_string(index_path) else {
        eprintln!("shared/reference not present; skipping index comparison");
        return;
    };
    let index: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
    for (url, file) in &index {
        let c = contexts::bundled(url).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Some(c.file), file.as_str(), "{url}");
        let reference = std::fs::read_to_string(
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference/contexts/").to_owned()
                + c.file,
        )
        .unwrap();
        assert_eq!(reference, c.text, "{url} differs from the shared reference copy");
    }
    assert_eq!(index.len(), contexts::BUNDLED.len());
}
