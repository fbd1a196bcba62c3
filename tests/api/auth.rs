use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn keys_scopes_and_revocation() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;

    // no key, junk, a well-formed but unknown key
    let r = app.client.get(app.url("/v1/events")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(error_code(&v), "unauthorized");
    for key in ["nope", "alk_0000", &acme.read.replace('a', "b")] {
        let (s, v) = app.get_json("/v1/events", key).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{key}: {v}");
    }

    // scopes
    let (s, v) = app.ingest(&acme.read, vec![event("rule.created", 1)]).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(error_code(&v), "forbidden");
    let (s, _) = app.get_json("/v1/events", &acme.write).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .ingest(&acme.admin, vec![event("rule.created", 1)])
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = app.get_json("/v1/events", &acme.admin).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.get_json("/v1/orgs/acme/keys", &acme.read).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.get_json("/v1/orgs", &acme.admin).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "org admins cannot list orgs");
    let (s, _) = app.get_json("/v1/events", OPERATOR).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the operator reads no events");

    // revocation takes effect at once
    let (s, v) = app.get_json("/v1/orgs/acme/keys", &acme.admin).await;
    assert_eq!(s, StatusCode::OK);
    let keys = v["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| k.get("secret").is_none()));
    let read_id = keys.iter().find(|k| k["scope"] == "read").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .client
        .delete(app.url(&format!("/v1/orgs/acme/keys/{read_id}")))
        .bearer_auth(&acme.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (s, _) = app.get_json("/v1/events", &acme.read).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let r = app
        .client
        .delete(app.url(&format!("/v1/orgs/acme/keys/{read_id}")))
        .bearer_auth(&acme.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn operator_manages_orgs_and_admins_only_their_own_keys() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let globex = app.org("globex").await;

    let (s, v) = app.get_json("/v1/orgs", OPERATOR).await;
    assert_eq!(s, StatusCode::OK);
    let slugs: Vec<&str> = v["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["acme", "globex"]);

    let (s, v) = app
        .post_json("/v1/orgs", OPERATOR, &json!({"slug": "acme"}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(error_code(&v), "already_exists");
    let (s, v) = app
        .post_json("/v1/orgs", OPERATOR, &json!({"slug": "Bad Slug!"}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = app
        .post_json("/v1/orgs", OPERATOR, &json!({"slug": "ok", "extra": 1}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, _) = app
        .post_json("/v1/orgs", &acme.admin, &json!({"slug": "sneaky"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // another org's admin key sees globex's keys as missing (404), never 403
    let (s, v) = app.get_json("/v1/orgs/globex/keys", &acme.admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v2) = app.get_json("/v1/orgs/initech/keys", &acme.admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .replace("globex", "X"),
        v2["error"]["message"]
            .as_str()
            .unwrap()
            .replace("initech", "X")
    );

    // the operator can create and revoke keys of any org
    let (s, v) = app
        .post_json(
            "/v1/orgs/globex/keys",
            OPERATOR,
            &json!({"scope": "read", "name": "bi"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let secret = v["secret"].as_str().unwrap();
    assert!(secret.starts_with("alk_"));
    let (s, _) = app.get_json("/v1/events", secret).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = app
        .post_json(
            "/v1/orgs/globex/keys",
            OPERATOR,
            &json!({"scope": "superuser"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    drop(globex);
}
