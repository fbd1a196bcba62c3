//! `auditlog serve`: its flags (shared with `auditlog demo`) and the server's start.

use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use super::DbArgs;
use crate::config;
use crate::server::{ServerConfig, bind, shutdown_signal};
use crate::service::Limits;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on, HOST:PORT (port 0: any free port; the address taken is printed).
    #[arg(long, env = "AUDITLOG_LISTEN", default_value = config::LISTEN)]
    pub listen: String,
    #[command(flatten)]
    pub db: DbArgs,
    /// Operator token (at least 16 characters) that opens the operator API, /v1/orgs:
    /// creating orgs and managing their keys over HTTP. Unset: the operator API is closed.
    #[arg(long, env = "AUDITLOG_OPERATOR_TOKEN", hide_env_values = true)]
    pub operator_token: Option<String>,
    /// Read the operator token from the first line of this file instead (keeps it out of
    /// the process list and the shell history).
    #[arg(
        long,
        env = "AUDITLOG_OPERATOR_TOKEN_FILE",
        conflicts_with = "operator_token"
    )]
    pub operator_token_file: Option<std::path::PathBuf>,
    /// Most events one ingest request (POST /v1/events) may carry.
    #[arg(long, env = "AUDITLOG_MAX_BATCH_EVENTS", default_value_t = config::MAX_BATCH_EVENTS)]
    pub max_batch_events: usize,
    /// Largest ingest request body in bytes.
    #[arg(long, env = "AUDITLOG_MAX_BODY_BYTES", default_value_t = config::MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// File holding the checkpoint signing key (64 hex digits, an Ed25519 seed); created
    /// with a fresh key when missing. Default: <data-dir>/checkpoint-signing.key.
    #[arg(long, env = "AUDITLOG_SIGNING_KEY_FILE")]
    pub signing_key_file: Option<std::path::PathBuf>,
    /// File holding the secret that signs viewer tokens (64 hex digits, 32 random bytes,
    /// e.g. from `openssl rand -hex 32`); it must exist. Nodes given the same file accept
    /// each other's tokens. Default: <data-dir>/viewer-token.key, created when missing.
    #[arg(long, env = "AUDITLOG_VIEWER_SECRET_FILE")]
    pub viewer_secret_file: Option<std::path::PathBuf>,
    /// The log's name, in every signed checkpoint: the signing key's name and the origin's
    /// prefix (`<name>/<org>`). `auditlog verify --log-name` must match it.
    #[arg(long, env = "AUDITLOG_LOG_NAME", default_value = config::LOG_NAME)]
    pub log_name: String,
    /// Sign a checkpoint (a signed Merkle tree head) of each org whose log grew at least
    /// every this many seconds.
    #[arg(long, env = "AUDITLOG_CHECKPOINT_INTERVAL_SECS", default_value_t = config::CHECKPOINT_INTERVAL_SECS)]
    pub checkpoint_interval_secs: u64,
    /// Also sign one when an org's log grew by this many events since its last checkpoint
    /// (checked every few seconds).
    #[arg(long, env = "AUDITLOG_CHECKPOINT_EVERY", default_value_t = config::CHECKPOINT_EVERY)]
    pub checkpoint_every: u64,
    /// Delete events stored more than this many days ago, for orgs that set no retention of
    /// their own (unset or 0: keep forever).
    #[arg(long, env = "AUDITLOG_RETENTION_DAYS")]
    pub retention_days: Option<u32>,
    /// How often the retention purge runs, in seconds.
    #[arg(long, env = "AUDITLOG_PURGE_INTERVAL_SECS", default_value_t = config::PURGE_INTERVAL_SECS)]
    pub purge_interval_secs: u64,
    /// Origins allowed to show the Audit Log page in a frame (`/embed`), comma-separated,
    /// e.g. `https://helpdesk.example.com`. Default: none may frame it.
    #[arg(long, env = "AUDITLOG_EMBED_ORIGINS", value_delimiter = ',')]
    pub embed_origins: Vec<String>,
    /// Ingest requests per second per API key (0: unlimited).
    #[arg(long, env = "AUDITLOG_RATE_LIMIT_INGEST", default_value_t = config::RATE_LIMIT_INGEST_PER_SECOND)]
    pub rate_limit_ingest: u32,
    /// Ingest requests a key may send at once (default: two seconds' worth).
    #[arg(long, env = "AUDITLOG_RATE_LIMIT_INGEST_BURST")]
    pub rate_limit_ingest_burst: Option<u32>,
    /// Read requests (every other /v1 request) per second per API key, viewer tokens
    /// counting for the key that minted them (0: unlimited).
    #[arg(long, env = "AUDITLOG_RATE_LIMIT_READ", default_value_t = config::RATE_LIMIT_READ_PER_SECOND)]
    pub rate_limit_read: u32,
    /// Read requests a key may send at once (default: two seconds' worth).
    #[arg(long, env = "AUDITLOG_RATE_LIMIT_READ_BURST")]
    pub rate_limit_read_burst: Option<u32>,
    /// Abandon a request (408 timeout) that takes longer than this many seconds.
    #[arg(long, env = "AUDITLOG_REQUEST_TIMEOUT_SECS", default_value_t = config::REQUEST_TIMEOUT_SECS)]
    pub request_timeout_secs: u64,
}

