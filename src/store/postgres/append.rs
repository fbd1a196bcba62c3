//! Appends: per-org queues and group commit, each group decided by [`ledger::decide`]
//! (before the org's lock when the head is predictable, see [`Sealer`]) and written with a
//! handful of `UNNEST` statements.

use super::*;

pub(super) type Reply = oneshot::Sender<StoreResult<Vec<Appended>>>;

pub(super) struct Pending {
    pub(super) events: Vec<PreparedEvent>,
    pub(super) reply: Reply,
}

#[derive(Default)]
pub(super) struct OrgQueue {
    pub(super) pending: Vec<Pending>,
    /// Leader tasks committing this org's queue (at most [`LEADERS_PER_ORG`]).
    pub(super) running: usize,
}

/// Group commits of one org in flight per node. They take turns on the org's row lock, but
/// the next group's connection, `BEGIN` and lock request overlap the previous one's commit
/// and replies, so a busy org's groups do not alternate between large and tiny.
pub(super) const LEADERS_PER_ORG: usize = 2;

pub(super) struct Inner {
    pub(super) pool: Pool,
    pub(super) queues: Mutex<HashMap<i64, OrgQueue>>,
    pub(super) sealers: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<Sealer>>>>,
}

// ---------------------------------------------------------------------------------------
// Appends

/// From `SELECT seq, hash, peaks FROM org_heads`.
pub(super) fn head_from_row(row: &tokio_postgres::Row) -> StoreResult<Head> {
    let seq = row.get::<_, i64>(0) as u64;
    Ok(Head {
        seq,
        hash: hash32(row.get(1), "head hash")?,
        tree: CompactRange::from_parts(seq, unpack_peaks(row.get(2))?)
            .map_err(StoreError::Internal)?,
    })
}

/// Rows one group commit writes, column by column (for `UNNEST`), borrowed from the group.
#[derive(Default)]
pub(super) struct EventCols<'g> {
    pub(super) seq: Vec<i64>,
    pub(super) id: Vec<&'g str>,
    pub(super) occurred_at: Vec<i64>,
    pub(super) action: Vec<&'g str>,
    pub(super) entity_id: Vec<&'g str>,
    pub(super) actor_type: Vec<&'g str>,
    pub(super) actor_id: Vec<Option<&'g str>>,
    pub(super) via_type: Vec<Option<&'g str>>,
    pub(super) content_hash: Vec<&'g [u8]>,
    pub(super) hash: Vec<Vec<u8>>,
    pub(super) body: Vec<String>,
}

impl<'g> EventCols<'g> {
    fn new(rows: Vec<ledger::Row<'g>>) -> Self {
        let mut c = EventCols::default();
        for row in rows {
            let ev = row.event;
            c.seq.push(row.seq as i64);
            c.id.push(&ev.id);
            c.occurred_at.push(ev.occurred_at);
            c.action.push(&ev.action);
            c.entity_id.push(&ev.entity_id);
            c.actor_type.push(ev.actor_type);
            c.actor_id.push(ev.actor_id.as_deref());
            c.via_type.push(ev.via_type);
            c.content_hash.push(&ev.content_hash);
            c.hash.push(row.hash.to_vec());
            c.body.push(row.body);
        }
        c
    }
}

