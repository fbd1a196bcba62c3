//! Query-string parsing for event listings: filters, time range in a time zone, paging
//! cursor. Shared by every endpoint that takes event filters.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use sha2::{Digest, Sha256};

use super::error::ServiceError;
use crate::model::Catalog;
use crate::model::time::parse_rfc3339_micros;
use crate::store::{EventQuery, Order};

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1000;
/// Most values one list filter (`entity_id=a,b,c`) may hold.
pub const MAX_LIST_VALUES: usize = 100;

/// `category=all`: every category, `access` (recorded reads of the log) included, which a
/// request that names no action filter leaves out. It stands alone in the list.
pub const ALL_CATEGORIES: &str = "all";

/// Parameters every event endpoint accepts.
const FILTERS: &[&str] = &[
    "from",
    "to",
    "tz",
    "category",
    "entity_type",
    "verb",
    "action",
    "entity_id",
    "actor_id",
    "actor_type",
];

/// A parsed listing request.
#[derive(Debug, Clone)]
pub struct ListRequest {
    pub query: EventQuery,
    /// Binds cursors to this org, these filters and this order.
    pub fingerprint: [u8; 8],
    /// The filters select no action at all: the answer is empty without a query.
    pub empty: bool,
}

fn split_list(name: &str, raw: &str) -> Result<Vec<String>, ServiceError> {
    let values: Vec<String> = raw
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if values.is_empty() {
        return Err(ServiceError::bad_param(
            name,
            format!("{name} must not be empty"),
        ));
    }
    if values.len() > MAX_LIST_VALUES {
        return Err(ServiceError::bad_param(
            name,
            format!(
                "{name} has {} values; the limit is {MAX_LIST_VALUES}",
                values.len()
            ),
        ));
    }
    if let Some(v) = values.iter().find(|v| v.len() > 256) {
        return Err(ServiceError::bad_param(
            name,
            format!("{name} value of {} bytes is too long", v.len()),
        ));
    }
    Ok(values)
}

fn check_known(
    name: &str,
    values: &[String],
    known: impl Fn(&str) -> bool,
) -> Result<(), ServiceError> {
    match values.iter().find(|v| !known(v)) {
        Some(v) => Err(ServiceError::bad_param(
            name,
            format!("unknown {name} {v:?}; see GET /v1/catalog"),
        )),
        None => Ok(()),
    }
}

/// Reads `from`/`to`: RFC 3339 with offset, or `YYYY-MM-DD` in `tz`. A `to` date means the
/// end of that day (the start of the next one, exclusive).
fn parse_bound(
    name: &str,
    raw: &str,
    tz: &TimeZone,
    end_of_day: bool,
) -> Result<i64, ServiceError> {
    if raw.len() == 10 {
        let date: Date = raw.parse().map_err(|e| {
            ServiceError::bad_param(name, format!("{name}: {raw:?} is not a valid date: {e}"))
        })?;
        let day = if end_of_day {
            date.tomorrow()
                .map_err(|e| ServiceError::bad_param(name, e.to_string()))?
        } else {
            date
        };
        let zoned = day
            .to_zoned(tz.clone())
            .map_err(|e| ServiceError::bad_param(name, format!("{name}: {e}")))?;
        return Ok(zoned.timestamp().as_microsecond());
    }
    parse_rfc3339_micros(raw).map_err(|m| {
        ServiceError::bad_param(
            name,
            format!("{name}: {raw:?} is neither YYYY-MM-DD nor RFC 3339 ({m})"),
        )
    })
}

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
fn decode_query(raw: &str) -> Result<Vec<(String, String)>, ServiceError> {
    if std::str::from_utf8(&percent_decode(raw)).is_err() {
        return Err(ServiceError::invalid(
            "malformed query string: percent escapes must decode to UTF-8",
        ));
    }
    serde_urlencoded::from_str(raw)
        .map_err(|e| ServiceError::invalid(format!("malformed query string: {e}")))
}

/// Parses a raw query string (without `?`).
/// A query string parsed into single-valued parameters, checked against what the endpoint
/// accepts: the common filters plus `extra`.
pub struct Params(BTreeMap<String, String>);

