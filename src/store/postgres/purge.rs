//! Retention: the purge state and one purge step (the cut chosen by [`ledger::plan_purge`]).

use super::*;

pub(super) async fn read_purge_state<C: GenericClient>(
    c: &C,
    org_id: i64,
) -> StoreResult<Option<PurgeState>> {
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

/// One purge step in one transaction: see [`Store::purge`].
pub(super) async fn purge_step(
    store: &PostgresStore,
    org: &Org,
    before: i64,
    limit: usize,
    dry_run: bool,
) -> StoreResult<Purged> {
    let org_id = org.id;
    let mut client = store.client().await?;
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
    let purged = plan.purged();
    if plan.writes_nothing(dry_run) {
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
