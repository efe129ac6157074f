//! Programme endpoints of the issuer service (stackability; MS18 §7.4): thin handlers over
//! [`crate::app::App`].
//!
//! - `POST /programmes/{id}` a programme specification (`elm_model::programme::ProgrammeSpec`;
//!   the caller's university must be its lead university) → 201 `{id, version, programme}`;
//!   versions are appended, never overwritten;
//! - `GET /programmes/{id}` → the latest version `{id, version, programme}`;
//! - `POST /programmes/{id}/certificates` `{"units": [<unit credential> | {"confirmedBy":
//!   "coordinator", "specificationId", "grade"?, "period"?}], "learner"?: {...}, "grade"?}` → 201 `{id,
//!   shareUrl, verifiableCredential}` when the units stack; 422 problem JSON
//!   (`urn:enhance-credentials:problem:does-not-stack`) carrying the `stackReport` when they do
//!   not (or could not be checked). Every endpoint needs the `issue` role of the lead university.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::{ApiError, AppState, Auth, JsonBody};
use crate::app::ProgrammeCertificate;

/// The programme routes (merged into [`super::router`]).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/programmes/{id}", post(add_programme).get(get_programme))
        .route("/programmes/{id}/certificates", post(certificate))
}

async fn add_programme(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let v = s.app.add_programme(&p, &id, &body).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

async fn get_programme(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (version, spec) = s.app.programme(&p, &id).await?;
    Ok(Json(
        json!({"id": id, "version": version, "programme": spec}),
    ))
}

async fn certificate(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    match s.app.issue_programme_certificate(&p, &id, &body).await? {
        ProgrammeCertificate::Issued(issued) => Ok((
            StatusCode::CREATED,
            Json(json!({"id": issued.id, "shareUrl": issued.share_url, "verifiableCredential": issued.credential})),
        )
            .into_response()),
        ProgrammeCertificate::DoesNotStack(report) => {
            let problem = json!({
                "type": "urn:enhance-credentials:problem:does-not-stack",
                "title": "The unit credentials do not stack towards the programme",
                "status": 422,
                "detail": report.problems.join("; "),
                "stackReport": report,
            });
            let mut res = (StatusCode::UNPROCESSABLE_ENTITY, Json(problem)).into_response();
            res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
            Ok(res)
        }
    }
}
