//! The Audit Log page's assets and headers, and viewer tokens: minting, expiry, tampering,
//! org and category limits, revocation of the minting key.

use auditlog::server::{ServerConfig, bind};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn mint(app: &TestApp, key: &str, body: Value) -> (StatusCode, Value) {
    app.post_json("/v1/viewer-tokens", key, &body).await
}

async fn token(app: &TestApp, key: &str, body: Value) -> String {
    let (s, v) = mint(app, key, body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["token"].as_str().unwrap().to_string()
}

/// One event per category: configuration, activity, security, compliance.
async fn seed(app: &TestApp, keys: &OrgKeys) {
    let events = vec![
        event("rule.updated", 1),
        event("ticket.merged", 2),
        event("user.logged_in", 3),
        event("customer.profile_deleted", 4),
    ];
    let (s, v) = app.ingest(&keys.write, events).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

fn csp(r: &reqwest::Response) -> String {
    r.headers()
        .get("content-security-policy")
        .expect("CSP header")
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn page_and_assets_are_served_with_a_strict_csp() {
    let Some(app) = spawn_app().await else { return };
    for (path, ctype) in [
        ("/", "text/html"),
        ("/embed", "text/html"),
        ("/assets/app.js", "text/javascript"),
        ("/assets/app.css", "text/css"),
        ("/favicon.svg", "image/svg+xml"),
    ] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let ct = r.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ct.starts_with(ctype), "{path}: {ct}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(r.headers()["referrer-policy"], "no-referrer", "{path}");
        let policy = csp(&r);
        for part in [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(part), "{path}: {policy} lacks {part}");
        }
        assert!(!policy.contains("unsafe"), "{path}: {policy}");
        let body = r.text().await.unwrap();
        assert!(!body.is_empty());
        if path == "/" {
            // nothing inline for the CSP to refuse, nothing from elsewhere
            assert!(
                !body.contains("<script>") && !body.contains("style="),
                "{body}"
            );
            assert!(!body.contains("http://") && !body.contains("https://"));
        }
        if path == "/assets/app.js" {
            assert!(
                !body.contains(".innerHTML"),
                "data must never go through innerHTML"
            );
        }
    }
}

#[tokio::test]
async fn embed_origins_become_frame_ancestors_of_embed_only() {
    let Some(app) = spawn_app_configured(|c| {
        c.embed_origins = vec![
            "https://helpdesk.example.com".into(),
            "https://*.example.net".into(),
        ]
    })
    .await
    else {
        return;
    };
    let r = app.client.get(app.url("/embed")).send().await.unwrap();
    assert!(
        csp(&r).ends_with("frame-ancestors https://helpdesk.example.com https://*.example.net"),
        "{}",
        csp(&r)
    );
    let r = app.client.get(app.url("/")).send().await.unwrap();
    assert!(csp(&r).ends_with("frame-ancestors 'none'"), "{}", csp(&r));
}

#[tokio::test]
async fn a_viewer_token_reads_its_org_like_a_read_key() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    seed(&app, &acme).await;

    let (s, v) = mint(&app, &acme.read, json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["expires_in"], 15 * 60);
    assert_eq!(v["org"]["slug"], "acme");
    assert_eq!(v["categories"], Value::Null);
    let t = v["token"].as_str().unwrap().to_string();
    assert!(t.starts_with("avt1."));
    assert_eq!(
        v["embed_path"].as_str().unwrap(),
        format!("/embed?token={t}")
    );
    // an admin key mints too
    token(&app, &acme.admin, json!({ "ttl_seconds": 60 })).await;

    let (s, who) = app.get_json("/v1/whoami", &t).await;
    assert_eq!(s, StatusCode::OK, "{who}");
    assert_eq!(who["credential"], "viewer_token");
    assert_eq!(who["scope"], "read");
    assert_eq!(who["org"]["name"], "acme Inc");

    for path in [
        "/v1/events?order=asc",
        "/v1/events/summary?group_by=category",
        "/v1/events/histogram?interval=day&stack=category",
    ] {
        let (s1, by_token) = app.get_json(path, &t).await;
        let (s2, by_key) = app.get_json(path, &acme.read).await;
        assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK), "{path}");
        assert_eq!(by_token, by_key, "{path}");
    }
    let export = |key: String| {
        let app = &app;
        async move {
            app.get("/v1/events/export?format=csv", &key)
                .await
                .text()
                .await
                .unwrap()
        }
    };
    assert_eq!(export(t.clone()).await, export(acme.read.clone()).await);
    let id = app.all_events(&t, "").await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, _) = app.get_json(&format!("/v1/events/{id}"), &t).await;
    assert_eq!(s, StatusCode::OK);

    // read-only: no ingest, no keys, no minting, no integrity endpoints
    let (s, v) = app.ingest(&t, vec![event("rule.created", 9)]).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, _) = app.get_json("/v1/orgs/acme/keys", &t).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = mint(&app, &t, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.get_json("/v1/integrity/checkpoints", &t).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn minting_checks_the_credential_and_the_request() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let (s, v) = mint(&app, &acme.write, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, _) = mint(&app, OPERATOR, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = mint(&app, "nope", json!({})).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&v), "unauthorized");
    for (body, field) in [
        (json!({ "ttl_seconds": 0 }), "ttl_seconds"),
        (json!({ "ttl_seconds": 86_401 }), "ttl_seconds"),
        (json!({ "categories": [] }), "categories"),
        (json!({ "categories": ["finance"] }), "categories"),
        (json!({ "org": "globex" }), "org"),
    ] {
        let (s, v) = mint(&app, &acme.read, body.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_eq!(error_code(&v), "invalid_request");
        assert_eq!(v["error"]["details"]["field"], field, "{v}");
    }
    // 24 hours is the most
    let (s, v) = mint(&app, &acme.read, json!({ "ttl_seconds": 86_400 })).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

#[tokio::test]
async fn expired_and_altered_tokens_are_refused_with_their_own_codes() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let short = token(&app, &acme.read, json!({ "ttl_seconds": 1 })).await;
    let (s, _) = app.get_json("/v1/events", &short).await;
    assert_eq!(s, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (s, v) = app.get_json("/v1/events", &short).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(error_code(&v), "token_expired");
    assert!(v["error"]["message"].as_str().unwrap().contains("expired"));
    assert_eq!(v["error"]["details"], Value::Null);

    let t = token(&app, &acme.read, json!({ "categories": ["security"] })).await;
    let (prefix_payload, sig) = t.rsplit_once('.').unwrap();
    // a payload that drops the category limit, with the old signature
    let wider = token(&app, &acme.read, json!({})).await;
    let (wider_payload, _) = wider.rsplit_once('.').unwrap();
    let mut flipped = sig.to_string().into_bytes();
    flipped[3] = if flipped[3] == b'A' { b'B' } else { b'A' };
    for bad in [
        format!("{wider_payload}.{sig}"),
        format!("{prefix_payload}.{}", String::from_utf8(flipped).unwrap()),
        format!("{prefix_payload}."),
        "avt1.garbage".to_string(),
    ] {
        let (s, v) = app.get_json("/v1/events", &bad).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{bad}: {v}");
        assert_eq!(error_code(&v), "token_invalid", "{bad}");
    }

    // a token from another server (another secret) is just as invalid
    let Some(other) = spawn_app().await else {
        return;
    };
    let (s, v) = other.get_json("/v1/events", &t).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&v), "token_invalid");
}

