//! The one error that crosses IPC: `{ code, message }`. The UI branches on `code`, a typed
//! union generated to TypeScript ([`AppErrorCode`]); `message` is for a technician's log and is
//! built from core's texts, which name intents, screens and fields, never a patient's data.

use facekiosk_session::code::code_str;
use facekiosk_session::intent::SessionErrorCode;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppError {
    pub code: AppErrorCode,
    pub message: String,
}

/// Every code a command can refuse with: this crate's own, and the session's refusals of an
/// intent (written as the session writes them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AppErrorCode {
    /// No session can run: the configuration does not load, or the kiosk cannot start with it
    /// (`app_info` lists the problems).
    KioskMisconfigured,
    /// The kiosk's start crashed, or has not finished in time: not a configuration problem.
    KioskStartFailed,
    /// A demo command outside the demo.
    NotDemoMode,
    /// The simulated terminal or WeChat refused a demo command.
    DemoActionFailed,
    /// Out of service (set in the staff mode): no patient session starts.
    KioskSuspended,
    /// The staff mode opens only on the idle screen, not during a patient's session.
    PatientSessionActive,
    /// Staff are at the kiosk: no patient session starts until they leave.
    StaffModeOpen,
    /// The staff mode is closed (never entered, left, or a minute without a touch).
    StaffNotEntered,
    /// The role of whoever is in does not allow it.
    StaffForbidden,
    /// The settings did not validate: the message lists `field: rule`, one per problem.
    SettingsInvalid,
    /// A staff file, the configuration file or the records could not be used.
    StaffActionFailed,
    /// The session did not take an intent.
    #[serde(untagged)]
    Session(SessionErrorCode),
}

impl AppErrorCode {
    /// The code as it is written (`KIOSK_MISCONFIGURED`).
    pub fn as_str(self) -> &'static str {
        code_str(&self)
    }
}

impl std::fmt::Display for AppErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AppError {
    pub fn new(code: AppErrorCode, message: impl Into<String>) -> AppError {
        AppError {
            code,
            message: message.into(),
        }
    }

    /// No session can run: the configuration does not load (`app_info` lists why).
    pub fn misconfigured() -> AppError {
        AppError::new(
            AppErrorCode::KioskMisconfigured,
            "the kiosk is not configured: app_info lists the problems",
        )
    }

    /// No session can run: the kiosk's start crashed, or has not finished in time (see
    /// [`crate::state::START_TIMEOUT`]). Not a configuration problem: a restart may help.
    pub fn start_failed(message: impl Into<String>) -> AppError {
        AppError::new(AppErrorCode::KioskStartFailed, message)
    }

    /// A demo command outside the demo.
    pub fn not_demo() -> AppError {
        AppError::new(
            AppErrorCode::NotDemoMode,
            "only the demo has personas and a simulated WeChat",
        )
    }

    /// The simulated terminal or WeChat refused a demo command.
    pub fn demo_action(message: impl Into<String>) -> AppError {
        AppError::new(AppErrorCode::DemoActionFailed, message)
    }
}

impl AppError {
    /// The staff entry during a patient's session.
    pub fn patient_session() -> AppError {
        AppError::new(
            AppErrorCode::PatientSessionActive,
            "a patient's session is running: the staff mode opens on the idle screen",
        )
    }

    /// A session start while staff are at the kiosk.
    pub fn staff_mode_open() -> AppError {
        AppError::new(
            AppErrorCode::StaffModeOpen,
            "the staff mode is open: no patient session starts until staff leave it",
        )
    }

    /// A session start while out of service.
    pub fn suspended() -> AppError {
        AppError::new(
            AppErrorCode::KioskSuspended,
            "the kiosk is out of service (staff mode: put it back in service)",
        )
    }
}

impl From<facekiosk_console::ConsoleError> for AppError {
    fn from(error: facekiosk_console::ConsoleError) -> Self {
        use facekiosk_console::ConsoleError as E;
        let code = match &error {
            E::NotEntered => AppErrorCode::StaffNotEntered,
            E::Forbidden { .. } => AppErrorCode::StaffForbidden,
            E::Invalid(_) => AppErrorCode::SettingsInvalid,
            E::Staff(_) | E::Config { .. } | E::Records(_) => AppErrorCode::StaffActionFailed,
        };
        if code == AppErrorCode::StaffActionFailed {
            tracing::error!("staff action failed: {error}");
        }
        AppError::new(code, error.to_string())
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for AppError {}

impl From<facekiosk_session::SessionError> for AppError {
    fn from(error: facekiosk_session::SessionError) -> Self {
        AppError::new(AppErrorCode::Session(error.code()), error.to_string())
    }
}
