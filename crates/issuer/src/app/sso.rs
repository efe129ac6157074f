//! OpenID Connect single sign-on of console staff (issue #18 item 1): per-university settings
//! (`[sso.universities.<id>]`), the provider's metadata (OpenID Connect Discovery 1.0 §4, cached),
//! the authorization code flow (OpenID Connect Core 1.0 §3.1) with PKCE `S256` (RFC 7636 §4),
//! `state` (RFC 6749 §10.12) and `nonce` (Core §3.1.2.1) kept in a short-lived HMAC-signed cookie,
//! the token request with `client_secret_basic` or `client_secret_post` (Core §9, RFC 6749
//! §4.1.3), ID token validation (Core §3.1.3.7: signature against the provider's JWKS, `iss`,
//! `aud`/`azp`, `exp`/`iat` with the App clock and a small skew, `nonce`), and the claim-to-role
//! mapping (a claim such as `groups` whose values name roles; no role, no sign-in).
//!
//! Outbound HTTP (discovery, JWKS, token endpoint) goes through the verifier's guarded
//! [`verifier::fetch::Fetcher`]: https only, no private, loopback or link-local address, a total
//! deadline and a response size cap per request; loopback over plain http only with the TEST-only
//! `sso.allow_local_network`. Client secrets never appear in logs, errors or responses (their
//! `Debug` is redacted); learner or staff personal data is not logged either (ids only).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::{Map, Value};
use service_kit::config::{require, ConfigError, Env};
use sha2::{Digest, Sha256};
use verifier::fetch::{FetchError, Fetcher};
use verifier::NetworkPolicy;

use super::App;
use crate::domain::Role;

/// A secret setting: compared like a string, never shown by `Debug`.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "\"***\"" })
    }
}

/// How the client authenticates at the token endpoint (OpenID Connect Core 1.0 §9).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenAuth {
    /// HTTP Basic with the URL-encoded client id and secret (RFC 6749 §2.3.1), the default.
    #[default]
    ClientSecretBasic,
    /// `client_id` and `client_secret` in the form body.
    ClientSecretPost,
}

/// Single sign-on settings (`[sso]`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SsoConfig {
    /// TEST ONLY: identity providers on loopback over plain http (never in production).
    /// `ENHANCE_ISSUER_SSO_ALLOW_LOCAL_NETWORK`.
    pub allow_local_network: bool,
    /// Seconds one request to an identity provider may take (connect, TLS, answer).
    /// `ENHANCE_ISSUER_SSO_TIMEOUT_SECS`.
    pub timeout_secs: u64,
    /// Seconds the provider metadata and JWKS are reused (a signing key not found in the cached
    /// JWKS makes it be fetched again at once). `ENHANCE_ISSUER_SSO_METADATA_TTL_SECS`.
    pub metadata_ttl_secs: u64,
    /// Seconds of clock difference tolerated on `exp` and `iat` of ID tokens.
    /// `ENHANCE_ISSUER_SSO_CLOCK_SKEW_SECS`.
    pub clock_skew_secs: u64,
    /// Seconds between leaving for the provider and coming back (the state cookie's lifetime, and
    /// the largest age of an ID token's `iat`). `ENHANCE_ISSUER_SSO_LOGIN_LIFETIME_SECS`.
    pub login_lifetime_secs: u64,
    /// The universities with single sign-on, by university id.
    pub universities: BTreeMap<String, SsoUniversity>,
}

impl Default for SsoConfig {
    fn default() -> Self {
        Self {
            allow_local_network: false,
            timeout_secs: 10,
            metadata_ttl_secs: 3600,
            clock_skew_secs: 60,
            login_lifetime_secs: 600,
            universities: BTreeMap::new(),
        }
    }
}

