//! `terminal install --apk FILE [--key-file KEY]`: push and install the APK, exempt it from Doze,
//! start it with this kiosk's pairing key, wait for its hello, print the versions.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};

use super::{BRIDGE_PACKAGE, Target, device, from_config, pairing, report, service};

#[derive(Debug, clap::Args)]
pub struct Install {
    /// The bridge APK (`cargo xtask apk` builds it).
    #[arg(long)]
    apk: PathBuf,
    /// The kiosk's pairing key file; made, owner-only, when it does not exist [default:
    /// terminal.pairing_key_file in --config's file].
    #[arg(long)]
    key_file: Option<PathBuf>,
    /// How long to wait for the bridge's hello after starting it, in seconds.
    #[arg(long, default_value_t = 20)]
    wait: u64,
    #[command(flatten)]
    target: Target,
}

impl Install {
    pub async fn run(mut self) -> anyhow::Result<ExitCode> {
        let apk = std::fs::read(&self.apk)
            .with_context(|| format!("cannot read --apk {}", self.apk.display()))?;
        if !apk.starts_with(b"PK\x03\x04") {
            bail!(
                "--apk {} is not an APK (not a zip file)",
                self.apk.display()
            );
        }
        let (key_file, taken) = from_config::fill_with_key(&mut self.target, self.key_file)?;
        let pairing = pairing::load_or_make(&key_file)?;
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
        println!("pairing: ok (the key in {})", key_file.display());
        if taken.both() {
            println!("installed and running on {serial}, as kiosk.toml names it and its key");
        } else {
            println!(
                "installed and running on {serial}: set terminal.serial = \"{serial}\" and \
                 terminal.pairing_key_file = \"{}\" in kiosk.toml",
                key_file.display()
            );
        }
        Ok(ExitCode::SUCCESS)
    }
}
