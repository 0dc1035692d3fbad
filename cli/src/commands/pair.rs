//! `pair-terminal`: pairs the face terminal's bridge app with this kiosk (bridge protocol v2).
//! Makes the kiosk's pairing key file once (32 random bytes in hex, owner-only from its first
//! byte), then restarts the bridge Service with the key, as `terminal install` does: through the
//! adb server's protocol, the key on the device shell's standard input, never on a command line,
//! which other users of the PC could read in the process list. The key is not printed.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use super::terminal::{Target, pairing};

#[derive(Debug, clap::Args)]
pub struct PairTerminal {
    /// The kiosk's pairing key file (`terminal.pairing_key_file`); made when it does not exist.
    #[arg(long)]
    key_file: PathBuf,
    /// The terminal's adb serial (`terminal.serial`, as `adb devices` lists it).
    #[arg(long, required_unless_present = "key_only")]
    serial: Option<String>,
    /// The adb program, to start the adb server when it is not running [default: $ADB, else adb
    /// on PATH].
    #[arg(long, value_name = "PROGRAM")]
    adb: Option<PathBuf>,
    /// The adb server [default: 127.0.0.1 with $ANDROID_ADB_SERVER_PORT, else 5037].
    #[arg(long, value_name = "HOST:PORT")]
    adb_server: Option<SocketAddr>,
    /// Only make (or check) the key file; do not call adb.
    #[arg(long)]
    key_only: bool,
}

impl PairTerminal {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        let pairing = pairing::load_or_make(&self.key_file)?;
        let Some(serial) = self.serial.filter(|_| !self.key_only) else {
            println!("pairing key file ready: {}", self.key_file.display());
            return Ok(ExitCode::SUCCESS);
        };
        let target = Target::new(Some(serial), self.adb_server, self.adb);
        let serial = super::runtime()?.block_on(pairing::send(&target, &pairing))?;
        println!(
            "sent the pairing key of {} to the bridge app on {serial}; set \
             terminal.serial = \"{serial}\" and terminal.pairing_key_file in kiosk.toml",
            self.key_file.display()
        );
        Ok(ExitCode::SUCCESS)
    }
}
