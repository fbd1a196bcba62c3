//! The Audit Log page: HTML, CSS and JS embedded in the binary, served at `/` (sign in with
//! a key or token) and `/embed` (opened with `?token=`, framed by the host product), under
//! a strict Content-Security-Policy: nothing inline, nothing from other origins.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::service::Service;

const INDEX_HTML: &str = include_str!("../../web/index.html");
const APP_JS: &str = include_str!("../../web/app.js");
const APP_CSS: &str = include_str!("../../web/app.css");
const FAVICON_SVG: &str = include_str!("../../web/favicon.svg");

pub fn routes() -> Router<Service> {
    Router::new()
        .route("/", get(index))
        .route("/embed", get(embed))
        .route("/assets/app.js", get(app_js))
        .route("/assets/app.css", get(app_css))
        .route("/favicon.svg", get(favicon))
}

/// The policy for every page response; `frame_ancestors` decides who may frame it.
pub fn csp(frame_ancestors: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors {frame_ancestors}"
    )
}

fn with_headers(content_type: &'static str, body: &'static str, csp: String) -> Response {
    let mut resp = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // `/embed?token=...` must not leak its token through a Referer.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    resp
}

async fn index() -> Response {
    // The sign-in page takes keys: never framed (clickjacking).
    with_headers("text/html; charset=utf-8", INDEX_HTML, csp("'none'"))
}

async fn embed(State(service): State<Service>) -> Response {
    let origins = service.embed_origins();
    let ancestors = if origins.is_empty() {
        "'none'".to_string()
    } else {
        origins.join(" ")
    };
    with_headers("text/html; charset=utf-8", INDEX_HTML, csp(&ancestors))
}

async fn app_js() -> Response {
    with_headers("text/javascript; charset=utf-8", APP_JS, csp("'none'"))
}

async fn app_css() -> Response {
    with_headers("text/css; charset=utf-8", APP_CSS, csp("'none'"))
}

async fn favicon() -> Response {
    with_headers("image/svg+xml", FAVICON_SVG, csp("'none'"))
}
