use auditlog::model::chain::verify_chain;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn ingest_single_batch_and_ndjson_with_gapless_seq_and_valid_chain() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;

    let (s, v) = app
        .post_json("/v1/events", &acme.write, &event("rule.updated", 1))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["accepted"], 1);
    // after the org's own records (org and keys created)
    assert_eq!(v["events"][0]["seq"], SETUP + 1);
    assert!(v["events"][0]["id"].as_str().unwrap().starts_with("evt_"));

    let batch: Vec<Value> = (2..=11).map(|n| event("ticket.created", n)).collect();
    let (s, v) = app.ingest(&acme.write, batch).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let seqs: Vec<u64> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(
        seqs,
        (SETUP + 2..=SETUP + 11).collect::<Vec<_>>(),
        "seq in input order"
    );

    let nd = [event("user.logged_in", 12), event("user.logged_out", 13)]
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    let (s, v) = app
        .post_raw("/v1/events", &acme.write, "application/x-ndjson", nd)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["accepted"], 2);

    let all = app.all_events(&acme.read, "").await;
    assert_eq!(all.len(), SETUP as usize + 13);
    let bodies: Vec<String> = all.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        verify_chain(bodies.iter().map(String::as_str)),
        Ok(SETUP + 13)
    );
    assert_eq!(all[0]["prev_hash"], "0".repeat(64));
    assert_eq!(all[0]["action"], "org.created");
    let setup = SETUP as usize;
    assert_eq!(all[setup]["category"], "configuration");
    assert_eq!(all[setup + 11]["category"], "security");
    assert_eq!(all[setup]["org"], "acme");

    // fetch one by id
    let id = all[5]["id"].as_str().unwrap();
    let (s, one) = app.get_json(&format!("/v1/events/{id}"), &acme.read).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(one, all[5]);
}

#[tokio::test]
async fn stored_event_keeps_every_member_as_sent() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let ev = json!({
        "id": "evt-client-1",
        "occurred_at": "2026-11-20T11:00:00.123+01:00",
        "action": "ticket.merged",
        "entity": {"type": "ticket", "id": "t_7", "name": "Refund, \"urgent\" 🚀 =1+2"},
        "actor": {"type": "system"},
        "via": {"type": "macro", "id": "m_3", "name": "Close as spam"},
        "related": [{"type": "ticket", "id": "t_8", "role": "merged_into"}],
        "changes": [{"field": "status", "old": "open", "new": {"state": "closed", "n": 1.5}}],
        "context": {"ip": "2001:db8::1", "user_agent": "Mozilla/5.0", "request_id": "req-1"},
        "metadata": {"source": "api", "nested": {"a": [1, 2, 3]}}
    });
    let (s, v) = app.post_json("/v1/events", &acme.write, &ev).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, got) = app.get_json("/v1/events/evt-client-1", &acme.read).await;
    assert_eq!(got["occurred_at"], "2026-11-20T10:00:00.123000Z");
    for k in [
        "action", "entity", "actor", "via", "related", "changes", "context", "metadata",
    ] {
        assert_eq!(got[k], ev[k], "{k}");
    }
    assert_eq!(got["category"], "activity");
    assert!(got["recorded_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(got["hash"].as_str().unwrap().len(), 64);
}

#[tokio::test]
async fn idempotent_retries_and_id_conflicts() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let mut e = event("macro.updated", 1);
    e["id"] = json!("evt-1");
    let (s, v) = app.ingest(&acme.write, vec![e.clone()]).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["events"][0]["seq"], SETUP + 1);

    // same id, same content: duplicate, original seq, nothing new
    let mut other = event("macro.created", 2);
    other["id"] = json!("evt-2");
    let (s, v) = app
        .ingest(&acme.write, vec![e.clone(), other.clone()])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["accepted"], 1);
    assert_eq!(v["duplicates"], 1);
    assert_eq!(
        v["events"][0],
        json!({"id": "evt-1", "seq": SETUP + 1, "duplicate": true})
    );
    assert_eq!(v["events"][1]["seq"], SETUP + 2);

    // same id, other content: 409 and the whole batch is refused
    let mut changed = e.clone();
    changed["entity"]["name"] = json!("something else");
    let (s, v) = app
        .ingest(&acme.write, vec![event("macro.created", 3), changed])
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(error_code(&v), "id_conflict");
    assert_eq!(v["error"]["details"]["index"], 1);
    assert_eq!(app.all_events(&acme.read, CLIENTS).await.len(), 2);

    // the same id twice inside one batch with the same content stores it once
    let mut twice = event("tag.created", 4);
    twice["id"] = json!("evt-4");
    // long ago: counted from the daily rollups, not from the events of the current hour
    twice["occurred_at"] = json!("2020-01-10T12:00:00Z");
    let (s, v) = app.ingest(&acme.write, vec![twice.clone(), twice]).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["accepted"], 1);
    assert_eq!(v["duplicates"], 1);
    assert_eq!(app.all_events(&acme.read, CLIENTS).await.len(), 3);
    // and counts it once: the Event Counts (rollups) agree with the events
    for group_by in ["action", "actor", "action,actor"] {
        let (s, v) = app
            .get_json(
                &format!("/v1/events/summary?group_by={group_by}&from=2020-01-01&to=2020-01-31"),
                &acme.read,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["total"], 1, "group_by={group_by}: {v}");
    }

    // ids are per org: another org may use the same id
    let globex = app.org("globex").await;
    let (s, v) = app.ingest(&globex.write, vec![e]).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["events"][0]["seq"], SETUP + 1);
}

