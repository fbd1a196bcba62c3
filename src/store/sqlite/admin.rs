//! Administration: an org created with its first key, and [`AdminChange`]s, each in one
//! transaction with the events that record it (see [`Store::administer`]).

use super::*;
use crate::store::{AdminChange, Administered};

/// Appends `records` to `org_id` inside the caller's transaction, decided by
/// [`ledger::decide`] against the head as stored (the writer's head cache notices the new
/// rows by itself: its next group probes the seq after the head it holds).
pub(super) fn append_records(
    conn: &Connection,
    org_id: i64,
    records: &[PreparedEvent],
) -> StoreResult<()> {
    if records.is_empty() {
        return Ok(());
    }
    let head = load_head(conn, org_id)?;
    let requests = [records];
    let stored = stored_ids(conn, org_id, &requests)?;
    let decision = ledger::decide(&requests, &head, &stored, now_micros());
    for r in &decision.results {
        if let Err(e) = r {
            return Err(e.clone());
        }
    }
    write_decision(conn, org_id, &decision)
}

pub(super) fn create_org(
    conn: &mut Connection,
    slug: String,
    name: String,
    key: NewKey,
    records: Vec<PreparedEvent>,
) -> StoreResult<(Org, KeyInfo)> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let created_at = now_micros();
    let res = tx.execute(
        "INSERT INTO orgs (slug, name, created_at) VALUES (?1, ?2, ?3)",
        params![slug, name, created_at],
    );
    match res {
        Ok(_) => {}
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {
            return Err(StoreError::AlreadyExists(format!("org {slug}")));
        }
        Err(e) => return Err(e.into()),
    }
    let org = Org {
        id: tx.last_insert_rowid(),
        slug,
        name,
        created_at,
    };
    let key = insert_key(&tx, &org, key, created_at)?;
    append_records(&tx, org.id, &records)?;
    crate::store::before_commit()?;
    tx.commit()?;
    Ok((org, key))
}

fn insert_key(conn: &Connection, org: &Org, key: NewKey, created_at: i64) -> StoreResult<KeyInfo> {
    let res = conn.execute(
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
    );
    match res {
        Ok(_) => {}
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {
            return Err(StoreError::AlreadyExists(format!("key {}", key.id)));
        }
        Err(e) => return Err(e.into()),
    }
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

pub(super) fn read_settings(conn: &Connection, org_id: i64) -> StoreResult<OrgSettings> {
    let row = conn
        .prepare_cached("SELECT retention_days, legal_hold FROM org_settings WHERE org_id = ?1")?
        .query_row([org_id], |r| {
            Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, i64>(1)?))
        })
        .optional()?;
    Ok(row.map_or(OrgSettings::default(), |(d, h)| OrgSettings {
        retention_days: d.map(|d| d.clamp(0, u32::MAX as i64) as u32),
        legal_hold: h != 0,
    }))
}

pub(super) fn administer(
    conn: &mut Connection,
    org: Org,
    change: AdminChange,
    records: Vec<PreparedEvent>,
) -> StoreResult<Administered> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now = now_micros();
    let mut key = None;
    let applied = match change {
        AdminChange::CreateKey(new) => {
            key = Some(insert_key(&tx, &org, new, now)?);
            true
        }
        AdminChange::RevokeKey { key_id } => {
            tx.execute(
                "UPDATE api_keys SET revoked_at = ?1
                 WHERE org_id = ?2 AND id = ?3 AND revoked_at IS NULL",
                params![now, org.id, key_id],
            )? == 1
        }
        AdminChange::PutSettings { expected, new } => {
            if read_settings(&tx, org.id)? == expected {
                tx.execute(
                    "INSERT INTO org_settings (org_id, retention_days, legal_hold)
                     VALUES (?1, ?2, ?3)
                     ON CONFLICT (org_id) DO UPDATE SET retention_days = excluded.retention_days,
                         legal_hold = excluded.legal_hold",
                    params![
                        org.id,
                        new.retention_days.map(i64::from),
                        new.legal_hold as i64
                    ],
                )?;
                true
            } else {
                false
            }
        }
        AdminChange::Rename { name } => {
            tx.execute(
                "UPDATE orgs SET name = ?1 WHERE id = ?2 AND name <> ?1",
                params![name, org.id],
            )? == 1
        }
        AdminChange::Record => true,
    };
    if !applied {
        return Ok(Administered::Unchanged);
    }
    append_records(&tx, org.id, &records)?;
    crate::store::before_commit()?;
    tx.commit()?;
    Ok(Administered::Done { key })
}
