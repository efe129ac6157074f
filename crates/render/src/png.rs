//! The PNG rendering: the certificate page (page 1 of ENHANCE framework MS18 **Annex 3**) from the
//! shared SVG layout, rasterised by `resvg`/`tiny-skia` with the bundled font at 100 dpi
//! (827 × 1169 px for A4). It becomes the credential's EDC `individualDisplay` page image
//! (ELM v3.2 `DisplayDetail.image`), so it must be readable on its own: the QR code in it links to
//! the verification page.
//!
//! Within the rendering's [`Budget`]: only the certificate page is laid out; the deadline, the
//! cancellation flag, the SVG size and the canvas's pixel area are checked before `usvg` parses
//! and `tiny-skia` allocates.

use resvg::tiny_skia;

use crate::budget::{Budget, Exceeded, MAX_PAGE_SVG_BYTES, MAX_PIXELS};
use crate::model::Document;
use crate::RenderError;

/// Resolution of the PNG.
pub const DPI: f32 = 100.0;

/// Renders the certificate page to PNG bytes.
pub fn certificate_png(doc: &Document, budget: &Budget) -> Result<Vec<u8>, RenderError> {
    let first = crate::layout::certificate_only(doc, budget)?;
    // usvg sizes the tree in CSS pixels (1/96 in).
    svg_to_png(&first, DPI / 96.0, budget)
}

/// Rasterises an SVG document (with the bundled fonts) at `scale` × its CSS pixel size, on white.
pub fn svg_to_png(svg: &str, scale: f32, budget: &Budget) -> Result<Vec<u8>, RenderError> {
    rasterize(svg, scale, budget)?
        .encode_png()
        .map_err(|e| RenderError::Png(e.to_string()))
}

/// The pixels of an SVG document (with the bundled fonts) at `scale` × its CSS pixel size, on
/// white (premultiplied RGBA, all opaque), within `budget`: the deadline, the SVG's size and the
/// canvas's area are checked before parsing and allocating.
pub fn rasterize(svg: &str, scale: f32, budget: &Budget) -> Result<tiny_skia::Pixmap, RenderError> {
    let (tree, w, h) = parse(svg, scale, budget)?;
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or(RenderError::Raster)?;
    draw(&tree, scale, &mut pixmap);
    Ok(pixmap)
}

/// Fills `pixmap` with white and draws `tree` at `scale` onto it.
pub(crate) fn draw(tree: &resvg::usvg::Tree, scale: f32, pixmap: &mut tiny_skia::Pixmap) {
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
}

/// The parsed SVG document and its canvas size in pixels at `scale`, within `budget` (the checks
/// of [`rasterize`]).
pub(crate) fn parse(
    svg: &str,
    scale: f32,
    budget: &Budget,
) -> Result<(resvg::usvg::Tree, u32, u32), RenderError> {
    budget.check_time()?;
    if svg.len() > MAX_PAGE_SVG_BYTES {
        return Err(RenderError::Budget(Exceeded::PageBytes {
            max: MAX_PAGE_SVG_BYTES,
            needed: svg.len(),
        }));
    }
    let db = crate::font::database();
    let tree = crate::svg::tree(svg, &db)?;
    let size = tree.size();
    let (wf, hf) = (
        f64::from(size.width() * scale).round(),
        f64::from(size.height() * scale).round(),
    );
    if !(wf.is_finite() && hf.is_finite()) || wf < 1.0 || hf < 1.0 {
        return Err(RenderError::Raster);
    }
    if wf * hf > MAX_PIXELS as f64 {
        let needed = (wf * hf).min(u64::MAX as f64) as u64;
        return Err(RenderError::Budget(Exceeded::Pixels {
            max: MAX_PIXELS,
            needed,
        }));
    }
    budget.check_time()?;
    Ok((tree, wf as u32, hf as u32))
}
