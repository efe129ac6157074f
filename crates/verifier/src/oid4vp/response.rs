//! The wallet's response (OpenID4VP 1.0 §8: `vp_token` keyed by DCQL credential query id, `direct_post` and `direct_post.jwt`) and its verification with the full credential checks.
//!
//! Two steps, so the service can answer the wallet quickly and verify on the blocking pool:
//! 1. [`accept`] (§8.2, §8.3, §14.1): the form fields of `POST {response_uri}`. For a
//!    `direct_post.jwt` request the `response` JWE is decrypted with the request's ephemeral key
//!    ([`super::jwe`]) and `vp_token` / `state` are read from its plaintext; a `direct_post`
//!    request takes them from the form. Then the store's single-use gate
//!    ([`RequestStore::begin_response`]): unknown, expired, replayed (already answered) and
//!    wrong-`state` responses are refused, each with its own [`ResponseError::code`]. A wallet's
//!    error response (§8.5: `error`) answers the request with that error.
//! 2. [`verify_response`] (§8.1, §8.6, §14.1): every presentation of `vp_token` (a JSON object
//!    from credential query id to a non-empty array of presentations) is verified with this
//!    library's full checks (proof, status, expiry, trust, awarding body, format):
//!    - `dc+sd-jwt`: [`crate::sd_jwt_vc::verify_sd_jwt_vc`], Key Binding JWT required, `nonce` =
//!      the request's nonce, `aud` = the full `client_id` with its prefix (§B.3.6);
//!    - `ldp_vc`: the Verifiable Presentation with a Data Integrity proof,
//!      [`crate::verify_presentation`] with `challenge` = nonce and `domain` = `client_id`
//!      (§B.1.3.2.2), each credential in it fully checked;
//!    - `jwt_vc_json`: the holder's `jwt_vp_json` VP JWT ([`super::jwt_vp`]: signature by the
//!      holder's did:jwk / did:key or `jwk`, `nonce` = the request's nonce, `aud` = `client_id`,
//!      `iat` window; §B.1.3.1), then every VC-JWT in it with [`crate::verify`] and bound to
//!      the holder (`credentialSubject.id` = the VP's signer: `holder-mismatch` otherwise);
//!    - other formats: refused as unsupported (`unsupported-format`).
//!
//!    Each credential is then matched against its DCQL credential query
//!    ([`super::matching`]); the required queries / `credential_sets` must be answered. The
//!    result names every problem with its own code ([`ResponseProblem::code`]): `wrong-nonce`,
//!    `wrong-audience`, `tampered-disclosure`, `credential-tampered`, `credential-revoked`,
//!    `credential-invalid`, `credential-indeterminate`, `dcql-mismatch`, `missing-credentials`,
//!    `unsupported-format`, `invalid-presentation`, `holder-mismatch`, `bad-signature`,
//!    `unresolved-key`, `wallet-error`. A stackability request
//!    ([`RequestPurpose::Stack`]) also runs [`crate::check_stack_with`] on the presented units.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use proofs::sd_jwt::KeyBindingRules;

use super::jwe::{self, JweError};
use super::jwt_vp;
use super::matching::{self, Presented};
use super::store::{
    PendingRequest, PresentationResult, PresentedCredential, RequestPurpose, RequestStore,
    ResponseMode, ResponseProblem, StoreError,
};
use crate::clock::Clock;
use crate::policy::Policy;
use crate::presentation::{PresentationOptions, ProblemCode};
use crate::report::{CheckKind, CheckStatus, Report, Verdict};
use crate::sd_jwt_vc::{verify_sd_jwt_vc, SdJwtVcOptions};

/// The form fields of a response (`application/x-www-form-urlencoded`, §8.2, §8.3, §8.5).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "service", derive(utoipa::ToSchema))]
pub struct ResponseForm {
    /// `direct_post`: the VP Token, a JSON object keyed by credential query id (§8.1).
    #[serde(default)]
    pub vp_token: Option<String>,
    /// `direct_post`: the request's `state`.
    #[serde(default)]
    pub state: Option<String>,
    /// `direct_post.jwt`: the encrypted response (compact JWE, §8.3).
    #[serde(default)]
    pub response: Option<String>,
    /// An error response of the wallet (§8.5), e.g. `access_denied`.
    #[serde(default)]
    pub error: Option<String>,
    /// The wallet's description of its error.
    #[serde(default)]
    pub error_description: Option<String>,
}

