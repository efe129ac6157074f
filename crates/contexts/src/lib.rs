//! Bundled JSON-LD context documents and the offline loader.
//!
//! Every JSON-LD processor in this project (the canonicalisation behind Data Integrity proofs, the
//! strict toRdf conformance checks, the verifier's format check) resolves `@context` URLs through
//! [`OfflineLoader`]: the documents are compiled into the binary (`documents/`; origin of each in
//! `testdata/SOURCES.md`), each pinned by SHA-256 (`tests/pins.rs`), and an unknown URL is
//! a typed [`UnknownContext`] error. Nothing is ever fetched: a remote context is an attack surface
//! (a context can silently change what a signed credential means) and a liveness dependency.
//!
//! Implements the "document loader" hook of JSON-LD 1.1 Processing Algorithms and API §9.4
//! (LoadDocumentCallback) with a fixed, offline document set, as W3C VC Data Model 2.0 §4.3 and
//! VC Data Integrity §2.4 ("Contexts and Vocabularies") recommend for verifiers.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// Well-known context URLs used throughout the project.
pub mod urls {
    /// W3C VC Data Model 1.1 context; the base of every EDC credential.
    pub const VC_V1: &str = "https://www.w3.org/2018/credentials/v1";
    /// W3C VC Data Model 2.0 context.
    pub const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
    /// VC Data Integrity v2 context (`DataIntegrityProof`, `cryptosuite`, `proofValue`).
    pub const DATA_INTEGRITY_V2: &str = "https://w3id.org/security/data-integrity/v2";
    /// Multikey v1 context, for `Multikey` verification methods in DID documents.
    pub const MULTIKEY_V1: &str = "https://w3id.org/security/multikey/v1";
    /// DID Core v1 context.
    pub const DID_V1: &str = "https://www.w3.org/ns/did/v1";
    /// Bitstring Status List v1.0 context.
    pub const BITSTRING_STATUS_LIST_V1: &str = "https://www.w3.org/ns/credentials/status/v1";
    /// The European Learning Model 3.2 EDC application-profile context, as the EU's EDC uses it.
    pub const EDC_AP: &str = "http://data.europa.eu/snb/model/context/edc-ap";
    /// The same ELM 3.2 context under its https URL.
    pub const EDC_AP_HTTPS: &str = "https://data.europa.eu/snb/model/context/edc-ap";
}

/// One bundled context document.
#[derive(Debug, Clone, Copy)]
pub struct BundledContext {
    /// The URL a document names in its `@context`.
    pub url: &'static str,
    /// File name under `crates/contexts/documents/`.
    pub file: &'static str,
    /// Hex SHA-256 of the exact bytes, as recorded in `testdata/SOURCES.md`.
    pub sha256: &'static str,
    /// The document text.
    pub text: &'static str,
}

macro_rules! bundled {
    ($( $url:expr => $file:literal, $sha:literal; )*) => {
        /// Every bundled context, in a fixed order.
        pub static BUNDLED: &[BundledContext] = &[
            $( BundledContext {
                url: $url,
                file: $file,
                sha256: $sha,
                text: include_str!(concat!("../documents/", $file)),
            }, )*
        ];
    };
}

