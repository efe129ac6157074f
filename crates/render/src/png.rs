//! The PNG rendering: the certificate page (page 1 of ENHANCE framework MS18 **Annex 3**) from the
//! shared SVG layout, rasterised by `resvg`/`tiny-skia` with the bundled font at 100 dpi
//! (827 × 1169 px for A4). It becomes the credential's EDC `individualDisplay` page image
//! (ELM v3.2 `DisplayDetail.image`), so it must be readable on its own: the QR code in it links to
//! the verification page.

use resvg::tiny_skia;

use crate::model::Document;
use crate::RenderError;

/// Resolution of the PNG.
pub const DPI: f32 = 100.0;

/// Renders the certificate page to PNG bytes.
pub fn certificate_png(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let pages = crate::layout::pages(doc)?;
    let first = pages.first().ok_or(RenderError::Empty)?;
    // usvg sizes the tree in CSS pixels (1/96 in).
    svg_to_png(first, DPI / 96.0)
}

/// Rasterises an SVG document (with the bundled fonts) at `scale` × its CSS pixel size, on white.
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, RenderError> {
    let db = crate::font::database();
    let tree = crate::svg::tree(svg, &db)?;
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale).round() as u32,
        (size.height() * scale).round() as u32,
    );
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or(RenderError::Raster)?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| RenderError::Png(e.to_string()))
}
