//! The platform-defined catalog's storage: versions, scopes, deletes, the generation
//! counter, and whether an action has events. Each runs on every backend through
//! `store_tests!`.

use std::sync::Arc;

use auditlog::store::{CatalogKind, CatalogPut, Store};

use super::{T0, ev};

/// The version the next change of the scope's entry makes.
async fn next_version(
    s: &dyn Store,
    org: Option<&auditlog::model::Org>,
    kind: CatalogKind,
    name: &str,
) -> u32 {
    let scope = org.map(|o| o.id);
    s.catalog_entries(org)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.org_id == scope && e.kind == kind && e.name == name)
        .map(|e| e.version)
        .max()
        .unwrap_or(0)
        + 1
}

/// Puts `def` as the next version of the scope's entry, as the service does.
async fn put(
    s: &dyn Store,
    org: Option<&auditlog::model::Org>,
    kind: CatalogKind,
    name: &str,
    def: &str,
) -> CatalogPut {
    let next = next_version(s, org, kind, name).await;
    s.put_catalog_entry(org, kind, name, def, next, vec![])
        .await
        .unwrap()
}

/// A change of an org's catalog commits with its records; an unexpected version
/// (another change came first) stores neither.
pub(crate) async fn catalog_changes_commit_with_their_records(s: Arc<dyn Store>) {
    let a = crate::new_org(&*s, "acme", "Acme").await;
    let size = || async { s.tree_head(&a).await.unwrap().0 };
    let record = |action: &str, n: i64| ev(None, action, n, T0 + n);
    let kind = CatalogKind::Action;
    let stale = s
        .put_catalog_entry(
            Some(&a),
            kind,
            "invoice.paid",
            "{}",
            2,
            vec![record("catalog.action_defined", 1)],
        )
        .await
        .unwrap();
    assert_eq!(stale, CatalogPut::Stale);
    assert!(s.catalog_entries(Some(&a)).await.unwrap().is_empty());
    assert_eq!(size().await, 0, "no record without its change");
    let put = s
        .put_catalog_entry(
            Some(&a),
            kind,
            "invoice.paid",
            "{}",
            1,
            vec![record("catalog.action_defined", 2)],
        )
        .await
        .unwrap();
    assert_eq!(
        put,
        CatalogPut::Stored {
            version: 1,
            changed: true
        }
    );
    assert_eq!(size().await, 1);
    // the same definition: nothing changes, nothing is recorded
    let same = s
        .put_catalog_entry(
            Some(&a),
            kind,
            "invoice.paid",
            "{}",
            2,
            vec![record("catalog.action_defined", 3)],
        )
        .await
        .unwrap();
    assert_eq!(
        same,
        CatalogPut::Stored {
            version: 1,
            changed: false
        }
    );
    assert_eq!(size().await, 1);
    assert!(
        s.delete_catalog_entry(
            Some(&a),
            kind,
            "invoice.paid",
            vec![record("catalog.action_deleted", 4)]
        )
        .await
        .unwrap()
    );
    assert_eq!(size().await, 2);
    // nothing to delete: no record
    assert!(
        !s.delete_catalog_entry(
            Some(&a),
            kind,
            "invoice.paid",
            vec![record("catalog.action_deleted", 5)]
        )
        .await
        .unwrap()
    );
    assert_eq!(size().await, 2);
    // the instance's entries have no org to record in
    assert!(
        s.put_catalog_entry(
            None,
            kind,
            "x.y",
            "{}",
            1,
            vec![record("catalog.action_defined", 6)]
        )
        .await
        .is_err()
    );
}

