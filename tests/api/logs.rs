//! Log injection: names, ids, paths and query values with CR/LF never forge a log line, even
//! at the most verbose level.

use std::process::Stdio;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cli::{bin, run_ok, serve};
use crate::helpers::event;

const MARK: &str = "FORGED";

/// What an attacker would inject: a line break, then a line that looks like ours.
fn forged(kind: &str) -> String {
    format!("x\r\n2026-01-01T00:00:00.000000Z  INFO auditlog::api: {MARK} {kind} admin=true\rZ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crlf_in_names_ids_paths_and_queries_never_forges_a_log_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let created: Value = serde_json::from_str(&run_ok(bin().args([
        "org",
        "create",
        "acme",
        "--json",
        "--data-dir",
        data,
    ])))
    .unwrap();
    let key = created["admin_key"]["secret"].as_str().unwrap().to_string();
    let (mut child, url) = serve(data, Stdio::piped(), "trace");
    let http = reqwest::Client::new();
    let post = |body: String| {
        http.post(format!("{url}/v1/events"))
            .bearer_auth(&key)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };

    // accepted: display names may span lines (stored exactly as sent)
    let mut e = event("rule.updated", 1);
    e["entity"]["type"] = json!("rule");
    e["entity"]["name"] = json!(forged("entity.name"));
    e["actor"]["name"] = json!(forged("actor.name"));
    let r = post(json!({ "events": [e] }).to_string()).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);

    // refused: ids, event ids, a CR/LF in a JSON key, raw control bytes
    let mut e = event("rule.updated", 2);
    e["entity"]["type"] = json!("rule");
    e["entity"]["id"] = json!(forged("entity.id"));
    e["actor"]["id"] = json!(forged("actor.id"));
    e["id"] = json!(forged("event.id"));
    let r = post(e.to_string()).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut e = event("rule.updated", 3);
    e[forged("member")] = json!(1);
    let r = post(e.to_string()).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(format!("{{\"action\": \"{}\"}}", forged("raw")))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // paths and query strings (percent-encoded CR/LF)
    let enc = |s: &str| {
        s.replace('\r', "%0D")
            .replace('\n', "%0A")
            .replace(' ', "%20")
    };
    for path in [
        format!("/v1/events/{}", enc(&forged("path.id"))),
        format!("/v1/events?entity_id={}", enc(&forged("query.entity_id"))),
        format!("/v1/events?{}=1", enc(&forged("query.name"))),
        format!("/v1/events/summary?group_by={}", enc(&forged("group_by"))),
        format!("/v1/orgs/{}/keys", enc(&forged("slug"))),
        format!("/{}", enc(&forged("route"))),
    ] {
        let r = http
            .get(format!("{url}{path}"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        assert!(!r.status().is_server_error(), "{path}: {}", r.status());
    }
    // key and org names (refused: control characters)
    let r = http
        .post(format!("{url}/v1/orgs/acme/keys"))
        .bearer_auth(&key)
        .json(&json!({"scope": "read", "name": forged("key.name")}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // the stored name comes back exactly as sent
    let listed: Value = http
        .get(format!("{url}/v1/events"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["events"][0]["entity"]["name"], forged("entity.name"));

    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let logs = String::from_utf8_lossy(&out.stderr).into_owned();
    // stderr is a pipe, not a terminal: no colour escapes in a log written to a file
    assert!(!logs.contains('\u{1b}'), "colour escapes in a piped log");
    assert!(logs.lines().count() > 20, "trace logging produced output");
    // the hostile path did reach the logs (request spans name it), percent-encoded
    assert!(
        logs.lines()
            .any(|l| l.contains("path=/v1/events/x%0D%0A2026") && l.contains(MARK)),
        "the request span names the path"
    );
    assert!(!logs.contains('\r'), "a raw CR reached the logs");
    let forged_lines: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains(MARK) && l.trim_start().starts_with("2026-01-01T"))
        .collect();
    assert!(
        forged_lines.is_empty(),
        "forged log lines: {forged_lines:#?}"
    );
    // every line is one of ours: it starts with a timestamp of now (not the forged date)
    let year = &logs[..4];
    let foreign: Vec<&str> = logs
        .lines()
        .filter(|l| !l.starts_with(year) || l.get(4..5) != Some("-"))
        .collect();
    assert!(
        foreign.is_empty(),
        "lines that are not log records: {foreign:#?}"
    );
}
