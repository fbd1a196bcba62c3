//! Benchmark harness (not a test): starts the real server in-process on a temporary SQLite
//! file (or a fresh schema of a PostgreSQL database) and drives it over HTTP on loopback,
//! printing throughput and latency.
//!
//!   cargo run --release --bin auditlog-bench -- ingest
//!   cargo run --release --bin auditlog-bench -- query --events 1000000
//!   cargo run --release --bin auditlog-bench -- noisy
//!   cargo run --release --bin auditlog-bench -- custom-ingest
//!   cargo run --release --bin auditlog-bench -- --database postgres://postgres@127.0.0.1/test ingest
//!   cargo run --release --bin auditlog-bench -- --database postgres://postgres@127.0.0.1/test baseline

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::sync::Arc;
use std::time::{Duration, Instant};

use auditlog::model::Catalog;
use auditlog::server::{ServerConfig, bind};
use auditlog::service::Principal;
use clap::{Parser, Subcommand};
use serde_json::{Value, json};

#[derive(Parser)]
#[command(about = "auditlog benchmark harness")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
    /// Data directory (default: a fresh temporary directory).
    #[arg(long, global = true)]
    data_dir: Option<std::path::PathBuf>,
    /// Run on this PostgreSQL database (`postgres://...`) instead of SQLite, in a fresh schema
    /// dropped afterwards (or in --pg-schema, kept, to reuse loaded data).
    #[arg(long, global = true)]
    database: Option<String>,
    /// PostgreSQL schema to use and keep.
    #[arg(long, global = true)]
    pg_schema: Option<String>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Batched and single-event ingest over HTTP.
    Ingest {
        /// Events for the batched run (4 clients x 500-event batches).
        #[arg(long, default_value_t = 400_000)]
        batched_events: usize,
        /// Concurrent clients in the batched run.
        #[arg(long, default_value_t = 4)]
        batched_clients: usize,
        /// Events for the single-event run (64 clients).
        #[arg(long, default_value_t = 100_000)]
        single_events: usize,
    },
    /// Event Counts over a large org spread over a year, then a full export.
    Reports {
        #[arg(long, default_value_t = 5_000_000)]
        events: usize,
        #[arg(long, default_value_t = 100)]
        requests: usize,
        /// Events in the export run.
        #[arg(long, default_value_t = 1_000_000)]
        export_events: usize,
    },
    /// Offline verification of an unfiltered export, and proof sizes and times.
    Integrity {
        #[arg(long, default_value_t = 1_000_000)]
        events: usize,
        #[arg(long, default_value_t = 200)]
        requests: usize,
    },
    /// The naive way, for comparison (PostgreSQL only): an HTTP endpoint that INSERTs each
    /// event into a table with a JSONB column, one transaction per request, plus the
    /// same summary and first-page questions asked of that table.
    Baseline {
        #[arg(long, default_value_t = 200_000)]
        batched_events: usize,
        #[arg(long, default_value_t = 50_000)]
        single_events: usize,
        /// Events loaded for the query comparison.
        #[arg(long, default_value_t = 1_000_000)]
        query_events: usize,
        #[arg(long, default_value_t = 50)]
        requests: usize,
    },
    /// A long run of the real binary at a steady load: mixed ingest, listings, Event Counts
    /// and exports (the last 10 s of an org) from several orgs; a line per minute and a verdict (errors, p99 drift,
    /// memory). Needs `cargo build --release` (it starts target/release/auditlog).
    Soak {
        #[arg(long, default_value_t = 10)]
        minutes: u64,
        /// Events per second in all (default: about half of what the server sustains with
        /// this mix of batches of 100, reads and exports on the 2-core machine).
        #[arg(long, default_value_t = 15_000)]
        rate: u64,
        #[arg(long, default_value_t = 3)]
        orgs: usize,
    },
    /// Noisy neighbour: a quiet org ingesting at a normal rate, alone and then next to an
    /// org sending 10x its per-key ingest quota (and, for contrast, with limits off).
    Noisy {
        /// Per-key ingest quota of the server, requests/s (burst: one second's worth).
        #[arg(long, default_value_t = 100)]
        quota: u32,
        /// The quiet org's rate, single-event requests/s.
        #[arg(long, default_value_t = 50)]
        quiet_rate: u32,
        /// The noisy org's rate as a multiple of the quota.
        #[arg(long, default_value_t = 10)]
        factor: u32,
        /// Seconds per phase.
        #[arg(long, default_value_t = 15)]
        seconds: u64,
        /// Rounds of the four phases; the verdict pools them.
        #[arg(long, default_value_t = 3)]
        rounds: u32,
    },
    /// The noisy neighbour's sender process (started by `noisy`).
    #[command(hide = true)]
    NoisySender {
        #[arg(long)]
        url: String,
        #[arg(long)]
        key: String,
        #[arg(long)]
        rate: u32,
        #[arg(long)]
        seconds: u64,
    },
    /// Batched ingest of a platform-defined action with a metadata schema vs the same events
    /// under a built-in action, in one run; prints the ratio.
    CustomIngest {
        #[arg(long, default_value_t = 200_000)]
        events: usize,
        #[arg(long, default_value_t = 4)]
        clients: usize,
    },
    /// First page of GET /v1/events with filters over a large org.
    Query {
        #[arg(long, default_value_t = 1_000_000)]
        events: usize,
        #[arg(long, default_value_t = 300)]
        requests: usize,
    },
}

