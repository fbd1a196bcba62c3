//! Counting events for the reports: which rollups (daily, hourly) and which events answer
//! a range, in a time zone, and how their rows land in the local time buckets.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::Interval;
use crate::model::Org;
use crate::model::time::now_micros;
use crate::service::ServiceError;
use crate::service::query::Filters;
use crate::store::{CountQuery, CountRow, CountSource, DAY_MICROS, HOUR_MICROS, Store};

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
/// `catalog` is the org's (the one `f` was resolved against): a selection of every action it
/// rolls up is the default one.
pub async fn count(
    store: &dyn Store,
    catalog: &crate::model::Catalog,
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
