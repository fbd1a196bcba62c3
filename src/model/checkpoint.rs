//! Signed checkpoints in the C2SP signed-note "checkpoint" format
//! (<https://c2sp.org/tlog-checkpoint>, <https://c2sp.org/signed-note>):
//!
//! ```text
//! auditlog/acme                          origin: the log's name and the org
//! 4711                                   tree size
//! 7Q4pPx0...=                            root hash, base64
//! time 2026-11-22T02:30:00.000000Z       extension line: when it was signed
//!
//! — auditlog <base64(key hash[4] || Ed25519 signature[64])>
//! ```
//!
//! The signature covers the body (the lines before the blank line, each ending in `\n`).
//! The key hash is the first 4 bytes of SHA-256(key name || "\n" || 0x01 || public key),
//! so any signed-note verifier can check our checkpoints.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::merkle::Hash;
use super::time::{format_micros, parse_rfc3339_micros};

const ALG_ED25519: u8 = 0x01;
const SIG_PREFIX: &str = "\u{2014} ";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// When it was signed, microseconds.
    pub time: i64,
}

impl Checkpoint {
    /// The signed body, each line ending in a newline.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\ntime {}\n",
            self.origin,
            self.size,
            B64.encode(self.root),
            format_micros(self.time)
        )
    }

    pub fn parse_body(body: &str) -> Result<Checkpoint, String> {
        let lines: Vec<&str> = body
            .strip_suffix('\n')
            .ok_or("body must end in a newline")?
            .split('\n')
            .collect();
        if lines.len() < 3 {
            return Err("a checkpoint has at least origin, size and root lines".into());
        }
        let origin = lines[0].to_string();
        if origin.is_empty() {
            return Err("empty origin".into());
        }
        let size: u64 = lines[1]
            .parse()
            .map_err(|_| format!("bad tree size {:?}", lines[1]))?;
        let root_bytes = B64
            .decode(lines[2])
            .map_err(|_| "root is not base64".to_string())?;
        let root: Hash = root_bytes
            .try_into()
            .map_err(|_| "root is not 32 bytes".to_string())?;
        let time = lines
            .iter()
            .skip(3)
            .find_map(|l| l.strip_prefix("time "))
            .map(parse_rfc3339_micros)
            .transpose()?
            .unwrap_or(0);
        Ok(Checkpoint {
            origin,
            size,
            root,
            time,
        })
    }
}

/// A public key that signs notes, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteVerifier {
    pub name: String,
    pub key: [u8; 32],
}

impl NoteVerifier {
    pub fn key_hash(&self) -> [u8; 4] {
        key_hash(&self.name, &self.key)
    }

    /// The C2SP verifier key string: `<name>+<key hash hex>+<base64(0x01 || key)>`.
    pub fn vkey(&self) -> String {
        let mut k = vec![ALG_ED25519];
        k.extend_from_slice(&self.key);
        format!(
            "{}+{}+{}",
            self.name,
            hex::encode(self.key_hash()),
            B64.encode(k)
        )
    }

    pub fn parse_vkey(s: &str) -> Result<NoteVerifier, String> {
        let mut parts = s.trim().splitn(3, '+');
        let (Some(name), Some(hash), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err("a verifier key looks like <name>+<hash>+<base64 key>".into());
        };
        let raw = B64
            .decode(key)
            .map_err(|_| "verifier key is not base64".to_string())?;
        if raw.len() != 33 || raw[0] != ALG_ED25519 {
            return Err("verifier key is not an Ed25519 key".into());
        }
        let mut k = [0u8; 32];
        k.copy_from_slice(&raw[1..]);
        let v = NoteVerifier {
            name: name.to_string(),
            key: k,
        };
        if hex::encode(v.key_hash()) != hash {
            return Err("verifier key hash does not match its name and key".into());
        }
        Ok(v)
    }
}

pub fn key_hash(name: &str, key: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([ALG_ED25519]);
    h.update(key);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// Signs a checkpoint: the body, a blank line, one signature line.
pub fn sign(cp: &Checkpoint, name: &str, key: &SigningKey) -> String {
    let body = cp.body();
    let sig = key.sign(body.as_bytes());
    let mut blob = key_hash(name, &key.verifying_key().to_bytes()).to_vec();
    blob.extend_from_slice(&sig.to_bytes());
    format!("{body}\n{SIG_PREFIX}{name} {}\n", B64.encode(blob))
}

/// Opens a signed checkpoint with any of `verifiers`: the checkpoint and the verifier that
/// signed it, or why not.
pub fn open<'a>(
    note: &str,
    verifiers: &'a [NoteVerifier],
) -> Result<(Checkpoint, &'a NoteVerifier), String> {
    let (body, sigs) = note
        .split_once("\n\n")
        .ok_or("not a signed note: no blank line")?;
    let body = format!("{body}\n");
    let mut saw_known = false;
    for line in sigs.lines().filter(|l| !l.is_empty()) {
        let rest = line.strip_prefix(SIG_PREFIX).ok_or("bad signature line")?;
        let (name, b64) = rest.split_once(' ').ok_or("bad signature line")?;
        let blob = B64
            .decode(b64)
            .map_err(|_| "signature is not base64".to_string())?;
        if blob.len() != 68 {
            continue;
        }
        for v in verifiers
            .iter()
            .filter(|v| v.name == name && v.key_hash()[..] == blob[..4])
        {
            saw_known = true;
            let key = VerifyingKey::from_bytes(&v.key).map_err(|e| e.to_string())?;
            let sig = Signature::from_slice(&blob[4..]).map_err(|e| e.to_string())?;
            if key.verify_strict(body.as_bytes(), &sig).is_ok() {
                return Ok((Checkpoint::parse_body(&body)?, v));
            }
        }
    }
    Err(if saw_known {
        "the signature does not verify: the checkpoint was altered or signed by another key".into()
    } else {
        "no signature by a known key".into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    #[test]
    fn sign_open_round_trip_and_tamper() {
        let k = key(7);
        let v = NoteVerifier {
            name: "auditlog".into(),
            key: k.verifying_key().to_bytes(),
        };
        let cp = Checkpoint {
            origin: "auditlog/acme".into(),
            size: 42,
            root: [9; 32],
            time: 1_700_000_000_000_000,
        };
        let note = sign(&cp, "auditlog", &k);
        let (opened, by) = open(&note, std::slice::from_ref(&v)).unwrap();
        assert_eq!(opened, cp);
        assert_eq!(by, &v);
        assert!(open(&note.replace("\n42\n", "\n43\n"), std::slice::from_ref(&v)).is_err());
        let other = NoteVerifier {
            name: "auditlog".into(),
            key: key(8).verifying_key().to_bytes(),
        };
        assert!(open(&note, &[other]).is_err());
        assert_eq!(NoteVerifier::parse_vkey(&v.vkey()).unwrap(), v);
        assert!(NoteVerifier::parse_vkey(&v.vkey().replace("auditlog+", "other+")).is_err());
    }
}
