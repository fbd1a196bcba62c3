//! `auditlog emit` and `auditlog query`: talk to a running server over HTTP.

use std::io::{Read, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use serde_json::{Value, json};

use crate::model::event::StoredEventView;

#[derive(Debug, Clone, Args)]
pub struct Remote {
    /// Base URL of the running server, as `auditlog serve` prints it.
    #[arg(long, env = "AUDITLOG_URL", default_value = crate::config::URL)]
    pub url: String,
    /// API key secret (`alk_...`, from `auditlog org create` or `auditlog key create`): a
    /// write key for emit, a read key for query and export; an admin key does both.
    #[arg(long, env = "AUDITLOG_KEY", hide_env_values = true)]
    pub key: String,
}

#[derive(Debug, Args)]
pub struct EmitArgs {
    #[command(flatten)]
    pub remote: Remote,
    /// The whole request body as JSON, as POST /v1/events takes it: one event, an array of
    /// them or {"events": [...]}; `-` reads it from stdin. The other event flags are then
    /// ignored.
    #[arg(long)]
    pub json: Option<String>,
    /// What happened: a catalog action `<entity type>.<verb>`, e.g. rule.updated (see GET
    /// /v1/catalog); its entity type is the part before the dot. Required unless --json.
    #[arg(long, required_unless_present = "json")]
    pub action: Option<String>,
    /// Id of the thing acted on (the rule, ticket, user...), e.g. r_9. Required unless
    /// --json.
    #[arg(long, required_unless_present = "json")]
    pub entity_id: Option<String>,
    /// Its display name, e.g. "Route VIP customers".
    #[arg(long)]
    pub entity_name: Option<String>,
    /// The acting user's id, e.g. u_1; required unless --system.
    #[arg(long)]
    pub actor_id: Option<String>,
    /// The acting user's display name, e.g. "Ana Lima".
    #[arg(long)]
    pub actor_name: Option<String>,
    /// The acting user's email address.
    #[arg(long)]
    pub actor_email: Option<String>,
    /// The actor is the system (an automation), not a person; --actor-id is then optional.
    #[arg(long)]
    pub system: bool,
    /// What the action went through: rule, macro, integration or api.
    #[arg(long)]
    pub via_type: Option<String>,
    /// Id of that rule, macro or integration (needs --via-type).
    #[arg(long, requires = "via_type")]
    pub via_id: Option<String>,
    /// Its display name, e.g. Auto-close (needs --via-type).
    #[arg(long, requires = "via_type")]
    pub via_name: Option<String>,
    /// When it happened: RFC 3339 with offset, e.g. 2026-11-20T10:00:00Z (default: now; at
    /// most 5 minutes ahead).
    #[arg(long)]
    pub occurred_at: Option<String>,
    /// The event's id, 1 to 128 of A-Z a-z 0-9 . _ : - (default: a new evt_... id). Sending
    /// an id again stores nothing new: a retry is safe.
    #[arg(long)]
    pub id: Option<String>,
    /// What changed, as a JSON array: [{"field":"name","old":"A","new":"B"}] (omit old for
    /// a creation, new for a deletion).
    #[arg(long)]
    pub changes: Option<String>,
}

fn put(obj: &mut serde_json::Map<String, Value>, k: &str, v: &Option<String>) {
    if let Some(v) = v {
        obj.insert(k.into(), json!(v));
    }
}

fn event_from_flags(a: &EmitArgs) -> anyhow::Result<Value> {
    let action = a.action.clone().unwrap_or_default();
    let entity_type = action.split('.').next().unwrap_or("").to_string();
    let mut entity = serde_json::Map::new();
    entity.insert("type".into(), json!(entity_type));
    put(&mut entity, "id", &a.entity_id);
    put(&mut entity, "name", &a.entity_name);
    let mut actor = serde_json::Map::new();
    actor.insert(
        "type".into(),
        json!(if a.system { "system" } else { "user" }),
    );
    put(&mut actor, "id", &a.actor_id);
    put(&mut actor, "name", &a.actor_name);
    put(&mut actor, "email", &a.actor_email);
    let mut ev = serde_json::Map::new();
    ev.insert("action".into(), json!(action));
    ev.insert("entity".into(), Value::Object(entity));
    ev.insert("actor".into(), Value::Object(actor));
    put(&mut ev, "id", &a.id);
    put(&mut ev, "occurred_at", &a.occurred_at);
    if let Some(t) = &a.via_type {
        let mut via = serde_json::Map::new();
        via.insert("type".into(), json!(t));
        put(&mut via, "id", &a.via_id);
        put(&mut via, "name", &a.via_name);
        ev.insert("via".into(), Value::Object(via));
    }
    if let Some(c) = &a.changes {
        let v: Value = serde_json::from_str(c).context("--changes is not valid JSON")?;
        ev.insert("changes".into(), v);
    }
    Ok(Value::Object(ev))
}

async fn check(resp: reqwest::Response) -> anyhow::Result<Value> {
    let status = resp.status();
    let text = resp.text().await.context("reading the response")?;
    let v: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    if !status.is_success() {
        let msg = v["error"]["message"].as_str().unwrap_or("").to_string();
        let details = &v["error"]["details"];
        if details.is_null() {
            bail!("server answered {status}: {msg}");
        }
        bail!(
            "server answered {status}: {msg}\n{}",
            serde_json::to_string_pretty(details)?
        );
    }
    Ok(v)
}

pub async fn emit(a: EmitArgs, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let body = match &a.json {
        Some(s) if s == "-" => {
            let mut buf = String::new();
            std::io::stdin().read_to_string(&mut buf)?;
            buf
        }
        Some(s) => s.clone(),
        None => event_from_flags(&a)?.to_string(),
    };
    let resp = reqwest::Client::new()
        .post(format!("{}/v1/events", a.remote.url.trim_end_matches('/')))
        .bearer_auth(&a.remote.key)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .with_context(|| format!("connecting to {}", a.remote.url))?;
    let v = check(resp).await?;
    for e in v["events"].as_array().into_iter().flatten() {
        let dup = if e["duplicate"] == json!(true) {
            " (duplicate)"
        } else {
            ""
        };
        writeln!(
            out,
            "stored {} as seq {}{dup}",
            e["id"].as_str().unwrap_or("?"),
            e["seq"]
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    #[command(flatten)]
    pub remote: Remote,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Events per page, 1 to 1000 (default: 100).
    #[arg(long)]
    pub limit: Option<u32>,
    /// desc (newest first, the default) or asc (oldest first).
    #[arg(long)]
    pub order: Option<String>,
    /// Go on where an earlier query stopped: the value it printed after `more: --cursor`,
    /// with the same filters and --order.
    #[arg(long)]
    pub cursor: Option<String>,
    /// Fetch up to this many pages (of --limit events each), one after the other.
    #[arg(long, default_value_t = 1)]
    pub pages: u32,
    /// Print JSON instead of a table: each event as the API returns it, one per line.
    #[arg(long)]
    pub json: bool,
}

/// The event filters every read command shares (same names and meaning as the API).
#[derive(Debug, Clone, Args)]
pub struct FilterArgs {
    /// Start of the range, inclusive: an RFC 3339 instant with offset, e.g.
    /// 2026-11-01T09:00:00Z, or a date YYYY-MM-DD (from the start of that day in --tz).
    /// Default: no start.
    #[arg(long)]
    pub from: Option<String>,
    /// End of the range: an RFC 3339 instant with offset is exclusive (events before it);
    /// a date YYYY-MM-DD includes that whole day, through its end in --tz. Default: no end.
    #[arg(long)]
    pub to: Option<String>,
    /// IANA time zone, e.g. Europe/Berlin: where a --from/--to date's day starts and ends,
    /// and the times shown in query's table and in CSV exports (default: UTC).
    #[arg(long)]
    pub tz: Option<String>,
    /// Categories, comma-separated, e.g. configuration,security (see GET /v1/catalog).
    /// Default: all but `access` (the log's record of its own reads); `all` alone: every
    /// category, `access` included (a whole-log export).
    #[arg(long)]
    pub category: Option<String>,
    /// Entity types, comma-separated, e.g. rule,inbox (see GET /v1/catalog).
    #[arg(long)]
    pub entity_type: Option<String>,
    /// Verbs, comma-separated, e.g. created,updated (see GET /v1/catalog).
    #[arg(long)]
    pub verb: Option<String>,
    /// Actions, comma-separated, e.g. ticket.merged,rule.* (`rule.*`: every rule action).
    #[arg(long)]
    pub action: Option<String>,
    /// Ids of the entities acted on, comma-separated, e.g. r_9,t_1 (as the events were sent).
    #[arg(long)]
    pub entity_id: Option<String>,
    /// Ids of the acting users or systems, comma-separated, e.g. u_1,u_2.
    #[arg(long)]
    pub actor_id: Option<String>,
    /// user (people) or system (automations); default both.
    #[arg(long)]
    pub actor_type: Option<String>,
}

impl FilterArgs {
    fn params(&self) -> Vec<(&'static str, String)> {
        let opts = [
            ("from", &self.from),
            ("to", &self.to),
            ("tz", &self.tz),
            ("category", &self.category),
            ("entity_type", &self.entity_type),
            ("verb", &self.verb),
            ("action", &self.action),
            ("entity_id", &self.entity_id),
            ("actor_id", &self.actor_id),
            ("actor_type", &self.actor_type),
        ];
        opts.into_iter()
            .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
            .collect()
    }
}

pub async fn query(a: QueryArgs, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let mut params = a.filters.params();
    if let Some(o) = &a.order {
        params.push(("order", o.clone()));
    }
    if let Some(l) = a.limit {
        params.push(("limit", l.to_string()));
    }
    let tz = match &a.filters.tz {
        Some(name) => {
            jiff::tz::TimeZone::get(name).with_context(|| format!("unknown time zone {name}"))?
        }
        None => jiff::tz::TimeZone::UTC,
    };
    let client = reqwest::Client::new();
    let url = format!("{}/v1/events", a.remote.url.trim_end_matches('/'));
    let mut cursor = a.cursor.clone();
    if !a.json {
        writeln!(
            out,
            "{:<26} {:<14} {:<32} {:<40} PERFORMED BY",
            "OCCURRED AT", "CATEGORY", "ACTION", "ENTITY"
        )?;
    }
    for _ in 0..a.pages.max(1) {
        let mut p = params.clone();
        if let Some(c) = &cursor {
            p.push(("cursor", c.clone()));
        }
        let resp = client
            .get(&url)
            .bearer_auth(&a.remote.key)
            .query(&p)
            .send()
            .await
            .with_context(|| format!("connecting to {}", a.remote.url))?;
        let v = check(resp).await?;
        for e in v["events"].as_array().into_iter().flatten() {
            if a.json {
                writeln!(out, "{e}")?;
                continue;
            }
            let ev: StoredEventView = serde_json::from_value(e.clone())?;
            let when = ev
                .occurred_at
                .parse::<jiff::Timestamp>()
                .map(|t| {
                    t.to_zoned(tz.clone())
                        .strftime("%Y-%m-%d %H:%M:%S %Z")
                        .to_string()
                })
                .unwrap_or(ev.occurred_at.clone());
            let entity = match &ev.entity.name {
                Some(n) => format!("{} ({})", n, ev.entity.id),
                None => ev.entity.id.clone(),
            };
            let mut by = ev.actor.performed_by().to_string();
            if let Some(via) = &ev.via {
                let kind = serde_json::to_value(via.kind)?;
                by.push_str(&format!(
                    " via {} {}",
                    kind.as_str().unwrap_or(""),
                    via.name.as_deref().or(via.id.as_deref()).unwrap_or("")
                ));
            }
            writeln!(
                out,
                "{when:<26} {:<14} {:<32} {entity:<40} {by}",
                ev.category, ev.action
            )?;
        }
        cursor = v["next_cursor"].as_str().map(str::to_string);
        if cursor.is_none() {
            break;
        }
    }
    if let (Some(c), false) = (&cursor, a.json) {
        writeln!(out, "more: --cursor {c}")?;
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub remote: Remote,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// csv (a spreadsheet, times in --tz) or ndjson (one JSON event per line, what
    /// `auditlog verify --file` checks).
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// File to write (default: the name the server suggests, e.g.
    /// auditlog-acme-events-2026-11-01_2026-11-30.csv, in the current directory). It is
    /// written as <file>.part and renamed when complete.
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
}

/// Streams an export to a file: written to `<out>.part` and renamed when complete, so a
/// file with the final name is always whole. A progress bar shows on a terminal.
pub async fn export(a: ExportArgs) -> anyhow::Result<ExitCode> {
    use futures_util::StreamExt;
    use std::io::IsTerminal;
    let mut params = a.filters.params();
    params.push(("format", a.format.clone()));
    let resp = reqwest::Client::new()
        .get(format!(
            "{}/v1/events/export",
            a.remote.url.trim_end_matches('/')
        ))
        .bearer_auth(&a.remote.key)
        .query(&params)
        .send()
        .await
        .with_context(|| format!("connecting to {}", a.remote.url))?;
    if !resp.status().is_success() {
        check(resp).await?;
        bail!("export failed");
    }
    let suggested = resp
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split("filename=\"").nth(1))
        .and_then(|v| v.split('"').next())
        .map(str::to_string)
        .unwrap_or_else(|| format!("auditlog-export.{}", a.format));
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from(&suggested));
    let mut part_name = out.clone().into_os_string();
    part_name.push(".part");
    let part = std::path::PathBuf::from(part_name);
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(&part).with_context(|| format!("creating {}", part.display()))?,
    );
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {msg} {bytes} ({bytes_per_sec}) {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let (mut lines, mut bytes) = (0u64, 0u64);
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.context("the export stream broke off; the partial file was kept as .part")?;
        lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
        bytes += chunk.len() as u64;
        std::io::Write::write_all(&mut file, &chunk)?;
        bar.set_message(format!("{lines} lines"));
        bar.inc(chunk.len() as u64);
    }
    std::io::Write::flush(&mut file)?;
    drop(file);
    std::fs::rename(&part, &out)?;
    bar.finish_and_clear();
    if a.format == "ndjson" {
        eprintln!("wrote {lines} events ({bytes} bytes) to {}", out.display());
    } else {
        eprintln!("wrote {bytes} bytes to {}", out.display());
    }
    Ok(ExitCode::SUCCESS)
}
