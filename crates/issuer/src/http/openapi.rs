//! The OpenAPI 3.1 document of the issuer API (`GET /openapi.json`), generated with `utoipa` from
//! the routes ([`super::api_routes`]: each route is registered together with its
//! `#[utoipa::path]` documentation, so the router and the document come from one table) and the
//! typed bodies of [`crate::app::api`].
//!
//! Conventions added to every operation after the routes are collected (one place instead of
//! each route): the `bearer` security scheme (RFC 6750) and, on operations that need it, the
//! 401/403/429 problems; on operations with a JSON request body the 400 (malformed JSON,
//! duplicate member names, RFC 7493 §2.3), 413 (`limits.max_body_bytes`) and 415 problems. Every
//! problem is RFC 9457 `application/problem+json` ([`Problem`]).

use std::sync::LazyLock;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Document, Ref, RefOr, ResponseBuilder};
use utoipa::OpenApi;

use super::ApiError;
use crate::app::api::Problem;

/// The document's fixed parts; the paths come from the routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "ENHANCE issuer service",
        description = "Issues European Digital Credentials for ENHANCE universities: W3C VC-API \
                       issue and status, ENHANCE awards (single, batch, CSV), Bitstring Status \
                       List v1.0 status lists, did:web documents, share links and programme \
                       certificates. Errors are RFC 9457 problem details."
    ),
    components(schemas(Problem)),
    tags(
        (name = "service", description = "Health and this document"),
        (name = "vc-api", description = "W3C VC-API issue and status"),
        (name = "awards", description = "ENHANCE awards as EDC credentials"),
        (name = "public", description = "What verifiers and learners fetch: DID documents, status lists, share links"),
        (name = "credentials", description = "A university's issued credentials"),
        (name = "specifications", description = "Learning opportunity and programme specifications"),
        (name = "admin", description = "Staff API tokens"),
        (name = "console", description = "The staff console (HTML pages and forms, issue #18)"),
        (name = "oid4vci", description = "OpenID4VCI 1.0 credential issuance to wallets: credential offers, metadata, token, nonce and credential endpoints")
    )
)]
struct ApiDoc;

/// The document before the routes' paths are added.
pub(super) fn base() -> Document {
    ApiDoc::openapi()
}

fn problem(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                Content::new(Some(Ref::from_schema_name("Problem"))),
            )
            .build(),
    )
}

/// Adds the shared problem responses to `op` (an existing, more specific one is kept).
fn add_conventions(op: &mut Operation) {
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let json_body = op
        .request_body
        .as_ref()
        .is_some_and(|b| b.content.contains_key("application/json"));
    let mut add = |status: &str, description: &str| {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| problem(description));
    };
    if secured {
        add("401", "No, an unknown or a revoked bearer token (RFC 6750)");
        add(
            "403",
            "The token's university or roles do not allow this (roles issue, revoke, admin)",
        );
        add(
            "429",
            "The per-token rate limit (limits.rate_limit_per_minute) was reached; Retry-After says when to retry",
        );
    }
    if json_body {
        add(
            "400",
            "Malformed JSON or duplicate member names (RFC 7493 §2.3)",
        );
        add(
            "413",
            "The body exceeds the configured limit (limits.max_body_bytes)",
        );
        add(
            "415",
            "Content-Type is not application/json or an application/*+json type",
        );
    }
}

/// Completes the document collected from the routes: security scheme, shared problems.
pub(super) fn complete(mut doc: Document) -> Document {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
    );
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            add_conventions(op);
        }
    }
    doc
}

/// The generated document, serialised once.
static DOCUMENT: LazyLock<Result<String, String>> = LazyLock::new(|| {
    super::openapi_document()
        .to_json()
        .map_err(|e| e.to_string())
});

/// This document (OpenAPI 3.1).
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "service",
    responses((status = 200, description = "This document (OpenAPI 3.1)", body = Object, content_type = "application/json"))
)]
pub(super) async fn openapi() -> Result<Response, ApiError> {
    let json = DOCUMENT.as_ref().map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            format!("the OpenAPI document could not be serialised: {e}"),
        )
    })?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json.clone()).into_response())
}
