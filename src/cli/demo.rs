//! `auditlog demo`: seeds a `demo` org once, keeps its two demo keys, prints them with a
//! signed-in link to the page and commands to try, and serves.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use serde::{Deserialize, Serialize};

use super::serve::ServeArgs;
use crate::demo::{DemoOptions, generate};
use crate::model::Scope;
use crate::model::time::now_micros;
use crate::server::{bind_configured, build_service, shutdown_signal};
use crate::service::{MintViewerToken, Principal, Service, SystemActor};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cargo run --release -- demo                   # seed ./auditlog-data once, serve on :8080
  auditlog demo --listen 127.0.0.1:9000 --data-dir /tmp/demo
  auditlog demo --no-serve                      # seed and print the keys, then exit")]
pub struct DemoArgs {
    #[command(flatten)]
    pub serve: ServeArgs,
    /// How many events to seed (only when the demo org does not exist yet).
    #[arg(long, default_value_t = crate::config::DEMO_EVENTS)]
    pub events: usize,
    /// How many days of history to seed, ending now.
    #[arg(long, default_value_t = crate::config::DEMO_DAYS)]
    pub days: u32,
    /// Seed and print the keys, then exit instead of serving (`auditlog serve` on the same
    /// data dir serves the demo org later).
    #[arg(long)]
    pub no_serve: bool,
}

/// The file in the data dir that keeps the demo's two keys, so that every run of the demo
/// prints the same keys instead of minting two more.
const KEYS_FILE: &str = "demo-keys.json";

/// How long the printed page link stays signed in: the longest a viewer token may live.
const LINK_TTL_SECS: i64 = crate::service::viewer::MAX_TTL_SECS;

#[derive(Serialize, Deserialize)]
struct DemoKeys {
    read: String,
    write: String,
}

pub async fn demo(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let config = args.serve.config()?;
    let service = build_service(&config).await?;
    let org = seed(&service, &args).await?;
    // sign the seeded history right away, so `auditlog verify` has a checkpoint to match
    service.checkpoint_org(&org).await?;
    let keys = demo_keys(&service, &args.serve.db.data_dir).await?;
    let db = db_flags(&args);
    let verify = format!("{} verify --org demo{db}", program());
    if args.no_serve {
        println!("\nthe demo org is ready in the database (not serving: --no-serve)");
        println!("  org:       {}", org.slug);
        println!("  read key:  {}", keys.read);
        println!("  write key: {}", keys.write);
        println!("\nserve it:   {} demo{db}", program());
        println!("verify it:  {verify}");
        return Ok(ExitCode::SUCCESS);
    }
    let bound = bind_configured(&config, service.clone()).await?;
    let url = format!("http://{}", bound.addr);
    let reader = service.authenticate(Some(&keys.read)).await?;
    let minted = service
        .mint_viewer_token(
            &reader,
            MintViewerToken {
                ttl_seconds: Some(LINK_TTL_SECS),
                categories: None,
            },
        )
        .await?;
    // what `POST /v1/viewer-tokens` would answer
    let embed_path = crate::api::views::ViewerToken::from(&minted).embed_path;
    println!("\nauditlog demo is serving at {url}");
    println!("  org:       {} ({})", org.slug, org.name);
    println!("  read key:  {}", keys.read);
    println!("  write key: {}", keys.write);
    println!("\nopen the Audit Log page, signed in (read-only, for 24 hours):");
    println!("  {url}{embed_path}");
    println!("or open {url}/ and sign in with the read key.");
    let r = &keys.read;
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
    println!("  {verify}");
    println!("\nCtrl-C stops the server; the next run serves the same data and keys.");
    // the lines above reach a pipe (a script, a test) before the server blocks
    let _ = std::io::stdout().flush();
    bound.serve(shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

/// The demo org, created and seeded with generated history when it does not exist yet.
async fn seed(service: &Service, args: &DemoArgs) -> anyhow::Result<crate::model::Org> {
    let op = Principal::Operator;
    if let Some(org) = service.find_org(&op, "demo").await? {
        println!("demo org exists already; not seeding again");
        return Ok(org);
    }
    let created = service
        .create_org(
            &Principal::OperatorCommand("auditlog demo"),
            "demo",
            Some("Acme Support"),
        )
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
    let writer = Principal::System(SystemActor::DemoSeed(created.org.clone()));
    let total = values.len();
    for chunk in values.chunks(1000) {
        service.ingest_values(&writer, chunk.to_vec()).await?;
    }
    println!(
        "seeded {total} events over {} days in {:.1}s",
        args.days,
        started.elapsed().as_secs_f64()
    );
    Ok(created.org)
}

/// The demo's read and write keys: each one kept in `<data-dir>/demo-keys.json` while it
/// still works, else a new one (the file rewritten, readable by the owner only).
async fn demo_keys(service: &Service, data_dir: &Path) -> anyhow::Result<DemoKeys> {
    let path = data_dir.join(KEYS_FILE);
    let kept = std::fs::read_to_string(&path)
        .ok()
        .and_then(|text| serde_json::from_str::<DemoKeys>(&text).ok());
    let (read, write) = match kept {
        Some(k) => (Some(k.read), Some(k.write)),
        None => (None, None),
    };
    let keys = DemoKeys {
        read: key(service, read, Scope::Read).await?,
        write: key(service, write, Scope::Write).await?,
    };
    write_private(&path, &serde_json::to_vec_pretty(&keys)?)
        .with_context(|| format!("keeping the demo keys in {}", path.display()))?;
    Ok(keys)
}

/// `kept` if it still works as a `scope` key of the demo org, else a new one.
async fn key(service: &Service, kept: Option<String>, scope: Scope) -> anyhow::Result<String> {
    if let Some(secret) = kept
        && works(service, &secret, scope).await
    {
        return Ok(secret);
    }
    let name = format!("demo {}", scope.as_str());
    let created = service
        .create_key(
            &Principal::OperatorCommand("auditlog demo"),
            "demo",
            scope,
            &name,
        )
        .await?;
    Ok(created.secret)
}

/// True when `secret` is an unrevoked key of the demo org with exactly `scope`.
async fn works(service: &Service, secret: &str, scope: Scope) -> bool {
    matches!(
        service.authenticate(Some(secret)).await,
        Ok(Principal::Key { org, scope: s, .. }) if org.slug == "demo" && s == scope
    )
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The database flags of this run, for the commands the demo prints (none for the default
/// data dir), so that they open the same database.
fn db_flags(args: &DemoArgs) -> String {
    let db = &args.serve.db;
    match &db.database {
        Some(url) => format!(" --database '{}'", crate::server::redact_url(url)),
        None if db.data_dir != Path::new(crate::config::DATA_DIR) => {
            format!(" --data-dir {}", db.data_dir.display())
        }
        None => String::new(),
    }
}

/// How to run this program again from the same directory, so that a printed command runs as
/// shown: `cargo run [--release] --` when cargo started it, else the path it was started by (`auditlog` when found on PATH).
pub(super) fn program() -> String {
    let under_cargo = std::env::var_os("CARGO_PKG_NAME").is_some_and(|n| n == "auditlog")
        && std::env::var_os("CARGO").is_some();
    let exe = std::env::current_exe().ok();
    let profile = exe
        .as_deref()
        .and_then(Path::parent)
        .and_then(Path::file_name)
        .and_then(|n| n.to_str());
    match profile {
        Some("release") if under_cargo => "cargo run --release --".into(),
        Some("debug") if under_cargo => "cargo run --".into(),
        _ => std::env::args().next().unwrap_or_else(|| "auditlog".into()),
    }
}
