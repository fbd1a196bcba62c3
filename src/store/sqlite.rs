//! The embedded SQLite backend (rusqlite, bundled SQLite, WAL, `synchronous=FULL`).
//!
//! One writer thread owns the only writing connection. Appends from concurrent requests queue
//! on a channel; the writer drains whatever is waiting (up to [`MAX_GROUP_EVENTS`]) and commits
//! it in one transaction, each request inside its own savepoint so that one bad request never
//! affects another (group commit). Replies are sent only after `COMMIT` returned, so an
//! acknowledged event is on disk. Readers use a small pool of read-only connections, which WAL
//! lets run beside the writer.
//!
//! Events are keyed by `pk = (org_id << 40) | seq`: the rowid is the per-org sequence, so the
//! table needs no separate `(org_id, seq)` index and each org's events are stored in seq order.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use async_trait::async_trait;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};
use tokio::sync::mpsc::{Receiver, Sender, channel, error::TryRecvError};
use tokio::sync::{Semaphore, oneshot};

use super::ledger::{self, Deltas, Head, STORED_LEVEL};
use super::sql;
use super::{
    ActorActionTally, Appended, CountQuery, CountRow, CountSource, EventQuery, EventRow, KeyRecord,
    NewKey, OrgSettings, PurgeState, Purged, SigningKeyInfo, Store, StoreError, StoreResult,
    StoredCheckpoint, VerifyRow, pack_counts, unpack_counts,
};
use crate::model::chain::{PreparedEvent, ZERO_HASH};
use crate::model::merkle::{self, CompactRange, Hash, NodeSource};
use crate::model::time::now_micros;
use crate::model::{KeyInfo, Org, Scope};

/// Most events one group commit takes before it commits.
pub const MAX_GROUP_EVENTS: usize = 20_000;
const SEQ_BITS: u32 = 40;
const READERS: usize = 8;

const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE orgs (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    scope       TEXT NOT NULL,
    name        TEXT NOT NULL,
    prefix      TEXT NOT NULL,
    secret_hash BLOB NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX api_keys_org ON api_keys (org_id);
CREATE TABLE events (
    pk           INTEGER PRIMARY KEY,  -- (org_id << 40) | seq
    org_id       INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    id           TEXT NOT NULL,
    occurred_at  INTEGER NOT NULL,     -- microseconds since the epoch
    recorded_at  INTEGER NOT NULL,
    action       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    actor_type   TEXT NOT NULL,
    actor_id     TEXT,
    via_type     TEXT,
    content_hash BLOB NOT NULL,
    hash         BLOB NOT NULL,
    body         TEXT NOT NULL          -- canonical JSON, hash included
);
CREATE UNIQUE INDEX events_org_id ON events (org_id, id);
-- entity_id rides along so that a filter on it is checked in the index, without reading rows
CREATE INDEX events_org_time ON events (org_id, occurred_at, entity_id);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
-- Rollups: event counts per org, grain (0 hour, 1 day), bucket start (microseconds) and
-- dimension, written in the same transaction as the events they count.
CREATE TABLE rollup_action (
    org_id INTEGER NOT NULL, grain INTEGER NOT NULL, bucket INTEGER NOT NULL,
    action TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (org_id, grain, bucket, action)
) WITHOUT ROWID;
CREATE TABLE rollup_actor (
    org_id INTEGER NOT NULL, grain INTEGER NOT NULL, bucket INTEGER NOT NULL,
    actor_type TEXT NOT NULL, actor_id TEXT NOT NULL, via_type TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (org_id, grain, bucket, actor_type, actor_id, via_type)
) WITHOUT ROWID;
-- action x actor, per day only: one row per actor and day, its per-action counts packed
-- in `counts` as "action=n" lines. A row per (action, actor) would cost an upsert for
-- almost every event at ingest; this costs one per actor and day.
CREATE TABLE rollup_actor_actions (
    org_id INTEGER NOT NULL, bucket INTEGER NOT NULL,
    actor_type TEXT NOT NULL, actor_id TEXT NOT NULL, via_type TEXT NOT NULL,
    counts TEXT NOT NULL,
    PRIMARY KEY (org_id, bucket, actor_type, actor_id, via_type)
) WITHOUT ROWID;
-- the latest "Performed By" of each actor, for reports
CREATE TABLE actors (
    org_id INTEGER NOT NULL, actor_id TEXT NOT NULL, performed_by TEXT NOT NULL,
    PRIMARY KEY (org_id, actor_id)
) WITHOUT ROWID;
"#,
    // Tamper evidence: the per-org Merkle tree (complete subtrees of 16 leaves and more;
    // smaller ones are recomputed from the events), signing keys, signed checkpoints.
    r#"
CREATE TABLE merkle_nodes (
    org_id INTEGER NOT NULL, level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,
    PRIMARY KEY (org_id, level, idx)
) WITHOUT ROWID;
CREATE TABLE signing_keys (
    key_id TEXT PRIMARY KEY, name TEXT NOT NULL, public_key BLOB NOT NULL,
    created_at INTEGER NOT NULL, retired_at INTEGER
);
ALTER TABLE actors ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;
CREATE TABLE checkpoints (
    org_id INTEGER NOT NULL, tree_size INTEGER NOT NULL, root BLOB NOT NULL,
    time INTEGER NOT NULL, key_id TEXT NOT NULL, note TEXT NOT NULL,
    PRIMARY KEY (org_id, tree_size)
) WITHOUT ROWID;
"#,
    // Retention: per-org settings, the state at the cut, and the guard that lets only the
    // purge delete events.
    r#"
CREATE TABLE org_settings (
    org_id INTEGER PRIMARY KEY, retention_days INTEGER, legal_hold INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE purge_state (
    org_id INTEGER PRIMARY KEY, cut_seq INTEGER NOT NULL, prev_hash BLOB NOT NULL,
    peaks BLOB NOT NULL, purged_at INTEGER NOT NULL
);
CREATE TABLE purge_guard (org_id INTEGER PRIMARY KEY);
DROP TRIGGER events_no_delete;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    WHEN NOT EXISTS (SELECT 1 FROM purge_guard WHERE org_id = OLD.org_id)
    BEGIN SELECT RAISE(ABORT, 'events are append-only; only the retention purge deletes'); END;
"#,
];

fn pk(org_id: i64, seq: u64) -> i64 {
    (org_id << SEQ_BITS) | seq as i64
}

fn classify(e: rusqlite::Error) -> StoreError {
    // The -shm file could not grow (the unix VFS reports ENOSPC, or a failed fstat, while
    // extending it as SQLITE_IOERR_SHMSIZE): on a full disk that is a full disk, not an
    // outage. The other IOERR codes stay "unavailable": rusqlite's error carries no errno
    // (`sqlite3_system_errno`), so a failed write or fsync cannot be told to be ENOSPC here;
    // a short write with ENOSPC is already SQLITE_FULL from the VFS.
    if e.sqlite_extended_error_code() == Some(rusqlite::ffi::SQLITE_IOERR_SHMSIZE) {
        return StoreError::StorageFull(e.to_string());
    }
    match e.sqlite_error_code() {
        // the filesystem is full (ENOSPC), or max_page_count was reached
        Some(ErrorCode::DiskFull) => StoreError::StorageFull(e.to_string()),
        Some(
            ErrorCode::DatabaseBusy
            | ErrorCode::DatabaseLocked
            | ErrorCode::SystemIoFailure
            | ErrorCode::CannotOpen
            | ErrorCode::ReadOnly,
        ) => StoreError::Unavailable(e.to_string()),
        _ => StoreError::Internal(e.to_string()),
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        classify(e)
    }
}

type Reply<T> = oneshot::Sender<StoreResult<T>>;

enum WriteOp {
    Append {
        org_id: i64,
        events: Vec<PreparedEvent>,
        reply: Reply<Vec<Appended>>,
    },
    Exec(Box<dyn FnOnce(&mut Connection) + Send>),
}

pub struct SqliteStore {
    writer: Sender<WriteOp>,
    readers: Mutex<Vec<Connection>>,
    permits: Semaphore,
    path: PathBuf,
}

/// The WAL is truncated back to this size when it is reset after a checkpoint: without a
/// limit it keeps the size of its biggest moment (a burst, or a time when the checkpoint
/// could not run) for ever.
pub const JOURNAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

fn configure(conn: &Connection, cache_kib: i64) -> StoreResult<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "cache_size", -cache_kib)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// The settings under which an acknowledged event survives a crash or power loss:
/// WAL journal and `synchronous` FULL (2) or EXTRA (3).
fn check_durability(journal_mode: &str, synchronous: i64) -> Result<(), String> {
    if !journal_mode.eq_ignore_ascii_case("wal") {
        return Err(format!(
            "SQLite journal_mode is {journal_mode:?}, not \"wal\": WAL could not be enabled"
        ));
    }
    if synchronous < 2 {
        return Err(format!(
            "SQLite synchronous is {synchronous}, not FULL (2) or EXTRA (3)"
        ));
    }
    Ok(())
}

