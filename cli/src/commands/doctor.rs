//! `doctor`: the kiosk's self-check (`facekiosk-diagnostics`) as a table or JSON, and
//! optionally a support bundle: the report, the configuration with every secret and every
//! path to one replaced, and the versions. Exit status 1 when any check fails.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use facekiosk_diagnostics::{Options, Report, Status};

use super::runtime;

#[derive(Debug, clap::Args)]
pub struct Doctor {
    /// The kiosk's configuration file.
    #[arg(long)]
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
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let out = dir.join(format!("facekiosk-bundle-{secs}"));
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let write = |name: &str, text: String| {
        let path = out.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    };
    write("report.json", serde_json::to_string_pretty(report)? + "\n")?;
    write("config.redacted.toml", redacted_config(config))?;
    write("versions.txt", versions(report))?;
    Ok(out)
}

fn versions(report: &Report) -> String {
    let mut text = format!(
        "facekiosk-cli {}\nos {} {}\n",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    // The bridge's hello names the bridge, SDK and face app versions.
    for c in report.find("terminal.bridge") {
        text += &format!("terminal: {}\n", c.detail);
    }
    text
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
}
