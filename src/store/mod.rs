//! Storage: the [`Store`] trait and its backends. All SQL lives below this module.
//!
//! Architecture invariant: every method that touches events or keys takes the org's id, and
//! every statement filters by it.

pub mod ledger;
pub mod postgres;
pub mod sql;
pub mod sqlite;

use async_trait::async_trait;

use crate::model::chain::PreparedEvent;
use crate::model::merkle::Hash;
use crate::model::{KeyInfo, Org, Scope};

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("{0} already exists")]
    AlreadyExists(String),
    /// An event id was used before with other content. `index` is the event's position in
    /// the request.
    #[error("event id {id} was already used for an event with different content")]
    IdConflict { index: usize, id: String },
    /// The database cannot take the request now (busy, I/O error, connection lost).
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// The database's disk (or quota) is full: the transaction was rolled back, nothing of
    /// it was stored. Writes work again once space is freed, without a restart.
    #[error("storage full: {0}")]
    StorageFull(String),
    #[error("storage error: {0}")]
    Internal(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// What became of one event of an append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    pub id: String,
    pub seq: u64,
    /// The same id with the same content was stored before: nothing new was written.
    pub duplicate: bool,
}

/// A key found by the hash of its secret.
#[derive(Debug, Clone)]
pub struct KeyRecord {
    pub key_id: String,
    pub org: Org,
    pub scope: Scope,
    pub secret_hash: [u8; 32],
    pub revoked: bool,
}

/// A new key to store; the secret itself never reaches the store.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub id: String,
    pub scope: Scope,
    pub name: String,
    pub prefix: String,
    pub secret_hash: [u8; 32],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Asc,
    Desc,
}

/// A resolved event query: everything already validated and mapped to stored columns.
#[derive(Debug, Clone, PartialEq)]
pub struct EventQuery {
    /// `occurred_at >= from` (microseconds).
    pub from: Option<i64>,
    /// `occurred_at < to` (microseconds).
    pub to: Option<i64>,
    /// `None`: any action. Never empty (an empty selection is answered without a query).
    pub actions: Option<Vec<String>>,
    pub entity_ids: Option<Vec<String>>,
    pub actor_ids: Option<Vec<String>>,
    pub actor_types: Option<Vec<String>>,
    pub order: Order,
    /// Keyset position: strictly after `(occurred_at, seq)` in `order`.
    pub after: Option<(i64, u64)>,
    pub limit: usize,
}

/// Where a count reads from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountSource {
    /// The events themselves (any range, any filter); time resolution one minute.
    Events,
    /// Per-hour rollups; `from`/`to` must be whole UTC hours.
    Hourly,
    /// Per-day rollups; `from`/`to` must be whole UTC days.
    Daily,
}

/// A count over one range, grouped by what the caller asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct CountQuery {
    pub source: CountSource,
    /// Inclusive, microseconds.
    pub from: i64,
    /// Exclusive, microseconds.
    pub to: i64,
    pub actions: Option<Vec<String>>,
    /// Only with [`CountSource::Events`]: rollups do not know entities.
    pub entity_ids: Option<Vec<String>>,
    pub actor_ids: Option<Vec<String>>,
    pub actor_types: Option<Vec<String>>,
    pub by_action: bool,
    /// Group by actor type, actor id and via type.
    pub by_actor: bool,
    /// Group by time: the minute (events) or the rollup bucket.
    pub by_time: bool,
    /// Rollups only: only these buckets, each inside [from, to), ascending; `None`: all.
    /// Looked up by key, one by one.
    pub buckets: Option<Vec<i64>>,
    /// Rollups only: group time by the UTC day a bucket is in rather than by the bucket.
    pub time_by_day: bool,
}

impl CountQuery {
    /// Every event in [from, to) read from `source`: no filter, no grouping yet.
    pub fn new(source: CountSource, from: i64, to: i64) -> Self {
        CountQuery {
            source,
            from,
            to,
            actions: None,
            entity_ids: None,
            actor_ids: None,
            actor_types: None,
            by_action: false,
            by_actor: false,
            by_time: false,
            buckets: None,
            time_by_day: false,
        }
    }

    pub(crate) fn needs_actor(&self) -> bool {
        self.by_actor || self.actor_ids.is_some() || self.actor_types.is_some()
    }

    pub(crate) fn needs_action(&self) -> bool {
        self.by_action || self.actions.is_some()
    }