/// Writes (`sign` 1) or takes back (`sign` -1) rollup deltas: four statements, pipelined.
pub(super) async fn write_deltas<C: GenericClient>(
    c: &C,
    org_id: i64,
    deltas: &Deltas<'_>,
    sign: i64,
) -> Result<(), tokio_postgres::Error> {
    let (mut g1, mut b1, mut a1, mut n1) = (vec![], vec![], vec![], vec![]);
    for (&(grain, bucket, action), k) in &deltas.action {
        g1.push(grain);
        b1.push(bucket);
        a1.push(action);
        n1.push(k * sign);
    }
    let (mut g2, mut b2, mut t2, mut i2, mut v2, mut n2) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for (&(grain, bucket, at, aid, via), k) in &deltas.actor {
        g2.push(grain);
        b2.push(bucket);
        t2.push(at);
        i2.push(aid);
        v2.push(via);
        n2.push(k * sign);
    }
    let (mut b3, mut t3, mut i3, mut v3) = (vec![], vec![], vec![], vec![]);
    for &(bucket, at, aid, via) in deltas.full.keys() {
        b3.push(bucket);
        t3.push(at);
        i3.push(aid);
        v3.push(via);
    }
    let (mut i4, mut name4, mut seen4) = (vec![], vec![], vec![]);
    if sign > 0 {
        for (&aid, &(t, by)) in &deltas.actors {
            i4.push(aid);
            name4.push(by);
            seen4.push(t);
        }
    }
    let action = async {
        if g1.is_empty() {
            return Ok(0);
        }
        let st = c
            .prepare_cached(
                "INSERT INTO rollup_action (org_id, grain, bucket, action, n)
                 SELECT $1, * FROM UNNEST($2::BIGINT[], $3::BIGINT[], $4::TEXT[], $5::BIGINT[])
                 ON CONFLICT (org_id, grain, bucket, action)
                 DO UPDATE SET n = rollup_action.n + excluded.n",
            )
            .await?;
        c.execute(&st, &[&org_id, &g1, &b1, &a1, &n1]).await
    };
    let actor = async {
        if g2.is_empty() {
            return Ok(0);
        }
        let st = c
            .prepare_cached(
                "INSERT INTO rollup_actor (org_id, grain, bucket, actor_type, actor_id, via_type, n)
                 SELECT $1, * FROM UNNEST($2::BIGINT[], $3::BIGINT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::BIGINT[])
                 ON CONFLICT (org_id, grain, bucket, actor_type, actor_id, via_type)
                 DO UPDATE SET n = rollup_actor.n + excluded.n",
            )
            .await?;
        c.execute(&st, &[&org_id, &g2, &b2, &t2, &i2, &v2, &n2])
            .await
    };
    // read, merge in memory, write back: safe because the caller holds the org's head
    // row lock (appends and the purge both take it)
    let full = async {
        if b3.is_empty() {
            return Ok(0);
        }
        let st = c
            .prepare_cached(
                "SELECT bucket, actor_type, actor_id, via_type, counts FROM rollup_actor_actions
                 WHERE org_id = $1 AND (bucket, actor_type, actor_id, via_type) IN
                     (SELECT * FROM UNNEST($2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::TEXT[]))",
            )
            .await?;
        let mut merged: FastMap<
            (i64, String, String, String),
            std::collections::BTreeMap<String, i64>,
        > = FastMap::default();
        for r in c.query(&st, &[&org_id, &b3, &t3, &i3, &v3]).await? {
            let key = (r.get(0), r.get(1), r.get(2), r.get(3));
            merged.insert(key, crate::store::unpack_counts(r.get(4)));
        }
        let (mut b, mut t, mut i, mut v, mut counts) = (vec![], vec![], vec![], vec![], vec![]);
        let (mut gone_b, mut gone_t, mut gone_i, mut gone_v) = (vec![], vec![], vec![], vec![]);
        for (&(bucket, at, aid, via), delta) in &deltas.full {
            let key = (bucket, at.to_string(), aid.to_string(), via.to_string());
            let now = ledger::apply_packed(merged.remove(&key).unwrap_or_default(), delta, sign);
            if now.is_empty() {
                gone_b.push(bucket);
                gone_t.push(at);
                gone_i.push(aid);
                gone_v.push(via);
            } else {
                b.push(bucket);
                t.push(at);
                i.push(aid);
                v.push(via);
                counts.push(crate::store::pack_counts(&now));
            }
        }
        let upsert = async {
            if b.is_empty() {
                return Ok(0);
            }
            let st = c
                .prepare_cached(
                    "INSERT INTO rollup_actor_actions (org_id, bucket, actor_type, actor_id, via_type, counts)
                     SELECT $1, * FROM UNNEST($2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[])
                     ON CONFLICT (org_id, bucket, actor_type, actor_id, via_type)
                     DO UPDATE SET counts = excluded.counts",
                )
                .await?;
            c.execute(&st, &[&org_id, &b, &t, &i, &v, &counts]).await
        };
        let delete = async {
            if gone_b.is_empty() {
                return Ok(0);
            }
            let st = c
                .prepare_cached(
                    "DELETE FROM rollup_actor_actions
                     WHERE org_id = $1 AND (bucket, actor_type, actor_id, via_type) IN
                         (SELECT * FROM UNNEST($2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::TEXT[]))",
                )
                .await?;
            c.execute(&st, &[&org_id, &gone_b, &gone_t, &gone_i, &gone_v])
                .await
        };
        let (a, d) = futures_util::try_join!(upsert, delete)?;
        Ok(a + d)
    };
    let actors = async {
        if i4.is_empty() {
            return Ok(0);
        }
        let st = c
            .prepare_cached(
                "INSERT INTO actors (org_id, actor_id, performed_by, seen_at)
                 SELECT $1, * FROM UNNEST($2::TEXT[], $3::TEXT[], $4::BIGINT[])
                 ON CONFLICT (org_id, actor_id) DO UPDATE
                 SET performed_by = excluded.performed_by, seen_at = excluded.seen_at
                 WHERE excluded.seen_at >= actors.seen_at",
            )
            .await?;
        c.execute(&st, &[&org_id, &i4, &name4, &seen4]).await
    };
    futures_util::try_join!(action, actor, full, actors)?;
    Ok(())
}

