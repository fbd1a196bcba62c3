//! The Merkle tree from `merkle_nodes` and the events: node lookups, the right edge at a
//! size, checkpoint rows.

use super::*;

/// Hashes of complete subtrees of one org's tree, from `merkle_nodes` and the events.
pub(super) struct SqliteNodes<'c> {
    pub(super) conn: &'c Connection,
    pub(super) org_id: i64,
}

impl SqliteNodes<'_> {
    fn stored(&self, level: u32, index: u64) -> Result<Option<Hash>, String> {
        let stored: Option<Vec<u8>> = self
            .conn
            .prepare_cached(
                "SELECT hash FROM merkle_nodes WHERE org_id = ?1 AND level = ?2 AND idx = ?3",
            )
            .and_then(|mut s| {
                s.query_row(params![self.org_id, level, index as i64], |r| r.get(0))
                    .optional()
            })
            .map_err(|e| e.to_string())?;
        stored
            .map(|h| {
                h.try_into()
                    .map_err(|_| "stored node is not 32 bytes".to_string())
            })
            .transpose()
    }

    /// Leaf hashes of leaves [start, end) (seq start+1 ..= end).
    fn leaves(&self, start: u64, end: u64) -> Result<Vec<Hash>, String> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT body FROM events WHERE pk >= ?1 AND pk < ?2 ORDER BY pk")
            .map_err(|e| e.to_string())?;
        let rows = stmt
            .query_map(
                params![pk(self.org_id, start + 1), pk(self.org_id, end + 1)],
                |r| r.get::<_, String>(0),
            )
            .map_err(|e| e.to_string())?;
        let mut out = Vec::with_capacity((end - start) as usize);
        for body in rows {
            out.push(merkle::leaf_hash(
                body.map_err(|e| e.to_string())?.as_bytes(),
            ));
        }
        if out.len() as u64 != end - start {
            return Err(format!(
                "events {}..={} are not all present",
                start + 1,
                end
            ));
        }
        Ok(out)
    }
}

impl NodeSource for SqliteNodes<'_> {
    fn node(&self, level: u32, index: u64) -> Result<Hash, String> {
        if level >= 63 {
            return Err("tree level out of range".into());
        }
        // stored: every subtree of 16+ leaves, and the small ones retention kept
        if let Some(h) = self.stored(level, index)? {
            return Ok(h);
        }
        let width = 1u64 << level;
        if level < STORED_LEVEL {
            // small subtree: from its events, when they are all still there
            if let Ok(layer) = self.leaves(index * width, (index + 1) * width) {
                return merkle::complete_root(layer)
                    .ok_or_else(|| "incomplete subtree".to_string());
            }
            if level == 0 {
                return Err(format!(
                    "event {} is not present and its leaf was not kept",
                    index + 1
                ));
            }
        }
        // otherwise from its two halves (a subtree straddling a retention cut, or a database
        // older than the tree)
        let left = self.node(level - 1, index * 2)?;
        let right = self.node(level - 1, index * 2 + 1)?;
        Ok(merkle::node_hash(&left, &right))
    }
}

/// The right edge of the tree of the org's first `size` events.
pub(super) fn load_tree(conn: &Connection, org_id: i64, size: u64) -> StoreResult<CompactRange> {
    let src = SqliteNodes { conn, org_id };
    let mut peaks = Vec::new();
    let mut offset = 0u64;
    for level in (0..64u32).rev() {
        if size & (1u64 << level) != 0 {
            let node = src
                .node(level, offset >> level)
                .map_err(|e| StoreError::Internal(format!("loading the Merkle tree: {e}")))?;
            peaks.push(node);
            offset += 1u64 << level;
        }
    }
    CompactRange::from_parts(size, peaks).map_err(StoreError::Internal)
}

pub(super) fn proof_error(e: String) -> StoreError {
    StoreError::Internal(format!("Merkle proof: {e}"))
}

pub(super) fn checkpoint_from_row(
    r: &rusqlite::Row<'_>,
) -> rusqlite::Result<(i64, Vec<u8>, i64, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}
