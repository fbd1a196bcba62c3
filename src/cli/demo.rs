//! `auditlog demo`: seeds a `demo` org once, prints keys and a signed-in link, and serves.

use std::process::ExitCode;

use clap::Args;

use super::serve::ServeArgs;
use crate::demo::{DemoOptions, generate};
use crate::model::Scope;
use crate::model::time::now_micros;
use crate::server::{bind, shutdown_signal};
use crate::service::Principal;

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub serve: ServeArgs,
    /// How many events to seed (only when the demo org does not exist yet).
    #[arg(long, default_value_t = 60_000)]
    pub events: usize,
    /// How many days of history to seed.
    #[arg(long, default_value_t = 90)]
    pub days: u32,
    /// Seed and print keys, then exit instead of serving.
    #[arg(long)]
    pub no_serve: bool,
}

pub async fn demo(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let config = args.serve.config()?;
    let bound = bind(&config).await?;
    let service = bound.service.clone();
    let op = Principal::Operator;
    let org = match service.store().get_org("demo").await? {
        Some(org) => {
            println!("demo org exists already; not seeding again");
            org
        }
        None => {
            let created = service
                .create_org(&op, "demo", Some("Acme Support (demo)"))
                .await?;
            let started = std::time::Instant::now();
            let values = generate(
                service.catalog(),
                &DemoOptions {
                    seed: 42,
                    now_micros: now_micros() - 60_000_000,
                    days: args.days,
                    events: args.events,
                },
            );
            let writer = Principal::Key {
                key_id: "demo-seed".into(),
                org: created.org.clone(),
                scope: Scope::Write,
            };
            let total = values.len();
            for chunk in values.chunks(1000) {
                service.ingest_values(&writer, chunk.to_vec()).await?;
            }
            println!(
                "seeded {total} events over {} days in {:.1}s",
                args.days,
                started.elapsed().as_secs_f64()
            );
            created.org
        }
    };
    // sign the seeded history right away, so `auditlog verify` has a checkpoint to match
    service.checkpoint_org(&org).await?;
    let read = service
        .create_key(&op, &org.slug, Scope::Read, "demo read")
        .await?;
    let write = service
        .create_key(&op, &org.slug, Scope::Write, "demo write")
        .await?;
    let url = format!("http://{}", bound.addr);
    println!("\nauditlog demo is ready at {url}");
    println!("  org:       {}", org.slug);
    println!("  read key:  {}", read.secret);
    println!("  write key: {}", write.secret);
    let r = &read.secret;
    println!("\ntry:");
    println!(
        "  curl -s -H 'Authorization: Bearer {r}' '{url}/v1/events?limit=5&category=configuration'"
    );
    println!(
        "  curl -s -H 'Authorization: Bearer {r}' '{url}/v1/events/summary?group_by=actor&category=configuration'"
    );
    println!(
        "  curl -s -H 'Authorization: Bearer {r}' '{url}/v1/events/export?format=csv&category=security' -o security.csv"
    );
    match &args.serve.db.database {
        Some(db) => println!(
            "  auditlog verify --org demo --database '{}'",
            crate::server::redact_url(db)
        ),
        None => println!(
            "  auditlog verify --org demo --data-dir {}",
            args.serve.db.data_dir.display()
        ),
    }
    if args.no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    bound.serve(shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}