/// One university's identity provider (`[sso.universities.<id>]`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsoUniversity {
    /// The provider's issuer identifier (https URL; its metadata is at
    /// `{issuer}/.well-known/openid-configuration`). `ENHANCE_ISSUER_SSO_<ID>_ISSUER`.
    pub issuer: String,
    /// Our client id at the provider. `ENHANCE_ISSUER_SSO_<ID>_CLIENT_ID`.
    pub client_id: String,
    /// The client secret (better: `client_secret_file`, or the environment variable).
    /// `ENHANCE_ISSUER_SSO_<ID>_CLIENT_SECRET`.
    #[serde(default)]
    pub client_secret: Secret,
    /// A file holding the client secret (surrounding white space ignored); wins over
    /// `client_secret`. `ENHANCE_ISSUER_SSO_<ID>_CLIENT_SECRET_FILE`.
    #[serde(default)]
    pub client_secret_file: Option<PathBuf>,
    /// Token endpoint authentication: `client_secret_basic` (default) or `client_secret_post`.
    #[serde(default)]
    pub token_auth: TokenAuth,
    /// Scopes requested (`openid` is always sent).
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// The ID token claim whose values map to roles (a string or an array of strings; a dotted
    /// path such as `realm_access.roles` reaches into objects).
    #[serde(default = "default_role_claim")]
    pub role_claim: String,
    /// Claim value → roles (`issue`, `revoke`, `admin`); values not listed give no role.
    pub roles: BTreeMap<String, Vec<String>>,
    /// The claim shown as the staff member's name (falls back to `sub`).
    #[serde(default = "default_name_claim")]
    pub display_name_claim: String,
}

fn default_scopes() -> Vec<String> {
    ["openid", "profile", "email"].map(String::from).to_vec()
}

fn default_role_claim() -> String {
    "groups".into()
}

fn default_name_claim() -> String {
    "name".into()
}

impl SsoConfig {
    /// Applies the `ENHANCE_ISSUER_SSO_*` overrides (per university: `ENHANCE_ISSUER_SSO_<ID>_*`
    /// with the id upper-cased and `-` as `_`, for universities of the `[sso.universities]` table).
    pub fn apply_env(&mut self, env: Env<'_>) -> Result<(), ConfigError> {
        env.parse(
            "ENHANCE_ISSUER_SSO_ALLOW_LOCAL_NETWORK",
            &mut self.allow_local_network,
        )?;
        env.parse("ENHANCE_ISSUER_SSO_TIMEOUT_SECS", &mut self.timeout_secs)?;
        let ttl = "ENHANCE_ISSUER_SSO_METADATA_TTL_SECS";
        env.parse(ttl, &mut self.metadata_ttl_secs)?;
        env.parse(
            "ENHANCE_ISSUER_SSO_CLOCK_SKEW_SECS",
            &mut self.clock_skew_secs,
        )?;
        let life = "ENHANCE_ISSUER_SSO_LOGIN_LIFETIME_SECS";
        env.parse(life, &mut self.login_lifetime_secs)?;
        for (id, u) in &mut self.universities {
            let prefix = format!(
                "ENHANCE_ISSUER_SSO_{}_",
                id.to_ascii_uppercase().replace('-', "_")
            );
            let var = |name: &str| env.get(&format!("{prefix}{name}"));
            if let Some(v) = var("ISSUER") {
                v.clone_into(&mut u.issuer);
            }
            if let Some(v) = var("CLIENT_ID") {
                v.clone_into(&mut u.client_id);
            }
            if let Some(v) = var("CLIENT_SECRET") {
                u.client_secret = Secret(v.to_owned());
            }
            if let Some(v) = var("CLIENT_SECRET_FILE") {
                u.client_secret_file = (!v.is_empty()).then(|| PathBuf::from(v));
            }
        }
        Ok(())
    }

