//! Hostile and malformed requests, as a table: each gets the documented status and error
//! code (never a 500 or a dropped connection), the server stays healthy, and nothing from a
//! rejected request is stored.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

#[derive(Clone, Copy, Debug)]
enum Cred {
    Read,
    Write,
    Admin,
    Operator,
}

struct Case {
    name: &'static str,
    method: Method,
    path: String,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    cred: Cred,
    status: u16,
    code: &'static str,
}

#[allow(clippy::too_many_arguments)] // one table row: every column is an argument
fn case(
    name: &'static str,
    method: Method,
    path: impl Into<String>,
    content_type: Option<&'static str>,
    body: impl Into<Vec<u8>>,
    cred: Cred,
    status: u16,
    code: &'static str,
) -> Case {
    Case {
        name,
        method,
        path: path.into(),
        content_type,
        body: body.into(),
        cred,
        status,
        code,
    }
}

const JSON: Option<&str> = Some("application/json");
const NDJSON: Option<&str> = Some("application/x-ndjson");

/// A valid event with one member replaced (`pointer` like `/entity/name`).
fn with(pointer: &str, value: Value) -> Vec<u8> {
    let mut e = event("rule.updated", 1);
    e["entity"]["type"] = json!("rule");
    let (parent, member) = pointer.rsplit_once('/').expect("a pointer");
    e.pointer_mut(parent).expect("parent exists")[member] = value;
    e.to_string().into_bytes()
}

fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

fn nested_object(depth: usize) -> String {
    format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth))
}

