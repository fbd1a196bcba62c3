//! `/v1/catalog`: the catalog as the caller sees it, and the platform-defined entries
//! (the operator token for the whole instance, an org's admin key for its org).

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::body;
use super::orgs::path_params;
use super::{ApiResult, Caller, doc_only, principal, views};
use crate::service::Service;
use crate::service::catalog::CatalogChange;
use crate::service::catalog_rules::{ActionPut, EntityTypePut};

/// The event catalog: the built-ins, and the platform-defined entries the caller sees
/// (`custom: true`): with an org's key or viewer token the instance's and the org's, else
/// the instance's. No authentication needed: a credential that is refused reads as none.
#[utoipa::path(
    get, path = "/v1/catalog", tag = "meta", operation_id = "catalog",
    responses(
        (status = 200, description = "The catalog", body = doc_only::CatalogDoc),
        views::Unavailable,
    )
)]
pub async fn get(State(service): State<Service>, headers: HeaderMap) -> ApiResult<Response> {
    let p = if headers.contains_key(header::AUTHORIZATION) {
        principal(&service, &headers).await.ok()
    } else {
        None
    };
    let doc = service.catalog_document(p.as_ref()).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], doc).into_response())
}

fn stored(change: &CatalogChange) -> Response {
    let status = if change.changed {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (status, Json(views::CatalogEntryView::from(change))).into_response()
}

/// Defines an entity type, or changes its label or description (the operator token: for
/// every org; an admin key: for its org).
#[utoipa::path(
    put, path = "/v1/catalog/entity-types/{type}", tag = "catalog", operation_id = "putEntityType",
    params(("type" = String, Path, description = "`[a-z][a-z0-9_]{0,63}`, not a built-in")),
    request_body(content = EntityTypePut, content_type = "application/json"),
    responses(
        (status = 201, description = "Stored as a new version", body = views::CatalogEntryView),
        (status = 200, description = "Already the latest version; nothing stored", body = views::CatalogEntryView),
        views::BadRequest, views::Unauthorized, views::Forbidden,
        (status = 409, description = "`catalog_conflict`: a built-in, or defined in the other scope", body = views::ErrorBody),
        views::PayloadTooLarge, views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn put_entity_type(
    State(service): State<Service>,
    Caller(p): Caller,
    params: Result<Path<Vec<String>>, PathRejection>,
    uri: Uri,
    body::Json(req): body::Json<EntityTypePut>,
) -> ApiResult<Response> {
    let [name] = <[String; 1]>::try_from(path_params(params, &uri, &[4])).unwrap_or_default();
    let change = service.put_entity_type(&p, &name, req).await?;
    Ok(stored(&change))
}

/// Defines an action, or makes a new version of it (a changed schema, label, fields, or
/// `"deprecated": true`).
#[utoipa::path(
    put, path = "/v1/catalog/actions/{action}", tag = "catalog", operation_id = "putAction",
    params(("action" = String, Path, description = "`<entity_type>.<verb>`, each part `[a-z][a-z0-9_]{0,63}`, not a built-in")),
    request_body(content = ActionPut, content_type = "application/json"),
    responses(
        (status = 201, description = "Stored as a new version", body = views::CatalogEntryView),
        (status = 200, description = "Already the latest version; nothing stored", body = views::CatalogEntryView),
        views::BadRequest, views::Unauthorized, views::Forbidden,
        (status = 409, description = "`catalog_conflict`: a built-in, or defined in the other scope", body = views::ErrorBody),
        (status = 422, description = "`invalid_schema`: the metadata_schema cannot be used", body = views::ErrorBody),
        views::PayloadTooLarge, views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn put_action(
    State(service): State<Service>,
    Caller(p): Caller,
    params: Result<Path<Vec<String>>, PathRejection>,
    uri: Uri,
    body::Json(req): body::Json<ActionPut>,
) -> ApiResult<Response> {
    let [name] = <[String; 1]>::try_from(path_params(params, &uri, &[4])).unwrap_or_default();
    let change = service.put_action(&p, &name, req).await?;
    Ok(stored(&change))
}

/// Deletes an action that no event uses (all its versions). One with events can only be
/// deprecated.
#[utoipa::path(
    delete, path = "/v1/catalog/actions/{action}", tag = "catalog", operation_id = "deleteAction",
    params(("action" = String, Path, description = "`<entity_type>.<verb>`")),
    responses(
        (status = 204, description = "Deleted"),
        views::BadRequest, views::Unauthorized, views::Forbidden, views::NotFound,
        (status = 409, description = "`action_has_events`, or `catalog_conflict` for a built-in", body = views::ErrorBody),
        views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn delete_action(
    State(service): State<Service>,
    Caller(p): Caller,
    params: Result<Path<Vec<String>>, PathRejection>,
    uri: Uri,
) -> ApiResult<Response> {
    let [name] = <[String; 1]>::try_from(path_params(params, &uri, &[4])).unwrap_or_default();
    service.delete_action(&p, &name).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
