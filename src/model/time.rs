//! Timestamps: stored as microseconds since the Unix epoch, written as RFC 3339 UTC with six
//! fractional digits (`2026-11-20T10:00:00.123456Z`).

use jiff::Timestamp;

/// UTC in all but name: offset zero and no transitions ever (UTC, Etc/UTC, ...).
pub fn is_utc(tz: &jiff::tz::TimeZone) -> bool {
    tz.to_offset(Timestamp::UNIX_EPOCH).seconds() == 0
        && tz.following(Timestamp::MIN).next().is_none()
}

pub fn now_micros() -> i64 {
    Timestamp::now().as_microsecond()
}

/// Formats microseconds since the epoch as RFC 3339 UTC, always with 6 fractional digits.
pub fn format_micros(us: i64) -> String {
    match Timestamp::from_microsecond(us) {
        Ok(ts) => ts.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        Err(_) => us.to_string(),
    }
}

/// Parses an RFC 3339 timestamp with an offset (`Z` or `+hh:mm`) into microseconds, truncating
/// anything finer than a microsecond.
pub fn parse_rfc3339_micros(s: &str) -> Result<i64, String> {
    let ts: Timestamp = s
        .parse()
        .map_err(|e| format!("not an RFC 3339 timestamp with offset: {e}"))?;
    Ok(ts.as_microsecond())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_normalizes_offsets() {
        let us = parse_rfc3339_micros("2026-11-20T11:00:00.123+01:00").unwrap();
        assert_eq!(format_micros(us), "2026-11-20T10:00:00.123000Z");
        assert!(parse_rfc3339_micros("2026-11-20 10:00").is_err());
        assert!(parse_rfc3339_micros("2026-11-20T10:00:00").is_err());
    }
}
