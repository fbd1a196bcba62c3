//! The API contract as an OpenAPI 3.1 document, generated from the handlers'
//! `#[utoipa::path]` attributes and the schemas below, served at `GET /v1/openapi.json`.
//! The committed copy is `docs/openapi.json`; `tests/api/openapi.rs` fails when the two
//! differ (regenerate with `AUDITLOG_UPDATE_OPENAPI=1 cargo test openapi`).
//!
//! Most handlers build their JSON with `json!` (or splice stored canonical bodies), so the
//! response shapes are described here by schema-only types; the request types of the
//! event model (`model::event`) carry `ToSchema` themselves. Schemathesis checks the live
//! server against this document (`.ci/schemathesis.sh`).

// Schema-only types: their fields are read by the derive macros, never by code.
#![allow(dead_code)]

use std::collections::BTreeMap;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ObjectBuilder, RefOr, Schema};
use utoipa::{IntoParams, IntoResponses, Modify, OpenApi, ToSchema};

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
        super::catalog,
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
        (name = "meta", description = "Health, readiness, the catalog and this document"),
    )
)]
pub struct ApiDoc;

/// The name of the security scheme every authenticated operation names.
pub const BEARER: &str = "bearer";

/// Adds the bearer scheme, and pins the catalog-derived query filters to the names the
/// catalog knows (so that the document, like the server, rejects unknown ones).
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
        let catalog = Catalog::builtin();
        let lists: [(&str, Vec<String>); 4] = [
            (
                "category",
                catalog.categories.iter().map(|c| c.name.clone()).collect(),
            ),
            (
                "entity_type",
                catalog
                    .entity_types
                    .iter()
                    .map(|c| c.name.clone())
                    .collect(),
            ),
            (
                "verb",
                catalog.verbs.iter().map(|c| c.name.clone()).collect(),
            ),
            ("action", {
                let mut v: Vec<String> = catalog.actions().map(|a| a.name.clone()).collect();
                let mut types: Vec<String> = catalog
                    .entity_types
                    .iter()
                    .map(|t| format!("{}.*", t.name))
                    .collect();
                v.append(&mut types);
                v
            }),
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
                    p.schema = Some(comma_list_of(names, alone));
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

// ---- errors -------------------------------------------------------------------------

/// Every error the application produces.
#[derive(ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(ToSchema)]
pub struct ErrorDetail {
    /// Stable, for programs.
    #[schema(example = "invalid_request")]
    pub code: ErrorCode,
    /// For humans; may change.
    pub message: String,
    /// `null`, or an object or array whose shape depends on `code`: `{"parameter"}` for a
    /// query parameter, `{"field"}` for org, key, settings and token bodies, `{"line",
    /// "column"}` for malformed JSON, `{"index", "id"}` for `id_conflict`, a list of
    /// `{"index", "field", "message"}` for `invalid_event`.
    #[schema(value_type = Option<Value>, required = true)]
    pub details: Option<Value>,
}

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
}

/// A bad query parameter or body; `details.parameter` or `details.field` names it.
#[derive(IntoResponses)]
#[response(status = 400)]
pub struct BadRequest(ErrorBody);

/// Missing, unknown, malformed or revoked credential (`unauthorized`), or a viewer token
/// that expired (`token_expired`) or does not verify (`token_invalid`).
#[derive(IntoResponses)]
#[response(status = 401, headers(("WWW-Authenticate" = String, description = "Bearer")))]
pub struct Unauthorized(ErrorBody);

/// The credential is valid but may not do this (scope, operator vs. API key).
#[derive(IntoResponses)]
#[response(status = 403)]
pub struct Forbidden(ErrorBody);

/// Nothing with that name in the caller's org (another org's things look the same).
#[derive(IntoResponses)]
#[response(status = 404)]
pub struct NotFound(ErrorBody);

/// The request body is too large.
#[derive(IntoResponses)]
#[response(status = 413)]
pub struct PayloadTooLarge(ErrorBody);

