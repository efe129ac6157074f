//! The certificate page image of many learners at once (issue #18, cohort issuance): the same
//! pixels as [`crate::png::certificate_png`], losslessly as an 8-bit indexed-colour PNG (W3C PNG
//! 3rd ed. §4.4 colour type 3, `PLTE`; zlib RFC 1950 / deflate RFC 1951), at a fraction of the
//! cost.
//!
//! In a cohort the certificate pages differ only in the learner's parts (name, date of birth, QR
//! code of the verification URL and the URL under it; [`crate::layout::CertificateLayout`]). The
//! layout is split into those parts and the rest; the rest (the *template*) is rasterised once
//! and kept in a [`PageCache`] keyed by its exact SVG text (so a longer name that moves the lines
//! below it, another language, specification or university is another template). Per learner
//! only the learner's parts are rasterised, on white (their document has no background), and
//! their non-white pixels replace the template's; only the rows their elements' bounding boxes
//! cover (usvg's layer bounding boxes, widened for anti-aliasing) are scanned for them.
//!
//! That is exact because the page's elements are painted one after another onto white and the
//! learner's parts touch only pixels the rest leaves white: this is **checked for every image**
//! (every row span the learner's parts paint, widened by two pixels on each side, must be white
//! in the template, the pixels opaque and at most 256 colours); otherwise the whole page is
//! rasterised as before. The image data is compressed in bands of [`BAND_ROWS`] rows, each an
//! independent deflate segment ended by a full flush, so the template's bands the learner's parts
//! do not touch are reused compressed; the zlib stream's Adler-32 is computed over the whole data.

use std::borrow::{Borrow, Cow};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use flate2::{Compress, Compression, FlushCompress};
use resvg::tiny_skia::Pixmap;

use crate::budget::{Budget, Exceeded, MAX_PAGE_SVG_BYTES};
use crate::model::Document;
use crate::RenderError;

/// Rows of the image compressed together (one deflate segment each).
pub const BAND_ROWS: usize = 16;
/// Deflate level of the template's bands (1–9; 6 is zlib's default): compressed once.
const LEVEL: u32 = 9;
/// Deflate level of the bands the learner's parts change, compressed for every image (level 1
/// is about twice as fast; these bands are a fifth of the page, so the image grows by a tenth).
const LEVEL_CHANGED: u32 = 1;
/// Templates kept by [`PageCache::shared`] (each about 1 MB: one byte per pixel).
const SHARED_CAPACITY: usize = 16;
/// Pixels around the learner's parts that must be white in the template.
const MARGIN_PX: usize = 2;

/// Hashes a colour for the palette lookup: the three bytes times an odd constant (a colour is
/// looked up for every changed pixel, and SipHash was a seventh of composing an image).
#[derive(Default, Clone, Copy)]
struct RgbHasher(u64);

impl std::hash::Hasher for RgbHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8 | u64::from(*b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
}

type RgbHash = std::hash::BuildHasherDefault<RgbHasher>;

/// An opaque image as palette indices, one PNG scanline per row (filter byte 0, then one index
/// per pixel).
struct Indexed {
    width: usize,
    height: usize,
    palette: Vec<[u8; 3]>,
    lookup: HashMap<[u8; 3], u8, RgbHash>,
    /// `height` × (1 + `width`) bytes.
    rows: Vec<u8>,
}

impl Indexed {
    /// The indexed form of `pixmap`; `None` when a pixel is not opaque or there are more than 256
    /// colours.
    fn of(pixmap: &Pixmap) -> Option<Self> {
        let (width, height) = (pixmap.width() as usize, pixmap.height() as usize);
        let mut image = Self {
            width,
            height,
            palette: Vec::new(),
            lookup: HashMap::default(),
            rows: Vec::with_capacity(height * (width + 1)),
        };
        let mut last: Option<([u8; 3], u8)> = None;
        for row in pixmap.data().chunks_exact(width * 4) {
            image.rows.push(0);
            for px in row.chunks_exact(4) {
                let rgb = opaque(px)?;
                let i = match last {
                    Some((c, i)) if c == rgb => i,
                    _ => {
                        let i = image.index(rgb)?;
                        last = Some((rgb, i));
                        i
                    }
                };
                image.rows.push(i);
            }
        }
        (image.rows.len() == height * (width + 1)).then_some(image)
    }