    /// The grouped columns of a count, in the order both stores read them back (time,
    /// action, actor type, actor id, via type); `time_col` is the source's time expression.
    pub(crate) fn group_columns<'a>(&self, time_col: &'a str) -> Vec<&'a str> {
        let mut cols = Vec::new();
        if self.by_time {
            cols.push(time_col);
        }
        if self.by_action {
            cols.push("action");
        }
        if self.by_actor {
            if self.source == CountSource::Events {
                cols.extend([
                    "actor_type",
                    "COALESCE(actor_id, '')",
                    "COALESCE(via_type, '')",
                ]);
            } else {
                cols.extend(["actor_type", "actor_id", "via_type"]);
            }
        }
        cols
    }

    /// Whether rollups of `source` can answer this query. Per-action and per-actor rollups
    /// exist per hour and per day; the combined action x actor rollup only per day (per
    /// hour it would hold about as many rows as there are events). Entities are never rolled up.
    pub fn rollup_can_answer(&self, source: CountSource) -> bool {
        match source {
            CountSource::Events => true,
            _ if self.entity_ids.is_some() => false,
            CountSource::Daily => true,
            CountSource::Hourly => !(self.needs_actor() && self.needs_action()),
        }
    }

    /// Whether the grouped columns are the whole key of the rollup read (bucket and action,
    /// or bucket and actor): each row is then a group of its own, read as it is, with no
    /// aggregation in the database.
    pub(crate) fn groups_are_rollup_rows(&self) -> bool {
        self.source != CountSource::Events
            && self.by_time
            && !self.time_by_day
            && if self.needs_actor() {
                self.by_actor && !self.needs_action()
            } else {
                self.by_action
            }
    }
}

/// One group of a count. Members the query did not group by are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountRow {
    /// Start of the minute or bucket, microseconds.
    pub time: Option<i64>,
    pub action: Option<String>,
    pub actor_type: Option<String>,
    /// Empty for actors without an id.
    pub actor_id: Option<String>,
    /// Empty when the event went through no automation.
    pub via_type: Option<String>,
    pub n: u64,
}

/// One actor-day's per-action counts, packed into one text cell as `action=n` lines (in
/// both stores' `rollup_actor_actions`): one row per actor and day instead of one per
/// action, actor and day, so a commit upserts a row per actor and day it touched.
pub(crate) fn pack_counts(counts: &std::collections::BTreeMap<String, i64>) -> String {
    let mut out = String::with_capacity(counts.len() * 24);
    for (action, n) in counts {
        out.push_str(action);
        out.push('=');
        out.push_str(&n.to_string());
        out.push('\n');
    }
    out
}

pub(crate) fn unpack_counts(s: &str) -> std::collections::BTreeMap<String, i64> {
    s.lines()
        .filter_map(|l| {
            let (a, n) = l.split_once('=')?;
            Some((a.to_string(), n.parse().ok()?))
        })
        .collect()
}

/// Groups packed actor-day rows (see [`pack_counts`]) in memory as a [`CountQuery`] asks.
/// A row's day and actor are looked up once, then its actions are summed under them: a
/// year of actor-days is a few hundred thousand action lines.
pub(crate) struct ActorActionTally<'q> {
    q: &'q CountQuery,
    wanted: Option<foldhash::HashSet<&'q str>>,
    /// (day, actor) -> action (empty when not grouped by action) -> count
    groups: foldhash::HashMap<(Option<i64>, Option<Actor>), foldhash::HashMap<String, u64>>,
}

/// Actor type, actor id, via type.
type Actor = (String, String, String);

impl<'q> ActorActionTally<'q> {
    pub(crate) fn new(q: &'q CountQuery) -> Self {
        ActorActionTally {
            q,
            wanted: q
                .actions
                .as_ref()
                .map(|a| a.iter().map(String::as_str).collect()),
            groups: Default::default(),
        }
    }

    /// One row: the day, the actor (type, id, via type) and its packed counts.
    pub(crate) fn add(&mut self, bucket: i64, actor: (String, String, String), counts: &str) {
        let key = (
            self.q.by_time.then_some(bucket),
            self.q.by_actor.then_some(actor),
        );
        let wanted = self.wanted.as_ref();
        let matching = counts.lines().filter_map(|line| {
            let (action, n) = line.split_once('=')?;
            if wanted.is_some_and(|w| !w.contains(action)) {
                return None;
            }
            Some((action, n.parse::<u64>().unwrap_or(0)))
        });
        if self.q.by_action {
            // an actor-day with no matching action leaves an empty map: no group
            let inner = self.groups.entry(key).or_default();
            for (action, n) in matching {
                match inner.get_mut(action) {
                    Some(k) => *k += n,
                    None => {
                        inner.insert(action.to_string(), n);
                    }
                }
            }
        } else {
            let mut total = None;
            for (_, n) in matching {
                *total.get_or_insert(0) += n;
            }
            if let Some(n) = total {
                *self
                    .groups
                    .entry(key)
                    .or_default()
                    .entry(String::new())
                    .or_default() += n;
            }
        }
    }

