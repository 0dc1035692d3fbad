//! A small client of the adb server (the `adb` daemon on the kiosk PC, 127.0.0.1:5037 by
//! default), written in house because the crates that exist spawn `adb start-server` on every
//! connect.
//!
//! - [`smart_socket`]: the wire format (4-hex-length requests, `OKAY`/`FAIL`, hex4 strings);
//! - [`AdbHost`] ([`host`]): `host:version`, `host:devices-l`, forwards, `host:list-forward`;
//! - [`DeviceTracker`] ([`track`]): `host:track-devices`, one device list per change;
//! - [`AdbCli`] ([`cli`]): the `adb` program, for the forward (Debian's and Google's both work)
//!   and for starting the server;
//! - [`AdbDevice`] ([`device`]): one device's services: `shell:` ([`device`]), the sync
//!   protocol's push ([`sync`]), and packages through `pm`/`am`/`dumpsys` ([`package`]), which
//!   `facekiosk-cli terminal install` uses.
//!
//! The protocol, as verified byte for byte against a real adb server, is summarised in
//! `docs/architecture.md` ("The terminal link: adb and the bridge").

pub mod cli;
pub mod device;
pub mod host;
pub mod package;
pub mod smart_socket;
pub mod sync;
pub mod track;

use std::fmt;
use std::io;

pub use cli::AdbCli;
pub use device::AdbDevice;
pub use host::{AdbHost, Forward};
pub use track::DeviceTracker;

/// The adb server's default port.
pub const DEFAULT_PORT: u16 = 5037;

/// What went wrong talking to adb.
#[derive(Debug, thiserror::Error)]
pub enum AdbError {
    /// The adb server cannot be reached.
    #[error("cannot reach the adb server at {addr}: {source}")]
    Connect {
        /// Where.
        addr: std::net::SocketAddr,
        /// Why.
        source: io::Error,
    },
    /// The conversation failed half way.
    #[error("talking to the adb server: {0}")]
    Io(#[from] io::Error),
    /// The server answered `FAIL` (the message is adb's, e.g. `device 'X' not found`; it may be
    /// empty).
    #[error("the adb server refused `{service}`: {}", if .message.is_empty() { "(no message)" } else { .message })]
    Fail {
        /// The service requested (never holds personal data: host services only).
        service: String,
        /// adb's message.
        message: String,
    },
    /// The server answered something that is not the protocol.
    #[error("unexpected answer from the adb server: {0}")]
    Protocol(String),
    /// The adb server did not answer in time.
    #[error("the adb server did not answer `{0}` in time")]
    Timeout(String),
    /// The adb program could not be started.
    #[error("cannot run {program}: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// Why.
        source: io::Error,
    },
    /// The adb program failed.
    #[error("{0}")]
    Cli(String),
    /// A command on the device refused (`pm install`: `INSTALL_FAILED_...`).
    #[error("`{what}` on the device failed: {reason}")]
    Refused {
        /// The command (never its arguments: they may be long or secret).
        what: String,
        /// The device's reason, as it printed it.
        reason: String,
    },
}

/// One device as adb lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// The serial (`adb -s`).
    pub serial: String,
    /// Its state.
    pub state: DeviceState,
    /// `product:`, `model:`, `device:`, `transport_id:`, `usb:` from `devices -l`.
    pub details: Vec<(String, String)>,
}

impl Device {
    /// A `details` value.
    pub fn detail(&self, key: &str) -> Option<&str> {
        self.details
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A device's adb state.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DeviceState {
    /// `device`: ready.
    Device,
    /// `unauthorized`: the RSA key prompt was not accepted on the device.
    Unauthorized,
    /// `authorizing`.
    Authorizing,
    /// `offline`.
    Offline,
    /// `no permissions` (udev rules on Linux).
    NoPermissions,
    /// `connecting`.
    Connecting,
    /// Anything else (`recovery`, `bootloader`, `sideload`, `host`...).
    Other(String),
}

impl DeviceState {
    /// The state for adb's word.
    pub fn parse(state: &str) -> DeviceState {
        match state {
            "device" => DeviceState::Device,
            "unauthorized" => DeviceState::Unauthorized,
            "authorizing" => DeviceState::Authorizing,
            "offline" => DeviceState::Offline,
            "connecting" => DeviceState::Connecting,
            s if s.starts_with("no permissions") => DeviceState::NoPermissions,
            other => DeviceState::Other(other.to_string()),
        }
    }

    /// adb's word.
    pub fn as_str(&self) -> &str {
        match self {
            DeviceState::Device => "device",
            DeviceState::Unauthorized => "unauthorized",
            DeviceState::Authorizing => "authorizing",
            DeviceState::Offline => "offline",
            DeviceState::NoPermissions => "no permissions",
            DeviceState::Connecting => "connecting",
            DeviceState::Other(s) => s,
        }
    }
}

impl fmt::Display for DeviceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses a device list: `host:devices` (`SERIAL\tSTATE`) or `host:devices-l`
/// (`SERIAL<spaces>STATE key:value...`) lines.
pub fn parse_devices(text: &str) -> Vec<Device> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .filter_map(parse_device_line)
        .collect()
}

fn parse_device_line(line: &str) -> Option<Device> {
    if let Some((serial, rest)) = line.split_once('\t') {
        let rest = rest.trim();
        // The short format; `no permissions (...)` may hold spaces.
        return Some(Device {
            serial: serial.trim().to_string(),
            state: DeviceState::parse(rest),
            details: Vec::new(),
        });
    }
    let mut words = line.split_whitespace();
    let serial = words.next()?.to_string();
    let rest: Vec<&str> = words.collect();
    let (state, details) = if rest.first() == Some(&"no") && rest.get(1) == Some(&"permissions") {
        // `no permissions (reason); see [url]`, then the details.
        let first_detail = rest.iter().position(|w| is_detail(w)).unwrap_or(rest.len());
        (DeviceState::NoPermissions, &rest[first_detail..])
    } else {
        (DeviceState::parse(rest.first()?), &rest[1..])
    };
    let details = details
        .iter()
        .filter_map(|w| w.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Some(Device {
        serial,
        state,
        details,
    })
}

fn is_detail(word: &str) -> bool {
    ["usb:", "product:", "model:", "device:", "transport_id:"]
        .iter()
        .any(|p| word.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_list_formats_parse() {
        let short = parse_devices("FAKE123\tdevice\nX2\tunauthorized\n\n");
        assert_eq!(short.len(), 2);
        assert_eq!(short[0].serial, "FAKE123");
        assert_eq!(short[0].state, DeviceState::Device);
        assert_eq!(short[1].state, DeviceState::Unauthorized);

        let long = parse_devices(
            "FAKE123                device usb:1-1 product:p1 model:F4 device:d1 transport_id:7\n\
             Y3 no permissions (user not in plugdev); see [http://x] usb:1-2 transport_id:8\n",
        );
        assert_eq!(long[0].detail("model"), Some("F4"));
        assert_eq!(long[0].detail("transport_id"), Some("7"));
        assert_eq!(long[1].state, DeviceState::NoPermissions);
        assert_eq!(long[1].detail("transport_id"), Some("8"));
        let short = parse_devices("Z\tno permissions (udev); see [http://x]\n");
        assert_eq!(short[0].state, DeviceState::NoPermissions);
    }
}
