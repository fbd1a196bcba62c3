//! The Audit Log page in a real browser: starts the server with known data, then runs
//! `node tests/browser/run.mjs`, which drives Debian's Chromium through playwright-core and
//! compares what the page shows with what the API answers. Screenshots land in
//! `target/screenshots/`.
//!
//! Without Chromium or `tests/browser/node_modules` the test is skipped with a message,
//! unless `AUDITLOG_TEST_BROWSER=1` (CI) makes that a failure.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[path = "common/pg.rs"]
#[allow(dead_code)]
mod pg;

/// The browser test runs on SQLite (the page does not depend on the store).
pub const BACKEND: helpers::Backend = helpers::Backend::Sqlite;

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use helpers::{OPERATOR, spawn_app};

const XSS_NAME: &str = r#"<script>window.__xss=1</script><img src=x onerror="window.__xss=2">"#;

fn chromium() -> PathBuf {
    std::env::var_os("AUDITLOG_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// What is missing to run the browser test, if anything.
fn missing(dir: &Path) -> Option<String> {
    if !chromium().exists() {
        return Some(format!(
            "{} not found (apt-get install chromium)",
            chromium().display()
        ));
    }
    if !dir.join("node_modules/playwright-core").exists() {
        return Some("tests/browser/node_modules missing (npm ci --prefix tests/browser)".into());
    }
    let node = std::process::Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Some("node not found".into());
    }
    None
}

fn occurred(minutes_ago: i64) -> String {
    let t = jiff::Timestamp::now() - jiff::SignedDuration::from_mins(minutes_ago);
    t.round(jiff::Unit::Second).unwrap().to_string()
}

/// 80 events over the last ~2.5 days in four categories, users and automation, one with a
/// name full of markup.
fn acme_events() -> Vec<Value> {
    let actions = [
        "rule.updated",
        "ticket.merged",
        "user.logged_in",
        "rule.created",
        "ticket.tags_added",
        "macro.deleted",
        "customer.profile_deleted",
        "inbox.updated",
    ];
    let people = [
        ("u_1", "Ana Lima", "ana@acme.test"),
        ("u_2", "Sam Ortiz", "sam@acme.test"),
        ("u_3", "Zoë O'Brien", "zoe@acme.test"),
    ];
    let mut out = Vec::new();
    for i in 0..80usize {
        let action = actions[i % actions.len()];
        let entity_type = action.split('.').next().unwrap();
        let actor = if i % 5 == 4 {
            json!({ "type": "system" })
        } else {
            let (id, name, email) = people[i % people.len()];
            json!({ "type": "user", "id": id, "name": name, "email": email })
        };
        let mut e = json!({
            "id": format!("evt_{i:03}"),
            "occurred_at": occurred(i as i64 * 45 + 7),
            "action": action,
            "entity": { "type": entity_type, "id": format!("{entity_type}_{i}"), "name": format!("{entity_type} number {i}") },
            "actor": actor,
            "changes": [{ "field": "name", "old": format!("old {i}"), "new": format!("new {i}") }],
            "context": { "ip": "203.0.113.7", "user_agent": "Mozilla/5.0 (test)" },
        });
        if i % 5 == 4 {
            e["via"] = json!({ "type": "rule", "id": "rule_12", "name": "Tag shipping questions" });
        }
        if action == "ticket.merged" {
            e["related"] = json!([{ "type": "ticket", "id": format!("t_{}", i + 1000), "role": "merged_from" }]);
        }
        out.push(e);
    }
    out.push(json!({
        "id": "evt_xss",
        "occurred_at": occurred(3),
        "action": "rule.created",
        "entity": { "type": "rule", "id": "r_xss", "name": XSS_NAME },
        "actor": { "type": "user", "id": "u_9", "name": "<b>Mallory</b>", "email": "m@acme.test" },
        "changes": [{ "field": "conditions", "new": "<img src=x onerror=alert(1)>" }],
    }));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_log_page_in_chromium() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("tests/browser");
    if let Some(why) = missing(&dir) {
        if std::env::var("AUDITLOG_TEST_BROWSER").as_deref() == Ok("1") {
            panic!("browser test required (AUDITLOG_TEST_BROWSER=1) but {why}");
        }
        pg::skipped(&format!("{why}; set up with .ci/run's steps"));
        return;
    }

    let app = spawn_app().await.expect("a SQLite server");
    // an org whose name holds markup, and a second org that must never show
    let mut keys = Vec::new();
    for (slug, name) in [("acme", "Acme <i>Support</i>"), ("globex", "Globex")] {
        let (s, v) = app
            .post_json("/v1/orgs", OPERATOR, &json!({ "slug": slug, "name": name }))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let admin = v["admin_key"]["secret"].as_str().unwrap().to_string();
        let (s, v) = app
            .post_json(
                &format!("/v1/orgs/{slug}/keys"),
                &admin,
                &json!({ "scope": "read", "name": "browser" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        keys.push((admin, v["secret"].as_str().unwrap().to_string()));
    }
    let (s, v) = app.ingest(&keys[0].0, acme_events()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // acme's own entity type and action (docs/catalog.md, "Platform-defined actions"), and
    // three events of it: the page must label and filter them from its org's catalog
    for (path, body) in [
        (
            "/v1/catalog/entity-types/invoice",
            json!({ "label": "Invoice" }),
        ),
        (
            "/v1/catalog/actions/invoice.paid",
            json!({ "category": "activity", "label": "Invoice paid", "verb_label": "Paid",
                "ocsf": { "class_uid": 3004, "activity_id": 2 },
                "metadata_schema": { "type": "object", "required": ["amount_cents"] } }),
        ),
    ] {
        let r = app
            .client
            .put(app.url(path))
            .bearer_auth(&keys[0].0)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{path}");
    }
    let invoices: Vec<Value> = (0..3)
        .map(|i| {
            json!({
                "id": format!("evt_inv_{i}"),
                "occurred_at": occurred(i * 60 + 30),
                "action": "invoice.paid",
                "entity": { "type": "invoice", "id": format!("inv_{i}"), "name": format!("Invoice {i}") },
                "actor": { "type": "user", "id": "u_1", "name": "Ana Lima", "email": "ana@acme.test" },
                "metadata": { "amount_cents": 1000 + i },
            })
        })
        .collect();
    let (s, v) = app.ingest(&keys[0].0, invoices).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let globex = json!({
        "action": "rule.created",
        "entity": { "type": "rule", "id": "r_g", "name": "GLOBEX SECRET RULE" },
        "actor": { "type": "user", "id": "g_1", "name": "Globex Admin" },
    });
    let (s, v) = app.ingest(&keys[1].0, vec![globex]).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let shots = target.join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let mut child = tokio::process::Command::new("node")
        .arg(dir.join("run.mjs"))
        .arg(app.url(""))
        .arg(&keys[0].1)
        .env("SCREENSHOT_DIR", &shots)
        .env("CHROMIUM", chromium())
        .env("XSS_NAME", XSS_NAME)
        .kill_on_drop(true)
        .spawn()
        .expect("node starts");
    let status = tokio::time::timeout(Duration::from_secs(240), child.wait())
        .await
        .expect("the browser run finishes within 4 minutes")
        .unwrap();
    assert!(status.success(), "tests/browser/run.mjs failed: {status}");
}