    pub(crate) fn finish(self) -> Vec<CountRow> {
        let by_action = self.q.by_action;
        self.groups
            .into_iter()
            .flat_map(|((time, actor), actions)| {
                actions.into_iter().map(move |(action, n)| {
                    let (actor_type, actor_id, via_type) = match actor.clone() {
                        Some((t, i, v)) => (Some(t), Some(i), Some(v)),
                        None => (None, None, None),
                    };
                    CountRow {
                        time,
                        action: by_action.then_some(action),
                        actor_type,
                        actor_id,
                        via_type,
                        n,
                    }
                })
            })
            .collect()
    }
}

pub const HOUR_MICROS: i64 = 3_600_000_000;
pub const DAY_MICROS: i64 = 24 * HOUR_MICROS;

/// A signed checkpoint as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    pub tree_size: u64,
    pub root: Hash,
    /// Microseconds.
    pub time: i64,
    /// Hex of the signing key's 4-byte key hash.
    pub key_id: String,
    /// The whole signed note.
    pub note: String,
}

/// A checkpoint signing key (public half) and its validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyInfo {
    pub key_id: String,
    pub name: String,
    pub public_key: [u8; 32],
    pub created_at: i64,
    pub retired_at: Option<i64>,
}

/// An event row with its indexed columns, for verification (the columns must agree with
/// the body).
#[derive(Debug, Clone)]
pub struct VerifyRow {
    pub seq: u64,
    pub id: String,
    pub occurred_at: i64,
    pub action: String,
    pub entity_id: String,
    pub actor_type: String,
    pub actor_id: Option<String>,
    pub via_type: Option<String>,
    pub hash: Vec<u8>,
    pub body: String,
}

/// Per-org settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OrgSettings {
    /// Delete events stored more than this many days ago; `None`: the server default.
    pub retention_days: Option<u32>,
    /// Nothing is deleted while set.
    pub legal_hold: bool,
}

/// What retention removed so far: the log starts after `cut_seq`, and this is the chain and
/// tree state there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgeState {
    pub cut_seq: u64,
    /// `hash` of the event at `cut_seq`.
    pub prev_hash: Hash,
    /// The Merkle right edge at size `cut_seq`.
    pub peaks: Vec<Hash>,
}

/// The outcome of one purge step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purged {
    /// Events removed (or that would be, for a dry run).
    pub events: u64,
    /// The log now starts after this seq.
    pub cut_seq: u64,
}

/// One event row as read back.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub seq: u64,
    pub occurred_at: i64,
    /// The canonical JSON body, `hash` included.
    pub body: String,
}

/// An administrative change to one org, made by [`Store::administer`] in one transaction
/// with the events that record it.
#[derive(Debug, Clone)]
pub enum AdminChange {
    /// A new API key.
    CreateKey(NewKey),
    /// Revokes the org's active key `key_id`; [`Administered::Unchanged`] when the org has
    /// no such active key.
    RevokeKey { key_id: String },
    /// Replaces the settings, if they are still `expected` (the values the records name as
    /// the old ones); [`Administered::Unchanged`] when they changed meanwhile.
    PutSettings {
        expected: OrgSettings,
        new: OrgSettings,
    },
    /// Renames the org; [`Administered::Unchanged`] when the name is already `name`.
    Rename { name: String },
    /// Nothing but the records (an act whose only trace is its record: a viewer token
    /// minted, a signing key rotated).
    Record,
}

/// What [`Store::administer`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Administered {
    /// The change and its records were committed; the key, for [`AdminChange::CreateKey`].
    Done { key: Option<KeyInfo> },
    /// The change's condition did not hold: nothing was written, records included.
    Unchanged,
}

/// What a platform-defined catalog entry defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CatalogKind {
    EntityType,
    Action,
}

impl CatalogKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CatalogKind::EntityType => "entity_type",
            CatalogKind::Action => "action",
        }
    }

    pub fn parse(s: &str) -> Option<CatalogKind> {
        match s {
            "entity_type" => Some(CatalogKind::EntityType),
            "action" => Some(CatalogKind::Action),
            _ => None,
        }
    }
}