pub(crate) async fn catalog_entries_keep_versions_per_scope(s: Arc<dyn Store>) {
    let a = crate::new_org(&*s, "acme", "Acme").await;
    let b = crate::new_org(&*s, "beta", "Beta").await;
    assert_eq!(s.catalog_generation().await.unwrap(), 0);
    assert!(s.catalog_entries(None).await.unwrap().is_empty());
    assert!(s.catalog_entries(Some(&a)).await.unwrap().is_empty());

    // instance entity type, then an org action in two versions
    assert_eq!(
        put(
            &*s,
            None,
            CatalogKind::EntityType,
            "invoice",
            r#"{"label":"Invoice"}"#
        )
        .await,
        CatalogPut::Stored {
            version: 1,
            changed: true
        }
    );
    assert_eq!(
        put(
            &*s,
            Some(&a),
            CatalogKind::Action,
            "invoice.paid",
            r#"{"v":1}"#
        )
        .await,
        CatalogPut::Stored {
            version: 1,
            changed: true
        }
    );
    let g1 = s.catalog_generation().await.unwrap();
    // the same definition again: nothing stored, the generation unmoved
    assert_eq!(
        put(
            &*s,
            Some(&a),
            CatalogKind::Action,
            "invoice.paid",
            r#"{"v":1}"#
        )
        .await,
        CatalogPut::Stored {
            version: 1,
            changed: false
        }
    );
    assert_eq!(s.catalog_generation().await.unwrap(), g1);
    assert_eq!(
        put(
            &*s,
            Some(&a),
            CatalogKind::Action,
            "invoice.paid",
            r#"{"v":2}"#
        )
        .await,
        CatalogPut::Stored {
            version: 2,
            changed: true
        }
    );
    assert!(s.catalog_generation().await.unwrap() > g1);

    // what each scope sees: the instance's, plus the org's own, every version
    let seen: Vec<(Option<i64>, CatalogKind, String, u32, String)> = s
        .catalog_entries(Some(&a))
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.org_id, e.kind, e.name, e.version, e.definition))
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                None,
                CatalogKind::EntityType,
                "invoice".into(),
                1,
                r#"{"label":"Invoice"}"#.into()
            ),
            (
                Some(a.id),
                CatalogKind::Action,
                "invoice.paid".into(),
                1,
                r#"{"v":1}"#.into()
            ),
            (
                Some(a.id),
                CatalogKind::Action,
                "invoice.paid".into(),
                2,
                r#"{"v":2}"#.into()
            ),
        ]
    );
    assert_eq!(s.catalog_entries(Some(&b)).await.unwrap().len(), 1);
    assert_eq!(s.catalog_entries(None).await.unwrap().len(), 1);

    // another org may define the same name for itself; neither scope may take the other's
    assert_eq!(
        put(
            &*s,
            Some(&b),
            CatalogKind::Action,
            "invoice.paid",
            r#"{"v":9}"#
        )
        .await,
        CatalogPut::Stored {
            version: 1,
            changed: true
        }
    );
    assert_eq!(
        put(
            &*s,
            Some(&a),
            CatalogKind::EntityType,
            "invoice",
            r#"{"label":"Mine"}"#
        )
        .await,
        CatalogPut::Conflict
    );
    assert_eq!(
        put(&*s, None, CatalogKind::Action, "invoice.paid", r#"{"v":0}"#).await,
        CatalogPut::Conflict
    );
    assert!(
        !s.catalog_entries(None)
            .await
            .unwrap()
            .iter()
            .any(|e| e.kind == CatalogKind::Action),
        "a conflict stores nothing"
    );

    // a delete removes every version of that scope's entry only
    let g2 = s.catalog_generation().await.unwrap();
    assert!(
        s.delete_catalog_entry(Some(&a), CatalogKind::Action, "invoice.paid", vec![])
            .await
            .unwrap()
    );
    assert!(s.catalog_generation().await.unwrap() > g2);
    assert!(
        !s.delete_catalog_entry(Some(&a), CatalogKind::Action, "invoice.paid", vec![])
            .await
            .unwrap()
    );
    assert_eq!(s.catalog_entries(Some(&a)).await.unwrap().len(), 1);
    assert_eq!(s.catalog_entries(Some(&b)).await.unwrap().len(), 2);
    // defined again after a delete, it starts over at version 1
    assert_eq!(
        put(
            &*s,
            Some(&a),
            CatalogKind::Action,
            "invoice.paid",
            r#"{"v":3}"#
        )
        .await,
        CatalogPut::Stored {
            version: 1,
            changed: true
        }
    );
}

pub(crate) async fn action_has_events_per_org_and_instance(s: Arc<dyn Store>) {
    let a = crate::new_org(&*s, "acme", "Acme").await;
    let b = crate::new_org(&*s, "beta", "Beta").await;
    assert!(!s.action_has_events(Some(&a), "rule.updated").await.unwrap());
    assert!(!s.action_has_events(None, "rule.updated").await.unwrap());
    s.append(&b, vec![ev(None, "rule.updated", 1, T0)])
        .await
        .unwrap();
    assert!(!s.action_has_events(Some(&a), "rule.updated").await.unwrap());
    assert!(s.action_has_events(Some(&b), "rule.updated").await.unwrap());
    assert!(s.action_has_events(None, "rule.updated").await.unwrap());
    assert!(!s.action_has_events(None, "rule.created").await.unwrap());
}
