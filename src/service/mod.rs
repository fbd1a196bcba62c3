//! The service layer: the rules of the audit log, with no HTTP types and no SQL. `Service`
//! (this file: its fields, its constructor and builders, the types its methods take and
//! return) is shared by the HTTP handlers (`api/`), the CLI's operator commands (`cli/`)
//! and the background tasks (`server.rs`). Its methods live with the concern they belong to:
//!
//! | file | what it owns |
//! |---|---|
//! | `auth.rs` | `Principal` (and `SystemActor`, the service writing its own events), `authenticate`, the cache of verified keys, `org_for` (which org a principal may access with a scope), `require_operator` |
//! | `ingest.rs` | `write_access` (the write scope, checked once, before a body is read), `ingest`, `ingest_values`: splitting a body into events, batch limits, validation, the append |
//! | `reads.rs` | `list_events`, `summary`, `histogram`, `export` (each taking a typed request), `get_event` |
//! | `orgs.rs` | orgs and their API keys: `create_org`, `rename_org`, `list_orgs`, `find_org`, `create_key`, `list_keys`, `revoke_key` |
//! | `retention.rs` | `settings`, `put_settings`, `purge_org` (and `purge`, the operator's), the purge's `audit_log.purged` records, `purge_pass` |
//! | `proofs.rs` | checkpoints (`checkpoint_org`, `checkpoint_pass`, `checkpoints`, `list_checkpoints`), `public_keys`, `inclusion`, `consistency`, `retention_cut`, `verify` (and `verify_org`, the operator's) |
//! | `admin.rs` | self-audit: the `admin` records of administrative acts (org created or renamed, key created or revoked, settings changed, viewer token minted, signing key rotated), written by `Store::administer` with the change |
//! | `catalog.rs` | the platform-defined catalog: `put_entity_type`, `put_action`, `delete_action`, `catalog_document`, and the per-org views (`catalog_view`) ingest and reads resolve names against, with their cache |
//! | `access.rs` | reads of the log recorded as `audit_log.viewed`/`exported`; the actions only the service writes |
//! | `viewing.rs` | viewer tokens in the service: minting, authenticating, `whoami` |
//! | `scope.rs` | what a viewer token may read: `scope_filters` (a typed request narrowed to the token's categories), `may_see`, `not_viewer` |
//! | `ratelimit.rs` | per-key request budgets |
//!
//! and the helpers they use, which know nothing of `Service`: `validate.rs` (event
//! validation and limits), `catalog_rules.rs` (names, bodies and schemas of
//! platform-defined entries), `requests.rs` (the typed read requests), `query.rs` (filters
//! resolved against the catalog, time zones, cursors), `report/` (Event Counts and the
//! histogram), `export.rs` (streaming CSV/NDJSON), `integrity.rs` (the
//! checkpoint signer, verification), `keys.rs` (key format and hashing), `viewer.rs` (the
//! viewer token format), `error.rs` (`ServiceError`).

pub mod access;
pub mod admin;
mod auth;
pub mod catalog;
pub mod catalog_rules;
pub mod error;
pub mod export;
mod ingest;
pub mod integrity;
pub mod keys;
mod orgs;
mod proofs;
pub mod query;
pub mod ratelimit;
mod reads;
pub mod report;
pub mod requests;
mod retention;
mod scope;
pub mod validate;
pub mod viewer;
mod viewing;

use std::sync::Arc;
use std::time::Duration;

pub use auth::{Principal, SystemActor};
pub use error::{FieldError, ServiceError};
pub use ingest::{WriteAccess, split_body};

use crate::config;
use crate::model::{Catalog, KeyInfo, Org};
use crate::store::{Appended, Store};

/// Limits on ingest requests.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_batch_events: usize,
    pub max_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_batch_events: config::MAX_BATCH_EVENTS,
            max_body_bytes: config::MAX_BODY_BYTES,
        }
    }
}

/// What a background pass over every org did: `done` sums what the orgs that succeeded
/// did; `failed` names each org that failed (slug) with its error, in the order met. The
/// pass logs each failure as it happens.
#[derive(Debug, Default)]
pub struct PassReport<T> {
    pub done: T,
    pub failed: Vec<(String, ServiceError)>,
}

impl<T> PassReport<T> {
    /// `None` when no org failed, else `slug: error` for each failed org, `; `-separated.
    pub fn failures(&self) -> Option<String> {
        if self.failed.is_empty() {
            return None;
        }
        let parts: Vec<String> = self
            .failed
            .iter()
            .map(|(slug, e)| format!("{slug}: {e}"))
            .collect();
        Some(parts.join("; "))
    }
}

