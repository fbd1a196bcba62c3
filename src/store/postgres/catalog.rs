//! The platform-defined catalog on PostgreSQL: `catalog_entries` (every version of every
//! entry) and `catalog_generation` (bumped by each change, read by every node's cache).

use super::{PostgresStore, org_tx, set_org};
use crate::model::Org;
use crate::model::chain::PreparedEvent;
use crate::model::time::now_micros;
use crate::store::{CatalogEntry, CatalogKind, CatalogPut, StoreError, StoreResult};

/// `org_id` of the entries defined for the whole instance.
const INSTANCE: i64 = 0;

fn scope_id(org: Option<&Org>) -> i64 {
    org.map_or(INSTANCE, |o| o.id)
}

fn version_of(v: i32) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

impl PostgresStore {
    pub(super) async fn catalog_entries_impl(
        &self,
        org: Option<&Org>,
    ) -> StoreResult<Vec<CatalogEntry>> {
        let org_id = scope_id(org);
        let c = self.client().await?;
        let rows = c
            .query(
                &c.prepare_cached(
                    "SELECT org_id, kind, name, version, definition, created_at
                     FROM catalog_entries WHERE org_id IN (0, $1)
                     ORDER BY org_id, kind, name, version",
                )
                .await?,
                &[&org_id],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.get(1);
                let org_id: i64 = r.get(0);
                Ok(CatalogEntry {
                    org_id: (org_id != INSTANCE).then_some(org_id),
                    kind: CatalogKind::parse(&kind).ok_or_else(|| {
                        StoreError::Internal(format!("catalog entry of kind {kind:?}"))
                    })?,
                    name: r.get(2),
                    version: version_of(r.get(3)),
                    definition: r.get(4),
                    created_at: r.get(5),
                })
            })
            .collect()
    }

    pub(super) async fn put_catalog_entry_impl(
        &self,
        org: Option<&Org>,
        kind: CatalogKind,
        name: &str,
        definition: &str,
        expect_version: u32,
        records: Vec<PreparedEvent>,
    ) -> StoreResult<CatalogPut> {
        let org_id = scope_id(org);
        if org.is_none() && !records.is_empty() {
            return Err(StoreError::Internal(
                "an instance's catalog entry has no org to record it in".into(),
            ));
        }
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // one writer of the catalog at a time, on every node: the generation row is the lock
        // (the scope check and the next version are then decided without a race)
        let generation: i64 = tx
            .query_one(
                "SELECT generation FROM catalog_generation WHERE id = 1 FOR UPDATE",
                &[],
            )
            .await?
            .get(0);
        let other_scope: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM catalog_entries
                 WHERE kind = $1 AND name = $2 AND (org_id = 0) <> ($3::BIGINT = 0))",
                &[&kind.as_str(), &name, &org_id],
            )
            .await?
            .get(0);
        if other_scope {
            return Ok(CatalogPut::Conflict);
        }
        let latest = tx
            .query_opt(
                "SELECT version, definition FROM catalog_entries
                 WHERE org_id = $1 AND kind = $2 AND name = $3 ORDER BY version DESC LIMIT 1",
                &[&org_id, &kind.as_str(), &name],
            )
            .await?
            .map(|r| (r.get::<_, i32>(0), r.get::<_, String>(1)));
        if let Some((version, stored)) = &latest
            && stored == definition
        {
            return Ok(CatalogPut::Stored {
                version: version_of(*version),
                changed: false,
            });
        }
        let version = latest.map_or(1, |(v, _)| v + 1);
        if i64::from(version) != i64::from(expect_version) {
            return Ok(CatalogPut::Stale);
        }
        tx.execute(
            "INSERT INTO catalog_entries (org_id, kind, name, version, definition, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &org_id,
                &kind.as_str(),
                &name,
                &version,
                &definition,
                &now_micros(),
            ],
        )
        .await?;
        tx.execute(
            "UPDATE catalog_generation SET generation = $1 WHERE id = 1",
            &[&(generation + 1)],
        )
        .await?;
        if let Some(org) = org.filter(|_| !records.is_empty()) {
            set_org(&tx, org.id).await?;
            super::admin::append_records(&tx, org.id, &records).await?;
        }
        crate::store::before_commit()?;
        tx.commit().await?;
        if let Some(org) = org.filter(|_| !records.is_empty()) {
            // this node's predicted head for the org is stale now
            self.inner.sealer(org.id).lock().await.head = None;
        }
        Ok(CatalogPut::Stored {
            version: version_of(version),
            changed: true,
        })
    }

    pub(super) async fn delete_catalog_entry_impl(
        &self,
        org: Option<&Org>,
        kind: CatalogKind,
        name: &str,
        records: Vec<PreparedEvent>,
    ) -> StoreResult<bool> {
        let org_id = scope_id(org);
        if org.is_none() && !records.is_empty() {
            return Err(StoreError::Internal(
                "an instance's catalog entry has no org to record it in".into(),
            ));
        }
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let n = tx
            .execute(
                "DELETE FROM catalog_entries WHERE org_id = $1 AND kind = $2 AND name = $3",
                &[&org_id, &kind.as_str(), &name],
            )
            .await?;
        if n == 0 {
            return Ok(false);
        }
        tx.execute(
            "UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1",
            &[],
        )
        .await?;
        if let Some(org) = org.filter(|_| !records.is_empty()) {
            set_org(&tx, org.id).await?;
            super::admin::append_records(&tx, org.id, &records).await?;
        }
        crate::store::before_commit()?;
        tx.commit().await?;
        if let Some(org) = org.filter(|_| !records.is_empty()) {
            self.inner.sealer(org.id).lock().await.head = None;
        }
        Ok(true)
    }

    pub(super) async fn action_has_events_impl(
        &self,
        org: Option<&Org>,
        action: &str,
    ) -> StoreResult<bool> {
        // events are under row-level security: each org is asked in its own transaction
        let orgs = match org {
            Some(o) => vec![o.id],
            None => {
                let c = self.client().await?;
                c.query("SELECT id FROM orgs ORDER BY id", &[])
                    .await?
                    .iter()
                    .map(|r| r.get::<_, i64>(0))
                    .collect()
            }
        };
        let mut client = self.client().await?;
        for org_id in orgs {
            let tx = org_tx(&mut client, org_id).await?;
            // no index leads with the action: a scan of the org's rows (a rare admin
            // request, answered by its first match)
            let found: bool = tx
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM events WHERE org_id = $1 AND action = $2)",
                    &[&org_id, &action],
                )
                .await?
                .get(0);
            if found {
                return Ok(true);
            }
        }
        Ok(false)
    }

    pub(super) async fn catalog_generation_impl(&self) -> StoreResult<i64> {
        let c = self.client().await?;
        let row = c
            .query_one(
                &c.prepare_cached("SELECT generation FROM catalog_generation WHERE id = 1")
                    .await?,
                &[],
            )
            .await?;
        Ok(row.get(0))
    }
}
