//! Property tests for the four surfaces the fuzz targets (`fuzz/`) cover, so that CI runs
//! their cheap cousins on every `cargo test`: the ingest body → validate/prepare path,
//! query strings and cursors, the CSV export writer, and the integrity parsers. Arbitrary
//! input never panics, and each surface keeps its key invariant.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use auditlog::api::query::FromQuery;
use auditlog::model::Catalog;
use auditlog::model::checkpoint::{Checkpoint, NoteVerifier, open, sign};
use auditlog::model::merkle::{verify_consistency, verify_inclusion};
use auditlog::service::export::write_csv_rows;
use auditlog::service::integrity::{check_line, cut_from_json};
use auditlog::service::query::{ListPlan, encode_cursor};
use auditlog::service::requests::ListRequest;
use auditlog::service::validate::prepare;
use auditlog::service::{BodyFormat, split_body};
use ed25519_dalek::SigningKey;
use proptest::prelude::*;
use serde_json::{Value, json};

const NOW: i64 = 1_800_000_000_000_000;

/// A listing's query string decoded (as the HTTP layer does) and resolved for org `org_id`;
/// an error where either refuses it.
fn parse_list(catalog: &'static Catalog, org_id: i64, raw: &str) -> Result<ListPlan, String> {
    let req = ListRequest::from_query(raw).map_err(|e| e.message)?;
    auditlog::service::query::parse_list(catalog, org_id, &req).map_err(|e| e.to_string())
}

/// Text that looks like JSON often enough to get past the parser.
fn jsonish() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,60}",
        "[\\[\\]{}\",:0-9a-z. \n\\\\]{0,60}",
        ("[a-z_.]{0,16}", "\\PC{0,12}", "[a-z]{0,8}", "[a-z_]{0,8}",).prop_map(
            |(action, id, et, at)| json!({
                "action": action, "entity": {"type": et, "id": id},
                "actor": {"type": at, "id": id}, "changes": [{"field": id}],
            })
            .to_string()
        ),
    ]
}

