//! `/v1/integrity`: public keys, signed checkpoints, inclusion and consistency proofs,
//! online verification.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::query::Decoded;
use super::{ApiResult, Caller};
use crate::model::time::format_micros;
use crate::service::integrity::b64;
use crate::service::requests::{CheckpointListRequest, ConsistencyRequest, InclusionRequest};
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

/// The checkpoint signing keys, current and retired. No authentication.
#[utoipa::path(
    get, path = "/v1/integrity/public-keys", tag = "integrity", operation_id = "publicKeys",
    responses((status = 200, description = "Signing keys", body = super::openapi::PublicKeys), super::openapi::Unavailable)
)]
pub async fn public_keys(State(service): State<Service>) -> ApiResult<Response> {
    Ok(axum::Json(service.public_keys().await?).into_response())
}

/// The org's signed checkpoints, newest first.
#[utoipa::path(
    get, path = "/v1/integrity/checkpoints", tag = "integrity", operation_id = "listCheckpoints",
    params(super::openapi::CheckpointListParams),
    responses(
        (status = 200, description = "Checkpoints", body = super::openapi::CheckpointList),
        super::openapi::BadRequest, super::openapi::Unauthorized, super::openapi::Forbidden, super::openapi::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn checkpoints(
    State(service): State<Service>,
    Caller(p): Caller,
    Decoded(req): Decoded<CheckpointListRequest>,
) -> ApiResult<Response> {
    let list = service.list_checkpoints(&p, &req).await?;
    let list: Vec<_> = list.iter().map(checkpoint_json).collect();
    Ok(axum::Json(json!({ "checkpoints": list })).into_response())
}

/// The org's newest checkpoint.
#[utoipa::path(
    get, path = "/v1/integrity/checkpoints/latest", tag = "integrity", operation_id = "latestCheckpoint",
    responses(
        (status = 200, description = "The newest checkpoint", body = super::openapi::CheckpointView),
        super::openapi::Unauthorized, super::openapi::Forbidden,
        (status = 404, description = "No checkpoint yet", body = super::openapi::ErrorBody),
        super::openapi::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn latest(State(service): State<Service>, Caller(p): Caller) -> ApiResult<Response> {
    let cp = service
        .checkpoints(&p, 1)
        .await?
        .pop()
        .ok_or_else(|| ServiceError::NotFound("no checkpoint yet".into()))?;
    Ok(axum::Json(checkpoint_json(&cp)).into_response())
}

/// Signs a checkpoint now (admin), or returns the latest when the log did not grow.
#[utoipa::path(
    post, path = "/v1/integrity/checkpoints", tag = "integrity", operation_id = "createCheckpoint",
    responses(
        (status = 201, description = "The checkpoint", body = super::openapi::CheckpointView),
        super::openapi::Unauthorized, super::openapi::Forbidden, super::openapi::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn create(State(service): State<Service>, Caller(p): Caller) -> ApiResult<Response> {
    let cp = service.create_checkpoint(&p).await?;
    Ok((StatusCode::CREATED, axum::Json(checkpoint_json(&cp))).into_response())
}

/// An inclusion proof for an event.
#[utoipa::path(
    get, path = "/v1/integrity/inclusion", tag = "integrity", operation_id = "inclusionProof",
    params(super::openapi::InclusionParams),
    responses(
        (status = 200, description = "The proof", body = super::openapi::InclusionProof),
        super::openapi::BadRequest, super::openapi::Unauthorized, super::openapi::Forbidden,
        (status = 404, description = "No such event, or no checkpoint yet and no `tree_size`", body = super::openapi::ErrorBody),
        super::openapi::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn inclusion(
    State(service): State<Service>,
    Caller(p): Caller,
    Decoded(req): Decoded<InclusionRequest>,
) -> ApiResult<Response> {
    Ok(axum::Json(service.inclusion(&p, &req).await?).into_response())
}

/// A consistency proof between two tree sizes.
#[utoipa::path(
    get, path = "/v1/integrity/consistency", tag = "integrity", operation_id = "consistencyProof",
    params(super::openapi::ConsistencyParams),
    responses(
        (status = 200, description = "The proof", body = super::openapi::ConsistencyProof),
        super::openapi::BadRequest, super::openapi::Unauthorized, super::openapi::Forbidden, super::openapi::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn consistency(
    State(service): State<Service>,
    Caller(p): Caller,
    Decoded(req): Decoded<ConsistencyRequest>,
) -> ApiResult<Response> {
    Ok(axum::Json(service.consistency(&p, &req).await?).into_response())
}

/// The org's retention settings (admin).
#[utoipa::path(
    get, path = "/v1/settings", tag = "integrity", operation_id = "getSettings",
    responses(
        (status = 200, description = "Settings", body = super::openapi::Settings),
        super::openapi::Unauthorized, super::openapi::Forbidden, super::openapi::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn get_settings(
    State(service): State<Service>,
    Caller(p): Caller,
) -> ApiResult<Response> {
    Ok(axum::Json(service.settings(&p).await?).into_response())
}

/// Sets the org's retention settings (admin).
#[utoipa::path(
    put, path = "/v1/settings", tag = "integrity", operation_id = "putSettings",
    request_body(content = super::openapi::SettingsPut, content_type = "application/json"),
    responses(
        (status = 200, description = "The settings now", body = super::openapi::Settings),
        super::openapi::BadRequest, super::openapi::Unauthorized, super::openapi::Forbidden, super::openapi::PayloadTooLarge, super::openapi::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn put_settings(
    State(service): State<Service>,
    Caller(p): Caller,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    Ok(axum::Json(service.put_settings(&p, &body).await?).into_response())
}

/// Where retention cut the org's log, for offline verification after the cut.
#[utoipa::path(
    get, path = "/v1/integrity/retention-cut", tag = "integrity", operation_id = "retentionCut",
    responses(
        (status = 200, description = "The cut", body = super::openapi::RetentionCut),
        super::openapi::Unauthorized, super::openapi::Forbidden,
        (status = 404, description = "No retention purge yet", body = super::openapi::ErrorBody),
        super::openapi::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn retention_cut(
    State(service): State<Service>,
    Caller(p): Caller,
) -> ApiResult<Response> {
    Ok(axum::Json(service.retention_cut(&p).await?).into_response())
}

/// Verifies the org's whole log online (admin).
#[utoipa::path(
    post, path = "/v1/integrity/verify", tag = "integrity", operation_id = "verifyLog",
    responses(
        (status = 200, description = "The verification report", body = super::openapi::VerifyResult),
        super::openapi::Unauthorized, super::openapi::Forbidden, super::openapi::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn verify(State(service): State<Service>, Caller(p): Caller) -> ApiResult<Response> {
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
