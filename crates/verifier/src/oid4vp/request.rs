//! OpenID4VP 1.0 authorization requests (§5) as signed request objects (RFC 9101 JAR, `typ` `oauth-authz-req+jwt`) fetched by `request_uri`, with the client identifier prefixes `x509_san_dns` and `redirect_uri` (§5.9).
//!
//! [`create_request`] makes a [`PendingRequest`] (random id, `state`, `nonce`; the DCQL query of
//! [`super::dcql`]; an ephemeral P-256 key for `direct_post.jwt`) and its [`RequestLinks`]: the
//! `request_uri` the wallet fetches, the same-device link (`openid4vp://?client_id=…&request_uri=…`,
//! §5.10 with `request_uri_method` `get`), the QR code and result URLs. [`request_object`] builds
//! the request object served at the `request_uri`:
//! - `x509_san_dns:<dNSName>` (§5.9.3): a JWS signed ES256 with the verifier's key, header `x5c`
//!   (its certificate chain; the leaf's subjectAltName holds the DNS name);
//! - `redirect_uri:<response_uri>` (§5.9.3, local tests): the request must not be signed, so the
//!   same-device link carries the parameters by value and the `request_uri` serves an unsecured
//!   JWT (`alg` `none`, RFC 9101 §4 / RFC 7519 §6).
//!
//! Request parameters (§5.1, §5.2, §8.2, §8.3): `response_type` `vp_token`, `response_mode`,
//! `response_uri`, `nonce`, `state`, `dcql_query`, `client_metadata` (`vp_formats_supported`;
//! for `direct_post.jwt` the `jwks` with the ephemeral ECDH-ES key and
//! `encrypted_response_enc_values_supported`), `aud` `https://self-issued.me/v2` (§5.8),
//! `iat`, `exp`.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};

use proofs::jose;
use proofs::keys::Algorithm;
use proofs::signer::Signer;

use crate::registry::TrustRegistry;

use super::dcql::{self, CredentialForm, DcqlError, IssuerFilter, QuerySpec, UnitWanted};
use super::store::{random_token, PendingRequest, RequestPurpose, ResponseMode, StoreError};

/// The static `aud` of a request object (OpenID4VP 1.0 §5.8).
pub const SELF_ISSUED_AUDIENCE: &str = "https://self-issued.me/v2";
/// The media type of a request object (RFC 9101 §10.2).
pub const REQUEST_OBJECT_TYPE: &str = "oauth-authz-req+jwt";
/// Content encryption algorithms a `direct_post.jwt` response may use (HAIP: A128GCM, A256GCM).
pub const ENC_VALUES: [&str; 2] = ["A128GCM", "A256GCM"];

/// How the verification service identifies itself to wallets (§5.9).
#[derive(Clone)]
pub enum ClientIdentity {
    /// `x509_san_dns:<dns_name>`: request objects signed ES256, `x5c` = `chain_der`.
    X509SanDns {
        /// A subjectAltName dNSName of the leaf certificate.
        dns_name: String,
        /// The client key (ES256).
        signer: Arc<dyn Signer>,
        /// Leaf first, DER.
        chain_der: Vec<Vec<u8>>,
    },
    /// `redirect_uri:<response_uri>`: unsigned requests (local tests).
    RedirectUri,
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::X509SanDns { dns_name, .. } => write!(f, "x509_san_dns:{dns_name}"),
            Self::RedirectUri => f.write_str("redirect_uri"),
        }
    }
}

/// What [`create_request`] needs of the service's configuration.
#[derive(Debug, Clone)]
pub struct Oid4vpSettings {
    /// The service's public URL, no trailing `/`.
    pub base_url: String,
    /// The client identifier prefix and its key material.
    pub client: ClientIdentity,
    /// How long a request can be answered.
    pub request_lifetime: Duration,
}

