//! The one place where errors become HTTP responses:
//! `{"error": {"code": "...", "message": "...", "details": ...}}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::views::{ErrorBody, ErrorDetail};
use crate::service::ServiceError;

/// `Retry-After` of a `storage_full` answer: space comes back when an operator frees or adds
/// some, so there is no point in retrying at once.
pub const STORAGE_FULL_RETRY_AFTER_SECS: u64 = 30;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: serde_json::Value,
    /// Seconds for a `Retry-After` header (429, 503 `storage_full`).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            details: serde_json::Value::Null,
            retry_after: None,
        }
    }

    /// A malformed request (`400 invalid_request`), like `ServiceError::invalid`.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    /// A bad query parameter, named in `details.parameter`, like `ServiceError::bad_param`.
    pub fn bad_param(name: &str, message: impl Into<String>) -> Self {
        let mut err = ApiError::invalid_request(message);
        err.details = json!({ "parameter": name });
        err
    }

    pub fn not_found_route() -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such route; see docs/api.md",
        )
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        use ServiceError as E;
        let message = e.to_string();
        let (status, code, details) = match e {
            E::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized", None),
            E::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", None),
            E::TokenExpired(_) => (StatusCode::UNAUTHORIZED, "token_expired", None),
            E::TokenInvalid(_) => (StatusCode::UNAUTHORIZED, "token_invalid", None),
            E::NotFound(_) => (StatusCode::NOT_FOUND, "not_found", None),
            E::InvalidRequest { details, .. } => {
                (StatusCode::BAD_REQUEST, "invalid_request", details)
            }
            E::InvalidEvent(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_event",
                Some(json!(errors)),
            ),
            E::IdConflict { index, id } => (
                StatusCode::CONFLICT,
                "id_conflict",
                Some(json!({ "index": index, "id": id })),
            ),
            E::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", None),
            E::AlreadyExists(_) => (StatusCode::CONFLICT, "already_exists", None),
            E::CatalogConflict(_) => (StatusCode::CONFLICT, "catalog_conflict", None),
            E::InvalidSchema(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_schema",
                Some(json!({ "field": "metadata_schema" })),
            ),
            E::ActionInUse(_) => (StatusCode::CONFLICT, "action_has_events", None),
            E::ActionDeprecated(events) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "action_deprecated",
                Some(json!(
                    events
                        .iter()
                        .map(|(index, action)| json!({ "index": index, "action": action }))
                        .collect::<Vec<_>>()
                )),
            ),
            E::RateLimited {
                retry_after_secs, ..
            } => {
                let mut err = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message);
                err.details = json!({ "retry_after_seconds": retry_after_secs });
                err.retry_after = Some(retry_after_secs);
                return err;
            }
            E::Unavailable(ref cause) => {
                tracing::warn!(error.cause = %cause, "storage unavailable");
                return ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the service cannot store or read events right now; retry later with the same event ids (a retry never stores an event twice)",
                );
            }
            E::StorageFull(ref cause) => {
                tracing::warn!(error.cause = %cause, "storage full");
                let mut err = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_full",
                    "the server's disk is full: nothing from this request was stored; retry later with the same event ids (a retry never stores an event twice)",
                );
                err.retry_after = Some(STORAGE_FULL_RETRY_AFTER_SECS);
                return err;
            }
            E::Internal(ref cause) => {
                tracing::error!(error.cause = %cause, "internal error");
                return ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal error; it has been logged",
                );
            }
        };
        ApiError {
            status,
            code,
            message,
            details: details.unwrap_or(serde_json::Value::Null),
            retry_after: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                details: self.details,
            },
        };
        let mut resp = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            resp.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(secs),
            );
        }
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        resp
    }
}
