//! The authorization matrix: every route of `api::router` × every kind of credential, with
//! the expected status from a table; no response ever carries another org's data, and
//! another org's event ids answer exactly like ids that do not exist.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

/// The credentials, in the order of the table's columns.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Cred {
    OwnRead,
    OwnWrite,
    OwnAdmin,
    OtherRead,
    OtherWrite,
    OtherAdmin,
    Revoked,
    Malformed,
    NoKey,
    Operator,
}

const CREDS: [Cred; 10] = [
    Cred::OwnRead,
    Cred::OwnWrite,
    Cred::OwnAdmin,
    Cred::OtherRead,
    Cred::OtherWrite,
    Cred::OtherAdmin,
    Cred::Revoked,
    Cred::Malformed,
    Cred::NoKey,
    Cred::Operator,
];

/// One row: a route and the status each credential gets ("own" is acme, whose ids and slug
/// the paths name; "other" is globex).
struct Row {
    method: Method,
    path: &'static str,
    body: Option<Value>,
    expect: [u16; 10],
}

const PUBLIC: [u16; 10] = [200; 10];
//                          OwnR OwnW OwnA OthR OthW OthA Revk Malf None Oper
const READ: [u16; 10] = [200, 403, 200, 200, 403, 200, 401, 401, 401, 403];
const READ_ACME_ID: [u16; 10] = [200, 403, 200, 404, 403, 404, 401, 401, 401, 403];
const ADMIN: [u16; 10] = [403, 403, 200, 403, 403, 200, 401, 401, 401, 403];
const OPERATOR_ONLY: [u16; 10] = [403, 403, 403, 403, 403, 403, 401, 401, 401, 200];
const ACME_KEYS: [u16; 10] = [403, 403, 200, 404, 404, 404, 401, 401, 401, 200];

fn with_status(base: [u16; 10], from: u16, to: u16) -> [u16; 10] {
    base.map(|s| if s == from { to } else { s })
}

/// Every route of `src/api/mod.rs`.
fn table() -> Vec<Row> {
    let row = |method: Method, path: &'static str, body: Option<Value>, expect: [u16; 10]| Row {
        method,
        path,
        body,
        expect,
    };
    let get = Method::GET;
    let post = Method::POST;
    vec![
        row(get.clone(), "/healthz", None, PUBLIC),
        row(get.clone(), "/readyz", None, PUBLIC),
        row(get.clone(), "/v1/catalog", None, PUBLIC),
        row(get.clone(), "/v1/integrity/public-keys", None, PUBLIC),
        row(get.clone(), "/v1/events?limit=1000", None, READ),
        row(
            post.clone(),
            "/v1/events",
            Some(json!({"events": [event("tag.created", 9)]})),
            [403, 201, 201, 403, 201, 201, 401, 401, 401, 403],
        ),
        row(
            get.clone(),
            "/v1/events/summary?group_by=actor,action,entity_type",
            None,
            READ,
        ),
        row(
            get.clone(),
            "/v1/events/histogram?interval=day&stack=entity_type",
            None,
            READ,
        ),
        row(get.clone(), "/v1/events/export?format=ndjson", None, READ),
        row(get.clone(), "/v1/events/export?format=csv", None, READ),
        row(get.clone(), "/v1/events/acme_secret_1", None, READ_ACME_ID),
        row(get.clone(), "/v1/integrity/checkpoints", None, READ),
        row(
            post.clone(),
            "/v1/integrity/checkpoints",
            None,
            with_status(ADMIN, 200, 201),
        ),
        row(get.clone(), "/v1/integrity/checkpoints/latest", None, READ),
        row(
            get.clone(),
            "/v1/integrity/inclusion?event_id=acme_secret_1&tree_size=5",
            None,
            READ_ACME_ID,
        ),
        row(
            get.clone(),
            "/v1/integrity/consistency?from=1&to=2",
            None,
            READ,
        ),
        row(post.clone(), "/v1/integrity/verify", None, ADMIN),
        row(
            get.clone(),
            "/v1/integrity/retention-cut",
            None,
            with_status(READ, 200, 404),
        ),
        row(get.clone(), "/v1/settings", None, ADMIN),
        row(
            Method::PUT,
            "/v1/settings",
            Some(json!({"retention_days": null, "legal_hold": false})),
            ADMIN,
        ),
        row(get.clone(), "/v1/orgs", None, OPERATOR_ONLY),
        row(
            post.clone(),
            "/v1/orgs",
            Some(json!({"slug": "matrix-org"})),
            with_status(OPERATOR_ONLY, 200, 201),
        ),
        row(
            Method::PATCH,
            "/v1/orgs/acme",
            Some(json!({"name": "Acme (renamed)"})),
            ACME_KEYS,
        ),
        row(get.clone(), "/v1/orgs/acme/keys", None, ACME_KEYS),
        row(
            post,
            "/v1/orgs/acme/keys",
            Some(json!({"scope": "read", "name": "matrix"})),
            with_status(ACME_KEYS, 200, 201),
        ),
        // the platform-defined catalog: an admin key for its org, the operator for the
        // instance (whose name the two orgs took first: a conflict; nothing to delete)
        row(
            Method::PUT,
            "/v1/catalog/entity-types/matrix_type",
            Some(json!({"label": "Matrix"})),
            [403, 403, 201, 403, 403, 201, 401, 401, 401, 409],
        ),
        row(
            Method::PUT,
            "/v1/catalog/actions/ticket.matrixed",
            Some(
                json!({"category": "activity", "label": "Ticket matrixed", "verb_label": "Matrixed",
                "ocsf": {"class_uid": 3004, "activity_id": 2}}),
            ),
            [403, 403, 201, 403, 403, 201, 401, 401, 401, 409],
        ),
        row(
            Method::DELETE,
            "/v1/catalog/actions/ticket.matrixed",
            None,
            [403, 403, 204, 403, 403, 204, 401, 401, 401, 404],
        ),
        // `{fresh}`: a key created for this request, so each allowed DELETE has one to revoke
        row(
            Method::DELETE,
            "/v1/orgs/acme/keys/{fresh}",
            None,
            with_status(ACME_KEYS, 200, 204),
        ),
    ]
}

