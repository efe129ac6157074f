//! Test support (feature `test-support`): the example award files of the repository's
//! `examples/awards/` directory, as the test suites of several crates read them. No
//! specification: the award format itself is in [`crate::award`].

use std::path::{Path, PathBuf};

/// The example award files of `dir` (the repository's `examples/awards/`), sorted, without the
/// award format's JSON Schema (`*.schema.json`).
pub fn example_award_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json")
            && !path.to_string_lossy().ends_with(".schema.json")
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
