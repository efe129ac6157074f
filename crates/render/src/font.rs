//! The bundled font: DejaVu Sans and DejaVu Sans Bold (Bitstream Vera derivative, free licence,
//! `fonts/LICENSE-DejaVu.txt`, from Debian `fonts-dejavu-core` 2.37). It covers Latin Extended
//! (ą ę ł ś ż ü ö ß …), so German, Dutch, Polish and Italian texts render and extract. The same
//! bytes feed the SVG text engine (PNG, PDF) and the line breaker here, so measured widths match
//! what is drawn. No system fonts are used.

use std::sync::Arc;

use resvg::usvg::fontdb;

/// DejaVu Sans (regular).
pub const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold.
pub const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");
/// The family name to use in SVG.
pub const FAMILY: &str = "DejaVu Sans";

/// A font database holding only the bundled fonts.
pub fn database() -> Arc<fontdb::Database> {
    let mut db = fontdb::Database::new();
    db.load_font_data(REGULAR.to_vec());
    db.load_font_data(BOLD.to_vec());
    db.set_sans_serif_family(FAMILY);
    Arc::new(db)
}

/// Measures text widths with the bundled font's horizontal advances (no kerning: a slight
/// over-estimate, which is the safe side for line breaking).
pub struct Metrics {
    regular: ttf_parser::Face<'static>,
    bold: ttf_parser::Face<'static>,
}

impl Metrics {
    /// Parses the bundled faces.
    pub fn new() -> Result<Self, crate::RenderError> {
        let parse = |b: &'static [u8]| {
            ttf_parser::Face::parse(b, 0).map_err(|e| crate::RenderError::Font(e.to_string()))
        };
        Ok(Self {
            regular: parse(REGULAR)?,
            bold: parse(BOLD)?,
        })
    }

    /// Width of `text` at `size` (user units).
    pub fn width(&self, text: &str, size: f64, bold: bool) -> f64 {
        let face = if bold { &self.bold } else { &self.regular };
        let upem = f64::from(face.units_per_em());
        let units: f64 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map(f64::from)
                    .unwrap_or(upem * 0.6)
            })
            .sum();
        units / upem * size
    }

    /// Breaks `text` into lines no wider than `max` at `size` (words longer than a line are
    /// split by characters).
    pub fn wrap(&self, text: &str, size: f64, bold: bool, max: f64) -> Vec<String> {
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            for word in para.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, size, bold) <= max {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if self.width(word, size, bold) <= max {
                    line = word.to_owned();
                } else {
                    for c in word.chars() {
                        let mut next = line.clone();
                        next.push(c);
                        if self.width(&next, size, bold) > max && !line.is_empty() {
                            lines.push(std::mem::take(&mut line));
                            line.push(c);
                        } else {
                            line = next;
                        }
                    }
                }
            }
            if !line.is_empty() {
                lines.push(line);
            }
        }
        lines
    }
}
