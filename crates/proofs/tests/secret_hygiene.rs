//! Private keys never appear in Debug output, Display output or error messages.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use base64::Engine as _;
use common::*;
use proofs::keys::KeyError;
use proofs::signer::{Ed25519Signer, P256Signer, RsaSigner};
use proofs::Signer;

/// The base64 body lines of a PEM (the secret itself), long enough to be meaningful.
fn pem_body_lines(pem: &str) -> Vec<String> {
    pem.lines()
        .filter(|l| !l.starts_with("-----") && l.len() >= 16)
        .map(str::to_string)
        .collect()
}

fn assert_no_secret(text: &str, pem: &str, secret_bytes: &[u8]) {
    for line in pem_body_lines(pem) {
        assert!(!text.contains(&line[..16]), "PEM material leaked: {text}");
    }
    let hex = hex::encode(secret_bytes);
    assert!(
        !text.to_lowercase().contains(&hex[..16]),
        "secret hex leaked: {text}"
    );
    let b64 = base64::engine::general_purpose::STANDARD.encode(secret_bytes);
    assert!(!text.contains(&b64[..12]), "secret base64 leaked: {text}");
    let b58 = bs58::encode(secret_bytes).into_string();
    assert!(!text.contains(&b58[..12]), "secret base58 leaked: {text}");
    // Decimal digits of big integers (RSA private exponents printed by a derived Debug).
    assert!(
        !text
            .chars()
            .collect::<Vec<_>>()
            .windows(40)
            .any(|w| w.iter().all(char::is_ascii_digit)),
        "long number leaked: {text}"
    );
}

#[test]
fn debug_of_every_signer_and_of_the_key_store_shows_no_key_material() {
    let seed = [0x5au8; 32];
    let ed = Ed25519Signer::from_secret_bytes("did:example:1#k", &seed);
    let ed_pem = ed.to_pkcs8_pem().unwrap();
    let text = format!("{ed:?} {:?} {:?}", ed.public_key(), ed.algorithm());
    assert!(text.contains("did:example:1#k"), "{text}");
    assert_no_secret(&text, &ed_pem, &seed);

    let p256_secret = [0x11u8; 32];
    let p = P256Signer::new(
        "p",
        p256::ecdsa::SigningKey::from_slice(&p256_secret).unwrap(),
    );
    assert_no_secret(&format!("{p:?}"), &p.to_pkcs8_pem().unwrap(), &p256_secret);

    let rsa_pem = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../keys.example/eth/seal.key.pem"
    ))
    .unwrap();
    let r = RsaSigner::from_pkcs8_pem("r", &rsa_pem, proofs::Algorithm::Rs256).unwrap();
    use rsa::traits::PrivateKeyParts as _;
    let d = r.private_key().d().to_bytes_be();
    assert_no_secret(&format!("{r:?}"), &rsa_pem, &d);

    // The whole demo key store, seal signers and certificates included.
    let store = keystore();
    let text = format!("{store:?}");
    for u in store.universities() {
        for k in &u.keys {
            let pem = std::fs::read_to_string(format!(
                "{}/../../keys.example/{}/ed25519-{}.pem",
                env!("CARGO_MANIFEST_DIR"),
                u.id,
                k.fragment
            ))
            .unwrap();
            for line in pem_body_lines(&pem) {
                assert!(!text.contains(&line[..16]), "{} leaked", u.id);
            }
        }
        let seal_pem = std::fs::read_to_string(format!(
            "{}/../../keys.example/{}/seal.key.pem",
            env!("CARGO_MANIFEST_DIR"),
            u.id
        ))
        .unwrap();
        for line in pem_body_lines(&seal_pem) {
            assert!(!text.contains(&line[..16]), "{} seal key leaked", u.id);
        }
    }
}

#[test]
fn errors_from_corrupted_keys_do_not_echo_the_key() {
    let ed = Ed25519Signer::from_secret_bytes("k", &[0x33u8; 32]);
    let pem = ed.to_pkcs8_pem().unwrap();
    // Corrupt one character in the body.
    let mut corrupted: Vec<char> = pem.chars().collect();
    let i = pem.find('\n').unwrap() + 10;
    corrupted[i] = if corrupted[i] == 'A' { 'B' } else { 'A' };
    let corrupted: String = corrupted.into_iter().collect();
    let truncated = &pem[..pem.len() / 2];
    for bad in [corrupted.as_str(), truncated] {
        let err = Ed25519Signer::from_pkcs8_pem("k", bad)
            .err()
            .unwrap_or_else(|| KeyError::Multibase("parsed".into()));
        let text = format!("{err} {err:?}");
        assert_no_secret(&text, &pem, &[0x33u8; 32]);
        let err = proofs::signer::signer_from_pkcs8_pem("k", bad, proofs::Algorithm::EdDsa)
            .err()
            .unwrap();
        assert_no_secret(&format!("{err} {err:?}"), &pem, &[0x33u8; 32]);
    }
    // A multibase secret that is too short: the message names lengths, not bytes.
    let err = Ed25519Signer::from_multibase_secret(
        "k",
        &proofs::keys::encode_multibase_base58btc(&[0x80, 0x26, 0x33, 0x33, 0x33]),
    )
    .err()
    .unwrap();
    assert!(!format!("{err} {err:?}").contains("333"), "{err}");
}
