//! The verification QR code (ISO/IEC 18004 via the `qrcode` crate) every output carries: it
//! encodes `RenderOptions::verification_url`. Drawn as SVG rectangles (one path), so the HTML
//! inlines it, the PDF keeps it as vector graphics and the PNG rasterises it sharply.
//!
//! **Mask selection is our own code** (ISO/IEC 18004:2015 §7.8.3: of the eight data masks, the
//! one with the lowest penalty score N1–N4). The crate's `Canvas::apply_best_mask` scores each
//! masked symbol through `Canvas::get` with a boxed closure allocated per finder-pattern position;
//! measured on the certificate page (issue #18, `render_cost`, one thread), it took 1.16 ms of
//! the 5.8 ms a cohort page costs, 20 %. The segments, codewords, function patterns, data
//! placement and masking stay the crate's (`bits::encode_auto`, `ec::construct_codewords`,
//! `Canvas`); only the scoring is rewritten, on a plain module grid, with the crate's exact rules
//! and 16-bit arithmetic (its N3 reading of the 1:1:3:1:1 pattern, its unrounded N4, the first
//! lowest score winning), so the symbol is the crate's, module for module:
//! `tests/qr_oracle.rs` compares both for thousands of inputs of every length the page can carry.

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{Color, EcLevel, QrCode, Version};

use crate::RenderError;

/// A QR code's module matrix (`true` = dark), without the quiet zone.
pub struct Qr {
    width: usize,
    dark: Vec<bool>,
}

impl Qr {
    /// Encodes `url` with error correction level M (15 %: survives print wear and a logo-free scan).
    pub fn new(url: &str) -> Result<Self, RenderError> {
        let ec_level = EcLevel::M;
        let qr_error = |e: qrcode::types::QrError| RenderError::Qr(e.to_string());
        let bits = qrcode::bits::encode_auto(url.as_bytes(), ec_level).map_err(qr_error)?;
        let version = bits.version();
        if matches!(version, Version::Micro(_)) {
            // Not produced by `encode_auto`; the crate's own selection if it ever is.
            return Ok(Self::of(
                &QrCode::with_error_correction_level(url.as_bytes(), ec_level).map_err(qr_error)?,
            ));
        }
        let (data, ec) = qrcode::ec::construct_codewords(&bits.into_bytes(), version, ec_level)
            .map_err(qr_error)?;
        let mut canvas = Canvas::new(version, ec_level);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&data, &ec);
        let width = usize::try_from(version.width()).map_err(|e| RenderError::Qr(e.to_string()))?;
        let mut best: Option<(u16, Vec<bool>)> = None;
        for pattern in MASKS {
            let mut masked = canvas.clone();
            masked.apply_mask(pattern);
            let dark: Vec<bool> = masked
                .into_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect();
            let score = penalty(&dark, width);
            // The first lowest score wins (the crate's `Iterator::min_by_key`).
            if best.as_ref().is_none_or(|(lowest, _)| score < *lowest) {
                best = Some((score, dark));
            }
        }
        let (_, dark) = best.ok_or_else(|| RenderError::Qr("no mask pattern".into()))?;
        Ok(Self { width, dark })
    }

    /// The modules of a symbol made by the crate.
    fn of(code: &QrCode) -> Self {
        Self {
            width: code.width(),
            dark: code
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
        }
    }

    /// The modules, row by row (`true` = dark), without the quiet zone.
    pub fn modules(&self) -> &[bool] {
        &self.dark
    }

    /// Modules per side (without quiet zone).
    pub fn width(&self) -> usize {
        self.width
    }

    /// Whether the module at (`row`, `col`) is dark (outside the symbol: light).
    fn is_dark(&self, row: usize, col: usize) -> bool {
        col < self.width
            && self
                .dark
                .get(row * self.width + col)
                .copied()
                .unwrap_or(false)
    }

    /// An SVG path (`d`) drawing the dark modules at (`x`, `y`) with modules of `module` units,
    /// one sub-path per horizontal run, numbers to three decimals.
    pub fn path_data(&self, x: f64, y: f64, module: f64) -> String {
        // Written in thousandths with integer formatting: `format!("{:.3}")` per number was a
        // tenth of the QR code's cost on a cohort page (issue #18).
        let mut d = String::with_capacity(self.width * self.width);
        let step = thousandths(module);
        for row in 0..self.width {
            let top = thousandths(y + row as f64 * module);
            let mut col = 0;
            while col < self.width {
                if self.is_dark(row, col) {
                    let start = col;
                    while col < self.width && self.is_dark(row, col) {
                        col += 1;
                    }
                    let left = thousandths(x + start as f64 * module);
                    let run = thousandths((col - start) as f64 * module);
                    d.push('M');
                    push_thousandths(&mut d, left);
                    d.push(' ');
                    push_thousandths(&mut d, top);
                    d.push('h');
                    push_thousandths(&mut d, run);
                    d.push('v');
                    push_thousandths(&mut d, step);
                    d.push_str("h-");
                    push_thousandths(&mut d, run);
                    d.push('z');
                } else {
                    col += 1;
                }
            }
        }
        d
    }

    /// A PNG of the code (8-bit greyscale, black modules on white) with a 4-module quiet zone,
    /// `scale` pixels per module, written with the `png` crate (W3C PNG 3rd ed.).
    pub fn png(&self, scale: usize) -> Result<Vec<u8>, RenderError> {
        let quiet = 4;
        let scale = scale.max(1);
        let side = (self.width + 2 * quiet) * scale;
        let mut pixels = Vec::with_capacity(side * side);
        for y in 0..side {
            let row = (y / scale).checked_sub(quiet);
            for x in 0..side {
                let col = (x / scale).checked_sub(quiet);
                let dark = match (row, col) {
                    (Some(r), Some(c)) => r < self.width && self.is_dark(r, c),
                    _ => false,
                };
                pixels.push(if dark { 0 } else { 255 });
            }
        }
        let side = u32::try_from(side).map_err(|e| RenderError::Qr(e.to_string()))?;
        let mut out = Vec::new();
        let mut encoder = ::png::Encoder::new(&mut out, side, side);
        encoder.set_color(::png::ColorType::Grayscale);
        encoder.set_depth(::png::BitDepth::Eight);
        encoder.set_compression(::png::Compression::Best);
        let png_error = |e: ::png::EncodingError| RenderError::Qr(e.to_string());
        let mut writer = encoder.write_header().map_err(png_error)?;
        writer.write_image_data(&pixels).map_err(png_error)?;
        writer.finish().map_err(png_error)?;
        Ok(out)
    }

    /// A standalone SVG of the code with a 4-module quiet zone, `size` user units wide.
    pub fn svg(&self, size: f64, title: &str) -> String {
        let n = self.width as f64 + 8.0;
        let m = size / n;
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{t}" width="{size}" height="{size}" viewBox="0 0 {size} {size}"><title>{t}</title><rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{d}"/></svg>"##,
            t = crate::html::escape(title),
            d = self.path_data(4.0 * m, 4.0 * m, m)
        )
    }
}

