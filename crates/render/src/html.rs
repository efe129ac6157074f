//! The HTML rendering: one standalone HTML5 document (inline CSS, no JavaScript, no external
//! resources; the QR code is inline SVG) with the certificate page and the certificate supplement
//! of ENHANCE framework MS18 **Annex 3**. Accessibility follows WCAG 2.1 AA basics: `<html lang>`
//! (1.3.1/3.1.1), headings in order h1 → h2 → h3, tables with `<caption>` and `<th scope="row">`,
//! text contrast ≥ 7:1, text alternatives on images (1.1.1), reflow on a 320 px wide screen
//! (1.4.10, viewport meta, no fixed widths) and print CSS for A4.

use crate::model::{Block, Document};
use crate::qr::Qr;
use crate::RenderError;

/// Escapes text for HTML/XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root{--blue:#1b365d;--accent:#0a7c86;--ink:#1a1a1a;--muted:#4a4a4a;--rule:#c8c8c8}
*{box-sizing:border-box}
html{font-family:"DejaVu Sans",Verdana,"Segoe UI",Arial,sans-serif;color:var(--ink);background:#eef1f5;line-height:1.5;-webkit-text-size-adjust:100%}
body{margin:0;padding:1rem}
main{max-width:50rem;margin:0 auto}
.sheet{background:#fff;margin:0 auto 1.5rem;padding:2rem 2.25rem;box-shadow:0 1px 4px rgba(0,0,0,.15)}
.certificate{border:6px double var(--blue);text-align:center;padding:1.5rem}
.logos{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap;margin-bottom:2.5rem}
.uni-logo{border:1px dashed #8a8a8a;padding:.6rem 1rem;font-weight:bold;color:var(--blue);min-width:10rem;font-size:.85rem}
.enhance-logo{display:inline-block;vertical-align:middle}
h1{color:var(--blue);font-size:1.6rem;letter-spacing:.04em;text-transform:uppercase;margin:.5rem 0 1.75rem}
h1::after{content:"";display:block;width:7rem;height:3px;background:var(--accent);margin:.9rem auto 0}
.statement{font-weight:bold;font-size:1.1rem;margin:0 0 1rem}
.small{color:var(--muted);margin:.5rem 0}
.learner{font-size:1.9rem;font-weight:bold;color:var(--blue);margin:.3rem 0 .6rem;overflow-wrap:anywhere}
.opportunity{font-size:1.3rem;font-weight:bold;margin:.3rem 0 .6rem}
.sign{display:flex;justify-content:space-between;align-items:flex-end;gap:1.5rem;flex-wrap:wrap;margin-top:3rem;text-align:left}
.signature{border-top:1px solid var(--ink);padding-top:.3rem;min-width:14rem;font-size:.9rem}
.place{font-weight:bold;margin-top:.6rem}
figure.qr{margin:0;text-align:center;font-size:.75rem;color:var(--muted);max-width:11rem}
figure.qr svg{width:8.5rem;height:8.5rem;display:block;margin:0 auto}
figure.qr figcaption{font-weight:bold;color:var(--blue)}
figure.qr a{color:var(--blue);overflow-wrap:anywhere}
.supplement h2{color:var(--blue);font-size:1.35rem;text-transform:uppercase;border-bottom:2px solid var(--accent);padding-bottom:.3rem;margin-top:0}
.supplement h3{color:var(--blue);font-size:1.05rem;margin:1.4rem 0 .5rem}
.supplement h4{color:var(--blue);font-size:.95rem;margin:.8rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0}
caption{text-align:left;position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
th,td{text-align:left;vertical-align:top;padding:.4rem .5rem;border-top:1px solid var(--rule)}
th{color:var(--muted);width:34%;font-weight:bold}
ul,ol{padding-left:1.3rem;margin:.3rem 0}
p{margin:.3rem 0}
@media (max-width:36rem){body{padding:.25rem}.sheet{padding:1rem}.certificate{padding:1rem .75rem}h1{font-size:1.25rem}.learner{font-size:1.45rem}th,td{display:block;width:100%;border:0;padding:.15rem 0}tr{display:block;border-top:1px solid var(--rule);padding:.35rem 0}.sign{justify-content:center}}
@page{size:A4;margin:15mm}
@media print{html,body{background:#fff;padding:0}.sheet{box-shadow:none;margin:0;padding:0}.certificate{min-height:265mm;page-break-after:always;break-after:page;padding:12mm}.unit{break-before:page;page-break-before:always}h2,h3,h4{break-after:avoid}tr,li{break-inside:avoid}a{color:var(--ink);text-decoration:none}}
"#;

fn enhance_logo_svg(alt: &str) -> String {
    format!(
        r##"<svg class="enhance-logo" role="img" aria-label="{a}" width="150" height="46" viewBox="0 0 150 46" xmlns="http://www.w3.org/2000/svg"><title>{a}</title><rect width="150" height="46" rx="4" fill="#1b365d"/><path d="M10 31l10 -14l10 14z" fill="#0a7c86"/><text x="34" y="28" font-family="DejaVu Sans,Verdana,sans-serif" font-size="18" font-weight="bold" fill="#fff">ENHANCE</text><text x="34" y="39" font-family="DejaVu Sans,Verdana,sans-serif" font-size="6.2" fill="#fff">European University Alliance</text></svg>"##,
        a = escape(alt)
    )
}

fn block_html(out: &mut String, heading: &str, block: &Block) {
    match block {
        Block::Table(rows) => {
            out.push_str(&format!(
                "<table><caption>{}</caption><tbody>",
                escape(heading)
            ));
            for r in rows {
                out.push_str(&format!(
                    "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                    escape(&r.label),
                    escape(&r.value)
                ));
            }
            out.push_str("</tbody></table>\n");
        }
        Block::Outcomes(groups) => {
            for (cat, items) in groups {
                if !cat.is_empty() {
                    out.push_str(&format!("<h4>{}</h4>", escape(cat)));
                }
                out.push_str("<ul>");
                for i in items {
                    out.push_str(&format!("<li>{}</li>", escape(i)));
                }
                out.push_str("</ul>\n");
            }
        }
        Block::Text(paras) => {
            for p in paras {
                out.push_str(&format!("<p>{}</p>", escape(p)));
            }
            out.push('\n');
        }
        Block::Numbered(intro, items) => {
            out.push_str(&format!("<p>{}</p><ol>", escape(intro)));
            for i in items {
                out.push_str(&format!("<li>{}</li>", escape(i)));
            }
            out.push_str("</ol>\n");
        }
        Block::List(items) => {
            out.push_str("<ul>");
            for i in items {
                out.push_str(&format!("<li>{}</li>", escape(i)));
            }
            out.push_str("</ul>\n");
        }
    }
}

/// The whole HTML document.
pub fn document(doc: &Document) -> Result<String, RenderError> {
    let l = doc.labels;
    let p = &doc.page;
    let qr = Qr::new(&doc.verification_url)?;
    let mut o = String::with_capacity(32 * 1024);
    o.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} – {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        escape(&doc.language),
        escape(&doc.title),
        escape(&p.learner)
    ));
    // Certificate page.
    o.push_str("<section class=\"sheet certificate\" aria-labelledby=\"certificate-title\">\n<div class=\"logos\">");
    o.push_str(&format!(
        "<div class=\"uni-logo\" role=\"img\" aria-label=\"{}: {}\">{}</div>",
        escape(l.university_logo),
        escape(&p.university),
        escape(&p.university)
    ));
    o.push_str(&enhance_logo_svg(l.enhance_logo));
    o.push_str("</div>\n");
    o.push_str(&format!(
        "<h1 id=\"certificate-title\">{}</h1>\n",
        escape(&p.heading)
    ));
    o.push_str(&format!(
        "<p class=\"statement\">{}</p>\n",
        escape(&p.awarding_statement)
    ));
    o.push_str(&format!(
        "<p class=\"small\">{}</p>\n",
        escape(&p.certifies)
    ));
    o.push_str(&format!(
        "<p class=\"learner\">{}</p>\n",
        escape(&p.learner)
    ));
    if let Some((born, date)) = &p.born_on {
        o.push_str(&format!("<p>{} {}</p>\n", escape(born), escape(date)));
    }
    o.push_str(&format!(
        "<p class=\"small\">{}</p>\n",
        escape(&p.completed)
    ));
    o.push_str(&format!(
        "<p class=\"opportunity\">{}</p>\n",
        escape(&p.opportunity)
    ));
    if let Some(t) = &p.taking_place {
        o.push_str(&format!("<p>{}</p>\n", escape(t)));
    }
    if let Some(j) = &p.jointly {
        o.push_str(&format!("<p class=\"small\">{}</p>\n", escape(j)));
    }
    o.push_str("<div class=\"sign\"><div><div class=\"signature\">");
    o.push_str(&escape(&p.signer));
    o.push_str(&format!(
        "</div><p class=\"place\">{}</p></div>",
        escape(&p.place_and_date)
    ));
    o.push_str(&format!(
        "<figure class=\"qr\">{}<figcaption>{}</figcaption><a href=\"{u}\">{u}</a></figure>",
        qr.svg(200.0, l.qr_alt),
        escape(l.verify),
        u = escape(&doc.verification_url)
    ));
    o.push_str("</div>\n</section>\n");

    // Supplement.
    for (i, part) in doc.supplement.iter().enumerate() {
        let id = format!("part-{}", i + 1);
        o.push_str(&format!(
            "<section class=\"sheet supplement{}\" aria-labelledby=\"{id}\">\n<h2 id=\"{id}\">{}</h2>\n",
            if i > 0 { " unit" } else { "" },
            escape(&part.heading)
        ));
        for s in &part.sections {
            o.push_str(&format!("<section>\n<h3>{}</h3>\n", escape(&s.heading)));
            block_html(&mut o, &s.heading, &s.block);
            o.push_str("</section>\n");
        }
        o.push_str("</section>\n");
    }
    o.push_str("</main>\n</body>\n</html>\n");
    Ok(o)
}
