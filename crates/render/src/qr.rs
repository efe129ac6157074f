//! The verification QR code (ISO/IEC 18004 via the `qrcode` crate) every output carries: it
//! encodes `RenderOptions::verification_url`. Drawn as SVG rectangles (one path), so the HTML
//! inlines it, the PDF keeps it as vector graphics and the PNG rasterises it sharply.

use qrcode::{Color, EcLevel, QrCode};

use crate::RenderError;

/// A QR code's module matrix (`true` = dark), without the quiet zone.
pub struct Qr {
    width: usize,
    dark: Vec<bool>,
}

impl Qr {
    /// Encodes `url` with error correction level M (15 %: survives print wear and a logo-free scan).
    pub fn new(url: &str) -> Result<Self, RenderError> {
        let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
            .map_err(|e| RenderError::Qr(e.to_string()))?;
        let width = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        Ok(Self { width, dark })
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
    /// one sub-path per horizontal run.
    pub fn path_data(&self, x: f64, y: f64, module: f64) -> String {
        let mut d = String::new();
        for row in 0..self.width {
            let mut col = 0;
            while col < self.width {
                if self.is_dark(row, col) {
                    let start = col;
                    while col < self.width && self.is_dark(row, col) {
                        col += 1;
                    }
                    d.push_str(&format!(
                        "M{:.3} {:.3}h{:.3}v{:.3}h-{:.3}z",
                        x + start as f64 * module,
                        y + row as f64 * module,
                        (col - start) as f64 * module,
                        module,
                        (col - start) as f64 * module
                    ));
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
