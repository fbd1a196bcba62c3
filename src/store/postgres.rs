//! The PostgreSQL backend (tokio-postgres, deadpool pool), for several stateless nodes on
//! one database.
//!
//! Appends are serialized per org, never globally: each org has one `org_heads` row (its
//! chain head and the right edge of its Merkle tree), and an append transaction locks it
//! (`FOR UPDATE`) before it moves the head. Two nodes appending for the same org take turns
//! on that row lock; appends for other orgs never wait. Inside one node, concurrent requests
//! for the same org are combined into one transaction (group commit): the first request to
//! find the org's queue idle becomes its leader and commits everything queued, in arrival
//! order, while the others wait for their reply. Nothing is replied before `COMMIT` returned.
//!
//! Idempotency, conflicts and the chain are decided in memory ([`decide`]), so a request that
//! fails (an id conflict) contributes nothing and the others in its group are unaffected. The
//! rows are written with a handful of `UNNEST` statements per group: events, Merkle nodes,
//! rollups, actors, the new head. Usually a group is decided before the lock, against the
//! head this node expects ([`Sealer`]), and its events go out ahead of the lock request;
//! `auditlog_expect_head` checks the head under the lock and sends the group back to be
//! decided under the lock (against the locked head and one lookup of its ids) when it moved.
//!
//! Every primary key and unique index starts with `org_id`, and no table has a cross-org
//! foreign key or sequence: the per-org tables can be distributed by `org_id` on Citus
//! (docs/scaling.md).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio::sync::oneshot;
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;

use super::ledger::{self, Deltas, FastMap, Head, STORED_LEVEL};
use super::sql;
use super::{
    Appended, CountQuery, CountRow, CountSource, EventQuery, EventRow, KeyRecord, NewKey,
    OrgSettings, PurgeState, Purged, SigningKeyInfo, Store, StoreError, StoreResult,
    StoredCheckpoint, VerifyRow,
};
use crate::model::chain::{PreparedEvent, ZERO_HASH};
use crate::model::merkle::{self, CompactRange, Hash, NodeSource};
use crate::model::time::now_micros;
use crate::model::{KeyInfo, Org, Scope};

/// Most events one group commit takes before it commits.
pub const MAX_GROUP_EVENTS: usize = 20_000;
/// Connections per node.
const POOL_SIZE: usize = 16;

/// Versioned migrations, applied in order under an advisory lock (several nodes may start
/// at once). Never edit one that shipped: add the next.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE orgs (
    id         BIGINT PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    org_id      BIGINT NOT NULL,
    scope       TEXT NOT NULL,
    name        TEXT NOT NULL,
    prefix      TEXT NOT NULL,
    secret_hash BYTEA NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX api_keys_org ON api_keys (org_id);
-- the org's chain head and Merkle right edge; its row lock serializes the org's appends
CREATE TABLE org_heads (
    org_id BIGINT PRIMARY KEY,
    seq    BIGINT NOT NULL,
    hash   BYTEA NOT NULL,
    peaks  BYTEA NOT NULL
);
CREATE TABLE events (
    org_id       BIGINT NOT NULL,
    seq          BIGINT NOT NULL,
    id           TEXT NOT NULL,
    occurred_at  BIGINT NOT NULL,     -- microseconds since the epoch
    recorded_at  BIGINT NOT NULL,
    action       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    actor_type   TEXT NOT NULL,
    actor_id     TEXT,
    via_type     TEXT,
    content_hash BYTEA NOT NULL,
    hash         BYTEA NOT NULL,
    body         TEXT NOT NULL,        -- canonical JSON, hash included
    PRIMARY KEY (org_id, seq)
);
CREATE UNIQUE INDEX events_org_id ON events (org_id, id);
CREATE INDEX events_org_time ON events (org_id, occurred_at, seq);
CREATE FUNCTION auditlog_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('auditlog.purge', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'events are append-only; only the retention purge deletes';
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION auditlog_events_append_only();
CREATE TABLE rollup_action (
    org_id BIGINT NOT NULL, grain BIGINT NOT NULL, bucket BIGINT NOT NULL,
    action TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (org_id, grain, bucket, action)
);
CREATE TABLE rollup_actor (
    org_id BIGINT NOT NULL, grain BIGINT NOT NULL, bucket BIGINT NOT NULL,
    actor_type TEXT NOT NULL, actor_id TEXT NOT NULL, via_type TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (org_id, grain, bucket, actor_type, actor_id, via_type)
);
-- action x actor, per day only
CREATE TABLE rollup_actor_action (
    org_id BIGINT NOT NULL, bucket BIGINT NOT NULL,
    actor_type TEXT NOT NULL, actor_id TEXT NOT NULL, via_type TEXT NOT NULL,
    action TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (org_id, bucket, actor_type, actor_id, via_type, action)
);
CREATE TABLE actors (
    org_id BIGINT NOT NULL, actor_id TEXT NOT NULL, performed_by TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, actor_id)
);
CREATE TABLE merkle_nodes (
    org_id BIGINT NOT NULL, level BIGINT NOT NULL, idx BIGINT NOT NULL, hash BYTEA NOT NULL,
    PRIMARY KEY (org_id, level, idx)
);
CREATE TABLE signing_keys (
    key_id TEXT PRIMARY KEY, name TEXT NOT NULL, public_key BYTEA NOT NULL,
    created_at BIGINT NOT NULL, retired_at BIGINT
);
CREATE TABLE checkpoints (
    org_id BIGINT NOT NULL, tree_size BIGINT NOT NULL, root BYTEA NOT NULL,
    time BIGINT NOT NULL, key_id TEXT NOT NULL, note TEXT NOT NULL,
    PRIMARY KEY (org_id, tree_size)
);
CREATE TABLE org_settings (
    org_id BIGINT PRIMARY KEY, retention_days BIGINT, legal_hold BOOLEAN NOT NULL DEFAULT false
);
CREATE TABLE purge_state (
    org_id BIGINT PRIMARY KEY, cut_seq BIGINT NOT NULL, prev_hash BYTEA NOT NULL,
    peaks BYTEA NOT NULL, purged_at BIGINT NOT NULL
);
"#,
    // Row-level security by org, as defence in depth: a statement that forgot its org filter
    // sees nothing. Each transaction names its org in `auditlog.org` (`org_tx`). Superusers
    // bypass it: run the service as an ordinary role (docs/scaling.md).
    r#"
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON events
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
ALTER TABLE org_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE org_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON org_heads
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
ALTER TABLE rollup_action ENABLE ROW LEVEL SECURITY;
ALTER TABLE rollup_action FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON rollup_action
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
ALTER TABLE rollup_actor ENABLE ROW LEVEL SECURITY;
ALTER TABLE rollup_actor FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON rollup_actor
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
ALTER TABLE rollup_actor_action ENABLE ROW LEVEL SECURITY;
ALTER TABLE rollup_actor_action FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON rollup_actor_action
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
ALTER TABLE actors ENABLE ROW LEVEL SECURITY;
ALTER TABLE actors FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON actors
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
ALTER TABLE merkle_nodes ENABLE ROW LEVEL SECURITY;
ALTER TABLE merkle_nodes FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON merkle_nodes
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
ALTER TABLE checkpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE checkpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON checkpoints
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
ALTER TABLE org_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE org_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON org_settings
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
ALTER TABLE purge_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE purge_state FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON purge_state
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
"#,
    // One entity's history ("who changed this Rule?") without walking the org's whole time
    // index and reading every row of the org.
    r#"
CREATE INDEX events_org_entity ON events (org_id, entity_id, occurred_at, seq);
"#,
    // Counts read the rollups by index only. Their rows are upserted in place, so the heap is
    // in arrival order, not key order: a range of days was one heap page per row (69 ms for a
    // year of daily action counts at 1M events; 10 ms by index only). Frequent vacuums keep
    // the visibility map current, so the heap is not visited for settled days.
    r#"
ALTER TABLE rollup_action DROP CONSTRAINT rollup_action_pkey,
    ADD CONSTRAINT rollup_action_pkey PRIMARY KEY (org_id, grain, bucket, action) INCLUDE (n);
ALTER TABLE rollup_actor DROP CONSTRAINT rollup_actor_pkey,
    ADD CONSTRAINT rollup_actor_pkey
    PRIMARY KEY (org_id, grain, bucket, actor_type, actor_id, via_type) INCLUDE (n);
ALTER TABLE rollup_actor_action DROP CONSTRAINT rollup_actor_action_pkey,
    ADD CONSTRAINT rollup_actor_action_pkey
    PRIMARY KEY (org_id, bucket, actor_type, actor_id, via_type, action) INCLUDE (n);