/// What [`Service::purge`] did to one org.
#[derive(Debug, Clone)]
pub struct PurgeOutcome {
    pub org: Org,
    /// The retention applied: the org's own, else the default (`None`: keep forever).
    pub retention_days: Option<u32>,
    /// Under legal hold nothing is purged.
    pub legal_hold: bool,
    pub purged: crate::store::Purged,
}

/// The body of an ingest request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    Json,
    Ndjson,
}

#[derive(Debug, Clone)]
pub struct IngestReport {
    pub accepted: usize,
    pub duplicates: usize,
    pub events: Vec<Appended>,
}

/// One page of a listing: canonical event bodies and the cursor for the next page.
#[derive(Debug, Clone)]
pub struct EventPage {
    pub events: Vec<String>,
    pub next_cursor: Option<String>,
}

/// An inclusion proof (`proofs.rs`): the event's leaf in the tree of `tree_size` leaves
/// and the audit path from it to that tree's root.
#[derive(Debug, Clone)]
pub struct InclusionAnswer {
    pub event_id: String,
    pub seq: u64,
    /// `seq - 1`.
    pub leaf_index: u64,
    pub tree_size: u64,
    pub leaf_hash: crate::model::merkle::Hash,
    pub proof: Vec<crate::model::merkle::Hash>,
}

/// A consistency proof (`proofs.rs`) between the trees of `from` and `to` leaves.
#[derive(Debug, Clone)]
pub struct ConsistencyAnswer {
    pub from: u64,
    pub to: u64,
    pub proof: Vec<crate::model::merkle::Hash>,
}

/// What a report or an export covers, for the caller to name its file by: the org and the
/// range asked for (`None`: open), with the time zone its days are read in.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// The org's slug.
    pub org: String,
    pub from: Option<i64>,
    /// Exclusive.
    pub to: Option<i64>,
    pub tz: jiff::tz::TimeZone,
}

impl Coverage {
    fn of(org: &Org, f: &query::Filters) -> Coverage {
        Coverage {
            org: org.slug.clone(),
            from: f.from,
            to: f.to,
            tz: f.tz.clone(),
        }
    }
}

/// A report in the format asked for.
pub enum Report {
    Json(report::Summary),
    /// CSV cannot carry `total` and `truncated`: they travel as response headers.
    Csv {
        coverage: Coverage,
        body: bytes::Bytes,
        total: u64,
        truncated: bool,
    },
}

/// A running export.
pub struct Export {
    pub format: export::ExportFormat,
    pub coverage: Coverage,
    pub chunks: tokio::sync::mpsc::Receiver<Result<bytes::Bytes, ServiceError>>,
}

/// An org created with its first admin key.
#[derive(Debug, Clone)]
pub struct CreatedOrg {
    pub org: Org,
    pub admin_key: CreatedKey,
}

#[derive(Debug, Clone)]
pub struct CreatedKey {
    pub info: KeyInfo,
    /// The secret, shown once.
    pub secret: String,
}

/// An org's retention settings, and the retention that applies to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionSettings {
    pub retention_days: Option<u32>,
    pub legal_hold: bool,
    /// The org's own retention, else the server's default (`None`: keep forever).
    pub effective_retention_days: Option<u32>,
}

// The requests the service takes as the client sent them: deserialized at the edge
// (`api/body.rs`), described in the API's document as they are (`ToSchema`).

/// `PUT /v1/settings`; no other member.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SettingsPut)]
pub struct SettingsUpdate {
    /// At least 1; `null` keeps events forever.
    #[schema(value_type = Option<u64>, minimum = 1, maximum = 4294967295_u64)]
    pub retention_days: Option<u32>,
    /// Default `false`.
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub legal_hold: bool,
}

/// No other member; an empty body means all defaults.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MintViewerToken {
    /// Lifetime in seconds, default 900.
    #[schema(minimum = 1, maximum = 86400)]
    pub ttl_seconds: Option<i64>,
    /// The categories the token may read; omit for all.
    #[schema(min_items = 1)]
    pub categories: Option<Vec<String>>,
}

/// A viewer token, minted.
#[derive(Debug, Clone)]
pub struct MintedToken {
    pub token: String,
    pub org: Org,
    /// The categories it may read, in catalog order; `None`: every category.
    pub categories: Option<Vec<String>>,
    /// Unix seconds.
    pub expires_at: i64,
    /// Its lifetime in seconds.
    pub ttl_seconds: i64,
}

