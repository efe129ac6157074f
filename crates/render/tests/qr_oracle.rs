//! The QR code's own mask selection (`render::qr`, issue #18) against the `qrcode` crate it
//! replaces there: for every input the symbol is the crate's `QrCode::with_error_correction_level`
//! (level M), module for module. Inputs: verification URLs as the issuer makes them (share tokens
//! of random bytes), every length from 1 to 400 bytes in three alphabets (numeric, alphanumeric
//! and byte mode, so versions 1–15 and every mode switch), and random bytes.

// Integration test (issue #19 lints): a failed assumption should fail the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing)]

use qrcode::{Color, EcLevel, QrCode};
use render::qr::Qr;

/// A small deterministic generator (xorshift64*), so a failure names a reproducible input.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn pick(&mut self, alphabet: &[u8]) -> u8 {
        alphabet[(self.next() % alphabet.len() as u64) as usize]
    }
}

fn assert_same_as_crate(input: &[u8]) {
    let text = String::from_utf8_lossy(input);
    // The renderer encodes text; lossy conversion keeps the input valid UTF-8.
    let ours = Qr::new(&text).unwrap();
    let theirs = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).unwrap();
    assert_eq!(ours.width(), theirs.width(), "width of {text:?}");
    let theirs: Vec<bool> = theirs
        .to_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    assert!(
        ours.modules() == theirs.as_slice(),
        "modules differ for {text:?} ({} bytes)",
        text.len()
    );
}

#[test]
fn verification_urls_match_the_crate() {
    const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for n in 0..1500 {
        let token: String = (0..43).map(|_| rng.pick(B64URL) as char).collect();
        let url = match n % 3 {
            0 => format!("https://verify.example/?credential=https://issuer.example/share/{token}"),
            1 => format!("https://issuer.enhance-alliance.eu/verify?url=https%3A%2F%2Fissuer.enhance-alliance.eu%2Fshare%2F{token}"),
            _ => format!("http://127.0.0.1:{}/share/{token}", 1024 + rng.next() % 60000),
        };
        assert_same_as_crate(url.as_bytes());
    }
}

#[test]
fn every_length_and_mode_matches_the_crate() {
    const NUMERIC: &[u8] = b"0123456789";
    const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    const BYTES: &[u8] = b"abcdefghijklmnopqrstuvwxyz/?=&%-_.~:0123456789ABC";
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    for len in 1..=400 {
        for alphabet in [NUMERIC, ALPHANUMERIC, BYTES] {
            let input: Vec<u8> = (0..len).map(|_| rng.pick(alphabet)).collect();
            assert_same_as_crate(&input);
        }
        // Mixed modes: a numeric run inside text makes the crate switch segments.
        let mixed: Vec<u8> = (0..len)
            .map(|i| rng.pick(if (i / 9) % 2 == 0 { NUMERIC } else { BYTES }))
            .collect();
        assert_same_as_crate(&mixed);
    }
}

#[test]
fn random_bytes_match_the_crate() {
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    for _ in 0..600 {
        let len = 1 + (rng.next() % 300) as usize;
        let input: Vec<u8> = (0..len).map(|_| (rng.next() & 0xff) as u8).collect();
        assert_same_as_crate(&input);
    }
}
