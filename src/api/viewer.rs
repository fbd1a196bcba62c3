//! `POST /v1/viewer-tokens` (mint a token for the embedded page) and `GET /v1/whoami`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{ApiResult, Caller};
use crate::service::Service;

/// Mints a short-lived read-only viewer token for the embedded page (read or admin key).
#[utoipa::path(
    post, path = "/v1/viewer-tokens", tag = "viewer", operation_id = "mintViewerToken",
    request_body(content = Option<super::openapi::MintViewerToken>, content_type = "application/json",
        description = "Optional: an empty body means all defaults"),
    responses(
        (status = 201, description = "The token", body = super::openapi::ViewerToken),
        super::openapi::BadRequest, super::openapi::Unauthorized, super::openapi::Forbidden, super::openapi::PayloadTooLarge, super::openapi::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn mint(
    State(service): State<Service>,
    Caller(p): Caller,
    body: Bytes,
) -> ApiResult<Response> {
    let v = service.mint_viewer_token(&p, &body).await?;
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        axum::Json(v),
    )
        .into_response())
}

/// The caller's org and credential.
#[utoipa::path(
    get, path = "/v1/whoami", tag = "viewer", operation_id = "whoami",
    responses(
        (status = 200, description = "Who is asking", body = super::openapi::WhoAmI),
        super::openapi::Unauthorized, super::openapi::Forbidden, super::openapi::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn whoami(State(service): State<Service>, Caller(p): Caller) -> ApiResult<Response> {
    Ok(axum::Json(service.whoami(&p)?).into_response())
}
