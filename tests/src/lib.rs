//! Cross-crate end-to-end tests live in `tests/tests/`; this library holds their shared helpers.

use std::path::{Path, PathBuf};

/// A file or directory of the repository's `testdata/` tree: the vendored reference data (W3C
/// test vectors and conformance suites, the EU's EDC samples); `testdata/SOURCES.md` names the
/// origin, version and licence of each item.
pub fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata")
        .join(rel)
}
