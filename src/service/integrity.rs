//! Tamper evidence: the checkpoint signer, signed checkpoints, proofs, and verification of
//! an org's whole log (online, against the store) or of an export (offline).

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::SigningKey;
use serde_json::Value;

use super::ServiceError;
use crate::model::Org;
use crate::model::chain::{ChainLink, ZERO_HASH, decode_hash, verify_body};
use crate::model::checkpoint::{self, Checkpoint, NoteVerifier};
use crate::model::merkle::{self, CompactRange, Hash};
use crate::model::time::now_micros;
use crate::store::{SigningKeyInfo, Store, StoredCheckpoint, VerifyRow};

/// The key that signs checkpoints, with the log's name (the key name and origin prefix).
#[derive(Clone)]
pub struct Signer {
    pub name: String,
    key: SigningKey,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signer({}, {})", self.name, self.key_id())
    }
}

impl Signer {
    pub fn new(name: &str, seed: [u8; 32]) -> Signer {
        Signer {
            name: name.to_string(),
            key: SigningKey::from_bytes(&seed),
        }
    }

    /// Reads the key seed (64 hex digits) from `path`, creating the file with a fresh
    /// random key (mode 0600) when it does not exist.
    pub fn load_or_create(name: &str, path: &Path) -> Result<Signer, String> {
        if !path.exists() {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).map_err(|e| format!("no randomness: {e}"))?;
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            let mut f = opts
                .open(path)
                .map_err(|e| format!("creating {}: {e}", path.display()))?;
            std::io::Write::write_all(&mut f, format!("{}\n", hex::encode(seed)).as_bytes())
                .map_err(|e| format!("writing {}: {e}", path.display()))?;
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        let mut seed = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut seed).map_err(|_| {
            format!(
                "{} must hold 64 hex digits (an Ed25519 seed)",
                path.display()
            )
        })?;
        Ok(Signer::new(name, seed))
    }

    pub fn verifier(&self) -> NoteVerifier {
        NoteVerifier {
            name: self.name.clone(),
            key: self.key.verifying_key().to_bytes(),
        }
    }

    pub fn key_id(&self) -> String {
        hex::encode(self.verifier().key_hash())
    }

    pub fn info(&self) -> SigningKeyInfo {
        SigningKeyInfo {
            key_id: self.key_id(),
            name: self.name.clone(),
            public_key: self.key.verifying_key().to_bytes(),
            created_at: now_micros(),
            retired_at: None,
        }
    }

    pub fn origin(&self, org: &Org) -> String {
        format!("{}/{}", self.name, org.slug)
    }

    pub fn sign(&self, org: &Org, size: u64, root: Hash) -> StoredCheckpoint {
        let cp = Checkpoint {
            origin: self.origin(org),
            size,
            root,
            time: now_micros(),
        };
        StoredCheckpoint {
            tree_size: size,
            root,
            time: cp.time,
            key_id: self.key_id(),
            note: checkpoint::sign(&cp, &self.name, &self.key),
        }
    }
}

/// Every verifier key the store knows (current and retired).
pub async fn verifiers(store: &dyn Store) -> Result<Vec<NoteVerifier>, ServiceError> {
    Ok(store
        .signing_keys()
        .await?
        .into_iter()
        .map(|k| NoteVerifier {
            name: k.name,
            key: k.public_key,
        })
        .collect())
}

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub events: u64,
    pub checkpoints: u64,
    /// The first problem: the seq it concerns and what is wrong.
    pub problem: Option<(u64, String)>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problem.is_none()
    }

    pub fn summary(&self) -> String {
        match &self.problem {
            None => format!(
                "ok: {} event{}, hash chain intact, {} signed checkpoint{} the Merkle tree",
                self.events,
                if self.events == 1 { "" } else { "s" },
                self.checkpoints,
                if self.checkpoints == 1 {
                    " matches"
                } else {
                    "s match"
                },
            ),
            Some((seq, what)) => format!("FAILED at seq {seq}: {what}"),
        }
    }
}

/// Checks events one by one, in seq order: body hash, gapless seq, chain links, and the
/// Merkle tree against every checkpoint as the tree reaches its size.
pub struct Verifier {
    prev: Hash,
    expected: u64,
    tree: CompactRange,
    /// Checkpoints not reached yet, smallest size last.
    pending: Vec<Checkpoint>,
    checked: u64,
}

