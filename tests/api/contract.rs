//! Regressions found by Schemathesis (`.ci/schemathesis.sh`) checking the live server
//! against `docs/openapi.json`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, CLIENTS, OPERATOR, error_code, spawn_app};

/// serde reads a struct from a JSON array (`[null, null]` as `{}`): the object bodies
/// accepted arrays, a shape the document (and docs/api.md) does not allow.
#[tokio::test]
async fn object_bodies_refuse_json_arrays() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let send = |method: reqwest::Method, path: &'static str, key: String, body: &'static str| {
        let req = app
            .client
            .request(method, app.url(path))
            .bearer_auth(key)
            .header("content-type", "application/json")
            .body(body);
        async move {
            let r = req.send().await.unwrap();
            let s = r.status();
            (s, r.json::<Value>().await.unwrap())
        }
    };
    for (method, path, key, body) in [
        (
            reqwest::Method::POST,
            "/v1/viewer-tokens",
            acme.read.clone(),
            "[null, null]",
        ),
        (
            reqwest::Method::PUT,
            "/v1/settings",
            acme.admin.clone(),
            " [30, true]",
        ),
        (
            reqwest::Method::POST,
            "/v1/orgs",
            OPERATOR.to_string(),
            r#"["globex", "Globex"]"#,
        ),
        (
            reqwest::Method::POST,
            "/v1/orgs/acme/keys",
            acme.admin.clone(),
            r#"["read", "x"]"#,
        ),
    ] {
        let (s, v) = send(method.clone(), path, key, body).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{method} {path} {body}: {v}");
        assert_eq!(error_code(&v), "invalid_request");
        assert_eq!(v["error"]["details"], json!({ "field": "" }), "{v}");
    }
    // nothing happened: no org globex, settings unchanged
    let (_, orgs) = app.get_json("/v1/orgs", OPERATOR).await;
    assert_eq!(orgs["orgs"].as_array().unwrap().len(), 1, "{orgs}");
    let (_, s) = app.get_json("/v1/settings", &acme.admin).await;
    assert_eq!(s["retention_days"], Value::Null);
    // the object forms still work
    let (s, v) = app
        .post_json("/v1/viewer-tokens", &acme.read, &json!({"ttl_seconds": 60}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

/// `retention_days` is a u32; the purge computed `now - days * 86400 s` in microseconds,
/// which overflows from about 106 million days on (a panic in debug builds, in release a
/// wrapped cut-off that could purge everything).
#[tokio::test(flavor = "multi_thread")]
async fn the_largest_retention_purges_nothing() {
    if crate::BACKEND != Backend::Sqlite {
        // drives the purge CLI on the SQLite file
        return;
    }
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let (s, v) = app
        .ingest(
            &acme.write,
            (0..5)
                .map(|n| crate::helpers::event("ticket.created", n))
                .collect(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let r = app
        .client
        .put(app.url("/v1/settings"))
        .bearer_auth(&acme.admin)
        .json(&json!({"retention_days": u32::MAX}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["retention_days"], u32::MAX);
    let data = app._dir.path().to_str().unwrap().to_string();
    let out = tokio::task::spawn_blocking(move || {
        crate::helpers::bin()
            .args(["purge", "--org", "acme", "--data-dir", &data])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("purged 0 events"), "{stdout}");
    assert_eq!(app.all_events(&acme.read, CLIENTS).await.len(), 5);
}