/// The storage cannot serve now (`unavailable`), or its disk is full (`storage_full`, with
/// `Retry-After`); nothing was stored, retry later with the same event ids.
#[derive(IntoResponses)]
#[response(
    status = 503,
    headers(("Retry-After" = u64, description = "With `storage_full`: seconds to wait before retrying"))
)]
pub struct Unavailable(ErrorBody);

// ---- query parameters ---------------------------------------------------------------

/// The filters every event endpoint shares (see docs/api.md, `GET /v1/events`).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventFilters {
    /// Inclusive lower bound on `occurred_at`: RFC 3339 with offset, or `YYYY-MM-DD`
    /// (the start of that day in `tz`). Must be before `to`.
    pub from: Option<String>,
    /// Exclusive upper bound: RFC 3339 with offset, or `YYYY-MM-DD` (that whole day in `tz`).
    pub to: Option<String>,
    /// IANA time zone for date values of `from`/`to` (and report buckets). Default `UTC`.
    #[param(example = "Europe/Berlin")]
    pub tz: Option<String>,
    /// Comma list of categories, or `all` alone: every category, `access` (recorded reads
    /// of the log) included. Without any of `category`, `entity_type`, `verb`, `action`,
    /// the `access` category is left out.
    pub category: Option<String>,
    /// Comma list of catalog entity types.
    pub entity_type: Option<String>,
    /// Comma list of catalog verbs.
    pub verb: Option<String>,
    /// Comma list of actions (`ticket.merged`) or `<entity_type>.*`.
    pub action: Option<String>,
    /// Comma list of `entity.id` values (at most 100, each at most 256 bytes).
    pub entity_id: Option<String>,
    /// Comma list of `actor.id` values (at most 100, each at most 256 bytes).
    pub actor_id: Option<String>,
    /// Comma list of `user`, `system`.
    #[param(pattern = "^(user|system)(,(user|system))*$")]
    pub actor_type: Option<String>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page size.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    pub order: Option<SortOrder>,
    /// `next_cursor` of the previous page, unchanged (bound to the org, filters and order).
    pub cursor: Option<String>,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryParams {
    /// Comma list of `category`, `entity_type`, `action`, `verb`, `actor`, `via_type`,
    /// `hour`, `day`, `week`, `month`: each at most once, at most one time dimension.
    pub group_by: Option<String>,
    /// Groups to return.
    #[param(minimum = 1, maximum = 10000)]
    pub limit: Option<u32>,
    pub format: Option<SummaryFormat>,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum SummaryFormat {
    Json,
    Csv,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistogramParams {
    pub interval: Option<Interval>,
    pub stack: Option<Stack>,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum Interval {
    Hour,
    Day,
    Week,
    Month,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Stack {
    Verb,
    Category,
    EntityType,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    pub format: Option<ExportFormat>,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Ndjson,
    Jsonl,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckpointListParams {
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InclusionParams {
    /// The event's `id`.
    pub event_id: String,
    /// The tree to prove inclusion in: from the event's `seq` to the current tree size;
    /// default the latest checkpoint's.
    #[param(minimum = 0)]
    pub tree_size: Option<u64>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsistencyParams {
    /// The older tree size, at least 1.
    #[param(minimum = 0)]
    pub from: u64,
    /// The newer tree size, from `from` to the current tree size.
    #[param(minimum = 0)]
    pub to: u64,
}

// ---- events -------------------------------------------------------------------------

/// A batch: `{"events": [...]}` with no other member.
#[derive(ToSchema, serde::Serialize)]
pub struct EventBatchBody {
    #[schema(min_items = 1, max_items = 1000)]
    pub events: Vec<EventInput>,
}

/// One event, a `{"events": [...]}` batch, or a JSON array of 1 to 1000 events.
#[derive(ToSchema, serde::Serialize)]
#[serde(untagged)]
pub enum IngestBody {
    One(Box<EventInput>),
    Batch(EventBatchBody),
    Array(Vec<EventInput>),
}

#[derive(ToSchema)]
pub struct IngestReceipt {
    /// New events stored.
    pub accepted: u64,
    /// Events recognised as repeats (same id, same content).
    pub duplicates: u64,
    /// One entry per event sent, in request order.
    pub events: Vec<IngestedEvent>,
}

#[derive(ToSchema)]
pub struct IngestedEvent {
    pub id: String,
    #[schema(minimum = 1)]
    pub seq: u64,
    /// Present (and `true`) for a duplicate; `seq` is then the original's.
    pub duplicate: Option<bool>,
}

/// A stored event: what the client sent, normalized, plus what the server adds. The body
/// is canonical JSON (RFC 8785); optional members that were not sent are omitted.
#[derive(ToSchema)]
pub struct StoredEvent {
    pub action: String,
    pub actor: Actor,
    pub category: String,
    pub changes: Vec<Change>,
    pub context: Context,
    pub entity: EntityRef,
    /// SHA-256 (hex) of the canonical event without `hash`.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub hash: String,
    pub id: String,
    pub metadata: BTreeMap<String, Value>,
    /// UTC, six fractional digits.
    pub occurred_at: String,
    pub org: String,
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub prev_hash: String,
    pub recorded_at: String,
    pub related: Vec<Related>,
    #[schema(minimum = 1)]
    pub seq: u64,
    pub via: Option<Via>,
}

#[derive(ToSchema)]
pub struct EventPage {
    pub events: Vec<StoredEvent>,
    /// `null` on the last page.
    pub next_cursor: Option<String>,
}

#[derive(ToSchema)]
pub struct Summary {
    pub group_by: Vec<String>,
    /// Each group has `count` and one member per `group_by` dimension (an `actor` is
    /// `{"type", "id", "name"}`).
    pub groups: Vec<SummaryGroup>,
    pub total: u64,
    /// `true` when `limit` cut groups off.
    pub truncated: bool,
}

#[derive(ToSchema, serde::Serialize)]
pub struct SummaryGroup {
    pub count: u64,
    /// One member per `group_by` dimension.
    #[serde(flatten)]
    pub dimensions: BTreeMap<String, Value>,
}

#[derive(ToSchema)]
pub struct Histogram {
    pub interval: String,
    pub tz: String,
    pub stack: Option<String>,
    pub keys: Vec<String>,
    pub buckets: Vec<HistogramBucket>,
    pub total: u64,
}

#[derive(ToSchema)]
pub struct HistogramBucket {
    /// The bucket's local start with that moment's offset.
    pub start: String,
    pub label: String,
    pub total: u64,
    pub counts: BTreeMap<String, u64>,
}

// ---- catalog, health ----------------------------------------------------------------

#[derive(ToSchema)]
pub struct CatalogDoc {
    pub version: u32,
    pub categories: Vec<CatalogName>,
    pub verbs: Vec<CatalogName>,
    pub entity_types: Vec<CatalogName>,
    pub actions: Vec<CatalogAction>,
}

#[derive(ToSchema)]
pub struct CatalogName {
    pub name: String,
    pub label: String,
    pub description: Option<String>,
}

#[derive(ToSchema)]
pub struct CatalogAction {
    pub action: String,
    pub label: String,
    pub category: String,
    pub description: String,
    pub sources: Vec<String>,
}

#[derive(ToSchema)]
pub struct Status {
    pub status: String,
}

// ---- integrity ----------------------------------------------------------------------

#[derive(ToSchema)]
pub struct PublicKeys {
    pub keys: Vec<PublicKey>,
}

#[derive(ToSchema)]
pub struct PublicKey {
    pub key_id: String,
    pub name: String,
    pub algorithm: String,
    /// Base64.
    pub public_key: String,
    /// The C2SP verifier key `<name>+<hash>+<base64 key>`.
    pub verifier_key: String,
    pub valid_from: String,
    pub valid_until: Option<String>,
}

#[derive(ToSchema)]
pub struct CheckpointView {
    pub tree_size: u64,
    /// Base64 root hash.
    pub root: String,
    pub time: String,
    pub key_id: String,
    /// The C2SP signed note.
    pub note: String,
}

#[derive(ToSchema)]
pub struct CheckpointList {
    /// Newest first.
    pub checkpoints: Vec<CheckpointView>,
}

#[derive(ToSchema)]
pub struct InclusionProof {
    pub event_id: String,
    pub seq: u64,
    pub leaf_index: u64,
    pub tree_size: u64,
    pub leaf_hash: String,
    pub proof: Vec<String>,
}

#[derive(ToSchema)]
pub struct ConsistencyProof {
    pub from: u64,
    pub to: u64,
    pub proof: Vec<String>,
}

#[derive(ToSchema)]
pub struct VerifyResult {
    pub ok: bool,
    pub events: u64,
    pub checkpoints: u64,
    pub first_broken_seq: Option<u64>,
    pub problem: Option<String>,
    pub summary: String,
}

#[derive(ToSchema)]
pub struct RetentionCut {
    pub cut_seq: u64,
    /// Hex.
    pub prev_hash: String,
    /// Base64 Merkle peaks.
    pub peaks: Vec<String>,
}

#[derive(ToSchema)]
pub struct Settings {
    #[schema(value_type = Option<u64>, minimum = 1, maximum = 4294967295_u64)]
    pub retention_days: Option<u32>,
    pub legal_hold: bool,
    #[schema(value_type = Option<u64>, minimum = 1, maximum = 4294967295_u64)]
    pub effective_retention_days: Option<u32>,
}

/// `PUT /v1/settings`; no other member.
#[derive(ToSchema)]
pub struct SettingsPut {
    /// At least 1; `null` keeps events forever.
    #[schema(value_type = Option<u64>, minimum = 1, maximum = 4294967295_u64)]
    pub retention_days: Option<u32>,
    /// Default `false`.
    pub legal_hold: Option<bool>,
}

// ---- orgs and keys ------------------------------------------------------------------

#[derive(ToSchema)]
pub struct OrgView {
    pub slug: String,
    pub name: String,
    pub created_at: String,
}

#[derive(ToSchema)]
pub struct OrgList {
    pub orgs: Vec<OrgView>,
}

/// No other member.
#[derive(ToSchema)]
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

#[derive(ToSchema)]
pub struct CreatedOrg {
    pub org: OrgView,
    pub admin_key: CreatedKey,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum KeyScope {
    Read,
    Write,
    Admin,
}

#[derive(ToSchema)]
pub struct KeyView {
    /// `key_` + ULID.
    pub id: String,
    pub org: String,
    pub scope: KeyScope,
    pub name: String,
    /// The first 12 characters of the secret.
    pub prefix: String,
    pub created_at: String,
    /// `null` while active.
    pub revoked_at: Option<String>,
}

#[derive(ToSchema)]
pub struct KeyList {
    pub keys: Vec<KeyView>,
}

/// No other member.
#[derive(ToSchema)]
pub struct CreateKey {
    pub scope: KeyScope,
    /// At most 512 bytes, no control characters or bidirectional overrides.
    #[schema(pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069]*$")]
    pub name: Option<String>,
}

#[derive(ToSchema)]
pub struct CreatedKey {
    pub key: KeyView,
    /// The secret, shown only this once.
    pub secret: String,
}

// ---- viewer tokens ------------------------------------------------------------------

/// No other member; an empty body means all defaults.
#[derive(ToSchema)]
pub struct MintViewerToken {
    /// Lifetime in seconds, default 900.
    #[schema(minimum = 1, maximum = 86400)]
    pub ttl_seconds: Option<i64>,
    /// The categories the token may read; omit for all.
    #[schema(min_items = 1)]
    pub categories: Option<Vec<String>>,
}

#[derive(ToSchema)]
pub struct OrgRef {
    pub slug: String,
    pub name: String,
}

#[derive(ToSchema)]
pub struct ViewerToken {
    pub token: String,
    pub org: OrgRef,
    pub categories: Option<Vec<String>>,
    pub expires_at: String,
    pub expires_in: i64,
    pub embed_path: String,
}

#[derive(ToSchema)]
pub struct WhoAmI {
    pub org: OrgRef,
    /// `key` or `viewer_token`.
    pub credential: String,
    pub scope: KeyScope,
    pub categories: Option<Vec<String>>,
    pub expires_at: Option<String>,
}
