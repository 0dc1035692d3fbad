//! What a kiosk is built from: the WeChat Pay client's settings, how the screens behave
//! (`[kiosk]`), how the face terminal is reached (`[terminal]`) and where verified patients go
//! (`[his]`). The configuration file
//! (`facekiosk-config`) builds them; tests and the demo may build them by hand.

use std::path::{Path, PathBuf};
use std::time::Duration;

use facekiosk_his::HisSettings;
use facekiosk_terminal::TerminalSettings;
use facekiosk_wxpay::WxpaySettings;

use crate::view::Language;

/// Everything a kiosk is configured with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub wxpay: WxpaySettings,
    pub kiosk: KioskSettings,
    pub terminal: TerminalSettings,
    pub his: HisSettings,
}

/// `[kiosk]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskSettings {
    /// The language a session starts in.
    pub language: Language,
    /// Whether a session starts in elder mode (larger type, more time); the patient can
    /// switch it either way.
    pub elder_mode: bool,
    /// How long a screen waits for the patient before returning to idle.
    pub idle_timeout: Duration,
    /// The last part of `idle_timeout` that shows the "are you still there?" warning.
    pub warning: Duration,
    /// How long success, welcome back, refusal and failure stay before idle.
    pub result_timeout: Duration,
    /// Elder mode multiplies the patient's times by this, in percent (`elder_time_factor`
    /// 2 = 200).
    pub elder_time_percent: u32,
    /// The patient records (SQLite); relative to the configuration file.
    pub records: PathBuf,
    /// Hospital-provided consent texts; the built-in ones when absent.
    pub consent_dir: Option<PathBuf>,
    /// How long the hand-over of a verified patient (the hospital's system) may take before
    /// the session fails with HAND_OVER_FAILED.
    pub hand_over_timeout: Duration,
    /// Consent receipts older than this many days are purged (at the end of each session);
    /// `None`: kept until staff export and remove them otherwise.
    pub receipt_retention_days: Option<u32>,
}

impl KioskSettings {
    pub fn with_records(base: &Path) -> Self {
        KioskSettings {
            language: Language::ZhCn,
            elder_mode: false,
            idle_timeout: Duration::from_secs(60),
            warning: Duration::from_secs(15),
            result_timeout: Duration::from_secs(20),
            elder_time_percent: 200,
            records: base.join("records.sqlite"),
            consent_dir: None,
            hand_over_timeout: Duration::from_secs(20),
            receipt_retention_days: None,
        }
    }
}
