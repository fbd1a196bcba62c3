//! The platform-defined catalog's storage: versions, scopes, deletes, the generation
//! counter, and whether an action has events. Each runs on every backend through
//! `store_tests!`.

use std::sync::Arc;

use auditlog::store::{CatalogKind, CatalogPut, Store};

use super::{T0, ev};

pub(crate) async fn catalog_entries_keep_versions_per_scope(s: Arc<dyn Store>) {
    let a = crate::new_org(&*s, "acme", "Acme").await;
    let b = crate::new_org(&*s, "beta", "Beta").await;
    assert_eq!(s.catalog_generation().await.unwrap(), 0);
    assert!(s.catalog_entries(None).await.unwrap().is_empty());
    assert!(s.catalog_entries(Some(&a)).await.unwrap().is_empty());

    let put = |org, kind, name: &'static str, def: &'static str| {
        let s = s.clone();
        async move { s.put_catalog_entry(org, kind, name, def).await.unwrap() }
    };
    // instance entity type, then an org action in two versions
    assert_eq!(
        put(
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
        put(Some(&a), CatalogKind::Action, "invoice.paid", r#"{"v":1}"#).await,
        CatalogPut::Stored {
            version: 1,
            changed: true
        }
    );
    let g1 = s.catalog_generation().await.unwrap();
    // the same definition again: nothing stored, the generation unmoved
    assert_eq!(
        put(Some(&a), CatalogKind::Action, "invoice.paid", r#"{"v":1}"#).await,
        CatalogPut::Stored {
            version: 1,
            changed: false
        }
    );
    assert_eq!(s.catalog_generation().await.unwrap(), g1);
    assert_eq!(
        put(Some(&a), CatalogKind::Action, "invoice.paid", r#"{"v":2}"#).await,
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
        put(Some(&b), CatalogKind::Action, "invoice.paid", r#"{"v":9}"#).await,
        CatalogPut::Stored {
            version: 1,
            changed: true
        }
    );
    assert_eq!(
        put(
            Some(&a),
            CatalogKind::EntityType,
            "invoice",
            r#"{"label":"Mine"}"#
        )
        .await,
        CatalogPut::Conflict
    );
    assert_eq!(
        put(None, CatalogKind::Action, "invoice.paid", r#"{"v":0}"#).await,
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
        s.delete_catalog_entry(Some(&a), CatalogKind::Action, "invoice.paid")
            .await
            .unwrap()
    );
    assert!(s.catalog_generation().await.unwrap() > g2);
    assert!(
        !s.delete_catalog_entry(Some(&a), CatalogKind::Action, "invoice.paid")
            .await
            .unwrap()
    );
    assert_eq!(s.catalog_entries(Some(&a)).await.unwrap().len(), 1);
    assert_eq!(s.catalog_entries(Some(&b)).await.unwrap().len(), 2);
    // defined again after a delete, it starts over at version 1
    assert_eq!(
        put(Some(&a), CatalogKind::Action, "invoice.paid", r#"{"v":3}"#).await,
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