#[tokio::test]
async fn a_token_sees_its_own_org_only() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let globex = app.org("globex").await;
    seed(&app, &acme).await;
    seed(&app, &globex).await;
    let t = token(&app, &acme.read, json!({})).await;
    let events = app.all_events(&t, CLIENTS).await;
    assert_eq!(events.len(), 4);
    assert!(events.iter().all(|e| e["org"] == "acme"));
    let globex_id = app.all_events(&globex.read, "").await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, _) = app.get_json(&format!("/v1/events/{globex_id}"), &t).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get_json("/v1/orgs/globex/keys", &t).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_token_limited_to_categories_reads_only_those() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    seed(&app, &acme).await;
    let t = token(
        &app,
        &acme.read,
        json!({ "categories": ["security", "configuration"] }),
    )
    .await;
    let (_, who) = app.get_json("/v1/whoami", &t).await;
    assert_eq!(who["categories"], json!(["configuration", "security"]));

    // no category named: the token's categories
    let events = app.all_events(&t, "").await;
    let mut cats: Vec<&str> = events
        .iter()
        .map(|e| e["category"].as_str().unwrap())
        .collect();
    cats.sort();
    assert_eq!(cats, ["configuration", "security"]);
    let (_, sum) = app
        .get_json("/v1/events/summary?group_by=category", &t)
        .await;
    assert_eq!(sum["total"], 2, "{sum}");
    let (_, hist) = app.get_json("/v1/events/histogram", &t).await;
    assert_eq!(hist["total"], 2, "{hist}");
    let csv = app.get("/v1/events/export", &t).await.text().await.unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");

    // one of its categories: fine; another one: 403
    assert_eq!(app.all_events(&t, "&category=security").await.len(), 1);
    for path in [
        "/v1/events?category=activity",
        "/v1/events?category=security,compliance",
        "/v1/events/summary?category=activity",
        "/v1/events/histogram?category=compliance",
        "/v1/events/export?category=activity",
    ] {
        let (s, v) = app.get_json(path, &t).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}: {v}");
        assert_eq!(error_code(&v), "forbidden");
    }
    // filters outside the categories select nothing
    assert!(app.all_events(&t, "&action=ticket.merged").await.is_empty());
    // an event of another category looks missing
    let all = app.all_events(&acme.read, "").await;
    let activity = all.iter().find(|e| e["category"] == "activity").unwrap();
    let (s, _) = app
        .get_json(
            &format!("/v1/events/{}", activity["id"].as_str().unwrap()),
            &t,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let security = all.iter().find(|e| e["category"] == "security").unwrap();
    let (s, _) = app
        .get_json(
            &format!("/v1/events/{}", security["id"].as_str().unwrap()),
            &t,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn revoking_the_minting_key_invalidates_its_tokens() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let (s, v) = app
        .post_json(
            "/v1/orgs/acme/keys",
            &acme.admin,
            &json!({ "scope": "read", "name": "host product" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let host_key = v["secret"].as_str().unwrap().to_string();
    let host_key_id = v["key"]["id"].as_str().unwrap().to_string();
    let from_host = token(&app, &host_key, json!({})).await;
    let from_other = token(&app, &acme.read, json!({})).await;
    let (s, _) = app.get_json("/v1/events", &from_host).await;
    assert_eq!(s, StatusCode::OK);

    let r = app
        .client
        .delete(app.url(&format!("/v1/orgs/acme/keys/{host_key_id}")))
        .bearer_auth(&acme.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (s, v) = app.get_json("/v1/events", &from_host).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(error_code(&v), "token_invalid");
    assert!(v["error"]["message"].as_str().unwrap().contains("revoked"));
    // tokens of other keys live on
    let (s, _) = app.get_json("/v1/events", &from_other).await;
    assert_eq!(s, StatusCode::OK);
}

/// Nodes given the same `viewer_secret_file` (`--viewer-secret-file`) accept each other's
/// viewer tokens; nodes with a secret of their own (`<data-dir>/viewer-token.key`) do not.
/// A missing, short or malformed secret file stops the start before the store is opened.
#[tokio::test]
async fn nodes_sharing_a_viewer_secret_file_accept_each_others_tokens() {
    let secrets = tempfile::tempdir().unwrap();
    let secret = secrets.path().join("viewer.key");
    // what `openssl rand -hex 32` prints
    std::fs::write(
        &secret,
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n",
    )
    .unwrap();
    let shared = |c: &mut ServerConfig| c.viewer_secret_file = Some(secret.clone());
    let Some(a) = spawn_app_configured(shared).await else {
        return;
    };
    let b = spawn_node_beside(&a, shared).await;
    let acme = a.org("acme").await;
    seed(&a, &acme).await;
    let from_a = token(&a, &acme.read, json!({})).await;
    let from_b = token(&b, &acme.read, json!({"categories": ["security"]})).await;
    // all categories: the 4 events, the org's 4 records and the two tokens' records
    let all = 4 + SETUP as usize + 2;
    for (node, t, n) in [(&a, &from_b, 1), (&b, &from_a, all), (&a, &from_a, all)] {
        let (s, v) = node.get_json("/v1/events", t).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["events"].as_array().unwrap().len(), n, "{v}");
    }
    // the file is the secret: neither data dir holds one of its own
    for node in [&a, &b] {
        assert!(!node._dir.path().join("viewer-token.key").exists());
    }

    // without the file each node makes its own secret and refuses the others' tokens
    let c = spawn_node_beside(&a, |_| {}).await;
    let d = spawn_node_beside(&a, |_| {}).await;
    let from_c = token(&c, &acme.read, json!({})).await;
    let (s, _) = c.get_json("/v1/events", &from_c).await;
    assert_eq!(s, StatusCode::OK);
    for (node, t) in [(&d, &from_c), (&a, &from_c), (&c, &from_a)] {
        let (s, v) = node.get_json("/v1/events", t).await;
        assert_eq!(
            (s, error_code(&v)),
            (StatusCode::UNAUTHORIZED, "token_invalid"),
            "{v}"
        );
    }

    // a bad secret file: the start fails and says why, without quoting the file
    let bad = secrets.path().join("bad.key");
    for (content, says) in [
        (None, "No such file"),
        (Some(""), "is empty"),
        (Some("9f86d081884c7d65\n"), "is too short (16 hex digits)"),
        (Some("password123"), "holds more than hex digits"),
    ] {
        match content {
            Some(text) => std::fs::write(&bad, text).unwrap(),
            None => {
                let _ = std::fs::remove_file(&bad);
            }
        }
        let data = tempfile::tempdir().unwrap();
        let config = ServerConfig {
            viewer_secret_file: Some(bad.clone()),
            ..ServerConfig::new("127.0.0.1:0", data.path())
        };
        let Err(e) = bind(&config).await else {
            panic!("{content:?}: the server started");
        };
        let msg = format!("{e:#}");
        assert!(
            msg.contains("viewer secret file") && msg.contains(says),
            "{msg}"
        );
        if let Some(text) = content.filter(|t| !t.trim().is_empty()) {
            assert!(!msg.contains(text.trim()), "{msg}");
        }
        assert!(
            !data.path().join("auditlog.db").exists(),
            "the store was opened"
        );
    }
}