/// A group's [`ledger::Decision`] as this backend writes it: the rows as columns for `UNNEST`.
pub(super) struct Decided<'g> {
    /// The head the group was decided against (seq and hash), and the one it leaves.
    pub(super) base: (u64, Hash),
    pub(super) head: Head,
    pub(super) recorded_at: i64,
    pub(super) results: Vec<StoreResult<Vec<Appended>>>,
    pub(super) cols: EventCols<'g>,
    pub(super) nodes: (Vec<i64>, Vec<i64>, Vec<Vec<u8>>),
    pub(super) deltas: Deltas<'g>,
}

/// Decides the group with [`ledger::decide`] against `base` and the ids `stored` before it.
pub(super) fn decide<'g>(
    group: &'g [Pending],
    base: &Head,
    stored: &ledger::Stored,
    recorded_at: i64,
) -> Decided<'g> {
    let requests: Vec<&'g [PreparedEvent]> = group.iter().map(|p| p.events.as_slice()).collect();
    decide_requests(&requests, base, stored, recorded_at)
}

/// [`decide`] for requests given as slices of events.
pub(super) fn decide_requests<'g>(
    requests: &[&'g [PreparedEvent]],
    base: &Head,
    stored: &ledger::Stored,
    recorded_at: i64,
) -> Decided<'g> {
    let d = ledger::decide(requests, base, stored, recorded_at);
    let mut nodes: (Vec<i64>, Vec<i64>, Vec<Vec<u8>>) = Default::default();
    for n in &d.nodes {
        nodes.0.push(i64::from(n.level));
        nodes.1.push(n.index as i64);
        nodes.2.push(n.hash.to_vec());
    }
    Decided {
        base: d.base,
        head: d.head,
        recorded_at: d.recorded_at,
        results: d.results,
        cols: EventCols::new(d.rows),
        nodes,
        deltas: d.deltas,
    }
}

