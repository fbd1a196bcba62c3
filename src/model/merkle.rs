//! RFC 6962 (Certificate Transparency) Merkle trees: hashing, the compact right edge of a
//! growing tree, inclusion and consistency proofs, and their verification (RFC 9162).
//!
//! Each organization's events are the leaves of one append-only tree; publishing its root lets
//! anyone check later that an event is in the log (inclusion) and that the log only grew
//! (consistency). Everything here is pure: storage is reached only through [`NodeSource`].
//!
//! Tree geometry used throughout: the node at level `l`, index `i` is the root of the complete
//! subtree over leaves `[i * 2^l, (i + 1) * 2^l)`; level 0 is the leaf hashes themselves.
//! The RFC 6962 recursion only ever visits ranges `[start, end)` where `start` is a multiple of
//! the smallest power of two `>= end - start`, and such a range is the concatenation of at most
//! 64 such complete subtrees (one per set bit of its length), which is why every operation needs
//! only O(log n) nodes.

use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// RFC 6962 leaf hash: `SHA-256(0x00 || data)`. The prefix byte keeps a leaf from ever being
/// mistaken for an interior node (second-preimage resistance).
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(data);
    h.finalize().into()
}

/// RFC 6962 interior node hash: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: SHA-256 of the empty string.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The root of a complete subtree from its leaf hashes, left to right; `None` unless their
/// number is a power of two. Stores use it for the small subtrees they do not keep.
pub fn complete_root(mut layer: Vec<Hash>) -> Option<Hash> {
    if !layer.len().is_power_of_two() {
        return None;
    }
    while layer.len() > 1 {
        layer = layer
            .chunks_exact(2)
            .map(|p| node_hash(&p[0], &p[1]))
            .collect();
    }
    layer.pop()
}

/// Folds subtree roots, listed left to right, into the root of their concatenation: RFC 6962
/// splits at the largest power of two, which is the leftmost (largest) subtree, so the root is
/// `H(p0, H(p1, … H(p[k-1], p[k])))`. `None` when `peaks` is empty.
fn fold_peaks(peaks: &[Hash]) -> Option<Hash> {
    let (last, rest) = peaks.split_last()?;
    Some(rest.iter().rev().fold(*last, |acc, p| node_hash(p, &acc)))
}

/// ceil(log2(n)) for n >= 1 (0 for n <= 1): the height of a tree of n leaves, hence the
/// longest inclusion proof.
fn ceil_log2(n: u64) -> u32 {
    if n <= 1 {
        0
    } else {
        u64::BITS - (n - 1).leading_zeros()
    }
}

/// The largest power of two strictly less than `n`, for n >= 2: RFC 6962's split point `k`.
/// Callers never pass a smaller n; it gives 1 then rather than an overflow panic.
fn split_point(n: u64) -> u64 {
    let below = n.saturating_sub(1).max(1);
    // below >= 1, so leading_zeros() <= 63 and the shift is in 0..=63.
    1u64 << (u64::BITS - 1 - below.leading_zeros())
}

/// The right edge of a tree: the roots of its maximal complete subtrees, left to right
/// (at most 64). Appending is O(log n) amortized; the root is O(log n).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CompactRange {
    size: u64,
    /// One hash per set bit of `size`, from the highest bit (leftmost, largest subtree) down.
    peaks: Vec<Hash>,
}

