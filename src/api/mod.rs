//! The HTTP layer: routes, request parsing, response shapes. Handlers turn HTTP into calls
//! on [`Service`] and back; they hold no business rules and no SQL.

mod body;
mod catalog;
mod doc_only;
pub mod error;
mod events;
mod integrity;
pub mod openapi;
mod orgs;
pub mod query;
mod viewer;
pub mod views;
mod web;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

use crate::service::ratelimit::Budget;
use crate::service::{Principal, Service};
use error::ApiError;

pub type ApiResult<T> = Result<T, ApiError>;

pub fn router(service: Service) -> Router {
    let body_limit = service.limits().max_body_bytes;
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/v1/catalog", get(catalog::get))
        .route(
            "/v1/catalog/entity-types/{type}",
            axum::routing::put(catalog::put_entity_type),
        )
        .route(
            "/v1/catalog/actions/{action}",
            axum::routing::put(catalog::put_action).delete(catalog::delete_action),
        )
        .route("/v1/events", get(events::list).post(events::ingest))
        .route("/v1/events/summary", get(events::summary))
        .route("/v1/events/histogram", get(events::histogram))
        .route("/v1/events/export", get(events::export))
        .route("/v1/events/{id}", get(events::get_one))
        .route("/v1/integrity/public-keys", get(integrity::public_keys))
        .route(
            "/v1/integrity/checkpoints",
            get(integrity::checkpoints).post(integrity::create),
        )
        .route("/v1/integrity/checkpoints/latest", get(integrity::latest))
        .route("/v1/integrity/inclusion", get(integrity::inclusion))
        .route("/v1/integrity/consistency", get(integrity::consistency))
        .route(
            "/v1/integrity/verify",
            axum::routing::post(integrity::verify),
        )
        .route("/v1/integrity/retention-cut", get(integrity::retention_cut))
        .route(
            "/v1/settings",
            get(integrity::get_settings).put(integrity::put_settings),
        )
        .route("/v1/orgs", get(orgs::list).post(orgs::create))
        .route("/v1/orgs/{slug}", axum::routing::patch(orgs::rename))
        .route(
            "/v1/orgs/{slug}/keys",
            get(orgs::list_keys).post(orgs::create_key),
        )
        .route("/v1/orgs/{slug}/keys/{key_id}", delete(orgs::revoke_key))
        .route("/v1/viewer-tokens", axum::routing::post(viewer::mint))
        .route("/v1/whoami", get(viewer::whoami))
        .route("/v1/openapi.json", get(openapi::openapi_json))
        .merge(web::routes())
        .fallback(|| async { ApiError::not_found_route() })
        .layer(axum::middleware::map_response(json_errors))
        // The ingest handler enforces its own limit with a JSON error; this is the backstop.
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error",
            )
            .into_response()
        }))
        // gzip whenever the client accepts it, streamed exports included
        // (small bodies, such as ingest acknowledgements, are not worth a deflate stream)
        .layer(
            tower_http::compression::CompressionLayer::new()
                .gzip(true)
                .compress_when(tower_http::compression::predicate::SizeAbove::new(2048)),
        )
        // Over its budget, a request is refused before anything else runs: one org far over
        // its quota should cost the server as little as possible (its answer is already JSON).
        .layer(axum::middleware::from_fn_with_state(
            service.clone(),
            rate_limit,
        ))
        // Spans name the method and the path only: query strings carry filter values (ids,
        // emails) and whatever a client pastes there, which do not belong in logs.
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                tracing::debug_span!("request", method = %req.method(), path = %req.uri().path())
            }),
        )
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            service.request_timeout(),
        ))
        // the timeout's own 408 is made outside the inner mapping: give it the JSON shape too
        .layer(axum::middleware::map_response(json_errors))
        .with_state(service)
}

/// Per-key budgets: `POST /v1/events` spends the key's ingest budget, every other `/v1`
/// request its read budget (a viewer token its minting key's). Requests whose credential
/// does not resolve pass on, to be refused by their handler.
async fn rate_limit(
    State(service): State<Service>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if !req.uri().path().starts_with("/v1/") {
        return next.run(req).await;
    }
    let budget = if req.method() == axum::http::Method::POST && req.uri().path() == "/v1/events" {
        Budget::Ingest
    } else {
        Budget::Read
    };
    let mut req = req;
    if let Ok(p) = principal(&service, req.headers()).await {
        if let Err(e) = service.check_rate(&p, budget) {
            return ApiError::from(e).into_response();
        }
        // the handler's `Caller` takes it from here: one authentication per request
        req.extensions_mut().insert(Resolved(p));
    }
    next.run(req).await
}

/// The caller, as the rate limiter resolved it.
#[derive(Clone)]
struct Resolved(Principal);

/// The authenticated caller of a request: resolved once, by the rate limiter in front of
/// every `/v1` route; resolved here only when it could not be (a missing or refused
/// credential, which then answers 401 with the reason, or a store that failed).
pub(crate) struct Caller(pub Principal);

impl axum::extract::FromRequestParts<Service> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        service: &Service,
    ) -> Result<Self, Self::Rejection> {
        if let Some(Resolved(p)) = parts.extensions.remove::<Resolved>() {
            return Ok(Caller(p));
        }
        principal(service, &parts.headers).await.map(Caller)
    }
}

/// Resolves the caller from `Authorization: Bearer <token>`.
pub(crate) async fn principal(service: &Service, headers: &HeaderMap) -> ApiResult<Principal> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then_some(token)
        })
        .map(str::trim);
    Ok(service.authenticate(bearer).await?)
}

/// The path's segments, percent-decoded, invalid UTF-8 replaced. For handlers whose path
/// parameter did not decode: such an id or slug names nothing that exists, so it answers
/// like any unknown one (after authentication: 401 before 404), never with a 400.
pub(crate) fn lossy_segments(uri: &axum::http::Uri) -> Vec<String> {
    uri.path()
        .split('/')
        .map(|s| String::from_utf8_lossy(&query::percent_decode(s)).into_owned())
        .collect()
}

/// Errors produced by the framework itself (405, 408, 413 from an extractor) come with an
/// empty or plain-text body: give them our JSON shape too.
async fn json_errors(resp: Response) -> Response {
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this route does not accept this method; see the Allow header",
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "timeout",
            "the request took too long and was abandoned; nothing was stored",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the request body is too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "unsupported Content-Type; send application/json",
        ),
        s if s.is_server_error() => ("internal", "internal error"),
        _ => ("invalid_request", "the request could not be understood"),
    };
    let allow = resp.headers().get(header::ALLOW).cloned();
    let mut out = ApiError::new(status, code, message).into_response();
    if let Some(allow) = allow {
        out.headers_mut().insert(header::ALLOW, allow);
    }
    out
}

/// Liveness: `200` while the process runs. No authentication.
#[utoipa::path(
    get, path = "/healthz", tag = "meta", operation_id = "healthz",
    responses((status = 200, description = "Alive", body = views::Status))
)]
async fn healthz() -> Response {
    axum::Json(views::Status::OK).into_response()
}

/// Readiness: `200` when the database readers and the writer respond.
#[utoipa::path(
    get, path = "/readyz", tag = "meta", operation_id = "readyz",
    responses((status = 200, description = "Ready", body = views::Status), views::Unavailable)
)]
async fn readyz(State(service): State<Service>) -> Response {
    match service.ready().await {
        Ok(()) => axum::Json(views::Status::READY).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}
