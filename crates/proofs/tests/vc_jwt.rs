//! `application/vc+jwt` round trips (EdDSA with a university key, ES256 with a P-256 did:key) and rejections.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::*;
use proofs::did::{did_key_from_public_key, did_key_verification_method, ResolveError};
use proofs::signer::{Ed25519Signer, P256Signer};
use proofs::vc_jwt::{self, VcJwtError};
use proofs::Signer;
use serde_json::{json, Value};

fn credential(issuer: &str) -> Value {
    let mut doc = json_shared("edc/samples/elm-v3-official/credential-sample_ELM-3.2.jsonld");
    doc["issuer"]["id"] = Value::String(issuer.into());
    doc
}

fn parts(jwt: &str) -> (Value, Value, Vec<u8>) {
    let p: Vec<&str> = jwt.split('.').collect();
    (
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p[0]).unwrap()).unwrap(),
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p[1]).unwrap()).unwrap(),
        URL_SAFE_NO_PAD.decode(p[2]).unwrap(),
    )
}

/// A JWT with the given header and payload, signed by `signer` (so only the edit is wrong).
fn forge(header: &Value, payload: &Value, signer: &dyn Signer) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let sig = signer.sign(input.as_bytes()).unwrap();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

#[test]
fn eddsa_round_trip_with_a_university_key() {
    let store = keystore();
    let eth = store.university("eth").unwrap();
    let cred = credential(eth.did());
    let jwt = vc_jwt::encode(&cred, eth.current_signer().unwrap()).unwrap();
    let (header, payload, sig) = parts(&jwt);
    assert_eq!(
        header,
        json!({"alg": "EdDSA", "kid": eth.current_signer().unwrap().key_id(), "typ": "vc+jwt"})
    );
    assert_eq!(payload, cred);
    assert_eq!(sig.len(), 64);
    let v = vc_jwt::verify(&jwt, &store.resolver().unwrap()).unwrap();
    assert_eq!(v.credential, cred);
    assert_eq!(v.controller, eth.did());
}

fn p256_signer() -> P256Signer {
    let s = P256Signer::new(
        "tmp",
        p256::ecdsa::SigningKey::from_slice(&[3u8; 32]).unwrap(),
    );
    let did = did_key_from_public_key(&s.public_key()).unwrap();
    s.with_key_id(did_key_verification_method(&did).unwrap())
}

#[test]
fn es256_round_trip_with_a_p256_did_key() {
    let signer = p256_signer();
    let did = signer.key_id().split('#').next().unwrap().to_string();
    assert!(did.starts_with("did:key:zDn"));
    let cred = credential(&did);
    let jwt = vc_jwt::encode(&cred, &signer).unwrap();
    let (header, _, sig) = parts(&jwt);
    assert_eq!(header["alg"], "ES256");
    assert_eq!(sig.len(), 64, "JOSE raw r||s");
    let v = vc_jwt::verify(&jwt, &proofs::did::DidKeyResolver).unwrap();
    assert_eq!(v.algorithm, proofs::Algorithm::Es256);
}

