//! `[kiosk]` (how the screens behave) and `[terminal]` (how the face terminal is reached).
//! Every field has the default a hospital would start with, except two that production
//! requires of `[terminal]`: `serial` (another phone plugged in must not be taken for the
//! terminal) and `pairing_key_file` (the key the terminal's bridge must prove; read here, from a
//! file only its owner may read). `[terminal.face_app]` is read by [`face_app`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::face_app;
use super::reader::{Problems, Section};
use facekiosk_session::{KioskSettings, Language};
use facekiosk_terminal::{Pairing, TerminalSettings};

/// Whether `[terminal]` must name the terminal and its pairing key (the kiosk's own file), or
/// may leave them to the caller (a demo's `[kiosk]`/`[terminal]` file over a simulated one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Require {
    Production,
    Optional,
}

pub(super) fn read_kiosk(root: &toml::Table, base: &Path, p: &mut Problems) -> KioskSettings {
    let s = Section::new(
        root,
        "kiosk",
        &[
            "language",
            "elder_mode",
            "idle_timeout_secs",
            "warning_secs",
            "result_timeout_secs",
            "elder_time_factor",
            "records",
            "consent_dir",
            "hand_over_timeout_secs",
            "receipt_retention_days",
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
    if let Some(elder) = s.boolean("elder_mode", p) {
        k.elder_mode = elder;
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
    if let Some(v) = s.integer("receipt_retention_days", 1..=3650, p) {
        k.receipt_retention_days = Some(v as u32);
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

pub(super) fn read_terminal(
    root: &toml::Table,
    base: &Path,
    require: Require,
    p: &mut Problems,
) -> TerminalSettings {
    let s = Section::new(
        root,
        "terminal",
        &[
            "serial",
            "pairing_key_file",
            "adb",
            "adb_port",
            "direct",
            "face_scan_timeout_secs",
            "confirm_timeout_secs",
            "call_timeout_secs",
            "face_app",
        ],
        p,
    );
    let mut t = TerminalSettings {
        serial: s.string("serial", p).filter(|v| !v.is_empty()),
        face_app: face_app::read_face_app(
            root.get("terminal").and_then(toml::Value::as_table),
            base,
            p,
        ),
        ..TerminalSettings::default()
    };
    if t.serial.is_none() && require == Require::Production {
        p.add(
            "terminal.serial",
            "is required: the adb serial of the face terminal, as `adb devices` lists it (with \
             the terminal alone attached), so that no other device is taken for it",
        );
    }
    match s.string("pairing_key_file", p) {
        Some(file) => {
            let path = base.join(file);
            match Pairing::load(&path) {
                Ok(pairing) => t.pairing = Some(pairing),
                Err(e) => p.add(
                    "terminal.pairing_key_file",
                    format!("{} {e}", path.display()),
                ),
            }
        }
        None if require == Require::Production => p.add(
            "terminal.pairing_key_file",
            "is required: the file holding the key this kiosk shares with the terminal's bridge \
             (32 random bytes in hex, mode 600: `facekiosk-cli pair-terminal --key-file <file> \
             --serial <serial>` makes it and pairs the terminal's bridge with it)",
        ),
        None => {}
    }
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
