//! Kill -9 torture: the real `auditlog serve` binary takes concurrent batches with
//! client-chosen ids and is SIGKILLed at a random moment, again and again. After every
//! restart: ready within 5 s, every acknowledged event is there exactly once, every batch is
//! all or nothing, seq is gapless, the log verifies, and SQLite's integrity check passes.
//!
//! `AUDITLOG_TORTURE_ROUNDS` (default 20) sets the rounds, `AUDITLOG_TORTURE_SEED` the seed
//! (printed on failure) for a rerun of the same kill times.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{WHOLE_LOG, assert_gapless, bin, run_ok};

const CLIENTS: usize = 4;
const BATCH: usize = 5;
/// Pause between a client's batches: keeps the log small enough that listing and verifying
/// it after each of 20 rounds stays within the test's time budget (debug build).
const PAUSE: Duration = Duration::from_millis(100);

/// The one place the server's command line is built. A PostgreSQL run passes
/// `database = Some("postgres://…")`; everything else stays the same.
fn server_command(port: u16, data_dir: &Path, database: Option<&str>) -> Command {
    let mut cmd = bin();
    cmd.args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(data_dir);
    if let Some(url) = database {
        cmd.args(["--database", url]);
    }
    cmd.env("AUDITLOG_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// xorshift64*: kill times without a dependency; the seed is printed for reruns.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn millis(&mut self, from: u64, to: u64) -> u64 {
        from + self.next() % (to - from + 1)
    }
}

/// What the clients sent and what was acknowledged.
#[derive(Default)]
struct Ledger {
    /// every batch ever sent, by client: how many batches were started
    started: [u32; CLIENTS],
    /// a batch sent without a 2xx, to be retried with the same ids
    pending: [Option<u32>; CLIENTS],
    acked: BTreeSet<(usize, u32)>,
    unexpected: Vec<String>,
}

fn event_id(client: usize, batch: u32, i: usize) -> String {
    format!("c{client}_b{batch}_e{i}")
}

/// A batch is the same bytes every time it is sent (same ids, same content).
fn batch_body(client: usize, batch: u32) -> String {
    let events: Vec<Value> = (0..BATCH)
        .map(|i| {
            json!({
                "id": event_id(client, batch, i),
                "occurred_at": format!("2026-01-01T00:{:02}:{:02}Z", (batch / 60) % 60, batch % 60),
                "action": "ticket.created",
                "entity": {"type": "ticket", "id": format!("t_{client}_{batch}_{i}")},
                "actor": {"type": "user", "id": format!("u_{client}")},
            })
        })
        .collect();
    json!({ "events": events }).to_string()
}

async fn client_loop(
    client: usize,
    http: reqwest::Client,
    url: String,
    key: String,
    ledger: Arc<Mutex<Ledger>>,
    stop: Arc<AtomicBool>,
) {
    while !stop.load(Ordering::SeqCst) {
        let batch = {
            let mut l = ledger.lock().unwrap();
            match l.pending[client].take() {
                Some(b) => b,
                None => {
                    l.started[client] += 1;
                    l.started[client] - 1
                }
            }
        };
        let sent = http
            .post(format!("{url}/v1/events"))
            .bearer_auth(&key)
            .header("content-type", "application/json")
            .body(batch_body(client, batch))
            .send()
            .await;
        {
            let mut l = ledger.lock().unwrap();
            match sent {
                Ok(r) if r.status().is_success() => {
                    l.acked.insert((client, batch));
                }
                Ok(r) if r.status() == reqwest::StatusCode::SERVICE_UNAVAILABLE => {
                    l.pending[client] = Some(batch);
                }
                Ok(r) => {
                    l.unexpected
                        .push(format!("batch c{client}_b{batch}: status {}", r.status()));
                    l.pending[client] = Some(batch);
                }
                Err(_) => l.pending[client] = Some(batch),
            }
        }
        tokio::time::sleep(PAUSE).await;
    }
}