fn open_reader(path: &Path) -> StoreResult<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    configure(&conn, 16 * 1024)?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version as usize > MIGRATIONS.len() {
        return Err(StoreError::Internal(format!(
            "database schema version {version} is newer than this binary ({})",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()?;
    Ok(())
}

impl SqliteStore {
    /// Opens (creating if needed) the database file, applies migrations and starts the writer.
    /// Refuses a database that is not in WAL mode with `synchronous=FULL` (see [`Self::open_with`]).
    pub fn open(path: &Path) -> StoreResult<SqliteStore> {
        Self::open_with(path, false)
    }

    /// Like [`Self::open`]; `allow_unsynced` starts even when WAL or `synchronous=FULL` is not
    /// in effect (a filesystem without shared memory, a connection holding the file in
    /// another journal mode), with a warning instead of an error. Acknowledged events may
    /// then be lost on power failure: for throwaway instances only.
    pub fn open_with(path: &Path, allow_unsynced: bool) -> StoreResult<SqliteStore> {
        let mut conn = Connection::open(path)?;
        // Switching to WAL fails (busy) while another connection holds the file in another
        // journal mode; the check below then names the mode the file is really in.
        let (mode, wal_error) =
            match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0)) {
                Ok(mode) => (mode, None),
                Err(e) => (
                    conn.pragma_query_value(None, "journal_mode", |r| r.get::<_, String>(0))?,
                    Some(e),
                ),
            };
        configure(&conn, 64 * 1024)?;
        let synchronous: i64 = conn.pragma_query_value(None, "synchronous", |r| r.get(0))?;
        if let Err(mut problem) = check_durability(&mode, synchronous) {
            if let Some(e) = wal_error {
                problem.push_str(&format!(" ({e})"));
            }
            if !allow_unsynced {
                return Err(StoreError::Internal(format!(
                    "refusing to start: {problem}; acknowledged events could be lost on a crash. \
                     Fix the database or its filesystem, or opt out with --unsafe-allow-unsynced \
                     (AUDITLOG_UNSAFE_ALLOW_UNSYNCED=true)"
                )));
            }
            tracing::warn!(
                db.journal_mode = %mode,
                db.synchronous = synchronous,
                "SQLite durability check failed ({problem}); running anyway because unsafe-allow-unsynced is set"
            );
        }
        migrate(&mut conn)?;
        let (tx, rx) = channel(1024);
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || writer_loop(conn, rx))
            .map_err(|e| StoreError::Internal(e.to_string()))?;
        Ok(SqliteStore {
            writer: tx,
            readers: Mutex::new(Vec::new()),
            permits: Semaphore::new(READERS),
            path: path.to_path_buf(),
        })
    }

    /// Runs `f` on the writer connection, in order with appends.
    async fn exec<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        let (reply, rx) = oneshot::channel();
        let op = WriteOp::Exec(Box::new(move |conn| {
            let _ = reply.send(f(conn));
        }));
        self.send(op).await?;
        rx.await
            .map_err(|_| StoreError::Unavailable("the writer stopped".into()))?
    }

    /// Queues an op for the writer; waits when the queue is full (back-pressure).
    async fn send(&self, op: WriteOp) -> StoreResult<()> {
        self.writer
            .send(op)
            .await
            .map_err(|_| StoreError::Unavailable("the writer stopped".into()))
    }

    /// Runs `f` on a pooled read-only connection on the blocking thread pool.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| StoreError::Unavailable("store closed".into()))?;
        let pooled = self.readers.lock().ok().and_then(|mut v| v.pop());
        let conn = match pooled {
            Some(c) => c,
            None => open_reader(&self.path)?,
        };
        let (conn, result) = tokio::task::spawn_blocking(move || {
            let r = f(&conn);
            (conn, r)
        })
        .await
        .map_err(|e| StoreError::Internal(format!("reader task failed: {e}")))?;
        if let Ok(mut v) = self.readers.lock() {
            v.push(conn);
        }
        result
    }
}

fn org_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Org> {
    Ok(Org {
        id: r.get(0)?,
        slug: r.get(1)?,
        name: r.get(2)?,
        created_at: r.get(3)?,
    })
}

fn key_from_row(r: &rusqlite::Row<'_>, org: &str) -> rusqlite::Result<KeyInfo> {
    let scope: String = r.get(1)?;
    Ok(KeyInfo {
        id: r.get(0)?,
        org: org.to_string(),
        scope: Scope::parse(&scope).unwrap_or(Scope::Read),
        name: r.get(2)?,
        prefix: r.get(3)?,
        created_at: r.get(4)?,
        revoked_at: r.get(5)?,
    })
}

fn row_to_event(r: &rusqlite::Row<'_>) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        seq: r.get::<_, i64>(0)? as u64,
        occurred_at: r.get(1)?,
        body: r.get(2)?,
    })
}

