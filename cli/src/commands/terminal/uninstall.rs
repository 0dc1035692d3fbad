//! `terminal uninstall`: removes the bridge app (and its Doze exemption) from the terminal, and
//! says what remains.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::{BRIDGE_PACKAGE, Target, device, from_config};

#[derive(Debug, clap::Args)]
pub struct Uninstall {
    /// The kiosk's pairing key file, to say whether it stays (it is never deleted here)
    /// [default: terminal.pairing_key_file in --config's file].
    #[arg(long)]
    key_file: Option<PathBuf>,
    #[command(flatten)]
    target: Target,
}

impl Uninstall {
    pub async fn run(mut self) -> anyhow::Result<ExitCode> {
        let (key_file, _) = from_config::fill(&mut self.target, self.key_file.take())?;
        let device = device::choose(&self.target).await?;
        let serial = device.serial().to_string();
        if !device.is_installed(BRIDGE_PACKAGE).await? {
            println!("{BRIDGE_PACKAGE} is not installed on {serial}: nothing to remove");
            return Ok(ExitCode::SUCCESS);
        }
        // Android drops the exemption with the package on most builds; asked all the same.
        let _ = device
            .shell(&format!("dumpsys deviceidle whitelist -{BRIDGE_PACKAGE}"))
            .await;
        device
            .uninstall(BRIDGE_PACKAGE)
            .await
            .with_context(|| format!("removing the bridge app from {serial}"))?;
        println!(
            "on the terminal: nothing of ours remains (the app, its files and the pairing key \
             it held went with it)"
        );
        match &key_file {
            Some(key) if key.exists() => println!(
                "on this kiosk: the pairing key {} is kept (a reinstall uses it); delete it if \
                 this kiosk will not use a terminal again",
                key.display()
            ),
            _ => println!("on this kiosk: the pairing key file, if any, is kept"),
        }
        println!("uninstalled {BRIDGE_PACKAGE} from {serial}");
        Ok(ExitCode::SUCCESS)
    }
}
