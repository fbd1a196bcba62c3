//! The ledger: what an append or a purge does to an org's log, decided in memory, once for
//! every backend. A backend reads the org's head and the ids it stored before, asks
//! [`decide`] what a group of requests does, and turns the [`Decision`] into its own SQL;
//! for a purge it reads the oldest rows and asks [`plan_purge`] where to cut.
//!
//! Invariants decided here and nowhere else:
//! - an event whose client id was stored before (or earlier in the group) with the same
//!   content hash is a duplicate: it gets the earlier seq and nothing is written for it;
//! - with another content hash it is an id conflict that fails its request alone: the
//!   request contributes no row, no node, no count, and the requests after it go on;
//! - every new event takes the next seq (gap-free from the head), is sealed onto the chain
//!   ([`seal_at`]) and appended to the Merkle right edge; nodes of [`STORED_LEVEL`] and
//!   above are stored;
//! - rollups count the new events only (never duplicates), and a purge takes back exactly
//!   what the events it cuts added.

use std::collections::BTreeMap;

use super::{Appended, DAY_MICROS, HOUR_MICROS, StoreError, StoreResult};
use crate::model::chain::{PreparedEvent, seal_at};
use crate::model::merkle::{self, CompactRange, Hash, NodeSource};

/// Merkle nodes of this level and above are stored; below, they are recomputed from at
/// most 2^STORED_LEVEL events. One stored row per ~8 events.
pub const STORED_LEVEL: u32 = 4;

/// The maps of the append path: keyed by strings of the group, hashed many times per event.
pub type FastMap<K, V> = foldhash::HashMap<K, V>;

/// Rollup grain of the per-hour rows.
pub const GRAIN_HOUR: i64 = 0;
/// Rollup grain of the per-day rows.
pub const GRAIN_DAY: i64 = 1;

/// The start of the `step`-long bucket `t` is in (also for times before 1970).
pub fn floor_to(t: i64, step: i64) -> i64 {
    t - t.rem_euclid(step)
}

/// An org's chain head and the right edge of its Merkle tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: u64,
    pub hash: Hash,
    pub tree: CompactRange,
}

/// Ids an org stored before a group: client id -> (seq, content hash).
pub type Stored = FastMap<String, (u64, Hash)>;

/// One new event row: its seq, the event, and its sealed hash and canonical body.
#[derive(Debug, Clone)]
pub struct Row<'g> {
    pub seq: u64,
    pub event: &'g PreparedEvent,
    pub hash: Hash,
    pub body: String,
}

/// A Merkle node to store: the hash of the `2^level` leaves from `index * 2^level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    pub level: u32,
    pub index: u64,
    pub hash: Hash,
}

/// What one group of requests adds to an org's log.
#[derive(Debug)]
pub struct Decision<'g> {
    /// The head the group was decided against (seq and hash).
    pub base: (u64, Hash),
    /// The head the group leaves.
    pub head: Head,
    pub recorded_at: i64,
    /// Per request, in order: its events' outcomes, or the error that failed it alone.
    pub results: Vec<StoreResult<Vec<Appended>>>,
    /// The new rows, in seq order.
    pub rows: Vec<Row<'g>>,
    /// The Merkle nodes the new rows complete, at [`STORED_LEVEL`] and above.
    pub nodes: Vec<Node>,
    pub deltas: Deltas<'g>,
}

