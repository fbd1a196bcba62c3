//! The naive way many helpdesks store an audit log, measured on the same machine and
//! workload as ours: one INSERT per event into a table with a JSONB column, committed per
//! request, and reports as `GROUP BY` over the JSON. No chain, no tree, no rollups, no
//! authentication (which only flatters it).

use std::sync::Arc;
use std::time::Instant;

use auditlog::model::Catalog;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use serde_json::{Value, json};
use tokio_postgres::NoTls;

use crate::{Lat, run_ingest, synthetic};

const SCHEMA: &str = "
CREATE TABLE naive_events (
    id         BIGSERIAL PRIMARY KEY,
    org_id     BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    data       JSONB NOT NULL
);
CREATE INDEX naive_events_org_time ON naive_events (org_id, created_at);
";

fn pool(url: &str) -> anyhow::Result<Pool> {
    let manager = Manager::from_config(
        url.parse()?,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Ok(Pool::builder(manager).max_size(16).build()?)
}

async fn ingest(State(pool): State<Pool>, body: String) -> (StatusCode, String) {
    let result: anyhow::Result<usize> = async {
        let v: Value = serde_json::from_str(&body)?;
        let events = match v.get("events") {
            Some(Value::Array(a)) => a.clone(),
            _ => vec![v],
        };
        let mut c = pool.get().await?;
        let tx = c.transaction().await?;
        let stmt = tx
            .prepare_cached("INSERT INTO naive_events (org_id, data) VALUES ($1, $2)")
            .await?;
        for e in &events {
            tx.execute(&stmt, &[&1i64, e]).await?;
        }
        tx.commit().await?;
        Ok(events.len())
    }
    .await;
    match result {
        Ok(n) => (StatusCode::CREATED, json!({ "stored": n }).to_string()),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

#[allow(clippy::too_many_arguments)]
pub async fn run(
    url: &str,
    catalog: &Catalog,
    actions: &[String],
    batched_events: usize,
    single_events: usize,
    query_events: usize,
    requests: usize,
) -> anyhow::Result<()> {
    let pool = pool(url)?;
    pool.get().await?.batch_execute(SCHEMA).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = Router::new()
        .route("/v1/events", post(ingest))
        .with_state(pool.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });

    println!("store: naive PostgreSQL (INSERT per event, JSONB, commit per request)");
    let bodies: Vec<String> = (0..batched_events / 500)
        .map(|b| json!({"events": (0..500).map(|i| synthetic(catalog, actions, b * 500 + i, None)).collect::<Vec<_>>()}).to_string())
        .collect();
    let (rate, mut lat) = run_ingest(&base, "none", bodies, 4, 500).await?;
    println!(
        "naive ingest batched  (4 clients x 500 events, {batched_events} events): {rate:>9.0} events/s   request p50 {:.1} ms  p99 {:.1} ms",
        lat.pct(0.5),
        lat.pct(0.99)
    );
    let bodies: Vec<String> = (0..single_events)
        .map(|n| synthetic(catalog, actions, n, None).to_string())
        .collect();
    let (rate, mut lat) = run_ingest(&base, "none", bodies, 64, 1).await?;
    println!(
        "naive ingest single   (64 clients x 1 event, {single_events} events):   {rate:>9.0} events/s   request p50 {:.1} ms  p99 {:.1} ms",
        lat.pct(0.5),
        lat.pct(0.99)
    );

    // the same questions over a year of one org, asked of the JSONB table
    let c = pool.get().await?;
    c.batch_execute("TRUNCATE naive_events").await?;
    let started = Instant::now();
    let now = auditlog::model::time::now_micros();
    let year = 365 * 24 * 3600 * 1_000_000i64;
    for chunk in 0..query_events.div_ceil(5000) {
        let range = chunk * 5000..((chunk + 1) * 5000).min(query_events);
        let at: Vec<i64> = range
            .clone()
            .map(|n| now - year + n as i64 * (year / query_events as i64))
            .collect();
        let data: Vec<Value> = range
            .map(|n| synthetic(catalog, actions, n, None))
            .collect();
        c.execute(
            "INSERT INTO naive_events (org_id, created_at, data)
             SELECT 1, to_timestamp(t / 1000000.0), d FROM UNNEST($1::BIGINT[], $2::JSONB[]) AS u(t, d)",
            &[&at, &data],
        )
        .await?;
    }
    c.batch_execute("VACUUM ANALYZE naive_events").await?;
    println!(
        "loaded {query_events} events into the naive table in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    let config_actions: Vec<String> = catalog
        .actions()
        .filter(|a| a.category == "configuration")
        .map(|a| a.name.clone())
        .collect();
    let queries: [(&str, &str); 5] = [
        (
            "first page, no filter",
            "SELECT data FROM naive_events WHERE org_id = 1 ORDER BY created_at DESC LIMIT 50",
        ),
        (
            "first page, category=configuration",
            "SELECT data FROM naive_events WHERE org_id = 1 AND data->>'action' = ANY($1) ORDER BY created_at DESC LIMIT 50",
        ),
        (
            "first page, actor_id=u_7",
            "SELECT data FROM naive_events WHERE org_id = 1 AND data->'actor'->>'id' = 'u_7' ORDER BY created_at DESC LIMIT 50",
        ),
        (
            "summary group_by=entity_type,verb (year)",
            "SELECT data->'entity'->>'type', split_part(data->>'action', '.', 2), count(*) FROM naive_events
             WHERE org_id = 1 AND created_at >= now() - interval '1 year' GROUP BY 1, 2",
        ),
        (
            "summary group_by=actor (year)",
            "SELECT data->'actor'->>'type', data->'actor'->>'id', count(*) FROM naive_events
             WHERE org_id = 1 AND created_at >= now() - interval '1 year' GROUP BY 1, 2",
        ),
    ];
    let config_actions = Arc::new(config_actions);
    for (name, sql) in queries {
        let stmt = c.prepare(sql).await?;
        let mut lat = Lat(Vec::with_capacity(requests));
        for _ in 0..requests {
            let t = Instant::now();
            if sql.contains("$1") {
                c.query(&stmt, &[&*config_actions]).await?;
            } else {
                c.query(&stmt, &[]).await?;
            }
            lat.0.push(t.elapsed());
        }
        println!(
            "naive {name:<45} p50 {:>8.2} ms  p99 {:>8.2} ms",
            lat.pct(0.5),
            lat.pct(0.99)
        );
    }
    Ok(())
}
