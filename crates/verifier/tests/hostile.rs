//! Hostile input: each must give a clear, non-valid report quickly, never a panic or a hang.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use std::time::{Duration, Instant};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use common::*;
use serde_json::{json, Value};
use verifier::{verify, verify_json, CheckKind, CheckStatus, NetworkPolicy, Report, Verdict};

fn timed(f: impl FnOnce() -> Report) -> Report {
    let t = Instant::now();
    let r = f();
    let e = t.elapsed();
    assert!(e < Duration::from_secs(1), "took {e:?}");
    r
}

/// `cred` verified for revocation only, within [`timed`]'s bound.
fn revocation_of(cred: &Value) -> Report {
    let p = policy().with_checks([CheckKind::Revocation]);
    timed(|| verify_json(cred, &p, &clock()))
}

fn check(r: &Report, k: CheckKind) -> &verifier::CheckResult {
    r.check(k).unwrap()
}

fn signed() -> Value {
    let (doc, uni) = built("micro-credential-professional");
    sign_with(&doc, &signer(&uni))
}

#[test]
fn truncated_and_invalid_json() {
    let bytes = serde_json::to_vec(&signed()).unwrap();
    for input in [
        &bytes[..bytes.len() / 2],
        b"{not json",
        b"",
        b"   ",
        b"\xff\xfe",
        b"null",
        b"42",
        b"[]",
    ] {
        let r = timed(|| verify(input, &policy(), &clock()));
        assert_eq!(
            r.verdict,
            Verdict::Invalid,
            "{:?}",
            String::from_utf8_lossy(input)
        );
        assert_eq!(check(&r, CheckKind::Format).status, CheckStatus::Failed);
        assert!(!check(&r, CheckKind::Format).message.is_empty());
    }
    let r = verify(&bytes[..bytes.len() / 2], &policy(), &clock());
    assert!(
        check(&r, CheckKind::Format)
            .message
            .starts_with("not JSON: EOF"),
        "{}",
        check(&r, CheckKind::Format).message
    );
}

#[test]
fn nesting_ten_thousand_deep_is_an_error_not_a_stack_overflow() {
    let arrays = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let objects = format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    let in_credential = format!(
        "{{\"@context\":[\"https://www.w3.org/2018/credentials/v1\"],\"credentialSubject\":{}}}",
        objects
    );
    for input in [arrays, objects, in_credential] {
        let r = timed(|| verify(input.as_bytes(), &policy(), &clock()));
        assert_eq!(r.verdict, Verdict::Invalid);
        assert!(
            check(&r, CheckKind::Format)
                .message
                .contains("recursion limit exceeded"),
            "{}",
            check(&r, CheckKind::Format).message
        );
    }
    // A caller-built Value deeper than the parser would allow is refused too.
    let mut v = json!(1);
    for _ in 0..200 {
        v = json!({ "a": v });
    }
    let r = timed(|| verify_json(&v, &policy(), &clock()));
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(check(&r, CheckKind::Format)
        .message
        .contains("nested deeper"));
}

#[test]
fn unknown_context_is_a_clear_format_failure() {
    let (mut doc, uni) = built("micro-credential-professional");
    doc["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!("https://evil.example/context.jsonld"));
    let r = timed(|| verify_json(&doc, &policy(), &clock()));
    assert_eq!(check(&r, CheckKind::Format).status, CheckStatus::Failed);
    assert!(check(&r, CheckKind::Format)
        .message
        .contains("unknown JSON-LD context `https://evil.example/context.jsonld`"));
    // And an undefined term after signing: the proof cannot verify either.
    let mut cred = sign_with(&built("micro-credential-professional").0, &signer(&uni));
    cred["credentialSubject"]["favouriteColour"] = json!("blue");
    let r = timed(|| verify_json(&cred, &policy(), &clock()));
    assert!(
        check(&r, CheckKind::Format)
            .message
            .contains("undefined term `favouriteColour`"),
        "{:?}",
        r
    );
    assert_eq!(check(&r, CheckKind::Proof).status, CheckStatus::Failed);
    assert_eq!(r.verdict, Verdict::Invalid);
}

#[test]
fn alg_none_is_refused_for_jwt_and_jades() {
    let (doc, uni) = built("micro-credential-professional");
    use proofs::Signer as _;
    let kid = signer(&uni).key_id().to_string();
    for (alg, kid) in [
        ("none", kid.as_str()),
        ("NONE", "did:example:unresolvable#k"),
        ("HS256", kid.as_str()),
    ] {
        let header = json!({"alg": alg, "typ": "vc+jwt", "kid": kid});
        let jwt = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(doc.to_string())
        );
        let r = timed(|| verify(jwt.as_bytes(), &policy(), &clock()));
        assert_eq!(
            check(&r, CheckKind::Proof).status,
            CheckStatus::Failed,
            "{r:?}"
        );
        assert!(
            check(&r, CheckKind::Proof).message.contains("alg")
                || check(&r, CheckKind::Proof).message.contains("algorithm"),
            "{r:?}"
        );
        assert_eq!(r.verdict, Verdict::Invalid);
    }

    let protected = URL_SAFE_NO_PAD.encode(json!({"alg": "none"}).to_string());
    let sealed = json!({"payload": doc.to_string(), "signatures": [{"protected": protected, "signature": ""}]});
    let r = timed(|| verify_json(&sealed, &policy(), &clock()));
    assert_eq!(check(&r, CheckKind::Proof).status, CheckStatus::Failed);
    assert!(
        check(&r, CheckKind::Proof)
            .message
            .contains("alg \"none\" is not a seal"),
        "{r:?}"
    );
    assert_eq!(r.verdict, Verdict::Invalid);
}