    /// Checks ranges and each university's settings (errors name the setting and the rule).
    pub fn check(&self) -> Result<(), ConfigError> {
        for (setting, value) in [
            ("sso.timeout_secs", self.timeout_secs),
            ("sso.login_lifetime_secs", self.login_lifetime_secs),
        ] {
            require(value >= 1, setting, "must be at least 1")?;
        }
        for (id, u) in &self.universities {
            let bad = |message: String| ConfigError::invalid("sso.universities", message);
            let https = u.issuer.starts_with("https://")
                || (self.allow_local_network && u.issuer.starts_with("http://"));
            if !https || url::Url::parse(&u.issuer).is_err() {
                return Err(bad(format!(
                    "{id}.issuer must be an https URL (http only with allow_local_network)"
                )));
            }
            if u.client_id.is_empty() {
                return Err(bad(format!("{id}.client_id must not be empty")));
            }
            if u.client_secret.0.is_empty() && u.client_secret_file.is_none() {
                return Err(bad(format!(
                    "{id}: set client_secret_file, client_secret or ENHANCE_ISSUER_SSO_<ID>_CLIENT_SECRET"
                )));
            }
            if u.roles.is_empty() {
                return Err(bad(format!("{id}.roles must map at least one claim value")));
            }
            for (value, roles) in &u.roles {
                if let Some(r) = roles.iter().find(|r| Role::parse(r).is_none()) {
                    return Err(bad(format!(
                        "{id}.roles.{value}: unknown role {r:?} (issue, revoke, admin)"
                    )));
                }
            }
        }
        Ok(())
    }
}

/// Why a single sign-on failed. Messages name the step and the rule; never a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SsoError {
    /// The university has no single sign-on.
    #[error("university {0:?} has no single sign-on configured")]
    NotConfigured(String),
    /// The client secret could not be read at start-up.
    #[error("sso.universities.{university}.client_secret_file: {reason}")]
    Secret {
        /// The university.
        university: String,
        /// Why (the file name and the I/O error, never its content).
        reason: String,
    },
    /// The identity provider could not be reached, or answered wrongly.
    #[error("identity provider: {0}")]
    Provider(String),
    /// The provider sent the browser back with an error (RFC 6749 §4.1.2.1).
    #[error("the identity provider refused the sign-in: {0}")]
    Refused(String),
    /// `state` or the state cookie is missing, wrong, expired or of another university.
    #[error("state: {0}")]
    State(String),
    /// The ID token was refused (Core §3.1.3.7).
    #[error("ID token: {0}")]
    IdToken(String),
    /// The staff account of this identity is disabled.
    #[error("{0}")]
    Disabled(String),
    /// Storing the staff account failed (details logged, not shown).
    #[error("staff account: {0}")]
    Account(String),
    /// The claims give no role of the console.
    #[error("claim {claim:?} has no value mapped to a console role")]
    NoRole {
        /// The role claim.
        claim: String,
    },
}

impl From<FetchError> for SsoError {
    fn from(e: FetchError) -> Self {
        SsoError::Provider(e.to_string())
    }
}

/// The provider metadata the flow uses (OpenID Connect Discovery 1.0 §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderMetadata {
    /// `issuer`, equal to the configured one.
    pub issuer: String,
    /// Where the browser is sent.
    pub authorization_endpoint: String,
    /// Where the code is exchanged.
    pub token_endpoint: String,
    /// The provider's signing keys.
    pub jwks_uri: String,
}

/// Parses discovery metadata: `issuer` must be `expected_issuer` exactly (Discovery §4.3), the
/// three endpoints present, and `S256` among `code_challenge_methods_supported` when listed.
pub fn parse_metadata(body: &[u8], expected_issuer: &str) -> Result<ProviderMetadata, SsoError> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| SsoError::Provider(format!("metadata is not JSON: {e}")))?;
    let text = |member: &str| {
        v.get(member)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| SsoError::Provider(format!("metadata has no {member}")))
    };
    let issuer = text("issuer")?;
    if issuer != expected_issuer {
        return Err(SsoError::Provider(format!(
            "metadata issuer {issuer:?} is not the configured issuer {expected_issuer:?} (Discovery §4.3)"
        )));
    }
    if let Some(methods) = v
        .get("code_challenge_methods_supported")
        .and_then(Value::as_array)
    {
        if !methods.iter().any(|m| m.as_str() == Some("S256")) {
            return Err(SsoError::Provider(
                "code_challenge_methods_supported lacks S256 (PKCE, RFC 7636)".into(),
            ));
        }
    }
    Ok(ProviderMetadata {
        issuer,
        authorization_endpoint: text("authorization_endpoint")?,
        token_endpoint: text("token_endpoint")?,
        jwks_uri: text("jwks_uri")?,
    })
}

