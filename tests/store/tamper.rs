//! Someone with write access to the database edits it. `verify` must catch every kind of
//! edit and name the seq, and an untouched log must always verify.

use std::sync::Arc;

use auditlog::model::Org;
use auditlog::service::integrity::{Signer, verify_org};
use auditlog::store::Store;
use auditlog::store::sqlite::SqliteStore;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rusqlite::{Connection, params};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{T0, ev};

const KINDS: u8 = 9;

/// Recomputes a body's hash after `edit`, with `prev` as its prev_hash; returns (body, hash).
fn rehash(body: &str, prev: Option<&str>, edit: impl FnOnce(&mut Value)) -> (String, String) {
    let mut v: Value = serde_json::from_str(body).unwrap();
    edit(&mut v);
    if let Some(p) = prev {
        v["prev_hash"] = Value::String(p.to_string());
    }
    v.as_object_mut().unwrap().remove("hash");
    let hash = hex::encode(Sha256::digest(serde_jcs::to_vec(&v).unwrap()));
    v["hash"] = Value::String(hash.clone());
    (serde_jcs::to_string(&v).unwrap(), hash)
}

fn body(db: &Connection, seq: u64) -> String {
    db.query_row(
        "SELECT body FROM events WHERE seq = ?1",
        [seq as i64],
        |r| r.get(0),
    )
    .unwrap()
}

fn set(db: &Connection, seq: u64, body: &str, hash: &str) {
    db.execute(
        "UPDATE events SET body = ?1, hash = ?2 WHERE seq = ?3",
        params![body, hex::decode(hash).unwrap(), seq as i64],
    )
    .unwrap();
}

/// Applies mutation `kind` at seq `m` of a log of `n` events with checkpoints at `cps`;
/// returns the seq verify must name.
fn tamper(db: &Connection, kind: u8, m: u64, n: u64, cps: &[u64]) -> u64 {
    db.execute_batch("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;")
        .unwrap();
    let first_checkpoint_at_or_after =
        |s: u64| cps.iter().copied().filter(|c| *c >= s).min().unwrap();
    match kind {
        // edit the body without fixing its hash
        0 => {
            let b = body(db, m).replacen("\"entity\":{\"id\":\"", "\"entity\":{\"id\":\"x", 1);
            db.execute(
                "UPDATE events SET body = ?1 WHERE seq = ?2",
                params![b, m as i64],
            )
            .unwrap();
            m
        }
        // edit an indexed column only
        1 => {
            db.execute(
                "UPDATE events SET action = 'user.deleted' WHERE seq = ?1",
                [m as i64],
            )
            .unwrap();
            m
        }
        2 => {
            db.execute(
                "UPDATE events SET actor_id = 'u_evil' WHERE seq = ?1",
                [m as i64],
            )
            .unwrap();
            m
        }
        // delete a row (the last one is a truncation, caught by the checkpoint at n)
        3 => {
            db.execute("DELETE FROM events WHERE seq = ?1", [m as i64])
                .unwrap();
            m
        }
        // insert a copy of an event after the end
        4 => {
            db.execute(
                "INSERT INTO events (pk, org_id, seq, id, occurred_at, recorded_at, action, entity_id, actor_type,
                                     actor_id, via_type, content_hash, hash, body)
                 SELECT pk + ?2, org_id, ?3, id || '-copy', occurred_at, recorded_at, action, entity_id, actor_type,
                        actor_id, via_type, content_hash, hash, body FROM events WHERE seq = ?1",
                params![m as i64, (n + 1 - m) as i64, (n + 1) as i64],
            )
            .unwrap();
            n + 1
        }
        // swap two events' contents
        5 => {
            let other = if m < n { m + 1 } else { m - 1 };
            let (a, b) = (body(db, m), body(db, other));
            db.execute(
                "UPDATE events SET body = ?1 WHERE seq = ?2",
                params![b, m as i64],
            )
            .unwrap();
            db.execute(
                "UPDATE events SET body = ?1 WHERE seq = ?2",
                params![a, other as i64],
            )
            .unwrap();
            m.min(other)
        }
        // back-date one event and re-hash just that event
        6 => {
            let (b, h) = rehash(&body(db, m), None, |v| {
                v["occurred_at"] = "2001-01-01T00:00:00.000000Z".into()
            });
            set(db, m, &b, &h);
            db.execute(
                "UPDATE events SET occurred_at = 978307200000000 WHERE seq = ?1",
                [m as i64],
            )
            .unwrap();
            if m < n {
                m + 1
            } else {
                first_checkpoint_at_or_after(m)
            }
        }
        // truncate the tail
        7 => {
            db.execute("DELETE FROM events WHERE seq >= ?1", [m as i64])
                .unwrap();
            m
        }
        // edit one event and re-hash it and every later event consistently
        _ => {
            let (b, mut prev) = rehash(&body(db, m), None, |v| {
                v["entity"]["name"] = "rewritten".into()
            });
            set(db, m, &b, &prev);
            for s in m + 1..=n {
                let (b, h) = rehash(&body(db, s), Some(&prev), |_| {});
                set(db, s, &b, &h);
                prev = h;
            }
            first_checkpoint_at_or_after(m)
        }
    }
}

