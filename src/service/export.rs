//! Export: every event a filter selects, streamed as CSV or NDJSON with constant memory
//! (keyset pages of the listing query, one page in memory at a time), and CSV rendering
//! of reports. Cells a spreadsheet would run as a formula are neutralized (OWASP).

use bytes::Bytes;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::ServiceError;
use super::query::Filters;
use super::report::{Dim, DimValue, Summary};
use crate::model::event::{Actor, Context, EntityRef, Via};
use crate::model::{Catalog, Org};
use crate::store::{EventQuery, Order, Store};

/// Rows per page read from the store while exporting.
pub const EXPORT_PAGE: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Ndjson,
}

impl ExportFormat {
    pub fn parse(s: Option<&str>) -> Result<ExportFormat, ServiceError> {
        match s {
            None | Some("csv") => Ok(ExportFormat::Csv),
            Some("ndjson") | Some("jsonl") => Ok(ExportFormat::Ndjson),
            Some(_) => Err(ServiceError::bad_param(
                "format",
                "format must be csv or ndjson",
            )),
        }
    }

    /// The format's name, as recorded with the read (`access.rs`).
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Ndjson => "ndjson",
        }
    }
}

/// The CSV columns of an event export, in order.
pub const CSV_COLUMNS: &[&str] = &[
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
    "user_agent",
    "recorded_at",
    "event_id",
    "seq",
    "hash",
];

/// Makes a cell safe to open in a spreadsheet: a cell starting with `=`, `+`, `-`, `@`, tab
/// or carriage return gets a leading `'`, so it is shown as text and never evaluated
/// (OWASP "CSV Injection"). A cell that starts with `'` itself gets one more, so the rule
/// is reversible: to recover the original, remove one leading `'` where there is one.
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[derive(Deserialize)]
struct Row<'a> {
    id: String,
    seq: u64,
    occurred_at: String,
    recorded_at: String,
    category: String,
    action: String,
    entity: EntityRef,
    actor: Actor,
    #[serde(default)]
    via: Option<Via>,
    #[serde(borrow)]
    changes: &'a RawValue,
    #[serde(default)]
    context: Context,
    hash: String,
}

fn local_time(rfc3339: &str, tz: &TimeZone, utc: bool) -> String {
    // stored times are UTC with six fractional digits: in UTC only the suffix changes
    if utc && rfc3339.len() == 27 && rfc3339.ends_with('Z') {
        return format!("{}+00:00", &rfc3339[..26]);
    }
    match rfc3339.parse::<Timestamp>() {
        Ok(t) => t
            .to_zoned(tz.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%.6f%:z")
            .to_string(),
        Err(_) => rfc3339.to_string(),
    }
}

fn csv_error(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(format!("writing CSV: {e}"))
}

/// Renders stored bodies as CSV records (no header) into `w`.
pub fn write_csv_rows<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    bodies: &[String],
    catalog: &Catalog,
    tz: &TimeZone,
) -> Result<(), ServiceError> {
    let utc = crate::model::time::is_utc(tz);
    for body in bodies {
        let r: Row<'_> = serde_json::from_str(body)
            .map_err(|e| ServiceError::Internal(format!("stored event unreadable: {e}")))?;
        let verb = catalog
            .action(&r.action)
            .map(|a| a.verb.as_str())
            .unwrap_or_else(|| r.action.split_once('.').map_or("", |(_, v)| v));
        let via_type = r.via.as_ref().map(|v| v.kind.as_str()).unwrap_or("");
        let record: [&str; 21] = [
            &local_time(&r.occurred_at, tz, utc),
            &r.category,
            &r.entity.kind,
            &r.entity.id,
            r.entity.name.as_deref().unwrap_or(""),
            &r.action,
            verb,
            r.actor.performed_by(),
            r.actor.kind.as_str(),
            r.actor.id.as_deref().unwrap_or(""),
            r.actor.email.as_deref().unwrap_or(""),
            via_type,
            r.via.as_ref().and_then(|v| v.id.as_deref()).unwrap_or(""),
            r.via.as_ref().and_then(|v| v.name.as_deref()).unwrap_or(""),
            r.changes.get(),
            r.context.ip.as_deref().unwrap_or(""),
            r.context.user_agent.as_deref().unwrap_or(""),
            &local_time(&r.recorded_at, tz, utc),
            &r.id,
            &r.seq.to_string(),
            &r.hash,
        ];
        for cell in record {
            w.write_field(neutralize(cell).as_bytes())
                .map_err(csv_error)?;
        }
        w.write_record(None::<&[u8]>).map_err(csv_error)?;
    }
    Ok(())
}

pub fn csv_header() -> Result<Bytes, ServiceError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_COLUMNS).map_err(csv_error)?;
    w.into_inner().map(Bytes::from).map_err(csv_error)
}

