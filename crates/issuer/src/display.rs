//! What people see of an issued credential (issue #7): its **verification URL** and the
//! certificate page images rendered at issuance.
//!
//! - The verification URL (the shared URL contract of the issuer and the verifier service) is
//!   `{verifier_url}/verify?credential={share URL}`, the share URL percent-encoded as a query
//!   component (RFC 3986 §2.1, §3.4: everything but the unreserved characters of §2.3 is
//!   encoded). QR codes, the rendered documents and the learner's page link to it.
//! - [`complete_images`] renders, with the `render` crate, the certificate page (ENHANCE framework
//!   MS18 Annex 3, page 1) as a PNG for every display language of an award that the request did
//!   not carry an image for; the PNG becomes the credential's EDC `individualDisplay` page image
//!   (ELM v3.2 `DisplayParameter.individualDisplay` → `DisplayDetail.image`). Its QR code is the
//!   credential's verification URL, so the share token must be decided before the credential is
//!   built. The page is rendered from the credential built with placeholder images (the
//!   certificate page does not show the display images); [`Completed::build`] then puts the
//!   rendered images into that credential ([`elm_model::Built::with_images`]: the same
//!   credential as building it again, without the second build's 0.5 ms per learner).
//!
//! - The page is an indexed-colour PNG (W3C PNG 3rd ed. §4.4 colour type 3, `PLTE`): it has
//!   about 150 distinct opaque colours, so the image is exactly the same at a ninth of the size
//!   (the image is carried three times in every stored credential: JSON-LD, JAdES and VC-JWT).
//!   It is composed by [`render::page_image`] from the page template the learners of a cohort
//!   share, rasterising only the learner's parts (issue #18; same pixels as the whole page);
//!   [`compact_png`] does the same re-encoding for any rendered PNG.
//!
//! No I/O; CPU-heavy: [`complete_images_pooled`] runs it on the service's rendering pool
//! ([`crate::render_pool`], issue #13) under the render budget, cancelled when the request is.

use std::sync::Arc;

use elm_model::{Award, BuildOptions, Built, DisplayImage, MediaType, Universities};
use render::{Budget, Exceeded, RenderError};

use crate::domain::{DomainError, FieldError};
use crate::render_pool::{PoolError, RenderPool};

/// The bytes percent-encoded in a URI query component: everything outside the RFC 3986 §2.3
/// unreserved set (`A-Z a-z 0-9 - . _ ~`).
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes `s` for use as a URI query component (RFC 3986 §2.1; UTF-8 bytes, `%XX`
/// upper-case), with the `percent-encoding` crate.
pub fn percent_encode_component(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, COMPONENT).to_string()
}

/// `{verifier_url}/verify?credential={percent-encoded share_url}` (`verifier_url` without a
/// trailing `/`).
pub fn verification_url(verifier_url: &str, share_url: &str) -> String {
    format!(
        "{}/verify?credential={}",
        verifier_url.trim_end_matches('/'),
        percent_encode_component(share_url)
    )
}

/// The display languages of `award` that `given` carries no image for.
pub fn missing_languages(award: &Award, given: &[DisplayImage]) -> Vec<String> {
    award
        .display
        .images
        .iter()
        .filter(|r| !given.iter().any(|g| g.language == r.language))
        .map(|r| r.language.clone())
        .collect()
}

/// An award's display images with the rendered pages, and the credential the pages were
/// rendered from (built with placeholder images; none when nothing was rendered).
#[derive(Debug)]
pub struct Completed {
    /// The images, one per display language.
    pub images: Vec<DisplayImage>,
    draft: Option<Built>,
}

impl Completed {
    /// The credential of `award` with these images: the draft with its placeholders replaced,
    /// or built now when there is no draft. Errors as [`elm_model::build`]'s.
    pub fn build(
        self,
        award: &Award,
        universities: &Universities,
        options: &BuildOptions,
    ) -> Result<Built, elm_model::BuildError> {
        match self.draft {
            Some(draft) => draft.with_images(award, &self.images),
            None => elm_model::build(award, universities, &self.images, options),
        }
    }
}

