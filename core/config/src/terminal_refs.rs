//! The two `[terminal]` fields a technician's commands take from the kiosk's file (which
//! terminal, which pairing key), read on their own: when the bridge is installed the key file
//! may not exist yet and other sections may be unfinished, so nothing else is checked.

use std::path::{Path, PathBuf};

use toml::Value;

use crate::reader::Problems;
use crate::{ConfigError, folder_of, read, table};

/// `terminal.serial` and `terminal.pairing_key_file` as the file gives them; an empty string
/// counts as absent, as it does for the kiosk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TerminalRefs {
    pub serial: Option<String>,
    /// Resolved against the configuration's folder; not read, it may not exist yet.
    pub pairing_key_file: Option<PathBuf>,
}

/// Reads `terminal.serial` and `terminal.pairing_key_file` from the file at `config`.
pub fn terminal_refs(config: &Path) -> Result<TerminalRefs, ConfigError> {
    let root = table(&read(config)?)?;
    let section = match root.get("terminal") {
        None => return Ok(TerminalRefs::default()),
        Some(Value::Table(t)) => t,
        Some(_) => return Err(one("terminal", "must be a [section]")),
    };
    let string = |key: &str| match section.get(key) {
        None => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(one(
            &format!("terminal.{key}"),
            "must be a string (in quotes)",
        )),
    };
    Ok(TerminalRefs {
        serial: string("serial")?,
        pairing_key_file: string("pairing_key_file")?.map(|f| folder_of(config).join(f)),
    })
}

fn one(field: &str, rule: &str) -> ConfigError {
    let mut p = Problems::default();
    p.add(field, rule);
    ConfigError::Invalid(p.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs_of(text: &str) -> (tempfile::TempDir, Result<TerminalRefs, ConfigError>) {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("kiosk.toml");
        std::fs::write(&config, text).unwrap();
        let refs = terminal_refs(&config);
        (dir, refs)
    }

    #[test]
    fn a_relative_key_file_is_the_config_folders_and_nothing_else_is_checked() {
        // An unfinished file: no [merchant], an unknown section, a key file not made yet.
        let (dir, refs) = refs_of(
            "[terminal]\nserial = \"T-9\"\npairing_key_file = \"keys/pairing.key\"\n\
             face_scan_timeout_secs = \"later\"\n[mystery]\nx = 1\n",
        );
        let refs = refs.unwrap();
        assert_eq!(refs.serial.as_deref(), Some("T-9"));
        assert_eq!(
            refs.pairing_key_file,
            Some(dir.path().join("keys/pairing.key"))
        );
    }

    #[test]
    fn an_absolute_key_file_stays_as_written() {
        let elsewhere = tempfile::tempdir().unwrap();
        let key = elsewhere.path().join("pairing.key");
        let (_dir, refs) = refs_of(&format!(
            "[terminal]\npairing_key_file = '{}'\n",
            key.display()
        ));
        let refs = refs.unwrap();
        assert_eq!(refs.serial, None);
        assert_eq!(refs.pairing_key_file, Some(key));
    }

    #[test]
    fn no_terminal_section_or_empty_fields_give_nothing() {
        for text in [
            "[kiosk]\n",
            "",
            "[terminal]\nserial = \"\"\npairing_key_file = \"\"\n",
        ] {
            let (_dir, refs) = refs_of(text);
            assert_eq!(refs.unwrap(), TerminalRefs::default(), "{text:?}");
        }
    }

    #[test]
    fn bad_toml_is_a_syntax_error() {
        let (_dir, refs) = refs_of("[terminal\nserial = \"T-9\"\n");
        assert!(
            matches!(refs, Err(ConfigError::Syntax(ref m)) if m.contains("line 1")),
            "{refs:?}"
        );
    }

    #[test]
    fn a_field_of_the_wrong_kind_is_named() {
        let (_dir, refs) = refs_of("[terminal]\nserial = 42\n");
        let err = refs.unwrap_err();
        assert_eq!(err.problems()[0].field, "terminal.serial");
        let (_dir, refs) = refs_of("terminal = \"T-9\"\n");
        assert_eq!(refs.unwrap_err().problems()[0].field, "terminal");
    }

    #[test]
    fn an_unreadable_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("missing.toml");
        let err = terminal_refs(&config).unwrap_err();
        assert!(matches!(err, ConfigError::Read { .. }), "{err:?}");
        assert!(
            err.to_string().contains(&config.display().to_string()),
            "{err}"
        );
    }
}
