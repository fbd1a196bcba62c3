//! `/v1/orgs`: organizations and their API keys (operator token, or the org's admin key
//! for its own keys).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::error::ApiError;
use super::{ApiResult, principal};
use crate::model::Scope;
use crate::service::{Service, ServiceError};

/// Parses a small JSON body into `T` with errors in our format.
fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
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

pub async fn create(
    State(service): State<Service>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    let req: CreateOrg = parse_json(&body)?;
    let created = service
        .create_org(&p, &req.slug, req.name.as_deref())
        .await?;
    let body = json!({ "org": created.org, "admin_key": created.admin_key });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

pub async fn list(State(service): State<Service>, headers: HeaderMap) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    let orgs = service.list_orgs(&p).await?;
    Ok(Json(json!({ "orgs": orgs })).into_response())
}

pub async fn create_key(
    State(service): State<Service>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    let req: CreateKey = parse_json(&body)?;
    let created = service
        .create_key(&p, &slug, req.scope, req.name.as_deref().unwrap_or(""))
        .await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

pub async fn list_keys(
    State(service): State<Service>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    let keys = service.list_keys(&p, &slug).await?;
    Ok(Json(json!({ "keys": keys })).into_response())
}

pub async fn revoke_key(
    State(service): State<Service>,
    headers: HeaderMap,
    Path((slug, key_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    service.revoke_key(&p, &slug, &key_id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
