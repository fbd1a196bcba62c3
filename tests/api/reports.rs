//! Reports over HTTP: Event Counts checked against counts computed from the events
//! themselves (a property test over random filters, time zones and ranges), the histogram
//! across DST changes, and every export format.

use std::collections::BTreeMap;
use std::io::Read;

use auditlog::model::Catalog;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const ZONES: &[&str] = &[
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Australia/Adelaide",
];
const USERS: &[(&str, &str)] = &[
    ("u_1", "Ana Lima"),
    ("u_2", "Zoë O'Brien, Jr."),
    ("u_3", "=HYPERLINK(\"x\")"),
    ("u_4", "Sam 🚀"),
];
// 2026-02-20T00:00:00Z: the data spans both 2026 DST changes in New York and Berlin
const T0: i64 = 1_771_545_600_000_000;
const SPAN: i64 = 60 * 86_400_000_000;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn fmt(us: i64) -> String {
    auditlog::model::time::format_micros(us)
}

/// Events over 60 days at random minutes: actions from the whole catalog, users and
/// automations.
fn dataset(n: usize) -> Vec<Value> {
    let catalog = Catalog::builtin();
    // the log's own actions (reads, purges) are recorded by the service itself, never sent
    // by clients
    let actions: Vec<_> = catalog.actions().filter(|a| !a.service_only()).collect();
    let mut rng = Rng(7);
    (0..n)
        .map(|i| {
            let a = actions[rng.below(actions.len() as u64) as usize];
            let t = T0 + rng.below(SPAN as u64) as i64;
            let mut e = json!({
                "action": a.name,
                "occurred_at": fmt(t),
                "entity": {"type": a.entity_type, "id": format!("{}_{}", a.entity_type, rng.below(20)), "name": format!("#{i}")},
            });
            if rng.below(3) == 0 {
                e["actor"] = json!({"type": "system"});
                let via = ["rule", "macro", "integration", "api"][rng.below(4) as usize];
                if rng.below(4) != 0 {
                    e["via"] = json!({"type": via, "id": "auto_1"});
                }
            } else {
                let (id, name) = USERS[rng.below(USERS.len() as u64) as usize];
                e["actor"] = json!({"type": "user", "id": id, "name": name});
                if rng.below(5) == 0 {
                    e["via"] = json!({"type": "macro", "id": "m_1", "name": "Close as spam"});
                }
            }
            e
        })
        .collect()
}

