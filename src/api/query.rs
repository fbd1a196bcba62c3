//! Query strings, decoded once per request into the service's typed requests
//! (`service/requests.rs`): percent escapes must decode to UTF-8, every parameter must be one
//! the endpoint knows, and none may be given twice. What the values mean (dates, time zones,
//! catalog names, limits) is the service's to check.

use std::collections::BTreeMap;

use axum::http::request::Parts;

use super::error::ApiError;
use crate::service::requests::{
    CheckpointListRequest, ConsistencyRequest, EventFilters, ExportRequest, HistogramRequest,
    InclusionRequest, ListRequest, SummaryRequest,
};

/// Percent-decodes `raw` into bytes. A `%` not followed by two hex digits stays literal
/// (as browsers and the WHATWG URL standard treat it).
pub fn percent_decode(raw: &str) -> Vec<u8> {
    let b = raw.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Splits a query string into pairs. Percent escapes that decode to invalid UTF-8 are a
/// `400`: decoding them lossily would silently filter on a value the client never sent.
fn decode_pairs(raw: &str) -> Result<Vec<(String, String)>, ApiError> {
    if std::str::from_utf8(&percent_decode(raw)).is_err() {
        return Err(ApiError::invalid_request(
            "malformed query string: percent escapes must decode to UTF-8",
        ));
    }
    serde_urlencoded::from_str(raw)
        .map_err(|e| ApiError::invalid_request(format!("malformed query string: {e}")))
}

/// A query string as single-valued parameters, checked against what the endpoint accepts.
struct Params(BTreeMap<String, String>);

impl Params {
    /// The event filters plus `extra`.
    fn with_filters(raw: &str, extra: &[&str]) -> Result<Params, ApiError> {
        let known: Vec<&str> = EventFilters::NAMES.iter().chain(extra).copied().collect();
        Params::checked(raw, &known, "; use a comma-separated list")
    }

    /// Only `allowed` (no event filters).
    fn only(raw: &str, allowed: &[&str]) -> Result<Params, ApiError> {
        Params::checked(raw, allowed, "")
    }

    fn checked(raw: &str, known: &[&str], twice_hint: &str) -> Result<Params, ApiError> {
        let mut get = BTreeMap::new();
        for (k, v) in decode_pairs(raw)? {
            if !known.contains(&k.as_str()) {
                return Err(ApiError::bad_param(
                    &k,
                    format!("unknown query parameter {k:?}; known: {}", known.join(", ")),
                ));
            }
            if get.insert(k.clone(), v).is_some() {
                return Err(ApiError::bad_param(
                    &k,
                    format!("{k} given twice{twice_hint}"),
                ));
            }
        }
        Ok(Params(get))
    }

    fn take(&mut self, name: &str) -> Option<String> {
        self.0.remove(name)
    }

    /// The shared filters, list values split on commas (trimmed, empty items dropped).
    fn filters(&mut self) -> EventFilters {
        let mut f = EventFilters::default();
        for name in EventFilters::NAMES {
            let Some(v) = self.take(name) else { continue };
            if let Some(slot) = f.scalar_mut(name) {
                *slot = Some(v);
            } else if let Some(slot) = f.list_mut(name) {
                *slot = Some(
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect(),
                );
            }
        }
        f
    }
}

/// A typed request read from a query string (without `?`).
pub trait FromQuery: Sized {
    fn from_query(raw: &str) -> Result<Self, ApiError>;
}

impl FromQuery for ListRequest {
    fn from_query(raw: &str) -> Result<Self, ApiError> {
        let mut p = Params::with_filters(raw, ListRequest::EXTRA)?;
        Ok(ListRequest {
            filters: p.filters(),
            limit: p.take("limit"),
            order: p.take("order"),
            cursor: p.take("cursor"),
        })
    }
}

impl FromQuery for SummaryRequest {
    fn from_query(raw: &str) -> Result<Self, ApiError> {
        let mut p = Params::with_filters(raw, SummaryRequest::EXTRA)?;
        Ok(SummaryRequest {
            filters: p.filters(),
            group_by: p.take("group_by"),
            limit: p.take("limit"),
            format: p.take("format"),
        })
    }
}

impl FromQuery for HistogramRequest {
    fn from_query(raw: &str) -> Result<Self, ApiError> {
        let mut p = Params::with_filters(raw, HistogramRequest::EXTRA)?;
        Ok(HistogramRequest {
            filters: p.filters(),
            interval: p.take("interval"),
            stack: p.take("stack"),
        })
    }
}

impl FromQuery for ExportRequest {
    fn from_query(raw: &str) -> Result<Self, ApiError> {
        let mut p = Params::with_filters(raw, ExportRequest::EXTRA)?;
        Ok(ExportRequest {
            filters: p.filters(),
            format: p.take("format"),
        })
    }
}

impl FromQuery for InclusionRequest {
    fn from_query(raw: &str) -> Result<Self, ApiError> {
        let mut p = Params::only(raw, InclusionRequest::PARAMS)?;
        Ok(InclusionRequest {
            event_id: p.take("event_id"),
            tree_size: p.take("tree_size"),
        })
    }
}

impl FromQuery for ConsistencyRequest {
    fn from_query(raw: &str) -> Result<Self, ApiError> {
        let mut p = Params::only(raw, ConsistencyRequest::PARAMS)?;
        Ok(ConsistencyRequest {
            from: p.take("from"),
            to: p.take("to"),
        })
    }
}

impl FromQuery for CheckpointListRequest {
    fn from_query(raw: &str) -> Result<Self, ApiError> {
        let mut p = Params::only(raw, CheckpointListRequest::PARAMS)?;
        Ok(CheckpointListRequest {
            limit: p.take("limit"),
        })
    }
}

/// Extracts a typed request from the query string; a malformed one answers `400
/// invalid_request` naming the parameter. Put it after `Caller`: 401 comes first.
pub(crate) struct Decoded<T>(pub T);

impl<S: Send + Sync, T: FromQuery> axum::extract::FromRequestParts<S> for Decoded<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        T::from_query(parts.uri.query().unwrap_or("")).map(Decoded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Catalog;
    use crate::service::access::normalize_query;
    use crate::service::query::{ALL_CATEGORIES, ListPlan, parse_list};
    use proptest::prelude::*;

    /// A listing's query string decoded and resolved, as a request to `GET /v1/events` is.
    fn list(c: &'static Catalog, org_id: i64, raw: &str) -> Result<ListPlan, ApiError> {
        let req = ListRequest::from_query(raw)?;
        Ok(parse_list(c, org_id, &req)?)
    }

    proptest! {
        #[test]
        fn query_parsing_never_panics(s in "[a-z_=&,.*%0-9:+-]{0,80}") {
            let _ = list(Catalog::builtin(), 1, &s);
        }
    }

    #[test]
    fn filters_resolve_to_actions() {
        let c = Catalog::builtin();
        let r = list(c, 1, "entity_type=ticket&verb=merged").unwrap();
        assert_eq!(r.query.actions, Some(vec!["ticket.merged".to_string()]));
        let r = list(c, 1, "action=ticket.*&category=configuration").unwrap();
        assert!(r.empty);
        let r = list(c, 1, "action=user.*&category=security").unwrap();
        let actions = r.query.actions.unwrap();
        assert!(actions.contains(&"user.logged_in".to_string()));
        assert!(!actions.contains(&"user.created".to_string()));
    }

    #[test]
    fn category_all_is_every_action_and_binds_cursors_apart_from_the_default() {
        let c = Catalog::builtin();
        assert!(!c.has_category(ALL_CATEGORIES));
        let all = list(c, 1, "category=all").unwrap();
        let every: Vec<String> = c.actions().map(|a| a.name.clone()).collect();
        assert_eq!(all.query.actions.as_ref(), Some(&every));
        let named = list(
            c,
            1,
            "category=configuration,activity,security,compliance,admin,access",
        )
        .unwrap();
        assert_eq!(named.query.actions, all.query.actions);
        assert_eq!(named.fingerprint, all.fingerprint);
        // the default leaves `access` out: another selection, so another cursor binding
        let default = list(c, 1, "").unwrap();
        assert!(default.query.actions.as_ref().unwrap().len() < every.len());
        assert_ne!(default.fingerprint, all.fingerprint);
        // combined with other filters, as any category list
        let r = list(c, 1, "category=all&entity_type=audit_log").unwrap();
        assert_eq!(
            r.query.actions.unwrap(),
            [
                "audit_log.exported",
                "audit_log.purged",
                "audit_log.settings_updated",
                "audit_log.viewed"
            ]
        );
        for q in ["category=all,access", "category=all,all", "category=ALL"] {
            assert!(list(c, 1, q).is_err(), "{q}");
        }
    }

    #[test]
    fn dates_are_read_in_the_time_zone() {
        let c = Catalog::builtin();
        let r = list(c, 1, "from=2026-03-08&to=2026-03-08&tz=America/New_York").unwrap();
        // 2026-03-08 is the spring-forward day in New York: 23 hours long.
        let hours = (r.query.to.unwrap() - r.query.from.unwrap()) / 3_600_000_000;
        assert_eq!(hours, 23);
        assert_eq!(
            crate::model::time::format_micros(r.query.from.unwrap()),
            "2026-03-08T05:00:00.000000Z"
        );
    }

    #[test]
    fn bad_parameters_are_named() {
        let c = Catalog::builtin();
        for (q, p) in [
            ("limit=0", "limit"),
            ("limit=-1", "limit"),
            ("tz=Mars/Olympus", "tz"),
            ("from=2026-02-30", "from"),
            ("from=2026-02-02&to=2026-02-01", "from"),
            ("verb=exploded", "verb"),
            ("action=ticket.exploded", "action"),
            ("colour=red", "colour"),
            ("order=sideways", "order"),
            ("cursor=nope", "cursor"),
        ] {
            match list(c, 1, q) {
                Err(e) if e.code == "invalid_request" => {
                    assert_eq!(e.details["parameter"], p, "{q}")
                }
                other => panic!("{q}: {other:?}"),
            }
        }
    }

    #[test]
    fn decoding_refuses_unknown_repeated_and_non_utf8_parameters() {
        let e = ListRequest::from_query("limit=1&limit=2").unwrap_err();
        assert_eq!(e.message, "limit given twice; use a comma-separated list");
        assert_eq!(e.details["parameter"], "limit");
        let e = InclusionRequest::from_query("event_id=a&event_id=b").unwrap_err();
        assert_eq!(e.message, "event_id given twice");
        let e = ConsistencyRequest::from_query("colour=red").unwrap_err();
        assert_eq!(
            e.message,
            "unknown query parameter \"colour\"; known: from, to"
        );
        let e = ExportRequest::from_query("entity_id=%FF%FE").unwrap_err();
        assert_eq!(e.code, "invalid_request");
        assert_eq!(e.details, serde_json::Value::Null);
        // a stray `%` is literal
        let r = ListRequest::from_query("entity_id=%ZZ").unwrap();
        assert_eq!(r.filters.entity_id, Some(vec!["%ZZ".to_string()]));
    }

    #[test]
    fn recorded_queries_drop_the_cursor_and_sort_lists() {
        let a = ListRequest::from_query("cursor=c1.x&category=security,activity&limit=10");
        let b = ListRequest::from_query("limit=10&category=activity,%20security,activity");
        let (a, b) = (normalize_query(&a.unwrap()), normalize_query(&b.unwrap()));
        assert_eq!(a, b);
        assert!(!a.contains_key("cursor"));
        assert_eq!(a["category"], "activity,security");
        let s = SummaryRequest::from_query("group_by=%20actor,day%20&tz=&entity_id=b,a,b").unwrap();
        let s = normalize_query(&s);
        assert_eq!(s["group_by"], "actor,day");
        assert_eq!(s["tz"], "");
        assert_eq!(s["entity_id"], "a,b");
    }
}
