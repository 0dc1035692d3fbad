//! Wrong PINs lock the staff entry with growing delays: after 3 wrong PINs in a row 30 s, then
//! twice as long after each further wrong PIN, up to 15 minutes. The state is kept in an
//! owner-only file (`staff-lockout.json`) so a restart does not clear it; a right PIN does.
//!
//! Times are passed in (`now`) rather than read here: the caller owns the clock and the tests
//! need no sleeping.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::StaffError;
use crate::files::{corrupt, read_private, write_atomic};
use crate::time::unix_seconds;

/// Wrong PINs allowed before the first delay.
pub const FREE_TRIES: u32 = 3;
pub const FIRST_DELAY: Duration = Duration::from_secs(30);
pub const MAX_DELAY: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct State {
    /// Wrong PINs since the last right one.
    failures: u32,
    /// Unix seconds before which no PIN is checked.
    locked_until: u64,
}

#[derive(Debug)]
pub struct Lockout {
    path: PathBuf,
    state: State,
}

impl Lockout {
    pub fn load(path: &Path) -> Result<Self, StaffError> {
        let state = match read_private(path)? {
            None => State::default(),
            Some(text) => serde_json::from_str(&text).map_err(|e| corrupt(path, e.line(), &e))?,
        };
        Ok(Self {
            path: path.to_path_buf(),
            state,
        })
    }

    /// `Err(Locked)` while the entry is locked: the PIN must then not even be checked.
    pub fn check(&mut self, now: SystemTime) -> Result<(), StaffError> {
        let now = unix_seconds(now);
        if now >= self.state.locked_until {
            return Ok(());
        }
        let delay = delay_after(self.state.failures).as_secs();
        if self.state.locked_until - now > delay {
            // The clock was set back: the lock restarts from now instead of lasting as long
            // as the clock was set back by.
            self.state.locked_until = now + delay;
            self.save()?;
        }
        Err(StaffError::Locked {
            remaining_secs: self.state.locked_until - now,
        })
    }

    /// Counts a wrong PIN and returns the delay it starts (zero while tries remain).
    pub fn record_failure(&mut self, now: SystemTime) -> Result<Duration, StaffError> {
        self.state.failures = self.state.failures.saturating_add(1);
        let delay = delay_after(self.state.failures);
        self.state.locked_until = unix_seconds(now) + delay.as_secs();
        self.save()?;
        Ok(delay)
    }

    /// A right PIN: the count starts again.
    pub fn record_success(&mut self) -> Result<(), StaffError> {
        if self.state == State::default() {
            return Ok(());
        }
        self.state = State::default();
        self.save()
    }

    pub fn failures(&self) -> u32 {
        self.state.failures
    }

    fn save(&self) -> Result<(), StaffError> {
        let json = serde_json::to_vec(&self.state).expect("lockout serializes");
        write_atomic(&self.path, &json)
    }
}

/// The lock that the `failures`-th wrong PIN in a row starts.
pub fn delay_after(failures: u32) -> Duration {
    if failures < FREE_TRIES {
        return Duration::ZERO;
    }
    let doublings = (failures - FREE_TRIES).min(16);
    FIRST_DELAY.saturating_mul(1 << doublings).min(MAX_DELAY)
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
    }

    #[test]
    fn delays_grow_from_the_third_wrong_pin_and_stop_at_fifteen_minutes() {
        let secs: Vec<u64> = (1..=10).map(|n| delay_after(n).as_secs()).collect();
        assert_eq!(secs, [0, 0, 30, 60, 120, 240, 480, 900, 900, 900]);
        assert_eq!(delay_after(u32::MAX), MAX_DELAY);
    }

    #[test]
    fn a_lock_survives_a_reload_and_a_right_pin_clears_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("staff-lockout.json");
        let mut lockout = Lockout::load(&path).unwrap();
        for _ in 0..2 {
            assert_eq!(lockout.record_failure(at(0)).unwrap(), Duration::ZERO);
            lockout.check(at(0)).unwrap();
        }
        assert_eq!(lockout.record_failure(at(0)).unwrap().as_secs(), 30);

        let mut reloaded = Lockout::load(&path).unwrap();
        match reloaded.check(at(10)) {
            Err(StaffError::Locked { remaining_secs }) => assert_eq!(remaining_secs, 20),
            other => panic!("{other:?}"),
        }
        reloaded.check(at(30)).unwrap();
        assert_eq!(reloaded.record_failure(at(30)).unwrap().as_secs(), 60);
        assert!(reloaded.check(at(89)).is_err());

        reloaded.record_success().unwrap();
        let mut cleared = Lockout::load(&path).unwrap();
        assert_eq!(cleared.failures(), 0);
        cleared.check(at(31)).unwrap();
    }

    #[test]
    fn a_clock_set_back_locks_for_no_longer_than_the_current_delay() {
        let dir = tempfile::tempdir().unwrap();
        let mut lockout = Lockout::load(&dir.path().join("l.json")).unwrap();
        for _ in 0..3 {
            lockout.record_failure(at(100_000)).unwrap();
        }
        match lockout.check(at(0)) {
            Err(StaffError::Locked { remaining_secs }) => assert_eq!(remaining_secs, 30),
            other => panic!("{other:?}"),
        }
        assert!(lockout.check(at(29)).is_err());
        lockout.check(at(30)).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn the_lockout_file_is_owner_only_and_refused_when_loose() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("staff-lockout.json");
        Lockout::load(&path).unwrap().record_failure(at(0)).unwrap();
        assert_eq!(crate::files::tests::mode(&path), 0o600);
        crate::files::tests::loosen(&path);
        let err = Lockout::load(&path).unwrap_err().to_string();
        assert!(err.contains("staff-lockout.json"), "{err}");
    }
}