/// Why the client key material is unusable (named after the setting).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// The key is not a P-256 PKCS#8 key.
    #[error("oid4vp.client_key_file: {0}")]
    Key(String),
    /// The chain cannot be read or does not fit the key.
    #[error("oid4vp.client_chain_file: {0}")]
    Chain(String),
    /// The DNS name is not in the certificate.
    #[error("oid4vp.client_dns_name: {0}")]
    DnsName(String),
}

impl Oid4vpSettings {
    /// `x509_san_dns` settings from a PKCS#8 PEM key and a PEM chain (leaf first); `dns_name`
    /// must be a subjectAltName dNSName of the leaf (`None`: its first).
    pub fn x509_san_dns(
        base_url: &str,
        key_pem: &str,
        chain_pem: &str,
        dns_name: Option<&str>,
        request_lifetime: Duration,
    ) -> Result<Self, SettingsError> {
        let signer = proofs::signer::signer_from_pkcs8_pem("client", key_pem, Algorithm::Es256)
            .map_err(|e| SettingsError::Key(format!("must be a P-256 (ES256) key: {e}")))?;
        let chain = proofs::certs::certificates_from_pem(chain_pem)
            .map_err(|e| SettingsError::Chain(e.to_string()))?;
        let leaf = chain
            .first()
            .ok_or_else(|| SettingsError::Chain("no certificate".into()))?;
        let leaf_key = proofs::certs::certificate_public_key(leaf)
            .map_err(|e| SettingsError::Chain(e.to_string()))?;
        if leaf_key != signer.public_key() {
            return Err(SettingsError::Chain(
                "the first certificate is not the client key's".into(),
            ));
        }
        let names =
            proofs::certs::dns_names(leaf).map_err(|e| SettingsError::Chain(e.to_string()))?;
        let dns_name = match dns_name {
            Some(n) if names.iter().any(|x| x == n) => n.to_owned(),
            Some(n) => {
                return Err(SettingsError::DnsName(format!(
                    "{n:?} is not a subjectAltName dNSName of the certificate ({})",
                    names.join(", ")
                )))
            }
            None => names.first().cloned().ok_or_else(|| {
                SettingsError::Chain("the certificate has no subjectAltName dNSName".into())
            })?,
        };
        let chain_der = chain
            .iter()
            .map(proofs::certs::certificate_to_der)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| SettingsError::Chain(e.to_string()))?;
        Ok(Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            client: ClientIdentity::X509SanDns {
                dns_name,
                signer: Arc::from(signer),
                chain_der,
            },
            request_lifetime,
        })
    }

    /// `redirect_uri` settings (unsigned requests; local tests).
    pub fn redirect_uri(base_url: &str, request_lifetime: Duration) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            client: ClientIdentity::RedirectUri,
            request_lifetime,
        }
    }

    /// The `client_id` of a request whose response goes to `response_uri`.
    pub fn client_id(&self, response_uri: &str) -> String {
        match &self.client {
            ClientIdentity::X509SanDns { dns_name, .. } => format!("x509_san_dns:{dns_name}"),
            ClientIdentity::RedirectUri => format!("redirect_uri:{response_uri}"),
        }
    }

    /// For `x509_san_dns`: whether the host of the public URL (so of every `response_uri`) is the
    /// client's DNS name, as a wallet that does not know this client requires (OpenID4VP 1.0
    /// §5.9.3: "the FQDN of the `redirect_uri` value MUST match the Client Identifier"). Always
    /// `true` for `redirect_uri`.
    pub fn response_host_matches(&self) -> bool {
        match &self.client {
            ClientIdentity::X509SanDns { dns_name, .. } => reqwest::Url::parse(&self.base_url)
                .ok()
                .and_then(|u| u.host_str().map(|h| h.eq_ignore_ascii_case(dns_name)))
                .unwrap_or(false),
            ClientIdentity::RedirectUri => true,
        }
    }

    /// `response_uri` of request `id` (`POST /oid4vp/responses/{id}`).
    pub fn response_uri(&self, id: &str) -> String {
        format!("{}/oid4vp/responses/{id}", self.base_url)
    }

    /// `request_uri` of request `id`.
    pub fn request_uri(&self, id: &str) -> String {
        format!("{}/oid4vp/requests/{id}/request.jwt", self.base_url)
    }
}

