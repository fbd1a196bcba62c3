//! `auditlog verify` (an org in the database, or an export file offline) and
//! `auditlog verify-proof` (inclusion and consistency proofs against saved checkpoints).
//! Exit 0: everything holds. Exit 1: something does not, named on one line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use serde_json::Value;

use super::DbArgs;
use crate::model::checkpoint::{self, Checkpoint, NoteVerifier};
use crate::model::merkle;
use crate::service::Principal;
use crate::service::integrity::{VerifyReport, unb64};

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Verify this org's log in the database, by slug (every event, the hash chain, the
    /// Merkle tree and every signed checkpoint).
    #[arg(long, conflicts_with = "file")]
    pub org: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
    /// The log's name the checkpoints were signed with (the server's --log-name).
    #[arg(long, env = "AUDITLOG_LOG_NAME", default_value = crate::config::LOG_NAME)]
    pub log_name: String,
    /// Verify an NDJSON export file offline instead (no server, no database): made with
    /// `auditlog export --format ndjson --category all` and no other filter. Needs
    /// --public-key.
    #[arg(long, requires = "public_key")]
    pub file: Option<PathBuf>,
    /// With --file: the log's verifier key (`<name>+<hash>+<base64>`, a `verifier_key` of
    /// GET /v1/integrity/public-keys), or a file holding it. Repeat for rotated keys.
    #[arg(long)]
    pub public_key: Vec<String>,
    /// With --file: a file holding a signed checkpoint (the note text, or the JSON of GET
    /// /v1/integrity/checkpoints/latest) the export must match. Repeatable.
    #[arg(long)]
    pub checkpoint: Vec<PathBuf>,
    /// For an org that retention purged: the JSON of GET /v1/integrity/retention-cut; the
    /// export then starts after the cut.
    #[arg(long, requires = "file")]
    pub after_cut: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ProofCommand {
    /// Check that an event is in the log a checkpoint commits to.
    #[command(after_help = r#"Example:
  auditlog verify-proof inclusion --proof proof.json --event event.json \
      --checkpoint checkpoint.json --public-key verifier.key

proof.json: GET /v1/integrity/inclusion?event_id=ID; event.json: GET /v1/events/ID;
checkpoint.json: GET /v1/integrity/checkpoints/latest (the proof's default tree size);
verifier.key: a `verifier_key` of GET /v1/integrity/public-keys."#)]
    Inclusion {
        /// File holding the JSON of GET /v1/integrity/inclusion.
        #[arg(long)]
        proof: PathBuf,
        /// File holding the signed checkpoint of the proof's tree size (the note text, or
        /// the JSON of GET /v1/integrity/checkpoints/...).
        #[arg(long)]
        checkpoint: PathBuf,
        /// File holding the event itself (GET /v1/events/{id} or its export line), to check
        /// that it hashes to the proof's leaf.
        #[arg(long)]
        event: Option<PathBuf>,
        /// The log's verifier key (`<name>+<hash>+<base64>`, a `verifier_key` of GET
        /// /v1/integrity/public-keys), or a file holding it. Repeat for rotated keys.
        #[arg(long, required = true)]
        public_key: Vec<String>,
    },
    /// Check that a newer checkpoint's log extends an older one's (nothing rewritten).
    #[command(after_help = r#"Example:
  auditlog verify-proof consistency --proof proof.json --old monday.json --new today.json \
      --public-key verifier.key

monday.json, today.json: checkpoints saved from GET /v1/integrity/checkpoints/latest;
proof.json: GET /v1/integrity/consistency?from=OLD_SIZE&to=NEW_SIZE (their tree_size)."#)]
    Consistency {
        /// File holding the JSON of GET /v1/integrity/consistency.
        #[arg(long)]
        proof: PathBuf,
        /// File holding the older signed checkpoint (note text or API JSON).
        #[arg(long)]
        old: PathBuf,
        /// File holding the newer signed checkpoint (note text or API JSON).
        #[arg(long)]
        new: PathBuf,
        /// The log's verifier key (`<name>+<hash>+<base64>`), or a file holding it. Repeat
        /// for rotated keys.
        #[arg(long, required = true)]
        public_key: Vec<String>,
    },
}

fn verifiers(keys: &[String]) -> anyhow::Result<Vec<NoteVerifier>> {
    keys.iter()
        .map(|k| {
            let text = if Path::new(k).exists() {
                std::fs::read_to_string(k).with_context(|| format!("reading {k}"))?
            } else {
                k.clone()
            };
            NoteVerifier::parse_vkey(text.trim())
                .map_err(|e| anyhow::anyhow!("public key {k}: {e}"))
        })
        .collect()
}

/// A checkpoint file: the signed note, or API JSON with a "note" member.
fn read_checkpoint(path: &Path, verifiers: &[NoteVerifier]) -> anyhow::Result<Checkpoint> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let note = match serde_json::from_str::<Value>(&text) {
        Ok(v) => v["note"]
            .as_str()
            .map(str::to_string)
            .context("JSON checkpoint without \"note\"")?,
        Err(_) => text,
    };
    let (cp, _) = checkpoint::open(&note, verifiers)
        .map_err(|e| anyhow::anyhow!("checkpoint {}: {e}", path.display()))?;
    Ok(cp)
}