bundled! {
    urls::VC_V1 => "credentials-v1.jsonld", "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc";
    urls::VC_V2 => "credentials-v2.jsonld", "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734";
    urls::DATA_INTEGRITY_V2 => "data-integrity-v2.jsonld", "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4";
    "https://w3id.org/security/data-integrity/v1" => "data-integrity-v1.jsonld", "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554";
    urls::MULTIKEY_V1 => "multikey-v1.jsonld", "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597";
    urls::DID_V1 => "did-v1.jsonld", "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f";
    "https://www.w3.org/ns/cid/v1" => "cid-v1.jsonld", "ea216ecc1cb02cd39b693dba2250141e270ba0bf95890be107dd9a9e8e43de85";
    urls::BITSTRING_STATUS_LIST_V1 => "bitstring-status-list-v1.jsonld", "fda5add353231e6a6884a46b12e6c75464281900cb348284d9c360f62381d9f7";
    urls::EDC_AP => "edc-ap-elm-3.2.jsonld", "fde0b3fd92e98a8870c173fb98baff361be6dd07e44653a9a5ac6c0fe626b411";
    urls::EDC_AP_HTTPS => "edc-ap-elm-3.2.jsonld", "fde0b3fd92e98a8870c173fb98baff361be6dd07e44653a9a5ac6c0fe626b411";
    "https://www.w3.org/2018/credentials/examples/v1" => "credentials-examples-v1.jsonld", "2070ae4e75bc3b4c2cfe2b8b6e86ec45119672bbb5da283f0399ea96c60a0104";
    "https://www.w3.org/ns/credentials/examples/v2" => "credentials-examples-v2.jsonld", "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c";
    "https://www.w3.org/ns/credentials/undefined-terms/v2" => "credentials-undefined-terms-v2.jsonld", "82dab514ba44eb18f5d1b0f638c5e140c6a556fbfb5089601bdc0fa5eb8b2581";
    "https://w3id.org/security/suites/ed25519-2020/v1" => "ed25519-2020-v1.jsonld", "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588";
    "https://w3id.org/security/jwk/v1" => "jwk-v1.jsonld", "0f14b62f6071aafe00df265770ea0c7508e118247d79b7d861a406d2aa00bece";
    "https://w3id.org/security/v1" => "security-v1.jsonld", "e2d146cd556f6fa5f14996c6f1749667d5a14073fa30f0643990068e2c0b1bac";
    "https://w3id.org/security/v2" => "security-v2.jsonld", "4cb186bc29c08af6e40c58178c22dd84d542f2871a063afed6e648b47abc3cf6";
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json" => "ob-v3p0-context-3.0.0.json", "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10";
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json" => "ob-v3p0-context-3.0.1.json", "d582f3564282fb3b709136d28412e78e70b678b4dbc2f0221f67d84932748355";
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json" => "ob-v3p0-context-3.0.2.json", "00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53";
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" => "ob-v3p0-context-3.0.3.json", "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761";
    "https://w3id.org/citizenship/v1" => "citizenship-v1.jsonld", "9ffdc9e92801959e8f7416744aca720d06e0a4702dd83043c02c74700c161d93";
    "https://w3id.org/citizenship/v2" => "citizenship-v2.jsonld", "4b50a8580f99ddb2df2ad94e93eee1725f6c185a34306e1c98f4d631b160a9fc";
    "https://w3id.org/citizenship/v3" => "citizenship-v3.jsonld", "b8fa8872d5af1686f13c1d17a663a78334a93becba1407c41548f10b515ad7fa";
    "https://w3id.org/citizenship/v4rc1" => "citizenship-v4rc1.jsonld", "5038c7383afd7ab2158f1b997913a8f60978a0abcf96e0b0d08e29f146d2db1e";
    "https://www.w3.org/ns/odrl.jsonld" => "odrl.jsonld", "bb55ab32bc6041c6ef723cbce89510128a4dfb9bec6024777240791b112c8b6c";
}

/// A context URL that is not bundled. Never resolved over the network.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown JSON-LD context `{url}`: only bundled contexts are allowed (no context is ever fetched)")]
pub struct UnknownContext {
    /// The URL that was asked for.
    pub url: String,
}

/// A bundled context that failed to parse as JSON (would mean a corrupted build).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The URL is not bundled.
    #[error(transparent)]
    Unknown(#[from] UnknownContext),
    /// The bundled text is not valid JSON.
    #[error("bundled context `{url}` is not valid JSON: {reason}")]
    Corrupt { url: String, reason: String },
}

/// Looks up a bundled context by its exact URL (no normalisation: `http` and `https` are distinct,
/// as they are to a JSON-LD processor).
pub fn bundled(url: &str) -> Result<&'static BundledContext, UnknownContext> {
    BUNDLED
        .iter()
        .find(|c| c.url == url)
        .ok_or_else(|| UnknownContext {
            url: url.to_owned(),
        })
}