/// Decides a group of one org's requests (each a slice of events, in arrival order) against
/// `base` and the ids `stored` before it, sealing with `recorded_at` (microseconds). Pure:
/// the same inputs give the same rows, which is what lets a backend decide a group before it
/// holds the org's lock and check the head once it does.
pub fn decide<'g>(
    requests: &[&'g [PreparedEvent]],
    base: &Head,
    stored: &Stored,
    recorded_at: i64,
) -> Decision<'g> {
    let recorded_text = crate::model::time::format_micros(recorded_at);
    let mut head = base.clone();
    // ids stored by this group's earlier requests
    let mut added: FastMap<&'g str, (u64, &'g Hash)> = FastMap::default();
    let mut rows: Vec<Row<'g>> = Vec::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut deltas = Deltas::default();
    let mut results = Vec::with_capacity(requests.len());
    for events in requests {
        // a failing request leaves nothing behind: its rows are taken back
        let (rows_before, nodes_before) = (rows.len(), nodes.len());
        let mut tree = head.tree.clone();
        let (mut seq, mut hash) = (head.seq, head.hash);
        let mut mine: FastMap<&'g str, (u64, &'g Hash)> = FastMap::default();
        let mut out = Vec::with_capacity(events.len());
        let mut failed = None;
        for (index, ev) in events.iter().enumerate() {
            if !ev.id_generated {
                let earlier = mine
                    .get(ev.id.as_str())
                    .or_else(|| added.get(ev.id.as_str()))
                    .map(|(s, h)| (*s, **h))
                    .or_else(|| stored.get(&ev.id).copied());
                if let Some((s, content_hash)) = earlier {
                    if content_hash != ev.content_hash {
                        failed = Some(StoreError::IdConflict {
                            index,
                            id: ev.id.clone(),
                        });
                        break;
                    }
                    out.push(Appended {
                        id: ev.id.clone(),
                        seq: s,
                        duplicate: true,
                    });
                    continue;
                }
            }
            seq += 1;
            let sealed = seal_at(ev, seq, &hash, &recorded_text);
            for (level, index, node) in tree.append(merkle::leaf_hash(sealed.body.as_bytes())) {
                if level >= STORED_LEVEL {
                    nodes.push(Node {
                        level,
                        index,
                        hash: node,
                    });
                }
            }
            hash = sealed.hash;
            rows.push(Row {
                seq,
                event: ev,
                hash: sealed.hash,
                body: sealed.body,
            });
            mine.insert(&ev.id, (seq, &ev.content_hash));
            out.push(Appended {
                id: ev.id.clone(),
                seq,
                duplicate: false,
            });
        }
        if let Some(e) = failed {
            rows.truncate(rows_before);
            nodes.truncate(nodes_before);
            results.push(Err(e));
            continue;
        }
        head = Head { seq, hash, tree };
        added.extend(mine);
        // the new events only (duplicates were counted when first stored)
        for (ev, a) in events.iter().zip(&out) {
            if !a.duplicate {
                deltas.add(ev);
            }
        }
        results.push(Ok(out));
    }
    Decision {
        base: (base.seq, base.hash),
        head,
        recorded_at,
        results,
        rows,
        nodes,
        deltas,
    }
}

