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

impl ClockOffset {
    /// Records the offset from an HTTP `Date` header, if it parses.
    pub fn observe_date_header(&self, date: &str, local_now: i64) {
        if let Ok(server) = httpdate::parse_http_date(date)
            && let Ok(since_epoch) = server.duration_since(std::time::UNIX_EPOCH)
        {
            self.offset
                .store(since_epoch.as_secs() as i64 - local_now, Ordering::Relaxed);
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
        self.offset_secs().is_some_and(|o| o.abs() >= MAX_SKEW_SECS)
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
    }
}
