//! QR codes of share links (ISO/IEC 18004), as SVG and as PNG: one QR path for the whole
//! workspace, the renderer's [`render::qr::Qr`] (the code printed on every certificate), whose PNG
//! is written with the `png` crate. Black modules on white with a 4-module quiet zone.

use render::qr::Qr;

/// Why a QR code could not be made.
#[derive(Debug, thiserror::Error)]
#[error("cannot encode QR code: {0}")]
pub struct QrError(String);

fn code(text: &str) -> Result<Qr, QrError> {
    Qr::new(text).map_err(|e| QrError(e.to_string()))
}

/// SVG of `text`, 256 user units wide.
pub fn svg(text: &str) -> Result<String, QrError> {
    Ok(code(text)?.svg(256.0, "QR code of the credential's verification link"))
}

/// PNG of `text`, `scale` pixels per module.
pub fn png(text: &str, scale: usize) -> Result<Vec<u8>, QrError> {
    code(text)?.png(scale).map_err(|e| QrError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_and_svg_are_well_formed_and_scan() {
        let url = "https://credentials.example/share/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        let p = png(url, 4).unwrap();
        assert_eq!(&p[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&p[12..16], b"IHDR");
        assert!(p.ends_with(&[0xae, 0x42, 0x60, 0x82]), "IEND CRC");
        let decoded = image_scan(&p);
        assert_eq!(decoded, vec![url.to_owned()]);
        let s = svg(url).unwrap();
        assert!(s.contains("<svg") && s.contains("</svg>"));
    }

    /// Decodes the QR codes of a greyscale PNG (`png` to pixels, `rqrr` to text).
    fn image_scan(bytes: &[u8]) -> Vec<String> {
        let mut reader = ::png::Decoder::new(bytes).read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        let (w, h) = (info.width as usize, info.height as usize);
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
        img.detect_grids()
            .into_iter()
            .map(|g| g.decode().unwrap().1)
            .collect()
    }
}
