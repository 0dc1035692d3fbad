//! `[terminal]`: how the face terminal is reached, how long its calls may take, and how its
//! face app is set up.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::bridge_client::Pairing;
use crate::link::{AdbProgram, AdbTarget};
use crate::{CallTimeouts, FaceScreen, InitOptions, LinkOptions, TerminalOptions, TerminalTarget};

/// `[terminal]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalSettings {
    /// The adb serial of the face terminal; when absent, the one attached device (the
    /// production configuration requires it: another phone plugged in must not be taken for
    /// the terminal).
    pub serial: Option<String>,
    /// The key shared with the terminal's bridge (`pairing_key_file`); without it no bridge is
    /// accepted.
    pub pairing: Option<Pairing>,
    /// The adb program; when absent, `ADB` from the environment or `adb` on PATH.
    pub adb: Option<PathBuf>,
    /// The adb server's port.
    pub adb_port: u16,
    /// A bridge reached directly over TCP instead of adb (the simulated terminal).
    pub direct: Option<SocketAddr>,
    /// `getWxpayfaceCode`: the patient looks into the camera.
    pub face_scan_timeout: Duration,
    /// `getWxpayAuth` "0": the patient confirms on WeChat's screen.
    pub confirm_timeout: Duration,
    /// Every other SDK call.
    pub call_timeout: Duration,
    /// `[terminal.face_app]`: how the WeChat face app is set up on this terminal.
    pub face_app: FaceAppSettings,
}

/// `[terminal.face_app]`: what the face app is told at init (its proxy, its performance mode)
/// and where it draws the face UI. All of it the face app's defaults when absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaceAppSettings {
    /// The `initWxpayface` Map.
    pub init: InitOptions,
    /// `screen_index` and `overlay_option` of every face scan.
    pub screen: FaceScreen,
}

impl Default for TerminalSettings {
    fn default() -> Self {
        TerminalSettings {
            serial: None,
            pairing: None,
            adb: None,
            adb_port: 5037,
            direct: None,
            face_scan_timeout: Duration::from_secs(90),
            confirm_timeout: Duration::from_secs(120),
            call_timeout: Duration::from_secs(15),
            face_app: FaceAppSettings::default(),
        }
    }
}

impl TerminalSettings {
    /// Where the terminal is: a bridge address, or the device adb finds.
    pub fn target(&self) -> TerminalTarget {
        match self.direct {
            Some(addr) => TerminalTarget::Direct(addr),
            None => TerminalTarget::Adb(AdbTarget {
                server: SocketAddr::from(([127, 0, 0, 1], self.adb_port)),
                serial: self.serial.clone(),
                program: self.adb.clone().map_or(AdbProgram::Auto, AdbProgram::Path),
                ..AdbTarget::new()
            }),
        }
    }

    /// How the link connects: the protocol's defaults, with this kiosk's pairing key.
    pub fn link_options(&self) -> LinkOptions {
        let mut options = LinkOptions::default();
        options.client.pairing = self.pairing.clone();
        options
    }

    /// How the SDK is called: the face app's init Map and screen, and the call timeouts.
    pub fn options(&self) -> TerminalOptions {
        TerminalOptions {
            init: self.face_app.init.clone(),
            face_screen: self.face_app.screen.clone(),
            timeouts: CallTimeouts {
                init: self.call_timeout,
                rawdata: self.call_timeout,
                face_code: self.face_scan_timeout,
                authorise: self.confirm_timeout,
                quit: self.call_timeout,
                stop: Duration::from_secs(5),
            },
            ..TerminalOptions::default()
        }
    }
}
