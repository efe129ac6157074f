//! The typed JSON body extractor of the issuer API: a [`super::JsonBody`] (content type, size
//! limit, strict JSON: RFC 7493 §2.3) read into a request type of [`crate::app::api`] by its
//! [`FromJson`], so each finding names its field and rule (RFC 9457 problem, 422).

use axum::extract::{FromRequest, Request};

use super::{ApiError, JsonBody};
use crate::app::api::FromJson;

/// A request body of type `T`.
pub struct Typed<T>(pub T);

impl<S: Send + Sync, T: FromJson> FromRequest<S> for Typed<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let JsonBody(value) = JsonBody::from_request(req, state).await?;
        Ok(Typed(T::from_json(value)?))
    }
}
