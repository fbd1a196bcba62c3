//! Every default of the configuration, written once. The flags of `auditlog serve` (and of
//! the commands that share them) take their `[default: ...]` from here, and so do
//! [`ServerConfig::new`](crate::server::ServerConfig::new), [`Limits::default`](crate::service::Limits)
//! and [`RateLimits::default`](crate::service::ratelimit::RateLimits): a server started
//! from the command line and one built in code (tests, the benchmark) start alike.

use std::time::Duration;

/// Where `serve` listens (`--listen`, `AUDITLOG_LISTEN`).
pub const LISTEN: &str = "127.0.0.1:8080";

/// Where the client commands (`emit`, `query`, `export`) find the server (`--url`,
/// `AUDITLOG_URL`): the default [`LISTEN`] address.
pub const URL: &str = "http://127.0.0.1:8080";

/// The directory of the SQLite database and the key files (`--data-dir`,
/// `AUDITLOG_DATA_DIR`).
pub const DATA_DIR: &str = "./auditlog-data";

/// The checkpoint signing key's file in the data dir, when `--signing-key-file` names none.
pub const SIGNING_KEY_FILE: &str = "checkpoint-signing.key";

/// The viewer-token secret's file in the data dir, when `--viewer-secret-file` names none.
pub const VIEWER_SECRET_FILE: &str = "viewer-token.key";

/// The log's name in every signed checkpoint (`--log-name`, `AUDITLOG_LOG_NAME`), also the
/// name of a service with no signer.
pub const LOG_NAME: &str = "auditlog";

/// Most events one ingest request may carry (`--max-batch-events`).
pub const MAX_BATCH_EVENTS: usize = 1000;

/// Largest ingest request body, in bytes (`--max-body-bytes`): 4 MiB.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Longest time between checkpoints of a growing org's log, in seconds
/// (`--checkpoint-interval-secs`).
pub const CHECKPOINT_INTERVAL_SECS: u64 = 30;

/// Events an org's log may grow by before it gets a checkpoint (`--checkpoint-every`).
pub const CHECKPOINT_EVERY: u64 = 10_000;

/// How often the retention purge runs, in seconds (`--purge-interval-secs`).
pub const PURGE_INTERVAL_SECS: u64 = 3600;

/// Ingest requests per second per API key (`--rate-limit-ingest`; a request may hold
/// [`MAX_BATCH_EVENTS`] events). The burst is two seconds' worth.
pub const RATE_LIMIT_INGEST_PER_SECOND: u32 = 2_000;

/// Read requests per second per API key (`--rate-limit-read`). The burst is two seconds'
/// worth.
pub const RATE_LIMIT_READ_PER_SECOND: u32 = 200;

/// A request taking longer is abandoned with `408 timeout`, in seconds
/// (`--request-timeout-secs`).
pub const REQUEST_TIMEOUT_SECS: u64 = 60;

/// How long a verified key is trusted without asking the store again. Revocation through
/// this process clears the entry at once; revocation elsewhere (the CLI, another node)
/// takes effect within this time.
pub const AUTH_CACHE_TTL: Duration = Duration::from_secs(1);

/// The log filter when `AUDITLOG_LOG` is unset.
pub const LOG_FILTER: &str = "info,tower_http=warn";

/// Events `auditlog demo` seeds (`--events`).
pub const DEMO_EVENTS: usize = 60_000;

/// Days of history `auditlog demo` seeds, ending now (`--days`).
pub const DEMO_DAYS: u32 = 90;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_finds_the_server_where_it_listens_by_default() {
        assert_eq!(URL, format!("http://{LISTEN}"));
    }
}