ALTER TABLE rollup_action SET (autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_insert_scale_factor = 0.01);
ALTER TABLE rollup_actor SET (autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_insert_scale_factor = 0.01);
ALTER TABLE rollup_actor_action SET (autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_insert_scale_factor = 0.01);
"#,
    // Action x actor counts packed as on SQLite: one row per actor and day holding its
    // per-action counts as `action=n` lines. A row per action, actor and day meant about as
    // many upserts as events in a commit (a third of batched ingest); now it is one per
    // actor and day touched, merged in memory under the org's lock.
    r#"
CREATE TABLE rollup_actor_actions (
    org_id BIGINT NOT NULL, bucket BIGINT NOT NULL,
    actor_type TEXT NOT NULL, actor_id TEXT NOT NULL, via_type TEXT NOT NULL,
    counts TEXT NOT NULL,
    PRIMARY KEY (org_id, bucket, actor_type, actor_id, via_type)
) WITH (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01);
-- the owner migrates every org's rows at once
ALTER TABLE rollup_actor_action NO FORCE ROW LEVEL SECURITY;
INSERT INTO rollup_actor_actions (org_id, bucket, actor_type, actor_id, via_type, counts)
    SELECT org_id, bucket, actor_type, actor_id, via_type,
           string_agg(action || '=' || n, E'\n' ORDER BY action COLLATE "C") || E'\n'
    FROM rollup_actor_action WHERE n <> 0
    GROUP BY org_id, bucket, actor_type, actor_id, via_type;
DROP TABLE rollup_actor_action;
ALTER TABLE rollup_actor_actions ENABLE ROW LEVEL SECURITY;
ALTER TABLE rollup_actor_actions FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON rollup_actor_actions
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
"#,
    // A group sealed before the org's lock (against the head this node expects) commits only
    // if, once the lock is granted, the head is still that one; otherwise this raises
    // AL001, the transaction writes nothing and the group is decided again under the lock.
    r#"
CREATE FUNCTION auditlog_expect_head(p_org BIGINT, p_seq BIGINT, p_hash BYTEA)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    h RECORD;
BEGIN
    SELECT seq, hash INTO h FROM org_heads WHERE org_id = p_org FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'org % has no head row', p_org USING ERRCODE = 'AL001';
    END IF;
    IF h.seq <> p_seq OR h.hash <> p_hash THEN
        RAISE EXCEPTION 'the head of org % moved: seq % expected, % found', p_org, p_seq, h.seq
            USING ERRCODE = 'AL001';
    END IF;
END $$;
"#,
];

fn classify(e: tokio_postgres::Error) -> StoreError {
    if let Some(code) = e.code() {
        // 53100: the disk (or tablespace) is full; the statement's transaction is aborted
        if *code == SqlState::DISK_FULL {
            return StoreError::StorageFull(e.to_string());
        }
        let class = &code.code()[..2];
        // 08 connection, 53 insufficient resources, 57 operator intervention, 58 system error
        if matches!(class, "08" | "53" | "57" | "58")
            || *code == SqlState::T_R_SERIALIZATION_FAILURE
            || *code == SqlState::T_R_DEADLOCK_DETECTED
            || *code == SqlState::LOCK_NOT_AVAILABLE
        {
            return StoreError::Unavailable(e.to_string());
        }
        return StoreError::Internal(e.to_string());
    }
    // no SQLSTATE: the connection broke or could not be made
    StoreError::Unavailable(e.to_string())
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        classify(e)
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        StoreError::Unavailable(format!("database connection: {e}"))
    }
}

fn is_unique_violation(e: &tokio_postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

fn hash32(v: Vec<u8>, what: &str) -> StoreResult<Hash> {
    v.try_into()
        .map_err(|_| StoreError::Internal(format!("stored {what} is not 32 bytes")))
}

fn unpack_peaks(v: &[u8]) -> StoreResult<Vec<Hash>> {
    if !v.len().is_multiple_of(32) {
        return Err(StoreError::Internal("stored peaks are corrupt".into()));
    }
    Ok(v.chunks(32)
        .map(|c| {
            let mut h = [0u8; 32];
            h.copy_from_slice(c);
            h
        })
        .collect())
}

type Reply = oneshot::Sender<StoreResult<Vec<Appended>>>;

struct Pending {
    events: Vec<PreparedEvent>,
    reply: Reply,
}

#[derive(Default)]
struct OrgQueue {
    pending: Vec<Pending>,
    /// Leader tasks committing this org's queue (at most [`LEADERS_PER_ORG`]).
    running: usize,
}

/// Group commits of one org in flight per node. They take turns on the org's row lock, but
/// the next group's connection, `BEGIN` and lock request overlap the previous one's commit
/// and replies, so a busy org's groups do not alternate between large and tiny.
const LEADERS_PER_ORG: usize = 2;

struct Inner {
    pool: Pool,
    queues: Mutex<HashMap<i64, OrgQueue>>,
    sealers: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<Sealer>>>>,
}

/// See the module docs.
pub struct PostgresStore {
    inner: Arc<Inner>,
}

impl PostgresStore {
    /// Connects (`postgres://...`, libpq URL or key=value form), applies migrations and
    /// returns the store. Fails when the database is unreachable.
    pub async fn connect(url: &str) -> StoreResult<PostgresStore> {
        Self::connect_with(url, false).await
    }

    /// As [`PostgresStore::connect`]; refuses a server that does not make commits durable
    /// (`fsync=off` or `synchronous_commit=off`) unless `allow_unsynced`.
    pub async fn connect_with(url: &str, allow_unsynced: bool) -> StoreResult<PostgresStore> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Internal(format!("invalid PostgreSQL URL: {e}")))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(|e| StoreError::Internal(format!("building the connection pool: {e}")))?;
        let mut client = pool.get().await?;
        let fsync: String = client.query_one("SHOW fsync", &[]).await?.get(0);
        let sync_commit: String = client
            .query_one("SHOW synchronous_commit", &[])
            .await?
            .get(0);
        if fsync != "on" || sync_commit == "off" {
            let what = format!(
                "PostgreSQL runs with fsync={fsync} and synchronous_commit={sync_commit}: an \
                 acknowledged event could be lost in a crash"
            );
            if !allow_unsynced {
                return Err(StoreError::Internal(format!(
                    "{what}; set fsync=on and synchronous_commit=on, or start with \
                     --unsafe-allow-unsynced to accept that"
                )));
            }
            tracing::warn!("{what} (allowed by --unsafe-allow-unsynced)");
        }
        migrate(&mut client).await?;
        drop(client);
        Ok(PostgresStore {
            inner: Arc::new(Inner {
                pool,
                queues: Mutex::new(HashMap::new()),
                sealers: Mutex::new(HashMap::new()),
            }),
        })
    }

    async fn client(&self) -> StoreResult<deadpool_postgres::Object> {
        Ok(self.inner.pool.get().await?)
    }
}

/// Opens a transaction scoped to one org: row-level security lets it see that org's rows
/// only (`auditlog.org`, transaction-local). A read simply drops it (a rollback).
async fn org_tx(
    client: &mut deadpool_postgres::Object,
    org_id: i64,
) -> StoreResult<deadpool_postgres::Transaction<'_>> {
    let tx = client.transaction().await?;
    set_org(&tx, org_id).await?;
    Ok(tx)
}

async fn set_org<C: GenericClient>(c: &C, org_id: i64) -> StoreResult<()> {
    let st = c
        .prepare_cached("SELECT set_config('auditlog.org', $1, true)")
        .await?;
    c.query_one(&st, &[&org_id.to_string()]).await?;
    Ok(())
}

