//! The service layer: authentication and authorization, event validation, batching rules,
//! listing. It knows nothing of HTTP and holds no SQL.

pub mod access;
pub mod error;
pub mod export;
pub mod integrity;
pub mod keys;
pub mod query;
pub mod ratelimit;
pub mod report;
pub mod validate;
pub mod viewer;
mod viewing;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::Value;
use serde_json::value::RawValue;

pub use error::{FieldError, ServiceError};

use crate::model::chain::PreparedEvent;
use crate::model::time::now_micros;
use crate::model::{Catalog, KeyInfo, Org, Scope, validate_slug};
use crate::store::{Appended, NewKey, Store, StoredCheckpoint};

/// Limits on ingest requests.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_batch_events: usize,
    pub max_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_batch_events: 1000,
            max_body_bytes: 4 * 1024 * 1024,
        }
    }
}

/// Who is calling.
#[derive(Debug, Clone)]
pub enum Principal {
    /// An org's API key.
    Key {
        key_id: String,
        org: Org,
        scope: Scope,
    },
    /// The platform operator (manages orgs and keys, reads no events).
    Operator,
    /// A viewer token (`service::viewer`): reads its org's reports, limited to
    /// `categories` when set, until `expires_at` (Unix seconds).
    Viewer {
        key_id: String,
        org: Org,
        categories: Option<Vec<String>>,
        expires_at: i64,
    },
}

/// An `audit_log.purged` event of `org` with `metadata` (and `id`, if given).
fn purge_record(org: &Org, id: Option<String>, metadata: Value) -> Value {
    let mut event = serde_json::json!({
        "action": access::PURGED,
        "entity": { "type": "audit_log", "id": org.slug, "name": "Audit log" },
        "actor": { "type": "system", "name": "Retention" },
        "metadata": metadata,
    });
    if let Some(id) = id {
        event["id"] = Value::String(id);
    }
    event
}