/// What an ID token must show (OpenID Connect Core 1.0 §3.1.3.7).
#[derive(Debug, Clone)]
pub struct IdTokenExpect<'a> {
    /// The provider's issuer.
    pub issuer: &'a str,
    /// Our client id (`aud`, `azp`).
    pub client_id: &'a str,
    /// The nonce sent with the authorization request.
    pub nonce: &'a str,
    /// Now, from the App clock.
    pub now: DateTime<Utc>,
    /// Tolerated clock difference, seconds.
    pub skew_secs: i64,
    /// Largest age of `iat`, seconds.
    pub max_age_secs: i64,
}

/// Verifies `id_token` against the JWKS `jwks` and `expect`; the claims on success.
/// `Err(IdToken)` names the failed rule; a signature that no key of the JWKS verifies is
/// "no key" (the caller may fetch the JWKS again once: key rotation).
pub fn verify_id_token(
    id_token: &str,
    jwks: &Value,
    expect: &IdTokenExpect<'_>,
) -> Result<Map<String, Value>, SsoError> {
    let bad = |m: String| SsoError::IdToken(m);
    let jws = proofs::jose::decode_compact(id_token).map_err(|e| bad(e.to_string()))?;
    let alg = jws.algorithm().map_err(|e| bad(e.to_string()))?;
    let kid = jws.header.get("kid").and_then(Value::as_str);
    let keys = jwks
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("the provider's JWKS has no \"keys\" array".into()))?;
    let verified = keys
        .iter()
        .filter(|k| kid.is_none_or(|kid| k.get("kid").and_then(Value::as_str) == Some(kid)))
        .filter(|k| k.get("use").and_then(Value::as_str) != Some("enc"))
        .filter(|k| {
            k.get("alg")
                .and_then(Value::as_str)
                .is_none_or(|a| a == alg.jose_name())
        })
        .filter_map(|k| proofs::jose::public_key_from_jwk(k).ok())
        .any(|key| jws.verify(&key).is_ok());
    if !verified {
        return Err(bad(format!(
            "no key of the provider's JWKS verifies the {} signature (kid {})",
            alg.jose_name(),
            kid.unwrap_or("none")
        )));
    }
    let claims = jws.payload_json().map_err(|e| bad(e.to_string()))?;
    check_claims(&claims, expect)?;
    Ok(claims)
}

/// The claim checks of Core §3.1.3.7 steps 2-3 and 9-11.
fn check_claims(claims: &Map<String, Value>, expect: &IdTokenExpect<'_>) -> Result<(), SsoError> {
    let bad = |m: String| Err(SsoError::IdToken(m));
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    if text("iss") != Some(expect.issuer) {
        return bad(format!(
            "iss is not the provider's issuer {:?}",
            expect.issuer
        ));
    }
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !audiences.contains(&expect.client_id) {
        return bad(format!(
            "aud does not contain our client id {:?}",
            expect.client_id
        ));
    }
    let azp = text("azp");
    if azp.is_some_and(|a| a != expect.client_id) || (audiences.len() > 1 && azp.is_none()) {
        return bad("azp must be our client id when present or when aud has several values".into());
    }
    let now = expect.now.timestamp();
    let number = |name: &str| claims.get(name).and_then(Value::as_i64);
    let Some(exp) = number("exp") else {
        return bad("exp is missing or not a number".into());
    };
    if now > exp.saturating_add(expect.skew_secs) {
        return bad(format!("expired: exp {exp} is before now {now}"));
    }
    let Some(iat) = number("iat") else {
        return bad("iat is missing or not a number".into());
    };
    if iat > now.saturating_add(expect.skew_secs) {
        return bad(format!("iat {iat} is in the future (now {now})"));
    }
    if now.saturating_sub(iat) > expect.max_age_secs.saturating_add(expect.skew_secs) {
        return bad(format!("iat {iat} is too old (now {now})"));
    }
    if !text("nonce").is_some_and(|n| constant_time_eq(n.as_bytes(), expect.nonce.as_bytes())) {
        return bad("nonce is not the one of this sign-in".into());
    }
    if text("sub").is_none_or(str::is_empty) {
        return bad("sub is missing".into());
    }
    Ok(())
}