#[tokio::test]
async fn invalid_events_reject_the_whole_batch_with_details() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let mut bad_type = event("rule.updated", 2);
    bad_type["entity"]["type"] = json!("inbox");
    let mut future = event("rule.updated", 3);
    future["occurred_at"] = json!("2999-01-01T00:00:00Z");
    let mut unknown = event("rule.updated", 4);
    unknown["colour"] = json!("red");
    let mut no_user_id = event("rule.updated", 5);
    no_user_id["actor"] = json!({"type": "user", "name": "Nobody"});
    let mut bidi = event("rule.updated", 6);
    bidi["entity"]["name"] = json!("evil\u{202E}gnp.exe");
    let mut bad_ip = event("rule.updated", 7);
    bad_ip["context"]["ip"] = json!("999.1.1.1");
    let mut unknown_action = event("rule.updated", 8);
    unknown_action["action"] = json!("rule.exploded");
    let mut big_meta = event("rule.updated", 9);
    big_meta["metadata"] = json!({"blob": "x".repeat(20_000)});
    let mut bad_actor_type = event("rule.updated", 10);
    bad_actor_type["actor"]["type"] = json!("robot");
    let batch = vec![
        event("rule.updated", 1),
        bad_type,
        future,
        unknown,
        no_user_id,
        bidi,
        bad_ip,
        unknown_action,
        big_meta,
        bad_actor_type,
    ];
    let (s, v) = app.ingest(&acme.write, batch).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(error_code(&v), "invalid_event");
    let details = v["error"]["details"].as_array().unwrap();
    let found: Vec<(u64, String)> = details
        .iter()
        .map(|d| {
            (
                d["index"].as_u64().unwrap(),
                d["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for expected in [
        (1, "entity.type"),
        (2, "occurred_at"),
        (3, "colour"),
        (4, "actor.id"),
        (5, "entity.name"),
        (6, "context.ip"),
        (7, "action"),
        (8, "metadata"),
        (9, "actor.type"),
    ] {
        assert!(
            found.contains(&(expected.0, expected.1.to_string())),
            "missing {expected:?} in {found:?}"
        );
    }
    assert!(
        !found.iter().any(|(i, _)| *i == 0),
        "the valid event has no error"
    );
    assert!(
        app.all_events(&acme.read, CLIENTS).await.is_empty(),
        "nothing stored"
    );
}

#[tokio::test]
async fn malformed_oversized_and_wrongly_typed_requests() {
    let Some(app) = spawn_app_with(auditlog::service::Limits {
        max_batch_events: 5,
        max_body_bytes: 64 * 1024,
    })
    .await
    else {
        return;
    };
    let acme = app.org("acme").await;

    let (s, v) = app
        .post_raw(
            "/v1/events",
            &acme.write,
            "application/json",
            "{\"action\": \"rule.updated\",\n  \"entity\": ",
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(error_code(&v), "invalid_request");
    assert_eq!(v["error"]["details"]["line"], 2, "{v}");

    let (s, v) = app
        .post_raw(
            "/v1/events",
            &acme.write,
            "application/x-ndjson",
            format!("{}\n{{nope", event("rule.updated", 1)),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["details"]["line"], 2, "{v}");

    let (s, v) = app
        .ingest(
            &acme.write,
            (0..6).map(|n| event("tag.created", n)).collect(),
        )
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(error_code(&v), "payload_too_large");

    let mut huge = event("tag.created", 1);
    huge["entity"]["name"] = json!("x".repeat(70 * 1024));
    let (s, v) = app.ingest(&acme.write, vec![huge]).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");

    let (s, v) = app
        .post_raw(
            "/v1/events",
            &acme.write,
            "text/plain",
            event("tag.created", 1).to_string(),
        )
        .await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{v}");
    assert_eq!(error_code(&v), "unsupported_media_type");

    let (s, v) = app
        .post_raw(
            "/v1/events",
            &acme.write,
            "application/json",
            vec![0xffu8, 0xfe, b'{'],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

    let (s, v) = app
        .post_raw("/v1/events", &acme.write, "application/json", "[]")
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let (s, v) = app
        .post_raw("/v1/events", &acme.write, "application/json", deep)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        v["error"]["details"][0]["message"],
        "an event must be a JSON object"
    );
    // nesting beyond serde_json's recursion limit inside an event
    let text = event("tag.created", 1).to_string().replacen(
        "\"action\"",
        &format!(
            "\"metadata\":{{\"x\":{}1{}}},\"action\"",
            "[".repeat(5000),
            "]".repeat(5000)
        ),
        1,
    );
    let (s, v) = app
        .post_raw("/v1/events", &acme.write, "application/json", text)
        .await;
    assert!(
        s == StatusCode::BAD_REQUEST || s == StatusCode::UNPROCESSABLE_ENTITY,
        "{s} {v}"
    );

    assert!(app.all_events(&acme.read, CLIENTS).await.is_empty());
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn concurrent_writers_to_one_org_keep_seq_gapless_and_chain_valid() {
    let Some(app) = spawn_app().await else { return };
    let app = std::sync::Arc::new(app);
    let acme = app.org("acme").await;
    let mut tasks = Vec::new();
    for w in 0..16 {
        let app = app.clone();
        let key = acme.write.clone();
        tasks.push(tokio::spawn(async move {
            for b in 0..10 {
                let events = (0..5)
                    .map(|i| event("ticket.updated", w * 1000 + b * 10 + i))
                    .collect();
                let (s, v) = app.ingest(&key, events).await;
                assert_eq!(s, StatusCode::CREATED, "{v}");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let all = app.all_events(&acme.read, "").await;
    assert_eq!(all.len(), SETUP as usize + 16 * 10 * 5);
    let mut seqs: Vec<u64> = all.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=SETUP + 800).collect::<Vec<_>>());
    let mut by_seq = all.clone();
    by_seq.sort_by_key(|e| e["seq"].as_u64().unwrap());
    let bodies: Vec<String> = by_seq.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        verify_chain(bodies.iter().map(String::as_str)),
        Ok(SETUP + 800)
    );
    // and the Merkle tree the writers built verifies against a checkpoint
    // the tree holds the org's records, the 800 events and the recorded listing above
    let (s, cp) = app
        .post_json("/v1/integrity/checkpoints", &acme.admin, &json!({}))
        .await;
    assert_eq!(
        (s, &cp["tree_size"]),
        (StatusCode::CREATED, &json!(SETUP + 801))
    );
    let (_, v) = app
        .post_json("/v1/integrity/verify", &acme.admin, &json!({}))
        .await;
    assert_eq!(v["ok"], true, "{v}");
}

#[tokio::test]
async fn health_ready_and_catalog() {
    let Some(app) = spawn_app().await else { return };
    for path in ["/healthz", "/readyz"] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    let catalog: Value = app
        .client
        .get(app.url("/v1/catalog"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = catalog["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"rule.suggestion_created"));
    assert!(actions.contains(&"ticket.self_unsnoozed"));
    let r = app.client.get(app.url("/v1/nope")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let v: Value = r.json().await.unwrap();
    assert_eq!(error_code(&v), "not_found");
}

#[tokio::test]
async fn every_error_has_the_json_shape_and_edge_inputs_behave() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;

    // framework-level errors come in our JSON shape too
    let r = app
        .client
        .put(app.url("/v1/events"))
        .bearer_auth(&acme.write)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.headers().get("allow").is_some());
    let v: Value = r.json().await.unwrap();
    assert_eq!(error_code(&v), "method_not_allowed");
    let big = format!("{{\"slug\": \"{}\"}}", "x".repeat(5 * 1024 * 1024));
    let (s, v) = app
        .post_raw("/v1/orgs", OPERATOR, "application/json", big)
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&v), "payload_too_large", "{v}");

    // the auth scheme is case-insensitive
    let r = app
        .client
        .get(app.url("/v1/events"))
        .header("authorization", format!("BEARER {}", acme.read))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // the scope is checked before the body
    let (s, _) = app
        .post_raw("/v1/events", &acme.read, "text/plain", "x")
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // null optional members mean "absent"
    let mut e = event("view.created", 1);
    for k in ["metadata", "related", "changes", "context", "via"] {
        e[k] = Value::Null;
    }
    let (s, v) = app.ingest(&acme.write, vec![e]).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    // ids that list filters could not select are refused
    let mut comma = event("view.created", 2);
    comma["entity"]["id"] = json!("a,b");
    let mut spaced = event("view.created", 3);
    spaced["actor"]["id"] = json!(" u_1 ");
    let (s, v) = app
        .ingest(&acme.write, vec![comma, spaced, event("view.created", 4)])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        v["error"]["message"],
        "2 event(s) failed validation; nothing was stored"
    );
    assert_eq!(v["error"]["details"][0]["field"], "entity.id");
    assert_eq!(v["error"]["details"][1]["field"], "actor.id");

    // ids that would shadow report routes are refused
    let mut reserved = event("view.created", 6);
    reserved["id"] = json!("summary");
    let (s, v) = app.ingest(&acme.write, vec![reserved]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["details"][0]["field"], "id");

    // NDJSON errors name the request's line, once
    let nd = format!("{}\n{{\"action\": oops}}", event("view.created", 5));
    let (s, v) = app
        .post_raw("/v1/events", &acme.write, "application/x-ndjson", nd)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("malformed JSON at line 2 column 12") && !msg.contains("line 1"),
        "{msg}"
    );
    assert_eq!(app.all_events(&acme.read, CLIENTS).await.len(), 1);
}

/// The actions the service writes itself (reads of the log, retention purges) are refused
/// from clients, whatever the key's scope, the same way for each: `422 invalid_event` on
/// `action`, and nothing of the batch stored.
#[tokio::test]
async fn clients_cannot_send_what_the_service_writes_itself() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let admin_reason = "with the administrative change it records";
    for (action, reason) in [
        ("audit_log.purged", "when retention deletes old events"),
        ("audit_log.viewed", "when the log is read"),
        ("audit_log.exported", "when the log is read"),
        ("audit_log.settings_updated", admin_reason),
        ("api_key.revoked", admin_reason),
        ("org.created", admin_reason),
        ("viewer_token.created", admin_reason),
        ("signing_key.rotated", admin_reason),
    ] {
        let entity_type = action.split('.').next().unwrap();
        let forged = json!({
            "action": action,
            "entity": {"type": entity_type, "id": "acme", "name": "Audit log"},
            "actor": {"type": "system", "name": "Retention"},
            "metadata": {"events_purged": 1000},
        });
        for key in [&acme.write, &acme.admin] {
            let (s, v) = app
                .ingest(key, vec![event("rule.updated", 1), forged.clone()])
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{action}: {v}");
            assert_eq!(error_code(&v), "invalid_event", "{v}");
            let d = &v["error"]["details"];
            assert_eq!(d.as_array().unwrap().len(), 1, "{v}");
            assert_eq!(
                (&d[0]["index"], &d[0]["field"]),
                (&json!(1), &json!("action"))
            );
            assert_eq!(
                d[0]["message"],
                format!(
                    "{action} is recorded by the service itself {reason}; clients cannot send it"
                )
            );
        }
    }
    // nothing was stored: not even the valid event beside the forged one; the log holds
    // the org's own records only
    let log = app.all_events(&acme.read, &format!("&{WHOLE_LOG}")).await;
    assert_eq!(log.len() as u64, SETUP, "{log:?}");
    assert!(log.iter().all(|e| e["category"] == "admin"), "{log:?}");
}