/// What a relying party asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestParams {
    /// Accepted credential forms (at least one).
    pub forms: Vec<CredentialForm>,
    /// Only from these universities (empty: any).
    pub issuers: Vec<IssuerFilter>,
    /// SD-JWT VC claims to disclose (empty: [`dcql::default_claims`]).
    pub claims: Vec<String>,
    /// Stackability: the programme's units (empty: one credential).
    pub units: Vec<UnitWanted>,
    /// Verify, or verify and stack.
    pub purpose: RequestPurpose,
    /// `direct_post` or `direct_post.jwt`.
    pub response_mode: ResponseMode,
    /// Where to deliver the result, if anywhere.
    pub webhook_url: Option<String>,
}

impl Default for RequestParams {
    fn default() -> Self {
        Self {
            forms: CredentialForm::ALL.to_vec(),
            issuers: Vec::new(),
            claims: Vec::new(),
            units: Vec::new(),
            purpose: RequestPurpose::Verify,
            response_mode: ResponseMode::DirectPost,
            webhook_url: None,
        }
    }
}

/// The addresses of a created request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub struct RequestLinks {
    /// The request's id.
    pub id: String,
    /// Where the wallet fetches the request object.
    pub request_uri: String,
    /// The same-device link (`openid4vp://?…`), also the QR code's content.
    pub deep_link: String,
    /// The QR code of `deep_link` (SVG).
    pub qr: String,
    /// The result (poll: 202 while pending).
    pub result_url: String,
    /// After this the request cannot be answered.
    #[cfg_attr(feature = "service", schema(value_type = String, format = DateTime))]
    pub expires_at: DateTime<Utc>,
}

/// Why a request could not be created or served.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The query (forms, claims) is not valid.
    #[error(transparent)]
    Query(#[from] DcqlError),
    /// A parameter is not valid (the message names it).
    #[error("{0}")]
    Invalid(String),
    /// The store refused it (full) or randomness failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Signing the request object failed.
    #[error("signing the request object: {0}")]
    Sign(String),
}

/// Creates request `params`: the pending request to store and its links.
pub fn create_request(
    params: &RequestParams,
    settings: &Oid4vpSettings,
    now: DateTime<Utc>,
) -> Result<(PendingRequest, RequestLinks), RequestError> {
    if let Some(url) = &params.webhook_url {
        check_webhook_url(url)?;
    }
    let dcql_query = dcql::build_query(&QuerySpec {
        forms: params.forms.clone(),
        issuers: params.issuers.clone(),
        claims: params.claims.clone(),
        units: params.units.clone(),
    })?;
    let id = random_token()?;
    let response_uri = settings.response_uri(&id);
    let encryption_key = match params.response_mode {
        ResponseMode::DirectPost => None,
        ResponseMode::DirectPostJwt => Some(p256::SecretKey::random(&mut rand_core::OsRng)),
    };
    let expires_at = now
        .checked_add_signed(settings.request_lifetime)
        .ok_or_else(|| RequestError::Invalid("request lifetime out of range".into()))?;
    let request = PendingRequest {
        state: random_token()?,
        nonce: random_token()?,
        client_id: settings.client_id(&response_uri),
        response_uri,
        response_mode: params.response_mode,
        dcql_query,
        purpose: params.purpose.clone(),
        encryption_key,
        webhook_url: params.webhook_url.clone(),
        created_at: now,
        expires_at,
        id,
    };
    let links = request_links(&request, settings)?;
    Ok((request, links))
}