#[path = "bench/baseline.rs"]
mod baseline;
#[path = "bench/custom.rs"]
mod custom;
#[path = "bench/measures.rs"]
mod measures;
#[path = "bench/noisy.rs"]
mod noisy;
#[path = "bench/soak.rs"]
mod soak;

const OPERATOR: &str = "bench-operator-token-0123456789";

const BENCH_ROLE: &str = "auditlog_bench";

/// A PostgreSQL schema for one benchmark run.
struct PgBench {
    base: String,
    schema: String,
    keep: bool,
}

impl PgBench {
    async fn new(base: &str, schema: Option<String>) -> anyhow::Result<PgBench> {
        let keep = schema.is_some();
        let schema = schema.unwrap_or_else(|| {
            format!("bench_{}", auditlog::model::time::now_micros() / 1_000_000)
        });
        let (client, conn) = tokio_postgres::connect(base, tokio_postgres::NoTls).await?;
        tokio::spawn(conn);
        // the service runs as an ordinary role, as in production: row-level security applies
        client
            .batch_execute(&format!(
                "DO $$ BEGIN CREATE ROLE {BENCH_ROLE} LOGIN;
                 EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
                 CREATE SCHEMA IF NOT EXISTS {schema};
                 GRANT ALL ON SCHEMA {schema} TO {BENCH_ROLE};"
            ))
            .await?;
        let _ = PG_SCHEMA.set((base.to_string(), schema.clone()));
        Ok(PgBench {
            base: base.to_string(),
            schema,
            keep,
        })
    }

    /// The schema as the benchmark's ordinary role (no password: a local trusting cluster).
    fn url(&self) -> String {
        let base = match self.base.split_once("://") {
            Some((scheme, rest)) => {
                let host = rest.split_once('@').map_or(rest, |(_, h)| h);
                format!("{scheme}://{BENCH_ROLE}@{host}")
            }
            None => self.base.clone(),
        };
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}options=-c%20search_path%3D{}", self.schema)
    }

    async fn finish(&self) {
        if self.keep {
            return;
        }
        if let Ok((client, conn)) = tokio_postgres::connect(&self.base, tokio_postgres::NoTls).await
        {
            tokio::spawn(conn);
            let _ = client
                .batch_execute(&format!("DROP SCHEMA {} CASCADE", self.schema))
                .await;
        }
    }
}

struct Lat(Vec<Duration>);

impl Lat {
    fn pct(&mut self, p: f64) -> f64 {
        self.0.sort_unstable();
        let i = ((self.0.len() as f64 - 1.0) * p).round() as usize;
        self.0[i].as_secs_f64() * 1000.0
    }
}

/// A plausible helpdesk event, about 500 bytes; `n` varies everything.
fn synthetic(catalog: &Catalog, actions: &[String], n: usize, occurred_at: Option<i64>) -> Value {
    let action = &actions[n % actions.len()];
    let a = catalog.action(action).expect("catalog action");
    let system = n.is_multiple_of(5);
    let mut e = json!({
        "action": action,
        "entity": {"type": a.entity_type, "id": format!("{}_{}", a.entity_type, n % 5000), "name": format!("{} #{}", a.label, n % 5000)},
        "actor": if system { json!({"type": "system"}) } else {
            json!({"type": "user", "id": format!("u_{}", n % 40), "name": format!("Agent {}", n % 40), "email": format!("agent{}@acme.test", n % 40)})
        },
        "changes": [{"field": "status", "old": "open", "new": "pending"}],
        "context": {"ip": format!("203.0.113.{}", n % 250), "user_agent": "Mozilla/5.0 (X11; Linux x86_64) helpdesk-web/4.2", "request_id": format!("req-{n}")},
    });
    if system {
        e["via"] =
            json!({"type": "rule", "id": format!("r_{}", n % 12), "name": "Auto-assign VIP"});
    }
    if let Some(t) = occurred_at {
        e["occurred_at"] = json!(auditlog::model::time::format_micros(t));
    }
    e
}

