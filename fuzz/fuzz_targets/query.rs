//! Query strings and cursors (`api/query.rs` decodes, `service/query.rs` resolves): parsing
//! never panics, and the cursor a
//! page hands out decodes to what was encoded, under the same fingerprint only.
#![no_main]

use auditlog::api::query::FromQuery;
use auditlog::model::Catalog;
use auditlog::service::query::{decode_cursor, encode_cursor, parse_list};
use auditlog::service::requests::ListRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let plan = ListRequest::from_query(&text)
        .ok()
        .and_then(|r| parse_list(Catalog::builtin(), 7, &r).ok());
    if let Some(req) = plan {
        assert!((1..=1000).contains(&req.query.limit));
        if let (Some(f), Some(t)) = (req.query.from, req.query.to) {
            assert!(f < t);
        }
        let c = encode_cursor(-5, 9, &req.fingerprint);
        assert_eq!(decode_cursor(&c, &req.fingerprint).ok(), Some((-5, 9)));
    }
    let _ = decode_cursor(&text, &[0; 8]);
    if data.len() >= 24 {
        let t = i64::from_be_bytes(data[0..8].try_into().unwrap_or_default());
        let s = u64::from_be_bytes(data[8..16].try_into().unwrap_or_default());
        let fp: [u8; 8] = data[16..24].try_into().unwrap_or_default();
        let c = encode_cursor(t, s, &fp);
        assert_eq!(decode_cursor(&c, &fp).ok(), Some((t, s)));
        let mut other = fp;
        other[0] ^= 1;
        assert!(decode_cursor(&c, &other).is_err());
    }
});
