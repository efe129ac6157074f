//! Test support shared by `crates/verifier/tests/did_key_issuer.rs` and
//! `tests/tests/did_key_issue.rs` (the latter includes it with `#[path]`): a copy of the demo key
//! store `keys.example/` with `did_key = true` set for one university (issue #15 point 4).

use std::path::Path;

/// Copies `keys.example/` of the repository at `repo` to `to` (emptied first) and sets
/// `did_key = true` in `to/<uni>/keys.toml`.
pub fn copy_keys_with_did_key(repo: &Path, to: &Path, uni: &str) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let target = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), target).unwrap();
            }
        }
    }
    let _ = std::fs::remove_dir_all(to);
    copy(&repo.join("keys.example"), to);
    let toml = to.join(uni).join("keys.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("did_key = true\n{text}")).unwrap();
}
