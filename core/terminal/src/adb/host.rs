//! Host services of the adb server.

use std::net::SocketAddr;

use super::smart_socket::SmartSocket;
use super::track::DeviceTracker;
use super::{AdbError, Device, parse_devices};

/// A forward as `host:list-forward` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forward {
    /// The device.
    pub serial: String,
    /// The local end, e.g. `tcp:27183`.
    pub local: String,
    /// The device end, e.g. `localabstract:facekiosk-bridge`.
    pub remote: String,
}

/// The adb server at an address (127.0.0.1:5037 by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdbHost {
    addr: SocketAddr,
}

impl AdbHost {
    /// The adb server at `addr`.
    pub fn new(addr: SocketAddr) -> AdbHost {
        AdbHost { addr }
    }

    /// Its address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    async fn open(&self, service: &str) -> Result<SmartSocket, AdbError> {
        let mut socket = SmartSocket::connect(self.addr).await?;
        socket.request(service).await?;
        Ok(socket)
    }

    /// `host:version`: the server's protocol version (41 for adb 29 to 37).
    pub async fn version(&self) -> Result<u32, AdbError> {
        let mut socket = self.open("host:version").await?;
        let text = socket.read_string().await?;
        u32::from_str_radix(text.trim(), 16)
            .map_err(|_| AdbError::Protocol(format!("bad version {text:?}")))
    }

    /// `host:devices-l`: the attached devices with their details.
    pub async fn devices(&self) -> Result<Vec<Device>, AdbError> {
        let mut socket = self.open("host:devices-l").await?;
        Ok(parse_devices(&socket.read_string().await?))
    }

    /// `host:track-devices`: the device list now, then again on every change.
    pub async fn track_devices(&self) -> Result<DeviceTracker, AdbError> {
        let socket = self.open("host:track-devices").await?;
        Ok(DeviceTracker::new(socket))
    }

    /// `host-serial:S:forward:LOCAL;REMOTE`. Returns the port the server chose when `local` is
    /// `tcp:0`.
    pub async fn forward(
        &self,
        serial: &str,
        local: &str,
        remote: &str,
    ) -> Result<Option<u16>, AdbError> {
        let service = format!("host-serial:{serial}:forward:{local};{remote}");
        // First OKAY: the transport was found; second: the forward is installed.
        let mut socket = self.open(&service).await?;
        socket.read_status(&service).await?;
        if local != "tcp:0" {
            return Ok(None);
        }
        let port = socket.read_string().await?;
        port.trim()
            .parse()
            .map(Some)
            .map_err(|_| AdbError::Protocol(format!("bad forwarded port {port:?}")))
    }

    /// Forwards a free local TCP port to `remote` on the device; returns the port.
    pub async fn forward_any_port(&self, serial: &str, remote: &str) -> Result<u16, AdbError> {
        self.forward(serial, "tcp:0", remote)
            .await?
            .ok_or_else(|| AdbError::Protocol("no port returned for tcp:0".into()))
    }

    /// `host-serial:S:killforward:LOCAL`.
    pub async fn kill_forward(&self, serial: &str, local: &str) -> Result<(), AdbError> {
        let service = format!("host-serial:{serial}:killforward:{local}");
        let mut socket = self.open(&service).await?;
        socket.read_status(&service).await
    }

    /// `host:list-forward`.
    pub async fn list_forward(&self) -> Result<Vec<Forward>, AdbError> {
        let mut socket = self.open("host:list-forward").await?;
        let text = socket.read_string().await?;
        Ok(text
            .lines()
            .filter_map(|line| {
                let mut words = line.split_whitespace();
                Some(Forward {
                    serial: words.next()?.to_string(),
                    local: words.next()?.to_string(),
                    remote: words.next()?.to_string(),
                })
            })
            .collect())
    }
}
