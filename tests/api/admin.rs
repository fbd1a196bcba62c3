//! Self-audit: every administrative act on an org is an event in its log, in the same
//! transaction as the change, with the old and new values, naming who acted and never a
//! secret.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// The org's `admin` records, oldest first.
async fn records(app: &TestApp, key: &str) -> Vec<Value> {
    app.all_events(key, "&category=admin").await
}

async fn put_settings(app: &TestApp, key: &str, body: Value) -> (StatusCode, Value) {
    let r = app
        .client
        .put(app.url("/v1/settings"))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap())
}

#[tokio::test]
async fn every_administrative_act_is_an_event_with_its_old_and_new_values() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let setup = records(&app, &acme.read).await;
    let actions: Vec<&str> = setup
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "org.created",
            "api_key.created",
            "api_key.created",
            "api_key.created"
        ]
    );
    // the org and its first key, by the operator token, in the org's first seqs
    assert_eq!(setup[0]["seq"], 1);
    assert_eq!(
        setup[0]["entity"],
        json!({"type": "org", "id": "acme", "name": "acme Inc"})
    );
    assert_eq!(
        setup[0]["actor"],
        json!({"type": "system", "id": "operator", "name": "Operator"})
    );
    assert_eq!(setup[0]["metadata"]["credential"], "operator_token");
    let first_key = setup[1]["metadata"]["key_id"].as_str().unwrap().to_string();
    assert_eq!(setup[0]["metadata"]["first_key_id"], first_key.as_str());
    assert_eq!(setup[1]["metadata"]["scope"], "admin");
    // the read and write keys, by the admin key, which the record names
    assert_eq!(setup[2]["actor"]["id"], first_key.as_str());
    assert_eq!(setup[2]["actor"]["name"], "first admin key");
    assert_eq!(
        (
            &setup[2]["metadata"]["scope"],
            &setup[2]["metadata"]["key_name"]
        ),
        (&json!("read"), &json!("read"))
    );

    // retention changed, then the hold lifted: old and new values of both
    let (s, v) = put_settings(
        &app,
        &acme.admin,
        json!({"retention_days": 30, "legal_hold": true}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = put_settings(
        &app,
        &acme.admin,
        json!({"retention_days": 1, "legal_hold": false}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // the same settings again change nothing and record nothing; refused ones neither
    let (s, _) = put_settings(
        &app,
        &acme.admin,
        json!({"retention_days": 1, "legal_hold": false}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = put_settings(&app, &acme.read, json!({"retention_days": 9})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = put_settings(&app, &acme.admin, json!({"retention_days": 0})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // a key created and revoked
    let (s, v) = app
        .post_json(
            "/v1/orgs/acme/keys",
            &acme.admin,
            &json!({"scope": "write", "name": "zendesk bridge"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let secret = v["secret"].as_str().unwrap().to_string();
    let key_id = v["key"]["id"].as_str().unwrap().to_string();
    let r = app
        .client
        .delete(app.url(&format!("/v1/orgs/acme/keys/{key_id}")))
        .bearer_auth(OPERATOR)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // revoking it again: 404, and no second record
    let r = app
        .client
        .delete(app.url(&format!("/v1/orgs/acme/keys/{key_id}")))
        .bearer_auth(OPERATOR)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // a viewer token minted
    let (s, v) = app
        .post_json(
            "/v1/viewer-tokens",
            &acme.read,
            &json!({"categories": ["security", "admin"], "ttl_seconds": 600}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let token = v["token"].as_str().unwrap().to_string();

    // the org renamed, by the operator
    let r = app
        .client
        .patch(app.url("/v1/orgs/acme"))
        .bearer_auth(OPERATOR)
        .json(&json!({"name": "Acme Customer Care"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let org: Value = r.json().await.unwrap();
    assert_eq!(
        (&org["slug"], &org["name"]),
        (&json!("acme"), &json!("Acme Customer Care"))
    );

    let all = records(&app, &acme.read).await;
    let later = &all[setup.len()..];
    let actions: Vec<&str> = later
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "audit_log.settings_updated",
            "audit_log.settings_updated",
            "api_key.created",
            "api_key.revoked",
            "viewer_token.created",
            "org.renamed"
        ]
    );
    // retention set and the hold placed
    assert_eq!(
        later[0]["changes"],
        json!([
            {"field": "retention_days", "new": 30},
            {"field": "legal_hold", "old": false, "new": true}
        ])
    );
    assert_eq!(
        later[0]["metadata"],
        json!({
            "old_retention_days": null, "new_retention_days": 30,
            "old_legal_hold": false, "new_legal_hold": true,
            "credential": "api_key", "actor_key_id": first_key,
        })
    );
    // retention cut to one day and the hold lifted: the record a reviewer looks for
    assert_eq!(
        later[1]["changes"],
        json!([
            {"field": "retention_days", "old": 30, "new": 1},
            {"field": "legal_hold", "old": true, "new": false}
        ])
    );
    assert_eq!(later[1]["actor"]["id"], first_key.as_str());
    assert_eq!(later[1]["category"], "admin");
    // the key: id, scope, name; never the secret
    for e in &later[2..4] {
        assert_eq!(
            e["entity"],
            json!({"type": "api_key", "id": key_id, "name": "zendesk bridge"})
        );
        assert_eq!(
            (&e["metadata"]["scope"], &e["metadata"]["key_name"]),
            (&json!("write"), &json!("zendesk bridge"))
        );
    }
    assert_eq!(later[3]["actor"]["id"], "operator");
    // the token: the minting key, categories, lifetime; never the token
    let read_key = &setup[2]["metadata"]["key_id"];
    assert_eq!(later[4]["metadata"]["key_id"], *read_key);
    assert_eq!(
        later[4]["metadata"]["categories"],
        json!(["security", "admin"])
    );
    assert_eq!(later[4]["metadata"]["ttl_seconds"], 600);
    assert!(
        later[4]["entity"]["id"]
            .as_str()
            .unwrap()
            .starts_with("vtk_")
    );
    // the rename: old and new names
    assert_eq!(
        later[5]["changes"],
        json!([{"field": "name", "old": "acme Inc", "new": "Acme Customer Care"}])
    );
    let text = serde_json::to_string(&all).unwrap();
    for s in [&secret, &token, &acme.admin, &acme.read, &acme.write] {
        assert!(!text.contains(s.as_str()), "a secret reached the log");
    }

    // they are the org's events like any other: counted, exported, in the chain, and
    // visible by default (the page's "All" tab sends no category)
    let (_, v) = app
        .get_json(
            "/v1/events/summary?category=admin&group_by=action",
            &acme.read,
        )
        .await;
    assert_eq!(v["total"], 10, "{v}");
    let default = app.all_events(&acme.read, "").await;
    assert_eq!(default.len(), 10);
    let csv = app
        .get("/v1/events/export?format=csv&category=admin", &acme.read)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 11, "{csv}");
    assert!(csv.contains("audit_log.settings_updated"), "{csv}");
    let (_, v) = app
        .post_json("/v1/integrity/verify", &acme.admin, &json!({}))
        .await;
    assert_eq!(v["ok"], true, "{v}");
    // a viewer token given the category sees them
    let (s, v) = app.get_json("/v1/events?category=admin", &token).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["events"].as_array().unwrap().len(), 10);

    // another org sees none of it
    let globex = app.org("globex").await;
    assert_eq!(records(&app, &globex.read).await.len() as u64, SETUP);
}

/// An admin key may rename its own org; other keys and orgs may not, and a bad name
/// changes nothing.
#[tokio::test]
async fn renaming_is_checked_and_the_same_name_records_nothing() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let globex = app.org("globex").await;
    let patch = |key: String, body: Value| {
        let app = &app;
        async move {
            let r = app
                .client
                .patch(app.url("/v1/orgs/acme"))
                .bearer_auth(key)
                .json(&body)
                .send()
                .await
                .unwrap();
            let s = r.status();
            (s, r.json::<Value>().await.unwrap())
        }
    };
    let (s, v) = patch(acme.admin.clone(), json!({"name": "Acme"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = patch(acme.admin.clone(), json!({"name": "Acme"})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = patch(acme.read.clone(), json!({"name": "x"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = patch(globex.admin.clone(), json!({"name": "x"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    for bad in [
        json!({"name": ""}),
        json!({"name": "a\u{0007}b"}),
        json!({"nom": "x"}),
    ] {
        let (s, v) = patch(acme.admin.clone(), bad.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {v}");
    }
    let renamed: Vec<Value> = records(&app, &acme.read)
        .await
        .into_iter()
        .filter(|e| e["action"] == "org.renamed")
        .collect();
    assert_eq!(renamed.len(), 1, "{renamed:?}");
    assert_eq!(renamed[0]["actor"]["name"], "first admin key");
    let (_, v) = app.get_json("/v1/orgs", OPERATOR).await;
    let names: Vec<&str> = v["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Acme", "globex Inc"]);
}