#[test]
fn rejections_each_have_their_own_error() {
    let store = keystore();
    let resolver = store.resolver().unwrap();
    let eth = store.university("eth").unwrap();
    let signer = eth.current_signer().unwrap();
    let cred = credential(eth.did());
    let jwt = vc_jwt::encode(&cred, signer).unwrap();
    let (header, payload, _) = parts(&jwt);
    let with = |k: &str, v: Value| {
        let mut h = header.clone();
        h[k] = v;
        h
    };

    // alg none, with an empty signature as such tokens come.
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(with("alg", json!("none")).to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    assert_eq!(
        vc_jwt::verify(&none, &resolver).err(),
        Some(VcJwtError::AlgNone)
    );
    assert_eq!(
        vc_jwt::verify(
            &forge(&with("alg", json!("HS256")), &payload, signer),
            &resolver
        )
        .err(),
        Some(VcJwtError::UnsupportedAlgorithm("HS256".into()))
    );
    // ES256 header over an Ed25519 key.
    assert!(matches!(
        vc_jwt::verify(
            &forge(&with("alg", json!("ES256")), &payload, signer),
            &resolver
        )
        .err(),
        Some(VcJwtError::AlgorithmKeyMismatch { .. })
    ));
    // kid of another university (rwth signs, claims its own key) for an eth credential.
    let rwth = store.university("rwth").unwrap().current_signer().unwrap();
    let rwth_jwt = vc_jwt::encode(&cred, rwth).unwrap();
    assert!(matches!(
        vc_jwt::verify(&rwth_jwt, &resolver).err(),
        Some(VcJwtError::KidNotIssuerKey { .. })
    ));
    // kid switched to rwth's key while eth's key signed.
    assert!(matches!(
        vc_jwt::verify(
            &forge(&with("kid", json!(rwth.key_id())), &payload, signer),
            &resolver
        )
        .err(),
        Some(VcJwtError::KidNotIssuerKey { .. })
    ));
    // kid switched to eth's rotated key: a real eth key, but not the one that signed.
    let rotated = eth
        .keys
        .iter()
        .find(|k| !k.current)
        .unwrap()
        .signer
        .key_id()
        .to_string();
    assert_eq!(
        vc_jwt::verify(
            &forge(&with("kid", json!(rotated)), &payload, signer),
            &resolver
        )
        .err(),
        Some(VcJwtError::SignatureInvalid)
    );
    // kid naming a key that is not in the DID document.
    assert!(matches!(
        vc_jwt::verify(
            &forge(
                &with("kid", json!(eth.did_web.verification_method("key-1999"))),
                &payload,
                signer
            ),
            &resolver
        )
        .err(),
        Some(VcJwtError::KeyNotFound {
            source: ResolveError::KeyNotFound(_),
            ..
        })
    ));
    assert_eq!(
        vc_jwt::verify(
            &forge(&with("typ", json!("JWT")), &payload, signer),
            &resolver
        )
        .err(),
        Some(VcJwtError::WrongType("JWT".into()))
    );
    let mut no_kid = header.clone();
    no_kid.as_object_mut().unwrap().remove("kid");
    assert_eq!(
        vc_jwt::verify(&forge(&no_kid, &payload, signer), &resolver).err(),
        Some(VcJwtError::MissingKid)
    );
    // Truncated signature.
    let segs: Vec<&str> = jwt.split('.').collect();
    let sig = URL_SAFE_NO_PAD.decode(segs[2]).unwrap();
    let cut = format!(
        "{}.{}.{}",
        segs[0],
        segs[1],
        URL_SAFE_NO_PAD.encode(&sig[..60])
    );
    assert!(matches!(
        vc_jwt::verify(&cut, &resolver).err(),
        Some(VcJwtError::MalformedSignature(_))
    ));
    // Tampered payload.
    let mut p2 = payload.clone();
    p2["validFrom"] = json!("2000-01-01T00:00:00Z");
    let tampered: Vec<&str> = jwt.split('.').collect();
    let tampered = format!(
        "{}.{}.{}",
        tampered[0],
        URL_SAFE_NO_PAD.encode(p2.to_string()),
        tampered[2]
    );
    assert_eq!(
        vc_jwt::verify(&tampered, &resolver).err(),
        Some(VcJwtError::SignatureInvalid)
    );
    // Wrong key, right kid.
    let impostor = Ed25519Signer::from_secret_bytes(signer.key_id(), &[9u8; 32]);
    assert_eq!(
        vc_jwt::verify(&vc_jwt::encode(&cred, &impostor).unwrap(), &resolver).err(),
        Some(VcJwtError::SignatureInvalid)
    );
    assert!(matches!(
        vc_jwt::verify("a.b", &resolver).err(),
        Some(VcJwtError::Malformed(_))
    ));
    // RSA seal keys cannot make VC-JWTs.
    let seal = store.university("eth").unwrap().seal.as_ref().unwrap();
    assert!(matches!(
        vc_jwt::encode(&cred, seal.signer.as_ref()),
        Err(VcJwtError::UnsupportedAlgorithm(_))
    ));
}