/// `given` plus a rendered certificate page PNG for every display language of `award` missing
/// from it, each with a QR code of `verification_url`. Build errors of the award are reported as
/// validation findings (the same the final build would report).
pub fn complete_images(
    award: &Award,
    universities: &Universities,
    options: &BuildOptions,
    given: Vec<DisplayImage>,
    verification_url: &str,
) -> Result<Vec<DisplayImage>, DomainError> {
    complete_images_within(
        award,
        universities,
        options,
        given,
        verification_url,
        &Budget::default(),
    )
    .map_err(|e| pool_error(PoolError::Render(e)))?
    .map(|c| c.images)
}

/// [`complete_images`] on the rendering pool, within its budget, with the draft credential the
/// pages were rendered from; cancelled when this future is dropped (the client went away) or the
/// service shuts down.
pub async fn complete_images_pooled(
    pool: &RenderPool,
    award: Award,
    universities: Arc<Universities>,
    options: BuildOptions,
    given: Vec<DisplayImage>,
    verification_url: String,
) -> Result<Completed, DomainError> {
    pool.run(move |budget| {
        complete_images_within(
            &award,
            &universities,
            &options,
            given,
            &verification_url,
            &budget,
        )
    })
    .await
    .map_err(pool_error)?
}

/// The domain error of a rendering at issuance that the pool did not finish: the award's text
/// over the render budget is a validation finding (422; the award model's limits keep valid
/// awards far below it), a busy pool, the deadline or a shutdown is 503 with `Retry-After`.
fn pool_error(e: PoolError) -> DomainError {
    match e {
        PoolError::Render(RenderError::Budget(Exceeded::Deadline))
        | PoolError::Busy(_)
        | PoolError::ShuttingDown
        | PoolError::Render(RenderError::Cancelled) => DomainError::Busy(format!(
            "the certificate page image could not be rendered now ({e}); retry later"
        )),
        PoolError::Render(RenderError::Budget(x)) => {
            DomainError::Validation(vec![FieldError::new(
                "display",
                "display.render-budget",
                format!("the certificate page image cannot be rendered: {x}"),
            )])
        }
        other => DomainError::Securing(format!("rendering the certificate page failed: {other}")),
    }
}

/// [`complete_images`] within `budget`: the budget's own failures (exceeded, cancelled) are the
/// outer error, so the pool counts them; everything else is the inner domain error.
fn complete_images_within(
    award: &Award,
    universities: &Universities,
    options: &BuildOptions,
    mut given: Vec<DisplayImage>,
    verification_url: &str,
    budget: &Budget,
) -> Result<Result<Completed, DomainError>, RenderError> {
    let missing = missing_languages(award, &given);
    if missing.is_empty() {
        return Ok(Ok(Completed {
            images: given,
            draft: None,
        }));
    }
    // Placeholder bytes (the certificate page does not show the display images).
    let mut draft = given.clone();
    draft.extend(missing.iter().map(|l| DisplayImage {
        language: l.clone(),
        media_type: MediaType::Png,
        bytes: vec![0],
    }));
    let built = match elm_model::build(award, universities, &draft, options) {
        Ok(b) => b,
        Err(e) => {
            return Ok(Err(DomainError::Validation(
                e.issues()
                    .iter()
                    .filter(|i| i.is_error())
                    .map(FieldError::from)
                    .collect(),
            )))
        }
    };
    for language in missing {
        let options = render::RenderOptions::new(language.clone(), verification_url)
            .with_budget(budget.clone());
        // Indexed colour, composed from the cohort's cached page template (render::cohort).
        match render::page_image_for_credential(&built.credential, &options) {
            Ok(png) => given.push(DisplayImage {
                language,
                media_type: MediaType::Png,
                bytes: png,
            }),
            Err(e @ (RenderError::Budget(_) | RenderError::Cancelled)) => return Err(e),
            Err(e) => {
                return Ok(Err(DomainError::Securing(format!(
                    "rendering the certificate page ({language}) failed: {e}"
                ))))
            }
        }
    }
    Ok(Ok(Completed {
        images: given,
        draft: Some(built),
    }))
}

/// The same image as an 8-bit indexed-colour PNG when it is opaque and has at most 256 colours
/// (lossless); otherwise, or if anything fails, `png` unchanged.
pub fn compact_png(png: Vec<u8>) -> Vec<u8> {
    indexed(&png).unwrap_or(png)
}

