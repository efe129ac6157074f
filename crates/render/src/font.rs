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

/// A font database holding only the bundled fonts (built once per process: loading copies and
/// parses both faces, which every page rendering used to repeat).
pub fn database() -> Arc<fontdb::Database> {
    static DB: std::sync::OnceLock<Arc<fontdb::Database>> = std::sync::OnceLock::new();
    Arc::clone(DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_font_data(REGULAR.to_vec());
        db.load_font_data(BOLD.to_vec());
        db.set_sans_serif_family(FAMILY);
        Arc::new(db)
    }))
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

    fn face(&self, bold: bool) -> &ttf_parser::Face<'static> {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    /// Advance of one character in font units (missing glyphs count 0.6 em).
    fn units_of(face: &ttf_parser::Face<'static>, c: char) -> f64 {
        face.glyph_index(c)
            .and_then(|g| face.glyph_hor_advance(g))
            .map(f64::from)
            .unwrap_or(f64::from(face.units_per_em()) * 0.6)
    }

    /// Width of `text` at `size` (user units).
    pub fn width(&self, text: &str, size: f64, bold: bool) -> f64 {
        let face = self.face(bold);
        let upem = f64::from(face.units_per_em());
        let units: f64 = text.chars().map(|c| Self::units_of(face, c)).sum();
        units / upem * size
    }

    /// Breaks `text` into lines no wider than `max` at `size` (words longer than a line are
    /// split by characters). Widths are summed incrementally (advances are whole font units, so
    /// the sums are exact and the breaks are those of measuring every candidate line anew), which
    /// keeps the work linear in the text.
    pub fn wrap(&self, text: &str, size: f64, bold: bool, max: f64) -> Vec<String> {
        let face = self.face(bold);
        let upem = f64::from(face.units_per_em());
        let fits = |units: f64| units / upem * size <= max;
        let space = Self::units_of(face, ' ');
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            let mut line_units = 0.0_f64;
            for word in para.split_whitespace() {
                let word_units: f64 = word.chars().map(|c| Self::units_of(face, c)).sum();
                let candidate = if line.is_empty() {
                    word_units
                } else {
                    line_units + space + word_units
                };
                if fits(candidate) {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word);
                    line_units = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_units = 0.0;
                }
                if fits(word_units) {
                    line = word.to_owned();
                    line_units = word_units;
                } else {
                    for c in word.chars() {
                        let next = line_units + Self::units_of(face, c);
                        if !fits(next) && !line.is_empty() {
                            lines.push(std::mem::take(&mut line));
                            line.push(c);
                            line_units = Self::units_of(face, c);
                        } else {
                            line.push(c);
                            line_units = next;
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

    /// `text` on one line no wider than `max`: cut, with `…`, when it is wider. Linear in the
    /// part of `text` that fits.
    pub fn fit_line(&self, text: &str, size: f64, bold: bool, max: f64) -> String {
        if self.width(text, size, bold) <= max {
            return text.to_owned();
        }
        let face = self.face(bold);
        let upem = f64::from(face.units_per_em());
        let ellipsis = Self::units_of(face, '…');
        let mut out = String::new();
        let mut units = ellipsis;
        for c in text.chars() {
            units += Self::units_of(face, c);
            if units / upem * size > max {
                break;
            }
            out.push(c);
        }
        let mut out = out.trim_end().to_owned();
        out.push('…');
        out
    }

    /// [`Metrics::wrap`] limited to `max_lines` lines: when the text needs more, the last line
    /// shown ends with `…`. Only as much of `text` as could fit is measured (the narrowest glyph
    /// of the font is wider than a fifth of the size), so the work is bounded by the space, not by
    /// the text.
    pub fn wrap_clipped(
        &self,
        text: &str,
        size: f64,
        bold: bool,
        max: f64,
        max_lines: usize,
    ) -> Vec<String> {
        if max_lines == 0 {
            return Vec::new();
        }
        let per_line = (max / (size * 0.2)).ceil().max(1.0) as usize + 1;
        let cap = per_line.saturating_mul(max_lines);
        let cut = text.char_indices().nth(cap).map(|(i, _)| i);
        let clipped = cut.map_or(text, |i| &text[..i]);
        let mut lines = self.wrap(clipped, size, bold, max);
        if lines.len() > max_lines || cut.is_some() {
            lines.truncate(max_lines);
            if let Some(last) = lines.last_mut() {
                *last = self.fit_line(&format!("{last}…"), size, bold, max);
                if !last.ends_with('…') {
                    last.push('…');
                }
            }
        }
        lines
    }
}
