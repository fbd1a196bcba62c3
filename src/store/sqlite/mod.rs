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

mod admin;
mod catalog;
mod purge;
mod queries;
mod schema;
#[cfg(test)]
mod tests;
mod tree;
mod writer;

use purge::*;
use queries::*;
use schema::*;
use tree::*;
use writer::*;

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
    ActorActionTally, AdminChange, Administered, Appended, CatalogEntry, CatalogKind, CatalogPut,
    CountQuery, CountRow, CountSource, EventQuery, EventRow, KeyRecord, NewKey, OrgSettings,
    PurgeState, Purged, SigningKeyInfo, Store, StoreError, StoreResult, StoredCheckpoint,
    VerifyRow, pack_counts, unpack_counts,
};
use crate::model::chain::{PreparedEvent, ZERO_HASH};
use crate::model::merkle::{self, CompactRange, Hash, NodeSource};
use crate::model::time::now_micros;
use crate::model::{KeyInfo, Org, Scope};

/// Most events one group commit takes before it commits.
pub const MAX_GROUP_EVENTS: usize = 20_000;
const SEQ_BITS: u32 = 40;
const READERS: usize = 8;

fn pk(org_id: i64, seq: u64) -> i64 {
    (org_id << SEQ_BITS) | seq as i64
}

pub struct SqliteStore {
    writer: Sender<WriteOp>,
    readers: Mutex<Vec<Connection>>,
    permits: Semaphore,
    path: PathBuf,
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
    async fn create_org(
        &self,
        slug: &str,
        name: &str,
        first_key: NewKey,
        records: Vec<PreparedEvent>,
    ) -> StoreResult<(Org, KeyInfo)> {
        let (slug, name) = (slug.to_string(), name.to_string());
        self.exec(move |conn| admin::create_org(conn, slug, name, first_key, records))
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

    async fn administer(
        &self,
        org: &Org,
        change: AdminChange,
        records: Vec<PreparedEvent>,
    ) -> StoreResult<Administered> {
        let org = org.clone();
        self.exec(move |conn| admin::administer(conn, org, change, records))
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
        self.read(move |conn| admin::read_settings(conn, org_id))
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

    async fn catalog_entries(&self, org: Option<&Org>) -> StoreResult<Vec<CatalogEntry>> {
        self.catalog_entries_impl(org).await
    }

    async fn put_catalog_entry(
        &self,
        org: Option<&Org>,
        kind: CatalogKind,
        name: &str,
        definition: &str,
        expect_version: u32,
        records: Vec<PreparedEvent>,
    ) -> StoreResult<CatalogPut> {
        self.put_catalog_entry_impl(org, kind, name, definition, expect_version, records)
            .await
    }

    async fn delete_catalog_entry(
        &self,
        org: Option<&Org>,
        kind: CatalogKind,
        name: &str,
        records: Vec<PreparedEvent>,
    ) -> StoreResult<bool> {
        self.delete_catalog_entry_impl(org, kind, name, records)
            .await
    }

    async fn action_has_events(&self, org: Option<&Org>, action: &str) -> StoreResult<bool> {
        self.action_has_events_impl(org, action).await
    }

    async fn catalog_generation(&self) -> StoreResult<i64> {
        self.catalog_generation_impl().await
    }
}