impl Decided<'_> {
    /// Writes the group's rows and moves the head, inside the caller's transaction. All
    /// independent: pipelined on the connection, one round trip for the lot (two with the
    /// packed actor counts, which are read and merged).
    pub(super) async fn write<C: GenericClient>(
        &self,
        tx: &C,
        org_id: i64,
    ) -> Result<(), tokio_postgres::Error> {
        futures_util::try_join!(self.write_events(tx, org_id), self.write_rest(tx, org_id))?;
        Ok(())
    }

    /// The events themselves: most of the work, and nothing another group's rows or the
    /// org's lock can make it wait for (their seqs and ids are this group's own).
    async fn write_events<C: GenericClient>(
        &self,
        tx: &C,
        org_id: i64,
    ) -> Result<(), tokio_postgres::Error> {
        let cols = &self.cols;
        if cols.seq.is_empty() {
            return Ok(());
        }
        let st = tx
            .prepare_cached(
                "INSERT INTO events (org_id, seq, id, occurred_at, recorded_at, action, entity_id,
                                     actor_type, actor_id, via_type, content_hash, hash, body)
                 SELECT $1, s, i, o, $2, a, e, at, ai, v, ch, h, b
                 FROM UNNEST($3::BIGINT[], $4::TEXT[], $5::BIGINT[], $6::TEXT[], $7::TEXT[],
                             $8::TEXT[], $9::TEXT[], $10::TEXT[], $11::BYTEA[], $12::BYTEA[], $13::TEXT[])
                      AS t(s, i, o, a, e, at, ai, v, ch, h, b)",
            )
            .await?;
        tx.execute(
            &st,
            &[
                &org_id,
                &self.recorded_at,
                &cols.seq,
                &cols.id,
                &cols.occurred_at,
                &cols.action,
                &cols.entity_id,
                &cols.actor_type,
                &cols.actor_id,
                &cols.via_type,
                &cols.content_hash,
                &cols.hash,
                &cols.body,
            ],
        )
        .await?;
        Ok(())
    }

    /// Merkle nodes, rollups and the new head: what must follow the org's lock (the packed
    /// actor counts are read and merged, rollup rows are shared with the groups before).
    async fn write_rest<C: GenericClient>(
        &self,
        tx: &C,
        org_id: i64,
    ) -> Result<(), tokio_postgres::Error> {
        if self.cols.seq.is_empty() {
            return Ok(());
        }
        let peaks: Vec<u8> = self.head.tree.peaks().iter().flatten().copied().collect();
        let head_seq = self.head.seq as i64;
        let nodes = &self.nodes;
        let merkle = async {
            if nodes.0.is_empty() {
                return Ok(0);
            }
            let st = tx
                .prepare_cached(
                    "INSERT INTO merkle_nodes (org_id, level, idx, hash)
                     SELECT $1, * FROM UNNEST($2::BIGINT[], $3::BIGINT[], $4::BYTEA[])",
                )
                .await?;
            tx.execute(&st, &[&org_id, &nodes.0, &nodes.1, &nodes.2])
                .await
        };
        let new_head = async {
            let st = tx
                .prepare_cached(
                    "UPDATE org_heads SET seq = $2, hash = $3, peaks = $4 WHERE org_id = $1",
                )
                .await?;
            tx.execute(
                &st,
                &[&org_id, &head_seq, &self.head.hash.as_slice(), &peaks],
            )
            .await
        };
        // rollups in the same transaction: counts and events can never disagree
        let rollups = async { write_deltas(tx, org_id, &self.deltas, 1).await.map(|()| 0) };
        futures_util::try_join!(merkle, rollups, new_head)?;
        Ok(())
    }
}

/// Should a leader task end abnormally (a panic), its place in the org's queue is freed and
/// whatever is still queued gets a new leader, so an org's appends can never get stuck.
pub(super) struct LeaderGuard {
    pub(super) inner: Arc<Inner>,
    pub(super) org_id: i64,
    pub(super) finished: bool,
}

