//! `doctor`: the kiosk's self-check (`facekiosk-diagnostics`) as a table or JSON, and
//! optionally a support bundle (`facekiosk_diagnostics::bundle`: the report, the configuration
//! with every secret and every path to one replaced, the versions, the audit trail and the
//! recent logs, scrubbed). Exit status 1 when any check fails.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use facekiosk_diagnostics::{Options, Report, Status, bundle};

use super::runtime;

#[derive(Debug, clap::Args)]
pub struct Doctor {
    /// The kiosk's configuration file (default: the installed kiosk's, /etc/facekiosk/kiosk.toml
    /// or %ProgramData%\facekiosk\kiosk.toml on Windows).
    #[arg(long, default_value_os_t = facekiosk_config::InstallPaths::here().config)]
    config: PathBuf,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Also write a support bundle (a `facekiosk-bundle-<unix time>/` folder) into DIR.
    #[arg(long, value_name = "DIR")]
    bundle: Option<PathBuf>,
}

impl Doctor {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        let report = runtime()?.block_on(facekiosk_diagnostics::run(
            &self.config,
            &Options::default(),
        ));
        if self.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print!("{}", table(&report));
        }
        if let Some(dir) = &self.bundle {
            let written = write_bundle(dir, &self.config, &report)?;
            eprintln!("bundle written: {}", written.display());
        }
        Ok(if report.has_failures() {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Ok => "ok",
        Status::Warn => "WARN",
        Status::Fail => "FAIL",
    }
}

/// One line a check (id, status, detail), its action indented under it.
pub fn table(report: &Report) -> String {
    let width = report.checks.iter().map(|c| c.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for c in &report.checks {
        out += &format!(
            "{:width$}  {:4}  {}\n",
            c.id,
            status_word(c.status),
            c.detail
        );
        if let Some(action) = &c.action {
            out += &format!("{:width$}        -> {action}\n", "");
        }
    }
    let count = |s| report.checks.iter().filter(|c| c.status == s).count();
    out += &format!(
        "{} ok, {} warning(s), {} failure(s)\n",
        count(Status::Ok),
        count(Status::Warn),
        count(Status::Fail)
    );
    out
}

fn write_bundle(dir: &Path, config: &Path, report: &Report) -> anyhow::Result<PathBuf> {
    let audit = facekiosk_staff::StaffFiles::beside(config).audit();
    let logs = bundle::log_dir();
    let program = format!("facekiosk-cli {}", env!("CARGO_PKG_VERSION"));
    let sources = bundle::Sources {
        config,
        audit: Some(&audit),
        logs: logs.as_deref(),
        program: &program,
    };
    bundle::write(dir, &sources, report)
        .with_context(|| format!("cannot write the bundle into {}", dir.display()))
}
