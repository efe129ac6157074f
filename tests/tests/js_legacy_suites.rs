//! Interop for the verification-only suites (issue #15 point 6): credentials signed by the
//! reference JavaScript libraries with `Ed25519Signature2020` (@digitalbazaar/ed25519-signature-2020)
//! and `ecdsa-rdfc-2019` P-256 (@digitalbazaar/ecdsa-rdfc-2019-cryptosuite), through
//! `interop/js/sign-suite.mjs` (bundled contexts only), verify with `proofs::data_integrity`; a
//! copy with one value changed fails with `SignatureMismatch`, and so does the right document
//! under another key of the same type.
//!
//! Credentials: the W3C alumni credential (VC 2.0, vc-di-eddsa `unsigned.json`), the EU's ELM 3.2
//! sample and `Sample-MC-Annex1-unsigned` (VC 1.1 + edc-ap), each issued by the signing key's
//! did:key, verified with the default policy (the issuer controls the key).
//!
//! Needs `node` (>= 20) and `npm ci --prefix interop/js`; without them every test FAILS, saying so.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use std::path::{Path, PathBuf};

use common::with_issuer;
use proofs::data_integrity::{self, ProofError};
use proofs::did::{DidKeyResolver, KeyResolver, ResolveError, VerificationMethod};
use proofs::keys::PublicKey;
use proofs::signer::{Ed25519Signer, Signer as _};
use serde_json::{json, Value};

/// `created` of every proof made here.
const CREATED: &str = "2025-06-01T12:00:00Z";
/// The Ed25519 test key's fixed seed `[1; 32]` (hex) — never a real key.
const SEED_HEX: &str = "0101010101010101010101010101010101010101010101010101010101010101";

fn js_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("interop")
        .join("js")
}

