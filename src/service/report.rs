//! Reports: Event Counts (`summary`) and the histogram. Both count through
//! [`Store::count`], which reads rollups for whole hours and days and the events themselves
//! for the partial hours at the edges of a range, so answers are exact at any range without
//! scanning every event.

use std::collections::{BTreeMap, HashMap};

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Zoned};
use serde_json::{Value, json};

use super::ServiceError;
use super::query::{Filters, Params};
use crate::model::time::now_micros;
use crate::model::{Catalog, Org};
use crate::store::{CountQuery, CountRow, CountSource, DAY_MICROS, HOUR_MICROS, Store};

pub const DEFAULT_GROUPS: usize = 100;
pub const MAX_GROUPS: usize = 10_000;
pub const MAX_BUCKETS: usize = 10_000;

/// A dimension to group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dim {
    Category,
    EntityType,
    Action,
    Verb,
    Actor,
    ViaType,
    Hour,
    Day,
    Week,
    Month,
}

impl Dim {
    pub const ALL: [(&'static str, Dim); 10] = [
        ("category", Dim::Category),
        ("entity_type", Dim::EntityType),
        ("action", Dim::Action),
        ("verb", Dim::Verb),
        ("actor", Dim::Actor),
        ("via_type", Dim::ViaType),
        ("hour", Dim::Hour),
        ("day", Dim::Day),
        ("week", Dim::Week),
        ("month", Dim::Month),
    ];

    pub fn name(self) -> &'static str {
        Dim::ALL
            .iter()
            .find(|(_, d)| *d == self)
            .map_or("", |(n, _)| n)
    }

    fn derives_from_action(self) -> bool {
        matches!(
            self,
            Dim::Category | Dim::EntityType | Dim::Action | Dim::Verb
        )
    }