#[async_trait]
impl Store for SqliteStore {
    async fn create_org(&self, slug: &str, name: &str) -> StoreResult<Org> {
        let (slug, name) = (slug.to_string(), name.to_string());
        self.exec(move |conn| {
            let created_at = now_micros();
            let res = conn.execute(
                "INSERT INTO orgs (slug, name, created_at) VALUES (?1, ?2, ?3)",
                params![slug, name, created_at],
            );
            match res {
                Ok(_) => Ok(Org {
                    id: conn.last_insert_rowid(),
                    slug,
                    name,
                    created_at,
                }),
                Err(e) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {
                    Err(StoreError::AlreadyExists(format!("org {slug}")))
                }
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    async fn get_org(&self, slug: &str) -> StoreResult<Option<Org>> {
        let slug = slug.to_string();
        self.read(move |conn| {
            Ok(conn
                .prepare_cached("SELECT id, slug, name, created_at FROM orgs WHERE slug = ?1")?
                .query_row([slug], org_from_row)
                .optional()?)
        })
        .await
    }

    async fn list_orgs(&self) -> StoreResult<Vec<Org>> {
        self.read(|conn| {
            let mut stmt =
                conn.prepare_cached("SELECT id, slug, name, created_at FROM orgs ORDER BY slug")?;
            let rows = stmt.query_map([], org_from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn create_key(&self, org: &Org, key: NewKey) -> StoreResult<KeyInfo> {
        let org = org.clone();
        self.exec(move |conn| {
            let created_at = now_micros();
            conn.execute(
                "INSERT INTO api_keys (id, org_id, scope, name, prefix, secret_hash, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    key.id,
                    org.id,
                    key.scope.as_str(),
                    key.name,
                    key.prefix,
                    &key.secret_hash[..],
                    created_at
                ],
            )?;
            Ok(KeyInfo {
                id: key.id,
                org: org.slug,
                scope: key.scope,
                name: key.name,
                prefix: key.prefix,
                created_at,
                revoked_at: None,
            })
        })
        .await
    }

    async fn list_keys(&self, org: &Org) -> StoreResult<Vec<KeyInfo>> {
        let org = org.clone();
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, scope, name, prefix, created_at, revoked_at FROM api_keys
                 WHERE org_id = ?1 ORDER BY created_at, id",
            )?;
            let rows = stmt.query_map([org.id], |r| key_from_row(r, &org.slug))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn revoke_key(&self, org: &Org, key_id: &str) -> StoreResult<bool> {
        let (org_id, key_id) = (org.id, key_id.to_string());
        self.exec(move |conn| {
            let n = conn.execute(
                "UPDATE api_keys SET revoked_at = ?1
                 WHERE org_id = ?2 AND id = ?3 AND revoked_at IS NULL",
                params![now_micros(), org_id, key_id],
            )?;
            Ok(n == 1)
        })
        .await
    }

    async fn find_key(&self, secret_hash: &[u8; 32]) -> StoreResult<Option<KeyRecord>> {
        let h = *secret_hash;
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT k.id, k.scope, k.secret_hash, k.revoked_at, o.id, o.slug, o.name, o.created_at
                 FROM api_keys k JOIN orgs o ON o.id = k.org_id WHERE k.secret_hash = ?1",
            )?;
            let rec = stmt
                .query_row([&h[..]], |r| {
                    let scope: String = r.get(1)?;
                    let stored: Vec<u8> = r.get(2)?;
                    let revoked: Option<i64> = r.get(3)?;
                    Ok((r.get::<_, String>(0)?, scope, stored, revoked, Org {
                        id: r.get(4)?,
                        slug: r.get(5)?,
                        name: r.get(6)?,
                        created_at: r.get(7)?,
                    }))
                })
                .optional()?;
            Ok(rec.and_then(|(key_id, scope, stored, revoked, org)| {
                Some(KeyRecord {
                    key_id,
                    org,
                    scope: Scope::parse(&scope)?,
                    secret_hash: stored.try_into().ok()?,
                    revoked: revoked.is_some(),
                })
            }))
        })
        .await
    }

    async fn append(&self, org: &Org, events: Vec<PreparedEvent>) -> StoreResult<Vec<Appended>> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let (reply, rx) = oneshot::channel();
        self.send(WriteOp::Append {
            org_id: org.id,
            events,
            reply,
        })
        .await?;
        rx.await
            .map_err(|_| StoreError::Unavailable("the writer stopped".into()))?
    }

    async fn query(&self, org: &Org, q: &EventQuery) -> StoreResult<Vec<EventRow>> {
        let (org_id, q) = (org.id, q.clone());
        self.read(move |conn| {
            let mut d = Lite::default();
            let text = sql::listing(&mut d, org_id, &q);
            let mut stmt = conn.prepare_cached(&text)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(d.params), row_to_event)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn get_event(&self, org: &Org, id: &str) -> StoreResult<Option<EventRow>> {
        let (org_id, id) = (org.id, id.to_string());
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT seq, occurred_at, body FROM events WHERE org_id = ?1 AND id = ?2",
                )?
                .query_row(params![org_id, id], row_to_event)
                .optional()?)
        })
        .await
    }

    async fn events_by_seq(
        &self,
        org: &Org,
        from_seq: u64,
        limit: usize,
    ) -> StoreResult<Vec<EventRow>> {
        let org_id = org.id;
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, occurred_at, body FROM events
                 WHERE pk >= ?1 AND pk < ?2 ORDER BY pk LIMIT ?3",
            )?;
            let rows = stmt.query_map(
                params![pk(org_id, from_seq), pk(org_id + 1, 0), limit as i64],
                row_to_event,
            )?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn count(&self, org: &Org, q: &CountQuery) -> StoreResult<Vec<CountRow>> {
        let (org_id, q) = (org.id, q.clone());
        self.read(move |conn| {
            let mixed = q.needs_actor() && q.needs_action();
            if q.source == CountSource::Daily && mixed {
                return count_actor_actions(conn, org_id, &q);
            }
            let mut d = Lite::default();
            let text = sql::count(&mut d, org_id, &q)?;
            let mut stmt = conn.prepare_cached(&text)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(d.params))?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(sql::count_row(&q, r)?);
            }
            Ok(out)
        })
        .await
    }

    async fn actor_names(
        &self,
        org: &Org,
        actor_ids: &[String],
    ) -> StoreResult<Vec<(String, String)>> {
        let (org_id, ids) = (org.id, actor_ids.to_vec());
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT performed_by FROM actors WHERE org_id = ?1 AND actor_id = ?2",
            )?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(name) = stmt
                    .query_row(params![org_id, id], |r| r.get::<_, String>(0))
                    .optional()?
                {
                    out.push((id, name));
                }
            }
            Ok(out)
        })
        .await
    }

    async fn tree_head(&self, org: &Org) -> StoreResult<(u64, Hash)> {
        let org_id = org.id;
        self.read(move |conn| {
            let tx = conn.unchecked_transaction()?;
            let (size, _) = load_chain_head(&tx, org_id)?;
            let root = load_tree(&tx, org_id, size)?.root();
            tx.commit()?;
            Ok((size, root))
        })
        .await
    }

    async fn inclusion_proof(
        &self,
        org: &Org,
        leaf_index: u64,
        tree_size: u64,
    ) -> StoreResult<(Hash, Vec<Hash>)> {
        let org_id = org.id;
        self.read(move |conn| {
            let src = SqliteNodes { conn, org_id };
            let leaf = src.node(0, leaf_index).map_err(proof_error)?;
            let proof =
                merkle::inclusion_proof(&src, leaf_index, tree_size).map_err(proof_error)?;
            Ok((leaf, proof))
        })
        .await
    }

    async fn consistency_proof(&self, org: &Org, size1: u64, size2: u64) -> StoreResult<Vec<Hash>> {
        let org_id = org.id;
        self.read(move |conn| {
            let src = SqliteNodes { conn, org_id };
            merkle::consistency_proof(&src, size1, size2).map_err(proof_error)
        })
        .await
    }

    async fn save_checkpoint(&self, org: &Org, cp: &StoredCheckpoint) -> StoreResult<()> {
        let (org_id, cp) = (org.id, cp.clone());
        self.exec(move |conn| {
            conn.execute(
                "INSERT OR IGNORE INTO checkpoints (org_id, tree_size, root, time, key_id, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    org_id,
                    cp.tree_size as i64,
                    &cp.root[..],
                    cp.time,
                    cp.key_id,
                    cp.note
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn checkpoints(&self, org: &Org, limit: usize) -> StoreResult<Vec<StoredCheckpoint>> {
        let org_id = org.id;
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT tree_size, root, time, key_id, note FROM checkpoints
                 WHERE org_id = ?1 ORDER BY tree_size DESC LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![org_id, limit as i64], checkpoint_from_row)?;
            let mut out = Vec::new();
            for r in rows {
                let (size, root, time, key_id, note) = r?;
                out.push(StoredCheckpoint {
                    tree_size: size as u64,
                    root: root
                        .try_into()
                        .map_err(|_| StoreError::Internal("stored root is not 32 bytes".into()))?,
                    time,
                    key_id,
                    note,
                });
            }
            Ok(out)
        })
        .await
    }

    async fn register_signing_key(&self, key: &SigningKeyInfo) -> StoreResult<()> {
        let key = key.clone();
        self.exec(move |conn| {
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT OR IGNORE INTO signing_keys (key_id, name, public_key, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![key.key_id, key.name, &key.public_key[..], key.created_at],
            )?;
            tx.execute(
                "UPDATE signing_keys SET retired_at = ?1 WHERE key_id != ?2 AND retired_at IS NULL",
                params![key.created_at, key.key_id],
            )?;
            tx.execute("UPDATE signing_keys SET retired_at = NULL WHERE key_id = ?1", params![key.key_id])?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn signing_keys(&self) -> StoreResult<Vec<SigningKeyInfo>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT key_id, name, public_key, created_at, retired_at FROM signing_keys ORDER BY created_at",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Vec<u8>>(2)?, r.get(3)?, r.get(4)?))
            })?;
            let mut out = Vec::new();
            for r in rows {
                let (key_id, name, public, created_at, retired_at) = r?;
                out.push(SigningKeyInfo {
                    key_id,
                    name,
                    public_key: public.try_into().map_err(|_| StoreError::Internal("stored public key is not 32 bytes".into()))?,
                    created_at,
                    retired_at,
                });
            }
            Ok(out)
        })
        .await
    }

    async fn verify_rows(
        &self,
        org: &Org,
        from_seq: u64,
        limit: usize,
    ) -> StoreResult<Vec<VerifyRow>> {
        let org_id = org.id;
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, id, occurred_at, action, entity_id, actor_type, actor_id, via_type, hash, body
                 FROM events WHERE pk >= ?1 AND pk < ?2 ORDER BY pk LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![pk(org_id, from_seq), pk(org_id + 1, 0), limit as i64], |r| {
                Ok(VerifyRow {
                    seq: r.get::<_, i64>(0)? as u64,
                    id: r.get(1)?,
                    occurred_at: r.get(2)?,
                    action: r.get(3)?,
                    entity_id: r.get(4)?,
                    actor_type: r.get(5)?,
                    actor_id: r.get(6)?,
                    via_type: r.get(7)?,
                    hash: r.get(8)?,
                    body: r.get(9)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn settings(&self, org: &Org) -> StoreResult<OrgSettings> {
        let org_id = org.id;
        self.read(move |conn| {
            let row = conn
                .prepare_cached(
                    "SELECT retention_days, legal_hold FROM org_settings WHERE org_id = ?1",
                )?
                .query_row([org_id], |r| {
                    Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, i64>(1)?))
                })
                .optional()?;
            Ok(row.map_or(OrgSettings::default(), |(d, h)| OrgSettings {
                retention_days: d.map(|d| d.clamp(0, u32::MAX as i64) as u32),
                legal_hold: h != 0,
            }))
        })
        .await
    }

    async fn put_settings(&self, org: &Org, st: OrgSettings) -> StoreResult<()> {
        let org_id = org.id;
        self.exec(move |conn| {
            conn.execute(
                "INSERT INTO org_settings (org_id, retention_days, legal_hold) VALUES (?1, ?2, ?3)
                 ON CONFLICT (org_id) DO UPDATE SET retention_days = excluded.retention_days,
                     legal_hold = excluded.legal_hold",
                params![
                    org_id,
                    st.retention_days.map(i64::from),
                    st.legal_hold as i64
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn purge_state(&self, org: &Org) -> StoreResult<Option<PurgeState>> {
        let org_id = org.id;
        self.read(move |conn| read_purge_state(conn, org_id)).await
    }

    async fn root_at(&self, org: &Org, size: u64) -> StoreResult<Hash> {
        let org_id = org.id;
        self.read(move |conn| {
            merkle::root_at(&SqliteNodes { conn, org_id }, size).map_err(proof_error)
        })
        .await
    }

    async fn purge(
        &self,
        org: &Org,
        before: i64,
        limit: usize,
        dry_run: bool,
    ) -> StoreResult<Purged> {
        let org_id = org.id;
        self.exec(move |conn| purge_step(conn, org_id, before, limit, dry_run))
            .await
    }

    async fn ready(&self) -> StoreResult<()> {
        self.read(|conn| {
            conn.query_row("SELECT 1", [], |_| Ok(()))?;
            Ok(())
        })
        .await?;
        self.exec(|_| Ok(())).await
    }
}

/// SQLite's SQL for the shared builders ([`sql`]): `?` placeholders, lists inline, the
/// keyset on the `pk` that orders an org's events by seq.
#[derive(Default)]
struct Lite {
    params: Vec<SqlValue>,
}

impl sql::Dialect for Lite {
    fn bind(&mut self, p: sql::Param) -> String {
        self.params.push(match p {
            sql::Param::Int(i) => SqlValue::Integer(i),
            sql::Param::Ints(v) => SqlValue::Text(serde_json::Value::from(v).to_string()),
            sql::Param::Texts(v) => SqlValue::Text(serde_json::Value::from(v).to_string()),
        });
        "?".into()
    }

    fn one_of(&mut self, column: &str, values: &[String]) -> String {
        let mut sql = format!("{column} IN (");
        for (i, v) in values.iter().enumerate() {
            sql.push_str(if i == 0 { "?" } else { ",?" });
            self.params.push(SqlValue::Text(v.clone()));
        }
        sql.push(')');
        sql
    }

    fn bucket_in(&mut self, buckets: &[i64]) -> String {
        format!(
            "bucket IN (SELECT value FROM json_each({}))",
            self.bind(sql::Param::Ints(buckets.to_vec()))
        )
    }

    fn after(&mut self, cmp: &str, org_id: i64, occurred_at: i64, seq: u64) -> String {
        self.params.push(SqlValue::Integer(occurred_at));
        self.params.push(SqlValue::Integer(occurred_at));
        self.params.push(SqlValue::Integer(pk(org_id, seq)));
        format!("occurred_at {cmp}= ? AND (occurred_at {cmp} ? OR pk {cmp} ?)")
    }

    fn seq_column(&self) -> &'static str {
        "pk"
    }

    fn sum_n(&self) -> &'static str {
        "SUM(n)"
    }
}

impl sql::CountCells for rusqlite::Row<'_> {
    fn int(&self, i: usize) -> StoreResult<Option<i64>> {
        Ok(self.get(i)?)
    }
    fn text(&self, i: usize) -> StoreResult<String> {
        Ok(self.get(i)?)
    }
}

struct Pending {
    org_id: i64,
    events: Vec<PreparedEvent>,
    reply: Reply<Vec<Appended>>,
}

/// What the writer keeps between groups.
#[derive(Default)]
struct Writer {
    /// Each org's chain head and Merkle right edge as committed. Only a committed group
    /// changes them; after any failed group they are dropped and reloaded from the
    /// database, so a failure can never leave them ahead of what is stored.
    heads: HashMap<i64, Head>,
    /// Since when appends fail because the disk is full (logged once, and once more when
    /// space is back).
    full_since: Option<std::time::Instant>,
}

impl Writer {
    fn committed(&mut self) {
        if let Some(since) = self.full_since.take() {
            tracing::warn!(
                full_for_secs = since.elapsed().as_secs(),
                "disk space is back: appends are stored again"
            );
        }
    }

    fn failed(&mut self, err: &StoreError) {
        self.heads.clear();
        if let StoreError::StorageFull(cause) = err
            && self.full_since.is_none()
        {
            self.full_since = Some(std::time::Instant::now());
            tracing::error!(
                error.cause = %cause,
                "the database's disk is full: appends are refused (503 storage_full) until space is freed; reads go on"
            );
        }
    }
}

fn writer_loop(mut conn: Connection, mut rx: Receiver<WriteOp>) {
    let mut writer = Writer::default();
    while let Some(op) = rx.blocking_recv() {
        let first = match op {
            WriteOp::Exec(f) => {
                f(&mut conn);
                end_transaction(&conn);
                continue;
            }
            WriteOp::Append {
                org_id,
                events,
                reply,
            } => Pending {
                org_id,
                events,
                reply,
            },
        };
        let mut count = first.events.len();
        let mut group = vec![first];
        let mut after = None;
        while count < MAX_GROUP_EVENTS {
            match rx.try_recv() {
                Ok(WriteOp::Append {
                    org_id,
                    events,
                    reply,
                }) => {
                    count += events.len();
                    group.push(Pending {
                        org_id,
                        events,
                        reply,
                    });
                }
                Ok(WriteOp::Exec(f)) => {
                    after = Some(f);
                    break;
                }
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        commit_group(&mut conn, &mut writer, group);
        if let Some(f) = after {
            f(&mut conn);
            end_transaction(&conn);
        }
    }
}

/// Leaves the writer's connection outside any transaction. A failed `COMMIT` is rolled back
/// by SQLite or by the transaction's drop; should that `ROLLBACK` fail too, the transaction
/// would stay open and every later `BEGIN` fail ("cannot start a transaction within a
/// transaction"): the writer would be wedged until a restart.
fn end_transaction(conn: &Connection) {
    if !conn.is_autocommit()
        && let Err(e) = conn.execute_batch("ROLLBACK")
    {
        tracing::error!(error = %e, "the writer could not roll back a failed transaction");
    }
}

/// Commits a group and answers its requests.
fn commit_group(conn: &mut Connection, writer: &mut Writer, group: Vec<Pending>) {
    match try_commit_group(conn, &mut writer.heads, &group) {
        Ok(results) => {
            writer.committed();
            let lost = super::after_commit();
            for (p, r) in group.into_iter().zip(results) {
                let _ = p.reply.send(match &lost {
                    Ok(()) => r,
                    Err(e) => Err(e.clone()),
                });
            }
        }
        Err(err) => {
            writer.failed(&err);
            for p in group {
                let _ = p.reply.send(Err(err.clone()));
            }
        }
    }
    end_transaction(conn);
}

/// The group in one transaction: per org, its requests decided by [`ledger::decide`] and
/// written. `Ok`: committed, with each request's own outcome (a request that failed alone,
/// an id conflict, left nothing); `Err`: nothing of the group was committed.
fn try_commit_group(
    conn: &mut Connection,
    heads: &mut HashMap<i64, Head>,
    group: &[Pending],
) -> StoreResult<Vec<StoreResult<Vec<Appended>>>> {
    let recorded_at = now_micros();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // the group's requests by org, each org's in arrival order
    let mut orgs: Vec<(i64, Vec<usize>)> = Vec::new();
    for (i, p) in group.iter().enumerate() {
        match orgs.iter_mut().find(|(org, _)| *org == p.org_id) {
            Some((_, requests)) => requests.push(i),
            None => orgs.push((p.org_id, vec![i])),
        }
    }
    let mut results: Vec<Option<StoreResult<Vec<Appended>>>> = group.iter().map(|_| None).collect();
    let mut pending_heads: HashMap<i64, Head> = HashMap::new();
    for (org_id, indexes) in orgs {
        let head = match heads.get(&org_id) {
            // another process (the CLI's purge, an operator tool) may have appended since we
            // cached the head: one primary-key probe tells
            Some(h) if !row_exists(&tx, pk(org_id, h.seq + 1))? => h.clone(),
            _ => load_head(&tx, org_id)?,
        };
        let requests: Vec<&[PreparedEvent]> = indexes
            .iter()
            .map(|&i| group[i].events.as_slice())
            .collect();
        let stored = stored_ids(&tx, org_id, &requests)?;
        let decision = ledger::decide(&requests, &head, &stored, recorded_at);
        write_decision(&tx, org_id, &decision)?;
        for (i, r) in indexes.into_iter().zip(decision.results) {
            results[i] = Some(r);
        }
        pending_heads.insert(org_id, decision.head);
    }
    super::before_commit()?;
    tx.commit()?;
    heads.extend(pending_heads);
    Ok(results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(StoreError::Internal("request not decided".into()))))
        .collect())
}

fn row_exists(conn: &Connection, pk: i64) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM events WHERE pk = ?1")?
        .query_row([pk], |_| Ok(()))
        .optional()?
        .is_some())
}

fn load_head(conn: &Connection, org_id: i64) -> StoreResult<Head> {
    let (seq, hash) = load_chain_head(conn, org_id)?;
    let tree = load_tree(conn, org_id, seq)?;
    Ok(Head { seq, hash, tree })
}

fn load_chain_head(conn: &Connection, org_id: i64) -> StoreResult<(u64, [u8; 32])> {
    let head = conn
        .prepare_cached(
            "SELECT seq, hash FROM events WHERE pk >= ?1 AND pk < ?2 ORDER BY pk DESC LIMIT 1",
        )?
        .query_row(params![pk(org_id, 0), pk(org_id + 1, 0)], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, Vec<u8>>(1)?))
        })
        .optional()?;
    match head {
        // every event purged: the chain continues from the cut
        None => Ok(
            read_purge_state(conn, org_id)?.map_or((0, ZERO_HASH), |p| (p.cut_seq, p.prev_hash))
        ),
        Some((seq, hash)) => {
            let hash: [u8; 32] = hash.try_into().map_err(|_| {
                StoreError::Internal(format!("stored hash of seq {seq} is not 32 bytes"))
            })?;
            Ok((seq, hash))
        }
    }
}

