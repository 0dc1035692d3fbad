//! facekiosk-console: the staff mode as a whole, without its screens. Who is in (one staff
//! session at a time, entered with a PIN, ended by leaving or a minute without a touch), what
//! their role lets them do, and each staff action carried out and written to the audit trail:
//! the settings of the kiosk's file ([`settings`]), out of service ([`Console::suspend`]),
//! forgetting a patient by the number on their screen ([`Console::forget`]), reading the audit
//! trail and running the diagnostics.
//!
//! The Tauri shell turns each method into a command and does what only it can: rebuild the
//! kiosk after a saved change, show the out-of-service screen. Times are passed in ([`Now`]),
//! so the tests drive the inactivity timeout without sleeping.

mod entry;
mod export;
mod key_files;
pub mod settings;
mod views;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Instant, SystemTime};

use facekiosk_staff::{AuditTrail, OutOfService, Permission, StaffError, StaffFiles, StaffSession};

pub use entry::Entry;
pub use export::ExportView;
pub use key_files::KeyFileView;
pub use views::{AuditLine, StaffView, SuspensionView};

/// The two clocks a staff action needs: the wall clock for the audit trail, the monotonic one
/// for the inactivity timeout.
#[derive(Debug, Clone, Copy)]
pub struct Now {
    pub wall: SystemTime,
    pub mono: Instant,
}

impl Now {
    pub fn real() -> Now {
        Now {
            wall: SystemTime::now(),
            mono: Instant::now(),
        }
    }
}

/// Why a staff action was not carried out. Messages name files, fields and rules; never a PIN,
/// a secret or a patient's data.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// Nobody is in, or the staff session ended (left, or a minute without a touch).
    #[error("the staff mode is closed: enter the PIN again")]
    NotEntered,
    /// The role of whoever is in does not allow it.
    #[error("a {role} account may not {what}")]
    Forbidden {
        role: &'static str,
        what: &'static str,
    },
    /// The settings did not validate: every problem, by field.
    #[error("{}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<facekiosk_config::Problem>),
    /// A staff file (accounts, audit trail, out-of-service state) cannot be used.
    #[error(transparent)]
    Staff(#[from] StaffError),
    /// The configuration file cannot be read or written.
    #[error("{path}: {detail}")]
    Config { path: PathBuf, detail: String },
    /// The patient records refused.
    #[error("the patient records: {0}")]
    Records(String),
}

/// The staff mode of one kiosk: its configuration file and the staff files beside it.
#[derive(Debug)]
pub struct Console {
    config: PathBuf,
    files: StaffFiles,
    session: Mutex<Option<StaffSession>>,
}

impl Console {
    /// The staff mode of the kiosk configured by the file at `config`.
    pub fn new(config: &Path) -> Console {
        Console {
            config: config.to_path_buf(),
            files: StaffFiles::beside(config),
            session: Mutex::new(None),
        }
    }

    pub fn config_path(&self) -> &Path {
        &self.config
    }

    pub fn files(&self) -> &StaffFiles {
        &self.files
    }

    fn audit(&self) -> AuditTrail {
        AuditTrail::new(&self.files.audit())
    }

    fn out_of_service(&self) -> OutOfService {
        OutOfService::new(&self.files.suspension())
    }

    /// Whoever is in may do `permission`: who they are, and the session touched (any action
    /// keeps it open). A session past its minute is closed here.
    fn authorize(
        &self,
        permission: Permission,
        what: &'static str,
        now: Now,
    ) -> Result<StaffView, ConsoleError> {
        let mut session = self.session.lock().unwrap_or_else(|e| e.into_inner());
        let Some(open) = session.as_mut().filter(|s| !s.expired(now.mono)) else {
            *session = None;
            return Err(ConsoleError::NotEntered);
        };
        if !open.role().may(permission) {
            return Err(ConsoleError::Forbidden {
                role: open.role().as_str(),
                what,
            });
        }
        open.touch(now.mono);
        Ok(StaffView::of(open))
    }

    /// The out-of-service state in force, for the patients' screen (no staff session needed).
    pub fn suspension(&self) -> Result<Option<SuspensionView>, ConsoleError> {
        Ok(self.out_of_service().current()?.map(SuspensionView::from))
    }