async fn migrate(client: &mut deadpool_postgres::Object) -> StoreResult<()> {
    let tx = client.transaction().await?;
    // one migrating node per schema at a time; the others wait here, then find nothing to do
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext('auditlog.migrate.' || current_schema()))",
        &[],
    )
    .await?;
    // quiet: "already exists, skipping" notices are expected on every start
    tx.batch_execute("SET LOCAL client_min_messages = warning")
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS auditlog_schema (version BIGINT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .await?;
    let version: i64 = tx
        .query_one("SELECT COALESCE(MAX(version), 0) FROM auditlog_schema", &[])
        .await?
        .get(0);
    if version as usize > MIGRATIONS.len() {
        return Err(StoreError::Internal(format!(
            "database schema version {version} is newer than this binary ({})",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.batch_execute(sql).await?;
        tx.execute(
            "INSERT INTO auditlog_schema (version, applied_at) VALUES ($1, $2)",
            &[&((i + 1) as i64), &now_micros()],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

fn org_from_row(r: &tokio_postgres::Row) -> Org {
    Org {
        id: r.get(0),
        slug: r.get(1),
        name: r.get(2),
        created_at: r.get(3),
    }
}

fn row_to_event(r: &tokio_postgres::Row) -> EventRow {
    EventRow {
        seq: r.get::<_, i64>(0) as u64,
        occurred_at: r.get(1),
        body: r.get(2),
    }
}

type Params = Vec<Box<dyn ToSql + Sync + Send>>;

fn refs(p: &Params) -> Vec<&(dyn ToSql + Sync)> {
    p.iter()
        .map(|b| b.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

/// PostgreSQL's SQL for the shared builders ([`sql`]): numbered placeholders, lists as
/// arrays, the keyset as a row comparison on `(occurred_at, seq)`.
#[derive(Default)]
struct Pg {
    params: Params,
}

impl sql::Dialect for Pg {
    fn bind(&mut self, p: sql::Param) -> String {
        self.params.push(match p {
            sql::Param::Int(i) => Box::new(i),
            sql::Param::Ints(v) => Box::new(v),
            sql::Param::Texts(v) => Box::new(v),
        });
        format!("${}", self.params.len())
    }

    fn one_of(&mut self, column: &str, values: &[String]) -> String {
        format!(
            "{column} = ANY({})",
            self.bind(sql::Param::Texts(values.to_vec()))
        )
    }

    /// `= ANY($n)` compares each row with every value of the list (dozens of actions for a
    /// category); a hashed subplan does one lookup per row.
    fn in_set(&mut self, column: &str, values: &[String]) -> String {
        format!(
            "{column} IN (SELECT unnest({}::TEXT[]))",
            self.bind(sql::Param::Texts(values.to_vec()))
        )
    }

    fn bucket_in(&mut self, buckets: &[i64]) -> String {
        format!(
            "bucket = ANY({})",
            self.bind(sql::Param::Ints(buckets.to_vec()))
        )
    }

    fn after(&mut self, cmp: &str, _org_id: i64, occurred_at: i64, seq: u64) -> String {
        let t = self.bind(sql::Param::Int(occurred_at));
        let s = self.bind(sql::Param::Int(seq as i64));
        format!("(occurred_at, seq) {cmp} ({t}, {s})")
    }

    fn seq_column(&self) -> &'static str {
        "seq"
    }

    fn sum_n(&self) -> &'static str {
        "COALESCE(SUM(n), 0)::BIGINT"
    }
}

impl sql::CountCells for tokio_postgres::Row {
    fn int(&self, i: usize) -> StoreResult<Option<i64>> {
        Ok(self.try_get(i)?)
    }
    fn text(&self, i: usize) -> StoreResult<String> {
        Ok(self.try_get(i)?)
    }
}

/// Reads the packed action x actor day rollup and groups it in memory.
async fn count_actor_actions<C: GenericClient>(
    c: &C,
    org_id: i64,
    q: &CountQuery,
) -> StoreResult<Vec<CountRow>> {
    let mut d = Pg::default();
    let text = sql::actor_actions(&mut d, org_id, q);
    let mut tally = super::ActorActionTally::new(q);
    for r in c
        .query(&c.prepare_cached(&text).await?, &refs(&d.params))
        .await?
    {
        tally.add(r.get(0), (r.get(1), r.get(2), r.get(3)), r.get(4));
    }
    Ok(tally.finish())
}

// ---------------------------------------------------------------------------------------
// Merkle nodes: the tree algorithms are synchronous, the database is not. `NodeCache`
// answers from what was fetched so far and records what it lacked (answering a placeholder,
// since the algorithms' control flow depends only on sizes); `with_nodes` fetches the
// recorded wants in bulk and runs the algorithm again until nothing is lacking.

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Want {
    Stored(u32, u64),
    /// Leaves [start, end).
    Leaves(u64, u64),
}

#[derive(Default)]
struct NodeCache {
    stored: HashMap<(u32, u64), Option<Hash>>,
    leaves: HashMap<(u64, u64), Option<Vec<Hash>>>,
    wanted: Mutex<HashSet<Want>>,
}

impl NodeCache {
    fn want(&self, w: Want) {
        if let Ok(mut s) = self.wanted.lock() {
            s.insert(w);
        }
    }

    fn take_wants(&self) -> Vec<Want> {
        self.wanted
            .lock()
            .map(|mut s| s.drain().collect())
            .unwrap_or_default()
    }
}

impl NodeSource for NodeCache {
    fn node(&self, level: u32, index: u64) -> Result<Hash, String> {
        if level >= 63 {
            return Err("tree level out of range".into());
        }
        let width = 1u64 << level;
        let range = (index * width, (index + 1) * width);
        match self.stored.get(&(level, index)) {
            Some(Some(h)) => return Ok(*h),
            Some(None) => {}
            None => {
                self.want(Want::Stored(level, index));
                if level < STORED_LEVEL {
                    self.want(Want::Leaves(range.0, range.1));
                }
                return Ok(ZERO_HASH);
            }
        }
        if level < STORED_LEVEL {
            match self.leaves.get(&range) {
                Some(Some(layer)) => {
                    let mut layer = layer.clone();
                    while layer.len() > 1 {
                        layer = layer
                            .chunks(2)
                            .map(|p| merkle::node_hash(&p[0], &p[1]))
                            .collect();
                    }
                    return layer.pop().ok_or_else(|| "empty subtree".to_string());
                }
                Some(None) if level == 0 => {
                    return Err(format!(
                        "event {} is not present and its leaf was not kept",
                        index + 1
                    ));
                }
                Some(None) => {}
                None => {
                    self.want(Want::Leaves(range.0, range.1));
                    return Ok(ZERO_HASH);
                }
            }
        }
        // from its two halves (a subtree straddling a retention cut)
        let left = self.node(level - 1, index * 2)?;
        let right = self.node(level - 1, index * 2 + 1)?;
        Ok(merkle::node_hash(&left, &right))
    }
}

async fn fetch_wants<C: GenericClient>(
    c: &C,
    org_id: i64,
    cache: &mut NodeCache,
    wants: Vec<Want>,
) -> StoreResult<()> {
    let mut levels = Vec::new();
    let mut idxs = Vec::new();
    for w in &wants {
        match *w {
            Want::Stored(level, index) => {
                levels.push(i64::from(level));
                idxs.push(index as i64);
                cache.stored.insert((level, index), None);
            }
            Want::Leaves(start, end) => {
                let rows = c
                    .query(
                        &c.prepare_cached(
                            "SELECT body FROM events WHERE org_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq",
                        )
                        .await?,
                        &[&org_id, &(start as i64), &(end as i64)],
                    )
                    .await?;
                let layer: Vec<Hash> = rows
                    .iter()
                    .map(|r| merkle::leaf_hash(r.get::<_, &str>(0).as_bytes()))
                    .collect();
                let complete = layer.len() as u64 == end - start;
                cache.leaves.insert((start, end), complete.then_some(layer));
            }
        }
    }
    if !levels.is_empty() {
        let rows = c
            .query(
                &c.prepare_cached(
                    "SELECT n.level, n.idx, n.hash FROM merkle_nodes n
                     JOIN UNNEST($2::BIGINT[], $3::BIGINT[]) AS w(level, idx)
                       ON n.level = w.level AND n.idx = w.idx
                     WHERE n.org_id = $1",
                )
                .await?,
                &[&org_id, &levels, &idxs],
            )
            .await?;
        for r in rows {
            let level: i64 = r.get(0);
            let idx: i64 = r.get(1);
            let h = hash32(r.get(2), "Merkle node")?;
            cache.stored.insert((level as u32, idx as u64), Some(h));
        }
    }
    Ok(())
}

/// Runs a tree algorithm over the org's nodes, fetching what it needs.
async fn with_nodes<C: GenericClient, T>(
    c: &C,
    org_id: i64,
    f: impl Fn(&NodeCache) -> Result<T, String>,
) -> StoreResult<T> {
    let mut cache = NodeCache::default();
    for _ in 0..128 {
        let result = f(&cache);
        let wants = cache.take_wants();
        if wants.is_empty() {
            return result.map_err(|e| StoreError::Internal(format!("Merkle tree: {e}")));
        }
        fetch_wants(c, org_id, &mut cache, wants).await?;
    }
    Err(StoreError::Internal(
        "Merkle tree: too many fetch rounds".into(),
    ))
}

/// The right edge of the tree of the org's first `size` events.
fn tree_at(src: &NodeCache, size: u64) -> Result<CompactRange, String> {
    let mut peaks = Vec::new();
    let mut offset = 0u64;
    for level in (0..64u32).rev() {
        if size & (1u64 << level) != 0 {
            peaks.push(src.node(level, offset >> level)?);
            offset += 1u64 << level;
        }
    }
    CompactRange::from_parts(size, peaks)
}

// ---------------------------------------------------------------------------------------
// Appends

/// From `SELECT seq, hash, peaks FROM org_heads`.
fn head_from_row(row: &tokio_postgres::Row) -> StoreResult<Head> {
    let seq = row.get::<_, i64>(0) as u64;
    Ok(Head {
        seq,
        hash: hash32(row.get(1), "head hash")?,
        tree: CompactRange::from_parts(seq, unpack_peaks(row.get(2))?)
            .map_err(StoreError::Internal)?,
    })
}

/// Rows one group commit writes, column by column (for `UNNEST`), borrowed from the group.
#[derive(Default)]
struct EventCols<'g> {
    seq: Vec<i64>,
    id: Vec<&'g str>,
    occurred_at: Vec<i64>,
    action: Vec<&'g str>,
    entity_id: Vec<&'g str>,
    actor_type: Vec<&'g str>,
    actor_id: Vec<Option<&'g str>>,
    via_type: Vec<Option<&'g str>>,
    content_hash: Vec<&'g [u8]>,
    hash: Vec<Vec<u8>>,
    body: Vec<String>,
}

impl<'g> EventCols<'g> {
    fn new(rows: Vec<ledger::Row<'g>>) -> Self {
        let mut c = EventCols::default();
        for row in rows {
            let ev = row.event;
            c.seq.push(row.seq as i64);
            c.id.push(&ev.id);
            c.occurred_at.push(ev.occurred_at);
            c.action.push(&ev.action);
            c.entity_id.push(&ev.entity_id);
            c.actor_type.push(ev.actor_type);
            c.actor_id.push(ev.actor_id.as_deref());
            c.via_type.push(ev.via_type);
            c.content_hash.push(&ev.content_hash);
            c.hash.push(row.hash.to_vec());
            c.body.push(row.body);
        }
        c
    }
}

/// Writes (`sign` 1) or takes back (`sign` -1) rollup deltas: four statements, pipelined.
async fn write_deltas<C: GenericClient>(
    c: &C,
    org_id: i64,
    deltas: &Deltas<'_>,
    sign: i64,
) -> Result<(), tokio_postgres::Error> {
    let (mut g1, mut b1, mut a1, mut n1) = (vec![], vec![], vec![], vec![]);
    for (&(grain, bucket, action), k) in &deltas.action {
        g1.push(grain);
        b1.push(bucket);
        a1.push(action);
        n1.push(k * sign);
    }
    let (mut g2, mut b2, mut t2, mut i2, mut v2, mut n2) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for (&(grain, bucket, at, aid, via), k) in &deltas.actor {
        g2.push(grain);
        b2.push(bucket);
        t2.push(at);
        i2.push(aid);
        v2.push(via);
        n2.push(k * sign);
    }
    let (mut b3, mut t3, mut i3, mut v3) = (vec![], vec![], vec![], vec![]);
    for &(bucket, at, aid, via) in deltas.full.keys() {
        b3.push(bucket);
        t3.push(at);
        i3.push(aid);
        v3.push(via);
    }
    let (mut i4, mut name4, mut seen4) = (vec![], vec![], vec![]);
    if sign > 0 {
        for (&aid, &(t, by)) in &deltas.actors {
            i4.push(aid);
            name4.push(by);
            seen4.push(t);
        }
    }
    let action = async {
        if g1.is_empty() {
            return Ok(0);
        }
        let st = c
            .prepare_cached(
                "INSERT INTO rollup_action (org_id, grain, bucket, action, n)
                 SELECT $1, * FROM UNNEST($2::BIGINT[], $3::BIGINT[], $4::TEXT[], $5::BIGINT[])
                 ON CONFLICT (org_id, grain, bucket, action)
                 DO UPDATE SET n = rollup_action.n + excluded.n",
            )
            .await?;
        c.execute(&st, &[&org_id, &g1, &b1, &a1, &n1]).await
    };
    let actor = async {
        if g2.is_empty() {
            return Ok(0);
        }
        let st = c
            .prepare_cached(
                "INSERT INTO rollup_actor (org_id, grain, bucket, actor_type, actor_id, via_type, n)
                 SELECT $1, * FROM UNNEST($2::BIGINT[], $3::BIGINT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::BIGINT[])
                 ON CONFLICT (org_id, grain, bucket, actor_type, actor_id, via_type)
                 DO UPDATE SET n = rollup_actor.n + excluded.n",
            )
            .await?;
        c.execute(&st, &[&org_id, &g2, &b2, &t2, &i2, &v2, &n2])
            .await
    };
    // read, merge in memory, write back: safe because the caller holds the org's head
    // row lock (appends and the purge both take it)
    let full = async {
        if b3.is_empty() {
            return Ok(0);
        }
        let st = c
            .prepare_cached(
                "SELECT bucket, actor_type, actor_id, via_type, counts FROM rollup_actor_actions
                 WHERE org_id = $1 AND (bucket, actor_type, actor_id, via_type) IN
                     (SELECT * FROM UNNEST($2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::TEXT[]))",
            )
            .await?;
        let mut merged: FastMap<
            (i64, String, String, String),
            std::collections::BTreeMap<String, i64>,
        > = FastMap::default();
        for r in c.query(&st, &[&org_id, &b3, &t3, &i3, &v3]).await? {
            let key = (r.get(0), r.get(1), r.get(2), r.get(3));
            merged.insert(key, super::unpack_counts(r.get(4)));
        }
        let (mut b, mut t, mut i, mut v, mut counts) = (vec![], vec![], vec![], vec![], vec![]);
        let (mut gone_b, mut gone_t, mut gone_i, mut gone_v) = (vec![], vec![], vec![], vec![]);
        for (&(bucket, at, aid, via), delta) in &deltas.full {
            let key = (bucket, at.to_string(), aid.to_string(), via.to_string());
            let now = ledger::apply_packed(merged.remove(&key).unwrap_or_default(), delta, sign);
            if now.is_empty() {
                gone_b.push(bucket);
                gone_t.push(at);
                gone_i.push(aid);
                gone_v.push(via);
            } else {
                b.push(bucket);
                t.push(at);
                i.push(aid);
                v.push(via);
                counts.push(super::pack_counts(&now));
            }
        }
        let upsert = async {
            if b.is_empty() {
                return Ok(0);
            }
            let st = c
                .prepare_cached(
                    "INSERT INTO rollup_actor_actions (org_id, bucket, actor_type, actor_id, via_type, counts)
                     SELECT $1, * FROM UNNEST($2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[])
                     ON CONFLICT (org_id, bucket, actor_type, actor_id, via_type)
                     DO UPDATE SET counts = excluded.counts",
                )
                .await?;
            c.execute(&st, &[&org_id, &b, &t, &i, &v, &counts]).await
        };
        let delete = async {
            if gone_b.is_empty() {
                return Ok(0);
            }
            let st = c
                .prepare_cached(
                    "DELETE FROM rollup_actor_actions
                     WHERE org_id = $1 AND (bucket, actor_type, actor_id, via_type) IN
                         (SELECT * FROM UNNEST($2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::TEXT[]))",
                )
                .await?;
            c.execute(&st, &[&org_id, &gone_b, &gone_t, &gone_i, &gone_v])
                .await
        };
        let (a, d) = futures_util::try_join!(upsert, delete)?;
        Ok(a + d)
    };
    let actors = async {
        if i4.is_empty() {
            return Ok(0);
        }
        let st = c
            .prepare_cached(
                "INSERT INTO actors (org_id, actor_id, performed_by, seen_at)
                 SELECT $1, * FROM UNNEST($2::TEXT[], $3::TEXT[], $4::BIGINT[])
                 ON CONFLICT (org_id, actor_id) DO UPDATE
                 SET performed_by = excluded.performed_by, seen_at = excluded.seen_at
                 WHERE excluded.seen_at >= actors.seen_at",
            )
            .await?;
        c.execute(&st, &[&org_id, &i4, &name4, &seen4]).await
    };
    futures_util::try_join!(action, actor, full, actors)?;
    Ok(())
}

/// A group's [`ledger::Decision`] as this backend writes it: the rows as columns for `UNNEST`.
struct Decided<'g> {
    /// The head the group was decided against (seq and hash), and the one it leaves.
    base: (u64, Hash),
    head: Head,
    recorded_at: i64,
    results: Vec<StoreResult<Vec<Appended>>>,
    cols: EventCols<'g>,
    nodes: (Vec<i64>, Vec<i64>, Vec<Vec<u8>>),
    deltas: Deltas<'g>,
}

/// Decides the group with [`ledger::decide`] against `base` and the ids `stored` before it.
fn decide<'g>(
    group: &'g [Pending],
    base: &Head,
    stored: &ledger::Stored,
    recorded_at: i64,
) -> Decided<'g> {
    let requests: Vec<&'g [PreparedEvent]> = group.iter().map(|p| p.events.as_slice()).collect();
    let d = ledger::decide(&requests, base, stored, recorded_at);
    let mut nodes: (Vec<i64>, Vec<i64>, Vec<Vec<u8>>) = Default::default();
    for n in &d.nodes {
        nodes.0.push(i64::from(n.level));
        nodes.1.push(n.index as i64);
        nodes.2.push(n.hash.to_vec());
    }
    Decided {
        base: d.base,
        head: d.head,
        recorded_at: d.recorded_at,
        results: d.results,
        cols: EventCols::new(d.rows),
        nodes,
        deltas: d.deltas,
    }
}

impl Decided<'_> {
    /// Writes the group's rows and moves the head, inside the caller's transaction. All
    /// independent: pipelined on the connection, one round trip for the lot (two with the
    /// packed actor counts, which are read and merged).
    async fn write<C: GenericClient>(
        &self,
        tx: &C,
        org_id: i64,
    ) -> Result<(), tokio_postgres::Error> {
        futures_util::try_join!(self.write_events(tx, org_id), self.write_rest(tx, org_id))?;
        Ok(())
    }

    /// The events themselves: most of the work, and nothing another group's rows or the
    /// org's lock can make it wait for (their seqs and ids are this group's own).
    async fn write_events<C: GenericClient>(
        &self,
        tx: &C,
        org_id: i64,
    ) -> Result<(), tokio_postgres::Error> {
        let cols = &self.cols;
        if cols.seq.is_empty() {
            return Ok(());
        }
        let st = tx
            .prepare_cached(
                "INSERT INTO events (org_id, seq, id, occurred_at, recorded_at, action, entity_id,
                                     actor_type, actor_id, via_type, content_hash, hash, body)
                 SELECT $1, s, i, o, $2, a, e, at, ai, v, ch, h, b
                 FROM UNNEST($3::BIGINT[], $4::TEXT[], $5::BIGINT[], $6::TEXT[], $7::TEXT[],
                             $8::TEXT[], $9::TEXT[], $10::TEXT[], $11::BYTEA[], $12::BYTEA[], $13::TEXT[])
                      AS t(s, i, o, a, e, at, ai, v, ch, h, b)",
            )
            .await?;
        tx.execute(
            &st,
            &[
                &org_id,
                &self.recorded_at,
                &cols.seq,
                &cols.id,
                &cols.occurred_at,
                &cols.action,
                &cols.entity_id,
                &cols.actor_type,
                &cols.actor_id,
                &cols.via_type,
                &cols.content_hash,
                &cols.hash,
                &cols.body,
            ],
        )
        .await?;
        Ok(())
    }

    /// Merkle nodes, rollups and the new head: what must follow the org's lock (the packed
    /// actor counts are read and merged, rollup rows are shared with the groups before).
    async fn write_rest<C: GenericClient>(
        &self,
        tx: &C,
        org_id: i64,
    ) -> Result<(), tokio_postgres::Error> {
        if self.cols.seq.is_empty() {
            return Ok(());
        }
        let peaks: Vec<u8> = self.head.tree.peaks().iter().flatten().copied().collect();
        let head_seq = self.head.seq as i64;
        let nodes = &self.nodes;
        let merkle = async {
            if nodes.0.is_empty() {
                return Ok(0);
            }
            let st = tx
                .prepare_cached(
                    "INSERT INTO merkle_nodes (org_id, level, idx, hash)
                     SELECT $1, * FROM UNNEST($2::BIGINT[], $3::BIGINT[], $4::BYTEA[])",
                )
                .await?;
            tx.execute(&st, &[&org_id, &nodes.0, &nodes.1, &nodes.2])
                .await
        };
        let new_head = async {
            let st = tx
                .prepare_cached(
                    "UPDATE org_heads SET seq = $2, hash = $3, peaks = $4 WHERE org_id = $1",
                )
                .await?;
            tx.execute(
                &st,
                &[&org_id, &head_seq, &self.head.hash.as_slice(), &peaks],
            )
            .await
        };
        // rollups in the same transaction: counts and events can never disagree
        let rollups = async { write_deltas(tx, org_id, &self.deltas, 1).await.map(|()| 0) };
        futures_util::try_join!(merkle, rollups, new_head)?;
        Ok(())
    }
}