async fn start(
    data_dir: Option<std::path::PathBuf>,
    database: Option<String>,
    rate_limits: auditlog::service::ratelimit::RateLimits,
) -> anyhow::Result<(
    String,
    auditlog::service::Service,
    Option<tempfile::TempDir>,
)> {
    let (dir, tmp) = match data_dir {
        Some(d) => (d, None),
        None => {
            let t = tempfile::tempdir()?;
            (t.path().to_path_buf(), Some(t))
        }
    };
    let config = ServerConfig {
        operator_token: Some(OPERATOR.into()),
        database,
        rate_limits,
        ..ServerConfig::new("127.0.0.1:0", &dir)
    };
    let bound = bind(&config).await?;
    let url = format!("http://{}", bound.addr);
    let service = bound.service.clone();
    tokio::spawn(bound.serve(std::future::pending()));
    Ok((url, service, tmp))
}

async fn new_org(
    service: &auditlog::service::Service,
    slug: &str,
) -> anyhow::Result<(auditlog::model::Org, String, String)> {
    let op = Principal::Operator;
    let created = service.create_org(&op, slug, None).await?;
    let w = service
        .create_key(&op, slug, auditlog::model::Scope::Write, "bench")
        .await?;
    let r = service
        .create_key(&op, slug, auditlog::model::Scope::Read, "bench")
        .await?;
    Ok((created.org, w.secret, r.secret))
}

/// GETs `url` `n` times in a row; the latencies and the last body.
async fn timed_gets(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    n: usize,
) -> anyhow::Result<(Lat, bytes::Bytes)> {
    let mut lat = Lat(Vec::with_capacity(n));
    let mut last = bytes::Bytes::new();
    for _ in 0..n {
        let t = Instant::now();
        let resp = client.get(url).bearer_auth(key).send().await?;
        anyhow::ensure!(resp.status() == 200, "{url} answered {}", resp.status());
        last = resp.bytes().await?;
        lat.0.push(t.elapsed());
    }
    Ok((lat, last))
}

/// Loads `events` synthetic events spread evenly over the last year into `org`.
async fn load(
    service: &auditlog::service::Service,
    catalog: &Catalog,
    actions: &[String],
    org: &auditlog::model::Org,
    events: usize,
) -> anyhow::Result<()> {
    // a real write key, authenticated as a client's would be
    let key = service
        .create_key(
            &Principal::Operator,
            &org.slug,
            auditlog::model::Scope::Write,
            "bench-load",
        )
        .await?;
    let writer = service.authenticate(Some(&key.secret)).await?;
    let now = auditlog::model::time::now_micros();
    let year = 365 * 24 * 3600 * 1_000_000i64;
    let started = Instant::now();
    for chunk in 0..events.div_ceil(1000) {
        let values: Vec<Value> = (chunk * 1000..((chunk + 1) * 1000).min(events))
            .map(|n| {
                synthetic(
                    catalog,
                    actions,
                    n,
                    Some(now - year + (n as i64 * (year / events as i64))),
                )
            })
            .collect();
        service.ingest_values(&writer, values).await?;
    }
    println!(
        "loaded {events} events spread over a year into {} in {:.1}s",
        org.slug,
        started.elapsed().as_secs_f64()
    );
    settle().await
}

/// PostgreSQL (base URL, schema) of this run, for [`settle`].
static PG_SCHEMA: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();

