//! The `Store` methods the other conformance tests do not reach: settings and readiness,
//! actor names, signing keys, checkpoints and proofs, and the rows `verify` reads. Each
//! runs on every backend through `store_tests!`.

use std::sync::Arc;

use auditlog::model::chain::decode_hash;
use auditlog::model::merkle::{self, CompactRange, verify_consistency, verify_inclusion};
use auditlog::model::time::format_micros;
use auditlog::service::integrity::Signer;
use auditlog::store::{OrgSettings, Store};
use serde_json::{Value, json};

use super::{T0, ev};

/// An event by a named user.
fn by(actor_id: &str, name: &str, at: i64) -> auditlog::model::chain::PreparedEvent {
    let v = json!({
        "action": "rule.updated",
        "entity": {"type": "rule", "id": "rule_1"},
        "actor": {"type": "user", "id": actor_id, "name": name},
        "occurred_at": format_micros(at),
    });
    let mut errors = Vec::new();
    auditlog::service::validate::prepare(
        auditlog::model::Catalog::builtin(),
        "org",
        0,
        &v.to_string(),
        auditlog::model::time::now_micros(),
        &mut errors,
    )
    .unwrap_or_else(|| panic!("{errors:?}"))
}

pub(crate) async fn settings_start_empty_and_round_trip_per_org(s: Arc<dyn Store>) {
    s.ready().await.unwrap();
    let a = crate::new_org(&*s, "acme", "Acme").await;
    let b = crate::new_org(&*s, "beta", "Beta").await;
    assert_eq!(s.settings(&a).await.unwrap(), OrgSettings::default());
    let held = OrgSettings {
        retention_days: Some(30),
        legal_hold: true,
    };
    crate::put_settings(&*s, &a, held).await.unwrap();
    assert_eq!(s.settings(&a).await.unwrap(), held);
    assert_eq!(s.settings(&b).await.unwrap(), OrgSettings::default());
    crate::put_settings(&*s, &a, OrgSettings::default())
        .await
        .unwrap();
    assert_eq!(s.settings(&a).await.unwrap(), OrgSettings::default());
    // nothing purged yet: no cut
    assert_eq!(s.purge_state(&a).await.unwrap(), None);
}

pub(crate) async fn actor_names_are_the_latest_by_occurred_at(s: Arc<dyn Store>) {
    let a = crate::new_org(&*s, "acme", "Acme").await;
    let b = crate::new_org(&*s, "beta", "Beta").await;
    s.append(
        &a,
        vec![by("u_1", "Ana", T0 + 10), by("u_1", "Ana Lopez", T0 + 20)],
    )
    .await
    .unwrap();
    // appended later, but it happened earlier: it does not rename her
    s.append(
        &a,
        vec![by("u_1", "Ana (old)", T0 + 5), by("u_3", "Cy", T0)],
    )
    .await
    .unwrap();
    s.append(&b, vec![by("u_2", "Bo", T0)]).await.unwrap();
    let ids = ["u_1", "u_2", "u_3", "u_9"].map(String::from);
    let mut names = s.actor_names(&a, &ids).await.unwrap();
    names.sort();
    assert_eq!(
        names,
        vec![
            ("u_1".to_string(), "Ana Lopez".to_string()),
            ("u_3".to_string(), "Cy".to_string()),
        ]
    );
    assert_eq!(
        s.actor_names(&b, &ids).await.unwrap(),
        vec![("u_2".to_string(), "Bo".to_string())]
    );
}

