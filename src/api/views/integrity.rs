//! Public keys, checkpoints, proofs, the retention cut, verification, and the org's
//! retention settings.

use serde::Serialize;
use utoipa::ToSchema;

use crate::model::checkpoint::NoteVerifier;
use crate::model::time::format_micros;
use crate::service::integrity::{VerifyReport, b64};
use crate::service::{ConsistencyAnswer, InclusionAnswer, RetentionSettings};
use crate::store::{PurgeState, SigningKeyInfo, StoredCheckpoint};

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicKeys {
    pub keys: Vec<PublicKey>,
}

impl From<&[SigningKeyInfo]> for PublicKeys {
    fn from(keys: &[SigningKeyInfo]) -> Self {
        PublicKeys {
            keys: keys.iter().map(PublicKey::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicKey {
    pub key_id: String,
    pub name: String,
    #[schema(value_type = String)]
    pub algorithm: &'static str,
    /// Base64.
    pub public_key: String,
    /// The C2SP verifier key `<name>+<hash>+<base64 key>`.
    pub verifier_key: String,
    pub valid_from: String,
    pub valid_until: Option<String>,
}

impl From<&SigningKeyInfo> for PublicKey {
    fn from(k: &SigningKeyInfo) -> Self {
        let verifier = NoteVerifier {
            name: k.name.clone(),
            key: k.public_key,
        };
        PublicKey {
            key_id: k.key_id.clone(),
            name: k.name.clone(),
            algorithm: "ed25519",
            public_key: b64(&k.public_key),
            verifier_key: verifier.vkey(),
            valid_from: format_micros(k.created_at),
            valid_until: k.retired_at.map(format_micros),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckpointView {
    pub tree_size: u64,
    /// Base64 root hash.
    pub root: String,
    pub time: String,
    pub key_id: String,
    /// The C2SP signed note.
    pub note: String,
}

impl From<&StoredCheckpoint> for CheckpointView {
    fn from(c: &StoredCheckpoint) -> Self {
        CheckpointView {
            tree_size: c.tree_size,
            root: b64(&c.root),
            time: format_micros(c.time),
            key_id: c.key_id.clone(),
            note: c.note.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckpointList {
    /// Newest first.
    pub checkpoints: Vec<CheckpointView>,
}

impl From<&[StoredCheckpoint]> for CheckpointList {
    fn from(list: &[StoredCheckpoint]) -> Self {
        CheckpointList {
            checkpoints: list.iter().map(CheckpointView::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InclusionProof {
    pub event_id: String,
    pub seq: u64,
    pub leaf_index: u64,
    pub tree_size: u64,
    pub leaf_hash: String,
    pub proof: Vec<String>,
}

impl From<&InclusionAnswer> for InclusionProof {
    fn from(a: &InclusionAnswer) -> Self {
        InclusionProof {
            event_id: a.event_id.clone(),
            seq: a.seq,
            leaf_index: a.leaf_index,
            tree_size: a.tree_size,
            leaf_hash: b64(&a.leaf_hash),
            proof: a.proof.iter().map(b64).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsistencyProof {
    pub from: u64,
    pub to: u64,
    pub proof: Vec<String>,
}

impl From<&ConsistencyAnswer> for ConsistencyProof {
    fn from(a: &ConsistencyAnswer) -> Self {
        ConsistencyProof {
            from: a.from,
            to: a.to,
            proof: a.proof.iter().map(b64).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyResult {
    pub ok: bool,
    pub events: u64,
    pub checkpoints: u64,
    pub first_broken_seq: Option<u64>,
    pub problem: Option<String>,
    pub summary: String,
}

impl From<&VerifyReport> for VerifyResult {
    fn from(r: &VerifyReport) -> Self {
        VerifyResult {
            ok: r.ok(),
            events: r.events,
            checkpoints: r.checkpoints,
            first_broken_seq: r.problem.as_ref().map(|(s, _)| *s),
            problem: r.problem.as_ref().map(|(_, m)| m.clone()),
            summary: r.summary(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionCut {
    pub cut_seq: u64,
    /// Hex.
    pub prev_hash: String,
    /// Base64 Merkle peaks.
    pub peaks: Vec<String>,
}

impl From<&PurgeState> for RetentionCut {
    fn from(p: &PurgeState) -> Self {
        RetentionCut {
            cut_seq: p.cut_seq,
            prev_hash: hex::encode(p.prev_hash),
            peaks: p.peaks.iter().map(b64).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Settings {
    #[schema(value_type = Option<u64>, minimum = 1, maximum = 4294967295_u64)]
    pub retention_days: Option<u32>,
    pub legal_hold: bool,
    #[schema(value_type = Option<u64>, minimum = 1, maximum = 4294967295_u64)]
    pub effective_retention_days: Option<u32>,
}

impl From<&RetentionSettings> for Settings {
    fn from(s: &RetentionSettings) -> Self {
        Settings {
            retention_days: s.retention_days,
            legal_hold: s.legal_hold,
            effective_retention_days: s.effective_retention_days,
        }
    }
}
