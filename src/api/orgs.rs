//! `/v1/orgs`: organizations and their API keys (operator token, or the org's admin key
//! for its own keys).

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::error::ApiError;
use super::{ApiResult, Caller};
use crate::model::Scope;
use crate::service::{Service, ServiceError};

/// Parses a small JSON body into `T` with errors in our format.
fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    crate::service::error::reject_json_array(body, "the body")?;
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        ApiError::from(ServiceError::InvalidRequest {
            message: format!(
                "invalid body: {}",
                crate::service::error::json_message(e.inner())
            ),
            details: Some(json!({ "field": match e.path().to_string().as_str() {
                "." => String::new(),
                p => p.to_string(),
            } })),
        })
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateOrg {
    slug: String,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateKey {
    scope: Scope,
    #[serde(default)]
    name: Option<String>,
}

/// Creates an organization and its first admin key (operator token).
#[utoipa::path(
    post, path = "/v1/orgs", tag = "orgs", operation_id = "createOrg",
    request_body(content = super::openapi::CreateOrg, content_type = "application/json"),
    responses(
        (status = 201, description = "The org and its first admin key (secret shown once)", body = super::openapi::CreatedOrg),
        super::openapi::BadRequest, super::openapi::Unauthorized, super::openapi::Forbidden,
        (status = 409, description = "`already_exists`: the slug is taken", body = super::openapi::ErrorBody),
        super::openapi::PayloadTooLarge, super::openapi::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(service): State<Service>,
    Caller(p): Caller,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let req: CreateOrg = parse_json(&body)?;
    let created = service
        .create_org(&p, &req.slug, req.name.as_deref())
        .await?;
    let body = json!({ "org": created.org, "admin_key": created.admin_key });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Every organization, by slug (operator token).
#[utoipa::path(
    get, path = "/v1/orgs", tag = "orgs", operation_id = "listOrgs",
    responses(
        (status = 200, description = "Organizations", body = super::openapi::OrgList),
        super::openapi::Unauthorized, super::openapi::Forbidden, super::openapi::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn list(State(service): State<Service>, Caller(p): Caller) -> ApiResult<Response> {
    let orgs = service.list_orgs(&p).await?;
    Ok(Json(json!({ "orgs": orgs })).into_response())
}

/// Path parameters; ones that do not decode to UTF-8 name nothing (404 after auth).
fn path_params(
    params: Result<Path<Vec<String>>, PathRejection>,
    uri: &Uri,
    at: &[usize],
) -> Vec<String> {
    match params {
        Ok(Path(v)) => v,
        Err(_) => {
            let segments = super::lossy_segments(uri);
            at.iter()
                .map(|i| segments.get(*i).cloned().unwrap_or_default())
                .collect()
        }
    }
}

/// Creates an API key for the org (operator token, or the org's admin key).
#[utoipa::path(
    post, path = "/v1/orgs/{slug}/keys", tag = "orgs", operation_id = "createKey",
    params(("slug" = String, Path, description = "The org's slug")),
    request_body(content = super::openapi::CreateKey, content_type = "application/json"),
    responses(
        (status = 201, description = "The key (secret shown once)", body = super::openapi::CreatedKey),
        super::openapi::BadRequest, super::openapi::Unauthorized, super::openapi::Forbidden, super::openapi::NotFound,
        super::openapi::PayloadTooLarge, super::openapi::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn create_key(
    State(service): State<Service>,
    Caller(p): Caller,
    params: Result<Path<Vec<String>>, PathRejection>,
    uri: Uri,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let [slug] = <[String; 1]>::try_from(path_params(params, &uri, &[3])).unwrap_or_default();
    let req: CreateKey = parse_json(&body)?;
    let created = service
        .create_key(&p, &slug, req.scope, req.name.as_deref().unwrap_or(""))
        .await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// The org's keys, revoked ones included, never secrets.
#[utoipa::path(
    get, path = "/v1/orgs/{slug}/keys", tag = "orgs", operation_id = "listKeys",
    params(("slug" = String, Path, description = "The org's slug")),
    responses(
        (status = 200, description = "Keys", body = super::openapi::KeyList),
        super::openapi::Unauthorized, super::openapi::Forbidden, super::openapi::NotFound, super::openapi::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn list_keys(
    State(service): State<Service>,
    Caller(p): Caller,
    params: Result<Path<Vec<String>>, PathRejection>,
    uri: Uri,
) -> ApiResult<Response> {
    let [slug] = <[String; 1]>::try_from(path_params(params, &uri, &[3])).unwrap_or_default();
    let keys = service.list_keys(&p, &slug).await?;
    Ok(Json(json!({ "keys": keys })).into_response())
}

/// Revokes a key.
#[utoipa::path(
    delete, path = "/v1/orgs/{slug}/keys/{key_id}", tag = "orgs", operation_id = "revokeKey",
    params(
        ("slug" = String, Path, description = "The org's slug"),
        ("key_id" = String, Path, description = "The key's id (`key_…`)"),
    ),
    responses(
        (status = 204, description = "Revoked"),
        super::openapi::Unauthorized, super::openapi::Forbidden, super::openapi::NotFound, super::openapi::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn revoke_key(
    State(service): State<Service>,
    Caller(p): Caller,
    params: Result<Path<Vec<String>>, PathRejection>,
    uri: Uri,
) -> ApiResult<Response> {
    let [slug, key_id] =
        <[String; 2]>::try_from(path_params(params, &uri, &[3, 5])).unwrap_or_default();
    service.revoke_key(&p, &slug, &key_id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
