//! A store of either backend plus a raw connection to its database, for the tests that
//! play the attacker with write access to the database (tampering, deleting).

use std::sync::Arc;

use auditlog::store::Store;
use auditlog::store::postgres::PostgresStore;
use auditlog::store::sqlite::SqliteStore;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

pub enum Fixture {
    Sqlite(tempfile::TempDir),
    Postgres(crate::pg::PgSchema),
}

/// A parameter of a raw statement.
pub enum P {
    I(i64),
    S(String),
}

pub enum Raw {
    Lite(rusqlite::Connection),
    Pg(tokio_postgres::Client),
}

impl Fixture {
    /// `None`: PostgreSQL asked for but `AUDITLOG_TEST_POSTGRES_URL` is not set.
    pub async fn new(kind: Kind) -> Option<Fixture> {
        Some(match kind {
            Kind::Sqlite => Fixture::Sqlite(tempfile::tempdir().unwrap()),
            Kind::Postgres => Fixture::Postgres(crate::pg::schema().await?),
        })
    }

    /// Opens (again) the store on this database.
    pub async fn open(&self) -> Arc<dyn Store> {
        match self {
            Fixture::Sqlite(dir) => Arc::new(SqliteStore::open(&dir.path().join("t.db")).unwrap()),
            Fixture::Postgres(schema) => {
                Arc::new(PostgresStore::connect(&schema.url()).await.unwrap())
            }
        }
    }

    pub async fn raw(&self) -> Raw {
        match self {
            Fixture::Sqlite(dir) => {
                Raw::Lite(rusqlite::Connection::open(dir.path().join("t.db")).unwrap())
            }
            Fixture::Postgres(schema) => {
                let (client, conn) =
                    tokio_postgres::connect(&schema.admin_url(), tokio_postgres::NoTls)
                        .await
                        .unwrap();
                tokio::spawn(conn);
                Raw::Pg(client)
            }
        }
    }
}

impl Raw {
    /// Runs one statement written with `?1`-style placeholders on either database.
    pub async fn exec(&self, sql: &str, params: &[P]) -> Result<u64, String> {
        match self {
            Raw::Lite(db) => {
                let values: Vec<rusqlite::types::Value> = params
                    .iter()
                    .map(|p| match p {
                        P::I(i) => rusqlite::types::Value::Integer(*i),
                        P::S(s) => rusqlite::types::Value::Text(s.clone()),
                    })
                    .collect();
                db.execute(sql, rusqlite::params_from_iter(values))
                    .map(|n| n as u64)
                    .map_err(|e| e.to_string())
            }
            Raw::Pg(client) => {
                let mut pg_sql = sql.to_string();
                for i in (1..=params.len()).rev() {
                    pg_sql = pg_sql.replace(&format!("?{i}"), &format!("${i}"));
                }
                let boxed: Vec<Box<dyn tokio_postgres::types::ToSql + Sync + Send>> = params
                    .iter()
                    .map(|p| -> Box<dyn tokio_postgres::types::ToSql + Sync + Send> {
                        match p {
                            P::I(i) => Box::new(*i),
                            P::S(s) => Box::new(s.clone()),
                        }
                    })
                    .collect();
                let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = boxed
                    .iter()
                    .map(|b| b.as_ref() as &(dyn tokio_postgres::types::ToSql + Sync))
                    .collect();
                client
                    .execute(pg_sql.as_str(), &refs)
                    .await
                    .map_err(|e| match e.as_db_error() {
                        Some(db) => db.message().to_string(),
                        None => e.to_string(),
                    })
            }
        }
    }

    pub async fn body(&self, seq: u64) -> String {
        match self {
            Raw::Lite(db) => db
                .query_row(
                    "SELECT body FROM events WHERE seq = ?1",
                    [seq as i64],
                    |r| r.get(0),
                )
                .unwrap(),
            Raw::Pg(client) => client
                .query_one("SELECT body FROM events WHERE seq = $1", &[&(seq as i64)])
                .await
                .unwrap()
                .get(0),
        }
    }

    /// Sets a row's body and hash (hex).
    pub async fn set(&self, seq: u64, body: &str, hash: &str) {
        let h = hex::decode(hash).unwrap();
        match self {
            Raw::Lite(db) => {
                db.execute(
                    "UPDATE events SET body = ?1, hash = ?2 WHERE seq = ?3",
                    rusqlite::params![body, h, seq as i64],
                )
                .unwrap();
            }
            Raw::Pg(client) => {
                client
                    .execute(
                        "UPDATE events SET body = $1, hash = $2 WHERE seq = $3",
                        &[&body, &h, &(seq as i64)],
                    )
                    .await
                    .unwrap();
            }
        }
    }

    /// What an attacker with the database's owner rights does first: switch off the
    /// append-only guard.
    pub async fn disable_guard(&self) {
        match self {
            Raw::Lite(db) => db
                .execute_batch("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;")
                .unwrap(),
            Raw::Pg(client) => client
                .batch_execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
                .await
                .unwrap(),
        }
    }

    /// Appends a copy of event `seq` as event `new_seq`, with a new id.
    pub async fn copy_event(&self, seq: u64, new_seq: u64) {
        let sql = match self {
            Raw::Lite(_) => {
                "INSERT INTO events (pk, org_id, seq, id, occurred_at, recorded_at, action, entity_id, actor_type,
                                     actor_id, via_type, content_hash, hash, body)
                 SELECT pk + (?2 - seq), org_id, ?2, id || '-copy', occurred_at, recorded_at, action, entity_id,
                        actor_type, actor_id, via_type, content_hash, hash, body FROM events WHERE seq = ?1"
            }
            Raw::Pg(_) => {
                "INSERT INTO events (org_id, seq, id, occurred_at, recorded_at, action, entity_id, actor_type,
                                     actor_id, via_type, content_hash, hash, body)
                 SELECT org_id, ?2, id || '-copy', occurred_at, recorded_at, action, entity_id,
                        actor_type, actor_id, via_type, content_hash, hash, body FROM events WHERE seq = ?1"
            }
        };
        self.exec(sql, &[P::I(seq as i64), P::I(new_seq as i64)])
            .await
            .unwrap();
    }
}
