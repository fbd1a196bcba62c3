//! The API contract as an OpenAPI 3.1 document, generated from the handlers'
//! `#[utoipa::path]` attributes and the schemas below, served at `GET /v1/openapi.json`.
//! The committed copy is `docs/openapi.json`; `tests/api/openapi.rs` fails when the two
//! differ (regenerate with `AUDITLOG_UPDATE_OPENAPI=1 cargo test openapi`).
//!
//! This file only assembles the document: the response shapes are the views the handlers
//! send (`api/views/`), the request bodies the types they parse (`api/orgs.rs`, the
//! service's `SettingsUpdate` and `MintViewerToken`, the event model's `model::event`),
//! and what is parsed or sent as text is described by `api/doc_only.rs`. Nothing but the
//! router's `/v1/openapi.json` route uses this module. Schemathesis checks the live server
//! against this document (`.ci/schemathesis.sh`).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ObjectBuilder, RefOr, Schema};
use utoipa::{Modify, OpenApi};

use super::doc_only::{ExportFormat, Interval, SortOrder, Stack, StoredEvent, SummaryFormat};
use super::views::{ErrorBody, ErrorDetail};
use crate::model::Catalog;
use crate::model::event::{Actor, Change, Context, EntityRef, EventInput, Related, Via};
use crate::service::query::ALL_CATEGORIES;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "auditlog",
        description = "Multi-tenant audit log: ingest events, read, count and export them, \
                       prove their integrity. The hand-written reference is docs/api.md.",
        license(name = "proprietary"),
    ),
    paths(
        super::healthz,
        super::readyz,
        super::catalog::get,
        super::catalog::put_entity_type,
        super::catalog::put_action,
        super::catalog::delete_action,
        openapi_json,
        super::events::ingest,
        super::events::list,
        super::events::get_one,
        super::events::summary,
        super::events::histogram,
        super::events::export,
        super::integrity::public_keys,
        super::integrity::checkpoints,
        super::integrity::create,
        super::integrity::latest,
        super::integrity::inclusion,
        super::integrity::consistency,
        super::integrity::verify,
        super::integrity::retention_cut,
        super::integrity::get_settings,
        super::integrity::put_settings,
        super::orgs::create,
        super::orgs::list,
        super::orgs::rename,
        super::orgs::create_key,
        super::orgs::list_keys,
        super::orgs::revoke_key,
        super::viewer::mint,
        super::viewer::whoami,
    ),
    components(schemas(
        ErrorBody,
        ErrorDetail,
        EventInput,
        EntityRef,
        Actor,
        Via,
        Related,
        Change,
        Context,
        StoredEvent,
        SortOrder,
        SummaryFormat,
        Interval,
        Stack,
        ExportFormat,
    )),
    modifiers(&SecurityAndCatalog),
    tags(
        (name = "events", description = "Ingest, list, count and export events"),
        (name = "integrity", description = "Signed checkpoints, proofs, verification, retention"),
        (name = "orgs", description = "Organizations and API keys"),
        (name = "viewer", description = "Viewer tokens for the embedded page"),
        (name = "catalog", description = "Platform-defined entity types and actions"),
        (name = "meta", description = "Health, readiness, the catalog and this document"),
    )
)]
pub struct ApiDoc;

/// The name of the security scheme every authenticated operation names.
pub const BEARER: &str = "bearer";

/// Adds the bearer scheme, and pins the catalog-derived query filters: `category` to the
/// catalog's names (so that the document, like the server, rejects unknown ones), the
/// others to the name syntax (platform-defined names are the server's to know).
struct SecurityAndCatalog;

impl Modify for SecurityAndCatalog {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        // what the layers in front of every authenticated handler may answer
        for item in doc.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                if op.security.as_ref().is_none_or(|s| s.is_empty()) {
                    continue;
                }
                let error = |description: &str| {
                    utoipa::openapi::ResponseBuilder::new()
                        .description(description)
                        .content(
                            "application/json",
                            utoipa::openapi::ContentBuilder::new()
                                .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                                .build(),
                        )
                };
                op.responses.responses.insert(
                    "429".into(),
                    error(
                        "The credential's rate limit is exhausted (`rate_limited`); retry after \
                         `Retry-After` seconds.",
                    )
                    .header(
                        "Retry-After",
                        utoipa::openapi::header::Header::new(
                            utoipa::openapi::schema::ObjectBuilder::new()
                                .schema_type(utoipa::openapi::schema::Type::Integer),
                        ),
                    )
                    .build()
                    .into(),
                );
                op.responses.responses.insert(
                    "408".into(),
                    error("The request ran past the server's request timeout (`timeout`).")
                        .build()
                        .into(),
                );
            }
        }
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("alk_… API key, avt1.… viewer token or the operator token")
                    .description(Some(
                        "`Authorization: Bearer <credential>`: an org's API key (scope read, \
                         write or admin), a viewer token, or the operator token for /v1/orgs",
                    ))
                    .build(),
            ),
        );
        // categories are the built-in ones; entity types, verbs and actions may also be
        // platform-defined (docs/catalog.md), so those filters take any name of the syntax
        let catalog = Catalog::builtin();
        const PART: &str = "[a-z][a-z0-9_]{0,63}";
        let lists: [(&str, Vec<String>); 4] = [
            (
                "category",
                catalog.categories.iter().map(|c| c.name.clone()).collect(),
            ),
            ("entity_type", vec![PART.to_string()]),
            ("verb", vec![PART.to_string()]),
            ("action", vec![format!("{PART}\\.({PART}|\\*)")]),
        ];
        for item in doc.paths.paths.values_mut() {
            let Some(op) = item.get.as_mut() else {
                continue;
            };
            for p in op.parameters.iter_mut().flatten() {
                let RefOr::T(p) = p else { continue };
                if let Some((name, names)) = lists.iter().find(|(n, _)| *n == p.name) {
                    // `category=all`: every category, alone
                    let alone = (*name == "category").then_some(ALL_CATEGORIES);
                    p.schema = Some(if *name == "category" {
                        comma_list_of(names, alone)
                    } else {
                        comma_list_of_patterns(names)
                    });
                }
            }
        }
    }
}

/// A comma-separated list whose items are all in `names`, or `alone` by itself (a regular
/// expression: the catalog's names contain only `a-z`, `_`, `.` and `*`).
fn comma_list_of(names: &[String], alone: Option<&str>) -> RefOr<Schema> {
    let alt = names
        .iter()
        .map(|n| n.replace('.', "\\.").replace('*', "\\*"))
        .collect::<Vec<_>>()
        .join("|");
    let list = format!("({alt})(,({alt}))*");
    let pattern = match alone {
        Some(a) => format!("^({a}|{list})$"),
        None => format!("^{list}$"),
    };
    RefOr::T(Schema::Object(
        ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(pattern))
            .build(),
    ))
}

/// A comma-separated list whose items each match one of `patterns` (regular expressions).
fn comma_list_of_patterns(patterns: &[String]) -> RefOr<Schema> {
    let alt = patterns.join("|");
    RefOr::T(Schema::Object(
        ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(format!("^({alt})(,({alt}))*$")))
            .build(),
    ))
}

/// The document as the server serves it and `docs/openapi.json` holds it: pretty JSON
/// with a trailing newline.
pub fn document_json() -> String {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    let mut s = doc
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// This document.
#[utoipa::path(
    get, path = "/v1/openapi.json", tag = "meta", operation_id = "openapi",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json", body = Object))
)]
pub async fn openapi_json() -> Response {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let body = DOC.get_or_init(document_json).clone();
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}