/// Should a leader task end abnormally (a panic), its place in the org's queue is freed and
/// whatever is still queued gets a new leader, so an org's appends can never get stuck.
struct LeaderGuard {
    inner: Arc<Inner>,
    org_id: i64,
    finished: bool,
}

impl Drop for LeaderGuard {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let Ok(mut queues) = self.inner.queues.lock() else {
            return;
        };
        let q = queues.entry(self.org_id).or_default();
        if q.pending.is_empty() {
            q.running = q.running.saturating_sub(1);
            if q.running == 0 {
                queues.remove(&self.org_id);
            }
        } else if let Ok(rt) = tokio::runtime::Handle::try_current() {
            // keep this leader's slot for its successor
            rt.spawn(self.inner.clone().lead(self.org_id));
        } else {
            q.running = q.running.saturating_sub(1);
        }
    }
}

/// Where this node's groups for one org are sealed, one at a time, in the order they will
/// take the org's lock.
#[derive(Default)]
struct Sealer {
    /// The head the org will have once the groups sealed so far commit; `None`: unknown
    /// (at first, and after any group failed or found the head moved): the next group is
    /// decided under the lock, as usual, and sets it again.
    head: Option<Head>,
    /// Groups taken so far.
    ticket: u64,
    /// Groups are decided under the lock until then (see [`SEALING_PAUSE`]).
    paused_until: Option<std::time::Instant>,
}

