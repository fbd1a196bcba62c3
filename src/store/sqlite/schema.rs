//! The SQLite schema and connections: migrations, the durability settings every
//! connection must run with, and how SQLite errors map to [`StoreError`].

use super::*;

/// The schema, as numbered migrations in `migrations/`, applied in order; the database's
/// `user_version` is the number applied. Never edit one that shipped: add the next.
pub(super) const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_orgs_keys_events.sql"),
    include_str!("migrations/0002_merkle_checkpoints.sql"),
    include_str!("migrations/0003_retention.sql"),
    include_str!("migrations/0004_custom_catalog.sql"),
];

pub(super) fn classify(e: rusqlite::Error) -> StoreError {
    // The -shm file could not grow (the unix VFS reports ENOSPC, or a failed fstat, while
    // extending it as SQLITE_IOERR_SHMSIZE): on a full disk that is a full disk, not an
    // outage. The other IOERR codes stay "unavailable": rusqlite's error carries no errno
    // (`sqlite3_system_errno`), so a failed write or fsync cannot be told to be ENOSPC here;
    // a short write with ENOSPC is already SQLITE_FULL from the VFS.
    if e.sqlite_extended_error_code() == Some(rusqlite::ffi::SQLITE_IOERR_SHMSIZE) {
        return StoreError::StorageFull(e.to_string());
    }
    match e.sqlite_error_code() {
        // the filesystem is full (ENOSPC), or max_page_count was reached
        Some(ErrorCode::DiskFull) => StoreError::StorageFull(e.to_string()),
        Some(
            ErrorCode::DatabaseBusy
            | ErrorCode::DatabaseLocked
            | ErrorCode::SystemIoFailure
            | ErrorCode::CannotOpen
            | ErrorCode::ReadOnly,
        ) => StoreError::Unavailable(e.to_string()),
        _ => StoreError::Internal(e.to_string()),
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        classify(e)
    }
}

/// The WAL is truncated back to this size when it is reset after a checkpoint: without a
/// limit it keeps the size of its biggest moment (a burst, or a time when the checkpoint
/// could not run) for ever.
pub const JOURNAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

pub(super) fn configure(conn: &Connection, cache_kib: i64) -> StoreResult<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "cache_size", -cache_kib)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// The settings under which an acknowledged event survives a crash or power loss:
/// WAL journal and `synchronous` FULL (2) or EXTRA (3).
pub(super) fn check_durability(journal_mode: &str, synchronous: i64) -> Result<(), String> {
    if !journal_mode.eq_ignore_ascii_case("wal") {
        return Err(format!(
            "SQLite journal_mode is {journal_mode:?}, not \"wal\": WAL could not be enabled"
        ));
    }
    if synchronous < 2 {
        return Err(format!(
            "SQLite synchronous is {synchronous}, not FULL (2) or EXTRA (3)"
        ));
    }
    Ok(())
}

pub(super) fn open_reader(path: &Path) -> StoreResult<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    configure(&conn, 16 * 1024)?;
    Ok(conn)
}

pub(super) fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version as usize > MIGRATIONS.len() {
        return Err(StoreError::Internal(format!(
            "database schema version {version} is newer than this binary ({})",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()?;
    Ok(())
}