/// The ids of these requests the org stored before: id -> (seq, content hash).
fn stored_ids(
    conn: &Connection,
    org_id: i64,
    requests: &[&[PreparedEvent]],
) -> StoreResult<ledger::Stored> {
    let mut lookup =
        conn.prepare_cached("SELECT seq, content_hash FROM events WHERE org_id = ?1 AND id = ?2")?;
    let mut stored = ledger::Stored::default();
    let mut asked = std::collections::HashSet::new();
    for ev in requests.iter().flat_map(|r| r.iter()) {
        if ev.id_generated || !asked.insert(ev.id.as_str()) {
            continue;
        }
        let found = lookup
            .query_row(params![org_id, ev.id], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, Vec<u8>>(1)?))
            })
            .optional()?;
        if let Some((seq, hash)) = found {
            let hash: Hash = hash.try_into().map_err(|_| {
                StoreError::Internal(format!("stored content hash of seq {seq} is not 32 bytes"))
            })?;
            stored.insert(ev.id.clone(), (seq, hash));
        }
    }
    Ok(stored)
}

/// Writes what the ledger decided for one org: its rows, Merkle nodes and rollups. The
/// rollups go into the same transaction: counts and events can never disagree.
fn write_decision(conn: &Connection, org_id: i64, d: &ledger::Decision<'_>) -> StoreResult<()> {
    let recorded_at = d.recorded_at;
    let mut insert = conn.prepare_cached(
        "INSERT INTO events (pk, org_id, seq, id, occurred_at, recorded_at, action, entity_id,
                             actor_type, actor_id, via_type, content_hash, hash, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    for row in &d.rows {
        let ev = row.event;
        insert.execute(params![
            pk(org_id, row.seq),
            org_id,
            row.seq as i64,
            ev.id,
            ev.occurred_at,
            recorded_at,
            ev.action,
            ev.entity_id,
            ev.actor_type,
            ev.actor_id,
            ev.via_type,
            &ev.content_hash[..],
            &row.hash[..],
            row.body,
        ])?;
    }
    let mut insert_node = conn.prepare_cached(
        "INSERT INTO merkle_nodes (org_id, level, idx, hash) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for n in &d.nodes {
        insert_node.execute(params![org_id, n.level, n.index as i64, &n.hash[..]])?;
    }
    write_deltas(conn, org_id, &d.deltas, 1)
}

/// Adds (`sign` 1) or takes back (`sign` -1) rollup deltas, one upsert per key. Rows left
/// at zero or below are for the caller to delete (a purge does).
fn write_deltas(conn: &Connection, org_id: i64, deltas: &Deltas<'_>, sign: i64) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO rollup_action (org_id, grain, bucket, action, n) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (org_id, grain, bucket, action) DO UPDATE SET n = n + excluded.n",
    )?;
    for ((grain, bucket, action), n) in &deltas.action {
        stmt.execute(params![org_id, grain, bucket, action, n * sign])?;
    }
    let mut stmt = conn.prepare_cached(
        "INSERT INTO rollup_actor (org_id, grain, bucket, actor_type, actor_id, via_type, n)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (org_id, grain, bucket, actor_type, actor_id, via_type)
         DO UPDATE SET n = n + excluded.n",
    )?;
    for ((grain, bucket, at, aid, via), n) in &deltas.actor {
        stmt.execute(params![org_id, grain, bucket, at, aid, via, n * sign])?;
    }
    let mut read = conn.prepare_cached(
        "SELECT counts FROM rollup_actor_actions
         WHERE org_id = ?1 AND bucket = ?2 AND actor_type = ?3 AND actor_id = ?4 AND via_type = ?5",
    )?;
    let mut write = conn.prepare_cached(
        "INSERT OR REPLACE INTO rollup_actor_actions
         (org_id, bucket, actor_type, actor_id, via_type, counts) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut delete = conn.prepare_cached(
        "DELETE FROM rollup_actor_actions
         WHERE org_id = ?1 AND bucket = ?2 AND actor_type = ?3 AND actor_id = ?4 AND via_type = ?5",
    )?;
    for ((bucket, at, aid, via), delta) in &deltas.full {
        let key = params![org_id, bucket, at, aid, via];
        let old: Option<String> = read.query_row(key, |r| r.get(0)).optional()?;
        let counts = ledger::apply_packed(
            old.as_deref().map(unpack_counts).unwrap_or_default(),
            delta,
            sign,
        );
        if counts.is_empty() {
            delete.execute(key)?;
        } else {
            write.execute(params![org_id, bucket, at, aid, via, pack_counts(&counts)])?;
        }
    }
    if sign > 0 {
        let mut stmt = conn.prepare_cached(
            "INSERT INTO actors (org_id, actor_id, performed_by, seen_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (org_id, actor_id) DO UPDATE
             SET performed_by = excluded.performed_by, seen_at = excluded.seen_at
             WHERE excluded.seen_at >= actors.seen_at",
        )?;
        for (aid, (seen_at, name)) in &deltas.actors {
            stmt.execute(params![org_id, aid, name, seen_at])?;
        }
    }
    Ok(())
}

/// Reads the packed action x actor day rollup and groups it in memory.
fn count_actor_actions(
    conn: &Connection,
    org_id: i64,
    q: &CountQuery,
) -> StoreResult<Vec<CountRow>> {
    let mut d = Lite::default();
    let text = sql::actor_actions(&mut d, org_id, q);
    let mut tally = ActorActionTally::new(q);
    let mut stmt = conn.prepare_cached(&text)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(d.params))?;
    while let Some(r) = rows.next()? {
        let counts: String = r.get(4)?;
        tally.add(r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?), &counts);
    }
    Ok(tally.finish())
}