/// The console roles of `claims` under `u`'s mapping (union, in the order issue, revoke, admin).
pub fn map_roles(claims: &Map<String, Value>, u: &SsoUniversity) -> Vec<Role> {
    let mut path = u.role_claim.split('.');
    let mut value = path.next().and_then(|first| claims.get(first));
    for step in path {
        value = value.and_then(|v| v.get(step));
    }
    let values: Vec<&str> = match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let granted: Vec<Role> = values
        .iter()
        .filter_map(|v| u.roles.get(*v))
        .flatten()
        .filter_map(|r| Role::parse(r))
        .collect();
    [Role::Issue, Role::Revoke, Role::Admin]
        .into_iter()
        .filter(|r| granted.contains(r))
        .collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The token request's form body and `Authorization` header (RFC 6749 §4.1.3 with the PKCE
/// `code_verifier`, RFC 7636 §4.5; client authentication per `u.token_auth`, RFC 6749 §2.3.1).
fn token_request(
    u: &SsoUniversity,
    secret: &Secret,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> (String, Option<String>) {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("grant_type", "authorization_code")
        .append_pair("code", code)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("code_verifier", verifier);
    let authorization = match u.token_auth {
        TokenAuth::ClientSecretBasic => {
            let enc =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let pair = format!("{}:{}", enc(&u.client_id), enc(&secret.0));
            let b64 = base64::engine::general_purpose::STANDARD.encode(pair);
            Some(format!("Basic {b64}"))
        }
        TokenAuth::ClientSecretPost => {
            form.append_pair("client_id", &u.client_id)
                .append_pair("client_secret", &secret.0);
            None
        }
    };
    (form.finish(), authorization)
}

/// A sign-in in progress, carried by the signed state cookie.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Pending {
    /// The university.
    pub university: String,
    /// `state` sent to the provider.
    pub state: String,
    /// `nonce` sent to the provider.
    pub nonce: String,
    /// The PKCE code verifier.
    pub verifier: String,
    /// The console path to return to.
    pub next: String,
    /// Interface language tag.
    pub lang: String,
    /// Unix time after which the cookie is refused.
    pub expires: i64,
}

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8], data: &[u8]) -> Vec<u8> {
    match HmacSha256::new_from_slice(key) {
        Ok(mut m) => {
            m.update(data);
            m.finalize().into_bytes().to_vec()
        }
        // HMAC takes keys of any length; unreachable, and an empty tag never verifies.
        Err(_) => Vec::new(),
    }
}

/// `base64url(JSON) . base64url(HMAC-SHA256)` of `p` under `key`.
pub fn seal(key: &[u8], p: &Pending) -> String {
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(p).unwrap_or_default());
    let tag = URL_SAFE_NO_PAD.encode(mac(key, body.as_bytes()));
    format!("{body}.{tag}")
}

/// The pending sign-in of a sealed cookie value: the HMAC must verify and `expires` be after `now`.
pub fn unseal(key: &[u8], cookie: &str, now: DateTime<Utc>) -> Result<Pending, SsoError> {
    let bad = |m: &str| SsoError::State(m.to_owned());
    let (body, tag) = cookie
        .split_once('.')
        .ok_or_else(|| bad("the sign-in cookie is malformed"))?;
    let tag = URL_SAFE_NO_PAD
        .decode(tag)
        .map_err(|_| bad("the sign-in cookie is malformed"))?;
    let expected = mac(key, body.as_bytes());
    if expected.is_empty() || !constant_time_eq(&tag, &expected) {
        return Err(bad("the sign-in cookie's signature does not verify"));
    }
    let json = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| bad("the sign-in cookie is malformed"))?;
    let p: Pending =
        serde_json::from_slice(&json).map_err(|_| bad("the sign-in cookie is malformed"))?;
    if now.timestamp() > p.expires {
        return Err(bad("the sign-in took too long; start again"));
    }
    Ok(p)
}

