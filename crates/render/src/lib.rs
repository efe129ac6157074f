//! Human-readable documents of an ENHANCE credential (issue #7): the certificate page and the
//! certificate supplement of the ENHANCE framework (MS18) **Annex 3** ("Templates for ENHANCE
//! credentials") as
//! - [`html`]: a standalone, accessible HTML5 document;
//! - [`pdf`]: a text-searchable A4 PDF (certificate page, then the supplement pages);
//! - [`png`]: the certificate page as an A4 image at 100 dpi (the EDC `individualDisplay` image),
//!
//! each with a QR code linking to the credential's verification URL.
//!
//! Everything is rendered from an [`elm_model::view::CredentialView`], which reads any EDC
//! credential (ELM v3.2: plain, upload wrapper or JAdES-sealed), so the EU's samples render too.
//! Labels exist in English, German, Dutch and Polish ([`labels`]); the credential's own texts are
//! shown in the requested language, else English, else any language they carry.
//!
//! The library does no I/O except [`render_file`], the helper of the `issuer render` command.
//!
//! Every rendering runs under a work budget ([`budget::Budget`] in [`RenderOptions`]: most glyphs,
//! most pages, a deadline and a cancellation flag; issue #13): input over the budget is refused
//! with [`RenderError::Budget`] before the SVG, PDF and raster back ends can allocate for it.

pub mod budget;
pub mod cohort;
pub mod font;
pub mod html;
pub mod labels;
pub mod layout;
pub mod model;
pub mod pdf;
pub mod png;
pub mod qr;
mod svg;

use std::path::Path;

use elm_model::view::{CredentialView, ViewError};

pub use budget::{Budget, CancelFlag, Exceeded};
pub use model::Document;

/// Verification URL used when none is given (the ENHANCE verification service's start page).
pub const DEFAULT_VERIFICATION_URL: &str = "https://credentials.enhance-alliance.eu/verify";

/// How to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Label language: `en`, `de`, `nl` or `pl` (others fall back to English labels); the
    /// credential's texts are picked in this language when it carries it.
    pub language: String,
    /// The URL the QR code encodes (the credential's verification page).
    pub verification_url: String,
    /// The work budget (default: [`Budget::default`], no deadline).
    pub budget: Budget,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            language: "en".into(),
            verification_url: DEFAULT_VERIFICATION_URL.into(),
            budget: Budget::default(),
        }
    }
}

impl RenderOptions {
    /// Options for `language` and `verification_url`.
    pub fn new(language: impl Into<String>, verification_url: impl Into<String>) -> Self {
        Self {
            language: language.into(),
            verification_url: verification_url.into(),
            budget: Budget::default(),
        }
    }

    /// The same options with `budget`.
    pub fn with_budget(mut self, budget: Budget) -> Self {
        self.budget = budget;
        self
    }
}

/// Why rendering failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The input is not a readable EDC credential.
    #[error("not a readable credential: {0}")]
    View(#[from] ViewError),
    /// The verification URL does not fit in a QR code.
    #[error("QR code: {0}")]
    Qr(String),
    /// The bundled font could not be read.
    #[error("font: {0}")]
    Font(String),
    /// The SVG layout could not be parsed (a bug).
    #[error("SVG layout: {0}")]
    Svg(String),
    /// PDF conversion failed.
    #[error("PDF: {0}")]
    Pdf(String),
    /// PNG encoding failed.
    #[error("PNG: {0}")]
    Png(String),
    /// The raster canvas could not be allocated.
    #[error("could not allocate the image")]
    Raster,
    /// Nothing to render.
    #[error("the layout produced no page")]
    Empty,
    /// The input needs more work than the budget allows (what was exceeded is named).
    #[error("render budget exceeded: {0}")]
    Budget(Exceeded),
    /// The rendering was cancelled (client gone, service shutting down).
    #[error("rendering cancelled")]
    Cancelled,
    /// Reading the credential file or writing the output failed ([`render_file`] only).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// The file is not JSON ([`render_file`] only).
    #[error("{path}: not JSON: {message}")]
    Json {
        /// The file.
        path: String,
        /// The parser's message.
        message: String,
    },
}

