//! Retention: the purge state and one purge step (the cut chosen by [`ledger::plan_purge`]).

use super::*;

pub(super) fn read_purge_state(conn: &Connection, org_id: i64) -> StoreResult<Option<PurgeState>> {
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
pub(super) fn purge_step(
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
    let purged = plan.purged();
    if plan.writes_nothing(dry_run) {
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
