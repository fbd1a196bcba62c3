//! The error body and the error responses the operations share.

use serde::Serialize;
use serde_json::Value;
use utoipa::{IntoResponses, ToSchema};

/// Every error the application produces.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, for programs.
    #[schema(value_type = ErrorCode, example = "invalid_request")]
    pub code: &'static str,
    /// For humans; may change.
    pub message: String,
    /// `null`, or an object or array whose shape depends on `code`: `{"parameter"}` for a
    /// query parameter, `{"field"}` for org, key, settings and token bodies, `{"line",
    /// "column"}` for malformed JSON, `{"index", "id"}` for `id_conflict`, a list of
    /// `{"index", "field", "message"}` for `invalid_event`.
    #[schema(value_type = Option<Value>, required = true)]
    pub details: Value,
}

// Doc-only: the codes `ErrorDetail::code` takes (`api::error` names them as text).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidRequest,
    Unauthorized,
    TokenExpired,
    TokenInvalid,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Timeout,
    IdConflict,
    AlreadyExists,
    PayloadTooLarge,
    UnsupportedMediaType,
    InvalidEvent,
    Internal,
    Unavailable,
    StorageFull,
    RateLimited,
    CatalogConflict,
    InvalidSchema,
    ActionHasEvents,
    ActionDeprecated,
}

// The shared error responses: descriptors for `#[utoipa::path(responses(...))]`, never
// built (`api::error::ApiError` sends the body).

/// A bad query parameter or body; `details.parameter` or `details.field` names it.
#[derive(IntoResponses)]
#[response(status = 400)]
pub struct BadRequest(pub ErrorBody);

/// Missing, unknown, malformed or revoked credential (`unauthorized`), or a viewer token
/// that expired (`token_expired`) or does not verify (`token_invalid`).
#[derive(IntoResponses)]
#[response(status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")))]
pub struct Unauthorized(pub ErrorBody);

/// The credential is valid but may not do this (scope, operator vs. API key).
#[derive(IntoResponses)]
#[response(status = 403)]
pub struct Forbidden(pub ErrorBody);

/// Nothing with that name in the caller's org (another org's things look the same).
#[derive(IntoResponses)]
#[response(status = 404)]
pub struct NotFound(pub ErrorBody);

/// The request body is too large.
#[derive(IntoResponses)]
#[response(status = 413)]
pub struct PayloadTooLarge(pub ErrorBody);

/// The storage cannot serve now (`unavailable`), or its disk is full (`storage_full`, with
/// `Retry-After`); nothing was stored, retry later with the same event ids.
#[derive(IntoResponses)]
#[response(
    status = 503,
    headers(("Retry-After" = u64, description = "With `storage_full`: seconds to wait before retrying"))
)]
pub struct Unavailable(pub ErrorBody);