/// Hashes of complete subtrees of one org's tree, from `merkle_nodes` and the events.
struct SqliteNodes<'c> {
    conn: &'c Connection,
    org_id: i64,
}

impl SqliteNodes<'_> {
    fn stored(&self, level: u32, index: u64) -> Result<Option<Hash>, String> {
        let stored: Option<Vec<u8>> = self
            .conn
            .prepare_cached(
                "SELECT hash FROM merkle_nodes WHERE org_id = ?1 AND level = ?2 AND idx = ?3",
            )
            .and_then(|mut s| {
                s.query_row(params![self.org_id, level, index as i64], |r| r.get(0))
                    .optional()
            })
            .map_err(|e| e.to_string())?;
        stored
            .map(|h| {
                h.try_into()
                    .map_err(|_| "stored node is not 32 bytes".to_string())
            })
            .transpose()
    }

    /// Leaf hashes of leaves [start, end) (seq start+1 ..= end).
    fn leaves(&self, start: u64, end: u64) -> Result<Vec<Hash>, String> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT body FROM events WHERE pk >= ?1 AND pk < ?2 ORDER BY pk")
            .map_err(|e| e.to_string())?;
        let rows = stmt
            .query_map(
                params![pk(self.org_id, start + 1), pk(self.org_id, end + 1)],
                |r| r.get::<_, String>(0),
            )
            .map_err(|e| e.to_string())?;
        let mut out = Vec::with_capacity((end - start) as usize);
        for body in rows {
            out.push(merkle::leaf_hash(
                body.map_err(|e| e.to_string())?.as_bytes(),
            ));
        }
        if out.len() as u64 != end - start {
            return Err(format!(
                "events {}..={} are not all present",
                start + 1,
                end
            ));
        }
        Ok(out)
    }
}