impl Verifier {
    /// `checkpoints` must already be opened (signatures checked).
    pub fn new(mut checkpoints: Vec<Checkpoint>) -> Verifier {
        checkpoints.sort_by_key(|c| std::cmp::Reverse(c.size));
        Verifier {
            prev: ZERO_HASH,
            expected: 1,
            tree: CompactRange::new(),
            pending: checkpoints,
            checked: 0,
        }
    }

    fn check_checkpoints(&mut self) -> Result<(), (u64, String)> {
        while let Some(cp) = self.pending.last() {
            if cp.size > self.tree.size() {
                break;
            }
            if cp.size == self.tree.size() {
                if cp.root != self.tree.root() {
                    return Err((
                        cp.size,
                        format!(
                            "the Merkle root of events 1..={} differs from the signed checkpoint at tree size {}: an event at or before seq {} was changed, removed or inserted",
                            cp.size, cp.size, cp.size
                        ),
                    ));
                }
                self.checked += 1;
            }
            self.pending.pop();
        }
        Ok(())
    }

    /// Feeds the next event's stored body.
    pub fn push(&mut self, body: &str) -> Result<(), (u64, String)> {
        let link = verify_body(body).map_err(|e| (self.expected, e))?;
        self.push_link(&link, merkle::leaf_hash(body.as_bytes()))
    }

    /// Feeds the next event, already hashed.
    pub fn push_link(&mut self, link: &ChainLink, leaf: Hash) -> Result<(), (u64, String)> {
        if self.expected == 1 {
            self.check_checkpoints()?; // a checkpoint at size 0
        }
        let seq = self.expected;
        if link.seq != seq {
            return Err((
                seq,
                format!(
                    "expected seq {seq}, found seq {} (missing, inserted or reordered events)",
                    link.seq
                ),
            ));
        }
        if link.prev_hash != self.prev {
            return Err((
                seq,
                "prev_hash does not match the hash of the previous event".into(),
            ));
        }
        self.tree.append(leaf);
        self.prev = link.hash;
        self.expected += 1;
        self.check_checkpoints()
    }

    /// After the last event: every checkpoint must have been reached.
    pub fn finish(mut self) -> VerifyReport {
        let events = self.expected - 1;
        let problem = self.pending.pop().map(|cp| {
            (
                events + 1,
                format!(
                    "a signed checkpoint covers {} events but the log holds {events}: events after seq {events} were removed",
                    cp.size
                ),
            )
        });
        VerifyReport {
            events,
            checkpoints: self.checked,
            problem,
        }
    }

    pub fn events(&self) -> u64 {
        self.expected - 1
    }

    /// Starts after a retention cut: the chain and tree state at `cut`. Checkpoints at or
    /// below the cut must be checked separately (their leaves are gone).
    pub fn resume(&mut self, cut: u64, prev: Hash, tree: CompactRange) {
        self.expected = cut + 1;
        self.prev = prev;
        self.tree = tree;
        self.pending.retain(|c| c.size > cut);
    }
}

/// The indexed columns of a row must say what its body says.
fn columns_match(row: &VerifyRow) -> Result<(), String> {
    let v: Value = serde_json::from_str(&row.body).map_err(|e| format!("body is not JSON: {e}"))?;
    let s = |p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_string);
    let mut wrong = Vec::new();
    if s("/id").as_deref() != Some(row.id.as_str()) {
        wrong.push("id");
    }
    if s("/action").as_deref() != Some(row.action.as_str()) {
        wrong.push("action");
    }
    if s("/entity/id").as_deref() != Some(row.entity_id.as_str()) {
        wrong.push("entity_id");
    }
    if s("/actor/type").as_deref() != Some(row.actor_type.as_str()) {
        wrong.push("actor_type");
    }
    if s("/actor/id") != row.actor_id {
        wrong.push("actor_id");
    }
    if s("/via/type") != row.via_type {
        wrong.push("via_type");
    }
    if s("/occurred_at").as_deref()
        != Some(crate::model::time::format_micros(row.occurred_at).as_str())
    {
        wrong.push("occurred_at");
    }
    if s("/hash").map(|h| hex::decode(h).unwrap_or_default()) != Some(row.hash.clone()) {
        wrong.push("hash");
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "stored column(s) {} disagree with the event body",
            wrong.join(", ")
        ))
    }
}

