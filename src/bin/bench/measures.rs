//! The measuring commands that run against one server: ingest (batched and single), reports
//! (Event Counts, histogram, export), integrity (checkpoints and proofs) and query (first
//! pages). `baseline`, `soak` and `noisy` are in their own files; the harness (server,
//! orgs, load, latencies) is in `auditlog-bench.rs`.

use std::time::Instant;

use auditlog::model::Catalog;
use auditlog::service::Principal;
use serde_json::{Value, json};

use super::{Cmd, Lat, load, new_org, run_ingest, settle, synthetic, timed_gets};

pub(crate) async fn bench(
    cmd: Cmd,
    catalog: &'static Catalog,
    actions: &[String],
    url: &str,
    service: &auditlog::service::Service,
) -> anyhow::Result<()> {
    let (url, service, actions) = (url.to_string(), service.clone(), actions.to_vec());
    match cmd {
        Cmd::Baseline { .. }
        | Cmd::Soak { .. }
        | Cmd::Noisy { .. }
        | Cmd::NoisySender { .. }
        | Cmd::CustomIngest { .. } => {
            anyhow::bail!("run by main")
        }
        Cmd::Ingest {
            batched_events,
            batched_clients,
            single_events,
        } => {
            let (_, w, _) = new_org(&service, "bench-batched").await?;
            let bodies: Vec<String> = (0..batched_events / 500)
                .map(|b| json!({"events": (0..500).map(|i| synthetic(catalog, &actions, b * 500 + i, None)).collect::<Vec<_>>()}).to_string())
                .collect();
            let (rate, mut lat) = run_ingest(&url, &w, bodies, batched_clients, 500).await?;
            println!(
                "ingest batched  ({batched_clients} clients x 500 events, {batched_events} events): {rate:>9.0} events/s   request p50 {:.1} ms  p99 {:.1} ms",
                lat.pct(0.5),
                lat.pct(0.99)
            );
            let (_, w, _) = new_org(&service, "bench-single").await?;
            let bodies: Vec<String> = (0..single_events)
                .map(|n| synthetic(catalog, &actions, n, None).to_string())
                .collect();
            let (rate, mut lat) = run_ingest(&url, &w, bodies, 64, 1).await?;
            println!(
                "ingest single   (64 clients x 1 event, {single_events} events):   {rate:>9.0} events/s   request p50 {:.1} ms  p99 {:.1} ms",
                lat.pct(0.5),
                lat.pct(0.99)
            );
        }
        Cmd::Reports {
            events,
            requests,
            export_events,
        } => {
            let (org, _, r) = match service
                .find_org(&Principal::Operator, "bench-reports")
                .await?
            {
                Some(org) => {
                    let key = service
                        .create_key(
                            &Principal::Operator,
                            &org.slug,
                            auditlog::model::Scope::Read,
                            "bench",
                        )
                        .await?;
                    println!("reusing the loaded org bench-reports");
                    settle().await?;
                    (org, String::new(), key.secret)
                }
                None => {
                    let (org, w, r) = new_org(&service, "bench-reports").await?;
                    load(&service, catalog, &actions, &org, events).await?;
                    (org, w, r)
                }
            };
            let _ = org;
            let client = reqwest::Client::builder().no_gzip().build()?;
            let queries = [
                "group_by=entity_type,verb",
                "group_by=actor",
                "group_by=actor&category=configuration",
                "group_by=category,day&tz=America/New_York",
                "group_by=verb&from=2026-03-01T10:17:00Z&to=2026-09-30T18:45:00Z",
                "group_by=actor,via_type&actor_type=system&tz=Europe/Berlin&from=2026-01-01&to=2026-06-30",
            ];
            for q in queries {
                let (mut lat, last) = timed_gets(
                    &client,
                    &format!("{url}/v1/events/summary?{q}"),
                    &r,
                    requests,
                )
                .await?;
                let total = serde_json::from_slice::<Value>(&last)?["total"]
                    .as_u64()
                    .unwrap_or(0);
                println!(
                    "summary ({q:<90}) total {total:>8}  p50 {:>7.2} ms  p99 {:>7.2} ms",
                    lat.pct(0.5),
                    lat.pct(0.99)
                );
            }
            if export_events == 0 {
                return Ok(());
            }
            // export: a separate org of export_events, peak RSS measured from a reset
            let (eorg, _, er) = new_org(&service, "bench-export").await?;
            load(&service, catalog, &actions, &eorg, export_events).await?;
            let _ = std::fs::write("/proc/self/clear_refs", "5");
            for format in ["csv", "ndjson"] {
                let t = Instant::now();
                let resp = client
                    .get(format!("{url}/v1/events/export?format={format}"))
                    .bearer_auth(&er)
                    .send()
                    .await?;
                anyhow::ensure!(resp.status() == 200, "export answered {}", resp.status());
                let mut stream = resp.bytes_stream();
                let (mut bytes, mut lines) = (0usize, 0usize);
                use futures_util::StreamExt;
                while let Some(chunk) = stream.next().await {
                    let chunk = chunk?;
                    bytes += chunk.len();
                    lines += chunk.iter().filter(|b| **b == b'\n').count();
                }
                let secs = t.elapsed().as_secs_f64();
                let rows = if format == "csv" {
                    lines.saturating_sub(1)
                } else {
                    lines
                };
                println!(
                    "export {format:<6} {rows} rows, {:.0} MB in {secs:.2}s: {:>9.0} rows/s",
                    bytes as f64 / 1e6,
                    rows as f64 / secs
                );
            }
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let hwm = status
                .lines()
                .find(|l| l.starts_with("VmHWM"))
                .unwrap_or("VmHWM: ?");
            println!(
                "peak RSS of the whole process (server and client) during the exports: {}",
                hwm.trim_start_matches("VmHWM:").trim()
            );
        }
        Cmd::Integrity { events, requests } => {
            let (org, _, r) = new_org(&service, "bench-integrity").await?;
            load(&service, catalog, &actions, &org, events).await?;
            let admin = Principal::Key {
                key_id: "bench".into(),
                org: org.clone(),
                scope: auditlog::model::Scope::Admin,
            };
            let t = Instant::now();
            let cp = service.create_checkpoint(&admin).await?;
            println!(
                "checkpoint of {} events signed in {:.1} ms",
                cp.tree_size,
                t.elapsed().as_secs_f64() * 1e3
            );
            let verifiers =
                auditlog::service::integrity::verifiers(service.store().as_ref()).await?;
            let (opened, _) = auditlog::model::checkpoint::open(&cp.note, &verifiers)
                .map_err(anyhow::Error::msg)?;
            let client = reqwest::Client::builder().no_gzip().build()?;
            let dir = tempfile::tempdir()?;
            let path = dir.path().join("export.ndjson");
            let t = Instant::now();
            let bytes = client
                .get(format!("{url}/v1/events/export?format=ndjson"))
                .bearer_auth(&r)
                .send()
                .await?
                .bytes()
                .await?;
            std::fs::write(&path, &bytes)?;
            println!(
                "exported {} MB in {:.1}s",
                bytes.len() / 1_000_000,
                t.elapsed().as_secs_f64()
            );
            drop(bytes);
            let t = Instant::now();
            let report =
                auditlog::service::integrity::verify_export(&path, vec![opened], None, |_| {})
                    .map_err(anyhow::Error::msg)?;
            println!(
                "offline verify of the export: {} in {:.2}s",
                report.summary(),
                t.elapsed().as_secs_f64()
            );
            // inclusion and consistency proofs over HTTP
            let mut lat = Lat(Vec::new());
            let mut sizes = Vec::new();
            let mut rng = 12345u64;
            for _ in 0..requests {
                rng = rng
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let seq = 1 + (rng >> 33) % events as u64;
                let id = service
                    .store()
                    .verify_rows(&org, seq, 1)
                    .await?
                    .pop()
                    .map(|row| row.id)
                    .unwrap_or_default();
                let t = Instant::now();
                let p: Value = client
                    .get(format!("{url}/v1/integrity/inclusion?event_id={id}"))
                    .bearer_auth(&r)
                    .send()
                    .await?
                    .json()
                    .await?;
                lat.0.push(t.elapsed());
                sizes.push(p["proof"].as_array().map_or(0, Vec::len));
            }
            println!(
                "inclusion proof at tree size {events}: {} hashes, p50 {:.2} ms  p99 {:.2} ms",
                sizes.iter().max().unwrap_or(&0),
                lat.pct(0.5),
                lat.pct(0.99)
            );
            let mut lat = Lat(Vec::new());
            let mut size = 0;
            for i in 0..requests {
                let from = 1 + (i as u64 * 7919) % events as u64;
                let t = Instant::now();
                let p: Value = client
                    .get(format!(
                        "{url}/v1/integrity/consistency?from={from}&to={events}"
                    ))
                    .bearer_auth(&r)
                    .send()
                    .await?
                    .json()
                    .await?;
                lat.0.push(t.elapsed());
                size = size.max(p["proof"].as_array().map_or(0, Vec::len));
            }
            println!(
                "consistency proof to tree size {events}: up to {size} hashes, p50 {:.2} ms  p99 {:.2} ms",
                lat.pct(0.5),
                lat.pct(0.99)
            );
        }
        Cmd::Query { events, requests } => {
            let r = match service
                .find_org(&Principal::Operator, "bench-query")
                .await?
            {
                Some(org) => {
                    println!("reusing the loaded org bench-query");
                    settle().await?;
                    service
                        .create_key(
                            &Principal::Operator,
                            &org.slug,
                            auditlog::model::Scope::Read,
                            "bench",
                        )
                        .await?
                        .secret
                }
                None => {
                    let (org, _, r) = new_org(&service, "bench-query").await?;
                    load(&service, catalog, &actions, &org, events).await?;
                    r
                }
            };
            let client = reqwest::Client::builder().no_gzip().build()?;
            let filters = [
                "",
                "category=configuration",
                "entity_type=ticket&verb=updated,closed",
                "action=rule.*",
                "actor_type=system",
                "actor_id=u_7",
                "category=security&from=2026-01-01&to=2026-06-30&tz=Europe/Berlin",
                "entity_id=ticket_42",
            ];
            for f in filters {
                let (mut lat, _) = timed_gets(
                    &client,
                    &format!("{url}/v1/events?limit=100&{f}"),
                    &r,
                    requests,
                )
                .await?;
                println!(
                    "first page ({:<62}) p50 {:>7.2} ms  p99 {:>7.2} ms",
                    if f.is_empty() { "no filter" } else { f },
                    lat.pct(0.5),
                    lat.pct(0.99)
                );
            }
        }
    }
    Ok(())
}
