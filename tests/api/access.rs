//! Reads of the log are recorded: `audit_log.viewed` / `audit_log.exported` in the `access`
//! category, coalesced, left out of default listings, counts and exports.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// The id of the org's key named `name` (the helper names keys by their scope).
async fn key_id(app: &TestApp, slug: &str, admin: &str, name: &str) -> String {
    let (s, v) = app.get_json(&format!("/v1/orgs/{slug}/keys"), admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The org's access events, oldest first, read with `key` (that read itself is recorded
/// only after its answer, so it never shows up in its own answer).
async fn access_events(app: &TestApp, key: &str) -> Vec<Value> {
    let (s, v) = app
        .get_json("/v1/events?category=access&order=asc&limit=1000", key)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["events"].as_array().unwrap().clone()
}

async fn seeded(app: &TestApp, slug: &str) -> OrgKeys {
    let keys = app.org(slug).await;
    let events = (0..3).map(|n| event("ticket.created", n)).collect();
    let (s, v) = app.ingest(&keys.write, events).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    keys
}

#[tokio::test]
async fn a_read_is_recorded_once_and_only_in_the_access_category() {
    let Some(app) = spawn_app().await else { return };
    let acme = seeded(&app, "acme").await;
    let read_id = key_id(&app, "acme", &acme.admin, "read").await;

    let (s, v) = app.get_json("/v1/events", &acme.read).await;
    assert_eq!(s, StatusCode::OK);
    // the 3 events and the org's own records (admin), not the reads (access)
    assert_eq!(
        v["events"].as_array().unwrap().len(),
        SETUP as usize + 3,
        "{v}"
    );

    let access = access_events(&app, &acme.admin).await;
    assert_eq!(access.len(), 1, "{access:?}");
    let e = &access[0];
    assert_eq!(e["action"], "audit_log.viewed");
    assert_eq!(e["category"], "access");
    assert_eq!(e["entity"]["type"], "audit_log");
    assert_eq!(e["entity"]["id"], "acme");
    assert_eq!(
        e["actor"],
        json!({"type": "system", "id": read_id, "name": "read"}),
        "the event names the key"
    );
    assert_eq!(e["metadata"]["endpoint"], "list");
    assert_eq!(e["metadata"]["credential"], "api_key");
    assert_eq!(e["metadata"]["key_id"], read_id.as_str());
    assert_eq!(e["metadata"]["query"], json!({}));
    assert_eq!(e["metadata"]["rows"], SETUP + 3);

    // the default listing, summary, histogram and export still see only the 3 events and
    // the org's records, no read
    let n = SETUP + 3;
    let (_, v) = app.get_json("/v1/events", &acme.read).await;
    assert_eq!(v["events"].as_array().unwrap().len() as u64, n, "{v}");
    let (_, v) = app
        .get_json("/v1/events/summary?group_by=category", &acme.read)
        .await;
    assert_eq!(v["total"], n, "{v}");
    assert_eq!(
        v["groups"],
        json!([{"category": "admin", "count": SETUP}, {"category": "activity", "count": 3}]),
        "no access group by default"
    );
    let (_, v) = app.get_json("/v1/events/histogram", &acme.read).await;
    assert_eq!(v["total"], n, "{v}");
    let r = app.get("/v1/events/export?format=ndjson", &acme.read).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    assert_eq!(body.lines().count() as u64, n, "{body}");
    assert!(!body.contains("audit_log."), "{body}");

    // ... and they are there when asked for
    let (_, v) = app
        .get_json(
            "/v1/events/summary?category=access&group_by=action",
            &acme.read,
        )
        .await;
    let access = access_events(&app, &acme.admin).await;
    let actions: Vec<&str> = access
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // list (read), list category=access (admin), summary, histogram, export, summary of
    // access; the repeated plain list and access listing were coalesced with the first
    assert_eq!(
        actions,
        [
            "audit_log.viewed",
            "audit_log.viewed",
            "audit_log.viewed",
            "audit_log.viewed",
            "audit_log.exported",
            "audit_log.viewed",
        ],
        "{access:?}"
    );
    let endpoints: Vec<&str> = access
        .iter()
        .map(|e| e["metadata"]["endpoint"].as_str().unwrap())
        .collect();
    assert_eq!(
        endpoints,
        ["list", "list", "summary", "histogram", "export", "summary"]
    );
    // the summary asked with category=access counted what existed when it ran
    assert_eq!(v["total"], 5, "{v}");
    let (_, v) = app
        .get_json("/v1/events?action=audit_log.viewed", &acme.read)
        .await;
    assert_eq!(v["events"].as_array().unwrap().len(), 5, "{v}");
}

#[tokio::test]
async fn identical_reads_within_a_minute_make_one_event_other_filters_their_own() {
    let Some(app) = spawn_app().await else { return };
    let acme = seeded(&app, "acme").await;
    let read_id = key_id(&app, "acme", &acme.admin, "read").await;
    for _ in 0..10 {
        let (s, _) = app
            .get_json("/v1/events?category=activity&limit=2", &acme.read)
            .await;
        assert_eq!(s, StatusCode::OK);
    }
    // paging through with cursors is the same view
    let all = app.all_events(&acme.read, "&entity_type=ticket").await;
    assert_eq!(all.len(), 3);
    let (_, v) = app
        .get_json(
            "/v1/events?entity_type=ticket&order=asc&limit=1",
            &acme.read,
        )
        .await;
    let cursor = v["next_cursor"].as_str().unwrap().to_string();
    let (s, _) = app
        .get_json(
            &format!("/v1/events?entity_type=ticket&order=asc&limit=1&cursor={cursor}"),
            &acme.read,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    // list values in another order are the same filters
    for q in ["category=security,activity", "category=activity,security"] {
        app.get_json(&format!("/v1/events?{q}"), &acme.read).await;
    }
    // other filters, another endpoint, another key: their own events
    app.get_json("/v1/events?category=configuration", &acme.read)
        .await;
    app.get_json("/v1/events/summary?category=activity&limit=2", &acme.read)
        .await;
    app.get_json("/v1/events?category=activity&limit=2", &acme.admin)
        .await;

    let access = access_events(&app, &acme.admin).await;
    let mine: Vec<&Value> = access
        .iter()
        .filter(|e| e["actor"]["id"] == read_id.as_str())
        .collect();
    let queries: Vec<Value> = mine
        .iter()
        .map(|e| e["metadata"]["query"].clone())
        .collect();
    assert_eq!(
        queries,
        [
            json!({"category": "activity", "limit": "2"}),
            json!({"entity_type": "ticket", "limit": "1000", "order": "asc"}),
            json!({"entity_type": "ticket", "limit": "1", "order": "asc"}),
            json!({"category": "activity,security"}),
            json!({"category": "configuration"}),
            json!({"category": "activity", "limit": "2"}),
        ],
        "{mine:?}"
    );
    assert_eq!(mine[5]["metadata"]["endpoint"], "summary");
    assert_eq!(
        access.len(),
        mine.len() + 1,
        "plus the admin key's own view"
    );
    // the filter set is also what the access listing can be searched by
    let (_, v) = app
        .get_json(
            &format!("/v1/events?action=audit_log.viewed&actor_id={read_id}"),
            &acme.admin,
        )
        .await;
    assert_eq!(v["events"].as_array().unwrap().len(), 6, "{v}");
}

#[tokio::test]
async fn an_export_is_recorded_with_its_filters_every_time() {
    let Some(app) = spawn_app().await else { return };
    let acme = seeded(&app, "acme").await;
    let read_id = key_id(&app, "acme", &acme.admin, "read").await;
    for _ in 0..2 {
        let r = app
            .get(
                "/v1/events/export?format=csv&category=activity&tz=Europe/Berlin",
                &acme.read,
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let csv = r.text().await.unwrap();
        assert_eq!(csv.lines().count(), 4, "header and 3 rows: {csv}");
    }
    let access = access_events(&app, &acme.admin).await;
    assert_eq!(access.len(), 2, "{access:?}");
    for e in &access {
        assert_eq!(e["action"], "audit_log.exported");
        assert_eq!(e["actor"]["id"], read_id.as_str());
        assert_eq!(e["metadata"]["endpoint"], "export");
        assert_eq!(e["metadata"]["format"], "csv");
        assert_eq!(
            e["metadata"]["query"],
            json!({"category": "activity", "format": "csv", "tz": "Europe/Berlin"})
        );
    }
    // a bad export is refused before anything is recorded
    let r = app.get("/v1/events/export?format=xml", &acme.read).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let exports = access_events(&app, &acme.admin)
        .await
        .into_iter()
        .filter(|e| e["action"] == "audit_log.exported")
        .count();
    assert_eq!(exports, 2);
}

#[tokio::test]
async fn a_viewer_token_read_names_the_minting_key() {
    let Some(app) = spawn_app().await else { return };
    let acme = seeded(&app, "acme").await;
    let read_id = key_id(&app, "acme", &acme.admin, "read").await;
    let (s, v) = app
        .post_json(
            "/v1/viewer-tokens",
            &acme.read,
            &json!({"categories": ["activity"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let token = v["token"].as_str().unwrap().to_string();
    let (s, v) = app.get_json("/v1/events", &token).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["events"].as_array().unwrap().len(), 3);
    let access = access_events(&app, &acme.admin).await;
    assert_eq!(access.len(), 1, "{access:?}");
    let e = &access[0];
    assert_eq!(e["actor"]["id"], read_id.as_str());
    assert_eq!(e["metadata"]["credential"], "viewer_token");
    assert_eq!(e["metadata"]["token_categories"], json!(["activity"]));
    // the query as it ran: narrowed to the token's categories
    assert_eq!(e["metadata"]["query"], json!({"category": "activity"}));
    // a token limited to other categories cannot read the access events
    let (s, _) = app.get_json("/v1/events?category=access", &token).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_chain_verifies_other_orgs_see_nothing_and_clients_cannot_forge_views() {
    let Some(app) = spawn_app().await else { return };
    let acme = seeded(&app, "acme").await;
    let globex = seeded(&app, "globex").await;
    let (_, v) = app.get_json("/v1/events", &acme.read).await;
    let id = v["events"][0]["id"].as_str().unwrap().to_string();
    let (s, _) = app.get_json(&format!("/v1/events/{id}"), &acme.read).await;
    assert_eq!(s, StatusCode::OK);
    app.get("/v1/events/export", &acme.read).await;

    let mine = access_events(&app, &acme.admin).await;
    assert_eq!(mine.len(), 3, "{mine:?}");
    assert_eq!(mine[1]["metadata"]["endpoint"], "get");
    assert_eq!(mine[1]["metadata"]["query"], json!({"id": id}));
    assert!(access_events(&app, &globex.admin).await.is_empty());
    let (_, v) = app
        .get_json("/v1/events/summary?category=access", &globex.read)
        .await;
    assert_eq!(v["total"], 1, "only globex's own listing above: {v}");

    // reads went through the normal append path: seq, chain, tree all verify
    let (s, v) = app
        .post_json("/v1/integrity/verify", &acme.admin, &json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["ok"], true, "{v}");
    // the org's records, 3 events, 3 reads by the read key, and the admin's access
    // listing (recorded after it answered)
    assert_eq!(v["events"], SETUP + 7, "{v}");

    let (s, v) = app
        .ingest(
            &acme.write,
            vec![json!({
                "action": "audit_log.viewed",
                "entity": {"type": "audit_log", "id": "acme"},
                "actor": {"type": "system", "id": "key_forged"},
            })],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["details"][0]["field"], "action", "{v}");
}

/// `category=all`: every category, the recorded reads included, on every endpoint that
/// takes filters; recorded as asked; its cursors are its own; a viewer token limited to
/// some categories may not use it.
#[tokio::test]
async fn category_all_includes_the_recorded_reads_everywhere() {
    let Some(app) = spawn_app().await else { return };
    let acme = seeded(&app, "acme").await;
    // two recorded reads: the default listing and a summary (3 events and the org's
    // records each)
    let setup = SETUP as usize;
    let (_, v) = app.get_json("/v1/events", &acme.read).await;
    assert_eq!(v["events"].as_array().unwrap().len(), setup + 3, "{v}");
    let (_, v) = app.get_json("/v1/events/summary", &acme.read).await;
    assert_eq!(v["total"], setup + 3, "{v}");

    // 3 events and the 2 reads, newest first; the listing's own view comes after it
    let (s, v) = app.get_json("/v1/events?category=all", &acme.read).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let categories: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["category"].as_str().unwrap())
        .collect();
    assert_eq!(
        categories,
        [
            "access", "access", "activity", "activity", "activity", "admin", "admin", "admin",
            "admin"
        ]
    );
    // counts read the events (rollups leave the reads out): 3 + 4 records + the 3 reads
    let (s, v) = app
        .get_json(
            "/v1/events/summary?category=all&group_by=category",
            &acme.read,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"], setup + 6, "{v}");
    let mut groups = v["groups"].as_array().unwrap().clone();
    groups.sort_by_key(|g| g["category"].as_str().unwrap().to_string());
    assert_eq!(
        groups,
        [
            json!({"category": "access", "count": 3}),
            json!({"category": "activity", "count": 3}),
            json!({"category": "admin", "count": SETUP}),
        ]
    );
    let (_, v) = app
        .get_json("/v1/events/histogram?category=all&interval=day", &acme.read)
        .await;
    assert_eq!(v["total"], setup + 7, "{v}");
    // the same as naming the six categories
    let (_, named) = app
        .get_json(
            "/v1/events/summary?category=configuration,activity,security,compliance,admin,access",
            &acme.read,
        )
        .await;
    assert_eq!(named["total"], setup + 8, "{named}");

    // the reads record the query as it was asked
    let access = access_events(&app, &acme.admin).await;
    let all_list = access
        .iter()
        .find(|e| e["metadata"]["endpoint"] == "list" && e["metadata"]["query"] != json!({}))
        .unwrap();
    assert_eq!(all_list["metadata"]["query"], json!({"category": "all"}));
    assert_eq!(all_list["metadata"]["rows"], setup + 5);

    // paging follows its own cursors; a cursor of the default selection is refused
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let (s, v) = app
            .get_json(
                &format!("/v1/events?category=all&order=asc&limit=2{cursor}"),
                &acme.read,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        for e in v["events"].as_array().unwrap() {
            seen.push(e["seq"].as_u64().unwrap());
        }
        match v["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, (1..=seen.len() as u64).collect::<Vec<_>>());
    assert!(seen.len() >= 10, "{seen:?}");
    let (_, v) = app.get_json("/v1/events?limit=1", &acme.read).await;
    let default_cursor = v["next_cursor"].as_str().unwrap().to_string();
    let (s, v) = app
        .get_json(
            &format!("/v1/events?limit=1&category=all&cursor={default_cursor}"),
            &acme.read,
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["details"]["parameter"], "cursor", "{v}");

    // `all` stands alone
    let (s, v) = app
        .get_json("/v1/events?category=all,activity", &acme.read)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["details"]["parameter"], "category", "{v}");

    // a viewer token: without categories it may ask for all, with some it may not
    let token = |categories: Value| {
        let app = &app;
        let key = acme.read.clone();
        async move {
            let (s, v) = app
                .post_json(
                    "/v1/viewer-tokens",
                    &key,
                    &json!({"categories": categories}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            v["token"].as_str().unwrap().to_string()
        }
    };
    let unlimited = token(Value::Null).await;
    let (s, v) = app
        .get_json("/v1/events?category=all&limit=1000", &unlimited)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(
        v["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["category"] == "access")
    );
    let limited = token(json!(["activity"])).await;
    let (s, v) = app.get_json("/v1/events?category=all", &limited).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("category=all names every category"),
        "{v}"
    );
    let every = token(json!([
        "configuration",
        "activity",
        "security",
        "compliance",
        "admin",
        "access"
    ]))
    .await;
    let (s, v) = app.get_json("/v1/events?category=all", &every).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}
