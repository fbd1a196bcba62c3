use reqwest::StatusCode;
use serde_json::{Value, json};

use auditlog::model::{Org, Scope};
use auditlog::server::ServerConfig;
use auditlog::service::{Principal, Service};
use auditlog::store::{EventQuery, Order, Store};

use crate::helpers::{
    Backend, CLIENTS, SETUP, TestApp, WHOLE_LOG, bin, error_code, event, spawn_app,
};

/// Failpoints are process-wide: one case at a time.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn batch(prefix: &str, n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let mut e = event("rule.updated", i);
            e["id"] = json!(format!("{prefix}-{i}"));
            e
        })
        .collect()
}

/// The clients' events (not the service's own records), as (id, seq).
async fn stored(app: &TestApp, key: &str) -> Vec<(String, u64)> {
    app.all_events(key, CLIENTS)
        .await
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_string(),
                e["seq"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The stored log verifies, and holds `events` events besides the service's own records
/// (reads of the log, purges, the org's administration).
async fn verifies(app: &TestApp, admin: &str, events: usize) {
    let (s, v) = app
        .post_json("/v1/integrity/verify", admin, &json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["ok"], true, "{v}");
    let whole = app.all_events(admin, &format!("&{WHOLE_LOG}")).await;
    assert_eq!(v["events"], whole.len(), "{v}");
    let reads = whole
        .iter()
        .filter(|e| {
            e["category"] == "admin"
                || e["action"]
                    .as_str()
                    .is_some_and(|a| a.starts_with("audit_log."))
        })
        .count();
    assert_eq!(whole.len() - reads, events, "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_before_commit_stores_nothing_and_the_retry_stores_once() {
    let _turn = TURN.lock().await;
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let (s, _) = app.ingest(&acme.write, batch("warmup", 2)).await;
    assert_eq!(s, StatusCode::CREATED);

    fail::cfg("store::before_commit", "return").unwrap();
    let (s, v) = app.ingest(&acme.write, batch("b", 5)).await;
    fail::remove("store::before_commit");
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    assert_eq!(error_code(&v), "unavailable");
    assert_eq!(
        stored(&app, &acme.read).await.len(),
        2,
        "nothing of the batch"
    );
    let (s, v) = app
        .get_json(
            &format!("/v1/events/summary?group_by=action{CLIENTS}"),
            &acme.read,
        )
        .await;
    assert_eq!((s, v["total"].as_u64()), (StatusCode::OK, Some(2)), "{v}");

    // the service recovers by itself: the retry stores each event once, right after seq 2
    let (s, v) = app.ingest(&acme.write, batch("b", 5)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let seqs: Vec<u64> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    // consecutive, after everything stored before (reads are recorded in between)
    assert!(seqs[0] > 2, "{seqs:?}");
    assert_eq!(
        seqs,
        (seqs[0]..seqs[0] + 5).collect::<Vec<u64>>(),
        "one batch, one run of seqs"
    );
    let (s, v) = app.ingest(&acme.write, batch("b", 5)).await;
    assert_eq!(
        (s, v["duplicates"].as_u64()),
        (StatusCode::CREATED, Some(5))
    );
    assert_eq!(stored(&app, &acme.read).await.len(), 7);
    verifies(&app, &acme.admin, 7).await;
}

/// The store's "disk full" (SQLITE_FULL, PostgreSQL's 53100 `disk_full`) at the commit: a
/// 503 of its own with `Retry-After`, nothing stored, and the retry stores once. The real
/// full filesystem is `tests/api/diskfull.rs` (SQLite on a tmpfs).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_at_the_commit_answers_storage_full_and_stores_nothing() {
    let _turn = TURN.lock().await;
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let (s, _) = app.ingest(&acme.write, batch("warmup", 2)).await;
    assert_eq!(s, StatusCode::CREATED);

    fail::cfg("store::before_commit", "return(disk_full)").unwrap();
    let r = app
        .client
        .post(app.url("/v1/events"))
        .bearer_auth(&acme.write)
        .json(&json!({ "events": batch("b", 5) }))
        .send()
        .await
        .unwrap();
    fail::remove("store::before_commit");
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        r.headers().get("retry-after").and_then(|h| h.to_str().ok()),
        Some("30")
    );
    let v: Value = r.json().await.unwrap();
    assert_eq!(error_code(&v), "storage_full", "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("the server's disk is full: nothing from this request was stored"),
        "{v}"
    );
    assert_eq!(
        stored(&app, &acme.read).await.len(),
        2,
        "nothing of the batch"
    );

    let (s, v) = app.ingest(&acme.write, batch("b", 5)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["accepted"], 5, "{v}");
    assert_eq!(v["duplicates"], 0, "{v}");
    assert_eq!(stored(&app, &acme.read).await.len(), 7);
    verifies(&app, &acme.admin, 7).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_lost_after_commit_is_answered_by_the_retry_without_a_second_copy() {
    let _turn = TURN.lock().await;
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;

    fail::cfg("store::after_commit", "return").unwrap();
    let (s, v) = app.ingest(&acme.write, batch("c", 4)).await;
    fail::remove("store::after_commit");
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    // committed although the client was told otherwise
    assert_eq!(stored(&app, &acme.read).await.len(), 4);

    let (s, v) = app.ingest(&acme.write, batch("c", 4)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["duplicates"], 4, "{v}");
    let events = stored(&app, &acme.read).await;
    assert_eq!(
        events,
        (0..4)
            .map(|i| (format!("c-{i}"), SETUP + i as u64 + 1))
            .collect::<Vec<_>>()
    );
    verifies(&app, &acme.admin, 4).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_while_signing_a_checkpoint_saves_none_and_the_next_one_works() {
    let _turn = TURN.lock().await;
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let (s, _) = app.ingest(&acme.write, batch("d", 3)).await;
    assert_eq!(s, StatusCode::CREATED);
    let count = |v: &Value| v["checkpoints"].as_array().map_or(0, Vec::len);
    let (_, before) = app.get_json("/v1/integrity/checkpoints", &acme.read).await;

    fail::cfg("checkpoint::before_save", "return").unwrap();
    let (s, v) = app
        .post_json("/v1/integrity/checkpoints", &acme.admin, &json!({}))
        .await;
    fail::remove("checkpoint::before_save");
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    let (_, after) = app.get_json("/v1/integrity/checkpoints", &acme.read).await;
    assert_eq!(count(&after), count(&before), "{after}");

    let (s, v) = app
        .post_json("/v1/integrity/checkpoints", &acme.admin, &json!({}))
        .await;
    assert!(s.is_success(), "{s} {v}");
    assert_eq!(v["tree_size"], SETUP + 3, "{v}");
    let (_, after) = app.get_json("/v1/integrity/checkpoints", &acme.read).await;
    assert_eq!(count(&after), count(&before) + 1, "{after}");
    verifies(&app, &acme.admin, 3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_that_breaks_off_is_never_mistaken_for_a_complete_one() {
    let _turn = TURN.lock().await;
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    for chunk in 0..3 {
        let events: Vec<Value> = (0..1000)
            .map(|i| event("tag.created", chunk * 1000 + i))
            .collect();
        let (s, v) = app.ingest(&acme.write, events).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }

    fail::cfg("export::next_page", "return").unwrap();
    // over HTTP: the body ends without its terminating chunk, so the client sees an error
    let r = app.get("/v1/events/export?format=ndjson", &acme.read).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.bytes().await;
    assert!(body.is_err(), "a broken-off export read as complete");
    // through the CLI: exit non-zero and no file under the requested name
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export.ndjson");
    let run = bin()
        .args([
            "export",
            "--format",
            "ndjson",
            "--url",
            &app.url(""),
            "--key",
            &acme.read,
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    fail::remove("export::next_page");
    assert!(!run.status.success(), "the CLI reported success");
    assert!(!out.exists(), "a partial export took the final file name");

    // and without the failure the same export is whole
    let run = bin()
        .args([
            "export",
            "--format",
            "ndjson",
            "--url",
            &app.url(""),
            "--key",
            &acme.read,
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    // the 3000 events and the org's own records
    assert_eq!(text.lines().count() as u64, SETUP + 3000);
}

/// A service on this target's backend with no server around it, so no background pass
/// races the test's own, and orgs `acme` and `beta` with `n` events each.
async fn service_with_two_orgs(
    n: usize,
) -> Option<(
    Service,
    Vec<Org>,
    tempfile::TempDir,
    Option<crate::pg::PgSchema>,
)> {
    let schema = match crate::BACKEND {
        Backend::Sqlite => None,
        Backend::Postgres => Some(crate::pg::schema().await?),
    };
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig {
        database: schema.as_ref().map(|s| s.url()),
        ..ServerConfig::new("127.0.0.1:0", dir.path())
    };
    let service = auditlog::server::bind(&config).await.unwrap().service;
    let mut orgs = Vec::new();
    for slug in ["acme", "beta"] {
        let org = service
            .create_org(&Principal::Operator, slug, None)
            .await
            .unwrap()
            .org;
        service
            .ingest_values(&writer(&org), batch(slug, n))
            .await
            .unwrap();
        orgs.push(org);
    }
    Some((service, orgs, dir, schema))
}

fn writer(org: &Org) -> Principal {
    Principal::Key {
        key_id: "test".into(),
        org: org.clone(),
        scope: Scope::Write,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkpoint_that_fails_for_one_org_does_not_stop_the_pass() {
    let _turn = TURN.lock().await;
    let Some((service, orgs, _dir, _schema)) = service_with_two_orgs(3).await else {
        return;
    };
    let signed = |org: &Org| {
        let store = service.store().clone();
        let org = org.clone();
        async move { store.checkpoints(&org, 10).await.unwrap().len() }
    };

    // the first org's checkpoint fails; the pass goes on and signs the second's
    fail::cfg("checkpoint::before_save", "1*return").unwrap();
    let pass = service.checkpoint_pass(1, i64::MAX).await;
    fail::remove("checkpoint::before_save");
    let pass = pass.unwrap();
    assert_eq!(pass.done, 1, "{pass:?}");
    assert_eq!(pass.failed.len(), 1, "{pass:?}");
    let failed = &pass.failed[0].0;
    assert!(pass.failures().unwrap().starts_with(&format!("{failed}: ")));
    for org in &orgs {
        assert_eq!(
            signed(org).await,
            usize::from(&org.slug != failed),
            "{}",
            org.slug
        );
    }

    // the next pass signs the one that failed, and only it
    let pass = service.checkpoint_pass(1, i64::MAX).await.unwrap();
    assert_eq!((pass.done, pass.failed.len()), (1, 0), "{pass:?}");
    assert!(pass.failures().is_none());
    for org in &orgs {
        assert_eq!(signed(org).await, 1, "{}", org.slug);
    }
}

/// Makes the events up to `max_seq` of every org in the SQLite database in `dir` look
/// `days` days old.
fn backdate(dir: &tempfile::TempDir, max_seq: u64, days: i64) {
    let db = rusqlite::Connection::open(dir.path().join("auditlog.db")).unwrap();
    db.execute_batch("DROP TRIGGER IF EXISTS events_no_update;")
        .unwrap();
    let old = auditlog::model::time::now_micros() - days * 86_400_000_000;
    db.execute(
        "UPDATE events SET recorded_at = ?1 WHERE seq <= ?2",
        [old, max_seq as i64],
    )
    .unwrap();
}

/// The metadata of the org's `audit_log.purged` records, oldest first.
async fn purge_metadata(store: &dyn Store, org: &Org) -> Vec<Value> {
    let q = EventQuery {
        from: None,
        to: None,
        actions: Some(vec!["audit_log.purged".into()]),
        entity_ids: None,
        actor_ids: None,
        actor_types: None,
        order: Order::Asc,
        after: None,
        limit: 100,
    };
    store
        .query(org, &q)
        .await
        .unwrap()
        .iter()
        .map(|row| {
            let mut v: Value = serde_json::from_str(&row.body).unwrap();
            v["metadata"].take()
        })
        .collect()
}

/// The org's `audit_log.purged` records: (events_purged, log_starts_after_seq).
async fn purge_records(service: &Service, org: &Org) -> Vec<(u64, u64)> {
    purge_metadata(service.store().as_ref(), org)
        .await
        .iter()
        .map(|m| {
            (
                m["events_purged"].as_u64().unwrap(),
                m["log_starts_after_seq"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// SQLite only: the test backdates events with a raw connection, which the PostgreSQL
/// target's schema does not give (its trigger refuses every `UPDATE` of `events`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purge_that_fails_for_one_org_does_not_stop_the_pass() {
    if crate::BACKEND != Backend::Sqlite {
        return;
    }
    let _turn = TURN.lock().await;
    let Some((service, orgs, dir, _schema)) = service_with_two_orgs(5).await else {
        return;
    };
    let service = service.with_default_retention(Some(30));
    backdate(&dir, 5, 40);

    // the first org's purge commits but its record fails; the second org is purged too
    fail::cfg("purge::before_record", "1*return").unwrap();
    let pass = service.purge_pass().await;
    fail::remove("purge::before_record");
    let pass = pass.unwrap();
    assert_eq!(pass.done, 5, "{pass:?}");
    assert_eq!(pass.failed.len(), 1, "{pass:?}");
    let failed = pass.failed[0].0.clone();
    for org in &orgs {
        let cut = service.store().purge_state(org).await.unwrap().unwrap();
        assert_eq!(cut.cut_seq, 5, "{}", org.slug);
        if org.slug != failed {
            assert_eq!(purge_records(&service, org).await, [(5, 5)]);
        }
    }
}

/// SQLite only, as above. A purge step commits on its own; when the run fails after it
/// (here: writing its record), the next run records the cut late, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purge_left_unrecorded_is_recorded_by_the_next_pass() {
    if crate::BACKEND != Backend::Sqlite {
        return;
    }
    let _turn = TURN.lock().await;
    let Some((service, orgs, dir, _schema)) = service_with_two_orgs(5).await else {
        return;
    };
    let service = service.with_default_retention(Some(30));
    let late = |org: &Org| {
        let service = service.clone();
        let org = org.clone();
        async move {
            purge_metadata(service.store().as_ref(), &org)
                .await
                .iter()
                .map(|m| m["recorded_late"] == true)
                .collect::<Vec<bool>>()
        }
    };

    // no record ever: the first org's cut at 3 goes unrecorded
    backdate(&dir, 3, 40);
    fail::cfg("purge::before_record", "1*return").unwrap();
    let pass = service.purge_pass().await;
    fail::remove("purge::before_record");
    let pass = pass.unwrap();
    assert_eq!((pass.done, pass.failed.len()), (3, 1), "{pass:?}");
    let failed = pass.failed[0].0.clone();
    let (first, second) = if orgs[0].slug == failed {
        (&orgs[0], &orgs[1])
    } else {
        (&orgs[1], &orgs[0])
    };
    assert_eq!(purge_records(&service, first).await, []);
    assert_eq!(purge_records(&service, second).await, [(3, 3)]);

    // the next pass records it (late); the one after writes nothing
    for _ in 0..2 {
        let pass = service.purge_pass().await.unwrap();
        assert_eq!((pass.done, pass.failed.len()), (0, 0), "{pass:?}");
        assert_eq!(purge_records(&service, first).await, [(3, 3)]);
        assert_eq!(late(first).await, [true]);
        assert_eq!(purge_records(&service, second).await, [(3, 3)]);
        assert_eq!(late(second).await, [false]);
    }

    // with a record left (at seq 6): both orgs' cuts at 5 go unrecorded, and are recorded
    // late as the 2 events past the recorded cut at 3
    backdate(&dir, 5, 40);
    fail::cfg("purge::before_record", "return").unwrap();
    let pass = service.purge_pass().await;
    fail::remove("purge::before_record");
    let pass = pass.unwrap();
    assert_eq!((pass.done, pass.failed.len()), (0, 2), "{pass:?}");
    for org in &orgs {
        let cut = service.store().purge_state(org).await.unwrap().unwrap();
        assert_eq!(cut.cut_seq, 5, "{}", org.slug);
        assert_eq!(purge_records(&service, org).await, [(3, 3)]);
    }
    let pass = service.purge_pass().await.unwrap();
    assert_eq!((pass.done, pass.failed.len()), (0, 0), "{pass:?}");
    for org in &orgs {
        assert_eq!(purge_records(&service, org).await, [(3, 3), (2, 5)]);
        assert_eq!(late(org).await.last(), Some(&true));
    }
    let report = service
        .verify(&Principal::Key {
            key_id: "test".into(),
            org: first.clone(),
            scope: Scope::Admin,
        })
        .await
        .unwrap();
    assert!(report.ok(), "{report:?}");
}

/// An administrative change and its record are one transaction: when the commit fails,
/// neither the settings, the key nor the record exist; the retry makes both, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrative_change_that_fails_to_commit_leaves_neither_change_nor_record() {
    let _turn = TURN.lock().await;
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let admin_records = || async {
        app.all_events(&acme.read, "&category=admin")
            .await
            .into_iter()
            .map(|e| e["action"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let before = admin_records().await;
    let put = |body: Value| {
        let app = &app;
        let key = acme.admin.clone();
        async move {
            let r = app
                .client
                .put(app.url("/v1/settings"))
                .bearer_auth(key)
                .json(&body)
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };
    let keys = || async {
        let (_, v) = app.get_json("/v1/orgs/acme/keys", &acme.admin).await;
        v["keys"].as_array().unwrap().len()
    };
    let key_count = keys().await;

    fail::cfg("store::before_commit", "return").unwrap();
    let (s_put, v_put) = put(json!({"retention_days": 1, "legal_hold": false})).await;
    let (s_key, v_key) = app
        .post_json(
            "/v1/orgs/acme/keys",
            &acme.admin,
            &json!({"scope": "read", "name": "lost"}),
        )
        .await;
    fail::remove("store::before_commit");
    assert_eq!(s_put, StatusCode::SERVICE_UNAVAILABLE, "{v_put}");
    assert_eq!(s_key, StatusCode::SERVICE_UNAVAILABLE, "{v_key}");
    let (_, settings) = app.get_json("/v1/settings", &acme.admin).await;
    assert_eq!(settings["retention_days"], Value::Null, "{settings}");
    assert_eq!(keys().await, key_count, "no key without its record");
    assert_eq!(
        admin_records().await,
        before,
        "no record without its change"
    );

    let (s, v) = put(json!({"retention_days": 1, "legal_hold": false})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let after = admin_records().await;
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(after.last().unwrap(), "audit_log.settings_updated");
    verifies(&app, &acme.admin, 0).await;
}