/// How long a sealed group waits for a lock before it gives up and is decided again under
/// the lock. Its events are written before it asks for the org's lock, so another node's
/// append holding that lock may wait for them: this ends that wait long before PostgreSQL's
/// deadlock check (1 s by default) would pick a victim, and never at the locked append.
const SEALED_LOCK_TIMEOUT: &str = "500ms";

/// After a sealed group found the head moved (usually: another node appends for the org
/// too), the org's groups are decided under the lock for this long.
const SEALING_PAUSE: std::time::Duration = std::time::Duration::from_secs(2);

/// Orgs whose sealer is kept while idle; beyond that, idle orgs' predictions are dropped.
const MAX_SEALERS: usize = 4096;

/// Why a sealed group was not committed as sealed, though it may still commit under the
/// lock: the org's head moved (another node appended, or an earlier group of this node
/// failed), an id in it was stored before (a unique index caught it), or it waited too long
/// for a lock ([`SEALED_LOCK_TIMEOUT`]) or in a deadlock: another node's append holds the
/// org's lock and waits for a row this group wrote ahead of it.
fn head_moved(e: &tokio_postgres::Error) -> bool {
    e.code().is_some_and(|c| {
        c.code() == HEAD_MOVED
            || *c == SqlState::UNIQUE_VIOLATION
            || *c == SqlState::T_R_DEADLOCK_DETECTED
            || *c == SqlState::LOCK_NOT_AVAILABLE
            || *c == SqlState::IN_FAILED_SQL_TRANSACTION
    })
}

/// SQLSTATE raised by `auditlog_expect_head` (migration 6).
const HEAD_MOVED: &str = "AL001";

impl Inner {
    fn sealer(&self, org_id: i64) -> Arc<tokio::sync::Mutex<Sealer>> {
        let mut sealers = self.sealers.lock().unwrap_or_else(|p| p.into_inner());
        if sealers.len() >= MAX_SEALERS && !sealers.contains_key(&org_id) {
            sealers.retain(|_, s| Arc::strong_count(s) > 1);
        }
        sealers.entry(org_id).or_default().clone()
    }

    /// The org's queue leader: commits what is queued until the queue is empty.
    async fn lead(self: Arc<Self>, org_id: i64) {
        let mut guard = LeaderGuard {
            inner: self.clone(),
            org_id,
            finished: false,
        };
        let sealer = self.sealer(org_id);
        loop {
            // groups are taken and sealed in one order, the order they queue for the lock in
            let mut seal = sealer.clone().lock_owned().await;
            let group = {
                let Ok(mut queues) = self.queues.lock() else {
                    return;
                };
                let q = queues.entry(org_id).or_default();
                if q.pending.is_empty() {
                    q.running -= 1;
                    if q.running == 0 {
                        queues.remove(&org_id);
                    }
                    guard.finished = true;
                    return;
                }
                let mut count = 0;
                let mut take = 0;
                for p in &q.pending {
                    if take > 0 && count + p.events.len() > MAX_GROUP_EVENTS {
                        break;
                    }
                    count += p.events.len();
                    take += 1;
                }
                q.pending.drain(..take).collect::<Vec<_>>()
            };
            seal.ticket += 1;
            let sealing = seal
                .paused_until
                .is_none_or(|t| std::time::Instant::now() >= t);
            let replies = match seal.head.clone().filter(|_| sealing) {
                // sealed now, against the head the groups before it leave; the next group
                // is sealed while this one waits for the lock and writes
                Some(base) => {
                    let decided = decide(&group, &base, &ledger::Stored::default(), now_micros());
                    seal.head = Some(decided.head.clone());
                    self.commit_sealed(org_id, &group, decided, seal, &sealer)
                        .await
                }
                // decided under the lock; the sealer waits for that decision
                None => self.commit_locked(org_id, &group, Some(seal)).await,
            };
            let replies = match replies {
                Ok((results, _)) => Ok(results),
                Err(e) => {
                    // the heads predicted from this group are wrong
                    sealer.lock().await.head = None;
                    Err(e)
                }
            };
            match replies {
                Ok(results) => {
                    for (p, r) in group.into_iter().zip(results) {
                        let _ = p.reply.send(r);
                    }
                }
                Err(e) => {
                    for p in group {
                        let _ = p.reply.send(Err(e.clone()));
                    }
                }
            }
        }
    }

