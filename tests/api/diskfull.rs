//! Disk full, for real (SQLite only): the real `auditlog serve` binary keeps its data dir on
//! a small tmpfs and takes batches with client-chosen ids until the filesystem is full.
//! Every refusal must be `503 storage_full` with the JSON error body and `Retry-After`, and
//! nothing partial may be stored: every acknowledged event is listed exactly once, no event
//! of a refused batch exists, seq is gapless, counts are exact, the log verifies online and
//! offline and SQLite's integrity check passes. The server stays up and keeps answering
//! reads while the disk is full. Then the tmpfs is given room (`mount -o remount`) without
//! restarting the server: the refused batches, retried with the same ids, are stored once
//! each, the chain and the Merkle tree continue where they were (consistency proof from a
//! checkpoint signed before the disk filled), and everything verifies again.
//!
//! Mounting needs root. Without it the test prints `skipped: ...` and passes, unless
//! `AUDITLOG_TEST_TMPFS=1` (set by `.ci/run`), which makes it fail instead.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use auditlog::model::checkpoint::{self, NoteVerifier};
use auditlog::model::merkle;
use auditlog::service::integrity::unb64;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{WHOLE_LOG, assert_gapless, bin, proof, run_ok};

/// The tmpfs while it fills: the server starts with room to spare and the disk is full
/// after about 5,600 events.
const FULL_SIZE: &str = "8m";
/// The tmpfs after space came back.
const ROOMY_SIZE: &str = "64m";
const BATCH: usize = 50;
/// Batches sent at once.
const CLIENTS: u32 = 4;
/// This many rounds refused in a row: the disk is full for good.
const REFUSED_ROUNDS: usize = 2;
/// A tmpfs of FULL_SIZE holds far fewer batches than this.
const MAX_BATCHES: u32 = 2_000;
const ORG: &str = "diskfull";