    /// The same size and palette, without the pixels.
    fn clone_header(&self) -> Self {
        Self {
            width: self.width,
            height: self.height,
            palette: self.palette.clone(),
            lookup: self.lookup.clone(),
            rows: Vec::new(),
        }
    }

    /// The palette index of `rgb`, added when new (`None` past 256 colours).
    fn index(&mut self, rgb: [u8; 3]) -> Option<u8> {
        if let Some(i) = self.lookup.get(&rgb) {
            return Some(*i);
        }
        let i = u8::try_from(self.palette.len()).ok()?;
        self.palette.push(rgb);
        self.lookup.insert(rgb, i);
        Some(i)
    }

    /// The band `b` of the scanlines.
    fn band(&self, b: usize) -> &[u8] {
        let stride = self.width + 1;
        let start = (b * BAND_ROWS * stride).min(self.rows.len());
        let end = ((b + 1) * BAND_ROWS * stride).min(self.rows.len());
        self.rows.get(start..end).unwrap_or_default()
    }

    fn bands(&self) -> usize {
        self.height.div_ceil(BAND_ROWS)
    }
}

/// The colour of an opaque premultiplied RGBA pixel (`None` when not opaque).
fn opaque(px: &[u8]) -> Option<[u8; 3]> {
    match *px {
        [r, g, b, 255] => Some([r, g, b]),
        _ => None,
    }
}

/// A rasterised page without the learner's parts, its bands compressed.
struct Template {
    /// The SVG it was rasterised from (the cache key).
    fixed: String,
    image: Indexed,
    /// Palette index of white, when the page has white.
    white: Option<u8>,
    /// Each band as a deflate segment and its Adler-32.
    bands: Vec<Band>,
}

/// One band of scanlines compressed: a deflate segment of a fresh compressor ended by a full
/// flush, and the Adler-32 (RFC 1950) of its uncompressed bytes.
#[derive(Clone)]
struct Band {
    deflated: Vec<u8>,
    adler: u32,
    len: usize,
}

/// Rasterised templates of certificate pages, shared by the renderings of a process (a small
/// most-recently-used list; safe to use from several threads).
pub struct PageCache {
    templates: Mutex<Vec<Arc<Template>>>,
    capacity: usize,
    /// Pages composed from a template / rasterised whole.
    composed: AtomicU64,
    whole: AtomicU64,
}

