//! PostgreSQL for tests: each test gets a schema of its own in the database named by
//! `AUDITLOG_TEST_POSTGRES_URL`, dropped when the test ends, so tests run in parallel and
//! leave nothing behind. Without the variable the PostgreSQL half of the suite is skipped
//! (`.ci/run` sets it and fails when the database is unreachable).

use std::sync::atomic::{AtomicU64, Ordering};

pub const ENV: &str = "AUDITLOG_TEST_POSTGRES_URL";

/// The ordinary (not superuser) role the stores under test log in as, so that row-level
/// security is in force for every test: superusers bypass it.
pub const APP_ROLE: &str = "auditlog_test";

/// A schema that lives as long as this value.
pub struct PgSchema {
    pub base: String,
    pub name: String,
}

impl PgSchema {
    /// The URL the service uses: the application role, this schema first on the search path.
    pub fn url(&self) -> String {
        with_search_path(&with_user(&self.base, APP_ROLE), &self.name)
    }

    /// The same schema as the URL's own (superuser) user: the attacker with full rights.
    #[allow(dead_code)]
    pub fn admin_url(&self) -> String {
        with_search_path(&self.base, &self.name)
    }
}

/// The URL with `schema` first on the search path, its sessions named after it (so that
/// the drop can find the ones left behind).
fn with_search_path(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20search_path%3D{schema}&application_name={schema}")
}

/// `postgres://user@host/db` with another user (no password: the test cluster trusts
/// local connections).
fn with_user(url: &str, user: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let host = rest.split_once('@').map_or(rest, |(_, h)| h);
    format!("{scheme}://{user}@{host}")
}

/// The base URL, or `None` (and a note on stderr) when the PostgreSQL half is not asked for.
pub fn base_url() -> Option<String> {
    match std::env::var(ENV) {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            skipped(&format!("set {ENV} to run it against PostgreSQL"));
            None
        }
    }
}

/// Says on the terminal that the running test is skipped and why. Written to stderr past the
/// test harness's capture (which hides a passing test's `eprintln!`), so that `cargo test`
/// shows every skip; the harness names each test's thread after the test.
pub fn skipped(why: &str) {
    use std::io::Write;
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    let _ = writeln!(std::io::stderr(), "skipped: {test}: {why}");
}

/// A client on `url` whose connection runs in the background.
#[allow(dead_code)]
pub async fn connect(url: &str) -> tokio_postgres::Client {
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
        .batch_execute(&format!(
            "DO $$ BEGIN CREATE ROLE {APP_ROLE} LOGIN;
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
             CREATE SCHEMA {name};
             GRANT ALL ON SCHEMA {name} TO {APP_ROLE};"
        ))
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
                    // This drop blocks the test's runtime (a current-thread one, usually), so
                    // a session of its servers caught between two statements of a
                    // transaction (a background purge, a recorded read) would hold the
                    // schema's locks, and the DROP would wait, for ever: give such sessions a
                    // moment, then end them.
                    let drop = format!("DROP SCHEMA IF EXISTS {name} CASCADE");
                    let first = client
                        .batch_execute(&format!("SET lock_timeout = '5s'; {drop}"))
                        .await;
                    if first.is_err() {
                        let _ = client
                            .execute(
                                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                                 WHERE application_name = $1",
                                &[&name],
                            )
                            .await;
                        let _ = client
                            .batch_execute(&format!("SET lock_timeout = 0; {drop}"))
                            .await;
                    }
                }
            });
        })
        .join();
    }
}