async fn build(dir: &std::path::Path, n: u64, checkpoint_at: u64) -> (Arc<dyn Store>, Org) {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.join("t.db")).unwrap());
    let org = store.create_org("acme", "Acme").await.unwrap();
    let signer = Signer::new("auditlog", [3; 32]);
    store.register_signing_key(&signer.info()).await.unwrap();
    let events: Vec<_> = (0..n as i64)
        .map(|i| ev(None, "ticket.updated", i, T0 + i * 1000))
        .collect();
    let mut appended = 0u64;
    for chunk in events.chunks(1000) {
        store.append(&org, chunk.to_vec()).await.unwrap();
        appended += chunk.len() as u64;
        if appended >= checkpoint_at && appended - (chunk.len() as u64) < checkpoint_at {
            // a checkpoint signed while the log held `appended` events
            let (size, root) = store.tree_head(&org).await.unwrap();
            store
                .save_checkpoint(&org, &signer.sign(&org, size, root))
                .await
                .unwrap();
        }
    }
    let (size, root) = store.tree_head(&org).await.unwrap();
    store
        .save_checkpoint(&org, &signer.sign(&org, size, root))
        .await
        .unwrap();
    (store, org)
}

#[test]
fn verify_detects_every_tampering_and_names_the_seq() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let strategy = (
        1u64..=5000,
        0..KINDS,
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
    )
        .prop_filter("a swap needs two events", |(n, kind, _, _)| {
            *kind != 5 || *n >= 2
        });
    let mut runner = TestRunner::new(Config {
        cases: 36,
        ..Config::default()
    });
    runner
        .run(&strategy, |(n, kind, at, cp)| {
            let dir = tempfile::tempdir().unwrap();
            let cp_at = 1 + cp.index(n as usize) as u64;
            let (store, org) = rt.block_on(build(dir.path(), n, cp_at));
            let clean = rt
                .block_on(verify_org(store.as_ref(), &org, "auditlog", |_| {}))
                .unwrap();
            prop_assert!(clean.ok(), "untouched log: {}", clean.summary());
            prop_assert_eq!(clean.events, n);
            let cps: Vec<u64> = rt
                .block_on(store.checkpoints(&org, 10))
                .unwrap()
                .iter()
                .map(|c| c.tree_size)
                .collect();
            let m = 1 + at.index(n as usize) as u64;
            let db = Connection::open(dir.path().join("t.db")).unwrap();
            let expected = tamper(&db, kind, m, n, &cps);
            drop(db);
            let r = rt
                .block_on(verify_org(store.as_ref(), &org, "auditlog", |_| {}))
                .unwrap();
            prop_assert!(
                !r.ok(),
                "kind {} at seq {} of {} went unnoticed",
                kind,
                m,
                n
            );
            prop_assert_eq!(
                r.problem.as_ref().map(|p| p.0),
                Some(expected),
                "kind {} at seq {} of {}: {}",
                kind,
                m,
                n,
                r.summary()
            );
            Ok(())
        })
        .unwrap();
}
