//! The PDF rendering: the certificate page, then the supplement pages (ENHANCE framework MS18
//! **Annex 3**), A4, as a text-searchable PDF 1.7: every page of the shared SVG layout is converted
//! by `svg2pdf` into a form XObject with real text (glyphs of the bundled DejaVu Sans, embedded as
//! a subset with a `ToUnicode` map, so `pdftotext` and screen readers get the text back, ą ę ł ś ż
//! ü ö ß included) and vector graphics (QR code), and `pdf-writer` assembles the pages.
//!
//! Why this stack (measured on rustc 1.95, 2 shared cores, debug build): `svg2pdf` 0.13 +
//! `pdf-writer` 0.12 + `subsetter` come with `resvg`/`usvg` 0.45, which the PNG needs anyway, so
//! the PDF costs four small crates more and one layout serves both outputs (what the PDF shows is
//! what the PNG shows). `krilla` (a higher-level successor by the same authors) would add its own
//! text shaping stack beside usvg's; `printpdf` 0.8 pulls in the azul layout crates; a hand-built
//! `pdf-writer` + `subsetter` document would need its own text layout and a second layout for the
//! PNG.
//!
//! Within the rendering's [`Budget`]: the layout is refused over the glyph or page budget, and the
//! deadline, the cancellation flag and each page's SVG size are checked before each page is
//! parsed and converted. Pages are parsed and converted on up to `budget.threads` threads (the
//! cost is `usvg`'s text layout, which turns every glyph into an outline: about 10 ms per dense
//! page), then assembled in order.

use std::collections::HashMap;

use std::sync::Arc;

use pdf_writer::{Chunk, Content, Finish, Name, Pdf, Rect, Ref, TextStr};
use resvg::usvg::fontdb;

use svg2pdf::ConversionOptions;

use crate::budget::{Budget, Exceeded, MAX_PAGE_SVG_BYTES};
use crate::layout::{PAGE_H, PAGE_W};
use crate::model::Document;
use crate::RenderError;

/// Parses one page's SVG and converts it to a PDF chunk (its form XObject and resources).
fn convert_page(
    svg: &str,
    db: &Arc<fontdb::Database>,
    budget: &Budget,
) -> Result<(Chunk, Ref), RenderError> {
    budget.check_time()?;
    if svg.len() > MAX_PAGE_SVG_BYTES {
        return Err(RenderError::Budget(Exceeded::PageBytes {
            max: MAX_PAGE_SVG_BYTES,
            needed: svg.len(),
        }));
    }
    let tree = crate::svg::tree(svg, db)?;
    budget.check_time()?;
    svg2pdf::to_chunk(&tree, ConversionOptions::default())
        .map_err(|e| RenderError::Pdf(e.to_string()))
}

/// [`convert_page`] for every page, in page order, on up to `budget.threads` threads (each takes
/// a run of consecutive pages and stops at its first error).
fn convert_pages(
    pages: &[String],
    db: &Arc<fontdb::Database>,
    budget: &Budget,
) -> Vec<Result<(Chunk, Ref), RenderError>> {
    let run = |group: &[String]| {
        let mut out = Vec::with_capacity(group.len());
        for svg in group {
            let r = convert_page(svg, db, budget);
            let failed = r.is_err();
            out.push(r);
            if failed {
                break;
            }
        }
        out
    };
    let threads = budget.threads.clamp(1, 16).min(pages.len());
    if threads <= 1 {
        return run(pages);
    }
    let per = pages.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = pages
            .chunks(per)
            .map(|group| {
                std::thread::Builder::new()
                    .name("render-pdf".into())
                    .spawn_scoped(s, move || run(group))
                    .map_err(|e| (e, group))
            })
            .collect();
        let mut out = Vec::with_capacity(pages.len());
        for h in handles {
            match h {
                Ok(h) => out.extend(h.join().unwrap_or_else(|_| {
                    vec![Err(RenderError::Pdf(
                        "a page conversion thread failed".into(),
                    ))]
                })),
                // No thread to spare: convert the group here.
                Err((_, group)) => out.extend(run(group)),
            }
        }
        out
    })
}

/// Renders all pages into one PDF.
pub fn document_pdf(doc: &Document, budget: &Budget) -> Result<Vec<u8>, RenderError> {
    let pages = crate::layout::pages_within(doc, budget)?;
    let db = crate::font::database();
    let mut alloc = Ref::new(1);
    let catalog_id = alloc.bump();
    let tree_id = alloc.bump();
    let info_id = alloc.bump();
    let mut pdf = Pdf::new();
    let mut page_ids = Vec::new();
    let (w, h) = (PAGE_W as f32, PAGE_H as f32);
    for converted in convert_pages(&pages, &db, budget) {
        let (chunk, svg_ref) = converted?;
        let mut map = HashMap::new();
        let chunk = chunk.renumber(|old| *map.entry(old).or_insert_with(|| alloc.bump()));
        let x_id = *map
            .get(&svg_ref)
            .ok_or_else(|| RenderError::Pdf("page object missing".into()))?;
        pdf.extend(&chunk);

        let page_id = alloc.bump();
        let content_id = alloc.bump();
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, w, h));
        page.parent(tree_id);
        page.contents(content_id);
        page.resources().x_objects().pair(Name(b"P1"), x_id);
        page.finish();

        // The form XObject maps its box to the unit square; scale it to the page.
        let mut content = Content::new();
        content.save_state();
        content.transform([w, 0.0, 0.0, h, 0.0, 0.0]);
        content.x_object(Name(b"P1"));
        content.restore_state();
        pdf.stream(content_id, &content.finish());
        page_ids.push(page_id);
    }
    pdf.catalog(catalog_id)
        .pages(tree_id)
        .lang(TextStr(&doc.language));
    let count = i32::try_from(page_ids.len()).map_err(|e| RenderError::Pdf(e.to_string()))?;
    pdf.pages(tree_id).kids(page_ids).count(count);
    let cut = |s: &str| s.chars().take(300).collect::<String>();
    let title = format!("{} – {}", cut(&doc.title), cut(&doc.page.learner));
    let mut info = pdf.document_info(info_id);
    info.title(TextStr(&title));
    info.author(TextStr(&cut(&doc.page.university)));
    info.producer(TextStr("enhance-credentials render"));
    info.finish();
    Ok(pdf.finish())
}