pub(crate) async fn the_tree_proofs_signing_keys_and_checkpoints(s: Arc<dyn Store>) {
    let a = crate::new_org(&*s, "acme", "Acme").await;
    let b = crate::new_org(&*s, "beta", "Beta").await;
    let events = (0..37)
        .map(|n| ev(None, "ticket.created", n, T0 + n))
        .collect();
    s.append(&a, events).await.unwrap();
    let bodies = s.events_by_seq(&a, 1, 100).await.unwrap();
    let mut tree = CompactRange::new();
    let mut roots = vec![merkle::empty_root()];
    for r in &bodies {
        tree.append(merkle::leaf_hash(r.body.as_bytes()));
        roots.push(tree.root());
    }
    let (size, root) = s.tree_head(&a).await.unwrap();
    assert_eq!((size, root), (37, roots[37]));
    assert_eq!(s.tree_head(&b).await.unwrap(), (0, merkle::empty_root()));
    for size in [1, 10, 16, 37] {
        assert_eq!(s.root_at(&a, size).await.unwrap(), roots[size as usize]);
    }
    for i in [0u64, 17, 36] {
        let (leaf, path) = s.inclusion_proof(&a, i, 37).await.unwrap();
        assert_eq!(leaf, merkle::leaf_hash(bodies[i as usize].body.as_bytes()));
        verify_inclusion(&leaf, i, 37, &path, &root).unwrap();
        assert!(verify_inclusion(&leaf, i, 37, &path, &roots[36]).is_err());
    }
    for old in [1u64, 10, 16] {
        let proof = s.consistency_proof(&a, old, 37).await.unwrap();
        verify_consistency(old, 37, &roots[old as usize], &root, &proof).unwrap();
    }

    // signing keys: the newest is current, the others retired; registering again is a no-op
    let (k1, k2) = (
        Signer::new("auditlog", [1; 32]),
        Signer::new("auditlog", [2; 32]),
    );
    s.register_signing_key(&k1.info()).await.unwrap();
    let keys = s.signing_keys().await.unwrap();
    assert_eq!(keys.len(), 1);
    assert!(keys[0].retired_at.is_none());
    s.register_signing_key(&k2.info()).await.unwrap();
    s.register_signing_key(&k2.info()).await.unwrap();
    let keys = s.signing_keys().await.unwrap();
    assert_eq!(keys.len(), 2);
    let key = |k: &Signer| {
        keys.iter()
            .find(|i| i.key_id == k.info().key_id)
            .unwrap()
            .clone()
    };
    assert!(key(&k1).retired_at.is_some() && key(&k2).retired_at.is_none());
    assert_eq!(key(&k2).public_key, k2.info().public_key);

    // checkpoints: newest first, one per size, scoped by org
    let at10 = k2.sign(&a, 10, roots[10]);
    let at37 = k2.sign(&a, 37, root);
    s.save_checkpoint(&a, &at10).await.unwrap();
    s.save_checkpoint(&a, &at37).await.unwrap();
    s.save_checkpoint(&a, &k1.sign(&a, 37, root)).await.unwrap();
    assert_eq!(
        s.checkpoints(&a, 10).await.unwrap(),
        vec![at37.clone(), at10]
    );
    assert_eq!(s.checkpoints(&a, 1).await.unwrap(), vec![at37]);
    assert!(s.checkpoints(&b, 10).await.unwrap().is_empty());
}

pub(crate) async fn verify_rows_carry_the_columns_their_bodies_hold(s: Arc<dyn Store>) {
    let a = crate::new_org(&*s, "acme", "Acme").await;
    let b = crate::new_org(&*s, "beta", "Beta").await;
    let events: Vec<_> = (0..12)
        .map(|n| ev(Some(&format!("e{n}")), "rule.updated", n, T0 + n * 1000))
        .collect();
    s.append(&a, events).await.unwrap();
    s.append(&b, vec![ev(None, "ticket.created", 1, T0)])
        .await
        .unwrap();
    let rows = s.verify_rows(&a, 1, 100).await.unwrap();
    assert_eq!(
        rows.iter().map(|r| r.seq).collect::<Vec<_>>(),
        (1..=12).collect::<Vec<_>>()
    );
    for r in &rows {
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["seq"], json!(r.seq));
        assert_eq!(body["id"], json!(r.id));
        assert_eq!(body["action"], json!(r.action));
        assert_eq!(body["entity"]["id"], json!(r.entity_id));
        assert_eq!(body["actor"]["type"], json!(r.actor_type));
        assert_eq!(
            body["actor"].get("id").and_then(Value::as_str),
            r.actor_id.as_deref()
        );
        assert_eq!(body["occurred_at"], json!(format_micros(r.occurred_at)));
        assert_eq!(
            decode_hash(body["hash"].as_str().unwrap()).map(|h| h.to_vec()),
            Some(r.hash.clone())
        );
        assert_eq!(r.via_type, None);
    }
    let page = s.verify_rows(&a, 5, 3).await.unwrap();
    assert_eq!(
        page.iter().map(|r| r.seq).collect::<Vec<_>>(),
        vec![5, 6, 7]
    );
    assert_eq!(s.verify_rows(&b, 1, 100).await.unwrap().len(), 1);
}
