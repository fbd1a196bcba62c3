//! The integrity parsers: checkpoint bodies and signed notes (`model/checkpoint.rs`),
//! verifier keys, exported lines (`check_line`), retention cuts, and proof verification
//! with arbitrary hashes and sizes. Never panics; a body that parses re-renders to itself.
#![no_main]

use auditlog::model::checkpoint::{Checkpoint, NoteVerifier, open};
use auditlog::model::merkle::{Hash, verify_consistency, verify_inclusion};
use auditlog::service::integrity::{check_line, cut_from_json, unb64};
use libfuzzer_sys::fuzz_target;

fn hashes(data: &[u8]) -> Vec<Hash> {
    data.chunks_exact(32)
        .map(|c| c.try_into().unwrap_or([0; 32]))
        .collect()
}

fn u64_at(data: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    for (i, x) in data.iter().skip(at).take(8).enumerate() {
        b[i] = *x;
    }
    u64::from_le_bytes(b)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(cp) = Checkpoint::parse_body(&text)
        && text.lines().count() == 4
        && text.lines().nth(3).is_some_and(|l| l.starts_with("time "))
    {
        // canonical bodies survive a round trip
        let again = Checkpoint::parse_body(&cp.body()).expect("a rendered body parses");
        assert_eq!(again, cp);
    }
    let verifier = NoteVerifier {
        name: "auditlog".into(),
        key: [7; 32],
    };
    let _ = open(&text, std::slice::from_ref(&verifier));
    let _ = NoteVerifier::parse_vkey(&text);
    let _ = check_line(&text);
    let _ = unb64(&text);
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
        let _ = cut_from_json(&v);
    }
    // proofs: the first 16 bytes are sizes, the rest hashes
    let (a, b) = (u64_at(data, 0) % 4096, u64_at(data, 8) % 4096);
    let hs = hashes(data.get(16..).unwrap_or(&[]));
    if let Some((first, rest)) = hs.split_first() {
        let root = rest.first().copied().unwrap_or([0; 32]);
        let _ = verify_inclusion(first, a, b, rest, &root);
        let _ = verify_consistency(a, b, first, &root, rest);
    }
});