/// Opens every stored checkpoint with the known keys; the first bad one is a problem.
pub fn open_checkpoints(
    stored: &[StoredCheckpoint],
    verifiers: &[NoteVerifier],
    origin: &str,
) -> Result<Vec<Checkpoint>, (u64, String)> {
    let mut out = Vec::with_capacity(stored.len());
    for s in stored {
        let (cp, _) = checkpoint::open(&s.note, verifiers).map_err(|e| {
            (
                s.tree_size,
                format!("checkpoint at tree size {}: {e}", s.tree_size),
            )
        })?;
        if cp.size != s.tree_size || cp.root != s.root || cp.origin != origin {
            return Err((
                s.tree_size,
                format!(
                    "checkpoint at tree size {}: stored columns disagree with the signed note",
                    s.tree_size
                ),
            ));
        }
        out.push(cp);
    }
    Ok(out)
}

/// Verifies an org's whole log in the store. `progress` is called with the number of
/// events checked so far.
pub async fn verify_org(
    store: &dyn Store,
    org: &Org,
    log_name: &str,
    mut progress: impl FnMut(u64),
) -> Result<VerifyReport, ServiceError> {
    let verifiers = verifiers(store).await?;
    let stored = store.checkpoints(org, usize::MAX >> 1).await?;
    let origin = format!("{log_name}/{}", org.slug);
    let checkpoints = match open_checkpoints(&stored, &verifiers, &origin) {
        Ok(c) => c,
        Err(problem) => {
            return Ok(VerifyReport {
                events: 0,
                checkpoints: 0,
                problem: Some(problem),
            });
        }
    };
    let count = checkpoints.len() as u64;
    // after a retention cut: the state at the cut, and the checkpoints it covers checked
    // against the tree nodes kept for them
    let cut = store.purge_state(org).await?;
    let mut early_ok = 0u64;
    if let Some(p) = &cut {
        let tree = match CompactRange::from_parts(p.cut_seq, p.peaks.clone()) {
            Ok(t) => t,
            Err(e) => {
                return Ok(VerifyReport {
                    events: 0,
                    checkpoints: 0,
                    problem: Some((p.cut_seq, format!("retention state: {e}"))),
                });
            }
        };
        if store.root_at(org, p.cut_seq).await.ok() != Some(tree.root()) {
            return Ok(VerifyReport {
                events: 0,
                checkpoints: 0,
                problem: Some((
                    p.cut_seq,
                    "the tree state kept at the retention cut disagrees with the kept tree nodes"
                        .into(),
                )),
            });
        }
        for c in checkpoints.iter().filter(|c| c.size <= p.cut_seq) {
            if store.root_at(org, c.size).await.ok() != Some(c.root) {
                return Ok(VerifyReport {
                    events: 0,
                    checkpoints: 0,
                    problem: Some((
                        c.size,
                        format!(
                            "the signed checkpoint at tree size {} (before the retention cut) does not match the kept tree nodes",
                            c.size
                        ),
                    )),
                });
            }
            early_ok += 1;
        }
    }
    let mut v = Verifier::new(checkpoints);
    if let Some(p) = &cut {
        v.resume(
            p.cut_seq,
            p.prev_hash,
            CompactRange::from_parts(p.cut_seq, p.peaks.clone()).unwrap_or_default(),
        );
    }
    let mut next = cut.as_ref().map_or(1, |p| p.cut_seq + 1);
    loop {
        let rows = store.verify_rows(org, next, 5000).await?;
        let Some(last) = rows.last() else { break };
        next = last.seq + 1;
        for row in &rows {
            if row.seq != v.events() + 1 {
                let expected = v.events() + 1;
                return Ok(VerifyReport {
                    events: v.events(),
                    checkpoints: count,
                    problem: Some((
                        expected,
                        format!(
                            "seq {expected} is missing (the next stored event is seq {})",
                            row.seq
                        ),
                    )),
                });
            }
            if let Err(e) = columns_match(row) {
                return Ok(VerifyReport {
                    events: v.events(),
                    checkpoints: count,
                    problem: Some((row.seq, e)),
                });
            }
            if let Err(problem) = v.push(&row.body) {
                return Ok(VerifyReport {
                    events: v.events(),
                    checkpoints: count,
                    problem: Some(problem),
                });
            }
        }
        progress(v.events());
    }
    let mut r = v.finish();
    r.checkpoints += early_ok;
    Ok(r)
}

