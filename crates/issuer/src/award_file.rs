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
///
/// A file over `elm_model::limits::MAX_AWARD_JSON_BYTES` is refused (rule `award.max-bytes`)
/// after reading at most one byte more than that.
pub fn read_award(path: &Path) -> Result<Award, AwardFileError> {
    use std::io::Read as _;
    let unreadable = |source| AwardFileError::Unreadable {
        path: path.to_owned(),
        source,
    };
    let max = elm_model::limits::MAX_AWARD_JSON_BYTES;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(max as u64 + 1).read_to_end(&mut bytes))
        .map_err(unreadable)?;
    if bytes.len() > max {
        let size = std::fs::metadata(path)
            .map(|m| m.len())
            .unwrap_or(bytes.len() as u64);
        return Err(AwardFileError::Invalid(vec![Issue::error(
            "",
            "award.max-bytes",
            format!("the JSON text must be at most {max} bytes, got {size}"),
        )]));
    }
    let text = String::from_utf8(bytes)
        .map_err(|e| unreadable(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
    elm_model::parse_award(&text).map_err(|issue| AwardFileError::Invalid(vec![issue]))
}

/// Reads the display images the award references, relative to `award_dir`. An image whose media
/// type cannot be told is skipped here (validation reports it as `display.media-type`).
pub fn read_images(award: &Award, award_dir: &Path) -> Result<Vec<DisplayImage>, AwardFileError> {
    let mut out = Vec::new();
    for (index, r) in award.display.images.iter().enumerate() {
        let Some(media_type) = r.media_type.or_else(|| MediaType::from_file_name(&r.file)) else {
            continue;
        };
        let path = award_dir.join(&r.file);
        // An image over the limit is refused before it is read.
        if let Ok(m) = std::fs::metadata(&path) {
            let at = format!("display.images[{index}].file");
            if let Some(i) = elm_model::limits::check_image_size(
                &at,
                usize::try_from(m.len()).unwrap_or(usize::MAX),
            ) {
                return Err(AwardFileError::Invalid(vec![i]));
            }
        }
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
    // The size and character limits (the number of images among them) before any image is read.
    let limits = elm_model::limits::check_award(&award);
    if limits.iter().any(Issue::is_error) {
        return Err(AwardFileError::Invalid(limits));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let images = read_images(&award, dir)?;
    elm_model::build(&award, universities, &images, options)
        .map_err(|e| AwardFileError::Invalid(e.issues().to_vec()))
}
