//! Noisy neighbour: does one org sending far over its quota slow another org down?
//!
//! Four phases of the same length, each on a fresh server: the quiet org alone (per-key
//! limits on); next to a noisy org sending exactly its quota (what the limits allow, the
//! reference for what the excess costs); next to the noisy org sending `factor` x its quota
//! (limits on); and the same with limits off, for contrast. Both send single-event ingest
//! requests on a fixed schedule (open loop: a slow answer does not delay the next request),
//! so latencies include any queueing the neighbour causes.
//!
//! The noisy org's client runs as its own process at the lowest CPU priority (`nice -n
//! 19`): it stands in for a client on another machine, whose own CPU is not the server's
//! to share. The server still receives, parses, authenticates and answers every one of its
//! requests.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use auditlog::model::Catalog;
use auditlog::service::ratelimit::{Rate, RateLimits};
use serde_json::Value;

use super::{Lat, new_org, start, synthetic};

pub struct Noisy {
    pub quota: u32,
    pub quiet_rate: u32,
    pub factor: u32,
    pub seconds: u64,
    /// Times the four phases run, one after the other (alone, 1x, over, off, alone, ...):
    /// a p99 of one phase rests on its slowest 1% of requests, a handful, so one run says
    /// little; the verdict pools every round's latencies per phase.
    pub rounds: u32,
}

/// What one sender saw.
#[derive(Default)]
struct Seen {
    lat: Vec<Duration>,
    accepted: AtomicU64,
    limited: AtomicU64,
    other: AtomicU64,
}

/// Sends `rate` single-event requests a second for `secs` seconds with `key`; at most
/// `max_in_flight` at once (beyond that the schedule slips, and the sent count shows it).
/// `missed`: what a late tick does. The quiet org catches up (`Burst`: its schedule holds,
/// so a slow server shows in its latencies). The noisy org's low-priority process does not
/// (`Delay`): descheduled for a few milliseconds, it would otherwise fire hundreds of
/// requests at once, a burst that a client on another machine, which it stands in for,
/// does not make; its sent count shows the rate it kept.
async fn send(
    url: String,
    key: String,
    bodies: Arc<Vec<String>>,
    rate: u32,
    secs: u64,
    max_in_flight: usize,
    missed: tokio::time::MissedTickBehavior,
) -> anyhow::Result<(Seen, u64)> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(max_in_flight)
        .no_gzip()
        .build()?;
    let seen = Arc::new(Seen::default());
    let lats = Arc::new(std::sync::Mutex::new(Vec::new()));
    let slots = Arc::new(tokio::sync::Semaphore::new(max_in_flight));
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate.max(1))));
    tick.set_missed_tick_behavior(missed);
    let end = Instant::now() + Duration::from_secs(secs);
    let mut tasks = tokio::task::JoinSet::new();
    let mut sent = 0u64;
    while Instant::now() < end {
        tick.tick().await;
        let permit = slots.clone().acquire_owned().await?;
        let body = bodies[sent as usize % bodies.len()].clone();
        let (client, url, key, seen, lats) = (
            client.clone(),
            url.clone(),
            key.clone(),
            seen.clone(),
            lats.clone(),
        );
        sent += 1;
        tasks.spawn(async move {
            let t = Instant::now();
            let r = client
                .post(&url)
                .bearer_auth(&key)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await;
            let status = match r {
                Ok(r) => {
                    let s = r.status().as_u16();
                    let _ = r.bytes().await;
                    s
                }
                Err(_) => 0,
            };
            let took = t.elapsed();
            match status {
                201 => {
                    seen.accepted.fetch_add(1, Ordering::Relaxed);
                    if let Ok(mut l) = lats.lock() {
                        l.push(took);
                    }
                }
                429 => {
                    seen.limited.fetch_add(1, Ordering::Relaxed);
                }
                _ => {
                    seen.other.fetch_add(1, Ordering::Relaxed);
                }
            }
            drop(permit);
        });
        // reap finished tasks as we go
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
    let mut out = Seen {
        lat: Vec::new(),
        accepted: AtomicU64::new(seen.accepted.load(Ordering::Relaxed)),
        limited: AtomicU64::new(seen.limited.load(Ordering::Relaxed)),
        other: AtomicU64::new(seen.other.load(Ordering::Relaxed)),
    };
    if let Ok(mut l) = lats.lock() {
        out.lat = std::mem::take(&mut *l);
    }
    Ok((out, sent))
}

