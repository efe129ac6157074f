//! The paged layout shared by the PDF and the PNG: each A4 page (595.28 × 841.89 pt) as an SVG
//! document with real `<text>` in the bundled font. Page 1 is the certificate page of ENHANCE
//! framework MS18 **Annex 3** (university logo placeholder, ENHANCE logo, the "certifies that …
//! has completed …" statement, signer, place and date, verification QR code); the following pages
//! are the certificate supplement (learner, credential, learning outcomes by category, form of
//! participation, assessment, quality assurance, grade, stackability, further information, and for
//! a programme one part per learning unit), broken into pages with the bundled font's metrics.
//!
//! Layout runs under the rendering's [`Budget`] (issue #13): glyphs laid out, pages, deadline and
//! cancellation are checked at every line and page. The certificate page is one page whatever the
//! input: its statement is scaled down to fit (to half size at most), then cut with `…`; the
//! running header and footer of the supplement pages are cut to one line.

use crate::budget::Budget;
use crate::font::{Metrics, FAMILY};
use crate::html::escape;
use crate::model::{Block, Document};
use crate::qr::Qr;
use crate::RenderError;

/// A4 width in points.
pub const PAGE_W: f64 = 595.28;
/// A4 height in points.
pub const PAGE_H: f64 = 841.89;
const MARGIN: f64 = 56.0;
const BOTTOM: f64 = PAGE_H - 64.0;
/// Brand colour (ENHANCE dark blue); 11.9:1 contrast on white.
pub const BLUE: &str = "#1b365d";
/// Accent (teal), for rules and the frame only.
pub const ACCENT: &str = "#0a7c86";
/// Body text colour.
pub const INK: &str = "#1a1a1a";
/// Secondary text colour (7.0:1 on white).
pub const MUTED: &str = "#4a4a4a";

struct Svg {
    body: String,
    /// Characters laid out on this page.
    glyphs: usize,
    /// The same elements sorted into the learner's parts and the rest (certificate page only,
    /// for [`crate::cohort`]).
    split: Option<Split>,
}

/// The elements of a page in two documents: those that differ from learner to learner
/// (`varying`: name, date of birth, QR code and its URL) and all others (`fixed`).
#[derive(Default)]
struct Split {
    fixed: String,
    varying: String,
    /// Whether elements drawn now are learner parts.
    now_varying: bool,
}

impl Svg {
    fn new() -> Self {
        Self {
            body: String::new(),
            glyphs: 0,
            split: None,
        }
    }

    /// A page that also sorts its elements into learner parts and the rest.
    fn new_split() -> Self {
        Self {
            split: Some(Split::default()),
            ..Self::new()
        }
    }

    /// Elements drawn from now on are learner parts (`true`) or not.
    fn varying(&mut self, on: bool) {
        if let Some(s) = &mut self.split {
            s.now_varying = on;
        }
    }

    fn push(&mut self, s: &str) {
        self.body.push_str(s);
        self.body.push('\n');
        if let Some(split) = &mut self.split {
            let part = if split.now_varying {
                &mut split.varying
            } else {
                &mut split.fixed
            };
            part.push_str(s);
            part.push('\n');
        }
    }

