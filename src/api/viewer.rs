//! `POST /v1/viewer-tokens` (mint a token for the embedded page) and `GET /v1/whoami`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{ApiResult, principal};
use crate::service::Service;

pub async fn mint(
    State(service): State<Service>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    let v = service.mint_viewer_token(&p, &body).await?;
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        axum::Json(v),
    )
        .into_response())
}

pub async fn whoami(State(service): State<Service>, headers: HeaderMap) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    Ok(axum::Json(service.whoami(&p)?).into_response())
}