fn bodies(catalog: &Catalog, actions: &[String], seed: usize) -> Arc<Vec<String>> {
    Arc::new(
        (0..4096)
            .map(|n| synthetic(catalog, actions, seed + n, None))
            .map(|v: Value| v.to_string())
            .collect(),
    )
}

/// The noisy sender's process (`auditlog-bench noisy-sender`): sends, then prints what it
/// saw as one JSON line.
pub async fn sender_main(
    catalog: &'static Catalog,
    actions: &[String],
    url: String,
    key: String,
    rate: u32,
    seconds: u64,
) -> anyhow::Result<()> {
    let (seen, sent) = send(
        url,
        key,
        bodies(catalog, actions, 100_000),
        rate,
        seconds,
        256,
        tokio::time::MissedTickBehavior::Delay,
    )
    .await?;
    println!(
        "{}",
        serde_json::json!({
            "sent": sent,
            "accepted": seen.accepted.load(Ordering::Relaxed),
            "limited": seen.limited.load(Ordering::Relaxed),
            "other": seen.other.load(Ordering::Relaxed),
        })
    );
    Ok(())
}

/// Starts the noisy sender as a separate process at the lowest CPU priority.
async fn noisy_process(
    url: String,
    key: String,
    rate: u32,
    seconds: u64,
) -> anyhow::Result<(Seen, u64)> {
    let exe = std::env::current_exe()?;
    let out = tokio::process::Command::new("nice")
        .args(["-n", "19"])
        .arg(exe)
        .args(["noisy-sender", "--url", &url, "--key", &key])
        .args([
            "--rate",
            &rate.to_string(),
            "--seconds",
            &seconds.to_string(),
        ])
        .stderr(std::process::Stdio::inherit())
        .output()
        .await?;
    anyhow::ensure!(
        out.status.success(),
        "the noisy sender failed: {}",
        out.status
    );
    let v: Value = serde_json::from_slice(&out.stdout)?;
    let n = |k: &str| v[k].as_u64().unwrap_or(0);
    Ok((
        Seen {
            lat: Vec::new(),
            accepted: AtomicU64::new(n("accepted")),
            limited: AtomicU64::new(n("limited")),
            other: AtomicU64::new(n("other")),
        },
        n("sent"),
    ))
}

/// One phase on a fresh server: the quiet org's latencies, and what the noisy org saw.
async fn phase(
    n: &Noisy,
    catalog: &'static Catalog,
    actions: &[String],
    data_dir: Option<std::path::PathBuf>,
    database: Option<String>,
    limits: RateLimits,
    noisy_rate: Option<u32>,
) -> anyhow::Result<(Lat, Option<(Seen, u64)>)> {
    let (url, service, _tmp) = start(data_dir, database, limits).await?;
    let suffix = auditlog::model::time::now_micros() % 1_000_000;
    let (_, quiet_key, _) = new_org(&service, &format!("quiet-{suffix}")).await?;
    let (_, noisy_key, _) = new_org(&service, &format!("noisy-{suffix}")).await?;
    let ingest = format!("{url}/v1/events");
    let quiet = tokio::spawn(send(
        ingest.clone(),
        quiet_key,
        bodies(catalog, actions, 0),
        n.quiet_rate,
        n.seconds,
        64,
        tokio::time::MissedTickBehavior::Burst,
    ));
    let noisy =
        noisy_rate.map(|rate| tokio::spawn(noisy_process(ingest, noisy_key, rate, n.seconds)));
    let (quiet, quiet_sent) = quiet.await??;
    anyhow::ensure!(
        quiet.limited.load(Ordering::Relaxed) == 0 && quiet.other.load(Ordering::Relaxed) == 0,
        "the quiet org was refused: {} rate limited, {} failed of {quiet_sent}",
        quiet.limited.load(Ordering::Relaxed),
        quiet.other.load(Ordering::Relaxed)
    );
    let noisy = match noisy {
        Some(t) => Some(t.await??),
        None => None,
    };
    Ok((Lat(quiet.lat), noisy))
}

