//! eIDAS trusted lists in the verifier (issue #14 point 3): `trust refresh` over a loopback server
//! (never the internet) keeps the last good set on failures; a JAdES seal with a qualified e-seal
//! certificate from a list generated and signed here passes the trust check with its wording,
//! and the other outcomes are reported with their reasons.

// Test code (issue #19 lints): a failing assumption should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::print_stdout)]

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, TimeZone as _, Utc};
use common::{built, Server};
use proofs::certs::SubjectFields;
use trusted_lists::testing::{
    certificate, key, lotl_body, national_list_body, sign_list, QcProfile,
};
use verifier::eidas::{load_cache, refresh, EidasError, TrustedListsConfig};
use verifier::fetch::Fetcher;
use verifier::{
    verify_json, CheckKind, CheckStatus, FixedClock, NetworkPolicy, Policy, TrustRegistry,
};

fn t(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

fn subject(cn: &str, org: &str, id: Option<&str>) -> SubjectFields {
    SubjectFields {
        country: "LU".into(),
        organisation: org.into(),
        organisation_identifier: id.map(str::to_string),
        common_name: cn.into(),
    }
}

struct Pki {
    lotl_cert: Vec<u8>,
    commission: trusted_lists::testing::SigningKey,
    tl_cert: Vec<u8>,
    tl_key: trusted_lists::testing::SigningKey,
    national: String,
    seal_key: trusted_lists::testing::SigningKey,
    seal_cert: Vec<u8>,
    plain_cert: Vec<u8>,
}

fn pki() -> Pki {
    let (commission, tl_key, ca_key, seal_key) = (
        key(21).unwrap(),
        key(22).unwrap(),
        key(23).unwrap(),
        key(24).unwrap(),
    );
    let (nb, na) = (t(2020, 1, 1), t(2035, 1, 1));
    let lotl_cert = certificate(
        &subject("LOTL signer", "European Commission", None),
        &commission,
        None,
        None,
        1,
        nb,
        na,
    )
    .unwrap();
    let tl_cert = certificate(
        &subject("LU TL signer", "ILNAS", None),
        &tl_key,
        None,
        None,
        2,
        nb,
        na,
    )
    .unwrap();
    let ca = certificate(
        &subject(
            "Test QC CA",
            "Test Trust Services SA",
            Some("VATLU-11111111"),
        ),
        &ca_key,
        None,
        None,
        3,
        nb,
        na,
    )
    .unwrap();
    let org = subject("Seal", "Université Exemple", Some("VATLU-87654321"));
    let seal_cert = certificate(
        &org,
        &seal_key,
        Some((&ca, &ca_key)),
        Some(QcProfile::QUALIFIED_SEAL),
        10,
        nb,
        na,
    )
    .unwrap();
    let plain_cert = certificate(&org, &seal_key, Some((&ca, &ca_key)), None, 11, nb, na).unwrap();
    let body = national_list_body(
        "LU",
        "Test Trust Services SA",
        "Test QC CA",
        &ca,
        &[("granted", t(2020, 6, 1)), ("withdrawn", t(2026, 6, 1))],
    );
    let national = sign_list(&body, &tl_key, &tl_cert).unwrap();
    Pki {
        lotl_cert,
        commission,
        tl_cert,
        tl_key,
        national,
        seal_key,
        seal_cert,
        plain_cert,
    }
}

fn lotl_for(p: &Pki, lu_url: &str) -> String {
    sign_list(
        &lotl_body(&[("LU", lu_url, &p.tl_cert)]),
        &p.commission,
        &p.lotl_cert,
    )
    .unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("enhance-eidas-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn config(dir: &std::path::Path, lotl_url: String, p: &Pki) -> TrustedListsConfig {
    let pem = proofs::certs::certificate_to_pem(
        &proofs::certs::certificate_from_der(&p.lotl_cert).unwrap(),
    )
    .unwrap();
    let pinned = dir.join("pinned.pem");
    std::fs::write(&pinned, pem).unwrap();
    TrustedListsConfig {
        cache_dir: Some(dir.join("cache")),
        lotl_url,
        pinned_certificates: Some(pinned),
        fetch_timeout_secs: 5,
        ..TrustedListsConfig::default()
    }
}

fn current(dir: &std::path::Path) -> String {
    std::fs::read_to_string(dir.join("cache/CURRENT")).unwrap()
}

#[test]
fn refresh_downloads_verifies_and_keeps_the_last_good_set() {
    let p = pki();
    let server = Server::start();
    let lu_url = server.put("/LU.xml", p.national.clone());
    let lotl_url = server.put("/lotl.xml", lotl_for(&p, &lu_url));
    let dir = temp_dir("refresh");
    let cfg = config(&dir, lotl_url.clone(), &p);
    let pinned = cfg.pinned().unwrap();
    let (fetcher, np) = (Fetcher::default(), NetworkPolicy::local_testing());

    let r = refresh(&cfg, &pinned, &fetcher, &np, t(2026, 1, 1)).unwrap();
    println!("{r:?}");
    assert_eq!(r.updated, vec!["LU".to_string()]);
    let first = current(&dir);
    let (index, _) = load_cache(cfg.cache_dir.as_ref().unwrap(), &pinned, &cfg.limits()).unwrap();
    assert_eq!(index.services().len(), 1);

    // A tampered national list: refused, the previous copy kept.
    server.put(
        "/LU.xml",
        p.national
            .replace("Test Trust Services SA", "Evil Trust Services"),
    );
    let r = refresh(&cfg, &pinned, &fetcher, &np, t(2026, 1, 2)).unwrap();
    println!("{r:?}");
    assert!(
        r.kept_previous
            .get("LU")
            .is_some_and(|why| why.contains("digest does not match")),
        "{r:?}"
    );
    let (index, _) = load_cache(cfg.cache_dir.as_ref().unwrap(), &pinned, &cfg.limits()).unwrap();
    assert_eq!(index.services()[0].tsp, "Test Trust Services SA");

    // The LOTL unavailable (404), then signed by an unknown key: nothing changes.
    let second = current(&dir);
    let missing = TrustedListsConfig {
        lotl_url: format!("{}/gone.xml", server.base),
        ..cfg.clone()
    };
    let err = refresh(&missing, &pinned, &fetcher, &np, t(2026, 1, 3)).unwrap_err();
    assert!(matches!(err, EidasError::Download { .. }), "{err}");
    let rogue = sign_list(
        &lotl_body(&[("LU", &lu_url, &p.tl_cert)]),
        &p.tl_key,
        &p.tl_cert,
    )
    .unwrap();
    server.put("/lotl.xml", rogue);
    let err = refresh(&cfg, &pinned, &fetcher, &np, t(2026, 1, 4)).unwrap_err();
    println!("{err}");
    assert!(err.to_string().contains("unknown key"), "{err}");
    assert_eq!(current(&dir), second);
    assert_ne!(first, second);
    load_cache(cfg.cache_dir.as_ref().unwrap(), &pinned, &cfg.limits()).unwrap();

    // Production network rules: the loopback server is refused by the address check (https only too).
    let err = refresh(
        &cfg,
        &pinned,
        &fetcher,
        &NetworkPolicy::default(),
        t(2026, 1, 5),
    )
    .unwrap_err();
    assert!(matches!(err, EidasError::Download { .. }), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn sealed_with(p: &Pki, cert: &[u8]) -> serde_json::Value {
    let (doc, _) = built("micro-credential-professional");
    let signer = proofs::signer::P256Signer::new("seal", p.seal_key.clone());
    let chain = vec![proofs::certs::certificate_from_der(cert).unwrap()];
    proofs::jades::seal(
        &serde_json::to_vec(&doc).unwrap(),
        &signer,
        &chain,
        t(2026, 1, 10),
    )
    .unwrap()
}

fn trust_of(
    sealed: &serde_json::Value,
    policy: &Policy,
    at: DateTime<Utc>,
) -> (CheckStatus, String) {
    let r = verify_json(sealed, policy, &FixedClock(at));
    let c = r.check(CheckKind::Trust).unwrap();
    (c.status, c.message.clone())
}

#[test]
fn qualified_seal_passes_the_trust_check_and_other_outcomes_say_why() {
    let p = pki();
    let lotl = lotl_for(&p, "https://127.0.0.1/LU.xml");
    let (index, report) = trusted_lists::load_list_set(
        lotl.as_bytes(),
        std::slice::from_ref(&p.lotl_cert),
        &[("LU".into(), p.national.clone().into_bytes())],
        &trusted_lists::XmlLimits::default(),
    )
    .unwrap();
    assert_eq!(report.accepted, vec!["LU".to_string()]);
    let policy = Policy::new(TrustRegistry::demo().unwrap())
        .with_network(NetworkPolicy::offline())
        .with_trusted_lists(Arc::new(index));
    let sealed = sealed_with(&p, &p.seal_cert);

    let (status, msg) = trust_of(&sealed, &policy, t(2026, 1, 15));
    println!("{status:?}: {msg}");
    assert_eq!(status, CheckStatus::Ok, "{msg}");
    assert_eq!(msg, "qualified electronic seal of Université Exemple (VATLU-87654321), certificate from Test Trust Services SA (LU)");

    let (status, msg) = trust_of(&sealed, &policy, t(2026, 7, 1));
    println!("{status:?}: {msg}");
    assert_ne!(status, CheckStatus::Ok);
    assert!(msg.contains("withdrawn"), "{msg}");

    let (status, msg) = trust_of(&sealed_with(&p, &p.plain_cert), &policy, t(2026, 1, 15));
    println!("{status:?}: {msg}");
    assert_ne!(status, CheckStatus::Ok);
    assert!(
        msg.contains("QcCompliance") && msg.contains("not a qualified certificate"),
        "{msg}"
    );

    // Lists configured but never refreshed: unavailable, said so.
    let dir = temp_dir("empty");
    let empty = TrustedListsConfig {
        cache_dir: Some(dir.join("cache")),
        pinned_certificates: Some(dir.join("missing.pem")),
        ..TrustedListsConfig::default()
    };
    let policy = policy.clone().with_trusted_lists(empty.index().unwrap());
    let (status, msg) = trust_of(&sealed, &policy, t(2026, 1, 15));
    println!("{status:?}: {msg}");
    assert_ne!(status, CheckStatus::Ok);
    assert!(
        msg.contains("unavailable") && msg.contains("pinned_certificates"),
        "{msg}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn settings_come_from_toml_and_environment_and_bad_ones_are_named() {
    let c = verifier::service::config::ServiceConfig::from_toml_str(
        "[trusted_lists]\ncache_dir = \"tl-cache\"\nmax_list_bytes = 1000000\n",
    )
    .unwrap();
    assert_eq!(c.trusted_lists.cache_dir, Some(PathBuf::from("tl-cache")));
    assert_eq!(c.trusted_lists.max_list_bytes, 1_000_000);
    assert_eq!(c.trusted_lists.lotl_url, verifier::eidas::DEFAULT_LOTL_URL);
    let env = |k: &str, v: &str| {
        std::collections::HashMap::from([(
            format!("ENHANCE_VERIFIER_TRUSTED_LISTS_{k}"),
            v.to_string(),
        )])
    };
    let c = verifier::service::config::ServiceConfig::load_with_env(
        None,
        &env("LOTL_URL", "https://lotl.example/eu.xml"),
    )
    .unwrap();
    assert_eq!(c.trusted_lists.lotl_url, "https://lotl.example/eu.xml");
    let e = verifier::service::config::ServiceConfig::load_with_env(
        None,
        &env("MAX_LIST_BYTES", "lots"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("max_list_bytes"), "{e}");
    let e = TrustedListsConfig::default()
        .pinned()
        .unwrap_err()
        .to_string();
    assert!(e.contains("pinned_certificates"), "{e}");
}

#[test]
fn cli_trust_refresh_then_show() {
    let p = pki();
    let server = Server::start();
    let lu_url = server.put("/LU.xml", p.national.clone());
    let lotl_url = server.put("/lotl.xml", lotl_for(&p, &lu_url));
    let dir = temp_dir("cli");
    let cfg = config(&dir, lotl_url.clone(), &p);
    let cache = cfg.cache_dir.clone().unwrap();
    let pinned = cfg.pinned_certificates.clone().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_verifier"))
            .args(args)
            .env_remove("ENHANCE_VERIFIER_TRUSTED_LISTS_CACHE_DIR")
            .output()
            .unwrap()
    };
    let (c, pn) = (cache.to_str().unwrap(), pinned.to_str().unwrap());
    let refresh = |extra: &[&str]| {
        let mut args = vec!["trust", "refresh", "--cache", c, "--lotl-url", &lotl_url];
        args.extend(["--pinned", pn]);
        args.extend(extra);
        run(&args)
    };
    let out = refresh(&["--allow-local-network"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("\"LU\""), "{stdout}");
    let out = run(&["trust", "show", "--cache", c, "--pinned", pn]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 qualified CA/QC services indexed"),
        "{stdout}"
    );
    // Without --allow-local-network the loopback address is refused and the set is kept.
    let out = refresh(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("last good set is kept"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