    /// Draws `block` inside `<g transform="…">` (in both parts when split).
    fn group(&mut self, transform: &str, block: Svg) {
        let open = format!(r#"<g transform="{transform}">"#);
        self.glyphs += block.glyphs;
        self.body.push_str(&open);
        self.body.push('\n');
        self.body.push_str(&block.body);
        self.body.push_str("</g>\n");
        if let (Some(split), Some(inner)) = (&mut self.split, block.split) {
            for (part, inner) in [
                (&mut split.fixed, inner.fixed),
                (&mut split.varying, inner.varying),
            ] {
                part.push_str(&open);
                part.push('\n');
                part.push_str(&inner);
                part.push_str("</g>\n");
            }
        }
    }

    // Drawing primitives take position, size and style as plain values, as SVG does.
    #[allow(clippy::too_many_arguments)]
    fn text(&mut self, x: f64, y: f64, size: f64, bold: bool, color: &str, anchor: &str, s: &str) {
        self.glyphs += s.chars().count();
        self.push(&format!(
            r#"<text x="{x:.2}" y="{y:.2}" font-family="{FAMILY}" font-size="{size}" font-weight="{}" fill="{color}" text-anchor="{anchor}">{}</text>"#,
            if bold { "bold" } else { "normal" },
            escape(s)
        ));
    }

    fn raw(&mut self, s: &str) {
        self.push(s);
    }

    fn finish(self, title: &str) -> String {
        Self::document(title, &self.body)
    }

    /// The page as one SVG document, and, when split, its fixed and its learner parts as two
    /// documents of the same size (the learner parts without a title, and without the page's
    /// white background: they are drawn onto white, [`crate::cohort`], and filling the whole page
    /// again for every learner cost more than drawing the parts).
    fn finish_split(self, title: &str) -> (String, Option<(String, String)>) {
        let parts = self.split.as_ref().map(|s| {
            (
                Self::document(title, &s.fixed),
                Self::document_on(None, "", &s.varying),
            )
        });
        (Self::document(title, &self.body), parts)
    }

    fn document(title: &str, body: &str) -> String {
        Self::document_on(Some("#ffffff"), title, body)
    }

    /// The SVG document of `body`, on a page of `background` (none: transparent).
    fn document_on(background: Option<&str>, title: &str, body: &str) -> String {
        // The document title (not drawn, but parsed by usvg) at most 300 characters.
        let title = title
            .char_indices()
            .nth(300)
            .map_or(title, |(i, _)| &title[..i]);
        let background = background
            .map(|fill| format!(r#"<rect width="{PAGE_W}" height="{PAGE_H}" fill="{fill}"/>"#))
            .unwrap_or_default();
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_W}pt" height="{PAGE_H}pt" viewBox="0 0 {PAGE_W} {PAGE_H}"><title>{}</title>{background}
{}</svg>"##,
            escape(title),
            body
        )
    }
}

/// The ENHANCE logo (word mark) drawn at (`x`, `y`) = top-left, `w` wide.
fn enhance_logo(svg: &mut Svg, x: f64, y: f64) {
    svg.raw(&format!(
        r#"<g><rect x="{x:.2}" y="{y:.2}" width="150" height="46" rx="4" fill="{BLUE}"/><path d="M{:.2} {:.2}l10 -14l10 14z" fill="{ACCENT}"/></g>"#,
        x + 10.0,
        y + 31.0
    ));
    svg.text(
        x + 34.0,
        y + 28.0,
        18.0,
        true,
        "#ffffff",
        "start",
        "ENHANCE",
    );
    svg.text(
        x + 34.0,
        y + 39.0,
        6.2,
        false,
        "#ffffff",
        "start",
        "European University Alliance",
    );
}

/// The university logo placeholder (Annex 3: "logo of the issuing university (placeholder)").
fn university_placeholder(svg: &mut Svg, m: &Metrics, x: f64, y: f64, name: &str) {
    svg.raw(&format!(
        r##"<rect x="{x:.2}" y="{y:.2}" width="190" height="46" rx="4" fill="none" stroke="#8a8a8a" stroke-width="0.8" stroke-dasharray="3 2"/>"##
    ));
    let lines = m.wrap_clipped(name, 8.5, true, 176.0, 3);
    let n = lines.len().min(3) as f64;
    let mut ly = y + 23.0 - (n - 1.0) * 5.5 + 3.0;
    for l in lines.iter().take(3) {
        svg.text(x + 95.0, ly, 8.5, true, BLUE, "middle", l);
        ly += 11.0;
    }
}

// Drawing primitives take position, size and style as plain values, as SVG does.
#[allow(clippy::too_many_arguments)]
fn qr_block(
    svg: &mut Svg,
    m: &Metrics,
    qr: &Qr,
    x: f64,
    y: f64,
    size: f64,
    caption: &str,
    url: &str,
) {
    let n = qr.width() as f64 + 8.0;
    let module = size / n;
    svg.raw(&format!(
        r##"<rect x="{x:.2}" y="{y:.2}" width="{size:.2}" height="{size:.2}" fill="#ffffff"/>"##
    ));
    // The code and its URL are the learner's (crate::cohort).
    svg.varying(true);
    svg.raw(&format!(
        r##"<path fill="#000000" shape-rendering="crispEdges" d="{}"/>"##,
        qr.path_data(x + 4.0 * module, y + 4.0 * module, module)
    ));
    svg.varying(false);
    svg.text(
        x + size / 2.0,
        y + size + 9.0,
        7.5,
        true,
        BLUE,
        "middle",
        caption,
    );
    let mut ly = y + size + 18.0;
    svg.varying(true);
    for l in m.wrap_clipped(url, 5.5, false, size + 40.0, 3).iter() {
        svg.text(x + size / 2.0, ly, 5.5, false, MUTED, "middle", l);
        ly += 7.0;
    }
    svg.varying(false);
}

/// Top of the certificate page's statement block.
const STATEMENT_TOP: f64 = 170.0;
/// Lowest baseline of the statement block (above the signature area).
const STATEMENT_LIMIT: f64 = PAGE_H - 230.0;
/// Most characters of one text of the certificate page that are laid out (no more fit on the page
/// at the smallest scale; the supplement shows every text in full).
const MAX_PAGE_FIELD_CHARS: usize = 1_500;

/// The statement block of the certificate page ("CERTIFICATE OF …", "«university» on behalf of
/// the ENHANCE Alliance", "certifies that", the learner, "has completed", the learning
/// opportunity …) at `k` × the normal font sizes: the SVG and the baseline below its last line.
/// With `clip`, lines below the block's limit are left out and the last one shown ends with `…`.
fn statement(p: &crate::model::CertificatePage, m: &Metrics, k: f64, clip: bool) -> (Svg, f64) {
    let cx = PAGE_W / 2.0;
    let width = PAGE_W - 2.0 * MARGIN - 20.0;
    let mut svg = Svg::new_split();
    let mut y = STATEMENT_TOP + 20.0 * k;
    let centered =
        |svg: &mut Svg, y: &mut f64, s: &str, size: f64, bold: bool, color: &str, gap: f64| {
            let (size, gap) = (size * k, gap * k);
            let lh = size * 1.3;
            let short: String;
            let s = match s.char_indices().nth(MAX_PAGE_FIELD_CHARS) {
                Some((i, _)) => {
                    short = format!("{}…", &s[..i]);
                    short.as_str()
                }
                None => s,
            };
            let lines = if clip {
                let room = ((STATEMENT_LIMIT - *y) / lh).floor().max(0.0) as usize
                    + usize::from(*y <= STATEMENT_LIMIT);
                m.wrap_clipped(s, size, bold, width, room)
            } else {
                m.wrap(s, size, bold, width)
            };
            for line in lines {
                svg.text(cx, *y, size, bold, color, "middle", &line);
                *y += lh;
            }
            *y += gap;
        };
    centered(
        &mut svg,
        &mut y,
        &p.heading.to_uppercase(),
        20.0,
        true,
        BLUE,
        6.0,
    );
    svg.raw(&format!(
        r#"<rect x="{:.2}" y="{y:.2}" width="120" height="2" fill="{ACCENT}"/>"#,
        cx - 60.0
    ));
    y += 34.0 * k;
    centered(
        &mut svg,
        &mut y,
        &p.awarding_statement,
        13.0,
        true,
        INK,
        14.0,
    );
    centered(&mut svg, &mut y, &p.certifies, 11.0, false, MUTED, 14.0);
    // The learner's parts (crate::cohort draws them on the cohort's common page).
    svg.varying(true);
    centered(&mut svg, &mut y, &p.learner, 24.0, true, BLUE, 10.0);
    if let Some((born, date)) = &p.born_on {
        centered(
            &mut svg,
            &mut y,
            &format!("{born} {date}"),
            11.0,
            false,
            INK,
            14.0,
        );
    } else {
        y += 4.0 * k;
    }
    svg.varying(false);
    centered(&mut svg, &mut y, &p.completed, 11.0, false, MUTED, 12.0);
    centered(&mut svg, &mut y, &p.opportunity, 16.0, true, INK, 8.0);
    if let Some(t) = &p.taking_place {
        centered(&mut svg, &mut y, t, 11.0, false, INK, 10.0);
    }
    if let Some(j) = &p.jointly {
        y += 6.0 * k;
        centered(&mut svg, &mut y, j, 10.0, false, MUTED, 8.0);
    }
    (svg, y)
}

/// The certificate page as SVG.
pub fn certificate_page(doc: &Document, m: &Metrics, qr: &Qr) -> String {
    certificate_page_counted(doc, m, qr).page
}

/// The certificate page laid out: the SVG, the characters on it, and the same page as two SVG
/// documents of the same size, the learner's parts (name, date of birth, QR code and its URL)
/// and everything else.
pub struct CertificateLayout {
    /// The whole page.
    pub page: String,
    /// Characters laid out on it.
    pub glyphs: usize,
    /// The page without the learner's parts (with the document title).
    pub fixed: String,
    /// The learner's parts alone, drawn where they are on the page (no title).
    pub varying: String,
}

/// The certificate page as SVG, and the characters laid out on it.
fn certificate_page_counted(doc: &Document, m: &Metrics, qr: &Qr) -> CertificateLayout {
    let p = &doc.page;
    let l = doc.labels;
    let mut svg = Svg::new_split();
    // Frame.
    svg.raw(&format!(
        r#"<rect x="22" y="22" width="{:.2}" height="{:.2}" fill="none" stroke="{BLUE}" stroke-width="2.2"/><rect x="28" y="28" width="{:.2}" height="{:.2}" fill="none" stroke="{ACCENT}" stroke-width="0.7"/>"#,
        PAGE_W - 44.0,
        PAGE_H - 44.0,
        PAGE_W - 56.0,
        PAGE_H - 56.0
    ));
    university_placeholder(&mut svg, m, MARGIN, 56.0, &p.university);
    enhance_logo(&mut svg, PAGE_W - MARGIN - 150.0, 56.0);

    // The statement block is laid out from `TOP`, then centred vertically between the logos and
    // the signature area; when it does not fit it is laid out again smaller, and at the smallest
    // scale cut with `…`.
    const SCALES: [f64; 6] = [1.0, 0.85, 0.72, 0.62, 0.55, 0.5];
    let mut fitted = None;
    for (i, k) in SCALES.iter().enumerate() {
        let last = i + 1 == SCALES.len();
        let (block, end) = statement(p, m, *k, last);
        if end <= STATEMENT_LIMIT || last {
            fitted = Some((block, end));
            break;
        }
    }
    let (block, y) = fitted.unwrap_or_else(|| statement(p, m, 0.5, true));
    let offset = ((STATEMENT_LIMIT - y) / 2.0).max(0.0);
    svg.group(&format!("translate(0 {offset:.2})"), block);

    // Signature, place and date (bottom left); QR (bottom right).
    let base = PAGE_H - 150.0;
    svg.raw(&format!(
        r#"<line x1="{MARGIN}" y1="{base:.2}" x2="{:.2}" y2="{base:.2}" stroke="{INK}" stroke-width="0.6"/>"#,
        MARGIN + 220.0
    ));
    let mut sy = base + 13.0;
    for line in m.wrap_clipped(&p.signer, 9.0, false, 230.0, 5) {
        svg.text(MARGIN, sy, 9.0, false, INK, "start", &line);
        sy += 11.5;
    }
    svg.text(
        MARGIN,
        sy + 8.0,
        10.0,
        true,
        INK,
        "start",
        &m.fit_line(&p.place_and_date, 10.0, true, 300.0),
    );
    // Whole pixels per module in the 100 dpi PNG (crisp, decodable), about 34 mm wide in print;
    // at least 3 px = 0.76 mm per module, which phones scan from paper.
    let px = 72.0 / f64::from(crate::png::DPI);
    let n = qr.width() as f64 + 8.0;
    let per_module = (133.0 / n).round().max(3.0);
    let qr_size = n * per_module * px;
    let snap = |v: f64| (v / px).round() * px;
    let (qx, qy) = (
        snap(PAGE_W - MARGIN - qr_size),
        snap(PAGE_H - 104.0 - qr_size),
    );
    qr_block(
        &mut svg,
        m,
        qr,
        qx,
        qy,
        qr_size,
        l.verify,
        &doc.verification_url,
    );
    let glyphs = svg.glyphs;
    let (page, parts) = svg.finish_split(&doc.title);
    let (fixed, varying) = parts.unwrap_or_default();
    CertificateLayout {
        page,
        glyphs,
        fixed,
        varying,
    }
}

struct Pager<'a> {
    m: &'a Metrics,
    doc: &'a Document,
    pages: Vec<String>,
    cur: Svg,
    y: f64,
    budget: &'a Budget,
    /// Glyphs of the pages before (the certificate page and the finished supplement pages).
    glyphs_before: usize,
    /// The running header ("learner – title") and footer (verification URL), cut to one line.
    header: String,
    footer: String,
    /// The first budget violation: once set, layout stops adding anything.
    stop: Option<RenderError>,
}