impl PageCache {
    /// An empty cache keeping at most `capacity` templates (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            templates: Mutex::new(Vec::new()),
            capacity: capacity.max(1),
            composed: AtomicU64::new(0),
            whole: AtomicU64::new(0),
        }
    }

    /// The process's cache ([`crate::page_image`] uses it).
    pub fn shared() -> &'static PageCache {
        static SHARED: OnceLock<PageCache> = OnceLock::new();
        SHARED.get_or_init(|| PageCache::new(SHARED_CAPACITY))
    }

    /// Templates held now.
    pub fn len(&self) -> usize {
        self.templates.lock().map_or(0, |t| t.len())
    }

    /// Pages rendered so far: (composed from a template, rasterised whole).
    pub fn counts(&self) -> (u64, u64) {
        (
            self.composed.load(Ordering::Relaxed),
            self.whole.load(Ordering::Relaxed),
        )
    }

    /// Whether no template is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The template of `fixed`, rasterised now when not held (`None`: the page cannot be
    /// indexed, so the fast path does not apply).
    fn template(&self, fixed: &str, budget: &Budget) -> Result<Option<Arc<Template>>, RenderError> {
        if let Ok(mut held) = self.templates.lock() {
            if let Some(pos) = held.iter().position(|t| t.fixed == fixed) {
                let t = held.remove(pos);
                held.insert(0, Arc::clone(&t));
                return Ok(Some(t));
            }
        }
        let pixmap = crate::png::rasterize(fixed, crate::png::DPI / 96.0, budget)?;
        let Some(image) = Indexed::of(&pixmap) else {
            return Ok(None);
        };
        let bands = compress_all(&image)?;
        let template = Arc::new(Template {
            fixed: fixed.to_owned(),
            white: image.lookup.get(&[255, 255, 255]).copied(),
            image,
            bands,
        });
        if let Ok(mut held) = self.templates.lock() {
            held.insert(0, Arc::clone(&template));
            held.truncate(self.capacity);
        }
        Ok(Some(template))
    }

    /// The certificate page of `doc` as an indexed-colour PNG (the pixels of
    /// [`crate::png::certificate_png`]), within `budget`.
    pub fn certificate_png(&self, doc: &Document, budget: &Budget) -> Result<Vec<u8>, RenderError> {
        let layout = crate::layout::certificate_layout(doc, budget)?;
        if layout.page.len() > MAX_PAGE_SVG_BYTES {
            return Err(RenderError::Budget(Exceeded::PageBytes {
                max: MAX_PAGE_SVG_BYTES,
                needed: layout.page.len(),
            }));
        }
        let scale = crate::png::DPI / 96.0;
        if let Some(template) = self.template(&layout.fixed, budget)? {
            let (tree, w, h) = crate::png::parse(&layout.varying, scale, budget)?;
            let rows = painted_rows(&tree, scale, h);
            let png = with_canvas(w, h, |parts| {
                resvg::render(
                    &tree,
                    resvg::tiny_skia::Transform::from_scale(scale, scale),
                    &mut parts.as_mut(),
                );
                let mut touched = Vec::new();
                let png = compose(&template, parts, &rows, &mut touched);
                // Back to white for the next image: the rows drawn on, or all when unsure.
                match png {
                    Ok(Some(_)) => whiten(parts, &touched),
                    _ => parts.fill(resvg::tiny_skia::Color::WHITE),
                }
                png
            })?;
            if let Some(png) = png {
                self.composed.fetch_add(1, Ordering::Relaxed);
                return Ok(png);
            }
        }
        self.whole.fetch_add(1, Ordering::Relaxed);
        whole_page(&crate::png::rasterize(&layout.page, scale, budget)?)
    }
}

/// Runs `f` on a reused `w` × `h` canvas, white (a page-sized pixmap is 3.9 MB: allocating and
/// filling one per image costs more than drawing the learner's parts into it); `f` leaves it
/// white. The canvases are shared by all threads, not kept per thread: images are rendered on
/// tokio's blocking pool, whose threads come and go, and a thread's first image paid for a
/// canvas of its own (1.3 % of a cohort's CPU). A canvas `f` failed on is not reused.
fn with_canvas<T>(
    w: u32,
    h: u32,
    f: impl FnOnce(&mut Pixmap) -> Result<T, RenderError>,
) -> Result<T, RenderError> {
    static CANVASES: Mutex<Vec<Pixmap>> = Mutex::new(Vec::new());
    let reused = CANVASES.lock().ok().and_then(|mut free| {
        let at = free
            .iter()
            .position(|p| (p.width(), p.height()) == (w, h))?;
        Some(free.swap_remove(at))
    });
    let mut canvas = match reused {
        Some(c) => c,
        None => {
            let mut c = Pixmap::new(w, h).ok_or(RenderError::Raster)?;
            c.fill(resvg::tiny_skia::Color::WHITE);
            c
        }
    };
    let done = f(&mut canvas)?;
    if let Ok(mut free) = CANVASES.lock() {
        // As many as images were rendered at once (the rendering pool's workers).
        if free.len() < 16 {
            free.push(canvas);
        }
    }
    Ok(done)
}