/// Streams every selected event, oldest first, as chunks of bytes through `tx`. Stops
/// early when the receiver goes away (the client disconnected).
pub async fn run_export(
    store: std::sync::Arc<dyn Store>,
    catalog: std::sync::Arc<Catalog>,
    org: Org,
    f: Filters,
    format: ExportFormat,
    tx: tokio::sync::mpsc::Sender<Result<Bytes, ServiceError>>,
) {
    if format == ExportFormat::Csv {
        let header = csv_header();
        if tx.send(header).await.is_err() {
            return;
        }
    }
    if f.is_empty_selection() {
        return;
    }
    let mut q = EventQuery {
        from: f.from,
        to: f.to,
        actions: f.actions.clone(),
        entity_ids: f.entity_ids.clone(),
        actor_ids: f.actor_ids.clone(),
        actor_types: f.actor_types.clone(),
        order: Order::Asc,
        after: None,
        limit: EXPORT_PAGE,
    };
    // Read page n+1 while page n is being formatted: the database and the formatter each
    // keep one core busy.
    let mut rows = match store.query(&org, &q).await {
        Ok(rows) => rows,
        Err(e) => {
            let _ = tx.send(Err(e.into())).await;
            return;
        }
    };
    loop {
        let Some(last) = rows.last() else { return };
        q.after = Some((last.occurred_at, last.seq));
        let done = rows.len() < EXPORT_PAGE;
        let bodies: Vec<String> = rows.into_iter().map(|r| r.body).collect();
        let format_page = format_chunk(bodies, format, catalog.clone(), f.tz.clone());
        let (chunk, next) = if done {
            (format_page.await, Ok(Vec::new()))
        } else {
            tokio::join!(format_page, store.query(&org, &q))
        };
        let failed = chunk.is_err();
        if tx.send(chunk).await.is_err() || failed || done {
            return;
        }
        let next = (|| {
            fail::fail_point!("export::next_page", |_| Err(
                crate::store::StoreError::Unavailable("injected failure in an export".into())
            ));
            next
        })();
        rows = match next {
            Ok(rows) => rows,
            Err(e) => {
                let _ = tx.send(Err(e.into())).await;
                return;
            }
        };
    }
}

async fn format_chunk(
    bodies: Vec<String>,
    format: ExportFormat,
    catalog: std::sync::Arc<Catalog>,
    tz: TimeZone,
) -> Result<Bytes, ServiceError> {
    match format {
        ExportFormat::Ndjson => {
            let mut out = Vec::with_capacity(bodies.iter().map(|b| b.len() + 1).sum());
            for b in &bodies {
                out.extend_from_slice(b.as_bytes());
                out.push(b'\n');
            }
            Ok(Bytes::from(out))
        }
        ExportFormat::Csv => tokio::task::spawn_blocking(move || {
            let mut w = csv::Writer::from_writer(Vec::with_capacity(bodies.len() * 600));
            write_csv_rows(&mut w, &bodies, &catalog, &tz)?;
            w.into_inner().map(Bytes::from).map_err(csv_error)
        })
        .await
        .unwrap_or_else(|e| Err(ServiceError::Internal(e.to_string()))),
    }
}

/// A summary as CSV: one column per dimension (the actor as performed_by, actor_type,
/// actor_id), then count.
pub fn summary_csv(s: &Summary) -> Result<Bytes, ServiceError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = Vec::new();
    for d in &s.group_by {
        match d.name() {
            "actor" => header.extend(["performed_by", "actor_type", "actor_id"]),
            n => header.push(n),
        }
    }
    header.push("count");
    w.write_record(&header).map_err(csv_error)?;
    if s.group_by.is_empty() {
        w.write_record([s.total.to_string()]).map_err(csv_error)?;
    }
    for g in &s.groups {
        let mut rec: Vec<String> = Vec::new();
        for (d, v) in &g.key {
            match (d, v) {
                (Dim::Actor, DimValue::Actor(a)) => rec.extend([
                    a.name.clone(),
                    a.kind.clone(),
                    a.id.clone().unwrap_or_default(),
                ]),
                // a count row without an actor: its three columns empty
                (Dim::Actor, _) => rec.extend([String::new(), String::new(), String::new()]),
                (_, DimValue::Text(t)) => rec.push(t.clone()),
                (_, _) => rec.push(String::new()),
            }
        }
        rec.push(g.count.to_string());
        w.write_record(rec.iter().map(|c| neutralize(c).into_owned()))
            .map_err(csv_error)?;
    }
    w.into_inner().map(Bytes::from).map_err(csv_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formula_cells_are_neutralized() {
        for (cell, out) in [
            ("=1+2", "'=1+2"),
            ("+SUM(A1)", "'+SUM(A1)"),
            ("-2", "'-2"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("Ana Lima", "Ana Lima"),
            ("a=b", "a=b"),
            ("'quoted", "''quoted"),
            ("", ""),
        ] {
            assert_eq!(neutralize(cell), out);
        }
    }

    proptest! {
        #[test]
        fn csv_round_trips_any_text(cells in prop::collection::vec("\\PC{0,12}|[=+@,\"\\n '-]{0,6}", 1..8)) {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(cells.iter().map(|c| neutralize(c).into_owned())).unwrap();
            let bytes = w.into_inner().unwrap();
            let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(&bytes[..]);
            let rec = r.records().next().unwrap().unwrap();
            // undo the documented neutralization: one leading quote
            let back: Vec<String> = rec.iter().map(|c| c.strip_prefix('\'').unwrap_or(c).to_string()).collect();
            prop_assert_eq!(back, cells);
        }
    }
}