impl NodeSource for SqliteNodes<'_> {
    fn node(&self, level: u32, index: u64) -> Result<Hash, String> {
        if level >= 63 {
            return Err("tree level out of range".into());
        }
        // stored: every subtree of 16+ leaves, and the small ones retention kept
        if let Some(h) = self.stored(level, index)? {
            return Ok(h);
        }
        let width = 1u64 << level;
        if level < STORED_LEVEL {
            // small subtree: from its events, when they are all still there
            if let Ok(mut layer) = self.leaves(index * width, (index + 1) * width) {
                while layer.len() > 1 {
                    layer = layer
                        .chunks(2)
                        .map(|p| merkle::node_hash(&p[0], &p[1]))
                        .collect();
                }
                return layer.pop().ok_or_else(|| "empty subtree".to_string());
            }
            if level == 0 {
                return Err(format!(
                    "event {} is not present and its leaf was not kept",
                    index + 1
                ));
            }
        }
        // otherwise from its two halves (a subtree straddling a retention cut, or a database
        // older than the tree)
        let left = self.node(level - 1, index * 2)?;
        let right = self.node(level - 1, index * 2 + 1)?;
        Ok(merkle::node_hash(&left, &right))
    }
}

/// The right edge of the tree of the org's first `size` events.
fn load_tree(conn: &Connection, org_id: i64, size: u64) -> StoreResult<CompactRange> {
    let src = SqliteNodes { conn, org_id };
    let mut peaks = Vec::new();
    let mut offset = 0u64;
    for level in (0..64u32).rev() {
        if size & (1u64 << level) != 0 {
            let node = src
                .node(level, offset >> level)
                .map_err(|e| StoreError::Internal(format!("loading the Merkle tree: {e}")))?;
            peaks.push(node);
            offset += 1u64 << level;
        }
    }
    CompactRange::from_parts(size, peaks).map_err(StoreError::Internal)
}