/// 32 random bytes, base64url (43 characters: `state`, `nonce`, PKCE verifier, RFC 7636 §4.1).
fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// The running single sign-on: settings, resolved client secrets, the guarded fetcher.
#[derive(Debug, Default)]
pub struct Sso {
    config: SsoConfig,
    secrets: HashMap<String, Secret>,
    fetcher: Fetcher,
    policy: NetworkPolicy,
}

impl Sso {
    /// Resolves the client secrets (files read now) of `config`.
    pub fn new(config: SsoConfig) -> Result<Self, SsoError> {
        let mut secrets = HashMap::new();
        for (id, u) in &config.universities {
            let secret = match &u.client_secret_file {
                Some(file) => std::fs::read_to_string(file)
                    .map(|s| Secret(s.trim().to_owned()))
                    .map_err(|e| SsoError::Secret {
                        university: id.clone(),
                        reason: format!("{}: {e}", file.display()),
                    })?,
                None => u.client_secret.clone(),
            };
            secrets.insert(id.clone(), secret);
        }
        let timeout = Duration::from_secs(config.timeout_secs.max(1));
        let base = if config.allow_local_network {
            NetworkPolicy::local_testing()
        } else {
            NetworkPolicy::default()
        };
        let policy = NetworkPolicy {
            connect_timeout: timeout,
            timeout,
            max_response_bytes: 256 * 1024,
            ..base
        };
        Ok(Self {
            config,
            secrets,
            fetcher: Fetcher::default(),
            policy,
        })
    }

    /// The settings.
    pub fn config(&self) -> &SsoConfig {
        &self.config
    }

    /// The university ids with single sign-on.
    pub fn universities(&self) -> impl Iterator<Item = &str> {
        self.config.universities.keys().map(String::as_str)
    }

    fn university(&self, id: &str) -> Result<(&SsoUniversity, &Secret), SsoError> {
        match (self.config.universities.get(id), self.secrets.get(id)) {
            (Some(u), Some(s)) => Ok((u, s)),
            _ => Err(SsoError::NotConfigured(id.to_owned())),
        }
    }

    /// The key of `university`'s state cookies (derived from its client secret).
    fn cookie_key(&self, university: &str, secret: &Secret) -> Vec<u8> {
        mac(
            secret.0.as_bytes(),
            format!("enhance-console-sso-state/v1/{university}").as_bytes(),
        )
    }

    /// GETs `url` through the guarded fetcher, off the async runtime (the fetcher blocks), reusing a
    /// body younger than `metadata_ttl_secs`.
    async fn fetch(self: &Arc<Self>, url: String, now: DateTime<Utc>) -> Result<Vec<u8>, SsoError> {
        let sso = Arc::clone(self);
        let ttl = Duration::from_secs(sso.config.metadata_ttl_secs);
        let body = tokio::task::spawn_blocking(move || {
            sso.fetcher
                .get(&url, &sso.policy, ttl, now, "application/json")
        })
        .await
        .map_err(|e| SsoError::Provider(format!("fetch task: {e}")))??;
        Ok(body.as_ref().clone())
    }

    async fn metadata(
        self: &Arc<Self>,
        u: &SsoUniversity,
        now: DateTime<Utc>,
    ) -> Result<ProviderMetadata, SsoError> {
        let url = format!(
            "{}/.well-known/openid-configuration",
            u.issuer.trim_end_matches('/')
        );
        parse_metadata(&self.fetch(url, now).await?, &u.issuer)
    }
}

/// Where to send the browser to sign in at the provider, and the state cookie to set.
#[derive(Debug, Clone)]
pub struct SsoStart {
    /// The authorization request URL.
    pub location: String,
    /// The sealed [`Pending`] (cookie value).
    pub cookie: String,
    /// Seconds the cookie lives.
    pub max_age: u64,
}

