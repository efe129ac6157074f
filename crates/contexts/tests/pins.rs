//! Pins every bundled context to the SHA-256 recorded in `testdata/SOURCES.md` (where each file
//! comes from), and checks the bundle against the reference index `testdata/contexts/index.json`
//! (context URL -> file).

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use sha2::{Digest, Sha256};

#[test]
fn every_bundled_context_matches_its_pin() {
    assert!(contexts::BUNDLED.len() >= 26);
    for c in contexts::BUNDLED {
        let digest = hex::encode(Sha256::digest(c.text.as_bytes()));
        assert_eq!(digest, c.sha256, "context {} ({}) changed", c.url, c.file);
        let parsed: serde_json::Value = serde_json::from_str(c.text).expect("valid JSON");
        assert!(
            parsed.get("@context").is_some(),
            "{} has no @context",
            c.url
        );
    }
}

#[test]
fn every_url_of_the_reference_index_is_bundled_with_the_same_file() {
    let index_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/contexts/index.json"
    );
    let text = std::fs::read_to_string(index_path).unwrap_or_else(|e| panic!("{index_path}: {e}"));
    let sources_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/SOURCES.md");
    let sources =
        std::fs::read_to_string(sources_path).unwrap_or_else(|e| panic!("{sources_path}: {e}"));
    let index: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
    for (url, file) in &index {
        let c = contexts::bundled(url).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Some(c.file), file.as_str(), "{url}");
        // The provenance record names the file and the SHA-256 of the bytes as collected.
        let recorded = sources
            .lines()
            .skip_while(|l| l.trim() != format!("contexts/{}", c.file))
            .nth(1)
            .unwrap_or_else(|| panic!("{url}: contexts/{} is not in testdata/SOURCES.md", c.file));
        let digest = hex::encode(Sha256::digest(c.text.as_bytes()));
        assert!(
            recorded.contains(&format!("sha256={digest}")),
            "{url}: {} differs from its source: {recorded}",
            c.file
        );
    }
    assert_eq!(index.len(), contexts::BUNDLED.len());
}