impl Drop for LeaderGuard {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let Ok(mut queues) = self.inner.queues.lock() else {
            return;
        };
        let q = queues.entry(self.org_id).or_default();
        if q.pending.is_empty() {
            q.running = q.running.saturating_sub(1);
            if q.running == 0 {
                queues.remove(&self.org_id);
            }
        } else if let Ok(rt) = tokio::runtime::Handle::try_current() {
            // keep this leader's slot for its successor
            rt.spawn(self.inner.clone().lead(self.org_id));
        } else {
            q.running = q.running.saturating_sub(1);
        }
    }
}

/// Where this node's groups for one org are sealed, one at a time, in the order they will
/// take the org's lock.
#[derive(Default)]
pub(super) struct Sealer {
    /// The head the org will have once the groups sealed so far commit; `None`: unknown
    /// (at first, and after any group failed or found the head moved): the next group is
    /// decided under the lock, as usual, and sets it again.
    pub(super) head: Option<Head>,
    /// Groups taken so far.
    pub(super) ticket: u64,
    /// Groups are decided under the lock until then (see [`SEALING_PAUSE`]).
    pub(super) paused_until: Option<std::time::Instant>,
}

/// How long a sealed group waits for a lock before it gives up and is decided again under
/// the lock. Its events are written before it asks for the org's lock, so another node's
/// append holding that lock may wait for them: this ends that wait long before PostgreSQL's
/// deadlock check (1 s by default) would pick a victim, and never at the locked append.
pub(super) const SEALED_LOCK_TIMEOUT: &str = "500ms";

/// After a sealed group found the head moved (usually: another node appends for the org
/// too), the org's groups are decided under the lock for this long.
pub(super) const SEALING_PAUSE: std::time::Duration = std::time::Duration::from_secs(2);

/// Orgs whose sealer is kept while idle; beyond that, idle orgs' predictions are dropped.
pub(super) const MAX_SEALERS: usize = 4096;

/// Why a sealed group was not committed as sealed, though it may still commit under the
/// lock: the org's head moved (another node appended, or an earlier group of this node
/// failed), an id in it was stored before (a unique index caught it), or it waited too long
/// for a lock ([`SEALED_LOCK_TIMEOUT`]) or in a deadlock: another node's append holds the
/// org's lock and waits for a row this group wrote ahead of it.
pub(super) fn head_moved(e: &tokio_postgres::Error) -> bool {
    e.code().is_some_and(|c| {
        c.code() == HEAD_MOVED
            || *c == SqlState::UNIQUE_VIOLATION
            || *c == SqlState::T_R_DEADLOCK_DETECTED
            || *c == SqlState::LOCK_NOT_AVAILABLE
            || *c == SqlState::IN_FAILED_SQL_TRANSACTION
    })
}

/// SQLSTATE raised by `auditlog_expect_head` (migration 6).
pub(super) const HEAD_MOVED: &str = "AL001";

impl Inner {
    pub(super) fn sealer(&self, org_id: i64) -> Arc<tokio::sync::Mutex<Sealer>> {
        let mut sealers = self.sealers.lock().unwrap_or_else(|p| p.into_inner());
        if sealers.len() >= MAX_SEALERS && !sealers.contains_key(&org_id) {
            sealers.retain(|_, s| Arc::strong_count(s) > 1);
        }
        sealers.entry(org_id).or_default().clone()
    }

