//! `terminal install --apk FILE --key-file KEY`: push and install the APK, exempt it from Doze,
//! start it with this kiosk's pairing key, wait for its hello, print the versions.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use clap::Parser;
use facekiosk_terminal::Pairing;

use super::{BRIDGE_PACKAGE, Target, device, report, service};

#[derive(Debug, clap::Args)]
pub struct Install {
    /// The bridge APK (`cargo xtask apk` builds it).
    #[arg(long)]
    apk: PathBuf,
    /// The kiosk's pairing key file (`terminal.pairing_key_file`); made, owner-only, when it
    /// does not exist.
    #[arg(long)]
    key_file: PathBuf,
    /// How long to wait for the bridge's hello after starting it, in seconds.
    #[arg(long, default_value_t = 20)]
    wait: u64,
    #[command(flatten)]
    target: Target,
}

/// `pair-terminal --key-only`, reused: it makes the key file once, as the kiosk expects it.
#[derive(Debug, Parser)]
struct KeyOnly {
    #[command(flatten)]
    pair: super::super::pair::PairTerminal,
}

/// Makes the key file if needed (through `pair-terminal --key-only`) and reads it.
pub fn pairing(key_file: &std::path::Path) -> anyhow::Result<Pairing> {
    if !key_file.exists() {
        let path = key_file.as_os_str();
        KeyOnly::try_parse_from([
            "pair-terminal".as_ref(),
            "--key-file".as_ref(),
            path,
            "--key-only".as_ref(),
        ])?
        .pair
        .run()?;
    }
    Pairing::load(key_file).map_err(|e| anyhow!("{} {e}", key_file.display()))
}

impl Install {
    pub async fn run(self) -> anyhow::Result<ExitCode> {
        let apk = std::fs::read(&self.apk)
            .with_context(|| format!("cannot read --apk {}", self.apk.display()))?;
        if !apk.starts_with(b"PK\x03\x04") {
            bail!(
                "--apk {} is not an APK (not a zip file)",
                self.apk.display()
            );
        }
        let pairing = pairing(&self.key_file)?;
        let device = device::choose(&self.target).await?;
        let serial = device.serial().to_string();
        println!("installing {} on {serial}…", self.apk.display());
        device
            .install_apk(&apk)
            .await
            .with_context(|| format!("installing the bridge app on {serial}"))?;
        // A foreground Service is spared by Doze on most builds, not all: the whitelist makes
        // sure the terminal keeps serving overnight.
        device
            .allow_while_idle(BRIDGE_PACKAGE)
            .await
            .with_context(|| format!("exempting {BRIDGE_PACKAGE} from battery optimisation"))?;
        let facts = report::facts(&device).await?;
        // Starting it also takes the new app out of the stopped state, so that its
        // BootReceiver runs at the next boot. Its permissions are install-time ones (pm
        // install -g grants any runtime one): nothing to `pm grant`.
        service::start(&device, &pairing, facts.sdk).await?;
        let port = service::forward(&self.target, &device).await?;
        let hello = service::hello(port, &pairing, Duration::from_secs(self.wait)).await;
        service::unforward(&device, port).await;
        let hello = hello?;
        report::print_device(&serial, &facts);
        report::print_hello(&hello);
        println!("pairing: ok (the key in {})", self.key_file.display());
        println!(
            "installed and running on {serial}: set terminal.serial = \"{serial}\" and \
             terminal.pairing_key_file = \"{}\" in kiosk.toml",
            self.key_file.display()
        );
        Ok(ExitCode::SUCCESS)
    }
}
