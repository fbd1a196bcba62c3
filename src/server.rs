//! Start-up: open the store, build the service and router, serve until shutdown.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::config;
use crate::service::integrity::Signer;
use crate::service::viewer::ViewerSecret;
use crate::service::{Limits, Service};
use crate::store::Store;
use crate::store::postgres::PostgresStore;
use crate::store::sqlite::SqliteStore;

/// Everything `serve` needs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: String,
    pub data_dir: PathBuf,
    pub database: Option<String>,
    pub operator_token: Option<String>,
    pub limits: Limits,
    /// The checkpoint signing key's seed file (default `<data-dir>/checkpoint-signing.key`,
    /// created on first start).
    pub signing_key_file: Option<PathBuf>,
    /// The log's name: signing key name and checkpoint origin prefix.
    pub log_name: String,
    /// Sign a checkpoint at least this often while an org's log grows...
    pub checkpoint_interval: std::time::Duration,
    /// ...or whenever it grew by this many events.
    pub checkpoint_every: u64,
    /// Retention for orgs that set none (`None`: keep forever).
    pub default_retention_days: Option<u32>,
    /// How often the background purge runs.
    pub purge_interval: std::time::Duration,
    /// The file holding the viewer-token secret (64 hex digits), which must exist: nodes
    /// given the same file accept each other's tokens. `None`: `<data-dir>/viewer-token.key`,
    /// created on first start.
    pub viewer_secret_file: Option<PathBuf>,
    /// Origins allowed to frame `/embed` (CSP `frame-ancestors`); empty: none.
    pub embed_origins: Vec<String>,
    /// Start even when the store cannot guarantee durable commits (SQLite not in WAL mode
    /// with `synchronous=FULL`); otherwise such a store refuses to start.
    pub unsafe_allow_unsynced: bool,
    /// Per-key request budgets for ingest and reads.
    pub rate_limits: crate::service::ratelimit::RateLimits,
    /// A request taking longer is abandoned with `408 timeout`.
    pub request_timeout: std::time::Duration,
}

impl ServerConfig {
    /// Defaults for everything but where to listen and store.
    pub fn new(listen: &str, data_dir: &std::path::Path) -> ServerConfig {
        ServerConfig {
            listen: listen.to_string(),
            data_dir: data_dir.to_path_buf(),
            database: None,
            operator_token: None,
            limits: Limits::default(),
            signing_key_file: None,
            viewer_secret_file: None,
            log_name: config::LOG_NAME.into(),
            checkpoint_interval: Duration::from_secs(config::CHECKPOINT_INTERVAL_SECS),
            checkpoint_every: config::CHECKPOINT_EVERY,
            default_retention_days: None,
            purge_interval: Duration::from_secs(config::PURGE_INTERVAL_SECS),
            embed_origins: Vec::new(),
            unsafe_allow_unsynced: false,
            rate_limits: crate::service::ratelimit::RateLimits::default(),
            request_timeout: Duration::from_secs(config::REQUEST_TIMEOUT_SECS),
        }
    }
}

/// Loads (or creates) the checkpoint signer named by the config.
pub fn signer(config: &ServerConfig) -> anyhow::Result<Signer> {
    let path = match &config.signing_key_file {
        Some(p) => p.clone(),
        None => {
            std::fs::create_dir_all(&config.data_dir)
                .with_context(|| format!("creating data dir {}", config.data_dir.display()))?;
            config.data_dir.join(config::SIGNING_KEY_FILE)
        }
    };
    Signer::load_or_create(&config.log_name, &path).map_err(|e| anyhow::anyhow!(e))
}

/// Loads the secret that signs viewer tokens: from `viewer_secret_file` (which must exist
/// and hold one), or else `<data-dir>/viewer-token.key` (created when missing).
pub fn viewer_secret(config: &ServerConfig) -> anyhow::Result<ViewerSecret> {
    if let Some(path) = &config.viewer_secret_file {
        // never created here: a path meant to be shared that is missing on one node must
        // not give that node a secret of its own
        return ViewerSecret::load(path).map_err(|e| anyhow::anyhow!(e));
    }
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating data dir {}", config.data_dir.display()))?;
    ViewerSecret::load_or_create(&config.data_dir.join(config::VIEWER_SECRET_FILE))
        .map_err(|e| anyhow::anyhow!(e))
}

