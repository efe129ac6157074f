//! Credential issuer metadata (OpenID4VCI 1.0 §12.2.4), served at the well-known path with path
//! insertion (§12.2.2: `{base}/.well-known/openid-credential-issuer/universities/{id}`), and
//! authorization server metadata (RFC 8414 §2, at `/.well-known/oauth-authorization-server`
//! inserted the same way, RFC 8414 §3.1), one of each per university.
//!
//! The credential configurations (§12.2.4 `credential_configurations_supported`) are the three
//! forms of one award: [`super::CONFIG_LDP_VC`] (Appendix A.1.2), [`super::CONFIG_JWT_VC_JSON`]
//! (Appendix A.1.1) and [`super::CONFIG_SD_JWT_VC`] (Appendix A.3). Display names are in the
//! certificate languages (en, de, nl, pl, it); the issuer's own `display` lists the university's
//! legal name in each language it has, with its logo ([`logo_svg`]).

use serde_json::{json, Value};

use super::{
    endpoint_url, issuer_identifier, CONFIG_JWT_VC_JSON, CONFIG_LDP_VC, CONFIG_SD_JWT_VC,
    HOLDER_ALGORITHMS, LEARNING_CREDENTIAL_VCT, PRE_AUTHORIZED_GRANT,
};
use crate::app::App;
use crate::domain::DomainError;

/// The display names of the three configurations, per certificate language.
const DISPLAY_NAMES: [(&str, [&str; 3]); 5] = [
    (
        "en",
        [
            "European Digital Credential (JSON-LD, Data Integrity)",
            "European Digital Credential (VC-JWT)",
            "EU learning credential (SD-JWT VC)",
        ],
    ),
    (
        "de",
        [
            "Europäischer digitaler Nachweis (JSON-LD, Data Integrity)",
            "Europäischer digitaler Nachweis (VC-JWT)",
            "EU-Lernnachweis (SD-JWT VC)",
        ],
    ),
    (
        "nl",
        [
            "Europees digitaal credential (JSON-LD, Data Integrity)",
            "Europees digitaal credential (VC-JWT)",
            "EU-leercredential (SD-JWT VC)",
        ],
    ),
    (
        "pl",
        [
            "Europejskie poświadczenie cyfrowe (JSON-LD, Data Integrity)",
            "Europejskie poświadczenie cyfrowe (VC-JWT)",
            "Unijne poświadczenie uczenia się (SD-JWT VC)",
        ],
    ),
    (
        "it",
        [
            "Credenziale digitale europea (JSON-LD, Data Integrity)",
            "Credenziale digitale europea (VC-JWT)",
            "Credenziale di apprendimento UE (SD-JWT VC)",
        ],
    ),
];

/// The ENHANCE blue of the certificates (render crate) as the wallet card's background.
const CARD_BACKGROUND: &str = "#1f3c88";

/// `credential_metadata.display` of configuration `which` (0: ldp_vc, 1: jwt_vc_json, 2: SD-JWT).
fn configuration_display(which: usize, logo: &Value) -> Value {
    Value::Array(
        DISPLAY_NAMES
            .iter()
            .filter_map(|(locale, names)| {
                let name = names.get(which)?;
                Some(json!({
                    "name": name,
                    "locale": locale,
                    "logo": logo,
                    "background_color": CARD_BACKGROUND,
                    "text_color": "#ffffff",
                }))
            })
            .collect(),
    )
}

/// The proof types of every configuration (§12.2.4 `proof_types_supported`): JWT proofs
/// (Appendix F.1) with ES256 or EdDSA holder keys.
fn proof_types() -> Value {
    json!({"jwt": {"proof_signing_alg_values_supported": HOLDER_ALGORITHMS}})
}

