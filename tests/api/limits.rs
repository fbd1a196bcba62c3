//! Per-key rate limits (429 with Retry-After, one key's excess never spends another's
//! budget) and the request timeout (408 in the JSON error shape).

use std::time::Duration;

use auditlog::service::ratelimit::{Rate, RateLimits};
use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::*;

const TIGHT: Rate = Rate {
    per_second: 1,
    burst: 3,
};

async fn ingest_status(app: &TestApp, key: &str, n: usize) -> (StatusCode, reqwest::Response) {
    let r = app
        .client
        .post(app.url("/v1/events"))
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body(event("ticket.created", n).to_string())
        .send()
        .await
        .unwrap();
    (r.status(), r)
}

#[tokio::test]
async fn a_key_over_its_budget_gets_429_and_other_keys_do_not() {
    let Some(app) = spawn_app_configured(|c| {
        c.rate_limits = RateLimits {
            ingest: Some(TIGHT),
            read: Some(TIGHT),
        }
    })
    .await
    else {
        return;
    };
    // (creating the read and write keys spends 2 of the admin key's read budget)
    let acme = app.org("acme").await;
    let globex = app.org("globex").await;

    for n in 0..3 {
        assert_eq!(
            ingest_status(&app, &acme.write, n).await.0,
            StatusCode::CREATED
        );
    }
    let (s, r) = ingest_status(&app, &acme.write, 3).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "Retry-After {retry}");
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(error_code(&v), "rate_limited", "{v}");
    assert_eq!(v["error"]["details"]["retry_after_seconds"], retry);

    // another key of the same org and a key of another org are unaffected
    assert_eq!(
        ingest_status(&app, &acme.admin, 10).await.0,
        StatusCode::CREATED
    );
    for n in 0..3 {
        assert_eq!(
            ingest_status(&app, &globex.write, n).await.0,
            StatusCode::CREATED
        );
    }
    // the rejected request stored nothing: 3 from the write key, 1 from the admin key
    let (s, v) = app
        .get_json(&format!("/v1/events?{}", &CLIENTS[1..]), &acme.read)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["events"].as_array().unwrap().len(), 4);

    // reads have their own budget; a viewer token spends its minting key's
    let (s, v) = app
        .post_json("/v1/viewer-tokens", &acme.read, &json!({}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let token = v["token"].as_str().unwrap().to_string();
    let (s, _) = app.get_json("/v1/events", &token).await;
    assert_eq!(s, StatusCode::OK, "the read key's third read");
    let (s, v) = app.get_json("/v1/events", &acme.read).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    let (s, v) = app.get_json("/v1/events", &token).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert_eq!(error_code(&v), "rate_limited");
    // the write key's exhausted ingest budget is not its read budget (it answers 403,
    // not 429), and another org's reads go on
    let (s, _) = app.get_json("/v1/events", &acme.write).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.get_json("/v1/events", &globex.read).await;
    assert_eq!(s, StatusCode::OK);

    // the budget refills: 1 request a second
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        ingest_status(&app, &acme.write, 4).await.0,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_stalled_request_times_out_with_the_json_error() {
    let Some(app) = spawn_app_configured(|c| c.request_timeout = Duration::from_secs(1)).await
    else {
        return;
    };
    let acme = app.org("acme").await;
    let mut conn = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"action\":",
        acme.write
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    // ... and nothing more: the server gives up after 1 s
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        let mut buf = [0u8; 4096];
        loop {
            let n = conn.read(&mut buf).await.unwrap();
            out.extend_from_slice(&buf[..n]);
            if n == 0 || out.windows(4).any(|w| w == b"\r\n\r\n") && out.ends_with(b"}") {
                break;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "no answer within 10 s");
    let text = String::from_utf8_lossy(&out);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(error_code(&v), "timeout", "{v}");
    // nothing was stored
    let (_, v) = app
        .get_json(&format!("/v1/events?{}", &CLIENTS[1..]), &acme.read)
        .await;
    assert_eq!(v["events"], json!([]));
}
