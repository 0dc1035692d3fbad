//! `terminal.link_events`: how the running kiosk's link to the face terminal changed over the
//! last hour (a loose cable shows as drops and returns, a dying bridge as restarts). Only the
//! running kiosk has this: the app feeds [`LinkLog`] from its link status and the staff mode's
//! diagnostics add the check; `facekiosk-cli doctor`, another process, cannot see it.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use facekiosk_terminal::status::LinkState;

use crate::Check;

const ID: &str = "terminal.link_events";
/// What the check looks back over.
pub const WINDOW: Duration = Duration::from_secs(3600);
/// The most events kept (a flapping link must not grow the log without bound).
const KEPT: usize = 256;
/// How many of the last events the detail lists.
const LISTED: usize = 6;

/// The link's changes, newest last.
#[derive(Debug, Default)]
pub struct LinkLog {
    events: VecDeque<(SystemTime, LinkState)>,
}

impl LinkLog {
    /// A new state of the link (repeats of the same state are not changes).
    pub fn record(&mut self, at: SystemTime, state: LinkState) {
        if self.events.back().is_some_and(|(_, last)| *last == state) {
            return;
        }
        if self.events.len() == KEPT {
            self.events.pop_front();
        }
        self.events.push_back((at, state));
    }

    /// The last hour's changes: ok when the link stayed up (or came up once), a warning when
    /// it dropped, with how often and the last changes.
    pub fn check(&self, now: SystemTime) -> Check {
        let since = now.checked_sub(WINDOW).unwrap_or(SystemTime::UNIX_EPOCH);
        let recent: Vec<&(SystemTime, LinkState)> =
            self.events.iter().filter(|(at, _)| *at >= since).collect();
        let drops = recent
            .windows(2)
            .filter(|w| w[0].1 == LinkState::Connected && w[1].1 != LinkState::Connected)
            .count();
        let listed: Vec<String> = recent
            .iter()
            .rev()
            .take(LISTED)
            .map(|(at, state)| {
                let ago = now.duration_since(*at).unwrap_or_default().as_secs();
                format!("{} {ago} s ago", name(*state))
            })
            .collect();
        if recent.is_empty() {
            return Check::ok(ID, "no change of the link in the last hour");
        }
        let detail = format!(
            "{} change(s) in the last hour, {drops} drop(s); latest first: {}",
            recent.len(),
            listed.join(", ")
        );
        if drops == 0 {
            Check::ok(ID, detail)
        } else {
            Check::warn(
                ID,
                detail,
                "the link to the terminal dropped: check the USB cable and port (try another), \
                 and the terminal's power",
            )
        }
    }
}

fn name(state: LinkState) -> String {
    serde_json::to_value(state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{state:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
    }

    #[test]
    fn a_link_that_came_up_once_is_ok_and_drops_are_a_warning_with_the_latest_first() {
        let mut log = LinkLog::default();
        log.record(at(0), LinkState::Starting);
        log.record(at(1), LinkState::Connected);
        log.record(at(2), LinkState::Connected);
        let ok = log.check(at(100));
        assert_eq!(ok.status, crate::Status::Ok);
        assert!(
            ok.detail
                .starts_with("2 change(s) in the last hour, 0 drop(s)"),
            "{}",
            ok.detail
        );

        log.record(at(200), LinkState::WaitingForDevice);
        log.record(at(260), LinkState::Connected);
        let warn = log.check(at(300));
        assert_eq!(warn.status, crate::Status::Warn);
        assert!(
            warn.detail.contains(
                "1 drop(s); latest first: connected 40 s ago, waitingForDevice 100 s ago"
            ),
            "{}",
            warn.detail
        );
    }

    #[test]
    fn only_the_last_hour_counts_and_the_log_stays_bounded() {
        let mut log = LinkLog::default();
        for i in 0..1000u64 {
            let state = if i % 2 == 0 {
                LinkState::Connected
            } else {
                LinkState::NoBridge
            };
            log.record(at(i), state);
        }
        assert_eq!(log.events.len(), KEPT);
        assert_eq!(
            log.check(at(1000 + 3600 + 1)).detail,
            "no change of the link in the last hour"
        );
    }
}
