//! Property tests: encodings round-trip, and any single-byte change to a sealed payload is caught.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use common::*;
use proofs::certs::TrustAnchors;
use proofs::jades::{self, JadesError};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn did_key_round_trips(seed in any::<[u8; 32]>()) {
        let sk = ed25519_dalek::SigningKey::from_bytes(&seed);
        let did = proofs::did::did_key_from_ed25519(&sk.verifying_key());
        prop_assert_eq!(proofs::did::parse_did_key(&did).unwrap(), proofs::PublicKey::Ed25519(sk.verifying_key()));
    }

    #[test]
    fn multibase_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
        let mb = proofs::keys::encode_multibase_base58btc(&bytes);
        prop_assert_eq!(proofs::keys::decode_multibase_base58btc(&mb).unwrap(), bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_payload_byte_change_breaks_a_seal(pos in 0usize..10_000, replacement in 0x20u8..0x7f) {
        let store = keystore();
        let u = store.university("tub").unwrap();
        let seal = u.seal.as_ref().unwrap();
        let payload = serde_json::to_string(&json_shared("edc/samples/elm-v3-official/credential-sample_ELM-3.2.jsonld")).unwrap();
        let sealed = jades::seal(payload.as_bytes(), seal.signer.as_ref(), &seal.chain, utc(2026, 5, 1)).unwrap();
        let mut bytes = payload.into_bytes();
        let pos = pos % bytes.len();
        prop_assume!(bytes[pos] != replacement && bytes[pos].is_ascii());
        bytes[pos] = replacement;
        let mut tampered = sealed.clone();
        tampered["payload"] = serde_json::Value::String(String::from_utf8(bytes).unwrap());
        prop_assert_eq!(
            jades::verify_value(&tampered, &TrustAnchors::empty(), utc(2026, 6, 1)).err(),
            Some(JadesError::SignatureInvalid)
        );
    }
}