impl ServeArgs {
    pub(super) fn config(&self) -> anyhow::Result<ServerConfig> {
        let operator_token = match (&self.operator_token, &self.operator_token_file) {
            (Some(t), _) => Some(t.trim().to_string()),
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                Some(text.lines().next().unwrap_or("").trim().to_string())
            }
            (None, None) => None,
        };
        if operator_token.as_deref().is_some_and(|t| t.len() < 16) {
            anyhow::bail!("the operator token must be at least 16 characters");
        }
        Ok(ServerConfig {
            listen: self.listen.clone(),
            data_dir: self.db.data_dir.clone(),
            database: self.db.database.clone(),
            operator_token,
            limits: Limits {
                max_batch_events: self.max_batch_events,
                max_body_bytes: self.max_body_bytes,
            },
            signing_key_file: self.signing_key_file.clone(),
            viewer_secret_file: self.viewer_secret_file.clone(),
            log_name: self.log_name.clone(),
            checkpoint_interval: std::time::Duration::from_secs(
                self.checkpoint_interval_secs.max(1),
            ),
            checkpoint_every: self.checkpoint_every.max(1),
            default_retention_days: self.retention_days.filter(|d| *d > 0),
            purge_interval: std::time::Duration::from_secs(self.purge_interval_secs.max(1)),
            embed_origins: embed_origins(&self.embed_origins)?,
            unsafe_allow_unsynced: self.db.unsafe_allow_unsynced,
            rate_limits: crate::service::ratelimit::RateLimits {
                ingest: rate(self.rate_limit_ingest, self.rate_limit_ingest_burst),
                read: rate(self.rate_limit_read, self.rate_limit_read_burst),
            },
            request_timeout: std::time::Duration::from_secs(self.request_timeout_secs.max(1)),
        })
    }
}

/// A `--rate-limit-*` budget: `None` (unlimited) for 0; the burst defaults to 2 s worth.
fn rate(per_second: u32, burst: Option<u32>) -> Option<crate::service::ratelimit::Rate> {
    let mut r = crate::service::ratelimit::Rate::per_second(per_second)?;
    if let Some(b) = burst {
        r.burst = b.max(1);
    }
    Some(r)
}

/// Checks `--embed-origins`: each a scheme + host (+ port) origin, nothing that could
/// break out of the CSP header.
fn embed_origins(raw: &[String]) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for o in raw.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
        let o = o.trim_end_matches('/');
        let rest = o
            .strip_prefix("https://")
            .or_else(|| o.strip_prefix("http://"));
        let ok = rest.is_some_and(|r| {
            !r.is_empty()
                && r.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:*".contains(&b))
        });
        if !ok {
            anyhow::bail!(
                "--embed-origins: {o:?} is not an origin like https://helpdesk.example.com"
            );
        }
        out.push(o.to_string());
    }
    Ok(out)
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let config = args.config()?;
    let bound = bind(&config).await?;
    tracing::info!(addr = %bound.addr, "auditlog listening");
    println!("auditlog listening on http://{}", bound.addr);
    bound.serve(shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use crate::cli::{Cli, Command};
    use crate::config;
    use crate::server::ServerConfig;

    /// `auditlog serve` with no flags configures what `ServerConfig::new` does.
    #[test]
    fn serve_without_flags_is_server_config_new() {
        if std::env::vars()
            .any(|(k, _)| k.starts_with("AUDITLOG_") && !k.starts_with("AUDITLOG_TEST"))
        {
            eprintln!("skipped: an AUDITLOG_ variable is set");
            return;
        }
        let Command::Serve(args) = Cli::try_parse_from(["auditlog", "serve"]).unwrap().command
        else {
            panic!("not serve");
        };
        let from_flags = args.config().unwrap();
        let from_code = ServerConfig::new(config::LISTEN, std::path::Path::new(config::DATA_DIR));
        assert_eq!(format!("{from_flags:?}"), format!("{from_code:?}"));
    }

    /// The help names the key files' defaults, which its text spells out.
    #[test]
    fn the_help_names_the_default_key_files() {
        let mut cli = Cli::command();
        let help = cli
            .find_subcommand_mut("serve")
            .unwrap()
            .render_long_help()
            .to_string();
        for name in [config::SIGNING_KEY_FILE, config::VIEWER_SECRET_FILE] {
            assert!(help.contains(&format!("<data-dir>/{name}")), "{name}");
        }
    }
}
