//! `[kiosk]` (how the screens behave) and `[terminal]` (how the face terminal is reached).
//! Both optional: every field has the default a hospital would start with.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::reader::{Problems, Section};
use crate::session::Language;

/// `[kiosk]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskSettings {
    /// The language a session starts in.
    pub language: Language,
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
}

impl KioskSettings {
    pub fn with_records(base: &Path) -> Self {
        KioskSettings {
            language: Language::ZhCn,
            idle_timeout: Duration::from_secs(60),
            warning: Duration::from_secs(15),
            result_timeout: Duration::from_secs(20),
            elder_time_percent: 200,
            records: base.join("records.sqlite"),
            consent_dir: None,
            hand_over_timeout: Duration::from_secs(20),
        }
    }
}

/// `[terminal]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalSettings {
    /// The adb serial of the face terminal; when absent, the one attached device.
    pub serial: Option<String>,
    /// The adb program; when absent, `ADB` from the environment or `adb` on PATH.
    pub adb: Option<PathBuf>,
    /// The adb server's port.
    pub adb_port: u16,
    /// A bridge reached directly over TCP instead of adb (the simulated terminal).
    pub direct: Option<SocketAddr>,
    /// `getWxpayfaceCode`: the patient looks into the camera.
    pub face_scan_timeout: Duration,
    /// `getWxpayAuth` "0": the patient confirms on WeChat's screen.
    pub confirm_timeout: Duration,
    /// Every other SDK call.
    pub call_timeout: Duration,
}

impl Default for TerminalSettings {
    fn default() -> Self {
        TerminalSettings {
            serial: None,
            adb: None,
            adb_port: 5037,
            direct: None,
            face_scan_timeout: Duration::from_secs(90),
            confirm_timeout: Duration::from_secs(120),
            call_timeout: Duration::from_secs(15),
        }
    }
}

pub(super) fn read_kiosk(root: &toml::Table, base: &Path, p: &mut Problems) -> KioskSettings {
    let s = Section::new(
        root,
        "kiosk",
        &[
            "language",
            "idle_timeout_secs",
            "warning_secs",
            "result_timeout_secs",
            "elder_time_factor",
            "records",
            "consent_dir",
            "hand_over_timeout_secs",
        ],
        p,
    );
    let mut k = KioskSettings::with_records(base);
    if let Some(tag) = s.string("language", p) {
        match Language::parse(&tag) {
            Some(l) => k.language = l,
            None => p.add("kiosk.language", "must be zh-CN or en"),
        }
    }
    let secs = |v: i64| Duration::from_secs(v as u64);
    if let Some(v) = s.integer("idle_timeout_secs", 2..=600, p) {
        k.idle_timeout = secs(v);
    }
    if let Some(v) = s.integer("warning_secs", 1..=120, p) {
        k.warning = secs(v);
    }
    if let Some(v) = s.integer("result_timeout_secs", 2..=300, p) {
        k.result_timeout = secs(v);
    }
    if let Some(v) = s.integer("hand_over_timeout_secs", 2..=300, p) {
        k.hand_over_timeout = secs(v);
    }
    if k.warning >= k.idle_timeout {
        p.add(
            "kiosk.warning_secs",
            "must be shorter than kiosk.idle_timeout_secs",
        );
    }
    match root.get("kiosk").and_then(|t| t.get("elder_time_factor")) {
        None => {}
        Some(v) => match v.as_float().or_else(|| v.as_integer().map(|i| i as f64)) {
            Some(f) if (1.0..=4.0).contains(&f) => {
                k.elder_time_percent = (f * 100.0).round() as u32
            }
            _ => p.add("kiosk.elder_time_factor", "must be a number from 1 to 4"),
        },
    }
    if let Some(path) = s.string("records", p) {
        k.records = base.join(path);
    }
    k.consent_dir = s.string("consent_dir", p).map(|d| base.join(d));
    k
}

pub(super) fn read_terminal(root: &toml::Table, base: &Path, p: &mut Problems) -> TerminalSettings {
    let s = Section::new(
        root,
        "terminal",
        &[
            "serial",
            "adb",
            "adb_port",
            "direct",
            "face_scan_timeout_secs",
            "confirm_timeout_secs",
            "call_timeout_secs",
        ],
        p,
    );
    let mut t = TerminalSettings {
        serial: s.string("serial", p).filter(|v| !v.is_empty()),
        ..TerminalSettings::default()
    };
    if let Some(adb) = s.string("adb", p) {
        // A bare name is looked up on PATH; anything with a separator is a path (on Windows
        // `tools\adb.exe` too).
        t.adb = Some(if adb.contains(['/', std::path::MAIN_SEPARATOR]) {
            base.join(adb)
        } else {
            PathBuf::from(adb)
        });
    }
    if let Some(port) = s.integer("adb_port", 1..=65535, p) {
        t.adb_port = port as u16;
    }
    if let Some(addr) = s.string("direct", p) {
        match addr.parse() {
            Ok(a) => t.direct = Some(a),
            Err(_) => p.add("terminal.direct", "must be an address like 127.0.0.1:7070"),
        }
    }
    let secs = |v: i64| Duration::from_secs(v as u64);
    if let Some(v) = s.integer("face_scan_timeout_secs", 5..=600, p) {
        t.face_scan_timeout = secs(v);
    }
    if let Some(v) = s.integer("confirm_timeout_secs", 5..=600, p) {
        t.confirm_timeout = secs(v);
    }
    if let Some(v) = s.integer("call_timeout_secs", 5..=120, p) {
        t.call_timeout = secs(v);
    }
    t
}