    fn interval(self) -> Option<Interval> {
        match self {
            Dim::Hour => Some(Interval::Hour),
            Dim::Day => Some(Interval::Day),
            Dim::Week => Some(Interval::Week),
            Dim::Month => Some(Interval::Month),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    Hour,
    Day,
    Week,
    Month,
}

impl Interval {
    pub fn parse(s: &str) -> Option<Interval> {
        match s {
            "hour" => Some(Interval::Hour),
            "day" => Some(Interval::Day),
            "week" => Some(Interval::Week),
            "month" => Some(Interval::Month),
            _ => None,
        }
    }

    /// The start of the bucket holding `t`, in `tz`. Weeks start on Monday.
    pub fn floor(self, t: i64, tz: &TimeZone) -> Result<Zoned, ServiceError> {
        let err = |e: jiff::Error| ServiceError::Internal(format!("time bucketing: {e}"));
        let z = Timestamp::from_microsecond(t)
            .map_err(err)?
            .to_zoned(tz.clone());
        let start = match self {
            Interval::Hour => z
                .with()
                .minute(0)
                .second(0)
                .subsec_nanosecond(0)
                .build()
                .map_err(err)?,
            Interval::Day => z.start_of_day().map_err(err)?,
            Interval::Week => {
                let back = i64::from(z.weekday().to_monday_zero_offset());
                z.date()
                    .checked_sub(back.days())
                    .map_err(err)?
                    .to_zoned(tz.clone())
                    .map_err(err)?
            }
            Interval::Month => z
                .date()
                .first_of_month()
                .to_zoned(tz.clone())
                .map_err(err)?,
        };
        Ok(start)
    }

    fn next(self, z: &Zoned) -> Result<Zoned, ServiceError> {
        let err = |e: jiff::Error| ServiceError::Internal(format!("time bucketing: {e}"));
        match self {
            // the next local hour boundary after z; in zones that shift by 30 minutes the
            // hour after a change starts at :30 (as `floor` sees it)
            Interval::Hour => {
                let later = z.checked_add(1.hour()).map_err(err)?;
                let next =
                    Interval::Hour.floor(later.timestamp().as_microsecond(), z.time_zone())?;
                Ok(if next.timestamp() > z.timestamp() {
                    next
                } else {
                    later
                })
            }
            Interval::Day => z
                .date()
                .tomorrow()
                .map_err(err)?
                .to_zoned(z.time_zone().clone())
                .map_err(err),
            Interval::Week => z
                .date()
                .checked_add(7.days())
                .map_err(err)?
                .to_zoned(z.time_zone().clone())
                .map_err(err),
            Interval::Month => z
                .date()
                .checked_add(1.month())
                .map_err(err)?
                .to_zoned(z.time_zone().clone())
                .map_err(err),
        }
    }

    /// How a bucket is labelled in output.
    pub fn label(self, z: &Zoned) -> String {
        match self {
            Interval::Hour => z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            Interval::Day | Interval::Week => z.date().to_string(),
            Interval::Month => z.strftime("%Y-%m").to_string(),
        }
    }
}

/// (local bucket start µs, action, (actor type, actor id, via type))
pub type CountKey = (
    Option<i64>,
    Option<String>,
    Option<(String, String, String)>,
);

/// A count grouped by actions, actors and local time buckets.
#[derive(Debug, Clone, Default)]
pub struct RawCounts {
    pub groups: foldhash::HashMap<CountKey, u64>,
}

fn floor_to(t: i64, step: i64) -> i64 {
    t - t.rem_euclid(step)
}

fn ceil_to(t: i64, step: i64) -> i64 {
    let f = floor_to(t, step);
    if f == t { t } else { f + step }
}

/// Whether every UTC hour boundary in [from, to) is also a local hour boundary in `tz`
/// (true for all zones whose offsets are whole hours throughout the range).
fn hour_aligned(tz: &TimeZone, from: i64, to: i64) -> bool {
    let Ok(start) = Timestamp::from_microsecond(from) else {
        return false;
    };
    if tz.to_offset(start).seconds() % 3600 != 0 {
        return false;
    }
    for t in tz.following(start).take(10_000) {
        if t.timestamp().as_microsecond() >= to {
            break;
        }
        if t.offset().seconds() % 3600 != 0 {
            return false;
        }
    }
    true
}

/// Every hour in [from, to) that starts at one of `hours` (UTC hours of the day), ascending.
fn hour_buckets(from: i64, to: i64, hours: &[u32]) -> Vec<i64> {
    let mut out = Vec::new();
    let mut day = floor_to(from, DAY_MICROS);
    while day < to {
        out.extend(
            hours
                .iter()
                .map(|&h| day + i64::from(h) * HOUR_MICROS)
                .filter(|b| (from..to).contains(b)),
        );
        day += DAY_MICROS;
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// How a piece's rows land in time buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Each row goes to the bucket of its own start.
    Plain,
    /// Daily rollups: each UTC day goes to the bucket of its midday.
    Midday,
    /// Hourly rollups of the hours whose bucket differs from their UTC day's midday bucket:
    /// moved from that bucket to their own.
    Correction,
}

/// UTC hours of the day that may fall in another local bucket than their day's midday, for
/// every offset `tz` takes in [from, to): the |offset| hours next to UTC midnight.
fn misplaced_hours(tz: &TimeZone, from: i64, to: i64) -> Vec<u32> {
    let mut offsets = Vec::new();
    if let Ok(start) = Timestamp::from_microsecond(from) {
        offsets.push(tz.to_offset(start).seconds() / 3600);
        for t in tz.following(start).take(10_000) {
            if t.timestamp().as_microsecond() >= to {
                break;
            }
            offsets.push(t.offset().seconds() / 3600);
        }
    }
    let mut hours: Vec<u32> = offsets
        .into_iter()
        .flat_map(|k| {
            let k = k.clamp(-23, 23);
            if k < 0 {
                (0..-k).map(|h| h as u32).collect::<Vec<_>>()
            } else {
                ((24 - k)..24).map(|h| h as u32).collect()
            }
        })
        .collect();
    hours.sort_unstable();
    hours.dedup();
    hours
}

/// The pieces a count over [from, to) is read from: rollups for whole days and hours,
/// events for partial hours (and wherever rollups cannot answer).
fn plan(base: &CountQuery, time: Option<(Interval, &TimeZone)>) -> Vec<(CountQuery, Role)> {
    let piece = |source, from, to| CountQuery {
        source,
        from,
        to,
        ..base.clone()
    };
    let (from, to) = (base.from, base.to);
    let h0 = ceil_to(from, HOUR_MICROS);
    let h1 = floor_to(to, HOUR_MICROS);
    if !base.rollup_can_answer(CountSource::Daily) || h0 >= h1 {
        return vec![(piece(CountSource::Events, from, to), Role::Plain)];
    }
    let mut out = Vec::new();
    if from < h0 {
        out.push((piece(CountSource::Events, from, h0), Role::Plain));
    }
    if h1 < to {
        out.push((piece(CountSource::Events, h1, to), Role::Plain));
    }
    let utc = time.is_none_or(|(_, tz)| crate::model::time::is_utc(tz));
    let aligned = time.is_none_or(|(_, tz)| hour_aligned(tz, from, to));
    let hourly_ok = base.rollup_can_answer(CountSource::Hourly) && aligned;
    // days in a zone: daily rollups each put in the bucket of its midday, corrected by the
    // few hours next to UTC midnight that belong to a neighbouring local day
    let midday = !utc && hourly_ok && time.is_some_and(|(i, _)| i != Interval::Hour);
    let daily_ok =
        time.is_none() || (utc && time.is_some_and(|(i, _)| i != Interval::Hour)) || midday;
    let hours = |a: i64, b: i64, out: &mut Vec<(CountQuery, Role)>| {
        if a < b {
            let source = if hourly_ok {
                CountSource::Hourly
            } else {
                CountSource::Events
            };
            out.push((piece(source, a, b), Role::Plain));
        }
    };
    let d0 = ceil_to(h0, DAY_MICROS);
    let d1 = floor_to(h1, DAY_MICROS);
    if daily_ok && d0 < d1 {
        if midday {
            out.push((piece(CountSource::Daily, d0, d1), Role::Midday));
            if let Some((_, tz)) = time {
                let misplaced = misplaced_hours(tz, d0, d1);
                if !misplaced.is_empty() {
                    let mut q = piece(CountSource::Hourly, d0, d1);
                    q.buckets = Some(hour_buckets(d0, d1, &misplaced));
                    out.push((q, Role::Correction));
                }
            }
        } else {
            out.push((piece(CountSource::Daily, d0, d1), Role::Plain));
        }
        hours(h0, d0, &mut out);
        hours(d1, h1, &mut out);
    } else {
        hours(h0, h1, &mut out);
    }
    out
}

/// Counts events matching `f`, grouped by action and/or actor and/or a time interval.
pub async fn count(
    store: &dyn Store,
    org: &Org,
    f: &Filters,
    by_action: bool,
    by_actor: bool,
    time: Option<Interval>,
) -> Result<RawCounts, ServiceError> {
    let mut out = RawCounts::default();
    if f.is_empty_selection() {
        return Ok(out);
    }
    let from = f.from.unwrap_or(0);
    // no event can be later than its ingest time plus the allowed clock skew
    let to =
        f.to.unwrap_or_else(|| ceil_to(now_micros() + 10 * 60 * 1_000_000, HOUR_MICROS));
    if from >= to {
        return Ok(out);
    }
    let base = CountQuery {
        actions: f.actions.clone(),
        entity_ids: f.entity_ids.clone(),
        actor_ids: f.actor_ids.clone(),
        actor_types: f.actor_types.clone(),
        by_action,
        by_actor,
        by_time: time.is_some(),
        ..CountQuery::new(CountSource::Events, from, to)
    };
    let mut bucket_cache: foldhash::HashMap<i64, i64> = Default::default();
    let mut bucket_of = |interval: Interval, t: i64| -> Result<i64, ServiceError> {
        if let Some(b) = bucket_cache.get(&t) {
            return Ok(*b);
        }
        let b = interval.floor(t, &f.tz)?.timestamp().as_microsecond();
        bucket_cache.insert(t, b);
        Ok(b)
    };
    // signed while corrections move counts between buckets
    let mut groups: foldhash::HashMap<CountKey, i64> = Default::default();
    // Rollups leave out the records of reads (`Catalog::rolled_up`): a count that includes
    // any is read from the events; the default selection (every action but those) is what
    // the rollups hold, so their pieces need no action filter at all.
    let catalog = crate::model::Catalog::builtin();
    let (reads_included, default_selection) = match &f.actions {
        None => (true, false),
        Some(a) => (
            a.iter().any(|x| !catalog.rolled_up(x)),
            a.len()
                == catalog
                    .actions()
                    .filter(|x| catalog.rolled_up(&x.name))
                    .count(),
        ),
    };
    let pieces = if reads_included {
        vec![(base.clone(), Role::Plain)]
    } else if default_selection {
        let rollup_base = CountQuery {
            actions: None,
            ..base.clone()
        };
        plan(&rollup_base, time.map(|i| (i, &f.tz)))
            .into_iter()
            .map(|(mut q, role)| {
                if q.source == CountSource::Events {
                    q.actions = base.actions.clone();
                }
                (q, role)
            })
            .collect()
    } else {
        plan(&base, time.map(|i| (i, &f.tz)))
    };
    // Correction pieces: the UTC day of each misplaced hour -> the bucket it belongs to
    let mut day_own: foldhash::HashMap<i64, i64> = Default::default();
    // Midday pieces: the UTC days they counted (read before their correction)
    let mut days_counted: foldhash::HashSet<i64> = Default::default();
    for (mut piece, role) in pieces {
        if let (Role::Correction, Some(interval), Some(candidates)) =
            (role, time, piece.buckets.take())
        {
            // Only the hours that are really misplaced (a zone's summer hours are not), and
            // when all of a day's land in one bucket (always, but for offsets of a day or
            // more), the database sums them per day.
            let mut misplaced = Vec::new();
            let mut uniform = true;
            // days without events (no daily rollup row) have nothing to move: a count
            // with no `from` starts in 1970
            for b in candidates {
                let day = floor_to(b, DAY_MICROS);
                if !days_counted.contains(&day) {
                    continue;
                }
                let counted = bucket_of(interval, day + 12 * HOUR_MICROS)?;
                let own = bucket_of(interval, b)?;
                if counted != own {
                    misplaced.push(b);
                    if day_own.insert(day, own).is_some_and(|o| o != own) {
                        uniform = false;
                    }
                }
            }
            if misplaced.is_empty() {
                continue;
            }
            piece.buckets = Some(misplaced);
            piece.time_by_day = uniform;
        }
        for row in store.count(org, &piece).await? {
            let CountRow {
                time: t,
                action,
                actor_type,
                actor_id,
                via_type,
                n,
            } = row;
            let actor = match (actor_type, actor_id, via_type) {
                (Some(t), Some(i), Some(v)) => Some((t, i, v)),
                _ => None,
            };
            let n = n as i64;
            let (Some(interval), Some(t)) = (time, t) else {
                *groups.entry((None, action, actor)).or_default() += n;
                continue;
            };
            match role {
                Role::Plain => {
                    let b = bucket_of(interval, t)?;
                    *groups.entry((Some(b), action, actor)).or_default() += n;
                }
                Role::Midday => {
                    days_counted.insert(t);
                    let b = bucket_of(interval, t + 12 * HOUR_MICROS)?;
                    *groups.entry((Some(b), action, actor)).or_default() += n;
                }
                Role::Correction => {
                    let day = floor_to(t, DAY_MICROS);
                    let counted = bucket_of(interval, day + 12 * HOUR_MICROS)?;
                    let own = if piece.time_by_day {
                        *day_own.get(&day).ok_or_else(|| {
                            ServiceError::Internal(format!(
                                "no misplaced hours asked for on day {day}"
                            ))
                        })?
                    } else {
                        bucket_of(interval, t)?
                    };
                    if counted != own {
                        *groups
                            .entry((Some(counted), action.clone(), actor.clone()))
                            .or_default() -= n;
                        *groups.entry((Some(own), action, actor)).or_default() += n;
                    }
                }
            }
        }
    }
    out.groups = groups
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| (k, n as u64))
        .collect();
    Ok(out)
}

/// A parsed `group_by`.
pub fn parse_group_by(raw: Option<&str>) -> Result<Vec<Dim>, ServiceError> {
    let mut dims = Vec::new();
    for name in raw
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let Some((_, d)) = Dim::ALL.iter().find(|(n, _)| *n == name) else {
            let known: Vec<&str> = Dim::ALL.iter().map(|(n, _)| *n).collect();
            return Err(ServiceError::bad_param(
                "group_by",
                format!("unknown group_by {name:?}; use any of {}", known.join(", ")),
            ));
        };
        if dims.contains(d) {
            return Err(ServiceError::bad_param(
                "group_by",
                format!("{name} given twice"),
            ));
        }
        dims.push(*d);
    }
    if dims.iter().filter(|d| d.interval().is_some()).count() > 1 {
        return Err(ServiceError::bad_param(
            "group_by",
            "group by at most one of hour, day, week, month",
        ));
    }
    Ok(dims)
}

/// One group of a summary, ready to print.
#[derive(Debug, Clone)]
pub struct Group {
    /// (dimension, value) in the order asked for; the actor is an object.
    pub key: Vec<(Dim, Value)>,
    pub count: u64,
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub group_by: Vec<Dim>,
    pub groups: Vec<Group>,
    pub total: u64,
    /// More groups exist than `limit` allowed.
    pub truncated: bool,
}

pub async fn summary(
    store: &dyn Store,
    catalog: &Catalog,
    org: &Org,
    params: &Params,
    f: &Filters,
) -> Result<Summary, ServiceError> {
    let dims = parse_group_by(params.get("group_by"))?;
    let limit = match params.get("limit") {
        // a CSV has no room for "truncated": give it every group unless told otherwise
        None if params.get("format") == Some("csv") => MAX_GROUPS,
        None => DEFAULT_GROUPS,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=MAX_GROUPS).contains(&n) => n,
            _ => {
                return Err(ServiceError::bad_param(
                    "limit",
                    format!("limit must be an integer from 1 to {MAX_GROUPS}"),
                ));
            }
        },
    };
    let by_action = dims.iter().any(|d| d.derives_from_action());
    let by_actor = dims.iter().any(|d| matches!(d, Dim::Actor | Dim::ViaType));
    let interval = dims.iter().find_map(|d| d.interval());
    let raw = count(store, org, f, by_action, by_actor, interval).await?;

    let user_ids: Vec<String> = if dims.contains(&Dim::Actor) {
        let mut ids: Vec<String> = raw
            .groups
            .keys()
            .filter_map(|(_, _, a)| a.as_ref())
            .filter(|(t, id, _)| t == "user" && !id.is_empty())
            .map(|(_, id, _)| id.clone())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    } else {
        Vec::new()
    };
    let names: HashMap<String, String> = store
        .actor_names(org, &user_ids)
        .await?
        .into_iter()
        .collect();

    type Keyed = (Vec<(Dim, Value)>, u64);
    let mut grouped: BTreeMap<Vec<String>, Keyed> = BTreeMap::new();
    let mut labels: foldhash::HashMap<i64, String> = Default::default();
    let mut total = 0u64;
    for ((bucket, action, actor), n) in raw.groups {
        total += n;
        let a = action.as_deref().and_then(|a| catalog.action(a));
        let mut key = Vec::with_capacity(dims.len());
        for d in &dims {
            let v = match d {
                Dim::Category => json!(a.map(|a| a.category.as_str())),
                Dim::EntityType => json!(a.map(|a| a.entity_type.as_str())),
                Dim::Action => json!(action),
                Dim::Verb => json!(a.map(|a| a.verb.as_str())),
                Dim::Actor => match &actor {
                    Some((t, _, _)) if t == "system" => {
                        json!({"type": "system", "id": null, "name": "System"})
                    }
                    Some((t, id, _)) => {
                        let name = names.get(id).cloned().unwrap_or_else(|| id.clone());
                        json!({"type": t, "id": id, "name": name})
                    }
                    None => Value::Null,
                },
                Dim::ViaType => match &actor {
                    Some((_, _, v)) if !v.is_empty() => json!(v),
                    _ => Value::Null,
                },
                Dim::Hour | Dim::Day | Dim::Week | Dim::Month => {
                    let label = match (d.interval(), bucket) {
                        // a year of days is a few hundred buckets over thousands of groups
                        (Some(i), Some(b)) => match labels.get(&b) {
                            Some(l) => l.clone(),
                            None => {
                                let z = Timestamp::from_microsecond(b)
                                    .map_err(|e| ServiceError::Internal(e.to_string()))?
                                    .to_zoned(f.tz.clone());
                                let l = i.label(&z);
                                labels.insert(b, l.clone());
                                l
                            }
                        },
                        _ => String::new(),
                    };
                    json!(label)
                }
            };
            key.push((*d, v));
        }
        let sort_key: Vec<String> = key.iter().map(|(_, v)| v.to_string()).collect();
        let entry = grouped.entry(sort_key).or_insert((key, 0));
        entry.1 += n;
    }
    let mut groups: Vec<Group> = grouped
        .into_values()
        .map(|(key, count)| Group { key, count })
        .collect();
    // largest first; ties in key order (the BTreeMap order), so answers are deterministic
    groups.sort_by_key(|g| std::cmp::Reverse(g.count));
    if dims.is_empty() {
        // no group_by: only the total
        groups.clear();
    }
    let truncated = groups.len() > limit;
    groups.truncate(limit);
    Ok(Summary {
        group_by: dims,
        groups,
        total,
        truncated,
    })
}