fn proof_error(e: String) -> StoreError {
    StoreError::Internal(format!("Merkle proof: {e}"))
}

fn checkpoint_from_row(
    r: &rusqlite::Row<'_>,
) -> rusqlite::Result<(i64, Vec<u8>, i64, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn read_purge_state(conn: &Connection, org_id: i64) -> StoreResult<Option<PurgeState>> {
    let row = conn
        .prepare_cached("SELECT cut_seq, prev_hash, peaks FROM purge_state WHERE org_id = ?1")?
        .query_row([org_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })
        .optional()?;
    let Some((cut, prev, peaks)) = row else {
        return Ok(None);
    };
    let bad = || StoreError::Internal("purge state is corrupt".into());
    Ok(Some(PurgeState {
        cut_seq: cut as u64,
        prev_hash: prev.try_into().map_err(|_| bad())?,
        peaks: peaks
            .chunks(32)
            .map(|c| c.try_into().map_err(|_| bad()))
            .collect::<Result<Vec<Hash>, _>>()?,
    }))
}

/// One purge step inside the writer: see [`Store::purge`].
fn purge_step(
    conn: &mut Connection,
    org_id: i64,
    before: i64,
    limit: usize,
    dry_run: bool,
) -> StoreResult<Purged> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let hold: bool = tx
        .query_row(
            "SELECT legal_hold FROM org_settings WHERE org_id = ?1",
            [org_id],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
        .is_some_and(|h| h != 0);
    let old_cut = read_purge_state(&tx, org_id)?.map_or(0, |p| p.cut_seq);
    if hold {
        return Ok(Purged {
            events: 0,
            cut_seq: old_cut,
        });
    }
    // the oldest events, in seq order, while they were stored before `before`
    let candidates = {
        let mut stmt = tx.prepare_cached(
            "SELECT seq, recorded_at, occurred_at, action, actor_type, actor_id, via_type FROM events
             WHERE pk > ?1 AND pk < ?2 ORDER BY pk LIMIT ?3",
        )?;
        stmt.query_map(
            params![pk(org_id, old_cut), pk(org_id + 1, 0), limit as i64],
            |r| {
                Ok(ledger::PurgeCandidate {
                    seq: r.get::<_, i64>(0)? as u64,
                    recorded_at: r.get(1)?,
                    occurred_at: r.get(2)?,
                    action: r.get(3)?,
                    actor_type: r.get(4)?,
                    actor_id: r.get(5)?,
                    via_type: r.get(6)?,
                })
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?
    };
    let plan = ledger::plan_purge(old_cut, &candidates, before);
    let cut = plan.cut;
    let purged = Purged {
        events: plan.events(),
        cut_seq: cut,
    };
    if dry_run || cut == old_cut {
        return Ok(purged);
    }
    // 1. keep what later proofs need: every subtree below the stored levels that ends in
    //    the purged range (computed now, while its leaves exist), and the right edge at the cut
    let (kept, peaks, prev_hash) = {
        let src = SqliteNodes { conn: &tx, org_id };
        let nodes = ledger::nodes_to_keep(&src, old_cut, cut).map_err(StoreError::Internal)?;
        let tree = load_tree(&tx, org_id, cut)?;
        let prev: Vec<u8> = tx.query_row(
            "SELECT hash FROM events WHERE pk = ?1",
            [pk(org_id, cut)],
            |r| r.get(0),
        )?;
        (nodes, tree.peaks().to_vec(), prev)
    };
    {
        let mut ins = tx.prepare_cached(
            "INSERT OR IGNORE INTO merkle_nodes (org_id, level, idx, hash) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for n in &kept {
            ins.execute(params![org_id, n.level, n.index as i64, &n.hash[..]])?;
        }
    }
    // 2. take the events out of the rollups
    write_deltas(&tx, org_id, &plan.deltas, -1)?;
    for table in ["rollup_action", "rollup_actor"] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE org_id = ?1 AND n <= 0"),
            [org_id],
        )?;
    }
    // 3. delete, under the guard the trigger checks
    tx.execute("INSERT INTO purge_guard (org_id) VALUES (?1)", [org_id])?;
    tx.execute(
        "DELETE FROM events WHERE pk > ?1 AND pk <= ?2",
        params![pk(org_id, old_cut), pk(org_id, cut)],
    )?;
    tx.execute("DELETE FROM purge_guard WHERE org_id = ?1", [org_id])?;
    let packed: Vec<u8> = peaks.iter().flatten().copied().collect();
    tx.execute(
        "INSERT INTO purge_state (org_id, cut_seq, prev_hash, peaks, purged_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (org_id) DO UPDATE SET cut_seq = excluded.cut_seq, prev_hash = excluded.prev_hash,
             peaks = excluded.peaks, purged_at = excluded.purged_at",
        params![org_id, cut as i64, prev_hash, packed, now_micros()],
    )?;
    tx.commit()?;
    Ok(purged)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn event(id: &str, n: usize) -> PreparedEvent {
        let v = serde_json::json!({
            "id": id,
            "action": "ticket.created",
            "occurred_at": "2026-01-01T00:00:00Z",
            "entity": {"type": "ticket", "id": format!("t_{n}"), "name": "x".repeat(300)},
            "actor": {"type": "user", "id": format!("u_{}", n % 3)},
        });
        let mut errors = Vec::new();
        crate::service::validate::prepare(
            crate::model::Catalog::builtin(),
            "acme",
            0,
            &v.to_string(),
            now_micros(),
            &mut errors,
        )
        .unwrap_or_else(|| panic!("{errors:?}"))
    }

    type Rx = oneshot::Receiver<StoreResult<Vec<Appended>>>;

    /// A request of `n` events with ids `{prefix}{i}`: the same content every time.
    fn request(org_id: i64, prefix: &str, n: usize) -> (Pending, Rx) {
        let (reply, rx) = oneshot::channel();
        let events = (0..n).map(|i| event(&format!("{prefix}{i}"), i)).collect();
        (
            Pending {
                org_id,
                events,
                reply,
            },
            rx,
        )
    }

    fn count(conn: &Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |r| r.get::<_, Option<i64>>(0))
            .unwrap()
            .unwrap_or(0)
    }

    /// Every connection of the store (the writer and the readers) caps the WAL.
    #[tokio::test]
    async fn every_connection_limits_the_wal_size() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("t.db")).unwrap();
        let limit = |c: &Connection| -> StoreResult<i64> {
            Ok(c.pragma_query_value(None, "journal_size_limit", |r| r.get(0))?)
        };
        assert_eq!(
            store.exec(move |c| limit(c)).await.unwrap(),
            JOURNAL_SIZE_LIMIT
        );
        assert_eq!(store.read(limit).await.unwrap(), JOURNAL_SIZE_LIMIT);
    }

    fn sqlite_error(extended_code: std::ffi::c_int) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(extended_code), None)
    }

    /// A full disk is `StorageFull` whether SQLite says so with `SQLITE_FULL` or with the
    /// -shm file failing to grow (`SQLITE_IOERR_SHMSIZE`); other I/O errors are outages.
    #[test]
    fn a_shm_file_that_cannot_grow_is_a_full_disk() {
        use rusqlite::ffi;
        for code in [ffi::SQLITE_FULL, ffi::SQLITE_IOERR_SHMSIZE] {
            assert!(
                matches!(classify(sqlite_error(code)), StoreError::StorageFull(_)),
                "{code}"
            );
        }
        for code in [
            ffi::SQLITE_IOERR,
            ffi::SQLITE_IOERR_WRITE,
            ffi::SQLITE_IOERR_FSYNC,
            ffi::SQLITE_IOERR_SHMOPEN,
            ffi::SQLITE_BUSY,
        ] {
            assert!(
                matches!(classify(sqlite_error(code)), StoreError::Unavailable(_)),
                "{code}"
            );
        }
        assert!(matches!(
            classify(sqlite_error(ffi::SQLITE_CONSTRAINT_UNIQUE)),
            StoreError::Internal(_)
        ));
    }

    /// SQLite answers `SQLITE_FULL` in the middle of a statement by rolling the whole
    /// transaction back (not only the statement or the savepoint): the group's earlier
    /// requests are gone with it and the connection is back in autocommit. The writer must
    /// fail the whole group then, and never run the rest of it outside a transaction.
    /// `max_page_count` makes the database "full" at a page count of our choosing.
    #[test]
    fn a_disk_full_inside_a_group_fails_the_whole_group_and_stores_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("t.db")).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        configure(&conn, 64 * 1024).unwrap();
        migrate(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO orgs (slug, name, created_at) VALUES ('acme', 'Acme', 0)",
            [],
        )
        .unwrap();
        let org = conn.last_insert_rowid();
        let mut writer = Writer::default();
        let (p, rx) = request(org, "first", 10);
        commit_group(&mut conn, &mut writer, vec![p]);
        assert_eq!(rx.blocking_recv().unwrap().unwrap().len(), 10);

        // room for a small request, not for a big one
        let pages = count(&conn, "PRAGMA page_count");
        conn.pragma_update(None, "max_page_count", pages + 4)
            .unwrap();
        let (a, ra) = request(org, "a", 1);
        let (b, rb) = request(org, "b", 200);
        let (c, rc) = request(org, "c", 1);
        commit_group(&mut conn, &mut writer, vec![a, b, c]);
        for (name, rx) in [("a", ra), ("b", rb), ("c", rc)] {
            match rx.blocking_recv().unwrap() {
                Err(StoreError::StorageFull(_)) => {}
                other => panic!("request {name}: {other:?}"),
            }
        }
        assert!(conn.is_autocommit(), "no transaction is left open");
        assert_eq!(count(&conn, "SELECT COUNT(*) FROM events"), 10);
        assert_eq!(
            count(&conn, "SELECT SUM(n) FROM rollup_action WHERE grain = 1"),
            10,
            "rollups of nothing stored"
        );

        // space comes back: the same requests are stored once, the chain and tree go on
        conn.pragma_update(None, "max_page_count", 1_000_000_000)
            .unwrap();
        let (a, ra) = request(org, "a", 1);
        let (b, rb) = request(org, "b", 200);
        let (c, rc) = request(org, "c", 1);
        commit_group(&mut conn, &mut writer, vec![a, b, c]);
        let seqs = |rx: Rx| -> Vec<u64> {
            let out = rx.blocking_recv().unwrap().unwrap();
            assert!(out.iter().all(|a| !a.duplicate));
            out.iter().map(|a| a.seq).collect()
        };
        assert_eq!(seqs(ra), [11]);
        assert_eq!(seqs(rb), (12..=211).collect::<Vec<_>>());
        assert_eq!(seqs(rc), [212]);
        let bodies: Vec<String> = conn
            .prepare("SELECT body FROM events ORDER BY pk")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            crate::model::chain::verify_chain(bodies.iter().map(String::as_str)),
            Ok(212)
        );
        let mut tree = CompactRange::new();
        for b in &bodies {
            tree.append(merkle::leaf_hash(b.as_bytes()));
        }
        assert_eq!(load_tree(&conn, org, 212).unwrap().root(), tree.root());
        assert_eq!(
            count(&conn, "SELECT SUM(n) FROM rollup_action WHERE grain = 1"),
            212
        );
    }
}