/// One version of a platform-defined catalog entry, as stored. The store keeps every
/// version and never reads `definition` (the service's JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogEntry {
    /// `None`: defined for the whole instance (by the operator); else the org's id.
    pub org_id: Option<i64>,
    pub kind: CatalogKind,
    pub name: String,
    /// 1, 2, ...: each stored change of the definition is the next version.
    pub version: u32,
    pub definition: String,
    /// Microseconds.
    pub created_at: i64,
}

/// What [`Store::put_catalog_entry`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogPut {
    /// The definition is `version`: a new one (`changed`), or the latest already equal.
    Stored { version: u32, changed: bool },
    /// The name is defined in the other scope (an org entry of an instance name, or an
    /// instance entry of a name some org defined); nothing was stored.
    Conflict,
    /// The next version is not the one expected: nothing was stored.
    Stale,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Creates an org with its first key, and appends `records` (the events that record
    /// both) as its first events, in one transaction.
    async fn create_org(
        &self,
        slug: &str,
        name: &str,
        first_key: NewKey,
        records: Vec<PreparedEvent>,
    ) -> StoreResult<(Org, KeyInfo)>;
    async fn get_org(&self, slug: &str) -> StoreResult<Option<Org>>;
    async fn list_orgs(&self) -> StoreResult<Vec<Org>>;

    async fn list_keys(&self, org: &Org) -> StoreResult<Vec<KeyInfo>>;
    /// Makes `change` and appends `records` in one transaction: both are committed or
    /// neither. The service passes the events that record the change (`service::admin`),
    /// so that no administrative change is stored without its trace in the org's log.
    async fn administer(
        &self,
        org: &Org,
        change: AdminChange,
        records: Vec<PreparedEvent>,
    ) -> StoreResult<Administered>;
    async fn find_key(&self, secret_hash: &[u8; 32]) -> StoreResult<Option<KeyRecord>>;

    /// Appends events to one org atomically: either every event is stored (or recognised as
    /// a duplicate) and committed durably before this returns, or nothing is.
    async fn append(&self, org: &Org, events: Vec<PreparedEvent>) -> StoreResult<Vec<Appended>>;
    async fn query(&self, org: &Org, q: &EventQuery) -> StoreResult<Vec<EventRow>>;
    async fn get_event(&self, org: &Org, id: &str) -> StoreResult<Option<EventRow>>;
    /// All of an org's bodies in seq order from `from_seq`, at most `limit`.
    async fn events_by_seq(
        &self,
        org: &Org,
        from_seq: u64,
        limit: usize,
    ) -> StoreResult<Vec<EventRow>>;

    /// Counts events, from the events or from rollups kept in the same transaction as the
    /// events (so both always agree). See [`CountQuery::rollup_can_answer`].
    async fn count(&self, org: &Org, q: &CountQuery) -> StoreResult<Vec<CountRow>>;
    /// The latest "Performed By" of each of these user actor ids.
    async fn actor_names(
        &self,
        org: &Org,
        actor_ids: &[String],
    ) -> StoreResult<Vec<(String, String)>>;

    /// The org's Merkle tree head, read in one snapshot: (size, root).
    async fn tree_head(&self, org: &Org) -> StoreResult<(u64, Hash)>;
    /// The leaf hash of leaf `leaf_index` (seq - 1) and its inclusion proof in the tree of
    /// `tree_size` leaves.
    async fn inclusion_proof(
        &self,
        org: &Org,
        leaf_index: u64,
        tree_size: u64,
    ) -> StoreResult<(Hash, Vec<Hash>)>;
    async fn consistency_proof(&self, org: &Org, size1: u64, size2: u64) -> StoreResult<Vec<Hash>>;
    /// Stores a checkpoint; a second one at the same size is ignored.
    async fn save_checkpoint(&self, org: &Org, cp: &StoredCheckpoint) -> StoreResult<()>;
    /// The org's checkpoints, newest first, at most `limit`.
    async fn checkpoints(&self, org: &Org, limit: usize) -> StoreResult<Vec<StoredCheckpoint>>;
    /// Registers the current signing key (if new) and retires every other key.
    async fn register_signing_key(&self, key: &SigningKeyInfo) -> StoreResult<()>;
    async fn signing_keys(&self) -> StoreResult<Vec<SigningKeyInfo>>;
    /// Rows in seq order from `from_seq`, with their indexed columns.
    async fn verify_rows(
        &self,
        org: &Org,
        from_seq: u64,
        limit: usize,
    ) -> StoreResult<Vec<VerifyRow>>;

    async fn settings(&self, org: &Org) -> StoreResult<OrgSettings>;
    async fn purge_state(&self, org: &Org) -> StoreResult<Option<PurgeState>>;
    /// Root of the tree of `size` leaves from stored nodes (for checkpoints older than a cut).
    async fn root_at(&self, org: &Org, size: u64) -> StoreResult<Hash>;
    /// Deletes the org's oldest events stored (`recorded_at`) before `before`, at most
    /// `limit`, in one transaction: keeps the Merkle nodes later proofs need and the chain
    /// and tree state at the cut, and takes the events out of the rollups. Nothing under
    /// legal hold. `dry_run` only counts.
    async fn purge(
        &self,
        org: &Org,
        before: i64,
        limit: usize,
        dry_run: bool,
    ) -> StoreResult<Purged>;

    /// Whether the store can serve requests now.
    async fn ready(&self) -> StoreResult<()>;

    // ---- the platform-defined catalog (store/<backend>/catalog.rs) ----

    /// Every version of the platform-defined entries visible in a scope: the instance's
    /// (`org: None`), or the instance's and the org's; by scope (instance first), kind,
    /// name and version.
    async fn catalog_entries(&self, org: Option<&Org>) -> StoreResult<Vec<CatalogEntry>>;
    /// Stores `definition` as the next version of the entry, unless the latest version
    /// is already byte-equal (then nothing changes). Refused ([`CatalogPut::Conflict`]) when
    /// the name is defined in the other scope; [`CatalogPut::Stale`] when the next version
    /// would not be `expect_version` (the version the caller's `records` name: another
    /// change came first). `records`, the events recording an org's change, are appended to
    /// that org in the same transaction (none for the instance's entries). Bumps
    /// [`Store::catalog_generation`].
    async fn put_catalog_entry(
        &self,
        org: Option<&Org>,
        kind: CatalogKind,
        name: &str,
        definition: &str,
        expect_version: u32,
        records: Vec<PreparedEvent>,
    ) -> StoreResult<CatalogPut>;
    /// Removes every version of an entry of the scope, with its `records` appended to the
    /// org in the same transaction; `false` (and nothing written) if there was none. Bumps
    /// [`Store::catalog_generation`].
    async fn delete_catalog_entry(
        &self,
        org: Option<&Org>,
        kind: CatalogKind,
        name: &str,
        records: Vec<PreparedEvent>,
    ) -> StoreResult<bool>;
    /// Whether any stored event has this action: in the org, or in any org (`None`).
    async fn action_has_events(&self, org: Option<&Org>, action: &str) -> StoreResult<bool>;
    /// A counter that every change of the platform-defined catalog bumps (one row read):
    /// what the service's catalog cache compares to know whether it is still current.
    async fn catalog_generation(&self) -> StoreResult<i64>;
}

