//! The single writer thread: group commit of appends (each org's requests decided by
//! [`ledger::decide`] and written in one transaction), and the head cache.

use super::*;

pub(super) type Reply<T> = oneshot::Sender<StoreResult<T>>;

pub(super) enum WriteOp {
    Append {
        org_id: i64,
        events: Vec<PreparedEvent>,
        reply: Reply<Vec<Appended>>,
    },
    Exec(Box<dyn FnOnce(&mut Connection) + Send>),
}

pub(super) struct Pending {
    pub(super) org_id: i64,
    pub(super) events: Vec<PreparedEvent>,
    pub(super) reply: Reply<Vec<Appended>>,
}

/// What the writer keeps between groups.
#[derive(Default)]
pub(super) struct Writer {
    /// Each org's chain head and Merkle right edge as committed. Only a committed group
    /// changes them; after any failed group they are dropped and reloaded from the
    /// database, so a failure can never leave them ahead of what is stored.
    pub(super) heads: HashMap<i64, Head>,
    /// Since when appends fail because the disk is full (logged once, and once more when
    /// space is back).
    pub(super) full_since: Option<std::time::Instant>,
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

pub(super) fn writer_loop(mut conn: Connection, mut rx: Receiver<WriteOp>) {
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
pub(super) fn end_transaction(conn: &Connection) {
    if !conn.is_autocommit()
        && let Err(e) = conn.execute_batch("ROLLBACK")
    {
        tracing::error!(error = %e, "the writer could not roll back a failed transaction");
    }
}

/// Commits a group and answers its requests.
pub(super) fn commit_group(conn: &mut Connection, writer: &mut Writer, group: Vec<Pending>) {
    match try_commit_group(conn, &mut writer.heads, &group) {
        Ok(results) => {
            writer.committed();
            let lost = crate::store::after_commit();
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
pub(super) fn try_commit_group(
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
    crate::store::before_commit()?;
    tx.commit()?;
    heads.extend(pending_heads);
    Ok(results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(StoreError::Internal("request not decided".into()))))
        .collect())
}

pub(super) fn row_exists(conn: &Connection, pk: i64) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM events WHERE pk = ?1")?
        .query_row([pk], |_| Ok(()))
        .optional()?
        .is_some())
}

pub(super) fn load_head(conn: &Connection, org_id: i64) -> StoreResult<Head> {
    let (seq, hash) = load_chain_head(conn, org_id)?;
    let tree = load_tree(conn, org_id, seq)?;
    Ok(Head { seq, hash, tree })
}

pub(super) fn load_chain_head(conn: &Connection, org_id: i64) -> StoreResult<(u64, [u8; 32])> {
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
pub(super) fn stored_ids(
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
pub(super) fn write_decision(
    conn: &Connection,
    org_id: i64,
    d: &ledger::Decision<'_>,
) -> StoreResult<()> {
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
pub(super) fn write_deltas(
    conn: &Connection,
    org_id: i64,
    deltas: &Deltas<'_>,
    sign: i64,
) -> StoreResult<()> {
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
