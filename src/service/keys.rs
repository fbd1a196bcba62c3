//! API key secrets: generation, checksum, hashing, constant-time comparison.
//!
//! A key looks like `alk_` + 48 hex digits (192 random bits) + 8 hex digits of CRC-32 over
//! everything before it. The prefix makes leaked keys easy to scan for; the checksum lets us
//! reject typos and junk without touching the database. Only SHA-256 of the key is stored.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub const KEY_PREFIX: &str = "alk_";
const RANDOM_BYTES: usize = 24;
const KEY_LEN: usize = KEY_PREFIX.len() + RANDOM_BYTES * 2 + 8;

pub struct GeneratedKey {
    pub secret: String,
    pub secret_hash: [u8; 32],
    /// The first 12 characters: shown in key listings.
    pub display_prefix: String,
}

fn checksum(body: &str) -> String {
    format!("{:08x}", crc32fast::hash(body.as_bytes()))
}

pub fn generate() -> Result<GeneratedKey, String> {
    let mut raw = [0u8; RANDOM_BYTES];
    getrandom::fill(&mut raw).map_err(|e| format!("no randomness available: {e}"))?;
    let body = format!("{KEY_PREFIX}{}", hex::encode(raw));
    let secret = format!("{body}{}", checksum(&body));
    Ok(GeneratedKey {
        secret_hash: hash_secret(&secret),
        display_prefix: secret[..12].to_string(),
        secret,
    })
}

/// Whether `key` has our shape and a valid checksum.
pub fn well_formed(key: &str) -> bool {
    if key.len() != KEY_LEN || !key.starts_with(KEY_PREFIX) {
        return false;
    }
    let (body, sum) = key.split_at(KEY_LEN - 8);
    body[KEY_PREFIX.len()..]
        .bytes()
        .all(|b| b.is_ascii_hexdigit())
        && checksum(body) == sum
}

pub fn hash_secret(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

pub fn hashes_equal(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.ct_eq(b).into()
}

/// A fresh public identifier for a key (`key_` + ULID), safe to log and show.
pub fn new_key_id() -> String {
    format!("key_{}", crate::model::new_ulid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_well_formed_and_unique() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert!(well_formed(&a.secret));
        assert_ne!(a.secret, b.secret);
        assert_eq!(a.secret_hash, hash_secret(&a.secret));
        assert!(a.secret.starts_with(&a.display_prefix));
    }

    #[test]
    fn typos_fail_the_checksum() {
        let k = generate().unwrap().secret;
        let mut bytes = k.into_bytes();
        let i = 10;
        bytes[i] = if bytes[i] == b'a' { b'b' } else { b'a' };
        assert!(!well_formed(&String::from_utf8(bytes).unwrap()));
        assert!(!well_formed("alk_"));
        assert!(!well_formed("Bearer something"));
    }
}
