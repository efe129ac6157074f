//! `keys.toml` key backends (file or PKCS#11, `proofs::keystore`): configuration errors name the
//! entry and the rule, before any token is touched; file keys are reported as such. The signing
//! itself through a real token is tested with SoftHSM2 in `tests/tests/hsm_pkcs11.rs`.

// Test code (issue #19 lints): a failing assumption should stop the test loudly, so unwrap,
// expect, panic and direct indexing are allowed here; library code denies them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::panic, clippy::indexing_slicing)]

use std::path::PathBuf;

use proofs::keystore::{KeyBackend, KeyStore, KeyStoreError};

const BASE_URL: &str = "https://enhance.example";

fn store_with(name: &str, keys_toml: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("keystore-backends")
        .join(name);
    let uni = dir.join("eth");
    std::fs::create_dir_all(&uni).unwrap();
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../keys.example/eth");
    std::fs::copy(
        demo.join("ed25519-key-2026-01.pem"),
        uni.join("ed25519-key-2026-01.pem"),
    )
    .unwrap();
    std::fs::copy(demo.join("seal.chain.pem"), uni.join("seal.chain.pem")).unwrap();
    std::fs::write(uni.join("keys.toml"), keys_toml).unwrap();
    dir
}

fn config_error(name: &str, keys_toml: &str) -> String {
    match KeyStore::load(&store_with(name, keys_toml), BASE_URL) {
        Err(e @ KeyStoreError::Config { .. }) => e.to_string(),
        other => panic!("{name}: expected a configuration error, got {other:?}"),
    }
}

#[test]
fn file_keys_load_and_are_reported_as_files() {
    let dir = store_with(
        "file",
        "[[ed25519]]\nid = \"k\"\nfile = \"ed25519-key-2026-01.pem\"\ncurrent = true\n",
    );
    let store = KeyStore::load(&dir, BASE_URL).unwrap();
    let eth = store.university("eth").unwrap();
    assert_eq!(eth.keys[0].backend, KeyBackend::File);
    assert!(eth.uses_file_keys());
    assert!(eth.current_file_signer().is_some());
    assert_eq!(store.universities_with_file_keys(), vec!["eth"]);
}

#[test]
fn backend_configuration_errors_name_the_entry_and_rule() {
    let e = config_error(
        "no-table",
        "[[ed25519]]\nid = \"k\"\nbackend = \"pkcs11\"\nkey_label = \"x\"\ncurrent = true\n",
    );
    assert!(
        e.contains("[[ed25519]] k") && e.contains("needs a [pkcs11] table"),
        "{e}"
    );
    let e = config_error(
        "no-label",
        "[[ed25519]]\nid = \"k\"\nbackend = \"pkcs11\"\ncurrent = true\n",
    );
    assert!(e.contains("key_label is required"), "{e}");
    let e = config_error("file-and-label", "[[ed25519]]\nid = \"k\"\nbackend = \"pkcs11\"\nfile = \"a.pem\"\nkey_label = \"x\"\ncurrent = true\n");
    assert!(
        e.contains("file is not used with backend = \"pkcs11\""),
        "{e}"
    );
    let e = config_error("label-on-file", "[[ed25519]]\nid = \"k\"\nfile = \"ed25519-key-2026-01.pem\"\nkey_label = \"x\"\ncurrent = true\n");
    assert!(e.contains("need backend = \"pkcs11\""), "{e}");
    let e = config_error("no-file", "[[ed25519]]\nid = \"k\"\ncurrent = true\n");
    assert!(e.contains("file is required"), "{e}");
    let e = config_error(
        "two-pins",
        "[pkcs11]\nmodule = \"no-such/module.so\"\ntoken_label = \"t\"\npin_env = \"A\"\npin_file = \"p\"\n\n[[ed25519]]\nid = \"k\"\nfile = \"ed25519-key-2026-01.pem\"\ncurrent = true\n",
    );
    assert!(
        e.contains("[pkcs11]") && e.contains("exactly one of pin_env"),
        "{e}"
    );
    let e = config_error(
        "bad-backend",
        "[[ed25519]]\nid = \"k\"\nbackend = \"kms\"\nfile = \"a.pem\"\ncurrent = true\n",
    );
    assert!(e.contains("kms"), "{e}");
    let e = config_error(
        "seal-no-key",
        "[[ed25519]]\nid = \"k\"\nfile = \"ed25519-key-2026-01.pem\"\ncurrent = true\n\n[seal]\nalgorithm = \"ES256\"\nchain_file = \"seal.chain.pem\"\n",
    );
    assert!(
        e.contains("[seal]") && e.contains("key_file is required"),
        "{e}"
    );
}

#[test]
fn a_missing_module_is_a_pkcs11_error_naming_the_table() {
    let dir = store_with(
        "no-module",
        "[pkcs11]\nmodule = \"no-such/libpkcs11.so\"\ntoken_label = \"t\"\npin_env = \"ENHANCE_UNSET_PIN_VAR\"\n\n[[ed25519]]\nid = \"k\"\nbackend = \"pkcs11\"\nkey_label = \"x\"\ncurrent = true\n",
    );
    let e = KeyStore::load(&dir, BASE_URL).unwrap_err();
    assert!(matches!(e, KeyStoreError::Pkcs11 { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("[pkcs11]") && msg.contains("no-such/libpkcs11.so"),
        "{msg}"
    );
}
