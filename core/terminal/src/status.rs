//! What the link to the terminal is doing, for the kiosk's status screen and diagnostics.

use std::fmt;

use facekiosk_bridge_protocol::Hello;

/// The state of the link, published by a [`super::TerminalLink`] (and by a single
/// [`super::BridgeClient`]) as it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkStatus {
    /// Looking for the terminal for the first time.
    Starting,
    /// Connected to the bridge; calls go through.
    Connected(BridgeInfo),
    /// No terminal (with the configured serial, if any) is attached.
    WaitingForDevice {
        /// The serial waited for, if one is configured.
        serial: Option<String>,
    },
    /// The terminal is attached but has not accepted this PC's adb key.
    Unauthorized {
        /// The terminal.
        serial: String,
    },
    /// The terminal is attached in another adb state (offline, recovery, no permissions...).
    DeviceNotReady {
        /// The terminal.
        serial: String,
        /// Its adb state.
        state: String,
    },
    /// Several terminals are attached and no serial is configured.
    SeveralDevices {
        /// Their serials.
        serials: Vec<String>,
    },
    /// The terminal is there but no bridge answers behind the forward (the app is not running,
    /// or stopped): retrying.
    NoBridge {
        /// The terminal, when reached through adb.
        serial: Option<String>,
        /// What went wrong, for a technician.
        reason: String,
    },
    /// The bridge app on the terminal speaks another protocol version: install the matching one.
    IncompatibleBridge {
        /// The terminal, when reached through adb.
        serial: Option<String>,
        /// The version mismatch.
        reason: String,
    },
    /// Something answers on the terminal's bridge socket but is not the bridge paired with this
    /// kiosk (another key, none, or an impostor): no request is sent to it. A technician pairs
    /// the bridge with the kiosk's key.
    BridgeUnpaired {
        /// The terminal, when reached through adb.
        serial: Option<String>,
        /// What failed and which key file to pair with (never the key).
        reason: String,
    },
    /// The adb server cannot be reached (or the forward cannot be set up).
    AdbUnavailable {
        /// What went wrong.
        reason: String,
    },
    /// The link was shut down.
    Stopped,
}

impl LinkStatus {
    /// Whether calls can go through.
    pub fn is_connected(&self) -> bool {
        matches!(self, LinkStatus::Connected(_))
    }

    /// The state alone, without its details (for the screens).
    pub fn state(&self) -> LinkState {
        match self {
            LinkStatus::Starting => LinkState::Starting,
            LinkStatus::Connected(_) => LinkState::Connected,
            LinkStatus::WaitingForDevice { .. } => LinkState::WaitingForDevice,
            LinkStatus::Unauthorized { .. } => LinkState::Unauthorized,
            LinkStatus::DeviceNotReady { .. } => LinkState::DeviceNotReady,
            LinkStatus::SeveralDevices { .. } => LinkState::SeveralDevices,
            LinkStatus::NoBridge { .. } => LinkState::NoBridge,
            LinkStatus::IncompatibleBridge { .. } => LinkState::IncompatibleBridge,
            LinkStatus::BridgeUnpaired { .. } => LinkState::BridgeUnpaired,
            LinkStatus::AdbUnavailable { .. } => LinkState::AdbUnavailable,
            LinkStatus::Stopped => LinkState::Stopped,
        }
    }
}

/// The state of the link without its details: what the screens branch on (`connected`,
/// `waitingForDevice`, ...). One per [`LinkStatus`] variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum LinkState {
    Starting,
    Connected,
    WaitingForDevice,
    Unauthorized,
    DeviceNotReady,
    SeveralDevices,
    NoBridge,
    IncompatibleBridge,
    BridgeUnpaired,
    AdbUnavailable,
    Stopped,
}

impl fmt::Display for LinkStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let serial = |s: &Option<String>| s.as_deref().map(|s| format!(" {s}")).unwrap_or_default();
        match self {
            LinkStatus::Starting => f.write_str("looking for the face terminal"),
            LinkStatus::Connected(info) => write!(f, "connected to {info}"),
            LinkStatus::WaitingForDevice { serial: s } => {
                write!(
                    f,
                    "waiting for the face terminal{} to be attached",
                    serial(s)
                )
            }
            LinkStatus::Unauthorized { serial } => write!(
                f,
                "the face terminal {serial} has not authorised this PC: accept the USB debugging \
                 prompt on the terminal"
            ),
            LinkStatus::DeviceNotReady { serial, state } => {
                write!(f, "the face terminal {serial} is {state}")
            }
            LinkStatus::SeveralDevices { serials } => write!(
                f,
                "several terminals are attached ({}): configure the serial of the face terminal",
                serials.join(", ")
            ),
            LinkStatus::NoBridge { serial: s, reason } => {
                write!(
                    f,
                    "no bridge answers on the face terminal{}: {reason}",
                    serial(s)
                )
            }
            LinkStatus::IncompatibleBridge { serial: s, reason } => {
                write!(
                    f,
                    "incompatible bridge app on the face terminal{}: {reason}",
                    serial(s)
                )
            }
            LinkStatus::BridgeUnpaired { serial: s, reason } => {
                write!(
                    f,
                    "the bridge on the face terminal{} is not paired with this kiosk: {reason}",
                    serial(s)
                )
            }
            LinkStatus::AdbUnavailable { reason } => write!(f, "adb is not available: {reason}"),
            LinkStatus::Stopped => f.write_str("the terminal link is stopped"),
        }
    }
}

/// What the bridge said about itself in its hello, and how it is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeInfo {
    /// The adb serial, when reached through adb.
    pub serial: Option<String>,
    /// The local address connected to (the forwarded port, or the direct address).
    pub addr: std::net::SocketAddr,
    /// The bridge's hello.
    pub hello: Hello,
}

impl fmt::Display for BridgeInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = &self.hello;
        write!(
            f,
            "bridge {} on {} ({}, Android SDK {}; face SDK {}, face app {}) at {}",
            h.bridge,
            self.serial.as_deref().unwrap_or(&h.device.serial),
            h.device.model,
            h.device.sdk_int,
            h.aar,
            h.face_app.as_deref().unwrap_or("not installed"),
            self.addr
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_written_as_the_screens_know_them() {
        let reason = || "r".to_owned();
        let written = [
            (LinkStatus::Starting, "starting"),
            (
                LinkStatus::WaitingForDevice { serial: None },
                "waitingForDevice",
            ),
            (
                LinkStatus::Unauthorized { serial: reason() },
                "unauthorized",
            ),
            (
                LinkStatus::DeviceNotReady {
                    serial: reason(),
                    state: "offline".into(),
                },
                "deviceNotReady",
            ),
            (
                LinkStatus::SeveralDevices { serials: vec![] },
                "severalDevices",
            ),
            (
                LinkStatus::NoBridge {
                    serial: None,
                    reason: reason(),
                },
                "noBridge",
            ),
            (
                LinkStatus::IncompatibleBridge {
                    serial: None,
                    reason: reason(),
                },
                "incompatibleBridge",
            ),
            (
                LinkStatus::BridgeUnpaired {
                    serial: None,
                    reason: reason(),
                },
                "bridgeUnpaired",
            ),
            (
                LinkStatus::AdbUnavailable { reason: reason() },
                "adbUnavailable",
            ),
            (LinkStatus::Stopped, "stopped"),
        ];
        for (status, state) in written {
            assert_eq!(
                serde_json::to_value(status.state()).unwrap(),
                serde_json::json!(state)
            );
        }
        assert_eq!(
            serde_json::to_value(LinkState::Connected).unwrap(),
            serde_json::json!("connected")
        );
    }
}