/// The kind of credential a caller of the API presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    Key,
    ViewerToken,
}

/// Who the caller is ([`Service::whoami`]).
#[derive(Debug, Clone)]
pub struct Identity {
    pub org: Org,
    pub credential: Credential,
    pub scope: crate::model::Scope,
    /// A viewer token's categories (`None`: every category, or a key).
    pub categories: Option<Vec<String>>,
    /// A viewer token's expiry, Unix seconds.
    pub expires_at: Option<i64>,
}

#[derive(Clone)]
pub struct Service {
    store: Arc<dyn Store>,
    catalog: &'static Catalog,
    /// Per-org views of the catalog with the platform-defined entries (`catalog.rs`).
    catalog_cache: Arc<catalog::CatalogCache>,
    limits: Limits,
    operator_token_hash: Option<[u8; 32]>,
    auth_cache: Arc<auth::AuthCache>,
    signer: Option<integrity::Signer>,
    default_retention_days: Option<u32>,
    viewer_secret: Option<viewer::ViewerSecret>,
    embed_origins: Vec<String>,
    /// Recent recorded reads, for coalescing (`access.rs`).
    access_seen: Arc<access::Coalescer>,
    rate_limiters: Arc<ratelimit::Limiters>,
    request_timeout: Duration,
}

impl Service {
    pub fn new(store: Arc<dyn Store>, limits: Limits, operator_token: Option<&str>) -> Service {
        Service {
            store,
            catalog: Catalog::builtin(),
            catalog_cache: Arc::default(),
            limits,
            operator_token_hash: operator_token.map(keys::hash_secret),
            auth_cache: Arc::default(),
            signer: None,
            default_retention_days: None,
            viewer_secret: None,
            embed_origins: Vec::new(),
            access_seen: Arc::default(),
            rate_limiters: ratelimit::Limiters::new(ratelimit::RateLimits::default()),
            request_timeout: Duration::from_secs(config::REQUEST_TIMEOUT_SECS),
        }
    }

    /// Per-key request budgets (`ratelimit.rs`).
    pub fn with_rate_limits(mut self, limits: ratelimit::RateLimits) -> Service {
        self.rate_limiters = ratelimit::Limiters::new(limits);
        self
    }

    /// How long a request may take before it is abandoned with `408 timeout`.
    pub fn with_request_timeout(mut self, timeout: Duration) -> Service {
        self.request_timeout = timeout;
        self
    }

    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }

    /// Accepts and mints viewer tokens signed with `secret`.
    pub fn with_viewer_secret(mut self, secret: viewer::ViewerSecret) -> Service {
        self.viewer_secret = Some(secret);
        self
    }

    /// Origins allowed to embed the page in a frame (CSP `frame-ancestors` of `/embed`).
    pub fn with_embed_origins(mut self, origins: Vec<String>) -> Service {
        self.embed_origins = origins;
        self
    }

    pub fn embed_origins(&self) -> &[String] {
        &self.embed_origins
    }

    /// Retention for orgs that set none (`None`: keep forever).
    pub fn with_default_retention(mut self, days: Option<u32>) -> Service {
        self.default_retention_days = days;
        self
    }

    /// Signs checkpoints with `signer` and registers its public key.
    /// Signs checkpoints with `signer`. A key the store has not seen, started where other
    /// keys were active, is a rotation: recorded as `signing_key.rotated` in every org.
    pub async fn with_signer(mut self, signer: integrity::Signer) -> Result<Service, ServiceError> {
        let info = signer.info();
        let known = self.store.signing_keys().await?;
        let retired: Vec<String> = known
            .iter()
            .filter(|k| k.retired_at.is_none() && k.key_id != info.key_id)
            .map(|k| k.key_id.clone())
            .collect();
        let is_new = known.iter().all(|k| k.key_id != info.key_id);
        self.store.register_signing_key(&info).await?;
        if is_new && !retired.is_empty() {
            self.record_key_rotation(&info.key_id, &info.name, &retired)
                .await?;
        }
        self.signer = Some(signer);
        Ok(self)
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    pub fn catalog(&self) -> &'static Catalog {
        self.catalog
    }

    /// Whether the store answers (readiness).
    pub async fn ready(&self) -> Result<(), ServiceError> {
        Ok(self.store.ready().await?)
    }

    /// The store itself, for tools and tests that look under the service (the benchmark,
    /// the failpoint tests). The API and the CLI go through the service's methods.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }
}
