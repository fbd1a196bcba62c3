//! `custom-ingest`: batched ingest of a platform-defined action whose `metadata` is checked
//! against a JSON Schema, against the same events under a built-in action, in one run on one
//! server (after a warm-up, alternately, twice each); prints the mean rates and their ratio.

use serde_json::{Value, json};

use super::{new_org, run_ingest};
use auditlog::service::Principal;

/// The same event as a built-in `ticket.updated` or as the platform-defined
/// `ticket.bench_reviewed` (on the built-in entity type), with metadata its schema accepts.
fn event(action: &str, n: usize) -> Value {
    json!({
        "action": action,
        "entity": {"type": "ticket", "id": format!("ticket_{}", n % 5000), "name": format!("Ticket #{}", n % 5000)},
        "actor": {"type": "user", "id": format!("u_{}", n % 40), "name": format!("Agent {}", n % 40), "email": format!("agent{}@acme.test", n % 40)},
        "changes": [{"field": "status", "old": "open", "new": "pending"}],
        "context": {"ip": format!("203.0.113.{}", n % 250), "user_agent": "Mozilla/5.0 (X11; Linux x86_64) helpdesk-web/4.2", "request_id": format!("req-{n}")},
        "metadata": {"score": n % 100, "reviewer": format!("u_{}", n % 7), "tags": ["a", "b"], "channel": "email"},
    })
}

fn schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "score": {"type": "integer", "minimum": 0, "maximum": 100},
            "reviewer": {"type": "string", "pattern": "^u_[0-9]+$"},
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 10},
            "channel": {"enum": ["email", "chat", "phone"]}
        },
        "required": ["score", "reviewer"],
        "additionalProperties": false
    })
}

pub async fn run(
    url: &str,
    service: &auditlog::service::Service,
    events: usize,
    clients: usize,
) -> anyhow::Result<()> {
    let body: auditlog::service::catalog_rules::ActionPut = serde_json::from_value(json!({
        "category": "activity",
        "label": "Ticket reviewed (bench)",
        "verb_label": "Reviewed",
        "ocsf": {"class_uid": 3004, "activity_id": 2},
        "metadata_schema": schema(),
        "change_fields": ["status"],
    }))?;
    service
        .put_action(&Principal::Operator, "ticket.bench_reviewed", body)
        .await?;
    let bodies = |action: &str| -> Vec<String> {
        (0..events / 500)
            .map(|b| {
                json!({"events": (0..500).map(|i| event(action, b * 500 + i)).collect::<Vec<_>>()})
                    .to_string()
            })
            .collect()
    };
    // a warm-up run first (the database file and its WAL grow, caches fill), then the two
    // alternately, twice each, every run into an org of its own; the mean rate of each
    let (_, w, _) = new_org(service, "bench-warmup").await?;
    run_ingest(url, &w, bodies("ticket.updated"), clients, 500).await?;
    let mut rates = [0.0f64; 2];
    let actions = ["ticket.updated", "ticket.bench_reviewed"];
    for round in 0..2 {
        for i in [round % 2, 1 - round % 2] {
            let action = actions[i];
            let (_, w, _) = new_org(service, &format!("bench-{i}-{round}")).await?;
            let (rate, mut lat) = run_ingest(url, &w, bodies(action), clients, 500).await?;
            println!(
                "ingest batched {action:<22} ({clients} clients x 500 events, {events} events): {rate:>9.0} events/s   request p50 {:.1} ms  p99 {:.1} ms",
                lat.pct(0.5),
                lat.pct(0.99)
            );
            rates[i] += rate / 2.0;
        }
    }
    println!(
        "mean: built-in {:.0} events/s, platform-defined with a schema {:.0} events/s; ratio {:.3}",
        rates[0],
        rates[1],
        rates[1] / rates[0]
    );
    Ok(())
}
