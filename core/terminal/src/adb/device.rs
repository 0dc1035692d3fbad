//! One device's own services, reached through the adb server: the connection switches to the
//! device's transport (`host:transport:SERIAL`), then asks for a device service on the same
//! socket (`shell:CMD`, `sync:`). The legacy shell protocol is used throughout (no `shell,v2`):
//! every adbd from Android 4 on speaks it, output is stdout and stderr mixed, and the exit status
//! is not carried, so callers read what the command printed.

use std::time::Duration;

use super::AdbError;
use super::host::AdbHost;
use super::smart_socket::SmartSocket;

/// How long a plain shell command may take (`getprop`, `pm list packages`).
pub const SHELL_TIMEOUT: Duration = Duration::from_secs(30);

/// The most shell output kept (`dumpsys package` of one package is a few KiB).
const SHELL_OUTPUT_CAP: usize = 256 * 1024;

/// One device attached to the adb server, by serial.
#[derive(Debug, Clone)]
pub struct AdbDevice {
    host: AdbHost,
    serial: String,
}

impl AdbDevice {
    /// The device `serial` of the adb server `host`.
    pub fn new(host: AdbHost, serial: impl Into<String>) -> AdbDevice {
        AdbDevice {
            host,
            serial: serial.into(),
        }
    }

    /// Its serial.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// Its adb server.
    pub fn host(&self) -> AdbHost {
        self.host
    }

    /// A connection switched to the device, with `service` accepted.
    pub(super) async fn open(&self, service: &str) -> Result<SmartSocket, AdbError> {
        let mut socket = SmartSocket::connect(self.host.addr()).await?;
        socket
            .request(&format!("host:transport:{}", self.serial))
            .await?;
        socket.request(service).await?;
        Ok(socket)
    }

    /// `shell:COMMAND`: what it printed, within [`SHELL_TIMEOUT`].
    pub async fn shell(&self, command: &str) -> Result<String, AdbError> {
        self.shell_within(command, SHELL_TIMEOUT).await
    }

    /// `shell:COMMAND`, waiting up to `limit` (`pm install` verifies the whole APK).
    pub async fn shell_within(&self, command: &str, limit: Duration) -> Result<String, AdbError> {
        let service = format!("shell:{command}");
        let mut socket = self.open(&service).await?;
        let out = socket
            .read_to_end(SHELL_OUTPUT_CAP, limit, &service)
            .await?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// Runs `script` in the device's `sh`, given on its standard input: what the script holds
    /// (a secret) appears in no service string, no adb log and no process list of this PC. The
    /// script must end with `exit`. The output may echo nothing of the script (no terminal is
    /// allocated), but callers treat it as holding the secret all the same.
    pub async fn shell_stdin(&self, script: &str, limit: Duration) -> Result<String, AdbError> {
        let mut socket = self.open("shell:sh").await?;
        socket.write_raw(script.as_bytes()).await?;
        let out = socket
            .read_to_end(SHELL_OUTPUT_CAP, limit, "shell:sh")
            .await?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// `getprop NAME`, trimmed (empty when the property is not set).
    pub async fn getprop(&self, name: &str) -> Result<String, AdbError> {
        Ok(self
            .shell(&format!("getprop {name}"))
            .await?
            .trim()
            .to_string())
    }
}
