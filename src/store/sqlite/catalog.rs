//! The platform-defined catalog on SQLite: `catalog_entries` (every version of every entry)
//! and `catalog_generation` (bumped by each change). Writes go through the writer thread.

use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use crate::model::Org;
use crate::model::chain::PreparedEvent;
use crate::model::time::now_micros;
use crate::store::{CatalogEntry, CatalogKind, CatalogPut, StoreError, StoreResult};

/// `org_id` of the entries defined for the whole instance.
const INSTANCE: i64 = 0;

fn scope_id(org: Option<&Org>) -> i64 {
    org.map_or(INSTANCE, |o| o.id)
}

fn entry_from_row(
    r: &rusqlite::Row<'_>,
) -> rusqlite::Result<(i64, String, String, i64, String, i64)> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn entries(conn: &Connection, org_id: i64) -> StoreResult<Vec<CatalogEntry>> {
    let mut st = conn.prepare_cached(
        "SELECT org_id, kind, name, version, definition, created_at FROM catalog_entries
         WHERE org_id IN (0, ?1) ORDER BY org_id, kind, name, version",
    )?;
    let rows = st.query_map([org_id], entry_from_row)?;
    let mut out = Vec::new();
    for row in rows {
        let (org_id, kind, name, version, definition, created_at) = row?;
        let kind = CatalogKind::parse(&kind)
            .ok_or_else(|| StoreError::Internal(format!("catalog entry of kind {kind:?}")))?;
        out.push(CatalogEntry {
            org_id: (org_id != INSTANCE).then_some(org_id),
            kind,
            name,
            version: u32::try_from(version).unwrap_or(u32::MAX),
            definition,
            created_at,
        });
    }
    Ok(out)
}

fn bump(conn: &Connection) -> StoreResult<()> {
    conn.execute(
        "UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1",
        [],
    )?;
    Ok(())
}

impl SqliteStore {
    pub(super) async fn catalog_entries_impl(
        &self,
        org: Option<&Org>,
    ) -> StoreResult<Vec<CatalogEntry>> {
        let org_id = scope_id(org);
        self.read(move |conn| entries(conn, org_id)).await
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
        let name = name.to_string();
        let definition = definition.to_string();
        self.exec(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let other_scope: bool = tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM catalog_entries
                     WHERE kind = ?1 AND name = ?2 AND (org_id = 0) <> (?3 = 0))",
                )?
                .query_row(params![kind.as_str(), name, org_id], |r| r.get(0))?;
            if other_scope {
                return Ok(CatalogPut::Conflict);
            }
            let latest: Option<(i64, String)> = tx
                .prepare_cached(
                    "SELECT version, definition FROM catalog_entries
                     WHERE org_id = ?1 AND kind = ?2 AND name = ?3 ORDER BY version DESC LIMIT 1",
                )?
                .query_row(params![org_id, kind.as_str(), name], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            if let Some((version, stored)) = &latest
                && *stored == definition
            {
                return Ok(CatalogPut::Stored {
                    version: u32::try_from(*version).unwrap_or(u32::MAX),
                    changed: false,
                });
            }
            let version = latest.map_or(1, |(v, _)| v + 1);
            if version != i64::from(expect_version) {
                return Ok(CatalogPut::Stale);
            }
            tx.execute(
                "INSERT INTO catalog_entries (org_id, kind, name, version, definition, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    org_id,
                    kind.as_str(),
                    name,
                    version,
                    definition,
                    now_micros()
                ],
            )?;
            bump(&tx)?;
            super::admin::append_records(&tx, org_id, &records)?;
            crate::store::before_commit()?;
            tx.commit()?;
            Ok(CatalogPut::Stored {
                version: u32::try_from(version).unwrap_or(u32::MAX),
                changed: true,
            })
        })
        .await
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
        let name = name.to_string();
        self.exec(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let n = tx.execute(
                "DELETE FROM catalog_entries WHERE org_id = ?1 AND kind = ?2 AND name = ?3",
                params![org_id, kind.as_str(), name],
            )?;
            if n == 0 {
                return Ok(false);
            }
            bump(&tx)?;
            super::admin::append_records(&tx, org_id, &records)?;
            crate::store::before_commit()?;
            tx.commit()?;
            Ok(true)
        })
        .await
    }

    pub(super) async fn action_has_events_impl(
        &self,
        org: Option<&Org>,
        action: &str,
    ) -> StoreResult<bool> {
        let org_id = org.map(|o| o.id);
        let action = action.to_string();
        self.read(move |conn| {
            // no index leads with the action: a scan of the org's rows (a rare admin
            // request, answered by its first match)
            let found: bool = match org_id {
                Some(id) => conn
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM events WHERE org_id = ?1 AND action = ?2)",
                    )?
                    .query_row(params![id, action], |r| r.get(0))?,
                None => conn
                    .prepare_cached("SELECT EXISTS (SELECT 1 FROM events WHERE action = ?1)")?
                    .query_row(params![action], |r| r.get(0))?,
            };
            Ok(found)
        })
        .await
    }

    pub(super) async fn catalog_generation_impl(&self) -> StoreResult<i64> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached("SELECT generation FROM catalog_generation WHERE id = 1")?
                .query_row([], |r| r.get(0))?)
        })
        .await
    }
}
