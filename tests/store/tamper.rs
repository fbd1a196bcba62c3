//! Someone with write access to the database edits it. `verify` must catch every kind of
//! edit and name the seq, and an untouched log must always verify.

use std::sync::Arc;

use auditlog::model::Org;
use auditlog::service::integrity::{Signer, verify_org};
use auditlog::store::Store;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::raw::{Fixture, Kind, P, Raw};
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

/// Applies mutation `kind` at seq `m` of a log of `n` events with checkpoints at `cps`;
/// returns the seq verify must name.
async fn tamper(db: &Raw, kind: u8, m: u64, n: u64, cps: &[u64]) -> u64 {
    db.disable_guard().await;
    let first_checkpoint_at_or_after =
        |s: u64| cps.iter().copied().filter(|c| *c >= s).min().unwrap();
    match kind {
        // edit the body without fixing its hash
        0 => {
            let b = db
                .body(m)
                .await
                .replacen("\"entity\":{\"id\":\"", "\"entity\":{\"id\":\"x", 1);
            db.exec(
                "UPDATE events SET body = ?1 WHERE seq = ?2",
                &[P::S(b), P::I(m as i64)],
            )
            .await
            .unwrap();
            m
        }
        // edit an indexed column only
        1 => {
            db.exec(
                "UPDATE events SET action = 'user.deleted' WHERE seq = ?1",
                &[P::I(m as i64)],
            )
            .await
            .unwrap();
            m
        }
        2 => {
            db.exec(
                "UPDATE events SET actor_id = 'u_evil' WHERE seq = ?1",
                &[P::I(m as i64)],
            )
            .await
            .unwrap();
            m
        }
        // delete a row (the last one is a truncation, caught by the checkpoint at n)
        3 => {
            db.exec("DELETE FROM events WHERE seq = ?1", &[P::I(m as i64)])
                .await
                .unwrap();
            m
        }
        // insert a copy of an event after the end
        4 => {
            db.copy_event(m, n + 1).await;
            n + 1
        }
        // swap two events' contents
        5 => {
            let other = if m < n { m + 1 } else { m - 1 };
            let (a, b) = (db.body(m).await, db.body(other).await);
            db.exec(
                "UPDATE events SET body = ?1 WHERE seq = ?2",
                &[P::S(b), P::I(m as i64)],
            )
            .await
            .unwrap();
            db.exec(
                "UPDATE events SET body = ?1 WHERE seq = ?2",
                &[P::S(a), P::I(other as i64)],
            )
            .await
            .unwrap();
            m.min(other)
        }
        // back-date one event and re-hash just that event
        6 => {
            let (b, h) = rehash(&db.body(m).await, None, |v| {
                v["occurred_at"] = "2001-01-01T00:00:00.000000Z".into()
            });
            db.set(m, &b, &h).await;
            db.exec(
                "UPDATE events SET occurred_at = 978307200000000 WHERE seq = ?1",
                &[P::I(m as i64)],
            )
            .await
            .unwrap();
            if m < n {
                m + 1
            } else {
                first_checkpoint_at_or_after(m)
            }
        }
        // truncate the tail
        7 => {
            db.exec("DELETE FROM events WHERE seq >= ?1", &[P::I(m as i64)])
                .await
                .unwrap();
            m
        }
        // edit one event and re-hash it and every later event consistently
        _ => {
            let (b, mut prev) = rehash(&db.body(m).await, None, |v| {
                v["entity"]["name"] = "rewritten".into()
            });
            db.set(m, &b, &prev).await;
            for s in m + 1..=n {
                let (b, h) = rehash(&db.body(s).await, Some(&prev), |_| {});
                db.set(s, &b, &h).await;
                prev = h;
            }
            first_checkpoint_at_or_after(m)
        }
    }
}

async fn build(fx: &Fixture, n: u64, checkpoint_at: u64) -> (Arc<dyn Store>, Org) {
    let store = fx.open().await;
    let org = crate::new_org(&*store, "acme", "Acme").await;
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

pub(crate) fn verify_detects_every_tampering_and_names_the_seq(kind: Kind) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    if kind == Kind::Postgres && crate::pg::base_url().is_none() {
        return;
    }
    let strategy = (
        1u64..=5000,
        0..KINDS,
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
    )
        .prop_filter("a swap needs two events", |(n, mutation, _, _)| {
            *mutation != 5 || *n >= 2
        });
    let mut runner = TestRunner::new(Config {
        cases: 36,
        ..Config::default()
    });
    runner
        .run(&strategy, |(n, mutation, at, cp)| {
            let fx = rt.block_on(Fixture::new(kind)).unwrap();
            let cp_at = 1 + cp.index(n as usize) as u64;
            let (store, org) = rt.block_on(build(&fx, n, cp_at));
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
            let expected = rt.block_on(async {
                let db = fx.raw().await;
                tamper(&db, mutation, m, n, &cps).await
            });
            let r = rt
                .block_on(verify_org(store.as_ref(), &org, "auditlog", |_| {}))
                .unwrap();
            prop_assert!(
                !r.ok(),
                "kind {} at seq {} of {} went unnoticed",
                mutation,
                m,
                n
            );
            prop_assert_eq!(
                r.problem.as_ref().map(|p| p.0),
                Some(expected),
                "kind {} at seq {} of {}: {}",
                mutation,
                m,
                n,
                r.summary()
            );
            Ok(())
        })
        .unwrap();
}