fn read_json(rel: &str) -> Value {
    let path = e2e_tests::testdata(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (testdata/ is part of the repository)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap()
}

/// `interop/js/sign-suite.mjs`: the reference JS libraries sign `credential` with `suite`.
fn js_sign(credential: &Value, suite: &str, key: &Value) -> Value {
    let modules = js_dir().join("node_modules");
    assert!(
        modules
            .join("@digitalbazaar/ed25519-signature-2020")
            .is_dir()
            && modules
                .join("@digitalbazaar/ecdsa-rdfc-2019-cryptosuite")
                .is_dir(),
        "the JS interop harness is not installed ({} lacks the suites): run `npm ci --prefix \
         interop/js` from the repository root (needs Node >= 20 and npm)",
        modules.display()
    );
    let request = json!({"credential": credential, "suite": suite, "key": key, "created": CREATED});
    let out = common::run_node("sign-suite.mjs", &request);
    assert!(
        out.status.success(),
        "sign-suite.mjs {suite} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("sign-suite.mjs prints JSON")
}

/// A signing key of one suite: the JS `key` member, its did:key, and another key of the same
/// type (the "wrong key").
struct SuiteKey {
    suite: &'static str,
    js_key: Value,
    did: String,
    wrong: PublicKey,
}

fn ed25519_key() -> SuiteKey {
    let public = ed25519_public(&[1; 32]);
    let did = format!("did:key:{}", public.to_multikey().unwrap());
    SuiteKey {
        suite: "Ed25519Signature2020",
        js_key: json!({"seedHex": SEED_HEX}),
        did,
        wrong: ed25519_public(&[2; 32]),
    }
}

fn ed25519_public(seed: &[u8; 32]) -> PublicKey {
    Ed25519Signer::from_secret_bytes("probe", seed).public_key()
}

fn p256_key() -> SuiteKey {
    // The W3C vc-di-ecdsa test key pair (public test material).
    let pair = read_json("vectors/vc-di-ecdsa/TestVectors/p256KeyPair.json");
    let public = pair["publicKeyMultibase"].as_str().unwrap();
    SuiteKey {
        suite: "ecdsa-rdfc-2019",
        did: format!("did:key:{public}"),
        js_key: pair.clone(),
        // The did:key issuer of the vc-di-ecdsa employment vector: another P-256 key.
        wrong: PublicKey::from_multikey("zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76")
            .unwrap(),
    }
}

/// Resolves every method to one fixed key, controlled by `controller`.
struct FixedKeyResolver {
    key: PublicKey,
    controller: String,
}

impl KeyResolver for FixedKeyResolver {
    fn resolve(&self, vm: &str) -> Result<VerificationMethod, ResolveError> {
        Ok(VerificationMethod {
            id: vm.into(),
            controller: self.controller.clone(),
            public_key: self.key.clone(),
        })
    }
}

fn alumni() -> Value {
    read_json("vectors/vc-di-eddsa/TestVectors/unsigned.json")
}

fn elm_sample() -> Value {
    read_json("edc/samples/elm-v3-official/credential-sample_ELM-3.2.jsonld")
}

/// It has no `issuanceDate`, which vc.js requires on VC 1.1.
fn mc_sample() -> Value {
    let mut c = read_json("edc/samples/elm-v3-official/Sample-MC-Annex1-unsigned.jsonld");
    c["issuanceDate"] = json!("2023-01-01T00:00:00Z");
    c
}

/// JS signs `credential` (issued by the key's did:key) → Rust verifies; a tampered copy and the
/// wrong key each fail with `SignatureMismatch`.
fn check(name: &str, credential: Value, key: &SuiteKey) {
    let credential = with_issuer(credential, &key.did);
    let signed = js_sign(&credential, key.suite, &key.js_key);
    let proof = &signed["proof"];
    match key.suite {
        "Ed25519Signature2020" => {
            assert_eq!(proof["type"], "Ed25519Signature2020", "{name}");
            assert!(proof.get("cryptosuite").is_none(), "{name}");
        }
        _ => {
            assert_eq!(proof["type"], "DataIntegrityProof", "{name}");
            assert_eq!(proof["cryptosuite"], key.suite, "{name}");
        }
    }
    let method = format!("{}#{}", key.did, key.did.trim_start_matches("did:key:"));
    assert_eq!(proof["verificationMethod"], json!(method), "{name}");
    assert_eq!(proof["created"], CREATED, "{name}");

    let verified = data_integrity::verify(&signed, &DidKeyResolver).unwrap_or_else(|e| {
        panic!(
            "{name} {}: Rust rejected the JS-signed credential: {e}",
            key.suite
        )
    });
    assert_eq!(verified.len(), 1, "{name}");
    assert_eq!(verified[0].controller, key.did, "{name}");
    assert_eq!(verified[0].suite.name(), key.suite, "{name}");

    // One value changed: the credential's id.
    let mut tampered = signed.clone();
    tampered["id"] = json!("urn:uuid:00000000-0000-4000-8000-000000000000");
    let err = data_integrity::verify(&tampered, &DidKeyResolver).unwrap_err();
    assert_eq!(
        err,
        ProofError::SignatureMismatch {
            verification_method: method.clone()
        },
        "{name} {} tampered",
        key.suite
    );
    assert!(
        err.to_string().contains("signature does not verify"),
        "{err}"
    );

    // The same document under another key of the suite's type (e.g. a rotated DID document).
    let wrong = FixedKeyResolver {
        key: key.wrong.clone(),
        controller: key.did.clone(),
    };
    assert_eq!(
        data_integrity::verify(&signed, &wrong),
        Err(ProofError::SignatureMismatch {
            verification_method: method
        }),
        "{name} {} wrong key",
        key.suite
    );
}

#[test]
fn ed25519_signature_2020_from_js_verifies_and_tampered_or_wrong_key_fails() {
    let key = ed25519_key();
    check("W3C alumni credential (VC 2.0)", alumni(), &key);
    check("ELM 3.2 sample (VC 1.1 + edc-ap)", elm_sample(), &key);
    check("Sample-MC-Annex1 (VC 1.1 + edc-ap)", mc_sample(), &key);
}

#[test]
fn ecdsa_rdfc_2019_p256_from_js_verifies_and_tampered_or_wrong_key_fails() {
    let key = p256_key();
    check("W3C alumni credential (VC 2.0)", alumni(), &key);
    check("ELM 3.2 sample (VC 1.1 + edc-ap)", elm_sample(), &key);
    check("Sample-MC-Annex1 (VC 1.1 + edc-ap)", mc_sample(), &key);
}