impl<'a> Pager<'a> {
    fn new(m: &'a Metrics, doc: &'a Document, budget: &'a Budget, glyphs_before: usize) -> Self {
        let cut = |s: &str, n: usize| -> String { s.chars().take(n).collect() };
        let header = m.fit_line(
            &format!("{} – {}", cut(&doc.page.learner, 300), cut(&doc.title, 300)),
            7.5,
            false,
            PAGE_W - 2.0 * MARGIN,
        );
        let footer = m.fit_line(
            &cut(&doc.verification_url, 300),
            7.0,
            false,
            PAGE_W - 2.0 * MARGIN - 45.0,
        );
        let mut p = Self {
            m,
            doc,
            pages: Vec::new(),
            cur: Svg::new(),
            y: 0.0,
            budget,
            glyphs_before,
            header,
            footer,
            stop: None,
        };
        p.start_page();
        p
    }

    /// Whether layout must stop: the budget (glyphs, pages, deadline, cancellation) is checked,
    /// and the first violation kept.
    fn halted(&mut self) -> bool {
        if self.stop.is_some() {
            return true;
        }
        let b = self.budget;
        let r = b
            .check_time()
            .and_then(|()| b.check_glyphs(self.glyphs_before + self.cur.glyphs))
            .and_then(|()| b.check_pages(self.pages.len() + 2));
        if let Err(e) = r {
            self.stop = Some(e);
            return true;
        }
        false
    }

