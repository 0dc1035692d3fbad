//! What the screens send: the patient's intents, and why one is refused.

use serde::{Deserialize, Serialize};

use super::view::Language;
use crate::code::written_code;

/// Something the patient did on our screen.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Intent {
    /// Idle: begin a session.
    Start,
    /// Consent: agree to the text with this hash (the one on the screen).
    Agree {
        consent_sha256: String,
    },
    /// Consent: "use my ID card instead".
    Decline,
    /// Any screen of a session: stop and return to idle.
    Cancel,
    /// The idle countdown: more time, please.
    Extend,
    /// Failed (when offered): try again.
    Retry,
    /// Success, welcome back, refusal, failed: finished.
    Done,
    SetLanguage {
        language: Language,
    },
    SetElder {
        elder: bool,
    },
}

impl Intent {
    pub fn name(&self) -> &'static str {
        match self {
            Intent::Start => "start",
            Intent::Agree { .. } => "agree",
            Intent::Decline => "decline",
            Intent::Cancel => "cancel",
            Intent::Extend => "extend",
            Intent::Retry => "retry",
            Intent::Done => "done",
            Intent::SetLanguage { .. } => "setLanguage",
            Intent::SetElder { .. } => "setElder",
        }
    }
}

/// An intent the session did not take. Its texts name the intent and the screen only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// The intent makes no sense on the current screen (a late tap, a stale window).
    #[error("`{intent}` is not possible on the {screen} screen")]
    NotNow {
        intent: &'static str,
        screen: &'static str,
    },
    /// "agree" carried the hash of another consent text than the one shown.
    #[error("the consent text agreed to is not the one shown (version or language changed)")]
    StaleConsent,
    /// The session task is gone (the kiosk is shutting down).
    #[error("the kiosk is shutting down")]
    Stopped,
}

impl SessionError {
    pub fn code(&self) -> SessionErrorCode {
        match self {
            SessionError::NotNow { .. } => SessionErrorCode::IntentNotNow,
            SessionError::StaleConsent => SessionErrorCode::ConsentStale,
            SessionError::Stopped => SessionErrorCode::KioskStopped,
        }
    }
}

/// Why the session did not take an intent, as the screens get it (the app's `AppError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SessionErrorCode {
    /// The intent makes no sense on the current screen; nothing changes.
    IntentNotNow,
    /// "agree" carried the hash of another consent text than the one shown; nothing changes.
    ConsentStale,
    /// The session task is gone (the kiosk is shutting down).
    KioskStopped,
}

written_code!(SessionErrorCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_keep_their_codes() {
        let not_now = SessionError::NotNow {
            intent: "agree",
            screen: "idle",
        };
        assert_eq!(not_now.code(), "INTENT_NOT_NOW");
        assert_eq!(SessionError::StaleConsent.code(), "CONSENT_STALE");
        assert_eq!(SessionError::Stopped.code(), "KIOSK_STOPPED");
        assert_eq!(
            serde_json::to_value(SessionErrorCode::ConsentStale).unwrap(),
            "CONSENT_STALE"
        );
    }
}