/// Opens the store named by the config: SQLite in the data dir unless `database` says
/// otherwise (`sqlite:PATH`, or `postgres://...` / `postgresql://...`).
/// `allow_unsynced`: see [`ServerConfig::unsafe_allow_unsynced`].
pub async fn open_store(
    data_dir: &std::path::Path,
    database: Option<&str>,
    allow_unsynced: bool,
) -> anyhow::Result<Arc<dyn Store>> {
    let path = match database {
        None => {
            std::fs::create_dir_all(data_dir)
                .with_context(|| format!("creating data dir {}", data_dir.display()))?;
            data_dir.join("auditlog.db")
        }
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let store = PostgresStore::connect_with(url, allow_unsynced)
                .await
                .with_context(|| format!("connecting to PostgreSQL at {}", redact_url(url)))?;
            return Ok(Arc::new(store));
        }
        Some(url) => match url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            Some(p) => PathBuf::from(p),
            None => anyhow::bail!(
                "unsupported database URL {:?}: use sqlite:PATH or postgres://USER@HOST/DB",
                redact_url(url)
            ),
        },
    };
    let store = SqliteStore::open_with(&path, allow_unsynced)
        .with_context(|| format!("opening SQLite database {}", path.display()))?;
    Ok(Arc::new(store))
}

/// The URL without its password, for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_string(),
    }
}

/// A server bound to its port, not yet serving.
pub struct Bound {
    pub addr: SocketAddr,
    pub service: Service,
    listener: TcpListener,
    checkpoints: Option<(std::time::Duration, u64)>,
    purge_interval: Option<std::time::Duration>,
}

/// The service `config` describes, its store opened, not yet listening.
pub async fn build_service(config: &ServerConfig) -> anyhow::Result<Service> {
    // the secret first: a bad secret file stops the start before the store is touched
    let viewer_secret = viewer_secret(config)?;
    let store = open_store(
        &config.data_dir,
        config.database.as_deref(),
        config.unsafe_allow_unsynced,
    )
    .await?;
    Ok(
        Service::new(store, config.limits, config.operator_token.as_deref())
            .with_default_retention(config.default_retention_days)
            .with_signer(signer(config)?)
            .await?
            .with_viewer_secret(viewer_secret)
            .with_embed_origins(config.embed_origins.clone())
            .with_rate_limits(config.rate_limits)
            .with_request_timeout(config.request_timeout),
    )
}

pub async fn bind(config: &ServerConfig) -> anyhow::Result<Bound> {
    let service = build_service(config).await?;
    bind_configured(config, service).await
}

/// Listens on `config.listen` for `service`, with `config`'s checkpoint and purge schedule.
pub async fn bind_configured(config: &ServerConfig, service: Service) -> anyhow::Result<Bound> {
    let mut bound = bind_service(&config.listen, service).await?;
    bound.checkpoints = Some((config.checkpoint_interval, config.checkpoint_every));
    bound.purge_interval = Some(config.purge_interval);
    Ok(bound)
}

pub async fn bind_service(listen: &str, service: Service) -> anyhow::Result<Bound> {
    let listener = TcpListener::bind(listen).await.with_context(|| {
        format!(
            "cannot listen on {listen} (another server there, such as a running demo? \
                 choose another address with --listen or AUDITLOG_LISTEN)"
        )
    })?;
    let addr = listener.local_addr()?;
    Ok(Bound {
        addr,
        service,
        listener,
        checkpoints: None,
        purge_interval: None,
    })
}

impl Bound {
    /// Serves until `shutdown` completes, then finishes in-flight requests.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let checkpointer = self.checkpoints.map(|(interval, every)| {
            let service = self.service.clone();
            tokio::spawn(async move {
                let mut tick =
                    tokio::time::interval(interval.min(std::time::Duration::from_secs(5)));
                let max_age = interval.as_micros() as i64;
                loop {
                    tick.tick().await;
                    match service.checkpoint_pass(every, max_age).await {
                        Ok(r) => {
                            if let Some(failures) = r.failures() {
                                tracing::warn!(
                                    checkpoints = r.done,
                                    failed_orgs = r.failed.len(),
                                    %failures,
                                    "checkpoint pass failed for some orgs"
                                );
                            }
                        }
                        Err(e) => tracing::warn!(error = %e, "checkpoint pass failed"),
                    }
                }
            })
        });
        let purger = self.purge_interval.map(|interval| {
            let service = self.service.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(interval);
                loop {
                    tick.tick().await;
                    match service.purge_pass().await {
                        Ok(r) => {
                            if r.done > 0 {
                                tracing::info!(events = r.done, "retention purge");
                            }
                            if let Some(failures) = r.failures() {
                                tracing::warn!(
                                    failed_orgs = r.failed.len(),
                                    %failures,
                                    "retention purge failed for some orgs"
                                );
                            }
                        }
                        Err(e) => tracing::warn!(error = %e, "retention purge failed"),
                    }
                }
            })
        });
        let app = crate::api::router(self.service);
        let served = axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await
            .context("serving HTTP");
        for task in [checkpointer, purger].into_iter().flatten() {
            task.abort();
        }
        served
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
