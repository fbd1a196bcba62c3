//! `POST /v1/viewer-tokens` (mint a token for the embedded page) and `GET /v1/whoami`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::body::Deferred;
use super::views::{self, ViewerToken, WhoAmI};
use super::{ApiResult, Caller};
use crate::service::{MintViewerToken, Service};

/// Mints a short-lived read-only viewer token for the embedded page (read or admin key).
#[utoipa::path(
    post, path = "/v1/viewer-tokens", tag = "viewer", operation_id = "mintViewerToken",
    request_body(content = Option<MintViewerToken>, content_type = "application/json",
        description = "Optional: an empty body means all defaults"),
    responses(
        (status = 201, description = "The token", body = views::ViewerToken),
        views::BadRequest, views::Unauthorized, views::Forbidden, views::PayloadTooLarge, views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn mint(
    State(service): State<Service>,
    Caller(p): Caller,
    body: Deferred<MintViewerToken>,
) -> ApiResult<Response> {
    // a caller who may not mint hears so before anything about its request
    service.may_mint_viewer_tokens(&p)?;
    let minted = service.mint_viewer_token(&p, body.parsed()?).await?;
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        axum::Json(ViewerToken::from(&minted)),
    )
        .into_response())
}

/// The caller's org and credential.
#[utoipa::path(
    get, path = "/v1/whoami", tag = "viewer", operation_id = "whoami",
    responses(
        (status = 200, description = "Who is asking", body = views::WhoAmI),
        views::Unauthorized, views::Forbidden, views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn whoami(State(service): State<Service>, Caller(p): Caller) -> ApiResult<Response> {
    Ok(axum::Json(WhoAmI::from(&service.whoami(&p)?)).into_response())
}
