//! Time, twice. [`Clock`]: the monotonic time that ages what is cached (an authinfo's
//! lifetime), a part a test can replace (the authinfo cache's tests move one by hand). [`ClockOffset`]: how far this machine's wall clock is
//! from WeChat's, measured from each response's `Date` header. A kiosk with a flat RTC battery
//! signs requests WeChat rejects; we want to tell the technician "your clock is 7 minutes
//! behind", not "signature error".

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use super::v3::verify::MAX_SKEW_SECS;

/// The monotonic time of whatever ages tokens.
pub trait Clock: Send + Sync + fmt::Debug {
    fn now(&self) -> Instant;
}

/// The machine's monotonic clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

const UNKNOWN: i64 = i64::MIN;

#[derive(Debug)]
pub struct ClockOffset {
    /// Server minus local, in seconds; `UNKNOWN` before the first response.
    offset: AtomicI64,
}

impl Default for ClockOffset {
    fn default() -> Self {
        Self {
            offset: AtomicI64::new(UNKNOWN),
        }
    }
}

/// How close to WeChat's limit an offset may come before [`ClockOffset::check`] refuses:
/// the offset is measured in whole seconds over a network, and the patient's session lasts a
/// while after the check.
pub const SKEW_MARGIN_SECS: i64 = 60;

impl ClockOffset {
    /// Records the offset from an HTTP `Date` header, if it parses.
    pub fn observe_date_header(&self, date: &str, local_now: i64) {
        if let Ok(server) = httpdate::parse_http_date(date)
            && let Ok(since_epoch) = server.duration_since(std::time::UNIX_EPOCH)
            && let Ok(server_secs) = i64::try_from(since_epoch.as_secs())
        {
            self.observe_server_time(server_secs, local_now);
        }
    }

    /// Records the offset from a server timestamp (a verified `Wechatpay-Timestamp`). Absurd
    /// values are ignored rather than overflowing.
    pub fn observe_server_time(&self, server_secs: i64, local_now: i64) {
        if let Some(offset) = server_secs.checked_sub(local_now)
            && offset != UNKNOWN
        {
            self.offset.store(offset, Ordering::Relaxed);
        }
    }

    /// Server time minus our time, in seconds, once a response has been seen.
    pub fn offset_secs(&self) -> Option<i64> {
        match self.offset.load(Ordering::Relaxed) {
            UNKNOWN => None,
            o => Some(o),
        }
    }

    /// True when the last measured offset is large enough for WeChat to reject our
    /// signatures (and us to reject theirs).
    pub fn is_rejectable(&self) -> bool {
        self.offset_secs()
            .is_some_and(|o| o.unsigned_abs() >= MAX_SKEW_SECS.unsigned_abs())
    }

    /// The last measured offset if it comes within [`SKEW_MARGIN_SECS`] of WeChat's limit;
    /// `Ok` when it is smaller or not measured yet.
    pub fn check(&self) -> Result<(), i64> {
        let limit = (MAX_SKEW_SECS - SKEW_MARGIN_SECS).unsigned_abs();
        match self.offset_secs() {
            Some(o) if o.unsigned_abs() >= limit => Err(o),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_from_date_header() {
        let c = ClockOffset::default();
        assert_eq!(c.offset_secs(), None);
        // Sun, 06 Nov 1994 08:49:37 GMT = 784111777
        c.observe_date_header("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777 - 420);
        assert_eq!(c.offset_secs(), Some(420));
        assert!(c.is_rejectable());
        c.observe_date_header("garbage", 0);
        assert_eq!(c.offset_secs(), Some(420));
        c.observe_date_header("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777 + 3);
        assert!(!c.is_rejectable());
        assert_eq!(c.check(), Ok(()));
    }

    #[test]
    fn absurd_times_do_not_overflow() {
        let c = ClockOffset::default();
        c.observe_date_header("Sun, 06 Nov 1994 08:49:37 GMT", i64::MIN);
        c.observe_date_header("Sun, 06 Nov 1994 08:49:37 GMT", i64::MAX);
        c.observe_server_time(i64::MAX, -1);
        c.observe_server_time(i64::MIN, 1);
        assert_eq!(c.offset_secs(), Some(784_111_777 - i64::MAX));
        assert_eq!(c.check(), Err(784_111_777 - i64::MAX));
        c.observe_server_time(0, i64::MAX);
        c.observe_server_time(-1, i64::MAX);
        assert!(c.is_rejectable());
    }

    #[test]
    fn check_refuses_before_wechat_would() {
        let c = ClockOffset::default();
        assert_eq!(c.check(), Ok(()), "not measured yet");
        c.observe_server_time(1_000 + 239, 1_000);
        assert_eq!(c.check(), Ok(()));
        c.observe_server_time(1_000 - 240, 1_000);
        assert_eq!(c.check(), Err(-240));
        assert!(!c.is_rejectable());
    }
}
