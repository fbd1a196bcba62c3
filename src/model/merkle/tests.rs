//! Tests of the Merkle tree: known hashes, every proof of every small tree checked against a
//! naive RFC 6962 definition, huge sizes, edge cases, and property tests of roots, proofs and
//! verifiers.

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
fn complete_roots_are_subtree_roots() {
    for n in [1usize, 2, 4, 8, 16] {
        let leaves = leaves_from(n as u64, n);
        assert_eq!(
            complete_root(leaves.clone()),
            Some(naive_mth(&leaves)),
            "{n}"
        );
    }
    for n in [0usize, 3, 5, 6, 7, 12] {
        assert_eq!(complete_root(leaves_from(1, n)), None, "{n}");
    }
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
        CompactRange::from_parts(u64::MAX - 1, (1..64).rev().map(|l| u.0[l]).collect()).unwrap();
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