/// A tmpfs mounted on a fresh temp dir, unmounted on drop (also when an assertion fails).
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Result<Tmpfs, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0700")])
            .arg("auditlog-diskfull")
            .arg(dir.path())
            .output()
            .map_err(|e| format!("running mount: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "mount -t tmpfs failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Grows or shrinks the mounted filesystem in place; open files stay open.
    fn resize(&self, size: &str) {
        let out = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(self.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "remount,size={size}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Used and total bytes.
    fn usage(&self) -> (u64, u64) {
        let out = Command::new("df")
            .args(["-B1", "--output=used,size"])
            .arg(self.path())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let nums: Vec<u64> = text
            .lines()
            .nth(1)
            .unwrap_or("")
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        (
            nums.first().copied().unwrap_or(0),
            nums.get(1).copied().unwrap_or(0),
        )
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // the server (declared after, so dropped before) holds no file here any more
        let unmounted = Command::new("umount")
            .arg(self.dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !unmounted {
            let _ = Command::new("umount")
                .arg("-l")
                .arg(self.dir.path())
                .status();
        }
    }
}

/// The server process, killed on drop.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn event_id(batch: u32, i: usize) -> String {
    format!("b{batch}_e{i}")
}

/// A batch is the same bytes every time it is sent (same ids, same content).
fn batch_body(batch: u32) -> String {
    let events: Vec<Value> = (0..BATCH)
        .map(|i| {
            json!({
                "id": event_id(batch, i),
                "occurred_at": format!("2026-01-01T{:02}:{:02}:{:02}Z", (batch / 60) % 24, batch % 60, i % 60),
                "action": "ticket.created",
                "entity": {
                    "type": "ticket",
                    "id": format!("t_{batch}_{i}"),
                    "name": format!("Order {batch}-{i} arrived damaged, customer asks for a replacement"),
                },
                "actor": {"type": "user", "id": format!("u_{}", i % 7), "name": format!("Agent {}", i % 7)},
                "context": {"ip": "203.0.113.5", "user_agent": "diskfull-test/1.0"},
            })
        })
        .collect();
    json!({ "events": events }).to_string()
}

/// A refusal: 503, the JSON error body saying the disk is full, and `Retry-After`.
fn assert_storage_full(batch: u32, status: StatusCode, retry_after: Option<&str>, v: &Value) {
    assert_eq!(
        status,
        StatusCode::SERVICE_UNAVAILABLE,
        "batch {batch}: {v}"
    );
    assert_eq!(v["error"]["code"], "storage_full", "batch {batch}: {v}");
    let message = v["error"]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("disk is full") && message.contains("nothing"),
        "batch {batch}: the message says what happened: {message:?}"
    );
    assert!(
        retry_after.is_some_and(|s| s.parse::<u64>().is_ok_and(|n| n > 0)),
        "batch {batch}: Retry-After {retry_after:?}"
    );
}

struct Client {
    http: reqwest::Client,
    url: String,
    key: String,
}

impl Client {
    /// Sends a batch: (status, Retry-After, body).
    async fn send(&self, batch: u32) -> (StatusCode, Option<String>, Value) {
        let r = self
            .http
            .post(format!("{}/v1/events", self.url))
            .bearer_auth(&self.key)
            .header("content-type", "application/json")
            .body(batch_body(batch))
            .send()
            .await
            .unwrap();
        let status = r.status();
        let retry_after = r
            .headers()
            .get("retry-after")
            .and_then(|h| h.to_str().ok())
            .map(str::to_string);
        let text = r.text().await.unwrap();
        let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, retry_after, v)
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.url))
            .bearer_auth(&self.key)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn post(&self, path: &str) -> (StatusCode, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.url))
            .bearer_auth(&self.key)
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Every stored event's (id, seq), and the seqs of the service's own records (reads of the log, `access`; its administration, `admin`).
    async fn all_events(&self) -> (Vec<(String, u64)>, Vec<u64>) {
        let (mut out, mut access) = (Vec::new(), Vec::new());
        let mut cursor: Option<String> = None;
        loop {
            let mut path = format!("/v1/events?order=asc&limit=1000&{WHOLE_LOG}");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let (s, v) = self.get(&path).await;
            assert_eq!(s, StatusCode::OK, "listing: {v}");
            for e in v["events"].as_array().unwrap() {
                let seq = e["seq"].as_u64().unwrap();
                if e["category"] == "access" || e["category"] == "admin" {
                    access.push(seq);
                } else {
                    out.push((e["id"].as_str().unwrap().to_string(), seq));
                }
            }
            match v["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => return (out, access),
            }
        }
    }
}

/// What the client sent: batch -> the seqs of its acknowledgement, and the refused batches.
#[derive(Default)]
struct Ledger {
    acked: BTreeMap<u32, Vec<u64>>,
    refused: BTreeSet<u32>,
}

impl Ledger {
    fn acked_events(&self) -> usize {
        self.acked.len() * BATCH
    }