fn report(out: &mut impl Write, r: &VerifyReport) -> anyhow::Result<ExitCode> {
    writeln!(out, "{}", r.summary())?;
    Ok(if r.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn progress_bar(len: Option<u64>) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = match len {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos}/{len} events {per_sec} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

pub async fn verify(a: VerifyArgs, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    if let Some(file) = &a.file {
        return verify_file(file, &a, out);
    }
    let Some(slug) = &a.org else {
        bail!(
            "give --org SLUG (verify in the database) or --file EXPORT --public-key KEY (offline)"
        );
    };
    let service = a.db.service().await?;
    let bar = progress_bar(None);
    let r = service
        .verify_org(&Principal::Operator, slug, &a.log_name, |n| {
            bar.set_position(n)
        })
        .await?;
    bar.finish_and_clear();
    report(out, &r)
}

/// Offline: see [`crate::service::integrity::verify_export`].
fn verify_file(file: &Path, a: &VerifyArgs, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let verifiers = verifiers(&a.public_key)?;
    let mut checkpoints = Vec::new();
    for c in &a.checkpoint {
        checkpoints.push(read_checkpoint(c, &verifiers)?);
    }
    let start = match &a.after_cut {
        Some(p) => Some(
            crate::service::integrity::cut_from_json(&read_json(p)?)
                .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?,
        ),
        None => None,
    };
    let bar = progress_bar(None);
    let r = crate::service::integrity::verify_export(file, checkpoints, start.as_ref(), |n| {
        bar.set_position(n)
    })
    .map_err(|e| anyhow::anyhow!(e))?;
    bar.finish_and_clear();
    report(out, &r)
}

fn read_json(path: &Path) -> anyhow::Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

fn hashes(v: &Value) -> anyhow::Result<Vec<merkle::Hash>> {
    v["proof"]
        .as_array()
        .context("no \"proof\" array")?
        .iter()
        .map(|h| unb64(h.as_str().unwrap_or("")).map_err(|e| anyhow::anyhow!(e)))
        .collect()
}

pub fn verify_proof(cmd: ProofCommand, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let fail = |out: &mut dyn Write, msg: String| -> anyhow::Result<ExitCode> {
        writeln!(out, "FAILED: {msg}")?;
        Ok(ExitCode::from(1))
    };
    match cmd {
        ProofCommand::Inclusion {
            proof,
            checkpoint,
            event,
            public_key,
        } => {
            let verifiers = verifiers(&public_key)?;
            let cp = read_checkpoint(&checkpoint, &verifiers)?;
            let p = read_json(&proof)?;
            let size = p["tree_size"].as_u64().context("no tree_size")?;
            let index = p["leaf_index"].as_u64().context("no leaf_index")?;
            let leaf =
                unb64(p["leaf_hash"].as_str().unwrap_or("")).map_err(|e| anyhow::anyhow!(e))?;
            if size != cp.size {
                return fail(
                    out,
                    format!(
                        "the proof is for tree size {size}, the checkpoint for {}",
                        cp.size
                    ),
                );
            }
            if let Some(e) = event {
                let ev = read_json(&e)?;
                let canonical = serde_jcs::to_vec(&ev)?;
                if merkle::leaf_hash(&canonical) != leaf {
                    return fail(out, "the event does not hash to the proof's leaf".into());
                }
                if ev["seq"].as_u64() != Some(index + 1) {
                    return fail(
                        out,
                        "the event's seq is not the proof's leaf index + 1".into(),
                    );
                }
            }
            match merkle::verify_inclusion(&leaf, index, size, &hashes(&p)?, &cp.root) {
                Ok(()) => {
                    writeln!(
                        out,
                        "ok: leaf {index} (seq {}) is in the log of {} at tree size {size}",
                        index + 1,
                        cp.origin
                    )?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => fail(out, format!("inclusion proof does not verify: {e}")),
            }
        }
        ProofCommand::Consistency {
            proof,
            old,
            new,
            public_key,
        } => {
            let verifiers = verifiers(&public_key)?;
            let (a, b) = (
                read_checkpoint(&old, &verifiers)?,
                read_checkpoint(&new, &verifiers)?,
            );
            if a.origin != b.origin {
                return fail(
                    out,
                    format!(
                        "the checkpoints are of different logs: {} and {}",
                        a.origin, b.origin
                    ),
                );
            }
            let p = read_json(&proof)?;
            if p["from"].as_u64() != Some(a.size) || p["to"].as_u64() != Some(b.size) {
                return fail(
                    out,
                    format!("the proof is not from {} to {}", a.size, b.size),
                );
            }
            match merkle::verify_consistency(a.size, b.size, &a.root, &b.root, &hashes(&p)?) {
                Ok(()) => {
                    writeln!(
                        out,
                        "ok: the log of {} at size {} extends its state at size {}",
                        b.origin, b.size, a.size
                    )?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => fail(out, format!("consistency proof does not verify: {e}")),
            }
        }
    }
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// The organization's slug, e.g. acme.
    #[arg(long)]
    pub org: String,
    #[command(flatten)]
    pub db: DbArgs,
    /// Retention in days, used when the org set none of its own (as the server's
    /// --retention-days; unset or 0: keep forever).
    #[arg(long, env = "AUDITLOG_RETENTION_DAYS")]
    pub retention_days: Option<u32>,
    /// Only count what would be deleted; delete nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub async fn purge(a: PurgeArgs, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    // 0 days is "keep forever", as for `serve --retention-days`
    let default_days = a.retention_days.filter(|d| *d > 0);
    let service = a.db.service().await?.with_default_retention(default_days);
    let outcome = service
        .purge(&Principal::Operator, &a.org, a.dry_run)
        .await?;
    let (org, r) = (&outcome.org, &outcome.purged);
    match (outcome.retention_days, outcome.legal_hold, a.dry_run) {
        (None, _, _) => writeln!(out, "{}: no retention set; nothing to purge", org.slug)?,
        (_, true, _) => writeln!(out, "{}: under legal hold; nothing is purged", org.slug)?,
        (Some(d), _, true) => writeln!(
            out,
            "{}: would purge {} events stored more than {d} days ago (the log would start after seq {})",
            org.slug, r.events, r.cut_seq
        )?,
        (Some(d), _, false) => writeln!(
            out,
            "{}: purged {} events stored more than {d} days ago; the log now starts after seq {}",
            org.slug, r.events, r.cut_seq
        )?,
    }
    Ok(ExitCode::SUCCESS)
}