fn valid_event(n: usize, name: &str) -> Value {
    json!({
        "id": format!("evt_{n}"), "action": "rule.updated", "occurred_at": "2026-11-20T10:15:00+01:00",
        "entity": {"type": "rule", "id": format!("r_{n}"), "name": name},
        "actor": {"type": "user", "id": "u_1", "name": name},
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any body: split and prepare never panic; each event is either prepared or has at
    /// least one error naming its index, never both.
    #[test]
    fn ingest_path_never_panics(ndjson in any::<bool>(), parts in prop::collection::vec(jsonish(), 0..4)) {
        let (format, body) = if ndjson {
            (BodyFormat::Ndjson, parts.join("\n"))
        } else {
            (BodyFormat::Json, format!("[{}]", parts.join(",")))
        };
        if let Ok(events) = split_body(&body, format) {
            let mut errors = Vec::new();
            for (i, raw) in events.iter().enumerate() {
                let before = errors.len();
                let p = prepare(Catalog::builtin(), "acme", i, raw, NOW, &mut errors);
                prop_assert_eq!(p.is_some(), errors.len() == before);
                prop_assert!(errors[before..].iter().all(|e| e.index == i));
            }
        }
    }

    /// Valid events with arbitrary display names (controls other than line breaks and
    /// tabs are refused, everything else kept): the three JSON shapes and NDJSON split the
    /// same, and validation accepts exactly the names without forbidden characters.
    #[test]
    fn valid_events_split_the_same_in_every_shape(names in prop::collection::vec("\\PC{1,20}|[a-z\t\n]{1,5}", 1..4)) {
        let events: Vec<Value> = names.iter().enumerate().map(|(n, s)| valid_event(n, s)).collect();
        let ndjson = events.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
        let array = Value::Array(events.clone()).to_string();
        let batch = json!({ "events": events }).to_string();
        let a = split_body(&array, BodyFormat::Json).unwrap();
        let b = split_body(&batch, BodyFormat::Json).unwrap();
        let c = split_body(&ndjson, BodyFormat::Ndjson).unwrap();
        prop_assert_eq!(a.len(), names.len());
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(&a, &c);
        for (i, raw) in a.iter().enumerate() {
            let mut errors = Vec::new();
            let p = prepare(Catalog::builtin(), "acme", i, raw, NOW, &mut errors);
            let forbidden = names[i].chars().any(|c| {
                auditlog::service::validate::is_forbidden_char(c) && !matches!(c, '\n' | '\r' | '\t')
            });
            prop_assert_eq!(p.is_some(), !forbidden && names[i].len() <= 512, "{:?}", errors);
        }
    }

    /// Any query string: parsing never panics and a success is within the limits.
    #[test]
    fn query_parsing_never_panics_on_any_text(s in "\\PC{0,80}|[a-z_=&%,.*0-9A-F:+-]{0,80}") {
        if let Ok(r) = parse_list(Catalog::builtin(), 3, &s) {
            prop_assert!((1..=1000).contains(&r.query.limit));
            if let (Some(f), Some(t)) = (r.query.from, r.query.to) {
                prop_assert!(f < t);
            }
        }
    }

    /// The cursor a listing hands out, sent back with the same query, resumes exactly
    /// after that row; with another filter or org it is refused.
    #[test]
    fn listing_cursor_round_trips_through_the_query(t in any::<i64>(), seq in any::<u64>(),
                                                   q in prop::sample::select(vec![
                                                       "", "order=asc", "entity_type=ticket&verb=merged",
                                                       "from=2026-01-01&to=2026-02-01&tz=Europe/Berlin",
                                                       "action=ticket.*&actor_type=system&entity_id=a,b",
                                                   ])) {
        let first = parse_list(Catalog::builtin(), 3, q).unwrap();
        let cursor = encode_cursor(t, seq, &first.fingerprint);
        let sep = if q.is_empty() { "" } else { "&" };
        let next = parse_list(Catalog::builtin(), 3, &format!("{q}{sep}cursor={cursor}&limit=5")).unwrap();
        prop_assert_eq!(next.query.after, Some((t, seq)));
        let other_org = format!("{q}{sep}cursor={cursor}");
        prop_assert!(parse_list(Catalog::builtin(), 4, &other_org).is_err());
        let other_filter = format!("{q}{sep}actor_id=zz&cursor={cursor}");
        prop_assert!(parse_list(Catalog::builtin(), 3, &other_filter).is_err());
    }

    /// CSV export: stored events with arbitrary text in the free-text members come back,
    /// through the `csv` reader, as one record of 21 fields each, text recovered by
    /// removing one leading `'`. Arbitrary bodies are an error, never a panic.
    #[test]
    fn csv_rows_parse_back_with_21_fields(texts in prop::collection::vec("\\PC{0,16}|[=+@'\t\r\n\",-]{0,6}", 6),
                                          junk in "\\PC{0,40}") {
        let body = json!({
            "action": "rule.updated", "category": "configuration", "id": "e", "seq": 1,
            "occurred_at": "2026-11-20T09:15:00.000000Z", "recorded_at": "2026-11-20T09:15:01.000000Z",
            "entity": {"type": "rule", "id": texts[0], "name": texts[1]},
            "actor": {"type": "user", "id": texts[2], "name": texts[3]},
            "via": {"type": "macro", "name": texts[4]},
            "changes": [], "context": {"user_agent": texts[5]}, "hash": "h",
        }).to_string();
        let tz = jiff::tz::TimeZone::get("America/New_York").unwrap();
        let mut w = csv::Writer::from_writer(Vec::new());
        write_csv_rows(&mut w, &[body.clone(), body], Catalog::builtin(), &tz).unwrap();
        let bytes = w.into_inner().unwrap();
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(&bytes[..]);
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        prop_assert_eq!(rows.len(), 2);
        let unquote = |c: &str| c.strip_prefix('\'').unwrap_or(c).to_string();
        for row in &rows {
            prop_assert_eq!(row.len(), 21);
            prop_assert_eq!(unquote(&row[3]), texts[0].clone());
            prop_assert_eq!(unquote(&row[4]), texts[1].clone());
            prop_assert_eq!(unquote(&row[9]), texts[2].clone());
            prop_assert_eq!(unquote(&row[13]), texts[4].clone());
            prop_assert_eq!(unquote(&row[16]), texts[5].clone());
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = write_csv_rows(&mut w, &[junk], Catalog::builtin(), &tz);
    }

    /// Checkpoint notes: parsing and opening arbitrary text never panics; a signed
    /// checkpoint opens to itself and its body parses back to it.
    #[test]
    fn checkpoint_notes_parse_and_round_trip(origin in "[a-z/._-]{1,20}", size in any::<u64>(),
                                             root in any::<[u8; 32]>(), time in 0i64..4_000_000_000_000_000,
                                             junk in "\\PC{0,80}|[a-z0-9+/=\n —]{0,80}") {
        let cp = Checkpoint { origin, size, root, time };
        prop_assert_eq!(Checkpoint::parse_body(&cp.body()).unwrap(), cp.clone());
        let key = SigningKey::from_bytes(&[3; 32]);
        let v = NoteVerifier { name: "auditlog".into(), key: key.verifying_key().to_bytes() };
        let note = sign(&cp, "auditlog", &key);
        let (opened, _) = open(&note, std::slice::from_ref(&v)).unwrap();
        prop_assert_eq!(opened, cp);
        let _ = Checkpoint::parse_body(&junk);
        let _ = open(&junk, std::slice::from_ref(&v));
        let _ = open(&format!("{junk}\n\n\u{2014} auditlog {junk}\n"), std::slice::from_ref(&v));
        let _ = NoteVerifier::parse_vkey(&junk);
        if let Ok(j) = serde_json::from_str::<Value>(&junk) {
            let _ = cut_from_json(&j);
        }
    }

    /// Exported lines and proof inputs: any text and any sizes/hashes are an answer, never
    /// a panic.
    #[test]
    fn proof_and_line_verification_never_panic(prefix in "\\PC{0,12}", hash in "[a-f0-9é]{60,66}",
                                               a in 0u64..70, b in 0u64..70,
                                               hs in prop::collection::vec(any::<[u8; 32]>(), 0..9)) {
        let line = format!(r#"{{"metadata":{{"hash":"{prefix}{hash}"}},"hash":"{hash}","prev_hash":"{z}","seq":1}}"#,
                           z = "0".repeat(64));
        let _ = check_line(&line);
        let _ = check_line(&format!(r#"{{"hash":"{hash}","prev_hash":"{prefix}","seq":2}}"#));
        if let Some((first, rest)) = hs.split_first() {
            let root = rest.first().copied().unwrap_or([0; 32]);
            let _ = verify_inclusion(first, a, b, rest, &root);
            let _ = verify_consistency(a, b, first, &root, rest);
        }
    }
}
