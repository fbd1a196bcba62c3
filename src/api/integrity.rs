//! `/v1/integrity`: public keys, signed checkpoints, inclusion and consistency proofs,
//! online verification.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::body::Deferred;
use super::query::Decoded;
use super::views::{
    CheckpointList, CheckpointView, ConsistencyProof, InclusionProof, PublicKeys, RetentionCut,
    Settings, VerifyResult,
};
use super::{ApiResult, Caller};
use crate::model::Scope;
use crate::service::requests::{CheckpointListRequest, ConsistencyRequest, InclusionRequest};
use crate::service::{Service, ServiceError, SettingsUpdate};

/// The checkpoint signing keys, current and retired. No authentication.
#[utoipa::path(
    get, path = "/v1/integrity/public-keys", tag = "integrity", operation_id = "publicKeys",
    responses((status = 200, description = "Signing keys", body = super::views::PublicKeys), super::views::Unavailable)
)]
pub async fn public_keys(State(service): State<Service>) -> ApiResult<Response> {
    let keys = service.public_keys().await?;
    Ok(axum::Json(PublicKeys::from(keys.as_slice())).into_response())
}

/// The org's signed checkpoints, newest first.
#[utoipa::path(
    get, path = "/v1/integrity/checkpoints", tag = "integrity", operation_id = "listCheckpoints",
    params(super::doc_only::CheckpointListParams),
    responses(
        (status = 200, description = "Checkpoints", body = super::views::CheckpointList),
        super::views::BadRequest, super::views::Unauthorized, super::views::Forbidden, super::views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn checkpoints(
    State(service): State<Service>,
    Caller(p): Caller,
    Decoded(req): Decoded<CheckpointListRequest>,
) -> ApiResult<Response> {
    let list = service.list_checkpoints(&p, &req).await?;
    Ok(axum::Json(CheckpointList::from(list.as_slice())).into_response())
}

/// The org's newest checkpoint.
#[utoipa::path(
    get, path = "/v1/integrity/checkpoints/latest", tag = "integrity", operation_id = "latestCheckpoint",
    responses(
        (status = 200, description = "The newest checkpoint", body = super::views::CheckpointView),
        super::views::Unauthorized, super::views::Forbidden,
        (status = 404, description = "No checkpoint yet", body = super::views::ErrorBody),
        super::views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn latest(State(service): State<Service>, Caller(p): Caller) -> ApiResult<Response> {
    let cp = service
        .checkpoints(&p, 1)
        .await?
        .pop()
        .ok_or_else(|| ServiceError::NotFound("no checkpoint yet".into()))?;
    Ok(axum::Json(CheckpointView::from(&cp)).into_response())
}

/// Signs a checkpoint now (admin), or returns the latest when the log did not grow.
#[utoipa::path(
    post, path = "/v1/integrity/checkpoints", tag = "integrity", operation_id = "createCheckpoint",
    responses(
        (status = 201, description = "The checkpoint", body = super::views::CheckpointView),
        super::views::Unauthorized, super::views::Forbidden, super::views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn create(State(service): State<Service>, Caller(p): Caller) -> ApiResult<Response> {
    let cp = service.create_checkpoint(&p).await?;
    Ok((StatusCode::CREATED, axum::Json(CheckpointView::from(&cp))).into_response())
}

/// An inclusion proof for an event.
#[utoipa::path(
    get, path = "/v1/integrity/inclusion", tag = "integrity", operation_id = "inclusionProof",
    params(super::doc_only::InclusionParams),
    responses(
        (status = 200, description = "The proof", body = super::views::InclusionProof),
        super::views::BadRequest, super::views::Unauthorized, super::views::Forbidden,
        (status = 404, description = "No such event, or no checkpoint yet and no `tree_size`", body = super::views::ErrorBody),
        super::views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn inclusion(
    State(service): State<Service>,
    Caller(p): Caller,
    Decoded(req): Decoded<InclusionRequest>,
) -> ApiResult<Response> {
    let proof = service.inclusion(&p, &req).await?;
    Ok(axum::Json(InclusionProof::from(&proof)).into_response())
}

/// A consistency proof between two tree sizes.
#[utoipa::path(
    get, path = "/v1/integrity/consistency", tag = "integrity", operation_id = "consistencyProof",
    params(super::doc_only::ConsistencyParams),
    responses(
        (status = 200, description = "The proof", body = super::views::ConsistencyProof),
        super::views::BadRequest, super::views::Unauthorized, super::views::Forbidden, super::views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn consistency(
    State(service): State<Service>,
    Caller(p): Caller,
    Decoded(req): Decoded<ConsistencyRequest>,
) -> ApiResult<Response> {
    let proof = service.consistency(&p, &req).await?;
    Ok(axum::Json(ConsistencyProof::from(&proof)).into_response())
}

/// The org's retention settings (admin).
#[utoipa::path(
    get, path = "/v1/settings", tag = "integrity", operation_id = "getSettings",
    responses(
        (status = 200, description = "Settings", body = super::views::Settings),
        super::views::Unauthorized, super::views::Forbidden, super::views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn get_settings(
    State(service): State<Service>,
    Caller(p): Caller,
) -> ApiResult<Response> {
    Ok(axum::Json(Settings::from(&service.settings(&p).await?)).into_response())
}

/// Sets the org's retention settings (admin).
#[utoipa::path(
    put, path = "/v1/settings", tag = "integrity", operation_id = "putSettings",
    request_body(content = SettingsUpdate, content_type = "application/json"),
    responses(
        (status = 200, description = "The settings now", body = super::views::Settings),
        super::views::BadRequest, super::views::Unauthorized, super::views::Forbidden, super::views::PayloadTooLarge, super::views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn put_settings(
    State(service): State<Service>,
    Caller(p): Caller,
    body: Deferred<SettingsUpdate>,
) -> ApiResult<Response> {
    // a caller who may not change the settings hears so before anything about its body
    service.org_for(&p, Scope::Admin)?;
    let settings = service.put_settings(&p, body.parsed()?).await?;
    Ok(axum::Json(Settings::from(&settings)).into_response())
}

/// Where retention cut the org's log, for offline verification after the cut.
#[utoipa::path(
    get, path = "/v1/integrity/retention-cut", tag = "integrity", operation_id = "retentionCut",
    responses(
        (status = 200, description = "The cut", body = super::views::RetentionCut),
        super::views::Unauthorized, super::views::Forbidden,
        (status = 404, description = "No retention purge yet", body = super::views::ErrorBody),
        super::views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn retention_cut(
    State(service): State<Service>,
    Caller(p): Caller,
) -> ApiResult<Response> {
    let cut = service.retention_cut(&p).await?;
    Ok(axum::Json(RetentionCut::from(&cut)).into_response())
}

/// Verifies the org's whole log online (admin).
#[utoipa::path(
    post, path = "/v1/integrity/verify", tag = "integrity", operation_id = "verifyLog",
    responses(
        (status = 200, description = "The verification report", body = super::views::VerifyResult),
        super::views::Unauthorized, super::views::Forbidden, super::views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn verify(State(service): State<Service>, Caller(p): Caller) -> ApiResult<Response> {
    let report = service.verify(&p).await?;
    Ok(axum::Json(VerifyResult::from(&report)).into_response())
}
