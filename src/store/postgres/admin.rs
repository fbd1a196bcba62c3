//! Administration: an org created with its first key, and [`AdminChange`]s, each in one
//! transaction with the events that record it (see [`Store::administer`]).

use super::*;
use crate::store::{AdminChange, Administered};

/// Appends `records` to `org_id` inside the caller's transaction, under the org's head lock,
/// decided by [`ledger::decide`] against the locked head. This node's sealer is told the
/// head moved afterwards (by the caller), like another node's append would.
pub(super) async fn append_records<C: GenericClient>(
    tx: &C,
    org_id: i64,
    records: &[PreparedEvent],
) -> StoreResult<()> {
    if records.is_empty() {
        return Ok(());
    }
    let row = tx
        .query_opt(
            "SELECT seq, hash, peaks FROM org_heads WHERE org_id = $1 FOR UPDATE",
            &[&org_id],
        )
        .await?
        .ok_or_else(|| StoreError::Internal(format!("org {org_id} has no head row")))?;
    let head = head_from_row(&row)?;
    let ids: Vec<&str> = records
        .iter()
        .filter(|e| !e.id_generated)
        .map(|e| e.id.as_str())
        .collect();
    let mut stored = ledger::Stored::default();
    if !ids.is_empty() {
        for r in tx
            .query(
                "SELECT id, seq, content_hash FROM events WHERE org_id = $1 AND id = ANY($2)",
                &[&org_id, &ids],
            )
            .await?
        {
            let hash = hash32(r.get(2), "content hash")?;
            stored.insert(r.get(0), (r.get::<_, i64>(1) as u64, hash));
        }
    }
    let decided = decide_requests(&[records], &head, &stored, now_micros());
    for r in &decided.results {
        if let Err(e) = r {
            return Err(e.clone());
        }
    }
    decided.write(tx, org_id).await?;
    Ok(())
}

async fn insert_key<C: GenericClient>(
    tx: &C,
    org: &Org,
    key: NewKey,
    created_at: i64,
) -> StoreResult<KeyInfo> {
    tx.execute(
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

pub(super) async fn read_settings<C: GenericClient>(
    c: &C,
    org_id: i64,
    lock: bool,
) -> StoreResult<OrgSettings> {
    let text = if lock {
        "SELECT retention_days, legal_hold FROM org_settings WHERE org_id = $1 FOR UPDATE"
    } else {
        "SELECT retention_days, legal_hold FROM org_settings WHERE org_id = $1"
    };
    let row = c
        .query_opt(&c.prepare_cached(text).await?, &[&org_id])
        .await?;
    Ok(row.map_or(OrgSettings::default(), |r| OrgSettings {
        retention_days: r
            .get::<_, Option<i64>>(0)
            .map(|d| d.clamp(0, u32::MAX as i64) as u32),
        legal_hold: r.get(1),
    }))
}

impl PostgresStore {
    pub(super) async fn create_org_with(
        &self,
        slug: &str,
        name: &str,
        key: NewKey,
        records: Vec<PreparedEvent>,
    ) -> StoreResult<(Org, KeyInfo)> {
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
            let org = Org {
                id,
                slug: slug.to_string(),
                name: name.to_string(),
                created_at,
            };
            let key = insert_key(&tx, &org, key, created_at).await?;
            append_records(&tx, id, &records).await?;
            crate::store::before_commit()?;
            tx.commit().await?;
            crate::store::after_commit()?;
            return Ok((org, key));
        }
        Err(StoreError::Internal("could not pick a free org id".into()))
    }

    pub(super) async fn administer_with(
        &self,
        org: &Org,
        change: AdminChange,
        records: Vec<PreparedEvent>,
    ) -> StoreResult<Administered> {
        let mut client = self.client().await?;
        let tx = org_tx(&mut client, org.id).await?;
        let now = now_micros();
        let mut key = None;
        let applied = match change {
            AdminChange::CreateKey(new) => {
                key = Some(insert_key(&tx, org, new, now).await?);
                true
            }
            AdminChange::RevokeKey { key_id } => {
                tx.execute(
                    "UPDATE api_keys SET revoked_at = $1
                     WHERE org_id = $2 AND id = $3 AND revoked_at IS NULL",
                    &[&now, &org.id, &key_id],
                )
                .await?
                    == 1
            }
            AdminChange::PutSettings { expected, new } => {
                // the org's head lock first (as every append takes it), then the settings
                tx.execute(
                    "SELECT 1 FROM org_heads WHERE org_id = $1 FOR UPDATE",
                    &[&org.id],
                )
                .await?;
                if read_settings(&tx, org.id, true).await? == expected {
                    tx.execute(
                        "INSERT INTO org_settings (org_id, retention_days, legal_hold)
                         VALUES ($1, $2, $3)
                         ON CONFLICT (org_id) DO UPDATE SET
                             retention_days = excluded.retention_days,
                             legal_hold = excluded.legal_hold",
                        &[&org.id, &new.retention_days.map(i64::from), &new.legal_hold],
                    )
                    .await?;
                    true
                } else {
                    false
                }
            }
            AdminChange::Rename { name } => {
                tx.execute(
                    "UPDATE orgs SET name = $1 WHERE id = $2 AND name <> $1",
                    &[&name, &org.id],
                )
                .await?
                    == 1
            }
            AdminChange::Record => true,
        };
        if !applied {
            return Ok(Administered::Unchanged);
        }
        append_records(&tx, org.id, &records).await?;
        crate::store::before_commit()?;
        tx.commit().await?;
        // this node's predicted head for the org is stale now
        self.inner.sealer(org.id).lock().await.head = None;
        crate::store::after_commit()?;
        Ok(Administered::Done { key })
    }
}
