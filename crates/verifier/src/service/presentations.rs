//! W3C VC-API `POST /presentations/verify` (VC-API §3.3.2 "Verify Presentation"): reads the body
//! `{"verifiablePresentation": {...}, "options": {"challenge", "domain", "checks",
//! "allowUnsigned"}}`, naming the field of each problem (400), and runs
//! [`crate::presentation::verify_presentation`] on the blocking pool. 200 with the
//! [`PresentationReport`] when valid, 422 with it when invalid or indeterminate, as
//! `POST /credentials/verify` answers for credentials.

use axum::extract::State;
use axum::response::Response;
use serde_json::{Map, Value};

use super::{api_doc, outcome_response, parse_checks, ApiError, JsonBody, ServiceState};
use crate::presentation::{PresentationOptions, PresentationReport};
use crate::report::Verdict;

/// Reads `options` of a presentation verification.
fn parse_options(options: Option<&Value>) -> Result<PresentationOptions, ApiError> {
    let empty = Map::new();
    let o = match options {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(o)) => o,
        Some(_) => return Err(ApiError::bad_request("options must be a JSON object")),
    };
    let challenge = match o.get("challenge") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(ApiError::bad_request("options.challenge must be a string")),
    };
    let domain = match o.get("domain") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .map(|d| d.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| ApiError::bad_request("options.domain: every entry must be a string"))?,
        Some(_) => {
            return Err(ApiError::bad_request(
                "options.domain must be a string or an array of strings",
            ))
        }
    };
    let allow_unsigned = match o.get("allowUnsigned") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(ApiError::bad_request(
                "options.allowUnsigned must be a boolean",
            ))
        }
    };
    Ok(PresentationOptions {
        challenge,
        domain,
        checks: parse_checks(o.get("checks"))?,
        allow_unsigned,
    })
}

/// Reads a `POST /presentations/verify` body: the presentation and the options.
pub(crate) fn parse_request(body: Value) -> Result<(Value, PresentationOptions), ApiError> {
    let Value::Object(mut o) = body else {
        return Err(ApiError::bad_request(
            "the body must be a JSON object with a `verifiablePresentation` member",
        ));
    };
    let options = parse_options(o.get("options"))?;
    match o.remove("verifiablePresentation") {
        None | Some(Value::Null) => {
            Err(ApiError::bad_request("verifiablePresentation is required"))
        }
        Some(v @ Value::Object(_)) => Ok((v, options)),
        Some(_) => Err(ApiError::bad_request(
            "verifiablePresentation must be a presentation object (JSON-LD)",
        )),
    }
}

/// Verify a presentation (W3C VC-API §3.3.2).
#[utoipa::path(post, path = "/presentations/verify", tag = "vc-api",
    request_body = api_doc::VerifyPresentationRequest,
    responses(
        (status = 200, description = "Valid: the presentation's proof (authentication, challenge, domain, holder) and every credential in it verified", body = PresentationReport),
        (status = 422, description = "Invalid or indeterminate: `problems` names each reason (wrong-challenge, wrong-domain, missing-proof, bad-signature, credential-tampered, credential-revoked, ...)", body = PresentationReport),
        (status = 400, description = "Malformed request (not JSON, verifiablePresentation missing or not an object, bad options)", body = api_doc::Problem, content_type = "application/problem+json"),
        (status = 408, description = "The body was not received within body_read_timeout_secs", body = api_doc::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body larger than max_body_bytes", body = api_doc::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Content-Type is not application/json or an application/*+json type", body = api_doc::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Per-client rate limit (rate_limit) reached", body = api_doc::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until a request is allowed again"))),
        (status = 503, description = "The memory budget of verifications in flight is exhausted; Retry-After says when to retry", body = api_doc::Problem, content_type = "application/problem+json")))]
pub(crate) async fn verify_presentation(
    State(s): State<ServiceState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let (vp, options) = parse_request(body)?;
    let report = s
        .blocking(move |i| {
            // ADR 0004: without `options.checks`, trust and awarding body are reported, not
            // counted in `verified` (verify_presentation applies named checks itself).
            let policy = match options.checks {
                Some(_) => i.policy.clone(),
                None => i.policy.clone().vc_api_default(),
            };
            crate::presentation::verify_presentation(&vp, &options, &policy, i.clock.as_ref())
        })
        .await?;
    Ok(outcome_response(report.verdict == Verdict::Valid, &report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::CheckKind;
    use serde_json::json;

    fn detail(body: Value) -> String {
        match parse_request(body) {
            Err(e) => format!("{e:?}"),
            Ok(_) => "ok".into(),
        }
    }

    #[test]
    fn requests_name_the_field() {
        assert!(detail(json!([])).contains("verifiablePresentation"));
        assert!(detail(json!({})).contains("verifiablePresentation is required"));
        assert!(detail(json!({"verifiablePresentation": 1})).contains("verifiablePresentation"));
        let vp = json!({"type": "VerifiablePresentation"});
        assert!(
            detail(json!({"verifiablePresentation": vp, "options": {"challenge": 1}}))
                .contains("options.challenge")
        );
        assert!(
            detail(json!({"verifiablePresentation": vp, "options": {"domain": [1]}}))
                .contains("options.domain")
        );
        assert!(
            detail(json!({"verifiablePresentation": vp, "options": {"checks": ["x"]}}))
                .contains("options.checks")
        );
        let (_, o) = parse_request(json!({"verifiablePresentation": vp,
            "options": {"challenge": "c", "domain": "d", "checks": ["proof"], "allowUnsigned": true}}))
        .unwrap();
        assert_eq!(
            o,
            PresentationOptions {
                challenge: Some("c".into()),
                domain: vec!["d".into()],
                checks: Some(vec![CheckKind::Proof]),
                allow_unsigned: true
            }
        );
    }
}