/// Offline document loader: the bundled contexts, parsed once, plus optional extra documents a
/// caller registers (tests use this for the W3C conformance suites' own context files).
///
/// Cheap to clone; parsed documents are shared.
#[derive(Debug, Clone, Default)]
pub struct OfflineLoader {
    extra: Arc<HashMap<String, Arc<serde_json::Value>>>,
}

fn parsed_bundled() -> &'static HashMap<&'static str, Result<Arc<serde_json::Value>, String>> {
    static PARSED: OnceLock<HashMap<&'static str, Result<Arc<serde_json::Value>, String>>> =
        OnceLock::new();
    PARSED.get_or_init(|| {
        BUNDLED
            .iter()
            .map(|c| {
                let doc = serde_json::from_str(c.text)
                    .map(Arc::new)
                    .map_err(|e| e.to_string());
                (c.url, doc)
            })
            .collect()
    })
}

impl OfflineLoader {
    /// A loader over the bundled contexts only.
    pub fn new() -> Self {
        Self::default()
    }

    /// A loader that also serves `documents` (URL → JSON document). Bundled URLs cannot be
    /// overridden: a bundled URL in `documents` is ignored, so a test cannot weaken a pin.
    pub fn with_documents<I>(documents: I) -> Self
    where
        I: IntoIterator<Item = (String, serde_json::Value)>,
    {
        let extra = documents
            .into_iter()
            .filter(|(url, _)| bundled(url).is_err())
            .map(|(url, doc)| (url, Arc::new(doc)))
            .collect();
        Self {
            extra: Arc::new(extra),
        }
    }

    /// Returns the parsed document for `url`.
    pub fn load(&self, url: &str) -> Result<Arc<serde_json::Value>, LoadError> {
        if let Some(result) = parsed_bundled().get(url) {
            return result.clone().map_err(|reason| LoadError::Corrupt {
                url: url.to_owned(),
                reason,
            });
        }
        self.extra.get(url).cloned().ok_or_else(|| {
            UnknownContext {
                url: url.to_owned(),
            }
            .into()
        })
    }

    /// Returns the document text for a bundled `url` (the exact pinned bytes).
    pub fn load_text(&self, url: &str) -> Result<&'static str, UnknownContext> {
        bundled(url).map(|c| c.text)
    }

    /// Whether `url` resolves (bundled or registered).
    pub fn knows(&self, url: &str) -> bool {
        parsed_bundled().contains_key(url) || self.extra.contains_key(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_context_is_a_typed_error() {
        let err = OfflineLoader::new()
            .load("https://example.com/evil-context")
            .unwrap_err();
        assert_eq!(
            err,
            LoadError::Unknown(UnknownContext {
                url: "https://example.com/evil-context".into()
            })
        );
        assert!(err.to_string().contains("no context is ever fetched"));
    }

    #[test]
    fn http_and_https_edc_ap_are_both_bundled_and_identical() {
        let loader = OfflineLoader::new();
        let http = loader.load(urls::EDC_AP).unwrap();
        let https = loader.load(urls::EDC_AP_HTTPS).unwrap();
        assert_eq!(http, https);
        assert!(http["@context"]["hasClaim"].is_object());
    }

    #[test]
    fn extra_documents_cannot_override_bundled_ones() {
        let loader = OfflineLoader::with_documents([
            (urls::VC_V1.to_owned(), serde_json::json!({"@context": {}})),
            (
                "https://example.org/ctx".to_owned(),
                serde_json::json!({"@context": {"a": "urn:a"}}),
            ),
        ]);
        assert!(loader.load(urls::VC_V1).unwrap()["@context"]["VerifiableCredential"].is_object());
        assert_eq!(
            loader.load("https://example.org/ctx").unwrap()["@context"]["a"],
            "urn:a"
        );
        assert!(loader.knows("https://example.org/ctx"));
        assert!(!OfflineLoader::new().knows("https://example.org/ctx"));
    }

    #[test]
    fn lookup_is_exact() {
        assert!(bundled("https://www.w3.org/2018/credentials/v1/").is_err());
        assert!(bundled("HTTPS://www.w3.org/2018/credentials/v1").is_err());
    }
}
