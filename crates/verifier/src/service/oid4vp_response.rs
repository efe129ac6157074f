//! OpenID4VP 1.0 in the verification service (issue #17): response routes; thin handlers over [`crate::oid4vp`].
//!
//! - `POST /oid4vp/responses/{id}`: the `response_uri` of request `id` (OpenID4VP 1.0 §8.2
//!   `direct_post`, §8.3 `direct_post.jwt`): `application/x-www-form-urlencoded` `vp_token` +
//!   `state`, or `response` (the JWE). [`crate::oid4vp::response::accept`] (single use), then
//!   [`crate::oid4vp::response::verify_response`] on the blocking pool; the result is stored and,
//!   when the request has a webhook, delivered. 200 `{}` once processed (whatever the verdict:
//!   the verdict is the result's); a refused response answers 400 with an OAuth error body
//!   (`error` `invalid_request`, `error_description`) and this service's `code`
//!   (`replayed-response`, `expired-request`, `state-mismatch`, `unknown-request`,
//!   `invalid-response`, `invalid-jwe`); rate-limited per client.
//! - `GET /oid4vp/requests/{id}/result`: 202 `{"state": "pending"}` until answered, 200
//!   `{"state": "completed", …the result}` or `{"state": "expired"}`, 404 when unknown or deleted
//!   after the retention time (`oid4vp.result_retention_secs`). Expired entries are purged on
//!   access and by [`purge_task`] every [`purge_interval`].

use std::time::Duration;

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json, Router};
use serde_json::{json, Value};

use super::{api_doc, ApiError, ServiceState};
use crate::oid4vp::response::{accept, verify_response, ResponseError, ResponseForm};
use crate::oid4vp::store::{PresentationResult, RequestOutcome};

/// The routes (merged into [`super::router`]).
pub(crate) fn routes() -> Router<ServiceState> {
    Router::new().route("/oid4vp/requests/{id}/result", axum::routing::get(result))
}

/// The rate-limited routes (merged into the limited group of [`super::router`]).
pub(crate) fn limited_routes() -> Router<ServiceState> {
    Router::new().route("/oid4vp/responses/{id}", axum::routing::post(response))
}

