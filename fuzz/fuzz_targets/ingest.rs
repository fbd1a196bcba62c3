//! The ingest path below HTTP: a body (JSON or NDJSON, chosen by the first byte) split into
//! events, each validated and prepared. Never panics; a prepared event's canonical form is
//! JSON.
#![no_main]

use auditlog::model::Catalog;
use auditlog::service::BodyFormat;
use auditlog::service::split_body;
use auditlog::service::validate::prepare;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(body) else {
        return;
    };
    let format = if mode & 1 == 0 {
        BodyFormat::Json
    } else {
        BodyFormat::Ndjson
    };
    let Ok(events) = split_body(text, format) else {
        return;
    };
    let now = 1_795_000_000_000_000;
    let mut errors = Vec::new();
    for (i, raw) in events.iter().enumerate().take(64) {
        let before = errors.len();
        let prepared = prepare(Catalog::builtin(), "acme", i, raw, now, &mut errors);
        // exactly one of: an event, or at least one error naming this index
        assert_eq!(prepared.is_some(), errors.len() == before);
        assert!(errors[before..].iter().all(|e| e.index == i));
        if let Some(p) = prepared {
            let sealed = auditlog::model::chain::seal(&p, 1, &[0; 32], now);
            let body: serde_json::Value =
                serde_json::from_str(&sealed.body).expect("a sealed event is JSON");
            assert_eq!(body["seq"], 1);
        }
    }
});