/// Who writes the retention purge's records.
fn retention_writer(org: &Org) -> Principal {
    Principal::Key {
        key_id: "retention".into(),
        org: org.clone(),
        scope: Scope::Write,
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

/// A report in the format asked for.
pub enum Report {
    Json(Value),
    /// CSV cannot carry `total` and `truncated`: they travel as response headers.
    Csv {
        file_name: String,
        body: bytes::Bytes,
        total: u64,
        truncated: bool,
    },
}

/// A running export.
pub struct Export {
    pub format: export::ExportFormat,
    pub file_name: String,
    pub chunks: tokio::sync::mpsc::Receiver<Result<bytes::Bytes, ServiceError>>,
}

/// An org created with its first admin key.
#[derive(Debug, Clone)]
pub struct CreatedOrg {
    pub org: Org,
    pub admin_key: CreatedKey,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CreatedKey {
    #[serde(rename = "key")]
    pub info: KeyInfo,
    /// The secret, shown once.
    pub secret: String,
}

#[derive(Clone)]
pub struct Service {
    store: Arc<dyn Store>,
    catalog: &'static Catalog,
    limits: Limits,
    operator_token_hash: Option<[u8; 32]>,
    auth_cache: Arc<AuthCache>,
    signer: Option<integrity::Signer>,
    default_retention_days: Option<u32>,
    viewer_secret: Option<viewer::ViewerSecret>,
    embed_origins: Vec<String>,
    /// Recent recorded reads, for coalescing (`access.rs`).
    access_seen: Arc<access::Coalescer>,
    rate_limiters: Arc<ratelimit::Limiters>,
    request_timeout: Duration,
}

/// Default for [`Service::with_request_timeout`].
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a verified key is trusted without asking the store again. Revocation through
/// this process clears the entry at once; revocation elsewhere (the CLI, another node)
/// takes effect within this time.
pub const AUTH_CACHE_TTL: Duration = Duration::from_secs(1);
const AUTH_CACHE_MAX: usize = 10_000;

/// Verified keys by the hash of their secret: saves a database round trip per request.
#[derive(Default)]
struct AuthCache {
    entries: Mutex<HashMap<[u8; 32], (Principal, Instant)>>,
}

impl AuthCache {
    fn get(&self, hash: &[u8; 32]) -> Option<Principal> {
        let map = self.entries.lock().ok()?;
        let (p, at) = map.get(hash)?;
        (at.elapsed() < AUTH_CACHE_TTL).then(|| p.clone())
    }

    fn put(&self, hash: [u8; 32], p: Principal) {
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= AUTH_CACHE_MAX {
                map.retain(|_, (_, at)| at.elapsed() < AUTH_CACHE_TTL);
                if map.len() >= AUTH_CACHE_MAX {
                    map.clear();
                }
            }
            map.insert(hash, (p, Instant::now()));
        }
    }

    fn forget_key(&self, key_id: &str) {
        if let Ok(mut map) = self.entries.lock() {
            map.retain(|_, (p, _)| {
                !matches!(p, Principal::Key { key_id: k, .. } | Principal::Viewer { key_id: k, .. } if k == key_id)
            });
        }
    }
}

impl Service {
    pub fn new(store: Arc<dyn Store>, limits: Limits, operator_token: Option<&str>) -> Service {
        Service {
            store,
            catalog: Catalog::builtin(),
            limits,
            operator_token_hash: operator_token.map(keys::hash_secret),
            auth_cache: Arc::default(),
            signer: None,
            default_retention_days: None,
            viewer_secret: None,
            embed_origins: Vec::new(),
            access_seen: Arc::default(),
            rate_limiters: ratelimit::Limiters::new(ratelimit::RateLimits::default()),
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
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

    pub async fn settings(&self, p: &Principal) -> Result<Value, ServiceError> {
        let org = self.org_for(p, Scope::Admin)?;
        let s = self.store.settings(org).await?;
        Ok(serde_json::json!({
            "retention_days": s.retention_days,
            "legal_hold": s.legal_hold,
            "effective_retention_days": s.retention_days.or(self.default_retention_days),
        }))
    }

    /// `PUT /v1/settings {"retention_days": N | null, "legal_hold": bool}`.
    pub async fn put_settings(&self, p: &Principal, body: &[u8]) -> Result<Value, ServiceError> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Put {
            retention_days: Option<u32>,
            #[serde(default)]
            legal_hold: bool,
        }
        let org = self.org_for(p, Scope::Admin)?;
        error::reject_json_array(body, "the settings")?;
        let de = &mut serde_json::Deserializer::from_slice(body);
        let put: Put =
            serde_path_to_error::deserialize(de).map_err(|e| ServiceError::InvalidRequest {
                message: format!("invalid settings: {}", error::json_message(e.inner())),
                details: Some(serde_json::json!({ "field": e.path().to_string() })),
            })?;
        if put.retention_days == Some(0) {
            return Err(ServiceError::InvalidRequest {
                message: "retention_days must be at least 1 (null keeps events forever)".into(),
                details: Some(serde_json::json!({ "field": "retention_days" })),
            });
        }
        self.store
            .put_settings(
                org,
                crate::store::OrgSettings {
                    retention_days: put.retention_days,
                    legal_hold: put.legal_hold,
                },
            )
            .await?;
        self.settings(p).await
    }

    /// Applies the org's retention: deletes, in batches, events stored longer ago than its
    /// retention period (never under legal hold), then records what it did as an
    /// `audit_log.purged` event. Returns how many events went (or would go).
    pub async fn purge_org(
        &self,
        org: &Org,
        dry_run: bool,
    ) -> Result<crate::store::Purged, ServiceError> {
        if !dry_run {
            self.record_unrecorded_cut(org).await?;
        }
        let settings = self.store.settings(org).await?;
        let Some(days) = settings.retention_days.or(self.default_retention_days) else {
            return Ok(crate::store::Purged::default());
        };
        if settings.legal_hold {
            return Ok(crate::store::Purged::default());
        }
        // saturating: a retention of millions of years must not overflow (and purge all)
        let before = now_micros().saturating_sub(i64::from(days).saturating_mul(86_400_000_000));
        let mut total = crate::store::Purged::default();
        loop {
            let step = self.store.purge(org, before, 10_000, dry_run).await?;
            total.events += step.events;
            total.cut_seq = step.cut_seq;
            if dry_run || step.events == 0 {
                break;
            }
        }
        if !dry_run && total.events > 0 {
            let event = purge_record(
                org,
                None,
                serde_json::json!({
                    "events_purged": total.events,
                    "log_starts_after_seq": total.cut_seq,
                    "retention_days": days,
                    "stored_before": crate::model::time::format_micros(before),
                }),
            );
            fail::fail_point!("purge::before_record", |_| Err(ServiceError::Unavailable(
                "injected failure before recording a purge".into()
            )));
            self.ingest_values(&retention_writer(org), vec![event])
                .await?;
        }
        Ok(total)
    }

    /// Records the org's retention cut if the run that made it could not: a purge step
    /// commits on its own, so a run that failed after one (writing its `audit_log.purged`
    /// event, or a later step) left the cut unrecorded. The latest record names the cut it
    /// recorded (`log_starts_after_seq`); a cut past it (or any cut, with no record left)
    /// gets a late record of the events between the two, which no record in the log
    /// accounts for. Its id is derived from the cut, so a retry or a second node writing
    /// the same late record stores it once.
    async fn record_unrecorded_cut(&self, org: &Org) -> Result<(), ServiceError> {
        let Some(state) = self.store.purge_state(org).await? else {
            return Ok(());
        };
        let recorded = self.last_recorded_cut(org).await?.unwrap_or(0);
        if recorded >= state.cut_seq {
            return Ok(());
        }
        tracing::warn!(
            org = %org.slug,
            cut_seq = state.cut_seq,
            recorded_cut_seq = recorded,
            "recording a retention purge that was not recorded when it ran"
        );
        let event = purge_record(
            org,
            Some(format!("auditlog-purge-cut-{}", state.cut_seq)),
            serde_json::json!({
                "events_purged": state.cut_seq - recorded,
                "log_starts_after_seq": state.cut_seq,
                "recorded_late": true,
            }),
        );
        self.ingest_values(&retention_writer(org), vec![event])
            .await?;
        Ok(())
    }

    /// `log_starts_after_seq` of the org's latest `audit_log.purged` event, if one is left.
    /// Read by the entity id the records carry (the org's slug), which the time index
    /// holds, so the newest events are walked in the index down to the latest record.
    async fn last_recorded_cut(&self, org: &Org) -> Result<Option<u64>, ServiceError> {
        let q = crate::store::EventQuery {
            from: None,
            to: None,
            actions: Some(vec![access::PURGED.into()]),
            entity_ids: Some(vec![org.slug.clone()]),
            actor_ids: None,
            actor_types: None,
            order: crate::store::Order::Desc,
            after: None,
            limit: 1,
        };
        let Some(row) = self.store.query(org, &q).await?.pop() else {
            return Ok(None);
        };
        let body: Value = serde_json::from_str(&row.body)
            .map_err(|e| ServiceError::Internal(format!("stored event seq {}: {e}", row.seq)))?;
        body["metadata"]["log_starts_after_seq"]
            .as_u64()
            .map(Some)
            .ok_or_else(|| {
                ServiceError::Internal(format!(
                    "the {} event at seq {} has no metadata.log_starts_after_seq",
                    access::PURGED,
                    row.seq
                ))
            })
    }

    /// One pass of the background purge over every org: `done` counts the events purged.
    /// An org that fails is logged and reported; the pass goes on with the others.
    pub async fn purge_pass(&self) -> Result<PassReport<u64>, ServiceError> {
        let mut report = PassReport::default();
        for org in self.store.list_orgs().await? {
            match self.purge_org(&org, false).await {
                Ok(purged) => report.done += purged.events,
                Err(e) => {
                    tracing::warn!(org = %org.slug, error = %e, "retention purge failed for this org");
                    report.failed.push((org.slug, e));
                }
            }
        }
        Ok(report)
    }

    /// Signs checkpoints with `signer` and registers its public key.
    pub async fn with_signer(mut self, signer: integrity::Signer) -> Result<Service, ServiceError> {
        self.store.register_signing_key(&signer.info()).await?;
        self.signer = Some(signer);
        Ok(self)
    }

    fn signer(&self) -> Result<&integrity::Signer, ServiceError> {
        self.signer.as_ref().ok_or_else(|| {
            ServiceError::Unavailable("this server has no checkpoint signing key".into())
        })
    }

    /// The log's name: the signing key's name and the prefix of checkpoint origins.
    pub fn log_name(&self) -> &str {
        self.signer.as_ref().map_or("auditlog", |s| s.name.as_str())
    }

    /// Signs a checkpoint of the org's tree unless the latest one already covers it.
    pub async fn checkpoint_org(&self, org: &Org) -> Result<StoredCheckpoint, ServiceError> {
        let signer = self.signer()?;
        let latest = self.store.checkpoints(org, 1).await?.pop();
        let (size, root) = self.store.tree_head(org).await?;
        if let Some(l) = latest
            && l.tree_size >= size
        {
            return Ok(l);
        }
        let cp = signer.sign(org, size, root);
        fail::fail_point!("checkpoint::before_save", |_| {
            Err(crate::store::StoreError::Unavailable(
                "injected failure while signing a checkpoint".into(),
            )
            .into())
        });
        self.store.save_checkpoint(org, &cp).await?;
        Ok(cp)
    }

    /// One pass of the background checkpointer: every org whose tree grew by `every` events
    /// or whose latest checkpoint is older than `max_age_micros` gets a new checkpoint.
    /// `done` counts the checkpoints signed. An org that fails (a full disk for one write)
    /// is logged and reported; the pass goes on with the others.
    pub async fn checkpoint_pass(
        &self,
        every: u64,
        max_age_micros: i64,
    ) -> Result<PassReport<usize>, ServiceError> {
        let mut report = PassReport::default();
        for org in self.store.list_orgs().await? {
            match self.checkpoint_if_due(&org, every, max_age_micros).await {
                Ok(made) => report.done += usize::from(made),
                Err(e) => {
                    tracing::warn!(org = %org.slug, error = %e, "checkpoint failed for this org");
                    report.failed.push((org.slug, e));
                }
            }
        }
        Ok(report)
    }

    /// Signs a checkpoint of the org if [`Self::checkpoint_pass`]'s rule says it is due;
    /// whether it did.
    async fn checkpoint_if_due(
        &self,
        org: &Org,
        every: u64,
        max_age_micros: i64,
    ) -> Result<bool, ServiceError> {
        let latest = self.store.checkpoints(org, 1).await?.pop();
        let (size, _) = self.store.tree_head(org).await?;
        let (last_size, last_time) = latest.map_or((0, 0), |c| (c.tree_size, c.time));
        let due = size > last_size
            && (size - last_size >= every || now_micros() - last_time >= max_age_micros);
        if due {
            self.checkpoint_org(org).await?;
        }
        Ok(due)
    }

    pub async fn public_keys(&self) -> Result<Value, ServiceError> {
        let keys = self.store.signing_keys().await?;
        let list: Vec<Value> = keys
            .into_iter()
            .map(|k| {
                let v = crate::model::checkpoint::NoteVerifier {
                    name: k.name.clone(),
                    key: k.public_key,
                };
                serde_json::json!({
                    "key_id": k.key_id,
                    "name": k.name,
                    "algorithm": "ed25519",
                    "public_key": integrity::b64(&k.public_key),
                    "verifier_key": v.vkey(),
                    "valid_from": crate::model::time::format_micros(k.created_at),
                    "valid_until": k.retired_at.map(crate::model::time::format_micros),
                })
            })
            .collect();
        Ok(serde_json::json!({ "keys": list }))
    }

    pub async fn checkpoints(
        &self,
        p: &Principal,
        limit: usize,
    ) -> Result<Vec<StoredCheckpoint>, ServiceError> {
        self.not_viewer(p)?;
        let org = self.org_for(p, Scope::Read)?;
        Ok(self.store.checkpoints(org, limit).await?)
    }

    pub async fn create_checkpoint(&self, p: &Principal) -> Result<StoredCheckpoint, ServiceError> {
        let org = self.org_for(p, Scope::Admin)?;
        self.checkpoint_org(org).await
    }

    /// An inclusion proof for an event in the tree of `tree_size` (default: the latest
    /// checkpoint's size).
    pub async fn inclusion(&self, p: &Principal, raw_query: &str) -> Result<Value, ServiceError> {
        self.not_viewer(p)?;
        let org = self.org_for(p, Scope::Read)?;
        let params = query::Params::parse_only(raw_query, &["event_id", "tree_size"])?;
        let id = params
            .get("event_id")
            .ok_or_else(|| ServiceError::bad_param("event_id", "event_id is required"))?;
        let row = if validate::valid_event_id(id) {
            self.store.get_event(org, id).await?
        } else {
            None
        };
        let row = row.ok_or_else(|| ServiceError::NotFound(format!("no event with id {id:?}")))?;
        let (size, _) = self.store.tree_head(org).await?;
        let tree_size = match params.get("tree_size") {
            Some(v) => v.parse::<u64>().map_err(|_| {
                ServiceError::bad_param("tree_size", "tree_size must be a positive integer")
            })?,
            None => self
                .store
                .checkpoints(org, 1)
                .await?
                .pop()
                .map(|c| c.tree_size)
                .ok_or_else(|| {
                    ServiceError::NotFound(
                        "no checkpoint yet; give tree_size or POST /v1/integrity/checkpoints"
                            .into(),
                    )
                })?,
        };
        if tree_size < row.seq || tree_size > size {
            return Err(ServiceError::bad_param(
                "tree_size",
                format!(
                    "tree_size must be from {} (the event's seq) to {size} (the current tree size)",
                    row.seq
                ),
            ));
        }
        let (leaf, proof) = self
            .store
            .inclusion_proof(org, row.seq - 1, tree_size)
            .await?;
        Ok(serde_json::json!({
            "event_id": id,
            "seq": row.seq,
            "leaf_index": row.seq - 1,
            "tree_size": tree_size,
            "leaf_hash": integrity::b64(&leaf),
            "proof": proof.iter().map(integrity::b64).collect::<Vec<_>>(),
        }))
    }

    pub async fn consistency(&self, p: &Principal, raw_query: &str) -> Result<Value, ServiceError> {
        self.not_viewer(p)?;
        let org = self.org_for(p, Scope::Read)?;
        let params = query::Params::parse_only(raw_query, &["from", "to"])?;
        let num = |n: &str| -> Result<u64, ServiceError> {
            params
                .get(n)
                .ok_or_else(|| {
                    ServiceError::bad_param(n, format!("{n} (a tree size) is required"))
                })?
                .parse::<u64>()
                .map_err(|_| {
                    ServiceError::bad_param(n, format!("{n} must be a tree size (an integer)"))
                })
        };
        let (from, to) = (num("from")?, num("to")?);
        let (size, _) = self.store.tree_head(org).await?;
        if from == 0 {
            return Err(ServiceError::bad_param(
                "from",
                "from must be at least 1: an empty tree has nothing to be consistent with",
            ));
        }
        if from > to || to > size {
            return Err(ServiceError::bad_param(
                "to",
                format!("need from <= to <= {size} (the current tree size)"),
            ));
        }
        let proof = self.store.consistency_proof(org, from, to).await?;
        Ok(serde_json::json!({
            "from": from,
            "to": to,
            "proof": proof.iter().map(integrity::b64).collect::<Vec<_>>(),
        }))
    }

    /// Where retention cut the caller's log, with the state kept there (for offline
    /// verification of an export that starts after the cut).
    pub async fn retention_cut(&self, p: &Principal) -> Result<Value, ServiceError> {
        self.not_viewer(p)?;
        let org = self.org_for(p, Scope::Read)?;
        match self.store.purge_state(org).await? {
            Some(s) => Ok(integrity::cut_json(&s)),
            None => Err(ServiceError::NotFound(
                "retention has not removed any event of this org".into(),
            )),
        }
    }

    /// Verifies the caller's whole log (admin).
    pub async fn verify(&self, p: &Principal) -> Result<integrity::VerifyReport, ServiceError> {
        let org = self.org_for(p, Scope::Admin)?;
        integrity::verify_org(self.store.as_ref(), org, self.log_name(), |_| {}).await
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    pub fn catalog(&self) -> &'static Catalog {
        self.catalog
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Resolves a bearer credential: an org API key or the operator token.
    pub async fn authenticate(&self, bearer: Option<&str>) -> Result<Principal, ServiceError> {
        let unauthorized = || {
            ServiceError::Unauthorized(
                "missing, invalid or revoked API key; send Authorization: Bearer <key>".into(),
            )
        };
        let token = bearer.ok_or_else(unauthorized)?;
        let hash = keys::hash_secret(token);
        if let Some(op) = &self.operator_token_hash
            && keys::hashes_equal(op, &hash)
        {
            return Ok(Principal::Operator);
        }
        if viewer::is_viewer_token(token) {
            return self.authenticate_viewer(token).await;
        }
        if !keys::well_formed(token) {
            return Err(unauthorized());
        }
        if let Some(p) = self.auth_cache.get(&hash) {
            return Ok(p);
        }
        match self.store.find_key(&hash).await? {
            Some(rec) if keys::hashes_equal(&rec.secret_hash, &hash) && !rec.revoked => {
                let p = Principal::Key {
                    key_id: rec.key_id,
                    org: rec.org,
                    scope: rec.scope,
                };
                self.auth_cache.put(hash, p.clone());
                Ok(p)
            }
            _ => Err(unauthorized()),
        }
    }

    /// The org whose events `p` may access with `needed`.
    pub fn org_for<'a>(&self, p: &'a Principal, needed: Scope) -> Result<&'a Org, ServiceError> {
        match p {
            Principal::Key { org, scope, .. } if scope.allows(needed) => Ok(org),
            Principal::Key { scope, .. } => Err(ServiceError::Forbidden(match needed {
                Scope::Admin => format!(
                    "this {} key cannot do this; it needs an admin key",
                    scope.as_str()
                ),
                _ => format!(
                    "this {} key cannot do this; it needs a {} or admin key",
                    scope.as_str(),
                    needed.as_str()
                ),
            })),
            Principal::Operator => Err(ServiceError::Forbidden(
                "the operator token manages orgs and keys; use an org API key for events".into(),
            )),
            Principal::Viewer { org, .. } if needed == Scope::Read => Ok(org),
            Principal::Viewer { .. } => Err(ServiceError::Forbidden(
                "a viewer token is read-only; it cannot do this".into(),
            )),
        }
    }

    /// Parses, validates and stores a batch. All or nothing.
    pub async fn ingest(
        &self,
        p: &Principal,
        body: &[u8],
        format: BodyFormat,
    ) -> Result<IngestReport, ServiceError> {
        self.org_for(p, Scope::Write)?;
        let text = std::str::from_utf8(body).map_err(|e| {
            ServiceError::invalid(format!(
                "the body is not valid UTF-8 (at byte {})",
                e.valid_up_to()
            ))
        })?;
        let events = split_body(text, format)?;
        self.ingest_checked(p, &events, true).await
    }

    /// Validates and stores events given as JSON values (tools and the demo seeder).
    pub async fn ingest_values(
        &self,
        p: &Principal,
        values: Vec<Value>,
    ) -> Result<IngestReport, ServiceError> {
        let texts: Vec<String> = values.iter().map(Value::to_string).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        self.ingest_checked(p, &refs, false).await
    }

    /// Validates and stores events given as JSON texts, one per event. All or nothing.
    /// `from_client`: refuse the actions only the service records (`access.rs`:
    /// reads of the log, retention purges).
    async fn ingest_checked(
        &self,
        p: &Principal,
        values: &[&str],
        from_client: bool,
    ) -> Result<IngestReport, ServiceError> {
        let org = self.org_for(p, Scope::Write)?;
        if values.is_empty() {
            return Err(ServiceError::invalid("the request holds no events"));
        }
        if values.len() > self.limits.max_batch_events {
            return Err(ServiceError::PayloadTooLarge(format!(
                "the batch has {} events; the limit is {}",
                values.len(),
                self.limits.max_batch_events
            )));
        }
        let now = now_micros();
        let mut errors = Vec::new();
        let mut prepared: Vec<PreparedEvent> = Vec::with_capacity(values.len());
        for (index, v) in values.iter().enumerate() {
            if let Some(ev) = validate::prepare(self.catalog, &org.slug, index, v, now, &mut errors)
            {
                if from_client && let Some(message) = self.reserved_action(&ev.action) {
                    errors.push(FieldError {
                        index,
                        field: "action".into(),
                        message,
                    });
                    continue;
                }
                prepared.push(ev);
            }
        }
        if !errors.is_empty() {
            return Err(ServiceError::InvalidEvent(errors));
        }
        let events = self.store.append(org, prepared).await?;
        let duplicates = events.iter().filter(|e| e.duplicate).count();
        Ok(IngestReport {
            accepted: events.len() - duplicates,
            duplicates,
            events,
        })
    }

    pub async fn list_events(
        &self,
        p: &Principal,
        raw_query: &str,
    ) -> Result<EventPage, ServiceError> {
        let org = self.org_for(p, Scope::Read)?;
        let raw_query = &*self.scoped_query(p, raw_query)?;
        let req = query::parse_list(self.catalog, org.id, raw_query)?;
        let page = self.list_page(org, req).await?;
        let facts = access::ReadFacts {
            rows: Some(page.events.len() as u64),
            format: None,
        };
        let q = access::normalize_query(raw_query);
        self.record_read(p, access::ReadKind::List, q, facts).await;
        Ok(page)
    }

    async fn list_page(
        &self,
        org: &Org,
        req: query::ListRequest,
    ) -> Result<EventPage, ServiceError> {
        if req.empty {
            return Ok(EventPage {
                events: Vec::new(),
                next_cursor: None,
            });
        }
        let limit = req.query.limit;
        let mut q = req.query.clone();
        q.limit = limit + 1;
        let mut rows = self.store.query(org, &q).await?;
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last()
                .map(|r| query::encode_cursor(r.occurred_at, r.seq, &req.fingerprint))
        } else {
            None
        };
        Ok(EventPage {
            events: rows.into_iter().map(|r| r.body).collect(),
            next_cursor,
        })
    }

    /// Event Counts. `format=csv` asks for CSV.
    pub async fn summary(&self, p: &Principal, raw_query: &str) -> Result<Report, ServiceError> {
        let org = self.org_for(p, Scope::Read)?;
        let raw_query = &*self.scoped_query(p, raw_query)?;
        let params = query::Params::parse(raw_query, &["group_by", "limit", "format"])?;
        let f = query::parse_filters(self.catalog, &params)?;
        let csv = match params.get("format") {
            None | Some("json") => false,
            Some("csv") => true,
            Some(_) => {
                return Err(ServiceError::bad_param(
                    "format",
                    "format must be json or csv",
                ));
            }
        };
        let summary = report::summary(self.store.as_ref(), self.catalog, org, &params, &f).await?;
        let facts = access::ReadFacts {
            rows: Some(summary.total),
            format: Some(if csv { "csv" } else { "json" }),
        };
        let q = access::normalize_query(raw_query);
        self.record_read(p, access::ReadKind::Summary, q, facts)
            .await;
        Ok(if csv {
            Report::Csv {
                file_name: export::file_name(org, &f, "summary", "csv"),
                body: export::summary_csv(&summary)?,
                total: summary.total,
                truncated: summary.truncated,
            }
        } else {
            Report::Json(summary.to_json())
        })
    }

    pub async fn histogram(&self, p: &Principal, raw_query: &str) -> Result<Value, ServiceError> {
        let org = self.org_for(p, Scope::Read)?;
        let raw_query = &*self.scoped_query(p, raw_query)?;
        let params = query::Params::parse(raw_query, &["interval", "stack"])?;
        let f = query::parse_filters(self.catalog, &params)?;
        let v = report::histogram(self.store.as_ref(), self.catalog, org, &params, &f).await?;
        let facts = access::ReadFacts {
            rows: v["total"].as_u64(),
            format: None,
        };
        let q = access::normalize_query(raw_query);
        self.record_read(p, access::ReadKind::Histogram, q, facts)
            .await;
        Ok(v)
    }

    /// Starts an export. Bad parameters fail here, before any byte is sent; the rows then
    /// arrive on the returned channel, a page at a time. The export is recorded
    /// (`audit_log.exported`) before it starts.
    pub async fn export(&self, p: &Principal, raw_query: &str) -> Result<Export, ServiceError> {
        let org = self.org_for(p, Scope::Read)?.clone();
        let raw_query = &*self.scoped_query(p, raw_query)?;
        let params = query::Params::parse(raw_query, &["format"])?;
        let f = query::parse_filters(self.catalog, &params)?;
        let format = export::ExportFormat::parse(params.get("format"))?;
        let file_name = export::file_name(&org, &f, "events", format.extension());
        let facts = access::ReadFacts {
            rows: None,
            format: Some(format.extension()),
        };
        let q = access::normalize_query(raw_query);
        self.record_read(p, access::ReadKind::Export, q, facts)
            .await;
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        tokio::spawn(export::run_export(
            self.store.clone(),
            self.catalog,
            org,
            f,
            format,
            tx,
        ));
        Ok(Export {
            format,
            file_name,
            chunks: rx,
        })
    }

    pub async fn get_event(&self, p: &Principal, id: &str) -> Result<String, ServiceError> {
        let org = self.org_for(p, Scope::Read)?;
        let not_found = || ServiceError::NotFound(format!("no event with id {id:?}"));
        if !validate::valid_event_id(id) {
            return Err(not_found());
        }
        match self.store.get_event(org, id).await? {
            Some(row) if self.may_see(p, &row.body) => {
                let q = BTreeMap::from([("id".to_string(), id.to_string())]);
                let facts = access::ReadFacts {
                    rows: Some(1),
                    format: None,
                };
                self.record_read(p, access::ReadKind::Get, q, facts).await;
                Ok(row.body)
            }
            _ => Err(not_found()),
        }
    }

    // ---- orgs and keys ----

    fn require_operator(&self, p: &Principal) -> Result<(), ServiceError> {
        match p {
            Principal::Operator => Ok(()),
            Principal::Key { .. } | Principal::Viewer { .. } => Err(ServiceError::Forbidden(
                "only the operator token can manage organizations".into(),
            )),
        }
    }

    /// The org `slug` if `p` may manage its keys: the operator, or that org's admin key.
    async fn managed_org(&self, p: &Principal, slug: &str) -> Result<Org, ServiceError> {
        let not_found = || ServiceError::NotFound(format!("no organization {slug:?}"));
        match p {
            Principal::Operator => self.store.get_org(slug).await?.ok_or_else(not_found),
            Principal::Key { org, scope, .. } if org.slug == slug => {
                if *scope == Scope::Admin {
                    Ok(org.clone())
                } else {
                    Err(ServiceError::Forbidden(
                        "managing keys needs an admin key".into(),
                    ))
                }
            }
            // Another org looks exactly like a missing one.
            Principal::Key { .. } => Err(not_found()),
            Principal::Viewer { .. } => Err(ServiceError::Forbidden(
                "a viewer token is read-only; it cannot manage keys".into(),
            )),
        }
    }

    pub async fn create_org(
        &self,
        p: &Principal,
        slug: &str,
        name: Option<&str>,
    ) -> Result<CreatedOrg, ServiceError> {
        self.require_operator(p)?;
        validate_slug(slug).map_err(|m| ServiceError::InvalidRequest {
            message: m,
            details: Some(serde_json::json!({ "field": "slug" })),
        })?;
        let name = name.unwrap_or(slug);
        if name.is_empty()
            || name.len() > validate::MAX_NAME
            || name.chars().any(validate::is_forbidden_char)
        {
            return Err(ServiceError::InvalidRequest {
                message: format!(
                    "name must be 1 to {} bytes without control characters",
                    validate::MAX_NAME
                ),
                details: Some(serde_json::json!({ "field": "name" })),
            });
        }
        let org = self.store.create_org(slug, name).await?;
        let admin_key = self.new_key(&org, Scope::Admin, "first admin key").await?;
        Ok(CreatedOrg { org, admin_key })
    }

    pub async fn list_orgs(&self, p: &Principal) -> Result<Vec<Org>, ServiceError> {
        self.require_operator(p)?;
        Ok(self.store.list_orgs().await?)
    }

    pub async fn create_key(
        &self,
        p: &Principal,
        slug: &str,
        scope: Scope,
        name: &str,
    ) -> Result<CreatedKey, ServiceError> {
        let org = self.managed_org(p, slug).await?;
        if name.len() > validate::MAX_NAME || name.chars().any(validate::is_forbidden_char) {
            return Err(ServiceError::InvalidRequest {
                message: format!(
                    "name must be at most {} bytes without control characters",
                    validate::MAX_NAME
                ),
                details: Some(serde_json::json!({ "field": "name" })),
            });
        }
        self.new_key(&org, scope, name).await
    }

    async fn new_key(
        &self,
        org: &Org,
        scope: Scope,
        name: &str,
    ) -> Result<CreatedKey, ServiceError> {
        let generated = keys::generate().map_err(ServiceError::Internal)?;
        let info = self
            .store
            .create_key(
                org,
                NewKey {
                    id: keys::new_key_id(),
                    scope,
                    name: name.to_string(),
                    prefix: generated.display_prefix,
                    secret_hash: generated.secret_hash,
                },
            )
            .await?;
        Ok(CreatedKey {
            info,
            secret: generated.secret,
        })
    }

    pub async fn list_keys(&self, p: &Principal, slug: &str) -> Result<Vec<KeyInfo>, ServiceError> {
        let org = self.managed_org(p, slug).await?;
        Ok(self.store.list_keys(&org).await?)
    }

    pub async fn revoke_key(
        &self,
        p: &Principal,
        slug: &str,
        key_id: &str,
    ) -> Result<(), ServiceError> {
        let org = self.managed_org(p, slug).await?;
        if self.store.revoke_key(&org, key_id).await? {
            self.auth_cache.forget_key(key_id);
            Ok(())
        } else {
            Err(ServiceError::NotFound(format!(
                "no active key {key_id:?} in organization {slug:?}"
            )))
        }
    }

    /// Resolves an org by slug for operator tooling (CLI).
    pub async fn org(&self, slug: &str) -> Result<Org, ServiceError> {
        self.managed_org(&Principal::Operator, slug).await
    }
}

/// Splits a request body into the JSON text of each event without building JSON trees:
/// one object, `{"events": [...]}`, a JSON array, or NDJSON (one object per line).
/// Malformed JSON names the line and column.
pub fn split_body(text: &str, format: BodyFormat) -> Result<Vec<&str>, ServiceError> {
    let malformed = |e: serde_json::Error, line_offset: usize| ServiceError::InvalidRequest {
        message: format!(
            "malformed JSON at line {} column {}: {}",
            e.line() + line_offset,
            e.column(),
            error::json_message(&e)
        ),
        details: Some(serde_json::json!({ "line": e.line() + line_offset, "column": e.column() })),
    };
    match format {
        BodyFormat::Ndjson => {
            let mut out = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let raw: &RawValue = serde_json::from_str(line).map_err(|e| malformed(e, i))?;
                out.push(raw.get());
            }
            Ok(out)
        }
        BodyFormat::Json => match text.trim_start().as_bytes().first() {
            Some(b'[') => {
                let items: Vec<&RawValue> =
                    serde_json::from_str(text).map_err(|e| malformed(e, 0))?;
                Ok(items.into_iter().map(RawValue::get).collect())
            }
            Some(b'{') => {
                let top: TopMembers<'_> =
                    serde_json::from_str(text).map_err(|e| malformed(e, 0))?;
                let top = top.0;
                match top.get("events") {
                    None => Ok(vec![text]),
                    Some(_) if top.len() != 1 => Err(ServiceError::invalid(
                        "a batch object holds only \"events\"",
                    )),
                    Some(events) => {
                        let items: Vec<&RawValue> =
                            serde_json::from_str(events.get()).map_err(|_| {
                                ServiceError::invalid(
                                    "\"events\" must be an array of event objects",
                                )
                            })?;
                        Ok(items.into_iter().map(RawValue::get).collect())
                    }
                }
            }
            _ => {
                // Let the parser say what is wrong, or say what shape is expected.
                serde_json::from_str::<&RawValue>(text).map_err(|e| malformed(e, 0))?;
                Err(ServiceError::invalid(
                    "the body must be an event object, {\"events\": [...]}, or an array of events",
                ))
            }
        },
    }
}

/// The members of a top-level JSON object, unparsed. `events` given twice is an error: with
/// `{"events": [a], "events": [b]}` one reader would store `a` and another `b`. (Other
/// repeated members are left to event validation, which names them.)
struct TopMembers<'a>(BTreeMap<Cow<'a, str>, &'a RawValue>);

impl<'de> serde::Deserialize<'de> for TopMembers<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = TopMembers<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    let value: &'de RawValue = map.next_value()?;
                    if key == "events" && out.contains_key(&key) {
                        return Err(serde::de::Error::custom(format_args!(
                            "duplicate member {key:?}"
                        )));
                    }
                    out.insert(key, value);
                }
                Ok(TopMembers(out))
            }
        }
        d.deserialize_map(Visit)
    }
}
