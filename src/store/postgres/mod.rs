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

mod admin;
mod append;
mod catalog;
mod purge;
mod queries;
mod schema;
mod tree;

use append::*;
use purge::*;
use queries::*;
use schema::*;
use tree::*;

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
    AdminChange, Administered, Appended, CatalogEntry, CatalogKind, CatalogPut, CountQuery,
    CountRow, CountSource, EventQuery, EventRow, KeyRecord, NewKey, OrgSettings, PurgeState,
    Purged, SigningKeyInfo, Store, StoreError, StoreResult, StoredCheckpoint, VerifyRow,
};
use crate::model::chain::{PreparedEvent, ZERO_HASH};
use crate::model::merkle::{self, CompactRange, Hash, NodeSource};
use crate::model::time::now_micros;
use crate::model::{KeyInfo, Org, Scope};

/// Most events one group commit takes before it commits.
pub const MAX_GROUP_EVENTS: usize = 20_000;
/// Connections per node.
const POOL_SIZE: usize = 16;

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

#[async_trait]
impl Store for PostgresStore {
    async fn create_org(
        &self,
        slug: &str,
        name: &str,
        first_key: NewKey,
        records: Vec<PreparedEvent>,
    ) -> StoreResult<(Org, KeyInfo)> {
        self.create_org_with(slug, name, first_key, records).await
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

    async fn administer(
        &self,
        org: &Org,
        change: AdminChange,
        records: Vec<PreparedEvent>,
    ) -> StoreResult<Administered> {
        self.administer_with(org, change, records).await
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
        admin::read_settings(&c, org.id, false).await
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
        purge_step(self, org, before, limit, dry_run).await
    }

    async fn ready(&self) -> StoreResult<()> {
        let c = self.client().await?;
        c.query_one("SELECT 1", &[]).await?;
        Ok(())
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