/// Polls /readyz; returns how long the server took to be ready.
async fn wait_ready(http: &reqwest::Client, url: &str, child: &mut Child) -> Duration {
    let started = Instant::now();
    loop {
        if let Ok(r) = http.get(format!("{url}/readyz")).send().await
            && r.status().is_success()
        {
            return started.elapsed();
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the server exited during start-up: {status}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "not ready within 5 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Every stored event's (id, seq), following cursors: the clients' events, and the seqs of the service's own records (reads of the log, `access`; its administration, `admin`).
async fn all_events(
    http: &reqwest::Client,
    url: &str,
    key: &str,
) -> (Vec<(String, u64)>, Vec<u64>) {
    let mut out = Vec::new();
    let mut access = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("{url}/v1/events?order=asc&limit=1000&{WHOLE_LOG}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let r = http.get(path).bearer_auth(key).send().await.unwrap();
        assert!(r.status().is_success(), "{}", r.status());
        let v: Value = r.json().await.unwrap();
        for e in v["events"].as_array().unwrap() {
            if e["category"] == "access" || e["category"] == "admin" {
                access.push(e["seq"].as_u64().unwrap());
                continue;
            }
            out.push((
                e["id"].as_str().unwrap().to_string(),
                e["seq"].as_u64().unwrap(),
            ));
        }
        match v["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return (out, access),
        }
    }
}

fn integrity_check(db: &Path) {
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
    assert_eq!(rows, ["ok"], "PRAGMA integrity_check after kill -9");
}

/// The checks after each restart. Returns how many events are stored.
async fn check_log(
    http: &reqwest::Client,
    url: &str,
    key: &str,
    (acked, started): (&BTreeSet<(usize, u32)>, &[u32; CLIENTS]),
    round: usize,
) -> (usize, BTreeSet<(usize, u32)>) {
    // verified before the listing, which records itself only after it answered
    let r = http
        .post(format!("{url}/v1/integrity/verify"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    let (events, access) = all_events(http, url, key).await;
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (id, _) in &events {
        *by_id.entry(id.as_str()).or_default() += 1;
    }
    let twice: Vec<_> = by_id.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "round {round}: stored twice: {twice:?}");
    // gapless over the whole log: the clients' events and the recorded reads
    let seqs = events.iter().map(|(_, s)| *s).chain(access.iter().copied());
    assert_gapless(seqs.collect(), &format!("round {round}"));
    let missing: Vec<String> = acked
        .iter()
        .flat_map(|(c, b)| (0..BATCH).map(move |i| event_id(*c, *b, i)))
        .filter(|id| !by_id.contains_key(id.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "round {round}: {} acknowledged events missing: {:?}",
        missing.len(),
        &missing[..missing.len().min(10)]
    );
    // all or nothing per batch, and nothing that was never sent
    let mut per_batch: BTreeMap<(usize, u32), usize> = BTreeMap::new();
    for (id, _) in &events {
        let parts: Vec<&str> = id.split('_').collect();
        let c: usize = parts[0][1..].parse().unwrap();
        let b: u32 = parts[1][1..].parse().unwrap();
        assert!(b < started[c], "round {round}: {id} was never sent");
        *per_batch.entry((c, b)).or_default() += 1;
    }
    let partial: Vec<_> = per_batch.iter().filter(|(_, n)| **n != BATCH).collect();
    assert!(
        partial.is_empty(),
        "round {round}: partial batches {partial:?}"
    );

    assert_eq!(v["ok"], true, "round {round}: verify: {v}");
    // a walk of several pages also sees the view its first page recorded (the last seq)
    let (verified, listed) = (
        v["events"].as_u64().unwrap(),
        (events.len() + access.len()) as u64,
    );
    assert!(
        listed == verified || (listed == verified + 1 && access.contains(&listed)),
        "round {round}: listed {listed}, verify: {v}"
    );
    (events.len(), per_batch.into_keys().collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_dash_nine_loses_nothing_acknowledged_and_stores_nothing_twice() {
    let rounds: usize = std::env::var("AUDITLOG_TORTURE_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let seed: u64 = std::env::var("AUDITLOG_TORTURE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    let mut rng = Rng(seed);
    let started = Instant::now();

    let schema = match crate::BACKEND {
        crate::helpers::Backend::Sqlite => None,
        crate::helpers::Backend::Postgres => match crate::pg::schema().await {
            Some(s) => Some(s),
            None => return,
        },
    };
    let database = schema.as_ref().map(|s| s.url());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let db = data.join("auditlog.db");
    let mut create = bin();
    create
        .args(["org", "create", "torture", "--json", "--data-dir"])
        .arg(data);
    if let Some(url) = &database {
        create.args(["--database", url]);
    }
    let created: Value = serde_json::from_str(&run_ok(&mut create)).unwrap();
    let key = created["admin_key"]["secret"].as_str().unwrap().to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let ledger = Arc::new(Mutex::new(Ledger::default()));

    let mut child = server_command(port, data, database.as_deref())
        .spawn()
        .unwrap();
    wait_ready(&http, &url, &mut child).await;
    let mut slowest_ready = Duration::ZERO;
    let mut stored = 0;
    // batches in flight when the server died, and those of them that had committed anyway
    let (mut unacked_at_kill, mut committed_unacked) = (0, 0);
    for round in 0..rounds {
        let kill_after = Duration::from_millis(rng.millis(200, 5000));
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|c| {
                tokio::spawn(client_loop(
                    c,
                    http.clone(),
                    url.clone(),
                    key.clone(),
                    ledger.clone(),
                    stop.clone(),
                ))
            })
            .collect();
        tokio::time::sleep(kill_after).await;
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        stop.store(true, Ordering::SeqCst);
        for c in clients {
            c.await.unwrap();
        }
        if database.is_none() {
            integrity_check(&db);
        }

        child = server_command(port, data, database.as_deref())
            .spawn()
            .unwrap();
        let ready = wait_ready(&http, &url, &mut child).await;
        slowest_ready = slowest_ready.max(ready);
        let (acked, started_batches, unexpected, pending) = {
            let l = ledger.lock().unwrap();
            (l.acked.clone(), l.started, l.unexpected.clone(), l.pending)
        };
        assert!(unexpected.is_empty(), "seed {seed}: {unexpected:?}");
        let (n, stored_batches) =
            check_log(&http, &url, &key, (&acked, &started_batches), round).await;
        let in_flight: Vec<(usize, u32)> = (0..CLIENTS)
            .filter_map(|c| pending[c].map(|b| (c, b)))
            .collect();
        unacked_at_kill += in_flight.len();
        committed_unacked += in_flight
            .iter()
            .filter(|b| stored_batches.contains(b))
            .count();
        assert!(n >= stored, "round {round}: the log shrank");
        stored = n;
        eprintln!(
            "torture round {round}: killed after {kill_after:?}, ready in {ready:?}, {n} events, {} batches acked",
            acked.len()
        );
    }

    // retry whatever is still unacknowledged, then every batch ever sent is there once
    let pending: Vec<(usize, u32)> = {
        let l = ledger.lock().unwrap();
        (0..CLIENTS)
            .filter_map(|c| l.pending[c].map(|b| (c, b)))
            .collect()
    };
    for (c, b) in pending {
        let r = http
            .post(format!("{url}/v1/events"))
            .bearer_auth(&key)
            .header("content-type", "application/json")
            .body(batch_body(c, b))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
        let mut l = ledger.lock().unwrap();
        l.acked.insert((c, b));
        l.pending[c] = None;
    }
    let (acked, started_batches) = {
        let l = ledger.lock().unwrap();
        (l.acked.clone(), l.started)
    };
    let sent: usize = started_batches.iter().map(|n| *n as usize).sum();
    assert_eq!(acked.len(), sent, "every batch sent is acknowledged by now");
    let (n, _) = check_log(&http, &url, &key, (&acked, &started_batches), rounds).await;
    assert_eq!(n, sent * BATCH, "every event ever sent exists exactly once");
    assert!(sent > rounds, "the clients got batches through ({sent})");
    child.kill().unwrap();
    child.wait().unwrap();

    // the offline verifier agrees
    let mut verify = bin();
    verify
        .args(["verify", "--org", "torture", "--data-dir"])
        .arg(data);
    if let Some(url) = &database {
        verify.args(["--database", url]);
    }
    let out = run_ok(&mut verify);
    eprintln!(
        "torture: {rounds} rounds, {n} events, {unacked_at_kill} batches unacknowledged at a kill \
         ({committed_unacked} of them committed, retried as duplicates), slowest restart \
         {slowest_ready:?}, {:.1}s, seed {seed}: {}",
        started.elapsed().as_secs_f64(),
        out.trim()
    );
}