/// The rows of the image the learner's parts (`tree`, rendered at `scale`, `height` rows) can
/// paint: each element's layer bounding box (usvg's, which resvg itself sizes layers by),
/// widened by [`MARGIN_PX`] + 1 rows for anti-aliasing, merged. The elements are those of the
/// document's top level: usvg puts them in one group with the `viewBox` transform, whose own box
/// would span from the name to the URL. Only these rows are scanned for the parts' pixels.
fn painted_rows(tree: &resvg::usvg::Tree, scale: f32, height: u32) -> Vec<std::ops::Range<usize>> {
    let pad = (MARGIN_PX + 1) as f32;
    let elements = tree.root().children().iter().flat_map(|node| match node {
        resvg::usvg::Node::Group(g) if g.should_isolate() => std::slice::from_ref(node),
        resvg::usvg::Node::Group(g) => g.children(),
        _ => std::slice::from_ref(node),
    });
    let mut rows: Vec<std::ops::Range<usize>> = elements
        .filter_map(|node| node.abs_layer_bounding_box())
        .map(|b| {
            // Float to row index: clamped to the image, so the casts cannot wrap.
            let top = (b.top() * scale - pad).floor().clamp(0.0, height as f32) as usize;
            let bottom = (b.bottom() * scale + pad).ceil().clamp(0.0, height as f32) as usize;
            top..bottom
        })
        .filter(|r| !r.is_empty())
        .collect();
    rows.sort_by_key(|r| r.start);
    let mut merged: Vec<std::ops::Range<usize>> = Vec::with_capacity(rows.len());
    for r in rows {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// Paints `rows` of `pixmap` white.
fn whiten(pixmap: &mut Pixmap, rows: &[usize]) {
    let w = pixmap.width() as usize * 4;
    let data = pixmap.data_mut();
    for &y in rows {
        if let Some(row) = data.get_mut(y * w..(y + 1) * w) {
            row.fill(255);
        }
    }
}

/// The page rasterised whole, as an indexed PNG when it can be, else as RGBA.
fn whole_page(pixmap: &Pixmap) -> Result<Vec<u8>, RenderError> {
    match Indexed::of(pixmap) {
        Some(image) => Ok(encode(&image, &compress_all(&image)?)),
        None => pixmap
            .encode_png()
            .map_err(|e| RenderError::Png(e.to_string())),
    }
}

/// The template with the learner's parts (`parts`, rasterised on white within `rows`) drawn in,
/// encoded; `None` when that would not be exact (see the module documentation). Only the bands
/// the parts touch are copied, changed and compressed. The rows the parts paint are added to
/// `touched`.
fn compose(
    template: &Template,
    parts: &Pixmap,
    rows: &[std::ops::Range<usize>],
    touched: &mut Vec<usize>,
) -> Result<Option<Vec<u8>>, RenderError> {
    let t = &template.image;
    let (w, h) = (t.width, t.height);
    if (parts.width() as usize, parts.height() as usize) != (w, h) {
        return Ok(None);
    }
    let Some(white) = template.white else {
        return Ok(None);
    };
    let mut image = t.clone_header();
    // Changed bands: index → its scanlines.
    let mut changed: Vec<(usize, Vec<u8>)> = Vec::new();
    let stride = w + 1;
    let mut last: Option<([u8; 3], u8)> = None;
    let stride_px = w * 4;
    let data = parts.data();
    let scanned = rows.iter().flat_map(|r| r.clone()).filter_map(|y| {
        data.get(y * stride_px..(y + 1) * stride_px)
            .map(|row| (y, row))
    });
    for (y, row) in scanned {
        // All white? (a reduction the compiler vectorises; most rows are)
        if row.iter().fold(255u8, |a, &b| a & b) == 255 {
            continue;
        }
        touched.push(y);
        let Some(x0) = row.chunks_exact(4).position(|p| p != [255; 4]) else {
            continue;
        };
        let x1 = row
            .chunks_exact(4)
            .rposition(|p| p != [255; 4])
            .unwrap_or(x0);
        if !white_around(t, white, y, x0, x1) {
            return Ok(None);
        }
        let b = y / BAND_ROWS;
        if changed.last().map(|c| c.0) != Some(b) {
            changed.push((b, t.band(b).to_vec()));
        }
        let Some((_, band)) = changed.last_mut() else {
            return Ok(None);
        };
        let offset = (y - b * BAND_ROWS) * stride + 1;
        for (x, px) in row.chunks_exact(4).enumerate().skip(x0).take(x1 + 1 - x0) {
            if px == [255; 4] {
                continue;
            }
            let Some(rgb) = opaque(px) else {
                return Ok(None);
            };
            let i = match last {
                Some((c, i)) if c == rgb => i,
                _ => {
                    let Some(i) = image.index(rgb) else {
                        return Ok(None);
                    };
                    last = Some((rgb, i));
                    i
                }
            };
            match band.get_mut(offset + x) {
                Some(slot) => *slot = i,
                None => return Ok(None),
            }
        }
    }
    // A run of consecutive changed bands is compressed as one segment: each segment starts from
    // a reset compressor, whose tables are cleared (a quarter of the compression's time when
    // every band was one).
    let mut fresh = changed.into_iter().peekable();
    let mut segments: Vec<Cow<'_, Band>> = Vec::with_capacity(template.bands.len());
    with_compressor(|c| {
        let mut kept = template.bands.iter().enumerate();
        while let Some((b, band)) = kept.next() {
            let Some((_, first)) = fresh.next_if(|f| f.0 == b) else {
                segments.push(Cow::Borrowed(band));
                continue;
            };
            let mut run = first;
            let mut next = b + 1;
            while let Some((_, rows)) = fresh.next_if(|f| f.0 == next) {
                run.extend_from_slice(&rows);
                kept.next();
                next += 1;
            }
            segments.push(Cow::Owned(compress_band(c, &run)?));
        }
        Ok(())
    })?;
    Ok(Some(encode(&image, &segments)))
}

/// Runs `f` with a reused deflate compressor at [`LEVEL_CHANGED`] (creating one allocates and
/// clears a few hundred kilobytes); shared by all threads, as the canvases ([`with_canvas`]).
fn with_compressor<T>(
    f: impl FnOnce(&mut Compress) -> Result<T, RenderError>,
) -> Result<T, RenderError> {
    static COMPRESSORS: Mutex<Vec<Compress>> = Mutex::new(Vec::new());
    let mut c = COMPRESSORS
        .lock()
        .ok()
        .and_then(|mut free| free.pop())
        .unwrap_or_else(|| Compress::new(Compression::new(LEVEL_CHANGED), false));
    let done = f(&mut c);
    if let Ok(mut free) = COMPRESSORS.lock() {
        if free.len() < 16 {
            free.push(c);
        }
    }
    done
}

/// Whether the template is white on rows `y ± MARGIN_PX`, columns `x0 - MARGIN_PX ..= x1 +
/// MARGIN_PX` (clipped to the image).
fn white_around(t: &Indexed, white: u8, y: usize, x0: usize, x1: usize) -> bool {
    let stride = t.width + 1;
    let cols = x0.saturating_sub(MARGIN_PX)..=(x1 + MARGIN_PX).min(t.width.saturating_sub(1));
    (y.saturating_sub(MARGIN_PX)..=(y + MARGIN_PX).min(t.height.saturating_sub(1))).all(|r| {
        t.rows
            .get(r * stride + 1 + cols.start()..=r * stride + 1 + cols.end())
            .is_some_and(|s| s.iter().all(|&i| i == white))
    })
}

/// Every band of `image` compressed.
fn compress_all(image: &Indexed) -> Result<Vec<Band>, RenderError> {
    let mut c = Compress::new(Compression::new(LEVEL), false);
    (0..image.bands())
        .map(|b| compress_band(&mut c, image.band(b)))
        .collect()
}

/// `data` as one deflate segment of a fresh compressor (`c`, reset), ended by a full flush
/// (byte-aligned, no final block, no reference to earlier data), so segments can be
/// concatenated; with its Adler-32.
fn compress_band(c: &mut Compress, data: &[u8]) -> Result<Band, RenderError> {
    c.reset();
    let mut out = Vec::with_capacity(data.len() / 4 + 64);
    loop {
        let done = usize::try_from(c.total_in()).unwrap_or(usize::MAX);
        let rest = data.get(done..).unwrap_or_default();
        if out.capacity() - out.len() < 64 {
            out.reserve(out.capacity().max(1024));
        }
        c.compress_vec(rest, &mut out, FlushCompress::Full)
            .map_err(|e| RenderError::Png(e.to_string()))?;
        // Finished when all input is taken and the flush left room in the buffer.
        if c.total_in() == data.len() as u64 && out.len() < out.capacity() {
            let mut adler = simd_adler32::Adler32::new();
            adler.write(data);
            return Ok(Band {
                deflated: out,
                adler: adler.finish(),
                len: data.len(),
            });
        }
    }
}

/// The Adler-32 of `A ‖ B` from those of `A` and of `B` (`len_b` bytes), as zlib's
/// `adler32_combine` (RFC 1950 §9: s1 = 1 + Σ bytes, s2 = Σ s1, both mod 65521).
fn adler_combine(a: u32, b: u32, len_b: usize) -> u32 {
    const BASE: u64 = 65_521;
    let rem = len_b as u64 % BASE;
    let (a1, a2) = (u64::from(a & 0xffff), u64::from(a >> 16));
    let (b1, b2) = (u64::from(b & 0xffff), u64::from(b >> 16));
    let s1 = (a1 + b1 + BASE - 1) % BASE;
    let s2 = (rem * a1 % BASE + a2 + b2 + BASE - rem) % BASE;
    ((s2 << 16) | s1) as u32
}

/// The PNG file: signature, `IHDR`, `PLTE`, one `IDAT` (zlib header, the bands, an empty final
/// block, Adler-32 of the scanlines), `IEND`.
fn encode<B: Borrow<Band>>(image: &Indexed, bands: &[B]) -> Vec<u8> {
    let deflated: usize = bands.iter().map(|b| b.borrow().deflated.len()).sum();
    let mut idat = Vec::with_capacity(deflated + 16);
    // CMF 0x78 (deflate, 32 KiB window), FLG 0x9c (default level, check bits).
    idat.extend_from_slice(&[0x78, 0x9c]);
    let mut adler = 1;
    for b in bands.iter().map(Borrow::borrow) {
        idat.extend_from_slice(&b.deflated);
        adler = adler_combine(adler, b.adler, b.len);
    }
    // An empty final block with fixed Huffman codes (BFINAL = 1, BTYPE = 01, end of block).
    idat.extend_from_slice(&[0x03, 0x00]);
    idat.extend_from_slice(&adler.to_be_bytes());

    let mut out = Vec::with_capacity(idat.len() + image.palette.len() * 3 + 64);
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&(image.width as u32).to_be_bytes());
    ihdr.extend_from_slice(&(image.height as u32).to_be_bytes());
    // Bit depth 8, colour type 3 (indexed), deflate, adaptive filtering, no interlace.
    ihdr.extend_from_slice(&[8, 3, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"PLTE", &image.palette.concat());
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// Appends one PNG chunk (length, type, data, CRC-32 of type and data).
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    fn adler(data: &[u8]) -> u32 {
        let mut a = simd_adler32::Adler32::new();
        a.write(data);
        a.finish()
    }

    #[test]
    fn adler_combine_is_the_adler_of_the_concatenation() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i * 7919 % 251) as u8).collect();
        for cut in [0, 1, 65_520, 65_521, 100_000, 200_000] {
            let (a, b) = data.split_at(cut);
            assert_eq!(
                adler_combine(adler(a), adler(b), b.len()),
                adler(&data),
                "{cut}"
            );
        }
    }

    #[test]
    fn bands_make_one_checked_zlib_stream() {
        // A 3-colour 100 × 70 image (5 bands, the last one short), then one band replaced.
        let (width, height) = (100, 70);
        let mut image = Indexed {
            width,
            height,
            palette: vec![[255; 3], [0; 3], [27, 54, 93]],
            lookup: HashMap::default(),
            rows: Vec::new(),
        };
        for y in 0..height {
            image.rows.push(0);
            image
                .rows
                .extend((0..width).map(|x| ((x * y / 7) % 3) as u8));
        }
        let bands = compress_all(&image).unwrap();
        assert_eq!(bands.len(), 5);
        let png = encode(&image, &bands);
        // The IDAT chunk's zlib stream inflates (checking the Adler-32) to the scanlines.
        let idat = png.windows(4).position(|w| w == b"IDAT").unwrap();
        let len = u32::from_be_bytes(png[idat - 4..idat].try_into().unwrap()) as usize;
        let mut inflated = Vec::new();
        flate2::read::ZlibDecoder::new(&png[idat + 4..idat + 4 + len])
            .read_to_end(&mut inflated)
            .unwrap();
        assert_eq!(inflated, image.rows);
        // The png crate reads it too.
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut buf).unwrap();
        assert_eq!(buf.len(), width * height);
    }
}
