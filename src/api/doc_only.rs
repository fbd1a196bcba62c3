//! Doc-only types: what the handlers read or send as text, described for the OpenAPI
//! document (`api/openapi.rs`) and never built. The query strings are parsed by hand
//! (`service/query.rs`: unknown parameters are refused, and the catalog-derived filters
//! are pinned to the catalog's names by the document's modifier), the ingest body is split
//! without building JSON trees (`service/ingest.rs`), stored events are sent as their
//! stored canonical text, and the catalog as the catalog file itself.
//!
//! Everything else the API sends is a view (`api/views/`) the handlers build.

// Never constructed: the derive macros read their fields.
#![allow(dead_code)]

use std::collections::BTreeMap;

use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::model::event::{Actor, Change, Context, EntityRef, EventInput, Related, Via};

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
    /// Comma list of `entity.id` values (at most 200, each at most 256 bytes).
    pub entity_id: Option<String>,
    /// Comma list of `actor.id` values (at most 200, each at most 256 bytes).
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

// ---- events (the ingest body, stored events) ---------------------------------------

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
    /// For a platform-defined action only: the version of its definition the event was
    /// validated against.
    #[schema(minimum = 1)]
    pub schema_version: Option<u32>,
    #[schema(minimum = 1)]
    pub seq: u64,
    pub via: Option<Via>,
}

// ---- the catalog (served as the catalog file) --------------------------------------

#[derive(ToSchema)]
pub struct CatalogDoc {
    pub version: u32,
    pub categories: Vec<CatalogName>,
    pub verbs: Vec<CatalogName>,
    pub entity_types: Vec<CatalogName>,
    pub ocsf: CatalogOcsf,
    pub actions: Vec<CatalogAction>,
}

/// The OCSF classes the actions map to.
#[derive(ToSchema)]
pub struct CatalogOcsf {
    /// The OCSF schema version, e.g. `1.7.0`.
    pub version: String,
    pub classes: Vec<CatalogOcsfClass>,
}

#[derive(ToSchema)]
pub struct CatalogOcsfClass {
    pub class_uid: u32,
    pub name: String,
    /// Activity captions keyed by `activity_id`.
    pub activities: std::collections::BTreeMap<String, String>,
}

/// An action's OCSF class and activity.
#[derive(ToSchema)]
pub struct CatalogOcsfMapping {
    pub class_uid: u32,
    pub activity_id: u32,
}

#[derive(ToSchema)]
pub struct CatalogName {
    pub name: String,
    pub label: String,
    pub description: Option<String>,
    /// Platform-defined (an entity type or a verb); absent for built-ins.
    pub custom: Option<bool>,
    /// A platform-defined entity type's: `instance` or `org`.
    pub scope: Option<String>,
    /// A platform-defined entity type's latest version.
    pub version: Option<u32>,
    /// A platform-defined entity type: whether its entities hold personal data.
    pub personal: Option<bool>,
}

#[derive(ToSchema)]
pub struct CatalogAction {
    pub action: String,
    pub label: String,
    pub category: String,
    pub description: String,
    pub sources: Vec<String>,
    pub ocsf: CatalogOcsfMapping,
    /// The `metadata` members a sender is expected to fill, with what each holds (security
    /// actions). Guidance, not validated.
    pub metadata: Option<std::collections::BTreeMap<String, String>>,
    /// Platform-defined; absent for built-ins.
    pub custom: Option<bool>,
    /// A platform-defined action's: `instance` or `org`.
    pub scope: Option<String>,
    /// A platform-defined action's latest version (what new events record as
    /// `schema_version`).
    pub version: Option<u32>,
    /// A deprecated action takes no new events.
    pub deprecated: Option<bool>,
    /// The JSON Schema (2020-12) its events' `metadata` must satisfy.
    #[schema(value_type = Option<Object>)]
    pub metadata_schema: Option<serde_json::Value>,
    /// The only `changes[].field` names its events may carry.
    pub change_fields: Option<Vec<String>>,
}