#[rustfmt::skip]
fn cases() -> Vec<Case> {
    use Cred::*;
    let post = Method::POST;
    let get = Method::GET;
    let ev = "/v1/events";
    let good = event("rule.updated", 1).to_string();
    let mut v = vec![
        // malformed and truncated JSON
        case("malformed", post.clone(), ev, JSON, "{\"action\": rule}", Write, 400, "invalid_request"),
        case("truncated event", post.clone(), ev, JSON, &good[..good.len() / 2], Write, 400, "invalid_request"),
        case("truncated batch", post.clone(), ev, JSON, format!("{{\"events\": [{good}, {good}"), Write, 400, "invalid_request"),
        case("truncated array", post.clone(), ev, JSON, format!("[{good},"), Write, 400, "invalid_request"),
        case("trailing garbage", post.clone(), ev, JSON, format!("{good} x"), Write, 400, "invalid_request"),
        case("two objects", post.clone(), ev, JSON, format!("{good}{good}"), Write, 400, "invalid_request"),
        case("empty body", post.clone(), ev, JSON, "", Write, 400, "invalid_request"),
        case("whitespace body", post.clone(), ev, JSON, " \n\t ", Write, 400, "invalid_request"),
        case("ndjson bad line", post.clone(), ev, NDJSON, format!("{good}\n{{\"action\"\n"), Write, 400, "invalid_request"),
        case("ndjson only blank", post.clone(), ev, NDJSON, "\n\n\n", Write, 400, "invalid_request"),
        // wrong shapes and types
        case("number body", post.clone(), ev, JSON, "42", Write, 400, "invalid_request"),
        case("null body", post.clone(), ev, JSON, "null", Write, 400, "invalid_request"),
        case("string body", post.clone(), ev, JSON, "\"rule.updated\"", Write, 400, "invalid_request"),
        case("events not an array", post.clone(), ev, JSON, "{\"events\": {\"a\": 1}}", Write, 400, "invalid_request"),
        case("events empty", post.clone(), ev, JSON, "{\"events\": []}", Write, 400, "invalid_request"),
        case("events plus member", post.clone(), ev, JSON, format!("{{\"events\": [{good}], \"x\": 1}}"), Write, 400, "invalid_request"),
        case("events twice", post.clone(), ev, JSON, format!("{{\"events\": [{good}], \"events\": [{good}]}}"), Write, 400, "invalid_request"),
        case("array of numbers", post.clone(), ev, JSON, "[1, 2]", Write, 422, "invalid_event"),
        case("action a number", post.clone(), ev, JSON, with("/action", json!(5)), Write, 422, "invalid_event"),
        case("entity a string", post.clone(), ev, JSON, with("/entity", json!("rule")), Write, 422, "invalid_event"),
        case("related an object", post.clone(), ev, JSON, with("/related", json!({"type": "team"})), Write, 422, "invalid_event"),
        case("occurred_at a number", post.clone(), ev, JSON, with("/occurred_at", json!(1_700_000_000)), Write, 422, "invalid_event"),
        case("metadata an array", post.clone(), ev, JSON, with("/metadata", json!([1])), Write, 422, "invalid_event"),
        case("duplicate member", post.clone(), ev, JSON, format!("{{\"action\": \"rule.created\", {}", &good[1..]), Write, 422, "invalid_event"),
        case("unknown member", post.clone(), ev, JSON, with("/action", json!("rule.updated")).replace_first(b"{", b"{\"colour\":\"red\","), Write, 422, "invalid_event"),
        case("occurred_at year 10000", post.clone(), ev, JSON, with("/occurred_at", json!("10000-01-01T00:00:00Z")), Write, 422, "invalid_event"),
        case("occurred_at far past", post.clone(), ev, JSON, with("/occurred_at", json!("1969-12-31T23:59:59Z")), Write, 422, "invalid_event"),
        case("occurred_at huge offset", post.clone(), ev, JSON, with("/occurred_at", json!("2026-01-01T00:00:00+99:00")), Write, 422, "invalid_event"),
        case("huge number in metadata", post.clone(), ev, JSON, with("/metadata", json!({"n": 1})).replace_first(b"\"n\":1", b"\"n\":1e999"), Write, 422, "invalid_event"),
        // invalid UTF-8
        case("invalid utf-8", post.clone(), ev, JSON, with("/entity/name", json!("caf\u{e9}")) .replace_first("caf\u{e9}".as_bytes(), b"caf\xe9"), Write, 400, "invalid_request"),
        case("invalid utf-8 ndjson", post.clone(), ev, NDJSON, b"{\"action\": \"\xff\xfe\"}\n".to_vec(), Write, 400, "invalid_request"),
        case("lone surrogate escape", post.clone(), ev, JSON, with("/entity/name", json!("x")) .replace_first(b"\"name\":\"x\"", b"\"name\":\"\\ud800\""), Write, 422, "invalid_event"),
        // deep nesting
        case("nested arrays 10000", post.clone(), ev, JSON, nested(10_000), Write, 422, "invalid_event"),
        case("nested objects 10000", post.clone(), ev, JSON, nested_object(10_000), Write, 422, "invalid_event"),
        case("nested in events", post.clone(), ev, JSON, format!("{{\"events\": [{}]}}", nested(10_000)), Write, 422, "invalid_event"),
        case("nested metadata 10000", post.clone(), ev, JSON, with("/metadata", json!({"a": 1})) .replace_first(b"{\"a\":1}", nested_object(10_000).as_bytes()), Write, 422, "invalid_event"),
        case("nested ndjson", post.clone(), ev, NDJSON, nested_object(10_000), Write, 422, "invalid_event"),
        case("nested arrays 2000000 (4 MB)", post.clone(), ev, JSON, nested(2_000_000), Write, 422, "invalid_event"),
        case("nested objects 500000 (3.5 MB)", post.clone(), ev, JSON, format!("{{\"events\": [{}]}}", nested_object(500_000)), Write, 422, "invalid_event"),
        case("nested metadata 500000", post.clone(), ev, JSON, with("/metadata", json!({"a": 1})) .replace_first(b"{\"a\":1}", nested_object(500_000).as_bytes()), Write, 422, "invalid_event"),
        case("nested metadata 100", post.clone(), ev, JSON, with("/metadata", json!({"a": 1})) .replace_first(b"{\"a\":1}", nested_object(100).as_bytes()), Write, 201, ""),
        // huge strings
        case("name 1 MB", post.clone(), ev, JSON, with("/entity/name", json!("x".repeat(1 << 20))), Write, 422, "invalid_event"),
        case("id 1 MB", post.clone(), ev, JSON, with("/entity/id", json!("x".repeat(1 << 20))), Write, 422, "invalid_event"),
        case("event id 129 chars", post.clone(), ev, JSON, with("/entity/id", json!("x")).replace_first(b"{", format!("{{\"id\":\"{}\",", "a".repeat(129)).as_bytes()),
            Write,
            422,
            "invalid_event",
        ),
        case("metadata 3 MB", post.clone(), ev, JSON, with("/metadata", json!({"blob": "y".repeat(3 << 20)})), Write, 422, "invalid_event"),
        // NUL, control and bidi characters
        case("NUL escaped in name", post.clone(), ev, JSON, with("/entity/name", json!("a\u{0}b")), Write, 422, "invalid_event"),
        case("NUL raw in string", post.clone(), ev, JSON, with("/entity/name", json!("aZb")).replace_first(b"aZb", b"a\0b"), Write, 400, "invalid_request"),
        case("NUL byte in body", post.clone(), ev, JSON, format!("{good}\0"), Write, 400, "invalid_request"),
        case("raw newline in string", post.clone(), ev, JSON, with("/entity/name", json!("aZb")).replace_first(b"aZb", b"a\nb"), Write, 400, "invalid_request"),
        case("BEL in actor name", post.clone(), ev, JSON, with("/actor/name", json!("a\u{7}b")), Write, 422, "invalid_event"),
        case("ESC in entity name", post.clone(), ev, JSON, with("/entity/name", json!("\u{1b}[31mred")), Write, 422, "invalid_event"),
        case("U+202E in name", post.clone(), ev, JSON, with("/entity/name", json!("invoice\u{202e}fdp.exe")), Write, 422, "invalid_event"),
        case("U+2066 in actor id", post.clone(), ev, JSON, with("/actor/id", json!("u\u{2066}1")), Write, 422, "invalid_event"),
        case("C1 control in actor name", post.clone(), ev, JSON, with("/actor/name", json!("a\u{85}b")), Write, 422, "invalid_event"),
        case("newline in entity id", post.clone(), ev, JSON, with("/entity/id", json!("r_1\nforged")), Write, 422, "invalid_event"),
        case("CR in event id", post.clone(), ev, JSON, with("/entity/id", json!("x")).replace_first(b"{", b"{\"id\":\"a\\rb\","), Write, 422, "invalid_event"),
        case("U+202E in org name", post.clone(), "/v1/orgs", JSON, json!({"slug": "evil", "name": "a\u{202e}b"}).to_string(), Operator, 400, "invalid_request"),
        case("NUL in org slug", post.clone(), "/v1/orgs", JSON, json!({"slug": "ev\u{0}il"}).to_string(), Operator, 400, "invalid_request"),
        case("U+202E in key name", post.clone(), "/v1/orgs/acme/keys", JSON, json!({"scope": "read", "name": "a\u{202e}b"}).to_string(), Admin, 400, "invalid_request"),
        case("newline in key name", post.clone(), "/v1/orgs/acme/keys", JSON, json!({"scope": "read", "name": "a\nb"}).to_string(), Admin, 400, "invalid_request"),
        // limits
        case("batch of 1001", post.clone(), ev, JSON, json!({"events": vec![event("tag.created", 1); 1001]}).to_string(), Write, 413, "payload_too_large"),
        case("ndjson of 1001", post.clone(), ev, NDJSON, format!("{good}\n").repeat(1001), Write, 413, "payload_too_large"),
        case("body 5 MiB", post.clone(), ev, JSON, with("/entity/name", json!("x".repeat(5 << 20))), Write, 413, "payload_too_large"),
        case("org body 5 MiB", post.clone(), "/v1/orgs", JSON, json!({"slug": "x".repeat(5 << 20)}).to_string(), Operator, 413, "payload_too_large"),
        case("settings body 5 MiB", Method::PUT, "/v1/settings", JSON, json!({"retention_days": 1, "x": "y".repeat(5 << 20)}).to_string(), Admin, 413, "payload_too_large"),
        // content types
        case("text/plain", post.clone(), ev, Some("text/plain"), good.clone(), Write, 415, "unsupported_media_type"),
        case("no content type", post.clone(), ev, None, good.clone(), Write, 415, "unsupported_media_type"),
        case("form", post.clone(), ev, Some("application/x-www-form-urlencoded"), good.clone(), Write, 415, "unsupported_media_type"),
        case("multipart", post.clone(), ev, Some("multipart/form-data; boundary=x"), good.clone(), Write, 415, "unsupported_media_type"),
        case("json lookalike", post.clone(), ev, Some("application/jsonx"), good.clone(), Write, 415, "unsupported_media_type"),
        case("garbage content type", post.clone(), ev, Some(";;;"), good.clone(), Write, 415, "unsupported_media_type"),
        // methods and paths
        case("PATCH events", Method::PATCH, ev, JSON, good.clone(), Write, 405, "method_not_allowed"),
        case("DELETE event", Method::DELETE, "/v1/events/x", None, "", Admin, 405, "method_not_allowed"),
        case("trailing slash", get.clone(), "/v1/events/", None, "", Read, 404, "not_found"),
        case("unknown route", get.clone(), "/v1/eventz", None, "", Read, 404, "not_found"),
        case("id with NUL", get.clone(), "/v1/events/%00", None, "", Read, 404, "not_found"),
        case("id with CRLF", get.clone(), "/v1/events/a%0D%0Ab", None, "", Read, 404, "not_found"),
        case("id of 10000 chars", get.clone(), format!("/v1/events/{}", "a".repeat(10_000)), None, "", Read, 404, "not_found"),
        case("id invalid utf-8", get.clone(), "/v1/events/%FF%FE", None, "", Read, 404, "not_found"),
        case("slug invalid utf-8", get.clone(), "/v1/orgs/%FF/keys", None, "", Admin, 404, "not_found"),
        case("slug invalid utf-8, operator", post.clone(), "/v1/orgs/%C3/keys", JSON, "{\"scope\": \"read\"}", Operator, 404, "not_found"),
        case("key id invalid utf-8", Method::DELETE, "/v1/orgs/acme/keys/%FF", None, "", Admin, 404, "not_found"),
        // absurd query parameters
        case("limit -1", get.clone(), "/v1/events?limit=-1", None, "", Read, 400, "invalid_request"),
        case("limit 0", get.clone(), "/v1/events?limit=0", None, "", Read, 400, "invalid_request"),
        case("limit 99999999", get.clone(), "/v1/events?limit=99999999", None, "", Read, 400, "invalid_request"),
        case("limit overflow", get.clone(), "/v1/events?limit=999999999999999999999999999", None, "", Read, 400, "invalid_request"),
        case("limit text", get.clone(), "/v1/events?limit=ten", None, "", Read, 400, "invalid_request"),
        case("limit empty", get.clone(), "/v1/events?limit=", None, "", Read, 400, "invalid_request"),
        case("limit twice", get.clone(), "/v1/events?limit=1&limit=2", None, "", Read, 400, "invalid_request"),
        case("from after to", get.clone(), "/v1/events?from=2026-02-01&to=2026-01-01", None, "", Read, 400, "invalid_request"),
        case("from garbage date", get.clone(), "/v1/events?from=2026-13-45", None, "", Read, 400, "invalid_request"),
        case("from year 99999", get.clone(), "/v1/events?from=99999-01-01", None, "", Read, 400, "invalid_request"),
        case("from huge timestamp", get.clone(), "/v1/events?from=9999-12-31T23:59:59%2B14:00&to=9999-12-31T23:59:59Z", None, "", Read, 400, "invalid_request"),
        case("unknown tz", get.clone(), "/v1/events?from=2026-01-01&tz=Mars/Base", None, "", Read, 400, "invalid_request"),
        case("tz path traversal", get.clone(), "/v1/events?from=2026-01-01&tz=../../../../etc/passwd", None, "", Read, 400, "invalid_request"),
        case("tz offset", get.clone(), "/v1/events?tz=%2B01:00", None, "", Read, 400, "invalid_request"),
        case("garbage cursor", get.clone(), "/v1/events?cursor=garbage", None, "", Read, 400, "invalid_request"),
        case("cursor c1 junk", get.clone(), "/v1/events?cursor=c1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", None, "", Read, 400, "invalid_request"),
        case("cursor huge", get.clone(), format!("/v1/events?cursor=c1.{}", "A".repeat(60_000)), None, "", Read, 400, "invalid_request"),
        case("order sideways", get.clone(), "/v1/events?order=sideways", None, "", Read, 400, "invalid_request"),
        case("unknown parameter", get.clone(), "/v1/events?colour=red", None, "", Read, 400, "invalid_request"),
        case("stray percent is literal", get.clone(), "/v1/events?entity_id=%ZZ", None, "", Read, 200, ""),
        case("invalid utf-8 in query", get.clone(), "/v1/events?entity_id=%FF%FE", None, "", Read, 400, "invalid_request"),
        case("201 list values", get.clone(), format!("/v1/events?entity_id={}", vec!["e"; 201].join(",")), None, "", Read, 400, "invalid_request"),
        case("list value 300 bytes", get.clone(), format!("/v1/events?actor_id={}", "u".repeat(300)), None, "", Read, 400, "invalid_request"),
        case("unknown action", get.clone(), "/v1/events?action=ticket.exploded", None, "", Read, 400, "invalid_request"),
        case("action wildcard *", get.clone(), "/v1/events?action=*", None, "", Read, 400, "invalid_request"),
        case("unknown group_by", get.clone(), "/v1/events/summary?group_by=team", None, "", Read, 400, "invalid_request"),
        case("group_by twice", get.clone(), "/v1/events/summary?group_by=actor,actor", None, "", Read, 400, "invalid_request"),
        case("two time dimensions", get.clone(), "/v1/events/summary?group_by=day,month", None, "", Read, 400, "invalid_request"),
        case("summary limit 99999999", get.clone(), "/v1/events/summary?limit=99999999", None, "", Read, 400, "invalid_request"),
        case("summary format xml", get.clone(), "/v1/events/summary?format=xml", None, "", Read, 400, "invalid_request"),
        case("histogram interval minute", get.clone(), "/v1/events/histogram?interval=minute", None, "", Read, 400, "invalid_request"),
        case("histogram too many buckets", get.clone(), "/v1/events/histogram?interval=hour&from=1970-01-01&to=9999-12-31", None, "", Read, 400, "invalid_request"),
        case("histogram stack actor", get.clone(), "/v1/events/histogram?stack=actor", None, "", Read, 400, "invalid_request"),
        case("export format xml", get.clone(), "/v1/events/export?format=xml", None, "", Read, 400, "invalid_request"),
        case("export limit", get.clone(), "/v1/events/export?limit=1", None, "", Read, 400, "invalid_request"),
        case("export garbage tz", get.clone(), "/v1/events/export?from=2026-01-01&tz=%00", None, "", Read, 400, "invalid_request"),
        case("checkpoints limit -1", get.clone(), "/v1/integrity/checkpoints?limit=-1", None, "", Read, 400, "invalid_request"),
        case("inclusion no event_id", get.clone(), "/v1/integrity/inclusion", None, "", Read, 400, "invalid_request"),
        case("inclusion tree_size -1", get.clone(), "/v1/integrity/inclusion?event_id=seed_1&tree_size=-1", None, "", Read, 400, "invalid_request"),
        case("inclusion tree_size huge", get.clone(), "/v1/integrity/inclusion?event_id=seed_1&tree_size=18446744073709551615", None, "", Read, 400, "invalid_request"),
        case("consistency from 0", get.clone(), "/v1/integrity/consistency?from=0&to=1", None, "", Read, 400, "invalid_request"),
        case("consistency from > to", get.clone(), "/v1/integrity/consistency?from=2&to=1", None, "", Read, 400, "invalid_request"),
        case("consistency to huge", get.clone(), "/v1/integrity/consistency?from=1&to=99999999999", None, "", Read, 400, "invalid_request"),
        // other bodies
        case("settings wrong type", Method::PUT, "/v1/settings", JSON, "{\"retention_days\": \"ten\"}", Admin, 400, "invalid_request"),
        case("settings negative", Method::PUT, "/v1/settings", JSON, "{\"retention_days\": -5}", Admin, 400, "invalid_request"),
        case("settings 1e100", Method::PUT, "/v1/settings", JSON, "{\"retention_days\": 1e100}", Admin, 400, "invalid_request"),
        case("settings nested", Method::PUT, "/v1/settings", JSON, nested_object(10_000), Admin, 400, "invalid_request"),
        case("settings truncated", Method::PUT, "/v1/settings", JSON, "{\"retention_days\": 1", Admin, 400, "invalid_request"),
        case("org malformed", post.clone(), "/v1/orgs", JSON, "{\"slug\": ", Operator, 400, "invalid_request"),
        case("org nested", post.clone(), "/v1/orgs", JSON, nested_object(10_000), Operator, 400, "invalid_request"),
        case("org invalid utf-8", post.clone(), "/v1/orgs", JSON, b"{\"slug\": \"a\xffb\"}".to_vec(), Operator, 400, "invalid_request"),
        case("key scope number", post.clone(), "/v1/orgs/acme/keys", JSON, "{\"scope\": 1}", Admin, 400, "invalid_request"),
        case("key empty body", post.clone(), "/v1/orgs/acme/keys", JSON, "", Admin, 400, "invalid_request"),
    ];
    // a control: the table's plumbing accepts a normal event
    v.push(case(
        "control: a good event",
        post,
        ev,
        JSON,
        event("tag.created", 7).to_string(),
        Write,
        201,
        "",
    ));
    v
}

