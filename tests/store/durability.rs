//! The SQLite store starts only when commits are durable (WAL, `synchronous=FULL`), unless
//! the operator opts out.

use std::path::Path;
use std::time::{Duration, Instant};

use auditlog::store::Store;
use auditlog::store::sqlite::SqliteStore;
use rusqlite::Connection;

/// Opens strictly, retrying while a closing store still holds the file.
fn open_strict_eventually(path: &Path) -> SqliteStore {
    let started = Instant::now();
    loop {
        match SqliteStore::open(path) {
            Ok(s) => return s,
            Err(_) if started.elapsed() < Duration::from_secs(5) => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("strict open keeps failing: {e}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_refuses_a_database_it_cannot_make_durable_unless_told_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.db");
    // SQLite's dot-file locking VFS (for filesystems without POSIX locks) has no shared
    // memory, so WAL cannot be enabled and the file stays in rollback-journal mode.
    let uri = format!("file:{}?vfs=unix-dotfile", file.display());
    let path = Path::new(&uri);

    let err = match SqliteStore::open(path) {
        Ok(_) => panic!("a store without WAL must refuse to start"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("journal_mode"), "{err}");
    assert!(err.contains("--unsafe-allow-unsynced"), "{err}");

    // opted out: it starts and works, in rollback-journal mode
    let store = SqliteStore::open_with(path, true).unwrap();
    let org = crate::new_org(&store, "acme", "Acme").await;
    assert_eq!(store.get_org("acme").await.unwrap().unwrap().id, org.id);
    drop(store);
    let check = Connection::open(&file).unwrap();
    let mode: String = check
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete", "the opted-out store ran without WAL");
    drop(check);

    // the same file through the default VFS: a strict open turns WAL on and keeps the data
    let store = open_strict_eventually(&file);
    assert!(store.get_org("acme").await.unwrap().is_some());
    drop(store);
    let check = Connection::open(&file).unwrap();
    let mode: String = check
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}
