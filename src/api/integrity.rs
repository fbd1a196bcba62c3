//! `/v1/integrity`: public keys, signed checkpoints, inclusion and consistency proofs,
//! online verification.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{ApiResult, principal};
use crate::model::time::format_micros;
use crate::service::integrity::b64;
use crate::service::{Service, ServiceError};
use crate::store::StoredCheckpoint;

fn checkpoint_json(c: &StoredCheckpoint) -> serde_json::Value {
    json!({
        "tree_size": c.tree_size,
        "root": b64(&c.root),
        "time": format_micros(c.time),
        "key_id": c.key_id,
        "note": c.note,
    })
}

pub async fn public_keys(State(service): State<Service>) -> ApiResult<Response> {
    Ok(axum::Json(service.public_keys().await?).into_response())
}

pub async fn checkpoints(
    State(service): State<Service>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    let params =
        crate::service::query::Params::parse_only(query.as_deref().unwrap_or(""), &["limit"])?;
    let limit = match params.get("limit") {
        None => 100,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| {
                ServiceError::bad_param("limit", "limit must be an integer from 1 to 1000")
            })?,
    };
    let list = service.checkpoints(&p, limit).await?;
    let list: Vec<_> = list.iter().map(checkpoint_json).collect();
    Ok(axum::Json(json!({ "checkpoints": list })).into_response())
}

pub async fn latest(State(service): State<Service>, headers: HeaderMap) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    let cp = service
        .checkpoints(&p, 1)
        .await?
        .pop()
        .ok_or_else(|| ServiceError::NotFound("no checkpoint yet".into()))?;
    Ok(axum::Json(checkpoint_json(&cp)).into_response())
}

pub async fn create(State(service): State<Service>, headers: HeaderMap) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    let cp = service.create_checkpoint(&p).await?;
    Ok((StatusCode::CREATED, axum::Json(checkpoint_json(&cp))).into_response())
}

pub async fn inclusion(
    State(service): State<Service>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    Ok(axum::Json(
        service
            .inclusion(&p, query.as_deref().unwrap_or(""))
            .await?,
    )
    .into_response())
}

pub async fn consistency(
    State(service): State<Service>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    Ok(axum::Json(
        service
            .consistency(&p, query.as_deref().unwrap_or(""))
            .await?,
    )
    .into_response())
}

pub async fn get_settings(
    State(service): State<Service>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    Ok(axum::Json(service.settings(&p).await?).into_response())
}

pub async fn put_settings(
    State(service): State<Service>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    Ok(axum::Json(service.put_settings(&p, &body).await?).into_response())
}

pub async fn retention_cut(
    State(service): State<Service>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    Ok(axum::Json(service.retention_cut(&p).await?).into_response())
}

pub async fn verify(State(service): State<Service>, headers: HeaderMap) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    let report = service.verify(&p).await?;
    Ok(axum::Json(json!({
        "ok": report.ok(),
        "events": report.events,
        "checkpoints": report.checkpoints,
        "first_broken_seq": report.problem.as_ref().map(|(s, _)| s),
        "problem": report.problem.as_ref().map(|(_, m)| m),
        "summary": report.summary(),
    }))
    .into_response())
}
