//! `/v1/orgs`: organizations and their API keys (operator token, or the org's admin key
//! for its own keys).

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

use super::body::{self, JsonRequest};
use super::views::{self, KeyList, OrgList};
use super::{ApiResult, Caller};
use crate::model::Scope;
use crate::service::Service;

/// No other member.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrg {
    /// 2–64 characters of `a-z 0-9 -`, not starting with `-`.
    #[schema(pattern = "^[a-z0-9][a-z0-9-]{1,63}$")]
    pub slug: String,
    /// 1–512 bytes, no control characters or bidirectional overrides; default the slug.
    #[schema(
        min_length = 1,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069]*$"
    )]
    pub name: Option<String>,
}

impl JsonRequest for CreateOrg {
    const WHAT: &'static str = "the body";
    const INVALID: &'static str = "invalid body";
    const ROOT_FIELD: &'static str = "";
}

/// No other member.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameOrg {
    /// The new display name: 1–512 bytes, no control characters or bidirectional overrides.
    #[schema(
        min_length = 1,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069]*$"
    )]
    pub name: String,
}

impl JsonRequest for RenameOrg {
    const WHAT: &'static str = "the body";
    const INVALID: &'static str = "invalid body";
    const ROOT_FIELD: &'static str = "";
}

/// No other member.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKey {
    #[schema(value_type = views::KeyScope)]
    pub scope: Scope,
    /// At most 512 bytes, no control characters or bidirectional overrides.
    #[schema(pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069]*$")]
    pub name: Option<String>,
}

impl JsonRequest for CreateKey {
    const WHAT: &'static str = "the body";
    const INVALID: &'static str = "invalid body";
    const ROOT_FIELD: &'static str = "";
}

/// Creates an organization and its first admin key (operator token).
#[utoipa::path(
    post, path = "/v1/orgs", tag = "orgs", operation_id = "createOrg",
    request_body(content = CreateOrg, content_type = "application/json"),
    responses(
        (status = 201, description = "The org and its first admin key (secret shown once)", body = views::CreatedOrg),
        views::BadRequest, views::Unauthorized, views::Forbidden,
        (status = 409, description = "`already_exists`: the slug is taken", body = views::ErrorBody),
        views::PayloadTooLarge, views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(service): State<Service>,
    Caller(p): Caller,
    body::Json(req): body::Json<CreateOrg>,
) -> ApiResult<Response> {
    let created = service
        .create_org(&p, &req.slug, req.name.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(views::CreatedOrg::from(&created))).into_response())
}

/// Every organization, by slug (operator token).
#[utoipa::path(
    get, path = "/v1/orgs", tag = "orgs", operation_id = "listOrgs",
    responses(
        (status = 200, description = "Organizations", body = views::OrgList),
        views::Unauthorized, views::Forbidden, views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn list(State(service): State<Service>, Caller(p): Caller) -> ApiResult<Response> {
    let orgs = service.list_orgs(&p).await?;
    Ok(Json(OrgList::from(orgs.as_slice())).into_response())
}

/// Renames an organization (operator token, or the org's admin key); recorded in the org's
/// log as `org.renamed` with the old and new names. The slug never changes.
#[utoipa::path(
    patch, path = "/v1/orgs/{slug}", tag = "orgs", operation_id = "renameOrg",
    params(("slug" = String, Path, description = "The org's slug")),
    request_body(content = RenameOrg, content_type = "application/json"),
    responses(
        (status = 200, description = "The org as renamed", body = views::OrgView),
        views::BadRequest, views::Unauthorized, views::Forbidden, views::NotFound,
        views::PayloadTooLarge, views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn rename(
    State(service): State<Service>,
    Caller(p): Caller,
    params: Result<Path<Vec<String>>, PathRejection>,
    uri: Uri,
    body::Json(req): body::Json<RenameOrg>,
) -> ApiResult<Response> {
    let [slug] = <[String; 1]>::try_from(path_params(params, &uri, &[3])).unwrap_or_default();
    let org = service.rename_org(&p, &slug, &req.name).await?;
    Ok(Json(views::OrgView::from(&org)).into_response())
}

/// Path parameters; ones that do not decode to UTF-8 name nothing (404 after auth).
pub(super) fn path_params(
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
    request_body(content = CreateKey, content_type = "application/json"),
    responses(
        (status = 201, description = "The key (secret shown once)", body = views::CreatedKey),
        views::BadRequest, views::Unauthorized, views::Forbidden, views::NotFound,
        views::PayloadTooLarge, views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn create_key(
    State(service): State<Service>,
    Caller(p): Caller,
    params: Result<Path<Vec<String>>, PathRejection>,
    uri: Uri,
    body::Json(req): body::Json<CreateKey>,
) -> ApiResult<Response> {
    let [slug] = <[String; 1]>::try_from(path_params(params, &uri, &[3])).unwrap_or_default();
    let created = service
        .create_key(&p, &slug, req.scope, req.name.as_deref().unwrap_or(""))
        .await?;
    Ok((StatusCode::CREATED, Json(views::CreatedKey::from(&created))).into_response())
}

/// The org's keys, revoked ones included, never secrets.
#[utoipa::path(
    get, path = "/v1/orgs/{slug}/keys", tag = "orgs", operation_id = "listKeys",
    params(("slug" = String, Path, description = "The org's slug")),
    responses(
        (status = 200, description = "Keys", body = views::KeyList),
        views::Unauthorized, views::Forbidden, views::NotFound, views::Unavailable,
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
    Ok(Json(KeyList::from(keys.as_slice())).into_response())
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
        views::Unauthorized, views::Forbidden, views::NotFound, views::Unavailable,
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