/// After a bulk load, what autovacuum does on a live database over the year the load
/// pretends to span: statistics, and a visibility map that lets counts read rollups by
/// index only. Without it, the first minutes after a load measure a cold, unanalyzed table.
async fn settle() -> anyhow::Result<()> {
    let Some((base, schema)) = PG_SCHEMA.get() else {
        return Ok(());
    };
    if std::env::var_os("AUDITLOG_BENCH_NO_SETTLE").is_some() {
        println!("not vacuuming after the load (AUDITLOG_BENCH_NO_SETTLE)");
        return Ok(());
    }
    let started = Instant::now();
    let (client, conn) = tokio_postgres::connect(base, tokio_postgres::NoTls).await?;
    tokio::spawn(conn);
    for table in [
        "events",
        "rollup_action",
        "rollup_actor",
        "rollup_actor_actions",
        "merkle_nodes",
    ] {
        client
            .batch_execute(&format!("VACUUM (ANALYZE) {schema}.{table}"))
            .await?;
    }
    println!(
        "VACUUM ANALYZE after the load: {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn run_ingest(
    url: &str,
    key: &str,
    bodies: Vec<String>,
    clients: usize,
    events_per_body: usize,
) -> anyhow::Result<(f64, Lat)> {
    // no gzip: measure the service, not deflate (clients that ask for gzip get it)
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .no_gzip()
        .build()?;
    let queue = Arc::new(std::sync::Mutex::new(bodies));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, queue, url, key) = (
            client.clone(),
            queue.clone(),
            format!("{url}/v1/events"),
            key.to_string(),
        );
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let body = match queue.lock().ok().and_then(|mut q| q.pop()) {
                    Some(b) => b,
                    None => return Ok::<_, anyhow::Error>(lat),
                };
                let t = Instant::now();
                let r = client
                    .post(&url)
                    .bearer_auth(&key)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await?;
                let status = r.status();
                let answer = r.bytes().await?;
                anyhow::ensure!(
                    status == 201,
                    "ingest answered {status}: {}",
                    String::from_utf8_lossy(&answer)
                );
                lat.push(t.elapsed());
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    let secs = started.elapsed().as_secs_f64();
    Ok(((all.len() * events_per_body) as f64 / secs, Lat(all)))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let catalog = Catalog::builtin();
    // the log's own actions (reads, purges) are recorded by the service itself; clients
    // cannot send them
    let actions: Vec<String> = catalog
        .actions()
        .filter(|a| !a.service_only())
        .map(|a| a.name.clone())
        .collect();
    if let Cmd::NoisySender {
        url,
        key,
        rate,
        seconds,
    } = cli.cmd
    {
        return noisy::sender_main(catalog, &actions, url, key, rate, seconds).await;
    }
    let pg = match &cli.database {
        Some(url) if url.starts_with("postgres") => Some(PgBench::new(url, cli.pg_schema).await?),
        _ => None,
    };
    if let Cmd::Baseline {
        batched_events,
        single_events,
        query_events,
        requests,
    } = cli.cmd
    {
        let Some(pg) = &pg else {
            anyhow::bail!("baseline needs --database postgres://...");
        };
        let r = baseline::run(
            &pg.url(),
            catalog,
            &actions,
            batched_events,
            single_events,
            query_events,
            requests,
        )
        .await;
        pg.finish().await;
        return r;
    }
    let database = match &pg {
        Some(p) => Some(p.url()),
        None => cli.database.clone(),
    };
    if let Cmd::Soak {
        minutes,
        rate,
        orgs,
    } = cli.cmd
    {
        let r = soak::run(catalog, actions, minutes, rate, orgs, database).await;
        if let Some(pg) = &pg {
            pg.finish().await;
        }
        return r;
    }
    println!(
        "store: {}",
        if pg.is_some() { "PostgreSQL" } else { "SQLite" }
    );
    if let Cmd::Noisy {
        quota,
        quiet_rate,
        factor,
        seconds,
        rounds,
    } = cli.cmd
    {
        let n = noisy::Noisy {
            quota,
            quiet_rate,
            factor,
            seconds,
            rounds,
        };
        let r = noisy::run(&n, catalog, &actions, cli.data_dir, database).await;
        if let Some(pg) = &pg {
            pg.finish().await;
        }
        return r;
    }
    // capacity runs: one key sends as fast as it can, so per-key budgets are off
    let off = auditlog::service::ratelimit::RateLimits::OFF;
    let (url, service, _tmp) = start(cli.data_dir, database, off).await?;
    let result = match cli.cmd {
        Cmd::CustomIngest { events, clients } => custom::run(&url, &service, events, clients).await,
        cmd => measures::bench(cmd, catalog, &actions, &url, &service).await,
    };
    if let Some(pg) = &pg {
        pg.finish().await;
    }
    result
}
