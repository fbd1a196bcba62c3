//! Platform-defined entity types and actions (docs/catalog.md, "Platform-defined actions"):
//! defined over the API, validated on ingest, read, counted and exported like built-ins.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{CLIENTS, OPERATOR, SETUP, TestApp, error_code, spawn_app, spawn_node_beside};

async fn put(app: &TestApp, path: &str, key: &str, body: &Value) -> (StatusCode, Value) {
    let r = app
        .client
        .put(app.url(path))
        .bearer_auth(key)
        .json(body)
        .send()
        .await
        .expect("request");
    let status = r.status();
    (status, r.json().await.expect("json body"))
}

async fn delete(app: &TestApp, path: &str, key: &str) -> (StatusCode, String) {
    let r = app
        .client
        .delete(app.url(path))
        .bearer_auth(key)
        .send()
        .await
        .expect("request");
    (r.status(), r.text().await.expect("body"))
}

fn invoice_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "amount_cents": {"type": "integer", "minimum": 0},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}
        },
        "required": ["amount_cents", "currency"]
    })
}

fn invoice_action(schema: Value) -> Value {
    json!({
        "category": "activity",
        "label": "Invoice paid",
        "description": "A customer paid an invoice.",
        "verb_label": "Paid",
        "ocsf": {"class_uid": 3004, "activity_id": 2},
        "metadata_schema": schema,
        "change_fields": ["status", "paid_at"]
    })
}

fn invoice_event(n: usize, metadata: Value) -> Value {
    json!({
        "id": format!("inv_evt_{n}"),
        "action": "invoice.paid",
        "entity": {"type": "invoice", "id": format!("inv_{n}"), "name": format!("Invoice {n}")},
        "actor": {"type": "user", "id": "u_1", "name": "Ana"},
        "changes": [{"field": "status", "old": "open", "new": "paid"}],
        "metadata": metadata,
    })
}

