//! OpenID4VCI 1.0 endpoints (issue #16): thin handlers over [`crate::oid4vci::protocol`]:
//! credential issuer metadata (§12.2.2, path insertion), authorization server metadata
//! (RFC 8414), token (§6), nonce (§7) and credential (§8) endpoints.

use utoipa_axum::router::OpenApiRouter;

use super::AppState;

/// The OpenID4VCI protocol routes (merged into [`super::api_routes`]).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