    /// Records a 201, checking its body: every event new (nothing of it was stored before).
    fn ack(&mut self, batch: u32, v: &Value) {
        assert_eq!(v["accepted"], BATCH, "batch {batch}: {v}");
        assert_eq!(
            v["duplicates"], 0,
            "batch {batch}: part of it was stored before: {v}"
        );
        let seqs = v["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["seq"].as_u64().unwrap())
            .collect();
        self.acked.insert(batch, seqs);
        self.refused.remove(&batch);
    }
}

/// Nothing partial: every acknowledged event is there exactly once with the seq it was
/// acknowledged with, no event of a refused batch exists, every batch is whole, seq is
/// gapless, and the counts agree. Returns how many events the log holds.
async fn check_log(c: &Client, ledger: &Ledger, when: &str) -> u64 {
    let (events, access) = c.all_events().await;
    let mut by_id: HashMap<&str, Vec<u64>> = HashMap::new();
    for (id, seq) in &events {
        by_id.entry(id.as_str()).or_default().push(*seq);
    }
    let twice: Vec<_> = by_id.iter().filter(|(_, s)| s.len() > 1).take(5).collect();
    assert!(twice.is_empty(), "{when}: stored twice: {twice:?}");
    for (batch, seqs) in &ledger.acked {
        for (i, seq) in seqs.iter().enumerate() {
            let id = event_id(*batch, i);
            assert_eq!(
                by_id.get(id.as_str()),
                Some(&vec![*seq]),
                "{when}: acknowledged {id} (seq {seq})"
            );
        }
    }
    let mut per_batch: BTreeMap<u32, usize> = BTreeMap::new();
    for (id, _) in &events {
        let batch: u32 = id[1..id.find('_').unwrap()].parse().unwrap();
        *per_batch.entry(batch).or_default() += 1;
    }
    for (batch, n) in &per_batch {
        assert!(
            ledger.acked.contains_key(batch),
            "{when}: {n} events of batch {batch}, which was never acknowledged (refused: {})",
            ledger.refused.contains(batch)
        );
        assert_eq!(*n, BATCH, "{when}: batch {batch} is partial");
    }
    let seqs: Vec<u64> = events
        .iter()
        .map(|(_, s)| *s)
        .chain(access.iter().copied())
        .collect();
    let logged = seqs.len() as u64;
    assert_gapless(seqs, when);
    // rollups were written in the events' transactions: the counts agree with the events
    let (s, v) = c
        .get("/v1/events/summary?from=2025-12-31&to=2026-01-03")
        .await;
    assert_eq!(s, StatusCode::OK, "{when}: summary: {v}");
    assert_eq!(
        v["total"].as_u64(),
        Some(ledger.acked_events() as u64),
        "{when}: summary {v}"
    );
    logged
}

/// The online verifier: every body, the chain, the tree, the checkpoints.
async fn verify_online(c: &Client, when: &str) -> u64 {
    let (s, v) = c.post("/v1/integrity/verify").await;
    assert_eq!(s, StatusCode::OK, "{when}: verify: {v}");
    assert_eq!(v["ok"], true, "{when}: verify: {v}");
    v["events"].as_u64().unwrap()
}

/// The offline verifier on the database file the server is using.
fn verify_offline(data: &Path, when: &str) -> String {
    let out = run_ok(bin().args(["verify", "--org", ORG, "--data-dir"]).arg(data));
    assert!(out.starts_with("ok:"), "{when}: auditlog verify: {out}");
    out.trim().to_string()
}

fn integrity_check(db: &Path, when: &str) {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let rows: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows, ["ok"], "{when}: PRAGMA integrity_check");
}

