//! `terminal install | status | uninstall`: the bridge app on the face terminal, set up from the
//! kiosk through the adb server's own protocol (push, `pm`, `am`, `getprop`: no adb program is
//! needed for those), the forward made with the adb program when there is one (as the kiosk's
//! link does), and the bridge's hello read through it. The pairing key goes to the device on the
//! shell's standard input, never on a command line or in a message. What the command line leaves
//! out (--serial, --key-file) is taken from the kiosk's configuration.

mod device;
mod from_config;
mod install;
pub mod pairing;
mod report;
mod service;
mod status;
mod uninstall;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use facekiosk_terminal::adb::{AdbCli, AdbHost, DEFAULT_PORT};

/// The bridge app.
pub const BRIDGE_PACKAGE: &str = "com.facekiosk.bridge";
/// WeChat's face app, whose version the terminal reports.
pub const FACE_APP_PACKAGE: &str = "com.tencent.wxpayface";

#[derive(Debug, clap::Subcommand)]
pub enum Terminal {
    /// Install the bridge APK on the terminal, pair it with this kiosk's key, start it, wait
    /// for its hello and print the versions.
    Install(install::Install),
    /// What is installed on the terminal, whether the bridge answers, whether it is paired.
    /// Exit status 1 when it is not ready.
    Status(status::Status),
    /// Remove the bridge app from the terminal.
    Uninstall(uninstall::Uninstall),
}

impl Terminal {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        let rt = super::runtime()?;
        match self {
            Terminal::Install(c) => rt.block_on(c.run()),
            Terminal::Status(c) => rt.block_on(c.run()),
            Terminal::Uninstall(c) => rt.block_on(c.run()),
        }
    }
}

/// Which terminal, through which adb.
#[derive(Debug, clap::Args)]
pub struct Target {
    /// The terminal's adb serial (as `adb devices` lists it); needed when several devices are
    /// attached [default: terminal.serial in --config's file].
    #[arg(long)]
    serial: Option<String>,
    /// The adb server [default: 127.0.0.1 with $ANDROID_ADB_SERVER_PORT, else 5037; started
    /// with the adb program when it is not running].
    #[arg(long, value_name = "HOST:PORT")]
    adb_server: Option<SocketAddr>,
    /// The adb program that makes the forward [default: $ADB, else adb on PATH; without one,
    /// the adb server's protocol].
    #[arg(long, value_name = "PROGRAM")]
    adb: Option<PathBuf>,
    /// The kiosk's configuration, whose `[terminal]` serial and pairing_key_file stand in for
    /// --serial and --key-file when they are not given [default: the installed kiosk's,
    /// /etc/facekiosk/kiosk.toml or %ProgramData%\facekiosk\kiosk.toml].
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
}

impl Target {
    /// A terminal named on another command's flags (`pair-terminal`), the configuration unread.
    pub fn new(
        serial: Option<String>,
        adb_server: Option<SocketAddr>,
        adb: Option<PathBuf>,
    ) -> Self {
        Target {
            serial,
            adb_server,
            adb,
            config: None,
        }
    }

    fn server(&self) -> SocketAddr {
        self.adb_server.unwrap_or_else(|| {
            let port = std::env::var("ANDROID_ADB_SERVER_PORT")
                .ok()
                .and_then(|p| p.parse().ok())
                .unwrap_or(DEFAULT_PORT);
            SocketAddr::from(([127, 0, 0, 1], port))
        })
    }

    fn host(&self) -> AdbHost {
        AdbHost::new(self.server())
    }

    fn cli(&self) -> Option<AdbCli> {
        match &self.adb {
            Some(program) => Some(AdbCli::new(program.clone(), self.server())),
            None => AdbCli::find(self.server()),
        }
    }
}
