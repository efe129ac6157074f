//! Credential offers (OpenID4VCI 1.0 §4.1, issue #16): staff endpoints that create offers for one
//! credential or a batch, and the public `credential_offer_uri` endpoint; thin handlers over
//! [`crate::oid4vci::offers`].
//!
//! - `POST /credentials/{id}/offers` `{txCode?, credentialConfigurationIds?}` → 201 with the offer
//!   (its `credentialOfferUri`, `deepLink`, and the PIN shown this once), role `issue`;
//! - `POST /offers/batch` `{credentialIds?, batchKey?, txCode?, credentialConfigurationIds?}` →
//!   200 with one result per credential;
//! - `GET /universities/{id}/offers/{offer_id}` → the credential offer object (§4.1.3, public:
//!   the unguessable reference is the secret; `Cache-Control: no-store`);
//! - `POST /share/{token}/wallet` → the learner's "Add to your EU wallet" page (HTML, no
//!   JavaScript: the QR code of the deep link, the same-device link and the PIN, shown once).
//!
//! The two public routes are served under the share links' per-client rate limit
//! (`limits.public_rate_limit`, [`public_routes`]).

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiError, AppState, Auth, Typed};
use crate::app::api::Problem;
use crate::oid4vci::offers::{BatchOfferRequest, BatchOfferResponse, CreatedOffer, OfferRequest};

/// The staff offer routes (merged into [`super::api_routes`]).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_offer))
        .routes(routes!(create_offers))
}

/// The public offer routes (merged into the share-link routes, under their rate limit).
pub fn public_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(credential_offer))
        .routes(routes!(share_wallet_offer))
}

fn no_store(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Offer a credential to the learner's wallet (OpenID4VCI 1.0 pre-authorized code flow).
///
/// A credential of the caller's university (role `issue`; another university's answers like an
/// unknown id). The pre-authorized code is single-use and expires after
/// `oid4vci.offers.code_lifetime_secs`; with `txCode` (default) the response carries the 6-digit
/// PIN, shown this once, for the learner on another channel. Audit-logged.
#[utoipa::path(post, path = "/credentials/{id}/offers", tag = "oid4vci", security(("bearer" = [])),
    params(("id" = String, Path, description = "The credential's id")),
    request_body(content = OfferRequest, description = "Options (`{}` for the defaults: a PIN, all three configurations)"),
    responses(
        (status = 201, description = "Created; the PIN and the pre-authorized code are shown this once (Cache-Control: no-store)", body = CreatedOffer),
        (status = 401, description = "No or an unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `issue` role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such credential of the caller's university", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The credential is revoked (`offer.credential-revoked`) or not an award (`offer.not-an-award`), or a bad option (`offer.tx-code`, `offer.configuration-ids`, `offer.unknown-member`)", body = Problem, content_type = "application/problem+json")))]
async fn create_offer(
    State(s): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    Typed(request): Typed<OfferRequest>,
) -> Result<Response, ApiError> {
    let offer = s.app.create_offer(&p, &id, &request).await?;
    Ok(no_store((StatusCode::CREATED, Json(offer)).into_response()))
}

/// Offer many credentials to their learners' wallets.
///
/// `credentialIds` and/or `batchKey` (the `Idempotency-Key` of a `POST /awards/batch`: every
/// credential issued in it); one result per credential, in order; a credential that cannot be
/// offered does not stop the others.
#[utoipa::path(post, path = "/offers/batch", tag = "oid4vci", security(("bearer" = [])),
    request_body = BatchOfferRequest,
    responses(
        (status = 200, description = "One result per credential; the PINs are shown this once (Cache-Control: no-store)", body = BatchOfferResponse),
        (status = 401, description = "No or an unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `issue` role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No credential was issued under `batchKey`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "More `credentialIds` than limits.max_batch_size", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad member (`offer.credential-ids`, `offer.batch-key`, `offer.tx-code`, `offer.configuration-ids`, `offer.unknown-member`)", body = Problem, content_type = "application/problem+json")))]
async fn create_offers(
    State(s): State<AppState>,
    Auth(p): Auth,
    Typed(request): Typed<BatchOfferRequest>,
) -> Result<Response, ApiError> {
    if request.credential_ids.len() > s.limits.max_batch_size {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch-too-large",
            "Batch too large",
            format!(
                "{} credential ids; at most {} per request (limits.max_batch_size)",
                request.credential_ids.len(),
                s.limits.max_batch_size
            ),
        ));
    }
    let result = s.app.create_offers(&p, &request).await?;
    Ok(no_store(Json(result).into_response()))
}

/// A credential offer by reference (OpenID4VCI 1.0 §4.1.3, the `credential_offer_uri`).
///
/// No token: the reference (256 random bits) is the secret. Gone (404) once the code is used or
/// expired.
#[utoipa::path(get, path = "/universities/{id}/offers/{offer_id}", tag = "oid4vci",
    params(
        ("id" = String, Path, description = "The university"),
        ("offer_id" = String, Path, description = "The offer's reference (the secret of the credential_offer_uri)")),
    responses(
        (status = 200, description = "The credential offer object (§4.1.1; Cache-Control: no-store)", body = Object, content_type = "application/json"),
        (status = 404, description = "No such offer, or it was used or expired", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate-limited (limits.public_rate_limit)", body = Problem, content_type = "application/problem+json")))]
async fn credential_offer(
    State(s): State<AppState>,
    Path((university, reference)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let offer = s.app.credential_offer(&university, &reference).await?;
    Ok(no_store(Json(offer).into_response()))
}

/// Add the shared credential to an EU wallet: creates an offer and answers the learner's page
/// with its QR code, same-device link and PIN.
///
/// No token: the share link is the secret. Every request creates a new offer (short-lived,
/// single-use) with a new PIN, shown on this page only.
#[utoipa::path(post, path = "/share/{token}/wallet", tag = "public",
    params(("token" = String, Path, description = "The share link's secret")),
    responses(
        (status = 200, description = "The offer page (HTML; Cache-Control: no-store)", body = String, content_type = "text/html"),
        (status = 404, description = "No such share link", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The credential is revoked (`offer.credential-revoked`) or not an award (`offer.not-an-award`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate-limited (limits.public_rate_limit)", body = Problem, content_type = "application/problem+json")))]
async fn share_wallet_offer(
    State(s): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let offer = s.app.share_offer(&token).await?;
    super::pages::wallet_offer_page(&token, &offer)
}
