//! `terminal status`: what is installed, whether the bridge answers, whether it is paired with
//! this kiosk. Installs and starts nothing.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::anyhow;
use facekiosk_terminal::Pairing;

use super::{Target, device, from_config, report, service};

#[derive(Debug, clap::Args)]
pub struct Status {
    /// The kiosk's pairing key file [default: terminal.pairing_key_file in --config's file].
    #[arg(long)]
    key_file: Option<PathBuf>,
    /// How long to wait for the bridge's hello, in seconds.
    #[arg(long, default_value_t = 5)]
    wait: u64,
    #[command(flatten)]
    target: Target,
}

impl Status {
    pub async fn run(mut self) -> anyhow::Result<ExitCode> {
        let (key_file, _) = from_config::fill_with_key(&mut self.target, self.key_file)?;
        let pairing =
            Pairing::load(&key_file).map_err(|e| anyhow!("{} {e}", key_file.display()))?;
        let device = device::choose(&self.target).await?;
        let serial = device.serial().to_string();
        let facts = report::facts(&device).await?;
        report::print_device(&serial, &facts);
        if facts.bridge_app.is_none() {
            report::print_face_app(&facts);
            println!("not ready: the bridge app is not installed (facekiosk-cli terminal install)");
            return Ok(ExitCode::FAILURE);
        }
        let port = service::forward(&self.target, &device).await?;
        let hello = service::hello(port, &pairing, Duration::from_secs(self.wait)).await;
        service::unforward(&device, port).await;
        match hello {
            Ok(hello) => {
                report::print_hello(&hello);
                println!("pairing: ok (the key in {})", key_file.display());
                println!("ready: the bridge on {serial} answers");
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                report::print_face_app(&facts);
                println!("not ready: {e:#}");
                Ok(ExitCode::FAILURE)
            }
        }
    }
}