    /// The org's queue leader: commits what is queued until the queue is empty.
    pub(super) async fn lead(self: Arc<Self>, org_id: i64) {
        let mut guard = LeaderGuard {
            inner: self.clone(),
            org_id,
            finished: false,
        };
        let sealer = self.sealer(org_id);
        loop {
            // groups are taken and sealed in one order, the order they queue for the lock in
            let mut seal = sealer.clone().lock_owned().await;
            let group = {
                let Ok(mut queues) = self.queues.lock() else {
                    return;
                };
                let q = queues.entry(org_id).or_default();
                if q.pending.is_empty() {
                    q.running -= 1;
                    if q.running == 0 {
                        queues.remove(&org_id);
                    }
                    guard.finished = true;
                    return;
                }
                let mut count = 0;
                let mut take = 0;
                for p in &q.pending {
                    if take > 0 && count + p.events.len() > MAX_GROUP_EVENTS {
                        break;
                    }
                    count += p.events.len();
                    take += 1;
                }
                q.pending.drain(..take).collect::<Vec<_>>()
            };
            seal.ticket += 1;
            let sealing = seal
                .paused_until
                .is_none_or(|t| std::time::Instant::now() >= t);
            let replies = match seal.head.clone().filter(|_| sealing) {
                // sealed now, against the head the groups before it leave; the next group
                // is sealed while this one waits for the lock and writes
                Some(base) => {
                    let decided = decide(&group, &base, &ledger::Stored::default(), now_micros());
                    seal.head = Some(decided.head.clone());
                    self.commit_sealed(org_id, &group, decided, seal, &sealer)
                        .await
                }
                // decided under the lock; the sealer waits for that decision
                None => self.commit_locked(org_id, &group, Some(seal)).await,
            };
            let replies = match replies {
                Ok((results, _)) => Ok(results),
                Err(e) => {
                    // the heads predicted from this group are wrong
                    sealer.lock().await.head = None;
                    Err(e)
                }
            };
            match replies {
                Ok(results) => {
                    for (p, r) in group.into_iter().zip(results) {
                        let _ = p.reply.send(r);
                    }
                }
                Err(e) => {
                    for p in group {
                        let _ = p.reply.send(Err(e.clone()));
                    }
                }
            }
        }
    }