/// The provider's redirect back to us (RFC 6749 §4.1.2, RFC 9207 `iss`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SsoCallback {
    /// The authorization code.
    pub code: Option<String>,
    /// The state.
    pub state: Option<String>,
    /// An error code (RFC 6749 §4.1.2.1).
    pub error: Option<String>,
    /// Its description.
    pub error_description: Option<String>,
    /// The issuer (RFC 9207), checked when present.
    pub iss: Option<String>,
}

/// A staff member signed in through single sign-on.
#[derive(Debug, Clone)]
pub struct SsoSignedIn {
    /// The staff account.
    pub account_id: String,
    /// The console path to return to.
    pub next: String,
    /// Interface language tag chosen before leaving.
    pub lang: String,
}

impl App {
    /// Sets the single sign-on (config `sso`).
    pub fn with_sso(mut self, sso: Sso) -> Self {
        self.sso = Arc::new(sso);
        self
    }

    /// The single sign-on.
    pub fn sso(&self) -> &Sso {
        &self.sso
    }

    /// The redirect URI of `university` (registered at its provider).
    pub fn sso_redirect_uri(&self, university: &str) -> String {
        format!("{}/console/sso/{university}/callback", self.base_url)
    }

    /// Starts a sign-in at `university`'s provider (authorization request with PKCE `S256`,
    /// `state`, `nonce`; Core §3.1.2.1); `next` is the console path to return to (the caller
    /// checks it is one).
    pub async fn sso_start(
        &self,
        university: &str,
        next: &str,
        lang: &str,
    ) -> Result<SsoStart, SsoError> {
        let (u, secret) = self.sso.university(university)?;
        let meta = self.sso.metadata(u, self.now()).await?;
        let endpoint = url::Url::parse(&meta.authorization_endpoint)
            .map_err(|e| SsoError::Provider(format!("authorization_endpoint: {e}")))?;
        let insecure = endpoint.scheme() != "https";
        if insecure && !self.sso.config.allow_local_network {
            return Err(SsoError::Provider(
                "authorization_endpoint must be an https URL".into(),
            ));
        }
        let max_age = self.sso.config.login_lifetime_secs;
        let pending = Pending {
            university: university.to_owned(),
            state: random_token(),
            nonce: random_token(),
            verifier: random_token(),
            next: next.to_owned(),
            lang: lang.to_owned(),
            expires: self.now().timestamp().saturating_add_unsigned(max_age),
        };
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(pending.verifier.as_bytes()));
        let mut scopes = vec!["openid".to_owned()];
        scopes.extend(u.scopes.iter().filter(|s| *s != "openid").cloned());
        let mut location = endpoint;
        location
            .query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &u.client_id)
            .append_pair("redirect_uri", &self.sso_redirect_uri(university))
            .append_pair("scope", &scopes.join(" "))
            .append_pair("state", &pending.state)
            .append_pair("nonce", &pending.nonce)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        let cookie = seal(&self.sso.cookie_key(university, secret), &pending);
        tracing::info!(%university, "console single sign-on started");
        Ok(SsoStart {
            location: location.into(),
            cookie,
            max_age,
        })
    }

    /// Finishes a sign-in: checks `state` against the cookie, exchanges the code, verifies the ID
    /// token, maps its claims to roles and creates or updates the staff account.
    pub async fn sso_finish(
        &self,
        university: &str,
        callback: &SsoCallback,
        cookie: Option<&str>,
    ) -> Result<SsoSignedIn, SsoError> {
        let (u, secret) = self.sso.university(university)?;
        let cookie = cookie.ok_or_else(|| {
            SsoError::State("no sign-in cookie: start the sign-in from the console".into())
        })?;
        let pending = unseal(&self.sso.cookie_key(university, secret), cookie, self.now())?;
        let state = callback.state.as_deref().unwrap_or_default();
        if pending.university != university
            || !constant_time_eq(state.as_bytes(), pending.state.as_bytes())
        {
            return Err(SsoError::State(
                "state does not match this browser's sign-in".into(),
            ));
        }
        if let Some(error) = &callback.error {
            let description = callback.error_description.as_deref().unwrap_or_default();
            return Err(SsoError::Refused(
                format!("{error} {description}").trim().into(),
            ));
        }
        if callback.iss.as_deref().is_some_and(|i| i != u.issuer) {
            return Err(SsoError::State(
                "iss is not the configured provider (RFC 9207)".into(),
            ));
        }
        let code = callback
            .code
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| SsoError::Refused("the provider sent no code".into()))?;
        let meta = self.sso.metadata(u, self.now()).await?;
        let id_token = self
            .sso_token(university, u, secret, &meta, code, &pending)
            .await?;
        let claims = self.sso_verify(u, &meta, &id_token, &pending.nonce).await?;
        let roles = map_roles(&claims, u);
        if roles.is_empty() {
            tracing::warn!(%university, "single sign-on refused: no role in the mapped claim");
            return Err(SsoError::NoRole {
                claim: u.role_claim.clone(),
            });
        }
        let text = |name: &str| claims.get(name).and_then(Value::as_str);
        let subject = text("sub").unwrap_or_default();
        let name = text(&u.display_name_claim).unwrap_or(subject);
        let account_id = self
            .upsert_sso_account(university, &u.issuer, subject, name, text("email"), &roles)
            .await
            .map_err(|e| match e {
                crate::domain::DomainError::Forbidden(m) => SsoError::Disabled(m),
                other => SsoError::Account(other.to_string()),
            })?;
        tracing::info!(%university, account = %account_id, "console single sign-on succeeded");
        Ok(SsoSignedIn {
            account_id,
            next: pending.next,
            lang: pending.lang,
        })
    }

    /// The token request (RFC 6749 §4.1.3 with the PKCE `code_verifier`); the `id_token`.
    async fn sso_token(
        &self,
        university: &str,
        u: &SsoUniversity,
        secret: &Secret,
        meta: &ProviderMetadata,
        code: &str,
        pending: &Pending,
    ) -> Result<String, SsoError> {
        let redirect_uri = self.sso_redirect_uri(university);
        let (body, authorization) =
            token_request(u, secret, code, &redirect_uri, &pending.verifier);
        let (sso, endpoint) = (Arc::clone(&self.sso), meta.token_endpoint.clone());
        let answer = tokio::task::spawn_blocking(move || {
            sso.fetcher
                .post_form(&endpoint, &sso.policy, body, authorization)
        })
        .await
        .map_err(|e| SsoError::Provider(format!("token request task: {e}")))?
        .map_err(|e| SsoError::Provider(format!("token request: {e}")))?;
        let v: Value = serde_json::from_slice(&answer)
            .map_err(|e| SsoError::Provider(format!("token response is not JSON: {e}")))?;
        v.get("id_token")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| SsoError::Provider("the token response has no id_token".into()))
    }

    /// Verifies the ID token against the provider's JWKS (fetched again once when no cached key
    /// verifies it: the provider may have rotated its keys).
    async fn sso_verify(
        &self,
        u: &SsoUniversity,
        meta: &ProviderMetadata,
        id_token: &str,
        nonce: &str,
    ) -> Result<Map<String, Value>, SsoError> {
        let c = &self.sso.config;
        let expect = IdTokenExpect {
            issuer: &u.issuer,
            client_id: &u.client_id,
            nonce,
            now: self.now(),
            skew_secs: i64::try_from(c.clock_skew_secs).unwrap_or(i64::MAX),
            max_age_secs: i64::try_from(c.login_lifetime_secs).unwrap_or(i64::MAX),
        };
        let jwks = |body: Vec<u8>| {
            serde_json::from_slice::<Value>(&body)
                .map_err(|e| SsoError::Provider(format!("JWKS is not JSON: {e}")))
        };
        let url = meta.jwks_uri.clone();
        let cached = jwks(self.sso.fetch(url.clone(), expect.now).await?)?;
        match verify_id_token(id_token, &cached, &expect) {
            Err(SsoError::IdToken(m)) if m.starts_with("no key") => {
                // Forget the cached documents (metadata too: it may have changed with the keys).
                self.sso.fetcher.clear();
                let fresh = jwks(self.sso.fetch(url, expect.now).await?)?;
                verify_id_token(id_token, &fresh, &expect)
            }
            other => other,
        }
    }
}
