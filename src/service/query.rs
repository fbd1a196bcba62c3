//! Event filters resolved against the catalog: the time range in a time zone, the actions a
//! request selects, the listing's limit, order and paging cursor. Shared by every endpoint
//! that takes event filters; the requests themselves are in `requests.rs`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use sha2::{Digest, Sha256};

use super::error::ServiceError;
use super::requests::{EventFilters, ListRequest};
use crate::model::Catalog;
use crate::model::time::parse_rfc3339_micros;
use crate::store::{EventQuery, Order};

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1000;
/// Most values one list filter (`entity_id=a,b,c`) may hold.
pub const MAX_LIST_VALUES: usize = 200;

/// `category=all`: every category, `access` (recorded reads of the log) included, which a
/// request that names no action filter leaves out. It stands alone in the list.
pub const ALL_CATEGORIES: &str = "all";

/// A listing request resolved against the catalog: the store query it runs.
#[derive(Debug, Clone)]
pub struct ListPlan {
    pub query: EventQuery,
    /// Binds cursors to this org, these filters and this order.
    pub fingerprint: [u8; 8],
    /// The filters select no action at all: the answer is empty without a query.
    pub empty: bool,
}

/// Checks a list filter as given (split, items trimmed, empty items dropped).
fn check_list(name: &str, given: Option<&[String]>) -> Result<Option<Vec<String>>, ServiceError> {
    let Some(values) = given else {
        return Ok(None);
    };
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
    Ok(Some(values.to_vec()))
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

/// Resolves the shared filters against the catalog.
pub fn parse_filters(catalog: &Catalog, given: &EventFilters) -> Result<Filters, ServiceError> {
    let param = |n: &str| given.scalar(n);
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
    let list = |n: &str| check_list(n, given.list(n));
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

/// Resolves a listing request for the org `org_id`.
pub fn parse_list(
    catalog: &Catalog,
    org_id: i64,
    req: &ListRequest,
) -> Result<ListPlan, ServiceError> {
    let f = parse_filters(catalog, &req.filters)?;
    let limit = match req.limit.as_deref() {
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
    let order = match req.order.as_deref() {
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
    if let Some(c) = &req.cursor {
        query.after = Some(decode_cursor(c, &fingerprint)?);
    }
    Ok(ListPlan {
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
    }
}
