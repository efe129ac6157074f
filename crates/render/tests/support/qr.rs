//! Reads the QR codes of a rendered PNG (rqrr): shared by the render tests' support and the
//! issuer's learner page tests (`crates/issuer/tests/learner_page.rs`, with `#[path]`).

/// Every QR code found in a PNG (greyscale, indexed or RGB(A) composited on white).
pub fn decode_qr(png_bytes: &[u8]) -> Vec<String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let channels = info.color_type.samples();
    let luma = |x: usize, y: usize| -> u8 {
        let i = (y * w + x) * channels;
        if channels <= 2 {
            return buf[i];
        }
        let (r, g, b) = (buf[i] as u32, buf[i + 1] as u32, buf[i + 2] as u32);
        let a = if channels == 4 {
            buf[i + 3] as u32
        } else {
            255
        };
        let l = (r * 299 + g * 587 + b * 114) / 1000;
        ((l * a + 255 * (255 - a)) / 255) as u8
    };
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, luma);
    img.detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, s)| s))
        .collect()
}
