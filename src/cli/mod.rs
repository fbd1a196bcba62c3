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
    about = "Multi-tenant audit log service for customer-support platforms",
    after_help = "Start here: `auditlog demo` for a tour (a seeded demo org, its keys, commands to try);
`auditlog serve` to run the service, then `auditlog org create SLUG` for an org and its first key."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Each command's example sits next to its description, as `after_help` (demo's in demo.rs).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (the API, the Audit Log page, checkpoint signing and retention).
    #[command(after_help = "Examples:
  auditlog serve                                  # ./auditlog-data, http://127.0.0.1:8080
  auditlog serve --listen 0.0.0.0:8080 --data-dir /var/lib/auditlog --retention-days 365")]
    Serve(serve::ServeArgs),
    /// Seed (once) a `demo` org with 90 days of helpdesk history, print keys, and serve.
    Demo(demo::DemoArgs),
    /// Manage organizations directly in the database (operator; no server needed).
    #[command(
        subcommand,
        after_help = "Example:\n  auditlog org create acme --name \"Acme Support\""
    )]
    Org(admin::OrgCommand),
    /// Manage API keys directly in the database (operator; no server needed).
    #[command(
        subcommand,
        after_help = "Example:\n  auditlog key create --org acme --scope read --name reports"
    )]
    Key(admin::KeyCommand),
    /// Send one event (or a batch) to a running server.
    #[command(after_help = r#"Examples:
  auditlog emit --key $KEY --action rule.updated --entity-id r_9 \
      --entity-name "Route VIP customers" --actor-id u_1 --actor-name "Ana Lima" \
      --changes '[{"field":"priority","old":"normal","new":"high"}]'
  auditlog emit --key $KEY --action ticket.closed --entity-id t_1 --system \
      --via-type rule --via-name Auto-close
  echo '{"action":"tag.created","entity":{"type":"tag","id":"tg_1"},"actor":{"type":"system"}}' \
      | auditlog emit --key $KEY --json -"#)]
    Emit(client::EmitArgs),
    /// Query events from a running server and print them as a table (or JSON).
    #[command(after_help = r#"Examples:
  auditlog query --key $KEY --entity-type rule --from 2026-11-01
  auditlog query --key $KEY --category security --from 2026-11-01 --to 2026-11-30 \
      --tz Europe/Berlin --pages 5
  auditlog query --key $KEY --actor-id u_1 --json"#)]
    Query(client::QueryArgs),
    /// Download events from a running server as CSV or NDJSON (streamed, any size).
    #[command(after_help = "Examples:
  auditlog export --key $KEY --category security --from 2026-11-01 --to 2026-11-30
  auditlog export --key $KEY --format ndjson --category all --out acme.ndjson  # for verify --file")]
    Export(client::ExportArgs),
    /// Verify an org's log in the database, or an export offline. Exit 1 names the first
    /// broken seq.
    #[command(after_help = "Examples:
  auditlog verify --org acme
  auditlog verify --file acme.ndjson --public-key verifier.key --checkpoint checkpoint.json

verifier.key holds a `verifier_key` of GET /v1/integrity/public-keys, checkpoint.json the JSON
of GET /v1/integrity/checkpoints/latest, acme.ndjson `auditlog export --format ndjson
--category all`.")]
    Verify(verify::VerifyArgs),
    /// Apply an org's retention now (events stored longer ago than its retention period),
    /// keeping the tree state so what is left still verifies.
    #[command(after_help = "Examples:
  auditlog purge --org acme --retention-days 365 --dry-run   # count only
  auditlog purge --org acme --retention-days 365")]
    Purge(verify::PurgeArgs),
    /// Check an inclusion or consistency proof against saved signed checkpoints (offline).
    #[command(
        subcommand,
        after_help = r#"Example:
  auditlog verify-proof inclusion --proof proof.json --checkpoint checkpoint.json \
      --public-key verifier.key"#
    )]
    VerifyProof(verify::ProofCommand),
}

/// Where the database is: shared by every command that opens it directly.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Directory holding the embedded SQLite database (`auditlog.db`) and the server's key
    /// files; created when missing.
    #[arg(long, env = "AUDITLOG_DATA_DIR", default_value = crate::config::DATA_DIR)]
    pub data_dir: PathBuf,
    /// Database URL, used instead of the SQLite file in --data-dir (the key files stay
    /// there): `postgres://USER@HOST:PORT/DB` (several nodes on one database) or
    /// `sqlite:PATH`.
    #[arg(long, env = "AUDITLOG_DATABASE_URL")]
    pub database: Option<String>,
    /// Open the database even when it does not make writes durable: SQLite without WAL mode
    /// and synchronous=FULL, PostgreSQL with fsync or synchronous_commit off (acknowledged
    /// events may be lost on a crash). For throwaway instances only.
    #[arg(long, env = "AUDITLOG_UNSAFE_ALLOW_UNSYNCED")]
    pub unsafe_allow_unsynced: bool,
}

impl DbArgs {
    /// The service over this database, for the operator commands: they act as
    /// [`Principal::Operator`](crate::service::Principal::Operator) through it, as the
    /// operator API does over HTTP.
    pub(crate) async fn service(&self) -> anyhow::Result<crate::service::Service> {
        let store = crate::server::open_store(
            &self.data_dir,
            self.database.as_deref(),
            self.unsafe_allow_unsynced,
        )
        .await?;
        Ok(crate::service::Service::new(
            store,
            crate::service::Limits::default(),
            None,
        ))
    }
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
        .unwrap_or_else(|_| EnvFilter::new(crate::config::LOG_FILTER));
    // colour only on a terminal: a log written to a file or a pipe keeps no escape codes
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
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

    /// Every flag and argument of every command says what it is, and every command shows an
    /// example: a flag added without a doc comment, or a command without `after_help`,
    /// fails here.
    #[test]
    fn every_argument_is_described_and_every_command_has_an_example() {
        fn text(s: Option<&clap::builder::StyledStr>) -> String {
            let s = s.map(ToString::to_string).unwrap_or_default();
            s.trim().to_string()
        }
        fn walk(cmd: &clap::Command, path: &str, problems: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                if text(arg.get_long_help().or(arg.get_help())).is_empty() {
                    problems.push(format!("`{path}`: argument {id} has no help"));
                }
            }
            if !path.is_empty() {
                if text(cmd.get_about()).is_empty() {
                    problems.push(format!("`{path}` has no description"));
                }
                if !text(cmd.get_after_long_help().or(cmd.get_after_help())).contains("Example") {
                    problems.push(format!("`{path}` shows no example (after_help)"));
                }
            }
            for sub in cmd.get_subcommands() {
                let name = sub.get_name();
                let sub_path = format!("{path} {name}");
                walk(sub, sub_path.trim(), problems);
            }
        }
        let cli = Cli::command();
        let mut problems = Vec::new();
        walk(&cli, "", &mut problems);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        // the walk did reach the nested commands
        let names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
        for name in ["serve", "demo", "org", "query", "verify-proof"] {
            assert!(names.contains(&name), "{names:?}");
        }
        let key = cli.find_subcommand("key").unwrap();
        assert!(key.find_subcommand("revoke").is_some());
        // and the walk would catch what it is for
        let bad = clap::Command::new("t").subcommand(
            clap::Command::new("sub")
                .about("does a thing")
                .arg(clap::Arg::new("flag").long("flag")),
        );
        let mut problems = Vec::new();
        walk(&bad, "", &mut problems);
        assert_eq!(
            problems,
            [
                "`sub`: argument flag has no help",
                "`sub` shows no example (after_help)"
            ]
        );
    }
}
