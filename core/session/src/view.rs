//! What the screens are sent: the session as a patient sees it. Nothing here holds personal
//! data in the clear: the success screen carries masked strings only.

use serde::{Deserialize, Serialize};

use super::failure::FailureCode;

/// The session as the screens render it; sent whole every time anything on it changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    /// Increases with every view, so a screen can drop a late one.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: u64,
    pub language: Language,
    /// Elder mode: larger type, slower timeouts.
    pub elder: bool,
    pub screen: Screen,
    /// The idle countdown of the current screen, if it has one.
    pub countdown: Option<Countdown>,
}

/// The screen to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(
    tag = "name",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Screen {
    Idle,
    /// Our own consent, separate and versioned, before anything is fetched.
    Consent {
        consent: ConsentDocument,
    },
    /// Initialising the face SDK and getting the authinfo (usually from the cache).
    Preparing,
    /// The patient looks into the WeChat face terminal.
    FaceScan,
    /// The patient confirms on WeChat's own screen.
    WaitingConfirmation,
    /// Verified and handed over.
    Success {
        masked_name: String,
        masked_credential: String,
        credential_type: CredentialKind,
        patient_ref: String,
    },
    /// Already registered: nothing was fetched.
    WelcomeBack {
        patient_ref: String,
    },
    /// The patient said no (ours or WeChat's screen): the alternatives, no second ask.
    Refusal {
        reason: RefusalReason,
    },
    /// Something failed: plain words on the screen, a code for staff, and for some codes what
    /// a technician needs beside it (the clock's measured offset).
    Failed {
        code: FailureCode,
        retry: bool,
        detail: Option<String>,
    },
}

impl Screen {
    /// The screen's name, as the UI and the logs know it.
    pub fn name(&self) -> &'static str {
        match self {
            Screen::Idle => "idle",
            Screen::Consent { .. } => "consent",
            Screen::Preparing => "preparing",
            Screen::FaceScan => "faceScan",
            Screen::WaitingConfirmation => "waitingConfirmation",
            Screen::Success { .. } => "success",
            Screen::WelcomeBack { .. } => "welcomeBack",
            Screen::Refusal { .. } => "refusal",
            Screen::Failed { .. } => "failed",
        }
    }
}

/// Why the patient ended on the refusal screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum RefusalReason {
    /// Chose "use my ID card instead" on our consent screen.
    DeclinedConsent,
    /// Cancelled on the face terminal while it looked for a face.
    CancelledFaceScan,
    /// Declined on WeChat's confirmation screen.
    CancelledAtWechat,
}

/// The kind of credential, for the success screen's label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum CredentialKind {
    ResidentId,
    Passport,
    HomeReturnPermit,
    TaiwanCompatriotPermit,
    Other,
}

impl From<facekiosk_pii::identity::CredentialType> for CredentialKind {
    fn from(t: facekiosk_pii::identity::CredentialType) -> Self {
        use facekiosk_pii::identity::CredentialType as T;
        match t {
            T::ResidentId => CredentialKind::ResidentId,
            T::Passport => CredentialKind::Passport,
            T::HomeReturnPermit => CredentialKind::HomeReturnPermit,
            T::TaiwanCompatriotPermit => CredentialKind::TaiwanCompatriotPermit,
            _ => CredentialKind::Other,
        }
    }
}

/// The screens' language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Language {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Language {
    pub fn tag(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::En => "en",
        }
    }

    pub fn parse(tag: &str) -> Option<Language> {
        match tag {
            "zh-CN" => Some(Language::ZhCn),
            "en" => Some(Language::En),
            _ => None,
        }
    }

    pub const ALL: [Language; 2] = [Language::ZhCn, Language::En];
}

/// The idle countdown of a screen that waits for the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Countdown {
    pub seconds_left: u32,
    /// Show the "are you still there?" warning, with "extend".
    pub warning: bool,
}

/// A consent text exactly as shown, with the hash the receipt records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ConsentDocument {
    pub version: String,
    pub language: Language,
    /// SHA-256 (hex) of the text file the document was read from; "agree" sends it back.
    pub sha256: String,
    pub title: String,
    pub sections: Vec<ConsentSection>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConsentSection {
    pub heading: String,
    pub body: String,
}
