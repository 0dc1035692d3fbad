//! Entering and leaving the staff mode.

use facekiosk_pii::Secret;
use facekiosk_staff::{StaffError, StaffSession};
use serde::Serialize;

use crate::{Console, ConsoleError, Now, StaffView};

/// How a PIN was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum Entry {
    /// The staff mode is open for this account.
    Granted(StaffView),
    /// Wrong PIN (which account was tried is never said).
    Refused,
    /// Too many wrong PINs: no PIN is checked for this long.
    #[serde(rename_all = "camelCase")]
    Locked {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        remaining_secs: u64,
    },
}

impl Console {
    /// Checks the PIN (any account's: each PIN is unique) and opens the staff mode. A wrong
    /// PIN and a locked entry are answers, not errors; an error is a staff file that cannot be
    /// used (no accounts made yet included).
    pub fn enter(&self, pin: &Secret, now: Now) -> Result<Entry, ConsoleError> {
        match self.files.enter(None, pin, now.wall, now.mono) {
            Ok(session) => {
                let view = StaffView::of(&session);
                tracing::info!(account = session.account(), "staff mode entered");
                *self.lock() = Some(session);
                Ok(Entry::Granted(view))
            }
            Err(StaffError::WrongPin) => Ok(Entry::Refused),
            Err(StaffError::Locked { remaining_secs }) => Ok(Entry::Locked { remaining_secs }),
            Err(other) => Err(other.into()),
        }
    }

    /// Who is in, if the staff mode is open.
    pub fn current(&self, now: Now) -> Option<StaffView> {
        let mut session = self.lock();
        if session.as_ref().is_some_and(|s| s.expired(now.mono)) {
            *session = None;
        }
        session.as_ref().map(StaffView::of)
    }

    /// Keeps the staff mode open (a touch on its screens that is no action).
    pub fn touch(&self, now: Now) -> Result<(), ConsoleError> {
        let mut session = self.lock();
        match session.as_mut().filter(|s| !s.expired(now.mono)) {
            Some(open) => {
                open.touch(now.mono);
                Ok(())
            }
            None => {
                *session = None;
                Err(ConsoleError::NotEntered)
            }
        }
    }

    /// Closes the staff mode (the leave button, or the screens' inactivity timer).
    pub fn leave(&self) {
        if let Some(session) = self.lock().take() {
            tracing::info!(account = session.account(), "staff mode left");
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<StaffSession>> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }
}
