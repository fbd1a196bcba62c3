//! Start-up: open the store, build the service and router, serve until shutdown.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::service::{Limits, Service};
use crate::store::Store;
use crate::store::sqlite::SqliteStore;

/// Everything `serve` needs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: String,
    pub data_dir: PathBuf,
    pub database: Option<String>,
    pub operator_token: Option<String>,
    pub limits: Limits,
}

/// Opens the store named by the config: SQLite in the data dir unless `database` says otherwise.
pub fn open_store(
    data_dir: &std::path::Path,
    database: Option<&str>,
) -> anyhow::Result<Arc<dyn Store>> {
    let path = match database {
        None => {
            std::fs::create_dir_all(data_dir)
                .with_context(|| format!("creating data dir {}", data_dir.display()))?;
            data_dir.join("auditlog.db")
        }
        Some(url) => match url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            Some(p) => PathBuf::from(p),
            None => anyhow::bail!(
                "unsupported database URL {url:?}: this build supports sqlite:PATH (PostgreSQL is planned)"
            ),
        },
    };
    let store = SqliteStore::open(&path)
        .with_context(|| format!("opening SQLite database {}", path.display()))?;
    Ok(Arc::new(store))
}

/// A server bound to its port, not yet serving.
pub struct Bound {
    pub addr: SocketAddr,
    pub service: Service,
    listener: TcpListener,
}

pub async fn bind(config: &ServerConfig) -> anyhow::Result<Bound> {
    let store = open_store(&config.data_dir, config.database.as_deref())?;
    let service = Service::new(store, config.limits, config.operator_token.as_deref());
    bind_service(&config.listen, service).await
}

pub async fn bind_service(listen: &str, service: Service) -> anyhow::Result<Bound> {
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("binding {listen}"))?;
    let addr = listener.local_addr()?;
    Ok(Bound {
        addr,
        service,
        listener,
    })
}

impl Bound {
    /// Serves until `shutdown` completes, then finishes in-flight requests.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let app = crate::api::router(self.service);
        axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await
            .context("serving HTTP")
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
