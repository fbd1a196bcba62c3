//! The soak run: the real `auditlog serve` binary in its own process, driven for a long time
//! at a steady fraction of its capacity with mixed ingest, listings, Event Counts and exports
//! from several orgs. Prints a line per minute (latencies, errors, the server's RSS) and a
//! verdict: no errors, p99 drift within 20%, memory flat.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use auditlog::model::Catalog;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::{Lat, synthetic};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

#[derive(Default)]
struct Minute {
    ingest: Vec<Duration>,
    reads: Vec<Duration>,
    exports: Vec<Duration>,
}

struct Shared {
    minute: Mutex<Minute>,
    errors: AtomicU64,
    events: AtomicU64,
}

const OPERATOR: &str = "soak-operator-token-0123456789";

#[allow(clippy::too_many_arguments)]
pub async fn run(
    catalog: &'static Catalog,
    actions: Vec<String>,
    minutes: u64,
    rate: u64,
    orgs: usize,
    database: Option<String>,
) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let exe = std::env::current_exe()?
        .parent()
        .map(|p| p.join("auditlog"))
        .ok_or_else(|| anyhow::anyhow!("no directory of the bench binary"))?;
    let mut cmd = Command::new(&exe);
    cmd.args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--operator-token",
        OPERATOR,
    ])
    .arg("--data-dir")
    .arg(dir.path())
    .env("AUDITLOG_LOG", "warn")
    .stdout(Stdio::piped())
    .stderr(Stdio::inherit());
    if let Some(db) = &database {
        cmd.args(["--database", db]);
    }
    let mut child = cmd.spawn().map_err(|e| {
        anyhow::anyhow!(
            "starting {}: {e} (build it: cargo build --release)",
            exe.display()
        )
    })?;
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        BufReader::new(out).read_line(&mut line)?;
    }
    let server = Server(child);
    let pid = server.0.id();
    let url = line
        .trim()
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .to_string();
    anyhow::ensure!(url.starts_with("http://"), "the server printed {line:?}");
    let client = reqwest::Client::builder()
        .no_gzip()
        .timeout(Duration::from_secs(30))
        .build()?;

    let mut keys = Vec::new();
    for i in 0..orgs {
        let v: Value = client
            .post(format!("{url}/v1/orgs"))
            .bearer_auth(OPERATOR)
            .json(&json!({"slug": format!("soak-{i}")}))
            .send()
            .await?
            .json()
            .await?;
        let admin = v["admin_key"]["secret"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        keys.push(admin);
    }
    println!(
        "soak: {minutes} min, {rate} events/s over {orgs} orgs in batches of 100, listings and Event Counts 20/s, an export of an org's last 10 s every 15 s; server pid {pid} at {url}"
    );
    let shared = Arc::new(Shared {
        minute: Mutex::new(Minute::default()),
        errors: AtomicU64::new(0),
        events: AtomicU64::new(0),
    });
    let end = Instant::now() + Duration::from_secs(minutes * 60);
    let mut tasks = Vec::new();

    // ingest: each org gets rate/orgs events/s, as batches of 100 on a fixed schedule
    let per_org = (rate / orgs as u64).max(100);
    for (o, key) in keys.iter().enumerate() {
        let (client, url, key, shared, actions) = (
            client.clone(),
            url.clone(),
            key.clone(),
            shared.clone(),
            actions.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs_f64(100.0 / per_org as f64));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut n = o * 10_000_000;
            while Instant::now() < end {
                tick.tick().await;
                let events: Vec<Value> = (0..100)
                    .map(|i| synthetic(catalog, &actions, n + i, None))
                    .collect();
                n += 100;
                let t = Instant::now();
                let ok = client
                    .post(format!("{url}/v1/events"))
                    .bearer_auth(&key)
                    .json(&json!({ "events": events }))
                    .send()
                    .await
                    .is_ok_and(|r| r.status() == 201);
                let d = t.elapsed();
                if ok {
                    shared.events.fetch_add(100, Ordering::Relaxed);
                    shared.minute.lock().await.ingest.push(d);
                } else {
                    shared.errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    // reads: first pages and Event Counts, 20/s in all
    {
        let (client, url, keys, shared) =
            (client.clone(), url.clone(), keys.clone(), shared.clone());
        tasks.push(tokio::spawn(async move {
            let paths = [
                "/v1/events?limit=50",
                "/v1/events?limit=50&category=configuration",
                "/v1/events/summary?group_by=actor",
                "/v1/events/summary?group_by=entity_type,verb&tz=America/New_York",
                "/v1/events/histogram?interval=hour&stack=category",
            ];
            let mut tick = tokio::time::interval(Duration::from_millis(50));
            let mut i = 0usize;
            while Instant::now() < end {
                tick.tick().await;
                let path = paths[i % paths.len()];
                let key = &keys[i % keys.len()];
                i += 1;
                let t = Instant::now();
                let ok = match client
                    .get(format!("{url}{path}"))
                    .bearer_auth(key)
                    .send()
                    .await
                {
                    Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                let d = t.elapsed();
                if ok {
                    shared.minute.lock().await.reads.push(d);
                } else {
                    shared.errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    // exports: the last 10 seconds of one org as CSV, every 15 s
    {
        let (client, url, keys, shared) =
            (client.clone(), url.clone(), keys.clone(), shared.clone());
        tasks.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(15));
            let mut i = 0usize;
            while Instant::now() < end {
                tick.tick().await;
                let from = auditlog::model::time::format_micros(
                    auditlog::model::time::now_micros() - 10_000_000,
                );
                let key = &keys[i % keys.len()];
                i += 1;
                let t = Instant::now();
                let ok = match client
                    .get(format!("{url}/v1/events/export"))
                    .query(&[("format", "csv"), ("from", from.as_str())])
                    .bearer_auth(key)
                    .send()
                    .await
                {
                    Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                let d = t.elapsed();
                if ok {
                    shared.minute.lock().await.exports.push(d);
                } else {
                    shared.errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }

    println!(
        "{:>4} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10} {:>7} {:>9}",
        "min",
        "events/s",
        "ingest p50",
        "ingest p99",
        "read p50",
        "read p99",
        "export p99",
        "errors",
        "RSS MiB"
    );
    let started = Instant::now();
    let mut rows: Vec<(f64, f64, u64)> = Vec::new();
    let mut last_events = 0;
    for m in 1..=minutes {
        let wake = started + Duration::from_secs(m * 60);
        tokio::time::sleep_until(wake.into()).await;
        let minute = std::mem::take(&mut *shared.minute.lock().await);
        let events = shared.events.load(Ordering::Relaxed);
        let errors = shared.errors.load(Ordering::Relaxed);
        let rss = rss_kib(pid);
        let (mut ing, mut rd, mut ex) =
            (Lat(minute.ingest), Lat(minute.reads), Lat(minute.exports));
        let pct = |l: &mut Lat, p| if l.0.is_empty() { f64::NAN } else { l.pct(p) };
        let (i50, i99, r50, r99, e99) = (
            pct(&mut ing, 0.5),
            pct(&mut ing, 0.99),
            pct(&mut rd, 0.5),
            pct(&mut rd, 0.99),
            pct(&mut ex, 0.99),
        );
        println!(
            "{m:>4} {:>9.0} {i50:>10.2} {i99:>10.2} {r50:>10.2} {r99:>10.2} {e99:>10.1} {errors:>7} {:>9.1}",
            (events - last_events) as f64 / 60.0,
            rss as f64 / 1024.0
        );
        last_events = events;
        rows.push((i99, r99, rss));
    }
    for t in tasks {
        let _ = t.await;
    }
    let errors = shared.errors.load(Ordering::Relaxed);
    let (first, last) = (rows.first().copied(), rows.last().copied());
    if let (Some(f), Some(l)) = (first, last) {
        // drift: the last minute against the first (the first minute includes warm-up)
        let second = rows.get(1).copied().unwrap_or(f);
        let drift = |a: f64, b: f64| (b / a - 1.0) * 100.0;
        println!(
            "soak verdict: {} events, {errors} errors; ingest p99 drift {:+.0}% and read p99 drift {:+.0}% (minute {} vs 2); RSS {:.1} -> {:.1} MiB (minute 2 -> {})",
            shared.events.load(Ordering::Relaxed),
            drift(second.0, l.0),
            drift(second.1, l.1),
            rows.len(),
            second.2 as f64 / 1024.0,
            l.2 as f64 / 1024.0,
            rows.len()
        );
    }
    anyhow::ensure!(errors == 0, "{errors} requests failed during the soak");
    Ok(())
}
