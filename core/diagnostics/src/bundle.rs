//! The support bundle a technician sends back: one folder with the report, the configuration
//! with every secret and every path to one replaced, the versions, the staff audit trail and the
//! recent logs. Written by `facekiosk-cli doctor --bundle` and the staff mode's button alike.
//!
//! The logs hold no personal data by construction (the crates log codes, fields and times);
//! they are still scrubbed here of anything shaped like an ID number, a phone number, an openid
//! or a token, so that a bug elsewhere does not travel on a USB stick.

use std::io;
use std::path::{Path, PathBuf};

use crate::Report;

/// Names another log folder (tests, a portable install).
pub const LOG_DIR_ENV: &str = "FACEKIOSK_LOG_DIR";

/// The kiosk's log folder: `$FACEKIOSK_LOG_DIR`, else the installed kiosk's when it exists
/// (`/var/log/facekiosk`, `%ProgramData%\facekiosk\logs`: the packages create it).
pub fn log_dir() -> Option<PathBuf> {
    match std::env::var_os(LOG_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => Some(facekiosk_config::InstallPaths::here().logs).filter(|d| d.is_dir()),
    }
}

/// The newest part of each log file that goes into the bundle.
pub const LOG_TAIL_BYTES: u64 = 1 << 20;

/// What goes into a bundle besides the report.
#[derive(Debug, Clone)]
pub struct Sources<'a> {
    pub config: &'a Path,
    /// The staff audit trail, when the kiosk has one.
    pub audit: Option<&'a Path>,
    /// The log folder ([`log_dir`]), when the kiosk logs to files.
    pub logs: Option<&'a Path>,
    /// Who wrote it (`facekiosk-cli 0.1.0`, `facekiosk 0.1.0`).
    pub program: &'a str,
}

/// Writes `facekiosk-bundle-<unix time>/` into `dir`; its path.
pub fn write(dir: &Path, sources: &Sources<'_>, report: &Report) -> io::Result<PathBuf> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let out = dir.join(format!("facekiosk-bundle-{secs}"));
    std::fs::create_dir_all(&out)?;
    let json = serde_json::to_string_pretty(report).map_err(io::Error::other)?;
    std::fs::write(out.join("report.json"), json + "\n")?;
    std::fs::write(
        out.join("config.redacted.toml"),
        redacted_config(sources.config),
    )?;
    std::fs::write(out.join("versions.txt"), versions(sources.program, report))?;
    if let Some(audit) = sources.audit.filter(|p| p.is_file()) {
        std::fs::copy(audit, out.join("staff-audit.jsonl"))?;
    }
    if let Some(logs) = sources.logs.filter(|p| p.is_dir()) {
        let to = out.join("logs");
        std::fs::create_dir_all(&to)?;
        for entry in std::fs::read_dir(logs)? {
            let path = entry?.path();
            if path.is_file()
                && let Some(name) = path.file_name()
            {
                std::fs::write(to.join(name), scrub(&tail(&path)?))?;
            }
        }
    }
    Ok(out)
}

