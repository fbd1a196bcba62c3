//! JSON request bodies, read whatever their `Content-Type` and refused in our error format:
//! `400 invalid_request` with the serde message and `details.field` naming the member
//! (serde_path_to_error's path), a JSON array refused as such (serde would read a struct
//! from one). A body over the limit is refused by the body reader itself (413, given the
//! JSON shape by `api::json_errors`).
//!
//! [`Json`] refuses a bad body before the handler runs; [`Deferred`] lets the handler
//! check the caller first (a caller who may not do something hears 403 whatever it sent).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::json;

use super::ApiResult;
use super::error::ApiError;
use crate::service::catalog_rules::{ActionPut, EntityTypePut};
use crate::service::error::{json_message, reject_json_array};
use crate::service::{MintViewerToken, ServiceError, SettingsUpdate};

impl JsonRequest for EntityTypePut {
    const WHAT: &'static str = "the entity type";
    const INVALID: &'static str = "invalid entity type";
    const ROOT_FIELD: &'static str = "";
}

impl JsonRequest for ActionPut {
    const WHAT: &'static str = "the action";
    const INVALID: &'static str = "invalid action";
    const ROOT_FIELD: &'static str = "";
}

/// A request body the API reads as JSON, and how its errors read.
pub trait JsonRequest: DeserializeOwned {
    /// What the body is, in "... must be a JSON object, not an array".
    const WHAT: &'static str;
    /// The start of a parse error's message: "`INVALID`: <serde's message>".
    const INVALID: &'static str;
    /// `details.field` of an error in the body as a whole.
    const ROOT_FIELD: &'static str = ".";

    /// The request an empty body (or whitespace only) stands for; `None`: an empty body is
    /// malformed JSON like any other.
    fn empty() -> Option<Self> {
        None
    }
}

/// Parses `body` as `T`, with errors in our format.
pub fn parse<T: JsonRequest>(body: &[u8]) -> ApiResult<T> {
    if body.iter().all(u8::is_ascii_whitespace)
        && let Some(empty) = T::empty()
    {
        return Ok(empty);
    }
    reject_json_array(body, T::WHAT)?;
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = match e.path().to_string() {
            p if p == "." => T::ROOT_FIELD.to_string(),
            p => p,
        };
        ApiError::from(ServiceError::InvalidRequest {
            message: format!("{}: {}", T::INVALID, json_message(e.inner())),
            details: Some(json!({ "field": field })),
        })
    })
}

/// A JSON body, parsed before the handler runs.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: JsonRequest> FromRequest<S> for Json<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Deferred(parsed) = Deferred::<T>::from_request(req, state).await?;
        parsed.map(Json).map_err(IntoResponse::into_response)
    }
}

/// A JSON body read before the handler runs, its parse error (if any) handed to the
/// handler, to answer once it has checked the caller.
pub struct Deferred<T>(ApiResult<T>);

impl<T> Deferred<T> {
    /// The request, or why its body is refused.
    pub fn parsed(self) -> ApiResult<T> {
        self.0
    }
}

impl<S: Send + Sync, T: JsonRequest> FromRequest<S> for Deferred<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Deferred(parse(&body)))
    }
}

impl JsonRequest for SettingsUpdate {
    const WHAT: &'static str = "the settings";
    const INVALID: &'static str = "invalid settings";
}

impl JsonRequest for MintViewerToken {
    const WHAT: &'static str = "a viewer token request";
    const INVALID: &'static str = "invalid viewer token request";

    fn empty() -> Option<Self> {
        Some(MintViewerToken::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::orgs::CreateOrg;

    fn refused<T: JsonRequest>(body: &str) -> (String, serde_json::Value) {
        match parse::<T>(body.as_bytes()) {
            Ok(_) => panic!("{body:?} accepted"),
            Err(e) => (e.message, e.details),
        }
    }

    #[test]
    fn errors_read_as_before() {
        let (m, d) = refused::<CreateOrg>("");
        assert!(m.starts_with("invalid body: EOF"), "{m}");
        assert_eq!(d, json!({ "field": "" }));
        let (m, d) = refused::<CreateOrg>(r#"{"slug": 5}"#);
        assert!(m.starts_with("invalid body: invalid type"), "{m}");
        assert_eq!(d, json!({ "field": "slug" }));
        let (m, d) = refused::<SettingsUpdate>("[30, true]");
        assert_eq!(m, "the settings must be a JSON object, not an array");
        assert_eq!(d, json!({ "field": "" }));
        let (m, d) = refused::<SettingsUpdate>("7");
        assert!(m.starts_with("invalid settings: "), "{m}");
        assert_eq!(d, json!({ "field": "." }));
        let (m, d) = refused::<MintViewerToken>(r#"{"ttl": 5}"#);
        assert!(
            m.starts_with("invalid viewer token request: unknown field"),
            "{m}"
        );
        assert_eq!(d, json!({ "field": "ttl" }));
    }

    #[test]
    fn an_empty_viewer_token_request_means_the_defaults() {
        let m = parse::<MintViewerToken>(b" \n").expect("defaults");
        assert!(m.ttl_seconds.is_none() && m.categories.is_none());
        assert!(parse::<SettingsUpdate>(b"").is_err());
    }
}