/// Why a response was refused before verification; each has its own [`code`](Self::code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResponseError {
    /// No such request (never created, or deleted after its retention time).
    #[error(
        "unknown request: it never existed or its result was deleted after the retention time"
    )]
    UnknownRequest,
    /// The request expired before the response arrived.
    #[error("the request expired before this response arrived (expires_at)")]
    Expired,
    /// The request was already answered: a response is accepted once (§14.1).
    #[error("replayed response: this request was already answered, a response is accepted once (OpenID4VP 1.0 §14.1)")]
    Replayed,
    /// `state` is missing or not the request's.
    #[error("state: missing or not the state of this request (OpenID4VP 1.0 §8.2)")]
    StateMismatch,
    /// A form field or the decrypted payload breaks a rule.
    #[error("{field}: {rule}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// The rule.
        rule: String,
    },
    /// The encrypted response could not be decrypted.
    #[error("response: {0}")]
    Jwe(#[from] JweError),
}

impl ResponseError {
    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownRequest => "unknown-request",
            Self::Expired => "expired-request",
            Self::Replayed => "replayed-response",
            Self::StateMismatch => "state-mismatch",
            Self::Invalid { .. } => "invalid-response",
            Self::Jwe(_) => "invalid-jwe",
        }
    }

    fn invalid(field: &'static str, rule: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            rule: rule.into(),
        }
    }
}

impl From<StoreError> for ResponseError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Expired => Self::Expired,
            StoreError::AlreadyAnswered => Self::Replayed,
            StoreError::StateMismatch => Self::StateMismatch,
            StoreError::Unknown | StoreError::Full(_) | StoreError::Random(_) => {
                Self::UnknownRequest
            }
        }
    }
}

/// What an accepted response carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The VP Token (a JSON object keyed by credential query id).
    VpToken(Map<String, Value>),
    /// The wallet's error (§8.5): `error` and its description.
    WalletError(String, Option<String>),
}

/// `vp_token`, `state`, `error`, `error_description` of a decrypted `direct_post.jwt` payload.
fn fields_of_payload(payload: Map<String, Value>) -> Result<ResponseForm, ResponseError> {
    let text = |name: &'static str| -> Result<Option<String>, ResponseError> {
        match payload.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            // §8.3: in the JWE payload the VP Token is the JSON object itself.
            Some(v @ Value::Object(_)) if name == "vp_token" => Ok(Some(v.to_string())),
            Some(_) => Err(ResponseError::invalid(name, "not a string")),
        }
    };
    Ok(ResponseForm {
        vp_token: text("vp_token")?,
        state: text("state")?,
        response: None,
        error: text("error")?,
        error_description: text("error_description")?,
    })
}

/// The VP Token: a JSON object of credential query id → non-empty array (§8.1).
fn parse_vp_token(text: &str) -> Result<Map<String, Value>, ResponseError> {
    let v = strict_json::from_str(text)
        .map_err(|e| ResponseError::invalid("vp_token", format!("not JSON: {e}")))?;
    let Value::Object(map) = v else {
        return Err(ResponseError::invalid(
            "vp_token",
            "not a JSON object keyed by DCQL credential query id (OpenID4VP 1.0 §8.1)",
        ));
    };
    if map.is_empty() {
        return Err(ResponseError::invalid("vp_token", "no presentation"));
    }
    for (id, items) in &map {
        if items.as_array().is_none_or(|a| a.is_empty()) {
            return Err(ResponseError::invalid(
                "vp_token",
                format!("the value of {id:?} is not a non-empty array of presentations (OpenID4VP 1.0 §8.1)"),
            ));
        }
    }
    Ok(map)
}

