//! PostgreSQL row-level security, defence in depth: a statement of the application role
//! that forgot its org sees nothing, and one scoped to an org can neither read nor write
//! another org's rows. (Every other PostgreSQL test also runs as that role, so each store
//! path is proven to name its org.)

use super::raw::{Fixture, Kind};
use super::{T0, ev};

async fn count(c: &tokio_postgres::Client, table: &str) -> i64 {
    c.query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_without_its_org_sees_nothing_and_one_org_cannot_touch_another() {
    let Some(fx) = Fixture::new(Kind::Postgres).await else {
        return;
    };
    let store = fx.open().await;
    let acme = crate::new_org(&*store, "acme", "Acme").await;
    let globex = crate::new_org(&*store, "globex", "Globex").await;
    store
        .append(
            &acme,
            (0..3)
                .map(|i| ev(None, "rule.updated", i, T0 + i))
                .collect(),
        )
        .await
        .unwrap();
    store
        .append(
            &globex,
            (0..2).map(|i| ev(None, "tag.created", i, T0 + i)).collect(),
        )
        .await
        .unwrap();
    let Fixture::Postgres(schema) = &fx else {
        unreachable!("a PostgreSQL fixture")
    };
    let (app, conn) = tokio_postgres::connect(&schema.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let is_super: bool = app
        .query_one(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(!is_super, "the test must run as an ordinary role");

    // no org named: nothing, in every per-org table
    for table in [
        "events",
        "org_heads",
        "rollup_action",
        "rollup_actor",
        "rollup_actor_actions",
        "actors",
        "merkle_nodes",
    ] {
        assert_eq!(count(&app, table).await, 0, "{table} without an org");
    }

    // scoped to acme: acme's rows only, and no writing globex's
    app.batch_execute(&format!(
        "BEGIN; SELECT set_config('auditlog.org', '{}', true)",
        acme.id
    ))
    .await
    .unwrap();
    assert_eq!(count(&app, "events").await, 3);
    let orgs: Vec<i64> = app
        .query("SELECT DISTINCT org_id FROM events", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(orgs, [acme.id]);
    let err = app
        .execute(
            "INSERT INTO checkpoints (org_id, tree_size, root, time, key_id, note)
             VALUES ($1, 1, '\\x00', 0, 'k', 'n')",
            &[&globex.id],
        )
        .await
        .unwrap_err();
    assert!(
        err.as_db_error()
            .is_some_and(|d| d.message().contains("row-level security")),
        "{err}"
    );
    app.batch_execute("ROLLBACK").await.unwrap();

    // the store itself, through the same role, still sees each org whole
    assert_eq!(store.events_by_seq(&globex, 1, 10).await.unwrap().len(), 2);
    // what row-level security does not stop: a superuser (keep the service off that role)
    let admin = fx.raw().await;
    let super::raw::Raw::Pg(admin) = admin else {
        unreachable!("a PostgreSQL connection")
    };
    assert_eq!(count(&admin, "events").await, 5);
}