/// The sizes of the database, its WAL and its shared-memory index, for the test's output.
fn file_sizes(data: &Path) -> String {
    ["auditlog.db", "auditlog.db-wal", "auditlog.db-shm"]
        .iter()
        .map(|f| {
            let len = std::fs::metadata(data.join(f)).map_or(0, |m| m.len());
            format!("{f} {} KiB", len / 1024)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn server_log(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

async fn wait_ready(http: &reqwest::Client, url: &str, server: &mut Server, log: &Path) {
    let started = Instant::now();
    loop {
        if let Ok(r) = http.get(format!("{url}/readyz")).send().await
            && r.status().is_success()
        {
            return;
        }
        if let Ok(Some(status)) = server.0.try_wait() {
            panic!(
                "the server exited during start-up: {status}\n{}",
                server_log(log)
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "not ready within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_whole_batches_with_503_and_the_server_recovers_when_space_returns() {
    let started = Instant::now();
    let fs = match Tmpfs::mount(FULL_SIZE) {
        Ok(fs) => fs,
        Err(why) if std::env::var("AUDITLOG_TEST_TMPFS").as_deref() == Ok("1") => {
            panic!("AUDITLOG_TEST_TMPFS=1 but no tmpfs can be mounted (needs root): {why}")
        }
        Err(why) => {
            crate::pg::skipped(&format!(
                "it needs to mount a tmpfs (root): {why}; \
                 set AUDITLOG_TEST_TMPFS=1 to make this a failure"
            ));
            return;
        }
    };
    let data: PathBuf = fs.path().join("data");
    let db = data.join("auditlog.db");
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("server.log");

    let created: Value = serde_json::from_str(&run_ok(
        bin()
            .args(["org", "create", ORG, "--json", "--data-dir"])
            .arg(&data),
    ))
    .unwrap();
    let key = created["admin_key"]["secret"].as_str().unwrap().to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let mut server = Server(
        bin()
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(&data)
            // the background tasks run against the full disk too
            .args([
                "--checkpoint-interval-secs",
                "1",
                "--checkpoint-every",
                "100",
            ])
            .args(["--retention-days", "3650", "--purge-interval-secs", "1"])
            .args(["--rate-limit-ingest", "0", "--rate-limit-read", "0"])
            .env("AUDITLOG_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap(),
    );
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    wait_ready(&http, &url, &mut server, &log).await;
    let c = Client { http, url, key };
    let keys: Value = c.get("/v1/integrity/public-keys").await.1;
    let vk = NoteVerifier::parse_vkey(keys["keys"][0]["verifier_key"].as_str().unwrap()).unwrap();

    // 1. fill the disk, CLIENTS batches at a time so that group commits hold several
    let usage_at_start = fs.usage();
    let mut ledger = Ledger::default();
    let mut before: Option<Value> = None; // a checkpoint signed while there was room
    let (mut next, mut in_a_row) = (0u32, 0usize);
    while in_a_row < REFUSED_ROUNDS {
        assert!(
            next < MAX_BATCHES,
            "the {FULL_SIZE} tmpfs never filled: {} events stored, usage {:?}",
            ledger.acked_events(),
            fs.usage()
        );
        let batches: Vec<u32> = (next..next + CLIENTS).collect();
        next += CLIENTS;
        let answers = futures_util::future::join_all(batches.iter().map(|b| c.send(*b))).await;
        let mut refused = 0;
        for (batch, (s, retry_after, v)) in batches.into_iter().zip(answers) {
            if s == StatusCode::CREATED {
                ledger.ack(batch, &v);
            } else {
                assert_storage_full(batch, s, retry_after.as_deref(), &v);
                ledger.refused.insert(batch);
                refused += 1;
            }
        }
        in_a_row = if refused == CLIENTS { in_a_row + 1 } else { 0 };
        if before.is_none() {
            let (s, cp) = c.post("/v1/integrity/checkpoints").await;
            assert_eq!(s, StatusCode::CREATED, "{cp}");
            before = Some(cp);
        }
    }
    let before = before.expect("a checkpoint before the disk filled");
    let filled_after = ledger.acked_events();
    let first_refused = *ledger.refused.first().unwrap();
    eprintln!(
        "diskfull: {FULL_SIZE} tmpfs (used {:?} after start) full after {filled_after} events \
         ({} batches acknowledged, first refusal at batch {first_refused}, {} refused), usage {:?}: \
         {}",
        usage_at_start.0,
        ledger.acked.len(),
        ledger.refused.len(),
        fs.usage(),
        file_sizes(&data)
    );
    // the refused batches are refused again while the disk is full (or stored whole if a
    // smaller commit found room)
    for batch in ledger.refused.clone() {
        let (s, retry_after, v) = c.send(batch).await;
        if s == StatusCode::CREATED {
            ledger.ack(batch, &v);
        } else {
            assert_storage_full(batch, s, retry_after.as_deref(), &v);
        }
    }
    assert!(!ledger.refused.is_empty());

    // 2. the server stays up and answers reads; nothing partial was stored
    let (s, v) = c.get("/healthz").await;
    assert_eq!(s, StatusCode::OK, "healthz while full: {v}");
    let (s, v) = c.get("/readyz").await;
    assert_eq!(
        s,
        StatusCode::OK,
        "readyz while full (reads are served): {v}"
    );
    let (batch, seqs) = ledger.acked.first_key_value().unwrap();
    let (s, v) = c.get(&format!("/v1/events/{}", event_id(*batch, 0))).await;
    assert_eq!((s, &v["seq"]), (StatusCode::OK, &json!(seqs[0])), "{v}");
    let stored = check_log(&c, &ledger, "while full").await;
    let verified = verify_online(&c, "while full").await;
    assert!(
        verified <= stored + 1,
        "verified {verified}, listed {stored}"
    );
    let offline_full = verify_offline(&data, "while full");
    integrity_check(&db, "while full");
    // the background checkpointer and purge run a few times against the full disk
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(
        server.0.try_wait().unwrap().is_none(),
        "the server died while the disk was full:\n{}",
        server_log(&log)
    );
    let (s, _) = c.get("/healthz").await;
    assert_eq!(s, StatusCode::OK);

    // 3. space comes back; the same process takes the refused batches, each once
    fs.resize(ROOMY_SIZE);
    let recovered = Instant::now();
    let retried: Vec<u32> = ledger.refused.iter().copied().collect();
    for &batch in &retried {
        let (s, _, v) = c.send(batch).await;
        assert_eq!(s, StatusCode::CREATED, "retry of batch {batch}: {v}");
        ledger.ack(batch, &v);
    }
    for _ in 0..5 {
        let batch = next;
        next += 1;
        let (s, _, v) = c.send(batch).await;
        assert_eq!(s, StatusCode::CREATED, "new batch {batch}: {v}");
        ledger.ack(batch, &v);
    }
    // a second send of a retried batch is answered from the log: duplicates, same seqs
    let (s, _, v) = c.send(retried[0]).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["duplicates"], BATCH, "{v}");
    let seqs: Vec<u64> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(Some(&seqs), ledger.acked.get(&retried[0]));
    assert!(ledger.refused.is_empty());
    let recovery = recovered.elapsed();

    let stored = check_log(&c, &ledger, "after recovery").await;
    let verified = verify_online(&c, "after recovery").await;
    assert!(
        verified <= stored + 1,
        "verified {verified}, listed {stored}"
    );

    // the tree grew from where it was: consistent with the checkpoint signed before, and a
    // retried event is in the new one
    let (s, after) = c.post("/v1/integrity/checkpoints").await;
    assert_eq!(s, StatusCode::CREATED, "{after}");
    let (cp_before, _) =
        checkpoint::open(before["note"].as_str().unwrap(), std::slice::from_ref(&vk)).unwrap();
    let (cp_after, _) =
        checkpoint::open(after["note"].as_str().unwrap(), std::slice::from_ref(&vk)).unwrap();
    assert!(cp_after.size >= verified, "{after}");
    let (s, p) = c
        .get(&format!(
            "/v1/integrity/consistency?from={}&to={}",
            cp_before.size, cp_after.size
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    merkle::verify_consistency(
        cp_before.size,
        cp_after.size,
        &cp_before.root,
        &cp_after.root,
        &proof(&p),
    )
    .expect("the tree after recovery extends the tree before the disk filled");
    let id = event_id(retried[0], BATCH - 1);
    let (s, p) = c
        .get(&format!(
            "/v1/integrity/inclusion?event_id={id}&tree_size={}",
            cp_after.size
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let (s, e) = c.get(&format!("/v1/events/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let leaf = unb64(p["leaf_hash"].as_str().unwrap()).unwrap();
    assert_eq!(
        leaf,
        merkle::leaf_hash(serde_jcs::to_string(&e).unwrap().as_bytes())
    );
    merkle::verify_inclusion(
        &leaf,
        p["leaf_index"].as_u64().unwrap(),
        cp_after.size,
        &proof(&p),
        &cp_after.root,
    )
    .expect("a retried event is in the checkpoint signed after recovery");

    let offline = verify_offline(&data, "after recovery");
    integrity_check(&db, "after recovery");
    assert!(
        server.0.try_wait().unwrap().is_none(),
        "the server is still the same process"
    );
    // the operator reads what happened in the log: when the disk filled, when space was back
    let text = server_log(&log);
    assert!(!text.contains("panicked"), "server log:\n{text}");
    assert!(
        text.contains("the database's disk is full") && text.contains("disk space is back"),
        "server log:\n{text}"
    );
    eprintln!(
        "diskfull: while full `{offline_full}`; after remount to {ROOMY_SIZE} the {} refused \
         batches were stored in {recovery:?} (same process), {} events in all, `{offline}`, \
         {:.1}s",
        retried.len(),
        ledger.acked_events(),
        started.elapsed().as_secs_f64()
    );
    drop(server);
    drop(fs);
}