const ACME_MARKS: [&str; 3] = ["acme_secret", "AcmeSecretName", "acme_actor"];
const GLOBEX_MARKS: [&str; 3] = ["globex_secret", "GlobexSecretName", "globex_actor"];

fn org_events(prefix: &str, name: &str) -> Vec<Value> {
    (1..=5)
        .map(|n| {
            json!({
                "id": format!("{prefix}_secret_{n}"),
                "action": "ticket.created",
                "entity": {"type": "ticket", "id": format!("{prefix}_secret_ticket_{n}"), "name": format!("{name}{n}")},
                "actor": {"type": "user", "id": format!("{prefix}_actor_{n}"), "name": format!("{name} agent {n}")},
            })
        })
        .collect()
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    key: Option<&str>,
    body: Option<&Value>,
) -> (u16, String, bool) {
    let mut req = app.client.request(method, app.url(path));
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let www = r.headers().get("www-authenticate").is_some();
    (status, r.text().await.expect("body"), www)
}

async fn key_id(app: &TestApp, secret: &str) -> String {
    let (_, v) = app.get_json("/v1/orgs/acme/keys", OPERATOR).await;
    v["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| secret.starts_with(k["prefix"].as_str().unwrap()))
        .expect("key listed")["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn every_route_times_every_credential() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let globex = app.org("globex").await;

    // Globex asks for acme's ids before they exist...
    let probes = [
        "/v1/events/acme_secret_1",
        "/v1/integrity/inclusion?event_id=acme_secret_1&tree_size=5",
    ];
    let mut before = Vec::new();
    for p in probes {
        before.push(send(&app, Method::GET, p, Some(&globex.read), None).await);
    }

    for (keys, prefix, name) in [
        (&acme, "acme", "AcmeSecretName"),
        (&globex, "globex", "GlobexSecretName"),
    ] {
        let (s, v) = app.ingest(&keys.write, org_events(prefix, name)).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, v) = app
            .post_json("/v1/integrity/checkpoints", &keys.admin, &json!({}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }

    // ...and after: exactly the same answer
    for (p, b) in probes.iter().zip(&before) {
        let after = send(&app, Method::GET, p, Some(&globex.read), None).await;
        assert_eq!(b.0, 404, "{p}: {}", b.1);
        assert_eq!(&after, b, "{p}: another org's id must look missing");
    }

    // a revoked key: works, is revoked, and is refused on the very next request
    let (s, v) = app
        .post_json(
            "/v1/orgs/acme/keys",
            &acme.admin,
            &json!({"scope": "admin", "name": "to revoke"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let revoked = v["secret"].as_str().unwrap().to_string();
    let (s, _) = app.get_json("/v1/events", &revoked).await;
    assert_eq!(s, StatusCode::OK);
    let id = v["key"]["id"].as_str().unwrap();
    let (s, _, _) = send(
        &app,
        Method::DELETE,
        &format!("/v1/orgs/acme/keys/{id}"),
        Some(&acme.admin),
        None,
    )
    .await;
    assert_eq!(s, 204);
    let (s, _) = app.get_json("/v1/events", &revoked).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "revocation takes effect at once"
    );

    let malformed = format!("alk_{}", "z".repeat(56));
    let mut failures = Vec::new();
    let mut checked = 0;
    for row in table() {
        for (col, cred) in CREDS.iter().enumerate() {
            let key: Option<&str> = match cred {
                Cred::OwnRead => Some(&acme.read),
                Cred::OwnWrite => Some(&acme.write),
                Cred::OwnAdmin => Some(&acme.admin),
                Cred::OtherRead => Some(&globex.read),
                Cred::OtherWrite => Some(&globex.write),
                Cred::OtherAdmin => Some(&globex.admin),
                Cred::Revoked => Some(&revoked),
                Cred::Malformed => Some(&malformed),
                Cred::NoKey => None,
                Cred::Operator => Some(OPERATOR),
            };
            let path = if row.path.contains("{fresh}") {
                let (s, v) = app
                    .post_json(
                        "/v1/orgs/acme/keys",
                        OPERATOR,
                        &json!({"scope": "read", "name": "fresh"}),
                    )
                    .await;
                assert_eq!(s, StatusCode::CREATED, "{v}");
                let fresh = key_id(&app, v["secret"].as_str().unwrap()).await;
                row.path.replace("{fresh}", &fresh)
            } else {
                row.path.to_string()
            };
            let (status, body, www) =
                send(&app, row.method.clone(), &path, key, row.body.as_ref()).await;
            checked += 1;
            let want = row.expect[col];
            let label = format!("{} {path} as {cred:?}", row.method);
            if status != want {
                failures.push(format!(
                    "{label}: {status}, expected {want}: {}",
                    body.chars().take(200).collect::<String>()
                ));
                continue;
            }
            if status >= 400 {
                let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                let code = match status {
                    401 => "unauthorized",
                    403 => "forbidden",
                    404 => "not_found",
                    409 => "catalog_conflict",
                    _ => "?",
                };
                if error_code(&v) != code {
                    failures.push(format!(
                        "{label}: code {:?}, expected {code}",
                        error_code(&v)
                    ));
                }
                if (status == 401) != www {
                    failures.push(format!("{label}: WWW-Authenticate only and always on 401"));
                }
            }
            // never another org's data
            let foreign: &[&str] = match cred {
                Cred::OwnRead | Cred::OwnWrite | Cred::OwnAdmin => &GLOBEX_MARKS,
                Cred::OtherRead | Cred::OtherWrite | Cred::OtherAdmin => &ACME_MARKS,
                _ => &[],
            };
            let mut marks: Vec<&str> = foreign.to_vec();
            if matches!(
                cred,
                Cred::Revoked | Cred::Malformed | Cred::NoKey | Cred::Operator
            ) {
                marks.extend(ACME_MARKS);
                marks.extend(GLOBEX_MARKS);
            }
            // a 404 may echo the id the caller itself asked for; nothing else of acme's
            let body = if status == 404 {
                body.replace(
                    r#"no event with id \"acme_secret_1\""#,
                    "no event with id <asked>",
                )
            } else {
                body
            };
            if let Some(m) = marks.iter().find(|m| body.contains(**m)) {
                failures.push(format!(
                    "{label}: LEAK of {m:?}: {}",
                    body.chars().take(300).collect::<String>()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, table().len() * CREDS.len());

    // positive control: each org does see its own data through the same routes
    for (key, mark) in [
        (&acme.read, "acme_secret_3"),
        (&globex.read, "globex_secret_3"),
    ] {
        for p in ["/v1/events?limit=1000", "/v1/events/export?format=ndjson"] {
            let (s, body, _) = send(&app, Method::GET, p, Some(key), None).await;
            assert_eq!(s, 200);
            assert!(body.contains(mark), "{p}: {mark} missing");
        }
    }
    let (_, body, _) = send(
        &app,
        Method::GET,
        "/v1/events/summary?group_by=actor",
        Some(&globex.read),
        None,
    )
    .await;
    assert!(body.contains("GlobexSecretName agent"), "{body}");
}

#[tokio::test]
async fn a_refused_key_is_told_which_key_it_needs() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let (s, v) = app
        .post_json("/v1/integrity/checkpoints", &acme.read, &json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(
        v["error"]["message"],
        "this read key cannot do this; it needs an admin key"
    );
    let (s, v) = app.get_json("/v1/events", &acme.write).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(
        v["error"]["message"],
        "this write key cannot do this; it needs a read or admin key"
    );
}