/// Step 1: reads the response of request `id` and passes the store's single-use gate. The
/// request is answered afterwards (a second response is [`ResponseError::Replayed`]); on an
/// error before the gate (undecryptable, wrong `state`) it stays pending.
pub fn accept(
    store: &RequestStore,
    id: &str,
    form: ResponseForm,
    now: DateTime<Utc>,
) -> Result<(PendingRequest, Answer), ResponseError> {
    let mode = store
        .get(id, now)
        .map(|r| (r.response_mode, r.encryption_key));
    let fields = match (mode, form.response) {
        // Unknown, expired or answered: the gate says which.
        (None, _) => form_without_response(form.state),
        (Some((ResponseMode::DirectPostJwt, key)), Some(jwe)) => {
            let key = key.ok_or_else(|| {
                ResponseError::invalid("response", "this request has no encryption key")
            })?;
            fields_of_payload(jwe::decrypt(&jwe, &key)?.payload)?
        }
        (Some((ResponseMode::DirectPostJwt, _)), None) => {
            return Err(ResponseError::invalid(
                "response",
                "missing: this request asked for response_mode direct_post.jwt, the response must be encrypted (OpenID4VP 1.0 §8.3)",
            ))
        }
        (Some((ResponseMode::DirectPost, _)), Some(_)) => {
            return Err(ResponseError::invalid(
                "response",
                "this request asked for response_mode direct_post: send vp_token and state as form fields (OpenID4VP 1.0 §8.2)",
            ))
        }
        (Some((ResponseMode::DirectPost, _)), None) => ResponseForm {
            response: None,
            ..form
        },
    };
    // Validate before the gate, so that a malformed response does not use up the request.
    let answer = match (&fields.error, &fields.vp_token) {
        (Some(e), _) => Answer::WalletError(e.clone(), fields.error_description.clone()),
        (None, Some(t)) => Answer::VpToken(parse_vp_token(t)?),
        (None, None) if store.get(id, now).is_some() => {
            return Err(ResponseError::invalid(
                "vp_token",
                "missing (OpenID4VP 1.0 §8.1)",
            ))
        }
        (None, None) => Answer::VpToken(Map::new()),
    };
    let request = store.begin_response(id, fields.state.as_deref(), now)?;
    Ok((request, answer))
}

fn form_without_response(state: Option<String>) -> ResponseForm {
    ResponseForm {
        state,
        ..ResponseForm::default()
    }
}

/// What the verification of the presentations collects.
#[derive(Default)]
struct Tally {
    credentials: Vec<PresentedCredential>,
    problems: Vec<ResponseProblem>,
    /// Credential query ids answered (with presentations, matching or not).
    answered: Vec<String>,
    /// Unit credentials (JSON bytes) for a stackability request.
    units: Vec<Vec<u8>>,
}

impl Tally {
    fn problem(&mut self, code: &str, message: impl Into<String>) {
        self.problems.push(ResponseProblem {
            code: code.to_owned(),
            message: message.into(),
        });
    }
}

/// Step 2: verifies an accepted response of `request` at the clock's time (blocking: it may fetch
/// status lists and DID documents).
pub fn verify_response(
    request: &PendingRequest,
    answer: &Answer,
    policy: &Policy,
    clock: &dyn Clock,
) -> PresentationResult {
    let mut t = Tally::default();
    match answer {
        Answer::WalletError(error, description) => t.problem(
            "wallet-error",
            format!(
                "the wallet answered with the error {error:?}{} (OpenID4VP 1.0 §8.5)",
                description
                    .as_deref()
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default()
            ),
        ),
        Answer::VpToken(token) => {
            for (query_id, items) in token {
                verify_query(request, query_id, items, policy, clock, &mut t);
            }
            let answered: Vec<&str> = t.answered.iter().map(String::as_str).collect();
            if let Some(why) = matching::missing_sets(&request.dcql_query, &answered) {
                t.problem("missing-credentials", why);
            }
        }
    }
    let stack = match &request.purpose {
        RequestPurpose::Stack { programme } => {
            Some(stack_report(programme, &t.units, policy, clock))
        }
        RequestPurpose::Verify => None,
    };
    finish(t, stack, clock.now())
}

/// The presentations filed under one credential query.
fn verify_query(
    request: &PendingRequest,
    query_id: &str,
    items: &Value,
    policy: &Policy,
    clock: &dyn Clock,
    t: &mut Tally,
) {
    let Some(query) = matching::credential_query(&request.dcql_query, query_id) else {
        t.problem(
            "dcql-mismatch",
            format!("vp_token: {query_id:?} is not the id of a credential query of this request (OpenID4VP 1.0 §8.1)"),
        );
        return;
    };
    let items = items.as_array().map(Vec::as_slice).unwrap_or_default();
    let multiple = query
        .get("multiple")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    // Answered (for `credential_sets`): whether its presentations match is reported per
    // presentation (`dcql-mismatch`), not again as a missing credential.
    t.answered.push(query_id.to_owned());
    if items.len() > 1 && !multiple {
        t.problem(
            "dcql-mismatch",
            format!("credential query {query_id:?}: {} presentations, but multiple is not true (OpenID4VP 1.0 §6.1)", items.len()),
        );
    }
    let format = query
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let ctx = QueryCtx {
        request,
        query_id,
        query,
        policy,
        clock,
    };
    for item in items {
        match format {
            "dc+sd-jwt" => verify_sd_jwt(&ctx, item, t),
            "ldp_vc" => verify_ldp_vp(&ctx, item, t),
            "jwt_vc_json" => verify_jwt_vp(&ctx, item, t),
            other => t.problem(
                "unsupported-format",
                format!("credential query {query_id:?}: the format {other:?} is not verified by this service (dc+sd-jwt, ldp_vc and jwt_vc_json are)"),
            ),
        }
    }
}

