//! The `auditlog` command line: one binary, a subcommand per job. Exit codes: 0 ok, 1 the
//! command ran and found a problem, 2 usage or runtime error.

mod admin;
mod client;
mod demo;
mod serve;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "auditlog",
    version,
    about = "Multi-tenant audit log service for customer-support platforms"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server.
    Serve(serve::ServeArgs),
    /// Seed (once) a `demo` org with 90 days of helpdesk history, print keys, and serve.
    Demo(demo::DemoArgs),
    /// Manage organizations directly in the database (operator).
    #[command(subcommand)]
    Org(admin::OrgCommand),
    /// Manage API keys directly in the database (operator).
    #[command(subcommand)]
    Key(admin::KeyCommand),
    /// Send one event to a running server.
    Emit(client::EmitArgs),
    /// Query events from a running server.
    Query(client::QueryArgs),
    /// Download events from a running server as CSV or NDJSON (streamed, any size).
    Export(client::ExportArgs),
    /// Verify an org's log in the database, or an export offline. Exit 1 names the first
    /// broken seq.
    Verify(verify::VerifyArgs),
    /// Apply an org's retention now (events stored longer ago than its retention period),
    /// keeping the tree state so what is left still verifies.
    Purge(verify::PurgeArgs),
    /// Check an inclusion or consistency proof against saved signed checkpoints.
    #[command(subcommand)]
    VerifyProof(verify::ProofCommand),
}

/// Where the database is: shared by every command that opens it directly.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Directory for the embedded SQLite database (`auditlog.db`).
    #[arg(long, env = "AUDITLOG_DATA_DIR", default_value = "./auditlog-data")]
    pub data_dir: PathBuf,
    /// Database URL; overrides --data-dir: `postgres://USER@HOST:PORT/DB` (several nodes on
    /// one database) or `sqlite:PATH`.
    #[arg(long, env = "AUDITLOG_DATABASE_URL")]
    pub database: Option<String>,
    /// Start even if SQLite cannot run in WAL mode with synchronous=FULL (acknowledged events
    /// may be lost on a crash). For throwaway instances only.
    #[arg(long, env = "AUDITLOG_UNSAFE_ALLOW_UNSYNCED")]
    pub unsafe_allow_unsynced: bool,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Serve(a) => serve::serve(a).await,
        Command::Demo(a) => demo::demo(a).await,
        Command::Org(c) => admin::org(c, &mut out).await,
        Command::Key(c) => admin::key(c, &mut out).await,
        Command::Emit(a) => client::emit(a, &mut out).await,
        Command::Query(a) => client::query(a, &mut out).await,
        Command::Export(a) => client::export(a).await,
        Command::Verify(a) => verify::verify(a, &mut out).await,
        Command::VerifyProof(c) => verify::verify_proof(c, &mut out),
        Command::Purge(a) => verify::purge(a, &mut out).await,
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("AUDITLOG_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }
}