    fn start_page(&mut self) {
        let header = std::mem::take(&mut self.header);
        self.cur
            .text(MARGIN, 36.0, 7.5, false, MUTED, "start", &header);
        self.header = header;
        self.cur.raw(&format!(
            r#"<rect x="{MARGIN}" y="42" width="{:.2}" height="0.6" fill="{ACCENT}"/>"#,
            PAGE_W - 2.0 * MARGIN
        ));
        self.y = 72.0;
    }

    fn new_page(&mut self) {
        if self.halted() {
            return;
        }
        let page = std::mem::replace(&mut self.cur, Svg::new());
        self.glyphs_before += page.glyphs;
        self.pages.push(self.finish_page(page));
        self.start_page();
    }

    fn finish_page(&self, mut page: Svg) -> String {
        // Page numbers: page 1 is the certificate; supplement pages start at 2.
        let n = self.pages.len() + 2;
        page.text(
            PAGE_W - MARGIN,
            PAGE_H - 30.0,
            7.5,
            false,
            MUTED,
            "end",
            &format!("{} {n}", self.doc.labels.page),
        );
        page.text(
            MARGIN,
            PAGE_H - 30.0,
            7.0,
            false,
            MUTED,
            "start",
            &self.footer,
        );
        page.finish(&self.doc.title)
    }

