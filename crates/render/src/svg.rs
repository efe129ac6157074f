//! Parses the layout's SVG pages with `usvg`, using only the bundled font database, for the PNG
//! (resvg) and PDF (svg2pdf) back ends.

use std::sync::Arc;

use resvg::usvg;

use crate::RenderError;

/// Parses one SVG page with the bundled fonts.
pub fn tree(svg: &str, fontdb: &Arc<usvg::fontdb::Database>) -> Result<usvg::Tree, RenderError> {
    let options = usvg::Options {
        font_family: crate::font::FAMILY.to_owned(),
        fontdb: Arc::clone(fontdb),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &options).map_err(|e| RenderError::Svg(e.to_string()))
}
