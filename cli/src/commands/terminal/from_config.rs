//! What the command line leaves out (`--serial`, `--key-file`), taken from the kiosk's
//! configuration (`[terminal]`'s serial and pairing_key_file), so that a technician on site does
//! not repeat what kiosk.toml already says. A flag wins over the file; what the file gave is
//! printed.

use std::io::ErrorKind;
use std::path::PathBuf;

use anyhow::{anyhow, bail};
use facekiosk_config::{ConfigError, InstallPaths, TerminalRefs, terminal_refs};

use super::Target;

/// Which values the configuration gave.
#[derive(Debug, Default, Clone, Copy)]
pub struct Taken {
    pub serial: bool,
    pub key_file: bool,
}

impl Taken {
    /// The kiosk already names this terminal and its key: nothing for the technician to set.
    pub fn both(self) -> bool {
        self.serial && self.key_file
    }
}

/// Fills `target`'s serial from the configuration when absent, and returns the key file: the
/// flag's, else the configuration's, else none.
pub fn fill(
    target: &mut Target,
    key_file: Option<PathBuf>,
) -> anyhow::Result<(Option<PathBuf>, Taken)> {
    let found = read(target, key_file)?;
    Ok((found.key_file, found.taken))
}

/// As [`fill`], for the commands that cannot do without the key file.
pub fn fill_with_key(
    target: &mut Target,
    key_file: Option<PathBuf>,
) -> anyhow::Result<(PathBuf, Taken)> {
    let found = read(target, key_file)?;
    let key_file = found.key_file.ok_or_else(|| {
        anyhow!(
            "no pairing key file: give --key-file or set terminal.pairing_key_file in {}{}",
            found.config,
            if found.missing {
                " (there is no such file)"
            } else {
                ""
            }
        )
    })?;
    Ok((key_file, found.taken))
}

struct Found {
    key_file: Option<PathBuf>,
    taken: Taken,
    /// The configuration's path, as shown.
    config: String,
    /// It does not exist.
    missing: bool,
}

fn read(target: &mut Target, key_file: Option<PathBuf>) -> anyhow::Result<Found> {
    let explicit = target.config.is_some();
    let path = target
        .config
        .clone()
        .unwrap_or_else(|| InstallPaths::here().config);
    let config = path.display().to_string();
    let mut taken = Taken::default();
    if target.serial.is_some() && key_file.is_some() {
        // Nothing to take: the file is not read, whatever state it is in.
        return Ok(Found {
            key_file,
            taken,
            config,
            missing: false,
        });
    }
    let (refs, missing) = match terminal_refs(&path) {
        Ok(refs) => (refs, false),
        // No kiosk installed on this PC (a technician's laptop): nothing to take. A --config
        // that does not exist is a mistake, said at once.
        Err(ConfigError::Read { source, .. })
            if source.kind() == ErrorKind::NotFound && !explicit =>
        {
            (TerminalRefs::default(), true)
        }
        Err(e) => {
            // A read error names the file already; the others are about its content.
            let e = match e {
                ConfigError::Read { .. } => e.to_string(),
                _ => format!("{config}: {e}"),
            };
            bail!("{e}: give --serial and --key-file, or --config with a readable file")
        }
    };
    let mut said = Vec::new();
    if target.serial.is_none()
        && let Some(serial) = refs.serial
    {
        said.push(format!("terminal.serial = \"{serial}\""));
        target.serial = Some(serial);
        taken.serial = true;
    }
    let key_file = match (key_file, refs.pairing_key_file) {
        (Some(flag), _) => Some(flag),
        (None, Some(file)) => {
            said.push(format!(
                "terminal.pairing_key_file = \"{}\"",
                file.display()
            ));
            taken.key_file = true;
            Some(file)
        }
        (None, None) => None,
    };
    if !said.is_empty() {
        println!("from {config}: {}", said.join(", "));
    }
    Ok(Found {
        key_file,
        taken,
        config,
        missing,
    })
}
