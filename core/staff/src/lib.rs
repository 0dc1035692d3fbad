//! The staff mode's core (issue 12), without its screens: accounts with Argon2id-hashed
//! PINs, the entry lockout, the staff session and its inactivity timeout, the tamper-evident
//! audit trail and the out-of-service state.
//!
//! Every file lives beside the configuration ([`StaffFiles::beside`]), is owner-only (0600)
//! from its first byte and is refused, naming it, when anyone else may read it:
//!
//! | file | what |
//! |---|---|
//! | `staff.json` | the accounts (name, role, PIN hash, creation time) |
//! | `staff-lockout.json` | wrong PINs in a row and the lock they started |
//! | `staff-audit.jsonl` | the audit trail, one hash-chained entry a line |
//! | `suspended.json` | present while the kiosk is out of service |
//!
//! The first account can only be made with `facekiosk-cli staff add`, on the machine: the
//! kiosk's staff mode opens only for an existing account.
//!
//! What each role may do ([`Role::may`]):
//!
//! | permission | staff | technician |
//! |---|---|---|
//! | suspend and resume the kiosk | yes | yes |
//! | kiosk settings (consent texts, timeouts, language) | yes | yes |
//! | forget a patient, export receipts | yes | yes |
//! | read and export the audit trail | yes | yes |
//! | merchant settings (merchant, store and device ids, info_type) | yes | yes |
//! | terminal and hospital hand-off settings | no | yes |
//! | diagnostics (terminal, SDK, WeChat checks, log, support bundle) | no | yes |

pub mod accounts;
pub mod audit;
mod files;
pub mod lockout;
pub mod message;
pub mod session;
pub mod suspend;
pub mod time;

use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use facekiosk_pii::Secret;

pub use accounts::{Account, Accounts};
pub use audit::{Action, AuditTrail, Broken, Entry, SettingChange};
pub use lockout::Lockout;
pub use message::Message;
pub use session::{Permission, Role, StaffSession};
pub use suspend::{OutOfService, Suspension};

/// Errors of the staff files and rules. None holds a PIN, a PIN hash or a secret value.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} may be read by others ({exposure}); run `{}`", path.display(), exposure.fix(path))]
    Exposed {
        path: PathBuf,
        exposure: facekiosk_pii::secret_file::Exposure,
    },
    #[error("{} line {line}: not readable ({detail})", path.display())]
    Corrupt {
        path: PathBuf,
        line: usize,
        detail: String,
    },
    #[error("wrong name or PIN")]
    WrongPin,
    #[error("PIN {0}")]
    InvalidPin(&'static str),
    #[error("another account has this PIN; choose another")]
    PinInUse,
    #[error("account name {name:?} {reason}")]
    InvalidName { name: String, reason: &'static str },
    #[error("no account named {0:?}")]
    UnknownAccount(String),
    #[error("an account named {0:?} exists already")]
    DuplicateAccount(String),
    #[error("{0:?} is the last technician account; add another technician first")]
    LastTechnician(String),
    #[error("too many wrong PINs: try again in {remaining_secs} s")]
    Locked { remaining_secs: u64 },
    #[error("message.{field} {reason}")]
    InvalidMessage {
        field: &'static str,
        reason: &'static str,
    },
    #[error("cannot hash the PIN: {0}")]
    Hash(String),
}

/// The staff files of one kiosk.
#[derive(Debug, Clone)]
pub struct StaffFiles {
    dir: PathBuf,
}

impl StaffFiles {
    /// The files in the configuration file's folder.
    pub fn beside(config: &Path) -> Self {
        let dir = match config.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Self { dir }
    }

    pub fn accounts(&self) -> PathBuf {
        self.dir.join("staff.json")
    }

    pub fn lockout(&self) -> PathBuf {
        self.dir.join("staff-lockout.json")
    }

    pub fn audit(&self) -> PathBuf {
        self.dir.join("staff-audit.jsonl")
    }

    pub fn suspension(&self) -> PathBuf {
        self.dir.join("suspended.json")
    }

    /// The staff entry: the lock checked first (a locked entry checks no PIN), then the PIN;
    /// the lockout updated and the outcome audited either way. A granted entry starts a
    /// session.
    pub fn enter(
        &self,
        name: Option<&str>,
        pin: &Secret,
        wall: SystemTime,
        now: Instant,
    ) -> Result<StaffSession, StaffError> {
        let audit = AuditTrail::new(&self.audit());
        let refused_as = name.unwrap_or("-");
        let mut lockout = Lockout::load(&self.lockout())?;
        if let Err(locked) = lockout.check(wall) {
            audit.append(wall, refused_as, Action::EntryRefused { locked: true })?;
            return Err(locked);
        }
        let accounts = Accounts::load(&self.accounts())?;
        let Some(account) = accounts.verify(name, pin) else {
            let lock = lockout.record_failure(wall)?;
            audit.append(wall, refused_as, Action::EntryRefused { locked: false })?;
            tracing::info!(failures = lockout.failures(), "staff entry refused");
            // The wrong PIN that starts a lock says so at once: whoever typed it should not
            // find out by typing another.
            return Err(if lock.is_zero() {
                StaffError::WrongPin
            } else {
                StaffError::Locked {
                    remaining_secs: lock.as_secs(),
                }
            });
        };
        lockout.record_success()?;
        audit.append(wall, &account.name, Action::EntryGranted)?;
        Ok(StaffSession::start(&account.name, account.role, now))
    }
}

#[cfg(test)]
mod tests;