/// A webhook must be an absolute https URL (http only to loopback, for tests); where it points
/// is checked again when delivering (the guarded outbound policy).
/// The webhook URL rules of [`crate::oid4vp::webhook::validate_webhook_url`] (https, no
/// private addresses), with loopback let through here: whether loopback is allowed is the
/// service's policy, which the API applies before calling [`create_request`] and delivery applies
/// again to the addresses it connects to.
fn check_webhook_url(url: &str) -> Result<(), RequestError> {
    crate::oid4vp::webhook::validate_webhook_url(url, true)
        .map_err(|e| RequestError::Invalid(format!("webhook_url: {e}")))
}

/// The links of `request` (also rebuilt for its QR code).
pub fn request_links(
    request: &PendingRequest,
    settings: &Oid4vpSettings,
) -> Result<RequestLinks, RequestError> {
    let request_uri = settings.request_uri(&request.id);
    let mut deep = reqwest::Url::parse("openid4vp://")
        .map_err(|e| RequestError::Invalid(format!("deep link: {e}")))?;
    {
        let mut q = deep.query_pairs_mut();
        q.append_pair("client_id", &request.client_id);
        match settings.client {
            ClientIdentity::X509SanDns { .. } => {
                q.append_pair("request_uri", &request_uri);
                q.append_pair("request_uri_method", "get");
            }
            ClientIdentity::RedirectUri => {
                // §5.9.3: unsigned, so by value.
                for (name, value) in request_parameters(request, settings)? {
                    if name != "client_id" {
                        let text = match value {
                            Value::String(s) => s,
                            other => other.to_string(),
                        };
                        q.append_pair(&name, &text);
                    }
                }
            }
        }
    }
    let base = &settings.base_url;
    Ok(RequestLinks {
        id: request.id.clone(),
        request_uri,
        deep_link: deep.to_string(),
        qr: format!("{base}/oid4vp/requests/{}/qr.svg", request.id),
        result_url: format!("{base}/oid4vp/requests/{}/result", request.id),
        expires_at: request.expires_at,
    })
}

/// The authorization request parameters of `request` (§5.1, §5.2).
pub fn request_parameters(
    request: &PendingRequest,
    settings: &Oid4vpSettings,
) -> Result<Map<String, Value>, RequestError> {
    let mut p = Map::new();
    p.insert("client_id".into(), json!(request.client_id));
    p.insert("response_type".into(), json!("vp_token"));
    p.insert(
        "response_mode".into(),
        json!(request.response_mode.as_str()),
    );
    p.insert("response_uri".into(), json!(request.response_uri));
    p.insert("nonce".into(), json!(request.nonce));
    p.insert("state".into(), json!(request.state));
    p.insert("dcql_query".into(), request.dcql_query.clone());
    p.insert("client_metadata".into(), client_metadata(request)?);
    if matches!(settings.client, ClientIdentity::X509SanDns { .. }) {
        p.insert("aud".into(), json!(SELF_ISSUED_AUDIENCE));
    }
    Ok(p)
}

/// `client_metadata` (§5.1, §11.1): the formats this verifier accepts and, for
/// `direct_post.jwt`, the response encryption key (§8.3).
fn client_metadata(request: &PendingRequest) -> Result<Value, RequestError> {
    let mut m = Map::new();
    m.insert(
        "vp_formats_supported".into(),
        json!({
            "dc+sd-jwt": {
                "sd-jwt_alg_values": ["ES256", "RS256", "PS256", "EdDSA"],
                "kb-jwt_alg_values": ["ES256", "EdDSA"]
            },
            "ldp_vc": {
                "proof_type_values": ["DataIntegrityProof"],
                "cryptosuite_values": ["eddsa-rdfc-2022", "ecdsa-rdfc-2019"]
            },
            "jwt_vc_json": {"alg_values": ["EdDSA", "ES256"]}
        }),
    );
    if let Some(key) = &request.encryption_key {
        let public = proofs::PublicKey::P256(key.public_key());
        let mut jwk = jose::public_key_to_jwk(&public)
            .map_err(|e| RequestError::Invalid(format!("encryption key: {e}")))?;
        let kid = jose::jwk_thumbprint(&Value::Object(jwk.clone()))
            .map_err(|e| RequestError::Invalid(format!("encryption key: {e}")))?;
        jwk.insert("kid".into(), json!(kid));
        jwk.insert("use".into(), json!("enc"));
        jwk.insert("alg".into(), json!("ECDH-ES"));
        m.insert("jwks".into(), json!({"keys": [jwk]}));
        m.insert(
            "encrypted_response_enc_values_supported".into(),
            json!(ENC_VALUES),
        );
    }
    Ok(Value::Object(m))
}