/// An OAuth error response (RFC 6749 §5.2, OpenID4VP 1.0 §8.2) with this service's `code`.
fn oauth_error(code: &str, description: &str) -> Response {
    let body = json!({"error": "invalid_request", "error_description": description, "code": code});
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

fn refused(e: &ResponseError) -> Response {
    oauth_error(e.code(), &e.to_string())
}

/// The wallet's response to request `id`.
#[utoipa::path(post, path = "/oid4vp/responses/{id}", tag = "oid4vp",
    params(("id" = String, Path, description = "The request id (its response_uri)")),
    request_body(content = ResponseForm, content_type = "application/x-www-form-urlencoded",
        description = "direct_post: vp_token (JSON object keyed by DCQL credential query id) and state; direct_post.jwt: response (compact JWE, ECDH-ES P-256, A128GCM/A256GCM); or a wallet error (error, error_description)"),
    responses(
        (status = 200, description = "Processed: the verdict is in the request's result", body = Object),
        (status = 400, description = "Refused (OAuth error JSON with `code`: replayed-response, expired-request, state-mismatch, unknown-request, invalid-response, invalid-jwe)", body = api_doc::OAuthError),
        (status = 413, description = "Body larger than max_body_bytes", body = api_doc::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Per-client rate limit (rate_limit) reached", body = api_doc::Problem, content_type = "application/problem+json")))]
pub(crate) async fn response(
    State(s): State<ServiceState>,
    Path(id): Path<String>,
    form: Result<Form<ResponseForm>, FormRejection>,
) -> Result<Response, ApiError> {
    let Form(form) = match form {
        Ok(f) => f,
        Err(e) => return Ok(oauth_error("invalid-response", &e.body_text())),
    };
    let now = s.inner.clock.now();
    let (request, answer) = match accept(s.oid4vp_store(), &id, form, now) {
        Ok(accepted) => accepted,
        Err(e) => return Ok(refused(&e)),
    };
    let verify_request = request.clone();
    let result = s
        .blocking(move |i| verify_response(&verify_request, &answer, &i.policy, i.clock.as_ref()))
        .await?;
    s.oid4vp_store().complete(&request.id, result.clone());
    if let Some(url) = request.webhook_url.clone() {
        deliver(&s, url, result_body(&result));
    }
    Ok(Json(json!({})).into_response())
}

/// Delivers the result to the request's webhook in the background (V3's
/// [`crate::oid4vp::webhook::deliver`]); a failure is logged, never the result or the secret.
fn deliver(s: &ServiceState, url: String, body: Value) {
    let Some(policy) = s.oid4vp_webhook() else {
        tracing::warn!("oid4vp: a webhook is set but no webhook policy is configured");
        return;
    };
    tokio::spawn(async move {
        if let Err(e) = crate::oid4vp::webhook::deliver(&url, &body, &policy).await {
            tracing::warn!(error = %e, "oid4vp: webhook delivery failed");
        }
    });
}

/// The result JSON: `state` `completed` and the [`PresentationResult`] members.
fn result_body(result: &PresentationResult) -> Value {
    let mut body = serde_json::to_value(result).unwrap_or_else(|_| json!({}));
    if let Some(o) = body.as_object_mut() {
        o.insert("state".into(), json!("completed"));
    }
    body
}

/// The result of request `id`.
#[utoipa::path(get, path = "/oid4vp/requests/{id}/result", tag = "oid4vp",
    params(("id" = String, Path, description = "The request id")),
    responses(
        (status = 200, description = "Answered (`state` completed, the verdict, each credential's report, the problems, the stack report of a stackability request) or expired (`state` expired)", body = PresentationResult),
        (status = 202, description = "No response yet: `{\"state\": \"pending\"}`", body = Object),
        (status = 404, description = "Unknown, or deleted after the retention time (oid4vp.result_retention_secs)", body = api_doc::Problem, content_type = "application/problem+json")))]
pub(crate) async fn result(
    State(s): State<ServiceState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let now = s.inner.clock.now();
    let store = s.oid4vp_store();
    store.purge(now);
    match store.outcome(&id, now) {
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown-request",
            "Unknown request",
            "no such request: it never existed, or its result was deleted after the retention time (oid4vp.result_retention_secs)",
        )),
        Some(RequestOutcome::Pending) => {
            Ok((StatusCode::ACCEPTED, Json(json!({"state": "pending"}))).into_response())
        }
        Some(RequestOutcome::Expired) => Ok(Json(json!({"state": "expired"})).into_response()),
        Some(RequestOutcome::Completed(r)) => Ok(Json(result_body(&r)).into_response()),
    }
}

/// How often [`purge_task`] runs: a quarter of the retention time, between 1 s and 60 s.
pub(crate) fn purge_interval(retention: chrono::Duration) -> Duration {
    let quarter = retention.num_seconds().max(0) / 4;
    Duration::from_secs(u64::try_from(quarter).unwrap_or(60).clamp(1, 60))
}

/// Deletes expired requests and results past their retention time, every [`purge_interval`],
/// until the runtime stops.
pub(crate) async fn purge_task(s: ServiceState) {
    let mut tick = tokio::time::interval(purge_interval(s.oid4vp_store().retention()));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let deleted = s.oid4vp_store().purge(s.inner.clock.now());
        if deleted > 0 {
            tracing::debug!(deleted, "oid4vp: purged requests and results");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purge_interval_is_bounded() {
        let d = |s| purge_interval(chrono::Duration::seconds(s));
        assert_eq!(d(0), Duration::from_secs(1));
        assert_eq!(d(40), Duration::from_secs(10));
        assert_eq!(d(86_400), Duration::from_secs(60));
    }
}