/// What the document shows, for callers that want to inspect it (tests, other front ends).
pub fn document(view: &CredentialView, options: &RenderOptions) -> Document {
    Document::from_view(view, &options.language, &options.verification_url)
}

/// What the document shows, refused when its text alone is over the glyph budget (checked
/// before any layout) or the budget's time is up.
pub fn budgeted_document(
    view: &CredentialView,
    options: &RenderOptions,
) -> Result<Document, RenderError> {
    options.budget.check_time()?;
    let doc = document(view, options);
    options.budget.check_glyphs(doc.text_chars())?;
    Ok(doc)
}

/// The credential as a standalone HTML5 document.
pub fn html(view: &CredentialView, options: &RenderOptions) -> Result<String, RenderError> {
    html::document(&budgeted_document(view, options)?)
}

/// The credential as a text-searchable PDF (certificate page, then the supplement).
pub fn pdf(view: &CredentialView, options: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    pdf::document_pdf(&budgeted_document(view, options)?, &options.budget)
}

/// The certificate page as a PNG (A4 at 100 dpi).
pub fn png(view: &CredentialView, options: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    png::certificate_png(&budgeted_document(view, options)?, &options.budget)
}

/// The certificate page as the EDC page image: the pixels of [`png`] as an indexed-colour PNG,
/// rendered with the process's [`cohort::PageCache`] (only the learner's parts are rasterised
/// when a page of the same template was rendered before).
pub fn page_image(view: &CredentialView, options: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    cohort::PageCache::shared().certificate_png(&budgeted_document(view, options)?, &options.budget)
}

/// [`page_image`] from a credential's JSON (the unsigned credential the issuer is about to seal).
pub fn page_image_for_credential(
    credential: &serde_json::Value,
    options: &RenderOptions,
) -> Result<Vec<u8>, RenderError> {
    page_image(&CredentialView::from_json(credential)?, options)
}

/// The certificate page as a PNG, from a credential's JSON (e.g. the unsigned credential the
/// issuer is about to seal, to put the image into its `individualDisplay`).
pub fn png_for_credential(
    credential: &serde_json::Value,
    options: &RenderOptions,
) -> Result<Vec<u8>, RenderError> {
    png(&CredentialView::from_json(credential)?, options)
}

/// Rasterises an SVG document with the bundled fonts at `scale` × its CSS pixel size (PNG bytes).
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, RenderError> {
    png::svg_to_png(svg, scale, &Budget::default())
}

/// Output formats of [`render_bytes`] / [`render_file`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// HTML5.
    Html,
    /// PDF.
    Pdf,
    /// PNG of the certificate page.
    Png,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "html" | "htm" => Ok(Self::Html),
            "pdf" => Ok(Self::Pdf),
            "png" => Ok(Self::Png),
            other => Err(format!("unknown format {other:?} (html, pdf or png)")),
        }
    }
}

/// Renders a credential given as JSON bytes (plain, upload wrapper or sealed) in `format`.
pub fn render_bytes(
    credential: &[u8],
    format: Format,
    options: &RenderOptions,
) -> Result<Vec<u8>, RenderError> {
    let view = CredentialView::from_slice(credential)?;
    match format {
        Format::Html => html(&view, options).map(String::into_bytes),
        Format::Pdf => pdf(&view, options),
        Format::Png => png(&view, options),
    }
}

/// The I/O of `issuer render`: reads the credential file at `input`, renders it and writes `out`.
/// The only function of this crate that touches the file system.
pub fn render_file(
    input: &Path,
    format: Format,
    out: &Path,
    options: &RenderOptions,
) -> Result<(), RenderError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| RenderError::Io { path, source }
    };
    let bytes = std::fs::read(input).map_err(io(input))?;
    let rendered = render_bytes(&bytes, format, options).map_err(|e| match e {
        RenderError::View(ViewError::Json { message, .. }) => RenderError::Json {
            path: input.display().to_string(),
            message,
        },
        other => other,
    })?;
    std::fs::write(out, rendered).map_err(io(out))
}
