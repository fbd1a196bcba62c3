//! The histogram: events per hour, day, week or month in a time zone, zero-filled,
//! optionally stacked by verb, category or entity type.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Interval, MAX_BUCKETS, count};
use crate::model::time::now_micros;
use crate::model::{Catalog, Org};
use crate::service::ServiceError;
use crate::service::query::Filters;
use crate::service::requests::HistogramRequest;
use crate::store::Store;

/// The histogram: zero-filled buckets of `interval` in `tz`, optionally stacked.
pub async fn histogram(
    store: &dyn Store,
    catalog: &Catalog,
    org: &Org,
    req: &HistogramRequest,
    f: &Filters,
) -> Result<Value, ServiceError> {
    let interval = match req.interval.as_deref() {
        None => Interval::Day,
        Some(v) => Interval::parse(v).ok_or_else(|| {
            ServiceError::bad_param("interval", "interval must be hour, day, week or month")
        })?,
    };
    let stack = match req.stack.as_deref() {
        None | Some("") => None,
        Some(v @ ("verb" | "category" | "entity_type")) => Some(v.to_string()),
        Some(_) => {
            return Err(ServiceError::bad_param(
                "stack",
                "stack must be verb, category or entity_type",
            ));
        }
    };
    let raw = count(store, org, f, stack.is_some(), false, Some(interval)).await?;
    let mut per_bucket: BTreeMap<i64, BTreeMap<String, u64>> = BTreeMap::new();
    let mut keys: BTreeMap<String, u64> = BTreeMap::new();
    for ((bucket, action, _), n) in raw.groups {
        let Some(bucket) = bucket else { continue };
        let key = match (&stack, action.as_deref().and_then(|a| catalog.action(a))) {
            (Some(s), Some(a)) => match s.as_str() {
                "verb" => a.verb.clone(),
                "category" => a.category.clone(),
                _ => a.entity_type.clone(),
            },
            _ => String::from("events"),
        };
        *per_bucket
            .entry(bucket)
            .or_default()
            .entry(key.clone())
            .or_default() += n;
        *keys.entry(key).or_default() += n;
    }
    // zero-fill from the first bucket (the `from` bound, else the first with events) to the last
    let tz = &f.tz;
    let first = match f.from {
        Some(t) => Some(interval.floor(t, tz)?),
        None => match per_bucket.keys().next() {
            Some(t) => Some(interval.floor(*t, tz)?),
            None => None,
        },
    };
    // without `to`: up to now, or to the last bucket with events (clock skew allowance)
    let last_data = per_bucket.keys().next_back().map(|t| t + 1);
    let end =
        f.to.unwrap_or_else(|| now_micros().max(last_data.unwrap_or(0)));
    let mut buckets = Vec::new();
    if let Some(mut z) = first {
        while z.timestamp().as_microsecond() < end {
            if buckets.len() >= MAX_BUCKETS {
                return Err(ServiceError::bad_param(
                    "interval",
                    format!(
                        "more than {MAX_BUCKETS} buckets; use a larger interval or a shorter range"
                    ),
                ));
            }
            let t = z.timestamp().as_microsecond();
            let counts = per_bucket.remove(&t).unwrap_or_default();
            let total: u64 = counts.values().sum();
            buckets.push(json!({
                "start": z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
                "label": interval.label(&z),
                "total": total,
                "counts": counts,
            }));
            z = interval.next(&z)?;
        }
    }
    let total: u64 = keys.values().sum();
    Ok(json!({
        "interval": match interval { Interval::Hour => "hour", Interval::Day => "day", Interval::Week => "week", Interval::Month => "month" },
        "tz": tz.iana_name().unwrap_or("UTC"),
        "stack": stack,
        "keys": keys.keys().collect::<Vec<_>>(),
        "buckets": buckets,
        "total": total,
    }))
}
