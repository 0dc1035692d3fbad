//! What the screens send: the patient's intents, and why one is refused.

use serde::Deserialize;

use super::view::Language;

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
    pub fn code(&self) -> &'static str {
        match self {
            SessionError::NotNow { .. } => "INTENT_NOT_NOW",
            SessionError::StaleConsent => "CONSENT_STALE",
            SessionError::Stopped => "KIOSK_STOPPED",
        }
    }
}