fn versions(program: &str, report: &Report) -> String {
    let mut text = format!(
        "{program}\nos {} {}\n",
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    // The bridge's hello names the bridge, SDK and face app versions.
    for c in report.find("terminal.bridge") {
        text += &format!("terminal: {}\n", c.detail);
    }
    text
}

fn tail(path: &Path) -> io::Result<String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(LOG_TAIL_BYTES)))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Every word that looks like an identifier of a person or a secret replaced by `<scrubbed>`:
/// runs of 11 or more digits (a phone number, an ID number with or without its `X`) and long
/// tokens mixing letters and digits (an openid, a face_sid, a key, a token).
pub fn scrub(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if suspicious(word) {
            out.push_str("<scrubbed>");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '+' || c == '/' || c == '=' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn suspicious(word: &str) -> bool {
    let digits = word.chars().filter(char::is_ascii_digit).count();
    let letters = word.chars().filter(char::is_ascii_alphabetic).count();
    let longest_digit_run = word
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    longest_digit_run >= 11 || (word.len() >= 20 && digits > 0 && letters > 0)
}

/// Whether a configuration key names a secret or the file holding one.
fn is_secret(key: &str) -> bool {
    ["password", "token", "secret"]
        .iter()
        .any(|w| key.contains(w))
        || key.ends_with("key")
        || key.ends_with("key_file")
}

fn redact(table: &mut toml::Table) {
    for (key, value) in table.iter_mut() {
        match value {
            toml::Value::Table(t) => redact(t),
            // A proxy URL may carry `user:password@`.
            toml::Value::String(s) if is_secret(key) || s.contains('@') => {
                *s = "<redacted>".into();
            }
            toml::Value::Array(_) if is_secret(key) => {
                *value = toml::Value::String("<redacted>".into());
            }
            _ => {}
        }
    }
}

/// The configuration with secrets and paths to secrets replaced; nothing of a file that does
/// not parse (any line of it might be the password).
pub fn redacted_config(path: &Path) -> String {
    let Ok(text) = std::fs::read_to_string(path) else {
        return "# the configuration could not be read\n".into();
    };
    match text.parse::<toml::Table>() {
        Ok(mut table) => {
            redact(&mut table);
            format!(
                "# {} with every secret and every path to one replaced\n{}",
                path.display(),
                toml::to_string(&table).unwrap_or_default()
            )
        }
        Err(_) => "# the configuration is not valid TOML; not copied\n".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_their_files_are_redacted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.toml");
        std::fs::write(
            &path,
            "[keys]\napiv2_key_file = \"k/apiv2.key\"\nmerchant_private_key = \"k/key.pem\"\n\
             merchant_certificate = \"k/cert.pem\"\n\
             [proxy]\nurl = \"http://u:pw-in-url@proxy:3128\"\nusername = \"u\"\npassword = \"hunter2\"\n\
             [terminal]\npairing_key_file = \"k/pairing.key\"\n\
             [terminal.face_app]\nproxy_password_file = \"k/face.pass\"\n\
             [his]\nbearer_token_file = \"k/token\"\nclient_key = \"k/his.pem\"\n",
        )
        .unwrap();
        let out = redacted_config(&path);
        for secret in [
            "apiv2.key",
            "key.pem",
            "hunter2",
            "pw-in-url",
            "pairing.key",
            "face.pass",
            "k/token",
            "his.pem",
        ] {
            assert!(!out.contains(secret), "{secret} in {out}");
        }
        assert!(out.contains("k/cert.pem"), "{out}");
        assert!(out.contains("<redacted>"));
        std::fs::write(&path, "[proxy]\npassword = \"hunter2\n").unwrap();
        assert!(!redacted_config(&path).contains("hunter2"));
    }

    #[test]
    fn the_scrub_takes_identifiers_and_keeps_the_words_a_technician_reads() {
        let line = "2026-12-02T10:00:00Z INFO session: failed code=HAND_OVER_FAILED \
                    phone 13812345678 id 11010519491231002X openid oTtg8ABCDEFGHIJKLMNOPQRSTUV12 \
                    key c3c3c3c3c3c3c3c3c3c3c3c3 latency_ms=1234 store=HOSP-001-F1";
        let out = scrub(line);
        for gone in [
            "13812345678",
            "11010519491231002X",
            "oTtg8ABCDEFGHIJKLMNOPQRSTUV12",
            "c3c3c3c3c3c3c3c3c3c3c3c3",
        ] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        for kept in [
            "2026-12-02T10:00:00Z",
            "HAND_OVER_FAILED",
            "latency_ms=1234",
            "store=HOSP-001-F1",
        ] {
            assert!(out.contains(kept), "{kept} not in {out}");
        }
    }
}