impl CompactRange {
    /// The empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Rebuilds a range from a stored size and its peaks, e.g. after a restart. The peaks
    /// cannot be checked against any leaves here, only their number.
    pub fn from_parts(size: u64, peaks: Vec<Hash>) -> Result<Self, String> {
        let want = size.count_ones() as usize;
        if peaks.len() != want {
            return Err(format!(
                "a tree of {size} leaves has {want} peaks, got {}",
                peaks.len()
            ));
        }
        Ok(Self { size, peaks })
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The roots of the maximal complete subtrees, left to right.
    pub fn peaks(&self) -> &[Hash] {
        &self.peaks
    }

    /// Appends a leaf hash; returns the hashes of every complete subtree completed by this
    /// append as (level, index, hash), level 0 = the leaf itself, index = position at that level.
    ///
    /// A successful append always reports at least the leaf, so an empty result means nothing
    /// was appended: that happens only when the range already holds `u64::MAX` leaves, whose
    /// successor size does not fit in a `u64` ([`CompactRange::try_append`] reports it as an
    /// error instead).
    pub fn append(&mut self, leaf: Hash) -> Vec<(u32, u64, Hash)> {
        self.try_append(leaf).unwrap_or_default()
    }

    /// [`CompactRange::append`], failing instead of doing nothing when the tree is full.
    pub fn try_append(&mut self, leaf: Hash) -> Result<Vec<(u32, u64, Hash)>, String> {
        let new_size = self
            .size
            .checked_add(1)
            .ok_or_else(|| "the tree is full (u64::MAX leaves)".to_string())?;
        // The new leaf sits at index `size` on level 0; each trailing one bit of that index is
        // a left sibling (the last peak) waiting for exactly this right half.
        let mut index = self.size;
        let mut level = 0u32;
        let mut hash = leaf;
        let mut done = Vec::with_capacity(1 + self.size.trailing_ones() as usize);
        done.push((level, index, hash));
        while index & 1 == 1 {
            // The peak count equals popcount(size) (from_parts and this loop keep it so), and
            // every trailing one bit has its peak, so pop() finds one; a None would mean a
            // broken invariant, which we surface as an error rather than a wrong root.
            let left = self
                .peaks
                .pop()
                .ok_or_else(|| "compact range peaks do not match its size".to_string())?;
            hash = node_hash(&left, &hash);
            index >>= 1;
            level += 1;
            done.push((level, index, hash));
        }
        self.peaks.push(hash);
        self.size = new_size;
        Ok(done)
    }

    /// MTH of all leaves appended so far (the empty root for an empty tree).
    pub fn root(&self) -> Hash {
        fold_peaks(&self.peaks).unwrap_or_else(empty_root)
    }
}

/// Source of hashes of complete, aligned subtrees: level `l`, index `i` covers leaves
/// [i * 2^l, (i+1) * 2^l). A store implements it (some levels may be recomputed from leaves).
pub trait NodeSource {
    fn node(&self, level: u32, index: u64) -> Result<Hash, String>;
}

/// MTH(D[start..end]) for any range the RFC 6962 recursion visits, using O(log n) node() calls.
///
/// Such a range starts at a multiple of the smallest power of two `>= end - start`; other
/// ranges are rejected because their interior nodes are not nodes of the tree, so the only way
/// to hash them would be to rescan leaves. The empty range hashes to [`empty_root`].
pub fn subtree_hash(src: &impl NodeSource, start: u64, end: u64) -> Result<Hash, String> {
    let len = end
        .checked_sub(start)
        .ok_or_else(|| format!("range start {start} is after its end {end}"))?;
    if len == 0 {
        return Ok(empty_root());
    }
    // start % 2^ceil_log2(len) == 0, written so that start == 0 (64 trailing zeros) and
    // len > 2^63 need no special cases.
    if start.trailing_zeros() < ceil_log2(len) {
        return Err(format!(
            "range [{start}, {end}) is not a subtree of an RFC 6962 tree"
        ));
    }
    // One complete subtree per set bit of len, largest first; each starts at a multiple of its
    // own size because everything before it (start and larger subtrees) is.
    let mut peaks = Vec::with_capacity(len.count_ones() as usize);
    let mut pos = start;
    for level in (0..u64::BITS).rev() {
        if (len >> level) & 1 == 1 {
            peaks.push(src.node(level, pos >> level)?);
            // pos stays <= end, so this cannot overflow.
            pos += 1u64 << level;
        }
    }
    fold_peaks(&peaks).ok_or_else(|| "empty range".to_string())
}

/// MTH of the first `size` leaves (the empty root for size 0), with popcount(size) node() calls.
pub fn root_at(src: &impl NodeSource, size: u64) -> Result<Hash, String> {
    subtree_hash(src, 0, size)
}

/// RFC 6962 §2.1.1 PATH(m, D[n]): the audit path for leaf `leaf_index` in the tree of the first
/// `tree_size` leaves, ordered from the leaf's sibling up to the root's child.
///
/// Walks the recursion top-down: going right, the sibling is the complete left half (one
/// node); going left, the sibling is the right part, and from then on every range is complete.
/// So at most one sibling is an incomplete range, and the proof costs O(log n) node() calls.
pub fn inclusion_proof(
    src: &impl NodeSource,
    leaf_index: u64,
    tree_size: u64,
) -> Result<Vec<Hash>, String> {
    if leaf_index >= tree_size {
        return Err(format!(
            "leaf index {leaf_index} is not in a tree of size {tree_size}"
        ));
    }
    let (mut start, mut end) = (0u64, tree_size);
    let mut top_down = Vec::with_capacity(ceil_log2(tree_size) as usize);
    while end - start > 1 {
        let mid = start + split_point(end - start);
        if leaf_index < mid {
            top_down.push(subtree_hash(src, mid, end)?);
            end = mid;
        } else {
            top_down.push(subtree_hash(src, start, mid)?);
            start = mid;
        }
    }
    top_down.reverse();
    Ok(top_down)
}

/// RFC 6962 §2.1.2 PROOF(m, D[n]): the consistency proof between the tree of the first `size1`
/// leaves and the tree of the first `size2` leaves.
///
/// `size1 == size2` gives the empty proof. `size1 == 0` is an error: the RFC defines proofs for
/// 0 < m, and [`verify_consistency`] rejects them too, so producing one would be pointless.
/// Same O(log n) argument as [`inclusion_proof`].
pub fn consistency_proof(
    src: &impl NodeSource,
    size1: u64,
    size2: u64,
) -> Result<Vec<Hash>, String> {
    if size1 == 0 {
        return Err("no consistency proof from the empty tree".into());
    }
    if size1 > size2 {
        return Err(format!("size1 {size1} is larger than size2 {size2}"));
    }
    // SUBPROOF(m, D[start..end], complete): `m` counts old leaves inside the current range,
    // `complete` stays true while the range is the left spine, whose root the verifier
    // already has as root1 when the recursion stops there.
    let (mut start, mut end, mut m) = (0u64, size2, size1);
    let mut complete = true;
    let mut top_down = Vec::with_capacity(ceil_log2(size2) as usize + 1);
    while m != end - start {
        // Here m < end - start, so the range has at least 2 leaves.
        let k = split_point(end - start);
        let mid = start + k;
        if m <= k {
            top_down.push(subtree_hash(src, mid, end)?);
            end = mid;
        } else {
            top_down.push(subtree_hash(src, start, mid)?);
            start = mid;
            m -= k;
            complete = false;
        }
    }
    let mut proof = Vec::with_capacity(top_down.len() + 1);
    if !complete {
        proof.push(subtree_hash(src, start, end)?);
    }
    proof.extend(top_down.into_iter().rev());
    Ok(proof)
}

/// RFC 9162 §2.1.3.2: checks that `leaf_hash` is leaf `leaf_index` of the tree of `tree_size`
/// leaves whose root is `root`. Proofs with missing or extra hashes fail.
pub fn verify_inclusion(
    leaf_hash: &Hash,
    leaf_index: u64,
    tree_size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), String> {
    if leaf_index >= tree_size {
        return Err(format!(
            "leaf index {leaf_index} is not in a tree of size {tree_size}"
        ));
    }
    // fn_ and sn are the positions of the current node and of the tree's last node at the
    // current level; sn reaching 0 means we are at the root.
    let (mut fn_, mut sn) = (leaf_index, tree_size - 1);
    let mut r = *leaf_hash;
    for p in proof {
        if sn == 0 {
            return Err("inclusion proof has too many hashes".into());
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                // fn_ == sn on the right border: levels where the node has no right sibling
                // are skipped, they add no hash.
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err("inclusion proof is missing hashes".into());
    }
    if r != *root {
        return Err("inclusion proof does not lead to the root".into());
    }
    Ok(())
}

/// RFC 9162 §2.1.4.2: checks that the tree of `size2` leaves with root `root2` extends the tree
/// of `size1` leaves with root `root1`.
///
/// Edge cases: `size1 > size2` fails; `size1 == size2` needs an empty proof and equal roots;
/// `size1 == 0` always fails, even against an empty `size2` tree: the RFC algorithm is defined
/// for 0 < size1, the empty tree commits to nothing, and the reference test vectors
/// (transparency-dev/merkle, see tests/data/rfc6962-vectors) expect an error there.
pub fn verify_consistency(
    size1: u64,
    size2: u64,
    root1: &Hash,
    root2: &Hash,
    proof: &[Hash],
) -> Result<(), String> {
    if size1 > size2 {
        return Err(format!("size1 {size1} is larger than size2 {size2}"));
    }
    if size1 == 0 {
        return Err("a consistency proof from the empty tree proves nothing".into());
    }
    if size1 == size2 {
        if !proof.is_empty() {
            return Err("trees of equal size need an empty consistency proof".into());
        }
        if root1 != root2 {
            return Err("trees of equal size have different roots".into());
        }
        return Ok(());
    }
    let (first, rest) = proof
        .split_first()
        .ok_or_else(|| "empty consistency proof".to_string())?;
    // When size1 is a power of two the old tree is a complete subtree of the new one and the
    // proof omits it (the verifier has it as root1): start from root1 and use the whole proof.
    let (seed, path) = if size1.is_power_of_two() {
        (root1, proof)
    } else {
        (first, rest)
    };
    let (mut fn_, mut sn) = (size1 - 1, size2 - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (*seed, *seed);
    for c in path {
        if sn == 0 {
            return Err("consistency proof has too many hashes".into());
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err("consistency proof is missing hashes".into());
    }
    if fr != *root1 {
        return Err("consistency proof does not lead to the first root".into());
    }
    if sr != *root2 {
        return Err("consistency proof does not lead to the second root".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests;