/// Defines `invoice` and `invoice.paid` for `key`'s scope.
async fn define_invoice(app: &TestApp, key: &str) {
    let (s, v) = put(
        app,
        "/v1/catalog/entity-types/invoice",
        key,
        &json!({"label": "Invoice", "description": "A bill.", "personal": false}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = put(
        app,
        "/v1/catalog/actions/invoice.paid",
        key,
        &invoice_action(invoice_schema()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["version"], 1, "{v}");
}

#[tokio::test]
async fn an_org_defines_an_action_and_its_events_behave_like_built_ins() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let other = app.org("other").await;

    // only an admin key (or the operator) defines entries
    let (s, v) = put(
        &app,
        "/v1/catalog/entity-types/invoice",
        &acme.write,
        &json!({"label": "Invoice"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    define_invoice(&app, &acme.admin).await;

    // the catalog the org sees lists them, marked custom, with scope and version
    let (s, cat) = app.get_json("/v1/catalog", &acme.read).await;
    assert_eq!(s, StatusCode::OK);
    let action = cat["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "invoice.paid")
        .cloned()
        .expect("invoice.paid listed");
    assert_eq!(action["custom"], true);
    assert_eq!(action["scope"], "org");
    assert_eq!(action["version"], 1);
    assert_eq!(action["metadata_schema"], invoice_schema());
    assert!(
        cat["entity_types"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "invoice" && t["custom"] == true)
    );
    assert!(
        cat["verbs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "paid" && t["label"] == "Paid")
    );
    // the page's viewer token reads the same catalog as its org's keys
    let (s, v) = app
        .post_json("/v1/viewer-tokens", &acme.read, &json!({}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, by_token) = app
        .get_json("/v1/catalog", v["token"].as_str().unwrap())
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(by_token, cat);
    // ... and no other org, nor the anonymous catalog, sees them
    for key in [Some(other.read.as_str()), None] {
        let r = match key {
            Some(k) => app.get("/v1/catalog", k).await,
            None => app.client.get(app.url("/v1/catalog")).send().await.unwrap(),
        };
        let body = r.text().await.unwrap();
        assert!(!body.contains("invoice.paid"), "{key:?} sees it");
    }
    let (s, v) = app
        .ingest(
            &other.write,
            vec![invoice_event(
                1,
                json!({"amount_cents": 1, "currency": "EUR"}),
            )],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

    // metadata that fails the schema: 422 naming the pointer, nothing stored
    let (s, v) = app
        .ingest(
            &acme.write,
            vec![
                invoice_event(1, json!({"amount_cents": 100, "currency": "EUR"})),
                invoice_event(2, json!({"amount_cents": "ten", "currency": "EUR"})),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(error_code(&v), "invalid_event");
    let d = &v["error"]["details"][0];
    assert_eq!(d["index"], 1, "{v}");
    assert_eq!(d["field"], "metadata/amount_cents", "{v}");
    assert!(
        d["message"].as_str().unwrap().contains("integer"),
        "the schema's message: {v}"
    );
    let (s, v) = app
        .ingest(
            &acme.write,
            vec![invoice_event(3, json!({"amount_cents": 1}))],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["details"][0]["field"], "metadata", "{v}");
    // a changed field the action does not declare: 422 naming the index
    let mut bad = invoice_event(4, json!({"amount_cents": 1, "currency": "EUR"}));
    bad["changes"] = json!([{"field": "status"}, {"field": "owner"}]);
    let (s, v) = app.ingest(&acme.write, vec![bad]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["details"][0]["index"], 0, "{v}");
    assert_eq!(v["error"]["details"][0]["field"], "changes[1].field", "{v}");
    assert!(app.all_events(&acme.read, CLIENTS).await.is_empty());

    // good events go in beside built-ins, recording the version they were validated against
    let (s, v) = app
        .ingest(
            &acme.write,
            vec![
                invoice_event(1, json!({"amount_cents": 100, "currency": "EUR"})),
                invoice_event(2, json!({"amount_cents": 250, "currency": "USD"})),
                crate::helpers::event("ticket.closed", 1),
            ],
        )
        .await;
    assert!(s.is_success(), "{v}");
    assert_eq!(v["accepted"], 3, "{v}");
    let (s, one) = app.get_json("/v1/events/inv_evt_1", &acme.read).await;
    assert_eq!(s, StatusCode::OK, "{one}");
    assert_eq!(one["schema_version"], 1, "{one}");
    assert_eq!(one["category"], "activity");
    let (_, closed) = app
        .get_json("/v1/events?action=ticket.closed", &acme.read)
        .await;
    assert!(
        closed["events"][0].get("schema_version").is_none(),
        "{closed}"
    );

    // filters: by action, by entity type, by verb, by category
    for q in [
        "action=invoice.paid",
        "action=invoice.*",
        "entity_type=invoice",
        "verb=paid",
    ] {
        let got = app.all_events(&acme.read, &format!("&{q}")).await;
        assert_eq!(got.len(), 2, "{q}");
        assert!(got.iter().all(|e| e["action"] == "invoice.paid"), "{q}");
    }
    assert_eq!(
        app.all_events(&acme.read, "&category=activity").await.len(),
        3
    );

    // Event Counts, and the histogram
    let (s, v) = app
        .get_json("/v1/events/summary?group_by=action", &acme.read)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(
        v["groups"]
            .as_array()
            .unwrap()
            .contains(&json!({"action": "invoice.paid", "count": 2})),
        "{v}"
    );
    let (s, v) = app
        .get_json(
            "/v1/events/summary?group_by=entity_type&entity_type=invoice",
            &acme.read,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 2, "{v}");
    assert_eq!(
        v["groups"],
        json!([{"entity_type": "invoice", "count": 2}]),
        "{v}"
    );
    let (s, v) = app
        .get_json("/v1/events/histogram?action=invoice.paid", &acme.read)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 2, "{v}");

    // CSV export carries them with their verb
    let r = app
        .get(
            "/v1/events/export?format=csv&action=invoice.paid",
            &acme.read,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows.iter().all(|r| r.contains("invoice.paid,paid")),
        "{csv}"
    );

    // a new version: its events record it, the old ones keep theirs
    let mut v2 = invoice_action(invoice_schema());
    v2["label"] = json!("Invoice settled");
    let (s, v) = put(&app, "/v1/catalog/actions/invoice.paid", &acme.admin, &v2).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["version"], 2, "{v}");
    // the same body again stores nothing
    let (s, v) = put(&app, "/v1/catalog/actions/invoice.paid", &acme.admin, &v2).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["version"].clone(), v["changed"].clone()),
        (json!(2), json!(false))
    );
    let (s, v) = app
        .ingest(
            &acme.write,
            vec![invoice_event(
                5,
                json!({"amount_cents": 5, "currency": "EUR"}),
            )],
        )
        .await;
    assert!(s.is_success(), "{v}");
    let (_, five) = app.get_json("/v1/events/inv_evt_5", &acme.read).await;
    assert_eq!(five["schema_version"], 2, "{five}");
    let (_, one) = app.get_json("/v1/events/inv_evt_1", &acme.read).await;
    assert_eq!(one["schema_version"], 1, "{one}");
    // a retry of an event stored under version 1 is still a duplicate
    let (s, v) = app
        .ingest(
            &acme.write,
            vec![invoice_event(
                1,
                json!({"amount_cents": 100, "currency": "EUR"}),
            )],
        )
        .await;
    assert!(s.is_success(), "{v}");
    assert_eq!(v["duplicates"], 1, "{v}");

    // an action with events cannot be deleted, only deprecated; then it takes no events
    let (s, body) = delete(&app, "/v1/catalog/actions/invoice.paid", &acme.admin).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("action_has_events"), "{body}");
    let mut v3 = v2.clone();
    v3["deprecated"] = json!(true);
    let (s, v) = put(&app, "/v1/catalog/actions/invoice.paid", &acme.admin, &v3).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["version"], 3);
    let (s, v) = app
        .ingest(
            &acme.write,
            vec![invoice_event(
                6,
                json!({"amount_cents": 5, "currency": "EUR"}),
            )],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(error_code(&v), "action_deprecated", "{v}");
    assert_eq!(
        v["error"]["details"],
        json!([{"index": 0, "action": "invoice.paid"}])
    );
    // its events are still read
    assert_eq!(
        app.all_events(&acme.read, "&action=invoice.paid")
            .await
            .len(),
        3
    );
    let (_, cat) = app.get_json("/v1/catalog", &acme.read).await;
    let listed = cat["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "invoice.paid")
        .cloned()
        .unwrap();
    assert_eq!(
        (listed["deprecated"].clone(), listed["version"].clone()),
        (json!(true), json!(3))
    );

    // the chain and the tree cover them like any event
    let (s, v) = app
        .post_json("/v1/integrity/verify", &acme.admin, &json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["ok"], true, "{v}");
}

#[tokio::test]
async fn built_ins_names_and_schemas_are_checked() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let admin = acme.admin.as_str();
    let action = |schema: Value| invoice_action(schema);

    // built-ins cannot be redefined
    let (s, v) = put(
        &app,
        "/v1/catalog/entity-types/ticket",
        admin,
        &json!({"label": "T"}),
    )
    .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::CONFLICT, "catalog_conflict"),
        "{v}"
    );
    let mut body = action(json!({"type": "object"}));
    body["category"] = json!("activity");
    let (s, v) = put(&app, "/v1/catalog/actions/ticket.closed", admin, &body).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::CONFLICT, "catalog_conflict"),
        "{v}"
    );

    // bad names: 400 naming the field
    for name in ["Invoice", "1nvoice", "in-voice", &"a".repeat(65)] {
        let (s, v) = put(
            &app,
            &format!("/v1/catalog/entity-types/{name}"),
            admin,
            &json!({"label": "X"}),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{name}: {v}");
        assert_eq!(v["error"]["details"]["field"], "type", "{v}");
    }
    for name in ["invoice", "invoice.Paid", "invoice.paid.twice", ".paid"] {
        let (s, v) = put(
            &app,
            &format!("/v1/catalog/actions/{name}"),
            admin,
            &action(json!({"type": "object"})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{name}: {v}");
        assert_eq!(v["error"]["details"]["field"], "action", "{v}");
    }
    // an unknown entity type, category, OCSF pair; a new verb without its label
    let (s, v) = put(
        &app,
        "/v1/catalog/actions/invoice.paid",
        admin,
        &action(json!({"type": "object"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("entity type"),
        "{v}"
    );
    let (s, _) = put(
        &app,
        "/v1/catalog/entity-types/invoice",
        admin,
        &json!({"label": "Invoice"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    for (member, value, field) in [
        ("category", json!("nope"), "category"),
        ("category", json!("access"), "category"),
        (
            "ocsf",
            json!({"class_uid": 3004, "activity_id": 999}),
            "ocsf",
        ),
    ] {
        let mut b = action(json!({"type": "object"}));
        b[member] = value;
        let (s, v) = put(&app, "/v1/catalog/actions/invoice.paid", admin, &b).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{member}: {v}");
        assert_eq!(v["error"]["details"]["field"], field, "{v}");
    }
    let mut b = action(json!({"type": "object"}));
    b.as_object_mut().unwrap().remove("verb_label");
    let (s, v) = put(&app, "/v1/catalog/actions/invoice.paid", admin, &b).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["details"]["field"], "verb_label", "{v}");
    // unknown members are refused
    let mut b = action(json!({"type": "object"}));
    b["colour"] = json!("red");
    let (s, v) = put(&app, "/v1/catalog/actions/invoice.paid", admin, &b).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

    // bad schemas: 422 invalid_schema, nothing stored
    let mut deep = json!({"type": "object"});
    for _ in 0..40 {
        deep = json!({"properties": {"x": deep}});
    }
    for schema in [
        json!({"type": "no-such-type"}),
        json!({"$ref": "#"}),
        json!({"$ref": "https://example.com/schema.json"}),
        json!({"description": "x".repeat(70 * 1024)}),
        deep,
    ] {
        let (s, v) = put(
            &app,
            "/v1/catalog/actions/invoice.paid",
            admin,
            &action(schema),
        )
        .await;
        assert_eq!(
            (s, error_code(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_schema"),
            "{v}"
        );
    }
    let (_, cat) = app.get_json("/v1/catalog", &acme.read).await;
    assert!(!cat.to_string().contains("invoice.paid"), "nothing stored");

    // an action with no events can be deleted; then it is unknown
    let (s, v) = put(
        &app,
        "/v1/catalog/actions/invoice.paid",
        admin,
        &action(json!(true)),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, body) = delete(&app, "/v1/catalog/actions/invoice.paid", admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{body}");
    let (s, body) = delete(&app, "/v1/catalog/actions/invoice.paid", admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    let (s, v) = app
        .ingest(&acme.write, vec![invoice_event(1, json!({}))])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["details"][0]["field"], "action", "{v}");
}

#[tokio::test]
async fn instance_entries_are_every_org_s_and_an_org_cannot_take_their_names() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let beta = app.org("beta").await;
    define_invoice(&app, OPERATOR).await;
    let (_, cat) = app.get_json("/v1/catalog", &beta.read).await;
    let a = cat["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "invoice.paid")
        .cloned()
        .expect("listed for every org");
    assert_eq!(a["scope"], "instance");
    for keys in [&acme, &beta] {
        let (s, v) = app
            .ingest(
                &keys.write,
                vec![invoice_event(
                    1,
                    json!({"amount_cents": 1, "currency": "EUR"}),
                )],
            )
            .await;
        assert!(s.is_success(), "{v}");
    }
    // an org cannot redefine an instance entry
    let (s, v) = put(
        &app,
        "/v1/catalog/entity-types/invoice",
        &acme.admin,
        &json!({"label": "Mine"}),
    )
    .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::CONFLICT, "catalog_conflict"),
        "{v}"
    );
    // an instance action with events in some org cannot be deleted
    let (s, body) = delete(&app, "/v1/catalog/actions/invoice.paid", OPERATOR).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
}

/// Two nodes on one database: a definition made through one is used by the other within
/// a second (each node's cache revalidates against the store every 500 ms).
#[tokio::test]
async fn a_definition_on_one_node_reaches_the_other_within_a_second() {
    let Some(first) = spawn_app().await else {
        return;
    };
    let acme = first.org("acme").await;
    let second = spawn_node_beside(&first, |_| {}).await;
    // the second node has looked at the (empty) catalog: its cache holds a view
    let (s, v) = second
        .ingest(
            &acme.write,
            vec![invoice_event(
                1,
                json!({"amount_cents": 1, "currency": "EUR"}),
            )],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    define_invoice(&first, &acme.admin).await;
    let started = std::time::Instant::now();
    loop {
        let (s, v) = second
            .ingest(
                &acme.write,
                vec![invoice_event(
                    1,
                    json!({"amount_cents": 1, "currency": "EUR"}),
                )],
            )
            .await;
        if s.is_success() {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "not seen after {:?}: {v}",
            started.elapsed()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // and a deprecation made on the second is refused by the first within a second
    let mut body = invoice_action(invoice_schema());
    body["deprecated"] = json!(true);
    let (s, v) = put(
        &second,
        "/v1/catalog/actions/invoice.paid",
        &acme.admin,
        &body,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let started = std::time::Instant::now();
    loop {
        let (s, v) = first
            .ingest(
                &acme.write,
                vec![invoice_event(
                    2,
                    json!({"amount_cents": 1, "currency": "EUR"}),
                )],
            )
            .await;
        if error_code(&v) == "action_deprecated" {
            break;
        }
        assert!(s.is_success(), "{v}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "deprecation not seen after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Event Counts answer "every action but the reads" from rollups without an action filter;
/// a selection as large as that one, but made of other actions, is counted as asked.
#[tokio::test]
async fn a_selection_the_size_of_the_default_one_is_counted_as_asked() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    define_invoice(&app, &acme.admin).await;
    let (s, v) = app
        .ingest(
            &acme.write,
            vec![
                invoice_event(1, json!({"amount_cents": 1, "currency": "EUR"})),
                crate::helpers::event("ticket.closed", 1),
                crate::helpers::event("ticket.closed", 2),
            ],
        )
        .await;
    assert!(s.is_success(), "{v}");
    // every built-in action that is rolled up, but ticket.closed, and invoice.paid instead
    let r = app.client.get(app.url("/v1/catalog")).send().await.unwrap();
    let cat: Value = r.json().await.unwrap();
    let mut actions: Vec<String> = cat["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["category"] != "access" && a["action"] != "ticket.closed")
        .map(|a| a["action"].as_str().unwrap().to_string())
        .collect();
    actions.push("invoice.paid".into());
    let (s, v) = app
        .get_json(
            &format!("/v1/events/summary?action={}", actions.join(",")),
            &acme.read,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // invoice.paid and the org's own records (the admin actions are in the list: its setup
    // and the two definitions above), never the two ticket.closed the list leaves out
    assert_eq!(
        v["total"],
        1 + SETUP + 2,
        "ticket.closed is not selected: {v}"
    );
}

/// Every catalog change is in the log (category `admin`): an org's in its own log, with
/// the version it made; the instance's in every org's.
#[tokio::test]
async fn catalog_changes_are_recorded_with_their_versions() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let globex = app.org("globex").await;
    let records = |key: String| {
        let app = &app;
        async move {
            app.all_events(&key, "&entity_type=catalog")
                .await
                .into_iter()
                .map(|e| {
                    (
                        e["action"].as_str().unwrap().to_string(),
                        e["entity"]["id"].as_str().unwrap().to_string(),
                        e["metadata"]["scope"].as_str().unwrap().to_string(),
                        e["metadata"]["version"].as_u64(),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    define_invoice(&app, &acme.admin).await;
    // the same definition again changes and records nothing (a new verb keeps its label)
    let (s, v) = put(
        &app,
        "/v1/catalog/actions/invoice.paid",
        &acme.admin,
        &invoice_action(invoice_schema()),
    )
    .await;
    assert!(s.is_success(), "{v}");
    // deprecated: a new version
    let mut deprecated = invoice_action(invoice_schema());
    deprecated["deprecated"] = json!(true);
    let (s, v) = put(
        &app,
        "/v1/catalog/actions/invoice.paid",
        &acme.admin,
        &deprecated,
    )
    .await;
    assert!(s.is_success(), "{v}");
    // an unused action deleted
    let mut refund = invoice_action(json!({"type": "object"}));
    refund["verb_label"] = json!("Refunded");
    let (s, v) = put(
        &app,
        "/v1/catalog/actions/invoice.refunded",
        &acme.admin,
        &refund,
    )
    .await;
    assert!(s.is_success(), "{v}");
    let (s, body) = delete(&app, "/v1/catalog/actions/invoice.refunded", &acme.admin).await;
    assert!(s.is_success(), "{body}");
    // an instance entity type, by the operator
    let (s, v) = put(
        &app,
        "/v1/catalog/entity-types/subscription",
        OPERATOR,
        &json!({"label": "Subscription", "description": "A plan a customer pays for."}),
    )
    .await;
    assert!(s.is_success(), "{v}");

    let org =
        |a: &str, n: &str, v: Option<u64>| (a.to_string(), n.to_string(), "org".to_string(), v);
    let instance = (
        "catalog.entity_type_defined".to_string(),
        "subscription".to_string(),
        "instance".to_string(),
        Some(1),
    );
    assert_eq!(
        records(acme.read.clone()).await,
        [
            org("catalog.entity_type_defined", "invoice", Some(1)),
            org("catalog.action_defined", "invoice.paid", Some(1)),
            org("catalog.action_defined", "invoice.paid", Some(2)),
            org("catalog.action_defined", "invoice.refunded", Some(1)),
            org("catalog.action_deleted", "invoice.refunded", None),
            instance.clone(),
        ]
    );
    assert_eq!(records(globex.read.clone()).await, [instance]);
    // who, and what: the admin key; the deprecation and a digest of the definition
    let (_, v) = app
        .get_json(
            "/v1/events?action=catalog.action_defined&limit=1000",
            &acme.read,
        )
        .await;
    let latest_paid = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entity"]["id"] == "invoice.paid")
        .unwrap()
        .clone();
    assert_eq!(latest_paid["actor"]["name"], "first admin key");
    assert_eq!(latest_paid["metadata"]["deprecated"], true);
    assert_eq!(latest_paid["metadata"]["category"], "activity");
    assert_eq!(
        latest_paid["metadata"]["definition_sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );
    assert_eq!(latest_paid["category"], "admin");
}