/// The three credential configurations; `seal_alg` is the JOSE algorithm of the university's
/// seal (which signs the SD-JWT VC), `None` without a seal (the SD-JWT VC is then not offered).
fn configurations(logo: &Value, seal_alg: Option<&str>) -> Value {
    let edc_types = json!(["VerifiableCredential", "EuropeanDigitalCredential"]);
    let mut configurations = serde_json::Map::new();
    configurations.insert(
        CONFIG_LDP_VC.into(),
        json!({
            "format": "ldp_vc",
            "scope": CONFIG_LDP_VC,
            "credential_definition": {
                "@context": [elm_model::build::VC_V1_CONTEXT, elm_model::build::EDC_AP_CONTEXT],
                "type": edc_types,
            },
            "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
            "cryptographic_binding_methods_supported": ["did:jwk", "did:key"],
            "proof_types_supported": proof_types(),
            "credential_metadata": {"display": configuration_display(0, logo)},
        }),
    );
    configurations.insert(
        CONFIG_JWT_VC_JSON.into(),
        json!({
            "format": "jwt_vc_json",
            "scope": CONFIG_JWT_VC_JSON,
            "credential_definition": {"type": edc_types},
            "credential_signing_alg_values_supported": ["EdDSA"],
            "cryptographic_binding_methods_supported": ["did:jwk", "did:key"],
            "proof_types_supported": proof_types(),
            "credential_metadata": {"display": configuration_display(1, logo)},
        }),
    );
    if let Some(alg) = seal_alg {
        configurations.insert(
            CONFIG_SD_JWT_VC.into(),
            json!({
                "format": "dc+sd-jwt",
                "scope": CONFIG_SD_JWT_VC,
                "vct": LEARNING_CREDENTIAL_VCT,
                "credential_signing_alg_values_supported": [alg],
                "cryptographic_binding_methods_supported": ["jwk"],
                "proof_types_supported": proof_types(),
                "credential_metadata": {"display": configuration_display(2, logo)},
            }),
        );
    }
    Value::Object(configurations)
}

impl App {
    /// Credential issuer metadata of `university` (OpenID4VCI 1.0 §12.2.4).
    pub fn credential_issuer_metadata(&self, university: &str) -> Result<Value, DomainError> {
        let u = self
            .universities()
            .get(university)
            .ok_or_else(|| DomainError::NotFound(format!("university `{university}`")))?;
        let base = self.base_url();
        let issuer = issuer_identifier(base, university);
        let logo_uri = format!("{issuer}/logo.svg");
        // English first: wallets without a matching locale show the first entry.
        let mut names: Vec<(&str, &str)> = u.legal_name.iter().collect();
        names.sort_by_key(|(locale, _)| *locale != "en");
        let display: Vec<Value> = names
            .into_iter()
            .map(|(locale, name)| {
                json!({
                    "name": name,
                    "locale": locale,
                    "logo": {"uri": logo_uri, "alt_text": name},
                })
            })
            .collect();
        let alt = u.legal_name.best("en").unwrap_or(university);
        let logo = json!({"uri": logo_uri, "alt_text": alt});
        let seal_alg = self
            .securer()
            .seal_signer(university)
            .map(|(signer, _)| signer.algorithm().jose_name());
        Ok(json!({
            "credential_issuer": issuer,
            "authorization_servers": [issuer],
            "credential_endpoint": endpoint_url(base, university, "credential"),
            "nonce_endpoint": endpoint_url(base, university, "nonce"),
            "display": display,
            "credential_configurations_supported": configurations(&logo, seal_alg),
        }))
    }

    /// Authorization server metadata of `university` (RFC 8414 §2): the pre-authorized code
    /// grant only, anonymous access (OpenID4VCI 1.0 §12.3), DPoP (RFC 9449 §5.1).
    pub fn authorization_server_metadata(&self, university: &str) -> Result<Value, DomainError> {
        if self.universities().get(university).is_none() {
            return Err(DomainError::NotFound(format!("university `{university}`")));
        }
        let base = self.base_url();
        Ok(json!({
            "issuer": issuer_identifier(base, university),
            "token_endpoint": endpoint_url(base, university, "token"),
            "grant_types_supported": [PRE_AUTHORIZED_GRANT],
            "response_types_supported": [],
            "token_endpoint_auth_methods_supported": ["none"],
            "pre-authorized_grant_anonymous_access_supported": true,
            "dpop_signing_alg_values_supported": HOLDER_ALGORITHMS,
        }))
    }

    /// The university's logo for wallets (`display.logo.uri`): an SVG word mark with its legal
    /// name on the ENHANCE blue, as the certificate's logo placeholder (MS18 Annex 3).
    pub fn university_logo_svg(&self, university: &str) -> Result<String, DomainError> {
        let u = self
            .universities()
            .get(university)
            .ok_or_else(|| DomainError::NotFound(format!("university `{university}`")))?;
        Ok(logo_svg(u.legal_name.best("en").unwrap_or(university)))
    }
}

/// A 240×80 SVG logo: `name` in white on the ENHANCE blue (text escaped).
pub fn logo_svg(name: &str) -> String {
    let name = render::html::escape(name);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="240" height="80" viewBox="0 0 240 80" role="img" aria-label="{name}"><rect width="240" height="80" rx="8" fill="{CARD_BACKGROUND}"/><text x="120" y="46" text-anchor="middle" font-family="sans-serif" font-size="15" font-weight="bold" fill="#ffffff">{name}</text></svg>"##
    )
}