/// Rollup deltas of a group (or of a purge step), keyed by the rows' own strings. Added
/// with sign 1 by an append, taken back with sign -1 by a purge.
#[derive(Debug, Default)]
pub struct Deltas<'a> {
    /// (grain, bucket, action) -> n
    pub action: FastMap<(i64, i64, &'a str), i64>,
    /// (grain, bucket, actor type, actor id, via type) -> n
    pub actor: FastMap<(i64, i64, &'a str, &'a str, &'a str), i64>,
    /// (day, actor type, actor id, via type) -> action -> n: the packed action x actor
    /// day rollup (see [`super::pack_counts`])
    pub full: FastMap<(i64, &'a str, &'a str, &'a str), BTreeMap<&'a str, i64>>,
    /// user actor id -> (occurred_at, performed by): the latest by occurred_at wins
    pub actors: FastMap<&'a str, (i64, &'a str)>,
}

impl<'a> Deltas<'a> {
    /// A new event: its counts, and its actor's latest "Performed By".
    pub fn add(&mut self, ev: &'a PreparedEvent) {
        if !crate::model::Catalog::builtin().rolled_up(&ev.action) {
            return;
        }
        let actor_id = ev.actor_id.as_deref().unwrap_or("");
        self.count(
            ev.occurred_at,
            &ev.action,
            ev.actor_type,
            actor_id,
            ev.via_type.unwrap_or(""),
        );
        if ev.actor_type == "user" && !actor_id.is_empty() {
            let e = self.actors.entry(actor_id).or_insert((i64::MIN, ""));
            if ev.occurred_at >= e.0 {
                *e = (ev.occurred_at, &ev.performed_by);
            }
        }
    }

    /// One event's counts from its stored columns (an empty actor id or via type: none).
    pub fn count(
        &mut self,
        occurred_at: i64,
        action: &'a str,
        actor_type: &'a str,
        actor_id: &'a str,
        via: &'a str,
    ) {
        if !crate::model::Catalog::builtin().rolled_up(action) {
            return;
        }
        let hour = floor_to(occurred_at, HOUR_MICROS);
        let day = floor_to(occurred_at, DAY_MICROS);
        for (grain, bucket) in [(GRAIN_HOUR, hour), (GRAIN_DAY, day)] {
            *self.action.entry((grain, bucket, action)).or_default() += 1;
            *self
                .actor
                .entry((grain, bucket, actor_type, actor_id, via))
                .or_default() += 1;
        }
        *self
            .full
            .entry((day, actor_type, actor_id, via))
            .or_default()
            .entry(action)
            .or_default() += 1;
    }

    pub fn is_empty(&self) -> bool {
        self.action.is_empty() && self.actor.is_empty() && self.full.is_empty()
    }
}

/// A packed actor-day cell after a delta: `stored` plus `sign` times `delta`, actions that
/// reach zero dropped. Empty: the row goes.
pub fn apply_packed(
    mut stored: BTreeMap<String, i64>,
    delta: &BTreeMap<&str, i64>,
    sign: i64,
) -> BTreeMap<String, i64> {
    for (&action, k) in delta {
        let n = stored.entry(action.to_string()).or_default();
        *n += k * sign;
        if *n <= 0 {
            stored.remove(action);
        }
    }
    stored
}

/// An event row as a purge reads it, oldest first: what it needs to choose the cut and
/// take the event out of the rollups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgeCandidate {
    pub seq: u64,
    pub recorded_at: i64,
    pub occurred_at: i64,
    pub action: String,
    pub actor_type: String,
    pub actor_id: Option<String>,
    pub via_type: Option<String>,
}

/// Where one purge step cuts: after the longest run of `candidates` (the rows after
/// `old_cut`, in seq order) recorded before `before`; and what they counted.
#[derive(Debug)]
pub struct PurgePlan<'a> {
    pub old_cut: u64,
    pub cut: u64,
    /// To be written with sign -1.
    pub deltas: Deltas<'a>,
}

impl PurgePlan<'_> {
    pub fn events(&self) -> u64 {
        self.cut - self.old_cut
    }

    /// What the purge answers, for a dry run as for a real one.
    pub fn purged(&self) -> super::Purged {
        super::Purged {
            events: self.events(),
            cut_seq: self.cut,
        }
    }

    /// Nothing to write: a dry run, or no event old enough.
    pub fn writes_nothing(&self, dry_run: bool) -> bool {
        dry_run || self.cut == self.old_cut
    }
}

pub fn plan_purge(old_cut: u64, candidates: &[PurgeCandidate], before: i64) -> PurgePlan<'_> {
    let mut cut = old_cut;
    let mut deltas = Deltas::default();
    for c in candidates {
        if c.recorded_at >= before {
            break;
        }
        cut = c.seq;
        deltas.count(
            c.occurred_at,
            &c.action,
            &c.actor_type,
            c.actor_id.as_deref().unwrap_or(""),
            c.via_type.as_deref().unwrap_or(""),
        );
    }
    PurgePlan {
        old_cut,
        cut,
        deltas,
    }
}