pub fn b64(h: &Hash) -> String {
    B64.encode(h)
}

pub fn unb64(s: &str) -> Result<Hash, String> {
    B64.decode(s)
        .map_err(|_| format!("{s:?} is not base64"))?
        .try_into()
        .map_err(|_| format!("{s:?} is not a 32-byte hash"))
}

#[derive(serde::Deserialize)]
struct LinkFields<'a> {
    seq: u64,
    #[serde(borrow)]
    prev_hash: &'a str,
    #[serde(borrow)]
    hash: &'a str,
}

/// Checks one exported line and returns its chain link and Merkle leaf. Fast path: an
/// exported line is the canonical body, so the hash preimage is the line without its
/// `"hash":"…",` member; if that does not hold (say, a tool re-serialized the line), the
/// line is checked the slow way: parsed and canonicalized (RFC 8785).
/// Errors: `(Some(seq), why)` for an event that fails its hash, `(None, why)` for a line
/// that is not an exported event at all.
pub fn check_line(line: &str) -> Result<(ChainLink, Hash), (Option<u64>, String)> {
    use sha2::{Digest, Sha256};
    let f: LinkFields<'_> =
        serde_json::from_str(line).map_err(|e| (None, format!("not an exported event: {e}")))?;
    let fast = (|| {
        let start = line.find("\"hash\":\"")?;
        let end = start + "\"hash\":\"".len() + 64 + 2; // closing quote and comma
        let member = line.get(start..end)?;
        if !member.ends_with("\",") || &member[8..72] != f.hash {
            return None;
        }
        let mut h = Sha256::new();
        h.update(&line.as_bytes()[..start]);
        h.update(&line.as_bytes()[end..]);
        let computed: Hash = h.finalize().into();
        (hex::encode(computed) == f.hash).then_some(computed)
    })();
    let link = match fast {
        Some(hash) => ChainLink {
            seq: f.seq,
            prev_hash: decode_hash(f.prev_hash)
                .ok_or_else(|| (Some(f.seq), "prev_hash is not 64 hex digits".to_string()))?,
            hash,
        },
        None => verify_body(line).map_err(|e| (Some(f.seq), e))?,
    };
    Ok((link, merkle::leaf_hash(line.as_bytes())))
}

