//! The work budget of one rendering (issue #13, "Bounded rendering"): the most characters laid out
//! (glyphs), the most pages, a deadline and a cancellation flag. Rendering grows faster than its
//! input (text shaping, PDF conversion and rasterising all allocate per glyph and per page), so a
//! credential from anywhere (the verifier renders any EDC, not only ENHANCE awards, whose text the
//! award model bounds) must be refused before `usvg`, `svg2pdf` or `tiny-skia` can allocate for it.
//!
//! The checks, in order of when they run:
//! - before layout: the characters of the whole [`crate::Document`] against `max_glyphs` (an
//!   over-large input is refused in microseconds, before any layout);
//! - during layout: glyphs laid out and pages made so far, the deadline and the cancellation flag,
//!   at every line and every page;
//! - before each expensive step (parsing a page's SVG, converting it to PDF, rasterising it): the
//!   deadline, the flag, the size of the page's SVG and the pixel area of the canvas.
//!
//! Exceeding the budget is a [`crate::RenderError::Budget`] naming what was exceeded; a
//! cancellation is [`crate::RenderError::Cancelled`]. Neither is ever an allocation abort.
//!
//! The defaults are far above what any valid ENHANCE award needs (the award model bounds all text
//! of one award to `elm_model::limits::MAX_TOTAL_TEXT_CHARS` = 100,000 characters over every
//! language; a programme has at most `elm_model::limits::MAX_UNITS` units, one page or more each).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Default most glyphs (characters) laid out in one document: ten times the most text a valid
/// award carries over all its languages.
pub const DEFAULT_MAX_GLYPHS: usize = 1_000_000;
/// Default most pages of one document (certificate page + supplement): a programme of
/// `MAX_UNITS` = 100 units starts a page per unit, and 100,000 characters of dense text fill
/// about 35 more.
pub const DEFAULT_MAX_PAGES: usize = 400;
/// Default threads of one PDF rendering: two, the cores of the smallest machine the service runs on
/// (a 131-page PDF of the largest valid programme takes about 1.6 s on one core, 0.9 s on two).
pub const DEFAULT_THREADS: usize = 2;
/// Largest SVG text of one page handed to `usvg` (a dense A4 page is about 60 KB).
pub const MAX_PAGE_SVG_BYTES: usize = 4 * 1024 * 1024;
/// Largest raster canvas in pixels (4096 × 4096 = 64 MiB of RGBA); the A4 page at 100 dpi is
/// 827 × 1169.
pub const MAX_PIXELS: u64 = 4096 * 4096;

/// A shared cancellation flag: set it (from any thread) and the rendering stops at its next check
/// with [`crate::RenderError::Cancelled`]. Two flags are equal when they are the same flag.
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    /// A new, unset flag.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the rendering to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`CancelFlag::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl PartialEq for CancelFlag {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for CancelFlag {}

/// The work budget of one rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    /// Most characters laid out over the whole document (the document's text is checked against it
    /// before layout, the glyphs laid out during layout).
    pub max_glyphs: usize,
    /// Most pages (PDF: the certificate page and the supplement).
    pub max_pages: usize,
    /// The rendering stops with [`Exceeded::Deadline`] when it is still running at this instant
    /// (monotonic clock; `None`: no deadline).
    pub deadline: Option<Instant>,
    /// Checked with the deadline; set it to stop the rendering (client gone, shutdown).
    pub cancel: Option<CancelFlag>,
    /// Threads one rendering may use to convert PDF pages (at least 1).
    pub threads: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            max_glyphs: DEFAULT_MAX_GLYPHS,
            max_pages: DEFAULT_MAX_PAGES,
            deadline: None,
            cancel: None,
            threads: DEFAULT_THREADS,
        }
    }
}

impl Budget {
    /// The deadline `timeout` from now (keeps the other settings).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.deadline = Instant::now().checked_add(timeout);
        self
    }

    /// Checks the cancellation flag and the deadline.
    pub fn check_time(&self) -> Result<(), crate::RenderError> {
        if self.cancel.as_ref().is_some_and(CancelFlag::is_cancelled) {
            return Err(crate::RenderError::Cancelled);
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(crate::RenderError::Budget(Exceeded::Deadline));
        }
        Ok(())
    }

    /// Checks `glyphs` characters against `max_glyphs`.
    pub fn check_glyphs(&self, glyphs: usize) -> Result<(), crate::RenderError> {
        if glyphs > self.max_glyphs {
            return Err(crate::RenderError::Budget(Exceeded::Glyphs {
                max: self.max_glyphs,
                needed: glyphs,
            }));
        }
        Ok(())
    }

    /// Checks `pages` against `max_pages`.
    pub fn check_pages(&self, pages: usize) -> Result<(), crate::RenderError> {
        if pages > self.max_pages {
            return Err(crate::RenderError::Budget(Exceeded::Pages {
                max: self.max_pages,
                needed: pages,
            }));
        }
        Ok(())
    }
}

/// What part of the [`Budget`] a rendering exceeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exceeded {
    /// More characters than `max_glyphs` (`needed`: counted so far, at least `max + 1`).
    Glyphs {
        /// The budget.
        max: usize,
        /// Counted so far.
        needed: usize,
    },
    /// More pages than `max_pages`.
    Pages {
        /// The budget.
        max: usize,
        /// Counted so far.
        needed: usize,
    },
    /// The deadline passed.
    Deadline,
    /// A page's SVG is larger than [`MAX_PAGE_SVG_BYTES`].
    PageBytes {
        /// The limit.
        max: usize,
        /// The page's SVG size.
        needed: usize,
    },
    /// The raster canvas is larger than [`MAX_PIXELS`].
    Pixels {
        /// The limit.
        max: u64,
        /// Width × height asked for.
        needed: u64,
    },
}

impl std::fmt::Display for Exceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Glyphs { max, needed } => write!(f, "glyphs: the document has more than {max} characters to lay out (at least {needed})"),
            Self::Pages { max, needed } => write!(f, "pages: the document needs more than {max} pages (at least {needed})"),
            Self::Deadline => write!(f, "deadline: rendering took longer than allowed"),
            Self::PageBytes { max, needed } => write!(f, "page size: a page's layout is {needed} bytes, at most {max}"),
            Self::Pixels { max, needed } => write!(f, "pixels: the image would have {needed} pixels, at most {max}"),
        }
    }
}