/// The nodes below [`STORED_LEVEL`] that later proofs need once the leaves in
/// `(old_cut, cut]` are gone: every such subtree that ends in the cut range. Computed
/// from `src` while the leaves still exist.
pub fn nodes_to_keep(src: &impl NodeSource, old_cut: u64, cut: u64) -> Result<Vec<Node>, String> {
    let mut nodes = Vec::new();
    for level in 0..STORED_LEVEL {
        let width = 1u64 << level;
        // the first subtree ending after old_cut
        let mut index = old_cut / width;
        while (index + 1) * width <= cut {
            if (index + 1) * width > old_cut {
                nodes.push(Node {
                    level,
                    index,
                    hash: src.node(level, index)?,
                });
            }
            index += 1;
        }
    }
    Ok(nodes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::model::chain::{ZERO_HASH, verify_chain};
    use proptest::prelude::*;

    fn event(id: &str, content: u8, generated: bool) -> PreparedEvent {
        let v = serde_json::json!({
            "id": id,
            "action": if content.is_multiple_of(2) { "ticket.created" } else { "ticket.updated" },
            "occurred_at": format!("2026-01-0{}T0{}:00:00Z", 1 + content % 3, content % 5),
            "entity": {"type": "ticket", "id": format!("t_{content}")},
            "actor": {"type": "user", "id": format!("u_{}", content % 3), "name": format!("U{content}")},
        });
        let mut errors = Vec::new();
        let mut ev = crate::service::validate::prepare(
            crate::model::Catalog::builtin(),
            "acme",
            0,
            &v.to_string(),
            1_769_904_000_000_000,
            &mut errors,
        )
        .unwrap_or_else(|| panic!("{errors:?}"));
        ev.id_generated = generated;
        ev
    }

    fn empty_head() -> Head {
        Head {
            seq: 0,
            hash: ZERO_HASH,
            tree: CompactRange::new(),
        }
    }

    /// A request: events as (id number, content, generated id).
    fn requests_strategy() -> impl Strategy<Value = Vec<Vec<(u8, u8, bool)>>> {
        prop::collection::vec(
            prop::collection::vec((0u8..12, 0u8..3, prop::bool::weighted(0.1)), 0..6),
            0..8,
        )
    }

    fn build(requests: &[Vec<(u8, u8, bool)>]) -> Vec<Vec<PreparedEvent>> {
        requests
            .iter()
            .enumerate()
            .map(|(r, evs)| {
                evs.iter()
                    .enumerate()
                    .map(|(i, &(id, content, generated))| {
                        let id = if generated {
                            format!("gen_{r}_{i}")
                        } else {
                            format!("ev_{id}")
                        };
                        event(&id, content, generated)
                    })
                    .collect()
            })
            .collect()
    }

    fn slices(reqs: &[Vec<PreparedEvent>]) -> Vec<&[PreparedEvent]> {
        reqs.iter().map(Vec::as_slice).collect()
    }

    /// What the store would hold after writing a decision: the ids it stored.
    fn store_ids(stored: &mut Stored, d: &Decision<'_>) {
        for row in &d.rows {
            if !row.event.id_generated {
                stored.insert(row.event.id.clone(), (row.seq, row.event.content_hash));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Seqs are gap-free from the head, the chain verifies, the tree's root is the
        /// RFC 6962 root of the bodies, and every node of the stored levels is emitted.
        #[test]
        fn rows_continue_the_chain_and_the_tree(spec in requests_strategy()) {
            let reqs = build(&spec);
            let d = decide(&slices(&reqs), &empty_head(), &Stored::default(), 1);
            for (i, row) in d.rows.iter().enumerate() {
                prop_assert_eq!(row.seq, i as u64 + 1);
            }
            prop_assert_eq!(d.head.seq, d.rows.len() as u64);
            prop_assert_eq!(
                verify_chain(d.rows.iter().map(|r| r.body.as_str())).map_err(|e| e.1),
                Ok(d.rows.len() as u64)
            );
            let mut tree = CompactRange::new();
            let mut all_nodes = Vec::new();
            for r in &d.rows {
                all_nodes.extend(tree.append(merkle::leaf_hash(r.body.as_bytes())));
            }
            prop_assert_eq!(d.head.tree.root(), tree.root());
            let stored: Vec<Node> = all_nodes
                .into_iter()
                .filter(|n| n.0 >= STORED_LEVEL)
                .map(|(level, index, hash)| Node { level, index, hash })
                .collect();
            prop_assert_eq!(&d.nodes, &stored);
            if let Some(last) = d.rows.last() {
                prop_assert_eq!(d.head.hash, last.hash);
            }
        }

        /// A request either fails alone with nothing written, or each of its events is new
        /// (the next seq) or a duplicate of the same content stored before.
        #[test]
        fn each_request_is_all_or_nothing(spec in requests_strategy()) {
            let reqs = build(&spec);
            let d = decide(&slices(&reqs), &empty_head(), &Stored::default(), 1);
            let mut first: FastMap<&str, (u64, Hash)> = FastMap::default();
            let mut next_seq = 1;
            let mut rows = d.rows.iter();
            for (events, result) in reqs.iter().zip(&d.results) {
                match result {
                    Err(StoreError::IdConflict { index, id }) => {
                        // the event really conflicts with an earlier one
                        let ev = &events[*index];
                        prop_assert_eq!(&ev.id, id);
                        let earlier = first.get(id.as_str()).copied().or_else(|| {
                            events[..*index]
                                .iter()
                                .find(|e| e.id == *id)
                                .map(|e| (0, e.content_hash))
                        });
                        prop_assert!(earlier.is_some_and(|(_, h)| h != ev.content_hash));
                    }
                    Err(e) => prop_assert!(false, "unexpected {e:?}"),
                    Ok(out) => {
                        prop_assert_eq!(out.len(), events.len());
                        for (ev, a) in events.iter().zip(out) {
                            if a.duplicate {
                                let (seq, hash) = first[ev.id.as_str()];
                                prop_assert_eq!(a.seq, seq);
                                prop_assert_eq!(hash, ev.content_hash);
                            } else {
                                prop_assert_eq!(a.seq, next_seq);
                                let row = rows.next().expect("a row per new event");
                                prop_assert_eq!(row.seq, next_seq);
                                prop_assert!(std::ptr::eq(row.event, ev));
                                next_seq += 1;
                                if !ev.id_generated {
                                    first.insert(ev.id.as_str(), (a.seq, ev.content_hash));
                                }
                            }
                        }
                    }
                }
            }
            prop_assert!(rows.next().is_none(), "no row of a failed request");
        }

        /// Deciding a group in two parts (the second against the head and ids the first
        /// left) writes exactly what deciding it whole writes.
        #[test]
        fn a_group_split_anywhere_decides_the_same(spec in requests_strategy(), at in 0usize..9) {
            let reqs = build(&spec);
            let all = slices(&reqs);
            let at = at.min(all.len());
            let whole = decide(&all, &empty_head(), &Stored::default(), 7);
            let first = decide(&all[..at], &empty_head(), &Stored::default(), 7);
            let mut stored = Stored::default();
            store_ids(&mut stored, &first);
            let second = decide(&all[at..], &first.head, &stored, 7);
            let parts: Vec<(u64, &str)> = first.rows.iter().chain(&second.rows)
                .map(|r| (r.seq, r.body.as_str())).collect();
            let one: Vec<(u64, &str)> = whole.rows.iter().map(|r| (r.seq, r.body.as_str())).collect();
            prop_assert_eq!(parts, one);
            prop_assert_eq!(&second.head, &whole.head);
            let results: Vec<_> = first.results.iter().chain(&second.results)
                .map(|r| format!("{r:?}")).collect();
            let whole_results: Vec<_> = whole.results.iter().map(|r| format!("{r:?}")).collect();
            prop_assert_eq!(results, whole_results);
        }

        /// Purging what a group added takes back exactly its counts.
        #[test]
        fn a_purge_takes_back_what_the_appends_counted(spec in requests_strategy(), keep in 0u64..4) {
            let reqs = build(&spec);
            let d = decide(&slices(&reqs), &empty_head(), &Stored::default(), 1);
            let candidates: Vec<PurgeCandidate> = d.rows.iter().map(|r| PurgeCandidate {
                seq: r.seq,
                // the last `keep` rows were recorded later
                recorded_at: if r.seq + keep > d.head.seq { 100 } else { 1 },
                occurred_at: r.event.occurred_at,
                action: r.event.action.clone(),
                actor_type: r.event.actor_type.to_string(),
                actor_id: r.event.actor_id.clone(),
                via_type: r.event.via_type.map(str::to_string),
            }).collect();
            let plan = plan_purge(0, &candidates, 50);
            prop_assert_eq!(plan.cut, d.head.seq.saturating_sub(keep));
            let mut kept = Deltas::default();
            for r in &d.rows[plan.cut as usize..] {
                kept.add(r.event);
            }
            // appended counts minus purged counts = counts of the kept events
            let mut net = d.deltas.action.clone();
            for (k, n) in &plan.deltas.action {
                *net.entry(*k).or_default() -= n;
            }
            net.retain(|_, n| *n != 0);
            prop_assert_eq!(net, kept.action.clone());
            let mut net = d.deltas.actor.clone();
            for (k, n) in &plan.deltas.actor {
                *net.entry(*k).or_default() -= n;
            }
            net.retain(|_, n| *n != 0);
            prop_assert_eq!(net, kept.actor.clone());
            for (k, delta) in &plan.deltas.full {
                let appended: BTreeMap<String, i64> = d.deltas.full[k]
                    .iter().map(|(a, n)| (a.to_string(), *n)).collect();
                let left = apply_packed(appended, delta, -1);
                let expect: BTreeMap<String, i64> = kept.full.get(k)
                    .map(|m| m.iter().map(|(a, n)| (a.to_string(), *n)).collect())
                    .unwrap_or_default();
                prop_assert_eq!(left, expect);
            }
        }
    }

    #[test]
    fn a_conflict_fails_its_request_only() {
        let a = vec![event("x", 0, false)];
        let b = vec![event("y", 0, false), event("x", 1, false)];
        let c = vec![event("x", 0, false), event("z", 2, false)];
        let d = decide(&[&a, &b, &c], &empty_head(), &Stored::default(), 1);
        assert!(matches!(&d.results[1], Err(StoreError::IdConflict { index: 1, id }) if id == "x"));
        let c_out = d.results[2].as_ref().unwrap();
        assert!(c_out[0].duplicate && c_out[0].seq == 1);
        assert_eq!((c_out[1].seq, c_out[1].duplicate), (2, false));
        assert_eq!(d.rows.len(), 2);
    }

    #[test]
    fn ids_stored_before_are_duplicates_or_conflicts() {
        let first = vec![event("x", 0, false)];
        let one = decide(&[&first], &empty_head(), &Stored::default(), 1);
        let mut stored = Stored::default();
        store_ids(&mut stored, &one);
        let again = vec![event("x", 0, false)];
        let other = vec![event("x", 2, false)];
        let d = decide(&[&again, &other], &one.head, &stored, 2);
        assert_eq!(
            d.results[0].as_ref().unwrap()[0],
            Appended {
                id: "x".into(),
                seq: 1,
                duplicate: true
            }
        );
        assert!(d.results[1].is_err());
        assert!(d.rows.is_empty() && d.deltas.is_empty());
        assert_eq!(d.head, one.head);
    }

    #[test]
    fn kept_nodes_are_the_small_subtrees_ending_in_the_cut() {
        struct Leaves;
        impl NodeSource for Leaves {
            fn node(&self, level: u32, index: u64) -> Result<Hash, String> {
                let mut h = [0u8; 32];
                h[0] = level as u8;
                h[1..9].copy_from_slice(&index.to_be_bytes());
                Ok(h)
            }
        }
        let nodes = nodes_to_keep(&Leaves, 5, 16).unwrap();
        let at = |level| {
            nodes
                .iter()
                .filter(|n| n.level == level)
                .map(|n| n.index)
                .collect::<Vec<_>>()
        };
        assert_eq!(at(0), (5..16).collect::<Vec<_>>());
        assert_eq!(at(1), vec![2, 3, 4, 5, 6, 7]); // [4,6) ends at 6 > 5
        assert_eq!(at(2), vec![1, 2, 3]);
        assert_eq!(at(3), vec![0, 1]);
        assert!(nodes_to_keep(&Leaves, 7, 7).unwrap().is_empty());
    }

    #[test]
    fn floor_to_floors_times_before_1970_too() {
        assert_eq!(floor_to(-1, DAY_MICROS), -DAY_MICROS);
        assert_eq!(floor_to(DAY_MICROS + 5, DAY_MICROS), DAY_MICROS);
    }
}