/// The request object served at the `request_uri` at time `now` (valid until the request
/// expires): signed ES256 with `x5c` for `x509_san_dns`, unsecured (`alg` `none`) for
/// `redirect_uri`.
pub fn request_object(
    request: &PendingRequest,
    settings: &Oid4vpSettings,
    now: DateTime<Utc>,
) -> Result<String, RequestError> {
    let mut claims = request_parameters(request, settings)?;
    claims.insert("iat".into(), json!(now.timestamp()));
    claims.insert("exp".into(), json!(request.expires_at.timestamp()));
    let payload = Value::Object(claims).to_string();
    let mut header = Map::new();
    header.insert("typ".into(), json!(REQUEST_OBJECT_TYPE));
    match &settings.client {
        ClientIdentity::X509SanDns {
            signer, chain_der, ..
        } => {
            header.insert("x5c".into(), jose::x5c_value(chain_der));
            jose::sign_compact(header, payload.as_bytes(), signer.as_ref())
                .map_err(|e| RequestError::Sign(e.to_string()))
        }
        ClientIdentity::RedirectUri => {
            use base64::engine::general_purpose::URL_SAFE_NO_PAD;
            use base64::Engine as _;
            header.insert("alg".into(), json!("none"));
            let h = URL_SAFE_NO_PAD.encode(Value::Object(header).to_string());
            Ok(format!("{h}.{}.", URL_SAFE_NO_PAD.encode(payload)))
        }
    }
}

/// The issuer filter of a university of `registry`, named by its id (`eth`) or one of its DIDs.
pub fn issuer_filter(registry: &TrustRegistry, university: &str) -> Option<IssuerFilter> {
    let key = university.trim();
    let member = registry
        .members
        .iter()
        .find(|m| m.id == key || m.has_did(key))?;
    Some(IssuerFilter {
        dids: member.dids.iter().map(|d| d.id.clone()).collect(),
        names: vec![member.name().to_owned()],
    })
}

/// The units a stackability request asks for: one per unit of the programme specification
/// `programme` (the JSON `POST /stack` takes), each from its university in `registry`.
pub fn programme_units(
    programme: &Value,
    registry: &TrustRegistry,
) -> Result<Vec<UnitWanted>, RequestError> {
    let bad = |why: String| RequestError::Invalid(format!("programme: {why}"));
    let text = programme.to_string();
    let spec = match crate::stack::Programme::from_slice(text.as_bytes()) {
        Ok(crate::stack::Programme::Specification(spec)) => spec,
        Ok(crate::stack::Programme::Credential(_)) => {
            return Err(bad("must be a programme specification (leadUniversity, \
                 learningOpportunity), not a programme credential"
                .into()))
        }
        Err(e) => return Err(bad(e.to_string())),
    };
    spec.outline()
        .units
        .into_iter()
        .map(|u| {
            let issuer = issuer_filter(registry, &u.university).ok_or_else(|| {
                bad(format!(
                    "unit {:?}: university {:?} is not in the trust registry",
                    u.specification_id, u.university
                ))
            })?;
            Ok(UnitWanted {
                specification_id: u.specification_id,
                title: u.title,
                issuer,
                obligatory: u.obligatory,
            })
        })
        .collect()
}