/// Verifies an unfiltered NDJSON export with no server or database: hashes every line
/// (on every core), orders them by seq (exports are in time order), then walks the chain
/// and the Merkle tree and compares it with each (already opened) checkpoint. Memory:
/// about 100 bytes per event, not the lines.
pub fn verify_export(
    path: &Path,
    checkpoints: Vec<Checkpoint>,
    start: Option<&crate::store::PurgeState>,
    mut progress: impl FnMut(u64),
) -> Result<VerifyReport, String> {
    use std::io::BufRead;
    let f = std::fs::File::open(path).map_err(|e| format!("opening {}: {e}", path.display()))?;
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 16);
    let mut links: Vec<(ChainLink, Hash)> = Vec::new();
    // events whose own hash fails: (seq, why)
    let mut bad: Vec<(u64, String)> = Vec::new();
    let mut batch: Vec<String> = Vec::with_capacity(20_000);
    let mut line_no = 0u64;
    type Checked = Result<(ChainLink, Hash), (Option<u64>, String)>;
    let flush = |batch: &mut Vec<String>,
                 first_line: u64,
                 links: &mut Vec<(ChainLink, Hash)>,
                 bad: &mut Vec<(u64, String)>|
     -> Result<(), String> {
        let chunk = batch.len().div_ceil(threads).max(1);
        let results: Vec<Vec<Checked>> = std::thread::scope(|s| {
            let handles: Vec<_> = batch
                .chunks(chunk)
                .map(|lines| {
                    s.spawn(move || {
                        lines
                            .iter()
                            .map(|l| check_line(l))
                            .collect::<Vec<Checked>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        for (i, r) in results.into_iter().flatten().enumerate() {
            match r {
                Ok(l) => links.push(l),
                Err((Some(seq), why)) => bad.push((seq, why)),
                Err((None, why)) => return Err(format!("line {}: {why}", first_line + i as u64)),
            }
        }
        batch.clear();
        Ok(())
    };
    let mut first_line = 1u64;
    for line in std::io::BufReader::with_capacity(1 << 20, f).lines() {
        let mut line = line.map_err(|e| format!("reading line {}: {e}", line_no + 1))?;
        line_no += 1;
        if line.ends_with('\r') {
            line.pop();
        }
        if line.is_empty() {
            continue;
        }
        batch.push(line);
        if batch.len() == batch.capacity() {
            // a line that fails here is a tampered line: report it by its seq when we can
            flush(&mut batch, first_line, &mut links, &mut bad)?;
            first_line = line_no + 1;
            progress(links.len() as u64);
        }
    }
    flush(&mut batch, first_line, &mut links, &mut bad)?;
    links.sort_unstable_by_key(|(l, _)| l.seq);
    let first_bad = bad.into_iter().min_by_key(|(s, _)| *s);
    let count = checkpoints.len() as u64;
    let mut v = Verifier::new(checkpoints);
    if let Some(p) = start {
        // an export of a purged org starts after the cut: resume from the state kept there
        let tree = CompactRange::from_parts(p.cut_seq, p.peaks.clone())?;
        v.resume(p.cut_seq, p.prev_hash, tree);
    }
    let report_bad = |v: &Verifier| {
        first_bad
            .as_ref()
            .filter(|(s, _)| *s == v.events() + 1)
            .map(|(s, why)| VerifyReport {
                events: v.events(),
                checkpoints: count,
                problem: Some((*s, why.clone())),
            })
    };
    for (link, leaf) in &links {
        if let Some(r) = report_bad(&v) {
            return Ok(r);
        }
        if let Err(p) = v.push_link(link, *leaf) {
            return Ok(VerifyReport {
                events: v.events(),
                checkpoints: count,
                problem: Some(p),
            });
        }
    }
    // a line that failed its own hash is a problem wherever it sits
    if let Some((seq, why)) = first_bad {
        return Ok(VerifyReport {
            events: v.events(),
            checkpoints: count,
            problem: Some((seq, why)),
        });
    }
    Ok(v.finish())
}

/// The retention cut read back from the JSON of `GET /v1/integrity/retention-cut`
/// (`api::views::RetentionCut`), for `auditlog verify --after-cut`.
pub fn cut_from_json(v: &serde_json::Value) -> Result<crate::store::PurgeState, String> {
    let cut_seq = v["cut_seq"].as_u64().ok_or("no cut_seq")?;
    let prev_hash = v["prev_hash"]
        .as_str()
        .and_then(decode_hash)
        .ok_or("prev_hash is not 64 hex digits")?;
    let peaks = v["peaks"]
        .as_array()
        .ok_or("no peaks")?
        .iter()
        .map(|h| unb64(h.as_str().unwrap_or("")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(crate::store::PurgeState {
        cut_seq,
        prev_hash,
        peaks,
    })
}

#[cfg(test)]
mod tests {
    use super::VerifyReport;

    #[test]
    fn the_summary_counts_in_words_that_agree() {
        let report = |events, checkpoints| VerifyReport {
            events,
            checkpoints,
            problem: None,
        };
        assert_eq!(
            report(5, 1).summary(),
            "ok: 5 events, hash chain intact, 1 signed checkpoint matches the Merkle tree"
        );
        assert_eq!(
            report(1, 0).summary(),
            "ok: 1 event, hash chain intact, 0 signed checkpoints match the Merkle tree"
        );
        assert_eq!(
            report(1_000_000, 2).summary(),
            "ok: 1000000 events, hash chain intact, 2 signed checkpoints match the Merkle tree"
        );
        let failed = VerifyReport {
            problem: Some((7, "the hash does not match its body".into())),
            ..report(9, 1)
        };
        assert_eq!(
            failed.summary(),
            "FAILED at seq 7: the hash does not match its body"
        );
    }
}