impl Params {
    pub fn parse(raw: &str, extra: &[&str]) -> Result<Params, ServiceError> {
        let pairs = decode_query(raw)?;
        let mut get = BTreeMap::new();
        for (k, v) in pairs {
            if !FILTERS.contains(&k.as_str()) && !extra.contains(&k.as_str()) {
                let known: Vec<&str> = FILTERS.iter().chain(extra).copied().collect();
                return Err(ServiceError::bad_param(
                    &k,
                    format!("unknown query parameter {k:?}; known: {}", known.join(", ")),
                ));
            }
            if get.insert(k.clone(), v).is_some() {
                return Err(ServiceError::bad_param(
                    &k,
                    format!("{k} given twice; use a comma-separated list"),
                ));
            }
        }
        Ok(Params(get))
    }

    /// Parses a query string that takes only `allowed` (no event filters).
    pub fn parse_only(raw: &str, allowed: &[&str]) -> Result<Params, ServiceError> {
        let pairs = decode_query(raw)?;
        let mut get = BTreeMap::new();
        for (k, v) in pairs {
            if !allowed.contains(&k.as_str()) {
                return Err(ServiceError::bad_param(
                    &k,
                    format!(
                        "unknown query parameter {k:?}; known: {}",
                        allowed.join(", ")
                    ),
                ));
            }
            if get.insert(k.clone(), v).is_some() {
                return Err(ServiceError::bad_param(&k, format!("{k} given twice")));
            }
        }
        Ok(Params(get))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    pub fn list(&self, name: &str) -> Result<Option<Vec<String>>, ServiceError> {
        self.get(name).map(|v| split_list(name, v)).transpose()
    }
}

/// The filters every event endpoint shares, resolved against the catalog.
#[derive(Debug, Clone)]
pub struct Filters {
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub tz: TimeZone,
    /// `None`: any action.
    pub actions: Option<Vec<String>>,
    pub entity_ids: Option<Vec<String>>,
    pub actor_ids: Option<Vec<String>>,
    pub actor_types: Option<Vec<String>>,
}

impl Filters {
    /// The filters select no action at all: every answer is empty.
    pub fn is_empty_selection(&self) -> bool {
        self.actions.as_ref().is_some_and(Vec::is_empty)
    }
}

pub fn parse_filters(catalog: &Catalog, params: &Params) -> Result<Filters, ServiceError> {
    let param = |n: &str| params.get(n);
    let tz = match param("tz") {
        None | Some("") => TimeZone::UTC,
        Some(name) => TimeZone::get(name).map_err(|_| {
            ServiceError::bad_param(
                "tz",
                format!("unknown time zone {name:?}; use an IANA name like Europe/Berlin"),
            )
        })?,
    };
    let from = param("from")
        .map(|v| parse_bound("from", v, &tz, false))
        .transpose()?;
    let to = param("to")
        .map(|v| parse_bound("to", v, &tz, true))
        .transpose()?;
    if let (Some(f), Some(t)) = (from, to)
        && f >= t
    {
        return Err(ServiceError::bad_param("from", "from must be before to"));
    }
    let list = |n: &str| params.list(n);
    let categories = match list("category")? {
        Some(c) if c.iter().any(|v| v == ALL_CATEGORIES) => {
            if c.len() > 1 {
                return Err(ServiceError::bad_param(
                    "category",
                    "category=all stands alone: it names every category already",
                ));
            }
            Some(catalog.categories.iter().map(|c| c.name.clone()).collect())
        }
        other => other,
    };
    let entity_types = list("entity_type")?;
    let verbs = list("verb")?;
    let action_patterns = list("action")?;
    if let Some(c) = &categories {
        check_known("category", c, |v| catalog.has_category(v))?;
    }
    if let Some(t) = &entity_types {
        check_known("entity_type", t, |v| catalog.has_entity_type(v))?;
    }
    if let Some(v) = &verbs {
        check_known("verb", v, |x| catalog.has_verb(x))?;
    }
    if let Some(pats) = &action_patterns {
        for p in pats {
            let matches = catalog.actions().any(|a| action_matches(p, &a.name));
            if !matches {
                return Err(ServiceError::bad_param(
                    "action",
                    format!(
                        "action {p:?} matches no action in the catalog; use e.g. ticket.merged or ticket.*"
                    ),
                ));
            }
        }
    }
    let any_action_filter = categories.is_some()
        || entity_types.is_some()
        || verbs.is_some()
        || action_patterns.is_some();
    let actions: Option<Vec<String>> = any_action_filter.then(|| {
        catalog
            .actions()
            .filter(|a| categories.as_ref().is_none_or(|c| c.contains(&a.category)))
            .filter(|a| {
                entity_types
                    .as_ref()
                    .is_none_or(|t| t.contains(&a.entity_type))
            })
            .filter(|a| verbs.as_ref().is_none_or(|v| v.contains(&a.verb)))
            .filter(|a| {
                action_patterns
                    .as_ref()
                    .is_none_or(|ps| ps.iter().any(|p| action_matches(p, &a.name)))
            })
            .map(|a| a.name.clone())
            .collect()
    });
    // Reads of the log are recorded in its `access` category: a request that names no
    // action filter leaves them out, so reading never changes what a plain read shows
    // (`category=all` asks for them with everything else).
    let actions = actions.or_else(|| {
        Some(
            catalog
                .actions()
                .filter(|a| a.category != super::access::CATEGORY)
                .map(|a| a.name.clone())
                .collect(),
        )
    });
    let actor_types = list("actor_type")?;
    if let Some(v) = actor_types
        .iter()
        .flatten()
        .find(|v| *v != "user" && *v != "system")
    {
        return Err(ServiceError::bad_param(
            "actor_type",
            format!("unknown actor_type {v:?}; use user or system"),
        ));
    }
    Ok(Filters {
        from,
        to,
        tz,
        actions,
        entity_ids: list("entity_id")?,
        actor_ids: list("actor_id")?,
        actor_types,
    })
}

/// Parses a listing's query string (without `?`).
pub fn parse_list(catalog: &Catalog, org_id: i64, raw: &str) -> Result<ListRequest, ServiceError> {
    let params = Params::parse(raw, &["limit", "order", "cursor"])?;
    let f = parse_filters(catalog, &params)?;
    let param = |n: &str| params.get(n);
    let limit = match param("limit") {
        None => DEFAULT_LIMIT,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                return Err(ServiceError::bad_param(
                    "limit",
                    format!("limit must be an integer from 1 to {MAX_LIMIT}"),
                ));
            }
        },
    };
    let order = match param("order") {
        None | Some("desc") => Order::Desc,
        Some("asc") => Order::Asc,
        Some(_) => {
            return Err(ServiceError::bad_param(
                "order",
                "order must be asc or desc",
            ));
        }
    };
    let empty = f.is_empty_selection();
    let mut query = EventQuery {
        from: f.from,
        to: f.to,
        actions: f.actions,
        entity_ids: f.entity_ids,
        actor_ids: f.actor_ids,
        actor_types: f.actor_types,
        order,
        after: None,
        limit,
    };
    let fingerprint = fingerprint(org_id, &query);
    if let Some(c) = param("cursor") {
        query.after = Some(decode_cursor(c, &fingerprint)?);
    }
    Ok(ListRequest {
        query,
        fingerprint,
        empty,
    })
}

