//! PostgreSQL for tests: each test gets a schema of its own in the database named by
//! `AUDITLOG_TEST_POSTGRES_URL`, dropped when the test ends, so tests run in parallel and
//! leave nothing behind. Without the variable the PostgreSQL half of the suite is skipped
//! (`.ci/run` sets it and fails when the database is unreachable).

use std::sync::atomic::{AtomicU64, Ordering};

pub const ENV: &str = "AUDITLOG_TEST_POSTGRES_URL";

/// A schema that lives as long as this value.
pub struct PgSchema {
    pub base: String,
    pub name: String,
}

impl PgSchema {
    /// The database URL with this schema first on the search path.
    pub fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-c%20search_path%3D{}", self.base, self.name)
    }
}

/// The base URL, or `None` (and a note on stderr) when the PostgreSQL half is not asked for.
pub fn base_url() -> Option<String> {
    match std::env::var(ENV) {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            eprintln!("skipped: set {ENV} to run this test against PostgreSQL");
            None
        }
    }
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("{ENV} is set but PostgreSQL is unreachable: {e}"));
    tokio::spawn(conn);
    client
}

/// Creates a fresh schema, or `None` when `AUDITLOG_TEST_POSTGRES_URL` is not set.
pub async fn schema() -> Option<PgSchema> {
    static N: AtomicU64 = AtomicU64::new(0);
    let base = base_url()?;
    let name = format!(
        "t_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        auditlog::model::time::now_micros() % 1_000_000
    );
    connect(&base)
        .await
        .batch_execute(&format!("CREATE SCHEMA {name}"))
        .await
        .expect("create test schema");
    Some(PgSchema { base, name })
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let (base, name) = (self.base.clone(), self.name.clone());
        // Drop may run inside a runtime: do the async work on a thread of its own
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok((client, conn)) =
                    tokio_postgres::connect(&base, tokio_postgres::NoTls).await
                {
                    tokio::spawn(conn);
                    let _ = client
                        .batch_execute(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                        .await;
                }
            });
        })
        .join();
    }
}