/// The eight QR code masks in the crate's order (`ALL_PATTERNS_QR`), which breaks ties.
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// The penalty score of a masked symbol (`dark`, `width` × `width`, row by row) as the `qrcode`
/// crate computes it (`Canvas::compute_total_penalty_scores`, 16-bit wrapping as in its release
/// build): N1 runs of five or more, N2 2 × 2 blocks, N3 finder-like patterns, N4 balance. Rows
/// and columns are scanned as contiguous slices (the columns from a transposed copy).
fn penalty(dark: &[bool], width: usize) -> u16 {
    let width = width.max(1);
    let mut transposed = vec![false; dark.len()];
    for (y, row) in dark.chunks_exact(width).enumerate() {
        for (x, d) in row.iter().enumerate() {
            if let Some(t) = transposed.get_mut(x * width + y) {
                *t = *d;
            }
        }
    }
    let mut score = 0u16;
    for line in dark
        .chunks_exact(width)
        .chain(transposed.chunks_exact(width))
    {
        score = score
            .wrapping_add(adjacent_score(line))
            .wrapping_add(finder_score(line));
    }
    // The crate subtracts the finder patterns' own 9 matches (360) per direction.
    score = score.wrapping_sub(720);
    // N2: every 2 × 2 block of one colour, overlapping blocks counted.
    let rows: Vec<&[bool]> = dark.chunks_exact(width).collect();
    for pair in rows.windows(2) {
        if let [upper, lower] = pair {
            for (u, l) in upper.windows(2).zip(lower.windows(2)) {
                if let ([a, b], [c, d]) = (u, l) {
                    if a == b && b == c && c == d {
                        score = score.wrapping_add(3);
                    }
                }
            }
        }
    }
    // N4: the deviation of the dark share from 50 %, in half percent, unrounded.
    let darks = dark.iter().filter(|d| **d).count();
    let ratio = darks * 200 / dark.len().max(1);
    score.wrapping_add(u16::try_from(ratio.abs_diff(100)).unwrap_or(u16::MAX))
}