pub async fn run(
    n: &Noisy,
    catalog: &'static Catalog,
    actions: &[String],
    data_dir: Option<std::path::PathBuf>,
    database: Option<String>,
) -> anyhow::Result<()> {
    let limits = RateLimits {
        ingest: Some(Rate {
            per_second: n.quota,
            burst: n.quota,
        }),
        read: None,
    };
    println!(
        "noisy neighbour: per-key ingest quota {} req/s; quiet org {} req/s; noisy org {} req/s ({}x quota); {} s per phase; single-event requests",
        n.quota,
        n.quiet_rate,
        n.quota * n.factor,
        n.factor,
        n.seconds
    );
    let (at_quota, over) = (n.quota, n.quota * n.factor);
    let phases = [
        ("quiet org alone, limits on", limits, None),
        ("noisy org at 1x quota, limits on", limits, Some(at_quota)),
        ("noisy org over quota, limits on", limits, Some(over)),
        (
            "noisy org over quota, limits off",
            RateLimits::OFF,
            Some(over),
        ),
    ];
    // per phase: every round's latencies pooled, and each round's p99
    let mut pooled: Vec<(Lat, Vec<f64>)> = phases
        .iter()
        .map(|_| (Lat(Vec::new()), Vec::new()))
        .collect();
    for round in 1..=n.rounds.max(1) {
        for ((name, limits, noisy_rate), (pool, p99s)) in phases.iter().zip(pooled.iter_mut()) {
            let (mut lat, noisy) = phase(
                n,
                catalog,
                actions,
                data_dir.clone(),
                database.clone(),
                *limits,
                *noisy_rate,
            )
            .await?;
            let (p50, p99) = (lat.pct(0.5), lat.pct(0.99));
            let noisy_text = match noisy {
                Some((s, sent)) => format!(
                    "   noisy: sent {sent}, 201 {}, 429 {}, failed {}",
                    s.accepted.load(Ordering::Relaxed),
                    s.limited.load(Ordering::Relaxed),
                    s.other.load(Ordering::Relaxed)
                ),
                None => String::new(),
            };
            println!(
                "round {round}  {name:<32} quiet ingest p50 {p50:>6.2} ms  p99 {p99:>6.2} ms  ({} requests){noisy_text}",
                lat.0.len()
            );
            p99s.push(p99);
            pool.0.extend(lat.0);
        }
    }
    let mut rows = Vec::new();
    println!("all rounds pooled:");
    for ((name, _, _), (pool, p99s)) in phases.iter().zip(pooled.iter_mut()) {
        let (p50, p99) = (pool.pct(0.5), pool.pct(0.99));
        let spread = p99s
            .iter()
            .map(|p| format!("{p:.2}"))
            .collect::<Vec<_>>()
            .join(" / ");
        println!(
            "  {name:<32} quiet ingest p50 {p50:>6.2} ms  p99 {p99:>6.2} ms  ({} requests; p99 per round {spread})",
            pool.0.len()
        );
        rows.push((p50, p99));
    }
    if let [(a50, a99), (q50, q99), (b50, b99), ..] = rows[..] {
        let (vs_alone, vs_quota) = ((b99 / a99 - 1.0) * 100.0, (b99 / q99 - 1.0) * 100.0);
        println!(
            "noisy org at {}x quota, limits on, changes the quiet org's p50 by {:+.0}%, p99 by {vs_alone:+.0}% against the quiet org alone",
            n.factor,
            (b50 / a50 - 1.0) * 100.0,
        );
        println!(
            "  and by {:+.0}% / {vs_quota:+.0}% against the noisy org sending exactly its quota (the excess alone)",
            (b50 / q50 - 1.0) * 100.0,
        );
        println!(
            "aim (p99 at most +20% against the quiet org alone): {}",
            if vs_alone <= 20.0 { "met" } else { "not met" }
        );
    }
    Ok(())
}
