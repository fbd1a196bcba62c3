//! A database made by the release before this one opens with today's code, upgrades its
//! schema, and loses nothing: the org, its keys and settings, every event, the chain, the
//! tree, the signed checkpoint, the counts; and the log goes on from where it was.
//!
//! The fixtures in `tests/data/upgrade/` were made by the release binary with
//! `tests/data/upgrade/make.sh` (see the README there): SQLite schema 3, PostgreSQL schema 6.

use std::process::Command;
use std::sync::Arc;

use auditlog::model::chain::verify_chain;
use auditlog::model::merkle::{leaf_hash, verify_inclusion};
use auditlog::store::{CountQuery, CountSource, DAY_MICROS, Store};

/// Events in the fixtures: 60 ingested (sent twice: the second time all duplicates) and
/// one read the service recorded.
const EVENTS: u64 = 61;

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/upgrade")
        .join(name)
}

async fn nothing_is_lost(store: Arc<dyn Store>) {
    let org = store
        .get_org("acme")
        .await
        .unwrap()
        .expect("the org survives");
    assert_eq!(org.name, "Acme Support");
    assert_eq!(store.list_keys(&org).await.unwrap().len(), 1);
    let settings = store.settings(&org).await.unwrap();
    assert_eq!(
        (settings.retention_days, settings.legal_hold),
        (Some(400), true)
    );

    let rows = store.events_by_seq(&org, 1, 1000).await.unwrap();
    assert_eq!(rows.len() as u64, EVENTS);
    assert_eq!(
        verify_chain(rows.iter().map(|r| r.body.as_str())),
        Ok(EVENTS)
    );
    let (size, root) = store.tree_head(&org).await.unwrap();
    assert_eq!(size, EVENTS);
    let checkpoints = store.checkpoints(&org, 10).await.unwrap();
    assert_eq!(checkpoints.len(), 1, "the signed checkpoint survives");
    let cp = &checkpoints[0];
    assert_eq!(store.root_at(&org, cp.tree_size).await.unwrap(), cp.root);
    assert_eq!(store.signing_keys().await.unwrap().len(), 1);

    // counts from the rollups agree with the events
    let (from, to) = (0, 100 * 365 * DAY_MICROS);
    let by = |source| CountQuery {
        by_action: true,
        ..CountQuery::new(source, from, to)
    };
    let mut events = store.count(&org, &by(CountSource::Events)).await.unwrap();
    let mut daily = store.count(&org, &by(CountSource::Daily)).await.unwrap();
    events.sort_by(|a, b| a.action.cmp(&b.action));
    daily.sort_by(|a, b| a.action.cmp(&b.action));
    assert!(!daily.is_empty());
    assert_eq!(
        daily,
        events
            .into_iter()
            .filter(|r| daily.iter().any(|d| d.action == r.action))
            .collect::<Vec<_>>()
    );

    // an id stored by the old release is still a duplicate; new events continue the log
    let old = rows[0].body.clone();
    let old_id = serde_json::from_str::<serde_json::Value>(&old).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(old_id, "evt_000");
    let next = vec![
        super::ev(
            Some("after_upgrade_1"),
            "rule.updated",
            1,
            1_790_000_000_000_000,
        ),
        super::ev(
            Some("after_upgrade_2"),
            "ticket.created",
            2,
            1_790_000_100_000_000,
        ),
    ];
    let appended = store.append(&org, next).await.unwrap();
    assert_eq!(
        appended.iter().map(|a| a.seq).collect::<Vec<_>>(),
        vec![EVENTS + 1, EVENTS + 2]
    );
    let all = store.events_by_seq(&org, 1, 1000).await.unwrap();
    assert_eq!(
        verify_chain(all.iter().map(|r| r.body.as_str())),
        Ok(EVENTS + 2)
    );
    let (size, new_root) = store.tree_head(&org).await.unwrap();
    assert_eq!(size, EVENTS + 2);
    assert_ne!(new_root, root);
    // the old checkpoint is consistent with the grown tree
    let proof = store
        .consistency_proof(&org, cp.tree_size, size)
        .await
        .unwrap();
    auditlog::model::merkle::verify_consistency(cp.tree_size, size, &cp.root, &new_root, &proof)
        .expect("the old checkpoint is consistent with today's tree");
    let (leaf, path) = store.inclusion_proof(&org, 0, size).await.unwrap();
    assert_eq!(leaf, leaf_hash(old.as_bytes()));
    verify_inclusion(&leaf, 0, size, &path, &new_root).expect("inclusion of the first event");
}

/// `auditlog verify --org acme` on the upgraded database, as an operator runs it.
fn cli_verifies(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_auditlog"))
        .args(["verify", "--org", "acme"])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("ok: {} events", EVENTS + 2))
            && stdout.contains("1 signed checkpoint matches"),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_database_of_the_last_release_upgrades_with_nothing_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("auditlog.db");
    std::fs::copy(fixture("sqlite-schema-3.db"), &path).unwrap();
    {
        let store = auditlog::store::sqlite::SqliteStore::open(&path).unwrap();
        nothing_is_lost(Arc::new(store)).await;
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert!(version >= 3, "schema version {version}");
    drop(conn);
    cli_verifies(&["--data-dir", &dir.path().display().to_string()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_schema_of_the_last_release_upgrades_with_nothing_lost() {
    let Some(schema) = super::pg::schema().await else {
        return;
    };
    // restored as the application role, which then owns the tables as if it had made them
    let dump = std::fs::read_to_string(fixture("postgres-schema-6.sql")).unwrap();
    let dump: String = dump
        .lines()
        .filter(|l| !l.starts_with("CREATE SCHEMA "))
        .map(|l| l.replace("upgrade_fx.", &format!("{}.", schema.name)) + "\n")
        .collect();
    super::pg::connect(&schema.url())
        .await
        .batch_execute(&dump)
        .await
        .expect("restore the last release's schema");
    {
        let store = auditlog::store::postgres::PostgresStore::connect(&schema.url())
            .await
            .unwrap();
        nothing_is_lost(Arc::new(store)).await;
    }
    let dir = tempfile::tempdir().unwrap();
    cli_verifies(&[
        "--data-dir",
        &dir.path().display().to_string(),
        "--database",
        &schema.url(),
    ]);
}
