//! The service layer's error: a closed set of outcomes, each mapped to one HTTP status and
//! one stable code by `api::error`.

use serde::Serialize;

use crate::store::StoreError;

/// One problem with one event of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Position of the event in the request (0-based).
    pub index: usize,
    /// Path of the offending member, e.g. `actor.email` or `changes[2].field`; empty for the
    /// event as a whole.
    pub field: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    /// A viewer token past its expiry.
    #[error("{0}")]
    TokenExpired(String),
    /// A viewer token that is malformed, altered, or whose minting key was revoked.
    #[error("{0}")]
    TokenInvalid(String),
    #[error("{0}")]
    NotFound(String),
    /// The request as a whole is malformed (bad JSON, bad query parameter).
    #[error("{message}")]
    InvalidRequest {
        message: String,
        details: Option<serde_json::Value>,
    },
    /// One or more events failed validation; nothing was stored.
    #[error("{} event(s) failed validation; nothing was stored", count_events(.0))]
    InvalidEvent(Vec<FieldError>),
    #[error(
        "event id {id} (index {index}) was already used for an event with different content; nothing was stored"
    )]
    IdConflict { index: usize, id: String },
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0} already exists")]
    AlreadyExists(String),
    /// A catalog entry that would redefine a built-in, or a name of the other scope.
    #[error("{0}")]
    CatalogConflict(String),
    /// A platform-defined action's `metadata_schema` cannot be used; nothing was stored.
    #[error("{0}")]
    InvalidSchema(String),
    /// A platform-defined action that has events cannot be deleted.
    #[error("{0}")]
    ActionInUse(String),
    /// Events of deprecated actions (their indexes, in order); nothing was stored.
    #[error("{}", deprecated_message(.0))]
    ActionDeprecated(Vec<(usize, String)>),
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// The database's disk is full; nothing of the request was stored.
    #[error("storage full: {0}")]
    StorageFull(String),
    /// The key is over its request budget (`service::ratelimit`).
    #[error("{message}")]
    RateLimited {
        message: String,
        retry_after_secs: u64,
    },
    #[error("internal error: {0}")]
    Internal(String),
}

fn deprecated_message(events: &[(usize, String)]) -> String {
    match events.first() {
        Some((index, action)) if events.len() == 1 => format!(
            "action {action} is deprecated and takes no new events (index {index}); nothing was stored"
        ),
        _ => format!(
            "{} events are of deprecated actions, which take no new events; nothing was stored",
            events.len()
        ),
    }
}

fn count_events(errors: &[FieldError]) -> usize {
    let mut idx: Vec<usize> = errors.iter().map(|e| e.index).collect();
    idx.dedup();
    idx.len()
}

/// serde_json's message without its trailing " at line L column C", for errors whose
/// position we report ourselves (or that point inside one event's text).
pub fn json_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Bodies that must be JSON objects: serde reads a struct from an array too (`[30, true]`
/// as `{"retention_days": 30, "legal_hold": true}`), a shape the API does not accept.
pub fn reject_json_array(body: &[u8], what: &str) -> Result<(), ServiceError> {
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => Err(ServiceError::InvalidRequest {
            message: format!("{what} must be a JSON object, not an array"),
            details: Some(serde_json::json!({ "field": "" })),
        }),
        _ => Ok(()),
    }
}

impl ServiceError {
    pub fn invalid(message: impl Into<String>) -> Self {
        ServiceError::InvalidRequest {
            message: message.into(),
            details: None,
        }
    }

    /// A bad query parameter, named in `details.parameter`.
    pub fn bad_param(name: &str, message: impl Into<String>) -> Self {
        ServiceError::InvalidRequest {
            message: message.into(),
            details: Some(serde_json::json!({ "parameter": name })),
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::AlreadyExists(what) => ServiceError::AlreadyExists(what),
            StoreError::IdConflict { index, id } => ServiceError::IdConflict { index, id },
            StoreError::Unavailable(m) => ServiceError::Unavailable(m),
            StoreError::StorageFull(m) => ServiceError::StorageFull(m),
            StoreError::Internal(m) => ServiceError::Internal(m),
        }
    }
}
