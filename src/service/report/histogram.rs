//! The histogram: events per hour, day, week or month in a time zone, zero-filled,
//! optionally stacked by verb, category or entity type.

use std::collections::BTreeMap;

use jiff::Zoned;
use jiff::tz::TimeZone;

use super::{Interval, MAX_BUCKETS, count};
use crate::model::time::now_micros;
use crate::model::{Catalog, Org};
use crate::service::ServiceError;
use crate::service::query::Filters;
use crate::service::requests::HistogramRequest;
use crate::store::Store;

/// The histogram: zero-filled buckets of `interval` in `tz`, optionally stacked.
#[derive(Debug, Clone)]
pub struct Histogram {
    pub interval: Interval,
    pub tz: TimeZone,
    pub stack: Option<Stack>,
    /// Every stack key of the answer (`events` without `stack`), sorted.
    pub keys: Vec<String>,
    /// In time order, from the bucket holding `from` (else the first with events) to the
    /// one holding the end of the range.
    pub buckets: Vec<Bucket>,
    pub total: u64,
}

#[derive(Debug, Clone)]
pub struct Bucket {
    /// The bucket's local start.
    pub start: Zoned,
    pub label: String,
    pub total: u64,
    /// Only the stack keys present in this bucket.
    pub counts: BTreeMap<String, u64>,
}

/// What a histogram's buckets are split by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stack {
    Verb,
    Category,
    EntityType,
}

impl Stack {
    pub fn name(self) -> &'static str {
        match self {
            Stack::Verb => "verb",
            Stack::Category => "category",
            Stack::EntityType => "entity_type",
        }
    }
}

pub async fn histogram(
    store: &dyn Store,
    catalog: &Catalog,
    org: &Org,
    req: &HistogramRequest,
    f: &Filters,
) -> Result<Histogram, ServiceError> {
    let interval = match req.interval.as_deref() {
        None => Interval::Day,
        Some(v) => Interval::parse(v).ok_or_else(|| {
            ServiceError::bad_param("interval", "interval must be hour, day, week or month")
        })?,
    };
    let stack = match req.stack.as_deref() {
        None | Some("") => None,
        Some("verb") => Some(Stack::Verb),
        Some("category") => Some(Stack::Category),
        Some("entity_type") => Some(Stack::EntityType),
        Some(_) => {
            return Err(ServiceError::bad_param(
                "stack",
                "stack must be verb, category or entity_type",
            ));
        }
    };
    let raw = count(
        store,
        catalog,
        org,
        f,
        stack.is_some(),
        false,
        Some(interval),
    )
    .await?;
    let mut per_bucket: BTreeMap<i64, BTreeMap<String, u64>> = BTreeMap::new();
    let mut keys: BTreeMap<String, u64> = BTreeMap::new();
    for ((bucket, action, _), n) in raw.groups {
        let Some(bucket) = bucket else { continue };
        let key = match (stack, action.as_deref().and_then(|a| catalog.action(a))) {
            (Some(s), Some(a)) => match s {
                Stack::Verb => a.verb.clone(),
                Stack::Category => a.category.clone(),
                Stack::EntityType => a.entity_type.clone(),
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
            let next = interval.next(&z)?;
            buckets.push(Bucket {
                label: interval.label(&z),
                start: z,
                total,
                counts,
            });
            z = next;
        }
    }
    let total: u64 = keys.values().sum();
    Ok(Histogram {
        interval,
        tz: tz.clone(),
        stack,
        keys: keys.into_keys().collect(),
        buckets,
        total,
    })
}