fn indexed(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .ok()?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).ok()?;
    if info.bit_depth != png::BitDepth::Eight {
        return None;
    }
    let channels = match info.color_type {
        png::ColorType::Rgba => 4,
        png::ColorType::Rgb => 3,
        _ => return None,
    };
    let pixels = buf.get(..info.buffer_size())?;
    let mut palette: Vec<[u8; 3]> = Vec::new();
    let mut index: std::collections::HashMap<[u8; 3], u8> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(pixels.len() / channels);
    let mut last: Option<([u8; 3], u8)> = None;
    for px in pixels.chunks_exact(channels) {
        // Opaque pixels only (a palette PNG here has no transparency).
        let rgb = match *px {
            [r, g, b] | [r, g, b, 255] => [r, g, b],
            _ => return None,
        };
        let i = match last {
            Some((c, i)) if c == rgb => i,
            _ => {
                let i = match index.get(&rgb) {
                    Some(i) => *i,
                    None => {
                        let i = u8::try_from(palette.len()).ok()?;
                        palette.push(rgb);
                        index.insert(rgb, i);
                        i
                    }
                };
                last = Some((rgb, i));
                i
            }
        };
        out.push(i);
    }
    let mut encoded = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut encoded, info.width, info.height);
        enc.set_color(png::ColorType::Indexed);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_palette(palette.concat());
        enc.set_compression(png::Compression::Default);
        enc.set_filter(png::FilterType::NoFilter);
        let mut writer = enc.write_header().ok()?;
        writer.write_image_data(&out).ok()?;
        writer.finish().ok()?;
    }
    (encoded.len() < bytes.len()).then_some(encoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_url_encodes_the_share_url() {
        assert_eq!(
            verification_url("https://verify.example/", "https://issuer.example:8443/share/a-b_c~d?x=1&y=2"),
            "https://verify.example/verify?credential=https%3A%2F%2Fissuer.example%3A8443%2Fshare%2Fa-b_c~d%3Fx%3D1%26y%3D2"
        );
        assert_eq!(percent_encode_component("ä /"), "%C3%A4%20%2F");
    }

    fn decode(bytes: &[u8]) -> (png::OutputInfo, Vec<u8>) {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        // Palette expanded to RGB, so both forms compare pixel by pixel.
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info, buf)
    }

    #[test]
    fn compact_png_is_lossless_and_smaller() {
        // A rendered certificate page (RGBA from the renderer).
        let award: Award = elm_model::parse_award(include_str!(
            "../../../examples/awards/certificate-of-completion.json"
        ))
        .unwrap();
        let universities = elm_model::Universities::new(
            crate::tenants::load_universities(
                std::path::Path::new(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../../keys.example/universities.toml"
                )),
                "https://issuer.example",
            )
            .unwrap(),
        );
        let options = BuildOptions {
            credential_id: "urn:uuid:8a0f3c1e-2b7d-4c5a-9e61-0d2f4b6a8c10".into(),
            issued: None,
        };
        let draft = DisplayImage::placeholders(&award, 1);
        let built = elm_model::build(&award, &universities, &draft, &options).unwrap();
        let rgba = render::png_for_credential(
            &built.credential,
            &render::RenderOptions::new("en", "https://verify.example/verify?credential=x"),
        )
        .unwrap();
        let small = compact_png(rgba.clone());
        assert!(
            small.len() * 3 < rgba.len(),
            "{} -> {} bytes",
            rgba.len(),
            small.len()
        );
        let (a, pa) = decode(&rgba);
        let (b, pb) = decode(&small);
        assert_eq!(b.color_type, png::ColorType::Rgb);
        assert_eq!((a.width, a.height), (b.width, b.height));
        let rgb_of_rgba: Vec<u8> = pa
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        assert_eq!(rgb_of_rgba, pb, "same pixels");
        // Not compactable: kept as is.
        let translucent = {
            let mut v = Vec::new();
            let mut enc = png::Encoder::new(&mut v, 1, 1);
            enc.set_color(png::ColorType::Rgba);
            enc.set_depth(png::BitDepth::Eight);
            let mut w = enc.write_header().unwrap();
            w.write_image_data(&[1, 2, 3, 4]).unwrap();
            w.finish().unwrap();
            v
        };
        assert_eq!(compact_png(translucent.clone()), translucent);
    }
}
