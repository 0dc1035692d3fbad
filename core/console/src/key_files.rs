//! The key, certificate and secret files the configuration names, with their state: what the
//! settings screen shows in place of secrets, which are never typed or shown at the kiosk.

use std::io::ErrorKind;

use facekiosk_config::edit::Draft;
use facekiosk_staff::Permission;
use serde::Serialize;

use crate::{Console, ConsoleError, Now};

/// One file and its state: `ok`, `missing`, `exposed` (others may read a secret) or
/// `unreadable`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KeyFileView {
    /// The field that names it (`keys.apiv2_key_file`).
    pub key: String,
    pub path: String,
    pub state: String,
    /// What to do about a state other than `ok`.
    pub action: Option<String>,
}

/// Certificates and public keys may be read by anyone; everything else is a secret.
fn is_public(key: &str) -> bool {
    key.contains("certificate") || key == "keys.wechatpay_public_key"
}

impl Console {
    /// The files the configuration names for keys and secrets, and their state.
    pub fn key_files(&self, now: Now) -> Result<Vec<KeyFileView>, ConsoleError> {
        self.authorize(Permission::ChangeKioskSettings, "see the key files", now)?;
        let draft = Draft::open(self.config_path()).map_err(|e| ConsoleError::Config {
            path: self.config_path().to_path_buf(),
            detail: e.to_string(),
        })?;
        Ok(draft
            .key_files()
            .into_iter()
            .map(|(key, path)| {
                let (state, action) = state_of(key, &path);
                KeyFileView {
                    key: key.to_owned(),
                    path: path.display().to_string(),
                    state: state.to_owned(),
                    action,
                }
            })
            .collect())
    }
}

fn state_of(key: &str, path: &std::path::Path) -> (&'static str, Option<String>) {
    let exposed = facekiosk_pii::secret_file::exposed(path);
    match exposed {
        Err(e) if e.kind() == ErrorKind::NotFound => (
            "missing",
            Some(format!("a technician puts the file at {}", path.display())),
        ),
        Err(_) => (
            "unreadable",
            Some("give the kiosk's user read access to it".to_owned()),
        ),
        Ok(Some(exposure)) if !is_public(key) => (
            "exposed",
            Some(format!(
                "others may read it ({exposure}): run `{}`",
                exposure.fix(path)
            )),
        ),
        Ok(_) => ("ok", None),
    }
}
