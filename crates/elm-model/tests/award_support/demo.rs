//! The demo universities (`keys.example/universities.toml`, each with the `did:web` of
//! `http://localhost:8080`) and the display images of an example award: shared by the award tests'
//! support (`award_support/mod.rs`) and the render tests' (`crates/render/tests/support/mod.rs`,
//! which includes this file with `#[path]`).

use std::path::Path;

use elm_model::{did_web, Award, DisplayImage, MediaType, Universities, University};

/// The universities of `<repo>/keys.example/universities.toml`.
pub fn demo_universities(repo: &Path) -> Universities {
    #[derive(serde::Deserialize)]
    struct File {
        university: Vec<University>,
    }
    let text = std::fs::read_to_string(repo.join("keys.example/universities.toml")).unwrap();
    let mut f: File = toml::from_str(&text).unwrap();
    for u in &mut f.university {
        u.did = did_web("http://localhost:8080", &u.id).unwrap();
    }
    Universities::new(f.university)
}

/// The images `award` references, read from `dir` (an unreadable one is left out).
pub fn images_in(dir: &Path, award: &Award) -> Vec<DisplayImage> {
    award
        .display
        .images
        .iter()
        .filter_map(|r| {
            Some(DisplayImage {
                language: r.language.clone(),
                media_type: r
                    .media_type
                    .or_else(|| MediaType::from_file_name(&r.file))?,
                bytes: std::fs::read(dir.join(&r.file)).ok()?,
            })
        })
        .collect()
}