    fn ensure(&mut self, h: f64) {
        if self.y + h > BOTTOM {
            self.new_page();
        }
    }

    fn heading(&mut self, s: &str, size: f64, color: &str, before: f64) {
        let lines = self.m.wrap_clipped(s, size, true, PAGE_W - 2.0 * MARGIN, 8);
        // Keep a heading with at least two lines of what follows.
        self.ensure(before + lines.len() as f64 * size * 1.3 + 30.0);
        self.y += before;
        for line in lines {
            self.cur
                .text(MARGIN, self.y, size, true, color, "start", &line);
            self.y += size * 1.3;
        }
        self.y += 3.0;
    }

    /// [`Metrics::wrap`] paragraph by paragraph, stopping when the budget says so (a long text
    /// is not broken into lines in one go before the next check).
    fn wrap(&mut self, s: &str, size: f64, bold: bool, width: f64) -> Vec<String> {
        let mut out = Vec::new();
        for para in s.split('\n') {
            if self.halted() {
                break;
            }
            out.extend(self.m.wrap(para, size, bold, width));
        }
        out
    }

    fn lines(&mut self, x: f64, width: f64, s: &str, size: f64, bold: bool, color: &str) {
        let lines = self.wrap(s, size, bold, width);
        self.put_lines(x, &lines, size, bold, color);
    }