    /// Commits a group sealed before the lock: the transaction first takes the org's head
    /// row lock and checks the head is the one the group was sealed against
    /// (`auditlog_expect_head`), with every write pipelined behind it, so the group's rows
    /// go out with the lock request and nothing of ours runs while the org is locked. When
    /// the head moved, nothing is written and the group is decided again under the lock.
    async fn commit_sealed<'g>(
        &self,
        org_id: i64,
        group: &'g [Pending],
        decided: Decided<'g>,
        seal: tokio::sync::OwnedMutexGuard<Sealer>,
        sealer: &tokio::sync::Mutex<Sealer>,
    ) -> StoreResult<(Vec<StoreResult<Vec<Appended>>>, Head)> {
        let ticket = seal.ticket;
        let mut seal = Some(seal);
        let mut client = self.pool.get().await?;
        let attempt = async {
            let tx = client.transaction().await?;
            // prepared (or found cached) before anything is sent, so that the statements go
            // out in this order: the org setting (row-level security needs it first), the
            // events, the check (which waits for the lock), the rest
            let set = tx
                .prepare_cached(
                    "SELECT set_config('auditlog.org', $1, true), set_config('lock_timeout', $2, true)",
                )
                .await?;
            let expect = tx
                .prepare_cached("SELECT auditlog_expect_head($1, $2, $3)")
                .await?;
            let (org_text, base_seq) = (org_id.to_string(), decided.base.0 as i64);
            let (locked, on_lock) = oneshot::channel::<()>();
            {
                // the events go first: their insert needs no lock and is most of the work,
                // so it runs while the group before still holds the lock and commits
                let pipeline = futures_util::future::try_join4(
                    async {
                        tx.query_one(&set, &[&org_text, &SEALED_LOCK_TIMEOUT])
                            .await
                            .map_err(Moved::from)
                    },
                    async { decided.write_events(&tx, org_id).await.map_err(Moved::from) },
                    async {
                        let r = tx
                            .execute(&expect, &[&org_id, &base_seq, &decided.base.1.as_slice()])
                            .await
                            .map_err(Moved::from)?;
                        let _ = locked.send(());
                        Ok(r)
                    },
                    async { decided.write_rest(&tx, org_id).await.map_err(Moved::from) },
                );
                let mut pipeline = std::pin::pin!(pipeline);
                // the next group is sealed once this one holds the lock: it then queues for
                // the lock behind this one, never ahead of it
                tokio::select! {
                    biased;
                    r = &mut pipeline => r?,
                    _ = on_lock => {
                        drop(seal.take());
                        pipeline.await?
                    }
                };
            }
            drop(seal.take());
            Ok::<_, Moved>(tx)
        };
        match attempt.await {
            Ok(tx) => {
                crate::store::before_commit()?;
                tx.commit().await?;
                crate::store::after_commit()?;
                Ok((decided.results, decided.head))
            }
            Err(Moved::Yes) => {
                drop(seal);
                let (results, head) = self.commit_locked(org_id, group, None).await?;
                let mut seal = sealer.lock().await;
                // the groups sealed after this one were sealed against a head that never was
                seal.head = (seal.ticket == ticket).then(|| head.clone());
                seal.paused_until = Some(std::time::Instant::now() + SEALING_PAUSE);
                Ok((results, head))
            }
            Err(Moved::No(e)) => {
                drop(seal);
                Err(e)
            }
        }
    }

    /// One transaction for a group of one org's requests, decided under the org's lock.
    /// `seal`: the org's sealer, told the head this group leaves as soon as it is known.
    /// `Err`: nothing was committed.
    async fn commit_locked(
        &self,
        org_id: i64,
        group: &[Pending],
        seal: Option<tokio::sync::OwnedMutexGuard<Sealer>>,
    ) -> StoreResult<(Vec<StoreResult<Vec<Appended>>>, Head)> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        // ids sent before, by this group's requests or earlier ones
        let ids: Vec<&str> = group
            .iter()
            .flat_map(|p| p.events.iter())
            .filter(|e| !e.id_generated)
            .map(|e| e.id.as_str())
            .collect();
        // pipelined: the lookup runs after the lock is granted, so it sees every earlier commit
        let lock = async {
            let st: tokio_postgres::Statement = tx
                .prepare_cached(
                    "SELECT seq, hash, peaks FROM org_heads WHERE org_id = $1 FOR UPDATE",
                )
                .await?;
            tx.query_opt(&st, &[&org_id]).await
        };
        let lookup = async {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let st = tx
                .prepare_cached(
                    "SELECT id, seq, content_hash FROM events WHERE org_id = $1 AND id = ANY($2)",
                )
                .await?;
            tx.query(&st, &[&org_id, &ids]).await
        };
        let (_, row, found) = futures_util::try_join!(
            set_org(&tx, org_id),
            async { lock.await.map_err(StoreError::from) },
            async { lookup.await.map_err(StoreError::from) }
        )?;
        let row =
            row.ok_or_else(|| StoreError::Internal(format!("org {org_id} has no head row")))?;
        let head = head_from_row(&row)?;
        let mut stored = ledger::Stored::default();
        for r in found {
            let hash = hash32(r.get(2), "content hash")?;
            stored.insert(r.get(0), (r.get::<_, i64>(1) as u64, hash));
        }
        let decided = decide(group, &head, &stored, now_micros());
        if let Some(mut seal) = seal {
            seal.head = Some(decided.head.clone());
        }
        decided.write(&tx, org_id).await?;
        crate::store::before_commit()?;
        tx.commit().await?;
        crate::store::after_commit()?;
        Ok((decided.results, decided.head))
    }
}

/// How a sealed group's attempt ended when it did not reach `COMMIT`.
pub(super) enum Moved {
    /// The head moved or an id repeats: decide again under the lock.
    Yes,
    No(StoreError),
}

impl From<tokio_postgres::Error> for Moved {
    fn from(e: tokio_postgres::Error) -> Self {
        if head_moved(&e) {
            Moved::Yes
        } else {
            Moved::No(e.into())
        }
    }
}

impl From<StoreError> for Moved {
    fn from(e: StoreError) -> Self {
        Moved::No(e)
    }
}
