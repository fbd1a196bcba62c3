//! The PostgreSQL schema: migrations, and how database errors map to [`StoreError`].

use super::*;

/// The schema, as numbered migrations in `migrations/`, applied in order under an advisory
/// lock (several nodes may start at once); `auditlog_schema` records each one applied.
/// Never edit one that shipped: add the next.
pub(super) const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_orgs_keys_events.sql"),
    include_str!("migrations/0002_row_level_security.sql"),
    include_str!("migrations/0003_entity_history_index.sql"),
    include_str!("migrations/0004_rollups_by_index_only.sql"),
    include_str!("migrations/0005_packed_actor_actions.sql"),
    include_str!("migrations/0006_expect_head.sql"),
    include_str!("migrations/0007_custom_catalog.sql"),
];

pub(super) fn classify(e: tokio_postgres::Error) -> StoreError {
    if let Some(code) = e.code() {
        // 53100: the disk (or tablespace) is full; the statement's transaction is aborted
        if *code == SqlState::DISK_FULL {
            return StoreError::StorageFull(e.to_string());
        }
        let class = &code.code()[..2];
        // 08 connection, 53 insufficient resources, 57 operator intervention, 58 system error
        if matches!(class, "08" | "53" | "57" | "58")
            || *code == SqlState::T_R_SERIALIZATION_FAILURE
            || *code == SqlState::T_R_DEADLOCK_DETECTED
            || *code == SqlState::LOCK_NOT_AVAILABLE
        {
            return StoreError::Unavailable(e.to_string());
        }
        return StoreError::Internal(e.to_string());
    }
    // no SQLSTATE: the connection broke or could not be made
    StoreError::Unavailable(e.to_string())
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        classify(e)
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        StoreError::Unavailable(format!("database connection: {e}"))
    }
}

pub(super) fn is_unique_violation(e: &tokio_postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

pub(super) fn hash32(v: Vec<u8>, what: &str) -> StoreResult<Hash> {
    v.try_into()
        .map_err(|_| StoreError::Internal(format!("stored {what} is not 32 bytes")))
}

pub(super) fn unpack_peaks(v: &[u8]) -> StoreResult<Vec<Hash>> {
    if !v.len().is_multiple_of(32) {
        return Err(StoreError::Internal("stored peaks are corrupt".into()));
    }
    Ok(v.chunks(32)
        .map(|c| {
            let mut h = [0u8; 32];
            h.copy_from_slice(c);
            h
        })
        .collect())
}

pub(super) async fn migrate(client: &mut deadpool_postgres::Object) -> StoreResult<()> {
    let tx = client.transaction().await?;
    // one migrating node per schema at a time; the others wait here, then find nothing to do
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext('auditlog.migrate.' || current_schema()))",
        &[],
    )
    .await?;
    // quiet: "already exists, skipping" notices are expected on every start
    tx.batch_execute("SET LOCAL client_min_messages = warning")
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS auditlog_schema (version BIGINT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .await?;
    let version: i64 = tx
        .query_one("SELECT COALESCE(MAX(version), 0) FROM auditlog_schema", &[])
        .await?
        .get(0);
    if version as usize > MIGRATIONS.len() {
        return Err(StoreError::Internal(format!(
            "database schema version {version} is newer than this binary ({})",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.batch_execute(sql).await?;
        tx.execute(
            "INSERT INTO auditlog_schema (version, applied_at) VALUES ($1, $2)",
            &[&((i + 1) as i64), &now_micros()],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