    /// Commits a group sealed before the lock: the transaction first takes the org's head
    /// row lock and checks the head is the one the group was sealed against
    /// (`auditlog_expect_head`), with every write pipelined behind it, so the group's rows
    /// go out with the lock request and nothing of ours runs while the org is locked. When
    /// the head moved, nothing is written and the group is decided again under the lock.
    async fn commit_sealed<'g>(
        &self,
        org_id: i64,
        group: &'g [Pending],
        decided: Decided<'g>,
        seal: tokio::sync::OwnedMutexGuard<Sealer>,
        sealer: &tokio::sync::Mutex<Sealer>,
    ) -> StoreResult<(Vec<StoreResult<Vec<Appended>>>, Head)> {
        let ticket = seal.ticket;
        let mut seal = Some(seal);
        let mut client = self.pool.get().await?;
        let attempt = async {
            let tx = client.transaction().await?;
            // prepared (or found cached) before anything is sent, so that the statements go
            // out in this order: the org setting (row-level security needs it first), the
            // events, the check (which waits for the lock), the rest
            let set = tx
                .prepare_cached(
                    "SELECT set_config('auditlog.org', $1, true), set_config('lock_timeout', $2, true)",
                )
                .await?;
            let expect = tx
                .prepare_cached("SELECT auditlog_expect_head($1, $2, $3)")
                .await?;
            let (org_text, base_seq) = (org_id.to_string(), decided.base.0 as i64);
            let (locked, on_lock) = oneshot::channel::<()>();
            {
                // the events go first: their insert needs no lock and is most of the work,
                // so it runs while the group before still holds the lock and commits
                let pipeline = futures_util::future::try_join4(
                    async {
                        tx.query_one(&set, &[&org_text, &SEALED_LOCK_TIMEOUT])
                            .await
                            .map_err(Moved::from)
                    },
                    async { decided.write_events(&tx, org_id).await.map_err(Moved::from) },
                    async {
                        let r = tx
                            .execute(&expect, &[&org_id, &base_seq, &decided.base.1.as_slice()])
                            .await
                            .map_err(Moved::from)?;
                        let _ = locked.send(());
                        Ok(r)
                    },
                    async { decided.write_rest(&tx, org_id).await.map_err(Moved::from) },
                );
                let mut pipeline = std::pin::pin!(pipeline);
                // the next group is sealed once this one holds the lock: it then queues for
                // the lock behind this one, never ahead of it
                tokio::select! {
                    biased;
                    r = &mut pipeline => r?,
                    _ = on_lock => {
                        drop(seal.take());
                        pipeline.await?
                    }
                };
            }
            drop(seal.take());
            Ok::<_, Moved>(tx)
        };
        match attempt.await {
            Ok(tx) => {
                super::before_commit()?;
                tx.commit().await?;
                super::after_commit()?;
                Ok((decided.results, decided.head))
            }
            Err(Moved::Yes) => {
                drop(seal);
                let (results, head) = self.commit_locked(org_id, group, None).await?;
                let mut seal = sealer.lock().await;
                // the groups sealed after this one were sealed against a head that never was
                seal.head = (seal.ticket == ticket).then(|| head.clone());
                seal.paused_until = Some(std::time::Instant::now() + SEALING_PAUSE);
                Ok((results, head))
            }
            Err(Moved::No(e)) => {
                drop(seal);
                Err(e)
            }
        }
    }

    /// One transaction for a group of one org's requests, decided under the org's lock.
    /// `seal`: the org's sealer, told the head this group leaves as soon as it is known.
    /// `Err`: nothing was committed.
    async fn commit_locked(
        &self,
        org_id: i64,
        group: &[Pending],
        seal: Option<tokio::sync::OwnedMutexGuard<Sealer>>,
    ) -> StoreResult<(Vec<StoreResult<Vec<Appended>>>, Head)> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        // ids sent before, by this group's requests or earlier ones
        let ids: Vec<&str> = group
            .iter()
            .flat_map(|p| p.events.iter())
            .filter(|e| !e.id_generated)
            .map(|e| e.id.as_str())
            .collect();
        // pipelined: the lookup runs after the lock is granted, so it sees every earlier commit
        let lock = async {
            let st: tokio_postgres::Statement = tx
                .prepare_cached(
                    "SELECT seq, hash, peaks FROM org_heads WHERE org_id = $1 FOR UPDATE",
                )
                .await?;
            tx.query_opt(&st, &[&org_id]).await
        };
        let lookup = async {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let st = tx
                .prepare_cached(
                    "SELECT id, seq, content_hash FROM events WHERE org_id = $1 AND id = ANY($2)",
                )
                .await?;
            tx.query(&st, &[&org_id, &ids]).await
        };
        let (_, row, found) = futures_util::try_join!(
            set_org(&tx, org_id),
            async { lock.await.map_err(StoreError::from) },
            async { lookup.await.map_err(StoreError::from) }
        )?;
        let row =
            row.ok_or_else(|| StoreError::Internal(format!("org {org_id} has no head row")))?;
        let head = head_from_row(&row)?;
        let mut stored = ledger::Stored::default();
        for r in found {
            let hash = hash32(r.get(2), "content hash")?;
            stored.insert(r.get(0), (r.get::<_, i64>(1) as u64, hash));
        }
        let decided = decide(group, &head, &stored, now_micros());
        if let Some(mut seal) = seal {
            seal.head = Some(decided.head.clone());
        }
        decided.write(&tx, org_id).await?;
        super::before_commit()?;
        tx.commit().await?;
        super::after_commit()?;
        Ok((decided.results, decided.head))
    }
}

/// How a sealed group's attempt ended when it did not reach `COMMIT`.
enum Moved {
    /// The head moved or an id repeats: decide again under the lock.
    Yes,
    No(StoreError),
}

impl From<tokio_postgres::Error> for Moved {
    fn from(e: tokio_postgres::Error) -> Self {
        if head_moved(&e) {
            Moved::Yes
        } else {
            Moved::No(e.into())
        }
    }
}

impl From<StoreError> for Moved {
    fn from(e: StoreError) -> Self {
        Moved::No(e)
    }
}

async fn read_purge_state<C: GenericClient>(c: &C, org_id: i64) -> StoreResult<Option<PurgeState>> {
    let row = c
        .query_opt(
            &c.prepare_cached(
                "SELECT cut_seq, prev_hash, peaks FROM purge_state WHERE org_id = $1",
            )
            .await?,
            &[&org_id],
        )
        .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    Ok(Some(PurgeState {
        cut_seq: r.get::<_, i64>(0) as u64,
        prev_hash: hash32(r.get(1), "purge prev_hash")?,
        peaks: unpack_peaks(r.get(2))?,
    }))
}

#[async_trait]
impl Store for PostgresStore {
    async fn create_org(&self, slug: &str, name: &str) -> StoreResult<Org> {
        let mut client = self.client().await?;
        let created_at = now_micros();
        // random ids: no sequence shared by nodes (or by the shards of a distributed database)
        for _ in 0..8 {
            let mut b = [0u8; 8];
            getrandom::fill(&mut b).map_err(|e| StoreError::Internal(e.to_string()))?;
            let id = (u64::from_le_bytes(b) >> 24) as i64 + 1;
            let tx = client.transaction().await?;
            let res = tx
                .execute(
                    "INSERT INTO orgs (id, slug, name, created_at) VALUES ($1, $2, $3, $4)",
                    &[&id, &slug, &name, &created_at],
                )
                .await;
            match res {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {
                    let taken = e
                        .as_db_error()
                        .and_then(|d| d.constraint())
                        .is_some_and(|c| c.contains("slug"));
                    if taken {
                        return Err(StoreError::AlreadyExists(format!("org {slug}")));
                    }
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
            set_org(&tx, id).await?;
            tx.execute(
                "INSERT INTO org_heads (org_id, seq, hash, peaks) VALUES ($1, 0, $2, ''::BYTEA)",
                &[&id, &ZERO_HASH.as_slice()],
            )
            .await?;
            tx.commit().await?;
            return Ok(Org {
                id,
                slug: slug.to_string(),
                name: name.to_string(),
                created_at,
            });
        }
        Err(StoreError::Internal("could not pick a free org id".into()))
    }

    async fn get_org(&self, slug: &str) -> StoreResult<Option<Org>> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                &c.prepare_cached("SELECT id, slug, name, created_at FROM orgs WHERE slug = $1")
                    .await?,
                &[&slug],
            )
            .await?;
        Ok(row.as_ref().map(org_from_row))
    }