impl Summary {
    pub fn to_json(&self) -> Value {
        let groups: Vec<Value> = self
            .groups
            .iter()
            .map(|g| {
                let mut m = serde_json::Map::new();
                for (d, v) in &g.key {
                    m.insert(d.name().to_string(), v.clone());
                }
                m.insert("count".into(), json!(g.count));
                Value::Object(m)
            })
            .collect();
        json!({
            "group_by": self.group_by.iter().map(|d| d.name()).collect::<Vec<_>>(),
            "groups": groups,
            "total": self.total,
            "truncated": self.truncated,
        })
    }
}

/// The histogram: zero-filled buckets of `interval` in `tz`, optionally stacked.
pub async fn histogram(
    store: &dyn Store,
    catalog: &Catalog,
    org: &Org,
    params: &Params,
    f: &Filters,
) -> Result<Value, ServiceError> {
    let interval = match params.get("interval") {
        None => Interval::Day,
        Some(v) => Interval::parse(v).ok_or_else(|| {
            ServiceError::bad_param("interval", "interval must be hour, day, week or month")
        })?,
    };
    let stack = match params.get("stack") {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hour_buckets_are_the_named_hours_inside_the_range() {
        let d = 20_000 * DAY_MICROS;
        let at = |day: i64, h: i64| d + day * DAY_MICROS + h * HOUR_MICROS;
        // from 02:00 on day d to 03:00 on day d+2, hours 0, 2 and 23
        assert_eq!(
            hour_buckets(at(0, 2), at(2, 3), &[23, 0, 2]),
            vec![
                at(0, 2),
                at(0, 23),
                at(1, 0),
                at(1, 2),
                at(1, 23),
                at(2, 0),
                at(2, 2)
            ]
        );
        // the end is exclusive; an empty range has none
        assert_eq!(hour_buckets(d, at(0, 2), &[2]), Vec::<i64>::new());
        assert_eq!(hour_buckets(d, d, &[0]), Vec::<i64>::new());
        // before 1970 too
        assert_eq!(
            hour_buckets(-DAY_MICROS, 0, &[5]),
            vec![-DAY_MICROS + 5 * HOUR_MICROS]
        );
    }
}