/// Failpoint `store::before_commit`: everything is written, the commit fails (tests only;
/// compiled out without the `failpoints` feature). `return` fails as an unavailable
/// database, `return(disk_full)` as a full disk.
pub(crate) fn before_commit() -> StoreResult<()> {
    fail::fail_point!("store::before_commit", |arg| Err(
        if arg.as_deref() == Some("disk_full") {
            StoreError::StorageFull("injected: database or disk is full".into())
        } else {
            StoreError::Unavailable("injected failure before commit".into())
        }
    ));
    Ok(())
}

/// Failpoint `store::after_commit`: the commit succeeded but the reply is lost.
pub(crate) fn after_commit() -> StoreResult<()> {
    fail::fail_point!("store::after_commit", |_| Err(StoreError::Unavailable(
        "injected failure after commit".into()
    )));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hourly(from: i64, to: i64) -> CountQuery {
        CountQuery {
            by_action: true,
            by_time: true,
            ..CountQuery::new(CountSource::Hourly, from, to)
        }
    }

    #[test]
    fn rollup_rows_are_groups_only_when_grouped_by_their_whole_key() {
        let mut q = hourly(0, DAY_MICROS);
        assert!(q.groups_are_rollup_rows()); // bucket x action
        q.time_by_day = true;
        assert!(!q.groups_are_rollup_rows()); // the hours of a day are summed
        q.time_by_day = false;
        q.by_time = false;
        assert!(!q.groups_are_rollup_rows());
        q.by_time = true;
        q.by_action = false;
        q.actor_types = Some(vec!["system".into()]);
        assert!(!q.groups_are_rollup_rows()); // actor table, not grouped by actor
        q.by_actor = true;
        assert!(q.groups_are_rollup_rows()); // bucket x actor
        q.actions = Some(vec!["rule.updated".into()]);
        assert!(!q.groups_are_rollup_rows()); // action x actor: the packed table
        q.source = CountSource::Events;
        q.actions = None;
        assert!(!q.groups_are_rollup_rows());
    }
}