/// The problems of a credential report: its failed checks and, when only undecided, one
/// `credential-indeterminate`.
fn report_problems(label: &str, report: &Report, t: &mut Tally) {
    for c in &report.checks {
        if c.status != CheckStatus::Failed {
            continue;
        }
        let failed_detail = |name: &str| {
            c.details
                .iter()
                .find(|d| d.name == name && d.status == CheckStatus::Failed)
                .map(|d| d.message.clone())
        };
        let (code, message) = match c.check {
            CheckKind::Revocation => ("credential-revoked", c.message.clone()),
            CheckKind::Proof => match (
                failed_detail("holder-binding"),
                failed_detail("disclosures"),
            ) {
                (_, Some(m)) => ("tampered-disclosure", m),
                (Some(m), None) if m.starts_with("Key Binding JWT nonce") => ("wrong-nonce", m),
                (Some(m), None) if m.starts_with("Key Binding JWT aud") => ("wrong-audience", m),
                (Some(m), None) if m.starts_with("Key Binding JWT sd_hash") => {
                    ("tampered-disclosure", m)
                }
                (Some(m), None) => ("key-binding", m),
                (None, None) => ("credential-tampered", c.message.clone()),
            },
            _ => (
                "credential-invalid",
                format!("{}: {}", c.check.name(), c.message),
            ),
        };
        t.problem(code, format!("{label}: {message}"));
    }
    if report.verdict == Verdict::Indeterminate {
        t.problem(
            "credential-indeterminate",
            format!("{label}: a check could not be performed or the signer is unknown"),
        );
    }
}

/// What the verification of the presentations of one credential query needs.
struct QueryCtx<'a> {
    request: &'a PendingRequest,
    query_id: &'a str,
    query: &'a Map<String, Value>,
    policy: &'a Policy,
    clock: &'a dyn Clock,
}

impl QueryCtx<'_> {
    /// Records a credential that could not even be read (nothing to match; its report says why).
    fn record_unread(&self, format: &str, report: Report, t: &mut Tally) {
        t.credentials.push(PresentedCredential {
            query_id: self.query_id.to_owned(),
            format: format.to_owned(),
            report,
        });
    }

    /// Matches one verified credential against the query and records it.
    fn record(&self, presented: &Presented<'_>, report: Report, t: &mut Tally) {
        if let Some(why) = matching::mismatch(self.query, presented, self.policy) {
            t.problem("dcql-mismatch", why);
        }
        t.credentials.push(PresentedCredential {
            query_id: self.query_id.to_owned(),
            format: presented.format.to_owned(),
            report,
        });
    }
}

fn verify_sd_jwt(c: &QueryCtx<'_>, item: &Value, t: &mut Tally) {
    let label = format!("credential query {:?} (dc+sd-jwt)", c.query_id);
    let Some(text) = item.as_str() else {
        t.problem(
            "invalid-presentation",
            format!("{label}: an SD-JWT VC presentation is a string (OpenID4VP 1.0 §B.3.6)"),
        );
        return;
    };
    let options = SdJwtVcOptions {
        nonce: Some(c.request.nonce.clone()),
        aud: Some(c.request.client_id.clone()),
        require_key_binding: true,
    };
    let report = verify_sd_jwt_vc(text, &options, c.policy, c.clock);
    report_problems(&label, &report, t);
    let Some(disclosed) = report.disclosed.clone() else {
        // Not even the Disclosures verified: nothing to match (the problems say why).
        return c.record_unread("dc+sd-jwt", report, t);
    };
    let claims = Value::Object(disclosed);
    let presented = Presented {
        format: "dc+sd-jwt",
        claims: &claims,
        issuer: claims.get("iss").and_then(Value::as_str),
    };
    c.record(&presented, report, t);
}

/// The kebab-case name of a presentation problem code, with this module's names for the
/// challenge and domain (nonce and audience).
fn vp_code(code: ProblemCode) -> String {
    match code {
        ProblemCode::WrongChallenge => "wrong-nonce".into(),
        ProblemCode::WrongDomain => "wrong-audience".into(),
        other => serde_json::to_value(other)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "invalid-presentation".into()),
    }
}

