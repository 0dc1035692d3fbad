//! facekiosk-diagnostics: one self-check of a kiosk, for two faces (the technician's
//! `facekiosk-cli doctor` and, later, the staff-mode screen). [`run`] reads the configuration
//! file and checks, in order, what a kiosk needs: the configuration, the key files, the clock
//! against WeChat's, each WeChat endpoint, the face terminal, the patient records and the last
//! failed sessions, the disk and the hospital's system.
//!
//! Every [`Check`] is plain language with numbers, and never holds personal data or a secret:
//! details name files, fields, hosts and times, never a file's content.

pub mod bundle;
mod clock;
mod config;
mod disk;
mod endpoint;
mod failures;
mod his;
mod keys;
pub mod link_log;
mod records;
mod terminal;

use std::path::Path;
use std::time::Duration;

use facekiosk_session::Settings;
use serde::Serialize;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

/// One check: a stable id, its verdict, what was found and, when something is wrong, what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Check {
    pub id: &'static str,
    pub status: Status,
    pub detail: String,
    pub action: Option<String>,
}

impl Check {
    pub fn ok(id: &'static str, detail: impl Into<String>) -> Check {
        Check {
            id,
            status: Status::Ok,
            detail: detail.into(),
            action: None,
        }
    }

    pub fn warn(id: &'static str, detail: impl Into<String>, action: impl Into<String>) -> Check {
        Check {
            id,
            status: Status::Warn,
            detail: detail.into(),
            action: Some(action.into()),
        }
    }

    pub fn fail(id: &'static str, detail: impl Into<String>, action: impl Into<String>) -> Check {
        Check {
            id,
            status: Status::Fail,
            detail: detail.into(),
            action: Some(action.into()),
        }
    }
}

/// Every check, in the order they ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    /// True when any check failed (the CLI's exit status 1).
    pub fn has_failures(&self) -> bool {
        self.checks.iter().any(|c| c.status == Status::Fail)
    }

    /// The checks with this id.
    pub fn find(&self, id: &str) -> Vec<&Check> {
        self.checks.iter().filter(|c| c.id == id).collect()
    }
}

/// How the checks behave.
#[derive(Debug, Clone)]
pub struct Options {
    /// The longest any one network step (DNS, connect, TLS, an answer, the bridge) may take.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(5),
        }
    }
}

/// Reads the configuration at `config` and runs every check. A configuration that does not
/// load is the only check: nothing else can be checked without it.
pub async fn run(config: &Path, options: &Options) -> Report {
    run_adjusted(config, options, |_| {}).await
}

/// [`run`], with the settings adjusted after they load: where the running kiosk reaches a part
/// otherwise than its file says (the demo's simulated terminal), the checks go where it goes.
pub async fn run_adjusted(
    config: &Path,
    options: &Options,
    adjust: impl FnOnce(&mut Settings),
) -> Report {
    match config::check(config) {
        Ok((check, mut settings)) => {
            adjust(&mut settings);
            let mut checks = vec![check];
            checks.extend(run_settings(&settings, options).await);
            Report { checks }
        }
        Err(check) => Report {
            checks: vec![check],
        },
    }
}

/// The checks after the configuration, for settings already loaded (the app has them).
pub async fn run_settings(settings: &Settings, options: &Options) -> Vec<Check> {
    let mut checks = keys::check(&settings.wxpay.keys);
    checks.push(clock::check(&settings.wxpay, options).await);
    checks.extend(endpoint::check(&settings.wxpay, options).await);
    checks.extend(terminal::check(&settings.terminal, options).await);
    checks.push(records::check(&settings.kiosk.records));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    checks.push(failures::check(&settings.kiosk.records, now));
    checks.push(disk::check(&settings.kiosk.records).await);
    checks.push(his::check(&settings.his, options).await);
    checks
}