    fn put_lines(&mut self, x: f64, lines: &[String], size: f64, bold: bool, color: &str) {
        for line in lines {
            if self.halted() {
                return;
            }
            self.ensure(size * 1.4);
            self.cur.text(x, self.y, size, bold, color, "start", line);
            self.y += size * 1.4;
        }
    }

    /// A bulleted list `full` points wide, then a gap; `false` when the budget stopped it.
    fn bullets(&mut self, items: &[String], full: f64) -> bool {
        for item in items {
            if self.halted() {
                return false;
            }
            self.ensure(13.0);
            self.cur
                .text(MARGIN + 6.0, self.y, 9.5, false, INK, "start", "•");
            self.lines(MARGIN + 16.0, full - 16.0, item, 9.5, false, INK);
            self.y += 1.5;
        }
        self.y += 4.0;
        true
    }

    fn block(&mut self, b: &Block) {
        let full = PAGE_W - 2.0 * MARGIN;
        match b {
            Block::Table(rows) => {
                let label_w = 150.0;
                for r in rows {
                    if self.halted() {
                        return;
                    }
                    let labels = self.m.wrap(&r.label, 9.0, true, label_w - 8.0);
                    let values = self.wrap(&r.value, 9.5, false, full - label_w);
                    let n = labels.len().max(values.len()) as f64;
                    let h = n * 9.5 * 1.4 + 6.0;
                    self.ensure(h.min(BOTTOM - 72.0));
                    self.cur.raw(&format!(
                        r##"<rect x="{MARGIN}" y="{:.2}" width="{full:.2}" height="0.4" fill="#c8c8c8"/>"##,
                        self.y - 10.5
                    ));
                    let top = self.y;
                    let mut ly = top;
                    for l in &labels {
                        self.cur.text(MARGIN, ly, 9.0, true, MUTED, "start", l);
                        ly += 9.5 * 1.4;
                    }
                    self.y = top;
                    self.put_lines(MARGIN + label_w, &values, 9.5, false, INK);
                    self.y = self.y.max(ly) + 6.0;
                }
                self.y += 4.0;
            }
            Block::Outcomes(groups) => {
                for (cat, items) in groups {
                    if self.halted() {
                        return;
                    }
                    if !cat.is_empty() {
                        self.ensure(30.0);
                        self.cur.text(MARGIN, self.y, 9.5, true, BLUE, "start", cat);
                        self.y += 13.0;
                    }
                    if !self.bullets(items, full) {
                        return;
                    }
                }
            }
            Block::Text(paras) => {
                for p in paras {
                    if self.halted() {
                        return;
                    }
                    self.lines(MARGIN, full, p, 9.5, false, INK);
                    self.y += 3.0;
                }
                self.y += 2.0;
            }
            Block::Numbered(intro, items) => {
                self.lines(MARGIN, full, intro, 9.5, false, INK);
                self.y += 3.0;
                for (i, item) in items.iter().enumerate() {
                    if self.halted() {
                        return;
                    }
                    self.ensure(13.0);
                    self.cur.text(
                        MARGIN + 4.0,
                        self.y,
                        9.5,
                        false,
                        INK,
                        "start",
                        &format!("{}.", i + 1),
                    );
                    self.lines(MARGIN + 18.0, full - 18.0, item, 9.5, false, INK);
                    self.y += 1.5;
                }
                self.y += 4.0;
            }
            Block::List(items) => {
                self.bullets(items, full);
            }
        }
    }