fn verify_ldp_vp(c: &QueryCtx<'_>, item: &Value, t: &mut Tally) {
    let label = format!("credential query {:?} (ldp_vc)", c.query_id);
    if !item.is_object() {
        t.problem("invalid-presentation", format!("{label}: a W3C presentation with a Data Integrity proof is a JSON object (OpenID4VP 1.0 §B.1.3.2)"));
        return;
    }
    let options = PresentationOptions {
        challenge: Some(c.request.nonce.clone()),
        domain: vec![c.request.client_id.clone()],
        checks: None,
        allow_unsigned: false,
    };
    let report = crate::verify_presentation(item, &options, c.policy, c.clock);
    for p in &report.problems {
        let code = vp_code(p.code);
        t.problem(&code, format!("{label}: {}", p.message));
    }
    let vcs: Vec<&Value> = match item.get("verifiableCredential") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    };
    for (vc, r) in vcs.into_iter().zip(report.credentials) {
        let issuer = match vc.get("issuer") {
            Some(Value::String(s)) => Some(s.as_str()),
            Some(o) => o.get("id").and_then(Value::as_str),
            None => None,
        };
        let presented = Presented {
            format: "ldp_vc",
            claims: vc,
            issuer,
        };
        if let Ok(bytes) = serde_json::to_vec(vc) {
            t.units.push(bytes);
        }
        c.record(&presented, r, t);
    }
}

/// A `jwt_vc_json` presentation: the VP JWT ([`super::jwt_vp`]), then each VC-JWT in it with the
/// full credential checks and its holder binding.
fn verify_jwt_vp(c: &QueryCtx<'_>, item: &Value, t: &mut Tally) {
    let label = format!("credential query {:?} (jwt_vc_json)", c.query_id);
    let Some(text) = item.as_str() else {
        t.problem(
            "invalid-presentation",
            format!("{label}: a jwt_vp_json presentation is a compact JWT string (OpenID4VP 1.0 §B.1.3.1)"),
        );
        return;
    };
    let rules = KeyBindingRules::required(&c.request.nonce, &c.request.client_id, c.clock.now());
    let vp = match jwt_vp::verify_jwt_vp(text, &rules) {
        Ok(vp) => vp,
        Err(p) => return t.problem(p.code, format!("{label}: {}", p.message)),
    };
    for jwt in &vp.credentials {
        let report = crate::verify(jwt.as_bytes(), c.policy, c.clock);
        report_problems(&label, &report, t);
        let Some(vc) = jwt_vp::credential_of(jwt) else {
            // Not even decodable: the report's problems say why; nothing to match.
            c.record_unread("jwt_vc_json", report, t);
            continue;
        };
        if let Err(why) = jwt_vp::holder_bound(&vc, &vp) {
            t.problem("holder-mismatch", format!("{label}: {why}"));
        }
        let presented = Presented {
            format: "jwt_vc_json",
            claims: &vc,
            issuer: proofs::vc_jwt::issuer_id(&vc),
        };
        c.record(&presented, report, t);
    }
}

/// The stackability report of the presented units towards `programme` (as `POST /stack` takes
/// it), as JSON; a programme that cannot be read gives `{"error": …}`.
fn stack_report(programme: &Value, units: &[Vec<u8>], policy: &Policy, clock: &dyn Clock) -> Value {
    let bytes = serde_json::to_vec(programme).unwrap_or_default();
    match crate::stack::Programme::from_slice(&bytes) {
        Ok(p) => {
            let refs: Vec<&[u8]> = units.iter().map(Vec::as_slice).collect();
            let report =
                crate::check_stack_with(&p, &refs, &crate::StackOptions::default(), policy, clock);
            serde_json::to_value(report).unwrap_or_default()
        }
        Err(e) => serde_json::json!({"error": format!("programme: {e}")}),
    }
}

/// The overall verdict: invalid when a problem other than `credential-indeterminate` was found;
/// else indeterminate when one was, or nothing was presented; else valid.
fn finish(t: Tally, stack: Option<Value>, now: DateTime<Utc>) -> PresentationResult {
    let hard = t
        .problems
        .iter()
        .any(|p| p.code != "credential-indeterminate")
        || t.credentials
            .iter()
            .any(|c| c.report.verdict == Verdict::Invalid);
    let verdict = if hard {
        Verdict::Invalid
    } else if !t.problems.is_empty() || t.credentials.is_empty() {
        Verdict::Indeterminate
    } else {
        Verdict::Valid
    };
    PresentationResult {
        verdict,
        credentials: t.credentials,
        stack,
        problems: t.problems,
        completed_at: now,
    }
}