#[test]
fn garbage_x5c_is_refused() {
    let (doc, uni) = built("micro-credential-professional");
    let sealed = seal_as(&doc, &uni);
    for garbage in [
        json!(["AAAA"]),
        json!(["!!!not base64"]),
        json!([STANDARD.encode([0x30u8, 0x82, 0xff, 0xff])]),
        json!("x"),
        json!([]),
    ] {
        let mut s = sealed.clone();
        let p = s["signatures"][0]["protected"]
            .as_str()
            .unwrap()
            .to_string();
        let mut header: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap();
        header["x5c"] = garbage.clone();
        s["signatures"][0]["protected"] = json!(URL_SAFE_NO_PAD.encode(header.to_string()));
        let r = timed(|| verify_json(&s, &policy(), &clock()));
        assert_eq!(
            check(&r, CheckKind::Proof).status,
            CheckStatus::Failed,
            "{garbage}"
        );
        assert!(
            check(&r, CheckKind::Proof).message.contains("x5c"),
            "{}",
            check(&r, CheckKind::Proof).message
        );
        assert_eq!(r.verdict, Verdict::Invalid);
    }
}

#[test]
fn huge_status_list_index_fails_clearly() {
    let (doc, uni) = built("micro-credential-professional");
    for index in [
        "134217728",
        "18446744073709551615",
        "99999999999999999999999999",
        "-1",
        "0x10",
    ] {
        let cred = sign_with(
            &with_status(doc.clone(), "http://127.0.0.1:1/list", "revocation", index),
            &signer(&uni),
        );
        let r = revocation_of(&cred);
        let c = check(&r, CheckKind::Revocation);
        assert_eq!(c.status, CheckStatus::Failed, "{index}: {c:?}");
        assert!(c.message.contains("statusListIndex"), "{}", c.message);
    }
    // Inside the acceptable maximum but beyond the actual (16 KiB) list: RANGE_ERROR.
    let server = Server::start();
    let empty = encoded_list(&[]);
    let url = serve_status_list(&server, "/status/eth/small", &uni, "revocation", &empty);
    let cred = sign_with(
        &with_status(doc, &url, "revocation", "131072"),
        &signer(&uni),
    );
    let r = timed(|| verify_json(&cred, &policy(), &clock()));
    let c = check(&r, CheckKind::Revocation);
    assert_eq!(c.status, CheckStatus::Failed, "{c:?}");
    assert!(c.message.contains("RANGE_ERROR"));
}

#[test]
fn a_gzip_bomb_status_list_is_an_error_with_bounded_memory() {
    let (doc, uni) = built("micro-credential-professional");
    let server = Server::start();
    // 256 MiB of zeros, about 250 KB compressed.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..256 {
        std::io::Write::write_all(&mut gz, &zeros).unwrap();
    }
    let bomb = format!("u{}", URL_SAFE_NO_PAD.encode(gz.finish().unwrap()));
    let url = serve_status_list(&server, "/status/eth/bomb", &uni, "revocation", &bomb);
    let cred = sign_with(&with_status(doc, &url, "revocation", "5"), &signer(&uni));
    let r = revocation_of(&cred);
    let c = check(&r, CheckKind::Revocation);
    assert_eq!(c.status, CheckStatus::Error, "{c:?}");
    assert!(
        c.message.contains("inflates beyond 16777216 bytes"),
        "{}",
        c.message
    );
    assert_eq!(r.verdict, Verdict::Indeterminate);
}

#[test]
fn an_oversized_response_is_refused() {
    let (doc, uni) = built("micro-credential-professional");
    let server = Server::start();
    let url = server.put("/status/eth/huge", vec![b' '; 3 * 1024 * 1024]);
    let cred = sign_with(&with_status(doc, &url, "revocation", "5"), &signer(&uni));
    let r = revocation_of(&cred);
    let c = check(&r, CheckKind::Revocation);
    assert_eq!(c.status, CheckStatus::Error);
    assert!(c.message.contains("larger than"), "{}", c.message);
    // Offline policy: never fetched.
    let r = verify_json(
        &cred,
        &policy()
            .with_network(NetworkPolicy::offline())
            .with_checks([CheckKind::Revocation]),
        &clock(),
    );
    assert!(check(&r, CheckKind::Revocation)
        .message
        .contains("disabled"));
}

#[test]
fn host_names_resolving_to_loopback_are_refused_unless_allow_listed() {
    let (doc, uni) = built("micro-credential-professional");
    let server = Server::start();
    let url = format!("http://localhost:{}/status/eth/dns", server.port);
    server.put_json(
        "/status/eth/dns",
        &sign_with(
            &status_list(&url, &did(&uni), "revocation", &encoded_list(&[])),
            &signer(&uni),
        ),
    );
    let cred = sign_with(&with_status(doc, &url, "revocation", "5"), &signer(&uni));
    let p = policy().with_checks([CheckKind::Revocation]);
    let r = timed(|| verify_json(&cred, &p, &clock()));
    assert_eq!(
        check(&r, CheckKind::Revocation).status,
        CheckStatus::Ok,
        "{r:?}"
    );
    let mut np = NetworkPolicy::local_testing();
    np.allow_addresses.clear();
    // A fresh policy: a clone would share the cache, which already holds the list.
    let fresh = policy()
        .with_checks([CheckKind::Revocation])
        .with_network(np);
    let r = timed(|| verify_json(&cred, &fresh, &clock()));
    let c = check(&r, CheckKind::Revocation);
    assert_eq!(c.status, CheckStatus::Error);
    assert!(c.message.contains("not allow-listed"), "{}", c.message);
}