/// N1 along one line: a run of `n` ≥ 5 modules of one colour scores `n - 2`.
fn adjacent_score(line: &[bool]) -> u16 {
    let mut score = 0u16;
    let mut rest = line;
    while let Some(first) = rest.first() {
        let run = rest.iter().take_while(|c| *c == first).count();
        if run >= 5 {
            score = score.wrapping_add(u16::try_from(run - 2).unwrap_or(u16::MAX));
        }
        rest = rest.get(run..).unwrap_or_default();
    }
    score
}

/// N3 along one line as the crate reads it: each dark-light-dark-dark-dark-light-dark run scores
/// 40 unless both its sides have a dark module among the four next to it (outside the symbol
/// counts as light).
fn finder_score(line: &[bool]) -> u16 {
    const PATTERN: [bool; 7] = [true, false, true, true, true, false, true];
    let mut score = 0u16;
    for (j, window) in line.windows(7).enumerate() {
        if window != PATTERN {
            continue;
        }
        let before = line
            .get(j.saturating_sub(4)..j)
            .is_some_and(|s| s.contains(&true));
        let after = line
            .get(j + 7..(j + 11).min(line.len()))
            .is_some_and(|s| s.contains(&true));
        if !before || !after {
            score = score.wrapping_add(40);
        }
    }
    score
}

/// `v` in thousandths, rounded half away from zero (saturating far outside any page).
fn thousandths(v: f64) -> i64 {
    let t = (v * 1000.0).round();
    if t.is_nan() {
        0
    } else {
        // `as` saturates at the bounds; page coordinates are far inside them.
        t as i64
    }
}

/// Appends `t` thousandths as a decimal with three fraction digits (`-1.250`, `0.000`).
fn push_thousandths(out: &mut String, t: i64) {
    if t < 0 {
        out.push('-');
    }
    let a = t.unsigned_abs();
    out.push_str(itoa::Buffer::new().format(a / 1000));
    out.push('.');
    let frac = a % 1000;
    for digit in [frac / 100, frac / 10 % 10, frac % 10] {
        out.push(char::from(b'0' + u8::try_from(digit).unwrap_or(0)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path as `format!("{:.3}")` wrote it before (issue #18 replaced the formatting only).
    fn path_data_formatted(qr: &Qr, x: f64, y: f64, module: f64) -> String {
        let mut d = String::new();
        for row in 0..qr.width {
            let mut col = 0;
            while col < qr.width {
                if qr.is_dark(row, col) {
                    let start = col;
                    while col < qr.width && qr.is_dark(row, col) {
                        col += 1;
                    }
                    let run = (col - start) as f64 * module;
                    d.push_str(&format!(
                        "M{:.3} {:.3}h{run:.3}v{module:.3}h-{run:.3}z",
                        x + start as f64 * module,
                        y + row as f64 * module,
                    ));
                } else {
                    col += 1;
                }
            }
        }
        d
    }

    #[test]
    fn path_data_writes_what_format_wrote() {
        let qr = Qr::new("https://verify.example/?credential=https://issuer.example/share/qP-knzssJsmkeuo0r3lHOUfgYlPbHMt67TrJzVxhozM").unwrap();
        for (x, y, module) in [
            (431.7, 655.25, 2.1276),
            (4.0, 4.0, 1.0),
            (0.0, 0.0, 0.333_333),
            (17.123_456, 9.87, 3.2),
        ] {
            assert_eq!(
                qr.path_data(x, y, module),
                path_data_formatted(&qr, x, y, module)
            );
        }
        let mut s = String::new();
        for t in [0, 5, -5, 1_000, -12_345, 999] {
            push_thousandths(&mut s, t);
            s.push(',');
        }
        assert_eq!(s, "0.000,0.005,-0.005,1.000,-12.345,0.999,");
    }
}
