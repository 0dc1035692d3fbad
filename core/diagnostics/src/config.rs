//! `config`: the file loads and every field keeps its rule.

use std::path::Path;

use facekiosk_config::ConfigError;
use facekiosk_session::Settings;

use crate::Check;

const ID: &str = "config";

pub fn check(path: &Path) -> Result<(Check, Settings), Check> {
    match facekiosk_config::load(path) {
        Ok(settings) => Ok((
            Check::ok(
                ID,
                format!("{} loads; every field is valid", path.display()),
            ),
            settings,
        )),
        Err(ConfigError::Invalid(problems)) => {
            let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
            Err(Check::fail(
                ID,
                format!(
                    "{} has {} problem(s): {}",
                    path.display(),
                    list.len(),
                    list.join("; ")
                ),
                "correct each field named, then run doctor again",
            ))
        }
        // facekiosk-config keeps the line's text (a password, perhaps) out of its messages.
        Err(e) => Err(Check::fail(
            ID,
            format!("{}: {e}", path.display()),
            "make the configuration file readable TOML",
        )),
    }
}