    /// Takes the kiosk out of service with this message for patients (or changes it).
    pub fn suspend(&self, zh_cn: &str, en: &str, now: Now) -> Result<SuspensionView, ConsoleError> {
        let account = self
            .authorize(Permission::Suspend, "take the kiosk out of service", now)?
            .account;
        let message = facekiosk_staff::Message::new(zh_cn, en)?;
        let suspension =
            self.out_of_service()
                .suspend(message, &account, &self.audit(), now.wall)?;
        Ok(SuspensionView::from(suspension))
    }

    /// Puts the kiosk back in service; `false` when it was in service.
    pub fn resume(&self, now: Now) -> Result<bool, ConsoleError> {
        let account = self
            .authorize(Permission::Suspend, "put the kiosk back in service", now)?
            .account;
        Ok(self
            .out_of_service()
            .resume(&account, &self.audit(), now.wall)?)
    }

    /// Forgets the patient whose number is `number` (as their screen showed it): they are not
    /// welcomed back any more, and the number is never given again. How many links went.
    pub fn forget(
        &self,
        records: &facekiosk_session::Records,
        number: &str,
        now: Now,
    ) -> Result<u64, ConsoleError> {
        let account = self
            .authorize(Permission::ForgetPatient, "forget a patient", now)?
            .account;
        let number = number.trim();
        if number.is_empty() {
            return Err(ConsoleError::Invalid(vec![facekiosk_config::Problem {
                field: "number".into(),
                rule: "is required: the patient number on the patient's screen or card".into(),
            }]));
        }
        let patient = facekiosk_session::PatientRef::new(number);
        let removed = records
            .forget_reference(&patient)
            .map_err(|e| ConsoleError::Records(e.to_string()))?;
        // Audited whether or not a link was found: the request itself is the staff action.
        self.audit().append(
            now.wall,
            &account,
            facekiosk_staff::Action::PatientForgotten,
        )?;
        Ok(removed)
    }

    /// The audit trail, newest first, and whether its chain holds.
    pub fn audit_trail(&self, now: Now) -> Result<Vec<AuditLine>, ConsoleError> {
        self.authorize(Permission::ReadAudit, "read the audit trail", now)?;
        let mut lines: Vec<AuditLine> = self
            .audit()
            .read()?
            .into_iter()
            .map(AuditLine::from)
            .collect();
        lines.reverse();
        Ok(lines)
    }

    /// Runs the diagnostics over the configuration file (a technician's). `adjust`: where the
    /// running kiosk reaches a part otherwise than its file says.
    pub async fn diagnostics(
        &self,
        adjust: impl FnOnce(&mut facekiosk_session::Settings),
        now: Now,
    ) -> Result<facekiosk_diagnostics::Report, ConsoleError> {
        self.authorize(Permission::Diagnostics, "run the diagnostics", now)?;
        let options = facekiosk_diagnostics::Options::default();
        Ok(facekiosk_diagnostics::run_adjusted(&self.config, &options, adjust).await)
    }

    /// Runs the diagnostics and writes the support bundle into `dir` (a folder, a USB stick):
    /// the report, the configuration redacted, the versions, the audit trail and the recent
    /// logs (`logs`, the kiosk's log folder) scrubbed. Audited. The bundle's folder.
    pub async fn bundle(
        &self,
        dir: &Path,
        logs: Option<&Path>,
        adjust: impl FnOnce(&mut facekiosk_session::Settings),
        program: &str,
        now: Now,
    ) -> Result<PathBuf, ConsoleError> {
        let account = self
            .authorize(Permission::Diagnostics, "write a support bundle", now)?
            .account;
        let options = facekiosk_diagnostics::Options::default();
        let report = facekiosk_diagnostics::run_adjusted(&self.config, &options, adjust).await;
        let audit = self.files.audit();
        let sources = facekiosk_diagnostics::bundle::Sources {
            config: &self.config,
            audit: Some(&audit),
            logs,
            program,
        };
        let written =
            facekiosk_diagnostics::bundle::write(dir, &sources, &report).map_err(|e| {
                ConsoleError::Config {
                    path: dir.to_path_buf(),
                    detail: format!("the bundle cannot be written: {e}"),
                }
            })?;
        self.audit()
            .append(now.wall, &account, facekiosk_staff::Action::BundleWritten)?;
        Ok(written)
    }
}

#[cfg(test)]
mod tests;