async fn seeded_app(n: usize) -> Option<(TestApp, OrgKeys, Vec<Value>)> {
    let app = spawn_app().await?;
    let acme = app.org("acme").await;
    for chunk in dataset(n).chunks(500) {
        let (s, v) = app.ingest(&acme.write, chunk.to_vec()).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    // with the org's own records (org and keys created), which reports count like any event
    let events = app.all_events(&acme.read, "").await;
    assert_eq!(events.len(), n + SETUP as usize);
    Some((app, acme, events))
}

#[derive(Debug, Clone)]
struct Case {
    tz: &'static str,
    from: Option<(i64, bool)>, // (time, as a date in tz)
    to: Option<(i64, bool)>,
    filter: Option<(&'static str, String)>,
    group_by: Vec<&'static str>,
}

fn case_strategy() -> impl Strategy<Value = Case> {
    let bound = prop::option::of((0..SPAN, any::<bool>()));
    let filter = prop::option::of(prop::sample::select(vec![
        ("category", "configuration".to_string()),
        ("category", "activity,security".to_string()),
        ("entity_type", "ticket".to_string()),
        ("verb", "created,updated".to_string()),
        ("action", "ticket.*".to_string()),
        ("actor_type", "system".to_string()),
        ("actor_id", "u_2,u_3".to_string()),
        ("entity_id", "ticket_3,user_7".to_string()),
    ]));
    let dims = prop::sample::subsequence(
        vec![
            "category",
            "entity_type",
            "action",
            "verb",
            "actor",
            "via_type",
        ],
        0..3,
    );
    let time = prop::option::of(prop::sample::select(vec!["hour", "day", "week", "month"]));
    (
        prop::sample::select(ZONES),
        bound.clone(),
        bound,
        filter,
        dims,
        time,
    )
        .prop_map(|(tz, a, b, filter, mut dims, time)| {
            let (from, to) = match (a, b) {
                (Some(x), Some(y)) if x.0 > y.0 => (Some(y), Some(x)),
                other => other,
            };
            let (from, to) = (from.map(|(t, d)| (T0 + t, d)), to.map(|(t, d)| (T0 + t, d)));
            dims.extend(time);
            Case {
                tz,
                from,
                to,
                filter,
                group_by: dims,
            }
        })
}

/// The oracle: what the summary must say, computed from the events alone.
fn expected(events: &[Value], c: &Case) -> (BTreeMap<String, u64>, u64) {
    let catalog = Catalog::builtin();
    let tz = TimeZone::get(c.tz).unwrap();
    let start_of_day = |t: i64| {
        Timestamp::from_microsecond(t)
            .unwrap()
            .to_zoned(tz.clone())
            .start_of_day()
            .unwrap()
    };
    let from = c.from.map(|(t, date)| {
        if date {
            start_of_day(t).timestamp().as_microsecond()
        } else {
            t
        }
    });
    let to = c.to.map(|(t, date)| {
        if date {
            start_of_day(t)
                .date()
                .tomorrow()
                .unwrap()
                .to_zoned(tz.clone())
                .unwrap()
                .timestamp()
                .as_microsecond()
        } else {
            t
        }
    });
    let mut out = BTreeMap::new();
    let mut total = 0;
    for e in events {
        let t = Timestamp::from_microsecond(
            auditlog::model::time::parse_rfc3339_micros(e["occurred_at"].as_str().unwrap())
                .unwrap(),
        )
        .unwrap();
        let us = t.as_microsecond();
        if from.is_some_and(|f| us < f) || to.is_some_and(|x| us >= x) {
            continue;
        }
        let action = e["action"].as_str().unwrap();
        let a = catalog.action(action).unwrap();
        let keep = match &c.filter {
            None => true,
            Some((k, v)) => {
                let vals: Vec<&str> = v.split(',').collect();
                match *k {
                    "category" => vals.contains(&a.category.as_str()),
                    "entity_type" => vals.contains(&a.entity_type.as_str()),
                    "verb" => vals.contains(&a.verb.as_str()),
                    "action" => action.starts_with("ticket."),
                    "actor_type" => vals.contains(&e["actor"]["type"].as_str().unwrap()),
                    "actor_id" => e["actor"]["id"]
                        .as_str()
                        .is_some_and(|id| vals.contains(&id)),
                    "entity_id" => vals.contains(&e["entity"]["id"].as_str().unwrap()),
                    _ => unreachable!(),
                }
            }
        };
        if !keep {
            continue;
        }
        total += 1;
        let z = t.to_zoned(tz.clone());
        let mut key = serde_json::Map::new();
        for d in &c.group_by {
            let v = match *d {
                "category" => json!(a.category),
                "entity_type" => json!(a.entity_type),
                "action" => json!(action),
                "verb" => json!(a.verb),
                "actor" => match e["actor"]["type"].as_str().unwrap() {
                    "system" => json!({"type": "system", "id": null, "name": "System"}),
                    _ => {
                        json!({"type": "user", "id": e["actor"]["id"], "name": e["actor"]["name"]})
                    }
                },
                "via_type" => e["via"]["type"].clone(),
                "hour" => json!(
                    z.with()
                        .minute(0)
                        .second(0)
                        .subsec_nanosecond(0)
                        .build()
                        .unwrap()
                        .strftime("%Y-%m-%dT%H:%M:%S%:z")
                        .to_string()
                ),
                "day" => json!(z.date().to_string()),
                "week" => json!(
                    z.date()
                        .checked_sub((z.weekday().to_monday_zero_offset() as i64).days())
                        .unwrap()
                        .to_string()
                ),
                "month" => json!(z.strftime("%Y-%m").to_string()),
                _ => unreachable!(),
            };
            key.insert(d.to_string(), v);
        }
        if !c.group_by.is_empty() {
            *out.entry(Value::Object(key).to_string()).or_default() += 1;
        }
    }
    (out, total)
}

fn query_string(c: &Case) -> String {
    let tz = TimeZone::get(c.tz).unwrap();
    let bound = |(t, date): (i64, bool)| {
        if date {
            Timestamp::from_microsecond(t)
                .unwrap()
                .to_zoned(tz.clone())
                .date()
                .to_string()
        } else {
            fmt(t)
        }
    };
    let mut q = format!("tz={}&limit=10000", c.tz);
    if !c.group_by.is_empty() {
        q.push_str(&format!("&group_by={}", c.group_by.join(",")));
    }
    if let Some(f) = c.from {
        q.push_str(&format!("&from={}", bound(f)));
    }
    if let Some(t) = c.to {
        q.push_str(&format!("&to={}", bound(t)));
    }
    if let Some((k, v)) = &c.filter {
        q.push_str(&format!("&{k}={v}"));
    }
    q
}

#[test]
fn summaries_equal_counts_computed_from_the_events() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some((app, acme, events)) = rt.block_on(seeded_app(3000)) else {
        return;
    };
    let mut runner = TestRunner::new(Config {
        cases: 120,
        ..Config::default()
    });
    runner
        .run(&case_strategy(), |c| {
            let q = query_string(&c);
            let (exp, exp_total) = expected(&events, &c);
            if c.from
                .zip(c.to)
                .is_some_and(|(f, t)| f.0 >= t.0 && !(f.1 || t.1))
            {
                return Ok(()); // from == to is a 400, tested elsewhere
            }
            let (s, v) = rt.block_on(app.get_json(&format!("/v1/events/summary?{q}"), &acme.read));
            if s == StatusCode::BAD_REQUEST && v["error"]["details"]["parameter"] == "from" {
                return Ok(()); // dates collapsed into an empty or inverted range
            }
            prop_assert_eq!(s, StatusCode::OK, "{} {}", q, v);
            prop_assert_eq!(v["total"].as_u64().unwrap(), exp_total, "total for {}", q);
            let mut got = BTreeMap::new();
            for g in v["groups"].as_array().unwrap() {
                let mut g = g.as_object().unwrap().clone();
                let n = g.remove("count").unwrap().as_u64().unwrap();
                got.insert(Value::Object(g).to_string(), n);
            }
            prop_assert_eq!(got, exp, "groups for {}", q);
            Ok(())
        })
        .unwrap();
}

#[tokio::test]
async fn histogram_zero_fills_and_follows_dst() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    // one event a day at 12:00 UTC around the 2026 New York spring-forward (March 8),
    // skipping March 10
    let events: Vec<Value> = (5..12)
        .filter(|d| *d != 10)
        .map(|d| {
            let mut e = event(
                if d % 2 == 0 {
                    "rule.updated"
                } else {
                    "rule.created"
                },
                d,
            );
            e["occurred_at"] = json!(format!("2026-03-{d:02}T12:00:00Z"));
            e
        })
        .collect();
    app.ingest(&acme.write, events).await;
    let (s, v) = app
        .get_json("/v1/events/histogram?interval=day&tz=America/New_York&from=2026-03-06&to=2026-03-11&stack=verb", &acme.read)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let buckets = v["buckets"].as_array().unwrap();
    let starts: Vec<&str> = buckets
        .iter()
        .map(|b| b["start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-03-06T00:00:00-05:00",
            "2026-03-07T00:00:00-05:00",
            "2026-03-08T00:00:00-05:00",
            "2026-03-09T00:00:00-04:00",
            "2026-03-10T00:00:00-04:00",
            "2026-03-11T00:00:00-04:00",
        ]
    );
    let totals: Vec<u64> = buckets
        .iter()
        .map(|b| b["total"].as_u64().unwrap())
        .collect();
    assert_eq!(totals, [1, 1, 1, 1, 0, 1]);
    assert_eq!(buckets[2]["counts"], json!({"updated": 1}));
    assert_eq!(buckets[4]["counts"], json!({}));
    assert_eq!(v["keys"], json!(["created", "updated"]));

    // hours in Berlin across the autumn change: 2026-10-25 has 25 hours
    let (_, v) = app
        .get_json(
            "/v1/events/histogram?interval=hour&tz=Europe/Berlin&from=2026-10-25&to=2026-10-25",
            &acme.read,
        )
        .await;
    assert_eq!(v["buckets"].as_array().unwrap().len(), 25, "{v}");
    // Lord Howe moves its clocks by 30 minutes: hour buckets follow local hours
    let mut lh = Vec::new();
    for (i, t) in [
        "2026-10-03T14:45:00Z",
        "2026-10-03T16:15:00Z",
        "2026-10-03T17:05:00Z",
    ]
    .iter()
    .enumerate()
    {
        let mut e = event("macro.created", 100 + i);
        e["occurred_at"] = json!(t);
        lh.push(e);
    }
    app.ingest(&acme.write, lh).await;
    let (_, v) = app
        .get_json("/v1/events/histogram?interval=hour&tz=Australia/Lord_Howe&from=2026-10-04T00:00:00%2B10:30&to=2026-10-04T05:00:00%2B11:00", &acme.read)
        .await;
    let sum: u64 = v["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["total"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, 3, "every event lands in a bucket: {v}");
    assert_eq!(v["total"], 3);
    // weeks start on Monday, months on the 1st, both in the zone
    let (_, v) = app
        .get_json(
            "/v1/events/histogram?interval=week&tz=America/New_York&from=2026-03-01&to=2026-03-15",
            &acme.read,
        )
        .await;
    let labels: Vec<&str> = v["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["2026-02-23", "2026-03-02", "2026-03-09"]);
    assert_eq!(v["total"], 6);
    let (_, v) = app
        .get_json(
            "/v1/events/histogram?interval=month&tz=Europe/Berlin&from=2026-01-15&to=2026-03-31",
            &acme.read,
        )
        .await;
    let months: Vec<(String, u64)> = v["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["label"].as_str().unwrap().to_string(),
                b["total"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        months,
        [
            ("2026-01".to_string(), 0),
            ("2026-02".to_string(), 0),
            ("2026-03".to_string(), 6)
        ]
    );
    for (q, p) in [
        ("interval=fortnight", "interval"),
        ("stack=actor", "stack"),
        ("interval=hour&from=2000-01-01", "interval"),
    ] {
        let (s, v) = app
            .get_json(&format!("/v1/events/histogram?{q}"), &acme.read)
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(v["error"]["details"]["parameter"], p, "{q}: {v}");
    }
}

#[tokio::test]
async fn summary_groups_system_actors_and_rejects_bad_group_by() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let mut a = event("ticket.closed", 1);
    a["actor"] = json!({"type": "system", "id": "sys_1"});
    a["via"] = json!({"type": "rule", "id": "r_1"});
    let mut b = event("ticket.closed", 2);
    b["actor"] = json!({"type": "system"});
    b["via"] = json!({"type": "macro", "id": "m_1"});
    app.ingest(&acme.write, vec![a, b, event("ticket.closed", 4)])
        .await;
    let (_, v) = app
        .get_json("/v1/events/summary?group_by=actor", &acme.read)
        .await;
    assert_eq!(
        v["groups"][0],
        // the two events, and the org's 4 records (their actors are credentials: system)
        json!({"actor": {"type": "system", "id": null, "name": "System"}, "count": 2 + SETUP})
    );
    assert_eq!(v["groups"][1]["actor"]["name"], "Agent 1");
    let (_, v) = app
        .get_json("/v1/events/summary?group_by=actor,via_type", &acme.read)
        .await;
    // the records' actors have no via: a group of their own
    assert_eq!(v["groups"].as_array().unwrap().len(), 4, "{v}");
    let (_, v) = app.get_json("/v1/events/summary", &acme.read).await;
    assert_eq!(v["total"], 3 + SETUP);
    assert_eq!(v["groups"], json!([]), "no group_by: only the total");
    let (_, v) = app
        .get_json(
            "/v1/events/summary?group_by=verb&limit=1&category=activity",
            &acme.read,
        )
        .await;
    assert_eq!(v["truncated"], false);
    // a summary CSV without group_by is the total; total and truncation ride in headers
    let r = app
        .get(
            "/v1/events/summary?format=csv&category=activity",
            &acme.read,
        )
        .await;
    assert_eq!(r.headers()["x-auditlog-total"], "3");
    assert_eq!(r.headers()["x-auditlog-truncated"], "false");
    assert_eq!(r.text().await.unwrap(), "count\n3\n");
    // "Performed By" is the name of the actor's latest event by occurred_at, even when an
    // older event arrives later
    let mut old = event("ticket.closed", 10);
    old["actor"] = json!({"type": "user", "id": "u_1", "email": "old@acme.test"});
    old["occurred_at"] = json!("2020-01-01T00:00:00Z");
    let (s, _) = app.ingest(&acme.write, vec![old]).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, v) = app
        .get_json("/v1/events/summary?group_by=actor&actor_id=u_1", &acme.read)
        .await;
    assert_eq!(v["groups"][0]["actor"]["name"], "Agent 1", "{v}");
    for q in [
        "group_by=colour",
        "group_by=day,hour",
        "group_by=verb,verb",
        "limit=0",
        "format=xml",
    ] {
        let (s, v) = app
            .get_json(&format!("/v1/events/summary?{q}"), &acme.read)
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{q}: {v}");
    }
    let (s, _) = app.get_json("/v1/events/summary", &acme.write).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

fn python_csv(csv_text: &str) -> Vec<BTreeMap<String, String>> {
    let mut child = std::process::Command::new("python3")
        .args([
            "-c",
            "import csv, json, sys; print(json.dumps(list(csv.DictReader(sys.stdin))))",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs (the CSV check uses Python's csv module as an independent reader)");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(csv_text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn csv_export_survives_a_real_csv_reader_and_runs_no_formula() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let names = [
        "Refund, \"urgent\"",
        "line one\nline two",
        "emoji 🚀 ✓ Zoë",
        "=HYPERLINK(\"http://evil.test\",\"click\")",
        "+1 555 0100",
        "-2+3",
        "@SUM(A1:A9)",
        "'already quoted",
        "<script>alert(1)</script>",
    ];
    let events: Vec<Value> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let mut e = event("macro.updated", i);
            e["entity"]["name"] = json!(n);
            e["occurred_at"] = json!(format!("2026-07-01T10:00:0{i}Z"));
            e
        })
        .collect();
    let (s, v) = app.ingest(&acme.write, events).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let r = app
        .get(
            "/v1/events/export?format=csv&tz=Europe/Berlin&from=2026-07-01&to=2026-07-31",
            &acme.read,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"auditlog-acme-events-2026-07-01_2026-07-31.csv\""
    );
    let text = r.text().await.unwrap();
    let rows = python_csv(&text);
    assert_eq!(rows.len(), names.len());
    for (row, name) in rows.iter().zip(names) {
        let cell = &row["entity_name"];
        // no cell starts with a formula character: a spreadsheet shows it as text
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{cell:?}"
        );
        // and removing the one documented leading quote gives back exactly what was typed
        let original = cell.strip_prefix('\'').unwrap_or(cell);
        assert_eq!(original, name);
        assert!(
            row["occurred_at"].ends_with("+02:00"),
            "{}",
            row["occurred_at"]
        );
        assert_eq!(
            row["performed_by"],
            "Agent ".to_string() + &row["actor_id"][2..]
        );
        assert_eq!(row["verb"], "updated");
    }
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    for col in [
        "occurred_at",
        "category",
        "entity_type",
        "entity_id",
        "entity_name",
        "action",
        "verb",
        "performed_by",
        "actor_type",
        "actor_id",
        "actor_email",
        "via_type",
        "via_id",
        "via_name",
        "changes",
        "ip",
        "event_id",
        "seq",
        "hash",
    ] {
        assert!(header.contains(&col), "{col}");
    }
}

#[tokio::test]
async fn ndjson_export_is_the_stored_events_and_verifies_gzip_included() {
    let Some((app, acme, events)) = seeded_app(2500).await else {
        return;
    };
    // a client that does not decompress by itself, to see the gzip on the wire
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let r = raw
        .get(app.url("/v1/events/export?format=ndjson"))
        .bearer_auth(&acme.read)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let gz = r.bytes().await.unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut text)
        .unwrap();
    let mut lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, events, "same events, same order as the listing");
    lines.sort_by_key(|e| e["seq"].as_u64().unwrap());
    let bodies: Vec<String> = lines.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        auditlog::model::chain::verify_chain(bodies.iter().map(String::as_str)),
        Ok(SETUP + 2500)
    );

    // filtered exports select exactly what the listing selects
    let filtered = app
        .get(
            "/v1/events/export?format=ndjson&category=security&tz=Asia/Kolkata&from=2026-03-01",
            &acme.read,
        )
        .await
        .text()
        .await
        .unwrap();
    let listed = app
        .all_events(
            &acme.read,
            "&category=security&tz=Asia/Kolkata&from=2026-03-01",
        )
        .await;
    assert_eq!(filtered.lines().count(), listed.len());
    assert!(!listed.is_empty());

    // summary as CSV
    let r = app
        .get(
            "/v1/events/summary?group_by=actor,category&format=csv&limit=3",
            &acme.read,
        )
        .await;
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("auditlog-acme-summary-")
    );
    let rows = python_csv(&r.text().await.unwrap());
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[0].keys().collect::<Vec<_>>(),
        [
            "actor_id",
            "actor_type",
            "category",
            "count",
            "performed_by"
        ]
    );

    let (s, v) = app
        .get_json("/v1/events/export?format=xlsx", &acme.read)
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    let (s, _) = app.get_json("/v1/events/export?limit=5", &acme.read).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}
