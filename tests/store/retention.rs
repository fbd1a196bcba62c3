//! Retention: purging the oldest events keeps the proof. What is left verifies against
//! every checkpoint (including ones signed before the cut), proofs still work, counts stay
//! exact, the chain continues, and a legal hold stops it all.

use std::sync::Arc;

use auditlog::model::merkle;
use auditlog::service::integrity::{Signer, verify_org};
use auditlog::store::{CountQuery, CountSource, DAY_MICROS, OrgSettings, Store};

use super::raw::{Fixture, Kind, P};
use super::{T0, ev};

async fn checkpoint(
    store: &Arc<dyn Store>,
    org: &auditlog::model::Org,
    signer: &Signer,
) -> (u64, merkle::Hash) {
    let (size, root) = store.tree_head(org).await.unwrap();
    store
        .save_checkpoint(org, &signer.sign(org, size, root))
        .await
        .unwrap();
    (size, root)
}

async fn counts_agree(store: &Arc<dyn Store>, org: &auditlog::model::Org) {
    let day0 = T0 - T0.rem_euclid(DAY_MICROS);
    let base = CountQuery {
        by_action: true,
        ..CountQuery::new(
            CountSource::Events,
            day0 - DAY_MICROS,
            day0 + 30 * DAY_MICROS,
        )
    };
    for (by_action, by_actor) in [(true, false), (false, true), (true, true)] {
        let q = CountQuery {
            by_action,
            by_actor,
            ..base.clone()
        };
        let mut from_events = store.count(org, &q).await.unwrap();
        let mut from_rollups = store
            .count(
                org,
                &CountQuery {
                    source: CountSource::Daily,
                    ..q.clone()
                },
            )
            .await
            .unwrap();
        from_events.sort_by_key(|r| format!("{r:?}"));
        from_rollups.sort_by_key(|r| format!("{r:?}"));
        assert_eq!(
            from_rollups, from_events,
            "rollups after purge ({by_action}, {by_actor})"
        );
    }
}

pub(crate) async fn purging_keeps_the_proof_the_counts_and_the_chain(kind: Kind) {
    let Some(fx) = Fixture::new(kind).await else {
        return;
    };
    let store: Arc<dyn Store> = fx.open().await;
    let org = crate::new_org(&*store, "acme", "Acme").await;
    let signer = Signer::new("auditlog", [5; 32]);
    store.register_signing_key(&signer.info()).await.unwrap();
    let actions = ["ticket.closed", "rule.updated", "user.logged_in"];
    let batch = |from: i64, to: i64| {
        (from..to)
            .map(|i| ev(None, actions[(i % 3) as usize], i, T0 + i * 3_600_000_000))
            .collect::<Vec<_>>()
    };

    store.append(&org, batch(0, 50)).await.unwrap();
    let (_, root50) = checkpoint(&store, &org, &signer).await;
    store.append(&org, batch(50, 150)).await.unwrap();
    checkpoint(&store, &org, &signer).await;
    store.append(&org, batch(150, 300)).await.unwrap();
    let (_, root300) = checkpoint(&store, &org, &signer).await;

    // a legal hold stops the purge
    crate::put_settings(
        &*store,
        &org,
        OrgSettings {
            retention_days: Some(1),
            legal_hold: true,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        store
            .purge(&org, i64::MAX, 100, false)
            .await
            .unwrap()
            .events,
        0
    );
    crate::put_settings(
        &*store,
        &org,
        OrgSettings {
            retention_days: Some(1),
            legal_hold: false,
        },
    )
    .await
    .unwrap();

    // dry run counts, changes nothing
    let dry = store.purge(&org, i64::MAX, 97, true).await.unwrap();
    assert_eq!((dry.events, dry.cut_seq), (97, 97));
    assert_eq!(store.events_by_seq(&org, 1, 1).await.unwrap()[0].seq, 1);

    // cut in the middle of a 16-leaf subtree and past the first checkpoint
    let purged = store.purge(&org, i64::MAX, 97, false).await.unwrap();
    assert_eq!((purged.events, purged.cut_seq), (97, 97));
    assert_eq!(store.events_by_seq(&org, 1, 1).await.unwrap()[0].seq, 98);
    let r = verify_org(store.as_ref(), &org, "auditlog", |_| {})
        .await
        .unwrap();
    assert!(r.ok(), "{}", r.summary());
    assert_eq!(
        r.checkpoints, 3,
        "the checkpoint signed before the cut still checks"
    );
    counts_agree(&store, &org).await;

    // proofs for what is left, against old and new checkpoints
    for leaf in [97u64, 98, 150, 299] {
        let (leaf_hash, proof) = store.inclusion_proof(&org, leaf, 300).await.unwrap();
        merkle::verify_inclusion(&leaf_hash, leaf, 300, &proof, &root300).unwrap();
    }
    let proof = store.consistency_proof(&org, 50, 300).await.unwrap();
    merkle::verify_consistency(50, 300, &root50, &root300, &proof).unwrap();

    // the chain continues, a second cut, then everything
    store.append(&org, batch(300, 340)).await.unwrap();
    assert_eq!(
        store
            .purge(&org, i64::MAX, 100, false)
            .await
            .unwrap()
            .cut_seq,
        197
    );
    checkpoint(&store, &org, &signer).await;
    assert_eq!(
        store
            .purge(&org, i64::MAX, 10_000, false)
            .await
            .unwrap()
            .cut_seq,
        340
    );
    counts_agree(&store, &org).await;
    let next = store.append(&org, batch(340, 345)).await.unwrap();
    assert_eq!(next[0].seq, 341);
    checkpoint(&store, &org, &signer).await;
    let r = verify_org(store.as_ref(), &org, "auditlog", |_| {})
        .await
        .unwrap();
    assert!(r.ok(), "{}", r.summary());
    assert_eq!(r.events, 345);

    // a reopened store picks up where the cut left it
    drop(store);
    let store: Arc<dyn Store> = fx.open().await;
    let next = store.append(&org, batch(345, 346)).await.unwrap();
    assert_eq!(next[0].seq, 346);
    checkpoint(&store, &org, &signer).await;
    let r = verify_org(store.as_ref(), &org, "auditlog", |_| {})
        .await
        .unwrap();
    assert!(r.ok(), "{}", r.summary());

    // tampering with what is left is still caught
    let db = fx.raw().await;
    db.disable_guard().await;
    db.exec(
        "UPDATE events SET body = replace(body, 'ticket_', 'ticket-') WHERE seq = 343",
        &[],
    )
    .await
    .unwrap();
    let r = verify_org(store.as_ref(), &org, "auditlog", |_| {})
        .await
        .unwrap();
    assert_eq!(r.problem.map(|p| p.0), Some(343));
}

pub(crate) async fn nothing_but_the_purge_may_delete(kind: Kind) {
    let Some(fx) = Fixture::new(kind).await else {
        return;
    };
    let store = fx.open().await;
    let org = crate::new_org(&*store, "acme", "Acme").await;
    store
        .append(&org, vec![ev(None, "rule.created", 1, T0)])
        .await
        .unwrap();
    drop(store);
    let db = fx.raw().await;
    for sql in [
        "DELETE FROM events",
        "UPDATE events SET action = 'x'",
        "DELETE FROM events WHERE seq = ?1",
    ] {
        let params: &[P] = if sql.contains("?1") { &[P::I(1)] } else { &[] };
        let err = db.exec(sql, params).await.unwrap_err();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    if kind == Kind::Postgres {
        let err = db.exec("TRUNCATE events", &[]).await.unwrap_err();
        assert!(err.contains("append-only"), "TRUNCATE: {err}");
    }
}
