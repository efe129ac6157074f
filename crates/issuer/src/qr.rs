//! QR codes of share links (ISO/IEC 18004 via the `qrcode` crate), as SVG and as PNG.
//!
//! The PNG is written here (W3C PNG 3rd ed. §5, §11: signature, `IHDR` 8-bit greyscale, one zlib
//! `IDAT`, `IEND`, CRC-32 per chunk) so no image library is needed: the image is black modules on
//! white with a 4-module quiet zone, `scale` pixels per module.

use std::io::Write;

use qrcode::{Color, EcLevel, QrCode};

/// Why a QR code could not be made.
#[derive(Debug, thiserror::Error)]
#[error("cannot encode QR code: {0}")]
pub struct QrError(String);

fn code(text: &str) -> Result<QrCode, QrError> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| QrError(e.to_string()))
}

/// SVG of `text`.
pub fn svg(text: &str) -> Result<String, QrError> {
    Ok(code(text)?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build())
}

/// PNG of `text`, `scale` pixels per module.
pub fn png(text: &str, scale: usize) -> Result<Vec<u8>, QrError> {
    let code = code(text)?;
    let width = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let side = (width + 2 * quiet) * scale;
    let mut raw = Vec::with_capacity((side + 1) * side);
    for y in 0..side {
        raw.push(0u8); // filter type: none
        let my = (y / scale).checked_sub(quiet).filter(|v| *v < width);
        for x in 0..side {
            let mx = (x / scale).checked_sub(quiet).filter(|v| *v < width);
            let dark =
                matches!((mx, my), (Some(mx), Some(my)) if colors[my * width + mx] == Color::Dark);
            raw.push(if dark { 0 } else { 255 });
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&raw).map_err(|e| QrError(e.to_string()))?;
    let idat = z.finish().map_err(|e| QrError(e.to_string()))?;
    let side = u32::try_from(side).map_err(|e| QrError(e.to_string()))?;
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit greyscale, deflate, no interlace
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    for (kind, data) in [
        (b"IHDR", ihdr.as_slice()),
        (b"IDAT", idat.as_slice()),
        (b"IEND", &[][..]),
    ] {
        out.extend_from_slice(
            &u32::try_from(data.len())
                .map_err(|e| QrError(e.to_string()))?
                .to_be_bytes(),
        );
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_and_svg_are_well_formed() {
        let url = "https://credentials.example/share/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        let p = png(url, 4).unwrap();
        assert_eq!(&p[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&p[12..16], b"IHDR");
        assert!(p.ends_with(&[0xae, 0x42, 0x60, 0x82]), "IEND CRC");
        // For a look: the file tool or any viewer shows a scannable code.
        let _ = std::fs::write(std::env::temp_dir().join("issuer-qr-test.png"), &p);
        let s = svg(url).unwrap();
        assert!(s.contains("<svg") && s.contains("</svg>"));
    }
}
