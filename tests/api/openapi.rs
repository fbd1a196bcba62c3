//! The OpenAPI document: the committed `docs/openapi.json` is exactly what the code
//! generates, every route of the router is in it, the server serves it, and its security
//! requirements match what the server enforces.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json");
const ROUTER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/api/mod.rs");

fn generated() -> Value {
    serde_json::from_str(&auditlog::api::openapi::document_json()).expect("valid JSON")
}

#[test]
fn openapi_document_matches_docs_openapi_json() {
    let generated = auditlog::api::openapi::document_json();
    if std::env::var_os("AUDITLOG_UPDATE_OPENAPI").is_some_and(|v| v == "1") {
        std::fs::write(COMMITTED, &generated).expect("write docs/openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    if committed != generated {
        let first_diff = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
        panic!(
            "docs/openapi.json differs from the document the code generates (first at line \
             {}: committed {:?}, generated {:?}).\nRegenerate it with:\n\n    \
             AUDITLOG_UPDATE_OPENAPI=1 cargo test openapi\n\nand commit the result.",
            first_diff + 1,
            committed.lines().nth(first_diff).unwrap_or("<end>"),
            generated.lines().nth(first_diff).unwrap_or("<end>"),
        );
    }
}

/// `(method, path)` of every `.route(...)` in `src/api/mod.rs`, read from the source: the
/// router lists every API route in one place.
fn router_routes() -> BTreeSet<(String, String)> {
    let src = std::fs::read_to_string(ROUTER).expect("src/api/mod.rs");
    let mut out = BTreeSet::new();
    for chunk in src.split(".route(").skip(1) {
        let chunk = chunk.split(".merge(").next().unwrap_or(chunk);
        let path = chunk
            .split('"')
            .nth(1)
            .expect("a route starts with its path");
        let rest = &chunk[chunk.find(',').expect("a route has a handler")..];
        for method in ["get", "post", "put", "delete", "patch"] {
            let mut from = 0;
            while let Some(i) = rest[from..].find(&format!("{method}(")) {
                let at = from + i;
                let before = rest[..at].chars().last().unwrap_or(' ');
                if !before.is_alphanumeric() && before != '_' {
                    out.insert((method.to_string(), path.to_string()));
                }
                from = at + method.len();
            }
        }
    }
    out
}

fn documented_routes(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            out.insert((method.clone(), path.clone()));
        }
    }
    out
}

#[test]
fn openapi_documents_every_route_of_the_router() {
    let routes = router_routes();
    // the parser sees what it should (a sample across styles of `.route`)
    for r in [
        ("get", "/v1/events"),
        ("post", "/v1/events"),
        ("post", "/v1/integrity/verify"),
        ("delete", "/v1/orgs/{slug}/keys/{key_id}"),
        ("put", "/v1/settings"),
    ] {
        assert!(
            routes.contains(&(r.0.to_string(), r.1.to_string())),
            "{r:?} not found in the router source"
        );
    }
    assert!(routes.len() >= 25, "{routes:?}");
    let documented = documented_routes(&generated());
    let missing: Vec<_> = routes.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "routes not in the document: {missing:?}"
    );
    let extra: Vec<_> = documented.difference(&routes).collect();
    assert!(
        extra.is_empty(),
        "documented routes the router lacks: {extra:?}"
    );
}

#[test]
fn openapi_document_has_the_error_body_and_bearer_scheme() {
    let doc = generated();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let err = &doc["components"]["schemas"]["ErrorDetail"];
    let required: BTreeSet<&str> = err["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(required.contains("code") && required.contains("message"));
    assert!(err["properties"]["details"].is_object());
    // every documented 4xx/5xx answers with the error body
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            for (status, resp) in op["responses"].as_object().expect("responses") {
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        resp["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn openapi_json_is_served_without_auth_and_security_matches_the_server() {
    let Some(app) = spawn_app().await else { return };
    let r = app
        .client
        .get(app.url("/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let served: Value = r.json().await.unwrap();
    assert_eq!(served, generated());
    // every GET without path parameters: secured ones answer 401 without a credential,
    // the others do not
    let mut checked = 0;
    for (path, item) in served["paths"].as_object().unwrap() {
        let Some(op) = item.get("get") else { continue };
        if path.contains('{') {
            continue;
        }
        let secured = op
            .get("security")
            .and_then(Value::as_array)
            .is_some_and(|s| !s.is_empty());
        let status = app.client.get(app.url(path)).send().await.unwrap().status();
        if secured {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "GET {path}");
        } else {
            assert_eq!(status, StatusCode::OK, "GET {path}");
        }
        checked += 1;
    }
    assert!(checked >= 15, "{checked}");
}

/// The names' pattern in the document (org and key names) refuses exactly the characters
/// the service refuses in a name, over the Basic Multilingual Plane and a few astral ones.
#[test]
fn name_pattern_matches_the_service_rule() {
    let doc = generated();
    let schemas = &doc["components"]["schemas"];
    let org = schemas["CreateOrg"]["properties"]["name"]["pattern"]
        .as_str()
        .expect("CreateOrg.name has a pattern");
    let key = schemas["CreateKey"]["properties"]["name"]["pattern"]
        .as_str()
        .expect("CreateKey.name has a pattern");
    assert_eq!(org, key);
    let re = regex::Regex::new(org).expect("the pattern is a valid regular expression");
    let astral = ['\u{10000}', '\u{1F600}', '\u{E0001}', '\u{10FFFF}'];
    let mut refused = 0;
    for c in (0..=0xFFFF).filter_map(char::from_u32).chain(astral) {
        let forbidden = auditlog::service::validate::is_forbidden_char(c);
        refused += usize::from(forbidden);
        assert_eq!(
            re.is_match(&format!("Ana {c} Lee")),
            !forbidden,
            "U+{:04X}",
            c as u32
        );
    }
    // C0, DEL and C1 controls, five bidirectional overrides and four isolates
    assert_eq!(refused, 32 + 1 + 32 + 5 + 4);
    assert!(re.is_match(""), "an empty key name is allowed");
}

/// Every error code `src/api/error.rs` maps a service error to (each named as text beside
/// its status) is one the document's `ErrorCode` lists (the routing and body errors,
/// `method_not_allowed`, `timeout`, `unsupported_media_type`, are sent elsewhere).
#[test]
fn the_error_code_enum_is_every_code_the_server_sends() {
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/api/error.rs"))
        .expect("src/api/error.rs");
    let sent: BTreeSet<String> = regex::Regex::new(r#"StatusCode::[A-Z_]+,\s*"([a-z_]+)""#)
        .unwrap()
        .captures_iter(&source)
        .map(|c| c[1].to_string())
        .collect();
    let doc = generated();
    let listed: BTreeSet<String> = doc["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .expect("ErrorCode is an enum")
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert!(sent.len() >= 15, "the pattern finds the codes: {sent:?}");
    let missing: Vec<&String> = sent.difference(&listed).collect();
    assert!(missing.is_empty(), "sent but not in ErrorCode: {missing:?}");
}
