//! The Merkle tree from `merkle_nodes` and the events, fetched in bulk.

use super::*;

// ---------------------------------------------------------------------------------------
// Merkle nodes: the tree algorithms are synchronous, the database is not. `NodeCache`
// answers from what was fetched so far and records what it lacked (answering a placeholder,
// since the algorithms' control flow depends only on sizes); `with_nodes` fetches the
// recorded wants in bulk and runs the algorithm again until nothing is lacking.

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Want {
    Stored(u32, u64),
    /// Leaves [start, end).
    Leaves(u64, u64),
}

#[derive(Default)]
pub(super) struct NodeCache {
    pub(super) stored: HashMap<(u32, u64), Option<Hash>>,
    pub(super) leaves: HashMap<(u64, u64), Option<Vec<Hash>>>,
    pub(super) wanted: Mutex<HashSet<Want>>,
}

impl NodeCache {
    fn want(&self, w: Want) {
        if let Ok(mut s) = self.wanted.lock() {
            s.insert(w);
        }
    }

    fn take_wants(&self) -> Vec<Want> {
        self.wanted
            .lock()
            .map(|mut s| s.drain().collect())
            .unwrap_or_default()
    }
}

impl NodeSource for NodeCache {
    fn node(&self, level: u32, index: u64) -> Result<Hash, String> {
        if level >= 63 {
            return Err("tree level out of range".into());
        }
        let width = 1u64 << level;
        let range = (index * width, (index + 1) * width);
        match self.stored.get(&(level, index)) {
            Some(Some(h)) => return Ok(*h),
            Some(None) => {}
            None => {
                self.want(Want::Stored(level, index));
                if level < STORED_LEVEL {
                    self.want(Want::Leaves(range.0, range.1));
                }
                return Ok(ZERO_HASH);
            }
        }
        if level < STORED_LEVEL {
            match self.leaves.get(&range) {
                Some(Some(layer)) => {
                    return merkle::complete_root(layer.clone())
                        .ok_or_else(|| "incomplete subtree".to_string());
                }
                Some(None) if level == 0 => {
                    return Err(format!(
                        "event {} is not present and its leaf was not kept",
                        index + 1
                    ));
                }
                Some(None) => {}
                None => {
                    self.want(Want::Leaves(range.0, range.1));
                    return Ok(ZERO_HASH);
                }
            }
        }
        // from its two halves (a subtree straddling a retention cut)
        let left = self.node(level - 1, index * 2)?;
        let right = self.node(level - 1, index * 2 + 1)?;
        Ok(merkle::node_hash(&left, &right))
    }
}

pub(super) async fn fetch_wants<C: GenericClient>(
    c: &C,
    org_id: i64,
    cache: &mut NodeCache,
    wants: Vec<Want>,
) -> StoreResult<()> {
    let mut levels = Vec::new();
    let mut idxs = Vec::new();
    for w in &wants {
        match *w {
            Want::Stored(level, index) => {
                levels.push(i64::from(level));
                idxs.push(index as i64);
                cache.stored.insert((level, index), None);
            }
            Want::Leaves(start, end) => {
                let rows = c
                    .query(
                        &c.prepare_cached(
                            "SELECT body FROM events WHERE org_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq",
                        )
                        .await?,
                        &[&org_id, &(start as i64), &(end as i64)],
                    )
                    .await?;
                let layer: Vec<Hash> = rows
                    .iter()
                    .map(|r| merkle::leaf_hash(r.get::<_, &str>(0).as_bytes()))
                    .collect();
                let complete = layer.len() as u64 == end - start;
                cache.leaves.insert((start, end), complete.then_some(layer));
            }
        }
    }
    if !levels.is_empty() {
        let rows = c
            .query(
                &c.prepare_cached(
                    "SELECT n.level, n.idx, n.hash FROM merkle_nodes n
                     JOIN UNNEST($2::BIGINT[], $3::BIGINT[]) AS w(level, idx)
                       ON n.level = w.level AND n.idx = w.idx
                     WHERE n.org_id = $1",
                )
                .await?,
                &[&org_id, &levels, &idxs],
            )
            .await?;
        for r in rows {
            let level: i64 = r.get(0);
            let idx: i64 = r.get(1);
            let h = hash32(r.get(2), "Merkle node")?;
            cache.stored.insert((level as u32, idx as u64), Some(h));
        }
    }
    Ok(())
}

/// Runs a tree algorithm over the org's nodes, fetching what it needs.
pub(super) async fn with_nodes<C: GenericClient, T>(
    c: &C,
    org_id: i64,
    f: impl Fn(&NodeCache) -> Result<T, String>,
) -> StoreResult<T> {
    let mut cache = NodeCache::default();
    for _ in 0..128 {
        let result = f(&cache);
        let wants = cache.take_wants();
        if wants.is_empty() {
            return result.map_err(|e| StoreError::Internal(format!("Merkle tree: {e}")));
        }
        fetch_wants(c, org_id, &mut cache, wants).await?;
    }
    Err(StoreError::Internal(
        "Merkle tree: too many fetch rounds".into(),
    ))
}

/// The right edge of the tree of the org's first `size` events.
pub(super) fn tree_at(src: &NodeCache, size: u64) -> Result<CompactRange, String> {
    let mut peaks = Vec::new();
    let mut offset = 0u64;
    for level in (0..64u32).rev() {
        if size & (1u64 << level) != 0 {
            peaks.push(src.node(level, offset >> level)?);
            offset += 1u64 << level;
        }
    }
    CompactRange::from_parts(size, peaks)
}
