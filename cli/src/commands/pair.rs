//! `pair-terminal`: pairs the face terminal's bridge app with this kiosk (bridge protocol v2).
//! Makes the kiosk's pairing key file once (32 random bytes in hex, owner-only from its first
//! byte), then hands the key to the bridge app through `adb shell`'s standard input: never on a
//! command line, which other users of the PC could read in the process list. The key is not
//! printed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};

use anyhow::{Context, anyhow};
use facekiosk_terminal::{Pairing, PairingKey};
use zeroize::Zeroizing;

#[derive(Debug, clap::Args)]
pub struct PairTerminal {
    /// The kiosk's pairing key file (`terminal.pairing_key_file`); made when it does not exist.
    #[arg(long)]
    key_file: PathBuf,
    /// The terminal's adb serial (`terminal.serial`, as `adb devices` lists it).
    #[arg(long, required_unless_present = "key_only")]
    serial: Option<String>,
    /// The adb program.
    #[arg(long, default_value = "adb")]
    adb: PathBuf,
    /// Only make (or check) the key file; do not call adb.
    #[arg(long)]
    key_only: bool,
}

/// The bridge app's Service, exported only to holders of DUMP (the adb shell).
const SERVICE: &str = "com.facekiosk.bridge/.BridgeService";

impl PairTerminal {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        if !self.key_file.exists() {
            make_key_file(&self.key_file)?;
            println!("made the pairing key file {}", self.key_file.display());
        }
        let pairing = Pairing::load(&self.key_file)
            .map_err(|e| anyhow!("{} {e}", self.key_file.display()))?;
        let Some(serial) = self.serial.filter(|_| !self.key_only) else {
            println!("pairing key file ready: {}", self.key_file.display());
            return Ok(ExitCode::SUCCESS);
        };
        let hex = pairing.key.to_hex();
        // Android 8+ needs start-foreground-service; 7 knows only startservice.
        let script = Zeroizing::new(format!(
            "if [ \"$(getprop ro.build.version.sdk)\" -ge 26 ]; then \
             am start-foreground-service -n {SERVICE} --es pairing_key {key}; \
             else am startservice -n {SERVICE} --es pairing_key {key}; fi\nexit\n",
            key = hex.as_str()
        ));
        let mut child = std::process::Command::new(&self.adb)
            .args(["-s", &serial, "shell"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot run {}", self.adb.display()))?;
        child
            .stdin
            .take()
            .ok_or_else(|| anyhow!("adb's standard input is not available"))?
            .write_all(script.as_bytes())
            .context("cannot write to adb shell")?;
        let out = child.wait_with_output().context("adb shell")?;
        // `am` answers "(has extras)", never their values; redacted all the same.
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream).replace(hex.as_str(), "…");
            if !text.trim().is_empty() {
                println!("{}", text.trim_end());
            }
        }
        if !out.status.success() {
            println!(
                "adb shell failed ({}): the bridge app is not paired",
                out.status
            );
            return Ok(ExitCode::FAILURE);
        }
        println!(
            "sent the pairing key of {} to the bridge app on {serial}; set \
             terminal.serial = \"{serial}\" and terminal.pairing_key_file in kiosk.toml",
            self.key_file.display()
        );
        Ok(ExitCode::SUCCESS)
    }
}

/// Owner-only from the first byte, and never over an existing file.
fn make_key_file(path: &Path) -> anyhow::Result<()> {
    let mut file = facekiosk_pii::secret_file::create(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    let hex = PairingKey::generate().to_hex();
    file.write_all(format!("{}\n", hex.as_str()).as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}
