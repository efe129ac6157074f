//! Additional trusted CA certificates for https fetches (issue #15 point 8): a did:web DID
//! document served over https on 127.0.0.1 by a server whose certificate comes from a CA made in
//! the test is "could not check" (a TLS error) without that CA and resolves with it
//! (`NetworkPolicy::extra_ca_files`, the service's `extra_ca_files` setting).

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use proofs::signer::Ed25519Signer;
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, KeyUsagePurpose};
use serde_json::json;
use verifier::{verify_json, CheckKind, CheckStatus, NetworkPolicy, Verdict};

/// A CA (its PEM) and a server config for 127.0.0.1 / localhost whose certificate it issued.
fn ca_and_server() -> (String, Arc<rustls::ServerConfig>) {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "University PKI test root");
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_key = KeyPair::generate().unwrap();
    let ca = ca_params.self_signed(&ca_key).unwrap();

    let mut leaf_params =
        CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
    leaf_params
        .extended_key_usages
        .push(rcgen::ExtendedKeyUsagePurpose::ServerAuth);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &ca, &ca_key).unwrap();

    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], key)
        .unwrap();
    (ca.pem(), Arc::new(config))
}

/// An https server on `listener` (127.0.0.1) answering every request with `body` (JSON), one
/// connection at a time, on a background thread for the life of the test process.
fn serve_https(listener: TcpListener, config: Arc<rustls::ServerConfig>, body: String) {
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut tcp) = stream else { continue };
            let _ = tcp.set_read_timeout(Some(Duration::from_secs(10)));
            let Ok(conn) = rustls::ServerConnection::new(config.clone()) else {
                continue;
            };
            let mut tls = rustls::StreamOwned::new(conn, &mut tcp);
            // Read the request head (a refused handshake ends here with an error).
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            let complete = loop {
                match tls.read(&mut buf) {
                    Ok(0) | Err(_) => break false,
                    Ok(n) => {
                        head.extend_from_slice(&buf[..n]);
                        if head.windows(4).any(|w| w == b"\r\n\r\n") {
                            break true;
                        }
                    }
                }
            };
            if complete {
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes());
                tls.conn.send_close_notify();
                let _ = tls.flush();
            }
        }
    });
}

fn write_pem(name: &str, pem: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("enhance-extra-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, pem).unwrap();
    path
}

/// https only (no `allow_http`), loopback allow-listed: the test-only way to reach 127.0.0.1.
fn https_loopback() -> NetworkPolicy {
    NetworkPolicy {
        allow_http: false,
        ..NetworkPolicy::local_testing()
    }
}

#[test]
fn did_web_document_in_a_private_pki_needs_the_extra_ca() {
    let (ca_pem, server_config) = ca_and_server();
    let (did, port) = start_did_server(server_config);
    let key = Ed25519Signer::from_secret_bytes(format!("{did}#key-1"), &[7u8; 32]);
    let (mut doc, _) = built("micro-credential-professional");
    doc["issuer"]["id"] = json!(did);
    let cred = sign_with(&doc, &key);

    // Without the CA: the server's chain ends at an unknown root, a TLS error, "could not check".
    let started = Instant::now();
    let p = policy()
        .with_network(https_loopback())
        .with_checks([CheckKind::Proof]);
    let r = verify_json(&cred, &p, &clock());
    let proof = r.check(CheckKind::Proof).unwrap();
    assert_eq!(proof.status, CheckStatus::Error, "{}", proof.message);
    assert_eq!(r.verdict, Verdict::Indeterminate);
    assert!(
        proof.message.contains("cannot resolve"),
        "{}",
        proof.message
    );
    assert!(
        proof
            .message
            .contains(&format!("https://127.0.0.1:{port}/")),
        "{}",
        proof.message
    );
    assert!(
        proof
            .message
            .contains("invalid peer certificate: UnknownIssuer"),
        "the reason names the certificate problem: {}",
        proof.message
    );
    let refused_in = started.elapsed();
    eprintln!("without the CA: {}", proof.message);

    // With the CA: resolved, the proof verifies.
    let started = Instant::now();
    let mut np = https_loopback();
    np.extra_ca_files = vec![write_pem("ca.pem", &ca_pem)];
    let p = policy().with_network(np).with_checks([CheckKind::Proof]);
    let r = verify_json(&cred, &p, &clock());
    let proof = r.check(CheckKind::Proof).unwrap();
    assert_eq!(proof.status, CheckStatus::Ok, "{}", proof.message);
    let accepted_in = started.elapsed();
    eprintln!("refused in {refused_in:?}, accepted in {accepted_in:?}");
    // Both are decided by the TLS handshake on loopback, far inside the 5 s fetch deadline.
    assert!(refused_in < Duration::from_secs(4), "{refused_in:?}");
    assert!(accepted_in < Duration::from_secs(4), "{accepted_in:?}");

    // A CA file that is not a certificate: every fetch is "could not check", naming the setting.
    let mut np = https_loopback();
    np.extra_ca_files = vec![write_pem("not-a-ca.pem", "hello\n")];
    let p = policy().with_network(np).with_checks([CheckKind::Proof]);
    let r = verify_json(&cred, &p, &clock());
    let proof = r.check(CheckKind::Proof).unwrap();
    assert_eq!(proof.status, CheckStatus::Error, "{}", proof.message);
    assert!(
        proof.message.contains("extra_ca_files"),
        "{}",
        proof.message
    );
}

/// Starts the https server with the DID document of `did:web:127.0.0.1%3A{port}:universities:pki`
/// (its own port) and returns the DID and the port.
fn start_did_server(config: Arc<rustls::ServerConfig>) -> (String, u16) {
    // The document names the port: bind first, then serve on that listener.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let did = format!("did:web:127.0.0.1%3A{port}:universities:pki");
    let key = Ed25519Signer::from_secret_bytes(format!("{did}#key-1"), &[7u8; 32]);
    let document = did_document_key_1(&did, &key);
    serve_https(listener, config, document.to_string());
    (did, port)
}

#[test]
fn extra_ca_files_setting_env_and_start_check() {
    use std::collections::HashMap;
    use verifier::service::ServiceConfig;
    let (ca_pem, _) = ca_and_server();
    let good = write_pem("setting-ca.pem", &ca_pem);
    let bad = write_pem("setting-bad.pem", "not a certificate\n");
    let env = |v: String| HashMap::from([("ENHANCE_VERIFIER_EXTRA_CA_FILES".to_string(), v)]);

    // Default: none. From the environment (comma-separated): into the network policy.
    assert!(ServiceConfig::default().network().extra_ca_files.is_empty());
    let c = ServiceConfig::load_with_env(None, &env(format!(" {} ,", good.display()))).unwrap();
    assert_eq!(c.extra_ca_files, vec![good.clone()]);
    assert_eq!(c.network().extra_ca_files, vec![good.clone()]);

    // A file without a certificate, or a missing file, is refused at start, naming the setting.
    let e = ServiceConfig::load_with_env(None, &env(bad.display().to_string()))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("extra_ca_files") && e.contains("no PEM CERTIFICATE"),
        "{e}"
    );
    let missing = good.with_file_name("missing.pem");
    let e = ServiceConfig::load_with_env(None, &env(missing.display().to_string()))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("extra_ca_files") && e.contains("missing.pem"),
        "{e}"
    );

    // From the TOML file.
    let toml = format!("extra_ca_files = [{:?}]\n", good.display().to_string());
    let c = ServiceConfig::from_toml_str(&toml).unwrap();
    assert_eq!(c.extra_ca_files, vec![good]);
}