    async fn list_orgs(&self) -> StoreResult<Vec<Org>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT id, slug, name, created_at FROM orgs ORDER BY slug",
                &[],
            )
            .await?;
        Ok(rows.iter().map(org_from_row).collect())
    }

    async fn create_key(&self, org: &Org, key: NewKey) -> StoreResult<KeyInfo> {
        let c = self.client().await?;
        let created_at = now_micros();
        c.execute(
            "INSERT INTO api_keys (id, org_id, scope, name, prefix, secret_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &key.id,
                &org.id,
                &key.scope.as_str(),
                &key.name,
                &key.prefix,
                &key.secret_hash.as_slice(),
                &created_at,
            ],
        )
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::AlreadyExists(format!("key {}", key.id))
            } else {
                e.into()
            }
        })?;
        Ok(KeyInfo {
            id: key.id,
            org: org.slug.clone(),
            scope: key.scope,
            name: key.name,
            prefix: key.prefix,
            created_at,
            revoked_at: None,
        })
    }

    async fn list_keys(&self, org: &Org) -> StoreResult<Vec<KeyInfo>> {
        let c = self.client().await?;
        let rows = c
            .query(
                &c.prepare_cached(
                    "SELECT id, scope, name, prefix, created_at, revoked_at FROM api_keys
                     WHERE org_id = $1 ORDER BY created_at, id",
                )
                .await?,
                &[&org.id],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| KeyInfo {
                id: r.get(0),
                org: org.slug.clone(),
                scope: Scope::parse(r.get(1)).unwrap_or(Scope::Read),
                name: r.get(2),
                prefix: r.get(3),
                created_at: r.get(4),
                revoked_at: r.get(5),
            })
            .collect())
    }

    async fn revoke_key(&self, org: &Org, key_id: &str) -> StoreResult<bool> {
        let c = self.client().await?;
        let n = c
            .execute(
                "UPDATE api_keys SET revoked_at = $1
                 WHERE org_id = $2 AND id = $3 AND revoked_at IS NULL",
                &[&now_micros(), &org.id, &key_id],
            )
            .await?;
        Ok(n == 1)
    }

    async fn find_key(&self, secret_hash: &[u8; 32]) -> StoreResult<Option<KeyRecord>> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                &c.prepare_cached(
                    "SELECT k.id, k.scope, k.secret_hash, k.revoked_at, o.id, o.slug, o.name, o.created_at
                     FROM api_keys k JOIN orgs o ON o.id = k.org_id WHERE k.secret_hash = $1",
                )
                .await?,
                &[&secret_hash.as_slice()],
            )
            .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        let Some(scope) = Scope::parse(r.get(1)) else {
            return Ok(None);
        };
        let Ok(secret_hash) = r.get::<_, Vec<u8>>(2).try_into() else {
            return Ok(None);
        };
        Ok(Some(KeyRecord {
            key_id: r.get(0),
            scope,
            secret_hash,
            revoked: r.get::<_, Option<i64>>(3).is_some(),
            org: Org {
                id: r.get(4),
                slug: r.get(5),
                name: r.get(6),
                created_at: r.get(7),
            },
        }))
    }

    async fn append(&self, org: &Org, events: Vec<PreparedEvent>) -> StoreResult<Vec<Appended>> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let (reply, rx) = oneshot::channel();
        let lead = {
            let mut queues = self
                .inner
                .queues
                .lock()
                .map_err(|_| StoreError::Internal("append queue poisoned".into()))?;
            let q = queues.entry(org.id).or_default();
            q.pending.push(Pending { events, reply });
            let lead = q.running < LEADERS_PER_ORG;
            if lead {
                q.running += 1;
            }
            lead
        };
        if lead {
            // a task of its own: the group commits even if this request is dropped
            tokio::spawn(self.inner.clone().lead(org.id));
        }
        rx.await
            .map_err(|_| StoreError::Unavailable("the append task stopped".into()))?
    }

    async fn query(&self, org: &Org, q: &EventQuery) -> StoreResult<Vec<EventRow>> {
        let mut client = self.client().await?;
        let c = org_tx(&mut client, org.id).await?;
        let mut d = Pg::default();
        let text = sql::listing(&mut d, org.id, q);
        let rows = c
            .query(&c.prepare_cached(&text).await?, &refs(&d.params))
            .await?;
        Ok(rows.iter().map(row_to_event).collect())
    }

    async fn get_event(&self, org: &Org, id: &str) -> StoreResult<Option<EventRow>> {
        let mut client = self.client().await?;
        let c = org_tx(&mut client, org.id).await?;
        let row = c
            .query_opt(
                &c.prepare_cached(
                    "SELECT seq, occurred_at, body FROM events WHERE org_id = $1 AND id = $2",
                )
                .await?,
                &[&org.id, &id],
            )
            .await?;
        Ok(row.as_ref().map(row_to_event))
    }

    async fn events_by_seq(
        &self,
        org: &Org,
        from_seq: u64,
        limit: usize,
    ) -> StoreResult<Vec<EventRow>> {
        let mut client = self.client().await?;
        let c = org_tx(&mut client, org.id).await?;
        let rows = c
            .query(
                &c.prepare_cached(
                    "SELECT seq, occurred_at, body FROM events
                     WHERE org_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3",
                )
                .await?,
                &[&org.id, &(from_seq as i64), &(limit as i64)],
            )
            .await?;
        Ok(rows.iter().map(row_to_event).collect())
    }

    async fn count(&self, org: &Org, q: &CountQuery) -> StoreResult<Vec<CountRow>> {
        let mut client = self.client().await?;
        let c = org_tx(&mut client, org.id).await?;
        if q.source == CountSource::Daily && q.needs_actor() && q.needs_action() {
            return count_actor_actions(&c, org.id, q).await;
        }
        let mut d = Pg::default();
        let text = sql::count(&mut d, org.id, q)?;
        let rows = c
            .query(&c.prepare_cached(&text).await?, &refs(&d.params))
            .await?;
        rows.iter().map(|r| sql::count_row(q, r)).collect()
    }

    async fn actor_names(
        &self,
        org: &Org,
        actor_ids: &[String],
    ) -> StoreResult<Vec<(String, String)>> {
        let mut client = self.client().await?;
        let c = org_tx(&mut client, org.id).await?;
        let rows = c
            .query(
                &c.prepare_cached(
                    "SELECT actor_id, performed_by FROM actors WHERE org_id = $1 AND actor_id = ANY($2)",
                )
                .await?,
                &[&org.id, &actor_ids],
            )
            .await?;
        let found: HashMap<String, String> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        Ok(actor_ids
            .iter()
            .filter_map(|id| found.get(id).map(|n| (id.clone(), n.clone())))
            .collect())
    }

    async fn tree_head(&self, org: &Org) -> StoreResult<(u64, Hash)> {
        let mut client = self.client().await?;
        let c = org_tx(&mut client, org.id).await?;
        let r = c
            .query_opt(
                &c.prepare_cached("SELECT seq, peaks FROM org_heads WHERE org_id = $1")
                    .await?,
                &[&org.id],
            )
            .await?;
        let Some(r) = r else {
            return Ok((0, CompactRange::new().root()));
        };
        let size = r.get::<_, i64>(0) as u64;
        let tree = CompactRange::from_parts(size, unpack_peaks(r.get(1))?)
            .map_err(StoreError::Internal)?;
        Ok((size, tree.root()))
    }

    async fn inclusion_proof(
        &self,
        org: &Org,
        leaf_index: u64,
        tree_size: u64,
    ) -> StoreResult<(Hash, Vec<Hash>)> {
        let mut client = self.client().await?;
        let c = org_tx(&mut client, org.id).await?;
        with_nodes(&c, org.id, |src| {
            let leaf = src.node(0, leaf_index)?;
            let proof = merkle::inclusion_proof(src, leaf_index, tree_size)?;
            Ok((leaf, proof))
        })
        .await
    }

    async fn consistency_proof(&self, org: &Org, size1: u64, size2: u64) -> StoreResult<Vec<Hash>> {
        let mut client = self.client().await?;
        let c = org_tx(&mut client, org.id).await?;
        with_nodes(&c, org.id, |src| {
            merkle::consistency_proof(src, size1, size2)
        })
        .await
    }

    async fn save_checkpoint(&self, org: &Org, cp: &StoredCheckpoint) -> StoreResult<()> {
        let mut client = self.client().await?;
        let c = org_tx(&mut client, org.id).await?;
        c.execute(
            "INSERT INTO checkpoints (org_id, tree_size, root, time, key_id, note)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id, tree_size) DO NOTHING",
            &[
                &org.id,
                &(cp.tree_size as i64),
                &cp.root.as_slice(),
                &cp.time,
                &cp.key_id,
                &cp.note,
            ],
        )
        .await?;
        c.commit().await?;
        Ok(())
    }

    async fn checkpoints(&self, org: &Org, limit: usize) -> StoreResult<Vec<StoredCheckpoint>> {
        let mut client = self.client().await?;
        let c = org_tx(&mut client, org.id).await?;
        let rows = c
            .query(
                &c.prepare_cached(
                    "SELECT tree_size, root, time, key_id, note FROM checkpoints
                     WHERE org_id = $1 ORDER BY tree_size DESC LIMIT $2",
                )
                .await?,
                &[&org.id, &(limit as i64)],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredCheckpoint {
                    tree_size: r.get::<_, i64>(0) as u64,
                    root: hash32(r.get(1), "checkpoint root")?,
                    time: r.get(2),
                    key_id: r.get(3),
                    note: r.get(4),
                })
            })
            .collect()
    }

    async fn register_signing_key(&self, key: &SigningKeyInfo) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        // nodes starting at once register the same key: take turns
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext('auditlog.signing_keys.' || current_schema()))",
            &[],
        )
        .await?;
        tx.execute(
            "INSERT INTO signing_keys (key_id, name, public_key, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (key_id) DO NOTHING",
            &[&key.key_id, &key.name, &key.public_key.as_slice(), &key.created_at],
        )
        .await?;
        tx.execute(
            "UPDATE signing_keys SET retired_at = $1 WHERE key_id <> $2 AND retired_at IS NULL",
            &[&key.created_at, &key.key_id],
        )
        .await?;
        tx.execute(
            "UPDATE signing_keys SET retired_at = NULL WHERE key_id = $1",
            &[&key.key_id],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn signing_keys(&self) -> StoreResult<Vec<SigningKeyInfo>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT key_id, name, public_key, created_at, retired_at FROM signing_keys ORDER BY created_at",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(SigningKeyInfo {
                    key_id: r.get(0),
                    name: r.get(1),
                    public_key: hash32(r.get(2), "public key")?,
                    created_at: r.get(3),
                    retired_at: r.get(4),
                })
            })
            .collect()
    }

    async fn verify_rows(
        &self,
        org: &Org,
        from_seq: u64,
        limit: usize,
    ) -> StoreResult<Vec<VerifyRow>> {
        let mut client = self.client().await?;
        let c = org_tx(&mut client, org.id).await?;
        let rows = c
            .query(
                &c.prepare_cached(
                    "SELECT seq, id, occurred_at, action, entity_id, actor_type, actor_id, via_type, hash, body
                     FROM events WHERE org_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3",
                )
                .await?,
                &[&org.id, &(from_seq as i64), &(limit as i64)],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| VerifyRow {
                seq: r.get::<_, i64>(0) as u64,
                id: r.get(1),
                occurred_at: r.get(2),
                action: r.get(3),
                entity_id: r.get(4),
                actor_type: r.get(5),
                actor_id: r.get(6),
                via_type: r.get(7),
                hash: r.get(8),
                body: r.get(9),
            })
            .collect())
    }

    async fn settings(&self, org: &Org) -> StoreResult<OrgSettings> {
        let mut client = self.client().await?;
        let c = org_tx(&mut client, org.id).await?;
        let row = c
            .query_opt(
                &c.prepare_cached(
                    "SELECT retention_days, legal_hold FROM org_settings WHERE org_id = $1",
                )
                .await?,
                &[&org.id],
            )
            .await?;
        Ok(row.map_or(OrgSettings::default(), |r| OrgSettings {
            retention_days: r
                .get::<_, Option<i64>>(0)
                .map(|d| d.clamp(0, u32::MAX as i64) as u32),
            legal_hold: r.get(1),
        }))
    }

    async fn put_settings(&self, org: &Org, st: OrgSettings) -> StoreResult<()> {
        let mut client = self.client().await?;
        let c = org_tx(&mut client, org.id).await?;
        c.execute(
            "INSERT INTO org_settings (org_id, retention_days, legal_hold) VALUES ($1, $2, $3)
             ON CONFLICT (org_id) DO UPDATE SET retention_days = excluded.retention_days,
                 legal_hold = excluded.legal_hold",
            &[&org.id, &st.retention_days.map(i64::from), &st.legal_hold],
        )
        .await?;
        c.commit().await?;
        Ok(())
    }

    async fn purge_state(&self, org: &Org) -> StoreResult<Option<PurgeState>> {
        let mut client = self.client().await?;
        let c = org_tx(&mut client, org.id).await?;
        read_purge_state(&c, org.id).await
    }

    async fn root_at(&self, org: &Org, size: u64) -> StoreResult<Hash> {
        let mut client = self.client().await?;
        let c = org_tx(&mut client, org.id).await?;
        with_nodes(&c, org.id, |src| merkle::root_at(src, size)).await
    }

    async fn purge(
        &self,
        org: &Org,
        before: i64,
        limit: usize,
        dry_run: bool,
    ) -> StoreResult<Purged> {
        let org_id = org.id;
        let mut client = self.client().await?;
        let tx = org_tx(&mut client, org_id).await?;
        // the org's appends wait while its history is cut
        tx.execute(
            "SELECT 1 FROM org_heads WHERE org_id = $1 FOR UPDATE",
            &[&org_id],
        )
        .await?;
        let hold = tx
            .query_opt(
                "SELECT legal_hold FROM org_settings WHERE org_id = $1",
                &[&org_id],
            )
            .await?
            .is_some_and(|r| r.get::<_, bool>(0));
        let old_cut = read_purge_state(&tx, org_id)
            .await?
            .map_or(0, |p| p.cut_seq);
        if hold {
            return Ok(Purged {
                events: 0,
                cut_seq: old_cut,
            });
        }
        let rows = tx
            .query(
                "SELECT seq, recorded_at, occurred_at, action, actor_type, actor_id, via_type
                 FROM events WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                &[&org_id, &(old_cut as i64), &(limit as i64)],
            )
            .await?;
        let candidates: Vec<ledger::PurgeCandidate> = rows
            .iter()
            .map(|r| ledger::PurgeCandidate {
                seq: r.get::<_, i64>(0) as u64,
                recorded_at: r.get(1),
                occurred_at: r.get(2),
                action: r.get(3),
                actor_type: r.get(4),
                actor_id: r.get(5),
                via_type: r.get(6),
            })
            .collect();
        let plan = ledger::plan_purge(old_cut, &candidates, before);
        let cut = plan.cut;
        let purged = Purged {
            events: plan.events(),
            cut_seq: cut,
        };
        if dry_run || cut == old_cut {
            return Ok(purged);
        }
        // 1. keep what later proofs need: the small subtrees ending in the purged range
        //    (while their leaves exist) and the right edge at the cut
        let (kept, peaks) = with_nodes(&tx, org_id, |src| {
            Ok((
                ledger::nodes_to_keep(src, old_cut, cut)?,
                tree_at(src, cut)?.peaks().to_vec(),
            ))
        })
        .await?;
        let prev: Vec<u8> = tx
            .query_one(
                "SELECT hash FROM events WHERE org_id = $1 AND seq = $2",
                &[&org_id, &(cut as i64)],
            )
            .await?
            .get(0);
        let (mut lv, mut ix, mut hs) = (vec![], vec![], vec![]);
        for n in &kept {
            lv.push(i64::from(n.level));
            ix.push(n.index as i64);
            hs.push(n.hash.to_vec());
        }
        tx.execute(
            "INSERT INTO merkle_nodes (org_id, level, idx, hash)
             SELECT $1, * FROM UNNEST($2::BIGINT[], $3::BIGINT[], $4::BYTEA[])
             ON CONFLICT DO NOTHING",
            &[&org_id, &lv, &ix, &hs],
        )
        .await?;
        // 2. take the events out of the rollups
        write_deltas(&tx, org_id, &plan.deltas, -1).await?;
        for table in ["rollup_action", "rollup_actor"] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE org_id = $1 AND n <= 0"),
                &[&org_id],
            )
            .await?;
        }
        // 3. delete, with the setting the append-only trigger checks (this transaction only)
        tx.batch_execute("SET LOCAL auditlog.purge = 'on'").await?;
        tx.execute(
            "DELETE FROM events WHERE org_id = $1 AND seq > $2 AND seq <= $3",
            &[&org_id, &(old_cut as i64), &(cut as i64)],
        )
        .await?;
        tx.batch_execute("SET LOCAL auditlog.purge = 'off'").await?;
        let packed: Vec<u8> = peaks.iter().flatten().copied().collect();
        tx.execute(
            "INSERT INTO purge_state (org_id, cut_seq, prev_hash, peaks, purged_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (org_id) DO UPDATE SET cut_seq = excluded.cut_seq, prev_hash = excluded.prev_hash,
                 peaks = excluded.peaks, purged_at = excluded.purged_at",
            &[&org_id, &(cut as i64), &prev, &packed, &now_micros()],
        )
        .await?;
        tx.commit().await?;
        Ok(purged)
    }

    async fn ready(&self) -> StoreResult<()> {
        let c = self.client().await?;
        c.query_one("SELECT 1", &[]).await?;
        Ok(())
    }
}
