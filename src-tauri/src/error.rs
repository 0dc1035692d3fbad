//! The one error that crosses IPC: `{ code, message }`. The UI branches on `code`; `message`
//! is for a technician's log and is built from core's texts, which name intents, screens and
//! fields, never a patient's data.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppError {
    pub code: String,
    pub message: String,
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> AppError {
        AppError {
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// No session can run: the configuration does not load (`app_info` lists why).
    pub fn misconfigured() -> AppError {
        AppError::new(
            codes::MISCONFIGURED,
            "the kiosk is not configured: app_info lists the problems",
        )
    }

    /// No session can run: the kiosk's start crashed, or has not finished in time (see
    /// [`crate::state::START_TIMEOUT`]). Not a configuration problem: a restart may help.
    pub fn start_failed(message: impl Into<String>) -> AppError {
        AppError::new(codes::START_FAILED, message)
    }

    /// A demo command outside the demo.
    pub fn not_demo() -> AppError {
        AppError::new(
            codes::NOT_DEMO,
            "only the demo has personas and a simulated WeChat",
        )
    }
}

/// The codes this crate adds to core's.
pub mod codes {
    pub const MISCONFIGURED: &str = "KIOSK_MISCONFIGURED";
    pub const START_FAILED: &str = "KIOSK_START_FAILED";
    pub const NOT_DEMO: &str = "NOT_DEMO_MODE";
    pub const DEMO: &str = "DEMO_ACTION_FAILED";
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for AppError {}

impl From<facekiosk_core::session::SessionError> for AppError {
    fn from(error: facekiosk_core::session::SessionError) -> Self {
        AppError::new(error.code(), error.to_string())
    }
}
