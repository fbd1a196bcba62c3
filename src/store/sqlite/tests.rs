//! Unit tests of the writer and the schema, against real files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

fn event(id: &str, n: usize) -> PreparedEvent {
    let v = serde_json::json!({
        "id": id,
        "action": "ticket.created",
        "occurred_at": "2026-01-01T00:00:00Z",
        "entity": {"type": "ticket", "id": format!("t_{n}"), "name": "x".repeat(300)},
        "actor": {"type": "user", "id": format!("u_{}", n % 3)},
    });
    let mut errors = Vec::new();
    crate::service::validate::prepare(
        crate::model::Catalog::builtin(),
        "acme",
        0,
        &v.to_string(),
        now_micros(),
        &mut errors,
    )
    .unwrap_or_else(|| panic!("{errors:?}"))
}

type Rx = oneshot::Receiver<StoreResult<Vec<Appended>>>;

/// A request of `n` events with ids `{prefix}{i}`: the same content every time.
fn request(org_id: i64, prefix: &str, n: usize) -> (Pending, Rx) {
    let (reply, rx) = oneshot::channel();
    let events = (0..n).map(|i| event(&format!("{prefix}{i}"), i)).collect();
    (
        Pending {
            org_id,
            events,
            reply,
        },
        rx,
    )
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get::<_, Option<i64>>(0))
        .unwrap()
        .unwrap_or(0)
}

/// Every connection of the store (the writer and the readers) caps the WAL.
#[tokio::test]
async fn every_connection_limits_the_wal_size() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("t.db")).unwrap();
    let limit = |c: &Connection| -> StoreResult<i64> {
        Ok(c.pragma_query_value(None, "journal_size_limit", |r| r.get(0))?)
    };
    assert_eq!(
        store.exec(move |c| limit(c)).await.unwrap(),
        JOURNAL_SIZE_LIMIT
    );
    assert_eq!(store.read(limit).await.unwrap(), JOURNAL_SIZE_LIMIT);
}

fn sqlite_error(extended_code: std::ffi::c_int) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(extended_code), None)
}

/// A full disk is `StorageFull` whether SQLite says so with `SQLITE_FULL` or with the
/// -shm file failing to grow (`SQLITE_IOERR_SHMSIZE`); other I/O errors are outages.
#[test]
fn a_shm_file_that_cannot_grow_is_a_full_disk() {
    use rusqlite::ffi;
    for code in [ffi::SQLITE_FULL, ffi::SQLITE_IOERR_SHMSIZE] {
        assert!(
            matches!(classify(sqlite_error(code)), StoreError::StorageFull(_)),
            "{code}"
        );
    }
    for code in [
        ffi::SQLITE_IOERR,
        ffi::SQLITE_IOERR_WRITE,
        ffi::SQLITE_IOERR_FSYNC,
        ffi::SQLITE_IOERR_SHMOPEN,
        ffi::SQLITE_BUSY,
    ] {
        assert!(
            matches!(classify(sqlite_error(code)), StoreError::Unavailable(_)),
            "{code}"
        );
    }
    assert!(matches!(
        classify(sqlite_error(ffi::SQLITE_CONSTRAINT_UNIQUE)),
        StoreError::Internal(_)
    ));
}

/// SQLite answers `SQLITE_FULL` in the middle of a statement by rolling the whole
/// transaction back (not only the statement or the savepoint): the group's earlier
/// requests are gone with it and the connection is back in autocommit. The writer must
/// fail the whole group then, and never run the rest of it outside a transaction.
/// `max_page_count` makes the database "full" at a page count of our choosing.
#[test]
fn a_disk_full_inside_a_group_fails_the_whole_group_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = Connection::open(dir.path().join("t.db")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    configure(&conn, 64 * 1024).unwrap();
    migrate(&mut conn).unwrap();
    conn.execute(
        "INSERT INTO orgs (slug, name, created_at) VALUES ('acme', 'Acme', 0)",
        [],
    )
    .unwrap();
    let org = conn.last_insert_rowid();
    let mut writer = Writer::default();
    let (p, rx) = request(org, "first", 10);
    commit_group(&mut conn, &mut writer, vec![p]);
    assert_eq!(rx.blocking_recv().unwrap().unwrap().len(), 10);

    // room for a small request, not for a big one
    let pages = count(&conn, "PRAGMA page_count");
    conn.pragma_update(None, "max_page_count", pages + 4)
        .unwrap();
    let (a, ra) = request(org, "a", 1);
    let (b, rb) = request(org, "b", 200);
    let (c, rc) = request(org, "c", 1);
    commit_group(&mut conn, &mut writer, vec![a, b, c]);
    for (name, rx) in [("a", ra), ("b", rb), ("c", rc)] {
        match rx.blocking_recv().unwrap() {
            Err(StoreError::StorageFull(_)) => {}
            other => panic!("request {name}: {other:?}"),
        }
    }
    assert!(conn.is_autocommit(), "no transaction is left open");
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM events"), 10);
    assert_eq!(
        count(&conn, "SELECT SUM(n) FROM rollup_action WHERE grain = 1"),
        10,
        "rollups of nothing stored"
    );

    // space comes back: the same requests are stored once, the chain and tree go on
    conn.pragma_update(None, "max_page_count", 1_000_000_000)
        .unwrap();
    let (a, ra) = request(org, "a", 1);
    let (b, rb) = request(org, "b", 200);
    let (c, rc) = request(org, "c", 1);
    commit_group(&mut conn, &mut writer, vec![a, b, c]);
    let seqs = |rx: Rx| -> Vec<u64> {
        let out = rx.blocking_recv().unwrap().unwrap();
        assert!(out.iter().all(|a| !a.duplicate));
        out.iter().map(|a| a.seq).collect()
    };
    assert_eq!(seqs(ra), [11]);
    assert_eq!(seqs(rb), (12..=211).collect::<Vec<_>>());
    assert_eq!(seqs(rc), [212]);
    let bodies: Vec<String> = conn
        .prepare("SELECT body FROM events ORDER BY pk")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        crate::model::chain::verify_chain(bodies.iter().map(String::as_str)),
        Ok(212)
    );
    let mut tree = CompactRange::new();
    for b in &bodies {
        tree.append(merkle::leaf_hash(b.as_bytes()));
    }
    assert_eq!(load_tree(&conn, org, 212).unwrap().root(), tree.root());
    assert_eq!(
        count(&conn, "SELECT SUM(n) FROM rollup_action WHERE grain = 1"),
        212
    );
}
