//! Reports: Event Counts (`summary.rs`) and the histogram (`histogram.rs`). Both count
//! through [`Store::count`](crate::store::Store::count) (`count.rs`), which reads rollups
//! for whole hours and days and the events themselves for the partial hours at the edges of
//! a range, so answers are exact at any range without scanning every event. This file holds
//! what they share: the dimensions and the time intervals.

mod count;
mod histogram;
mod summary;

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Zoned};

use super::ServiceError;

pub use count::{CountKey, RawCounts, count};
pub use histogram::{Bucket, Histogram, Stack, histogram};
pub use summary::{DimValue, Group, GroupActor, Summary, parse_group_by, summary};

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
    pub fn name(self) -> &'static str {
        match self {
            Interval::Hour => "hour",
            Interval::Day => "day",
            Interval::Week => "week",
            Interval::Month => "month",
        }
    }

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
