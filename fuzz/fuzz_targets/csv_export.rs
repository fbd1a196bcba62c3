//! The CSV export writer: stored events with arbitrary text in every free-text member
//! become rows that the `csv` crate reads back as exactly one record of 21 fields each,
//! with the text recovered by removing one leading `'` (formula neutralization). Arbitrary
//! bodies never panic.
#![no_main]

use auditlog::model::Catalog;
use auditlog::service::export::{neutralize, write_csv_rows};
use jiff::tz::TimeZone;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let tz = if data.first().is_some_and(|b| b & 1 == 1) {
        TimeZone::get("America/New_York").unwrap_or(TimeZone::UTC)
    } else {
        TimeZone::UTC
    };
    // arbitrary bodies: errors, never panics
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = write_csv_rows(&mut w, &[text.to_string()], Catalog::builtin(), &tz);

    // well-formed bodies with the input's pieces as text
    let parts: Vec<&str> = text.split('\u{1f}').collect();
    let part = |i: usize| parts.get(i).copied().unwrap_or("x");
    let body = json!({
        "action": "rule.updated", "category": "configuration", "id": part(0), "seq": 3,
        "occurred_at": "2026-11-20T09:15:00.000000Z", "recorded_at": "2026-11-20T09:15:01.000000Z",
        "entity": {"type": "rule", "id": part(1), "name": part(2)},
        "actor": {"type": "user", "id": part(3), "name": part(4), "email": part(5)},
        "via": {"type": "macro", "id": part(6), "name": part(7)},
        "changes": [{"field": part(8), "old": part(9), "new": null}],
        "context": {"ip": part(10), "user_agent": part(11)},
        "hash": part(12), "org": "acme", "prev_hash": "00", "metadata": {}, "related": [],
    })
    .to_string();
    let mut w = csv::Writer::from_writer(Vec::new());
    write_csv_rows(&mut w, &[body.clone(), body], Catalog::builtin(), &tz)
        .expect("a well-formed body renders");
    let bytes = w.into_inner().expect("flush");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[..]);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("parses back")).collect();
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!(row.len(), 21);
        // entity_name, column 4: neutralized, and recoverable
        assert_eq!(&row[4], neutralize(part(2)).as_ref());
        let back = row[4].strip_prefix('\'').unwrap_or(&row[4]);
        assert_eq!(back, part(2));
        for cell in row.iter() {
            assert!(!matches!(
                cell.as_bytes().first(),
                Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
            ));
        }
    }
});