    fn finish(mut self) -> Result<Vec<String>, RenderError> {
        self.halted();
        if let Some(e) = self.stop.take() {
            return Err(e);
        }
        let page = std::mem::replace(&mut self.cur, Svg::new());
        let last = self.finish_page(page);
        self.pages.push(last);
        Ok(self.pages)
    }
}

/// The supplement pages as SVG documents (default budget).
pub fn supplement_pages(doc: &Document, m: &Metrics) -> Result<Vec<String>, RenderError> {
    supplement_pages_within(doc, m, &Budget::default(), 0)
}

/// The supplement pages as SVG documents, within `budget` (`glyphs_before`: glyphs already laid
/// out on the pages before).
fn supplement_pages_within(
    doc: &Document,
    m: &Metrics,
    budget: &Budget,
    glyphs_before: usize,
) -> Result<Vec<String>, RenderError> {
    let mut pager = Pager::new(m, doc, budget, glyphs_before);
    for (i, part) in doc.supplement.iter().enumerate() {
        if pager.halted() {
            break;
        }
        if i > 0 {
            // Each learning unit starts on a new page.
            pager.new_page();
        }
        pager.heading(&part.heading.to_uppercase(), 15.0, BLUE, 0.0);
        pager.y += 4.0;
        for s in &part.sections {
            if pager.halted() {
                break;
            }
            pager.heading(&s.heading, 11.5, BLUE, 8.0);
            pager.y += 8.0;
            pager.block(&s.block);
        }
    }
    pager.finish()
}

/// The certificate page alone (the PNG), within `budget`.
pub fn certificate_only(doc: &Document, budget: &Budget) -> Result<String, RenderError> {
    Ok(certificate_layout(doc, budget)?.page)
}

/// The certificate page alone, whole and split into the learner's parts and the rest, within
/// `budget` (the checks of [`certificate_only`]).
pub fn certificate_layout(
    doc: &Document,
    budget: &Budget,
) -> Result<CertificateLayout, RenderError> {
    budget.check_time()?;
    let m = Metrics::new()?;
    let qr = Qr::new(&doc.verification_url)?;
    let page = certificate_page_counted(doc, &m, &qr);
    budget.check_glyphs(page.glyphs)?;
    budget.check_time()?;
    Ok(page)
}

/// All pages: the certificate page, then the supplement (default budget).
pub fn pages(doc: &Document) -> Result<Vec<String>, RenderError> {
    pages_within(doc, &Budget::default())
}

/// All pages: the certificate page, then the supplement, within `budget`.
pub fn pages_within(doc: &Document, budget: &Budget) -> Result<Vec<String>, RenderError> {
    budget.check_time()?;
    let m = Metrics::new()?;
    let qr = Qr::new(&doc.verification_url)?;
    let CertificateLayout {
        page: first,
        glyphs,
        ..
    } = certificate_page_counted(doc, &m, &qr);
    budget.check_glyphs(glyphs)?;
    let mut out = vec![first];
    out.extend(supplement_pages_within(doc, &m, budget, glyphs)?);
    Ok(out)
}
