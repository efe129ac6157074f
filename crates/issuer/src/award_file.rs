//! Award request files: reading the JSON and its display images, then building the credential.
//!
//! The award names its page images by path relative to the award file (`display.images[].file`);
//! they are read here, because `elm-model` does no I/O. Errors keep the two classes the CLI maps to
//! exit codes apart: an unreadable file ([`AwardFileError::Unreadable`]) and an invalid award
//! ([`AwardFileError::Invalid`], every finding listed).

use std::path::{Path, PathBuf};

use elm_model::{Award, BuildOptions, Built, DisplayImage, Issue, MediaType, Universities};

/// Why an award file could not be turned into a credential.
#[derive(Debug, thiserror::Error)]
pub enum AwardFileError {
    /// A file (the award or an image) cannot be read.
    #[error("cannot read {path}: {source}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The award is invalid: every finding (errors and warnings).
    #[error("invalid award: {} error(s)", .0.iter().filter(|i| i.is_error()).count())]
    Invalid(Vec<Issue>),
}

/// Reads and parses the award at `path` (format errors become one `award.parse` issue).
pub fn read_award(path: &Path) -> Result<Award, AwardFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| AwardFileError::Unreadable {
        path: path.to_owned(),
        source,
    })?;
    elm_model::parse_award(&text).map_err(|issue| AwardFileError::Invalid(vec![issue]))
}

/// Reads the display images the award references, relative to `award_dir`. An image whose media
/// type cannot be told is skipped here (validation reports it as `display.media-type`).
pub fn read_images(award: &Award, award_dir: &Path) -> Result<Vec<DisplayImage>, AwardFileError> {
    let mut out = Vec::new();
    for r in &award.display.images {
        let Some(media_type) = r.media_type.or_else(|| MediaType::from_file_name(&r.file)) else {
            continue;
        };
        let path = award_dir.join(&r.file);
        let bytes = std::fs::read(&path).map_err(|source| AwardFileError::Unreadable {
            path: path.clone(),
            source,
        })?;
        out.push(DisplayImage {
            language: r.language.clone(),
            media_type,
            bytes,
        });
    }
    Ok(out)
}

/// Reads the award at `path` with its images and builds the unsigned credential.
pub fn build_from_file(
    path: &Path,
    universities: &Universities,
    options: &BuildOptions,
) -> Result<Built, AwardFileError> {
    let award = read_award(path)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let images = read_images(&award, dir)?;
    elm_model::build(&award, universities, &images, options)
        .map_err(|e| AwardFileError::Invalid(e.issues().to_vec()))
}
