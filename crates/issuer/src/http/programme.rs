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
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiError, AppState, Auth, JsonBody, Typed};
use crate::app::api::{
    CertificateProblem, CertificateRequestBody, DoesNotStackProblem, IssuedCredential, Problem,
    ProgrammeVersion,
};
use crate::app::ProgrammeCertificate;
use crate::domain::programme::CertificateRequest;

/// The programme routes (merged into [`super::api_routes`]).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(add_programme, get_programme))
        .routes(routes!(certificate))
}

/// Add a new version of a programme specification (never overwrites).
///
/// The caller's university must be the programme's lead university.
#[utoipa::path(post, path = "/programmes/{id}", tag = "specifications", security(("bearer" = [])),
    params(("id" = String, Path, description = "1-200 characters of [A-Za-z0-9._-]")),
    request_body(content = Object, content_type = "application/json",
        description = "Programme specification (elm_model::programme::ProgrammeSpec): leadUniversity, certificateProfile, learningOpportunity (type programme, units with university and component obligatory|elective), rules {minElectiveUnits, minElectiveEcts, minTotalEcts}, primaryLanguage; example: examples/stack/programme.json"),
    responses(
        (status = 201, description = "Stored", body = ProgrammeVersion),
        (status = 422, description = "Not a valid programme specification, or another lead university", body = Problem, content_type = "application/problem+json")))]
async fn add_programme(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<ProgrammeVersion>), ApiError> {
    let v = s.app.add_programme(&p, &id, &body).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// The latest version of a programme specification of the caller's university.
#[utoipa::path(get, path = "/programmes/{id}", tag = "specifications", security(("bearer" = [])),
    params(("id" = String, Path, description = "The programme's id")),
    responses(
        (status = 200, description = "The latest version", body = ProgrammeVersion),
        (status = 404, description = "No such programme", body = Problem, content_type = "application/problem+json")))]
async fn get_programme(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<ProgrammeVersion>, ApiError> {
    Ok(Json(s.app.programme(&p, &id).await?))
}

/// Programme certificate on request.
///
/// Checks that the unit credentials stack (`verifier::stack`) and issues the programme
/// micro-credential with each unit credential as evidence.
#[utoipa::path(post, path = "/programmes/{id}/certificates", tag = "awards", security(("bearer" = [])),
    params(("id" = String, Path, description = "The programme's id")),
    request_body = CertificateRequestBody,
    responses(
        (status = 201, description = "Issued", body = IssuedCredential),
        (status = 404, description = "No such programme", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A validation problem, or (type urn:enhance-credentials:problem:does-not-stack) the units do not stack: the stackReport says why", body = CertificateProblem, content_type = "application/problem+json")))]
async fn certificate(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    Typed(request): Typed<CertificateRequest>,
) -> Result<Response, ApiError> {
    match s.app.issue_programme_certificate(&p, &id, &request).await? {
        ProgrammeCertificate::Issued(issued) => {
            Ok((StatusCode::CREATED, Json(IssuedCredential::from(*issued))).into_response())
        }
        ProgrammeCertificate::DoesNotStack(report) => {
            let problem = DoesNotStackProblem::of(&report);
            let content_type = [(header::CONTENT_TYPE, "application/problem+json")];
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                content_type,
                Json(problem),
            )
                .into_response())
        }
    }
}
