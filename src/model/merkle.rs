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
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::cell::Cell;
    use std::collections::HashMap;

    /// Every node a CompactRange reported while the leaves were appended, plus a counter of
    /// node() calls so tests can check proofs never fall back to scanning leaves.
    struct MemTree {
        leaves: Vec<Hash>,
        /// `roots[s]` is the naive MTH of the first `s` leaves.
        roots: Vec<Hash>,
        nodes: HashMap<(u32, u64), Hash>,
        calls: Cell<u64>,
    }

    impl MemTree {
        fn new(leaves: Vec<Hash>) -> Self {
            let mut cr = CompactRange::new();
            let mut nodes = HashMap::new();
            for leaf in &leaves {
                for (level, index, hash) in cr.append(*leaf) {
                    assert!(
                        nodes.insert((level, index), hash).is_none(),
                        "node reported twice"
                    );
                }
            }
            let mut memo = HashMap::new();
            let roots = (0..=leaves.len())
                .map(|s| memo_mth(&leaves, 0, s, &mut memo))
                .collect();
            MemTree {
                leaves,
                roots,
                nodes,
                calls: Cell::new(0),
            }
        }

        fn take_calls(&self) -> u64 {
            self.calls.replace(0)
        }
    }

    impl NodeSource for MemTree {
        fn node(&self, level: u32, index: u64) -> Result<Hash, String> {
            self.calls.set(self.calls.get() + 1);
            self.nodes
                .get(&(level, index))
                .copied()
                .ok_or_else(|| format!("no node at level {level}, index {index}"))
        }
    }

    /// A virtual tree of 2^64 - 1 identical leaves: the node at level l is the same for every
    /// index, so huge sizes can be exercised without storing anything.
    struct Uniform(Vec<Hash>);

    impl Uniform {
        fn new() -> Self {
            let mut levels = vec![leaf_hash(b"same")];
            for l in 0..64 {
                let below = levels[l];
                levels.push(node_hash(&below, &below));
            }
            Uniform(levels)
        }
    }

    impl NodeSource for Uniform {
        fn node(&self, level: u32, _index: u64) -> Result<Hash, String> {
            self.0
                .get(level as usize)
                .copied()
                .ok_or_else(|| "no such level".into())
        }
    }

    /// RFC 6962 §2.1 MTH, straight from the definition.
    fn naive_mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = split_point(n as u64) as usize;
                node_hash(&naive_mth(&leaves[..k]), &naive_mth(&leaves[k..]))
            }
        }
    }

    /// The same definition over `leaves[start..end]`, remembering each range: the prefixes
    /// of one tree share all but O(log n) of their subtrees, so all n prefix roots cost
    /// O(n log n) hashes instead of O(n^2).
    fn memo_mth(
        leaves: &[Hash],
        start: usize,
        end: usize,
        memo: &mut HashMap<(usize, usize), Hash>,
    ) -> Hash {
        if let Some(h) = memo.get(&(start, end)) {
            return *h;
        }
        let h = match end - start {
            0 => empty_root(),
            1 => leaves[start],
            n => {
                let mid = start + split_point(n as u64) as usize;
                let left = memo_mth(leaves, start, mid, memo);
                node_hash(&left, &memo_mth(leaves, mid, end, memo))
            }
        };
        memo.insert((start, end), h);
        h
    }

    /// Distinct leaves (the index is part of the data), so a proof checked against a wrong
    /// index or leaf can only pass through a hash collision.
    fn leaves_from(seed: u64, n: usize) -> Vec<Hash> {
        (0..n as u64)
            .map(|i| leaf_hash(&[seed.to_le_bytes(), i.to_le_bytes()].concat()))
            .collect()
    }

    fn flip(h: &Hash, bit: usize) -> Hash {
        let mut out = *h;
        out[(bit / 8) % 32] ^= 1 << (bit % 8);
        out
    }

    fn hex32(s: &str) -> Hash {
        hex::decode(s).unwrap().try_into().unwrap()
    }

    /// The checks of properties (c): proof verifies, has a bounded length and cost, and
    /// fails when any hash, the index or the leaf changes.
    fn check_inclusion(tree: &MemTree, index: u64, size: u64) {
        tree.take_calls();
        let proof = inclusion_proof(tree, index, size).unwrap();
        let calls = tree.take_calls();
        let root = tree.roots[size as usize];
        let leaf = tree.leaves[index as usize];
        assert!(proof.len() as u32 <= ceil_log2(size), "proof too long");
        assert!(
            calls <= 2 * u64::from(ceil_log2(size)) + 1,
            "{calls} node() calls"
        );
        assert_eq!(verify_inclusion(&leaf, index, size, &proof, &root), Ok(()));
        for i in 0..proof.len() {
            let mut bad = proof.clone();
            bad[i] = flip(&bad[i], i * 7);
            assert!(verify_inclusion(&leaf, index, size, &bad, &root).is_err());
        }
        for other in [
            index ^ 1,
            index.wrapping_sub(1),
            index + 1,
            size - 1 - index,
            size,
        ] {
            if other != index {
                assert!(verify_inclusion(&leaf, other, size, &proof, &root).is_err());
            }
        }
        assert!(verify_inclusion(&flip(&leaf, 3), index, size, &proof, &root).is_err());
        assert!(verify_inclusion(&leaf, index, size, &proof, &flip(&root, 200)).is_err());
        let mut longer = proof.clone();
        longer.push(leaf);
        assert!(verify_inclusion(&leaf, index, size, &longer, &root).is_err());
        if !proof.is_empty() {
            assert!(verify_inclusion(&leaf, index, size, &proof[1..], &root).is_err());
            let last = proof.len() - 1;
            assert!(verify_inclusion(&leaf, index, size, &proof[..last], &root).is_err());
        }
    }

    /// The checks of property (d); `other` differs from `tree` in exactly one leaf, which lies
    /// within the first `size1`.
    fn check_consistency(tree: &MemTree, other: &[Hash], size1: u64, size2: u64) {
        tree.take_calls();
        let proof = consistency_proof(tree, size1, size2).unwrap();
        let calls = tree.take_calls();
        let root1 = tree.roots[size1 as usize];
        let root2 = tree.roots[size2 as usize];
        assert!(proof.len() as u32 <= ceil_log2(size2) + 1, "proof too long");
        assert!(
            calls <= 2 * u64::from(ceil_log2(size2)) + 2,
            "{calls} node() calls"
        );
        assert_eq!(
            verify_consistency(size1, size2, &root1, &root2, &proof),
            Ok(())
        );
        for i in 0..proof.len() {
            let mut bad = proof.clone();
            bad[i] = flip(&bad[i], i * 5 + 1);
            assert!(verify_consistency(size1, size2, &root1, &root2, &bad).is_err());
        }
        let foreign1 = naive_mth(&other[..size1 as usize]);
        assert_ne!(foreign1, root1);
        assert!(verify_consistency(size1, size2, &foreign1, &root2, &proof).is_err());
        assert!(verify_consistency(size1, size2, &root1, &flip(&root2, 9), &proof).is_err());
        let mut longer = proof.clone();
        longer.push(root1);
        assert!(verify_consistency(size1, size2, &root1, &root2, &longer).is_err());
        if !proof.is_empty() {
            assert!(verify_consistency(size1, size2, &root1, &root2, &proof[1..]).is_err());
            let last = proof.len() - 1;
            assert!(verify_consistency(size1, size2, &root1, &root2, &proof[..last]).is_err());
        }
        if size1 != size2 {
            assert!(verify_consistency(size2, size1, &root2, &root1, &proof).is_err());
        }
    }

    fn altered(leaves: &[Hash], at: usize) -> Vec<Hash> {
        let mut out = leaves.to_vec();
        out[at] = flip(&out[at], 0);
        out
    }

    #[test]
    fn known_hashes() {
        assert_eq!(
            empty_root(),
            hex32("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
        assert_eq!(
            leaf_hash(b""),
            hex32("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        );
        // The RFC 6962 reference tree used by transparency-dev/merkle and the CT test suites.
        let data: [&[u8]; 8] = [
            b"",
            b"\x00",
            b"\x10",
            b"\x20\x21",
            b"\x30\x31",
            b"\x40\x41\x42\x43",
            b"\x50\x51\x52\x53\x54\x55\x56\x57",
            b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
        ];
        let roots = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        let tree = MemTree::new(data.iter().map(|d| leaf_hash(d)).collect());
        let mut cr = CompactRange::new();
        assert_eq!(cr.root(), empty_root());
        for (i, want) in roots.iter().enumerate() {
            cr.append(tree.leaves[i]);
            assert_eq!(cr.root(), hex32(want), "size {}", i + 1);
            assert_eq!(root_at(&tree, i as u64 + 1).unwrap(), hex32(want));
        }
        // RFC 6962 reference proofs: PATH(0, D[8]) and PROOF(3, D[7]) start with these.
        let path = inclusion_proof(&tree, 0, 8).unwrap();
        assert_eq!(path[0], leaf_hash(b"\x00"));
        assert_eq!(path.len(), 3);
        assert_eq!(consistency_proof(&tree, 3, 7).unwrap()[0], tree.leaves[2]);
    }

    #[test]
    fn append_reports_every_completed_subtree() {
        let mut cr = CompactRange::new();
        let l = leaves_from(1, 8);
        assert_eq!(cr.append(l[0]), vec![(0, 0, l[0])]);
        let n01 = node_hash(&l[0], &l[1]);
        assert_eq!(cr.append(l[1]), vec![(0, 1, l[1]), (1, 0, n01)]);
        assert_eq!(cr.append(l[2]), vec![(0, 2, l[2])]);
        let n23 = node_hash(&l[2], &l[3]);
        let n03 = node_hash(&n01, &n23);
        assert_eq!(
            cr.append(l[3]),
            vec![(0, 3, l[3]), (1, 1, n23), (2, 0, n03)]
        );
        assert_eq!(cr.size(), 4);
        assert_eq!(cr.peaks(), &[n03]);
        assert_eq!(cr.append(l[4]).len(), 1);
        assert_eq!(cr.peaks(), &[n03, l[4]]);
        let again = CompactRange::from_parts(cr.size(), cr.peaks().to_vec()).unwrap();
        assert_eq!(again, cr);
    }

    #[test]
    fn from_parts_checks_the_peak_count() {
        assert!(CompactRange::from_parts(0, vec![]).is_ok());
        assert!(CompactRange::from_parts(0, vec![[0; 32]]).is_err());
        assert!(CompactRange::from_parts(5, vec![[0; 32]]).is_err());
        assert!(CompactRange::from_parts(5, vec![[0; 32]; 2]).is_ok());
        assert!(CompactRange::from_parts(u64::MAX, vec![[0; 32]; 63]).is_err());
    }

    #[test]
    fn a_full_range_refuses_to_grow_without_panicking() {
        let u = Uniform::new();
        let peaks: Vec<Hash> = (0..64).rev().map(|l| u.0[l]).collect();
        let mut cr = CompactRange::from_parts(u64::MAX, peaks).unwrap();
        assert_eq!(cr.root(), root_at(&u, u64::MAX).unwrap());
        let before = cr.clone();
        assert!(cr.append([7; 32]).is_empty());
        assert!(cr.try_append([7; 32]).is_err());
        assert_eq!(cr, before);

        let mut almost =
            CompactRange::from_parts(u64::MAX - 1, (1..64).rev().map(|l| u.0[l]).collect())
                .unwrap();
        let done = almost.append(u.0[0]);
        assert_eq!(done, vec![(0, u64::MAX - 1, u.0[0])]);
        assert_eq!(almost, cr);
    }

    #[test]
    fn huge_trees_prove_and_verify() {
        let u = Uniform::new();
        let leaf = u.0[0];
        for size in [
            u64::MAX,
            u64::MAX - 1,
            1 << 63,
            (1 << 63) + 1,
            (1 << 40) + 12345,
        ] {
            let root = root_at(&u, size).unwrap();
            for index in [0, 1, size / 2, size - 2, size - 1] {
                let proof = inclusion_proof(&u, index, size).unwrap();
                assert!(proof.len() as u32 <= ceil_log2(size));
                assert_eq!(verify_inclusion(&leaf, index, size, &proof, &root), Ok(()));
            }
            for size1 in [1, 2, 3, size / 3, size - 1, size] {
                let proof = consistency_proof(&u, size1, size).unwrap();
                assert!(proof.len() as u32 <= ceil_log2(size) + 1);
                let root1 = root_at(&u, size1).unwrap();
                assert_eq!(
                    verify_consistency(size1, size, &root1, &root, &proof),
                    Ok(())
                );
            }
        }
    }

    #[test]
    fn edge_cases_are_errors() {
        let tree = MemTree::new(leaves_from(2, 10));
        let root = root_at(&tree, 10).unwrap();
        let leaf = tree.leaves[0];
        // Generation.
        assert!(inclusion_proof(&tree, 10, 10).is_err());
        assert!(inclusion_proof(&tree, 0, 0).is_err());
        assert!(
            inclusion_proof(&tree, 0, 11).is_err(),
            "beyond what the source holds"
        );
        assert!(consistency_proof(&tree, 0, 5).is_err());
        assert!(consistency_proof(&tree, 0, 0).is_err());
        assert!(consistency_proof(&tree, 6, 5).is_err());
        assert_eq!(consistency_proof(&tree, 5, 5), Ok(vec![]));
        assert!(root_at(&tree, 11).is_err());
        assert_eq!(root_at(&tree, 0), Ok(empty_root()));
        // subtree_hash only takes ranges the recursion visits.
        assert!(subtree_hash(&tree, 5, 4).is_err());
        assert!(subtree_hash(&tree, 1, 3).is_err());
        assert!(subtree_hash(&tree, 2, 5).is_err());
        assert!(subtree_hash(&tree, 4, 7).is_ok());
        assert_eq!(
            subtree_hash(&tree, 8, 10),
            Ok(naive_mth(&tree.leaves[8..10]))
        );
        assert!(subtree_hash(&Uniform::new(), 1, u64::MAX).is_err());
        assert!(subtree_hash(&Uniform::new(), 1 << 63, u64::MAX).is_ok());
        // Inclusion verification.
        assert!(verify_inclusion(&leaf, 10, 10, &[], &root).is_err());
        assert!(verify_inclusion(&leaf, 0, 0, &[], &empty_root()).is_err());
        assert!(verify_inclusion(&leaf, u64::MAX, u64::MAX, &[], &root).is_err());
        assert_eq!(verify_inclusion(&leaf, 0, 1, &[], &leaf), Ok(()));
        assert!(verify_inclusion(&leaf, 0, 1, &[leaf], &leaf).is_err());
        // Consistency verification.
        assert!(verify_consistency(0, 0, &root, &root, &[]).is_err());
        assert!(verify_consistency(0, 0, &empty_root(), &empty_root(), &[]).is_err());
        assert!(verify_consistency(0, 10, &empty_root(), &root, &[]).is_err());
        assert!(verify_consistency(11, 10, &root, &root, &[]).is_err());
        assert_eq!(verify_consistency(10, 10, &root, &root, &[]), Ok(()));
        assert!(verify_consistency(10, 10, &root, &root, &[root]).is_err());
        assert!(verify_consistency(10, 10, &root, &leaf, &[]).is_err());
        assert!(verify_consistency(5, 10, &root, &root, &[]).is_err());
    }

    #[test]
    fn exhaustive_small_trees() {
        // Every (index, size) and (size1, size2) pair up to 70 leaves: covers all shapes of
        // the first six levels, including every power of two and its neighbours.
        let tree = MemTree::new(leaves_from(0, 70));
        for size in 1..=70u64 {
            for index in 0..size {
                check_inclusion(&tree, index, size);
            }
            for size1 in 1..=size {
                let other = altered(&tree.leaves, (size1 - 1) as usize);
                check_consistency(&tree, &other, size1, size);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// (a) CompactRange::root() is the naive MTH after every append, and (b) root_at(size)
        /// is the naive MTH of the first `size` leaves, with one node() call per peak.
        #[test]
        fn roots_match_the_definition(seed in any::<u64>(), n in 1usize..300) {
            let leaves = leaves_from(seed, n);
            let tree = MemTree::new(leaves.clone());
            let mut cr = CompactRange::new();
            for (i, leaf) in leaves.iter().enumerate() {
                cr.append(*leaf);
                let want = tree.roots[i + 1];
                prop_assert_eq!(cr.root(), want);
                prop_assert_eq!(cr.peaks().len() as u32, cr.size().count_ones());
                tree.take_calls();
                prop_assert_eq!(root_at(&tree, i as u64 + 1), Ok(want));
                prop_assert_eq!(tree.take_calls(), u64::from((i as u64 + 1).count_ones()));
            }
            prop_assert_eq!(cr.root(), naive_mth(&leaves));
        }

        /// (c) Every inclusion proof in the full tree and in one earlier version verifies, and
        /// fails with any proof hash, the index or the leaf changed.
        #[test]
        fn inclusion_proofs_verify(seed in any::<u64>(), n in 1usize..300, cut in any::<u64>()) {
            let tree = MemTree::new(leaves_from(seed, n));
            let earlier = 1 + cut % n as u64;
            for size in [n as u64, earlier] {
                for index in 0..size {
                    check_inclusion(&tree, index, size);
                }
            }
        }

        /// (d) Every consistency proof into the full tree and into one earlier version
        /// verifies, and fails with a proof hash changed or root1 from a different tree.
        #[test]
        fn consistency_proofs_verify(
            seed in any::<u64>(),
            n in 1usize..300,
            cut in any::<u64>(),
            at in any::<u64>(),
        ) {
            let tree = MemTree::new(leaves_from(seed, n));
            let earlier = 1 + cut % n as u64;
            for size2 in [n as u64, earlier] {
                for size1 in 1..=size2 {
                    let other = altered(&tree.leaves, (at % size1) as usize);
                    check_consistency(&tree, &other, size1, size2);
                }
            }
        }

        /// Arbitrary sizes, indices and proofs never panic, and random proofs do not verify.
        #[test]
        fn verifiers_never_panic(
            a in any::<u64>(),
            b in any::<u64>(),
            small in 0u64..70,
            hashes in proptest::collection::vec(any::<[u8; 32]>(), 0..70),
            leaf in any::<[u8; 32]>(),
            root in any::<[u8; 32]>(),
        ) {
            for (x, y) in [(a, b), (b, a), (small, b), (a, small), (small, small + 1)] {
                prop_assert!(verify_inclusion(&leaf, x, y, &hashes, &root).is_err());
                if x != y || !hashes.is_empty() {
                    prop_assert!(verify_consistency(x, y, &leaf, &root, &hashes).is_err());
                }
                let u = Uniform::new();
                let _ = subtree_hash(&u, x, y);
                let _ = inclusion_proof(&u, x, y);
                let _ = consistency_proof(&u, x, y);
            }
        }
    }
}