trait ReplaceFirst {
    fn replace_first(self, from: &[u8], to: &[u8]) -> Vec<u8>;
}

impl ReplaceFirst for Vec<u8> {
    fn replace_first(self, from: &[u8], to: &[u8]) -> Vec<u8> {
        let i = self
            .windows(from.len())
            .position(|w| w == from)
            .unwrap_or_else(|| panic!("{:?} not in the body", String::from_utf8_lossy(from)));
        let mut out = self[..i].to_vec();
        out.extend_from_slice(to);
        out.extend_from_slice(&self[i + from.len()..]);
        out
    }
}

#[tokio::test]
async fn hostile_requests_get_the_documented_error_and_store_nothing() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let (s, v) = app
        .ingest(&acme.write, {
            let mut e = event("rule.created", 0);
            e["id"] = json!("seed_1");
            vec![e]
        })
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    let mut failures = Vec::new();
    let mut accepted = 0;
    for c in cases() {
        let key = match c.cred {
            Cred::Read => acme.read.as_str(),
            Cred::Write => acme.write.as_str(),
            Cred::Admin => acme.admin.as_str(),
            Cred::Operator => OPERATOR,
        };
        let mut req = app
            .client
            .request(c.method.clone(), app.url(&c.path))
            .bearer_auth(key)
            .body(c.body.clone());
        if let Some(ct) = c.content_type {
            req = req.header("content-type", ct);
        }
        let r = match req.send().await {
            Ok(r) => r,
            Err(e) => {
                let e: String = e.to_string().chars().take(300).collect();
                failures.push(format!("{}: no response: {e}", c.name));
                continue;
            }
        };
        let status = r.status().as_u16();
        let is_json = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        let text = r.text().await.unwrap_or_default();
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if status == 201 {
            accepted += v["accepted"].as_u64().unwrap_or(0);
        }
        let code = if c.status < 300 { "" } else { error_code(&v) };
        let shape_ok = c.status < 300
            || (is_json
                && v["error"]["message"].is_string()
                && v["error"].get("details").is_some());
        if status != c.status || code != c.code || !shape_ok {
            let snippet: String = text.chars().take(300).collect();
            failures.push(format!(
                "{}: {} {} -> {status} {code:?}, expected {} {:?}: {snippet}",
                c.name,
                c.method,
                c.path.chars().take(80).collect::<String>(),
                c.status,
                c.code
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(accepted, 2, "the two accepted cases");

    // still healthy, and a normal ingest works
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (s, v) = app
        .ingest(&acme.write, vec![event("tag.created", 99)])
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    // nothing from a rejected request was stored: the seed, the two accepted cases, the last
    let events = app.all_events(&acme.read, CLIENTS).await;
    assert_eq!(events.len(), 4, "{events:#?}");
    // every other seq holds a record of the service's (the org's setup, reads of the log),
    // nothing from a hostile request
    let whole = app.all_events(&acme.read, &format!("&{WHOLE_LOG}")).await;
    let mut seqs: Vec<u64> = whole.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=whole.len() as u64).collect::<Vec<_>>());
    let others: Vec<&Value> = whole
        .iter()
        .filter(|e| e["category"] != "access" && e["category"] != "admin")
        .collect();
    assert_eq!(others.len(), 4, "{others:#?}");
    let setup: Vec<&Value> = whole.iter().filter(|e| e["category"] == "admin").collect();
    assert_eq!(setup.len() as u64, SETUP, "{setup:#?}");
    let (s, v) = app.get_json("/v1/events/summary", &acme.read).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"], SETUP + 4, "{v}");
    // and no org or key from a rejected request exists
    let (_, v) = app.get_json("/v1/orgs", OPERATOR).await;
    assert_eq!(v["orgs"].as_array().unwrap().len(), 1, "{v}");
    let (_, v) = app.get_json("/v1/orgs/acme/keys", &acme.admin).await;
    assert_eq!(v["keys"].as_array().unwrap().len(), 3, "{v}");
}

/// Names may span lines and are stored exactly as sent (the documented policy: `\n`, `\r`,
/// `\t` are allowed in display names, every other control and bidi character is refused);
/// they come back byte for byte in JSON and quoted in CSV, so a name can never start a row.
#[tokio::test]
async fn multi_line_names_are_stored_exactly_and_stay_inside_their_csv_cell() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let name = "Route VIP\r\nforged,row,=cmd()\n\"quoted\"\ttab";
    let mut e = event("rule.updated", 1);
    e["id"] = json!("multi_line");
    e["entity"]["type"] = json!("rule");
    e["entity"]["name"] = json!(name);
    e["actor"]["name"] = json!("Ana\nLima");
    let (s, v) = app.ingest(&acme.write, vec![e]).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = app.get_json("/v1/events/multi_line", &acme.read).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["entity"]["name"], name);
    assert_eq!(v["actor"]["name"], "Ana\nLima");

    let csv = app
        .get(
            &format!("/v1/events/export?format=csv{CLIENTS}"),
            &acme.read,
        )
        .await
        .text()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1, "one event is one CSV row: {csv}");
    assert_eq!(rows[0].len(), headers.len());
    assert!(rows[0].iter().any(|cell| cell == name), "{csv}");
}
