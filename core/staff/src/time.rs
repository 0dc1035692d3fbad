//! RFC 3339 timestamps in UTC, without a calendar crate: the staff files only ever write "now".

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch; a clock set before 1970 counts as the epoch.
pub fn unix_seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `2026-12-02T14:55:07Z`.
pub fn rfc3339(at: SystemTime) -> String {
    let secs = unix_seconds(at);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm, for days on or after 1970-01-01.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

/// The days since 1970-01-01 of a `YYYY-MM-DD` date (from 1970 on), or `None` for anything
/// else, impossible dates (`2026-02-30`) included.
pub fn parse_date(text: &str) -> Option<u64> {
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (u64, u64, u64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if y < 1970 || !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let days = days_from_civil(y, m, d);
    // Round trip: 2026-02-30 comes back as 2026-03-02.
    (civil_from_days(days) == (y, m, d)).then_some(days)
}

/// Howard Hinnant's civil-to-days algorithm, for dates on or after 1970-01-01.
fn days_from_civil(y: u64, m: u64, d: u64) -> u64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_parse_to_their_day_and_impossible_ones_do_not() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2000-02-29"), Some(11_016));
        assert_eq!(parse_date("2026-12-02"), Some(20_789));
        for bad in [
            "2026-02-30",
            "2025-02-29",
            "2026-13-01",
            "26-12-02",
            "2026-12-2",
            "x",
            "2026-12-02-1",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    use std::time::Duration;

    use super::*;

    #[test]
    fn formats_known_instants() {
        let at = |s| UNIX_EPOCH + Duration::from_secs(s);
        assert_eq!(rfc3339(at(0)), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(at(951_782_400)), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(at(1_796_223_307)), "2026-12-02T14:55:07Z");
    }
}