/// `ticket.*` matches every ticket action; anything else must match exactly.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    match pattern.strip_suffix(".*") {
        Some(prefix) => action
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.')),
        None => pattern == action,
    }
}

fn fingerprint(org_id: i64, q: &EventQuery) -> [u8; 8] {
    let text = format!(
        "v1|{org_id}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        q.from, q.to, q.actions, q.entity_ids, q.actor_ids, q.actor_types, q.order
    );
    let digest = Sha256::digest(text.as_bytes());
    let mut out = [0u8; 8];
    out.copy_from_slice(&digest[..8]);
    out
}

/// A cursor: `c1.` + base64url(occurred_at i64 BE, seq u64 BE, fingerprint 8 bytes).
pub fn encode_cursor(occurred_at: i64, seq: u64, fingerprint: &[u8; 8]) -> String {
    let mut raw = Vec::with_capacity(24);
    raw.extend_from_slice(&occurred_at.to_be_bytes());
    raw.extend_from_slice(&seq.to_be_bytes());
    raw.extend_from_slice(fingerprint);
    format!("c1.{}", URL_SAFE_NO_PAD.encode(raw))
}

pub fn decode_cursor(cursor: &str, fingerprint: &[u8; 8]) -> Result<(i64, u64), ServiceError> {
    let bad = || {
        ServiceError::bad_param(
            "cursor",
            "cursor is malformed; use next_cursor exactly as returned",
        )
    };
    let raw = cursor
        .strip_prefix("c1.")
        .and_then(|b| URL_SAFE_NO_PAD.decode(b).ok())
        .filter(|r| r.len() == 24)
        .ok_or_else(bad)?;
    if raw[16..24] != fingerprint[..] {
        return Err(ServiceError::bad_param(
            "cursor",
            "cursor belongs to another query (other filters, order or organization)",
        ));
    }
    let t = i64::from_be_bytes(raw[0..8].try_into().map_err(|_| bad())?);
    let s = u64::from_be_bytes(raw[8..16].try_into().map_err(|_| bad())?);
    Ok((t, s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn cursor_round_trips(t in any::<i64>(), s in any::<u64>(), fp in any::<[u8; 8]>()) {
            let c = encode_cursor(t, s, &fp);
            prop_assert_eq!(decode_cursor(&c, &fp).unwrap(), (t, s));
        }

        #[test]
        fn cursor_rejects_other_fingerprints(t in any::<i64>(), s in any::<u64>(),
                                             a in any::<[u8; 8]>(), b in any::<[u8; 8]>()) {
            prop_assume!(a != b);
            let c = encode_cursor(t, s, &a);
            prop_assert!(decode_cursor(&c, &b).is_err());
        }

        #[test]
        fn cursor_decoding_never_panics(s in ".{0,64}") {
            let _ = decode_cursor(&s, &[0; 8]);
        }

        #[test]
        fn query_parsing_never_panics(s in "[a-z_=&,.*%0-9:+-]{0,80}") {
            let _ = parse_list(Catalog::builtin(), 1, &s);
        }
    }

    #[test]
    fn filters_resolve_to_actions() {
        let c = Catalog::builtin();
        let r = parse_list(c, 1, "entity_type=ticket&verb=merged").unwrap();
        assert_eq!(r.query.actions, Some(vec!["ticket.merged".to_string()]));
        let r = parse_list(c, 1, "action=ticket.*&category=configuration").unwrap();
        assert!(r.empty);
        let r = parse_list(c, 1, "action=user.*&category=security").unwrap();
        let actions = r.query.actions.unwrap();
        assert!(actions.contains(&"user.logged_in".to_string()));
        assert!(!actions.contains(&"user.created".to_string()));
    }

    #[test]
    fn category_all_is_every_action_and_binds_cursors_apart_from_the_default() {
        let c = Catalog::builtin();
        assert!(!c.has_category(ALL_CATEGORIES));
        let all = parse_list(c, 1, "category=all").unwrap();
        let every: Vec<String> = c.actions().map(|a| a.name.clone()).collect();
        assert_eq!(all.query.actions.as_ref(), Some(&every));
        let named = parse_list(
            c,
            1,
            "category=configuration,activity,security,compliance,access",
        )
        .unwrap();
        assert_eq!(named.query.actions, all.query.actions);
        assert_eq!(named.fingerprint, all.fingerprint);
        // the default leaves `access` out: another selection, so another cursor binding
        let default = parse_list(c, 1, "").unwrap();
        assert!(default.query.actions.as_ref().unwrap().len() < every.len());
        assert_ne!(default.fingerprint, all.fingerprint);
        // combined with other filters, as any category list
        let r = parse_list(c, 1, "category=all&entity_type=audit_log").unwrap();
        assert_eq!(
            r.query.actions.unwrap(),
            ["audit_log.exported", "audit_log.purged", "audit_log.viewed"]
        );
        for q in ["category=all,access", "category=all,all", "category=ALL"] {
            assert!(parse_list(c, 1, q).is_err(), "{q}");
        }
    }

    #[test]
    fn dates_are_read_in_the_time_zone() {
        let c = Catalog::builtin();
        let r = parse_list(c, 1, "from=2026-03-08&to=2026-03-08&tz=America/New_York").unwrap();
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
            match parse_list(c, 1, q) {
                Err(ServiceError::InvalidRequest {
                    details: Some(d), ..
                }) => {
                    assert_eq!(d["parameter"], p, "{q}")
                }
                other => panic!("{q}: {other:?}"),
            }
        }
    }
}
