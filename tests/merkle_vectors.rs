//! Runs the RFC 6962 proof test vectors of transparency-dev/merkle (copied under
//! tests/data/rfc6962-vectors) through `verify_inclusion` and `verify_consistency`: each must
//! fail exactly when the vector says `wantErr`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use auditlog::model::merkle::{Hash, verify_consistency, verify_inclusion};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// What the copy holds (see the README beside it): (files, of which wantErr is false).
const INCLUSION_FILES: (usize, usize) = (98, 6);
const CONSISTENCY_FILES: (usize, usize) = (98, 6);

fn vectors_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/rfc6962-vectors")
        .join(kind)
}

/// Every `.json` file under `dir`, recursively, sorted so failures are listed stably.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn bytes(v: &Value, field: &str) -> Vec<u8> {
    let s = v[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} is not a string"));
    B64.decode(s).unwrap()
}

fn number(v: &Value, field: &str) -> u64 {
    v[field]
        .as_u64()
        .unwrap_or_else(|| panic!("{field} is not a u64"))
}

/// A hash the verifier hashes further (leaf hash, proof node). The vectors also hold values
/// that are not 32 bytes ("" or garbage); they cannot be passed as `Hash`, so such a call is
/// rejected before the verifier runs, as transparency-dev/merkle rejects a leaf hash of the
/// wrong size (and a wrong-size proof node could only yield a mismatching root there).
fn hashed_input(raw: &[u8]) -> Option<Hash> {
    raw.try_into().ok()
}

/// A root, which the verifier only compares. The vectors use placeholders like
/// "don't care 2" and expect equal placeholders to compare equal (sizes-are-equal-one-and-
/// proof-is-empty), so a non-32-byte value becomes a stand-in that equals only the stand-in
/// of the same bytes and, being a tagged digest, no root any proof computes.
fn root_input(raw: &[u8]) -> Hash {
    match raw.try_into() {
        Ok(h) => h,
        Err(_) => {
            let mut h = Sha256::new();
            h.update(b"merkle_vectors: not a 32-byte root: ");
            h.update(raw);
            h.finalize().into()
        }
    }
}

/// `proof` is an array of base64 hashes, or null for none.
fn proof(v: &Value) -> Option<Vec<Hash>> {
    match &v["proof"] {
        Value::Null => Some(Vec::new()),
        Value::Array(items) => items
            .iter()
            .map(|p| hashed_input(&B64.decode(p.as_str().unwrap()).unwrap()))
            .collect(),
        other => panic!("proof is {other}"),
    }
}

fn run_inclusion(v: &Value) -> Result<(), String> {
    let leaf = hashed_input(&bytes(v, "leafHash")).ok_or("leafHash is not 32 bytes")?;
    let proof = proof(v).ok_or("a proof hash is not 32 bytes")?;
    let root = root_input(&bytes(v, "root"));
    verify_inclusion(
        &leaf,
        number(v, "leafIdx"),
        number(v, "treeSize"),
        &proof,
        &root,
    )
}

fn run_consistency(v: &Value) -> Result<(), String> {
    let proof = proof(v).ok_or("a proof hash is not 32 bytes")?;
    let root1 = root_input(&bytes(v, "root1"));
    let root2 = root_input(&bytes(v, "root2"));
    verify_consistency(
        number(v, "size1"),
        number(v, "size2"),
        &root1,
        &root2,
        &proof,
    )
}

/// Runs every vector of one kind, returns (files, files with wantErr false), and fails with
/// the list of every vector whose outcome disagrees.
fn check_all(kind: &str, run: fn(&Value) -> Result<(), String>) -> (usize, usize) {
    let files = json_files(&vectors_dir(kind));
    let mut positive = 0;
    let mut wrong = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        let want_err = v["wantErr"].as_bool().expect("wantErr is a boolean");
        if !want_err {
            positive += 1;
        }
        let got = run(&v);
        if got.is_err() != want_err {
            wrong.push(format!(
                "{}: wantErr {want_err}, got {got:?}",
                path.display()
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} vectors disagree:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    (files.len(), positive)
}

#[test]
fn inclusion_vectors() {
    assert_eq!(check_all("inclusion", run_inclusion), INCLUSION_FILES);
}

#[test]
fn consistency_vectors() {
    assert_eq!(check_all("consistency", run_consistency), CONSISTENCY_FILES);
}
